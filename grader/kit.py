"""The kit's single source: the reference solutions, and the sources derived from them.

`solutions/` is the one place where the curriculum's code is written. Student stubs are the
solutions with each `### BEGIN SOLUTION` … `### END SOLUTION` region replaced by
`raise NotImplementedError` (as nbgrader does); a known mistake or an alternative correct form is
the solution with one region replaced by another body. The parent loads solution modules here
(trusted code only); student code is never loaded by this module.
"""

from __future__ import annotations

import re
import textwrap
import types
from functools import cache, lru_cache
from pathlib import Path

from grader import course

GRADER_DIR = Path(__file__).resolve().parent
# Where the kit is: a checkout (the repository, `solutions/` and `exercises/` beside `grader/`), or an
# installed distribution, whose wheel maps those two folders into the package `calcgrade_kit` beside
# `grader` (see pyproject.toml). A student bundle's wheel has neither: it grades from precomputed data.
KIT_ROOT = GRADER_DIR.parent
KIT_DATA_PACKAGE = "calcgrade_kit"
IN_CHECKOUT = (KIT_ROOT / "pyproject.toml").is_file() and (KIT_ROOT / "solutions").is_dir()
_DATA_PARENT = KIT_ROOT if IN_CHECKOUT else KIT_ROOT / KIT_DATA_PACKAGE
SOLUTIONS_DIR = _DATA_PARENT / "solutions"
EXERCISES_DIR = _DATA_PARENT / "exercises"
# Folders of a checkout that hold correct code in some form, which a grading child must never read:
# the solutions, their history, the correct alternative bodies of the curriculum, the kit's tests and
# benchmarks, and build outputs (which copy the solutions).
PRIVATE_FOLDERS = ("solutions", ".git", "grader/curriculum", "tests", "benchmarks", "build", "dist")
# Every module the kit ships, in teaching order; the four core modules are the default course (100 points).
CORE_MODULES = ("derivatives", "partial_derivatives", "linear_model", "gradient_descent")
ALL_MODULES = (*CORE_MODULES, "neural_network")
# The course seed when none is given: public, so anyone with the kit can recompute hidden inputs drawn from it.
DEFAULT_SEED = "calcgrade"
SEED_VARIABLE = "CALCGRADE_SEED"  # where the course seed is read from, kept out of the process list


def _course_modules() -> tuple[str, ...]:
    try:
        return course.course_modules(course.ACTIVE, ALL_MODULES, CORE_MODULES)
    except course.CourseError as error:
        course.report_problem(str(error))
        return CORE_MODULES


# The modules of the course in force (`grader.course`): what is graded, collected, released and built.
MODULES = _course_modules()
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB_BODY = "raise NotImplementedError"
_DEF = re.compile(r"^def (\w+)\(")


class KitMissing(FileNotFoundError):
    """This grader has no reference solutions: it is a student bundle's, not the instructor's kit."""


def has_solutions() -> bool:
    """Are the kit's reference solutions here (a checkout or the instructor's distribution)?"""
    return all((SOLUTIONS_DIR / f"{module}.py").is_file() for module in MODULES)


def missing_kit_message(what: str) -> str:
    """One line saying why `what` cannot run with this grader, and where it can."""
    return (f"{what} needs the kit's reference solutions, which this installation lacks (a student bundle's "
            f"grader ships none; looked in {SOLUTIONS_DIR}): use the instructor's kit")


def require_solutions(what: str) -> None:
    """Raise `KitMissing` with a one-line explanation unless the reference solutions are here."""
    if not has_solutions():
        raise KitMissing(missing_kit_message(what))


@cache
def solution_source(module: str) -> str:
    path = SOLUTIONS_DIR / f"{module}.py"
    if not path.is_file() and module in ALL_MODULES:
        raise KitMissing(missing_kit_message(f"the reference solution of {module}"))
    return path.read_text(encoding="utf-8")


def solution_regions(source: str) -> dict[str, tuple[int, int, str]]:
    """Function name -> (line of BEGIN, line of END, indentation) for every marked region."""
    regions: dict[str, tuple[int, int, str]] = {}
    current, begin = None, None
    for number, line in enumerate(source.splitlines()):
        if match := _DEF.match(line):
            current = match.group(1)
        stripped = line.strip()
        if stripped == BEGIN:
            begin = number
        elif stripped == END:
            if current is None or begin is None:
                raise ValueError(f"line {number + 1}: {END} without {BEGIN}")
            regions[current] = (begin, number, line[: len(line) - len(line.lstrip())])
            begin = None
    return regions


def replace_bodies(source: str, bodies: dict[str, str]) -> str:
    """The source with the marked region of each named function replaced by the given body."""
    lines = source.splitlines()
    regions = solution_regions(source)
    missing = set(bodies) - set(regions)
    if missing:
        raise KeyError(f"no solution region for {sorted(missing)}")
    for name, (begin, end, indent) in sorted(regions.items(), key=lambda item: -item[1][0]):
        if name in bodies:
            lines[begin : end + 1] = textwrap.indent(textwrap.dedent(bodies[name]).strip("\n"), indent).splitlines()
    return "\n".join(lines) + "\n"


def stub_source(source: str) -> str:
    """The student's version: every solution region becomes `raise NotImplementedError`."""
    return replace_bodies(source, dict.fromkeys(solution_regions(source), STUB_BODY))


def variant_source(module: str, function: str, body: str) -> str:
    """The reference solution of `module` with one function's body replaced (a mistake or a variant)."""
    return replace_bodies(solution_source(module), {function: body})


def load_trusted_module(name: str, source: str, filename: str) -> types.ModuleType:
    """Execute kit-owned source (never a student's) as a fresh module in this process. The compiled code is
    remembered: error carried forward loads the same reference afresh for every candidate."""
    module = types.ModuleType(name)
    module.__file__ = filename
    exec(_compiled_trusted(source, filename), module.__dict__)  # noqa: S102 - the kit's own code
    return module


@lru_cache(maxsize=256)
def _compiled_trusted(source: str, filename: str) -> types.CodeType:
    return compile(source, filename, "exec")


@cache
def solution_module(module: str) -> types.ModuleType:
    return load_trusted_module(f"calcgrade_reference_{module}", solution_source(module),
                               str(SOLUTIONS_DIR / f"{module}.py"))


@cache
def variant_function(module: str, function: str, body: str):
    """The named function from the solution module with that function's body replaced."""
    source = variant_source(module, function, body)
    loaded = load_trusted_module(f"calcgrade_variant_{module}", source, f"<{module}.{function} variant>")
    return getattr(loaded, function)


def package_folders() -> list[Path]:
    """The folders this calcgrade runs from: the `grader` package and the kit's data (solutions and
    exercises), those that exist. In a checkout the data folders are the repository's `solutions/` and
    `exercises/`; installed, the package `calcgrade_kit` beside `grader`. The sandbox needs the grader
    package readable; of the data, only what `private_paths` leaves out may be shown to a child."""
    data = [SOLUTIONS_DIR, EXERCISES_DIR] if IN_CHECKOUT else [_DATA_PARENT]
    return [folder for folder in (GRADER_DIR, *data) if folder.is_dir()]


def private_paths() -> list[Path]:
    """The kit's folders a child must not see (those that exist): every folder that holds correct code
    in any form. In a checkout: the solutions, the curriculum, tests, benchmarks, build outputs and the
    history, including the one a `.git` file of a linked work tree points to. Installed: the kit's data
    package (the solutions and their compiled forms), the curriculum inside the grader package and the
    distribution's record beside them (each file's digest and size, a test of a guess at the solutions, and where
    the wheel was built)."""
    if not IN_CHECKOUT:
        records = sorted(KIT_ROOT.glob("calcgrade-*.dist-info"))
        return [folder for folder in (_DATA_PARENT, GRADER_DIR / "curriculum", *records) if folder.is_dir()]
    paths = [KIT_ROOT / name for name in PRIVATE_FOLDERS if (KIT_ROOT / name).is_dir()]
    git_file = KIT_ROOT / ".git"
    if git_file.is_file():
        text = git_file.read_text(encoding="utf-8", errors="replace").strip()
        if text.startswith("gitdir:"):
            linked = (KIT_ROOT / text.removeprefix("gitdir:").strip()).resolve()
            paths += [linked, *(parent for parent in linked.parents if parent.name == ".git")]
    return paths


STRONG_SEED_CHARACTERS = 20  # a seed shorter than this is warned about


def weak_seed_warning(course_seed: str) -> str:
    """A warning for a course seed a student could guess from a list (a course name and a year, a word and a
    number): each guess costs her a scrypt (`engine.hidden_key`), so a seed of 32 random hex digits is out of reach
    where a typed one is not. "" for a seed long enough."""
    if len(course_seed) >= STRONG_SEED_CHARACTERS:
        return ""
    return (f"the course seed is short ({len(course_seed)} characters): a student who guesses it (from a list of "
            "course names, words and numbers, checked against what her results.json shows) can recompute every hidden "
            "input; use a random one, e.g. python3 -c 'import secrets; print(secrets.token_hex(16))'")
