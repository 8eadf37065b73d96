"""State kept between calls: a function right on a fresh call whose answer depends on the calls made before it.

A student's function can keep something from one call to the next: a value stored on the function object or in a
global, a default argument changed in place, a cache keyed on part of its arguments, a list, total or counter never
reset, a generator used up, a warm start. Every check of a submission calls it in one child, in an order of its own,
so the first call is right and later ones are not, and what the answers show then is no slip of the formula: an
operator or a listed mistake read from them would name a mistake the student did not make.

So where a function failed a check it answered or raised on, the parent calls it again on that check's input, twice,
in a fresh child. Where the first call is right there (or the two answers differ: a call made while the module
loaded, a demo line left at its top, was the first), the function's answer depends on earlier calls, and that is what
the feedback of that check says (`STATE_KEPT`); the points stand as graded. The checks are called so one by one, public
ones first, each in a child of its own, until one is not shown (then the rest are left as graded), within
`STATE_SECONDS` of the whole submission. A public check's text, and the judging of a caller's public checks, rest on
public inputs only: a hidden input's verdict never reaches what a student sees before grades are out. The callers of a
function shown to keep state are judged with the right function alone by error carried forward (no run of the
reference with the student's function gives its answer: it depends on what was called before); like a function built
on one the reference does not call, a caller that computes otherwise where its callee is the grader's is judged on
what it computes there.

A check passed can still hide state: a cache keyed on part of its arguments (the line but not the data, an array's
length) answers every check right whose inputs differ in all of them. So where its own code (or a helper of the
module that no exercise grades) can hold something across calls, its first `AFTER_OTHERS_CHECKS` passed hidden
checks are called in one fresh child, each right after its neighbours (`neighbour_cases`: the input with one
argument drawn afresh from the same check, or from a draw of the public structure or another check's input where
that draw repeats it), whether or not it failed other checks; a hidden check answered wrong there fails, told so
(its points are lost: its answer depends on what came before). Only a wrong answer counts, within
`AFTER_OTHERS_SECONDS`. A function shown to keep state on hidden inputs alone has its passed public checks called so
too, after neighbours drawn from the public seed, so that its callers' public checks, judged on public evidence
alone, can be judged with the right function.

Only a function whose code, or a function of the module it reaches, can hold something across calls is called
again (`may_keep_state`, a reading of the source): a global or nonlocal name, a default that is not a constant, an
attribute or an entry stored on anything but a local name, a mutating method of a name that is not local (a local
bound, by any binding, to what can outlive the call is not one: a namespace or an object reached through a dunder,
`f.__globals__`, or what a call not known to make a fresh value returns, `logging.getLogger(name)`), a
decorator, a name of the module's top level bound to something that is not a constant (a class, an object, a list),
a name imported (at the top, in the function or by `*`) or reached through one that, looked up without running
anything, is no function, class or constant (`os.environ`, `sys.modules`, a module used whole, a name of a module the
grader has not loaded), and none that reads a source of chance (a random draw, the clock), whose second answer
differs for another reason. A function that reads none of these answers alike however often it is called (its
inputs are copies), so no child is spent on it.
"""

from __future__ import annotations

import ast
import builtins
import dataclasses
import functools
import inspect
import sys
import types
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from grader.spec import Case

STATE_KEPT = "state kept between calls"
STATE_PROBES = 16  # failed checks of one function called again, each in a fresh child of its own
STATE_SECONDS = 3.0  # for every such call of a submission together
AFTER_OTHERS_CHECKS = 6  # hidden checks of a function that passed them all, called after neighbouring inputs
AFTER_OTHERS_SECONDS = 2.0  # for all those calls of a submission together, in one fresh child

# Methods that change the object they are called on.
_MUTATING = frozenset({"append", "extend", "insert", "setdefault", "update", "pop", "popitem", "clear", "add",
                       "discard", "remove", "fill", "put", "resize", "sort", "reverse", "itemset", "send",
                       "__setitem__", "appendleft", "extendleft", "rotate",
                       # `operator.setitem(TABLE, key, value)` and its kind: a change of the first argument
                       "setitem", "delitem", "iadd", "iconcat", "ior", "iand", "__setattr__", "__delitem__",
                       "__iadd__", "__getattribute__", "attrgetter"})
# Calls that reach state beyond the function's locals.
# (`getattr` too: `getattr(sse, "__dict__")` bound to a local reached the function's namespace; red team round 58, 01)
_STATE_CALLS = frozenset({"setattr", "delattr", "getattr", "globals", "vars", "next", "exec", "eval", "__import__",
                          "setitem", "delitem"})
# Names of sources of chance: a function reading one answers twice otherwise with no state of its own.
_CLOCKS = frozenset({"time", "perf_counter", "monotonic", "process_time", "datetime", "now"})
_CHANCE = _CLOCKS | frozenset({"random", "rand", "randn", "randint", "default_rng", "normal", "uniform", "choice",
                               "shuffle", "permutation", "urandom", "secrets", "uuid", "uuid4", "getrandbits"})
# a generator made, or the global one seeded, with constants inside the function: its draws are the same every call
_SEEDERS = frozenset({"default_rng", "RandomState", "Generator", "Random", "seed", "PCG64", "MT19937", "Philox"})


def state_hint(function: str, how: str = "alone") -> str:
    """The feedback of a check on which a function was shown to keep state between calls, by `how`: "alone", right
    as the first call of a fresh process; "twice", answering the same input twice in a row otherwise; "after", wrong
    on the check's input right after a call on a neighbouring input, though right on it otherwise."""
    seen = {
        "alone": f"`{function}` answers this check right when it is the first call of a fresh process",
        "twice": f"called twice in a row on this check's input in a fresh process, `{function}` gave two different "
                 "answers",
        "after": f"`{function}` answers this check right, but not right after a call on another input that differs "
                 "from this one in one argument",
    }[how]
    also = (" (its first answer there was wrong too: something else may be wrong on this input, or a call made while "
            "your module loads came first)") if how == "twice" else ""
    return (f"{seen}{also}: its answer depends on earlier calls, so it (or a function of yours it calls) keeps state "
            "between calls (a value stored on the function or in a global, a default argument changed, a cache "
            "keyed on only part of the arguments, a list, total or counter never reset, a generator used up, a start "
            "carried over). Compute everything from the arguments of each call")


@functools.lru_cache(maxsize=512)
def may_keep_state(source: str, function: str, components: frozenset[str] = frozenset(),
                   chance_exempts: bool = True) -> bool:
    """Can `function`, or a function of the module it reaches, hold something from one call to the next, and (where
    `chance_exempts`) does none of them read a source of chance (a reading of the source, generous: where it cannot
    be read, yes)? `components`: functions of the module not looked into (graded on their own), nor anything reached
    only through them. The neighbour probe, which only finds answers wrong, is not kept off by chance: a clock read
    or a generator seeded from an argument, drawing nothing the answer uses, kept a cache from it (red team round
    57, 03)."""
    from grader.carry_forward import reached_functions

    reading = _module_reading(source)
    if reading is None or function not in reading:
        return True
    others = components - {function}
    reached = reached_functions(source, function, frozenset(reading) - others) if others \
        else reached_functions(source, function)
    names = {function} | (reached & reading.keys()) - others
    if chance_exempts and any(reading[name][1] for name in names):
        return False
    return any(reading[name][0] for name in names)


@functools.lru_cache(maxsize=64)
def _module_reading(source: str) -> dict[str, tuple[bool, bool]] | None:
    """Per top-level function of the module: can it hold something across calls itself, does it call a source of
    chance; None where the source cannot be read. Read once per source (every function of a submission asks)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    defined = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
    top_state = _top_level_state(tree, set(defined))
    top_imports = _imports([node for statement in tree.body if statement not in defined.values()
                            for node in _outside_functions(statement)])
    rebound = _bound_again(tree, set(defined))
    names = frozenset(defined) | top_state | frozenset(top_imports.bound)
    constants = frozenset(target.id for statement in tree.body if isinstance(statement, ast.Assign | ast.AnnAssign)
                          for target in (statement.targets if isinstance(statement, ast.Assign) else [statement.target])
                          if isinstance(target, ast.Name)) - names
    module = _module_returns(defined, _Module(top_imports, names | constants, constants))
    return {name: (name in rebound or _holds_state(definition, top_state, module)
                   or _reaches_imported_state(definition, top_imports), _reads_chance(definition))
            for name, definition in defined.items()}


@dataclasses.dataclass(frozen=True)
class _Imports:
    """What a module's or a function's imports bind: each name with the dotted path it stands for ("" where it cannot
    be told: a relative import), and the modules imported with `*`."""

    bound: Mapping[str, str]
    starred: tuple[str, ...]


def _imports(nodes: Sequence[ast.AST]) -> _Imports:
    bound: dict[str, str] = {}
    starred: list[str] = []
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bound[alias.asname] = alias.name
                else:
                    first = alias.name.split(".")[0]
                    bound[first] = first
        elif isinstance(node, ast.ImportFrom):
            module = node.module if node.level == 0 and node.module else ""
            for alias in node.names:
                if alias.name == "*":
                    starred.append(module)
                else:
                    bound[alias.asname or alias.name] = f"{module}.{alias.name}" if module else ""
    return _Imports(bound, tuple(starred))


def _reaches_imported_state(definition: ast.FunctionDef | ast.AsyncFunctionDef, top: _Imports) -> bool:
    """Does the function load a name imported (at the module's top, in itself, or by `*`), or an attribute chain from
    one, that can hold something across calls? `from os import environ`, or `[os.environ][0]`, bound to a local and
    written through it, kept a cache no other reading saw."""
    own = _imports(list(ast.walk(definition)))
    bound = {**top.bound, **own.bound}
    starred = (*top.starred, *own.starred)
    local = _bound_locally(definition) | _parameters(definition)
    parents = {child: node for node in ast.walk(definition) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(definition):
        if not isinstance(node, ast.Name) or not isinstance(node.ctx, ast.Load) or node.id in local:
            continue
        if node.id in bound:
            path = bound[node.id]
        elif starred:
            path = next((f"{module}.{node.id}" for module in starred
                         if module and _static_value(f"{module}.{node.id}") is not _UNKNOWN), "")
            if not path and all(module and _static_value(module) is not _UNKNOWN for module in starred):
                continue  # a builtin, or a name of the module's own: read by the other rules
        else:
            continue
        chain: ast.AST = node
        while isinstance(parents.get(chain), ast.Attribute) and parents[chain].value is chain:
            chain = parents[chain]
            path = f"{path}.{chain.attr}" if path else ""
        if _can_hold_state(path):
            return True
    return False


def _parameters(definition: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> frozenset[str]:
    arguments = definition.args
    names = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
             *(extra for extra in (arguments.vararg, arguments.kwarg) if extra is not None)]
    return frozenset(argument.arg for argument in names)


_UNKNOWN = object()
_IMMUTABLE = (int, float, complex, str, bytes, bool, type(None), frozenset, range, type(Ellipsis))


def _static_value(path: str) -> Any:
    """The object a dotted path names among the modules the grader has loaded, looked up without running anything
    (no import, no module `__getattr__`, no property); `_UNKNOWN` where it is not found so."""
    parts = path.split(".") if path else []
    if not parts or parts[0] not in sys.modules:
        return _UNKNOWN
    value: Any = sys.modules[parts[0]]
    for index in range(1, len(parts)):
        value = _step(value, ".".join(parts[:index + 1]), parts[index])
        if value is _UNKNOWN:
            break
    return value


def _step(value: Any, dotted: str, name: str) -> Any:
    """`value`'s attribute `name` (a submodule the grader has loaded, as `dotted`), looked up without running anything;
    `_UNKNOWN` where it is not found so."""
    if isinstance(value, types.ModuleType) and dotted in sys.modules:
        return sys.modules[dotted]
    try:
        return inspect.getattr_static(value, name)
    except AttributeError:
        return _UNKNOWN


def _can_hold_state(path: str) -> bool:
    """Can what a dotted import path names hold something across calls? A function, a class or a constant cannot
    (nor a module reached through on the way to one); a module used whole, an object (a mapping like `os.environ`,
    an array), or anything not found can. Every step of the path is looked at: `os.environ.__setitem__` is a
    function reached through a mapping."""
    parts = path.split(".") if path else []
    if not parts or parts[0] not in sys.modules:
        return True
    value: Any = sys.modules[parts[0]]
    for index in range(1, len(parts) + 1):
        if index > 1:
            value = _step(value, ".".join(parts[:index]), parts[index - 1])
        if value is _UNKNOWN:
            return True
        if isinstance(value, types.ModuleType):
            if index == len(parts):
                return True
            continue
        if not (isinstance(value, type) or callable(value) or isinstance(value, _IMMUTABLE) or (
                isinstance(value, tuple) and all(isinstance(item, _IMMUTABLE) for item in value))):
            return True
    return False


_NAMESPACE_WRITERS = frozenset({"globals", "vars", "setattr", "locals", "exec", "eval", "__import__", "import_module",
                                "reload"})
_NAMESPACE_HOLDERS = frozenset({"modules", "__globals__"})  # sys.modules[...], f.__globals__[...]


def _bound_again(tree: ast.Module, functions: set[str]) -> set[str]:
    """The module's functions whose name the module binds again anywhere but at its def (`sse = memoised(sse)` at the
    top, `global sse` then `sse = ...` in a function, `module.sse = ...`: a wrapper its def's body does not show; red
    team rounds 56, 06, and 57, 02), all of them where code run at import (the top level, a class body, a function
    the top level calls) writes a namespace otherwise (`globals()[...] = ...`, `setattr`, `exec`, `sys.modules`)."""
    rebound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del) and node.id in functions:
            rebound.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store | ast.Del) and node.attr in functions:
            rebound.add(node.attr)
    defined = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
    at_import = [node for node in tree.body if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]
    called = {node.func.id for statement in at_import for node in ast.walk(statement)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    at_import += [defined[name] for name in called & defined.keys()]
    for node in (inner for statement in at_import for inner in ast.walk(statement)):
        if isinstance(node, ast.Attribute) and node.attr in _NAMESPACE_HOLDERS or isinstance(node, ast.Call) and (
                isinstance(node.func, ast.Name) and node.func.id in _NAMESPACE_WRITERS
                or isinstance(node.func, ast.Attribute) and node.func.attr in _NAMESPACE_WRITERS):
            return set(functions)
    return rebound


def _reads_chance(definition: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Does it call a source of chance (`random.random()`, `np.random.standard_normal(…)`, `rng.normal(…)`,
    `time.time()`)? A name alone is not one: a local called `uniform` or `time` drew nothing and exempted the
    function from every probe (red team round 54, 03). Draws from a generator seeded with constants in the function
    are not either (the same every call: an unused `np.random.default_rng(0)` exempted a cache; round 56, 07)."""
    calls = [node for node in ast.walk(definition) if isinstance(node, ast.Call)]
    seeded = any(_called_name(call) in _SEEDERS and (call.args or call.keywords)
                 and all(_constant(arg) for arg in (*call.args, *(keyword.value for keyword in call.keywords)))
                 for call in calls)
    chance = _CLOCKS if seeded else _CHANCE
    for call in calls:
        called: ast.expr = call.func
        while isinstance(called, ast.Attribute | ast.Call | ast.Subscript):
            if isinstance(called, ast.Attribute) and called.attr in chance:
                return True
            called = called.func if isinstance(called, ast.Call) else called.value
        if isinstance(called, ast.Name) and called.id in chance:
            return True
    return False


def _called_name(call: ast.Call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id \
        if isinstance(call.func, ast.Name) else ""


def _top_level_state(tree: ast.Module, functions: set[str]) -> frozenset[str]:
    """Names the module's top level binds to something other than a constant, a function or a module (a class
    too: its attributes outlive a call): bound anyhow, outside a function's body (a walrus, a `for`, a `with`, an
    `except` or a `match` bound a cache unseen when assignments alone were read; red team round 58, 01)."""
    found = set()
    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.Import | ast.ImportFrom):
            continue
        if isinstance(statement, ast.ClassDef):  # its attributes, and its instances', outlive a call
            found.add(statement.name)
            continue
        if isinstance(statement, ast.Assign | ast.AnnAssign) and statement.value is not None \
                and _constant(statement.value) and all(isinstance(target, ast.Name) for target in (
                    statement.targets if isinstance(statement, ast.Assign) else [statement.target])):
            continue
        for node in _outside_functions(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                found.add(node.id)
            elif isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and node.name:
                found.add(node.name)
            elif isinstance(node, ast.MatchMapping) and node.rest:
                found.add(node.rest)
    return frozenset(found - functions)


def _outside_functions(node: ast.AST) -> list[ast.AST]:
    """The nodes of a top-level statement, not those of a function or lambda defined in it (its own locals)."""
    found, pending = [], [node]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(child for child in ast.iter_child_nodes(current)
                       if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda))
    return found


def _constant(node: ast.expr) -> bool:
    """A value no call can change: a number, a string, None, a tuple of those, a sign of one."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp):
        return _constant(node.operand)
    if isinstance(node, ast.Tuple):
        return all(_constant(element) for element in node.elts)
    return False


@dataclasses.dataclass(frozen=True)
class _Module:
    """What a function's reading needs of its module: its top level's imports, the names its top level binds (those
    bound to a constant alone too), and,
    per function of it, whether what it returns can be or hold what outlives a call (`_returns_shared`)."""

    imports: _Imports = _Imports({}, ())
    names: frozenset[str] = frozenset()
    constants: frozenset[str] = frozenset()  # bound at the top to a constant alone (`SCALE = 2.0`)
    returning: Mapping[str, bool] = dataclasses.field(default_factory=dict)


# Readings over the whole module or function, each repeated until nothing changes, at most this many times: each
# reading is linear in the source, so a chain of helpers made to need one more reading per link (a module of 400
# helpers, each returning the next one's value, took 38 s of the grader's CPU when read until it settled) costs a few
# readings; what is not settled by then is left at its generous side (able to keep state: one more probe child)
MOST_READINGS = 6


def _module_returns(defined: Mapping[str, ast.FunctionDef | ast.AsyncFunctionDef], module: _Module) -> _Module:
    """`module` with, per function of it, whether it can return what outlives a call (a function returning
    `logging.getLogger('nd')`, or another of the module's that does), read until nothing changes or `MOST_READINGS`
    times. The first reading takes every call of the module's functions as shared; each later one can only find more
    of them fresh, so a reading stopped early says "shared" where a later one might not (generous)."""
    callers: dict[str, set[str]] = {name: set() for name in defined}
    for name, definition in defined.items():
        for node in ast.walk(definition):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in callers:
                callers[node.func.id].add(name)
    returning: dict[str, bool] = {}
    to_read = set(defined)
    for _ in range(MOST_READINGS):  # only the functions calling one whose reading changed are read again
        module = dataclasses.replace(module, returning=dict(returning))
        changed = set()
        for name in sorted(to_read):
            value = _returns_shared(defined[name], module)
            if returning.get(name) != value:
                returning[name] = value
                changed.add(name)
        if not changed:
            break
        to_read = set().union(*(callers[name] for name in changed))
    return dataclasses.replace(module, returning=returning)


def _returns_shared(definition: ast.FunctionDef | ast.AsyncFunctionDef, module: _Module) -> bool:
    scope = _scope(definition, module, _aliases(definition, module))
    return any(isinstance(node, ast.Yield | ast.YieldFrom) or isinstance(node, ast.Return) and node.value is not None
               and _shares(node.value, scope, True) for node in ast.walk(definition))


def _holds_state(definition: ast.FunctionDef | ast.AsyncFunctionDef, top_state: frozenset[str],
                 module: _Module = _Module()) -> bool:
    if definition.decorator_list:
        return True
    local = _bound_locally(definition) - _aliases(definition, module)
    for node in ast.walk(definition):
        if isinstance(node, ast.Global | ast.Nonlocal):
            return True
        if isinstance(node, ast.arguments) and not all(
                _constant(default) or isinstance(default, ast.Name | ast.Attribute)
                for default in (*node.defaults, *(d for d in node.kw_defaults if d is not None))):
            return True
        if isinstance(node, ast.Attribute) and (_state_attribute(node.attr) or isinstance(node.ctx, ast.Store | ast.Del)
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


# Attributes that give a namespace, a frame, a class or an object shared beyond the call, whatever they are read
# from: any dunder but a few names, and a frame's or a cell's (`numerical_derivative.__globals__` bound to a local by
# a walrus kept a cache; red team round 61, 01)
_HARMLESS_DUNDERS = frozenset({"__name__", "__qualname__", "__doc__"})
_FRAME_ATTRIBUTES = frozenset({"f_globals", "f_locals", "f_builtins", "f_back", "gi_frame", "cr_frame", "ag_frame",
                               "tb_frame", "tb_next", "cell_contents", "gi_yieldfrom", "cr_await"})


def _state_attribute(name: str) -> bool:
    return name in _FRAME_ATTRIBUTES or name.startswith("__") and name.endswith("__") and name not in _HARMLESS_DUNDERS


# Calls whose result holds nothing but what their arguments hold (a new number, array or container, a view, or an
# argument itself): builtins, NumPy's array functions, `math`. Any other call (a function imported from elsewhere,
# the module's own, a parameter, a method of a module) may return an object shared between calls: a logger, the
# current thread, a module (red team round 61, 02).
_PURE_BUILTINS = frozenset({"abs", "all", "any", "bool", "complex", "dict", "divmod", "enumerate", "filter", "float",
                            "frozenset", "int", "isinstance", "len", "list", "map", "max", "min", "pow", "range",
                            "reversed", "round", "set", "sorted", "str", "sum", "tuple", "zip", "bytes", "repr",
                            "hash", "callable", "print"})
_PURE_MODULES = frozenset({"math", "cmath"})
_PURE_NUMPY = frozenset({
    "array", "asarray", "asanyarray", "ascontiguousarray", "asarray_chkfinite", "copy", "zeros", "ones", "empty",
    "full", "zeros_like", "ones_like", "empty_like", "full_like", "arange", "linspace", "logspace", "eye", "identity",
    "diag", "diagonal", "stack", "vstack", "hstack", "column_stack", "concatenate", "append", "atleast_1d",
    "atleast_2d", "atleast_3d", "reshape", "ravel", "squeeze", "expand_dims", "transpose", "swapaxes", "where", "sum",
    "mean", "prod", "cumsum", "cumprod", "diff", "gradient", "dot", "matmul", "inner", "outer", "vdot", "cross",
    "einsum", "trace", "sqrt", "exp", "exp2", "log", "log1p", "expm1", "log10", "log2", "power", "float_power", "abs",
    "absolute", "fabs", "square", "clip", "maximum", "minimum", "fmax", "fmin", "sign", "sin", "cos", "tan", "arcsin",
    "arccos", "arctan", "arctan2", "sinh", "cosh", "tanh", "hypot", "reciprocal", "negative", "subtract", "divide",
    "true_divide", "floor_divide", "mod", "isclose", "allclose", "array_equal", "isfinite", "isnan", "isinf",
    "shape", "size", "ndim", "argmin", "argmax", "argsort", "sort", "min", "max", "amin", "amax", "nanmin", "nanmax",
    "nansum", "nanmean", "std", "var", "median", "polyfit", "polyval", "meshgrid", "float64", "float32", "int64",
    "int32", "broadcast_to", "tile", "repeat", "round", "around", "floor", "ceil", "trunc", "any", "all", "nonzero",
    "count_nonzero", "flip", "roll", "interp", "trapz", "trapezoid", "unravel_index", "solve", "norm", "inv", "det",
    "lstsq", "pinv", "isscalar", "ndarray", "frombuffer", "fromiter", "tolist", "linalg"})


def _pure_path(path: str) -> bool:
    parts = path.split(".") if path else []
    if not parts or _static_value(path) is _UNKNOWN:
        return False
    if parts[0] in _PURE_MODULES:
        return len(parts) == 2
    return parts[0] == "numpy" and all(part in _PURE_NUMPY for part in parts[1:]) and len(parts) > 1


@dataclasses.dataclass(frozen=True)
class _Scope:
    """What a function's names are, for `_shares`: its locals not bound to shared state, its parameters, the names its
    imports bind (with their path), and the names of its module's top level."""

    local: frozenset[str]
    parameters: frozenset[str]
    imports: Mapping[str, str]
    module: _Module
    starred: tuple[str, ...] = ()
    given_functions: frozenset[str] = frozenset()  # parameters it calls: one object over every call of a check's
    nested: Mapping[str, ast.AST] = dataclasses.field(default_factory=dict)  # functions defined in it
    visiting: set[str] = dataclasses.field(default_factory=set)
    shared_parameters: frozenset[str] = frozenset()  # parameters whose default is shared (`_shared_default`)


def _scope(definition: ast.FunctionDef | ast.AsyncFunctionDef, module: _Module, aliases: frozenset[str]) -> _Scope:
    own, parameters, called, nested, bound = _own_names(definition)
    scope = _Scope(bound - aliases, parameters, {**module.imports.bound, **own.bound},
                   module, (*module.imports.starred, *own.starred), called & parameters, nested)
    shared = frozenset(argument for argument, default in _defaults(definition) if _shared_default(default, scope))
    return dataclasses.replace(scope, shared_parameters=shared) if shared else scope


@functools.lru_cache(maxsize=4096)
def _defaults(definition: ast.AST) -> tuple[tuple[str, ast.expr], ...]:
    """Each parameter with a default, of the function and of the functions and lambdas defined in it (one walk per
    function: a scope is made several times per function while its module is read)."""
    pairs: list[tuple[str, ast.expr]] = []
    for node in ast.walk(definition):
        if isinstance(node, ast.arguments):
            positional = [*node.posonlyargs, *node.args]
            pairs += [(argument.arg, default) for argument, default
                      in zip(positional[len(positional) - len(node.defaults):], node.defaults, strict=True)]
            pairs += [(argument.arg, default) for argument, default in zip(node.kwonlyargs, node.kw_defaults,
                                                                           strict=True) if default is not None]
    return tuple(pairs)


def _shared_default(default: ast.expr, scope: _Scope) -> bool:
    """Is a parameter's default an object kept from one call to the next: anything but a constant, a constant of the
    module, a builtin class or function, or what an import path names that holds nothing (`np.float64`, `np.pi`)? A
    default is made once, when the `def` runs: a module function given as one (`box=_box`), or a `{}`, is the same
    object in every call that leaves it, and held a cache on its attributes read as a copy of the check's input
    (red team round 62, 02 and 04)."""
    if _constant(default):
        return False
    if not isinstance(default, ast.Name | ast.Attribute):
        return True
    outside = dataclasses.replace(scope, local=frozenset(), parameters=frozenset())  # a default is read outside
    return _shares(default, outside)


@functools.lru_cache(maxsize=4096)
def _own_names(definition: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[
        _Imports, frozenset[str], frozenset[str], Mapping[str, ast.AST], frozenset[str]]:
    """What a function's scope takes from its own code alone, in one walk (a scope is made several times per function
    while its module is read): its imports, its parameters and its nested functions' and lambdas', the names it calls,
    its nested functions, and the names it binds."""
    nodes = list(ast.walk(definition))
    parameters = _parameters(definition).union(*(_parameters(inner) for inner in nodes
                                                  if isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef
                                                                | ast.Lambda)))
    called = frozenset(node.func.id for node in nodes if isinstance(node, ast.Call) and isinstance(node.func, ast.Name))
    nested = {inner.name: inner for inner in nodes
              if isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef) and inner is not definition}
    bound = frozenset(node.id for node in nodes if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store))
    return _imports(nodes), parameters, called, nested, bound


def _pure_name(name: str, scope: _Scope) -> bool:
    """Is a name called a pure function: a builtin of `_PURE_BUILTINS` nothing shadows, or one imported (by name or
    by `*`) from `math` or NumPy's array functions?"""
    if name in scope.local or name in scope.parameters:
        return False
    if name in scope.imports:
        return _pure_path(scope.imports[name])
    if name in scope.module.names:
        return False
    if any(module and _static_value(f"{module}.{name}") is not _UNKNOWN for module in scope.starred):
        return any(_pure_path(f"{module}.{name}") for module in scope.starred if module)
    return name in _PURE_BUILTINS and not any(not module for module in scope.starred)


def _nested_returns_shared(name: str, scope: _Scope) -> bool:
    """Can a function defined in the one read return what outlives a call (read with its scope; yes where it calls
    itself back)?"""
    if name in scope.visiting:
        return True
    scope.visiting.add(name)
    try:
        return any(isinstance(node, ast.Yield | ast.YieldFrom) or isinstance(node, ast.Return)
                   and node.value is not None and _shares(node.value, scope, True)
                   for node in ast.walk(scope.nested[name]))
    finally:
        scope.visiting.discard(name)


def _builtin_value(name: str, scope: _Scope) -> bool:
    """Is a name a builtin class or function that nothing shadows (`float` in `dtype=float`): nothing can be stored on
    it (unlike `help` or `exit`, objects of `site`)?"""
    if name in scope.local or name in scope.parameters or name in scope.imports or name in scope.module.names \
            or scope.starred:
        return False
    value = getattr(builtins, name, None)
    return value is not None and not name.startswith("_") and (
        isinstance(value, types.BuiltinFunctionType) or isinstance(value, type) and value.__module__ == "builtins")


def _dotted(node: ast.expr, scope: _Scope) -> str:
    """The import path an attribute chain from an imported name stands for ("" where it is none)."""
    attributes = []
    while isinstance(node, ast.Attribute):
        attributes.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id in scope.local or node.id not in scope.imports:
        return ""
    path = scope.imports[node.id]
    return ".".join([path, *reversed(attributes)]) if path else ""


def _shares(node: ast.AST | None, scope: _Scope, copied: bool = False) -> bool:
    """Can the value of an expression be, or hold, an object that outlives the call (generous: where it cannot be
    told, yes)? A local not bound to one, a constant, or what a pure call (`_PURE_BUILTINS`, NumPy's array functions,
    `math`) makes of those cannot; where `copied`, in such a call's arguments, nor can a parameter (a copy of the
    check's input)."""
    if node is None:
        return True
    if isinstance(node, ast.Constant | ast.Lambda):
        return False
    if isinstance(node, ast.Yield | ast.YieldFrom | ast.Await):  # a value sent in, or awaited
        return True
    if isinstance(node, ast.Name):
        if node.id in scope.shared_parameters and node.id not in scope.local:
            return True
        return node.id not in scope.local and not (node.id in scope.parameters
                                                   and (copied or node.id not in scope.given_functions)) \
            and not _builtin_value(node.id, scope) and not (node.id in scope.module.constants
                                                            and node.id not in scope.parameters)
    if isinstance(node, ast.Attribute):
        path = _dotted(node, scope)
        if path:  # `np.float32`, `np.pi`: what an import path names, looked up without running anything
            return _state_attribute(node.attr) or _can_hold_state(path)
        return _state_attribute(node.attr) or _shares(node.value, scope, copied)
    if isinstance(node, ast.Call):
        called = node.func
        arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
        if isinstance(called, ast.Name):
            if called.id in scope.parameters and called.id not in scope.local:
                pure = True  # a function given by the check (`f`): its values are fresh
            elif called.id in scope.nested and called.id not in scope.local:
                pure = not _nested_returns_shared(called.id, scope)
            elif called.id in scope.module.returning and called.id not in scope.local:
                pure = not scope.module.returning[called.id]  # the module's own function: read for what it returns
            else:
                pure = _pure_name(called.id, scope)
            return not pure or any(_shares(argument, scope, True) for argument in arguments)
        if isinstance(called, ast.Attribute):
            path = _dotted(called, scope)
            if path or _root(called) in scope.imports and _root(called) not in scope.local:
                return not _pure_path(path) or any(_shares(argument, scope, True) for argument in arguments)
            # a method: what it gives is held by its object or its arguments
            return any(_shares(part, scope, copied) for part in (called.value, *arguments))
        return True
    # an operator's result is a new value, a container holds its parts (a parameter in either is the check's input,
    # copied: `rows = [(m0, c0)]`, but for a function the check gives, one object over every call: `g = (f,)[0]`
    # held a cache on its attributes, red team round 62, 06); a subscript, a choice (`a or b`, `a if t else b`) gives
    # its parts
    if isinstance(node, ast.Tuple | ast.List | ast.Set | ast.Dict) and any(
            isinstance(part, ast.Name) and part.id in scope.given_functions and part.id not in scope.local
            for part in ast.iter_child_nodes(node)):
        return True
    copied = copied or isinstance(node, ast.BinOp | ast.UnaryOp | ast.Compare | ast.Tuple | ast.List | ast.Set
                                  | ast.Dict)
    return any(_shares(child, scope, copied) for child in ast.iter_child_nodes(node)
               if isinstance(child, ast.expr | ast.comprehension | ast.keyword))


def _bindings(definition: ast.FunctionDef | ast.AsyncFunctionDef) -> list[tuple[frozenset[str], ast.AST | None, bool]]:
    """Every binding of the function: the local names bound (or stored into: `box[0] = ...`, `box.append(...)`), with
    the expression they get their value from (None where it is not one: an exception caught, a `match` capture of
    part of its subject), and whether it is stored into a local or iterated (where a parameter, a copy of the input,
    is not shared: `plus[i] += h`, `for v in x`)."""
    found: list[tuple[frozenset[str], bool, ast.AST | None]] = []
    for node in ast.walk(definition):
        if isinstance(node, ast.Assign):
            found += [(*_target_names(target), node.value) for target in node.targets]
        elif isinstance(node, ast.AnnAssign | ast.AugAssign | ast.NamedExpr) and node.value is not None:
            found.append((*_target_names(node.target), node.value))
        elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):  # the parts of a parameter are copies too
            found.append((_target_names(node.target)[0], True, node.iter))
        elif isinstance(node, ast.With | ast.AsyncWith):
            found += [(*_target_names(item.optional_vars), item.context_expr) for item in node.items
                      if item.optional_vars is not None]
        elif isinstance(node, ast.ExceptHandler) and node.name:
            found.append((frozenset({node.name}), False, None))
        elif isinstance(node, ast.Match):
            names = {inner.name for case in node.cases for inner in ast.walk(case.pattern)
                     if isinstance(inner, ast.MatchAs | ast.MatchStar) and inner.name}
            names |= {inner.rest for case in node.cases for inner in ast.walk(case.pattern)
                      if isinstance(inner, ast.MatchMapping) and inner.rest}
            found.append((frozenset(names), False, node.subject))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _MUTATING:
            found += [(frozenset({_root(node.func.value)} - {""}), True, argument)
                      for argument in (*node.args, *(keyword.value for keyword in node.keywords))]
    return [(names, value, into) for names, into, value in found]


def _target_names(target: ast.AST) -> tuple[frozenset[str], bool]:
    """The local names a target binds, or the one it stores into; whether it stores into one."""
    if isinstance(target, ast.Name):
        return frozenset({target.id}), False
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    if isinstance(target, ast.Tuple | ast.List):
        parts = [_target_names(element) for element in target.elts]
        return frozenset().union(*(names for names, _ in parts)), any(into for _, into in parts)
    if isinstance(target, ast.Attribute | ast.Subscript):
        return frozenset({_root(target)} - {""}), True
    return frozenset(), False


def _aliases(definition: ast.FunctionDef | ast.AsyncFunctionDef, module: _Module = _Module()) -> frozenset[str]:
    """Local names bound, by any binding (an assignment, a walrus, a tuple unpacked, a `for`, a `with`, an `except`, a
    comprehension, a `match`), to something that can be or hold what outlives the call (`_shares`): reached from a
    name that is not local (`cache = sse.cache`, `row = TABLE[0]`, `store, = (f.__globals__,)`), or given by a call
    not known to make a fresh value (`holder = logging.getLogger('nd')`), or a local such a value was stored into.
    What is stored in them outlives the call as much as a store through the name itself (red team rounds 54, 03, and
    61, 01 and 02). Every binding is read once per reading, a name found counting at once for the bindings after it;
    readings stop once one finds nothing, or after `MOST_READINGS`, every local name then an alias (generous)."""
    bindings = _bindings(definition)
    base = _scope(definition, module, frozenset())
    bound = base.local
    found: set[str] = set()
    for _ in range(MOST_READINGS):
        changed = False
        scope = dataclasses.replace(base, local=bound - found)
        for names, value, into in bindings:
            fresh = names & scope.local
            if fresh and _shares(value, scope, into):
                found |= fresh
                changed = True
                scope = dataclasses.replace(base, local=bound - found)
        if not changed:
            return frozenset(found)
    return frozenset(bound)


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
                  probe: Callable[[Any], str]) -> dict[str, dict[int, str]]:
    """Per exercise key, the checks (by `id`) on which its function was shown to keep state, with how: "alone" (right
    as the first call of a fresh child) or "twice" (two answers to the same input in a row). `failed`: per exercise
    key, (exercise, planned check) pairs of the checks it answered wrong or raised on, public first;
    `source_of(module)`: the student's module source; `probe(planned check)`: "alone", "twice" or "" for a check
    called so. Checks are probed in order until one is not shown, and at most `STATE_PROBES` of them."""
    found: dict[str, dict[int, str]] = {}
    for key, checks in failed.items():
        if not checks:
            continue
        exercise = checks[0][0]
        source = source_of(exercise.module)
        if source is None or not may_keep_state(source, exercise.function):
            continue
        shown: dict[int, str] = {}
        for _, p in checks[:STATE_PROBES]:
            how = probe(p)
            if not how:
                break
            shown[id(p)] = how
        if shown:
            found[key] = shown
    return found


def neighbour_cases(case: Case, *fresh: Case) -> list[Case]:
    """Inputs that differ from `case` in one argument: one for each argument, positional or named, taken from the
    first of `fresh` (other draws of the same check, then inputs of other checks of the exercise) whose value there
    differs from the case's (the first of `fresh` itself where the case has one argument). A function whose answer to
    `case` right after a call on one of them differs from its answer alone keeps something across calls that does
    not depend on all its arguments: a cache keyed on the slope and intercept but not the data, on an array's
    length or shape, on the start but not the function descended, on the point but not the step h (which a hidden
    input's structure fixes, so another draw of it holds the same h: red team round 58, 02) or not the function
    (one per check)."""
    from grader.engine import case_values

    positions = [("arg", index) for index in range(len(case.args))] + [("kwarg", name) for name in case.kwargs]
    if len(positions) <= 1:
        return [other for other in fresh[:1] if case_values(other) != case_values(case)]
    own = case_values(case)
    neighbours = []
    # a named argument the case leaves to its default, given by another input (h=1e-3 beside the default h), and
    # one the case gives that nothing else varies, left to its default
    positions += [("kwarg", name) for other in fresh for name in other.kwargs if name not in case.kwargs]
    positions = list(dict.fromkeys(positions))
    for name in case.kwargs:
        defaulted = dataclasses.replace(case, kwargs={key: value for key, value in case.kwargs.items() if key != name})
        if all(case_values(dataclasses.replace(case, kwargs={**case.kwargs, name: other.kwargs[name]})) == own
               for other in fresh if name in other.kwargs):
            neighbours.append(defaulted)
    for kind, where in positions:
        for other in fresh:
            if kind == "arg":
                if not isinstance(where, int) or where >= len(other.args):
                    continue
                args = tuple(other.args[where] if index == where else value for index, value in enumerate(case.args))
                neighbour = dataclasses.replace(case, args=args)
            elif where in other.kwargs:
                neighbour = dataclasses.replace(case, kwargs={**case.kwargs, where: other.kwargs[where]})
            else:
                continue
            if case_values(neighbour) != own:
                neighbours.append(neighbour)
                break
    return neighbours
