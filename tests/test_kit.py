"""The single source: stubs from solutions, the curriculum contract, given functions from SymPy."""

from __future__ import annotations

import ast
import subprocess
import sys

import numpy as np
import pytest

from grader import given, kit
from grader.curriculum import EXERCISES

CONTRACT_TOOL = kit.KIT_ROOT.parent / "shared" / "tools" / "check_contract.py"


def test_stub_bodies_are_raise_not_implemented_and_keep_the_exercise_text():
    for module in kit.MODULES:
        stub = (kit.EXERCISES_DIR / f"{module}.py").read_text(encoding="utf-8")
        assert stub == kit.stub_source(kit.solution_source(module))
        assert "BEGIN SOLUTION" not in stub
        tree = ast.parse(stub)
        functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
        for exercise in (e for e in EXERCISES if e.module == module):
            body = functions[exercise.function].body
            assert ast.get_docstring(functions[exercise.function])
            assert isinstance(body[-1], ast.Raise) and ast.unparse(body[-1]) == "raise NotImplementedError"


def test_every_student_function_has_exactly_one_exercise():
    for module in kit.MODULES:
        regions = kit.solution_regions(kit.solution_source(module))
        assert sorted(regions) == sorted(e.function for e in EXERCISES if e.module == module)


@pytest.mark.skipif(not CONTRACT_TOOL.exists(), reason="the contract checker lies beside the checkout")
def test_the_curriculum_contract_holds():
    completed = subprocess.run([sys.executable, str(CONTRACT_TOOL), "exercises", "solutions"], cwd=kit.KIT_ROOT,
                               capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout
    assert "contract holds" in completed.stdout


@pytest.mark.parametrize("name", [*given.CURRICULUM, "partial_derivatives.g", "partial_derivatives.saddle"])
def test_given_functions_in_the_modules_equal_the_graders_sympy_versions(name):
    module_name, function_name = name.split(".")
    module = kit.solution_module(module_name)
    x = np.linspace(-3, 3, 13)
    if function_name in ("g", "saddle"):
        ours = given.lookup(f"partial_derivatives.{function_name}_of_point")
        expected = [ours([a, b]) for a, b in zip(x, x[::-1], strict=True)]
        np.testing.assert_allclose(getattr(module, function_name)(x, x[::-1]), expected, rtol=1e-13)
    else:
        np.testing.assert_allclose(getattr(module, function_name)(x), given.lookup(name)(x), rtol=1e-13)


def test_replacing_a_body_keeps_everything_else():
    source = kit.solution_source("linear_model")
    variant = kit.variant_source("linear_model", "sse", "return 0.0")
    assert variant.count("return 0.0") == 1
    assert kit.solution_regions(variant).keys() == kit.solution_regions(source).keys() - {"sse"}
    with pytest.raises(KeyError):
        kit.replace_bodies(source, {"no_such_function": "pass"})


def test_in_a_checkout_the_private_paths_hold_every_folder_with_correct_code():
    assert kit.IN_CHECKOUT
    private = kit.private_paths()
    for folder in (kit.SOLUTIONS_DIR, kit.GRADER_DIR / "curriculum", kit.KIT_ROOT / "tests"):
        assert folder in private
    assert kit.EXERCISES_DIR not in private and kit.GRADER_DIR not in private
    assert kit.package_folders() == [kit.GRADER_DIR, kit.SOLUTIONS_DIR, kit.EXERCISES_DIR]


def test_without_the_solutions_every_command_says_so_in_one_line_and_exits_2(tmp_path, monkeypatch, capsys):
    """A grader without the kit's solutions (a student bundle's, or an install that lost them) ended in a
    FileNotFoundError traceback, and `grade` left an empty output folder."""
    from grader import cli

    monkeypatch.setattr(kit, "SOLUTIONS_DIR", tmp_path / "no-solutions")
    monkeypatch.chdir(tmp_path)
    for command in (["demo"], ["grade", ".", "--out", "out"], ["release", "bundle"], ["nbgrader-course", "course"],
                    ["build-exercises", "--check"]):
        assert cli.main(command) == 2
        error = capsys.readouterr().err
        assert error.count("\n") == 1 and f"calcgrade: {command[0]} needs the kit's reference solutions" in error
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(kit.KitMissing, match="looked in"):
        kit.solution_source.__wrapped__("derivatives")
