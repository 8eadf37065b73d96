"""The forty-first holdout corpus (tests/holdout/fortyfirst/) through the real engine, as
tests/test_holdout_fortieth.py does the fortieth, reading and judging the feedback as it does
(tests/feedback_reading.py).

Written after the fortieth and independently of the first forty, over all five modules: state that outlives or
leaks across a call, each function right on a first, fresh call (a memo keyed on the wrong thing, `setdefault` taken
for an assignment so the first call's value stays, something set up once on the first call, a stored generator used
up, a history, running total or counter never reset, a best-so-far or a warm start kept between runs, an input array
changed in place). Every entry must lose marks on its own function and on no other; no failed check may give a FALSE
hint: a claim (a listed mistake, a fitted constant factor, a formula finding, a behavioural operator or a
`repair:`) whose text contains none of the entry's keywords. The named rates, by keywords and by hand, are printed and
written to `holdout-fortyfirst-summary.json` (in `$CALCGRADE_HOLDOUT_SUMMARY` if set, else in pytest's temporary
folder); the floors are the rates measured at the first grading, never a target. Keywords were fixed and committed
before any feedback was seen and are never edited; tests/holdout/fortyfirst/JUDGED.md holds the judgement by hand of
every entry, carried below in tables.
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

globals().update(holdout_checks("fortyfirst", globals()))
