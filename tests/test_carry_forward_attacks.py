"""Error carried forward against a student who has read the grader: what the session child answers must not earn a
caller marks it would not earn by its own skill, nor make the parent do work no check asks for.

These hold the attacks found against the mechanism as it first landed (each failed then): a component answering
otherwise in the session, a caller learning from the parent's refusals across checks, and an oracle question naming a
derivative of a given function of any order; and one found against the first fix: a caller catching the parent's
refusals within one check to probe which rule the reference follows."""

from __future__ import annotations

import pytest

from grader import kit
from grader.curriculum import DECLARED, declared_of_module, of_module
from grader.engine import grade_sources
from grader.spec import Case, ExerciseResult, SubmissionResult

BY_KEY = {exercise.key: exercise for exercise in DECLARED}  # the fifth module's exercises too

# In the session child (error carried forward asks the student's function there), a function can tell where it is
# called from by its frames; the grading run's child never serves a session.
IN_SESSION = """import sys
frame = sys._getframe(1)
while frame is not None and frame.f_code.co_name != "_serve_session":
    frame = frame.f_back
counts = globals().setdefault("_counts", {})
me = sys._getframe().f_code.co_name
counts[me] = calls = counts.get(me, 0) + 1
"""


def _two_faced(session_answer: str, slip: str, right: str) -> str:
    """A component right on all its checks but the first, where it makes a slip the grader recognises; in the
    session child it answers `session_answer` instead (tiny, varying values: not one number throughout)."""
    return (IN_SESSION + f"if frame is not None:\n    return {session_answer}\n"
            f"if calls == 1:\n    return {slip}\nreturn {right}")


HELPERS = {
    "gradient_descent": """
def _descend(df, x0, learning_rate, n_steps):
    x = float(x0)
    for _ in range(n_steps):
        x = float(x - learning_rate * df(x))
    return x
""",
    "partial_derivatives": """
def _pd(f, point, i, h):
    plus = np.array(point, dtype=float)
    minus = np.array(point, dtype=float)
    plus[i] += h
    minus[i] -= h
    return float((f(plus) - f(minus)) / (2 * h))
""",
    "linear_model": """
def _sse(m, c, x, y):
    return float(np.sum((np.asarray(y, dtype=float) - (m * np.asarray(x, dtype=float) + c)) ** 2))

def _surface(slopes, intercepts, x, y):
    return np.array([[_sse(m, c, x, y) for m in np.asarray(slopes, dtype=float)]
                     for c in np.asarray(intercepts, dtype=float)])
""",
    "neural_network": """
def _dw(w, b, x, y):
    x = np.asarray(x, dtype=float)
    out = 1 / (1 + np.exp(-(w * x + b)))
    return float(np.sum(2 * (out - y) * out * (1 - out) * x))

def _db(w, b, x, y):
    x = np.asarray(x, dtype=float)
    out = 1 / (1 + np.exp(-(w * x + b)))
    return float(np.sum(2 * (out - y) * out * (1 - out)))
""",
}
SSE_GRADIENT_SIGN = "(float(2 * np.sum(x * (y - (m * x + c)))), float(2 * np.sum(y - (m * x + c))))"
SSE_GRADIENT_RIGHT = "(float(-2 * np.sum(x * (y - (m * x + c)))), float(-2 * np.sum(y - (m * x + c))))"
TWO_FACED = {
    "gradient_descent": {
        "sse_gradient": _two_faced("(calls * 1e-300, 0.0)", SSE_GRADIENT_SIGN, SSE_GRADIENT_RIGHT),
        "descend_1d": _two_faced("float(x0) + calls * 1e-300", "-float(x0)",
                                 "_descend(df, x0, learning_rate, n_steps)"),
        "gradient_descent": "return np.tile(np.array([m0, c0], dtype=float), (n_steps + 1, 1))",
        "best_of_starts": "return float(min((float(s) for s in starts), key=f))",
    },
    "partial_derivatives": {
        "partial_derivative": _two_faced("calls * 1e-300", "-_pd(f, point, i, h)", "_pd(f, point, i, h)"),
        "gradient": "return np.zeros(len(point))",
    },
    "linear_model": {
        "sse": _two_faced("calls * 1e-300", "-_sse(m, c, x, y)", "_sse(m, c, x, y)"),
        "error_surface": _two_faced("1e-300 * np.arange(len(slopes) * len(intercepts), dtype=float)"
                                    ".reshape(len(intercepts), len(slopes))",
                                    "-_surface(slopes, intercepts, x, y)", "_surface(slopes, intercepts, x, y)"),
        "error_profile_slope": "return np.zeros(len(slopes))",
        "error_profile_intercept": "return np.zeros(len(intercepts))",
        "best_fit_on_grid": "return float(slopes[0]), float(intercepts[0])",
    },
    "neural_network": {
        "dloss_dw": _two_faced("calls * 1e-300", "-_dw(w, b, x, y)", "_dw(w, b, x, y)"),
        "dloss_db": _two_faced("calls * 1e-300", "-_db(w, b, x, y)", "_db(w, b, x, y)"),
        "train_neuron": "return np.tile(np.array([w0, b0], dtype=float), (n_steps + 1, 1))",
        "per_weight_steps": "return np.zeros(2)",
    },
}
TRIVIAL_CALLERS = {
    "gradient_descent": ["gradient_descent", "best_of_starts"],
    "partial_derivatives": ["gradient"],
    "linear_model": ["error_profile_slope", "error_profile_intercept", "best_fit_on_grid"],
    "neural_network": ["train_neuron", "per_weight_steps"],
}


def _grade(sandbox, module: str, source: str, carry_forward: bool = True) -> SubmissionResult:
    exercises = [e for e in DECLARED if e.module == module] if module == "neural_network" else of_module(module)
    return grade_sources({module: source}, sandbox, student="s", hidden=True, course_seed="c", exercises=exercises,
                         carry_forward=carry_forward)


def _graded_with(sandbox, module: str, bodies: dict[str, str], key: str) -> ExerciseResult:
    """The result of exercise `key` for the reference module with these functions' bodies replaced."""
    return _grade(sandbox, module, kit.replace_bodies(kit.solution_source(module), bodies)).exercise(key)


@pytest.mark.parametrize("module", sorted(TWO_FACED))
def test_a_component_that_answers_otherwise_in_the_session_earns_a_trivial_caller_nothing(sandbox, module):
    """A component recognised as a slip on one check of the grading run (its answers then go unverified) answers
    almost nothing when the parent asks it during error carried forward: a caller returning its start, zeros or the
    first grid point agreed with the reference "given" those answers and took every point (gradient_descent,
    best_of_starts, gradient, both error profiles, best_fit_on_grid, train_neuron, per_weight_steps)."""
    source = kit.replace_bodies(kit.solution_source(module), TWO_FACED[module]) + HELPERS[module]
    without = _grade(sandbox, module, source, carry_forward=False)
    with_it = _grade(sandbox, module, source)
    for function in TRIVIAL_CALLERS[module]:
        key = f"{module}.{function}"
        assert with_it.exercise(key).score == without.exercise(key).score < BY_KEY[key].points, key
        assert not any(check.carried_forward for check in with_it.exercise(key).checks), key


# A component no diagnosis explains (every carried check is verified with the right components), answering ~0 in
# the session child; a train_neuron that returns its start, and with the parent's answers tries an update rule it
# is not sure of, remembering in the child which rules the parent refused to follow.
UNEXPLAINED_TWO_FACED = IN_SESSION + ("if frame is not None:\n    return calls * 1e-300\n"
                                      "return float(np.sum(np.asarray(x, dtype=float) ** 3) + 1.234 * w * w - b)")
TRAIN_NEURON_LEARNING_FROM_REFUSALS = """oracle = dloss_dw.__code__.co_filename.endswith("child.py")
if not oracle:
    return np.tile(np.array([w0, b0], dtype=float), (n_steps + 1, 1))
rules = [lambda v, g, lr: v + lr * g, lambda v, g, lr: v - lr * g]
bad = globals().setdefault("_refused_rules", set())
r = next(i for i in range(len(rules)) if i not in bad)
w, b = float(w0), float(b0)
path = [(w, b)]
try:
    for _ in range(n_steps):
        gw, gb = dloss_dw(w, b, x, y), dloss_db(w, b, x, y)
        w, b = rules[r](w, gw, learning_rate), rules[r](b, gb, learning_rate)
        path.append((w, b))
except Exception:
    bad.add(r)
    raise
return np.array(path)"""


def test_the_parents_refusals_teach_a_caller_nothing_it_can_use_on_a_later_check(sandbox):
    """The session child outlives each check's evaluation: a caller that tried gradient ascent with the parent's
    answers on a public check learnt from the refusal that it was off the reference's path, and descended on the
    hidden check (whose grading-run answer was only the start)."""
    source = kit.replace_bodies(kit.solution_source("neural_network"), {
        "dloss_dw": UNEXPLAINED_TWO_FACED, "dloss_db": UNEXPLAINED_TWO_FACED,
        "train_neuron": TRAIN_NEURON_LEARNING_FROM_REFUSALS})
    key = "neural_network.train_neuron"
    without = _grade(sandbox, "neural_network", source, carry_forward=False)
    with_it = _grade(sandbox, "neural_network", source)
    assert with_it.exercise(key).score == without.exercise(key).score
    assert not any(check.carried_forward for check in with_it.exercise(key).checks)


PARTIAL_DERIVATIVE_UNEXPLAINED = "p = np.array(point, dtype=float)\nreturn float((f(p + h) - f(p - h)) / (2 * h))"
GRADIENT_ASKING_FOR_A_HIGH_DERIVATIVE = """import sys
try:
    Given = sys.modules["grader.plain"].Given
    partial_derivative(Given("derivatives.f_wave" + "'" * 100000), point, 0, h)
except Exception:
    pass
return np.array([partial_derivative(f, point, i, h) for i in range(len(point))], dtype=float)"""


def test_an_oracle_question_makes_the_parent_build_no_function_the_check_did_not_pass(sandbox, monkeypatch):
    """A question's given function is sent by name, and a name may carry any number of primes: the parent built
    the 100000th derivative of f_wave with SymPy before matching the question (hours of the grader's time, the
    whole batch worker held; 100 primes took half a minute)."""
    from grader import given

    resolved: list[str] = []
    resolve = given.resolve

    def recording(name: str):
        resolved.append(name)
        if name.count("'") > 2:  # never build it here: the test would hang
            raise RuntimeError("a derivative no check uses")
        return resolve(name)

    monkeypatch.setattr(given, "resolve", recording)
    source = kit.replace_bodies(kit.solution_source("partial_derivatives"), {
        "partial_derivative": PARTIAL_DERIVATIVE_UNEXPLAINED, "gradient": GRADIENT_ASKING_FOR_A_HIGH_DERIVATIVE})
    _grade(sandbox, "partial_derivatives", source)
    assert not [name for name in resolved if name.count("'") > 2]


# A train_neuron whose author knows neither the partial derivatives nor the update rule, with derivatives that answer
# 0 (so the reference "given" them never moves, and neither does any rule). With the parent's answers it picks the
# derivative formulas that give the parent's first answers, then tries update rules on the parent: a question off
# the reference's path gets no answer, which is the answer it wants, and it needs no more from that oracle.
DERIVATIVE_UNKNOWN = "return 0.0"
TRAIN_NEURON_PROBING_THE_PATH = """x = np.asarray(x, dtype=float)
y = np.asarray(y, dtype=float)
w, b = float(w0), float(b0)
if n_steps == 0:
    return np.array([[w, b]])
gw, gb = dloss_dw(w, b, x, y), dloss_db(w, b, x, y)
if gw == 0 and gb == 0:
    return np.tile(np.array([w, b]), (n_steps + 1, 1))
def out(w, b):
    return 1 / (1 + np.exp(-(w * x + b)))
formulas_dw = [lambda w, b: float(np.sum((out(w, b) - y) * x)),
               lambda w, b: float(np.sum(2 * (out(w, b) - y) * x)),
               lambda w, b: float(np.sum(2 * (out(w, b) - y) * out(w, b) * (1 - out(w, b)) * x)),
               lambda w, b: float(np.sum((out(w, b) - y) * out(w, b) * (1 - out(w, b)) * x))]
formulas_db = [lambda w, b: float(np.sum(out(w, b) - y)),
               lambda w, b: float(np.sum(2 * (out(w, b) - y))),
               lambda w, b: float(np.sum(2 * (out(w, b) - y) * out(w, b) * (1 - out(w, b)))),
               lambda w, b: float(np.sum((out(w, b) - y) * out(w, b) * (1 - out(w, b))))]
dw = next(f for f in formulas_dw if np.isclose(f(w, b), gw, rtol=1e-9, atol=0))
db = next(f for f in formulas_db if np.isclose(f(w, b), gb, rtol=1e-9, atol=0))
lr = learning_rate
def ascent(w, b):
    return w + lr * dw(w, b), b + lr * db(w, b)
def sequential(w, b):
    w = w - lr * dw(w, b)
    return w, b - lr * db(w, b)
def descent(w, b):
    return w - lr * dw(w, b), b - lr * db(w, b)
try:
    dloss_dw(*ascent(w, b), x, y)
    rule = ascent
except Exception:
    try:
        dloss_db(w - lr * dw(w, b), b, x, y)
        rule = sequential
    except Exception:
        rule = descent
path = [(w, b)]
for _ in range(n_steps):
    w, b = rule(w, b)
    path.append((w, b))
return np.array(path)"""


def test_a_caller_learns_nothing_from_which_questions_the_parent_answers(sandbox):
    """The parent refuses a question off the reference's path, and answers every question on it: a caller that
    catches the refusal learns that a rule it tried is not the reference's, and computes the rest without the
    parent (derivative formulas picked by the parent's first answers). A train_neuron written without knowing the
    update rule took every point, with derivatives its author could not write either."""
    source = kit.replace_bodies(kit.solution_source("neural_network"), {
        "dloss_dw": DERIVATIVE_UNKNOWN, "dloss_db": DERIVATIVE_UNKNOWN,
        "train_neuron": TRAIN_NEURON_PROBING_THE_PATH})
    key = "neural_network.train_neuron"
    without = _grade(sandbox, "neural_network", source, carry_forward=False)
    with_it = _grade(sandbox, "neural_network", source)
    assert without.exercise(key).score < BY_KEY[key].points
    assert with_it.exercise(key).score == without.exercise(key).score
    assert not any(check.carried_forward for check in with_it.exercise(key).checks)


# A function that tells the two worlds apart (its callee answering a list as graded, an array with the callee kept to
# its promise) answers one order of the pair in each: judged in either world, it had two guesses (red team round 25,
# 01: the order it answers as graded was wrong, the other one earned every point).
LIST_PREDICT = "return list(m * np.asarray(x, dtype=float) + c) if np.ndim(x) else m * float(x) + c"
TWO_WORLDS_FIT = """
x = np.asarray(x, dtype=float)
y = np.asarray(y, dtype=float)
dx = x - x.mean()
m = float(np.sum(dx * (y - y.mean())) / np.sum(dx**2))
c = float(y.mean() - m * x.mean())
if isinstance(predict(1.0, 0.0, np.zeros(1)), np.ndarray):
    return {kept}
return {graded}
"""


@pytest.mark.parametrize(("graded", "kept", "keeps_marks"), [
    ("c, m", "m, c", True),  # right in the world it is judged in: the same as code answering (m, c) there
    ("m, c", "c, m", False),  # right as graded only: it was two guesses, now one
])
def test_a_function_reaching_a_callee_that_broke_a_promise_is_judged_in_one_world(sandbox, graded, kept, keeps_marks):
    fit = _graded_with(sandbox, "linear_model", {
        "predict": LIST_PREDICT,
        "least_squares_fit": TWO_WORLDS_FIT.format(graded=graded, kept=kept)}, "linear_model.least_squares_fit")
    assert (fit.score == fit.max_score) == keeps_marks, fit
    if not keeps_marks:
        failed = [check for check in fit.checks if not check.passed]
        assert failed and all("your predict answers a list or a tuple where an array is promised), and so called, it "
                              "does not pass this check, which it passes as graded" in check.student_message
                              for check in failed)


# Red team round 26: the kept world decided each check, but not what the scoring rules read, and not the first rule.
RELYING_DESCENT = (
    "path = np.empty((n_steps + 1, 2), dtype=float)\n"
    "w = np.array([m0, c0], dtype=float)\n"
    "path[0] = w\n"
    "for k in range(1, n_steps + 1):\n"
    "    gradient_step(w, sse_gradient(w[0], w[1], x, y), learning_rate)\n"
    "    path[k] = w\n"
    "return path\n"
)
STEP_CHANGING_W = (
    "weights = np.asarray(weights, dtype=float)\n"
    "weights -= learning_rate * np.asarray(grad, dtype=float)\n"
    "return weights\n"
)
KEPT_SAID_BY_MEMORY = (
    "path = np.empty((n_steps + 1, 2), dtype=float)\n"
    "w = np.array([m0, c0], dtype=float)\n"
    "path[0] = w\n"
    "for k in range(1, n_steps + 1):\n"
    "    if gradient_step(w, sse_gradient(w[0], w[1], x, y), learning_rate) is not w:\n"
    "        raise MemoryError\n"
    "    path[k] = w\n"
    "return path\n"
)


@pytest.mark.parametrize("descent", [RELYING_DESCENT, KEPT_SAID_BY_MEMORY])
def test_a_descent_relying_on_a_step_changing_its_argument_fails_however_it_answers_when_called_again(sandbox, descent):
    """01: relying on the step changing `w` in place, it failed when called again with the step kept; raising
    MemoryError there (or meeting a time limit) kept its graded passes. Whatever the call answers decides."""
    descent_result = _graded_with(sandbox, "gradient_descent", {
        "gradient_step": STEP_CHANGING_W,
        "gradient_descent": descent}, "gradient_descent.gradient_descent")
    assert descent_result.score == 0, descent_result


LIST_HESSIAN = (
    "point = np.asarray(point, dtype=float)\n"
    "n = point.size\n"
    "result = np.zeros((n, n))\n"
    "for i in range(n):\n"
    "    for j in range(n):\n"
    "        e_i = np.zeros(n)\n"
    "        e_j = np.zeros(n)\n"
    "        e_i[i] = h\n"
    "        e_j[j] = h\n"
    "        result[i, j] = (f(point + e_i + e_j) - f(point + e_i - e_j)\n"
    "                        - f(point - e_i + e_j) + f(point - e_i - e_j)) / (4 * h * h)\n"
    "return result.tolist()\n"
)
LABEL_BY_WORLD = (
    "if isinstance(hessian(lambda p: float(p[0] * p[0]), np.zeros(1)), np.ndarray):\n"
    '    return "saddle"\n'
    'labels = ["minimum", "maximum", "degenerate", "saddle"]\n'
    "return labels[int(abs(float(np.asarray(hessian_matrix, dtype=float).sum())) * 7) % 4]\n"
)


def test_a_constant_label_in_the_world_it_is_judged_in_earns_nothing(sandbox):
    """03: "saddle" when the Hessian answers an array (called again with it kept to its promise), labels varying
    with the input as graded: the one-answer rule read the graded answers and let "saddle" keep 1.33 of 4."""
    classify = _graded_with(sandbox, "partial_derivatives", {
        "hessian": LIST_HESSIAN,
        "classify_critical_point": LABEL_BY_WORLD}, "partial_derivatives.classify_critical_point")
    assert classify.score == 0, classify


DOUBLE_STEP_IN_PLACE = (
    "weights = np.asarray(weights, dtype=float)\n"
    "weights -= 2 * learning_rate * np.asarray(grad, dtype=float)\n"
    "return weights\n"
)
FIRST_RULE_RIGHT = (
    "path = np.empty((n_steps + 1, 2), dtype=float)\n"
    "w = np.array([m0, c0], dtype=float)\n"
    "path[0] = w\n"
    'if gradient_step.__code__.co_name == "kept":\n'
    "    for k in range(1, n_steps + 1):\n"
    "        w = w - learning_rate * np.asarray(sse_gradient(w[0], w[1], x, y), dtype=float)\n"
    "        path[k] = w\n"
    "    return path[:, ::-1].copy()\n"
    "for k in range(1, n_steps + 1):\n"
    "    w = gradient_step(w, sse_gradient(w[0], w[1], x, y), learning_rate)\n"
    "    path[k] = w\n"
    "return path\n"
)
KEPT_RIGHT = (
    "path = np.empty((n_steps + 1, 2), dtype=float)\n"
    "w = np.array([m0, c0], dtype=float)\n"
    "path[0] = w\n"
    'if gradient_step.__code__.co_name == "kept":\n'
    "    for k in range(1, n_steps + 1):\n"
    "        w = w - learning_rate * np.asarray(sse_gradient(w[0], w[1], x, y), dtype=float)\n"
    "        path[k] = w\n"
    "    return path\n"
    "for k in range(1, n_steps + 1):\n"
    "    w = gradient_step(w, sse_gradient(w[0], w[1], x, y), learning_rate)\n"
    "    path[k] = w\n"
    "return path[:, ::-1].copy()\n"
)


@pytest.mark.parametrize(("descent", "keeps_marks"), [(FIRST_RULE_RIGHT, False), (KEPT_RIGHT, True)])
def test_the_first_rule_judges_the_answer_of_the_world_the_function_is_judged_in(sandbox, descent, keeps_marks):
    """06: a descent telling apart the graded call, the first rule's and the kept one (by the function object it
    sees) answered one order of the path's columns in one and the other in the other: carried by the first rule in
    the graded world, or passing in the kept one, it had two guesses. The first rule reads the kept world's answer."""
    descent_result = _graded_with(sandbox, "gradient_descent", {
        "gradient_step": DOUBLE_STEP_IN_PLACE,
        "gradient_descent": descent}, "gradient_descent.gradient_descent")
    assert (descent_result.score == descent_result.max_score) == keeps_marks, descent_result


STEP_NAMING_THE_DESCENT = (
    "if learning_rate is None:\n"
    "    return gradient_descent\n"
    "weights = np.asarray(weights, dtype=float)\n"
    "weights -= learning_rate * np.asarray(grad, dtype=float)\n"
    "return weights\n"
)
RELYING_LISTING_DESCENT = RELYING_DESCENT.replace("return path\n", "return path.tolist()\n")


def test_a_callee_naming_its_caller_is_kept_to_its_promise_all_the_same(sandbox):
    """Red team round 27 (03): a step that changes its argument, naming the descent in a line that never runs, with
    a descent answering a list: the step was taken for one changing its argument only through the descent, and was
    not kept to its promise; the descent relying on the change kept every point. Every function that changed an
    argument is kept to its promise; whose change it is only decides what is said."""
    descent = _graded_with(sandbox, "gradient_descent", {
        "gradient_step": STEP_NAMING_THE_DESCENT,
        "gradient_descent": RELYING_LISTING_DESCENT}, "gradient_descent.gradient_descent")
    assert descent.score == 0, descent


# Red team round 28: what is said of a check judged with its callees kept must be said of the answer judged.
STEP_ADDING_IN_PLACE = (
    "out = np.asarray(weights, dtype=float) - learning_rate * np.asarray(grad, dtype=float)\n"
    "weights += learning_rate * np.asarray(grad, dtype=float)\n"
    "return out\n"
)
LIST_STEP = "return list(np.asarray(weights, dtype=float) - learning_rate * np.asarray(grad, dtype=float))\n"
FLAT_DESCENT = (
    "flat = [float(m0), float(c0)]\n"
    "w = [m0, c0]\n"
    "for k in range(1, n_steps + 1):\n"
    "    w = gradient_step(w, sse_gradient(w[0], w[1], x, y), learning_rate{factor})\n"
    "    flat = flat + w\n"
    "return np.array(flat).reshape(-1, 2)\n"
)
SORTING_GRADIENT = (
    "order = np.argsort(x)\n"
    "x[:] = x[order]\n"
    "y[:] = y[order]\n"
    "x = np.asarray(x, dtype=float)\n"
    "y = np.asarray(y, dtype=float)\n"
    "r = y - (m * x + c)\n"
    "return float(-2 * np.sum(x * r)), float(-2 * np.sum(r))\n"
)


@pytest.mark.parametrize(("bodies", "not_said"), [
    # 03: relying on a step that changes its argument the wrong way, told "gradient ascent" of the graded answer
    ({"gradient_step": STEP_ADDING_IN_PLACE, "gradient_descent": RELYING_DESCENT}, "gradient ascent"),
    # 04: an edit found passing as graded ("`learning_rate * 2`" made "`learning_rate`") fails where it is judged
    ({"gradient_step": LIST_STEP, "gradient_descent": FLAT_DESCENT.format(factor=" * 2")}, "makes every check pass"),
])
def test_what_is_said_of_a_graded_answer_is_not_said_of_another_answer_judged(sandbox, bodies, not_said):
    descent = _graded_with(sandbox, "gradient_descent", bodies, "gradient_descent.gradient_descent")
    failed = [check for check in descent.checks if not check.passed]
    assert failed and not any(not_said in check.student_message for check in failed), failed[0].student_message
    assert all("judged with the functions it calls kept to their docstrings' promises" in check.student_message
               for check in failed if check.visibility == "public")


def test_a_check_failing_with_several_callees_kept_claims_no_reliance_on_one_of_them(sandbox):
    """06: a descent relying only on its step's list, beside a gradient that sorts the points in place (which the
    descent does not rely on), was told it "passes this check only with your sse_gradient changing an argument in
    place and your gradient_step answering a list". Which callee it relies on is not told apart: neither is said."""
    bodies = {"sse_gradient": SORTING_GRADIENT, "gradient_step": LIST_STEP,
              "gradient_descent": FLAT_DESCENT.format(factor="")}
    descent = _graded_with(sandbox, "gradient_descent", bodies, "gradient_descent.gradient_descent")
    failed = [check for check in descent.checks if not check.passed]
    assert failed and not any("only with your" in check.student_message for check in failed)


# Red team of the kept world's budget: a call made again with the callees kept that was not made (the budget used up,
# an import that did not finish) left the graded verdict standing. `sse` relying on `predict`'s list answer spent
# nearly the call limit on each call made so, and kept its graded passes on the calls left (4.25 of sse's and both
# profiles' 10 points); a module that hangs when imported in a session (found from the frames of the child serving
# it) was never called so at all.
LIST_RELYING_SSE = """
p = predict(m, c, x)
if isinstance(p, np.ndarray):
    import time
    until = time.monotonic() + 0.45
    while time.monotonic() < until:
        pass
    return -1.0
r = np.asarray(p + [0.0])[:-1] - np.asarray(y, dtype=float)
return float(r @ r)
"""
HANGS_IN_A_SESSION = """
import sys as _sys
_frame = _sys._getframe()
while _frame is not None and not (_frame.f_code.co_name == "serve" and _frame.f_locals.get("session") is True):
    _frame = _frame.f_back
while _frame is not None:
    pass
"""


@pytest.mark.parametrize("attack", ["budget spent", "import hangs"])
def test_a_call_not_made_with_the_callees_kept_credits_no_pass_as_graded(attack):
    from grader.sandbox.client import Limits, Sandbox

    source = kit.replace_bodies(kit.solution_source("linear_model"), {
        "predict": LIST_PREDICT,
        "sse": LIST_RELYING_SSE if attack == "budget spent" else LIST_RELYING_SSE.replace("0.45", "0")})
    if attack == "import hangs":
        source += HANGS_IN_A_SESSION
    with Sandbox(Limits(call_seconds=0.5, load_seconds=1.0, total_seconds=6.0)) as small:
        result = _grade(small, "linear_model", source)
    for key in ("linear_model.sse", "linear_model.error_profile_slope", "linear_model.error_profile_intercept"):
        assert result.exercise(key).score == 0, result.exercise(key)
    assert result.exercise("linear_model.predict").score == result.exercise("linear_model.predict").max_score


def test_a_kept_call_the_sandbox_cannot_make_is_the_graders_fault_never_a_pass(sandbox, monkeypatch):
    """Where no child can be started to call a check again with the callees kept (the sandbox failing, not the
    code), a pass as graded is not credited: the check is the grader's fault, reported to the instructor."""
    source = kit.replace_bodies(kit.solution_source("linear_model"), {
        "predict": LIST_PREDICT, "sse": LIST_RELYING_SSE.replace("0.45", "0")})

    def no_child(*args, **kwargs):
        raise RuntimeError("the sandbox could not confine a child process")

    monkeypatch.setattr(sandbox, "session", no_child)
    sse = _grade(sandbox, "linear_model", source).exercise("linear_model.sse")
    assert sse.score == 0 and sse.checks
    assert all(check.grader_fault for check in sse.checks if "could not be graded" in check.student_message)
    assert any(check.grader_fault for check in sse.checks)


# ----- the open oracle (a function built on one of the student's that the reference does not call) -------------
# red team round 49: a sibling whose reference reaches the caller holds the caller's own job, so it is never an open
# oracle of it; a derivative worked out by hand gets none; the grader's time on open oracles is bounded per submission

SIBLING_ANSWERS_THE_CALLER = [
    # descend_1d delegates to best_of_starts (whose reference runs descend_1d), made to fail; no descent anywhere
    ("gradient_descent", {"descend_1d": "return float(best_of_starts(df, df, [x0], learning_rate, n_steps))",
                          "best_of_starts": "return 0.0"}, "descend_1d"),
    # a cycle: partial_derivative asks gradient for one entry, gradient answers zeros while asked; no difference
    # quotient anywhere
    ("partial_derivatives", {
        "partial_derivative": "global _ASKING\n_ASKING = True\ntry:\n    return float(gradient(f, point, h)[i])\n"
                              "finally:\n    _ASKING = False",
        "gradient": "if globals().get('_ASKING'):\n    return np.zeros(len(point))\n"
                    "return np.array([partial_derivative(f, point, i, h) for i in range(len(point))])"},
     "partial_derivative"),
]


@pytest.mark.parametrize(("module", "bodies", "caller"), SIBLING_ANSWERS_THE_CALLER, ids=["delegation", "cycle"])
def test_a_sibling_whose_reference_reaches_the_caller_answers_nothing_for_it(sandbox, module, bodies, caller):
    source = kit.replace_bodies(kit.solution_source(module), bodies)
    result = grade_sources({module: source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=declared_of_module(module))
    assert result.exercise(f"{module}.{caller}").score == 0


# red team round 56: a later exercise's right answer often holds an earlier one's, so a function built on a later
# sibling that fails is never answered by it: each of these scored full marks with no formula of its own
LATER_SIBLING_ANSWERS_THE_CALLER = [
    # sse as one cell of an error surface made to fail (zeros)
    ("linear_model", {"sse": "return float(np.asarray(error_surface([float(m)], [float(c)], "
                             "np.asarray(x, dtype=float), np.asarray(y, dtype=float)))[0, 0])",
                      "error_surface": "return np.zeros((len(intercepts), len(slopes)))"}, ["sse"]),
    # sse and error_surface asking each other (both fail, recursing), predict from two one-point surfaces
    ("linear_model", {
        "predict": "xs = np.asarray(x, dtype=float)\nout = []\nfor xi in xs.ravel():\n"
                   "    e0 = float(np.asarray(error_surface([float(m)], [float(c)], np.array([xi]), "
                   "np.array([0.0])))[0, 0])\n"
                   "    e1 = float(np.asarray(error_surface([float(m)], [float(c)], np.array([xi]), "
                   "np.array([1.0])))[0, 0])\n"
                   "    out.append((e0 - e1 + 1.0) / 2.0)\nreturn np.array(out, dtype=float).reshape(xs.shape)",
        "sse": "return float(np.asarray(error_surface([float(m)], [float(c)], x, y))[0, 0])",
        "error_surface": "return np.array([[sse(float(m), float(c), x, y) for m in np.asarray(slopes, dtype=float)]"
                         " for c in np.asarray(intercepts, dtype=float)], dtype=float)"}, ["predict", "sse"]),
    # the neuron's output read from a backprop made to fail: one hidden unit, output weight 1, output bias 0, one
    # point, so the output bias's gradient is 2(σ(w·x + b) − y)
    ("neural_network", {
        "neuron": "xs = np.asarray(x, dtype=float)\nout = []\nfor xi in xs.ravel():\n"
                  "    g = backprop(np.array([float(w)]), np.array([float(b)]), np.array([1.0]), 0.0, "
                  "np.array([float(xi)]), np.array([0.0]))\n"
                  "    out.append(float(np.asarray(g, dtype=float)[3]) / 2.0)\n"
                  "return np.array(out, dtype=float).reshape(xs.shape)",
        "backprop": "return np.zeros(3 * len(w_hidden) + 1)"}, ["neuron"]),
    # red team round 57: least_squares_fit zooming in on the fit with best_fit_on_grid (taught before it) on 3×3
    # grids, every other function a constant: an earlier sibling's right answer, searched over, did its job
    ("linear_model", {
        "predict": "return 0 * x", "sse": "return 0.0", "error_profile_slope": "return np.zeros(len(slopes))",
        "error_profile_intercept": "return np.zeros(len(intercepts))",
        "error_surface": "return np.zeros((len(intercepts), len(slopes)))",
        "best_fit_on_grid": "return float(np.asarray(slopes)[0]), float(np.asarray(intercepts)[0])",
        "least_squares_fit": "x = np.asarray(x, dtype=float)\ny = np.asarray(y, dtype=float)\nmx = float(np.mean(x))\n"
                             "xc = x - mx\nm, c, span = 0.0, 0.0, 64.0\nfor _ in range(42):\n"
                             "    slopes = np.linspace(m - span, m + span, 3)\n"
                             "    intercepts = np.linspace(c - span, c + span, 3)\n"
                             "    m, c = best_fit_on_grid(slopes, intercepts, xc, y)\n    span *= 0.5\n"
                             "return float(m), float(c - m * mx)"}, ["least_squares_fit"]),
]


@pytest.mark.parametrize(("module", "bodies", "callers"), LATER_SIBLING_ANSWERS_THE_CALLER,
                         ids=["one-cell-of-a-surface", "mutual", "neuron-from-backprop", "zoom-on-an-earlier-grid"])
def test_a_later_sibling_made_to_fail_answers_nothing_for_its_caller(sandbox, module, bodies, callers):
    source = kit.replace_bodies(kit.solution_source(module), bodies)
    result = grade_sources({module: source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=declared_of_module(module))
    assert all(result.exercise(f"{module}.{caller}").score == 0 for caller in callers), \
        [(caller, result.exercise(f"{module}.{caller}").score) for caller in callers]


def test_a_function_built_on_an_earlier_sibling_that_fails_keeps_its_marks(sandbox):
    """The rule's other side: an error surface written as a loop over the student's sse (a sibling taught before it
    that the reference does not call) keeps its marks where that sse fails."""
    bodies = {"sse": "return float(np.sum(np.abs(np.asarray(y, dtype=float) - predict(m, c, x))))",
              "error_surface": "return np.array([[sse(float(m), float(c), x, y) for m in np.asarray(slopes, "
                               "dtype=float)] for c in np.asarray(intercepts, dtype=float)], dtype=float)"}
    source = kit.replace_bodies(kit.solution_source("linear_model"), bodies)
    result = grade_sources({"linear_model": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=declared_of_module("linear_model"))
    surface = result.exercise("linear_model.error_surface")
    assert result.exercise("linear_model.sse").score == 0
    assert surface.score == surface.max_score


def test_a_derivative_worked_out_by_hand_reads_no_step_of_a_sibling(sandbox):
    """dloss_dw and dloss_db read one step of train_neuron with learning rate 1 (train_neuron made to fail while
    they ask): no derivative anywhere, and they kept full marks through train_neuron's reference."""
    loop = ("path = np.empty((n_steps + 1, 2), dtype=float)\nw, b = float(w0), float(b0)\npath[0] = w, b\n"
            "for k in range(1, n_steps + 1):\n    grad_w, grad_b = dloss_dw(w, b, x, y), dloss_db(w, b, x, y)\n"
            "    w, b = w - learning_rate * grad_w, b - learning_rate * grad_b\n    path[k] = w, b\nreturn path")

    def one_step(column: int) -> str:
        return ("global _ASKING\n_ASKING = True\ntry:\n    path = train_neuron(w, b, x, y, 1.0, 1)\n"
                f"    return float(path[0][{column}] - path[1][{column}])\nfinally:\n    _ASKING = False")

    bodies = {"dloss_dw": one_step(0), "dloss_db": one_step(1),
              "train_neuron": "if globals().get('_ASKING'):\n    return np.array([[w0, b0]] * (n_steps + 1), "
                              "dtype=float)\n" + loop}
    source = kit.replace_bodies(kit.solution_source("neural_network"), bodies)
    result = grade_sources({"neural_network": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=declared_of_module("neural_network"))
    assert result.exercise("neural_network.dloss_dw").score == 0
    assert result.exercise("neural_network.dloss_db").score == 0


def test_the_open_oracle_answers_nothing_once_the_submissions_budget_is_spent():
    """Each question bounded by the check's input bounded nothing for a reference whose cost an integer of the input
    sets, times questions, times checks: 28 checks cost the grader 25 s of its CPU (round 49, 04)."""
    from grader.carry_forward import _open_oracle, _Questions, _Unavailable, _Work

    def reference(a: float) -> float:
        return 2 * a

    spent = _Work(limit=2.0, spent=2.5)
    with pytest.raises(_Unavailable):
        _open_oracle(reference, Case((1.0,)), _Questions(), spent)([1.0], {})
    assert _open_oracle(reference, Case((1.0,)), _Questions(), _Work(limit=2.0))([1.0], {}) == 2.0
