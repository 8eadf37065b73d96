"""The thirty-eighth holdout corpus (tests/holdout/thirtyeighth/) through the real engine, as
tests/test_holdout_thirtyseventh.py does the thirty-seventh, reading and judging the feedback as it does
(tests/feedback_reading.py).

Written after the thirty-seventh and independently of the first thirty-seven, over all five modules: generalisation,
each function written more generally than the exercise asks (any dimension, batch shape, loss or activation, a
stencil or an order, a polynomial degree, a generic update or training loop) with one slip in the generalisation or
its specialisation (a default that is not the exercise's case, an axis or a shape right for one case only, a bound
or an index written for n, a coefficient of a general formula, a degree or an order off by one, a general rule wrong
in a case the exercise includes). Every entry must lose marks on its own function and on no other; no failed check
may give a FALSE hint: a claim (a listed mistake, a fitted constant factor, a formula finding, a behavioural operator
or a `repair:`) whose text contains none of the entry's keywords. The named rates, by keywords and by hand, are
printed and written to `holdout-thirtyeighth-summary.json` (in `$CALCGRADE_HOLDOUT_SUMMARY` if set, else in pytest's
temporary folder); the floors are the rates measured at the first grading, never a target. Keywords were fixed and
committed before any feedback was seen and are never edited; tests/holdout/thirtyeighth/JUDGED.md holds the judgement
by hand of every entry, carried below in tables.
"""

from __future__ import annotations

from holdout_checks import holdout_checks

# Measured at the first grading, not a target: 67 of 86 named by keywords (78%), 70 by hand (81%); all 86 lost marks
# on their own function only; four texts misleading, read by hand (HAND_JUDGED_FALSE).
NAMED_AT_LEAST = 0.76
NAMED_BY_HAND_AT_LEAST = 0.79

# The judgement by hand (JUDGED.md), kept apart from the entries' keywords, which are never edited after a hint
# was seen.
HAND_JUDGED_NOT_FALSE: dict[str, str] = {
    # the only `2` in the body is the helper's default order=2: the edit is the slip's own undoing (a first derivative)
    "h38_df_poly_nth_derivative_default_order_two": "changing `2` to `1`",
    # the numerator's x**n where x**(n − 1) = x belongs for n = 2: one power of x too many, the power not lowered
    "h38_df_log_general_power_exponent_not_lowered": "an extra power `** n`",
    # the same in the x-partial: x**p where x**(p − 1) = x belongs for p = 2
    "h38_dg_dx_general_power_exponent_not_lowered": "an extra power `** p`",
    # y**b where y**(b − 1) = 1 belongs for b = 1: the unlowered power leaves an extra factor of y
    "h38_dg_dy_monomial_helper_power_kept": "`y ** b` does not belong in the product",
    # range(n − 1), one partial short: "off-by-one" (hyphenated) and "one step (or entry) short" missed the keywords
    "h38_gradient_loop_bound_n_minus_one": "your loop runs one time fewer than it should",
    # the right-hand side's power x**(i + 1) where x**i belongs: the edit is the slip's own undoing, at its place
    "h38_least_squares_fit_normal_equations_rhs_power_off": "changing `i + 1` to `i`",
    # the loop index returned, counted from 0: the listed mistake says exactly that ("counted from 0", not "from 1")
    "h38_steps_to_escape_zero_based_step_count": "steps counted from 0",
    # true (the result 1 − σ lacks the factor σ), but vague: which factor, and that the denominator's power p wants
    # p + 1, is not said; not named (HAND_JUDGED_NOT_NAMED)
    "h38_dsigmoid_generalised_logistic_power_not_raised": "one factor of the sigmoid's derivative is missing",
    # keywords missed; of the two edits shown, powers[0 - i] = powers[-i] is powers[i] for both variables: the index of
    # the power taken is the slip (the other edit, the coefficient 1.0 to 2.0, compensates)
    "h38_dg_dx_monomial_helper_other_variables_power": "changing `1 - i` to `0 - i`",
    # keywords missed; of the two edits shown, the step 2h brought to h on the diagonal's line agrees with its
    # denominator h² (the other, range(i, n), overwrites the diagonal with the 4-point stencil at step 2h over 4h²:
    # a repair too)
    "h38_hessian_diagonal_second_difference_denominator_h2": "changing `2 * steps[i]` to `steps[i]`",
}

# Keyword matches whose texts name nothing (misleading ones included), and claims judged true that do not name.
HAND_JUDGED_NOT_NAMED: frozenset[str] = frozenset({
    # the one claim is true but vague (HAND_JUDGED_NOT_FALSE): a factor of σ(1 − σ) missing, not which nor where; the
    # power p of (1 + e^(−kx)) not raised to p + 1 is not named
    "h38_dsigmoid_generalised_logistic_power_not_raised",
    # no hint; "shape" matched "returned shape (2,), expected shape (6,)": nothing says [..., 1] takes the last axis
    # where the component is on axis 0
    "h38_dg_dy_stacked_gradient_indexed_last_axis",
    # no hint; "maximum" matched only what came back, "returned 'maximum'" (a saddle): nothing says a maximum's minors
    # alternate in sign
    "h38_classify_sylvester_maximum_all_minors_negative",
    # no hint; "axis", "index" and "i" matched Python's IndexError ("index 5 is out of bounds for axis 0 with size 5")
    # on the line that pairs the axes with the index: nothing says the surface's rows are the intercepts
    "h38_best_fit_on_grid_general_axes_in_argument_order",
    # no hint; "shape" matched "returned shape (8, 1), expected shape (8,)": nothing says the layer returns a column
    "h38_neuron_layer_output_column",
})

HAND_JUDGED_FALSE: dict[str, str] = {}
# (At the grading four texts misled, each fixed since as a class. `h38_df_wave_general_gaussian_rate_factor_two_lost`,
# a Gaussian's rate k = ½ kept where the chain rule lost its 2, was told "`k` does not belong in the product": a name
# holding a fixed number, removed by a repair, is told with the factor that would make it one ("an extra factor `k`
# (0.5 here), or a missing factor 2 beside it"). `h38_dg_dx_chain_product_includes_own_variable`, a product over
# the variables that kept the variable's own factor, was told an accumulator never reset: a start is moved into a
# loop only where the passes read the value (now told by its values only). `h38_gradient_batch_shape_kept_2d` and
# `h38_gradient_step_batch_of_weight_vectors_2d`, a batch axis of length 1 kept for one input, were told "the values
# are never added up: the answer is one number, their sum": a missing sum is said only where the answer is one
# number, and shapes that differ by axes of length 1 say so ("an axis of length 1 too many"), which names them.)
FALSE_HINT_TODAY: dict[str, str] = {}
KEEPS_MARKS_TODAY: dict[str, str] = {}
COSTS_CALLERS_TODAY: dict[str, str] = {}

globals().update(holdout_checks("thirtyeighth", globals()))
