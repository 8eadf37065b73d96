"""The thirty-fourth holdout corpus (tests/holdout/thirtyfourth/) through the real engine, as
tests/test_holdout_thirtythird.py does the thirty-third, reading and judging the feedback as it does
(tests/feedback_reading.py).

Written after the thirty-third and independently of the first thirty-three, over all five modules: control flow and
indentation slips, each in code otherwise right (a `return` indented into a loop, an update dedented out of it, an
accumulator reset every pass, `break` or `continue` misplaced, `if` for `elif`, a test inverted or made strict at a
boundary, a `while` checked one step off, loops swapped or over the wrong sequence, statements in the wrong order).
Every entry must lose marks on its own function and on no other; no failed check may give a FALSE hint: a claim (a
listed mistake, a fitted constant factor, a formula finding, a behavioural operator or a `repair:`) whose text
contains none of the entry's keywords. The named rates, by keywords and by hand, are printed and written to
`holdout-thirtyfourth-summary.json` (in `$CALCGRADE_HOLDOUT_SUMMARY` if set, else in pytest's temporary folder); the
floors are the rates measured at the first grading, never a target. Keywords were fixed and committed before any
feedback was seen and are never edited; tests/holdout/thirtyfourth/JUDGED.md holds the judgement by hand of every
entry, carried below in tables.
"""

from __future__ import annotations

from holdout_checks import holdout_checks

# Measured at the first grading, not a target: 53 of 79 named by keywords (67%), 57 by hand (72%; 58 on review); all
# 79 lost marks on their own function, none cost its callers; three texts misleading, read by hand (a fourth, read so
# at first, is not: `h34_gradient_norm_step_before_record` steps before it records, n_steps + 1 times, so "start not
# recorded" and "one step too many" are both true of it, and the statement swaps offered beside them are the fix).
NAMED_AT_LEAST = 0.65
NAMED_BY_HAND_AT_LEAST = 0.70

# The judgement by hand (JUDGED.md), kept apart from the entries' keywords, which are never edited after a hint
# was seen.
HAND_JUDGED_NOT_FALSE: dict[str, str] = {
    "h34_df_wave_exp_factor_overwritten_first": "your answer has −3x·e^(−x²/2)·cos(3x) where the right one has "
                                                "3e^(−x²/2)·cos(3x)",
    "h34_gradient_step_return_in_loop": "only one of your weights is updated; the other stays where it started",
    "h34_best_of_starts_first_not_descended": "in best_of_starts, changing `1:` to `0:` makes every check pass",
    "h34_sse_while_increment_first": "your result leaves out the first or the last data point: a loop bound off by one",
    "h34_best_fit_pair_dedented": "your answer is always the last candidate",
    # `positive > 0` for a minimum: the test holds where one eigenvalue is positive, as the text says; its words
    # about np.any and np.all (which matched "np.all") are said only where the code calls them more often than the
    # reference, and this code calls neither (a class fixed after the thirty-fifth holdout)
    "h34_classify_positive_count_test": "a test that must hold for every value holds for one of them only",
    "h34_dloss_db_while_increment_first": "your result leaves out the first or the last data point: a loop bound off "
                                          "by one",
    "h34_gradient_norm_while_one_short": "your loop runs one time fewer than it should: one step (or entry) short",
    "h34_dg_dx_nested_loop_for_zip": "`j` where `i` belongs. in dg_dx, changing `y_arr[j]` to `y_arr[i]` in 3 places",
}

# Keyword matches whose texts name nothing (misleading ones included).
HAND_JUDGED_NOT_NAMED: frozenset[str] = frozenset({
    # "intercept is f(x0)" and the right formula read back (the student's own formula): nothing says the slope is
    # used before it is set
    "h34_tangent_line_intercept_before_slope",
    # only Python's IndexError with the code line `e[i, j] = ...` quoted; no hint
    "h34_error_surface_loops_swapped",
})
# (`h34_partial_derivative_minus_dedented_from_if`, misleading at the first grading, is named since: "`minus[k] -= h`
# stands after `if k == i:`, so it runs on every pass"; the two debugging returns too: "`return s` under `if
# np.ndim(x) == 0:` returns early on the inputs that test picks".)

HAND_JUDGED_FALSE: dict[str, str] = {
    # the scalar test `np.ndim(x) == 0` is right; the slip is the debugging `return s` under it. The edit to -1
    # makes the branch dead, and "not the right constant" is a cause the code does not have
    "h34_dsigmoid_debug_return_scalar": "the number 0 is not the right constant here. in dsigmoid, changing "
                                        "`np.ndim(x) == 0`",
    # the same: the debugging `return 2 * x` is the slip, not the 0 of the scalar test
    "h34_df_log_debug_return_numerator": "the number 0 is not the right constant here. in df_log, changing "
                                         "`np.ndim(x) == 0`",
    # the copy belongs before the loop (as `plus`'s does); the slip is `minus[k] -= h` dedented out of `if k == i`
    "h34_partial_derivative_minus_dedented_from_if": "`minus = np.array(point, dtype=float)` runs once, before the "
                                                     "loop, so every pass shares",
}
FALSE_HINT_TODAY: dict[str, str] = {}
KEEPS_MARKS_TODAY: dict[str, str] = {}
COSTS_CALLERS_TODAY: dict[str, str] = {}

globals().update(holdout_checks("thirtyfourth", globals()))
