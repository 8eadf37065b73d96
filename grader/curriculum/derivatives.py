"""Exercises of `derivatives`: the derivative as a rate of change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from grader import given
from grader.compare import EXACT, Expectation
from grader.curriculum.common import (
    apart,
    apart_from,
    by_solution,
    by_sympy,
    central_difference_tolerance,
    check,
    integer_valued,
    redrawn,
    rounding_tolerance,
    uniform,
)
from grader.plain import Given
from grader.spec import Case, Exercise, Misconception, References

MODULE = "derivatives"


def exact_derivative_checks(low: float, high: float, exact: Callable[..., Any], function: Callable[..., Any],
                            integers_to_avoid: tuple[int, ...] = ()):
    """The same three kinds of input for every hand-derived derivative of one variable, drawn where the
    derivative is not 0, 1, x or f(x). `integers_to_avoid` are the integers where a known mistake agrees with
    the derivative or with another mistake (declared here, since the student bundle does not ship the
    mistakes' bodies; tests/test_curriculum.py works them out from the bodies and checks the list)."""

    def informative(case: Case) -> bool:
        x = case.args[0]
        return apart_from(exact(x), 0.0, 1.0, x, function(x)) and not (isinstance(x, int) and x in integers_to_avoid)

    return (
        check("a float")(redrawn(lambda rng: Case((uniform(rng, low, high),)), informative)),
        check("an integer")(redrawn(lambda rng: Case((integer_valued(rng, int(low), int(high)),)), informative)),
        check("a NumPy array")(redrawn(lambda rng: Case((uniform(rng, low, high, 9),)), informative)),
    )


def _hand_derivative(function: str, given_name: str, points: float, hint: str,
                     misconceptions: tuple[Misconception, ...], alternatives: tuple[str, ...],
                     low: float = -3.0, high: float = 3.0, integers_to_avoid: tuple[int, ...] = ()) -> Exercise:
    given_function = given.CURRICULUM[given_name]
    exact = given_function.diff(1)
    checks = exact_derivative_checks(low, high, exact, given.numpy_function(given_function), integers_to_avoid)
    return Exercise(MODULE, function, points, checks, (by_sympy(exact, EXACT, f"sympy.diff of {given_name}"),), hint,
                    misconceptions, alternatives)


def _derivative_apart(case: Case) -> bool:
    """A point where f' is not 0, 1, x or f(x), and f'' is not small: one-sided differences show there."""
    function = given.lookup(case.args[0].name)
    x = case.args[1]
    return apart_from(function.diff(1)(x), 0.0, 1.0, x, function(x), margin=1e-2) and \
        bool(np.all(np.abs(function.diff(2)(x)) > 0.05))


def _step(case: Case) -> float:
    return float(case.kwargs.get("h", case.args[2] if len(case.args) > 2 else 1e-5))


def _tangent_apart(case: Case) -> bool:
    """Slope, intercept, f(x0) and f(x0) + slope·x0 all differ and none is 0 or 1: swapping them, or taking
    f(x0) for the intercept, or f for df, shows."""
    function = given.lookup(case.args[0].name)
    x0 = case.args[2]
    slope, height = function.diff(1)(x0), function(x0)
    intercept = height - slope * x0
    return apart(slope, intercept, height, height + slope * x0, 0.0, 1.0, x0, height - height * x0, margin=1e-2)


def _central_difference_vs_exact(case: Case, refs: References) -> Expectation:
    function = given.lookup(case.args[0].name)
    x, h = np.asarray(case.args[1], dtype=float), _step(case)
    third = np.maximum.reduce([np.abs(function.diff(3)(x + s)) for s in (-h, 0.0, h)])
    exact = function.diff(1)(x)
    scale = np.abs(function(x)) + np.abs(x * exact)
    value = float(exact) if x.ndim == 0 else exact
    return Expectation(value, central_difference_tolerance(h, third, scale), f"sympy.diff of {function.name}")


def _central_difference_vs_solution(case: Case, refs: References) -> Expectation:
    function = given.lookup(case.args[0].name)
    x, h = np.asarray(case.args[1], dtype=float), _step(case)
    scale = np.abs(function(x)) + np.abs(x * function.diff(1)(x))
    expected = by_solution(f"{MODULE}.numerical_derivative")(case, refs)
    return Expectation(expected.value, rounding_tolerance(h, scale), expected.source)


EXERCISES = (
    _hand_derivative(
        "df_poly", "derivatives.f_poly", 3,
        "Differentiate term by term with the power rule: d/dx xⁿ = n·xⁿ⁻¹, and a constant has slope 0.",
        (
            Misconception("constant kept", "the derivative of the constant term + 1 is 0, not 1.",
                          "return 3 * x**2 - 12 * x + 9 + 1"),
            Misconception("power not lowered", "the power rule multiplies by n AND lowers the power by one: "
                          "d/dx x³ = 3x², not 3x³.", "return 3 * x**3 - 12 * x**2 + 9 * x"),
        ),
        ("return x * (3 * x - 12) + 9", "return 3 * (x - 1) * (x - 3)"),
        integers_to_avoid=(1, 3),
    ),
    _hand_derivative(
        "df_wave", "derivatives.f_wave", 4,
        "f_wave is a product u·v with u = sin(3x), v = exp(−x²/2): use (u·v)' = u'·v + u·v', and the chain "
        "rule for both u and v.",
        (
            Misconception("dropped inner derivative of sin(3x)", "the chain rule: d/dx sin(3x) = 3·cos(3x); "
                          "the inner function 3x contributes its derivative 3.",
                          "return (np.cos(3 * x) - x * np.sin(3 * x)) * np.exp(-x**2 / 2)"),
            Misconception("dropped inner derivative of exp(−x²/2)", "the chain rule: d/dx exp(−x²/2) = "
                          "−x·exp(−x²/2); the inner function −x²/2 contributes −x.",
                          "return (3 * np.cos(3 * x) + np.sin(3 * x)) * np.exp(-x**2 / 2)"),
            Misconception("product of derivatives", "the derivative of a product is not the product of the "
                          "derivatives: (u·v)' = u'·v + u·v'.",
                          "return 3 * np.cos(3 * x) * (-x * np.exp(-x**2 / 2))"),
            Misconception("sign of the exponent's derivative", "d/dx (−x²/2) = −x: mind the minus sign.",
                          "return (3 * np.cos(3 * x) + x * np.sin(3 * x)) * np.exp(-x**2 / 2)"),
        ),
        ("return np.exp(-x**2 / 2) * (3 * np.cos(3 * x) - x * np.sin(3 * x))",),
        integers_to_avoid=(-1, 0, 1),
    ),
    _hand_derivative(
        "dsigmoid", "derivatives.sigmoid", 3,
        "Write σ(x) = (1 + e^(−x))^(−1) and use the chain rule; the result can be written with σ itself.",
        (
            Misconception("dropped inner derivative of −x", "d/dx e^(−x) = −e^(−x): the inner function −x "
                          "contributes −1, which cancels the outer minus sign.",
                          "return -sigmoid(x) * (1 - sigmoid(x))"),
            Misconception("σ(x)·(1 − x)", "the derivative is σ(x)·(1 − σ(x)): the second factor uses σ(x), not x.",
                          "return sigmoid(x) * (1 - x)"),
        ),
        ("return np.exp(-x) / (1 + np.exp(-x))**2", "s = 1 / (1 + np.exp(-x))\nreturn s - s * s"),
        low=-6.0, high=6.0,
    ),
    _hand_derivative(
        "df_log", "derivatives.f_log", 3,
        "Chain rule: d/dx log(u) = u'/u with u = 1 + x².",
        (
            Misconception("dropped inner derivative", "d/dx log(u) = u'/u: with u = 1 + x² the numerator "
                          "is u' = 2x, not 1.", "return 1 / (1 + x**2)"),
            Misconception("derivative of the inside only", "log's derivative 1/u is missing: the answer is "
                          "u'/u, not u'.", "return 2 * x"),
        ),
        ("return 2 * x / (x**2 + 1)",),
        integers_to_avoid=(0,),
    ),
    Exercise(
        MODULE, "numerical_derivative", 4,
        (
            check("f_wave at a float, default h")(redrawn(
                lambda rng: Case((Given("derivatives.f_wave"), uniform(rng, -2, 2))), _derivative_apart)),
            check("sigmoid on an array, h=1e-3")(redrawn(
                lambda rng: Case((Given("derivatives.sigmoid"), uniform(rng, -4, 4, 7)), {"h": 1e-3}),
                _derivative_apart)),
            check("a larger h=0.1, where a one-sided difference shows")(redrawn(
                lambda rng: Case((Given("probe.cubic"), uniform(rng, 1, 3)), {"h": 0.1}), _derivative_apart)),
            check("another function at an integer x")(redrawn(
                lambda rng: Case((Given("probe.cos_bowl"), integer_valued(rng, -3, 3), 1e-4)), _derivative_apart)),
        ),
        (_central_difference_vs_exact, _central_difference_vs_solution),
        "Use the central difference (f(x + h) − f(x − h)) / (2h): one step on each side of x, and divide by "
        "the whole distance 2h between the two points.",
        (
            Misconception("forward difference", "(f(x + h) − f(x)) / h is the forward difference, accurate only "
                          "to order h; the central difference steps to both sides: (f(x + h) − f(x − h)) / (2h).",
                          "return (f(x + h) - f(x)) / h"),
            Misconception("backward difference", "(f(x) − f(x − h)) / h is the backward difference; use the "
                          "central difference (f(x + h) − f(x − h)) / (2h).", "return (f(x) - f(x - h)) / h"),
            Misconception("divided by h instead of 2h", "the two points x − h and x + h are 2h apart: divide "
                          "by 2h.", "return (f(x + h) - f(x - h)) / h"),
        ),
        ("return (f(x + h) - f(x - h)) / h / 2", "return 0.5 * (f(x + h) - f(x - h)) / h"),
    ),
    Exercise(
        MODULE, "tangent_line", 3,
        (
            check("cos(2x) + x²/4 at a float")(redrawn(
                lambda rng: Case((Given("probe.cos_bowl"), Given("probe.cos_bowl'"), uniform(rng, -2, 2))),
                _tangent_apart)),
            check("exp(x/2) − 2x at an integer")(redrawn(
                lambda rng: Case((Given("probe.exp_tilt"), Given("probe.exp_tilt'"), integer_valued(rng, 1, 4))),
                _tangent_apart)),
            check("a cubic away from 0")(redrawn(
                lambda rng: Case((Given("probe.cubic"), Given("probe.cubic'"), uniform(rng, 2, 4))), _tangent_apart)),
        ),
        (by_solution(f"{MODULE}.tangent_line"),),
        "The tangent touches f at x0 with slope df(x0): y = f(x0) + df(x0)·(x − x0). Expand that into "
        "slope·x + intercept to read off the intercept.",
        (
            Misconception("intercept is f(x0)", "f(x0) is the height of the curve at x0, not where the tangent "
                          "crosses the y-axis: intercept = f(x0) − slope·x0.",
                          "return float(df(x0)), float(f(x0))"),
            Misconception("sign of slope·x0", "from y = f(x0) + slope·(x − x0): intercept = f(x0) − slope·x0.",
                          "return float(df(x0)), float(f(x0) + df(x0) * x0)"),
            Misconception("swapped slope and intercept", "return the pair in the order (slope, intercept).",
                          "slope = float(df(x0))\nreturn float(f(x0) - slope * x0), slope"),
        ),
        ("slope = df(x0)\nreturn [slope, f(x0) - slope * x0]",
         "slope = df(x0)\nreturn np.array([slope, f(x0) - slope * x0])"),
    ),
)
