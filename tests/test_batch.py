"""Batch grading loses nothing: atomic results, resume after SIGKILL, every student exactly once."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from grader import kit
from grader.batch import RESULTS, BatchOptions, find_submissions, grade_batch
from grader.gradescope import read_results, results_json

STUDENTS = 40


def _write_batch(root: Path) -> None:
    slow = "import time\ntime.sleep(0.05)\nreturn 3 * x**2 - 12 * x + 9"  # correct, a little slow
    for index in range(STUDENTS):
        folder = root / f"s{index:02d}"
        folder.mkdir(parents=True)
        source = kit.variant_source("derivatives", "df_poly", slow) if index % 2 else kit.solution_source("derivatives")
        (folder / "derivatives.py").write_text(source, encoding="utf-8")


def _gradebook(out: Path) -> list[list[str]]:
    with open(out / "gradebook.csv", newline="") as stream:
        return list(csv.reader(stream))


@pytest.mark.e2e
def test_resume_after_sigkill_grades_only_what_is_missing(tmp_path):
    subs, out, reference = tmp_path / "subs", tmp_path / "out", tmp_path / "reference"
    _write_batch(subs)
    command = [sys.executable, "-m", "grader.cli", "grade", str(subs), "--out", str(out), "--jobs", "2",
               "--seed", "s", "--no-progress"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while len(list(out.glob(f"*/{RESULTS}"))) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    subprocess.run(["pkill", "-KILL", "-s", str(process.pid)], check=False)  # the whole batch, workers too
    process.wait()
    done_before = {p.parent.name: p.stat().st_mtime_ns for p in out.glob(f"*/{RESULTS}")}
    assert 5 <= len(done_before) < STUDENTS, "the batch should have been interrupted midway"
    for path in out.glob(f"*/{RESULTS}"):
        read_results(path)  # every results.json left behind is complete
    assert not (out / "gradebook.csv").exists()

    resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert f"kept {len(done_before)} from an earlier run" in resumed.stdout
    for student, mtime in done_before.items():
        assert (out / student / RESULTS).stat().st_mtime_ns == mtime  # not graded again

    grade_batch(subs, reference, BatchOptions(course_seed="s", jobs=1))
    rows = _gradebook(out)
    assert [row[0] for row in rows[1:]] == sorted(f"s{i:02d}" for i in range(STUDENTS))
    assert rows == _gradebook(reference)


def test_an_output_folder_open_to_others_is_warned_of_by_its_name(tmp_path):
    """QA round 59, 12: the warning said "OUT is open to other accounts", naming no folder."""
    (tmp_path / "subs" / "ann").mkdir(parents=True)
    (tmp_path / "subs" / "ann" / "derivatives.py").write_text(kit.solution_source("derivatives"))
    (tmp_path / "graded").mkdir(mode=0o755)
    (tmp_path / "graded").chmod(0o755)
    summary = grade_batch(tmp_path / "subs", tmp_path / "graded", BatchOptions())
    assert f"the output folder {tmp_path / 'graded'} is open to other accounts" in summary.describe()


@pytest.mark.e2e
def test_ctrl_c_says_one_line_and_how_to_resume(tmp_path):
    """QA round 59, 01: Ctrl-C (SIGINT to the terminal's whole process group) printed four tracebacks, from the
    grader and from its sandbox's helper processes, and nothing of `--resume`."""
    subs, out = tmp_path / "subs", tmp_path / "out"
    _write_batch(subs)
    for index in range(STUDENTS // 2, STUDENTS):  # the later half never answers: the batch is still running
        (subs / f"s{index:02d}" / "derivatives.py").write_text(
            kit.variant_source("derivatives", "df_poly", "while True:\n    pass"), encoding="utf-8")
    command = [sys.executable, "-m", "grader.cli", "grade", str(subs), "--out", str(out), "--jobs", "2",
               "--seed", "s", "--no-progress"]
    # as from a terminal: SIGINT at its default (a runner that started the suite in the background ignores it,
    # and a process started so would ignore it too)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while not list(out.glob(f"*/{RESULTS}")) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    _, error = process.communicate(timeout=120)
    assert process.returncode == 130, error
    assert "Traceback" not in error and "--resume" in error, error


def test_results_round_trip_through_results_json(tmp_path, sandbox):
    from grader.engine import grade_sources

    source = kit.variant_source("linear_model", "sse", "return float(np.mean((y - (m * x + c))**2))")
    result = grade_sources({"linear_model": source}, sandbox, student="x", hidden=True, course_seed="c")
    path = tmp_path / RESULTS
    path.write_text(json.dumps(results_json(result)))
    again = read_results(path)
    assert again.score == result.score and again.student == "x"
    assert [e.exercise for e in again.exercises] == [e.exercise for e in result.exercises]
    assert [c.diagnosis for e in again.exercises for c in e.checks] == \
           [c.diagnosis for e in result.exercises for c in e.checks]


def test_a_corrupt_results_file_is_graded_again_on_resume(tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "out"
    (subs / "a").mkdir(parents=True)
    (subs / "a" / "derivatives.py").write_text(kit.solution_source("derivatives"))
    (out / "a").mkdir(parents=True)
    (out / "a" / RESULTS).write_text('{"score": 100, "tests": [')
    summary = grade_batch(subs, out, BatchOptions(resume=True))
    assert [student for student, _ in summary.graded] == ["a"]
    assert read_results(out / "a" / RESULTS).score == summary.results[0].score


def test_hidden_and_linked_folders_are_not_students(tmp_path):
    (tmp_path / "alice").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "alice")
    (tmp_path / "notes.txt").write_text("x")
    assert [student for student, _ in find_submissions(tmp_path)] == ["alice"]


def test_the_report_is_written_with_every_batch(tmp_path):
    (tmp_path / "subs" / "a").mkdir(parents=True)
    (tmp_path / "subs" / "a" / "linear_model.py").write_text(kit.solution_source("linear_model"))
    grade_batch(tmp_path / "subs", tmp_path / "out", BatchOptions())
    page = (tmp_path / "out" / "report.html").read_text()
    assert "data:image/svg+xml;base64," in page and "a/feedback.html" in page
    assert (tmp_path / "out" / "a" / "feedback.html").exists()


def _private_folders() -> set[str]:
    return {path.name for path in Path(tempfile.gettempdir()).glob("calcgrade-*")}


def test_worker_processes_remove_their_private_folders(tmp_path, monkeypatch):
    """Bug: each worker of a `--jobs` batch left its (world-writable) private folder behind in /tmp."""
    private_tmp = tmp_path / "tmp"  # this batch's folders only, whatever else runs on the machine
    private_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    for student in ("a", "b", "c", "d"):
        (tmp_path / "subs" / student).mkdir(parents=True)
        (tmp_path / "subs" / student / "derivatives.py").write_text(kit.solution_source("derivatives"))
    before = _private_folders()
    summary = grade_batch(tmp_path / "subs", tmp_path / "out", BatchOptions(jobs=2))
    assert len(summary.graded) == 4
    assert _private_folders() - before == set()


def test_results_json_is_written_after_the_feedback_page(tmp_path, monkeypatch):
    """results.json is what --resume trusts: a student whose feedback page failed to be written has none."""
    import grader.batch

    def broken(result, path):
        raise OSError("disk full")

    monkeypatch.setattr(grader.batch, "write_student_feedback", broken)
    (tmp_path / "subs" / "a").mkdir(parents=True)
    (tmp_path / "subs" / "a" / "derivatives.py").write_text(kit.solution_source("derivatives"))
    with pytest.raises(OSError, match="disk full"):
        grade_batch(tmp_path / "subs", tmp_path / "out", BatchOptions())
    assert not (tmp_path / "out" / "a" / RESULTS).exists()


def test_feedback_pages_need_no_matplotlib():
    """Every grading worker writes feedback pages without Matplotlib (the class report needs none either)."""
    code = ("import sys\nfrom grader.report import write_student_feedback\nfrom grader.batch import grade_batch\n"
            "assert 'matplotlib' not in sys.modules, 'matplotlib was imported'\n")
    finished = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr


def test_a_grader_fault_is_still_counted_after_resume_without_its_details_in_results_json(tmp_path):
    """Resumed students' checks come from results.json: it records that the grader failed on a check, while
    the instructor's details (a traceback) never enter the students' file."""
    from grader.batch import BatchSummary
    from grader.gradescope import write_results
    from grader.spec import CheckResult, ExerciseResult, SubmissionResult

    fault = CheckResult("derivatives.df_poly", "integers", "public", False, 0.0, 1.0, "could not be graded",
                        "grader fault while computing the expected value:\nTraceback SECRET")
    fine = CheckResult("derivatives.df_poly", "floats", "public", True, 1.0, 1.0, "", "matches SymPy")
    result = SubmissionResult("a", (ExerciseResult("derivatives.df_poly", (fault, fine), 2.0),))
    write_results(result, tmp_path / RESULTS)
    assert "SECRET" not in (tmp_path / RESULTS).read_text()
    again = read_results(tmp_path / RESULTS)
    assert [check.grader_fault for check in again.exercises[0].checks] == [True, False]
    summary = BatchSummary(results=(again,), graded=(), resumed=("a",), seconds=1.0)
    assert "(grader faults): 1" in summary.describe()


def test_a_student_folder_named_like_the_report_is_refused_and_the_others_graded(tmp_path):
    """Bug: a folder named report.html made the batch fail at its very end (the report had nowhere to go)."""
    for student in ("report.html", "ann"):
        (tmp_path / "subs" / student).mkdir(parents=True)
        (tmp_path / "subs" / student / "derivatives.py").write_text(kit.solution_source("derivatives"))
    summary = grade_batch(tmp_path / "subs", tmp_path / "out", BatchOptions())
    assert [result.student for result in summary.results] == ["ann"]
    assert summary.refused == ("report.html",) and "not graded" in summary.describe()
    assert (tmp_path / "out" / "report.html").is_file()


def test_without_matplotlib_the_batch_ends_with_results_gradebook_and_report(tmp_path):
    """Nothing of a batch needs Matplotlib: the class report's charts are SVG written by the grader."""
    (tmp_path / "subs" / "a").mkdir(parents=True)
    (tmp_path / "subs" / "a" / "derivatives.py").write_text(kit.solution_source("derivatives"))
    code = ("import sys\nsys.modules['matplotlib'] = None  # as if not installed\n"
            "from grader.cli import main\nsys.exit(main(sys.argv[1:]))\n")
    finished = subprocess.run([sys.executable, "-c", code, "grade", str(tmp_path / "subs"), "--out",
                               str(tmp_path / "out"), "--no-progress"], capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    assert "not written" not in finished.stderr
    assert (tmp_path / "out" / "a" / RESULTS).exists() and (tmp_path / "out" / "gradebook.csv").exists()
    assert "data:image/svg+xml;base64," in (tmp_path / "out" / "report.html").read_text()


def test_one_assignments_batch_is_graded_out_of_that_assignments_points(tmp_path):
    """Bug: a batch of one assignment was graded out of the whole kit (every other module "missing", 0 of 75)."""
    from grader.curriculum import of_module

    for student, modules in {"ann": ["linear_model"], "bo": ["linear_model", "derivatives"], "cy": [],
                             "di": ["linear_model", "derivatives"]}.items():
        (tmp_path / "subs" / student).mkdir(parents=True)
        for module in modules:
            (tmp_path / "subs" / student / f"{module}.py").write_text(kit.solution_source(module))
    summary = grade_batch(tmp_path / "subs", tmp_path / "out", BatchOptions())
    points = {module: sum(e.points for e in of_module(module)) for module in ("linear_model", "derivatives")}
    by_student = {result.student: result for result in summary.results}
    assert by_student["bo"].score == by_student["bo"].max_score == points["linear_model"]  # derivatives: 2 of 4
    assert by_student["ann"].max_score == by_student["cy"].max_score == points["linear_model"]
    assert by_student["cy"].score == 0  # linear_model.py is missing: 0 for it
    assert read_results(tmp_path / "out" / "ann" / RESULTS).max_score == points["linear_model"]
    assert "modules graded: linear_model, held by more than half of the 4 submission(s) (linear_model 3); " \
           "not graded, held by fewer: derivatives (2)" in summary.describe()
    whole = grade_batch(tmp_path / "subs", tmp_path / "all", BatchOptions(modules=tuple(kit.MODULES)))
    assert {result.max_score for result in whole.results} == {100}
    assert "modules graded" not in whole.describe()


def test_one_student_adding_an_empty_module_does_not_raise_everyones_maximum(tmp_path):
    """Attack: under --modules auto, one student's empty extra file put its module into every student's maximum."""
    from grader.curriculum import of_module

    for student in ("ann", "bo", "cy", "mallory"):
        (tmp_path / "subs" / student).mkdir(parents=True)
        (tmp_path / "subs" / student / "derivatives.py").write_text(kit.solution_source("derivatives"))
    (tmp_path / "subs" / "mallory" / "gradient_descent.py").write_text("")
    summary = grade_batch(tmp_path / "subs", tmp_path / "out", BatchOptions())
    points = sum(e.points for e in of_module("derivatives"))
    assert {(result.score, result.max_score) for result in summary.results} == {(points, points)}
    assert "not graded, held by fewer: gradient_descent (1)" in summary.describe()


def test_a_batch_without_a_majority_module_is_graded_out_of_the_modules_held_most(tmp_path):
    for student, module in zip(("ann", "bo", "cy", "di"), kit.MODULES, strict=True):
        (tmp_path / "subs" / student).mkdir(parents=True)
        (tmp_path / "subs" / student / f"{module}.py").write_text(kit.solution_source(module))
    summary = grade_batch(tmp_path / "subs", tmp_path / "out", BatchOptions())
    assert {result.max_score for result in summary.results} == {100}  # a tie of all four: the whole kit
    assert "held by the most submissions (1 of 4); no module is held by more than half" in summary.describe()


def test_one_student_handing_in_nothing_does_not_raise_the_others_maximum_in_a_batch_of_two(tmp_path):
    """Attack (red team round 59, 01): in a batch of two, a student who handed in another module's stub, or an
    empty folder, left the assignment's module held by half the batch, no more: the whole kit was graded, and the
    other student's 25 of 25 became 25 of 100."""
    from grader.curriculum import of_module

    (tmp_path / "subs" / "bob").mkdir(parents=True)
    (tmp_path / "subs" / "bob" / "linear_model.py").write_text(kit.solution_source("linear_model"))
    (tmp_path / "subs" / "aaa").mkdir(parents=True)
    summary = grade_batch(tmp_path / "subs", tmp_path / "out", BatchOptions())
    points = sum(e.points for e in of_module("linear_model"))
    assert {result.max_score for result in summary.results} == {points}


def _resume_batch(tmp_path: Path) -> tuple[Path, Path]:
    """Two students; only the first one's results.json is left, as after an interrupted batch."""
    subs, out = tmp_path / "subs", tmp_path / "out"
    for student in ("ann", "bo"):
        (subs / student).mkdir(parents=True)
        (subs / student / "derivatives.py").write_text(kit.solution_source("derivatives"))
    grade_batch(subs, out, BatchOptions(course_seed="course secret 1"))
    (out / "bo" / RESULTS).unlink()
    return subs, out


def test_results_record_the_seeds_digest_and_the_limits_never_the_seed(tmp_path):
    from grader.batch import seed_digest

    _, out = _resume_batch(tmp_path)
    text = (out / "ann" / RESULTS).read_text()
    record = json.loads(text)["extra_data"]["run"]
    assert "course secret 1" not in text and record["seed_digest"] == seed_digest("course secret 1")
    assert seed_digest("course secret 2") != record["seed_digest"]
    assert record["limits"]["call_seconds"] == 5.0 and record["modules"] == ["derivatives"]


def test_resume_with_another_seed_or_other_limits_is_refused(tmp_path):
    from grader.batch import ResumeMismatch
    from grader.sandbox.client import Limits

    subs, out = _resume_batch(tmp_path)
    with pytest.raises(ResumeMismatch, match="another seed") as refused:
        grade_batch(subs, out, BatchOptions(course_seed="course secret 2", resume=True))
    assert "course secret" not in str(refused.value)
    with pytest.raises(ResumeMismatch, match=r"call_seconds 5.0 \(now 2.0\)"):
        grade_batch(subs, out, BatchOptions(course_seed="course secret 1", resume=True,
                                            limits=Limits(call_seconds=2.0)))
    with pytest.raises(ResumeMismatch, match="modules derivatives"):
        grade_batch(subs, out, BatchOptions(course_seed="course secret 1", resume=True, modules=tuple(kit.MODULES)))
    assert not (out / "bo" / RESULTS).exists()  # refused before grading anyone
    summary = grade_batch(subs, out, BatchOptions(course_seed="course secret 1", resume=True))
    assert summary.resumed == ("ann",) and [student for student, _ in summary.graded] == ["bo"]


def test_resume_over_results_without_a_record_is_refused(tmp_path):
    from grader.batch import ResumeMismatch

    subs, out = _resume_batch(tmp_path)
    data = json.loads((out / "ann" / RESULTS).read_text())
    del data["extra_data"]["run"]
    (out / "ann" / RESULTS).write_text(json.dumps(data))
    with pytest.raises(ResumeMismatch, match="no record of its seed"):
        grade_batch(subs, out, BatchOptions(course_seed="course secret 1", resume=True))


def test_cli_modules_option(tmp_path):
    (tmp_path / "subs" / "ann").mkdir(parents=True)
    (tmp_path / "subs" / "ann" / "derivatives.py").write_text(kit.solution_source("derivatives"))
    run = [sys.executable, "-m", "grader.cli", "grade", str(tmp_path / "subs"), "--no-progress", "--jobs", "1"]
    chosen = subprocess.run([*run, "--out", str(tmp_path / "a"), "--modules", "derivatives,linear_model.py"],
                            capture_output=True, text=True, timeout=120)
    assert chosen.returncode == 0, chosen.stderr
    assert "20.0/45" in chosen.stdout and "gradient_descent" not in chosen.stdout
    wrong = subprocess.run([*run, "--out", str(tmp_path / "b"), "--modules", "calculus"], capture_output=True,
                           text=True, timeout=120)
    assert wrong.returncode == 2 and "unknown module(s) calculus" in wrong.stderr


def test_submissions_handed_in_otherwise_are_listed_in_the_summary_and_their_results(tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "out"
    for student in ("ann", "bo", "cy"):
        (subs / student).mkdir(parents=True)
    (subs / "ann" / "linear_model.py").write_text(kit.solution_source("linear_model"))
    (subs / "bo" / "Linear_Model.py").write_text(kit.solution_source("linear_model"))
    (subs / "cy" / "lin_mod.py").write_text(kit.solution_source("linear_model"))
    (subs / "__MACOSX" / "ann").mkdir(parents=True)
    (subs / "__MACOSX" / "ann" / "._linear_model.py").write_bytes(b"\x00\x05\x16\x07")
    (subs / ".DS_Store").write_bytes(b"Bud1")
    (subs / "dee.zip").write_bytes(b"PK")
    summary = grade_batch(subs, out, BatchOptions())
    assert [result.student for result in summary.results] == ["ann", "bo", "cy"]
    scores = {result.student: result.score for result in summary.results}
    assert scores["ann"] == scores["bo"] > 0 and scores["cy"] == 0
    assert summary.intake_notes == (("bo", ("graded Linear_Model.py as linear_model.py",)),
                                    ("cy", ("lin_mod.py was not graded: expected the name linear_model.py",)))
    text = summary.describe()
    assert "submissions not handed in as expected (2;" in text
    assert "  bo: graded Linear_Model.py as linear_model.py" in text and "ann:" not in text
    assert "files beside the student folders, not graded (a student is a folder): dee.zip" in text
    assert "graded Linear_Model.py as linear_model.py" in json.loads((out / "bo" / RESULTS).read_text())["output"]
    # --resume keeps the notes of the students it does not grade again.
    again = grade_batch(subs, out, BatchOptions(resume=True))
    assert not again.graded and again.intake_notes == summary.intake_notes


def test_results_left_in_out_from_an_earlier_batch_are_reported_not_kept(tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "out"
    for student in ("ann", "gone"):
        (subs / student).mkdir(parents=True)
        (subs / student / "derivatives.py").write_text(kit.solution_source("derivatives"))
    first = grade_batch(subs, out, BatchOptions())
    assert not first.stale
    for path in (subs / "gone").iterdir():
        path.unlink()
    (subs / "gone").rmdir()
    second = grade_batch(subs, out, BatchOptions())
    assert second.stale == ("gone",)
    assert "results in OUT for students not in SUBMISSIONS (from an earlier batch; not in the gradebook or the " \
           "report): gone" in second.describe()
    assert [row[0] for row in _gradebook(out)[1:]] == ["ann"]
    assert "gone/feedback.html" not in (out / "report.html").read_text()
    assert (out / "gone" / RESULTS).exists()  # reported, never deleted


def test_what_one_worker_learned_reaches_the_next_chunks(tmp_path, monkeypatch, sandbox):
    """A worker returns the repairs and formula findings its chunk taught it, and takes those the chunk carries
    from the other workers (a slip is searched for once per batch, not once per worker); what a process found
    itself is kept."""
    from grader import batch, engine

    slip = kit.replace_bodies(kit.solution_source("derivatives"), {"df_log": "return 2 * x / 1 + x**2\n"})
    for index in range(6):
        (tmp_path / "in" / f"s{index}").mkdir(parents=True)
        (tmp_path / "in" / f"s{index}" / "derivatives.py").write_text(slip)
    run = batch.run_record("c", sandbox.limits, ["derivatives"])
    chunk = [(f"s{index}", tmp_path / "in" / f"s{index}") for index in range(2)]
    monkeypatch.setattr(batch, "_worker_sandbox", sandbox)
    engine._REPAIRS.clear()
    graded, taught = batch._grade_in_worker(chunk, tmp_path / "out", "c", run, engine.Learned({}, {}))
    assert [key for key in taught.repairs if key[0] == "derivatives.df_log"]
    engine._REPAIRS.clear()  # another worker, that has not met the slip: it is told, and searches for nothing
    again, taught_again = batch._grade_in_worker(chunk, tmp_path / "out", "c", run, taught)
    assert not taught_again.repairs
    assert [check.student_message for _, _, result in again for check in result.exercises[0].checks] == \
        [check.student_message for _, _, result in graded for check in result.exercises[0].checks]

    passed: list[int] = []
    original = batch.learn_into
    monkeypatch.setattr(batch, "learn_into", lambda known, new: passed.append(len(new)) or original(known, new))
    engine._REPAIRS.clear()  # the workers are forked from this process: they start knowing nothing of the slip
    summary = grade_batch(tmp_path / "in", tmp_path / "out2", BatchOptions(jobs=2))
    assert len(summary.results) == 6 and len(passed) == 6 and sum(passed) >= 1

    key = ("derivatives.df_log", b"mine")
    here, elsewhere, none = (["found here"], 3, b"", frozenset()), (["found elsewhere"], 3, b"", frozenset()), \
        ([], 9, b"m", frozenset({"g"}))
    engine._REPAIRS[key] = here
    engine.learn(engine.Learned({key: elsewhere, ("m.f", b"x"): none}, {}))
    assert engine._REPAIRS[key] == here and engine._REPAIRS[("m.f", b"x")] == none
    assert engine.learned(since=engine.Learned({key: here}, {})).repairs == {("m.f", b"x"): none}
    engine._REPAIRS.clear()


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_fault_of_the_grader_on_one_student_costs_that_student_only(tmp_path, monkeypatch, jobs):
    """Red team (the class of round 16's 01): an exception of the grader's own while grading one student (there,
    the formula reader's) went up through grade_batch and ended the run: no gradebook, and --resume met it again.
    Now that student's exercises are grader faults and the batch goes on. The fault is made here by a grading
    step that raises for one student; the real ones are fixed where they were."""
    import grader.batch

    real = grader.batch.grade_sources

    def failing_for_bob(sources, sandbox, *, student, **kwargs):
        if student == "bob":
            raise KeyError("ComplexInfinity")
        return real(sources, sandbox, student=student, **kwargs)

    monkeypatch.setattr(grader.batch, "grade_sources", failing_for_bob)
    for student in ("alice", "bob", "carol"):
        (tmp_path / "subs" / student).mkdir(parents=True)
        (tmp_path / "subs" / student / "linear_model.py").write_text(kit.solution_source("linear_model"))
    summary = grade_batch(tmp_path / "subs", tmp_path / "out", BatchOptions(jobs=jobs))
    scores = {result.student: result.score for result in summary.results}
    assert scores["alice"] == scores["carol"] == summary.results[0].max_score > 0
    bob = read_results(tmp_path / "out" / "bob" / RESULTS)
    assert bob.score == 0 and bob.exercises
    assert all(check.grader_fault for exercise in bob.exercises for check in exercise.checks)
    graded_bob = next(result for result in summary.results if result.student == "bob")
    assert "KeyError" in graded_bob.exercises[0].checks[0].instructor_message  # the traceback, for the report
    assert "not graded" in bob.notes[0] or "did not grade" in bob.notes[0]
    assert "checks the grader could not judge (grader faults): " + str(len(bob.exercises)) in summary.describe()
    assert "submissions the grader failed on, not graded (1; " in summary.describe()
    assert "bob (KeyError: 'ComplexInfinity')" in summary.describe()
    assert (tmp_path / "out" / "gradebook.csv").is_file()
