"""Messages for two audiences: the student (the call, what came back, what was expected for a
public check, a hint) and the instructor (where an expected value came from, grader faults,
sandbox events). Pure string building from plain values.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from grader.plain import Given, Unsupported
from grader.terminal import shown


def show(value: Any) -> str:
    """A short, readable rendering of a plain value."""
    if isinstance(value, Given):
        from grader import given  # SymPy: only where a function of the grader's is shown

        try:
            base = given.lookup(value.name).description or value.name.rsplit(".", 1)[-1]
        except KeyError:  # not one of the grader's functions
            return f"<function {value.name[:80]!r}>"
        return f"d/dx[{base}]" if value.name.endswith("'") else base
    if isinstance(value, np.ndarray):
        return "array(" + np.array2string(value, precision=6, separator=", ", threshold=12, edgeitems=3) + ")"
    if isinstance(value, float | np.floating):
        return f"{float(value):.10g}"
    if isinstance(value, tuple):
        if len(value) > 12:
            return "(" + ", ".join(show(item) for item in value[:3]) + ", …)"
        return "(" + ", ".join(show(item) for item in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, list):
        if len(value) > 12:
            return "[" + ", ".join(show(item) for item in value[:3]) + ", …]"
        return "[" + ", ".join(show(item) for item in value) + "]"
    if isinstance(value, Unsupported):
        return f"<{value.type_name}: {value.detail}>"
    if isinstance(value, str) and len(value) > 200:
        return repr(value[:200]) + f"… ({len(value)} characters)"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**20:
        digits = len(str(abs(value)))
        return f"{str(value)[:8]}… (an integer of {digits} digits)"
    return repr(value)


def show_call(function: str, signature_of: Callable[..., Any] | inspect.Signature | None, args: tuple,
              kwargs: dict) -> str:
    """`sse(m=1.5, c=-0.3, x=array([...]), y=array([...]))`, naming every argument when the signature is known."""
    if signature_of is not None:
        try:
            signature = signature_of if isinstance(signature_of, inspect.Signature) else inspect.signature(signature_of)
            bound = signature.bind(*args, **kwargs)
            return f"{function}(" + ", ".join(f"{k}={show(v)}" for k, v in bound.arguments.items()) + ")"
        except TypeError:
            pass
    parts = [show(a) for a in args] + [f"{k}={show(v)}" for k, v in kwargs.items()]
    return f"{function}(" + ", ".join(parts) + ")"


def student_message(*, call: str | None, returned: Any = None, expected: Any = None, problem: str,
                    hint: str = "", output: str = "") -> str:
    """The student's feedback for one failed check; `call` and `expected` are None for hidden checks."""
    lines = []
    if call is not None:
        lines += fenced("call:     ", call, every_line=False)
    if returned is not None:
        lines += fenced("returned: ", show(returned), every_line=False)
    if expected is not None:
        lines += fenced("expected: ", show(expected), every_line=False)
    lines += fenced("problem:  ", problem, every_line=False)
    if hint:  # it may quote the student's source (a repair's edit, a formula read from the code)
        lines += fenced("hint:     ", hint, every_line=False)
    if output.strip():
        printed = output.strip()
        lines += fenced("printed:  ", printed if len(printed) < 300 else printed[:300] + " …", every_line=True)
    return "\n".join(lines)


def fenced(label: str, text: str, *, every_line: bool) -> list[str]:
    """`text` (which may hold what the student's code printed, raised or returned, or quote its source) as lines of
    one field: control, format and bidirectional characters written as escapes (no cursor moved, no line erased,
    nothing hidden or reordered), and every line after the first indented, or labelled too (`every_line`), so that
    none can pass for a line of the grader's. Every field of a student message is written through it."""
    rest = label if every_line else " " * len(label)
    return [(label if index == 0 else rest) + shown(line) for index, line in enumerate(text.split("\n"))]
