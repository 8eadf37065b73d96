"""The warm template: a process that has imported NumPy and built the grader's given functions once,
and forks one child per submission on request.

It never computes an expected value or loads a reference solution, so a forked child inherits
nothing a student could use. Requests arrive as JSON lines on the control socket; the answer to a
spawn carries the child's pid, with the parent's end of a fresh socket pair passed as a file
descriptor (SCM_RIGHTS). Children are reaped automatically (SIGCHLD ignored).
"""

from __future__ import annotations

import ctypes
import gc
import os
import re
import resource
import signal
import socket
import sys
from collections.abc import Iterable
from typing import Any

import numpy  # noqa: F401 - imported once here so that every child starts warm

from grader.plain import dumps, from_wire, loads, to_wire
from grader.sandbox import child


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


CLONE_NEWNS, MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = (
    0x00020000, 0x1, 0x2, 0x4, 0x8, 0x20, 0x1000, 0x4000, 0x40000)
SCRATCH_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock")
SYS_MOUNT_SETATTR, AT_RECURSIVE, MOUNT_ATTR_RDONLY = 442, 0x8000, 0x1  # the same number on x86_64 and aarch64
libc = ctypes.CDLL(None, use_errno=True)


class _MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64), ("propagation", ctypes.c_uint64),
                ("userns_fd", ctypes.c_uint64)]


def _make_read_only() -> bool:
    """Every mount the child sees becomes read-only (the scratch folders are mounted afresh afterwards): a
    world-writable folder anywhere on the system is no way out. One call on Linux 5.12 and later; else each
    mount is remounted read-only in turn."""
    attr = _MountAttr(MOUNT_ATTR_RDONLY, 0, 0, 0)
    if libc.syscall(SYS_MOUNT_SETATTR, -100, b"/", AT_RECURSIVE, ctypes.byref(attr), ctypes.sizeof(attr)) == 0:
        return True
    with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as mounts:
        points = [line.split()[4] for line in mounts]
    return all(libc.mount(None, point.encode("utf-8", "surrogateescape"), None,
                          MS_REMOUNT | MS_BIND | MS_RDONLY, None) == 0 for point in points)


def _hide_from_children(hidden: list[str]) -> bool:
    """Once, in the template (as root): a mount namespace where every file system is read-only and the
    hidden folders are empty; every child starts from a copy of it. Returns False where the system does
    not allow mount namespaces (no CAP_SYS_ADMIN). A file system that cannot be made read-only or a
    folder that cannot be hidden ends the template: nothing is graded rather than graded unconfined.

    One empty tmpfs hides every hidden folder (the others are bind mounts of it)."""
    if libc.unshare(CLONE_NEWNS) != 0 or libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None) != 0:
        return False
    if not _make_read_only():
        sys.exit("calcgrade sandbox: cannot make the file systems read-only for student code")
    if not _mount_one_tmpfs(_folders(hidden), b"size=4k,mode=000", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC):
        sys.exit("calcgrade sandbox: cannot hide a folder from student code")
    # A /proc of its own that shows each user only their own processes: a child (an unprivileged uid) cannot
    # read the grader's command line (the course seed) or see any other process. Only from Linux 5.8 on,
    # where each mount of /proc has its own options; before, the option would change the machine's /proc.
    if _kernel_version() >= (5, 8):
        libc.mount(b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, b"hidepid=invisible")
    return True


def _kernel_version() -> tuple[int, int]:
    numbers = re.match(r"(\d+)\.(\d+)", os.uname().release)
    return (int(numbers.group(1)), int(numbers.group(2))) if numbers else (0, 0)


def _fresh_scratch(scratch: list[str], scratch_bytes: int) -> None:
    """In each child: a namespace of its own (a copy of the template's) where the scratch folders (/tmp,
    /var/tmp, /dev/shm, /run/lock) are one fresh private tmpfs, the only place it can write; it disappears
    with the child."""
    if libc.unshare(CLONE_NEWNS) != 0 or not _mount_one_tmpfs(scratch, f"size={scratch_bytes},mode=1777".encode(),
                                                               MS_NOSUID | MS_NODEV):
        os._exit(71)  # fail closed: no student code without its private scratch folders


def _folders(paths: Iterable[str]) -> list[str]:
    return [path for path in paths if os.path.isdir(path)]


def _mount_one_tmpfs(targets: list[str], options: bytes, flags: int) -> bool:
    """A tmpfs on the first target and bind mounts of it on the others: one file system, not one each."""
    if not targets:
        return True
    first, *others = (target.encode() for target in targets)
    return libc.mount(b"tmpfs", first, b"tmpfs", flags, options) == 0 and all(
        libc.mount(first, other, None, MS_BIND, None) == 0 for other in others)


def _confine(config: dict[str, Any], uid: int | None) -> None:
    """Limits and identity of the child, applied before any student code runs (and before it is
    handed to the grader, so that this work overlaps with the grader judging the previous child)."""
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
    if uid is not None and config.get("namespace"):
        _fresh_scratch(config["scratch"], config["file_bytes"])
        os.makedirs(config["workdir"], exist_ok=True)  # the same path, now inside the private /tmp
        os.chown(config["workdir"], uid, uid)
    os.chdir(config["workdir"])
    if uid is not None and os.getuid() == 0:
        # A uid of its own, allowed one process: no thread or process can be started, so none is left behind.
        resource.setrlimit(resource.RLIMIT_NPROC, (1, 1))
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    os.environ["HOME"] = config["workdir"]


def _prefork(control: socket.socket, config: dict[str, Any], uid: int | None) -> tuple[int, socket.socket]:
    """Fork and confine the next child ahead of time; it then waits for its job."""
    parent_end, child_end = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        try:
            control.close()
            parent_end.close()
            os.closerange(3, child_end.fileno())
            os.closerange(child_end.fileno() + 1, 1024)
            _confine(config, uid)
            child.serve(child_end, child_end.makefile("rb"))
        finally:
            os._exit(70)
    child_end.close()
    return pid, parent_end


def main(control_fd: int) -> None:
    """Read the sandbox's configuration, then hand out one ready child per spawn request.

    As root, consecutive children take the grader's unprivileged uids in turn: a running child can never
    signal or trace the ones waiting to be handed out next."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    control = socket.socket(fileno=control_fd)
    requests = control.makefile("rb")
    config = loads(requests.readline())["configure"]
    config["namespace"] = bool(config["uids"]) and os.getuid() == 0 and _hide_from_children(config["hidden"])
    config["scratch"] = _folders(SCRATCH_FOLDERS)  # looked up once, not in every child
    child.install_given(config["given"])
    _warm_up(config["given"])
    gc.freeze()  # the collector in a child never walks (and so never copies) the template's objects
    uids = config["uids"] or [None]
    count = 0
    ready = _prefork(control, config, uids[count % len(uids)])
    try:
        for line in requests:
            if "spawn" in loads(line):
                pid, parent_end = ready
                socket.send_fds(control, [dumps({"pid": pid})], [parent_end.fileno()])
                parent_end.close()
                count += 1
                ready = _prefork(control, config, uids[count % len(uids)])
    except OSError:  # the grader closed its end with a child still unclaimed: it is done
        pass
    os.kill(ready[0], signal.SIGKILL)  # the grader is done: the child kept ready is not needed


if __name__ == "__main__":
    main(int(sys.argv[1]))
