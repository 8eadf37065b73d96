"""Reading a failed check's feedback as the corpus and holdout tests do (tests/test_corpus.py, test_holdout*.py).

`feedback_text` is what the feedback says about the answer (the problem and hint lines, without the exercise's
general hint, in lower case); `names_it` matches an entry's keywords in it; `claims` says whether a check's
diagnosis claims what was done (a listed mistake, a constant factor, a formula finding, a behavioural operator
or an edit of the student's code that repairs it), the claims that must never be false.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from grader.curriculum import DECLARED
from grader.diagnosis.behaviour import OPERATORS
from grader.engine import HIDDEN_NOT_PASSED
from grader.spec import CheckResult, SubmissionResult

BY_KEY = {exercise.key: exercise for exercise in DECLARED}
OPERATOR_NAMES = frozenset(operator.name for operator in OPERATORS)
# Two edits at different places each repair the code: both are shown and neither is claimed as the slip.
NO_CLAIM = "repair: one of several edits"


@dataclass(frozen=True)
class Graded:
    own: str  # "module.function" of the replaced function
    result: SubmissionResult


def feedback_text(check: CheckResult) -> str:
    """The problem and hint lines of a check's message, without the exercise's general hint (which names nothing
    about this answer), in lower case."""
    kept, reading = [], False
    for line in check.student_message.splitlines():
        if line.startswith(("problem:", "hint:")):
            reading = True
        elif line.startswith(("printed:", "call:", "returned:", "expected:")):
            reading = False
        if reading:
            kept.append(line)
    return "\n".join(kept).replace(BY_KEY[check.exercise].hint, "").lower()


def names_it(text: str, keywords: Iterable[str]) -> bool:
    return any(keyword.lower() in text for keyword in keywords)


def claims(check: CheckResult) -> bool:
    """Does the diagnosis claim what was done: a listed mistake, a constant factor, a formula finding, a
    behavioural operator or a repair of the student's code? (A hidden check shows one fixed text: it claims
    nothing; two edits at different places, both shown, claim neither.)"""
    if HIDDEN_NOT_PASSED in check.student_message:
        return False
    listed = {m.name for m in BY_KEY[check.exercise].misconceptions}
    return any(part in listed or part in OPERATOR_NAMES or part.startswith(("constant factor", "formula:", "repair:"))
               for part in check.diagnosis.split(" or ") if part and part != NO_CLAIM)
