"""Untrusted input parsed in a forked child with bounds: real processes, real limits."""

from __future__ import annotations

import os
import signal
import time

import pytest

from grader.bounded import Bounds, OutOfBounds, OutOfTime, call_bounded, time_limit


def test_the_answer_comes_back_as_json():
    assert call_bounded(lambda pair: [pair[0] + pair[1], "done"], (2, 3)) == [5, "done"]


def test_a_call_that_takes_too_long_is_ended():
    started = time.monotonic()
    with pytest.raises(OutOfBounds, match="took longer than 0.5 s"):
        call_bounded(time.sleep, 60, Bounds(seconds=0.5))
    assert time.monotonic() - started < 5


def test_a_call_that_needs_too_much_memory_is_refused():
    with pytest.raises(OutOfBounds, match="more than 64 MiB of memory"):
        call_bounded(lambda size: len(bytearray(size)), 1 << 30, Bounds(memory_bytes=64 << 20))


def test_deep_recursion_and_exceptions_are_reported_by_name_only():
    def recurse(depth: int) -> int:
        return recurse(depth + 1) + 1

    with pytest.raises(OutOfBounds, match="RecursionError"):
        call_bounded(recurse, 0)
    with pytest.raises(OutOfBounds, match=r"failed \(KeyError\)"):
        call_bounded(lambda mapping: mapping["secret value"], {})


def test_an_answer_too_large_or_a_dead_child_is_refused():
    with pytest.raises(OutOfBounds, match="answered more than 1 MiB"):
        call_bounded(lambda size: "x" * size, 2 << 20, Bounds(answer_bytes=1 << 20))
    with pytest.raises(OutOfBounds, match="without an answer"):
        call_bounded(lambda _: os.kill(os.getpid(), signal.SIGKILL), None)


def test_the_child_prints_nothing_to_the_graders_terminal(capfd):
    def noisy(text: str) -> int:
        print(text)
        os.write(2, text.encode())
        return 1

    assert call_bounded(noisy, "\x1b]0;owned\x07") == 1
    captured = capfd.readouterr()
    assert "owned" not in captured.out + captured.err


def _swallowing_work(passes: int, bare: bool = False) -> int:
    """Work written like a library's fallbacks: a failed step is swallowed and the next one tried (SymPy has
    `except Exception` in many places; `bare` swallows everything, as a bare `except:` does)."""
    swallowed = BaseException if bare else Exception
    done = 0
    for _ in range(passes):
        try:
            sum(range(20_000))
            done += 1
        except swallowed:  # noqa: BLE001 - the point of the test
            continue
    return done


@pytest.mark.parametrize("cpu", [False, True], ids=["wall", "cpu"])
def test_an_expiry_is_not_swallowed_by_the_bounded_work(cpu):
    """Bug: the expiry was an Exception raised once; SymPy-like code that swallows every Exception and tries its
    next way ran on unbounded after it, and the result it then returned was used. The expiry now passes `except
    Exception`, fires again until the work lets it through, and work that ends after swallowing it is not
    trusted."""
    with pytest.raises(OutOfTime):
        with time_limit(0.02, cpu=cpu):
            while True:
                _swallowing_work(1)
    with pytest.raises(OutOfTime):
        with time_limit(0.001, cpu=cpu):
            _swallowing_work(30_000, bare=True)  # swallows every expiry and returns normally


def test_work_within_its_time_ends_normally_and_leaves_no_alarm():
    previous = signal.getsignal(signal.SIGALRM)
    with time_limit(5):
        value = sum(range(1000))
    assert value == 499500
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is previous
