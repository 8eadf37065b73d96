"""Error carried forward: a function that calls another of the student's functions is judged on its own.

A composite exercise is one whose reference solution calls other exercises of its module by their global
names (`gradient_descent` → `sse_gradient`, `gradient_step`; `best_fit_on_grid` → `error_surface`; the
error profiles → `sse`; `sse` → `predict`; `gradient` → `partial_derivative`; `best_of_starts` →
`descend_1d`). When one of its checks fails and one of those components failed a check too, the trusted
parent runs the reference composite again on the check's input, loaded afresh from the kit, with each
failing component replaced by a proxy that asks a sandboxed child for the student's own answer (only
calls go to the child, never reference code). Where the student's answer equals that value within the
check's tolerance, the check passes with its full share, and its message names the function the error
comes from, so a correct `gradient_descent` is not told it does gradient ascent because `sse_gradient`
has a sign flipped.

A function answering nonsense (a step that does not move, an error surface of noise), or answering the
session otherwise than the graded run, could make a caller that ignores it look right given it ("return the
start" agrees with a step that never moves). So a caller is credited only where it is also right with the
right components: called on the check's input with its failing components answered by the parent from the
reference (as oracles, see `grader.sandbox.child`), for the arguments the reference itself passes on that check
and a few more of the same kind (the same shapes, integers and words, other numbers: a right caller written
otherwise may ask the gradient at its last point); anything else gets no answer, nor does any question after it,
and the check fails whatever the caller returns (a given function is matched by its name, never built from what
the child sent). Those calls
run in a fresh child, one per function (its hidden checks' in the same child only where every public one
passed there, else in another), and unless every one of them passes none counts: what the child learns is what
a right caller asks, a refusal it catches gains it nothing, and what the parent computes is bounded by the
reference's own work. A caller right both ways keeps its share also where its answer and the reference's given
the student's components hold the same NaN and infinities (a descent that diverged), and where both raise (a
climbing descent that overflows).

A function of the student's that changes an argument in place can spoil a right caller that the reference,
written otherwise, would not (a descent appending each array a step returns, when the next step changes it). So a
function that reaches, through the student's own code, a function that changed an argument on a failed check, or
that answered a list or tuple where an array is promised, is judged in one world: each of its checks is called
again, in a child, with that function kept to its promise (working on copies of its arguments and answering a copy,
the array for the list: `grader.sandbox.child`), and that call decides (its code can tell the worlds apart; judged
in either, it had two guesses): its answers there are the ones every rule reads. Passing so, a check keeps its
share, its message naming that function; passing only as graded, it fails. A check failing both ways is asked the
two questions above in that world.

Bounded: only failed checks of a composite whose component failed are evaluated; each evaluation may make
`CALL_BUDGET` component calls within `SECONDS_BUDGET` seconds and the submission's own time and answer
budget; anything that goes wrong (a component that raises where the student's caller did not, hangs, answers
something that is not plain numbers, a reference that fails on what came back) keeps the original verdict.
What a component does to its arguments in place is done to the reference's. Public checks are evaluated
first, then hidden checks, each hidden input reaching a child only after every public evaluation is judged;
a hidden check's message names functions only, never an input or a value.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import inspect
import math
import time
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NoReturn

import numpy as np

from grader import kit
from grader.compare import Expectation, compare
from grader.diagnosis import replace_hint
from grader.feedback import student_message
from grader.plain import MAX_ELEMENTS, Given, Unsupported, from_wire
from grader.sandbox.client import Allowance, Call, Outcome, Sandbox, Session
from grader.spec import CARRIED_FORWARD, GRADER_FAULT, Case, CheckResult, Exercise

CALL_BUDGET = 2000  # component calls of one evaluation (the kit's longest check needs 600 where two components
# fail: 300 steps, each a gradient and a step; 400 left it unjudged, and its caller was told the component's slip)
SECONDS_BUDGET = 10.0  # wall time of one evaluation
OFF_PATH_ANSWERS = 2  # questions of a call answered beside the reference's own, and one per ten it asks
OPEN_ORACLE_SECONDS = 2.0  # the grader's CPU on open oracles, for a whole submission (a right caller
# needs milliseconds: a few reference calls per check)
NOT_STUDENT_WORK = frozenset({"missing", "not implemented", "load_error"})  # a failure with no answers to use


class _Unavailable(Exception):
    """This evaluation cannot be made (the budget, a component's failure, an argument that is not plain data)."""


class _ComponentRaised(Exception):
    """A student's component raised an exception where the reference called it: the reference fails too."""


def components(exercise: Exercise, exercises: Sequence[Exercise]) -> frozenset[str]:
    """The functions of `exercises` (same module, not itself) that the reference solution of `exercise` calls
    by global name."""
    siblings = {other.function for other in exercises if other.module == exercise.module and other is not exercise}
    return _called_names(exercise.module, exercise.function) & siblings


@functools.cache
def _called_names(module: str, function: str) -> frozenset[str]:
    """The global names the reference solution of `module.function` uses, read from its compiled code (nested
    comprehensions included); none where the kit has no solutions (a student bundle)."""
    if not kit.has_solutions():
        return frozenset()
    codes = [getattr(kit.solution_module(module), function).__code__]
    names: set[str] = set()
    while codes:
        code = codes.pop()
        names.update(code.co_names)
        codes.extend(const for const in code.co_consts if isinstance(const, types.CodeType))
    return frozenset(names)


def _reference_reach(module: str, function: str) -> frozenset[str]:
    """The module's functions the reference solution of `module.function` reaches through its own calls,
    directly or not (none where the kit has no solutions): read as the student's are (`reached_functions`)."""
    return reached_functions(kit.solution_source(module), function) if kit.has_solutions() else frozenset()


@dataclass(frozen=True)
class _Candidate:
    index: int  # in the plan
    exercise: Exercise
    case: Case
    wrong: frozenset[str]  # its failing components, proxied to the student's functions
    public: bool
    intact: Intact | None = None  # its components kept to their promises (no change in place, an array answered)
    # failing functions of the module the student's function reaches that the reference does not call (a descend_1d
    # built on the student's gradient_step) that it is declared to build on: judged with the right ones only, answered
    # by open oracles
    own: frozenset[str] = frozenset()

    @property
    def callees(self) -> frozenset[str]:
        return self.wrong | self.own


@dataclass(frozen=True)
class Carried:
    """What error carried forward decided: the verdicts, and the answers they rest on (for the scoring rules that
    read answers): a function judged with its callees kept to their promises answers in that world alone."""

    verdicts: list[CheckResult]
    outcomes: list[Outcome]  # per planned check
    repeated: dict[int, Outcome]  # the second answers of the calls made again, by plan index


def carry_forward(planned: Sequence[Any], outcomes: Sequence[Outcome], verdicts: Sequence[CheckResult],
                  sources: Mapping[str, str], sandbox: Sandbox, allowance: Allowance, references: Any,
                  repeated: Mapping[int, Outcome] | None = None, order: np.random.Generator | None = None,
                  stateful: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())) -> Carried:
    """The verdicts, with each check of a function reaching a callee that broke a promise judged with that callee
    kept to it, and each failed check of a composite that is right given the student's own failing components
    turned into a pass (see the module docstring). `planned` holds `engine.PlannedCheck`s; `references` is the
    engine's `ReferenceProvider` (the tolerance and the signature come from it); `repeated`, the second answers of
    the graded run's calls made again (made again in the kept world too); `order`, a graded run's generator for
    the order of the calls made again; `stateful`, the exercises (by key) shown to keep state between calls on a
    public check, and on any check (`grader.kept_state`): their answers depend on the calls before them, so a caller
    reaching one is judged with the right functions alone (its public checks by the first, its hidden ones by the
    second)."""
    verdicts, outcomes, repeated = list(verdicts), list(outcomes), dict(repeated or {})
    intact_of: dict[int, Intact] = {}
    for index, (intact, kept, again) in _kept_world(planned, verdicts, outcomes, sources, sandbox, references,
                                                    frozenset(repeated), order).items():
        intact_of[index] = intact
        verdicts[index] = _judged_kept(planned[index], verdicts[index], kept, outcomes[index], intact, references)
        outcomes[index] = kept
        if again is not None:
            repeated[index] = again
    exercises = list({id(p.exercise): p.exercise for p in planned}.values())
    wrong = _with_inherited(_wrong_functions(planned, verdicts), planned, verdicts, exercises)
    candidates = []
    for index, (p, outcome, verdict) in enumerate(zip(planned, outcomes, verdicts, strict=True)):
        if verdict.passed or outcome.status not in ("ok", "error") or verdict.grader_fault:
            continue
        module_wrong = wrong.get(p.exercise.module, frozenset())
        called = components(p.exercise, exercises)
        failing = called & module_wrong
        source = sources.get(p.exercise.module, "")
        helpers = reached_functions(source, p.exercise.function) - module_wrong - called  # its own helpers
        # a failing function reached by the student's code, not through a component the reference calls (whose
        # own callees are judged with it): a descend_1d built on the student's gradient_step
        own = (reached_functions(source, p.exercise.function, helpers) - called - {p.exercise.function}) \
            & module_wrong
        # only an exercise it is declared to build on (`Exercise.builds_on`, earlier ones only: a later one's right
        # answer often holds the caller's, an sse read from an error surface, and two failing functions asking each
        # other were each answered right for the other, red team round 56; an earlier one's, searched over, answered
        # least_squares_fit through best_fit_on_grid, round 57); a sibling whose reference reaches the caller holds
        # the caller's own job (best_of_starts runs descend_1d, gradient partial_derivative, train_neuron dloss_dw):
        # answered right, it would answer the caller's exercise (red team round 49); and a derivative worked out by
        # hand asks no function of its module right answers
        own = frozenset() if p.exercise.by_hand else frozenset(
            name for name in own if name in p.exercise.builds_on
            and p.exercise.function not in _reference_reach(p.exercise.module, name))
        if failing or own:
            candidates.append(_Candidate(index, p.exercise, p.case, failing, p.visibility == "public",
                                         intact_of.get(index), own))
    findings: list[tuple[_Candidate, str]] = []
    with contextlib.ExitStack() as sessions:
        session: Session | None = None
        checkers = _Checkers(sessions, lambda: sandbox.session(sources, allowance))
        for public in (True, False):  # the public checks' evaluations first: a hidden input reaches a child after
            chosen = [candidate for candidate in candidates if candidate.public == public]  # they are all judged
            if not chosen:
                continue
            try:
                if session is None or session.ended:  # one child for both, unless a public evaluation ended it
                    session = sessions.enter_context(sandbox.session(sources, allowance))
                # where the student's function reaches a failing function the reference does not call, no run of
                # the reference gives its answer with the student's functions: it is judged with the right ones alone
                # and where one keeps state between calls, none does either (its answer depends on the calls before)
                agreeing = [(candidate, found) for candidate in chosen
                            if (found := AGREES if candidate.own or _keeps_state(candidate, stateful)
                                else _given_theirs(candidate, planned[candidate.index], outcomes[candidate.index],
                                                   session, references))]
                findings += _given_the_right_ones(agreeing, planned, checkers, references)
            except Exception:  # noqa: BLE001 - the sandbox failed (no child could start): every verdict stands
                continue
    carried = [candidate for candidate, found in findings if found == CARRIED]
    roots = _roots(planned, verdicts, carried)
    for candidate, found in findings:
        verdict = verdicts[candidate.index]
        verdicts[candidate.index] = (_carried_kept_intact if candidate.intact and not candidate.own else _carried)(
            verdict, candidate, roots) if found == CARRIED else \
            replace(verdict, student_message=verdict.student_message + "\n" + _fails_too_note(candidate, roots))
    return Carried(verdicts, outcomes, repeated)


def _keeps_state(candidate: _Candidate, stateful: tuple[frozenset[str], frozenset[str]]) -> bool:
    """Does one of the failing functions the caller reaches keep state between calls (shown on a public check, for a
    public candidate)?"""
    shown = stateful[0] if candidate.public else stateful[1]
    return any(f"{candidate.exercise.module}.{name}" in shown for name in candidate.callees)


Wrong = dict[str, frozenset[str]]  # module -> functions
NO_CHILD = "not run: no child could be started to call it again"  # a kept call the sandbox could not make
MUTATED_INPUT = "mutated input"  # the diagnosis of a check whose function changed an argument in place (engine)


def _kept_world(planned: Sequence[Any], verdicts: Sequence[CheckResult], outcomes: Sequence[Outcome],
                sources: Mapping[str, str], sandbox: Sandbox, references: Any,
                again: frozenset[int], order: np.random.Generator | None
                ) -> dict[int, tuple[Intact, Outcome, Outcome | None]]:
    """index -> (callees kept, the answer, the second answer where the graded run called again) for every check of
    a function that reaches (through its own code) a function of the student's that broke its docstring's promise:
    changed an argument in place on a failed check (not through another that does: `sse` changing `x` through a
    `predict` that scales it), or answered a list or tuple where an array is promised. Each
    such check is called again with those callees kept to their promises: one that changes an argument works on
    copies and answers a copy; one that answers a list answers the array. A right caller's answer can go wrong
    only because a callee changed what it holds (`predict` scaling `x` in place under an `error_surface` that loops
    over `sse`; a `gradient_step` changing the array a descent appended) or gave it a list where it uses an array.

    The function is judged in that world alone, every check and every rule that reads its answers: its code can
    tell the two worlds apart (a list in one, an array in the other), and a check judged in either would give it
    two guesses. The calls are made as a graded run makes them: public ones first, then hidden ones (their answers
    kept as values only), each list in an order of its own, then the calls made again, with a time and answer
    budget of their own, a graded run's. A call not made (that budget used up, an import that did not finish), a
    time limit met or memory run out is the answer, as in the graded run. No reference code and no oracle are
    involved."""
    from grader.engine import _call

    listing = _answering_lists(planned, outcomes, references)
    mutating = _changing_arguments(planned, verdicts, outcomes, references)
    if not mutating and not listing:
        return {}  # no callee broke a promise: nothing to call again, and no source to read
    # a change made through a callee that changes its argument is the callee's, for what is said (`sse` changing `x`
    # through a `predict` that scales it); every function that changed one is kept to its promise all the same
    own_change = {module: frozenset(function for function in functions if not (
        reached_functions(sources.get(module, ""), function) - {function}) & functions)
                  for module, functions in mutating.items()}
    chosen: dict[int, Intact] = {}
    for index, (p, verdict, outcome) in enumerate(zip(planned, verdicts, outcomes, strict=True)):
        if verdict.grader_fault or outcome.status not in ("ok", "error", "timeout", "died"):
            continue
        module, function = p.exercise.module, p.exercise.function
        reached = reached_functions(sources.get(module, ""), function) - {function}
        changing, lists = reached & mutating.get(module, frozenset()), reached & listing.get(module, frozenset())
        if changing or lists:
            chosen[index] = Intact(changing, lists, changing & own_change.get(module, frozenset()) or changing)
    public = [index for index in chosen if planned[index].visibility == "public"]
    hidden = [index for index in chosen if planned[index].visibility != "public"]
    if order is not None:
        public, hidden = [public[i] for i in order.permutation(len(public))], \
            [hidden[i] for i in order.permutation(len(hidden))]
    twice = [index for index in hidden if index in again]
    answers: dict[int, Outcome] = {}
    second: dict[int, Outcome] = {}
    own = Allowance(sandbox.limits)  # a graded run's time and answer budget of its own: the graded run's leftover
    # would cut it short (the calls not made left as graded) for code that took its time there, right or not
    # derivatives worked out by hand in a session of their own, its import guarded, as in a graded run (`engine._run`)
    # (a session for each function differentiated, as a graded run has a child for each: in one session, a by-hand
    # call of another exercise tabled the function a later one differentiates, red team round 39, 06)
    with contextlib.ExitStack() as sessions:
        open_sessions: dict[tuple[bool, str], Session] = {}
        for index, into in [(i, answers) for i in (*public, *hidden)] + [(i, second) for i in twice]:
            p, intact = planned[index], chosen[index]
            by_hand = p.exercise.by_hand
            kind = (by_hand, p.exercise.differentiates if by_hand else "")
            try:
                session = open_sessions.get(kind)
                if session is None or session.ended:
                    session = open_sessions[kind] = sessions.enter_context(
                        sandbox.session(sources, own, [kind[1]] if kind[1] else ()))
                outcome = session.call(replace(_call(p.exercise, p.case), kept_intact=tuple(sorted(intact.names)),
                                               as_arrays=tuple(sorted(intact.lists))))
            except Exception:  # noqa: BLE001 - no child could be started: a call not made, as below
                outcome = Outcome("skipped", error=NO_CHILD)
            # a call not made (the budget used up, an import that did not finish) is its answer, as in a graded run:
            # leaving the graded verdict standing let code spend the budget on the first calls made so and keep
            # its graded passes on the rest
            into[index] = outcome if p.visibility == "public" else outcome.values_only()
    return {index: (chosen[index], outcome, second.get(index)) for index, outcome in answers.items()}


def _judged_kept(p: Any, graded: CheckResult, kept: Outcome, answered: Outcome, intact: Intact,
                 references: Any) -> CheckResult:
    """A check's verdict in the kept world: passing there where it failed as graded, it keeps its share and says
    which callee broke its promise; passing only as graded, it fails (the function relies on the promise broken).
    Failing both ways with the same answer, the graded verdict stands with what was said of it; with another
    answer, what was said of the graded one (a diagnosis, an edit searched for as graded) is not said of it."""
    from grader.compare import answer_key
    from grader.engine import judge

    if kept.status == "skipped" and kept.error == NO_CHILD and graded.passed:  # the grader's failure, not the code's
        return replace(graded, passed=False, score=0.0, diagnosis="",
                       student_message="this check could not be graded (a fault in the grader, reported to your "
                       "instructor)", instructor_message=f"{GRADER_FAULT}: no child could be started to call it "
                       f"again with the student's {' and '.join(sorted(intact.names))} kept to their promises; it "
                       "passed as graded")
    verdict = judge(p, kept, references)
    if verdict.passed and not graded.passed:
        return _carried_intact(graded, p.exercise, intact)
    if graded.passed and not verdict.passed:
        return _failed_intact(verdict, p.exercise, intact, "error" if kept.out_of_memory else kept.status)
    if graded.passed or (answered.status == kept.status and answered.status in ("ok", "error")
                         and answer_key(answered.value) == answer_key(kept.value)):
        return graded
    return replace(verdict, student_message=replace_hint(
        verdict.student_message, f"{_judged_so(p.exercise, intact)}, it does not pass this check. "
        f"{p.exercise.hint}"), instructor_message=f"judged with the student's {' and '.join(sorted(intact.names))} "
        f"kept to their promises, where it fails too, with another answer: {verdict.instructor_message}")


def _judged_so(exercise: Exercise, intact: Intact) -> str:
    """`your gradient_descent is judged with the functions it calls kept to their docstrings' promises (...)`."""
    broken = []
    if intact.said_changing:
        one = len(intact.said_changing) == 1
        broken.append(f"your {' and '.join(sorted(intact.said_changing))} {'changes' if one else 'change'} an "
                      "argument in place")
    if intact.lists:
        one = len(intact.lists) == 1
        broken.append(f"your {' and '.join(sorted(intact.lists))} {'answers' if one else 'answer'} a list or a tuple "
                      "where an array is promised")
    return (f"your {exercise.function} is judged with the functions it calls kept to their docstrings' promises "
            f"({'; '.join(broken)}), and so called")


@dataclass(frozen=True)
class Intact:
    """The callees a caller is judged given kept to their docstrings' promises: those that changed an argument in
    place (kept from it), and those that answered a list or tuple where an array is promised (made one)."""

    changing: frozenset[str]
    lists: frozenset[str]
    told: frozenset[str] = frozenset()  # those of `changing` said to change an argument (not only through another)

    @property
    def names(self) -> frozenset[str]:
        return self.changing | self.lists

    @property
    def said_changing(self) -> frozenset[str]:
        return self.told or self.changing


def _answering_lists(planned: Sequence[Any], outcomes: Sequence[Outcome], references: Any) -> Wrong:
    """module -> the functions that answered some check with a list or a tuple where the reference answers an array
    (accepted as their own answer, `grader.compare`, but a caller may use it as the array promised)."""
    found: dict[str, set[str]] = {}
    promises_array: dict[tuple[str, str], bool] = {}  # (exercise, kind of check) -> an array? (once, public first)
    answered = sorted(zip(planned, outcomes, strict=True), key=lambda pair: pair[0].visibility != "public")
    for p, outcome in answered:
        if outcome.status != "ok" or not isinstance(outcome.value, list | tuple) \
                or p.exercise.function in found.get(p.exercise.module, set()):
            continue
        kind = (p.exercise.key, p.label)
        if kind not in promises_array:
            try:
                expected = references.expectations(p)[-1].value
            except Exception:  # noqa: BLE001 - a fault of the grader: nothing said of this check
                continue
            promises_array[kind] = isinstance(expected, np.ndarray) and expected.ndim >= 1
        if promises_array[kind]:
            found.setdefault(p.exercise.module, set()).add(p.exercise.function)
    return {module: frozenset(functions) for module, functions in found.items()}


def _changing_arguments(planned: Sequence[Any], verdicts: Sequence[CheckResult], outcomes: Sequence[Outcome],
                        references: Any) -> Wrong:
    """module -> the functions that changed an argument in place on a check that looks: told so (`mutated input`)
    or not (a function with another slip beside it is told that one, and changes its argument all the same)."""
    from grader.engine import _changed_arguments

    found = {module: set(functions) for module, functions in _failed_with(planned, verdicts, MUTATED_INPUT).items()}
    for p, verdict, outcome in zip(planned, verdicts, outcomes, strict=True):
        if verdict.passed or outcome.status != "ok" or not p.case.check_mutation \
                or p.exercise.function in found.get(p.exercise.module, set()):
            continue
        try:
            changed = _changed_arguments(references.signature(p.exercise), p.case, outcome.args_after)
        except Exception:  # noqa: BLE001 - a fault of the grader: nothing said of this function
            continue
        if changed and not changed.startswith("("):  # an argument seen changed, not one whose state is unknown
            found.setdefault(p.exercise.module, set()).add(p.exercise.function)
    return {module: frozenset(functions) for module, functions in found.items()}


def _failed_with(planned: Sequence[Any], verdicts: Sequence[CheckResult], diagnosis: str) -> Wrong:
    """module -> the functions with a failed check of this diagnosis."""
    found: dict[str, set[str]] = {}
    for p, verdict in zip(planned, verdicts, strict=True):
        if not verdict.passed and verdict.diagnosis == diagnosis:
            found.setdefault(p.exercise.module, set()).add(p.exercise.function)
    return {module: frozenset(functions) for module, functions in found.items()}


@functools.lru_cache(maxsize=64)
def _functions_named(source: str) -> dict[str, frozenset[str]]:
    """Per top-level function of the module, the module's functions it names in its own code; empty where the source
    cannot be read. Parsed once per source (a submission's every function asks)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    defined = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
    return {name: frozenset(node.id for node in ast.walk(definition) if isinstance(node, ast.Name)
                            and node.id in defined) for name, definition in defined.items()}


@functools.lru_cache(maxsize=512)
def reached_functions(source: str, function: str, through: frozenset[str] | None = None) -> frozenset[str]:
    """The module's top-level functions that `function` names in its own code, directly or through others it
    names (read from the student's source: which functions a caller reaches is the student's, not the
    reference's); none where the source cannot be read. `through`: only these are looked into beyond the
    function's own code (all where None)."""
    named = _functions_named(source)
    reached: set[str] = set()
    waiting = list(named.get(function, ()))
    while waiting:
        name = waiting.pop()
        if name not in reached:
            reached.add(name)
            if through is None or name in through:
                waiting.extend(named[name])
    return frozenset(reached)


def _failed_intact(kept: CheckResult, exercise: Exercise, intact: Intact, status: str = "ok") -> CheckResult:
    """A check that passed as graded and fails with the callees kept to their promises: where the function answered
    (or raised), its answer rested on what a callee does beyond its promise (which callee, where there are several,
    is not told apart); where it met a time limit, its process ended or it was not run, only that is said (its own
    text says what came back; the hint says why it is judged so)."""
    hint = (f"{_judged_so(exercise, intact)}, it does not pass this check, which it passes as graded: it must not "
            "rely on what a function does beyond its docstring's promise (those functions' own checks count it)"
            if status in ("ok", "error") else
            f"{_judged_so(exercise, intact)}, it was not run: the submission used up its time or answer limits, or "
            "could not be loaded again; a pass as graded counts only where it holds so called" if status == "skipped"
            else f"{_judged_so(exercise, intact)}, it did not answer in time, or its process ended")
    return replace(kept, diagnosis="", student_message=replace_hint(kept.student_message, hint),
                   instructor_message=f"judged with the student's {' and '.join(sorted(intact.names))} kept to their "
                   f"promises, where it fails (as graded it passed): {kept.instructor_message}")


def _carried_intact(verdict: CheckResult, exercise: Exercise, intact: Intact) -> CheckResult:
    """The check passed with the callees kept to their promises: full share, a message naming each callee and what
    it does (functions only, never an input: the same text serves public and hidden checks)."""
    given, because = [], []
    if intact.said_changing:
        names = " and ".join(sorted(intact.said_changing))
        one = len(intact.said_changing) == 1
        given.append(f"your {names} left {'its' if one else 'their'} arguments as they were")
        because.append(f"{names}, which {'changes' if one else 'change'} an argument in place")
    if intact.lists:
        names = " and ".join(sorted(intact.lists))
        one = len(intact.lists) == 1
        given.append(f"your {names} answered {'a NumPy array' if one else 'NumPy arrays'}, as "
                     f"{'its docstring promises' if one else 'their docstrings promise'}")
        because.append(f"{names}, which {'answers' if one else 'answer'} a list or a tuple where an array is "
                       "promised")
    return _passed_kept(verdict, f"your {exercise.function} is right given that {' and that '.join(given)}; the error "
                        f"is in {' and in '.join(because)}", sorted(intact.names))


def _passed_kept(verdict: CheckResult, problem: str, kept: Sequence[str]) -> CheckResult:
    """Full share for a check passed with the callees `kept` to their promises; `problem` says where the error is."""
    return replace(verdict, passed=True, score=verdict.max_score, diagnosis="",
                   student_message=student_message(
                       call=None, problem=f"{problem} (error carried forward: this check keeps its points)"),
                   instructor_message=f"{CARRIED_FORWARD}: right given the student's {' and '.join(kept)} kept to "
                   f"their promises (originally: {verdict.instructor_message})")


def _wrong_functions(planned: Sequence[Any], verdicts: Sequence[CheckResult]) -> Wrong:
    """module -> the failing functions that are the student's work (not a missing or stub function, whose
    failure gives no answers to use)."""
    failed: dict[tuple[str, str], list[str]] = {}
    for p, verdict in zip(planned, verdicts, strict=True):
        if not verdict.passed and not verdict.grader_fault:
            failed.setdefault((p.exercise.module, p.exercise.function), []).append(verdict.diagnosis)
    wrong: dict[str, set[str]] = {}
    for (module, function), diagnoses in failed.items():
        if not any(d in NOT_STUDENT_WORK for d in diagnoses):
            wrong.setdefault(module, set()).add(function)
    return {module: frozenset(functions) for module, functions in wrong.items()}


def _with_inherited(wrong: Wrong, planned: Sequence[Any], verdicts: Sequence[CheckResult],
                    exercises: Sequence[Exercise]) -> Wrong:
    """`wrong`, with every failing function that calls one of them (directly or not): its failures may be
    theirs (`sse` wrong only through a wrong `predict`), so the functions calling it are judged given it too."""
    failing = {(p.exercise.module, p.exercise.function): p.exercise
               for p, verdict in zip(planned, verdicts, strict=True)
               if not verdict.passed and not verdict.grader_fault and verdict.diagnosis not in NOT_STUDENT_WORK}
    grown = {module: set(functions) for module, functions in wrong.items()}
    changed = True
    while changed:
        changed = False
        for (module, function), exercise in failing.items():
            if function not in grown.get(module, set()) and components(exercise, exercises) & grown.get(module, set()):
                grown.setdefault(module, set()).add(function)
                changed = True
    return {module: frozenset(functions) for module, functions in grown.items()}


def _roots(planned: Sequence[Any], verdicts: Sequence[CheckResult],
           carried: Sequence[_Candidate]) -> dict[str, tuple[str, ...]]:
    """Where a failing function's error comes from: a function whose every failed check is right given its
    failing components is blamed on theirs (`error_profile_slope` → `sse` → `predict`); any other on itself.
    For the message only."""
    carried_indices = {candidate.index for candidate in carried}
    fully_carried: dict[str, bool] = {}
    for index, (p, verdict) in enumerate(zip(planned, verdicts, strict=True)):
        if not verdict.passed:
            fully_carried[p.exercise.key] = fully_carried.get(p.exercise.key, True) and index in carried_indices
    callees = {candidate.exercise.key: candidate.callees for candidate in carried}

    def root(module: str, function: str, seen: frozenset[str]) -> tuple[str, ...]:
        key = f"{module}.{function}"
        if not fully_carried.get(key) or function in seen:
            return (function,)
        found = [name for callee in sorted(callees[key]) for name in root(module, callee, seen | {function})]
        return tuple(dict.fromkeys(found))

    return {key: root(*key.split("."), frozenset()) for key in fully_carried}


CARRIED, FAILS_TOO = "carried", "fails too"
AGREES, RAISES_TOO = "agrees", "raises too"  # how a caller's answer compares with the reference's, given theirs


def _given_theirs(candidate: _Candidate, p: Any, outcome: Outcome, session: Session, references: Any) -> str:
    """AGREES where the student's answer equals the reference composite's, run with their own failing components
    (and leaves the arguments as they were, where the check looks), or holds the same NaN and infinities;
    RAISES_TOO where their function raised and the reference raises too given those components; "" otherwise."""
    from grader.engine import _changed_arguments

    try:
        tolerance = references.expectations(p)[0].tolerance
        value, arguments_after = _evaluate(candidate, session)
    except _Unavailable:
        return ""
    except Exception:  # noqa: BLE001 - the reference fails on what the student's components gave
        return RAISES_TOO if outcome.status == "error" else ""
    if outcome.status != "ok":
        return ""
    expected = Expectation(value, tolerance, "reference with the student's components")
    if not (compare(outcome.value, expected).passed or _same_but_nan(outcome.value, expected)):
        return ""
    if candidate.case.check_mutation:  # the arguments must be left as the reference with those components leaves them
        try:
            left = tuple(_for_child(argument) for argument in arguments_after)
            positional = len(candidate.case.args)
            left_as = Case(left[:positional], dict(zip(candidate.case.kwargs, left[positional:], strict=True)))
        except _Unavailable:
            return ""
        if _changed_arguments(references.signature(candidate.exercise), left_as, outcome.args_after):
            return ""
    return AGREES


class _Checkers:
    """The children that check callers with the right components, one per caller: a fresh one for its public
    checks; for its hidden checks the same child where every public one passed there (no question was refused,
    so nothing was learnt that a right caller does not know), else a fresh one."""

    def __init__(self, sessions: contextlib.ExitStack,
                 fresh: Callable[[], contextlib.AbstractContextManager[Session]]):
        self._sessions, self._fresh = sessions, fresh
        self._passed: dict[str, Session] = {}  # caller -> its child, every check there passed so far
        self.open_work = _Work(OPEN_ORACLE_SECONDS)  # the parent's time on open oracles, the whole submission

    def child(self, caller: str) -> Session:
        kept = self._passed.pop(caller, None)
        return kept if kept is not None and not kept.ended else self._sessions.enter_context(self._fresh())

    def passed(self, caller: str, session: Session) -> None:
        self._passed[caller] = session


def _given_the_right_ones(agreeing: Sequence[tuple[_Candidate, str]], planned: Sequence[Any], checkers: _Checkers,
                          references: Any) -> list[tuple[_Candidate, str]]:
    """(candidate, CARRIED or FAILS_TOO) for the checks that agree given the student's components: CARRIED
    where their function passes every one of its checks among them with the right components too, in one
    child per function (any check that does not pass voids the others: a caller that learns from one check's
    refusals gains nothing on the next); FAILS_TOO for a check that raised where the reference raises too,
    when not carried."""
    by_exercise: dict[str, list[tuple[_Candidate, str]]] = {}
    for candidate, found in agreeing:
        by_exercise.setdefault(candidate.exercise.key, []).append((candidate, found))
    findings = []
    for key, group in by_exercise.items():
        right = _right_with_right_components([candidate for candidate, _ in group], planned, checkers, key,
                                             references)
        findings += [(candidate, CARRIED if right else FAILS_TOO) for candidate, found in group
                     if right or found == RAISES_TOO]
    return findings


def _same_but_nan(got: Any, expected: Expectation) -> bool:
    """Do `got` and the expected value have the same NaN and infinities (at least one) and agree elsewhere?"""
    try:
        mine = np.asarray(got, dtype=float)
        theirs = np.asarray(expected.value, dtype=float)
    except (TypeError, ValueError):
        return False
    if mine.shape != theirs.shape or np.isfinite(theirs).all():
        return False
    finite = np.isfinite(theirs)
    same_places = np.array_equal(np.isfinite(mine), finite)
    if not (same_places and np.array_equal(mine[~finite], theirs[~finite], equal_nan=True)):
        return False
    rest = Expectation(np.where(finite, theirs, 0.0), expected.tolerance, expected.source)
    return compare(np.where(finite, mine, 0.0), rest).passed


def _right_with_right_components(candidates: Sequence[_Candidate], planned: Sequence[Any], checkers: _Checkers,
                                 caller: str, references: Any) -> bool:
    """Does the student's function pass each of these checks (all of one function, `caller`) when called in its
    checking child on the check's input, its failing components answered by the parent from the reference? The
    child serves these calls only; the first that does not pass, or whose oracles refused a question, ends it."""
    from grader.engine import check_passes

    try:
        session = checkers.child(caller)
        for candidate in candidates:
            asked = _with_oracles(candidate, checkers.open_work)
            if asked is None:
                session.close()
                return False
            call, questions = asked
            outcome = session.call(call)
            if questions.refused or not check_passes(planned[candidate.index], outcome, references):
                session.close()
                return False
    except Exception:  # noqa: BLE001 - no child could be started, or no check could be made: no credit
        return False
    checkers.passed(caller, session)
    return bool(candidates)


@dataclass
class _Work:
    """The parent's time spent answering open oracles, across every check of a submission, and its limit."""

    limit: float
    spent: float = 0.0


def _with_oracles(candidate: _Candidate, work: _Work | None = None) -> tuple[Call, _Questions] | None:
    """The check's call of the student's function, its failing components as oracles: the parent first runs the
    reference composite on the check's input and records the components' calls, and answers only calls whose
    arguments match one of those (a caller that asks anything else gets no answer), so what it tells is what a
    right caller asks. None where the reference itself fails on that input or asks too much."""
    recorded: dict[str, list[inspect.BoundArguments]] = {name: [] for name in candidate.wrong}
    right: dict[str, Callable[..., Any]] = {}

    def recording(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        right[name] = function
        return _recorder(function, recorded[name])

    try:
        _, _, module = _run_reference(candidate, recording, "the right components")
    except Exception:  # noqa: BLE001 - the reference fails on the check's input: nothing to verify with
        return None
    module.__dict__.update(right)  # the oracles' answers are the reference's own, unrecorded
    if sum(len(calls) for calls in recorded.values()) > CALL_BUDGET:
        return None
    questions = _Questions()
    # beside the reference's own calls, none for a derivative worked out by hand: the function it differentiates
    # answered at points of its choosing would be a difference quotient worked out by the grader
    beside = 0 if candidate.exercise.by_hand else OFF_PATH_ANSWERS
    oracles = {name: _oracle(right[name], recorded[name], questions, beside) for name in candidate.wrong}
    work = work or _Work(OPEN_ORACLE_SECONDS)
    oracles.update({name: _open_oracle(module.__dict__[name], candidate.case, questions, work)
                    for name in candidate.own if callable(module.__dict__.get(name))})
    if len(oracles) < len(candidate.callees):
        return None
    exercise = candidate.exercise
    return Call(exercise.module, exercise.function, candidate.case.args, dict(candidate.case.kwargs),
                return_args=candidate.case.check_mutation, oracles=oracles, by_hand=exercise.by_hand,
                differentiates=exercise.differentiates,
                evaluates_differentiated=exercise.evaluates_differentiated, held_alike=exercise.held_alike), questions


def _recorder(function: Callable[..., Any], calls: list[inspect.BoundArguments]) -> Callable[..., Any]:
    """`function`, recording the arguments of each call (copies, as they were when it was called)."""
    signature = inspect.signature(function)

    def recording(*args: Any, **kwargs: Any) -> Any:
        if len(calls) <= CALL_BUDGET:
            bound = signature.bind(*(_copied(arg) for arg in args), **{k: _copied(v) for k, v in kwargs.items()})
            bound.apply_defaults()
            calls.append(bound)
        return function(*args, **kwargs)

    recording.__name__ = function.__name__
    return recording


@dataclass
class _Questions:
    """What one call's oracles were asked: once any question is refused, every later one is too, and the call
    fails its check whatever it returns (a caller that catches a refusal learns what lies off the path)."""

    refused: bool = False


def _oracle(function: Callable[..., Any], calls: Sequence[inspect.BoundArguments],
            questions: _Questions, beside: int = OFF_PATH_ANSWERS) -> Callable[[Any, Any], Any]:
    """What the parent answers for the right `function` as a session call's oracle: its value on the arguments
    the child sent, where they match (same kinds, shapes and integers, numbers within a rounding) the arguments
    of one of the reference's own `calls`, or, for a few questions (`beside` and one per ten calls, none where
    `beside` is 0), of the same kind as one (its integers, words and given functions, other finite numbers);
    anything else is refused
    (no answer), and so is every question after it, of any oracle of the call, or beyond twice as many as the
    reference asked: what the parent computes stays bounded by the reference's own work."""
    signature = inspect.signature(function)
    following = [0]  # a right caller asks in the reference's order: look there first
    asked = [0]
    off_path = [0]  # questions answered beside the reference's own (a right caller may ask one or two more)

    def refuse(why: str) -> NoReturn:
        questions.refused = True
        raise _Unavailable(why)

    def answer(args: Any, kwargs: Any) -> Any:
        asked[0] += 1
        if questions.refused or asked[0] > 2 * len(calls) + 8:
            refuse("no more answers")
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            refuse("arguments that are not a call")
        decoded_args = [from_wire(arg) for arg in args]  # a given function stays a name (`Given`), never built
        decoded_kwargs = {str(key): from_wire(value) for key, value in kwargs.items()}
        try:
            bound = signature.bind(*decoded_args, **decoded_kwargs)
        except TypeError:
            refuse("arguments the function does not take")
        bound.apply_defaults()
        order = list(range(following[0], len(calls))) + list(range(following[0]))
        found = next((index for index in order if _matching(bound.arguments, calls[index].arguments)), None)
        if found is not None:
            following[0] = found + 1
        elif beside and off_path[0] < beside + len(calls) // 10:
            # a question the reference does not ask, of the kind of one it asks (the same shapes, integers, words
            # and given functions; other numbers): what a right caller written otherwise asks (the gradient at the
            # last point, taken at the end of each pass), which costs the parent no more than that call did
            found = next((index for index in order
                          if _matching(bound.arguments, calls[index].arguments, numbers_free=True)), None)
            off_path[0] += found is not None
        if found is None:
            refuse("arguments the reference never reaches on this check")
        recorded = calls[found]
        arguments = {name: _adopted(value, recorded.arguments[name]) for name, value in bound.arguments.items()}
        call = inspect.BoundArguments(signature, arguments)  # type: ignore[arg-type]
        with np.errstate(all="ignore"):
            return function(*call.args, **call.kwargs)

    return answer


def _open_oracle(function: Callable[..., Any], case: Case, questions: _Questions,
                 work: _Work) -> Callable[[Any, Any], Any]:
    """What the parent answers for the right `function` as an oracle of a caller the reference writes without it
    (no recorded call to match): its value on arguments no larger than the check's own input, each integer at most
    the largest integer or number of entries there, each array or list at most its largest, a given function only
    one the check passes (by name, never built from what the child sent), at most CALL_BUDGET questions within
    SECONDS_BUDGET seconds, and the parent's time on open oracles within `work`'s limit for the whole submission
    (each check's limit alone let 28 checks cost the grader 25 s of its CPU: red team round 49, 04). So what the
    parent computes stays bounded by the size of the check and the submission."""
    signature = inspect.signature(function)
    givens: list[Given] = []
    sizes = _Sizes()
    for argument in (*case.args, *case.kwargs.values()):
        sizes.measure(argument, givens)
    asked, deadline = [0], time.monotonic() + SECONDS_BUDGET

    def refuse(why: str) -> NoReturn:
        questions.refused = True
        raise _Unavailable(why)

    def answer(args: Any, kwargs: Any) -> Any:
        asked[0] += 1
        if questions.refused or asked[0] > CALL_BUDGET or time.monotonic() > deadline or work.spent > work.limit:
            refuse("no more answers")
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            refuse("arguments that are not a call")
        decoded_args = [from_wire(arg) for arg in args]
        decoded_kwargs = {str(key): from_wire(value) for key, value in kwargs.items()}
        if not all(sizes.within(value, givens) for value in (*decoded_args, *decoded_kwargs.values())):
            refuse("arguments larger than the check's own")
        try:
            bound = signature.bind(*(_for_reference(value) for value in decoded_args),
                                   **{key: _for_reference(value) for key, value in decoded_kwargs.items()})
        except TypeError:
            refuse("arguments the function does not take")
        started = time.process_time()
        try:
            with np.errstate(all="ignore"):
                return function(*bound.args, **bound.kwargs)
        finally:
            work.spent += time.process_time() - started

    return answer


@dataclass
class _Sizes:
    """The largest integer (or number of entries) and the largest array or list of a check's input."""

    integer: int = 1
    entries: int = 1  # the largest array's, then the product of the two largest (a grid made of two inputs)
    sizes: list[int] = field(default_factory=list)

    def measure(self, value: Any, givens: list[Given], depth: int = 0) -> None:
        if isinstance(value, Given):
            givens.append(value)
        elif isinstance(value, int | np.integer) and not isinstance(value, bool):
            self.integer = max(self.integer, abs(int(value)))
        elif isinstance(value, np.ndarray | list | tuple) and depth < 4:
            size = int(np.size(value)) if isinstance(value, np.ndarray) else len(value)
            self.sizes = sorted([*self.sizes, size])[-2:]
            self.entries = max(self.entries, size, int(np.prod(self.sizes)))
            self.integer = max(self.integer, size)
            if not isinstance(value, np.ndarray):
                for item in value:
                    self.measure(item, givens, depth + 1)

    def within(self, value: Any, givens: Sequence[Given], depth: int = 0) -> bool:
        if isinstance(value, Given):
            return value in givens
        if value is None or isinstance(value, bool | float | str | np.bool_ | np.floating):
            return not isinstance(value, str) or len(value) <= 100
        if isinstance(value, int | np.integer):
            return abs(int(value)) <= self.integer
        if isinstance(value, np.ndarray):
            return value.dtype.kind in "biuf" and value.size <= self.entries and (
                value.dtype.kind == "f" or bool(np.all(np.abs(value) <= self.integer)))
        if isinstance(value, list | tuple):
            return depth < 4 and len(value) <= self.entries and all(self.within(item, givens, depth + 1)
                                                                     for item in value)
        return False


def _adopted(asked: Any, recorded: Any) -> Any:
    """The child's argument, with each given function (a name) replaced by the reference's own at that place."""
    if isinstance(asked, Given):
        return recorded
    if isinstance(asked, list | tuple) and isinstance(recorded, list | tuple):
        return type(asked)(_adopted(a, r) for a, r in zip(asked, recorded, strict=True))
    return asked


def _copied(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, list | tuple):
        return type(value)(_copied(item) for item in value)
    return value


def _matching(asked: Any, recorded: Any, numbers_free: bool = False) -> bool:
    """Are the child's arguments those of a recorded call, up to rounding (same kinds and shapes; integers,
    words and given functions exactly)? `numbers_free`: of the same kind, any finite floats in place of the
    recorded ones (integers, words and given functions still exactly)."""
    if isinstance(recorded, dict):
        return isinstance(asked, dict) and asked.keys() == recorded.keys() and all(
            _matching(asked[key], recorded[key], numbers_free) for key in recorded)
    if isinstance(recorded, _GivenInParent):
        return isinstance(asked, Given) and asked == recorded.given
    if isinstance(recorded, bool | np.bool_ | str) or recorded is None:
        return type(asked) is type(recorded) and asked == recorded
    if isinstance(recorded, int | np.integer) and not isinstance(recorded, bool):
        return isinstance(asked, int | np.integer) and not isinstance(asked, bool) and int(asked) == int(recorded)
    if isinstance(recorded, list | tuple) and not all(isinstance(item, int | float) for item in recorded):
        return isinstance(asked, list | tuple) and len(asked) == len(recorded) and all(
            _matching(a, r, numbers_free) for a, r in zip(asked, recorded, strict=True))
    if isinstance(recorded, float) and isinstance(asked, float | int) and not isinstance(asked, bool):
        return math.isfinite(float(asked)) if numbers_free else _close(float(asked), recorded)
    try:
        mine = np.asarray(asked, dtype=float)
        theirs = np.asarray(recorded, dtype=float)
    except (TypeError, ValueError):
        return False
    if mine.shape != theirs.shape:
        return False
    if numbers_free:  # integers kept as they were (a count, an index); every other number finite
        integral = np.asarray(recorded).dtype.kind in "biu"
        return bool(np.array_equal(mine, theirs) if integral else np.all(np.isfinite(mine)))
    if np.array_equal(mine, theirs):  # the usual case: a right caller asks exactly what the reference asked
        return True
    with np.errstate(invalid="ignore"):
        near = np.abs(mine - theirs) <= MATCH_ATOL + MATCH_RTOL * np.abs(theirs)
    return bool(np.all(near | (np.isnan(mine) & np.isnan(theirs))))


MATCH_RTOL, MATCH_ATOL = 1e-7, 1e-10  # arguments the same up to rounding (another order of the same sum)


def _close(asked: float, recorded: float) -> bool:
    if asked == recorded or (math.isnan(asked) and math.isnan(recorded)):
        return True
    return abs(asked - recorded) <= MATCH_ATOL + MATCH_RTOL * abs(recorded)


def _run_reference(candidate: _Candidate, stand_in: Callable[[str, Callable[..., Any]], Callable[..., Any]],
                   label: str) -> tuple[Any, tuple, types.ModuleType]:
    """The reference composite run on the check's input, loaded afresh from the kit, each failing component
    replaced by `stand_in(name, the reference's own function)`: its value, its arguments after the run
    (positional ones, then those sent by keyword, as the child answers them), and the module it ran in."""
    exercise = candidate.exercise
    module = kit.load_trusted_module(f"calcgrade_carried_{exercise.module}", kit.solution_source(exercise.module),
                                     f"<{exercise.key} with {label}>")
    for name in candidate.wrong:
        module.__dict__[name] = stand_in(name, module.__dict__[name])
    args = tuple(_for_reference(arg) for arg in candidate.case.args)
    kwargs = {key: _for_reference(value) for key, value in candidate.case.kwargs.items()}
    with np.errstate(all="ignore"):
        return getattr(module, exercise.function)(*args, **kwargs), (*args, *kwargs.values()), module


def _evaluate(candidate: _Candidate, session: Session) -> tuple[Any, tuple]:
    """The reference composite's value on the check's input, its failing components answered by the child, and
    its arguments after the run (positional, then by keyword)."""
    deadline, made = time.monotonic() + SECONDS_BUDGET, [0]
    intact = candidate.intact or Intact(frozenset(), frozenset())
    value, args, _ = _run_reference(
        candidate, lambda name, _: _proxy(candidate.exercise.module, name, session, made, deadline,
                                          kept=name in intact.changing, as_array=name in intact.lists),
        "the student's components")
    return value, args


def _proxy(module: str, function: str, session: Session, made: list[int], deadline: float, kept: bool = False,
           as_array: bool = False) -> Callable[..., Any]:
    """A stand-in for the student's `function` in the reference module: each call is made in the child (`made`
    counts them, for every component of one evaluation), and what the student's function did to its arguments
    (an array changed in place) is done to the reference's too, unless it is `kept` to its promise (its arguments
    left as they were); `as_array`: a list or tuple it answers is made the array promised."""

    def student_function(*args: Any, **kwargs: Any) -> Any:
        if made[0] >= CALL_BUDGET or time.monotonic() >= deadline:
            raise _Unavailable("over budget")
        made[0] += 1
        call = Call(module, function, tuple(_for_child(arg) for arg in args),
                    {key: _for_child(value) for key, value in kwargs.items()}, return_args=True, numpy_types=True)
        try:
            outcome = session.call(call)
        except RuntimeError as error:  # the sandbox, not the student's code: never a failure of the reference
            raise _Unavailable("no child could be started") from error
        if outcome.status == "error":
            raise _ComponentRaised(function)
        if outcome.status != "ok" or _holds_unsupported(outcome.value) or _too_many_numbers(outcome.value):
            raise _Unavailable(f"{function}: {outcome.status}")
        if not kept:
            _write_back((*args, *kwargs.values()), outcome.args_after)
        if as_array and isinstance(outcome.value, list | tuple):
            return np.asarray(outcome.value, dtype=float)
        return outcome.value

    student_function.__name__ = function
    return student_function


def _write_back(args: tuple[Any, ...], after: Any) -> None:
    """Copy the state of each array or list argument after the student's call into the reference's object, where
    it still fits (same shape, plain numbers): a component that changes its input in place does so here too."""
    if not isinstance(after, list) or len(after) != len(args):
        raise _Unavailable("the arguments' state after the call is missing")
    for sent, changed in zip(args, after, strict=True):
        if isinstance(sent, np.ndarray) and sent.dtype.kind in "biuf":
            changed = np.asarray(changed, dtype=float) if not _holds_unsupported(changed) else None
            if changed is None or changed.shape != sent.shape:
                raise _Unavailable("an argument changed shape")
            sent[...] = changed.astype(sent.dtype)
        elif isinstance(sent, list) and sent != changed:
            if not isinstance(changed, list) or _holds_unsupported(changed):
                raise _Unavailable("an argument changed kind")
            sent[:] = changed


class _GivenInParent:
    """One of the grader's given functions as the reference calls it here, remembering its name, so that a
    component call passes it to the child by name (as a check's own call does)."""

    def __init__(self, given: Given):
        from grader import given as given_functions  # SymPy: only where a given function is passed

        self.given = given
        self._function = given_functions.resolve(given.name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._function(*args, **kwargs)


def _for_reference(value: Any) -> Any:
    """A check's argument as the reference gets it: given functions callable, containers copied."""
    if isinstance(value, Given):
        return _GivenInParent(value)
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, tuple):
        return tuple(_for_reference(item) for item in value)
    if isinstance(value, list):
        return [_for_reference(item) for item in value]
    return value


def _for_child(value: Any) -> Any:
    """An argument of a component call as plain data; anything else (a function the reference made up, an
    object) makes the evaluation unavailable."""
    if isinstance(value, _GivenInParent):
        return value.given
    if value is None or isinstance(value, bool | int | float | str | np.bool_ | np.integer | np.floating):
        return value
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return value.copy()
    if isinstance(value, tuple):
        return tuple(_for_child(item) for item in value)
    if isinstance(value, list):
        return [_for_child(item) for item in value]
    raise _Unavailable(f"an argument of type {type(value).__name__}")


def _too_many_numbers(value: Any) -> bool:
    """More numbers than an answer may hold (`plain.MAX_ELEMENTS`): only a forged answer has them, and the
    reference would broadcast them into arrays of any size in the grader's own process."""
    try:
        return int(np.size(np.asarray(value, dtype=object))) > MAX_ELEMENTS
    except (TypeError, ValueError):
        return True


def _holds_unsupported(value: Any) -> bool:
    if isinstance(value, Unsupported):
        return True
    if isinstance(value, list | tuple):
        return any(_holds_unsupported(item) for item in value)
    return False


def _carried(verdict: CheckResult, candidate: _Candidate, roots: Mapping[str, tuple[str, ...]]) -> CheckResult:
    """The check passed on the student's own components (or, where it reaches a failing function the reference
    does not call, with the right ones): full share, a message naming where the error is."""
    given = ", ".join(sorted(candidate.callees))
    judged = "with the right" if candidate.own else "given the student's"
    return replace(verdict, passed=True, score=verdict.max_score, diagnosis="",
                   student_message=carried_message(candidate.exercise, candidate.callees, roots,
                                                   with_right=bool(candidate.own)),
                   instructor_message=f"{CARRIED_FORWARD}: right {judged} {given} (originally: "
                   f"{verdict.instructor_message})")


def _carried_kept_intact(verdict: CheckResult, candidate: _Candidate,
                         roots: Mapping[str, tuple[str, ...]]) -> CheckResult:
    """The check passed on the student's own components kept to their promises: full share, a message naming
    where the errors are, the promise broken among them."""
    intact = candidate.intact or Intact(frozenset(), frozenset())
    kept = [f"{name} leaving its arguments as they were" for name in sorted(intact.said_changing)] + \
        [f"{name} answering an array as promised" for name in sorted(intact.lists - intact.changing)]
    given = " and ".join(sorted(candidate.wrong))
    blamed = " and ".join(dict.fromkeys(name for component in sorted(candidate.wrong)
                                        for name in roots.get(f"{candidate.exercise.module}.{component}",
                                                              (component,))))
    return _passed_kept(verdict, f"your {candidate.exercise.function} is right given your {given}, with "
                        f"{' and '.join(kept)}; the error is in {blamed}, in what it answers and in keeping its "
                        "promise", sorted(candidate.wrong))


def carried_message(exercise: Exercise, wrong: frozenset[str], roots: Mapping[str, tuple[str, ...]],
                    with_right: bool = False) -> str:
    """`your gradient_descent is right given your sse_gradient; the error is in sse_gradient (…)`: functions only,
    never an input, so the same text serves public and hidden checks. `with_right`: judged with the right ones
    (`your descend_1d is right with a right gradient_step, which it calls; …`)."""
    given = " and ".join(sorted(wrong))
    blamed = list(dict.fromkeys(name for component in sorted(wrong)
                                for name in roots.get(f"{exercise.module}.{component}", (component,))))
    where = " and ".join(blamed)
    through = "" if set(blamed) == set(wrong) else f", which your {given} calls"
    judged = f"with a right {given}, which it calls" if with_right else f"given your {given}"
    return student_message(call=None, problem=f"your {exercise.function} is right {judged}; the error is "
                           f"in {where}{through} (error carried forward: this check keeps its points)")


def _fails_too_note(candidate: _Candidate, roots: Mapping[str, tuple[str, ...]]) -> str:
    """A line for a check whose function raised where the reference raises too, given the student's components:
    the error may come from those (no points: an exception is no answer to compare)."""
    given = " and ".join(sorted(candidate.wrong))
    return (f"note:     given your {given}, the reference {candidate.exercise.function} fails on this input too: "
            f"the error may be in {given}; fix it first")


def carried_note(checks: Sequence[CheckResult]) -> str:
    """The exercise's note when some of its checks were carried forward: the first such message's problem."""
    for check in checks:
        if check.carried_forward:
            return check.student_message.removeprefix("problem:").strip()
    return ""
