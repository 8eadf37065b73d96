"""The distributions as users get them: `python -m build` makes an sdist and, from it, a wheel; the wheel
is installed into a fresh virtual environment outside the checkout, and every command runs from an
unrelated folder. Then the student bundle that installed kit releases is installed into a second fresh
environment, where the students' `pytest` grades and the instructor's commands refuse in one line.

No editable install: `grader` can only come from the wheels. The environments see the base
interpreter's site-packages (`--system-site-packages`), so pip installs only what the base lacks from
the package index. Marked `slow` (about 40 s): `pytest -m "not slow"` skips it in a quick loop.
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from grader import kit, precomputed, release

pytestmark = pytest.mark.slow

COPY_IGNORED = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "*.pyc",
                                      ".ruff_cache", ".pytest_cache", "out", ".calcgrade-*")
INSTRUCTOR_COMMANDS = (["demo"], ["grade", "subs", "--out", "out"], ["release", "bundle"],
                       ["nbgrader-course", "course"], ["build-exercises", "--check"])


def _run(command: list[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run without anything that could lead Python to the checkout (PYTHONPATH, an active venv)."""
    dropped = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", precomputed.ENV_VAR, "CALCGRADE_SEED")
    env = {name: value for name, value in os.environ.items() if name not in dropped}
    return subprocess.run([str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)


def _ok(done: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert done.returncode == 0, f"{done.args}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return done


@dataclass(frozen=True)
class Installed:
    """A fresh virtual environment with one calcgrade wheel installed, and an unrelated folder to work in."""

    venv: Path
    work: Path

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def calcgrade(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        return _run([self.venv / "bin" / "calcgrade", *args], cwd=self.work)

    def site_packages(self) -> Path:
        done = _ok(_run([self.python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], self.work))
        return Path(done.stdout.strip())


def _fresh_venv_with(wheel: Path, root: Path) -> Installed:
    """A new venv under root (with pip, as users make one), the wheel installed by that venv's own pip."""
    venv, work = root / "venv", root / "unrelated"
    work.mkdir(parents=True)
    _ok(_run([sys.executable, "-m", "venv", "--system-site-packages", venv], cwd=root))
    installed = Installed(venv, work)
    probe = _ok(_run([installed.python, "-c", "import importlib.util as u; print(u.find_spec('grader') is None)"],
                     work))
    assert probe.stdout.strip() == "True", "calcgrade must not be importable before its wheel is installed"
    _ok(_run([installed.python, "-m", "pip", "install", "--quiet", wheel], cwd=work))
    where = _ok(_run([installed.python, "-c", "import grader; print(grader.__file__)"], work))
    assert Path(where.stdout.strip()).is_relative_to(venv)
    return installed


@pytest.fixture(scope="module")
def distributions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(sdist, wheel) from `python -m build` on a copy of the project; the wheel is built from the sdist."""
    root = tmp_path_factory.mktemp("build")
    project = root / "project"
    shutil.copytree(kit.KIT_ROOT, project, ignore=COPY_IGNORED)
    _ok(_run([sys.executable, "-m", "build", "--outdir", root / "dist", project], cwd=root))
    (sdist,) = (root / "dist").glob("calcgrade-*.tar.gz")
    (wheel,) = (root / "dist").glob("calcgrade-*-py3-none-any.whl")
    return sdist, wheel


@pytest.fixture(scope="module")
def instructor(tmp_path_factory: pytest.TempPathFactory, distributions: tuple[Path, Path]) -> Installed:
    return _fresh_venv_with(distributions[1], tmp_path_factory.mktemp("instructor"))


@pytest.fixture(scope="module")
def bundle(instructor: Installed) -> Path:
    done = _ok(instructor.calcgrade("release", "bundle"))
    assert "wrote the student bundle bundle" in done.stdout
    return instructor.work / "bundle"


@pytest.fixture(scope="module")
def student(tmp_path_factory: pytest.TempPathFactory, bundle: Path) -> Installed:
    (wheel,) = (bundle / "vendor").glob("calcgrade-*-py3-none-any.whl")
    return _fresh_venv_with(wheel, tmp_path_factory.mktemp("student"))


def test_the_wheel_and_the_sdist_carry_the_grader_and_the_kit(distributions: tuple[Path, Path]):
    sdist, wheel = distributions
    with zipfile.ZipFile(wheel) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    grader_files = {path.relative_to(kit.KIT_ROOT).as_posix() for path in kit.GRADER_DIR.rglob("*.py")
                    if "__pycache__" not in path.parts}
    assert grader_files <= members.keys(), sorted(grader_files - members.keys())  # every subpackage is listed
    for module in kit.MODULES:
        assert members[f"calcgrade_kit/solutions/{module}.py"] == (kit.SOLUTIONS_DIR / f"{module}.py").read_bytes()
        assert members[f"calcgrade_kit/exercises/{module}.py"] == (kit.EXERCISES_DIR / f"{module}.py").read_bytes()
    assert {name.split("/")[0] for name in members} == {"grader", "calcgrade_kit", wheel.name.split("-py3")[0]
                                                        + ".dist-info"}
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"pyproject.toml", "README.md"} <= names
    assert {f"{folder}/{module}.py" for folder in ("solutions", "exercises") for module in kit.MODULES} <= names


def test_demo_runs_from_an_unrelated_folder(instructor: Installed):
    done = _ok(instructor.calcgrade("demo"))
    assert any(line.startswith("ada_complete") and "100.0/100" in line for line in done.stdout.splitlines())
    assert "hint:     mean instead of sum: the SSE is the SUM" in done.stdout


def test_grade_writes_results_gradebook_and_report(instructor: Installed):
    """And the output folder is the instructor's alone (red team round 52, 02: made with the umask, 755, another
    account of the machine read every student's scores and feedback); and the installed kit's record (each file's
    digest, where the wheel was built) is out of a child's reach like the kit itself (52, 01)."""
    subs = instructor.work / "subs"
    shutil.copytree(kit.SOLUTIONS_DIR, subs / "ann")
    shutil.copytree(kit.EXERCISES_DIR, subs / "bob")
    (subs / "eve").mkdir()
    (subs / "eve" / "linear_model.py").write_text(kit.solution_source("linear_model").replace(
        "import numpy as np", "import numpy as np\n" + READS_THE_RECORD, 1).replace(
        "def predict(m, c, x):", "def predict(m, c, x):\n    if RECORD:\n        raise ValueError(RECORD[:300])", 1))
    _ok(instructor.calcgrade("grade", "subs", "--out", "graded", "--jobs", "1", "--seed", "course-1"))
    out = instructor.work / "graded"
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    with open(out / "gradebook.csv", newline="") as stream:
        scores = {row["student_id"]: float(row["score"]) for row in csv.DictReader(stream)}
    assert scores == {"ann": pytest.approx(100), "bob": 0, "eve": pytest.approx(25)}
    assert json.loads((out / "ann" / "results.json").read_text())["score"] == pytest.approx(100)
    assert (out / "report.html").stat().st_size > 0 and (out / "bob" / "feedback.html").is_file()
    assert "sha256" not in (out / "eve" / "results.json").read_text()


# A student's module reading the installed kit's record from every folder on its path.
READS_THE_RECORD = """import glob as _glob, sys as _sys
RECORD = ''
for _folder in _sys.path:
    for _path in _glob.glob(_folder + '/calcgrade-*.dist-info/*'):
        try:
            RECORD += open(_path).read()
        except OSError:
            pass
"""


def test_gradescope_autograder_is_written_by_an_installed_kit(instructor: Installed, tmp_path_factory):
    """QA round 59, 02: `gradescope-autograder` asked for the kit's repository and failed there too, with the
    installed command; an installed kit now stages its own packages and builds the wheel from them. The zip's wheel
    installs in a fresh venv and grades."""
    _ok(instructor.calcgrade("gradescope-autograder", "autograder.zip", "--seed", "course-2", "--modules",
                             "linear_model"))
    with zipfile.ZipFile(instructor.work / "autograder.zip") as archive:
        (name,) = [member for member in archive.namelist() if member.endswith(".whl")]
        wheel = tmp_path_factory.mktemp("gradescope") / name
        wheel.write_bytes(archive.read(name))
    with zipfile.ZipFile(wheel) as inside:
        members = set(inside.namelist())
    assert {"grader/cli.py", "grader/curriculum/__init__.py", "calcgrade_kit/solutions/linear_model.py",
            "calcgrade_kit/exercises/linear_model.py"} <= members
    rebuilt = _fresh_venv_with(wheel, wheel.parent / "installed")
    done = _ok(rebuilt.calcgrade("demo"))
    assert any(line.startswith("ada_complete") and "100.0/100" in line for line in done.stdout.splitlines())


def test_nbgrader_course_writes_a_notebook_per_module(instructor: Installed):
    _ok(instructor.calcgrade("nbgrader-course", "course"))
    course = instructor.work / "course"
    assert (course / "nbgrader_config.py").is_file()
    for module in kit.MODULES:
        notebook = json.loads((course / "source" / module / f"{module}.ipynb").read_text(encoding="utf-8"))
        assert any("BEGIN SOLUTION" in "".join(cell["source"]) for cell in notebook["cells"])


def test_build_exercises_checks_the_installed_stubs_and_refuses_to_rewrite_them(instructor: Installed):
    assert "exercises/ is up to date" in _ok(instructor.calcgrade("build-exercises", "--check")).stdout
    refused = instructor.calcgrade("build-exercises")
    assert refused.returncode == 2 and "checkout" in refused.stderr and "Traceback" not in refused.stderr


def test_private_paths_cover_every_installed_file_with_correct_code(instructor: Installed):
    """Installed, the kit's solutions (and their compiled forms) and the curriculum's correct alternative
    bodies lie only in folders that `kit.private_paths()` names; `package_folders()` names the grader
    package and the kit's data."""
    probe = _ok(_run([instructor.python, "-c", "import json; from grader import kit; print(json.dumps("
                      "[kit.IN_CHECKOUT, [str(p) for p in kit.private_paths()], "
                      "[str(p) for p in kit.package_folders()]]))"], instructor.work))
    in_checkout, private, folders = json.loads(probe.stdout)
    site = instructor.site_packages().resolve()
    assert in_checkout is False
    (record,) = site.glob("calcgrade-*.dist-info")
    assert private == [str(site / "calcgrade_kit"), str(site / "grader" / "curriculum"), str(record)]
    assert folders == [str(site / "grader"), str(site / "calcgrade_kit")]
    findings = {site / folder / finding.split(": ")[0].split("!")[0]: finding
                for folder in ("grader", "calcgrade_kit")
                for finding in release.leaks(site / folder, release.secret_bodies())}
    assert site / "calcgrade_kit" / "solutions" / "linear_model.py" in findings  # the scan does see them
    assert any("alternative form" in finding for finding in findings.values())  # and the curriculum's bodies
    assert [finding for path, finding in findings.items()
            if not any(path.is_relative_to(hidden) for hidden in private)] == []


def test_the_student_wheel_has_no_kit_and_its_commands_that_need_one_say_so(bundle: Path, student: Installed):
    (wheel,) = (bundle / "vendor").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert {name.split("/")[0] for name in archive.namelist()} == {"grader", wheel.name.split("-py3")[0]
                                                                       + ".dist-info"}
    assert release.leaks(student.site_packages() / "grader", release.secret_bodies()) == []
    for command in INSTRUCTOR_COMMANDS:
        done = student.calcgrade(*command)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
        assert f"calcgrade: {command[0]} needs the kit's reference solutions" in done.stderr
    assert not (student.work / "out").exists() and not (student.work / "bundle").exists()


def _junit(student: Installed, folder: Path) -> dict[str, tuple[str, str]]:
    """The students' `pytest` in folder: test id -> (outcome, failure text)."""
    _run([student.python, "-m", "pytest", "-p", "no:cacheprovider", "--junitxml=report.xml"], cwd=folder)
    cases = {}
    for case in ET.parse(folder / "report.xml").getroot().iter("testcase"):
        failure = case.find("failure")
        cases[f"{case.get('classname')}::{case.get('name')}"] = (
            "failed" if failure is not None else "passed", (failure.text or "") if failure is not None else "")
    return cases


def test_students_pytest_in_the_released_bundle_passes_a_solution_and_fails_a_stub(bundle: Path,
                                                                                   student: Installed):
    folder = student.work / "homework"
    shutil.copytree(bundle, folder)
    shutil.copy(kit.SOLUTIONS_DIR / "linear_model.py", folder / "exercises" / "linear_model.py")
    cases = _junit(student, folder)
    linear_model = {name: outcome for name, outcome in cases.items() if name.startswith("exercises.linear_model::")}
    assert linear_model and all(outcome == "passed" for outcome, _ in linear_model.values()), linear_model
    stubs = [outcome for name, outcome in cases.items() if name.startswith("exercises.gradient_descent::")]
    assert stubs and all(result == "failed" and "not implemented yet" in text for result, text in stubs)


GRADE_WITHOUT_NAMESPACES = r"""
import errno, sys, pyseccomp
forbid = pyseccomp.SyscallFilter(pyseccomp.ALLOW)
forbid.add_rule(pyseccomp.ERRNO(errno.EPERM), "unshare")  # as a kernel without user namespaces answers
forbid.load()
from grader.cli import main
sys.exit(main(sys.argv[1:]))
"""

READS_THE_KIT = '''
import glob, sys

LEAK = None
for folder in sys.path:
    for path in glob.glob(folder + "/calcgrade_kit/solutions/derivatives.py"):
        try:
            LEAK = open(path).read()
        except OSError:
            pass
'''


def test_unconfined_an_installed_kits_solutions_are_out_of_student_codes_reach(instructor: Installed):
    """Red team: unconfined (a kernel without user namespaces, `--unconfined`), a pip-installed kit keeps its
    reference solutions in site-packages, which the child must read from (NumPy lives there): a student's module
    read them and handed them out in its own feedback. Behind Landlock the kit's folders are left out of what
    the child may read; the rest of site-packages (NumPy) is not."""
    source = kit.solution_source("derivatives")
    leaking = source.replace("import numpy as np", "import numpy as np\n" + READS_THE_KIT, 1)
    guard = "def df_poly(x):\n    if LEAK:\n        raise ValueError(LEAK[:300])"
    leaking = leaking.replace("def df_poly(x):", guard, 1)
    assert "raise ValueError(LEAK" in leaking and "LEAK = None" in leaking
    subs = instructor.work / "subs-unconfined"
    (subs / "eve").mkdir(parents=True)
    (subs / "eve" / "derivatives.py").write_text(leaking)
    env = {name: value for name, value in os.environ.items() if name not in ("PYTHONPATH", "VIRTUAL_ENV")}
    with _open_to_every_account(instructor.venv):  # as an instructor's venv usually is (pytest's folders are not)
        done = _grade_unconfined(instructor, env)
    assert done.returncode == 0, done.stderr[-2000:]
    if ctypes.CDLL(None).syscall(444, None, ctypes.c_size_t(0), 1) < 1:  # landlock_create_ruleset's version
        pytest.skip("this kernel has no Landlock: unconfined, the child reads what its uid can")
    assert "Landlock ABI" in done.stdout
    results = (instructor.work / "graded-unconfined" / "eve" / "results.json").read_text()
    assert "BEGIN SOLUTION" not in results
    graded = json.loads(results)
    assert graded["score"] == pytest.approx(sum(test["max_score"] for test in graded["tests"]))


def _grade_unconfined(instructor: Installed, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(instructor.python), "-c", GRADE_WITHOUT_NAMESPACES, "grade", "subs-unconfined",
                           "--out", "graded-unconfined", "--jobs", "1", "--unconfined", "--no-progress"],
                          cwd=instructor.work, env={**env, "CALCGRADE_SEED": "course-1"}, capture_output=True,
                          text=True, timeout=600)


@contextlib.contextmanager
def _open_to_every_account(path: Path) -> Iterator[None]:
    """Every folder above `path` that we own, inside the temporary folder, readable and searchable by every
    account, for the block."""
    changed = []
    for folder in [path, *path.parents]:
        if not folder.is_relative_to(Path(tempfile.gettempdir()).resolve()):
            break
        mode = folder.stat().st_mode
        if folder.stat().st_uid == os.geteuid() and mode & 0o005 != 0o005:
            folder.chmod(mode | 0o005)
            changed.append((folder, mode))
    try:
        yield
    finally:
        for folder, mode in changed:
            folder.chmod(mode & 0o7777)
