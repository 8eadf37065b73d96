"""Behavioural diagnosis: generic mutation operators applied to the reference, matched against the answers.

For the algorithmic exercises, a set of operators, none written for one mistake, turns the reference into
mutants, run in the trusted parent like the curriculum's known mistakes. An operator has one or more variants
(the same mistake made in several ways, e.g. either update order, several thresholds), each of them
- a transform of the reference solution's syntax tree (one step more or fewer, the learning rate doubled,
  squared or dividing, a mean or a half instead of a sum, the step h doubled or halved, a forward difference,
  floats truncated to integers, a sequential or one-weight update, the gradient evaluated once, an update
  never carried forward, an early stop, a change of one entry made to every entry, an absolute value dropped,
  a distance from the origin, a length squared or made the sum of the sizes, the sigmoid's derivative
  a·(1 − a) made tanh's or halved, the parts of a result joined in another order,
  a search keeping the wrong candidate, a sum over the wrong axis, two labels swapped, a threshold made
  absolute or one-sided, a loop's iterates averaged or all returned where the last belongs),
- a transform of the reference's value, given the check's arguments (rows and columns swapped, the two columns of a
  table of pairs swapped, a square matrix's rows and columns both reversed, outputs swapped, float32 or decimal
  rounding, integer truncation, rows aliased or one behind or ahead, the diagonal of a grid, entries one place
  off, a running total, sorted outputs, one entry updated, the change from the first argument of its shape where
  the new value belongs, the right answer reduced to its length, the sum of its entries, its determinant or its
  last part),
- or the reference called with changed arguments (inputs truncated to integers, an argument left at its
  default, taken as 0 or negated, a step count or an index off by one, the first or last data point left out).
An answer that exactly one operator explains on every check that answered, with at least two informative
checks (where that variant differs from the reference), and that no listed mistake of the exercise explains
too, gets that operator's hint. The hint names what was done only: nothing of an input or an expected value.
Where none does, two readings of the answers alone come first: an answer that holds more than the right one, one
part of it the right answer on every check (its last entry, its first or second, its entries summed, a label
followed by more), and whole numbers that, read as positions in the check's own lists, give the right values.

Where none does, two tiers follow, each more hypotheses than the last, so each asks more:
- fallback operators, which overlap the first ones: a factor of a product left out (an argument or a number), a
  divisor left out (an argument, a number or a product of them),
  the sigmoid's derivative written with an argument or the pre-activation, absolute values added up where
  squares belong, the square root of the right result, one of a few returned values computed as if an argument
  were 0, a count one too high or too low. One variant naming one thing must explain the answers;
- pairs: two slips in one function, two different operators (two source variants applied together, or a
  source variant's value changed by a value variant) or a listed mistake of the exercise with one operator's
  change. Only numeric answers, three informative checks, and one pair (one change named two ways, as a
  factor 2 left out and the curriculum's "missing factor 2", counts once, told as the curriculum names it).
Their hints say what the answers show; the engine still asks for a repair of the student's code, which says
where.
Mutant values are cached per check case, so a class of students costs the mutants once per case.
"""

from __future__ import annotations
import __future__

import ast
import builtins
import copy
import functools
import hashlib
import inspect
import itertools
import math
import pickle
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import numpy as np

from grader import kit
from grader.compare import answer_key, matches
from grader.curriculum.common import for_parent, parent_call
from grader.diagnosis import PAIR_JOIN, AnswerSeen
from grader.spec import Case, Exercise

MIN_INFORMATIVE_CHECKS = 2
_BUILTINS = frozenset(dir(builtins))
_PREFIX = "_calcgrade_"  # names the operators add to the reference's code


@dataclass(frozen=True)
class Call:
    """The reference called on changed arguments: what that names (an argument), and whether the change is
    degenerate on this check (then the check must match but is no evidence)."""

    detail: str
    case: Case
    degenerate: bool = False
    part: int | None = None  # only this returned value is the changed call's; the others are the reference's


@dataclass(frozen=True)
class Operator:
    """A generic change of the reference and the hint that says what an answer it explains did.

    Each entry of `sources`, `values` and `calls` is one variant; the operator explains an answer when one
    variant does. `hint` may hold `{detail}`, filled with what the explaining variant names (an argument)."""

    name: str
    hint: str
    sources: tuple[Callable[[], ast.NodeTransformer], ...] = ()  # transforms of the reference's syntax tree
    values: tuple[Callable[[Any, tuple[Any, ...]], Any], ...] = ()  # of the reference's value, given the arguments
    calls: Callable[[Exercise, Case], Sequence[Call]] | None = None  # the reference on changed arguments
    rtol: float = 0.0  # extra relative tolerance when matching the answer with the mutant
    spread: float = 0.0  # and extra absolute tolerance, this fraction of the mutant's largest |number|: a rounding
    # that compounds over an iteration's rows (a float32 path near a minimum stops moving once its steps are
    # below float32's resolution) is not the reference rounded once
    fingerprint: Callable[[Any], bool] | None = None  # what every answer it explains must also show
    input_is_no_evidence: bool = False  # a check where the mutant returns an argument unchanged proves nothing
    own_function_only: bool = False  # its source variants change the exercise's function, not the ones it calls
    swapped_calls: tuple[tuple[str, str], ...] = ()  # (what the reference calls, what the slip calls instead):
    # the hint's words about code (`hint_in_code`) are said only where the student's function calls a `new` more
    # often than the reference does; an answer alike in values proves nothing about the calls that made it
    hint_in_code: str = ""
    hint_otherwise: str = ""  # what follows `hint` where the calls do not show it

    def told(self, calls_seen: Mapping[str, int] | None, reference_calls: Mapping[str, int] | None) -> str:
        """The hint, with its words about code where the student's calls show the slip they name."""
        shown = calls_seen is not None and reference_calls is not None and any(
            calls_seen.get(new, 0) > reference_calls.get(new, 0) for _, new in self.swapped_calls)
        return f"{self.hint}{self.hint_in_code if shown else self.hint_otherwise}"


# ----- helpers on syntax trees --------------------------------------------------------------------------------


def _read(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _assigned(statement: ast.stmt) -> set[str]:
    return {n.id for n in ast.walk(statement) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _expr(text: str) -> ast.expr:
    return ast.parse(text, mode="eval").body


def _stmts(text: str) -> list[ast.stmt]:
    return ast.parse(text).body


def _carried(loop: ast.For) -> tuple[int, str, ast.expr] | None:
    """The loop's update: the last statement of its body that assigns a name from an expression reading that
    name (w = w − η·g, x = float(x − η·df(x))), as (position, name, new value)."""
    for index in reversed(range(len(loop.body))):
        statement = loop.body[index]
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                and isinstance(statement.targets[0], ast.Name) and statement.targets[0].id in _read(statement.value):
            return index, statement.targets[0].id, statement.value
        if isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
            name = statement.target.id
            return index, name, ast.BinOp(ast.Name(name, ast.Load()), statement.op, statement.value)
    return None


def _depending(statements: Sequence[ast.stmt], name: str) -> list[bool]:
    """Which statements read `name`, directly or through a name assigned from it earlier in the list."""
    reached, marks = {name}, []
    for statement in statements:
        mark = bool(_read(statement) & reached)
        if mark:
            reached |= _assigned(statement)
        marks.append(mark)
    return marks


def _evaluations(loop: ast.For, name: str, update: ast.expr) -> list[ast.Call]:
    """The calls in the loop that evaluate something at the carried `name` (a gradient, a derivative): calls
    of a function that is not a builtin or a library attribute, with `name` in their arguments, other than
    the update itself."""
    return [node for node in ast.walk(ast.Module(loop.body, [])) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name) and node.func.id not in _BUILTINS and node is not update
            and any(name in _read(argument) for argument in node.args)]


class _LoopTransform(ast.NodeTransformer):
    """Base of the transforms of a descent loop (a `for` loop with a carried update)."""

    def visit_For(self, node: ast.For) -> Any:
        self.generic_visit(node)
        found = _carried(node)
        return node if found is None else self.change(node, *found)

    def change(self, loop: ast.For, index: int, name: str, update: ast.expr) -> Any:
        raise NotImplementedError


class _CoordinateUpdate(_LoopTransform):
    """Each step updates the weights one coordinate at a time, in `order` (an expression of the weights `W`:
    all of them in turn, or only one), re-evaluating what depends on them before each: a sequential update,
    or only one weight updated."""

    def __init__(self, order: str):
        self.order = order

    def change(self, loop: ast.For, index: int, name: str, update: ast.expr) -> Any:
        before = loop.body[:index]
        marks = _depending(before, name)
        inner = _stmts(f"for {_PREFIX}k in {self.order.format(W=name)}:\n    pass")[0]
        assert isinstance(inner, ast.For)
        inner.body = [copy.deepcopy(s) for s, mark in zip(before, marks, strict=True) if mark] + [
            ast.Assign([ast.Name(f"{_PREFIX}new", ast.Store())], copy.deepcopy(update)),
            *_stmts(f"{name} = np.array({name}, dtype=float)\n"
                    f"{name}[{_PREFIX}k] = np.asarray({_PREFIX}new, dtype=float)[{_PREFIX}k]")]
        loop.body = [s for s, mark in zip(before, marks, strict=True) if not mark] + [inner] + loop.body[index + 1:]
        return loop


class _EvaluatedOnce(_LoopTransform):
    """What the loop evaluates at the current point (the gradient) is evaluated once, before the loop, at the
    start, and reused by every step."""

    def change(self, loop: ast.For, index: int, name: str, update: ast.expr) -> Any:
        calls = _evaluations(loop, name, update)
        if not calls:
            return loop
        hoisted: list[ast.stmt] = []
        for number, call in enumerate(calls):
            hoisted.append(ast.Assign([ast.Name(f"{_PREFIX}once{number}", ast.Store())], copy.deepcopy(call)))
        replaced = {id(call): number for number, call in enumerate(calls)}

        class Swap(ast.NodeTransformer):
            def visit_Call(self, node: ast.Call) -> ast.AST:
                if id(node) in replaced:
                    return ast.Name(f"{_PREFIX}once{replaced[id(node)]}", ast.Load())
                self.generic_visit(node)
                return node

        loop.body = [Swap().visit(statement) for statement in loop.body]
        return [*hoisted, loop]


class _NeverCarried(_LoopTransform):
    """The loop's update goes into a new name that the next pass never reads: every pass starts again from the
    start, what follows the update in the pass (a path's row) reads the new name, and the last new value is
    what the function goes on with after the loop."""

    def change(self, loop: ast.For, index: int, name: str, update: ast.expr) -> Any:
        kept = f"{_PREFIX}kept"
        rest = [_ReplaceName(name, lambda _: ast.Name(kept, ast.Load())).visit(s) for s in loop.body[index + 1:]]
        loop.body = [*loop.body[:index], ast.Assign([ast.Name(kept, ast.Store())], copy.deepcopy(update)), *rest]
        return [*_stmts(f"{kept} = {name}"), loop, *_stmts(f"{name} = {kept}")]


class _IteratesAveraged(_LoopTransform):
    """What the function goes on with after the loop is the mean of the values the loop's carried name took
    (the start among them, or not), not the last one: the average of a chain's iterates."""

    def __init__(self, start_included: bool):
        self.start_included = start_included

    def change(self, loop: ast.For, index: int, name: str, update: ast.expr) -> Any:
        seen = f"{_PREFIX}seen"
        loop.body.insert(index + 1, _stmts(f"{seen}.append({name})")[0])
        return [*_stmts(f"{seen} = [{name}]" if self.start_included else f"{seen} = []"), loop,
                *_stmts(f"if {seen}:\n    {name} = np.mean(np.asarray({seen}, dtype=float), axis=0)")]


class _IteratesReturned(_LoopTransform):
    """What the function goes on with after the loop is the list of every value the loop's carried name took,
    the start first: the history where the last value belongs."""

    def change(self, loop: ast.For, index: int, name: str, update: ast.expr) -> Any:
        seen = f"{_PREFIX}seen"
        loop.body.insert(index + 1, _stmts(f"{seen}.append({name})")[0])
        return [*_stmts(f"{seen} = [{name}]"), loop, *_stmts(f"{name} = {seen}")]


class _EarlyStop(_LoopTransform):
    """The loop stops before its count once a step (`kind` "step": before taking it, "taken": after) or the
    gradient ("gradient") is smaller than `threshold` in every coordinate."""

    def __init__(self, kind: str, threshold: float):
        self.kind, self.threshold = kind, threshold

    def change(self, loop: ast.For, index: int, name: str, update: ast.expr) -> Any:
        small = f"np.all(np.abs(np.asarray({{}}, dtype=float)) < {self.threshold!r})"
        if self.kind == "gradient":
            calls = _evaluations(loop, name, update)
            if not calls:
                return loop
            test = _stmts(f"if {small.format(_PREFIX + 'gradient')}:\n    break")[0]
            loop.body.insert(0, _Substitute(_PREFIX + "gradient", copy.deepcopy(calls[0])).visit(test))
            return loop
        new = ast.Assign([ast.Name(f"{_PREFIX}new", ast.Store())], copy.deepcopy(update))
        step = f"np.asarray({_PREFIX}new, dtype=float) - np.asarray({_PREFIX}old, dtype=float)"
        if self.kind == "step":
            rest = _stmts(f"{_PREFIX}old = {name}\nif {small.format(step)}:\n    break\n{name} = {_PREFIX}new")
        else:
            rest = _stmts(f"{_PREFIX}old = {name}\n{name} = {_PREFIX}new\nif {small.format(step)}:\n    break")
        loop.body[index:index + 1] = [new, *rest]
        return loop


class _Substitute(ast.NodeTransformer):
    def __init__(self, name: str, by: ast.expr):
        self.name, self.by = name, by

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return self.by if node.id == self.name else node


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


def _is_numpy(node: ast.expr, attribute: str) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == attribute and isinstance(node.value, ast.Name) \
        and node.value.id in ("np", "numpy")


class _Attribute(ast.NodeTransformer):
    def __init__(self, old: str, new: str):
        self.old, self.new = old, new

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        self.generic_visit(node)
        if _is_numpy(node, self.old):
            node.attr = self.new
        return node


class _HalfSum(ast.NodeTransformer):
    """np.sum(…) → 0.5·np.sum(…): the ½·Σ of a halved loss (a mean halved too, where another change made one)."""

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if _is_numpy(node.func, "sum") or _is_numpy(node.func, "mean") \
                or (isinstance(node.func, ast.Name) and node.func.id == "sum"):
            return ast.BinOp(ast.Constant(0.5), ast.Mult(), node)
        return node


class _Axis(ast.NodeTransformer):
    """axis=a → axis=`axis` in every call that names a constant axis: a reduction over the wrong axis."""

    def __init__(self, axis: int):
        self.axis = axis

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        for keyword in node.keywords:
            if keyword.arg == "axis" and isinstance(keyword.value, ast.Constant | ast.UnaryOp):
                keyword.value = ast.Constant(self.axis)
        return node


class _Selection(ast.NodeTransformer):
    """A search's selection rule changed: min(X, key=K) / max(X, key=K) keeps the smallest or largest X itself
    ("itself"), or the first or last candidate without comparing ("first", "last"); np.argmin / np.argmax
    gives the first or last position."""

    def __init__(self, kind: str):
        self.kind = kind

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id in ("min", "max") and len(node.args) == 1 \
                and any(keyword.arg == "key" for keyword in node.keywords):
            if self.kind == "itself":
                node.keywords = [keyword for keyword in node.keywords if keyword.arg != "key"]
                return node
            position = ast.Constant(0) if self.kind == "first" else ast.UnaryOp(ast.USub(), ast.Constant(1))
            return ast.Subscript(ast.Call(ast.Name("list", ast.Load()), node.args, []), position, ast.Load())
        if (_is_numpy(node.func, "argmin") or _is_numpy(node.func, "argmax")) and len(node.args) == 1 \
                and self.kind in ("first", "last"):
            return ast.Constant(0) if self.kind == "first" else \
                ast.BinOp(ast.Call(_expr("np.size"), node.args, []), ast.Sub(), ast.Constant(1))
        return node


class _OtherKey(ast.NodeTransformer):
    """min(X, key=K) compares |G(x)| (or G(x)) for another argument G of the function (the derivative's size
    instead of the function's value): the `position`-th argument other than K."""

    def __init__(self, position: int, absolute: bool):
        self.position, self.absolute, self.parameters = position, absolute, []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        self.parameters = [argument.arg for argument in node.args.args]
        self.generic_visit(node)
        return node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id in ("min", "max"):
            for keyword in node.keywords:
                if keyword.arg == "key" and isinstance(keyword.value, ast.Name):
                    others = [name for name in self.parameters if name != keyword.value.id]
                    if self.position < len(others):
                        body = f"{others[self.position]}({_PREFIX}v)"
                        keyword.value = _expr(f"lambda {_PREFIX}v: " + (f"abs({body})" if self.absolute else body))
        return node


class _SwapLabels(ast.NodeTransformer):
    """The `first`-th and `second`-th distinct string constants that the function returns trade places."""

    def __init__(self, first: int, second: int):
        self.first, self.second = first, second

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        labels: list[str] = []
        for statement in ast.walk(node):
            if isinstance(statement, ast.Return) and isinstance(statement.value, ast.Constant) \
                    and isinstance(statement.value.value, str) and statement.value.value not in labels:
                labels.append(statement.value.value)
        if self.second < len(labels):
            a, b = labels[self.first], labels[self.second]
            for statement in ast.walk(node):
                if isinstance(statement, ast.Return) and isinstance(statement.value, ast.Constant) \
                        and statement.value.value in (a, b):
                    statement.value = ast.Constant(b if statement.value.value == a else a)
        return node


class _TestLater(ast.NodeTransformer):
    """The `position`-th `if …: return …` of a function's body moved after the other such tests (just before
    what follows them): a case that must be decided first is tested last."""

    def __init__(self, position: int):
        self.position = position

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        tests = [index for index, statement in enumerate(node.body)
                 if isinstance(statement, ast.If) and statement.body and isinstance(statement.body[-1], ast.Return)]
        if self.position < len(tests) - 1:
            last = tests[-1]
            moved = node.body[tests[self.position]]
            node.body = [s for index, s in enumerate(node.body) if index != tests[self.position]]
            node.body.insert(last, moved)  # one place earlier after the removal: right after the last test
        return node


class _AbsoluteScale(ast.NodeTransformer):
    """max(1, s) → 1 (builtin max or np.maximum of a constant and a scale): a relative threshold made absolute."""

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if ((isinstance(node.func, ast.Name) and node.func.id == "max") or _is_numpy(node.func, "maximum")) \
                and len(node.args) == 2 and not node.keywords:
            constants = [argument for argument in node.args if isinstance(argument, ast.Constant)]
            if len(constants) == 1:
                return constants[0]
        return node


class _OneSided(ast.NodeTransformer):
    """|v| ≤ t → a test on one side only: 0 ≤ v ≤ t ("positive"), −t ≤ v ≤ 0 ("negative"), or v ≤ t ("none")."""

    def __init__(self, side: str):
        self.side = side

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        left = node.left
        if len(node.ops) == 1 and isinstance(node.ops[0], ast.Lt | ast.LtE) and isinstance(left, ast.Call) \
                and len(left.args) == 1 and (_is_numpy(left.func, "abs") or (
                    isinstance(left.func, ast.Name) and left.func.id == "abs")):
            value = left.args[0]
            bound = ast.Compare(value, node.ops, node.comparators)
            if self.side == "none":
                return bound
            if self.side == "negative":
                bound = ast.Compare(ast.UnaryOp(ast.USub(), value), node.ops, node.comparators)
            sign = ast.Compare(value, [ast.GtE() if self.side == "positive" else ast.LtE()], [ast.Constant(0)])
            return ast.BinOp(sign, ast.BitAnd(), bound)
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


class _WholeArray(ast.NodeTransformer):
    """`a[i] += h` → `a += h`: a change meant for one entry made to every entry (every coordinate nudged)."""

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        if isinstance(node.target, ast.Subscript) and isinstance(node.target.value, ast.Name):
            return ast.AugAssign(ast.Name(node.target.value.id, ast.Store()), node.op, node.value)
        return node


def _is_norm(node: ast.AST) -> bool:
    """`np.linalg.norm(v)` (one argument)."""
    return isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords \
        and isinstance(node.func, ast.Attribute) and node.func.attr == "norm" \
        and _is_numpy(node.func.value, "linalg")


def _is_hypot(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and len(node.args) == 2 and not node.keywords and _is_numpy(node.func, "hypot")


def _numpy_call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(ast.Attribute(ast.Name("np", ast.Load()), name, ast.Load()), list(args), [])


class _AbsoluteDropped(ast.NodeTransformer):
    """`np.abs(v)` or `abs(v)` → `v`: signed values where their sizes are asked for."""

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if len(node.args) == 1 and not node.keywords and (
                _is_numpy(node.func, "abs") or (isinstance(node.func, ast.Name) and node.func.id == "abs")):
            return node.args[0]
        return node


class _FromOrigin(ast.NodeTransformer):
    """`np.linalg.norm(a - b)` → `np.linalg.norm(a)`: a distance measured from the origin, not from b."""

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if _is_norm(node) and isinstance(node.args[0], ast.BinOp) and isinstance(node.args[0].op, ast.Sub):
            return ast.Call(node.func, [node.args[0].left], [])
        return node


class _OtherLength(ast.NodeTransformer):
    """A Euclidean length made another: its square ("squared"), or the sum of the sizes ("l1")."""

    def __init__(self, kind: str):
        self.kind = kind

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if _is_norm(node):
            parts = node.args[0]
            if self.kind == "squared":
                return _numpy_call("sum", _numpy_call("square", parts))
            return _numpy_call("sum", _numpy_call("abs", parts))
        if _is_hypot(node):
            a, b = node.args
            if self.kind == "squared":
                return ast.BinOp(ast.BinOp(a, ast.Mult(), copy.deepcopy(a)), ast.Add(),
                                 ast.BinOp(b, ast.Mult(), copy.deepcopy(b)))
            return ast.BinOp(_numpy_call("abs", a), ast.Add(), _numpy_call("abs", b))
        return node


def _one_minus(node: ast.AST) -> str | None:
    """The name `a` of `1 - a` (1.0 too), else None."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and isinstance(node.left, ast.Constant) \
            and node.left.value == 1 and isinstance(node.right, ast.Name):
        return node.right.id
    return None


def _activation_derivative_made(node: ast.BinOp, made: Callable[[str], ast.expr | None]) -> ast.AST:
    """`a * (1 - a)` (or a chain `x * a * (1 - a)` ending with it) with that factor replaced by `made(a)`; the
    node unchanged where it is no such product or `made` gives None."""
    name = _one_minus(node.right) if isinstance(node.op, ast.Mult) else None
    if name is None:
        return node
    if isinstance(node.left, ast.Name) and node.left.id == name:  # a * (1 - a)
        return made(name) or node
    left = node.left  # x * a * (1 - a): the chain's last factor is a
    if isinstance(left, ast.BinOp) and isinstance(left.op, ast.Mult) and isinstance(left.right, ast.Name) \
            and left.right.id == name:
        replacement = made(name)
        return node if replacement is None else ast.BinOp(left.left, ast.Mult(), replacement)
    return node


class _ActivationDerivative(ast.NodeTransformer):
    """`a * (1 - a)`, the sigmoid's derivative written from its value, made another: tanh's `1 - a**2`
    ("tanh"), or one of its two factors alone ("a", "1 - a")."""

    def __init__(self, kind: str):
        self.kind = kind

    def _made(self, name: str) -> ast.expr:
        if self.kind == "tanh":
            return _expr(f"(1 - {name} ** 2)")
        return _expr(name if self.kind == "a" else f"(1 - {name})")

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        return _activation_derivative_made(node, self._made)


class _OwnTransform(ast.NodeTransformer):
    """Base of the transforms that change the exercise's own function only and say what they changed (`detail`,
    an argument's name or a number: nothing of the reference's own locals)."""

    def __init__(self) -> None:
        self.parameters: list[str] = []
        self.detail = ""

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        if not self.parameters:  # the function itself, not one it defines
            self.parameters = [argument.arg for argument in node.args.args]
        self.generic_visit(node)
        return node


class _FactorLeftOut(_OwnTransform):
    """The `position`-th factor of a product that is an argument (as given, or made an array with np.asarray or
    np.array) or a number other than 0 and ±1, left out: `a * x` → `a`."""

    def __init__(self, position: int):
        super().__init__()
        self.position, self.seen = position, 0

    def _named(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name) and node.id in self.parameters:
            return node.id
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float) \
                and not isinstance(node.value, bool) and node.value not in (0, 1, -1):
            return ast.unparse(node)
        if isinstance(node, ast.Call) and (_is_numpy(node.func, "asarray") or _is_numpy(node.func, "array")) \
                and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id in self.parameters:
            return node.args[0].id
        return None

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(node.op, ast.Mult):
            return node
        for factor, other in ((node.left, node.right), (node.right, node.left)):
            named = self._named(factor)
            if named is not None:
                self.seen += 1
                if self.seen - 1 == self.position:
                    self.detail = named
                    return other
        return node


class _DivisorLeftOut(_FactorLeftOut):
    """The `position`-th divisor that is an argument, a number other than 0 and ±1, or a product of them
    (`2 * h`), left out: `d / (2 * h)` → `d`."""

    def _divisor(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            parts = [self._divisor(node.left), self._divisor(node.right)]
            return ast.unparse(node) if all(parts) and any(p in self.parameters for p in _read(node)) else None
        return self._named(node)

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(node.op, ast.Div):
            return node
        named = self._divisor(node.right)
        if named is not None:
            self.seen += 1
            if self.seen - 1 == self.position:
                self.detail = named
                return node.left
        return node


class _DerivativeAt(_OwnTransform):
    """`a * (1 - a)`, the sigmoid's derivative written from the activation's value, written with the
    `position`-th argument instead: p·(1 − p), or σ(p)·(1 − σ(p)) (`through_sigmoid`); position PRE_ACTIVATION:
    with the neuron's pre-activation z = w·x + b (of the arguments w, b and x), z·(1 − z)."""

    PRE_ACTIVATION = -1

    def __init__(self, position: int, through_sigmoid: bool):
        super().__init__()
        self.position, self.through_sigmoid = position, through_sigmoid

    def _made(self) -> ast.expr | None:
        if self.position == self.PRE_ACTIVATION:
            if self.through_sigmoid or not {"w", "b", "x"} <= set(self.parameters):
                return None
            self.detail = "z·(1 − z), with the pre-activation z itself"
            z = "(w * np.asarray(x, dtype=float) + b)"
            return _expr(f"({z} * (1 - {z}))")
        if self.position >= len(self.parameters):
            return None
        name = self.parameters[self.position]
        self.detail = f"σ({name})·(1 − σ({name})), σ' taken at {name} instead of at z" if self.through_sigmoid \
            else f"{name}·(1 − {name})"
        value = f"np.asarray({name}, dtype=float)"
        value = f"sigmoid({value})" if self.through_sigmoid else value
        return _expr(f"({value} * (1 - {value}))")

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        return _activation_derivative_made(node, lambda name: self._made())


_SUMMING = frozenset({"sum", "mean", "nansum", "nanmean"})


class _AbsoluteForSquare(_OwnTransform):
    """`e ** 2` or `np.square(e)` → `np.abs(e)` where the squares are added up (inside a sum or a mean, or added
    to a total with `+=`): sizes added up where squares belong (an L1 sum). A square that is not added up (a step
    h² in a denominator) is no such slip (red team round 48, 01)."""

    def __init__(self) -> None:
        super().__init__()
        self.summing = 0

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if self.summing and isinstance(node.op, ast.Pow) and isinstance(node.right, ast.Constant) \
                and node.right.value == 2:
            return _expr(f"np.abs({ast.unparse(node.left)})")
        return node

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        adds = isinstance(node.op, ast.Add)
        self.summing += adds
        self.generic_visit(node)
        self.summing -= adds
        return node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        function = node.func
        adds = (function.id if isinstance(function, ast.Name) else function.attr
                if isinstance(function, ast.Attribute) else "") in _SUMMING
        self.summing += adds
        self.generic_visit(node)
        self.summing -= adds
        if self.summing and _is_numpy(node.func, "square") and len(node.args) == 1 and not node.keywords:
            return _expr(f"np.abs({ast.unparse(node.args[0])})")
        return node


class _Reordered(ast.NodeTransformer):
    """`np.concatenate([a, b, c])` with its parts in another order (`order`, for as many parts as it names)."""

    def __init__(self, order: tuple[int, ...]):
        self.order = order

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if _is_numpy(node.func, "concatenate") and node.args and isinstance(node.args[0], ast.List | ast.Tuple) \
                and len(node.args[0].elts) == len(self.order):
            parts = node.args[0].elts
            node.args[0].elts = [parts[index] for index in self.order]
        return node


# Every other order of two, three or four parts joined together.
_OTHER_ORDERS = tuple(order for size in (2, 3, 4) for order in itertools.permutations(range(size))
                      if order != tuple(range(size)))


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


# ----- value operators (the reference's value, and the check's arguments) --------------------------------------


def _numbers(value: Any) -> np.ndarray | None:
    if isinstance(value, str | bool) or callable(value):
        return None
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    return array


def _transposed(value: Any, arguments: tuple[Any, ...]) -> Any:
    """The transpose of a matrix, a square one too (hidden grids may be square: a transposed surface, named on the
    other checks, was left unnamed where one was); a symmetric one is its own, which is no evidence."""
    array = np.asarray(value, dtype=float)
    return array.T if array.ndim == 2 else None


def _both_axes_reversed(value: Any, arguments: tuple[Any, ...]) -> Any:
    """A square matrix with its rows and its columns both in reverse order, as a Hessian written for the variables
    in the other order is (the last one first); a matrix symmetric about its other diagonal is its own, which is no
    evidence."""
    array = np.asarray(value, dtype=float)
    return array[::-1, ::-1] if array.ndim == 2 and array.shape[0] == array.shape[1] > 1 else None


_CRITICAL_POINT_LABELS = frozenset({"minimum", "maximum", "saddle", "degenerate"})


def _determinant_test(zero: str, sign_of: str) -> Callable[[Any, tuple[Any, ...]], Any]:
    """The label the 2×2 determinant test gives a square matrix (the first argument), where the reference's answer
    is a critical point's label: det < 0 a saddle, det > 0 a minimum or a maximum by the sign of the trace or of
    H[0, 0] (or always a minimum), det "zero" (exactly, or under 1e-8) degenerate. None elsewhere."""
    def label(value: Any, arguments: tuple[Any, ...]) -> Any:
        if not isinstance(value, str) or value not in _CRITICAL_POINT_LABELS or not arguments:
            return None
        try:
            matrix = np.asarray(arguments[0], dtype=float)
        except (TypeError, ValueError):
            return None
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or not np.all(np.isfinite(matrix)):
            return None
        det = float(np.linalg.det(matrix))
        if (det == 0.0) if zero == "exact" else abs(det) <= 1e-8:
            return "degenerate"
        if det < 0:
            return "saddle"
        if sign_of == "none":
            return "minimum"
        sign = float(np.trace(matrix)) if sign_of == "trace" else float(matrix[0, 0])
        return "minimum" if sign > 0 else "maximum"
    return label


def _columns_swapped(value: Any, arguments: tuple[Any, ...]) -> Any:
    """A table of pairs (shape (n, 2): a path of (m, c), of (w, b)) with its two columns in the other order."""
    array = np.asarray(value, dtype=float)
    return array[:, ::-1] if array.ndim == 2 and array.shape[1] == 2 else None


def _swapped_pair(value: Any, arguments: tuple[Any, ...]) -> Any:
    if isinstance(value, tuple | list) and len(value) == 2:
        return type(value)(reversed(value))
    return None


def _float32(value: Any, arguments: tuple[Any, ...]) -> Any:
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


def _elementwise(function: Callable[[np.ndarray], np.ndarray]) -> Callable[[Any, tuple[Any, ...]], Any]:
    """A transform of every number of the value, keeping its form (a float, a tuple of floats or an array)."""

    def transform(value: Any, arguments: tuple[Any, ...]) -> Any:
        if isinstance(value, tuple):
            return tuple(float(function(np.asarray(item, dtype=float))) for item in value)
        array = np.asarray(value, dtype=float)
        return function(array) if array.ndim else float(function(array))

    return transform


def _rounded(decimals: int) -> Callable[[Any, tuple[Any, ...]], Any]:
    return _elementwise(lambda array: np.round(array, decimals))


def _rows_aliased(first_kept: bool) -> Callable[[Any, tuple[Any, ...]], Any]:
    def transform(value: Any, arguments: tuple[Any, ...]) -> Any:
        array = np.asarray(value, dtype=float)
        if array.ndim != 2 or array.shape[0] < 3:
            return None
        aliased = array.copy()
        aliased[1 if first_kept else 0:] = array[-1]
        return aliased

    return transform


def _one_row_behind(value: Any, arguments: tuple[Any, ...]) -> Any:
    array = np.asarray(value, dtype=float)
    if array.ndim != 2 or array.shape[0] < 3:
        return None
    return np.vstack([array[:1], array[:-1]])


def _one_row_ahead(fill: str) -> Callable[[Any, tuple[Any, ...]], Any]:
    """Row k holds row k + 1 (the start row lost); the last row left at zero or repeated."""

    def transform(value: Any, arguments: tuple[Any, ...]) -> Any:
        array = np.asarray(value, dtype=float)
        if array.ndim != 2 or array.shape[0] < (1 if fill == "zero" else 3):
            return None
        last = np.zeros_like(array[:1]) if fill == "zero" else array[-1:]
        return np.vstack([array[1:], last])

    return transform


def _diagonal(value: Any, arguments: tuple[Any, ...]) -> Any:
    """What pairing two lists element by element (zip) gives where a grid of every pair is asked for: a grid whose
    two sides are the lengths of two of the arguments (not any square matrix: a Hessian's diagonal alone was told
    "your grid pairs the two lists", red team round 51, 05)."""
    array = np.asarray(value, dtype=float)
    if array.ndim != 2 or min(array.shape) < 2:
        return None
    lengths = [len(argument) for argument in arguments if isinstance(argument, list | tuple | np.ndarray)
               and np.ndim(argument) == 1]
    sides = list(array.shape)
    return np.diagonal(array).copy() if _two_of(lengths, sides) else None


def _two_of(lengths: list[int], sides: list[int]) -> bool:
    """Are both sides of a grid the lengths of two different arguments?"""
    rest = list(lengths)
    for side in sides:
        if side not in rest:
            return False
        rest.remove(side)
    return True


def _array_of_results(value: Any) -> np.ndarray | None:
    """The value, where it is a 1-D array of at least three results (one per input), else None."""
    return value.astype(float) if isinstance(value, np.ndarray) and value.ndim == 1 and value.size >= 3 else None


def _one_off(shift: int) -> Callable[[Any, tuple[Any, ...]], Any]:
    def transform(value: Any, arguments: tuple[Any, ...]) -> Any:
        array = _array_of_results(value)
        return None if array is None else np.roll(array, shift)

    return transform


def _running_total(value: Any, arguments: tuple[Any, ...]) -> Any:
    array = _array_of_results(value)
    return None if array is None else np.cumsum(array)


def _sorted(descending: bool) -> Callable[[Any, tuple[Any, ...]], Any]:
    def transform(value: Any, arguments: tuple[Any, ...]) -> Any:
        array = _array_of_results(value)
        if array is None:
            return None
        return np.sort(array)[::-1].copy() if descending else np.sort(array)

    return transform


def _one_entry_updated(position: int) -> Callable[[Any, tuple[Any, ...]], Any]:
    """The first argument of the result's shape, with only one entry replaced by the result's: an update of
    one weight where every weight moves."""

    def transform(value: Any, arguments: tuple[Any, ...]) -> Any:
        result = _numbers(value)
        if result is None or result.ndim != 1 or result.size < 2:
            return None
        for argument in arguments:
            array = _numbers(argument)
            if array is not None and array.shape == result.shape:
                updated = array.copy()
                updated[position] = result[position]
                return updated
        return None

    return transform


def _change_from() -> Callable[[Any, tuple[Any, ...]], Any]:
    """The result minus the first argument of its shape: the change from where the function starts where the new
    value belongs (an update's step for the new weights). None where no argument has the result's shape, or where
    it is all zeros (no evidence)."""

    def transform(value: Any, arguments: tuple[Any, ...]) -> Any:
        result = _numbers(value)
        if result is None or result.size == 0:
            return None
        for argument in arguments:
            array = _numbers(argument)
            if array is not None and array.shape == result.shape and not isinstance(argument, bool):
                return None if not np.any(array) else result - array
        return None

    return transform


def _reduced(how: str) -> Callable[[Any, tuple[Any, ...]], Any]:
    """The right answer, an array of several numbers, reduced to less: its length (`norm`), the sum of its entries
    (`sum`), its determinant (`det`, a square matrix), or its last row or entry (`last`). None where it is one number
    already."""

    def transform(value: Any, arguments: tuple[Any, ...]) -> Any:
        array = _numbers(value)
        if array is None or array.ndim == 0 or array.size < 2:
            return None
        if how == "norm":
            return float(np.linalg.norm(array))
        if how == "sum":  # of a vector only: a matrix's sum is 1ᵀH1, a step along every axis at once (round 51, 03)
            return float(np.sum(array)) if array.ndim == 1 else None
        if how == "det":
            return float(np.linalg.det(array)) if array.ndim == 2 and array.shape[0] == array.shape[1] else None
        if how == "ratio":
            return float(array[0] / array[1]) if array.shape == (2,) and array[1] != 0 else None
        if how == "argmin":
            return int(np.argmin(array)) if array.ndim == 1 else None
        if how == "best argument":  # the entry of an argument of the same length at the smallest value's place
            for argument in arguments:
                candidates = _numbers(argument)
                if candidates is not None and candidates.shape == array.shape and array.ndim == 1:
                    return float(candidates[int(np.argmin(array))])
            return None
        return array[-1]

    return transform


def _count_shifted(delta: int) -> Callable[[Any, tuple[Any, ...]], Any]:
    """A count (a whole number, 0 or more; a negative one is a sentinel such as −1 and left alone) `delta` off."""

    def transform(value: Any, arguments: tuple[Any, ...]) -> Any:
        if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer) or value < 0:
            return None
        return int(value) + delta

    return transform


# ----- call operators (the reference called with changed arguments) -------------------------------------------


def _parameters(exercise: Exercise) -> list[inspect.Parameter]:
    return list(inspect.signature(getattr(kit.solution_module(exercise.module), exercise.function)).parameters.values())


@cache
def _counted(module: str, function: str) -> frozenset[str]:
    """The reference function's parameters that count steps: those read inside a range(...) call."""
    tree = ast.parse(kit.solution_source(module))
    definition = next(node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == function)
    return frozenset(name for node in ast.walk(definition) if isinstance(node, ast.Call)
                     and isinstance(node.func, ast.Name) and node.func.id == "range" for name in _read(node))


def _integer_shifted(counts: bool, delta: int) -> Callable[[Exercise, Case], list[Call]]:
    """The case with one integer argument shifted by `delta`: a step count (`counts`: a parameter read in a
    range(...) of the reference) or an index (any other integer parameter)."""

    def calls(exercise: Exercise, case: Case) -> list[Call]:
        counted = _counted(exercise.module, exercise.function)
        out = []
        for index, parameter in enumerate(_parameters(exercise)[:len(case.args)]):
            argument = case.args[index]
            if isinstance(argument, int) and not isinstance(argument, bool) and (parameter.name in counted) == counts:
                args = (*case.args[:index], argument + delta, *case.args[index + 1:])
                out.append(Call(parameter.name, Case(args, case.kwargs), degenerate=argument + delta < 0 and counts))
        return out

    return calls


def _number_changed(change: Callable[[float], float], integers: bool = False) -> Callable[[Exercise, Case], list[Call]]:
    """The case with one number argument changed: taken as 0, or negated. A float only, or (`integers`) an
    integer too: a count or an index taken as 0 is ignored as well (a negated count is no slip a student makes)."""

    def calls(exercise: Exercise, case: Case) -> list[Call]:
        out = []
        for index, parameter in enumerate(_parameters(exercise)[:len(case.args)]):
            argument = case.args[index]
            number = isinstance(argument, float) or (integers and isinstance(argument, int | np.integer)
                                                     and not isinstance(argument, bool | np.bool_))
            if number and argument != 0:
                args = (*case.args[:index], change(argument), *case.args[index + 1:])
                out.append(Call(parameter.name, Case(args, case.kwargs)))
        return out

    return calls


def _number_ignored_in_one_part(exercise: Exercise, case: Case) -> list[Call]:
    """For a function that returns a few numbers (its `returns`): one of them computed as if one number argument
    were 0, the others right (an intercept taken at x = 0 where x0 belongs)."""
    if len(exercise.returns) < 2 or exercise.return_sizes:  # parts of one array: not values of a tuple
        return []
    return [Call(f"{part} is computed as if {call.detail} were 0", call.case, part=index)
            for call in _number_changed(lambda value: 0 * value, integers=True)(exercise, case)
            for index, part in enumerate(exercise.returns)]


def _in_part(reference: Any, changed: Any, part: int | None) -> Any:
    """`changed` where `part` is None; else the reference with its `part`-th value taken from `changed`."""
    if part is None:
        return changed
    if not isinstance(reference, tuple | list) or not isinstance(changed, tuple | list) \
            or len(reference) != len(changed) or part >= len(reference):
        return _MISSING
    values = list(reference)
    values[part] = changed[part]
    return type(reference)(values)


def _point_left_out(first: bool) -> Callable[[Exercise, Case], list[Call]]:
    """The case with the first (or last) entry of every data array left out (the 1-D arrays of one length, at
    least three long): a loop bound off by one."""

    def calls(exercise: Exercise, case: Case) -> list[Call]:
        arrays = [index for index, argument in enumerate(case.args)
                  if isinstance(argument, np.ndarray | list) and np.ndim(argument) == 1 and len(argument) >= 3]
        lengths = {len(case.args[index]) for index in arrays}
        if not arrays or len(lengths) != 1:
            return []
        kept = slice(1, None) if first else slice(None, -1)
        args = [np.asarray(argument)[kept] if index in arrays else argument for index, argument in enumerate(case.args)]
        return [Call("first" if first else "last", Case(tuple(args), case.kwargs))]

    return calls


def _truncated_inputs(exercise: Exercise, case: Case) -> list[Call]:
    """The case with some of its number arguments truncated to integers: every nonempty subset of them (at
    most four; one at a time beyond), named by their positions. Where truncation turns an argument to zeros,
    the call is degenerate there, so that check does not count as evidence: nothing could tell it from an
    argument ignored (a learning rate truncated to 0 is a step that does not move)."""
    candidates = [index for index, argument in enumerate(case.args)
                  if (array := _numbers(argument)) is not None and array.size and bool(np.all(np.isfinite(array)))]
    subsets = [subset for size in range(1, len(candidates) + 1)
               for subset in itertools.combinations(candidates, size)] if len(candidates) <= 4 \
        else [(index,) for index in candidates]
    out = []
    for subset in subsets:
        args = list(case.args)
        degenerate = False
        for index in subset:
            truncated = np.trunc(np.asarray(args[index], dtype=float))
            degenerate |= not np.any(truncated) and bool(np.any(np.asarray(args[index], dtype=float)))
            args[index] = truncated if np.ndim(args[index]) else float(truncated)
        out.append(Call(",".join(map(str, subset)), Case(tuple(args), case.kwargs), degenerate))
    return out


def _at_default(exercise: Exercise, case: Case) -> list[Call]:
    """The case with each argument that has a default set to it (the case itself where it is not given or is
    the default), named by the parameter."""
    out = []
    for index, parameter in enumerate(_parameters(exercise)):
        if parameter.default is inspect.Parameter.empty:
            continue
        if parameter.name in case.kwargs:
            changed = Case(case.args, {**case.kwargs, parameter.name: parameter.default})
        elif index < len(case.args):
            changed = Case((*case.args[:index], parameter.default, *case.args[index + 1:]), case.kwargs)
        else:
            changed = case
        out.append(Call(parameter.name, changed))
    return out


THRESHOLDS = tuple(10.0 ** -power for power in range(3, 13))

OPERATORS = (
    Operator("one step fewer", "your loop runs one time fewer than it should: one step (or entry) short, an "
             "off-by-one (mind where range starts and stops)",
             sources=(lambda: _RangeStop(-1),), calls=_integer_shifted(counts=True, delta=-1)),
    Operator("one step more", "your loop runs one time more than it should: one step too many, an off-by-one "
             "(mind where range starts and stops)",
             sources=(lambda: _RangeStop(+1),), calls=_integer_shifted(counts=True, delta=+1)),
    Operator("index off by one", "you use the entry one place before or after the one asked for: an off-by-one "
             "index ({detail} − 1 or {detail} + 1 where {detail} belongs)",
             calls=lambda exercise, case: [*_integer_shifted(counts=False, delta=-1)(exercise, case),
                                           *_integer_shifted(counts=False, delta=+1)(exercise, case)]),
    Operator("argument ignored", "your function ignores {detail}: it behaves as if {detail} were 0; use the "
             "{detail} it is given", calls=_number_changed(lambda value: 0 * value, integers=True),
             input_is_no_evidence=True),
    Operator("sign of an argument", "the sign of {detail} is flipped: your result is what −{detail} gives; check "
             "the sign with which {detail} enters your formula", calls=_number_changed(lambda value: -value)),
    Operator("data point left out", "your result leaves out the first or the last data point: a loop bound off "
             "by one; use every point (range(len(x)) starts at 0 and stops after the last)",
             calls=lambda exercise, case: [*_point_left_out(True)(exercise, case),
                                           *_point_left_out(False)(exercise, case)]),
    Operator("learning rate applied twice", "your steps are twice as long as they should be: the learning rate "
             "is applied twice (each update is learning_rate times the gradient, once)",
             sources=(lambda: _ReplaceName("learning_rate", _times(ast.Constant(2))),)),
    Operator("learning rate squared", "your steps use learning_rate² instead of learning_rate: the learning "
             "rate is applied twice", sources=(lambda: _ReplaceName(
                 "learning_rate", lambda name: ast.BinOp(name, ast.Pow(), ast.Constant(2))),)),
    Operator("divided by the learning rate", "your step divides the gradient by the learning rate; the step is "
             "the learning rate times the gradient (multiply, do not divide)", sources=(lambda: _ReplaceName(
                 "learning_rate", lambda name: ast.BinOp(ast.Constant(1.0), ast.Div(), name)),)),
    Operator("mean instead of sum", "your result behaves as a mean where a sum is asked for (np.mean, or "
             "divided by n): the SSE and its gradient are sums", sources=(lambda: _Attribute("sum", "mean"),)),
    Operator("half the sum", "your result is half of the sum asked for: ½·Σ, the halved loss some textbooks use "
             "to simplify its derivative (or a factor 2 dropped from its gradient); the SSE is the plain sum Σ",
             sources=(_HalfSum,)),
    Operator("step 2h", "your difference steps 2h to each side: use the points x ± h with the h given",
             sources=(lambda: _ReplaceName("h", _times(ast.Constant(2))),)),
    Operator("step h/2", "your difference steps only h/2 to each side: use the points x ± h with the h given",
             sources=(lambda: _ReplaceName("h", lambda name: ast.BinOp(name, ast.Div(), ast.Constant(2))),)),
    Operator("divided by h instead of 2h", "the two points x − h and x + h are 2h apart: divide the difference by "
             "2h, not by h", sources=(_DivideByH,)),
    Operator("forward difference", "your estimate is a forward difference (f(x + h) − f(x)) / h; the central "
             "difference steps to both sides: (f(x + h) − f(x − h)) / (2h)", sources=(_Forward,)),
    Operator("every entry changed", "every entry of the array is changed where only one should be (p + h moves "
             "every coordinate of a point, where p + h·eᵢ moves coordinate i alone): change only the entry asked "
             "for", sources=(_WholeArray,)),
    Operator("tanh's derivative", "the activation's derivative is tanh's, 1 − a², where the sigmoid's belongs: "
             "for a = σ(z), σ'(z) = a·(1 − a)", sources=(lambda: _ActivationDerivative("tanh"),)),
    Operator("half of the sigmoid's derivative", "one factor of the sigmoid's derivative is missing: for a = σ(z), "
             "σ'(z) = a·(1 − a), both factors", sources=(lambda: _ActivationDerivative("a"),
                                                          lambda: _ActivationDerivative("1 - a"))),
    Operator("parts in another order", "your result holds the right parts joined in another order: join them in "
             "the order the docstring gives", sources=tuple(functools.partial(_Reordered, order)
                                                           for order in _OTHER_ORDERS)),
    Operator("absolute value dropped", "your result keeps the signs where sizes are asked for: take the "
             "absolute value (np.abs) of each", sources=(_AbsoluteDropped,)),
    Operator("distance from the origin", "you measure the distance from the origin (the length of the point "
             "itself), not from the point it is to be measured from: take the length of the difference",
             sources=(_FromOrigin,)),
    Operator("length squared", "your length is squared (a² + b², no square root): the length of (a, b) is "
             "√(a² + b²)", sources=(lambda: _OtherLength("squared"),)),
    Operator("sum of the sizes", "your length adds the sizes |a| + |b| (the L1 length); the length of (a, b) is "
             "√(a² + b²)", sources=(lambda: _OtherLength("l1"),)),
    Operator("argument left at its default", "your function ignores {detail}: it behaves as if {detail} had its "
             "default value (a fixed value used instead of the {detail} given, or {detail} not passed on to the "
             "function it calls); use the {detail} it is given", calls=_at_default),
    Operator("truncated to integers", "values are truncated to integers (int(...) or an integer dtype) where "
             "floats are needed", sources=(lambda: _Conversions(truncate=True),), calls=_truncated_inputs),
    Operator("integers kept as integers", "an array made from integers stays an integer array, so adding a "
             "small step to it rounds the step away: convert with dtype=float",
             sources=(lambda: _Conversions(truncate=False),)),
    Operator("sequential update", "your weights are updated one after the other, each from a gradient taken at "
             "the weights already changed (a sequential update); gradient descent updates every weight at the "
             "same time, from the gradient taken once at the current point",
             sources=(lambda: _CoordinateUpdate("range(len({W}))"),
                      lambda: _CoordinateUpdate("range(len({W}) - 1, -1, -1)"))),
    Operator("only one weight updated", "only one of your weights is updated; the other stays where it started: "
             "in every step all the weights move (both weights of a line, slope and intercept), each by "
             "learning_rate times its own partial derivative",
             sources=(lambda: _CoordinateUpdate("[0]"), lambda: _CoordinateUpdate("[len({W}) - 1]")),
             values=(_one_entry_updated(0), _one_entry_updated(-1))),
    Operator("gradient evaluated once", "every step reuses the gradient (the slope) taken at the starting point; "
             "evaluate it again at the current point in each step",
             sources=(_EvaluatedOnce,)),
    Operator("update not carried forward", "your answer is one step from the start, whatever the number of "
             "steps: the steps do not go on from one another (a new value computed but never assigned back to the "
             "variable the next step reads, or a `return` inside the loop); each step must start from where the "
             "last one ended, and the answer come after the last step",
             sources=(_NeverCarried,)),
    Operator("stops early", "your loop stops before making all of its steps (a stopping test on the size of the "
             "step or of the gradient); make exactly the number of steps asked for",
             sources=tuple(lambda kind=kind, threshold=threshold: _EarlyStop(kind, threshold)
                           for kind in ("step", "taken", "gradient") for threshold in THRESHOLDS)),
    Operator("iterates averaged", "your answer is the average of the points your loop went through, not the "
             "point where its last step ends: gradient descent's answer is its last iterate",
             sources=(lambda: _IteratesAveraged(start_included=True), lambda: _IteratesAveraged(start_included=False))),
    Operator("every iterate returned", "your answer holds every point your loop went through; the answer asked "
             "for is the last one alone, where the last step ends", sources=(_IteratesReturned,)),
    Operator("the change for the new value", "your answer is the change (the step) from the value the function "
             "is given, not the new value that change leads to: add the change to the value given",
             values=(_change_from(),)),
    Operator("the length for the vector", "your answer is the length (the norm) of the right one, one number, "
             "where the vector itself is asked for", values=(_reduced("norm"),)),
    Operator("the sum for the entries", "your answer is the sum of the right one's entries, one number, where the "
             "entries themselves are asked for", values=(_reduced("sum"),)),
    Operator("the determinant for the matrix", "your answer is the determinant of the right matrix, one number, "
             "where the matrix itself is asked for", values=(_reduced("det"),)),
    Operator("the last part only", "your answer is only the last part of the right one (its last row or entry): "
             "the whole of it is asked for", values=(_reduced("last"),)),
    Operator("the ratio for the pair", "your answer is the ratio of the right answer's two values, one number, "
             "where the two values themselves are asked for", values=(_reduced("ratio"),)),
    Operator("the best place for every value", "your answer is the position of the smallest of the right answer's "
             "values, where every value is asked for", values=(_reduced("argmin"),)),
    Operator("the best candidate for every value", "your answer is the candidate with the smallest value (the best "
             "one), where the value for every candidate is asked for", values=(_reduced("best argument"),)),
    Operator("kept the smallest candidate", "your search keeps the smallest x (it compares the candidates "
             "themselves), not the one where the function is lowest: compare f at each candidate",
             sources=(lambda: _Selection("itself"),)),
    # what the answers show, with what to check, never a cause the code may not hold (a `return` in the loop, a best
    # never stored, nothing compared all give it: red team rounds 48, 02 and 50, 07)
    Operator("first candidate kept", "your answer is always the first candidate (the first start's end point, or "
             "the grid's first cell), whichever is best: check that your search looks at every candidate and keeps "
             "(stores) the best one it finds", sources=(lambda: _Selection("first"),)),
    Operator("last candidate kept", "your answer is always the last candidate (the last start's end point, or the "
             "grid's last cell), whichever is best: check that a candidate replaces the best one only where it is "
             "better", sources=(lambda: _Selection("last"),)),
    Operator("compared the derivative", "your search chooses the candidate by the slope there (the derivative), "
             "not by where the function itself is lowest; a flat point can be a maximum or a higher valley: "
             "compare the function's values",
             sources=tuple(lambda position=position, absolute=absolute: _OtherKey(position, absolute)
                           for position in range(6) for absolute in (True, False))),
    Operator("pairs instead of a grid", "your grid pairs the two lists element by element (as zip does) instead "
             "of combining every value of one with every value of the other: build all pairs (a double loop, or "
             "np.meshgrid)", values=(_diagonal,)),
    Operator("sum over the wrong axis", "your sum runs over the wrong axis of the array: check which axis holds "
             "the terms to add up (the axis= of np.sum)", sources=tuple(lambda axis=axis: _Axis(axis)
                                                                        for axis in (0, 1, 2, -1))),
    Operator("labels swapped", "two of your labels are swapped: each of the two cases returns the other's label "
             "(the labels written in each other's place, or a sign flipped in what is tested, as the eigenvalues of "
             "−H for those of H); check which case each label names and what each test reads",
             sources=tuple(lambda pair=pair: _SwapLabels(*pair) for pair in itertools.combinations(range(5), 2))),
    Operator("test in the wrong order", "the order of the tests is wrong: a case that must be decided first "
             "(before the others can claim it) is tested after them; test it first",
             sources=tuple(lambda position=position: _TestLater(position) for position in range(4))),
    Operator("absolute threshold", "your test for a number being (numerically) zero uses a fixed, absolute "
             "threshold; the one asked for is relative: it grows with the size of the largest value",
             sources=(_AbsoluteScale,)),
    Operator("one-sided threshold", "your test for a number being (numerically) zero looks at one side only: a "
             "value counts as zero when its absolute value is below the threshold, whether it is slightly "
             "positive or slightly negative", sources=tuple(lambda side=side: _OneSided(side)
                                                            for side in ("positive", "negative", "none"))),
    Operator("determinant test", "your labels follow the determinant test (det < 0: a saddle; det > 0: a minimum "
             "or a maximum by the sign of the trace or of H[0, 0]; det = 0: degenerate), which holds for 2×2 "
             "matrices only and compares det with a fixed threshold: classify by the signs of all the eigenvalues "
             "(np.linalg.eigvalsh), with the relative threshold",
             values=tuple(_determinant_test(zero, sign_of) for zero in ("exact", "absolute")
                          for sign_of in ("trace", "first", "none"))),
    Operator("any instead of all", "a test that must hold for every value holds for one of them only (or the "
             "other way round)", sources=(lambda: _Attribute("all", "any"), lambda: _Attribute("any", "all")),
             swapped_calls=(("all", "any"), ("any", "all")), hint_in_code=": np.any where np.all is needed, or "
             "np.all where np.any is", hint_otherwise=": check which values each test looks at"),
    Operator("rows and columns swapped", "your result is the transpose of the right one: rows and columns are "
             "swapped (mind which index is the row)", values=(_transposed,)),
    Operator("variables in reverse order", "your matrix holds the right values with its rows and its columns both "
             "in reverse order, as if the variables were numbered from the last: row and column i belong to the "
             "i-th variable (entry) of the arguments", values=(_both_axes_reversed,)),
    Operator("outputs swapped", "your two outputs are in the wrong order", values=(_swapped_pair,)),
    Operator("columns swapped", "each row of your result holds its two values in the other order: the columns "
             "are swapped (put them in the order the docstring gives)", values=(_columns_swapped,)),
    Operator("float32 rounding", "your result has only single precision (float32): compute in float64 (plain "
             "Python floats or NumPy's default)", values=(_float32,), rtol=2e-7, spread=3e-6,
             fingerprint=_single_precision),
    Operator("result truncated to an integer", "your result is truncated to an integer: return the float",
             values=(_elementwise(np.trunc),)),
    Operator("result rounded", "your result is rounded (to a whole number or a few decimals): return it as "
             "computed; rounding is "
             "for printing", values=tuple(_rounded(decimals) for decimals in range(0, 9))),
    Operator("rows aliased to the last", "every row (after the first) is the same as the last: the same list or "
             "array is filled again for each row and appended each time; build a new one (or append a copy) for "
             "each row", values=(_rows_aliased(first_kept=True), _rows_aliased(first_kept=False))),
    Operator("each row one step behind", "each row holds the weights one step behind: record the weights after "
             "each update", values=(_one_row_behind,)),
    Operator("each row one step ahead", "each row holds the weights one step ahead: row k holds them after k + 1 "
             "updates, so the start is missing; record the start in row 0, then the weights after each update",
             values=(_one_row_ahead("zero"), _one_row_ahead("repeat"))),
    Operator("entries one place off", "each entry is stored one place off (at index k − 1 or k + 1 instead of "
             "k), so the results are rotated by one: entry k must hold the result for input k",
             values=(_one_off(-1), _one_off(+1))),
    Operator("running total", "entry k holds the sum of the results 0..k: a running total that is never reset; "
             "compute each entry on its own", values=(_running_total,)),
    Operator("results sorted", "your results are sorted, so entry k no longer belongs to input k: keep them in "
             "the order of the inputs", values=(_sorted(descending=False), _sorted(descending=True))),
)


# Tried only where no operator above explains the answers (they overlap some of them: a factor 2 left out is
# also half the sum), and named only where one variant, naming one thing, explains them.
FALLBACK_OPERATORS = (
    Operator("factor left out", "a factor {detail} is missing in one place: your result is what the right "
             "computation gives without it; one product must also multiply by {detail}",
             sources=tuple(functools.partial(_FactorLeftOut, position) for position in range(16)),
             own_function_only=True),
    Operator("divisor left out", "your result is what the right computation gives without dividing by "
             "{detail}: one quotient must also divide by {detail}",
             sources=tuple(functools.partial(_DivisorLeftOut, position) for position in range(8)),
             own_function_only=True),
    Operator("sigmoid's derivative at another value", "your sigmoid's derivative is {detail}: for the neuron's "
             "output a = σ(z), with z = w·x + b, it is σ'(z) = a·(1 − a)",
             sources=(*(functools.partial(_DerivativeAt, position, through)
                        for position in range(6) for through in (False, True)),
                      functools.partial(_DerivativeAt, _DerivativeAt.PRE_ACTIVATION, False)),
             own_function_only=True),
    Operator("absolute values for squares", "your result adds up absolute values |r| where squares r² belong: "
             "square each term (r**2), then add them up", sources=(_AbsoluteForSquare,), own_function_only=True),
    Operator("square root taken", "your result is the square root of the right one (a root taken at the end, or "
             "np.linalg.norm, which is the root of a sum of squares): the quantity asked for has no root",
             values=(_elementwise(np.sqrt),)),
    Operator("argument ignored in one value", "{detail}: one of your returned values ignores that argument (the "
             "others are right); use the value given there too",
             calls=_number_ignored_in_one_part, input_is_no_evidence=True),
    Operator("count one too high", "your count is one more than the right one: check where counting starts and "
             "whether you count before or after the step", values=(_count_shifted(+1),)),
    Operator("count one too low", "your count is one less than the right one: check where counting starts (the "
             "first step counts as 1) and whether you count before or after the step", values=(_count_shifted(-1),)),
)
ALL_OPERATORS = OPERATORS + FALLBACK_OPERATORS
FALLBACK_NAMES = frozenset(operator.name for operator in FALLBACK_OPERATORS)


def second_tier(name: str) -> bool:
    """Is `name` a fallback operator's, a pair's or a reading of the answer's shape (the right answer inside a larger
    one, positions for values)? Their hints say what the answers show; a repair of the student's code, where one is
    found, still says where (a product `r.T * r` never summed: what it holds, and the edit that sums it)."""
    # no operator's or listed name holds PAIR_JOIN
    return name in FALLBACK_NAMES or name in _ONE_SLIP_NAMES or name in _SHAPE_READINGS \
        or name.startswith(_INSIDE) or len(name.split(PAIR_JOIN)) == 2


# ----- mutants -------------------------------------------------------------------------------------------


@cache
def _reference_functions(module: str) -> dict[str, tuple[str, types.CodeType]]:
    """Each top-level function of the reference module: its source text and its compiled form alone."""
    source = kit.solution_source(module)
    functions = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            text = ast.get_source_segment(source, node) or ""
            functions[node.name] = (text, _compiled(ast.parse(text).body[0], f"<{module}.{node.name}>"))
    return functions


def _compiled(function: ast.stmt, filename: str) -> types.CodeType:
    return compile(ast.Module([function], []), filename, "exec", flags=__future__.annotations.compiler_flag,
                   dont_inherit=True)


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


_OPERATORS_BY_NAME = {operator.name: operator for operator in ALL_OPERATORS}


class _FilledNumPy(types.ModuleType):
    """NumPy as a mutant sees it: `empty` and `empty_like` give NaN, not whatever the memory held. A reference
    that fills an `np.empty` array row by row leaves rows unwritten once a mutant takes a step fewer; their
    values would change from run to run (and could happen to be the right ones)."""

    def __init__(self) -> None:
        super().__init__("numpy")

    def __getattr__(self, name: str) -> Any:
        value = getattr(np, name)
        setattr(self, name, value)  # found in the module's own dictionary from now on
        return value

    @staticmethod
    def empty(shape: Any, dtype: Any = float, **kwargs: Any) -> np.ndarray:
        return np.full(shape, np.nan, dtype=dtype, **kwargs) if np.dtype(dtype).kind in "fc" \
            else np.zeros(shape, dtype=dtype, **kwargs)

    @staticmethod
    def empty_like(prototype: Any, dtype: Any = None, **kwargs: Any) -> np.ndarray:
        made = np.zeros_like(prototype, dtype=dtype, **kwargs)
        if made.dtype.kind in "fc":
            made[...] = np.nan
        return made


_FILLED_NUMPY = _FilledNumPy()


def _mutants_namespace(module: str) -> dict[str, Any]:
    """A copy of the reference module's namespace for mutants, with NumPy's uninitialised arrays filled."""
    namespace = dict(vars(kit.solution_module(module)))
    for name, value in namespace.items():
        if value is np:
            namespace[name] = _FILLED_NUMPY
    return namespace


@cache
def mutant(module: str, function: str, operator_name: str, variant: int = 0) -> Callable[..., Any] | None:
    """The reference `function` with the operator's source variant applied to it and to the module functions it
    calls; None where that changes nothing there (or does not compile).

    Each function reached is parsed afresh from its text and compiled alone; it changed where its code differs
    from the reference's. The functions reached are executed into a copy of the reference module's namespace, so
    they call one another's mutated forms and everything else of the reference (built in a fraction of the
    time of re-executing the whole module, which matters: a grading process builds about two thousand)."""
    operator = _OPERATORS_BY_NAME[operator_name]
    if variant >= len(operator.sources):
        return None
    codes = []
    changed = False
    for name in _reachable(module, function) & _reference_functions(module).keys():
        if operator.own_function_only and name != function:
            continue  # the reference's own form, already in the namespace
        mutated = _mutated_code(module, name, operator_name, variant)
        if mutated is None:  # a transform the reference's code does not allow explains nothing
            return None
        codes.append(mutated[0])
        changed = changed or mutated[1]
    if not changed:
        return None
    namespace = _mutants_namespace(module)
    try:
        for code in codes:
            exec(code, namespace)  # noqa: S102 - the kit's own reference, transformed by the kit
    except Exception:  # noqa: BLE001
        return None
    return namespace.get(function)


@cache
def _mutated_code(module: str, name: str, operator_name: str, variant: int) -> tuple[types.CodeType, bool, str] | None:
    """One reference function with the operator's source variant applied, compiled alone, whether its code
    differs from the reference's, and what the change names (an `_OwnTransform`'s detail, else ""); None where
    the transform fails. Built once for every mutant that reaches the function (a function called by several
    exercises' functions is changed once, not once for each)."""
    text, reference_code = _reference_functions(module)[name]
    filename = f"<{module}.{name}: {operator_name} #{variant}>"
    try:
        transform = _OPERATORS_BY_NAME[operator_name].sources[variant]()
        node = transform.visit(ast.parse(text).body[0])
        try:  # most transforms change nothing, or place what they add: no tree walk to fill in positions
            code = _compiled(node, filename)
        except (TypeError, ValueError):  # a node without a position
            code = _compiled(ast.fix_missing_locations(node), filename)
    except Exception:  # noqa: BLE001 - a transform the reference's code does not allow
        return None
    return code, code != reference_code, getattr(transform, "detail", "")


# ----- two slips at once --------------------------------------------------------------------------------------

NOT_PAIRED = frozenset({
    "stops early",  # thirty thresholds: paired, they would be most of the pairs
    # answers of another kind (a reduction, a history, the change, an average), and a search's choice among
    # candidates: another slip beside one of them makes a third reading of the same answer, one slip told as two
    # (a slope alone told "swapped" and "the last part only"; max(ends) told "the smallest x" and "the highest end":
    # red team round 51)
    "the length for the vector", "the sum for the entries", "the determinant for the matrix", "the last part only",
    "the ratio for the pair", "the best place for every value", "the best candidate for every value",
    "the change for the new value", "iterates averaged", "every iterate returned", "kept the smallest candidate",
    "first candidate kept", "last candidate kept", "compared the derivative", "pairs instead of a grid",
})
_SEPARATOR = "\x1f"


@dataclass(frozen=True)
class Pair:
    """Two operators that together explain the answers, where neither does alone: two slips in one function."""

    name: str
    hint: str


# Pairs that are one slip in the student's code: a sum over the wrong axis of an array whose axes the student laid
# out otherwise than the reference does comes out "transposed" too, although nothing was transposed. Told as the
# one slip the answers are sure of (name, hint).
ONE_SLIP_PAIRS = {
    frozenset({"rows and columns swapped", "sum over the wrong axis"}): Pair(
        "sum over the wrong axis of your own layout", "your sum runs over the wrong axis of your array: one of its "
        "axes should be added up and is kept, another is added up instead; check which axis holds the terms to "
        "add up (the axis= of np.sum), and that the axes left come out in the order asked for"),
}
_ONE_SLIP_NAMES = frozenset(pair.name for pair in ONE_SLIP_PAIRS.values())


def _applying_sources(module: str, function: str) -> list[tuple[Operator, int, str]]:
    """Every source variant that changes the function (or one it calls), with what it names."""
    found = []
    for operator in ALL_OPERATORS:
        if operator.name in NOT_PAIRED:
            continue
        for index in range(len(operator.sources)):
            if mutant(module, function, operator.name, index) is None:
                continue
            detail = ""
            if operator.own_function_only:
                mutated = _mutated_code(module, function, operator.name, index)
                detail = "" if mutated is None else mutated[2]
            found.append((operator, index, detail))
    return found


@cache
def _pair_mutant(module: str, function: str, first: tuple[str, int], second: tuple[str, int],
                 listed_body: str | None = None) -> Callable[..., Any] | None:
    """The reference `function` with two source variants applied one after the other (each to the functions it
    changes alone), or with `listed_body` (a listed mistake's) in place of its own and `second` applied to it;
    None where that fails."""
    namespace = _mutants_namespace(module)
    try:
        for name in _reachable(module, function) & _reference_functions(module).keys():
            text, reference_code = _reference_functions(module)[name]
            listed = name == function and listed_body is not None
            applied = [(operator_name, index) for operator_name, index in ((second,) if listed_body is not None
                                                                           else (first, second))
                       if not (_OPERATORS_BY_NAME[operator_name].own_function_only and name != function)]
            if not listed and len(applied) < 2:  # the reference, or one variant's change: built once already
                mutated = _mutated_code(module, name, *applied[0]) if applied else None
                if applied and mutated is None:
                    return None  # a transform the code does not allow, as for one variant alone
                if mutated is not None and mutated[1]:
                    exec(mutated[0], namespace)  # noqa: S102 - the kit's own reference, transformed by the kit
                continue
            if listed:
                text = _listed_function_text(module, function, listed_body)
                reference_code = None
            node: ast.AST = ast.parse(text).body[0]
            for operator_name, index in applied:
                node = _OPERATORS_BY_NAME[operator_name].sources[index]().visit(node)
            filename = f"<{module}.{name}: {first} + {second}>"
            try:  # most transforms place what they add: no tree walk to fill in positions
                code = _compiled(node, filename)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                code = _compiled(ast.fix_missing_locations(node), filename)  # type: ignore[arg-type]
            if code != reference_code:
                exec(code, namespace)  # noqa: S102 - the kit's own reference, transformed by the kit
    except Exception:  # noqa: BLE001 - transforms that do not compose explain nothing
        return None
    return namespace.get(function)


@cache
def _listed_function_text(module: str, function: str, body: str) -> str:
    """The source of `function` alone with a listed mistake's body in place of the reference's."""
    source = kit.variant_source(module, function, body)
    node = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == function)
    return ast.get_source_segment(source, node) or ""


@cache
def _pair_variants(module: str, function: str, listed: tuple[tuple[str, str], ...]) -> tuple[_Variant, ...]:
    """Every pair of two different operators' variants: two source variants applied together, or a source
    variant's value changed by a value variant; and each listed mistake (name, body) with one variant's change.
    Each names both parts and what each names."""
    sources = _applying_sources(module, function)
    made = []
    for (one, i, one_detail), (two, j, two_detail) in itertools.combinations(sources, 2):
        if one.name == two.name:
            continue

        def both(seen: AnswerSeen, first: tuple[str, int] = (one.name, i), second: tuple[str, int] = (two.name, j)) \
                -> Any:
            changed = _pair_mutant(module, function, first, second)
            return _MISSING if changed is None else parent_call(changed, seen.case)
        made.append(_Variant(f"pair:{one.name}#{i}+{two.name}#{j}",
                             _SEPARATOR.join((one.name, one_detail, two.name, two_detail)), both))
    for one, i, one_detail in sources:
        for two in ALL_OPERATORS:
            if two.name == one.name or two.name in NOT_PAIRED:
                continue
            for j, transform in enumerate(two.values):
                def changed_value(seen: AnswerSeen, name: str = one.name, index: int = i,
                                  transform: Callable[[Any, tuple[Any, ...]], Any] = transform) -> Any:
                    changed = mutant(module, function, name, index)
                    if changed is None:
                        return _MISSING
                    value = parent_call(changed, seen.case)
                    transformed = transform(value, tuple(for_parent(argument) for argument in seen.case.args))
                    return _MISSING if transformed is None else transformed
                made.append(_Variant(f"pair:{one.name}#{i}+{two.name}~{j}",
                                     _SEPARATOR.join((one.name, one_detail, two.name, "")), changed_value))
    made.extend(_listed_pair_variants(module, function, listed, sources))
    return tuple(made)


def _listed_pair_variants(module: str, function: str, listed: tuple[tuple[str, str], ...],
                          sources: list[tuple[Operator, int, str]]) -> list[_Variant]:
    """A listed mistake of the exercise with one operator's change as well: its body changed by a source
    variant, or its value by a value variant. Named with the listed mistake's name (`_LISTED` marks it)."""
    made = []
    for name, listed_body in listed:
        for two, j, two_detail in sources:
            def changed(seen: AnswerSeen, body: str = listed_body, second: tuple[str, int] = (two.name, j)) -> Any:
                mutated = _pair_mutant(module, function, ("", 0), second, body)
                return _MISSING if mutated is None else parent_call(mutated, seen.case)
            made.append(_Variant(f"listed:{name}+{two.name}#{j}",
                                 _SEPARATOR.join((_LISTED + name, "", two.name, two_detail)), changed))
        for two in ALL_OPERATORS:
            if two.name in NOT_PAIRED:
                continue
            for j, transform in enumerate(two.values):
                def changed_value(seen: AnswerSeen, body: str = listed_body,
                                  transform: Callable[[Any, tuple[Any, ...]], Any] = transform) -> Any:
                    value = parent_call(kit.variant_function(module, function, body), seen.case)
                    transformed = transform(value, tuple(for_parent(argument) for argument in seen.case.args))
                    return _MISSING if transformed is None else transformed
                made.append(_Variant(f"listed:{name}+{two.name}~{j}",
                                     _SEPARATOR.join((_LISTED + name, "", two.name, "")), changed_value))
    return made


def _numeric(value: Any) -> bool:
    return _numbers(value) is not None and not isinstance(value, np.bool_)


def _one_answer(observations: Sequence[AnswerSeen]) -> bool:
    """The same answer on every check (numbers compared as numbers), where the right answers differ."""
    return len({answer_key(o.returned) for o in observations}) == 1 \
        and len({answer_key(o.reference) for o in observations}) > 1


def _only_zeros(value: Any) -> bool:
    """Numbers, every one of them 0: an answer too many different slips give to tell one of them from it."""
    array = _numbers(value)
    return array is not None and array.size > 0 and not isinstance(value, bool | np.bool_) \
        and not bool(np.any(array))


_LISTED = "listed: "  # marks a listed mistake's name among a pair's parts

# One change that two operators make: told as the first-tier one (whose hint names the other way too).
_SAME_CHANGE = {("factor left out", "2"): ("half the sum", "")}
_LISTED_AS = {"half the sum": "missing factor 2"}  # an operator's change as the curriculum names it
_PAIRS = Operator("two slips", "")  # matches as the operators do; its values are cached under this name


def explain_pair(exercise: Exercise, observations: Sequence[AnswerSeen],
                 keys: Sequence[str | None] | None = None) -> Pair | None:
    """The one pair of operators that explains the answers on every check (informative on at least three), where
    no single operator does; None when no pair or several different pairs do. Pairs are many more hypotheses
    than single operators: they are tried on numeric answers only (a label carries too little to tell so many
    apart) and need one informative check more."""
    if any(not _numeric(observation.reference) for observation in observations):
        return None
    variants = list(_pair_variants(exercise.module, exercise.function,
                                   tuple((m.name, m.body) for m in exercise.misconceptions)))
    found = _explaining_variants(exercise, _PAIRS, lambda observation: variants, observations, keys,
                                 informative_checks=MIN_INFORMATIVE_CHECKS + 1)
    listed = {misconception.name for misconception in exercise.misconceptions}

    def canonical(name: str, detail: str) -> tuple[str, str]:
        name, detail = _SAME_CHANGE.get((name, detail), (name, detail))
        for same in (name, _LISTED_AS.get(name)):
            if same in listed and not detail:  # one change, named by the curriculum too
                return _LISTED + same, ""
        return name, detail
    told = {frozenset((canonical(a, x), canonical(b, y))) for a, x, b, y in (d.split(_SEPARATOR) for d in found)}
    if len(told) > 1:  # every one gives the answers on every check: one change in other words (a factor x left
        # out is the curriculum's inner derivative x dropped), told as the curriculum names most of it, if one does
        most = max(_listed_parts(pair) for pair in told)
        told = {pair for pair in told if _listed_parts(pair) == most} if most else told
    if len(told) != 1:
        return None
    (first, first_detail), (second, second_detail) = sorted(next(iter(told)))
    one_slip = ONE_SLIP_PAIRS.get(frozenset((first, second)))
    if one_slip is not None:
        return one_slip
    said = [_told(exercise, name, detail) for name, detail in ((first, first_detail), (second, second_detail))]
    names = [name.removeprefix(_LISTED) for name in (first, second)]
    return Pair(PAIR_JOIN.join(names), f"two slips together explain your answers. first: {said[0]}. second: "
                f"{said[1]}")


def _listed_parts(pair: frozenset[tuple[str, str]]) -> int:
    return sum(name.startswith(_LISTED) for name, _ in pair)


def _told(exercise: Exercise, name: str, detail: str) -> str:
    """What one part of a pair says: a listed mistake's name and hint, or an operator's hint."""
    if name.startswith(_LISTED):
        misconception = next(m for m in exercise.misconceptions if m.name == name.removeprefix(_LISTED))
        return misconception.diagnosis.hint.rstrip(".")
    return _OPERATORS_BY_NAME[name].hint.format(detail=detail)


# ----- values, cached per check case ---------------------------------------------------------------------------

_MISSING = object()  # a variant that does not apply to the check (or fails there)
_CACHE_LIMIT = 50_000
_cache: dict[tuple[str, ...], Any] = {}


def _case_key(case: Case) -> str | None:
    try:
        return hashlib.sha256(pickle.dumps((case.args, sorted(case.kwargs.items())))).hexdigest()
    except Exception:  # noqa: BLE001 - an argument that cannot be pickled: not cached
        return None


def _cached(key: tuple[str, ...] | None, compute: Callable[[], Any]) -> Any:
    if key is not None and key in _cache:
        return _cache[key]
    try:
        with np.errstate(all="ignore"):
            value = compute()
    except Exception:  # noqa: BLE001 - a mutant may fail where the reference does not: it explains nothing there
        value = _MISSING
    if value is None:
        value = _MISSING
    if key is not None:
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
        _cache[key] = value
    return value


@dataclass(frozen=True)
class _Degenerate:
    """A variant's value on a check where it is degenerate: it must match the answer, but is no evidence."""

    value: Any


@dataclass(frozen=True)
class _Variant:
    """One way of making an operator's mistake: its value on a check's case (or _MISSING), and what it names."""

    key: str
    detail: str
    value: Callable[[AnswerSeen], Any]


def _variants(exercise: Exercise, operator: Operator, observation: AnswerSeen) -> list[_Variant]:
    if observation.stored is not None:  # a student bundle: no reference code, the release's values of this check
        return [*_stored_variants(operator, observation.stored), *_value_variants(operator)]
    variants = []
    for index in range(len(operator.sources)):
        def source_value(seen: AnswerSeen, index: int = index) -> Any:
            function = mutant(exercise.module, exercise.function, operator.name, index)
            return _MISSING if function is None else parent_call(function, seen.case)
        detail = ""
        if operator.own_function_only:
            mutated = _mutated_code(exercise.module, exercise.function, operator.name, index)
            if mutated is None or not mutated[1]:
                continue  # the variant does not apply to this function
            detail = mutated[2]
        variants.append(_Variant(f"source{index}", detail, source_value))
    variants.extend(_value_variants(operator))
    variants.extend(_call_variants(exercise, operator, observation))
    return variants


def _value_variants(operator: Operator) -> list[_Variant]:
    """The variants that change the reference's value (they need the expected value and the arguments only)."""
    variants = []
    for index, transform in enumerate(operator.values):
        def value_of(seen: AnswerSeen, transform: Callable[[Any, tuple[Any, ...]], Any] = transform) -> Any:
            transformed = transform(seen.reference, tuple(for_parent(argument) for argument in seen.case.args))
            return seen.reference if transformed is None else transformed  # where it does not apply: the reference
        variants.append(_Variant(f"value{index}", "", value_of))
    return variants


def _call_variants(exercise: Exercise, operator: Operator, observation: AnswerSeen) -> list[_Variant]:
    """The variants that call the reference on changed arguments."""
    variants: list[_Variant] = []
    if operator.calls is not None:
        reference = getattr(kit.solution_module(exercise.module), exercise.function)
        resolved = Case(tuple(for_parent(a) for a in observation.case.args),
                        {k: for_parent(v) for k, v in observation.case.kwargs.items()})
        try:
            calls = operator.calls(exercise, resolved)
        except Exception:  # noqa: BLE001 - arguments the change does not apply to: no variant
            calls = []
        occurrences: dict[str, int] = {}  # one detail may come twice (an index shifted down, then up)
        for call in calls:
            occurrence = occurrences[call.detail] = occurrences.get(call.detail, -1) + 1
            variants.append(_Variant(f"call:{call.detail}#{occurrence}", call.detail, lambda seen, call=call:
                                     _Degenerate(parent_call(reference, call.case)) if call.degenerate
                                     else _in_part(seen.reference, parent_call(reference, call.case), call.part)))
    return variants


# ----- the values a student bundle carries in place of the reference code -------------------------------------


def answered_beside(exercise: Exercise, case: Case) -> list[Case]:
    """The cases at which a student bundle carries the reference's answer beside the public check of `case`
    (`stored_values`): its arguments changed by every operator that calls the reference on changed arguments (an
    integer one off, a number taken as 0 or negated, truncated, a point left out, a default). A hidden case is
    drawn away from them as from the public cases: the bundle would otherwise hold its answer."""
    changed: list[Case] = []
    for operator in ALL_OPERATORS:
        if operator.calls is None:
            continue
        try:
            changed.extend(call.case for call in operator.calls(exercise, case))
        except Exception:  # noqa: BLE001 - arguments the change does not apply to: it stores nothing for them
            continue
    return changed


LISTED_VALUES = "listed"  # the stored values' entry for the exercise's known mistakes, by name


def stored_values(exercise: Exercise, observation: AnswerSeen) -> dict[str, list[tuple[str, str, str, Any]]]:
    """What every operator's variants that need the reference's code (its changed source, or the reference called
    on changed arguments) give on this check, and what each known mistake gives: what a student bundle, which
    holds no reference code, needs to say what the kit says on the same public check. Per operator name, a list
    of (variant key, detail, kind, value) with kind "value", "degenerate" or "missing"; pairs of two slips are
    not stored (thousands per function: a bundle names single slips only)."""
    stored: dict[str, list[tuple[str, str, str, Any]]] = {}
    for operator in ALL_OPERATORS:
        items = []
        for variant in _variants(exercise, operator, observation):
            if variant.key.startswith("value"):
                continue
            value = _cached(None, lambda variant=variant: variant.value(observation))
            kind = "missing" if value is _MISSING else "degenerate" if isinstance(value, _Degenerate) else "value"
            items.append((variant.key, variant.detail, kind, value.value if kind == "degenerate" else
                          None if kind == "missing" else value))
        if items:
            stored[operator.name] = items
    listed = []
    for misconception in exercise.misconceptions:
        function = kit.variant_function(exercise.module, exercise.function, misconception.body)
        value = _cached(None, lambda function=function: parent_call(function, observation.case))
        listed.append((misconception.name, "", "missing" if value is _MISSING else "value",
                       None if value is _MISSING else value))
    stored[LISTED_VALUES] = listed
    return stored


def _stored_variants(operator: Operator, stored: Any) -> list[_Variant]:
    def fixed(kind: str, value: Any) -> Callable[[AnswerSeen], Any]:
        made = _MISSING if kind == "missing" else _Degenerate(value) if kind == "degenerate" else value
        return lambda seen: made

    return [_Variant(key, detail, fixed(kind, value)) for key, detail, kind, value in stored.get(operator.name, ())]


def _explaining_detail(exercise: Exercise, operator: Operator, observations: Sequence[AnswerSeen],
                       keys: Sequence[str | None] | None = None) -> str | None:
    """What the variant that explains every answer names ("" for none), or None when no variant explains them.
    A variant of a call operator is identified by what it names: it must explain every check with the same.

    Values are computed lazily, check by check, and a variant is dropped at the first check it does not explain:
    most variants fail on the first check, whose value is remembered for the next student with the same public
    input, so a student's hidden inputs are run only through the few variants still standing."""
    if not observations:
        return None
    found = _explaining_variants(exercise, operator, lambda observation: _variants(exercise, operator, observation),
                                 observations, keys)
    if operator.own_function_only and len(found) > 1:
        return None  # variants naming different things explain the answers: which one was done is not certain
    return min(found) if found else None


def _explaining_variants(exercise: Exercise, operator: Operator, variants_of: Callable[[AnswerSeen], list[_Variant]],
                         observations: Sequence[AnswerSeen], keys: Sequence[str | None] | None,
                         informative_checks: int = MIN_INFORMATIVE_CHECKS) -> set[str]:
    """What each variant that explains every answer (informative on `informative_checks`) names, matched with the
    tolerance `operator` adds; the variants of a check come from `variants_of`, their values cached under the
    operator's name."""
    if keys is None:
        keys = [_case_key(observation.case) for observation in observations]
    variants: dict[int, dict[tuple[str, str], _Variant]] = {}

    def variants_at(index: int) -> dict[tuple[str, str], _Variant]:
        if index not in variants:
            variants[index] = {(variant.key, variant.detail): variant for variant in variants_of(observations[index])}
        return variants[index]

    def value_at(index: int, name: tuple[str, str]) -> Any:
        variant = variants_at(index).get(name)
        if variant is None:
            return _MISSING
        key = None if keys[index] is None else (exercise.key, operator.name, variant.key, keys[index])
        return _cached(key, lambda: variant.value(observations[index]))

    firsts = [_first_number(observation.returned) for observation in observations]
    found = set()
    for name in variants_at(0):
        informative = 0
        for index, observation in enumerate(observations):
            value = value_at(index, name)
            evidence = not isinstance(value, _Degenerate)
            value = value if evidence else value.value
            if value is _MISSING or _first_differs(firsts[index], value, observation, operator) \
                    or not _matches(observation.returned, value, observation, operator):
                break
            if evidence and not _same(value, observation.reference, observation) and not _trivial_count(value) \
                    and not (operator.input_is_no_evidence and _an_input(value, observation)):
                informative += 1
        else:
            if informative >= informative_checks:
                found.add(name[1])
    return found


def _trivial_count(value: Any) -> bool:
    """A count of −1, 0 or 1 (never, none, at the first step): what many different mistakes give alike (a path
    that starts outside the radius leaves at once, whatever made it start there), so it is no evidence for one."""
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_) and -1 <= int(value) <= 1


def _first_number(value: Any) -> float | None:
    """The first number of a value (a number, a tuple or list of them, an array), where it is a finite one."""
    while isinstance(value, tuple | list) and value:
        value = value[0]
    if isinstance(value, np.ndarray):
        if value.size == 0 or value.dtype.kind not in "fiu":
            return None
        value = value.flat[0]
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.integer | np.floating):
        return None
    try:
        number = float(value)
    except OverflowError:  # an int beyond every float (10**400)
        return None
    return number if math.isfinite(number) else None


def _first_differs(first: float | None, value: Any, observation: AnswerSeen, operator: Operator) -> bool:
    """A quick test before the full comparison, which most variants fail: the first numbers of the answer and
    of the variant's value differ beyond the tolerance (so the full comparison, element by element at the same
    shape, fails too). False where that cannot be told so quickly."""
    if first is None:
        return False
    other = _first_number(value)
    tolerance = observation.tolerance
    if other is None or np.ndim(tolerance.atol) != 0 or operator.spread:
        return False
    return abs(first - other) > float(tolerance.atol) + (tolerance.rtol + operator.rtol) * abs(other)


def _an_input(value: Any, observation: AnswerSeen) -> bool:
    """Is the value one of the check's arguments, unchanged? For an operator that zeroes an argument this is no
    evidence: nothing tells that mutant from code that returns its input and does nothing (a step that does
    not move is not a learning rate ignored)."""
    return any(_numbers(argument) is not None and _same(value, argument, observation)
               for argument in for_parent(observation.case.args))


def _largest(value: Any) -> float:
    """The largest |number| of a value (0 where it holds none, or none finite)."""
    numbers = _numbers(value)
    if numbers is None or numbers.size == 0:
        return 0.0
    finite = np.abs(numbers[np.isfinite(numbers)])
    return float(np.max(finite)) if finite.size else 0.0


def _same(value: Any, reference: Any, observation: AnswerSeen) -> bool:
    try:
        return matches(value, reference, observation.tolerance)
    except Exception:  # noqa: BLE001 - a value of another form is not the reference
        return False


def _matches(returned: Any, value: Any, observation: AnswerSeen, operator: Operator) -> bool:
    try:
        spread = operator.spread * _largest(value) if operator.spread else 0.0
        if not matches(returned, value, observation.tolerance.widened(atol=spread, rtol=operator.rtol)):
            return False
    except Exception:  # noqa: BLE001 - a value of another form explains nothing
        return False
    return operator.fingerprint is None or operator.fingerprint(returned)


def _listed_explains(exercise: Exercise, observations: Sequence[AnswerSeen], keys: Sequence[str | None]) -> bool:
    """Does a known mistake of the exercise give every answer too (then the operator's hint is not certain)?"""
    if any(observation.stored is not None for observation in observations):
        return any(all(_stored_listed(observation, misconception.name) is not _MISSING
                       and _same(observation.returned, _stored_listed(observation, misconception.name), observation)
                       for observation in observations) for misconception in exercise.misconceptions)
    for misconception in exercise.misconceptions:
        function = kit.variant_function(exercise.module, exercise.function, misconception.body)
        for observation, case_key in zip(observations, keys, strict=True):
            key = None if case_key is None else (exercise.key, "listed", misconception.name, case_key)
            value = _cached(key, lambda function=function, observation=observation:
                            parent_call(function, observation.case))
            if value is _MISSING or not _same(observation.returned, value, observation):
                break
        else:
            return True
    return False


def _stored_listed(observation: AnswerSeen, name: str) -> Any:
    found = [value for listed, _, kind, value in (observation.stored or {}).get(LISTED_VALUES, ())
             if listed == name and kind == "value"]
    return found[0] if found else _MISSING


def explains(exercise: Exercise, operator: Operator, observations: Sequence[AnswerSeen]) -> bool:
    """Does one variant of `operator` explain the answer on every check, informative on at least two?"""
    return _explaining_detail(exercise, operator, observations) is not None


def explain(exercise: Exercise, observations: Sequence[AnswerSeen], second_tier: bool = True,
            read: frozenset[str] | None = None, calls_seen: Mapping[str, int] | None = None) -> Operator | None:
    """The one operator that explains the answers on every check that answered, informative on at least two,
    with its hint filled in; None when none does, when several different ones do, or when a listed mistake
    of the exercise explains them too (then nothing certain can be said). `second_tier`: where no operator
    explains them, try the fallback operators, then pairs of two slips. `read`: the names the student's function
    reads, where known: an argument it reads is not said to be ignored (its answer does not depend on it for
    another reason: a result computed from it and thrown away). `calls_seen`: how often it calls each name, where
    known: an operator's words about code are said only where the calls show them (`Operator.told`)."""
    stored = all(observation.stored is not None for observation in observations)
    if not (stored or kit.has_solutions()) or len(observations) < MIN_INFORMATIVE_CHECKS:
        return None
    if all(_only_zeros(observation.returned) for observation in observations) or _one_answer(observations):
        return None  # 0 everywhere, or one answer for every input: what many slips give (a step that vanishes, two
        # equal values subtracted, a threshold that calls every matrix degenerate, a constant returned)
    keys = [_case_key(observation.case) for observation in observations]
    found = [(operator, detail) for operator in OPERATORS
             if (detail := _explaining_detail(exercise, operator, observations, keys)) is not None]
    if not found and (inside := _right_answer_inside(observations) or _positions_for_values(observations)) \
            is not None and not _listed_explains(exercise, observations, keys):
        return inside  # what the answers show, read from them alone: said on a formula too
    if not found and not second_tier:
        return None
    if not found:
        found = [(operator, detail) for operator in FALLBACK_OPERATORS
                 if (detail := _explaining_detail(exercise, operator, observations, keys)) is not None]
    if not found and stored:
        return None  # two slips together need the reference's code
    if not found:  # two slips together
        pair = explain_pair(exercise, observations, keys)
        if pair is not None and not _listed_explains(exercise, observations, keys):
            return replace(_PAIRS, name=pair.name, hint=pair.hint)
        return None
    if len(found) != 1 or _listed_explains(exercise, observations, keys):
        return None
    operator, detail = found[0]
    if operator.name.startswith("argument ignored") and read is not None and detail in read:
        return None
    if operator.swapped_calls:
        operator = replace(operator, hint=operator.told(calls_seen, _reference_calls(exercise)))
    return replace(operator, hint=operator.hint.format(detail=detail)) if "{detail}" in operator.hint else operator


# Where an answer holds more than the one asked for: the part of it that is the right answer, read from the answers.
_INSIDE = "the right answer inside: "
_SHAPE_READINGS = frozenset({"label with more", "positions for values"})
# A reading and the kind of edit of the student's code that says the same of it (the entries never added up, a sum
# added): where that edit repairs the code, it alone is told.
_RESTATED_BY_EDIT = {f"{_INSIDE}entries summed": "missing sum", f"{_INSIDE}last axis summed": "missing sum",
                     "positions for values": "index for its value"}


def restated_by(name: str, edit_kind: str) -> bool:
    """Does an edit of `edit_kind` say what the reading `name` says, in the student's own code?"""
    return _RESTATED_BY_EDIT.get(name) == edit_kind
_MORE = "your answer holds more than the one value asked for: "
_PARTS: tuple[tuple[str, str, Callable[[np.ndarray], Any]], ...] = (
    ("last entry", _MORE + "its last entry (or row) is the right answer; return that alone", lambda a: a[-1]),
    ("first entry", _MORE + "its first entry (or row) is the right answer; return that alone", lambda a: a[0]),
    ("second entry", _MORE + "its second entry (or row) is the right answer; return that alone",
     lambda a: a[1] if len(a) > 1 else _MISSING),
    ("entries summed", "your answer holds the right answer's parts, never added up: the sum of its entries (or rows) "
     "is the right answer", lambda a: np.sum(a, axis=0)),
    ("last axis summed", "your answer holds the right answer's parts, never added up: their sum along its last axis "
     "is the right answer", lambda a: np.sum(a, axis=-1) if a.ndim > 1 else _MISSING),
    ("squares summed", "your answer holds the values whose squares, added up, are the right answer: square them and "
     "add them up", lambda a: np.sum(a ** 2) if a.ndim == 1 else _MISSING),
)
_ONE_OF_THEM = ("your answer holds several values, one of them the right answer (not always at the same place): "
                "return the one asked for alone")


def _right_answer_inside(observations: Sequence[AnswerSeen]) -> Operator | None:
    """Where every answer holds more than the right one (another shape, every check), and one part of it, the same
    on every check (its last entry, its first, its second, its entries summed), is the right answer within the
    check's tolerance, on at least two checks: what the answers show, said as that (a history for the last value,
    a pair for one of its values, the terms of a sum never added up). A label with its numbers: the label is the
    first entry."""
    if len(observations) < MIN_INFORMATIVE_CHECKS:
        return None
    arrays = []
    for observation in observations:
        returned = observation.returned
        if isinstance(observation.reference, str):
            if not (isinstance(returned, list | tuple) and len(returned) > 1 and returned[0] == observation.reference):
                return None
            arrays.append(None)
            continue
        array = _numbers(returned)
        reference = _numbers(observation.reference)
        if array is None or reference is None or array.ndim == 0 or array.shape == reference.shape \
                or array.ndim != reference.ndim + 1 or _without_ones(array.shape) == _without_ones(reference.shape):
            return None  # not more than the right answer: an axis of length 1 too many is said as that
        arrays.append(array)
    if all(array is None for array in arrays):
        return Operator("label with more", "your answer holds the right label first and more after it: return the "
                        "label alone")
    for name, hint, part in _PARTS:
        try:
            if all(array is not None and (got := part(array)) is not _MISSING
                   and matches(got, observation.reference, observation.tolerance)
                   for array, observation in zip(arrays, observations, strict=True)):
                return Operator(f"{_INSIDE}{name}", hint)
        except (ValueError, TypeError, IndexError):
            continue
    try:
        if all(array is not None and array.ndim == 1 and any(matches(entry, observation.reference,
                                                                     observation.tolerance) for entry in array)
               for array, observation in zip(arrays, observations, strict=True)):
            return Operator(f"{_INSIDE}one of its entries", _ONE_OF_THEM)
    except (ValueError, TypeError):
        pass
    return None


def _positions_for_values(observations: Sequence[AnswerSeen]) -> Operator | None:
    """Where every answer is whole numbers (one, or one per value of the right answer) and each, read as a position
    in one of the check's own lists (the same list for the same entry on every check), gives the right value there,
    on at least two checks: positions returned where the values at them belong (an argmin's index for the slope)."""
    if len(observations) < MIN_INFORMATIVE_CHECKS:
        return None
    lists: list[set[int]] | None = None  # per entry of the answer: the arguments it can be a position in
    for observation in observations:
        returned, reference = observation.returned, observation.reference
        positions = list(returned) if isinstance(returned, list | tuple) else [returned]
        values = list(reference) if isinstance(reference, list | tuple) else [reference]
        if len(positions) != len(values) or not all(_whole(position) for position in positions):
            return None
        arguments = [_numbers(argument) if isinstance(argument, list | tuple | np.ndarray) else None
                     for argument in (for_parent(argument) for argument in observation.case.args)]
        found = [{index for index, array in enumerate(arguments) if array is not None and array.ndim == 1
                  and -array.size <= int(position) < array.size and int(position) >= 0
                  and matches(float(array[int(position)]), value, observation.tolerance)}
                 for position, value in zip(positions, values, strict=True)]
        lists = found if lists is None else [a & b for a, b in zip(lists, found, strict=True)]
        if not all(lists):
            return None
    many = len(lists or []) > 1
    return Operator("positions for values", "your answer holds positions (indices) in the lists given, not the values "
                    "at them: the value at each position is the right answer" if many else "your answer is a position "
                    "(an index) in a list given, not the value there: the value at that position is the right answer")


def _whole(value: Any) -> bool:
    """A whole number: an integer, or a float with no fraction (an index passed through float())."""
    if isinstance(value, bool | np.bool_):
        return False
    if isinstance(value, int | np.integer):
        return True
    return isinstance(value, float | np.floating) and math.isfinite(value) and float(value).is_integer()


def _without_ones(shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(size for size in shape if size != 1)


def _reference_calls(exercise: Exercise) -> Mapping[str, int] | None:
    """How often the reference function calls each name (None without the reference solutions)."""
    from grader.diagnosis import repair

    return repair.calls_made(kit.solution_source(exercise.module), exercise.function) if kit.has_solutions() \
        else None
