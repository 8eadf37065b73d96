"""The eighteenth holdout corpus (tests/holdout/eighteenth/) through the real engine, as
tests/test_holdout_seventeenth.py does the seventeenth, reading and judging the feedback as it does
(tests/feedback_reading.py).

Written after the seventeenth and independently of the first seventeen, over all five modules: the habits a
machine-learning practitioner brings from frameworks and courses into exercises that ask for the plain calculus
(momentum, a learning-rate schedule, weight decay, clipping, early stopping, centred or standardised data, a mean
squared error, cross-entropy, tanh or ReLU derivatives, gradient-check habits). Every entry must lose marks on its
own function and on no other; no failed check may give a FALSE hint: a claim (a listed mistake, a fitted constant
factor, a formula finding, a behavioural operator or a `repair:`) whose text contains none of the entry's keywords.
The named rates, by keywords and by hand, are printed and written to `holdout-eighteenth-summary.json` (in
`$CALCGRADE_HOLDOUT_SUMMARY` if set, else in pytest's temporary folder); the floors are the rates measured at the
first grading, never a target. Keywords were fixed and committed before any feedback was seen and are never
edited; tests/holdout/eighteenth/JUDGED.md holds the judgement by hand of every entry, carried below in tables.
"""

from __future__ import annotations

from holdout_checks import holdout_checks

# Measured at the first grading, not a target: 29 of 44 named by keywords (66%), 32 by hand (73%); four texts
# misleading, read by hand (JUDGED.md).
NAMED_AT_LEAST = 0.65
NAMED_BY_HAND_AT_LEAST = 0.72

# The judgement by hand (JUDGED.md), kept apart from the entries' keywords, which are never edited after a hint
# was seen. A claim whose keywords missed but whose text, read by hand, names the mistake rightly: this fragment.
HAND_JUDGED_NOT_FALSE: dict[str, str] = {
    "h18_backprop_batch_mean": "0.1111 times the right one",  # 1/n with n = 9: every gradient averaged
    "h18_best_of_starts_smallest_gradient": "chooses the candidate by the slope there",  # min by |df|
    "h18_descend_1d_exponential_decay": "every pass shares and keeps changing the same value",  # lr *= 0.9
    "h18_df_nonconvex_descent_direction": "your answer is the negative of the right one",  # −f' returned
    "h18_hessian_step_too_small": "a fixed number where `h` belongs",  # h = 1e-7 for the argument h
    "h18_numerical_derivative_fixed_epsilon": "a fixed number where `h` belongs",  # epsilon = 1e-4 for h
    "h18_sse_gradient_batch_mean": "mean instead of sum",  # both partials divided by n
    # since the fix of the misleading texts below: the penalty's term named for what it is
    "h18_best_fit_on_grid_ridge_bias": "an extra term: `0.5 * (m_grid ** 2 + c_grid ** 2)` does not belong",
}
# Named by keywords only through the student's own code read back or Python's exception; nothing claimed:
HAND_JUDGED_NOT_NAMED: frozenset[str] = frozenset({
    "h18_dsigmoid_tanh_derivative",  # "your formula is 1 − tanh(x)², which differs ..." (their formula shown)
    "h18_neuron_stable_sigmoid_if",  # the ValueError's line `if z >= 0:` matched a keyword
})
# Texts judged misleading by hand whatever the keywords say: an edit that passes every check by switching a piece
# of code off (a stopping test that never fires, a penalty or a clipping made harmless) told as another slip (fixed
# since as a class; kept, so that any of them coming back fails).
HAND_JUDGED_FALSE: dict[str, str] = {
    "h18_gradient_descent_early_stopping": "a sign: a term is added where it is subtracted",
    "h18_best_fit_on_grid_ridge_bias": "(the two sides swapped)",
    "h18_gradient_step_clip_norm": "(a minus added)",
    "h18_gradient_norm_along_path_clipped_update": "(two statements swapped)",
}
# What fails today, named per entry (xfail, not strict: a fix shows as XPASS). The plateau stop of
# `steps_to_escape` (giving up below a gradient length of 1e-4) kept its marks until a check pushed by about 1e-6.
KEEPS_MARKS_TODAY: dict[str, str] = {}

globals().update(holdout_checks("eighteenth", globals()))
