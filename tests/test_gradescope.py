"""The Gradescope autograder end to end: the zip `calcgrade gradescope-autograder` writes, and its real
`run_autograder` script run in a subprocess against a simulated /autograder tree (its root from
$CALCGRADE_AUTOGRADER_ROOT; calcgrade comes from this venv instead of setup.sh's)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from grader import kit
from grader.cli import main
from grader.curriculum import of_module
from grader.gradescope_autograder import (
    CONFIG_FILE,
    COURSE_FILE,
    FAILURE_MESSAGE,
    KEY_FILE,
    PYTHON_VARIABLE,
    ROOT_VARIABLE,
    course_key,
    gradescope_results,
)
from grader.nbgrader_course import module_notebook
from grader.spec import CheckResult, ExerciseResult, SubmissionResult

SEED = "course-seed-7f3a9c-do-not-share"
MODULE = "linear_model"
POINTS = 25


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("gradescope") / "autograder.zip"
    assert main(["gradescope-autograder", str(path), "--seed", SEED, "--modules", MODULE]) == 0
    return path


def _tree(tmp_path: Path, autograder_zip: Path, files: dict[str, bytes | str]) -> Path:
    """A fresh /autograder: source/ (the zip, extracted as Gradescope does), submission/, metadata."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(root / "source")
        for info in archive.infolist():
            os.chmod(root / "source" / info.filename, (info.external_attr >> 16) & 0o777)
    (root / "submission").mkdir()
    for name, data in files.items():
        path = root / "submission" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
    (root / "submission_metadata.json").write_text(json.dumps({"users": [{"id": 1234, "name": "A Student"}]}))
    return root


def _run_autograder(root: Path, python: str = sys.executable, cwd: Path | None = None) -> tuple[dict, str]:
    env = {**os.environ, ROOT_VARIABLE: str(root), PYTHON_VARIABLE: python}
    run = subprocess.run([str(root / "source" / "run_autograder")], cwd=cwd or root, env=env, capture_output=True,
                         text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    return json.loads((root / "results" / "results.json").read_text()), run.stdout


def _zipped(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_the_zip_has_gradescopes_layout_and_a_key_instead_of_the_seed(autograder_zip):
    with zipfile.ZipFile(autograder_zip) as archive:
        names = archive.namelist()
        modes = {info.filename: (info.external_attr >> 16) & 0o777 for info in archive.infolist()}
        contents = {name: archive.read(name) for name in names}
    (wheel,) = [name for name in names if name.endswith(".whl")]
    assert set(names) == {"setup.sh", "run_autograder", CONFIG_FILE, KEY_FILE, wheel}
    assert modes["setup.sh"] == modes["run_autograder"] == 0o755 and modes[KEY_FILE] == 0o600
    assert contents[KEY_FILE].decode() == course_key(SEED) != SEED
    assert json.loads(contents[CONFIG_FILE]) == {"modules": [MODULE], "max_points": POINTS}
    with zipfile.ZipFile(io.BytesIO(contents[wheel])) as inner:
        assert "grader/gradescope_autograder.py" in inner.namelist()
        everything = b"".join([*contents.values(), *(inner.read(name) for name in inner.namelist())])
    assert SEED.encode() not in everything
    for script in ("setup.sh", "run_autograder"):
        check = subprocess.run(["bash", "-n", "/dev/stdin"], input=contents[script], capture_output=True, check=False)
        assert check.returncode == 0, check.stderr


def test_the_command_needs_a_seed_and_a_zip_name(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("CALCGRADE_SEED", raising=False)
    assert main(["gradescope-autograder", str(tmp_path / "a.zip")]) == 2
    assert "--seed" in capsys.readouterr().err
    assert main(["gradescope-autograder", str(tmp_path / "a.tar"), "--seed", "s"]) == 2
    assert main(["gradescope-autograder", str(tmp_path / "a.zip"), "--seed", "s", "--modules", "nope"]) == 2
    assert not (tmp_path / "a.zip").exists()


@pytest.mark.parametrize("files", [
    {f"{MODULE}.py": kit.solution_source(MODULE)},
    {f"{MODULE}.ipynb": nbformat.writes(module_notebook(MODULE))},
    {"hw3.zip": _zipped({f"hw3/{MODULE}.py": kit.solution_source(MODULE), "__MACOSX/hw3/._x": "junk"})},
], ids=["plain-file", "notebook", "zip"])
def test_a_correct_submission_gets_full_marks_in_gradescopes_fields(tmp_path, autograder_zip, files):
    root = _tree(tmp_path, autograder_zip, files)
    before = {path.name: path.read_bytes() for path in (root / "submission").iterdir()}
    results, stdout = _run_autograder(root)
    assert results["score"] == POINTS, stdout
    assert results["output_format"] == "md" and results["visibility"] == "visible"
    assert results["stdout_visibility"] == "hidden" and isinstance(results["execution_time"], int)
    assert results["tests"] and all(test["score"] == test["max_score"] for test in results["tests"])
    assert {test["visibility"] for test in results["tests"]} == {"visible", "after_published"}
    assert all(test["output_format"] == "md" and test["output"] == "passed" for test in results["tests"])
    assert {test["name"].split(":")[0] for test in results["tests"]} == {e.key for e in of_module(MODULE)}
    if "hw3.zip" in files:
        assert "graded hw3\\.zip: hw3/linear\\_model\\.py as linear\\_model\\.py" in results["output"]
    assert {path.name: path.read_bytes() for path in (root / "submission").iterdir()} == before


def test_a_course_file_in_the_folder_the_autograder_is_started_from_is_not_read(tmp_path, autograder_zip):
    """Bug (red team round 55, 01): without a course file in the zip, the grader read `calcgrade.toml` from the folder
    `run_autograder` was started in; started in the submission's, a student's file made the assignment worth 1000."""
    root = _tree(tmp_path, autograder_zip, {f"{MODULE}.py": kit.solution_source(MODULE),
                                           "calcgrade.toml": "[points]\nlinear_model = 1000\n"})
    results, stdout = _run_autograder(root, cwd=root / "submission")
    assert results["score"] == POINTS, stdout


def test_an_autograder_made_under_a_course_grades_that_course(tmp_path):
    """Red team round 36 (noted): the zip carried no course file, and the autograder read the course from its own
    working folder, so one made with `--course` graded the kit's default course: a correct `neural_network.py` of a
    five-module course scored 0 ("no exercise module found"), and a course's points and drops were not applied. The
    course file in force goes in the zip, and `run_autograder` puts it in force."""
    five = kit.KIT_ROOT / "courses" / "five_modules.toml"
    path = tmp_path / "course" / "autograder.zip"
    made = subprocess.run([sys.executable, "-m", "grader.cli", "--course", str(five), "gradescope-autograder",
                           str(path), "--seed", SEED, "--modules", "neural_network"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=600, check=False)
    assert made.returncode == 0, made.stdout + made.stderr
    assert "a Programming Assignment worth 20 points" in made.stdout
    with zipfile.ZipFile(path) as archive:
        assert archive.read(COURSE_FILE) == five.read_bytes()
        assert json.loads(archive.read(CONFIG_FILE)) == {"modules": ["neural_network"], "max_points": 20}
    root = _tree(tmp_path, path, {"neural_network.py": kit.solution_source("neural_network")})
    results, stdout = _run_autograder(root)
    assert results["score"] == 20, stdout + json.dumps(results)[:2000]
    graded = {test["name"].split(":")[0] for test in results["tests"]}  # this process's course has no network
    assert {"neural_network.neuron", "neural_network.backprop"} <= graded
    assert all(name.startswith("neural_network.") for name in graded)


@pytest.mark.parametrize(("files", "note"), [
    ({f"{MODULE}.py": b"\x00\x01 binary"}, "binary file"),
    ({f"{MODULE}.py": "def predict(:\n"}, "could not be imported"),
    ({}, "no exercise module found"),
    ({"Linear_Model.py": "x = 1\n", "linear_modle.py": "x = 2\n"}, "so none was graded"),
], ids=["binary", "syntax-error", "empty", "two-candidates"])
def test_a_broken_submission_scores_0_with_a_note(tmp_path, autograder_zip, files, note):
    root = _tree(tmp_path, autograder_zip, files)
    results, stdout = _run_autograder(root)
    assert results["score"] == 0 and results["tests"], stdout
    assert note in results["output"] + "".join(test["output"] for test in results["tests"])
    assert sum(test["max_score"] for test in results["tests"]) == pytest.approx(POINTS)


def test_when_the_grader_fails_results_json_still_says_score_0(tmp_path, autograder_zip):
    root = _tree(tmp_path, autograder_zip, {f"{MODULE}.py": kit.solution_source(MODULE)})
    (root / "source" / KEY_FILE).write_text("not a key")
    results, stdout = _run_autograder(root)
    assert results["score"] == 0 and results["output"] == FAILURE_MESSAGE and "Traceback" in stdout
    assert results["stdout_visibility"] == "hidden"
    shutil.rmtree(root / "results")
    results, stdout = _run_autograder(root, python=str(root / "no-such-python"))
    assert results == {"score": 0, "output": FAILURE_MESSAGE, "output_format": "md", "visibility": "visible",
                       "stdout_visibility": "hidden", "tests": []}
    assert "writing a results.json with score 0" in stdout


HOSTILE = '''
import os
_stolen = []
for _path in [{key!r}, "/autograder/source/course_key"]:
    try:
        _stolen.append(open(_path).read())
    except Exception as error:
        _stolen.append(type(error).__name__)
for _proc in [name for name in os.listdir("/proc") if name.isdigit()]:
    for _part in ("cmdline", "environ"):
        try:
            _stolen.append(open("/proc/" + _proc + "/" + _part, "rb").read().decode("latin-1"))
        except Exception:
            pass
_stolen.append(repr(dict(os.environ)))
for _path, _text in [({results!r}, '{{"score": 1000, "tests": []}}'), ({own!r}, "# changed")]:
    try:
        with open(_path, "a") as _stream:
            _stream.write(_text)
    except Exception:
        pass
LEAK = " ".join(_stolen)
'''


@pytest.fixture
def visible_folder(tmp_path) -> Iterator[Path]:
    """A folder outside /tmp (which a confined child sees as its own empty folder anyway), like /autograder: so
    that only the key file's mode and the hidden mount keep it from a hostile child. In the kit's root, when
    writable; removed afterwards."""
    try:
        folder = Path(tempfile.mkdtemp(prefix=".autograder-test-", dir=kit.KIT_ROOT))
    except OSError:
        folder = tmp_path
    os.chmod(folder, 0o755)
    yield folder
    if folder != tmp_path:
        shutil.rmtree(folder)


def test_a_hostile_submission_can_neither_read_the_key_nor_forge_its_result(visible_folder, autograder_zip):
    tmp_path = visible_folder
    root = tmp_path / "autograder"
    hostile = HOSTILE.format(key=str(root / "source" / KEY_FILE), results=str(root / "results" / "results.json"),
                             own=str(root / "submission" / f"{MODULE}.py"))
    source = kit.variant_source(MODULE, "least_squares_fit", "return LEAK[:9000]") + hostile
    root = _tree(tmp_path, autograder_zip, {f"{MODULE}.py": source})
    digest = hashlib.sha256((root / "submission" / f"{MODULE}.py").read_bytes()).hexdigest()
    results, _ = _run_autograder(root)
    text = (root / "results" / "results.json").read_text()
    leaking = [test for test in results["tests"] if test["name"].startswith(f"{MODULE}.least_squares_fit")]
    assert all(test["score"] == 0 for test in leaking) and 0 < results["score"] < POINTS
    assert any("returned:" in test["output"] for test in leaking)  # what the function returned is shown ...
    assert hashlib.sha256((root / "submission" / f"{MODULE}.py").read_bytes()).hexdigest() == digest
    if os.geteuid() == 0:  # ... and, confined as it is when graded as root (as on Gradescope), it holds no secret
        assert course_key(SEED) not in text and SEED not in text
        assert stat.S_IMODE((root / "source" / KEY_FILE).stat().st_mode) == 0o600


def test_feedback_is_markdown_that_shows_student_text_verbatim():
    message = "call:     predict(1.0)\nreturned: '``` <b>*x*</b>'\nexpected: 2.0"
    check = CheckResult("linear_model.predict", "a float x", "public", False, 0.0, 1.0, message, "", "wrong_value")
    result = SubmissionResult("s", (ExerciseResult("linear_model.predict", (check,), 1.0, ""),),
                              notes=("graded Linear_Model (1).py as linear_model.py", "note *two*"))
    data = gradescope_results(result, 2.4)
    (test,) = data["tests"]
    assert test["output"] == f"````text\n{message}\n````" and test["output_format"] == "md"
    assert data["output"] == "- graded Linear\\_Model \\(1\\)\\.py as linear\\_model\\.py\n- note \\*two\\*"
    assert data["execution_time"] == 2 and data["score"] == 0
