"""The forty-fourth holdout corpus (tests/holdout/fortyfourth/) through the real engine, as
tests/test_holdout_fortythird.py does the forty-third, reading and judging the feedback as it does
(tests/feedback_reading.py).

Written after the forty-third and independently of the first forty-three, over all five modules: edits left half-done
(a sibling function's code or an earlier line copied and adapted incompletely: a name or an index not changed, a
coefficient, exponent, term or denominator left from the copied line, a sign flipped in one place and not another,
one weight's update adapted and the other copied, the docstring's second case not handled). Every entry must lose
marks on its own function and on no other; no failed check may give a FALSE hint: a claim (a listed mistake, a
fitted constant factor, a formula finding, a behavioural operator or a `repair:`) whose text contains none of the
entry's keywords. The named rates, by keywords and by hand, are printed and written to
`holdout-fortyfourth-summary.json` (in `$CALCGRADE_HOLDOUT_SUMMARY` if set, else in pytest's temporary folder); the
floors are the rates measured at the first grading, never a target. Keywords were fixed and committed before any
feedback was seen and are never edited; tests/holdout/fortyfourth/JUDGED.md holds the judgement by hand of every
entry, carried below in tables.
"""

from __future__ import annotations

from holdout_checks import holdout_checks

# Measured at the first grading, not a target: 70 of 83 named by keywords (84%), 76 by hand (92%); 83 of 83 lose
# marks on their own function only. No text misleading, read by hand (JUDGED.md).
NAMED_AT_LEAST = 0.84
NAMED_BY_HAND_AT_LEAST = 0.91

# The judgement by hand (JUDGED.md), kept apart from the entries' keywords, which are never edited after a hint
# was seen. A claim whose keywords missed but whose text, read by hand, names the mistake rightly: this fragment.
HAND_JUDGED_NOT_FALSE: dict[str, str] = {
    "h44_sse_gradient_targets_line_not_renamed":
        "`x` where `y` belongs. in sse_gradient, changing `np.asarray(x, dtype=float)`",
    "h44_gradient_step_first_operand_renamed": "`grad` where `weights` belongs. in gradient_step",
    "h44_df_nonconvex_linear_term_left": "your answer has x where the right one has 1",
    "h44_best_of_starts_key_left_df": "your search chooses the candidate by the slope there (the derivative)",
    "h44_sse_targets_line_not_renamed": "`x` where `y` belongs. in sse, changing `np.asarray(x, dtype=float)`",
    "h44_error_profile_slope_vectorised_targets_from_x":
        "`x` where `y` belongs. in error_profile_slope, changing `np.asarray(x",
    "h44_best_fit_on_grid_second_index_not_changed":
        "`j` where `i` belongs. in best_fit_on_grid, where it computes the intercept",
    "h44_neuron_loss_targets_not_renamed":
        "`x` where `y` belongs. in neuron_loss, changing `np.asarray(x, dtype=float)`",
    "h44_dloss_dw_targets_line_not_renamed":
        "`x` where `y` belongs. in dloss_dw, changing `np.asarray(x, dtype=float)`",
    "h44_gradient_axis_index_left_zero": "a fixed number where the loop's index `i` belongs",
}
# Named by keywords only on an observation (an exception's text, which output is off, the sign of one output); nothing
# claimed.
HAND_JUDGED_NOT_NAMED: frozenset[str] = frozenset({
    "h44_error_profile_slope_vectorised_newaxis_dropped", "h44_backprop_output_bias_copied_from_weights",
    "h44_per_weight_steps_abs_on_one_only",
})
HAND_JUDGED_FALSE: dict[str, str] = {}
FALSE_HINT_TODAY: dict[str, str] = {}
KEEPS_MARKS_TODAY: dict[str, str] = {}
COSTS_CALLERS_TODAY: dict[str, str] = {}

globals().update(holdout_checks("fortyfourth", globals()))
