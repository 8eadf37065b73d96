"""Exercises of `linear_model`: the line y = m·x + c, its SSE, error profiles and the error surface."""

from __future__ import annotations

import numpy as np
import sympy as sp

from grader.compare import Tolerance
from grader.curriculum.common import (
    LINE,
    SQUARED_ERROR,
    apart,
    apart_from,
    by_solution,
    by_sympy,
    c_sym,
    check,
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
from grader.spec import Case, Exercise, Misconception

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


def _data_checks(function_args, accept=lambda case: True):
    """The data every SSE-based exercise sees: random, not centred, and integer-valued."""
    return (
        check("random data")(redrawn(lambda rng: Case(function_args(rng, *line_data(rng))), accept)),
        check("data that is not centred")(redrawn(lambda rng: Case(function_args(rng, *line_data(rng, 10, 20, 30))),
                                                  accept)),
        check("integer-valued data")(redrawn(lambda rng: Case(function_args(rng, *line_data(rng, 6, -4, 6, True))),
                                             accept)),
    )


def _weights(rng):
    return uniform(rng, -2, 3), uniform(rng, -3, 3)


def _weights_near(rng, x, y):
    """A line through the middle of the data, turned a little: its residuals have both signs."""
    m, c = least_squares_exact(x, y)
    m += uniform(rng, -0.5, 0.5)
    return m, float(np.mean(y) - m * np.mean(x)) + uniform(rng, -1, 1)


def _residuals_of_both_signs(case: Case) -> bool:
    """Residuals of both signs and of different sizes: squaring, absolute values, the square of the sum and a
    mean all give different numbers there, and none is 0."""
    m, c, x, y = case.args
    residuals = np.asarray(y, dtype=float) - (m * np.asarray(x, dtype=float) + c)
    return bool(np.any(residuals > 0.1) and np.any(residuals < -0.1)) and \
        apart(np.sum(residuals), np.sum(np.abs(residuals)), np.sum(residuals**2), 0.0, margin=1e-2)


def _predict_apart(case: Case) -> bool:
    m, c, x = case.args
    right = predict_exact(m, c, x)
    return differs(right, c * np.asarray(x) + m, x) and apart_from(right, 0.0, 1.0) and apart(m, c, 0.0, 1.0)


def _best_cell_inside(case: Case) -> bool:
    """The best cell is neither the first nor the middle one, nor the one the data with x and y swapped give;
    its slope and intercept differ (so swapping them shows) and neither is 0."""
    slopes, intercepts, x, y = case.args
    cells = [np.unravel_index(np.argmin(grid), grid.shape) for grid in (surface(slopes, intercepts, x, y),
                                                                         surface(slopes, intercepts, y, x))]
    (i, j), swapped = cells
    middle = (len(intercepts) // 2, len(slopes) // 2)
    m, c = float(slopes[j]), float(intercepts[i])
    return (i, j) not in ((0, 0), middle, swapped) and apart(m, c, 0.0, margin=1e-2)


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


def _grid(rng, n_slopes: int, n_intercepts: int):
    return np.linspace(*sorted(rng.uniform(-3, 4, 2)), n_slopes), np.linspace(*sorted(rng.uniform(-5, 5, 2)),
                                                                               n_intercepts)


MEAN, MEAN_HINT = "mean instead of sum", ("the SSE is the SUM of the squared errors, not their mean "
                                           "(that would be the MSE, smaller by a factor n).")
SUM_OF_SQUARES = "Σ (y_i − (m·x_i + c))²: the residuals, squared, then summed"
EXERCISES = (
    Exercise(
        MODULE, "predict", 2,
        (
            check("a float x")(redrawn(lambda rng: Case((*_weights(rng), uniform(rng, -5, 5))), _predict_apart)),
            check("an array x")(redrawn(lambda rng: Case((*_weights(rng), uniform(rng, -5, 5, 8))), _predict_apart)),
            check("integer slope, intercept and x")(redrawn(
                lambda rng: Case((integer_valued(rng, -3, 3), integer_valued(rng, -3, 3), np.arange(-2, 3))),
                _predict_apart)),
        ),
        (by_sympy(predict_exact, SUMS, "the line m·x + c"),),
        "The prediction of the line is slope times x plus intercept, elementwise for arrays.",
        (Misconception("slope and intercept swapped", "m is the slope (it multiplies x); c is the intercept.",
                       "return c * x + m"),),
        ("return np.add(np.multiply(m, x), c)",),
    ),
    Exercise(
        MODULE, "sse", 4,
        (*_data_checks(lambda rng, x, y: (*_weights_near(rng, x, y), x, y), _residuals_of_both_signs),
         check("three points")(redrawn(lambda rng: Case((*_weights(rng), uniform(rng, -3, 3, 3),
                                                         uniform(rng, -3, 3, 3))), _residuals_of_both_signs))),
        (by_sympy(sse_exact, SUMS, "Σ of the SymPy squared error"),),
        f"The SSE is {SUM_OF_SQUARES}; return it as one float.",
        (
            Misconception(MEAN, MEAN_HINT, "return float(np.mean((y - (m * x + c))**2))"),
            Misconception("residuals not squared", "square each residual before summing: positive and "
                          "negative errors must not cancel.", "return float(np.sum(y - (m * x + c)))"),
            Misconception("absolute errors", "that is the sum of absolute errors; the SSE squares them.",
                          "return float(np.sum(np.abs(y - (m * x + c))))"),
            Misconception("squared the sum", "square each residual, then sum; not the square of the sum.",
                          "return float(np.sum(y - (m * x + c))**2)"),
        ),
        ("r = np.asarray(y, float) - (m * np.asarray(x, float) + c)\nreturn np.dot(r, r)",
         "total = 0.0\nfor xi, yi in zip(x, y):\n    total += (yi - (m * xi + c))**2\nreturn total",
         "return np.array(np.sum((y - m * x - c)**2))"),
    ),
    Exercise(
        MODULE, "error_profile_slope", 3,
        _data_checks(lambda rng, x, y: (np.linspace(-2, 3, 9) + uniform(rng, -0.5, 0.5), uniform(rng, -3, 3),
                                        x, y),
                     lambda case: differs(profile_over_slopes(*case.args), profile_over_slopes(*case.args[:2],
                                                                                              *case.args[:1:-1]))),
        (by_sympy(profile_over_slopes, SUMS, "SymPy SSE at each slope"),),
        "Return one SSE per slope in `slopes`, with the intercept c fixed: the error profile along m.",
        (Misconception(MEAN, MEAN_HINT, "return np.array([np.mean((y - (m * x + c))**2) for m in slopes])"),),
        ("return [sse(m, c, x, y) for m in slopes]",),
    ),
    Exercise(
        MODULE, "error_profile_intercept", 3,
        _data_checks(lambda rng, x, y: (uniform(rng, -2, 3), list(np.linspace(-4, 4, 7) + uniform(rng, -1, 1)),
                                        x, y)),
        (by_sympy(profile_over_intercepts, SUMS, "SymPy SSE at each intercept"),),
        "Return one SSE per intercept in `intercepts`, with the slope m fixed: the error profile along c.",
        (Misconception("profile along the slope", "here the slope m is fixed and the intercept varies.",
                       "return np.array([sse(c, m, x, y) for c in intercepts])"),),
        ("return np.array([np.sum((y - (m * x + c))**2) for c in intercepts])",),
    ),
    Exercise(
        MODULE, "error_surface", 4,
        (
            check("a non-square grid")(lambda rng: Case((*_grid(rng, 5, 3), *line_data(rng)))),
            check("a grid given as lists, data not centred")(
                lambda rng: Case((*(list(axis) for axis in _grid(rng, 4, 6)), *line_data(rng, 8, 20, 30)))),
        ),
        (by_sympy(surface, SUMS, "SymPy SSE on the grid"),),
        "E[i, j] = sse(slopes[j], intercepts[i], x, y): one row per intercept, one column per slope "
        "(the layout of np.meshgrid(slopes, intercepts)).",
        (Misconception("transposed surface", "rows must follow the intercepts and columns the slopes: "
                       "E has shape (len(intercepts), len(slopes)), like np.meshgrid(slopes, intercepts).",
                       "return np.array([[sse(m, c, x, y) for c in intercepts] for m in slopes])"),
         Misconception(MEAN, MEAN_HINT,
                       "return np.array([[np.mean((y - (m * x + c))**2) for m in slopes] for c in intercepts])")),
        ("M, C = np.meshgrid(slopes, intercepts)\nr = y[None, None, :] - (M[..., None] * x + C[..., None])\n"
         "return (r**2).sum(axis=-1)",),
    ),
    Exercise(
        MODULE, "best_fit_on_grid", 4,
        (
            check("a non-square grid")(redrawn(lambda rng: _grid_case(rng, 9, 5, False), _best_cell_inside)),
            check("grid as lists")(redrawn(lambda rng: _grid_case(rng, 4, 7, True), _best_cell_inside)),
        ),
        (by_solution(f"{MODULE}.best_fit_on_grid"),),
        "Find the grid cell with the smallest SSE (np.argmin, then np.unravel_index) and return its "
        "(slope, intercept).",
        (
            Misconception("largest error", "the best fit has the LOWEST SSE: argmin, not argmax.",
                          "E = error_surface(slopes, intercepts, x, y)\n"
                          "i, j = np.unravel_index(np.argmax(E), E.shape)\n"
                          "return float(slopes[j]), float(intercepts[i])"),
            Misconception("swapped (c, m)", "return the pair in the order (m, c): slope first.",
                          "E = error_surface(slopes, intercepts, x, y)\n"
                          "i, j = np.unravel_index(np.argmin(E), E.shape)\n"
                          "return float(intercepts[i]), float(slopes[j])"),
        ),
        ("E = error_surface(slopes, intercepts, x, y)\nk = int(np.argmin(E))\n"
         "return np.array([slopes[k % len(slopes)], intercepts[k // len(slopes)]])",),
    ),
    Exercise(
        MODULE, "least_squares_fit", 5,
        (*_data_checks(lambda rng, x, y: (x, y)),
         check("two points: the line through them")(
             lambda rng: Case((np.array([uniform(rng, -3, 0), uniform(rng, 1, 4)]), uniform(rng, -3, 3, 2))))),
        (by_sympy(least_squares_exact, FIT, "SymPy normal equations"),),
        "Set ∂SSE/∂m = 0 and ∂SSE/∂c = 0 and solve the two linear equations for (m, c).",
        (
            Misconception("line through the origin", "the slope Σxy/Σx² fits a line without intercept; with c "
                          "free, center the data: m = Σ(x−x̄)(y−ȳ)/Σ(x−x̄)², c = ȳ − m·x̄.",
                          "m = np.sum(x * y) / np.sum(x * x)\nreturn float(m), float(np.mean(y) - m * np.mean(x))"),
            Misconception("swapped (c, m)", "return the pair in the order (m, c): slope first.",
                          "m, c = np.polyfit(x, y, 1)\nreturn float(c), float(m)"),
        ),
        ("return tuple(np.polyfit(x, y, 1))",
         "A = np.column_stack([x, np.ones(len(x))])\nreturn np.linalg.lstsq(A, y, rcond=None)[0]"),
    ),
)
