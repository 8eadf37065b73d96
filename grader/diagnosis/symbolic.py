"""Symbolic diagnosis: the student's formula, read from the source, compared with the SymPy reference.

For the exercises whose answer is a closed-form expression, the student's function is read as data
(`reader`), never executed, and compared with the curriculum's SymPy expression: equal, or the exact
difference, classified without a rule per mistake. The classification tries, in order: a listed mistake
whose body reads as the same formula; the derivative taken with one generic rule misapplied at one node of
the given function (an inner derivative left out, a product-rule term left out, the
product of the derivatives, a power not lowered), or with respect to the wrong variable; a constant or simple
ratio; and the difference term by term (a missing, extra or wrong-signed term). What it finds is certain about
the formula, so it may be said on hidden checks too; it never decides points.

Bounded: the reader's size limits, expansion only of small expressions with small powers, no `simplify`, and
equality tested by evaluating both sides at random points; SymPy's work runs in a child forked from the grader,
with a time and an address-space limit (`READING_BOUNDS`). Any failure means "nothing to say" (None).
"""

from __future__ import annotations

import ast
import hashlib
import itertools
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import sympy as sp

from grader import given, kit
from grader.bounded import Bounds, OutOfBounds, OutOfTime, call_bounded, time_limit
from grader.curriculum.common import SQUARED_ERROR, c_sym, m_sym, x_sym, y_sym
from grader.diagnosis import FACTOR_CLAIM, SYMBOLIC_EXERCISES
from grader.diagnosis.reader import (
    DataSymbols,
    Place,
    Unreadable,
    Value,
    feeds_answer,
    function_text,
    is_small,
    moment_symbol,
    parse_module,
    read_expression,
    read_function,
    read_parts,
    read_written_terms,
    to_moments,
)
from grader.diagnosis.show import formula
from grader.spec import Exercise

SAMPLES = 12
RELATIVE = 1e-8
MAX_SHOWN_TERMS = 3
MAX_SHOWN_CHARS = 90


@dataclass(frozen=True)
class Finding:
    """What the formula says about the answer: a diagnosis name and hint, and the claims it proves false.

    `name` is "" for a formula that equals the reference (nothing to count as a mistake); `hint` is "" when the
    difference could not be classified, in which case only `refuted` is of use: the listed mistakes and the
    constant factor that the formula is proven not to be."""

    name: str
    hint: str
    refuted: frozenset[str] = field(default_factory=frozenset)

    @property
    def says_something(self) -> bool:
        return bool(self.hint)




@dataclass(frozen=True)
class Target:
    """An exercise whose answer is a formula: the parameters as symbols, the reference, and for a derivative
    the function differentiated and the variable."""

    parameters: tuple[sp.Symbol, ...]
    reference: Value
    differentiated: sp.Expr | None = None
    variable: sp.Symbol | None = None
    data: DataSymbols | None = None
    component_names: tuple[str, ...] = ()
    notation: str = ""  # explains symbols the hint uses (Σx, n)
    differentiated_name: str = ""  # the given function's name in the student's module (f_poly, g)


@cache
def targets() -> dict[str, Target]:
    x, y = given.x, given.y
    one = {"derivatives.df_poly": "derivatives.f_poly", "derivatives.df_wave": "derivatives.f_wave",
           "derivatives.dsigmoid": "derivatives.sigmoid", "derivatives.df_log": "derivatives.f_log",
           "gradient_descent.df_nonconvex": "gradient_descent.f_nonconvex"}
    found = {key: Target((x,), sp.diff(given.CURRICULUM[name].expr, x), given.CURRICULUM[name].expr, x,
                         differentiated_name=name.rpartition(".")[2])
             for key, name in one.items()}
    found["partial_derivatives.dg_dx"] = Target((x, y), sp.diff(given.G_EXPR, x), given.G_EXPR, x,
                                                differentiated_name="g")
    found["partial_derivatives.dg_dy"] = Target((x, y), sp.diff(given.G_EXPR, y), given.G_EXPR, y,
                                                differentiated_name="g")
    data = DataSymbols(x_sym, y_sym)
    gradient = tuple(to_moments(sp.diff(SQUARED_ERROR, weight), data) for weight in (m_sym, c_sym))
    found["gradient_descent.sse_gradient"] = Target(
        (m_sym, c_sym, x_sym, y_sym), gradient, data=data, component_names=("∂SSE/∂m", "∂SSE/∂c"),
        notation=" (Σx stands for Σᵢ xᵢ, Σxy for Σᵢ xᵢ·yᵢ, and so on; n is the number of points)")
    return found


def supports(exercise_key: str) -> bool:
    return exercise_key in SYMBOLIC_EXERCISES


_FINDINGS: dict[tuple[str, str], Finding | None] = {}
_FINDINGS_LIMIT = 5_000
MAX_MODULE_FUNCTIONS = 200  # a module of more top-level functions is not read (the kit's have about ten)


def analyse(exercise: Exercise, source: str) -> Finding | None:
    """What the student's formula for this exercise is, compared with the reference; None when it cannot be
    read. Cached by the meaning of the function's source (its syntax tree and those of the module functions
    it calls), so the same function in many submissions is analysed once."""
    target = targets().get(exercise.key)
    if target is None:
        return None
    try:
        functions = parse_module(source)
    except Unreadable:
        return None
    if exercise.function not in functions or len(functions) > MAX_MODULE_FUNCTIONS:
        return None  # more functions than any formula reads: the work before SymPy's grows with them
    try:  # the key prints the tree: a 4000-digit hex literal or a 1500-term sum raises there (red team)
        key = (exercise.key, hashlib.sha256(function_text(functions, exercise.function).encode()).hexdigest())
    except Exception:  # noqa: BLE001 - a formula that cannot be keyed is not read; the numeric verdict stands
        return None
    if key not in _FINDINGS:
        if threading.current_thread() is not threading.main_thread():
            return None  # a fork from one of several threads may deadlock on a lock another held: not read
        _prepare(exercise, target)
        try:
            answer = call_bounded(_analysed_as_data, (exercise, target, functions), READING_BOUNDS)
        except (OutOfBounds, OSError):  # out of memory or time, died, or no process to fork: the numeric verdict
            return None  # stands alone, not remembered: on a machine less busy the same formula may be read
        if answer == OUT_OF_TIME:
            return None  # likewise
        finding = None if answer is None else Finding(answer["name"], answer["hint"], frozenset(answer["refuted"]))
        if len(_FINDINGS) >= _FINDINGS_LIMIT:
            _FINDINGS.clear()
        _FINDINGS[key] = finding
    return _FINDINGS[key]


# SymPy's reading of a student's formula runs in a child forked from the grader (`bounded.call_bounded`): a
# formula's numbers are worked out by mpmath, and some ask for memory no alarm can interrupt in time
# (sinh(-1e11 - 1/2) is a 1e11-bit integer shifted in one C call: over 10 GB, red team). The child may map this
# much beyond the grader and answers plain JSON; whatever it cannot do in its bounds costs only the hint.
READING_BOUNDS = Bounds(seconds=5.0, memory_bytes=512 << 20, answer_bytes=1 << 20)
OUT_OF_TIME = "out of time"


def _analysed_as_data(work: tuple[Exercise, Target, Mapping[str, ast.FunctionDef]]) -> dict | str | None:
    """In the child: the finding as JSON data, None where the formula cannot be read, OUT_OF_TIME."""
    exercise, target, functions = work
    try:
        finding = _analyse(exercise, target, functions)
    except OutOfTime:
        return OUT_OF_TIME
    except Exception:  # noqa: BLE001 - SymPy's own failures (KeyError on zoo, lambdify's SyntaxError, …) are
        return None  # many and not listed anywhere: a finding is a hint, never worth a student's grade
    if finding is None:
        return None
    return {"name": finding.name, "hint": finding.hint, "refuted": sorted(finding.refuted)}


_PREPARED: set[str] = set()


def _prepare(exercise: Exercise, target: Target) -> None:
    """Work out here, once, what every reading of this exercise uses and caches (the reference's and the listed
    mistakes' values at the random points, the generic derivative faults): kit formulas, trusted, which a
    child's work could not leave in this process's caches."""
    if exercise.key in _PREPARED:
        return
    _PREPARED.add(exercise.key)
    sampler = _Sampler(exercise.key)
    try:
        values = [target.reference, *(value for _, value in _listed_mistakes(exercise, target))]
        if target.differentiated is not None and target.variable is not None:
            values += [fault.derivative for fault in derivative_faults(target.differentiated, target.variable,
                                                                      target.parameters)]
            values += [fault.derivative for fault in misread_faults(target.differentiated, target.variable,
                                                                    target.parameters)]
    except Exception:  # noqa: BLE001 - only a warm-up: the child works out whatever is missing, bounded
        return
    for value in values:
        for expression in value if isinstance(value, tuple) else (value,):
            try:
                sampler(expression)
            except Exception:  # noqa: BLE001 - left to the child, where it is bounded
                continue
    _exact_candidates()


# SymPy's work on one student formula, in the reading's child (expanding a power of a power can take hours).
# Every formula of every corpus is read in under 0.07 s; a formula made to be slow costs this much, per exercise.
ANALYSIS_SECONDS = 0.5


def _analyse(exercise: Exercise, target: Target, functions: Mapping[str, ast.FunctionDef]) -> Finding | None:
    """The finding, or None where the formula cannot be read: the numeric verdict then stands alone. Raises
    OutOfTime where its analysis passes ANALYSIS_SECONDS (or cannot be bounded: outside the main thread)."""
    try:
        with time_limit(ANALYSIS_SECONDS):
            student = read_function(functions, exercise.function, target.parameters, target.data)
            if not _same_shape(student, target):
                return None
            quotient = _difference_quotient(exercise, target, functions[exercise.function], student)
            return quotient or _classify(exercise, target, student, _written_terms(exercise, target, functions),
                                         rules_worked=not _calls_differentiated(target, functions[exercise.function]),
                                         parts=_Parts(functions, exercise.function, target))
    except (Unreadable, RecursionError, OverflowError, ZeroDivisionError, TypeError, ValueError, MemoryError,
            AttributeError, sp.SympifyError, sp.PolynomialError):
        return None


def _written_terms(exercise: Exercise, target: Target, functions: Mapping[str, ast.FunctionDef]) -> tuple[sp.Expr, ...]:
    """The terms of the student's one formula as written, each expanded on its own (none where the formula is a
    pair or over data, or its return is not readable term by term)."""
    if isinstance(target.reference, tuple) or target.data is not None:
        return ()
    try:
        written = read_written_terms(functions, exercise.function, target.parameters)
    except Unreadable:
        return ()
    return tuple(term for summand in written for term in sp.Add.make_args(sp.expand(summand)))


class _Parts:
    """The values of the expressions the student's function writes and uses (`read_parts`), read once, when first
    asked: whether the code works out a part's derivative right, where a claim places the slip in it."""

    def __init__(self, functions: Mapping[str, ast.FunctionDef], name: str, target: Target):
        self.functions, self.name, self.target = functions, name, target
        self._read: tuple[tuple[Place, sp.Expr], ...] | None = None

    def _parts(self) -> tuple[tuple[Place, sp.Expr], ...]:
        if self._read is None:
            try:
                self._read = read_parts(self.functions, self.name, self.target.parameters, self.target.data)
            except Unreadable:
                self._read = ()
        return self._read

    def vary(self) -> bool:
        """Does the code work with the variable (a part that varies with it reaches the answer), where its answer
        is a constant? `(1 / x) * (2 * x)` does; `return 2` says too little to name how it came."""
        variable = self.target.variable
        return variable is not None and any(
            written.has(variable) and feeds_answer(self.functions, self.name, self.target.parameters, place,
                                                   self.target.data) for place, written in self._parts())

    def holds_derivative_of(self, sampler: _Sampler, part: sp.Expr) -> bool:
        """Does the code work out d/dv `part` right (v the variable) and use it? Only a derivative that varies:
        a constant or the variable itself is written in many places for other reasons."""
        variable = self.target.variable
        if variable is None:
            return False
        right = sp.diff(part, variable)
        if not right.has(variable) or right == variable:
            return False
        return any(written.has(variable) and sampler.equal(written, right)
                   and feeds_answer(self.functions, self.name, self.target.parameters, place, self.target.data)
                   for place, written in self._parts())


def _slip_placed_elsewhere(exercise: Exercise, target: Target, sampler: _Sampler, parts: _Parts | None,
                           unrefuted: set[str]) -> set[str]:
    """The known mistakes whose hint places the slip in the derivative of one part of the function (`slip_in`)
    that the student's code works out right and uses: the answer's value came from a slip elsewhere (the product
    rule's + written − beside a right v' has the value of v' with its minus lost)."""
    placed = set()
    for misconception in exercise.misconceptions:
        if misconception.slip_in and misconception.name in unrefuted and parts is not None:
            try:
                part = read_expression(misconception.slip_in, {str(s): s for s in target.parameters})
            except Unreadable:
                continue
            if parts.holds_derivative_of(sampler, part):
                placed.add(misconception.name)
    return placed


def _same_shape(student: Value, target: Target) -> bool:
    allowed = set(target.parameters) | _moment_symbols(target)
    if isinstance(target.reference, tuple):
        return isinstance(student, tuple) and len(student) == len(target.reference) and all(
            isinstance(item, sp.Expr) and item.free_symbols <= allowed for item in student)
    return isinstance(student, sp.Expr) and student.free_symbols <= allowed


def _moment_symbols(target: Target) -> set[sp.Symbol]:
    if target.data is None:
        return set()
    return {moment_symbol(p, q) for p in range(5) for q in range(5) if p + q <= 4}


# ----- equality by evaluation at random points ---------------------------------------------------------------


@cache
def _samples(target_key: str) -> dict[sp.Symbol, np.ndarray]:
    """Random values of every symbol a formula of this target may hold; moments from real random data sets."""
    target = targets()[target_key]
    rng = np.random.default_rng(20240610)
    if target.data is None:
        return {symbol: rng.uniform(-2.7, 2.7, SAMPLES) for symbol in target.parameters}
    values: dict[sp.Symbol, np.ndarray] = {m_sym: rng.uniform(-2, 3, SAMPLES), c_sym: rng.uniform(-3, 3, SAMPLES)}
    sizes = rng.integers(4, 12, SAMPLES)
    data = [(rng.uniform(-3, 5, size), rng.uniform(-4, 6, size)) for size in sizes]
    for symbol in _moment_symbols(target):
        p, q = _moment_powers(symbol)
        values[symbol] = np.array([np.sum(xs**p * ys**q) for xs, ys in data], dtype=float)
    return values


def _moment_powers(symbol: sp.Symbol) -> tuple[int, int]:
    for p in range(5):
        for q in range(5):
            if moment_symbol(p, q) == symbol:
                return p, q
    raise ValueError(symbol)


_SAMPLED: dict[tuple[str, sp.Expr], np.ndarray] = {}  # an expression's values at a target's random points
_SAMPLED_LIMIT = 2_000


class _Sampler:
    """Evaluates expressions of one target at its random points (NumPy, no simplification)."""

    def __init__(self, target_key: str):
        self.target_key = target_key
        self.values = _samples(target_key)
        self.symbols = list(self.values)

    def __call__(self, expr: sp.Expr) -> np.ndarray:
        key = (self.target_key, expr)
        if key not in _SAMPLED:  # the reference and its parts come back in every student's analysis
            function = sp.lambdify(self.symbols, expr, modules="numpy")
            with np.errstate(all="ignore"):
                result = function(*(self.values[symbol] for symbol in self.symbols))
            if len(_SAMPLED) >= _SAMPLED_LIMIT:
                _SAMPLED.clear()
            _SAMPLED[key] = np.broadcast_to(np.asarray(result, dtype=complex), (SAMPLES,)).astype(complex)
        return _SAMPLED[key].copy()

    def equal(self, a: sp.Expr, b: sp.Expr) -> bool:
        va, vb = self(a), self(b)
        usable = np.isfinite(va) & np.isfinite(vb)
        if usable.sum() < SAMPLES // 3:
            return False
        scale = 1.0 + np.maximum(np.abs(va[usable]), np.abs(vb[usable]))
        return bool(np.all(np.abs(va[usable] - vb[usable]) <= RELATIVE * scale))

    def constant_ratio(self, a: sp.Expr, b: sp.Expr) -> float | None:
        va, vb = self(a), self(b)
        usable = np.isfinite(va) & np.isfinite(vb) & (np.abs(vb) > 1e-6)
        if usable.sum() < SAMPLES // 3:
            return None
        ratios = va[usable] / vb[usable]
        k = ratios[0]
        if abs(k.imag) > 1e-12 or not np.all(np.abs(ratios - k) <= RELATIVE * (1 + abs(k))):
            return None
        return float(k.real)


# ----- classification ------------------------------------------------------------------------------------

APPROXIMATION = 1e-2  # how close a difference quotient comes to the derivative, relative to 1 + |f'|


def _difference_quotient(exercise: Exercise, target: Target, function: ast.FunctionDef,
                         student: Value) -> Finding | None:
    """A derivative approximated, not worked out: the code calls the function it differentiates at a shifted
    point (`f_poly(x + h)`), and the formula it reads as is close to the derivative everywhere (a small h brings
    it within rounding of it, and the exercise's tolerance still tells them apart). Both facts are needed: a call
    at another point alone may be right (σ(−x) in σ'), closeness alone may be a rounded coefficient."""
    name = target.differentiated_name
    if not name or not isinstance(student, sp.Expr):
        return None
    own = [parameter.arg for parameter in function.args.args]
    shifted = next((node for node in ast.walk(function) if isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name) and node.func.id == name
                    and [ast.unparse(argument) for argument in node.args] != own), None)
    if shifted is None or not isinstance(target.reference, sp.Expr):
        return None
    sampler = _Sampler(exercise.key)
    student_values, right = sampler(student), sampler(target.reference)
    usable = np.isfinite(student_values) & np.isfinite(right)
    if usable.sum() < SAMPLES // 2:
        return None
    if not np.all(np.abs(student_values[usable] - right[usable]) <= APPROXIMATION * (1 + np.abs(right[usable]))):
        return None
    listed = _listed_mistakes(exercise, target)
    refuted = _refuted(sampler, student, listed)
    if len(refuted) < len(listed):  # the formula is a listed mistake: that one is named
        return None
    return Finding("formula: difference quotient",
                   f"read from your code, {exercise.function} evaluates {name} at a shifted point "
                   f"(`{ast.unparse(shifted)}`): a difference quotient, a numerical approximation of the derivative "
                   "that is close but never exact (its error shrinks with h but does not vanish). The exercise asks "
                   f"for the exact derivative: work out the formula of {name}'s derivative by the rules of "
                   "differentiation and return its value", frozenset(refuted | {FACTOR_CLAIM}))


def _calls_differentiated(target: Target, function: ast.FunctionDef) -> bool:
    """Does the student's function call the function it differentiates (`sigmoid(x)` in `dsigmoid`)? Its answer
    is then built from that function's values, not from its formula worked through by the rules of
    differentiation: a rule misapplied inside that formula (a power not lowered, an inner derivative left out)
    is not how it was made, even where the result is the same formula (1 − σ(x), the logarithmic derivative, is
    1/(1 + e^(−x)) differentiated with its power kept)."""
    name = target.differentiated_name
    return bool(name) and any(isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name
                              for node in ast.walk(function))


def _classify(exercise: Exercise, target: Target, student: Value, written: tuple[sp.Expr, ...] = (),
              rules_worked: bool = True, parts: _Parts | None = None) -> Finding:
    sampler = _Sampler(exercise.key)
    listed = _listed_mistakes(exercise, target)
    if isinstance(target.reference, tuple):
        assert isinstance(student, tuple)
        if all(sampler.equal(s, r) for s, r in zip(student, target.reference, strict=True)):
            return _equal_finding(listed, "your formulas")
    elif sampler.equal(student, target.reference):  # type: ignore[arg-type]
        return _equal_finding(listed, "your formula")
    refuted = _refuted(sampler, student, listed)
    for name, value in listed:
        if name not in refuted and not _cause_shown(sampler, student, value, target.reference):
            refuted.add(name)  # its formula, not its cause: the constant factor below says what is certain
    read = {name for name, _ in listed}
    withheld = [m for m in exercise.misconceptions if m.name not in read and m.form]
    if withheld:  # a bundle: the withheld body's form stands in for it
        own = form_digest(student)
        refuted |= {m.name for m in withheld if m.form != own}
    refuted |= _slip_placed_elsewhere(exercise, target, sampler, parts,
                                      {m.name for m in exercise.misconceptions} - refuted)
    for name, _ in listed:
        if name not in refuted:
            hint = next(m.hint for m in exercise.misconceptions if m.name == name)
            return Finding(name, f"{hint} (read from your code, your formula is exactly this mistake)",
                           frozenset(refuted))
    if isinstance(target.reference, tuple):
        assert isinstance(student, tuple)
        found = _classify_components(sampler, target, student, frozenset(refuted))
    else:
        assert isinstance(student, sp.Expr)
        found = _classify_expression(sampler, target, student, frozenset(refuted), written=written,
                                     rules_worked=rules_worked, parts=parts)
    if found.says_something:
        return found
    if (again := _differentiated_again(sampler, target, student, found.refuted)) is not None:
        return again
    shown = ", ".join(formula(item) for item in student) if isinstance(student, tuple) else formula(student)
    if len(shown) > MAX_SHOWN_CHARS:
        return found
    what = f"your formulas are ({shown})" if isinstance(student, tuple) else f"your formula is {shown}"
    return Finding("", f"read from your code, {what}, which differs from the right one: no single term or constant "
                   f"factor was found to explain the difference{target.notation}", found.refuted)


def _differentiated_again(sampler: _Sampler, target: Target, student: Value,
                          refuted: frozenset[str]) -> Finding | None:
    """A derivative's formula that is the right one differentiated once more (f'' for f'; for a partial derivative
    ∂²g/∂x² or the mixed ∂²g/∂x∂y, with respect to any of its variables): one differentiation too many."""
    if target.differentiated is None or target.variable is None or not isinstance(student, sp.Expr) \
            or not isinstance(target.reference, sp.Expr):
        return None
    for variable in target.parameters:
        again = sp.diff(target.reference, variable)
        if again != 0 and sampler.equal(student, again) and not sampler.equal(again, target.reference):
            by = "" if len(target.parameters) == 1 else f" with respect to {variable}"
            kind = "a second derivative" if variable == target.variable else "a mixed second derivative"
            return Finding("formula: differentiated twice", f"your formula is the right one differentiated once more"
                           f"{by} ({kind}): the answer is the first derivative, one differentiation", refuted)
    return None


def _refuted(sampler: _Sampler, student: Value, listed: Sequence[tuple[str, Value]]) -> set[str]:
    """The listed mistakes the student's formula is proven not to be."""
    return {name for name, value in listed if not _equal_values(sampler, student, value)}


def _cause_shown(sampler: _Sampler, student: Value, cause: Value, right: Value) -> bool:
    """Whether a cause whose formula the student's equals can be named as what they did. A cause that changes
    the right formula by a constant factor (a sign, a factor 2) has the formula of every other slip giving that
    factor: σ(x)·(σ(x) − 1) is −σ'(x) like the dropped inner derivative of −x, with no e^(−x) differentiated.
    Such a cause is named only where the code reads as its own formula, unexpanded; any other cause changes the
    formula's shape, and equal values name it."""
    return student == cause or not _scales_right(sampler, cause, right)


def _scales_right(sampler: _Sampler, cause: Value, right: Value) -> bool:
    """Whether a cause's formula is the right one times a constant (each component, for a tuple of them)."""
    pairs = list(zip(cause, right, strict=True)) if isinstance(cause, tuple) and isinstance(right, tuple) \
        else [(cause, right)] if not isinstance(cause, tuple) and not isinstance(right, tuple) else []
    return bool(pairs) and all(sampler.constant_ratio(c, r) is not None for c, r in pairs)


def form_digest(value: Value) -> str:
    """A digest of a formula's unexpanded form as the reader gives it (SymPy's automatic evaluation only): equal
    for σ·(1 − σ)·(−1) and −σ·(1 − σ), not for σ·(σ − 1)."""
    shown = "|".join(sp.srepr(part) for part in value) if isinstance(value, tuple) else sp.srepr(value)
    return hashlib.sha256(shown.encode()).hexdigest()[:16]


def cause_forms(exercise: Exercise) -> dict[str, str]:
    """The form digest of each listed mistake of a formula exercise that is named only by its form (those that
    change the right formula by a constant factor, `_cause_shown`), for a bundle that withholds their bodies."""
    target = targets().get(exercise.key)
    if target is None:
        return {}
    sampler = _Sampler(exercise.key)
    return {name: form_digest(value) for name, value in _listed_mistakes(exercise, target)
            if _scales_right(sampler, value, target.reference)}


def _equal_values(sampler: _Sampler, a: Value, b: Value) -> bool:
    if isinstance(a, tuple) or isinstance(b, tuple):
        return isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b) and all(
            sampler.equal(p, q) for p, q in zip(a, b, strict=True))
    return sampler.equal(a, b)


def _equal_finding(listed: Sequence[tuple[str, Value]], subject: str) -> Finding:
    return Finding("", f"read from your code, {subject} equal the right ones: what goes wrong is how they are "
                   "computed (the types of the values, rounding, or how the result is returned)"
                   if subject.endswith("s") else
                   f"read from your code, {subject} equals the right one: what goes wrong is how it is computed "
                   "(the types of the values, rounding, or how the result is returned)",
                   frozenset({name for name, _ in listed} | {FACTOR_CLAIM}))


@cache
def _listed_mistakes_cached(exercise: Exercise) -> tuple[tuple[str, Value], ...]:
    target = targets()[exercise.key]
    read = []
    for misconception in exercise.misconceptions:
        try:
            functions = parse_module(kit.variant_source(exercise.module, exercise.function, misconception.body))
            value = read_function(functions, exercise.function, target.parameters, target.data)
        except (Unreadable, kit.KitMissing, OSError, KeyError, ValueError, TypeError):
            continue
        read.append((misconception.name, value))
    return tuple(read)


def _listed_mistakes(exercise: Exercise, target: Target) -> tuple[tuple[str, Value], ...]:
    """The curriculum's known mistakes of this exercise that read as formulas (kit code, read the same way)."""
    return _listed_mistakes_cached(exercise)


def _classify_expression(sampler: _Sampler, target: Target, student: sp.Expr, refuted: frozenset[str],
                         subject: str = "your answer", reference: sp.Expr | None = None,
                         written: tuple[sp.Expr, ...] = (), rules_worked: bool = True,
                         parts: _Parts | None = None) -> Finding:
    """`rules_worked`: may the answer be a derivative worked out by the rules (one misapplied is then said)? A
    rule misapplied at a node whose derivative the code works out right and uses (`parts`) is not said."""
    right = target.reference if reference is None else reference
    assert isinstance(right, sp.Expr)
    if rules_worked and target.differentiated is not None and target.variable is not None:
        for fault in derivative_faults(target.differentiated, target.variable, target.parameters):
            if (fault.derivative.has(target.variable) or (parts is not None and parts.vary()))  \
                    and sampler.equal(student, fault.derivative) \
                    and not sampler.equal(fault.derivative, right) \
                    and _cause_shown(sampler, student, fault.derivative, right) \
                    and not (fault.node is not None and parts is not None
                             and parts.holds_derivative_of(sampler, fault.node)):
                return Finding(fault.name, fault.hint, refuted)
        misread = [fault for fault in misread_faults(target.differentiated, target.variable, target.parameters)
                   if sampler.equal(student, fault.derivative) and not sampler.equal(fault.derivative, right)
                   and _cause_shown(sampler, student, fault.derivative, right)]
        if len(misread) == 1:  # two readings that give one formula: the code does not say which
            return Finding(misread[0].name, misread[0].hint, refuted)
    k = sampler.constant_ratio(student, right)
    if k == 0:  # the formula is 0: no shape of the right one is in it, so no factor and no term can be said
        return Finding("", "", refuted | {FACTOR_CLAIM})
    if k is not None:
        return _factor_finding(sampler, student, right, k, refuted - {FACTOR_CLAIM}, subject)
    refuted = refuted | {FACTOR_CLAIM}
    ratio = _simple_ratio(student, right)
    if ratio is not None:
        return _ratio_finding(target, ratio, subject, refuted)
    return _term_finding(student, right, refuted, subject, target.notation, written)


def _ratio_finding(target: Target, ratio: sp.Expr, subject: str, refuted: frozenset[str]) -> Finding:
    """`subject` is `ratio` times the right one; a ratio of the number of points alone (1/n, 1/(n − 1)) is a
    division by it, which a gradient of a sum never has."""
    count = moment_symbol(0, 0)
    divided = ""
    if ratio.has(count) and not ratio.has(*_moment_symbols(target) - {count}):
        divisor = sp.cancel(1 / ratio)  # said only where the ratio is one division by a count: 1/(2n) is a mean and
        # a factor 2 lost, −1/n a mean and a sign, which the factor alone shows (red team round 50, 01 and 02)
        if _is_count(divisor):
            divided = f" (a division by {formula(divisor)}: the SSE is a sum, so its gradient is a sum too, not a mean)"
    return Finding("formula: a factor", f"{subject} is {formula(ratio)} times the right one{divided}", refuted)


def _factor_finding(sampler: _Sampler, student: sp.Expr, right: sp.Expr, k: float, refuted: frozenset[str],
                    subject: str) -> Finding:
    exact = _exact_number(k)
    shown = formula(exact) if exact is not None and sampler.equal(student, exact * right) else f"{k:.6g}"
    if exact == -1:
        return Finding("formula: sign", f"{subject} is the negative of the right one: check each sign (the derivative "
                       "of an inner function, a minus in front of a term)", refuted)
    return Finding("formula: constant factor", f"{subject} is {shown} times the right one: the shape of the "
                   "formula is right, a constant factor is off", refuted)


@cache
def _exact_candidates() -> tuple[sp.Expr, ...]:
    """Small fractions, and small fractions of log(10), log(2) and π (a log in the wrong base, a stray π)."""
    fractions = {sp.Rational(p, q) for p in range(-12, 13) for q in range(1, 13) if p}
    scaled = {f * c for f in fractions if abs(f.p) <= 4 and f.q <= 4
              for c in (sp.log(10), 1 / sp.log(10), sp.log(2), 1 / sp.log(2), sp.pi, 1 / sp.pi)}
    return tuple(sorted(fractions, key=lambda f: (f.q, abs(f.p)))) + tuple(sorted(scaled, key=sp.default_sort_key))


def _exact_number(k: float) -> sp.Expr | None:
    """The simple exact number k is, if any."""
    return next((c for c in _exact_candidates() if abs(float(c) - k) <= 1e-9 * max(1.0, abs(k))), None)


def _simple_ratio(student: sp.Expr, right: sp.Expr) -> sp.Expr | None:
    """student/right when it cancels to a monomial (x, 1/n, 2x, …), where a count of the points may be off by a
    few (1/(n − 1)): a power or a count too many or too few."""
    if not (is_small(student, 120) and is_small(right, 120)):
        return None
    ratio = sp.cancel(sp.together(student / right))
    factors = sp.Mul.make_args(ratio)
    monomial = all(f.is_Number or f.is_Symbol or (f.is_Pow and f.exp.is_Integer and (
        f.base.is_Symbol or (abs(f.exp) == 1 and _is_count(f.base)))) or _is_count(f) for f in factors)
    return ratio if monomial and is_small(ratio, 10) and ratio.free_symbols else None


def _is_count(expr: sp.Expr) -> bool:
    """The number of points, or it off by a few: n, n − 1, n − 2, n + 1."""
    count = moment_symbol(0, 0)
    offset = sp.expand(expr - count)
    return expr.free_symbols == {count} and offset.is_Integer and abs(int(offset)) <= 3


def _term_finding(student: sp.Expr, right: sp.Expr, refuted: frozenset[str], subject: str,
                  notation: str, written: tuple[sp.Expr, ...] = ()) -> Finding:
    """The difference term by term, where the reference is a sum of terms: terms missing, with the wrong sign or
    factor, one term replaced by another, or extra terms (not where every one of three or more terms differs: that
    is another formula, not slips in its terms). Anything else is not classified. A right term the student wrote
    as it is (`written`) is never said to have the wrong sign or factor: the difference there is another written
    term that SymPy combined with it (`4*x*3 - 6*x` is 6x), so it is an extra term."""
    if not (is_small(student, 150) and is_small(right, 150)):
        return Finding("", "", refuted)
    reference_terms = sp.Add.make_args(sp.expand(right))
    difference = sp.Add.make_args(sp.expand(student - right))
    if len(reference_terms) < 2 or len(difference) > MAX_SHOWN_TERMS \
            or not all(is_small(term, 40) for term in difference):
        return Finding("", "", refuted)
    matched = [(term, _matching_term(term, reference_terms)) for term in difference]
    matched = [(term, None if match is not None and match[1] != -1 and match[0] in written else match)
               for term, match in matched]
    extra = [term for term, match in matched if match is None]
    known = [match for _, match in matched if match is not None]
    if extra and known:
        missing = [t for t, k in known if k == -1]
        if len(extra) == 1 and len(known) == 1 and missing and formula(extra[0]) != formula(missing[0]):
            return Finding("formula: a term replaced", f"{subject} has {formula(extra[0])} where the right one has "
                           f"{formula(missing[0])}{notation}", refuted)
        return Finding("", "", refuted)
    if extra:
        if len(extra) > 2:
            return Finding("", "", refuted)
        terms = " and ".join(formula(term) for term in extra)
        return Finding("formula: extra term", f"{subject} has the extra term{'s' if len(extra) > 1 else ''} "
                       f"{terms}{notation}", refuted)
    if len(reference_terms) > 2 and len({reference_term for reference_term, _ in known}) == len(reference_terms):
        return Finding("", "", refuted)  # every one of three or more terms changed: another formula, not slips
    statements, kinds = [], []
    for reference_term, k in known:
        if k == -1:
            statements.append(f"misses the term {formula(reference_term)}")
            kinds.append("missing term")
        elif k == -2:
            statements.append(f"has the term {formula(reference_term)} with the wrong sign")
            kinds.append("sign of a term")
        else:
            statements.append(f"has {formula((1 + k) * reference_term)} where the right one has "
                              f"{formula(reference_term)}")
            kinds.append("a term's factor")
    return Finding(f"formula: {kinds[0]}", f"{subject} " + "; it ".join(statements) + notation, refuted)


def _matching_term(term: sp.Expr, reference_terms: Sequence[sp.Expr]) -> tuple[sp.Expr, sp.Expr] | None:
    for reference_term in reference_terms:
        k = term / reference_term
        if k.is_Number and k != 0:
            return reference_term, k
    return None


def _classify_components(sampler: _Sampler, target: Target, student: tuple, refuted: frozenset[str]) -> Finding:
    reference = target.reference
    assert isinstance(reference, tuple)
    names = target.component_names
    if len(student) == 2 and sampler.equal(student[0], reference[1]) and sampler.equal(student[1], reference[0]):
        return Finding("formula: outputs swapped", f"your {names[0]} and {names[1]} are swapped: return them in "
                       f"the order ({names[0]}, {names[1]})", refuted | {FACTOR_CLAIM})
    simple = [_simple_ratio(s, r) for s, r in zip(student, reference, strict=True)]
    if simple[0] is not None and all(ratio == simple[0] for ratio in simple):  # one factor, say once: 1/(n − 1)
        return _ratio_finding(target, simple[0], "each of your partials", refuted | {FACTOR_CLAIM})
    parts, kinds = [], []
    ratios = [sampler.constant_ratio(s, r) for s, r in zip(student, reference, strict=True)]
    if all(k is not None for k in ratios) and len({round(k, 9) for k in ratios if k is not None}) == 1 \
            and ratios[0] != 0:
        k = ratios[0]
        assert k is not None
        both = _factor_finding(sampler, student[0], reference[0], k, refuted - {FACTOR_CLAIM}, "each of your partials")
        return Finding(both.name, both.hint, both.refuted)
    for name, s, r in zip(names, student, reference, strict=True):
        if sampler.equal(s, r):
            parts.append(f"your {name} is right")
            continue
        finding = _classify_expression(sampler, target, s, refuted, f"your {name}", r)
        if not finding.says_something:
            parts.append(f"your {name} differs from the right one: no single term or constant factor was found to "
                         "explain the difference")
            kinds.append("")
        else:
            parts.append(finding.hint.removesuffix(target.notation))
            kinds.append(finding.name)
    named = [kind for kind in kinds if kind]
    if not named:
        return Finding("", "", refuted | {FACTOR_CLAIM})
    return Finding(named[0], "; ".join(parts) + target.notation, refuted | {FACTOR_CLAIM})


# ----- derivatives with one generic rule misapplied ------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    name: str
    hint: str
    derivative: sp.Expr
    node: sp.Expr | None = None  # where the rule is misapplied (None: the derivative of another variable)


def derivative_faults(function: sp.Expr, variable: sp.Symbol, parameters: Sequence[sp.Symbol]) -> list[Fault]:
    return list(_derivative_faults(function, variable, tuple(parameters)))


@cache
def _derivative_faults(function: sp.Expr, variable: sp.Symbol, parameters: tuple[sp.Symbol, ...]) -> tuple[Fault, ...]:
    """The derivative of `function` with each generic rule misapplied at each node where it applies, and the
    derivative with respect to each other variable: every way one step of differentiating can go wrong."""
    faults = []
    for other in parameters:
        if other != variable:
            faults.append(Fault("formula: derivative of the wrong variable",
                                f"this is the derivative with respect to {other}: hold {other} fixed and vary "
                                f"{variable}", sp.diff(function, other)))
    chains = []  # (composition, inner function, its derivative), for the inner derivatives that can be missed
    for node in dict.fromkeys(sp.preorder_traversal(function)):
        if not isinstance(node, sp.Expr) or not node.has(variable):
            continue
        inner = _inner(node, variable)
        if inner is not None:
            argument, derivative = inner
            if derivative not in (1, -1):  # an inner derivative −1 missing is a sign lost anywhere along the chain:
                # the answer's opposite sign cannot say where (a minus written for it and one lost outside look alike)
                chains.append((node, argument, derivative))
                faults.append(Fault("formula: missing inner derivative",
                                    f"the chain rule: d/d{variable} {formula(node)} needs the inner derivative "
                                    f"{formula(derivative)} of {formula(argument)}, which your answer leaves out",
                                    _derive(function, variable, ("inner", node)), node))
            faults.append(Fault("formula: outer derivative at the variable",
                                f"the chain rule takes the outer function's derivative at the inner function "
                                f"{formula(argument)}, not at {variable}: d/d{variable} {formula(node)} = "
                                f"{formula(sp.diff(node, variable))}",
                                _derive(function, variable, ("outer", node)), node))
        if isinstance(node, sp.Pow) and node.base.has(variable) and node.exp.is_Number and node.exp not in (0, 1):
            faults.append(Fault("formula: power not lowered",
                                f"the power rule lowers the power by one: d/d{variable} {formula(node)} = "
                                f"{formula(sp.diff(node, variable))}; your answer keeps the power "
                                f"{formula(node.exp)}"
                                + (" (its denominator is not squared)" if node.exp == -1 else ""),
                                _derive(function, variable, ("power", node)), node))
        if isinstance(node, sp.Mul):
            varying = [factor for factor in node.args if factor.has(variable)]
            if len(varying) >= 2:
                for index, factor in enumerate(varying):
                    term = _product_term(node, variable, index)
                    faults.append(Fault("formula: product rule term missing",
                                        f"your answer misses the term {formula(term)} that the product rule gives "
                                        f"for the factor {formula(factor)}: (u·v)' = u'·v + u·v'",
                                        _derive(function, variable, ("drop", node, index)), node))
                faults.append(Fault("formula: product of derivatives",
                                    "the derivative of a product is not the product of the derivatives: "
                                    f"(u·v)' = u'·v + u·v' for {formula(node)}",
                                    _derive(function, variable, ("product", node)), node))
    for (first, first_inner, first_derivative), (second, second_inner, second_derivative) in \
            itertools.combinations(chains, 2):  # the chain rule left out at two places: only the outer derivatives
        faults.append(Fault("formula: missing inner derivative",
                            f"the chain rule: d/d{variable} {formula(first)} needs the inner derivative "
                            f"{formula(first_derivative)} of {formula(first_inner)}, and d/d{variable} "
                            f"{formula(second)} the inner derivative {formula(second_derivative)} of "
                            f"{formula(second_inner)}; your answer leaves out both",
                            _derive(function, variable, ("inner", first, second))))
    return tuple(faults)


MISREAD = "formula: the function read otherwise"


def misread_faults(function: sp.Expr, variable: sp.Symbol, parameters: Sequence[sp.Symbol]) -> tuple[Fault, ...]:
    return _misread_faults(function, variable, len(parameters) > 1)


@cache
def _misread_faults(function: sp.Expr, variable: sp.Symbol, partial: bool) -> tuple[Fault, ...]:
    """The derivative, worked out right, of `function` with its written notation read otherwise at one place: a
    coefficient taken out of a function's argument or into it (sin 3x as 3·sin x, e^(−x²/2) as e^(−x²)/2) or left
    out of it (e^(−x²/2) as e^(−x²), a source's Gaussian without its ½), a
    product in an argument split (sin(x·y) as sin(x)·y), a coefficient or a sign under a power or out of it (3x² as
    (3x)², −x² as (−x)²), a power over a sum's last term or over the whole sum (1 + x² as (1 + x)²), a function's
    power on its value or on its argument (σ²(x) as σ(x²)). Each differs from `function` (and from a constant
    times it): the answer is then the derivative of another function than the one asked for."""
    faults: list[Fault] = []
    seen = {sp.expand(function)}
    for node in dict.fromkeys(sp.preorder_traversal(function)):
        if not isinstance(node, sp.Expr) or not node.has(variable):
            continue
        for written, read_as in _readings(node, variable):
            misread = function.xreplace({node: read_as})
            if misread.has(sp.zoo, sp.nan) or not misread.has(variable):
                continue
            expanded = sp.expand(misread)
            if expanded in seen or not sp.powsimp(sp.cancel(misread / function)).has(variable):
                continue  # another place's reading, or the function times a constant (a factor, said otherwise)
            seen.add(expanded)
            derivative = f"∂/∂{variable}" if partial else "the derivative"
            faults.append(Fault(MISREAD, f"your formula is exactly {derivative} of {formula(misread)}, as if "
                                f"{formula(node)} were read as {formula(written)}: the rules are applied right, to "
                                f"another function than {formula(function)}", sp.diff(misread, variable), node))
    return tuple(faults)


def _readings(node: sp.Expr, variable: sp.Symbol) -> list[tuple[sp.Expr, sp.Expr]]:
    """The other readings of one place of written notation (see `_misread_faults`): (the reading, as written, for
    the text; the reading, evaluated). Powers are a written superscript only: a positive integer from 2."""
    def superscript(exponent: sp.Expr) -> bool:
        return exponent.is_Integer and exponent >= 2

    readings: list[sp.Expr] = []
    if isinstance(node, sp.Function) and len(node.args) == 1:
        argument = node.args[0]
        coefficient, rest = argument.as_coeff_Mul()
        if coefficient not in (1, -1) and rest.has(variable):  # sin(3x) as 3·sin(x); e^(−x²/2) as e^(−x²)/2
            readings.append(sp.Mul(abs(coefficient), node.func(sp.sign(coefficient) * rest), evaluate=False))
            readings.append(node.func(sp.sign(coefficient) * rest))  # or left out: e^(−x²/2) as e^(−x²)
        factors = [factor for factor in sp.Mul.make_args(rest) if not factor.is_Number]
        if len(factors) >= 2:  # sin(x·y) as sin(x)·y
            for index, factor in enumerate(factors):
                kept = coefficient * sp.Mul(*[f for j, f in enumerate(factors) if j != index])
                readings.append(sp.Mul(node.func(kept), factor, evaluate=False))
        if isinstance(argument, sp.Pow) and superscript(argument.exp):  # σ(x²) for σ(x)²
            readings.append(sp.Pow(node.func(argument.base), argument.exp, evaluate=False))
    if isinstance(node, sp.Pow) and superscript(node.exp):
        base = node.base
        if isinstance(base, sp.Function) and len(base.args) == 1:  # σ(x)² as σ(x²)
            readings.append(base.func(sp.Pow(base.args[0], node.exp, evaluate=False)))
        coefficient, rest = base.as_coeff_Mul()
        if coefficient != 1 and rest.has(variable):  # (3x)² as 3x²
            readings.append(sp.Mul(coefficient, sp.Pow(rest, node.exp, evaluate=False), evaluate=False))
        if isinstance(base, sp.Add) and len(base.args) == 2:  # (1 + x)² as 1 + x²
            constant, varying = sorted(base.args, key=lambda term: term.has(variable))
            if not constant.has(variable):
                readings.append(sp.Add(constant, sp.Pow(varying, node.exp, evaluate=False), evaluate=False))
    if isinstance(node, sp.Mul):
        for index, factor in enumerate(node.args):  # 3x², −x², x²·y as (3x)², (−x)², (x·y)²
            if isinstance(factor, sp.Pow) and superscript(factor.exp) and factor.base.has(variable):
                others = [f for j, f in enumerate(node.args) if j != index]
                readings.append(sp.Pow(sp.Mul(*others, factor.base), factor.exp, evaluate=False))
    if isinstance(node, sp.Add) and len(node.args) == 2:
        constant, varying = sorted(node.args, key=lambda term: term.has(variable))
        if not constant.has(variable) and isinstance(varying, sp.Pow) and superscript(varying.exp):
            readings.append(sp.Pow(constant + varying.base, varying.exp, evaluate=False))  # 1 + x² as (1 + x)²
    return [(reading, reading.doit()) for reading in readings if reading.doit() != node]


def _inner(node: sp.Expr, variable: sp.Symbol) -> tuple[sp.Expr, sp.Expr] | None:
    """(inner function, its derivative) of a composition f(u) or uⁿ whose inner function is not the variable."""
    if isinstance(node, sp.Pow) and node.exp.is_Number and node.base != variable and node.base.has(variable):
        return node.base, sp.diff(node.base, variable)
    if isinstance(node, sp.Function) and len(node.args) == 1 and node.args[0] != variable:
        return node.args[0], sp.diff(node.args[0], variable)
    return None


def _product_term(node: sp.Mul, variable: sp.Symbol, index: int) -> sp.Expr:
    constant = sp.Mul(*[factor for factor in node.args if not factor.has(variable)])
    varying = [factor for factor in node.args if factor.has(variable)]
    others = sp.Mul(*[factor for j, factor in enumerate(varying) if j != index])
    return constant * others * sp.diff(varying[index], variable)


def _derive(expr: sp.Expr, variable: sp.Symbol, fault: tuple) -> sp.Expr:
    """d expr / d variable by the textbook rules, with the one `fault` applied at its node."""
    if not expr.has(variable):
        return sp.Integer(0)
    if expr == variable:
        return sp.Integer(1)
    if isinstance(expr, sp.Add):
        return sp.Add(*[_derive(term, variable, fault) for term in expr.args])
    if isinstance(expr, sp.Mul):
        constant = sp.Mul(*[factor for factor in expr.args if not factor.has(variable)])
        varying = [factor for factor in expr.args if factor.has(variable)]
        derivatives = [_derive(factor, variable, fault) for factor in varying]
        if fault[0] == "product" and fault[1] == expr:
            return constant * sp.Mul(*derivatives)
        terms = [sp.Mul(*[f for j, f in enumerate(varying) if j != i]) * derivatives[i] for i in range(len(varying))
                 if not (fault[0] == "drop" and fault[1] == expr and fault[2] == i)]
        return constant * sp.Add(*terms)
    if isinstance(expr, sp.Pow) and expr.exp.is_Number:
        exponent = expr.exp + 1 if fault[0] == "power" and fault[1] == expr else expr.exp
        outer = expr.exp * expr.base ** (exponent - 1)
        return _with_inner(outer, expr, variable, fault)
    if isinstance(expr, sp.Function) and len(expr.args) == 1:
        t = sp.Dummy("t")
        outer = sp.diff(expr.func(t), t).subs(t, expr.args[0])
        return _with_inner(outer, expr, variable, fault)
    return sp.diff(expr, variable)


def _with_inner(outer: sp.Expr, expr: sp.Expr, variable: sp.Symbol, fault: tuple) -> sp.Expr:
    argument = expr.base if isinstance(expr, sp.Pow) else expr.args[0]
    inner = _derive(argument, variable, fault)
    if fault[0] == "inner" and expr in fault[1:]:
        return outer
    if fault[0] == "outer" and fault[1] == expr:
        return outer.subs(argument, variable) * inner  # the outer derivative taken at the variable
    return outer * inner
