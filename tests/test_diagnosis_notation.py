"""grader.diagnosis.notation: a fragment of code in the course's notation, read from its syntax tree only."""

from __future__ import annotations

import pytest

from grader.diagnosis.notation import change_in_notation, in_notation


@pytest.mark.parametrize(("code", "shown"), [
    ("x - np.mean(x)", "x − x̄"),
    ("y.mean() - m * x.mean()", "y\u0304 − m·x\u0304"),  # a combining macron
    ("np.exp(-x**2 / 2)", "e^(−x²/2)"),
    ("np.exp(-x ** 2) / 2", "e^(−x²)/2"),
    ("-2 * np.sum(x * r)", "−2Σ(x·r)"),
    ("np.sum(x) * np.sum(r)", "Σx·Σr"),
    ("np.sum(r) ** 2", "(Σr)²"),
    ("np.sum((x - x.mean()) ** 2)", "Σ((x − x̄)²)"),
    ("3 * np.cos(3 * x) - x * np.sin(3 * x)", "3cos(3x) − x·sin(3x)"),
    ("1 / (1 + np.exp(-z))", "1/(1 + e^(−z))"),
    ("a - -b", "a − (−b)"),
    ("math.sqrt(x ** 2 + 1)", "√(x² + 1)"),
    ("np.log(x) / x", "ln(x)/x"),
])
def test_an_expression_in_the_course_notation(code, shown):
    assert in_notation(code) == shown


@pytest.mark.parametrize("code", [
    "m * x + c",  # the notation would only repeat the code
    "x",
    "f(x0)",  # a call of anything but an elementary function is not read
    "x[i]",
    "np.mean(x, axis=0)",
    "sum(r ** 2 for r in residuals)",
    "np.mean(x - 1)",  # x̄ is read for a name only
    "import os",
    "(",
])
def test_nothing_is_said_where_the_code_says_as_much_or_cannot_be_read(code):
    assert in_notation(code) is None


def test_a_change_is_shown_where_either_side_says_more_than_the_code():
    assert change_in_notation("x - np.mean(x)", "x") == "x − x̄ to x"
    assert change_in_notation("x * r", "r") is None
    assert change_in_notation("f(x0)", "x0") is None


def test_a_repair_hint_shows_its_change_in_the_course_notation():
    from grader.diagnosis.repair import Edit

    edit = Edit("extra term", "x - np.mean(x)", "x", "an extra term: `np.mean(x)` does not belong")
    assert "changing `x - np.mean(x)` to `x` (in maths: x − x̄ to x) makes" in edit.hint("sse", "every check")


def test_a_hostile_fragment_costs_nothing():
    assert in_notation("-" * 5000 + "x") is None
    assert in_notation("(" * 300 + "x" + ")" * 300) is None
    assert in_notation("1" + " + 1" * 2000) is None
