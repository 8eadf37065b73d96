"""The students' pytest: `pytest DIR` runs the public checks on the exercise modules found in DIR.

A folder holding any of derivatives.py, partial_derivatives.py, linear_model.py and
gradient_descent.py gets one test per student function. The student's code runs in the sandbox,
never in the pytest process; a failing test shows the teaching feedback for each failed check.
Disable with `-p no:calcgrade`.

Expected values come from the kit's solutions when they are present. In a student bundle
(`calcgrade release`) they are not: the plugin then reads the public checks' precomputed data from
`$CALCGRADE_PUBLIC_CHECKS`, else from the ini option `calcgrade_public_checks` (default
`.calcgrade/public_checks.json`), relative to the rootdir (see `grader.precomputed`).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from grader import kit
from grader.precomputed import DEFAULT_PATH, ENV_VAR, INI_OPTION

if TYPE_CHECKING:
    from grader.engine import ReferenceProvider
    from grader.sandbox.client import Sandbox
    from grader.spec import Exercise, ExerciseResult, SubmissionResult

# This module is loaded at the start of every pytest run in an environment where calcgrade is installed
# (entry point `pytest11`): it imports nothing heavy until a run collects an exercise module. NumPy, the
# engine and the sandbox come then; SymPy and the reference solutions only when the kit's public checks'
# data must be computed again (`grader.precomputed.kit_data`) or in a student bundle that predates it.
MODULE_FILES = {f"{module}.py": module for module in kit.MODULES}
_sandbox_key = pytest.StashKey["_SandboxStarter"]()
_references_key = pytest.StashKey["_Grading | ExerciseFailed"]()
_PACKAGE_DIR = Path(__file__).resolve().parent
_grading_lock = threading.Lock()


@dataclass(frozen=True)
class _Grading:
    """What the public checks are graded with: the exercises, where expected values come from, the
    NumPy source of the grader's given functions (None: the sandbox computes it), and the data's origin."""

    exercises: tuple[Exercise, ...]
    references: ReferenceProvider
    given_sources: dict[str, Any] | None
    origin: str | None  # a student bundle's data file; None for the kit itself

    def of_module(self, module: str) -> tuple[Exercise, ...]:
        return tuple(exercise for exercise in self.exercises if exercise.module == module)


def _kit_has_solutions() -> bool:
    """Is this grader the kit itself (its reference solutions beside it), not a student bundle's wheel?"""
    return all((kit.SOLUTIONS_DIR / f"{module}.py").is_file() for module in kit.MODULES)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(INI_OPTION, f"the public checks' data of a student bundle, read when the kit's solutions are "
                  f"absent (relative to the rootdir; ${ENV_VAR} overrides)", default=DEFAULT_PATH)


def pytest_report_header(config: pytest.Config) -> str | None:
    """Say where expected values come from when it is not the kit itself (in a student bundle)."""
    if _kit_has_solutions():
        return None
    grading = _grading(config)
    if isinstance(grading, _Grading) and grading.origin:
        return f"calcgrade: public checks from {grading.origin}"
    return None


def _grading(config: pytest.Config) -> _Grading | ExerciseFailed:
    """The kit's own data when its solutions are here, else the bundle's (or why neither can be had)."""
    with _grading_lock:  # the sandbox's starter thread asks too
        if _references_key not in config.stash:
            config.stash[_references_key] = _find_grading(config)
        return config.stash[_references_key]


def _find_grading(config: pytest.Config) -> _Grading | ExerciseFailed:
    from grader.precomputed import PrecomputedReferences, StaleData, exercises_from, kit_data, locate, with_forms

    if _kit_has_solutions():
        data = kit_data()
        return _Grading(exercises_from(data), PrecomputedReferences(data, "the kit"), data["given"], None)
    path = locate(config.rootpath, config.getini(INI_OPTION), os.environ)
    if not path.is_file():
        return ExerciseFailed(f"calcgrade cannot grade here: no reference solutions ({kit.SOLUTIONS_DIR}) and no "
                              f"public checks' data at {path} (set ${ENV_VAR} or the ini option {INI_OPTION})")
    try:
        references = PrecomputedReferences.load(path)
    except (OSError, ValueError, KeyError, TypeError, StaleData) as error:
        return ExerciseFailed(f"calcgrade cannot read the public checks' data {path}: {error}")
    problems = references.problems()
    if problems:
        return ExerciseFailed(f"calcgrade: {path} was made for another version of the grader (reinstall the one "
                              f"from the same bundle): {problems[0]}" + (f" (and {len(problems) - 1} more)"
                                                                          if len(problems) > 1 else ""))
    from grader.curriculum import EXERCISES

    return _Grading(with_forms(EXERCISES, references.data), references, references.data.get("given"), str(path))


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    if file_path.name in MODULE_FILES and _PACKAGE_DIR not in file_path.resolve().parents:
        _start_sandbox(parent.config)
        return ExerciseModule.from_parent(parent, path=file_path)
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector):
    """An exercise module named on the command line (`pytest exercises/derivatives.py`) is collected by pytest's
    own Python plugin too, which imports it in pytest's process: the student's code ran there, unconfined, and a
    syntax error stopped the run with pytest's traceback instead of the kit's feedback (a check that found this:
    QA round 59, 04). Such a file gets an empty collector here; `pytest_collect_file` grades it."""
    if module_path.name in MODULE_FILES and _PACKAGE_DIR not in module_path.resolve().parents:
        return _NotImported.from_parent(parent, path=module_path)
    return None


class _NotImported(pytest.File):
    """An exercise module as pytest's Python plugin would collect it: nothing (the module is graded in the sandbox,
    by `ExerciseModule`)."""

    def collect(self):
        return []


def pytest_sessionfinish(session: pytest.Session) -> None:
    starter = session.config.stash.get(_sandbox_key, None)
    if starter is not None:
        starter.close()


class _SandboxStarter:
    """The sandbox's template, started in the background as soon as the first exercise module is
    collected: it imports NumPy and builds its namespaces while pytest collects and loads the data."""

    def __init__(self, config: pytest.Config) -> None:
        self._config = config
        self._sandbox: Sandbox | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._start, name="calcgrade-sandbox", daemon=True)
        self._thread.start()

    def _start(self) -> None:
        try:
            grading = _grading(self._config)
            if isinstance(grading, ExerciseFailed):
                return  # nothing will be graded: the tests say why
            from grader.sandbox.client import Sandbox

            # The student's own machine: confined where the kernel allows it, else a limited process (their code)
            self._sandbox = Sandbox(confinement="best-effort", given_sources=grading.given_sources)
            self._sandbox.walls()  # the template is up and its walls reported
        except BaseException as error:  # noqa: BLE001 - raised again where the sandbox is used
            self._error = error

    def sandbox(self) -> Sandbox:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._sandbox is not None
        return self._sandbox

    def close(self) -> None:
        self._thread.join()
        if self._sandbox is not None:
            self._sandbox.close()


def _start_sandbox(config: pytest.Config) -> _SandboxStarter:
    if _sandbox_key not in config.stash:
        config.stash[_sandbox_key] = _SandboxStarter(config)
    return config.stash[_sandbox_key]


class ExerciseModule(pytest.File):
    """One student module; its items are the module's exercises, graded together on first use."""

    _result: SubmissionResult | None = None

    def collect(self):
        grading = _grading(self.config)
        if isinstance(grading, ExerciseFailed):
            from grader.curriculum import of_module  # to list the exercises that cannot be graded here

            exercises = of_module(MODULE_FILES[self.path.name])
        else:
            exercises = grading.of_module(MODULE_FILES[self.path.name])
        for exercise in exercises:
            yield ExerciseItem.from_parent(self, name=exercise.function, exercise_key=exercise.key)

    def result(self) -> SubmissionResult:
        if self._result is None:
            from grader.engine import grade_sources
            from grader.submission import read_sources

            grading = _grading(self.config)
            if isinstance(grading, ExerciseFailed):
                raise grading
            module = MODULE_FILES[self.path.name]
            sources, unreadable = read_sources(self.path.parent)
            self._result = grade_sources(sources, _start_sandbox(self.config).sandbox(),
                                         exercises=grading.of_module(module), unreadable=unreadable,
                                         references=grading.references)
        return self._result


class ExerciseFailed(Exception):
    pass


class ExerciseItem(pytest.Item):
    def __init__(self, *, exercise_key: str, **kwargs):
        super().__init__(**kwargs)
        self.exercise_key = exercise_key

    def runtest(self) -> None:
        assert isinstance(self.parent, ExerciseModule)
        result = self.parent.result().exercise(self.exercise_key)
        if not result.passed:
            raise ExerciseFailed(format_failure(result))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ExerciseFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.exercise_key}"


def format_failure(result: ExerciseResult) -> str:
    """The teaching text for a failed exercise: each failed check's message, a message shared by
    several checks (a syntax error, say) only once, under all their labels."""
    failed = [check for check in result.checks if not check.passed]
    if failed and all(check.diagnosis == "not implemented" for check in failed):
        function = result.exercise.split(".")[1]
        return f"{result.exercise}: not implemented yet (replace `raise NotImplementedError` in {function})"
    lines = [f"{result.exercise}: {len(failed)} of {len(result.checks)} checks failed"]
    if result.note:
        lines.append(result.note)
    labels: dict[str, list[str]] = {}
    for check in failed:
        labels.setdefault(check.student_message, []).append(check.label)
    for message, shared_by in labels.items():
        lines.append(f"\n--- {'; '.join(shared_by)}")
        lines.append(message)
    return "\n".join(lines)
