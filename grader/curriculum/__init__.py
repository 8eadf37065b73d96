"""The curriculum: every exercise of the kit, declared once, in module order."""

from __future__ import annotations

from grader.curriculum import derivatives, gradient_descent, linear_model, partial_derivatives
from grader.spec import Exercise

EXERCISES: tuple[Exercise, ...] = (
    *derivatives.EXERCISES,
    *partial_derivatives.EXERCISES,
    *linear_model.EXERCISES,
    *gradient_descent.EXERCISES,
)
BY_KEY: dict[str, Exercise] = {exercise.key: exercise for exercise in EXERCISES}
TOTAL_POINTS = sum(exercise.points for exercise in EXERCISES)


def of_module(module: str) -> tuple[Exercise, ...]:
    return tuple(exercise for exercise in EXERCISES if exercise.module == module)
