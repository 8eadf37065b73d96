"""Exercises of `linear_model`: the line y = m·x + c, its SSE, error profiles and the error surface.

`predict`, `sse`, the two error profiles, `error_surface` and `least_squares_fit` are checked against SymPy
(the line, its squared error summed over the data, the normal equations); `best_fit_on_grid` against the
reference. Declared in the keyword form (`grader.authoring`); each input generator is a named function, and
the SSE-based exercises share the same three kinds of data (`data_checks`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import sympy as sp

from grader.authoring import InputGenerator, edge_case, exercise, mistake
from grader.compare import Tolerance
from grader.curriculum.common import (
    LINE,
    SQUARED_ERROR,
    apart,
    apart_from,
    by_solution,
    by_sympy,
    c_sym,
    differs,
    grid_over_points,
    integer_valued,
    line_data,
    m_sym,
    redrawn,
    sum_over_points,
    uniform,
    x_sym,
    y_sym,
)
from grader.spec import Case, structure

MODULE = "linear_model"
SUMS = Tolerance(rtol=1e-9, atol=1e-9)  # sums of many squares: exact formula, rounding of a sum
FIT = Tolerance(rtol=1e-7, atol=1e-9)  # solving a 2×2 system: rounding grows with its condition

predict_exact = sp.lambdify((m_sym, c_sym, x_sym), LINE, "numpy")
sse_exact = sum_over_points(SQUARED_ERROR)
sse_grid = grid_over_points(SQUARED_ERROR)


def profile_over_slopes(slopes, c, x, y) -> np.ndarray:
    return sse_grid(slopes, [c], x, y)[0]


def profile_over_intercepts(m, intercepts, x, y) -> np.ndarray:
    return sse_grid([m], intercepts, x, y)[:, 0]


def surface(slopes, intercepts, x, y) -> np.ndarray:
    """E[i, j] = SSE(slopes[j], intercepts[i]): rows follow the intercepts, as np.meshgrid lays them out."""
    return sse_grid(slopes, intercepts, x, y)


def _normal_equations():
    """∂SSE/∂m = 0 and ∂SSE/∂c = 0 are linear in (m, c): SymPy gives each point's coefficients."""
    rows = []
    for weight in (m_sym, c_sym):
        poly = sp.Poly(sp.expand(sp.diff(SQUARED_ERROR, weight)), m_sym, c_sym)
        rows.append([sp.lambdify((x_sym, y_sym), poly.coeff_monomial(mono), "numpy")
                     for mono in (m_sym, c_sym, 1)])
    return rows


NORMAL_EQUATIONS = _normal_equations()


def least_squares_exact(x, y) -> tuple[float, float]:
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    coefficients = np.array([[np.sum(term(x, y) + 0.0 * x) for term in row] for row in NORMAL_EQUATIONS])
    m, c = np.linalg.solve(coefficients[:, :2], -coefficients[:, 2])
    return float(m), float(c)


# ----- input generators and what makes their inputs informative -------------------------------------

ArgumentsForData = Callable[[np.random.Generator, Any, Any], tuple[Any, ...]]


def data_checks(arguments: ArgumentsForData, accept: Callable[[Case], bool] | None = None) -> dict[str, InputGenerator]:
    """The data every SSE-based exercise sees: random, not centred, and integer-valued. `arguments` turns the
    drawn data (x, y) into the call's arguments (drawing what else it needs after the data); `accept`, if
    given, redraws until the case is informative."""

    def random_data(rng: np.random.Generator) -> Case:
        """Eight noisy points around a random line, x in [−3, 5]."""
        return Case(arguments(rng, *line_data(rng)))

    def data_not_centred(rng: np.random.Generator) -> Case:
        """Ten noisy points with x in [20, 30]."""
        return Case(arguments(rng, *line_data(rng, 10, 20, 30)))

    def integer_data(rng: np.random.Generator) -> Case:
        """Six integer points with x in [−4, 6]."""
        return Case(arguments(rng, *line_data(rng, 6, -4, 6, True)))

    generators = {"random data": random_data, "data that is not centred": data_not_centred,
                  "integer-valued data": integer_data}
    return {label: redrawn(generate, accept) if accept else generate for label, generate in generators.items()}


def _points(rng) -> int:
    """Eight points (hidden: another number)."""
    return structure(rng, 8, (5, 11, 3, 14))


def _weights(rng):
    return uniform(rng, -2, 3), uniform(rng, -3, 3)


def _weights_near(rng, x, y):
    """A line through the middle of the data, turned a little: its residuals have both signs."""
    m, c = least_squares_exact(x, y)
    m += uniform(rng, -0.5, 0.5)
    return m, float(np.mean(y) - m * np.mean(x)) + uniform(rng, -1, 1)


def predict_informative(case: Case) -> bool:
    """The line's values differ from c·x + m and from x, and none of m, c, 0 and 1 agree."""
    m, c, x = case.args
    right = predict_exact(m, c, x)
    return differs(right, c * np.asarray(x) + m, x) and apart_from(right, 0.0, 1.0) and apart(m, c, 0.0, 1.0)


def weights_at_a_float(rng: np.random.Generator) -> Case:
    """A float slope and intercept, x a float in [−5, 5]."""
    return Case((*_weights(rng), uniform(rng, -5, 5)))


def weights_at_an_array(rng: np.random.Generator) -> Case:
    """A float slope and intercept, x an array of eight floats (left as it was: `x *= m` would overwrite it)."""
    return Case((*_weights(rng), uniform(rng, -5, 5, _points(rng))))


def a_flat_line(rng: np.random.Generator) -> Case:
    """A slope of 0.0 (the docstring's number), a float intercept, x an array of eight floats: the line is c
    everywhere, which a rewriting that divides by m (`m * (x + c / m)`) does not give."""
    return Case((0.0, uniform(rng, -3, 3), uniform(rng, -5, 5, _points(rng))))


def intercept_informative(case: Case) -> bool:
    """The intercept is none of 0 and ±1 (so that the line c differs from 0, 1 and c·x + m)."""
    return apart(case.args[1], 0.0, 1.0, -1.0)


def float_weights_at_integers(rng: np.random.Generator) -> Case:
    """A float slope and intercept, x an array of eight integers (left as it was): what is built from x keeps its
    integer dtype (`np.full_like(x, c)`, `np.zeros_like(x)`) and truncates the float weights."""
    return Case((*_weights(rng), rng.integers(-5, 6, _points(rng))))


def integer_weights_at_integers(rng: np.random.Generator) -> Case:
    """A Python int slope and intercept in [−6, 6], x the integer array −2, …, 2 (left as it was)."""
    return Case((integer_valued(rng, -6, 6), integer_valued(rng, -6, 6),
                 np.arange(*structure(rng, (-2, 3), ((-3, 4), (-1, 5), (-4, 2), (0, 6))))))


def residuals_of_both_signs(case: Case) -> bool:
    """Residuals of both signs and of different sizes: squaring, absolute values, the square of the sum and a
    mean all give different numbers there, and none is 0."""
    m, c, x, y = case.args
    residuals = np.asarray(y, dtype=float) - (m * np.asarray(x, dtype=float) + c)
    return bool(np.any(residuals > 0.1) and np.any(residuals < -0.1)) and \
        apart(np.sum(residuals), np.sum(np.abs(residuals)), np.sum(residuals**2), 0.0, margin=1e-2)


def weights_near_the_data(rng: np.random.Generator, x, y) -> tuple[Any, ...]:
    """(m, c, x, y) with a line through the middle of the data, turned a little."""
    return (*_weights_near(rng, x, y), x, y)


def three_points(rng: np.random.Generator) -> Case:
    """A random line and three points, floats in [−3, 3]."""
    return Case((*_weights(rng), uniform(rng, -3, 3, 3), uniform(rng, -3, 3, 3)))


def slopes_around_zero(rng: np.random.Generator, x, y) -> tuple[Any, ...]:
    """(slopes, c, x, y): nine slopes from about −2 to 3 as an array, in no particular order (entry k belongs to
    slopes[k], whatever their order), a float intercept."""
    n_slopes = structure(rng, 9, (6, 12, 7, 11))
    return rng.permutation(np.linspace(-2, 3, n_slopes) + uniform(rng, -0.5, 0.5)), uniform(rng, -3, 3), x, y


def slopes_as_a_list(rng: np.random.Generator) -> Case:
    """`slopes_around_zero`'s arguments on random data, the slopes as a list of floats (the docstring's other form)."""
    slopes, c, x, y = slopes_around_zero(rng, *line_data(rng))
    return Case(([float(m) for m in slopes], c, x, y))


def swapping_x_and_y_shows(case: Case) -> bool:
    """The profile differs from the one of the data with x and y swapped."""
    slopes, c, x, y = case.args
    return differs(profile_over_slopes(slopes, c, x, y), profile_over_slopes(slopes, c, y, x))


def intercepts_as_a_list(rng: np.random.Generator, x, y) -> tuple[Any, ...]:
    """(m, intercepts, x, y): a float slope, seven intercepts from about −4 to 4 as a list, in no particular order."""
    n_intercepts = structure(rng, 7, (5, 10, 4, 9))
    return uniform(rng, -2, 3), list(rng.permutation(np.linspace(-4, 4, n_intercepts) + uniform(rng, -1, 1))), x, y


def _grid(rng, n_slopes: int, n_intercepts: int):
    """Slopes and intercepts evenly spread, each in no particular order (E[i, j] belongs to intercepts[i] and
    slopes[j], whatever their order)."""
    return (rng.permutation(np.linspace(*sorted(rng.uniform(-3, 4, 2)), n_slopes)),
            rng.permutation(np.linspace(*sorted(rng.uniform(-5, 5, 2)), n_intercepts)))


def non_square_grid(rng: np.random.Generator) -> Case:
    """Five slopes and three intercepts as arrays, random data."""
    return Case((*_grid(rng, *structure(rng, (5, 3), ((4, 4), (6, 2), (3, 6), (5, 5)))), *line_data(rng)))


def grid_as_lists_data_not_centred(rng: np.random.Generator) -> Case:
    """Four slopes and six intercepts as lists, data with x in [20, 30]."""
    sizes = structure(rng, (4, 6), ((5, 3), (3, 3), (6, 4), (2, 5)))
    return Case((*(list(axis) for axis in _grid(rng, *sizes)), *line_data(rng, 8, 20, 30)))


def _best_cell(slopes, intercepts, x, y) -> tuple[int, int]:
    """(row, column) of the grid's lowest SSE."""
    grid = surface(slopes, intercepts, x, y)
    row, column = np.unravel_index(np.argmin(grid), grid.shape)
    return int(row), int(column)


def best_cell_inside(case: Case) -> bool:
    """The best cell is neither the first nor the middle one, nor the one the data with x and y swapped give, nor
    the one nearest the least-squares line on each axis apart (the bowl is tilted: snapping the exact fit to the
    grid is not the grid's best pair); its slope and intercept differ (so swapping them shows) and neither is 0."""
    slopes, intercepts, x, y = case.args
    (i, j), swapped = _best_cell(slopes, intercepts, x, y), _best_cell(slopes, intercepts, y, x)
    middle = (len(intercepts) // 2, len(slopes) // 2)
    exact_m, exact_c = least_squares_exact(x, y)
    snapped = (int(np.argmin(np.abs(np.asarray(intercepts, dtype=float) - exact_c))),
               int(np.argmin(np.abs(np.asarray(slopes, dtype=float) - exact_m))))
    m, c = float(slopes[j]), float(intercepts[i])
    return (i, j) not in ((0, 0), middle, swapped, snapped) and apart(m, c, 0.0, margin=1e-2)


GRADIENT_WEIGHTS = (0.25, 0.5, 1.0, 2.0, 4.0)  # ∂SSE/∂m weighed against ∂SSE/∂c: the gradient's length and its kin


def best_cell_not_the_shortest_gradient(case: Case) -> bool:
    """`best_cell_inside`'s rules, and the gradient is not shortest there however its two partial derivatives are
    weighed against each other: on a grid the lowest SSE and the vanishing gradient are different criteria (around
    the fit they pick the same cell almost always, beside it less often)."""
    slopes, intercepts, x, y = case.args
    best = _best_cell(slopes, intercepts, x, y)
    m_axis, c_axis = np.meshgrid(np.asarray(slopes, dtype=float), np.asarray(intercepts, dtype=float))
    residuals = y[None, None, :] - (m_axis[..., None] * x + c_axis[..., None])
    along_m, along_c = (residuals * x).sum(axis=-1), residuals.sum(axis=-1)
    for weight in GRADIENT_WEIGHTS:
        length = (weight * along_m) ** 2 + along_c ** 2
        if np.unravel_index(np.argmin(length), length.shape) == best:
            return False
    return best_cell_inside(case)


def grid_beside_the_fit(rng: np.random.Generator) -> Case:
    """Six slopes all above or all below the least-squares slope, and eight intercepts around its intercept, as
    arrays: the best cell is on the grid's edge."""
    x, y = line_data(rng)
    m, c = least_squares_exact(x, y)
    side = float(rng.choice([-1.0, 1.0]))
    near = m + side * uniform(rng, 0.2, 1.0)
    n_slopes, n_intercepts = structure(rng, (6, 8), ((5, 9), (7, 6), (4, 7), (8, 10)))
    slopes = np.sort(np.linspace(near, near + side * uniform(rng, 1, 3), n_slopes))
    return Case((slopes, np.linspace(c - uniform(rng, 1, 4), c + uniform(rng, 1, 4), n_intercepts), x, y))


def _grid_around_fit(rng, n_slopes: int, n_intercepts: int, x, y):
    """A grid around the least-squares line, reaching further on one side than on the other."""
    m, c = least_squares_exact(x, y)
    return (np.linspace(m - uniform(rng, 0.3, 1.5), m + uniform(rng, 0.3, 1.5), n_slopes),
            np.linspace(c - uniform(rng, 1, 4), c + uniform(rng, 1, 4), n_intercepts))


def _grid_case(rng, n_slopes: int, n_intercepts: int, as_lists: bool) -> Case:
    x, y = line_data(rng)
    slopes, intercepts = _grid_around_fit(rng, n_slopes, n_intercepts, x, y)
    if as_lists:
        slopes, intercepts = list(slopes), list(intercepts)
    return Case((slopes, intercepts, x, y))


def non_square_grid_around_the_fit(rng: np.random.Generator) -> Case:
    """Nine slopes and five intercepts as arrays, around the least-squares line."""
    return _grid_case(rng, *structure(rng, (9, 5), ((7, 4), (10, 6), (6, 6), (8, 4))), False)


def grid_as_lists_around_the_fit(rng: np.random.Generator) -> Case:
    """Four slopes and seven intercepts as lists, around the least-squares line."""
    return _grid_case(rng, *structure(rng, (4, 7), ((5, 6), (4, 4), (6, 8), (5, 5))), True)


def just_the_data(rng: np.random.Generator, x, y) -> tuple[Any, ...]:
    """(x, y) as drawn."""
    return x, y


def two_points(rng: np.random.Generator) -> Case:
    """Two points with different x: the fit is the line through them."""
    return Case((np.array([uniform(rng, -3, 0), uniform(rng, 1, 4)]), uniform(rng, -3, 3, 2)))


# ----- the exercises --------------------------------------------------------------------------------

MEAN, MEAN_HINT = "mean instead of sum", ("the SSE is the SUM of the squared errors, not their mean "
                                           "(that would be the MSE, smaller by a factor n).")
SUM_OF_SQUARES = "Σ (y_i − (m·x_i + c))²: the residuals, squared, then summed"
EXERCISES = (
    exercise(
        module=MODULE, function="predict", points=2,
        checks={
            "a float x": redrawn(weights_at_a_float, predict_informative),
            "an array x": redrawn(weights_at_an_array, predict_informative),
            "integer slope, intercept and x": redrawn(integer_weights_at_integers, predict_informative),
            "float slope and intercept, integer x": redrawn(float_weights_at_integers, predict_informative),
            "a flat line (slope 0)": edge_case(redrawn(a_flat_line, intercept_informative), counts_with="an array x"),
        },
        expect=by_sympy(predict_exact, SUMS, "the line m·x + c"),
        hint="The prediction of the line is slope times x plus intercept, elementwise for arrays.",
        mistakes=[mistake(name="slope and intercept swapped", hint="m is the slope (it multiplies x); c is the "
                          "intercept.", body="return c * x + m")],
        alternatives=["return np.add(np.multiply(m, x), c)"],
    ),
    exercise(
        module=MODULE, function="sse", points=4,
        checks={**data_checks(weights_near_the_data, accept=residuals_of_both_signs),
                "three points": redrawn(three_points, residuals_of_both_signs)},
        expect=by_sympy(sse_exact, SUMS, "Σ of the SymPy squared error"),
        hint=f"The SSE is {SUM_OF_SQUARES}; return it as one float.",
        mistakes=[
            mistake(name=MEAN, hint=MEAN_HINT, body="return float(np.mean((y - (m * x + c))**2))"),
            mistake(name="residuals not squared", hint="square each residual before summing: positive and "
                    "negative errors must not cancel.", body="return float(np.sum(y - (m * x + c)))"),
            mistake(name="absolute errors", hint="that is the sum of absolute errors; the SSE squares them.",
                    body="return float(np.sum(np.abs(y - (m * x + c))))"),
            mistake(name="squared the sum", hint="square each residual, then sum; not the square of the sum.",
                    body="return float(np.sum(y - (m * x + c))**2)"),
        ],
        alternatives=["r = np.asarray(y, float) - (m * np.asarray(x, float) + c)\nreturn np.dot(r, r)",
                      "total = 0.0\nfor xi, yi in zip(x, y):\n    total += (yi - (m * xi + c))**2\nreturn total",
                      "return np.array(np.sum((y - m * x - c)**2))"],
    ),
    exercise(
        module=MODULE, function="error_profile_slope", points=3, builds_on=("predict",),
        checks={**data_checks(slopes_around_zero, accept=swapping_x_and_y_shows),
                "slopes as a list": redrawn(slopes_as_a_list, swapping_x_and_y_shows)},
        expect=by_sympy(profile_over_slopes, SUMS, "SymPy SSE at each slope"),
        hint="Return one SSE per slope in `slopes`, with the intercept c fixed: the error profile along m.",
        mistakes=[mistake(name=MEAN, hint=MEAN_HINT,
                          body="return np.array([np.mean((y - (m * x + c))**2) for m in slopes])")],
        alternatives=["return [sse(m, c, x, y) for m in slopes]"],
    ),
    exercise(
        module=MODULE, function="error_profile_intercept", points=3, builds_on=("predict",),
        checks=data_checks(intercepts_as_a_list),
        expect=by_sympy(profile_over_intercepts, SUMS, "SymPy SSE at each intercept"),
        hint="Return one SSE per intercept in `intercepts`, with the slope m fixed: the error profile along c.",
        mistakes=[mistake(name="profile along the slope", hint="your values are the SSE with the roles of m and "
                          "c swapped (each intercept used as a slope, m as the intercept): here the slope m is fixed "
                          "and the intercept varies.",
                          body="return np.array([sse(c, m, x, y) for c in intercepts])")],
        alternatives=["return np.array([np.sum((y - (m * x + c))**2) for c in intercepts])"],
    ),
    exercise(
        module=MODULE, function="error_surface", points=4,
        builds_on=("predict", "sse", "error_profile_slope", "error_profile_intercept"),
        checks={"a non-square grid": non_square_grid,
                "a grid given as lists, data not centred": grid_as_lists_data_not_centred},
        expect=by_sympy(surface, SUMS, "SymPy SSE on the grid"),
        hint="E[i, j] = sse(slopes[j], intercepts[i], x, y): one row per intercept, one column per slope "
             "(the layout of np.meshgrid(slopes, intercepts)).",
        mistakes=[
            mistake(name="transposed surface", hint="rows must follow the intercepts and columns the slopes: "
                    "E has shape (len(intercepts), len(slopes)), like np.meshgrid(slopes, intercepts).",
                    body="return np.array([[sse(m, c, x, y) for c in intercepts] for m in slopes])"),
            mistake(name=MEAN, hint=MEAN_HINT,
                    body="return np.array([[np.mean((y - (m * x + c))**2) for m in slopes] for c in intercepts])"),
        ],
        alternatives=["M, C = np.meshgrid(slopes, intercepts)\n"
                      "r = y[None, None, :] - (M[..., None] * x + C[..., None])\nreturn (r**2).sum(axis=-1)"],
    ),
    exercise(
        module=MODULE, function="best_fit_on_grid", points=4, returns=("the slope", "the intercept"),
        builds_on=("predict", "sse"),
        checks={"a non-square grid": redrawn(non_square_grid_around_the_fit, best_cell_inside),
                "grid as lists": redrawn(grid_as_lists_around_the_fit, best_cell_inside),
                "a grid beside the fit (the best cell on its edge)": redrawn(grid_beside_the_fit,
                                                                             best_cell_not_the_shortest_gradient)},
        expect=by_solution(f"{MODULE}.best_fit_on_grid"),
        hint="Find the grid cell with the smallest SSE (np.argmin, then np.unravel_index) and return its "
             "(slope, intercept).",
        mistakes=[
            mistake(name="largest error", hint="the best fit has the LOWEST SSE: argmin, not argmax.",
                    body="E = error_surface(slopes, intercepts, x, y)\n"
                         "i, j = np.unravel_index(np.argmax(E), E.shape)\n"
                         "return float(slopes[j]), float(intercepts[i])"),
            mistake(name="swapped (c, m)", hint="return the pair in the order (m, c): slope first.",
                    body="E = error_surface(slopes, intercepts, x, y)\n"
                         "i, j = np.unravel_index(np.argmin(E), E.shape)\n"
                         "return float(intercepts[i]), float(slopes[j])"),
        ],
        alternatives=["E = error_surface(slopes, intercepts, x, y)\nk = int(np.argmin(E))\n"
                      "return np.array([slopes[k % len(slopes)], intercepts[k // len(slopes)]])"],
    ),
    exercise(
        module=MODULE, function="least_squares_fit", points=5, returns=("the slope m", "the intercept c"),
        checks={**data_checks(just_the_data), "two points: the line through them": two_points},
        expect=by_sympy(least_squares_exact, FIT, "SymPy normal equations"),
        hint="Set ∂SSE/∂m = 0 and ∂SSE/∂c = 0 and solve the two linear equations for (m, c).",
        mistakes=[
            mistake(name="line through the origin", hint="the slope Σxy/Σx² fits a line without intercept; with "
                    "c free, center the data: m = Σ(x−x̄)(y−ȳ)/Σ(x−x̄)², c = ȳ − m·x̄.",
                    body="m = np.sum(x * y) / np.sum(x * x)\nreturn float(m), float(np.mean(y) - m * np.mean(x))"),
            mistake(name="swapped (c, m)", hint="return the pair in the order (m, c): slope first.",
                    body="m, c = np.polyfit(x, y, 1)\nreturn float(c), float(m)"),
        ],
        alternatives=["return tuple(np.polyfit(x, y, 1))",
                      "A = np.column_stack([x, np.ones(len(x))])\nreturn np.linalg.lstsq(A, y, rcond=None)[0]"],
    ),
)
