"""State kept between calls: a function right on a fresh call whose answer depends on the calls made before it.

A student's function can keep something from one call to the next: a value stored on the function object or in a
global, a default argument changed in place, a cache keyed on part of its arguments, a list, total or counter never
reset, a generator used up, a warm start. Every check of a submission calls it in one child, in an order of its own,
so the first call is right and later ones are not, and what the answers show then is no slip of the formula: an
operator or a listed mistake read from them would name a mistake the student did not make.

So where a function failed a check it answered or raised on, the parent calls it again on that check's input as the
first and only call of a fresh child (`STATE_PROBES` checks, public ones first). Where each is right there, the
function's answer depends on earlier calls, and that is what its feedback says (`STATE_KEPT`); the points stand as
graded. Its callers are then judged with the right function alone by error carried forward (no run of the reference
with the student's function gives its answer: the answer depends on what was called before).

Only a function whose code, or a function of the module it reaches, can hold something across calls is called
again (`may_keep_state`, a reading of the source): a global or nonlocal name, a default that is not a constant, an
attribute or an entry stored on anything but a local name, a mutating method of a name that is not local, a
decorator, a name of the module's top level bound to something that is not a constant. A function that reads none of
these answers alike however often it is called (its inputs are copies), so no child is spent on it.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

STATE_KEPT = "state kept between calls"
STATE_PROBES = 2  # failed checks of one function called again, each alone in a fresh child

# Methods that change the object they are called on.
_MUTATING = frozenset({"append", "extend", "insert", "setdefault", "update", "pop", "popitem", "clear", "add",
                       "discard", "remove", "fill", "put", "resize", "sort", "reverse", "itemset", "send",
                       "__setitem__", "appendleft", "extendleft", "rotate"})
# Calls that reach state beyond the function's locals.
_STATE_CALLS = frozenset({"setattr", "delattr", "globals", "vars", "next", "exec", "eval", "__import__"})


def state_hint(function: str) -> str:
    """The feedback of a function shown to keep state between calls."""
    return (f"`{function}` answers checks it fails here right when each is the first and only call of a fresh "
            "process: its answer depends on earlier calls, so it (or a function of yours it calls) keeps state between "
            "calls (a value stored on the function or in a global, a default argument changed, a cache, a list, total "
            "or counter never reset, a generator used up, a start carried over). Compute everything from the "
            "arguments of each call")


@functools.lru_cache(maxsize=512)
def may_keep_state(source: str, function: str) -> bool:
    """Can `function`, or a function of the module it reaches, hold something from one call to the next (a reading of
    the source, generous: where it cannot be read, yes)?"""
    from grader.carry_forward import reached_functions

    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True
    defined = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
    if function not in defined:
        return True
    top_state = _top_level_state(tree, set(defined))
    names = {function} | (reached_functions(source, function) & set(defined))
    return any(_holds_state(defined[name], top_state) for name in names)


def _top_level_state(tree: ast.Module, functions: set[str]) -> frozenset[str]:
    """Names the module's top level binds to something other than a constant, a function, a class or a module."""
    found = set()
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            value = node.value
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if value is not None and _constant(value):
                continue
            for target in targets:
                found |= {name.id for name in ast.walk(target) if isinstance(name, ast.Name)}
    return frozenset(found - functions)


def _constant(node: ast.expr) -> bool:
    """A value no call can change: a number, a string, None, a tuple of those, a sign of one."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp):
        return _constant(node.operand)
    if isinstance(node, ast.Tuple):
        return all(_constant(element) for element in node.elts)
    return False


def _holds_state(definition: ast.FunctionDef | ast.AsyncFunctionDef, top_state: frozenset[str]) -> bool:
    if definition.decorator_list:
        return True
    local = _bound_locally(definition)
    for node in ast.walk(definition):
        if isinstance(node, ast.Global | ast.Nonlocal):
            return True
        if isinstance(node, ast.arguments) and not all(
                _constant(default) or isinstance(default, ast.Name | ast.Attribute)
                for default in (*node.defaults, *(d for d in node.kw_defaults if d is not None))):
            return True
        if isinstance(node, ast.Attribute) and (node.attr == "__dict__" or isinstance(node.ctx, ast.Store | ast.Del)
                                                and _root(node) not in local):
            return True
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store | ast.Del) and _root(node) not in local:
            return True
        if isinstance(node, ast.Call):
            called = node.func
            if isinstance(called, ast.Name) and called.id in _STATE_CALLS:
                return True
            if isinstance(called, ast.Attribute) and called.attr in _MUTATING and _root(called.value) not in local:
                return True
            if any(keyword.arg == "out" and _root(keyword.value) not in local for keyword in node.keywords):
                return True
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in top_state \
                and node.id not in local:
            return True
    return False


def _bound_locally(definition: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[str]:
    """Names the function binds itself by assignment, a loop or `with` (its parameters are not: a default, or a
    caller's object, outlives the call)."""
    bound = set()
    for node in ast.walk(definition):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
    return frozenset(bound)


def _root(node: ast.expr) -> str:
    """The name an attribute or subscript chain starts from ("" where it starts from a call or a literal)."""
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else ""


def keeping_state(failed: Mapping[str, Sequence[Any]], source_of: Callable[[str], str | None],
                  right_alone: Callable[[Any], bool]) -> frozenset[str]:
    """The exercises (by key) whose function is right, alone in a fresh child, on each of its first `STATE_PROBES`
    failed checks (`failed`: per exercise key, (exercise, planned check) pairs of checks it answered wrong or raised
    on, public first). `source_of(module)` gives the student's module source; `right_alone(planned check)` calls the
    function on that check's input as the only call of a fresh child and judges the answer."""
    found = set()
    for key, checks in failed.items():
        if not checks:
            continue
        exercise = checks[0][0]
        source = source_of(exercise.module)
        if source is None or not may_keep_state(source, exercise.function):
            continue
        if all(right_alone(p) for _, p in checks[:STATE_PROBES]):
            found.add(key)
    return frozenset(found)
