"""The independent corpus (tests/corpus/) through the real engine: how the grader does on answers it has never seen.

Every correct entry (real code by other people, adapted to the contract) must keep full marks; every mistake
(not in the curriculum's list) must lose marks on its own function and nowhere else. The test also measures how
often the feedback names the mistake (one of the entry's keywords in the hint) and how often it gives a FALSE
hint (a known mistake or a constant factor that is not what the entry did), prints both and writes them to
`corpus-summary.json` (in the folder `$CALCGRADE_CORPUS_SUMMARY` if set, else in pytest's temporary folder).
The issue's targets are NAMED_TARGET and FALSE_HINTS_TARGET; the floors asserted today are in THRESHOLDS, to be
tightened as the diagnosis improves. Entries that fail a test today are listed in tests/corpus/known_gaps.toml
and marked xfail (not strict), so a fix shows as XPASS.

Every entry is graded once (the reference module with that one function replaced, public and hidden checks, one
shared sandbox); the tests only read the results.
"""

from __future__ import annotations

import ast
import json
import os
import sys
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from feedback_reading import claims, feedback_text, names_it

from grader import kit
from grader.curriculum import EXERCISES
from grader.curriculum.common import parent_call
from grader.engine import grade_sources, plan
from grader.spec import Exercise, SubmissionResult

sys.path.insert(0, str(Path(__file__).resolve().parent / "corpus"))
from corpus_data import Correct, Mistake, load  # noqa: E402

CORRECT, MISTAKES = load()
BY_KEY = {exercise.key: exercise for exercise in EXERCISES}

# ----- thresholds: the one place to tighten --------------------------------------------------------------
NAMED_TARGET = 0.80  # issue 10: the feedback names at least 80% of the corpus's mistakes
FALSE_HINTS_TARGET = 0  # issue 10: no wrong answer gets a hint naming a mistake it did not make
THRESHOLDS = {
    # measured today: 83 of 102 named by keywords (a known mistake only where the answers show it, the formula
    # read symbolically, a generic operator on the reference's behaviour, or the one or two edits of the
    # student's own code that make every check pass); never lowered
    "named_at_least": 0.80,
    "false_hints_at_most": 0,  # measured today: 0 of 102 entries (48 two rounds ago)
}

# ----- what fails today, named per entry (xfail, not strict: a fix shows as XPASS) ---------------------------
# The lists are in tests/corpus/known_gaps.toml, measured with the grader of the commit that last changed them.
CHECKS_DO_NOT_DISCRIMINATE = "no check tells this mistake apart from the reference yet (issue 10, item 1)"
SAME_AS_LISTED_ON_THE_CHECKS = "differs from a listed mistake, but not on any public check (issue 10, item 1)"
with open(Path(__file__).resolve().parent / "corpus" / "known_gaps.toml", "rb") as _gaps_file:
    _GAPS = tomllib.load(_gaps_file)
NOT_LOSING_MARKS_TODAY: set[str] = set(_GAPS["not_losing_marks"])
NOT_NAMED_TODAY: set[str] = set(_GAPS["not_named"])
FALSE_HINT_TODAY: set[str] = set(_GAPS["false_hint"])
SAME_AS_LISTED_TODAY: set[str] = set(_GAPS["same_as_listed_on_the_checks"])
COSTS_ITS_CALLERS_TODAY: set[str] = set(_GAPS["costs_its_callers"])
CARRIED_FORWARD = "a wrong function costs the functions that call it (error carried forward: issue 10, item 4)"


# ----- grading, once per entry -----------------------------------------------------------------------------


def _module_exercises(module: str) -> list[Exercise]:
    return [exercise for exercise in EXERCISES if exercise.module == module]


@cache
def dependents(module: str, function: str) -> frozenset[str]:
    """The exercises of `module` whose reference solution calls `function`, directly or through another."""
    tree = ast.parse(kit.solution_source(module))
    names = {exercise.function for exercise in _module_exercises(module)}
    calls: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in names:
            calls[node.name] = {n.func.id for n in ast.walk(node)
                                if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)} & names
    found: set[str] = set()
    frontier = {function}
    while frontier:
        frontier = {caller for caller, callees in calls.items() if callees & frontier} - found
        found |= frontier
    return frozenset(f"{module}.{name}" for name in found - {function})


@dataclass(frozen=True)
class Graded:
    own: str  # "module.function" of the replaced function
    result: SubmissionResult


_GRADED: dict[int, Graded] = {}


@pytest.fixture(scope="module")
def graded(sandbox):
    """Every entry graded once (public and hidden checks), keyed by id(entry)."""
    for entry in (*CORRECT, *MISTAKES):
        source = kit.variant_source(entry.module, entry.function, entry.body)
        result = grade_sources({entry.module: source}, sandbox, student=f"corpus-{entry.function}", hidden=True,
                               course_seed="corpus", exercises=_module_exercises(entry.module))
        _GRADED[id(entry)] = Graded(f"{entry.module}.{entry.function}", result)
    return _GRADED


# ----- reading the feedback ----------------------------------------------------------------------------------


# Claims whose keywords missed but whose text, read by hand, names the mistake rightly (keywords are never edited
# after a hint was seen): the claim is not false while its text still holds this fragment of the hint judged.
HAND_JUDGED_NOT_FALSE: dict[str, str] = {
    "tangent_line-f-at-zero": "the intercept is computed as if x0 were 0",
    "df_wave-exp-sign": "changing `x ** 2 / 2` to `-(x ** 2 / 2)`",
    "numerical_derivative-ignores-h": "changing `1e-05` to `h`",
    "tangent_line-slope-times-f": "changing `f(x0)` to `x0`",
    "dg_dx-sign-of-cos-term": "the term y·cos(x·y) with the wrong sign",
    "dg_dy-first-term-wrt-x": "your answer has 2x·y where the right one has x²",
    "dg_dy-sign-of-cos-term": "the term x·cos(x·y) with the wrong sign",
    "gradient-one-entry-short": "your loop runs one time fewer than it should",
    "gradient-fixed-index": "changing `partial_derivative(f, point, 0, h)` to `partial_derivative(f, point, i, h)`",
    "gradient-step-not-reset": "moving `step = np.zeros_like(p)`",
    "hessian-upper-triangle-only": "changing `range(i, n)` to `range(n)`",
    "classify-eigenvectors": "the two values unpacked are swapped",
    "error_profile_slope-ignores-c": "changing `sse(m, 0.0, x, y)` to `sse(m, c, x, y)`",
    "error_surface-aliased-rows": "moving `row = [0.0] * len(slopes)`",
    "best_fit_on_grid-flat-index": "to `len(slopes)`",
    "gradient_step-divides": "`/` where `*` belongs",
    "gradient_descent-extra-step": "changing `range(n_steps + 1)` to `range(n_steps)`",
    "gradient_step-first-weight-only": "only one of your weights is updated",
    "sse_gradient-product-of-sums": "a product of two sums is not the sum of the products",
    "least_squares_fit-x-on-y": "changing `y - y.mean()` to `x - x.mean()`",
}


@dataclass(frozen=True)
class Verdict:
    own_score: float
    own_points: float
    elsewhere_lost: tuple[str, ...]  # exercises (not calling the replaced one) that lost marks
    dependents_lost: tuple[str, ...]  # exercises calling the replaced one that lost marks
    named: bool
    false_hints: tuple[str, ...]  # "exercise: label: diagnosis" of every false hint


def verdict(entry: Mistake, graded: Graded) -> Verdict:
    own = graded.result.exercise(graded.own)
    failed = [check for check in own.checks if not check.passed]
    named = any(names_it(feedback_text(check), entry.keywords) for check in failed)
    judged_right = HAND_JUDGED_NOT_FALSE.get(entry.id, "\0").lower()
    false = [f"{check.name}: {check.diagnosis}" for check in failed
             if claims(check) and not names_it(feedback_text(check), entry.keywords)
             and judged_right not in feedback_text(check)]
    callers = dependents(entry.module, entry.function)
    elsewhere, dependent = [], []
    for result in graded.result.exercises:
        if result.exercise == graded.own or result.score >= result.max_score - 1e-9:
            continue
        (dependent if result.exercise in callers else elsewhere).append(result.exercise)
        false += [f"{check.name}: {check.diagnosis}" for check in result.checks
                  if not check.passed and claims(check) and not names_it(feedback_text(check), entry.keywords)
                  and judged_right not in feedback_text(check)]
    return Verdict(own.score, own.max_score, tuple(elsewhere), tuple(dependent), named, tuple(false))


def _failures(result: SubmissionResult) -> list[tuple[str, str]]:
    return [(check.name, check.student_message) for exercise in result.exercises for check in exercise.checks
            if not check.passed]


# ----- the tests ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("entry", CORRECT, ids=[entry.id for entry in CORRECT])
def test_real_correct_code_keeps_full_marks(graded, entry: Correct):
    result = graded[id(entry)].result
    assert result.score == pytest.approx(result.max_score), _failures(result)


def _marked(entries: list[Mistake], failing: set[str], reason: str):
    return [pytest.param(entry, id=entry.id, marks=pytest.mark.xfail(strict=False, reason=reason))
            if entry.id in failing else pytest.param(entry, id=entry.id) for entry in entries]


@pytest.mark.parametrize("entry", _marked(MISTAKES, NOT_LOSING_MARKS_TODAY, CHECKS_DO_NOT_DISCRIMINATE))
def test_mistake_loses_marks_on_its_own_function(graded, entry: Mistake):
    v = verdict(entry, graded[id(entry)])
    assert v.own_score < v.own_points - 1e-9, f"{entry.what}: kept all {v.own_points} points"


@pytest.mark.parametrize("entry", MISTAKES, ids=[entry.id for entry in MISTAKES])
def test_mistake_costs_nothing_elsewhere(graded, entry: Mistake):
    """Exercises that do not call the wrong function keep every mark."""
    v = verdict(entry, graded[id(entry)])
    assert not v.elsewhere_lost, f"{entry.what}: also cost {v.elsewhere_lost}"


WITH_CALLERS = [entry for entry in MISTAKES if dependents(entry.module, entry.function)]


@pytest.mark.parametrize("entry", _marked(WITH_CALLERS, COSTS_ITS_CALLERS_TODAY, CARRIED_FORWARD))
def test_mistake_costs_nothing_in_the_functions_that_call_it(graded, entry: Mistake):
    v = verdict(entry, graded[id(entry)])
    assert not v.dependents_lost, f"{entry.what}: also cost {v.dependents_lost}"


@pytest.mark.parametrize("entry", _marked(MISTAKES, NOT_NAMED_TODAY, "the feedback does not name this mistake yet "
                                          "(issue 10, items 2 and 3)"))
def test_feedback_names_the_mistake(graded, entry: Mistake):
    v = verdict(entry, graded[id(entry)])
    result = graded[id(entry)].result.exercise(graded[id(entry)].own)
    assert v.named, (entry.what, entry.keywords, [feedback_text(c) for c in result.checks if not c.passed][:2])


@pytest.mark.parametrize("entry", _marked(MISTAKES, FALSE_HINT_TODAY, "a false hint today (issue 10, item 2)"))
def test_no_false_hint(graded, entry: Mistake):
    v = verdict(entry, graded[id(entry)])
    assert not v.false_hints, (entry.what, v.false_hints)


def _judged_named(entry: Mistake, graded: Graded) -> bool:
    """A failed check still says what the hand judgement read as naming the mistake (HAND_JUDGED_NOT_FALSE)."""
    fragment = HAND_JUDGED_NOT_FALSE.get(entry.id)
    own = graded.result.exercise(graded.own)
    return fragment is not None and any(fragment.lower() in feedback_text(check) for check in own.checks
                                        if not check.passed)


def summary(graded) -> dict:
    verdicts = {entry.id: verdict(entry, graded[id(entry)]) for entry in MISTAKES}
    correct_full = sum(graded[id(entry)].result.score == pytest.approx(graded[id(entry)].result.max_score)
                       for entry in CORRECT)
    named = sorted(key for key, v in verdicts.items() if v.named)
    false = {key: list(v.false_hints) for key, v in verdicts.items() if v.false_hints}
    return {
        "correct entries": len(CORRECT),
        "correct keeping full marks": correct_full,
        "mistakes": len(MISTAKES),
        "mistakes losing marks on their function": sum(v.own_score < v.own_points - 1e-9 for v in verdicts.values()),
        "mistakes costing marks elsewhere (not a caller)": sorted(k for k, v in verdicts.items() if v.elsewhere_lost),
        "mistakes costing marks in a caller": sorted(k for k, v in verdicts.items() if v.dependents_lost),
        "named": len(named),
        "named by keywords or as judged by hand": sum(v.named or _judged_named(entry, graded[id(entry)])
                                                      for entry, v in zip(MISTAKES, verdicts.values(), strict=True)),
        "explained by an edit of the student's code": sum(
            any(check.diagnosis.startswith("repair:") for check in graded[id(entry)].result.exercise(
                graded[id(entry)].own).checks) for entry in MISTAKES),
        "named rate": round(len(named) / len(MISTAKES), 3),
        "entries with a false hint": len(false),
        "not losing marks": sorted(k for k, v in verdicts.items() if v.own_score >= v.own_points - 1e-9),
        "not named": sorted(k for k, v in verdicts.items() if not v.named),
        "false hints": false,
    }


def test_corpus_summary(graded, tmp_path_factory, capsys):
    data = summary(graded)
    folder = Path(os.environ.get("CALCGRADE_CORPUS_SUMMARY", "") or tmp_path_factory.getbasetemp())
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "corpus-summary.json").write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    with capsys.disabled():
        print(f"\ncorpus: {data['correct entries']} correct ({data['correct keeping full marks']} keep full marks), "
              f"{data['mistakes']} mistakes ({data['mistakes losing marks on their function']} lose marks); "
              f"named {data['named']}/{data['mistakes']} ({data['named rate']:.0%}, target {NAMED_TARGET:.0%}) by "
              f"keywords, {data['named by keywords or as judged by hand']} with the hand judgement; "
              f"false hints on {data['entries with a false hint']} (target {FALSE_HINTS_TARGET}); "
              f"details: {folder / 'corpus-summary.json'}")
    assert data["named rate"] >= THRESHOLDS["named_at_least"]
    assert data["entries with a false hint"] <= THRESHOLDS["false_hints_at_most"]


# ----- the corpus measures generalisation: its mistakes are not the curriculum's -----------------------------


def _values(module: str, function: str, body: str, exercise: Exercise) -> list:
    out = []
    for p in plan([exercise], hidden=False):
        try:
            with np.errstate(all="ignore"):
                value = parent_call(kit.variant_function(module, function, body), p.case)
            out.append(np.asarray(value, dtype=float) if not isinstance(value, str) else value)
        except Exception:  # noqa: BLE001 - a mistake may fail on some inputs
            out.append(None)
    return out


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True))


@pytest.mark.parametrize("entry", _marked(MISTAKES, SAME_AS_LISTED_TODAY, SAME_AS_LISTED_ON_THE_CHECKS))
def test_corpus_mistake_is_not_a_listed_mistake(entry: Mistake):
    exercise = BY_KEY[f"{entry.module}.{entry.function}"]
    ours = _values(entry.module, entry.function, entry.body, exercise)
    for misconception in exercise.misconceptions:
        theirs = _values(entry.module, entry.function, misconception.body, exercise)
        assert not all(_same(a, b) for a, b in zip(ours, theirs, strict=True)), \
            f"{entry.id} behaves as the listed mistake {misconception.name!r} on every public check"
