"""Plain data on the wire between the grader and the process that runs student code.

Only JSON crosses the process boundary: numbers, strings, lists, and a few tagged objects
(`$array`, `$tuple`, `$given`, `$unsupported`; `$scalar` and arrays of an exact dtype where a call asks for NumPy's
types kept, see `to_wire`). Nothing is ever unpickled, so a student's
object can never run code in the grader: the parent sees the numbers a value turned into,
never the object itself (an object whose comparison operators lie has nothing to lie to).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

MAX_ELEMENTS = 10_000  # numbers and items in one value, all told (the kit's answers hold a few hundred)
MAX_TEXT = 10_000  # characters of a string value
MAX_DEPTH = 8
MAX_INT_BITS = 4096  # an int beyond every float (2**1024) but well within Python's 4300 digits for int to text
# NumPy's numeric types a value keeps on the wire where asked (`numpy_types`): each computes otherwise with a
# float32 array (NumPy 2 promotes `np.float64(2.0) * float32 array` to float64, `2.0 * float32 array` to float32)
NUMPY_TYPES = frozenset({"bool", "float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
                         "uint16", "uint32", "uint64"})


@dataclass(frozen=True)
class Given:
    """A reference to one of the grader's own functions, passed by name (e.g. `derivatives.f_wave`)."""

    name: str


@dataclass(frozen=True)
class Unsupported:
    """A returned value that is not plain data (e.g. a dict or a custom object), described for feedback."""

    type_name: str
    detail: str

    def __repr__(self) -> str:  # as feedback shows it inside a returned list: <array of dtype object: ...>
        return f"<{self.type_name}: {self.detail}>" if self.detail else f"<{self.type_name}>"


def to_wire(value: Any, depth: int = 0, budget: list[int] | None = None, *, numpy_types: bool = False) -> Any:
    """Turn a Python value into JSON-ready plain data; anything else becomes `$unsupported`.

    A value holds at most MAX_ELEMENTS numbers and items in all (`budget` counts what is left), so no
    answer can grow into a message the grader would have to read for minutes. `numpy_types`: a NumPy scalar
    keeps its type and an array its exact dtype (`np.float64(2.0)` is not sent as `2.0`, nor a float32 array
    as float64): the arguments the parent's reference passes to a student's function in error carried forward,
    which computes with them as the student's own caller did."""
    budget = [MAX_ELEMENTS] if budget is None else budget
    if numpy_types and isinstance(value, np.generic) and value.dtype.name in NUMPY_TYPES:
        return {"$scalar": value.dtype.name, "value": value.item()}
    if depth > MAX_DEPTH:
        return {"$unsupported": "value nested too deeply", "detail": ""}
    if value is None:
        return value
    if isinstance(value, str):  # an exact `str` (`str(value)` gives back a subclass whose `__str__` returns itself)
        return str.__str__(value) if len(value) <= MAX_TEXT else {"$unsupported": "str",
                                                                  "detail": f"{len(value):,} characters"}
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        number = int(value)
        if number.bit_length() > MAX_INT_BITS:  # JSON would refuse its digits (Python's limit for int to text)
            digits = int(number.bit_length() * 0.30103)
            return {"$unsupported": "integer too large for a float", "detail": f"about {digits:,} digits"}
        return number
    if isinstance(value, float | np.floating):
        return float(value)
    if isinstance(value, Given):
        return {"$given": value.name}
    if isinstance(value, np.ndarray):
        budget[0] -= value.size
        if budget[0] < 0:
            return _too_large(f"shape {value.shape}")
        wire = _array_to_wire(value)
        if numpy_types and "$array" in wire and value.dtype.name in NUMPY_TYPES:
            wire["dtype"] = value.dtype.name
        return wire
    if isinstance(value, tuple | list):
        budget[0] -= len(value)
        if budget[0] < 0:
            return _too_large(f"{len(value)} items")
        items = [to_wire(item, depth + 1, budget, numpy_types=numpy_types) for item in value]
        if budget[0] < 0:
            return _too_large("items nested in items")
        return {"$tuple": items} if isinstance(value, tuple) else items
    return {"$unsupported": type(value).__name__, "detail": _short_repr(value)}


def _too_large(detail: str) -> dict[str, str]:
    return {"$unsupported": f"value with more than {MAX_ELEMENTS:,} numbers or items", "detail": detail}


def _array_to_wire(array: np.ndarray) -> Any:
    if array.dtype.kind not in "biuf":
        return {"$unsupported": f"array of dtype {array.dtype}", "detail": _short_repr(array)}
    kind = {"b": "bool", "i": "int", "u": "int", "f": "float"}[array.dtype.kind]
    plain = np.asarray(array).view(np.ndarray)
    data = plain.astype(float).tolist() if kind == "float" else plain.tolist()
    return {"$array": data, "dtype": kind, "shape": list(plain.shape)}


def printable(text: str) -> str:
    """Text that can be written as UTF-8: a lone surrogate (e.g. from `raise ValueError("\\ud800")`)
    becomes its escape sequence instead of failing every file it would be written to."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


MEMORY_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _short_repr(value: object, limit: int = 120) -> str:
    try:
        text = repr(value)
    except Exception as error:  # noqa: BLE001 - a student's __repr__ may raise anything
        text = f"<repr failed: {type(error).__name__}>"
    text = MEMORY_ADDRESS.sub("", text[: 4 * limit])  # `<generator object f at 0x7f…>`: the same text on every run
    return text if len(text) <= limit else text[: limit - 3] + "..."


def from_wire(data: Any, resolve_given: Callable[[str], Any] | None = None, depth: int = 0, *,
              numpy_types: bool = False) -> Any:
    """Rebuild values from plain data; `$given` names are looked up with `resolve_given`.

    Nesting deeper than `to_wire` ever writes comes back as `Unsupported` (only a forged answer has it).
    `numpy_types`: NumPy's scalar types and exact dtypes are rebuilt (the child, reading the parent's arguments);
    otherwise (the parent, reading what the child answered) a number is a Python one and an array float64, int64
    or bool, whatever the child wrote."""
    if depth > MAX_DEPTH + 1 and isinstance(data, list | Mapping):
        return Unsupported("value nested too deeply", "")
    if isinstance(data, list):
        return [from_wire(item, resolve_given, depth + 1, numpy_types=numpy_types) for item in data]
    if not isinstance(data, Mapping):
        return data
    if "$scalar" in data:
        number = data.get("value")
        if not isinstance(number, int | float) or data["$scalar"] not in NUMPY_TYPES:
            return Unsupported("scalar", _short_repr(dict(data)))
        return np.dtype(data["$scalar"]).type(number) if numpy_types else number
    if "$array" in data:
        exact = numpy_types and data.get("dtype") in NUMPY_TYPES
        dtype = np.dtype(data["dtype"]) if exact else \
            {"float": float, "int": np.int64, "bool": bool}.get(data.get("dtype"), float)
        array = np.array(data["$array"], dtype=dtype)
        shape = data.get("shape")
        return array.reshape(shape) if shape is not None and array.size == math.prod(shape) else array
    if "$tuple" in data:
        return tuple(from_wire(item, resolve_given, depth + 1, numpy_types=numpy_types) for item in data["$tuple"])
    if "$given" in data:
        if resolve_given is None:
            return Given(str(data["$given"]))
        return resolve_given(str(data["$given"]))
    if "$unsupported" in data:
        return Unsupported(printable(str(data["$unsupported"])[:120]), printable(str(data.get("detail", ""))[:120]))
    return Unsupported("dict", _short_repr(dict(data)))


def dumps(message: Any) -> bytes:
    """One message, one line (NaN and infinity are kept as JSON's NaN/Infinity tokens)."""
    return json.dumps(message, separators=(",", ":")).encode() + b"\n"


def loads(line: bytes) -> Any:
    return json.loads(line)
