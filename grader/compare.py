"""The pure comparison core: plain values in, result objects out; no I/O, no globals.

The tolerance rule, used everywhere: a returned number `got` matches an expected number `want` when

    |got − want| ≤ atol + rtol·|want|      (elementwise, and every `got` is finite)

with atol and rtol set per exercise (tight for exact formulas; derived from h for finite
differences). NaN and infinity never match. Answers are accepted in any equivalent form: a pair as
tuple, list or length-2 array; an array as anything `np.asarray` turns into the expected shape; a
float as a NumPy scalar or a 0-d array.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.plain import Unsupported


@dataclass(frozen=True)
class Tolerance:
    rtol: float = 1e-9
    atol: float | np.ndarray = 1e-12  # may be elementwise, e.g. from h and f'''(x)

    def allowed(self, want: np.ndarray) -> np.ndarray:
        return self.atol + self.rtol * np.abs(want)

    def widened(self, atol: float = 0.0, rtol: float = 0.0) -> Tolerance:
        return Tolerance(self.rtol + rtol, self.atol + atol)


EXACT = Tolerance(rtol=1e-9, atol=1e-12)


@dataclass(frozen=True)
class Expectation:
    """What one call should return, where that comes from (for instructors), and how close is close."""

    value: Any  # float, tuple of floats, np.ndarray or str
    tolerance: Tolerance
    source: str  # e.g. "SymPy derivative" or "reference solution"


@dataclass(frozen=True)
class Comparison:
    passed: bool
    problem: str = ""  # for the student: what is wrong with the returned value
    worst_error: float | None = None  # set where the answer had the right form (type, shape, finite)
    hidden_problem: str = ""  # what a hidden check may say instead, if `problem` shows the answer or the error

    @property
    def wrong_value(self) -> bool:
        """The right form (type, shape, finite); only the numbers are off."""
        return not self.passed and self.worst_error is not None

    def problem_for(self, public: bool) -> str:
        """A hidden check's feedback never shows what came back (it could carry the hidden input) nor how far
        it is from the expected value (which would give the value away)."""
        return self.problem if public or not self.hidden_problem else self.hidden_problem


HIDDEN_WRONG_VALUE = "the value is not right for this hidden input"
HIDDEN_WRONG_FORM = "returned a value of the wrong kind or shape for this hidden input (the public checks show " \
    "what came back)"


@dataclass(frozen=True)
class Diagnosis:
    """A known mistake that reproduces the returned value."""

    name: str
    hint: str
    fitted: bool = False  # a constant factor fitted to the expected value: its number reveals that value


OTHER_FACTOR = "constant factor (other)"  # a fitted factor that is none of the known ones


RETURNED_NONE = "returned None (is a `return` statement missing?)"
ONE_ELEMENT = "returned an array with one element; return the number itself"
TOO_LARGE_INT = "returned an integer too large for a float (more than about 1.8e308)"
_SHOWS_NOTHING = frozenset({RETURNED_NONE, ONE_ELEMENT, TOO_LARGE_INT})  # problems that show nothing returned


def _with_article(noun: str) -> str:
    """"an array of dtype object", "a function": the article a type's name takes (by its first letter)."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _as_numbers(got: Any, shape: tuple[int, ...]) -> tuple[np.ndarray | None, str]:
    """The returned value as a float array of the expected shape, or why it cannot be one."""
    if got is None:
        return None, RETURNED_NONE
    if isinstance(got, Unsupported):
        return None, f"returned {_with_article(got.type_name)} ({got.detail}), not numbers"
    if isinstance(got, str | bool):
        return None, f"returned {_brief(got)}, not a number"
    try:
        array = np.asarray(got, dtype=float)
    except OverflowError:
        return None, TOO_LARGE_INT
    except (TypeError, ValueError):
        return None, f"returned {_brief(got)}, which is not numbers of one shape"
    if array.shape != shape:
        if shape == () and array.shape == (1,):
            return None, ONE_ELEMENT
        want = "a single number" if shape == () else f"shape {shape}"
        have = "a single number" if array.shape == () else f"shape {array.shape}"
        return None, f"returned {have}, expected {want}{_axes_of_one(array.shape, shape)}"
    return array, ""


def _axes_of_one(have: tuple[int, ...], want: tuple[int, ...]) -> str:
    """What tells two shapes apart where only axes of length 1 do (a column, or a batch of one, for a 1-D array):
    said as what the shapes show (not the values, which were not compared), never as a cause."""
    if not want or [n for n in have if n != 1] != [n for n in want if n != 1]:
        return ""
    extra = len(have) - len(want)
    if extra == 1 and len(want) == 1 and want[0] > 1 and have in ((want[0], 1), (1, want[0])):
        made = "a column, shape (n, 1)" if have == (want[0], 1) else "a row, shape (1, n)"
        return f": an axis of length 1 too many ({made}, where a 1-D array of n numbers belongs)"
    if extra > 0:
        return f": {'an axis' if extra == 1 else f'{extra} axes'} of length 1 too many"
    if extra < 0:
        return f": {'an axis' if extra == -1 else f'{-extra} axes'} of length 1 missing"
    return ""


def _brief(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def compare(got: Any, expected: Expectation) -> Comparison:
    """Does `got` (plain data from the student's process) match `expected` under its tolerance?"""
    if isinstance(expected.value, str):
        if isinstance(got, str) and got == expected.value:
            return Comparison(True)
        if isinstance(got, str) and got.strip().lower() == expected.value:
            return Comparison(False, f"returned {got!r}: use exactly the lower-case word {expected.value!r}",
                              hidden_problem="returned the right word in the wrong case or with spaces")
        if isinstance(got, str) and expected.value and expected.value in re.findall(r"[a-z]+", got.lower()):
            # the right word with more around it ('saddle point', 'a minimum'): a label of another source's words
            return Comparison(False, f"returned {_brief(got)}: the label is the word {expected.value!r} alone, "
                              "exactly as the docstring lists it", hidden_problem=HIDDEN_WRONG_VALUE)
        return Comparison(False, f"returned {_brief(got)}", hidden_problem=HIDDEN_WRONG_VALUE)
    if _plain_number(got) and _plain_number(expected.value) and np.ndim(expected.tolerance.atol) == 0:
        try:
            return _compare_numbers(float(got), float(expected.value), expected.tolerance)
        except OverflowError:  # a Python int beyond the range of a float
            return Comparison(False, TOO_LARGE_INT)
    want = np.asarray(expected.value, dtype=float)
    array, problem = _as_numbers(got, want.shape)
    if array is None:
        return Comparison(False, problem, hidden_problem="" if problem in _SHOWS_NOTHING else HIDDEN_WRONG_FORM)
    if not np.all(np.isfinite(array)):
        bad = "NaN" if np.any(np.isnan(array)) else "infinity"
        return Comparison(False, f"returned {bad} where a finite number was expected")
    error = np.abs(array - want)
    worst = float(np.max(error)) if error.size else 0.0
    if np.all(error <= expected.tolerance.allowed(want)):
        return Comparison(True, worst_error=worst)
    return _off_by(worst)


# What a part of an answer is said to be where it is a constant times the right one: facts a check shows, never why.
PART_FACTORS = {-1.0: ("has the opposite sign", "have the opposite sign"),
                2.0: ("is twice the right value", "are twice the right values"),
                0.5: ("is half the right value", "are half the right values"),
                -2.0: ("is −2 times the right value", "are −2 times the right values"),
                -0.5: ("is −1/2 times the right value", "are −1/2 times the right values")}


def part_slices(length: int, sizes: Sequence[str]) -> list[slice] | None:
    """Where each named part lies in a 1-D answer of `length` values: each size is "1" (one value) or "n" (a block,
    every block of the same length, solved from `length`: `backprop`'s 3n + 1 gradients). None where `length`
    fits no such split."""
    blocks = sum(1 for size in sizes if size == "n")
    singles = len(sizes) - blocks
    if blocks == 0:
        block = 0
        if length != singles:
            return None
    else:
        if length - singles <= 0 or (length - singles) % blocks:
            return None
        block = (length - singles) // blocks
    slices, start = [], 0
    for size in sizes:
        width = block if size == "n" else 1
        slices.append(slice(start, start + width))
        start += width
    return slices


def _parts(got: Any, expected: Expectation, sizes: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                                           list[slice]] | None:
    """The answer, the right one and the tolerance as 1-D arrays, and each part's place; None where the answer has
    another form (another shape, a value not finite) or the parts do not fit it."""
    if isinstance(expected.value, str):
        return None
    try:
        want = np.asarray(expected.value, dtype=float)
    except (TypeError, ValueError):
        return None
    if want.ndim != 1 or np.ndim(expected.tolerance.atol) != 0:
        return None
    array, _ = _as_numbers(got, want.shape)
    if array is None or not np.all(np.isfinite(array)):
        return None
    slices = part_slices(len(want), sizes or ("1",) * len(want))
    if slices is None:
        return None
    return array, want, np.broadcast_to(expected.tolerance.allowed(want), want.shape), slices


def parts_off(got: Any, expected: Expectation, sizes: Sequence[str] = ()) -> tuple[bool, ...] | None:
    """For a few numbers returned together (a 1-D answer of the expected length, every value finite), or a few
    blocks of one array (`sizes`, see `part_slices`): which part is off under the tolerance (a block where any of
    its values is). None where the answer has another form."""
    parts = _parts(got, expected, sizes)
    if parts is None:
        return None
    array, want, allowed, slices = parts
    off = np.abs(array - want) > allowed
    return tuple(bool(np.any(off[part])) for part in slices)


def parts_scaled(got: Any, expected: Expectation, sizes: Sequence[str] = ()) -> tuple[float | None, ...] | None:
    """As `parts_off`, for each part the factor of `PART_FACTORS` it is off by: every value of the part that factor
    times the right one under the tolerance, one of them at least not 0 (a right 0 is never said to be scaled);
    None for a part that is right or off otherwise. None where the answer has another form."""
    parts = _parts(got, expected, sizes)
    if parts is None:
        return None
    array, want, allowed, slices = parts
    scaled: list[float | None] = []
    for part in slices:
        got_part, want_part, allowed_part = array[part], want[part], allowed[part]
        informative = np.abs(want_part) > allowed_part
        factor = None
        if np.any(informative) and np.any(np.abs(got_part - want_part) > allowed_part):
            factor = next((k for k in PART_FACTORS
                           if np.all(np.abs(got_part - k * want_part) <= allowed_part * max(1.0, abs(k)))), None)
        scaled.append(factor)
    return tuple(scaled)


def parts_negated(got: Any, expected: Expectation, sizes: Sequence[str] = ()) -> tuple[bool, ...] | None:
    """As `parts_off`: which part is the right value with the opposite sign (`parts_scaled`'s −1)."""
    scaled = parts_scaled(got, expected, sizes)
    return None if scaled is None else tuple(factor == -1.0 for factor in scaled)


def _plain_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _compare_numbers(got: float, want: float, tolerance: Tolerance) -> Comparison:
    """The same rule as for arrays, for the common case of one number (no NumPy call needed)."""
    if not math.isfinite(got):
        return Comparison(False, f"returned {'NaN' if math.isnan(got) else 'infinity'} where a finite number "
                          "was expected")
    error = abs(got - want)
    if error <= float(tolerance.atol) + tolerance.rtol * abs(want):
        return Comparison(True, worst_error=error)
    return _off_by(error)


def _off_by(error: float) -> Comparison:
    return Comparison(False, f"off by up to {error:.3g}", worst_error=error, hidden_problem=HIDDEN_WRONG_VALUE)


def answer_key(value: Any) -> Any:
    """A key equal for two answers that are the same, numbers as the comparison reads them (-1, -1.0 and
    np.float64(-1) alike, -0.0 as 0.0), text as it is written: where a function answered one and the same on every
    input."""
    if isinstance(value, str):
        return ("text", value)
    try:
        array = np.asarray(value, dtype=float) + 0.0
    except (TypeError, ValueError, OverflowError):
        return ("other", repr(value))
    return (array.shape, array.tobytes())


def matches(got: Any, value: Any, tolerance: Tolerance) -> bool:
    return compare(got, Expectation(value, tolerance, "")).passed


# What a constant factor means, and only that: the same factor can come from a power rule, a ½·Σr² loss, a
# difference quotient over h instead of 2h or a mean, so the hint does not guess which.
KNOWN_FACTORS = {
    -1.0: "your answer has the opposite sign of the right one on every input checked: a sign is flipped "
    "somewhere",
    2.0: "your answer is twice the right one on every input checked: a factor 2 too many",
    0.5: "your answer is half the right one on every input checked: a factor 2 is missing",
    -2.0: "your answer is −2 times the right one on every input checked: a sign is flipped and there is a "
    "factor 2 too many",
    -0.5: "your answer is −1/2 times the right one on every input checked: a sign is flipped and a factor 2 "
    "is missing",
}
# The diagnosis a known factor is named by ("constant factor -1"): a recognised slip, unlike a fitted factor.
KNOWN_FACTOR_NAMES = {factor: f"constant factor {factor:g}" for factor in KNOWN_FACTORS}
MIN_EVIDENCE = 2  # a known mistake is named only where it explains at least this many informative answers
MIN_FACTOR_VALUES = 3  # a factor is fitted only from at least this many distinct nonzero expected numbers
MIN_FACTOR_GAP = 0.01  # a fitted factor closer to 1 is a near miss (or rounding), not a factor


def fitted_factor(got: Any, want: Any) -> float | None:
    """The constant k with got ≈ k·want, if the returned value is an exact multiple of the expected one
    (k = 1 and k = 0 are no factor: the answer is right, or zero, which says nothing about its shape)."""
    if isinstance(want, str):
        return None
    want_array = np.asarray(want, dtype=float)
    array, _ = _as_numbers(got, want_array.shape)
    if array is None or not np.all(np.isfinite(array)):
        return None
    norm = float(np.dot(want_array.ravel(), want_array.ravel()))
    if norm == 0.0:
        return None
    k = float(np.dot(array.ravel(), want_array.ravel())) / norm
    residual = np.max(np.abs(array - k * want_array))
    scale = np.max(np.abs(want_array)) * max(1.0, abs(k))
    return k if residual <= 1e-7 * scale and abs(k - 1.0) > 1e-6 and abs(k) > 1e-9 else None


@dataclass(frozen=True)
class Observation:
    """One answered check of an exercise, as the diagnosis sees it: what came back, what was expected
    (the first expectation it failed, or the first one if it passed), and each known mistake's value on
    the same input (None where that mistake raised)."""

    got: Any
    want: Any
    tolerance: Tolerance
    passed: bool
    candidates: Sequence[tuple[Diagnosis, Any]] = ()


def diagnose_exercise(observations: Sequence[Observation]) -> list[Diagnosis | None]:
    """For each observation, the mistake the exercise's answers show on it, or None: say only what is observed.

    A known mistake is named when it reproduces every answer (a check where it raised is left out) and at
    least MIN_EVIDENCE of those answers are informative for it: wrong, and where its value is clearly apart
    from the right one and from every other known mistake's (a point where two of them agree tells nothing).
    Otherwise a constant factor k ≠ 1 is named when every answer is k times the expected value, fitted from
    at least MIN_FACTOR_VALUES distinct nonzero expected numbers. Only failed checks get a diagnosis."""
    named = _explaining_mistake(observations) or _constant_factor(observations)
    return [named if named is not None and not ob.passed else None for ob in observations]


def _explaining_mistake(observations: Sequence[Observation]) -> Diagnosis | None:
    names = list(dict.fromkeys(d.name for ob in observations for d, _ in ob.candidates))
    for name in names:
        informative, diagnosis = 0, None
        for ob in observations:
            values = {d.name: (d, value) for d, value in ob.candidates if value is not None}
            if name not in values:
                continue
            diagnosis, value = values[name]
            if not matches(ob.got, value, ob.tolerance.widened(rtol=1e-9, atol=1e-12)):
                break
            others = [other for other_name, (_, other) in values.items() if other_name != name]
            if (not ob.passed and _apart(value, ob.want, ob.tolerance)
                    and all(_apart(value, other, ob.tolerance) for other in others)):
                informative += 1
        else:
            if informative >= MIN_EVIDENCE:
                return diagnosis
    return None


def _apart(value: Any, other: Any, tolerance: Tolerance) -> bool:
    """Clearly different: outside ten times the check's tolerance, and a millionth relative."""
    wide = Tolerance(rtol=10 * tolerance.rtol + 1e-6, atol=10 * np.asarray(tolerance.atol, dtype=float) + 1e-12)
    return not matches(value, other, wide)


def _constant_factor(observations: Sequence[Observation]) -> Diagnosis | None:
    factors, wanted = [], set()
    for ob in observations:
        if isinstance(ob.want, str):
            return None
        want = np.asarray(ob.want, dtype=float)
        if not np.any(want):
            continue  # nothing to scale: no evidence either way
        k = fitted_factor(ob.got, want)
        if k is None:
            return None
        factors.append(k)
        wanted.update(float(v) for v in np.round(np.abs(want[want != 0]), 12).ravel())
    if not factors or len(wanted) < MIN_FACTOR_VALUES:
        return None
    k = factors[0]
    if abs(k - 1.0) < MIN_FACTOR_GAP or any(abs(other - k) > 1e-6 * max(1.0, abs(k)) for other in factors):
        return None
    for factor, hint in KNOWN_FACTORS.items():
        if abs(k - factor) <= 1e-6:
            return Diagnosis(KNOWN_FACTOR_NAMES[factor], hint)
    return Diagnosis(f"constant factor {k:.4g}", f"your answer is {k:.4g} times the right one on every input "
                     "checked: a constant factor is off", fitted=True)


# What a hidden check says of a fitted factor: that there is one, never its number (which, with the value
# returned, gives away the expected value of a hidden input).
HIDDEN_FACTOR = Diagnosis(OTHER_FACTOR, "your answer is a constant multiple of the right one on every input "
                          "checked: a constant factor is off")
