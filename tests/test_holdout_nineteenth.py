"""The nineteenth holdout corpus (tests/holdout/nineteenth/) through the real engine, as
tests/test_holdout_eighteenth.py does the eighteenth, reading and judging the feedback as it does
(tests/feedback_reading.py).

Written after the eighteenth and independently of the first eighteen, over all five modules: the habits a student
brings from MATLAB, R, Julia or spreadsheets into NumPy (1-based indices and inclusive ranges, `^` for a power,
`*` and `@` for `.*`, column vectors broadcasting, sums along the wrong axis, `np.log10`, a value where an index is
needed, aliasing taken for a copy). Every entry must lose marks on its own function and on no other; no failed
check may give a FALSE hint: a claim (a listed mistake, a fitted constant factor, a formula finding, a behavioural
operator or a `repair:`) whose text contains none of the entry's keywords. The named rates, by keywords and by hand,
are printed and written to `holdout-nineteenth-summary.json` (in `$CALCGRADE_HOLDOUT_SUMMARY` if set, else in
pytest's temporary folder); the floors are the rates measured at the first grading, never a target. Keywords were
fixed and committed before any feedback was seen and are never edited; tests/holdout/nineteenth/JUDGED.md holds the
judgement by hand of every entry, carried below in tables.
"""

from __future__ import annotations

from holdout_checks import holdout_checks

# Measured at the first grading, not a target: 41 of 49 named by keywords (84%), 38 by hand (78%); no text
# misleading, read by hand (JUDGED.md).
NAMED_AT_LEAST = 0.83
NAMED_BY_HAND_AT_LEAST = 0.77

# The judgement by hand (JUDGED.md), kept apart from the entries' keywords, which are never edited after a hint
# was seen. A claim whose keywords missed but whose text, read by hand, names the mistake rightly: this fragment.
HAND_JUDGED_NOT_FALSE: dict[str, str] = {
    "h19_hessian_ranges_minus_one": "your loop runs one time fewer than it should",  # range(n - 1), range(i, n - 1)
    "h19_steps_to_escape_zero_based_count": "steps counted from 0: the first update is step 1",
    "h19_df_wave_spreadsheet_negation_precedence": "changing `(-x) ** 2 / 2` to `-((-x) ** 2 / 2)`",  # the first edit
}
# Named by keywords only through a shape on the problem line; nothing claimed (at the first grading five more:
# σ' through `np.dot`, ∂g/∂x with x a column, the step with the weights a column, the per-weight steps as a column,
# `np.zeros(n_steps + 1, 2)`; each is now told by a repair that names it, read by hand: JUDGED.md):
HAND_JUDGED_NOT_NAMED: frozenset[str] = frozenset({
    "h19_numerical_derivative_diff_last_axis",
})

globals().update(holdout_checks("nineteenth", globals()))
