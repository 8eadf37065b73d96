"""Checks that discriminate: a battery of impostors fails every check of every exercise, public and hidden.

An impostor is a plausible wrong answer that is no known mistake: a constant, the input handed back, the
given function instead of its derivative, the reference negated, doubled, halved or with its arguments
swapped, a step count that is off. Each is a replacement body for the reference solution, as a student
would write it; where it needs the right answer it calls a copy of the reference, `_reference`, appended
to the module. A check that some impostor passes cannot tell a right answer from that wrong one.
"""

from __future__ import annotations

import ast
import re

import numpy as np
import pytest

from grader import kit
from grader.compare import compare
from grader.curriculum import BY_KEY, DECLARED, EXERCISES
from grader.curriculum.common import parent_call
from grader.engine import REFERENCES, PlannedCheck, grade_sources, plan, submission_digest
from grader.spec import Exercise

STUDENTS = ("ann", "bob", "cy")
PARENT_STUDENTS = tuple(f"student{k}" for k in range(40))  # the cheap in-process sweep draws many more inputs

CONSTANTS = {"zero": "return 0", "one": "return 1"}


def _scaled(call: str) -> dict[str, str]:
    """The reference negated, doubled and halved, whatever its form (a number, a pair, an array)."""
    return {"negated": f"return -np.asarray({call}, dtype=float)",
            "doubled": f"return 2 * np.asarray({call}, dtype=float)",
            "halved": f"return 0.5 * np.asarray({call}, dtype=float)"}


def _derivative(given: str, args: str = "x") -> dict[str, str]:
    """Impostors of an exact derivative: constants of the input's shape too, the input, the function itself."""
    return {**CONSTANTS, **_scaled(f"_reference({args})"), "zero like x": "return 0 * x",
            "one like x": "return 0 * x + 1", "x unchanged": "return x", "the given function": f"return {given}"}


IMPOSTORS: dict[str, dict[str, str]] = {
    "derivatives.df_poly": _derivative("f_poly(x)"),
    "derivatives.df_wave": _derivative("f_wave(x)"),
    "derivatives.dsigmoid": _derivative("sigmoid(x)"),
    "derivatives.df_log": _derivative("f_log(x)"),
    "derivatives.numerical_derivative": {
        **CONSTANTS, **_scaled("_reference(f, x, h)"), "x unchanged": "return x", "the given function": "return f(x)",
        "zero like x": "return 0 * np.asarray(x, dtype=float)"},
    "derivatives.tangent_line": {
        **CONSTANTS, **_scaled("_reference(f, df, x0)"), "x0 unchanged": "return x0",
        "zero pair": "return 0.0, 0.0", "one pair": "return 1.0, 1.0",
        "the given function as slope": "slope = float(f(x0))\nreturn slope, float(f(x0) - slope * x0)",
        "f and df swapped": "return _reference(df, f, x0)",
        "the point of contact": "return float(x0), float(f(x0))"},
    "partial_derivatives.dg_dx": {**_derivative("g(x, y)", "x, y"), "y unchanged": "return y",
                                  "x and y swapped": "return _reference(y, x)"},
    "partial_derivatives.dg_dy": {**_derivative("g(x, y)", "x, y"), "y unchanged": "return y",
                                  "x and y swapped": "return _reference(y, x)"},
    "partial_derivatives.partial_derivative": {
        **CONSTANTS, **_scaled("_reference(f, point, i, h)"), "point unchanged": "return point",
        "the given function": "return float(f(np.asarray(point, dtype=float)))",
        "another axis": "return _reference(f, point, (i + 1) % len(point), h)"},
    "partial_derivatives.gradient": {
        **CONSTANTS, **_scaled("_reference(f, point, h)"), "point unchanged": "return np.asarray(point, dtype=float)",
        "zeros": "return np.zeros(len(point))", "ones": "return np.ones(len(point))",
        "axes reversed": "return _reference(f, point, h)[::-1]"},
    "partial_derivatives.hessian": {
        **CONSTANTS, **_scaled("_reference(f, point, h)"), "point unchanged": "return np.asarray(point, dtype=float)",
        "zeros": "return np.zeros((len(point), len(point)))", "identity": "return np.eye(len(point))"},
    "partial_derivatives.classify_critical_point": {
        **CONSTANTS, "matrix unchanged": "return hessian_matrix", "no label": "return ''"},
    "linear_model.predict": {
        **CONSTANTS, **_scaled("_reference(m, c, x)"), "x unchanged": "return x",
        "m and c swapped": "return _reference(c, m, x)", "zeros": "return 0 * np.asarray(x, dtype=float)"},
    "linear_model.sse": {
        **CONSTANTS, **_scaled("_reference(m, c, x, y)"), "m and c swapped": "return _reference(c, m, x, y)",
        "x and y swapped": "return _reference(m, c, y, x)", "x unchanged": "return x",
        "sum of y²": "return float(np.sum(np.asarray(y, dtype=float)**2))"},
    "linear_model.error_profile_slope": {
        **CONSTANTS, **_scaled("_reference(slopes, c, x, y)"), "slopes unchanged": "return slopes",
        "zeros": "return np.zeros(len(slopes))", "reversed": "return _reference(slopes, c, x, y)[::-1]",
        "x and y swapped": "return _reference(slopes, c, y, x)"},
    "linear_model.error_profile_intercept": {
        **CONSTANTS, **_scaled("_reference(m, intercepts, x, y)"), "intercepts unchanged": "return intercepts",
        "zeros": "return np.zeros(len(intercepts))", "reversed": "return _reference(m, intercepts, x, y)[::-1]",
        "x and y swapped": "return _reference(m, intercepts, y, x)"},
    "linear_model.error_surface": {
        **CONSTANTS, **_scaled("_reference(slopes, intercepts, x, y)"),
        "zeros": "return np.zeros((len(intercepts), len(slopes)))",
        "axes swapped": "return _reference(intercepts, slopes, x, y)",
        "x and y swapped": "return _reference(slopes, intercepts, y, x)"},
    "linear_model.best_fit_on_grid": {
        **CONSTANTS, **_scaled("_reference(slopes, intercepts, x, y)"), "zero pair": "return 0.0, 0.0",
        "the first cell": "return float(slopes[0]), float(intercepts[0])",
        "the middle cell": "return float(slopes[len(slopes) // 2]), float(intercepts[len(intercepts) // 2])",
        "x and y swapped": "return _reference(slopes, intercepts, y, x)"},
    "linear_model.least_squares_fit": {
        **CONSTANTS, **_scaled("_reference(x, y)"), "zero pair": "return 0.0, 0.0",
        "x and y swapped": "return _reference(y, x)",
        "outputs swapped": "m, c = _reference(x, y)\nreturn c, m"},
    "gradient_descent.sse_gradient": {
        **CONSTANTS, **_scaled("_reference(m, c, x, y)"), "zero pair": "return 0.0, 0.0",
        "m and c swapped": "return _reference(c, m, x, y)", "x and y swapped": "return _reference(m, c, y, x)",
        "outputs swapped": "gm, gc = _reference(m, c, x, y)\nreturn gc, gm"},
    "gradient_descent.gradient_step": {
        **CONSTANTS, **_scaled("_reference(weights, grad, learning_rate)"),
        "weights unchanged": "return np.asarray(weights, dtype=float)", "grad": "return np.asarray(grad, dtype=float)",
        "weights and grad swapped": "return _reference(grad, weights, learning_rate)"},
    "gradient_descent.gradient_descent": {
        **CONSTANTS, **_scaled("_reference(x, y, m0, c0, learning_rate, n_steps)"),
        "start repeated": "return np.tile([float(m0), float(c0)], (n_steps + 1, 1))",
        "one step": "return _reference(x, y, m0, c0, learning_rate, 1)",
        "one step ahead": "return _reference(x, y, m0, c0, learning_rate, n_steps + 1)[1:]",
        "one step more": "return _reference(x, y, m0, c0, learning_rate, n_steps + 1)",
        "one step fewer": "return _reference(x, y, m0, c0, learning_rate, n_steps - 1)",
        "x and y swapped": "return _reference(y, x, m0, c0, learning_rate, n_steps)"},
    "gradient_descent.df_nonconvex": _derivative("f_nonconvex(x)"),
    "gradient_descent.descend_1d": {
        **CONSTANTS, **_scaled("_reference(df, x0, learning_rate, n_steps)"), "x0 unchanged": "return float(x0)",
        "one step": "return _reference(df, x0, learning_rate, 1)",
        "one step more": "return _reference(df, x0, learning_rate, n_steps + 1)",
        "one step fewer": "return _reference(df, x0, learning_rate, n_steps - 1)",
        "the slope at x0": "return float(df(x0))"},
    "gradient_descent.best_of_starts": {
        **CONSTANTS, **_scaled("_reference(f, df, starts, learning_rate, n_steps)"),
        "the first start": "return float(starts[0])",
        "one step": "return _reference(f, df, starts, learning_rate, 1)",
        "one step more": "return _reference(f, df, starts, learning_rate, n_steps + 1)",
        "one step fewer": "return _reference(f, df, starts, learning_rate, n_steps - 1)",
        "the lowest value of f": "return float(min(f(descend_1d(df, s, learning_rate, n_steps)) for s in starts))"},
}

# Wrong answers the issue found earning marks: each must lose marks on public and on hidden checks. They are
# not held to every check (a one-sided threshold is right wherever no eigenvalue is tiny and negative).
HOLES: dict[str, dict[str, str]] = {
    "linear_model.sse": {"mean": "return float(np.mean((np.asarray(y) - (m * np.asarray(x) + c))**2))"},
    "gradient_descent.best_of_starts": {
        "the smallest end point": "return float(min(descend_1d(df, s, learning_rate, n_steps) for s in starts))",
        "the largest end point": "return float(max(descend_1d(df, s, learning_rate, n_steps) for s in starts))",
        "descends only from the lowest start":
            "return descend_1d(df, min(starts, key=f), learning_rate, n_steps)",
        "the last start never descended": "ends = [descend_1d(df, s, learning_rate, n_steps) for s in starts[:-1]]\n"
            "return float(min([*ends, starts[-1]], key=f))",
        "the last start left out": "ends = [descend_1d(df, s, learning_rate, n_steps) for s in starts[:-1]]\n"
            "return float(min(ends, key=f))",
    },
    "linear_model.error_profile_slope": {  # every check sent its slopes in ascending order
        "the slopes taken sorted": "return np.array([sse(m, c, x, y) for m in sorted(slopes)])",
        # and as an array: a list has no .shape (the thirtieth holdout's writer, a slip dropped)
        "the slopes' count read from .shape": "n = slopes.shape[0]\n"
                                               "return np.array([sse(slopes[k], c, x, y) for k in range(n)])",
    },
    "linear_model.error_profile_intercept": {
        "the intercepts taken sorted": "return np.array([sse(m, b, x, y) for b in sorted(intercepts)])",
    },
    "linear_model.error_surface": {
        "the grid taken sorted": "return np.array([[sse(m, c, x, y) for m in sorted(slopes)] "
                                 "for c in sorted(intercepts)])",
    },
    "partial_derivatives.partial_derivative": {  # no check differentiated along a coordinate that is 0
        "a step relative to the coordinate": "p = np.array(point, dtype=float)\nstep = h * p[i]\n"
            "up, down = p.copy(), p.copy()\nup[i] += step\ndown[i] -= step\n"
            "return float((f(up) - f(down)) / (2 * step))",
        # nor at an array of integers or a tuple (the thirtieth holdout's writer, a slip dropped)
        "a copy of the point changed in place": "up, down = point.copy(), point.copy()\nup[i] += h\ndown[i] -= h\n"
            "return float((f(np.asarray(up, dtype=float)) - f(np.asarray(down, dtype=float))) / (2 * h))",
        # every check's step was small, where h/2 to each side and h agree within the tolerance (the thirty-first
        # holdout's writer, a slip dropped: it cost only `gradient`, which sends a large step)
        "h read as the whole width": "p = np.array(point, dtype=float)\nhalf = np.zeros_like(p)\nhalf[i] = h / 2\n"
            "return float((f(p + half) - f(p - half)) / h)",
    },
    "linear_model.predict": {  # a float intercept truncated where x holds integers
        "the intercept spread in x's dtype": "return m * x + np.full_like(x, c)",
        # no check sent the slope 0 (the twenty-ninth holdout's writer, a slip dropped for keeping its marks)
        "divides by the slope": "return m * (np.asarray(x, dtype=float) + c / m)",
        "the predictions stored in x's dtype": "out = np.zeros_like(np.asarray(x))\nout[...] = m * np.asarray(x) + c\n"
            "return out if np.ndim(x) else float(out)",
    },
    "gradient_descent.gradient_descent": {  # no check's SSE grew (the thirtieth holdout: only rounding showed it)
        "refuses a step that raises the SSE": "x = np.asarray(x, dtype=float)\ny = np.asarray(y, dtype=float)\n"
            "weights = np.array([m0, c0], dtype=float)\npath = [weights]\nfor _ in range(n_steps):\n"
            "    new = weights - learning_rate * np.array(sse_gradient(weights[0], weights[1], x, y))\n"
            "    if np.sum((y - (new[0] * x + new[1]))**2) <= np.sum((y - (weights[0] * x + weights[1]))**2) + 1e-9:\n"
            "        weights = new\n    path.append(weights)\nreturn np.array(path)",
    },
    "gradient_descent.descend_1d": {
        f"stops once steps are below {tiny:g}": "x = float(x0)\nfor _ in range(n_steps):\n"
        f"    step = learning_rate * df(x)\n    if abs(step) < {tiny!r}:\n        break\n    x -= step\nreturn x"
        for tiny in (1e-6, 1e-8)
    } | {"stops once the slope is below 1e-7": "x = float(x0)\nfor _ in range(n_steps):\n"
         "    if abs(df(x)) < 1e-7:\n        break\n    x -= learning_rate * df(x)\nreturn x",
         # every check's step count was even (the thirty-fifth holdout: a loop unrolled two steps a pass)
         "two steps a pass, n_steps // 2 passes": "x = float(x0)\nfor _ in range(n_steps // 2):\n"
         "    x -= learning_rate * df(x)\n    x -= learning_rate * df(x)\nreturn x"},
    "partial_derivatives.classify_critical_point": {
        name: "ev = np.linalg.eigvalsh(np.asarray(hessian_matrix, dtype=float))\n"
        f"tol = 1e-8 * max(1.0, float(np.max(np.abs(ev))))\nif {test}:\n    return 'degenerate'\n"
        "if np.all(ev > 0):\n    return 'minimum'\nif np.all(ev < 0):\n    return 'maximum'\nreturn 'saddle'"
        for name, test in {
            "one-sided threshold": "np.any((ev >= 0) & (ev <= tol))",
            "one-sided threshold, the other side": "np.any((ev <= 0) & (ev >= -tol))",
            "absolute threshold": "np.any(np.abs(ev) <= 1e-8)",
            "threshold ten times too wide": "np.any(np.abs(ev) <= 10 * tol)",
            "threshold ten times too narrow": "np.any(np.abs(ev) <= tol / 10)",
            "relative to the smallest eigenvalue": "np.any(np.abs(ev) <= 1e-8 * max(1.0, float(np.min(np.abs(ev)))))",
        }.items()
    } | {"labels of minimum and maximum swapped":
         "ev = np.linalg.eigvalsh(np.asarray(hessian_matrix, dtype=float))\n"
         "tol = 1e-8 * max(1.0, float(np.max(np.abs(ev))))\nif np.any(np.abs(ev) <= tol):\n    return 'degenerate'\n"
         "if np.all(ev > 0):\n    return 'maximum'\nif np.all(ev < 0):\n    return 'minimum'\nreturn 'saddle'"},
    "linear_model.best_fit_on_grid": {  # around the fit the shortest gradient is the lowest SSE's cell almost always
        # (the twenty-fifth holdout: a -2 dropped from one partial derivative was told as the slip)
        name: "best, shortest = None, np.inf\nfor c in intercepts:\n    for m in slopes:\n"
              "        r = np.asarray(y, dtype=float) - (m * np.asarray(x, dtype=float) + c)\n"
              f"        length = np.hypot({along_m} * np.sum(x * r), {along_c} * np.sum(r))\n"
              "        if length < shortest:\n            best, shortest = (float(m), float(c)), length\nreturn best"
        for name, (along_m, along_c) in {"the shortest gradient": (-2, -2),
                                          "the shortest gradient, -2 dropped along m": (1, -2),
                                          "the shortest gradient, -2 dropped along c": (-2, 1),
                                          "the shortest gradient of the MSE, n = 8": (-0.25, -0.25)}.items()
    },
    "neural_network.train_neuron": {  # no check's path settled (the same writer's dropped slip)
        name: "path = [(float(w0), float(b0))]\nw, b = float(w0), float(b0)\nfor _ in range(n_steps):\n"
              "    gw, gb = dloss_dw(w, b, x, y), dloss_db(w, b, x, y)\n"
              f"    if {test}:\n        path.append((w, b))\n        continue\n"
              "    w, b = w - learning_rate * gw, b - learning_rate * gb\n    path.append((w, b))\n"
              "return np.array(path)"
        for name, test in {"keeps still once the gradient is under 1e-6": "max(abs(gw), abs(gb)) < 1e-6",
                           "keeps still once the gradient's length is under 1e-8": "np.hypot(gw, gb) < 1e-8",
                           "keeps still once the step is under 1e-8":
                               "max(abs(learning_rate * gw), abs(learning_rate * gb)) < 1e-8"}.items()
    },
    "neural_network.steps_to_escape": {  # every check's saddle was left along v (red team round 60, 03)
        f"never steps along {along}": "c = np.array(saddle, dtype=float)\np = c + np.array(offset, dtype=float)\n"
        f"for k in range(1, max_steps + 1):\n    p = p - learning_rate * np.array({step})\n"
        "    if np.linalg.norm(p - c) > radius:\n        return k\nreturn -1"
        for along, step in {"u": "[0.0, df_dv(p)]", "v": "[df_du(p), 0.0]"}.items()
    },
    "neural_network.neuron": {  # no check reached |w·x + b| > 10 (the same writer's dropped slip)
        "z clipped to ±10 against overflow": "z = np.clip(w * np.asarray(x, dtype=float) + b, -10, 10)\n"
                                             "return 1 / (1 + np.exp(-z))",
    },
}


def impostor_source(exercise: Exercise, body: str) -> str:
    """The module with the exercise's body replaced, and the reference function appended as `_reference`."""
    source = kit.solution_source(exercise.module)
    node = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == exercise.function)
    reference = ast.get_source_segment(source, node)
    assert reference is not None
    reference = re.sub(rf"^def {exercise.function}\(", "def _reference(", reference)
    return kit.variant_source(exercise.module, exercise.function, body) + "\n\n" + reference + "\n"


BATTERY = [(BY_KEY[key], name, body) for key, bodies in IMPOSTORS.items() for name, body in bodies.items()]
DECLARED_BY_KEY = {exercise.key: exercise for exercise in DECLARED}  # the fifth module's too
HOLE_LIST = [(DECLARED_BY_KEY[key], name, body) for key, bodies in HOLES.items() for name, body in bodies.items()]


def test_every_exercise_has_impostors():
    assert set(IMPOSTORS) == {exercise.key for exercise in EXERCISES}


def _parent_passes(function, p: PlannedCheck) -> bool:
    """Does the impostor, run here on the check's input, pass every expectation of the check?"""
    try:
        with np.errstate(all="ignore"):
            got = parent_call(function, p.case)
    except Exception:  # noqa: BLE001 - an impostor that raises fails the check
        return False
    return all(compare(got, expectation).passed for expectation in (rule(p.case, REFERENCES)
                                                                     for rule in p.exercise.expect))


def _planned(exercise: Exercise, students=PARENT_STUDENTS) -> list[PlannedCheck]:
    checks = [p for p in plan([exercise], hidden=False)]
    for student in students:
        checks += [p for p in plan([exercise], hidden=True, course_seed="impostors", student=student)
                   if p.visibility == "hidden"]
    return checks


@pytest.mark.parametrize(("exercise", "name", "body"), BATTERY, ids=[f"{e.key}-{n}" for e, n, _ in BATTERY])
def test_impostor_fails_every_check_on_many_inputs(exercise, name, body):
    """In the trusted process, on the public inputs and on the hidden inputs of many students."""
    module = kit.load_trusted_module(f"impostor_{exercise.module}", impostor_source(exercise, body), "<impostor>")
    function = getattr(module, exercise.function)
    passing = [(p.label, p.visibility, p.case) for p in _planned(exercise)
               if _parent_passes(function, p)]
    assert passing == []


@pytest.mark.parametrize(("exercise", "name", "body"), BATTERY, ids=[f"{e.key}-{n}" for e, n, _ in BATTERY])
def test_impostor_graded_in_the_sandbox_fails_every_check(sandbox, exercise, name, body):
    """As `calcgrade grade` and the students' pytest grade it: public checks alone, and hidden checks."""
    source = {exercise.module: impostor_source(exercise, body)}
    public = grade_sources(source, sandbox, exercises=[exercise]).exercise(exercise.key).checks
    hidden = [check for student in STUDENTS
              for check in grade_sources(source, sandbox, student=student, hidden=True, course_seed="impostors",
                                         exercises=[exercise]).exercise(exercise.key).checks
              if check.visibility == "hidden"]
    passing = [check.name for check in (*public, *hidden) if check.passed]
    assert passing == []
    assert all(check.score == 0 for check in (*public, *hidden) if not check.passed)


@pytest.mark.parametrize(("exercise", "name", "body"), HOLE_LIST, ids=[f"{e.key}-{n}" for e, n, _ in HOLE_LIST])
def test_wrong_answers_that_earned_full_marks_lose_marks_on_public_and_hidden_checks(exercise, name, body):
    module = kit.load_trusted_module(f"hole_{exercise.module}", impostor_source(exercise, body), "<hole>")
    function = getattr(module, exercise.function)
    public = [p for p in plan([exercise], hidden=False)]
    assert not all(_parent_passes(function, p) for p in public)
    for student in PARENT_STUDENTS:
        hidden = [p for p in plan([exercise], hidden=True, course_seed="impostors", student=student)
                  if p.visibility == "hidden"]
        assert not all(_parent_passes(function, p) for p in hidden), student


MUTATE = """

def _calcgrade_mutate(args, kwargs):
    for value in (*args, *kwargs.values()):
        if isinstance(value, np.ndarray) and value.size and value.dtype.kind in "iuf":
            value.flat[0] += 1
        elif isinstance(value, list) and value and isinstance(value[0], list) and value[0]:
            value[0][0] = value[0][0] + 1
        elif isinstance(value, list) and value and isinstance(value[0], int | float):
            value[0] = value[0] + 1
"""


def _changed_in_place_source(module: str) -> str:
    """The reference module with every declared function answering right, then changing its first list or array
    argument in place."""
    parts = [kit.solution_source(module), MUTATE]
    for exercise in (e for e in DECLARED if e.module == module):
        name = exercise.function
        parts.append(f"\n_calcgrade_right_{name} = {name}\n\n\ndef {name}(*args, **kwargs):\n"
                     f"    answer = _calcgrade_right_{name}(*args, **kwargs)\n    _calcgrade_mutate(args, kwargs)\n"
                     "    return answer\n")
    return "\n".join(parts)


def _mutable(value) -> bool:
    return (isinstance(value, np.ndarray) and value.size > 0 and value.dtype.kind in "iuf") or \
        (isinstance(value, list) and bool(value) and isinstance(value[0], list | int | float))


@pytest.mark.parametrize("module", kit.ALL_MODULES)
def test_a_right_answer_that_changes_its_arguments_in_place_fails_every_check_that_sends_one(sandbox, module):
    """Bug: only some checks compared the arguments after the call, so `point = start` updated in place (the
    caller's start list changed) kept every mark. Every check now looks: a function that answers right and then
    changes a list or array it was given fails every check that sends one, public and hidden."""
    exercises = [e for e in DECLARED if e.module == module]
    result = grade_sources({module: _changed_in_place_source(module)}, sandbox, student="in place", hidden=True,
                           course_seed="impostors", exercises=exercises)
    planned = {(p.exercise.key, p.label, p.visibility): p.case
               for p in plan(exercises, hidden=True, course_seed="impostors", student="in place",
                             submission=submission_digest({module: _changed_in_place_source(module)}))}
    sending = [check for e in result.exercises for check in e.checks
               if any(_mutable(v) for v in (*planned[(check.exercise, check.label, check.visibility)].args,
                                            *planned[(check.exercise, check.label, check.visibility)].kwargs.values()))]
    assert sending
    assert [check.name for check in sending if check.passed] == []
    assert any("changed its argument" in check.student_message for check in sending)


# Red team round 31, 01: an answer that does none of the work is right by construction on an edge case (no step: the
# path is its start; a slope of 0: the line is its intercept), and no scoring rule counted it away, its answers varying
# with the input: 1 of 3 on `train_neuron`, 0.4 of 2 on `predict`. An edge case counts only with its general kind.
RIGHT_ON_AN_EDGE_CASE = {
    "neural_network.train_neuron": "return [[float(w0), float(b0)]] * (n_steps + 1)",
    "linear_model.predict": "return c + 0.0 * np.asarray(x, dtype=float)",
}


@pytest.mark.parametrize("key", sorted(RIGHT_ON_AN_EDGE_CASE))
def test_an_answer_right_on_an_edge_case_by_construction_earns_nothing(sandbox, key):
    exercise = next(e for e in DECLARED if e.key == key)
    source = {exercise.module: kit.variant_source(exercise.module, exercise.function, RIGHT_ON_AN_EDGE_CASE[key])}
    public = grade_sources(source, sandbox, exercises=[exercise]).exercise(key)
    graded = grade_sources(source, sandbox, student="s", hidden=True, course_seed="impostors",
                           exercises=[exercise]).exercise(key)
    assert public.score == 0 and graded.score == 0
    edge = [check for check in public.checks if next(c for c in exercise.checks if c.label == check.label).counts_with]
    assert edge and all("whose inputs are few enough to be answered without the work" in check.student_message
                        for check in edge)


def test_an_edge_case_counts_with_a_check_of_its_own_exercise_that_is_no_edge_case():
    from grader.authoring import edge_case, exercise

    def draw(rng):
        return (1.0,)

    with pytest.raises(ValueError, match="edge case"):
        exercise(module="m", function="f", points=1, expect=lambda case, references: [], hint="",
                 checks={"general": draw, "edge": edge_case(draw, counts_with="nowhere")})
    made = exercise(module="m", function="f", points=1, expect=lambda case, references: [], hint="",
                    checks={"general": draw, "edge": edge_case(draw, counts_with="general")})
    assert [check.counts_with for check in made.checks] == ["", "general"]
