"""The trusted parent's side of the sandbox: run a submission's calls in isolated children.

`Sandbox.run` sends the submission's sources and all its calls to one child and reads one answer
per module and per call, each within its own time limit; runs given one `Allowance` share the
submission's total time and answer budget. A run's barrier holds calls back until every earlier answer
has been read (the engine sends a submission's hidden calls after its public answers). A call that times
out or kills its child (segfault, `os._exit`, out of memory) costs only that call: the child's process
group is ended and the remaining calls go to a fresh child. A module
whose import hangs or kills the child is not loaded again. Everything that comes back is plain data
(see `grader.plain`). `Sandbox.session` keeps one child answering calls one at a time, for a
trusted algorithm that needs a student function's values as it runs (error carried forward).
"""

from __future__ import annotations

import collections
import contextlib
import functools
import os
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from grader import kit
from grader.plain import Unsupported, dumps, from_wire, loads, printable, to_wire
from grader.sandbox import confine

Status = Literal["ok", "error", "not_implemented", "missing", "load_error", "timeout", "died", "skipped"]
END_SECONDS = 5.0  # how long the grader waits for an ended child's processes to be gone
ORACLE_QUESTIONS = 2000  # an oracle's questions answered during one call (error carried forward asks far fewer)
ERROR_LIMIT = 2000  # characters of a child's error kept (the child bounds its own; a forged one may not)


class _LoadErrorPast(str):
    """A module's load error reported by a child that held calls past a run's barrier: it stops the module's
    later calls, but is not returned with the run's load errors."""


class _ReadEvent:
    """What the reader returns instead of an answer: a timeout, the end of the stream, a line that is not
    JSON. Distinct objects, so nothing a child sends (e.g. the JSON string "timeout") can pose as one."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name.upper()


TIMEOUT, EOF, GARBLED, TOO_LARGE, TOO_MUCH = (_ReadEvent("timeout"), _ReadEvent("eof"), _ReadEvent("garbled"),
                                              _ReadEvent("too large"), _ReadEvent("too much"))
MAX_ANSWER_BYTES = 1 << 20  # one answer (one line); the child's own answers stay far below (see plain.MAX_ELEMENTS)


class _Budget:
    """Bytes of answers a submission may still send (its children together): the grader reads and keeps
    every answer, so their total is bounded like the child's memory is."""

    def __init__(self, limit: int):
        self.left = limit

    @property
    def exhausted(self) -> bool:
        return self.left < 0


@dataclass(frozen=True)
class Limits:
    call_seconds: float = 5.0
    load_seconds: float = 10.0
    total_seconds: float = 60.0
    memory_bytes: int = 1 << 30
    file_bytes: int = 16 << 20
    answer_bytes: int = 8 << 20  # all answers of a submission (the kit's solutions send about 30 KB)

    def describe_memory(self) -> str:
        return f"{self.memory_bytes / (1 << 30):g} GiB"

    def describe_answer_bytes(self) -> str:
        return f"{self.answer_bytes / (1 << 20):.3g} MiB"


@dataclass(frozen=True)
class Call:
    module: str
    function: str
    args: tuple[Any, ...]
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    return_args: bool = False
    # A session's call only: module functions answered by the parent during this call. Each takes the arguments
    # the child sent (plain data: args, kwargs) and returns the answer, or raises to give none.
    oracles: Mapping[str, Callable[[Any, Any], Any]] = field(default_factory=dict)
    # A derivative worked out by hand: during this call the submission's functions take real numbers only
    # (`grader.sandbox.by_hand`: a complex step or a dual number through them fails).
    by_hand: bool = False
    differentiates: str = ""  # and the module function evaluated at this call's input only
    evaluates_differentiated: bool = True  # or, where False, not evaluated at all (a polynomial)
    held_alike: tuple[str, ...] = ()  # module functions that evaluate the differentiated one: at the input too
    # NumPy's scalar types and exact dtypes kept in the arguments (`plain.to_wire`): error carried forward's calls,
    # whose arguments the reference made as the student's caller would (`np.float64` from iterating an array)
    numpy_types: bool = False
    # Module functions that, during this call, work on copies of their arguments and answer a copy (error carried
    # forward: a caller judged given its callees leave their inputs alone)
    kept_intact: tuple[str, ...] = ()
    as_arrays: tuple[str, ...] = ()  # of those, the ones whose list or tuple answer is made the promised array

    @functools.cached_property
    def wire(self) -> bytes:
        """The call as a JSON object without its id, `{"module": ...}`: encoded once, however often the
        call is made (public calls are the same for every student)."""
        extra: dict[str, Any] = {"oracles": sorted(self.oracles)} if self.oracles else {}
        if self.by_hand:
            extra["by_hand"] = True
        if self.differentiates:
            extra["differentiates"] = self.differentiates
            if not self.evaluates_differentiated:
                extra["differentiated_nowhere"] = True
            if self.held_alike:
                extra["held_alike"] = list(self.held_alike)
        if self.numpy_types:
            extra["numpy_types"] = True
        if self.kept_intact:
            extra["kept_intact"] = list(self.kept_intact)
        if self.as_arrays:
            extra["as_arrays"] = list(self.as_arrays)
        exact = self.numpy_types
        return dumps({"module": self.module, "function": self.function,
                      "args": to_wire(list(self.args), numpy_types=exact),
                      "kwargs": {k: to_wire(v, numpy_types=exact) for k, v in self.kwargs.items()},
                      "return_args": self.return_args, **extra}).rstrip(b"\n")


@dataclass(frozen=True)
class Outcome:
    status: Status
    value: Any = None
    args_after: Any = None
    error: str = ""  # for the student: what went wrong in their code
    output: str = ""  # what the call printed (bounded)
    seconds: float = 0.0
    wire: Any = field(default=None, repr=False, compare=False)  # (value, args_after) as plain data, if known
    out_of_memory: bool = False  # the call raised MemoryError (the child's limit, or the student's own raise)

    def fingerprint(self) -> bytes:
        """Everything judging this outcome depends on, as bytes: equal fingerprints, equal verdicts."""
        wire = self.wire if self.wire is not None else [to_wire(self.value), to_wire(self.args_after)]
        return dumps([self.status, self.error, self.output, wire])

    def values_only(self) -> Outcome:
        """The status and the values the parent compares, nothing else: no error message, printed output or
        exception name, any of which the student's code chooses and could fill with a hidden input."""
        return Outcome(self.status, self.value, self.args_after, seconds=self.seconds, wire=self.wire,
                       out_of_memory=self.out_of_memory)


class Allowance:
    """What a submission may still spend: one deadline for its total time and one budget for the bytes of its
    answers, shared by every run that grades it."""

    def __init__(self, limits: Limits, *, total_seconds: float | None = None, call_seconds: float | None = None,
                 loading_apart: bool = False):
        """`total_seconds`, `call_seconds`: tighter bounds than the limits' (for the grader's own extra runs).
        `loading_apart`: the time its children take to load the modules (up to the limits' load time in all)
        moves the deadline on, so that a module slow to load does not use up a short allowance
        before its first call (a probe of state skipped for want of time would keep the marks it checks)."""
        self.deadline = time.monotonic() + min(limits.total_seconds, total_seconds or limits.total_seconds)
        self.received = _Budget(limits.answer_bytes)
        self.call_seconds = min(limits.call_seconds, call_seconds or limits.call_seconds)
        self.loading_left = limits.load_seconds if loading_apart else 0.0  # loading time still not counted

    def loaded(self, seconds: float) -> None:
        """A child took `seconds` to load its modules: as much of it as is still not counted moves the deadline."""
        excused = min(seconds, self.loading_left)
        self.loading_left -= excused
        self.deadline += excused


# "required": the walls or nothing; "unconfined": grading other people's code where the kernel allows no walls, behind
# what is left (`confine.Fallback`), which as an ordinary user must include Landlock and seccomp; "best-effort": a
# student's own code on their own machine, behind whatever is left.
Confinement = Literal["required", "unconfined", "best-effort"]


@dataclass(frozen=True)
class ChildHandle:
    """How the parent ends a child: a pidfd (valid whatever PID namespace the child's pid belongs to) and,
    for a child without a PID namespace of its own, its process group."""

    pidfd: int
    group: int | None


class SandboxUnavailable(RuntimeError):
    """Student code cannot be confined here (no user namespaces) and the grader was not told to go without."""


def child_environment() -> dict[str, str]:
    """The whole environment of the template and so of every child: an allow-list, never the grader's
    own (which may hold the course seed or other secrets)."""
    return {"PATH": f"{os.path.dirname(sys.executable)}:/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp",
            "TMPDIR": "/tmp", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "USER": "student", "LOGNAME": "student",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg"}


class Sandbox:
    """A warm template process, started once, forking one confined child per submission run.

    `confinement="required"` (grading) refuses to run student code where the walls of
    `grader.sandbox.confine` cannot be built; `"unconfined"` (grading with `--unconfined`) runs it behind what is
    left there (`confine.Fallback`), and refuses where that is too little (an ordinary user without Landlock or
    seccomp); `"best-effort"` (a student's own pytest, a notebook kernel) runs it behind whatever is left, and
    says so in `walls()`."""

    own_session = False  # True: the template leaves our process group (a Jupyter kernel's shutdown waits for it)

    def __init__(self, limits: Limits | None = None, hidden: Sequence[Path] = (),
                 confinement: Confinement = "required", given_sources: Mapping[str, Any] | None = None):
        """`hidden`: folders the child must not see, should they lie inside what it sees (the Python
        installation); the kit's private folders and the grader's own package always are.
        `given_sources`: `grader.given.numpy_sources()` computed before (SymPy is imported to compute them)."""
        self.limits = limits or Limits()
        self.confinement = confinement
        foreign = confine.foreign_packages()  # hidden from the child, and refused by name
        self.refused = sorted(foreign.names)
        self.hidden = [str(path.resolve()) for path in (*kit.private_paths(), _grader_package(), *hidden)] + \
            list(foreign.hidden)
        self._template: subprocess.Popen | None = None
        self._control: socket.socket | None = None
        self._lock = threading.Lock()
        self._workdir: str | None = None  # the template's empty staging folder; unconfined, the children's folder
        self._walls: dict[str, Any] | None = None
        self._cgroups: list[str] = []  # the template's cgroups (pids, memory), removed with it
        self._watch_memory: int | None = None  # without a memory cgroup: the bound the grader watches
        self._given_sources = given_sources
        self._ending: list[int] = []  # pidfds of children ended, not yet waited for (see `_end`)
        self._without_walls: str | None = None  # why namespaces are not tried again (made, but not usable here)

    # ----- the template --------------------------------------------------------------------------

    def _start_template(self) -> None:
        workdir = self._fresh_workdir()  # first: a folder that cannot be made (TMPDIR closed) leaves no template
        # waiting for a configuration that never comes, nor its socket, behind
        ours, theirs = socket.socketpair()
        environment = child_environment()
        if os.environ.get("PYTHONPATH"):  # only where the grader's own Python needs it to import NumPy
            environment["PYTHONPATH"] = os.environ["PYTHONPATH"]
        self._template = subprocess.Popen(
            [sys.executable, "-m", "grader.sandbox.forkserver", str(theirs.fileno())],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, env=environment, cwd=_grader_package().parent,
            start_new_session=self.own_session,
        )
        theirs.close()
        self._control = ours
        config = {"staging": workdir, "workdir": workdir, "hidden": self.hidden,
                  "refused": self.refused,
                  "required": self.confinement == "required", "grading": self.confinement != "best-effort",
                  "without_walls": self._without_walls,
                  "environment": child_environment(),
                  "given": self._given_sources or _given_sources(),
                  "memory_bytes": self.limits.memory_bytes, "cpu_seconds": int(self.limits.total_seconds) + 5,
                  "file_bytes": self.limits.file_bytes}
        ours.sendall(dumps({"configure": config}))
        self._walls = None

    def walls(self) -> dict[str, Any]:
        """Which walls the children stand behind: `{"confined": bool, "layers": [...], "missing": [...]}`
        (starts the template if needed)."""
        with self._lock:
            self._ensure_template()
            assert self._walls is not None
            return self._walls

    def _ensure_template(self) -> None:
        """Under the lock: a running template whose walls report has been read."""
        if self._template is None or self._template.poll() is not None:
            self._start_template()
        if self._walls is None:
            assert self._control is not None
            data, _, _, _ = socket.recv_fds(self._control, 1 << 16, 1)
            report = loads(data)["walls"] if data else {"error": "the sandbox's template process ended"}
            self._cgroups = [str(folder) for folder in report.pop("cgroups", [])]
            watch = report.pop("watch_memory", None)
            self._watch_memory = watch if type(watch) is int else None
            if "error" in report:
                self.close()
                raise SandboxUnavailable(report["error"])
            restart = report.pop("restart_without_walls", None)
            if restart is not None:  # namespaces made but not usable: a template that goes without them at once
                self.close()
                if self._without_walls is not None:
                    raise SandboxUnavailable(f"the sandbox's template could not start: {restart}")
                self._without_walls = str(restart)
                self._ensure_template()
                return
            self._walls = report
            if self._prepares_next():
                self._control.sendall(dumps({"spawn": True}))  # only now: the walls report arrives alone

    def _prepares_next(self) -> bool:
        """Is the next child forked while this one runs? Only behind the walls: without a PID namespace
        (unconfined) children share one uid, and a child waiting beside a running one could be signalled by it;
        there each child is forked only once the one before it has ended."""
        return bool(self._walls and self._walls.get("confined"))

    def _spawn(self) -> tuple[ChildHandle, socket.socket]:
        """A fresh, already confined child from the template: how to end it, and our end of its channel.

        Behind the walls the next child is asked for at once, so that it is waiting in our socket when we need
        it (`_prepares_next`)."""
        with self._lock:
            self._reap()
            self._ensure_template()
            assert self._control is not None
            if not self._prepares_next():
                self._control.sendall(dumps({"spawn": True}))
            data, fds, _, _ = socket.recv_fds(self._control, 4096, 2)
            if len(fds) != 2:
                for fd in fds:
                    os.close(fd)
                raise RuntimeError("the sandbox's template process ended")
            if self._prepares_next():
                self._control.sendall(dumps({"spawn": True}))
            group = loads(data).get("group")
            return ChildHandle(fds[1], group if type(group) is int else None), socket.socket(fileno=fds[0])

    def _end(self, child: ChildHandle, channel: socket.socket) -> None:
        """End the child and everything it started: it is PID 1 of its namespace (without one, its process
        group is ended too). The wait until it has ended (a PID 1 ends once every process of its namespace
        has) is made before the next child is handed out (`_reap`), so that nothing of one run (an abstract
        Unix socket of the template's network namespace) is still there when the next child gets its job,
        and meanwhile the grader judges while the kernel tears the child down."""
        channel.close()
        no_longer_watched(child.pidfd)  # before its pidfd is closed (`_reap`): the watcher never signals another's
        try:
            signal.pidfd_send_signal(child.pidfd, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if child.group is not None:
            try:
                os.killpg(child.group, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self._ending.append(child.pidfd)

    def _reap(self) -> None:
        """Wait until every child ended by `_end` is gone."""
        while self._ending:
            pidfd = self._ending.pop()
            try:
                select.select([pidfd], [], [], END_SECONDS)
            finally:
                os.close(pidfd)

    def _fresh_workdir(self) -> str:
        if self._workdir is None:  # 0700: no other account (nor another sandbox's child) may enter it
            self._workdir = tempfile.mkdtemp(prefix="calcgrade-")
        return self._workdir

    def close(self) -> None:
        self._reap()
        if self._control is not None:
            self._control.close()
        if self._template is not None:
            self._template.wait(timeout=10)
        self._template = self._control = None
        for folder in self._cgroups:
            confine.remove_cgroup(folder)
        self._cgroups = []
        if self._workdir is not None:
            with contextlib.suppress(RecursionError):  # a tree too deep for it: see _empty_workdir
                shutil.rmtree(self._workdir, ignore_errors=True)
            if os.path.lexists(self._workdir):
                _open_to_owner(self._workdir)
                with contextlib.suppress(RecursionError):
                    shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----- running a submission --------------------------------------------------------------------

    def run(self, sources: Mapping[str, str], calls: Sequence[Call], allowance: Allowance | None = None,
            barrier: int | None = None) -> tuple[dict[str, str], list[Outcome]]:
        """Load the modules and make the calls; returns (module load errors, one outcome per call). Every child
        of this run serves these calls only. `allowance`: the submission's time and answer budget, when
        shared with other runs (a fresh one by default).

        `barrier`: the calls from this index on are sent to a child only once every answer before it has been
        read, after its modules were loaded, and the load errors returned are those of children started before
        then: no text a call before the barrier returns was written by a process that held a later call's
        arguments. The outcomes past the barrier are returned whole (the caller keeps what it needs of them)."""
        load_errors: dict[str, str] = {}
        outcomes: list[Outcome | None] = [None] * len(calls)
        pending = list(range(len(calls)))
        allowance = allowance or Allowance(self.limits)
        received = allowance.received
        try:
            while pending:
                if time.monotonic() >= allowance.deadline or received.exhausted:
                    why = (f"its answers passed {self.limits.describe_answer_bytes()} in all" if received.exhausted
                           else f"the submission used up its total time limit ({self.limits.total_seconds:g} s)")
                    for index in pending:
                        outcomes[index] = Outcome("skipped", error=f"not run: {why}")
                    break
                pending = self._run_once(sources, calls, pending, load_errors, outcomes, allowance,
                                         len(calls) if barrier is None else barrier)
        finally:
            self._empty_workdir()
        shown = {name: error for name, error in load_errors.items() if not isinstance(error, _LoadErrorPast)}
        return shown, [outcome or Outcome("skipped") for outcome in outcomes]

    @contextlib.contextmanager
    def session(self, sources: Mapping[str, str], allowance: Allowance | None = None,
                guard_import: Sequence[str] = ()) -> Iterator[Session]:
        """A child that loads the modules, then answers calls one at a time (`Session.call`), each asked
        after the last one's answer came back: for a trusted algorithm in this process that needs a student
        function's values as it goes. Same walls, per-call time limit and answer budget as `run`; the child
        (and everything it started) is ended when the block ends. Nothing another run or session asked is
        in it. `guard_import`: the functions differentiated by hand that refuse to run while the modules load, for
        a session that makes the calls of derivatives worked out by hand only (see `child._import_guard`)."""
        session = Session(self, sources, allowance or Allowance(self.limits), guard_import)
        try:
            yield session
        finally:
            session.close()
            self._empty_workdir()

    def _empty_workdir(self) -> None:
        """Unconfined children share one folder: emptied after each submission (a confined child's scratch
        folders are its own and vanish with it; the folder is then an empty mount point)."""
        workdir = self._workdir
        if workdir is None or (self._walls or {}).get("confined"):
            return
        self._reap()  # no child of the run writes there any more
        try:
            for leftover in os.listdir(workdir):
                path = os.path.join(workdir, leftover)
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    os.unlink(path)
            emptied = not os.listdir(workdir)
        except (OSError, RecursionError):  # a tree too deep for shutil.rmtree (3000 levels: RecursionError)
            emptied = False
        if not emptied:  # never left for the next student: the folder goes whole, the next child gets a fresh one
            _open_to_owner(workdir)  # a folder its owner may not read or enter, made by an older kernel's child
            with contextlib.suppress(OSError, subprocess.SubprocessError):  # no rm, or one that never ends: the
                subprocess.run(["rm", "-rf", "--", workdir], stdin=subprocess.DEVNULL,  # folder is left, unused
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120, check=False)
            self.close()  # and a fresh template, whose children work in a fresh folder

    def _run_once(self, sources, calls, pending, load_errors, outcomes, allowance: Allowance,
                  barrier: int) -> list[int]:
        """One child: answers until done, or until a call hangs or kills it, or the submission's total time
        or answer budget runs out; returns the calls left. The calls from `barrier` on are sent once every
        earlier one has been answered (see `run`)."""
        deadline, received, call_seconds = allowance.deadline, allowance.received, allowance.call_seconds
        loadable = {name: source for name, source in sources.items() if name not in load_errors}
        hung = {(calls[i].module, calls[i].function) for i, o in enumerate(outcomes) if o and o.status == "timeout"}
        runnable = []
        for index in pending:
            module = calls[index].module
            if module in load_errors or module not in sources:
                outcomes[index] = Outcome("load_error", error=load_errors.get(module, f"{module}.py is missing"))
            elif (module, calls[index].function) in hung:  # one endless loop is enough: do not wait again
                outcomes[index] = Outcome("timeout", error="not run: an earlier call of this function did not "
                                          f"finish within {self.limits.call_seconds:g} s")
            else:
                runnable.append(index)
        if not runnable:
            return []
        child, channel = self._spawn()
        first = [index for index in runnable if index < barrier]
        later = runnable[len(first):]
        past_barrier = not first  # every call before the barrier was answered: the barrier is passed

        def numbered(indexes: list[int]) -> bytes:
            return b",".join(b'{"id":%d,' % index + calls[index].wire[1:] for index in indexes)

        try:
            guarded = sorted({calls[index].differentiates for index in runnable if calls[index].differentiates}) \
                if all(calls[index].by_hand for index in runnable) else []  # derivatives by hand only: see child
            job = b'{"modules":' + dumps(loadable).rstrip(b"\n") + b',"calls":[' + numbered(first) + b"]" + \
                (b',"more":true' if later else b"") + \
                (b',"guard_import":' + dumps(guarded).rstrip(b"\n") if guarded else b"") + b"}\n"
            if not _send_within(channel, job, time.monotonic() + self.limits.load_seconds):
                raise RuntimeError("the sandbox could not confine a child process: it did not read its job")
            reader = _LineReader(channel, received, self._memory_watch(child))
            ready = reader.next_line(self.limits.load_seconds)
            if not (isinstance(ready, dict) and ready.get("ready") is True):
                why = ready.get("error", "") if isinstance(ready, dict) else repr(ready)
                raise RuntimeError(f"the sandbox could not confine a child process: {printable(str(why)[:300])}")
            loading_from = time.monotonic()
            for name in loadable:
                reply = reader.next_line(min(self.limits.load_seconds,
                                             deadline + allowance.loading_left - time.monotonic()))
                if not isinstance(reply, dict):
                    load_errors[name] = (f"importing {name}.py took longer than {self.limits.load_seconds:g} s"
                                         if reply is TIMEOUT else f"importing {name}.py ended the process")
                    return list(runnable)
                if not reply.get("ok"):
                    error = printable(str(reply.get("error", "import failed"))[:ERROR_LIMIT])
                    load_errors[name] = _LoadErrorPast(error) if past_barrier else error
            allowance.loaded(time.monotonic() - loading_from)
            deadline = allowance.deadline
            for position, index in enumerate(runnable):
                if position == len(first) and later and not _send_within(
                        channel, b'{"calls":[' + numbered(later) + b"]}\n",
                        min(time.monotonic() + call_seconds, deadline)):
                    outcomes[index] = self._failure(TIMEOUT, out_of_time=time.monotonic() >= deadline)
                    return runnable[position + 1 :]  # the child stopped reading: it is ended below
                if calls[index].module in load_errors:
                    outcomes[index] = Outcome("load_error", error=load_errors[calls[index].module])
                reply = reader.next_line(min(call_seconds, deadline - time.monotonic()))
                answer = _outcome(reply, self.limits) if isinstance(reply, dict) and reply.get("id") == index else None
                if answer is None:  # no answer, or not one for this call: this child is done
                    outcomes[index] = self._failure(reply, out_of_time=time.monotonic() >= deadline)
                    return runnable[position + 1 :]
                if outcomes[index] is None:
                    outcomes[index] = answer
            return []
        finally:
            self._end(child, channel)

    def _memory_watch(self, child: ChildHandle) -> MemoryWatch | None:
        """Where no memory cgroup bounds the child's processes together: the grader's watch over them; unconfined,
        over the shared working folder too. Looked at while the grader waits for the child, and every `INTERVAL`
        by the process's watcher while it does not (`watched_always`)."""
        scratch = (self._workdir, self.limits.file_bytes) if child.group is not None and self._workdir else None
        if self._watch_memory is None and scratch is None:
            return None
        watch = MemoryWatch.of(child, self._watch_memory, scratch)
        if watch is not None:
            watched_always(watch)
        return watch

    def _failure(self, reply: Any, out_of_time: bool = False) -> Outcome:
        if reply is TIMEOUT and out_of_time:
            return Outcome("timeout", error="stopped: the submission used up its total time limit "
                           f"({self.limits.total_seconds:g} s) during this call")
        if reply is TOO_LARGE:
            return Outcome("died", error=f"your code's answer was larger than {MAX_ANSWER_BYTES >> 20} MiB")
        if reply is TOO_MUCH:
            return Outcome("died", error=f"your code's answers passed {self.limits.describe_answer_bytes()} "
                           "(return smaller values)")
        if reply is TIMEOUT:
            return Outcome("timeout", error=f"did not finish within {self.limits.call_seconds:g} s "
                           "(an endless loop, or far too much work)")
        if reply is EOF:
            return Outcome("died", error="the process running your code ended during this call: a crash, "
                           f"os._exit(), or memory beyond {self.limits.describe_memory()}")
        return Outcome("died", error="the process running your code sent something that is not an answer")


class Session:
    """One child serving calls one at a time, from `Sandbox.session`. The child is started at the first
    call; a call that hangs, kills the child or answers out of turn ends the session (that call and every
    later one come back as failures, never as answers)."""

    def __init__(self, sandbox: Sandbox, sources: Mapping[str, str], allowance: Allowance,
                 guard_import: Sequence[str] = ()):
        self._sandbox = sandbox
        self._sources = dict(sources)
        self._guard_import = sorted(guard_import)
        self._allowance = allowance
        self.load_errors: dict[str, str] = {}
        self._child: tuple[ChildHandle, socket.socket] | None = None
        self._reader: _LineReader | None = None
        self._ended = ""  # why no more calls can be made, once that is so
        self._next_id = 0

    @property
    def ended(self) -> bool:
        """No more calls can be made (each comes back as a failure)."""
        return bool(self._ended)

    def call(self, call: Call) -> Outcome:
        """The student function's answer to one call: its outcome as `Sandbox.run` gives it."""
        limits = self._sandbox.limits
        if not self._ended and (time.monotonic() >= self._allowance.deadline or self._allowance.received.exhausted):
            self._ended = "the submission used up its time or answer limits"
        if not self._ended and self._child is None:
            self._start()
        if self._ended:
            return Outcome("skipped", error=f"not run: {self._ended}")
        if call.module in self.load_errors or call.module not in self._sources:
            return Outcome("load_error", error=self.load_errors.get(call.module, f"{call.module}.py is missing"))
        assert self._child is not None and self._reader is not None
        self._next_id += 1
        deadline = self._allowance.deadline
        call_ends = min(time.monotonic() + limits.call_seconds, deadline)
        reply: Any = TIMEOUT
        if _send_within(self._child[1], b'{"id":%d,' % self._next_id + call.wire[1:] + b"\n", call_ends):
            reply = self._reader.next_line(call_ends - time.monotonic())
        asked = 0
        while isinstance(reply, dict) and reply.get("oracle") is not None and reply.get("id") == self._next_id:
            asked += 1
            if not self._answer_oracle(call, reply, asked, call_ends):
                reply = TIMEOUT  # the call stopped reading its answers: it cannot finish
                break
            reply = self._reader.next_line(call_ends - time.monotonic())
        answer = _outcome(reply, limits, numpy_types=call.numpy_types) \
            if isinstance(reply, dict) and reply.get("id") == self._next_id else None
        if answer is None:
            self._end("an earlier call of this session did not answer")
            return self._sandbox._failure(reply, out_of_time=time.monotonic() >= deadline)
        return answer

    def _answer_oracle(self, call: Call, question: dict[str, Any], asked: int, until: float) -> bool:
        """Answer one question of a call's oracle with what its parent-side function gives, or with no answer
        (a name the call did not offer, too many questions, arguments it refuses); False where the child does
        not take the answer before `until`."""
        assert self._child is not None
        oracle = call.oracles.get(str(question.get("oracle")))
        reply: dict[str, Any] = {"error": "no answer"}
        if oracle is not None and asked <= ORACLE_QUESTIONS:
            try:
                reply = {"value": to_wire(oracle(question.get("args"), question.get("kwargs")))}
            except Exception:  # noqa: BLE001 - any refusal or failure is no answer, never the parent's fault
                pass
        return _send_within(self._child[1], dumps(reply), until)

    def _start(self) -> None:
        """Spawn the child, send it the modules as a session's job, and read its load reports."""
        limits, deadline = self._sandbox.limits, self._allowance.deadline
        child, channel = self._sandbox._spawn()
        self._child = (child, channel)
        guarded = b',"guard_import":' + dumps(self._guard_import).rstrip(b"\n") if self._guard_import else b""
        job = b'{"modules":' + dumps(self._sources).rstrip(b"\n") + b',"calls":[],"session":true' + guarded + b"}\n"
        if not _send_within(channel, job, time.monotonic() + limits.load_seconds):
            self._end("the child could not be started")
            raise RuntimeError("the sandbox could not confine a child process: it did not read its job")
        self._reader = reader = _LineReader(channel, self._allowance.received, self._sandbox._memory_watch(child),
                                             coalesce=False)
        ready = reader.next_line(limits.load_seconds)
        if not (isinstance(ready, dict) and ready.get("ready") is True):
            self._end("the child could not be started")
            why = ready.get("error", "") if isinstance(ready, dict) else repr(ready)
            raise RuntimeError(f"the sandbox could not confine a child process: {printable(str(why)[:300])}")
        for name in self._sources:
            reply = reader.next_line(min(limits.load_seconds, deadline - time.monotonic()))
            if not isinstance(reply, dict):
                self._end(f"importing {name}.py did not finish")
                return
            if not reply.get("ok"):
                self.load_errors[name] = printable(str(reply.get("error", "import failed"))[:ERROR_LIMIT])

    def _end(self, why: str) -> None:
        self._ended = self._ended or why
        if self._child is not None:
            self._sandbox._end(*self._child)
            self._child = None

    def close(self) -> None:
        """End the child and its process group; later calls are not made."""
        self._end("the session is closed")


def _open_to_owner(folder: str, most: int = 1_000_000) -> None:
    """Give every folder under `folder` (itself included) its owner's rights again, so that it can be emptied: a
    folder made without them (`mkdir(name, 0o300)`) cannot be listed or emptied by its owner, `rm -rf` included.
    Walked without recursion, at most `most` entries; what cannot be changed is left as it is."""
    stack, seen = [folder], 0
    while stack and seen < most:
        current = stack.pop()
        with contextlib.suppress(OSError, NotImplementedError):  # never through a link put in a folder's place
            os.chmod(current, 0o700, follow_symlinks=False)
        try:
            with os.scandir(current) as entries:
                for entry in entries:
                    seen += 1
                    with contextlib.suppress(OSError):
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(entry.path)
        except OSError:
            continue


def _has_memory(pid: str) -> bool:
    """Does this process still hold memory? One that is ending has let go of it (its status has no `VmSize`),
    and for that moment the kernel refuses a look at its files and mappings as it does for a process that made
    itself unreadable: the first ended an honest child's processes at random (`forks` in the confinement tests,
    a pool that ends its workers), the second is counted past any bound."""
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            return any(line.startswith(b"VmSize:") for line in status)
    except OSError:  # gone
        return False


def folder_bytes(folder: str, most: int = 100_000, deepest: int = 256) -> int | None:
    """The bytes the files under `folder` take on their file system (blocks, so a sparse file counts what it
    holds), walked depth first by descriptors (one per level: a path may be longer than the kernel takes), without
    recursion. None where it holds more than `most` entries, is deeper than `deepest` levels, or has a folder that
    cannot be read: the caller treats each as past any bound."""
    try:
        top = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except FileNotFoundError:
        return 0
    except OSError:
        return None
    total, seen = 0, 0
    levels: list[tuple[int, Iterator[os.DirEntry[str]]]] = []
    try:
        levels.append((top, os.scandir(top)))
        while levels:
            current, entries = levels[-1]
            entry = next(entries, None)
            if entry is None:
                levels.pop()
                os.close(current)
                continue
            seen += 1
            if seen > most:
                return None
            try:
                total += entry.stat(follow_symlinks=False).st_blocks * 512
                if entry.is_dir(follow_symlinks=False):
                    if len(levels) >= deepest:
                        return None
                    below = os.open(entry.name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC,
                                    dir_fd=current)
                    levels.append((below, os.scandir(below)))
            except FileNotFoundError:
                continue  # removed while walked (a temporary file): nothing to count
    except OSError:
        return None
    finally:
        for current, entries in levels:
            with contextlib.suppress(OSError):
                entries.close()  # type: ignore[attr-defined]
                os.close(current)
    return total


def _send_within(channel: socket.socket, data: bytes, until: float) -> bool:
    """Send all of `data` to a child before the monotonic time `until`. False where the child stops reading
    (student code can keep the child from draining its socket): the grader never waits on a child without a
    limit, so the caller ends that child instead. A child already gone counts as sent: the reads report it."""
    view = memoryview(data)
    while view:
        remaining = until - time.monotonic()
        if remaining <= 0:
            return False
        try:
            _, writable, _ = select.select([], [channel], [], remaining)
        except (OSError, ValueError):
            return True
        if not writable:
            return False
        try:
            view = view[channel.send(view, socket.MSG_DONTWAIT):]
        except BlockingIOError:
            continue
        except OSError:
            return True
    return True


def _given_sources() -> Mapping[str, Any]:
    from grader import given

    return given.numpy_sources()


def _grader_package() -> Path:
    return Path(kit.__file__).resolve().parent


def _returned_function(name: str) -> Unsupported:
    """A function in an answer (e.g. one of the given functions returned as is) is not a value."""
    return Unsupported("function", printable(name[:120]))


def _outcome(reply: dict[str, Any], limits: Limits, *, numpy_types: bool = False) -> Outcome | None:
    """A child's answer as an Outcome; anything unexpected in it becomes an error, never a pass.
    None for an answer that cannot be read at all (a field of the wrong type, an impossible array):
    the caller treats it as no answer, so a forged reply can never stop the grader. `numpy_types`: the value keeps
    the NumPy types the child wrote (error carried forward's calls only: the reference computes on with them as the
    student's caller did; what decides there is also checked with the right functions)."""
    try:
        status = reply.get("status", "error")
        error = printable(str(reply.get("error", ""))[:ERROR_LIMIT])
        if reply.get("memory"):
            error = f"{error}: your code ran out of memory (the limit is {limits.describe_memory()} per submission)"
        value, args_after = reply.get("value"), reply.get("args_after")
        return Outcome(
            status=status if status in ("ok", "error", "not_implemented", "missing") else "error",
            value=from_wire(value, _returned_function, numpy_types=numpy_types),
            args_after=from_wire(args_after, _returned_function),
            error=error, output=printable(str(reply.get("output", ""))[:4000]),
            seconds=float(reply.get("seconds", 0.0)),
            wire=[value, args_after], out_of_memory=reply.get("memory") is True,
        )
    except (TypeError, ValueError, OverflowError, RecursionError, MemoryError):
        return None


class MemoryWatch:
    """Where no memory cgroup can be made (an ordinary user on cgroup v1, or no memory controller): the
    grader sums the memory the child's processes hold (their proportional set sizes, so that pages they
    share count once) every `INTERVAL` seconds while it waits for the child, and ends the child once they
    hold more than `bound` bytes together. Each process is also bounded by its address-space limit, so
    what they can add between two looks is bounded too."""

    INTERVAL = 0.05

    def __init__(self, pidfd: int, pid: int, bound: int | None, namespace: str | None, group: int | None,
                 scratch: tuple[str, int] | None = None):
        self.pidfd, self.pid, self.bound = pidfd, pid, bound
        self.namespace = namespace  # the child's PID namespace: all its processes are in it
        self.group = group  # without one (unconfined): its process group
        self.scratch = scratch  # unconfined: the shared working folder, and what its files may take
        self.next = 0.0

    @classmethod
    def of(cls, child: ChildHandle, bound: int | None, scratch: tuple[str, int] | None = None) -> MemoryWatch | None:
        try:
            with open(f"/proc/self/fdinfo/{child.pidfd}", encoding="ascii") as info:
                pid = next(int(line.split()[1]) for line in info if line.startswith("Pid:"))
            namespace = None if child.group is not None else os.readlink(f"/proc/{pid}/ns/pid")
        except (OSError, StopIteration, ValueError, IndexError):
            return None  # already gone (or a kernel without pidfd information): nothing to watch
        return cls(child.pidfd, pid, bound, namespace, child.group, scratch)

    def check(self) -> None:
        """Look, at most once per `INTERVAL`; end the child if its processes hold too much, or (unconfined) its
        files in the shared working folder take more than its scratch space (a confined child's is a tmpfs of
        that size)."""
        now = time.monotonic()
        if now < self.next:
            return
        self.next = now + self.INTERVAL
        pids = self.processes()  # one look at /proc for both sums
        over = self.bound is not None and self.held(pids) > self.bound
        if not over and self.scratch is not None:
            used = folder_bytes(self.scratch[0])
            over = used is None or used + self.unlinked_bytes(pids) > self.scratch[1]
        if over:
            with contextlib.suppress(OSError):
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            if self.group is not None:  # without a PID namespace the processes it started outlive it otherwise,
                with contextlib.suppress(OSError):  # holding their memory until the call's time runs out
                    os.killpg(self.group, signal.SIGKILL)

    def processes(self) -> list[str]:
        """The pids (as /proc names them) of the child's processes."""
        found = []
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                if self.namespace is not None:
                    if os.readlink(f"/proc/{entry.name}/ns/pid") != self.namespace:
                        continue
                elif os.getpgid(int(entry.name)) != self.group:
                    continue
            except (OSError, ValueError):  # ended meanwhile, or not ours to read
                continue
            found.append(entry.name)
        return found

    HIDDEN = 1 << 62  # what a process of the child that the grader may not look at counts for: past any bound

    def held(self, pids: list[str] | None = None) -> int:
        """Bytes the child's processes hold together. A process of the child whose figures the grader may not read
        (one that made itself undumpable, by executing a file it may not read) counts as past any bound."""
        total = 0
        for pid in self.processes() if pids is None else pids:
            try:
                with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
                    for line in rollup:
                        if line.startswith(b"Pss:"):
                            total += int(line.split()[1]) * 1024
                            break
            except PermissionError:
                if _has_memory(pid):
                    return self.HIDDEN
            except (OSError, ValueError, IndexError):  # ended meanwhile
                continue
        return total

    def unlinked_bytes(self, pids: list[str] | None = None) -> int:
        """Bytes of the files the child's processes hold with no name left (removed, or made unnamed with
        O_TMPFILE), open or mapped: they take their space until closed and unmapped, and no look at a folder finds
        them. A mapping counts its whole length (at least what it holds of the file)."""
        total = 0
        for pid in self.processes() if pids is None else pids:
            try:
                descriptors = os.listdir(f"/proc/{pid}/fd")
                with open(f"/proc/{pid}/maps", "rb") as maps:
                    for line in maps:
                        if line.rstrip().endswith(b"(deleted)"):
                            start, end = line.split(b" ", 1)[0].split(b"-")
                            total += int(end, 16) - int(start, 16)
            except PermissionError:
                if _has_memory(pid):
                    return self.HIDDEN
                continue
            except (OSError, ValueError):  # ended meanwhile
                continue
            for descriptor in descriptors:
                with contextlib.suppress(OSError):
                    info = os.stat(f"/proc/{pid}/fd/{descriptor}")
                    if info.st_nlink == 0 and stat.S_ISREG(info.st_mode):
                        total += info.st_blocks * 512
        return total


# Every child a `MemoryWatch` bounds, by its pidfd, looked at by one watcher thread of the process every `INTERVAL`:
# a child waiting for its next call while the grader judges, or runs another session's calls (error carried forward
# keeps several open), was not looked at, and its processes held 2 to 3 GiB against a 1 GiB bound for seconds (red
# team round 46, 01). The lock is held while a watch is looked at, so a child no longer watched is never signalled.
_WATCHED: dict[int, MemoryWatch] = {}
_WATCHED_LOCK = threading.Lock()
_WATCHER: list[threading.Thread] = []


def watched_always(watch: MemoryWatch) -> None:
    """Looked at every `INTERVAL` until `no_longer_watched`, besides while the grader waits for the child."""
    with _WATCHED_LOCK:
        _WATCHED[watch.pidfd] = watch
        if not (_WATCHER and _WATCHER[0].is_alive()):
            _WATCHER[:] = [threading.Thread(target=_watch_every_child, name="calcgrade-memory-watch", daemon=True)]
            _WATCHER[0].start()


def no_longer_watched(pidfd: int) -> None:
    with _WATCHED_LOCK:
        _WATCHED.pop(pidfd, None)


def _watch_every_child() -> None:
    while True:
        time.sleep(MemoryWatch.INTERVAL)
        with _WATCHED_LOCK:
            for watch in list(_WATCHED.values()):
                with contextlib.suppress(Exception):  # a look that fails leaves it to the next one
                    watch.check()


def _watcher_reset_in_child() -> None:
    """A process forked from one with a watcher (a worker of a batch) starts with none: the thread is not copied,
    and the lock may have been held."""
    global _WATCHED_LOCK
    _WATCHED_LOCK = threading.Lock()
    _WATCHED.clear()
    _WATCHER.clear()


os.register_at_fork(after_in_child=_watcher_reset_in_child)


class _LineReader:
    """Reads JSON lines from the child with a deadline per line; TIMEOUT or EOF otherwise.

    Whatever has arrived is read without waiting, and the complete lines of one read are decoded
    together (one JSON parse for many answers); a line that is not JSON comes back as GARBLED. With a
    `MemoryWatch`, the child's memory is looked at while waiting."""

    COALESCE_SECONDS = 0.0005

    def __init__(self, channel: socket.socket, budget: _Budget, watch: MemoryWatch | None = None,
                 coalesce: bool = True):
        self.channel = channel
        self.coalesce = coalesce  # False where one answer is awaited at a time (a session): waiting is lost time
        self.budget = budget
        self.watch = watch
        self.partial = b""  # the start of a line not complete yet
        self.decoded: collections.deque[Any] = collections.deque()  # complete lines, decoded, not read yet

    def next_line(self, seconds: float) -> Any:
        deadline = time.monotonic() + seconds
        while not self.decoded:
            if self.watch is not None:
                self.watch.check()
            try:
                chunk = self.channel.recv(1 << 20, socket.MSG_DONTWAIT)
            except BlockingIOError:  # nothing there yet: wait for it, up to the deadline
                left = deadline - time.monotonic()
                if left <= 0:
                    return TIMEOUT
                wait = left if self.watch is None else min(left, self.watch.INTERVAL)
                if not select.select([self.channel], [], [], wait)[0]:
                    if wait < left:
                        continue  # time to look at the child's memory again
                    return TIMEOUT
                if self.coalesce:
                    time.sleep(self.COALESCE_SECONDS)  # let a few more answers arrive: one wake-up reads them all
                continue
            except OSError:  # ECONNRESET: the child died with data still unread
                return EOF
            if not chunk:
                return EOF
            *complete, self.partial = (self.partial + chunk).split(b"\n")
            if len(self.partial) > MAX_ANSWER_BYTES or any(len(line) > MAX_ANSWER_BYTES for line in complete):
                return TOO_LARGE
            # The budget is spent line by line, so the answer that passes it is the one that fails, however
            # the answers were split into reads (the grader holds at most the budget and one partial line).
            within = []
            for line in complete:
                self.budget.left -= len(line) + 1
                if self.budget.exhausted:
                    break
                within.append(line)
            self.decoded.extend(_decode_lines(within))
            if self.budget.exhausted:
                self.decoded.append(TOO_MUCH)
        return self.decoded.popleft()


def _decode_lines(lines: list[bytes]) -> list[Any]:
    """Each line's JSON value (GARBLED for a line that is not JSON), parsed in one call where possible."""
    if len(lines) > 1:
        try:
            values = loads(b"[" + b",".join(lines) + b"]")
        except (ValueError, RecursionError):
            pass
        else:
            if isinstance(values, list) and len(values) == len(lines):  # a line holding "1],[2" splits wrongly
                return values
    decoded = []
    for line in lines:
        try:
            decoded.append(loads(line))
        except (ValueError, RecursionError):  # not JSON, or nested deeper than a parser should follow
            decoded.append(GARBLED)
    return decoded
