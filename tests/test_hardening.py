"""Hostile submissions earn nothing they did not earn, and see nothing they should not see.

The walls around the child are tested in test_confine.py, as root and as an ordinary user; these
tests are about what a submission can do to its own grade: the trusted parent computes every
expected value.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest

from grader import kit
from grader.batch import BatchOptions, grade_batch
from grader.curriculum import BY_KEY, DECLARED, of_module
from grader.engine import HIDDEN_NOT_PASSED, grade_sources, plan, submission_digest
from grader.gradescope import read_results
from grader.kit import replace_bodies
from grader.plain import Given, from_wire
from grader.precomputed import public_checks_data
from grader.sandbox.client import Call, Limits, Sandbox


def _wrong_everywhere(module: str) -> dict[str, str]:
    """Every student function of the module returns a wrong constant: only tampering could score."""
    return {e.function: "return 12345.678" for e in of_module(module)}


TAMPERING = {
    "numpy monkeypatch": "import numpy\nnumpy.allclose = lambda *a, **k: True\nnumpy.isclose = lambda *a, **k: True\n"
                         "numpy.testing.assert_allclose = lambda *a, **k: None\n",
    "builtins monkeypatch": "import builtins\nbuiltins.abs = lambda v: 0\nbuiltins.isinstance = lambda *a: True\n",
    "sympy poisoning": "import sympy\nsympy.diff = lambda *a, **k: sympy.Integer(0)\n"
                      "sympy.lambdify = lambda *a, **k: (lambda *b: 12345.678)\n",
    "grader monkeypatch": "import grader.compare, grader.plain\ngrader.compare.compare = lambda *a: None\n"
                          "grader.plain.to_wire = lambda v, depth=0: {'$array': [0.0]}\n",
    "forged replies on every descriptor": "import os, json\nfor fd in range(3, 64):\n    for k in range(400):\n"
                                          "        try:\n            os.write(fd, (json.dumps({'id': k, 'status': "
                                          "'ok', 'value': 1.0}) + '\\n').encode())\n        except OSError:\n"
                                          "            break\n",
}


@pytest.mark.parametrize("attack", TAMPERING, ids=list(TAMPERING))
def test_tampering_in_the_child_earns_nothing(sandbox, attack):
    source = TAMPERING[attack] + kit.replace_bodies(kit.solution_source("linear_model"),
                                                      _wrong_everywhere("linear_model"))
    result = grade_sources({"linear_model": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=of_module("linear_model"))
    assert result.score == 0


def test_the_child_holds_no_expected_values_to_find(sandbox):
    """Walking the garbage collector and the frames of the child finds no reference, only inputs."""
    probe = ("import gc, sys\nnames = {type(o).__name__ for o in gc.get_objects()}\n"
             "frames = []\nf = sys._getframe()\nwhile f:\n    frames.append(f.f_code.co_filename)\n    f = f.f_back\n"
             "return sorted(n for n in names if n in ('Expectation', 'CheckResult', 'SolutionReferences', "
             "'PlannedCheck')) + [x for x in frames if 'engine' in x or 'curriculum' in x]")
    _, (outcome,) = sandbox.run({"m": "def f():\n" + "\n".join("    " + line for line in probe.splitlines())},
                                [Call("m", "f", ())])
    assert outcome.status == "ok" and outcome.value == []


def test_extra_files_in_the_submission_folder_cannot_shadow_modules(sandbox, tmp_path):
    folder = tmp_path / "subs" / "mallory"
    folder.mkdir(parents=True)
    (folder / "linear_model.py").write_text(kit.solution_source("linear_model"), encoding="utf-8")
    for shadow in ("json.py", "numpy.py", "grader.py", "sitecustomize.py"):
        (folder / shadow).write_text("raise SystemExit('shadowed')\n", encoding="utf-8")
    summary = grade_batch(tmp_path / "subs", tmp_path / "out", BatchOptions(jobs=1))
    (result,) = summary.results
    assert result.exercise("linear_model.sse").passed


def test_a_symlinked_submission_file_is_refused(tmp_path):
    folder = tmp_path / "subs" / "linker"
    folder.mkdir(parents=True)
    (folder / "linear_model.py").symlink_to(kit.SOLUTIONS_DIR / "linear_model.py")
    summary = grade_batch(tmp_path / "subs", tmp_path / "out", BatchOptions(jobs=1))
    (result,) = summary.results
    assert result.exercise("linear_model.sse").score == 0
    assert "symbolic link" in result.exercise("linear_model.sse").note


def test_submission_folders_are_never_modified(tmp_path):
    folder = tmp_path / "subs" / "writer"
    folder.mkdir(parents=True)
    attack = "open(__file__, 'w').write('x')\nopen('linear_model.py', 'w').write('x')\n"
    (folder / "linear_model.py").write_text(attack + kit.solution_source("linear_model"), encoding="utf-8")
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}
    grade_batch(tmp_path / "subs", tmp_path / "out", BatchOptions(jobs=1))
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()} == before


def _run_as_student(sandbox: Sandbox, body: str):
    source = "def f():\n" + "\n".join("    " + line for line in body.splitlines()) + "\n"
    _, (outcome,) = sandbox.run({"m": source}, [Call("m", "f", ())])
    return outcome


def test_huge_output_and_threads_that_print_are_bounded(sandbox):
    outcome = _run_as_student(sandbox, "for i in range(200000):\n    print('spam' * 50)\nreturn 2.0")
    assert outcome.status == "ok" and outcome.value == 2.0 and len(outcome.output) <= 4000


def test_wrong_signature_names_the_expected_parameters(sandbox):
    source = kit.solution_source("linear_model").replace("def sse(m, c, x, y):", "def sse(m, c, xy):")
    result = grade_sources({"linear_model": source}, sandbox, exercises=[BY_KEY["linear_model.sse"]])
    message = result.exercises[0].checks[0].student_message
    assert "TypeError" in message and "sse(m, c, x, y)" in message


@pytest.mark.parametrize(("content", "words"), [
    (b"\xff\xfe\x00bad", "not UTF-8"),
    (b"\x00\x01\x02binary\x00", "binary"),
    (b"", "no function"),
    (b"x = 1\n" * 300000, "larger than"),
])
def test_bad_files_get_a_clear_note(tmp_path, content, words):
    folder = tmp_path / "subs" / "student"
    folder.mkdir(parents=True)
    (folder / "linear_model.py").write_bytes(content)
    (folder / "derivatives.py").write_text(kit.solution_source("derivatives"), encoding="utf-8")
    summary = grade_batch(tmp_path / "subs", tmp_path / "out", BatchOptions(jobs=1))
    (result,) = summary.results
    assert words in result.exercise("linear_model.sse").note
    assert result.exercise("derivatives.df_poly").passed


def test_a_folder_in_place_of_a_file_is_refused(tmp_path):
    folder = tmp_path / "subs" / "student"
    (folder / "linear_model.py").mkdir(parents=True)
    summary = grade_batch(tmp_path / "subs", tmp_path / "out", BatchOptions(jobs=1))
    assert "not a regular file" in summary.results[0].exercise("linear_model.sse").note


def test_memory_limit_default_is_one_gib():
    assert Limits().memory_bytes == 1 << 30


def test_the_given_functions_hold_no_exercises_answer(sandbox, solution_sources):
    """The warm template builds the functions passed to student code; every child inherits them. The
    derivative of a curriculum function is an exercise's answer: none is built, none is passed."""
    from grader import given
    from grader.curriculum import EXERCISES
    from grader.engine import plan
    from grader.plain import Given

    answers = {name + "'" for name in given.CURRICULUM}
    assert not answers & set(given.numpy_sources())
    for student in ("a", "b"):
        for planned in plan(EXERCISES, hidden=True, course_seed="c", student=student):
            passed = [arg for arg in (*planned.case.args, *planned.case.kwargs.values()) if isinstance(arg, Given)]
            assert not answers & {arg.name for arg in passed}, (planned.exercise.key, planned.label)
    # What a stub plus a lookup of the template's functions earned before: every df_* exercise in full.
    stub = kit.stub_source(solution_sources["derivatives"]) + (
        "\nimport sys\n_G = sys.modules['grader.sandbox.child'].GIVEN\n"
        "def df_poly(x):\n    return _G[\"derivatives.f_poly'\"](x)\n"
        "def df_wave(x):\n    return _G[\"derivatives.f_wave'\"](x)\n"
        "def dsigmoid(x):\n    return _G[\"derivatives.sigmoid'\"](x)\n"
        "def df_log(x):\n    return _G[\"derivatives.f_log'\"](x)\n")
    result = grade_sources({"derivatives": stub}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=of_module("derivatives"))
    assert result.score == 0, [(e.exercise, e.score) for e in result.exercises if e.score]


# ----- no channel from a hidden check to any output ---------------------------------------------------------


_FLOAT = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")


def _hidden_input_numbers(exercises, student: str, course_seed: str, sources: dict[str, str]) -> list[float]:
    """Every number of the hidden inputs of the student's submission `sources` that could not turn up by chance
    (not whole, not tiny)."""
    numbers = []
    for p in plan(exercises, hidden=True, course_seed=course_seed, student=student,
                  submission=submission_digest(sources)):
        if p.visibility != "hidden":
            continue
        for value in (*p.case.args, *p.case.kwargs.values()):
            if not isinstance(value, Given):
                flat = np.ravel(np.asarray(value, dtype=float))
                numbers += [float(n) for n in flat if abs(n) > 1e-3 and n != round(n)]
    return numbers


def _leaked(text: str, secrets: list[float]) -> list[float]:
    """The secrets that appear in a text as a number, at any precision of six digits or more."""
    shown = [float(found) for found in _FLOAT.findall(text) if len(found.replace("-", "").replace(".", "")) >= 6]
    return [secret for secret in secrets if any(abs(number - secret) <= 1e-5 * abs(secret) for number in shown)]


def _everything_shown(result) -> str:
    """All a student (or anyone reading the results) can see: every check's feedback and every note."""
    return "\n".join([*result.notes, *(e.note for e in result.exercises),
                      *(c.student_message + c.diagnosis for e in result.exercises for c in e.checks)])


FRAME_WALK = """import sys
calls, seen = [], set()
def gather(value, depth=0):
    if id(value) in seen or depth > 3:
        return
    seen.add(id(value))
    if isinstance(value, dict):
        if "args" in value and "function" in value:
            calls.append(value["args"])
        for item in value.values():
            gather(item, depth + 1)
    elif isinstance(value, (list, tuple)):
        for item in value:
            gather(item, depth + 1)
    elif hasattr(value, "function") and hasattr(value, "args"):
        calls.append(value.args)
frame = sys._getframe(1)
while frame is not None:
    for value in list(frame.f_locals.values()):
        gather(value)
    frame = frame.f_back
raise ValueError(repr(calls[len(calls) // 2:]))"""


def test_a_public_check_cannot_reach_the_hidden_inputs_by_walking_its_frames(sandbox):
    """Bug: public and hidden calls went to one child in one job; student code found the job in its callers'
    frames and raised every hidden input in a public check's error message, which feedback shows."""
    exercise = BY_KEY["derivatives.df_wave"]
    source = kit.variant_source("derivatives", "df_wave", FRAME_WALK)
    result = grade_sources({"derivatives": source}, sandbox, student="mallory", hidden=True, course_seed="c",
                           exercises=[exercise])
    secrets = _hidden_input_numbers([exercise], "mallory", "c", {"derivatives": source})
    assert secrets
    assert _leaked(_everything_shown(result), secrets) == []
    public = [check for check in result.exercises[0].checks if check.visibility == "public"]
    assert all("ValueError: [" in check.student_message for check in public)  # the walk ran and found its own calls


def test_a_hidden_checks_exception_name_and_line_carry_nothing_out(sandbox):
    """Bug: a hidden check's feedback showed the exception's type name (80 characters of the student's choice)
    and its line number, either of which can spell out the hidden input."""
    exercise = BY_KEY["derivatives.df_wave"]
    body = ("first = float(np.ravel(x)[0])\n"
            "name = 'Leak_' + repr(first).replace('.', '_').replace('-', 'm').replace('+', 'p')\n"
            "if first > 0:\n"
            "    raise type(name[:80], (Exception,), {})()\n"
            "raise type(name[:80], (Exception,), {})()")
    source = kit.variant_source("derivatives", "df_wave", body)
    result = grade_sources({"derivatives": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=[exercise])
    checks = result.exercises[0].checks
    hidden = [check for check in checks if check.visibility == "hidden"]
    assert hidden and not any(check.passed for check in hidden)
    for check in hidden:
        assert "Leak_" not in check.student_message and "line" not in check.student_message, check.student_message
        assert f"problem:  {HIDDEN_NOT_PASSED}" in check.student_message
        assert "Leak_" not in check.diagnosis and "Leak_" not in check.instructor_message
    public = [check for check in checks if check.visibility == "public"]
    assert all("Leak_" in check.student_message and "line" in check.student_message for check in public)


# ----- public checks cannot be farmed -----------------------------------------------------------------------


LOOKUP_HELPERS = '''import numpy as np

inf, nan = float("inf"), float("nan")


def _key(value):
    """The same text for equal inputs, in whatever form they come (numbers, arrays, functions)."""
    if callable(value):
        return "f:" + getattr(value, "__name__", "")
    if isinstance(value, dict):
        return "{" + ",".join(name + "=" + _key(item) for name, item in sorted(value.items())) + "}"
    if isinstance(value, str):
        return "s:" + value
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return "(" + ",".join(_key(item) for item in value) + ")"
    return repr(array.shape) + ":" + ",".join(f"{number:.12g}" for number in array.ravel())
'''


def _literal(value) -> str:
    """Python source that evaluates to the value (with numpy as np, and inf and nan defined)."""
    if isinstance(value, np.ndarray):
        return f"np.array({_literal(value.tolist())}, dtype={str(value.dtype)!r})"
    if isinstance(value, tuple):
        return "(" + "".join(_literal(item) + ", " for item in value) + ")"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(item) for item in value) + "]"
    if isinstance(value, float | np.floating):
        return repr(float(value))
    return repr(value)


def lookup_table_sources() -> dict[str, str]:
    """A submission with no code: each function returns the public expected value for the public input it
    is called with (None for any other input), from the data every student bundle ships."""
    helpers: dict[str, object] = {}
    exec(LOOKUP_HELPERS, helpers)  # noqa: S102 - the same key function the submission runs
    key = helpers["_key"]

    def as_called(value):
        """An input as the child passes it: a given function is a function of that name."""
        if isinstance(value, Given):
            def given():
                pass
            given.__name__ = value.name.rsplit(".", 1)[-1].rstrip("'")
            return given
        return value

    data = public_checks_data()
    tables: dict[str, dict[str, str]] = {}
    for item in data["checks"]:
        args = [as_called(value) for value in from_wire(item["case"]["args"])]
        kwargs = {name: as_called(from_wire(value)) for name, value in item["case"]["kwargs"].items()}
        expected = from_wire(item["expectations"][-1]["value"])
        tables.setdefault(item["exercise"], {})[key(args) + "|" + key(kwargs)] = _literal(expected)
    sources = {}
    for module in kit.MODULES:
        parts = [LOOKUP_HELPERS]
        for exercise in of_module(module):
            rows = "".join(f"    {text!r}: {value},\n" for text, value in tables[exercise.key].items())
            parts.append(f"TABLE_{exercise.function} = {{\n{rows}}}\n\n\n"
                         f"def {exercise.function}(*args, **kwargs):\n"
                         f"    return TABLE_{exercise.function}.get(_key(list(args)) + '|' + _key(kwargs))\n")
        sources[module] = "\n\n".join(parts)
    return sources


@pytest.mark.parametrize("course_seed", ["course", "another course", "a third"])
def test_a_table_of_the_public_answers_earns_nothing_in_a_graded_run(sandbox, course_seed):
    """Bug: public checks carried half of each exercise's points, and their inputs and expected values ship in
    the student bundle: a table of them, with no code, scored 48.5 of 100. Then, with a public check counted
    only where its hidden one passes, it still earned 1 to 5.3 points: a hidden input drawn among a handful of
    integers was the public one (for `tangent_line`'s integer check, always). A hidden case now never repeats a
    public one."""
    table = lookup_table_sources()
    practice = grade_sources(table, sandbox, student="farmer")  # the students' own pytest: public checks only
    assert practice.score >= 95, [(c.name, c.student_message) for e in practice.exercises for c in e.checks
                                  if not c.passed]
    graded = grade_sources(table, sandbox, student="farmer", hidden=True, course_seed=course_seed)
    assert graded.max_score == pytest.approx(100)
    assert graded.score == 0, [c.name for e in graded.exercises for c in e.checks if c.passed]
    withheld = [c for e in graded.exercises for c in e.checks if c.visibility == "public" and not c.passed]
    assert withheld and all("hidden check of the same kind" in c.student_message for c in withheld)


def test_the_mutation_check_holds_whatever_the_call_does_to_its_own_job(sandbox, solution_sources):
    """Student code can reach the child's copy of its job by walking its frames; clearing `return_args`
    there once skipped the mutation check. A `gradient` that is right but changes its `point` afterwards
    must lose every check that looks."""
    from grader.curriculum import BY_KEY

    body = ("import sys\n"
            "frame = sys._getframe(1)\n"
            "while frame is not None:\n"
            "    for value in list(frame.f_locals.values()):\n"
            "        if isinstance(value, dict) and 'return_args' in value:\n"
            "            value['return_args'] = False\n"
            "    frame = frame.f_back\n"
            "p = np.asarray(point, dtype=float)\n"
            "grad = np.zeros(len(p))\n"
            "for i in range(len(p)):\n"
            "    step = np.zeros(len(p))\n"
            "    step[i] = h\n"
            "    grad[i] = (f(p + step) - f(p - step)) / (2 * h)\n"
            "if isinstance(point, np.ndarray):\n"
            "    point[0] += 1.0\n"
            "return grad")
    exercise = BY_KEY["partial_derivatives.gradient"]
    source = kit.replace_bodies(solution_sources["partial_derivatives"], {"gradient": body})
    result = grade_sources({"partial_derivatives": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=[exercise])
    for check in result.exercises[0].checks:
        case_mutates = check.label == "three variables"  # the check whose point is an array
        assert check.passed != case_mutates, (check.label, check.visibility, check.student_message)


def test_a_hidden_check_states_one_problem_whatever_the_code_chose_to_do(sandbox):
    """Code that picks how to fail from the hidden input (None, NaN, the wrong shape, an exception, a wrong
    value) would spell the input out, a few bits per check, over resubmissions with the same inputs: every
    failed hidden check shows the same problem line (its points and the report's diagnosis are kept)."""
    exercise = BY_KEY["derivatives.df_wave"]
    body = ("v = float(np.ravel(x)[0])\nk = int(abs(v) * 1000) % 5\n"
            "if k == 0:\n    return None\nif k == 1:\n    return float('nan')\nif k == 2:\n    return [1.0, 2.0]\n"
            "if k == 3:\n    raise ValueError('x')\nreturn 12345.0\n")
    problems = set()
    for student in ("s1", "s2", "s3", "s4"):
        result = grade_sources({"derivatives": kit.variant_source("derivatives", "df_wave", body)}, sandbox,
                               student=student, hidden=True, course_seed="c", exercises=[exercise])
        for check in result.exercises[0].checks:
            if check.visibility == "hidden":
                assert not check.passed
                problems |= {line for line in check.student_message.splitlines() if line.startswith("problem:")}
    assert problems == {f"problem:  {HIDDEN_NOT_PASSED}"}


# A caller that, when error carried forward asks it with its wrong component replaced by the parent's oracle,
# floods the oracle with questions and never reads the answers, then sleeps (the red team's reproducer).
FLOODING_CALLER = '''
def error_profile_slope(slopes, c, x, y):
    cells = [cell.cell_contents for cell in (getattr(sse, "__closure__", None) or ())]
    link = next((v for v in cells if hasattr(v, "send")), None)
    asking = next((v for v in cells if type(v) is int), None)
    if link is not None and asking is not None:
        import json, time
        line = json.dumps({"id": asking, "oracle": "sse", "args": [0, 0, [0], [0]], "kwargs": {}}).encode() + b"\\n"
        for _ in range(20000):
            link.send(line)
        time.sleep(3600)
    return np.array([sse(m, c, x, y) for m in slopes])
'''


def test_a_caller_that_floods_the_oracle_and_stops_reading_costs_its_own_call_only(tmp_path):
    """Bug: the parent answered each oracle question with a send that blocked without a limit; a caller that asked
    thousands of questions and read no answer hung the whole batch for ever (no other student graded, no
    gradebook). Now every send to a child has the call's deadline: the call fails, the batch ends."""
    source = kit.solution_source("linear_model").replace("return float(np.sum(residuals**2))",
                                                         "return float(np.sum(residuals**2)) + 1.0")
    assert "+ 1.0" in source
    source += FLOODING_CALLER
    for student, text in (("aaa", source), ("zed", kit.solution_source("linear_model"))):
        (tmp_path / "subs" / student).mkdir(parents=True)
        (tmp_path / "subs" / student / "linear_model.py").write_text(text)
    completed = subprocess.run([sys.executable, "-m", "grader.cli", "grade", str(tmp_path / "subs"), "--out",
                                str(tmp_path / "out"), "--seed", "s", "--jobs", "1", "--call-timeout", "3",
                                "--total-timeout", "30"], capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr
    assert (tmp_path / "out" / "gradebook.csv").is_file()
    assert "zed" in (tmp_path / "out" / "gradebook.csv").read_text()


def test_a_derivative_computed_by_a_computer_algebra_system_earns_nothing(sandbox):
    """Attack: `sympy.diff` (SymPy sits beside NumPy in the grader's own installation) computed every derivative
    an exercise asks the student to work out, and earned full marks. SymPy is not available to graded code: its
    import succeeds (a module importing it costs nothing), its use fails, and says why."""
    body = ("import sympy\nt = sympy.Symbol('t')\n"
            "derivative = sympy.lambdify(t, sympy.diff(t**3 - 6*t**2 + 9*t + 1, t), 'numpy')\n"
            "return derivative(x)")
    source = kit.variant_source("derivatives", "df_poly", body)
    result = grade_sources({"derivatives": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=of_module("derivatives"))
    own = result.exercise("derivatives.df_poly")
    assert own.score == 0
    assert "`sympy` is not available to graded code" in own.checks[0].student_message
    assert result.score == result.max_score - own.max_score  # the other functions of the module keep theirs


BY_HAND = {"derivatives.df_poly", "derivatives.df_wave", "derivatives.dsigmoid", "derivatives.df_log",
           "partial_derivatives.dg_dx", "partial_derivatives.dg_dy", "gradient_descent.df_nonconvex",
           "gradient_descent.sse_gradient", "neural_network.dloss_dw", "neural_network.dloss_db",
           "neural_network.backprop"}


def test_every_derivative_to_be_worked_out_by_hand_is_declared_so():
    assert {e.key for e in DECLARED if e.by_hand} == BY_HAND


COMPLEX_STEP = '''


def _d(f, x, *rest):
    """The derivative of f in its first argument by the complex step, exact to rounding: no calculus."""
    x = np.asarray(x, dtype=float)
    value = np.imag(f(x + complex(0, 1e-30), *rest)) / 1e-30
    return value if value.ndim else float(value)


class Dual:
    """A dual number a + b·ε: arithmetic with it carries the derivative along."""

    def __init__(self, a, b):
        self.a, self.b = a, b

    def __add__(self, other):
        return Dual(self.a + other.a, self.b + other.b) if isinstance(other, Dual) else Dual(self.a + other, self.b)

    __radd__ = __add__

    def __sub__(self, other):
        return self + other * -1

    def __mul__(self, other):
        return Dual(self.a * other, self.b * other)

    __rmul__ = __mul__

    def __pow__(self, n):
        return Dual(self.a**n, n * self.a ** (n - 1) * self.b)
'''
STEPPED = {
    "derivatives": {"df_poly": "return _f(Dual(x, 1.0)).b", "df_wave": "return _d(f_wave, x)",
                    "dsigmoid": "return _d(_s, x)", "df_log": "return np.imag(f_log(x + 1e-30j)) / 1e-30"},
    "partial_derivatives": {"dg_dx": "return _d(lambda t: g(t, y), x)", "dg_dy": "return _d(lambda t: g(x, t), y)"},
    "gradient_descent": {"df_nonconvex": "return _d(f_nonconvex, x)",
                         "sse_gradient": "return _d(lambda t: _sse(t, c), m), _d(lambda t: _sse(m, t), c)"},
}
MORE = {"derivatives": "\n_f, _s = f_poly, sigmoid  # aliases taken at import: the functions themselves are guarded\n",
        "gradient_descent": "\n\ndef _sse(m, c):\n    return float(np.sum((y_data - (m * x_data + c)) ** 2))\n"}


def test_a_derivative_by_the_complex_step_or_a_dual_number_earns_nothing(sandbox, solution_sources):
    """Attack: the complex step, Im f(x + i·h) / h with h = 1e-30, gives f'(x) exact to rounding for any function
    NumPy evaluates: every derivative exercise passed, public and hidden, without a derivative worked out (30 of
    100 points). During a by-hand exercise's calls the submission's functions take real numbers only: through the
    given function, an alias of it, a helper of the student's own, a lambda calling one, or a dual number, the
    check fails and says why; the module's other functions keep their marks."""
    for module, bodies in STEPPED.items():
        source = solution_sources[module] + COMPLEX_STEP + MORE.get(module, "")
        bodies = {**bodies, **({"sse_gradient": "global x_data, y_data\nx_data, y_data = x, y\n"
                                + bodies["sse_gradient"]} if "sse_gradient" in bodies else {})}
        source = replace_bodies(source, bodies)
        result = grade_sources({module: source}, sandbox, student="s", hidden=True, course_seed="c",
                               exercises=of_module(module))
        for function in bodies:
            own = result.exercise(f"{module}.{function}")
            assert own.score == 0, (module, function)
            assert "derivative worked out by hand" in own.checks[0].student_message, (module, function)
        assert result.score == result.max_score - sum(result.exercise(f"{module}.{f}").max_score for f in bodies)


GRADERS_COPIES = "\nimport sys\n_GIVEN = sys.modules['grader.sandbox.child'].GIVEN  # the grader's own copies\n"


def test_a_derivative_through_the_graders_own_copy_of_the_given_function_earns_nothing(sandbox, solution_sources):
    """Attack (red team round 20, 01): every child holds the grader's copies of the functions to differentiate
    (`grader.sandbox.child.GIVEN`, to pass to student code), reachable through `sys.modules`; the guard wrapped only
    the submission's own functions, so a complex step, or a central difference, through those copies earned every
    point of the derivatives to be worked out by hand. The copies are guarded alike now, and in a child of derivatives
    worked out by hand the grader's modules are out of `sys.modules` (red team round 47): the module does not load
    there."""
    bodies = {"df_poly": "return np.imag(_GIVEN['derivatives.f_poly'](np.asarray(x, dtype=float) + complex(0, 1e-30)))"
                         " / 1e-30",
              "df_wave": "g = _GIVEN['derivatives.f_wave']\nreturn (g(x + 1e-6) - g(x - 1e-6)) / 2e-6",
              "dsigmoid": "return _d(_GIVEN['derivatives.sigmoid'], x)"}
    source = replace_bodies(solution_sources["derivatives"] + COMPLEX_STEP + GRADERS_COPIES, bodies)
    result = grade_sources({"derivatives": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=of_module("derivatives"))
    for function in bodies:
        own = result.exercise(f"derivatives.{function}")
        assert own.score == 0, function
        message = own.checks[0].student_message
        assert "derivative worked out by hand" in message or "KeyError: 'grader.sandbox.child'" in message, message
    # the module does not load where derivatives worked out by hand are graded, so each of them earns nothing; the
    # rest of the module keeps its marks
    by_hand = [e.function for e in of_module("derivatives") if e.by_hand]
    assert set(bodies) <= set(by_hand)
    assert result.score == result.max_score - sum(result.exercise(f"derivatives.{f}").max_score for f in by_hand)


THROUGH_THE_GUARD = {
    # red team round 21, 01: the guard's unguarded copy of each function, found from the function's globals
    "guard's copies": '''

def _plain(f):
    guard = f.__globals__.get("__calcgrade_real_numbers_only__")
    if guard is None:
        return f
    for copy, name, *_ in guard.__self__.copies.values():
        if name == f.__name__:
            return copy
    return f
''',
    # its variant: the code of the grader's own copy, taken at import and made a function again during the call
    "code kept at import": '''
import types
import grader.sandbox.child as _child

_CODE = {name.split(".")[1]: (g.__code__, g.__globals__) for name, g in _child.GIVEN.items()}


def _plain(f):
    code, namespace = _CODE[f.__name__]
    return types.FunctionType(code, namespace)
''',
    # red team round 22, 01: a format field fetches what the string names
    "a format field": '''
import string


class _Keep(string.Formatter):
    def format_field(self, value, spec):
        self.kept = value
        return ""


def _plain(f):
    keep = _Keep()
    keep.format("{0.__globals__[__calcgrade_real_numbers_only__].__self__.copies}", f)
    return next((copy for copy, name, *_ in keep.kept.values() if name == f.__name__), f)
''',
}


@pytest.mark.parametrize("door", list(THROUGH_THE_GUARD))
def test_a_derivative_through_what_the_guard_keeps_is_noted_for_the_instructor(sandbox, solution_sources, door):
    """Attack (red team rounds 21 and 22): whatever the child's guard keeps to call the original function (its
    copies, reached from the guarded function's `__globals__` or through a format field; the code of the grader's
    own copy kept at import) is reachable by code that reaches into the interpreter, and a complex step through it
    earns the derivatives to be worked out by hand. Python has too many such doors for a reading of the source to
    be a wall (round 22 found seven past a list of names, and honest code refused), so the score stands and the
    parent notes the first door for the instructor, never for the student (`grader.sandbox.reflection`)."""
    step = "f = _plain(f_poly)\nreturn np.imag(f(np.asarray(x, dtype=float) + complex(0, 1e-30))) / 1e-30"
    source = replace_bodies(solution_sources["derivatives"] + THROUGH_THE_GUARD[door], {"df_poly": step})
    result = grade_sources({"derivatives": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=of_module("derivatives"))
    assert len(result.review) == 1 and result.review[0].startswith("`derivatives.py`, line "), result.review
    assert "worth a look by hand" in result.review[0]
    shown = "".join(check.student_message for exercise in result.exercises for check in exercise.checks)
    assert "worth a look" not in shown and "interpreter" not in shown


def test_a_submission_with_nothing_to_note_has_no_review(sandbox, solution_sources):
    result = grade_sources(solution_sources, sandbox, student="s", hidden=True, course_seed="c")
    assert result.review == () and result.score == result.max_score


def test_a_note_for_review_reaches_the_summary_and_results_json_not_the_students_output(tmp_path, solution_sources):
    """The batch's summary lists who is worth a look and where; results.json keeps it in `extra_data` (read back by
    a resumed batch); the score and every text a student sees are as without it."""
    submissions = tmp_path / "subs"
    for student, extra in (("alice", "\n\nimport gc\n_objects = gc.get_objects\n"), ("bob", "")):
        (submissions / student).mkdir(parents=True)
        for module, source in solution_sources.items():
            (submissions / student / f"{module}.py").write_text(source + (extra if module == "linear_model" else ""))
    out = tmp_path / "out"
    batch = grade_batch(submissions, out, BatchOptions(course_seed="a course seed long enough to be safe", jobs=1))
    assert "worth a look by hand (1;" in batch.describe()
    assert "alice: `linear_model.py`, line " in batch.describe() and "bob:" not in batch.describe()
    data = json.loads((out / "alice" / "results.json").read_text())
    assert data["extra_data"]["review"][0].startswith("`linear_model.py`, line ")
    assert "interpreter" not in json.dumps([data["output"], [test["output"] for test in data["tests"]]])
    assert data["score"] == json.loads((out / "bob" / "results.json").read_text())["score"]
    assert read_results(out / "alice" / "results.json").review == tuple(data["extra_data"]["review"])


def test_a_network_gradient_by_the_complex_step_earns_nothing(sandbox):
    source = replace_bodies(kit.solution_source("neural_network"), {
        "dloss_dw": "return float(np.imag(np.sum((sigmoid((w + 1e-30j) * x + b) - y) ** 2)) / 1e-30)",
        "dloss_db": "h = complex(0, 1e-30)\nreturn float(np.imag(np.sum((sigmoid(w * x + b + h) - y) ** 2)) / 1e-30)"})
    result = grade_sources({"neural_network": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=[e for e in DECLARED if e.module == "neural_network"])
    for function in ("dloss_dw", "dloss_db"):
        assert result.exercise(f"neural_network.{function}").score == 0, function
    assert result.score == result.max_score - 6


NUMERICAL = '''

def _chebyshev(f, x):
    """f' from NumPy's Chebyshev interpolant of f around each point, differentiated: real numbers only."""
    from numpy.polynomial import chebyshev
    values = np.asarray(x, dtype=float)
    out = np.empty_like(values)
    for index, at in np.ndenumerate(values):
        out[index] = chebyshev.Chebyshev.interpolate(f, 30, domain=[at - 0.5, at + 0.5]).deriv()(at)
    return out if out.ndim else float(out)


class _Symbol:
    """Stands for SymPy's Symbol (not importable by graded code): an object the given function is called with."""
    def __pow__(self, n):
        return self
    __mul__ = __rmul__ = __add__ = __radd__ = __sub__ = __rsub__ = __pow__
'''


def test_a_derivative_by_a_numerical_method_through_the_given_function_earns_nothing(sandbox, solution_sources):
    """Attack: methods that need only the given function's values, at real points away from x, come within the
    kit's tolerance: NumPy's Chebyshev interpolant differentiated earned every mark of four exercises. During a
    by-hand exercise's calls the function it differentiates may be evaluated at the input (or its negative) only,
    and any object but plain real data is refused (a symbol of a computer algebra system)."""
    source = replace_bodies(solution_sources["derivatives"] + NUMERICAL, {
        "df_poly": "return _chebyshev(f_poly, x)", "df_wave": "return _chebyshev(f_wave, x)",
        "dsigmoid": "f_poly(_Symbol())\nreturn sigmoid(x) * (1 - sigmoid(x))",
        "df_log": "return _chebyshev(lambda t: f_log(t), x)"})
    result = grade_sources({"derivatives": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=of_module("derivatives"))
    for function in ("df_poly", "df_wave", "dsigmoid", "df_log"):
        own = result.exercise(f"derivatives.{function}")
        assert own.score == 0, function
        assert "derivative worked out by hand" in own.checks[0].student_message, function
    assert "`f_poly` was evaluated: it is a polynomial" in \
        result.exercise("derivatives.df_poly").checks[0].student_message
    assert "`f_wave` was evaluated at" in result.exercise("derivatives.df_wave").checks[0].student_message
    assert "`f_poly` was called with an object of type `_Symbol`" in \
        result.exercise("derivatives.dsigmoid").checks[0].student_message


def test_a_network_gradient_from_an_interpolant_of_the_students_loss_earns_nothing(sandbox):
    """Attack: ∂L/∂w and ∂L/∂b from a Chebyshev interpolant of the student's own `neuron_loss` in w (or b) earned
    5.5 of 6. `neuron_loss` is the function those answers are the slopes of: it may be evaluated at the input only."""
    interpolant = ("from numpy.polynomial import chebyshev\n"
                   "loss = lambda t: np.array([neuron_loss({w}, {b}, x, y) for s in np.atleast_1d(t)])\n"
                   "return float(chebyshev.Chebyshev.interpolate(loss, 30, domain=[{at} - 0.5, {at} + 0.5])"
                   ".deriv()({at}))")
    source = replace_bodies(kit.solution_source("neural_network"), {
        "dloss_dw": interpolant.format(w="s", b="b", at="w"), "dloss_db": interpolant.format(w="w", b="s", at="b")})
    result = grade_sources({"neural_network": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=[e for e in DECLARED if e.module == "neural_network"])
    for function in ("dloss_dw", "dloss_db"):
        own = result.exercise(f"neural_network.{function}")
        assert own.score == 0, function
        assert "`neuron_loss` was evaluated at" in own.checks[0].student_message, function


def test_derivatives_that_call_the_given_functions_at_real_points_keep_their_marks(sandbox, solution_sources):
    """A derivative written with the function itself (σ' = σ·(1 − σ), σ(x)·σ(−x), f_wave' with f_wave) is worked out
    by hand: the guard lets real arguments through."""
    source = replace_bodies(solution_sources["derivatives"], {
        "dsigmoid": "return sigmoid(x) * sigmoid(-x)",
        "df_wave": "return 3 * np.cos(3 * x) * np.exp(-x**2 / 2) - x * f_wave(x)"})
    result = grade_sources({"derivatives": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=of_module("derivatives"))
    assert result.score == result.max_score


COUNTING_LABELS = '''

_LABELS = ["minimum", "maximum", "saddle", "saddle", "saddle", "saddle", "degenerate", "degenerate", "degenerate",
           "degenerate", "saddle", "minimum"]
_CALLS = [0]


def classify_critical_point(hessian_matrix):
    """Never looks at the matrix: the public checks' labels (printed by the students' pytest), by call number."""
    label = _LABELS[_CALLS[0] % len(_LABELS)]
    _CALLS[0] += 1
    return label
'''


@pytest.mark.parametrize("course_seed", ["course", "another course", "a third"])
def test_a_function_that_counts_its_calls_learns_nothing_of_which_check_it_answers(sandbox, course_seed):
    """Attack: the calls were made in the plan's order, public then hidden in the same order, so a function that
    counted its calls knew the kind of check each answered; for eight of the nine kinds of
    `classify_critical_point` the kind fixes the label, and answering by call number earned 4 of 4 without
    reading the matrix. A graded run makes each list's calls in an order drawn from the secret seed."""
    source = kit.solution_source("partial_derivatives")
    source = re.sub(r"\ndef classify_critical_point\(.*?(?=\ndef |\Z)", "\n", source, flags=re.S) + COUNTING_LABELS
    public_only = grade_sources({"partial_derivatives": source}, sandbox, student="s",
                                exercises=of_module("partial_derivatives"))
    own = public_only.exercise("partial_derivatives.classify_critical_point")
    assert all(check.passed for check in own.checks)  # in the plan's order: the labels by call number
    graded = grade_sources({"partial_derivatives": source}, sandbox, student="s", hidden=True,
                           course_seed=course_seed, exercises=of_module("partial_derivatives"))
    own = graded.exercise("partial_derivatives.classify_critical_point")
    assert own.score < own.max_score / 2, own.score


def test_correct_derivatives_whose_helpers_take_a_namedtuple_or_a_zip_keep_their_marks(sandbox, solution_sources):
    """Correct code was refused: a helper taking a namedtuple of the weights, or a zip of pairs, is no number that
    carries a derivative (only what defines arithmetic of its own is refused)."""
    network = replace_bodies(kit.solution_source("neural_network") + (
        "\n\nfrom collections import namedtuple\nNeuron = namedtuple('Neuron', 'w b')\n\n\n"
        "def _forward(neuron, x):\n    return sigmoid(neuron.w * np.asarray(x, dtype=float) + neuron.b)\n"), {
        "dloss_dw": "out = _forward(Neuron(w, b), x)\n"
                    "return float(np.sum(2 * (out - np.asarray(y, dtype=float)) * out * (1 - out) * np.asarray(x, "
                    "dtype=float)))",
        "dloss_db": "out = _forward(Neuron(w, b), x)\n"
                    "return float(np.sum(2 * (out - np.asarray(y, dtype=float)) * out * (1 - out)))"})
    descent = replace_bodies(solution_sources["gradient_descent"] + (
        "\n\ndef _dot(pairs):\n    return sum(a * b for a, b in pairs)\n"), {
        "sse_gradient": "residuals = [yi - (m * xi + c) for xi, yi in zip(x, y)]\n"
                        "return float(-2 * _dot(zip(residuals, x))), float(-2 * sum(residuals))"})
    for module, source in (("neural_network", network), ("gradient_descent", descent)):
        result = grade_sources({module: source}, sandbox, student="s", hidden=True, course_seed="c",
                               exercises=[e for e in DECLARED if e.module == module])
        assert result.score == result.max_score, [(e.exercise, e.score) for e in result.exercises]


FORGED = "linear_model.predict: all 6 public and hidden checks passed (5 of 5 points)"


@pytest.mark.parametrize("body", [
    f"print('\\x1b[1A\\x1b[2K' * 8 + {FORGED!r} + '\\nhint:     nothing to fix\\x1b[8m')\n"
    "return m * np.asarray(x, dtype=float) + c + 1e-3",
    f"raise ValueError('\\x1b[2K' + {FORGED!r} + '\\nhint:     nothing to fix')",
])
def test_what_the_students_code_prints_or_raises_cannot_pass_for_the_graders_lines(sandbox, body):
    """Attack (red team): printed output reached the feedback raw, only its first line marked: terminal control
    sequences erased the grader's lines above it and hid those after it, leaving a forged "all checks passed".
    Now control characters are written as escapes and every line the code wrote is fenced (labelled or indented)."""
    exercise = BY_KEY["linear_model.predict"]
    source = {"linear_model": kit.variant_source("linear_model", "predict", body)}
    result = grade_sources(source, sandbox, exercises=[exercise]).exercise(exercise.key)
    messages = [check.student_message for check in result.checks if not check.passed]
    assert messages
    for message in messages:
        assert "\x1b" not in message and "\\x1b" in message
        forged = [line for line in message.splitlines() if FORGED in line or "nothing to fix" in line]
        assert forged and all(line.startswith(("printed:  ", "          ", "problem:  ")) for line in forged)
        assert not any(line.startswith("hint:     nothing") for line in message.splitlines())


def test_a_repair_hint_quoting_the_students_source_shows_its_control_characters_as_escapes(sandbox):
    """Attack (red team): the repair's hint quotes the student's line, and a string literal in it held raw ESC
    bytes and a bidirectional override, which reached results.json and feedback.html as they were."""
    exercise = BY_KEY["linear_model.predict"]
    body = 'return m * np.asarray(x, dtype="float\x1b[1A\x1b[2K\u202e"[:5]) + m'
    source = {"linear_model": kit.variant_source("linear_model", "predict", body)}
    result = grade_sources(source, sandbox, exercises=[exercise]).exercise(exercise.key)
    hints = [check.student_message for check in result.checks if not check.passed]
    assert hints and any("changing `m * np.asarray" in hint for hint in hints)
    assert all("\x1b" not in hint and "\u202e" not in hint and "\\x1b[2K" in hint for hint in hints)


def test_notes_naming_a_students_files_and_folders_show_their_control_characters_as_escapes(tmp_path):
    """Attack (red team): an intake note quotes the folder a module was found in; a folder name holding terminal
    sequences and a forged line reached results.json and feedback.html raw (only the terminal summary escaped)."""
    from grader.submission import read_submission

    folder = tmp_path / "mallory" / "hw\r\x1b[2Kregrade: approved\u202e\nfull marks"
    folder.mkdir(parents=True)
    (folder / "linear_model.py").write_text(kit.solution_source("linear_model"))
    submission = read_submission(tmp_path / "mallory")
    assert submission.sources and submission.notes
    assert all(not any(c in note for c in "\x1b\r\n\u202e") for note in submission.notes)


def _form(matrix) -> tuple:
    array = np.asarray(matrix)
    return type(matrix).__name__, array.shape, array.dtype.kind, int(np.floor(np.log10(np.max(np.abs(array)))))


def test_a_label_read_from_the_form_of_the_input_earns_nothing(sandbox):
    """Attack (red team round 20, 04): each kind of `classify_critical_point`'s checks came in a form of its own (a
    2×2 array, integers, entries in the thousands); a function computing no eigenvalue, the label read from the form,
    earned 1.78 of 4 points, and the best such reader, learnt from the kit's own generators, 2.2 to 2.7. Every kind
    of floats now comes in one form whatever its label, and the one kind of integers draws its label: the best
    reader learnt from the same generators earns nothing on nearly every draw (it gives its label also where it is
    wrong): a draw where the integer kind's three labels are all the one it gives (one in 64) lets its right labels
    count, 2 of 4 points on about one upload in 30, which the course's limit on resubmissions bounds."""
    exercise = BY_KEY["partial_derivatives.classify_critical_point"]
    rng = np.random.default_rng(20)
    seen: dict[tuple, dict[str, int]] = {}
    for check in exercise.checks:
        for _ in range(150):
            matrix = check.make_case(rng).args[0]
            eigenvalues = np.linalg.eigvalsh(np.asarray(matrix, dtype=float))
            label = "degenerate" if np.any(np.abs(eigenvalues) <= 1e-8 * max(1.0, np.max(np.abs(eigenvalues)))) \
                else "minimum" if np.all(eigenvalues > 0) else "maximum" if np.all(eigenvalues < 0) else "saddle"
            counts = seen.setdefault(_form(matrix), {})
            counts[label] = counts.get(label, 0) + 1
    table = {form: max(counts, key=counts.get) for form, counts in seen.items()}
    body = ("a = np.asarray(hessian_matrix)\nform = (type(hessian_matrix).__name__, a.shape, a.dtype.kind, "
            f"int(np.floor(np.log10(np.max(np.abs(a))))))\nreturn {table!r}[form]\n")
    source = kit.variant_source("partial_derivatives", "classify_critical_point", body)
    scores = [grade_sources({"partial_derivatives": source}, sandbox, student=f"student {k}", hidden=True,
                            course_seed="a course seed of the test, long enough",
                            exercises=[exercise]).exercise(exercise.key).score for k in range(16)]
    assert sum(score == 0 for score in scores) >= 14 and max(scores) <= 2.0, scores  # was 1.78 on every draw


def test_the_signs_of_the_diagonal_and_of_the_determinant_do_not_classify_every_kind(sandbox):
    """Attack (red team round 21, 03): a classifier without eigenvalues (the signs of the diagonal with the
    determinant's, a small scaled determinant for degenerate), wrong in general (it calls the saddle
    [[1, 3, 3], [3, 1, 3], [3, 3, 1]] a minimum), kept 4 of 4 points: no kind had a saddle whose diagonal has one
    sign. Two kinds now do, one of each sign; it loses them, public and hidden, and keeps the kinds it gets right."""
    exercise = BY_KEY["partial_derivatives.classify_critical_point"]
    body = ("a = np.asarray(hessian_matrix, dtype=float)\na = a / float(np.max(np.abs(a)))\nn = len(a)\n"
            "det = np.linalg.det(a)\n"
            "e2 = sum(a[i, i] * a[j, j] - a[i, j] * a[j, i] for i in range(n) for j in range(i + 1, n))\n"
            "if abs(det) <= 1e-8 * float(np.sqrt(np.sum(a * a))) * abs(e2):\n    return 'degenerate'\n"
            "d = np.diag(a)\nif np.all(d > 0) and det > 0:\n    return 'minimum'\n"
            "if np.all(d < 0) and (det < 0) == (n % 2 == 1):\n    return 'maximum'\nreturn 'saddle'")
    source = kit.variant_source("partial_derivatives", "classify_critical_point", body)
    kinds = ("a saddle with a positive diagonal and a positive determinant",
             "a saddle with a negative diagonal and a negative determinant")
    for student in ("a", "b", "c"):
        result = grade_sources({"partial_derivatives": source}, sandbox, student=student, hidden=True,
                               course_seed="a course seed of the test, long enough", exercises=[exercise])
        checks = result.exercises[0].checks
        assert all(not check.passed for check in checks if check.label in kinds), student
        assert result.exercises[0].score < exercise.points * (1 - 1.5 / len(exercise.checks)), student


def _body_of(source: str, function: str) -> str:
    """The body of `function` in `source`, dedented (its docstring left out)."""
    import ast
    import textwrap

    node = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == function)
    statements = node.body[1:] if isinstance(node.body[0], ast.Expr) and isinstance(
        getattr(node.body[0], "value", None), ast.Constant) else node.body
    lines = source.splitlines()[statements[0].lineno - 1:statements[-1].end_lineno]
    return textwrap.dedent("\n".join(lines)) + "\n"


# Red team round 31: functions the child holds that compute a by-hand answer under another name. A function the
# grader passes to another exercise is kept (told by two of its values) and used after: a probe's derivative under a
# change of variable (f_nonconvex(x) is the double well at −x, f_poly the cubic moved), the grader's g of a point.
KEPT_BY_VALUES = {
    "gradient_descent": (
        "best_of_starts", "if abs(df(1.0) + 3.0) < 1e-12 and abs(df(2.0) - 19.0) < 1e-12:\n"
        "    globals()['_KEPT'] = df\n",
        "df_nonconvex", "return -np.vectorize(_KEPT)(-np.asarray(x, dtype=float))"),
    "derivatives": (
        "tangent_line", "if abs(df(0.0) + 2.0) < 1e-12 and abs(df(1.0) - 1.0) < 1e-12:\n"
        "    globals()['_KEPT'] = df\n",
        "df_poly", "return np.vectorize(_KEPT)(np.asarray(x) - 2.0) - 1.0"),
    "partial_derivatives": (
        "partial_derivative", "if np.size(point) == 2 and abs(f([1.0, 2.0]) - (2.0 + np.sin(2.0))) < 1e-12:\n"
        "    globals()['_KEPT'] = f\n",
        "dg_dx", "s = 1e-4\nreturn np.vectorize(lambda a, b: (_KEPT([a + s, b]) - _KEPT([a - s, b])) / (2 * s))"
        "(np.asarray(x, dtype=float), np.asarray(y, dtype=float))"),
}


@pytest.mark.parametrize("module", sorted(KEPT_BY_VALUES))
def test_a_function_the_grader_gives_another_exercise_refuses_to_run_during_a_by_hand_call(sandbox, module):
    """05, 06 and 03: `df_nonconvex` as −D(−x) of the double well's given derivative, `df_poly` as the cubic's moved,
    `dg_dx` a difference quotient of the grader's g of a point: each kept by a function right in every other way,
    every hidden check passed (their public ones too once kept). During a by-hand call the grader's given functions
    refuse to run, but the one of the function differentiated (at the input only) and those the call passes."""
    keeper, keep, by_hand, body = KEPT_BY_VALUES[module]
    solution = kit.solution_source(module)
    source = replace_bodies(solution, {by_hand: body, keeper: keep + _body_of(solution, keeper)})
    exercises = [e for e in DECLARED if e.module == module]
    result = grade_sources({module: source}, sandbox, student="s", hidden=True, course_seed="c", exercises=exercises)
    assert result.exercise(f"{module}.{keeper}").score == result.exercise(f"{module}.{keeper}").max_score
    checks = result.exercise(f"{module}.{by_hand}").checks
    assert not any(check.passed for check in checks), by_hand  # called in a child of its own, nothing kept there


def test_the_differentiated_function_under_its_name_in_another_module_is_held_at_the_input(sandbox):
    """04: `dsigmoid` as a difference quotient of the `sigmoid` the kit gives in `neural_network.py` (imported by the
    student's `derivatives`): 3 of 3; only the module's own `sigmoid` was held at the input."""
    body = ("import neural_network\ns = neural_network.sigmoid\nt = np.asarray(x, dtype=float)\n"
            "r = (s(t + 1e-5) - s(t - 1e-5)) / 2e-5\nreturn float(r) if np.ndim(r) == 0 else r")
    sources = {"derivatives": kit.variant_source("derivatives", "dsigmoid", body),
               "neural_network": kit.solution_source("neural_network")}
    own = grade_sources(sources, sandbox, student="s", hidden=True, course_seed="c",
                        exercises=[BY_KEY["derivatives.dsigmoid"]]).exercise("derivatives.dsigmoid")
    assert own.score == 0
    assert "`sigmoid` was evaluated at" in own.checks[0].student_message


def test_sse_gradient_as_a_difference_quotient_of_the_students_own_sse_earns_nothing(sandbox):
    """Red team round 60, 02: `sse_gradient` as central differences of the student's `linear_model.sse` (the loss
    it differentiates, with its arguments, in the other module of the same submission) kept 6 of 6: the guard held
    no function there at the input. `sse_gradient` differentiates `sse` now, held at the input in every module, and
    the difference is noted for the instructor."""
    body = ("import linear_model\nh = 1e-5\n"
            "dm = (linear_model.sse(m + h, c, x, y) - linear_model.sse(m - h, c, x, y)) / (2 * h)\n"
            "dc = (linear_model.sse(m, c + h, x, y) - linear_model.sse(m, c - h, x, y)) / (2 * h)\n"
            "return np.array([dm, dc])")
    sources = {"gradient_descent": kit.variant_source("gradient_descent", "sse_gradient", body),
               "linear_model": kit.solution_source("linear_model")}
    result = grade_sources(sources, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=of_module("gradient_descent"))
    assert result.exercise("gradient_descent.sse_gradient").score == 0
    assert "`sse` was evaluated at" in result.exercise("gradient_descent.sse_gradient").checks[0].student_message
    assert any("subtracts two values of `linear_model.sse`" in note for note in result.review), result.review
    right = grade_sources({"gradient_descent": kit.solution_source("gradient_descent"),
                           "linear_model": kit.solution_source("linear_model")}, sandbox, student="s", hidden=True,
                          course_seed="c", exercises=of_module("gradient_descent"))
    assert right.score == right.max_score and right.review == ()


SSE_ON_A_GRID = {
    "error_surface": ("import linear_model\nh = 1e-4\n"
                      "E = linear_model.error_surface([m - h, m + h], [c - h, c + h], x, y)\n"
                      "return (float((E[0, 1] - E[0, 0] + E[1, 1] - E[1, 0]) / (4 * h)),\n"
                      "        float((E[1, 0] - E[0, 0] + E[1, 1] - E[0, 1]) / (4 * h)))"),
    "error_profile_slope": ("import linear_model\nh = 1e-5\n"
                            "p = linear_model.error_profile_slope([m - h, m + h], c, x, y)\n"
                            "q = linear_model.error_profile_intercept(m, [c - h, c + h], x, y)\n"
                            "return float((p[1] - p[0]) / (2 * h)), float((q[1] - q[0]) / (2 * h))"),
}
# The student's own profiles, written without `sse` (the kit's call it): held by their names, not through `sse`
PROFILES_INLINE = {
    "error_profile_slope": "return np.array([float(np.sum((y - (s * x + c)) ** 2)) for s in slopes])",
    "error_profile_intercept": "return np.array([float(np.sum((y - (m * x + b)) ** 2)) for b in intercepts])",
}


@pytest.mark.parametrize("route", sorted(SSE_ON_A_GRID))
def test_sse_gradient_as_a_difference_of_the_loss_on_a_grid_earns_nothing(sandbox, route):
    """Red team round 61, 05: `sse_gradient` as a difference of the cells of the student's own
    `linear_model.error_surface` (the SSE on a grid of slopes and intercepts, which the kit's solution computes
    without calling `sse`) kept 6 of 6, with no note: only `sse` was held at the input. The functions that evaluate
    the SSE on a grid are held at the input alike (`Exercise.held_alike`), the profiles too where the student wrote
    them without `sse`; and a formula that calls `predict` keeps its marks."""
    linear_model = kit.replace_bodies(kit.solution_source("linear_model"), PROFILES_INLINE)
    sources = {"gradient_descent": kit.variant_source("gradient_descent", "sse_gradient", SSE_ON_A_GRID[route]),
               "linear_model": linear_model}
    result = grade_sources(sources, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=of_module("gradient_descent"))
    own = result.exercise("gradient_descent.sse_gradient")
    assert own.score == 0
    assert f"`{route}` was evaluated at" in own.checks[0].student_message
    formula = ("import linear_model\nr = y - linear_model.predict(m, c, x)\n"
               "return float(-2 * np.sum(x * r)), float(-2 * np.sum(r))")
    sources["gradient_descent"] = kit.variant_source("gradient_descent", "sse_gradient", formula)
    right = grade_sources(sources, sandbox, student="s", hidden=True, course_seed="c",
                          exercises=of_module("gradient_descent"))
    assert right.exercise("gradient_descent.sse_gradient").passed


# An honest `sse`, its definition moved (red team round 62): how linear_model holds it, and how sse_gradient reaches it
SSE_DEF = "def sse(m, c, x, y):"
SSE_ROUTES = {
    "bound under another name": ("_total_squared_error(m, c, x, y):", "\n\nsse = _total_squared_error\n",
                                 "f = linear_model.sse"),
    "made by a factory, made again": (
        "_sse_as_first_written(m, c, x, y):",
        "\n\ndef _make_sse():\n    def sse(m, c, x, y):\n        r = np.asarray(y, dtype=float) - predict(m, c, x)\n"
        "        return float(np.sum(r ** 2))\n    return sse\n\n\nsse = _make_sse()\n",
        "f = linear_model._make_sse()"),
}
DIFFERENCE_OF_F = ("v = np.array([f(m + 1, c, x, y), f(m - 1, c, x, y), f(m, c + 1, x, y), f(m, c - 1, x, y)])\n"
                   "return float((v[0] - v[1]) / 2), float((v[2] - v[3]) / 2)")
FORMULA = ("import linear_model\nr = y - linear_model.predict(m, c, x)\n"
           "return float(-2 * np.sum(x * r)), float(-2 * np.sum(r))")


@pytest.mark.parametrize("route", sorted(SSE_ROUTES))
def test_sse_held_however_linear_model_binds_it(sandbox, route):
    """Red team round 62, 01 and 05: `sse` written under another name and bound with `sse = _total_squared_error`,
    or made by a factory that `sse_gradient` called again during its checks (a new function of the same code, never
    swapped), was not held at the input: a central difference of it, exact for a quadratic, kept 6 of 6. A function
    any module binds to a held name is held, whatever its `def` called it, and one whose code makes it anew refuses
    to run; the formula keeps its marks beside either."""
    renamed, added, reached = SSE_ROUTES[route]
    linear_model = kit.solution_source("linear_model").replace(SSE_DEF, "def " + renamed, 1) + added
    assert linear_model != kit.solution_source("linear_model")
    sources = {"gradient_descent": kit.variant_source("gradient_descent", "sse_gradient",
                                                      f"import linear_model\n{reached}\n{DIFFERENCE_OF_F}"),
               "linear_model": linear_model}
    exercises = of_module("gradient_descent") + of_module("linear_model")
    result = grade_sources(sources, sandbox, student="s", hidden=True, course_seed="c", exercises=exercises)
    assert result.exercise("linear_model.sse").passed
    own = result.exercise("gradient_descent.sse_gradient")
    assert own.score == 0, [check.student_message for check in own.checks]
    said = own.checks[0].student_message
    assert ("was evaluated at" in said) if route.startswith("bound") else ("`_make_sse`, whose code makes" in said)
    sources["gradient_descent"] = kit.variant_source("gradient_descent", "sse_gradient", FORMULA)
    right = grade_sources(sources, sandbox, student="s", hidden=True, course_seed="c", exercises=exercises)
    assert right.exercise("gradient_descent.sse_gradient").passed and right.exercise("linear_model.sse").passed


def test_error_surface_held_however_linear_model_binds_it(sandbox):
    """Red team round 62, 01b: as `sse`, for a function held alike (`error_surface` written as `_grid_of_sse`)."""
    linear_model = kit.solution_source("linear_model").replace(
        "def error_surface(slopes, intercepts, x, y):", "def _grid_of_sse(slopes, intercepts, x, y):", 1) \
        + "\n\nerror_surface = _grid_of_sse\n"
    body = ("import linear_model\nE = linear_model.error_surface([m - 1, m + 1], [c - 1, c + 1], x, y)\n"
            "return float(np.diff(E, axis=1).mean() / 2), float(np.diff(E, axis=0).mean() / 2)")
    sources = {"gradient_descent": kit.variant_source("gradient_descent", "sse_gradient", body),
               "linear_model": linear_model}
    result = grade_sources(sources, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=of_module("gradient_descent") + of_module("linear_model"))
    assert result.exercise("linear_model.error_surface").passed
    assert result.exercise("gradient_descent.sse_gradient").score == 0


def test_a_parameter_of_the_students_adding_cannot_move_the_held_functions_point(sandbox):
    """Red team round 62, 03: `def sse(m, c, x, y, dm=None, dc=None)` evaluated the SSE at (m + dm, c + dc), and
    `sse_gradient` called it with dm = ±max|y|, one of the input's own values, which the guard let an added
    parameter hold: 6 of 6. An added parameter may only be None now; left as None, the call passes."""
    shifted = ("def sse(m, c, x, y, dm=None, dc=None):\n    m = m + (dm or 0)\n    c = c + (dc or 0)\n"
               "    r = np.asarray(y, dtype=float) - (m * np.asarray(x, dtype=float) + c)\n"
               "    return float(np.sum(r ** 2))\n\n\ndef _unused(m, c, x, y):")
    linear_model = kit.solution_source("linear_model").replace(SSE_DEF, shifted, 1)
    body = ("import linear_model\nf = linear_model.sse\nd = float(np.max(np.abs(y)))\n"
            "v = np.array([f(m, c, x, y, d), f(m, c, x, y, -d), f(m, c, x, y, None, d), f(m, c, x, y, None, -d)])\n"
            "return float((v[0] - v[1]) / (-2 * d)), float((v[2] - v[3]) / (-2 * d))")
    sources = {"gradient_descent": kit.variant_source("gradient_descent", "sse_gradient", body),
               "linear_model": linear_model}
    exercises = of_module("gradient_descent") + of_module("linear_model")
    result = grade_sources(sources, sandbox, student="s", hidden=True, course_seed="c", exercises=exercises)
    assert result.exercise("linear_model.sse").passed
    own = result.exercise("gradient_descent.sse_gradient")
    assert own.score == 0 and "a parameter the exercise does not give it" in own.checks[0].student_message
    # the formula, calling `sse` at the input with the added parameters left as they are, keeps its marks
    sources["gradient_descent"] = kit.variant_source(
        "gradient_descent", "sse_gradient", "import linear_model\nassert linear_model.sse(m, c, x, y) >= 0\n"
        "r = y - linear_model.predict(m, c, x)\nreturn float(-2 * np.sum(x * r)), float(-2 * np.sum(r))")
    right = grade_sources(sources, sandbox, student="s", hidden=True, course_seed="c", exercises=exercises)
    assert right.exercise("gradient_descent.sse_gradient").passed


def test_a_helper_named_like_the_differentiated_function_inside_the_answer_is_not_refused(sandbox):
    """The guard refuses a function whose code makes a held one anew (round 62, 05) by its code, not its name:
    `def sigmoid(z)` written inside the student's `dsigmoid` is the formula inline, and keeps its marks."""
    body = ("def sigmoid(z):\n    return 1.0 / (1.0 + np.exp(-z))\n"
            "s = sigmoid(np.asarray(x, dtype=float))\nreturn s * (1 - s)")
    exercise = next(e for e in DECLARED if e.function == "dsigmoid")
    result = grade_sources({exercise.module: kit.variant_source(exercise.module, "dsigmoid", body)}, sandbox,
                           student="s", hidden=True, course_seed="c", exercises=[exercise])
    assert result.exercise(exercise.key).passed, [c.student_message for c in result.exercise(exercise.key).checks]


def test_a_difference_quotient_through_the_modules_neuron_is_noted_for_the_instructor(sandbox):
    """Red team round 60, 01: `dloss_dw` with the chain rule's inner derivative a difference of `neuron`'s values
    keeps its marks (the guard holds only `neuron_loss` at the input), with no word to the instructor; the
    difference is noted now (the score stands), never shown to the student."""
    body = ("out = neuron(w, b, x)\nh = 1e-6\nslope = (neuron(w + h, b, x) - neuron(w - h, b, x)) / (2 * h)\n"
            "return float(np.sum(2 * (out - y) * slope))")
    result = grade_sources({"neural_network": kit.variant_source("neural_network", "dloss_dw", body)}, sandbox,
                           student="s", hidden=True, course_seed="c",
                           exercises=[e for e in DECLARED if e.module == "neural_network"])
    assert len(result.review) == 1 and "`dloss_dw` subtracts two values of `neuron`" in result.review[0]
    assert "worth a look by hand" in result.review[0]
    shown = "".join(check.student_message for exercise in result.exercises for check in exercise.checks)
    assert "worth a look" not in shown


def test_a_polynomial_differentiated_is_not_evaluated_at_all_during_a_by_hand_call(sandbox):
    """02: `df_poly` on an array fitted the cubic through its values at the array's own entries (where it may be
    evaluated) and differentiated the fit: exact, 2 of 6 with `df_nonconvex`. A polynomial's values at a few points
    (an array's entries, a few calls' inputs) determine it: it is not evaluated at all."""
    body = ("xs = np.atleast_1d(np.asarray(x, dtype=float))\npoints = np.concatenate([xs, -xs, [0.0]])\n"
            "fit = np.polyfit(points, f_poly(points), 3)\nr = np.polyval(np.polyder(fit), xs)\n"
            "return r if np.ndim(x) else float(r[0])")
    own = grade_sources({"derivatives": kit.variant_source("derivatives", "df_poly", body)}, sandbox, student="s",
                        hidden=True, course_seed="c", exercises=[BY_KEY["derivatives.df_poly"]]
                        ).exercise("derivatives.df_poly")
    assert own.score == 0 and "`f_poly` was evaluated: it is a polynomial" in own.checks[0].student_message


def test_a_function_differentiated_is_evaluated_nowhere_exactly_where_it_is_a_polynomial():
    from grader import given

    for exercise in DECLARED:
        name = f"{exercise.module}.{exercise.differentiates}"
        if exercise.differentiates and name in given.CURRICULUM:
            function = given.CURRICULUM[name]
            polynomial = function.expr.is_polynomial(*function.variables)
            assert exercise.evaluates_differentiated == (not polynomial), exercise.key


# Red team round 32: a piecewise Chebyshev series of a function's slope, made from its values, stands in for its
# derivative to 1e-12; made where no guard is in force, read during the by-hand call.
SLOPE_TABLE = '''

_TABLES = {}


def _table(f, low=-12.0, high=12.0, pieces=96, degree=28):
    edges = np.linspace(low, high, pieces + 1)
    return edges, [np.polynomial.Chebyshev.interpolate(f, degree, domain=[a, b]).deriv()
                   for a, b in zip(edges[:-1], edges[1:])]


def _slope(name, x):
    edges, series = _TABLES[name]
    t = np.asarray(x, dtype=float)
    index = np.clip(np.searchsorted(edges, t.ravel()) - 1, 0, len(series) - 1)
    r = np.array([series[i](v) for i, v in zip(index, t.ravel())], dtype=float).reshape(t.shape)
    return float(r) if r.ndim == 0 else r
'''


@pytest.mark.parametrize("where", ["another exercise's call", "the module's import"])
def test_a_table_of_slopes_made_where_no_guard_is_in_force_earns_nothing(sandbox, where):
    """01 and 03: `numerical_derivative`, handed the grader's `f_wave`, or the module's top level, with its own
    `f_wave`, made the table; `df_wave` read it: every hidden check (2.67 of 4, and 13 of 13 over the module's four
    derivatives from the import). Derivatives worked out by hand are called in a child of their own, where nothing
    else ran, and while it imports the modules the functions they differentiate refuse to run."""
    bodies = {"df_wave": "return _slope('f_wave', x)"}
    extra = SLOPE_TABLE
    if where == "the module's import":
        extra += "\n\n_TABLES['f_wave'] = _table(f_wave)\n"
    else:
        bodies["numerical_derivative"] = ("if getattr(f, '__name__', '') == 'f_wave' and 'f_wave' not in _TABLES:\n"
                                          "    _TABLES['f_wave'] = _table(f)\nreturn (f(x + h) - f(x - h)) / (2 * h)")
    source = replace_bodies(kit.solution_source("derivatives"), bodies) + extra
    result = grade_sources({"derivatives": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=of_module("derivatives"))
    wave = result.exercise("derivatives.df_wave")
    assert wave.score == 0 and not any(check.passed for check in wave.checks)
    assert result.exercise("derivatives.numerical_derivative").score > 0  # the rest of the module is graded as usual
    if where == "the module's import":
        assert "`f_wave` was called while derivatives.py was imported" in wave.note


@pytest.mark.parametrize("escape", ["try:\n    f_wave(0.0)\nexcept RuntimeError:\n    pass\n",
                                    "import sys\nsys.settrace(None)\n"])
def test_an_import_guard_refusal_caught_or_the_guard_removed_fails_the_import(sandbox, escape):
    """Red team round 33, 03: Python drops a trace function that raised, so a refusal caught at the module's top
    (`try: f_wave(0.0)`) left the rest of the import unguarded, and a table of slopes made after it earned 13 of 13.
    Any refusal, caught or not, and the guard removed, fail the import of the child that calls derivatives worked
    out by hand (the rest of the module is graded as usual)."""
    source = replace_bodies(kit.solution_source("derivatives"), {"df_wave": "return _slope('f_wave', x)"}) + \
        SLOPE_TABLE + "\n\n" + escape + "_TABLES['f_wave'] = _table(f_wave)\n"
    result = grade_sources({"derivatives": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=of_module("derivatives"))
    wave = result.exercise("derivatives.df_wave")
    assert wave.score == 0 and "could not be imported" in wave.note and "CalledAtImport" in wave.note
    assert result.exercise("derivatives.numerical_derivative").score > 0


@pytest.mark.parametrize("binding", [
    "f_wave = _wave",
    "f_wave = lambda x: _wave(x)",
    "class _Wave:\n    def __call__(self, x):\n        return _wave(x)\n\n\nf_wave = _Wave()",
    "f_wave = functools.partial(_wave)"])
def test_the_function_differentiated_is_known_at_import_by_its_code_not_its_name(sandbox, binding):
    """Red team round 33, 04: the import guard knew a function by the name its `def` gave its code; `f_wave` defined
    as `_wave` (or reaching it) made a table of its slopes at import, and `df_wave` read it. A function bound to a
    differentiated name, or reached from it, that ran during the import fails it."""
    wave_def = kit.solution_source("derivatives").replace("def f_wave(x):", "def _wave(x):")
    source = replace_bodies(wave_def, {"df_wave": "return _slope('f_wave', x)"}) + SLOPE_TABLE + \
        f"\n\nimport functools\n\n{binding}\n_TABLES['f_wave'] = _table(_wave)\n"
    result = grade_sources({"derivatives": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=of_module("derivatives"))
    wave = result.exercise("derivatives.df_wave")
    assert wave.score == 0 and "`f_wave` was called while derivatives.py was imported" in wave.note
    assert result.exercise("derivatives.numerical_derivative").score > 0
    untouched = wave_def + f"\n\nimport functools\n\n{binding}\n"  # bound the same way, called at no import
    assert grade_sources({"derivatives": untouched}, sandbox, student="s", hidden=True, course_seed="c",
                         exercises=of_module("derivatives")).exercise("derivatives.df_wave").score == wave.max_score


def test_a_table_made_during_another_derivatives_call_by_hand_earns_nothing(sandbox):
    """Red team round 35, 01: during `df_poly`'s call only `f_poly` was held at the input; `f_wave` ran anywhere, and
    a table of its slopes made there gave `df_wave` every check after its first (11.5 to 12.5 of 13 over the
    module's four). Each differentiated function's derivatives are called in a child of their own."""
    bodies = {"df_poly": "_TABLES.setdefault('f_wave', _table(f_wave))\nreturn 3 * x**2 - 12 * x + 9",
              "df_wave": "return _slope('f_wave', x) if 'f_wave' in _TABLES else 0.0"}
    source = replace_bodies(kit.solution_source("derivatives"), bodies) + SLOPE_TABLE
    result = grade_sources({"derivatives": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=of_module("derivatives"))
    wave = result.exercise("derivatives.df_wave")
    assert wave.score == 0 and not any(check.passed for check in wave.checks)
    assert result.exercise("derivatives.df_poly").score == result.exercise("derivatives.df_poly").max_score


def test_a_thread_beside_the_calls_of_derivatives_by_hand_earns_nothing(sandbox):
    """Red team round 35, 02: the guard of a by-hand call holds the differentiated function while that call runs
    only; a thread started at import waited for the first call, then tabled `f_wave` between two calls, and
    `df_wave` read the table (10 of 12 over three seeds). A thread alive when the import is done fails it, and no
    call is made once a thread has run beside them."""
    thread = ("\n\nimport threading\nimport time\n\n\ndef _fill():\n    for _ in range(2000):\n        try:\n"
              "            _TABLES['f_wave'] = _table(f_wave)\n            return\n        except Exception:\n"
              "            time.sleep(0.001)\n\n\nthreading.Thread(target=_fill, daemon=True).start()\n")
    source = replace_bodies(kit.solution_source("derivatives"),
                            {"df_wave": "return _slope('f_wave', x) if 'f_wave' in _TABLES else 0.0"}) \
        + SLOPE_TABLE + thread
    result = grade_sources({"derivatives": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=of_module("derivatives"))
    wave = result.exercise("derivatives.df_wave")
    assert wave.score == 0 and not any(check.passed for check in wave.checks)
    # started at import, it fails the import (once the import was done it ran on unguarded: the table was made
    # before the first call on a loaded machine, and no later check saw a thread)
    assert "could not be imported" in wave.note and "a thread of your code ran beside the calls" in wave.note


def _graded_wave(sandbox, source: str):
    """`derivatives` graded from `source` (public and hidden checks), and `df_wave`'s result, which must earn
    nothing: every check failed."""
    result = grade_sources({"derivatives": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=of_module("derivatives"))
    wave = result.exercise("derivatives.df_wave")
    assert wave.score == 0 and not any(check.passed for check in wave.checks), [check.student_message[:200]
                                                                               for check in wave.checks]
    return result, wave


HOOK_THAT_TABLES = ("\n\nimport sys\n\n_BUSY = []\n\n\ndef _hook(*_):\n"
                    "    if 'f_wave' in _TABLES or _BUSY or not _CALLED:\n        return\n    _BUSY.append(1)\n"
                    "    try:\n        _TABLES['f_wave'] = _table(f_wave)\n    except BaseException:\n"
                    "        pass\n    finally:\n        _BUSY.clear()\n\n\n_CALLED = []\n")


@pytest.mark.parametrize(("setting", "where"), [
    ("sys.setprofile(_hook)", "import"), ("sys.addaudithook(_hook)", "import"),  # a trace: the import guard's test
    ("sys.setprofile(_hook)", "call"), ("sys.addaudithook(_hook)", "call"), ("sys.settrace(_hook)", "call")])
def test_a_hook_that_runs_between_calls_of_derivatives_by_hand_earns_nothing(sandbox, setting, where):
    """A profile function or an audit hook set at import, or one of them or a trace function set during a call, runs
    code of the student's between two by-hand calls, where no guard is in force: an audit hook added at import tabled
    `f_wave` there (10 of 12 over three seeds, nothing noted for review). At import it fails the import; during a
    call, that child answers no more; an audit hook is refused in that child."""
    setup = "_CALLED.append(1)\n" + (f"{setting}\n" if where == "call" else "")
    body = setup + "return _slope('f_wave', x) if 'f_wave' in _TABLES else 0.0"
    source = replace_bodies(kit.solution_source("derivatives"), {"df_wave": body}) + SLOPE_TABLE + HOOK_THAT_TABLES \
        + (f"{setting}\n" if where == "import" else "")
    result, wave = _graded_wave(sandbox, source)
    assert result.exercise("derivatives.numerical_derivative").score > 0
    said = " ".join([wave.note or "", *(check.student_message for check in wave.checks)])
    assert "a profile or trace function of your code" in said or "an audit hook of your code" in said, said


def test_a_finaliser_of_a_function_the_guard_let_go_earns_nothing(sandbox):
    """Red team round 37, 02: a call dropped the module's name of a helper with a `weakref.finalize` callback; the
    guard of the call held the last reference (the functions it swapped) and let it go in its exit, after putting
    `f_wave` back, and the callback tabled `f_wave` there (3.33 of 4 on each of three seeds). What a guard held is
    kept until the child ends."""
    extra = ("\n\nimport weakref\n\n\ndef _keep():\n    return None\n\n\ndef _fill():\n"
             "    _TABLES['f_wave'] = _table(f_wave)\n\n\nweakref.finalize(_keep, _fill)\n")
    body = ("global _keep\nif 'f_wave' in _TABLES:\n    return _slope('f_wave', x)\ntry:\n    del _keep\n"
            "except NameError:\n    pass\nreturn 0.0")
    source = replace_bodies(kit.solution_source("derivatives"), {"df_wave": body}) + SLOPE_TABLE + extra
    _graded_wave(sandbox, source)


def test_a_class_property_read_where_the_guard_looks_for_functions_earns_nothing(sandbox):
    """Red team round 37, 03: the guard of a by-hand call found the module's functions with `isinstance`, which
    reads a non-function's `__class__`: a property of the student's ran there, before any code was swapped, and
    tabled `f_wave` (12 of 12 over three seeds). Functions are known by their exact type."""
    extra = ("\n\nclass _Look:\n    @property\n    def __class__(self):\n        if 'f_wave' not in _TABLES:\n"
             "            try:\n                _TABLES['f_wave'] = _table(f_wave)\n            except Exception:\n"
             "                pass\n        return _Look\n\n\n_look = _Look()\n")
    body = "return _slope('f_wave', x) if 'f_wave' in _TABLES else 0.0"
    source = replace_bodies(kit.solution_source("derivatives"), {"df_wave": body}) + SLOPE_TABLE + extra
    _graded_wave(sandbox, source)


FILL = ("    if 'f_wave' not in _TABLES:\n        try:\n            _TABLES['f_wave'] = _table(f_wave)\n"
        "        except Exception:\n            pass\n")
TABLED = "return _slope('f_wave', x) if 'f_wave' in _TABLES else 0.0"
OUTSIDE_THE_GUARD = {
    # the child's local name of the called object held its last reference, let go after the guard (round 38, 05)
    "a callable object let go": ("", {"df_wave": "return 0.0"}, "\n\nclass _Slope:\n    def __call__(self, x):\n"
                                 "        global df_wave\n        df_wave = _Slope()\n"
                                 "        return _slope('f_wave', x) if 'f_wave' in _TABLES else 0.0\n\n"
                                 "    def __del__(self):\n" + FILL.replace("\n    ", "\n        ")
                                 .replace("    if", "        if", 1) + "\n\ndf_wave = _Slope()\n"),
    # `str()` of a str subclass whose `__str__` returns itself kept the object in the answer (round 38, 06)
    "an answer's text freed": ("", {"df_wave": "return _slope('f_wave', x) if 'f_wave' in _TABLES else _Text('no')"},
                               "\n\nclass _Text(str):\n    def __str__(self):\n        return self\n\n"
                               "    def __del__(self):\n" + FILL.replace("\n    ", "\n        ")
                               .replace("    if", "        if", 1)),
    # a function's `__name__` a str subclass, compared before the swap (round 38, 04)
    "a function's name compared": ("import numpy as np\n\n\nclass _Name(str):\n    def __eq__(self, other):\n"
                                   + FILL.replace("\n    ", "\n        ").replace("    if", "        if", 1)
                                   + "        return str.__eq__(self, other)\n\n    def __hash__(self):\n"
                                   "        return str.__hash__(self)\n\n\ndef _first():\n    return None\n\n\n"
                                   "_first.__name__ = _Name('_first')\n\n\n",  # defined before f_wave
                                   {"df_wave": TABLED}, ""),
    # the module's `__name__` a str subclass, formatted before the swap (round 38, 09)
    "the module's name formatted": ("", {"df_wave": TABLED},
                                    "\n\nclass _Name(str):\n    def __format__(self, spec):\n"
                                    + FILL.replace("\n    ", "\n        ").replace("    if", "        if", 1)
                                    + "        return str.__format__(str.__str__(self), spec)\n\n\n"
                                    "__name__ = _Name(__name__)\n"),
}


@pytest.mark.parametrize("way", sorted(OUTSIDE_THE_GUARD))
def test_code_run_outside_a_by_hand_call_earns_nothing(sandbox, way):
    """Red team round 38: code of the student's ran where no guard of a by-hand call was in force (a `__del__` of an
    object the child let go after the call, a method the child's own reading of a name ran before the swap) and
    tabled `f_wave` (10 to 12 of 12 over three seeds). Once swapped, a function keeps a stand-in that refuses to run
    between calls; names are read as exact text; what a call held is kept until the child ends."""
    first, bodies, extra = OUTSIDE_THE_GUARD[way]
    source = first + replace_bodies(kit.solution_source("derivatives"), bodies) + SLOPE_TABLE + extra
    _graded_wave(sandbox, source)


def test_a_refusal_caught_while_another_module_imports_stops_the_derivatives_by_hand(sandbox):
    """Red team round 38, 07: a second module called a function of its own named like the differentiated one inside
    `try` at import; Python dropped the import guard's trace, and the rest of that import tabled `derivatives.f_wave`
    (12 of 12). A module whose import the guard refused stops every by-hand call of that child."""
    other = ("import numpy as np\n\n\ndef f_wave(x):\n    return x\n\n\ntry:\n    f_wave(0.0)\nexcept Exception:\n"
             "    pass\n\nimport derivatives as _d\n\n_d._TABLES['f_wave'] = _d._table(_d.f_wave)\n")
    source = replace_bodies(kit.solution_source("derivatives"), {"df_wave": TABLED}) + SLOPE_TABLE
    result = grade_sources({"derivatives": source, "linear_model": kit.solution_source("linear_model") + "\n" + other},
                           sandbox, student="s", hidden=True, course_seed="c",
                           exercises=[*of_module("derivatives"), *of_module("linear_model")])
    wave = result.exercise("derivatives.df_wave")
    assert wave.score == 0 and not any(check.passed for check in wave.checks)


def test_a_function_given_the_differentiated_ones_code_is_held_at_the_input(sandbox):
    """Red team round 38, 03: `functools.update_wrapper` copied `f_wave`'s own code onto a helper, which a difference
    quotient then ran anywhere (12 of 12). A function with the differentiated function's code is held at the input
    like it (and `update_wrapper` and `wraps` are noted for the instructor: tests/test_sandbox_reflection.py)."""
    extra = "\n\ndef _raw(x):\n    return x\n\n\n_raw.__code__ = f_wave.__code__\n"
    body = "h = 1e-3\nreturn (_raw(x - 2 * h) - 8 * _raw(x - h) + 8 * _raw(x + h) - _raw(x + 2 * h)) / (12 * h)"
    source = replace_bodies(kit.solution_source("derivatives"), {"df_wave": body}) + extra
    _graded_wave(sandbox, source)


FORKED_TABLE = """

def _forked(f):
    import os
    r, w = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        return
    if pid == 0:  # a copy of the child: the refusal it catches drops the trace it inherited
        try:
            f(0.0)
        except BaseException:
            pass
        data = np.asarray([s.coef for s in _table(f)[1]]).tobytes()
        while data:
            data = data[os.write(w, data):]
        os._exit(0)
    os.close(w)
    chunks = []
    while chunk := os.read(r, 1 << 16):
        chunks.append(chunk)
    os.waitpid(pid, 0)
    edges = np.linspace(-12.0, 12.0, 97)
    coef = np.frombuffer(b"".join(chunks)).reshape(96, -1)
    _TABLES['f_wave'] = (edges, [np.polynomial.Chebyshev(c, domain=[a, b])
                                 for c, a, b in zip(coef, edges[:-1], edges[1:])])


_forked(f_wave)
"""
STENCIL = "h = 1e-3\nreturn (f(x - 2 * h) - 8 * f(x - h) + 8 * f(x + h) - f(x + 2 * h)) / (12 * h)"
GIVEN_WAVE = ('def f_wave(x):\n    """A damped wave: sin(3x) · exp(−x²/2)."""\n'
              "    return np.sin(3 * x) * np.exp(-(x**2) / 2)\n")


def test_a_process_forked_at_import_earns_nothing(sandbox):
    """Red team round 39, 01: a module forked at import; the copy caught its own refusal, which dropped the trace it
    inherited, tabled `f_wave` and piped the table back, and the import guard never learnt of it (12 of 12). A child
    of derivatives worked out by hand starts no process of its own (seccomp), where libseccomp is installed."""
    from grader.sandbox import confine

    if confine.no_new_processes() is None:
        pytest.skip("no libseccomp here: a by-hand child can fork (README: what is missing)")
    source = replace_bodies(kit.solution_source("derivatives"), {"df_wave": TABLED}) + SLOPE_TABLE + FORKED_TABLE
    _graded_wave(sandbox, source)


@pytest.mark.parametrize(("given", "body"), [
    # a parameter of the student's adding carries the point (round 39, 02)
    ("def f_wave(x, at=None):\n    x = x if at is None else at\n    return np.sin(3 * x) * np.exp(-(x**2) / 2)\n",
     "def f(t):\n    return f_wave(x, at=t)\n" + STENCIL),
    # the name rebound, the function kept in a tuple (round 39, 03)
    (GIVEN_WAVE + "\n\n_WAVE = (f_wave,)\nf_wave = functools.partial(f_wave)\n", "f = _WAVE[0]\n" + STENCIL),
])
def test_the_differentiated_function_is_held_however_it_is_reached_or_called(sandbox, given, body):
    """Red team round 39, 02 and 03: `def f_wave(x, at=None)` took the point through a parameter the check never
    compared, and `f_wave` kept in a tuple, its name rebound to a partial, was never swapped: a five-point difference
    through either earned 12 of 12. Every argument is checked, and every function of the submission the interpreter
    holds is swapped."""
    source = replace_bodies(kit.solution_source("derivatives"), {"df_wave": body})
    assert GIVEN_WAVE in source
    source = "import functools\n" + source.replace(GIVEN_WAVE, given)
    _graded_wave(sandbox, source)


GUARD_BOUND = """

import argparse  # noqa: E402
import weakref  # noqa: E402

import derivatives as _me  # noqa: E402


class _Token:
    pass


def _tabled():  # defined last: not yet swapped when the guard swaps the first function
    if 'f_wave' not in _TABLES:
        try:
            _TABLES['f_wave'] = _table(f_wave)
        except Exception:
            pass


_token = _Token()
weakref.finalize(_token, _tabled)
argparse.Namespace.__init__(_me, **{"_" * 2 + "calcgrade_real_numbers_only" + "_" * 2: _token})
del _token
"""


def test_the_guards_own_name_bound_by_the_student_is_refused(sandbox):
    """Red team round 39, 05: the guard's global bound at import to an object with a finaliser, freed by the first
    swap while `f_wave` was still free, tabled it (12 of 12). The name bound by the student's code is refused, and
    what it held kept until the child ends."""
    source = replace_bodies(kit.solution_source("derivatives"), {"df_wave": TABLED}) + SLOPE_TABLE + GUARD_BOUND
    _graded_wave(sandbox, source)


def test_a_by_hand_call_that_differentiates_nothing_refuses_the_differentiated_functions(sandbox):
    """Red team round 39, 06: error carried forward called `sse_gradient` and `df_nonconvex` again in one session
    of derivatives by hand; `sse_gradient`'s call, which differentiates nothing, left `f_nonconvex` free, and a
    quartic fitted there answered `df_nonconvex`'s hidden checks (4.5 of 4.5). Each function differentiated has a
    session of its own, and a by-hand call that differentiates nothing refuses every function differentiated."""
    step = ("w = np.asarray(weights, dtype=float)\nw -= learning_rate * np.asarray(grad, dtype=float)\nreturn w")
    sse = ("if not _SLOPE:\n    try:\n        t = np.linspace(-6.0, 6.0, 9)\n"
           "        _SLOPE.append(np.polynomial.Polynomial.fit(t, f_nonconvex(t), 4).deriv())\n"
           "    except Exception:\n        pass\n_unused = gradient_step\nx = np.asarray(x, dtype=float)\n"
           "y = np.asarray(y, dtype=float)\nr = y - (m * x + c)\n"
           "return float(-2 * np.sum(x * r)), float(-2 * np.sum(r))")
    df = ("_unused = gradient_step\nif not _SLOPE:\n    return 0.0 * np.asarray(x, dtype=float)\n"
          "r = _SLOPE[0](np.asarray(x, dtype=float))\nreturn float(r) if np.ndim(r) == 0 else r")
    source = replace_bodies(kit.solution_source("gradient_descent"),
                            {"gradient_step": step, "sse_gradient": sse, "df_nonconvex": df}) + "\n\n_SLOPE = []\n"
    keys = ("gradient_descent.sse_gradient", "gradient_descent.gradient_step", "gradient_descent.df_nonconvex")
    result = grade_sources({"gradient_descent": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=[e for e in DECLARED if e.key in keys])
    nonconvex = result.exercise("gradient_descent.df_nonconvex")
    assert not any(check.passed for check in nonconvex.checks if check.visibility == "hidden"), [
        check.student_message[:200] for check in nonconvex.checks]


LATER = '''


class _Later(float):
    """A number whose value is worked out when the grader reads it."""

    def __new__(cls, f, x):
        number = super().__new__(cls, 0.0)
        number.f, number.x = f, x
        return number

    def __float__(self):
        a, b = self.x - 0.05, self.x + 0.05
        return float(np.polynomial.Chebyshev.interpolate(self.f, 24, domain=[a, b]).deriv()(self.x))
'''


def test_an_answer_whose_value_is_worked_out_when_read_earns_nothing(sandbox):
    """Red team round 35, 03: the guard of a by-hand call held while the function ran only; its answer was made plain
    data afterwards, and a float subclass's `__float__` worked the slope out there through `f_wave` itself (38 of
    38 over the module's derivatives and the network's). The answer is read inside the guard."""
    body = "return _Later(f_wave, float(x)) if np.ndim(x) == 0 else [_Later(f_wave, v) for v in np.ravel(x).tolist()]"
    source = replace_bodies(kit.solution_source("derivatives"), {"df_wave": body}) + LATER
    result = grade_sources({"derivatives": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=of_module("derivatives"))
    wave = result.exercise("derivatives.df_wave")
    assert wave.score == 0 and not any(check.passed for check in wave.checks)


def test_a_finaliser_run_between_calls_of_derivatives_by_hand_earns_nothing(sandbox):
    """Red team round 35 (beside 02): code of the student's can run between two calls without a thread, where a
    collection of cyclic garbage starts: a `weakref.finalize` callback on an object in a cycle, the collector made to
    run at every allocation, tabled `f_wave` there. The collector is off in that child between calls."""
    extra = ("\n\nimport gc\nimport weakref\n\n\nclass _Node:\n    pass\n\n\ndef _fill():\n    try:\n"
             "        _TABLES['f_wave'] = _table(f_wave)\n    except Exception:\n        _later()\n\n\n"
             "def _later():\n    node = _Node()\n    node.me = node\n    weakref.finalize(node, _fill)\n"
             "    gc.set_threshold(1)\n")
    body = "if 'f_wave' in _TABLES:\n    return _slope('f_wave', x)\n_later()\nreturn 0.0"
    source = replace_bodies(kit.solution_source("derivatives"), {"df_wave": body}) + SLOPE_TABLE + extra
    result = grade_sources({"derivatives": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=of_module("derivatives"))
    wave = result.exercise("derivatives.df_wave")
    assert wave.score == 0 and not any(check.passed for check in wave.checks)


def test_a_table_of_slopes_at_the_integers_checked_earns_nothing(sandbox):
    """Red team round 35, 04: the integer kind of a derivative worked out by hand draws from a handful of integers
    (3 to 13 informative ones), and a table of their slopes worked out elsewhere earned every integer check, public
    and hidden (8 of 24 points over the seven derivatives). Right there alone, it counts with the floats' kind."""
    import sympy as sp

    x, y = sp.symbols("x y")
    poly = sp.diff(x**3 - 6 * x**2 + 9 * x + 1, x)
    table = {k: float(poly.subs(x, k)) for k in range(-30, 31)}
    g_x = sp.diff(x**2 * y + sp.sin(x * y), x)
    pairs = {(a, b): float(g_x.subs({x: a, y: b})) for a in range(-4, 5) for b in range(-4, 5)}
    sources = {"derivatives": replace_bodies(kit.solution_source("derivatives"), {
        "df_poly": f"table = {table!r}\nreturn table[x] if isinstance(x, int) else 0.5"}),
        "partial_derivatives": replace_bodies(kit.solution_source("partial_derivatives"), {
            "dg_dx": f"table = {pairs!r}\nreturn table[(x, y)] if isinstance(x, int) else 0.5"})}
    result = grade_sources(sources, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=[*of_module("derivatives"), *of_module("partial_derivatives")])
    for key in ("derivatives.df_poly", "partial_derivatives.dg_dx"):
        assert result.exercise(key).score == 0, key
        assert any("inputs are few enough to be answered without the work" in check.student_message
                   for check in result.exercise(key).checks if check.visibility == "public"), key


def test_a_module_replaced_during_a_call_of_derivatives_by_hand_stops_the_calls(sandbox):
    """A module put out of its place in `sys.modules` during a by-hand call: the next call's guard and its lookup of
    the function read that object's attributes, which could run the student's code before any guard is in force.
    That child answers no more calls."""
    body = ("import sys\nimport types\n\nclass _Module(types.ModuleType):\n    pass\n\n"
            "if type(sys.modules['derivatives']) is types.ModuleType:\n"
            "    replaced = _Module('derivatives')\n    replaced.__dict__.update(vars(sys.modules['derivatives']))\n"
            "    sys.modules['derivatives'] = replaced\n"
            "return np.exp(-x**2 / 2) * (3 * np.cos(3 * x) - x * np.sin(3 * x))")
    source = replace_bodies(kit.solution_source("derivatives"), {"df_wave": body})
    result = grade_sources({"derivatives": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=of_module("derivatives"))
    wave = result.exercise("derivatives.df_wave")
    assert wave.score < wave.max_score
    assert any("put something else than a module in its place during a call" in check.student_message
               for check in wave.checks if check.visibility == "public")


def test_a_module_replaced_while_imported_fails_the_import_of_derivatives_by_hand(sandbox):
    """The check of the import guard, once the import is done, reads the module's namespace: an object put in the
    module's place (a subclass of a module whose attributes run code) would run the student's code unguarded there."""
    source = kit.solution_source("derivatives") + "\n\nimport sys\nimport types\n\n\n" \
        "class _Module(types.ModuleType):\n    pass\n\n\n_module = _Module(__name__)\n" \
        "_module.__dict__.update(globals())\nsys.modules[__name__] = _module\n"
    result = grade_sources({"derivatives": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=of_module("derivatives"))
    wave = result.exercise("derivatives.df_wave")
    assert wave.score == 0 and "put something else than a module in its place" in wave.note


def test_a_default_of_the_differentiated_function_is_checked_at_the_input_too(sandbox):
    """The given `f_wave` with a default of the student's, a 0-d array written before each call (`def
    f_wave(x=_AT)`, called as `f_wave()`): the guard checked only the arguments a call passed, and a five-point
    difference through it earned every hidden check of `df_wave` over three seeds, nothing noted (red team round 41,
    01). Every parameter's value is checked now, defaults too, and the function runs with the values checked."""
    body = ("h = 1e-3\n\ndef at(point):\n    _AT[()] = point\n    return float(f_wave())\n\n"
            "def one(p):\n    return (at(p - 2 * h) - 8 * at(p - h) + 8 * at(p + h) - at(p + 2 * h)) / (12 * h)\n\n"
            "if np.ndim(x) == 0:\n    return one(float(x))\n"
            "return np.array([one(float(p)) for p in np.asarray(x, dtype=float).ravel()]).reshape(np.shape(x))")
    source = replace_bodies(kit.solution_source("derivatives"), {"df_wave": body})
    assert "def f_wave(x):\n" in source
    _, wave = _graded_wave(sandbox, source.replace("def f_wave(x):\n", "_AT = np.zeros(())\n\n\ndef f_wave(x=_AT):\n"))
    assert any("away from the input" in check.student_message for check in wave.checks)


FIVE_POINT_THROUGH = ("h = 1e-3\n\ndef at(p):\n    return {call}\n\n"
                      "x = np.asarray(x, dtype=float)\n"
                      "return (at(x - 2 * h) - 8 * at(x - h) + 8 * at(x + h) - at(x + 2 * h)) / (12 * h)")


def test_numpy_functions_replaced_at_import_do_not_move_the_guards_check(sandbox):
    """`np.isin` replaced at import by a function that says every point is at the input: the guard looked NumPy's
    functions up on the module at every check, and a difference through `f_wave` earned every hidden check (red team
    round 42, 01). What the guard uses is bound when the template loads it."""
    body = FIVE_POINT_THROUGH.format(call="f_wave(p)")
    source = replace_bodies(kit.solution_source("derivatives"), {"df_wave": body})
    source += ("\n\ndef _everywhere(element, test_elements, *args, **kwargs):\n"
               "    return np.ones(np.shape(element), dtype=bool)\n\n\nnp.isin = _everywhere\n"
               "np.broadcast_arrays = ''.format\n")
    _, wave = _graded_wave(sandbox, source)
    assert any("away from the input" in check.student_message for check in wave.checks)


def test_a_point_written_into_the_checked_array_during_the_formula_is_not_read(sandbox):
    """During its call the derivative binds `np` to an object whose `sin` property writes x ± h into the array the
    guard has just checked, read by the formula after its first `np.` lookup: a difference through the unchanged
    `f_wave` earned every hidden check (red team round 42, 03; 05 sets `np.__class__` to the same end). The
    function runs with copies of what was checked."""
    helper = ("\n\nimport numpy\n\n_PENDING = []\n\n\nclass _Lookup:\n    @property\n    def sin(self):\n"
              "        while _PENDING:\n            array, values = _PENDING.pop()\n            array[...] = values\n"
              "        return numpy.sin\n\n    @property\n    def exp(self):\n        return numpy.exp\n\n\n"
              "_LOOKUP = _Lookup()\n\n\ndef _through(p, x):\n    global np\n    point = np.array(x, dtype=float)\n"
              "    _PENDING.append((point, p))\n    np = _LOOKUP\n    try:\n        return f_wave(point)\n"
              "    finally:\n        np = numpy\n")
    body = FIVE_POINT_THROUGH.format(call="_through(p, x)")
    source = replace_bodies(kit.solution_source("derivatives"), {"df_wave": body}) + helper
    _graded_wave(sandbox, source)


def test_the_given_function_renamed_behind_a_wrapper_is_held_at_the_input(sandbox):
    """The given `def f_wave` unchanged, then `_SAVED = f_wave; _SAVED.__name__ = "_saved"` and a wrapper `def
    f_wave(x): return _SAVED(x)`: `_SAVED` was neither the module's binding, nor named `f_wave`, nor of the
    wrapper's code, and ran anywhere (red team round 42, 04). A function whose code was written as `def f_wave` is
    held at the input, whatever its `__name__`."""
    body = FIVE_POINT_THROUGH.format(call="_SAVED(p)")
    source = replace_bodies(kit.solution_source("derivatives"), {"df_wave": body})
    anchor = "\n\ndef df_wave("
    assert anchor in source
    source = source.replace(anchor, '\n\n_SAVED = f_wave\n_SAVED.__name__ = "_saved"\n\n\ndef f_wave(x):\n'
                            '    return _SAVED(x)\n' + anchor, 1)
    _, wave = _graded_wave(sandbox, source)
    assert any("away from the input" in check.student_message for check in wave.checks)


def test_a_profiler_run_during_a_by_hand_call_is_refused(sandbox):
    """A `cProfile.Profile` enabled around one call of `f_wave` at the input and disabled before the call returned
    listed the code objects that ran, the guard's copy of `f_wave` among them; made a function again
    (`type(df_wave)(code, ...)`), it ran anywhere and a difference through it earned every hidden check, nothing
    noted (red team round 43, 01; at import the same listed a polynomial's code, 02). The child's audit hook
    refuses a profile or trace function of the student's; that child answers no more by-hand calls."""
    body = ("x = np.asarray(x, dtype=float)\nprofile = cProfile.Profile()\nprofile.enable()\ntry:\n    f_wave(x)\n"
            "finally:\n    profile.disable()\nown = [entry.code for entry in profile.getstats() if type(entry.code) is "
            "not str and entry.code.co_name == 'f_wave']\ngiven = type(df_wave)(own[0], {'np': np})\nh = 1e-3\n"
            "return (given(x - 2 * h) - 8 * given(x - h) + 8 * given(x + h) - given(x + 2 * h)) / (12 * h)")
    source = "import cProfile\n" + replace_bodies(kit.solution_source("derivatives"), {"df_wave": body})
    _, wave = _graded_wave(sandbox, source)
    assert any("profile and trace functions are refused here" in check.student_message
               or "a profile or trace function of your code was set" in check.student_message
               for check in wave.checks), [check.student_message[:200] for check in wave.checks]


def test_the_graders_modules_are_not_found_by_name_in_a_by_hand_child(sandbox):
    """`optparse.Values().read_module("grader.sandbox.by_hand")` imported the guard's module by name and handed out its
    table of original code, made a function again and differenced, every hidden check earned (red team round 47, 05;
    unpickled data reached it the same way, 01). The grader's modules are out of `sys.modules` in such a child."""
    body = ("x = np.asarray(x, dtype=float)\ntable = optparse.Values()\n"
            "table.read_module('grader.sandbox.by_hand', 'loose')\n"
            "code = [code for _, code in table._ORIGINAL_CODE.values() if code.co_name == 'f_wave']\n"
            "given = type(df_wave)(code[0], {'np': np})\nh = 1e-3\n"
            "return (given(x - 2 * h) - 8 * given(x - h) + 8 * given(x + h) - given(x + 2 * h)) / (12 * h)")
    source = "import optparse\n" + replace_bodies(kit.solution_source("derivatives"), {"df_wave": body})
    _, wave = _graded_wave(sandbox, source)
    assert any("ModuleNotFoundError" in check.student_message or "No module named" in check.student_message
               for check in wave.checks), [check.student_message[:200] for check in wave.checks]
