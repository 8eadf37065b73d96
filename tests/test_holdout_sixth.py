"""The sixth holdout corpus (tests/holdout/sixth/) through the real engine, as tests/test_holdout_fifth.py does
the fifth, reading and judging the feedback as it does (tests/feedback_reading.py).

Written later still and independently of the first five, over all five modules. Every entry must lose marks on
its own function and on no other; no failed check may give a FALSE hint: a claim (a listed mistake, a fitted
constant factor, a formula finding, a behavioural operator or a `repair:`) whose text contains none of the entry's
keywords. The named rates, by keywords and by hand, are printed and written to `holdout-sixth-summary.json` (in
`$CALCGRADE_HOLDOUT_SUMMARY` if set, else in pytest's temporary folder); the floors are the rates measured at the
first grading, never a target. Keywords were fixed and committed before any feedback was seen and are never
edited; tests/holdout/sixth/JUDGED.md holds the judgement by hand of every entry, carried below in tables.
"""

from __future__ import annotations

from holdout_checks import holdout_checks

# Measured at the first grading, not a target: 74 of 82 named by keywords, 76 by hand (JUDGED.md).
NAMED_AT_LEAST = 0.90
NAMED_BY_HAND_AT_LEAST = 0.92

# The judgement by hand (JUDGED.md), kept apart from the entries' keywords, which are never edited after a hint
# was seen. A claim whose keywords missed but whose text, read by hand, names the mistake rightly: this fragment.
HAND_JUDGED_NOT_FALSE: dict[str, str] = {
    "h6_dflog_inner_missing_2": "your answer is 1/2 times the right one",
    "h6_bos_returns_start": "return where the descent ends, not where it started",
    "h6_tangent_intercept_f_at_zero": "the intercept is computed as if x0 were 0",  # judged again (JUDGED.md)
    "h6_nloss_targets_squashed": "`np.asarray(y, dtype=float)` is passed through `sigmoid`",  # judged again
    # the pair of slips said beside the one-edit repair is withdrawn since; the repair names the order rightly
    "h6_gnp_start_not_recorded": "must come before",
}
# Named by keywords, but not by hand.
HAND_JUDGED_NOT_NAMED: frozenset[str] = frozenset()
HAND_JUDGED_FALSE: dict[str, str] = {}
# What fails today, named per entry (xfail, not strict: a fix shows as XPASS).
KEEPS_MARKS_TODAY: dict[str, str] = {}
FALSE_HINT_TODAY: dict[str, str] = {}
COSTS_CALLERS_TODAY: dict[str, str] = {}


globals().update(holdout_checks("sixth", globals()))
