"""The authoring path: `calcgrade check-exercises`, the course file, and the fifth module added through them."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from grader import course, exercise_check, kit
from grader.compare import Tolerance
from grader.curriculum import DECLARED, declared_of_module
from grader.curriculum.common import by_sympy
from grader.spec import Case, Check

CALCGRADE = [sys.executable, "-m", "grader.cli"]
FIVE_MODULES = kit.KIT_ROOT / "courses" / "five_modules.toml"


def _declared(key: str):
    return next(exercise for exercise in DECLARED if exercise.key == key)


# ----- check-exercises ----------------------------------------------------------------------------


@pytest.mark.parametrize("module", kit.ALL_MODULES)
def test_check_exercises_passes_on_every_module_of_the_kit(sandbox, module):
    reports = exercise_check.check_module(module, DECLARED, sandbox)
    assert [problem for report in reports for problem in report.problems] == []
    assert len(reports) == 1 + len(declared_of_module(module))


def test_a_known_mistake_that_earns_full_marks_is_reported(sandbox):
    """A "mistake" whose body is a correct form (here an alternative) cannot be told from the solution."""
    declared = _declared("neural_network.dloss_db")
    not_a_mistake = dataclasses.replace(declared.misconceptions[0], name="not really wrong",
                                        body=declared.alternatives[0])
    broken = dataclasses.replace(declared, misconceptions=(not_a_mistake,))
    problems = exercise_check.grading_problems(broken, sandbox)
    assert problems == ["neural_network.dloss_db: known mistake 'not really wrong' earns full marks: no check tells "
                        "it from the solution (add a check whose inputs expose it, or remove the mistake)"]


def test_checks_that_all_expect_one_label_are_reported(sandbox):
    """The classification checked on minima only: the constant 'minimum' passes every check, and the scoring
    rule for one answer everywhere cannot turn it down, since it is right everywhere."""
    declared = _declared("partial_derivatives.classify_critical_point")
    minima_only = dataclasses.replace(declared, checks=tuple(c for c in declared.checks if c.label == "a minimum"))
    problems = exercise_check.impostor_problems(minima_only, sandbox)
    assert [p for p in problems if "for every input" in p] == [
        "partial_derivatives.classify_critical_point: the impostor answering 'minimum' for every input passes "
        "'partial_derivatives.classify_critical_point: a minimum', 'partial_derivatives.classify_critical_point: a "
        "minimum (hidden)': every check expects that answer (give the checks inputs whose answers differ)"]


def test_an_impostor_that_passes_is_reported(sandbox):
    """An expectation far too loose lets the constant answers, the negated and the scaled reference through."""
    declared = _declared("neural_network.neuron")
    loose = by_sympy(lambda w, b, x: 1 / (1 + np.exp(-(w * np.asarray(x, dtype=float) + b))),
                     Tolerance(rtol=1.0, atol=5.0), "SymPy, loosely")
    problems = exercise_check.impostor_problems(dataclasses.replace(declared, expect=(loose,)), sandbox)
    assert any(p.startswith("neural_network.neuron: the impostor answering the constant 0 passes ")
               and "'neural_network.neuron: floats" in p for p in problems), problems
    assert any("the reference doubled passes" in p for p in problems)
    assert all("cannot tell it from a correct function" in p for p in problems)


def test_a_docstring_that_does_not_match_the_checks_is_reported():
    declared = _declared("neural_network.neuron")
    sends_lists = Check("weights as lists", lambda rng: Case(([1.0], 0.5, np.linspace(-1, 1, 4))))
    problems = exercise_check.docstring_problems(dataclasses.replace(declared, checks=(sends_lists,)))
    assert problems == ["neural_network.neuron: check 'weights as lists' sends w as list, but the docstring says "
                        "w: 'the weight (a number).' (name it with one of: list, sequence)"]


def test_a_contract_difference_is_reported():
    source = kit.solution_source("neural_network").replace("def neuron(w, b, x):", "def neuron(w, b, x, h=0.1):")
    from grader.contract import differences

    assert differences("neural_network", source, "neural_network.py") == [
        "neural_network.py: neuron(w, b, x, h=0.1) should be neuron(w, b, x)"]


def test_the_impostors_change_only_the_answer():
    loaded = kit.load_trusted_module("impostor", exercise_check.impostor_source(
        "neural_network", "per_weight_steps", exercise_check.IMPOSTORS["the reference negated"]), "<impostor>")
    reference = kit.solution_module("neural_network")
    x, y = np.linspace(-2, 2, 5), np.array([0.0, 0.0, 1.0, 1.0, 1.0])
    np.testing.assert_allclose(loaded.per_weight_steps(0.3, -0.2, x, y, 0.1),
                               -reference.per_weight_steps(0.3, -0.2, x, y, 0.1))


def test_the_command_exits_1_with_the_problem_and_0_when_sound(tmp_path):
    completed = subprocess.run([*CALCGRADE, "check-exercises", "neural_network"], capture_output=True, text=True,
                               timeout=600, cwd=tmp_path)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "every declaration checked is sound" in completed.stdout
    unknown = subprocess.run([*CALCGRADE, "check-exercises", "no_such_module"], capture_output=True, text=True,
                             timeout=120, cwd=tmp_path)
    assert unknown.returncode == 2 and "unknown module(s) no_such_module" in unknown.stderr


# ----- the course file -----------------------------------------------------------------------------


def test_module_points_scale_exactly_and_exercise_points_are_kept():
    chosen = course.Course(Path("c.toml"), ("gradient_descent", "neural_network"), ("neural_network.steps_to_escape",),
                           {"neural_network": 10, "gradient_descent.gradient_step": 6})
    modules = course.course_modules(chosen, kit.ALL_MODULES, kit.CORE_MODULES)
    exercises = course.apply(chosen, DECLARED, modules)
    points = {e.key: e.points for e in exercises}
    assert "neural_network.steps_to_escape" not in points
    assert sum(p for k, p in points.items() if k.startswith("neural_network.")) == pytest.approx(10, abs=1e-12)
    assert points["gradient_descent.gradient_step"] == 6
    assert points["gradient_descent.sse_gradient"] == _declared("gradient_descent.sse_gradient").points


def test_the_five_module_course_is_worth_100_points():
    five = course.read(FIVE_MODULES)
    exercises = course.apply(five, DECLARED, course.course_modules(five, kit.ALL_MODULES, kit.CORE_MODULES))
    assert round(sum(e.points for e in exercises), 6) == 100
    assert {e.module for e in exercises} == set(kit.ALL_MODULES)


def test_the_nbgrader_course_puts_the_course_file_beside_each_notebook(tmp_path, monkeypatch):
    """The notebook's kernel reads the course from the notebook's folder: without the copy, the test cells of a
    module outside the default course name an unknown exercise. Under the default course a generated copy
    goes (it would be stale), and the course folder's own file stays."""
    from grader import nbgrader_course

    assignment = tmp_path / "source" / "neural_network"
    assignment.mkdir(parents=True)
    monkeypatch.setattr(course, "ACTIVE", course.read(FIVE_MODULES))
    assert nbgrader_course.place_course_file(assignment, generated=True) == [assignment / course.FILE_NAME]
    assert nbgrader_course.place_course_file(tmp_path, generated=False) == [tmp_path / course.FILE_NAME]
    assert (assignment / course.FILE_NAME).read_bytes() == FIVE_MODULES.read_bytes()
    monkeypatch.setattr(course, "ACTIVE", course.read(tmp_path / course.FILE_NAME))  # the course folder's own
    assert nbgrader_course.place_course_file(tmp_path, generated=False) == []
    monkeypatch.setattr(course, "ACTIVE", course.read(None))
    assert nbgrader_course.place_course_file(assignment, generated=True) == []
    assert nbgrader_course.place_course_file(tmp_path, generated=False) == []
    assert not (assignment / course.FILE_NAME).exists() and (tmp_path / course.FILE_NAME).exists()


@pytest.mark.parametrize(("text", "message"), [
    ('modules = ["derivatives", "neural_netwrk"]', "unknown module(s) neural_netwrk"),
    ('drop = ["derivatives.nothing"]', "no such exercise or module of the course: derivatives.nothing"),
    ('colour = "blue"', "unknown setting(s) colour"),
])
def test_a_bad_course_file_stops_every_command_with_one_line(tmp_path, text, message):
    (tmp_path / "calcgrade.toml").write_text(text + "\n", encoding="utf-8")
    completed = subprocess.run([*CALCGRADE, "build-exercises", "--check"], capture_output=True, text=True,
                               timeout=120, cwd=tmp_path)
    assert completed.returncode == 2
    assert message in completed.stderr and completed.stderr.count("\n") == 1


def test_course_is_taken_after_the_command_too_and_a_missing_file_is_told_as_given(tmp_path):
    """QA round 59, 05: `--course` after the command's name was refused as an unknown argument (the README says "on
    any command"), and a missing course file was blamed on $CALCGRADE_COURSE, which the user never set."""
    missing = subprocess.run([*CALCGRADE, "--course", "nope.toml", "build-exercises", "--check"],
                             capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert missing.returncode == 2 and "--course nope.toml: no such file" in missing.stderr, missing.stderr
    assert "CALCGRADE_COURSE" not in missing.stderr
    after = subprocess.run([*CALCGRADE, "build-exercises", "--check", "--course", str(FIVE_MODULES)],
                           capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert after.returncode == 0, after.stderr


def test_grade_with_a_course_file_changes_points_and_drops_an_exercise(tmp_path):
    course_file = tmp_path / "my_course.toml"
    course_file.write_text('modules = ["gradient_descent", "neural_network"]\n'
                           'drop = ["neural_network.steps_to_escape"]\n'
                           '[points]\nneural_network = 10\n"gradient_descent.gradient_step" = 6\n', encoding="utf-8")
    for student, module_sources in {"full": {m: kit.solution_source(m) for m in ("gradient_descent", "neural_network")},
                                    "slip": {"neural_network": kit.variant_source(
                                        "neural_network", "dloss_dw", _declared("neural_network.dloss_dw")
                                        .misconceptions[0].body)}}.items():
        (tmp_path / "subs" / student).mkdir(parents=True)
        for module, source in module_sources.items():
            (tmp_path / "subs" / student / f"{module}.py").write_text(source, encoding="utf-8")
    completed = subprocess.run([*CALCGRADE, "--course", str(course_file), "grade", "subs", "--out", "out", "--jobs",
                                "1", "--seed", "s", "--modules", "all"],
                               capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    results = json.loads((tmp_path / "out" / "full" / "results.json").read_text(encoding="utf-8"))
    wanted = sum(e.points for e in DECLARED if e.module == "gradient_descent") - 4 + 6 + 10
    assert results["score"] == pytest.approx(wanted) and sum(t["max_score"] for t in results["tests"]) == \
        pytest.approx(wanted)
    names = {test["name"] for test in results["tests"]}
    assert not any("steps_to_escape" in name for name in names)
    assert any(name.startswith("neural_network.backprop:") for name in names)
    slip = json.loads((tmp_path / "out" / "slip" / "results.json").read_text(encoding="utf-8"))
    assert slip["score"] < 10
    assert any("1 − σ(z)" in test.get("output", "") for test in slip["tests"])


# ----- the fifth module in the students' pytest and the notebooks ------------------------------------


def test_students_pytest_runs_the_fifth_module_under_a_course_that_uses_it(tmp_path):
    (tmp_path / "calcgrade.toml").write_text(FIVE_MODULES.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "neural_network.py").write_text(kit.variant_source(
        "neural_network", "backprop", _declared("neural_network.backprop").misconceptions[0].body), encoding="utf-8")
    completed = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(tmp_path)],
                               capture_output=True, text=True, timeout=300, cwd=tmp_path,
                               env={**os.environ, "CALCGRADE_COURSE": ""})
    assert "1 failed, 8 passed" in completed.stdout, completed.stdout[-3000:]
    assert "the output layer's gradient uses the hidden activations h" in completed.stdout


def test_the_notebook_of_the_fifth_module_has_its_exercises_and_pictures():
    import matplotlib

    matplotlib.use("Agg")
    from grader import notebook_plots
    from grader.nbgrader_course import module_notebook

    notebook = module_notebook("neural_network")
    tests = [cell for cell in notebook.cells if cell.metadata["nbgrader"].get("grade")]
    assert len(tests) == len(declared_of_module("neural_network"))
    pictures = [cell.source for cell in notebook.cells if cell.metadata["nbgrader"]["grade_id"].startswith("picture")]
    assert any("plot_training" in source for source in pictures) and any("plot_saddle" in source for source in pictures)
    reference = kit.solution_module("neural_network")
    figure = notebook_plots.plot_training(reference.train_neuron, reference.neuron_loss, reference.per_weight_steps,
                                          show=False)
    steps = next(axes for axes in figure.axes if axes.get_title() == "your step of each weight").lines
    assert len(steps) == 2 and not np.allclose(steps[0].get_ydata(), steps[1].get_ydata())


def test_returns_names_each_of_several_values():
    from grader.authoring import exercise

    with pytest.raises(ValueError, match="returns"):
        exercise(module="m", function="f", points=1, checks={"one": lambda rng: Case((1.0,), {})},
                 expect=by_sympy(lambda x: x), hint="h", returns=("only one",))


@pytest.mark.parametrize("sizes", [("n",), ("n", "2"), ("1", "1", "1")])
def test_return_sizes_give_each_named_value_a_size_of_1_or_n(sizes):
    from grader.authoring import exercise

    with pytest.raises(ValueError, match="return_sizes"):
        exercise(module="m", function="f", points=1, checks={"one": lambda rng: Case((1.0,), {})},
                 expect=by_sympy(lambda x: x), hint="h", returns=("a", "b"), return_sizes=sizes)


def test_held_alike_needs_a_function_differentiated():
    from grader.authoring import exercise

    with pytest.raises(ValueError, match="held_alike"):
        exercise(module="m", function="df", points=1, checks={"one": lambda rng: Case((1.0,), {})},
                 expect=by_sympy(lambda x: x), hint="h", by_hand=True, held_alike=("f_on_a_grid",))
    made = exercise(module="m", function="df", points=1, checks={"one": lambda rng: Case((1.0,), {})},
                    expect=by_sympy(lambda x: x), hint="h", differentiates="f", held_alike=("f_on_a_grid",))
    assert made.by_hand and made.held_alike == ("f_on_a_grid",)


def test_builds_on_naming_a_later_exercise_is_refused():
    """Error carried forward answers right, for a caller, the functions its exercise builds on: a later exercise's
    answer can hold the caller's (an error surface every SSE), so a declaration naming one cannot be graded."""
    from grader.authoring import check_builds_on

    module = list(declared_of_module("linear_model"))
    check_builds_on(module)
    with pytest.raises(ValueError, match="builds_on"):
        check_builds_on([dataclasses.replace(e, builds_on=("error_surface",)) if e.function == "sse" else e
                         for e in module])
