"""Error carried forward: a function that calls the student's own wrong function keeps its marks where it is right
given that function, says where the error is, and costs nothing of the walls or of the hidden inputs."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest

from grader import kit
from grader.batch import _differences, run_record
from grader.curriculum import BY_KEY, DECLARED, of_module
from grader.engine import grade_sources, plan, submission_digest
from grader.plain import Given
from grader.sandbox.client import Allowance, Call, Limits, Sandbox
from grader.spec import SubmissionResult

SSE_GRADIENT_SIGN_FLIPPED = "r = y - (m * x + c)\nreturn float(2 * np.sum(x * r)), float(2 * np.sum(r))"
SSE_GRADIENT_MEAN = "r = y - (m * x + c)\nreturn float(-2 * np.mean(x * r)), float(-2 * np.mean(r))"
SURFACE_TRANSPOSED = ("x = np.asarray(x, dtype=float)\ny = np.asarray(y, dtype=float)\n"
                      "m_grid, c_grid = np.meshgrid(np.asarray(slopes, dtype=float),\n"
                      "                             np.asarray(intercepts, dtype=float))\n"
                      "residuals = y - (m_grid[..., np.newaxis] * x + c_grid[..., np.newaxis])\n"
                      "return np.sum(residuals**2, axis=-1).T")
SSE_MEAN = "return float(np.mean((np.asarray(y, dtype=float) - predict(m, c, x)) ** 2))"
PREDICT_MINUS_C = "return m * np.asarray(x, dtype=float) - c"


def _grade(sandbox, module: str, bodies: dict[str, str], carry_forward: bool = True,
           student: str = "s") -> SubmissionResult:
    source = kit.replace_bodies(kit.solution_source(module), bodies)
    return grade_sources({module: source}, sandbox, student=student, hidden=True, course_seed="c",
                         exercises=of_module(module), carry_forward=carry_forward)


def _carried(result: SubmissionResult, key: str):
    return [check for check in result.exercise(key).checks if check.carried_forward]


@pytest.mark.parametrize("wrong_gradient", [SSE_GRADIENT_SIGN_FLIPPED, SSE_GRADIENT_MEAN], ids=["sign", "mean"])
def test_a_correct_gradient_descent_keeps_its_marks_given_a_wrong_sse_gradient(sandbox, wrong_gradient):
    """The issue's case: a correct gradient_descent lost most of its points and was told it does gradient ascent."""
    key = "gradient_descent.gradient_descent"
    before = _grade(sandbox, "gradient_descent", {"sse_gradient": wrong_gradient}, carry_forward=False)
    after = _grade(sandbox, "gradient_descent", {"sse_gradient": wrong_gradient})
    assert before.exercise(key).score < BY_KEY[key].points  # what the off switch keeps: the old verdict
    assert not _carried(before, key)
    assert after.exercise(key).score == pytest.approx(BY_KEY[key].points)
    carried = _carried(after, key)
    assert carried and {check.visibility for check in carried} == {"public", "hidden"}
    for check in carried:
        assert check.passed and check.score == check.max_score and check.diagnosis == ""
        assert "right given your sse_gradient; the error is in sse_gradient" in check.student_message
        assert "ascent" not in check.student_message
    assert "the error is in sse_gradient" in after.exercise(key).note
    assert after.exercise("gradient_descent.sse_gradient").score == 0  # the wrong function still pays
    assert after.score == pytest.approx(before.score + BY_KEY[key].points - before.exercise(key).score)
    if wrong_gradient is SSE_GRADIENT_SIGN_FLIPPED:
        assert any("ascent" in check.diagnosis for check in before.exercise(key).checks)


def test_best_fit_on_grid_with_a_transposed_error_surface(sandbox):
    """Where the reference gives an answer with the transposed surface, the student's matches it and keeps its share;
    where the reference fails on it too (an index out of range), the check fails and says where to look."""
    key = "linear_model.best_fit_on_grid"
    before = _grade(sandbox, "linear_model", {"error_surface": SURFACE_TRANSPOSED}, carry_forward=False)
    after = _grade(sandbox, "linear_model", {"error_surface": SURFACE_TRANSPOSED})
    assert before.exercise(key).score < after.exercise(key).score
    assert _carried(after, key)
    for check in after.exercise(key).checks:
        if check.carried_forward:
            assert "right given your error_surface; the error is in error_surface" in check.student_message
        elif not check.passed:
            assert "IndexError" in check.student_message or check.visibility == "hidden"
            assert "given your error_surface, the reference best_fit_on_grid fails on this input too" \
                in check.student_message
    assert after.exercise("linear_model.error_surface").score == 0


def test_error_profiles_keep_their_marks_given_a_wrong_sse(sandbox):
    after = _grade(sandbox, "linear_model", {"sse": SSE_MEAN})
    before = _grade(sandbox, "linear_model", {"sse": SSE_MEAN}, carry_forward=False)
    for function in ("error_profile_slope", "error_profile_intercept"):
        key = f"linear_model.{function}"
        assert before.exercise(key).score == 0
        assert after.exercise(key).score == pytest.approx(BY_KEY[key].points)
        assert all("the error is in sse " in check.student_message for check in _carried(after, key))
    assert after.exercise("linear_model.sse").score < BY_KEY["linear_model.sse"].points


def test_a_component_in_float32_is_carried_forward_with_the_types_its_caller_passes(sandbox):
    """Bug (twenty-eighth holdout): `predict` computing in float32 cost the error profiles too. The profile iterates
    `np.asarray(slopes, dtype=float)` and passes `np.float64` slopes down; the reference, asking the child for the
    student's `sse`, sent them as Python floats, and NumPy 2 rounds `2.0 * float32 array` to float32 but
    `np.float64(2.0) * float32 array` not: the student's own chain and the reference's differed past the tolerance.
    Error carried forward's calls keep NumPy's scalar types and dtypes now."""
    result = _grade(sandbox, "linear_model", {"predict": "return m * np.asarray(x, dtype=np.float32) + c"})
    lost = {e.exercise for e in result.exercises if e.score < e.max_score - 1e-9}
    assert lost == {"linear_model.predict"}
    assert any(_carried(result, "linear_model.error_profile_slope"))


def test_a_component_answering_float32_is_carried_forward_with_its_own_types(sandbox):
    """Bug (twenty-ninth holdout): `neuron` in float32 cost `dloss_dw` and `dloss_db` too. The student's derivative
    computes σ(1 − σ) in float32 from what `neuron` returns; the reference, given the student's `neuron`, read its
    answer as float64 and computed that product in double precision. The answers of error carried forward's calls
    keep the child's NumPy types now."""
    source = kit.replace_bodies(kit.solution_source("neural_network"),
                                {"neuron": "return sigmoid(w * np.asarray(x, dtype=np.float32) + b)"})
    result = grade_sources({"neural_network": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=[e for e in DECLARED if e.module == "neural_network"])
    lost = {e.exercise for e in result.exercises if e.score < e.max_score - 1e-9}
    assert lost == {"neural_network.neuron"}
    assert any(_carried(result, "neural_network.dloss_dw"))


def test_a_component_off_by_a_known_constant_factor_is_carried_forward(sandbox):
    """A partial derivative with its difference reversed and divided by h is −2 times the right one (a sign and
    a factor 2, both known): a correct gradient calling it keeps its marks; it once lost them, a factor never
    being carried forward."""
    reversed_difference = ("p = np.array(point, dtype=float)\ne = np.zeros_like(p)\ne[i] = h\n"
                           "return float((f(p - e) - f(p + e)) / h)")
    after = _grade(sandbox, "partial_derivatives", {"partial_derivative": reversed_difference})
    own = after.exercise("partial_derivatives.partial_derivative")
    assert own.score == 0
    key = "partial_derivatives.gradient"
    assert after.exercise(key).score == pytest.approx(BY_KEY[key].points)
    assert all("the error is in partial_derivative" in check.student_message for check in _carried(after, key))


def test_a_component_that_changes_its_argument_in_place_is_carried_forward(sandbox):
    """partial_derivative leaves its point changed (the step added, never taken back): a correct gradient calling
    it keeps its marks, the change being done to the reference's point too; it once lost them."""
    not_restored = ("p = np.asarray(point, dtype=float)\np[i] += h\nup = f(p)\np[i] -= 2 * h\ndown = f(p)\n"
                    "return float((up - down) / (2 * h))")
    after = _grade(sandbox, "partial_derivatives", {"partial_derivative": not_restored})
    assert after.exercise("partial_derivatives.partial_derivative").score < BY_KEY[
        "partial_derivatives.partial_derivative"].points
    key = "partial_derivatives.gradient"
    assert after.exercise(key).score == pytest.approx(BY_KEY[key].points)


STEP_IN_PLACE = ("w = np.asarray(weights, dtype=float)\nw -= learning_rate * np.asarray(grad, dtype=float)\n"
                 "return w")
DESCENT_KEEPING_EACH_STEP = ("w = np.array([m0, c0], dtype=float)\npath = [w]\nfor _ in range(n_steps):\n"
                             "    w = gradient_step(w, np.array(sse_gradient(w[0], w[1], x, y)), learning_rate)\n"
                             "    path.append(w)\nreturn np.array(path)")


def test_a_caller_right_given_a_callee_that_keeps_its_arguments_keeps_its_marks(sandbox):
    """gradient_step changes the weights it is given (its own checks count that), and a correct gradient_descent
    appends each array the step returns: the next step changes the row appended before, so every row came out the
    last. The reference descent copies each row, so the reference with the student's step agreed with nothing,
    and the descent lost every point (red team round 24). With the step kept from changing its arguments, the
    descent is right: it keeps its marks, told the error is in gradient_step."""
    key = "gradient_descent.gradient_descent"
    bodies = {"gradient_step": STEP_IN_PLACE, "gradient_descent": DESCENT_KEEPING_EACH_STEP}
    before = _grade(sandbox, "gradient_descent", bodies, carry_forward=False)
    after = _grade(sandbox, "gradient_descent", bodies)
    assert before.exercise(key).score < BY_KEY[key].points
    assert after.exercise(key).score == pytest.approx(BY_KEY[key].points)
    carried = _carried(after, key)
    assert carried and {check.visibility for check in carried} == {"public", "hidden"}
    for check in carried:
        assert "right given that your gradient_step left its arguments as they were; the error is in " \
               "gradient_step, which changes an argument in place" in check.student_message
    assert after.exercise("gradient_descent.gradient_step").score < BY_KEY["gradient_descent.gradient_step"].points


def test_callers_the_reference_writes_without_the_callee_keep_their_marks_given_it_kept_intact(sandbox):
    """predict scales x in place; error_surface and best_fit_on_grid written as loops over sse (which calls
    predict) are right, but the reference error_surface never calls predict, so nothing was carried: which
    functions a caller reaches is read from the student's code."""
    bodies = {"predict": "x = np.asarray(x, dtype=float)\nx *= m\nx += c\nreturn x",
              "error_surface": "return np.array([[sse(m, c, x, y) for m in slopes] for c in intercepts])",
              "best_fit_on_grid": "pairs = [(sse(m, c, x, y), m, c) for c in intercepts for m in slopes]\n"
                                  "best = min(pairs, key=lambda pair: pair[0])\nreturn float(best[1]), float(best[2])"}
    result = _grade(sandbox, "linear_model", bodies)
    assert result.exercise("linear_model.predict").score < BY_KEY["linear_model.predict"].points
    for key in ("linear_model.error_surface", "linear_model.best_fit_on_grid"):
        assert result.exercise(key).score == pytest.approx(BY_KEY[key].points), key
        assert any("the error is in predict, which changes an argument in place" in check.student_message
                   for check in _carried(result, key)), key


def test_a_caller_given_a_list_where_an_array_is_promised_keeps_its_marks(sandbox):
    """Red team round 24 (11): error_surface answering a list of lists, and neuron a list, keep their own marks (a
    list is accepted as an answer), but best_fit_on_grid, the reference's own code, raised on `.shape`, and dloss_dw
    and dloss_db on `1 - out`: correct callers lost every point. Given the array promised, they are right."""
    result = _grade(sandbox, "linear_model",
                    {"error_surface": "return [[sse(m, c, x, y) for m in slopes] for c in intercepts]"})
    key = "linear_model.best_fit_on_grid"
    assert result.exercise(key).score == pytest.approx(BY_KEY[key].points)
    assert any("given that your error_surface answered a NumPy array, as its docstring promises" in c.student_message
               for c in _carried(result, key))
    source = kit.replace_bodies(kit.solution_source("neural_network"),
                                {"neuron": "return [sigmoid(w * xi + b) for xi in x]"})
    result = grade_sources({"neural_network": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=[e for e in DECLARED if e.module == "neural_network"])
    for key in ("neural_network.dloss_dw", "neural_network.dloss_db"):
        assert result.exercise(key).score == pytest.approx(result.exercise(key).max_score), key


def test_a_wrong_caller_is_not_credited_because_a_callee_changes_its_arguments(sandbox):
    """Kept intact, the callee changes nothing a wrong caller gets wrong: a descent one step short still loses."""
    key = "gradient_descent.gradient_descent"
    short = DESCENT_KEEPING_EACH_STEP.replace("range(n_steps)", "range(n_steps - 1)")
    result = _grade(sandbox, "gradient_descent", {"gradient_step": STEP_IN_PLACE, "gradient_descent": short})
    assert result.exercise(key).score < BY_KEY[key].points
    assert not any("changes an argument in place" in check.student_message for check in _carried(result, key))


@pytest.mark.parametrize(("descent", "keeps_marks"), [
    (DESCENT_KEEPING_EACH_STEP, True),
    (DESCENT_KEEPING_EACH_STEP.replace("range(n_steps)", "range(n_steps - 1)"), False),  # one step short: wrong
])
def test_a_caller_is_judged_given_a_callee_with_a_slip_beside_its_change_in_place(sandbox, descent, keeps_marks):
    """Red team round 25 (02): a step that changes its argument in place and goes twice as far cost a correct
    descent every point: kept intact, the descent still had the step's factor 2; given the student's step, the
    reference copied what the descent keeps. The two rules compose: given the step's answers, kept intact."""
    key = "gradient_descent.gradient_descent"
    step = STEP_IN_PLACE.replace("w -= learning_rate", "w -= 2 * learning_rate")
    result = _grade(sandbox, "gradient_descent", {"gradient_step": step, "gradient_descent": descent})
    assert (result.exercise(key).score == pytest.approx(BY_KEY[key].points)) == keeps_marks
    carried = _carried(result, key)
    assert bool(carried) == keeps_marks
    assert all("right given your gradient_step, with gradient_step leaving its arguments as they were" in
               check.student_message for check in carried)


def test_a_caller_whose_callee_fails_is_told_no_pair_of_slips(sandbox):
    """Red team round 24 (04): sse_gradient without its factor 2 and a descent updating one weight after the other:
    the descent was told "two slips together: half of the sum, and a sequential update", the first the callee's.
    The answers cannot say which function holds which slip: no pair is fitted to a caller whose callee fails."""
    bodies = {"sse_gradient": "r = y - (m * x + c)\nreturn float(-np.sum(x * r)), float(-np.sum(r))",
              "gradient_descent": "path = [[m0, c0]]\nm, c = m0, c0\nfor _ in range(n_steps):\n"
                                  "    gm, gc = sse_gradient(m, c, x, y)\n    m = m - learning_rate * gm\n"
                                  "    gm, gc = sse_gradient(m, c, x, y)\n    c = c - learning_rate * gc\n"
                                  "    path.append([m, c])\nreturn np.array(path, dtype=float)"}
    result = _grade(sandbox, "gradient_descent", bodies)
    failed = [check for check in result.exercise("gradient_descent.gradient_descent").checks if not check.passed]
    assert failed and not any("two slips" in check.student_message or "half of the sum" in check.student_message
                              for check in failed)


def test_an_error_two_calls_down_is_named_where_it_is(sandbox):
    """predict is wrong (a known mistake); sse is right given it; the profiles are right given sse: they point
    at predict."""
    result = _grade(sandbox, "linear_model", {"predict": "return c * np.asarray(x, dtype=float) + m"})
    assert result.exercise("linear_model.sse").score == pytest.approx(BY_KEY["linear_model.sse"].points)
    profile = _carried(result, "linear_model.error_profile_slope")
    assert profile and all("the error is in predict, which your sse calls" in c.student_message for c in profile)
    assert result.exercise("linear_model.predict").score == 0


@pytest.mark.parametrize("composite", [
    # sequential update: wrong whatever the gradient
    "path = [[float(m0), float(c0)]]\nm, c = float(m0), float(c0)\nfor _ in range(n_steps):\n"
    "    m = m - learning_rate * sse_gradient(m, c, x, y)[0]\n"
    "    c = c - learning_rate * sse_gradient(m, c, x, y)[1]\n    path.append([m, c])\nreturn np.array(path)",
    # one step short
    "path = [[float(m0), float(c0)]]\nw = np.array([m0, c0], dtype=float)\nfor _ in range(max(n_steps - 1, 0)):\n"
    "    w = gradient_step(w, sse_gradient(w[0], w[1], x, y), learning_rate)\n    path.append(w)\n"
    "path += [path[-1]] * (n_steps + 1 - len(path))\nreturn np.array(path)",
], ids=["sequential", "one-step-short"])
def test_a_wrong_gradient_descent_with_a_wrong_sse_gradient_still_loses_marks(sandbox, composite):
    key = "gradient_descent.gradient_descent"
    result = _grade(sandbox, "gradient_descent", {"sse_gradient": SSE_GRADIENT_MEAN, "gradient_descent": composite})
    exercise = result.exercise(key)
    assert exercise.score < BY_KEY[key].points
    failed = [check for check in exercise.checks if not check.passed]
    assert failed and not any("carried forward" in check.student_message for check in failed)


def test_a_component_that_answers_a_constant_earns_its_caller_nothing(sandbox):
    """A zero gradient and a 'descent' that stays at its start are consistent, but say nothing of the algorithm."""
    key = "gradient_descent.gradient_descent"
    bodies = {"sse_gradient": "return 0.0, 0.0",
              "gradient_descent": "return np.tile(np.array([m0, c0], dtype=float), (n_steps + 1, 1))"}
    result = _grade(sandbox, "gradient_descent", bodies)
    assert not _carried(result, key)
    assert result.exercise(key).score < BY_KEY[key].points


def test_any_module_whose_reference_calls_its_own_exercises_carries_errors_forward(sandbox):
    """Nothing is declared per exercise: the fifth module's train_neuron keeps its marks given a wrong dloss_dw."""
    exercises = [exercise for exercise in DECLARED if exercise.module == "neural_network"]
    source = kit.replace_bodies(kit.solution_source("neural_network"),
                                {"dloss_dw": "out = neuron(w, b, x)\nreturn float(np.sum(2 * (out - y) * x))"})
    result = grade_sources({"neural_network": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=exercises)
    train = result.exercise("neural_network.train_neuron")
    assert train.score == pytest.approx(train.max_score) and "the error is in dloss_dw" in train.note
    assert result.exercise("neural_network.dloss_dw").score == 0


def _secrets(exercise_key: str, student: str, sources: dict[str, str]) -> list[str]:
    """Every non-trivial number of the hidden inputs of the submission `sources`, as the feedback would show it."""
    secrets = []
    for p in plan([BY_KEY[exercise_key]], hidden=True, course_seed="c", student=student,
                  submission=submission_digest(sources)):
        if p.visibility != "hidden":
            continue
        for value in (*p.case.args, *p.case.kwargs.values()):
            if isinstance(value, Given):
                continue
            secrets += [f"{number:.4g}" for number in np.ravel(np.asarray(value, dtype=float))
                        if abs(number) > 1e-3 and number != round(number)]
    return secrets


def test_hidden_checks_reveal_nothing_and_are_evaluated_after_the_public_ones(sandbox, monkeypatch):
    """A hidden check's carried message is a fixed text naming functions; its evaluation runs in the session of
    the public ones (one child, only the student's modules), after every public evaluation: a public one never
    runs in a child that holds a hidden input. The checks with the right components run in a child of their
    own, the public checks' before the hidden ones'."""
    key = "gradient_descent.gradient_descent"
    sessions: list[list[Call]] = []
    sources_sent: list[dict[str, str]] = []
    opened = Sandbox.session

    @contextlib.contextmanager
    def recording(self, sources, allowance=None):
        calls: list[Call] = []
        sessions.append(calls)
        sources_sent.append(dict(sources))
        with opened(self, sources, allowance) as session:
            original = session.call

            def call(made: Call):
                calls.append(made)
                return original(made)

            session.call = call  # type: ignore[method-assign]
            yield session

    monkeypatch.setattr(Sandbox, "session", recording)
    result = _grade(sandbox, "gradient_descent", {"sse_gradient": SSE_GRADIENT_SIGN_FLIPPED})
    source = kit.replace_bodies(kit.solution_source("gradient_descent"), {"sse_gradient": SSE_GRADIENT_SIGN_FLIPPED})
    assert sources_sent and all(sent == {"gradient_descent": source} for sent in sources_sent)
    public_x, hidden_x = (
        {tuple(np.ravel(p.case.args[0])) for p in plan([BY_KEY[key]], hidden=True, course_seed="c", student="s",
                                                      submission=submission_digest({"gradient_descent": source}))
         if p.visibility == visibility} for visibility in ("public", "hidden"))
    evaluations = [calls for calls in sessions if all(call.function == "sse_gradient" for call in calls)]
    checks = [calls for calls in sessions if calls not in evaluations]
    assert len(evaluations) == 1
    seen = [tuple(np.ravel(call.args[2])) for call in evaluations[0]]
    first_hidden = next(index for index, x in enumerate(seen) if x not in public_x)
    assert 0 < first_hidden and set(seen[first_hidden:]) <= hidden_x
    assert len(checks) == 1  # every public check passed there: the caller's hidden checks follow in that child
    assert all(call.function == "gradient_descent" and call.oracles for call in checks[0])
    checked = [tuple(np.ravel(call.args[0])) for call in checks[0]]
    first_hidden_check = next(index for index, x in enumerate(checked) if x not in public_x)
    assert 0 < first_hidden_check and set(checked[first_hidden_check:]) <= hidden_x
    hidden = [check for check in _carried(result, key) if check.visibility == "hidden"]
    assert hidden
    for check in hidden:
        assert "call:" not in check.student_message and "expected:" not in check.student_message
        for secret in _secrets(key, "s", {"gradient_descent": source}):
            assert secret not in check.student_message


def test_nothing_to_carry_opens_no_session(sandbox, monkeypatch, solution_sources):
    """Correct work, or a wrong function nobody calls, costs no extra child."""
    def refuse(*args, **kwargs):
        raise AssertionError("a session was opened")

    monkeypatch.setattr(Sandbox, "session", refuse)
    assert grade_sources({"linear_model": solution_sources["linear_model"]}, sandbox, hidden=True, course_seed="c",
                         exercises=of_module("linear_model")).score == pytest.approx(25)
    wrong = _grade(sandbox, "linear_model", {"least_squares_fit": "return 0.0, 0.0"})
    assert wrong.exercise("linear_model.least_squares_fit").score == 0


def test_a_resume_with_carry_forward_switched_is_refused():
    on, off = (run_record("seed", Limits(), ["linear_model"], carry_forward) for carry_forward in (True, False))
    assert _differences(on, off) == ["error carried forward on (now off)"]
    assert _differences(off, on) == ["error carried forward off (now on)"]
    before_the_option = {key: value for key, value in on.items() if key != "carry_forward"}
    assert _differences(before_the_option, on) == []


# ----- the sandbox's sessions -------------------------------------------------------------------------------

SESSION_MODULE = """
import numpy as np
calls = []

def remember(x):
    calls.append(x)
    return len(calls)

def spin(x):
    while True:
        pass

def big(x):
    return list(range(9000))
"""


@pytest.fixture(scope="module")
def quick_sandbox():
    with Sandbox(Limits(call_seconds=1.0, load_seconds=5.0, total_seconds=30.0)) as box:
        yield box


def test_a_session_answers_calls_one_at_a_time_in_one_child(quick_sandbox):
    with quick_sandbox.session({"probe": SESSION_MODULE}) as session:
        assert [session.call(Call("probe", "remember", (k,))).value for k in range(3)] == [1, 2, 3]
        assert session.call(Call("probe", "absent", (1,))).status == "missing"
        assert session.call(Call("other", "remember", (1,))).status == "load_error"
    with quick_sandbox.session({"probe": SESSION_MODULE}) as fresh:  # a new session holds nothing of the last
        assert fresh.call(Call("probe", "remember", (0,))).value == 1


def test_a_hung_call_ends_the_session_and_a_closed_session_makes_no_call(quick_sandbox):
    with quick_sandbox.session({"probe": SESSION_MODULE}) as session:
        assert session.call(Call("probe", "spin", (1,))).status == "timeout"
        assert session.call(Call("probe", "remember", (1,))).status == "skipped"
    assert session.call(Call("probe", "remember", (1,))).status == "skipped"


def test_a_session_keeps_the_submissions_answer_budget(quick_sandbox):
    """Answers count against the submission's budget, as in `run`: past it, the child is ended."""
    allowance = Allowance(Limits(answer_bytes=20_000))
    with quick_sandbox.session({"probe": SESSION_MODULE}, allowance) as session:
        assert session.call(Call("probe", "remember", (1,))).status == "ok"
        outcome = session.call(Call("probe", "big", (1,)))
        assert outcome.status == "died" and "answers passed" in outcome.error
        assert session.call(Call("probe", "remember", (1,))).status == "skipped"


def test_a_module_that_fails_to_import_is_reported_by_the_session(quick_sandbox):
    with quick_sandbox.session({"probe": "raise ValueError('no')"}) as session:
        assert session.call(Call("probe", "remember", (1,))).status == "load_error"
        assert "ValueError" in session.load_errors["probe"]


def test_calcgrade_grade_no_carry_forward_restores_the_old_verdict(tmp_path):
    import csv
    import subprocess
    import sys

    folder = tmp_path / "subs" / "ann"
    folder.mkdir(parents=True)
    (folder / "gradient_descent.py").write_text(
        kit.replace_bodies(kit.solution_source("gradient_descent"), {"sse_gradient": SSE_GRADIENT_SIGN_FLIPPED}))
    scores = {}
    for flag in ((), ("--no-carry-forward",)):
        out = tmp_path / ("off" if flag else "on")
        completed = subprocess.run([sys.executable, "-m", "grader.cli", "grade", str(tmp_path / "subs"), "--out",
                                    str(out), "--seed", "course", "--jobs", "1", *flag],
                                   capture_output=True, text=True, timeout=300)
        assert completed.returncode == 0, completed.stderr
        with open(out / "gradebook.csv", encoding="utf-8") as gradebook:
            row = next(csv.DictReader(gradebook))
        scores[bool(flag)] = float(row["gradient_descent.gradient_descent"])
    assert scores[False] == pytest.approx(BY_KEY["gradient_descent.gradient_descent"].points)
    assert scores[True] < scores[False]


NONSENSE_COMPONENTS = {  # components that answer nothing a mistake explains, and callers that do nothing
    "gradient_step": "w = np.asarray(weights, dtype=float)\nreturn w + 1e-13 * np.random.rand(*w.shape)",
    "gradient_descent": "return np.tile(np.array([m0, c0], dtype=float), (n_steps + 1, 1))",
}


def test_a_component_that_answers_nonsense_carries_nothing_forward(sandbox):
    """A step that does not move made a descent that returns its start look right given it: 7 points with no
    calculus. From a component that is no recognised slip, a caller is credited only if it is right with the
    right components too, and this one is not."""
    result = _grade(sandbox, "gradient_descent", NONSENSE_COMPONENTS)
    assert result.exercise("gradient_descent.gradient_descent").score == 0
    assert not _carried(result, "gradient_descent.gradient_descent")


# Wrong in ways no diagnosis explains: their callers are credited only after being checked with the right ones.
UNEXPLAINED = {
    "partial_derivatives": {"partial_derivative": "p = np.array(point, dtype=float)\n"
                                                  "return float((f(p + h) - f(p - h)) / (2 * h))"},
    "gradient_descent": {"sse_gradient": "dm = dc = 0.0\nfor i in range(1, len(x)):\n"
                                         "    err = m * x[i] + c - y[i]\n    dm += 2 * err * x[i]\n    dc += err\n"
                                         "return float(dm), float(dc)"},
    "linear_model": {"error_surface": "x = np.asarray(x, dtype=float)\ny = np.asarray(y, dtype=float)\n"
                                      "return np.array([[np.sum(np.abs(y - (m * x + c))) for m in slopes] "
                                      "for c in intercepts])"},
}
CALLERS = {"partial_derivatives": "partial_derivatives.gradient",
           "gradient_descent": "gradient_descent.gradient_descent", "linear_model": "linear_model.best_fit_on_grid"}


@pytest.mark.parametrize("module", sorted(UNEXPLAINED))
def test_a_right_caller_keeps_its_marks_given_a_component_no_diagnosis_explains(sandbox, module):
    """Every coordinate nudged at once, a gradient skipping the first point and ∂SSE/∂c's 2 (two slips), a
    surface of absolute errors (and transposed): no recognised slip, yet the function calling it is right, as
    its check with the right components shows."""
    key = CALLERS[module]
    result = _grade(sandbox, module, UNEXPLAINED[module])
    assert result.exercise(key).score == pytest.approx(BY_KEY[key].points)
    assert _carried(result, key)
    (component,) = UNEXPLAINED[module]
    assert result.exercise(f"{module}.{component}").score < BY_KEY[f"{module}.{component}"].points


def test_a_caller_that_ignores_an_unexplained_component_is_not_credited(sandbox):
    """The attack the check with the right components stops: a component that barely moves (no recognised
    slip) and a descent that stays at its start agree, but with the right gradient the descent still stays."""
    bodies = {"sse_gradient": "return 1e-12 * float(np.sum(x)), 1e-12 * float(np.sum(y))",
              "gradient_descent": "return np.tile(np.array([m0, c0], dtype=float), (n_steps + 1, 1))"}
    result = _grade(sandbox, "gradient_descent", bodies)
    assert not _carried(result, "gradient_descent.gradient_descent")
    assert result.exercise("gradient_descent.gradient_descent").score == 0


@pytest.mark.parametrize("probe", [
    # many points of its own choosing: beyond the few questions answered beside the reference's
    "for shift in range(1, 12):\n    partial_derivative(f, [float(v) + shift for v in point], 0, h)\n",
    # an index the reference never passes: another kind of question
    "partial_derivative(f, point, 7, h)\n",
], ids=["many-points", "other-index"])
def test_a_caller_that_asks_off_the_references_path_gets_no_answer(sandbox, probe):
    """The parent answers a component's calls on the arguments the reference reaches and on a few more of the
    same kind: a gradient that also asks many points of its own choosing, or an index the reference never passes,
    gets nothing more, and is not credited (it is right given the student's own partial_derivative, so only the
    check with the right one refuses it)."""
    body = probe + "return np.array([partial_derivative(f, point, i, h) for i in range(len(point))], dtype=float)"
    result = _grade(sandbox, "partial_derivatives", {**UNEXPLAINED["partial_derivatives"], "gradient": body})
    assert not _carried(result, "partial_derivatives.gradient")
    assert _carried(_grade(sandbox, "partial_derivatives", UNEXPLAINED["partial_derivatives"]),
                    "partial_derivatives.gradient")


def test_a_right_caller_that_asks_one_question_more_keeps_its_marks(sandbox):
    """A right gradient_descent that takes the next gradient at the end of each pass asks sse_gradient once more
    than the reference (at the last point, never used): it was refused that answer, lost all 7 points and was
    told "gradient ascent", sse_gradient's slip (red team round 48, 08)."""
    key = "gradient_descent.gradient_descent"
    body = ("path = [[float(m0), float(c0)]]\nm, c = float(m0), float(c0)\ng = sse_gradient(m, c, x, y)\n"
            "for _ in range(n_steps):\n    m, c = m - learning_rate * g[0], c - learning_rate * g[1]\n"
            "    path.append([m, c])\n    g = sse_gradient(m, c, x, y)\nreturn np.array(path)")
    result = _grade(sandbox, "gradient_descent", {"sse_gradient": SSE_GRADIENT_SIGN_FLIPPED, "gradient_descent": body})
    assert result.exercise(key).score == pytest.approx(BY_KEY[key].points)
    assert all("ascent" not in check.student_message for check in result.exercise(key).checks)


def test_a_right_caller_with_two_failing_components_on_the_longest_check_keeps_its_marks(sandbox):
    """The reference's own gradient_descent with two failing components (sse_gradient's signs flipped, a
    gradient_step that changes `weights` in place): the 300-step check asks 600 component calls, beyond the
    budget of 400 it had, and lost its share with "gradient ascent" (red team round 48, 09)."""
    key = "gradient_descent.gradient_descent"
    in_place = ("w = np.asarray(weights, dtype=float)\nw -= learning_rate * np.asarray(grad, dtype=float)\n"
                "return w")
    result = _grade(sandbox, "gradient_descent", {"sse_gradient": SSE_GRADIENT_SIGN_FLIPPED,
                                                   "gradient_step": in_place})
    assert result.exercise(key).score == pytest.approx(BY_KEY[key].points)
    assert all("ascent" not in check.student_message for check in result.exercise(key).checks)


def test_a_caller_failing_where_its_component_raises_keeps_its_marks_if_right(sandbox):
    """A descent that climbs overflows; best_of_starts raises with it, as the reference does given it, and is
    right with the right descent: it keeps its marks."""
    climbing = "x = float(x0)\nfor _ in range(n_steps):\n    x = x + learning_rate * df(x)\nreturn float(x)"
    result = _grade(sandbox, "gradient_descent", {"descend_1d": climbing})
    key = "gradient_descent.best_of_starts"
    assert result.exercise(key).score == pytest.approx(BY_KEY[key].points)
    assert _carried(result, key)


def test_a_trajectory_gone_to_nan_with_the_students_component_is_carried_where_the_caller_is_right(sandbox):
    """A neuron with its bias outside the activation sends train_neuron's weights to infinity and NaN; the
    reference does the same given it, and the student's train_neuron is right with the right neuron."""
    from grader.curriculum import DECLARED

    source = kit.replace_bodies(kit.solution_source("neural_network"),
                                {"neuron": "return sigmoid(w * np.asarray(x, dtype=float)) + b"})
    result = grade_sources({"neural_network": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=[exercise for exercise in DECLARED if exercise.module == "neural_network"])
    train = result.exercise("neural_network.train_neuron")
    assert train.score == pytest.approx(train.max_score) and "the error is in neuron" in train.note


ORACLE_MODULE = """
def component(x):
    return -1

def caller(x):
    return [component(x), component(x + 1)]
"""


def test_a_sessions_oracle_answers_from_the_parent_for_that_call_only(quick_sandbox):
    """A call naming an oracle has the module's function answered by the parent (refusals raise in the child);
    the student's own function is back for the next call."""
    asked = []

    def oracle(args, kwargs):
        asked.append(args)
        if args[0] > 1:
            raise ValueError("not on the path")
        return 10 * args[0]

    with quick_sandbox.session({"probe": ORACLE_MODULE}) as session:
        assert session.call(Call("probe", "caller", (0,), oracles={"component": oracle})).value == [0, 10]
        refused = session.call(Call("probe", "caller", (1,), oracles={"component": oracle}))
        assert refused.status == "error" and "OracleUnavailable" in refused.error
        assert session.call(Call("probe", "caller", (0,))).value == [-1, -1]
        unoffered = session.call(Call("probe", "caller", (0,), oracles={"other": oracle}))
        assert unoffered.value == [-1, -1]
    assert asked == [[0], [1], [1], [2]]


GRADIENT_STEP_ASCENT = "return np.asarray(weights, dtype=float) + learning_rate * np.asarray(grad, dtype=float)"
DESCEND_ON_GRADIENT_STEP = ("x = np.array([float(x0)])\nfor _ in range(n_steps):\n"
                            "    x = gradient_step(x, [df(x[0])], learning_rate)\nreturn float(x[0])")


def test_a_right_caller_built_on_a_function_the_reference_does_not_call_keeps_its_marks(sandbox):
    """descend_1d written with the student's own gradient_step (the reference's calls nothing), whose sign slipped:
    descend_1d lost all its points and was told "gradient ascent", and best_of_starts, which calls it, was told the
    error is in descend_1d (red team round 48, 04). Judged with a right gradient_step, it is right."""
    result = _grade(sandbox, "gradient_descent", {"gradient_step": GRADIENT_STEP_ASCENT,
                                                   "descend_1d": DESCEND_ON_GRADIENT_STEP})
    descend, best = result.exercise("gradient_descent.descend_1d"), result.exercise("gradient_descent.best_of_starts")
    assert descend.score == pytest.approx(descend.max_score) and best.score == pytest.approx(best.max_score)
    told = "right with a right gradient_step, which it calls; the error is in gradient_step"
    for check in descend.checks:
        assert told in check.student_message
        assert "ascent" not in check.student_message
    assert all("the error is in gradient_step, which your descend_1d calls" in check.student_message
               for check in best.checks if check.carried_forward)
    assert result.exercise("gradient_descent.gradient_step").score < BY_KEY["gradient_descent.gradient_step"].points


@pytest.mark.parametrize("descend", [
    # a slip of its own beside the one of gradient_step: wrong with the right gradient_step too
    DESCEND_ON_GRADIENT_STEP.replace("range(n_steps)", "range(n_steps - 1)"),
    # a question far larger than the check's input: refused, and the check fails
    "x = np.array([float(x0)])\ngradient_step(np.zeros(10**5), np.zeros(10**5), learning_rate)\n"
    "for _ in range(n_steps):\n    x = gradient_step(x, [df(x[0])], learning_rate)\nreturn float(x[0])",
], ids=["own-slip", "question-too-large"])
def test_a_caller_built_on_a_function_the_reference_does_not_call_is_not_credited_when_wrong(sandbox, descend):
    result = _grade(sandbox, "gradient_descent", {"gradient_step": GRADIENT_STEP_ASCENT, "descend_1d": descend})
    assert not _carried(result, "gradient_descent.descend_1d")
    assert result.exercise("gradient_descent.descend_1d").score < BY_KEY["gradient_descent.descend_1d"].points
