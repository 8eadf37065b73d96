"""`nbgrader autograde` without a kernel: each test cell's output is calcgrade's trusted grade of that exercise.

nbgrader's own autograde runs every cell of a submitted notebook in a Jupyter kernel, as the instructor and with no
walls: a solution cell can read the source notebooks and the gradebook, rewrite other students' submissions, patch
the kit that grades next, and use the network. The course that `calcgrade nbgrader-course` writes replaces nbgrader's
`Execute` preprocessor with `TrustedChecks`, so no cell of a submitted notebook ever runs in nbgrader's process or in
a kernel. The student's code is read from the notebooks' solution cells exactly as `calcgrade grade` reads the
student's folder (`grader.submission`, each notebook parsed in a bounded forked process), and it runs only in
calcgrade's sandbox, which hides the course folder; the hidden checks draw their inputs from the course seed
(`$CALCGRADE_SEED`), the student id and the submission, as `calcgrade grade` does, so the two give the same scores.
Each test cell then gets, as its outputs, the feedback the student would read in the notebook and the exercise's
score as the cell's value, which nbgrader's `SaveAutoGrades` stores as partial credit; `generate_feedback` and
`export` work as usual. Nothing else in the notebook is executed: the pictures drawn from the student's functions are
not part of the autograded notebook (students draw them in their own kernel).
"""

from __future__ import annotations

import atexit
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from grader import kit
from grader.spec import POINT_DIGITS, ExerciseResult

if TYPE_CHECKING:
    from grader.sandbox.client import Sandbox

SEED_VARIABLE = "CALCGRADE_SEED"
_sandboxes: dict[tuple[bool, tuple[str, ...]], Sandbox] = {}


class TrustedChecks(Preprocessor):
    """Fill each calcgrade test cell of one autograded notebook with the trusted grade of its exercise."""

    enabled = Bool(True).tag(config=True)
    unconfined = Bool(False, help="Grade where the sandbox's walls cannot be built (student code then runs "
                                  "unconfined, though never in nbgrader's process)").tag(config=True)

    def preprocess(self, nb: nbformat.NotebookNode, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        from grader.curriculum import EXERCISES
        from grader.nbgrader_course import grade_cell_ids

        info = resources["nbgrader"]
        student, module = str(info["student"]), str(info["notebook"])
        cells = grade_cell_ids(module) if module in kit.MODULES else {}
        exercises = [exercise for exercise in EXERCISES if exercise.module == module and exercise.key in cells]
        if not exercises:
            self.log.warning("calcgrade: %s is not one of the course's modules; its test cells are left empty", module)
            return nb, resources
        root = self._course_root(resources)
        result = self._grade(student, root / "submitted" / student, module, exercises, root)
        by_cell = {cells[exercise.key]: result.exercise(exercise.key) for exercise in exercises}
        for cell in nb.cells:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if cell.cell_type == "code" and grade_id in by_cell:
                cell.outputs = test_cell_outputs(by_cell[grade_id], result.notes)
        return nb, resources

    def _course_root(self, resources: dict[str, Any]) -> Path:
        from nbgrader.coursedir import CourseDirectory

        return Path(CourseDirectory(config=self.config).root).resolve()

    def _grade(self, student: str, folder: Path, module: str, exercises: list[Any], root: Path):
        from grader.engine import grade_sources
        from grader.sandbox.client import SandboxUnavailable
        from grader.submission import read_submission

        submission = read_submission(folder)
        seed = os.environ.get(SEED_VARIABLE) or kit.DEFAULT_SEED
        if seed == kit.DEFAULT_SEED:
            self.log.warning("calcgrade: the hidden checks use the public default seed; set $%s to the course's "
                             "secret seed", SEED_VARIABLE)
        unreadable = {key: value for key, value in submission.unreadable.items() if key == module}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return grade_sources(submission.sources, _sandbox(self.unconfined, (root,)), student=student,
                                     hidden=True, course_seed=seed, exercises=exercises, unreadable=unreadable)
        except SandboxUnavailable as error:
            raise RuntimeError(f"calcgrade: {error}; student code would run unconfined. Autograde on a machine that "
                               "allows unprivileged user namespaces, or set c.TrustedChecks.unconfined = True to "
                               "accept that") from error


def test_cell_outputs(result: ExerciseResult, notes: tuple[str, ...] = ()) -> list[nbformat.NotebookNode]:
    """A test cell's outputs: the feedback as printed text, then the score as the cell's value (never stderr,
    which nbgrader scores 0)."""
    from grader.notebook_checks import exercise_feedback

    score = round(result.score, POINT_DIGITS)
    text = exercise_feedback(result, hidden=True, provisional=False)
    if notes:
        text += "\n\n" + "\n".join(notes)
    text += "\n\ngraded by calcgrade: your code ran in its sandbox, on the course's public and hidden checks\n"
    return [nbformat.v4.new_output("stream", name="stdout", text=text),
            nbformat.v4.new_output("execute_result", data={"text/plain": f"{score:g}"}, execution_count=1)]


def _sandbox(unconfined: bool, hidden: tuple[Path, ...]) -> Sandbox:
    """One warm sandbox per autograde process (and set of folders it hides), closed when the process ends."""
    from grader.sandbox.client import Sandbox

    key = (unconfined, tuple(str(path) for path in hidden))
    if key not in _sandboxes:
        _sandboxes[key] = Sandbox(hidden=hidden, confinement="best-effort" if unconfined else "required")
        atexit.register(_sandboxes[key].close)
    return _sandboxes[key]
