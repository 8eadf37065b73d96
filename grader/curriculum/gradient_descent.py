"""Exercises of `gradient_descent`: following the slope downhill, one update rule per weight.

`sse_gradient` is checked against sympy.diff of the line's SSE; `gradient_step`, `gradient_descent` (the path
of (m, c)), `descend_1d` and `best_of_starts` against the reference solution; `df_nonconvex`, a derivative by
hand, against sympy.diff. Declared in the keyword form (`grader.authoring`); each input generator is a named
function, redrawn where a point could let a wrong answer pass.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from grader import given
from grader.authoring import edge_case, exercise, mistake
from grader.compare import EXACT, Tolerance
from grader.curriculum.common import (
    SQUARED_ERROR,
    apart,
    apart_from,
    by_solution,
    by_sympy,
    c_sym,
    differs,
    hand_derivative_checks,
    integer_valued,
    line_data,
    m_sym,
    redrawn,
    sum_over_points,
    uniform,
)
from grader.plain import Given
from grader.spec import Case, structure

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


# ----- input generators and what makes their inputs informative -------------------------------------


def gradient_informative(case: Case) -> bool:
    """Both partials nonzero and different, also with m and c or x and y swapped: swapping shows."""
    m, c, x, y = case.args
    right = sse_gradient_exact(m, c, x, y)
    return apart(*right, 0.0, margin=1e-2) and differs(right, sse_gradient_exact(c, m, x, y),
                                                      sse_gradient_exact(m, c, y, x))


def weights_on_random_data(rng: np.random.Generator) -> Case:
    """A float (m, c) and eight noisy points around a random line."""
    return Case((uniform(rng, -2, 3), uniform(rng, -3, 3), *line_data(rng)))


def weights_on_data_not_centred(rng: np.random.Generator) -> Case:
    """A float (m, c) and ten points with x in [20, 30]: the data are not centred."""
    return Case((uniform(rng, -2, 3), uniform(rng, -3, 3), *line_data(rng, 10, 20, 30)))


def integer_weights_and_data(rng: np.random.Generator) -> Case:
    """Python ints for (m, c) and six integer-valued points."""
    return Case((integer_valued(rng, -2, 2), integer_valued(rng, -2, 2), *line_data(rng, 6, -4, 6, True)))


def step_informative(case: Case) -> bool:
    """Every new weight differs from 0, 1, the old weight, the gradient and what truncating the step gives."""
    weights, grad, rate = (np.asarray(value, dtype=float) for value in case.args)
    right = weights - rate * grad
    return all(apart_from(new, 0.0, 1.0, old, g, old - np.trunc(rate * g), g - rate * old, margin=1e-2)
               for new, old, g in zip(right, weights, grad, strict=True))


def _integers(rng: np.random.Generator, low: int, high: int, n: int) -> list[int]:
    return [integer_valued(rng, low, high) for _ in range(n)]


def float_arrays_step(rng: np.random.Generator) -> Case:
    """Two weights and a gradient as float arrays, a learning rate in [0.01, 0.5]; arrays left unchanged."""
    size = structure(rng, 2, (3, 5, 4, 6))
    return Case((uniform(rng, -3, 3, size), uniform(rng, -5, 5, size), uniform(rng, 0.01, 0.5)))


def integer_lists_step(rng: np.random.Generator) -> Case:
    """Three weights and a gradient as lists of ints, learning rate 0.25; lists left unchanged."""
    size = structure(rng, 3, (2, 5, 4, 6))
    return Case((_integers(rng, -3, 3, size), _integers(rng, -4, 4, size), structure(rng, 0.25, (0.1, 0.4, 0.3, 0.05))))


def integer_arrays_step(rng: np.random.Generator) -> Case:
    """Four weights and a gradient as integer arrays, a learning rate in [0.1, 0.9]; arrays left unchanged."""
    size = structure(rng, 4, (3, 6, 2, 5))
    return Case((np.array(_integers(rng, -5, 5, size)), np.array(_integers(rng, -9, 9, size)), uniform(rng, 0.1, 0.9)))


def _descent_case(rng: np.random.Generator, n_steps: int, x_low: float, x_high: float, integer_start: bool) -> Case:
    x, y = line_data(rng, 8, x_low, x_high)
    start = ((integer_valued(rng, -3, 3), integer_valued(rng, -3, 3)) if integer_start
             else (uniform(rng, -3, 3), uniform(rng, -3, 3)))
    return Case((x, y, *start, stable_learning_rate(x, uniform(rng, 0.3, 0.9)), n_steps))


def descent_on_data_not_centred(rng: np.random.Generator) -> Case:
    """25 steps on data with x in [3, 9], at a stable learning rate; the data left unchanged."""
    return _descent_case(rng, structure(rng, 25, (31, 18, 40, 22)), 3, 9, False)


def two_descent_steps(rng: np.random.Generator) -> Case:
    """Two steps from a float start."""
    return _descent_case(rng, 2, -3, 5, False)


def descent_from_an_integer_start(rng: np.random.Generator) -> Case:
    """Twelve steps from a start (m0, c0) of Python ints."""
    return _descent_case(rng, structure(rng, 12, (15, 9, 17, 11)), -3, 5, True)


def overshooting_descent(rng: np.random.Generator) -> Case:
    """Eight steps at a learning rate of 2.2 to 2.8 over the largest eigenvalue of the SSE's Hessian, past the 2/λmax
    where descent converges: every step overshoots the minimum along the steepest direction and the SSE grows (a
    descent that refuses a step raising the error keeps still)."""
    x, y = line_data(rng, 8, -3, 5)
    return Case((x, y, uniform(rng, -3, 3), uniform(rng, -3, 3), stable_learning_rate(x, uniform(rng, 2.2, 2.8)),
                 structure(rng, 8, (9, 7, 10, 6))))


def converging_descent(rng: np.random.Generator) -> Case:
    """300 steps on centred data at a stable learning rate: the path settles on the minimum long before its last
    row (a loop that stops once the gradient or the step is tiny returns fewer rows)."""
    return _descent_case(rng, structure(rng, 300, (400, 350, 450, 500)), -2, 2, False)


def bowl_from_a_float(rng: np.random.Generator) -> Case:
    """The derivative of (x − 1.5)² + 1, twenty-one steps from a float start away from the minimum: an odd count,
    so a loop that makes its steps two at a time (n_steps // 2 passes) shows."""
    return Case((Given("probe.bowl'"), uniform(rng, -4, 4), uniform(rng, 0.05, 0.25),
                 structure(rng, 21, (23, 19, 25, 17))))


def away_from_the_bowls_minimum(case: Case) -> bool:
    """The start is more than 0.5 from the bowl's minimum at 1.5."""
    return abs(case.args[1] - 1.5) > 0.5


def tilted_well_from_an_integer(rng: np.random.Generator) -> Case:
    """The derivative of the tilted double well, thirty steps from a Python int start in [−3, 3]."""
    return Case((Given("probe.tilted_well'"), integer_valued(rng, -3, 3),
                 structure(rng, 0.05, (0.03, 0.07, 0.04, 0.06)), structure(rng, 30, (36, 24, 40, 28))))


def bowl_two_steps(rng: np.random.Generator) -> Case:
    """The bowl's derivative, two steps."""
    return Case((Given("probe.bowl'"), uniform(rng, -4, 4), structure(rng, 0.1, (0.15, 0.07, 0.2, 0.12)), 2))


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


def double_well_two_starts(rng: np.random.Generator) -> Case:
    """x⁴ − 3x² − x (lower on the right) and its derivative, one start in each valley. (Not f_nonconvex: its
    derivative is df_nonconvex's answer, never handed to student code.)"""
    return Case((Given("probe.double_well"), Given("probe.double_well'"),
                 [uniform(rng, 0.5, 2), uniform(rng, -2, -0.5)], structure(rng, 0.02, (0.03, 0.015, 0.025, 0.01)),
                 structure(rng, 25, (20, 28, 18, 22))))


def tilted_well_starts_as_array(rng: np.random.Generator) -> Case:
    """The tilted double well and its derivative, three starts as a NumPy array."""
    return Case((Given("probe.tilted_well"), Given("probe.tilted_well'"),
                 np.array([uniform(rng, 0.3, 2.5), uniform(rng, -2.5, -0.3), uniform(rng, -1, 1)]),
                 structure(rng, 0.05, (0.04, 0.06, 0.03, 0.045)), structure(rng, 30, (26, 34, 22, 28))))


def right_well_lowest_start_elsewhere(rng: np.random.Generator) -> Case:
    """A well whose global minimum is on the right, while the start with the lowest f is in the left valley."""
    return Case((Given("probe.right_well"), Given("probe.right_well'"),
                 [uniform(rng, 2.4, 2.7), uniform(rng, -1.5, -1.2)], 0.05, 30))


def three_starts_few_steps(rng: np.random.Generator) -> Case:
    """The right well, three steps only: the start with the lowest f near the left minimum, another high on the
    left wall (still the highest f after three steps), one in the right valley. The lowest start's end, the
    highest end point and the best end point are three different points."""
    return Case((Given("probe.right_well"), Given("probe.right_well'"),
                 [uniform(rng, 2.3, 2.6), uniform(rng, -1.4, -1.25), uniform(rng, -2.1, -1.9)], 0.05, 3))


def best_end_from_the_last_start(rng: np.random.Generator) -> Case:
    """The right well, the start whose descent ends lowest given last: one start in the left valley, one high on
    the left wall, the last high on the right wall (its own f, never descended, is the highest of all), so a
    loop that stops one start short, or compares the last start as it is, misses the best end point."""
    return Case((Given("probe.right_well"), Given("probe.right_well'"),
                 [uniform(rng, -1.4, -1.25), uniform(rng, -2.1, -1.9), uniform(rng, 2.4, 2.7)], 0.05, 30))


def lifted_well_positive_ends(rng: np.random.Generator) -> Case:
    """The right well lifted above zero (every end point's f is positive, so the lowest f is not the highest
    end point's opposite in size), global minimum on the right, the lowest start in the left valley, and a third
    start high on the left wall, still the highest after four steps (so the lowest start's end is not the
    highest end point). The best start is given second and the highest end third: in the other checks of three
    starts the highest end comes just before the best one (cyclically), so an index one off from the best, either
    way, is the highest end point in some of them and not in this one."""
    lowest, best, highest = uniform(rng, -1.4, -1.25), uniform(rng, 2.4, 2.7), uniform(rng, -2.1, -1.9)
    return Case((Given("probe.lifted_right_well"), Given("probe.lifted_right_well'"), [lowest, best, highest], 0.05, 4))


def first_better_not_best_and_the_last_above_the_one_before(rng: np.random.Generator) -> Case:
    """The lifted right well, five starts, four steps: the first start's end high on the left wall, the second's
    lower (in the left valley, not the best), the best from the third (the right valley), the fourth's end as high
    as the first's, the fifth's between the second's and the fourth's in f. A search that stops at the first end
    lower than the first one returns the second; one that compares each end with the one before it only (its best
    value kept on every pass, not only on a better end) returns the fifth; with two or three starts no check told
    either from the right search (red team rounds 48 and 50)."""
    return Case((Given("probe.lifted_right_well"), Given("probe.lifted_right_well'"),
                 [uniform(rng, -2.1, -2.0), uniform(rng, -1.4, -1.25), uniform(rng, 2.4, 2.7), uniform(rng, -2.1, -2.0),
                  uniform(rng, -1.82, -1.76)], 0.05, 4))


def one_valley_best_in_the_middle(rng: np.random.Generator) -> Case:
    """The right well, three starts in its right valley, three steps: the ends lie at about 1.0, 1.47 and 1.69,
    the best the middle one, neither the largest nor the smallest in size (in the other checks the best end lies
    farthest from 0: a search keyed on |x| passed them all, red team round 50)."""
    return Case((Given("probe.right_well"), Given("probe.right_well'"),
                 [uniform(rng, 0.75, 0.85), uniform(rng, 1.42, 1.52), uniform(rng, 2.25, 2.35)], 0.05, 3))


# ----- the exercises --------------------------------------------------------------------------------

# Named from the values: where a sign can come from, not which one the code has (red team round 45, 05)
ASCENT = ("gradient ascent: every step goes uphill. The update SUBTRACTS learning_rate·gradient, the gradient itself "
          "(it points uphill), not its negative: check the update's sign and the gradient's.")
NONCONVEX = given.CURRICULUM["gradient_descent.f_nonconvex"]
EXERCISES = (
    exercise(
        # the loss differentiated is linear_model's `sse` (same arguments), which a submission holding both modules
        # has: held at the input, as a module's own differentiated function (red team round 60, 02), and so are the
        # functions that evaluate it on a grid (a difference of an error surface's cells: red team round 61, 05)
        module=MODULE, function="sse_gradient", points=6, differentiates="sse", returns=("∂SSE/∂m", "∂SSE/∂c"),
        held_alike=("error_surface", "error_profile_slope", "error_profile_intercept"),
        checks={
            "random data": redrawn(weights_on_random_data, gradient_informative),
            "data that is not centred": redrawn(weights_on_data_not_centred, gradient_informative),
            "integers": redrawn(integer_weights_and_data, gradient_informative),
        },
        expect=by_sympy(sse_gradient_exact, GRADIENT, "sympy.diff of the SSE"),
        hint="With r = y − (m·x + c): ∂SSE/∂m = Σ 2·r·(∂r/∂m) and ∂SSE/∂c = Σ 2·r·(∂r/∂c); "
             "∂r/∂m = −x and ∂r/∂c = −1.",
        mistakes=[
            mistake(name="sign flipped", hint="every value has the opposite sign. The residual y − (m·x + c) "
                    "has derivative −x with respect to m and −1 with respect to c: both partials carry a minus sign "
                    "(with the residual written (m·x + c) − y, neither does): check the residual's direction against "
                    "the sign in front.",
                    body="r = y - (m * x + c)\nreturn float(2 * np.sum(x * r)), float(2 * np.sum(r))"),
            mistake(name="missing factor 2", hint="d/du u² = 2u: the power rule brings down a 2.",
                    body="r = y - (m * x + c)\nreturn float(-np.sum(x * r)), float(-np.sum(r))"),
            mistake(name="mean instead of sum", hint="the SSE is a sum, so its gradient is a sum too (no 1/n).",
                    body="r = y - (m * x + c)\nreturn float(-2 * np.mean(x * r)), float(-2 * np.mean(r))"),
            mistake(name="dropped inner derivative x", hint="∂r/∂m = −x: each term of ∂SSE/∂m is multiplied by "
                    "its x_i.", body="r = y - (m * x + c)\nreturn float(-2 * np.sum(r)), float(-2 * np.sum(r))"),
        ],
        alternatives=["r = y - m * x - c\nreturn np.array([-2 * x @ r, -2 * r.sum()])",
                      "return [2 * np.sum(x * (m * x + c - y)), 2 * np.sum(m * x + c - y)]"],
    ),
    exercise(
        module=MODULE, function="gradient_step", points=4,
        checks={
            "arrays, left unchanged": redrawn(float_arrays_step, step_informative),
            "lists of integers, left unchanged": redrawn(integer_lists_step, step_informative),
            "arrays of integers, left unchanged": redrawn(integer_arrays_step, step_informative),
        },
        expect=by_solution(f"{MODULE}.gradient_step", EXACT),
        hint="new_weights = weights − learning_rate·grad, as a new float array (np.asarray(..., dtype=float)).",
        mistakes=[
            mistake(name="gradient ascent", hint=ASCENT,
                    body="return np.asarray(weights, dtype=float) + learning_rate * np.asarray(grad, dtype=float)"),
            mistake(name="integer weights kept as integers", hint="np.array of integers stays integer: "
                    "convert with dtype=float before stepping.",
                    body="w = np.array(weights)\n"
                         "w = w - (learning_rate * np.asarray(grad)).astype(w.dtype)\nreturn w"),
        ],
        alternatives=["return [w - learning_rate * g for w, g in zip(weights, grad)]"],
    ),
    exercise(
        module=MODULE, function="gradient_descent", points=7,
        checks={
            "25 steps on data that is not centred": descent_on_data_not_centred,
            "two steps": two_descent_steps,
            "an integer start, 12 steps": descent_from_an_integer_start,
            "300 steps, converged long before the last": converging_descent,
            "a learning rate too large: the path overshoots and the SSE grows": overshooting_descent,
        },
        expect=by_solution(f"{MODULE}.gradient_descent", PATH),
        hint="Row 0 is (m0, c0); then repeat n_steps times: compute the gradient at the current (m, c), update "
             "both weights from it, and record the new row. The result has n_steps + 1 rows.",
        mistakes=[
            mistake(name="sequential instead of simultaneous update", hint="compute the gradient ONCE at the "
                    "current (m, c), then update both weights from it; updating m first and then computing "
                    "∂SSE/∂c at the new m is a different algorithm.",
                    body="path = [[float(m0), float(c0)]]\nm, c = float(m0), float(c0)\nfor _ in range(n_steps):\n"
                         "    m = m - learning_rate * sse_gradient(m, c, x, y)[0]\n"
                         "    c = c - learning_rate * sse_gradient(m, c, x, y)[1]\n    path.append([m, c])\n"
                         "return np.array(path)"),
            mistake(name="gradient ascent", hint=ASCENT,
                    body="path = [[m0, c0]]\nw = np.array([m0, c0], dtype=float)\nfor _ in range(n_steps):\n"
                         "    w = w + learning_rate * np.array(sse_gradient(w[0], w[1], x, y))\n"
                         "    path.append(list(w))\nreturn np.array(path, dtype=float)"),
            mistake(name="start row missing", hint="row 0 is the start (m0, c0): the path has n_steps + 1 rows.",
                    body="path = []\nw = np.array([m0, c0], dtype=float)\nfor _ in range(n_steps):\n"
                         "    w = gradient_step(w, sse_gradient(w[0], w[1], x, y), learning_rate)\n"
                         "    path.append(w)\nreturn np.array(path).reshape(n_steps, 2)"),
        ],
        alternatives=["rows = [(m0, c0)]\nm, c = m0, c0\nfor _ in range(n_steps):\n"
                      "    gm, gc = sse_gradient(m, c, x, y)\n"
                      "    m, c = m - learning_rate * gm, c - learning_rate * gc\n    rows.append((m, c))\n"
                      "return rows"],
    ),
    exercise(
        module=MODULE, function="df_nonconvex", points=3, differentiates="f_nonconvex",
        evaluates_differentiated=False,
        checks=hand_derivative_checks("gradient_descent.f_nonconvex", -2, 2, integers_to_avoid=(0, 1),
                                      integers=(-6, 6)),
        expect=by_sympy(NONCONVEX.diff(1), EXACT, "sympy.diff of f_nonconvex"),
        hint="Power rule, term by term: d/dx xⁿ = n·xⁿ⁻¹.",
        mistakes=[
            mistake(name="linear term dropped", hint="the term x has derivative 1, which stays in the result.",
                    body="return 4 * x**3 - 6 * x"),
            mistake(name="power not lowered", hint="d/dx x⁴ = 4x³: the power drops by one.",
                    body="return 4 * x**4 - 6 * x**2 + x"),
        ],
        alternatives=["return (4 * x**2 - 6) * x + 1"],
    ),
    exercise(
        module=MODULE, function="descend_1d", points=4, builds_on=("gradient_step",),
        checks={
            "a bowl from a float start": redrawn(bowl_from_a_float, away_from_the_bowls_minimum),
            # three integer starts: best_of_starts's stored values answer them (red team round 37, 04)
            "a tilted double well from an integer start": edge_case(tilted_well_from_an_integer,
                                                                    counts_with="a bowl from a float start"),
            "two steps": bowl_two_steps,
            "next to a hilltop, where the first steps are tiny": hilltop_start,
        },
        expect=by_solution(f"{MODULE}.descend_1d", EXACT),
        hint="Repeat n_steps times: x ← x − learning_rate·df(x); return the last x as a float.",
        mistakes=[
            mistake(name="gradient ascent", hint=ASCENT,
                    body="x = float(x0)\nfor _ in range(n_steps):\n    x = x + learning_rate * df(x)\nreturn x"),
            mistake(name="one step short", hint="the loop must make exactly n_steps updates.",
                    body="x = float(x0)\nfor _ in range(n_steps - 1):\n    x = x - learning_rate * df(x)\n"
                         "return x"),
        ],
        alternatives=["x = x0\nfor _ in range(n_steps):\n    x -= learning_rate * df(x)\nreturn np.float64(x)"],
    ),
    exercise(
        module=MODULE, function="best_of_starts", points=6, builds_on=("gradient_step",),
        checks={
            "a double well, lower on the right, from two starts": double_well_two_starts,
            "another non-convex f, starts as an array": tilted_well_starts_as_array,
            "the global minimum on the right, the lowest start in the other valley": right_well_lowest_start_elsewhere,
            "a well lifted above zero: every end point's f is positive": lifted_well_positive_ends,
            "three starts, three steps: the lowest start is neither the best nor the worst end": three_starts_few_steps,
            "three starts, the best end point from the last one": best_end_from_the_last_start,
            "five starts: the first better end not the best, the last lower than the one before it":
                first_better_not_best_and_the_last_above_the_one_before,
            "three starts in one valley, the best end in the middle": one_valley_best_in_the_middle,
        },
        expect=by_solution(f"{MODULE}.best_of_starts", EXACT),
        hint="Run descend_1d from every start, evaluate f at each end point, and return the end point with the "
             "lowest f (not the start, and not f's value).",
        mistakes=[
            mistake(name="returned the best start", hint="return where the descent ENDS, not where it started.",
                    body="ends = [descend_1d(df, s, learning_rate, n_steps) for s in starts]\n"
                         "return float(starts[int(np.argmin([f(e) for e in ends]))])"),
            mistake(name="returned f's value", hint="return the point x, not the value f(x) there.",
                    body="ends = [descend_1d(df, s, learning_rate, n_steps) for s in starts]\n"
                         "return float(min(f(e) for e in ends))"),
            mistake(name="highest end point", hint="keep the end point with the LOWEST f.",
                    body="ends = [descend_1d(df, s, learning_rate, n_steps) for s in starts]\n"
                         "return float(max(ends, key=f))"),
            mistake(name="start chosen before descending", hint="the start where f is lowest need not be the one "
                    "whose descent ends lowest (it may sit in the other valley): descend from EVERY start first, "
                    "then compare f at the end points.",
                    body="best = min(starts, key=f)\nreturn float(descend_1d(df, best, learning_rate, n_steps))"),
        ],
        alternatives=["ends = np.array([descend_1d(df, s, learning_rate, n_steps) for s in starts])\n"
                      "return ends[np.argmin([f(e) for e in ends])]"],
    ),
)
