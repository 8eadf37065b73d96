"""The forty-third holdout corpus (tests/holdout/fortythird/) through the real engine, as
tests/test_holdout_fortysecond.py does the forty-second, reading and judging the feedback as it does
(tests/feedback_reading.py).

Written after the forty-second and independently of the first forty-two, over all five modules: code adapted from
another source (a textbook, lecture notes, a forum answer, a framework's documentation) without adapting its
convention to the docstring's (the residual's sign, a ½, 1/n or 1/(2n), the bias as a column of ones, the intercept
first, degrees, log₁₀, the sigmoid's derivative written for the output, `meshgrid`'s "ij" indexing, a Hessian in the
other variable order, a label or an index where the point is asked). Every entry must lose marks on its own function
and on no other; no failed check may give a FALSE hint: a claim (a listed mistake, a fitted constant factor, a formula
finding, a behavioural operator or a `repair:`) whose text contains none of the entry's keywords. The named rates, by
keywords and by hand, are printed and written to `holdout-fortythird-summary.json` (in `$CALCGRADE_HOLDOUT_SUMMARY` if
set, else in pytest's temporary folder); the floors are the rates measured at the first grading, never a target.
Keywords were fixed and committed before any feedback was seen and are never edited; tests/holdout/fortythird/
JUDGED.md holds the judgement by hand of every entry, carried below in tables.
"""

from __future__ import annotations

from holdout_checks import holdout_checks

# Measured at the first grading, not a target: 72 of 79 named by keywords (91%), 70 by hand (89%); 79 of 79 lose
# marks on their own function only. One text misleading, read by hand (JUDGED.md).
NAMED_AT_LEAST = 0.91
NAMED_BY_HAND_AT_LEAST = 0.88

# The judgement by hand (JUDGED.md), kept apart from the entries' keywords, which are never edited after a hint
# was seen. A claim whose keywords missed but whose text, read by hand, names the mistake rightly: this fragment.
HAND_JUDGED_NOT_FALSE: dict[str, str] = {
    "h43_sse_one_over_two_n": "an extra division by `2 * len(residuals)`",
    "h43_dloss_dw_derivative_formula_applied_to_output": "`sigmoid(out)` where `out` itself belongs",
    "h43_per_weight_steps_bias_first": "and `dloss_dw(w, b, x, y)` are in each other's place",
    # the formula's difference, true and at its place, though not why (the source's g had x and y exchanged)
    "h43_dg_dx_source_with_arguments_swapped": "your answer has y² where the right one has 2x·y",
}
# Named by keywords only on an observation (a shape, the value returned, the formula read back); nothing claimed.
HAND_JUDGED_NOT_NAMED: frozenset[str] = frozenset({
    "h43_dsigmoid_tanh_sigmoid_derivative", "h43_gradient_step_column_vector", "h43_predict_row_vector_data",
    "h43_gradient_row_vector", "h43_classify_saddle_point_label", "h43_classify_negative_hessian_convention",
})
# Texts judged misleading by hand whatever the keywords say (kept, so that any of them coming back fails): the
# eigenvalues of −H told "the tests are right" with the labels swapped (the labels were right for what was tested).
HAND_JUDGED_FALSE: dict[str, str] = {
    "h43_classify_negative_hessian_convention": "the tests are right",
}
FALSE_HINT_TODAY: dict[str, str] = {}
KEEPS_MARKS_TODAY: dict[str, str] = {}
COSTS_CALLERS_TODAY: dict[str, str] = {}

globals().update(holdout_checks("fortythird", globals()))
