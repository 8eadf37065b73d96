"""calcgrade's scores in an nbgrader gradebook, through nbgrader's own API.

nbgrader's own `nbgrader autograde` (a course config without calcgrade's step, `grader.nbgrader_autograde`)
scores a test cell from what the student's kernel printed, and the student's code runs in that same kernel:
a notebook that patches NumPy, the checks or IPython's input transformers can print full marks.
`calcgrade grade --nbgrader-db gradebook.db` grades the same
notebooks with the student's code in the sandbox, then stores each exercise's score as the manual
score (nbgrader's override) of that exercise's autograded test cell, so formgrader,
`nbgrader generate_feedback` and `nbgrader export` go on working, with the trusted scores.
Only the notebooks a student actually submitted, of the modules this run graded, are written (a run
grading some modules leaves the others' scores as they were); a submission nbgrader has not seen yet is
added to the gradebook first.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from grader.curriculum import of_module
from grader.nbgrader_course import grade_cell_ids
from grader.spec import POINT_DIGITS, SubmissionResult
from grader.terminal import shown


@dataclass(frozen=True)
class GradebookWrite:
    """What was written: (student, assignment, grade cell, score) rows, and what could not be."""

    written: tuple[tuple[str, str, str, float], ...]
    skipped: tuple[str, ...]

    def describe(self) -> str:
        students = len({row[0] for row in self.written})
        text = f"wrote {len(self.written)} test-cell score(s) for {students} student(s) into the nbgrader gradebook"
        return text + "".join(f"\n  skipped: {shown(reason)}" for reason in self.skipped)


def write_scores(database: Path, results: Iterable[SubmissionResult],
                 submitted: Mapping[str, Iterable[str]]) -> GradebookWrite:
    """Set each submitted notebook's test-cell scores to calcgrade's; `submitted` maps student -> modules."""
    from nbgrader.api import Gradebook, MissingEntry

    if not database.is_file():
        raise FileNotFoundError(f"no nbgrader gradebook at {database}")
    written: list[tuple[str, str, str, float]] = []
    skipped: list[str] = []
    with Gradebook(f"sqlite:///{database.resolve()}") as gradebook:
        for result in results:
            graded = {exercise.exercise for exercise in result.exercises}
            for module in sorted(submitted.get(result.student, ())):
                if not any(exercise.key in graded for exercise in of_module(module)):
                    skipped.append(f"{result.student}/{module}: not graded in this run, so its gradebook scores are "
                                   "left as they were (`--modules all` grades every module)")
                    continue
                try:
                    gradebook.find_assignment(module)
                except MissingEntry:
                    skipped.append(f"{result.student}/{module}: no assignment {module!r} in the gradebook "
                                   "(run `nbgrader generate_assignment` first)")
                    continue
                gradebook.update_or_create_student(result.student)
                try:
                    gradebook.find_submission(module, result.student)
                except MissingEntry:
                    with warnings.catch_warnings():  # nbgrader 0.9's own autoflush notice under SQLAlchemy 2
                        warnings.filterwarnings("ignore", message=".*not in session")
                        gradebook.add_submission(module, result.student)
                cells = grade_cell_ids(module)
                for exercise in of_module(module):
                    score = round(result.exercise(exercise.key).score, POINT_DIGITS)
                    try:
                        grade = gradebook.find_grade(cells[exercise.key], module, module, result.student)
                    except MissingEntry:
                        skipped.append(f"{result.student}/{module}: no test cell {cells[exercise.key]!r} "
                                       "(was the course made by `calcgrade nbgrader-course`?)")
                        continue
                    grade.manual_score = score
                    grade.needs_manual_grade = False
                    written.append((result.student, module, cells[exercise.key], score))
            gradebook.db.commit()
    return GradebookWrite(tuple(written), tuple(skipped))
