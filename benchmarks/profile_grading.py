"""Where one submission's grading time goes: the parent's CPU by phase, the sandbox's CPU, and the floor.

Grades N corpus-cohort submissions (see `throughput.write_corpus_batch`) in this process, one sandbox, no
worker pool, and prints per submission: wall time, this process's CPU (user + system), the CPU of the
sandbox's processes (the template and every child forked from it; a child of the template is no child of
ours, so its CPU never reaches RUSAGE_CHILDREN: this process is put in a cpuacct cgroup of its own first,
where one can be made, and its own CPU is taken from the group's), the children spawned, and the wall and
CPU of each phase of `engine.grade_sources`. `--floor` also times the least a submission can cost: one
confined child, one call, one comparison. `--profile FILE` writes the cProfile statistics of the grading.

Usage: python benchmarks/profile_grading.py [--submissions 60] [--module linear_model] [--mistake-rate 0.15]
       [--floor] [--profile FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import os
import resource
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import write_corpus_batch  # noqa: E402

from grader import engine  # noqa: E402
from grader.sandbox import client  # noqa: E402
from grader.sandbox.client import Call, Sandbox  # noqa: E402

CPUACCT = Path("/sys/fs/cgroup/cpuacct")


def own_cpuacct() -> Path | None:
    """A cpuacct cgroup holding this process (and so the template and its children, made after): root on
    cgroup v1 only; None elsewhere."""
    if not (CPUACCT / "cpuacct.usage").exists():
        return None
    folder = CPUACCT / f"calcgrade-profile-{os.getpid()}"
    try:
        folder.mkdir(exist_ok=True)
        (folder / "cgroup.procs").write_text(str(os.getpid()))
    except OSError:
        return None
    return folder


def leave_cpuacct(folder: Path | None) -> None:
    if folder is None:
        return
    with contextlib.suppress(OSError):
        (CPUACCT / "cgroup.procs").write_text(str(os.getpid()))
        folder.rmdir()


def group_cpu(folder: Path | None) -> float:
    return int((folder / "cpuacct.usage").read_text()) / 1e9 if folder else float("nan")


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Phases:
    """Wall and CPU time of the wrapped functions, outermost call only per name."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._active: set[str] = set()

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            if name in self._active:
                return function(*args, **kwargs)
            self._active.add(name)
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.wall[name] += time.perf_counter() - wall
                self.cpu[name] += time.process_time() - cpu
                self.calls[name] += 1
                self._active.discard(name)
        return timed


@contextlib.contextmanager
def instrumented(phases: Phases) -> Iterator[None]:
    targets = [(engine, "plan"), (engine, "_run"), (engine.PUBLIC_VERDICTS, "judge"), (engine, "_with_diagnoses"),
               (engine, "explain_exercise"), (engine, "_keeping_state"), (engine, "_answering_after_others"),
               (engine, "_with_repairs"), (engine, "_carry_forward"),
               (client.Sandbox, "_spawn"), (client.Sandbox, "run")]
    saved = [(owner, name, getattr(owner, name)) for owner, name in targets]
    for owner, name, function in saved:
        setattr(owner, name, phases.wrap(name, function))
    try:
        yield
    finally:
        for owner, name, function in saved:
            setattr(owner, name, function)


def floor(sandbox: Sandbox, count: int, group: Path | None) -> tuple[float, float, float]:
    """Per submission at the least: (wall, parent CPU, sandbox CPU) of one confined child answering one
    call, and one comparison."""
    source = {"floor": "def f(x):\n    return x + 1\n"}
    call = Call("floor", "f", (1.0,))
    sandbox.run(source, [call])
    wall, cpu, child = time.perf_counter(), own_cpu(), group_cpu(group)
    for _ in range(count):
        _, [outcome] = sandbox.run(source, [call])
        assert outcome.value == 2.0
    cpu = own_cpu() - cpu
    return (time.perf_counter() - wall) / count, cpu / count, (group_cpu(group) - child - cpu) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=60)
    parser.add_argument("--module", default=None, help="one assignment (default: the whole kit)")
    parser.add_argument("--mistake-rate", type=float, default=0.15)
    parser.add_argument("--floor", action="store_true")
    parser.add_argument("--profile", default="", help="write cProfile statistics here")
    parser.add_argument("--warm", type=int, default=3, help="submissions graded first, not counted")
    args = parser.parse_args()
    group = own_cpuacct()
    try:
        with tempfile.TemporaryDirectory(prefix="calcgrade-profile-") as scratch, Sandbox() as sandbox:
            root = Path(scratch)
            write_corpus_batch(root, args.submissions + args.warm, args.module, mistake_rate=args.mistake_rate)
            folders = sorted(root.iterdir())
            submissions = [(folder.name, {path.stem: path.read_text() for path in folder.glob("*.py")})
                           for folder in folders]
            for name, sources in submissions[: args.warm]:
                engine.grade_sources(sources, sandbox, student=name, hidden=True, course_seed="bench")
            phases = Phases()
            profiler = cProfile.Profile() if args.profile else None
            load = os.getloadavg()[0]
            wall, cpu, child = time.perf_counter(), own_cpu(), group_cpu(group)
            with instrumented(phases):
                if profiler:
                    profiler.enable()
                for name, sources in submissions[args.warm :]:
                    engine.grade_sources(sources, sandbox, student=name, hidden=True, course_seed="bench")
                if profiler:
                    profiler.disable()
            n = args.submissions
            wall, cpu = time.perf_counter() - wall, own_cpu() - cpu
            child = group_cpu(group) - child - cpu  # the group holds this process too
            print(f"{n} submissions ({args.module or 'whole kit'}, mistake rate {args.mistake_rate}), load "
                  f"average {load:.1f} at the start{', under cProfile' if profiler else ''}")
            print(f"per submission: wall {1e3 * wall / n:.1f} ms; parent CPU {1e3 * cpu / n:.1f} ms; sandbox CPU "
                  f"{1e3 * child / n:.1f} ms; children {phases.calls['_spawn'] / n:.2f}; runs "
                  f"{phases.calls['run'] / n:.2f}")
            print(f"{'phase':<20}{'wall ms':>9}{'CPU ms':>9}{'calls':>8}   (per submission)")
            for phase in phases.wall:
                print(f"{phase:<20}{1e3 * phases.wall[phase] / n:>9.1f}{1e3 * phases.cpu[phase] / n:>9.1f}"
                      f"{phases.calls[phase] / n:>8.2f}")
            if args.floor:
                fw, fc, fs = floor(sandbox, 100, group)
                print(f"floor (one child, one call): wall {1e3 * fw:.1f} ms; parent CPU {1e3 * fc:.1f} ms; sandbox "
                      f"CPU {1e3 * fs:.1f} ms")
            if profiler:
                profiler.dump_stats(args.profile)
    finally:
        leave_cpuacct(group)


if __name__ == "__main__":
    main()
