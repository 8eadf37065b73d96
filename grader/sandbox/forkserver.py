"""The warm template: a process that has imported NumPy and built the grader's given functions once,
and forks one child per submission on request.

It never computes an expected value, loads a reference solution or builds the derivative of a
curriculum function, and its environment is an allow-list, so a forked child inherits nothing a
student could use. It builds the walls of `confine` once (its namespaces and the child's root) and
each child adds its own before any student code runs. Requests arrive as JSON lines on the control
socket; its first answer says which walls stand, each answer to a spawn carries a child's pid, with the
parent's end of a fresh socket pair passed as a file descriptor (SCM_RIGHTS). Children are reaped
automatically (SIGCHLD ignored; orphans come back to it as their subreaper).
"""

from __future__ import annotations

import gc
import inspect
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass
from typing import Any

import numpy  # noqa: F401 - imported once here so that every child starts warm

from grader.plain import dumps, from_wire, loads, to_wire
from grader.sandbox import child, confine
from grader.sandbox.confine import ConfinementError, Walls


def _warm_up(sources: dict[str, Any]) -> None:
    """Pay first-use costs once, here, instead of in every child: build the given functions, and run
    the NumPy, JSON and compile paths that student code and the wire format take. Generic work only:
    no exercise's expected value is ever computed in this process."""
    sample = numpy.linspace(0.1, 1.0, 8)
    for name, source in sources.items():
        function = child.GIVEN[name]
        if source["of_point"]:
            function(sample[: len(source["variables"])])
        else:
            function(sample), function(0.5)
    for value in (1, 0.5, sample, [1.0, 2.0], (1.0, 2.0), numpy.ones((2, 3)), "text", None):
        from_wire(loads(dumps(to_wire(value))))
    matrix = numpy.eye(2) + 0.5
    for operation in (numpy.sum, numpy.mean, numpy.abs, numpy.sqrt, numpy.exp, numpy.sin, numpy.cos, numpy.min,
                      numpy.max, numpy.argmin, numpy.argmax, numpy.diag, numpy.copy, numpy.zeros_like):
        operation(sample)
    numpy.linalg.eigvalsh(matrix), numpy.linalg.eigvals(matrix), numpy.linalg.det(matrix)
    numpy.linalg.solve(matrix, sample[:2]), numpy.linalg.lstsq(matrix, sample[:2], rcond=None)
    numpy.polyfit(sample, sample, 1), numpy.meshgrid(sample, sample), numpy.unravel_index(3, (2, 2))
    numpy.column_stack([sample, sample]), numpy.dot(sample, sample), sample @ sample, numpy.array([sample]).T
    compile("def f(x):\n    return [x ** 2 for _ in range(2)]\n", "warm_up.py", "exec")
    # The guard of the hand derivatives' calls (`by_hand`): NumPy's isin costs about 10 ms on its first call.
    numpy.isin(sample, numpy.concatenate([sample, -sample])), inspect.signature(_warm_up).bind({})


Walled = Walls | confine.Fallback | None  # the walls each child enters: namespaces and more, or what is left


@dataclass
class ReadyChild:
    """A child forked and confining itself, waiting to be handed to the grader: its pid here, a pidfd (the
    grader ends it by that, whatever pid namespace it sees) and the grader's end of its channel."""

    pid: int
    pidfd: int
    channel: socket.socket
    group: int | None  # without a PID namespace of its own: its process group, which the grader ends too


def _prefork(control: socket.socket, config: dict[str, Any], walls: Walled) -> ReadyChild:
    """Fork and confine the next child ahead of time (so that this work overlaps with the grader judging the
    previous child); it says it is ready, then waits for its job."""
    parent_end, child_end = socket.socketpair()
    limits = _limits(config)
    pid = walls.fork_child(limits) if isinstance(walls, Walls) else os.fork()
    if pid == 0:
        try:
            control.close()
            parent_end.close()
            low = 3
            kept_fds = walls.kept_descriptors() if walls is not None else []
            for kept in sorted({child_end.fileno(), *kept_fds}):
                os.closerange(low, kept)
                low = kept + 1
            os.closerange(low, confine.MAX_FDS)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # student code may start and wait for processes
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            os.close(devnull)
            if isinstance(walls, Walls):
                try:
                    walls.enter_child(limits)
                except Exception as error:  # noqa: BLE001 - said to the grader, which grades nothing here
                    child_end.sendall(dumps({"ready": False, "error": f"{type(error).__name__}: {error}"}))
                    raise
            else:
                os.setsid()
                confine.apply_limits(limits, confine.mapped_bytes(), processes=False)
                os.chdir(config["workdir"])
                if walls is not None:
                    walls.enter_child()
            child_end.sendall(dumps({"ready": True}))
            child.serve(child_end, child_end.makefile("rb"))
        finally:
            os._exit(70)
    child_end.close()
    return ReadyChild(pid, os.pidfd_open(pid), parent_end, None if isinstance(walls, Walls) else pid)


def _build_walls(config: dict[str, Any]) -> tuple[Walls | None, dict[str, Any]]:
    """The template's walls, or None where the kernel allows none and the grader accepts that. The report
    names the cgroups made (for the grader to remove) and whether the grader must watch the children's
    memory itself (`watch_memory`: no memory cgroup bounds a child's processes together)."""
    name = f"calcgrade-{os.getpid()}"
    cgroup = confine.process_cgroup(name) if os.getuid() == 0 else None
    memory, cpu = confine.parent_cgroup("memory", name), confine.parent_cgroup("cpu", name)
    cgroups = [folder for folder in (cgroup, memory[0] if memory else None, cpu[0] if cpu else None) if folder]
    user_namespace = _user_namespace()
    try:
        if config.get("without_walls"):  # an earlier template found namespaces it could make but not use
            raise ConfinementError(config["without_walls"])
        walls = Walls.build(config["staging"], config["hidden"], cgroup, memory, cpu)
    except (ConfinementError, OSError) as error:
        report = {"confined": False, "layers": [], "missing": [f"namespaces ({error})"], "cgroups": cgroups,
                  "watch_memory": confine.child_memory_bound(_limits(config))}
        if config["required"]:
            return None, {**report, "error": f"cannot confine student code here: {error}"}
        if _user_namespace() != user_namespace:  # the walls failed half built (a user namespace made, then a mount
            # refused, as where AppArmor restricts them): this process is inside namespaces it cannot use, and is
            # no ground for the fallback; the grader starts a template that does not try them
            return None, {**report, "restart_without_walls": str(error)}
        return None, report
    watch = None if walls.memory else confine.child_memory_bound(_limits(config))
    if watch is not None:
        walls.layers.append("memory bounded per child, all its processes together (watched by the grader: "
                            "no memory cgroup can be made here)")
    return walls, {**walls.describe(), "cgroups": cgroups, "watch_memory": watch}


def _user_namespace() -> str:
    try:
        return os.readlink("/proc/self/ns/user")
    except OSError:
        return ""


def _limits(config: dict[str, Any]) -> dict[str, int]:
    return {key: int(config[key]) for key in ("memory_bytes", "cpu_seconds", "file_bytes")}


def main(control_fd: int) -> None:
    """Read the sandbox's configuration, build the walls, say which, then hand out one ready child per
    spawn request."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    # Ctrl-C in the grader's terminal reaches this process too: the grader ends it (its control socket closes),
    # so it leaves no traceback of its own (a check that found four for one Ctrl-C: QA round 59, 01)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Children's children are ours to reap when their parent is ended first (never left to linger as zombies,
    # which would count against the children's process bound).
    confine.libc.prctl(confine.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    control = socket.socket(fileno=control_fd)
    requests = control.makefile("rb")
    config = loads(requests.readline())["configure"]
    child.install_given(config["given"])
    child.REFUSED_PACKAGES = frozenset(config.get("refused", ()))
    _warm_up(config["given"])
    os.environ.clear()  # the allow-listed environment the grader started us with, nothing else
    os.environ.update(config["environment"])
    walls: Walled
    walls, report = _build_walls(config)
    if walls is None and "error" not in report and "restart_without_walls" not in report:
        try:
            walls = confine.Fallback.build(config["workdir"], config["hidden"], grading=config["grading"])
        except OSError as error:  # ConfinementError (too little is left here to grade behind), or a step that failed
            report["error"] = f"cannot confine student code here: {error}"
        else:
            report["layers"], report["missing"] = walls.layers, [*report["missing"], *walls.missing]
            # Its scratch space is its working folder: the machine's /tmp and /dev/shm are shared (and, behind
            # Landlock, not writable).
            os.environ.update({"TMPDIR": config["workdir"], "HOME": config["workdir"]})
    socket.send_fds(control, [dumps({"walls": report})], [])
    if "error" in report or "restart_without_walls" in report:
        return
    config.pop("given")  # built; its text (reachable from the stack a child is forked on) is needed no more
    config.pop("hidden")  # the batch's own folders among them: no child needs their paths
    gc.freeze()  # the collector in a child never walks (and so never copies) the template's objects
    # Behind the walls the next child is forked ahead, while the grader uses this one. Without a PID namespace
    # (the fallback) children share one uid: one waiting beside a running child could be signalled by it, so each
    # is forked on request only, which the grader makes once the child before has ended.
    ahead = isinstance(walls, Walls)
    ready: ReadyChild | None = _try_prefork(control, config, walls) if ahead else None
    try:
        for line in requests:
            if "spawn" in loads(line):
                if ready is None:
                    ready = _try_prefork(control, config, walls)
                for _ in range(500):  # the last attempt failed (no pid free yet): try again, for 5 s at most
                    if ready is not None:
                        break
                    time.sleep(0.01)
                    ready = _try_prefork(control, config, walls)
                if ready is None:
                    return  # the grader reads that the template ended

                socket.send_fds(control, [dumps({"group": ready.group})], [ready.channel.fileno(), ready.pidfd])
                ready.channel.close()
                os.close(ready.pidfd)
                ready = _try_prefork(control, config, walls) if ahead else None
    except OSError:  # the grader closed its end with a child still unclaimed: it is done
        pass
    if ready is not None:
        os.kill(ready.pid, signal.SIGKILL)  # the grader is done: the child kept ready is not needed


def _try_prefork(control: socket.socket, config: dict[str, Any], walls: Walled) -> ReadyChild | None:
    try:
        return _prefork(control, config, walls)
    except BlockingIOError:  # EAGAIN from fork: the machine is out of processes for now
        return None


if __name__ == "__main__":
    main(int(sys.argv[1]))
