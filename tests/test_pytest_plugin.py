"""What students see: `pytest DIR` runs the public checks on whatever module files DIR holds."""

from __future__ import annotations

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
    assert "hint:     compute the gradient ONCE" in out


def test_student_code_does_not_run_in_the_pytest_process(tmp_path):
    source = kit.solution_source("derivatives").replace(
        "import numpy as np", "import numpy as np\nimport os\nfor target in (os.getppid(), -1):\n"
                              "    try:\n        os.kill(target, 9)\n    except OSError:\n        pass\n", 1)
    (tmp_path / "derivatives.py").write_text(source, encoding="utf-8")
    completed = pytest_in(tmp_path, "-q")
    # pytest lived to report (the code may end its own child, racing with its answers; nothing else)
    assert completed.returncode in (0, 1) and re.search(r"\d+ (failed|passed)", completed.stdout), completed.stdout



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
