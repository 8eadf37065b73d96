"""Hostile submissions earn nothing they did not earn, and see nothing they should not see.

The walls around the child are tested in test_confine.py, as root and as an ordinary user; these
tests are about what a submission can do to its own grade: the trusted parent computes every
expected value.
"""

from __future__ import annotations

import pytest

from grader import kit
from grader.batch import BatchOptions, grade_batch
from grader.curriculum import BY_KEY, of_module
from grader.engine import grade_sources
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
