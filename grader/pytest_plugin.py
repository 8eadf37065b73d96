"""The students' pytest: `pytest DIR` runs the public checks on the exercise modules found in DIR.

A folder holding any of derivatives.py, partial_derivatives.py, linear_model.py and
gradient_descent.py gets one test per student function. The student's code runs in the sandbox,
never in the pytest process; a failing test shows the teaching feedback for each failed check.
Disable with `-p no:calcgrade`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.curriculum import of_module
from grader.spec import ExerciseResult, SubmissionResult
from grader.submission import MODULE_FILES, read_sources

_sandbox_key = pytest.StashKey[object]()
_PACKAGE_DIR = Path(__file__).resolve().parent


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
        config.stash[_sandbox_key] = Sandbox()
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

            module = MODULE_FILES[self.path.name]
            sources, unreadable = read_sources(self.path.parent)
            self._result = grade_sources(sources, _sandbox(self.config), exercises=of_module(module),
                                         unreadable=unreadable)
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
    failed = [check for check in result.checks if not check.passed]
    if failed and all(check.diagnosis == "not implemented" for check in failed):
        function = result.exercise.split(".")[1]
        return f"{result.exercise}: not implemented yet (replace `raise NotImplementedError` in {function})"
    lines = [f"{result.exercise}: {len(failed)} of {len(result.checks)} checks failed"]
    if result.note:
        lines.append(result.note)
    for check in failed:
        lines.append(f"\n--- {check.label}")
        lines.append(check.student_message)
    return "\n".join(lines)
