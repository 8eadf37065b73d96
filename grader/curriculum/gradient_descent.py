"""Exercises of `gradient_descent`: following the slope downhill, one update rule per weight."""

from __future__ import annotations

import numpy as np
import sympy as sp

from grader import given
from grader.compare import EXACT, Tolerance
from grader.curriculum.common import (
    SQUARED_ERROR,
    apart,
    apart_from,
    by_solution,
    by_sympy,
    c_sym,
    check,
    differs,
    integer_valued,
    line_data,
    m_sym,
    redrawn,
    sum_over_points,
    uniform,
)
from grader.curriculum.derivatives import exact_derivative_checks
from grader.plain import Given
from grader.spec import Case, Exercise, Misconception

MODULE = "gradient_descent"
GRADIENT = Tolerance(rtol=1e-8, atol=1e-8)
PATH = Tolerance(rtol=1e-8, atol=1e-10)

_dsse_dm = sum_over_points(sp.diff(SQUARED_ERROR, m_sym))
_dsse_dc = sum_over_points(sp.diff(SQUARED_ERROR, c_sym))


def sse_gradient_exact(m, c, x, y) -> tuple[float, float]:
    """(∂SSE/∂m, ∂SSE/∂c) by sympy.diff of one point's squared error, summed over the data."""
    return _dsse_dm(m, c, x, y), _dsse_dc(m, c, x, y)


def stable_learning_rate(x: np.ndarray, fraction: float) -> float:
    """A fraction of 1/λmax of the SSE's Hessian 2·[[Σx², Σx], [Σx, n]]: descent converges, not too fast."""
    x = np.asarray(x, dtype=float)
    hessian = 2 * np.array([[np.sum(x * x), np.sum(x)], [np.sum(x), x.size]])
    return float(fraction / np.max(np.linalg.eigvalsh(hessian)))


def _descent_case(rng: np.random.Generator, n_steps: int, x_low: float, x_high: float, integer_start: bool) -> Case:
    x, y = line_data(rng, 8, x_low, x_high)
    start = ((integer_valued(rng, -3, 3), integer_valued(rng, -3, 3)) if integer_start
             else (uniform(rng, -3, 3), uniform(rng, -3, 3)))
    return Case((x, y, *start, stable_learning_rate(x, uniform(rng, 0.3, 0.9)), n_steps), check_mutation=True)


def _gradient_apart(case: Case) -> bool:
    """Both partials nonzero and different, also with m and c or x and y swapped: swapping shows."""
    m, c, x, y = case.args
    right = sse_gradient_exact(m, c, x, y)
    return apart(*right, 0.0, margin=1e-2) and differs(right, sse_gradient_exact(c, m, x, y),
                                                      sse_gradient_exact(m, c, y, x))


def _step_apart(case: Case) -> bool:
    """Every new weight differs from 0, 1, the old weight, the gradient and what truncating the step gives."""
    weights, grad, rate = (np.asarray(value, dtype=float) for value in case.args)
    right = weights - rate * grad
    return all(apart_from(new, 0.0, 1.0, old, g, old - np.trunc(rate * g), g - rate * old, margin=1e-2)
               for new, old, g in zip(right, weights, grad, strict=True))


def _integers(rng: np.random.Generator, low: int, high: int, n: int) -> list[int]:
    return [integer_valued(rng, low, high) for _ in range(n)]


def hilltop_start(rng: np.random.Generator) -> Case:
    """Start next to the hilltop of the tilted double well, where the first steps are tiny (about 1e-11) and
    later ones are not: a descent that stops once its steps are tiny stops at once. The step count ends the
    run while steps are still about 1e-5, so one step more or fewer shows too."""
    function = given.PROBES["probe.tilted_well"]
    slope, curvature = function.diff(1), function.diff(2)
    top = float(np.roots([1.0, 0.0, -2.0, 0.3])[np.argmin(np.abs(np.roots([1.0, 0.0, -2.0, 0.3]) - 0.15))].real)
    for _ in range(3):
        top -= float(slope(top)) / float(curvature(top))
    rate = uniform(rng, 0.04, 0.08)
    x0 = top + float(rng.choice([-1.0, 1.0])) * uniform(rng, 1e-10, 3e-10) / rate
    x, steps = x0, 0
    while abs(x - top) < 0.5 or abs(rate * slope(x)) > 1e-5:
        x, steps = float(x - rate * slope(x)), steps + 1
    return Case((Given("probe.tilted_well'"), x0, rate, steps))


SEQUENTIAL = Misconception(
    "sequential instead of simultaneous update",
    "compute the gradient ONCE at the current (m, c), then update both weights from it; updating m first "
    "and then computing ∂SSE/∂c at the new m is a different algorithm.",
    "path = [[float(m0), float(c0)]]\nm, c = float(m0), float(c0)\nfor _ in range(n_steps):\n"
    "    m = m - learning_rate * sse_gradient(m, c, x, y)[0]\n"
    "    c = c - learning_rate * sse_gradient(m, c, x, y)[1]\n    path.append([m, c])\nreturn np.array(path)")
ASCENT = "gradient ascent: the update SUBTRACTS learning_rate·gradient (the gradient points uphill)."

NONCONVEX = given.CURRICULUM["gradient_descent.f_nonconvex"]
NONCONVEX_MISTAKES = (
    Misconception("linear term dropped", "the term x has derivative 1, which stays in the result.",
                  "return 4 * x**3 - 6 * x"),
    Misconception("power not lowered", "d/dx x⁴ = 4x³: the power drops by one.", "return 4 * x**4 - 6 * x**2 + x"),
)

EXERCISES = (
    Exercise(
        MODULE, "sse_gradient", 6,
        (
            check("random data")(redrawn(
                lambda rng: Case((uniform(rng, -2, 3), uniform(rng, -3, 3), *line_data(rng))), _gradient_apart)),
            check("data that is not centred")(redrawn(
                lambda rng: Case((uniform(rng, -2, 3), uniform(rng, -3, 3), *line_data(rng, 10, 20, 30))),
                _gradient_apart)),
            check("integers")(redrawn(lambda rng: Case((integer_valued(rng, -2, 2), integer_valued(rng, -2, 2),
                                                        *line_data(rng, 6, -4, 6, True))), _gradient_apart)),
        ),
        (by_sympy(sse_gradient_exact, GRADIENT, "sympy.diff of the SSE"),),
        "With r = y − (m·x + c): ∂SSE/∂m = Σ 2·r·(∂r/∂m) and ∂SSE/∂c = Σ 2·r·(∂r/∂c); "
        "∂r/∂m = −x and ∂r/∂c = −1.",
        (
            Misconception("sign flipped", "the residual y − (m·x + c) has derivative −x with respect to m "
                          "and −1 with respect to c: both partials carry a minus sign.",
                          "r = y - (m * x + c)\nreturn float(2 * np.sum(x * r)), float(2 * np.sum(r))"),
            Misconception("missing factor 2", "d/du u² = 2u: the power rule brings down a 2.",
                          "r = y - (m * x + c)\nreturn float(-np.sum(x * r)), float(-np.sum(r))"),
            Misconception("mean instead of sum", "the SSE is a sum, so its gradient is a sum too (no 1/n).",
                          "r = y - (m * x + c)\nreturn float(-2 * np.mean(x * r)), float(-2 * np.mean(r))"),
            Misconception("dropped inner derivative x", "∂r/∂m = −x: each term of ∂SSE/∂m is multiplied by "
                          "its x_i.", "r = y - (m * x + c)\nreturn float(-2 * np.sum(r)), float(-2 * np.sum(r))"),
        ),
        ("r = y - m * x - c\nreturn np.array([-2 * x @ r, -2 * r.sum()])",
         "return [2 * np.sum(x * (m * x + c - y)), 2 * np.sum(m * x + c - y)]"),
    ),
    Exercise(
        MODULE, "gradient_step", 4,
        (
            check("arrays, left unchanged")(redrawn(
                lambda rng: Case((uniform(rng, -3, 3, 2), uniform(rng, -5, 5, 2), uniform(rng, 0.01, 0.5)),
                                 check_mutation=True), _step_apart)),
            check("lists of integers, left unchanged")(redrawn(
                lambda rng: Case((_integers(rng, -3, 3, 3), _integers(rng, -4, 4, 3), 0.25), check_mutation=True),
                _step_apart)),
            check("arrays of integers, left unchanged")(redrawn(
                lambda rng: Case((np.array(_integers(rng, -5, 5, 4)), np.array(_integers(rng, -9, 9, 4)),
                                  uniform(rng, 0.1, 0.9)), check_mutation=True), _step_apart)),
        ),
        (by_solution(f"{MODULE}.gradient_step", EXACT),),
        "new_weights = weights − learning_rate·grad, as a new float array (np.asarray(..., dtype=float)).",
        (
            Misconception("gradient ascent", ASCENT,
                          "return np.asarray(weights, dtype=float) + learning_rate * np.asarray(grad, dtype=float)"),
            Misconception("integer weights kept as integers", "np.array of integers stays integer: "
                          "convert with dtype=float before stepping.",
                          "w = np.array(weights)\n"
                          "w = w - (learning_rate * np.asarray(grad)).astype(w.dtype)\nreturn w"),
        ),
        ("return [w - learning_rate * g for w, g in zip(weights, grad)]",),
    ),
    Exercise(
        MODULE, "gradient_descent", 7,
        (
            check("25 steps on data that is not centred")(lambda rng: _descent_case(rng, 25, 3, 9, False)),
            check("two steps")(lambda rng: _descent_case(rng, 2, -3, 5, False)),
            check("an integer start, 12 steps")(lambda rng: _descent_case(rng, 12, -3, 5, True)),
        ),
        (by_solution(f"{MODULE}.gradient_descent", PATH),),
        "Row 0 is (m0, c0); then repeat n_steps times: compute the gradient at the current (m, c), update "
        "both weights from it, and record the new row. The result has n_steps + 1 rows.",
        (
            SEQUENTIAL,
            Misconception("gradient ascent", ASCENT,
                          "path = [[m0, c0]]\nw = np.array([m0, c0], dtype=float)\nfor _ in range(n_steps):\n"
                          "    w = w + learning_rate * np.array(sse_gradient(w[0], w[1], x, y))\n"
                          "    path.append(list(w))\nreturn np.array(path, dtype=float)"),
            Misconception("start row missing", "row 0 is the start (m0, c0): the path has n_steps + 1 rows.",
                          "path = []\nw = np.array([m0, c0], dtype=float)\nfor _ in range(n_steps):\n"
                          "    w = gradient_step(w, sse_gradient(w[0], w[1], x, y), learning_rate)\n"
                          "    path.append(w)\nreturn np.array(path).reshape(n_steps, 2)"),
        ),
        ("rows = [(m0, c0)]\nm, c = m0, c0\nfor _ in range(n_steps):\n    gm, gc = sse_gradient(m, c, x, y)\n"
         "    m, c = m - learning_rate * gm, c - learning_rate * gc\n    rows.append((m, c))\nreturn rows",),
    ),
    Exercise(
        MODULE, "df_nonconvex", 3,
        exact_derivative_checks(-2, 2, NONCONVEX.diff(1), given.numpy_function(NONCONVEX), integers_to_avoid=(0, 1)),
        (by_sympy(NONCONVEX.diff(1), EXACT, "sympy.diff of f_nonconvex"),),
        "Power rule, term by term: d/dx xⁿ = n·xⁿ⁻¹.",
        NONCONVEX_MISTAKES,
        ("return (4 * x**2 - 6) * x + 1",),
    ),
    Exercise(
        MODULE, "descend_1d", 4,
        (
            check("a bowl from a float start")(redrawn(
                lambda rng: Case((Given("probe.bowl'"), uniform(rng, -4, 4), uniform(rng, 0.05, 0.25), 20)),
                lambda case: abs(case.args[1] - 1.5) > 0.5)),
            check("a tilted double well from an integer start")(
                lambda rng: Case((Given("probe.tilted_well'"), integer_valued(rng, -2, 2), 0.05, 30))),
            check("two steps")(lambda rng: Case((Given("probe.bowl'"), uniform(rng, -4, 4), 0.1, 2))),
            check("next to a hilltop, where the first steps are tiny")(hilltop_start),
        ),
        (by_solution(f"{MODULE}.descend_1d", EXACT),),
        "Repeat n_steps times: x ← x − learning_rate·df(x); return the last x as a float.",
        (
            Misconception("gradient ascent", ASCENT,
                          "x = float(x0)\nfor _ in range(n_steps):\n    x = x + learning_rate * df(x)\nreturn x"),
            Misconception("one step short", "the loop must make exactly n_steps updates.",
                          "x = float(x0)\nfor _ in range(n_steps - 1):\n    x = x - learning_rate * df(x)\nreturn x"),
        ),
        ("x = x0\nfor _ in range(n_steps):\n    x -= learning_rate * df(x)\nreturn np.float64(x)",),
    ),
    Exercise(
        MODULE, "best_of_starts", 6,
        (
            # Not f_nonconvex itself: its derivative is df_nonconvex's answer, never handed to student code.
            check("a double well, lower on the right, from two starts")(
                lambda rng: Case((Given("probe.double_well"), Given("probe.double_well'"),
                                  [uniform(rng, 0.5, 2), uniform(rng, -2, -0.5)], 0.02, 25))),
            check("another non-convex f, starts as an array")(
                lambda rng: Case((Given("probe.tilted_well"), Given("probe.tilted_well'"),
                                  np.array([uniform(rng, 0.3, 2.5), uniform(rng, -2.5, -0.3), uniform(rng, -1, 1)]),
                                  0.05, 30))),
            check("the global minimum on the right, the lowest start in the other valley")(
                lambda rng: Case((Given("probe.right_well"), Given("probe.right_well'"),
                                  [uniform(rng, 2.4, 2.7), uniform(rng, -1.5, -1.2)], 0.05, 30))),
        ),
        (by_solution(f"{MODULE}.best_of_starts", EXACT),),
        "Run descend_1d from every start, evaluate f at each end point, and return the end point with the "
        "lowest f (not the start, and not f's value).",
        (
            Misconception("returned the best start", "return where the descent ENDS, not where it started.",
                          "ends = [descend_1d(df, s, learning_rate, n_steps) for s in starts]\n"
                          "return float(starts[int(np.argmin([f(e) for e in ends]))])"),
            Misconception("returned f's value", "return the point x, not the value f(x) there.",
                          "ends = [descend_1d(df, s, learning_rate, n_steps) for s in starts]\n"
                          "return float(min(f(e) for e in ends))"),
            Misconception("highest end point", "keep the end point with the LOWEST f.",
                          "ends = [descend_1d(df, s, learning_rate, n_steps) for s in starts]\n"
                          "return float(max(ends, key=f))"),
        ),
        ("ends = np.array([descend_1d(df, s, learning_rate, n_steps) for s in starts])\n"
         "return ends[np.argmin([f(e) for e in ends])]",),
    ),
)
