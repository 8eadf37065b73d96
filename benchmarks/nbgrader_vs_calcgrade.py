"""Seconds per notebook: `nbgrader autograde` against `calcgrade grade`, same machine, same notebooks.

Builds a temporary nbgrader course (`calcgrade nbgrader-course`), generates the assignments, and
submits N students per assignment: complete ones (the source notebook), untouched releases, and
releases completed with the reference code except one to three known mistakes or stubs. Then it
times, on exactly those notebooks,

1. `nbgrader autograde <assignment>` for every assignment, as nbgrader does it by itself (a kernel per notebook,
   every cell run, unconfined: the course's config without calcgrade's step);
2. the same with the course's config as `calcgrade nbgrader-course` writes it (no kernel: calcgrade's trusted step
   grades the solution cells in its sandbox, `grader.nbgrader_autograde`);
3. `calcgrade grade COURSE` with --jobs 1 and with --jobs CORES (solution cells only, in the sandbox);

both as fresh processes, as an instructor runs them, and prints seconds per notebook, the ratio,
and whether both gave every student the same score per assignment. Timings are not asserted
anywhere: this is a measurement, not a test.

Usage: python benchmarks/nbgrader_vs_calcgrade.py [--students 8] [--modules all] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from grader import kit
from grader.curriculum import of_module
from grader.nbgrader_course import NBGRADER_CONFIG, TRUSTED_AUTOGRADE_LINES, build_course, jupyter_environment

SEED = "benchmark-seed"


def run(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Run a command to completion; its wall-clock seconds."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds


def use_kernel(root: Path, kernel: bool) -> None:
    """The course's autograde as nbgrader does it by itself (a kernel per notebook), or with calcgrade's step."""
    config = NBGRADER_CONFIG.replace(TRUSTED_AUTOGRADE_LINES, "") if kernel else NBGRADER_CONFIG
    (root / "nbgrader_config.py").write_text(config, encoding="utf-8")


def student_notebook(module: str, source, release, rng: random.Random, kind: str):
    """A submission of one kind: "complete", "untouched" or "mistakes" (1–3 known mistakes or stubs)."""
    if kind == "complete":
        return source
    if kind == "untouched":
        return release
    exercises = list(of_module(module))
    wrong = {e.function: e for e in rng.sample(exercises, rng.randint(1, min(3, len(exercises))))}
    reference = {cell.id: cell.source for cell in source.cells}
    for cell in release.cells:
        exercise = wrong.get(cell.id)
        if not cell.metadata.get("nbgrader", {}).get("solution") or (exercise and rng.random() < 0.3):
            continue  # not a solution cell, or left as the stub
        cell.source = reference[cell.id]
        if exercise is not None:
            cell.source = kit.replace_bodies(cell.source, {exercise.function: rng.choice(exercise.misconceptions).body})
    return release


def build(root: Path, modules: list[str], students: int, env: dict[str, str], nbgrader: str) -> int:
    build_course(root)
    rng = random.Random(1)
    kinds = ["complete", "untouched", *["mistakes"] * 3]
    count = 0
    for module in modules:
        run([nbgrader, "generate_assignment", module], root, env)
        source_path = root / "source" / module / f"{module}.ipynb"
        release_path = root / "release" / module / f"{module}.ipynb"
        for index in range(students):
            notebook = student_notebook(module, nbformat.read(str(source_path), 4),
                                        nbformat.read(str(release_path), 4), rng, kinds[index % len(kinds)])
            folder = root / "submitted" / f"student{index:02d}" / module
            folder.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, str(folder / f"{module}.ipynb"))
            count += 1
    return count


def scores_by_assignment(csv_path: Path) -> dict[tuple[str, str], float]:
    with csv_path.open(newline="") as handle:
        return {(row["student_id"], row["assignment"]): float(row["score"]) for row in csv.DictReader(handle)}


def calcgrade_by_assignment(gradebook: Path, modules: list[str]) -> dict[tuple[str, str], float]:
    scores = {}
    with gradebook.open(newline="") as handle:
        for row in csv.DictReader(handle):
            for module in modules:
                scores[row["student_id"], module] = round(sum(float(row[e.key]) for e in of_module(module)), 4)
    return scores


def measure_nbgrader_autograde(students: int, module: str = "linear_model") -> tuple[int, float]:
    """`nbgrader autograde` of one assignment for `students` generated notebooks: (notebooks, seconds)."""
    scratch = Path(tempfile.mkdtemp(prefix="calcgrade-bench-"))
    try:
        env = jupyter_environment(scratch / "env")  # autograde never needs the course seed
        nbgrader = str(Path(sys.executable).parent / "nbgrader")
        notebooks = build(scratch / "course", [module], students, env, nbgrader)
        use_kernel(scratch / "course", True)
        return notebooks, run([nbgrader, "autograde", module], scratch / "course", env)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=8, help="students per assignment (default 8)")
    parser.add_argument("--modules", default="all", help="comma-separated assignments (default: all four)")
    parser.add_argument("--keep", help="build the course here and keep it (default: a temporary folder)")
    args = parser.parse_args()
    modules = list(kit.MODULES) if args.modules == "all" else args.modules.split(",")
    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    cores = os.cpu_count() or 1
    scratch = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="calcgrade-bench-"))
    try:
        env = jupyter_environment(scratch / "env")  # autograde never needs the course seed
        root = scratch / "course"
        notebooks = build(root, modules, args.students, env, nbgrader)
        print(f"{notebooks} notebooks: {args.students} students × {len(modules)} assignment(s) "
              f"({', '.join(modules)}); {cores} core(s); Python {sys.version.split()[0]}\n", flush=True)

        timings: list[tuple[str, float]] = []
        use_kernel(root, True)
        timings.append(("nbgrader autograde", sum(run([nbgrader, "autograde", module], root, env)
                                                  for module in modules)))
        use_kernel(root, False)
        trusted = {**env, "CALCGRADE_SEED": SEED}
        timings.append(("autograde, calcgrade's step", sum(run([nbgrader, "autograde", module, "--force"], root,
                                                              trusted) for module in modules)))
        run([nbgrader, "export", "--to=nbgrader.csv"], root, env)
        for jobs in sorted({1, cores}):
            out = scratch / f"calcgrade-out-{jobs}"
            shutil.rmtree(out, ignore_errors=True)
            seconds = run([sys.executable, "-m", "grader.cli", "grade", str(root), "--out", str(out), "--seed", SEED,
                           "--jobs", str(jobs), "--no-progress"], scratch, env)
            timings.append((f"calcgrade grade --jobs {jobs}", seconds))

        nbgrader_seconds = timings[0][1]
        print(f"{'grader':<28} {'total s':>9} {'s/notebook':>11} {'vs nbgrader':>12}")
        print(f"{'-' * 28} {'-' * 9} {'-' * 11} {'-' * 12}")
        for name, seconds in timings:
            ratio = nbgrader_seconds / seconds
            print(f"{name:<28} {seconds:>9.2f} {seconds / notebooks:>11.3f} {ratio:>11.1f}×")
        nb_scores = {key: value for key, value in scores_by_assignment(root / "nbgrader.csv").items()
                     if key[1] in modules}
        cg_scores = calcgrade_by_assignment(scratch / f"calcgrade-out-{cores}" / "gradebook.csv", modules)
        differ = sorted(key for key in nb_scores if abs(nb_scores[key] - cg_scores.get(key, -1.0)) > 1e-6)
        print(f"\nscores per student and assignment (autograde with calcgrade's step against calcgrade grade): "
              f"{len(nb_scores)} compared, "
              + ("all equal" if not differ else f"{len(differ)} differ: {differ[:5]}"))
        print("(the ratio is nbgrader's time over calcgrade's: how many times faster calcgrade is)")
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
