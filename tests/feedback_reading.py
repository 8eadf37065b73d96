"""Reading a failed check's feedback as the corpus and holdout tests do (tests/test_corpus.py, test_holdout*.py).

`feedback_text` is what the feedback says about the answer (the problem and hint lines, without the exercise's
general hint, in lower case); `names_it` matches an entry's keywords in it; `claims` says whether a check's
diagnosis claims what was done (a listed mistake, a constant factor, a formula finding, a behavioural operator
or an edit of the student's code that repairs it), the claims that must never be false.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from grader import kit
from grader.curriculum import DECLARED
from grader.diagnosis.behaviour import OPERATORS
from grader.engine import HIDDEN_NOT_PASSED, grade_sources
from grader.spec import CheckResult, Exercise, SubmissionResult

BY_KEY = {exercise.key: exercise for exercise in DECLARED}
OPERATOR_NAMES = frozenset(operator.name for operator in OPERATORS)
# Two edits at different places each repair the code: both are shown and neither is claimed as the slip.
NO_CLAIM = "repair: one of several edits"


@dataclass(frozen=True)
class Graded:
    own: str  # "module.function" of the replaced function
    result: SubmissionResult


def grade_each(sandbox: Any, mistakes: Sequence[Any], exercises: Sequence[Exercise]) -> dict[str, Graded]:
    """Every entry (module, function, body, id) graded once as a student would hand it in: the reference module
    with that one function replaced, public and hidden checks, every one of `exercises` of its module."""
    out = {}
    for entry in mistakes:
        source = kit.variant_source(entry.module, entry.function, entry.body)
        result = grade_sources({entry.module: source}, sandbox, student=f"holdout-{entry.function}", hidden=True,
                               course_seed="holdout", exercises=[e for e in exercises if e.module == entry.module])
        out[entry.id] = Graded(f"{entry.module}.{entry.function}", result)
    return out


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
