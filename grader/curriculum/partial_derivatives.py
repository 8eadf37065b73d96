"""Exercises of `partial_derivatives`: several inputs, gradients, Hessians, critical points."""

from __future__ import annotations

import numpy as np
import sympy as sp

from grader import given
from grader.compare import EXACT, Expectation, Tolerance
from grader.curriculum.common import (
    EPS,
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

MODULE = "partial_derivatives"
dg_dx_exact = sp.lambdify((given.x, given.y), sp.diff(given.G_EXPR, given.x), "numpy")
dg_dy_exact = sp.lambdify((given.x, given.y), sp.diff(given.G_EXPR, given.y), "numpy")


g_exact = sp.lambdify((given.x, given.y), given.G_EXPR, "numpy")


def _xy_checks(exact, integers_to_avoid: tuple[tuple[int, int], ...]):
    """Floats, integers and arrays, drawn where the partial is not 0, 1, x, y, g or itself with x and y swapped.
    `integers_to_avoid` are the integer points where a known mistake agrees with the partial or with another
    mistake (declared, as the student bundle ships no mistake bodies; tests/test_curriculum.py checks it)."""

    def informative(case: Case) -> bool:
        x, y = case.args
        return apart_from(exact(x, y), 0.0, 1.0, x, y, g_exact(x, y), exact(y, x)) and \
            not (isinstance(x, int) and (x, y) in integers_to_avoid)

    return (
        check("floats")(redrawn(lambda rng: Case((uniform(rng, -2, 2), uniform(rng, -2, 2))), informative)),
        check("integers")(redrawn(lambda rng: Case((integer_valued(rng, -3, 3), integer_valued(rng, 1, 3))),
                                  informative)),
        check("NumPy arrays")(redrawn(lambda rng: Case((uniform(rng, -2, 2, 6), uniform(rng, -2, 2, 6))),
                                      informative)),
    )


def _gradient_apart(case: Case) -> bool:
    """Every partial differs from 0, 1, f(point), the point's coordinates and every other partial: another
    axis, reversed axes or f itself show; and the second partial along each axis is not small, so a
    one-sided difference shows too."""
    function = given.lookup(case.args[0].name)
    point = np.asarray(case.args[1], dtype=float)
    gradient = given.exact_gradient(function)(point)
    curvature = np.diag(given.exact_hessian(function)(point))
    return apart(*gradient, 0.0, 1.0, function(point), margin=1e-2) and \
        all(apart_from(entry, *point, margin=1e-2) for entry in gradient) and bool(np.all(np.abs(curvature) > 0.1))


def _integer_point(rng: np.random.Generator, first: tuple[int, int], second: tuple[int, int]) -> list[int]:
    return [integer_valued(rng, *first), integer_valued(rng, *second)]


def _point(rng: np.random.Generator, n: int) -> list[float]:
    return [float(v) for v in rng.uniform(-1.5, 1.5, n)]


def _step(case: Case, position: int, default: float) -> float:
    return float(case.kwargs.get("h", case.args[position] if len(case.args) > position else default))


def _gradient_vs_exact(one_entry: bool):
    """∇f from SymPy: entry i (partial_derivative(f, point, i, h)) or all (gradient(f, point, h))."""

    def rule(case: Case, refs: References) -> Expectation:
        function = given.lookup(case.args[0].name)
        point = np.asarray(case.args[1], dtype=float)
        exact = given.exact_gradient(function)(point)
        scale = abs(function(point)) + np.abs(point) * np.abs(exact)
        third = given.third_partials(function)(point) * 1.5  # the third derivative may grow within ±h
        if one_entry:
            i, h = case.args[2], _step(case, 3, 1e-5)
            return Expectation(float(exact[i]), central_difference_tolerance(h, third[i], scale[i]),
                               "SymPy gradient")
        return Expectation(exact, central_difference_tolerance(_step(case, 2, 1e-5), third, scale),
                           "SymPy gradient")

    return rule


def _difference_vs_solution(function_name: str, step_position: int):
    def rule(case: Case, refs: References) -> Expectation:
        function = given.lookup(case.args[0].name)
        point = np.asarray(case.args[1], dtype=float)
        scale = abs(function(point)) + float(np.max(np.abs(point)))
        expected = by_solution(f"{MODULE}.{function_name}")(case, refs)
        return Expectation(expected.value, rounding_tolerance(_step(case, step_position, 1e-5), scale),
                           expected.source)

    return rule


def _hessian_vs_exact(case: Case, refs: References) -> Expectation:
    function = given.lookup(case.args[0].name)
    point = np.asarray(case.args[1], dtype=float)
    h = _step(case, 2, 1e-4)
    truncation = h**2 * given.largest_fourth_partial(function)(point)
    rounding = 16 * EPS * (abs(function(point)) + float(np.max(np.abs(point))) + 1.0) / h**2
    return Expectation(given.exact_hessian(function)(point), Tolerance(1e-9, 4 * (truncation + rounding)),
                       "SymPy Hessian")


def _symmetric(eigenvalues, rng: np.random.Generator) -> list[list[float]]:
    """A random symmetric matrix with these eigenvalues (as nested lists)."""
    q, _ = np.linalg.qr(rng.normal(size=(len(eigenvalues), len(eigenvalues))))
    return (q @ np.diag(eigenvalues) @ q.T).tolist()


def _saddle_with_positive_diagonal(rng: np.random.Generator) -> Case:
    a, d = rng.uniform(1, 2, 2)
    b = float(np.sqrt(a * d) + rng.uniform(0.5, 1.5))  # b² > a·d: one negative eigenvalue
    return Case((np.array([[a, b], [b, d]]),))


def _scaled_threshold(rng: np.random.Generator, times: float, signs: bool) -> list[list[float]]:
    """Eigenvalues of size 10³–10⁴ and one of `times` the threshold 1e-8·max|λ|, all positive or (`signs`) with
    signs drawn: an absolute threshold (1e-8), one off by a factor 10, or testing for degenerate only after
    the signs classifies it wrongly."""
    sign = (lambda: float(rng.choice([-1.0, 1.0]))) if signs else (lambda: 1.0)
    large = rng.uniform(1e3, 1e4, 2) * np.array([1.0, sign()])
    small = times * 1e-8 * float(np.max(np.abs(large))) * sign()
    return _symmetric([*large, small], rng)


def _hand_partial(function: str, exact, points: float, hint: str, misconceptions: tuple[Misconception, ...],
                  alternatives: tuple[str, ...], integers_to_avoid: tuple[tuple[int, int], ...]) -> Exercise:
    return Exercise(MODULE, function, points, _xy_checks(exact, integers_to_avoid),
                    (by_sympy(exact, EXACT, "sympy.diff of g"),), hint, misconceptions, alternatives)


SWAPPED = "this is the partial derivative with respect to the other variable"
EXERCISES = (
    _hand_partial(
        "dg_dx", dg_dx_exact, 4,
        "Treat y as a constant: x²·y differentiates like a·x², and sin(x·y) needs the chain rule.",
        (
            Misconception("dropped inner derivative", "d/dx sin(x·y) = y·cos(x·y): the inner function x·y "
                          "contributes its x-derivative y.", "return 2 * x * y + np.cos(x * y)"),
            Misconception("differentiated with respect to y", f"{SWAPPED} (y); hold y fixed and vary x.",
                          "return x**2 + x * np.cos(x * y)"),
        ),
        ("return y * (2 * x + np.cos(x * y))",),
        tuple((x, 1) for x in range(-3, 4)),
    ),
    _hand_partial(
        "dg_dy", dg_dy_exact, 4,
        "Treat x as a constant: x²·y is linear in y, and sin(x·y) needs the chain rule.",
        (
            Misconception("dropped inner derivative", "d/dy sin(x·y) = x·cos(x·y): the inner function x·y "
                          "contributes its y-derivative x.", "return x**2 + np.cos(x * y)"),
            Misconception("differentiated with respect to x", f"{SWAPPED} (x); hold x fixed and vary y.",
                          "return 2 * x * y + y * np.cos(x * y)"),
        ),
        ("return x * (x + np.cos(x * y))",),
        ((0, 1), (1, 1), (1, 2), (1, 3), (2, 1)),
    ),
    Exercise(
        MODULE, "partial_derivative", 4,
        (
            check("g at a float point, along x, default h")(redrawn(
                lambda rng: Case((Given("partial_derivatives.g_of_point"), _point(rng, 2), 0)), _gradient_apart)),
            check("g along y")(redrawn(
                lambda rng: Case((Given("partial_derivatives.g_of_point"), np.array(_point(rng, 2)), 1)),
                _gradient_apart)),
            check("a point of integers, left unchanged")(redrawn(
                lambda rng: Case((Given("probe.wavy2"), _integer_point(rng, (-2, 2), (1, 3)), 1), check_mutation=True),
                _gradient_apart)),
            check("g at a point of integers, along x")(redrawn(
                lambda rng: Case((Given("partial_derivatives.g_of_point"), _integer_point(rng, (-2, 2), (1, 2)), 0)),
                _gradient_apart)),
            check("three variables, h=1e-3, array left unchanged")(redrawn(
                lambda rng: Case((Given("probe.bowl3"), np.array(_point(rng, 3)), 2), {"h": 1e-3},
                                 check_mutation=True), _gradient_apart)),
        ),
        (_gradient_vs_exact(one_entry=True), _difference_vs_solution("partial_derivative", 3)),
        "Copy the point as floats, add h to coordinate i in one copy and subtract it in another, then "
        "(f(plus) − f(minus)) / (2h).",
        (
            Misconception("integer point not copied as floats", "a point of integers stays integer in "
                          "np.array(point): adding h to an entry is rounded away. Use np.array(point, "
                          "dtype=float).",
                          "plus = np.array(point)\nminus = np.array(point)\nplus[i] += h\nminus[i] -= h\n"
                          "return float((f(plus) - f(minus)) / (2 * h))"),
            Misconception("forward difference", "step to both sides of the point: (f(p + h·eᵢ) − "
                          "f(p − h·eᵢ)) / (2h).",
                          "p = np.array(point, dtype=float)\nplus = p.copy()\nplus[i] += h\n"
                          "return float((f(plus) - f(p)) / h)"),
        ),
        ("p = np.asarray(point, dtype=float)\nstep = np.zeros_like(p)\nstep[i] = h\n"
         "return (f(p + step) - f(p - step)) / (2 * h)",),
    ),
    Exercise(
        MODULE, "gradient", 4,
        (
            check("g at a float point, default h")(redrawn(
                lambda rng: Case((Given("partial_derivatives.g_of_point"), _point(rng, 2))), _gradient_apart)),
            check("three variables")(redrawn(lambda rng: Case((Given("probe.bowl3"), np.array(_point(rng, 3))),
                                                              check_mutation=True), _gradient_apart)),
            check("a point of integers, h=1e-4")(redrawn(
                lambda rng: Case((Given("probe.wavy2"), _integer_point(rng, (-2, 2), (1, 3)), 1e-4),
                                 check_mutation=True), _gradient_apart)),
        ),
        (_gradient_vs_exact(one_entry=False), _difference_vs_solution("gradient", 2)),
        "The gradient collects one central difference per coordinate: call partial_derivative for "
        "i = 0, …, n − 1 and return them as a 1-D array.",
        (
            Misconception("forward difference", "each entry should be a central difference (f(p + h·eᵢ) − "
                          "f(p − h·eᵢ)) / (2h).",
                          "p = np.array(point, dtype=float)\nresult = np.zeros(p.size)\nfor i in range(p.size):\n"
                          "    plus = p.copy()\n    plus[i] += h\n    result[i] = (f(plus) - f(p)) / h\n"
                          "return result"),
        ),
        ("return [partial_derivative(f, point, i, h) for i in range(len(point))]",),
    ),
    Exercise(
        MODULE, "hessian", 5,
        (
            check("g at a float point, default h")(
                lambda rng: Case((Given("partial_derivatives.g_of_point"), _point(rng, 2)))),
            check("a saddle with a mixed term")(lambda rng: Case((Given("probe.tilted_saddle"), _point(rng, 2)))),
            check("three variables with a mixed term")(
                lambda rng: Case((Given("probe.bowl3"), np.array(_point(rng, 3))), check_mutation=True)),
            check("a point of integers, h=1e-3")(
                lambda rng: Case((Given("probe.wavy2"), [integer_valued(rng, -1, 1), integer_valued(rng, 1, 2)],
                                  1e-3))),
        ),
        (_hessian_vs_exact,),
        "Entry (i, j) is ∂²f/∂xᵢ∂xⱼ: difference the function in both directions i and j, "
        "(f(p+hᵢ+hⱼ) − f(p+hᵢ−hⱼ) − f(p−hᵢ+hⱼ) + f(p−hᵢ−hⱼ)) / (4h²); mixed entries matter too.",
        (
            Misconception("mixed partials left out", "the off-diagonal entries ∂²f/∂xᵢ∂xⱼ (i ≠ j) are "
                          "curvature too; for most functions they are not 0.",
                          "p = np.array(point, dtype=float)\nn = p.size\nresult = np.zeros((n, n))\n"
                          "for i in range(n):\n    e = np.zeros(n)\n    e[i] = h\n"
                          "    result[i, i] = (f(p + e) - 2 * f(p) + f(p - e)) / h**2\nreturn result"),
        ),
        ("p = np.array(point, dtype=float)\nn = p.size\nresult = np.zeros((n, n))\nfor i in range(n):\n"
         "    for j in range(n):\n        ei = np.zeros(n)\n        ej = np.zeros(n)\n        ei[i] = h\n"
         "        ej[j] = h\n        result[i, j] = (f(p + ei + ej) - f(p + ei - ej) - f(p - ei + ej)"
         " + f(p - ei - ej)) / (4 * h * h)\nreturn result.tolist()",),
    ),
    Exercise(
        MODULE, "classify_critical_point", 4,
        (
            check("a minimum")(lambda rng: Case((_symmetric(rng.uniform(0.5, 3, 2), rng),))),
            check("a 3×3 maximum")(lambda rng: Case((np.array(_symmetric(-rng.uniform(0.5, 3, 3), rng)),))),
            check("a saddle with a positive diagonal")(_saddle_with_positive_diagonal),
            check("a tiny negative eigenvalue: degenerate")(
                lambda rng: Case((_symmetric([rng.uniform(1, 3), -rng.uniform(1, 9) * 1e-12], rng),))),
            check("a tiny positive eigenvalue among negative ones: degenerate")(
                lambda rng: Case((np.array(_symmetric([*-rng.uniform(1, 3, 2), rng.uniform(1, 9) * 1e-12], rng)),))),
            check("large positive eigenvalues and one under the relative threshold: degenerate")(
                lambda rng: Case((_scaled_threshold(rng, rng.uniform(0.2, 0.6), signs=False),))),
            check("one eigenvalue just over the relative threshold: not degenerate")(
                lambda rng: Case((_scaled_threshold(rng, rng.uniform(2, 5), signs=True),))),
            check("a 3×3 saddle as integers")(lambda rng: Case(([[2, 0, 0], [0, -integer_valued(rng, 1, 4), 0],
                                                                  [0, 0, -integer_valued(rng, 2, 4)]],))),
        ),
        (by_solution(f"{MODULE}.classify_critical_point"),),
        "Compute the eigenvalues (np.linalg.eigvalsh): all > 0 → minimum, all < 0 → maximum, both signs → "
        "saddle; any |λ| ≤ 1e-8·max(1, max|λ|) → degenerate (check that first).",
        (
            Misconception("signs of the diagonal", "the diagonal entries are not the eigenvalues: "
                          "[[1, 2], [2, 1]] has a positive diagonal but eigenvalues 3 and −1 (a saddle).",
                          "d = np.diag(np.asarray(hessian_matrix, dtype=float))\n"
                          "if np.all(d > 0):\n    return 'minimum'\nif np.all(d < 0):\n    return 'maximum'\n"
                          "return 'saddle'"),
            Misconception("exact zero test", "rounding makes a zero eigenvalue come out as ±1e-12: treat "
                          "|λ| ≤ 1e-8·max(1, max|λ|) as zero (degenerate).",
                          "ev = np.linalg.eigvalsh(np.asarray(hessian_matrix, dtype=float))\n"
                          "if np.any(ev == 0):\n    return 'degenerate'\nif np.all(ev > 0):\n"
                          "    return 'minimum'\nif np.all(ev < 0):\n    return 'maximum'\nreturn 'saddle'"),
            Misconception("determinant test on n×n", "det > 0 means minimum or maximum only for 2×2 "
                          "matrices; use the signs of all eigenvalues.",
                          "a = np.asarray(hessian_matrix, dtype=float)\ndet = np.linalg.det(a)\n"
                          "if abs(det) <= 1e-8:\n    return 'degenerate'\nif det < 0:\n    return 'saddle'\n"
                          "return 'minimum' if np.trace(a) > 0 else 'maximum'"),
        ),
        ("ev = np.linalg.eigvals(np.array(hessian_matrix, dtype=float)).real\n"
         "if np.min(np.abs(ev)) <= 1e-8 * max(1.0, np.max(np.abs(ev))):\n    return 'degenerate'\n"
         "return 'minimum' if ev.min() > 0 else 'maximum' if ev.max() < 0 else 'saddle'",),
    ),
)
