"""The diagnosis engine: what a failed check's feedback says, from the student's formula or from behaviour.

`explain_exercise` runs after every check of an exercise is judged, in the trusted parent. For an exercise whose
answer is a formula, the student's source is read as data (`symbolic`): a certain statement about the formula
replaces the hint, and claims that the formula proves false (a listed mistake it is not, a constant factor where
the ratio is not constant) are withdrawn. For the other exercises, generic mutation operators on the reference
(`behaviour`) name what the student did when exactly one explains every answer. Points never change here: the
numeric verdict alone decides them; passing checks are left alone, and nothing runs when every check passed.
SymPy and the reference solutions are loaded only when a failed check needs them (a students' pytest without
them keeps the numeric verdict's hint). Where none of this named the mistake, the engine asks `repair` for the
one edit of the student's own code that makes every check pass (its candidates run in the sandbox).

The modules: `reader` (a function's syntax tree as a SymPy expression), `symbolic` (that expression against the
reference), `show` (a SymPy expression in the course's notation), `behaviour` (the generic operators),
`repair` (the one-edit candidates) and `notation` (a fragment of the student's code in the course's notation,
beside a repair's change).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from grader.compare import Tolerance
from grader.feedback import fenced
from grader.spec import Case, CheckResult, Exercise

# The diagnoses of a rule of differentiation misapplied at a place (`symbolic.derivative_faults`): each says what
# was done, as a listed mistake does
RULE_FAULTS = frozenset({"formula: derivative of the wrong variable", "formula: missing inner derivative",
                         "formula: outer derivative at the variable", "formula: power not lowered",
                         "formula: product rule term missing", "formula: product of derivatives",
                         "formula: the function read otherwise"})
FACTOR_CLAIM = "constant factor"  # how a constant-factor diagnosis begins (a claim the formula may disprove)
PAIR_JOIN = " + "  # two slips named together: two operators' names, or two repair edits' kinds, joined
FORMULA_READ = "read from your code"  # how a hint showing the formula read from the student's code begins
SYMBOLIC_EXERCISES = frozenset({
    "derivatives.df_poly", "derivatives.df_wave", "derivatives.dsigmoid", "derivatives.df_log",
    "partial_derivatives.dg_dx", "partial_derivatives.dg_dy", "gradient_descent.df_nonconvex",
    "gradient_descent.sse_gradient"})

# Diagnoses that say what happened to the call, not what the answer is: never replaced.
_STATUSES = frozenset({"mutated input", "not implemented", "missing", "load_error", "error", "timeout", "died",
                       "skipped"})


@dataclass(frozen=True)
class AnswerSeen:
    """One check that answered: its input, what came back, and what the reference gives, within tolerance."""

    case: Case
    returned: Any
    reference: Any
    tolerance: Tolerance
    stored: Any = None  # a student bundle's values of the operators and known mistakes here (`behaviour.stored_values`)


@dataclass(frozen=True)
class JudgedCheck:
    """A check as judged: the status that came back, the verdict, and how to observe the answer against what the
    reference gives there (called only for an exercise with a failed check; None where that cannot be known)."""

    status: str
    result: CheckResult
    observe: Callable[[], AnswerSeen | None]


def explain_exercise(exercise: Exercise, source: str | None, judged: Sequence[JudgedCheck],
                     callee_failing: bool = False) -> list[CheckResult]:
    """The exercise's check results, with the hints of its failed value checks explained where that is certain.
    `callee_failing`: the function calls another of the student's that failed a check; the fallback operators and
    pairs are then not tried (two slips fitted to the answers may be the callee's and the caller's, or both the
    callee's: the answers cannot say which function holds which)."""
    results = [check.result for check in judged]
    failed = [index for index, check in enumerate(judged) if _explainable(check)]
    if not failed:
        return results
    if exercise.key in SYMBOLIC_EXERCISES:
        try:
            from grader.diagnosis import symbolic
        except ImportError:  # SymPy is not installed here: the numeric verdict's hint stands
            return results
        finding = symbolic.analyse(exercise, source) if source else None
        if finding is not None:
            for index in failed:
                results[index] = _with_finding(results[index], finding, exercise)
        if finding is not None and finding.name:
            return results  # the formula says what the difference is
        # unread or unclassified: an operator that explains every answer names the cause (`1 − σ²`: tanh's
        # derivative), beside what the formula shows; not the fallback operators or pairs, which on a formula
        # would fit a change of the reference's code where the student's formula differs otherwise
    operator = _operator(exercise, judged, second_tier=exercise.key not in SYMBOLIC_EXERCISES and not callee_failing,
                         source=source)
    if operator is not None:
        for index in failed:
            if _replaceable(results[index].diagnosis):
                told = hint_of(results[index].student_message) if exercise.key in SYMBOLIC_EXERCISES else ""
                shown = f"{operator.hint}; {told}" if told.startswith(FORMULA_READ) else operator.hint
                results[index] = _with_hint(results[index], operator.name, shown)
    return results


def _operator(exercise: Exercise, judged: Sequence[JudgedCheck], second_tier: bool, source: str | None = None) -> Any:
    """The behavioural operator that alone explains every answer (`behaviour.explain`), or None; `source`, the
    student's module, tells which arguments the function reads."""
    from grader import kit

    observations = [check.observe() for check in judged if check.status == "ok"]
    if any(observation is None for observation in observations):
        return None
    if not kit.has_solutions() and any(observation.stored is None for observation in observations):
        return None  # the operators change the reference solutions: none here, and no values stored for them
    from grader.diagnosis import behaviour, repair

    try:
        return behaviour.explain(exercise, [o for o in observations if o is not None], second_tier,
                                 repair.names_read(source, exercise.function) if source else None,
                                 repair.calls_made(source, exercise.function) if source else None)
    except Exception:  # noqa: BLE001 - an answer the search cannot handle: it only explains, the verdict stands
        return None


def _explainable(check: JudgedCheck) -> bool:
    return not check.result.passed and check.status == "ok" and not check.result.grader_fault \
        and check.result.diagnosis not in _STATUSES


def _replaceable(diagnosis: str) -> bool:
    """Nothing named, or only a fitted constant factor (a claim from values, weaker than an operator)."""
    return all(not part or part.startswith(FACTOR_CLAIM) for part in diagnosis.split(" or "))


def _with_finding(result: CheckResult, finding: Any, exercise: Exercise) -> CheckResult:
    """`finding` is a `symbolic.Finding`: a certain statement replaces the hint; without one, claims it disproves
    are withdrawn."""
    claims = [part for part in result.diagnosis.split(" or ") if part]
    listed = {misconception.name for misconception in exercise.misconceptions}
    if claims and all(part in listed and part not in finding.refuted for part in claims):
        return result  # a known mistake the answers show and the formula does not disprove: its hint stands
        # (the same wherever the formula can be read, in the kit or in a student bundle without its bodies)
    if finding.says_something:
        return _with_hint(result, finding.name, finding.hint)
    if claims and all(part in finding.refuted or (part.startswith(FACTOR_CLAIM) and FACTOR_CLAIM in finding.refuted)
                      for part in claims):
        return _with_hint(result, "", exercise.hint)
    return result


def _with_hint(result: CheckResult, diagnosis: str, hint: str) -> CheckResult:
    return replace(result, diagnosis=diagnosis, student_message=replace_hint(result.student_message, hint))


def _hint_span(lines: list[str]) -> tuple[int | None, int]:
    """Where a student message's `hint:` line starts (None: no hint) and where its continuation ends."""
    start = next((index for index, line in enumerate(lines) if line.startswith("hint:")), None)
    end = next((index for index, line in enumerate(lines) if line.startswith("printed:")), len(lines))
    return start, end


def hint_of(message: str) -> str:
    """The text of a student message's `hint:` line and the lines continuing it, as one sentence."""
    lines = message.splitlines()
    start, end = _hint_span(lines)
    if start is None:
        return ""
    said = " ".join(line.strip() for line in lines[start:end]).removeprefix("hint:").strip().rstrip(".")
    return said + "." if said else ""


def replace_hint(message: str, hint: str) -> str:
    """The student message with its `hint:` line (and the lines continuing it) replaced by `hint`."""
    lines = message.splitlines()
    start, end = _hint_span(lines)
    new = fenced("hint:     ", hint, every_line=False) if hint else []  # it may quote the student's source
    if start is None:
        return "\n".join(lines[:end] + new + lines[end:])
    return "\n".join(lines[:start] + new + lines[end:])
