"""Gradescope's results.json for one student, written atomically, and read back for resuming.

Top-level `score` is the sum of the tests' scores (each rounded the same way); every test is one
check, named `<module>.<function>: <check>`; hidden checks are visible only after publication and
their output never shows hidden inputs. `extra_data` keeps what a later run needs to rebuild the
result (for `--resume`, the gradebook and the report) without grading again, including which checks
the grader itself failed on (instructor messages themselves stay out of the students' file).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from grader.spec import GRADER_FAULT, CheckResult, ExerciseResult, SubmissionResult
from grader.spec import POINT_DIGITS as DIGITS


def _output(check: CheckResult) -> str:
    if check.passed:  # a check passed by error carried forward says where the error is
        return check.student_message if check.carried_forward else "passed"
    return check.student_message


def results_json(result: SubmissionResult, run: dict[str, Any] | None = None) -> dict[str, Any]:
    """Gradescope's results.json; `run` (how the batch graded: seed digest, limits, modules) goes in
    `extra_data` for `--resume` to compare."""
    tests = []
    for exercise in result.exercises:
        for check in exercise.checks:
            tests.append({
                "name": check.name,
                "score": round(check.score, DIGITS),
                "max_score": round(check.max_score, DIGITS),
                "status": "passed" if check.passed else "failed",
                "output": _output(check),
                "visibility": "visible" if check.visibility == "public" else "after_published",
                "extra_data": {"exercise": check.exercise, "label": check.label, "visibility": check.visibility,
                               "diagnosis": check.diagnosis, "exercise_max": exercise.max_score,
                               "note": exercise.note,
                               **({"grader_fault": True} if check.grader_fault else {})},
            })
    notes = [exercise.note for exercise in result.exercises if exercise.note]
    return {
        "score": round(sum(test["score"] for test in tests), DIGITS),
        "output": "\n".join(dict.fromkeys([*result.notes, *notes])) or "All files graded.",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {"student": result.student, "notes": list(result.notes),
                       **({"review": list(result.review)} if result.review else {}),
                       **({"run": run} if run is not None else {})},
    }


def write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, then rename: a reader (or a resumed batch after the
    grader was killed) sees the old file or the new one, never half of one. The temporary name
    carries the process id, so writers in different processes never share one."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    data = text.encode("utf-8", "backslashreplace")  # e.g. a student id that is not valid UTF-8
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_results(result: SubmissionResult, path: Path, run: dict[str, Any] | None = None) -> None:
    write_atomically(path, json.dumps(results_json(result, run), ensure_ascii=False, separators=(",", ":")))


def read_run_record(path: Path) -> dict[str, Any] | None:
    """How the results.json at `path` was graded (see `results_json`), or None if it does not say."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))["extra_data"].get("run")
    except (OSError, KeyError, TypeError, AttributeError, json.JSONDecodeError):
        return None
    return record if isinstance(record, dict) else None


def read_results(path: Path) -> SubmissionResult:
    """Rebuild a SubmissionResult from a results.json this module wrote (raises ValueError otherwise)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        student = data["extra_data"]["student"]
        by_exercise: dict[str, list[CheckResult]] = {}
        maxima: dict[str, float] = {}
        notes: dict[str, str] = {}
        for test in data["tests"]:
            extra = test["extra_data"]
            key = extra["exercise"]
            by_exercise.setdefault(key, []).append(CheckResult(
                key, extra["label"], extra["visibility"], test["status"] == "passed", float(test["score"]),
                float(test["max_score"]), "" if test["status"] == "passed" else test["output"],
                GRADER_FAULT + " (recorded by an earlier run)" if extra.get("grader_fault") else "",
                extra["diagnosis"]))
            maxima[key], notes[key] = float(extra["exercise_max"]), extra["note"]
    except (OSError, KeyError, TypeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path}: not a results.json written by calcgrade ({error})") from error
    exercises = tuple(ExerciseResult(key, tuple(checks), maxima[key], notes[key])
                      for key, checks in by_exercise.items())
    notes, review = data["extra_data"].get("notes", []), data["extra_data"].get("review", [])
    return SubmissionResult(student, exercises, tuple(str(note) for note in notes) if isinstance(notes, list) else (),
                            tuple(str(item) for item in review) if isinstance(review, list) else ())
