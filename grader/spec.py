"""The declarative shape of an exercise, and of the results the engine returns.

An `Exercise` says everything about one student function in one place: its name, points, the
checks (each a labelled input generator), how the expected value is derived (SymPy or the
reference solution, with a tolerance), the general hint, and the library of known mistakes
(buggy rules, each a replacement body for the reference solution) and of correct alternative forms.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np

from grader.compare import Diagnosis, Expectation

Visibility = Literal["public", "hidden"]
GRADER_FAULT = "grader fault"  # how an instructor message about a failure of the grader itself begins
CARRIED_FORWARD = "error carried forward"  # how the instructor message of a check passed that way begins
# How the instructor message begins of a check right on its own that scores nothing because another check of its kind
# (its hidden check, the general kind of an edge case) did not pass.
COUNTED_AWAY = "right, counted with its kind"
POINT_DIGITS = 4  # points are whole multiples of 10**-POINT_DIGITS, so sums are exact when rounded


def split_points(points: float, count: int) -> list[float]:
    """Split an exercise's points over its checks in whole units, the remainder to the first checks."""
    units = round(points * 10**POINT_DIGITS)
    base, extra = divmod(units, count)
    return [(base + (index < extra)) / 10**POINT_DIGITS for index in range(count)]


STRUCTURES = 4  # the structures a hidden input may take where a public check fixes one (`structure`)


class HiddenDraws(np.random.Generator):
    """The generator a hidden check's input is drawn from. Besides its numbers, it holds a `plan` (1 to `STRUCTURES`)
    that picks the input's structure where a public check fixes one (`structure`): an array's length, a grid's size,
    a Hessian's size, a number of steps, a learning rate, a step h. Hidden inputs repeated the public ones'
    structure, and code written for it kept full marks (a loop over `range(9)` for the public array's nine entries,
    a learning rate or a step count written in, a step h capped, a square grid never handled: 44 entries of the
    forty-second holdout's writer). The plan consumes no number, so every redraw of one hidden input keeps its
    structure, and more inputs of that structure can be drawn with the same plan (the neighbour probe's)."""

    def __init__(self, seed: int, plan: int):
        super().__init__(np.random.PCG64(seed))
        self.plan = plan


def structure(rng: np.random.Generator, public: Any, hidden: tuple[Any, ...]) -> Any:
    """`public` where `rng` draws anything but a hidden input (a public check's, a probe's of a public one, the
    checks' own tests); else the one of `hidden` (structures no public check has) that its plan picks."""
    plan = getattr(rng, "plan", 0)
    return hidden[(plan - 1) % len(hidden)] if plan and hidden else public


@dataclass(frozen=True)
class Case:
    """One call of a student function: positional and keyword arguments (plain values or `Given`).

    Every call's arguments are compared after it with what was sent: no function of the kit may change its
    inputs (a caller's list or array changed in place kept its marks wherever a check did not look)."""

    args: tuple[Any, ...]
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    check_mutation: bool = True  # compare the arguments after the call with what was sent
    plan: int = 0  # the structure it was drawn with (`HiddenDraws`): 0 for a public input's


class References(Protocol):
    """What an expectation rule may consult in the trusted parent."""

    def solution(self, key: str) -> Callable[..., Any]: ...


ExpectRule = Callable[[Case, References], Expectation]


@dataclass(frozen=True)
class Check:
    """A labelled kind of input (e.g. "arrays", "data that is not centred"), drawn from a seeded RNG."""

    label: str
    make_case: Callable[[np.random.Generator], Case]
    # An edge case whose right answer an impostor gives by construction (the start, for no step; the intercept, for
    # a flat line): its points count only where a check of this kind passes too (`engine.count_edge_cases_with`)
    counts_with: str = ""


@dataclass(frozen=True)
class Misconception:
    """A known mistake: a body that replaces the reference solution's, and the hint that names it. Where the body
    is withheld (a student bundle), `form` may stand in for it: the digest of its formula's unexpanded form, which
    tells whether a student's formula reads as the mistake's own (`symbolic.form_digest`)."""

    name: str
    hint: str
    body: str
    form: str = ""
    # Where the hint says the slip is: the part of the differentiated function (code, in the exercise's parameters)
    # whose derivative the mistake gets wrong. Where the student's code works out that part's derivative right and
    # uses it, the same value comes from a slip elsewhere, and the mistake is not named (`symbolic`).
    slip_in: str = ""

    @property
    def diagnosis(self) -> Diagnosis:
        """Named where the answers show it: the hint begins with the mistake's name, so the student reads what
        was done before the rule that corrects it."""
        named = self.hint.lower().startswith(self.name.lower())
        return Diagnosis(self.name, self.hint if named else f"{self.name}: {self.hint}")


@dataclass(frozen=True)
class Exercise:
    module: str
    function: str
    points: float
    checks: tuple[Check, ...]
    expect: tuple[ExpectRule, ...]
    hint: str
    misconceptions: tuple[Misconception, ...] = ()
    alternatives: tuple[str, ...] = ()  # correct bodies in other forms: they must keep full marks
    call_seconds: float | None = None  # per-call time limit, if not the default
    returns: tuple[str, ...] = ()  # what each returned value is, where the function returns a few numbers
    # Where one 1-D array holds the named parts: each "1" (one value) or "n" (a block, all blocks one length)
    return_sizes: tuple[str, ...] = ()
    # A derivative to be worked out by hand: during its calls the submission's functions take real numbers only,
    # so a complex step or a dual number through them fails (`grader.sandbox.by_hand`)
    by_hand: bool = False
    # The module function the answer is the slope of, taking the same arguments (`f_poly` for `df_poly`): during a
    # by-hand call it may be evaluated at the call's input only, so a numerical method through it fails
    differentiates: str = ""
    # Whether that function may be evaluated at all (at the input): False for a polynomial, whose values at a few
    # points (an array's entries, the inputs of a few calls) determine it and so its derivative; the power rule needs
    # none of them
    evaluates_differentiated: bool = True
    # Other module functions that evaluate what `differentiates` does, under other names and arguments (the SSE on a
    # grid of slopes and intercepts: `error_surface`): held to the call's input alike, so a difference quotient
    # through them fails too (red team round 61, 05)
    held_alike: tuple[str, ...] = ()
    # Inputs drawn for each hidden check, all of which must be right for it to pass: an answer that is one of a few
    # labels or counts can be right by chance (a random label passes one check in four), and k draws make a guess
    # pass a check one time in 4^k; a student who knows the rule passes every draw of a kind as easily as one
    hidden_draws: int = 1
    # Earlier exercises of its module a right function may be built on beyond those its reference calls (a descend_1d
    # on gradient_step): where the student's fails, the caller is judged with it answered right (error carried
    # forward). No other function of the student's is ever answered right for it: a later exercise's answer, or
    # an earlier one's searched over, can do the caller's own job (an sse read from an error surface, a least-squares
    # fit zoomed in on with best_fit_on_grid).
    builds_on: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.module}.{self.function}"


# ----- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    exercise: str  # "module.function"
    label: str
    visibility: Visibility
    passed: bool
    score: float
    max_score: float
    student_message: str  # the call, what came back, what was expected (public only), a hint
    instructor_message: str = ""  # grader faults and sandbox events, never shown to students
    diagnosis: str = ""  # name of the known mistake the answer matched, if any

    @property
    def grader_fault(self) -> bool:
        """The grader, not the student's code, failed on this check (never the student's loss to explain)."""
        return self.instructor_message.startswith(GRADER_FAULT)

    @property
    def carried_forward(self) -> bool:
        """Passed because the answer is right given the student's own wrong function it calls (carry_forward)."""
        return self.instructor_message.startswith(CARRIED_FORWARD)

    @property
    def counted_away(self) -> bool:
        """Right, but scoring nothing because a check it counts with did not pass (neither right nor wrong alone)."""
        return self.instructor_message.startswith(COUNTED_AWAY)

    @property
    def name(self) -> str:
        suffix = " (hidden)" if self.visibility == "hidden" else ""
        return f"{self.exercise}: {self.label}{suffix}"


@dataclass(frozen=True)
class ExerciseResult:
    exercise: str
    checks: tuple[CheckResult, ...]
    max_score: float
    note: str = ""  # e.g. "derivatives.py is missing"

    @property
    def score(self) -> float:
        return math.fsum(check.score for check in self.checks)  # six checks of 4/6 sum to 4.0, not 3.9999…

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(check.passed for check in self.checks)


@dataclass(frozen=True)
class SubmissionResult:
    student: str
    exercises: tuple[ExerciseResult, ...]
    notes: tuple[str, ...] = ()
    # for the instructor, never the student: what in the submission is worth a look by hand, the score standing
    # (a way into the interpreter beside a derivative to be worked out by hand, `grader.sandbox.reflection`)
    review: tuple[str, ...] = ()

    @property
    def score(self) -> float:
        return math.fsum(exercise.score for exercise in self.exercises)

    @property
    def max_score(self) -> float:
        return sum(exercise.max_score for exercise in self.exercises)

    def exercise(self, key: str) -> ExerciseResult:
        return next(result for result in self.exercises if result.exercise == key)
