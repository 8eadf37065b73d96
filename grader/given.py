"""The grader's own functions, each defined once as a SymPy expression.

The curriculum's given functions (f_poly, f_wave, ...) and the probe functions that the grader
passes to student functions taking a function argument (numerical_derivative, descend_1d, ...)
live here. Their NumPy versions are lambdified from the expressions, so the function a student's
code calls, the exact derivative the grader compares with and the plots all come from one source.
A student's own copy of a given function is never used by the grader.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter

x, y = sp.symbols("x y", real=True)
X = sp.symbols("x0:3", real=True)


@dataclass(frozen=True)
class GivenFunction:
    """A named function of one variable (`variables` == (x,)) or of a point (x0, x1, ...)."""

    name: str
    expr: sp.Expr
    variables: tuple[sp.Symbol, ...]
    of_point: bool = False  # True: called as f(point) with a 1-D array, as partial_derivative expects
    description: str = field(default="", compare=False)

    def __call__(self, *args):
        return numpy_function(self)(*args)

    def diff(self, order: int = 1) -> Callable:
        """Exact derivative of a function of one variable, lambdified (cached)."""
        return numpy_derivative(self, order)


@cache
def numpy_function(given: GivenFunction) -> Callable:
    if given.of_point:
        lambdified = sp.lambdify([list(given.variables)], given.expr, modules="numpy")

        def of_point(point):
            return float(lambdified(np.asarray(point, dtype=float)))

        of_point.__name__ = given.name.rsplit(".", 1)[-1]
        return of_point
    function = sp.lambdify(given.variables, given.expr, modules="numpy")
    function.__name__ = given.name.rsplit(".", 1)[-1]
    return function


@cache
def numpy_derivative(given: GivenFunction, order: int) -> Callable:
    (variable,) = given.variables
    expr = sp.diff(given.expr, variable, order)
    derivative = sp.lambdify(variable, expr, modules="numpy")
    if expr.free_symbols:
        return derivative
    return lambda value: derivative(value) + 0.0 * np.asarray(value, dtype=float)  # a constant, in x's shape


@cache
def exact_gradient(given: GivenFunction) -> Callable:
    """∇f for a function of a point, as a NumPy function of the point."""
    grad = sp.lambdify([list(given.variables)], [sp.diff(given.expr, v) for v in given.variables], "numpy")
    return lambda point: np.array(grad(np.asarray(point, dtype=float)), dtype=float)


@cache
def exact_hessian(given: GivenFunction) -> Callable:
    hess = sp.lambdify([list(given.variables)], sp.hessian(given.expr, given.variables), "numpy")
    return lambda point: np.array(hess(np.asarray(point, dtype=float)), dtype=float)


@cache
def third_partials(given: GivenFunction) -> Callable:
    """|∂³f/∂xᵢ³| per axis at a point: what a central difference's truncation error follows."""
    exprs = [sp.diff(given.expr, v, 3) for v in given.variables]
    third = sp.lambdify([list(given.variables)], exprs, "numpy")
    return lambda point: np.abs(np.array(third(np.asarray(point, dtype=float)), dtype=float))


@cache
def largest_fourth_partial(given: GivenFunction) -> Callable:
    """max |∂⁴f/∂xᵢ∂xⱼ∂xₖ∂xₗ| at a point: what a second difference's truncation error follows."""
    v = given.variables
    exprs = list(dict.fromkeys(sp.diff(given.expr, *combination)  # mixed partials commute: each once
                               for combination in itertools.combinations_with_replacement(v, 4)))
    fourth = sp.lambdify([list(v)], exprs, "numpy", cse=True)
    return lambda point: float(np.max(np.abs(np.array(fourth(np.asarray(point, dtype=float)), dtype=float))))


def _one(name: str, expr: sp.Expr, description: str = "") -> GivenFunction:
    return GivenFunction(name, expr, (x,), description=description)


def _point(name: str, expr: sp.Expr, n: int, description: str = "") -> GivenFunction:
    return GivenFunction(name, expr, tuple(X[:n]), of_point=True, description=description)


CURRICULUM = {
    f.name: f
    for f in (
        _one("derivatives.f_poly", x**3 - 6 * x**2 + 9 * x + 1),
        _one("derivatives.f_wave", sp.sin(3 * x) * sp.exp(-(x**2) / 2)),
        _one("derivatives.sigmoid", 1 / (1 + sp.exp(-x))),
        _one("derivatives.f_log", sp.log(1 + x**2)),
        _one("gradient_descent.f_nonconvex", x**4 - 3 * x**2 + x),
        _one("neural_network.sigmoid", 1 / (1 + sp.exp(-x))),
    )
}

# neural_network's surface with a saddle at the origin, valleys at (0, ±1) and a plateau for large |v|; its
# partial derivatives are given (passed to the student's descent), never an exercise's answer.
SADDLE_PLATEAU_EXPR = x**2 - y**2 * sp.exp(-(y**2))
# Another surface of the same kind for the hidden checks: saddle at the origin, valleys at (0, ±√2).
SADDLE_PLATEAU_WIDE_EXPR = x**2 / 2 - 2 * y**2 * sp.exp(-(y**2) / 2)
# The first surface moved so that its saddle is at (1, −1/2): a distance from the origin is not one from the saddle.
SADDLE_PLATEAU_SHIFTED_EXPR = SADDLE_PLATEAU_EXPR.subs({x: x - 1, y: y + sp.Rational(1, 2)}, simultaneous=True)
# Moved a little only, the saddle at (1/4, −1/4), inside a radius of 1/2 around the origin: a distance measured from
# the origin is crossed at another step than the one from the saddle, not at the first.
SADDLE_PLATEAU_NEAR_EXPR = SADDLE_PLATEAU_EXPR.subs({x: x - sp.Rational(1, 4), y: y + sp.Rational(1, 4)},
                                                    simultaneous=True)
# The first surface with its variables exchanged: the saddle is left along u, so a descent that never steps along u
# (or along v alone) shows (every other surface is left along v; red team round 60, 03).
SADDLE_PLATEAU_SWAPPED_EXPR = SADDLE_PLATEAU_EXPR.subs({x: y, y: x}, simultaneous=True)

# Two-variable curriculum functions as the symbolic g(x, y) and saddle(x, y).
G_EXPR = x**2 * y + sp.sin(x * y)
SADDLE_EXPR = x**2 - y**2

PROBES = {
    f.name: f
    for f in (
        # Functions of one variable: their derivatives are no exercise's answer.
        _one("probe.cubic", x**3 - 2 * x + 1, "x³ − 2x + 1"),
        _one("probe.cos_bowl", sp.cos(2 * x) + x**2 / 4, "cos(2x) + x²/4"),
        _one("probe.exp_tilt", sp.exp(x / 2) - 2 * x, "exp(x/2) − 2x"),
        _one("probe.tilted_well", x**4 / 4 - x**2 + sp.Rational(3, 10) * x, "x⁴/4 − x² + 0.3x"),
        _one("probe.bowl", (x - sp.Rational(3, 2)) ** 2 + 1, "(x − 1.5)² + 1"),
        _one("probe.double_well", x**4 - 3 * x**2 - x, "x⁴ − 3x² − x"),
        _one("probe.right_well", x**4 / 4 - x**2 - sp.Rational(3, 10) * x,
             "x⁴/4 − x² − 0.3x: its global minimum is the right one"),
        _one("probe.lifted_right_well", x**4 / 4 - x**2 - sp.Rational(3, 10) * x + 3,
             "x⁴/4 − x² − 0.3x + 3: the same well lifted, f > 0 everywhere"),
        # Functions of a point, as partial_derivative, gradient and hessian take them.
        _point("partial_derivatives.g_of_point", G_EXPR.subs({x: X[0], y: X[1]}, simultaneous=True), 2,
               "g(p[0], p[1])"),
        _point("partial_derivatives.saddle_of_point", SADDLE_EXPR.subs({x: X[0], y: X[1]}, simultaneous=True),
               2, "saddle(p[0], p[1])"),
        _point("probe.tilted_saddle", X[0] ** 2 - X[1] ** 2 + 3 * X[0] * X[1] + X[0] + X[0] ** 2 * X[1] / 2, 2,
               "p0² − p1² + 3·p0·p1 + p0 + p0²·p1/2: a saddle with a mixed term, its Hessian another at each point"),
        *(_point(f"{name}_{'du' if variable == x else 'dv'}",
                 sp.diff(expr, variable).subs({x: X[0], y: X[1]}, simultaneous=True), 2,
                 f"∂/∂{'u' if variable == x else 'v'} of {description}")
          for name, expr, description in (
              ("neural_network.saddle_plateau", SADDLE_PLATEAU_EXPR, "u² − v²·exp(−v²)"),
              ("probe.saddle_plateau_wide", SADDLE_PLATEAU_WIDE_EXPR, "u²/2 − 2v²·exp(−v²/2)"),
              ("probe.saddle_plateau_shifted", SADDLE_PLATEAU_SHIFTED_EXPR,
               "(u − 1)² − (v + 1/2)²·exp(−(v + 1/2)²): the saddle at (1, −1/2)"),
              ("probe.saddle_plateau_near", SADDLE_PLATEAU_NEAR_EXPR,
               "(u − 1/4)² − (v + 1/4)²·exp(−(v + 1/4)²): the saddle at (1/4, −1/4)"),
              ("probe.saddle_plateau_swapped", SADDLE_PLATEAU_SWAPPED_EXPR,
               "v² − u²·exp(−u²): the saddle left along u"))
          for variable in (x, y)),
        _point("probe.bowl3", X[0] ** 2 + 2 * X[1] ** 2 + 3 * X[2] ** 2 + X[0] * X[1] - X[2], 3,
               "p0² + 2p1² + 3p2² + p0·p1 − p2"),
        # A cubic term: its slopes and its Hessian differ from point to point (a quadratic's Hessian is one matrix
        # everywhere, the public check's answer at every hidden point too), and differences of second order
        # are still exact on it, up to rounding
        _point("probe.tilted_bowl3",
               X[0] ** 2 + 2 * X[1] ** 2 + 3 * X[2] ** 2 + X[0] * X[1] + X[1] * X[2] - X[2] + X[0] * X[1] * X[2] / 2,
               3, "p0² + 2p1² + 3p2² + p0·p1 + p1·p2 − p2 + p0·p1·p2/2: a bowl near the origin, tilted and twisted"),
        _point("probe.wavy2", sp.exp(X[0] / 3) * sp.cos(X[1]) + X[0] * X[1] ** 2, 2,
               "exp(p0/3)·cos(p1) + p0·p1²"),
    )
}

ALL = {**CURRICULUM, **PROBES}


def numpy_sources() -> dict[str, dict[str, object]]:
    """Every name the grader may pass to student code, as plain NumPy source: the sandbox's template
    builds its functions from these without importing SymPy (a smaller process forks faster). Derivatives
    of the probes only: the derivative of a curriculum function is an exercise's answer, and nothing in
    the template (which every child copies) may hold one."""
    printer = NumPyPrinter({"fully_qualified_modules": True})
    sources: dict[str, dict[str, object]] = {}
    for name, function in ALL.items():
        variants = [(name, function.expr)]
        if not function.of_point and name in PROBES:
            variants.append((name + "'", sp.diff(function.expr, function.variables[0])))
        for variant, expr in variants:
            sources[variant] = {"variables": [str(v) for v in function.variables], "of_point": function.of_point,
                                "code": printer.doprint(expr), "constant": not expr.free_symbols}
    return sources


def lookup(name: str) -> GivenFunction:
    """The grader's function of that name; a derivative is named with a trailing prime (`probe.cubic'`)."""
    return ALL[name.rstrip("'")]


MAX_ORDER = 2  # derivatives of a given function that a check may pass (the kit passes first ones only)


def resolve(name: str) -> Callable:
    """The NumPy callable behind a `Given` name, as passed to student code. A name asking for a derivative of
    order above MAX_ORDER is refused (SymPy would work for minutes on a name of many primes)."""
    order = len(name) - len(name.rstrip("'"))
    if order > MAX_ORDER:
        raise KeyError(f"no given function {name[:80]!r}: derivatives of order {MAX_ORDER} at most")
    base = lookup(name)
    return base.diff(order) if order else numpy_function(base)
