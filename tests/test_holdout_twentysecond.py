"""The twenty-second holdout corpus (tests/holdout/twentysecond/) through the real engine, as
tests/test_holdout_twentyfirst.py does the twenty-first, reading and judging the feedback as it does
(tests/feedback_reading.py).

Written after the twenty-first and independently of the first twenty-one, over all five modules: code ported from
another language or from textbook pseudocode (MATLAB's 1-based indices, inclusive ranges, column-major order and
copying assignment; R's, Julia's and C's conventions; `^` for a power; a calculator's log10; a textbook's sigmoid and
loss). Its theme returns to the nineteenth's (MATLAB, R and spreadsheet habits), written without reading it. Every
entry must lose marks on its own function and on no other; no failed check may give a FALSE hint: a claim (a listed
mistake, a fitted constant factor, a formula finding, a behavioural operator or a `repair:`) whose text contains none
of the entry's keywords. The named rates, by keywords and by hand, are printed and written to
`holdout-twentysecond-summary.json` (in `$CALCGRADE_HOLDOUT_SUMMARY` if set, else in pytest's temporary folder); the
floors are the rates measured at the first grading, never a target. Keywords were fixed and committed before any
feedback was seen and are never edited; tests/holdout/twentysecond/JUDGED.md holds the judgement by hand of every
entry, carried below in tables.
"""

from __future__ import annotations

from holdout_checks import holdout_checks

# Measured at the first grading, not a target: 40 of 50 named by keywords (80%), 35 by hand (70%); 50 of 50 lose
# marks on their own function only. No text misleading, read by hand (JUDGED.md).
NAMED_AT_LEAST = 0.79
NAMED_BY_HAND_AT_LEAST = 0.69

# The judgement by hand (JUDGED.md), kept apart from the entries' keywords, which are never edited after a hint
# was seen. A claim whose keywords missed but whose text, read by hand, names the mistake rightly: this fragment.
HAND_JUDGED_NOT_FALSE: dict[str, str] = {
    "h22_dfwave_typeset_exponent": "np.exp(-x ** 2 / 2)",  # the /2 moved back inside exp: a repair in the slip's line
    "h22_descend_until_converged": "your loop stops before making all of its steps",
    "h22_best_returns_min_value": "return the point x, not the value f(x) there",
}
# Named by keywords only through a shape on the problem line, or NumPy's own error and the student's line quoted in
# it; nothing claimed. (Two more were so at the first grading and are named now by the edit that undoes them: the
# gradient made a column by `np.zeros((n, 1))`, the Hessian made by MATLAB's `zeros(n)`.)
HAND_JUDGED_NOT_NAMED: frozenset[str] = frozenset({
    "h22_numdiff_diff_axis", "h22_dgdx_meshgrid", "h22_backprop_builtin_sum_layout",
    "h22_sse_transpose_star", "h22_ssegrad_r_crossprod", "h22_bestfit_c_division",
})
HAND_JUDGED_FALSE: dict[str, str] = {}
KEEPS_MARKS_TODAY: dict[str, str] = {}
COSTS_CALLERS_TODAY: dict[str, str] = {}

globals().update(holdout_checks("twentysecond", globals()))
