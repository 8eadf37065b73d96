"""The course file: which modules and exercises a course uses, and their points, without editing the kit.

A course is read from `$CALCGRADE_COURSE` (the CLI's `--course FILE` sets it) or else from `calcgrade.toml`
in the current folder; without either, the course is the kit's default (the four core modules, 100 points,
each exercise worth what its declaration says). Every command reads it the same way, once, when the grader
is imported, so that grading, the students' pytest, the bundle and the notebooks agree on one set of points.

    modules = ["derivatives", "gradient_descent", "neural_network"]   # the modules the course uses, in order
    drop = ["derivatives.tangent_line"]                                # exercises it leaves out

    [points]
    neural_network = 20                        # a module's total: its exercises are scaled in proportion
    "derivatives.numerical_derivative" = 5     # one exercise's points (kept when its module is scaled)

This module knows nothing of the kit (the kit imports it): the module names and exercises are passed in.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grader.spec import Exercise

ENV_VAR = "CALCGRADE_COURSE"
FILE_NAME = "calcgrade.toml"
POINT_UNITS = 10**4  # points are whole multiples of 1e-4 (as `grader.spec.POINT_DIGITS`)
_KEYS = {"modules", "drop", "points"}


class CourseError(ValueError):
    """The course file cannot be read or asks for something the kit does not have."""


@dataclass(frozen=True)
class Course:
    """What a course file says; `None` modules means the kit's default modules."""

    path: Path | None = None
    modules: tuple[str, ...] | None = None
    drop: tuple[str, ...] = ()
    points: Mapping[str, float] = field(default_factory=dict)

    def describe(self) -> str:
        return f"the course file {self.path}" if self.path else "the kit's default course"


def find(environ: Mapping[str, str] = os.environ, folder: Path | None = None) -> Path | None:
    """The course file in force: `$CALCGRADE_COURSE`, else `calcgrade.toml` in `folder` (default: the current one)."""
    chosen = environ.get(ENV_VAR)
    if chosen:
        path = Path(chosen).expanduser()
        if not path.is_file():
            raise CourseError(f"${ENV_VAR} names {path}, which is not a file")
        return path
    try:
        candidate = (folder or Path.cwd()) / FILE_NAME
    except OSError:  # the current folder is gone
        return None
    return candidate if candidate.is_file() else None


def read(path: Path | None) -> Course:
    """Parse a course file (or the default course for `None`); only the shape is checked here."""
    if path is None:
        return Course()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CourseError(f"cannot read the course file {path}: {error}") from error
    unknown = set(data) - _KEYS
    if unknown:
        raise CourseError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))}; a course file sets "
                          f"{', '.join(sorted(_KEYS))}")
    modules = data.get("modules")
    if modules is not None and (not isinstance(modules, list) or not all(isinstance(m, str) for m in modules)):
        raise CourseError(f"{path}: `modules` must be a list of module names")
    drop = data.get("drop", [])
    if not isinstance(drop, list) or not all(isinstance(key, str) for key in drop):
        raise CourseError(f"{path}: `drop` must be a list of exercises, written module.function")
    points = data.get("points", {})
    if not isinstance(points, dict) or not all(isinstance(v, int | float) and not isinstance(v, bool) and v >= 0
                                               for v in points.values()):
        raise CourseError(f"{path}: [points] maps a module or module.function to a number ≥ 0")
    return Course(path, tuple(modules) if modules is not None else None, tuple(drop),
                  {key: float(value) for key, value in points.items()})


def course_modules(course: Course, known: Sequence[str], default: Sequence[str]) -> tuple[str, ...]:
    """The modules of the course, in the kit's order; an unknown name is an error that lists the known ones."""
    if course.modules is None:
        return tuple(default)
    unknown = [module for module in course.modules if module not in known]
    if unknown or not course.modules:
        raise CourseError(f"{course.describe()}: unknown module(s) {', '.join(unknown) or '(none listed)'}; the kit "
                          f"has {', '.join(known)}")
    return tuple(module for module in known if module in course.modules)


def _units(points: float) -> int:
    return round(points * POINT_UNITS)


def _scaled(declared: Sequence[int], total: int) -> list[int]:
    """Whole units in proportion to `declared` that add up to exactly `total` (largest remainders first)."""
    whole = sum(declared)
    shares = [total * units / whole for units in declared]
    result = [int(share) for share in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: result[i] - shares[i])
    for index in by_remainder[: total - sum(result)]:
        result[index] += 1
    return result


def apply(course: Course, exercises: Iterable[Exercise], modules: Sequence[str]) -> tuple[Exercise, ...]:
    """The course's exercises: those of its modules, without the dropped ones, with its points."""
    exercises = tuple(exercises)
    keys = {exercise.key for exercise in exercises}
    of_course = [e for e in exercises if e.module in modules]
    unknown_drops = [key for key in course.drop if key not in keys]
    unknown_points = [key for key in course.points if key not in keys and key not in modules]
    if unknown_drops or unknown_points:
        raise CourseError(f"{course.describe()}: no such exercise or module of the course: "
                          f"{', '.join(unknown_drops + unknown_points)} (exercises are written module.function)")
    kept = [e for e in of_course if e.key not in course.drop]
    emptied = [module for module in modules if not any(e.module == module for e in kept)]
    if emptied:
        raise CourseError(f"{course.describe()}: every exercise of {', '.join(emptied)} is dropped; leave the "
                          "module out of `modules` instead")
    units = {e.key: _units(course.points.get(e.key, e.points)) for e in kept}
    for module in modules:
        if module not in course.points:
            continue
        total = _units(course.points[module])
        fixed = [e.key for e in kept if e.module == module and e.key in course.points]
        free = [e.key for e in kept if e.module == module and e.key not in course.points]
        left = total - sum(units[key] for key in fixed)
        if left < 0 or (left > 0 and not free):
            raise CourseError(f"{course.describe()}: {module} is worth {course.points[module]:g} points, which its "
                              "exercises' own points in [points] do not fit")
        for key, share in zip(free, _scaled([units[key] or 1 for key in free], left), strict=True):
            units[key] = share
    zero = [key for key, value in units.items() if value <= 0]
    if zero:
        raise CourseError(f"{course.describe()}: {', '.join(zero)} would be worth no points; drop it instead")
    return tuple(replace(e, points=units[e.key] / POINT_UNITS) for e in kept)


def _load() -> tuple[Course, str]:
    try:
        return read(find()), ""
    except CourseError as error:
        return Course(), str(error)


# The course in force, and why the course file could not be used (every command reports it and stops).
ACTIVE, PROBLEM = _load()


def report_problem(problem: str) -> None:
    """Record a problem found while applying the course (the first one is kept)."""
    global PROBLEM
    PROBLEM = PROBLEM or problem
