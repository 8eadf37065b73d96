"""Batch-grading throughput, measured side by side with the alternatives on this machine.

Generates batches of typical submissions (half correct, four in ten with one to three known mistakes
from the kit's library, one in ten partial), then measures in one run, each figure the wall time of
the whole `calcgrade grade` command (start-up, grading, gradebook and report):

1. one assignment's deadline, for each of the four assignments: every submission is that module
   (a typical submission; the issue's target of 100 per second applies here);
2. the whole kit: every submission holds all four modules at once (156 checks);
3. the fresh-interpreter baseline: one new `calcgrade grade` process per submission (one assignment),
   as many at once as there are cores (what a grader that starts Python for each student pays);
4. optionally `nbgrader autograde`, one notebook of the same assignment per student (--nbgrader N).

Each calcgrade batch runs --repeats times; the median is printed, with the slowest and fastest run.

Usage: python benchmarks/throughput.py [--submissions 1000] [--repeats 3] [--baseline 8] [--nbgrader 6]
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


def calcgrade(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader.cli", "grade", *args, "--no-progress"],
                          capture_output=True, text=True, check=True)


def measure_calcgrade(root: Path, out: Path, jobs: int) -> float:
    started = time.perf_counter()
    calcgrade(str(root), "--out", str(out), "--jobs", str(jobs))
    return time.perf_counter() - started


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


TARGET_PER_SECOND = 100
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
    args = parser.parse_args()

    rows: list[tuple[str, int, list[float]]] = []  # (method, submissions, seconds of each run)
    with tempfile.TemporaryDirectory(prefix="calcgrade-bench-") as scratch_name:
        scratch = Path(scratch_name)
        for module in kit.MODULES:
            write_batch(scratch / module, args.submissions, assignment=module)
            runs = [measure_calcgrade(scratch / module, scratch / f"out-{module}-{run}", args.jobs)
                    for run in range(args.repeats)]
            rows.append((f"calcgrade, one assignment: {module}.py", args.submissions, runs))
        write_batch(scratch / "kit", args.submissions)
        runs = [measure_calcgrade(scratch / "kit", scratch / f"out-kit-{run}", args.jobs)
                for run in range(args.repeats)]
        rows.append(("calcgrade, whole kit (4 modules) per submission", args.submissions, runs))
        seconds = measure_fresh_interpreters(scratch / args.assignment, scratch, args.baseline, args.jobs)
        rows.append((f"fresh interpreter per submission ({args.assignment}.py)", args.baseline, [seconds]))
        if args.nbgrader:
            sys.path.insert(0, str(Path(__file__).parent))
            from nbgrader_vs_calcgrade import measure_nbgrader_autograde

            notebooks, seconds = measure_nbgrader_autograde(args.nbgrader, args.assignment)
            rows.append((f"nbgrader autograde, one notebook ({args.assignment}) each", notebooks, [seconds]))

    rate = {name: count / statistics.median(runs) for name, count, runs in rows}
    typical = [rate[name] for name, _, _ in rows[: len(kit.MODULES)]]
    ours = rate[f"calcgrade, one assignment: {args.assignment}.py"]
    print(f"machine: {os.cpu_count()} cores; --jobs {args.jobs}; Python {sys.version.split()[0]}; each figure is the "
          f"wall time of the whole command; calcgrade batches: median of {args.repeats} run(s) [fastest, slowest]")
    print(f"{'method':<58}{'graded':>7}{'seconds':>9}{'per second':>12}{'range per second':>19}   {args.assignment} "
          "is")
    for name, count, runs in rows:
        spread = f"[{count / min(runs):.0f}, {count / max(runs):.0f}]" if len(runs) > 1 else ""
        ratio = "" if name.startswith("calcgrade") else f"{ours / rate[name]:.0f}× faster with calcgrade"
        print(f"{name:<58}{count:>7}{statistics.median(runs):>9.2f}{rate[name]:>12.1f}{spread:>19}   {ratio}")
    baseline = rate[f"fresh interpreter per submission ({args.assignment}.py)"]
    met = min(typical) >= TARGET_PER_SECOND and ours / baseline >= TARGET_FACTOR
    print(f"target (one assignment: ≥ {TARGET_PER_SECOND}/s and ≥ {TARGET_FACTOR}× a fresh interpreter): "
          f"{'met' if met else 'NOT met'}; slowest assignment {min(typical):.1f}/s, "
          f"{ours / baseline:.0f}× the baseline")


if __name__ == "__main__":
    main()
