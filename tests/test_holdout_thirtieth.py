"""The thirtieth holdout corpus (tests/holdout/thirtieth/) through the real engine, as
tests/test_holdout_twentyninth.py does the twenty-ninth, reading and judging the feedback as it does
(tests/feedback_reading.py).

Written after the twenty-ninth and independently of the first twenty-nine, over all five modules: code right on the
examples the student tried, resting on an assumption about the inputs that the docstring does not make (sorted or
centred data, arrays not lists, two variables or a 2×2 Hessian, n_steps ≥ 1, integers taken for floats, `math` on
arrays, constants from the student's own data). Every entry must lose marks on its own function and on no other; no
failed check may give a FALSE hint: a claim (a listed mistake, a fitted constant factor, a formula finding, a
behavioural operator or a `repair:`) whose text contains none of the entry's keywords. The named rates, by keywords
and by hand, are printed and written to `holdout-thirtieth-summary.json` (in `$CALCGRADE_HOLDOUT_SUMMARY` if set,
else in pytest's temporary folder); the floors are the rates measured at the first grading, never a target. Keywords
were fixed and committed before any feedback was seen and are never edited; tests/holdout/thirtieth/JUDGED.md holds
the judgement by hand of every entry, carried below in tables.
"""

from __future__ import annotations

from holdout_checks import holdout_checks

# Measured at the first grading, not a target: 40 of 50 named by keywords (80%), 33 by hand (66%); all 50 lost marks
# on their own function, none cost its callers; one text misleading, read by hand.
NAMED_AT_LEAST = 0.79
NAMED_BY_HAND_AT_LEAST = 0.65

# The judgement by hand (JUDGED.md), kept apart from the entries' keywords, which are never edited after a hint
# was seen. A claim whose keywords missed but whose text, read by hand, is true: none.
HAND_JUDGED_NOT_FALSE: dict[str, str] = {}
# Named by keywords only through the problem line: a shape ("returned shape (2,), expected shape (3,)", a broadcast
# error's shapes) or a value ("8" in "off by up to 9.78"); nothing about the assumption said. (The two-variable
# Hessian and gradient and the two-weight step were too at the first grading; a size written in and a list written
# out entry by entry are repairs of their own since, and name them.)
HAND_JUDGED_NOT_NAMED: frozenset[str] = frozenset({
    "h30_backprop_two_hidden_units", "h30_error_surface_square_grid", "h30_partial_derivative_two_axes",
    "h30_sse_eight_points",
})
# Misleading whatever the keywords say: a descent that refuses any step raising the SSE was told that an extra power
# or a mean for a sum inside the guard's test is the slip (two edits that passed because the only check the guard
# failed was the converged one, where rounding froze it).
HAND_JUDGED_FALSE: dict[str, str] = {
    "h30_gradient_descent_divergence_guard": "(extra power), or changing",
}
FALSE_HINT_TODAY: dict[str, str] = {}
KEEPS_MARKS_TODAY: dict[str, str] = {}
COSTS_CALLERS_TODAY: dict[str, str] = {}

globals().update(holdout_checks("thirtieth", globals()))
