"""`calcgrade release DIR`: the student bundle, with everything `pytest` needs and no solution code.

DIR gets the stubs (`exercises/`), the grader as a wheel (`vendor/`), the public checks' reference
data precomputed from the kit (`.calcgrade/public_checks.json`, see `grader.precomputed`), a
`pytest.ini` and a README for students. The wheel is built from a staged copy of the `grader`
package in which the curriculum's known-mistake and alternative-form bodies (near-solutions and
correct solutions) are replaced by a placeholder: the bundle names mistakes from the precomputed
values, never by running those bodies. Its project file is written here (`student_pyproject`), not
copied: the instructor's distribution also packages the kit's solutions, the student's never does,
and the release works the same from a checkout and from an installed calcgrade. Before it returns,
the release scans every file of DIR and every member of the wheel for solution code (any solution
region, mistake body or alternative body whose lines all occur in one file) and fails if it finds any.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from grader import course, kit, precomputed
from grader.curriculum import DECLARED, EXERCISES
from grader.spec import Exercise

PLACEHOLDER = "raise NotImplementedError('not shipped in the student bundle')"
DATA_PATH = Path(".calcgrade") / "public_checks.json"


class ReleaseError(Exception):
    """The bundle could not be made, or would have shipped something it must not."""


@dataclass(frozen=True)
class Bundle:
    root: Path
    wheel: Path
    data: Path
    install_command: str


# ----- what must never ship ------------------------------------------------------------------


def _lines(body: str) -> Iterator[str]:
    return (line.strip() for line in body.splitlines() if line.strip())


def secret_bodies(exercises: Iterable[Exercise] = DECLARED) -> dict[str, tuple[str, ...]]:
    """Where a body comes from -> its code lines, for every solution region, mistake body and
    alternative body; lines the stubs show anyway (e.g. a given function's `return`) are left out.

    A body counts as shipped when all its lines occur in one file: a single generic line such as
    `return path` also occurs in unrelated code, a whole body does not."""
    stubs = "\n".join(kit.stub_source(kit.solution_source(module)) for module in kit.MODULES)
    bodies: dict[str, str] = {}
    for module in kit.ALL_MODULES:  # the course's modules and those it leaves out: none may ship
        source = kit.solution_source(module)
        lines = source.splitlines()
        for function, (begin, end, _) in kit.solution_regions(source).items():
            bodies[f"solution of {module}.{function}"] = "\n".join(lines[begin + 1 : end])
    for exercise in exercises:
        for mistake in exercise.misconceptions:
            bodies[f"mistake {mistake.name!r} of {exercise.key}"] = mistake.body
        for number, body in enumerate(exercise.alternatives, 1):
            bodies[f"alternative form {number} of {exercise.key}"] = body
    secrets = {origin: tuple(line for line in _lines(body) if line not in stubs) for origin, body in bodies.items()}
    return {origin: lines for origin, lines in secrets.items() if lines}


def _texts(root: Path) -> Iterator[tuple[str, str]]:
    """(name, text) of every file under root, and of every member of every wheel or zip there."""
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        name = str(path.relative_to(root))
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    yield f"{name}!{member}", archive.read(member).decode("utf-8", errors="replace")
        else:
            yield name, path.read_bytes().decode("utf-8", errors="replace")


def leaks(root: Path, bodies: Mapping[str, tuple[str, ...]]) -> list[str]:
    """Which files under root (and members of archives there) hold which body, as readable findings."""
    return [f"{name}: {origin}" for name, text in _texts(root)
            for origin, lines in bodies.items() if all(line in text for line in lines)]


# ----- the staged grader package ---------------------------------------------------------------


def strip_bodies(source: str, bodies: set[str]) -> tuple[str, int]:
    """The source with every string literal whose value is one of `bodies` replaced by PLACEHOLDER."""
    spans = [(node.lineno, node.col_offset, node.end_lineno, node.end_col_offset)
             for node in ast.walk(ast.parse(source))
             if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in bodies]
    lines = [line.encode() for line in source.splitlines(keepends=True)]  # ast offsets count UTF-8 bytes
    for start_line, start_col, end_line, end_col in sorted(spans, reverse=True):
        assert end_line is not None and end_col is not None
        head, tail = lines[start_line - 1][:start_col], lines[end_line - 1][end_col:]
        lines[start_line - 1 : end_line] = [head + repr(PLACEHOLDER).encode() + tail]
    stripped = b"".join(lines).decode()
    ast.parse(stripped)
    return stripped, len(spans)


@dataclass(frozen=True)
class ProjectFacts:
    """What the student wheel keeps of the running calcgrade's project: its version, Python requirement,
    runtime dependencies (no extras) and entry points (group -> name -> object reference)."""

    version: str
    requires_python: str
    dependencies: tuple[str, ...]
    entry_points: dict[str, dict[str, str]] = field(default_factory=dict)


def project_facts() -> ProjectFacts:
    """The facts of the running calcgrade: from the checkout's pyproject.toml where it runs from a
    checkout, else from the metadata of its installed distribution."""
    if kit.IN_CHECKOUT:
        project = tomllib.loads((kit.KIT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
        groups = {"console_scripts": project.get("scripts", {}), "gui_scripts": project.get("gui-scripts", {}),
                  **project.get("entry-points", {})}
        return ProjectFacts(project["version"], project.get("requires-python", ""),
                            tuple(project.get("dependencies", ())),
                            {group: dict(points) for group, points in groups.items() if points})
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        installed = distribution("calcgrade")
    except PackageNotFoundError as error:
        raise ReleaseError("calcgrade is neither a checkout nor an installed distribution here") from error
    requirements = tuple(r for r in installed.requires or () if "extra ==" not in r.partition(";")[2])
    groups: dict[str, dict[str, str]] = {}
    for point in installed.entry_points:
        groups.setdefault(point.group, {})[point.name] = point.value
    return ProjectFacts(installed.version, installed.metadata.get("Requires-Python") or "", requirements, groups)


STUDENT_DESCRIPTION = "The checker of a calcgrade student bundle: public checks from precomputed data, no solutions."
STUDENT_WHEEL_README = """\
# calcgrade, as shipped in a student bundle

`pytest` in the bundle's folder runs the public checks on `exercises/` with teaching feedback; the
expected values come from the bundle's `.calcgrade/public_checks.json`. This package holds no
reference solution: the instructor's commands (`calcgrade grade`, `demo`, `release`, …) need the
instructor's kit and say so here.
"""


def _toml(value: str) -> str:
    return json.dumps(value)  # a JSON string is a TOML basic string


def student_pyproject(facts: ProjectFacts) -> str:
    """The project file of the student wheel: the `grader` package only, with the running calcgrade's
    version, dependencies and entry points (the `calcgrade` command and the pytest plugin)."""
    return _pyproject(facts, "The student bundle's calcgrade (written by `calcgrade release`): the grader package, "
                      "no solutions.", STUDENT_DESCRIPTION, ("grader*",))


def _pyproject(facts: ProjectFacts, comment: str, description: str, packages: tuple[str, ...]) -> str:
    """A project file with the running calcgrade's version, dependencies and entry points, for `packages`."""
    tables = {"console_scripts": "project.scripts", "gui_scripts": "project.gui-scripts"}
    entry_points = "".join(
        f"\n[{tables.get(group, f'project.entry-points.{_toml(group)}')}]\n"
        + "".join(f"{_toml(name)} = {_toml(value)}\n" for name, value in sorted(points.items()))
        for group, points in sorted(facts.entry_points.items()))
    dependencies = "".join(f"    {_toml(requirement)},\n" for requirement in facts.dependencies)
    return f"""\
# {comment}
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "calcgrade"
version = {_toml(facts.version)}
description = {_toml(description)}
readme = "README.md"
requires-python = {_toml(facts.requires_python)}
dependencies = [
{dependencies}]
{entry_points}
[tool.setuptools.packages.find]
include = [{", ".join(_toml(package) for package in packages)}]
"""


def stage_package(into: Path, exercises: Iterable[Exercise] = DECLARED) -> int:
    """Copy `grader/` into `into`, without the curriculum's mistake and alternative bodies, with the
    student wheel's project file and README; returns how many literals were replaced."""
    shutil.copytree(kit.GRADER_DIR, into / "grader", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (into / "pyproject.toml").write_text(student_pyproject(project_facts()), encoding="utf-8")
    (into / "README.md").write_text(STUDENT_WHEEL_README, encoding="utf-8")
    bodies = {m.body for e in exercises for m in e.misconceptions} | {b for e in exercises for b in e.alternatives}
    replaced = 0
    for path in sorted((into / "grader").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        stripped, count = strip_bodies(source, bodies)
        if count:
            path.write_text(stripped, encoding="utf-8")
            replaced += count
    return replaced


def instructor_pyproject(facts: ProjectFacts) -> str:
    """The project file of the instructor's wheel rebuilt from an installed kit (as the checkout's pyproject.toml
    builds it): the grader and the kit's data package `calcgrade_kit` (the solutions and the stubs)."""
    return _pyproject(facts, "The instructor's calcgrade, rebuilt from an installed kit: the grader and the kit's "
                      "data.",
                      "Auto-graded exercises for the calculus behind machine learning.",
                      ("grader*", f"{kit.KIT_DATA_PACKAGE}*"))


def stage_installed_kit(into: Path) -> None:
    """Copy the installed kit (`grader/` and the data package with the solutions and the stubs) into `into` with
    a project file, so that a wheel of it can be built where no checkout is (`calcgrade gradescope-autograder` of a
    pip-installed kit: it asked for the repository, and failed there too with the installed command)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(kit.GRADER_DIR, into / "grader", ignore=ignore)
    data = into / kit.KIT_DATA_PACKAGE
    for folder in (kit.SOLUTIONS_DIR, kit.EXERCISES_DIR):
        shutil.copytree(folder, data / folder.name, ignore=ignore)
        (data / folder.name / "__init__.py").touch()
    (data / "__init__.py").touch()
    (into / "pyproject.toml").write_text(instructor_pyproject(project_facts()), encoding="utf-8")
    (into / "README.md").write_text("# calcgrade\n\nThe instructor's calcgrade, rebuilt from an installed kit.\n",
                                    encoding="utf-8")


def build_wheel(staged: Path, out: Path, python: str = sys.executable) -> Path:
    """Build the staged project's wheel with pip (build requirements from the package index)."""
    out.mkdir(parents=True, exist_ok=True)
    command = [python, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(staged)]
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    wheels = sorted(out.glob("calcgrade-*.whl"))
    if run.returncode != 0 or len(wheels) != 1:
        raise ReleaseError(f"building the wheel failed ({' '.join(command)}):\n{run.stdout}{run.stderr}")
    return wheels[0]


# ----- the bundle -----------------------------------------------------------------------------


PYTEST_INI = f"""\
[pytest]
# `pytest` in this folder runs the public checks on exercises/ (the calcgrade plugin, installed
# with the wheel in vendor/, collects the module files; nothing else is collected).
testpaths = exercises
{precomputed.INI_OPTION} = {DATA_PATH.as_posix()}
"""


def student_readme(wheel_name: str, exercises: Iterable[Exercise] = EXERCISES) -> str:
    modules: dict[str, list[str]] = {}
    for exercise in exercises:
        modules.setdefault(exercise.module, []).append(f"`{exercise.function}`")
    listing = "\n".join(f"- `exercises/{module}.py`: {', '.join(functions)}" for module, functions in modules.items())
    return f"""\
# Calculus for machine learning: exercises

Each file in `exercises/` explains its topic in the module docstring and asks for a few functions.
Every function body is `raise NotImplementedError`: replace it with your code. Keep the function
names and parameters as they are.

{listing}

## Set up (once)
With Python 3.11 or newer, in this folder (a virtual environment is a good idea:
`python -m venv .venv` and activate it first):

```
python -m pip install ./vendor/{wheel_name}
```

This installs the checker, and NumPy, SymPy, pytest and the rest it needs from the package index.

## Check your work
```
pytest
```
runs the public checks on `exercises/`, one test per function (`pytest exercises/derivatives.py`
checks one file, `pytest -x` stops at the first failure). Your code runs in a separate process.

## Reading the feedback
A function you have not written yet fails with "not implemented yet". A wrong answer fails with,
for each check that failed:

- `call:` the call that was made, with its arguments,
- `returned:` what your function returned, and `expected:` what it should have returned,
- `problem:` what is wrong (e.g. "off by up to 0.5", or a wrong shape),
- `hint:` what to look at; when your answer matches a known mistake (a flipped sign, a missing
  factor 2, a forward instead of a central difference, …) the hint names that mistake.

These are the public checks. Your instructor also grades hidden checks on other inputs, and the
points are earned there: a public check counts only where the hidden check of the same kind passes
too. Make your functions right in general, not just for these inputs.

## Tolerance
A returned number `got` matches an expected `want` when `|got − want| ≤ atol + rtol·|want|`, elementwise, and is finite.
"""


def write_bundle(out: Path, python: str = sys.executable) -> Bundle:
    """Write the student bundle into `out` (new or empty), check it for solution code, describe it. Where it
    fails, what it wrote is removed, so that the same command can be run again (a half-written bundle was
    refused as a folder not empty: QA round 59, 08); a folder it cannot make is told in one line (03)."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ReleaseError(f"{out} exists and is not an empty folder: choose a new one")
    if not kit.has_solutions():
        raise ReleaseError(kit.missing_kit_message("release"))
    made = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ReleaseError(f"cannot create the bundle folder {out}: {error.strerror or error}") from error
    try:
        return _write_bundle(out, python)
    except BaseException:
        for item in [out] if made else list(out.iterdir()):
            if item.is_dir() and not item.is_symlink():
                shutil.rmtree(item, ignore_errors=True)
            else:
                item.unlink(missing_ok=True)
        raise


def _write_bundle(out: Path, python: str) -> Bundle:
    for module in kit.MODULES:
        path = out / "exercises" / f"{module}.py"
        path.parent.mkdir(exist_ok=True)
        path.write_text(kit.stub_source(kit.solution_source(module)), encoding="utf-8")
    precomputed.write(out / DATA_PATH, precomputed.public_checks_data())
    with tempfile.TemporaryDirectory(prefix="calcgrade-release-") as scratch:
        staged = Path(scratch) / "project"
        stage_package(staged)
        wheel = build_wheel(staged, Path(scratch) / "dist", python)
        shipped = out / "vendor" / wheel.name
        shipped.parent.mkdir()
        shutil.copy2(wheel, shipped)
    (out / "pytest.ini").write_text(PYTEST_INI, encoding="utf-8")
    if course.ACTIVE.path is not None:  # the students' pytest grades the same exercises for the same points
        shutil.copy2(course.ACTIVE.path, out / course.FILE_NAME)
    (out / "README.md").write_text(student_readme(shipped.name), encoding="utf-8")
    found = leaks(out, secret_bodies())
    if found:
        raise ReleaseError("the bundle would ship solution code:\n  " + "\n  ".join(found[:20]))
    return Bundle(out, shipped, out / DATA_PATH, f"python -m pip install ./vendor/{shipped.name}")
