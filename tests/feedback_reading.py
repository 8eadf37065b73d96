"""Reading a failed check's feedback as the corpus and holdout tests do (tests/test_corpus.py, test_holdout*.py),
and judging a holdout's entries by it (`judge_entry`, `holdout_summary`).

`feedback_text` is what the feedback says about the answer (the problem and hint lines, without the exercise's
general hint, in lower case); `names_it` matches an entry's keywords in it; `claims` says whether a check's
diagnosis claims what was done (a listed mistake, a constant factor, a formula finding, a behavioural operator,
state kept between calls or an edit of the student's code that repairs it), the claims that must never be false.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader import kit
from grader.curriculum import DECLARED
from grader.diagnosis.behaviour import ALL_OPERATORS, second_tier
from grader.engine import HIDDEN_NOT_PASSED, grade_sources
from grader.kept_state import STATE_KEPT
from grader.spec import CheckResult, Exercise, SubmissionResult

BY_KEY = {exercise.key: exercise for exercise in DECLARED}
OPERATOR_NAMES = frozenset(operator.name for operator in ALL_OPERATORS)
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
    """The problem and hint lines of a check's message, without the exercise's general hint or a hidden check's
    uniform problem (neither names anything about this answer), in lower case."""
    kept, reading = [], False
    for line in check.student_message.splitlines():
        if line.startswith(("problem:", "hint:")):
            reading = True
        elif line.startswith(("printed:", "call:", "returned:", "expected:")):
            reading = False
        if reading:
            kept.append(line)
    return "\n".join(kept).replace(BY_KEY[check.exercise].hint, "").replace(HIDDEN_NOT_PASSED, "").lower()


def names_it(text: str, keywords: Iterable[str]) -> bool:
    return any(keyword.lower() in text for keyword in keywords)


def claims(check: CheckResult) -> bool:
    """Does the diagnosis claim what was done: a listed mistake, a constant factor, a formula finding, a
    behavioural operator or a repair of the student's code? (A hidden check shows one fixed text: it claims
    nothing; two edits at different places, both shown, claim neither.)"""
    if HIDDEN_NOT_PASSED in check.student_message:
        return False
    listed = {m.name for m in BY_KEY[check.exercise].misconceptions}
    return any(part in listed or part in OPERATOR_NAMES or second_tier(part) or part == STATE_KEPT
               or part.startswith(("constant factor", "formula:", "repair:"))
               for part in check.diagnosis.split(" or ") if part and part != NO_CLAIM)


@dataclass(frozen=True)
class HandJudgement:
    """A holdout's judgement by hand (its JUDGED.md), kept apart from the entries' keywords, which are never edited
    once a hint was seen: per entry id, a fragment of a claim judged right although no keyword matched it
    (`not_false`), the entries not named by hand whatever matched (`not_named`: a keyword that matched no real
    naming, or a claim judged true that does not name the mistake), and a fragment of a text
    judged false or misleading whatever the keywords say (`false`)."""

    not_false: dict[str, str]
    not_named: frozenset[str]
    false: dict[str, str]


@dataclass(frozen=True)
class Verdict:
    own_score: float
    own_points: float
    named: bool  # some failed check of its own function names it (by keywords)
    named_by_hand: bool  # ... with the hand judgement
    others_losing: tuple[str, ...]  # other exercises that lost marks
    hints: tuple[str, ...]
    false_hints: tuple[str, ...]

    @property
    def loses_marks(self) -> bool:
        return self.own_score < self.own_points - 1e-9


def judge_entry(entry: Any, graded: Graded, hand: HandJudgement) -> Verdict:
    """How one holdout entry (a `holdout_data.Mistake`) fared: its own function's score, whether its feedback
    names it (by keywords, by hand), the other exercises that lost marks, and every false or misleading hint."""
    own = graded.result.exercise(graded.own)
    failed = [check for check in own.checks if not check.passed]
    texts = [feedback_text(check) for check in failed]
    named = any(names_it(text, entry.keywords) for text in texts)
    judged_right = hand.not_false.get(entry.id, "\0").lower()
    misleading = hand.false.get(entry.id, "\0").lower()
    false = [f"{check.name}: {check.diagnosis}: {feedback_text(check)}"
             for result in graded.result.exercises for check in result.checks
             if not check.passed and claims(check) and not names_it(feedback_text(check), entry.keywords)
             and judged_right not in feedback_text(check)]
    false += [f"{check.name}: {check.diagnosis}: {text}" for check, text in zip(failed, texts, strict=True)
              if misleading in text]
    judged_named = any(judged_right in text for text in texts)
    misled = any(misleading in text for text in texts)
    by_hand = (named or judged_named) and entry.id not in hand.not_named and not misled
    others = tuple(result.exercise for result in graded.result.exercises
                   if result.exercise != graded.own and result.score < result.max_score - 1e-9)
    hints = tuple(f"{check.name}: [{check.diagnosis}] {text}" for check, text in zip(failed, texts, strict=True))
    return Verdict(own.score, own.max_score, named, by_hand, others, hints, tuple(false))


def holdout_summary(mistakes: Sequence[Any], verdicts: dict[str, Verdict], modules: Sequence[str]) -> dict:
    """A holdout's figures (the rates, the entries behind each count, per module) and every entry's hints."""
    named = [key for key, v in verdicts.items() if v.named]
    by_hand = [key for key, v in verdicts.items() if v.named_by_hand]

    def count(module: str, test: Any) -> int:
        return sum(entry.module == module and bool(test(verdicts[entry.id])) for entry in mistakes)

    return {
        "mistakes": len(mistakes),
        "losing marks on their function": sum(v.loses_marks for v in verdicts.values()),
        "named": len(named),
        "named rate": round(len(named) / len(mistakes), 3),
        "named by hand": len(by_hand),
        "named by hand rate": round(len(by_hand) / len(mistakes), 3),
        "entries with a false hint": sorted(k for k, v in verdicts.items() if v.false_hints),
        "not losing marks": sorted(k for k, v in verdicts.items() if not v.loses_marks),
        "costing other functions": {k: list(v.others_losing) for k, v in verdicts.items() if v.others_losing},
        "not named": sorted(k for k, v in verdicts.items() if not v.named),
        "not named by hand": sorted(k for k, v in verdicts.items() if not v.named_by_hand),
        "per module": {module: {
            "entries": sum(entry.module == module for entry in mistakes),
            "lose marks": count(module, lambda v: v.loses_marks),
            "named": count(module, lambda v: v.named),
            "named by hand": count(module, lambda v: v.named_by_hand),
            "false hint": count(module, lambda v: v.false_hints),
            "costs callers": count(module, lambda v: v.others_losing),
        } for module in modules},
        "hints": {key: list(v.hints) for key, v in verdicts.items()},
        "false hints": {key: list(v.false_hints) for key, v in verdicts.items() if v.false_hints},
    }


def report_summary(name: str, data: dict, folder: Path) -> str:
    """Write `holdout-<name>-summary.json` into `folder` and return the line printed of it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"holdout-{name}-summary.json"
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    return (f"\n{name} holdout: {data['mistakes']} mistakes ({data['losing marks on their function']} lose marks, "
            f"{len(data['costing other functions'])} cost other functions); "
            f"named {data['named']}/{data['mistakes']} ({data['named rate']:.0%}) by keywords, "
            f"{data['named by hand']} ({data['named by hand rate']:.0%}) by hand; "
            f"false or misleading hints on {len(data['entries with a false hint'])}; details: {path}")
