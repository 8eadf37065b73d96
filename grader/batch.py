"""Grading a folder of submissions: one results.json per student, a gradebook and a class report.

Each student's results.json is written atomically as soon as that student is graded, so an
interrupted batch (even SIGKILL) loses at most the students in progress; `resume=True` grades only
the students without a valid results.json, and only if those were graded the same way: each
results.json records a digest of the course seed (never the seed), the limits and the modules, and a
resume with other ones is refused (`ResumeMismatch`). The gradebook and the report are rebuilt from all
results.json files at the end, so every student appears exactly once. Submission folders are only
read. With jobs > 1, worker processes each own a sandbox, and what one learns from functions' sources
(repairs, formula findings: `engine.Learned`) reaches the others with their next chunks.
"""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import multiprocessing
import multiprocessing.util
import stat
import sys
import time
import traceback
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader import kit
from grader.curriculum import EXERCISES
from grader.engine import Learned, grade_sources, learn, learned
from grader.feedback import student_message
from grader.gradebook import write_gradebook
from grader.gradescope import read_results, read_run_record, write_results
from grader.notebook_source import is_nbgrader_course, submissions_root
from grader.report import write_report, write_student_feedback
from grader.sandbox.client import Confinement, Limits, Sandbox, SandboxUnavailable
from grader.spec import GRADER_FAULT, CheckResult, ExerciseResult, SubmissionResult
from grader.submission import (
    is_junk,
    nbgrader_handed_in,
    read_nbgrader_submission,
    read_submission,
    submitted_modules,
)
from grader.terminal import shown, shown_id

RESULTS = "results.json"
RESERVED = ("gradebook.csv", "report.html")  # the batch's own files in OUT, beside one folder per student
SUMMARY_STUDENTS = 30  # students the end-of-run summary names one by one
DEFAULT_SEED = kit.DEFAULT_SEED  # public: anyone with the kit can recompute hidden inputs drawn from it


class ResumeMismatch(ValueError):
    """`--resume` into an OUT whose results were graded with another seed, other limits or other modules."""


@dataclass(frozen=True)
class BatchOptions:
    course_seed: str = DEFAULT_SEED
    jobs: int = 1
    resume: bool = False
    limits: Limits = field(default_factory=Limits)
    progress: bool = False
    modules: tuple[str, ...] | None = None  # the assignments graded; None: every module any submission holds
    unconfined: bool = False  # where the kernel allows no walls: grade anyway, in limited processes (warned)
    carry_forward: bool = True  # a function right given the student's own wrong function it calls keeps its marks


@dataclass(frozen=True)
class BatchSummary:
    results: tuple[SubmissionResult, ...]
    graded: tuple[tuple[str, float], ...]  # (student, seconds) graded in this run
    resumed: tuple[str, ...]  # students whose results.json was kept
    seconds: float
    refused: tuple[str, ...] = ()  # folders not graded: their names are the batch's own files in OUT
    walls: dict = field(default_factory=dict)  # what student code stood behind (`Sandbox.walls`)
    stale: tuple[str, ...] = ()  # results in OUT for students not in SUBMISSIONS (from an earlier batch)
    loose: tuple[str, ...] = ()  # files beside the student folders, not graded
    modules_chosen: str = ""  # with --modules auto: which modules were graded, and why
    output_mode: int = 0o700  # OUT's permission bits: other accounts read every student's results where it is open
    out: str = "OUT"  # the output folder, as the summary names it

    @property
    def intake_notes(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(student, notes) for every student whose files were not all found under the expected names."""
        return tuple((result.student, result.notes) for result in self.results if result.notes)

    def describe(self) -> str:
        slowest = sorted(self.graded, key=lambda item: -item[1])[:3]
        faults = sum(1 for r in self.results for e in r.exercises for c in e.checks if c.grader_fault)
        lines = [f"graded {len(self.graded)} submission(s) in {self.seconds:.2f} s"
                 + (f" ({len(self.graded) / self.seconds:.1f}/s)" if self.seconds > 0 and self.graded else "")
                 + (f"; kept {len(self.resumed)} from an earlier run" if self.resumed else ""),
                 f"checks the grader could not judge (grader faults): {faults}"]
        first_checks = [(result.student, result.exercises[0].checks[0]) for result in self.results
                        if result.exercises and result.exercises[0].checks]
        failed = [(student, check.instructor_message.strip().splitlines()[-1]) for student, check in first_checks
                  if check.instructor_message.startswith(SUBMISSION_FAULT)]
        if failed:
            lines.append(f"submissions the grader failed on, not graded ({len(failed)}; grade them again once the "
                         "grader is fixed): " + ", ".join(shown(f"{student} ({error})")
                                                          for student, error in failed[:SUMMARY_STUDENTS]))
        if self.modules_chosen:
            lines.append(self.modules_chosen)
        if slowest:
            lines.append("slowest: " + ", ".join(f"{shown_id(student)} {seconds:.2f} s"
                                                 for student, seconds in slowest))
        if self.walls.get("confined"):
            lines.append("student code ran behind: " + "; ".join(self.walls["layers"]))
        elif self.walls:
            layers = self.walls.get("layers", [])
            landlock = any(layer.startswith("Landlock") for layer in layers)
            own_user = not any("unprivileged uid" in layer for layer in layers)
            reach = ("it ran as the grader's own user, kept by Landlock to the Python installation and its working "
                     "folder, and saw the machine's process list" if own_user and landlock else
                     "it ran as the grader's own user and could read, change or end anything that user can (the "
                     "grader and its seed, other students' files, the results in OUT): grade as root, whose "
                     "children take an unprivileged uid, or where user namespaces are allowed" if own_user else
                     "it ran as an unprivileged uid, kept by Landlock to the Python installation and its working "
                     "folder, and saw the machine's process list" if landlock else
                     "it could read what every user can read (the grader's command line, files open to all)")
            lines.append("WARNING: student code ran UNCONFINED (--unconfined, no user namespaces here): " + reach
                         + "; one student at a time (children share one uid); behind: "
                         + ("; ".join(layers) or "none"))
        if self.walls.get("missing"):
            lines.append("missing walls: " + "; ".join(self.walls["missing"]))
        if noted := self.intake_notes:
            lines.append(f"submissions not handed in as expected ({len(noted)}; the notes are in their results.json):")
            lines += [shown(f"  {student}: {'; '.join(notes)}") for student, notes in noted[:SUMMARY_STUDENTS]]
            if len(noted) > SUMMARY_STUDENTS:
                lines.append(f"  … and {len(noted) - SUMMARY_STUDENTS} more")
        if reviewed := [(result.student, result.review) for result in self.results if result.review]:
            lines.append(f"worth a look by hand ({len(reviewed)}; the scores stand, the notes are in their results.json"
                         "'s extra_data, never shown to the student):")
            lines += [shown(f"  {student}: {'; '.join(notes)}") for student, notes in reviewed[:SUMMARY_STUDENTS]]
            if len(reviewed) > SUMMARY_STUDENTS:
                lines.append(f"  … and {len(reviewed) - SUMMARY_STUDENTS} more")
        if self.output_mode & 0o077:
            lines.append(f"WARNING: the output folder {shown(str(self.out))} is open to other accounts of this "
                         f"machine (mode {self.output_mode:o}) and holds every student's scores and feedback: "
                         f"`chmod 700` it (a folder the grader makes is 700)")
        if self.stale:
            lines.append("results in OUT for students not in SUBMISSIONS (from an earlier batch; not in the gradebook "
                         "or the report): " + ", ".join(shown(student) for student in self.stale))
        if self.loose:
            lines.append("files beside the student folders, not graded (a student is a folder): "
                         + ", ".join(shown(name) for name in self.loose))
        if self.refused:
            lines.append(f"not graded (a student folder may not be named like {' or '.join(RESERVED)}): "
                         + ", ".join(shown(student) for student in self.refused))
        return "\n".join(lines)


def find_submissions(root: Path) -> list[tuple[str, Path]]:
    """One folder per student (the folder name is the student id); hidden folders and links are skipped.

    For an nbgrader course folder, the students' folders are those in its `submitted` folder.
    """
    root = submissions_root(root)
    return sorted((entry.name, entry) for entry in root.iterdir()
                  if entry.is_dir() and not entry.is_symlink() and not is_junk(entry.name))


def loose_files(root: Path) -> tuple[str, ...]:
    """Files beside the student folders (e.g. a student's zip handed in without a folder): not graded."""
    root = submissions_root(root)
    return tuple(sorted(entry.name for entry in root.iterdir()
                        if not is_junk(entry.name) and (entry.is_symlink() or not entry.is_dir())))


def stale_results(out: Path, students: Sequence[str]) -> tuple[str, ...]:
    """Student folders in OUT with a results.json, for students not in this batch (left from an earlier one):
    they are in neither the gradebook nor the report, and the summary names them."""
    if not out.is_dir():
        return ()
    current = set(students)
    return tuple(sorted(entry.name for entry in out.iterdir()
                        if entry.is_dir() and not entry.is_symlink() and not is_junk(entry.name)
                        and entry.name not in current and (entry / RESULTS).is_file()))


def _refused(submissions: list[tuple[str, Path]]) -> tuple[str, ...]:
    """Student folders named like the batch's own files in OUT (their results would have nowhere to go)."""
    return tuple(student for student, _ in submissions if student in RESERVED)


@dataclass(frozen=True)
class ModuleChoice:
    """The assignments `--modules auto` grades, and a line saying why."""

    modules: tuple[str, ...]
    reason: str


def batch_modules(submissions: Sequence[tuple[str, Path]]) -> ModuleChoice:
    """The assignments of a batch: the modules that more than half of its submissions hold (in any form).

    One assignment's deadline is graded out of that assignment's points, and a student without one of
    its modules earns 0 for it. A module only a few submissions hold (one student adding an extra, even
    empty, file) is not part of the batch, so no student can raise everyone's maximum. A batch where no
    module reaches a majority (a mix of assignments, or a batch of two where one student hands in another
    module or nothing) is graded out of the modules held by the most submissions (all of them where they tie;
    the whole kit where none holds one): in a batch of two, one student's empty folder put the whole kit into
    the other's maximum (red team round 59, 01). `--modules` fixes the set instead."""
    holding = Counter(module for _, folder in submissions for module in held_modules(folder))
    total = len(submissions)
    counts = ", ".join(f"{module} {holding[module]}" for module in kit.MODULES if holding[module])
    majority = tuple(module for module in kit.MODULES if 2 * holding[module] > total)
    if not majority:
        most = max((holding[module] for module in kit.MODULES), default=0)
        if not most:
            return ModuleChoice(tuple(kit.MODULES), f"modules graded: all of the kit; no module is held by any of "
                                                    f"the {total} submission(s)")
        plurality = tuple(module for module in kit.MODULES if holding[module] == most)
        return ModuleChoice(plurality, f"modules graded: {', '.join(plurality)}, held by the most submissions "
                                       f"({most} of {total}); no module is held by more than half ({counts}): "
                                       "`--modules` fixes the set")
    left_out = ", ".join(f"{module} ({holding[module]})" for module in kit.MODULES
                         if holding[module] and module not in majority)
    return ModuleChoice(majority, f"modules graded: {', '.join(majority)}, held by more than half of the {total} "
                                  f"submission(s) ({', '.join(f'{m} {holding[m]}' for m in majority)})"
                        + (f"; not graded, held by fewer: {left_out}" if left_out else ""))


def held_modules(folder: Path) -> set[str]:
    """The modules a student's folder holds as the run will read it: in an nbgrader course, the modules whose
    folder nbgrader collected (`nbgrader_handed_in`; a stray `.py` is never graded there, so it counts for
    nothing); elsewhere, in any form (`submitted_modules`)."""
    return set(nbgrader_handed_in(folder, kit.MODULES)) if in_nbgrader_course(folder) else submitted_modules(folder)


def seed_digest(course_seed: str) -> str:
    """A digest of the course seed for results.json, to compare seeds on `--resume` without keeping the seed.

    scrypt, so that a weak seed cannot be guessed cheaply from a results.json that reaches students."""
    return hashlib.scrypt(course_seed.encode("utf-8", "surrogateescape"), salt=b"calcgrade course seed",
                          n=1 << 14, r=8, p=1, dklen=16).hex()


def run_record(course_seed: str, limits: Limits, modules: Sequence[str], carry_forward: bool = True) -> dict[str, Any]:
    """How a batch grades (recorded in every results.json): a resume must grade the same way."""
    return {"seed_digest": seed_digest(course_seed), "limits": dataclasses.asdict(limits), "modules": list(modules),
            "carry_forward": carry_forward}


def _differences(recorded: dict[str, Any] | None, current: dict[str, Any]) -> list[str]:
    if recorded is None:
        return ["no record of its seed, limits and modules"]
    differences = []
    if recorded.get("seed_digest") != current["seed_digest"]:
        differences.append("another seed")
    limits = recorded.get("limits") or {}
    differences += [f"{name} {limits.get(name)!r} (now {value!r})" for name, value in current["limits"].items()
                    if limits.get(name) != value]
    if recorded.get("modules") != current["modules"]:
        differences.append(f"modules {', '.join(map(str, recorded.get('modules') or [])) or '(none)'} "
                           f"(now {', '.join(current['modules'])})")
    was = recorded.get("carry_forward", True)  # results from before the option graded without it, as if on
    if was != current["carry_forward"]:
        differences.append(f"error carried forward {'on' if was else 'off'} "
                           f"(now {'on' if current['carry_forward'] else 'off'})")
    return differences


def grade_folder(student: str, folder: Path, sandbox: Sandbox, course_seed: str,
                 modules: Sequence[str] = tuple(kit.MODULES), carry_forward: bool = True) -> SubmissionResult:
    """Grade one student's folder as handed in; the notes say which files were used in place of the
    expected names, and which were found but not used (`grader.submission`)."""
    if in_nbgrader_course(folder):
        parts = [grade_nbgrader_module(student, folder, module, sandbox, course_seed, carry_forward)
                 for module in modules]
        return SubmissionResult(student, tuple(e for part in parts for e in part.exercises),
                                tuple(dict.fromkeys(note for part in parts for note in part.notes)),
                                tuple(dict.fromkeys(note for part in parts for note in part.review)))
    submission = read_submission(folder)
    result = grade_sources(submission.sources, sandbox, student=student, hidden=True, course_seed=course_seed,
                           unreadable=submission.unreadable, exercises=[e for e in EXERCISES if e.module in modules],
                           carry_forward=carry_forward)
    return dataclasses.replace(result, notes=(*result.notes, *submission.notes))


def in_nbgrader_course(folder: Path) -> bool:
    """Is this a student's folder of an nbgrader course (`COURSE/submitted/<student>`)?"""
    return folder.parent.name == "submitted" and is_nbgrader_course(folder.parent.parent)


def grade_nbgrader_module(student: str, folder: Path, module: str, sandbox: Sandbox, course_seed: str,
                          carry_forward: bool = True) -> SubmissionResult:
    """One module of a student in an nbgrader course, graded on its own from the notebook nbgrader collected
    (`read_nbgrader_notebook`), as nbgrader's autograde grades it (`grader.nbgrader_autograde`): its hidden inputs
    depend on that notebook alone, so the two give the same scores, and no module's code runs beside another's."""
    submission = read_nbgrader_submission(folder, [module])
    return grade_sources(submission.sources, sandbox, student=student, hidden=True, course_seed=course_seed,
                         unreadable=submission.unreadable, exercises=[e for e in EXERCISES if e.module == module],
                         carry_forward=carry_forward)


def _write_student(result: SubmissionResult, out: Path, run: dict[str, Any]) -> None:
    """The student's feedback page, then their results.json: results.json is what `--resume` trusts, so
    it is written last, and a student it is kept for always has a complete feedback page too."""
    folder = out / result.student
    write_student_feedback(result, folder / "feedback.html")  # makes the student's folder
    write_results(result, folder / RESULTS, run)


def _write_class_report(results: Sequence[SubmissionResult], out: Path) -> None:
    """The class report (its charts are written as SVG here: no plotting library, and no second per batch)."""
    write_report(results, out)


# ----- worker processes ----------------------------------------------------------------------------

_worker_sandbox: Sandbox | None = None


def _start_worker(limits: Limits, hidden: tuple[Path, ...], confinement: Confinement) -> None:
    global _worker_sandbox
    _worker_sandbox = Sandbox(limits, hidden=hidden, confinement=confinement)
    # When the pool ends this worker: end its template and remove its private folder.
    multiprocessing.util.Finalize(_worker_sandbox, _worker_sandbox.close, exitpriority=10)


Graded = tuple[str, float, SubmissionResult]  # student, seconds, result


def _grade_and_write(student: str, folder: Path, sandbox: Sandbox, out: Path, course_seed: str,
                     run: dict[str, Any]) -> Graded:
    started = time.perf_counter()
    try:
        result = grade_folder(student, folder, sandbox, course_seed, run["modules"], run["carry_forward"])
    except SandboxUnavailable:
        raise  # the machine, not this student: no later student could be graded either
    except Exception as error:  # noqa: BLE001 - a fault of the grader on one submission costs that one only
        result = grader_failed(student, run["modules"], error)
    _write_student(result, out, run)
    return student, time.perf_counter() - started, result


SUBMISSION_FAULT = f"{GRADER_FAULT} while grading this submission"


def grader_failed(student: str, modules: Sequence[str], error: BaseException) -> SubmissionResult:
    """A submission the grader itself failed on (an exception of its own while grading it): every exercise a
    grader fault, with the traceback for the instructor, and the batch goes on to the next student. The student
    is told it was not graded, never that their code is wrong; the summary counts it with the grader faults."""
    told = "this exercise could not be graded (a fault in the grader, reported to your instructor)"
    detail = f"{SUBMISSION_FAULT}:\n" + "".join(traceback.format_exception(error))
    exercises = tuple(
        ExerciseResult(exercise.key, (CheckResult(exercise.key, "graded", "public", False, 0.0, exercise.points,
                                                  student_message(call=None, problem=told), detail),),
                       exercise.points, note="not graded: a fault in the grader")
        for exercise in EXERCISES if exercise.module in modules)
    return SubmissionResult(student, exercises, ("the grader failed on this submission and did not grade it (a "
                                                 "fault in the grader, reported to your instructor)",))


def _grade_in_worker(chunk: list[tuple[str, Path]], out: Path, course_seed: str,
                     run: dict[str, Any], known: Learned) -> tuple[list[Graded], Learned]:
    """Grade a few students in this worker (a chunk costs one round trip to the pool, not one each), after taking
    what the other workers learned (`engine.Learned`); returns what this chunk taught this worker."""
    assert _worker_sandbox is not None
    learn(known)
    before = learned()
    graded = [_grade_and_write(student, folder, _worker_sandbox, out, course_seed, run) for student, folder in chunk]
    return graded, learned(since=before)


def _graded_in_processes(todo, out: Path, options: BatchOptions, first: Sandbox,
                         run: dict[str, Any]) -> Iterator[Graded]:
    # Workers are forked from this process, warm (SymPy references built); no thread runs here yet. Each has a
    # sandbox of its own: this process's is ended first, so that no worker holds a copy of its channel.
    hidden = tuple(Path(folder) for folder in first.hidden)
    first.close()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(options.jobs, mp_context=context, initializer=_start_worker,
                             initargs=(options.limits, hidden, _confinement(options))) as pool:
        size = max(1, min(8, len(todo) // (4 * options.jobs)))  # small enough to balance the workers
        chunks = collections.deque(todo[start : start + size] for start in range(0, len(todo), size))
        known = Learned({}, {})  # what the workers learned, passed on with each chunk (submitted as they finish)
        running: set[Future] = set()
        while chunks or running:
            while chunks and len(running) < 2 * options.jobs:
                snapshot = Learned(dict(known.repairs), dict(known.findings))  # pickled later, in the pool's thread
                running.add(pool.submit(_grade_in_worker, chunks.popleft(), out, options.course_seed, run, snapshot))
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                graded, taught = future.result()
                learn_into(known, taught)
                yield from graded


def learn_into(known: Learned, taught: Learned) -> None:
    """Add what a worker was taught to what the next chunks carry (the first worker's answer stands)."""
    for key, value in taught.repairs.items():
        known.repairs.setdefault(key, value)
    for key, value in taught.findings.items():
        known.findings.setdefault(key, value)


def _graded_here(todo, out: Path, options: BatchOptions, sandbox: Sandbox,
                 run: dict[str, Any]) -> Iterator[Graded]:
    for student, folder in todo:
        yield _grade_and_write(student, folder, sandbox, out, options.course_seed, run)


def _confinement(options: BatchOptions) -> Confinement:
    return "unconfined" if options.unconfined else "required"


def _progress(items: Iterator, total: int, enabled: bool) -> Iterator:
    if not enabled:
        yield from items
        return
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: worker processes are forked from this one
    yield from tqdm(items, total=total, unit="submission", file=sys.stderr, dynamic_ncols=True)


def grade_batch(root: Path, out: Path, options: BatchOptions) -> BatchSummary:
    """Grade every student folder under `root` into `out` (see the module docstring).

    Raises ResumeMismatch, before grading anyone, when resuming into results graded another way."""
    started = time.perf_counter()
    out.mkdir(mode=0o700, parents=True, exist_ok=True)  # every student's scores and feedback: the instructor's alone
    # The walls are checked before any student is graded, so that a batch never half-runs (SandboxUnavailable
    # where there can be none and `unconfined` was not given); the same sandbox then grades, in this process.
    hidden = (root.resolve(), out.resolve())  # no child sees other students' files or the results
    with Sandbox(options.limits, hidden=hidden, confinement=_confinement(options)) as first:
        walls = first.walls()
        return _grade_batch(root, out, options, first, walls, started)


def _grade_batch(root: Path, out: Path, options: BatchOptions, first: Sandbox, walls: dict,
                 started: float) -> BatchSummary:
    submissions = find_submissions(root)
    refused = _refused(submissions)
    submissions = [(student, folder) for student, folder in submissions if student not in refused]
    choice = None if options.modules else batch_modules(submissions)
    modules = choice.modules if choice is not None else options.modules
    run = run_record(options.course_seed, options.limits, modules, options.carry_forward)
    kept: dict[str, SubmissionResult] = {}  # with --resume: the students a valid results.json is kept for
    todo, mismatched = [], {}
    for student, folder in submissions:
        if options.resume:
            try:
                kept[student] = read_results(out / student / RESULTS)
                if differences := _differences(read_run_record(out / student / RESULTS), run):
                    mismatched[student] = differences
                continue
            except ValueError:
                pass
        todo.append((student, folder))
    if mismatched:
        student, differences = next(iter(mismatched.items()))
        raise ResumeMismatch(f"--resume: {len(mismatched)} results.json in {out} were graded differently (e.g. "
                             f"{shown(student)}: {'; '.join(differences)}); resume with the same --seed, limits and "
                             "--modules, or grade into a new --out")
    # Unconfined, every child runs as one uid with no PID namespace of its own, so a child could signal another
    # student's child graded at the same time: there students are graded one at a time, whatever --jobs says.
    parallel = options.jobs > 1 and len(todo) > 1 and bool(walls.get("confined"))
    grade = _graded_in_processes if parallel else _graded_here
    graded = list(_progress(grade(todo, out, options, first, run), len(todo), options.progress))
    by_student = {**kept, **{student: result for student, _, result in graded}}
    results = tuple(by_student[student] for student, _ in submissions)
    write_gradebook(results, out / "gradebook.csv")
    _write_class_report(results, out)
    return BatchSummary(results, tuple((student, seconds) for student, seconds, _ in graded), tuple(kept),
                        time.perf_counter() - started, refused, walls,
                        stale=stale_results(out, [student for student, _ in submissions]), loose=loose_files(root),
                        modules_chosen=choice.reason if choice else "", output_mode=stat.S_IMODE(out.stat().st_mode),
                        out=str(out))
