"""`nbgrader autograde` without a kernel: each test cell's output is calcgrade's trusted grade of that exercise.

nbgrader's own autograde runs every cell of a submitted notebook in a Jupyter kernel, as the instructor and with no
walls: a solution cell can read the source notebooks and the gradebook, rewrite other students' submissions, patch
the kit that grades next, and use the network. The course that `calcgrade nbgrader-course` writes replaces nbgrader's
`Execute` preprocessor with `TrustedChecks`, so no cell of a submitted notebook ever runs in nbgrader's process or in
a kernel. The student's code is read from the solution cells of the notebook nbgrader collected,
`submitted/<student>/<module>/<module>.ipynb`, and nothing else (`grader.submission.read_nbgrader_notebook`, parsed
in a bounded forked process; `calcgrade grade` reads an nbgrader course the same way, module by module), and it runs
only in calcgrade's sandbox, which hides the course folder; the hidden checks draw their inputs from the course seed
(`$CALCGRADE_SEED`), the student id and that notebook's code, as `calcgrade grade` does, so the two give the same
scores. A test cell it does not grade (an exercise the course drops) gets 0 points and says why.
Each test cell then gets, as its outputs, the feedback the student would read in the notebook and the exercise's
score as the cell's value, which nbgrader's `SaveAutoGrades` stores as partial credit; `generate_feedback` and
`export` work as usual. Nothing else in the notebook is executed: the pictures drawn from the student's functions are
not part of the autograded notebook (students draw them in their own kernel).
"""

from __future__ import annotations

import atexit
import functools
import os
import re
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from grader import kit
from grader.spec import POINT_DIGITS, ExerciseResult, SubmissionResult

if TYPE_CHECKING:
    from grader.sandbox.client import Sandbox

_sandboxes: dict[tuple[bool, tuple[str, ...]], Sandbox] = {}


def refuse_unreadable_notebooks(*, assignment: str, student: str, notebooks: list[str], **_: Any) -> None:
    """nbgrader's pre-convert hook (the course's config sets it): a submitted notebook calcgrade refuses (larger
    than its limit, more cells than any course notebook, not a notebook, a link; `notebook_source.read_notebook`,
    parsed in a bounded forked process) is taken out of this run before nbgrader reads it, and why is logged.
    nbgrader reads, validates, sanitises and writes a notebook in the instructor's process with no limit: 100,000
    empty cells (7.4 MB) held autograde 47 s and 660 MB, 400,000 held it 181 s and 2.1 GB, for every student after
    it. The file is left as it is; the student's other notebooks, and every other student, are graded as usual."""
    from grader.notebook_source import read_notebook

    for path in list(notebooks):
        source, problem = read_notebook(Path(path), Path(path).stem)
        if source is not None:
            problem = _stops_every_student(Path(path))
        if source is None or problem:
            notebooks.remove(path)
            where = Path(path).parent  # submitted/<student>/<assignment>/ (the hook's ids may be globs)
            print(f"[calcgrade] {where.parent.name}: {where.name}: not autograded: {problem}", file=sys.stderr,
                  flush=True)


def shown_as_text(cell: nbformat.NotebookNode, trusted: frozenset[str]) -> None:
    """A Markdown or raw cell of the autograded notebook, whose text is not one of the course's own (`trusted`),
    made a Markdown cell that shows its text as a code block (every line indented by four spaces), without
    attachments. nbgrader's formgrader shows the autograded notebook to the instructor, on the Jupyter server's
    origin, rendering its Markdown (links, images, HTML) and a raw cell as written: a student's `<img onerror=...>`
    ran there with the instructor's session (grades of every student, a terminal), and with the HTML escaped a
    Markdown link `[here](javascript:...)` was still a link there, and `![x](https://...)` still loaded. In a code
    block no Markdown construct is rendered (nor HTML: the renderer escapes it), and no line of the text can end
    the block, since each is indented; the instructor reads the text as written. The submitted file is left as it
    was."""
    source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
    cell.pop("attachments", None)
    if cell.cell_type == "markdown" and source in trusted:
        return
    cell.cell_type = "markdown"
    cell.source = as_code_block(source)
    cell.metadata = nbformat.NotebookNode({key: value for key, value in cell.metadata.items() if key == "nbgrader"})


def as_code_block(text: str) -> str:
    """`text` as a Markdown indented code block: every line (split at each of Markdown's line endings, `\\r\\n`,
    `\\r` and `\\n`) indented by four spaces, so that all of it is the block's literal text."""
    return "\n".join("    " + line for line in re.split(r"\r\n|\r|\n", text))


def _trusted_texts(source_notebook: Path | None, module: str) -> frozenset[str]:
    """The Markdown texts of the course's own notebook (the instructor's source, if readable) and of the kit's."""
    texts = set(_kit_texts(module)) if module in kit.MODULES else set()
    if source_notebook is None:
        return frozenset(texts)
    try:
        notebook = nbformat.read(str(source_notebook), as_version=4)
        texts.update(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    except Exception:  # noqa: BLE001 - no source notebook of the instructor's: the kit's texts alone
        pass
    return frozenset(texts)


@functools.cache
def _kit_texts(module: str) -> frozenset[str]:
    from grader.nbgrader_course import module_notebook

    return frozenset(cell.source for cell in module_notebook(module).cells if cell.cell_type == "markdown")


def _stops_every_student(path: Path) -> str:
    """Why nbgrader would stop the whole run at this notebook, or "": a cell's nbgrader metadata of another schema
    version than this nbgrader's (`{"schema_version": 99}` on a Markdown cell nothing else reads) raises, in
    nbgrader's own metadata check, an error its converter turns into the end of the run, and every student after
    this one was left ungraded. Every cell's schema version is looked at, whatever else is wrong in the notebook
    (nbgrader's validator stops at the first invalid cell, and a copied cell with invalid metadata, whose metadata
    nbgrader later drops, hid a schema-99 cell behind it), in a bounded forked process."""
    from grader.bounded import OutOfBounds, call_bounded
    from grader.notebook_source import READING_BOUNDS

    try:
        return call_bounded(_schema_mismatch_unbounded, path.read_bytes(), READING_BOUNDS)
    except (OSError, OutOfBounds) as error:
        return f"its nbgrader metadata could not be checked within the grader's limits ({error}): refused"


def _schema_mismatch_unbounded(data: bytes) -> str:
    """`_stops_every_student`'s work, without its bounds: to be called through `call_bounded` only."""
    from nbgrader.nbgraderformat import SCHEMA_VERSION

    try:
        notebook = nbformat.reads(data.decode("utf-8-sig"), as_version=4)
    except Exception:  # noqa: BLE001 - nbgrader cannot read it either, and reports that for this student alone
        return ""
    for number, cell in enumerate(notebook.get("cells") or [], start=1):
        metadata = cell.get("metadata") if isinstance(cell, dict) else None
        if not isinstance(metadata, dict) or "nbgrader" not in metadata:
            continue
        marks = metadata["nbgrader"]
        # nbgrader reads a missing version as 0, and ends the run on any version other than its own
        version = marks.get("schema_version", 0) if isinstance(marks, dict) else None
        if type(version) is not int or version != SCHEMA_VERSION:
            return (f"cell {number}'s nbgrader metadata is of another schema version than this nbgrader's "
                    f"({_shown_version(version)}, not {SCHEMA_VERSION}), which would stop autograde for every "
                    "student after this one: refused")
    return ""


def _shown_version(version: object) -> str:
    """A cell's schema version as the refusal names it: a short, printable form of whatever the student wrote."""
    if version is None:
        return "no metadata object"
    shown = ascii(version)
    return shown if len(shown) <= 40 else shown[:37] + "..."


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
        by_cell: dict[str, tuple[ExerciseResult, tuple[str, ...]]] = {}
        if exercises:
            root = self._course_root()
            result = self._grade(student, root / "submitted" / student, module, root)
            by_cell = {cells[exercise.key]: (result.exercise(exercise.key), result.notes) for exercise in exercises}
        for cell in nb.cells:
            marks = cell.get("metadata", {}).get("nbgrader", {})
            if cell.cell_type != "code" or not marks.get("grade") or marks.get("solution"):
                continue
            graded = by_cell.get(marks.get("grade_id"))
            # deny by default: a test cell calcgrade does not grade (an exercise the course drops, a notebook that is
            # not one of its modules) earns nothing, where nbgrader would give a cell without output full marks
            cell.outputs = graded_outputs(*graded) if graded else not_graded_outputs(module)
        assignment = info.get("assignment")  # nbgrader's own run always names it
        trusted = _trusted_texts(self._course_root() / "source" / str(assignment) / f"{module}.ipynb"
                                 if assignment else None, module)
        for cell in nb.cells:
            if cell.cell_type in ("markdown", "raw"):
                shown_as_text(cell, trusted)
        return nb, resources

    def _course_root(self) -> Path:
        from nbgrader.coursedir import CourseDirectory

        return Path(CourseDirectory(config=self.config).root).resolve()

    def _grade(self, student: str, folder: Path, module: str, root: Path) -> SubmissionResult:
        from grader.batch import grade_nbgrader_module
        from grader.sandbox.client import SandboxUnavailable

        seed = os.environ.get(kit.SEED_VARIABLE) or kit.DEFAULT_SEED
        if seed == kit.DEFAULT_SEED:
            self.log.warning("calcgrade: the hidden checks use the public default seed; set $%s to the course's "
                             "secret seed", kit.SEED_VARIABLE)
        elif warning := kit.weak_seed_warning(seed):
            self.log.warning("calcgrade: %s", warning)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return grade_nbgrader_module(student, folder, module, _sandbox(self.unconfined, (root,)), seed)
        except SandboxUnavailable as error:
            if self.unconfined:  # even unconfined, too little is left here (an ordinary user without Landlock)
                raise RuntimeError(f"calcgrade: {error}") from error
            raise RuntimeError(f"calcgrade: {error}; student code would run unconfined. Autograde on a machine that "
                               "allows unprivileged user namespaces, or set c.TrustedChecks.unconfined = True to "
                               "accept that") from error


class FirstOfEachGradeId(Preprocessor):
    """Before nbgrader's own sanitising steps: of several cells with one `grade_id` (a test cell copied and pasted in
    Jupyter), the first keeps its nbgrader metadata and the others become plain cells. nbgrader's own steps reject
    such a notebook by raising out of the whole run, so one student's copied cell stopped autograde for everyone
    after them."""

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb: nbformat.NotebookNode, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        seen: set[str] = set()
        for cell in nb.cells:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if grade_id is None:
                continue
            if grade_id in seen:
                del cell.metadata["nbgrader"]
            seen.add(grade_id)
        return nb, resources


def not_graded_outputs(module: str) -> list[nbformat.NotebookNode]:
    """A test cell calcgrade does not grade: why, and 0 as the cell's value (nbgrader stores 0 points)."""
    text = (f"calcgrade grades no exercise of {module!r} in this cell under the course in force "
            "(an exercise the course drops, or a notebook that is not one of its modules): 0 points\n")
    return [nbformat.v4.new_output("stream", name="stdout", text=text),
            nbformat.v4.new_output("execute_result", data={"text/plain": "0"}, execution_count=1)]


def graded_outputs(result: ExerciseResult, notes: tuple[str, ...] = ()) -> list[nbformat.NotebookNode]:
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
        _sandboxes[key] = Sandbox(hidden=hidden, confinement="unconfined" if unconfined else "required")
        atexit.register(_sandboxes[key].close)
    return _sandboxes[key]
