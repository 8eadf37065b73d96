"""Exercises of `partial_derivatives`: several inputs, gradients, Hessians, critical points.

dg_dx and dg_dy, partial derivatives by hand, are checked exactly against sympy.diff of g; the central
differences `partial_derivative` and `gradient` against SymPy's gradient within the error a central difference
carries and against the reference within rounding; `hessian` against SymPy's Hessian within its truncation and
rounding error; `classify_critical_point` against the reference. Declared in the keyword form
(`grader.authoring`); each input generator is a named function.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from grader import given
from grader.authoring import EdgeCase, InputGenerator, edge_case, exercise, mistake
from grader.compare import EXACT, Expectation, Tolerance
from grader.curriculum.common import (
    EPS,
    apart,
    apart_from,
    by_solution,
    by_sympy,
    central_difference_tolerance,
    integer_valued,
    redrawn,
    rounding_tolerance,
    uniform,
)
from grader.plain import Given
from grader.spec import Case, References, structure

MODULE = "partial_derivatives"
dg_dx_exact = sp.lambdify((given.x, given.y), sp.diff(given.G_EXPR, given.x), "numpy")
dg_dy_exact = sp.lambdify((given.x, given.y), sp.diff(given.G_EXPR, given.y), "numpy")
g_exact = sp.lambdify((given.x, given.y), given.G_EXPR, "numpy")


# ----- expectation rules ---------------------------------------------------------------------------


def _step(case: Case, position: int, default: float) -> float:
    return float(case.kwargs.get("h", case.args[position] if len(case.args) > position else default))


def _sympy_gradient(case: Case) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """SymPy's ∇f at the case's point, with the bound on the third partials (widened: they may grow within
    ±h) and the scale of f that a central difference's rounding error grows with."""
    function = given.lookup(case.args[0].name)
    point = np.asarray(case.args[1], dtype=float)
    exact = given.exact_gradient(function)(point)
    scale = abs(function(point)) + np.abs(point) * np.abs(exact)
    third = given.third_partials(function)(point) * 1.5
    return exact, third, scale


def partial_vs_sympy(case: Case, refs: References) -> Expectation:
    """Entry i of SymPy's gradient (partial_derivative(f, point, i, h)), within a central difference's error."""
    exact, third, scale = _sympy_gradient(case)
    i, h = case.args[2], _step(case, 3, 1e-5)
    return Expectation(float(exact[i]), central_difference_tolerance(h, third[i], scale[i]), "SymPy gradient")


def gradient_vs_sympy(case: Case, refs: References) -> Expectation:
    """SymPy's whole gradient (gradient(f, point, h)), within a central difference's error."""
    exact, third, scale = _sympy_gradient(case)
    return Expectation(exact, central_difference_tolerance(_step(case, 2, 1e-5), third, scale), "SymPy gradient")


def _reference_within_rounding(case: Case, refs: References, function_name: str, step_position: int) -> Expectation:
    function = given.lookup(case.args[0].name)
    point = np.asarray(case.args[1], dtype=float)
    scale = abs(function(point)) + float(np.max(np.abs(point)))
    expected = by_solution(f"{MODULE}.{function_name}")(case, refs)
    return Expectation(expected.value, rounding_tolerance(_step(case, step_position, 1e-5), scale), expected.source)


def partial_vs_solution(case: Case, refs: References) -> Expectation:
    """The reference's partial_derivative, within rounding: a one-sided difference falls outside."""
    return _reference_within_rounding(case, refs, "partial_derivative", 3)


def gradient_vs_solution(case: Case, refs: References) -> Expectation:
    """The reference's gradient, within rounding: a one-sided difference falls outside."""
    return _reference_within_rounding(case, refs, "gradient", 2)


def hessian_vs_sympy(case: Case, refs: References) -> Expectation:
    """SymPy's Hessian, within the truncation (h² times the largest fourth partial) and rounding error of the
    four-point formula."""
    function = given.lookup(case.args[0].name)
    point = np.asarray(case.args[1], dtype=float)
    h = _step(case, 2, 1e-4)
    truncation = h**2 * given.largest_fourth_partial(function)(point)
    rounding = 16 * EPS * (abs(function(point)) + float(np.max(np.abs(point))) + 1.0) / h**2
    return Expectation(given.exact_hessian(function)(point), Tolerance(1e-9, 4 * (truncation + rounding)),
                       "SymPy Hessian")


# ----- input generators and what makes their inputs informative -------------------------------------


def hand_partial_checks(exact, integers_to_avoid: tuple[tuple[int, int], ...]
                        ) -> dict[str, InputGenerator | EdgeCase]:
    """Floats, integers and arrays, drawn where the partial is not 0, 1, x, y, g or itself with x and y swapped.
    `integers_to_avoid` are the integer points where a known mistake agrees with the partial or with another
    mistake (declared, as the student bundle ships no mistake bodies; tests/test_curriculum.py checks it). No
    integer coordinate is 0 or ±1: there a factor x or y too many or too few (an inner derivative dropped or
    doubled, `partial` binding the other variable) does not show, and a second slip beside it would be
    blamed for the whole difference."""

    def informative(case: Case) -> bool:
        x, y = case.args
        return apart_from(exact(x, y), 0.0, 1.0, x, y, g_exact(x, y), exact(y, x)) and \
            not (isinstance(x, int) and ((x, y) in integers_to_avoid or abs(x) <= 1 or abs(y) <= 1))

    def floats(rng: np.random.Generator) -> Case:
        """x and y, floats in [−2, 2]."""
        return Case((uniform(rng, -2, 2), uniform(rng, -2, 2)))

    def integers(rng: np.random.Generator) -> Case:
        """x in [−3, 3] and y in [1, 3], Python ints (neither 0 nor ±1, by `informative`)."""
        return Case((integer_valued(rng, -3, 3), integer_valued(rng, 1, 3)))

    def arrays(rng: np.random.Generator) -> Case:
        """x and y, NumPy arrays of six floats in [−2, 2] (hidden: of another length)."""
        size = structure(rng, 6, (4, 9, 3, 8))
        return Case((uniform(rng, -2, 2, size), uniform(rng, -2, 2, size)))

    # four informative integer points have a table of slopes for an answer: right there alone, the integer kind
    # counts with the floats' (red team round 35, 04)
    return {"floats": redrawn(floats, informative),
            "integers": edge_case(redrawn(integers, informative), counts_with="floats"),
            "NumPy arrays": redrawn(arrays, informative)}


def gradient_informative(case: Case) -> bool:
    """Every partial differs from 0, 1, f(point), the point's coordinates and every other partial: another
    axis, reversed axes or f itself show; and the second partial along each axis is not small, so a
    one-sided difference shows too."""
    function = given.lookup(case.args[0].name)
    point = np.asarray(case.args[1], dtype=float)
    gradient = given.exact_gradient(function)(point)
    curvature = np.diag(given.exact_hessian(function)(point))
    return apart(*gradient, 0.0, 1.0, function(point), margin=1e-2) and \
        all(apart_from(entry, *point, margin=1e-2) for entry in gradient) and bool(np.all(np.abs(curvature) > 0.1))


def large_step_informative(case: Case) -> bool:
    """`gradient_informative`, and the central difference of step h differs from the one of step h/2 by over 1e-2
    (the function's third partial along i is far from 0 there): h read as the whole width shows."""
    function = given.lookup(case.args[0].name)
    point, i, h = np.asarray(case.args[1], dtype=float), case.args[2], case.kwargs["h"]
    step = np.zeros_like(point)
    step[i] = 1.0

    def central(width: float) -> float:
        return float((function(point + width * step) - function(point - width * step)) / (2 * width))

    return gradient_informative(case) and abs(central(h) - central(h / 2)) > 1e-2


def _large_step(rng: np.random.Generator) -> float:
    """h = 0.5, so large that the difference's own error shows (hidden: larger still)."""
    return structure(rng, 0.5, (0.7, 0.6, 0.8, 0.9))


def _integer_point(rng: np.random.Generator, first: tuple[int, int], second: tuple[int, int]) -> list[int]:
    return [integer_valued(rng, *first), integer_valued(rng, *second)]


def _point(rng: np.random.Generator, n: int) -> list[float]:
    return [float(v) for v in rng.uniform(-1.5, 1.5, n)]


def g_along_x(rng: np.random.Generator) -> Case:
    """g at a point given as a list of floats, along x (i = 0), default h."""
    return Case((Given("partial_derivatives.g_of_point"), _point(rng, 2), 0))


def g_along_y(rng: np.random.Generator) -> Case:
    """g at a point given as a float array, along y (i = 1)."""
    return Case((Given("partial_derivatives.g_of_point"), np.array(_point(rng, 2)), 1))


def wavy_at_integers_along_y(rng: np.random.Generator) -> Case:
    """exp(p0/3)·cos(p1) + p0·p1² at a list of ints, along y; the list must be left unchanged."""
    return Case((Given("probe.wavy2"), _integer_point(rng, (-4, 4), (1, 4)), 1))


def g_at_integers_along_x(rng: np.random.Generator) -> Case:
    """g at a list of ints, along x."""
    return Case((Given("partial_derivatives.g_of_point"), _integer_point(rng, (-2, 2), (1, 2)), 0))


def g_at_an_integer_array_along_y(rng: np.random.Generator) -> Case:
    """g at a NumPy array of ints, along y; the array left unchanged (a copy of it is an integer array too)."""
    return Case((Given("partial_derivatives.g_of_point"), np.array(_integer_point(rng, (-2, 2), (1, 2))), 1))


def wavy_at_a_tuple_along_x(rng: np.random.Generator) -> Case:
    """exp(p0/3)·cos(p1) + p0·p1² at a tuple of floats, along x (a tuple has no `copy` and takes no item)."""
    return Case((Given("probe.wavy2"), tuple(_point(rng, 2)), 0))


def wavy_large_step_along_y(rng: np.random.Generator) -> Case:
    """exp(p0/3)·cos(p1) + p0·p1² at a float array, along y, h=0.5 by keyword: a step so large that the difference's
    own error shows, so that a step of h/2 to each side (h read as the whole width) differs from one of h."""
    return Case((Given("probe.wavy2"), np.array(_point(rng, 2)), 1), {"h": _large_step(rng)})


def bowl3_along_the_third(rng: np.random.Generator) -> Case:
    """A tilted bowl in three variables at a float array whose third coordinate is 0, along it (i = 2), h=1e-3 by
    keyword; the array left unchanged. The step is h whatever the coordinate: one relative to it would be 0. The
    slope there is p1 − 1 + p0·p1/2, another for every point (along p2 the plain bowl's is −1 at every such
    point, an answer a student could give for any input of this kind)."""
    return Case((Given("probe.tilted_bowl3"), np.array([*_point(rng, 2), 0.0]), 2),
                {"h": structure(rng, 1e-3, (4e-6, 3e-3, 2e-5, 5e-4))})


def g_gradient(rng: np.random.Generator) -> Case:
    """g at a point given as a list of floats, default h."""
    return Case((Given("partial_derivatives.g_of_point"), _point(rng, 2)))


def bowl3_gradient(rng: np.random.Generator) -> Case:
    """A bowl in three variables at a float array; the array left unchanged."""
    return Case((Given("probe.bowl3"), np.array(_point(rng, 3))))


def wavy_gradient_at_integers(rng: np.random.Generator) -> Case:
    """exp(p0/3)·cos(p1) + p0·p1² at a list of ints, h=1e-4 given positionally; the list left unchanged."""
    return Case((Given("probe.wavy2"), _integer_point(rng, (-4, 4), (1, 4)), structure(rng, 1e-4, (3e-6, 5e-4, 2e-5,
                                                                                                 1e-3))))


def wavy_gradient_large_step(rng: np.random.Generator) -> Case:
    """exp(p0/3)·cos(p1) + p0·p1² at a list of floats, h=0.5 by keyword: a step so large that an h not passed on
    to partial_derivative (its default used instead) shows."""
    return Case((Given("probe.wavy2"), _point(rng, 2)), {"h": _large_step(rng)})


def g_hessian(rng: np.random.Generator) -> Case:
    """g at a point given as a list of floats, default h."""
    return Case((Given("partial_derivatives.g_of_point"), _point(rng, 2)))


def tilted_saddle_hessian(rng: np.random.Generator) -> Case:
    """p0² − p1² + 3·p0·p1 + p0 + p0²·p1/2, a saddle whose Hessian has off-diagonal entries and differs from point
    to point (a quadratic's is the public answer everywhere)."""
    return Case((Given("probe.tilted_saddle"), _point(rng, 2)))


def bowl3_hessian(rng: np.random.Generator) -> Case:
    """A tilted bowl in three variables with mixed and cubic terms, at a float array; the array left unchanged."""
    return Case((Given("probe.tilted_bowl3"), np.array(_point(rng, 3))))


def wavy_hessian_at_integers(rng: np.random.Generator) -> Case:
    """exp(p0/3)·cos(p1) + p0·p1² at a list of ints, h=1e-3."""
    return Case((Given("probe.wavy2"), [integer_valued(rng, -3, 3), integer_valued(rng, 1, 3)],
                 structure(rng, 1e-3, (3e-4, 2e-3, 5e-4, 4e-3))))


def _symmetric(eigenvalues, rng: np.random.Generator) -> list[list[float]]:
    """A random symmetric matrix with these eigenvalues (as nested lists)."""
    q, _ = np.linalg.qr(rng.normal(size=(len(eigenvalues), len(eigenvalues))))
    return (q @ np.diag(eigenvalues) @ q.T).tolist()


def _scaled_threshold(rng: np.random.Generator, times: float, signs: bool) -> list[list[float]]:
    """Eigenvalues of size 10³–10⁴ and one of `times` the threshold 1e-8·max|λ|, all positive or (`signs`) with
    signs drawn: an absolute threshold (1e-8), one off by a factor 10, or testing for degenerate only after
    the signs classifies it wrongly."""
    sign = (lambda: float(rng.choice([-1.0, 1.0]))) if signs else (lambda: 1.0)
    large = rng.uniform(1e3, 1e4, 2) * np.array([1.0, sign()])
    small = times * 1e-8 * float(np.max(np.abs(large))) * sign()
    return _symmetric([*large, small], rng)


def a_minimum(rng: np.random.Generator) -> Case:
    """A 2×2 symmetric matrix (nested lists) with eigenvalues in [0.5, 3] (hidden: 3×3 or 4×4 for some)."""
    return Case((_symmetric(rng.uniform(0.5, 3, structure(rng, 2, (3, 2, 4, 2))), rng),))


def a_maximum_3x3(rng: np.random.Generator) -> Case:
    """A 3×3 symmetric array with eigenvalues in [−3, −0.5] (hidden: 4×4 or 5×5 for some)."""
    return Case((np.array(_symmetric(-rng.uniform(0.5, 3, structure(rng, 3, (4, 3, 5, 3))), rng)),))


def saddle_with_positive_diagonal(rng: np.random.Generator) -> Case:
    """[[a, b], [b, d]] with a, d > 0 and b² > a·d: one negative eigenvalue, though the diagonal is positive."""
    a, d = rng.uniform(1, 2, 2)
    b = float(np.sqrt(a * d) + rng.uniform(0.5, 1.5))
    return Case((np.array([[a, b], [b, d]]),))


def _diagonal(case: Case) -> np.ndarray:
    return np.diag(np.asarray(case.args[0], dtype=float))


def _saddle_with_two_negative_eigenvalues(rng: np.random.Generator) -> Case:
    return Case((_symmetric([rng.uniform(0.5, 3), *-rng.uniform(0.5, 3, 2)], rng),))


# A 3×3 saddle with one positive and two negative eigenvalues in [0.5, 3], its diagonal of both signs: its determinant
# is positive, so the two-variable test (det > 0 and the sign of H[0, 0]) calls it a minimum or a maximum, where the
# signs of the diagonal say saddle (a mistake told apart from that one).
saddle_with_two_negative_eigenvalues = redrawn(_saddle_with_two_negative_eigenvalues, lambda case: bool(
    np.any(_diagonal(case) > 0) and np.any(_diagonal(case) < 0)))


def _saddle_with_a_diagonal_of_one_sign(sign: float) -> InputGenerator:
    """A 3×3 saddle, one large eigenvalue of `sign` and two small ones of the other, its diagonal of `sign` (its
    determinant of `sign` too): the signs of the diagonal, alone or with the determinant's, call it a minimum
    (sign +1) or a maximum (sign −1) (red team round 21, 03: a classifier without eigenvalues kept every mark)."""
    def draw(rng: np.random.Generator) -> Case:
        return Case((_symmetric(sign * np.array([rng.uniform(4, 8), *-rng.uniform(0.5, 1.5, 2)]), rng),))

    return redrawn(draw, lambda case: bool(np.all(sign * _diagonal(case) > 0.1)))


saddle_with_positive_diagonal_and_determinant = _saddle_with_a_diagonal_of_one_sign(1.0)
saddle_with_negative_diagonal_and_determinant = _saddle_with_a_diagonal_of_one_sign(-1.0)


def tiny_negative_eigenvalue(rng: np.random.Generator) -> Case:
    """One eigenvalue in [1, 3] and one of about −1e-12: degenerate, not a saddle."""
    return Case((_symmetric([rng.uniform(1, 3), -rng.uniform(1, 9) * 1e-12], rng),))


def tiny_positive_among_negatives(rng: np.random.Generator) -> Case:
    """Two eigenvalues in [−3, −1] and one of about 1e-12, as an array: degenerate."""
    return Case((np.array(_symmetric([*-rng.uniform(1, 3, 2), rng.uniform(1, 9) * 1e-12], rng)),))


def under_the_relative_threshold(rng: np.random.Generator) -> Case:
    """Large positive eigenvalues and one under 1e-8·max|λ| (yet over 1e-8): degenerate."""
    return Case((_scaled_threshold(rng, rng.uniform(0.2, 0.6), signs=False),))


def under_the_relative_threshold_mixed_signs(rng: np.random.Generator) -> Case:
    """Eigenvalues of both signs, the negative one ten to a thousand times larger, and one under 1e-8·max|λ| (yet
    over 1e-8 and over 1e-8 times the largest positive one): degenerate. Tells an absolute threshold, or one
    scaled by the largest eigenvalue rather than the largest |λ| (a saddle, both), from a test for degenerate
    made after the signs (right here, wrong above)."""
    large = np.array([rng.uniform(1e1, 1e2), -rng.uniform(1e4, 1e5)])
    small = rng.uniform(0.2, 0.6) * 1e-8 * float(np.max(np.abs(large))) * float(rng.choice([-1.0, 1.0]))
    return Case((_symmetric([*large, small], rng),))


def just_over_the_relative_threshold(rng: np.random.Generator) -> Case:
    """Large eigenvalues and one a few times 1e-8·max|λ|, signs drawn: not degenerate."""
    return Case((_scaled_threshold(rng, rng.uniform(2, 5), signs=True),))


def integer_matrix_3x3(rng: np.random.Generator) -> Case:
    """A 3×3 matrix of ints, its label drawn (a minimum, a maximum or a saddle, one in three each): the one kind
    whose form tells it apart, so its form tells little of its answer; never degenerate, so that a label given
    everywhere is right on none of its draws. Diagonal, rows and columns permuted alike, as lists or an array."""
    sizes = [integer_valued(rng, 1, 4) for _ in range(3)]
    saddles = [[1, -1, -1], [1, 1, -1]]
    signs = [[1, 1, 1], [-1, -1, -1], saddles[int(rng.integers(2))]][int(rng.integers(3))]
    diagonal = [size * sign for size, sign in zip(sizes, signs, strict=True)]
    order = rng.permutation(3)
    matrix = np.diag(diagonal)[np.ix_(order, order)].astype(int)
    return Case((matrix.tolist() if rng.random() < 0.5 else matrix,))


def _label(matrix: np.ndarray) -> str:
    """The reference's rule (README, `classify_critical_point`): what a form change must keep."""
    eigenvalues = np.linalg.eigvalsh(matrix)
    if np.any(np.abs(eigenvalues) <= 1e-8 * max(1.0, float(np.max(np.abs(eigenvalues))))):
        return "degenerate"
    return "minimum" if np.all(eigenvalues > 0) else "maximum" if np.all(eigenvalues < 0) else "saddle"


def in_any_form(generate: InputGenerator) -> InputGenerator:
    """`generate`'s matrix of floats handed over in one form whatever its label (red team round 20, 04: each kind
    came in a form of its own, a 2×2 array, integers, entries in the thousands, and a function reading the label from
    the form, no eigenvalue computed, earned 1.78 of 4 points): 3×3 (a 2×2 one grown by a positive eigenvalue within
    the range of its own, which keeps its label), scaled so that its largest entry is 10^1.5 to 10^4
    (every label is scale-free: the threshold is relative), rows and columns permuted alike, as nested lists or as
    an array, drawn apart from the label. A form that would change the label is not made."""
    def make_case(rng: np.random.Generator) -> Case:
        original = generate(rng)
        matrix = np.asarray(original.args[0], dtype=float)
        label = _label(matrix)
        if matrix.shape == (2, 2):
            sizes = np.abs(np.linalg.eigvalsh(matrix))
            grown = np.zeros((3, 3))
            grown[:2, :2] = matrix
            grown[2, 2] = rng.uniform(max(float(np.min(sizes)), 1e-3 * float(np.max(sizes))), float(np.max(sizes)))
            matrix = grown
        matrix = matrix * (10 ** rng.uniform(1.5, 4.0) / float(np.max(np.abs(matrix))))
        order = rng.permutation(len(matrix))
        matrix = matrix[np.ix_(order, order)]
        if _label(matrix) != label:
            return original
        return Case((matrix.tolist() if rng.random() < 0.5 else matrix,), original.kwargs)

    make_case.__name__ = getattr(generate, "__name__", "make_case")
    make_case.__doc__ = (generate.__doc__ or "").rstrip() + " In the one form of every kind (`in_any_form`)."
    return make_case


# ----- the exercises --------------------------------------------------------------------------------

SWAPPED = "this is the partial derivative with respect to the other variable"
EXERCISES = (
    exercise(
        module=MODULE, function="dg_dx", points=4, differentiates="g",
        checks=hand_partial_checks(dg_dx_exact, integers_to_avoid=tuple((x, 1) for x in range(-3, 4))),
        expect=by_sympy(dg_dx_exact, EXACT, "sympy.diff of g"),
        hint="Treat y as a constant: x²·y differentiates like a·x², and sin(x·y) needs the chain rule.",
        mistakes=[
            mistake(name="dropped inner derivative", hint="d/dx sin(x·y) = y·cos(x·y): the inner function x·y "
                    "contributes its x-derivative y.", body="return 2 * x * y + np.cos(x * y)",
                    slip_in="np.sin(x * y)"),
            mistake(name="differentiated with respect to y", hint=f"{SWAPPED} (y); hold y fixed and vary x.",
                    body="return x**2 + x * np.cos(x * y)"),
        ],
        alternatives=["return y * (2 * x + np.cos(x * y))"],
    ),
    exercise(
        module=MODULE, function="dg_dy", points=4, differentiates="g",
        checks=hand_partial_checks(dg_dy_exact, integers_to_avoid=((0, 1), (1, 1), (1, 2), (1, 3), (2, 1))),
        expect=by_sympy(dg_dy_exact, EXACT, "sympy.diff of g"),
        hint="Treat x as a constant: x²·y is linear in y, and sin(x·y) needs the chain rule.",
        mistakes=[
            mistake(name="dropped inner derivative", hint="d/dy sin(x·y) = x·cos(x·y): the inner function x·y "
                    "contributes its y-derivative x.", body="return x**2 + np.cos(x * y)", slip_in="np.sin(x * y)"),
            mistake(name="differentiated with respect to x", hint=f"{SWAPPED} (x); hold x fixed and vary y.",
                    body="return 2 * x * y + y * np.cos(x * y)"),
        ],
        alternatives=["return x * (x + np.cos(x * y))"],
    ),
    exercise(
        module=MODULE, function="partial_derivative", points=4,
        checks={
            "g at a float point, along x, default h": redrawn(g_along_x, gradient_informative),
            "g along y": redrawn(g_along_y, gradient_informative),
            # kinds drawn from a handful of integer points count only with a kind drawn from floats: the exact
            # partials dg_dx and dg_dy store in a student bundle answer them (red team round 37, 01)
            "a point of integers, left unchanged": edge_case(redrawn(wavy_at_integers_along_y, gradient_informative),
                                                             counts_with="g along y"),
            "g at a point of integers, along x": edge_case(redrawn(g_at_integers_along_x, gradient_informative),
                                                           counts_with="g at a float point, along x, default h"),
            "three variables, h=1e-3, array left unchanged": redrawn(bowl3_along_the_third, gradient_informative),
            "g at an array of integers, along y, left unchanged": edge_case(
                redrawn(g_at_an_integer_array_along_y, gradient_informative), counts_with="g along y"),
            "a tuple of floats, along x": redrawn(wavy_at_a_tuple_along_x, gradient_informative),
            "a large step h=0.5, along y": redrawn(wavy_large_step_along_y, large_step_informative),
        },
        expect=[partial_vs_sympy, partial_vs_solution],
        hint="Copy the point as floats, add h to coordinate i in one copy and subtract it in another, then "
             "(f(plus) − f(minus)) / (2h).",
        mistakes=[
            mistake(name="integer point not copied as floats", hint="a point of integers stays integer in "
                    "np.array(point): adding h to an entry is rounded away. Use np.array(point, dtype=float).",
                    body="plus = np.array(point)\nminus = np.array(point)\nplus[i] += h\nminus[i] -= h\n"
                         "return float((f(plus) - f(minus)) / (2 * h))"),
            mistake(name="forward difference", hint="step to both sides of the point: (f(p + h·eᵢ) − "
                    "f(p − h·eᵢ)) / (2h).",
                    body="p = np.array(point, dtype=float)\nplus = p.copy()\nplus[i] += h\n"
                         "return float((f(plus) - f(p)) / h)"),
        ],
        alternatives=["p = np.asarray(point, dtype=float)\nstep = np.zeros_like(p)\nstep[i] = h\n"
                      "return (f(p + step) - f(p - step)) / (2 * h)"],
    ),
    exercise(
        module=MODULE, function="gradient", points=4,
        checks={
            "g at a float point, default h": redrawn(g_gradient, gradient_informative),
            "three variables": redrawn(bowl3_gradient, gradient_informative),
            "a point of integers, h=1e-4": edge_case(redrawn(wavy_gradient_at_integers, gradient_informative),
                                                     counts_with="g at a float point, default h"),
            "a large step h=0.5": redrawn(wavy_gradient_large_step, gradient_informative),
        },
        expect=[gradient_vs_sympy, gradient_vs_solution],
        hint="The gradient collects one central difference per coordinate: call partial_derivative for "
             "i = 0, …, n − 1 and return them as a 1-D array.",
        mistakes=[
            mistake(name="forward difference", hint="each entry should be a central difference (f(p + h·eᵢ) − "
                    "f(p − h·eᵢ)) / (2h).",
                    body="p = np.array(point, dtype=float)\nresult = np.zeros(p.size)\nfor i in range(p.size):\n"
                         "    plus = p.copy()\n    plus[i] += h\n    result[i] = (f(plus) - f(p)) / h\n"
                         "return result"),
        ],
        alternatives=["return [partial_derivative(f, point, i, h) for i in range(len(point))]"],
    ),
    exercise(
        module=MODULE, function="hessian", points=5, builds_on=("partial_derivative", "gradient"),
        checks={
            "g at a float point, default h": g_hessian,
            "a saddle with a mixed term": tilted_saddle_hessian,
            "three variables with a mixed term": bowl3_hessian,
            "a point of integers, h=1e-3": edge_case(wavy_hessian_at_integers,
                                                     counts_with="g at a float point, default h"),
        },
        expect=hessian_vs_sympy,
        hint="Entry (i, j) is ∂²f/∂xᵢ∂xⱼ: difference the function in both directions i and j, "
             "(f(p+hᵢ+hⱼ) − f(p+hᵢ−hⱼ) − f(p−hᵢ+hⱼ) + f(p−hᵢ−hⱼ)) / (4h²); mixed entries matter too.",
        mistakes=[
            mistake(name="mixed partials left out", hint="the off-diagonal entries ∂²f/∂xᵢ∂xⱼ (i ≠ j) are "
                    "curvature too; for most functions they are not 0.",
                    body="p = np.array(point, dtype=float)\nn = p.size\nresult = np.zeros((n, n))\n"
                         "for i in range(n):\n    e = np.zeros(n)\n    e[i] = h\n"
                         "    result[i, i] = (f(p + e) - 2 * f(p) + f(p - e)) / h**2\nreturn result"),
        ],
        alternatives=["p = np.array(point, dtype=float)\nn = p.size\nresult = np.zeros((n, n))\nfor i in range(n):\n"
                      "    for j in range(n):\n        ei = np.zeros(n)\n        ej = np.zeros(n)\n        ei[i] = h\n"
                      "        ej[j] = h\n        result[i, j] = (f(p + ei + ej) - f(p + ei - ej) - f(p - ei + ej)"
                      " + f(p - ei - ej)) / (4 * h * h)\nreturn result.tolist()"],
    ),
    exercise(
        module=MODULE, function="classify_critical_point", points=4,
        checks={
            "a minimum": in_any_form(a_minimum),
            "a 3×3 maximum": in_any_form(a_maximum_3x3),
            "a saddle with a positive diagonal": in_any_form(saddle_with_positive_diagonal),
            "a saddle with two negative eigenvalues": in_any_form(saddle_with_two_negative_eigenvalues),
            "a saddle with a positive diagonal and a positive determinant":
                in_any_form(saddle_with_positive_diagonal_and_determinant),
            "a saddle with a negative diagonal and a negative determinant":
                in_any_form(saddle_with_negative_diagonal_and_determinant),
            "a tiny negative eigenvalue: degenerate": in_any_form(tiny_negative_eigenvalue),
            "a tiny positive eigenvalue among negative ones: degenerate": in_any_form(tiny_positive_among_negatives),
            "large positive eigenvalues and one under the relative threshold: degenerate":
                in_any_form(under_the_relative_threshold),
            "eigenvalues of both signs, the negative far larger, and one under the relative threshold: degenerate":
                in_any_form(under_the_relative_threshold_mixed_signs),
            "one eigenvalue just over the relative threshold: not degenerate":
                in_any_form(just_over_the_relative_threshold),
            "a 3×3 matrix of integers": integer_matrix_3x3,
        },
        expect=by_solution(f"{MODULE}.classify_critical_point"),
        hidden_draws=3,  # one of four labels: a guess passes a hidden check 1 time in 64, not 1 in 4
        hint="Compute the eigenvalues (np.linalg.eigvalsh): all > 0 → minimum, all < 0 → maximum, both signs → "
             "saddle; any |λ| ≤ 1e-8·max(1, max|λ|) → degenerate (check that first).",
        mistakes=[
            mistake(name="signs of the diagonal", hint="the diagonal entries are not the eigenvalues: "
                    "[[1, 2], [2, 1]] has a positive diagonal but eigenvalues 3 and −1 (a saddle).",
                    body="d = np.diag(np.asarray(hessian_matrix, dtype=float))\n"
                         "if np.all(d > 0):\n    return 'minimum'\nif np.all(d < 0):\n    return 'maximum'\n"
                         "return 'saddle'"),
            # named by what the labels show, not by a test the code may not hold (a threshold scaled by the
            # smallest eigenvalue acts alike: red team round 48, 03)
            mistake(name="near-zero eigenvalue not degenerate", hint="rounding makes a zero eigenvalue come out as "
                    "±1e-12, and your labels take such a value for a nonzero one (as an exact test for 0 does): treat "
                    "|λ| ≤ 1e-8·max(1, max|λ|) as zero (degenerate).",
                    body="ev = np.linalg.eigvalsh(np.asarray(hessian_matrix, dtype=float))\n"
                         "if np.any(ev == 0):\n    return 'degenerate'\nif np.all(ev > 0):\n"
                         "    return 'minimum'\nif np.all(ev < 0):\n    return 'maximum'\nreturn 'saddle'"),
            mistake(name="determinant test on n×n", hint="the test det > 0 with the sign of H[0, 0] (f_xx) tells a "
                    "minimum from a maximum only for two variables; for n of them use the signs of all eigenvalues.",
                    body="a = np.asarray(hessian_matrix, dtype=float)\ndet = np.linalg.det(a)\n"
                         "if abs(det) <= 1e-8:\n    return 'degenerate'\nif det < 0:\n    return 'saddle'\n"
                         "return 'minimum' if a[0, 0] > 0 else 'maximum'"),
        ],
        alternatives=["ev = np.linalg.eigvals(np.array(hessian_matrix, dtype=float)).real\n"
                      "if np.min(np.abs(ev)) <= 1e-8 * max(1.0, np.max(np.abs(ev))):\n    return 'degenerate'\n"
                      "return 'minimum' if ev.min() > 0 else 'maximum' if ev.max() < 0 else 'saddle'"],
    ),
)
