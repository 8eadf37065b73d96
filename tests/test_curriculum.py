"""The library of known mistakes and correct alternative forms, run through the real engine.

Every buggy rule must lose marks and be named by its hint; every alternative correct form must keep
full marks. Submissions are the reference solutions with one body replaced, graded in the sandbox.
"""

from __future__ import annotations

import numpy as np
import pytest

from grader import kit
from grader.compare import compare
from grader.curriculum import BY_KEY, DECLARED, EXERCISES, TOTAL_POINTS
from grader.engine import LIVE, grade_sources, plan
from grader.report import STATUS_DIAGNOSES

MISTAKES = [(e, m) for e in EXERCISES for m in e.misconceptions]
ALTERNATIVES = [(e, body) for e in EXERCISES for body in e.alternatives]


def test_points_add_up_to_100():
    assert TOTAL_POINTS == 100


def test_every_exercise_has_mistakes_alternatives_and_several_checks():
    for exercise in EXERCISES:
        assert exercise.misconceptions, exercise.key
        assert exercise.alternatives, exercise.key
        assert len(exercise.checks) >= 2, exercise.key


def _grade_variant(sandbox, exercise, body):
    source = kit.variant_source(exercise.module, exercise.function, body)
    result = grade_sources({exercise.module: source}, sandbox, student="variant", hidden=True,
                           course_seed="tests", exercises=[exercise])
    return result.exercise(exercise.key)


@pytest.mark.parametrize(("exercise", "mistake"), MISTAKES,
                         ids=[f"{e.key}-{m.name}" for e, m in MISTAKES])
def test_buggy_rule_loses_marks_and_gets_its_hint(sandbox, exercise, mistake):
    """Named on every check it fails with a wrong answer (a call that raised says so instead, a public check
    withheld for its hidden one says that), in a graded run and in the students' pytest (public checks alone),
    and nothing else is named."""
    result = _grade_variant(sandbox, exercise, mistake.body)
    source = kit.variant_source(exercise.module, exercise.function, mistake.body)
    public = grade_sources({exercise.module: source}, sandbox, exercises=[exercise]).exercise(exercise.key)
    assert result.score < exercise.points and public.score < exercise.points
    for checks in (result.checks, public.checks):
        failed = [check for check in checks if not check.passed and check.diagnosis not in STATUS_DIAGNOSES
                  and not check.counted_away]
        assert failed and all(check.diagnosis == mistake.name for check in failed), \
            [(c.label, c.diagnosis, c.student_message) for c in failed]
        assert all(mistake.hint in check.student_message for check in failed)


def test_every_known_mistake_is_told_apart_on_enough_public_checks():
    """A mistake is named only from MIN_EVIDENCE informative answers: the public checks alone must hold that
    many, or a student's pytest could never name it."""
    from grader.compare import MIN_EVIDENCE, _apart
    from grader.engine import LIVE, plan

    for exercise in EXERCISES:
        counts = dict.fromkeys((m.name for m in exercise.misconceptions), 0)
        for p in plan([exercise], hidden=False):
            want = LIVE.expectations(p)[0]
            values = LIVE.mistake_values(p)
            for index, (diagnosis, value) in enumerate(values):
                others = [other for k, (_, other) in enumerate(values) if k != index]
                if _apart(value, want.value, want.tolerance) and all(_apart(value, o, want.tolerance) for o in others):
                    counts[diagnosis.name] += 1
        assert all(count >= MIN_EVIDENCE for count in counts.values()), (exercise.key, counts)


@pytest.mark.parametrize(("exercise", "body"), ALTERNATIVES,
                         ids=[f"{e.key}-{i}" for i, (e, _) in enumerate(ALTERNATIVES)])
def test_alternative_correct_form_keeps_full_marks(sandbox, exercise, body):
    result = _grade_variant(sandbox, exercise, body)
    failures = [(c.name, c.student_message, c.instructor_message) for c in result.checks if not c.passed]
    assert result.score == pytest.approx(exercise.points), failures


def test_the_broadcast_sse_grid_equals_the_sum_at_each_point():
    """The error surface and profiles are evaluated in one broadcast; they equal the point-by-point SSE."""
    from grader.curriculum import linear_model
    from grader.curriculum.common import SQUARED_ERROR, sum_over_points

    sse = sum_over_points(SQUARED_ERROR)
    rng = np.random.default_rng(3)
    x, y, slopes, intercepts = rng.uniform(-3, 30, 8), rng.uniform(-9, 9, 8), rng.uniform(-2, 3, 5), [0.5, -1.0, 2.0]
    expected = np.array([[sse(m, c, x, y) for m in slopes] for c in intercepts])
    np.testing.assert_allclose(linear_model.surface(slopes, intercepts, x, y), expected, rtol=1e-14)
    np.testing.assert_allclose(linear_model.profile_over_slopes(slopes, 2.0, x, y), expected[2], rtol=1e-14)
    np.testing.assert_allclose(linear_model.profile_over_intercepts(slopes[1], intercepts, x, y), expected[:, 1],
                               rtol=1e-14)


HAND_DERIVATIVES = ("derivatives.df_poly", "derivatives.df_wave", "derivatives.dsigmoid", "derivatives.df_log",
                    "gradient_descent.df_nonconvex", "partial_derivatives.dg_dx", "partial_derivatives.dg_dy")


@pytest.mark.parametrize("key", HAND_DERIVATIVES)
def test_integer_checks_never_draw_a_point_where_known_mistakes_agree(key):
    """The integers the curriculum declares to avoid cover every point, in the range drawn, where a known
    mistake agrees with the derivative or with another mistake (worked out here from the mistakes' bodies)."""
    from grader.curriculum import BY_KEY
    from grader.curriculum.common import apart, apart_from
    from grader.engine import LIVE, plan

    exercise = BY_KEY[key]
    planned = [p for student in range(60) for p in plan([exercise], hidden=True, course_seed="avoid",
                                                         student=f"s{student}") if "integer" in p.label]
    assert len({p.case.args for p in planned}) >= 3
    for p in planned:
        right = LIVE.expectations(p)[0].value
        wrong = [value for _, value in LIVE.mistake_values(p)]
        assert apart_from(right, *wrong) and apart(*wrong), p.case.args


def test_apart_and_differs_on_plain_numbers_agree_with_their_numpy_form():
    """Plain numbers take a path without NumPy (input generators test thousands per batch); it must accept and
    refuse exactly the inputs the array form does, NaN, infinities, huge integers and booleans included."""
    import itertools
    import math

    from grader.curriculum.common import apart, apart_from, differs

    def apart_numpy(*values, margin=1e-3):
        arrays = [np.asarray(value, dtype=float) for value in values]
        return all(bool(np.all(np.abs(a - b) > margin * (1 + np.maximum(np.abs(a), np.abs(b)))))
                   for index, a in enumerate(arrays) for b in arrays[index + 1:])

    def differs_numpy(value, *others, margin=1e-3):
        array = np.asarray(value, dtype=float)
        return all(bool(np.any(np.abs(array - np.asarray(other, dtype=float)) > margin * (1 + np.abs(array))))
                   for other in others)

    numbers = [0, 1, -1, 0.0, 1.0005, 1.0015, 1e308, -1e308, math.inf, -math.inf, math.nan, True, np.float64(2.0),
               10**20, 1e-300]
    with np.errstate(all="ignore"):
        for a, b in itertools.product(numbers, repeat=2):
            for values in ((a, b), (a, b, 0.5)):
                assert apart(*values) == apart_numpy(*values), values
                assert differs(*values) == differs_numpy(*values), values
                assert apart(*values, margin=0.1) == apart_numpy(*values, margin=0.1), values
                assert apart_from(*values) == all(apart_numpy(values[0], other) for other in values[1:]), values


def test_inputs_redrawn_in_blocks_are_those_drawn_one_at_a_time():
    """The sigmoid array of numerical_derivative is drawn 64 candidates at a time and screened together; every
    student still gets the case that drawing one candidate at a time and testing it exactly gives."""
    from grader.curriculum import BY_KEY, derivatives
    from grader.curriculum.common import redrawn
    from grader.engine import rng_for

    exercise = BY_KEY["derivatives.numerical_derivative"]
    (check,) = [check for check in exercise.checks if check.label.startswith("sigmoid")]
    one_at_a_time = redrawn(derivatives.sigmoid_on_an_array, derivatives.derivative_informative)
    for student in range(150):
        seed = (f"hidden|blocks|s{student}", exercise.key, check.label)
        drawn, expected = check.make_case(rng_for(*seed)), one_at_a_time(rng_for(*seed))
        assert np.array_equal(drawn.args[1], expected.args[1]) and drawn.args[0] == expected.args[0]
        assert drawn.kwargs == expected.kwargs


def test_the_screen_of_a_block_never_refuses_what_the_exact_test_takes():
    """`derivative_informative_together` is a looser test than `derivative_informative`, never a stricter one."""
    from grader.curriculum import derivatives

    cases = derivatives.sigmoid_on_arrays(np.random.default_rng(3), 4000)
    for case, likely in zip(cases, derivatives.derivative_informative_together(cases), strict=True):
        assert likely or not derivatives.derivative_informative(case)
    together, one_by_one = np.random.default_rng(4), np.random.default_rng(4)
    for case in derivatives.sigmoid_on_arrays(together, 5):  # the same values, in the same order
        assert np.array_equal(case.args[1], derivatives.sigmoid_on_an_array(one_by_one).args[1])


# Kinds whose answer is the rule itself, the same for every input of the kind: a student who tells the kind apart
# has the skill. Everything else must ask another answer of every student.
ANSWER_OF_THE_KIND: dict[tuple[str, str], str] = {
    **{("partial_derivatives.classify_critical_point", check.label): "a label: which kind the matrix is"
       for exercise in DECLARED if exercise.key == "partial_derivatives.classify_critical_point"
       for check in exercise.checks},
    ("neural_network.steps_to_escape", "pushed along the stable direction"): "never escapes: −1",
    ("neural_network.steps_to_escape", "pushed past the radius"): "out at the first step: 1",
    **{(exercise.key, "an integer"): "one of a dozen integers, whose answers a table holds anyway (README); "
       "f_poly' is symmetric about 2, so the public integer's mirror has its answer"
       for exercise in DECLARED if exercise.by_hand and any(check.label == "an integer" for check in exercise.checks)},
}


@pytest.mark.parametrize("exercise", DECLARED, ids=lambda exercise: exercise.key)
def test_the_public_answer_of_a_kind_rarely_passes_its_hidden_check(exercise):
    """A function that recognises the kind of input and returns the public check's answer for it (a table keyed
    by kind, not by input) must not pass the hidden check of that kind: `hessian` of a quadratic is one matrix at
    every point, and `partial_derivative` of the plain bowl along its third coordinate at 0 is −1 at every point,
    so the public answers passed every student's hidden checks of those kinds. At most 1 student in 10 here."""
    public = {p.label: LIVE.expectations(p)[0].value for p in plan([exercise], hidden=False)}
    passed_by_the_public_answer: dict[str, int] = {}
    students = 20
    for index in range(students):
        hidden = [p for p in plan([exercise], hidden=True, course_seed="kinds", student=f"s{index}")
                  if p.visibility == "hidden"]
        for label in public:
            draws = [p for p in hidden if p.label == label]
            passed = all(compare(public[label], expected).passed for p in draws for expected in LIVE.expectations(p))
            passed_by_the_public_answer[label] = passed_by_the_public_answer.get(label, 0) + passed
    too_often = {label: count for label, count in passed_by_the_public_answer.items()
                 if count > students // 10 and (exercise.key, label) not in ANSWER_OF_THE_KIND}
    assert not too_often, too_often


def test_the_best_grid_cell_is_never_the_exact_fit_snapped_to_the_grid(sandbox):
    """Bug: `best_fit_on_grid` returning, on each axis apart, the candidate nearest the least-squares line kept all
    its marks on some students' hidden draws (a holdout entry lost marks only by the luck of its draws): the checks
    now draw grids on which that cell is not the grid's best pair, public and hidden."""
    exercise = BY_KEY["linear_model.best_fit_on_grid"]
    body = ("m, c = np.polyfit(np.asarray(x, dtype=float), np.asarray(y, dtype=float), 1)\n"
            "s, b = np.asarray(slopes, dtype=float), np.asarray(intercepts, dtype=float)\n"
            "return float(s[np.abs(s - m).argmin()]), float(b[np.abs(b - c).argmin()])")
    source = kit.variant_source("linear_model", "best_fit_on_grid", body)
    for student in ("a", "b", "c"):
        result = grade_sources({"linear_model": source}, sandbox, student=student, hidden=True,
                               course_seed="a course seed of the test, long enough", exercises=[exercise])
        assert all(not check.passed for check in result.exercises[0].checks), student


FEW_INPUTS = 40  # distinct hidden inputs over STUDENTS students below which a table of answers is within reach
STUDENTS = 150


@pytest.mark.parametrize("exercise", DECLARED, ids=lambda e: e.key)
def test_a_kind_drawn_from_a_handful_of_inputs_counts_only_with_another_kind(exercise):
    """Red team rounds 35 (04) and 37 (01, 04): a kind whose hidden input is one of a handful (integer points and
    starts) has a table of answers for an answer, worked out elsewhere or read from the student bundle's stored
    values of another exercise (`dg_dx`'s exact partials answered `partial_derivative`'s and `gradient`'s integer
    points, `best_of_starts`'s truncated starts `descend_1d`'s integer starts). Every such kind counts only
    together with a kind of the same exercise that is drawn from many (`Check.counts_with`)."""
    from grader.engine import case_values

    drawn: dict[str, set] = {check.label: set() for check in exercise.checks}
    for number in range(STUDENTS):
        for p in plan([exercise], hidden=True, course_seed="a handful", student=f"s{number}"):
            if p.visibility == "hidden":
                drawn[p.label].add(case_values(p.case))
    labels = {check.label: check for check in exercise.checks}
    for label, values in drawn.items():
        if len(values) < FEW_INPUTS:
            partner = labels[label].counts_with
            assert partner in labels and len(drawn[partner]) >= FEW_INPUTS, (exercise.key, label, len(values))


@pytest.mark.parametrize("body", [
    # the best value kept on every pass (dedented out of its `if`): each end compared with the one before it only
    # (red team round 48)
    "best, best_value = None, float('inf')\nfor s in starts:\n    e = descend_1d(df, s, learning_rate, n_steps)\n"
    "    v = f(e)\n    if v < best_value:\n        best = e\n    best_value = v\nreturn float(best)",
    # the first end lower than the first one kept (red team round 50, 04)
    "ends = [descend_1d(df, s, learning_rate, n_steps) for s in starts]\nbest = ends[0]\nfor e in ends[1:]:\n"
    "    if f(e) < f(best):\n        best = e\n        break\nreturn float(best)",
    # the end nearest 0 kept, whose edit to the farthest passed every check (red team round 50, 03)
    "ends = [descend_1d(df, s, learning_rate, n_steps) for s in starts]\nreturn float(max(ends, key=abs))",
], ids=["compared-with-the-one-before", "first-improvement", "farthest-from-0"])
def test_a_search_the_earlier_checks_could_not_tell_from_the_right_one_loses_marks(sandbox, body):
    """With two or three starts, each with the best end farthest from 0, these kept full marks; five starts, and
    three in one valley with the best end in the middle, tell them apart."""
    exercise = BY_KEY["gradient_descent.best_of_starts"]
    source = {exercise.module: kit.variant_source(exercise.module, exercise.function, body)}
    assert grade_sources(source, sandbox, hidden=True, exercises=[exercise]).exercise(exercise.key).score \
        < exercise.points


# ----- hidden inputs of another structure than the public ones' ---------------------------------------------------
# The forty-second holdout's writer found 44 functions written for the public inputs' structure that kept full marks,
# since every hidden input repeated it: a loop over the public array's length, a learning rate or a step count
# written in, a step h capped or rounded, a square grid never sent. `spec.structure` draws another for hidden inputs.


def _shapes(case) -> tuple:
    return tuple(np.shape(value) for value in (*case.args, *case.kwargs.values()))


# Exercises whose inputs keep their shapes: plain numbers, or points of a given function of a fixed number of variables
# (where they have a step h, a learning rate or a step count, those vary, not a shape).
SAME_SHAPES = frozenset({"derivatives.tangent_line", "partial_derivatives.partial_derivative",
                         "partial_derivatives.gradient", "partial_derivatives.hessian", "gradient_descent.descend_1d",
                         "gradient_descent.best_of_starts", "neural_network.gradient_norm_along_path",
                         "neural_network.steps_to_escape"})


@pytest.mark.parametrize("exercise", [e for e in DECLARED if e.key not in SAME_SHAPES], ids=lambda e: e.key)
def test_some_hidden_inputs_have_a_structure_no_public_input_has(exercise):
    from grader.engine import _public_case

    public = {_shapes(_public_case(check, exercise.key)) for check in exercise.checks}
    hidden = {_shapes(p.case) for student in range(8)
              for p in plan([exercise], hidden=True, course_seed="structure", student=f"s{student}")
              if p.visibility == "hidden"}
    assert hidden - public, exercise.key


def test_public_inputs_keep_their_structure_and_hidden_ones_hold_their_plan():
    """A public input is drawn with no plan (its structure is the one students see); every hidden one with the plan
    it was drawn with, which the neighbour probe draws more inputs of that structure with."""
    from grader.engine import _public_case
    from grader.spec import STRUCTURES

    for exercise in DECLARED:
        assert all(_public_case(check, exercise.key).plan == 0 for check in exercise.checks)
        plans = {p.case.plan for p in plan([exercise], hidden=True, course_seed="plans", student="s")
                 if p.visibility == "hidden"}
        assert plans <= set(range(1, STRUCTURES + 1)) and plans


def test_an_exercise_builds_on_earlier_exercises_of_its_module_only():
    """`builds_on` names what error carried forward may answer right for a function beyond its reference's calls: an
    exercise taught before it in its module (a later one's answer can hold the caller's)."""
    for exercise in DECLARED:
        earlier = [other.function for other in DECLARED if other.module == exercise.module]
        earlier = earlier[:earlier.index(exercise.function)]
        assert set(exercise.builds_on) <= set(earlier), exercise.key
