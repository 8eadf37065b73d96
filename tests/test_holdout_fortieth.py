"""The fortieth holdout corpus (tests/holdout/fortieth/) through the real engine, as
tests/test_holdout_thirtyninth.py does the thirty-ninth, reading and judging the feedback as it does
(tests/feedback_reading.py).

Written after the thirty-ninth and independently of the first thirty-nine, over all five modules: the neighbouring
question, each function answering a question next to the one asked in code otherwise right (the step for the new
point, an index for a value, the gradient's norm or direction for the gradient, a per-point array for a total, the
other one of two outputs or the pair in the other order, the transposed grid, the second derivative for the first,
the eigenvalues or the determinant for a label, the history for the final value). Every entry must lose marks on its
own function and on no other; no failed check may give a FALSE hint: a claim (a listed mistake, a fitted constant
factor, a formula finding, a behavioural operator or a `repair:`) whose text contains none of the entry's keywords.
The named rates, by keywords and by hand, are printed and written to `holdout-fortieth-summary.json` (in
`$CALCGRADE_HOLDOUT_SUMMARY` if set, else in pytest's temporary folder); the floors are the rates measured at the
first grading, never a target. Keywords were fixed and committed before any feedback was seen and are never edited;
tests/holdout/fortieth/JUDGED.md holds the judgement by hand of every entry, carried below in tables.
"""

from __future__ import annotations

from holdout_checks import holdout_checks

# Measured at the first grading, not a target: 60 of 92 named by keywords (65%), 37 by hand (40%); all 92 lost marks
# on their own function only; no text misleading.
NAMED_AT_LEAST = 0.63
NAMED_BY_HAND_AT_LEAST = 0.38

# The judgement by hand (JUDGED.md), kept apart from the entries' keywords, which are never edited after a hint
# was seen.
# No entry of this batch was flagged false by keywords at its first grading; one since (below), judged right.
HAND_JUDGED_NOT_FALSE: dict[str, str] = {
    # after the grading (the neighbouring-kind operators): the length at the last point alone, where the record of
    # every point's length belongs, is told exactly so; the keywords wanted "record", "every point" or "array"
    "h40_gradient_norm_final_only": "your answer is only the last part of the right one (its last row or entry)",
    # counted as claims since the readings of an answer's shape are second tier (an edit that repairs the code is told
    # after them): both true, neither with a keyword ("pair", "axis i"), neither naming (below)
    "h40_dloss_dw_both_partials": "its first entry (or row) is the right answer; return that alone",
    "h40_partial_derivative_all_axes": "your answer holds several values, one of them the right answer",
}

# Keyword matches whose texts name nothing (misleading ones included), and claims judged true that do not name.
HAND_JUDGED_NOT_NAMED: frozenset[str] = frozenset({
    # true readings of the answer, judged right above: what the answer holds, not that the pair (∂L/∂w, ∂L/∂b) or
    # every axis's central difference was returned
    "h40_dloss_dw_both_partials",
    "h40_partial_derivative_all_axes",
    # named since the first grading, read again by hand (the neighbouring-kind operators): df_wave's product-rule
    # terms unsummed and its (value, derivative), df_nonconvex's (f, f'), dg_dx's whole gradient, error_surface's
    # residual cube, gradient_descent's and train_neuron's final weights only, hessian's determinant, and the
    # label with its eigenvalues: each told what its answer holds or is ("its last entry (or row) is the right
    # answer", "the determinant of the right matrix")
    # "6x" matched the student's own formula read back ("your formula is 6x − 12, which differs from the right one:
    # no single term or constant factor was found to explain the difference"): nothing says it is the second derivative
    "h40_df_poly_second_derivative",
    # no hint; "shape" matched "returned shape (3,), expected a single number": nothing says the coefficients
    # np.polyder(…) were never evaluated at x
    "h40_df_poly_coefficients_not_evaluated",
    # no hint; "intercept" matched the problem line "(the intercept is off; the slope is right)": nothing says the
    # x-intercept x0 − f(x0)/f'(x0) was returned for the y-intercept
    "h40_tangent_line_x_intercept_newton",
    # no hint; "shape" matched "returned shape (26,), expected shape (26, 2)": nothing says the SSE was recorded
    # where the weights (m, c) belong
    "h40_gradient_descent_loss_history",
    # "12" matched the formula read back ("your formula is 12x² − 6 … no single term or constant factor was found"):
    # nothing says it is the second derivative
    "h40_df_nonconvex_second_derivative",
    # no hint; "shape" matched "returned shape (31,), expected shape (31, 2)": nothing says the loss was recorded
    # where the weights (w, b) belong
    "h40_train_neuron_loss_curve",
    # no hint; "step" matched the check name "thirty steps", "weights" and "path" the check name "a start next to the
    # weights that made the targets: the path settles": nothing says the updates were recorded for the weights
    "h40_train_neuron_records_steps",
    # no hint; "shape" matched "returned shape (41, 2), expected shape (41,)" ("norm", "gradient" the function's
    # name): nothing says the points were recorded where the gradient's length belongs
    "h40_gradient_norm_records_points",
    # no hint; "shape" matched "returned shape (41, 2), expected shape (41,)": nothing says the vectors' lengths belong
    "h40_gradient_norm_records_vectors",
    # no hint; "number" matched "returned shape (2,), expected a single number", "step" the function's name
    # steps_to_escape: nothing says the point came back for the step's number
    "h40_steps_to_escape_returns_point",
    # no hint, "off by up to 37.4"; "step" matched the function's name steps_to_escape, "k" "neural_network": nothing
    # says the distance came back for the step's number
    "h40_steps_to_escape_returns_distance",
    # "sin" matched the formula read back ("your formula is −y²·sin(x·y) + 2y … no single term or constant factor was
    # found"): nothing says it is ∂²g/∂x²
    "h40_dg_dx_second_partial",
    # "sin" matched the formula read back ("your formula is −x·y·sin(x·y) + 2x + cos(x·y) … no single term or
    # constant factor was found"): nothing says it is the mixed partial
    "h40_dg_dy_mixed_partial",
    # no hint; "return" matched "returned array([…])", the labels the check names ("a minimum", "a 3×3 maximum",
    # "a saddle …"): nothing says the eigenvalues came back where a label belongs
    "h40_classify_returns_eigenvalues",
})

# No text of this batch was judged misleading. Noted, not misleading: the missing-sum repair read as "σ(residuals²)"
# is the summary's own lower-casing of Σ (the keyword reading lower-cases every text); the student reads Σ. hessian's
# diagonal only is told error_surface's "your grid pairs the two lists element by element (as zip does) … build all
# pairs (a double loop, or np.meshgrid)": true of the pairs (i, i).
HAND_JUDGED_FALSE: dict[str, str] = {}

# Keyword-not-named entries judged named by hand: none. The 32 keyword misses all have no hint (31) or only the
# formula read back ("your formula is (2 − 2x²)/(x² + 1)² … no single term or constant factor was found",
# h40_df_log_second_derivative).
#
# Counts at the first grading: named by keywords 60 of 92 (65%); named by hand 37 of 92 (40%); misleading 0; flagged
# false by keywords 0. All 92 lose marks on their own function only.

FALSE_HINT_TODAY: dict[str, str] = {}
KEEPS_MARKS_TODAY: dict[str, str] = {}
COSTS_CALLERS_TODAY: dict[str, str] = {}

globals().update(holdout_checks("fortieth", globals()))
