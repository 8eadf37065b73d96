"""What students see: `pytest DIR` runs the public checks on whatever module files DIR holds."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from grader import kit


def pytest_in(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args, str(folder)],
                          capture_output=True, text=True, timeout=300, cwd=folder)


def test_untouched_stubs_fail_every_exercise_with_not_implemented(tmp_path):
    shutil.copytree(kit.EXERCISES_DIR, tmp_path / "exercises")
    completed = pytest_in(tmp_path / "exercises")
    assert completed.returncode == 1
    assert "25 failed" in completed.stdout
    assert completed.stdout.count("not implemented yet") >= 25


def test_reference_solutions_pass_everything(tmp_path):
    shutil.copytree(kit.SOLUTIONS_DIR, tmp_path / "solutions")
    completed = pytest_in(tmp_path / "solutions")
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert "25 passed" in completed.stdout


def test_a_folder_with_some_modules_and_a_known_mistake_gets_teaching_feedback(tmp_path):
    source = kit.variant_source("gradient_descent", "gradient_descent",
                                next(m.body for m in kit_mistakes("gradient_descent.gradient_descent")
                                     if m.name.startswith("sequential")))
    (tmp_path / "gradient_descent.py").write_text(source, encoding="utf-8")
    completed = pytest_in(tmp_path, "-q")
    assert "1 failed, 5 passed" in completed.stdout
    out = completed.stdout
    assert "call:     gradient_descent(x=array(" in out and "returned:" in out and "expected:" in out
    assert "hint:     sequential instead of simultaneous update: compute the gradient ONCE" in out


def test_student_code_does_not_run_in_the_pytest_process(tmp_path):
    source = kit.solution_source("derivatives").replace(
        "import numpy as np", "import numpy as np\nimport os\nfor target in (os.getppid(), -1):\n"
                              "    try:\n        os.kill(target, 9)\n    except OSError:\n        pass\n", 1)
    (tmp_path / "derivatives.py").write_text(source, encoding="utf-8")
    completed = pytest_in(tmp_path, "-q")
    # pytest lived to report (the code may end its own child, racing with its answers; nothing else)
    assert completed.returncode in (0, 1) and re.search(r"\d+ (failed|passed)", completed.stdout), completed.stdout



def test_an_exercise_file_named_on_the_command_line_is_graded_in_the_sandbox_only(tmp_path):
    """QA round 59, 04: `pytest exercises/derivatives.py` (as the bundle's README says) had pytest's own Python
    plugin import the file in pytest's process: a syntax error stopped the run with pytest's collection traceback,
    and a module's top ran there, unconfined, as well as in the sandbox."""
    (tmp_path / "derivatives.py").write_text("def df_poly(x)\n    return x\n", encoding="utf-8")
    broken = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "derivatives.py"],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert "ERROR collecting" not in broken.stdout and "SyntaxError" in broken.stdout, broken.stdout[-2000:]
    assert re.search(r"\d+ failed", broken.stdout), broken.stdout[-2000:]
    marker = tmp_path / "ran-in-pytest"
    (tmp_path / "derivatives.py").write_text(kit.solution_source("derivatives").replace(
        "import numpy as np", f"import numpy as np\nimport os\nif os.getpid() == {os.getpid()} or "
        f"'pytest' in open('/proc/self/cmdline').read():\n    open({str(marker)!r}, 'w').close()\n", 1))
    passed = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "derivatives.py"],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert passed.returncode == 0, passed.stdout[-2000:]
    assert not marker.exists()


def kit_mistakes(key: str):
    from grader.curriculum import BY_KEY

    return BY_KEY[key].misconceptions


def test_a_message_shared_by_several_checks_is_shown_once(sandbox):
    from grader.curriculum import BY_KEY
    from grader.engine import grade_sources
    from grader.pytest_plugin import format_failure

    broken = kit.solution_source("linear_model").replace("def sse(m, c, x, y):", "def sse(m, c, x, y)", 1)
    result = grade_sources({"linear_model": broken}, sandbox, exercises=[BY_KEY["linear_model.sse"]])
    text = format_failure(result.exercises[0])
    assert text.count("problem:  SyntaxError") == 1
    assert "random data; data that is not centred" in text


def _public_submissions(module: str) -> dict[str, str]:
    """The solution, the stub, and the solution with each known mistake and each alternative form."""
    solution = kit.solution_source(module)
    sources = {"solution": solution, "stub": kit.stub_source(solution)}
    from grader.curriculum import of_module

    for exercise in of_module(module):
        for number, mistake in enumerate(exercise.misconceptions):
            sources[f"{exercise.function} mistake {number}"] = kit.variant_source(module, exercise.function,
                                                                                   mistake.body)
        for number, body in enumerate(exercise.alternatives):
            sources[f"{exercise.function} alternative {number}"] = kit.variant_source(module, exercise.function,
                                                                                       body)
    return sources


def test_the_kits_cached_data_grades_every_public_check_as_the_live_kit_does(sandbox, tmp_path):
    """What the students' pytest grades with (exercises, expected values, mistakes' values, signatures, the
    given functions' source, all from `precomputed.kit_data`) gives the live kit's results, check by check."""
    from grader.curriculum import EXERCISES, of_module
    from grader.engine import LIVE, grade_sources
    from grader.given import numpy_sources
    from grader.precomputed import PrecomputedReferences, exercises_from, kit_data, public_checks_data

    environ = {"CALCGRADE_CACHE_DIR": str(tmp_path)}
    written = kit_data(environ)
    assert list(tmp_path.glob("public-checks-*.json")), "the data was not cached"
    data = kit_data(environ)  # read back from the cache
    assert data == json.loads(json.dumps(public_checks_data(), allow_nan=True)) == written
    assert data["given"] == numpy_sources()
    exercises = exercises_from(data)
    assert [(e.key, e.points, e.hint, [(m.name, m.hint) for m in e.misconceptions], [c.label for c in e.checks])
            for e in exercises] == [(e.key, e.points, e.hint, [(m.name, m.hint) for m in e.misconceptions],
                                     [c.label for c in e.checks]) for e in EXERCISES]
    stored = PrecomputedReferences(data)
    compared = failed = 0
    for module in kit.MODULES:
        light = tuple(e for e in exercises if e.module == module)
        for name, source in _public_submissions(module).items():
            live = grade_sources({module: source}, sandbox, exercises=of_module(module), references=LIVE)
            cached = grade_sources({module: source}, sandbox, exercises=light, references=stored)
            assert cached == live, (module, name)
            compared += 1
            failed += sum(not check.passed for e in live.exercises for check in e.checks)
    assert compared > 50 and failed > 100  # mistakes were named, stubs reported: not only passes compared


def test_the_cache_follows_the_kit(tmp_path, monkeypatch):
    from grader import precomputed

    before = precomputed.kit_digest()
    assert before == precomputed.kit_digest()
    monkeypatch.setattr(precomputed, "FORMAT", precomputed.FORMAT + 1)
    assert precomputed.kit_digest() != before


def test_the_cache_keeps_one_file(tmp_path, monkeypatch):
    """QA round 59, 13: a file was added for every kit (each edit or upgrade) and none was ever removed."""
    from grader import precomputed

    environ = {precomputed.CACHE_ENV_VAR: str(tmp_path)}
    (tmp_path / "public-checks-0123456789abcdef.json").write_text("{}")
    precomputed.kit_data(environ)
    assert [path.name for path in tmp_path.iterdir()] == [f"public-checks-{precomputed.kit_digest()}.json"]


def test_a_pytest_run_without_exercise_modules_imports_nothing_of_the_grader_but_its_plugin(tmp_path):
    (tmp_path / "test_other.py").write_text(
        "import sys\n\ndef test_nothing_heavy_was_imported():\n"
        "    assert 'grader.pytest_plugin' in sys.modules  # the plugin is registered\n"
        "    heavy = sorted(name for name in sys.modules if name.split('.')[0] in ('numpy', 'sympy', 'matplotlib')"
        " or name in ('grader.engine', 'grader.curriculum', 'grader.sandbox.client'))\n"
        "    assert not heavy, heavy\n", encoding="utf-8")
    completed = pytest_in(tmp_path, "-q")
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert "1 passed" in completed.stdout


def test_the_students_pytest_on_the_kit_grades_without_sympy_once_the_data_is_cached(tmp_path):
    shutil.copytree(kit.SOLUTIONS_DIR, tmp_path / "solutions")
    (tmp_path / "solutions" / "conftest.py").write_text(
        "import sys\n\ndef pytest_sessionfinish(session):\n"
        "    open('imported.txt', 'w').write(' '.join(sorted(name for name in ('sympy', 'grader.curriculum',"
        " 'grader.given', 'numpy', 'grader.engine') if name in sys.modules)))\n", encoding="utf-8")
    for _ in range(2):  # the first run may compute and cache the data
        completed = pytest_in(tmp_path / "solutions")
        assert completed.returncode == 0 and "25 passed" in completed.stdout, completed.stdout[-3000:]
    assert (tmp_path / "solutions" / "imported.txt").read_text() == "grader.engine numpy"
