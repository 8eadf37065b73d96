"""Building blocks shared by the curriculum's exercise declarations: expectation rules (`by_sympy`,
`by_solution`), redrawing inputs until they tell right from wrong (`redrawn`, `apart`, `differs`), the inputs
every hand-derived derivative gets, noisy line data, the symbolic line and its squared error, and the
tolerances of difference quotients."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import sympy as sp

from grader import given
from grader.authoring import EdgeCase, edge_case
from grader.compare import EXACT, Expectation, Tolerance
from grader.plain import Given
from grader.spec import Case, ExpectRule, References, structure

EPS = float(np.finfo(float).eps)


def for_parent(value: Any) -> Any:
    """An argument as the trusted parent uses it: `Given` names become the grader's own callables, and
    arrays are copies (a known mistake may change its input in place; the case must stay as drawn)."""
    if isinstance(value, float | int | str | bool | None):
        return value
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, Given):
        return given.resolve(value.name)
    if isinstance(value, tuple):
        return tuple(for_parent(item) for item in value)
    if isinstance(value, list):
        return [for_parent(item) for item in value]
    return copy.deepcopy(value)


def parent_call(function: Callable[..., Any], case: Case) -> Any:
    return function(*for_parent(case.args), **{k: for_parent(v) for k, v in case.kwargs.items()})


def by_sympy(function: Callable[..., Any], tolerance: Tolerance = EXACT, source: str = "SymPy") -> ExpectRule:
    """Expect what a SymPy-derived (lambdified) function gives on the same arguments."""
    return lambda case, refs: Expectation(parent_call(function, case), tolerance, source)


def by_solution(key: str, tolerance: Tolerance = EXACT) -> ExpectRule:
    """Expect what the reference solution returns on the same arguments."""

    def rule(case: Case, refs: References) -> Expectation:
        return Expectation(parent_call(refs.solution(key), case), tolerance, "reference solution")

    return rule


# ----- input generators ------------------------------------------------------------------------

REDRAWS = 2000  # a generator that finds no acceptable input in this many draws is a bug of the curriculum


def redrawn(draw: Callable[[np.random.Generator], Case],
            accept: Callable[[Case], bool]) -> Callable[[np.random.Generator], Case]:
    """`draw`, repeated from the same RNG until `accept` takes the case: rejection on the drawn values keeps
    inputs deterministic (the same seed, the same case) while avoiding points that tell nothing, such as a
    root of the answer or a point where a known mistake gives the right value."""

    def make_case(rng: np.random.Generator) -> Case:
        for _ in range(REDRAWS):
            case = draw(rng)
            with np.errstate(all="ignore"):
                if accept(case):
                    return case
        raise RuntimeError(f"no acceptable input in {REDRAWS} draws")

    make_case.__name__ = getattr(draw, "__name__", "make_case")
    make_case.__doc__ = getattr(draw, "__doc__", None)
    return make_case


def redrawn_in_blocks(draw: Callable[[np.random.Generator, int], list[Case]], accept: Callable[[Case], bool],
                      screen: Callable[[list[Case]], Iterable[bool]], block: int = 64
                      ) -> Callable[[np.random.Generator], Case]:
    """`redrawn` for a generator that most draws fail: `draw(rng, n)` gives n candidates at once, the same values
    in the same order as n draws one at a time, and `screen` tests them together, a looser (vectorised) form of
    `accept` that never rejects a case `accept` takes. The cases it lets through are tested by `accept` in the
    order drawn, so the case returned is the one `redrawn` returns, for a fraction of the cost. The generator
    is left further on than one draw at a time leaves it (each check draws from a generator of its own)."""

    def make_case(rng: np.random.Generator) -> Case:
        for start in range(0, REDRAWS, block):
            cases = draw(rng, min(block, REDRAWS - start))
            with np.errstate(all="ignore"):
                for case, likely in zip(cases, screen(cases), strict=True):
                    if likely and accept(case):
                        return case
        raise RuntimeError(f"no acceptable input in {REDRAWS} draws")

    make_case.__name__ = getattr(draw, "__name__", "make_case")
    make_case.__doc__ = getattr(draw, "__doc__", None)
    return make_case


_NUMBERS = (float, int)


def _scalars(values: tuple[Any, ...]) -> list[float] | None:
    """The values as Python floats when every one is a plain number (not an array), else None. Input generators
    test thousands of scalar candidates per batch: plain arithmetic on them costs a tenth of NumPy's calls
    (and plain loops, below, a half of generator expressions')."""
    for value in values:
        if not isinstance(value, _NUMBERS):
            return None
    return [float(value) for value in values]


def _apart_scalars(first: float, others: list[float], margin: float) -> bool:
    """`apart` of `first` from each of `others`, numbers, as NumPy computes it (a NaN or an infinite difference
    is never apart)."""
    for other in others:
        if not abs(first - other) > margin * (1 + max(abs(first), abs(other))):
            return False
    return True


def apart(*values: Any, margin: float = 1e-3) -> bool:
    """Every two of these values (numbers or arrays of one shape, elementwise) differ by more than
    margin·(1 + |value|): no two of them agree, even at one point of an array."""
    scalars = _scalars(values)
    if scalars is not None:
        for index, first in enumerate(scalars):
            if not _apart_scalars(first, scalars[index + 1:], margin):
                return False
        return True
    arrays = [np.asarray(value, dtype=float) for value in values]
    return all(bool(np.all(np.abs(a - b) > margin * (1 + np.maximum(np.abs(a), np.abs(b)))))
               for index, a in enumerate(arrays) for b in arrays[index + 1:])


def differs(value: Any, *others: Any, margin: float = 1e-3) -> bool:
    """The value differs from each of the others somewhere (at one point of an array at least)."""
    scalars = _scalars((value, *others))
    if scalars is not None:
        first = scalars[0]
        return all(abs(first - other) > margin * (1 + abs(first)) for other in scalars[1:])
    array = np.asarray(value, dtype=float)
    return all(bool(np.any(np.abs(array - np.asarray(other, dtype=float)) > margin * (1 + np.abs(array))))
               for other in others)


def apart_from(reference: Any, *others: Any, margin: float = 1e-3) -> bool:
    """The reference value differs from each of the others (elementwise); the others may agree among themselves."""
    scalars = _scalars((reference, *others))
    if scalars is not None:
        return _apart_scalars(scalars[0], scalars[1:], margin)
    return all(apart(reference, other, margin=margin) for other in others)


def uniform(rng: np.random.Generator, low: float, high: float, size: int | tuple[int, ...] | None = None):
    value = rng.uniform(low, high, size)
    return float(value) if size is None else value


def integer_valued(rng: np.random.Generator, low: int, high: int) -> int:
    """A Python int, as a student's function must accept (not only floats)."""
    return int(rng.integers(low, high + 1))


def hand_derivative_checks(given_name: str, low: float, high: float, integers_to_avoid: tuple[int, ...] = (),
                           integers: tuple[int, int] | None = None
                           ) -> dict[str, Callable[[np.random.Generator], Case] | EdgeCase]:
    """The three kinds of input every hand-derived derivative of one given function gets (a float, an integer,
    a NumPy array in [low, high]; the integer in `integers` if given, a wider range where the function allows it,
    so a hidden integer is one of many), drawn where the derivative is not 0, 1, x or f(x). `integers_to_avoid` are
    the integers where a known mistake agrees with the derivative or with another mistake (declared, since the
    student bundle does not ship the mistakes' bodies; tests/test_curriculum.py works them out and checks)."""
    function = given.CURRICULUM[given_name]
    exact, values = function.diff(1), given.numpy_function(function)

    def informative(case: Case) -> bool:
        x = case.args[0]
        return apart_from(exact(x), 0.0, 1.0, x, values(x)) and not (isinstance(x, int) and x in integers_to_avoid)

    def a_float(rng: np.random.Generator) -> Case:
        """One float in [low, high]."""
        return Case((uniform(rng, low, high),))

    integer_low, integer_high = integers or (int(low), int(high))

    def an_integer(rng: np.random.Generator) -> Case:
        """One Python int in the integers' range."""
        return Case((integer_valued(rng, integer_low, integer_high),))

    def an_array(rng: np.random.Generator) -> Case:
        """Nine floats in [low, high], as a NumPy array (hidden: of another length)."""
        return Case((uniform(rng, low, high, structure(rng, 9, (6, 11, 4, 10))),))

    # a handful of integers (3 to 13 informative ones) has a table of slopes worked out elsewhere for an answer:
    # right there alone, the integer kind counts with the float's (red team round 35, 04)
    return {"a float": redrawn(a_float, informative),
            "an integer": edge_case(redrawn(an_integer, informative), counts_with="a float"),
            "a NumPy array": redrawn(an_array, informative)}


def line_data(rng: np.random.Generator, n: int = 8, x_low: float = -3.0, x_high: float = 5.0,
              integers: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Noisy points around a random line; with x far from 0 the data are not centred. A hidden input holds another
    number of points (`structure`)."""
    n = structure(rng, n, (n - 3, n + 4, n + 9, n - 2)) if n >= 5 else n
    slope, intercept = rng.uniform(-2, 3), rng.uniform(-4, 4)
    if integers:
        while True:  # data with y a permutation of x would let swapping them pass
            x = rng.integers(int(x_low), int(x_high) + 1, n)
            y = np.round(slope * x + intercept + rng.normal(0, 2, n)).astype(np.int64)
            if not np.array_equal(np.sort(x), np.sort(y)) and np.ptp(x) > 0:
                return x.astype(np.int64), y
    x = np.sort(rng.uniform(x_low, x_high, n))
    return x, slope * x + intercept + rng.normal(0, 1.0, n)


# ----- the symbolic model of the course: a line and its squared error ----------------------------

m_sym, c_sym, x_sym, y_sym = sp.symbols("m c x y", real=True)
LINE = m_sym * x_sym + c_sym
SQUARED_ERROR = (y_sym - LINE) ** 2  # one data point's contribution to the SSE


def sum_over_points(expr: sp.Expr) -> Callable[[float, float, Any, Any], float]:
    """Σ over the data of a per-point expression in (m, c, x, y), lambdified once."""
    term = sp.lambdify((m_sym, c_sym, x_sym, y_sym), expr, "numpy")

    def total(m, c, x, y) -> float:
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        return float(np.sum(term(float(m), float(c), x, y) + 0.0 * x))

    return total


def grid_over_points(expr: sp.Expr) -> Callable[[Any, Any, Any, Any], np.ndarray]:
    """Σ over the data of a per-point expression at every (m, c) of a grid, in one broadcast NumPy
    evaluation: E[i, j] is the sum at (ms[j], cs[i]), the layout of np.meshgrid(ms, cs)."""
    term = sp.lambdify((m_sym, c_sym, x_sym, y_sym), expr, "numpy")

    def grid(ms, cs, x, y) -> np.ndarray:
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        slopes, intercepts = np.meshgrid(np.asarray(ms, dtype=float), np.asarray(cs, dtype=float))
        values = term(slopes[..., None], intercepts[..., None], x, y)
        return np.sum(np.broadcast_to(values, (*slopes.shape, x.size)), axis=-1)

    return grid


def central_difference_tolerance(h: float, third_derivative: Any, scale: Any) -> Tolerance:
    """How far a correct central difference may be from the exact derivative, from h alone.

    Truncation: |f'''|·h²/6 (Taylor); rounding: a few ulps of f (and of x + h) divided by h.
    Both are doubled for safety; a forward difference (error ≈ |f''|·h/2) stays far outside.
    """
    truncation = h**2 / 6 * np.abs(third_derivative)
    rounding = 8 * EPS * (np.abs(scale) + 1.0) / h
    return Tolerance(rtol=1e-9, atol=2 * (truncation + rounding))


def rounding_tolerance(h: float, scale: Any) -> Tolerance:
    """How far two correct ways of writing the same difference quotient may differ: rounding only."""
    return Tolerance(rtol=1e-9, atol=16 * EPS * (np.abs(scale) + 1.0) / h)
