"""The diagnosis engine: the student's formula read as data (symbolic), and generic operators on the reference
(behaviour). Each kind gets real student bodies with the right explanation, and bodies about which nothing certain
can be said, which must get none."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from grader import kit
from grader.curriculum import BY_KEY
from grader.curriculum.common import parent_call
from grader.diagnosis import AnswerSeen, reader, replace_hint
from grader.diagnosis import symbolic as symbolic_module
from grader.diagnosis.behaviour import explain
from grader.diagnosis.symbolic import analyse
from grader.engine import LIVE, grade_sources, plan


def finding(key: str, body: str):
    exercise = BY_KEY[key]
    return analyse(exercise, kit.variant_source(exercise.module, exercise.function, body))


# ----- symbolic: real mistakes get the right explanation ---------------------------------------------------


def test_a_missing_half_of_the_product_rule_is_shown_in_the_students_terms():
    found = finding("derivatives.df_wave", "return 3 * np.cos(3 * x) * np.exp(-x**2 / 2)")
    assert found.name == "formula: product rule term missing"
    assert "misses the term −x·e^(−x²/2)·sin(3x)" in found.hint and "factor e^(−x²/2)" in found.hint


@pytest.mark.parametrize(("key", "body", "name", "says"), [
    ("derivatives.df_poly", "return 3 * x**2 - 6 * x + 9", "formula: a term's factor",
     "has −6x where the right one has −12x"),
    ("derivatives.df_poly", "return 3 * x**2 - 12 * x - 9", "formula: sign of a term",
     "the term 9 with the wrong sign"),
    ("derivatives.df_log", "return 2 * x / ((1 + x**2) * np.log(10))", "formula: constant factor", "1/log(10) times"),
    ("derivatives.df_log", "u = 1 + x * x\nreturn 2 / u", "formula: a factor", "1/x times"),
    ("gradient_descent.df_nonconvex", "return 4 * x**3 - 6 * x", "linear term dropped", "exactly this mistake"),
    ("gradient_descent.df_nonconvex", "return 4 * x**3 - 6 * x**2 + 1", "formula: power not lowered",
     "d/dx x² = 2x; your answer keeps the power 2"),
    ("partial_derivatives.dg_dy", "return 2 * x * y + y * np.cos(x * y)", "differentiated with respect to x",
     "exactly this mistake"),
    ("partial_derivatives.dg_dx", "return 2 * x * y + np.cos(x * y) * x", "formula: a term replaced",
     "has x·cos(x·y) where the right one has y·cos(x·y)"),
    ("derivatives.dsigmoid", "return -1 / (1 + np.exp(-x))**2", "formula: missing inner derivative",
     "the inner derivative −e^(−x) of 1 + e^(−x)"),
    ("gradient_descent.sse_gradient", "r = y - (m * x + c)\nreturn float(-2 * np.sum(r)), float(-2 * x @ r)",
     "formula: outputs swapped", "swapped"),
    ("gradient_descent.sse_gradient", "r = y - m * x\nreturn -2 * np.sum(x * r), -2 * np.sum(r)",
     "formula: missing term", "∂SSE/∂m misses the term 2c·Σx"),
    ("gradient_descent.sse_gradient", "r = y - (m * x + c)\nreturn -2 * np.sum(x * r) / len(x), -2 * np.sum(r)",
     "formula: a factor", "a mean"),
    # a count read as `x.size`, `x.shape[0]` or `np.size(x)` (once unreadable), off by one in both partials: the
    # one factor said once, as the division it is (was: no factor found, the formulas echoed)
    ("gradient_descent.sse_gradient", "r = y - (m * x + c)\nn = x.size\n"
     "return float(-2 * np.sum(x * r) / (n - 1)), float(-2 * np.sum(r) / (n - 1))",
     "formula: a factor", "each of your partials is 1/(n − 1) times the right one (a division by n − 1"),
    ("gradient_descent.sse_gradient", "r = y - (m * x + c)\n"
     "return -2 * np.sum(x * r) / x.shape[0], -2 * np.sum(r) / np.size(y)", "mean instead of sum",
     "exactly this mistake"),
    # one differentiation too many (the fortieth holdout: nothing was found, the formula echoed)
    ("derivatives.df_poly", "return 6 * x - 12", "formula: differentiated twice", "(a second derivative)"),
    ("partial_derivatives.dg_dy", "return 2 * x + np.cos(x * y) - x * y * np.sin(x * y)",
     "formula: differentiated twice", "once more with respect to x (a mixed second derivative)"),
])
def test_symbolic_explanations(key, body, name, says):
    found = finding(key, body)
    assert found is not None and found.name == name, found
    assert says in found.hint


def test_a_correct_form_reads_as_equal_and_refutes_every_claim():
    for key in ("derivatives.df_poly", "derivatives.dsigmoid", "gradient_descent.sse_gradient"):
        for body in BY_KEY[key].alternatives:
            found = finding(key, body)
            assert found.name == "" and "equals the right one" in found.hint or "equal the right ones" in found.hint
            assert symbolic_module.FACTOR_CLAIM in found.refuted


def test_a_listed_mistake_that_is_not_the_formula_is_refuted():
    found = finding("derivatives.dsigmoid", "return sigmoid(x) * (1 - sigmoid(x)) * (1 - x)")
    assert "σ(x)·(1 − x)" in found.refuted and found.name == ""


DROPPED_INNER = "dropped inner derivative of −x"


@pytest.mark.parametrize(("body", "name"), [
    ("s = sigmoid(x)\nreturn s * (s - 1)", "formula: sign"),  # a slip in (1 − σ): no e^(−x) differentiated
    ("s = sigmoid(x)\nreturn s**2 - s", "formula: sign"),
    ("return -sigmoid(x) * (1 - sigmoid(x))", DROPPED_INNER),  # the listed mistake's own form
    ("s = sigmoid(x)\nreturn (1 - s) * s * -1", DROPPED_INNER),  # the same form, factors reordered
    # worked out with one minus lost: the inner −1 or the power rule's, the answer cannot say which (red team round
    # 24, 09); it was told the inner derivative is missing
    ("return -np.exp(-x) / (1 + np.exp(-x))**2", "formula: sign"),
])
def test_a_cause_that_only_scales_the_formula_is_named_only_where_the_code_reads_as_it(body, name):
    """The eighth holdout's false hint: σ(x)·(σ(x) − 1) equals the listed "dropped inner derivative of −x"
    (−σ(x)·(1 − σ(x))) but was not made by it; the negative of the right answer is what is certain."""
    found = finding("derivatives.dsigmoid", body)
    assert found.name == name, found
    assert (DROPPED_INNER in found.refuted) == (name != DROPPED_INNER)
    if name == "formula: sign":
        assert "negative of the right one" in found.hint


WAVE_PARTS = "u = np.sin(3 * x)\ndu = 3 * np.cos(3 * x)\nv = np.exp(-x**2 / 2)\ndv = {dv}\nreturn {combined}"


@pytest.mark.parametrize(("dv", "combined", "named"), [
    # the product rule's + written −, every factor's derivative right: the value of the listed "sign of the
    # exponent's derivative" (red team round 24, 10), which blamed the dv the student got right
    ("-x * np.exp(-x**2 / 2)", "du * v - u * dv", False),
    ("np.exp(-x**2 / 2) * (-x)", "du * v - u * dv", False),
    ("x * np.exp(-x**2 / 2)", "du * v + u * dv", True),  # the listed slip itself: the minus lost inside dv
    ("-x * np.exp(-x**2 / 2)", "du * v + u * (-dv)", False),
])
def test_a_listed_mistake_placed_in_a_part_the_code_works_out_right_is_not_named(dv, combined, named):
    sign = "sign of the exponent's derivative"
    found = finding("derivatives.df_wave", WAVE_PARTS.format(dv=dv, combined=combined))
    assert (found.name == sign) == named, found
    assert (sign in found.refuted) != named
    if not named:
        assert "mind the minus" not in found.hint and "wrong sign" in found.hint, found


def test_a_dropped_inner_derivative_is_named_where_the_code_works_it_out_but_does_not_use_it():
    """Worked out and then not used: the listed mistake is what the answer shows (a part never read is no part)."""
    found = finding("derivatives.df_log", "u = 1 + x**2\ndu = 2 * x\nreturn 1 / u")
    assert found.name == "dropped inner derivative", found


@pytest.mark.parametrize("key", ["partial_derivatives.dg_dx", "derivatives.df_wave"])
def test_a_chain_rule_slip_placed_in_a_part_the_code_works_out_right_is_not_said(key):
    """The inner derivative worked out right, used, and then undone elsewhere: the answer has the value of that
    inner derivative dropped (the listed mistake and the generic fault), but the code shows it was not dropped."""
    body = {"partial_derivatives.dg_dx": "inner = y * np.cos(x * y)\nreturn 2 * x * y + inner / y",
            "derivatives.df_wave": "du = 3 * np.cos(3 * x)\nreturn (du / 3 - x * np.sin(3 * x)) * np.exp(-x**2 / 2)"}
    found = finding(key, body[key])
    assert "inner derivative" not in found.name and "contributes" not in found.hint, found


def test_a_formula_read_whole_is_not_said_to_differ_in_more_than_a_factor_where_a_varying_factor_is_the_slip():
    """The thirty-second holdout's misleading text: −σ(x)², the inner derivative −e^(−x) left out, was told its
    formula "differs from the right one in more than a term or a factor"; it differs by one factor, which varies.
    And red team round 26 (05): one extra term, written inside a product, was told "more than one term". What is
    certain is what the comparison did not find, and that is what it says."""
    found = finding("derivatives.dsigmoid", "return -sigmoid(x) ** 2")
    assert "no single term or constant factor was found to explain the difference" in found.hint, found


@pytest.mark.parametrize(("key", "body", "says"), [
    # the chain rule left out at both of its places: only the outer derivatives (the thirty-second holdout's kind)
    ("derivatives.df_wave", "return np.cos(3 * x) * np.exp(-x**2 / 2) + np.sin(3 * x) * np.exp(-x**2 / 2)",
     "needs the inner derivative −x of −x²/2, and d/dx sin(3x) the inner derivative 3 of 3x; your answer leaves out "
     "both"),
    # the outer derivative taken at the variable, not at the inner function
    ("partial_derivatives.dg_dx", "return 2 * x * y + y * np.cos(x)",
     "takes the outer function's derivative at the inner function x·y, not at x"),
    ("derivatives.df_wave", "return 3 * np.cos(x) * np.exp(-x**2 / 2) - x * np.sin(3 * x) * np.exp(-x**2 / 2)",
     "at the inner function 3x, not at x: d/dx sin(3x) = 3cos(3x)"),
])
def test_a_chain_rule_misapplied_in_a_generic_way_is_named(key, body, says):
    found = finding(key, body)
    assert says in found.hint, found


@pytest.mark.parametrize(("key", "body", "says"), [
    ("derivatives.df_wave", "return (3 * np.cos(3 * x) - 2 * x * np.sin(3 * x)) * np.exp(-x**2) / 2",
     "exactly the derivative of e^(−x²)·sin(3x)/2, as if e^(−x²/2) were read as e^(−x²)/2"),
    ("derivatives.df_wave", "return (3 * np.cos(x) - 3 * x * np.sin(x)) * np.exp(-x**2 / 2)",
     "as if sin(3x) were read as 3sin(x)"),
    ("derivatives.df_log", "return 2 * (1 + x) / (1 + x)**2", "as if x² + 1 were read as (x + 1)²"),
    # a coefficient of a function's argument left out (a source's Gaussian e^(−x²), without the ½)
    ("derivatives.df_wave", "g = np.exp(-x**2)\nreturn 3 * np.cos(3 * x) * g - 2 * x * np.sin(3 * x) * g",
     "exactly the derivative of e^(−x²)·sin(3x), as if e^(−x²/2) were read as e^(−x²)"),
    ("derivatives.df_poly", "return 3 * x**2 + 72 * x + 9", "as if −6x² were read as (−6x)²"),
    ("partial_derivatives.dg_dx", "return 2 * x * y**2 + y * np.cos(x * y)", "∂/∂x of x²·y² + sin(x·y), as if x²·y "
     "were read as (x·y)²"),
])
def test_a_function_read_otherwise_and_differentiated_right_is_named(key, body, says):
    """Thirty-sixth holdout: notation read otherwise at one place (e^(−x²/2) as e^(−x²)/2, sin 3x as 3·sin x, 1 + x²
    as (1 + x)², −6x² as (−6x)², x²·y as (x·y)²) and the rest differentiated right was told only the formula read
    back ("no single term or constant factor"): the answer is the exact derivative of the function read otherwise,
    and that reading is said."""
    found = finding(key, body)
    assert found.name == "formula: the function read otherwise" and says in found.hint, found


@pytest.mark.parametrize(("body", "named"), [
    ("return 2.0", False),  # a constant written down says too little to name how it came
    ("return (1 / x) * (2 * x)", True),  # log's derivative taken at x, cancelling to 2 (red team round 27, 04)
])
def test_a_constant_answer_is_named_by_a_rule_misapplied_only_where_the_code_works_with_the_variable(body, named):
    found = finding("derivatives.df_log", body)
    assert (found.name == "formula: outer derivative at the variable") == named, found


def test_the_reader_gives_the_parts_a_function_writes_and_uses():
    functions = reader.parse_module("def g(t):\n    return 7 * t\n\n"
                                    "def f(x):\n    unused = 5 * x\n    u = 2 * x\n    return g(x) + u**2\n")
    x = sp.Symbol("x")
    parts = [value for _, value in reader.read_parts(functions, "f", [x])]
    assert 2 * x in parts and 4 * x**2 in parts and 7 * x in parts  # g(x)'s value, not what g writes inside
    assert 5 * x not in parts and 7 not in parts


@pytest.mark.parametrize(("body", "feeds"), [
    ("dv = 5 * x\nreturn 2 + dv", True),
    ("dv = 5 * x\nreturn 2 + 0 * dv", False),  # red team round 26 (02): multiplied by 0, it reaches nothing
    ("dv = 5 * x\nreturn 2 + dv - dv", False),
    ("u, dv = 2 * x, 5 * x\nreturn u", False),  # unpacked and never read
    ("u, dv = 2 * x, 5 * x\nreturn u + dv", True),  # unpacked and read
])
def test_a_part_counts_only_where_it_reaches_what_is_returned(body, feeds):
    functions = reader.parse_module("def f(x):\n" + "".join(f"    {line}\n" for line in body.splitlines()))
    x = sp.Symbol("x")
    places = [place for place, value in reader.read_parts(functions, "f", [x]) if value == 5 * x]
    assert any(reader.feeds_answer(functions, "f", [x], place) for place in places) == feeds


def test_a_bundle_without_the_bodies_names_a_scaling_cause_by_its_form_as_the_kit_does():
    from grader.precomputed import exercises_from, public_checks_data

    data = public_checks_data([BY_KEY["derivatives.dsigmoid"]])
    (bundled,) = exercises_from(data)
    assert all(not m.body for m in bundled.misconceptions)
    forms = {m.name: m.form for m in bundled.misconceptions}
    assert forms[DROPPED_INNER] and not forms["σ(x)·(1 − x)"]  # only a cause that scales the formula needs one
    for body, named in (("s = sigmoid(x)\nreturn s * (s - 1)", False), ("return -sigmoid(x) * (1 - sigmoid(x))", True)):
        found = analyse(bundled, kit.variant_source("derivatives", "dsigmoid", body))
        assert (DROPPED_INNER in found.refuted) != named, (body, found)


@pytest.mark.parametrize(("key", "body", "call"), [
    ("derivatives.df_poly", "h = 1e-3\nreturn (f_poly(x + h) - f_poly(x)) / h", "f_poly(x + h)"),
    ("derivatives.df_wave", "h = 1e-5\nreturn (f_wave(x + h) - f_wave(x - h)) / (2 * h)", "f_wave(x + h)"),
    ("partial_derivatives.dg_dx", "return (g(x + 0.0001, y) - g(x, y)) / 0.0001", "g(x + 0.0001, y)"),
])
def test_a_difference_quotient_where_the_exact_derivative_belongs_is_named(key, body, call):
    found = finding(key, body)
    assert found.name == "formula: difference quotient", found
    assert call in found.hint and "exact derivative" in found.hint


@pytest.mark.parametrize(("key", "body"), [
    ("derivatives.dsigmoid", "return 2 * sigmoid(x) * sigmoid(-x)"),  # another point, but twice σ': not close
    ("derivatives.df_poly", "return 3 * x**2 - 12.001 * x + 9"),  # close, but no call of f_poly at all
    ("derivatives.df_poly", "h = 0.5\nreturn (f_poly(x + h) - f_poly(x)) / h"),  # a quotient, but far off
])
def test_a_shifted_call_or_a_close_value_alone_is_no_difference_quotient(key, body):
    found = finding(key, body)
    assert found is None or found.name != "formula: difference quotient", found


# ----- symbolic: nothing certain, nothing said -------------------------------------------------------------


@pytest.mark.parametrize("body", [
    "return 3 * x^2 - 12 * x + 9",  # XOR: not on the allow-list
    "total = 0\nfor k in range(3):\n    total += k * x\nreturn total",
    "return eval('3 * x**2 - 12 * x + 9')",
    "return (x + 1)**100000",
    "return np.where(x > 0, 3 * x**2 - 12 * x + 9, 0)",
    "import os\nreturn 3 * x**2",
])
def test_unreadable_bodies_say_nothing(body):
    assert finding("derivatives.df_poly", body) is None


def test_numpy_polynomials_given_as_coefficient_lists_are_read():
    right = finding("derivatives.df_poly", "return np.polyval(np.polyder([1, -6, 9, 1]), x)")
    assert right.name == "" and "equals the right one" in right.hint
    short = finding("derivatives.df_poly", "p = [1, -6, 9]\nreturn np.polyval(np.polyder(p), x)")  # 2x − 6
    assert short is not None and short.name == "" and "your formula is 2x − 6" in short.hint  # every term differs
    assert finding("derivatives.df_poly", "return np.polyval(np.polyder(np.array(range(40))), x)") is None


def test_an_unclassified_difference_names_no_mistake():
    found = finding("derivatives.dsigmoid", "return x * (1 - x)")
    assert found.name == "" and "your formula is x·(1 − x)" in found.hint


@pytest.mark.parametrize(("key", "body", "shown"), [
    ("derivatives.df_poly", "return 0", "your formula is 0,"),
    ("derivatives.df_wave", "return 0 * x", "your formula is 0,"),
    ("gradient_descent.sse_gradient", "return 0.0, 0.0", "your formulas are (0, 0)"),
])
def test_a_formula_that_is_0_claims_no_factor(key, body, shown):
    """`return 0` was told "your answer is 0 times the right one: the shape of the formula is right": a formula
    that is 0 holds no shape of the right one."""
    found = finding(key, body)
    assert found.name == "" and shown in found.hint and "times the right one" not in found.hint


def test_a_sign_is_stated_as_a_fact_about_a_term_not_guessed_as_a_cause():
    found = finding("partial_derivatives.dg_dx", "return 2 * x * y - y * np.cos(x * y)")
    assert found.name == "formula: sign of a term" and "inner derivative" not in found.hint


@pytest.mark.parametrize(("body", "says"), [
    ("return 4 * x*3 - 6 * x + 1", "has 12x where the right one has 4x³"),  # 12x - 6x: SymPy's 6x
    ("return 4 * x**3 - 6 * x + 1 + 12 * x", "has the extra term 12x"),
])
def test_a_right_term_merged_with_another_written_term_is_not_said_to_have_the_wrong_sign(body, says):
    """`4 * x*3 - 6 * x + 1` (a `*` typed for `**`) was told "it has the term −6x with the wrong sign": the terms
    were compared after SymPy had combined 12x with the `-6 * x` that is right. A term written as it is is never
    said to have the wrong sign or factor."""
    found = finding("gradient_descent.df_nonconvex", body)
    assert found is not None and says in found.hint and "wrong sign" not in found.hint, found


def test_a_flipped_term_beside_a_missing_one_is_still_named():
    found = finding("gradient_descent.df_nonconvex", "return 4 * x**3 + 6 * x")
    assert found is not None and "misses the term 1" in found.hint and "−6x with the wrong sign" in found.hint, found


def test_the_reader_gives_the_terms_of_a_sum_as_written():
    functions = reader.parse_module("def f(x):\n    u = 2 * x\n    return 4 * x*3 - (6 * x - u) + -1\n")
    x = sp.Symbol("x")
    assert reader.read_written_terms(functions, "f", [x]) == (12 * x, -6 * x, 2 * x, -1)
    assert reader.read_function(functions, "f", [x]) == 8 * x - 1


def test_the_reader_never_executes_the_source(tmp_path: Path):
    marker = tmp_path / "ran"
    body = f"open({str(marker)!r}, 'w').write('x')\nreturn 3 * x**2 - 12 * x + 9"
    assert finding("derivatives.df_poly", body) is None
    assert not marker.exists()


def test_the_same_function_is_analysed_once(monkeypatch):
    calls = []
    original = symbolic_module.call_bounded  # each reading is one bounded child
    monkeypatch.setattr(symbolic_module, "call_bounded", lambda *args: calls.append(1) or original(*args))
    body = "return 3 * x**2 - 12 * x + 9 + 0 * 7"
    assert finding("derivatives.df_poly", body) == finding("derivatives.df_poly", body)
    assert len(calls) == 1


# ----- behaviour -------------------------------------------------------------------------------------------


def observations(key: str, body: str) -> list[AnswerSeen]:
    exercise = BY_KEY[key]
    found = []
    for p in plan([exercise], hidden=True, course_seed="course", student="student"):
        try:
            value = parent_call(kit.variant_function(exercise.module, exercise.function, body), p.case)
        except Exception:  # noqa: BLE001 - a wrong body may fail on some inputs, as a student's does
            continue
        expectation = LIVE.expectations(p)[-1]
        found.append(AnswerSeen(p.case, value, expectation.value, expectation.tolerance))
    return found


@pytest.mark.parametrize(("key", "body", "operator"), [
    ("gradient_descent.gradient_step",
     "return np.asarray(weights, dtype=float) - learning_rate**2 * np.asarray(grad, dtype=float)",
     "learning rate squared"),
    ("gradient_descent.gradient_descent",
     "path = [[m0, c0]]\nm, c = float(m0), float(c0)\nfor _ in range(n_steps):\n    gm, gc = sse_gradient(m, c, x, y)\n"
     "    m, c = m - learning_rate * gm / len(x), c - learning_rate * gc / len(x)\n    path.append([m, c])\n"
     "return np.array(path)", "mean instead of sum"),
    ("derivatives.numerical_derivative", "return (f(x + h / 2) - f(x - h / 2)) / h", "step h/2"),
    ("gradient_descent.descend_1d", "x = float(x0)\nfor _ in range(n_steps + 1):\n    x = x - learning_rate * df(x)\n"
     "return x", "one step more"),
    ("gradient_descent.gradient_descent", "w = np.array([m0, c0], dtype=float)\npath = [w]\nfor _ in range(n_steps):\n"
     "    w = gradient_step(w, sse_gradient(w[0], w[1], x, y), learning_rate)\n    path.append(w)\n"
     "return np.array(path).T", "rows and columns swapped"),
    ("partial_derivatives.classify_critical_point", "H = np.asarray(hessian_matrix, dtype=float)\n"
     "d = np.linalg.det(H)\nif abs(d) <= 1e-8:\n    return 'degenerate'\nif d < 0:\n    return 'saddle'\n"
     "return 'minimum' if np.trace(H) > 0 else 'maximum'", "determinant test"),  # four holdouts wrote it
])
def test_an_operator_that_explains_every_check_is_named(key, body, operator):
    found = explain(BY_KEY[key], observations(key, body))
    assert found is not None and found.name == operator


@pytest.mark.parametrize(("key", "body"), [
    # The mean of the end points: explained by no operator. (The flattest end point, once here, is named now:
    # best_of_starts' check on a well lifted above zero tells it apart.)
    ("gradient_descent.best_of_starts", "ends = [descend_1d(df, s, learning_rate, n_steps) for s in starts]\n"
     "return float(sum(ends) / len(ends))"),
    ("gradient_descent.gradient_step", "return np.asarray(weights, dtype=float) - 0.9 * np.asarray(grad, dtype=float)"),
    ("linear_model.sse", "return float(np.sum(np.abs(y - (m * np.asarray(x) + c))**3))"),
])
def test_an_answer_no_operator_explains_gets_no_operator(key, body):
    assert explain(BY_KEY[key], observations(key, body)) is None


def test_one_informative_check_is_not_enough():
    key = "gradient_descent.descend_1d"
    single = observations(key, "x = float(x0)\nfor _ in range(n_steps + 1):\n    x = x - learning_rate * df(x)\n"
                               "return x")[:1]
    assert explain(BY_KEY[key], single) is None


# ----- the hook: hints only, nothing hidden revealed ---------------------------------------------------------


def test_replace_hint_keeps_everything_else():
    message = "call:     f(1)\nproblem:  off\nhint:     old\n          or: older\nprinted:  hi"
    assert replace_hint(message, "new") == "call:     f(1)\nproblem:  off\nhint:     new\nprinted:  hi"
    assert replace_hint("problem:  off", "new") == "problem:  off\nhint:     new"


def test_graded_feedback_explains_and_hidden_checks_reveal_no_values(sandbox):
    source = kit.variant_source("derivatives", "df_wave", "return 3 * np.cos(3 * x) * np.exp(-x**2 / 2)")
    exercises = [BY_KEY["derivatives.df_wave"]]
    result = grade_sources({"derivatives": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=exercises)
    failed = [check for check in result.exercise("derivatives.df_wave").checks if not check.passed]
    assert failed and all(check.diagnosis == "formula: product rule term missing" for check in failed)
    hidden = [check for check in failed if check.visibility == "hidden"]
    assert hidden and all("returned:" not in c.student_message and "expected:" not in c.student_message
                          and "call:" not in c.student_message for c in hidden)
    assert result.exercise("derivatives.df_wave").score < 4  # the numeric verdict decides the points, as before


def test_a_formula_no_class_fits_is_named_by_the_one_operator_that_explains_it_beside_the_formula(sandbox):
    """σ' written as tanh's derivative 1 − σ²: the formula differs in more than a term or a factor, and the
    operator that turns a·(1 − a) into 1 − a² explains every answer."""
    source = kit.variant_source("derivatives", "dsigmoid", "return 1.0 - sigmoid(x) * sigmoid(x)")
    result = grade_sources({"derivatives": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=[BY_KEY["derivatives.dsigmoid"]])
    failed = [check for check in result.exercise("derivatives.dsigmoid").checks if not check.passed]
    assert failed and all(check.diagnosis == "tanh's derivative" for check in failed)
    assert all("tanh's, 1 − a²" in c.student_message and "read from your code" in c.student_message
               for c in failed)


def test_a_square_of_a_sum_is_written_with_its_parentheses(sandbox):
    """∂SSE/∂m expanded into sums with (Σx)² for Σx²: the finding printed the student's term as "2m·Σx²", by its
    own key the right one, so it said a term differs from itself (red team round 24)."""
    from grader.diagnosis.reader import moment_symbol
    from grader.diagnosis.show import formula

    m, sx, n = sp.Symbol("m"), moment_symbol(1, 0), moment_symbol(0, 0)
    assert formula(2 * m * sx**2) == "2m·(Σx)²" and formula(m / (n * sx**2)) == "m/(n·(Σx)²)"
    body = ("n = len(x)\ndm = 2 * (m * np.sum(x)**2 + c * np.sum(x) - np.sum(x * y))\n"
            "dc = 2 * (m * np.sum(x) + c * n - np.sum(y))\nreturn float(dm), float(dc)")
    source = kit.variant_source("gradient_descent", "sse_gradient", body)
    result = grade_sources({"gradient_descent": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=[BY_KEY["gradient_descent.sse_gradient"]])
    failed = [check for check in result.exercise("gradient_descent.sse_gradient").checks if not check.passed]
    assert failed and all("has 2m·(Σx)² where the right one has 2m·Σx²" in check.student_message
                          for check in failed)


def test_a_sign_lost_along_the_chain_is_not_placed_at_an_inner_minus_the_code_writes(sandbox):
    """Red team round 24 (09): σ' by the chain rule with the inner −1 written out and the outer power rule's minus
    lost was told "d/dx e^(−x) needs the inner derivative −1 of −x, which your answer leaves out". An inner
    derivative −1 missing is only the answer's opposite sign, which cannot say where the minus was lost."""
    body = "u = 1 + np.exp(-x)\ndu = np.exp(-x) * (-1)\nreturn u**-2 * du"
    source = kit.variant_source("derivatives", "dsigmoid", body)
    result = grade_sources({"derivatives": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=[BY_KEY["derivatives.dsigmoid"]])
    failed = [check for check in result.exercise("derivatives.dsigmoid").checks if not check.passed]
    assert failed and not any("inner derivative −1" in check.student_message for check in failed)
    assert all("the negative of the right one" in check.student_message for check in failed)


def test_a_formula_gets_no_fallback_operator_or_pair_of_slips(sandbox):
    """Two slips in ∂g/∂y (2x for x², the chain factor y for x): a pair of operators would fit a change of the
    reference's code; the formula's difference is said, and no operator."""
    source = kit.variant_source("partial_derivatives", "dg_dy", "return 2 * x + y * np.cos(x * y)")
    result = grade_sources({"partial_derivatives": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=[BY_KEY["partial_derivatives.dg_dy"]])
    failed = [check for check in result.exercise("partial_derivatives.dg_dy").checks if not check.passed]
    assert failed and not any(check.diagnosis for check in failed), [check.diagnosis for check in failed]


def test_a_formula_whose_expansion_would_take_hours_gets_no_explanation():
    """A power of a power (r**12 squared three times) once kept the grader expanding it for minutes; its
    analysis is bounded in time and the numeric verdict stands alone."""
    from grader.curriculum import BY_KEY
    from grader.diagnosis import symbolic

    body = ("r = y - (m*x + c) + 1\na = r**12\nb = a*a\nd = b*b\ne = d*d\n"
            "return float(np.sum(e)), float(np.sum(r))")
    source = kit.replace_bodies(kit.solution_source("gradient_descent"), {"sse_gradient": body})
    assert symbolic.analyse(BY_KEY["gradient_descent.sse_gradient"], source) is None


SLOW_FORMULA = ("a = (x + np.sin(x) + np.cos(x) + np.exp(x) + 1)**12\n"
                "b = (x - np.sin(x) + np.cos(x) - np.exp(x) + 2)**12\n"
                "return a * b / (x + np.tan(x) + 3)**12")


def test_a_formula_made_to_be_slow_is_given_up_and_not_remembered(monkeypatch):
    """Attack: formulas within the reader's size limits that SymPy cannot finish held the grader's own process
    2 s per closed-form exercise (16 s per submission); the bound is now a quarter of that, and a formula given up
    for time is not remembered as unreadable (a less busy machine may read it in time)."""
    source = kit.variant_source("derivatives", "df_poly", SLOW_FORMULA)
    calls = []
    real = symbolic_module.call_bounded  # each reading is one bounded child
    monkeypatch.setattr(symbolic_module, "call_bounded", lambda *args: calls.append(1) or real(*args))
    assert symbolic_module.ANALYSIS_SECONDS <= 0.5
    # How long SymPy takes depends on the machine (a fast one read this formula within the bound); the bound is
    # made far shorter than any machine's reading of it, so the test says what happens at the bound, not how fast.
    monkeypatch.setattr(symbolic_module, "ANALYSIS_SECONDS", 0.002)
    for _ in range(2):
        assert analyse(BY_KEY["derivatives.df_poly"], source) is None
    assert len(calls) == 2  # tried again: a time-out is not a fact about the formula


def test_no_formula_is_analysed_where_its_time_cannot_be_bounded(monkeypatch):
    """Off the main thread no alarm can end SymPy's work (an embedding in a thread once ran it unbounded): there
    the analysis is not started, and the numeric verdict stands alone."""
    import threading

    monkeypatch.setattr(symbolic_module, "_FINDINGS", {})  # nothing remembered from another test's reading
    source = kit.variant_source("derivatives", "df_poly", "return 3 * x**2 - 12 * x")  # the constant term dropped
    found = []
    thread = threading.Thread(target=lambda: found.append(analyse(BY_KEY["derivatives.df_poly"], source)))
    thread.start()
    thread.join(timeout=30)
    assert found == [None]
    assert analyse(BY_KEY["derivatives.df_poly"], source) is not None  # in the main thread: read and explained


def test_a_module_of_too_many_functions_is_not_read():
    """Attack: 4,900 helpers reached from every formula made the reading cost 1 s per exercise before its alarm."""
    helpers = "".join(f"def helper{i}(x):\n    return x\n\n\n" for i in range(symbolic_module.MAX_MODULE_FUNCTIONS))
    body = "return 3 * x**2 - 12 * x"
    source = kit.variant_source("derivatives", "df_poly", body)
    assert analyse(BY_KEY["derivatives.df_poly"], source) is not None
    assert analyse(BY_KEY["derivatives.df_poly"], source + "\n\n" + helpers) is None


def _nested_sines(depth: int) -> str:
    nested = "a"
    for _ in range(depth):
        nested = f"np.sin({nested})"
    return f"def _h(a):\n    return {nested}\n\n\ndef df_poly(x):\n    return _h(_h(_h(_h(x))))\n"


@pytest.mark.parametrize("module_text", [
    "def df_poly(x):\n    return 3 * x ** 2 - 12 * x + 10 + 0 * 0x" + "f" * 4000 + "\n",  # printing the key raised
    "def df_poly(x):\n    return 3 * x ** 2 - 12 * x + 10" + " + 0 * x" * 1500 + "\n",  # RecursionError in the key
    "def df_poly(x):\n    return 3 * x ** 2 - 12 * x + 10 + np.arcsin(np.divide(0.1, -0.0))\n",  # SymPy's KeyError
    _nested_sines(55),  # lambdify's SyntaxError: too many nested parentheses
], ids=["hex literal", "long sum", "sympy KeyError", "lambdify SyntaxError"])
def test_a_formula_the_reader_fails_on_is_not_read_and_never_raises(module_text):
    """Red team: each of these raised out of the formula reader and through `grade_batch`, ending the whole batch
    (no gradebook; `--resume` stopped at the same student). Any failure of the reading is now 'not readable'."""
    source = "import numpy as np\n\n\n" + module_text
    assert symbolic_module.analyse(BY_KEY["derivatives.df_poly"], source) is None


def test_the_formula_is_read_in_a_child_never_in_the_graders_process(monkeypatch):
    """SymPy's reading of a student's formula runs in a bounded child: a reading that ran here would leave its
    process id in this list (a child's list is its own copy)."""
    readers: list[int] = []
    original = symbolic_module._analyse
    monkeypatch.setattr(symbolic_module, "_analyse", lambda *args: readers.append(os.getpid()) or original(*args))
    found = finding("derivatives.df_poly", "return 3 * x**2 - 12 * x + 9 + 0.5 * x")
    assert found is not None and found.says_something  # read, and something said: in a child
    assert readers == []


HOSTILE_MEMORY = """
import resource, sys
from grader.curriculum import BY_KEY
from grader.diagnosis.symbolic import analyse
limit = 2 << 30
with open("/proc/self/statm") as statm:
    mapped = int(statm.read().split()[0]) * resource.getpagesize()
resource.setrlimit(resource.RLIMIT_AS, (mapped + limit, mapped + limit))
source = ("import numpy as np\\n\\n\\ndef df_poly(x):\\n"
          "    return 3 * x ** 2 - 12 * x + 9 + np.expm1(np.sinh(-1e11 - 0.5))\\n")
print(analyse(BY_KEY["derivatives.df_poly"], source))
"""


def test_a_formula_whose_numbers_need_gigabytes_costs_only_its_hint():
    """Red team: sinh(-1e11 - 1/2) made mpmath shift an integer by about 1.4e11 bits in the grader's own process
    (over 10 GB in one C call no alarm interrupts; the kernel ended the grader and the batch). Read in a child
    with its own address-space bound, it is 'not readable'; here the whole reading process is bounded too, so
    that a reading back in the grader's process fails this test rather than the machine."""
    run = subprocess.run([sys.executable, "-c", HOSTILE_MEMORY], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "None"


def test_a_rule_misapplied_is_said_only_of_a_formula_worked_out_not_of_the_functions_values():
    """Twenty-sixth holdout: 1 − σ(x), the logarithmic derivative returned without multiplying back by σ, was told
    "the power rule lowers the power by one ... your answer keeps the power −1": the same formula as 1/(1 + e^(−x))
    differentiated with its power kept, but built from sigmoid's values, by a route with no power rule in it.
    Where the code calls the function it differentiates, no misapplied rule is said; written out, it still is."""
    from_values = finding("derivatives.dsigmoid", "s = sigmoid(x)\nreturn 1 - s")
    assert from_values is None or from_values.name != "formula: power not lowered"
    worked_out = finding("derivatives.dsigmoid", "e = np.exp(-x)\nreturn e / (1 + e)")
    assert worked_out is not None and worked_out.name == "formula: power not lowered"


def test_no_process_to_read_a_formula_in_costs_only_the_hint(monkeypatch):
    """Where no child can be forked (a machine out of processes: EAGAIN), the formula is not read, nothing is
    remembered, and the grading goes on."""
    def no_fork(*args):
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(symbolic_module, "_FINDINGS", {})
    monkeypatch.setattr(symbolic_module, "call_bounded", no_fork)
    assert finding("derivatives.df_poly", "return 3 * x**2 - 12 * x + 9 + 0.25 * x") is None
    assert symbolic_module._FINDINGS == {}


@pytest.mark.parametrize("index", ["int(np.argmin(values)) - 1", "(int(np.argmin(values)) + 1) % len(ends)"])
def test_an_end_point_one_index_off_the_best_is_not_told_the_highest(sandbox, index):
    """The thirty-third holdout: `best_of_starts` taking the index before the best one (a 1-based habit) was told
    "highest end point: keep the end point with the LOWEST f": in every check of three starts the highest end came
    just before the best one, cyclically, so the two agreed on every check. One check now gives the highest end
    just after the best one; the slip is told as the index one off, the listed mistake only where it is made."""
    body = (f"ends = [descend_1d(df, s, learning_rate, n_steps) for s in starts]\nvalues = [f(e) for e in ends]\n"
            f"return float(ends[{index}])")
    source = kit.variant_source("gradient_descent", "best_of_starts", body)
    for student in ("s0", "s1", "s2"):  # hidden draws of their own (before, seven students in eight were told so)
        result = grade_sources({"gradient_descent": source}, sandbox, student=student, hidden=True, course_seed="c",
                               exercises=[BY_KEY["gradient_descent.best_of_starts"]])
        failed = [check for check in result.exercise("gradient_descent.best_of_starts").checks if not check.passed]
        assert failed and not any(check.diagnosis == "highest end point" or "highest end point" in check.student_message
                                  for check in failed), [check.student_message for check in failed]
    highest = kit.variant_source("gradient_descent", "best_of_starts", "ends = [descend_1d(df, s, learning_rate, "
                                 "n_steps) for s in starts]\nreturn float(max(ends, key=f))")
    told = grade_sources({"gradient_descent": highest}, sandbox, student="s", hidden=True, course_seed="c",
                         exercises=[BY_KEY["gradient_descent.best_of_starts"]])
    assert all(check.diagnosis == "highest end point"
               for check in told.exercise("gradient_descent.best_of_starts").checks if not check.passed)


@pytest.mark.parametrize("body", [
    "r = y - (m * x + c)\nreturn float(-np.mean(x * r)), float(-np.mean(r))",
    "r = (m * x + c) - y\nreturn float(-2 * np.mean(x * r)), float(-2 * np.mean(r))",
], ids=["mean-without-2", "mean-and-sign"])
def test_a_factor_of_a_count_and_more_is_not_told_as_a_count_off(body):
    """1/(2n) (a mean, a factor 2 lost) and −1/n (a mean, a sign) were told "a count of the points too many or too
    few" (red team round 50, 01 and 02): the factor is said, the division only where it is one by a count."""
    found = finding("gradient_descent.sse_gradient", body)
    assert found is not None and "count of the points" not in found.hint
