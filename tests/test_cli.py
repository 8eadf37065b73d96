"""`calcgrade` as instructors run it: real subprocesses, real files."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader import kit
from grader.curriculum import EXERCISES
from grader.demo import write_samples

CALCGRADE = [sys.executable, "-m", "grader.cli"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*CALCGRADE, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


# The demo's students include one whose function never ends: each run waits out its call limit. The demo's own
# limit (2 s, as `calcgrade demo` grades them) keeps that wait short.
SAMPLES_LIMIT = ("--call-timeout", "2")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    write_samples(root / "subs")
    completed = run("grade", str(root / "subs"), "--out", str(root / "out"), "--jobs", "2", "--seed", "course-1",
                    *SAMPLES_LIMIT)
    return root, completed


def test_grade_writes_gradescope_results_for_every_student(graded):
    root, completed = graded
    assert completed.returncode == 0, completed.stderr
    students = sorted(p.name for p in (root / "subs").iterdir())
    for student in students:
        data = json.loads((root / "out" / student / "results.json").read_text())
        assert data["score"] == pytest.approx(sum(test["score"] for test in data["tests"]), abs=1e-6)
        keys = {e.key for e in EXERCISES}
        for test in data["tests"]:
            assert set(test) >= {"name", "score", "max_score", "status", "output", "visibility"}
            assert test["name"].split(":")[0] in keys
            assert test["status"] in ("passed", "failed")
        assert sum(t["max_score"] for t in data["tests"]) == pytest.approx(100)
    complete = json.loads((root / "out" / "ada_complete" / "results.json").read_text())
    assert complete["score"] == pytest.approx(100)


def test_gradebook_has_one_row_per_student_and_a_column_per_exercise(graded):
    root, _ = graded
    with open(root / "out" / "gradebook.csv", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["student_id", "score", "max_score", *(e.key for e in EXERCISES)]
    assert sorted(row[0] for row in rows[1:]) == sorted(p.name for p in (root / "subs").iterdir())
    for row in rows[1:]:
        assert float(row[1]) == pytest.approx(sum(float(cell) for cell in row[3:]), abs=1e-3)
        assert row[2] == "100"


def test_missing_files_and_functions_are_noted(graded):
    root, _ = graded
    partial = json.loads((root / "out" / "ben_partial" / "results.json").read_text())
    assert "gradient_descent.py is missing" in partial["output"]


def test_the_same_seed_reproduces_a_run_exactly(graded, tmp_path):
    root, _ = graded
    again = run("grade", str(root / "subs"), "--out", str(tmp_path / "again"), "--jobs", "1", "--seed", "course-1",
                *SAMPLES_LIMIT)
    assert again.returncode == 0
    assert (tmp_path / "again" / "gradebook.csv").read_text() == (root / "out" / "gradebook.csv").read_text()
    for student in ("cleo_mistakes", "dev_mistakes"):
        assert (tmp_path / "again" / student / "results.json").read_text() == \
               (root / "out" / student / "results.json").read_text()


def test_bad_invocations_exit_2_with_a_message(tmp_path):
    missing = run("grade", str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert missing.returncode == 2 and "no such folder" in missing.stderr
    (tmp_path / "subs").mkdir()
    (tmp_path / "file").write_text("x")
    unwritable = run("grade", str(tmp_path / "subs"), "--out", str(tmp_path / "file" / "out"))
    assert unwritable.returncode == 2 and "output folder" in unwritable.stderr
    inside = run("grade", str(tmp_path / "subs"), "--out", str(tmp_path / "subs" / "out"))
    assert inside.returncode == 2
    no_args = run("grade")
    assert no_args.returncode == 2
    # refused, it leaves no output folder behind (QA round 59, 07: a misspelt module or a missing gradebook did)
    for refused in (("--modules", "lineer_model"), ("--nbgrader-db", str(tmp_path / "no.db"))):
        done = run("grade", str(tmp_path / "subs"), "--out", str(tmp_path / "new" / "deep"), *refused)
        assert done.returncode == 2 and not (tmp_path / "new").exists(), done.stderr


def test_commands_that_grade_nothing_load_neither_the_curriculum_nor_sympy(tmp_path):
    """A bad invocation, a check of the stubs or an unknown module answers without the grader's heavy imports."""
    probe = ("import sys\nfrom grader.cli import main\n"
             "codes = [main(['grade', 'nope', '--out', 'out']), main(['build-exercises', '--check']),\n"
             "         main(['check-exercises', 'no_such_module'])]\n"
             "print(codes, sorted(m for m in ('sympy', 'grader.curriculum', 'grader.batch') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=kit.KIT_ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[2, 0, 2] []", done.stdout + done.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_an_unwritable_output_folder_is_a_bad_invocation(tmp_path):
    (tmp_path / "subs").mkdir()
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    completed = run("grade", str(tmp_path / "subs"), "--out", str(locked / "out"))
    assert completed.returncode == 2


def test_demo_prints_the_gradebook():
    completed = run("demo")
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert any(line.startswith("ada_complete") and "100.0/100" in line for line in lines)
    for student in ("ben_partial", "cleo_mistakes", "dev_mistakes", "eve_crashes"):
        assert any(line.startswith(student) for line in lines)
    assert "what cleo reads for linear_model.sse" in completed.stdout
    assert "hint:     mean instead of sum: the SSE is the SUM" in completed.stdout


def test_exercises_are_generated_from_solutions_without_drift():
    completed = run("build-exercises", "--check", cwd=kit.KIT_ROOT)
    assert completed.returncode == 0, completed.stdout


def test_the_course_seed_may_come_from_the_environment(monkeypatch, capsys):
    """`CALCGRADE_SEED` keeps the seed off the command line (which every process can read); --seed wins."""
    from grader.cli import _course_seed, parser

    def seed(*options: str) -> str:
        return _course_seed(parser().parse_args(["grade", "subs", "--out", "out", *options]))

    monkeypatch.setenv("CALCGRADE_SEED", "course-7-5f0c3a9e1d7b42c8a6e9")
    assert seed() == "course-7-5f0c3a9e1d7b42c8a6e9"
    assert seed("--seed", "other-5f0c3a9e1d7b42c8a6e9") == "other-5f0c3a9e1d7b42c8a6e9"
    assert capsys.readouterr().err == ""
    monkeypatch.delenv("CALCGRADE_SEED")
    assert seed() == "calcgrade"


def test_grading_with_the_public_default_seed_warns(tmp_path, monkeypatch):
    """Hidden inputs drawn from the public default seed can be recomputed by anyone with the kit."""
    (tmp_path / "subs" / "ann").mkdir(parents=True)
    monkeypatch.delenv("CALCGRADE_SEED", raising=False)
    public = run("grade", str(tmp_path / "subs"), "--out", str(tmp_path / "a"), "--no-progress")
    assert public.returncode == 0
    assert "public default seed" in public.stderr and "--seed" in public.stderr and "$CALCGRADE_SEED" in public.stderr
    short = run("grade", str(tmp_path / "subs"), "--out", str(tmp_path / "b"), "--seed", "course-9")
    assert short.returncode == 0 and "the course seed is short (8 characters)" in short.stderr
    secret = run("grade", str(tmp_path / "subs"), "--out", str(tmp_path / "c"), "--seed",
                 "5f0c3a9e1d7b42c8a6e9f1b3d5c7a2e4")
    assert secret.returncode == 0 and "warning" not in secret.stderr


@pytest.mark.parametrize(("options", "message"), [
    (["--call-timeout", "0"], "--call-timeout must be a positive number of seconds, not 0"),
    (["--call-timeout", "-1"], "--call-timeout must be a positive number of seconds"),
    (["--call-timeout", "nan"], "--call-timeout must be a positive number of seconds, not nan"),
    (["--total-timeout", "inf"], "--total-timeout must be a positive number of seconds, not inf"),
    (["--total-timeout", "0"], "--total-timeout must be a positive number of seconds"),
    (["--jobs", "0"], "--jobs must be at least 1, not 0"),
    (["--jobs", "-3"], "--jobs must be at least 1"),
    (["--memory-mb", "64"], "--memory-mb 64 is too little"),
])
def test_limits_no_submission_could_be_graded_with_are_refused(tmp_path, capsys, options, message):
    from grader.cli import main

    (tmp_path / "subs").mkdir()
    assert main(["grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out"), "--seed", "s", *options]) == 2
    error = capsys.readouterr().err
    assert error.startswith("calcgrade: ") and message in error and error.count("\n") == 1
    assert not (tmp_path / "out").exists()  # refused before anything is written


def test_a_seed_on_the_command_line_is_refused_with_unconfined(tmp_path, capsys):
    """Red team: without a PID namespace every process reads the grader's command line, `--seed` included."""
    from grader.cli import main

    (tmp_path / "subs" / "ada").mkdir(parents=True)
    assert main(["grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out"), "--seed", "s", "--unconfined"]) == 2
    error = capsys.readouterr().err
    assert "--seed with --unconfined" in error and "$CALCGRADE_SEED" in error
    assert not (tmp_path / "out").exists()


def test_the_memory_minimum_is_what_numpy_needs():
    """MIN_MEMORY_MB is measured: a fresh interpreter imports NumPy and runs a small solution within it, and
    the sandbox grades the whole kit's solutions with it; with a quarter of it, NumPy cannot even be imported."""
    import resource

    from grader.cli import MIN_MEMORY_MB
    from grader.engine import grade_sources
    from grader.sandbox.client import Limits, Sandbox

    solution = ("import numpy as np\nx = np.linspace(0, 1, 200)\ny = 3 * x + 1\nm, c = np.polyfit(x, y, 1)\n"
                "print(round(float(np.sum((y - (m * x + c)) ** 2)), 9), round(float(m), 6))\n")

    def within(megabytes: int) -> subprocess.CompletedProcess:
        limit = megabytes << 20
        return subprocess.run([sys.executable, "-c", solution], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
                              preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)))

    enough = within(MIN_MEMORY_MB)
    assert enough.returncode == 0 and enough.stdout.split() == ["0.0", "3.0"], enough.stderr
    assert within(MIN_MEMORY_MB // 4).returncode != 0
    sources = {module: kit.solution_source(module) for module in kit.MODULES}
    with Sandbox(Limits(memory_bytes=MIN_MEMORY_MB << 20)) as sandbox:
        assert grade_sources(sources, sandbox, student="s", hidden=True, course_seed="s").score == 100


def test_resume_with_another_seed_is_a_bad_invocation(tmp_path):
    (tmp_path / "subs" / "ann").mkdir(parents=True)
    (tmp_path / "subs" / "ann" / "derivatives.py").write_text(kit.solution_source("derivatives"))
    first = run("grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out"), "--seed", "course-1")
    assert first.returncode == 0
    other = run("grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out"), "--seed", "course-2", "--resume")
    assert other.returncode == 2 and "another seed" in other.stderr and "course-" not in other.stderr
    limits = run("grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out"), "--seed", "course-1", "--resume",
                 "--memory-mb", "512")
    assert limits.returncode == 2 and "memory_bytes" in limits.stderr
    same = run("grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out"), "--seed", "course-1", "--resume")
    assert same.returncode == 0 and "kept 1 from an earlier run" in same.stdout


def test_student_ids_are_printed_escaped(tmp_path):
    """Attack: a folder name with escape sequences cleared and retitled the instructor's terminal."""
    hostile = "eve\x1b[2J\x1b]0;owned\x07" + b"\xff".decode("utf-8", "surrogateescape")
    (tmp_path / "subs" / hostile).mkdir(parents=True)
    (tmp_path / "subs" / hostile / "derivatives.py").write_text(kit.solution_source("derivatives"))
    completed = subprocess.run([*CALCGRADE, "grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out"),
                                "--seed", "s"], capture_output=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    assert b"\x1b" not in completed.stdout + completed.stderr and b"\x07" not in completed.stdout
    assert completed.stdout.count(rb"eve\x1b[2J\x1b]0;owned\x07\udcff") == 2  # the table and the slowest


def test_a_terminal_gets_a_progress_bar_and_every_run_ends_with_a_summary(tmp_path):
    """On a terminal the batch shows a progress bar (tqdm); piped, it does not; both end with the summary."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios

    from grader import kit

    for student in ("ann", "bo"):
        (tmp_path / "subs" / student).mkdir(parents=True)
        (tmp_path / "subs" / student / "derivatives.py").write_text(kit.solution_source("derivatives"))
    command = [sys.executable, "-m", "grader.cli", "grade", str(tmp_path / "subs"), "--jobs", "1"]
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))  # a terminal 80 columns wide
    on_terminal = subprocess.run([*command, "--out", str(tmp_path / "a")], stdout=subprocess.PIPE, stderr=terminal,
                                 text=True, timeout=120)
    os.close(terminal)
    shown = b""
    while True:
        try:
            data = os.read(controller, 1 << 16)
        except OSError:
            break
        if not data:
            break
        shown += data
    os.close(controller)
    assert on_terminal.returncode == 0
    assert b"2/2" in shown and b"submission" in shown
    piped = subprocess.run([*command, "--out", str(tmp_path / "b")], capture_output=True, text=True, timeout=120)
    assert "2/2" not in piped.stderr
    for output in (on_terminal.stdout, piped.stdout):
        assert "graded 2 submission(s) in" in output and "(grader faults): 0" in output and "slowest: " in output


def test_jobs_default_to_the_number_of_cores():
    import os

    from grader.cli import parser

    assert parser().parse_args(["grade", "subs", "--out", "out"]).jobs == (os.cpu_count() or 1)
