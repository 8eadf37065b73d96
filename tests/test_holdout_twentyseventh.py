"""The twenty-seventh holdout corpus (tests/holdout/twentyseventh/) through the real engine, as
tests/test_holdout_twentysixth.py does the twenty-sixth, reading and judging the feedback as it does
(tests/feedback_reading.py).

Written after the twenty-sixth and independently of the first twenty-six, over all five modules: the student's
second attempt (code revised after a failing check: a fix half applied, an overcorrection, leftover debugging, a
defensive check that changes the result). Every entry must lose marks on
its own function and on no other; no failed check may give a FALSE hint: a claim (a listed mistake, a fitted constant
factor, a formula finding, a behavioural operator or a `repair:`) whose text contains none of the entry's keywords.
The named rates, by keywords and by hand, are printed and written to `holdout-twentyseventh-summary.json` (in
`$CALCGRADE_HOLDOUT_SUMMARY` if set, else in pytest's temporary folder); the floors are the rates measured at the
first grading, never a target. Keywords were fixed and committed before any feedback was seen and are never edited;
tests/holdout/twentyseventh/JUDGED.md holds the judgement by hand of every entry, carried below in tables.
"""

from __future__ import annotations

from holdout_checks import holdout_checks

# Measured at the first grading, not a target: 42 of 50 named by keywords (84%), 42 by hand (84%); 49 of 50 lost
# marks on their own function only (the fiftieth kept them through a gap in the checks, fixed after the grading).
NAMED_AT_LEAST = 0.83
NAMED_BY_HAND_AT_LEAST = 0.83

# The judgement by hand (JUDGED.md), kept apart from the entries' keywords, which are never edited after a hint
# was seen. A claim whose keywords missed but whose text, read by hand, is true: this fragment.
HAND_JUDGED_NOT_FALSE: dict[str, str] = {
    "h27_df_poly_dropped_linear_not_constant": "your answer has 1 where the right one has 9",  # the term, named
}
# Named by keywords only where the text says where the error is, not what it is.
HAND_JUDGED_NOT_NAMED: frozenset[str] = frozenset({"h27_best_fit_index_fixed_on_slope_only"})
HAND_JUDGED_FALSE: dict[str, str] = {}
FALSE_HINT_TODAY: dict[str, str] = {}
KEEPS_MARKS_TODAY: dict[str, str] = {}
COSTS_CALLERS_TODAY: dict[str, str] = {}

globals().update(holdout_checks("twentyseventh", globals()))
