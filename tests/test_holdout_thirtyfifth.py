"""The thirty-fifth holdout corpus (tests/holdout/thirtyfifth/) through the real engine, as
tests/test_holdout_thirtyfourth.py does the thirty-fourth, reading and judging the feedback as it does
(tests/feedback_reading.py).

Written after the thirty-fourth and independently of the first thirty-four, over all five modules: the speed-minded
student's rewrites, each right but for one slip (a sum expanded into running sums with a term slipped, Horner's rule
or a factored form with a coefficient slipped, a value hoisted out of a loop it depends on, a subexpression reused
where it does not belong, an in-place operation or a shared buffer, a library call in a subtly wrong form, function
evaluations reused, a cache keyed on the wrong thing, an identity used with a slip). Every entry must lose marks on
its own function and on no other; no failed check may give a FALSE hint: a claim (a listed mistake, a fitted
constant factor, a formula finding, a behavioural operator or a `repair:`) whose text contains none of the entry's
keywords. The named rates, by keywords and by hand, are printed and written to `holdout-thirtyfifth-summary.json`
(in `$CALCGRADE_HOLDOUT_SUMMARY` if set, else in pytest's temporary folder); the floors are the rates measured at
the first grading, never a target. Keywords were fixed and committed before any feedback was seen and are never
edited; tests/holdout/thirtyfifth/JUDGED.md holds the judgement by hand of every entry, carried below in tables.
"""

from __future__ import annotations

from holdout_checks import holdout_checks

# Measured at the first grading, not a target: 61 of 80 named by keywords (76%), 54 by hand (68%); 79 of 80 lost
# marks on their own function (`h35_descend_1d_unrolled_odd_step_lost` kept all: every check's step count was even,
# and it cost its caller `best_of_starts`; 21 steps since); four texts misleading, read by hand (one, "runs once,
# before the loop, so every pass shares", for a value made again in the loop after its use, is told since as "a
# step behind"; two more, fixed since as classes, are noted under HAND_JUDGED_FALSE).
NAMED_AT_LEAST = 0.74
NAMED_BY_HAND_AT_LEAST = 0.66

# The judgement by hand (JUDGED.md), kept apart from the entries' keywords, which are never edited after a hint
# was seen.
HAND_JUDGED_NOT_FALSE: dict[str, str] = {
    # the guard `if n_steps == 0:` is how the student reuses the last gradient: removing it evaluates the gradient at
    # the final point every time, exactly the fix ("the change must be made every time")
    "h35_gradient_norm_last_gradient_reused": "removing the test `if n_steps == 0:` and keeping what it guards makes "
                                              "every check pass",
}

# Keyword matches whose texts name nothing (misleading ones included).
HAND_JUDGED_NOT_NAMED: frozenset[str] = frozenset({
    # no hint; "n" matched the problem's plain words ("not centred", "up to"): nothing says the c² term lacks its n
    "h35_error_profile_intercept_closed_form_no_n",
    # no hint; "intercept" matched "(the intercept c is off; the slope m is right)": nothing says mΣx is not over n
    "h35_least_squares_running_sums_c_without_n",
    # no hint; "n" matched plain words: nothing says the denominator's (Σx)² lacks its /n
    "h35_least_squares_running_sums_denominator_no_n",
    # no hint; "intercept" and "0" matched the part that is off and the size: nothing says the means were centred away
    "h35_least_squares_centred_in_place_means_lost",
    # no hint; "shape" matched "returned shape (18,), expected shape (13,)": nothing says einsum keeps the sample index
    "h35_backprop_einsum_output_index",
    # no hint; "w_out" matched "(∂l/∂w_out is off; ...)": nothing says `hidden` is overwritten before
    # `d_output @ hidden` uses it
    "h35_backprop_inplace_sigma_prime_on_hidden",
    # "min" matched "returned 'minimum'"; "holds for one of them only ... check which values each test looks at" is
    # true (the test reads the largest eigenvalue) but does not say the order is reversed; it named np.any and np.all
    # at the grading, of code whose one np.any is right (a class fixed since: words about calls need the calls)
    "h35_classify_eigvalsh_order_reversed",
})

HAND_JUDGED_FALSE: dict[str, str] = {}
# (At the grading, three more texts misled, each fixed since as a class: `h35_classify_eigvalsh_order_reversed`
# was told "np.any where np.all is needed", which the code does not misuse; `h35_dg_dx_y_factored_twice`, a y left
# inside the bracket, y·(2x + y·cos), was told "the order of operations" with a regrouping that takes the term out of
# the bracket, now told as either the parentheses or `y` a factor too many; and
# `h35_train_neuron_forward_refreshed_before_update` was told "`out = neuron(w, b, x)` runs once, before the loop, so
# every pass shares" where the loop refreshes `out`, now "a step behind".)
FALSE_HINT_TODAY: dict[str, str] = {}
KEEPS_MARKS_TODAY: dict[str, str] = {}
COSTS_CALLERS_TODAY: dict[str, str] = {}

globals().update(holdout_checks("thirtyfifth", globals()))
