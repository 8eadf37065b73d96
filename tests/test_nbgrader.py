"""The kit as an nbgrader course, end to end with the real nbgrader and a real kernel (no mocks).

One course is built once for the module (`calcgrade nbgrader-course`), its assignments generated,
and four students submit: the source notebooks (full marks), the untouched release (zero), the
release completed with the reference code except one known mistake and one stub per module (in
between), and a release that attacks whatever runs it (an IPython input transformer turns every test
cell into its full points; a cell and a solution cell leave a mark wherever they run and rewrite
another student's submission). `nbgrader autograde`, `generate_feedback` and `export` run as
subprocesses in the course folder, with the course seed in the environment: autograde runs no cell
(`grader.nbgrader_autograde`). Then `calcgrade grade` grades the same notebooks and writes its scores
into the gradebook. A student's own run of a notebook in a real kernel (a kernelspec that points at
this interpreter) draws the pictures and runs the in-kernel checks.
"""

from __future__ import annotations

import csv
import html
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import numpy as np
import pytest

from grader import course, kit
from grader.cli import main
from grader.curriculum import BY_KEY, DECLARED, of_module
from grader.curriculum.common import parent_call
from grader.engine import plan, submission_digest
from grader.gradescope import read_results
from grader.nbgrader_course import grade_cell_ids, jupyter_environment
from grader.notebook_source import submissions_root
from grader.plain import Given
from grader.submission import read_submission

NBGRADER = Path(sys.executable).parent / "nbgrader"
SEED = "nbgrader-test-seed"
FULL, ZERO, PARTIAL, TAMPER, BESIDE = "ada_full", "ben_zero", "cleo_partial", "dan_tamper", "fay_beside"
COPIED = "bea_copied"  # the source notebook with one test cell copied: graded before the others, in id order
# Per module: (exercise with a known mistake, that mistake, exercise left as the stub).
PARTIAL_PLAN = {
    "derivatives": ("df_wave", "dropped inner derivative of exp(−x²/2)", "tangent_line"),
    "partial_derivatives": ("partial_derivative", "integer point not copied as floats", "classify_critical_point"),
    "linear_model": ("sse", "mean instead of sum", "least_squares_fit"),
    "gradient_descent": ("gradient_descent", "sequential instead of simultaneous update", "best_of_starts"),
}
TAMPER_MODULE = "linear_model"
TAMPER_CELL = '''import re
from pathlib import Path
from IPython import get_ipython
from grader.curriculum import BY_KEY

Path(COURSE, "kernel-ran-a-cell").write_text("a cell of a submitted notebook ran")
for other in Path(COURSE, "submitted").glob("*/*/*.ipynb"):  # another student's submission, rewritten
    if "dan_tamper" not in str(other):
        other.write_text("{}")

def full_marks(lines):
    """Every test cell becomes its exercise's points; nothing is checked at all."""
    found = re.search(r'check\\("([\\w.]+)"', "".join(lines))
    return [f"{BY_KEY[found.group(1)].points}\\n"] if found else lines

get_ipython().input_transformers_post.append(full_marks)
'''
# Top-level code in a solution cell: kept out of the graded module, it must never run anywhere.
TAMPER_SOLUTION = '''
from pathlib import Path
Path(COURSE, "kernel-ran-a-solution-cell").write_text("a solution cell's statements ran")
'''

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(not NBGRADER.exists(), reason="nbgrader is not installed (pip install -e .[dev])")]


@dataclass(frozen=True)
class GradedCourse:
    root: Path
    nbgrader_export: dict[tuple[str, str], float]  # (student, assignment) -> score, before calcgrade
    final_export: dict[tuple[str, str], float]  # after `calcgrade grade --nbgrader-db`
    max_scores: dict[str, float]
    auto_scores: dict[tuple[str, str], float]  # (student, exercise key) -> nbgrader's autograde score
    calcgrade_output: Path
    feedback_totals: dict[tuple[str, str], float]  # (student, assignment) -> total in the feedback HTML, before
    tamper_feedback_after: float  # the tampering student's feedback total, regenerated after calcgrade
    submitted_bytes: dict[Path, bytes]  # every submitted notebook as it was handed in


def _environment(scratch: Path) -> dict[str, str]:
    """This interpreter's kernel first on JUPYTER_PATH; no user config, startup files or runtime files; the course
    seed, which autograde reads for its trusted grade (no kernel runs there)."""
    return {**jupyter_environment(scratch), "CALCGRADE_SEED": SEED}


def _nbgrader(root: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(NBGRADER), *args], cwd=root, env=env, capture_output=True, text=True, timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "[ERROR]" not in output and "| ERROR]" not in output, output
    return output


def _export(root: Path, env: dict[str, str], name: str) -> dict[tuple[str, str], float]:
    _nbgrader(root, env, "export", f"--to={name}")
    with (root / name).open(newline="") as handle:
        return {(row["student_id"], row["assignment"]): float(row["score"]) for row in csv.DictReader(handle)}


def _feedback_total(root: Path, student: str, module: str) -> float:
    """The total score at the top of nbgrader's feedback page ("Score: 11.0 / 25.0")."""
    page = (root / "feedback" / student / module / f"{module}.html").read_text(encoding="utf-8")
    found = re.search(r"Score: ([\d.]+) / [\d.]+", re.sub(r"<[^>]+>", "", page))
    assert found, f"no score in the feedback of {student}/{module}"
    return float(found.group(1))


def _submit(root: Path, student: str, module: str, notebook) -> None:
    folder = root / "submitted" / student / module
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, str(folder / f"{module}.ipynb"))


def _partial(module: str, source, release, plan: tuple[str, str, str] | None = None):
    """The release with the reference code in every solution cell but one known mistake and one stub."""
    mistaken, mistake_name, stubbed = plan or PARTIAL_PLAN[module]
    declared = next(exercise for exercise in DECLARED if exercise.key == f"{module}.{mistaken}")
    mistake = next(m for m in declared.misconceptions if m.name == mistake_name)
    reference = {cell.id: cell.source for cell in source.cells}
    for cell in release.cells:
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.id != stubbed:
            cell.source = reference[cell.id]
            if cell.id == mistaken:
                cell.source = kit.replace_bodies(cell.source, {mistaken: mistake.body})
    return release


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> GradedCourse:
    scratch = tmp_path_factory.mktemp("nbgrader")
    root = scratch / "course"
    env = _environment(scratch)
    assert main(["nbgrader-course", str(root)]) == 0
    # Each nbgrader command takes every assignment at once (its ids are globs): one start-up, not four.
    _nbgrader(root, env, "generate_assignment", "*")
    for module in kit.MODULES:
        assert (root / "release" / module / f"{module}.ipynb").is_file(), module
        source = nbformat.read(str(root / "source" / module / f"{module}.ipynb"), as_version=4)
        release_path = root / "release" / module / f"{module}.ipynb"
        _submit(root, FULL, module, source)
        _submit(root, ZERO, module, nbformat.read(str(release_path), as_version=4))
        _submit(root, PARTIAL, module, _partial(module, source, nbformat.read(str(release_path), as_version=4)))
        if module == TAMPER_MODULE:
            tampered = nbformat.read(str(release_path), as_version=4)
            course_line = f"COURSE = {str(root)!r}\n"
            tampered.cells.insert(0, nbformat.v4.new_code_cell(course_line + TAMPER_CELL))
            for cell in tampered.cells:
                if cell.metadata.get("nbgrader", {}).get("solution"):
                    cell.source = course_line + cell.source + TAMPER_SOLUTION
            _submit(root, TAMPER, module, tampered)
            # a stub notebook with the solution as a .py beside it, and in another assignment's folder
            _submit(root, BESIDE, module, nbformat.read(str(release_path), as_version=4))
            for folder in (root / "submitted" / BESIDE / module, root / "submitted" / BESIDE):
                (folder / f"{module}.py").write_text(kit.solution_source(module), encoding="utf-8")
            copied = nbformat.read(str(root / "source" / module / f"{module}.ipynb"), as_version=4)
            test = next(index for index, cell in enumerate(copied.cells) if cell.id == "test_sse")
            duplicate = nbformat.from_dict(dict(copied.cells[test]))
            duplicate["id"] = "test_sse-copy"
            copied.cells.insert(test + 1, duplicate)
            _submit(root, COPIED, module, copied)
    submitted_bytes = {path: path.read_bytes() for path in (root / "submitted").glob("*/*/*.ipynb")}
    _nbgrader(root, env, "autograde", "*")
    _nbgrader(root, env, "generate_feedback", "*")
    before = _export(root, env, "nbgrader_grades.csv")
    feedback_totals = {(student, module): _feedback_total(root, student, module) for student, module in before
                       if (root / "submitted" / student / module).is_dir()}

    from nbgrader.api import Gradebook

    auto_scores, max_scores = {}, {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        for module in kit.MODULES:
            max_scores[module] = gradebook.find_assignment(module).max_score
            for student in (FULL, ZERO, PARTIAL) + ((TAMPER,) if module == TAMPER_MODULE else ()):
                for key, cell in grade_cell_ids(module).items():
                    auto_scores[student, key] = gradebook.find_grade(cell, module, module, student).auto_score

    out = scratch / "calcgrade-out"
    assert main(["grade", str(root), "--out", str(out), "--seed", SEED, "--jobs", "2", "--no-progress",
                 "--modules", "all", "--nbgrader-db", str(root / "gradebook.db")]) == 0
    after = _export(root, env, "final_grades.csv")
    _nbgrader(root, env, "generate_feedback", TAMPER_MODULE, "--force")
    return GradedCourse(root, before, after, max_scores, auto_scores, out, feedback_totals,
                        _feedback_total(root, TAMPER, TAMPER_MODULE), submitted_bytes)


def _calcgrade(graded: GradedCourse, student: str):
    return read_results(graded.calcgrade_output / student / "results.json")


def test_nbgrader_export_gives_full_zero_and_partial_scores(graded):
    for module in kit.MODULES:
        total = graded.max_scores[module]
        assert total == sum(exercise.points for exercise in of_module(module))
        assert graded.nbgrader_export[FULL, module] == pytest.approx(total)
        assert graded.nbgrader_export[ZERO, module] == 0
        assert 0 < graded.nbgrader_export[PARTIAL, module] < total


def test_nbgrader_feedback_shows_the_exported_scores(graded):
    submitted = {key: score for key, score in graded.nbgrader_export.items() if key in graded.feedback_totals}
    assert len(submitted) == 3 * len(kit.MODULES) + 3  # and three more students of one module
    assert graded.feedback_totals == pytest.approx(submitted, abs=0.005)  # the page shows two decimals


def test_partial_credit_within_a_test_cell_reaches_nbgrader(graded):
    """A mistake that fails only some checks earns part of its cell's points in nbgrader too."""
    fractional = [key for (student, key), score in graded.auto_scores.items()
                  if student == PARTIAL and 0 < score < BY_KEY[key].points]
    assert fractional, graded.auto_scores


def test_calcgrade_gives_each_exercise_the_points_nbgrader_autograde_gives(graded):
    """Parity: on the same notebooks, per exercise, `calcgrade grade`'s score is nbgrader's autograde score, hidden
    checks included: both grade the same solution cells in the sandbox on the course seed's inputs."""
    for student in (FULL, ZERO, PARTIAL):
        result = _calcgrade(graded, student)
        for exercise in result.exercises:
            nbgrader_score = graded.auto_scores[student, exercise.exercise]
            assert exercise.score == pytest.approx(nbgrader_score, abs=1e-9), (student, exercise.exercise)
    assert _calcgrade(graded, FULL).score == pytest.approx(100)
    assert _calcgrade(graded, ZERO).score == 0


def test_a_notebook_that_attacks_its_kernel_runs_nowhere_and_earns_nothing(graded):
    """Attack: nbgrader's autograde ran every cell in a kernel as the instructor, with no walls: an input
    transformer printed full marks, and a cell could rewrite another student's submission, read the source
    notebooks and patch the kit that grades next. Autograde now runs no cell: the marks are the trusted ones."""
    assert not list(graded.root.glob("kernel-ran-*")), "a cell of a submitted notebook ran during autograde"
    for path, data in graded.submitted_bytes.items():
        assert path.read_bytes() == data, f"{path} was changed"
    honest = _calcgrade(graded, TAMPER)
    assert honest.score == 0  # the answers are the untouched stubs
    assert graded.nbgrader_export[TAMPER, TAMPER_MODULE] == 0
    assert graded.final_export[TAMPER, TAMPER_MODULE] == 0
    assert graded.feedback_totals[TAMPER, TAMPER_MODULE] == 0
    assert graded.tamper_feedback_after == 0
    # a copied test cell costs no one anything: autograde went on (it exits 0, above) and graded it in full
    assert graded.nbgrader_export[COPIED, TAMPER_MODULE] == pytest.approx(total := graded.max_scores[TAMPER_MODULE])
    assert total > 0
    # only the collected notebook is graded: a .py beside it, or elsewhere in the student's folder, never
    assert graded.nbgrader_export[BESIDE, TAMPER_MODULE] == 0
    assert _calcgrade(graded, BESIDE).score == 0
    for student in (FULL, ZERO, PARTIAL):
        by_module: dict[str, float] = {}
        for exercise in _calcgrade(graded, student).exercises:
            module = exercise.exercise.split(".")[0]
            by_module[module] = by_module.get(module, 0.0) + exercise.score
        for module, score in by_module.items():
            assert graded.final_export[student, module] == pytest.approx(score, abs=1e-6), (student, module)


def _hidden_numbers(root: Path, module: str, student: str, who: str | None = None) -> list[str]:
    """How each number of the student's hidden inputs (and expected values) would appear in feedback: those of
    the submission graded from the course folder `root` (hidden inputs depend on what it holds), but for the numbers
    another student's hold too (the kit's own: a hidden structure's step or learning rate). `who`: whose draws."""
    sources = read_submission(submissions_root(root) / student).sources
    texts = []
    others = set().union(*(_hidden_numbers(root, module, student, f"{student} ({number})") for number in range(16))) \
        if who is None else set()
    for planned in plan(of_module(module), hidden=True, course_seed=SEED, student=who or student,
                        submission=submission_digest(sources)):
        if planned.visibility != "hidden":
            continue
        reference = getattr(kit.solution_module(module), planned.exercise.function)
        values = [value for value in (*planned.case.args, *planned.case.kwargs.values(),
                                      parent_call(reference, planned.case)) if not isinstance(value, Given | str)]
        for value in values:
            for number in np.ravel(np.asarray(value, dtype=float)):
                digits = f"{abs(number):.10g}".replace(".", "").strip("0")
                # a non-trivial number (-0.5, the slope of a fit to a few integer points, is found in any text)
                if abs(number) > 1e-3 and number != round(number) and len(digits) > 2:
                    texts += [f"{number:.10g}", np.format_float_positional(number, precision=6)]
    return [text for text in texts if text not in others]


def test_feedback_for_hidden_failures_shows_no_hidden_inputs(graded):
    module, (mistaken, _, _) = "linear_model", PARTIAL_PLAN["linear_model"]
    html = (graded.root / "feedback" / PARTIAL / module / f"{module}.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)
    assert "(hidden)" in text or "hidden" in text
    assert f"linear_model.{mistaken}" in text and "checks failed" in text
    assert "hidden_checks = True" in text  # the hidden region is shown: it holds no data
    numbers = _hidden_numbers(graded.root, module, PARTIAL)
    assert numbers
    leaked = [number for number in numbers if number in text]
    assert not leaked, leaked
    # The same search finds the public inputs, which the feedback does show: the check can see a leak.
    public = [p for p in plan([BY_KEY[f"{module}.{mistaken}"]], hidden=False) if p.visibility == "public"]
    shown = [f"{value:.10g}" for p in public for value in p.case.args if isinstance(value, float)]
    assert any(number in text for number in shown), shown


def test_generated_notebooks_are_what_the_kit_generates(graded, tmp_path):
    """Single source: regenerating gives the same source notebooks, byte for byte."""
    assert main(["nbgrader-course", str(tmp_path)]) == 0
    for module in kit.MODULES:
        relative = Path("source") / module / f"{module}.ipynb"
        assert (tmp_path / relative).read_bytes() == (graded.root / relative).read_bytes()


def test_autograde_runs_no_cell_and_fills_every_test_cell_with_calcgrades_grade(graded):
    for module in kit.MODULES:
        tests = set(grade_cell_ids(module).values())
        for student in (FULL, ZERO, PARTIAL):
            notebook = nbformat.read(str(graded.root / "autograded" / student / module / f"{module}.ipynb"), 4)
            for cell in notebook.cells:
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                if cell.cell_type != "code":
                    continue
                if grade_id in tests:
                    assert [output.output_type for output in cell.outputs] == ["stream", "execute_result"]
                    assert "graded by calcgrade" in cell.outputs[0].text
                else:
                    assert not cell.outputs, (student, module, cell.id)


def test_a_students_own_kernel_draws_the_pictures_and_runs_the_checks(graded, tmp_path):
    """The student's side: the notebook run in a real kernel (nbconvert, as Jupyter runs it) draws every picture
    from the student's functions, and each test cell's in-kernel check passes for the reference code."""
    module = "gradient_descent"
    notebook = tmp_path / f"{module}.ipynb"
    shutil.copyfile(graded.root / "source" / module / f"{module}.ipynb", notebook)
    env = {key: value for key, value in _environment(tmp_path).items() if key != "CALCGRADE_SEED"}
    done = subprocess.run([str(Path(sys.executable).parent / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
                           "--inplace", str(notebook)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    ran = nbformat.read(str(notebook), 4)
    pictures = [[output.output_type for output in cell.outputs] for cell in ran.cells if cell.id.startswith("picture_")]
    assert pictures and all("display_data" in outputs for outputs in pictures), pictures
    tests = set(grade_cell_ids(module).values())
    for cell in ran.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") in tests:
            assert "checks passed" in "".join(output.get("text", "") for output in cell.outputs), cell.id


def test_calcgrade_grade_reads_only_solution_cells(graded, tmp_path):
    """A notebook's other cells (here the tampering one) never reach the graded module."""
    from grader.submission import read_sources

    folder = tmp_path / TAMPER
    shutil.copytree(graded.root / "submitted" / TAMPER, folder)
    sources, unreadable = read_sources(folder)
    assert set(sources) == {TAMPER_MODULE} and not unreadable
    assert "input_transformers_post" not in sources[TAMPER_MODULE]


# ----- the fifth module, in a course that uses it ---------------------------------------------------

FIVE_MODULES = kit.KIT_ROOT / "courses" / "five_modules.toml"
FIFTH = "neural_network"
FIFTH_PLAN = ("dloss_dw", "sigmoid derivative σ(z)·(1 − z)", "steps_to_escape")


@dataclass(frozen=True)
class FifthModuleCourse:
    root: Path
    points: dict[str, float]  # exercise key -> its points in the five-module course
    nbgrader_export: dict[tuple[str, str], float]
    auto_scores: dict[tuple[str, str], float]
    final_export: dict[tuple[str, str], float]
    calcgrade_output: Path


@pytest.fixture(scope="module")
def fifth_module(tmp_path_factory) -> FifthModuleCourse:
    """`calcgrade --course courses/five_modules.toml nbgrader-course`, then nbgrader as an instructor runs it on
    neural_network only: the reference notebook (submitted without the release's other files) and the release
    completed with one known mistake and one stub; then `calcgrade grade --nbgrader-db` in the course folder."""
    scratch = tmp_path_factory.mktemp("nbgrader-fifth")
    root = scratch / "course"
    env = {key: value for key, value in _environment(scratch).items() if key != course.ENV_VAR}

    def calcgrade(*args: str, cwd: Path) -> None:
        done = subprocess.run([sys.executable, "-m", "grader.cli", *args], cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr

    calcgrade("--course", str(FIVE_MODULES), "nbgrader-course", str(root), cwd=scratch)
    _nbgrader(root, env, "generate_assignment", FIFTH)
    source = nbformat.read(str(root / "source" / FIFTH / f"{FIFTH}.ipynb"), as_version=4)
    release = root / "release" / FIFTH
    _submit(root, FULL, FIFTH, source)
    shutil.copytree(release, root / "submitted" / PARTIAL / FIFTH)  # what a student hands in: the release's files
    _submit(root, PARTIAL, FIFTH, _partial(FIFTH, source, nbformat.read(str(release / f"{FIFTH}.ipynb"), 4),
                                           FIFTH_PLAN))
    _nbgrader(root, env, "autograde", FIFTH)
    _nbgrader(root, env, "generate_feedback", FIFTH)
    before = _export(root, env, "nbgrader_grades.csv")

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        auto_scores = {(student, key): gradebook.find_grade(cell, FIFTH, FIFTH, student).auto_score
                       for student in (FULL, PARTIAL) for key, cell in grade_cell_ids(FIFTH).items()}
    out = scratch / "calcgrade-out"  # run in the course folder: its calcgrade.toml sets the course
    calcgrade("grade", ".", "--out", str(out), "--seed", SEED, "--jobs", "2", "--no-progress", "--nbgrader-db",
              "gradebook.db", cwd=root)
    five = course.read(FIVE_MODULES)
    points = {e.key: e.points for e in course.apply(five, DECLARED, course.course_modules(five, kit.ALL_MODULES,
                                                                                          kit.CORE_MODULES))}
    return FifthModuleCourse(root, points, before, auto_scores, _export(root, env, "final_grades.csv"), out)


def test_the_course_file_goes_with_the_fifth_modules_notebook_and_autograde_restores_it(fifth_module):
    """The kernel reads the course beside the notebook: released with it, put back by autograde."""
    wanted = FIVE_MODULES.read_text(encoding="utf-8")
    for folder in (fifth_module.root, fifth_module.root / "source" / FIFTH, fifth_module.root / "release" / FIFTH,
                   fifth_module.root / "autograded" / FULL / FIFTH):
        assert (folder / course.FILE_NAME).read_text(encoding="utf-8") == wanted, folder


def test_nbgrader_autograde_scores_the_fifth_module_with_the_courses_points(fifth_module):
    total = sum(points for key, points in fifth_module.points.items() if key.startswith(f"{FIFTH}."))
    assert total == pytest.approx(20)
    assert fifth_module.nbgrader_export[FULL, FIFTH] == pytest.approx(total)
    mistaken, _, stubbed = (f"{FIFTH}.{function}" for function in FIFTH_PLAN)
    for key in grade_cell_ids(FIFTH):
        assert fifth_module.auto_scores[FULL, key] == pytest.approx(fifth_module.points[key]), key
    assert fifth_module.auto_scores[PARTIAL, stubbed] == 0
    assert fifth_module.auto_scores[PARTIAL, mistaken] < fifth_module.points[mistaken]
    assert 0 < fifth_module.nbgrader_export[PARTIAL, FIFTH] < total


def test_the_fifth_modules_feedback_names_the_mistake(fifth_module):
    hint = next(m.hint for m in next(e for e in DECLARED if e.key == f"{FIFTH}.{FIFTH_PLAN[0]}").misconceptions
                if m.name == FIFTH_PLAN[1])
    page = (fifth_module.root / "feedback" / PARTIAL / FIFTH / f"{FIFTH}.html").read_text(encoding="utf-8")
    assert hint in html.unescape(re.sub(r"<[^>]+>", "", page))
    assert _feedback_total(fifth_module.root, PARTIAL, FIFTH) == pytest.approx(
        fifth_module.nbgrader_export[PARTIAL, FIFTH], abs=0.005)


def test_calcgrade_writes_the_fifth_modules_scores_into_the_gradebook(fifth_module):
    for student in (FULL, PARTIAL):
        result = read_results(fifth_module.calcgrade_output / student / "results.json")
        assert {e.exercise for e in result.exercises} == set(grade_cell_ids(FIFTH))
        assert fifth_module.final_export[student, FIFTH] == pytest.approx(result.score, abs=1e-6)
    assert fifth_module.final_export[FULL, FIFTH] == pytest.approx(20)


def _bloated(notebook) -> str:
    from grader.notebook_source import MAX_CELLS

    notebook.cells += [nbformat.v4.new_markdown_cell("") for _ in range(MAX_CELLS + 1000)]
    return "cells: refused"


def _schema_too_new(notebook) -> str:
    cell = nbformat.v4.new_markdown_cell("a note")
    cell.metadata["nbgrader"] = {"schema_version": 99}
    notebook.cells.append(cell)
    return "another schema version than this nbgrader's (99, not 3)"


def _schema_too_new_behind_an_invalid_copy(notebook) -> str:
    """Red team round 55, 04: nbgrader's validator stops at the first invalid cell, here a copy of the first cell
    with invalid metadata (which nbgrader drops later, as a copy of a `grade_id`), so the schema-99 cell behind it
    went unseen and ended the run."""
    copied = nbformat.from_dict(notebook.cells[0])
    copied.metadata["nbgrader"]["grade"] = "not a boolean"
    copied.pop("id", None)
    newer = nbformat.v4.new_markdown_cell("hi")
    newer.metadata["nbgrader"] = {"schema_version": 99}
    notebook.cells[1:1] = [copied, newer]
    return "cell 3's nbgrader metadata is of another schema version than this nbgrader's (99, not 3)"


def _metadata_bloated(notebook) -> str:
    from grader.notebook_source import MAX_JSON_PARTS

    notebook.cells[0].metadata["notes"] = [{"a": 1} for _ in range(MAX_JSON_PARTS)]
    return "JSON objects and arrays (in its cells' metadata, outputs or attachments): refused"


@pytest.mark.parametrize("refused", [_bloated, _schema_too_new, _schema_too_new_behind_an_invalid_copy,
                                     _metadata_bloated])
def test_a_notebook_calcgrade_refuses_is_left_out_before_nbgrader_reads_it(tmp_path, refused):
    """Attack (red team): a notebook of 100,000 empty cells held `nbgrader autograde` 47 s and 660 MB (400,000: 181 s
    and 2.1 GB) in the instructor's process, before calcgrade's bounded reader refused it, for every student after
    it; a Markdown cell with nbgrader metadata of schema version 99 (round 34, 01) made nbgrader's own metadata
    check end the run, and every student after it went ungraded; a million tiny objects in one cell's metadata
    (round 34, 02), read by calcgrade in 5 s, held nbgrader 77 s and 2.65 GiB. The course's pre-convert hook leaves
    such a notebook out (here 6,000 cells, over the limit of cells; every cell's nbgrader schema version checked;
    more JSON objects and arrays than the limit): the run goes on, the honest student, graded after, is graded in
    full, and the refused file is left as it was. nbgrader reports that student's submission as an error ("No
    notebooks found") and exits 1, as it does for any submission it cannot grade."""
    first = "aaa_refused"  # nbgrader grades in order of student id: the honest student comes after
    root = tmp_path / "course"
    env = _environment(tmp_path)
    assert main(["nbgrader-course", str(root)]) == 0
    _nbgrader(root, env, "generate_assignment", TAMPER_MODULE)
    source = nbformat.read(str(root / "source" / TAMPER_MODULE / f"{TAMPER_MODULE}.ipynb"), as_version=4)
    _submit(root, FULL, TAMPER_MODULE, source)
    notebook = nbformat.read(str(root / "release" / TAMPER_MODULE / f"{TAMPER_MODULE}.ipynb"), as_version=4)
    why = refused(notebook)
    _submit(root, first, TAMPER_MODULE, notebook)
    path = root / "submitted" / first / TAMPER_MODULE / f"{TAMPER_MODULE}.ipynb"
    before = path.read_bytes()
    done = subprocess.run([str(NBGRADER), "autograde", TAMPER_MODULE], cwd=root, env=env, capture_output=True,
                          text=True, timeout=600)
    output = done.stdout + done.stderr
    assert f"{first}: {TAMPER_MODULE}: not autograded" in output and why in output, output
    assert f"error processing assignment: {root / 'submitted' / first / TAMPER_MODULE}" in output, output
    assert f"submitted/{FULL}/{TAMPER_MODULE}\n" not in output.replace("\r", ""), output
    assert not (root / "autograded" / first / TAMPER_MODULE / f"{TAMPER_MODULE}.ipynb").exists()
    assert path.read_bytes() == before
    scores = _export(root, env, "grades.csv")
    assert scores[FULL, TAMPER_MODULE] == pytest.approx(sum(exercise.points for exercise in of_module(TAMPER_MODULE)))



@pytest.mark.parametrize("version", [99, 2, "3", None, True])
def test_every_cells_nbgrader_schema_version_is_checked_behind_an_invalid_cell(version):
    """Red team round 55, 04: the check stopped at the first cell nbgrader's validator found invalid, so a cell of
    another schema version behind it was kept, and nbgrader's own check of it ended the whole autograde run."""
    from grader.nbgrader_autograde import _schema_mismatch_unbounded

    invalid = nbformat.v4.new_code_cell("x = 1")
    invalid.metadata["nbgrader"] = {"schema_version": 3, "grade": "not a boolean", "grade_id": "copy"}
    other = nbformat.v4.new_markdown_cell("hi")
    other.metadata["nbgrader"] = {} if version is None else {"schema_version": version}
    notebook = nbformat.v4.new_notebook(cells=[invalid, nbformat.v4.new_markdown_cell("text"), other])
    why = _schema_mismatch_unbounded(nbformat.writes(notebook).encode())
    assert why.startswith("cell 3's nbgrader metadata is of another schema version") and why.endswith("refused")
    other.metadata["nbgrader"]["schema_version"] = 3
    assert _schema_mismatch_unbounded(nbformat.writes(notebook).encode()) == ""

FORMGRADER_PAGE = """
import sys
from nbconvert.exporters import HTMLExporter
from nbgrader.apps import NbGrader
from nbgrader.server_extensions.formgrader import handlers
app = NbGrader()
app.load_config_file()
config = app.config
config.HTMLExporter.template_name = "formgrade"
config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
resources = dict(assignment_id=sys.argv[2], notebook_id=sys.argv[2], submission_id="1", index=0, total=1, base_url="",
                 student="s", last_name=None, first_name=None, notebook_path="x")
sys.stdout.write(HTMLExporter(config=config).from_filename(sys.argv[1], resources=resources)[0])
"""


def test_a_students_html_reaches_the_formgraders_page_as_text(tmp_path):
    """Red team round 34, 03: a Markdown cell `<img src=x onerror=...>` went into the autograded notebook as handed
    in, and nbgrader's formgrader shows that notebook to the instructor with Markdown's HTML (and a raw cell) as
    written, on the Jupyter server's origin: a script with the instructor's session. Every Markdown or raw cell
    whose text is not one of the course's own is plain text there; the course's cells are as written, and the
    submitted file is left as it was. Rendered as the formgrader's submission page renders it."""
    from html.parser import HTMLParser

    root = tmp_path / "course"
    env = _environment(tmp_path)
    assert main(["nbgrader-course", str(root)]) == 0
    _nbgrader(root, env, "generate_assignment", TAMPER_MODULE)
    notebook = nbformat.read(str(root / "source" / TAMPER_MODULE / f"{TAMPER_MODULE}.ipynb"), as_version=4)
    course_texts = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    notebook.cells.append(nbformat.v4.new_markdown_cell('My notes.\n\n<img src="x" onerror="fetch(\'/api\')">'))
    notebook.cells.append(nbformat.v4.new_raw_cell('<script>fetch("/api")</script>'))
    _submit(root, FULL, TAMPER_MODULE, notebook)
    submitted = root / "submitted" / FULL / TAMPER_MODULE / f"{TAMPER_MODULE}.ipynb"
    before = submitted.read_bytes()
    _nbgrader(root, env, "autograde", TAMPER_MODULE)
    autograded = root / "autograded" / FULL / TAMPER_MODULE / f"{TAMPER_MODULE}.ipynb"
    graded = nbformat.read(str(autograded), as_version=4)
    assert [cell.source for cell in graded.cells if cell.cell_type == "markdown"][:len(course_texts)] == course_texts
    assert submitted.read_bytes() == before
    page = subprocess.run([sys.executable, "-c", FORMGRADER_PAGE, str(autograded), TAMPER_MODULE], cwd=root,
                          env=env, capture_output=True, text=True, timeout=300)
    assert page.returncode == 0, page.stderr

    class Elements(HTMLParser):
        handlers: list[str] = []
        scripts: list[str] = []
        in_script = False

        def handle_starttag(self, tag, attrs):
            self.handlers += [value or "" for name, value in attrs if name.startswith("on")]
            self.in_script = tag == "script"

        def handle_data(self, data):
            if self.in_script:
                self.scripts.append(data)

    elements = Elements()
    elements.feed(page.stdout)
    assert "My notes." in page.stdout and "onerror" in page.stdout  # shown, as text
    assert not any("fetch(" in value for value in elements.handlers)
    assert not any('fetch("/api")' in script for script in elements.scripts)
    scores = _export(root, env, "grades.csv")
    assert scores[FULL, TAMPER_MODULE] == pytest.approx(sum(exercise.points for exercise in of_module(TAMPER_MODULE)))

@pytest.mark.parametrize("text", [
    "My plots are [here](javascript:fetch('/formgrader/api/submissions').then(alert))",
    "![pixel](https://tracker.example/p.png)\n\n<https://tracker.example/x>",
    "[a]: javascript:alert(1)\n\n[click][a]\n```\n<img src=x onerror=alert(1)>\n```",
    "x\r[r](javascript:alert(1))\r\n\n\t![i](https://e.example/i.png)\n    ````\n\n[z](javascript:z)",
    "\n\n<script>alert(1)</script>\n\n---\n# title\n> [q](javascript:q)\n\n$$x$$",
])
def test_a_students_markdown_renders_no_link_or_image_in_formgrader(text):
    """Red team round 55, 05: with its HTML escaped, a student's Markdown cell kept Markdown's own links and images,
    and formgrader renders the autograded notebook's Markdown (nbconvert's `markdown2html`): `[here](javascript:...)`
    became a link on the Jupyter server's origin, one click from the instructor's session, and a remote image loaded.
    The text is now a code block: rendered, it holds no element of the student's, and reads as written."""
    from nbconvert.filters.markdown import markdown2html

    from grader.nbgrader_autograde import shown_as_text

    for cell in (nbformat.v4.new_markdown_cell(text), nbformat.v4.new_raw_cell(text)):
        shown_as_text(cell, frozenset())
        rendered = markdown2html(cell.source)
        assert cell.cell_type == "markdown"
        assert rendered.startswith("<pre><code>") and rendered.count("<") == 4, rendered  # <pre><code>...</code></pre>
        assert "<a" not in rendered and "<img" not in rendered and 'href="javascript:' not in rendered
        shown = html.unescape(rendered.removeprefix("<pre><code>").removesuffix("</code></pre>\n"))
        assert shown == re.sub(r"\r\n?", "\n", text).strip("\n")


def test_nbgrader_from_a_virtual_environment_not_activated_opens_its_gradebook(tmp_path):
    """Bug: nbgrader opens its gradebook by running the command `alembic` found on PATH, so an instructor who ran
    the venv's `nbgrader` without activating the venv got "error processing assignment" from `generate_assignment`
    (FileNotFoundError, or PermissionError where PATH holds a folder the user cannot read). The course's config puts
    the scripts folder of the Python running nbgrader first on PATH; nothing of the venv is on PATH here."""
    root = tmp_path / "course"
    env = {**_environment(tmp_path), "PATH": "/usr/bin:/bin"}
    assert main(["nbgrader-course", str(root)]) == 0
    _nbgrader(root, env, "generate_assignment", TAMPER_MODULE)
    assert (root / "release" / TAMPER_MODULE / f"{TAMPER_MODULE}.ipynb").is_file()
