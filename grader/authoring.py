"""The keyword form of an exercise declaration, for authors adding exercises (see docs/authoring.md).

    exercise(
        module="neural_network", function="dloss_db", points=3,
        checks={"random data": random_neuron_data, "integer targets": integer_targets},
        expect=by_sympy(dloss_db_exact, GRADIENT, "sympy.diff of the loss"),
        hint="...",
        mistakes=[mistake(name="sign flipped", hint="...", body="...")],
        alternatives=["..."],
    )

builds a `grader.spec.Exercise`; every module of `grader/curriculum/` declares its exercises this way, so
each exercise's whole definition reads as one block. `checks` maps each label to a named input generator (a
function of a NumPy random generator that returns a `Case`, or just the tuple of arguments), `expect` is one
rule or a list of rules (an answer must satisfy all of them), `mistakes` and `alternatives` are lists.
`calcgrade check-exercises` validates it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.spec import Case, Check, Exercise, ExpectRule, Misconception

InputGenerator = Callable[[np.random.Generator], Case | tuple[Any, ...]]


@dataclass(frozen=True)
class EdgeCase:
    """A kind of check whose right answer something that does none of the work gives too (no step taken: the path
    is the start; a slope of 0: the line is its intercept; one of a handful of integers: a table of their answers):
    its points count only where the check `counts_with` names passes as well. Declared in `checks` as
    `edge_case(generate, counts_with="thirty steps")`."""

    generate: InputGenerator
    counts_with: str


def edge_case(generate: InputGenerator, *, counts_with: str) -> EdgeCase:
    return EdgeCase(generate, counts_with)


def mistake(*, name: str, hint: str, body: str, slip_in: str = "") -> Misconception:
    """A known mistake: its short name, the hint that explains it, and the body a student would write; `slip_in`,
    where the hint places the slip in the derivative of one part of the function, that part's code."""
    return Misconception(name=name, hint=hint, body=body, slip_in=slip_in)


def _as_case(generate: InputGenerator) -> Callable[[np.random.Generator], Case]:
    def make_case(rng: np.random.Generator) -> Case:
        drawn = generate(rng)
        return drawn if isinstance(drawn, Case) else Case(tuple(drawn))

    make_case.__name__ = getattr(generate, "__name__", "make_case")
    make_case.__doc__ = getattr(generate, "__doc__", None)
    return make_case


def exercise(*, module: str, function: str, points: float, checks: Mapping[str, InputGenerator | EdgeCase],
             expect: ExpectRule | Sequence[ExpectRule], hint: str, mistakes: Sequence[Misconception] = (),
             alternatives: Sequence[str] = (), call_seconds: float | None = None,
             returns: Sequence[str] = (), return_sizes: Sequence[str] = (), by_hand: bool = False,
             differentiates: str = "", evaluates_differentiated: bool = True, held_alike: Sequence[str] = (),
             hidden_draws: int = 1, builds_on: Sequence[str] = ()) -> Exercise:
    """One exercise, declared with keywords; raises ValueError on a declaration that cannot be graded.

    `returns` names each value of a function that returns a few numbers (("the slope", "the intercept")): a
    failed public check then says which of them is off, and a repair says in which one its change lies;
    `return_sizes`, where one 1-D array holds them, says how long each is: "1" (one value) or "n" (a block, all
    blocks one length: ("n", "n", "n", "1") for 3n + 1 values). `by_hand`:
    the answer is a derivative worked out by hand; during its calls the submission's functions refuse complex
    numbers and any object but plain real data, so a complex step, a dual number or SymPy's symbols through them
    fail; `differentiates` names the module function the answer is the slope of (same arguments; implies
    `by_hand`): during the call it may be evaluated at the input only, so any numerical method through it fails;
    `evaluates_differentiated=False`: not at all (a polynomial: its values at a few points determine it).
    `held_alike`: other module functions that evaluate the differentiated one under other names and arguments (the
    SSE on a grid: `error_surface`), held to the call's input the same way.
    `hidden_draws`: inputs drawn for each hidden check, all to be right for it to pass (for answers that are one of a
    few labels or counts, which a guess would otherwise get right by chance). `builds_on`: earlier exercises of the
    module a right function may call beyond those its reference calls, whose errors are carried forward
    (`grader.carry_forward`; `Exercise.builds_on`)."""
    if not checks:
        raise ValueError(f"{module}.{function}: an exercise needs at least one check")
    rules = (expect,) if callable(expect) else tuple(expect)
    if not rules:
        raise ValueError(f"{module}.{function}: an exercise needs at least one expectation rule")
    if held_alike and not differentiates:
        raise ValueError(f"{module}.{function}: `held_alike` holds functions alike the one `differentiates` names")
    if hidden_draws < 1:
        raise ValueError(f"{module}.{function}: `hidden_draws` is at least 1")
    if len(returns) == 1:
        raise ValueError(f"{module}.{function}: `returns` names each of several returned values")
    if return_sizes and (len(return_sizes) != len(returns) or not set(return_sizes) <= {"1", "n"}):
        raise ValueError(f"{module}.{function}: `return_sizes` gives each returned value's size, \"1\" or \"n\"")
    for label, generate in checks.items():
        if isinstance(generate, EdgeCase) and (generate.counts_with not in checks or generate.counts_with == label
                                               or isinstance(checks[generate.counts_with], EdgeCase)):
            raise ValueError(f"{module}.{function}: the edge case {label!r} counts with another check, not an edge "
                             "case, of the exercise")
    names = [m.name for m in mistakes]
    if len(set(names)) != len(names):
        raise ValueError(f"{module}.{function}: two known mistakes share a name")
    return Exercise(
        module=module, function=function, points=points,
        checks=tuple(Check(label, _as_case(generate.generate), counts_with=generate.counts_with)
                     if isinstance(generate, EdgeCase) else Check(label, _as_case(generate))
                     for label, generate in checks.items()),
        expect=rules, hint=hint, misconceptions=tuple(mistakes), alternatives=tuple(alternatives),
        call_seconds=call_seconds, returns=tuple(returns), return_sizes=tuple(return_sizes),
        by_hand=by_hand or bool(differentiates),
        differentiates=differentiates, evaluates_differentiated=evaluates_differentiated, hidden_draws=hidden_draws,
        builds_on=tuple(builds_on), held_alike=tuple(held_alike),
    )


def check_builds_on(exercises: Sequence[Exercise]) -> None:
    """Raise ValueError where an exercise's `builds_on` names anything but an exercise declared before it in its
    module: a later exercise's right answer can hold the caller's (an error surface holds every SSE), and error
    carried forward answers the functions named there right for the caller."""
    for place, exercise in enumerate(exercises):
        earlier = {other.function for other in exercises[:place] if other.module == exercise.module}
        if not set(exercise.builds_on) <= earlier:
            raise ValueError(f"{exercise.key}: `builds_on` names {sorted(set(exercise.builds_on) - earlier)}, not "
                             "an exercise declared before it in its module")
