"""Batch-grading throughput, measured side by side with the alternatives on this machine.

Generates batches of submissions, then measures in one run, each figure the wall time of
the whole `calcgrade grade` command (start-up, grading, gradebook and report), and, where a cpuacct cgroup can
be made (root on cgroup v1), the CPU of all its processes, the sandbox's included (steadier than wall time on
a shared machine):

1. one assignment's deadline, for each of the four assignments: every submission is that module
   (a typical submission; the issue's target of 100 per second applies here);
2. the whole kit: every submission holds all four modules at once (every check of their 25 exercises);
3. the fresh-interpreter baseline: one new `calcgrade grade` process per submission (one assignment),
   as many at once as there are cores (what a grader that starts Python for each student pays);
4. optionally `nbgrader autograde`, one notebook of the same assignment per student (--nbgrader N).

Each calcgrade batch runs --repeats times; the median is printed, with the slowest and fastest run.

Two cohorts (--cohort):
- `corpus` (the default): answers that differ as in a real class. For every function of every student, one
  of many distinct correct forms (the reference, the curriculum's alternatives and the real code of
  tests/corpus/: loops, other summation orders, library calls) or, with probability --mistake-rate, one of the
  corpus's mistakes (not the curriculum's), drawn independently; one in ten students hands in two modules only.
  The run also reports how often a public check's verdict came from the cache (engine.PUBLIC_VERDICTS), counted
  in this process on a sample of the whole-kit batch.
- `kit`: the kit's own solutions and known mistakes (half correct, four in ten with one to three known
  mistakes, one in ten partial): nearly every public answer is one seen before.

Usage: python benchmarks/throughput.py [--cohort corpus|kit] [--submissions 1000] [--repeats 3] [--baseline 8]
       [--nbgrader 6] [--only-calcgrade]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from grader import kit
from grader.curriculum import EXERCISES


def write_batch(root: Path, count: int, assignment: str | None = None, seed: int = 1) -> None:
    """Half correct, four in ten with one to three known mistakes, one in ten partial (two modules).

    With `assignment`, every submission is that one module (one assignment's deadline)."""
    rng = random.Random(seed)
    mistakes = [(e, m) for e in EXERCISES for m in e.misconceptions if assignment in (None, e.module)]
    for index in range(count):
        folder = root / f"student{index:04d}"
        folder.mkdir(parents=True)
        kind = rng.random()
        modules = (assignment,) if assignment else rng.sample(kit.MODULES, 2) if kind > 0.9 else kit.MODULES
        chosen = rng.sample(mistakes, rng.randint(1, 3)) if 0.5 <= kind <= 0.9 else []
        for module in modules:
            bodies = {e.function: m.body for e, m in chosen if e.module == module}
            (folder / f"{module}.py").write_text(kit.replace_bodies(kit.solution_source(module), bodies))


CORPUS_DIR = Path(__file__).resolve().parent.parent / "tests" / "corpus"


def corpus_forms() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Per "module.function": the distinct correct bodies (reference, curriculum alternatives, the corpus's
    real code) and the corpus's mistakes."""
    sys.path.insert(0, str(CORPUS_DIR))
    from corpus_data import load

    correct_entries, mistake_entries = load()
    correct: dict[str, list[str]] = {}
    mistakes: dict[str, list[str]] = {}
    for exercise in EXERCISES:
        reference = kit.solution_regions(kit.solution_source(exercise.module))
        begin, end, _ = reference[exercise.function]
        body = "\n".join(kit.solution_source(exercise.module).splitlines()[begin + 1 : end])
        correct[exercise.key] = [body, *exercise.alternatives]
        mistakes[exercise.key] = []
    for entry in correct_entries:
        correct[f"{entry.module}.{entry.function}"].append(entry.body)
    for entry in mistake_entries:
        mistakes[f"{entry.module}.{entry.function}"].append(entry.body)
    return correct, mistakes


def write_corpus_batch(root: Path, count: int, assignment: str | None = None, seed: int = 1,
                       mistake_rate: float = 0.15) -> None:
    """Every function of every student drawn independently: a correct form, or a corpus mistake."""
    rng = random.Random(seed)
    correct, mistakes = corpus_forms()
    for index in range(count):
        folder = root / f"student{index:04d}"
        folder.mkdir(parents=True)
        modules = (assignment,) if assignment else rng.sample(kit.MODULES, 2) if rng.random() > 0.9 else kit.MODULES
        for module in modules:
            bodies = {}
            for exercise in (e for e in EXERCISES if e.module == module):
                wrong = mistakes[exercise.key] and rng.random() < mistake_rate
                bodies[exercise.function] = rng.choice(mistakes[exercise.key] if wrong else correct[exercise.key])
            (folder / f"{module}.py").write_text(kit.replace_bodies(kit.solution_source(module), bodies))


def public_cache_share(root: Path, sample: int) -> tuple[int, int, int]:
    """Grade `sample` submissions of a batch in this process and count the public checks whose verdict
    came from engine.PUBLIC_VERDICTS: (public checks, judged, from the cache)."""
    from grader import engine
    from grader.sandbox.client import Sandbox

    judged = 0
    original = engine.judge

    def counting(*args, **kwargs):
        nonlocal judged
        if args[0].visibility == "public":
            judged += 1
        return original(*args, **kwargs)

    public = 0
    engine.judge = counting
    try:
        with Sandbox() as sandbox:
            for folder in sorted(root.iterdir())[:sample]:
                sources = {path.stem: path.read_text() for path in folder.glob("*.py")}
                result = engine.grade_sources(sources, sandbox, student=folder.name, hidden=True,
                                              course_seed="bench")
                public += sum(check.visibility == "public" for e in result.exercises for check in e.checks
                              if e.exercise.split(".")[0] in sources)
    finally:
        engine.judge = original
    return public, judged, public - judged


def calcgrade(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader.cli", "grade", *args, "--no-progress"],
                          capture_output=True, text=True, check=True)


CPUACCT = Path("/sys/fs/cgroup/cpuacct")
CPU_SECONDS: dict[str, list[float]] = {}  # per batch: the CPU of every process of each run, where it can be read


def measure_calcgrade(root: Path, out: Path, jobs: int) -> float:
    """The wall time of one `calcgrade grade` command; its CPU, every process of it together (the sandbox's
    children are no children of the command, so only a cgroup sees them), goes to CPU_SECONDS where a
    cpuacct cgroup can be made (root on cgroup v1)."""
    group = CPUACCT / f"calcgrade-bench-{os.getpid()}"
    try:
        group.mkdir()
    except OSError:
        group = None  # type: ignore[assignment]
    started = time.perf_counter()
    try:
        subprocess.run([sys.executable, "-m", "grader.cli", "grade", str(root), "--out", str(out), "--jobs",
                        str(jobs), "--no-progress"], capture_output=True, text=True, check=True,
                       preexec_fn=(lambda: (group / "cgroup.procs").write_text(str(os.getpid()))) if group else None)
        seconds = time.perf_counter() - started
        if group is not None:
            CPU_SECONDS.setdefault(str(root), []).append(int((group / "cpuacct.usage").read_text()) / 1e9)
    finally:
        for _ in range(50 if group is not None else 0):  # its last processes may still be ending
            try:
                group.rmdir()
                break
            except OSError:
                time.sleep(0.1)
    return seconds


def measure_fresh_interpreters(root: Path, scratch: Path, count: int, jobs: int) -> float:
    """A new interpreter per submission (each its own one-student batch), `jobs` at a time."""
    students = sorted(root.iterdir())[:count]

    def one(folder: Path) -> None:
        single = scratch / "single" / folder.name
        shutil.copytree(folder, single / folder.name)
        calcgrade(str(single), "--out", str(scratch / "single-out" / folder.name), "--jobs", "1")

    started = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, students))
    return time.perf_counter() - started


TARGET_PER_SECOND = 250  # one assignment's batch (issue 11)
TARGET_KIT_PER_SECOND = 100  # whole-kit submissions (issue 11)
TARGET_FACTOR = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each calcgrade batch (the median counts)")
    parser.add_argument("--baseline", type=int, default=8, help="submissions for the fresh-interpreter baseline")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--nbgrader", type=int, default=6, help="notebooks for the nbgrader autograde figure (0: skip)")
    parser.add_argument("--assignment", default="linear_model", choices=kit.MODULES,
                        help="the assignment of the baselines (the kit's largest by default)")
    parser.add_argument("--cohort", default="corpus", choices=("corpus", "kit"),
                        help="answers from many distinct forms and the corpus's mistakes, or the kit's own")
    parser.add_argument("--mistake-rate", type=float, default=0.15, help="corpus cohort: chance of a mistake per "
                        "function")
    parser.add_argument("--cache-sample", type=int, default=200, help="corpus cohort: submissions graded in this "
                        "process to count verdicts from the cache (0: skip)")
    parser.add_argument("--only-calcgrade", action="store_true", help="skip both baselines")
    parser.add_argument("--modules", default=",".join(kit.MODULES), help="assignments to time one by one")
    args = parser.parse_args()

    def write(root: Path, count: int, assignment: str | None = None) -> None:
        if args.cohort == "corpus":
            write_corpus_batch(root, count, assignment, mistake_rate=args.mistake_rate)
        else:
            write_batch(root, count, assignment)

    rows: list[tuple[str, int, list[float]]] = []  # (method, submissions, seconds of each run)
    with tempfile.TemporaryDirectory(prefix="calcgrade-bench-") as scratch_name:
        scratch = Path(scratch_name)
        assignments = [module for module in args.modules.split(",") if module]
        for module in assignments:
            write(scratch / module, args.submissions, assignment=module)
            runs = [measure_calcgrade(scratch / module, scratch / f"out-{module}-{run}", args.jobs)
                    for run in range(args.repeats)]
            rows.append((f"calcgrade, one assignment: {module}.py", args.submissions, runs))
        write(scratch / "kit", args.submissions)
        runs = [measure_calcgrade(scratch / "kit", scratch / f"out-kit-{run}", args.jobs)
                for run in range(args.repeats)]
        rows.append(("calcgrade, whole kit (4 modules) per submission", args.submissions, runs))
        cache = public_cache_share(scratch / "kit", args.cache_sample) if args.cache_sample else None
        if not args.only_calcgrade:
            if args.assignment not in assignments:
                write(scratch / args.assignment, args.submissions, assignment=args.assignment)
            seconds = measure_fresh_interpreters(scratch / args.assignment, scratch, args.baseline, args.jobs)
            rows.append((f"fresh interpreter per submission ({args.assignment}.py)", args.baseline, [seconds]))
        if args.nbgrader and not args.only_calcgrade:
            sys.path.insert(0, str(Path(__file__).parent))
            from nbgrader_vs_calcgrade import measure_nbgrader_autograde

            notebooks, seconds = measure_nbgrader_autograde(args.nbgrader, args.assignment)
            rows.append((f"nbgrader autograde, one notebook ({args.assignment}) each", notebooks, [seconds]))

    rate = {name: count / statistics.median(runs) for name, count, runs in rows}
    typical = [rate[name] for name, _, _ in rows[: len(assignments)]]
    ours = rate.get(f"calcgrade, one assignment: {args.assignment}.py", typical[0] if typical else 0.0)
    print(f"machine: {os.cpu_count()} cores; --jobs {args.jobs}; Python {sys.version.split()[0]}; cohort "
          f"{args.cohort}; each figure is the wall time of the whole command; calcgrade batches: median of "
          f"{args.repeats} run(s) [fastest, slowest]; load average {os.getloadavg()[0]:.1f} at the end")
    for batch, cpu in CPU_SECONDS.items():
        print(f"CPU of every process of the command, {Path(batch).name}: median {statistics.median(cpu):.2f} s, "
              f"{1e3 * statistics.median(cpu) / args.submissions:.1f} ms per submission")
    if cache:
        public, judged, hits = cache
        print(f"public verdicts from the cache (whole kit, first {args.cache_sample} submissions graded here): "
              f"{hits} of {public} ({hits / max(public, 1):.0%}); judged {judged}")
    print(f"{'method':<58}{'graded':>7}{'seconds':>9}{'per second':>12}{'range per second':>19}   {args.assignment} "
          "is")
    for name, count, runs in rows:
        spread = f"[{count / min(runs):.0f}, {count / max(runs):.0f}]" if len(runs) > 1 else ""
        ratio = "" if name.startswith("calcgrade") else f"{ours / rate[name]:.0f}× faster with calcgrade"
        print(f"{name:<58}{count:>7}{statistics.median(runs):>9.2f}{rate[name]:>12.1f}{spread:>19}   {ratio}")
    if args.only_calcgrade or not typical:
        return
    baseline = rate[f"fresh interpreter per submission ({args.assignment}.py)"]
    kit_rate = rate["calcgrade, whole kit (4 modules) per submission"]
    met = min(typical) >= TARGET_PER_SECOND and ours / baseline >= TARGET_FACTOR
    print(f"target (one assignment: ≥ {TARGET_PER_SECOND}/s and ≥ {TARGET_FACTOR}× a fresh interpreter): "
          f"{'met' if met else 'NOT met'}; slowest assignment {min(typical):.1f}/s, "
          f"{ours / baseline:.0f}× the baseline")
    kit_met = kit_rate >= TARGET_KIT_PER_SECOND
    print(f"target (whole kit: ≥ {TARGET_KIT_PER_SECOND}/s): {'met' if kit_met else 'NOT met'}; {kit_rate:.1f}/s")


if __name__ == "__main__":
    main()
