"""The tests every holdout module (tests/test_holdout_second.py and later) runs, made once for its corpus.

A module calls `holdout_checks(...)` with its entries, its hand judgement and its tables of what fails today, and
puts what comes back into its namespace: the `graded` fixture (every entry graded once through the real engine)
and four tests. Every entry must lose marks on its own function and on no other; no failed check may give a
FALSE hint (a claim whose text holds none of the entry's keywords, read as `feedback_reading.judge_entry`
does); the named rates, by keywords and by hand, are printed and written to `holdout-<name>-summary.json` (in
`$CALCGRADE_HOLDOUT_SUMMARY` if set, else in pytest's temporary folder) and must reach the module's floors,
the rates measured at its first grading.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from feedback_reading import Graded, HandJudgement, Verdict, grade_each, holdout_summary, judge_entry, report_summary

from grader import kit
from grader.curriculum import DECLARED


def holdout_checks(name: str, mistakes: Sequence[Any], earlier: Sequence[Any], hand: HandJudgement,
                   floors: tuple[float, float], *, keeps_marks: Mapping[str, str] = {},
                   false_hint: Mapping[str, str] = {}, costs_callers: Mapping[str, str] = {}) -> dict[str, Any]:
    """The fixture and tests of the holdout `name` ("second", ...): `mistakes` its entries, `earlier` every
    entry of the holdouts before it (ids must not repeat), `floors` the named rates (by keywords, by hand)
    measured at its first grading; the three tables name, per entry id, why it fails that test today (xfail,
    not strict: a fix shows as XPASS)."""
    named_at_least, named_by_hand_at_least = floors

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
