"""grader/diagnosis/repair.py: the one edit of the student's own code that makes every check pass.

The candidates are built from the syntax tree alone (pure tests), then run in the real sandbox by the engine
(`grade_sources`): a slip nobody listed is named by the edit that undoes it, correct code and code no single
edit repairs get no repair hint, a caller of a failing function is left to error carried forward, and a
candidate that never ends costs only its own bounded call.
"""

from __future__ import annotations

import ast

import pytest

from grader import engine, kit
from grader.curriculum import DECLARED, EXERCISES, of_module
from grader.diagnosis import repair
from grader.engine import grade_sources

MODULE_HEAD = "import numpy as np\n\n\n"


def _edits(source: str, function: str) -> list[tuple[str, str, str]]:
    return [(c.edit.kind, c.edit.before, c.edit.after) for c in repair.candidates(source, function)]


def _changes(source: str, function: str, kind: str) -> list[tuple[str, str]]:
    """(before, after) of every candidate of one kind."""
    return [(before, after) for found, before, after in _edits(source, function) if found == kind]


SIGMOID_HEAD = MODULE_HEAD + "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n\n\n"  # a module function of one value


# ----- candidates (pure) ------------------------------------------------------------------------------------


def test_precedence_is_a_candidate_and_the_student_layout_is_kept():
    source = MODULE_HEAD + "def df(x):\n    # the student's comment\n    return 2 * x / 1 + x**2\n"
    found = repair.candidates(source, "df")
    regrouped = [c for c in found if c.edit.kind == "precedence" and c.edit.after == "2 * x / (1 + x ** 2)"]
    assert regrouped
    assert "# the student's comment" in regrouped[0].source  # spliced into the student's text, not re-printed
    assert regrouped[0].source.startswith(f"def {regrouped[0].name}(x):")


def test_every_candidate_compiles_and_differs_from_the_original():
    source = kit.solution_source("gradient_descent")
    found = repair.candidates(source, "gradient_descent")
    assert 10 < len(found) <= repair.MAX_CANDIDATES
    bodies = set()
    for candidate in found:
        tree = ast.parse(candidate.source)
        bodies.add(ast.dump(ast.Module(tree.body[0].body, [])))
    assert len(bodies) == len(found)


def test_defaults_annotations_and_docstring_are_never_edited():
    source = MODULE_HEAD + ('def nd(f, x, h=1e-5):\n    """Uses 2 and h."""\n'
                            "    return (f(x + h) - f(x - h)) / (2 * h)\n")
    for candidate in repair.candidates(source, "nd"):
        head = candidate.source.splitlines()[0]
        assert head.endswith("(f, x, h=1e-5):")
        assert '"""Uses 2 and h."""' in candidate.source


def test_a_repeated_slip_is_changed_at_every_occurrence():
    source = MODULE_HEAD + ("def pd(f, point, i, h=1e-5):\n    plus = np.array(point, dtype=float)\n"
                            "    minus = np.array(point, dtype=float)\n    plus[i - 1] += h\n    minus[i - 1] -= h\n"
                            "    return float((f(plus) - f(minus)) / (2 * h))\n")
    together = [c for c in repair.candidates(source, "pd")
                if (text := ast.unparse(ast.parse(c.source))).count("[i]") == 2 and "i - 1" not in text]
    assert together and together[0].edit.kind == "off by one"


def test_a_slip_copied_into_parallel_terms_is_changed_in_those_terms_only():
    source = MODULE_HEAD + ("def mixed(f, p, s, i, j, h):\n"
                            "    return (f(p + s[i] + s[i]) - f(p + s[i] - s[i]) - f(p - s[i] + s[i])\n"
                            "            + f(p - s[i] - s[i])) / (4 * h * h)\n")
    texts = [ast.unparse(ast.parse(c.source).body[-1].body[0]) for c in repair.candidates(source, "mixed")]
    right = "f(p + s[i] + s[j]) - f(p + s[i] - s[j]) - f(p - s[i] + s[j]) + f(p - s[i] - s[j])"
    assert any(right in text for text in texts)


def test_a_change_in_one_of_several_returned_values_says_which():
    source = MODULE_HEAD + ("def fit(x, y):\n    m = np.sum(x * y) / np.sum(x * x)\n    c = np.mean(y) + m\n"
                            "    return float(m), float(c)\n")
    by_text = {c.edit.before: c.edit for c in repair.candidates(source, "fit")}
    assert by_text["np.mean(y) + m"].position == 1 and by_text["x * y"].position == 0
    hint = by_text["np.mean(y) + m"].hint("fit", "every check", ("the slope", "the intercept"))
    assert "In fit, where it computes the intercept, changing `np.mean(y) + m`" in hint


def test_no_sign_is_tried_where_a_number_counts_and_an_off_by_one_reads_plainly():
    """`range(i + 1, n)` -> `range(i - 1, n)` once passed only because index −1 wraps round, and was told "a sign"."""
    source = MODULE_HEAD + ("def upper(a):\n    n = len(a)\n    out = np.zeros((n, n))\n    for i in range(n):\n"
                            "        for j in range(i + 1, n):\n            out[i, j] = out[j, i] = a[i] * a[j]\n"
                            "    return out\n")
    found = repair.candidates(source, "upper")
    assert not [c for c in found if c.edit.kind in ("sign", "missing minus") and "i + 1" in c.edit.before]
    assert any(c.edit.kind == "off by one" and (c.edit.before, c.edit.after) == ("i + 1", "i") for c in found)


def test_a_matrix_filled_in_one_triangle_is_repaired_by_the_mirrored_store():
    source = MODULE_HEAD + ("def outer(a):\n    n = len(a)\n    out = np.zeros((n, n))\n    for i in range(n):\n"
                            "        for j in range(i, n):\n            out[i, j] = a[i] * a[j]\n    return out\n")
    mirrored = [c for c in repair.candidates(source, "outer") if c.edit.kind == "one triangle"]
    assert len(mirrored) == 1 and "out[j, i] = out[i, j]" in mirrored[0].source
    assert "adding `out[j, i] = out[i, j]`" in mirrored[0].edit.hint("outer", "every check")


def test_a_variance_and_a_covariance_may_divide_alike():
    source = MODULE_HEAD + "def slope(x, y):\n    return np.cov(x, y)[0, 1] / np.var(x)\n"
    found = {ast.unparse(ast.parse(c.source).body[-1].body[0].value) for c in repair.candidates(source, "slope")
             if c.edit.kind == "ddof"}
    assert found == {"np.cov(x, y, ddof=0)[0, 1] / np.var(x)", "np.cov(x, y)[0, 1] / np.var(x, ddof=1)"}


def test_an_early_exit_and_a_missing_reset_are_statement_candidates():
    source = MODULE_HEAD + ("def d1(df, x0, lr, n):\n    x = float(x0)\n    total = 0.0\n    for _ in range(n):\n"
                            "        step = lr * df(x)\n        if abs(step) < 1e-6:\n            break\n"
                            "        x = x - step\n    return x\n")
    kinds = {c.edit.kind for c in repair.candidates(source, "d1")}
    assert {"early stop", "not reset"} <= kinds


def test_an_augmented_assignment_with_the_other_sign_is_a_candidate_and_a_count_is_not():
    source = MODULE_HEAD + "def f(w, g, lr):\n    k = 0\n    w += lr * g\n    k += 1\n    return w, k\n"
    edits = _edits(source, "f")
    assert ("sign", "w += lr * g", "w -= lr * g") in edits
    assert not any(before == "k += 1" and kind == "sign" for kind, before, _ in edits)


def test_a_product_typed_for_a_power_and_an_assignment_typed_for_a_subtraction_are_candidates():
    source = MODULE_HEAD + "def f(x, lr, g):\n    r = x * 2\n    x =- lr * g\n    return r + x\n"
    edits = _edits(source, "f")
    assert ("operator", "x * 2", "x ** 2") in edits
    assert ("operator", "x = -lr * g", "x -= lr * g") in edits


def test_maths_notation_and_maths_module_read_as_python_are_changed_everywhere_at_once():
    """`^` is XOR: re-read as `**` from the text, so `3 * x^2 - 1` regroups as a power, not `(3 * x) ** (2 - 1)`;
    every `math.f` becomes NumPy's, which works on arrays."""
    source = MODULE_HEAD + "def f(x):\n    return 3 * x^2 - 12 * x^1\n"
    (xor,) = [c for c in repair.candidates(source, "f") if c.edit.kind == "xor for power"]
    assert ast.unparse(ast.parse(xor.source).body[-1].body[0].value) == "3 * x ** 2 - 12 * x ** 1"
    assert xor.edit.change == "changing `^` to `**` (2 places)"
    source = "import math\n" + MODULE_HEAD + "def f(x):\n    return math.cos(3 * x) * math.exp(-x)\n"
    (scalar,) = [c for c in repair.candidates(source, "f") if c.edit.kind == "scalar function"]
    assert "np.cos(3 * x) * np.exp(-x)" in scalar.source and "math." not in scalar.source
    assert not any(c.edit.kind == "scalar function" for c in repair.candidates(
        "import math\n\n\ndef f(x):\n    return math.cos(x)\n", "f"))  # no NumPy imported: nothing to offer


def test_names_bound_together_a_shadowed_parameter_and_a_list_made_in_its_loop_are_candidates():
    source = MODULE_HEAD + ("def f(p, x, n):\n    a = b = np.array(p, dtype=float)\n    out = np.zeros(n)\n"
                            "    for x in range(n):\n        out[x] = np.sum(x) + a[0] - b[0]\n"
                            "    for k in range(n):\n        seen = []\n        seen.append(k)\n"
                            "    return out, seen\n")
    found = {c.edit.kind: c.edit.change for c in repair.candidates(source, "f")}
    assert found["alias"] == "making each its own with `a = np.array(p, dtype=float)` and " \
                             "`b = np.array(p, dtype=float)`"
    assert found["not kept"] == "moving `seen = []` before the loop"
    shadowed = [c for c in repair.candidates(source, "f") if c.edit.kind == "shadowed parameter"]
    assert [c.edit.change for c in shadowed] == ["renaming the loop variable `x` to `x_step` where it counts "
                                                 "(as an index)", "renaming the loop variable `x` to `x_step` in "
                                                 "the loop"]
    assert "out[x_step] = np.sum(x)" in shadowed[0].source


def test_values_from_sibling_functions_are_made_alike_and_may_be_in_each_others_place():
    """`gw = dloss_dw(...)` and `gb = dloss_db(...)` (or unpacked from one tuple) are made alike: one may stand
    where the other belongs, and two used once in one statement may be swapped."""
    source = MODULE_HEAD + ("def dloss_dw(w, b):\n    return w\n\n\ndef dloss_db(w, b):\n    return b\n\n\n"
                            "def train(w, b, lr):\n    gw, gb = dloss_dw(w, b), dloss_db(w, b)\n"
                            "    w, b = w - lr * gb, b - lr * gw\n    return w, b\n")
    edits = _edits(source, "train")
    assert ("swapped values", "w, b = (w - lr * gb, b - lr * gw)", "w, b = (w - lr * gw, b - lr * gb)") in edits
    assert ("wrong variable", "lr * gb", "lr * gw") in edits


def test_a_call_at_the_centre_beside_a_shifted_one_may_belong_at_the_mirrored_point():
    source = MODULE_HEAD + "def nd(f, x, h):\n    return (f(x + h) - f(x)) / (2 * h)\n"
    assert ("mirrored point", "f(x)", "f(x - h)") in _edits(source, "nd")


def test_a_one_where_the_number_of_points_belongs_is_a_candidate():
    """The ninth holdout's misleading hint: normal equations with Σ1 = n written 1 were told "a sum where the mean
    belongs" (every sum made a mean, an equivalent rescaling); the count itself is the candidate now."""
    source = MODULE_HEAD + ("def fit(x, y):\n    x = np.asarray(x, dtype=float)\n    y = np.asarray(y, dtype=float)\n"
                            "    a = np.array([[np.sum(x**2), np.sum(x)], [np.sum(x), 1.0]])\n"
                            "    return np.linalg.solve(a, np.array([np.sum(x * y), np.sum(y)]))\n")
    edits = _edits(source, "fit")
    assert ("count", "[np.sum(x), 1.0]", "[np.sum(x), len(x)]") in edits
    assert edits.index(("count", "[np.sum(x), 1.0]", "[np.sum(x), len(x)]")) < next(
        index for index, edit in enumerate(edits) if edit[0] == "sum for mean")


def test_what_a_debugging_session_leaves_behind_is_a_candidate():
    """The twenty-seventh holdout's misses, as classes: a learning rate typed as a coefficient while testing, where
    the parameter is never named (not only a number passed or assigned); a dimension fixed to the size tested with;
    a slice that printed the first few values; a cap kept from a plot's colour scale."""
    step = MODULE_HEAD + "def step(weights, grad, learning_rate):\n    return weights - 0.01 * grad\n"
    assert ("0.01 * grad", "learning_rate * grad") in _changes(step, "step", "constant for a variable")
    used = MODULE_HEAD + "def step(weights, grad, learning_rate):\n    return weights - 0.01 * learning_rate * grad\n"
    assert _changes(used, "step", "constant for a variable") == []  # a coefficient beside the parameter it scales
    gradient = MODULE_HEAD + ("def gradient(f, point, h):\n    point = np.asarray(point, dtype=float)\n    n = 2\n"
                              "    return np.array([f(point) * h for i in range(n)])\n")
    assert ("2", "len(point)") in _changes(gradient, "gradient", "count")
    profile = MODULE_HEAD + ("def profile(values, m):\n    out = []\n"
                             "    for v in np.asarray(values, dtype=float)[:3]:\n"
                             "        out.append(v * m)\n    return np.array(out)\n")
    assert ("np.asarray(values, dtype=float)[:3]", "np.asarray(values, dtype=float)") in _changes(
        profile, "profile", "slice end")
    surface = MODULE_HEAD + "def surface(e):\n    return np.minimum(np.asarray(e) ** 2, 100.0)\n"
    assert ("np.minimum(np.asarray(e) ** 2, 100.0)", "np.asarray(e) ** 2") in _changes(surface, "surface",
                                                                                       "extra operation")


def test_sums_started_in_their_loop_a_test_before_its_step_an_index_returned_and_a_like_array_are_candidates():
    """The ninth holdout's misses, as classes: two running sums reset at the start of every pass (moved before the
    loop together), an exit test made before the pass's step (moved after it), `argmin`'s position returned for
    the value there, and `zeros_like` of an integer input."""
    source = MODULE_HEAD + ("def f(x, y, limit):\n    for xi, yi in zip(x, y):\n        dm = 0.0\n        dc = 0.0\n"
                            "        dm += xi\n        dc += yi\n    ends = [v * 2 for v in x]\n"
                            "    out = np.zeros_like(x)\n    for k in range(5):\n        if dm > limit:\n"
                            "            return k\n        dm = dm * 2\n"
                            "    return float(np.argmin([dm, dc])), out\n")
    found = [c.edit for c in repair.candidates(source, "f")]
    changes = {edit.change for edit in found}
    assert "moving `dm = 0.0` and `dc = 0.0` before the loop" in changes
    assert "moving the test `dm > limit` to the end of the loop's body, after the step" in changes
    assert "changing `np.argmin([dm, dc])` to `ends[np.argmin([dm, dc])]`" in changes
    assert "changing `np.zeros_like(x)` to `np.zeros_like(x, dtype=float)`" in changes


def test_a_new_axis_and_every_axis_at_once_are_candidates():
    source = MODULE_HEAD + ("def f(x, cs):\n    d = np.outer(x, cs)\n"
                            "    return np.sum(d * x, axis=1), np.sum(d, axis=1), np.sum(x + cs, axis=-1)\n")
    found = {c.edit.change for c in repair.candidates(source, "f")}
    assert "changing every `axis=1` to `axis=0` (2 places)" in found
    assert any(change.startswith("changing `x + cs` to `x + cs[:, None]`") for change in found)


def test_a_pass_that_restarts_from_the_parameter_and_values_taken_for_positions_are_candidates():
    source = MODULE_HEAD + ("def d1(df, x0, lr, n):\n    x = float(x0)\n    for _ in range(n):\n"
                            "        x = x0 - lr * df(x)\n    return x\n\n\n"
                            "def g(f, point):\n    return np.array([f(point, i) for i in point])\n")
    assert ("restart", "x = x0 - lr * df(x)", "x = x - lr * df(x)") in _edits(source, "d1")
    assert ("values for indices", "in point", "in range(len(point))") in _edits(source, "g")


def test_an_argument_left_a_list_is_converted_only_where_a_check_passes_a_list():
    source = MODULE_HEAD + "def step(w, g, lr):\n    return np.asarray(w, dtype=float) - lr * g\n"
    assert not any(c.edit.kind == "not converted" for c in repair.candidates(source, "step"))
    listed = [c for some in repair.candidate_slices(source, "step", sequences=frozenset({0, 1}))
              for c in some if c.edit.kind == "not converted"]
    assert [c.edit.after for c in listed] == ["lr * np.asarray(g, dtype=float)"]  # w is converted; lr no list


def test_a_long_expression_is_edited_in_its_parts_not_as_a_whole(monkeypatch):
    """Building the candidates copies each edited subtree: a hostile 2.4 kB sum of 45 terms took seconds of the
    grader's CPU. Expressions of more than MAX_EDITED_NODES nodes are no longer edited whole; their terms are. (The
    sum sent here has 16 terms, 606 nodes, twice the limit. The bound on finding the edits is lifted for this test:
    what it asserts is which edits are made, not how fast; with 30 terms and the 2 s bound the test failed on a slower
    machine, whose bound cut the edits off.)"""
    monkeypatch.setattr(repair, "EDITS_SECONDS", 60.0)
    terms = " + ".join(f"np.sin({i} * x + h) * np.cos(x - {i}) / (1 + x**2)" for i in range(16))
    source = MODULE_HEAD + f"def f(x, h):\n    return {terms}\n"
    assert sum(1 for _ in ast.walk(ast.parse(terms, mode="eval").body)) > 2 * repair.MAX_EDITED_NODES
    found = repair.candidates(source, "f")
    assert any(c.edit.before == "x - 15" for c in found)  # the parts are still edited

    def nodes(text: str) -> int:
        try:
            return sum(1 for _ in ast.walk(ast.parse(text, mode="eval").body))
        except SyntaxError:
            return 0
    assert all(nodes(c.edit.before) <= repair.MAX_EDITED_NODES for c in found if not c.edit.action)


def test_too_large_or_unreadable_functions_give_no_candidates():
    assert repair.candidates("def f(:\n", "f") == []
    assert repair.candidates(MODULE_HEAD + "def g(x):\n    return x\n", "f") == []
    huge = MODULE_HEAD + "def f(x):\n" + "".join(f"    x = x + {i}\n" for i in range(2000)) + "    return x\n"
    assert repair.candidates(huge, "f") == []


def test_calls_among_sees_a_call_of_a_failing_function():
    source = MODULE_HEAD + "def a(x):\n    return b(x) + 1\n\n\ndef b(x):\n    return x\n"
    assert repair.calls_among(source, "a", {"b"})
    assert not repair.calls_among(source, "b", {"a"})


def _passes_in_process(module_source: str, reference):
    """A `passes` for trusted test code only: each candidate run here, a check being an input x."""
    def passes(candidates, checks):
        namespace: dict = {}
        exec(compile(repair.with_candidates(module_source, candidates), "<test>", "exec"), namespace)  # noqa: S102
        return [[_answers(namespace[c.name], x) == reference(x) for x in checks] for c in candidates]
    return passes


def _answers(function, x):
    try:
        return function(x)
    except Exception:  # noqa: BLE001 - a candidate that raises fails the check
        return None


def test_two_slips_in_two_branches_are_repaired_by_two_edits_together():
    source = MODULE_HEAD + "def f(x):\n    if x > 0:\n        return x - 1\n    return 3 * x\n"
    checks = [5, -4, 7, -2]  # the student fails all four: one slip per branch

    def reference(x):
        return x + 1 if x > 0 else 2 * x

    passes = _passes_in_process(source, reference)
    assert repair.find_repair(repair.candidate_slices(source, "f", size=repair.SLICE), checks, passes) == []
    first = next(repair.candidate_slices(source, "f", size=repair.SLICE))
    found = repair.find_two_edit_repair(source, "f", first, checks, 4, passes)
    assert len(found) == 1 and found[0].edit.kind == "sign + constant", found
    hint = found[0].edit.hint("f", "every check")
    assert hint.startswith("Two slips: ") and "`x - 1` to `x + 1`" in hint and "`3 * x` to `2 * x`" in hint


def test_both_lines_a_two_edit_repair_names_move_with_the_function():
    edit = repair.Edit("sign + constant", "a", "b", "why", f"changing `a` to `b` on line 3{repair.BOTH_JOIN}changing "
                       "`c` to `d` on line 5 (the second of the 2 there)")
    moved = repair.moved([repair.Candidate(edit, "calcgrade_repair_0", "def calcgrade_repair_0(): pass")], 10)
    assert moved[0].edit.action == (f"changing `a` to `b` on line 13{repair.BOTH_JOIN}changing `c` to `d` on line 15 "
                                    "(the second of the 2 there)")


def test_two_edits_are_not_tried_on_one_failed_check_nor_said_when_nothing_repairs_half():
    source = MODULE_HEAD + "def f(x):\n    return x ** 3 + 7\n"
    passes = _passes_in_process(source, lambda x: 2 * x)
    first = next(repair.candidate_slices(source, "f", size=repair.SLICE))
    assert repair.find_two_edit_repair(source, "f", first, [3], 1, passes) == []
    assert repair.find_two_edit_repair(source, "f", first, [3, 4, 5], 3, passes) == []


def test_a_parameter_where_a_module_function_of_it_belongs_is_changed_everywhere_at_once():
    source = SIGMOID_HEAD + "def f(x, y):\n    y = y + 1\n    return x * (1 - x) + y\n"
    changes = [c.edit.change for c in repair.candidates(source, "f") if c.edit.kind == "function not applied"]
    assert changes == ["changing every `x` to `sigmoid(x)` (2 places)"]  # y is assigned: never offered
    assert not [c for c in repair.candidates(SIGMOID_HEAD + "def g(z):\n    return z * 2\n", "sigmoid")
                if c.edit.kind == "function not applied" and "sigmoid(" in c.edit.after]  # never itself


def test_a_right_operand_may_belong_deeper_in_the_left_operands_last_terms():
    source = MODULE_HEAD + "def d(x, n):\n    return 3 * n * x ** n - 1\n"
    afters = {after for kind, _, after in _edits(source, "d") if kind == "precedence"}
    assert {"3 * n * (x ** n - 1)", "3 * n * x ** (n - 1)"} <= afters


def test_a_products_last_two_factors_are_dropped_together():
    source = MODULE_HEAD + "def g(o, y):\n    return 2 * (o - y) * o * (1 - o)\n"
    assert ("extra factor", "2 * (o - y) * o * (1 - o)", "2 * (o - y)") in _edits(source, "g")


def test_a_number_dropped_from_a_named_factor_says_its_use_may_miss_the_opposite_factor():
    """A Taylor term without its ½ was told that the right 2 of a second derivative 2Σx², stored in a name and
    used only as a factor, "does not belong in the product": scaling where a value is made and scaling every use
    of it are one edit to the checks, so both places are named and neither is blamed."""
    source = MODULE_HEAD + ("def q(m, x):\n    curvature = 2 * np.sum(x ** 2)\n    ratio = 6 * m / 3\n"
                            "    return curvature * m ** 2 + ratio * curvature\n")
    why = {(c.edit.before, c.edit.after): c.edit.why for c in repair.candidates(source, "q")}
    said = why[("2 * np.sum(x ** 2)", "np.sum(x ** 2)")]
    assert "does not belong in the product" not in said
    assert "an extra factor `2` where `curvature` is made, or a missing factor 1/2 where `curvature` is used " \
        "(`curvature * m ** 2` and `ratio * curvature`): the code does not say which" in said
    divided = why[("6 * m / 3", "6 * m")]
    assert "an extra division by `3` where `ratio` is made, or a missing factor 3 where `ratio` is used" in divided
    for other in ("def q(m, x):\n    curvature = 2 * np.sum(x ** 2)\n    return curvature + m\n",  # a term
                  "def q(m, x):\n    curvature = 2 * np.sum(x ** 2)\n    curvature = curvature * m\n"
                  "    return curvature\n",  # assigned twice
                  "def q(m, x):\n    return 2 * np.sum(x ** 2) * m\n"):  # no name
        assert "an extra factor: `2` does not belong in the product" in \
            {c.edit.why for c in repair.candidates(MODULE_HEAD + other, "q") if c.edit.before.startswith("2 *")}


def test_an_edit_inside_a_helper_another_helper_calls_names_that_caller_too():
    """A dual number's `__rsub__` written as `return self.__sub__(other)` (dual − number where number − dual
    belongs) was repaired by swapping the operands of the right `__sub__`: the checks reach `__sub__` only through
    `__rsub__`, so an edit of either passes. An edit inside a nested definition that another one calls now names the
    caller; one inside a helper nothing else calls is told as before."""
    source = MODULE_HEAD + (
        "def f(x):\n    class Num:\n        def __init__(self, v):\n            self.v = v\n\n"
        "        def __sub__(self, other):\n            return Num(self.v - other)\n\n"
        "        def __rsub__(self, other):\n            return self.__sub__(other)\n\n"
        "    def double(t):\n        return 2 * t\n\n    return double((1 - Num(x)).v)\n")
    why = {(c.edit.kind, c.edit.before): c.edit.why for c in repair.candidates(source, "f")}
    assert "or `__sub__` is right and the slip lies in `__rsub__`, which calls it (`self.__sub__(other)`): the code " \
        "does not say which" in why[("swapped operands", "self.v - other")]
    assert "calls it" not in why[("extra factor", "2 * t")]


# ----- through the engine and the sandbox --------------------------------------------------------------------


def _grade(sandbox, module: str, function: str, body: str):
    source = kit.variant_source(module, function, body)
    result = grade_sources({module: source}, sandbox, student="repair", hidden=True, course_seed="repair",
                           exercises=[e for e in DECLARED if e.module == module])
    return result, result.exercise(f"{module}.{function}")


def _hints(exercise_result) -> list[str]:
    """The messages of the failed checks, but for a public check that is right and withheld for its hidden one."""
    return [check.student_message for check in exercise_result.checks
            if not check.passed and not check.counted_away]


# (slips the behavioural operators do not name: the repair is asked only where nothing else named the mistake)
@pytest.mark.parametrize(("module", "function", "body", "kind", "quoted"), [
    ("derivatives", "df_log", "return 2 * x / 1 + x**2\n", "precedence", "2 * x / (1 + x ** 2)"),
    ("derivatives", "numerical_derivative", "return (f(x + h) - f(x - h)) // (2 * h)\n", "floor division", "//"),
    ("linear_model", "sse", "total = 0.0\nfor i in range(2, len(x)):\n    total += (y[i] - (m * x[i] + c))**2\n"
     "return total\n", "loop bounds", "range(len(x))"),
    ("gradient_descent", "descend_1d", "x = float(x0)\nfor _ in range(n_steps):\n    step = learning_rate * df(x)\n"
     "    if abs(step) < 1e-2:\n        break\n    x = x - step\nreturn x\n", "early stop", "removing"),
    ("linear_model", "sse", "total = 0.0\nfor i in range(len(x)):\n    total += (y[i] - (m * x[i] + c))**2\n"
     "    return total\n", "return in loop", "moving `return total` out of the loop"),
    ("linear_model", "error_profile_slope", "return np.array([sse(c, m, x, y) for m in slopes])\n",
     "argument order", "changing `sse(c, m, x, y)` to `sse(m, c, x, y)`"),
    ("linear_model", "error_profile_slope", "for m in slopes:\n    values = []\n    values.append(sse(m, c, x, y))\n"
     "return np.array(values, dtype=float)\n", "not kept", "moving `values = []` before the loop"),
    ("linear_model", "sse", "total = 0.0\nfor xi, yi in zip(x, y):\n    total = (yi - (m * xi + c))**2\n"
     "return float(total)\n", "overwritten", "changing `total = (yi - (m * xi + c)) ** 2` to `total += (yi - (m * xi "
     "+ c)) ** 2`"),
    ("linear_model", "sse", "total = len(x)\nfor xi, yi in zip(x, y):\n    total += (yi - (m * xi + c))**2\n"
     "return float(total)\n", "sum start", "changing `total = len(x)` to `total = 0.0`"),
    ("linear_model", "least_squares_fit", "x = np.asarray(x, dtype=float)\ny = np.asarray(y, dtype=float)\n"
     "slope = 0.0\nintercept = np.mean(y) - slope * np.mean(x)\n"
     "slope = np.cov(x, y, bias=True)[0, 1] / np.var(x)\nreturn float(slope), float(intercept)\n",
     "used before set", "moving `intercept = np.mean(y) - slope * np.mean(x)` after `slope = "),
    ("partial_derivatives", "classify_critical_point", "lam = np.linalg.eigvalsh(np.asarray(hessian_matrix, "
     "dtype=float))\ntol = 1e-8 * max(1.0, float(np.max(np.abs(lam))))\nfor value in lam:\n"
     "    if value <= tol:\n        return 'degenerate'\nif np.all(lam > 0):\n    return 'minimum'\n"
     "if np.all(lam < 0):\n    return 'maximum'\nreturn 'saddle'\n", "missing absolute value",
     "changing `value <= tol` to `np.abs(value) <= tol`"),
    ("partial_derivatives", "classify_critical_point", "lam = np.linalg.eigvalsh(np.asarray(hessian_matrix, "
     "dtype=float))\nsmall = 1e-8 * max(1.0, float(np.amax(lam)))\nif np.any(np.abs(lam) <= small):\n"
     "    return 'degenerate'\nif np.all(lam > 0):\n    return 'minimum'\n"
     "if np.all(lam < 0):\n    return 'maximum'\nreturn 'saddle'\n", "missing absolute value",
     "changing `np.amax(lam)` to `np.amax(np.abs(lam))`"),
    ("derivatives", "tangent_line", "s = df(x0)\nb = f(x0 - x0 * s)\nreturn s, b\n", "precedence",
     "changing `f(x0 - x0 * s)` to `f(x0) - x0 * s`"),
    ("neural_network", "neuron", "y_hat = sigmoid(np.multiply(w, x))\nreturn y_hat + b\n", "precedence",
     "changing `y_hat = sigmoid(np.multiply(w, x))` to `y_hat = sigmoid(np.multiply(w, x) + b)` and `y_hat + b` "
     "to `y_hat`"),
    ("linear_model", "least_squares_fit", "x = np.asarray(x, dtype=float)\ny = np.asarray(y, dtype=float)\n"
     "n = x.size\nm = (n * np.dot(x, y) - x.sum() * y.sum()) / (n * np.dot(x, x) - x.sum() ** 2)\n"
     "c = y.sum() - m * x.sum()\nreturn float(m), float(c)\n", "missing division",
     "changing `y.sum() - m * x.sum()` to `(y.sum() - m * x.sum()) / n`"),
    ("linear_model", "least_squares_fit", "x = np.asarray(x, dtype=float)\ny = np.asarray(y, dtype=float)\n"
     "n = len(x)\nm = (n * np.sum(x * y) - np.sum(x) * np.sum(y)) / (n * np.sum(x * x) - np.sum(x ** 2))\n"
     "c = np.mean(y) - m * np.mean(x)\nreturn float(m), float(c)\n", "precedence",
     "changing `np.sum(x ** 2)` to `np.sum(x) ** 2`"),
    ("neural_network", "backprop", "xs = np.asarray(x, dtype=float)\npre = np.outer(xs, w_hidden) + b_hidden\n"
     "act = sigmoid(pre)\nerr = 2 * (act @ w_out + b_out - y)\ndelta = np.outer(err, w_out) * act * (1 - act)\n"
     "return np.concatenate([delta.T @ xs, delta.sum(axis=0), pre.T @ err, [err.sum()]])\n",
     "before the function", "changing `pre.T` to `act.T`"),
    ("neural_network", "neuron_loss", "z = w * np.asarray(x, dtype=float) + b\n"
     "return float(np.sum((sigmoid(sigmoid(z)) - np.asarray(y, dtype=float)) ** 2))\n", "call for its argument",
     "changing `sigmoid(sigmoid(z))` to `sigmoid(z)`"),
    ("partial_derivatives", "partial_derivative", "plus = minus = np.array(point, dtype=float)\nplus[i] += h\n"
     "minus[i] -= h\nreturn float((f(plus) - f(minus)) / (2 * h))\n", "alias", "making each its own"),
    ("gradient_descent", "gradient_descent", "path = np.zeros((n_steps + 1, 2))\nm, c = float(m0), float(c0)\n"
     "path[0] = m, c\nfor x in range(1, n_steps + 1):\n    gm, gc = sse_gradient(m, c, x, y)\n"
     "    m, c = m - learning_rate * gm, c - learning_rate * gc\n    path[x] = m, c\nreturn path\n",
     "shadowed parameter", "renaming the loop variable `x` to `x_step` where it counts"),
    ("partial_derivatives", "partial_derivative", "plus = np.array(point, dtype=float)\n"
     "minus = np.array(point, dtype=float)\nplus[i] = h\nminus[i] = -h\n"
     "return float((f(plus) - f(minus)) / (2 * h))\n", "set for moved",
     "changing `plus[i] = h` to `plus[i] += h` and `minus[i] = -h` to `minus[i] += -h`"),
    ("gradient_descent", "descend_1d", "x = float(x0)\nstep = 0\nwhile step < n_steps and df(x) > 1e-12:\n"
     "    x = x - learning_rate * df(x)\n    step += 1\nreturn x\n", "missing absolute value",
     "changing `df(x) > 1e-12` to `np.abs(df(x)) > 1e-12`"),
    ("gradient_descent", "sse_gradient", "r = [yi - (m * xi + c) for xi, yi in zip(x, y)]\ntotal = 0.0\n"
     "for a in x:\n    for b in r:\n        total += a * b\nreturn -2 * total, -2 * sum(r)\n", "every pair",
     "looping `for a, b in zip(x, r)` instead of over `x` and `r` one inside the other"),
    ("gradient_descent", "sse_gradient", "r = [yi - (m * xi + c) for xi, yi in zip(x, y)]\n"
     "return -2 * sum(u * v for u in x for v in r), -2 * sum(r)\n", "every pair", "looping `for u, v in zip(x, r)`"),
    ("linear_model", "best_fit_on_grid", "for c in intercepts:\n    lowest = np.inf\n    for m in slopes:\n"
     "        e = sse(m, c, x, y)\n        if e < lowest:\n            lowest, pick = e, (m, c)\n"
     "return float(pick[0]), float(pick[1])\n", "not kept", "moving `lowest = np.inf` before the loop"),
    ("linear_model", "best_fit_on_grid", "for c in intercepts:\n    best = None\n    for m in slopes:\n"
     "        e = sse(m, c, x, y)\n        if best is None or e < best[0]:\n            best = (e, m, c)\n"
     "return float(best[1]), float(best[2])\n", "not kept", "moving `best = None` before the loop"),
    ("partial_derivatives", "hessian", "q = [float(v) for v in point]\nk = len(q)\nout = [[0.0] * k] * k\n"
     "for a in range(k):\n    for b in range(k):\n        pp = list(q); pp[a] += h; pp[b] += h\n"
     "        pm = list(q); pm[a] += h; pm[b] -= h\n        mp = list(q); mp[a] -= h; mp[b] += h\n"
     "        mm = list(q); mm[a] -= h; mm[b] -= h\n"
     "        out[a][b] = (f(np.array(pp)) - f(np.array(pm)) - f(np.array(mp)) + f(np.array(mm))) / (4 * h * h)\n"
     "return np.array(out)\n", "alias", "changing `[[0.0] * k] * k` to `[[0.0] * k for _ in range(k)]`"),
    ("linear_model", "error_profile_intercept", "out = []\nfor cc in intercepts:\n    acc = 0.0\n"
     "    for xi, yi in zip(x, y):\n        d = yi - (m * xi + cc)\n        acc += d * d\n    out.append(d * d)\n"
     "return np.array(out)\n", "last pass for total", "using `acc` for `d * d` after the loop"),
    ("linear_model", "error_profile_slope", "x = np.asarray(x, dtype=float)\ny = np.asarray(y, dtype=float)\n"
     "return np.array([np.sum(np.abs(y - (s * x + c))) for s in slopes])\n", "size for square",
     "changing `np.abs(y - (s * x + c))` to `(y - (s * x + c)) ** 2`"),
    ("neural_network", "train_neuron", "path = np.zeros((n_steps + 1, 2))\nw, b = float(w0), float(b0)\n"
     "path[0] = w, b\nfor k in range(n_steps):\n    gw, gb = dloss_dw(w, b, x, y), dloss_db(w, b, x, y)\n"
     "    w -= learning_rate * gw\n    b -= learning_rate * gb\n    path[k] = w, b\nreturn path\n", "off by one",
     "changing `path[k]` to `path[k + 1]`"),
    ("neural_network", "train_neuron", "path = np.zeros((n_steps + 1, 2))\npath[0] = w0, b0\n"
     "for k in range(1, n_steps + 1):\n    w, b = path[k]\n    path[k] = w - learning_rate * dloss_dw(w, b, x, y), "
     "b - learning_rate * dloss_db(w, b, x, y)\nreturn path\n", "off by one", "changing `path[k]` to `path[k - 1]`"),
    ("linear_model", "error_profile_slope", "x = np.asarray(x, dtype=float)\ny = np.asarray(y, dtype=float)\n"
     "makers = [lambda: sse(s, c, x, y) for s in slopes]\nreturn np.array([make() for make in makers])\n",
     "late binding", "changing `lambda: sse(s, c, x, y)` to `lambda s=s: sse(s, c, x, y)`"),
    ("partial_derivatives", "gradient", "p = np.asarray(point, dtype=float)\n"
     "return np.array([partial_derivative(f, p, i, h) for i in range(p.ndim)])\n", "count",
     "changing `range(p.ndim)` to `range(len(p))`"),
    ("derivatives", "df_log", "return 2 * x * np.reciprocal(1 + x * x)\n", "integer truncation",
     "changing `np.reciprocal(1 + x * x)` to `1 / (1 + x * x)`"),
    ("gradient_descent", "gradient_step", "w = np.asarray(weights, dtype=float)\n"
     "return w - learning_rate * np.sign(np.asarray(grad, dtype=float))\n", "extra operation",
     "changing `np.sign(np.asarray(grad, dtype=float))` to `np.asarray(grad, dtype=float)`"),
    # a neighbouring quantity where the thing itself belongs: the Hessian's inverse (a covariance), the
    # gradient's length (nothing was said: these calls were not among those that change a value)
    ("partial_derivatives", "hessian", "p = np.array(point, dtype=float)\nn = p.size\nH = np.zeros((n, n))\n"
     "for i in range(n):\n    for j in range(n):\n        e_i = np.zeros(n)\n        e_j = np.zeros(n)\n"
     "        e_i[i] = h\n        e_j[j] = h\n"
     "        H[i, j] = (f(p + e_i + e_j) - f(p + e_i - e_j) - f(p - e_i + e_j) + f(p - e_i - e_j)) / (4 * h * h)\n"
     "return np.linalg.inv(H)\n", "extra operation", "changing `np.linalg.inv(H)` to `H`"),
    # (a norm of the whole answer is an answer of another kind, which an operator says; inside, an edit)
    ("derivatives", "tangent_line", "s = float(np.linalg.norm(df(x0)))\nreturn s, f(x0) - s * x0\n",
     "extra operation", "changing `float(np.linalg.norm(df(x0)))` to `df(x0)`"),
    # the first entry of a sorted array for its last: told "off by one" (0 − 1 wraps to the other end, two places
    # away on a 3×3 matrix; red team round 48, 06)
    ("partial_derivatives", "classify_critical_point",
     "ev = np.linalg.eigvalsh(np.asarray(hessian_matrix, dtype=float))\n"
     "tol = 1e-8 * max(1.0, float(np.max(np.abs(ev))))\nif np.any(np.abs(ev) <= tol):\n    return 'degenerate'\n"
     "if ev[0] > 0:\n    return 'minimum'\nif ev[0] < 0:\n    return 'maximum'\nreturn 'saddle'\n", "other end",
     "changing `ev[0]` to `ev[-1]`"),
    # a term taken into a sum counts n times: told as the order of operations alone where the student's slip was
    # a missing factor n (Σx² − x̄² for Σx² − n·x̄²; red team round 48, 05): both readings
    ("linear_model", "least_squares_fit", "x = np.asarray(x, dtype=float)\ny = np.asarray(y, dtype=float)\n"
     "n = len(x)\nxm = np.mean(x)\nym = np.mean(y)\nm = (np.sum(x * y) - n * xm * ym) / (np.sum(x**2) - xm**2)\n"
     "c = ym - m * xm\nreturn float(m), float(c)\n", "precedence", "or it is missing a factor n, the number of points"),
    # the clipping dropped, not its bound told as "a fixed number where `grad` belongs" (NumPy's clip returns its
    # upper bound where the bounds cross, so that edit passed too and was said first)
    ("gradient_descent", "gradient_step", "g = np.asarray(grad, dtype=float)\n"
     "return np.asarray(weights, dtype=float) - learning_rate * np.clip(g, -0.5, 0.5)\n", "extra operation",
     "changing `np.clip(g, -0.5, 0.5)` to `g`"),
    # axis=-1 changed whole (it was told "changing `-1` to `-0`", a sign kept and a number changed)
    ("linear_model", "error_surface", "xs = np.asarray(x, dtype=float)\nys = np.asarray(y, dtype=float)\n"
     "m, c = np.meshgrid(np.asarray(slopes, dtype=float), np.asarray(intercepts, dtype=float))\n"
     "r = ys.reshape(-1, 1, 1) - (m[np.newaxis] * xs.reshape(-1, 1, 1) + c[np.newaxis])\n"
     "return np.sum(r * r, axis=-1)\n", "axis", "changing `-1` to `0`"),
    # NumPy's habits: an array made from integers stays integer; a narrow dtype; an outer product summed; a row
    # of an array is a view; an axis given positionally
    ("gradient_descent", "gradient_descent", "path = np.array([[m0, c0]] * (n_steps + 1))\n"
     "for k in range(n_steps):\n    dm, dc = sse_gradient(path[k, 0], path[k, 1], x, y)\n"
     "    path[k + 1] = path[k, 0] - learning_rate * dm, path[k, 1] - learning_rate * dc\nreturn path\n",
     "integer truncation", "changing `np.array([[m0, c0]] * (n_steps + 1))` to "
     "`np.array([[m0, c0]] * (n_steps + 1), dtype=float)`"),
    ("partial_derivatives", "partial_derivative", "p = np.array(point, dtype=np.float32)\ne = np.zeros_like(p)\n"
     "e[i] = h\nreturn float((f(p + e) - f(p - e)) / (2 * h))\n", "single precision",
     "changing `np.array(point, dtype=np.float32)` to `np.array(point, dtype=float)`"),
    ("gradient_descent", "sse_gradient", "x = np.asarray(x, dtype=float)\n"
     "r = np.asarray(y, dtype=float) - (m * x + c)\n"
     "return float(-2 * np.sum(np.outer(x, r))), float(-2 * np.sum(r))\n", "every pair",
     "changing `np.outer(x, r)` to `x * r`"),
    ("neural_network", "train_neuron", "path = np.zeros((n_steps + 1, 2))\npath[0] = w0, b0\ncur = path[0]\n"
     "for k in range(n_steps):\n    cur -= learning_rate * np.array([dloss_dw(cur[0], cur[1], x, y), "
     "dloss_db(cur[0], cur[1], x, y)])\n    path[k + 1] = cur\nreturn path\n", "alias",
     "changing `cur = path[0]` to `cur = path[0].copy()`"),
    ("linear_model", "error_profile_slope", "x = np.asarray(x, dtype=float)\n"
     "r = np.asarray(y, dtype=float) - (np.asarray(slopes, dtype=float)[:, None] * x + c)\n"
     "return np.sum(r ** 2, 0)\n", "axis", "changing `np.sum(r ** 2, 0)` to `np.sum(r ** 2, 1)`"),
    # a piece of code that switches itself off: its removal is told, not an edit that makes it never fire (they
    # were told "a minus added" for a norm made nan, "a sign flipped" for a stopping test that never holds)
    ("gradient_descent", "gradient_step", "w = np.array(weights, dtype=float)\n"
     "step = np.asarray(grad, dtype=float) * learning_rate\nsize = np.sqrt(np.sum(step ** 2))\n"
     "if size > 0.5:\n    step = step * 0.5 / size\nreturn w - step\n", "conditional change",
     "removing `if size > 0.5: step = step * 0.5 / size`"),
    # a guard that refuses a step raising the SSE (the thirtieth holdout): told "an extra power" or "a mean for a
    # sum" inside its test, two edits that switch it off; its test dropped, the update kept, is the repair told
    ("gradient_descent", "gradient_descent", "x = np.asarray(x, dtype=float)\ny = np.asarray(y, dtype=float)\n"
     "weights = np.array([m0, c0], dtype=float)\npath = [weights]\nfor _ in range(n_steps):\n"
     "    new = gradient_step(weights, sse_gradient(weights[0], weights[1], x, y), learning_rate)\n"
     "    if np.sum((y - (new[0] * x + new[1]))**2) <= np.sum((y - (weights[0] * x + weights[1]))**2):\n"
     "        weights = new\n    path.append(weights)\nreturn np.array(path)\n", "conditional update",
     "removing the test `if np.sum((y - (new[0] * x + new[1])) ** 2) <= "),
    ("gradient_descent", "gradient_descent", "xs = np.asarray(x, dtype=float)\nys = np.asarray(y, dtype=float)\n"
     "path = np.zeros((n_steps + 1, 2))\npath[0] = m0, c0\nlast = np.sum((ys - (m0 * xs + c0)) ** 2)\n"
     "for k in range(n_steps):\n    dm, dc = sse_gradient(path[k, 0], path[k, 1], xs, ys)\n"
     "    path[k + 1] = path[k, 0] - learning_rate * dm, path[k, 1] - learning_rate * dc\n"
     "    now = np.sum((ys - (path[k + 1, 0] * xs + path[k + 1, 1])) ** 2)\n    if last - now < 1e-9:\n"
     "        return path[:k + 2]\n    last = now\nreturn path\n", "early stop",
     "removing `if last - now < 1e-09: return path[:k + 2]`"),
    ("linear_model", "best_fit_on_grid", "grid = error_surface(slopes, intercepts, x, y)\n"
     "ms, cs = np.meshgrid(np.asarray(slopes, dtype=float), np.asarray(intercepts, dtype=float))\n"
     "score = grid + 3.0 * (ms ** 2 + cs ** 2)\nr, k = np.unravel_index(np.argmin(score), score.shape)\n"
     "return float(np.asarray(slopes, dtype=float)[k]), float(np.asarray(intercepts, dtype=float)[r])\n",
     "extra term", "changing `grid + 3.0 * (ms ** 2 + cs ** 2)` to `grid`"),
    ("derivatives", "df_poly", "total = 0.0\nfor k, a in [(3, 1), (2, -6), (1, 9)]:\n    total += k * a * x ** k - 1\n"
     "return total\n", "precedence", "`k * a * x ** (k - 1)`"),
    ("neural_network", "backprop", "xs = np.asarray(x, dtype=float)\npre = np.outer(xs, w_hidden) + b_hidden\n"
     "act = sigmoid(pre)\nerr = 2 * (act @ w_out + b_out - y)\ndelta = np.outer(err, w_out) * pre * (1 - pre)\n"
     "return np.concatenate([delta.T @ xs, delta.sum(axis=0), act.T @ err, [err.sum()]])\n",
     "before the function", "changing every `pre` to `act` in `delta = np.outer(err, w_out) * pre * (1 - pre)`"),
    ("linear_model", "error_surface", "e = np.zeros((len(intercepts), len(slopes)))\nacc = 0.0\n"
     "for r in range(len(intercepts)):\n    for s in range(len(slopes)):\n        for xi, yi in zip(x, y):\n"
     "            acc += (yi - slopes[s] * xi - intercepts[r]) ** 2\n        e[r, s] = acc\nreturn e\n",
     "not reset", "moving `acc = 0.0` to the start of the body of `for s in range(len(slopes))`"),
    ("derivatives", "dsigmoid", "s = x\nreturn s * (1 - s)\n", "function not applied",
     "changing every `x` to `sigmoid(x)`"),
    ("neural_network", "backprop", "xs = np.asarray(x, dtype=float)\npre = np.outer(xs, w_hidden) + b_hidden\n"
     "act = sigmoid(pre)\nout = act @ w_out + b_out\nerr = 2 * (out - y) * out * (1 - out)\n"
     "delta = np.outer(err, w_out) * act * (1 - act)\n"
     "return np.concatenate([delta.T @ xs, delta.sum(axis=0), act.T @ err, [err.sum()]])\n", "extra factor",
     "changing `2 * (out - y) * out * (1 - out)` to `2 * (out - y)`"),
    ("partial_derivatives", "partial_derivative", "p = np.array(point, dtype=float)\noriginal = p[i]\n"
     "upper = f(p)\np[i] = original - h\nlower = f(p)\np[i] = original\nreturn float((upper - lower) / (2 * h))\n",
     "twin step missing", "adding `p[i] = original + h` before `upper = f(p)`"),
    ("partial_derivatives", "gradient", "p = np.array(point, dtype=float)\ngrad = np.zeros(p.size)\n"
     "for k in range(p.size):\n    keep = p[k]\n    p[k] = keep + h\n    ahead = f(p)\n    behind = f(p)\n"
     "    p[k] = keep\n    grad[k] = (ahead - behind) / (2 * h)\nreturn grad\n", "twin step missing",
     "adding `p[k] = keep - h` before `behind = f(p)`"),
    # slips of state and shape (bodies of our own, after the twenty-eighth holdout's kinds): an in-place operator on a
    # second name of the input, a copy made after the change it must not carry, `asarray` in two places, a column
    ("derivatives", "numerical_derivative", "below = x\nbelow -= h\nreturn (f(x + h) - f(below)) / (2 * h)\n",
     "in place on an alias", "changing `below -= h` to `below = below - h`"),
    ("derivatives", "numerical_derivative", "a = x\nb = x\na += h\nb -= h\nreturn (f(a) - f(b)) / (2 * h)\n",
     "in place on an alias", "changing `a += h` to `a = a + h` and `b -= h` to `b = b - h`"),
    ("partial_derivatives", "gradient", "p = np.array(point, dtype=float)\ng = np.zeros(p.size)\n"
     "for k in range(p.size):\n    hi = p.copy()\n    hi[k] += h\n    lo = hi.copy()\n    lo[k] -= h\n"
     "    g[k] = (f(hi) - f(lo)) / (2 * h)\nreturn g\n", "copy after change",
     "moving `lo = hi.copy()` before `hi[k] += h`"),
    ("partial_derivatives", "partial_derivative", "a = np.asarray(point, dtype=float)\n"
     "b = np.asarray(point, dtype=float)\na[i] += h\nb[i] -= h\nreturn float((f(a) - f(b)) / (2 * h))\n", "alias",
     "in `a = np.asarray(point, dtype=float)` and `b = np.asarray(point, dtype=float)`"),
    ("neural_network", "dloss_dw", "x = np.asarray(x, dtype=float)\nout = neuron(w, b, x)\n"
     "r = out - np.asarray(y, dtype=float).reshape(-1, 1)\nreturn float(np.sum(2 * r * out * (1 - out) * x))\n",
     "column", "changing `np.asarray(y, dtype=float).reshape(-1, 1)` to `np.asarray(y, dtype=float)`"),
    # one buffer stepped back to where it started, where the other side belongs (after the twenty-seventh holdout)
    ("partial_derivatives", "gradient", "q = np.array(point, dtype=float)\ng = np.zeros(q.size)\n"
     "for k in range(q.size):\n    q[k] += h\n    fp = f(q)\n    q[k] -= h\n    fm = f(q)\n    q[k] += h\n"
     "    g[k] = (fp - fm) / (2 * h)\nreturn g\n", "step back to the start",
     "changing `q[k] -= h` to `q[k] -= 2 * h`"),
    ("derivatives", "numerical_derivative", "t = np.array(x, dtype=float)\nt -= h\nbelow = f(t)\nt += h\nabove = f(t)\n"
     "return (above - below) / (2 * h)\n", "step back to the start", "changing `t += h` to `t += 2 * h`"),
    ("derivatives", "dsigmoid", "return sigmoid(x) * (1 - sigmoid(-x))\n", "sign", "changing `-x` to `x`"),
    ("gradient_descent", "df_nonconvex", "f = np.poly1d([1, -3, 1])\nreturn np.polyder(f)(x)\n", "zero coefficient",
     "changing `[1, -3, 1]` to `[1, 0, -3, 1, 0]`"),
    ("gradient_descent", "df_nonconvex", "return np.polyval(np.array([4.0, -6.0, 1.0]), x)\n", "zero coefficient",
     "to `np.array([4.0, 0, -6.0, 1.0])`"),
    # Habits of 1-based languages and of calculators (bodies of our own, after the twenty-second holdout's kinds)
    ("gradient_descent", "gradient_descent", "rows = np.zeros((n_steps + 1, 2))\nrows[0, :] = [m0, c0]\n"
     "for step in np.arange(1, n_steps):\n    m, c = rows[step - 1, :]\n"
     "    rows[step, :] = gradient_step(np.array([m, c]), sse_gradient(m, c, x, y), learning_rate)\nreturn rows\n",
     "off by one", "changing `np.arange(1, n_steps)` to `np.arange(1, n_steps + 1)`"),
    ("linear_model", "best_fit_on_grid", "table = error_surface(slopes, intercepts, x, y)\n"
     "row, col = divmod(int(np.argmin(table)), table.shape[1])\n"
     "return float(np.asarray(slopes)[col - 1]), float(np.asarray(intercepts)[row - 1])\n", "off by one",
     "changing `col - 1` to `col` and `row - 1` to `row`"),
    ("derivatives", "df_wave", "angle = np.radians(3 * x)\n"
     "return (3 * np.cos(angle) - x * np.sin(angle)) * np.exp(-x**2 / 2)\n", "extra operation",
     "changing `np.radians(3 * x)` to `3 * x`"),
    ("derivatives", "dsigmoid", "s = 1 / (1 + 2.718 ** -x)\nreturn s * (1 - s)\n", "rounded constant",
     "to `np.e ** -x`"),
    ("derivatives", "df_poly", "coefficients = [1, -6, 9, 1]\ntotal = 0 * x\nfor k in range(3):\n"
     "    p = 3 - k + 1\n    total = total + p * coefficients[k] * x ** (p - 1)\nreturn total\n",
     "off by one", "changing `3 - k + 1` to `3 - k`"),
    ("derivatives", "df_poly", "value = 0 * x\nfor coefficient in [9, -12, 3]:\n    value = value * x + coefficient\n"
     "return value\n", "coefficient order", "changing `[9, -12, 3]` to `[3, -12, 9]`"),
    ("gradient_descent", "df_nonconvex", "c = [0, 1, -3, 0, 1]\n"
     "return sum(k * a * x ** (k - 1) for k, a in enumerate(c[1:]))\n", "enumerate start",
     "changing `enumerate(c[1:])` to `enumerate(c[1:], start=1)`"),
    ("partial_derivatives", "hessian", "q = np.array(point, dtype=float)\nd = q.size\nlow = np.zeros((d, d))\n"
     "e = h * np.eye(d)\nfor a in range(d):\n    for b in range(a + 1):\n"
     "        low[a, b] = (f(q + e[a] + e[b]) - f(q + e[a] - e[b]) - f(q - e[a] + e[b]) + f(q - e[a] - e[b])) "
     "/ (4 * h**2)\nreturn low + low.T\n", "diagonal twice",
     "changing `low + low.T` to `low + low.T - np.diag(np.diag(low))`"),
    # A tired student's copy-paste and typing slips (bodies of our own, after the twenty-third holdout's kinds)
    ("partial_derivatives", "gradient", "p = np.asarray(point, dtype=float)\ng = np.zeros(p.size)\n"
     "for k in range(p.size):\n    e = np.zeros(p.size)\n    e[k] = h\n    value = (f(p + e) - f(p - e)) / (2 * h)\n"
     "g[k] = value\nreturn g\n", "outside the loop", "indenting `g[k] = value` into the loop `for k in range(p.size)`"),
    ("derivatives", "numerical_derivative", "return (f_wave(x + h) - f_wave(x - h)) / (2 * h)\n",
     "module function for parameter", "changing every `f_wave(...)` to `f(...)` (2 places)"),
    ("linear_model", "sse", "errors = np.asarray(y, dtype=float) - predict(m, c, x)\nerrors = errors[:5]\n"
     "return float(np.sum(errors**2))\n", "part of the data", "removing `errors = errors[:5]`"),
    ("neural_network", "per_weight_steps", "gw = dloss_dw(b, w, x, y)\ngb = dloss_db(b, w, x, y)\n"
     "return np.array([learning_rate * abs(gw), learning_rate * abs(gb)])\n", "argument order",
     "changing `dloss_dw(b, w, x, y)` to `dloss_dw(w, b, x, y)` and `dloss_db(b, w, x, y)` to `dloss_db(w, b, x, y)`"),
    ("neural_network", "dloss_db", "a = neuron(w, b, x)\nreturn float(np.sum(2 * (a - y) * a * (1 - y)))\n",
     "wrong variable", "changing `1 - y` to `1 - a`"),
    ("gradient_descent", "sse_gradient", "x = np.asarray(x, dtype=float)\n"
     "r = np.asarray(y, dtype=float) - (m * x + c)\ndm = -2 * np.sum(x * r)\ndc = -2 * np.sum(r)\n"
     "return np.array([dm, dm])\n", "wrong variable",
     "changing `[dm, dm]` to `[dm, dc]`"),
    ("partial_derivatives", "gradient", "size = np.size(point)\nout = np.empty((size, 1))\nfor axis in range(size):\n"
     "    out[axis] = partial_derivative(f, point, axis, h)\nreturn out\n", "column",
     "changing `np.empty((size, 1))` to `np.empty(size)`"),
    # Code written for the two weights of the examples tried: the entries written out one by one
    ("gradient_descent", "gradient_step", "new = (weights[0] - grad[0] * learning_rate, "
     "weights[1] - grad[1] * learning_rate)\nreturn np.asarray(new, dtype=float)\n", "written out",
     "to `[weights[i] - grad[i] * learning_rate for i in range(len(weights))]`"),
])
def test_a_slip_nobody_listed_is_named_by_the_edit_that_undoes_it(sandbox, monkeypatch, module, function, body, kind,
                                                                  quoted):
    """(What is asserted is the edit found, not how fast: the search's time bounds, wall-clock, are lifted. The
    conditional update's search took 1.5 s of the 4 s on a quiet machine, and was cut short with the suite's two
    workers on a loaded one.)"""
    monkeypatch.setattr(engine, "REPAIR_SECONDS", 60.0)
    monkeypatch.setattr(engine, "REPAIR_SUBMISSION_SECONDS", 120.0)
    _, own = _grade(sandbox, module, function, body)
    assert own.score < own.max_score
    failed = [check for check in own.checks if not check.passed and not check.counted_away]
    assert failed and all(check.diagnosis == f"repair: {kind}" for check in failed), [c.diagnosis for c in failed]
    assert all(quoted in message and "makes every check pass" in message for message in _hints(own))


def test_a_stack_along_the_wrong_axis_is_told_as_a_stack_not_as_a_reduction(sandbox):
    """`np.stack(..., axis=0)` where axis 1 belongs: the repair's text says what a stack's axis is (where the new
    axis goes), not that the axis is summed away (it was, for every call)."""
    body = ("ms, cs = [float(m0)], [float(c0)]\nfor _ in range(n_steps):\n"
            "    dm, dc = sse_gradient(ms[-1], cs[-1], x, y)\n"
            "    ms.append(ms[-1] - learning_rate * dm)\n    cs.append(cs[-1] - learning_rate * dc)\n"
            "return np.stack([np.array(ms), np.array(cs)], axis=0).reshape(-1, 2)\n")
    _, own = _grade(sandbox, "gradient_descent", "gradient_descent", body)
    assert own.score < own.max_score
    hints = _hints(own)
    assert hints and all("stacked along the wrong axis" in hint and "changing `0` to `1`" in hint
                         and "summed" not in hint for hint in hints), hints


def test_an_edit_that_passes_by_cancelling_operations_is_not_told_as_a_grouping_slip(sandbox):
    """Red team round 24 (01, 03): the inner function x²/2 written where its derivative x belongs was told "the order
    of operations", `x ** (2 / 2)`, an edit that passes because it cancels to x; and a square left undifferentiated
    (−3x² in a derivative) was told a typo, `**` for `*`. The regrouping into a neutral group is not tried, and a
    square made twice the value says both readings."""
    from grader.diagnosis.repair import _folds_to_identity

    assert _folds_to_identity(ast.parse("x ** (2 / 2)", mode="eval").body)
    assert _folds_to_identity(ast.parse("(3 - 3) + y", mode="eval").body)
    assert not _folds_to_identity(ast.parse("x ** (2 / 4)", mode="eval").body)
    assert not _folds_to_identity(ast.parse("x * (10 ** 99999999)", mode="eval").body)  # never computed
    wave = "return (3 * np.cos(3 * x) - x**2 / 2 * np.sin(3 * x)) * np.exp(-x**2 / 2)\n"
    _, own = _grade(sandbox, "derivatives", "df_wave", wave)
    assert _hints(own) and not any("order of operations" in hint for hint in _hints(own))
    _, own = _grade(sandbox, "gradient_descent", "df_nonconvex", "return 4 * x**3 - 3 * x**2 + 1\n")
    hints = _hints(own)
    assert hints and all("the power rule not applied to it, or `**` typed for `*`" in hint for hint in hints), hints


def test_a_square_in_a_difference_quotient_is_not_read_as_the_power_rule(sandbox):
    """Red team round 25 (03): `/ h ** 2` for `/ (h * 2)` in a difference quotient was told "the power rule not
    applied to it": nothing is differentiated by the rules there, only the typing reading fits."""
    body = "return (f(x + h) - f(x - h)) / h ** 2\n"
    _, own = _grade(sandbox, "derivatives", "numerical_derivative", body)
    hints = _hints(own)
    assert hints and all("`**` typed for `*`" in hint and "power rule" not in hint for hint in hints), hints


def test_a_square_in_a_gradient_worked_out_inline_is_read_as_the_power_rule_too(sandbox):
    """Red team round 26 (04): a descent working out its gradient inline (in place of `sse_gradient`, an exercise
    worked out by hand) with the square not differentiated was told only "`**` typed for `*`"."""
    body = ("path = [[m0, c0]]\nm, c = float(m0), float(c0)\nfor _ in range(n_steps):\n"
            "    r = y - (m * x + c)\n    dm = np.sum(-x * r ** 2)\n    dc = np.sum(-r ** 2)\n"
            "    m, c = m - learning_rate * dm, c - learning_rate * dc\n    path.append([m, c])\n"
            "return np.array(path, dtype=float)\n")
    _, own = _grade(sandbox, "gradient_descent", "gradient_descent", body)
    hints = _hints(own)
    assert hints and all("the power rule not applied to it" in hint for hint in hints), hints


def test_a_function_swapped_for_another_is_not_told_beside_a_rule_misapplied(sandbox):
    """Red team round 24 (02): e^(−x)/(1 + e^(−x)), the denominator's square missing, was told the power rule and
    then "`exp` where `sigmoid` belongs", an edit passing only because σ(−x)·σ(x) is σ'(x): a second slip the
    student did not make. Beside a rule misapplied (or a listed mistake), such a swap is not told."""
    _, own = _grade(sandbox, "derivatives", "dsigmoid", "return np.exp(-x) / (1 + np.exp(-x))\n")
    hints = _hints(own)
    assert hints and all("power rule" in hint and "belongs" not in hint for hint in hints), hints


def test_the_rule_faults_named_for_the_engine_are_the_symbolic_readers_own():
    import re
    from pathlib import Path

    from grader.diagnosis import RULE_FAULTS, symbolic

    source = Path(symbolic.__file__).read_text(encoding="utf-8")
    assert RULE_FAULTS == set(re.findall(r'Fault\("(formula: [^"]+)"', source)) | {symbolic.MISREAD}


def test_no_two_slips_are_claimed_where_one_edit_of_the_code_passes_every_check(sandbox):
    """Red team round 24 (08, 12): the Hessian's divisor `(4 * h)**2` for `4 * h**2` (every entry a quarter) was
    told "two slips together explain your answers" (a factor h missing, a step of 2h) before the precedence edit
    that passes; the norms recorded after each step, "start not recorded" and "one time more". One edit explains
    every answer: the pair is not said, the edit is."""
    hessian = ("p = np.array(point, dtype=float)\nn = p.size\nsteps = h * np.eye(n)\n"
               "result = np.zeros((n, n), dtype=float)\nfor i in range(n):\n    for j in range(i, n):\n"
               "        value = (f(p + steps[i] + steps[j]) - f(p + steps[i] - steps[j]) - f(p - steps[i] + steps[j])"
               " + f(p - steps[i] - steps[j])) / (4 * h)**2\n        result[i, j] = value\n"
               "        result[j, i] = value\nreturn result\n")
    norms = ("point = np.array(start, dtype=float)\nnorms = []\nfor _ in range(n_steps + 1):\n"
             "    point = point - learning_rate * np.array([df_du(point), df_dv(point)])\n"
             "    norms.append(float(np.linalg.norm([df_du(point), df_dv(point)])))\nreturn np.array(norms)\n")
    for module, function, body, edit in [("partial_derivatives", "hessian", hessian, "changing `(4 * h) ** 2`"),
                                         ("neural_network", "gradient_norm_along_path", norms, "swapping")]:
        _, own = _grade(sandbox, module, function, body)
        hints = _hints(own)
        assert hints and all("two slips together" not in hint and edit in hint for hint in hints), hints


def test_a_size_written_in_for_the_two_variables_tried_is_named_where_three_raise(sandbox):
    """A Hessian written for the two variables of the examples tried: three variables raise a broadcast error,
    and every size 2 made `len(point)` at once is the repair told beside it."""
    body = ("x0 = np.asarray(point, dtype=float)\nH = np.empty((2, 2))\n"
            "for a in range(2):\n    for b in range(2):\n        ea = np.zeros(2)\n        eb = np.zeros(2)\n"
            "        ea[a] = h\n        eb[b] = h\n"
            "        H[a, b] = (f(x0 + ea + eb) - f(x0 + ea - eb) - f(x0 - ea + eb) + f(x0 - ea - eb)) / (4 * h * h)\n"
            "return H\n")
    _, own = _grade(sandbox, "partial_derivatives", "hessian", body)
    assert own.score < own.max_score
    hints = _hints(own)
    assert hints and all("changing every size `2` to `len(point)` (6 places) makes every check pass" in hint
                         and "holds only for inputs of 2 entries" in hint for hint in hints), hints


def test_one_of_two_indices_unpacked_together_where_the_other_belongs_is_named(sandbox):
    """Bug: `row, col = divmod(...)` then the intercept indexed by `col` too was told only which value is off (or
    the IndexError of a grid with more slopes than intercepts): names unpacked together from one value are now each
    other's likeliest stand-in. Every check that answered says the edit."""
    body = ("table = error_surface(slopes, intercepts, x, y)\n"
            "row, col = divmod(int(np.argmin(table)), table.shape[1])\n"
            "return float(np.asarray(slopes)[col]), float(np.asarray(intercepts)[col])\n")
    _, own = _grade(sandbox, "linear_model", "best_fit_on_grid", body)
    assert own.score < own.max_score
    answered = [check for check in own.checks if not check.passed and check.diagnosis != "error"]
    assert answered and all(check.diagnosis == "repair: wrong variable" for check in answered)
    assert all("changing `np.asarray(intercepts)[col]` to `np.asarray(intercepts)[row]`" in check.student_message
               for check in answered if check.visibility == "public")


def test_a_taylor_term_without_its_half_is_not_told_that_a_right_factor_does_not_belong(sandbox):
    """The intercept's profile from the SSE's Taylor expansion about the first intercept, its second-order term
    without ½: the edit found drops the right 2 of SSE'' = 2n, and the feedback names both places."""
    body = ("intercepts = np.asarray(intercepts, dtype=float)\nx = np.asarray(x, dtype=float)\n"
            "y = np.asarray(y, dtype=float)\nc0 = intercepts[0]\nr0 = y - (m * x + c0)\n"
            "slope = -2 * np.sum(r0)\ncurvature = 2 * len(x)\nstep = intercepts - c0\n"
            "return np.sum(r0 ** 2) + slope * step + curvature * step ** 2\n")
    _, own = _grade(sandbox, "linear_model", "error_profile_intercept", body)
    assert own.score < own.max_score
    hints = _hints(own)
    assert hints and not any("does not belong in the product" in hint for hint in hints)
    assert all("or a missing factor 1/2 where `curvature` is used (`curvature * step ** 2`)" in hint
               for hint in hints)


@pytest.mark.parametrize(("module", "function", "body"), [
    ("derivatives", "numerical_derivative", "def diff(step):\n    return (f(x + step) - f(x - step)) / (2 * h)\n\n"
     "return (4 * diff(h / 2) - diff(h)) / 3\n"),
    ("neural_network", "neuron", "z = w * np.asarray(x, dtype=float) + b\nq = np.exp(-z)\n"
     "return np.where(z >= 0, 1 / (1 + q), q / (1 + q))\n"),
])
def test_an_edit_that_only_switches_a_deliberate_part_off_is_not_told(sandbox, module, function, body):
    """A Richardson combination whose helper divides by the outer 2h was told "an extra division by 2" (h / 2
    made h, or h / 1, so that the two differences are one and the combination is undone); a branch-wise sigmoid
    with exp(−z) for exp(−|z|) was told np.where's condition and value "passed in each other's place" (the value
    is always true) or "its size `np.abs(z)` belongs" (|z| ≥ 0 always holds). Each passes every check by switching
    a deliberate part of the code off, and says nothing true of the slip: none is told."""
    _, own = _grade(sandbox, module, function, body)
    failed = [check for check in own.checks if not check.passed]
    assert failed and not any(check.diagnosis.startswith("repair:") for check in failed), \
        [check.diagnosis for check in failed]


@pytest.mark.parametrize(("body", "said", "not_said"), [
    ("c = np.asarray(saddle, dtype=float)\np = c + np.asarray(offset, dtype=float)\n"
     "for k in range(1, max_steps + 1):\n    if np.linalg.norm(p - c) > radius:\n        return k\n"
     "    p = p - learning_rate * np.array([df_du(p), df_dv(p)])\nreturn -1\n", "answers one step late", "reaches"),
    ("c = np.asarray(saddle, dtype=float)\np = c + np.asarray(offset, dtype=float)\ntaken = 0\n"
     "while taken < max_steps:\n    if np.linalg.norm(p - c) > radius:\n        return taken\n"
     "    p = p - learning_rate * np.array([df_du(p), df_dv(p)])\n    taken += 1\nreturn -1\n",
     "not the point the step reaches", "late"),
])
def test_a_test_before_the_step_says_one_step_late_only_where_it_returns_the_passs_number(sandbox, body, said,
                                                                                          not_said):
    """A counter kept apart answers the steps taken so far, right but where the start is already outside (0
    for 1) or the last step leaves (−1): "one step late" was said of it too."""
    _, own = _grade(sandbox, "neural_network", "steps_to_escape", body)
    hints = [h for h in _hints(own) if "runs before the step of its pass" in h]
    assert hints and all(said in h and not_said not in h for h in hints)


@pytest.mark.parametrize(("module", "function", "body", "quoted"), [
    ("derivatives", "df_poly", "return 3 * x^2 - 12 * x + 9\n", "changing `^` to `**`"),
    # Thirty-sixth holdout: σ(1 − x) for 1 − σ(x), a bracket opened too early (σ refused away from the input), was
    # told "the number 1 is not the right constant here" (1 → 0, an edit that passes through σ(−x) = 1 − σ(x));
    # the operation is now tried before the call
    ("derivatives", "dsigmoid", "s = sigmoid(x)\nreturn s * sigmoid(1 - x)\n",
     "the operation belongs before the call, applied to its value"),
    ("derivatives", "df_wave", "import math\nreturn (3 * math.cos(3 * x) - x * math.sin(3 * x)) * "
     "math.exp(-(x**2) / 2)\n", "using `np.` for every `math.` (3 places)"),
    ("gradient_descent", "gradient_step", "return np.asarray(weights, dtype=float) - learning_rate * grad\n",
     "changing `learning_rate * grad` to `learning_rate * np.asarray(grad, dtype=float)`"),
    ("partial_derivatives", "hessian", "q = np.asarray(point, dtype=float)\nd = len(q)\nH = np.zeros(d)\n"
     "e = np.identity(d) * h\nfor a in range(d):\n    for b in range(d):\n"
     "        H[a, b] = (f(q + e[a] + e[b]) - f(q + e[a] - e[b]) - f(q - e[a] + e[b]) + f(q - e[a] - e[b])) "
     "/ (4 * h * h)\nreturn H\n", "changing `np.zeros(d)` to `np.zeros((d, d))`"),
])
def test_python_read_otherwise_than_meant_is_named_where_it_raises_too(sandbox, module, function, body, quoted):
    """Slips that raise on some checks (XOR on floats, `math` on arrays, a list times a float): the edit that
    repairs them is said on every failed check, the raised error beside it."""
    _, own = _grade(sandbox, module, function, body)
    assert own.score < own.max_score
    assert all(quoted in message and "makes every check pass" in message for message in _hints(own))


def test_an_argument_the_code_reads_is_not_said_to_be_ignored(sandbox):
    """Read by hand (twenty-third holdout): best_of_starts taking the lowest start, its descents run and thrown away,
    was told "your function ignores learning_rate ... use the learning_rate it is given", which it passes to every
    descent. An argument the function reads is not said to be ignored; one it never reads still is."""
    thrown = ("ends = [descend_1d(df, start, learning_rate, n_steps) for start in starts]\n"
              "return float(sorted(starts, key=f)[0])\n")
    _, own = _grade(sandbox, "gradient_descent", "best_of_starts", thrown)
    assert own.score < own.max_score and not any("ignores learning_rate" in hint for hint in _hints(own))
    _, unread = _grade(sandbox, "linear_model", "error_profile_intercept",
                       "return np.array([sse(0.0, c, x, y) for c in intercepts])\n")
    assert any("ignores m" in hint or "`0.0` to `m`" in hint for hint in _hints(unread)), _hints(unread)


def test_an_alias_and_an_argument_changed_in_place_are_named_by_two_edits(sandbox):
    """Two slips, neither repairing the code alone: `minus = plus` (one array), and `np.asarray` that hands back
    the caller's float array, which the steps then change."""
    body = ("plus = np.asarray(point, dtype=float)\nminus = plus\nplus[i] += h\nminus[i] -= h\n"
            "return float((f(plus) - f(minus)) / (2 * h))\n")
    _, own = _grade(sandbox, "partial_derivatives", "partial_derivative", body)
    failed = [check for check in own.checks if not check.passed]
    assert failed and all(check.diagnosis == "repair: alias + alias" for check in failed if check.diagnosis)
    for message in _hints(own):
        assert "Two slips" in message and "`minus = plus.copy()`" in message and "`np.array(point" in message


def test_correct_code_and_code_no_single_edit_repairs_get_no_repair_hint(sandbox):
    result = grade_sources({"derivatives": kit.solution_source("derivatives")}, sandbox, student="repair",
                           hidden=True, course_seed="repair",
                           exercises=[e for e in EXERCISES if e.module == "derivatives"])
    assert result.score == pytest.approx(result.max_score)
    _, own = _grade(sandbox, "derivatives", "df_log", "return np.sin(x) * 7.25 + x**5\n")
    assert own.score < own.max_score
    assert not any(check.diagnosis.startswith("repair:") for check in own.checks)
    assert not any("makes every check pass" in message for message in _hints(own))


def test_a_caller_of_a_failing_function_is_not_repaired(sandbox):
    """sse wrong (½·Σr²): the profile that calls it is left to error carried forward, never 'repaired' by an
    edit that compensates for sse's mistake."""
    source = kit.variant_source("linear_model", "sse", "return float(0.5 * np.sum((y - (m * x + c))**2))\n")
    result = grade_sources({"linear_model": source}, sandbox, student="repair", hidden=True, course_seed="repair",
                           exercises=[e for e in EXERCISES if e.module == "linear_model"])
    for exercise in result.exercises:
        if exercise.exercise != "linear_model.sse":
            assert not any(check.diagnosis.startswith("repair:") for check in exercise.checks), exercise.exercise


def test_a_candidate_that_never_ends_costs_only_its_bounded_call(sandbox):
    """Changing a loop's bound can make it endless: that candidate times out alone and the repair is still
    found (or not) within the repair's own time, never the submission's."""
    body = ("x = float(x0)\nk = 0\nwhile k < n_steps:\n    x = x - learning_rate * df(x)\n    k += 2\nreturn x\n")
    result, own = _grade(sandbox, "gradient_descent", "descend_1d", body)
    assert own.score < own.max_score
    others = [e for e in result.exercises if e.exercise not in ("gradient_descent.descend_1d",
                                                                 "gradient_descent.best_of_starts")]
    assert all(e.score == pytest.approx(e.max_score) for e in others)


def test_a_remembered_repair_is_checked_again_on_the_next_students_checks(sandbox):
    """The same slip handed in by two students: the second is told the same edit, found from the first's search
    and checked again on the second's own (hidden) checks (her module differs in its layout and comments only: a
    function of her own would change the context, red team round 61, 04)."""
    body = "return 2 * x / 1 + x**2\n"
    messages = []
    for student, other in (("first", ""), ("second", "\n\n# my notes: df_log again\n")):
        source = kit.variant_source("derivatives", "df_log", body) + other
        result = grade_sources({"derivatives": source}, sandbox, student=student, hidden=True, course_seed="repair",
                               exercises=[e for e in EXERCISES if e.module == "derivatives"])
        own = result.exercise("derivatives.df_log")
        assert all(c.diagnosis == "repair: precedence" for c in own.checks if not c.passed)
        messages.append(_hints(own)[0].split("hint:")[1])
    assert messages[0] == messages[1]


def test_parentheses_move_into_the_argument_of_a_module_function_of_one_value():
    source = MODULE_HEAD + ("def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n\n\n"
                            "def neuron(w, b, x):\n    return sigmoid(w * x) + b\n")
    found = {(c.edit.kind, c.edit.after) for c in repair.candidates(source, "neuron")}
    assert ("precedence", "sigmoid(w * x + b)") in found


def _kinds(source: str, function: str) -> dict[str, set[tuple[str, str]]]:
    found: dict[str, set[tuple[str, str]]] = {}
    for candidate in repair.candidates(source, function):
        found.setdefault(candidate.edit.kind, set()).add((candidate.edit.before, candidate.edit.after))
    return found


def test_a_mean_for_a_sum_and_a_power_outside_a_sum_are_candidates():
    source = MODULE_HEAD + ("def surface(r):\n    return np.sum(r, axis=-1) ** 2\n\n\n"
                            "def slope(x, y):\n    return np.mean(x * y) / np.sum(x * x)\n")
    assert ("np.sum(r, axis=-1) ** 2", "np.sum(r ** 2, axis=-1)") in _kinds(source, "surface")["precedence"]
    kinds = _kinds(source, "slope")
    assert ("np.mean(x * y)", "np.sum(x * y)") in kinds["mean for sum"]
    assert ("np.sum(x * x)", "np.mean(x * x)") in kinds["sum for mean"]


def test_a_copied_call_of_a_sibling_function_and_an_activation_for_another_are_candidates():
    source = MODULE_HEAD + ("def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n\n\n"
                            "def d_w(w, b):\n    return w\n\n\ndef d_b(w, b):\n    return b\n\n\n"
                            "def step(w, b):\n    return d_w(w, b), d_w(w, b)\n\n\n"
                            "def neuron(w, b, x):\n    return np.tanh(w * x + b)\n")
    step = [c for c in repair.candidates(source, "step") if c.edit.kind == "wrong function"]
    assert any("return (d_w(w, b), d_b(w, b))" in ast.unparse(ast.parse(c.source)) for c in step)
    assert all("on line" in c.edit.change for c in step)  # the same call twice on one line: which one is said
    assert ("np.tanh(w * x + b)", "sigmoid(w * x + b)") in _kinds(source, "neuron")["wrong function"]


def test_an_index_for_its_value_and_two_steps_in_the_wrong_order_are_candidates():
    source = MODULE_HEAD + ("def profile(values, x):\n    out = []\n    for i in range(len(values)):\n"
                            "        out.append(x * i)\n    return out\n\n\n"
                            "def path(w, n):\n    rows = []\n    for _ in range(n):\n        w = w - 1\n"
                            "        rows.append(w)\n    return rows\n")
    assert ("x * i", "x * values[i]") in _kinds(source, "profile")["index for its value"]
    order = [c for c in repair.candidates(source, "path") if c.edit.kind == "order of statements"]
    assert len(order) == 1 and "swapping `w = w - 1` and `rows.append(w)`" in order[0].edit.change


def test_two_indices_used_once_each_may_index_each_others_sequence():
    source = MODULE_HEAD + ("def best(e, slopes, intercepts):\n    row, col = np.unravel_index(np.argmin(e), e.shape)\n"
                            "    return slopes[row], intercepts[col]\n\n\n"
                            "def fit(x, y):\n    dx = x - x.mean()\n    return np.sum(dx * y) / np.sum(x * x)\n")
    assert ("return (slopes[row], intercepts[col])", "return (slopes[col], intercepts[row])") in _kinds(
        source, "best")["swapped indices"]
    assert "swapped indices" not in _kinds(source, "fit")  # names that are not indices are never exchanged whole


def test_a_fixed_number_may_stand_for_an_underscore_loop_variable():
    """`for _ in range(n)` still counts: a constant passed where the count belongs is a candidate for `_`."""
    source = MODULE_HEAD + ("def derivative(f, p, i):\n    return f(p) * i\n\n\n"
                            "def all_of(f, p):\n    return [derivative(f, p, 1) for _ in range(len(p))]\n")
    assert ("derivative(f, p, 1)", "derivative(f, p, _)") in _kinds(source, "all_of")["constant for a variable"]


def test_locals_made_alike_and_a_shifted_parameter_are_candidates_for_each_other():
    """`su` and `sv` are made alike (`u - u.mean()`, `v - v.mean()`): one may stand where the other belongs; `u`
    may stand where its shifted `su` belongs. Locals made otherwise are never offered."""
    source = MODULE_HEAD + ("def spread(u, v):\n    su = u - u.mean()\n    sv = v - v.mean()\n    k = 3 * u\n"
                            "    return np.sum(su * sv) / np.sum(u * u) + k\n")
    kinds = _kinds(source, "spread")
    assert {("su * sv", "sv * sv"), ("su * sv", "su * su")} <= kinds["wrong variable"]
    assert {("u * u", "su * u"), ("u * u", "u * su")} <= kinds["unshifted variable"]
    assert not any("k" in after.split() for _, after in kinds["wrong variable"] | kinds["unshifted variable"])


def test_a_parameter_where_its_inline_deviation_belongs_is_a_candidate():
    """`x - x.mean()` written inline in one place, `x` alone in another: the deviation is proposed there, quoted
    with its parentheses (a slope over Σx² where Σ(x − x̄)² belongs)."""
    source = MODULE_HEAD + ("def slope(x, y):\n"
                            "    return np.sum((x - x.mean()) * (y - y.mean())) / np.sum(x**2)\n")
    kinds = _kinds(source, "slope")
    assert ("x**2", "(x - x.mean())**2") in kinds["unshifted variable"]
    assert not any(before.startswith("x - x.mean()") for before, _ in kinds["unshifted variable"])


def test_one_variables_deviation_where_anothers_belongs_is_a_candidate():
    """Σ(y − ȳ)² where Σ(x − x̄)² belongs (x regressed on y): the deviation as a whole is changed."""
    source = MODULE_HEAD + ("def slope(x, y):\n    return np.sum((x - x.mean()) * (y - y.mean())) / "
                            "np.sum((y - y.mean())**2)\n")
    assert ("y - y.mean()", "x - x.mean()") in _kinds(source, "slope")["wrong variable"]


def test_a_fixed_number_where_a_loops_index_belongs_says_so():
    source = MODULE_HEAD + ("def column_sums(a):\n    out = []\n    for j in range(a.shape[1]):\n"
                            "        out.append(np.sum(a[:, 0]))\n    return np.array(out)\n")
    found = [c.edit for c in repair.candidates(source, "column_sums") if c.edit.kind == "constant for a variable"]
    assert any("where the loop's index `j` belongs" in edit.why for edit in found)


def test_a_name_put_in_a_calls_place_is_quoted_without_parentheses():
    """`len(b)` for `len(a)`, not `len((b))` (a name needs no parentheses, whatever surrounds it)."""
    source = MODULE_HEAD + "def first_of(a, b):\n    return a[len(b) - 1]\n"
    assert ("len(b)", "len(a)") in _kinds(source, "first_of")["wrong variable"]


def test_a_floor_division_in_several_places_is_changed_everywhere_at_once():
    source = MODULE_HEAD + "def means(a, b):\n    return a.sum() // len(a), b.sum() // len(b)\n"
    everywhere = [c for c in repair.candidates(source, "means") if c.edit.action.startswith("changing every `//`")]
    assert len(everywhere) == 1 and "(2 places)" in everywhere[0].edit.change
    assert "//" not in everywhere[0].source


def test_a_missing_square_is_a_candidate():
    source = MODULE_HEAD + "def mixed(f, p, h):\n    return (f(p + h) - 2 * f(p) + f(p - h)) / (4 * h)\n"
    assert ("4 * h", "4 * h ** 2") in _kinds(source, "mixed")["missing power"]


def test_a_functions_source_is_what_ast_cuts_from_the_module():
    """`function_source` splits the module's lines once, by a regular expression; its text is still exactly
    `ast.get_source_segment`'s, with Windows and old Mac line ends, form feeds and characters beyond ASCII."""
    odd = "import numpy as np\r\n\x0c\r\ndef f(x):\r\n    y = 'é→' ; return x + 1  # ∑\r\n\rdef g(x): return x\n" \
          "def h(x,\n      y):\n    \"\"\"a \x0c form feed\"\"\"\n    return (x +\n            y)"
    for source in [odd, *(kit.solution_source(module) for module in kit.MODULES)]:
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef):
                assert repair.function_source(source, node.name) == ast.get_source_segment(source, node), node.name


def test_remembered_repairs_of_several_functions_are_checked_again_together(sandbox, monkeypatch):
    """Two slips handed in again by another student: both remembered repairs are run on the second student's
    own checks in one sandbox run (one child), and say what they said to the first."""
    bodies = {"df_log": "return 2 * x / 1 + x**2\n", "df_poly": "return 3 * x**2 - 12 * x - 9\n"}
    exercises = [e for e in EXERCISES if e.module == "derivatives"]
    runs = []
    original = type(sandbox).run
    monkeypatch.setattr(type(sandbox), "run", lambda self, *args, **kwargs: runs.append(args[1]) or original(
        self, *args, **kwargs))
    said = []
    # the second module differs from the first in its text, not in what an edit runs with (a found repair is used
    # again only in the same context: red team round 59, 02)
    for student, other in (("one", ""), ("two", "\n\n# my notes: check df_log again\n")):
        runs.clear()
        source = kit.replace_bodies(kit.solution_source("derivatives"), bodies) + other
        result = grade_sources({"derivatives": source}, sandbox, student=student, hidden=True,
                               course_seed="remembered", exercises=exercises, carry_forward=False)
        said.append([_hints(result.exercise(f"derivatives.{name}")) for name in bodies])
    assert said[0] == said[1]
    assert all(f"In {name}, changing" in hint for name, hints in zip(bodies, said[1], strict=True) for hint in hints)
    # the student's calls in five runs (those of derivatives worked out by hand, these two among them, in a child for
    # each of the four functions differentiated), both remembered repairs at once, then each made in place
    assert len(runs) == 8


def test_a_search_whose_candidates_timed_out_is_not_remembered_as_none_found(sandbox, monkeypatch):
    """A slow moment of the machine made a candidate's call time out; the search ended with nothing found and was
    remembered so: every later student with the same function lost the repair (a test failed so under load). A
    search that met a timeout or a call not made is not remembered as "none found"."""
    from dataclasses import replace

    body = "slope = float(df(x0))\nreturn slope, float(f(x0) - slope * f(x0))\n"
    source = kit.replace_bodies(kit.solution_source("derivatives"), {"tangent_line": body})
    exercise = next(e for e in EXERCISES if e.key == "derivatives.tangent_line")
    engine._REPAIRS.clear()
    original = type(sandbox).run
    calls_made = []

    def slow(self, modules, calls, *args, **kwargs):  # the student's own calls run; every candidate's times out
        calls_made.append(len(calls))
        load_errors, outcomes = original(self, modules, calls, *args, **kwargs)
        if len(calls_made) == 1:
            return load_errors, outcomes
        return load_errors, [replace(outcome, status="timeout", value=None) for outcome in outcomes]

    monkeypatch.setattr(type(sandbox), "run", slow)
    first = grade_sources({"derivatives": source}, sandbox, student="first", hidden=True, course_seed="slow",
                          exercises=[exercise], carry_forward=False)
    assert len(calls_made) > 1 and not any("makes every check pass" in hint
                                           for hint in _hints(first.exercise(exercise.key)))
    monkeypatch.setattr(type(sandbox), "run", original)
    second = grade_sources({"derivatives": source}, sandbox, student="second", hidden=True, course_seed="slow",
                           exercises=[exercise], carry_forward=False)
    hints = _hints(second.exercise(exercise.key))
    assert hints and all("makes every check pass" in hint for hint in hints), hints


def test_a_remembered_repair_names_the_line_of_the_students_own_file(sandbox):
    """Bug: a repair remembered from one student named the line of that student's file ("on line 165") to the
    next student with the same function further down in theirs (on line 167)."""

    body = "slope = float(df(x0))\nreturn slope, float(f(x0) - slope * f(x0))\n"
    first = kit.replace_bodies(kit.solution_source("derivatives"), {"tangent_line": body})
    notes = "\n# my notes: the tangent line\n# its slope is df(x0)\n"  # the same context (a helper would change it)
    second = first.replace("import numpy as np\n", "import numpy as np\n" + notes, 1)
    exercise = next(e for e in EXERCISES if e.key == "derivatives.tangent_line")
    engine._REPAIRS.clear()
    for student, source in (("first", first), ("second", second)):
        result = grade_sources({"derivatives": source}, sandbox, student=student, hidden=True, course_seed="lines",
                               exercises=[exercise])
        line = 1 + next(index for index, text in enumerate(source.splitlines()) if "slope * f(x0)" in text)
        hints = _hints(result.exercise(exercise.key))
        assert hints and all(f"on line {line} " in hint for hint in hints), (student, line, hints[0])
    engine._REPAIRS.clear()


def test_a_value_read_before_it_is_set_is_moved_after_the_statement_that_sets_it():
    source = MODULE_HEAD + ("def f(x, y):\n    m = 0.0\n    c = y.mean() - m * x.mean()\n    m = (x * y).sum()\n"
                            "    return m, c\n")
    moved = [edit for edit in (c.edit for c in repair.candidates(source, "f")) if edit.kind == "used before set"]
    assert [edit.action for edit in moved] == ["moving `c = y.mean() - m * x.mean()` after `m = (x * y).sum()`"]
    read_between = MODULE_HEAD + ("def f(x, y):\n    m = 0.0\n    c = y.mean() - m * x.mean()\n    d = c + 1\n"
                                  "    m = (x * y).sum()\n    return m, d\n")
    assert not any(kind == "used before set" for kind, _, _ in _edits(read_between, "f"))


def test_a_signed_value_tested_or_scaled_where_its_size_belongs_gets_an_absolute_value():
    source = MODULE_HEAD + ("def f(a):\n    tol = 1e-3 * max(1.0, np.max(a))\n    if a[0] < tol:\n"
                            "        return 0\n    return 1\n")
    edits = _changes(source, "f", "missing absolute value")
    assert ("np.max(a)", "np.max(np.abs(a))") in edits
    assert ("a[0] < tol", "np.abs(a[0]) < tol") in edits
    already = MODULE_HEAD + "def f(a, tol):\n    return np.abs(a) < tol\n"
    assert not _changes(already, "f", "missing absolute value")


def test_a_module_function_applied_to_an_expression_may_be_removed_but_never_the_function_itself():
    source = SIGMOID_HEAD + "def g(z):\n    return sigmoid(z * 2) if z > 9 else g(z + 1)\n"
    removed = _changes(source, "g", "call for its argument")
    assert ("sigmoid(z * 2)", "z * 2") in removed
    assert not any(before.startswith("g(") for before, _ in removed)  # a recursion is not an extra call


def test_an_operation_after_a_call_that_belongs_inside_it_is_a_candidate_over_two_statements():
    source = SIGMOID_HEAD + "def f(w, b, x):\n    a = sigmoid(w * x)\n    return a + b\n"
    moved = [c.edit for c in repair.candidates(source, "f") if c.edit.action.startswith("changing `a = ")]
    assert [edit.action for edit in moved] == ["changing `a = sigmoid(w * x)` to `a = sigmoid(w * x + b)` and "
                                               "`a + b` to `a`"]
    used_twice = SIGMOID_HEAD + "def f(w, b, x):\n    a = sigmoid(w * x)\n    return a + b, a\n"
    assert not any(c.edit.action.startswith("changing `a = ") for c in repair.candidates(used_twice, "f"))


def test_a_parenthesis_closed_too_late_in_a_call_of_a_given_function_and_a_missing_count_are_candidates():
    source = MODULE_HEAD + "def f(g, x0, s):\n    n = len(s)\n    d = s[1] - s[0]\n    return g(x0 - s[0] * x0), d\n"
    edits = _edits(source, "f")
    assert ("precedence", "g(x0 - s[0] * x0)", "g(x0) - s[0] * x0") in edits
    assert ("missing division", "s[1] - s[0]", "(s[1] - s[0]) / n") in edits
    no_count = MODULE_HEAD + "def f(s):\n    return s[1] - s[0]\n"
    assert not _changes(no_count, "f", "missing division")


def test_a_value_before_a_function_is_applied_may_stand_where_the_value_after_it_belongs():
    source = SIGMOID_HEAD + "def f(w, x):\n    z = w * x\n    h = sigmoid(z)\n    return z @ h\n"
    edits = _changes(source, "f", "before the function")
    assert ("z @ h", "h @ h") in edits
    assert not any("sigmoid(h)" in after for _, after in edits)  # the statement that applies it is left alone


def test_every_read_of_the_value_before_a_function_in_one_statement_is_changed_at_once():
    source = SIGMOID_HEAD + "def f(w, x):\n    z = w * x\n    h = sigmoid(z)\n    return z * (1 - z) + h\n"
    changes = [c.edit.change for c in repair.candidates(source, "f") if c.edit.kind == "before the function"
               and c.edit.action]
    assert changes == ["changing every `z` to `h` in `return z * (1 - z) + h` (2 places)"]


def test_entries_set_where_they_are_moved_are_changed_together_and_each_alone():
    source = MODULE_HEAD + ("def shifted(point, i, h):\n    up = np.array(point, dtype=float)\n"
                            "    down = np.array(point, dtype=float)\n    up[i] = h\n    down[i] = -h\n"
                            "    table = np.zeros(3)\n    table[i] = table[i] + h\n    return up, down, table\n")
    changes = [c.edit.change for c in repair.candidates(source, "shifted") if c.edit.kind == "set for moved"]
    assert changes == ["changing `up[i] = h` to `up[i] += h` and `down[i] = -h` to `down[i] += -h`",
                       "changing `up[i] = h` to `up[i] += h`", "changing `down[i] = -h` to `down[i] += -h`"]


def test_a_size_where_a_square_belongs_and_a_called_value_tested_unsigned_are_candidates():
    source = MODULE_HEAD + ("def loss(r, g, x):\n    while g(x) > 0.5:\n        x = x - g(x)\n"
                            "    return np.sum(np.abs(r)) + abs(x)\n")
    assert set(_changes(source, "loss", "size for square")) >= {("np.abs(r)", "r ** 2"), ("abs(x)", "x ** 2")}
    assert ("g(x) > 0.5", "np.abs(g(x)) > 0.5") in _changes(source, "loss", "missing absolute value")


def test_a_loops_index_where_a_pass_stores_may_be_off_by_one_and_a_read_is_left_alone():
    source = MODULE_HEAD + ("def walk(x, n):\n    path = np.zeros(n + 1)\n    for k in range(n):\n"
                            "        x = x / 2\n        path[k] = x + path[k]\n    return path\n")
    assert set(_changes(source, "walk", "off by one")) >= {("path[k]", "path[k + 1]"), ("path[k]", "path[k - 1]")}
    assert all("path[k] = x + path[k + 1]" not in c.source for c in repair.candidates(source, "walk")
               if c.edit.kind == "off by one")


def test_a_lambda_made_in_a_loop_binds_its_loop_variable_and_one_made_outside_is_left_alone():
    source = MODULE_HEAD + ("def table(values, k):\n    later = [lambda: v * k for v in values]\n"
                            "    scale = lambda t: t * k\n    return [g() for g in later], scale\n")
    assert _changes(source, "table", "late binding") == [("lambda: v * k", "lambda v=v: v * k")]


def test_a_none_found_repair_is_shared_where_only_the_function_and_the_layout_differ():
    """What decides whether an edit of a function passes: the whole module apart from the function's own body (its
    text is the memory's key); another function, even one the function never calls, may run at load (red team
    round 61, 04). Comments and layout decide nothing."""
    base = "import numpy as np\n\n\ndef helper(v):\n    return v * 2\n\n\ndef f(x):\n    return helper(x) + 1\n\n\n" \
        "def other(y):\n    return y\n"
    assert repair.edit_context(base, "f") == repair.edit_context(base.replace("helper(x) + 1", "helper(x) - 1"), "f")
    noted = base.replace("\n\n\ndef other", "\n# notes\ndef other")
    assert repair.edit_context(base, "f") == repair.edit_context(noted, "f")
    assert repair.edit_context(base, "f") != repair.edit_context(base.replace("return y\n", "return y + 1\n"), "f")
    assert repair.edit_context(base, "f") != repair.edit_context(base.replace("v * 2", "v * 3"), "f")
    assert repair.edit_context(base, "f") != repair.edit_context(base + "\nnp = None\n", "f")
    assert repair.edit_context(base, "f") != repair.edit_context(base.replace("def f(x)", "@helper\ndef f(x)"), "f")


def test_the_functions_candidates_call_and_every_definitions_name_are_in_the_context():
    """Red team round 23, 01: an edit may call a function the student's never does (a sibling of the same
    parameters: `dloss_db` for `dloss_dw`); its body decides that edit's verdict, and the names defined decide which
    edits are made. Both are in the context now: every definition's body is."""
    base = ("import numpy as np\n\n\ndef dloss_dw(w, b):\n    return w\n\n\ndef dloss_db(w, b):\n    return 2 * b\n\n\n"
            "def train(w, b):\n    return w - dloss_dw(w, b), b - dloss_dw(w, b)\n")
    wrong = base.replace("2 * b", "3 * b")
    assert repair.edit_context(base, "train") != repair.edit_context(wrong, "train")  # every body is in it now
    assert any("dloss_db" in candidate.source for candidate in repair.candidates(base, "train"))
    assert repair.edit_context(base, "train") != repair.edit_context(base.replace("def dloss_db", "def dloss_dc"),
                                                                     "train")


def test_what_runs_when_a_module_loads_is_in_the_context_of_its_edits():
    """Attack (red team): a decorator of a definition the function never reaches runs when the module loads and
    rebound `range` for the repair candidates only; the context left it out, so its none-found silenced the
    repair hint of every later student with the same function. Decorators, defaults and annotations of every
    definition, a class's body, and a sibling module the module imports are now in it."""
    base = "import numpy as np\n\n\ndef f(x):\n    return x + 1\n\n\ndef unused():\n    pass\n"
    assert repair.edit_context(base, "f") != repair.edit_context(base.replace("def unused", "@hook\ndef unused"), "f")
    assert repair.edit_context(base, "f") != repair.edit_context(base.replace("unused()", "unused(a=hook())"), "f")
    assert repair.edit_context(base, "f") != repair.edit_context(base + "\n\nclass K:\n    hook()\n", "f")
    # the body of a definition the function never reaches too: a top-level call runs it (red team round 61, 04)
    assert repair.edit_context(base, "f") != repair.edit_context(base.replace("pass", "return 2"), "f")
    planted = base + "\n\nunused()\n"
    assert repair.edit_context(planted, "f") != repair.edit_context(planted.replace("pass", "import numpy"), "f")
    imports = base.replace("import numpy as np\n", "import numpy as np\nimport helpers\n")
    assert repair.edit_context(imports, "f", {"helpers": "A = 1\n"}) \
        != repair.edit_context(imports, "f", {"helpers": "A = 2\n"})
    assert repair.edit_context(base, "f", {"helpers": "A = 1\n"}) == repair.edit_context(base, "f", {"helpers": "B"})


def test_a_value_made_before_a_loop_nest_may_belong_in_an_inner_loop():
    """A total read in each pass (appended per row) may belong in either loop. (A total the passes only update and
    the function reads after the loop is no candidate: fresh each pass, only the last pass would count.)"""
    source = MODULE_HEAD + ("def f(a, b):\n    total = 0.0\n    rows = []\n    for i in a:\n        for j in b:\n"
                            "            total += i * j\n        rows.append(total)\n    return rows\n")
    changes = [c.edit.change for c in repair.candidates(source, "f") if c.edit.kind == "not reset"
               and "total" in c.edit.change]
    assert changes == ["moving `total = 0.0` to the start of the loop's body",
                       "moving `total = 0.0` to the start of the body of `for j in b`"]


def test_a_value_made_again_in_the_loop_after_its_use_is_told_a_step_behind_not_shared():
    """The thirty-fifth holdout: a forward pass kept between steps and made again in the loop, but after the gradient
    that reads it (each step used the pass before's point), was told "every pass shares and keeps changing the same
    value", the text of an accumulator. Moved to the start of the pass the repair is the same; the text says what is
    wrong: the value read is the pass before's. An accumulator set again from its own value keeps the old text."""
    stale = MODULE_HEAD + ("def f(w, x, n):\n    out = w * x\n    for _ in range(n):\n        g = out - 1\n"
                           "        out = w * x\n        w = w - 0.1 * g\n    return w\n")
    [why] = [c.edit.why for c in repair.candidates(stale, "f") if c.edit.kind == "not reset"]
    assert "each pass reads `out` before the loop sets it again (`out = w * x`)" in why and "step behind" in why
    accumulator = MODULE_HEAD + ("def f(a):\n    total = 0.0\n    for v in a:\n        g = total\n"
                                 "        total = total + v\n    return g\n")
    [why] = [c.edit.why for c in repair.candidates(accumulator, "f") if c.edit.kind == "not reset"]
    assert "every pass shares and keeps changing the same value" in why


def test_a_module_of_too_many_functions_is_not_repaired():
    """Attack: the work before the first candidate compared every module function's parameters with every other's:
    16,000 one-line functions held the grader 285 s. A module of more than MAX_MODULE_FUNCTIONS is not repaired."""
    helpers = "".join(f"def helper{i}(x):\n    pass\n\n\n" for i in range(repair.MAX_MODULE_FUNCTIONS))
    source = MODULE_HEAD + helpers + "def df(x):\n    return 2 * x / 1 + x**2\n"
    assert repair.candidates(source, "df") == []
    assert repair.candidates(MODULE_HEAD + "def df(x):\n    return 2 * x / 1 + x**2\n", "df")


def test_what_decides_a_modules_edits_is_found_without_walking_a_module_of_too_many_functions():
    """Attack: 4,900 helpers made the context of a none-found repair cost 500 s (each definition's text cut from the
    whole module again). Beyond MAX_MODULE_FUNCTIONS (never repaired) the context is the whole module's digest."""
    import hashlib

    helpers = "".join(f"def helper{i}(x):\n    return x\n\n\n" for i in range(repair.MAX_MODULE_FUNCTIONS + 1))
    source = MODULE_HEAD + helpers + "def df(x):\n    return helper0(x)\n"
    assert repair.edit_context(source, "df") == hashlib.sha256(source.encode()).digest()
    small = MODULE_HEAD + "def helper(x):\n    return x  # a comment\n\n\ndef df(x):\n    return helper(x)\n"
    assert repair.edit_context(small, "df") == repair.edit_context(small.replace("  # a comment", ""), "df")
    assert repair.edit_context(small, "df") != repair.edit_context(small.replace("return x", "return -x"), "df")


def _many_loops_then_deep(loops: int = 30, depth: int = 200) -> str:
    """A df_poly made to make the candidates' building slow: small loops adding into a total, then statements
    nested `depth` deep (a candidate compared every later node's whole dump with each loop's added value)."""
    body = "".join("    for i in r:\n        t+=-i;t+=~i;t+=+i\n" for _ in range(loops))
    tail = "".join(f"    r.append({'-' * depth}x)\n" for _ in range(6))
    return f"def df_poly(x):\n    t=0\n    r=[0.0]\n{body}{tail}    return 3*x**2-12*x+9+t+q\n"


def test_the_work_before_the_first_candidate_is_bounded_in_time(monkeypatch):
    """Attack: a function of 2,621 characters (under the 3,000 the search reads) held the grader's own process
    66 s finding its edits, before any bound on the search's sandbox calls was looked at. Finding and ordering a
    function's edits now stops at EDITS_SECONDS of CPU (every corpus function's take under 0.1 s): none then,
    and the numeric verdict stands alone."""
    hostile, small = _many_loops_then_deep(), _many_loops_then_deep(loops=3, depth=20)
    assert len(hostile) < repair.MAX_SOURCE_CHARS
    assert repair.candidates(small, "df_poly")  # the same shape, small: found and built within the bound
    monkeypatch.setattr(repair, "EDITS_SECONDS", 0.05)  # far under any machine's time for it: the test is not a race
    assert repair.candidates(hostile, "df_poly") == []  # given up at the bound (about 5 s unbounded, 66 s before)
    monkeypatch.setattr(repair, "EDITS_SECONDS", 1e-6)
    assert repair.candidates(small, "df_poly") == []


def test_a_total_read_after_its_loop_is_found_by_comparing_trees_from_the_root():
    """The same candidate as before (the last pass's value read after the loop becomes the total), found by a
    comparison that stops at the first difference: the deep statements after the loops are no longer dumped
    whole for every loop and every total."""
    source = ("def f(x):\n    out = []\n    for c in x:\n        total = 0.0\n        for v in x:\n"
              "            total += (v - c) ** 2\n        out.append((v - c) ** 2)\n    return out\n")
    edits = [c.edit for c in repair.candidates(source, "f") if c.edit.kind == "last pass for total"]
    assert [(e.before, e.after) for e in edits] == [("(v - c) ** 2", "total")]
    assert repair._same_tree(ast.parse("-(-(x))").body[0], ast.parse("--x").body[0])
    assert not repair._same_tree(ast.parse("-(-(x))").body[0], ast.parse("-(+x)").body[0])


# ----- the habits of another array language (MATLAB, R, Julia) ---------------------------------------------

def test_a_dot_product_or_a_matrix_product_where_the_product_entry_by_entry_belongs_is_a_candidate():
    source = MODULE_HEAD + "def scaled(a, b):\n    return np.dot(a, b) + a @ b\n"
    assert set(_changes(source, "scaled", "dot for product")) >= {("np.dot(a, b)", "a * b"), ("a @ b", "a * b")}


def test_a_column_made_where_a_1d_array_belongs_is_a_candidate_in_each_spelling():
    source = MODULE_HEAD + ("def columns(a, b, c, d):\n    u = np.reshape(a, (-1, 1))\n    v = b.reshape(-1, 1)\n"
                            "    w = c[:, np.newaxis]\n    return u, v, w, np.array([[d], [a]])\n")
    assert set(_changes(source, "columns", "column")) >= {
        ("np.reshape(a, (-1, 1))", "a"), ("b.reshape(-1, 1)", "b"), ("c[:, np.newaxis]", "c"),
        ("[[d], [a]]", "[d, a]")}


def test_a_shape_given_as_sizes_a_start_value_and_a_stop_at_minus_one_are_candidates():
    source = MODULE_HEAD + ("def table(n, values):\n    out = np.zeros(n, 2)\n    total = sum(values, 1)\n"
                            "    return out, total, values[0:-1], np.zeros(n, float)\n")
    assert ("np.zeros(n, 2)", "np.zeros((n, 2))") in _changes(source, "table", "shape as sizes")
    assert all("float)" not in after for _, after in _changes(source, "table", "shape as sizes"))  # a dtype stays
    assert ("sum(values, 1)", "sum(values)") in _changes(source, "table", "start value")
    assert ("values[0:-1]", "values[0:]") in _changes(source, "table", "slice end")


def test_every_start_value_and_every_alias_of_one_array_are_changed_at_once():
    source = MODULE_HEAD + ("def both(a, b, p):\n    first = p\n    first[0] += 1\n    second = p\n"
                            "    second[1] -= 1\n    return sum(a, 1) + sum(b, 1), first, second\n")
    actions = {c.edit.kind: c for c in repair.candidates(source, "both")
               if c.edit.action.startswith(("dropping the second", "changing every `= p`"))}
    assert "(2 places)" in actions["start value"].edit.action and "sum(a, 1)" not in actions["start value"].source
    assert actions["alias"].source.count("p.copy()") == 2


def test_a_polynomials_coefficient_zero_left_out_is_a_candidate_in_every_place_and_two_at_once():
    source = MODULE_HEAD + "def slope(x):\n    return np.polyval(np.polyder([1, -3, 1]), x) + np.sum([1, 2, 3])\n"
    changes = _changes(source, "slope", "zero coefficient")
    assert {("[1, -3, 1]", "[0, 1, -3, 1]"), ("[1, -3, 1]", "[1, 0, -3, 1]"), ("[1, -3, 1]", "[1, -3, 1, 0]"),
            ("[1, -3, 1]", "[1, 0, -3, 1, 0]")} <= set(changes)
    assert all(before == "[1, -3, 1]" for before, _ in changes)  # a list summed is no polynomial


def test_a_column_major_order_and_two_entries_of_a_literal_in_each_others_place_are_candidates():
    source = MODULE_HEAD + ("def lookup(e, m, c):\n    k = np.argmin(e.flatten(order='F'))\n"
                            "    return np.unravel_index(k, e.shape), np.array([m, c])\n")
    assert ("e.flatten(order='F')", "e.flatten()") in _changes(source, "lookup", "column-major")
    assert ("[m, c]", "[c, m]") in _changes(source, "lookup", "swapped entries")


TRACED_SSE = '''

def traced(function):
    """Print each call while debugging."""
    def wrapper(*args):
        print("calling", function.__name__)
        ANSWER
    return wrapper


@traced
def sse(m, c, x, y):
    residuals = y - predict(m, c, x)
    return float(np.sum(residuals ** 2))
'''


def _with_sse(text: str) -> str:
    source = kit.solution_source("linear_model")
    start, end = source.index("def sse("), source.index("def error_profile_slope(")
    return source[:start] + text.lstrip("\n") + "\n\n" + source[end:]


def _sse_hints(sandbox, source: str) -> list[str]:
    result = grade_sources({"linear_model": source}, sandbox, student="repair", hidden=True, course_seed="repair",
                           exercises=[e for e in DECLARED if e.module == "linear_model"])
    return _hints(result.exercise("linear_model.sse"))


def test_an_edit_that_passes_only_without_the_decorator_is_not_told(sandbox):
    """Red team: the repair search ran each candidate as a bare `def`, without the student's decorators, so where
    the fault was the decorator's (a debugging wrapper that drops the value), any edit that keeps the function's
    meaning 'made every check pass' (the two sides of `y - predict(m, c, x)` swapped): told as the fix, it
    changed nothing. An edit is now told only where it passes made in place, under the decorators."""
    hints = _sse_hints(sandbox, _with_sse(TRACED_SSE.replace("ANSWER", "function(*args)")))
    assert hints and not any("makes every check pass" in hint for hint in hints)
    # the same decorator passing the value on, with a slip in the body: the edit is found and told
    slip = TRACED_SSE.replace("ANSWER", "return function(*args)").replace("residuals ** 2", "residuals ** 3")
    hints = _sse_hints(sandbox, _with_sse(slip))
    assert any("makes every check pass" in hint and "residuals ** 2" in hint for hint in hints), hints


def test_an_edit_that_passes_only_with_defaults_bound_later_is_not_told(sandbox):
    """Red team: candidates are defined at the module's end, so a default read from a module name rebound after
    the function was the later value there: the two sides of a difference swapped 'made every check pass' where
    the student's function, whose default was bound to 3.0, stays wrong. Only the edit that works in place is
    told."""
    weighted = ("WEIGHT = 3.0\n\n\ndef sse(m, c, x, y, weight=WEIGHT):\n    residuals = y - predict(m, c, x)\n"
                "    return float(np.sum(weight * residuals ** 2))\n\n\nWEIGHT = 1.0\n")
    hints = _sse_hints(sandbox, _with_sse(weighted))
    told = [hint for hint in hints if "makes every check pass" in hint]
    assert told and all("predict(m, c, x) - y" not in hint for hint in told), told
    assert all("weight" in hint for hint in told), told


def _finally_nested(depth: int, returns: int = 0) -> str:
    """df_poly's body with its `return` inside `depth` nested `finally` clauses, `returns` early returns at each."""
    text = ""
    for level in range(depth):
        text += " " * level + "try:\n" + "".join(" " * (level + 1) + "if x > 9: return x\n" for _ in range(returns))
        text += " " * (level + 1) + "pass\n" + " " * level + "finally:\n"
    return text + " " * depth + "return 3 * x**2 - 12 * x + 8\n"


@pytest.mark.parametrize(("depth", "returns"), [(16, 0), (4, 20)])
def test_a_function_whose_finally_bodies_multiply_is_not_compiled_in_the_grader(depth, returns):
    """Red team round 30, 03: every candidate edit is compiled in the grader's own process, where no time limit
    reaches into the compiler; Python writes a `finally` body once per way out of what it guards, so nested ones
    multiply: 16 levels took minutes of processor and 6.6 GB for one function, 4 levels with 20 early returns each
    11 s per candidate. Such a function is not repaired: no candidate is made."""
    source = kit.variant_source("derivatives", "df_poly", _finally_nested(depth, returns))
    function = next(node for node in ast.parse(source).body if getattr(node, "name", "") == "df_poly")
    assert repair.compiled_nodes(function) > repair.MAX_COMPILED_NODES
    assert list(repair.candidate_slices(source, "df_poly")) == []
    shallow = kit.variant_source("derivatives", "df_poly", _finally_nested(1))
    assert any(repair.candidate_slices(shallow, "df_poly"))  # one `finally`: repaired as any function


def test_every_reference_function_is_well_within_what_is_compiled_in_the_grader():
    for module in kit.ALL_MODULES:
        source = kit.solution_source(module)
        assert len(source) < repair.MAX_MODULE_CHARS / 2, module
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef):
                assert repair.compiled_nodes(node) < repair.MAX_COMPILED_NODES / 10, (module, node.name)


def test_a_module_too_long_to_repair_leaves_no_syntax_tree_in_the_grader():
    """Red team round 30, 01: the repair search parsed any module (up to the 1 MiB a submission may hold) and kept
    its syntax tree for the students after: five padded modules kept 1.1 GB in the grader, and 32 would keep about
    7 GB. A module longer than `MAX_MODULE_CHARS` is not read here (nor repaired)."""
    padding = "def _padding():\n    return (" + ", ".join(f"n{k}" for k in range(20_000)) + ")\n"
    source = kit.variant_source("derivatives", "df_poly", "return 3 * x**2 - 12 * x + 8") + padding
    assert len(source) > repair.MAX_MODULE_CHARS
    kept = repair._parsed_once.cache_info().currsize
    assert list(repair.candidate_slices(source, "df_poly")) == []
    assert repair._parsed_once.cache_info().currsize == kept


@pytest.mark.parametrize(("function", "body", "returned"), [
    ("dsigmoid", "s = sigmoid(x)\nif np.ndim(x) == 0:\n    return s\nreturn s * (1 - s)", "return s"),
    ("df_log", "if np.ndim(x) == 0:\n    return 2 * x\nreturn 2 * x / (1 + x**2)", "return 2 * x"),
])
def test_an_early_return_left_in_is_told_as_one_not_as_its_test_made_never_to_hold(sandbox, function, body,
                                                                                   returned):
    """The thirty-fourth holdout: `if np.ndim(x) == 0: return s`, left from a check, was told "the number 0 is not
    the right constant here" (changing it to -1 passes: the branch then never runs). An `if` that returns before
    the rest of the function is now a removal of its own, preferred to any edit inside its test."""
    exercise = next(e for e in EXERCISES if e.key == f"derivatives.{function}")
    source = kit.variant_source("derivatives", function, body)
    checks = grade_sources({"derivatives": source}, sandbox, exercises=[exercise]).exercise(exercise.key).checks
    failed = [check for check in checks if not check.passed]
    assert failed and all(f"`{returned}` under `if np.ndim(x) == 0:` returns early" in check.student_message
                          and "not the right constant" not in check.student_message for check in failed)


def test_an_update_dedented_out_of_its_if_is_told_as_one_not_as_two_edits_that_compensate(sandbox):
    """The thirty-fourth holdout: `minus[k] -= h` dedented out of `if k == i:` was told two slips, the copy `minus =
    np.array(point)` moved into the loop and `minus[k]` made `minus[i]`: edits that pass by compensating, neither
    the slip. A statement after an `if` in a loop is now tried inside that `if`."""
    exercise = next(e for e in EXERCISES if e.key == "partial_derivatives.partial_derivative")
    body = ("plus = np.array(point, dtype=float)\nminus = np.array(point, dtype=float)\nfor k in range(len(plus)):\n"
            "    if k == i:\n        plus[k] += h\n    minus[k] -= h\nreturn float((f(plus) - f(minus)) / (2 * h))")
    source = kit.variant_source("partial_derivatives", "partial_derivative", body)
    checks = grade_sources({"partial_derivatives": source}, sandbox, exercises=[exercise]).exercise(exercise.key).checks
    failed = [check for check in checks if not check.passed]
    assert failed and all("indenting `minus[k] -= h` into `if k == i:` makes every check pass" in check.student_message
                          and "Two slips" not in check.student_message for check in failed)


@pytest.mark.parametrize(("body", "factor", "term"), [
    ("return y * (2 * x + y * np.cos(x * y))\n", "y", "y * np.cos(x * y)"),
    ("return (2 * x * y + np.cos(x * y)) * y\n", "y", "2 * x * y"),
])
def test_a_regrouping_that_takes_a_factor_written_twice_away_says_both_readings(sandbox, body, factor, term):
    """Thirty-fifth holdout: y factored out of both terms of ∂g/∂x and left inside on the cosine too, y·(2x + y·cos),
    was told "the order of operations ... parentheses decide" with `y * (2 * x) + y * np.cos(x * y)`, a regrouping
    that passes because the term it takes out of the group has the factor already. Such a regrouping says both
    readings: the parentheses, or the factor written twice."""
    _, own = _grade(sandbox, "partial_derivatives", "dg_dx", body)
    hints = _hints(own)
    assert hints and all(f"`{factor}` is a factor too many in `{term}`" in hint and "the code does not say which"
                         in hint and "parentheses decide" not in hint for hint in hints), hints


def test_a_swap_of_arguments_whose_value_is_read_by_constant_entries_says_both_readings(sandbox):
    """Thirty-seventh holdout: the slope cov[0, 1] / cov[1, 1] of `np.cov(x, y)`, where cov[0, 0] belongs, was told
    "`x` and `y` are passed in each other's place", an edit that passes because the swap moves var(x) into the entry
    read. Where a call's value is read only through constant subscripts, the swap says both readings."""
    body = ("x = np.asarray(x, dtype=float)\ny = np.asarray(y, dtype=float)\ncov = np.cov(x, y)\n"
            "m = cov[0, 1] / cov[1, 1]\nc = y.mean() - m * x.mean()\nreturn float(m), float(c)\n")
    _, own = _grade(sandbox, "linear_model", "least_squares_fit", body)
    hints = _hints(own)
    assert hints and all("or which entries of `cov` are taken: the code does not say which" in hint
                         for hint in hints), hints


def test_a_third_place_that_passes_is_shown_beside_the_two(sandbox):
    """Thirty-seventh holdout: a pair of points unpacked in the wrong order (`x_minus, x_plus = x + h, x - h`) was
    told two edits of the line that uses them, both right as written (the two sides swapped, a minus added to 2h),
    each passing only by compensating. Where a third place passes too, it is shown beside them."""
    body = "x_minus, x_plus = x + h, x - h\nreturn (f(x_plus) - f(x_minus)) / (2 * h)\n"
    _, own = _grade(sandbox, "derivatives", "numerical_derivative", body)
    hints = _hints(own)
    assert hints and all("look at these three places" in hint and "to `x_minus, x_plus = (x - h, x + h)`" in hint
                         for hint in hints), hints


def test_a_batch_of_one_kept_is_not_told_as_values_never_added_up(sandbox):
    """`np.atleast_2d` kept for one weight vector returns shape (1, n): `sum(...)` passed by dropping the axis of
    length 1, and was told "the values are never added up: the answer is one number, their sum" where the answer is
    a vector (holdout 38). A missing sum is said only where the answer is one number; the shapes say the rest."""
    body = ("W = np.atleast_2d(np.asarray(weights, dtype=float))\nG = np.atleast_2d(np.asarray(grad, dtype=float))\n"
            "return W - learning_rate * G\n")
    _, own = _grade(sandbox, "gradient_descent", "gradient_step", body)
    assert own.score < own.max_score
    hints = _hints(own)
    assert hints and not any("one number" in hint for hint in hints), hints
    assert any("an axis of length 1 too many" in hint for hint in hints), hints


def test_a_fixed_factor_removed_by_the_repair_is_told_with_the_factor_that_would_make_it_one(sandbox):
    """A Gaussian's rate k = ½ kept where the chain rule's 2 was lost (−k·x·e^(−k·x²) for −2k·x·e^(−k·x²)): removing
    `k` passes only because 2k = 1, and "`k` does not belong in the product" taught a wrong derivative (holdout 38).
    A name holding a fixed number is told with both readings."""
    body = ("def dwave(x, a=3.0, k=0.5):\n    return (a * np.cos(a * x) - k * x * np.sin(a * x)) * np.exp(-k * x**2)\n"
            "return dwave(x)\n")
    _, own = _grade(sandbox, "derivatives", "df_wave", body)
    assert own.score < own.max_score
    hints = _hints(own)
    assert hints and all("`k` does not belong" not in hint for hint in hints), hints
    assert any("a missing factor 2 beside it" in hint for hint in hints), hints


def test_a_value_the_passes_only_update_is_not_told_as_an_accumulator_never_reset(sandbox):
    """A product over the variables that keeps the variable's own factor (cos(xy)·x·y for cos(xy)·y): moving its start
    into the loop keeps the last factor only, which passed because y comes last, and was told "every pass shares and
    keeps changing the same value" (holdout 38). A start is moved into a loop only where the passes read the value."""
    body = ("variables = [x, y]\ninner = x * y\nchain = np.cos(inner)\nfor v in variables:\n    chain = chain * v\n"
            "return 2 * x * y + chain\n")
    _, own = _grade(sandbox, "partial_derivatives", "dg_dx", body)
    assert own.score < own.max_score
    hints = _hints(own)
    assert hints and not any("every pass shares" in hint for hint in hints), hints
    loop = ("def totals(rows):\n    out = []\n    total = 0.0\n    for row in rows:\n        for v in row:\n"
            "            total += v\n        out.append(total)\n    return out\n")
    assert "not reset" in {c.edit.kind for c in repair.candidates(MODULE_HEAD + loop, "totals")}
    memo = ("def steps(w, n):\n    memo = {}\n\n    def grad(v):\n        key = round(v, 2)\n"
            "        if key not in memo:\n            memo[key] = 2 * v\n        return memo[key]\n\n"
            "    for _ in range(n):\n        w = w - 0.1 * grad(w)\n    return w\n")  # read by a function called
    assert "not reset" in {c.edit.kind for c in repair.candidates(MODULE_HEAD + memo, "steps")}


def test_a_regrouping_that_brings_a_term_under_a_factor_says_both_readings(sandbox):
    """`3 * x - 12 * x + 9` (a power dropped from 3x²) passes as `(3 * x - 12) * x`, only because the next term has a
    factor x: it was told as the order of operations alone (red team round 45, 01). The text says both readings."""
    _, own = _grade(sandbox, "derivatives", "df_poly", "return 3 * x - 12 * x + 9\n")
    hints = _hints(own)
    assert hints and all("`3 * x` misses a factor `x`" in hint and "the code does not say which" in hint
                         for hint in hints if "(3 * x - 12) * x" in hint), hints


def test_an_edit_inside_a_right_helper_names_the_call_that_passes_it_the_wrong_argument(sandbox):
    """A right σ' helper called with the activation (`dsig(out)`, where `dsig(w * x + b)` belongs) passes with
    `sigmoid(z)` changed to `z` inside it, and was told that edit alone (red team round 45, 02)."""
    body = ("x = np.asarray(x, dtype=float)\n\ndef dsig(z):\n    s = sigmoid(z)\n    return s * (1 - s)\n\n"
            "out = neuron(w, b, x)\nreturn float(np.sum(2 * (out - y) * dsig(out) * x))\n")
    _, own = _grade(sandbox, "neural_network", "dloss_dw", body)
    hints = [hint for hint in _hints(own) if "`sigmoid(z)` where `z` itself belongs" in hint]
    assert hints and all("or `dsig` is right and the slip lies in `dloss_dw`, which calls it (`dsig(out)`)" in hint
                         for hint in hints), hints
    # a NumPy function taken off the parameter (a memo keyed on a rounded point) is the helper's own: no such reading
    memo = MODULE_HEAD + ("def f(p, h):\n    memo = {}\n\n    def cached(q):\n        key = float(np.round(q, 3))\n"
                          "        if key not in memo:\n            memo[key] = q * q\n        return memo[key]\n\n"
                          "    return (cached(p + h) - cached(p - h)) / (2 * h)\n")
    whys = [c.edit.why for c in repair.candidates(memo, "f") if c.edit.before == "np.round(q, 3)"]
    assert whys and not any("the slip lies in" in why for why in whys), whys


def test_a_gradient_taken_at_the_start_is_not_told_as_a_restart(sandbox):
    """`point - learning_rate * [df_du(start), df_dv(start)]`: the pass goes on from `point`, only the gradient is
    taken at the start; it was told "each pass restarts from the start" (red team round 45, 04)."""
    body = ("point = np.array(start, dtype=float)\nnorms = []\nfor _ in range(n_steps + 1):\n"
            "    grad = np.array([df_du(point), df_dv(point)], dtype=float)\n"
            "    norms.append(float(np.sqrt(grad[0] ** 2 + grad[1] ** 2)))\n"
            "    point = point - learning_rate * np.array([df_du(start), df_dv(start)], dtype=float)\n"
            "return np.array(norms)\n")
    _, own = _grade(sandbox, "neural_network", "gradient_norm_along_path", body)
    hints = _hints(own)
    assert hints and not any("restarts from the start" in hint for hint in hints), hints
    assert any("taken at the start" in hint for hint in hints), hints


def test_a_sign_named_from_the_values_says_where_a_sign_can_come_from(sandbox):
    """σ'(z) written s·(s − 1) flips every value of `dloss_dw`, and the listed sign slip's hint said only that the
    derivative carries (σ(z) − y), which this code has (red team round 45, 03). It names each factor's sign."""
    body = "s = neuron(w, b, x)\nreturn float(np.sum(2 * (s - y) * s * (s - 1) * x))\n"
    _, own = _grade(sandbox, "neural_network", "dloss_dw", body)
    hints = _hints(own)
    assert any("which is never negative" in hint for hint in hints), hints


def test_gradient_ascent_named_from_the_values_names_the_gradients_sign_too(sandbox):
    """Both partial derivatives negated ("downhill") and then subtracted, as the update should: told "the update
    SUBTRACTS learning_rate·gradient", which this update does (red team round 45, 05). The gradient's sign is named."""
    body = ("path = np.zeros((n_steps + 1, 2))\nw, b = float(w0), float(b0)\npath[0] = w, b\n"
            "for k in range(1, n_steps + 1):\n"
            "    downhill_w, downhill_b = -dloss_dw(w, b, x, y), -dloss_db(w, b, x, y)\n"
            "    w, b = w - learning_rate * downhill_w, b - learning_rate * downhill_b\n    path[k] = w, b\n"
            "return path\n")
    _, own = _grade(sandbox, "neural_network", "train_neuron", body)
    hints = _hints(own)
    assert any("gradient ascent" in hint for hint in hints), hints
    assert all("not its negative" in hint for hint in hints if "gradient ascent" in hint), hints


def test_a_caller_sharing_a_helper_with_a_failing_function_is_not_told_an_edit_that_makes_up_for_it(sandbox):
    """A helper of the student's (`_grads`, no exercise) with ∂SSE/∂c's sign slipped, returned by sse_gradient and
    used by a gradient_descent whose update is right: gradient_descent was told to change `c - learning_rate * gc`
    to `c + learning_rate * gc`, a second slip that only makes up for the helper's (red team round 48, 07)."""
    helper = ("\n\ndef _grads(m, c, x, y):\n    x = np.asarray(x, dtype=float)\n    y = np.asarray(y, dtype=float)\n"
              "    r = y - (m * x + c)\n    return float(-2 * np.sum(x * r)), float(2 * np.sum(r))\n")
    bodies = {"sse_gradient": "return _grads(m, c, x, y)",
              "gradient_descent": "path = [[m0, c0]]\nm, c = float(m0), float(c0)\nfor _ in range(n_steps):\n"
                                  "    gm, gc = _grads(m, c, x, y)\n"
                                  "    m, c = m - learning_rate * gm, c - learning_rate * gc\n"
                                  "    path.append([m, c])\nreturn np.array(path)"}
    source = kit.replace_bodies(kit.solution_source("gradient_descent"), bodies) + helper
    result = grade_sources({"gradient_descent": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=of_module("gradient_descent"))
    descent = result.exercise("gradient_descent.gradient_descent")
    assert descent.score < descent.max_score
    assert not any("learning_rate * gc` to `c + learning_rate" in check.student_message for check in descent.checks)


def test_the_start_of_a_running_best_is_not_told_as_a_parameter(sandbox):
    """`best_f = 0.0` (the running best started at 0, above no f of a well below 0) was told "a fixed number where
    `n_steps` belongs", an edit that passed because n_steps exceeds every f checked (red team round 50, 06)."""
    body = ("best_x = 0.0\nbest_f = 0.0\nfor s in starts:\n    e = descend_1d(df, s, learning_rate, n_steps)\n"
            "    if f(e) < best_f:\n        best_x = e\n        best_f = f(e)\nreturn float(best_x)")
    _, exercise = _grade(sandbox, "gradient_descent", "best_of_starts", body)
    assert not any("where `n_steps` belongs" in check.student_message for check in exercise.checks)


def test_a_reading_of_the_answers_shape_leaves_room_for_the_edit_that_repairs_it(sandbox):
    """MATLAB's r' * r written `r.T * r` returns the squared residuals never summed: the reading of the answer
    ("its entries summed are the right answer") stood alone and the repair search never ran, so the edit in the
    student's code was not shown (holdout 19). A reading of the answer's shape is second tier now: the edit that
    repairs the code is told, and where it says the same as the reading (a sum added), it alone."""
    body = "residuals = np.asarray(y, dtype=float) - predict(m, c, x)\nreturn residuals.T * residuals\n"
    _, own = _grade(sandbox, "linear_model", "sse", body)
    assert own.score < own.max_score
    hints = _hints(own)
    assert hints and all("to `sum(residuals.T * residuals)`" in hint for hint in hints), hints
    assert not any("never added up: the sum of its entries" in hint for hint in hints), hints


def test_a_reading_of_the_answers_shape_stays_beside_an_edit_that_says_something_else(sandbox):
    """Every end point returned where the best one belongs: the reading (one of the entries is the right answer)
    says what the answer holds; any edit told follows it, never in its place."""
    body = "return [descend_1d(df, s, learning_rate, n_steps) for s in starts]\n"
    _, own = _grade(sandbox, "gradient_descent", "best_of_starts", body)
    assert own.score < own.max_score
    hints = _hints(own)
    assert hints and all("one of them the right answer" in hint for hint in hints), hints
