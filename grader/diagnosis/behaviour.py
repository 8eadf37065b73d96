"""Behavioural diagnosis: generic mutation operators applied to the reference, matched against the answers.

For the algorithmic exercises, a small set of operators, none written for one mistake, turns the reference
into a mutant: AST transforms of the reference solution's source (one step more or fewer, the learning rate
doubled or squared, a mean instead of a sum, the step h doubled or halved, a division by h instead of 2h, a
forward instead of a central difference, floats truncated to integers, integers kept as integers), run in the
trusted parent like the curriculum's known mistakes, and transforms of the reference's value (rows and columns
swapped, the two outputs swapped, float32 rounding, integer truncation, every row after the first aliased to
the last, each row one step behind). An answer that exactly one operator explains on every check that
answered, with at least two informative checks (where the mutant differs from the reference), gets that
operator's hint. The hint names the operator only: nothing of an input or an expected value.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from grader import kit
from grader.compare import matches
from grader.curriculum.common import parent_call
from grader.diagnosis import AnswerSeen
from grader.spec import Exercise

MIN_INFORMATIVE_CHECKS = 2


@dataclass(frozen=True)
class Operator:
    """A generic change of the reference and the hint that says what an answer it explains did."""

    name: str
    hint: str
    source: Callable[[], ast.NodeTransformer] | None = None  # transforms the reference's syntax tree
    value: Callable[[Any], Any] | None = None  # or transforms the reference's value
    rtol: float = 0.0  # extra relative tolerance when matching the answer with the mutant
    fingerprint: Callable[[Any], bool] | None = None  # what every answer it explains must also show


# ----- source operators -----------------------------------------------------------------------------------


class _RangeStop(ast.NodeTransformer):
    def __init__(self, delta: int):
        self.delta = delta

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id == "range" and 1 <= len(node.args) <= 2:
            stop = len(node.args) - 1
            node.args[stop] = ast.BinOp(node.args[stop], ast.Add(), ast.Constant(self.delta))
        return node


class _ReplaceName(ast.NodeTransformer):
    def __init__(self, name: str, build: Callable[[ast.expr], ast.expr]):
        self.name, self.build = name, build

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id == self.name and isinstance(node.ctx, ast.Load):
            return self.build(ast.Name(node.id, ast.Load()))
        return node


class _Attribute(ast.NodeTransformer):
    def __init__(self, old: str, new: str):
        self.old, self.new = old, new

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        self.generic_visit(node)
        if node.attr == self.old and isinstance(node.value, ast.Name) and node.value.id in ("np", "numpy"):
            node.attr = self.new
        return node


def _is_h(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == "h"


def _is_two_h(node: ast.AST) -> bool:
    return isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and (
        (isinstance(node.left, ast.Constant) and node.left.value == 2 and _is_h(node.right))
        or (isinstance(node.right, ast.Constant) and node.right.value == 2 and _is_h(node.left)))


class _DivideByH(ast.NodeTransformer):
    """2·h → h: the difference divided by h where the two points are 2h apart."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        return ast.Name("h", ast.Load()) if _is_two_h(node) else node


class _Forward(_DivideByH):
    """x − h → x and `a -= h` dropped, 2·h → h: the forward difference instead of the central one."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = super().visit_BinOp(node)  # type: ignore[assignment]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and _is_h(node.right):
            return node.left
        return node

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        if isinstance(node.op, ast.Sub) and _is_h(node.value):
            return ast.Pass()
        return node


class _Conversions(ast.NodeTransformer):
    """float(v) → int(v) and dtype=float → dtype=int (truncate), or dtype=float dropped (keep integers)."""

    def __init__(self, truncate: bool):
        self.truncate = truncate

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if self.truncate and isinstance(node.func, ast.Name) and node.func.id == "float":
            node.func = ast.Name("int", ast.Load())
        kept = []
        for keyword in node.keywords:
            if keyword.arg == "dtype" and isinstance(keyword.value, ast.Name) and keyword.value.id == "float":
                if self.truncate:
                    kept.append(ast.keyword("dtype", ast.Name("int", ast.Load())))
                continue
            kept.append(keyword)
        node.keywords = kept
        return node


def _times(factor: ast.expr) -> Callable[[ast.expr], ast.expr]:
    return lambda name: ast.BinOp(factor, ast.Mult(), name)


# ----- value operators ------------------------------------------------------------------------------------


def _transposed(value: Any) -> Any:
    array = np.asarray(value, dtype=float)
    return array.T if array.ndim == 2 and array.shape[0] != array.shape[1] else None


def _swapped_pair(value: Any) -> Any:
    if isinstance(value, tuple | list) and len(value) == 2:
        return type(value)(reversed(value))
    return None


def _float32(value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(float(np.float32(item)) for item in value)
    array = np.asarray(value, dtype=float)
    return array.astype(np.float32).astype(float) if array.ndim else float(np.float32(value))


def _single_precision(value: Any) -> bool:
    """Every number is exactly a float32 (and not an integer, which any precision holds): what float32 leaves."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return False
    return bool(np.all(array.astype(np.float32).astype(float) == array)) and not bool(np.all(array == np.round(array)))


def _truncated(value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(float(np.trunc(item)) for item in value)
    array = np.asarray(value, dtype=float)
    return np.trunc(array) if array.ndim else float(np.trunc(value))


def _rows_aliased(value: Any) -> Any:
    array = np.asarray(value, dtype=float)
    if array.ndim != 2 or array.shape[0] < 3:
        return None
    aliased = array.copy()
    aliased[1:] = array[-1]
    return aliased


def _one_row_behind(value: Any) -> Any:
    array = np.asarray(value, dtype=float)
    if array.ndim != 2 or array.shape[0] < 3:
        return None
    return np.vstack([array[:1], array[:-1]])


OPERATORS = (
    Operator("one step fewer", "your loop runs one time fewer than it should (mind where range starts and "
             "stops)", source=lambda: _RangeStop(-1)),
    Operator("one step more", "your loop runs one time more than it should (mind where range starts and "
             "stops)", source=lambda: _RangeStop(+1)),
    Operator("learning rate applied twice", "your steps are twice as long as they should be: the learning rate "
             "is applied twice (each update is learning_rate times the gradient, once)",
             source=lambda: _ReplaceName("learning_rate", _times(ast.Constant(2)))),
    Operator("learning rate squared", "your steps use learning_rate² instead of learning_rate: the learning "
             "rate is applied twice", source=lambda: _ReplaceName(
                 "learning_rate", lambda name: ast.BinOp(name, ast.Pow(), ast.Constant(2)))),
    Operator("mean instead of sum", "your result behaves as a mean where a sum is asked for (np.mean, or a "
             "division by n): the SSE and its gradient are sums", source=lambda: _Attribute("sum", "mean")),
    Operator("step 2h", "your difference steps 2h to each side: use the points x ± h with the h given",
             source=lambda: _ReplaceName("h", _times(ast.Constant(2)))),
    Operator("step h/2", "your difference steps only h/2 to each side: use the points x ± h with the h given",
             source=lambda: _ReplaceName("h", lambda name: ast.BinOp(name, ast.Div(), ast.Constant(2)))),
    Operator("divided by h instead of 2h", "the two points x − h and x + h are 2h apart: divide the difference by "
             "2h, not by h", source=_DivideByH),
    Operator("forward difference", "your estimate is a forward difference (f(x + h) − f(x)) / h; the central "
             "difference steps to both sides: (f(x + h) − f(x − h)) / (2h)", source=_Forward),
    Operator("truncated to integers", "values are truncated to integers (int(...) or an integer dtype) where "
             "floats are needed", source=lambda: _Conversions(truncate=True)),
    Operator("integers kept as integers", "an array made from integers stays an integer array, so adding a "
             "small step to it rounds the step away: convert with dtype=float",
             source=lambda: _Conversions(truncate=False)),
    Operator("rows and columns swapped", "your result is the transpose of the right one: rows and columns are "
             "swapped (mind which index is the row)", value=_transposed),
    Operator("outputs swapped", "your two outputs are in the wrong order", value=_swapped_pair),
    Operator("float32 rounding", "your result has only single precision (float32): compute in float64 (plain "
             "Python floats or NumPy's default)", value=_float32, rtol=2e-7, fingerprint=_single_precision),
    Operator("result truncated to an integer", "your result is truncated to an integer: return the float",
             value=_truncated),
    Operator("rows aliased to the last", "every row after the first is the same as the last: the same array is "
             "appended each step and then changed in place; append a copy (or build a new array each step)",
             value=_rows_aliased),
    Operator("each row one step behind", "each row holds the weights one step behind: record the weights after "
             "each update", value=_one_row_behind),
)


# ----- mutants -------------------------------------------------------------------------------------------


@cache
def _callees(module: str) -> dict[str, set[str]]:
    tree = ast.parse(kit.solution_source(module))
    functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    return {node.name: {n.func.id for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
            & functions for node in tree.body if isinstance(node, ast.FunctionDef)}


def _reachable(module: str, function: str) -> set[str]:
    calls = _callees(module)
    found, frontier = {function}, [function]
    while frontier:
        for callee in calls.get(frontier.pop(), set()) - found:
            found.add(callee)
            frontier.append(callee)
    return found


@cache
def mutant(module: str, function: str, operator_name: str) -> Callable[..., Any] | None:
    """The reference `function` with the operator applied to it and to the module functions it calls; None where
    the operator changes nothing there."""
    operator = next(op for op in OPERATORS if op.name == operator_name)
    if operator.source is None:
        return None
    tree = ast.parse(kit.solution_source(module))
    reachable = _reachable(module, function)
    changed = False
    for index, node in enumerate(tree.body):
        if isinstance(node, ast.FunctionDef) and node.name in reachable:
            before = ast.dump(node)
            mutated = operator.source().visit(copy.deepcopy(node))
            if ast.dump(mutated) != before:
                tree.body[index] = ast.fix_missing_locations(mutated)
                changed = True
    if not changed:
        return None
    loaded = kit.load_trusted_module(f"calcgrade_mutant_{module}", ast.unparse(tree),
                                     f"<{module}.{function}: {operator_name}>")
    return getattr(loaded, function)


def _mutant_value(exercise: Exercise, operator: Operator, observation: AnswerSeen) -> Any:
    if operator.value is not None:  # where the transform does not apply, the mutant is the reference
        transformed = operator.value(observation.reference)
        return observation.reference if transformed is None else transformed
    function = mutant(exercise.module, exercise.function, operator.name)
    if function is None:
        return None
    with np.errstate(all="ignore"):
        return parent_call(function, observation.case)


def _explains(exercise: Exercise, operator: Operator, observations: Sequence[AnswerSeen]) -> bool:
    informative = 0
    for observation in observations:
        try:
            value = _mutant_value(exercise, operator, observation)
        except Exception:  # noqa: BLE001 - a mutant may fail where the reference does not: then it explains nothing
            return False
        if value is None:
            return False
        tolerance = observation.tolerance.widened(rtol=operator.rtol)
        if not matches(observation.returned, value, tolerance):
            return False
        if operator.fingerprint is not None and not operator.fingerprint(observation.returned):
            return False
        if not matches(value, observation.reference, observation.tolerance):
            informative += 1
    return informative >= MIN_INFORMATIVE_CHECKS


def explain(exercise: Exercise, observations: Sequence[AnswerSeen]) -> Operator | None:
    """The one operator that explains the answers on every check that answered, informative on at least two;
    None when none does, or when several different ones do (then nothing certain can be said)."""
    if not kit.has_solutions() or len(observations) < MIN_INFORMATIVE_CHECKS:
        return None
    found = [operator for operator in OPERATORS if _explains(exercise, operator, observations)]
    return found[0] if len(found) == 1 else None
