"""The checks behind a notebook's test cells: `check("linear_model.sse")` in the student's kernel.

A test cell is one call. It finds the student's functions of that module in the notebook's namespace
(the caller's globals), takes the source of the cells that defined them (IPython keeps every cell's
source in `linecache`; `inspect.getsource` and IPython's input history are the fallbacks),
assembles module source exactly as `calcgrade grade` does from a notebook's solution cells
(`grader.notebook_source.module_source`: the kit's stub with its given functions, then the cells'
definitions), and grades it with the engine, so the student's code runs in the sandbox's child
process, not in the kernel.

The cell shows the same teaching feedback as pytest (`format_failure`). Its value is the exercise's
score, which nbgrader 0.9's autograde reads as partial credit from a test cell's numeric output; a
check with no point at all raises, as a failing test should. Hidden checks (`hidden=True`, enabled
only inside the test cell's `### BEGIN HIDDEN TESTS` region) never use the course seed: the kernel
runs the student's code, so anything it holds (its environment included) a notebook can read. They
draw their inputs from a seed made afresh for each kernel and the student id (`CALCGRADE_STUDENT`,
else the folder nbgrader autogrades in), so nothing can be prepared for them, and the cell says its
score is provisional: the course's hidden checks, and the scores that count, come from calcgrade's own step
in `nbgrader autograde` (`grader.nbgrader_autograde`, which runs no kernel and fills the test cells with
`exercise_feedback`) or from `calcgrade grade --nbgrader-db`. Their feedback never shows an input or an
expected value.
"""

from __future__ import annotations

import atexit
import contextlib
import inspect
import io
import linecache
import os
import re
import secrets
import sys
import types
import warnings
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader import kit
from grader.curriculum import BY_KEY, of_module
from grader.notebook_source import module_source, student_code
from grader.spec import POINT_DIGITS, Exercise, ExerciseResult

if TYPE_CHECKING:
    from grader.engine import ReferenceProvider
    from grader.sandbox.client import Sandbox

KERNEL_SEED = f"kernel|{secrets.token_hex(16)}"  # this kernel's hidden inputs: never the course seed
PROVISIONAL = ("provisional: the hidden checks here use inputs drawn for this kernel only; the course's hidden "
               "checks are graded by calcgrade, whose scores replace these")
_sandbox: Sandbox | None = None


class CheckFailed(AssertionError):
    """A test cell whose checks earned no point; the message is the teaching feedback."""

    def _render_traceback_(self) -> list[str]:
        """IPython shows this instead of a traceback: the feedback, not the grader's own frames."""
        return f"{type(self).__name__}: {self}".splitlines()


def check(key: str, hidden: bool = False) -> float:
    """Grade the notebook's version of one exercise; returns its score (the test cell's value)."""
    if key not in BY_KEY:
        raise KeyError(f"no exercise {key!r}; the exercises are {', '.join(BY_KEY)}")
    caller = sys._getframe(1).f_globals
    result = grade_namespace(key, caller, hidden=hidden)
    score = round(result.score, POINT_DIGITS)
    feedback = exercise_feedback(result, hidden=hidden, provisional=hidden)
    if score <= 0 and not result.passed:
        raise CheckFailed(feedback)
    print(feedback)
    return score


def exercise_feedback(result: ExerciseResult, *, hidden: bool, provisional: bool) -> str:
    """What a test cell shows of one exercise's result: all passed, or the teaching feedback and the partial credit
    (and, in a kernel that graded hidden checks, that its score is provisional)."""
    score = round(result.score, POINT_DIGITS)
    kind = "public and hidden" if hidden else "public"
    if result.passed:
        text = f"{result.exercise}: all {len(result.checks)} {kind} checks passed"
        return text + f" ({score:g} of {result.max_score:g} points)" + (f"\n{PROVISIONAL}" if provisional else "")
    text = _feedback(result) + (f"\n\npartial credit: {score:g} of {result.max_score:g} points" if score > 0 else "")
    return text + (f"\n\n{PROVISIONAL}" if provisional else "")


def grade_namespace(key: str, namespace: Mapping[str, Any], *, hidden: bool = False,
                    student: str | None = None, course_seed: str | None = None) -> ExerciseResult:
    """Grade one exercise from the functions defined in a notebook namespace, in the sandbox. Hidden inputs
    come from `course_seed` where a caller passes one (a trusted tool, a test), else from this kernel's own
    seed; the environment is never read for it."""
    from grader.engine import grade_sources

    exercise = BY_KEY[key]
    references = _references(hidden)
    given = None if kit_has_solutions() else given_source(exercise.module, namespace)
    source = module_source(exercise.module, defining_cells(exercise.module, namespace), given)
    quiet = io.StringIO()
    # nbgrader scores a test cell 0 if anything reaches stderr: the grader's own warnings must not.
    with warnings.catch_warnings(), contextlib.redirect_stderr(quiet):
        warnings.simplefilter("ignore")
        result = grade_sources({exercise.module: source}, _shared_sandbox(), hidden=hidden,
                               student=current_student() if student is None else student,
                               course_seed=KERNEL_SEED if course_seed is None else course_seed,
                               exercises=[exercise, *_callees(exercise)], references=references)
    return result.exercise(key)


def _callees(exercise: Exercise) -> list[Exercise]:
    """The exercises whose functions `exercise`'s reference calls, graded beside it so that an error in one of them
    is carried forward here as in `calcgrade grade` (none without the kit's solutions)."""
    from grader.carry_forward import components

    called = components(exercise, of_module(exercise.module))
    return [other for other in of_module(exercise.module) if other.function in called]


def kit_has_solutions() -> bool:
    """Is this grader the kit itself (solutions beside it), not a student bundle's wheel?"""
    return all((kit.SOLUTIONS_DIR / f"{module}.py").is_file() for module in kit.MODULES)


def _references(hidden: bool) -> ReferenceProvider:
    """The live kit where its solutions are (the instructor's autograde), else a student bundle's data."""
    from grader.engine import LIVE

    if kit_has_solutions():
        return LIVE
    if hidden:
        raise CheckFailed("hidden checks run only where the course is graded (the kit's solutions are not here)")
    from grader.precomputed import ENV_VAR, PrecomputedReferences, locate

    path = locate(Path.cwd(), None, os.environ)
    if not path.is_file():
        raise CheckFailed(f"calcgrade cannot check here: no reference solutions and no public checks' data at {path} "
                          f"(set ${ENV_VAR} to the bundle's .calcgrade/public_checks.json)")
    return PrecomputedReferences.load(path)


def given_source(module: str, namespace: Mapping[str, Any]) -> str:
    """Without the kit's solutions: the cells defining the functions the student's code calls (the given
    cell among them), NumPy, and a stub for each student function not defined yet."""
    students = {exercise.function for exercise in of_module(module)}
    cells: list[str] = []
    for name in students:
        function = namespace.get(name)
        if isinstance(function, types.FunctionType):
            for called in _global_names(function.__code__) - students:
                helper = namespace.get(called)
                if isinstance(helper, types.FunctionType) and (cell := _cell_source(helper)) and cell not in cells:
                    cells.append(cell)
    stubs = "".join(f"\n\ndef {name}(*args, **kwargs):\n    raise NotImplementedError\n" for name in sorted(students))
    return "import numpy as np\n\n" + "\n\n".join(student_code(cell) for cell in cells) + stubs


def _global_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _global_names(constant)
    return names


def defining_cells(module: str, namespace: Mapping[str, Any]) -> list[str]:
    """The source of each cell that defined one of the module's student functions, in exercise order."""
    cells: list[str] = []
    for exercise in of_module(module):
        function = namespace.get(exercise.function)
        if not isinstance(function, types.FunctionType):
            continue  # not run yet: the kit's stub stands in ("not implemented")
        cell = _cell_source(function) or _from_history(exercise.function, namespace)
        if cell and cell not in cells:
            cells.append(cell)
    return cells


def _from_history(name: str, namespace: Mapping[str, Any]) -> str:
    """The latest input in IPython's history (`_ih`) defining `name`: for a function whose code object
    names no cell (one defined under %%time, say)."""
    history = namespace.get("_ih")
    pattern = re.compile(rf"\bdef {re.escape(name)}\(")
    for entry in reversed(history if isinstance(history, list) else []):
        if isinstance(entry, str) and pattern.search(entry):
            return entry
    return ""


def _cell_source(function: types.FunctionType) -> str:
    """The whole cell that defined the function (helpers and imports there included), else the function."""
    lines = linecache.getlines(function.__code__.co_filename)
    if lines:
        return "".join(lines)
    try:
        return inspect.getsource(function)
    except (OSError, TypeError):
        return ""


def current_student() -> str:
    """The student id: `CALCGRADE_STUDENT`, or `<student>` when run in nbgrader's autograded/<student>/<assignment>."""
    if os.environ.get("CALCGRADE_STUDENT"):
        return os.environ["CALCGRADE_STUDENT"]
    here = Path.cwd()
    if len(here.parents) >= 2 and here.parents[1].name == "autograded":
        return here.parent.name
    return ""


def _feedback(result: ExerciseResult) -> str:
    """pytest's teaching text; a hidden check's label says so (its message holds no input anyway)."""
    from grader.pytest_plugin import format_failure

    checks = tuple(replace(check, label=f"{check.label} (hidden input)") if check.visibility == "hidden" else check
                   for check in result.checks)
    return format_failure(replace(result, checks=checks))


def _shared_sandbox() -> Sandbox:
    """One warm sandbox per kernel, closed when the kernel exits."""
    global _sandbox
    if _sandbox is None:
        from grader.sandbox.client import Sandbox

        class KernelSandbox(Sandbox):
            """A template in its own session, without the kernel's stdout and stderr. ipykernel's
            shutdown waits for the processes of its group, and its interrupt signals that group;
            and it captures those two file descriptors: anything written there would land in a test
            cell as stderr, which nbgrader scores 0."""

            own_session = True

            def _start_template(self) -> None:
                devnull = os.open(os.devnull, os.O_WRONLY)
                saved = [os.dup(1), os.dup(2)]
                try:
                    os.dup2(devnull, 1)
                    os.dup2(devnull, 2)
                    super()._start_template()
                finally:
                    os.dup2(saved[0], 1)
                    os.dup2(saved[1], 2)
                    for fd in (devnull, *saved):
                        os.close(fd)

        _sandbox = KernelSandbox(confinement="best-effort")  # trusted scores come from `calcgrade grade`
        atexit.register(_sandbox.close)
    return _sandbox
