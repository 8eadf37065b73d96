"""The thirty-ninth holdout corpus (tests/holdout/thirtyninth/) through the real engine, as
tests/test_holdout_thirtyeighth.py does the thirty-eighth, reading and judging the feedback as it does
(tests/feedback_reading.py).

Written after the thirty-eighth and independently of the first thirty-eight, over all five modules: habits from
statistics and data analysis, each in code otherwise right (ddof=1 where none belongs, data centred, standardised or
scaled and the answer not scaled back, a median or a weighted mean for the mean, a correlation for a slope, R² or a
mean squared error for the SSE, a fit through the origin, a log transform, ½·Σr², absolute errors, x regressed on y,
a loss averaged where a sum is asked, a probability clipped before a log). Every entry must lose marks on its own
function and on no other; no failed check may give a FALSE hint: a claim (a listed mistake, a fitted constant factor,
a formula finding, a behavioural operator or a `repair:`) whose text contains none of the entry's keywords. The named
rates, by keywords and by hand, are printed and written to `holdout-thirtyninth-summary.json` (in
`$CALCGRADE_HOLDOUT_SUMMARY` if set, else in pytest's temporary folder); the floors are the rates measured at the
first grading, never a target. Keywords were fixed and committed before any feedback was seen and are never edited;
tests/holdout/thirtyninth/JUDGED.md holds the judgement by hand of every entry, carried below in tables.
"""

from __future__ import annotations

from holdout_checks import holdout_checks

# Measured at the first grading, not a target: 56 of 81 named by keywords (69%), 52 by hand (64%); all 81 lost marks
# on their own function only; no text misleading.
NAMED_AT_LEAST = 0.67
NAMED_BY_HAND_AT_LEAST = 0.62

# The judgement by hand (JUDGED.md), kept apart from the entries' keywords, which are never edited after a hint
# was seen.
HAND_JUDGED_NOT_FALSE: dict[str, str] = {
    # the divisor shown is f_poly itself (x³ − 6x² + 9x + 1): the derivative divided by f, d/dx log f, and the edit
    # drops it at its place; the keywords wanted "divided by f" or "log", the text names the expression
    "h39_df_poly_log_scale_derivative": "an extra division by `x ** 3 - 6 * x ** 2 + 9 * x + 1`",
    # the same for the x-partial: the divisor is g itself (x²y + sin(xy)), ∂ log g/∂x, dropped at its place
    "h39_dg_dx_log_scale_partial": "an extra division by `x ** 2 * y + np.sin(x * y)`",
    # the divisor is |(w, b)|: the relative change |Δw|/|w|, and the edit returns the step itself
    "h39_per_weight_steps_relative_change": "an extra division by `np.abs(np.array([w, b], dtype=float))`",
}

# Keyword matches whose texts name nothing (misleading ones included), and claims judged true that do not name.
HAND_JUDGED_NOT_NAMED: frozenset[str] = frozenset({
    # "tan" matched the student's own formula read back ("your formula is −x + 3/tan(3x), which differs from the
    # right one: no single term or constant factor was found"): nothing says it is f'/f, the log-derivative
    "h39_df_wave_score_function",
    # no hint; "intercept" matched the problem line "(the intercept is off; the slope is right)": nothing says the
    # line must pass through (x0, f(x0)) rather than the origin
    "h39_tangent_line_through_origin",
    # no hint; "intercept" matched the same problem line: nothing says the intercept uses the window's mean of f
    "h39_tangent_line_intercept_from_window_means",
    # no hint; "h" matched the word "hint:" itself ("off by up to 7.33e-07"): nothing says the steps are averaged
    "h39_partial_derivative_averaged_over_steps",
    # no hint; "return" and "shape" matched "returned shape (2, 2), expected shape (2,)": nothing says a tuple
    # (gradient, se) came back where the gradient alone belongs
    "h39_gradient_returns_standard_error",
    # no hint; "degenerate" matched what came back, "returned 'degenerate'": nothing says 0.05 is far too large a
    # tolerance, nor that it should be relative
    "h39_classify_significance_level_tolerance",
    # no hint; "intercept" matched "(the intercept c is off; the slope m is right)": nothing says ȳ is the centred
    # model's intercept, to be converted back as ȳ − m·x̄
    "h39_least_squares_fit_centred_intercept",
})

# No text of this batch was judged misleading.
HAND_JUDGED_FALSE: dict[str, str] = {}

# Every misleading entry (flagged by keywords or by hand): marked as failing today. The three flagged false by
# keywords are right (HAND_JUDGED_NOT_FALSE): none is misleading.
FALSE_HINT_TODAY: dict[str, str] = {}
KEEPS_MARKS_TODAY: dict[str, str] = {}
COSTS_CALLERS_TODAY: dict[str, str] = {}

globals().update(holdout_checks("thirtyninth", globals()))
