"""The tests every holdout module (tests/test_holdout_second.py and later) runs, made once for its corpus.

A module declares its floors, its hand judgement and its tables of what fails today, then puts what
`holdout_checks(name, globals())` gives back into its namespace: the `graded` fixture (every entry graded once
through the real engine) and four tests. Every entry must lose marks on its own function and on no other; no
failed check may give a FALSE hint (a claim whose text holds none of the entry's keywords, read as
`feedback_reading.judge_entry` does); the named rates, by keywords and by hand, are printed and written to
`holdout-<name>-summary.json` (in `$CALCGRADE_HOLDOUT_SUMMARY` if set, else in pytest's temporary folder) and must
reach the module's floors, the rates measured at its first grading.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from feedback_reading import Graded, HandJudgement, Verdict, grade_each, holdout_summary, judge_entry, report_summary

from grader import kit
from grader.curriculum import DECLARED

sys.path.insert(0, str(Path(__file__).resolve().parent / "holdout"))
import holdout_data  # noqa: E402

TABLES = {"NAMED_AT_LEAST", "NAMED_BY_HAND_AT_LEAST", "HAND_JUDGED_NOT_FALSE", "HAND_JUDGED_NOT_NAMED",
          "HAND_JUDGED_FALSE", "KEEPS_MARKS_TODAY", "FALSE_HINT_TODAY", "COSTS_CALLERS_TODAY"}


def holdout_checks(name: str, tables: Mapping[str, Any]) -> dict[str, Any]:
    """The fixture and tests of the holdout `name` ("second", ...: its entries are `tests/holdout/<name>/`, and
    the entries of the holdouts written before it must not repeat an id), from the module's `tables`, by name:
    `NAMED_AT_LEAST` and `NAMED_BY_HAND_AT_LEAST`, the named rates measured at its first grading; the hand
    judgement `HAND_JUDGED_NOT_FALSE`, `HAND_JUDGED_NOT_NAMED` and `HAND_JUDGED_FALSE` (`feedback_reading.
    HandJudgement`); and `KEEPS_MARKS_TODAY`, `FALSE_HINT_TODAY` and `COSTS_CALLERS_TODAY`, which name, per entry
    id, why it fails that test today (xfail, not strict: a fix shows as XPASS). A table left out is empty."""
    misspelt = {key for key in tables if key.startswith(("NAMED_", "HAND_JUDGED_")) or key.endswith("_TODAY")} - TABLES
    assert not misspelt, f"not a table holdout_checks reads: {sorted(misspelt)}"
    folder = holdout_data.HOLDOUT_DIR / name
    mistakes, earlier = holdout_data.load(folder), holdout_data.written_before(folder)
    hand = HandJudgement(tables.get("HAND_JUDGED_NOT_FALSE", {}), tables.get("HAND_JUDGED_NOT_NAMED", frozenset()),
                         tables.get("HAND_JUDGED_FALSE", {}))
    keeps_marks, false_hint, costs_callers = (tables.get(f"{table}_TODAY", {})
                                              for table in ("KEEPS_MARKS", "FALSE_HINT", "COSTS_CALLERS"))
    named_at_least, named_by_hand_at_least = tables["NAMED_AT_LEAST"], tables["NAMED_BY_HAND_AT_LEAST"]

    def verdict(entry: Any, graded: Graded) -> Verdict:
        return judge_entry(entry, graded, hand)

    def marked(failing: Mapping[str, str]) -> list[Any]:
        return [pytest.param(entry, id=entry.id, marks=pytest.mark.xfail(strict=False, reason=failing[entry.id]))
                if entry.id in failing else pytest.param(entry, id=entry.id) for entry in mistakes]

    @pytest.fixture(scope="module")
    def graded(sandbox) -> dict[str, Graded]:
        """Every entry graded once (public and hidden checks, every declared exercise of its module), by id."""
        return grade_each(sandbox, mistakes, DECLARED)

    def test_ids_unique_over_all_holdouts() -> None:
        assert not {entry.id for entry in earlier} & {entry.id for entry in mistakes}
        assert {entry.module for entry in mistakes} == set(kit.ALL_MODULES)

    @pytest.mark.parametrize("entry", marked(keeps_marks))
    def test_mistake_loses_marks_on_its_own_function(graded, entry: Any) -> None:
        v = verdict(entry, graded[entry.id])
        assert v.loses_marks, f"{entry.what}: kept all {v.own_points} points"

    @pytest.mark.parametrize("entry", marked(costs_callers))
    def test_mistake_costs_no_other_function(graded, entry: Any) -> None:
        v = verdict(entry, graded[entry.id])
        assert not v.others_losing, (entry.what, v.others_losing)

    @pytest.mark.parametrize("entry", marked(false_hint))
    def test_no_false_hint(graded, entry: Any) -> None:
        v = verdict(entry, graded[entry.id])
        assert not v.false_hints, (entry.what, entry.keywords, v.false_hints)

    def test_summary(graded, tmp_path_factory, capsys) -> None:
        data = holdout_summary(mistakes, {entry.id: verdict(entry, graded[entry.id]) for entry in mistakes},
                               kit.ALL_MODULES)
        folder = Path(os.environ.get("CALCGRADE_HOLDOUT_SUMMARY", "") or tmp_path_factory.getbasetemp())
        with capsys.disabled():
            print(report_summary(name, data, folder))
        assert data["named rate"] >= named_at_least
        assert data["named by hand rate"] >= named_by_hand_at_least

    tests = (test_ids_unique_over_all_holdouts, test_mistake_loses_marks_on_its_own_function,
             test_mistake_costs_no_other_function, test_no_false_hint, test_summary)
    return {"graded": graded, **{f"test_{name}_holdout_{test.__name__.removeprefix('test_')}": test for test in tests}}
