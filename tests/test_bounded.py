"""Untrusted input parsed in a forked child with bounds: real processes, real limits."""

from __future__ import annotations

import os
import signal
import time

import pytest

from grader.bounded import Bounds, OutOfBounds, call_bounded


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
