"""Derivatives worked out by hand: during such an exercise's calls, nothing else can work them out.

Methods that find a derivative without the calculus give its values to the last bit, or within the kit's tolerance,
so values alone cannot tell them from a formula: a complex step, `imag(f(x + 1e-30j)) / 1e-30`; a dual number (a class
whose arithmetic carries the derivative); SymPy symbols passed through the given function; an interpolant of the
given function differentiated (NumPy's Chebyshev series), a Richardson extrapolation or a fit of samples around x.
Each of them evaluates the function it differentiates somewhere other than at the real input itself, which a
derivative worked out by hand never needs. For the duration of such a call (`Exercise.by_hand`):

- every function the submission's modules define (`f_poly`, `sigmoid`, `neuron_loss`, a helper of the student's
  own), and every one of the grader's own copies of the given functions that the child holds to pass to student code
  (`child.GIVEN`: reached through `sys.modules`, or kept from an earlier call's arguments), refuses what could
  carry a derivative through its arithmetic: a complex number or array, an array that is not a plain real one, an
  object of any other type that defines arithmetic (a dual number, a SymPy symbol), with a TypeError that says why
  (a namedtuple or a dataclass of numbers, an iterator, a function pass); and so is a call of a function whose own
  code writes a complex number (`1e-30j`);
- the function the answer is the slope of (`Exercise.differentiates`: `f_poly` for `df_poly`; the module's, the
  grader's copy of it, any function whose code was written under its name, and any a module binds to its name) may
  be called with numbers only, and evaluated only at the call's input's points, each coordinate or its negative
  (σ(x)·σ(−x) is a formula), every parameter's value checked, defaults too (one of the student's adding may only be
  None), and run with copies of what was checked: anywhere else (x ± h, a Chebyshev node) it raises a ValueError that
  says why, so a numerical method through it fails and is told what it did; a function whose code would make it
  anew (a factory) refuses to run.

The guard runs beside the student's code, so it looks up nothing at run time that plain code can rebind (NumPy's
functions, `types`, the builtins): it binds them when the template loads it.

The function objects themselves are changed (their code swapped for a stand-in that checks the arguments and calls a
copy of the original), so every name bound to one is guarded, an alias taken at import included. Once swapped, a
function keeps its stand-in for the child's life: between two calls the stand-in refuses to run at all, so code of
the student's that runs there (a finaliser, a `__del__`, a method the child's own reading of an object runs) can
call none of the module's functions, nor the grader's given ones: their original code is reached only through the
interpreter's reflection, which the parent notes. A guard beside the student's code, not a wall: what it keeps (the
copies it calls, the guard itself in the module's globals) is reachable by code that reaches into the interpreter,
which the parent notes for the instructor from the source (`reflection.py`: a reading of names is no wall, the score
stands); nor does it stop a numerical method applied to a copy of the function the student writes (its formula
inline) or a polynomial fitted to the values seen at several calls' inputs (README, "What is left").
"""

from __future__ import annotations

import builtins
import functools
import gc
import types
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

# The guard runs in the child beside the student's code, so at run time it looks up nothing that plain code of the
# student's can rebind: an attribute of a module the student imports (`np.isin = ...` made every point one of the
# input's, red team round 42, 01; `dataclasses.types`, `dataclasses.builtins` and `dataclasses.inspect` are such
# modules under another name, with no name the parent notes). What it uses is bound here, when the template loads
# it, before any submission: NumPy's functions and types (compiled ones, whose own lookups no module attribute
# changes), `types`' and `gc`'s, and a copy of the builtins, which every function below looks its builtins up in.
# `inspect` is not used: its functions are Python code, looking up helpers the student could rebind.
__builtins__ = dict(vars(builtins))  # noqa: A001 - the guard's own builtins, a copy the student's code cannot reach
FunctionType, CodeType, MethodType = types.FunctionType, types.CodeType, types.MethodType
ModuleType = types.ModuleType
get_objects = gc.get_objects
ndarray, complexfloating, numpy_dtype = np.ndarray, np.complexfloating, np.dtype
asarray, absolute, broadcast = np.asarray, np.absolute, np.broadcast
CO_VARARGS, CO_VARKEYWORDS = 0x04, 0x08  # a code object's flags: `*args`, `**kwargs`

GUARD_NAME = "__calcgrade_real_numbers_only__"  # the global through which a stand-in reaches `RealNumbersOnly`
INPUT, REFUSED = "input", "refused"  # a guarded function held at the input, or refused outright
ELSEWHERE = "elsewhere"  # a function another derivative worked out by hand differentiates: refused outright
MAKES = "makes"  # a function whose code makes one held at the input or refused elsewhere anew: refused outright
MAX_DEPTH = 4  # lists within lists looked into


def refusal(what: str) -> str:
    """The message of the exception: what was seen, and why it is refused."""
    return (f"{what}: this exercise asks for the derivative worked out by hand, as a formula; during its checks the "
            "functions of your module compute with real numbers only, and the function you differentiate only at "
            "the input itself (a difference quotient, a complex step, a dual number or any other numerical method "
            "would work the derivative out for you)")


# Exactly these types (never a subclass, nor a class that says it is one): real numbers and text. Not a `Decimal`,
# a `Fraction` or NumPy's long double: more precise than a float, they carry a difference quotient through steps
# that round away when the point is read as a float (x ± 1e-400 in `Decimal` arithmetic, read at x), so a
# difference through the differentiated function passed as one at the input (red team round 32, 05)
REAL_SCALARS = frozenset({type(None), bool, int, float, str, bytes,
                          *(np.dtype(code).type for code in "?bBhHiIlLqQefd")})
# What lets an object carry a derivative through a function's arithmetic (a dual number, an array that is not one).
COMPUTES = ("__add__", "__radd__", "__mul__", "__rmul__", "__pow__", "__array_ufunc__", "__array_function__")
CONTAINERS = (list, tuple, set, frozenset, dict)


def _not_real(value: Any, depth: int = 0) -> str:
    """What in an argument could carry a derivative ("" if nothing): a complex number or array, an array that is not
    a plain real one, an object of any other type that computes (defines arithmetic). A namedtuple or a dataclass of
    real numbers, an iterator, a function pass."""
    kind = type(value)
    if kind in REAL_SCALARS:
        return ""
    if isinstance(value, complex | complexfloating):
        return "a complex number"
    if kind is ndarray:
        if value.dtype.kind == "f" and value.dtype.itemsize > 8:
            return f"an array of dtype {value.dtype}, more precise than a float"
        return "" if value.dtype.kind in "biufUS" else \
            "a complex array" if value.dtype.kind == "c" else f"an array of dtype {value.dtype}"
    if isinstance(value, CONTAINERS) and not _own_arithmetic(kind):
        if depth < MAX_DEPTH:
            for item in value.values() if isinstance(value, dict) else value:
                if what := _not_real(item, depth + 1):
                    return what
        return ""
    if isinstance(value, numpy_dtype):  # `dtype * n` repeats a field; a dtype holds no number
        return ""
    if isinstance(value, ndarray) or any(hasattr(kind, name) for name in COMPUTES):
        return f"an object of type `{kind.__name__}`, which computes"
    return ""


def _own_arithmetic(kind: type) -> bool:
    """A container type that defines arithmetic of its own (a list whose `*` is not repetition)."""
    return any(name in vars(cls) for cls in kind.__mro__ if cls not in (*CONTAINERS, object) for name in COMPUTES)


def _real_numbers(value: Any, depth: int = 0) -> bool:
    """Numbers only: a real scalar, a real array, or lists and tuples of them (what a given function is called with)."""
    kind = type(value)
    if kind in REAL_SCALARS:
        return kind not in (str, bytes, type(None))
    if kind is ndarray:
        return value.dtype.kind in "biu" or (value.dtype.kind == "f" and value.dtype.itemsize <= 8)
    return kind in (list, tuple) and depth < MAX_DEPTH and all(_real_numbers(item, depth + 1) for item in value)


class InputOnly:
    """The function the answer is the slope of (`name`), evaluated only where a formula needs it: with numbers only,
    at the input's points, each coordinate as the input has it there or negated (σ(x)·σ(−x) is a formula; for
    `g(x, y)` on arrays, the pairs (xᵢ, yᵢ) and not (xᵢ, yⱼ): a grid of the input's values would fit the function
    there); `nowhere`: not at all (a polynomial, whose values at a few points, an array's entries or a few calls'
    inputs, determine it and so its derivative: the power rule needs none of them). Sizes are compared as Python
    floats, in sets (a NaN is at no point). `alike`: other functions, by name, that evaluate it under other names and
    arguments (the SSE on a grid: `error_surface`), held the same way."""

    def __init__(self, name: str, args: tuple[Any, ...], nowhere: bool = False, alike: tuple[str, ...] = ()):
        self.name = name
        self.names = frozenset((name, *alike))  # every function held so
        self.nowhere = nowhere
        self.allowed: list[set[float]] = []  # each argument's sizes
        for value in args:
            if not _real_numbers(value):
                break
            self.allowed.append(set(absolute(asarray(value, dtype=float)).ravel().tolist()))
        # the input's points, each a tuple of its coordinates' sizes, where it has two arguments or more that
        # broadcast together
        self.points = _points(args[:len(self.allowed)]) if len(self.allowed) > 1 else None

    def check(self, bound: tuple[Any, ...], name: str = "") -> None:
        """Raise where an argument is not numbers, or holds a point away from the input's (any point: `nowhere`).
        An argument beyond the call's own (a parameter of the student's adding, its default too) is None only: one
        that held one of the input's own values moved the point inside the function (`def sse(m, c, x, y, dm=None)`
        evaluated at m + dm: a difference of the SSE, exact for a quadratic, red team round 62, 03). `name`: the
        function called (the differentiated one by default)."""
        name = name or self.name
        if self.nowhere:
            raise ValueError(refusal(f"`{name}` was evaluated: it is a polynomial, whose values at a few points "
                                     "give its derivative; the power rule needs none of them"))
        for index, argument in enumerate(bound):
            if index >= len(self.allowed):
                if argument is not None:
                    raise ValueError(refusal(f"`{name}` was called with a value for a parameter the exercise does "
                                             f"not give it (its argument {index + 1}): it may only be None, or the "
                                             "value would move the point inside the function"))
                continue
            if not _real_numbers(argument):
                raise TypeError(refusal(f"`{name}` was called with an object of type "
                                        f"`{type(argument).__name__}`, not numbers"))
            allowed = self.allowed[index]
            for value in asarray(argument, dtype=float).ravel().tolist():
                if abs(value) not in allowed:
                    raise ValueError(refusal(f"`{name}` was evaluated at {value:.10g}, away from the input"))
        own = bound[:len(self.allowed)]
        if self.points is None or len(own) < 2:
            return
        called = _points(own)
        if called is None:
            raise ValueError(refusal(f"`{name}` was called with arguments whose shapes do not go together"))
        if not called <= self.points:
            raise ValueError(refusal(f"`{name}` was evaluated at a point whose coordinates each come from the "
                                     "input, but not from the same one of its points"))


def _points(args: tuple[Any, ...]) -> set[tuple[float, ...]] | None:
    """The points of arguments that broadcast together, each a tuple of its coordinates' sizes (their signs are
    free: a formula may negate any of them); None where they do not broadcast."""
    try:
        together = broadcast(*(absolute(asarray(value, dtype=float)) for value in args))
    except ValueError:
        return None
    return {tuple(float(coordinate) for coordinate in point) for point in together}


def _copied(value: Any, depth: int = 0) -> Any:
    """An argument of the differentiated function as it runs with it: an array copied, a list or a tuple rebuilt of
    copies (numbers and None are kept: they cannot change)."""
    kind = type(value)
    if kind is ndarray:
        return value.copy()
    if kind in (list, tuple) and depth < MAX_DEPTH:
        return kind(_copied(item, depth + 1) for item in value)
    return value


def _parameter_values(function: FunctionType, args: tuple[Any, ...],
                      kwargs: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]] | None:
    """Every parameter's value in a call of `function`, defaults filled in, as `inspect.Signature.bind` and
    `apply_defaults` give them (positional ones, then `*args`; keyword-only ones, then `**kwargs`), read from its code
    and defaults (`inspect` is Python code the student's could change); None where the call does not fit them (the
    function raises that itself)."""
    code, defaults, keyword_defaults = function.__code__, function.__defaults__ or (), function.__kwdefaults__ or {}
    positional = code.co_varnames[:code.co_argcount]
    keyword_only = code.co_varnames[code.co_argcount:code.co_argcount + code.co_kwonlyargcount]
    if len(args) > len(positional) and not code.co_flags & CO_VARARGS:
        return None
    keywords = dict(kwargs)
    values = list(args[:len(positional)])
    first_default = len(positional) - len(defaults)
    for index, name in enumerate(positional):
        by_keyword = index >= code.co_posonlyargcount and name in keywords
        if index < len(args):
            if by_keyword:
                return None  # given twice
        elif by_keyword:
            values.append(keywords.pop(name))
        elif index >= first_default:
            values.append(defaults[index - first_default])
        else:
            return None
    named = {}
    for name in keyword_only:
        if name in keywords:
            named[name] = keywords.pop(name)
        elif name in keyword_defaults:
            named[name] = keyword_defaults[name]
        else:
            return None
    if keywords and not code.co_flags & CO_VARKEYWORDS:
        return None
    return (*values, *args[len(positional):]), {**named, **keywords}


@functools.cache
def complex_constant(code: CodeType, depth: int = 0) -> complex | None:
    """A complex number written in `code` or in a function or lambda defined within it (`1e-30j`), if any."""
    for constant in code.co_consts:
        if isinstance(constant, complex):
            return constant
        if isinstance(constant, CodeType) and depth < MAX_DEPTH:
            if (found := complex_constant(constant, depth + 1)) is not None:
                return found
    return None


@functools.cache
def nested_code(code: CodeType, depth: int = 0) -> frozenset[CodeType]:
    """The code of every function, lambda or class body defined within `code`, however deep (what calling it may
    make anew)."""
    found: set[CodeType] = set()
    for constant in code.co_consts:
        if type(constant) is CodeType and depth < 2 * MAX_DEPTH:
            found.add(constant)
            found |= nested_code(constant, depth + 1)
    return frozenset(found)


@functools.cache
def _stand_in_code(key: int, free: int, name: str, qualname: str) -> CodeType:
    """Code that hands a function's arguments to the guard under `key`: `free` free variables, as the original's
    (a function's code can only be swapped for code with the same number), named like it in a traceback. Made
    once per function in a child (a submission's by-hand calls see the same functions in the same order), from a
    code compiled once per number of free variables, its key a constant put in place (no compiling per function)."""
    code = _stand_in_template(free)
    constants = tuple(key if type(constant) is int and constant == _KEY_PLACEHOLDER else constant
                      for constant in code.co_consts)
    return code.replace(co_consts=constants, co_name=name, co_qualname=qualname)


_KEY_PLACEHOLDER = -7_019_117  # the constant a template's key is written as: no other constant of its code


@functools.cache
def _stand_in_template(free: int) -> CodeType:
    """The stand-in's code for `free` free variables, its key `_KEY_PLACEHOLDER`."""
    names = [f"_free_{index}" for index in range(free)]
    lines = ["def _outer():"]
    if names:
        lines.append(f"    {', '.join(names)} = {', '.join(['None'] * free)}")
    lines.append("    def stand_in(*args, **kwargs):")
    if names:
        lines.append(f"        if False: ({', '.join(names)},)")
    lines += [f"        return {GUARD_NAME}({_KEY_PLACEHOLDER}, args, kwargs)", "    return stand_in"]
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), "<real numbers only>", "exec"), namespace)  # noqa: S102 - the grader's own code
    return namespace["_outer"]().__code__


# Everything a guard of a by-hand call held, kept for the child's life (see `RealNumbersOnly.__exit__`).
KEPT_UNTIL_THE_END: list[Any] = []
# The original code of every function a guard swapped, by the function's id (the function kept beside it): the
# stand-in stays in place between calls, and the next call's guard copies the original again.
_ORIGINAL_CODE: dict[int, tuple[FunctionType, CodeType]] = {}


def original_code(function: FunctionType) -> CodeType:
    """A function's own code, where a guard swapped it for a stand-in."""
    kept = _ORIGINAL_CODE.get(id(function))
    return kept[1] if kept is not None and kept[0] is function else function.__code__


def _between_calls(key: int, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """What a swapped function does between two by-hand calls: refuse to run."""
    raise TypeError(refusal("a function of your module, or one the grader gives, was called between two calls of "
                            "the checks (by code of yours that runs there: a finaliser, a method of an object the "
                            "grader reads)"))


_HELD_ELSEWHERE: dict[frozenset[str], list[FunctionType]] = {}


def _held_elsewhere(files: frozenset[str]) -> list[FunctionType]:
    """Every function of the submission's files the interpreter holds, wherever (in a tuple, a partial, a default
    argument, a closure): looked for once, at the first guard of the child (no code of the student's runs between
    calls, and a function whose code makes one a call holds or refuses is itself refused: `MAKES`). A function held
    only there, its module's name bound to something else, ran unswapped (red team round 39, 03). Read by exact type
    only: nothing of the student's runs."""
    if files not in _HELD_ELSEWHERE:
        _HELD_ELSEWHERE[files] = [value for value in get_objects() if type(value) is FunctionType
                                  and original_code(value).co_filename in files]
    return _HELD_ELSEWHERE[files]


def _the_guards(value: Any) -> bool:
    """Is `value` what a guard binds to `GUARD_NAME` (its `check`, or the refusal between calls)?"""
    return value is _between_calls or (type(value) is MethodType and value.__func__ is RealNumbersOnly.check)


def plain_names(namespace: Any) -> bool:
    """Whether every key of a namespace is exactly a `str`: a lookup in it then runs no code of the student's (a key
    of another type whose hash matches would have its `__eq__` run, red team round 38, 01)."""
    return type(namespace) is dict and all(type(key) is str for key in list(namespace))


class RealNumbersOnly:
    """A context in which every function defined by the submission's `modules` (source files `files`) refuses
    arguments that could carry a derivative, and the function `input_only` names (in `module`, the exercise's, and a
    function of that name in any other module: the kit gives `sigmoid` in two) refuses points away from the call's
    input; the grader's own given functions (`given`) refuse to run at all, but the copy of the differentiated one
    (at the input only) and those the call itself passes (`passed`): a derivative worked out by hand needs none of
    the functions other exercises are given (a probe's derivative is the answer under a change of variable, a
    function of a point the differentiated one under another name). The functions the other derivatives worked out by
    hand differentiate (`elsewhere`: their names, and the code reached from what the modules bind to them) refuse to
    run too: a call of `df_poly` tabled `f_wave`'s slopes for `df_wave`'s call to read. On leaving it, each name has
    its value again, and each function keeps its stand-in, which refuses to run until the next call's guard."""

    def __init__(self, modules: Iterable[ModuleType], files: Iterable[str],
                 module: ModuleType | None = None, input_only: InputOnly | None = None,
                 given: Mapping[str, Any] | None = None, passed: Iterable[Any] = (),
                 elsewhere: tuple[frozenset[str], frozenset[CodeType]] = (frozenset(), frozenset())):
        self.modules = tuple(modules)
        self.elsewhere_names, self.elsewhere_code = elsewhere
        self.files = frozenset(files)
        self.module, self.input_only = module, input_only
        # the grader's own copies of the given functions (`child.GIVEN`, by "module.name"): guarded alike, the one of
        # the differentiated function at the input only, wherever student code reached or kept them
        self.given = dict(given or {})
        self.passed = frozenset(id(value) for value in passed if callable(value))
        self.swapped: list[tuple[FunctionType, dict[str, Any]]] = []  # each function, and its namespace
        self.copies: dict[int, tuple[FunctionType, str, complex | None, str]] = {}  # role: INPUT, REFUSED
        self.rebound: tuple[Any, Any] | None = None  # (the name's value, the wrapper bound instead)

    def _functions(self) -> list[FunctionType]:
        """The functions to guard, known by their exact type: `isinstance` reads an object's `__class__`, which a
        class of the student's can make a property, run before any code is swapped (red team round 37, 03)."""
        found: dict[int, FunctionType] = {}
        for module in self.modules:
            for value in list(vars(module).values()):
                if type(value) is FunctionType and original_code(value).co_filename in self.files:
                    found.setdefault(id(value), value)
        for value in _held_elsewhere(self.files):
            found.setdefault(id(value), value)
        for value in self.given.values():
            if type(value) is FunctionType:
                found.setdefault(id(value), value)
        return list(found.values())

    def _given_target(self) -> Any:
        """The grader's copy of the differentiated function ("derivatives.f_poly" for `f_poly` in derivatives). The
        module's name as an exact `str`: a subclass's `__format__` would run (red team round 38, 09)."""
        if self.module is None or self.input_only is None:
            return None
        return self.given.get(f"{str.__str__(self.module.__name__)}.{self.input_only.name}")

    def check(self, key: int, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        original, name, written, role = self.copies[key]
        if role == REFUSED:
            raise TypeError(refusal(f"`{name}`, a function the grader gives another exercise, was called"))
        if role == ELSEWHERE:
            raise TypeError(refusal(f"`{name}`, a function another derivative worked out by hand differentiates, "
                                    "was called"))
        if role == MAKES:
            raise TypeError(refusal(f"`{name}`, whose code makes anew a function these checks hold at the input or "
                                    "refuse (one made during the call would not be held), was called"))
        if written is not None:
            raise TypeError(refusal(f"`{name}` computes with the complex number {written!r}"))
        for value in (*args, *kwargs.values()):
            if what := _not_real(value):
                raise TypeError(refusal(f"`{name}` was called with {what}"))
        if role == INPUT:
            args, kwargs = self._at_input(original, args, kwargs, name)
        return original(*args, **kwargs)

    def _at_input(self, function: Any, args: tuple[Any, ...], kwargs: dict[str, Any],
                  name: str = "") -> tuple[tuple[Any, ...], dict[str, Any]]:
        """The call's arguments, every parameter's value filled in, once checked at the input."""
        assert self.input_only is not None
        if any(type(key) is not str for key in kwargs):  # a `str` subclass's `__eq__` would run in the lookups
            raise TypeError(refusal(f"`{name or self.input_only.name}` was called with a keyword that is not text"))
        if type(function) is FunctionType:
            filled = _parameter_values(function, args, kwargs)
            if filled is None:  # a call its parameters refuse: the function raises it itself
                return args, kwargs
            # every parameter's value, its default too: a parameter the given function does not have (`def f_wave(x,
            # at=None)`) carried a point the check never saw (red team round 39, 02), and so did a default of the
            # student's, an array written between calls (`def f_wave(x=_AT)` called as `f_wave()`: round 41, 01)
            args, kwargs = filled
        # what is checked is what the function runs with: copies, which no code of the student's holds (a property
        # of an object bound to `np`, run at the formula's first `np.sin`, wrote x ± h into the array just checked:
        # red team round 42, 03 and 05); a callable object (a partial) with its arguments as they are
        args, kwargs = tuple(_copied(value) for value in args), {key: _copied(value) for key, value in kwargs.items()}
        self.input_only.check((*args, *kwargs.values()), name)
        return args, kwargs

    def __enter__(self) -> RealNumbersOnly:
        if not all(plain_names(vars(module)) for module in self.modules):
            raise TypeError(refusal("a module's namespace holds a name that is not text"))
        target = vars(self.module).get(self.input_only.name) if self.module is not None and self.input_only else None
        given_target = self._given_target()
        givens = {id(value) for value in self.given.values()}
        # a function with the differentiated function's own code is that function, whatever its name (its
        # `__code__` copied to a helper, by `functools.update_wrapper` or by hand: red team round 38, 03), and so is
        # one whose code was written under its name, whatever its `__name__` became (round 42, 04)
        target_code = original_code(target) if type(target) is FunctionType else None
        # and so is a function any module binds to a held name, whatever its `def` called it (`sse =
        # _total_squared_error`, `error_surface = _grid`: red team round 62, 01)
        held_code = {original_code(value) for module in self.modules for name in (
            self.input_only.names if self.input_only is not None else ()) if type(value := vars(module).get(name))
            is FunctionType and original_code(value).co_filename in self.files} | (
            {target_code} if target_code is not None else set())
        # a function whose code would make one of those anew is refused: made during the call, it would run unheld
        # (`sse = _make_sse()` at load, `linear_model._make_sse()` called in the answer: round 62, 05), as is one
        # that would make one the other derivatives worked out by hand differentiate. Known by its code, not its
        # name: a helper of the same name nested in the answer (`def sigmoid(z)` inside `dsigmoid`) is the
        # student's formula written inline, as a numerical method on it is (README, "What is left")
        made_refused = held_code | self.elsewhere_code
        functions = self._functions()
        namespaces = {id(function.__globals__): (function, function.__globals__) for function in functions}
        for function, namespace in namespaces.values():  # each once, before anything is swapped
            if not plain_names(namespace):
                raise TypeError(refusal(f"the namespace of `{str.__str__(function.__name__)}` holds a name that is "
                                        "not text"))
            bound = namespace.get(GUARD_NAME)
            if bound is not None and not _the_guards(bound):
                KEPT_UNTIL_THE_END.append(bound)  # replaced, it could run a finaliser (red team round 39, 05)
                raise TypeError(refusal(f"your code binds `{GUARD_NAME}`, the grader's own name"))
        for key, function in enumerate(functions):
            code, namespace = original_code(function), function.__globals__
            name = str.__str__(function.__name__)  # an exact `str`: a subclass's `__eq__` would run (round 38, 04)
            copy = FunctionType(code, namespace, name, function.__defaults__, function.__closure__)
            copy.__kwdefaults__ = function.__kwdefaults__
            if function is target or (given_target is not None and function is given_target) or (
                    self.input_only is not None and id(function) not in givens
                    and (name in self.input_only.names or code.co_name in self.input_only.names
                         or code in held_code)):
                role = INPUT
            elif id(function) in givens and id(function) not in self.passed:
                role = REFUSED
            elif name in self.elsewhere_names or code in self.elsewhere_code:
                role = ELSEWHERE
            elif not made_refused.isdisjoint(nested_code(code)):
                role = MAKES
            else:
                role = ""
            self.copies[key] = (copy, name, complex_constant(code), role)
            _ORIGINAL_CODE[id(function)] = (function, code)
            namespace[GUARD_NAME] = self.check
            function.__code__ = _stand_in_code(key, len(code.co_freevars), code.co_name, code.co_qualname)
            self.swapped.append((function, namespace))
        if callable(target) and not any(function is target for function, _ in self.swapped):
            def at_input(*args: Any, **kwargs: Any) -> Any:  # a callable that is no function of the submission's
                self._at_input(target, args, kwargs)
                return target(*args, **kwargs)

            self.rebound = (target, at_input)
            setattr(self.module, self.input_only.name, at_input)  # type: ignore[union-attr]
        return self

    def __exit__(self, *exc: object) -> None:
        for _, namespace in reversed(self.swapped):  # the stand-ins stay, and refuse until the next call
            namespace[GUARD_NAME] = _between_calls
        if self.rebound is not None:
            setattr(self.module, self.input_only.name, self.rebound[0])  # type: ignore[union-attr]
        # What the guard held is kept until the child ends (by `os._exit`, which runs no finaliser): dropped here,
        # the last reference to a function of the student's, or to what its closure holds, would run a
        # `weakref.finalize` callback or a `__del__` with no guard in force (red team round 37, 02)
        KEPT_UNTIL_THE_END.append((tuple(self.swapped), tuple(self.copies.values()), self.rebound))
        self.swapped.clear()
        self.copies.clear()
        self.rebound = None
