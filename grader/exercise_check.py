"""`calcgrade check-exercises [MODULE]`: is each exercise declaration sound, the way the kit's suite checks it?

For every declared exercise of the module(s), graded in the sandbox with public and hidden checks:
- the reference solution earns full marks, and so does every correct alternative;
- every known mistake loses marks and is named by its hint on at least one check;
- an impostor battery fails every check: the constants 0 and 1 (in the answer's shape), the first argument
  returned unchanged, and the reference's answer negated, doubled and halved (a check is excused only
  where an impostor's answer equals the reference's own, e.g. a doubled 0);
- the docstring promises what the checks send: every parameter is documented under `Parameters:` and, for
  each kind of value a check passes, its description names that kind (see `KIND_WORDS`);
- a hidden check's input is never one of the public checks' inputs, and each kind of check draws at least
  `MIN_HIDDEN_INPUTS` distinct hidden inputs over `HIDDEN_DRAWS` students (a public answer a student memorised,
  or a guess among a few inputs, earns no hidden points);
- the module's file in `solutions/` and `exercises/` follows the kit's contract (`grader.contract`), and
  every marked solution region has exactly one declaration.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from grader import contract, kit
from grader.curriculum.common import parent_call
from grader.engine import WITHHELD_NOTE, PlannedCheck, answered_in_bundle, case_values, grade_sources, plan
from grader.plain import Given
from grader.spec import POINT_DIGITS, CheckResult, Exercise

SEED = "check-exercises"
HIDDEN_DRAWS = 200  # students whose hidden inputs are drawn to count how many distinct ones a kind of check has
MIN_HIDDEN_INPUTS = 3  # f_wave's derivative tells mistakes apart at four integers only (±2, ±3)

# The words a parameter's description must contain (any one) for each kind of value a check sends. An int
# may go where a float is promised (Python's numeric tower, as in type hints), and a parameter with a default
# promises the default's kind.
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "bool": ("bool", "true", "false"),
    "int": ("int", "number", "float", "index", "count"),
    "float": ("float", "number"),
    "array": ("array", "sequence"),
    "list": ("list", "sequence"),
    "tuple": ("tuple", "pair", "sequence"),
    "function": ("function", "derivative", "callable"),
    "str": ("str", "word", "text"),
}

IMPOSTORS: dict[str, str] = {
    "the constant 0": "_calcgrade_constant(answer, 0)",
    "the constant 1": "_calcgrade_constant(answer, 1)",
    "the first argument returned unchanged": "args[0] if args else next(iter(kwargs.values()))",
    "the reference negated": "_calcgrade_numbers(answer, lambda v: -v)",
    "the reference doubled": "_calcgrade_numbers(answer, lambda v: 2 * v)",
    "the reference halved": "_calcgrade_numbers(answer, lambda v: v / 2)",
}

_IMPOSTOR_HELPERS = '''

def _calcgrade_numbers(value, change):
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float, np.integer, np.floating)):
        return change(value)
    if isinstance(value, np.ndarray):
        return change(value.astype(float)) if value.dtype.kind in "iuf" else value
    if isinstance(value, (list, tuple)):
        return type(value)(_calcgrade_numbers(item, change) for item in value)
    return value


def _calcgrade_constant(value, constant):
    if isinstance(value, str):
        return constant
    return _calcgrade_numbers(value, lambda v: v * 0 + constant)
'''


@dataclass
class ExerciseReport:
    key: str
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def impostor_source(module: str, function: str, answer_expression: str) -> str:
    """The reference module with `function` wrapped so that it answers `answer_expression` (of `answer`,
    the reference's own answer, and the call's `args`/`kwargs`)."""
    reference = f"_calcgrade_reference_{function}"
    return (kit.solution_source(module) + _IMPOSTOR_HELPERS + f"\n\n{reference} = {function}\n\n\n"
            f"def {function}(*args, **kwargs):\n    answer = {reference}(*args, **kwargs)\n"
            f"    return {answer_expression}\n")


def _same(first: Any, second: Any) -> bool:
    if isinstance(first, str) or isinstance(second, str):
        return isinstance(first, str) and isinstance(second, str) and first == second
    try:
        return bool(np.array_equal(np.asarray(first, dtype=float), np.asarray(second, dtype=float)))
    except (TypeError, ValueError):
        return False


def _full(score: float, points: float) -> bool:
    return round(score, POINT_DIGITS) >= round(points, POINT_DIGITS)


def _passed(check: CheckResult) -> bool:
    """Did the answer pass this check on its own (a public check withheld for its hidden one counts as passed)?"""
    return check.passed or check.instructor_message == WITHHELD_NOTE


def _kind(value: Any) -> str:
    if isinstance(value, Given) or callable(value):
        return "function"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | np.integer):
        return "int"
    if isinstance(value, float | np.floating):
        return "float"
    if isinstance(value, np.ndarray):
        return "array"
    if isinstance(value, list):
        return "list"
    if isinstance(value, tuple):
        return "tuple"
    if isinstance(value, str):
        return "str"
    return type(value).__name__


def documented_parameters(doc: str) -> dict[str, str]:
    """Parameter name -> its description, from the `Parameters:` section (`name: text` or `a, b: text`,
    deeper-indented lines continue it)."""
    described: dict[str, str] = {}
    current: list[str] = []
    inside = False
    for line in inspect.cleandoc(doc).splitlines():
        stripped = line.strip()
        if stripped == "Parameters:":
            inside = True
            continue
        if not inside:
            continue
        if not stripped or (not line.startswith(" ") and stripped.endswith(":")):
            if not stripped and not current:
                continue
            break
        match = re.match(r"^ {4}([\w, ]+):\s*(.*)$", line)
        if match:
            current = [name.strip() for name in match.group(1).split(",")]
            for name in current:
                described[name] = match.group(2)
        elif current:
            for name in current:
                described[name] += " " + stripped
    return described


def docstring_problems(exercise: Exercise) -> list[str]:
    """Where the function's docstring does not promise what the checks send."""
    function = getattr(kit.solution_module(exercise.module), exercise.function)
    signature = inspect.signature(function)
    parameters = list(signature.parameters)
    defaults = {name: _kind(p.default) for name, p in signature.parameters.items() if p.default is not p.empty}
    described = documented_parameters(function.__doc__ or "")
    problems = [f"{exercise.key}: the docstring's Parameters section does not describe {name}"
                for name in parameters if name not in described]
    if "Returns:" not in (function.__doc__ or ""):
        problems.append(f"{exercise.key}: the docstring has no Returns section")
    for check in exercise.checks:
        case = check.make_case(np.random.default_rng(0))
        sent = dict(zip(parameters, case.args, strict=False)) | dict(case.kwargs)
        for name, value in sent.items():
            kind = _kind(value)
            words = KIND_WORDS.get(kind, (kind,))
            text = described.get(name, "").lower()
            promised = any(word in text for word in words) or defaults.get(name) == kind or (
                kind == "int" and defaults.get(name) == "float")
            if name in described and not promised:
                problems.append(f"{exercise.key}: check {check.label!r} sends {name} as {kind}, but the docstring "
                                f"says {name}: {described[name]!r} (name it with one of: {', '.join(words)})")
    return problems


def hidden_draw_problems(exercise: Exercise, students: int = HIDDEN_DRAWS) -> list[str]:
    """Where a hidden check's input is a public one, or a kind of check draws too few distinct hidden inputs."""
    public = {case_values(p.case) for p in plan([exercise], hidden=False)}
    beside = answered_in_bundle(exercise)
    counted_alone = {check.label for check in exercise.checks if not check.counts_with}
    drawn: dict[str, set[Any]] = {check.label: set() for check in exercise.checks}
    repeats: dict[str, int] = dict.fromkeys(drawn, 0)
    carried: dict[str, int] = dict.fromkeys(drawn, 0)
    for number in range(students):
        for p in plan([exercise], hidden=True, course_seed=SEED, student=f"student {number}"):
            if p.visibility == "hidden":
                values = case_values(p.case)
                drawn[p.label].add(values)
                repeats[p.label] += values in public
                carried[p.label] += values in beside and values not in public and p.label in counted_alone
    problems = [f"{exercise.key}: check {label!r} gives {repeats[label]} of {students} students a public check's "
                "input as their hidden one (its answer is printed by the students' pytest: draw from more values)"
                for label in drawn if repeats[label]]
    problems += [f"{exercise.key}: check {label!r} gives {carried[label]} of {students} students as their hidden "
                 "input one whose answer the student bundle carries beside a public check (a public input one off, "
                 "0, negated or truncated: draw from more values)" for label in drawn if carried[label]]
    problems += [f"{exercise.key}: check {label!r} draws only {len(values)} distinct hidden inputs for {students} "
                 f"students (at least {MIN_HIDDEN_INPUTS}: a student could learn or guess them; widen its range)"
                 for label, values in drawn.items() if len(values) < MIN_HIDDEN_INPUTS]
    return problems


def contract_problems(module: str) -> list[str]:
    """The module's solution and stub against the contract, and its stub against the solution."""
    solution = kit.solution_source(module)
    problems = contract.differences(module, solution, f"solutions/{module}.py")
    stub_path = kit.EXERCISES_DIR / f"{module}.py"
    if not stub_path.is_file():
        problems.append(f"exercises/{module}.py is missing: run `calcgrade build-exercises`")
    else:
        stub = stub_path.read_text(encoding="utf-8")
        problems += contract.differences(module, stub, f"exercises/{module}.py")
        if stub != kit.stub_source(solution):
            problems.append(f"exercises/{module}.py differs from solutions/{module}.py: run "
                            "`calcgrade build-exercises`")
    return problems


def coverage_problems(module: str, declared: Sequence[Exercise]) -> list[str]:
    regions = set(kit.solution_regions(kit.solution_source(module)))
    functions = [exercise.function for exercise in declared if exercise.module == module]
    problems = [f"{module}.{name}: a solution region without a declaration"
                for name in sorted(regions - set(functions))]
    problems += [f"{module}.{name}: declared, but solutions/{module}.py has no marked region for it"
                 for name in sorted(set(functions) - regions)]
    problems += [f"{module}.{name}: declared more than once" for name in sorted(set(functions))
                 if functions.count(name) > 1]
    return problems


def _grade(sandbox: Any, exercise: Exercise, source: str):
    return grade_sources({exercise.module: source}, sandbox, student="check-exercises", hidden=True,
                         course_seed=SEED, exercises=[exercise]).exercise(exercise.key)


def _failures(result) -> str:
    failed = [c for c in result.checks if not c.passed]
    return "; ".join(f"{c.name}: {c.instructor_message or c.student_message}".replace("\n", " ")[:300]
                     for c in failed[:3])


def grading_problems(exercise: Exercise, sandbox: Any) -> list[str]:
    """Solution, alternatives, known mistakes and impostors, graded as a submission would be."""
    problems = []
    solution = _grade(sandbox, exercise, kit.solution_source(exercise.module))
    if not _full(solution.score, exercise.points) or not solution.passed:
        problems.append(f"{exercise.key}: the reference solution earns {solution.score:g} of {exercise.points:g} "
                        f"points ({_failures(solution)})")
    for number, body in enumerate(exercise.alternatives, 1):
        result = _grade(sandbox, exercise, kit.variant_source(exercise.module, exercise.function, body))
        if not _full(result.score, exercise.points):
            problems.append(f"{exercise.key}: correct alternative {number} earns {result.score:g} of "
                            f"{exercise.points:g} points ({_failures(result)})")
    for mistake in exercise.misconceptions:
        result = _grade(sandbox, exercise, kit.variant_source(exercise.module, exercise.function, mistake.body))
        if _full(result.score, exercise.points):
            problems.append(f"{exercise.key}: known mistake {mistake.name!r} earns full marks: no check tells it "
                            "from the solution (add a check whose inputs expose it, or remove the mistake)")
            continue
        named = [c for c in result.checks if mistake.name in c.diagnosis.split(" or ")]
        if not named:
            problems.append(f"{exercise.key}: known mistake {mistake.name!r} loses marks but is never named (its "
                            f"answers are not told apart from other wrong answers: {_failures(result)})")
        elif mistake.hint not in named[0].student_message:
            problems.append(f"{exercise.key}: known mistake {mistake.name!r} is named but its hint is not shown")
    problems += impostor_problems(exercise, sandbox)
    return problems


def impostor_problems(exercise: Exercise, sandbox: Any) -> list[str]:
    planned = plan([exercise], hidden=True, course_seed=SEED, student="check-exercises")
    reference = getattr(kit.solution_module(exercise.module), exercise.function)
    problems = []
    for name, expression in IMPOSTORS.items():
        source = impostor_source(exercise.module, exercise.function, expression)
        loaded = kit.load_trusted_module(f"calcgrade_impostor_{exercise.module}", source, f"<impostor {name}>")
        impostor = getattr(loaded, exercise.function)
        excused = set()
        for p in planned:
            try:
                same = _same(parent_call(impostor, p.case), parent_call(reference, p.case))
            except Exception:  # noqa: BLE001 - an impostor that raises differs from the reference
                same = False
            if same:
                excused.add((p.label, p.visibility))
        result = _grade(sandbox, exercise, source)
        passing = [c for c in result.checks if _passed(c) and (c.label, c.visibility) not in excused]
        if passing:
            problems.append(f"{exercise.key}: the impostor answering {name} passes "
                            f"{_names(passing)}: that check cannot tell it from a "
                            "correct function (choose inputs where it differs)")
    for answer in _scalar_answers(reference, planned):
        result = _grade(sandbox, exercise, kit.variant_source(exercise.module, exercise.function,
                                                                f"return {answer!r}"))
        passing = [c for c in result.checks if _passed(c)]
        if passing:
            problems.append(f"{exercise.key}: the impostor answering {answer!r} for every input passes "
                            f"{_names(passing)}: every check expects that answer "
                            "(give the checks inputs whose answers differ)")
    return problems


def _names(checks: Sequence[CheckResult]) -> str:
    """The checks' names, once each (a hidden check drawn on several inputs is one check)."""
    return ", ".join(repr(name) for name in dict.fromkeys(check.name for check in checks))


def _scalar_answers(reference: Callable[..., Any], planned: Sequence[PlannedCheck], most: int = 6) -> list[Any]:
    """The distinct answers of a function that answers a label, a count or a flag (the right answer of one
    check, returned for every input, is an impostor the scoring rule of `engine.count_only_answers_that_vary`
    must turn down); none for a function answering floats or arrays, whose checks differ in value anyway."""
    answers: list[Any] = []
    for p in planned:
        try:
            answer = parent_call(reference, p.case)
        except Exception:  # noqa: BLE001 - a reference failing on a check is reported elsewhere
            continue
        if type(answer) in (str, int, bool) and answer not in answers:
            answers.append(answer)
    return answers[:most]


def check_module(module: str, declared: Sequence[Exercise], sandbox: Any,
                 progress: Callable[[str], None] | None = None) -> list[ExerciseReport]:
    """Every check of every declared exercise of one module; an empty `problems` list means sound."""
    header = ExerciseReport(f"{module} (module)", contract_problems(module) + coverage_problems(module, declared))
    reports = [header]
    for exercise in (e for e in declared if e.module == module):
        if progress:
            progress(exercise.key)
        report = ExerciseReport(exercise.key)
        report.problems += docstring_problems(exercise)
        report.problems += hidden_draw_problems(exercise)
        report.problems += grading_problems(exercise, sandbox)
        report.notes.append(f"{exercise.points:g} points, {len(exercise.checks)} checks, "
                            f"{len(exercise.misconceptions)} known mistakes, {len(exercise.alternatives)} alternatives")
        reports.append(report)
    return reports


def run(modules: Iterable[str], declared: Sequence[Exercise], sandbox: Any) -> list[ExerciseReport]:
    return [report for module in modules for report in check_module(module, declared, sandbox)]
