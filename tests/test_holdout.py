"""The holdout corpus (tests/holdout/) through the real engine: mistakes the grader was never built against.

Every entry must lose marks on its own function. The feedback must never give a FALSE hint: a failed check of the
replaced function (or of any other exercise) whose diagnosis is a claim about what was done (a listed mistake, a
fitted constant factor, a formula finding, a behavioural operator, or an edit of the student's code, `repair:`)
while its text contains none of the entry's keywords. How often the feedback names the mistake (one of the
entry's keywords in a failed check's problem and hint lines) is printed and written to `holdout-summary.json` (in
`$CALCGRADE_HOLDOUT_SUMMARY` if set, else in pytest's temporary folder); the floor asserted is the rate measured,
never a target. Keywords were fixed before any feedback was seen and are never edited; tests/holdout/JUDGED.md
holds the judgement by hand of every entry, and HAND_JUDGED_NOT_FALSE / HAND_JUDGED_FALSE below carry it into the
test (a claim the keywords missed but judged right, a misleading text the keywords did not catch).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from feedback_reading import Graded, claims, feedback_text, grade_each, names_it

from grader.curriculum import EXERCISES

sys.path.insert(0, str(Path(__file__).resolve().parent / "holdout"))
from holdout_data import Mistake, load  # noqa: E402

MISTAKES = load()

# Measured, not a target: 85 of 134 named by keywords when the corpus was first graded (99 by hand, JUDGED.md);
# 94 once the behavioural operators joined and the repair stopped misleading; 96 with the lifted-well check; 97
# once a repair also shows its change in the course's notation; 100 with two more kinds of repair (a `return`
# inside its loop, two arguments swapped), whose classes were chosen knowing three of this corpus's unnamed
# entries: a gain here since then measures less than before (tests/holdout/second/ is the fresh measure).
NAMED_AT_LEAST = 0.74

# The judgement by hand (JUDGED.md), kept apart from the entries' keywords, which are never edited after a hint
# was seen. A claim whose keywords missed but whose text, read by hand, names the mistake rightly: the claim is
# not false while its text still holds this fragment of the hint that was judged.
HAND_JUDGED_NOT_FALSE: dict[str, str] = {
    # judged when the behavioural operators joined (the hint changed, so it was read again)
    "pred_no_intercept": "your function ignores c: it behaves as if c were 0",
    "bos_no_descent": "your function ignores learning_rate",
    "bfg_flat_index_wrong_length": "`b` where `s` belongs",
    "bos_key_df": "your search chooses the candidate by the slope there (the derivative)",  # reread 2026-12-04
    "bos_max_f": "keep the end point with the lowest f",
    "d1_one_fewer": "exactly n_steps updates",
    "d1_one_more": "one time more than it should",
    "dgdx_dropped_y_factor": "misses a factor `y`",
    "dnc_missing_constant": "the term x has derivative 1",
    "dnc_x_term_kept": "your answer has x where the right one has 1",  # read term by term as written, 2026-12-05
    "dpoly_second_derivative": "it has 6x where the right one has −12x",
    "epi_sse_arguments_swapped": "here the slope m is fixed and the intercept varies",
    "eps_running_total": "`total = 0.0` runs once, before the loop",
    "es_loop_transposed": "rows must follow the intercepts and columns the slopes",
    "es_meshgrid_ij": "rows must follow the intercepts and columns the slopes",
    "es_reused_row_list": "`row = [0.0] * len(slopes)` runs once, before the loop",
    "grad_always_axis_0": "a fixed number where the loop's index `i` belongs",
    "grad_range_stops_early": "one time fewer than it should",
    "hess_diagonal_three_point_quarter": "an extra factor: `4` does not belong",
    "hess_divides_by_h2": "a constant factor is off",
    "hess_upper_triangle_only": "changing `range(i, n)` to `range(n)`",
    "lsq_regress_x_on_y": "`dy` where `dx` belongs",
    "lsq_uncentred_denominator": "`x` where `dx` belongs",
    "nd_half_steps": "an extra division by `2`",
    "pd_forward_difference": "step to both sides of the point",
    "pred_slope_intercept_swapped": "m is the slope (it multiplies x); c is the intercept",
    "sg_m_component_missing_x": "multiplied by its x_i",
    "wave_misplaced_parenthesis": "belongs inside the function's argument",
}
# Hints judged false or misleading by hand whose text the keywords did not catch: the fragment judged misleading.
HAND_JUDGED_FALSE: dict[str, str] = {
    "dsig_exp_positive_numerator": "this minus does not belong",  # blamed the denominator's correct minus (both
    # places are now shown, neither blamed)
    "dgdy_power_rule_on_constant": "a fixed number where `x` belongs",  # the slip is differentiating x²
}
# What fails today, named per entry (xfail, not strict: a fix shows as XPASS).
KEEPS_MARKS_TODAY: dict[str, str] = {}  # grad_h_not_passed loses marks since gradient's check with h=0.5
FALSE_HINT_TODAY: set[str] = set()  # bos_closest_to_zero's listed-mistake hint ended with best_of_starts' check
# on a well lifted above zero


@pytest.fixture(scope="module")
def graded(sandbox) -> dict[str, Graded]:
    """Every entry graded once (public and hidden checks, every course exercise of its module), keyed by id."""
    return grade_each(sandbox, MISTAKES, EXERCISES)




@dataclass(frozen=True)
class Verdict:
    own_score: float
    own_points: float
    named: bool
    hints: tuple[str, ...]  # "check: diagnosis: text" of every failed check of the own function
    false_hints: tuple[str, ...]


def verdict(entry: Mistake, graded: Graded) -> Verdict:
    own = graded.result.exercise(graded.own)
    failed = [check for check in own.checks if not check.passed]
    named = any(names_it(feedback_text(check), entry.keywords) for check in failed)
    judged_right = HAND_JUDGED_NOT_FALSE.get(entry.id, "\0").lower()
    false = [f"{check.name}: {check.diagnosis}: {feedback_text(check)}"
             for result in graded.result.exercises for check in result.checks
             if not check.passed and claims(check) and not names_it(feedback_text(check), entry.keywords)
             and judged_right not in feedback_text(check)]
    misleading = HAND_JUDGED_FALSE.get(entry.id, "\0").lower()
    false += [f"{check.name}: {check.diagnosis}: {feedback_text(check)}" for check in failed
              if misleading in feedback_text(check)]
    hints = tuple(f"{check.name}: [{check.diagnosis}] {feedback_text(check)}" for check in failed)
    return Verdict(own.score, own.max_score, named, hints, tuple(false))


# ----- the tests ------------------------------------------------------------------------------------------------


def _marked(failing, reason: str):
    return [pytest.param(entry, id=entry.id, marks=pytest.mark.xfail(strict=False, reason=reason))
            if entry.id in failing else pytest.param(entry, id=entry.id) for entry in MISTAKES]


@pytest.mark.parametrize("entry", _marked(KEEPS_MARKS_TODAY, "no check tells this mistake apart yet"))
def test_holdout_mistake_loses_marks_on_its_own_function(graded, entry: Mistake):
    v = verdict(entry, graded[entry.id])
    assert v.own_score < v.own_points - 1e-9, f"{entry.what}: kept all {v.own_points} points"


@pytest.mark.parametrize("entry", _marked(FALSE_HINT_TODAY, "a false or misleading hint today (JUDGED.md)"))
def test_holdout_no_false_hint(graded, entry: Mistake):
    v = verdict(entry, graded[entry.id])
    assert not v.false_hints, (entry.what, entry.keywords, v.false_hints)


def _judged_named(entry: Mistake, graded: Graded) -> bool:
    """A failed check still says what the hand judgement read as naming the mistake (HAND_JUDGED_NOT_FALSE)."""
    fragment = HAND_JUDGED_NOT_FALSE.get(entry.id)
    own = graded.result.exercise(graded.own)
    return fragment is not None and any(fragment.lower() in feedback_text(check) for check in own.checks
                                        if not check.passed)


def summary(graded) -> dict:
    verdicts = {entry.id: verdict(entry, graded[entry.id]) for entry in MISTAKES}
    named = sorted(key for key, v in verdicts.items() if v.named)
    return {
        "mistakes": len(MISTAKES),
        "losing marks on their function": sum(v.own_score < v.own_points - 1e-9 for v in verdicts.values()),
        "named": len(named),
        "named rate": round(len(named) / len(MISTAKES), 3),
        "named by keywords or as judged by hand": sum(v.named or _judged_named(entry, graded[entry.id])
                                                      for entry, v in zip(MISTAKES, verdicts.values(), strict=True)),
        "entries with a false hint": sorted(k for k, v in verdicts.items() if v.false_hints),
        "not losing marks": sorted(k for k, v in verdicts.items() if v.own_score >= v.own_points - 1e-9),
        "not named": sorted(k for k, v in verdicts.items() if not v.named),
        "hints": {key: list(v.hints) for key, v in verdicts.items()},
        "false hints": {key: list(v.false_hints) for key, v in verdicts.items() if v.false_hints},
    }


def test_holdout_summary(graded, tmp_path_factory, capsys):
    data = summary(graded)
    folder = Path(os.environ.get("CALCGRADE_HOLDOUT_SUMMARY", "") or tmp_path_factory.getbasetemp())
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "holdout-summary.json").write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    with capsys.disabled():
        print(f"\nholdout: {data['mistakes']} mistakes ({data['losing marks on their function']} lose marks); "
              f"named {data['named']}/{data['mistakes']} ({data['named rate']:.0%}) by keywords, "
              f"{data['named by keywords or as judged by hand']} with the hand judgement; "
              f"false hints on {len(data['entries with a false hint'])} (keywords and hand judgement); "
              f"details: {folder / 'holdout-summary.json'}")
    assert data["named rate"] >= NAMED_AT_LEAST
