"""Shared fixtures: one warm sandbox for the whole suite, and helpers to build submissions."""

from __future__ import annotations

import os
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


@pytest.fixture(scope="session", autouse=True)
def kit_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The kit's public checks' data is cached in a folder of the suite's own, never the user's."""
    from grader.precomputed import CACHE_ENV_VAR

    before = os.environ.get(CACHE_ENV_VAR)
    os.environ[CACHE_ENV_VAR] = str(tmp_path_factory.mktemp("calcgrade-cache"))
    yield
    if before is None:
        os.environ.pop(CACHE_ENV_VAR, None)
    else:
        os.environ[CACHE_ENV_VAR] = before
