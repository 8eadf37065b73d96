"""The suite's own scheduling (tests/conftest.py): a module that grades a corpus once in a module-scoped fixture runs
whole on one worker, or each worker running one of its tests grades the whole corpus again."""

from __future__ import annotations

from pathlib import Path

from conftest import SHARED_FIXTURE_MODULES, shared_fixture_rank

TESTS = Path(__file__).resolve().parent


def test_every_module_grading_a_corpus_once_runs_on_one_worker():
    """Every holdout after the fifteenth was split test by test over both workers, each grading its entries."""
    grading = [path.stem for path in TESTS.glob("test_*.py") if path.stem.startswith("test_holdout")
               or "\nfrom holdout_checks import" in path.read_text(encoding="utf-8") or path.stem == "test_corpus"]
    assert len(grading) > 40
    assert [module for module in grading if shared_fixture_rank(module) is None] == []


def test_the_named_modules_exist_and_come_first():
    assert all((TESTS / f"{module}.py").exists() for module in SHARED_FIXTURE_MODULES)
    unnamed = shared_fixture_rank("test_holdout_fortyfirst")
    assert unnamed is not None and shared_fixture_rank("test_nbgrader") < unnamed < shared_fixture_rank("test_report")
    assert shared_fixture_rank("test_kit") is None
