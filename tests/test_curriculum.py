"""The library of known mistakes and correct alternative forms, run through the real engine.

Every buggy rule must lose marks and be named by its hint; every alternative correct form must keep
full marks. Submissions are the reference solutions with one body replaced, graded in the sandbox.
"""

from __future__ import annotations

import numpy as np
import pytest

from grader import kit
from grader.curriculum import EXERCISES, TOTAL_POINTS
from grader.engine import grade_sources

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
    result = _grade_variant(sandbox, exercise, mistake.body)
    assert result.score < exercise.points
    diagnosed = [check for check in result.checks if mistake.name in check.diagnosis.split(" or ")]
    assert diagnosed, [(c.label, c.diagnosis, c.student_message) for c in result.checks if not c.passed]
    assert mistake.hint in diagnosed[0].student_message


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
