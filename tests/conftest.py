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
# fresh venvs, a venv for the walls, the corpus graded once, batches run as subprocesses).
SHARED_FIXTURE_MODULES = frozenset({"test_nbgrader", "test_install", "test_confine", "test_corpus", "test_holdout",
                                    "test_holdout_second", "test_holdout_third", "test_cli", "test_gradescope",
                                    "test_release", "test_report"})


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under `--dist loadgroup` (`make test`): each module of SHARED_FIXTURE_MODULES runs whole on one worker, so
    its fixtures are built once, and is handed out first (the largest units first); every other test is a unit
    of its own. The scheduler does this itself: xdist 3.8 marks a group by rewriting `item._nodeid`, which
    pytest 9 no longer reads, so `xdist_group` marks are ignored there."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if Path(module).stem in SHARED_FIXTURE_MODULES else nodeid

    return SharedFixtureScheduling(config, log)
