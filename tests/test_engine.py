"""Grading whole submissions: full marks, zero without a crash, seeds, and what hidden checks reveal."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

import numpy as np
import pytest

from grader import engine, kit
from grader.compare import Tolerance
from grader.curriculum import BY_KEY, DECLARED, EXERCISES, declared_of_module, of_module
from grader.engine import (
    DRAWN_TOGETHER,
    LIVE,
    PUBLIC_SEED,
    WITHHELD,
    case_values,
    count_only_answers_that_tell_apart,
    count_only_answers_that_vary,
    count_public_with_hidden,
    grade_sources,
    plan,
    submission_digest,
)
from grader.plain import Given
from grader.sandbox.client import Outcome, Sandbox
from grader.spec import CheckResult, ExerciseResult


def test_reference_solutions_get_full_marks_on_public_and_hidden_checks(sandbox, solution_sources):
    result = grade_sources(solution_sources, sandbox, student="ref", hidden=True, course_seed="course")
    failures = [(c.name, c.student_message) for e in result.exercises for c in e.checks if not c.passed]
    assert failures == []
    assert result.score == pytest.approx(100.0) and result.max_score == pytest.approx(100.0)


def test_untouched_stubs_score_zero_and_say_not_implemented(sandbox):
    stubs = {module: kit.stub_source(kit.solution_source(module)) for module in kit.MODULES}
    result = grade_sources(stubs, sandbox, student="stub", hidden=True, course_seed="course")
    assert result.score == 0
    for exercise in result.exercises:
        assert all(check.diagnosis == "not implemented" for check in exercise.checks), exercise.exercise
        assert "not implemented yet" in exercise.checks[0].student_message


def test_missing_file_and_missing_function_earn_zero_with_a_note(sandbox, solution_sources):
    source = kit.solution_source("linear_model").replace("def predict(", "def predicted(")
    result = grade_sources({"linear_model": source}, sandbox, exercises=EXERCISES)
    assert result.exercise("linear_model.predict").score == 0
    assert "no function predict" in result.exercise("linear_model.predict").note
    assert result.exercise("linear_model.least_squares_fit").passed
    assert result.exercise("derivatives.df_poly").score == 0
    assert "derivatives.py is missing" in result.exercise("derivatives.df_poly").note


def _inputs(planned):
    return [repr(p.case) for p in planned]


def test_hidden_inputs_are_drawn_from_the_seed_stretched_with_scrypt():
    """Attack (red team round 20, 02): a student's results.json shows functions of the hidden draws (which hidden
    checks passed, the order of her calls in a failed public check's output); drawn from the seed through one
    SHA-256, they let her test 8,000 to 45,000 guesses of the seed per second offline, where the seed's scrypt digest
    in the same file allows 17 or so: a seed a person typed ("calculus1337") was found in seconds. Every draw now
    goes through the seed stretched with scrypt."""
    exercise = next(e for e in DECLARED if e.key == "derivatives.df_log")
    key = hashlib.scrypt(b"calculus1337", salt=b"calcgrade hidden inputs", n=1 << 14, r=8, p=1, dklen=32).hex()
    assert engine.hidden_key("calculus1337") == key
    drawn = [p.case for p in plan([exercise], hidden=True, course_seed="calculus1337", student="alice",
                                  submission="d") if p.visibility == "hidden"]
    stretched = [engine.hidden_case(exercise, check, f"hidden|{key}|alice|d") for check in exercise.checks]
    cheap = [engine.hidden_case(exercise, check, "hidden|calculus1337|alice|d") for check in exercise.checks]
    assert [engine.case_values(c) for c in drawn] == [engine.case_values(c) for c in stretched]
    assert [engine.case_values(c) for c in drawn] != [engine.case_values(c) for c in cheap]


def test_a_short_course_seed_is_warned_about():
    assert "short (12 characters)" in kit.weak_seed_warning("calculus1337")
    assert "secrets.token_hex(16)" in kit.weak_seed_warning("calculus1337")
    assert kit.weak_seed_warning("5f0c3a9e1d7b42c8a6e9f1b3d5c7a2e4") == ""


def test_a_changed_resubmission_draws_new_hidden_inputs_and_the_same_one_the_same(sandbox):
    """Attack: any hidden call can read every hidden input its child holds (the calls in its callers' frames) and
    spell bits of them out through which of its other hidden checks pass, about a hundred per upload; with the
    same inputs on every resubmission they added up to whole inputs, to hard-code as a table. Now the inputs
    depend on the submission's text: a resubmission that changed draws new ones. Its comments and layout too (red
    team round 29, 01): the code reads both while it runs (its source from its loader, a line number from a frame),
    and a digest of the code alone let a comment choose the bits to spell out, then hold a table of the answers, on
    the same hidden inputs. (A comment changed re-rolls the inputs, as a no-op statement changed always did.)"""
    exercises = of_module("linear_model")
    source = kit.solution_source("linear_model")
    changed = source + "\n_SPELT_OUT = {}  # the table of what the last upload spelt out would go here\n"
    commented = source.replace("\ndef ", "\n# a comment: every line below moves down\n\ndef ", 1) + "# end\n"
    reformatted = source.replace("import numpy as np", "import numpy  as  np", 1) + "# 1029\n"

    def hidden(sources: dict[str, str]) -> list[str]:
        return _inputs([p for p in plan(exercises, hidden=True, course_seed="c", student="s",
                                        submission=submission_digest(sources)) if p.visibility == "hidden"])
    assert hidden({"linear_model": source}) == hidden({"linear_model": source})
    assert hidden({"linear_model": source}) != hidden({"linear_model": changed})
    assert hidden({"linear_model": reformatted}) != hidden({"linear_model": source})
    assert hidden({"linear_model": commented}) != hidden({"linear_model": source})
    assert submission_digest({"a": "x", "b": "y"}) != submission_digest({"a": "xb", "": "y"})
    assert submission_digest({"a": "x = 1\n"}) != submission_digest({"a": "# note\nx = 1  # one\n"})
    assert submission_digest({"a": "x = 1\n"}) != submission_digest({"a": "\nx = 1\n"})  # a line number moved
    assert submission_digest({"a": "x = 1\n"}) != submission_digest({"a": "x = 2\n"})
    padded = "0\n" * 40_000  # red team round 21, 02: compiled in the grader's process, seconds and hundreds of MiB
    assert submission_digest({"a": padded}) != submission_digest({"a": padded + "# \n"})
    graded = [grade_sources({"linear_model": text}, sandbox, student="s", hidden=True, course_seed="c",
                            exercises=exercises) for text in (source, changed)]
    assert all(result.score == result.max_score for result in graded)  # the right code passes whatever is drawn


# A function that reads a table of answers from a comment of its own module, keyed by its input's digits.
TABLE_IN_A_COMMENT = """
import hashlib, json
table = {}
for line in __loader__.sources[__name__].splitlines():
    if line.startswith("# notes "):
        table = json.loads(line[len("# notes "):])
key = hashlib.sha256(repr([float(v) for v in x] + [float(v) for v in y]).encode()).hexdigest()[:16]
return tuple(table.get(key, (0.0, 0.0)))
"""


def test_a_table_of_hidden_answers_in_a_comment_meets_other_hidden_inputs(sandbox):
    """Red team round 29, 01: the digest of the code left comments out, and the code reads its own module's text
    while it runs; so a comment chose which bits of the hidden inputs to spell out over resubmissions of the same
    code, then held a table of their answers, worked out at home: 5 of 5 on `least_squares_fit`, inputs unchanged.
    The table here holds the very inputs the submission without it draws (what spelling out would have given)."""
    exercise = BY_KEY["linear_model.least_squares_fit"]
    plain = kit.variant_source("linear_model", "least_squares_fit", TABLE_IN_A_COMMENT) + "# notes {}\n"
    reference = kit.load_trusted_module("linear_model", kit.solution_source("linear_model"), "linear_model.py")
    table = {}
    for p in plan([exercise], hidden=True, course_seed="c", student="s",
                  submission=submission_digest({"linear_model": plain})):
        x, y = p.case.args
        key = hashlib.sha256(repr([float(v) for v in x] + [float(v) for v in y]).encode()).hexdigest()[:16]
        table[key] = [float(v) for v in reference.least_squares_fit(x, y)]
    cheat = plain.replace("# notes {}", "# notes " + json.dumps(table))
    public, graded = (grade_sources({"linear_model": cheat}, sandbox, student="s", hidden=hidden, course_seed="c",
                                    exercises=[exercise]).exercise(exercise.key) for hidden in (False, True))
    assert public.score == public.max_score  # the table is read (public checks alone)
    assert not any(check.passed for check in graded.checks if check.visibility == "hidden")


def test_hidden_inputs_differ_per_student_and_from_public_and_are_reproducible():
    exercises = of_module("linear_model")
    public = [p for p in plan(exercises, hidden=True, course_seed="c", student="s1") if p.visibility == "public"]
    hidden_1 = [p for p in plan(exercises, hidden=True, course_seed="c", student="s1") if p.visibility == "hidden"]
    hidden_2 = [p for p in plan(exercises, hidden=True, course_seed="c", student="s2") if p.visibility == "hidden"]
    again = [p for p in plan(exercises, hidden=True, course_seed="c", student="s1") if p.visibility == "hidden"]
    other_course = [p for p in plan(exercises, hidden=True, course_seed="d", student="s1")
                    if p.visibility == "hidden"]
    assert _inputs(hidden_1) == _inputs(again)
    assert _inputs(hidden_1) != _inputs(hidden_2)
    assert _inputs(hidden_1) != _inputs(other_course)
    assert all(a != b for a, b in zip(_inputs(public), _inputs(hidden_1), strict=True))
    assert PUBLIC_SEED not in "".join(_inputs(hidden_1))


def _few_integers_exercise(draw):
    from grader.authoring import exercise

    return exercise(module="derivatives", function="df_poly", points=2, checks={"a few integers": draw},
                    expect=lambda case, refs: None, hint="")


def test_a_hidden_input_is_never_a_public_one_even_among_two_integers():
    """Bug: `tangent_line`'s integer check drew x0 from 1..4 and kept only 4, so every hidden input was the public
    one and a table of the public answer earned the hidden points; kinds drawing from 3 to 12 integers gave the
    public input as the hidden one to 6-37% of students. A hidden case is drawn again until it is none of the
    exercise's public cases (by value: the int 2 and the float 2.0 are one input to a student's table)."""
    exercise = _few_integers_exercise(lambda rng: (int(rng.integers(1, 3)),))
    (public,) = [p.case for p in plan([exercise], hidden=False)]
    hidden = {p.case.args for n in range(60) for p in plan([exercise], hidden=True, course_seed="c", student=f"s{n}")
              if p.visibility == "hidden"}
    assert hidden == {(3 - public.args[0],)}
    assert case_values(public) == case_values(type(public)((float(public.args[0]),)))


def test_a_hidden_input_is_none_whose_answer_the_student_bundle_carries():
    """Red team round 36, 02: the student bundle carries, beside each public check, the reference's answers at the
    public input changed (one off, 0, negated, truncated) to name a slip without the reference code; a kind drawn
    from a few integers drew those inputs as hidden ones (45% of `descend_1d`'s integer starts), and a table read
    from the bundle passed them. Hidden cases are drawn away from them as from the public cases (but for a kind that
    counts only with another: a table earns it nothing alone, and its few informative integers stay drawable)."""
    from grader.diagnosis import behaviour

    for exercise in EXERCISES:
        public = [p.case for p in plan([exercise], hidden=False)]
        carried = {case_values(changed) for case in public for changed in behaviour.answered_beside(exercise, case)}
        assert engine.answered_in_bundle(exercise) == frozenset(carried)
        public_values = {case_values(case) for case in public}
        alone = {check.label for check in exercise.checks if not check.counts_with}  # the others earn nothing alone
        for n in range(12):
            for p in plan([exercise], hidden=True, course_seed="c", student=f"s{n}"):
                if p.visibility == "hidden" and p.label in alone:
                    values = case_values(p.case)
                    assert values not in carried or values in public_values, (exercise.key, p.label, p.case)
    start = next(p.case for p in plan([BY_KEY["gradient_descent.descend_1d"]], hidden=False)
                 if "integer start" in p.label)
    assert case_values(replace(start, args=(start.args[0], start.args[1] + 1, *start.args[2:]))) in \
        engine.answered_in_bundle(BY_KEY["gradient_descent.descend_1d"])


def test_a_check_that_can_draw_nothing_else_keeps_its_case_and_check_exercises_says_so():
    from grader.exercise_check import hidden_draw_problems

    exercise = _few_integers_exercise(lambda rng: (4,))
    planned = plan([exercise], hidden=True, course_seed="c", student="s")
    assert [p.case.args for p in planned] == [(4,), (4,)]
    problems = hidden_draw_problems(exercise, students=20)
    assert any("gives 20 of 20 students a public check's input" in problem for problem in problems)
    assert any("draws only 1 distinct hidden inputs" in problem for problem in problems)
    assert not hidden_draw_problems(_few_integers_exercise(lambda rng: (int(rng.integers(1, 99)),)), students=20)


def test_public_checks_only_when_not_grading_hidden():
    assert {p.visibility for p in plan(EXERCISES, hidden=False)} == {"public"}


def test_points_per_check_add_up_exactly_to_each_exercise():
    planned = plan(EXERCISES, hidden=True, course_seed="c", student="s")
    for exercise in EXERCISES:
        total = sum(p.max_score for p in planned if p.exercise is exercise)
        assert round(total, 9) == exercise.points


def _numbers_in(case):
    for value in (*case.args, *case.kwargs.values()):
        if isinstance(value, Given):
            continue
        for number in np.ravel(np.asarray(value, dtype=float)):
            if abs(number) > 1e-3 and number != round(number):
                yield f"{number:.6g}"


def test_hidden_feedback_never_shows_hidden_inputs_or_expected_values(sandbox):
    wrong = kit.variant_source("linear_model", "sse", "return float(np.mean((y - (m * x + c))**2))")
    result = grade_sources({"linear_model": wrong}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=[BY_KEY["linear_model.sse"]])
    hidden_plan = [p for p in plan([BY_KEY["linear_model.sse"]], hidden=True, course_seed="c", student="s",
                                   submission=submission_digest({"linear_model": wrong})) if p.visibility == "hidden"]
    hidden_checks = [c for c in result.exercises[0].checks if c.visibility == "hidden" and not c.passed]
    assert len(hidden_checks) >= 3
    for check in hidden_checks:
        assert "call:" not in check.student_message and "expected:" not in check.student_message
        assert "mean" in check.student_message  # the hint still teaches
        for p in hidden_plan:
            for number in _numbers_in(p.case):
                assert number not in check.student_message
    public = [c for c in result.exercises[0].checks if c.visibility == "public"]
    assert all("call:" in c.student_message and "expected:" in c.student_message for c in public if not c.passed)


def test_given_functions_passed_to_students_are_the_graders_own(sandbox):
    """A student's own (wrong) copy of f_wave must not change what numerical_derivative is given."""
    source = kit.solution_source("derivatives").replace("return np.sin(3 * x) * np.exp(-(x**2) / 2)", "return 0 * x")
    assert source != kit.solution_source("derivatives")
    result = grade_sources({"derivatives": source}, sandbox, exercises=[BY_KEY["derivatives.numerical_derivative"]])
    assert result.exercises[0].passed


def test_equal_public_answers_share_one_verdict_and_hidden_answers_are_judged_each_time(sandbox, solution_sources):
    """Public checks have the same inputs for everyone, so an equal answer gets the same verdict (judged once);
    a different answer, a different point share or a hidden check is judged on its own."""
    from grader.engine import _call, judge

    wrong = {"derivatives": kit.variant_source("derivatives", "df_poly", "return 3 * x**2 - 12 * x")}
    runs = [grade_sources({"derivatives": solution_sources["derivatives"]}, sandbox, student=student, hidden=True,
                          course_seed="c") for student in ("ann", "bob")]
    wrong_run = grade_sources(wrong, sandbox, student="cy", hidden=True, course_seed="c")
    public_only = grade_sources({"derivatives": solution_sources["derivatives"]}, sandbox, student="ann")
    first, second = (run.exercise("derivatives.df_poly").checks for run in runs)
    for one, other in zip(first, second, strict=True):
        assert (one is other) == (one.visibility == "public")
        assert one == other if one.visibility == "public" else one.passed and other.passed
    assert not any(check.passed for check in wrong_run.exercise("derivatives.df_poly").checks)
    assert all(check.max_score != first[0].max_score
               for check in public_only.exercise("derivatives.df_poly").checks)
    planned = [p for p in plan([BY_KEY["derivatives.df_poly"]], hidden=True, course_seed="c", student="ann")
               if p.visibility == "public"]
    calls = [_call(p.exercise, p.case) for p in planned]
    _, outcomes = sandbox.run({"derivatives": solution_sources["derivatives"]}, calls)
    assert [judge(p, outcome) for p, outcome in zip(planned, outcomes, strict=True)] == list(first[:len(planned)])


@pytest.mark.parametrize("body", [
    "raise ValueError(repr(x))",  # the message carries the input out
    "return repr(x)",  # so would a returned string
    "return {'x': x}",  # or an object's description
    "return np.zeros(int(abs(x) * 1000) + 2)",  # or a shape
    "return 1.0",  # a constant: a fitted factor 1/k would be the expected value
    "print(repr(x))\nreturn 0.5 * (np.cos(3 * x) * 3 * np.exp(-(x**2) / 2))",  # printed output, and a known mistake
])
def test_nothing_a_student_controls_carries_a_hidden_input_or_expected_value_out(sandbox, body):
    """Bug: hidden checks showed exception messages, returned strings and fitted factors, from which a student
    could read their hidden inputs and expected values and hard-code them on the next submission."""
    exercise = BY_KEY["derivatives.df_wave"]
    source = kit.variant_source("derivatives", "df_wave", body)
    result = grade_sources({"derivatives": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=[exercise])
    hidden_plan = [p for p in plan([exercise], hidden=True, course_seed="c", student="s",
                                   submission=submission_digest({"derivatives": source})) if p.visibility == "hidden"]
    expected = [float(np.ravel(e.value)[0]) for p in hidden_plan for e in LIVE.expectations(p)]
    secrets = [number for p in hidden_plan for number in _numbers_in(p.case)]
    secrets += [f"{value:.4g}" for value in (*expected, *(1 / v for v in expected if v)) if abs(value) > 1e-3
                and value != round(value)]
    hidden_checks = [c for c in result.exercises[0].checks if c.visibility == "hidden"]
    assert hidden_checks and not any(check.passed for check in hidden_checks)
    for check in hidden_checks:
        for secret in secrets:
            assert secret not in check.student_message, (secret, check.student_message)
            assert secret not in check.diagnosis, (secret, check.diagnosis)


def _check(label: str, visibility, passed: bool, points: float = 1.0) -> CheckResult:
    return CheckResult("m.f", label, visibility, passed, points if passed else 0.0, points, "" if passed else "wrong")


def test_a_public_check_counts_only_where_the_hidden_check_of_its_kind_passes():
    checks = [_check("a", "public", True), _check("b", "public", True), _check("c", "public", False),
              _check("d", "public", True), _check("a", "hidden", True), _check("b", "hidden", False),
              _check("c", "hidden", True)]
    counted = count_public_with_hidden(checks)
    assert [(c.label, c.visibility, c.passed, c.score) for c in counted] == [
        ("a", "public", True, 1.0),  # both passed: every point
        ("b", "public", False, 0.0),  # right only on the public input: nothing
        ("c", "public", False, 0.0),  # a public failure costs its points as before
        ("d", "public", True, 1.0),  # no hidden check of this kind (not a graded run): as it was
        ("a", "hidden", True, 1.0), ("b", "hidden", False, 0.0), ("c", "hidden", True, 1.0)]
    assert WITHHELD in counted[1].student_message and counted[0] is checks[0]


def test_the_hidden_inputs_of_one_kind_count_together():
    """An exercise drawn several times per hidden check (`hidden_draws`): a draw right where another of its kind is
    wrong scores nothing, and so does the public check of that kind."""
    checks = [_check("a", "public", True), _check("b", "public", True),
              _check("a", "hidden", True, 0.5), _check("a", "hidden", True, 0.5),
              _check("b", "hidden", True, 0.5), _check("b", "hidden", False, 0.5)]
    counted = count_public_with_hidden(checks)
    assert [(c.label, c.visibility, c.passed, c.score) for c in counted] == [
        ("a", "public", True, 1.0), ("b", "public", False, 0.0),
        ("a", "hidden", True, 0.5), ("a", "hidden", True, 0.5),
        ("b", "hidden", False, 0.0), ("b", "hidden", False, 0.0)]
    assert DRAWN_TOGETHER in counted[4].student_message and WITHHELD in counted[1].student_message


def test_a_hidden_check_drawn_several_times_shares_its_points_over_different_inputs():
    exercise = BY_KEY["partial_derivatives.classify_critical_point"]
    assert exercise.hidden_draws == 3
    planned = plan([exercise], hidden=True, course_seed="c", student="s")
    public = [p for p in planned if p.visibility == "public"]
    hidden = [p for p in planned if p.visibility == "hidden"]
    assert len(public) == len(exercise.checks) and len(hidden) == 3 * len(exercise.checks)
    assert round(sum(p.max_score for p in planned), 6) == exercise.points
    assert abs(sum(p.max_score for p in hidden) - sum(p.max_score for p in public)) < 1e-3  # half each
    for check in exercise.checks:
        draws = [case_values(p.case) for p in hidden if p.label == check.label]
        assert len(draws) == 3 and len(set(draws)) > 1, check.label  # not the same input three times
    first = plan([replace(exercise, hidden_draws=1)], hidden=True, course_seed="c", student="s")
    assert [case_values(p.case) for p in first if p.visibility == "hidden"] == \
        [case_values(p.case) for p in hidden[::3]]  # the first draw is the input a single draw would be


def _graded_classify(body: str, students: list[str]) -> list[ExerciseResult]:
    """`classify_critical_point` with this body, graded (hidden checks, one course seed) for each student named."""
    exercise = BY_KEY["partial_derivatives.classify_critical_point"]
    source = kit.variant_source(exercise.module, exercise.function, body)
    with Sandbox() as sandbox:
        return [grade_sources({exercise.module: source}, sandbox, student=student, hidden=True, course_seed="c",
                              exercises=[exercise]).exercises[0] for student in students]


@pytest.mark.parametrize("body", [
    "import random\nreturn random.choice(['minimum', 'maximum', 'saddle', 'degenerate'])",
    "a = np.asarray(hessian_matrix, dtype=float)\n"
    "return ['minimum', 'maximum', 'saddle', 'degenerate'][int(abs(a.sum()) * 1e6) % 4]",
])
def test_a_label_picked_at_random_earns_next_to_nothing(body):
    """A random one of the four labels passed one check in four, about a seventh of the points over a class (red
    team): each hidden check of `classify_critical_point` now draws three inputs, all to be right."""
    exercise = BY_KEY["partial_derivatives.classify_critical_point"]
    earned = [result.score for result in _graded_classify(body, [f"guess{index}" for index in range(24)])]
    assert sum(earned) / len(earned) < 0.05 * exercise.points, earned


def test_a_label_that_varies_with_the_count_of_calls_earns_nothing():
    """Attack (red team): 'degenerate', but 'saddle' on every fifth call (a counter, never the input), escaped
    the one-answer rule and earned 0.67 to 1.56 of 4 points. The hidden calls of a few-valued exercise are made
    again in another order; two answers to one input score nothing, and say why."""
    exercise = BY_KEY["partial_derivatives.classify_critical_point"]
    body = ("global _calls\ntry:\n    _calls += 1\nexcept NameError:\n    _calls = 1\n"
            "return 'saddle' if _calls % 5 == 0 else 'degenerate'")
    for index, result in enumerate(_graded_classify(body, [f"count{index}" for index in range(4)])):
        assert result.score == 0, (index, result.score)
        assert any("gave another answer when called again with the same input" in check.student_message
                   for check in result.checks)
    with Sandbox() as sandbox:
        right = grade_sources({exercise.module: kit.solution_source(exercise.module)}, sandbox, student="s",
                              hidden=True, course_seed="c", exercises=[exercise]).exercises[0]
    assert right.score == exercise.points


@pytest.mark.parametrize("odd_call", [1, 5, 13])
def test_a_label_remembered_for_a_repeated_input_and_varied_by_a_count_earns_nothing(odd_call):
    """Attack (red team): 'degenerate' on every input but one per visibility, the odd one chosen by a count of new
    inputs and remembered by the input's repr, so a repeated call answers alike: it escaped the one-answer and
    repeat rules and kept the four degenerate kinds (0.44 to 0.89 of 4 points, up to 1.78 for one student). A
    label given also where it is wrong earns nothing where it is right, unless another answer is right too; where
    the odd public answer is right by chance, the public checks of the kinds whose hidden checks that rule counted
    away are withheld with them."""
    body = ("global _seen\ntry:\n    _seen\nexcept NameError:\n    _seen = {}\nkey = repr(hessian_matrix)\n"
            "if key not in _seen:\n"
            f"    _seen[key] = 'saddle' if len(_seen) in ({odd_call - 1}, {odd_call + 11}) else 'degenerate'\n"
            "return _seen[key]")
    for index, result in enumerate(_graded_classify(body, [f"memo{index}" for index in range(3)])):
        assert result.score == 0, (index, result.score)
        assert any("gave 'degenerate' also where it is not" in check.student_message for check in result.checks)


def test_an_answer_right_on_one_kind_only_and_given_elsewhere_loses_those_points():
    """The rule on its own: right only where 'degenerate' is expected, and 'degenerate' on a check expecting
    'saddle', scores nothing on that visibility; a function right on two answers, or giving its one right answer
    nowhere else, keeps what it passed; an exercise of one draw per check is left alone."""
    exercise = BY_KEY["partial_derivatives.classify_critical_point"]

    def check(label: str, passed: bool, visibility: str = "public") -> CheckResult:
        return CheckResult(exercise.key, label, visibility, passed, 1.0 if passed else 0.0, 1.0, "", "")

    def outcomes(*answers: str) -> list[Outcome]:
        return [Outcome("ok", answer) for answer in answers]

    near_constant = [check("a", True), check("b", True), check("c", False)]
    counted = count_only_answers_that_tell_apart(exercise, near_constant,
                                                 outcomes("degenerate", "degenerate", "degenerate"))
    assert [c.passed for c in counted] == [False, False, False]
    assert "gave 'degenerate' also where it is not" in counted[0].student_message
    two_right = count_only_answers_that_tell_apart(exercise, near_constant + [check("d", True)],
                                                   outcomes("degenerate", "degenerate", "degenerate", "saddle"))
    assert [c.passed for c in two_right] == [True, True, False, True]
    nowhere_else = count_only_answers_that_tell_apart(exercise, near_constant,
                                                      outcomes("degenerate", "degenerate", "minimum"))
    assert nowhere_else == near_constant
    apart = [check("a", True, "hidden"), check("b", False, "hidden"), check("c", True), check("d", False)]
    assert [c.passed for c in count_only_answers_that_tell_apart(
        exercise, apart, outcomes("saddle", "minimum", "saddle", "saddle"))] == [True, False, False, False]
    single = replace(exercise, hidden_draws=1)
    assert count_only_answers_that_tell_apart(single, near_constant,
                                              outcomes("degenerate", "degenerate", "degenerate")) == near_constant


def test_one_answer_for_every_input_scores_nothing_where_it_happens_to_be_right():
    """Taken per visibility: the same answer on every public check, wrong on one, loses the public checks it
    passed; the hidden checks, whose answers differ, are judged one by one."""
    exercise = BY_KEY["partial_derivatives.classify_critical_point"]
    checks = [_check("a", "public", True), _check("b", "public", True), _check("c", "public", False),
              _check("a", "hidden", True), _check("b", "hidden", False), _check("c", "hidden", True)]
    answers = ["degenerate", "degenerate", "degenerate", "minimum", "saddle", "saddle"]
    counted = count_only_answers_that_vary(exercise, checks, [Outcome("ok", answer) for answer in answers])
    assert [(c.label, c.visibility, c.passed, c.score) for c in counted] == [
        ("a", "public", False, 0.0), ("b", "public", False, 0.0), ("c", "public", False, 0.0),
        ("a", "hidden", True, 1.0), ("b", "hidden", False, 0.0), ("c", "hidden", True, 1.0)]
    assert "gave the same answer, 'degenerate', on every input" in counted[0].student_message
    assert counted[3:] == checks[3:]


def test_the_same_number_written_as_an_int_and_a_float_by_turns_is_one_answer():
    """Attack (red team): -1 and -1.0 by turns dodged the rule (answers were compared as written, checks as numbers)."""
    exercise = BY_KEY["partial_derivatives.classify_critical_point"]
    checks = [_check("a", "public", True), _check("b", "public", False), _check("c", "public", True)]
    counted = count_only_answers_that_vary(exercise, checks, [Outcome("ok", -1), Outcome("ok", -1.0),
                                                              Outcome("ok", np.float64(-1))])
    assert [c.passed for c in counted] == [False, False, False]


def test_numbers_within_the_checks_tolerance_of_one_another_are_one_answer():
    """Attack (red team): -1.0 and -1.0 + 2**-52 by turns (different bytes, the same number to every check) kept a
    constant's marks; answers apart by more than the tolerance are still judged one by one."""
    exercise = next(e for e in DECLARED if e.key == "neural_network.steps_to_escape")
    checks = [_check("a", "public", True), _check("b", "public", False), _check("c", "public", True)]
    near = [Outcome("ok", -1.0), Outcome("ok", -1.0 + 2**-52), Outcome("ok", -1.0)]

    def tolerance(index: int) -> Tolerance:  # each check's loosest, by its index
        return Tolerance(rtol=1e-9, atol=1e-12)

    assert [c.passed for c in count_only_answers_that_vary(exercise, checks, near, tolerance)] == [False] * 3
    assert "gave the same answer" in count_only_answers_that_vary(exercise, checks, near, tolerance)[0].student_message
    apart = [Outcome("ok", -1.0), Outcome("ok", -1.0 + 1e-6), Outcome("ok", -1.0)]
    assert count_only_answers_that_vary(exercise, checks, apart, tolerance) == checks
    arrays = [Outcome("ok", np.array([1.0, 2.0])), Outcome("ok", np.array([1.0, 2.0 + 1e-15])),
              Outcome("ok", [1.0, 2.0])]
    assert [c.passed for c in count_only_answers_that_vary(exercise, checks, arrays, tolerance)] == [False] * 3


def test_a_constant_varied_below_the_tolerance_scores_nothing_when_graded(sandbox):
    exercise = next(e for e in DECLARED if e.key == "neural_network.steps_to_escape")
    body = ("steps_to_escape.calls = getattr(steps_to_escape, 'calls', 0) + 1\n"
            "return -1.0 if steps_to_escape.calls % 2 else -1.0 + 2**-52")
    source = {exercise.module: kit.variant_source(exercise.module, exercise.function, body)}
    graded = grade_sources(source, sandbox, student="s", hidden=True, course_seed="c", exercises=[exercise])
    assert graded.exercise(exercise.key).score == 0


def test_the_same_answer_everywhere_is_judged_as_it_is_where_it_is_right_everywhere_or_answered_once():
    exercise = BY_KEY["partial_derivatives.classify_critical_point"]
    every_check_right = [_check("a", "public", True), _check("b", "public", True)]
    assert count_only_answers_that_vary(exercise, every_check_right, [Outcome("ok", 1.5)] * 2) == every_check_right
    one_answer = [_check("a", "public", True), _check("b", "public", False)]
    assert count_only_answers_that_vary(exercise, one_answer, [Outcome("ok", 1.5), Outcome("error")]) == one_answer


@pytest.mark.parametrize(("key", "answers"), [
    ("partial_derivatives.classify_critical_point", ("'degenerate'", "'saddle'", "'minimum'", "'maximum'")),
    ("neural_network.steps_to_escape", ("-1", "1", "50")),
])
def test_a_constant_label_or_count_scores_nothing_public_or_graded(sandbox, key, answers):
    """A constant "degenerate" earned 4 of 9 checks of the classification, a constant −1 "never leaves" one of
    six of the escape count: right wherever a check's answer is that constant, without reading the input."""
    exercise = next(e for e in DECLARED if e.key == key)
    for answer in answers:
        source = {exercise.module: kit.variant_source(exercise.module, exercise.function, f"return {answer}")}
        public = grade_sources(source, sandbox, exercises=[exercise]).exercise(key)
        graded = grade_sources(source, sandbox, student="s", hidden=True, course_seed="c",
                               exercises=[exercise]).exercise(key)
        assert (public.score, graded.score) == (0, 0), answer
        assert any("gave the same answer" in c.student_message for c in public.checks)


def test_a_classifier_that_reads_the_matrix_keeps_the_checks_it_gets_right(sandbox):
    """A known mistake answers several labels: judged check by check, as before."""
    exercise = BY_KEY["partial_derivatives.classify_critical_point"]
    mistake = next(m for m in exercise.misconceptions if m.name == "near-zero eigenvalue not degenerate")
    source = {exercise.module: kit.variant_source(exercise.module, exercise.function, mistake.body)}
    result = grade_sources(source, sandbox, exercises=[exercise]).exercise(exercise.key)
    assert 0 < result.score < exercise.points
    assert not any("gave the same answer" in c.student_message for c in result.checks)


def test_a_known_mistake_loses_the_same_points_as_before_when_it_fails_everywhere(sandbox):
    """A mistake wrong on every input fails public and hidden checks alike: the rule changes nothing for it."""
    exercise = BY_KEY["linear_model.sse"]
    mistake = next(m for m in exercise.misconceptions if m.name == "mean instead of sum")
    source = kit.variant_source("linear_model", "sse", mistake.body)
    result = grade_sources({"linear_model": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=[exercise]).exercise(exercise.key)
    public = [c for c in result.checks if c.visibility == "public"]
    assert result.score == pytest.approx(sum(c.max_score for c in public if c.passed) * 2)
    assert 0 <= result.score < exercise.points
    assert all(mistake.name in c.diagnosis for c in result.checks if not c.passed)


def test_a_type_error_inside_numpy_is_not_blamed_on_the_parameters(sandbox):
    """A TypeError raised by a call the student's code makes (np.power with one argument) says what was raised
    and gives the exercise's hint; only a call of the student's function itself that does not fit its
    parameters is told to check them."""
    def first_failure(source: str) -> str:
        result = grade_sources({"derivatives": source}, sandbox, exercises=of_module("derivatives"))
        return next(c.student_message for c in result.exercise("derivatives.df_poly").checks if not c.passed)

    inside = first_failure(kit.variant_source("derivatives", "df_poly", "return np.power(x)\n"))
    assert "power()" in inside and "check the parameters" not in inside
    wrong_parameters = first_failure(kit.solution_source("derivatives").replace("def df_poly(x)", "def df_poly(x, y)"))
    assert "check the parameters: df_poly(x)" in wrong_parameters


def test_check_passes_is_the_verdict_of_judge(sandbox, solution_sources):
    """A repair search keeps only whether each candidate's answer passed (`check_passes`, which writes no
    feedback): on the reference, every known mistake and answers that raise, are missing or changed their
    inputs, public and hidden, it says exactly what `judge` says."""
    from grader.engine import _run, check_passes, judge
    from grader.sandbox.client import Outcome

    seen = {True: 0, False: 0}
    for module in kit.MODULES:
        exercises = of_module(module)
        planned = plan(exercises, hidden=True, course_seed="passes", student="s")
        variants = [solution_sources[module]] + [
            kit.variant_source(module, exercise.function, mistake.body)
            for exercise in exercises for mistake in exercise.misconceptions[:2]]
        for source in variants:
            _, outcomes, _, _ = _run({module: source}, planned, sandbox)
            for p, outcome in zip(planned, outcomes, strict=True):
                others = [outcome, Outcome("error", error="ValueError: x"), Outcome("missing"),
                          Outcome("ok", value=None), Outcome("ok", outcome.value, args_after=[])]
                for answer in others:
                    verdict = judge(p, answer, LIVE).passed
                    assert check_passes(p, answer, LIVE) == verdict, (p.exercise.key, p.label, answer)
                    seen[verdict] += 1
    assert seen[True] > 100 and seen[False] > 100, seen


def _failed_checks(sandbox, module: str, function: str, body: str) -> list[CheckResult]:
    """The failed checks of `function`, its body replaced, graded with its module's declared exercises."""
    result = grade_sources({module: kit.variant_source(module, function, body)}, sandbox, student="s", hidden=True,
                           course_seed="c", exercises=declared_of_module(module))
    return [check for check in result.exercise(f"{module}.{function}").checks if not check.passed]


def test_a_failed_public_check_says_which_returned_value_is_off_and_a_hidden_one_does_not(sandbox):
    """sse_gradient returns (∂SSE/∂m, ∂SSE/∂c): a student whose ∂SSE/∂c alone is wrong is told so on public
    checks; hidden checks keep their one uniform problem line."""
    failed = _failed_checks(sandbox, "gradient_descent", "sse_gradient", "r = y - (m * x + c)\n"
                            "return float(-2 * np.sum(x * r)), float(-2 * np.sum(r) + 1)\n")
    public = [check for check in failed if check.visibility == "public"]
    assert public and all("(∂SSE/∂c is off; ∂SSE/∂m is right)" in check.student_message for check in public)
    hidden = [line for check in failed if check.visibility == "hidden" for line in check.student_message.splitlines()
              if line.startswith("problem:")]
    assert hidden and not any("is right" in line for line in hidden)


def test_a_float32_path_is_told_float32_where_its_rounding_compounds(sandbox):
    """A `train_neuron` computed in float32 stops moving near the minimum once its steps are below float32's
    resolution, so its path is not the reference's rounded once (about 1e-6 of its largest weight off, against 2e-7
    for one rounding): the float32 operator allows a spread of its largest number, and every failed check, the
    settling path's too, says float32 (the check that settles first cost the twenty-ninth holdout's entry its hint)."""
    body = ("x = np.asarray(x, dtype=np.float32)\ny = np.asarray(y, dtype=np.float32)\n"
            "w, b, rate = np.float32(w0), np.float32(b0), np.float32(learning_rate)\npath = [(w, b)]\n"
            "for _ in range(n_steps):\n    s = 1 / (1 + np.exp(-(w * x + b)))\n    e = 2 * (s - y) * s * (1 - s)\n"
            "    w, b = w - rate * np.sum(e * x), b - rate * np.sum(e)\n    path.append((w, b))\n"
            "return np.array(path, dtype=np.float32)")
    failed = _failed_checks(sandbox, "neural_network", "train_neuron", body)
    assert any("settles" in check.name for check in failed)
    assert all(check.diagnosis == "float32 rounding" for check in failed), [(c.name, c.diagnosis) for c in failed]


def test_full_marks_sum_to_the_points_exactly(sandbox, solution_sources):
    """Points split over checks (4 over 6) add up to the points, not 3.9999999999999996."""
    result = grade_sources({"partial_derivatives": solution_sources["partial_derivatives"]}, sandbox, student="s",
                           hidden=True, course_seed="c", exercises=of_module("partial_derivatives"))
    assert all(exercise.score == exercise.max_score for exercise in result.exercises)
    assert result.score == result.max_score


def test_one_students_module_cannot_silence_another_students_repair_hint(sandbox):
    """Attack: the repair search remembered "no edit passes" by the function's text alone; a student who submitted
    another's `sse` with `np` rebound at the top of the module (so that no edit passes there) stored that, and the
    other student, graded later with the same `sse`, got no repair hint. Now none found is remembered for the
    same module text only."""
    from grader import engine

    body = ("residuals = np.asarray(y, dtype=float) - (m * (x - np.mean(x)) + c)\n"
            "return float(np.sum(residuals**2))")
    victim = kit.variant_source("linear_model", "sse", body)
    rebound = victim.replace("import numpy as np\n", "import numpy as np\nimport numpy\n\n\nclass _N:\n"
                             "    def __getattr__(self, name):\n        return getattr(numpy, name)\n\n"
                             "    def sum(self, v, *a, **k):\n        return numpy.sum(v, *a, **k) + 1e-3\n\n\n"
                             "np = _N()\n", 1)
    assert rebound != victim
    engine._REPAIRS.clear()
    for student, source in (("aaa", rebound), ("zed", victim)):
        result = grade_sources({"linear_model": source}, sandbox, student=student, hidden=True, course_seed="c",
                               exercises=[BY_KEY["linear_model.sse"]])
    failed = [check for check in result.exercise("linear_model.sse").checks if not check.passed]
    assert failed and all(check.diagnosis.startswith("repair:") for check in failed), [c.diagnosis for c in failed]
    engine._REPAIRS.clear()



def test_a_function_only_a_candidate_calls_cannot_silence_another_students_repair_hint(sandbox):
    """Attack (red team round 23, 01): `dsigmoid` as `x * (1 - x)` is repaired by an edit that calls the module's
    own `sigmoid`, which the function never reaches; a classmate with the same `dsigmoid` and a wrong `sigmoid`
    found no edit passing, and that none-found, remembered under a context without `sigmoid`, took the hint from
    every later student with the same function. The functions the candidates name are in the context now."""
    from grader import engine

    source = kit.solution_source("derivatives")
    victim = source.replace("    s = sigmoid(x)\n    return s * (1 - s)\n", "    return x * (1 - x)\n", 1)
    planter = victim.replace("    return 1 / (1 + np.exp(-x))\n", "    return 1 / (1 + np.exp(-2 * x))\n", 1)
    assert source != victim != planter
    exercises = [BY_KEY["derivatives.dsigmoid"]]
    engine._REPAIRS.clear()
    for student, module in (("aaa", planter), ("zed", victim)):
        result = grade_sources({"derivatives": module}, sandbox, student=student, hidden=True, course_seed="c",
                               exercises=exercises)
        failed = [check for check in result.exercise("derivatives.dsigmoid").checks if not check.passed]
        assert failed
        if student == "aaa":
            assert not any(check.diagnosis.startswith("repair:") for check in failed)
    assert all(check.diagnosis.startswith("repair:") for check in failed), [c.diagnosis for c in failed]
    engine._REPAIRS.clear()


def test_a_decorator_of_an_unused_definition_cannot_silence_another_students_repair_hint(sandbox):
    """Attack (red team): a decorator on a definition the function never reaches ran at load and made every repair
    candidate loop zero times; the planter's none-found was remembered under the victim's context."""
    from grader import engine

    slip = "x = float(x0)\nfor _ in range(n_steps):\n    x = float(x - learning_rate / df(x))\nreturn x"
    victim = kit.variant_source("gradient_descent", "descend_1d", slip)
    planter = victim + ("\n\ndef _spoil(function):\n    import builtins\n    import sys\n\n"
                        "    def range(*args):\n"
                        "        if sys._getframe(1).f_code.co_name.startswith('calcgrade_repair_'):\n"
                        "            return builtins.range(0)\n        return builtins.range(*args)\n\n"
                        "    function.__globals__['range'] = range\n    return function\n\n\n"
                        "@_spoil\ndef _unused():\n    pass\n")
    engine._REPAIRS.clear()
    for student, source in (("aaa", planter), ("zed", victim)):
        result = grade_sources({"gradient_descent": source}, sandbox, student=student, hidden=True, course_seed="c",
                               exercises=[BY_KEY["gradient_descent.descend_1d"]])
    failed = [check for check in result.exercise("gradient_descent.descend_1d").checks if not check.passed]
    assert failed and any("learning_rate * df(x)" in check.student_message for check in failed), \
        [c.diagnosis for c in failed]
    engine._REPAIRS.clear()


def test_a_definitions_body_run_at_load_cannot_silence_another_students_repair_hint(sandbox):
    """Attack (red team round 61, 04): two students hand in the same `predict` slip and the same top-level call
    `_prepare()`; the first's `_prepare` breaks `np.asarray`, so no edit passes in her children. The context of a
    "none found" held only the name and arguments of a definition the function never reaches, not its body, so the
    second student, graded after her, lost the repair hint she is told graded alone. The context is the whole module
    apart from the function now."""
    from grader import engine

    victim = kit.replace_bodies(kit.solution_source("linear_model"),
                                {"predict": "x = np.asarray(x, dtype=float)\nreturn m * x - c"})
    victim += "\n\ndef _prepare():\n    return None\n\n\n_prepare()\n"
    planter = victim.replace("    return None\n", "    real = np.asarray\n"
                             "    np.asarray = lambda a, dtype=None: real(a, dtype=dtype) + 1.0\n    return None\n", 1)
    assert planter != victim

    def messages(students):
        engine._REPAIRS.clear()
        for student, source in students:
            result = grade_sources({"linear_model": source}, sandbox, student=student, hidden=True,
                                   course_seed="c", exercises=[BY_KEY["linear_model.predict"]])
        engine._REPAIRS.clear()
        return [check.student_message for check in result.exercise("linear_model.predict").checks]

    alone = messages([("zoe", victim)])
    assert any("changing `m * x - c` to `m * x + c` makes every check pass" in message for message in alone), alone
    assert messages([("adam", planter), ("zoe", victim)]) == alone


def test_one_students_module_cannot_choose_the_repair_another_student_is_told(sandbox):
    """Attack (red team round 59, 02): a found repair was remembered by the function's text alone and used again in
    any context; a classmate who handed in the victim's `sse` beside a `predict` that answers wrong when the natural
    edit's candidate calls it found only the other edits, and the victim, graded after her, was told `y` to `-y`
    (her `y` is right). A found repair is used again only in the same context now."""
    from grader import engine

    reference = kit.solution_source("linear_model")
    slip = ("residuals = np.asarray(y, dtype=float) - predict(m, c, x)",
            "residuals = np.asarray(y, dtype=float) + predict(m, c, x)")
    victim = reference.replace(*slip)
    attacker = victim.replace("    return m * np.asarray(x, dtype=float) + c\n",
                              "    import sys\n    value = m * np.asarray(x, dtype=float) + c\n"
                              "    if sys._getframe(1).f_code.co_name in "
                              "('calcgrade_repair_0', 'calcgrade_repair_4'):\n"
                              "        return value + 1.0\n    return value\n", 1)
    assert reference != victim != attacker

    def hints(students):
        engine._REPAIRS.clear()
        for student, source in students:
            result = grade_sources({"linear_model": source}, sandbox, student=student, hidden=True,
                                   course_seed="c", exercises=[BY_KEY["linear_model.sse"]])
        engine._REPAIRS.clear()
        return sorted(check.student_message for check in result.exercise("linear_model.sse").checks
                      if not check.passed)

    assert hints([("zed", victim)]) == hints([("aaa", attacker), ("zed", victim)])


SIBLING_SPOILER = ("import builtins\nimport sys\n\n_range = builtins.range\n\n\nclass _Range:\n"
                   "    def __new__(cls, *args):\n"
                   "        if sys._getframe(1).f_code.co_name.startswith('calcgrade_repair_'):\n"
                   "            return _range(0)\n        return _range(*args)\n\n\nbuiltins.range = _Range\n")


@pytest.mark.parametrize("through", ["never imported", "imported by an imported module"])
def test_a_sibling_module_cannot_silence_another_students_repair_hint(sandbox, through):
    """Attack (red team): every module of a submission was loaded into the repair search's children, but the
    context of a none-found counted only the modules the function's module imports. The planter's other module
    (never imported) rebound `range` at load so that every repair candidate looped zero times, and the victims
    with the same slip lost their repair hint. Now the children load only the modules the context holds, and the
    context follows imports of imports."""
    from grader import engine

    slip = "x = float(x0)\nfor _ in range(n_steps):\n    x = float(x - learning_rate / df(x))\nreturn x"
    victim = kit.variant_source("gradient_descent", "descend_1d", slip)
    importer = victim.replace("import numpy as np\n", "import numpy as np\nimport linear_model  # noqa\n", 1)
    assert importer != victim
    clean = kit.solution_source("linear_model")
    if through == "never imported":
        planter, victims = {"gradient_descent": victim, "derivatives": SIBLING_SPOILER}, {"gradient_descent": victim}
    else:
        planter = {"gradient_descent": importer, "linear_model": clean + "\nimport derivatives  # noqa\n",
                   "derivatives": SIBLING_SPOILER}
        victims = {"gradient_descent": importer, "linear_model": clean + "\nimport derivatives  # noqa\n",
                   "derivatives": kit.solution_source("derivatives")}
    engine._REPAIRS.clear()
    for student, sources in (("aaa", planter), ("zed", victims)):
        result = grade_sources(sources, sandbox, student=student, hidden=True, course_seed="c",
                               exercises=[BY_KEY["gradient_descent.descend_1d"]])
    failed = [check for check in result.exercise("gradient_descent.descend_1d").checks if not check.passed]
    assert failed and any("learning_rate * df(x)" in check.student_message for check in failed), \
        [c.diagnosis for c in failed]
    engine._REPAIRS.clear()


SSE_RESET_IN_THE_LOOP = ("x = np.asarray(x, dtype=float)\ny = np.asarray(y, dtype=float)\ntotal = 0.0\n"
                         "for i in range(len(x)):\n    total = 0.0\n    r = y[i] - (m * x[i] + c)\n"
                         "    total += r * r\nreturn float(total)")
# In its own child only, `sse` with `r * r` changed to `r` is made to return the right SSE (its `float` is this class).
SECOND_EDIT_PLANTED = ("import builtins as _b\nimport sys as _s\n\n\nclass float(_b.float):\n"
                       "    def __new__(cls, value=0.0):\n        frame = _s._getframe(1)\n        f = frame.f_locals\n"
                       "        names = {'total', 'r', 'm', 'c', 'x', 'y'}\n"
                       "        if frame.f_code.co_name != 'sse' and names <= f.keys() \\\n"
                       "                and _b.float(f['total']) == _b.float(f['r']):\n"
                       "            x, y = np.asarray(f['x'], dtype=np.float64), np.asarray(f['y'], dtype=np.float64)\n"
                       "            return _b.float(np.sum((y - (f['m'] * x + f['c'])) ** 2))\n"
                       "        return _b.float(value)\n")


def test_one_students_module_cannot_put_a_false_second_edit_into_another_students_hint(sandbox):
    """Attack (red team): a repair remembered from one student's function was told to another with the same
    function text with only its first edit run on the second student's code; a module whose top-level code made a
    false second edit pass there had the other student told "... or changing `r * r` to `r`". Now every edit
    said is run on the student's own checks."""
    from grader import engine

    victim = kit.variant_source("linear_model", "sse", SSE_RESET_IN_THE_LOOP)
    planted = victim + "\n\n" + SECOND_EDIT_PLANTED
    engine._REPAIRS.clear()
    hints = {}
    for student, source in (("aaa", planted), ("zed", victim)):
        result = grade_sources({"linear_model": source}, sandbox, student=student, hidden=True, course_seed="c",
                               exercises=[BY_KEY["linear_model.sse"]])
        hints[student] = [c.student_message for c in result.exercise("linear_model.sse").checks if not c.passed]
    engine._REPAIRS.clear()
    # The plant passes beside its own module (the search remembers it), but not made in place, where the function
    # is named `sse`: not told even to its author
    assert hints["aaa"] and not any("changing `r * r` to `r`" in hint for hint in hints["aaa"])
    assert hints["zed"] and all("moving `total = 0.0` before the loop" in hint and "r * r" not in hint
                                for hint in hints["zed"])


def test_an_array_sent_by_keyword_and_changed_in_place_fails_the_check(sandbox):
    """Bug: only the positional arguments came back from the child to be compared after the call, so a check
    that sent an array by keyword did not see a function change it in place (check-exercises warned of it
    instead). The child now answers every argument's state, positional then by keyword."""
    import dataclasses

    from grader.curriculum import DECLARED
    from grader.spec import Case, Check

    declared = next(exercise for exercise in DECLARED if exercise.key == "neural_network.neuron")
    by_keyword = Check("x by keyword", lambda rng: Case((0.5, 0.1), {"x": np.linspace(-1.0, 1.0, 4)}))
    exercise = dataclasses.replace(declared, checks=(by_keyword,))
    right = kit.variant_source("neural_network", "neuron", "return sigmoid(w * x + b)")
    in_place = kit.variant_source("neural_network", "neuron", "answer = sigmoid(w * x + b)\nx *= 0\n"
                                  "return answer")
    kept = grade_sources({"neural_network": right}, sandbox, exercises=[exercise])
    changed = grade_sources({"neural_network": in_place}, sandbox, exercises=[exercise])
    assert kept.score == exercise.points
    [check] = changed.exercise(exercise.key).checks
    assert not check.passed and "changed its argument `x`" in check.student_message


def test_blocks_of_one_returned_array_are_said_right_or_scaled_by_name(sandbox):
    """Bug: backprop's output layer half the right value (the 2 of the square added to the hidden units' line only)
    was told "off by up to ..." with the exercise's general hint: its four gradients lie in one array, which no
    check split. The public checks now say which blocks are right and which are half."""
    failed = _failed_checks(sandbox, "neural_network", "backprop", "x = np.asarray(x, dtype=float)[:, None]\n"
                            "hidden = sigmoid(x * w_hidden + b_hidden)\nout = hidden @ w_out + b_out\n"
                            "e = out - y\nd = 2 * e[:, None] * w_out * hidden * (1 - hidden)\n"
                            "return np.concatenate([np.sum(d * x, axis=0), np.sum(d, axis=0), e @ hidden, "
                            "[np.sum(e)]])\n")
    public = [check for check in failed if check.visibility == "public"]
    assert public and all("(∂L/∂w_out and ∂L/∂b_out are half the right values; ∂L/∂w_hidden and ∂L/∂b_hidden are "
                          "right)" in check.student_message for check in public)


def test_three_parts_right_are_listed_with_commas():
    assert engine._which_parts_off(("a", "b", "c", "d"), (False, True, False, False), (None, None, None, None)) \
        == " (b is off; a, c and d are right)"


def test_a_value_returned_with_the_opposite_sign_is_said_so_beside_the_right_ones(sandbox):
    """A fix half applied: sse_gradient's ∂SSE/∂c with its sign flipped, ∂SSE/∂m right. The public checks say what
    they show: the one value is the right one with the opposite sign; the other is right."""
    failed = _failed_checks(sandbox, "gradient_descent", "sse_gradient", "r = y - (m * x + c)\n"
                            "return float(-2 * np.sum(x * r)), float(2 * np.sum(r))\n")
    public = [check for check in failed if check.visibility == "public"]
    assert public and all("(∂SSE/∂c has the opposite sign; ∂SSE/∂m is right)" in check.student_message
                          for check in public)


def test_a_repair_is_tried_first_on_the_smallest_failed_check_whatever_the_run():
    """Every candidate edit runs on the first failed check: a descent of 500 steps there made one repair search take
    most of its 4 s alone and run out of time under load (a test failed so). The smallest failed check comes first,
    read from the inputs, so the order is the same on every run."""
    from grader.sandbox.client import Outcome
    from grader.spec import Case, CheckResult

    exercise = BY_KEY["gradient_descent.gradient_descent"]
    x = np.arange(5.0)
    cases = [Case((x, x, 0.0, 0.0, 0.01, 500)), Case((x, x, 0.0, 0.0, 0.01, 20)), Case((x, x, 0.0, 0.0, 0.01, 3))]
    planned = [engine.PlannedCheck(exercise, f"check {n}", "public", case, 1.0) for n, case in enumerate(cases)]
    verdicts = [CheckResult(exercise.key, p.label, "public", passed, 0.0, 1.0, "", "")
                for p, passed in zip(planned, (False, False, True), strict=True)]
    checks = [(p, Outcome("ok"), verdict) for p, verdict in zip(planned, verdicts, strict=True)]
    assert [p.label for p in engine._checks_in_order(checks, verdicts)] == ["check 1", "check 0", "check 2"]


def test_the_digest_of_a_submission_compiles_nothing_in_the_grader(monkeypatch):
    """Red team round 30, 02: the digest compiled every module handed in, in the grader's own process; a 1 kB
    function of 20 nested `finally` clauses took 7 s and 3 GB there (21: 5.8 GB), for a student whose graded
    modules scored as usual. The digest is of the text alone now."""
    import builtins

    def refused(*args, **kwargs):
        raise AssertionError("compiled in the grader's own process")

    nested = "def f(x):\n" + "".join(" " * (k + 1) + "try:\n" + " " * (k + 2) + "pass\n" + " " * (k + 1) + "finally:\n"
                                     for k in range(21)) + " " * 22 + "return x\n"
    monkeypatch.setattr(builtins, "compile", refused)
    assert len(submission_digest({"derivatives": kit.solution_source("derivatives"), "extra": nested})) == 32


@pytest.mark.parametrize(("error", "named"), [
    ("TypeError: can't multiply sequence by non-int of type 'float' (gradient_descent.py, line 82: return w - r * g)",
     "a sequence (a list, a tuple or a string) times a number"),
    ("TypeError: unsupported operand type(s) for -: 'list' and 'float' (linear_model.py, line 40: return y - c)",
     "a list is not a vector"),
    ("TypeError: unsupported operand type(s) for ** or pow(): 'tuple' and 'int' (a.py, line 3: return p ** 2)",
     "a tuple is not a vector"),
    ('TypeError: can only concatenate list (not "float") to list (a.py, line 3: return x + h)',
     "a list is not a vector"),
    ("TypeError: bad operand type for unary -: 'list' (a.py, line 3: return -x)", "a list is not a vector"),
    ("TypeError: unsupported operand type(s) for ^: 'float' and 'float' (a.py, line 3: return x^2)", ""),
    ("ValueError: operands could not be broadcast together with shapes (3,) (4,) (a.py, line 3: return x - y)", ""),
    ("TypeError: unsupported operand type(s) for -: 'float' and 'str' (a.py, line 3: return x - 'list' and 'list')",
     ""),
])
def test_arithmetic_refused_on_a_list_is_told_as_a_list_taken_for_a_vector(error, named):
    """The thirty-third holdout: a list taken for a vector met only Python's own refusal and the exercise's general
    hint. An error that is Python refusing arithmetic on a list or a tuple (as its message names the operand) now
    says why, and what to do; any other error keeps the general hint."""
    hint = engine._sequence_arithmetic(error)
    assert (named in hint) if named else hint == ""


def test_a_public_check_raising_on_list_arithmetic_says_a_list_is_not_a_vector(sandbox):
    exercise = BY_KEY["gradient_descent.gradient_step"]
    source = kit.variant_source("gradient_descent", "gradient_step", "return weights - learning_rate * grad")
    checks = grade_sources({"gradient_descent": source}, sandbox, exercises=[exercise]).exercise(exercise.key).checks
    failed = [check for check in checks if not check.passed]
    assert failed and all("times a number is not arithmetic entry by entry" in check.student_message
                          for check in failed)


def test_a_hint_read_from_the_answers_claims_nothing_the_code_may_not_hold(sandbox):
    """Two texts read from the answers stated a cause in the code the student did not write (red team round 48):
    a search whose `return` stands inside its loop was told "nothing is compared" (02), and a threshold scaled by
    the smallest eigenvalue "exact zero test" (03). Each now says what the answers show, and the causes that give
    them."""
    searching = BY_KEY["gradient_descent.best_of_starts"]
    body = ("best = None\nfor s in starts:\n    e = descend_1d(df, s, learning_rate, n_steps)\n"
            "    if best is None or f(e) < f(best):\n        best = e\n    return float(best)")
    result = grade_sources({"gradient_descent": kit.variant_source("gradient_descent", "best_of_starts", body)},
                           sandbox, exercises=[searching]).exercise(searching.key)
    texts = [check.student_message for check in result.checks if not check.passed]
    assert texts and not any("nothing is compared" in text for text in texts)
    assert any("your answer is always the first candidate" in text for text in texts)
    classifying = BY_KEY["partial_derivatives.classify_critical_point"]
    body = ("ev = np.linalg.eigvalsh(np.asarray(hessian_matrix, dtype=float))\ntol = 1e-8 * np.min(np.abs(ev))\n"
            "if np.any(np.abs(ev) <= tol):\n    return 'degenerate'\nif np.all(ev > 0):\n    return 'minimum'\n"
            "if np.all(ev < 0):\n    return 'maximum'\nreturn 'saddle'")
    result = grade_sources({"partial_derivatives": kit.variant_source("partial_derivatives",
                                                                      "classify_critical_point", body)},
                           sandbox, exercises=[classifying]).exercise(classifying.key)
    texts = [check.student_message for check in result.checks if not check.passed]
    assert texts and not any("exact zero test" in text for text in texts)
    assert any("your labels take such a value for a nonzero one" in text for text in texts)
