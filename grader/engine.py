"""Grading a submission: plan the checks, run the calls in the sandbox, judge each answer.

Public checks draw their inputs from a fixed seed (students see them locally); hidden checks draw
from a seed per course and student, so they differ between students, cannot be hard-coded, and
the same seed reproduces a grading run exactly. Expected values are computed here, in the trusted
parent, after the student's process has answered.

Hidden calls are sent to the submission's child only once every public answer has been read, and only
their status and values are kept: no text that reaches feedback comes from a process that held a hidden
input when it wrote it. Points are earned on hidden inputs: a public check counts only where the hidden check of
the same kind passes too (`count_public_with_hidden`), and an answer that is the same for every input earns
nothing where it happens to be right (`count_only_answers_that_vary`).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import itertools
import re
import time
import traceback
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple, Protocol

import numpy as np

from grader import kit
from grader.compare import (
    HIDDEN_FACTOR,
    PART_FACTORS,
    Diagnosis,
    Expectation,
    Observation,
    Tolerance,
    answer_key,
    compare,
    diagnose_exercise,
    matches,
    parts_off,
    parts_scaled,
)
from grader.diagnosis import AnswerSeen, JudgedCheck, explain_exercise
from grader.feedback import show, show_call, student_message
from grader.plain import Given, to_wire
from grader.sandbox.client import Allowance, Call, Outcome, Sandbox
from grader.sandbox.reflection import difference_in_sources, difference_note, reach_in_sources, review_note
from grader.spec import (
    COUNTED_AWAY,
    GRADER_FAULT,
    STRUCTURES,
    Case,
    Check,
    CheckResult,
    Exercise,
    ExerciseResult,
    HiddenDraws,
    SubmissionResult,
    Visibility,
    split_points,
)
from grader.terminal import shown

PUBLIC_SEED = "calcgrade-public-v1"


class SolutionReferences:
    """The reference solutions, loaded from the kit (trusted code) in this process only."""

    def solution(self, key: str) -> Callable[..., Any]:
        module, function = key.split(".")
        return getattr(kit.solution_module(module), function)


REFERENCES = SolutionReferences()


@dataclass(frozen=True)
class PlannedCheck:
    exercise: Exercise
    label: str
    visibility: Visibility
    case: Case
    max_score: float


class ReferenceProvider(Protocol):
    """Where `judge` takes what it compares with: expected values, the function's signature (to show
    the call and name arguments) and the values of the exercise's known mistakes (to name a mistake)."""

    def expectations(self, p: PlannedCheck) -> list[Expectation]: ...

    def signature(self, exercise: Exercise) -> inspect.Signature: ...

    def mistake_values(self, p: PlannedCheck) -> list[tuple[Diagnosis, Any]]:
        """(known mistake, what it returns on this check's input) for each mistake that returns at all."""
        ...


class LiveReferences:
    """The default `ReferenceProvider`: everything computed now, from the kit's solutions and SymPy.

    Expectations come from each exercise's rules, signatures from the reference solution, and the
    values of known mistakes from the solution with the mistake's body (see `kit.variant_function`).
    Public checks have the same inputs for every student, so their expectations are computed once.
    """

    def __init__(self) -> None:
        self._public: dict[tuple[str, str], list[Expectation]] = {}
        self._public_mistakes: dict[tuple[str, str], list[tuple[Diagnosis, Any]]] = {}
        self._signatures: dict[str, inspect.Signature] = {}

    def expectations(self, p: PlannedCheck) -> list[Expectation]:
        if p.visibility != "public":
            return [rule(p.case, REFERENCES) for rule in p.exercise.expect]
        key = (p.exercise.key, p.label)
        if key not in self._public:
            self._public[key] = [rule(p.case, REFERENCES) for rule in p.exercise.expect]
        return self._public[key]

    def signature(self, exercise: Exercise) -> inspect.Signature:
        if exercise.key not in self._signatures:
            self._signatures[exercise.key] = inspect.signature(REFERENCES.solution(exercise.key))
        return self._signatures[exercise.key]

    def mistake_values(self, p: PlannedCheck) -> list[tuple[Diagnosis, Any]]:
        if p.visibility != "public":
            return self._mistake_values(p)
        key = (p.exercise.key, p.label)
        if key not in self._public_mistakes:
            self._public_mistakes[key] = self._mistake_values(p)
        return self._public_mistakes[key]

    @staticmethod
    def _mistake_values(p: PlannedCheck) -> list[tuple[Diagnosis, Any]]:
        from grader.curriculum.common import parent_call

        candidates = []
        for misconception in p.exercise.misconceptions:
            try:
                buggy = kit.variant_function(p.exercise.module, p.exercise.function, misconception.body)
                with np.errstate(all="ignore"):
                    value = parent_call(buggy, p.case)
            except Exception:  # noqa: BLE001 - a buggy rule may legitimately fail on some inputs
                continue
            candidates.append((misconception.diagnosis, value))
        return candidates


LIVE = LiveReferences()


def _seed_digest(parts: tuple[str, ...]) -> bytes:
    return hashlib.sha256("|".join(parts).encode("utf-8", "surrogateescape")).digest()  # ids from any folder name


def rng_for(*parts: str) -> np.random.Generator:
    return np.random.default_rng(int.from_bytes(_seed_digest(parts)[:16], "little"))


def hidden_rng_for(*parts: str, plan: int | None = None) -> HiddenDraws:
    """A hidden input's generator (`spec.HiddenDraws`): its numbers, as `rng_for` draws them, and, unless given, its
    structure's plan drawn from `parts`."""
    digest = _seed_digest(parts)
    return HiddenDraws(int.from_bytes(digest[:16], "little"), plan or 1 + digest[16] % STRUCTURES)


@functools.lru_cache(maxsize=16)
def hidden_key(course_seed: str) -> str:
    """What every hidden input and the order of a submission's calls are drawn from: the course seed stretched with
    scrypt (as its digest in results.json is, under another salt). A student's results.json shows functions of these
    draws (her hidden checks' verdicts, the order of her calls); drawn from the seed through a SHA-256 only, they let
    her test thousands of guesses of a seed a person typed per second, against 17 or so for the digest."""
    return hashlib.scrypt(course_seed.encode("utf-8", "surrogateescape"), salt=b"calcgrade hidden inputs",
                          n=1 << 14, r=8, p=1, dklen=32).hex()


def submission_digest(sources: Mapping[str, str]) -> str:
    """A short digest of a submission's text, mixed into its hidden inputs: a hidden check's pass or fail can spell
    out a bit of any hidden input the submission's code reads while it runs, and a resubmission that changed (to use
    what was spelt out) draws new inputs; the same text draws the same ones. The whole text, comments and layout
    included: the code can read both while it runs (its module's source from its loader, a line number from a
    frame), so a digest of the code alone let a comment choose which bits to spell out, then hold the table of
    answers, all on the same hidden inputs (red team round 29)."""
    digest = hashlib.sha256()
    for name in sorted(sources):
        encoded = sources[name].encode("utf-8", "surrogatepass")
        digest.update(name.encode("utf-8", "surrogatepass") + b"\0" + str(len(encoded)).encode() + b"\0" + encoded)
    return digest.hexdigest()[:32]


def plan(exercises: Iterable[Exercise], *, hidden: bool, course_seed: str = "",
         student: str = "", submission: str = "") -> list[PlannedCheck]:
    """Every check of every exercise, public (fixed seed) and, when grading, hidden (per student and, given its
    `submission_digest`, per submission; `exercise.hidden_draws` inputs per check, sharing its points)."""
    planned = []
    for exercise in exercises:
        runs: list[tuple[Visibility, str]] = [("public", PUBLIC_SEED)]
        if hidden:
            runs.append(("hidden", f"hidden|{hidden_key(course_seed)}|{student}"
                         + (f"|{submission}" if submission else "")))
        shares = iter(split_points(exercise.points, len(exercise.checks) * len(runs)))
        for visibility, seed in runs:
            for check in exercise.checks:
                if visibility == "public":
                    planned.append(PlannedCheck(exercise, check.label, visibility, _public_case(check, exercise.key),
                                                next(shares)))
                    continue
                draws = exercise.hidden_draws
                for draw, share in enumerate(split_points(next(shares), draws)):
                    case = hidden_case(exercise, check, seed if draw == 0 else f"{seed}|draw {draw}")
                    planned.append(PlannedCheck(exercise, check.label, visibility, case, share))
    return planned


HIDDEN_REDRAWS = 64  # draws a hidden case may take to differ from every public one before the last is kept


def hidden_case(exercise: Exercise, check: Check, seed: str) -> Case:
    """The check's hidden case for `seed`: never one of the exercise's public cases, by value (an int equal to a
    float counts as equal, as it does in a student's table of public answers). A generator that draws from a few
    integers would otherwise hand some students the very input whose answer their own pytest printed. Nor, where it
    can be helped, a case whose reference answer the student bundle carries beside a public check to name a slip
    (`answered_in_bundle`: a public input one off, 0, negated, truncated), which a student reads from the bundle
    as well (not for a kind that counts only with another, `Check.counts_with`: such a table earns it nothing alone,
    and its few informative integers are best left all drawable). The same generator is drawn again, so the case
    stays a function of the seed; a generator that can draw nothing else keeps its first draw that is not public,
    or its last (`calcgrade check-exercises` reports both)."""
    rng = hidden_rng_for(seed, exercise.key, check.label)
    public = _public_values(exercise)
    beside = answered_in_bundle(exercise) if not check.counts_with else frozenset()
    not_public = None
    for _ in range(HIDDEN_REDRAWS):
        case = replace(check.make_case(rng), plan=rng.plan)
        values = case_values(case)
        if values in public:
            continue
        if values not in beside:
            return case
        not_public = not_public or case
    return not_public or case


@functools.cache
def _public_cases(exercise: Exercise) -> tuple[tuple[str, Case], ...]:
    """(label, public case) of each check, drawn once per process (no call changes a Case)."""
    return tuple((check.label, _public_case(check, exercise.key)) for check in exercise.checks)


@functools.cache
def _public_values(exercise: Exercise) -> frozenset[Any]:
    return frozenset(case_values(case) for _, case in _public_cases(exercise))


@functools.cache
def answered_in_bundle(exercise: Exercise) -> frozenset[Any]:
    """The values of every case whose reference answer a student bundle carries beside one of the exercise's
    public checks, to name a slip without the reference code (`behaviour.answered_beside`: the arguments of a
    public case one off, 0, negated, truncated, a point left out). Known where the kit has its solutions, as it
    is for every command that draws hidden cases."""
    if not kit.has_solutions():
        return frozenset()
    from grader.diagnosis import behaviour

    public = [_public_case(check, exercise.key) for check in exercise.checks]
    return frozenset(case_values(changed) for case in public for changed in behaviour.answered_beside(exercise, case))


def case_values(case: Case) -> Any:
    """A hashable form of a case's values, equal for two cases a student's lookup table could not tell apart:
    numbers as floats, sequences and arrays as tuples, a given function by its name."""
    def values(value: Any) -> Any:
        if isinstance(value, bool | np.bool_ | str) or value is None:
            return value
        if isinstance(value, int | float | np.integer | np.floating):
            return float(value)
        if isinstance(value, Given):
            return ("given", value.name)
        if isinstance(value, np.ndarray):
            return tuple(values(item) for item in value.tolist()) if value.ndim else values(value.item())
        if isinstance(value, list | tuple):
            return tuple(values(item) for item in value)
        if isinstance(value, Mapping):
            return tuple(sorted((str(key), values(item)) for key, item in value.items()))
        return repr(value)

    return values(case.args), values(dict(case.kwargs))


def _call(exercise: Exercise, case: Case) -> Call:
    return _call_of(exercise, exercise.function, case)


def _call_of(exercise: Exercise, function: str, case: Case) -> Call:
    """A call of `function` (the exercise's own or a repair's) as the exercise's checks make it."""
    return Call(exercise.module, function, case.args, dict(case.kwargs), case.check_mutation,
                by_hand=exercise.by_hand, differentiates=exercise.differentiates,
                evaluates_differentiated=exercise.evaluates_differentiated, held_alike=exercise.held_alike)


_PUBLIC_CALLS: dict[tuple[str, str], Call] = {}


def _public_call(p: PlannedCheck) -> Call:
    """Public calls are the same for everyone: built and encoded once."""
    key = (p.exercise.key, p.label)
    if key not in _PUBLIC_CALLS:
        _PUBLIC_CALLS[key] = _call(p.exercise, p.case)
    return _PUBLIC_CALLS[key]


@functools.cache
def _public_case(check: Check, exercise_key: str) -> Case:
    """Public inputs are the same for everyone: drawn once (nothing mutates a Case; calls get copies)."""
    return check.make_case(rng_for(PUBLIC_SEED, exercise_key, check.label))


def grade_sources(sources: Mapping[str, str], sandbox: Sandbox, *, student: str = "", hidden: bool = False,
                  course_seed: str = "", exercises: Sequence[Exercise] | None = None,
                  unreadable: Mapping[str, str] | None = None,
                  references: ReferenceProvider = LIVE, carry_forward: bool = True) -> SubmissionResult:
    """Grade the given module sources (module name -> text). `unreadable` maps modules to why not.

    `carry_forward`: a failed check of a function that calls another of the student's functions passes where
    its answer is right given the student's own (wrong) function (`grader.carry_forward`).

    `references` says where expected values, signatures and known mistakes' values come from: the
    live kit by default, or data precomputed at release time (`grader.precomputed.PrecomputedReferences`).
    `exercises` defaults to the whole curriculum (imported only then: a caller holding its exercises, as
    the students' pytest does, never loads SymPy).
    """
    if exercises is None:
        from grader.curriculum import EXERCISES as exercises
    unreadable = dict(unreadable or {})
    submitted = [exercise for exercise in exercises if exercise.module in sources]
    digest = submission_digest(sources) if hidden else ""
    planned = plan(submitted, hidden=hidden, course_seed=course_seed, student=student, submission=digest)
    allowance = Allowance(sandbox.limits)
    order = rng_for("call order", hidden_key(course_seed), student, digest) if hidden else None
    run = _run(sources, planned, sandbox, allowance, order)
    outcomes, repeated = run.outcomes, run.repeated
    judged: dict[str, list[tuple[PlannedCheck, Outcome, CheckResult]]] = {exercise.key: [] for exercise in submitted}
    for p, outcome in zip(planned, outcomes, strict=True):
        judged[p.exercise.key].append((p, outcome, PUBLIC_VERDICTS.judge(p, outcome, references)))
    results: dict[str, list[CheckResult]] = {}
    failing = {(exercise.module, exercise.function) for exercise in submitted
               if not all(result.passed for _, _, result in judged[exercise.key])}
    # a check passed, but not right after a call on a neighbouring input: those hidden checks so fail (a function
    # failing others too: a second slip switched the probe off for a cache; red team round 58, 03)
    graded_functions = {module: frozenset(exercise.function for exercise in submitted if exercise.module == module)
                        for module in sources}
    after_others = _answering_after_others(
        {exercise.key: _passed(judged[exercise.key], "hidden") for exercise in submitted}, sources, sandbox, references,
        f"neighbours|{hidden_key(course_seed)}|{student}|{digest}", graded_functions) if hidden else {}
    # a function right on a fresh call whose answer depends on the calls before it: no slip read from its answers holds
    kept_state = _keeping_state(submitted, judged, failing, sources, sandbox, references) if failing else {}
    if hidden:  # shown on hidden inputs alone: its public checks after public neighbours, so that its callers' public
        # checks, judged on public evidence alone, are judged with the right function too
        public_shown = _shown_keeping_state(kept_state, judged)[0]
        after_public = _answering_after_others(
            {key: _passed(judged[key], "public") for key in (*kept_state, *after_others) if key not in public_shown},
            sources, sandbox, references, f"neighbours|{PUBLIC_SEED}", graded_functions)
        for key, found in after_public.items():
            after_others.setdefault(key, {}).update(found)
    for key, found in after_others.items():
        judged[key] = [(p, found[id(p)], PUBLIC_VERDICTS.judge(p, found[id(p)], references)) if id(p) in found
                       else checked for checked in judged[key] for p in (checked[0],)]
        kept_state.setdefault(key, {}).update(dict.fromkeys(found, "after"))
    failing |= {(exercise.module, exercise.function) for exercise in submitted if exercise.key in after_others}
    for exercise in submitted:  # a known mistake named where the answers show it, then the formula or behaviour
        checks = judged[exercise.key]
        named = _with_diagnoses(checks, references)
        results[exercise.key] = explain_exercise(
            exercise, sources.get(exercise.module),
            [JudgedCheck(outcome.status, result, functools.partial(_observe, p, outcome, references))
             for (p, outcome, _), result in zip(checks, named, strict=True)],
            callee_failing=_calls_failing(exercise, sources.get(exercise.module), failing))
        if exercise.key in kept_state:
            results[exercise.key] = [_told_state(exercise, check, kept_state[exercise.key].get(id(p)))
                                     for (p, _, _), check in zip(checks, results[exercise.key], strict=True)]
    if not all(check.passed for checks in results.values() for check in checks):
        results = _with_repairs(submitted, judged, results, sources, sandbox, references)
    answers = outcomes  # what each verdict rests on, for the rules below that read answers
    if carry_forward:  # where every check passed too: a callee answering a list still puts its callers in one world
        kept_order = rng_for("kept call order", hidden_key(course_seed), student, digest) if hidden else None
        results, answers, repeated = _carry_forward(planned, outcomes, repeated, results, sources, sandbox, allowance,
                                                    references, kept_order, _shown_keeping_state(kept_state, judged))
    answer_of = {id(p): outcome for p, outcome in zip(planned, answers, strict=True)}
    results = {exercise.key: count_only_answers_that_vary(
        exercise, results[exercise.key], [answer_of[id(p)] for p, _, _ in judged[exercise.key]],
        lambda index, checks=judged[exercise.key]: _loosest_tolerance(checks[index][0], references))
        for exercise in submitted}
    if repeated:
        index_of = {id(p): index for index, p in enumerate(planned)}
        results = {exercise.key: count_only_answers_that_repeat(
            exercise, results[exercise.key], [(answer_of[id(p)], repeated.get(index_of[id(p)]))
                                              for p, _, _ in judged[exercise.key]])
            for exercise in submitted}
    if hidden:
        by_key = {exercise.key: exercise for exercise in submitted}
        results = {key: count_public_with_hidden([_uniform_if_hidden(check, by_key[key]) for check in checks])
                   for key, checks in results.items()}
    results = {exercise.key: count_only_answers_that_tell_apart(
        exercise, results[exercise.key], [answer_of[id(p)] for p, _, _ in judged[exercise.key]])
        for exercise in submitted}
    results = {exercise.key: count_edge_cases_with(exercise, results[exercise.key]) for exercise in submitted}
    if hidden:  # a hidden check that rule counted away withholds its public check too, as a failed one does (a label
        # given everywhere but on one input kept the public checks where that input's answer was right by chance)
        results = {key: count_public_with_hidden(checks) for key, checks in results.items()}
    # worth a look by hand: a way into the interpreter beside a derivative to be worked out by hand (the guard in
    # the child can be got around through one; a reading of names is no wall, so the score stands)
    reach = reach_in_sources(sources) if any(exercise.by_hand for exercise in submitted) else None
    # and a difference of one of the submission's functions at two arguments in such a derivative (a difference
    # quotient through a function the guard leaves open: `neuron`, a sigmoid, another module's `sse`)
    by_hand = {module: frozenset(e.function for e in submitted if e.by_hand and e.module == module)
               for module in {e.module for e in submitted if e.by_hand}}
    difference = difference_in_sources(sources, by_hand) if by_hand else None
    review = tuple(note for note in (review_note(reach) if reach is not None else "",
                                     difference_note(difference) if difference is not None else "") if note)
    exercise_results = tuple(
        ExerciseResult(exercise.key, tuple(results[exercise.key]), exercise.points,
                       note=_note(exercise, run.load_errors_of(exercise), results[exercise.key]))
        if exercise.key in results else _not_submitted(exercise, unreadable)
        for exercise in exercises)
    return SubmissionResult(student, exercise_results, review=review)


def _keeping_state(submitted: Sequence[Exercise], judged: Mapping[str, list[tuple[PlannedCheck, Outcome, CheckResult]]],
                   failing: set[tuple[str, str]], sources: Mapping[str, str], sandbox: Sandbox,
                   references: ReferenceProvider) -> dict[str, dict[int, str]]:
    """Per exercise, the checks it failed (a wrong answer, or an exception: a buffer kept from the first call that a
    later input does not fit) on which its function was shown to keep state, called again on the check's input in a
    fresh child (`grader.kept_state`), within `STATE_SECONDS` for the whole submission."""
    from grader.kept_state import STATE_SECONDS, keeping_state

    failed = {exercise.key: sorted(((exercise, p) for p, outcome, verdict in judged[exercise.key]
                                    if not verdict.passed and outcome.status in ("ok", "error")
                                    and not verdict.grader_fault),
                                   key=lambda pair: pair[1].visibility != "public")
              for exercise in submitted if (exercise.module, exercise.function) in failing}
    allowance = Allowance(sandbox.limits, total_seconds=STATE_SECONDS, loading_apart=True)

    def probe(p: PlannedCheck) -> str:
        call = _call(p.exercise, p.case)
        try:
            load_errors, got = sandbox.run(sources, [call, call], allowance)
        except Exception:  # noqa: BLE001 - no child could be started: nothing is shown
            return ""
        if load_errors or len(got) != 2:
            return ""
        first, second = got
        if check_passes(p, first, references):
            return "alone"
        answered = {first.status, second.status} <= {"ok", "error"}
        differ = first.status != second.status or first.status == "ok" and \
            answer_key(first.value) != answer_key(second.value)
        return "twice" if answered and differ else ""

    return keeping_state(failed, sources.get, probe)


def _passed(checks: Sequence[tuple[PlannedCheck, Outcome, CheckResult]], visibility: str) -> list[PlannedCheck]:
    return [p for p, _, verdict in checks if p.visibility == visibility and verdict.passed]


def _answering_after_others(wanted: Mapping[str, Sequence[PlannedCheck]], sources: Mapping[str, str],
                            sandbox: Sandbox, references: ReferenceProvider, seed: str,
                            components: Mapping[str, frozenset[str]]) -> dict[str, dict[int, Outcome]]:
    """Per exercise (by key) whose function can hold something across calls itself (`kept_state.may_keep_state`,
    not looking into `components`: per module, the functions exercises grade), those of its checks in `wanted`
    (checks it passed) it answers wrong right after a call on a neighbouring input (the check's input with one
    argument drawn afresh from the same check with `seed`, `kept_state.neighbour_cases`), by `id`, with that answer:
    a cache keyed on part of the arguments passes every check whose inputs differ in all of them. The first
    `AFTER_OTHERS_CHECKS` of each exercise are called so, each after its neighbours, in one fresh child (derivatives
    worked out by hand in guarded children of their own, as `_run` calls them), within `AFTER_OTHERS_SECONDS` for
    all; only a wrong answer counts (an exception, a timeout or no child shows nothing)."""
    from grader.kept_state import AFTER_OTHERS_CHECKS, AFTER_OTHERS_SECONDS, may_keep_state, neighbour_cases

    chosen: list[tuple[PlannedCheck, list[Case]]] = []
    for planned in wanted.values():
        if not planned:
            continue
        exercise = planned[0].exercise
        source = sources.get(exercise.module)
        # its own state (its code, or a helper of the module that no exercise grades): a function it calls that is
        # an exercise of its own answers for itself (a memoised `predict` returning its cached array, changed in
        # place by a right `sse`, would otherwise cost `sse` its marks)
        if source is None or not may_keep_state(source, exercise.function, components.get(exercise.module, frozenset()),
                                                chance_exempts=False):
            continue
        checks = {check.label: check for check in exercise.checks}
        public = _public_cases(exercise)
        for index, p in enumerate(planned[:AFTER_OTHERS_CHECKS]):
            drawn = (seed, exercise.key, p.label, str(index))  # another input of the same structure
            fresh = checks[p.label].make_case(hidden_rng_for(*drawn, plan=p.case.plan) if p.case.plan
                                              else rng_for(*drawn))
            # where that draw repeats an argument (a step h or a rate its structure fixes, a given function or an
            # index one per check): a draw of the public structure, then the other checks' public inputs
            others = [case for label, case in public if label != p.label]
            neighbours = neighbour_cases(p.case, fresh, checks[p.label].make_case(rng_for(*drawn, "public")),
                                         *others)
            if neighbours:
                chosen.append((p, neighbours))
    # the children `_run` makes: the calls of derivatives worked out by hand apart from the others (a by-hand call
    # leaves its module's other functions refusing to run), one child for each function they differentiate
    parts: dict[tuple[bool, str], list[tuple[PlannedCheck, list[Case]]]] = {}
    for p, neighbours in chosen:
        parts.setdefault((p.exercise.by_hand, p.exercise.differentiates), []).append((p, neighbours))
    allowance = Allowance(sandbox.limits, total_seconds=AFTER_OTHERS_SECONDS, loading_apart=True)
    found: dict[str, dict[int, Outcome]] = {}
    for part in parts.values():
        calls, judged_at = [], []
        for p, neighbours in part:  # the check's own input after all its neighbours: the first of them its cache
            calls.extend(_call(p.exercise, case) for case in neighbours)  # confuses with it is kept for it
            calls.append(_call(p.exercise, p.case))
            judged_at.append((len(calls) - 1, p))
        try:
            load_errors, got = sandbox.run(sources, calls, allowance)
        except Exception:  # noqa: BLE001 - no child could be started: nothing is shown
            continue
        if load_errors or len(got) != len(calls):
            continue
        for position, p in judged_at:
            outcome = got[position]
            if outcome.status == "ok" and id(p) not in found.get(p.exercise.key, {}) \
                    and not check_passes(p, outcome, references):
                found.setdefault(p.exercise.key, {})[id(p)] = outcome.values_only()
    return found


def _shown_keeping_state(kept_state: Mapping[str, Mapping[int, str]],
                         judged: Mapping[str, list[tuple[PlannedCheck, Outcome, CheckResult]]]
                         ) -> tuple[frozenset[str], frozenset[str]]:
    """The exercises shown to keep state on a public check, and on any check: a caller's public checks are judged by
    the first alone, so that no hidden input's verdict reaches what a student sees before grades are out."""
    public = frozenset(key for key, shown in kept_state.items()
                       if any(id(p) in shown and p.visibility == "public" for p, _, _ in judged[key]))
    return public, frozenset(kept_state)


def _told_state(exercise: Exercise, check: CheckResult, how: str | None) -> CheckResult:
    """A failed check on which the function was shown to keep state between calls (`how`): that is what it is told
    (its points stand)."""
    from grader.diagnosis import replace_hint
    from grader.kept_state import STATE_KEPT, state_hint

    if how is None or check.passed or check.grader_fault:
        return check
    return replace(check, diagnosis=STATE_KEPT,
                   student_message=replace_hint(check.student_message, state_hint(exercise.function, how)))


REPAIR_SECONDS = 4.0  # what finding a repair may take, per exercise (its candidates' calls, in the sandbox)
REPAIR_SUBMISSION_SECONDS = 8.0  # and for all of a submission's exercises together
REPAIR_CALL_SECONDS = 0.5  # per call of a candidate: a changed loop bound may make one run far longer
MAX_OTHERS_VERIFIED = 3  # a remembered repair's other edits run on a new student's checks before one is said
_REPAIRABLE_STATUSES = frozenset({"ok", "error"})
# (exercise, the function's own source) -> (the repairs found for it, the line where it started in that file): a
# class shares its slips, and the search is the cost. What was found, or that none was, is used again only for the
# same function in the same context (`repair.edit_context`: the whole module apart from the function's own body,
# and the sibling modules it imports; any of its code may run at load or in a candidate's call and keep an edit from
# passing, or make a wrong one pass; one student's module must neither silence nor steer another's); a known repair
# is checked again on the new student's own checks, and the line its hint names moves with the function.
_REPAIRS: dict[tuple[str, bytes], tuple[Any, int, bytes]] = {}


@dataclass
class Learned:
    """What grading worked out from functions' sources alone, to pass between a batch's workers: the repairs
    found (each checked again on every student's own checks before it is said) and the formula findings (a
    reading of the source text, no student code run). A slip common in a class is then searched for once per
    batch, not once per worker."""

    repairs: dict[tuple[str, bytes], Any]
    findings: dict[tuple[str, str], Any]

    def __len__(self) -> int:
        return len(self.repairs) + len(self.findings)


def learned(since: Learned | None = None) -> Learned:
    """What this process has learned (`Learned`), less what `since` holds."""
    from grader.diagnosis import symbolic

    known = since or Learned({}, {})
    return Learned({key: value for key, value in _REPAIRS.items() if key not in known.repairs},
                   {key: value for key, value in symbolic._FINDINGS.items() if key not in known.findings})


def learn(other: Learned) -> None:
    """Take what another process learned, where this one has not learned it itself."""
    from grader.diagnosis import symbolic

    for key, value in other.repairs.items():
        _REPAIRS.setdefault(key, value)
    for key, value in other.findings.items():
        symbolic._FINDINGS.setdefault(key, value)


def _with_repairs(exercises: Sequence[Exercise], judged: Mapping[str, list[tuple[PlannedCheck, Outcome, CheckResult]]],
                  results: dict[str, list[CheckResult]], sources: Mapping[str, str], sandbox: Sandbox,
                  references: ReferenceProvider) -> dict[str, list[CheckResult]]:
    """The results, where a failed exercise that nothing recognised is one small edit of the student's code
    away from passing every check, with that edit as its hint (`grader.diagnosis.repair`)."""
    failing = {(exercise.module, exercise.function) for exercise in exercises
               if not all(check.passed for check in results[exercise.key])}
    repaired = dict(results)
    deadline = time.monotonic() + REPAIR_SUBMISSION_SECONDS
    named = frozenset((exercise.module, exercise.function) for exercise in exercises)
    chosen = [exercise for exercise in exercises if sources.get(exercise.module) is not None and _repairable(
        exercise, judged[exercise.key], results[exercise.key], sources[exercise.module], failing, named)]
    try:
        verified = _verify_remembered(chosen, judged, results, sources, sandbox, references)
    except Exception:  # noqa: BLE001 - each remembered repair is then checked on its own
        verified = {}
    for exercise in chosen:
        left = deadline - time.monotonic()
        if left <= 0.5:
            break
        try:
            repaired[exercise.key] = _repaired(exercise, judged[exercise.key], results[exercise.key], sources,
                                               sandbox, references, min(left, REPAIR_SECONDS),
                                               verified.get(exercise.key))
        except Exception:  # noqa: BLE001 - a repair that cannot be found leaves the verdicts as they are
            continue
    return repaired


def _formula_read(verdict: CheckResult) -> bool:
    """Does the check's hint show the formula read from the student's code (a true statement, kept beside an edit)?"""
    from grader.diagnosis import FORMULA_READ, hint_of

    return hint_of(verdict.student_message).startswith(FORMULA_READ)


def _repair_key(exercise: Exercise, module_source: str) -> tuple[str, bytes]:
    """Where `_REPAIRS` keeps an exercise's repair: the function's own source (the module's where it cannot be
    read alone)."""
    from grader.diagnosis import repair

    own = repair.function_source(module_source, exercise.function) or module_source
    return exercise.key, hashlib.sha256(own.encode("utf-8", "surrogatepass")).digest()


def _remembered_repair(exercise: Exercise, sources: Mapping[str, str]) -> tuple[Any, int, bytes] | None:
    """The repair search's result remembered for the same function of another student, where its context is the
    same (`repair.edit_context`: the module apart from the function's own body, the sibling modules named): which
    edits pass depends on it. A found repair was once reused in any context, and a classmate
    who handed in the same function beside a sibling that answers the candidates' calls wrong chose which edit the
    next student was told (red team round 59, 02); a "none found" was kept to its context already (round 23, 01)."""
    from grader.diagnosis import repair

    remembered = _REPAIRS.get(_repair_key(exercise, sources[exercise.module]))
    if remembered is None:
        return None
    others = {module: source for module, source in sources.items() if module != exercise.module}
    context = repair.edit_context(sources[exercise.module], exercise.function, others)
    return remembered if remembered[2] == context else None


def _checks_in_order(checks: Sequence[tuple[PlannedCheck, Outcome, CheckResult]],
                     verdicts: Sequence[CheckResult]) -> list[PlannedCheck]:
    """An exercise's checks, those the student's function failed first (a repair is tried on one of them first),
    the failed ones smallest first: every candidate edit runs on the first (a descent of 20 steps rather than one of
    500), and the few that pass it on the rest. The size is read from the inputs, so the order is the same on every
    run."""
    return [checks[index][0] for index in sorted(range(len(checks)), key=lambda index: (
        verdicts[index].passed, 0 if verdicts[index].passed else _input_size(checks[index][0].case)))]


def _input_size(case: Case) -> int:
    """How much work a call may be, read from its inputs: the numbers it is sent and the counts among them."""
    size = 0
    for value in (*case.args, *case.kwargs.values()):
        if isinstance(value, bool):
            size += 1
        elif isinstance(value, int | np.integer):
            size += min(abs(int(value)), 10**6)  # a count of steps or of points
        elif isinstance(value, np.ndarray | list | tuple):
            size += int(np.size(np.asarray(value, dtype=object)))
        else:
            size += 1
    return size


def _verify_remembered(exercises: Sequence[Exercise],
                       judged: Mapping[str, list[tuple[PlannedCheck, Outcome, CheckResult]]],
                       results: Mapping[str, list[CheckResult]], sources: Mapping[str, str], sandbox: Sandbox,
                       references: ReferenceProvider) -> dict[str, bool]:
    """For each exercise whose function's repair is remembered (from another student with the same function):
    does it pass every check of this student's? All of them in one run, one child, each repair under a name of
    its own beside the student's code; an exercise not in the answer is checked on its own by `_repaired`."""
    from grader.diagnosis import repair

    remembered = [(exercise, found[0] if (found := _remembered_repair(exercise, sources)) is not None else [])
                  for exercise in exercises]
    items = [(exercise, replace(found[0], name=f"{found[0].name}_{number}",
                                source=f"def {found[0].name}_{number}(" + found[0].source.partition("(")[2]))
             for number, (exercise, found) in enumerate(remembered) if found]
    if not items:
        return {}
    candidates: dict[str, list[Any]] = {}
    for exercise, candidate in items:
        candidates.setdefault(exercise.module, []).append(candidate)
    modules = {**sources, **{module: repair.with_candidates(sources[module], found)
                             for module, found in candidates.items()}}
    planned = {exercise.key: _checks_in_order(judged[exercise.key], results[exercise.key]) for exercise, _ in items}
    calls = [_call_of(exercise, candidate.name, p.case) for exercise, candidate in items for p in planned[exercise.key]]
    allowance = Allowance(sandbox.limits, total_seconds=REPAIR_SECONDS, call_seconds=REPAIR_CALL_SECONDS)
    load_errors, outcomes = sandbox.run(modules, calls, allowance)
    answers = iter(outcomes)
    verified = {}
    for exercise, _ in items:
        passed = [check_passes(p, next(answers), references) for p in planned[exercise.key]]
        verified[exercise.key] = exercise.module not in load_errors and all(passed)
    return verified


def _repairable(exercise: Exercise, checks: Sequence[tuple[PlannedCheck, Outcome, CheckResult]],
                verdicts: Sequence[CheckResult], source: str, failing: set[tuple[str, str]],
                exercises: frozenset[tuple[str, str]] = frozenset()) -> bool:
    """Failed checks that answered or raised, none with a known mistake or a first-tier generic operator named
    (their hints stand), no other failing function of the student's called (its error is carried forward), and no
    helper of the student's reached (a function of the module that is no exercise of `exercises`) that another
    failing function reaches too: the slip may be the helper's, and an edit of the caller would only make up for
    it (a shared `_grads` with a sign slipped, its caller told to add where it rightly subtracts)."""
    from grader.diagnosis import FACTOR_CLAIM
    from grader.diagnosis.repair import calls_among

    failed = [(outcome, verdict) for (_, outcome, _), verdict in zip(checks, verdicts, strict=True)
              if not verdict.passed]
    if not failed or any(verdict.grader_fault or outcome.status not in _REPAIRABLE_STATUSES
                         for outcome, verdict in failed):
        return False
    for outcome, verdict in failed:
        named = verdict.diagnosis and not verdict.diagnosis.startswith(("formula:", FACTOR_CLAIM)) \
            and not _second_tier(verdict.diagnosis)
        if outcome.status == "ok" and named:
            return False
    others = {function for module, function in failing if module == exercise.module} - {exercise.function}
    if calls_among(source, exercise.function, others):
        return False
    return not _shares_a_helper_with(source, exercise, others, exercises)


def _shares_a_helper_with(source: str, exercise: Exercise, others: set[str],
                          exercises: frozenset[tuple[str, str]]) -> bool:
    """Does the student's function reach a helper of theirs (a module function that is no exercise) that one of
    `others` (failing functions of its module) reaches too?"""
    from grader.carry_forward import reached_functions

    if not others:
        return False
    exercise_names = {function for module, function in exercises if module == exercise.module}
    helpers = reached_functions(source, exercise.function) - exercise_names - {exercise.function}
    # reached by the other function on a path of its own, not through this one (a dloss_dw that calls neuron
    # reaches neuron's sigmoid through neuron: neuron's own slip is not a helper's)
    return bool(helpers) and any(reached_functions(source, other, helpers) & helpers for other in others)


def _calls_failing(exercise: Exercise, source: str | None, failing: set[tuple[str, str]]) -> bool:
    """Does the student's function name another of their functions that failed a check? Its answers may then carry
    that one's slip, which a pair of operators on the reference (the caller's own code) would take for the caller's."""
    from grader.diagnosis.repair import calls_among

    others = {function for module, function in failing if module == exercise.module} - {exercise.function}
    return source is not None and calls_among(source, exercise.function, others)


def _second_tier(diagnosis: str) -> bool:
    """A fallback operator's or a pair's name: it says what the answers show, and an edit that repairs the code
    says where (its hint follows)."""
    from grader.diagnosis.behaviour import second_tier

    return second_tier(diagnosis)


def _repaired(exercise: Exercise, checks: Sequence[tuple[PlannedCheck, Outcome, CheckResult]],
              verdicts: list[CheckResult], sources: Mapping[str, str], sandbox: Sandbox,
              references: ReferenceProvider, seconds: float, verified: bool | None = None) -> list[CheckResult]:
    """One exercise's verdicts, with the repair found in `seconds` (none found: as they were). `verified`: whether
    the remembered repair passes this student's checks, where `_verify_remembered` ran it already."""
    from grader.diagnosis import PAIR_JOIN, RULE_FAULTS, hint_of, repair, replace_hint
    from grader.diagnosis.behaviour import restated_by

    planned = _checks_in_order(checks, verdicts)
    allowance = Allowance(sandbox.limits, total_seconds=seconds, call_seconds=REPAIR_CALL_SECONDS)
    # The other modules an edit runs with: those the module names, as the context says (a sibling module it never
    # imports could otherwise, at load, make every edit fail and silence the hint of later students)
    others = {module: source for module, source in sources.items() if module != exercise.module}
    siblings = repair.named_siblings(sources[exercise.module], others)

    cut_short: list[bool] = []  # a candidate's call that timed out or was not run: a "none found" then proves nothing

    def passes(candidates: Sequence[repair.Candidate], some: Sequence[PlannedCheck]) -> list[list[bool]]:
        module = {**siblings, exercise.module: repair.with_candidates(sources[exercise.module], candidates)}
        calls = [_call_of(exercise, candidate.name, p.case) for candidate in candidates for p in some]
        load_errors, outcomes = sandbox.run(module, calls, allowance)
        if any(outcome.status in _NOT_RUN_THROUGH for outcome in outcomes):
            cut_short.append(True)
        if load_errors:
            return [[False] * len(some) for _ in candidates]
        verdict = iter(check_passes(p, outcome, references)
                       for outcome, p in zip(outcomes, [p for _ in candidates for p in some], strict=True))
        return [[next(verdict) for _ in some] for _ in candidates]

    def search() -> list[repair.Candidate]:
        sequences = frozenset(key for p in planned for key, value in
                              (*enumerate(p.case.args), *p.case.kwargs.items()) if isinstance(value, list | tuple))
        # no slice is built once the search's time is up (each candidate is compiled in the grader's own process)
        slices = itertools.takewhile(lambda _: time.monotonic() < allowance.deadline, repair.candidate_slices(
            sources[exercise.module], exercise.function, size=repair.SLICE, sequences=sequences,
            by_hand=_works_out_derivatives(exercise)))
        first = next(slices, [])  # built once: the two-edit search starts from it too
        found = repair.find_repair(itertools.chain([first] if first else [], slices), planned, passes)
        if found or time.monotonic() >= allowance.deadline:
            return repair.preferred(found, sources[exercise.module], exercise.function)
        failed = sum(1 for verdict in verdicts if not verdict.passed)
        return repair.find_two_edit_repair(sources[exercise.module], exercise.function, first, planned, failed,
                                           passes, kind=lambda p: p.label)

    key = _repair_key(exercise, sources[exercise.module])
    line = repair.function_line(sources[exercise.module], exercise.function) or 0
    remembered = _remembered_repair(exercise, sources)
    from_memory = remembered is not None
    if remembered is not None:
        # the same function as another student's, in the same context: its repair, checked on this student's checks
        found, found_at, _ = remembered
        found = repair.moved(found, line - found_at)
        if found and not (verified if verified is not None else all(passes(found[:1], planned)[0])):
            found, from_memory = search(), False
    else:
        found = search()
        if len(_REPAIRS) >= PublicVerdicts.LIMIT:
            _REPAIRS.clear()
        if found or (time.monotonic() < allowance.deadline and not cut_short):  # not a search cut short by time
            _REPAIRS[key] = (found, line, repair.edit_context(sources[exercise.module], exercise.function, others))
    if found and _numbers_expected_not(planned, references):
        # "the values are never added up: the answer is one number" is said where it is one; where it is an array,
        # `sum(...)` passed by dropping an axis of length 1 (a batch of one kept), which it does not name
        found = [candidate for candidate in found if candidate.edit.kind != "missing sum"]
    if not found:
        return verdicts
    other = repair.elsewhere(found[0], found[1:])
    for _ in range(MAX_OTHERS_VERIFIED):  # another student's second edit is said only where it passes here too
        if other is None or not from_memory or all(passes([other], planned)[0]):
            break
        found = [candidate for candidate in found if candidate is not other]
        other = repair.elsewhere(found[0], found[1:])
    else:
        other = None

    def passes_in_place(candidate: repair.Candidate) -> bool:
        edited = repair.in_place(sources[exercise.module], exercise.function, candidate)
        if edited is None:
            return False
        load_errors, outcomes = sandbox.run({**siblings, exercise.module: edited},
                                            [_call_of(exercise, exercise.function, p.case) for p in planned], allowance)
        return not load_errors and all(check_passes(p, outcome, references)
                                       for p, outcome in zip(planned, outcomes, strict=True))

    # Said only of an edit that passes made where the student would make it (`repair.in_place`)
    told = [candidate for candidate in (found[0], other) if candidate is not None and passes_in_place(candidate)]
    if not told:
        return verdicts
    edit = told[0].edit
    other = told[1] if len(told) > 1 else None
    third = repair.elsewhere_of_both(told[0], other, found) if other is not None else None
    if third is not None and (from_memory and not all(passes([third], planned)[0]) or not passes_in_place(third)):
        third = None  # said only where it passes here (a remembered repair is checked again), in place
    if other is None:
        hint, diagnosis = edit.hint(exercise.function, "every check", exercise.returns), edit.diagnosis
    else:
        hint = repair.ambiguous_hint(exercise.function, edit, other.edit, "every check", exercise.returns,
                                     third.edit if third is not None else None)
        diagnosis = f"{repair.REPAIR_CLAIM}: one of several edits"
    one_slip = other is None and PAIR_JOIN not in edit.kind  # one edit of the student's code passes every check
    swaps_only = all(candidate.edit.kind == "wrong function" for candidate in told)
    causes = RULE_FAULTS | {misconception.name for misconception in exercise.misconceptions}
    changed = []
    for (_, outcome, _), verdict in zip(checks, verdicts, strict=True):
        if not verdict.passed and swaps_only and verdict.diagnosis in causes:
            # a rule misapplied, or a listed mistake, is what was done: one of the module's functions swapped for
            # another with another formula passes beside it only by an identity of the two (σ(−x) for e^(−x) in
            # e^(−x)/(1 + e^(−x)), the denominator's square missing), a second slip the student did not make
            changed.append(verdict)
            continue
        if not verdict.passed:  # what was said of the answer stays (a formula as read), the edit follows it
            said = hint_of(verdict.student_message) if verdict.diagnosis or _formula_read(verdict) else ""
            if one_slip and len(verdict.diagnosis.split(PAIR_JOIN)) == 2 and _second_tier(verdict.diagnosis):
                said = ""  # "two slips together explain your answers" is not backed where one edit explains them
            if one_slip and restated_by(verdict.diagnosis, edit.kind):
                said = ""  # the edit says it in the student's code (the entries never added up: a sum added)
            # a statement that named something (a formula finding, a factor), or the formula read from the code,
            # stays; what the values show gives way to the edit
            message = replace_hint(verdict.student_message,
                                   hint if said in ("", exercise.hint.strip().rstrip(".") + ".") else f"{said} {hint}")
            named = outcome.status == "ok" and not verdict.diagnosis.startswith("formula:")
            verdict = replace(verdict, student_message=message, diagnosis=diagnosis if named else verdict.diagnosis)
        changed.append(verdict)
    return changed


def _numbers_expected_not(planned: Sequence[PlannedCheck], references: ReferenceProvider) -> bool:
    """Does some check expect more than one number (an array, a pair)?"""
    return any(not isinstance(expectation.value, str) and np.ndim(expectation.value) > 0
               for p in planned for expectation in references.expectations(p))


def _works_out_derivatives(exercise: Exercise) -> bool:
    """Does the function work out a derivative by the rules, itself or in place of one it is to call (a descent
    computing its gradient inline, where `sse_gradient` is the exercise that works it out)? A slip of a rule is then
    a reading of an edit; in a numerical method (a difference quotient), it is not."""
    if exercise.differentiates or exercise.by_hand:
        return True
    from grader.carry_forward import components
    from grader.curriculum import DECLARED

    siblings = [other for other in DECLARED if other.module == exercise.module]
    called = components(exercise, siblings)
    return any(other.differentiates or other.by_hand for other in siblings if other.function in called)


# A candidate's call with one of these statuses ran out of time, or was never made: the machine's load can cause
# it, so a search that met one and found nothing is not remembered as "none found" for the next student with the
# same function (one slow moment would otherwise silence that repair for every later student in the batch).
_NOT_RUN_THROUGH = frozenset({"timeout", "skipped"})


def _carry_forward(planned: Sequence[PlannedCheck], outcomes: Sequence[Outcome], repeated: Mapping[int, Outcome],
                   results: dict[str, list[CheckResult]], sources: Mapping[str, str], sandbox: Sandbox,
                   allowance: Allowance, references: ReferenceProvider, order: np.random.Generator | None,
                   stateful: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
                   ) -> tuple[dict[str, list[CheckResult]], list[Outcome], dict[int, Outcome]]:
    """The results, with error carried forward (`grader.carry_forward`), and the answers they rest on (per planned
    check, and the second answers by plan index): each exercise's checks are in plan order, so the plan's checks
    and the results pair up exercise by exercise."""
    from grader.carry_forward import carry_forward

    position: dict[str, int] = {}
    verdicts = []
    for p in planned:
        index = position[p.exercise.key] = position.get(p.exercise.key, -1) + 1
        verdicts.append(results[p.exercise.key][index])
    decided = carry_forward(planned, outcomes, verdicts, sources, sandbox, allowance, references, repeated, order,
                            stateful)
    carried: dict[str, list[CheckResult]] = {key: [] for key in results}
    for p, verdict in zip(planned, decided.verdicts, strict=True):
        carried[p.exercise.key].append(verdict)
    return carried, decided.outcomes, decided.repeated


def _observe(p: PlannedCheck, outcome: Outcome, references: ReferenceProvider) -> AnswerSeen | None:
    """The answer beside what the reference gives for this check (the last expectation: the reference solution's
    where there is one), for the diagnosis of a failed exercise; None where the grader cannot say."""
    try:
        expectation = references.expectations(p)[-1]
        stored = getattr(references, "stored_values", None)  # a bundle's stand-in for the reference's code
        values = stored(p) if stored is not None and not kit.has_solutions() else None
    except Exception:  # noqa: BLE001 - a fault of the grader: no diagnosis, the verdict says the rest
        return None
    return AnswerSeen(p.case, outcome.value, expectation.value, expectation.tolerance, values)


class _Run(NamedTuple):
    """What one run of a submission's calls gave: per module, why it did not load (for each child of derivatives
    worked out by hand apart, by the function they differentiate); per planned check, its outcome; per plan index
    called again, the second answer."""
    load_errors: dict[str, str]
    outcomes: list[Outcome]
    repeated: dict[int, Outcome]
    load_errors_by_hand: dict[str, dict[str, str]]

    def load_errors_of(self, exercise: Exercise) -> dict[str, str]:
        """Why each module did not load in the child that made the exercise's calls."""
        return self.load_errors_by_hand.get(exercise.differentiates, self.load_errors) if exercise.by_hand \
            else self.load_errors


def _run(sources: Mapping[str, str], planned: Sequence[PlannedCheck], sandbox: Sandbox,
         allowance: Allowance | None = None, order: np.random.Generator | None = None) -> _Run:
    """Public calls, then hidden calls, in one run: one outcome per planned check, in order. The hidden calls
    are sent to a child only once every public answer has been read (`Sandbox.run`'s barrier), so no text
    that reaches feedback (a public answer's output or error, a load error) comes from a process after it
    held a hidden input; a hidden outcome keeps only its status and values (`Outcome.values_only`). A hidden
    call of a module that did not load, or of a function that hung, is not tried again.

    `order` (a graded run's, drawn from the secret course seed and the submission): the calls of each list are
    made in an order of its own, so a function that counts its calls learns nothing of which check it answers
    (in the plan's order, the call's number told the kind of check, and with it a fixed answer).

    And in a graded run, the hidden calls of an exercise whose answer is one of a few values (`hidden_draws` > 1)
    are made once more, last, in another order: their second answers (by plan index) go to
    `count_only_answers_that_repeat`, since a label that varies with a count of calls escapes the one-answer rule.

    The calls of derivatives worked out by hand are made in a child of their own, one for each function they
    differentiate (their load errors returned apart, last): see `by_hand.py`."""
    allowance = allowance or Allowance(sandbox.limits)
    outcomes: list[Outcome] = [Outcome("skipped")] * len(planned)
    repeated: dict[int, Outcome] = {}
    load_errors: dict[str, str] = {}
    errors_of_by_hand: dict[str, dict[str, str]] = {}
    # derivatives worked out by hand in a child of their own, one for each function they differentiate, where
    # nothing else ran: any other call (another derivative's included, or the module's import, which that child
    # guards) could take the differentiated function's values anywhere and leave a table of its slopes for them
    by_hand: dict[str, list[int]] = {}
    for index, p in enumerate(planned):
        if p.exercise.by_hand:
            by_hand.setdefault(p.exercise.differentiates, []).append(index)
    others = [index for index, p in enumerate(planned) if not p.exercise.by_hand]
    parts = [others, *by_hand.values()] if others or not by_hand else list(by_hand.values())
    for part in parts:
        public = [index for index in part if planned[index].visibility == "public"]
        hidden = [index for index in part if planned[index].visibility != "public"]
        again = [index for index in hidden if planned[index].exercise.hidden_draws > 1] if order is not None else []
        if order is not None:
            public, hidden = [public[i] for i in order.permutation(len(public))], \
                [hidden[i] for i in order.permutation(len(hidden))]
            again = [again[i] for i in order.permutation(len(again))]
        calls = [_public_call(planned[i]) for i in public] + \
            [_call(planned[i].exercise, planned[i].case) for i in (*hidden, *again)]
        errors, got = sandbox.run(sources, calls, allowance, barrier=len(public))
        if part is others:
            load_errors = errors
        else:
            errors_of_by_hand[planned[part[0]].exercise.differentiates] = errors
        for position, index in enumerate(public + hidden):
            outcomes[index] = got[position] if position < len(public) else got[position].values_only()
        repeated.update({index: got[len(public) + len(hidden) + position].values_only()
                         for position, index in enumerate(again)})
    return _Run(load_errors, outcomes, repeated, errors_of_by_hand)


HIDDEN_NOT_PASSED = "this hidden check did not pass (neither what came back nor how your code failed is shown for " \
    "a hidden input: the public checks of the same kind show that)"


def _uniform_if_hidden(check: CheckResult, exercise: Exercise) -> CheckResult:
    """A failed hidden check states one problem, whatever happened: which of several problems a hidden check
    shows (a wrong value, NaN, the wrong shape, an exception, a timeout, running out of memory) is the student's
    code's choice, and made from the hidden input it could be read back, a few bits per check, over
    resubmissions with the same inputs. The hint (the exercise's, or the mistake its answers show), the pass or
    fail, its points and the diagnosis the instructor's report counts are kept."""
    if check.passed or check.visibility == "public" or check.grader_fault:
        return check
    lines = check.student_message.splitlines()
    start = next((index for index, line in enumerate(lines) if line.startswith("problem:")), None)
    if start is None:
        return check
    end = next((index for index in range(start + 1, len(lines)) if lines[index][:1] not in (" ", "")), len(lines))
    lines[start:end] = [f"problem:  {HIDDEN_NOT_PASSED}"]
    return replace(check, student_message="\n".join(lines))


WITHHELD = "right on this public input, but the hidden check of the same kind did not pass: a public check's " \
    "points count only together with it (points are earned on hidden inputs)"
DRAWN_TOGETHER = "right on this hidden input, but another hidden input of the same kind was not: the inputs of one " \
    "kind count together (an answer that is one of a few values could otherwise be right by chance)"


# The instructor messages of checks counted away (`CheckResult.counted_away`).
WITHHELD_NOTE = f"{COUNTED_AWAY}: passed, but its hidden check did not"
DRAWN_TOGETHER_NOTE = f"{COUNTED_AWAY}: passed, but another hidden input of the same kind did not"


def count_public_with_hidden(checks: Sequence[CheckResult]) -> list[CheckResult]:
    """The scoring rule of a graded run: a passed public check keeps its points only where the hidden check
    with the same label passed too, else it scores 0 and says why. Public inputs and expected values are
    shown to students, so an answer right only there (a table of them) earns nothing; a correct function
    passes both and keeps every point. Checks of a label without a hidden check are left as they are. A hidden
    check drawn on several inputs (`Exercise.hidden_draws`) passes only where every one of them is right."""
    hidden_failed = {check.label for check in checks if check.visibility == "hidden" and not check.passed}
    counted = []
    for check in checks:
        if check.passed and check.label in hidden_failed:
            public = check.visibility == "public"
            check = replace(check, passed=False, score=0.0, student_message=student_message(
                call=None, problem=WITHHELD if public else DRAWN_TOGETHER),
                instructor_message=WITHHELD_NOTE if public else DRAWN_TOGETHER_NOTE)
        counted.append(check)
    return counted


def count_only_answers_that_vary(exercise: Exercise, checks: Sequence[CheckResult], outcomes: Sequence[Outcome],
                                 tolerance: Callable[[int], Tolerance | None] | None = None) -> list[CheckResult]:
    """The scoring rule for answers that ignore the input: where a function gave one and the same answer on
    every check of a visibility it answered (two or more) and that answer is wrong on some of them, it scores 0
    on those where it happened to be right, and says why. A constant label ('degenerate'), a sentinel (−1) or
    any fixed value earns nothing, however many checks expect it; a function whose answers depend on its input
    is judged check by check. Public and hidden checks are taken apart, so nothing about a hidden answer
    reaches a public check's text. "The same" is as the checks read it: with `tolerance` (the loosest of the
    check at an index, asked for only where the answers are not equal), answers within twice a check's tolerance
    of the first are one answer, since two answers each within a tolerance of one value are that close (−1.0 and
    −1.0 + 2⁻⁵² by turns are −1 to every check)."""
    counted = list(checks)
    for visibility in ("public", "hidden"):
        answered = [index for index, (check, outcome) in enumerate(zip(checks, outcomes, strict=True))
                    if check.visibility == visibility and outcome.status == "ok" and not check.grader_fault]
        if len(answered) < 2 or all(checks[index].passed for index in answered) \
                or not _one_answer([outcomes[index].value for index in answered],
                                   [functools.partial(tolerance, index) if tolerance else None
                                    for index in answered]):
            continue
        answer = show(outcomes[answered[0]].value)
        problem = f"`{exercise.function}` gave the same answer, {answer}, on every input, and it is wrong on some " \
            "of them: an answer that does not depend on the input earns nothing where it happens to be right"
        for index in answered:
            if checks[index].passed:
                counted[index] = _scores_nothing(checks[index], exercise, problem,
                                                 "passed, but the function gave the same answer on every check")
    return counted


def _scores_nothing(check: CheckResult, exercise: Exercise, problem: str, instructor_message: str) -> CheckResult:
    """A passed check that a scoring rule counts away: 0 points, the rule's reason and the exercise's hint, no
    mistake named."""
    return replace(check, passed=False, score=0.0, diagnosis="",
                   student_message=student_message(call=None, problem=problem, hint=exercise.hint),
                   instructor_message=instructor_message)


EDGE_CASE_ALONE = ("right on this check, whose inputs are few enough to be answered without the work (a constant, a "
                   "table of their answers): it counts "
                   "only together with the check \"{kind}\", which did not pass")


def count_edge_cases_with(exercise: Exercise, checks: Sequence[CheckResult]) -> list[CheckResult]:
    """The scoring rule for edge cases (`Check.counts_with`): a passed check of an edge-case kind (no step taken, a
    slope of 0) scores 0 and says why where no check of the kind it counts with passed. A path that never moves is
    right on no step at all, the intercept alone on a flat line: either earned that kind's points without the
    skill. Runs after the other rules, so that a check they counted away does not count here."""
    partner = {check.label: check.counts_with for check in exercise.checks if check.counts_with}
    if not partner:
        return list(checks)
    passed = {check.label for check in checks if check.passed}
    return [_scores_nothing(check, exercise, EDGE_CASE_ALONE.format(kind=partner[check.label]),
                            f"{COUNTED_AWAY}: passed, but the check {partner[check.label]!r} did not")
            if check.passed and check.label in partner and partner[check.label] not in passed else check
            for check in checks]


def count_only_answers_that_repeat(exercise: Exercise, checks: Sequence[CheckResult],
                                   answered: Sequence[tuple[Outcome, Outcome | None]]) -> list[CheckResult]:
    """The scoring rule for answers that depend on something besides the input: where a function called twice
    with the same input (`answered`: each check's outcome and, for the calls made again, the second) gave two
    different answers, every check it passed scores 0 and says why. A label that is one value but another on
    every fifth call (a count of calls, never the input) escaped the one-answer rule and kept the checks that
    value happened to be right on; a random label did too. A function of its input alone answers alike."""
    differs = any(again is not None and first.status == "ok" and again.status == "ok"
                  and answer_key(first.value) != answer_key(again.value) for first, again in answered)
    if not differs:
        return list(checks)
    problem = f"`{exercise.function}` gave another answer when called again with the same input: an answer that " \
        "depends on anything but the input (a count of calls, a random draw) earns nothing"
    return [_scores_nothing(check, exercise, problem, "passed, but the function answered the same input differently")
            if check.passed else check for check in checks]


TOLD_APART = "was right only where the answer is {answer}, and gave {answer} also where it is not: an answer that " \
    "does not tell the inputs apart earns nothing where it happens to be right"


def count_only_answers_that_tell_apart(exercise: Exercise, checks: Sequence[CheckResult],
                                       outcomes: Sequence[Outcome]) -> list[CheckResult]:
    """The scoring rule for an answer that is one of a few values (`Exercise.hidden_draws` > 1): where every check
    of a visibility a function passed expects one and the same answer, and it gave that answer on a check of the
    same visibility where it is wrong, those passes score 0 and say why. A label given almost always ('degenerate'
    on every input but one, the odd one chosen by a count of calls and remembered for a repeated input) escaped
    the one-answer and repeat rules and kept the kinds whose answer that label is; a function that tells two
    answers apart, or gives its one right answer nowhere else, is judged check by check. Checks right but counted
    away with another of their kind (`CheckResult.counted_away`) are neither right nor wrong here, so this runs after
    `count_public_with_hidden` in a graded run."""
    if exercise.hidden_draws < 2:
        return list(checks)
    counted = list(checks)
    for visibility in ("public", "hidden"):
        answered = [index for index, (check, outcome) in enumerate(zip(checks, outcomes, strict=True))
                    if check.visibility == visibility and outcome.status == "ok" and not check.grader_fault
                    and not check.counted_away]
        passed = [index for index in answered if checks[index].passed]
        right = {answer_key(outcomes[index].value) for index in passed}
        if len(right) != 1:
            continue
        key = right.pop()
        if not any(not checks[index].passed and answer_key(outcomes[index].value) == key for index in answered):
            continue
        problem = f"`{exercise.function}` " + TOLD_APART.format(answer=show(outcomes[passed[0]].value))
        for index in passed:
            counted[index] = _scores_nothing(checks[index], exercise, problem,
                                             "passed, but the function gave that answer also where it is wrong")
    return counted


def _one_answer(answers: Sequence[Any], tolerances: Sequence[Callable[[], Tolerance | None] | None]) -> bool:
    """Are these one answer: the same key (`compare.answer_key`), or, for numbers, each within twice its
    check's tolerance (worked out only here, where it is needed) of the first?"""
    if len({answer_key(answer) for answer in answers}) == 1:
        return True
    first = answers[0]
    if isinstance(first, str) or any(tolerance is None for tolerance in tolerances):
        return False
    try:
        np.asarray(first, dtype=float)
    except (TypeError, ValueError, OverflowError):  # not a number or an array of them: only equal keys are one
        return False
    for answer, tolerance_of in zip(answers, tolerances, strict=True):
        tolerance = tolerance_of() if tolerance_of is not None else None
        if tolerance is None or isinstance(answer, str) \
                or not matches(answer, first, Tolerance(2 * tolerance.rtol, 2 * tolerance.atol)):
            return False
    return True


def _loosest_tolerance(p: PlannedCheck, references: ReferenceProvider) -> Tolerance | None:
    """The widest tolerance among the check's expectations (elementwise atol taken at its largest); None where
    the references cannot say."""
    try:
        tolerances = [expectation.tolerance for expectation in references.expectations(p)]
    except Exception:  # noqa: BLE001 - a fault of the grader: answers are then one only where equal
        return None
    if not tolerances:
        return None
    return Tolerance(max(t.rtol for t in tolerances), max(float(np.max(t.atol)) for t in tolerances))


def _with_diagnoses(checks: Sequence[tuple[PlannedCheck, Outcome, CheckResult]],
                    references: ReferenceProvider) -> list[CheckResult]:
    """The verdicts of one exercise, with a mistake named on the failed checks where the exercise's answers,
    taken together, show it (`compare.diagnose_exercise`); judged again only where a check failed."""
    if all(result.passed for _, _, result in checks):
        return [result for _, _, result in checks]
    answered = [index for index, (_, outcome, _) in enumerate(checks) if outcome.status == "ok"]
    try:
        observations = [_observation(*checks[index], references) for index in answered]
    except Exception:  # noqa: BLE001 - without the references, say what is observed and name nothing
        return [result for _, _, result in checks]
    found = dict(zip(answered, diagnose_exercise(observations), strict=True))
    return [PUBLIC_VERDICTS.judge(p, outcome, references, found[index]) if found.get(index) else result
            for index, (p, outcome, result) in enumerate(checks)]


def _observation(p: PlannedCheck, outcome: Outcome, result: CheckResult, references: ReferenceProvider) -> Observation:
    """The answer beside the right one: the first expectation it fails; where it fails every one, the last (the
    reference solution's, computed as the student's code computes, with the same step h: a difference quotient
    with a large h differs from SymPy's exact derivative by its own error, so a sign flipped fitted no factor)."""
    expectations = references.expectations(p)
    failed = [e for e in expectations if not compare(outcome.value, e).passed]
    failing = failed[-1] if failed and len(failed) == len(expectations) else failed[0] if failed else expectations[0]
    return Observation(outcome.value, failing.value, failing.tolerance, result.passed, references.mistake_values(p))


def _not_submitted(exercise: Exercise, unreadable: Mapping[str, str]) -> ExerciseResult:
    """An exercise whose module is missing or refused: one failed test worth all its points, with the reason."""
    reason = f"{exercise.module}.py: {unreadable[exercise.module]}" if exercise.module in unreadable \
        else f"{exercise.module}.py is missing"
    check = CheckResult(exercise.key, "file " + ("refused" if exercise.module in unreadable else "missing"),
                        "public", False, 0.0, exercise.points, student_message(call=None, problem=reason), reason,
                        "load_error")
    return ExerciseResult(exercise.key, (check,), exercise.points, note=f"{reason}: 0 points for {exercise.function}")


def _note(exercise: Exercise, load_errors: Mapping[str, str], checks: list[CheckResult]) -> str:
    """What the student reads first about an exercise of a submitted module, if anything went wrong."""
    module = exercise.module
    if module in load_errors:
        return f"{module}.py could not be imported: {shown(load_errors[module])}"
    if checks and all(check.diagnosis == "missing" for check in checks):
        return f"{module}.py has no function {exercise.function}: 0 points for it"
    if any(check.carried_forward for check in checks):
        from grader.carry_forward import carried_note

        return carried_note(checks)
    return ""


class PublicVerdicts:
    """Verdicts on public checks, remembered by what was answered.

    A public check has the same input for every student, and `judge` is a pure function of the
    check and the outcome, so equal outcomes (a correct answer, or the same known mistake) get the
    same `CheckResult`: judged once per batch, not once per student. Hidden checks are never
    remembered (their inputs differ per student). Held per reference provider, bounded in entries, and
    keyed by a digest of the answer, so a huge answer costs its memory once, not twice."""

    LIMIT = 20_000

    def __init__(self) -> None:
        self._by_references: weakref.WeakKeyDictionary[Any, dict[tuple, CheckResult]] = weakref.WeakKeyDictionary()

    def judge(self, p: PlannedCheck, outcome: Outcome, references: ReferenceProvider,
              diagnosis: Diagnosis | None = None) -> CheckResult:
        if p.visibility != "public":
            return judge(p, outcome, references, diagnosis)
        verdicts = self._by_references.setdefault(references, {})
        key = (p.exercise.key, p.label, p.max_score, hashlib.sha256(outcome.fingerprint()).digest(), diagnosis)
        verdict = verdicts.get(key)
        if verdict is None:
            if len(verdicts) >= self.LIMIT:
                verdicts.clear()
            verdict = verdicts[key] = judge(p, outcome, references, diagnosis)
        return verdict


PUBLIC_VERDICTS = PublicVerdicts()


def judge(p: PlannedCheck, outcome: Outcome, references: ReferenceProvider = LIVE,
          diagnosis: Diagnosis | None = None) -> CheckResult:
    """Compare one outcome with what the references expect, and say why it passed or not. `diagnosis` is the
    mistake the exercise's answers show (see `_with_diagnoses`); without one, a failed check says what is
    observed, with the exercise's general hint."""
    exercise, public = p.exercise, p.visibility == "public"
    signature = references.signature(exercise)

    def failed(problem: str, *, diagnosis: str = "", hint: str = exercise.hint, returned: Any = None,
               expected: Any = None, instructor: str = "", show_inputs: bool = True) -> CheckResult:
        """A failed check; `show_inputs=False` where the inputs do not matter (a missing or stub function)."""
        inputs_shown = public and show_inputs
        call = show_call(exercise.function, signature, p.case.args, dict(p.case.kwargs)) if inputs_shown else None
        message = student_message(call=call, returned=returned if public else None,
                                  expected=expected if public else None, problem=problem, hint=hint,
                                  output=outcome.output if public else "")
        return CheckResult(exercise.key, p.label, p.visibility, False, 0.0, p.max_score, message,
                           instructor or f"status {outcome.status}" + (f": {shown(outcome.error)}" if outcome.error
                                                                       else ""),
                           diagnosis)

    if outcome.status == "not_implemented":
        return failed(f"not implemented yet: replace `raise NotImplementedError` in {exercise.function} "
                      "with your code", diagnosis="not implemented", hint="", show_inputs=False)
    if outcome.status == "missing":
        return failed(f"{exercise.module}.py has no function {exercise.function}", diagnosis="missing", hint="",
                      show_inputs=False)
    if outcome.status == "load_error":
        return failed(outcome.error if public else HIDDEN_PROBLEMS["load_error"], diagnosis="load_error", hint="",
                      show_inputs=False)
    if outcome.status != "ok":
        hint = exercise.hint
        if public and "TypeError" in outcome.error and f"{exercise.function}()" in outcome.error:
            # the call of the student's function itself (its parameters), not a call their code makes inside
            hint = f"check the parameters: {exercise.function}{signature}, as given"
        elif public and outcome.status == "error" and (sequence := _sequence_arithmetic(outcome.error)):
            hint = sequence
        return failed(_error_problem(outcome, public), diagnosis=outcome.status, hint=hint)

    try:
        expectations = references.expectations(p)
    except Exception:  # noqa: BLE001 - a fault of the grader must not cost the student
        return CheckResult(exercise.key, p.label, p.visibility, False, 0.0, p.max_score,
                           "this check could not be graded (a fault in the grader, reported to your instructor)",
                           f"{GRADER_FAULT} while computing the expected value:\n" + traceback.format_exc())
    for expectation in expectations:
        comparison = compare(outcome.value, expectation)
        if not comparison.passed:
            found = diagnosis
            if found and found.fitted and not public:
                found = HIDDEN_FACTOR
            problem = comparison.problem_for(public)
            if public and exercise.returns:
                problem += _which_parts_off(exercise.returns,
                                            parts_off(outcome.value, expectation, exercise.return_sizes),
                                            parts_scaled(outcome.value, expectation, exercise.return_sizes))
            return failed(problem,
                          diagnosis=found.name if found else "", hint=found.hint if found else exercise.hint,
                          returned=outcome.value, expected=expectation.value,
                          instructor=f"expected from {expectation.source}; {comparison.problem}")
    if p.case.check_mutation:  # an answer without its arguments' state (a forged one) fails: never skipped
        changed = _changed_arguments(signature, p.case, outcome.args_after)
        if changed:
            which = f"its argument {changed}" if public else "one of its arguments"
            return failed(f"your function changed {which} (it must leave its inputs as they were): work on a "
                          "copy, e.g. np.array(arg, dtype=float)", diagnosis="mutated input", hint="")
    return CheckResult(exercise.key, p.label, p.visibility, True, p.max_score, p.max_score, "",
                       f"matches {', '.join(e.source for e in expectations)}")


def _which_parts_off(names: Sequence[str], off: tuple[bool, ...] | None,
                     scaled: tuple[float | None, ...] | None = None) -> str:
    """" (the intercept is off; the slope is right)": where some of the values (or blocks) returned together are
    right; a part that is the right one times −1, 2, ½, −2 or −½ is said to be so (what this check shows, not
    why)."""
    if off is None or len(off) != len(names) or all(off) or not any(off):
        return ""
    factors = scaled if scaled is not None and len(scaled) == len(names) else (None,) * len(names)

    def listed(chosen: list[str]) -> str:
        return chosen[0] if len(chosen) == 1 else ", ".join(chosen[:-1]) + " and " + chosen[-1]

    def said(chosen: list[str], verb: tuple[str, str] = ("is", "are")) -> str:
        return listed(chosen) + f" {verb[0] if len(chosen) == 1 else verb[1]}"

    parts = []
    wrong = [name for name, bad, factor in zip(names, off, factors, strict=True) if bad and factor is None]
    if wrong:
        parts.append(f"{said(wrong)} off")
    for factor, (one, several) in PART_FACTORS.items():
        chosen = [name for name, bad, k in zip(names, off, factors, strict=True) if bad and k == factor]
        if chosen:
            parts.append(listed(chosen) + " " + (one if len(chosen) == 1 else several))
    right = [name for name, bad in zip(names, off, strict=True) if not bad]
    return f" ({'; '.join([*parts, f'{said(right)} right'])})"


def check_passes(p: PlannedCheck, outcome: Outcome, references: ReferenceProvider = LIVE) -> bool:
    """`judge(p, outcome, references).passed`, without writing the feedback of a failed check: a repair search
    judges thousands of candidate answers and keeps only whether each passed (a test holds the two equal)."""
    if outcome.status != "ok":
        return False
    try:
        expectations = references.expectations(p)
    except Exception:  # noqa: BLE001 - a fault of the grader: judge fails the check too
        return False
    if not all(compare(outcome.value, expectation).passed for expectation in expectations):
        return False
    return not (p.case.check_mutation and _changed_arguments(references.signature(p.exercise), p.case,
                                                             outcome.args_after))


# What a hidden check says of a call that did not answer: a fixed category per status, never a text of the
# student's code (an exception's message, type name or line number could each carry a hidden input out).
HIDDEN_PROBLEMS = {
    "error": "your code raised an exception on this hidden input (run the public checks for the message)",
    "timeout": "your code timed out on this hidden input",
    "died": "the process running your code ended, or its answer was too large, on this hidden input",
    "skipped": "not run: the submission used up its time or answer limits before this hidden check",
    "load_error": "your module could not be imported for the hidden checks",
}
HIDDEN_OUT_OF_MEMORY = "your code ran out of memory on this hidden input"


# Python's own refusals of arithmetic on a list or a tuple, which a student who takes one for a vector meets (the
# operand's type as the message names it)
_SEQUENCE_ARITHMETIC = (
    re.compile(r"unsupported operand type\(s\) for [^:]{1,16}: '(list|tuple)' and|and '(list|tuple)'$"),
    re.compile(r"can only concatenate (list|tuple) \(not"),
    re.compile(r"bad operand type for unary [-+~]: '(list|tuple)'"),
)


def _sequence_arithmetic(error: str) -> str:
    """A hint for an error that is Python refusing arithmetic on a list or a tuple (read from the error's first
    line, `TypeError: ...`), or "" for any other error."""
    line = error.split("\n", 1)[0]
    if not line.startswith("TypeError: "):
        return ""
    line = line.split(" (", 1)[0] if " (" in line and not line.startswith("TypeError: can only concatenate") else line
    for pattern in _SEQUENCE_ARITHMETIC:
        found = pattern.search(line)
        if found:
            kind = next(group for group in found.groups() if group)
            return (f"a {kind} is not a vector: Python's arithmetic does not work on a {kind} entry by entry (`+` "
                    f"joins two, `*` by an integer repeats one, the rest is refused); make it an array first, "
                    f"`np.asarray(..., dtype=float)`, then compute with it")
    if line.startswith("TypeError: can't multiply sequence by non-int"):
        return ("a sequence (a list, a tuple or a string) times a number is not arithmetic entry by entry: "
                "Python repeats a sequence only by an integer, and refuses any other number; make it an array "
                "first, `np.asarray(..., dtype=float)`, then compute with it")
    return ""


def _error_problem(outcome: Outcome, public: bool) -> str:
    """What went wrong in the student's code: the full error on a public check, a fixed category on a hidden one."""
    if not public:
        if outcome.status == "error" and outcome.out_of_memory:
            return HIDDEN_OUT_OF_MEMORY
        return HIDDEN_PROBLEMS.get(outcome.status, HIDDEN_PROBLEMS["error"])
    if outcome.status == "error":
        return f"your code raised {outcome.error}"
    return outcome.error or outcome.status


def _changed_arguments(signature: inspect.Signature, case: Case, args_after: Any) -> str:
    """The first argument (not a function) that differs after the call from what was sent, positional ones then
    those sent by keyword (the child answers their states in that order); arguments whose state after the call
    is missing or cannot be read count as changed."""
    positional = list(signature.parameters)[:len(case.args)]
    names = [*positional, *(f"number {position + 1}" for position in range(len(positional), len(case.args))),
             *case.kwargs]
    sent_values = (*case.args, *case.kwargs.values())
    if not isinstance(args_after, list) or len(args_after) != len(sent_values):
        return "(their state after the call could not be read)"
    for name, sent, returned in zip(names, sent_values, args_after, strict=True):
        if isinstance(sent, Given):
            continue
        if to_wire(sent) != to_wire(returned):
            return name if name.startswith("number ") else f"`{name}`"
    return ""
