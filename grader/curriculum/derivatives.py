"""Exercises of `derivatives`: the derivative as a rate of change.

Four derivatives worked out by hand (df_poly, df_wave, dsigmoid, df_log), each checked exactly against
sympy.diff of its given function; `numerical_derivative`, the central difference, checked against SymPy within
the error a central difference carries and against the reference within rounding; `tangent_line`, checked
against the reference. Declared in the keyword form (`grader.authoring`); each input generator is a named
function, redrawn until its point tells right from wrong.
"""

from __future__ import annotations

import numpy as np

from grader import given
from grader.authoring import edge_case, exercise, mistake
from grader.compare import EXACT, Expectation
from grader.curriculum.common import (
    apart,
    apart_from,
    by_solution,
    by_sympy,
    central_difference_tolerance,
    hand_derivative_checks,
    integer_valued,
    redrawn,
    redrawn_in_blocks,
    rounding_tolerance,
    uniform,
)
from grader.plain import Given
from grader.spec import Case, ExpectRule, References, structure

MODULE = "derivatives"


def sympy_derivative_of(given_name: str) -> ExpectRule:
    """Expect, exactly, the lambdified sympy.diff of the curriculum's given function of that name."""
    return by_sympy(given.CURRICULUM[given_name].diff(1), EXACT, f"sympy.diff of {given_name}")


# ----- expectation rules ---------------------------------------------------------------------------


def _step(case: Case) -> float:
    return float(case.kwargs.get("h", case.args[2] if len(case.args) > 2 else 1e-5))


def central_difference_vs_exact(case: Case, refs: References) -> Expectation:
    """SymPy's f'(x), within what a correct central difference with this h may miss it by."""
    function = given.lookup(case.args[0].name)
    x, h = np.asarray(case.args[1], dtype=float), _step(case)
    third = np.maximum.reduce([np.abs(function.diff(3)(x + s)) for s in (-h, 0.0, h)])
    exact = function.diff(1)(x)
    scale = np.abs(function(x)) + np.abs(x * exact)
    value = float(exact) if x.ndim == 0 else exact
    return Expectation(value, central_difference_tolerance(h, third, scale), f"sympy.diff of {function.name}")


def central_difference_vs_solution(case: Case, refs: References) -> Expectation:
    """The reference's central difference, within rounding: a one-sided difference falls outside."""
    function = given.lookup(case.args[0].name)
    x, h = np.asarray(case.args[1], dtype=float), _step(case)
    scale = np.abs(function(x)) + np.abs(x * function.diff(1)(x))
    expected = by_solution(f"{MODULE}.numerical_derivative")(case, refs)
    return Expectation(expected.value, rounding_tolerance(h, scale), expected.source)


# ----- input generators and what makes their inputs informative -------------------------------------


def derivative_informative(case: Case) -> bool:
    """A point where f' is not 0, 1, x or f(x), and f'' is not small: one-sided differences show there."""
    function = given.lookup(case.args[0].name)
    x = case.args[1]
    return apart_from(function.diff(1)(x), 0.0, 1.0, x, function(x), margin=1e-2) and \
        bool(np.all(np.abs(function.diff(2)(x)) > 0.05))


SCREEN_SLACK = 1e-6  # `derivative_informative_together` is looser by this share: arrays of other shapes may round
# differently in the last bit, and the screen must never reject what `derivative_informative` takes


def derivative_informative_together(cases: list[Case]) -> list[bool]:
    """`derivative_informative` for many cases of one function and one shape of x at once, loosened by
    `SCREEN_SLACK`: a screen before the exact test (see `redrawn_in_blocks`)."""
    function = given.lookup(cases[0].args[0].name)
    x = np.array([case.args[1] for case in cases], dtype=float)
    slope, value, margin = function.diff(1)(x), function(x), 1e-2 * (1 - SCREEN_SLACK)
    rows = np.abs(function.diff(2)(x)) > 0.05 * (1 - SCREEN_SLACK)
    for other in (0.0, 1.0, x, value):
        rows &= np.abs(slope - other) > margin * (1 + np.maximum(np.abs(slope), np.abs(other)))
    return rows.reshape(len(cases), -1).all(axis=1).tolist()


def f_wave_at_a_float(rng: np.random.Generator) -> Case:
    """f_wave at a float in [−2, 2], with the default step."""
    return Case((Given("derivatives.f_wave"), uniform(rng, -2, 2)))


def _sigmoid_array_size(rng: np.random.Generator) -> int:
    return structure(rng, 7, (4, 5, 3, 6))


def _small_step(rng: np.random.Generator) -> float:
    """1e-3 (hidden: another small step, down to 4e-6, where a step rounded or capped shows)."""
    return structure(rng, 1e-3, (4e-6, 4e-3, 3e-5, 2e-3))


def sigmoid_on_an_array(rng: np.random.Generator) -> Case:
    """The sigmoid at seven floats in [−4, 4] at once, with h=1e-3 by keyword (hidden: another length and step)."""
    return Case((Given("derivatives.sigmoid"), uniform(rng, -4, 4, _sigmoid_array_size(rng))), {"h": _small_step(rng)})


def sigmoid_on_arrays(rng: np.random.Generator, count: int) -> list[Case]:
    """`sigmoid_on_an_array`, `count` times: the same values in the same order, drawn at once."""
    return [Case((Given("derivatives.sigmoid"), np.array(row)), {"h": _small_step(rng)})
            for row in rng.uniform(-4, 4, (count, _sigmoid_array_size(rng)))]


def cubic_with_a_large_step(rng: np.random.Generator) -> Case:
    """x³ − 2x + 1 with h=0.1: large enough that a one-sided difference is far off (hidden: another large step)."""
    return Case((Given("probe.cubic"), uniform(rng, 1, 3)), {"h": structure(rng, 0.1, (0.3, 0.05, 0.2, 0.15))})


def cos_bowl_at_an_integer(rng: np.random.Generator) -> Case:
    """cos(2x) + x²/4 at a Python int in [−7, 7], h=1e-4 given positionally (hidden: another step)."""
    return Case((Given("probe.cos_bowl"), integer_valued(rng, -7, 7), structure(rng, 1e-4, (3e-6, 5e-4, 2e-5, 1e-3))))


def tangent_informative(case: Case) -> bool:
    """Slope, intercept, f(x0) and f(x0) + slope·x0 all differ and none is 0 or 1: swapping them, or taking
    f(x0) for the intercept, or f for df, shows."""
    function = given.lookup(case.args[0].name)
    x0 = case.args[2]
    slope, height = function.diff(1)(x0), function(x0)
    intercept = height - slope * x0
    return apart(slope, intercept, height, height + slope * x0, 0.0, 1.0, x0, height - height * x0, margin=1e-2)


def cos_bowl_tangent(rng: np.random.Generator) -> Case:
    """cos(2x) + x²/4 and its derivative, at a float in [−2, 2]."""
    return Case((Given("probe.cos_bowl"), Given("probe.cos_bowl'"), uniform(rng, -2, 2)))


def exp_tilt_tangent(rng: np.random.Generator) -> Case:
    """exp(x/2) − 2x and its derivative, at a Python int in [−6, 8] (`tangent_informative` keeps most)."""
    return Case((Given("probe.exp_tilt"), Given("probe.exp_tilt'"), integer_valued(rng, -6, 8)))


def cubic_tangent(rng: np.random.Generator) -> Case:
    """x³ − 2x + 1 and its derivative, at a float in [2, 4], away from 0."""
    return Case((Given("probe.cubic"), Given("probe.cubic'"), uniform(rng, 2, 4)))


# ----- the exercises --------------------------------------------------------------------------------

EXERCISES = (
    exercise(
        module=MODULE, function="df_poly", points=3, differentiates="f_poly",
        evaluates_differentiated=False,
        checks=hand_derivative_checks("derivatives.f_poly", -3.0, 3.0, integers_to_avoid=(1, 3),
                                      integers=(-7, 7)),
        expect=sympy_derivative_of("derivatives.f_poly"),
        hint="Differentiate term by term with the power rule: d/dx xⁿ = n·xⁿ⁻¹, and a constant has slope 0.",
        mistakes=[
            mistake(name="constant kept", hint="the derivative of the constant term + 1 is 0, not 1.",
                    body="return 3 * x**2 - 12 * x + 9 + 1"),
            mistake(name="power not lowered", hint="the power rule multiplies by n AND lowers the power by one: "
                    "d/dx x³ = 3x², not 3x³.", body="return 3 * x**3 - 12 * x**2 + 9 * x"),
        ],
        alternatives=["return x * (3 * x - 12) + 9", "return 3 * (x - 1) * (x - 3)"],
    ),
    exercise(
        module=MODULE, function="df_wave", points=4, differentiates="f_wave",
        checks=hand_derivative_checks("derivatives.f_wave", -3.0, 3.0, integers_to_avoid=(-1, 0, 1)),
        expect=sympy_derivative_of("derivatives.f_wave"),
        hint="f_wave is a product u·v with u = sin(3x), v = exp(−x²/2): use (u·v)' = u'·v + u·v', and the chain "
             "rule for both u and v.",
        mistakes=[
            mistake(name="dropped inner derivative of sin(3x)", hint="the chain rule: d/dx sin(3x) = 3·cos(3x); "
                    "the inner function 3x contributes its derivative 3.",
                    body="return (np.cos(3 * x) - x * np.sin(3 * x)) * np.exp(-x**2 / 2)", slip_in="np.sin(3 * x)"),
            mistake(name="dropped inner derivative of exp(−x²/2)", hint="the chain rule: d/dx exp(−x²/2) = "
                    "−x·exp(−x²/2); the inner function −x²/2 contributes −x.",
                    body="return (3 * np.cos(3 * x) + np.sin(3 * x)) * np.exp(-x**2 / 2)",
                    slip_in="np.exp(-x**2 / 2)"),
            mistake(name="product of derivatives", hint="the derivative of a product is not the product of the "
                    "derivatives: (u·v)' = u'·v + u·v'.",
                    body="return 3 * np.cos(3 * x) * (-x * np.exp(-x**2 / 2))"),
            mistake(name="sign of the exponent's derivative", hint="d/dx (−x²/2) = −x: mind the minus sign.",
                    body="return (3 * np.cos(3 * x) + x * np.sin(3 * x)) * np.exp(-x**2 / 2)",
                    slip_in="np.exp(-x**2 / 2)"),
        ],
        alternatives=["return np.exp(-x**2 / 2) * (3 * np.cos(3 * x) - x * np.sin(3 * x))"],
    ),
    exercise(
        module=MODULE, function="dsigmoid", points=3, differentiates="sigmoid",
        checks=hand_derivative_checks("derivatives.sigmoid", -6.0, 6.0),
        expect=sympy_derivative_of("derivatives.sigmoid"),
        hint="Write σ(x) = (1 + e^(−x))^(−1) and use the chain rule; the result can be written with σ itself.",
        mistakes=[
            mistake(name="dropped inner derivative of −x", hint="d/dx e^(−x) = −e^(−x): the inner function −x "
                    "contributes −1, which cancels the outer minus sign.",
                    body="return -sigmoid(x) * (1 - sigmoid(x))", slip_in="np.exp(-x)"),
            mistake(name="σ(x)·(1 − x)", hint="the derivative is σ(x)·(1 − σ(x)): the second factor uses σ(x), "
                    "not x.", body="return sigmoid(x) * (1 - x)"),
        ],
        alternatives=["return np.exp(-x) / (1 + np.exp(-x))**2", "s = 1 / (1 + np.exp(-x))\nreturn s - s * s"],
    ),
    exercise(
        module=MODULE, function="df_log", points=3, differentiates="f_log",
        checks=hand_derivative_checks("derivatives.f_log", -3.0, 3.0, integers_to_avoid=(0,), integers=(-8, 8)),
        expect=sympy_derivative_of("derivatives.f_log"),
        hint="Chain rule: d/dx log(u) = u'/u with u = 1 + x².",
        mistakes=[
            mistake(name="dropped inner derivative", hint="d/dx log(u) = u'/u: with u = 1 + x² the numerator "
                    "is u' = 2x, not 1.", body="return 1 / (1 + x**2)", slip_in="1 + x**2"),
            mistake(name="derivative of the inside only", hint="log's derivative 1/u is missing: the answer is "
                    "u'/u, not u'.", body="return 2 * x"),
        ],
        alternatives=["return 2 * x / (x**2 + 1)"],
    ),
    exercise(
        module=MODULE, function="numerical_derivative", points=4,
        checks={
            "f_wave at a float, default h": redrawn(f_wave_at_a_float, derivative_informative),
            "sigmoid on an array, h=1e-3": redrawn_in_blocks(sigmoid_on_arrays, derivative_informative,
                                                             derivative_informative_together),
            "a larger h=0.1, where a one-sided difference shows": redrawn(cubic_with_a_large_step,
                                                                          derivative_informative),
            # a handful of integers has a table of answers for an answer (another exercise's stored values): it
            # counts only with a kind drawn from floats (red team round 37, 01 and 04)
            "another function at an integer x": edge_case(redrawn(cos_bowl_at_an_integer, derivative_informative),
                                                          counts_with="f_wave at a float, default h"),
        },
        expect=[central_difference_vs_exact, central_difference_vs_solution],
        hint="Use the central difference (f(x + h) − f(x − h)) / (2h): one step on each side of x, and divide by "
             "the whole distance 2h between the two points.",
        mistakes=[
            mistake(name="forward difference", hint="(f(x + h) − f(x)) / h is the forward difference, accurate "
                    "only to order h; the central difference steps to both sides: (f(x + h) − f(x − h)) / (2h).",
                    body="return (f(x + h) - f(x)) / h"),
            mistake(name="backward difference", hint="(f(x) − f(x − h)) / h is the backward difference; use the "
                    "central difference (f(x + h) − f(x − h)) / (2h).", body="return (f(x) - f(x - h)) / h"),
            mistake(name="divided by h instead of 2h", hint="the two points x − h and x + h are 2h apart: divide "
                    "by 2h.", body="return (f(x + h) - f(x - h)) / h"),
        ],
        alternatives=["return (f(x + h) - f(x - h)) / h / 2", "return 0.5 * (f(x + h) - f(x - h)) / h"],
    ),
    exercise(
        module=MODULE, function="tangent_line", points=3, returns=("the slope", "the intercept"),
        checks={
            "cos(2x) + x²/4 at a float": redrawn(cos_bowl_tangent, tangent_informative),
            "exp(x/2) − 2x at an integer": edge_case(redrawn(exp_tilt_tangent, tangent_informative),
                                                     counts_with="cos(2x) + x²/4 at a float"),
            "a cubic away from 0": redrawn(cubic_tangent, tangent_informative),
        },
        expect=by_solution(f"{MODULE}.tangent_line"),
        hint="The tangent touches f at x0 with slope df(x0): y = f(x0) + df(x0)·(x − x0). Expand that into "
             "slope·x + intercept to read off the intercept.",
        mistakes=[
            mistake(name="intercept is f(x0)", hint="f(x0) is the height of the curve at x0, not where the "
                    "tangent crosses the y-axis: intercept = f(x0) − slope·x0.",
                    body="return float(df(x0)), float(f(x0))"),
            mistake(name="sign of slope·x0", hint="from y = f(x0) + slope·(x − x0): intercept = f(x0) − slope·x0.",
                    body="return float(df(x0)), float(f(x0) + df(x0) * x0)"),
            mistake(name="swapped slope and intercept", hint="return the pair in the order (slope, intercept).",
                    body="slope = float(df(x0))\nreturn float(f(x0) - slope * x0), slope"),
        ],
        alternatives=["slope = df(x0)\nreturn [slope, f(x0) - slope * x0]",
                      "slope = df(x0)\nreturn np.array([slope, f(x0) - slope * x0])"],
    ),
)
