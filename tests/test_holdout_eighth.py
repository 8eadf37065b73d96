"""The eighth holdout corpus (tests/holdout/eighth/) through the real engine, as tests/test_holdout_seventh.py
does the seventh, reading and judging the feedback as it does (tests/feedback_reading.py).

Written beside the seventh and independently of it and of the first six, over all five modules. Every entry
must lose marks on its own function and on no other; no failed check may give a FALSE hint: a claim (a listed
mistake, a fitted constant factor, a formula finding, a behavioural operator or a `repair:`) whose text
contains none of the entry's keywords. The named rates, by keywords and by hand, are printed and written to
`holdout-eighth-summary.json` (in `$CALCGRADE_HOLDOUT_SUMMARY` if set, else in pytest's temporary folder);
the floors are the rates measured at the first grading, never a target. Keywords were fixed and committed
before any feedback was seen and are never edited; tests/holdout/eighth/JUDGED.md holds the judgement by hand
of every entry, carried below in tables.
"""

from __future__ import annotations

from holdout_checks import holdout_checks

# Measured at the first grading, not a target: 46 of 56 named by keywords (82%), 46 by hand, one false hint
# (JUDGED.md).
NAMED_AT_LEAST = 0.82
NAMED_BY_HAND_AT_LEAST = 0.82

# The judgement by hand (JUDGED.md), kept apart from the entries' keywords, which are never edited after a hint
# was seen. A claim whose keywords missed but whose text, read by hand, names the mistake rightly: this fragment.
HAND_JUDGED_NOT_FALSE: dict[str, str] = {}
# Not named by hand, whatever matched.
HAND_JUDGED_NOT_NAMED: frozenset[str] = frozenset()
HAND_JUDGED_FALSE: dict[str, str] = {}
# What fails today, named per entry (xfail, not strict: a fix shows as XPASS).
KEEPS_MARKS_TODAY: dict[str, str] = {}
FALSE_HINT_TODAY: dict[str, str] = {}  # h8_dsigmoid_s_minus_one's, fixed since (JUDGED.md)
COSTS_CALLERS_TODAY: dict[str, str] = {}


globals().update(holdout_checks("eighth", globals()))
