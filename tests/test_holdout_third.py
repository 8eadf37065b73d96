"""The third holdout corpus (tests/holdout/third/) through the real engine, as tests/test_holdout_second.py does
the second, reading the feedback as it does (tests/feedback_reading.py).

Written later still and independently of the first two, over all five modules (neural_network's declared exercises
graded too). Every entry must lose marks on its own function and on no other; no failed check may give a FALSE
hint, by the same definition: a claim (a listed mistake, a fitted constant factor, a formula finding, a behavioural
operator or a `repair:`) whose text contains none of the entry's keywords. The named rates, by keywords and by
hand, are printed and written to `holdout-third-summary.json` (in `$CALCGRADE_HOLDOUT_SUMMARY` if set, else in
pytest's temporary folder); the floors are the rates measured at the first grading, never a target. Keywords were
fixed and committed before any feedback was seen and are never edited; tests/holdout/third/JUDGED.md holds the
judgement by hand of every entry, carried below in tables.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from feedback_reading import Graded, claims, feedback_text, grade_each, names_it

from grader import kit
from grader.curriculum import DECLARED

sys.path.insert(0, str(Path(__file__).resolve().parent / "holdout"))
from holdout_data import SECOND_DIR, THIRD_DIR, Mistake, load  # noqa: E402

MISTAKES = load(THIRD_DIR)

# Measured at the first grading, not a target: 64 of 80 named by keywords, 68 by hand (JUDGED.md).
NAMED_AT_LEAST = 0.80
NAMED_BY_HAND_AT_LEAST = 0.85

# The judgement by hand (JUDGED.md), kept apart from the entries' keywords, which are never edited after a hint
# was seen. A claim whose keywords missed but whose text, read by hand, names the mistake rightly: this fragment.
HAND_JUDGED_NOT_FALSE: dict[str, str] = {
    "h3_dsig_denominator_not_squared": "your answer keeps the power −1",  # the power rule's framing of the square
    "h3_grad_off_by_one": "your loop runs one time fewer than it should",
    "h3_grad_fixed_axis": "a fixed number where `i` belongs",
    "h3_sseg_missing_two": "the power rule brings down a 2",
    "h3_sseg_no_x_factor": "multiplied by its x_i",
    "h3_db_loop_no_two": "the square brings down a 2",
    "h3_ste_counts_from_zero": "the first update is step 1",
}
# Named by keywords, but not by hand: the keyword matched only the problem line (Python's IndexError and the code
# line it quotes; the note of which output is off), with no hint.
HAND_JUDGED_NOT_NAMED: frozenset[str] = frozenset({"h3_surface_loop_indices_swapped", "h3_pws_no_abs"})
# Hints judged false or misleading by hand: the fragment judged so (caught whatever the keywords say).
HAND_JUDGED_FALSE: dict[str, str] = {
    # MISLEADING when first graded, fixed as a class since (the fragment no longer appears): `row, col =
    # np.unravel_index(...)` is right; the slip is `slopes[row]`, `intercepts[col]`, and the hint blamed the
    # unpacking alone. Two names swapped within one statement are a repair too now: both places are shown, the
    # unpacking and the indexing, and neither is claimed.
    "h3_best_indices_swapped": "the two values unpacked are swapped",
}
# What fails today, named per entry (xfail, not strict: a fix shows as XPASS).
KEEPS_MARKS_TODAY: dict[str, str] = {}  # every entry loses marks on its own function
FALSE_HINT_TODAY: dict[str, str] = {}  # the one misleading hint judged is fixed
COSTS_CALLERS_TODAY: dict[str, str] = {
    "h3_pd_all_coordinates": "gradient: partial_derivative's answers are not explained",
    "h3_surface_ij_indexing": "best_fit_on_grid fails too on a non-square grid (its note says so)",
    "h3_surface_loop_indices_swapped": "best_fit_on_grid: error_surface raises IndexError on a non-square grid",
    "h3_neuron_bias_outside": "train_neuron: returns nan on a check (neuron's answers are not explained)",
    "h3_dw_sigmoid_derivative_at_x": "train_neuron, per_weight_steps: dloss_dw's answers are not explained",
    "h3_dw_mean_and_no_two": "train_neuron, per_weight_steps: dloss_dw's answers are not explained",
}


@pytest.fixture(scope="module")
def graded(sandbox) -> dict[str, Graded]:
    """Every entry graded once (public and hidden checks, every declared exercise of its module), keyed by id."""
    return grade_each(sandbox, MISTAKES, DECLARED)


@dataclass(frozen=True)
class Verdict:
    own_score: float
    own_points: float
    named: bool  # by keywords
    named_by_hand: bool
    others_losing: tuple[str, ...]  # other functions of the module that lose marks
    hints: tuple[str, ...]  # "check: [diagnosis] text" of every failed check of the own function
    false_hints: tuple[str, ...]


def verdict(entry: Mistake, graded: Graded) -> Verdict:
    own = graded.result.exercise(graded.own)
    failed = [check for check in own.checks if not check.passed]
    texts = [feedback_text(check) for check in failed]
    named = any(names_it(text, entry.keywords) for text in texts)
    judged_right = HAND_JUDGED_NOT_FALSE.get(entry.id, "\0").lower()
    misleading = HAND_JUDGED_FALSE.get(entry.id, "\0").lower()
    false = [f"{check.name}: {check.diagnosis}: {feedback_text(check)}"
             for result in graded.result.exercises for check in result.checks
             if not check.passed and claims(check) and not names_it(feedback_text(check), entry.keywords)
             and judged_right not in feedback_text(check)]
    false += [f"{check.name}: {check.diagnosis}: {text}" for check, text in zip(failed, texts, strict=True)
              if misleading in text]
    judged_named = any(judged_right in text for text in texts)
    misled = any(misleading in text for text in texts)
    by_hand = (named and entry.id not in HAND_JUDGED_NOT_NAMED and not misled) or judged_named
    others = tuple(result.exercise for result in graded.result.exercises
                   if result.exercise != graded.own and result.score < result.max_score - 1e-9)
    hints = tuple(f"{check.name}: [{check.diagnosis}] {text}" for check, text in zip(failed, texts, strict=True))
    return Verdict(own.score, own.max_score, named, by_hand, others, hints, tuple(false))


def _marked(failing: dict[str, str]):
    return [pytest.param(entry, id=entry.id, marks=pytest.mark.xfail(strict=False, reason=failing[entry.id]))
            if entry.id in failing else pytest.param(entry, id=entry.id) for entry in MISTAKES]


def test_third_holdout_ids_unique_over_all_holdouts():
    earlier = {entry.id for entry in load()} | {entry.id for entry in load(SECOND_DIR)}
    assert not earlier & {entry.id for entry in MISTAKES}
    assert {entry.module for entry in MISTAKES} == set(kit.ALL_MODULES)
    assert sum(entry.slips > 1 for entry in MISTAKES) <= 10


@pytest.mark.parametrize("entry", _marked(KEEPS_MARKS_TODAY))
def test_third_holdout_mistake_loses_marks_on_its_own_function(graded, entry: Mistake):
    v = verdict(entry, graded[entry.id])
    assert v.own_score < v.own_points - 1e-9, f"{entry.what}: kept all {v.own_points} points"


@pytest.mark.parametrize("entry", _marked(COSTS_CALLERS_TODAY))
def test_third_holdout_mistake_costs_no_other_function(graded, entry: Mistake):
    v = verdict(entry, graded[entry.id])
    assert not v.others_losing, (entry.what, v.others_losing)


@pytest.mark.parametrize("entry", _marked(FALSE_HINT_TODAY))
def test_third_holdout_no_false_hint(graded, entry: Mistake):
    v = verdict(entry, graded[entry.id])
    assert not v.false_hints, (entry.what, entry.keywords, v.false_hints)


def summary(graded) -> dict:
    verdicts = {entry.id: verdict(entry, graded[entry.id]) for entry in MISTAKES}
    named = sorted(key for key, v in verdicts.items() if v.named)
    by_hand = sorted(key for key, v in verdicts.items() if v.named_by_hand)
    return {
        "mistakes": len(MISTAKES),
        "losing marks on their function": sum(v.own_score < v.own_points - 1e-9 for v in verdicts.values()),
        "named": len(named),
        "named rate": round(len(named) / len(MISTAKES), 3),
        "named by hand": len(by_hand),
        "named by hand rate": round(len(by_hand) / len(MISTAKES), 3),
        "entries with a false hint": sorted(k for k, v in verdicts.items() if v.false_hints),
        "not losing marks": sorted(k for k, v in verdicts.items() if v.own_score >= v.own_points - 1e-9),
        "costing other functions": {k: list(v.others_losing) for k, v in verdicts.items() if v.others_losing},
        "not named": sorted(k for k, v in verdicts.items() if not v.named),
        "not named by hand": sorted(k for k, v in verdicts.items() if not v.named_by_hand),
        "per module": {module: {
            "entries": sum(e.module == module for e in MISTAKES),
            "lose marks": sum(e.module == module and verdicts[e.id].own_score < verdicts[e.id].own_points - 1e-9
                              for e in MISTAKES),
            "named": sum(e.module == module and verdicts[e.id].named for e in MISTAKES),
            "named by hand": sum(e.module == module and verdicts[e.id].named_by_hand for e in MISTAKES),
            "false hint": sum(e.module == module and bool(verdicts[e.id].false_hints) for e in MISTAKES),
            "costs callers": sum(e.module == module and bool(verdicts[e.id].others_losing) for e in MISTAKES),
        } for module in kit.ALL_MODULES},
        "hints": {key: list(v.hints) for key, v in verdicts.items()},
        "false hints": {key: list(v.false_hints) for key, v in verdicts.items() if v.false_hints},
    }


def test_third_holdout_summary(graded, tmp_path_factory, capsys):
    data = summary(graded)
    folder = Path(os.environ.get("CALCGRADE_HOLDOUT_SUMMARY", "") or tmp_path_factory.getbasetemp())
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "holdout-third-summary.json").write_text(json.dumps(data, indent=1, ensure_ascii=False),
                                                       encoding="utf-8")
    with capsys.disabled():
        print(f"\nthird holdout: {data['mistakes']} mistakes ({data['losing marks on their function']} lose marks, "
              f"{len(data['costing other functions'])} cost other functions); "
              f"named {data['named']}/{data['mistakes']} ({data['named rate']:.0%}) by keywords, "
              f"{data['named by hand']} ({data['named by hand rate']:.0%}) by hand; "
              f"false or misleading hints on {len(data['entries with a false hint'])}; "
              f"details: {folder / 'holdout-third-summary.json'}")
    assert data["named rate"] >= NAMED_AT_LEAST
    assert data["named by hand rate"] >= NAMED_BY_HAND_AT_LEAST
