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
from functools import cache
from pathlib import Path

KIT_ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS_DIR = KIT_ROOT / "solutions"
# Folders of the kit that hold correct code in some form, which a grading child must never read:
# the solutions, their history, the correct alternative bodies of the curriculum, and the kit's tests.
PRIVATE_FOLDERS = ("solutions", ".git", "grader/curriculum", "tests", "benchmarks", "build", "dist")
EXERCISES_DIR = KIT_ROOT / "exercises"
MODULES = ("derivatives", "partial_derivatives", "linear_model", "gradient_descent")
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB_BODY = "raise NotImplementedError"
_DEF = re.compile(r"^def (\w+)\(")


@cache
def solution_source(module: str) -> str:
    return (SOLUTIONS_DIR / f"{module}.py").read_text(encoding="utf-8")


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
    """Execute kit-owned source (never a student's) as a fresh module in this process."""
    module = types.ModuleType(name)
    module.__file__ = filename
    exec(compile(source, filename, "exec"), module.__dict__)  # noqa: S102 - the kit's own code
    return module


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


def private_paths() -> list[Path]:
    """The kit's folders a child must not see (those that exist), including the history that a `.git`
    file of a linked work tree points to."""
    paths = [KIT_ROOT / name for name in PRIVATE_FOLDERS if (KIT_ROOT / name).is_dir()]
    git_file = KIT_ROOT / ".git"
    if git_file.is_file():
        text = git_file.read_text(encoding="utf-8", errors="replace").strip()
        if text.startswith("gitdir:"):
            linked = (KIT_ROOT / text.removeprefix("gitdir:").strip()).resolve()
            paths += [linked, *(parent for parent in linked.parents if parent.name == ".git")]
    return paths
