"""Grading a submission: plan the checks, run the calls in the sandbox, judge each answer.

Public checks draw their inputs from a fixed seed (students see them locally); hidden checks draw
from a seed per course and student, so they differ between students, cannot be hard-coded, and
the same seed reproduces a grading run exactly. Expected values are computed here, in the trusted
parent, after the student's process has answered.
"""

from __future__ import annotations

import hashlib
import inspect
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader import kit
from grader.compare import Expectation, compare, diagnose
from grader.curriculum import EXERCISES
from grader.curriculum.common import parent_call
from grader.feedback import show_call, student_message
from grader.plain import Given, to_wire
from grader.sandbox.client import Call, Outcome, Sandbox
from grader.spec import Case, CheckResult, Exercise, ExerciseResult, SubmissionResult, Visibility, split_points

PUBLIC_SEED = "calcgrade-public-v1"


class SolutionReferences:
    """The reference solutions, loaded from the kit (trusted code) in this process only."""

    def solution(self, key: str) -> Callable[..., Any]:
        module, function = key.split(".")
        return getattr(kit.solution_module(module), function)


REFERENCES = SolutionReferences()


@dataclass(frozen=True)
class PlannedCheck:
    exercise: Exercise
    label: str
    visibility: Visibility
    case: Case
    max_score: float


def rng_for(*parts: str) -> np.random.Generator:
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "little"))


def plan(exercises: Iterable[Exercise], *, hidden: bool, course_seed: str = "",
         student: str = "") -> list[PlannedCheck]:
    """Every check of every exercise, public (fixed seed) and, when grading, hidden (per student)."""
    planned = []
    for exercise in exercises:
        runs: list[tuple[Visibility, str]] = [("public", PUBLIC_SEED)]
        if hidden:
            runs.append(("hidden", f"hidden|{course_seed}|{student}"))
        shares = iter(split_points(exercise.points, len(exercise.checks) * len(runs)))
        for visibility, seed in runs:
            for check in exercise.checks:
                case = check.make_case(rng_for(seed, exercise.key, check.label))
                planned.append(PlannedCheck(exercise, check.label, visibility, case, next(shares)))
    return planned


def grade_sources(sources: Mapping[str, str], sandbox: Sandbox, *, student: str = "", hidden: bool = False,
                  course_seed: str = "", exercises: Sequence[Exercise] = EXERCISES,
                  unreadable: Mapping[str, str] | None = None) -> SubmissionResult:
    """Grade the given module sources (module name -> text). `unreadable` maps modules to why not."""
    unreadable = dict(unreadable or {})
    planned = plan(exercises, hidden=hidden, course_seed=course_seed, student=student)
    runnable = [p for p in planned if p.exercise.module in sources]
    calls = [Call(p.exercise.module, p.exercise.function, p.case.args, dict(p.case.kwargs), p.case.check_mutation)
             for p in runnable]
    load_errors, outcomes = sandbox.run(sources, calls) if calls else ({}, [])
    outcome_of = {id(p): outcome for p, outcome in zip(runnable, outcomes, strict=True)}
    results: dict[str, list[CheckResult]] = {exercise.key: [] for exercise in exercises}
    for p in planned:
        outcome = outcome_of.get(id(p)) or Outcome("load_error", error=unreadable.get(
            p.exercise.module, f"{p.exercise.module}.py is missing"))
        results[p.exercise.key].append(judge(p, outcome))
    exercise_results = tuple(
        ExerciseResult(exercise.key, tuple(results[exercise.key]), exercise.points,
                       note=_note(exercise, sources, load_errors, unreadable, results[exercise.key]))
        for exercise in exercises)
    return SubmissionResult(student, exercise_results)


def _note(exercise: Exercise, sources, load_errors, unreadable, checks: list[CheckResult]) -> str:
    module = exercise.module
    if module in unreadable:
        return f"{module}.py: {unreadable[module]} (0 points for {exercise.function})"
    if module not in sources:
        return f"{module}.py is missing: 0 points for {exercise.function}"
    if module in load_errors:
        return f"{module}.py could not be imported: {load_errors[module]}"
    if checks and all(check.diagnosis == "missing" for check in checks):
        return f"{module}.py has no function {exercise.function}: 0 points for it"
    return ""


def judge(p: PlannedCheck, outcome: Outcome) -> CheckResult:
    """Compare one outcome with what the references expect, and say why it passed or not."""
    exercise, public = p.exercise, p.visibility == "public"
    reference = REFERENCES.solution(exercise.key)
    call = show_call(exercise.function, reference, p.case.args, dict(p.case.kwargs)) if public else None

    def failed(problem: str, *, diagnosis: str = "", hint: str = exercise.hint, returned: Any = None,
               expected: Any = None, instructor: str = "") -> CheckResult:
        message = student_message(call=call, returned=returned if public else None,
                                  expected=expected if public else None, problem=problem, hint=hint,
                                  output=outcome.output if public else "")
        return CheckResult(exercise.key, p.label, p.visibility, False, 0.0, p.max_score, message,
                           instructor or f"status {outcome.status}: {outcome.error}".strip(), diagnosis)

    if outcome.status == "not_implemented":
        return failed(f"not implemented yet: replace `raise NotImplementedError` in {exercise.function} "
                      "with your code", diagnosis="not implemented", hint="")
    if outcome.status == "missing":
        return failed(f"{exercise.module}.py has no function {exercise.function}", diagnosis="missing", hint="")
    if outcome.status == "load_error":
        return failed(outcome.error, diagnosis="load_error", hint="")
    if outcome.status != "ok":
        hint = exercise.hint
        if "TypeError" in outcome.error and "argument" in outcome.error:
            hint = f"check the parameters: {exercise.function}{inspect.signature(reference)}, as given"
        return failed(_error_problem(outcome), diagnosis=outcome.status, hint=hint)

    try:
        expectations = [rule(p.case, REFERENCES) for rule in exercise.expect]
    except Exception:  # noqa: BLE001 - a fault of the grader must not cost the student
        return CheckResult(exercise.key, p.label, p.visibility, False, 0.0, p.max_score,
                           "this check could not be graded (a fault in the grader, reported to your instructor)",
                           "grader fault while computing the expected value:\n" + traceback.format_exc())
    for expectation in expectations:
        comparison = compare(outcome.value, expectation)
        if not comparison.passed:
            found = _diagnose(p, outcome.value, expectation)
            return failed(comparison.problem if public else _hidden_problem(comparison.problem),
                          diagnosis=found.name if found else "", hint=found.hint if found else exercise.hint,
                          returned=outcome.value, expected=expectation.value,
                          instructor=f"expected from {expectation.source}; {comparison.problem}")
    if p.case.check_mutation and outcome.args_after is not None:
        changed = _changed_arguments(reference, p.case, outcome.args_after)
        if changed:
            return failed(f"your function changed its argument {changed} (it must leave its inputs as they "
                          "were): work on a copy, e.g. np.array(arg, dtype=float)", diagnosis="mutated input",
                          hint="")
    return CheckResult(exercise.key, p.label, p.visibility, True, p.max_score, p.max_score, "",
                       f"matches {', '.join(e.source for e in expectations)}")


def _error_problem(outcome: Outcome) -> str:
    if outcome.status == "error":
        return f"your code raised {outcome.error}"
    return outcome.error or outcome.status


def _hidden_problem(problem: str) -> str:
    """What a hidden check may say: the kind of problem, never values derived from hidden inputs."""
    if problem.startswith("off by"):
        return "the value is not right for this hidden input"
    return problem


def _diagnose(p: PlannedCheck, got: Any, expectation: Expectation):
    candidates = []
    for misconception in p.exercise.misconceptions:
        try:
            buggy = kit.variant_function(p.exercise.module, p.exercise.function, misconception.body)
            with np.errstate(all="ignore"):
                value = parent_call(buggy, p.case)
        except Exception:  # noqa: BLE001 - a buggy rule may legitimately fail on some inputs
            continue
        candidates.append((misconception.diagnosis, value))
    return diagnose(got, expectation.value, expectation.tolerance, candidates)


def _changed_arguments(reference: Callable[..., Any], case: Case, args_after: Any) -> str:
    """The first argument (not a function) that differs after the call from what was sent."""
    names = list(inspect.signature(reference).parameters)
    after = args_after if isinstance(args_after, list) else []
    for position, (sent, returned) in enumerate(zip(case.args, after, strict=False)):
        if isinstance(sent, Given):
            continue
        if to_wire(sent) != to_wire(returned):
            return f"`{names[position]}`" if position < len(names) else f"number {position + 1}"
    return ""
