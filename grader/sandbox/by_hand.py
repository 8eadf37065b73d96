"""Real numbers only, during the calls of an exercise that asks for a derivative worked out by hand.

A complex step, `imag(f(x + 1e-30j)) / 1e-30`, gives f'(x) to the last bit for any function NumPy evaluates, so its
values cannot be told from a formula's; a dual number does the same with a class. Both evaluate the function they
differentiate at numbers that are not real, which a derivative worked out by hand never does. So, for the duration of
such a call (`Exercise.by_hand`), every function the submission's modules define (`f_poly`, `sigmoid`, `neuron_loss`,
a helper of the student's own) refuses a complex number, a complex or object array, or an object of a class the
submission defines, with a TypeError that says why, and the check fails.

The function object itself is changed (its code swapped for a stand-in that checks the arguments and calls a copy of
the original), so every name bound to it is guarded, an alias taken at import included; the original code is put
back after the call. What it does not stop: the same arithmetic written out inline, a copy of the function's formula
stepped with a complex number inside the derivative's own body (README, "What is left").
"""

from __future__ import annotations

import functools
import types
from collections.abc import Iterable
from typing import Any

import numpy as np

GUARD_NAME = "__calcgrade_real_numbers_only__"  # the global through which a stand-in reaches `RealNumbersOnly`
MAX_DEPTH = 4  # lists within lists looked into


def refusal(what: str) -> str:
    """The message of the TypeError: what was seen, and why it is refused."""
    return (f"{what}: in an exercise that asks for a derivative worked out by hand, the functions of your module "
            "compute with real numbers only (a complex step or a dual number would work the derivative out for you)")


def _not_real(value: Any, student_modules: frozenset[str], depth: int = 0) -> str:
    """What in an argument is not made of real numbers ("" if nothing)."""
    if isinstance(value, bool | int | float | np.integer | np.floating | str | None):
        return ""
    if isinstance(value, complex | np.complexfloating):
        return "a complex number"
    if isinstance(value, np.ndarray):
        return {"c": "a complex array", "O": "an array of objects"}.get(value.dtype.kind, "")
    if type(value).__module__ in student_modules:
        return f"an object of your class `{type(value).__name__}`"
    if isinstance(value, list | tuple) and depth < MAX_DEPTH:
        for item in value:
            if what := _not_real(item, student_modules, depth + 1):
                return what
    return ""


@functools.cache
def complex_constant(code: types.CodeType, depth: int = 0) -> complex | None:
    """A complex number written in `code` or in a function or lambda defined within it (`1e-30j`), if any."""
    for constant in code.co_consts:
        if isinstance(constant, complex):
            return constant
        if isinstance(constant, types.CodeType) and depth < MAX_DEPTH:
            if (found := complex_constant(constant, depth + 1)) is not None:
                return found
    return None


@functools.cache
def _stand_in_code(key: int, free: int, name: str, qualname: str) -> types.CodeType:
    """Code that hands a function's arguments to the guard under `key`: `free` free variables, as the original's
    (a function's code can only be swapped for code with the same number), named like it in a traceback. Made
    once per function in a child: a submission's by-hand calls see the same functions in the same order."""
    names = [f"_free_{index}" for index in range(free)]
    lines = ["def _outer():"]
    if names:
        lines.append(f"    {', '.join(names)} = {', '.join(['None'] * free)}")
    lines.append("    def stand_in(*args, **kwargs):")
    if names:
        lines.append(f"        if False: ({', '.join(names)},)")
    lines += [f"        return {GUARD_NAME}({key}, args, kwargs)", "    return stand_in"]
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), "<real numbers only>", "exec"), namespace)  # noqa: S102 - the grader's own code
    return namespace["_outer"]().__code__.replace(co_name=name, co_qualname=qualname)


class RealNumbersOnly:
    """A context in which every function defined by the submission's `modules` (source files `files`) refuses
    arguments that are not real numbers; on leaving it, each function has its own code again."""

    def __init__(self, modules: Iterable[types.ModuleType], files: Iterable[str]):
        self.modules = tuple(modules)
        self.files = frozenset(files)
        self.student_modules = frozenset(module.__name__ for module in self.modules)
        self.swapped: list[tuple[types.FunctionType, types.CodeType, dict[str, Any], bool]] = []
        self.copies: dict[int, tuple[types.FunctionType, str, complex | None]] = {}

    def _functions(self) -> list[types.FunctionType]:
        found: dict[int, types.FunctionType] = {}
        for module in self.modules:
            for value in list(vars(module).values()):
                if isinstance(value, types.FunctionType) and value.__code__.co_filename in self.files:
                    found.setdefault(id(value), value)
        return list(found.values())

    def check(self, key: int, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        original, name, written = self.copies[key]
        if written is not None:
            raise TypeError(refusal(f"`{name}` computes with the complex number {written!r}"))
        for value in (*args, *kwargs.values()):
            if what := _not_real(value, self.student_modules):
                raise TypeError(refusal(f"`{name}` was called with {what}"))
        return original(*args, **kwargs)

    def __enter__(self) -> RealNumbersOnly:
        for key, function in enumerate(self._functions()):
            code, namespace = function.__code__, function.__globals__
            copy = types.FunctionType(code, namespace, function.__name__, function.__defaults__, function.__closure__)
            copy.__kwdefaults__ = function.__kwdefaults__
            self.copies[key] = (copy, function.__name__, complex_constant(code))
            added = GUARD_NAME not in namespace
            namespace[GUARD_NAME] = self.check
            function.__code__ = _stand_in_code(key, len(code.co_freevars), code.co_name, code.co_qualname)
            self.swapped.append((function, code, namespace, added))
        return self

    def __exit__(self, *exc: object) -> None:
        for function, code, namespace, added in reversed(self.swapped):
            function.__code__ = code
            if added:
                namespace.pop(GUARD_NAME, None)
        self.swapped.clear()
        self.copies.clear()
