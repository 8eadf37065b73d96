"""Shared fixtures: one warm sandbox for the whole suite, and helpers to build submissions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from grader import kit
from grader.sandbox.client import Sandbox


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as shared:
        yield shared


@pytest.fixture(scope="session")
def solution_sources() -> dict[str, str]:
    return {module: kit.solution_source(module) for module in kit.MODULES}
