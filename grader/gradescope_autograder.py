"""The Gradescope autograder: `calcgrade gradescope-autograder ZIP --seed SEED` writes the zip an
instructor uploads, and `run_autograder` (in that zip) grades one submission with it.

The zip holds `setup.sh` and `run_autograder` at its root (Gradescope's format), the calcgrade wheel built from
the kit (`pip wheel --no-deps` of the kit's root), `calcgrade_autograder.json` (the modules graded), the course
file in force where there is one (`calcgrade.toml`: its modules, dropped exercises and points, which
`run_autograder` puts in force as `calcgrade --course` did) and `course_key`. The course seed itself never goes
in: `course_key` is derived from it (HMAC-SHA256), so a leak of the zip reveals nothing about the seed's other
uses. The key file is made readable by root only (by `setup.sh`, and again before each run), is read by the
grading process before any student code runs, and is never put in an environment or on a command line. Student
code runs in the sandbox as an unprivileged uid in a mount namespace where all of `/autograder` is hidden.

`run_autograder` grades `/autograder/submission` (plain files, a notebook, a zip, or close names, as
`grader.submission` reads them) into `/autograder/results/results.json`, in Gradescope's fields: feedback
as Markdown (`output_format: md`), public checks `visible`, hidden checks `after_published`, the grader's
own output (`stdout`) hidden from students, and `execution_time`. It always writes a results.json: a
broken submission scores 0 with notes, and if the grader itself fails the result is score 0 with a
message (written by Python, or by the shell script if Python cannot even start).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import stat
import sys
import tempfile
import time
import traceback
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from grader.spec import SubmissionResult

ROOT_VARIABLE = "CALCGRADE_AUTOGRADER_ROOT"  # the /autograder tree (tests simulate one elsewhere)
PYTHON_VARIABLE = "CALCGRADE_AUTOGRADER_PYTHON"  # the Python that has calcgrade (setup.sh makes /opt/calcgrade)
KEY_FILE = "course_key"
COURSE_FILE = "calcgrade.toml"  # the course in force where the zip was made (read at import: run_autograder names it)
CONFIG_FILE = "calcgrade_autograder.json"
VENV = "/opt/calcgrade"
MAX_METADATA_BYTES = 1 << 20
_KEY_CONTEXT = b"calcgrade gradescope autograder hidden checks"

FAILURE_MESSAGE = ("The autograder could not grade this submission: it failed itself (not because of your code). "
                   "Please tell your instructor; your files were received.")
_FALLBACK_RESULTS = json.dumps({"score": 0, "output": FAILURE_MESSAGE, "output_format": "md", "visibility": "visible",
                                "stdout_visibility": "hidden", "tests": []})
assert "'" not in _FALLBACK_RESULTS  # it is written from a single-quoted shell word

SETUP_SH = f"""\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (the zip is in /autograder/source).
set -euo pipefail
cd /autograder/source
python=""
for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        python="$candidate"
        break
    fi
done
if [ -z "$python" ]; then
    apt-get install -y python3.11 python3.11-venv
    python=python3.11
fi
if ! "$python" -m venv {VENV}; then
    apt-get install -y "$(basename "$python")-venv"
    "$python" -m venv {VENV}
fi
{VENV}/bin/python -m pip install --quiet --upgrade pip
{VENV}/bin/python -m pip install --quiet /autograder/source/calcgrade-*.whl
chmod -R a+rX {VENV}
# The kit's solutions, its correct alternatives and the wheel that holds them are root's alone: where the
# container forbids the sandbox's namespaces, student code runs as an unprivileged uid that cannot read them.
{VENV}/bin/python -I -c 'from grader import kit; print("\\n".join(map(str, kit.private_paths())))' |
    while read -r folder; do chmod -R go-rwx "$folder"; done
chmod 700 /autograder/source
chown root:root /autograder/source/{KEY_FILE}
chmod 600 /autograder/source/{KEY_FILE}
chmod 755 /autograder/source/run_autograder
"""

RUN_AUTOGRADER = f"""\
#!/usr/bin/env bash
# Gradescope runs this as root for every submission. It grades /autograder/submission into
# /autograder/results/results.json and always leaves a results.json there, also when grading fails.
root="${{{ROOT_VARIABLE}:-/autograder}}"
python="${{{PYTHON_VARIABLE}:-{VENV}/bin/python}}"
mkdir -p "$root/results"
rm -f "$root/results/results.json"
# from the zip's own folder: a course file in the folder it is started from (the student's?) is never read
cd "$root/source" || exit 1
# the course the zip was made for (its modules, dropped exercises and points), or the kit's default course
if [ -f "$root/source/{COURSE_FILE}" ]; then
    export CALCGRADE_COURSE="$root/source/{COURSE_FILE}"
else
    unset CALCGRADE_COURSE
fi
"$python" -I -m grader.gradescope_autograder "$root"
status=$?
if [ "$status" -ne 0 ] || [ ! -s "$root/results/results.json" ]; then
    echo "calcgrade: grading ended with status $status; writing a results.json with score 0"
    printf '%s\\n' '{_FALLBACK_RESULTS}' > "$root/results/results.json"
fi
exit 0
"""


def course_key(course_seed: str) -> str:
    """What the autograder keeps of the course seed: a key derived from it, used as the seed of its hidden checks."""
    return hmac.new(course_seed.encode("utf-8"), _KEY_CONTEXT, hashlib.sha256).hexdigest()


# ----- the zip --------------------------------------------------------------------------------------


class AutograderError(Exception):
    """The autograder zip could not be made."""


def max_points(modules: Sequence[str]) -> float:
    from grader.curriculum import EXERCISES

    return sum(exercise.points for exercise in EXERCISES if exercise.module in modules)


def write_autograder(path: Path, course_seed: str, modules: Sequence[str], python: str = sys.executable,
                     course_file: Path | None = None) -> Path:
    """Write the zip Gradescope expects to `path` (see the module docstring); returns the wheel's name in it.
    `course_file`: the course in force (`grader.course.ACTIVE.path`), carried in the zip so that the autograder
    grades the same exercises for the same points (without it, the kit's default course)."""
    from grader import kit
    from grader.release import ReleaseError, build_wheel, stage_installed_kit

    config = {"modules": list(modules), "max_points": max_points(modules)}
    with tempfile.TemporaryDirectory(prefix="calcgrade-gradescope-") as scratch:
        try:
            project = kit.KIT_ROOT
            if not kit.IN_CHECKOUT:  # a pip-installed kit: its packages, staged as a project of their own
                project = Path(scratch) / "kit"
                stage_installed_kit(project)
            wheel = build_wheel(project, Path(scratch) / "dist", python)
        except (ReleaseError, OSError) as error:
            raise AutograderError(str(error)) from error
        members: list[tuple[str, bytes, int]] = [
            ("setup.sh", SETUP_SH.encode(), 0o755),
            ("run_autograder", RUN_AUTOGRADER.encode(), 0o755),
            (CONFIG_FILE, json.dumps(config, indent=2).encode(), 0o644),
            (KEY_FILE, course_key(course_seed).encode(), 0o600),
            (wheel.name, wheel.read_bytes(), 0o644),
        ]
        if course_file is not None:
            members.append((COURSE_FILE, course_file.read_bytes(), 0o644))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data, mode in members:
            info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    os.replace(temporary, path)
    return Path(wheel.name)


# ----- grading one submission -------------------------------------------------------------------


def _fenced(text: str) -> str:
    """Text shown verbatim in Markdown: a fence longer than any run of backticks in it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def _markdown_text(text: str) -> str:
    """Plain text (e.g. a note naming a student's file) with Markdown's special characters escaped."""
    return re.sub(r"([\\`*_{}\[\]()<>#+\-.!|~])", r"\\\1", text)


def gradescope_results(result: SubmissionResult, seconds: float) -> dict[str, Any]:
    """calcgrade's results.json (`grader.gradescope.results_json`) as Gradescope shows it: Markdown feedback,
    the execution time, the grader's own output hidden from students."""
    from grader.gradescope import results_json

    data = results_json(result)
    for test in data["tests"]:
        test["output"] = "passed" if test["status"] == "passed" else _fenced(test["output"])
        test["output_format"] = "md"
    lines = data["output"].splitlines()
    data["output"] = "\n".join(f"- {_markdown_text(line)}" for line in lines) if len(lines) > 1 \
        else _markdown_text(data["output"])
    data.update(output_format="md", execution_time=max(1, round(seconds)), visibility="visible",
                stdout_visibility="hidden")
    return data


def failure_results(seconds: float) -> dict[str, Any]:
    return {"score": 0, "output": FAILURE_MESSAGE, "output_format": "md", "execution_time": max(1, round(seconds)),
            "visibility": "visible", "stdout_visibility": "hidden", "tests": []}


def read_key(path: Path) -> str:
    """The course key, made readable by root only first (when running as root, as on Gradescope)."""
    if os.geteuid() == 0:
        os.chown(path, 0, 0, follow_symlinks=False)
        os.chmod(path, 0o600, follow_symlinks=False)
    key = path.read_text(encoding="ascii").strip()
    if not re.fullmatch(r"[0-9a-f]{64}", key):
        raise ValueError(f"{path} does not hold a course key")
    return key


def submission_id(metadata: Path) -> str:
    """Who submitted (Gradescope's user ids, joined for a group): the student id the hidden inputs are drawn for."""
    try:
        if metadata.stat().st_size > MAX_METADATA_BYTES:
            return "submission"
        users = json.loads(metadata.read_text(encoding="utf-8")).get("users") or []
        ids = sorted(str(user["id"]) for user in users if isinstance(user, dict) and "id" in user)
    except (OSError, ValueError, AttributeError, TypeError):
        return "submission"
    return "+".join(ids) or "submission"


def grade(root: Path) -> dict[str, Any]:
    """Grade `root/submission` (root is /autograder on Gradescope) and return Gradescope's results."""
    from grader.batch import grade_folder
    from grader.sandbox.client import Limits, Sandbox

    started = time.monotonic()
    key = read_key(root / "source" / KEY_FILE)  # before any student code runs
    config = json.loads((root / "source" / CONFIG_FILE).read_text(encoding="utf-8"))
    modules = tuple(config["modules"])
    student = submission_id(root / "submission_metadata.json")
    # The child sees nothing of /autograder. Where the container forbids user namespaces (Docker's default
    # seccomp profile does), it still runs as an unprivileged uid that cannot read the root-only key file.
    with Sandbox(Limits(), hidden=(root,), confinement="unconfined") as sandbox:
        walls = sandbox.walls()
        print("student code ran behind: " + "; ".join(walls["layers"] or ["no walls"])
              + ("; missing: " + "; ".join(walls["missing"]) if walls["missing"] else ""))
        result = grade_folder(student, root / "submission", sandbox, key, modules)
    return gradescope_results(result, time.monotonic() - started)


def main(argv: Sequence[str]) -> int:
    """`python -m grader.gradescope_autograder ROOT`: grade and write ROOT/results/results.json, always."""
    from grader.gradescope import write_atomically

    root = Path(argv[0]) if argv else Path(os.environ.get(ROOT_VARIABLE, "/autograder"))
    started = time.monotonic()
    try:
        data = grade(root)
    except Exception:  # noqa: BLE001 - whatever failed, the student gets a result and the instructor the trace
        traceback.print_exc(file=sys.stdout)  # results/stdout: shown to instructors only
        data = failure_results(time.monotonic() - started)
    write_atomically(root / "results" / "results.json", json.dumps(data, ensure_ascii=False))
    print(f"calcgrade: score {data['score']} in {data['execution_time']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
