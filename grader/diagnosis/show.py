"""Formulas as a student writes them on paper: 3x², −x·sin(3x)·e^(−x²/2), 2x/(x² + 1)."""

from __future__ import annotations

import re

import sympy as sp
from sympy.printing.str import StrPrinter

_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


class _Printer(StrPrinter):
    def _print_exp(self, expr: sp.Expr) -> str:
        return f"e^({self._print(expr.args[0])})"

    def _print_Exp1(self, expr: sp.Expr) -> str:
        return "e"

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        """A power of a sum over the data in parentheses, (Σx)²: written Σx² it reads as the sum of the squares."""
        base, exponent = expr.args
        if isinstance(base, sp.Symbol) and base.name.startswith("Σ") and exponent.is_Integer and exponent != 1:
            return f"({base.name})**{exponent}" if exponent > 0 else f"({base.name})**({exponent})"
        return super()._print_Pow(expr, rational)


_PRINTER = _Printer()


def formula(expr: sp.Basic) -> str:
    """The expression in the course's notation (powers as superscripts, · for products, − for minus)."""
    expr = expr.xreplace({r: sp.Float(r, 6) for r in expr.atoms(sp.Rational) if r.q > 100})  # 0.011997, not a fraction
    text = _PRINTER.doprint(expr)
    text = re.sub(r"\*\*(\d+)", lambda match: match.group(1).translate(_SUPERSCRIPTS), text)
    text = text.replace("**", "^")
    text = re.sub(r"(?<![\w.])(\d+)\*(?=[A-Za-zΣ(])", r"\1", text)  # 3*x -> 3x, 2*(...) -> 2(...)
    text = text.replace("*", "·").replace("-", "−")
    return text
