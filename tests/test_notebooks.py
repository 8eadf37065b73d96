"""Notebooks without a kernel: generation from the single source, reading students' notebooks, the
in-kernel checks on a namespace as IPython leaves it, and the pictures. Fast; the end-to-end run with
nbgrader itself is in test_nbgrader.py.
"""

from __future__ import annotations

import copy
import csv
import json
import linecache
import os
import re
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

from grader import kit
from grader.batch import find_submissions
from grader.cli import main
from grader.curriculum import BY_KEY, EXERCISES, of_module
from grader.engine import grade_sources
from grader.nbgrader_course import LATEX, formula_blocks, grade_cell_ids, module_notebook, module_parts
from grader.notebook_checks import CheckFailed, check, grade_namespace
from grader.notebook_source import find_notebook, module_source, student_code
from grader.submission import read_sources


def _marks(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _release(notebook):
    """What `nbgrader generate_assignment` makes of a source notebook (solutions and hidden tests cleared)."""
    released = copy.deepcopy(notebook)
    for cell in released.cells:
        cell.source = re.sub(r"( *)### BEGIN SOLUTION.*?### END SOLUTION", r"\1raise NotImplementedError()",
                             cell.source, flags=re.S)
        cell.source = re.sub(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n", "", cell.source, flags=re.S)
    return released


# ----- generation ------------------------------------------------------------------------------------


def test_every_docstring_formula_is_typeset():
    for module in kit.MODULES:
        doc, parts = module_parts(module)
        for text in [doc, *(part.doc for part in parts if part.kind == "exercise")]:
            assert all(formula in LATEX for formula in formula_blocks(text)), module


@pytest.mark.parametrize("module", kit.MODULES)
def test_notebook_has_one_solution_and_one_graded_test_cell_per_exercise(module):
    notebook = module_notebook(module)
    cells = {cell.id: cell for cell in notebook.cells}
    solution_source = kit.solution_source(module)
    for exercise in of_module(module):
        solution = cells[exercise.function]
        assert _marks(solution) == {"grade": False, "grade_id": exercise.function, "locked": False,
                                    "schema_version": 3, "solution": True, "task": False}
        assert solution.source.startswith(f"def {exercise.function}(")
        assert solution.source in solution_source  # taken from solutions/, markers included
        assert "### BEGIN SOLUTION" in solution.source and "### END SOLUTION" in solution.source
        test = cells[grade_cell_ids(module)[exercise.key]]
        assert _marks(test)["grade"] is True and _marks(test)["locked"] is True
        assert _marks(test)["points"] == exercise.points
        hidden = re.search(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", test.source, re.S)
        assert hidden and hidden.group(1) == "hidden_checks = True\n"  # no input, no expected value
        assert f'check("{exercise.key}", hidden=hidden_checks)' in test.source
    assert sum(_marks(cell).get("points", 0) for cell in notebook.cells) == sum(e.points for e in of_module(module))
    given = cells["given"]
    assert _marks(given)["locked"] and "import numpy as np" in given.source
    assert any("$$" in cell.source for cell in notebook.cells if cell.cell_type == "markdown")


def test_the_course_is_worth_100_points_over_four_assignments(tmp_path):
    assert main(["nbgrader-course", str(tmp_path)]) == 0
    assert (tmp_path / "nbgrader_config.py").is_file()
    total = 0.0
    for module in kit.MODULES:
        notebook = nbformat.read(str(tmp_path / "source" / module / f"{module}.ipynb"), as_version=4)
        nbformat.validate(notebook)
        total += sum(_marks(cell).get("points", 0) for cell in notebook.cells)
    assert total == 100


def test_the_course_autogrades_without_a_kernel_and_an_old_config_is_warned_of(tmp_path, capsys):
    """Autograde must run no cell of a submitted notebook (`grader.nbgrader_autograde`): the config written says
    so; a course folder's own config that does not is kept, with a warning and the lines to add."""
    from grader.nbgrader_course import runs_no_kernel

    assert main(["nbgrader-course", str(tmp_path / "new")]) == 0
    assert runs_no_kernel(tmp_path / "new" / "nbgrader_config.py")
    assert "warning" not in capsys.readouterr().err
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "nbgrader_config.py").write_text("c = get_config()\n", encoding="utf-8")
    assert main(["nbgrader-course", str(tmp_path / "old")]) == 0
    warning = capsys.readouterr().err
    assert "runs every cell of a submitted notebook in a kernel" in warning
    assert "grader.nbgrader_autograde.TrustedChecks" in warning
    assert not runs_no_kernel(tmp_path / "old" / "nbgrader_config.py")


def test_the_course_folder_is_its_owners_alone_and_an_open_one_is_warned_of(tmp_path, capsys):
    """QA round 59, 06: the course folder (every reference solution in its source notebooks, nbgrader's gradebook
    later) was made readable by every account of a shared server."""
    import stat

    assert main(["nbgrader-course", str(tmp_path / "course")]) == 0
    assert stat.S_IMODE((tmp_path / "course").stat().st_mode) == 0o700
    assert "open to other accounts" not in capsys.readouterr().err
    (tmp_path / "open").mkdir(mode=0o755)
    (tmp_path / "open").chmod(0o755)
    assert main(["nbgrader-course", str(tmp_path / "open")]) == 0
    assert f"chmod 700 {tmp_path / 'open'}" in capsys.readouterr().err
    (tmp_path / "file").write_text("x")  # a folder that cannot be made: one line, not a traceback (QA round 59, 03)
    assert main(["nbgrader-course", str(tmp_path / "file" / "course")]) == 2
    assert "cannot write the course folder" in capsys.readouterr().err


def test_a_course_folder_made_under_a_course_file_is_not_written_again_under_another(tmp_path, capsys):
    """QA round 59, 10: a course made with `--course FILE`, written again without it, had its notebooks rewritten
    for the default course, silently, while its own calcgrade.toml (read by autograde and `calcgrade grade` there)
    still gave other points."""
    root = tmp_path / "course"
    assert main(["nbgrader-course", str(root)]) == 0
    (root / "calcgrade.toml").write_text('modules = ["linear_model"]\n', encoding="utf-8")
    before = (root / "source" / "linear_model" / "linear_model.ipynb").read_bytes()
    capsys.readouterr()
    assert main(["nbgrader-course", str(root)]) == 2
    error = capsys.readouterr().err
    assert f"--course {root / 'calcgrade.toml'} nbgrader-course {root}" in error
    assert (root / "source" / "linear_model" / "linear_model.ipynb").read_bytes() == before


# ----- student code from cells -------------------------------------------------------------------------


def test_student_code_keeps_definitions_and_drops_experiments():
    cell = ("import math\nSCALE = 2\nresult = undefined_name + 1\n\ndef double(x):\n    return SCALE * x\n\n"
            "print(double(3))\nfor i in range(3):\n    pass\nget_ipython().run_line_magic('time', 'double(1)')\n")
    code = student_code(cell)
    namespace: dict = {}
    exec(compile(code, "cell", "exec"), namespace)  # the failing assignment is guarded
    assert namespace["double"](4) == 8 and "print(" not in code and "get_ipython" not in code


@pytest.mark.parametrize("cell", [
    "%%time\ndef double(x):\n    return 2 * x\n",  # as saved in the notebook
    "get_ipython().run_cell_magic('time', '', 'def double(x):\\n    return 2 * x\\n')\n",  # as the kernel ran it
    "%matplotlib inline\nfiles = !ls\ndef double(x):\n    return 2 * x\n",
])
def test_magics_are_left_out_and_a_timed_cell_is_unwrapped(cell):
    namespace: dict = {}
    exec(compile(student_code(cell), "cell", "exec"), namespace)
    assert namespace["double"](4) == 8


def test_a_function_whose_code_names_no_cell_is_found_in_the_input_history():
    from grader.notebook_checks import defining_cells

    cell = _reference_cell("derivatives", "df_poly")
    namespace: dict = {"_ih": ["", cell, "print(1)"]}
    exec(compile(cell, "<timed exec>", "exec"), namespace)  # as under %%time: no linecache entry
    assert defining_cells("derivatives", namespace) == [cell]


def test_a_syntax_error_costs_only_the_functions_of_its_cell(sandbox):
    broken = "def df_poly(x):\n    return 3 * x**2 - 12 * x +\n"
    cells = [broken, *(_reference_cell("derivatives", e.function) for e in of_module("derivatives")
                       if e.function != "df_poly")]
    result = grade_sources({"derivatives": module_source("derivatives", cells)}, sandbox,
                           exercises=of_module("derivatives"))
    assert result.exercise("derivatives.df_poly").score == 0
    message = result.exercise("derivatives.df_poly").checks[0].student_message
    assert "syntax error" in message
    # said once, with the cell's line, and no line of the module the kit assembled around it (QA round 59, 11)
    assert message.count("syntax error") == 1 and "derivatives.py, line" not in message, message
    assert result.score == pytest.approx(sum(e.points for e in of_module("derivatives")) - 3)


def _reference_cell(module: str, function: str) -> str:
    return next(cell.source for cell in module_notebook(module).cells if cell.id == function)


# ----- calcgrade grade on notebooks --------------------------------------------------------------------


def _course_with(root: Path, students: dict[str, dict[str, object]]) -> Path:
    """An nbgrader-like course folder with the given notebooks under submitted/<student>/<module>/."""
    (root / "nbgrader_config.py").parent.mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text("c = get_config()\n")
    for student, notebooks in students.items():
        for module, notebook in notebooks.items():
            folder = root / "submitted" / student / module
            folder.mkdir(parents=True)
            nbformat.write(notebook, str(folder / f"{module}.ipynb"))
    return root


def test_nbgrader_layout_is_graded_from_the_solution_cells(tmp_path, sandbox):
    source = module_notebook("linear_model")
    release = _release(module_notebook("linear_model"))
    extra = nbformat.v4.new_code_cell("def sse(m, c, x, y):\n    return 0.0\n")  # not a solution cell
    release.cells.insert(0, extra)
    course = _course_with(tmp_path / "course", {"ann": {"linear_model": source}, "bo": {"linear_model": release}})
    assert [student for student, _ in find_submissions(course)] == ["ann", "bo"]
    assert find_submissions(course) == find_submissions(course / "submitted")
    scores = {}
    for student, folder in find_submissions(course):
        sources, unreadable = read_sources(folder)
        assert set(sources) == {"linear_model"} and not unreadable
        scores[student] = grade_sources(sources, sandbox, student=student, hidden=True, course_seed="t",
                                        exercises=of_module("linear_model")).score
    assert scores == {"ann": pytest.approx(25), "bo": 0}


def test_unreadable_notebooks_are_refused_with_a_reason(tmp_path):
    folder = tmp_path / "student" / "derivatives"
    folder.mkdir(parents=True)
    (folder / "derivatives.ipynb").write_text("{not json")
    (tmp_path / "elsewhere.ipynb").write_text("{}")
    (tmp_path / "student" / "linear_model.ipynb").symlink_to(tmp_path / "elsewhere.ipynb")
    sources, unreadable = read_sources(tmp_path / "student")
    assert not sources
    assert "not a readable notebook" in unreadable["derivatives"]
    assert "symbolic link" in unreadable["linear_model"]
    assert find_notebook(tmp_path / "student", "gradient_descent") is None


def test_cli_refuses_a_missing_gradebook(tmp_path, capsys):
    (tmp_path / "subs").mkdir()
    assert main(["grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out"),
                 "--nbgrader-db", str(tmp_path / "gradebook.db")]) == 2
    assert "no nbgrader gradebook" in capsys.readouterr().err


# ----- the in-kernel checks ----------------------------------------------------------------------------


def _kernel_namespace(cells: list[str]) -> dict:
    """Run cells as IPython does: each compiled under its own file name, its source kept in linecache."""
    namespace: dict = {"__name__": "__main__"}
    for number, cell in enumerate(cells):
        filename = f"/tmp/ipykernel_test/{abs(hash(cell))}_{number}.py"
        linecache.cache[filename] = (len(cell), None, cell.splitlines(keepends=True), filename)
        exec(compile(cell, filename, "exec"), namespace)
    return namespace


def test_check_grades_the_cells_that_defined_the_functions(capsys):
    notebook = module_notebook("derivatives")
    cells = [cell.source for cell in notebook.cells if cell.id == "given"]
    cells += [_reference_cell("derivatives", "df_poly") + "\n\nprint(df_poly(2.0))\n"]
    namespace = _kernel_namespace(cells)
    result = grade_namespace("derivatives.df_poly", namespace, hidden=True, student="s", course_seed="t")
    assert result.passed and result.score == BY_KEY["derivatives.df_poly"].points
    namespace["check"] = check
    exec("value = check('derivatives.df_poly')", namespace)
    assert namespace["value"] == BY_KEY["derivatives.df_poly"].points
    assert "all 3 public checks passed" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="not implemented yet"):
        exec("check('derivatives.df_wave')", namespace)  # never defined: the kit's stub stands in


def test_check_gives_partial_credit_and_hidden_feedback_without_values(capsys):
    exercise = BY_KEY["partial_derivatives.partial_derivative"]  # wrong on integer points only
    mistake = next(m for m in exercise.misconceptions if m.name == "integer point not copied as floats")
    cell = kit.replace_bodies(_reference_cell("partial_derivatives", "partial_derivative"),
                              {"partial_derivative": mistake.body})
    namespace = _kernel_namespace([cell])
    namespace["check"] = check
    exec("value = check('partial_derivatives.partial_derivative', hidden=True)", namespace)
    printed = capsys.readouterr().out
    assert 0 < namespace["value"] < exercise.points
    assert mistake.hint in printed and "(hidden input)" in printed
    hidden_part = printed[printed.index("(hidden input)"):]
    assert "call:" not in hidden_part and "expected:" not in hidden_part


def test_every_exercise_passes_from_its_reference_cell():
    for module in kit.MODULES:
        notebook = module_notebook(module)
        namespace = _kernel_namespace([cell.source for cell in notebook.cells
                                       if cell.id == "given" or _marks(cell).get("solution")])
        for exercise in of_module(module):
            result = grade_namespace(exercise.key, namespace, hidden=True, student="s", course_seed="t")
            assert result.passed, (exercise.key, [c.student_message for c in result.checks if not c.passed])
    assert len(EXERCISES) == 25


# ----- pictures ----------------------------------------------------------------------------------------


def test_pictures_draw_from_the_functions_and_draw_nothing_for_a_stub():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from grader import notebook_plots as plots

    lm, gd = kit.solution_module("linear_model"), kit.solution_module("gradient_descent")
    d, pd = kit.solution_module("derivatives"), kit.solution_module("partial_derivatives")
    figures = [
        plots.plot_derivative(d.f_wave, d.df_wave, d.numerical_derivative, d.tangent_line, show=False),
        plots.plot_gradient_field(pd.g, pd.gradient, show=False),
        plots.plot_error_profiles(lm.error_profile_slope, lm.error_profile_intercept, show=False),
        plots.plot_error_surface(lm.error_surface, lm.best_fit_on_grid, show=False),
        plots.plot_least_squares(lm.least_squares_fit, show=False),
        plots.plot_descent(gd.gradient_descent, show=False),
        plots.plot_starts(gd.f_nonconvex, gd.df_nonconvex, gd.descend_1d, gd.best_of_starts, show=False),
    ]
    path = figures[5].axes[0].lines[0].get_xydata()
    assert len(path) == 151 and tuple(path[0]) == (-0.5, 3.5)  # the path drawn is the function's
    plt.close("all")

    def stub(*args, **kwargs):
        raise NotImplementedError

    with pytest.raises(NotImplementedError):
        plots.plot_error_surface(stub, lm.best_fit_on_grid, show=False)
    assert not plt.get_fignums()  # no empty figure left behind


# ----- the nbgrader gradebook ----------------------------------------------------------------------------


def test_scores_go_into_a_gradebook_nbgrader_has_not_autograded(tmp_path, sandbox, monkeypatch):
    nbgrader_api = pytest.importorskip("nbgrader.api")
    from grader.nbgrader_gradebook import write_scores

    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")  # alembic
    database = tmp_path / "gradebook.db"
    with nbgrader_api.Gradebook(f"sqlite:///{database}") as gradebook:  # as generate_assignment leaves it
        gradebook.add_assignment("linear_model")
        gradebook.add_notebook("linear_model", "linear_model")
        for key, cell in grade_cell_ids("linear_model").items():
            gradebook.add_grade_cell(cell, "linear_model", "linear_model", max_score=BY_KEY[key].points,
                                     cell_type="code")
    mistake = BY_KEY["linear_model.sse"].misconceptions[0]
    source = kit.variant_source("linear_model", "sse", mistake.body)
    result = grade_sources({"linear_model": source}, sandbox, student="eve", hidden=True, course_seed="t")
    written = write_scores(database, [result], {"eve": ["linear_model", "derivatives"]})
    assert len(written.written) == len(of_module("linear_model"))
    assert any("no assignment 'derivatives'" in reason for reason in written.skipped)
    with nbgrader_api.Gradebook(f"sqlite:///{database}") as gradebook:
        for key, cell in grade_cell_ids("linear_model").items():
            grade = gradebook.find_grade(cell, "linear_model", "linear_model", "eve")
            assert grade.score == pytest.approx(result.exercise(key).score) and grade.auto_score is None
        submission = gradebook.find_submission("linear_model", "eve")
        assert submission.score == pytest.approx(sum(result.exercise(e.key).score for e in of_module("linear_model")))
        assert 0 < submission.score < submission.max_score


def test_a_submitted_module_the_run_did_not_grade_is_skipped_not_a_crash(tmp_path, monkeypatch):
    """`calcgrade grade` grades only the modules most submissions hold (by default): a notebook of another
    module is listed as submitted, but has no result to write; its gradebook scores stay as they were."""
    nbgrader_api = pytest.importorskip("nbgrader.api")
    from grader.nbgrader_gradebook import write_scores
    from grader.spec import SubmissionResult

    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")  # alembic
    database = tmp_path / "gradebook.db"
    with nbgrader_api.Gradebook(f"sqlite:///{database}") as gradebook:
        gradebook.add_assignment("derivatives")
    written = write_scores(database, [SubmissionResult("eve", ())], {"eve": ["derivatives"]})
    assert written.written == ()
    assert written.skipped == ("eve/derivatives: not graded in this run, so its gradebook scores are left as they "
                               "were (`--modules all` grades every module)",)


def test_check_without_the_kit_solutions_uses_a_student_bundles_data(tmp_path, monkeypatch):
    """Where students have the bundle's wheel (no solutions/), the public checks come from its data."""
    from grader import precomputed

    data = tmp_path / "public_checks.json"
    precomputed.write(data, precomputed.public_checks_data(of_module("derivatives")))
    notebook = module_notebook("derivatives")  # made where the kit is; the student only has the release
    right = _kernel_namespace([cell.source for cell in notebook.cells if cell.id in ("given", "dsigmoid")])
    mistake = next(m for m in BY_KEY["derivatives.dsigmoid"].misconceptions)
    wrong = _kernel_namespace([cell.source for cell in notebook.cells if cell.id == "given"]
                              + [kit.replace_bodies(_reference_cell("derivatives", "dsigmoid"),
                                                    {"dsigmoid": mistake.body})])
    monkeypatch.setattr(kit, "SOLUTIONS_DIR", tmp_path / "not-installed")
    monkeypatch.setenv(precomputed.ENV_VAR, str(data))
    assert grade_namespace("derivatives.dsigmoid", right).passed  # dsigmoid calls the given sigmoid
    failed = grade_namespace("derivatives.dsigmoid", wrong)
    assert failed.score == 0 and mistake.hint in failed.checks[0].student_message
    with pytest.raises(CheckFailed, match="hidden checks run only"):
        grade_namespace("derivatives.dsigmoid", right, hidden=True)


def test_the_kernel_never_draws_hidden_inputs_from_the_course_seed(monkeypatch, capsys):
    """Bug: the kernel's hidden checks drew from `$CALCGRADE_SEED`, which the notebook's own code can read
    (`nbgrader autograde` ran with it set): with the seed, a table of the hidden expected values scored full
    marks. The kernel never reads it now; its hidden checks use inputs drawn for the kernel alone."""
    from grader import engine
    from grader.engine import LIVE, plan

    exercise = BY_KEY["linear_model.sse"]
    # Hidden inputs depend on the submission's text too, so no table written into it can match them; that layer
    # is set aside here, to test the kernel's seed alone.
    monkeypatch.setattr(engine, "submission_digest", lambda sources: "")
    monkeypatch.setenv("CALCGRADE_SEED", "course-secret")
    monkeypatch.setenv("CALCGRADE_STUDENT", "eve")
    rows = []
    for p in plan([exercise], hidden=True, course_seed="course-secret", student="eve"):
        key = repr([np.asarray(arg, dtype=float).round(12).tolist() for arg in p.case.args])
        rows.append(f"    {key!r}: {float(LIVE.expectations(p)[0].value)!r},\n")
    cell = ("import numpy as np\n\nTABLE = {\n" + "".join(rows) + "}\n\n\ndef sse(m, c, x, y):\n"
            "    return TABLE.get(repr([np.asarray(a, dtype=float).round(12).tolist() for a in (m, c, x, y)]))\n")
    namespace = _kernel_namespace([_reference_cell("linear_model", "predict"), cell])
    with_the_seed = grade_namespace(exercise.key, namespace, hidden=True, course_seed="course-secret")
    assert with_the_seed.score == exercise.points  # the table is right wherever the course seed draws
    in_the_kernel = grade_namespace(exercise.key, namespace, hidden=True)
    assert in_the_kernel.score == 0
    assert not any(check.passed for check in in_the_kernel.checks if check.visibility == "hidden")
    namespace["check"] = check
    with pytest.raises(CheckFailed, match="provisional"):
        exec("check('linear_model.sse', hidden=True)", namespace)


# ----- hostile notebooks: the grader reads them within bounds ------------------------------------------


def _solution_notebook(*cells: str):
    """A notebook whose cells are all nbgrader solution cells."""
    notebook = nbformat.v4.new_notebook()
    for number, source in enumerate(cells):
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["nbgrader"] = {"solution": True, "grade": False, "locked": False, "grade_id": f"cell-{number}"}
        notebook.cells.append(cell)
    return notebook


PLUS_BOMB = "terms = " + " + ".join(["1"] * 100_000) + "\n"  # RecursionError in Python's parser


def test_a_cell_of_100k_terms_costs_only_the_functions_of_its_cell(sandbox, tmp_path):
    """Attack: one cell of 100k `+` terms raised RecursionError in the grader and ended the whole batch."""
    bomb = "def df_poly(x):\n    return 3 * x**2 - 12 * x\n\n" + PLUS_BOMB
    cells = [bomb, *(_reference_cell("derivatives", e.function) for e in of_module("derivatives")
                     if e.function != "df_poly")]
    nbformat.write(_solution_notebook(*cells), str(tmp_path / "derivatives.ipynb"))
    sources, unreadable = read_sources(tmp_path)
    assert not unreadable
    result = grade_sources(sources, sandbox, exercises=of_module("derivatives"))
    assert "nested too deeply" in result.exercise("derivatives.df_poly").checks[0].student_message
    assert result.score == pytest.approx(sum(e.points for e in of_module("derivatives")) - 3)


def test_a_529_kb_cell_of_functions_is_read_in_seconds(tmp_path):
    """Attack: a cell of thousands of `def`s took minutes (each statement's text was cut from a fresh split)."""
    cell = "".join(f"def helper_{number}(value):\n    return value + {number}\n" for number in range(12_000))
    assert len(cell) > 529_000
    path = tmp_path / "linear_model.ipynb"
    nbformat.write(_solution_notebook(cell), str(path))
    started = time.monotonic()
    sources, unreadable = read_sources(tmp_path)
    assert time.monotonic() - started < 10 and not unreadable
    assert "def helper_11999(value):\n    return value + 11999" in sources["linear_model"]


@pytest.mark.parametrize("cell", [
    "@staticmethod\n@property\ndef f(x):  # déjà vu: ünïcode\n    return 'ω' * 2\r\nclass A:\r\n    x = 1\r\n",
    "x = 1; y = 'é'; z = [\n  1,\n  2]\n\rdef g(): return 'π'\n",
])
def test_statements_are_cut_exactly_as_python_cuts_them(cell):
    import ast

    from grader.notebook_source import _LINE, _segment

    tree = ast.parse(cell)
    lines = _LINE.findall(cell)
    for node in tree.body:
        decorators = [f"@{ast.get_source_segment(cell, d)}" for d in getattr(node, "decorator_list", [])]
        assert _segment(lines, node) == "\n".join([*decorators, ast.get_source_segment(cell, node)])


def test_deeply_nested_huge_and_crowded_notebooks_are_refused_quickly(tmp_path):
    """Attacks: notebook JSON nested 200,000 deep, a notebook over 32 MiB, 100,000 cells (minutes in nbformat)."""
    for module in ("derivatives", "linear_model", "gradient_descent"):
        (tmp_path / module).mkdir()
    (tmp_path / "derivatives" / "derivatives.ipynb").write_text('{"cells": ' + "[" * 200_000 + "]" * 200_000 + "}")
    with open(tmp_path / "linear_model" / "linear_model.ipynb", "wb") as huge:
        huge.truncate(33 << 20)
    crowded = {**nbformat.v4.new_notebook(), "cells": [{"cell_type": "markdown", "id": f"c{number}", "metadata": {},
                                                        "source": "x"} for number in range(100_000)]}
    (tmp_path / "gradient_descent" / "gradient_descent.ipynb").write_text(json.dumps(crowded))
    started = time.monotonic()
    sources, unreadable = read_sources(tmp_path)
    assert time.monotonic() - started < 15 and not sources
    assert "not a readable notebook (RecursionError)" in unreadable["derivatives"]
    assert "larger than 32 MiB" in unreadable["linear_model"]
    assert "more than 5000 cells" in unreadable["gradient_descent"]



def test_the_cells_of_an_older_nbformats_worksheets_count_toward_the_limit(tmp_path):
    """Red team round 55, 03: the limit of cells was checked on a notebook's own `cells` list only, and nbformat 3
    keeps a notebook's cells in `worksheets[*].cells`, which nbformat joins when it reads it: 45,001 cells were
    accepted (and kept for `nbgrader autograde`, which reads, validates and writes them with no limit). Every
    worksheet's cells count, here two of 3,000; an nbformat 3 notebook within the limit is still read."""
    from grader.nbgrader_autograde import refuse_unreadable_notebooks
    from grader.notebook_source import read_notebook

    solution = {"cell_type": "code", "collapsed": False, "language": "python", "outputs": [], "prompt_number": 1,
                "input": "def predict(x, w, b):\n    return w * x + b\n",
                "metadata": {"nbgrader": {"solution": True, "grade": False, "grade_id": "predict", "locked": False,
                                          "schema_version": 3}}}

    def notebook_v3(*sheets: int) -> str:
        worksheets = [{"cells": [solution] + [{"cell_type": "markdown", "source": ""} for _ in range(size - 1)],
                       "metadata": {}} for size in sheets]
        return json.dumps({"metadata": {"name": ""}, "nbformat": 3, "nbformat_minor": 0, "worksheets": worksheets})

    path = tmp_path / "submitted" / "mallory" / "linear_model" / "linear_model.ipynb"
    path.parent.mkdir(parents=True)
    path.write_text(notebook_v3(3000, 3000))
    source, problem = read_notebook(path, "linear_model")
    assert source is None and problem == "linear_model.ipynb has more than 5000 cells: refused"
    kept = [str(path)]
    refuse_unreadable_notebooks(assignment="linear_model", student="mallory", notebooks=kept)
    assert kept == []
    path.write_text(notebook_v3(2, 3))
    source, problem = read_notebook(path, "linear_model")
    assert source is not None and "return w * x + b" in source and not problem

def test_a_notebook_that_cannot_be_read_in_time_is_refused(tmp_path, monkeypatch):
    from grader import notebook_source
    from grader.bounded import Bounds

    cell = "".join(f"def helper_{number}(value):\n    return value\n" for number in range(20_000))
    nbformat.write(_solution_notebook(cell), str(tmp_path / "linear_model.ipynb"))
    monkeypatch.setattr(notebook_source, "READING_BOUNDS", Bounds(seconds=0.05))
    sources, unreadable = read_sources(tmp_path)
    assert not sources and "took longer than 0.05 s: refused" in unreadable["linear_model"]


def test_a_cell_python_cannot_encode_costs_only_its_functions():
    code = student_code("def sse(m, c, x, y):\n    return '\ud800'\n")
    namespace: dict = {}
    exec(compile(code, "cell", "exec"), namespace)
    with pytest.raises(SyntaxError, match="not Python source"):
        namespace["sse"](1, 2, 3, 4)


def _gradebook_for(database: Path, module: str) -> None:
    """An nbgrader gradebook as `nbgrader generate_assignment` leaves it, through nbgrader's own API."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{database}") as gradebook:
        gradebook.add_assignment(module)
        gradebook.add_notebook(module, module)
        for key, cell in grade_cell_ids(module).items():
            gradebook.add_grade_cell(cell, module, module, max_score=BY_KEY[key].points, cell_type="code")


def test_a_hostile_notebook_costs_only_its_student_and_the_nbgrader_gradebook_is_written(tmp_path, monkeypatch):
    """Attack: the 100k-term cell ended `calcgrade grade` (no gradebook; --resume crashed again), so the
    faked autograde scores in nbgrader's gradebook stood. Now the batch ends and every score is written."""
    nbgrader_api = pytest.importorskip("nbgrader.api")
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")  # alembic
    module = "derivatives"
    honest = module_notebook(module)
    bomb = _solution_notebook(*(cell.source for cell in honest.cells if cell.metadata.get("nbgrader", {}).get(
        "solution")), PLUS_BOMB * 2)
    deep = '{"cells": ' + "[" * 100_000 + "]" * 100_000 + "}"
    course = _course_with(tmp_path / "course", {"ann": {module: honest}, "mallory": {module: bomb}})
    (course / "submitted" / "trudy" / module).mkdir(parents=True)
    (course / "submitted" / "trudy" / module / f"{module}.ipynb").write_text(deep)
    database = course / "gradebook.db"
    _gradebook_for(database, module)
    out = tmp_path / "out"
    command = ["grade", str(course), "--out", str(out), "--seed", "s", "--jobs", "1", "--no-progress"]
    assert main([*command, "--nbgrader-db", str(database)]) == 0
    total = sum(e.points for e in of_module(module))
    with open(out / "gradebook.csv", newline="") as stream:
        scores = {row["student_id"]: float(row["score"]) for row in csv.DictReader(stream)}
    assert scores == {"ann": pytest.approx(total), "mallory": pytest.approx(total), "trudy": 0}
    assert "not a readable notebook" in json.loads((out / "trudy" / "results.json").read_text())["output"]
    with nbgrader_api.Gradebook(f"sqlite:///{database}") as gradebook:
        for student, expected in scores.items():
            assert gradebook.find_submission(module, student).score == pytest.approx(expected)
    assert main([*command, "--resume"]) == 0  # and a resumed batch reads them all back


def test_an_nbgrader_course_grades_only_the_collected_notebook_of_each_module(tmp_path, sandbox):
    """Attack: a stub notebook with the solution as `linear_model.py` beside it (or as a copy in another
    assignment's folder, handed in after this one's deadline) scored full marks, in autograde and `calcgrade
    grade`: the folder's file-picking rules preferred the `.py`. Only `<module>/<module>.ipynb` counts now."""
    from grader.batch import grade_folder
    from grader.submission import read_nbgrader_submission

    stubs = _release(module_notebook("linear_model"))
    course = _course_with(tmp_path / "course", {"eve": {"linear_model": stubs, "derivatives": stubs}})
    folder = course / "submitted" / "eve"
    (folder / "linear_model" / "linear_model.py").write_text(kit.solution_source("linear_model"))
    (folder / "derivatives" / "linear_model.py").write_text(kit.solution_source("linear_model"))
    (folder / "linear_model.py").write_text(kit.solution_source("linear_model"))
    submission = read_nbgrader_submission(folder, ["linear_model", "gradient_descent"])
    assert set(submission.sources) == {"linear_model"} and not submission.unreadable  # not handed in: not read
    assert "NotImplementedError" in submission.sources["linear_model"]  # the notebook's stubs, not the .py
    result = grade_folder("eve", folder, sandbox, "t", ["linear_model"])
    assert result.score == 0


def test_the_modules_of_an_nbgrader_batch_are_those_nbgrader_collected(tmp_path):
    """Bug: `--modules auto` counted, in an nbgrader course, a stray `.py` beside a student's folders toward the
    majority that decides which modules are graded, though only `<module>/<module>.ipynb` is ever graded there:
    two students of three with a `derivatives.py` made everyone's grade out of `derivatives` too."""
    from grader.batch import batch_modules

    stubs = _release(module_notebook("linear_model"))
    course = _course_with(tmp_path / "course", {name: {"linear_model": stubs} for name in ("ann", "bob", "cy")})
    for name in ("ann", "bob"):
        (course / "submitted" / name / "derivatives.py").write_text(kit.solution_source("derivatives"))
    folders = [(name, course / "submitted" / name) for name in ("ann", "bob", "cy")]
    assert batch_modules(folders).modules == ("linear_model",)


def test_an_exercise_the_course_drops_gets_no_test_cell_and_a_test_cell_calcgrade_does_not_grade_earns_0(
        tmp_path, sandbox, monkeypatch):
    """Attack: under a course that drops an exercise, its test cell was still generated, autograde left it without
    output, and nbgrader gives such a cell full marks: a notebook of stubs earned its points."""
    from traitlets.config import Config

    from grader import nbgrader_autograde
    from grader.curriculum import BY_KEY as by_key

    monkeypatch.delitem(by_key, "linear_model.sse")  # the course in force drops it
    ids = [cell.id for cell in module_notebook("linear_model").cells]
    assert "sse" in ids and "test_sse" not in ids and "test_predict" in ids
    monkeypatch.undo()
    notebook = module_notebook("linear_model")
    foreign = nbformat.v4.new_code_cell("check('linear_model.sse')")
    foreign.metadata["nbgrader"] = {"grade": True, "grade_id": "test_extra", "locked": True, "points": 4,
                                    "schema_version": 3, "solution": False, "task": False}
    notebook.cells.append(foreign)
    course = _course_with(tmp_path / "course", {"ann": {"linear_model": module_notebook("linear_model")}})
    monkeypatch.setattr(nbgrader_autograde, "_sandbox", lambda *args: sandbox)
    config = Config()
    config.CourseDirectory.root = str(course)
    graded, _ = nbgrader_autograde.TrustedChecks(config=config).preprocess(
        notebook, {"nbgrader": {"student": "ann", "notebook": "linear_model"}})
    values = {cell.metadata["nbgrader"]["grade_id"]: cell.outputs[-1]["data"]["text/plain"]
              for cell in graded.cells if cell.metadata.get("nbgrader", {}).get("grade")
              and not cell.metadata["nbgrader"].get("solution")}
    assert values["test_extra"] == "0"
    assert all(float(value) > 0 for key, value in values.items() if key != "test_extra")


def test_a_notebooks_module_holds_one_definition_of_each_function_so_its_slips_are_repaired(sandbox):
    """The module graded from a notebook was the kit's stub followed by the cells: two definitions of every function
    the student wrote, and the repair search, which needs one, never ran on a notebook (same code in a `.py` was
    told the edit that repairs it). The stub's definition of a function the cells define again is left out."""
    cells = ["import numpy as np\ndef sse(m, c, x, y):\n    return float(np.sum((y - (m * x + c))**2)) + 1\n"]
    source = module_source("linear_model", cells)
    assert source.count("def sse(") == 1 and source.count("def predict(") == 1  # predict: the stub, kept
    result = grade_sources({"linear_model": source}, sandbox, student="s", hidden=True, course_seed="t",
                           exercises=of_module("linear_model"))
    failed = [check for check in result.exercise("linear_model.sse").checks if not check.passed]
    assert failed and all(check.diagnosis.startswith("repair") for check in failed), [c.diagnosis for c in failed]


def test_a_plain_folder_is_never_read_as_an_nbgrader_course_because_of_its_students_names(tmp_path, capsys):
    """Attack: a student folder named `submitted` (holding other students' ids with solution notebooks) beside one
    named `source` made a plain folder read as an nbgrader course: the gradebook held mallory's forgeries under
    alice's and an invented id, and the real students were dropped. A course needs its config, a regular file."""
    plain = tmp_path / "plain"
    for student in ("alice", "bob", "source", "gradebook.db", "nbgrader_config.py"):
        (plain / student).mkdir(parents=True)
    forged = plain / "submitted" / "alice" / "linear_model"
    forged.mkdir(parents=True)
    nbformat.write(module_notebook("linear_model"), str(forged / "linear_model.ipynb"))
    assert [student for student, _ in find_submissions(plain)] == [
        "alice", "bob", "gradebook.db", "nbgrader_config.py", "source", "submitted"]
    course = _course_with(tmp_path / "course", {"ann": {"linear_model": module_notebook("linear_model")}})
    assert [student for student, _ in find_submissions(course)] == ["ann"]
    assert main(["grade", str(course), "--out", str(tmp_path / "out"), "--seed", "t", "--no-progress",
                 "--modules", "linear_model"]) == 0
    assert "read as an nbgrader course" in capsys.readouterr().err
