"""The warm template: a process that has imported NumPy and the grader's given functions once,
and forks one child per submission on request.

It never computes an expected value or loads a reference solution, so a forked child inherits
nothing a student could use. Requests arrive as JSON lines on the control socket; the answer to a
spawn carries the child's pid, with the parent's end of a fresh socket pair passed as a file
descriptor (SCM_RIGHTS). Children are reaped automatically (SIGCHLD ignored).
"""

from __future__ import annotations

import os
import resource
import signal
import socket
import sys
from typing import Any

import numpy  # noqa: F401 - imported once here so that every child starts warm

from grader import given
from grader.plain import dumps, loads
from grader.sandbox import child


def _warm_up() -> None:
    for name in given.ALL:
        given.resolve(name)
        if not given.ALL[name].of_point:
            given.resolve(name + "'")


def _confine(config: dict[str, Any]) -> None:
    """Limits and identity of the child, applied before any student code runs."""
    os.setsid()  # its own process group: the parent ends everything in it at once
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    memory = int(config["memory_bytes"])
    with open("/proc/self/statm") as statm:  # virtual size already mapped by the warm template
        mapped = int(statm.read().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (mapped + memory, mapped + memory))
    cpu = int(config["cpu_seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (config["file_bytes"], config["file_bytes"]))
    os.chdir(config["workdir"])
    uid = config.get("uid")
    if uid is not None and os.getuid() == 0:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    os.environ["HOME"] = config["workdir"]


def _spawn(control: socket.socket, config: dict[str, Any]) -> None:
    parent_end, child_end = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        try:
            control.close()
            parent_end.close()
            os.closerange(3, child_end.fileno())
            os.closerange(child_end.fileno() + 1, 1024)
            _confine(config)
            child.serve(child_end)
        finally:
            os._exit(70)
    child_end.close()
    socket.send_fds(control, [dumps({"pid": pid})], [parent_end.fileno()])
    parent_end.close()


def _kill_uid(uid: int) -> None:
    """End every process of that uid, also those that left the child's session (daemons)."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def main(control_fd: int) -> None:
    _warm_up()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    control = socket.socket(fileno=control_fd)
    requests = control.makefile("rb")
    for line in requests:
        request = loads(line)
        if "spawn" in request:
            _spawn(control, request["spawn"])
        elif "kill_uid" in request:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            _kill_uid(int(request["kill_uid"]))
            signal.signal(signal.SIGCHLD, signal.SIG_IGN)
            control.sendall(dumps({"killed": request["kill_uid"]}))


if __name__ == "__main__":
    main(int(sys.argv[1]))
