"""One function run on untrusted input in a forked process, with limits on its time, memory and answer; and
`time_limit`, a bound on the grader's own work on student code read as data, in its own process.

The trusted grader reads some student files itself (a notebook's JSON, its cells' Python). Parsers
recurse and some take time that grows faster than their input, so a hostile file could end the
grader (RecursionError, MemoryError) or hold it for minutes. Here the work runs in a child forked
from the caller (cheap: the caller's modules are already loaded) under an address-space and CPU
limit; the caller waits at most `Bounds.seconds` for its answer, reads at most `Bounds.answer_bytes`
of it, and ends the child otherwise. Whatever goes wrong raises `OutOfBounds` in the caller, which
then costs only the student whose file it was. Only JSON comes back: nothing is unpickled.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import resource
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

Argument = TypeVar("Argument")


@dataclass(frozen=True)
class Bounds:
    seconds: float = 10.0  # wall-clock time, and (rounded up) CPU time
    memory_bytes: int = 1 << 30  # address space beyond what the caller has mapped already
    answer_bytes: int = 8 << 20  # the JSON answer


class OutOfBounds(Exception):
    """The bounded call did not answer within its bounds; the message says how (for a student's note)."""


class OutOfTime(BaseException):
    """The work bounded by `time_limit` passed its time (or could not be bounded: outside the main thread).

    A BaseException, as KeyboardInterrupt is: the bounded work is a library's (SymPy's), whose `except Exception`
    fallbacks would otherwise swallow it and run on unbounded."""


@contextlib.contextmanager
def time_limit(seconds: float, cpu: bool = False) -> Iterator[None]:
    """Raise OutOfTime in this (main) thread after `seconds` of wall time (of this process's CPU time with `cpu`,
    which a busy machine does not shorten): for the grader's own reading of a student's code as data (SymPy's
    reading of a formula, the repair search's candidates), whose cost can grow faster than the code. In another
    thread no alarm can be set, so the work is not started (OutOfTime at once) and the numeric verdict stands
    alone."""
    if threading.current_thread() is not threading.main_thread():
        raise OutOfTime
    expired: list[bool] = []

    def expire(signum: int, frame: Any) -> None:
        expired.append(True)
        raise OutOfTime

    timer, alarm = (signal.ITIMER_PROF, signal.SIGPROF) if cpu else (signal.ITIMER_REAL, signal.SIGALRM)
    previous = signal.signal(alarm, expire)
    # The alarm repeats: work that swallows even a BaseException (a bare `except:`) meets the next one soon after.
    signal.setitimer(timer, seconds, min(seconds, EXPIRED_REPEAT_SECONDS))
    try:
        yield
    finally:
        signal.setitimer(timer, 0)
        signal.signal(alarm, previous)
    if expired:  # the work ended after swallowing an expiry: its result may come from a fallback, never trusted
        raise OutOfTime


# How often the alarm of an expired time_limit fires again until the bounded work lets its OutOfTime through.
EXPIRED_REPEAT_SECONDS = 0.01


def call_bounded(function: Callable[[Argument], Any], argument: Argument, bounds: Bounds = Bounds()) -> Any:
    """`function(argument)` computed in a forked child within `bounds`; its answer must be JSON data.

    Raises OutOfBounds if the child takes too long, runs out of memory, raises, dies or answers too much."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _run_child(function, argument, bounds, write_end)
    os.close(write_end)
    try:
        data = _read_answer(read_end, bounds)
    finally:
        os.close(read_end)
        _end(pid)
    try:
        answer = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise OutOfBounds("ended without an answer (out of memory or killed)") from error
    if "error" in answer:
        raise OutOfBounds(str(answer["error"]))
    return answer["value"]


def _run_child(function: Callable[[Argument], Any], argument: Argument, bounds: Bounds, answer_fd: int) -> None:
    status = 1
    try:
        with open("/proc/self/statm") as statm:  # what the caller has mapped already
            mapped = int(statm.read().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (mapped + bounds.memory_bytes, mapped + bounds.memory_bytes))
        cpu = math.ceil(bounds.seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the child with the grader
        silence = os.open(os.devnull, os.O_WRONLY)  # warnings quote the input: none reaches the grader's terminal
        os.dup2(silence, 1)
        os.dup2(silence, 2)
        sys.stdout = sys.stderr = open(silence, "w")  # noqa: SIM115 - for the child's short life
        try:
            message = {"value": function(argument)}
        except MemoryError:
            message = {"error": f"needed more than {bounds.memory_bytes >> 20} MiB of memory"}
        except RecursionError:
            message = {"error": "nested too deeply (RecursionError)"}
        except Exception as error:  # noqa: BLE001 - reported to the caller by name, never raised there
            message = {"error": f"failed ({type(error).__name__})"}
        data = json.dumps(message).encode()
        view = memoryview(data)
        while view:
            view = view[os.write(answer_fd, view):]
        status = 0
    finally:
        os._exit(status)  # no atexit handlers, no flushing of the caller's buffers


def _read_answer(fd: int, bounds: Bounds) -> bytes:
    deadline = time.monotonic() + bounds.seconds
    chunks: list[bytes] = []
    size = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise OutOfBounds(f"took longer than {bounds.seconds:g} s")
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > bounds.answer_bytes:
            raise OutOfBounds(f"answered more than {bounds.answer_bytes >> 20} MiB")
        chunks.append(chunk)


def _end(pid: int) -> None:
    """Kill the child (a no-op if it has exited) and reap it."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
