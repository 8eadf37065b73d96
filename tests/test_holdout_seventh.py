"""The seventh holdout corpus (tests/holdout/seventh/) through the real engine, as tests/test_holdout_sixth.py does
the sixth, reading and judging the feedback as it does (tests/feedback_reading.py).

Written later still and independently of the first six, over all five modules. Every entry must lose marks on
its own function and on no other; no failed check may give a FALSE hint: a claim (a listed mistake, a fitted
constant factor, a formula finding, a behavioural operator or a `repair:`) whose text contains none of the entry's
keywords. The named rates, by keywords and by hand, are printed and written to `holdout-seventh-summary.json` (in
`$CALCGRADE_HOLDOUT_SUMMARY` if set, else in pytest's temporary folder); the floors are the rates measured at the
first grading, never a target. Keywords were fixed and committed before any feedback was seen and are never
edited; tests/holdout/seventh/JUDGED.md holds the judgement by hand of every entry, carried below in tables.
"""

from __future__ import annotations

from holdout_checks import holdout_checks

# Measured at the first grading, not a target: 55 of 85 named by keywords (65%), 57 by hand (67%), one false hint
# (JUDGED.md).
NAMED_AT_LEAST = 0.64
NAMED_BY_HAND_AT_LEAST = 0.66

# The judgement by hand (JUDGED.md), kept apart from the entries' keywords, which are never edited after a hint
# was seen. A claim whose keywords missed but whose text, read by hand, names the mistake rightly: this fragment.
HAND_JUDGED_NOT_FALSE: dict[str, str] = {
    "h7_df_log_divides_by_log": "`log(...)` takes the logarithm",
    "h7_hessian_unit_steps": "a factor h is missing in one place",
    "h7_predict_polyval_order": "m is the slope (it multiplies x); c is the intercept",
    "h7_best_of_starts_returns_f_value": "return the point x, not the value f(x) there",
    "h7_neuron_bias_outside_sigmoid": "the operation belongs inside the function's argument, not after the call",
    "h7_neuron_exponent_sign": "the exponent is −z",
    "h7_dloss_db_times_bias": "an extra factor: `b` does not belong in the product",
    # true, in the right place, but not the mistake made: σ(1 − x) for 1 − σ(x), repaired as σ(−x)
    "h7_dsigmoid_sigmoid_of_one_minus_x": "changing `1 - x` to `0 - x`",
    # the output's linear value passed through the sigmoid, as the edit quotes it (JUDGED.md, judged again)
    "h7_backprop_sigmoid_on_output": "is passed through `sigmoid`, where the value itself belongs",
}
# Not named by hand, whatever matched.
HAND_JUDGED_NOT_NAMED: frozenset[str] = frozenset({
    "h7_dsigmoid_sigmoid_of_one_minus_x",
    # (`^`, `math` on arrays, a list never converted and a missing new axis, whose keywords had matched only
    # Python's error message with no hint, are named since by the repairs of Python read otherwise than meant)
})
HAND_JUDGED_FALSE: dict[str, str] = {}
# What fails today, named per entry (xfail, not strict: a fix shows as XPASS).
KEEPS_MARKS_TODAY: dict[str, str] = {}
FALSE_HINT_TODAY: dict[str, str] = {}
COSTS_CALLERS_TODAY: dict[str, str] = {}


globals().update(holdout_checks("seventh", globals()))
