"""The twentieth holdout corpus (tests/holdout/twentieth/) through the real engine, as
tests/test_holdout_nineteenth.py does the nineteenth, reading and judging the feedback as it does
(tests/feedback_reading.py).

Written after the nineteenth and independently of the first nineteen, over all five modules: code a student got from
an assistant or a copied answer and pasted in with light adaptation (defaults and conventions silently changed,
NumPy calls that mean something else, "best practices" added, another tutorial's conventions). Every entry must lose
marks on its own function and on no other; no failed check may give a FALSE hint: a claim (a listed mistake, a
fitted constant factor, a formula finding, a behavioural operator or a `repair:`) whose text contains none of the
entry's keywords. The named rates, by keywords and by hand, are printed and written to
`holdout-twentieth-summary.json` (in `$CALCGRADE_HOLDOUT_SUMMARY` if set, else in pytest's temporary folder); the
floors are the rates measured at the first grading, never a target. Keywords were fixed and committed before any
feedback was seen and are never edited; tests/holdout/twentieth/JUDGED.md holds the judgement by hand of every
entry, carried below in tables.
"""

from __future__ import annotations

from holdout_checks import holdout_checks

# Measured at the first grading, not a target: 40 of 50 named by keywords (80%), 43 by hand (86%); no text
# misleading, read by hand (JUDGED.md).
NAMED_AT_LEAST = 0.79
NAMED_BY_HAND_AT_LEAST = 0.85

# The judgement by hand (JUDGED.md), kept apart from the entries' keywords, which are never edited after a hint
# was seen. A claim whose keywords missed but whose text, read by hand, names the mistake rightly: this fragment.
HAND_JUDGED_NOT_FALSE: dict[str, str] = {
    "h20_backprop_sigmoid_twice": "`sigmoid(hidden)` where `hidden` itself belongs",
    "h20_best_of_starts_flattest": "chooses the candidate by the slope there (the derivative), not by where the "
                                   "function itself is lowest",
    "h20_escape_check_first": "runs before the step of its pass",
    "h20_hessian_symmetrise_halves": "adding `h[j, i] = h[i, j]` after `h[i, j] = ...` (the mirrored entry stored "
                                     "too)",
    # the pair of slips beside the one-edit repair is withdrawn since; the repair names the factor 1/(2n)
    "h20_sse_half_mean": "does not belong in the product",
}
# Named by keywords only through a shape on the problem line; nothing claimed.
HAND_JUDGED_NOT_NAMED: frozenset[str] = frozenset({
    "h20_df_wave_np_gradient",
})

globals().update(holdout_checks("twentieth", globals()))
