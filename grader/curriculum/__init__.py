"""The curriculum: every exercise of the kit, declared once, in module order.

One file per module (`derivatives`, `partial_derivatives`, `linear_model`, `gradient_descent`,
`neural_network`) declares its exercises in the keyword form of `grader.authoring`, with the input generators
and expectation rules they use; `common` holds what several modules share (redrawing inputs until they are
informative, the symbolic line and its squared error, tolerances of difference quotients).

`DECLARED` holds every exercise as its module declares it; `EXERCISES` those of the course in force
(`grader.course`: its modules, without dropped exercises, with its points), which every command grades.
"""

from __future__ import annotations

from grader import course, kit
from grader.authoring import check_builds_on
from grader.curriculum import derivatives, gradient_descent, linear_model, neural_network, partial_derivatives
from grader.spec import Exercise

DECLARED: tuple[Exercise, ...] = (
    *derivatives.EXERCISES,
    *partial_derivatives.EXERCISES,
    *linear_model.EXERCISES,
    *gradient_descent.EXERCISES,
    *neural_network.EXERCISES,
)
check_builds_on(DECLARED)


def _of_course() -> tuple[Exercise, ...]:
    try:
        return course.apply(course.ACTIVE, DECLARED, kit.MODULES)
    except course.CourseError as error:
        course.report_problem(str(error))
        return tuple(exercise for exercise in DECLARED if exercise.module in kit.CORE_MODULES)


EXERCISES: tuple[Exercise, ...] = _of_course()
BY_KEY: dict[str, Exercise] = {exercise.key: exercise for exercise in EXERCISES}
TOTAL_POINTS = sum(exercise.points for exercise in EXERCISES)


def of_module(module: str) -> tuple[Exercise, ...]:
    return tuple(exercise for exercise in EXERCISES if exercise.module == module)


def declared_of_module(module: str) -> tuple[Exercise, ...]:
    """A module's exercises as declared (whether or not the course in force uses them)."""
    return tuple(exercise for exercise in DECLARED if exercise.module == module)
