"""The walls around student code: deny by default, the same with or without root (Linux).

The warm template builds most walls once (`Walls.build`); each submission's child adds its own
(`Walls.enter_child`). What each layer stops:

- **User namespaces** (one for the template, one more per child): the child is an ordinary uid of its
  own namespace, with no capability over the mounts and namespaces it inherits (it cannot unmount what
  hides a folder). No root is needed, and as root no fixed uid is borrowed from the machine.
- **A root of its own** (mount namespace): the child sees the Python installation and its packages,
  the system's programs and libraries, a few device files and its private scratch folders; nothing
  else of the file system exists for it (no home folder, no submissions, no output folder, no other
  copy of the kit). Everything but the scratch folders is read-only; the grader's own package and the
  kit's private folders are empty even where they lie inside a visible tree (a wheel in site-packages), and
  so is every package of every package folder it can see but NumPy (`foreign_packages`: SymPy's or mpmath's
  `diff` would compute the derivative an exercise asks for; the child refuses their names too, see
  `child.RefusedPackages`).
- **Scratch folders**: `/tmp`, `/var/tmp` and `/dev/shm` are one fresh, size-bounded tmpfs per child,
  gone with it: nothing written there reaches the next student.
- **A PID namespace per child**, whose PID 1 it is: it sees only its own processes (not the grader's
  command line), a signal (`kill(-1)`) reaches nothing outside, and everything it starts, detached or
  not, ends when the grader ends it (by its pidfd). The template is PID 1 of a namespace of its own.
- **A /proc of its own** with its processes only: no machine-wide figures (`meminfo`, `stat`, `loadavg`
  and the like: a channel between students graded at once), left out by `subset=pid` (Linux 5.8) or
  covered with empty files on older kernels; the mount tables of PID 1 (where student code runs) are
  empty. A **cgroup namespace**: `/proc/self/cgroup` shows "/", not the grader's cgroups.
- **An IPC namespace per child**: SysV shared memory, semaphores, message queues and POSIX message
  queues die with it; no other student sees them.
- **A network namespace** (per template) whose only interface is a loopback that is down: no
  connection leaves, not even to the machine's abstract Unix sockets. **UTS**: the host name is hidden.
- **Landlock** (where the kernel has it): writing is allowed only in the scratch folders, even if a
  mount were writable. **seccomp** (where libseccomp is installed): system calls no exercise needs
  fail (tracing, other processes' memory, keyrings, BPF, perf, mounting, new namespaces, io_uring,
  SysV IPC, kernel modules, new sockets and socket pairs (unread data in them is kernel memory no bound sees), inotify
  (counted per user of the machine), raising a pipe's buffer, becoming undumpable); `setsid` and `setpgid` do nothing
  (a session is a scheduling group of its own; without a PID namespace a child's process group is how
  everything it started is ended). **Capabilities** are dropped and `no_new_privs` is set,
  so nothing executed gains any.
- **Limits** (`setrlimit`): memory per process, CPU time, file size, open files, and 16 processes and
  threads per child (counted per user namespace; as root, which that count exempts, a pids cgroup).
- **Memory per child**, all its processes together (`child_memory_bound`: the limit, its scratch space
  and the template pages it may copy): a memory cgroup of its own where one can be made (as root, or a
  user with a delegated cgroup v2), whose kernel ends the processes past it; elsewhere the grader watches
  the child's processes (`client.MemoryWatch`, every 50 ms while it waits for an answer) and ends the
  child past it, so it may pass it briefly, by what it can allocate in that time. Kernel memory (pipe
  and socket buffers) is not seen by the watch.
- **The processor per child**: a cpu cgroup of its own where one can be made, so that its share does not
  grow with the processes it starts; elsewhere the kernel's per-session groups (autogroup) do the same,
  as no process of the child can start a session (seccomp). Where neither holds (no cgroup, autogroup
  off or no seccomp), a child with 16 busy processes can make another student's calls time out.

What is left: `/usr` is visible read-only (system programs and libraries are not secrets); a process or thread the
student starts can read its own mount table (the paths the child sees anyway, the devices and mount
options behind them). A kernel without user namespaces gets none of these walls but what `Fallback` keeps:
Landlock's file, network and scope rules (made once per template, `FallbackLandlock`), seccomp with no signal
beyond the child's own process group, the memory watch and, as root, an unprivileged uid; `calcgrade grade` then
refuses to run unless told `--unconfined`, and as an ordinary user refuses without Landlock and seccomp.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import glob
import importlib.util
import os
import resource
import select
import signal
import site
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

libc = ctypes.CDLL(None, use_errno=True)

CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x02000000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
CLONE_THREAD = 0x00010000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_MOVE, MS_REC, MS_PRIVATE = (
    0x1, 0x2, 0x4, 0x8, 0x20, 0x1000, 0x2000, 0x4000, 0x40000)
MS_NOATIME, MS_NODIRATIME, MS_RELATIME = 0x400, 0x800, 0x200000
MNT_DETACH = 0x2
PR_SET_DUMPABLE, PR_SET_SECCOMP, PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS = 4, 22, 36, 38
SECCOMP_MODE_FILTER = 2
SYS_MOUNT_SETATTR, AT_RECURSIVE, MOUNT_ATTR_RDONLY, MOUNT_ATTR_NOSUID = 442, 0x8000, 0x1, 0x2  # x86_64 and aarch64

CHILD_UID = 1000  # the child's uid inside its own user namespace (never 0: executing a file gains nothing)
SCRATCH = ("/tmp", "/var/tmp", "/dev/shm")
DEVICES = ("null", "zero", "full", "random", "urandom")
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc/ld.so.cache", "/etc/ld.so.conf",
          "/etc/ld.so.conf.d", "/etc/localtime", "/etc/alternatives")
# The machine-wide files of /proc that a kernel without `subset=pid` shows: covered in the child's /proc.
MACHINE_FIGURES = ("meminfo", "stat", "loadavg", "uptime", "vmstat", "zoneinfo", "diskstats", "interrupts",
                   "softirqs", "schedstat", "buddyinfo", "pagetypeinfo", "locks", "partitions", "swaps",
                   "cgroups", "mounts", "cpuinfo", "slabinfo", "sched_debug", "timer_list", "key-users",
                   "pressure/cpu", "pressure/memory", "pressure/io", "pressure/irq", "sys/kernel/random/boot_id",
                   "sys/kernel/random/entropy_avail", "sys/fs/file-nr", "sys/fs/inode-nr", "sys/fs/dentry-state")
MOUNT_TABLES = ("mountinfo", "mounts", "mountstats")
STASH = "/.python"  # where Python folders that live under a scratch folder (a venv in /tmp) are kept
MAX_PROCESSES = 16  # processes and threads of one child, itself included
MAX_OPEN_FILES = 256
MAX_FDS = 1 << 16  # descriptors closed by the waiting process
F_SETOWN, F_SETOWN_EX, FIOSETOWN, SIOCSPGRP = 8, 15, 0x8901, 0x8902  # who gets a descriptor's SIGIO
F_SETPIPE_SZ = 1031
# System calls no exercise needs. They fail with EPERM (the calling code sees an ordinary OSError).
DENIED_CALLS = (
    "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd",
    "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd", "fanotify_init",
    "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsmount", "fsconfig",
    "fspick", "mount_setattr", "unshare", "setns", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "shmget", "shmat", "msgget", "semget", "mq_open", "open_by_handle_at", "name_to_handle_at",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot", "swapon",
    "swapoff", "acct", "quotactl", "syslog", "sethostname", "setdomainname", "lookup_dcookie", "vhangup",
    "memfd_secret", "memfd_create",  # memory in a file, beyond the address-space limit
    # The kernel counts inotify instances per user of the machine (128 by default), whatever the namespace: a
    # child holding them all took them from the grader's user (as root, from the system's services).
    "inotify_init", "inotify_init1", "inotify_add_watch",
    # A socket of its own: data left unread in a socket pair or a connection to itself is kernel memory, beyond
    # the address-space limit and the grader's watch (its channel to the grader is inherited, never made).
    "socketpair",
)
NAMESPACE_FLAGS = (CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID,
                   CLONE_NEWNET)


class ConfinementError(OSError):
    """A wall could not be built: nothing is graded behind it."""


def _check(result: int, what: str) -> None:
    if result != 0:
        number = ctypes.get_errno()
        raise ConfinementError(number, f"{what}: {os.strerror(number)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    _check(libc.mount(source.encode() if source else None, target.encode(), fstype.encode() if fstype else None,
                      flags, data.encode() if data else None), f"mount {target}")


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="ascii") as file:
        file.write(text)


def enter_user_namespace(flags: int, inner_uid: int) -> None:
    """A new user namespace (and the other namespaces in `flags`, owned by it) where this process is
    `inner_uid`, mapped to its own uid outside: what any user may do, root or not."""
    outer_uid, outer_gid = os.getuid(), os.getgid()
    _check(libc.unshare(CLONE_NEWUSER | flags), "unshare")
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{inner_uid} {outer_uid} 1\n")
    _write("/proc/self/gid_map", f"{inner_uid} {outer_gid} 1\n")


def python_folders() -> list[str]:
    """The folders the child needs to import what the grader's Python can import: the installation (the
    standard library, its extension modules), the environment and every site-packages folder."""
    folders = {sys.base_prefix, sys.base_exec_prefix, sys.prefix, sys.exec_prefix, *_site_folders()}
    return sorted(folder for folder in folders if os.path.isabs(folder) and os.path.isdir(folder))


def _site_folders() -> set[str]:
    """The site-packages folders the grader's Python imports from (the user's own where it is on the path)."""
    folders = set(site.getsitepackages())
    if site.ENABLE_USER_SITE and site.getusersitepackages() in sys.path:
        folders.add(site.getusersitepackages())
    return folders


# What student code may import beyond Python's standard library: NumPy, every exercise's one library; and the
# walls' own bindings, which the template imports as it builds them (after the foreign packages are hidden).
STUDENT_PACKAGES = ("numpy",)
WALL_PACKAGES = ("landlock", "pyseccomp")


@dataclass(frozen=True)
class ForeignPackages:
    """What student code may not import: `names`, refused by name in the child (`child.RefusedPackages`), and
    `hidden`, the folders mounted over so that no path reaches them either."""

    names: frozenset[str]
    hidden: tuple[str, ...]


def package_folders() -> set[str]:
    """Every folder of packages the child can see, resolved: the grader's site-packages, and those of the Python
    installation an environment was made from, of Debian's Python (`/usr/lib/python3/dist-packages`) and of
    `/usr/local`, which lie inside what the child sees (the installation, `/usr`) whether or not the grader's own
    Python imports from them: a student can put any of them on `sys.path`."""
    roots = {sys.base_prefix, sys.base_exec_prefix, sys.prefix, sys.exec_prefix, "/usr", "/usr/local"}
    folders = set(_site_folders())
    for root in roots:
        for kind in ("site-packages", "dist-packages"):
            folders.update(glob.glob(os.path.join(glob.escape(root), "lib*", "python3*", kind)))
    return {os.path.realpath(folder) for folder in folders if os.path.isdir(folder)}


def foreign_packages(allowed: Sequence[str] = (*STUDENT_PACKAGES, *WALL_PACKAGES)) -> ForeignPackages:
    """The packages of every package folder the child can see that student code may not import: everything but
    the `allowed` distributions' own (as the grader's Python finds them). A computer algebra system or a
    differentiator among them (SymPy's `diff`, mpmath's `diff`, JAX) would compute the very derivative an exercise
    asks the student to work out; nothing else is needed to answer an exercise. A folder that holds none of the
    allowed packages is hidden whole (its modules and `.pth` files too); in one that does, each other package's
    folder is. The kit's own package is hidden anyway and not named here."""
    kept: set[str] = set()
    for name in allowed:  # their own folders (their bundled libraries, `numpy.libs`, are no import name)
        spec = importlib.util.find_spec(name)
        if spec is not None:
            kept.update(os.path.realpath(folder) for folder in spec.submodule_search_locations or ())
            if spec.origin:
                kept.add(os.path.realpath(spec.origin))
    own = os.path.realpath(Path(__file__).resolve().parent.parent)
    names: set[str] = set()
    hidden: list[str] = []
    for folder in sorted(package_folders()):
        whole = not any(_inside(path, [folder]) for path in kept)
        if whole:
            hidden.append(folder)
        for entry in sorted(os.scandir(folder), key=lambda entry: entry.name):
            path = os.path.realpath(entry.path)
            name = entry.name.removesuffix(".py") if entry.is_file() else entry.name
            if name.isidentifier() and name != "__pycache__" and path not in kept and path != own \
                    and (entry.is_dir() or entry.name.endswith(".py")):
                names.add(name)
                if not whole and entry.is_dir():
                    hidden.append(path)
    return ForeignPackages(frozenset(names - set(allowed)), tuple(hidden))  # another copy of NumPy is hidden only


def _inside(path: str, folders: Iterable[str]) -> bool:
    return any(path == folder or path.startswith(folder.rstrip("/") + "/") for folder in folders)


@dataclass
class _RootBuilder:
    """Builds the child's root in an empty tmpfs at `root`: each shown path at its own place, symbolic
    links on the way as links, read-only."""

    root: str
    bound: list[str] = field(default_factory=list)  # host paths bound, resolved

    def show(self, path: str, depth: int = 0) -> None:
        if depth > 20 or not os.path.lexists(path):
            return
        parts = Path(os.path.normpath(path)).parts
        current = "/"
        for index, part in enumerate(parts[1:], start=1):
            current = os.path.join(current, part)
            if os.path.islink(current):
                inside = self.root + current
                if not os.path.lexists(inside):
                    os.makedirs(os.path.dirname(inside), exist_ok=True)
                    os.symlink(os.readlink(current), inside)
                target = os.path.normpath(os.path.join(os.path.dirname(current), os.readlink(current)))
                self.show(os.path.join(target, *parts[index + 1:]), depth + 1)
                return
        if _inside(current, self.bound):
            return
        inside = self.root + current
        if os.path.isdir(current):
            os.makedirs(inside, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(inside), exist_ok=True)
            if not os.path.exists(inside):
                open(inside, "w").close()  # noqa: SIM115 - an empty file to bind onto
        _mount(current, inside, None, MS_BIND | MS_REC)
        self.bound.append(current)


def _make_read_only(root: str) -> None:
    """Every mount under `root` read-only and nosuid: one call on Linux 5.12 and later, else each mount
    remounted in turn (keeping the flags a user namespace may not clear)."""

    class MountAttr(ctypes.Structure):
        _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                    ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]

    attr = MountAttr(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID, 0, 0, 0)
    if libc.syscall(SYS_MOUNT_SETATTR, -100, root.encode(), AT_RECURSIVE, ctypes.byref(attr), ctypes.sizeof(attr)) == 0:
        return
    with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as mounts:
        points = [line.split()[4] for line in mounts]
    kept = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME
    for point in points:
        if _inside(point, [root]):
            flags = os.statvfs(point).f_flag & kept
            _check(libc.mount(None, point.encode("utf-8", "surrogateescape"), None,
                              MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | flags, None), f"read-only {point}")


@dataclass(frozen=True)
class LandlockRights:
    """The access rights of the child's Landlock rules, worked out once in the template (the library's
    first calls are the costly part)."""

    read: int  # read files, list folders, execute
    everything: int  # what the kernel can restrict: all of it is allowed in the scratch folders
    device: int  # what a file may be given: for the device files


def landlock_rights() -> tuple[LandlockRights | None, str]:
    """The kernel's Landlock rights (None where there is no Landlock or the library is missing), and the
    layer's name; the library's system-call wrappers are made here, once."""
    try:
        import landlock
        from landlock import FSAccess
        from landlock.plumbing import get_add_rule, get_prctl, get_restrict_self

        ctypes.set_errno(0)  # the binding judges its calls by errno, which an earlier call may have left set
        abi = int(landlock.landlock_abi_version())
        get_add_rule(), get_restrict_self(), get_prctl()
        rights = LandlockRights(int(FSAccess.READ_FILE | FSAccess.READ_DIR | FSAccess.EXECUTE),
                                int(FSAccess.all()), int(FSAccess.all_file()))
        return rights, f"Landlock ABI {abi}"
    except Exception as error:  # noqa: BLE001 - any failure only means this layer is missing
        return None, f"no Landlock ({type(error).__name__}: {error})"


def _restrict_writes_to_scratch(rights: LandlockRights) -> None:
    """Landlock, in the child once its scratch folders are mounted (a rule on a folder that a mount hides
    does not count, so the rules cannot be made in the template): read and execute everywhere, write
    only in the scratch folders and to the device files."""
    import landlock
    from landlock import FSAccess

    ctypes.set_errno(0)  # the binding judges its calls by errno: a mount that failed before (no `subset=pid` on
    rules = landlock.Ruleset(FSAccess(rights.everything))  # a kernel before 5.8) left it set
    try:
        rules.allow("/", rules=FSAccess(rights.read))
        rules.allow(*SCRATCH, rules=FSAccess(rights.everything))
        rules.allow(*(f"/dev/{name}" for name in DEVICES), rules=FSAccess(rights.device))
        rules.apply()
    finally:
        os.close(rules._fd)  # in force once applied; of no use to student code


class _SockFilterProgram(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]


class SeccompProgram:
    """The filter as the kernel's BPF program, compiled once by libseccomp in the template and loaded in
    each child with one prctl (compiling it again in every child would cost more than the rest)."""

    def __init__(self, rules: Any):
        read, write = os.pipe()
        try:
            with os.fdopen(write, "wb", closefd=True) as sink:
                rules.export_bpf(sink)
            with os.fdopen(read, "rb", closefd=False) as source:
                self.program = source.read()
        finally:
            os.close(read)

    def load(self) -> None:
        """Into this process, with no_new_privs (which the kernel requires of an unprivileged filter)."""
        _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
        program = _SockFilterProgram(len(self.program) // 8, self.program)
        _check(libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(program), 0, 0), "seccomp")


@functools.cache
def no_new_processes() -> SeccompProgram | None:
    """A second filter for a child of derivatives worked out by hand: no process of its own (fork, vfork, a clone
    that is no thread). A forked copy of the child runs the student's code where the import guard, a trace of this
    process, does not reach, and can table the differentiated function for it (red team round 39, 01). Compiled
    once, in the template; None where libseccomp is missing."""
    try:
        import pyseccomp as seccomp

        rules = seccomp.SyscallFilter(seccomp.ALLOW)
        for name in ("fork", "vfork"):
            try:
                rules.add_rule(seccomp.ERRNO(errno.EPERM), name)
            except (OSError, ValueError, RuntimeError):  # not a system call of this architecture
                continue
        rules.add_rule(seccomp.ERRNO(errno.EPERM), "clone", seccomp.Arg(0, seccomp.MASKED_EQ, CLONE_THREAD, 0))
        rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
        return SeccompProgram(rules)
    except Exception:  # noqa: BLE001 - no libseccomp: the layer is missing, as the sandbox's report says
        return None


def _seccomp_filter(*, own_group_signals: bool = False) -> tuple[SeccompProgram | None, str]:
    """The seccomp filter (allow by default, deny `DENIED_CALLS`, no new namespaces through clone, no
    new socket), built once; None and why not where libseccomp is missing. `own_group_signals`
    (without a PID namespace, where other processes of the child's uid are in reach): signals only to the
    child's own process group, and no other process's limits, priority or processors."""
    try:
        import pyseccomp as seccomp

        rules = seccomp.SyscallFilter(seccomp.ALLOW)
        for name in DENIED_CALLS:
            try:
                rules.add_rule(seccomp.ERRNO(errno.EPERM), name)
            except (OSError, ValueError, RuntimeError):  # not a system call of this architecture
                continue
        for flag in NAMESPACE_FLAGS:
            rules.add_rule(seccomp.ERRNO(errno.EPERM), "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
        rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")  # its flags cannot be inspected: C libraries fall back
        # A session of its own per process would be a scheduling group of its own (autogroup): 16 of them
        # would take the processor from the children of other students graded at once. setsid does nothing
        # and says it succeeded (a detached process is ended with its child anyway).
        rules.add_rule(seccomp.ERRNO(0), "setsid")
        # Nor may a process leave its process group: without a PID namespace (the fallback), the group is how
        # everything a child started is ended, and a process in a group of its own would outlive its child and
        # could signal later students' children (same uid). setpgid does nothing and says it succeeded too.
        for call in ("setpgid", "setpgrp"):
            try:
                rules.add_rule(seccomp.ERRNO(0), call)
            except (OSError, ValueError, RuntimeError):  # setpgrp is not a system call of every architecture
                continue
        # Not dumpable, a process's memory figures would be hidden from the grader's memory watch.
        rules.add_rule(seccomp.ERRNO(errno.EPERM), "prctl", seccomp.Arg(0, seccomp.EQ, PR_SET_DUMPABLE))
        rules.add_rule(seccomp.ERRNO(errno.EAFNOSUPPORT), "socket")  # none, of any family (see socketpair)
        # Nor a pipe's buffer raised past its default (kernel memory too, up to 1 MiB a pipe).
        rules.add_rule(seccomp.ERRNO(errno.EPERM), "fcntl", seccomp.Arg(1, seccomp.EQ, F_SETPIPE_SZ))
        if own_group_signals:
            _keep_to_own_processes(seccomp, rules)
        return SeccompProgram(rules), "seccomp"
    except Exception as error:  # noqa: BLE001 - any failure only means this layer is missing
        return None, f"no seccomp ({type(error).__name__}: {error})"


# Calls that name another process by its pid, denied unless the pid is 0: the caller itself, or for `kill` its own
# process group, which the child cannot leave; `setpriority` of its own process only, not of its uid's. As the same
# uid as the grader (an ordinary user's fallback) they would end it (kill), starve it (its limits through prlimit,
# its priority, its processors) or signal a later child.
OWN_PROCESS_ONLY = (("kill", 0), ("prlimit64", 0), ("setpriority", 0), ("setpriority", 1), ("sched_setaffinity", 0),
                    ("sched_setparam", 0), ("sched_setscheduler", 0), ("sched_setattr", 0), ("migrate_pages", 0),
                    ("move_pages", 0))
# Never needed by an exercise, and beyond what Landlock governs: signals to one thread or by a pidfd, other processes'
# memory advice; connecting to a Unix socket by its path (a user's own service bus would start processes outside
# every wall; the child's channel to the grader is inherited, never connected, and answers with `send`; `sendmsg`
# carries an address seccomp cannot read, to a datagram socket's path); changing a file's mode, owner,
# attributes or times, or truncating it by path, which Landlock's rules (of what is opened) do not cover; reserving a
# file's space with fallocate (past the file-size limit).
DENIED_WITHOUT_NAMESPACES = (
    "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "pidfd_send_signal", "process_madvise",
    "process_mrelease", "ioprio_set", "kcmp", "connect", "chmod", "fchmod", "fchmodat", "fchmodat2", "chown", "fchown",
    "lchown", "fchownat", "setxattr", "lsetxattr", "fsetxattr", "removexattr", "lremovexattr", "fremovexattr", "utime",
    "utimes", "futimesat", "utimensat", "truncate", "sendmsg", "sendmmsg", "fallocate")


def _keep_to_own_processes(seccomp: Any, rules: Any) -> None:
    for name, argument in OWN_PROCESS_ONLY:
        with contextlib.suppress(OSError, ValueError, RuntimeError):  # not a system call of this architecture
            rules.add_rule(seccomp.ERRNO(errno.EPERM), name, seccomp.Arg(argument, seccomp.NE, 0))
    for name in DENIED_WITHOUT_NAMESPACES:
        with contextlib.suppress(OSError, ValueError, RuntimeError):
            rules.add_rule(seccomp.ERRNO(errno.EPERM), name)
    for name, command in (("fcntl", F_SETOWN), ("fcntl", F_SETOWN_EX), ("ioctl", FIOSETOWN), ("ioctl", SIOCSPGRP)):
        rules.add_rule(seccomp.ERRNO(errno.EPERM), name, seccomp.Arg(1, seccomp.EQ, command))
    rules.add_rule(seccomp.ERRNO(errno.EPERM), "sendto", seccomp.Arg(4, seccomp.NE, 0))  # to an address: a path
    # A folder made without its owner's rights (`mkdir(name, 0o300)`: a mode, not a chmod) could be neither read
    # nor emptied by the grader (the same uid), and what it holds would outlive the batch and escape the scratch
    # bound: mkdir without rwx for the owner fails.
    # The same by a umask that takes the owner's rights away from every folder made after it.
    rules.add_rule(seccomp.ERRNO(errno.EPERM), "umask", seccomp.Arg(0, seccomp.MASKED_EQ, 0o700, 0o700))
    for partial in (0o100, 0o200, 0o300, 0o400, 0o500, 0o600):
        rules.add_rule(seccomp.ERRNO(errno.EPERM), "umask", seccomp.Arg(0, seccomp.MASKED_EQ, 0o700, partial))
    for name, argument in (("mkdir", 1), ("mkdirat", 2)):
        with contextlib.suppress(OSError, ValueError, RuntimeError):
            rules.add_rule(seccomp.ERRNO(errno.EPERM), name, seccomp.Arg(argument, seccomp.MASKED_EQ, 0o700, 0o000))
            for partial in (0o100, 0o200, 0o300, 0o400, 0o500, 0o600):
                rules.add_rule(seccomp.ERRNO(errno.EPERM), name,
                               seccomp.Arg(argument, seccomp.MASKED_EQ, 0o700, partial))


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _drop_capabilities() -> None:
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (_CapData * 2)()
    _check(libc.capset(ctypes.byref(header), data), "capset")
    _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


def _own_cgroup(controller: str) -> tuple[Path, int] | None:
    """This process's own cgroup folder in the hierarchy of `controller` (cgroup v1, or v2 where the
    controller is enabled for sub-groups) and the hierarchy's version; None where there is none."""
    with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as mounts:
        lines = [line.split() for line in mounts]
    with open("/proc/self/cgroup", encoding="utf-8") as own:
        memberships = [line.rstrip("\n").split(":", 2) for line in own]
    for fields in lines:
        fstype, options, mountpoint = fields[fields.index("-") + 1], fields[-1], fields[4]
        try:
            if fstype == "cgroup" and controller in options.split(","):
                own_path = next(path for _, names, path in memberships if controller in names.split(","))
                return Path(mountpoint, own_path.lstrip("/")), 1
            if fstype == "cgroup2" and controller in Path(mountpoint, "cgroup.controllers").read_text().split():
                own_path = next(path for hierarchy, _, path in memberships if hierarchy == "0")
                folder = Path(mountpoint, own_path.lstrip("/"))
                if controller in (folder / "cgroup.subtree_control").read_text().split():
                    return folder, 2
        except (OSError, StopIteration):
            continue
    return None


def _sweep(folder: Path) -> None:
    """Remove the empty cgroups in `folder` of templates whose process is gone (a grader ended together with
    its template, e.g. its whole process group killed, left them): each would otherwise stay for good."""
    try:
        entries = [entry for entry in os.scandir(folder) if entry.is_dir(follow_symlinks=False)]
    except OSError:
        return
    for entry in entries:
        owner = entry.name.removeprefix("calcgrade-")
        if entry.name == owner or not owner.isdigit() or os.path.exists(f"/proc/{owner}"):
            continue
        try:
            for child in os.scandir(entry.path):
                if child.is_dir(follow_symlinks=False):
                    os.rmdir(child.path)
            os.rmdir(entry.path)
        except OSError:  # not empty: something of it still runs
            continue


def process_cgroup(name: str) -> str | None:
    """As root, a cgroup of the pids controller that bounds the processes and threads of this template's
    children together (root is exempt from RLIMIT_NPROC); None where there is no such controller to
    write to. Made under this process's own cgroup, cgroup v1 or v2."""
    try:
        own = _own_cgroup("pids")
        if own is None:
            return None
        _sweep(own[0])
        folder = own[0] / name
        folder.mkdir()
        try:
            (folder / "pids.max").write_text(str(MAX_PROCESSES + 1))  # + the next child, waiting
        except OSError:
            folder.rmdir()
            raise
        return str(folder)
    except (OSError, ValueError, IndexError):
        return None


def parent_cgroup(controller: str, name: str) -> tuple[str, int] | None:
    """A cgroup of `controller` (memory, cpu) under which the template makes one cgroup per child (see
    `ChildCgroups`), and its version: as root, or as a user whose own cgroup is delegated to it (cgroup
    v2); None where there is none to write to."""
    try:
        own = _own_cgroup(controller)
        if own is None:
            return None
        _sweep(own[0])
        folder = own[0] / name
        folder.mkdir()
        return str(folder), own[1]
    except (OSError, ValueError, IndexError):
        return None


@dataclass
class ChildCgroups:
    """The template's cgroups of one controller, one per child, each holding the child's whole process
    tree: memory (bounded together) or cpu (one share of the processor per child, however many processes
    it starts). Made (by a descriptor of their parent folder, which the template's own root does not
    show) before each fork, removed once the child has ended."""

    folder: int  # descriptor of the parent folder
    version: int
    controller: str
    made: int = 0
    left: list[tuple[str, int]] = field(default_factory=list)  # earlier children's cgroups and pidfds

    def for_next_child(self, bound: int) -> int:
        """A fresh cgroup (memory: bounded to `bound` bytes, swap included; cpu: the default share), and a
        descriptor of its `cgroup.procs` for the child to enrol itself. The cgroups of children that have
        ended are removed first."""
        for name, pidfd in list(self.left):
            if not select.select([pidfd], [], [], 0)[0]:  # still running (or not yet enrolled)
                continue
            try:
                os.rmdir(name, dir_fd=self.folder)
            except FileNotFoundError:
                pass
            except OSError:  # the last processes of its namespace are still being torn down
                continue
            os.close(pidfd)
            self.left.remove((name, pidfd))
        self.made += 1
        name = str(self.made)
        os.mkdir(name, dir_fd=self.folder)
        settings: tuple[tuple[str, int], ...] = ()
        if self.controller == "memory":
            settings = ((("memory.limit_in_bytes", bound), ("memory.memsw.limit_in_bytes", bound)) if self.version == 1
                        else (("memory.max", bound), ("memory.swap.max", 0), ("memory.oom.group", 1)))
        for setting, value in settings:
            try:
                descriptor = os.open(f"{name}/{setting}", os.O_WRONLY, dir_fd=self.folder)
            except FileNotFoundError:  # no swap accounting (memsw) or an older kernel (oom.group)
                continue
            try:
                os.write(descriptor, str(value).encode())
            finally:
                os.close(descriptor)
        return os.open(f"{name}/cgroup.procs", os.O_WRONLY, dir_fd=self.folder)

    def forked(self, pid: int) -> None:
        """The child for the cgroup made last was forked: its cgroup is removed once it has ended."""
        self.left.append((str(self.made), os.pidfd_open(pid)))


def remove_cgroup(folder: str) -> None:
    """End whatever is left in the cgroup and the cgroups under it, then remove them."""
    try:
        for entry in os.scandir(folder):
            if entry.is_dir(follow_symlinks=False):
                remove_cgroup(entry.path)
    except OSError:
        pass
    procs = Path(folder, "cgroup.procs")
    for _ in range(50):
        try:
            for pid in procs.read_text().split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            os.rmdir(folder)
            return
        except FileNotFoundError:
            return
        except OSError:  # busy: its last processes are still being torn down
            time.sleep(0.02)


@dataclass
class Walls:
    """What the template built, and what each child adds (see the module's docstring)."""

    confined: bool
    layers: list[str]
    missing: list[str]
    stashed: list[tuple[str, str]] = field(default_factory=list)  # (stash path, path under a scratch folder)
    landlock: LandlockRights | None = None
    seccomp: SeccompProgram | None = None
    cgroup_procs: int | None = None  # as root: where each child enrols in the template's pids cgroup
    pid_namespace: int = -1  # the template's own PID namespace, to come back to after making a child's
    memory: ChildCgroups | None = None  # where each child gets a memory cgroup of its own
    cpu: ChildCgroups | None = None  # and a cpu cgroup
    joins: list[int] = field(default_factory=list)  # in a child: where it enrols in its own cgroups

    def kept_descriptors(self) -> list[int]:
        """What a fresh child keeps open until `enter_child` (its cgroups' `cgroup.procs`)."""
        return [fd for fd in (self.cgroup_procs, *self.joins) if fd is not None]

    def describe(self) -> dict[str, Any]:
        return {"confined": self.confined, "layers": self.layers, "missing": self.missing}

    @classmethod
    def build(cls, staging: str, hidden: Sequence[str], cgroup: str | None = None,
              memory: tuple[str, int] | None = None, cpu: tuple[str, int] | None = None) -> Walls:
        """In the template: enter its namespaces and make `staging` (an empty folder) the root every child
        starts from. Raises ConfinementError where the kernel does not allow it. `cgroup` (as root): the
        pids cgroup every child joins; `memory`, `cpu`: the cgroups (and their versions) under which each
        child gets its own."""
        visible = [*SYSTEM, *python_folders()]
        cgroup_procs = os.open(os.path.join(cgroup, "cgroup.procs"), os.O_WRONLY) if cgroup else None
        memory_cgroups, cpu_cgroups = (
            ChildCgroups(os.open(parent[0], os.O_RDONLY | os.O_DIRECTORY), parent[1], controller) if parent else None
            for parent, controller in ((memory, "memory"), (cpu, "cpu")))
        outer_uid = os.getuid()
        enter_user_namespace(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWPID, inner_uid=0)
        template = os.fork()  # the template goes on as PID 1 of a namespace of its own (owned by its user
        if template != 0:  # namespace, so that it may make one for each child); this process only waits
            _wait_and_exit(template, [folder for folder in (cgroup, *(made[0] for made in (memory, cpu) if made))
                                      if folder])
        pid_namespace = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
        _check(libc.sethostname(b"calcgrade", 9), "sethostname")
        _mount("none", "/", None, MS_REC | MS_PRIVATE)
        _mount("calcgrade-root", staging, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755")
        builder = _RootBuilder(staging)
        for path in sorted(visible, key=len):
            builder.show(path)
        resolved_bound = [os.path.realpath(path) for path in builder.bound]
        for folder in {os.path.realpath(path) for path in hidden}:
            if _inside(folder, resolved_bound) and os.path.isdir(staging + folder):
                _mount("calcgrade-hidden", staging + folder, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                       "size=4k,mode=000")
        stashed = []
        for index, path in enumerate(builder.bound):
            if _inside(path, SCRATCH):  # a venv in /tmp: the child's fresh /tmp would cover it
                stash = f"{STASH}/{index}"
                os.makedirs(staging + stash)
                _mount(staging + path, staging + stash, None, MS_BIND | MS_REC)  # hidden folders included
                stashed.append((stash, path))
        for folder in (*SCRATCH, "/proc", "/dev"):
            os.makedirs(staging + folder, exist_ok=True)
        for name in DEVICES:
            open(f"{staging}/dev/{name}", "w").close()  # noqa: SIM115 - a file to bind the device onto
            _mount(f"/dev/{name}", f"{staging}/dev/{name}", None, MS_BIND)
        for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                             ("stderr", "/proc/self/fd/2")):
            os.symlink(target, f"{staging}/dev/{name}")
        os.makedirs(f"{staging}/etc", exist_ok=True)
        _write(f"{staging}/etc/passwd", f"student:x:{CHILD_UID}:{CHILD_UID}:student:/tmp:/bin/sh\n")
        _write(f"{staging}/etc/group", f"student:x:{CHILD_UID}:\n")
        _write(f"{staging}/etc/hostname", "calcgrade\n")
        _make_read_only(staging)
        # The machine's /proc, only until each child mounts its own over it (a user namespace may mount a
        # /proc only where one is already visible); the child's first steps write their uid maps there.
        _mount("/proc", f"{staging}/proc", None, MS_BIND | MS_REC)
        os.chdir(staging)
        _mount(staging, "/", None, MS_MOVE)
        _check(libc.chroot(b"."), "chroot")
        os.chdir("/")
        landlock, landlock_layer = landlock_rights()
        seccomp, seccomp_layer = _seccomp_filter()
        no_new_processes()  # compiled here once, loaded by the children of derivatives worked out by hand
        layers = ["user, mount, PID, IPC, network and UTS namespaces", "a read-only root of its own",
                  "private scratch folders"]
        missing = []
        for present, layer in ((landlock is not None, landlock_layer), (seccomp is not None, seccomp_layer)):
            (layers if present else missing).append(layer)
        if cgroup_procs is not None:
            layers.append(f"at most {MAX_PROCESSES} processes and threads (a pids cgroup)")
        elif outer_uid != 0:
            layers.append(f"at most {MAX_PROCESSES} processes and threads (counted per user namespace)")
        else:
            missing.append("a bound on processes (as root it needs a pids cgroup, and none could be made)")
        if memory_cgroups is not None:
            layers.append("memory bounded per child, all its processes together (a memory cgroup)")
        if cpu_cgroups is not None:
            layers.append("one share of the processor per child, however many processes it starts (a cpu cgroup)")
        elif seccomp is not None and _autogroup():
            layers.append("one share of the processor per child, however many processes it starts (the kernel's "
                          "per-session groups; no new session)")
        else:
            missing.append("a share of the processor per child (no cpu cgroup, and no per-session groups: "
                           "autogroup off or no seccomp)")
        layers.append("a /proc of its own processes, " + ("without the machine's figures (subset=pid)"
                      if _kernel_at_least(5, 8) else "the machine's figures covered (a kernel before 5.8)"))
        return cls(True, layers, missing, stashed, landlock, seccomp, cgroup_procs, pid_namespace, memory_cgroups,
                   cpu_cgroups)

    def fork_child(self, limits: dict[str, int]) -> int:
        """Fork a child that is PID 1 of a PID namespace of its own: ending it (as the grader does, by its
        pidfd) ends everything it started, and it sees no other process; with a memory and a cpu cgroup of
        its own where they can be made (see `child_memory_bound`). Returns as `os.fork` does."""
        cgroups = [made for made in (self.memory, self.cpu) if made is not None]
        joins = [made.for_next_child(child_memory_bound(limits)) for made in cgroups]
        _check(libc.unshare(CLONE_NEWPID), "unshare")
        try:
            pid = os.fork()
        except OSError:
            for join in joins:
                os.close(join)
            raise
        if pid != 0:
            _check(libc.setns(self.pid_namespace, CLONE_NEWPID), "setns")  # the next child gets its own too
            for join, made in zip(joins, cgroups, strict=True):
                os.close(join)
                made.forked(pid)
        else:
            self.joins = joins
        return pid

    def enter_child(self, limits: dict[str, int]) -> None:
        """In a child of `fork_child`, before any student code: its own mount and IPC namespaces, fresh
        scratch folders and /proc, then a user namespace of its own where it is an ordinary uid with no
        power over anything it inherited, limits, Landlock, no capabilities, seccomp."""
        os.setsid()
        mapped = mapped_bytes()
        for procs in self.kept_descriptors():  # "0": this process, whatever its pid in the namespace
            os.write(procs, b"0")
            os.close(procs)
        # A cgroup namespace: /proc/self/cgroup shows its own cgroups as "/", not the machine's layout.
        _check(libc.unshare(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWCGROUP), "unshare")
        self._mount_fresh_folders(limits["file_bytes"])
        enter_user_namespace(0, inner_uid=CHILD_UID)
        os.chdir("/tmp")
        apply_limits(limits, mapped)
        if self.landlock is not None:
            _restrict_writes_to_scratch(self.landlock)
        _drop_capabilities()
        if self.seccomp is not None:
            self.seccomp.load()

    def _mount_fresh_folders(self, scratch_bytes: int) -> None:
        first, *others = SCRATCH
        _mount("calcgrade-scratch", first, "tmpfs", MS_NOSUID | MS_NODEV, f"size={scratch_bytes},mode=1777")
        for other in others:
            _mount(first, other, None, MS_BIND)
        for stash, path in self.stashed:
            os.makedirs(path, exist_ok=True)
            _mount(stash, path, None, MS_BIND | MS_REC)
        _mount_own_proc()


def _mount_own_proc() -> None:
    """A /proc of the child's own PID namespace: its own processes only (its uid map is written there next;
    then Landlock allows no write under /). Without the machine's figures (memory, CPU times, load: a
    channel between students graded at once): `subset=pid` (Linux 5.8) leaves them out, an older kernel's
    are covered with empty files. The mount tables of the process that runs student code (PID 1) are
    covered too (they name the machine's devices and mount options)."""
    flags = MS_NOSUID | MS_NODEV | MS_NOEXEC
    try:
        _mount("proc", "/proc", "proc", flags, "subset=pid")
    except ConfinementError:
        try:
            _mount("proc", "/proc", "proc", flags)
        except ConfinementError:  # where /proc cannot be mounted (a container's masked /proc): no /proc at all
            _mount("calcgrade-no-proc", "/proc", "tmpfs", MS_RDONLY | flags, "size=4k,mode=555")
            return
        _cover(f"/proc/{name}" for name in MACHINE_FIGURES)
    _cover(f"/proc/{process}/{table}" for process in ("1", "1/task/1") for table in MOUNT_TABLES)


def _cover(paths: Iterable[str]) -> None:
    """An empty file (/dev/null, read-only) over each of `paths` that exists."""
    for path in paths:
        if os.path.isfile(path):
            _mount("/dev/null", path, None, MS_BIND)
            _mount("none", path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NOEXEC)


def apply_limits(limits: dict[str, int], mapped: int, *, processes: bool = True) -> None:
    """Memory (beyond the `mapped` bytes the warm template already holds), CPU time, file size and open
    files; processes and threads only where they are counted per user namespace (`processes`)."""
    memory = mapped + limits["memory_bytes"]
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (limits["cpu_seconds"], limits["cpu_seconds"] + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_bytes"], limits["file_bytes"]))
    resource.setrlimit(resource.RLIMIT_NOFILE, (MAX_OPEN_FILES, MAX_OPEN_FILES))
    if processes:
        resource.setrlimit(resource.RLIMIT_NPROC, (MAX_PROCESSES, MAX_PROCESSES))


def _autogroup() -> bool:
    """Does the kernel group processes by session for scheduling (and so each child by itself)?"""
    try:
        with open("/proc/sys/kernel/sched_autogroup_enabled") as enabled:
            return enabled.read().strip() == "1"
    except OSError:
        return False


def _kernel_at_least(major: int, minor: int) -> bool:
    try:
        found = tuple(int(part) for part in os.uname().release.split("-")[0].split(".")[:2])
    except ValueError:
        return False
    return found >= (major, minor)


def child_memory_bound(limits: dict[str, int]) -> int:
    """What one child's processes may hold together where a memory cgroup bounds them: the memory limit,
    its scratch folders, and the template's pages it may copy (so that one process reaches its own
    address-space limit, a MemoryError, before the cgroup ends anything)."""
    return limits["memory_bytes"] + limits["file_bytes"] + resident_bytes()


def resident_bytes() -> int:
    """The memory this process holds (the warm template's NumPy and grader)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


def mapped_bytes() -> int:
    """The virtual size this process already maps (the warm template's NumPy and grader)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _wait_and_exit(pid: int, cgroups: Sequence[str] = ()) -> None:
    """The process the grader started, once the template has moved into its own PID namespace: it holds
    nothing (no descriptor) and only waits for the template, then removes the template's `cgroups` (every
    process of its namespace has ended with it; the grader may have been ended before it could remove
    them) and exits, so the grader sees it end."""
    os.closerange(3, MAX_FDS)
    while True:
        try:
            os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
        except ChildProcessError:
            break
    for folder in cgroups:
        remove_cgroup(folder)
    os._exit(0)


NOBODY = 65534
# Landlock's scopes (ABI 6), which the Python binding does not know yet: a process may then signal, and connect to
# the abstract Unix sockets of, only processes of its own Landlock domain (its own child's), never the grader's.
LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET, LANDLOCK_SCOPE_SIGNAL = 0x1, 0x2
LANDLOCK_ACCESS_NET_BIND_TCP, LANDLOCK_ACCESS_NET_CONNECT_TCP = 0x1, 0x2  # ABI 4
# The system calls' numbers are the same on every architecture (the kernel's generic table).
SYS_LANDLOCK_CREATE_RULESET, SYS_LANDLOCK_ADD_RULE, SYS_LANDLOCK_RESTRICT_SELF = 444, 445, 446
LANDLOCK_CREATE_RULESET_VERSION, LANDLOCK_RULE_PATH_BENEATH = 1, 1


class _RulesetAttr(ctypes.Structure):
    """`struct landlock_ruleset_attr` as of ABI 6 (an older kernel accepts it where the newer fields are 0)."""

    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


def readable_beneath(roots: Iterable[str], hidden: Iterable[str]) -> list[tuple[str, str]]:
    """Landlock's rules for "everything under `roots` but `hidden`" (Landlock only allows): `(path, kind)` with
    kind "tree" (read and execute beneath), "file" (read and execute it), or "names" (list the folder only: a
    folder with a hidden path inside it, whose other entries get rules of their own). Symbolic links need no rule
    (Landlock judges the file a link leads to where it lies)."""
    hidden_paths = {os.path.realpath(path) for path in hidden}
    resolved = sorted({os.path.realpath(root) for root in roots if os.path.exists(root)})
    tops = [root for root in resolved if not any(root != other and _inside(root, [other]) for other in resolved)]
    rules: list[tuple[str, str]] = []

    def visit(path: str, is_dir: bool) -> None:
        if _inside(path, hidden_paths):
            return
        if not is_dir:
            rules.append((path, "file"))
        elif not any(_inside(secret, [path]) for secret in hidden_paths):
            rules.append((path, "tree"))
        else:
            rules.append((path, "names"))
            try:
                entries = list(os.scandir(path))
            except OSError:
                return
            for entry in entries:
                with contextlib.suppress(OSError):
                    if not entry.is_symlink():
                        visit(entry.path, entry.is_dir(follow_symlinks=False))

    for top in tops:
        visit(top, os.path.isdir(top))
    return rules


@dataclass
class FallbackLandlock:
    """The Landlock ruleset of the unconfined children, made once in the template and entered by each child
    (`restrict`): read only the system's folders and the Python installation (its foreign packages, the kit's
    private folders and the grader's own package left out, as behind the walls), write only the children's
    working folder and the device files; no TCP (ABI 4); signals and abstract Unix sockets scoped to the child's
    own processes (ABI 6)."""

    descriptor: int
    layers: list[str]
    missing: list[str]

    @classmethod
    def build(cls, workdir: str, hidden: Sequence[str]) -> FallbackLandlock | None:
        """None where the kernel has no Landlock (or the binding is missing). The system calls are made here
        (the binding judges them by `errno`, which an earlier call may have left set)."""
        try:
            from landlock import FSAccess
            from landlock.plumbing import PathBeneathAttr
        except ImportError:
            return None
        abi = libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0), LANDLOCK_CREATE_RULESET_VERSION)
        if abi < 1:
            return None
        file_rights = FSAccess.EXECUTE | FSAccess.WRITE_FILE | FSAccess.READ_FILE
        file_rights |= (FSAccess.TRUNCATE if abi >= 3 else 0) | (FSAccess.IOCTL_DEV if abi >= 5 else 0)
        everything = file_rights | FSAccess(sum(1 << bit for bit in range(3, 13))) | (FSAccess.REFER if abi >= 2 else 0)
        read = FSAccess.READ_FILE | FSAccess.READ_DIR | FSAccess.EXECUTE
        access = {"tree": read, "file": FSAccess.READ_FILE | FSAccess.EXECUTE, "names": FSAccess.READ_DIR}
        attr = _RulesetAttr(int(everything),
                            LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP if abi >= 4 else 0,
                            LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL if abi >= 6 else 0)
        size = ctypes.sizeof(attr) if abi >= 6 else 16 if abi >= 4 else 8
        descriptor = libc.syscall(SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), 0)
        if descriptor < 0:
            return None
        os.set_inheritable(descriptor, False)
        rules = [(path, int(access[kind])) for path, kind in readable_beneath([*SYSTEM, *python_folders()], hidden)]
        rules += [(workdir, int(everything)), *((f"/dev/{name}", int(file_rights)) for name in DEVICES)]
        for path, allowed in rules:
            try:
                beneath = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                rule = PathBeneathAttr(allowed, beneath)
                if libc.syscall(SYS_LANDLOCK_ADD_RULE, descriptor, LANDLOCK_RULE_PATH_BENEATH, ctypes.byref(rule),
                                0) != 0:
                    os.close(descriptor)
                    raise ConfinementError(ctypes.get_errno(), f"landlock_add_rule {path}")
            finally:
                os.close(beneath)
        layers = [f"Landlock ABI {abi}: reads only the system's folders and the Python installation (no other "
                  "package but NumPy, nothing of the kit's, no submission, no /proc), writes only its working folder"]
        missing = []
        if abi >= 4:
            layers.append("no TCP connection (Landlock)")
        if abi >= 6:
            layers.append("signals and abstract Unix sockets reach only its own processes (Landlock scopes)")
        else:
            missing.append(f"Landlock scopes (ABI 6, here {abi}): seccomp keeps its signals to its own process group")
        return cls(descriptor, layers, missing)

    def restrict(self) -> None:
        """In a child, with no_new_privs (which an unprivileged process needs, and which keeps anything it
        executes from gaining rights)."""
        _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
        try:
            _check(libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, self.descriptor, 0), "landlock_restrict_self")
        finally:
            os.close(self.descriptor)


def tasks_of(uid: int) -> int:
    """How many processes and threads `uid` has now (what RLIMIT_NPROC counts for it)."""
    count = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if entry.stat().st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry.name}/task"))
    return count


@dataclass
class Fallback:
    """What is left where the kernel allows no user namespaces (`--unconfined`, a student's own pytest,
    a container whose seccomp profile forbids them), each layer where the kernel and libraries have it:
    Landlock (`FallbackLandlock`: what the child reads, writes and signals), the seccomp filter (with no signal
    beyond the child's own process group and no hold on another process's limits or scheduling), and as root an
    unprivileged uid (so root's own files, such as a course key, cannot be read). No root of its own, no PID
    namespace: the child sees the machine's process list, and whatever Landlock leaves readable."""

    seccomp: SeccompProgram | None
    layers: list[str]
    missing: list[str] = field(default_factory=list)
    landlock: FallbackLandlock | None = None

    @classmethod
    def build(cls, workdir: str, hidden: Sequence[str] = (), *, grading: bool = False) -> Fallback:
        """As root, `workdir` (where the children work) becomes the unprivileged uid's, and no one else's:
        never open to every account of the machine. `grading` (other people's code, `--unconfined`): as an
        ordinary user, whose children would otherwise run as the grader's own user (able to read the seed in
        its environment, end it, rewrite the results), Landlock and seccomp are required: ConfinementError
        where either is missing."""
        seccomp, layer = _seccomp_filter(own_group_signals=True)
        no_new_processes()  # compiled here once, loaded by the children of derivatives worked out by hand
        landlock = FallbackLandlock.build(workdir, hidden)
        layers = [layer, "signals only to its own process group, no hold on another process's limits or "
                  "scheduling, no Unix socket connected by path, no file's mode, owner or times changed "
                  "(seccomp)"] if seccomp is not None else []
        missing = [] if seccomp is not None else [layer]
        if landlock is not None:
            layers += landlock.layers
            missing += landlock.missing
        else:
            missing.append("Landlock (the kernel has none, or its binding is missing): the child reads every file "
                           "its uid can read and writes where its uid can")
        if os.getuid() == 0:
            os.chown(workdir, NOBODY, NOBODY)
            os.chmod(workdir, 0o700)
            layers.append(f"the unprivileged uid {NOBODY}")
        elif grading and (landlock is None or seccomp is None):
            if landlock is not None:
                os.close(landlock.descriptor)
            raise ConfinementError(
                "unconfined as an ordinary user, student code would run as the grader's own user with nothing in "
                "its way (" + "; ".join(missing) + "): it could read the seed, end the grader and rewrite the "
                "results. Grade as root (the children then take an unprivileged uid) or where user namespaces "
                "are allowed")
        return cls(seccomp, layers, missing, landlock)

    def kept_descriptors(self) -> list[int]:
        """What a fresh child keeps open until `enter_child` (the Landlock ruleset)."""
        return [self.landlock.descriptor] if self.landlock is not None else []

    def enter_child(self) -> None:
        if os.getuid() != 0:  # the count is the user's: every process and thread it has now, and 16 more
            bound = tasks_of(os.getuid()) + MAX_PROCESSES
            resource.setrlimit(resource.RLIMIT_NPROC, (bound, bound))
        else:
            resource.setrlimit(resource.RLIMIT_NPROC, (MAX_PROCESSES, MAX_PROCESSES))  # counted for its uid
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
        if self.landlock is not None:
            self.landlock.restrict()
        if self.seccomp is not None:
            self.seccomp.load()
