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

NAMED_AT_LEAST = 0.0
NAMED_BY_HAND_AT_LEAST = 0.0

HAND_JUDGED_NOT_FALSE: dict[str, str] = {}
HAND_JUDGED_NOT_NAMED: frozenset[str] = frozenset()
HAND_JUDGED_FALSE: dict[str, str] = {}
FALSE_HINT_TODAY: dict[str, str] = {}
KEEPS_MARKS_TODAY: dict[str, str] = {}
COSTS_CALLERS_TODAY: dict[str, str] = {}

globals().update(holdout_checks("fortieth", globals()))
