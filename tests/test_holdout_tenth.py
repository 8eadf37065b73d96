"""The tenth holdout corpus (tests/holdout/tenth/) through the real engine, as tests/test_holdout_ninth.py
does the ninth, reading and judging the feedback as it does (tests/feedback_reading.py).

Written after the ninth and independently of the first nine, over all five modules. Every entry
must lose marks on its own function and on no other; no failed check may give a FALSE hint: a claim (a listed
mistake, a fitted constant factor, a formula finding, a behavioural operator or a `repair:`) whose text
contains none of the entry's keywords. The named rates, by keywords and by hand, are printed and written to
`holdout-tenth-summary.json` (in `$CALCGRADE_HOLDOUT_SUMMARY` if set, else in pytest's temporary folder);
the floors are the rates measured at the first grading, never a target. Keywords were fixed and committed
before any feedback was seen and are never edited; tests/holdout/tenth/JUDGED.md holds the judgement by hand
of every entry, carried below in tables.
"""

from __future__ import annotations

from holdout_checks import holdout_checks

# Measured at the first grading, not a target: 51 of 62 named by keywords (82%), 54 by hand (87%), no false
# hint read by hand (JUDGED.md).
NAMED_AT_LEAST = 0.82
NAMED_BY_HAND_AT_LEAST = 0.87

# The judgement by hand (JUDGED.md), kept apart from the entries' keywords, which are never edited after a hint
# was seen. A claim whose keywords missed but whose text, read by hand, names the mistake rightly: this fragment.
HAND_JUDGED_NOT_FALSE: dict[str, str] = {
    "h10_df_log_inner_x": "1/2 times the right one",  # x for the inner derivative 2x: the whole effect is ½
    "h10_dg_dy_inner_factor_y": "changing `y * c` to `x * c`",
    "h10_descend_recursion_base_case": "one step short",
}
# Not named by hand, whatever matched.
HAND_JUDGED_NOT_NAMED: frozenset[str] = frozenset()
HAND_JUDGED_FALSE: dict[str, str] = {}
# What fails today, named per entry (xfail, not strict: a fix shows as XPASS).
KEEPS_MARKS_TODAY: dict[str, str] = {}  # predict changing x in place kept its marks at the first grading: fixed
FALSE_HINT_TODAY: dict[str, str] = {}
COSTS_CALLERS_TODAY: dict[str, str] = {}

globals().update(holdout_checks("tenth", globals()))
