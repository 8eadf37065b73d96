"""Docstrings and checks agree: every kind of value a check sends is promised by the exercise's docstring.

The convention, read by this test: under "Parameters:", each parameter's description (`name: text`, or
`a, b: text` for several) names every kind of value the checks pass to it, in words a student reads:

    a Python int            "integer" or "an int"      (e.g. "a number: a float, or an integer too")
    a Python float          "float" or "number"
    a list                  "list" or "sequence"
    a tuple                 "tuple" or "sequence"
    a NumPy array           "array" or "sequence", and "integer" too when it holds integers
    one of the grader's functions   "function"
"""

from __future__ import annotations

import inspect
import re

import numpy as np

from grader import kit
from grader.curriculum import EXERCISES
from grader.engine import REFERENCES, plan
from grader.plain import Given

WORDS = {
    "int": ("integer", "an int"),
    "float": ("float", "number"),
    "list": ("list", "sequence"),
    "tuple": ("tuple", "sequence"),
    "array": ("array", "sequence"),
    "integer array": ("integer",),
    "function": ("function",),
}
_PARAMETER = re.compile(r"^ {8}([A-Za-z_][\w, ]*):\s*(.*)$")


def parameter_descriptions(docstring: str) -> dict[str, str]:
    """Each parameter's description under "Parameters:", continuation lines included, in lower case."""
    descriptions: dict[str, str] = {}
    names: list[str] = []
    lines = docstring.splitlines()
    start = next(index for index, line in enumerate(lines) if line.strip() == "Parameters:")
    for line in lines[start + 1:]:
        if line.strip() and not line.startswith(" " * 8):
            break
        if match := _PARAMETER.match(line):
            names = [name.strip() for name in match.group(1).split(",")]
            for name in names:
                descriptions[name] = match.group(2).lower()
        elif line.strip():
            for name in names:
                descriptions[name] += " " + line.strip().lower()
    return descriptions


def kinds(value: object) -> set[str]:
    """The kinds of value a check sends, in the vocabulary of WORDS."""
    if isinstance(value, Given):
        return {"function"}
    if isinstance(value, bool):
        return {"bool"}
    if isinstance(value, int):
        return {"int"}
    if isinstance(value, float):
        return {"float"}
    if isinstance(value, np.ndarray):
        return {"array", "integer array"} if np.issubdtype(value.dtype, np.integer) else {"array"}
    if isinstance(value, list | tuple):
        found = {"list" if isinstance(value, list) else "tuple"}
        items = np.ravel(np.asarray(value, dtype=object))
        if any(isinstance(item, int) and not isinstance(item, bool) for item in items):
            found.add("int")
        return found
    return {type(value).__name__}


def test_every_input_a_check_sends_is_promised_by_the_docstring():
    broken = []
    for exercise in EXERCISES:
        function = getattr(kit.solution_module(exercise.module), exercise.function)
        descriptions = parameter_descriptions(function.__doc__ or "")
        signature = inspect.signature(REFERENCES.solution(exercise.key))
        planned = plan([exercise], hidden=False)
        for student in ("ann", "bob", "cy"):
            planned += [p for p in plan([exercise], hidden=True, course_seed="docs", student=student)
                        if p.visibility == "hidden"]
        for p in planned:
            bound = signature.bind(*p.case.args, **p.case.kwargs)
            for name, value in bound.arguments.items():
                text = descriptions.get(name, "")
                for kind in kinds(value):
                    if not any(word in text for word in WORDS.get(kind, (kind,))):
                        broken.append(f"{exercise.key}: {p.label}: {name} is sent a {kind}, promised: {text!r}")
    assert sorted(set(broken)) == []


def test_the_convention_reads_several_names_and_continuation_lines():
    doc = """Do it.

    Parameters:
        x, y: 1-D arrays of numbers (integers too),
            of equal length.
        f: a function.

    Returns:
        a float.
    """
    described = parameter_descriptions(doc)
    assert described["x"] == described["y"] == "1-d arrays of numbers (integers too), of equal length."
    assert described["f"] == "a function."
