"""A fragment of a student's code in the course's notation: `x - np.mean(x)` as x − x̄, `np.exp(-x**2 / 2)` as
e^(−x²/2), `np.sum(x * r)` as Σ(x·r).

A repair hint quotes the student's own text; beside it, the same change in the notation of the course's
formulas links the code to the mathematics it stands for. Read from the syntax tree only (never executed), for a
small set of nodes: numbers, names, arithmetic, the elementary functions of NumPy and `math`, means and sums of
a name; anything else gives None, and the hint quotes the code alone.
"""

from __future__ import annotations

import ast

_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_ELEMENTARY = {"sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sinh", "cosh", "arctan", "abs", "absolute"}
_LIBRARIES = {"np", "numpy", "math"}
_BAR = "\u0304"  # a combining macron: x̄
MAX_CHARS = 400  # a longer fragment is quoted as code only
# Binding strength: a weaker operand of a stronger operator is parenthesised.
_SUM, _PRODUCT, _UNARY, _POWER, _ATOM = 1, 2, 3, 4, 5


def in_notation(code: str) -> str | None:
    """The expression `code` in the course's notation, or None where it holds anything outside the small set
    this reads (or where the notation would only repeat the code)."""
    text = _rendered(code)
    return None if text is None or _plain(text) == _plain(code) else text


def change_in_notation(before: str, after: str) -> str | None:
    """"x − x̄ to x": a change of one expression for another in the course's notation, where both can be read
    and the notation says more than the code (None otherwise)."""
    shown_before, shown_after = _rendered(before), _rendered(after)
    if shown_before is None or shown_after is None:
        return None
    if _plain(shown_before) == _plain(before) and _plain(shown_after) == _plain(after):
        return None
    return f"{shown_before} to {shown_after}"


def _rendered(code: str) -> str | None:
    if len(code) > MAX_CHARS:
        return None
    try:
        tree = ast.parse(code.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    try:
        return _show(tree.body)[0]
    except (_Unreadable, RecursionError):
        return None


class _Unreadable(Exception):
    """A node outside the notation's small set."""


def _plain(text: str) -> str:
    return "".join(text.split()).replace("**", "^").replace("*", "·").replace("-", "−")


def _show(node: ast.expr) -> tuple[str, int]:
    """The node's text and its binding strength."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        text = repr(node.value)
        return (text.replace("-", "−"), _UNARY if node.value < 0 else _ATOM)
    if isinstance(node, ast.Name):
        return node.id, _ATOM
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        operand, strength = _show(node.operand)
        return "−" + _wrapped(operand, strength, _POWER), _UNARY
    if isinstance(node, ast.BinOp):
        return _binary(node)
    if isinstance(node, ast.Call):
        return _call(node)
    raise _Unreadable


def _wrapped(text: str, strength: int, needed: int) -> str:
    return f"({text})" if strength < needed else text


def _binary(node: ast.BinOp) -> tuple[str, int]:
    left, left_strength = _show(node.left)
    right, right_strength = _show(node.right)
    if isinstance(node.op, ast.Add | ast.Sub):
        sign = " + " if isinstance(node.op, ast.Add) else " − "
        right = _wrapped(right, right_strength, _PRODUCT)
        return left + sign + (f"({right})" if right.startswith("−") else right), _SUM
    if isinstance(node.op, ast.Mult):
        left, right = _wrapped(left, left_strength, _PRODUCT), _wrapped(right, right_strength, _POWER)
        numeral = isinstance(node.left, ast.Constant) or (isinstance(node.left, ast.UnaryOp)
                                                          and isinstance(node.left.operand, ast.Constant))
        joined = left + right if numeral and (right[:1].isalpha() or right[:1] == "(") else f"{left}·{right}"
        return joined, _PRODUCT
    if isinstance(node.op, ast.Div):
        return f"{_wrapped(left, left_strength, _PRODUCT)}/{_wrapped(right, right_strength, _POWER)}", _PRODUCT
    if isinstance(node.op, ast.Pow):
        base = _wrapped(left, left_strength, _ATOM)
        exponent = node.right
        if isinstance(exponent, ast.Constant) and isinstance(exponent.value, int) and not isinstance(exponent.value,
                                                                                                    bool):
            return base + str(exponent.value).translate(_SUPERSCRIPTS), _POWER
        return f"{base}^({right})", _POWER
    raise _Unreadable


def _call(node: ast.Call) -> tuple[str, int]:
    name = _function_name(node)
    if node.keywords or name is None:
        raise _Unreadable
    if name in ("mean", "sum") and not node.args and isinstance(node.func, ast.Attribute):  # x.mean(), x.sum()
        argument = node.func.value
    elif len(node.args) == 1:
        argument = node.args[0]
    else:
        raise _Unreadable
    if name == "mean":
        if not isinstance(argument, ast.Name) or len(argument.id) != 1:
            raise _Unreadable
        return argument.id + _BAR, _ATOM
    inner, strength = _show(argument)
    if name == "sum":
        return ("Σ" + inner if strength == _ATOM else f"Σ({inner})"), _POWER
    if name == "exp":
        return f"e^({inner})", _POWER
    if name in ("abs", "absolute"):
        return f"|{inner}|", _ATOM
    if name == "sqrt":
        return f"√({inner})", _ATOM
    if name == "log":
        return f"ln({inner})", _ATOM
    return f"{name}({inner})", _ATOM


def _function_name(node: ast.Call) -> str | None:
    """The elementary function a call names (`np.sin`, `math.exp`, `abs`, `x.mean`), or None."""
    func = node.func
    if isinstance(func, ast.Attribute):
        if isinstance(func.value, ast.Name) and func.value.id in _LIBRARIES and (func.attr in _ELEMENTARY
                                                                                  or func.attr in ("mean", "sum")):
            return func.attr
        if func.attr in ("mean", "sum") and isinstance(func.value, ast.Name) and func.value.id not in _LIBRARIES:
            return func.attr
        return None
    if isinstance(func, ast.Name) and func.id in ("abs", "sum"):
        return func.id
    return None
