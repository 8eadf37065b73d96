"""The pure comparison core: the tolerance rule, accepted forms, and what never passes."""

from __future__ import annotations

import numpy as np
import pytest

from grader.compare import EXACT, Diagnosis, Expectation, Tolerance, compare, diagnose, fitted_factor
from grader.plain import Unsupported, from_wire, to_wire


def expect(value, tolerance=EXACT):
    return Expectation(value, tolerance, "test")


def test_tolerance_rule_is_atol_plus_rtol_times_expected():
    rule = Tolerance(rtol=1e-3, atol=1e-6)
    assert compare(1000.0 + 0.9, expect(1000.0, rule)).passed
    assert not compare(1000.0 + 1.1, expect(1000.0, rule)).passed
    assert compare(5e-7, expect(0.0, rule)).passed
    assert not compare(2e-6, expect(0.0, rule)).passed


@pytest.mark.parametrize("form", [(1.0, 2.0), [1.0, 2.0], np.array([1.0, 2.0]), (np.float64(1), np.int64(2))])
def test_a_pair_in_any_equivalent_form_passes(form):
    assert compare(form, expect((1.0, 2.0))).passed


@pytest.mark.parametrize("form", [3.5, np.float64(3.5), np.array(3.5), 7 / 2])
def test_a_float_as_numpy_scalar_or_0d_array_passes(form):
    assert compare(form, expect(3.5)).passed


def test_nested_lists_pass_for_an_array():
    assert compare([[1, 2], [3, 4]], expect(np.array([[1.0, 2.0], [3.0, 4.0]]))).passed


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_nan_and_infinity_never_pass(bad):
    result = compare(bad, expect(1.0, Tolerance(rtol=np.inf, atol=np.inf)))
    assert not result.passed
    assert "NaN" in result.problem or "infinity" in result.problem


def test_nan_inside_an_array_never_passes():
    assert not compare([1.0, float("nan")], expect(np.array([1.0, 2.0]), Tolerance(1.0, 1.0))).passed


@pytest.mark.parametrize(("got", "words"), [
    (None, "return"), ("1.0", "not a number"), (True, "not a number"), (np.ones((3, 2)), "shape (3, 2)"),
    (np.array([1.0]), "one element"), (Unsupported("dict", "{}"), "dict"),
])
def test_wrong_types_and_shapes_say_what_came_back(got, words):
    result = compare(got, expect(np.ones((2, 3)) if words.startswith("shape") else 1.0))
    assert not result.passed and words in result.problem


def test_a_transposed_array_reports_both_shapes():
    result = compare(np.zeros((3, 5)), expect(np.zeros((5, 3))))
    assert "(3, 5)" in result.problem and "(5, 3)" in result.problem


def test_strings_must_match_exactly_with_a_hint_for_case():
    assert compare("saddle", expect("saddle")).passed
    result = compare("Saddle", expect("saddle"))
    assert not result.passed and "lower-case" in result.problem


def test_an_object_with_lying_comparisons_becomes_plain_data_or_nothing():
    class Liar:
        def __eq__(self, other):
            return True

        __le__ = __lt__ = __ge__ = __gt__ = __eq__

    wire = to_wire(Liar())
    back = from_wire(wire)
    assert isinstance(back, Unsupported)
    assert not compare(back, expect(1.0)).passed


def test_fitted_factor_finds_constant_multiples_only():
    want = np.array([1.0, -2.0, 3.0])
    assert fitted_factor(-want, want) == pytest.approx(-1.0)
    assert fitted_factor(0.5 * want, want) == pytest.approx(0.5)
    assert fitted_factor(want + 1, want) is None
    assert fitted_factor(want, want) is None


def test_diagnose_prefers_the_library_then_factors():
    mean = Diagnosis("mean instead of sum", "sum, not mean")
    assert diagnose(2.0, 8.0, EXACT, [(mean, 2.0)]) == mean
    assert "sign" in diagnose(-8.0, 8.0, EXACT, [(mean, 2.0)]).hint
    assert diagnose(3.0, 8.0, EXACT, [(mean, 2.0)]).name == "constant factor 0.375"
    assert diagnose([1.0, 5.0], [8.0, 1.0], EXACT, []) is None


def test_several_matching_mistakes_are_all_named():
    a, b = Diagnosis("a", "hint a"), Diagnosis("b", "hint b")
    found = diagnose("minimum", "degenerate", EXACT, [(a, "minimum"), (b, "minimum")])
    assert found.name == "a or b" and "hint a" in found.hint and "hint b" in found.hint


@pytest.mark.parametrize("got", [10**400, -(10**400), [1.0, 10**400], (10**400, 1.0)])
def test_an_integer_too_large_for_a_float_is_a_wrong_form_not_a_crash(got):
    """Bug: `return 10**400` raised OverflowError in the grader and stopped the batch."""
    want = (1.0, 2.0) if isinstance(got, list | tuple) else 2.0
    result = compare(got, Expectation(want, EXACT, "test"))
    assert not result.passed and "too large for a float" in result.problem and not result.wrong_value
    assert diagnose(got, want, EXACT, [(Diagnosis("m", "h"), 1.0)]) is None


def test_only_a_wrong_number_of_the_right_form_is_a_wrong_value():
    assert compare(2.5, Expectation(2.0, EXACT, "test")).wrong_value
    assert compare(np.array([1.0, 3.0]), Expectation(np.array([1.0, 2.0]), EXACT, "test")).wrong_value
    for got in ("2.0", None, np.array([1.0, 2.0, 3.0]), float("nan")):
        assert not compare(got, Expectation(np.array([1.0, 2.0]), EXACT, "test")).wrong_value


def test_an_array_where_a_word_is_expected_is_a_wrong_answer_not_a_crash():
    """Bug: `got == expected` on an array raised "truth value of an array is ambiguous" in the grader."""
    result = compare(np.array([1.0, 2.0]), Expectation("saddle point", EXACT, "test"))
    assert not result.passed
    assert diagnose(np.array([1.0, 2.0]), "saddle point", EXACT, [(Diagnosis("m", "h"), "minimum")]) is None
