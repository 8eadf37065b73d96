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
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from grader import kit
from grader.curriculum import of_module
from grader.precomputed import DEFAULT_PATH, ENV_VAR, INI_OPTION
from grader.spec import ExerciseResult, SubmissionResult
from grader.submission import MODULE_FILES, read_sources

if TYPE_CHECKING:
    from grader.engine import ReferenceProvider

_sandbox_key = pytest.StashKey[object]()
_references_key = pytest.StashKey["ReferenceProvider | ExerciseFailed"]()
_PACKAGE_DIR = Path(__file__).resolve().parent


def _kit_has_solutions() -> bool:
    """Is this grader the kit itself (its reference solutions beside it), not a student bundle's wheel?"""
    return all((kit.SOLUTIONS_DIR / f"{module}.py").is_file() for module in kit.MODULES)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(INI_OPTION, f"the public checks' data of a student bundle, read when the kit's solutions are "
                  f"absent (relative to the rootdir; ${ENV_VAR} overrides)", default=DEFAULT_PATH)


def pytest_report_header(config: pytest.Config) -> str | None:
    """Say where expected values come from when it is not the kit itself (in a student bundle)."""
    from grader.precomputed import PrecomputedReferences

    references = _references(config)
    if isinstance(references, PrecomputedReferences):
        return f"calcgrade: public checks from {references.origin}"
    return None


def _references(config: pytest.Config) -> ReferenceProvider | ExerciseFailed:
    """The live kit when its solutions are here, else the bundle's data (or why neither can be had)."""
    if _references_key not in config.stash:
        config.stash[_references_key] = _find_references(config)
    return config.stash[_references_key]


def _find_references(config: pytest.Config) -> ReferenceProvider | ExerciseFailed:
    from grader.engine import LIVE
    from grader.precomputed import PrecomputedReferences, StaleData, locate

    if _kit_has_solutions():
        return LIVE
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
    return references


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    if file_path.name in MODULE_FILES and _PACKAGE_DIR not in file_path.resolve().parents:
        return ExerciseModule.from_parent(parent, path=file_path)
    return None


def pytest_sessionfinish(session: pytest.Session) -> None:
    sandbox = session.config.stash.get(_sandbox_key, None)
    if sandbox is not None:
        sandbox.close()


def _sandbox(config: pytest.Config):
    from grader.sandbox.client import Sandbox

    if _sandbox_key not in config.stash:
        # The student's own machine: confined where the kernel allows it, else a limited process (their code)
        config.stash[_sandbox_key] = Sandbox(confinement="best-effort")
    return config.stash[_sandbox_key]


class ExerciseModule(pytest.File):
    """One student module; its items are the module's exercises, graded together on first use."""

    _result: SubmissionResult | None = None

    def collect(self):
        for exercise in of_module(MODULE_FILES[self.path.name]):
            yield ExerciseItem.from_parent(self, name=exercise.function, exercise_key=exercise.key)

    def result(self) -> SubmissionResult:
        if self._result is None:
            from grader.engine import grade_sources

            references = _references(self.config)
            if isinstance(references, ExerciseFailed):
                raise references
            module = MODULE_FILES[self.path.name]
            sources, unreadable = read_sources(self.path.parent)
            self._result = grade_sources(sources, _sandbox(self.config), exercises=of_module(module),
                                         unreadable=unreadable, references=references)
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
