"""The students' loop: `pytest exercises/` from start to end, measured side by side with the alternatives.

Times, interleaved so that the machine's load falls on every figure alike (median of --repeats runs,
wall time and CPU time of the pytest process and its children):

1. `pytest` on the kit's stubs and on its solutions, the public checks' data cached (`grader.precomputed
   .kit_data`), as a student runs it again and again;
2. the same with an empty cache: the data computed from the live kit (SymPy, the reference solutions),
   which is what every run paid before the data was cached;
3. an unrelated one-test pytest run with the plugin and with `-p no:calcgrade`.

Usage: python benchmarks/student_loop.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grader import kit


def run(folder: Path, env: dict[str, str], *args: str) -> tuple[float, float]:
    """Wall and CPU seconds of one `pytest` run in `folder`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args, str(folder)], cwd=folder,
                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        shutil.copytree(kit.EXERCISES_DIR, root / "stubs")
        shutil.copytree(kit.SOLUTIONS_DIR, root / "solutions")
        (root / "other").mkdir()
        (root / "other" / "test_other.py").write_text("def test_one():\n    assert 1 + 1 == 2\n")
        warm = {**os.environ, "CALCGRADE_CACHE_DIR": str(root / "cache")}
        cases = {
            "stubs, data cached": (root / "stubs", warm, ()),
            "stubs, data computed (cold cache)": (root / "stubs", None, ()),
            "solutions, data cached": (root / "solutions", warm, ()),
            "solutions, data computed (cold cache)": (root / "solutions", None, ()),
            "one unrelated test, with the plugin": (root / "other", warm, ()),
            "one unrelated test, -p no:calcgrade": (root / "other", warm, ("-p", "no:calcgrade")),
        }
        run(root / "solutions", warm)  # fill the cache, warm the file system
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
        for repeat in range(args.repeats):
            for name, (folder, env, extra) in cases.items():
                if env is None:
                    env = {**os.environ, "CALCGRADE_CACHE_DIR": str(root / f"cold-{repeat}-{name}")}
                times[name].append(run(folder, env, *extra))
        print(f"{'pytest run (median of ' + str(args.repeats) + ')':<42} | {'wall':>7} | {'CPU':>7}")
        for name, measured in times.items():
            wall = statistics.median(w for w, _ in measured)
            cpu = statistics.median(c for _, c in measured)
            print(f"{name:<42} | {wall:>5.2f} s | {cpu:>5.2f} s")


if __name__ == "__main__":
    main()
