"""The twenty-ninth holdout corpus (tests/holdout/twentyninth/) through the real engine, as
tests/test_holdout_twentyeighth.py does the twenty-eighth, reading and judging the feedback as it does
(tests/feedback_reading.py).

Written after the twenty-eighth and independently of the first twenty-eight, over all five modules: numerical-analysis
slips (a float32 or float16 cast or a rounding "for stability", a step too small or too large, a step scaled to |x|,
a clip, an exact-zero or `np.isclose` test on eigenvalues, early stops on a tiny step or gradient, a relative stopping
tolerance). Every entry must lose marks on its own function and on no other; no failed check may give a FALSE hint: a
claim (a listed mistake, a fitted constant factor, a formula finding, a behavioural operator or a `repair:`) whose
text contains none of the entry's keywords. The named rates, by keywords and by hand, are printed and written to
`holdout-twentyninth-summary.json` (in `$CALCGRADE_HOLDOUT_SUMMARY` if set, else in pytest's temporary folder); the
floors are the rates measured at the first grading, never a target. Keywords were fixed and committed before any
feedback was seen and are never edited; tests/holdout/twentyninth/JUDGED.md holds the judgement by hand of every
entry, carried below in tables.
"""

from __future__ import annotations

from holdout_checks import holdout_checks

# Measured at the first grading, not a target: 46 of 51 named by keywords (90%), 44 by hand (86%); all 51 lost marks
# on their own function, one (`neuron` in float32) cost its callers too.
NAMED_AT_LEAST = 0.89
NAMED_BY_HAND_AT_LEAST = 0.85

# The judgement by hand (JUDGED.md), kept apart from the entries' keywords, which are never edited after a hint
# was seen. A claim whose keywords missed but whose text, read by hand, is true: none.
HAND_JUDGED_NOT_FALSE: dict[str, str] = {}
# Named by keywords only where the text says nothing of the mistake.
HAND_JUDGED_NOT_NAMED: frozenset[str] = frozenset({
    "h29_partial_derivative_machine_epsilon_step",  # "step" and "h" matched "off by up to ..."; no hint
    "h29_dloss_dw_tiny_step_finite_difference",  # the guard names the method (a difference quotient), not the step
})
HAND_JUDGED_FALSE: dict[str, str] = {}
FALSE_HINT_TODAY: dict[str, str] = {}
KEEPS_MARKS_TODAY: dict[str, str] = {}
# `neuron` in float32 cost `dloss_dw` and `dloss_db` at the first grading: error carried forward read the student's
# float32 outputs as float64, and the reference's σ(1 − σ) was then computed in double precision where the student's
# was not; its calls' answers keep the child's NumPy types now, and the entry costs `neuron` only.
COSTS_CALLERS_TODAY: dict[str, str] = {}

globals().update(holdout_checks("twentyninth", globals()))
