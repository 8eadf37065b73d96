"""Shared fixtures: one warm sandbox for the whole suite, and helpers to build submissions."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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



# Modules whose module-scoped fixtures are expensive (a course autograded by nbgrader, wheels installed into
# fresh venvs, a venv for the walls, batches run as subprocesses, the corpus and the holdouts graded once), the
# costliest first; every holdout module not named (`test_holdout_*`) is one too, handed out before the last.
SHARED_FIXTURE_MODULES = ("test_nbgrader", "test_install", "test_confine", "test_cli", "test_release",
                          "test_gradescope", "test_holdout_second", "test_corpus", "test_holdout", "test_holdout_third",
                          "test_holdout_fourth", "test_holdout_fifth", "test_holdout_sixth",
                          "test_holdout_seventh", "test_holdout_eighth", "test_holdout_ninth", "test_holdout_tenth",
                          "test_holdout_eleventh", "test_holdout_twelfth",
                          "test_holdout_thirteenth", "test_holdout_fourteenth", "test_holdout_fifteenth",
                          "test_report")


def shared_fixture_rank(module: str) -> float | None:
    """Where a module whose tests must run on one worker is handed out (lower first); None for any other module.
    A holdout module grades its entries once in a module-scoped fixture: its tests spread over two workers graded
    them twice (every holdout after the fifteenth was, until each was made one unit: a fifth of the suite's CPU)."""
    if module in SHARED_FIXTURE_MODULES:
        return float(SHARED_FIXTURE_MODULES.index(module))
    return len(SHARED_FIXTURE_MODULES) - 1.5 if module.startswith("test_holdout_") else None


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under `--dist loadgroup` (`make test`): each module of SHARED_FIXTURE_MODULES runs whole on one worker, so
    its fixtures are built once, and they are handed out first, the costliest first (the longest one bounds the
    suite's time: it must not start late); every other test is a unit of its own. The scheduler does this
    itself: xdist 3.8 marks a group by rewriting `item._nodeid`, which pytest 9 no longer reads, so
    `xdist_group` marks are ignored there."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixtureScheduling(LoadScopeScheduling):
        def __init__(self, config: pytest.Config, log: Any = None) -> None:
            super().__init__(config, log)
            self._shared: list[str] | None = None  # the shared modules not handed out yet, the costliest first

        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if shared_fixture_rank(Path(module).stem) is not None else nodeid

        def _assign_work_unit(self, node: Any) -> None:
            """The costliest shared module left goes next (xdist orders units by their number of tests)."""
            if self._shared is None:
                self._shared = sorted((scope for scope in self.workqueue if "::" not in scope
                                       and shared_fixture_rank(Path(scope).stem) is not None),
                                      key=lambda scope: shared_fixture_rank(Path(scope).stem) or 0.0)
            while self._shared and self._shared[0] not in self.workqueue:
                self._shared.pop(0)
            if self._shared:
                self.workqueue.move_to_end(self._shared.pop(0), last=False)
            super()._assign_work_unit(node)

    return SharedFixtureScheduling(config, log)
