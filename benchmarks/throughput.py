"""Batch-grading throughput, measured side by side with the alternatives on this machine.

Generates a batch of typical submissions (correct ones, ones with known mistakes from the kit's
library, partial ones), then measures in one run:

1. `calcgrade grade` on the whole batch (warm template, one forked child per submission, --jobs), once
   with every submission holding all four modules (156 checks each) and once for one assignment's
   deadline (every submission one module);
2. the fresh-interpreter baseline: one new `calcgrade grade` process per submission, as many at once
   as there are cores (what a grader that starts Python for each student pays);
3. optionally `nbgrader autograde` per notebook on the same machine (--nbgrader N notebooks).

Usage: python benchmarks/throughput.py [--submissions 1000] [--baseline 8] [--jobs CORES] [--nbgrader 6]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--baseline", type=int, default=8, help="submissions for the fresh-interpreter baseline")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--nbgrader", type=int, default=6, help="notebooks for the nbgrader autograde figure (0: skip)")
    parser.add_argument("--assignment", default="linear_model", choices=kit.MODULES,
                        help="the module of the one-assignment batch")
    args = parser.parse_args()

    rows = []
    with tempfile.TemporaryDirectory(prefix="calcgrade-bench-") as scratch_name:
        scratch = Path(scratch_name)
        write_batch(scratch / "subs", args.submissions)
        seconds = measure_calcgrade(scratch / "subs", scratch / "out", args.jobs)
        rows.append(("calcgrade grade, whole kit per submission", args.submissions, seconds))
        write_batch(scratch / "one", args.submissions, assignment=args.assignment)
        seconds = measure_calcgrade(scratch / "one", scratch / "out-one", args.jobs)
        rows.append((f"calcgrade grade, one assignment ({args.assignment}.py)", args.submissions, seconds))
        seconds = measure_fresh_interpreters(scratch / "subs", scratch, args.baseline, args.jobs)
        rows.append(("fresh interpreter per submission", args.baseline, seconds))
        if args.nbgrader:
            sys.path.insert(0, str(Path(__file__).parent))
            from nbgrader_vs_calcgrade import measure_nbgrader_autograde

            notebooks, seconds = measure_nbgrader_autograde(args.nbgrader, args.assignment)
            rows.append((f"nbgrader autograde, one notebook ({args.assignment}) each", notebooks, seconds))

    whole_kit, one_assignment = (count / seconds for _, count, seconds in rows[:2])
    print(f"machine: {os.cpu_count()} cores; --jobs {args.jobs}; Python {sys.version.split()[0]}; "
          "each figure is wall time of the whole command (start-up, grading, gradebook and report)")
    print(f"{'method':<56}{'graded':>8}{'seconds':>10}{'per second':>12}   calcgrade on the same kind is")
    for name, count, seconds in rows:
        rate = count / seconds
        ours = one_assignment if "one notebook" in name else whole_kit
        ratio = "" if name.startswith("calcgrade") else f"{ours / rate:.0f}× faster"
        print(f"{name:<56}{count:>8}{seconds:>10.2f}{rate:>12.1f}   {ratio}")


if __name__ == "__main__":
    main()
