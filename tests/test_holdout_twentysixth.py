"""The twenty-sixth holdout corpus (tests/holdout/twentysixth/) through the real engine, as
tests/test_holdout_twentyfifth.py does the twenty-fifth, reading and judging the feedback as it does
(tests/feedback_reading.py).

Written after the twenty-fifth and independently of the first twenty-five, over all five modules: the slips of the
student who takes another mathematical route (factored forms, identities, substitutions, higher-order stencils, the
least-squares line by covariances or Cramer's rule, backpropagation in matrix form). Every entry must lose marks on
its own function and on no other; no failed check may give a FALSE hint: a claim (a listed mistake, a fitted constant
factor, a formula finding, a behavioural operator or a `repair:`) whose text contains none of the entry's keywords.
The named rates, by keywords and by hand, are printed and written to `holdout-twentysixth-summary.json` (in
`$CALCGRADE_HOLDOUT_SUMMARY` if set, else in pytest's temporary folder); the floors are the rates measured at the
first grading, never a target. Keywords were fixed and committed before any feedback was seen and are never edited;
tests/holdout/twentysixth/JUDGED.md holds the judgement by hand of every entry, carried below in tables.
"""

from __future__ import annotations

from holdout_checks import holdout_checks

# Measured at the first grading, not a target: 28 of 50 named by keywords (56%), 30 by hand (60%); 50 of 50 lose
# marks on their own function only. One text misleading, read by hand (JUDGED.md).
NAMED_AT_LEAST = 0.55
NAMED_BY_HAND_AT_LEAST = 0.59

# The judgement by hand (JUDGED.md), kept apart from the entries' keywords, which are never edited after a hint
# was seen. A claim whose keywords missed but whose text, read by hand, is true: this fragment.
HAND_JUDGED_NOT_FALSE: dict[str, str] = {
    "h26_dflog_substitution_not_put_back": "changing `1 + x` to `1 + x * x`",  # u put back
    "h26_dgdx_substitution_product_term_lost": "your answer has x·y where the right one has 2x·y",  # the lost half
    "h26_gd_design_matrix_ones_first": "`np.ones_like(x)` and `x` are in each other's place",  # the column order
    "h26_dldb_complement_identity_taken_twice": "changing `-z` to `z`",  # the complement taken once
    "h26_dfpoly_factored_product_rule_drops_two": "your answer has 2x² where the right one has 3x²",  # true, unnamed
    # after the grading: the fix of the misleading text below names the slip with a listed mistake
    "h26_dsigmoid_log_derivative_returned": "one factor of the sigmoid's derivative is missing",
}
# Named by keywords only in a formula shown whole, or true without naming the slip.
HAND_JUDGED_NOT_NAMED: frozenset[str] = frozenset({
    "h26_dfwave_triple_angle_chain_cos_dropped", "h26_dfnonconvex_completed_square_inner_dropped",
    "h26_dfpoly_factored_product_rule_drops_two",
})
# Texts judged misleading by hand whatever the keywords say (kept, so that it coming back fails): 1 − σ(x), built
# from sigmoid's value (the logarithmic derivative not multiplied back), told the power rule was misapplied. Fixed
# after the grading (JUDGED.md, "After the grading"); the fragment is the old, misleading sentence.
HAND_JUDGED_FALSE: dict[str, str] = {
    "h26_dsigmoid_log_derivative_returned": "your answer keeps the power −1",
}
FALSE_HINT_TODAY: dict[str, str] = {}
KEEPS_MARKS_TODAY: dict[str, str] = {}
COSTS_CALLERS_TODAY: dict[str, str] = {}

globals().update(holdout_checks("twentysixth", globals()))
