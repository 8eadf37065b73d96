"""The pure comparison core: the tolerance rule, accepted forms, and what never passes."""

from __future__ import annotations

import numpy as np
import pytest

from grader.compare import (
    EXACT,
    Diagnosis,
    Expectation,
    Observation,
    Tolerance,
    compare,
    diagnose_exercise,
    fitted_factor,
    part_slices,
    parts_negated,
    parts_off,
    parts_scaled,
)
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


def test_what_came_back_is_named_with_its_article():
    """Bug: an array built from a generator was told "returned a array of dtype object"."""
    generated = from_wire(to_wire(np.array(x for x in range(3))))
    problem = compare(generated, expect(1.0)).problem
    assert problem.startswith("returned an array of dtype object (array(<generator object ")
    assert "<genexpr>>," in problem and " at 0x" not in problem  # no memory address: the same text on every run
    assert "returned a function (f)" in compare(Unsupported("function", "f"), expect(1.0)).problem
    nested: list = []
    for _ in range(200):
        nested = [nested]
    problem = compare(from_wire(to_wire(nested)), expect(1.0)).problem
    assert "returned [[[[[[[[[<value nested too deeply>]]]]]]]]]" in problem


def test_a_transposed_array_reports_both_shapes():
    result = compare(np.zeros((3, 5)), expect(np.zeros((5, 3))))
    assert "(3, 5)" in result.problem and "(5, 3)" in result.problem


def test_strings_must_match_exactly_with_a_hint_for_case():
    assert compare("saddle", expect("saddle")).passed
    result = compare("Saddle", expect("saddle"))
    assert not result.passed and "lower-case" in result.problem


def test_the_right_word_with_more_around_it_is_told_the_word_alone():
    """Holdout 43: a source's label 'saddle point' was told only "returned 'saddle point'"."""
    result = compare("saddle point", expect("saddle"))
    assert not result.passed and "the word 'saddle' alone" in result.problem
    assert "alone" not in compare("saddle point", expect("minimum")).problem  # another word: nothing more said
    assert "alone" not in compare("saddles", expect("saddle")).problem


def test_an_object_with_lying_comparisons_becomes_plain_data_or_nothing():
    class Liar:
        def __eq__(self, other):
            return True

        __le__ = __lt__ = __ge__ = __gt__ = __eq__

    wire = to_wire(Liar())
    back = from_wire(wire)
    assert isinstance(back, Unsupported)
    assert not compare(back, expect(1.0)).passed


def test_numpy_types_cross_the_wire_only_where_asked_and_only_towards_the_child():
    """Error carried forward sends the reference's arguments as NumPy made them (`np.float64` from an array, a
    float32 array); an answer read by the parent is plain numbers whatever the child wrote there."""
    value = [np.float64(2.5), np.float32(0.1), np.int64(3), np.arange(3, dtype=np.float32), 1.5]
    back = from_wire(to_wire(value, numpy_types=True), numpy_types=True)
    assert [type(item) for item in back[:3]] == [np.float64, np.float32, np.int64]
    assert back[3].dtype == np.float32 and type(back[4]) is float
    plain = from_wire(to_wire(value))  # the default: as before, numbers and float64 arrays
    assert [type(item) for item in plain[:3]] == [float, float, int] and plain[3].dtype == np.float64
    forged = from_wire(to_wire(value, numpy_types=True))  # the parent reading what a child wrote
    assert [type(item) for item in forged[:3]] == [float, float, int] and forged[3].dtype == np.float64
    assert isinstance(from_wire({"$scalar": "object", "value": 1}, numpy_types=True), Unsupported)


def test_fitted_factor_finds_constant_multiples_only():
    want = np.array([1.0, -2.0, 3.0])
    assert fitted_factor(-want, want) == pytest.approx(-1.0)
    assert fitted_factor(0.5 * want, want) == pytest.approx(0.5)
    assert fitted_factor(want + 1, want) is None
    assert fitted_factor(want, want) is None


def _observe(pairs, candidates=(), tolerance=EXACT):
    """Observations of (got, want) answers, with each known mistake's value given per answer."""
    return [Observation(got, want, tolerance, compare(got, Expectation(want, tolerance, "")).passed,
                        [(d, values[k]) for d, values in candidates]) for k, (got, want) in enumerate(pairs)]


MEAN = Diagnosis("mean instead of sum", "sum, not mean")


def test_a_mistake_that_explains_several_informative_answers_is_named_on_each():
    found = diagnose_exercise(_observe([(2.0, 8.0), (3.0, 9.0)], [(MEAN, [2.0, 3.0])]))
    assert found == [MEAN, MEAN]


def test_a_mistake_matched_on_one_point_only_is_not_named():
    """Bug: σ(x)·(1 − x) was named a quotient-rule slip, because both give 0.5 at x = 0 (one point)."""
    slip = Diagnosis("quotient-rule slip", "e^(−x)/(1 + e^(−x)), not its square")
    x = np.array([0.0, 1.0, 2.0])
    sigma = 1 / (1 + np.exp(-x))  # the right σ'(x) is σ(1 − σ); the student returned σ(x)·(1 − x); the slip 1 − σ
    observations = _observe(list(zip(sigma * (1 - x), sigma * (1 - sigma), strict=True)), [(slip, list(1 - sigma))])
    assert diagnose_exercise(observations) == [None, None, None]
    assert diagnose_exercise(observations[:1]) == [None]  # one point is no evidence, even alone


def test_a_mistake_is_not_named_where_it_agrees_with_the_right_answer_or_another_mistake():
    other = Diagnosis("other", "another hint")
    agree_with_right = _observe([(8.0, 8.0), (3.0, 9.0)], [(MEAN, [8.0, 3.0])])
    assert diagnose_exercise(agree_with_right) == [None, None]  # one informative answer only
    agree_with_other = _observe([(2.0, 8.0), (3.0, 9.0)], [(MEAN, [2.0, 3.0]), (other, [2.0, 3.0])])
    assert diagnose_exercise(agree_with_other) == [None, None]


def test_a_mistake_contradicted_by_one_answer_is_not_named():
    """A student who returns 0 everywhere is not told a mistake that gives 0 only on integer inputs."""
    integer_point = Diagnosis("integer point not copied", "use floats")
    answers = [(0.0, 1.5), (0.0, -2.0), (0.0, 0.7), (0.0, 3.1)]
    assert diagnose_exercise(_observe(answers, [(integer_point, [1.5, -2.0, 0.0, 0.0])])) == [None] * 4


def test_a_single_label_matched_on_one_check_is_not_named():
    """Bug: the single label "minimum" named a mistake on the one check where that mistake says "minimum"."""
    diagonal = Diagnosis("signs of the diagonal", "use the eigenvalues")
    answers = [("minimum", "minimum"), ("minimum", "maximum"), ("minimum", "saddle")]
    assert diagnose_exercise(_observe(answers, [(diagonal, ["minimum", "maximum", "minimum"])])) == [None] * 3


def test_a_factor_is_fitted_only_from_several_distinct_values_that_agree():
    """Bug: every wrong single number was told "your answer is K times the right one", even "1 times"."""
    assert diagnose_exercise(_observe([(3.0, 8.0)])) == [None]
    assert diagnose_exercise(_observe([(3.0, 8.0), (4.0, 9.0), (6.0, 10.0)])) == [None] * 3
    near_one = [(w * 1.000001, w) for w in (8.0, 9.0, 10.0)]
    assert diagnose_exercise(_observe(near_one, tolerance=Tolerance(rtol=1e-9, atol=0.0))) == [None] * 3
    halved = diagnose_exercise(_observe([(4.0, 8.0), (4.5, 9.0), (5.0, 10.0)]))
    assert halved[0] is not None and halved[0].name == "constant factor 0.5" and len(set(halved)) == 1
    assert diagnose_exercise(_observe([(4.0, 8.0), (4.0, 8.0)])) == [None, None]  # one distinct value twice
    assert diagnose_exercise(_observe([(4.0, 8.0), (9.0, 9.0), (5.0, 10.0)])) == [None, None, None]  # one right


def test_factor_hints_say_only_what_the_factor_means():
    """Bug: the 0.5 factor's text blamed the power or chain rule, also where a ½·Σr² loss or a difference
    quotient was the cause."""
    for k in (0.5, 2.0, -1.0, 3.0):
        found = diagnose_exercise(_observe([(k * w, w) for w in (2.0, -3.0, 5.0)]))[0]
        assert found is not None
        assert not any(word in found.hint for word in ("power rule", "chain rule", "shape of your formula"))
    assert diagnose_exercise(_observe([(3.0 * w, w) for w in (2.0, -3.0, 5.0)]))[0].fitted


def test_passed_checks_get_no_diagnosis():
    found = diagnose_exercise(_observe([(2.0, 8.0), (3.0, 9.0), (5.0, 5.0)], [(MEAN, [2.0, 3.0, 5.0])]))
    assert found == [MEAN, MEAN, None]


@pytest.mark.parametrize("got", [10**400, -(10**400), [1.0, 10**400], (10**400, 1.0)])
def test_an_integer_too_large_for_a_float_is_a_wrong_form_not_a_crash(got):
    """Bug: `return 10**400` raised OverflowError in the grader and stopped the batch."""
    want = (1.0, 2.0) if isinstance(got, list | tuple) else 2.0
    result = compare(got, Expectation(want, EXACT, "test"))
    assert not result.passed and "too large for a float" in result.problem and not result.wrong_value
    assert diagnose_exercise(_observe([(got, want)] * 2, [(Diagnosis("m", "h"), [1.0, 1.0])])) == [None, None]


def test_only_a_wrong_number_of_the_right_form_is_a_wrong_value():
    assert compare(2.5, Expectation(2.0, EXACT, "test")).wrong_value
    assert compare(np.array([1.0, 3.0]), Expectation(np.array([1.0, 2.0]), EXACT, "test")).wrong_value
    for got in ("2.0", None, np.array([1.0, 2.0, 3.0]), float("nan")):
        assert not compare(got, Expectation(np.array([1.0, 2.0]), EXACT, "test")).wrong_value


def test_an_array_where_a_word_is_expected_is_a_wrong_answer_not_a_crash():
    """Bug: `got == expected` on an array raised "truth value of an array is ambiguous" in the grader."""
    result = compare(np.array([1.0, 2.0]), Expectation("saddle point", EXACT, "test"))
    assert not result.passed
    observations = _observe([(np.array([1.0, 2.0]), "saddle point")] * 2, [(Diagnosis("m", "h"), ["minimum"] * 2)])
    assert diagnose_exercise(observations) == [None, None]


def test_parts_off_says_which_of_a_few_returned_numbers_is_off():
    expected = Expectation((2.0, -3.0), Tolerance(1e-9, 1e-9), "test")
    assert parts_off((2.0, -2.5), expected) == (False, True)
    assert parts_off([2.5, -2.5], expected) == (True, True)
    assert parts_off((2.0, -3.0), expected) == (False, False)


@pytest.mark.parametrize("got", [(2.0,), (2.0, float("nan")), "two numbers", ((2.0, 1.0), -3.0), None])
def test_parts_off_is_silent_on_another_form(got):
    assert parts_off(got, Expectation((2.0, -3.0), Tolerance(1e-9, 1e-9), "test")) is None
    assert parts_negated(got, Expectation((2.0, -3.0), Tolerance(1e-9, 1e-9), "test")) is None


def test_parts_negated_says_which_returned_number_is_the_right_one_with_the_opposite_sign():
    """A half-applied fix (|Δw| taken, Δb left signed) shows as one value of the right size with the opposite
    sign: said as observed; a right value of 0 is never said to be negated (any answer of 0 would be)."""
    expected = Expectation((2.0, -3.0, 0.0), Tolerance(1e-9, 1e-9), "test")
    assert parts_negated((2.0, 3.0, 0.0), expected) == (False, True, False)
    assert parts_negated((-2.0, 3.0, -0.0), expected) == (True, True, False)
    assert parts_negated((2.0, 2.5, 1.0), expected) == (False, False, False)


def test_parts_scaled_says_which_returned_number_is_the_right_one_times_a_known_factor():
    """A factor 2 added on one line only leaves one value half the right one: said as observed, as the opposite
    sign is; a value off otherwise, or right, has no factor."""
    expected = Expectation((2.0, -3.0, 4.0, 5.0), Tolerance(1e-9, 1e-9), "test")
    assert parts_scaled((1.0, -6.0, -4.0, 5.0), expected) == (0.5, 2.0, -1.0, None)
    assert parts_scaled((1.0, -2.9, 4.0, -2.5), expected) == (0.5, None, None, -0.5)


def test_part_slices_split_one_array_into_named_blocks():
    assert part_slices(7, ("n", "n", "n", "1")) == [slice(0, 2), slice(2, 4), slice(4, 6), slice(6, 7)]
    assert part_slices(8, ("n", "n", "n", "1")) is None
    assert part_slices(1, ("n", "1")) is None
    assert part_slices(2, ("1", "1")) == [slice(0, 1), slice(1, 2)]
    assert part_slices(3, ("1", "1")) is None


def test_parts_of_one_array_are_judged_block_by_block():
    """backprop returns ∂L/∂w_hidden, ∂L/∂b_hidden, ∂L/∂w_out (n values each) and ∂L/∂b_out in one array: a block is
    off where any of its values is, scaled where all of them are (a right 0 inside a block scaled too)."""
    expected = Expectation((1.0, 2.0, 3.0, 4.0, 5.0, 0.0, 7.0), Tolerance(1e-9, 1e-9), "test")
    sizes = ("n", "n", "n", "1")
    got = (1.0, 2.0, 3.0, 4.1, 2.5, 0.0, 3.5)
    assert parts_off(got, expected, sizes) == (False, True, True, True)
    assert parts_scaled(got, expected, sizes) == (None, None, 0.5, 0.5)
    assert parts_off((1.0, 2.0), expected, sizes) is None


def test_shapes_that_differ_by_axes_of_length_one_say_so():
    """A batch of one or a column where a 1-D array belongs: an axis of length 1 too many (said
    as what the shapes show); other shapes are told as they are."""
    expected = Expectation(np.array([1.0, 2.0]), Tolerance(), "reference")
    assert compare(np.array([[1.0, 2.0]]), expected).problem == "returned shape (1, 2), expected shape (2,): an axis " \
        "of length 1 too many (a row, shape (1, n), where a 1-D array of n numbers belongs)"
    # a column or a row where a 1-D array belongs is said as one (holdout 43: a source's column vectors)
    assert compare(np.array([[1.0], [2.0]]), expected).problem.endswith(
        "an axis of length 1 too many (a column, shape (n, 1), where a 1-D array of n numbers belongs)")
    assert compare(np.array([[[1.0, 2.0]]]), expected).problem.endswith("2 axes of length 1 too many")
    assert compare(np.array([1.0, 2.0, 3.0]), expected).problem == "returned shape (3,), expected shape (2,)"
    column = Expectation(np.array([[1.0], [2.0]]), Tolerance(), "reference")
    assert compare(np.array([1.0, 2.0]), column).problem.endswith("an axis of length 1 missing")
