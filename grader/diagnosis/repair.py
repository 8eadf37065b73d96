"""Repair: the smallest change of the student's own code that makes every check pass, named as the mistake.

Where nothing listed explains a failed exercise, the trusted parent reads the student's function as a syntax tree
(never executing it) and builds candidates, each one small edit away from it: a sign or an operator changed (in an
expression, or `+=` for `-=`), parentheses moved, a constant off by one or where a variable belongs (not the start of
a running best), an index from the first entry to the last, a call that rounds, truncates or reorders removed, or one
that takes a neighbouring quantity (an inverse, a norm, a determinant, eigenvalues, a variance; with a `float()`
around it), an extra factor or term dropped, one variable for another (a local made like
another, a parameter where its shifted local belongs: `x` where `dx = x − x̄` belongs), a loop's index for its value,
a sibling function for the one a copied line calls, a mean for a sum, an argument not passed, two arguments swapped
(not the sizes of one shape, `reshape(-1, 1)`), the other divisor n − ddof of a variance, a statement that stops a
loop early removed, a `return` moved out of its loop, two steps of a loop's pass swapped, an initialisation moved
into the loop it should reset with, a matrix entry's mirror stored, two returned values or labels swapped,
`dtype=int` for floats, `asarray` for a copy, `*` typed for `**` and `=-` for `-=`, every `//` made `/` at once; and
Python read otherwise than meant: every `^` (XOR) made `**`, every `math.f` made NumPy's, an argument a check passes
as a list converted, names bound together (`a = b = ...`) made each its own, a loop variable that shadows a parameter
renamed, lists or sums made afresh in the loop that fills them moved before it, an exit test made before the pass's
step moved after it, `argmin`'s position indexed for its value, a `zeros_like` made float, a 1 where the number of
points belongs, a new axis `[:, None]`, every `axis=k` changed at once, a pass that restarts from its parameter (`x =
x0 - ...` in the loop), `range(len(s))` where `for i in s` takes values, two values computed alike (by sibling
functions) in each other's place, a module function of one value applied to an expression removed (`sigmoid(h @ w +
b)` where the linear value belongs), an absolute value where a signed value is tested or scaled (`a <= tol`,
`np.max(a)`), a statement that reads a value before the one computing it moved after that one, `f(u op c)` for `f(u)
op c` (f a given function too) and `a = f(u)` then `a op c` for `a = f(u op c)`, Σx² for (Σx)², a total divided by
the number of points the function counted (`n = len(x)`), a value read before a function of one value is applied
where the value after it belongs (`z` for `h = sigmoid(z)`), a size `np.abs(r)` where the square `r ** 2` belongs,
entries set where they are moved (`plus[i] = h` for `plus[i] += h`, every such store at once and each alone), one
buffer stepped back to where it started where the other side belongs (`p[i] -= 2 * h` after `p[i] += h` and a call),
an in-place operator on a second name of an array (`u = x` then `u *= 3`) made a new value (`u = u * 3`; each alone
and every one at once), a copy made after a change it must not carry moved before it, a loop's index off by one where
a pass stores into or reads an entry of what it fills (`path[k]` for `path[k + 1]`, or for `path[k - 1]`),
`np.sign(g)` or `np.clip(g, a, b)` for `g`, an `axis=-k` changed whole, `np.reciprocal(u)` (integer for integers) for
`1 / u`, `np.ndim(p)` for `len(p)`, a lambda made in a loop given the loop's variable as a default (late binding), a
product's last two factors dropped together (`a * (1 - a)`, a derivative's factor where none belongs), a parameter
where a module function of it belongs (`x * (1 - x)` for `sigmoid(x) * (1 - sigmoid(x))`), a right operand that
belongs deeper in the left operand's last terms (`c * x ** n - 1` for `c * x ** (n - 1)`), every read of the value
before a function in one statement at once (`z * (1 - z)` for `h * (1 - h)`, `h = sigmoid(z)`), every alike
value-changing call dropped at once (`round(s), round(b)`), two nested loops over two sequences made one loop over
their `zip`, a running best (an infinity or None) started afresh in every pass moved before the loop, `[[0.0] * n] *
n` made n rows, the last pass's added value read after its loop where the total belongs, an array made from integers
(`np.array`, `np.asarray`, `np.full`, the `*_like`) made float, a narrow dtype (`float32`, `int`) made float,
`np.outer(a, b)` for `a * b`, a row of an array bound to a name (a view) made a copy, an axis given positionally
changed, and an `if` without `else` that only changes values (a clipping, a cap, a schedule) removed, or its test
dropped and what it guards kept (a guard that refuses a step); and the habits
of another array language (`_array_habits`): `np.dot` or `@` for `*` (MATLAB's `.*`), a column of shape (n, 1) made a
1-D array, a shape given as separate sizes made one tuple, the built-in `sum`'s start value taken for a dimension
dropped (everywhere at once), a slice stopping at `-1` taken for `end`, `order='F'` dropped, two entries of a short
literal in each other's place, and every name bound to one array made a copy at once; a polynomial's coefficient 0 of
a missing power left out of its list (one or two at once); code written for the size of the inputs tried: every size of
one value written in (`np.zeros((2, 2))`, `range(2)`, `np.eye(2)`) made an input's `len` at once, and a list written out
entry by entry (`[w[0] - r * g[0], w[1] - r * g[1]]`) made one entry per entry of an input. Where a repair that takes a
piece of code away passes, it is told before any other inside that piece or in code only feeding it (`preferred`). Text
written more than once is located by its line. The same edit is also tried at every occurrence of the same expression
(an index written twice, or copied into parallel terms). The candidates run in the sandbox like any student code
(`find_repair` takes the runner); the parent judges them with the exercise's own checks. A candidate that passes every
check the function failed and every one it passed is a fact about the student's code: its edit is shown, with what that
kind of mistake means; where two edits at different places both pass, both are shown and neither is blamed (the code
does not say which part is wrong). Where no single edit passes, two slips are looked for (`find_two_edit_repair`): an
edit that passes some of the failed checks and breaks none, then a second edit of the code it made; said only where
every pair found gives the same function. Nothing is said where no candidate passes; no input or expected value is part
of the hint. Operators are generic: none is written for one exercise or one mistake."""

from __future__ import annotations

import ast
import collections
import copy
import dataclasses
import functools
import hashlib
import io
import itertools
import math
import re
import tokenize
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from grader.bounded import OutOfTime, time_limit
from grader.diagnosis import PAIR_JOIN
from grader.diagnosis.notation import change_in_notation, in_notation

MAX_SOURCE_CHARS = 3000  # a longer function is not repaired (the work grows faster than its size; the longest
# function of every corpus is a fifth of this)
MAX_EDITS_PER_OPERATOR = 600  # edits one kind of operator may propose (a few dozen in a function of usual size)
MAX_CANDIDATES = 800
MAX_EDITED_NODES = 300  # an expression of more nodes is not edited as a whole (its parts still are): the work of
# building the candidates grows with the size of each edited subtree, quadratic in a long expression otherwise
MAX_FINALISTS = 40  # candidates that pass the first failed check and are tried on every check
SLICE = 200  # candidates tried together (likelier edits first: most repairs are found in the first slice)
SWAPPED_ARGUMENTS = 4  # a call's first arguments, two of which may be passed in each other's place
SWAPPED_NAMES = 6  # a statement's first single-use indices, two of which may index each other's sequence
DEEPEST_REGROUPING = 4  # how deep in the left operand's last terms a right operand may belong (`c * x ** (n - 1)`)
MAX_MODULE_FUNCTIONS = 200  # a module of more top-level functions is not repaired (the kit's have about ten)
MAX_MODULE_CHARS = 64 * 1024  # a longer module is not read here: its syntax tree, kept for the module's exercises,
# took about 230 bytes of the grader's memory per character of a padded module (the kit's modules are under 20 kB)
MAX_COMPILED_NODES = 20_000  # a function Python's compiler writes out larger is not repaired: a `finally` body is
# written once per way out of what it guards, so nested ones multiply (16 levels: minutes and gigabytes to compile one
# candidate, in the grader's own process and beyond any time limit's reach); a function of usual size is a few hundred
EDITS_SECONDS = 2.0  # CPU to find and order one function's edits, in the grader's own process (corpora: < 0.1 s)
MOVED_ENTRIES = 6  # stores into entries (`plus[i] = h`) beyond which none is tried as a move (`+=`)
PREFIX = "calcgrade_repair_"
REPAIR_CLAIM = "repair"  # how a repair's diagnosis begins: "repair: <kind>"
BOTH_JOIN = ", and "  # between the two changes of a two-edit repair

_SWAPPED_OPERATORS: dict[type[ast.operator], tuple[type[ast.operator], ...]] = {
    ast.Add: (ast.Sub,), ast.Sub: (ast.Add,), ast.Mult: (ast.Div,), ast.Div: (ast.Mult,),
    ast.FloorDiv: (ast.Div,), ast.Pow: (ast.Mult,), ast.Mod: (ast.Div,),
}
_SYMBOL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Pow: "**",
           ast.Mod: "%", ast.MatMult: "@"}
_COMPARISONS: dict[type[ast.cmpop], tuple[type[ast.cmpop], ...]] = {
    ast.Lt: (ast.LtE, ast.Gt), ast.LtE: (ast.Lt, ast.GtE), ast.Gt: (ast.GtE, ast.Lt), ast.GtE: (ast.Gt, ast.LtE),
}
_OPPOSITE_CALLS = {"any": "all", "all": "any", "min": "max", "max": "min", "argmin": "argmax", "argmax": "argmin",
                   "amin": "amax", "amax": "amin", "nanmin": "nanmax", "nanmax": "nanmin", "floor": "ceil",
                   "ceil": "floor"}
_MEAN_OR_SUM = {"mean": "sum", "sum": "mean", "nanmean": "nansum", "nansum": "nanmean"}
# Calls whose removal is a candidate, and what they do to a value (the teaching half of the hint).
_CHANGES_VALUE = {
    "round": "rounds the value", "int": "truncates to a whole number", "floor": "rounds down",
    "ceil": "rounds up", "trunc": "truncates to a whole number", "rint": "rounds the values",
    "around": "rounds the values", "sqrt": "takes the square root", "abs": "drops the sign", "fabs": "drops the sign",
    "absolute": "drops the sign", "sort": "reorders the entries", "sorted": "reorders the entries",
    "flip": "reverses the order", "reversed": "reverses the order", "cumsum": "makes running totals",
    "mean": "averages", "sum": "adds up", "square": "squares", "exp": "exponentiates", "log": "takes the logarithm",
    "negative": "negates", "transpose": "transposes", "ravel": "flattens", "flatten": "flattens",
    "unique": "drops repeated values and sorts", "float32": "rounds to single precision",
    "float16": "rounds to half precision", "sign": "keeps only the signs (−1, 0 or 1), not the sizes",
    "clip": "cuts every value off at its bounds",
    "deg2rad": "reads the number as degrees (the angle is in radians already)",
    "radians": "reads the number as degrees (the angle is in radians already)",
    "rad2deg": "turns radians into degrees (the functions take radians)",
    "degrees": "turns radians into degrees (the functions take radians)",
    # a neighbouring quantity of a matrix or a vector where the thing itself belongs
    "inv": "inverts the matrix", "pinv": "inverts the matrix (its pseudo-inverse)",
    "norm": "takes the length (the norm), one number", "det": "takes the determinant, one number",
    "eigvals": "takes the eigenvalues", "eigvalsh": "takes the eigenvalues", "trace": "adds up the diagonal",
    "diff": "takes the differences of neighbouring entries", "cumprod": "makes running products",
    "prod": "multiplies the entries together", "var": "takes the variance", "std": "takes the standard deviation",
    "log10": "takes the logarithm", "log2": "takes the logarithm", "log1p": "takes the logarithm of 1 + the value",
    "expm1": "exponentiates", "exp2": "raises 2 to the value",
}


# Calls whose positional arguments are the sizes of one shape (`a.reshape(-1, 1)`): not parameters that could be
# passed in each other's place (a column made where a 1-D array belongs is told as a column, not as swapped sizes).
_ONE_SHAPE_CALLS = frozenset({"reshape", "resize", "rand", "randn"})


# NumPy's spread functions and the divisor n − ddof each takes by default.
_DEFAULT_DDOF = {"var": 0, "std": 0, "nanvar": 0, "nanstd": 0, "cov": 1}


# Which edit is shown when several make every check pass: the likelier slip first (a sign before a changed
# operator, a dropped term before a changed constant, a constant before one variable for another; a bound off by
# one before a loop's start dropped, the smaller change of the same range).
_RANK = {"sign": 0, "missing minus": 2, "axis": 2, "missing factor": 4, "missing term": 4, "sum of products": 3,
         "missing sum": 3,
         "precedence": 1, "floor division": 1, "integer truncation": 1, "argument not passed": 1,
         "early stop": 1, "early return": 1, "alias": 1, "swapped operands": 2, "extra operation": 2,
         "transposed": 2, "not reset": 2,
         "running total": 2, "swapped values": 2, "swapped arguments": 2, "return in loop": 1, "ddof": 2,
         "one triangle": 1, "mean for sum": 3, "sum for mean": 3, "wrong function": 3, "index for its value": 2,
         "order of statements": 3, "swapped indices": 2, "missing power": 4,
         "labels swapped": 1, "loop bounds": 3, "operator": 3,
         "comparison": 3, "opposite function": 3, "order of tests": 3, "extra factor": 3, "extra term": 3,
         "extra division": 3, "extra power": 3, "off by one": 2, "other end": 2, "call for its argument": 4,
         "power": 4,
         "constant for a variable": 4, "constant": 5, "wrong variable": 5, "scalar function": 1,
         "not converted": 2, "shadowed parameter": 2, "not kept": 2, "xor for power": 1,
         "mirrored point": 2, "count": 2, "test before step": 2, "new axis": 3,
         "values for indices": 2, "restart": 2, "overwritten": 2, "sum start": 2,
         "missing absolute value": 3, "used before set": 2, "missing division": 4, "before the function": 4,
         "function not applied": 4,
         "size for square": 3, "set for moved": 2, "late binding": 1, "every pair": 2, "last pass for total": 2,
         "single precision": 2, "conditional change": 2, "conditional update": 2, "dot for product": 2, "column": 2,
         "slice end": 2,
         "swapped entries": 3, "column-major": 2, "shape as sizes": 1, "start value": 1, "zero coefficient": 2,
         "twin step missing": 1, "step back to the start": 1, "in place on an alias": 1, "copy after change": 1,
         "square shape": 2, "rounded constant": 1, "coefficient order": 2,
         "enumerate start": 1, "diagonal twice": 1, "module function for parameter": 1, "argument order": 1,
         "outside the loop": 2, "outside the if": 2, "part of the data": 2, "fixed size": 2, "written out": 2}


@dataclass(frozen=True)
class Edit:
    """One small change of the student's function: what kind of mistake it undoes, the student's text and the
    changed text, and what that kind of mistake means."""

    kind: str
    before: str
    after: str
    why: str
    action: str = ""  # the change in words where it is not one text for another (a statement removed, moved)
    position: int | None = None  # which of several returned values the change lies in (where that is one)

    @property
    def diagnosis(self) -> str:
        return f"{REPAIR_CLAIM}: {self.kind}"

    def hint(self, function: str, scope: str, returns: Sequence[str] = ()) -> str:
        """The feedback: the change in the student's own text, and why it matters; `scope` says which checks
        the changed function passes ("every check", "every public check"); `returns` names the values the
        function returns (the change is said to lie where it computes one of them)."""
        why = self.why[:1].upper() + self.why[1:]
        return f"{why}. In {function}{self.where(returns)}, {self.change} makes {scope} pass: find out why, and " \
            "fix it your way"

    def where(self, returns: Sequence[str]) -> str:
        """", where it computes the intercept": the returned value the change lies in, where that is known."""
        if self.position is None or self.position >= len(returns):
            return ""
        return f", where it computes {returns[self.position]}"

    @property
    def change(self) -> str:
        """The change in the student's text, and in the course's notation where that says more."""
        if self.action:
            return self.action
        maths = change_in_notation(self.before, self.after)
        return f"changing `{self.before}` to `{self.after}`" + (f" (in maths: {maths})" if maths else "")


@dataclass(frozen=True)
class Candidate:
    edit: Edit
    name: str  # the changed function's name in the module the sandbox loads
    source: str  # its definition


# ----- building the candidates (pure: syntax trees in, candidates out) --------------------------------------


def candidates(module_source: str, function: str, module_functions: frozenset[str] = frozenset()) -> list[Candidate]:
    """Every single-edit candidate of `function` in `module_source`, deduplicated, in order of preference
    (the first that passes is shown). Empty where the function cannot be read or is too large."""
    return [candidate for some in candidate_slices(module_source, function, module_functions, MAX_CANDIDATES)
            for candidate in some]


def _parsed(module_source: str) -> ast.Module | None:
    """The module's syntax tree, parsed once for the helpers that read it (none of them changes it); None for a
    module longer than `MAX_MODULE_CHARS` (a padded module's trees, kept for later students, held gigabytes)."""
    return None if len(module_source) > MAX_MODULE_CHARS else _parsed_once(module_source)


@functools.lru_cache(maxsize=32)
def _parsed_once(module_source: str) -> ast.Module | None:
    try:
        return ast.parse(module_source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def compiled_nodes(node: ast.AST) -> int:
    """How many nodes Python's compiler writes for `node`, counting a `finally` body once per way out of what it
    guards: falling through, an exception, and each `return`, `break` or `continue` inside it (an estimate from
    above: a `break` inside its own loop is counted too)."""
    if isinstance(node, ast.Try | ast.TryStar) and node.finalbody:
        guarded = [*node.body, *node.handlers, *node.orelse]
        return 1 + sum(map(compiled_nodes, guarded)) + (2 + _ways_out(guarded)) * sum(map(compiled_nodes,
                                                                                           node.finalbody))
    return 1 + sum(map(compiled_nodes, ast.iter_child_nodes(node)))


def _ways_out(statements: Sequence[ast.AST]) -> int:
    """The `return`, `break` and `continue` statements among `statements`, outside nested definitions."""
    found, waiting = 0, list(statements)
    while waiting:
        node = waiting.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        found += isinstance(node, ast.Return | ast.Break | ast.Continue)
        waiting.extend(ast.iter_child_nodes(node))
    return found


def named_siblings(module_source: str, others: Mapping[str, str]) -> dict[str, str]:
    """The submission's other modules (name -> source) that the module names (an import, or the name as a
    string), and those they name in turn: what may run when the module loads. The repair search's children load
    these and no other module, so that nothing outside `edit_context` takes part in an edit's verdict."""
    loaded: dict[str, str] = {}
    waiting = [module_source]
    while waiting:
        for name in sorted(_names_mentioned(waiting.pop()) & set(others) - set(loaded)):
            loaded[name] = others[name]
            waiting.append(others[name])
    return loaded


@functools.lru_cache(maxsize=64)
def _names_mentioned(source: str) -> frozenset[str]:
    """Every module name the source imports, and every string constant in it (a name given to importlib); read
    once per source (it is asked for every repair of every function of the module)."""
    tree = _parsed(source)
    if tree is None:
        return frozenset()
    named: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            named |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.module:
                named.add(node.module.split(".")[0])
            else:
                named |= {alias.name for alias in node.names}  # `from . import other`
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            named.add(node.value)
    return frozenset(named)


def edit_context(module_source: str, function: str, others: Mapping[str, str] | None = None) -> bytes:
    """A digest of what, besides its own text, decides whether an edit of `function` passes: the whole module
    apart from the function's own body (what the code says: its layout and comments decide nothing), and, of
    `others` (the submission's other modules, name -> source), those the module names and they in turn
    (`named_siblings`): their code runs when it is imported, and they are the only other modules an edit runs
    with. Two modules with the same function and the same context give the same candidates the same verdicts
    (a function a candidate calls and the student's never does is in it: every definition is). Only the module
    apart from the function is sound: code run at load (a top-level call, a decorator, a default, a class body, a
    sibling importing the module back) runs any definition's body, reached by its name or by one made at run time
    (`sys.modules[__name__].__dict__[...]`), so a context of the definitions the function reaches, with only the
    names of the others, let a classmate's `_prepare()` whose body broke `np.asarray` store a "none found" that
    was not true of another's (red team rounds 23, 01, and 61, 04). A search is then shared by students whose
    modules differ in this function only: a batch's copies, a template filled in one function at a time."""
    tree = _parsed(module_source)
    if tree is None or sum(isinstance(node, ast.FunctionDef | ast.ClassDef) for node in tree.body) \
            > MAX_MODULE_FUNCTIONS:  # the whole module (one too large is never repaired)
        return hashlib.sha256(module_source.encode("utf-8", "surrogatepass")).digest()
    own = _function_node(module_source, function)  # None where there are several: every body is in the context
    parts = [ast.dump(_without_body(node) if node is own else node) for node in tree.body]
    parts += [f"{name}\0{source}" for name, source in sorted(named_siblings(module_source, others or {}).items())]
    text = "\0".join(parts)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def _without_body(node: ast.FunctionDef) -> ast.FunctionDef:
    """The definition with its body left out (its name, decorators, defaults and annotations kept: they run at load)."""
    blank = copy.copy(node)
    blank.body = [ast.Pass()]
    return blank


def names_in(statements: Iterable[ast.stmt], ctx: type[ast.expr_context] = ast.expr_context) -> frozenset[str]:
    """The names these statements use (only those read, with `ctx=ast.Load`)."""
    return frozenset(node.id for statement in statements for node in ast.walk(statement)
                     if isinstance(node, ast.Name) and isinstance(node.ctx, ctx))


def names_read(module_source: str, function: str) -> frozenset[str] | None:
    """The names the module's one top-level `function` reads, from its parsed text (never run); None where the
    module cannot be read or has no such single function."""
    node = _function_node(module_source, function)
    return None if node is None else names_in(node.body, ast.Load)


def calls_made(module_source: str, function: str) -> collections.Counter[str] | None:
    """How often the module's one top-level `function` calls each name (`np.any(...)`, `any(...)` and `a.any()`
    all count as `any`), from its parsed text (never run); None where it cannot be read."""
    node = _function_node(module_source, function)
    return None if node is None else collections.Counter(
        _call_name(call) for call in ast.walk(node) if isinstance(call, ast.Call))


def _function_node(module_source: str, function: str) -> ast.FunctionDef | None:
    """The module's one top-level definition of `function` (None where the module cannot be parsed, or has none
    or several)."""
    tree = _parsed(module_source)
    found = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == function] if tree else []
    return found[0] if len(found) == 1 else None


def candidate_slices(module_source: str, function: str, module_functions: frozenset[str] = frozenset(),
                     size: int = 0, sequences: frozenset[int | str] = frozenset(),
                     by_hand: bool = True) -> Iterator[list[Candidate]]:
    """The candidates in slices of `size` (all at once if 0), built only as they are asked for: the edits are
    found and ordered first (cheap), the changed functions written and compiled a slice at a time (most
    repairs are in the first slice, and the rest is never built). `sequences`: the positions and keyword names
    of the arguments some check passes as a list or tuple (an argument arithmetic may need converted).
    `by_hand`: does the function work out a derivative by the rules (a slip of one is then a reading of an edit)?"""
    tree = _parsed(module_source)
    if tree is None:
        return
    found = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == function]
    if len(found) != 1:
        return
    original = found[0]
    text = _Text(module_source, original)
    try:
        if len(text.original) > MAX_SOURCE_CHARS or compiled_nodes(original) > MAX_COMPILED_NODES:
            return
    except RecursionError:  # nested deeper than Python's own stack: too large as well
        return
    signatures = {node.name: node.args for node in tree.body if isinstance(node, ast.FunctionDef)}
    if len(signatures) > MAX_MODULE_FUNCTIONS:  # the work before the first candidate grows with the module's functions
        return
    functions = module_functions | set(signatures)
    scope = _local_names(original) - functions - _module_names(tree)
    try:
        seen = {_meaning(text.renamed(text.original, PREFIX))}  # the same code however it is parenthesised: once
    except (SyntaxError, ValueError, RecursionError, TypeError, MemoryError):
        return
    texts: set[str] = set()
    positional = [a.arg for a in (*original.args.posonlyargs, *original.args.args)]
    listed = frozenset(positional[item] if isinstance(item, int) and item < len(positional) else item
                       for item in sequences if not isinstance(item, int) or item < len(positional))
    try:  # the work before the first candidate, on code made to make it slow, is bounded like SymPy's reading
        with time_limit(EDITS_SECONDS, cpu=True):
            edits = sorted(_edits(original, scope, signatures, text, _numpy_name(tree), listed, by_hand),
                           key=lambda found: _RANK.get(found[0].kind, 9))
    except OutOfTime:
        return
    made = 0
    some: list[Candidate] = []
    summed_twice = _calls_summed_twice(original) if _calls_repeated(original) else None
    for edit, change in edits:
        if made >= MAX_CANDIDATES:
            break
        name = f"{PREFIX}{made}"
        try:
            changed = text.spliced(change) if isinstance(change, list) else ast.unparse(change)
            if changed in texts:
                continue
            texts.add(changed)
            source = text.renamed(changed, name)
            meaning = _meaning(source)
            if summed_twice is not None and _calls_summed_twice(ast.parse(source).body[0]) > summed_twice:
                continue  # two calls made one: (4·D(h/2) − D(h))/3 with h/2 made h is D(h), the combination undone
        except (SyntaxError, ValueError, RecursionError, AttributeError, TypeError, KeyError, MemoryError):
            continue
        if meaning in seen:
            continue
        seen.add(meaning)
        made += 1
        some.append(Candidate(edit, name, source))
        if size and len(some) == size:
            yield some
            some = []
    if some:
        yield some


def _calls_repeated(function: ast.AST) -> bool:
    """Does the function call one of its names (a helper, `f`) more than once?"""
    names = [node.func.id for node in ast.walk(function)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args]
    return len(names) != len(set(names))


def _calls_summed_twice(function: ast.AST) -> int:
    """How many times a sum or difference holds the same call twice as its terms (scaled by numbers or not; `h / 1`
    read as `h`): `4 * D(h) - D(h)`, `f(x + h) - f(x + h)`. σ(x)·(1 − σ(x)) holds it in two different sums. An edit
    that raises the count made two different calls one, undoing a combination (a difference of equal values is 0,
    (4·D − D)/3 is D)."""
    twice = 0
    for node in ast.walk(function):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
            calls = [core for core in map(_unscaled, _terms(node))
                     if isinstance(core, ast.Call) and isinstance(core.func, ast.Name) and core.args]
            names = [call.func.id for call in calls]  # type: ignore[attr-defined]
            if len(names) == len(set(names)):
                continue  # no function called twice here: nothing to compare (the common case, and cheap)
            terms = [_identity_free_key(call) for call in calls]
            twice += len(terms) - len(set(terms))
    return twice


def _terms(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
        return [*_terms(node.left), *_terms(node.right)]
    return [node]


def _unscaled(node: ast.expr) -> ast.expr:
    """A term without its sign and its number factors: `4 * D(h)` is `D(h)`."""
    while True:
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            node = node.operand
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and isinstance(node.left, ast.Constant):
            node = node.right
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult | ast.Div) \
                and isinstance(node.right, ast.Constant):
            node = node.left
        else:
            return node


def _identity_free_key(node: Any) -> Any:
    """The node's structure as nested tuples, every `a * 1`, `a / 1`, `a ** 1`, `a + 0` and `a - 0` read as `a`
    (inner ones first): equal for the same expression written with or without them. Built without copying the
    tree, since it is asked for every candidate edit of a function that repeats a call."""
    if isinstance(node, ast.BinOp):
        left, right = _identity_free_key(node.left), _identity_free_key(node.right)
        if right[0] == "Constant" and right[1] in ("int", "float") and (
                (right[2] == 1 and isinstance(node.op, ast.Mult | ast.Div | ast.Pow))
                or (right[2] == 0 and isinstance(node.op, ast.Add | ast.Sub))):
            return left
        return ("BinOp", left, type(node.op).__name__, right)
    if isinstance(node, ast.Constant):
        return ("Constant", type(node.value).__name__, node.value, repr(node.value))
    if isinstance(node, ast.AST):
        return (type(node).__name__, *(_identity_free_key(getattr(node, field, None)) for field in node._fields))
    if isinstance(node, list):
        return tuple(_identity_free_key(item) for item in node)
    return node


def _meaning(source: str) -> tuple:
    """What a function definition compiles to, whatever its name, layout and redundant parentheses: equal for
    candidates that are the same code (compiling also proves the candidate is valid Python)."""
    module = compile(source, "<repair>", "exec", dont_inherit=True)
    code = next(const for const in module.co_consts if hasattr(const, "co_code"))
    return _code_key(code)


def _code_key(code: Any) -> tuple:
    return (code.co_code, code.co_names, code.co_varnames,
            tuple(_code_key(c) if hasattr(c, "co_code") else (type(c).__name__, repr(c)) for c in code.co_consts))


class _Text:
    """The function's own text, and how to change it: a replacement is spliced in where a node stood (the
    student's layout is kept), so that no candidate needs a copy of the whole tree."""

    def __init__(self, module_source: str, function: ast.FunctionDef):
        self.data = module_source.encode("utf-8", "surrogatepass")
        self.line_starts = [0]
        for line in self.data.splitlines(keepends=True):
            self.line_starts.append(self.line_starts[-1] + len(line))
        self.start = self._offset(function.lineno, function.col_offset)
        self.end = self._offset(function.end_lineno or function.lineno, function.end_col_offset or 0)
        self.original = self.data[self.start:self.end].decode("utf-8", "surrogatepass")
        self.function = function

    def key(self, node: ast.AST) -> str:
        """The node's own text without spaces: equal for the same expression written twice."""
        try:
            start = self._offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
            end = self._offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        except (AttributeError, IndexError, TypeError):
            return ast.dump(node)
        return type(node).__name__ + ":" + b"".join(self.data[start:end].split()).decode("utf-8", "surrogatepass")

    def segment(self, node: ast.AST, inner: ast.AST | None = None, written: str = "") -> str:
        """The student's text of `node`, with the text of `inner` (a node inside it) replaced by `written`."""
        start, end = self._span(node)
        data = self.data[start:end]
        if inner is not None:
            inner_start, inner_end = self._span(inner)
            data = data[:inner_start - start] + written.encode("utf-8", "surrogatepass") + data[inner_end - start:]
        return data.decode("utf-8", "surrogatepass")

    def _span(self, node: ast.AST) -> tuple[int, int]:
        return (self._offset(node.lineno, node.col_offset),  # type: ignore[attr-defined]
                self._offset(node.end_lineno, node.end_col_offset))  # type: ignore[attr-defined]

    def _offset(self, line: int, column: int) -> int:
        return self.line_starts[line - 1] + column

    def spliced(self, change: list[tuple[ast.AST, Replacement]]) -> str:
        pieces = sorted(((self._offset(node.lineno, node.col_offset),  # type: ignore[attr-defined]
                          self._offset(node.end_lineno, node.end_col_offset),  # type: ignore[attr-defined]
                          node, replacement) for node, replacement in change), key=lambda piece: -piece[0])
        data = self.data[self.start:self.end]
        for start, end, node, replacement in pieces:
            if start < self.start or end > self.end:
                raise ValueError("outside the function")
            written = _text(replacement)
            if isinstance(node, ast.expr):
                written = f"({written})"
            elif isinstance(node, ast.stmt):
                line = self.data[self.line_starts[node.lineno - 1]:start].decode("utf-8", "surrogatepass")
                written = written.replace("\n", "\n" + line)
            data = data[:start - self.start] + written.encode("utf-8", "surrogatepass") + data[end - self.start:]
        return data.decode("utf-8", "surrogatepass")

    def renamed(self, text: str, name: str) -> str:
        """`text` as the function `name` (the student's decorators, above the `def`, are not part of it)."""
        head, sep, rest = text.partition("(")
        if not sep or not head.lstrip().startswith(("def ", "async def ")):
            raise ValueError("not a function definition")
        return f"def {name}({rest}"


def _module_names(tree: ast.Module) -> set[str]:
    """Names bound at the module's top level by imports (modules, not variables a student would swap in)."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return names


def _numpy_name(tree: ast.Module) -> str:
    """The name the module imports NumPy under (`np`), or "" where it does not."""
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "numpy":
                    return alias.asname or alias.name
    return ""


def _converted(function: ast.FunctionDef) -> frozenset[str]:
    """The parameters passed to `asarray` or `array` somewhere in the function (made arrays, not left lists)."""
    return frozenset(argument.id for node in ast.walk(function) if isinstance(node, ast.Call)
                     and _call_name(node) in ("asarray", "array", "asanyarray") and node.args
                     for argument in node.args[:1] if isinstance(argument, ast.Name))


def _parameter_names(arguments: ast.arguments) -> list[str]:
    """A signature's parameter names, in order (positional-only, positional, keyword-only)."""
    return [a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)]


def _store_targets(function: ast.FunctionDef) -> Iterator[ast.expr]:
    """What every assignment of the function stores into (`=` and `+=` alike)."""
    for n in ast.walk(function):
        if isinstance(n, ast.Assign):
            yield from n.targets
        elif isinstance(n, ast.AugAssign):
            yield n.target


def _filled(function: ast.FunctionDef) -> frozenset[str]:
    """The locals stored into entry by entry (`path[k] = ...`)."""
    return frozenset(target.value.id for target in _store_targets(function)
                     if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name))


def _made_by_calls(function: ast.FunctionDef, context: _Context) -> dict[str, ast.Assign]:
    """Locals assigned once (and never changed with `+=`), by a call of a function of one value: `h = sigmoid(z)`
    gives h -> that statement (the value after the function, and what it was applied to)."""
    assigned = collections.Counter(target.id for target in _store_targets(function) if isinstance(target, ast.Name))
    return {n.targets[0].id: n for n in ast.walk(function) if isinstance(n, ast.Assign) and len(n.targets) == 1
            and isinstance(n.targets[0], ast.Name) and assigned[n.targets[0].id] == 1
            and isinstance(n.value, ast.Call) and _of_one_value(n.value, context)}


def _reads_only(call: ast.expr, name: str) -> bool:
    """Is this a call of one argument, the variable `name` itself (`sigmoid(z)` for z)?"""
    return isinstance(call, ast.Call) and len(call.args) == 1 and isinstance(call.args[0], ast.Name) \
        and call.args[0].id == name


def _lengths(function: ast.FunctionDef) -> frozenset[str]:
    """The locals assigned a number of points: `n = len(x)`, `n = x.size`, `n = x.shape[0]`."""
    def counts(value: ast.expr) -> bool:
        return isinstance(value, ast.Call) and _call_name(value) == "len" \
            or isinstance(value, ast.Attribute) and value.attr == "size" \
            or isinstance(value, ast.Subscript) and isinstance(value.value, ast.Attribute) \
            and value.value.attr == "shape"
    return frozenset(n.targets[0].id for n in ast.walk(function) if isinstance(n, ast.Assign)
                     and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name) and counts(n.value))


def _lists_made(function: ast.FunctionDef) -> frozenset[str]:
    """The locals made as lists or tuples (a literal or a comprehension): sequences a position may index."""
    return frozenset(node.targets[0].id for node in ast.walk(function) if isinstance(node, ast.Assign)
                     and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                     and isinstance(node.value, ast.List | ast.ListComp | ast.Tuple))


def _bound_without_copy(function: ast.FunctionDef) -> dict[str, str]:
    """Locals given their value once, by `u = x` or `u = path[0]` (another name, or an entry or row of one): the
    same object under a second name, not a copy -> the text of what they name."""
    plain = collections.Counter(target.id for node in ast.walk(function) if isinstance(node, ast.Assign)
                                for target in node.targets if isinstance(target, ast.Name))
    bound = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and plain[node.targets[0].id] == 1 and (isinstance(node.value, ast.Name) or (
                    isinstance(node.value, ast.Subscript) and isinstance(node.value.value, ast.Name))):
            bound[node.targets[0].id] = ast.unparse(node.value)
    return bound


def _in_place_on_alias(node: ast.AST, context: _Context) -> Found:
    """`u = x` then `u *= 3`: the in-place operator changes what `u` names, `x` itself (an array: a number is
    rebound, not changed), where a new value belongs (`u = u * 3`); in the function, every such statement at once."""
    def rebound(statement: ast.AugAssign) -> ast.Assign:
        name = statement.target.id  # type: ignore[attr-defined]
        return ast.copy_location(ast.Assign([ast.Name(name, ast.Store())], ast.BinOp(
            ast.Name(name, ast.Load()), copy.deepcopy(statement.op), copy.deepcopy(statement.value))), statement)

    def on_alias(statement: ast.AST) -> bool:
        return isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name) \
            and statement.target.id in context.bound_to and not isinstance(statement.op, ast.MatMult)

    why = "`{name} = {other}` does not copy: `{name}` and `{other}` are one and the same array, so `{line}` changes " \
          "`{other}` too (a number would be rebound, an array is changed in place)"
    if on_alias(node):
        name = node.target.id  # type: ignore[attr-defined]
        changed = rebound(node)  # type: ignore[arg-type]
        yield Edit("in place on an alias", _text(node), _text(changed),
                   why.format(name=name, other=context.bound_to[name], line=_text(node))), changed, False
    if isinstance(node, ast.FunctionDef):
        statements = [statement for statement in ast.walk(node) if on_alias(statement)]
        if len({statement.target.id for statement in statements}) < 2:  # type: ignore[attr-defined]
            return
        changed = copy.deepcopy(node)
        for parent in ast.walk(changed):
            for field, value in ast.iter_fields(parent):
                if isinstance(value, list):
                    setattr(parent, field, [rebound(item) if on_alias(item) else item for item in value])
        first = statements[0]
        name = first.target.id  # type: ignore[attr-defined]
        yield Edit("in place on an alias", "", "", why.format(name=name, other=context.bound_to[name],
                                                              line=_text(first)),
                   "changing " + " and ".join(f"`{_text(one)}` to `{_text(rebound(one))}`"  # type: ignore[arg-type]
                                              for one in statements)), changed, False


def _given_names(function: ast.FunctionDef) -> set[str]:
    """The parameters, and the variables of its loops and comprehensions."""
    names = set(_parameter_names(function.args))
    for node in ast.walk(function):
        if isinstance(node, ast.For | ast.comprehension):
            names |= {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
    return names


def _local_names(function: ast.FunctionDef) -> set[str]:
    names = set(_parameter_names(function.args))
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return {name for name in names if name != "_"}


def _edits(function: ast.FunctionDef, scope: set[str], signatures: dict[str, ast.arguments],
           text: _Text, numpy: str = "", sequences: frozenset[str] = frozenset(), by_hand: bool = True
           ) -> Iterator[tuple[Edit, list[tuple[ast.AST, Replacement]] | ast.AST]]:
    """(edit, change) for every operator at every node, most telling kinds first: a change is the nodes to
    replace and their replacements, or (for a change of the whole function) the changed function."""
    body = function.body[1:] if _docstring(function) else function.body
    nodes: list[ast.AST] = [function]  # then the body's nodes only: not the defaults, annotations or docstring
    for statement in body:
        nodes.extend(ast.walk(statement))
    parents = {id(child): parent for parent in nodes for child in ast.iter_child_nodes(parent)}
    key = text.key
    where: dict[str, list[int]] = {}  # each expression's text -> the positions it occurs at (in ast.walk order)
    for index, node in enumerate(nodes):
        if isinstance(node, ast.expr | ast.keyword):
            where.setdefault(key(node), []).append(index)
    parallel, shifted = _made_alike(function, signatures)
    context = _Context(scope, _given_names(function) & (scope | {"_"}), signatures, parents, function.name,
                       _counted_sequences(function), parallel, shifted, _deviations(function, shifted),
                       {node.target.id for node in ast.walk(function) if isinstance(node, ast.For | ast.comprehension)
                        and isinstance(node.target, ast.Name) and isinstance(node.iter, ast.Call)
                        and _call_name(node.iter) == "range"},
                       numpy, frozenset(_parameter_names(function.args)), _converted(function), sequences,
                       _lists_made(function), _lengths(function))
    assigned = collections.Counter(target.id for target in _store_targets(function) if isinstance(target, ast.Name))
    context = replace(context, made_by_calls=_made_by_calls(function, context), filled=_filled(function),
                      call_results=frozenset(n.targets[0].id for n in ast.walk(function) if isinstance(n, ast.Assign)
                                             and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)
                                             and assigned[n.targets[0].id] == 1 and isinstance(n.value, ast.Call)),
                      unread=frozenset(set(assigned) - {n.id for n in ast.walk(function) if isinstance(n, ast.Name)
                                                        and isinstance(n.ctx, ast.Load)}),
                      unused_parameters=context.parameters - names_in(function.body),
                      bound_to=_bound_without_copy(function), by_hand=by_hand)
    returned = _returned_position(function, parents)
    callers = _callers_of_nested(function)
    sizes = _subtree_sizes(function)
    roles: dict[int, tuple] = {}
    for operator in (_operators, _precedence, _calls, _statements, _constants, _drops, _names, _missing,
                     _array_habits, _written_out):
        proposed = 0
        for index, node in enumerate(nodes):
            if proposed >= MAX_EDITS_PER_OPERATOR:
                break
            if isinstance(node, ast.expr) and sizes.get(id(node), 0) > MAX_EDITED_NODES:
                continue  # an edit of a whole long expression: rarely the slip, and copied at every edit
            try:  # an operator that cannot handle an odd tree skips this node, never the repair
                found = list(operator(node, context))
            except (AttributeError, TypeError, ValueError, RecursionError):
                continue
            proposed += len(found)
            for edit, replacement, everywhere in found:
                change = [(node, replacement)] if index else replacement
                yield replace(_located(_in_context(_also_called(edit, node, parents, callers, frozenset(signatures)),
                                                   node, replacement, parents, text), node, text),
                              position=returned([node]) if index else None), change
                parallel = _PARALLEL_PLACES.get(edit.kind)
                if parallel is not None and isinstance(replacement, ast.AST):
                    changes = parallel(node, replacement, nodes, context)
                    if changes is not None:
                        group = [one for one, _ in changes]
                        yield replace(edit, action=_parallel_action(edit, node, replacement, changes),
                                      position=returned(group)), changes
                if not everywhere or not isinstance(node, ast.expr | ast.keyword):
                    continue
                for group in _groups(where[key(node)], index, nodes, parents, roles) \
                        if not isinstance(node, ast.Name) else ():
                    # a variable changed in several places is quoted with what surrounds it (below)
                    changed = [nodes[other] for other in group]
                    places = replace(edit, action=_in_places(edit, changed, parents, text), position=returned(changed))
                    yield places, [(nodes[other], replacement) for other in group]
                parent = parents.get(id(node))
                if isinstance(node, ast.Name) and isinstance(parent, ast.expr) and len(where[key(parent)]) > 1:
                    changed_parent = _replaced(parent, [_index_in(parent, node)], replacement)
                    for group in _groups(where[key(parent)], None, nodes, parents, roles):
                        before, after = _text(parent), _text(changed_parent)
                        yield Edit(edit.kind, before, after, edit.why,
                                   f"changing `{before}` to `{after}` in {len(group)} places",
                                   returned([nodes[other] for other in group])), \
                            [(nodes[other], changed_parent) for other in group]


def _index_shift(node: ast.AST, context: _Context) -> tuple | None:
    """`i - 1` or `k + 1` standing as (part of) an index: the shift (operator, number); None elsewhere."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub) and isinstance(node.right, ast.Constant) \
            and type(node.right.value) is int and _in_index(node, context):
        return type(node.op), node.right.value
    return None


MAX_PARALLEL_PLACES = 4  # one slip made in parallel places: changed in all of them at once, up to this many


def _every_index_shifted(node: ast.AST, replacement: ast.AST, nodes: Sequence[ast.AST],
                         context: _Context) -> list[tuple[ast.AST, ast.AST]] | None:
    """The same shift taken out of every index that has it (`rows[i - 1]` and `cols[j - 1]`: indices converted from
    a 1-based language although they were 0-based already): one slip made in parallel places, where fixing one
    index alone passes no check."""
    shift = _index_shift(node, context)
    if shift is None:
        return None
    group = [node, *(other for other in nodes if other is not node and _index_shift(other, context) == shift)]
    return [(one, copy.deepcopy(one.left)) for one in group] \
        if 2 <= len(group) <= MAX_PARALLEL_PLACES else None  # type: ignore[attr-defined]


def _every_call_in_parameter_order(node: ast.AST, replacement: ast.AST, nodes: Sequence[ast.AST],
                                   context: _Context) -> list[tuple[ast.AST, ast.AST]] | None:
    """The arguments put in the callee's order in every call that has them out of it (a refactor that moved two
    parameters, every call left as it was)."""
    changes = [(node, replacement), *((other, changed) for other in nodes if other is not node
                                      and (changed := _parameter_order_call(other, context)) is not None)]
    return changes if 2 <= len(changes) <= MAX_PARALLEL_PLACES else None


def _every_call_renamed(node: ast.AST, replacement: ast.AST, nodes: Sequence[ast.AST],
                        context: _Context) -> list[tuple[ast.AST, ast.AST]] | None:
    """Every call of the module function changed to the parameter (`f_wave(x + h) - f_wave(x - h)`)."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and isinstance(replacement, ast.Call)):
        return None
    group = [node, *(other for other in nodes if other is not node and isinstance(other, ast.Call)
                     and isinstance(other.func, ast.Name) and other.func.id == node.func.id)]
    if not 2 <= len(group) <= MAX_PARALLEL_PLACES:
        return None
    return [(one, ast.Call(copy.deepcopy(replacement.func), copy.deepcopy(one.args), copy.deepcopy(one.keywords)))
            for one in group]  # type: ignore[attr-defined]


def _parallel_action(edit: Edit, node: ast.AST, replacement: ast.AST, changes: list[tuple[ast.AST, ast.AST]]) -> str:
    """The change of several places, in words: each one's text and its change, or one rename said once."""
    if edit.kind == "module function for parameter":
        return f"changing every `{node.func.id}(...)` to `{_text(replacement.func)}(...)` " \
            f"({len(changes)} places)"  # type: ignore[attr-defined]
    return "changing " + " and ".join(f"`{_text(one)}` to `{_text(new)}`" for one, new in changes)


_PARALLEL_PLACES = {"off by one": _every_index_shifted, "argument order": _every_call_in_parameter_order,
                    "module function for parameter": _every_call_renamed}


def _subtree_sizes(root: ast.AST) -> dict[int, int]:
    """id(node) -> how many nodes its subtree holds (itself included), in one pass."""
    sizes: dict[int, int] = {}
    order = list(ast.walk(root))
    for node in reversed(order):  # children come after their parents in a breadth-first walk
        sizes[id(node)] = 1 + sum(sizes[id(child)] for child in ast.iter_child_nodes(node))
    return sizes


def _returned_position(function: ast.FunctionDef, parents: dict[int, ast.AST]) -> Callable[[list[ast.AST]], int | None]:
    """Where the function returns a few values at once (`return m, c`): which of them the changed nodes
    compute, either inside the `return` or in the assignment of a name it returns (None where that is not one
    value, or not known)."""
    found = [node for node in ast.walk(function) if isinstance(node, ast.Return)]
    value = found[0].value if len(found) == 1 else None
    elements = value.elts if isinstance(value, ast.Tuple | ast.List) else []
    names: dict[str, int] = {}
    for index, element in enumerate(elements):
        if isinstance(element, ast.Call) and len(element.args) == 1:  # return float(m), float(c)
            element = element.args[0]
        if isinstance(element, ast.Name):
            names.setdefault(element.id, index)

    def one(node: ast.AST) -> int | None:
        current = node
        while (parent := parents.get(id(current))) is not None:
            if parent is value:
                return next((index for index, element in enumerate(elements) if element is current), None)
            if isinstance(parent, ast.Assign) and current is parent.value and len(parent.targets) == 1 \
                    and isinstance(parent.targets[0], ast.Name):
                return names.get(parent.targets[0].id)
            if isinstance(parent, ast.AugAssign) and current is parent.value and isinstance(parent.target, ast.Name):
                return names.get(parent.target.id)
            current = parent
        return None

    def position(changed: list[ast.AST]) -> int | None:
        if not elements:
            return None
        positions = {one(node) for node in changed}
        return positions.pop() if len(positions) == 1 else None

    return position


def _callers_of_nested(function: ast.FunctionDef) -> dict[str, tuple[str, str]]:
    """Each definition nested in the function that another nested definition calls by name (`helper(...)`,
    `self.__sub__(other)`), or the function's own body: its name -> (that caller's name, the call's text), the
    first such call."""
    nested = [node for node in ast.walk(function) if isinstance(node, ast.FunctionDef) and node is not function]
    names = {node.name for node in nested}
    callers: dict[str, tuple[str, str]] = {}
    for caller in nested:
        for call in ast.walk(caller):
            if not isinstance(call, ast.Call):
                continue
            called = call.func.id if isinstance(call.func, ast.Name) else \
                call.func.attr if isinstance(call.func, ast.Attribute) else None
            if called in names and called != caller.name:
                callers.setdefault(called, (caller.name, ast.unparse(call)))
    # and the function's own body: a right helper called with the wrong argument (`dsig(out)`, σ'(σ(z)), where
    # `dsig(z)` belongs) passes with an edit inside the helper that undoes the argument (red team round 45, 02)
    waiting: list[ast.AST] = list(function.body)
    while waiting:
        node = waiting.pop(0)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        if isinstance(node, ast.Call):
            called = node.func.id if isinstance(node.func, ast.Name) else None
            if called in names:
                callers.setdefault(called, (function.name, ast.unparse(node)))
        waiting.extend(ast.iter_child_nodes(node))
    return callers


def _also_called(edit: Edit, node: ast.AST, parents: dict[int, ast.AST],
                 callers: dict[str, tuple[str, str]], module: frozenset[str] = frozenset()) -> Edit:
    """An edit inside a nested definition that another one calls (`__rsub__` returning `self.__sub__(other)`)
    changes what both compute: where the checks reach it only through the caller, the slip may as well lie in that
    call (a right `__sub__` is not to be edited for a wrong `__rsub__`), so the reason says so."""
    if not callers:
        return edit
    inside = parents.get(id(node))
    while inside is not None and not isinstance(inside, ast.FunctionDef):
        inside = parents.get(id(inside))
    if inside is None or inside.name not in callers or parents.get(id(inside)) is None:
        return edit
    caller, call = callers[inside.name]
    if caller == getattr(_outermost(inside, parents), "name", None) and not _reads_parameter(node, inside, module):
        return edit  # called from the function's own body: only a module function taken off a parameter (which the
        # caller may have applied to what it passes already) undoes an argument; `np.round(q, 3)` does not
    return replace(edit, why=f"{edit.why}; or `{inside.name}` is right and the slip lies in `{caller}`, which calls "
                             f"it (`{call}`): the code does not say which")


def _outermost(node: ast.AST, parents: dict[int, ast.AST]) -> ast.AST:
    """The root of `parents`: the function whose code is edited."""
    while (above := parents.get(id(node))) is not None:
        node = above
    return node


def _reads_parameter(node: ast.AST, function: ast.FunctionDef, module: frozenset[str]) -> bool:
    """Is the edited node a call of one of the module's functions (`module`) applied to a parameter of `function`
    (`sigmoid(z)` in `def dsig(z)`)?"""
    parameters = set(_parameter_names(function.args))
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in module \
        and any(isinstance(a, ast.Name) and a.id in parameters for a in node.args)


def _in_context(edit: Edit, node: ast.AST, replacement: Replacement, parents: dict[int, ast.AST],
                text: _Text) -> Edit:
    """A change of one name or number, quoted with the expression around it (`len(a)` to `len(b)`, not `a` to
    `b`), so the student sees where."""
    parent = parents.get(id(node))
    if not isinstance(node, ast.Name | ast.Constant | ast.Attribute) or not isinstance(parent, ast.expr) \
            or edit.action or not isinstance(replacement, ast.AST):
        return edit
    try:
        before = text.segment(parent)
        written = _text(replacement)
        if not isinstance(replacement, ast.Name | ast.Constant | ast.Attribute | ast.Call | ast.Subscript) \
                and f"({written})" in _text(_replaced(parent, [_index_in(parent, node)], replacement)):
            written = f"({written})"  # an expression in a name's place, where it needs its parentheses
        after = text.segment(parent, node, written)
        if isinstance(replacement, ast.Constant) and replacement.value == 0 and isinstance(parent, ast.BinOp) \
                and isinstance(parent.op, ast.Add | ast.Sub) and parent.right is node:
            after = text.segment(parent.left)  # `i + 1` to `i`, not to `i + 0`
    except (ValueError, RecursionError, AttributeError, IndexError, TypeError):
        return edit
    return edit if len(before) > 90 or "\n" in before else replace(edit, before=before, after=after)


_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth")


def _located(edit: Edit, node: ast.AST, text: _Text) -> Edit:
    """An edit of text the function holds more than once, told where: on which line of the student's file, and
    which of that line's occurrences (`dloss_dw(w, b, x, y)` written twice on one line, one of them the slip)."""
    if edit.action or not edit.before or text.original.count(edit.before) < 2 or not hasattr(node, "lineno"):
        return edit
    lineno, column = node.lineno, node.col_offset  # type: ignore[attr-defined]
    try:
        line = text.data[text.line_starts[lineno - 1]:text.line_starts[lineno]].decode("utf-8", "surrogatepass")
    except (IndexError, UnicodeDecodeError):
        return edit
    prefix = text.data[text.line_starts[lineno - 1]:text.line_starts[lineno - 1] + column].decode(
        "utf-8", "surrogatepass")
    starts, found = [], line.find(edit.before) if edit.before else -1
    while found >= 0:  # every place the text starts on the line, overlapping ones too
        starts.append(found)
        found = line.find(edit.before, found + 1)
    ordinal = sum(1 for start in starts if start <= len(prefix))
    where = f" on line {lineno}"
    if len(starts) > 1 and 1 <= ordinal <= len(_ORDINALS):
        where += f" (the {_ORDINALS[ordinal - 1]} of the {len(starts)} there)"
    return replace(edit, action=edit.change + where)


def _in_places(edit: Edit, changed: list[ast.AST], parents: dict[int, ast.AST], text: _Text) -> str:
    """The change of an expression written several times, quoted where each one stands."""
    try:
        around = [text.segment(parents[id(node)]) for node in changed]
    except (KeyError, ValueError, AttributeError, IndexError, TypeError):
        around = []
    if around and all(len(place) <= 60 and "\n" not in place for place in around) and len(set(around)) == len(around):
        return f"changing `{edit.before}` to `{edit.after}` in " + " and ".join(f"`{place}`" for place in around)
    return f"changing `{edit.before}` to `{edit.after}` in {len(changed)} places"


def _groups(positions: list[int], alone: int | None, nodes: Sequence[ast.AST] = (),
            parents: dict[int, ast.AST] | None = None, roles: dict[int, tuple] | None = None
            ) -> Iterator[tuple[int, ...]]:
    """The sets of an expression's occurrences to change together (the same slip made more than once):
    every one of them, and where there are at most four, every pair or more of them; `alone`, the position
    already tried by itself, is then in each set. Of more than four, also those that stand in the same place
    of parallel terms (each second step of four `f(p ± a ± b)`), the slip copied from term to term."""
    if len(positions) < 2:
        return
    if len(positions) > 4:
        yield tuple(positions)
        if parents is not None:
            known = {} if roles is None else roles  # each node's role, worked out once per function
            alike: dict[tuple, list[int]] = {}
            for position in positions:
                if position not in known:
                    known[position] = _role(nodes[position], parents)
                alike.setdefault(known[position], []).append(position)
            for group in alike.values():
                if 2 <= len(group) < len(positions) and (alone is None or alone == group[0]):
                    yield tuple(group)
        return
    for size in range(2, len(positions) + 1):
        for group in itertools.combinations(positions, size):
            if alone is None or alone == group[0]:
                yield group


def _role(node: ast.AST, parents: dict[int, ast.AST]) -> tuple:
    """Where a node stands within the call or statement that holds it: the fields from that call's argument
    (or the statement) down to the node, as (parent's kind, field, index)."""
    path = []
    current = node
    while (parent := parents.get(id(current))) is not None and not isinstance(parent, ast.stmt):
        for field, value in ast.iter_fields(parent):
            if value is current:
                path.append((type(parent).__name__, field, 0))
                break
            if isinstance(value, list) and any(item is current for item in value):
                path.append((type(parent).__name__, field, next(i for i, item in enumerate(value) if item is current)))
                break
        if isinstance(parent, ast.Call):
            break
        current = parent
    return tuple(path)


def _docstring(function: ast.FunctionDef) -> bool:
    first = function.body[0] if function.body else None
    return isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)


def _index_in(root: ast.AST, node: ast.AST) -> int:
    return next(index for index, n in enumerate(ast.walk(root)) if n is node)


@dataclass(frozen=True)
class _Context:
    scope: set[str]  # the function's parameters and local variables
    given: set[str]  # its parameters and loop variables (what a fixed number may stand for)
    signatures: dict[str, ast.arguments]  # the module's functions
    parents: dict[int, ast.AST]  # id(node) -> its parent
    function: str = ""  # the function's own name
    counted: dict[str, str] = dataclasses.field(default_factory=dict)  # loop variable -> the sequence it indexes
    parallel: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # local -> locals made alike
    shifted: dict[str, list[tuple[str, str]]] = dataclasses.field(default_factory=dict)  # p -> (local, p - ...)
    deviations: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # p -> `p - mean of p` as written
    indices: set[str] = dataclasses.field(default_factory=set)  # the variables of `for … in range(…)` loops
    numpy: str = ""  # the name NumPy is imported under in the module ("" where it is not)
    parameters: frozenset[str] = frozenset()  # the function's own parameters
    converted: frozenset[str] = frozenset()  # parameters the function passes to `asarray` or `array`
    sequences: frozenset[str] = frozenset()  # parameters some check passes as a list or tuple
    sequences_made: frozenset[str] = frozenset()  # locals made as lists or tuples (a literal, a comprehension)
    lengths: frozenset[str] = frozenset()  # locals holding a number of points (`n = len(x)`, `x.size`)
    made_by_calls: dict[str, ast.Assign] = dataclasses.field(default_factory=dict)  # h -> `h = sigmoid(z)`
    filled: frozenset[str] = frozenset()  # locals stored into entry by entry (`path[k] = ...`)
    call_results: frozenset[str] = frozenset()  # locals assigned once, from a call (`out = neuron(w, b, x)`)
    unread: frozenset[str] = frozenset()  # locals assigned and never read (a value computed, then forgotten)
    unused_parameters: frozenset[str] = frozenset()  # parameters the body never names
    bound_to: dict[str, str] = dataclasses.field(default_factory=dict)  # u -> `x` for `u = x` (no copy), once
    by_hand: bool = True  # does the function work out a derivative by the rules (not a difference quotient)?


Replacement = ast.AST | list[ast.stmt]
Found = Iterator[tuple[Edit, Replacement, bool]]


def _text(node: ast.AST | list[ast.stmt]) -> str:
    if isinstance(node, list):
        return "; ".join(ast.unparse(statement) for statement in node)
    return ast.unparse(node)


def _expr_edit(kind: str, node: ast.AST, replacement: ast.AST, why: str, everywhere: bool = True) -> Found:
    yield Edit(kind, _text(node), _text(replacement), why), replacement, everywhere


def _operators(node: ast.AST, context: _Context) -> Found:
    """A sign or an operator: + for -, * for /, / for //, a comparison's boundary or direction, any for all."""
    if isinstance(node, ast.BinOp) and not (isinstance(node.op, ast.Add | ast.Sub) and _counts(node, context)):
        for new in _SWAPPED_OPERATORS.get(type(node.op), ()):
            changed = ast.BinOp(copy.deepcopy(node.left), new(), copy.deepcopy(node.right))
            old_symbol, new_symbol = _SYMBOL[type(node.op)], _SYMBOL[new]
            if isinstance(node.op, ast.Add | ast.Sub):
                yield from _expr_edit("sign", node, changed, "a sign: a term is added where it is subtracted, "
                                      "or the other way round")
            elif isinstance(node.op, ast.FloorDiv):
                yield from _expr_edit("floor division", node, changed, "`//` is floor division: it rounds the "
                                      "quotient down to a whole number, where `/` divides exactly")
            elif isinstance(node.op, ast.Pow) and isinstance(node.right, ast.Constant) and node.right.value == 2:
                square = ast.unparse(node)  # a ** 2 made a * 2, 2a: the derivative of the square as often as a typo
                yield from _expr_edit("operator", node, changed, f"`{square}` where `{ast.unparse(changed)}` belongs: "
                                      "a square where its derivative (twice the value) belongs, the power rule not "
                                      "applied to it, or `**` typed for `*`" if context.by_hand else
                                      f"`{square}` where `{ast.unparse(changed)}` belongs: `**` typed for `*` "
                                      "(`a ** 2` squares, `a * 2` doubles)")
            else:
                yield from _expr_edit("operator", node, changed, f"`{old_symbol}` where `{new_symbol}` belongs")
        if isinstance(node.op, ast.Sub | ast.Div | ast.Pow):
            changed = ast.BinOp(copy.deepcopy(node.right), node.op, copy.deepcopy(node.left))
            why = "the fraction is upside down: numerator and denominator swapped" if isinstance(node.op, ast.Div) \
                else "the two sides of the operation are swapped"
            yield from _expr_edit("swapped operands", node, changed, why)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and isinstance(node.right, ast.Constant) \
            and node.right.value in (2, 3) and not isinstance(node.right.value, bool):  # `r * 2` typed for `r ** 2`
        changed = ast.BinOp(copy.deepcopy(node.left), ast.Pow(), copy.deepcopy(node.right))
        yield from _expr_edit("operator", node, changed, "`*` where `**` belongs: `a * 2` doubles, `a ** 2` squares")
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        step = _without_leading_minus(node.value)  # `x =- lr * g` typed for `x -= lr * g`
        if step is not None:
            changed = ast.AugAssign(ast.Name(node.targets[0].id, ast.Store()), ast.Sub(), step)
            yield Edit("operator", _text(node), _text(changed), f"`=-` is `= -`: `{node.targets[0].id}` is replaced "
                       "by the negative of the step, not moved by it (`-=`)"), changed, False
    if isinstance(node, ast.AugAssign) and type(node.op) in _SWAPPED_OPERATORS \
            and not (isinstance(node.value, ast.Constant) and node.value.value == 1):  # `+=` for `-=`, not a count
        for new in _SWAPPED_OPERATORS[type(node.op)]:
            changed = copy.deepcopy(node)
            changed.op = new()
            kind = "sign" if isinstance(node.op, ast.Add | ast.Sub) else "operator"
            why = "a sign: the value is added where it is subtracted, or the other way round" if kind == "sign" \
                else f"`{_SYMBOL[type(node.op)]}=` where `{_SYMBOL[new]}=` belongs"
            yield Edit(kind, _text(node), _text(changed), why), changed, False
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and not _counts(node, context):
        yield from _expr_edit("sign", node, copy.deepcopy(node.operand), "a sign: this minus does not belong")
    parent = context.parents.get(id(node))
    operand = (isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Add | ast.Sub | ast.Mult | ast.Div)) \
        or (isinstance(parent, ast.Call) and _call_name(parent) in _ELEMENTARY and node in parent.args)
    if operand and isinstance(node, ast.expr) and not isinstance(node, ast.UnaryOp | ast.Constant | ast.Starred) \
            and not _counts(node, context):
        yield from _expr_edit("missing minus", node, ast.UnaryOp(ast.USub(), copy.deepcopy(node)),
                              "a sign: this term or factor needs a minus")
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        for new in _COMPARISONS.get(type(node.ops[0]), ()):
            changed = ast.Compare(copy.deepcopy(node.left), [new()], copy.deepcopy(node.comparators))
            yield from _expr_edit("comparison", node, changed, "a comparison: its direction or its boundary case "
                                  "(< or <=) is not the one the definition asks for")
    if isinstance(node, ast.Attribute) and node.attr in _OPPOSITE_CALLS:
        changed = ast.Attribute(copy.deepcopy(node.value), _OPPOSITE_CALLS[node.attr], ast.Load())
        yield from _expr_edit("opposite function", node, changed, f"`{node.attr}` where its opposite "
                              f"`{_OPPOSITE_CALLS[node.attr]}` belongs")
    if isinstance(node, ast.Attribute) and node.attr in _MEAN_OR_SUM \
            and isinstance(context.parents.get(id(node)), ast.Call):
        other = _MEAN_OR_SUM[node.attr]
        changed = ast.Attribute(copy.deepcopy(node.value), other, ast.Load())
        yield from _expr_edit("mean for sum" if node.attr == "mean" else "sum for mean", node, changed,
                              "a mean divides the sum by n: here the sum belongs" if node.attr == "mean" else
                              "a sum where the mean belongs: the mean divides the sum by n")
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in _OPPOSITE_CALLS \
            and node.id in {"min", "max", "any", "all"}:
        yield from _expr_edit("opposite function", node, ast.Name(_OPPOSITE_CALLS[node.id], ast.Load()),
                              f"`{node.id}` where its opposite `{_OPPOSITE_CALLS[node.id]}` belongs")


def _without_leading_minus(value: ast.expr) -> ast.expr | None:
    """`-a * b / c` without its leading minus (a copy), or None where the expression does not start with one."""
    changed = copy.deepcopy(value)
    parent, node = None, changed
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult | ast.Div):
        parent, node = node, node.left
    if not (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)):
        return None
    if parent is None:
        return node.operand
    parent.left = node.operand
    return changed


def _precedence(node: ast.AST, context: _Context) -> Found:
    """Parentheses: (a op b) op' c regrouped as a op (b op' c) and back, f(a) op c as f(a op c) and back (f a
    function of one value: elementary, the module's own or a parameter)."""
    why = "the order of operations: as written, the expression groups differently (** binds before * and /, " \
        "and those before + and -): parentheses decide"
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords \
            and isinstance(node.args[0], ast.BinOp) and not isinstance(node.args[0].op, ast.Pow) \
            and (_of_one_value(node, context)
                 or isinstance(node.func, ast.Name) and node.func.id in context.parameters):
        inner = node.args[0]  # f(x0 - slope * x0) for f(x0) - slope * x0: a closing parenthesis placed too late
        outside = ast.BinOp(ast.Call(copy.deepcopy(node.func), [copy.deepcopy(inner.left)], []), inner.op,
                            copy.deepcopy(inner.right))
        yield from _expr_edit("precedence", node, outside, "the order of operations: the operation belongs after the "
                              "call, not inside the function's argument")
        before = ast.BinOp(copy.deepcopy(inner.left), inner.op,  # σ(1 - x) for 1 - σ(x): opened too early
                           ast.Call(copy.deepcopy(node.func), [copy.deepcopy(inner.right)], []))
        yield from _expr_edit("precedence", node, before, "the order of operations: the operation belongs before the "
                              "call, applied to its value, not inside the function's argument")
    if isinstance(node, ast.Call) and _call_name(node) in ("sum", "mean", "nansum") and len(node.args) == 1 \
            and isinstance(node.args[0], ast.BinOp) and isinstance(node.args[0].op, ast.Pow):
        power = node.args[0]  # np.sum(x ** 2) for np.sum(x) ** 2, (Σx)²
        outside = ast.BinOp(ast.Call(copy.deepcopy(node.func), [copy.deepcopy(power.left)],
                                     copy.deepcopy(node.keywords)), ast.Pow(), copy.deepcopy(power.right))
        yield from _expr_edit("precedence", node, outside, "the sum of the powers is not the power of the sum: "
                              "(Σx)² squares the total, Σx² adds the squares")
    if not isinstance(node, ast.BinOp):
        return
    left, right = node.left, node.right
    if isinstance(left, ast.BinOp):
        regrouped = ast.BinOp(copy.deepcopy(left.left), left.op,
                              ast.BinOp(copy.deepcopy(left.right), node.op, copy.deepcopy(right)))
        if not _folds_to_identity(regrouped):
            yield from _expr_edit("precedence", node, regrouped, _factor_twice_why(node, right, left.left)
                                  or _factor_missing_why(node, regrouped, right, left.left) or why)
    if isinstance(right, ast.BinOp):
        regrouped = ast.BinOp(ast.BinOp(copy.deepcopy(left), node.op, copy.deepcopy(right.left)), right.op,
                              copy.deepcopy(right.right))
        if not _folds_to_identity(regrouped):
            yield from _expr_edit("precedence", node, regrouped, _factor_twice_why(node, left, right.right)
                                  or _factor_missing_why(node, regrouped, left, right.right) or why)
    for depth in range(2, DEEPEST_REGROUPING + 1):  # `c * x ** n - 1` for `c * x ** (n - 1)`: deeper on the spine
        regrouped = copy.deepcopy(left)
        spine = regrouped
        for _ in range(depth - 1):
            spine = spine.right if isinstance(spine, ast.BinOp) else None
        if not (isinstance(spine, ast.BinOp) and isinstance(regrouped, ast.BinOp)):
            break
        spine.right = ast.BinOp(spine.right, node.op, copy.deepcopy(right))
        if not _folds_to_identity(regrouped):
            yield from _expr_edit("precedence", node, regrouped, why)
    if isinstance(left, ast.BinOp) and isinstance(left.right, ast.Call) and _of_one_value(left.right, context):
        call = left.right
        inside = ast.BinOp(copy.deepcopy(left.left), left.op, ast.Call(copy.deepcopy(call.func), [
            ast.BinOp(copy.deepcopy(call.args[0]), node.op, copy.deepcopy(right))], []))
        yield from _expr_edit("precedence", node, inside, "the order of operations: the operation belongs inside "
                              "the function's argument, not after the call")
    if isinstance(node.op, ast.Pow) and isinstance(left, ast.Call) and len(left.args) == 1 and left.keywords \
            and _call_name(left) in ("sum", "mean", "nansum"):  # np.sum(r, axis=0) ** 2 for np.sum(r ** 2, axis=0)
        inside = ast.Call(copy.deepcopy(left.func), [ast.BinOp(copy.deepcopy(left.args[0]), node.op,
                                                               copy.deepcopy(right))], copy.deepcopy(left.keywords))
        yield from _expr_edit("precedence", node, inside, "the power of a sum is not the sum of the powers: "
                              "square (or raise) each term before summing")
    if isinstance(left, ast.Call) and _of_one_value(left, context):
        inside = ast.Call(copy.deepcopy(left.func), [ast.BinOp(copy.deepcopy(left.args[0]), node.op,
                                                               copy.deepcopy(right))], [])
        summed = _call_name(left) in ("sum", "nansum") and isinstance(node.op, ast.Add | ast.Sub)
        # a term taken into a sum over n points counts n times: the edit passes as well where the term lacks a
        # factor n (Σx² − x̄² for Σx² − n·x̄², red team round 48, 05)
        yield from _expr_edit("precedence", node, inside, (
            f"either `{ast.unparse(right)}` belongs inside the sum, with each of its terms, or it is missing a factor "
            "n, the number of points (inside a sum over n points it counts n times): the code does not say which")
            if summed else "the order of operations: the operation belongs inside the function's argument, not after "
            "the call")


def _factor_twice_why(node: ast.BinOp, factor: ast.expr, released: ast.expr) -> str:
    """Where a regrouping of the product `node` takes the term `released` out of the reach of `factor`, and that
    term already has `factor` among its own factors (`y * (2 * x + y * np.cos(x * y))` regrouped as
    `y * (2 * x) + y * np.cos(x * y)`): the code reads as a factor written twice as well as grouped wrongly, and
    the text says both ("" where the regrouping is not of that kind)."""
    group = node.right if factor is node.left else node.left
    if not (isinstance(node.op, ast.Mult) and isinstance(group, ast.BinOp) and isinstance(group.op, ast.Add | ast.Sub)):
        return ""
    if ast.unparse(factor) not in {ast.unparse(part) for part in _factors(released)}:
        return ""
    return (f"either the parentheses group too much (the order of operations), or `{ast.unparse(factor)}` is a "
            f"factor too many in `{ast.unparse(released)}`, which the group multiplies by "
            f"`{ast.unparse(factor)}` again: the code does not say which you meant")


def _factor_missing_why(node: ast.BinOp, regrouped: ast.BinOp, term: ast.expr, factor: ast.expr) -> str:
    """Where a regrouping of a sum or difference brings `term` into the reach of a factor another term has (`3 * x -
    12 * x` regrouped as `(3 * x - 12) * x`): the code reads as that factor left out of `term` (3x where 3x² belongs,
    a power dropped) as well as grouped too little, and the text says both ("" where the regrouping is not of that
    kind)."""
    if not (isinstance(node.op, ast.Add | ast.Sub) and isinstance(regrouped.op, ast.Mult)):
        return ""
    return (f"either the parentheses group too little (the order of operations: `{ast.unparse(regrouped)}`), or "
            f"`{ast.unparse(term)}` misses a factor `{ast.unparse(factor)}` (a factor or a power left out): the code "
            "does not say which you meant")


def _factors(term: ast.expr) -> list[ast.expr]:
    """The factors of a product, however it is grouped (`a * (b * c)` → a, b, c); a term that is no product is
    its own one factor."""
    if isinstance(term, ast.BinOp) and isinstance(term.op, ast.Mult):
        return [*_factors(term.left), *_factors(term.right)]
    return [term]


_IDENTITIES: dict[type[ast.operator], tuple[float, bool]] = {  # the neutral value of each side: (value, left too)
    ast.Pow: (1, False), ast.Mult: (1, True), ast.Div: (1, False), ast.Add: (0, True), ast.Sub: (0, False)}


def _folds_to_identity(tree: ast.AST) -> bool:
    """Does a regrouping make a group of two numbers that leaves its operation doing nothing (`x ** (2 / 2)`,
    `a * (3 / 3)`, `b + (2 - 2)`)? Such an edit passes because it deletes operations, not because the student
    grouped wrongly: `x ** 2 / 2` written where the derivative x belongs regroups to x."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.BinOp) or type(node.op) not in _IDENTITIES:
            continue
        neutral, either_side = _IDENTITIES[type(node.op)]
        for side in (node.right, node.left) if either_side else (node.right,):
            if isinstance(side, ast.BinOp) and type(side.op) in _FOLDED \
                    and (a := _number_constant(side.left)) is not None \
                    and (b := _number_constant(side.right)) is not None:
                try:  # + − × ÷ of two numbers only (a power of the student's numbers could take hours)
                    if _FOLDED[type(side.op)](float(a), float(b)) == neutral:
                        return True
                except (ArithmeticError, OverflowError, ValueError):
                    continue
    return False


_FOLDED: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b}


# NumPy's functions that take an axis as a positional argument, and its position (np.sum(a, 0)).
_AXIS_POSITION = {"apply_along_axis": 1, "sum": 1, "mean": 1, "max": 1, "min": 1, "prod": 1, "argmin": 1,
                  "argmax": 1, "cumsum": 1, "std": 1, "var": 1, "amax": 1, "amin": 1, "average": 1}


# Calls whose axis is reduced away (summed, averaged, its largest kept), and calls that join arrays along an axis.
_REDUCING = frozenset({"sum", "mean", "max", "min", "prod", "argmin", "argmax", "std", "var", "amax", "amin",
                       "average", "median", "nansum", "nanmean", "nanmax", "nanmin", "any", "all", "norm",
                       "count_nonzero", "ptp"})
_JOINING = frozenset({"concatenate", "append", "concat"})


def _axis_call(node: ast.AST, context: _Context) -> str:
    """The name of the call an axis (`axis=k`, or positional) is given to, "" where there is none."""
    parent = context.parents.get(id(node))
    if isinstance(parent, ast.UnaryOp):  # the `-k` of `axis=-k`
        parent = context.parents.get(id(parent))
    if isinstance(parent, ast.keyword):
        parent = context.parents.get(id(parent))
    return _call_name(parent) if isinstance(parent, ast.Call) else ""


def _axis_why(call: str) -> str:
    """What a wrong axis does in this call: an axis reduced away, the new axis of a stack, the axis joined along."""
    if call == "stack":
        return ("the arrays are stacked along the wrong axis: axis=k is where the new axis goes (along 0 each array "
                "is a row, along 1 a column), so the same values come out laid out otherwise (read row by row, "
                "columns side by side interleave their entries)")
    if call in _JOINING:
        return "the arrays are joined along the wrong axis: axis=k is the axis they are joined along"
    if call in _REDUCING:
        return "the operation runs along the wrong axis: axis=k is the index that is summed (or reduced) away"
    return "the operation runs along the wrong axis: axis=k is the axis it works along"


def _positional_axis(node: ast.AST, parent: ast.AST | None, context: _Context) -> bool:
    """Is `node` the axis given positionally to one of NumPy's module functions (`np.apply_along_axis(f, 0, a)`)?"""
    if not (isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute)
            and isinstance(parent.func.value, ast.Name) and parent.func.value.id == context.numpy):
        return False
    position = _AXIS_POSITION.get(parent.func.attr)
    return position is not None and len(parent.args) > position and parent.args[position] is node


def _negative_axis(node: ast.AST | None, context: _Context) -> int | None:
    """k where `node` is the `-k` of an `axis=-k` keyword (an int k), else None."""
    if not (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant)
            and type(node.operand.value) is int):
        return None
    parent = context.parents.get(id(node))
    return node.operand.value if isinstance(parent, ast.keyword) and parent.arg == "axis" else None


_POLYNOMIAL_CALLS = frozenset({"poly1d", "polyval", "polyder", "polyint", "roots", "Polynomial", "polyadd",
                               "polymul", "polysub"})


def _number_literal(node: ast.AST) -> bool:
    return _number_constant(node) is not None


def _polynomial_zero_left_out(node: ast.AST, context: _Context) -> Found:
    """A polynomial's coefficients written out (`np.poly1d([1, 0, -3, 1])`) with the 0 of a power that does not
    appear left out: every coefficient after it stands one power off."""
    parent = context.parents.get(id(node))
    if isinstance(parent, ast.Call) and _call_name(parent) in ("array", "asarray") and parent.args[:1] == [node]:
        node, parent = parent, context.parents.get(id(parent))  # np.polyval(np.array([...]), x)
        literal = node.args[0]
    else:
        literal = node
    if not (isinstance(literal, ast.List | ast.Tuple) and isinstance(literal.ctx, ast.Load)
            and 2 <= len(literal.elts) <= 8 and all(_number_literal(item) for item in literal.elts)
            and isinstance(parent, ast.Call) and _call_name(parent) in _POLYNOMIAL_CALLS and node in parent.args):
        return
    places = range(len(literal.elts) + 1)
    for positions in [*((place,) for place in places), *itertools.combinations(places, 2)]:
        changed = copy.deepcopy(node)
        entries = changed.args[0].elts if changed is not literal and isinstance(changed, ast.Call) else changed.elts
        for position in sorted(positions, reverse=True):
            entries.insert(position, ast.Constant(0))
        yield from _expr_edit("zero coefficient", node, changed, f"`{ast.unparse(node)}` leaves out the "
                              "coefficient 0 of every power that does not appear: a coefficient list gives each power "
                              "by its place, so every power up to the highest needs its entry, 0 where the term is "
                              "missing", everywhere=False)


def _coefficients_reversed(node: ast.AST, context: _Context) -> Found:
    """A polynomial's coefficients written out in the other order (the constant first where a scheme takes the
    highest power first, as Horner's and `np.polyval` do, or the other way round): a list of three or more
    numbers, stored, looped over or given to a polynomial call, reversed."""
    if not (isinstance(node, ast.List | ast.Tuple) and isinstance(node.ctx, ast.Load) and 3 <= len(node.elts) <= 8
            and all(_number_literal(item) for item in node.elts)):
        return
    parent = context.parents.get(id(node))
    if not (isinstance(parent, ast.Assign) or isinstance(parent, ast.For) and parent.iter is node
            or isinstance(parent, ast.Call) and _call_name(parent) in _POLYNOMIAL_CALLS):
        return
    changed = copy.deepcopy(node)
    changed.elts.reverse()
    if ast.dump(changed) == ast.dump(node):
        return  # a palindrome: the same list either way
    yield from _expr_edit("coefficient order", node, changed, f"`{ast.unparse(node)}` lists the coefficients in the "
                          "other order: a scheme that runs from the highest power down (Horner's, `np.polyval`, "
                          "`np.poly1d`) takes the highest power's coefficient first, one that runs from the constant "
                          "up takes the constant first", everywhere=False)


def _module_function_for_parameter(node: ast.AST, context: _Context) -> Found:
    """`df_nonconvex(x)` where the function given, `df`, belongs: a module function called by name (left from
    trying it on one example) while the parameter that is a function is never read."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in context.signatures
            and node.func.id != context.function):
        return
    for parameter in sorted(context.unused_parameters):
        changed = copy.deepcopy(node)
        changed.func = ast.Name(parameter, ast.Load())
        yield from _expr_edit("module function for parameter", node, changed, f"`{node.func.id}` is the module's own "
                              f"function, where the function it is given, `{parameter}`, belongs: `{parameter}` is "
                              "never used, so every function passed in gets the same treatment", everywhere=False)


def _parameter_order_call(node: ast.AST, context: _Context) -> ast.Call | None:
    """A call of a module function whose arguments are names of its own parameters in another order
    (`dloss_dw(b, w, x, y)` for `dloss_dw(w, b, x, y)`), with them put in its order; None otherwise."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in context.signatures
            and not node.keywords and len(node.args) >= 2
            and all(isinstance(argument, ast.Name) for argument in node.args)):
        return None
    parameters = _parameter_names(context.signatures[node.func.id])[:len(node.args)]
    given = [argument.id for argument in node.args]  # type: ignore[attr-defined]
    if given == parameters or sorted(given) != sorted(parameters) or len(set(given)) != len(given):
        return None
    changed = copy.deepcopy(node)
    changed.args = [ast.Name(name, ast.Load()) for name in parameters]
    return changed


def _arguments_in_parameter_order(node: ast.AST, context: _Context) -> Found:
    changed = _parameter_order_call(node, context)
    if changed is None:
        return
    given = [argument.id for argument in node.args]  # type: ignore[attr-defined]
    order = [argument.id for argument in changed.args]  # type: ignore[attr-defined]
    moved = [name for name, parameter in zip(given, order, strict=True) if name != parameter]
    callee = f"`{changed.func.id}` takes its arguments by position ({', '.join(order)}), not by their names"  # type: ignore[attr-defined]
    why = f"`{moved[0]}` and `{moved[1]}` are passed in each other's place: {callee}" if len(moved) == 2 \
        else f"{', '.join(f'`{name}`' for name in moved)} are not passed in the order of the parameters: {callee}"
    yield from _expr_edit("argument order", node, changed, why, everywhere=False)


def _every_call_in_parameter_order(node: ast.AST, nodes: Sequence[ast.AST], context: _Context, edit: Edit,
                                   returned: Callable[[list[ast.AST]], int | None]) -> Iterator[tuple[Edit, list]]:
    """The arguments put in the callee's order in every call that has them out of it (a refactor that moved two
    parameters, every call left as it was)."""
    alike = [other for other in nodes if other is not node and _parameter_order_call(other, context) is not None]
    if not 1 <= len(alike) <= 3:
        return
    changed = [node, *alike]
    replacements = [_parameter_order_call(one, context) for one in changed]
    action = "changing " + " and ".join(f"`{_text(one)}` to `{_text(new)}`"  # type: ignore[arg-type]
                                        for one, new in zip(changed, replacements, strict=True))
    yield replace(edit, action=action, position=returned(changed)), list(zip(changed, replacements, strict=True))


def _enumerate_from_slice(node: ast.AST) -> Found:
    """`enumerate(c[1:])`: the count starts at 0 whatever the slice starts at, so each item is paired with its place
    in the slice, not its index in `c`."""
    if not (isinstance(node, ast.Call) and _call_name(node) == "enumerate" and len(node.args) == 1
            and not node.keywords and isinstance(node.args[0], ast.Subscript)
            and isinstance(node.args[0].slice, ast.Slice) and node.args[0].slice.lower is not None
            and node.args[0].slice.step is None):
        return
    start = node.args[0].slice.lower
    changed = copy.deepcopy(node)
    changed.keywords = [ast.keyword("start", copy.deepcopy(start))]
    yield from _expr_edit("enumerate start", node, changed, f"`{ast.unparse(node)}` counts from 0, not from "
                          f"`{ast.unparse(start)}` where the slice starts: each item is paired with its place in the "
                          "slice, one index off its place in the whole sequence; `start=` counts from there",
                          everywhere=False)


def _shifted_from_index(node: ast.AST, context: _Context) -> Found:
    """`power = n - k` kept from a 1-based loop after the loop became 0-based: a number worked out from the loop's
    index and stored, one too large or too small."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub) \
            and isinstance(context.parents.get(id(node)), ast.Assign) \
            and any(isinstance(name, ast.Name) and name.id in context.indices for name in ast.walk(node)):
        for delta in (1, -1):
            yield from _expr_edit("off by one", node, _shifted(node, delta), "off by one: a number worked out from "
                                  "the loop's index is one too " + ("small" if delta > 0 else "large"),
                                  everywhere=False)


_WELL_KNOWN = {"e": math.e, "pi": math.pi}


def _rounded_constant(node: ast.Constant, value: float, context: _Context) -> Found:
    """e or π typed rounded (2.72, 3.14): NumPy's own value where the rounding is the whole difference."""
    for name, exact in _WELL_KNOWN.items():
        if value != exact and abs(value - exact) <= 5e-3 * exact:
            full = ast.Attribute(ast.Name(context.numpy, ast.Load()), name, ast.Load()) if context.numpy \
                else ast.Constant(exact)
            yield from _expr_edit("rounded constant", node, full, f"`{value!r}` is {name} rounded: the rounding "
                                  f"changes every value computed from it; use {ast.unparse(full)}", everywhere=False)


def _constants(node: ast.AST, context: _Context) -> Found:
    """A number off by one, doubled or halved, or a number where a variable (a parameter, a loop index) belongs;
    a loop's index off by one where a pass stores into or reads an entry of what it fills; a loop's bounds; a
    polynomial's coefficient 0 left out of its list."""
    yield from _polynomial_zero_left_out(node, context)
    yield from _coefficients_reversed(node, context)
    yield from _shifted_from_index(node, context)
    negative = _negative_axis(node, context)
    if negative is not None:  # axis=-1: the whole `-1` is the axis, not a sign and a number
        for new in sorted({0, 1, 2, -negative - 1, -negative + 1} - {-negative}):
            changed = ast.Constant(new) if new >= 0 else ast.UnaryOp(ast.USub(), ast.Constant(-new))
            yield from _expr_edit("axis", node, changed, _axis_why(_axis_call(node, context)) + "; a negative k "
                                  "counts from the last axis", everywhere=False)
        return
    if _negative_axis(context.parents.get(id(node)), context) is not None:
        return  # the k of an axis=-k, changed whole above
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        value = node.value
        options: list[tuple[int | float, str]] = []
        if isinstance(value, int):
            options += [(value + 1, "off by one"), (value - 1, "off by one"), (value * 2, "factor")]
            if value % 2 == 0:
                options.append((value // 2, "factor"))
        else:
            options += [(value * 2, "factor"), (value / 2, "factor")]
            yield from _rounded_constant(node, value, context)
        parent = context.parents.get(id(node))
        for new, kind in options:
            if new == value:
                continue
            if (isinstance(parent, ast.keyword) and parent.arg == "axis") or _positional_axis(node, parent, context):
                yield from _expr_edit("axis", node, ast.Constant(new), _axis_why(_axis_call(node, context)),
                                      everywhere=False)
            elif isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Pow) and parent.right is node:
                yield from _expr_edit("power", node, ast.Constant(new), f"the power {value!r} is not the right one",
                                      everywhere=False)
            elif kind == "off by one" and isinstance(parent, ast.Subscript) and parent.slice is node \
                    and {value, new} == {0, -1}:  # not one place off: the first entry for the last (red team 48, 06)
                yield from _expr_edit("other end", node, ast.Constant(new), "the first entry `[0]` where the last "
                                      "`[-1]` belongs, or the other way round: the entry asked for is at the other end "
                                      "(a sorted array's smallest value where its largest belongs)", everywhere=False)
            elif kind == "off by one" and _counts(node, context):
                yield from _expr_edit("off by one", node, ast.Constant(new), "off by one: a count, an index or a "
                                      "bound is one too large or too small", everywhere=False)
            else:
                yield from _expr_edit("constant", node, ast.Constant(new), f"the number {value!r} is not the right "
                                      "constant here", everywhere=False)
        if isinstance(value, int) and value >= 2 and (isinstance(parent, ast.Assign) or isinstance(parent, ast.Call)
                                                       and _call_name(parent) == "range"):
            for name in sorted(context.sequences | context.converted):  # `n = 2` kept from a test in two dimensions
                count = ast.Call(ast.Name("len", ast.Load()), [ast.Name(name, ast.Load())], [])
                yield from _expr_edit("count", node, count, f"a fixed `{value!r}` where the number of entries "
                                      f"`len({name})` belongs: it holds only for inputs of that size", everywhere=False)
        if value == 1 and isinstance(parent, ast.List | ast.Tuple | ast.BinOp):  # Σ1 = n written 1
            for name in sorted(context.sequences | context.converted):
                count = ast.Call(ast.Name("len", ast.Load()), [ast.Name(name, ast.Load())], [])
                yield from _expr_edit("count", node, count, f"`{value!r}` where the number of points `len({name})` "
                                      "belongs: a sum of ones over the data, Σ1, is n, not 1", everywhere=False)
        passed = isinstance(parent, ast.Call | ast.keyword | ast.Assign | ast.Subscript)  # a value given or set,
        # not a coefficient or a threshold (2·x for x·x, or a tolerance for a variable, explains nothing), unless
        # the number stands where a parameter the body never names belongs (a learning rate typed while testing);
        # nor the start of a running best (a name the function compares), which no parameter is: `best = 0.0` made
        # `best = n_steps` passed only because every f checked was below it (red team round 50, 06)
        if passed and _starts_a_running_comparison(parent, node, context):
            passed = False
        for name in sorted(context.given if passed else context.unused_parameters):
            what = f"the loop's index `{name}`" if name in context.indices else f"`{name}`"
            yield from _expr_edit("constant for a variable", node, ast.Name(name, ast.Load()),
                                  f"a fixed number where {what} belongs: the function must use the value "
                                  "it is given or is counting with", everywhere=False)
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Name) and node.slice.id in context.indices \
            and isinstance(node.value, ast.Name) and node.value.id in context.filled:
        # `path[k] = ...` where the pass fills `path[k + 1]`, or `path[k]` read where the row before belongs
        stored = isinstance(node.ctx, ast.Store)
        for delta in (1, -1):
            shifted = ast.Subscript(copy.deepcopy(node.value), _shifted(ast.Name(node.slice.id, ast.Load()), delta),
                                    copy.deepcopy(node.ctx))
            side = "before" if delta > 0 else "after"
            what = f"stores into the entry one {side} the one this pass fills" if stored \
                else f"reads the entry one {side} the one this pass needs"
            yield from _expr_edit("off by one", node, shifted, f"`{ast.unparse(node)}` {what}: the index is off by "
                                  "one", everywhere=False)
    if isinstance(node, ast.Call) and (_call_name(node) == "range" or _call_name(node) == "arange" and isinstance(
            loop := context.parents.get(id(node)), ast.For | ast.comprehension) and loop.iter is node):
        args = node.args  # a loop over `np.arange(1, n)`: MATLAB's `1:n` ported, its end left out
        if len(args) == 2:
            yield from _expr_edit("loop bounds", node, ast.Call(node.func, [copy.deepcopy(args[1])], []),
                                  f"the loop starts at `{ast.unparse(args[0])}`, so the passes before it are "
                                  "never made")
        if 1 <= len(args) <= 2:
            for delta in (1, -1):
                stop = _shifted(args[-1], delta)
                changed = ast.Call(node.func, [*map(copy.deepcopy, args[:-1]), stop], [])
                yield from _expr_edit("off by one", node, changed, "off by one: the loop makes one pass (one step) too "
                                      + ("few" if delta > 0 else "many"))


def _starts_a_running_comparison(parent: ast.AST | None, node: ast.AST, context: _Context) -> bool:
    """Is `node` the value an assignment gives a name that the function compares (`best_f = 0.0`, then
    `f(e) < best_f`)?"""
    if not (isinstance(parent, ast.Assign) and parent.value is node and len(parent.targets) == 1
            and isinstance(parent.targets[0], ast.Name)):
        return False
    name = parent.targets[0].id
    function = next((ancestor for ancestor in _ancestors(node, context) if isinstance(ancestor, ast.FunctionDef)), None)
    return function is not None and any(
        isinstance(compare, ast.Compare) and any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(compare))
        for compare in ast.walk(function))


def _shifted(bound: ast.expr, delta: int) -> ast.expr:
    """`bound + delta`, written as a student would: n + 1 - 1 is n, n - 1 + 1 is n."""
    if isinstance(bound, ast.BinOp) and isinstance(bound.op, ast.Add | ast.Sub) \
            and isinstance(bound.right, ast.Constant) and type(bound.right.value) is int:
        value = bound.right.value * (1 if isinstance(bound.op, ast.Add) else -1) + delta
        if value == 0:
            return copy.deepcopy(bound.left)
        return ast.BinOp(copy.deepcopy(bound.left), ast.Add() if value > 0 else ast.Sub(), ast.Constant(abs(value)))
    return ast.BinOp(copy.deepcopy(bound), ast.Add() if delta > 0 else ast.Sub(), ast.Constant(1))


_ELEMENTARY = frozenset({"exp", "log", "log1p", "expm1", "sin", "cos", "tan", "tanh", "sinh", "cosh", "sqrt", "sum",
                         "mean"})


def _same_parameters(name: str, signatures: dict[str, ast.arguments]) -> list[str]:
    """The module's other functions whose parameters have the same names in the same order."""
    own = _parameter_names(signatures[name])
    return sorted(other for other, arguments in signatures.items() if other != name and own
                  and _parameter_names(arguments) == own)


def _counted_sequences(function: ast.FunctionDef) -> dict[str, str]:
    """Loop variables that count the positions of a sequence (`for i in range(len(a))`): i -> a."""
    found = {}
    for node in ast.walk(function):
        if isinstance(node, ast.For | ast.comprehension) and isinstance(node.target, ast.Name) \
                and isinstance(node.iter, ast.Call) and _call_name(node.iter) == "range" and len(node.iter.args) == 1 \
                and isinstance(length := node.iter.args[0], ast.Call) and _call_name(length) == "len" \
                and len(length.args) == 1 and isinstance(length.args[0], ast.Name):
            found[node.target.id] = length.args[0].id
    return found


def _made_alike(function: ast.FunctionDef, siblings: dict[str, ast.arguments] | None = None
                ) -> tuple[dict[str, list[str]], dict[str, list[tuple[str, str]]]]:
    """Locals assigned once: those made alike, by the same expression of other names (`dx = x - x_mean` and
    `dy = y - y_mean`), or by calls of sibling functions of the same parameters (`gw = dloss_dw(w, b, x, y)`
    and `gb = dloss_db(w, b, x, y)`, also unpacked from one tuple), or unpacked together from one value (`i, j =
    np.unravel_index(...)`): local -> the others; and those made by
    shifting a parameter (`dx = x - x_mean`): parameter -> (local, its expression)."""
    parameters = set(_parameter_names(function.args))
    stores = collections.Counter(node.id for node in ast.walk(function)
                                 if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store))
    pairs: list[tuple[ast.expr, ast.expr]] = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple) \
                    and len(target.elts) == len(node.value.elts):
                pairs.extend(zip(target.elts, node.value.elts, strict=True))
            else:
                pairs.append((target, node.value))
    once = {target.id: value for target, value in pairs
            if isinstance(target, ast.Name) and stores[target.id] == 1 and target.id not in parameters}
    by_parameters = collections.Counter(tuple(_parameter_names(arguments)) for arguments in (siblings or {}).values())
    alike_calls = {name for name, arguments in (siblings or {}).items()
                   if _parameter_names(arguments) and by_parameters[tuple(_parameter_names(arguments))] > 1}

    def shape(expression: ast.expr) -> str:
        copied = copy.deepcopy(expression)
        for name in ast.walk(copied):
            if isinstance(name, ast.Name) and (name.id in parameters or name.id in once):
                name.id = "_"
            elif isinstance(name, ast.Name) and name.id in alike_calls:
                name.id = "_sibling"
        return ast.unparse(copied)

    by_shape: dict[str, list[str]] = {}
    for name, value in once.items():
        if any(isinstance(n, ast.Name) for n in ast.walk(value)):
            by_shape.setdefault(shape(value), []).append(name)
    unpacked = [[element.id for element in node.targets[0].elts]  # `i, j = np.unravel_index(...)`: i for j
                for node in ast.walk(function) if isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Tuple) and not isinstance(node.value, ast.Tuple)
                and all(isinstance(element, ast.Name) and stores[element.id] == 1 and element.id not in parameters
                        for element in node.targets[0].elts)]
    parallel = {name: [other for other in group if other != name]
                for group in [*by_shape.values(), *unpacked] if len(group) > 1 for name in group}
    shifted: dict[str, list[tuple[str, str]]] = {}
    for name, value in once.items():
        if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Sub) and isinstance(value.left, ast.Name) \
                and value.left.id in parameters:
            shifted.setdefault(value.left.id, []).append((name, ast.unparse(value)))
    return parallel, shifted


def _deviations(function: ast.FunctionDef, shifted: dict[str, list[tuple[str, str]]]) -> dict[str, list[str]]:
    """Parameters written somewhere as their deviation from their own statistic, inline (`x - x.mean()`,
    `x - np.mean(x)`), where no local holds that deviation: parameter -> those expressions' texts."""
    parameters = set(_parameter_names(function.args))
    found: dict[str, list[str]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and isinstance(node.left, ast.Name) \
                and node.left.id in parameters and node.left.id not in shifted \
                and node.left.id in {n.id for n in ast.walk(node.right) if isinstance(n, ast.Name)}:
            text = ast.unparse(node)
            if text not in found.setdefault(node.left.id, []):
                found[node.left.id].append(text)
    return found


def _of_one_value(call: ast.Call, context: _Context) -> bool:
    """A call of a function of one value: an elementary one (np.exp), or one of the module's own functions with
    a single parameter (sigmoid(z)), called with one argument."""
    if len(call.args) != 1 or call.keywords or isinstance(call.args[0], ast.Starred):
        return False
    if _call_name(call) in _ELEMENTARY:
        return True
    signature = context.signatures.get(call.func.id) if isinstance(call.func, ast.Name) else None
    return signature is not None and _takes_one_value(signature)


def _takes_one_value(signature: ast.arguments) -> bool:
    """A signature of a single positional parameter (`def sigmoid(z)`)."""
    return len(signature.posonlyargs) + len(signature.args) == 1 and not signature.kwonlyargs


def _in_index(node: ast.AST, context: _Context) -> bool:
    """Is this expression part of an index or a slice (where a sign or a factor is never the slip)?"""
    while (parent := context.parents.get(id(node))) is not None and not isinstance(parent, ast.stmt):
        if isinstance(parent, ast.Subscript) and node is parent.slice or isinstance(parent, ast.Slice):
            return True
        node = parent
    return False


def _counts(node: ast.AST, context: _Context) -> bool:
    """Is this number part of an index, a slice, a loop's range or a length (where off by one is the mistake)?
    There a sign is never the slip either: `i - 1` for `i + 1` is two off, and may pass only because a negative
    index wraps round to the end."""
    while (parent := context.parents.get(id(node))) is not None and not isinstance(parent, ast.stmt):
        if isinstance(parent, ast.Subscript | ast.Slice) or (isinstance(parent, ast.Call)
                                                            and _call_name(parent) in ("range", "len", "arange")):
            return True
        node = parent
    return False


def _repeated_rows(node: ast.AST) -> Found:
    """`[[0.0] * n] * n` (or `[[0.0, 0.0]] * 2`): n references to one row, so a write to one row is a write to
    all; `[[0.0] * n for _ in range(n)]` makes n rows."""
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and isinstance(node.left, ast.List)
            and len(node.left.elts) == 1):
        return
    row = node.left.elts[0]
    if not (isinstance(row, ast.List) or (isinstance(row, ast.BinOp) and isinstance(row.op, ast.Mult)
                                          and isinstance(row.left, ast.List))):
        return
    rows = ast.ListComp(copy.deepcopy(row), [ast.comprehension(ast.Name("_", ast.Store()), ast.Call(
        ast.Name("range", ast.Load()), [copy.deepcopy(node.right)], []), [], 0)])
    yield from _expr_edit("alias", node, rows, f"`{ast.unparse(node)}` repeats one and the same row: a write to one "
                          "row changes every row; a list comprehension makes a new row each time")


# NumPy's constructors that take their argument's dtype (an integer array for integer input), by what they copy it
# from; and the dtypes narrower than a float.
_KEEPS_DTYPE = {"zeros_like": "its argument", "ones_like": "its argument", "empty_like": "its argument",
                "full_like": "its argument", "array": "its argument", "asarray": "its argument",
                "full": "the fill value"}
_NARROW_FLOATS = frozenset({"float32", "float16", "half", "single"})
_INTEGER_DTYPES = frozenset({"int", "intp", "int8", "int16", "int32", "int64"})


def _literal_floats(node: ast.AST) -> bool:
    """A list or tuple written with a float literal in it (`[0.0, 0.0]`): its array is a float array already."""
    return isinstance(node, ast.List | ast.Tuple) and any(
        isinstance(element, ast.Constant) and isinstance(element.value, float) for element in ast.walk(node))


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _calls(node: ast.AST, context: _Context) -> Found:
    """A call that changes the value removed (rounding, truncation, sorting, a square root), an argument not
    passed to the student's own function, integer dtypes for floats, a transpose removed, two arguments swapped,
    the other divisor (ddof) of a variance or covariance, a call in place of its argument (f(x0) where x0
    belongs); rows of a list made by repeating one row (`[[0.0] * n] * n`)."""
    yield from _repeated_rows(node)
    yield from _enumerate_from_slice(node)
    yield from _module_function_for_parameter(node, context)
    yield from _arguments_in_parameter_order(node, context)
    if isinstance(node, ast.keyword):
        if node.arg == "dtype" and isinstance(node.value, ast.Name | ast.Attribute) \
                and ast.unparse(node.value).rsplit(".", 1)[-1] in _INTEGER_DTYPES:
            yield from _expr_edit("integer truncation", node, ast.keyword("dtype", ast.Name("float", ast.Load())),
                                  "`dtype=int` truncates every value to a whole number")
        return
    if isinstance(node, ast.Attribute) and node.attr == "ndim" and isinstance(node.ctx, ast.Load):
        yield from _length_for_axes(node, node.value)
        return
    if isinstance(node, ast.Lambda):
        yield from _late_binding(node, context)
        return
    if isinstance(node, ast.Attribute) and node.attr == "T":
        yield from _expr_edit("transposed", node, copy.deepcopy(node.value), "`.T` transposes: rows and columns "
                              "are swapped")
        return
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in context.scope \
            and _in_arithmetic(node, context):
        column = ast.Subscript(ast.Name(node.id, ast.Load()),
                               ast.Tuple([ast.Slice(), ast.Constant(None)], ast.Load()), ast.Load())
        yield from _expr_edit("new axis", node, column, f"`{node.id}` and the other operand line up entry by entry "
                              f"(or fail to): `{node.id}[:, None]` makes it a column, a new axis, so each of its "
                              "values meets every value along the other axis", everywhere=False)
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in context.parameters \
            and context.numpy and _left_a_list(node, context):  # `learning_rate * grad`, grad a list
        converted = ast.Call(ast.Attribute(ast.Name(context.numpy, ast.Load()), "asarray", ast.Load()),
                             [ast.Name(node.id, ast.Load())], [ast.keyword("dtype", ast.Name("float", ast.Load()))])
        yield from _expr_edit("not converted", node, converted,
                              f"`{node.id}` may be a list, and arithmetic on a list repeats or joins it (or fails) "
                              f"instead of working entry by entry: convert it first with "
                              f"`{context.numpy}.asarray({node.id}, dtype=float)`")
        return
    if not isinstance(node, ast.Call):
        return
    name = _call_name(node)
    if name == "asarray" and isinstance(node.func, ast.Attribute):
        changed = copy.deepcopy(node)
        changed.func.attr = "array"  # type: ignore[attr-defined]
        yield from _expr_edit("alias", node, changed, "`asarray` does not copy an array it is given: the result is "
                              "that same array, so changing it changes the caller's")
    if name in _KEEPS_DTYPE and isinstance(node.func, ast.Attribute) and node.args \
            and not any(keyword.arg == "dtype" for keyword in node.keywords) \
            and not (name in ("array", "asarray") and _literal_floats(node.args[0])):
        changed = copy.deepcopy(node)
        changed.keywords = [*changed.keywords, ast.keyword("dtype", ast.Name("float", ast.Load()))]
        yield from _expr_edit("integer truncation", node, changed, f"`{name}` makes an array of "
                              f"{_KEEPS_DTYPE[name]}'s dtype: for integer input every value stored in it later is "
                              "truncated to a whole number")
    narrow = next((keyword for keyword in node.keywords if keyword.arg == "dtype"
                   and ast.unparse(keyword.value).rsplit(".", 1)[-1] in _NARROW_FLOATS), None)
    if narrow is not None and isinstance(node.func, ast.Attribute):  # integer dtypes: the `dtype=` keyword's edit
        changed = copy.deepcopy(node)
        changed.keywords = [ast.keyword("dtype", ast.Name("float", ast.Load())) if keyword.arg == "dtype" else keyword
                            for keyword in changed.keywords]
        yield from _expr_edit("single precision", node, changed, f"`dtype={ast.unparse(narrow.value)}` keeps about "
                              "7 significant digits (float32) or 3 (float16), not the 16 of a float: a difference of "
                              "nearby values loses most of them")
    if name == "outer" and len(node.args) == 2 and not node.keywords \
            and not any(isinstance(argument, ast.Starred) for argument in node.args):
        product = ast.BinOp(copy.deepcopy(node.args[0]), ast.Mult(), copy.deepcopy(node.args[1]))
        yield from _expr_edit("every pair", node, product, f"`{ast.unparse(node)}` multiplies every value of one "
                              "with every value of the other (a table of all pairs); the product entry by entry, "
                              "each value with its own partner, is `*`")
    if name in ("argmin", "argmax") and node.args and not _in_index(node, context):
        for sequence in sorted(context.sequences_made - {ast.unparse(node.args[0])}):
            indexed = ast.Subscript(ast.Name(sequence, ast.Load()), copy.deepcopy(node), ast.Load())
            yield from _expr_edit("index for its value", node, indexed, f"`{ast.unparse(node)}` is a position, "
                                  f"not a value: the value at that position is `{ast.unparse(indexed)}`",
                                  everywhere=False)
    if name == "astype" and len(node.args) == 1 and ast.unparse(node.args[0]) in ("int", "np.int64", "np.int32"):
        changed = copy.deepcopy(node)
        changed.args = [ast.Name("float", ast.Load())]
        yield from _expr_edit("integer truncation", node, changed, "`astype(int)` truncates every value to a "
                              "whole number")
    if name == "reciprocal" and len(node.args) == 1 and not node.keywords:
        divided = ast.BinOp(ast.Constant(1), ast.Div(), copy.deepcopy(node.args[0]))
        yield from _expr_edit("integer truncation", node, divided, "`reciprocal` keeps its argument's dtype: for "
                              "integers 1/u is truncated to a whole number (0 for every u above 1)")
    if (name == "ndim" and len(node.args) == 1 and not node.keywords
            and not isinstance(node.args[0], ast.Starred)):  # `np.ndim(p)` for the number of entries
        yield from _length_for_axes(node, node.args[0])
    if name in _CHANGES_VALUE and node.args and not isinstance(node.args[0], ast.Starred):
        yield from _expr_edit("extra operation", node, copy.deepcopy(node.args[0]),
                              f"`{name}(...)` {_CHANGES_VALUE[name]}: the value must not be changed that way")
    if name in ("float", "int") and isinstance(node.func, ast.Name) and len(node.args) == 1 \
            and isinstance(node.args[0], ast.Call) and _call_name(node.args[0]) in _CHANGES_VALUE \
            and node.args[0].args and not isinstance(node.args[0].args[0], ast.Starred):
        inner = _call_name(node.args[0])  # `float(np.linalg.norm(g))`: without the norm, `float` fails on `g`
        yield from _expr_edit("extra operation", node, copy.deepcopy(node.args[0].args[0]),
                              f"`{inner}(...)` {_CHANGES_VALUE[inner]} (and `{name}(...)` makes the result one "
                              "number): the value must not be changed that way")
    if name in ("minimum", "maximum", "fmin", "fmax", "min", "max") and len(node.args) == 2 and not node.keywords:
        bound = [argument for argument in node.args if _number_constant(argument) is not None]
        kept = [argument for argument in node.args if _number_constant(argument) is None]
        if len(bound) == 1 and len(kept) == 1 and not isinstance(kept[0], ast.Starred):  # a cap kept from a plot
            cap = "caps every value at" if name in ("minimum", "fmin", "min") else "raises every value to at least"
            yield from _expr_edit("extra operation", node, copy.deepcopy(kept[0]),
                                  f"`{name}(..., {ast.unparse(bound[0])})` {cap} {ast.unparse(bound[0])}: the value "
                                  "must not be changed that way")
    if name in ("abs", "absolute", "fabs") and len(node.args) == 1 and not node.keywords \
            and not isinstance(node.args[0], ast.Starred):  # Σ|r| where Σr² belongs
        squared = ast.BinOp(copy.deepcopy(node.args[0]), ast.Pow(), ast.Constant(2))
        yield from _expr_edit("size for square", node, squared, f"`{ast.unparse(node)}` measures each value by its "
                              f"size, where its square `{ast.unparse(squared)}` belongs: the two weigh large and "
                              "small values differently")
    if name in context.signatures and isinstance(node.func, ast.Name):
        params = [a.arg for a in (*context.signatures[name].posonlyargs, *context.signatures[name].args)]
        given = {keyword.arg for keyword in node.keywords}
        for position, param in enumerate(params):
            if position >= len(node.args) and param not in given and param in context.scope:
                changed = copy.deepcopy(node)
                changed.keywords = [*changed.keywords, ast.keyword(param, ast.Name(param, ast.Load()))]
                yield from _expr_edit("argument not passed", node, changed,
                                      f"`{param}` is not passed on to {name}, which then uses its default "
                                      "instead of the value given")
    if name in _DEFAULT_DDOF and isinstance(node.func, ast.Attribute):
        given = next((keyword for keyword in node.keywords if keyword.arg == "ddof"), None)
        before = given.value.value if given is not None and isinstance(given.value, ast.Constant) \
            else _DEFAULT_DDOF[name] if given is None else None
        if before in (0, 1):
            changed = copy.deepcopy(node)
            changed.keywords = [keyword for keyword in changed.keywords if keyword.arg != "ddof"] \
                + [ast.keyword("ddof", ast.Constant(1 - before))]
            yield from _expr_edit("ddof", node, changed, f"`{name}` divides by n − {before} here (its ddof): the "
                                  f"formula needs n − {1 - before}, as the rest of it divides", everywhere=False)
    if isinstance(node.func, ast.Name) and node.func.id in context.signatures:
        for other in _same_parameters(node.func.id, context.signatures):  # a copied line calling the other one
            changed = copy.deepcopy(node)
            changed.func = ast.Name(other, ast.Load())
            yield from _expr_edit("wrong function", node, changed, f"`{node.func.id}` where `{other}` belongs: a "
                                  "copied line still calls the other function", everywhere=False)
    if _of_one_value(node, context) and _call_name(node) not in ("sum", "mean"):
        for other in sorted(name for name, arguments in context.signatures.items()
                            if len(arguments.posonlyargs) + len(arguments.args) == 1 and not arguments.kwonlyargs
                            and name != _call_name(node) and name != context.function):
            yield from _expr_edit("wrong function", node, ast.Call(ast.Name(other, ast.Load()),
                                                                   copy.deepcopy(node.args), []),
                                  f"`{_call_name(node)}` where `{other}` belongs", everywhere=False)
    positional = node.args[:SWAPPED_ARGUMENTS]
    if len(positional) >= 2 and not any(isinstance(argument, ast.Starred) for argument in node.args) \
            and _call_name(node) not in _ONE_SHAPE_CALLS:
        for first, second in itertools.combinations(range(len(positional)), 2):
            if ast.dump(positional[first]) == ast.dump(positional[second]) \
                    or _is_test(positional[first]) != _is_test(positional[second]):
                continue  # a test swapped with a value (np.where's condition) passes only where the value is true
            changed = copy.deepcopy(node)
            changed.args[first], changed.args[second] = changed.args[second], changed.args[first]
            indexed = _indexed_by_constants(node, context)
            yield from _expr_edit("swapped arguments", node, changed,
                                  f"`{ast.unparse(positional[first])}` and `{ast.unparse(positional[second])}` are "
                                  f"passed in each other's place: check the order of the parameters"
                                  + (f" of {name}" if name else "")
                                  + (f", or which entries of `{indexed}` are taken: the code does not say which"
                                     if indexed else ""),
                                  everywhere=False)
    yield from _mirrored_calls(node, context)
    if isinstance(node.func, ast.Name) and len(node.args) == 1 and not node.keywords \
            and isinstance(node.args[0], ast.Name) and node.func.id not in ("float", "int", "len", "list", "tuple"):
        yield from _expr_edit("call for its argument", node, copy.deepcopy(node.args[0]),
                              f"`{ast.unparse(node)}` where `{node.args[0].id}` itself belongs")
    elif isinstance(node.func, ast.Name) and node.func.id in context.signatures and node.func.id != context.function \
            and _of_one_value(node, context):  # `sigmoid(h @ w + b)` where the linear value belongs
        argument = ast.unparse(node.args[0])
        yield from _expr_edit("call for its argument", node, copy.deepcopy(node.args[0]),
                              f"`{argument}` is passed through `{node.func.id}`, where the value itself "
                              "belongs", everywhere=False)
    yield from _absolute(node, context)


def _length_for_axes(node: ast.expr, value: ast.expr) -> Found:
    """`np.ndim(p)` or `p.ndim` where the number of entries `len(p)` belongs."""
    counted = ast.Call(ast.Name("len", ast.Load()), [copy.deepcopy(value)], [])
    yield from _expr_edit("count", node, counted, f"`{ast.unparse(node)}` counts the axes (1 for a vector), not "
                          f"the entries: `{ast.unparse(counted)}` counts them")


def _late_binding(node: ast.Lambda, context: _Context) -> Found:
    """`lambda: sse(s, ...)` made in a loop over s: the lambda reads s when it is called, after the loop, so every
    one sees the last value; `lambda s=s: ...` binds the value it was made with."""
    loops = [loop for parent in _ancestors(node, context)
             for loop in ([parent] if isinstance(parent, ast.For) else getattr(parent, "generators", []))]
    made_in = {target.id for loop in loops for target in ast.walk(loop.target) if isinstance(target, ast.Name)}
    parameters = {argument.arg for argument in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)}
    free = sorted({n.id for n in ast.walk(node.body) if isinstance(n, ast.Name)} & (made_in - parameters))
    if not free:
        return
    changed = copy.deepcopy(node)
    for name in free:
        changed.args.args.append(ast.arg(name))
        changed.args.defaults.append(ast.Name(name, ast.Load()))
    names = ", ".join(f"`{name}`" for name in free)
    yield from _expr_edit("late binding", node, changed, f"a lambda made in a loop reads {names} when it is called, "
                          "not when it is made, so every one made in the loop sees the last value: a default "
                          f"(`{', '.join(f'{name}={name}' for name in free)}`) binds each its own", everywhere=False)


def _ancestors(node: ast.AST, context: _Context) -> Iterator[ast.AST]:
    """The nodes that hold `node`, nearest first, up to the function."""
    parent = context.parents.get(id(node))
    while parent is not None:
        yield parent
        parent = context.parents.get(id(parent))


def _absolute(node: ast.Call, context: _Context) -> Found:
    """`np.max(a)` where the largest size `np.max(np.abs(a))` belongs (a bound or a scale made from signed
    values)."""
    if _call_name(node) in ("max", "amax", "min", "amin") and len(node.args) == 1 and not node.keywords \
            and isinstance(node.args[0], ast.Name | ast.Subscript | ast.Attribute):
        inner = ast.unparse(node.args[0])
        changed = copy.deepcopy(node)
        changed.args = [_abs_of(node.args[0], context)]
        yield from _expr_edit("missing absolute value", node, changed, f"`{ast.unparse(node)}` takes the signs of "
                              f"`{inner}` into account, where their sizes `{ast.unparse(changed.args[0])}` belong: a "
                              "large negative value counts as small", everywhere=False)


def _abs_of(value: ast.expr, context: _Context) -> ast.expr:
    """`np.abs(value)` (or `abs(value)` in a module without NumPy), a copy."""
    function: ast.expr = ast.Attribute(ast.Name(context.numpy, ast.Load()), "abs", ast.Load()) if context.numpy \
        else ast.Name("abs", ast.Load())
    return ast.Call(function, [copy.deepcopy(value)], [])


def _in_arithmetic(node: ast.AST, context: _Context) -> bool:
    """An operand of + - * / (not of a call or an index)."""
    parent = context.parents.get(id(node))
    return isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Add | ast.Sub | ast.Mult | ast.Div)


def _left_a_list(node: ast.Name, context: _Context) -> bool:
    """An operand of arithmetic that a check passes as a list, in a function that converts some other parameter
    with `asarray`/`array` but never this one: the one left a list."""
    return _in_arithmetic(node, context) and node.id in context.sequences and bool(context.converted) \
        and node.id not in context.converted


# math's functions of one number that NumPy has for arrays, under NumPy's name
_MATH_IN_NUMPY = {name: name for name in ("exp", "log", "log10", "log2", "log1p", "expm1", "sin", "cos", "tan",
                                          "sinh", "cosh", "tanh", "sqrt", "floor", "ceil", "trunc", "fabs", "hypot",
                                          "arctan2", "isnan", "isfinite", "degrees", "radians")} \
    | {"asin": "arcsin", "acos": "arccos", "atan": "arctan", "atan2": "arctan2", "pow": "power"}


def _mirrored_calls(node: ast.Call, context: _Context) -> Found:
    """`f(x)` in a function that also calls `f(x + h)`: `f(x - h)`, the mirrored point (one step on each side)."""
    if not isinstance(node.func, ast.Name) or node.keywords or len(node.args) != 1:
        return
    argument = ast.unparse(node.args[0])
    root = context.parents.get(id(node))
    while root is not None and context.parents.get(id(root)) is not None:
        root = context.parents.get(id(root))
    for other in ast.walk(root) if root is not None else ():
        if isinstance(other, ast.Call) and other is not node and isinstance(other.func, ast.Name) \
                and other.func.id == node.func.id and len(other.args) == 1 \
                and isinstance(shifted := other.args[0], ast.BinOp) and isinstance(shifted.op, ast.Add | ast.Sub) \
                and ast.unparse(shifted.left) == argument:
            mirror = ast.BinOp(copy.deepcopy(node.args[0]), ast.Sub() if isinstance(shifted.op, ast.Add) else ast.Add(),
                               copy.deepcopy(shifted.right))
            changed = ast.Call(ast.Name(node.func.id, ast.Load()), [mirror], [])
            yield from _expr_edit("mirrored point", node, changed, f"`{ast.unparse(other)}` takes a step to one "
                                  f"side of {argument}; its partner `{ast.unparse(changed)}` takes the same step to "
                                  "the other side", everywhere=False)
            return


def _drops(node: ast.AST, context: _Context) -> Found:
    """An extra factor, term, divisor or power: one side of an operation kept, the other dropped."""
    if not isinstance(node, ast.BinOp):
        return
    kinds = {ast.Mult: ("extra factor", "an extra factor: `{}` does not belong in the product"),
             ast.Div: ("extra division", "an extra division by `{}`"),
             ast.Add: ("extra term", "an extra term: `{}` does not belong"),
             ast.Sub: ("extra term", "an extra term: `{}` does not belong"),
             ast.Pow: ("extra power", "an extra power `** {}`"),
             ast.FloorDiv: ("extra division", "an extra division by `{}`")}
    if type(node.op) not in kinds:
        return
    kind, why = kinds[type(node.op)]
    if isinstance(node.op, ast.Add | ast.Sub) and isinstance(node.right, ast.Constant) and node.right.value == 1 \
            and _counts(node, context):
        kind, why = "off by one", "off by one: an index or a bound is one too large or too small{}"
        why = why.format("")
    named = _scaled_name(node, context) if isinstance(node.op, ast.Mult | ast.Div) \
        and (isinstance(node.left, ast.Constant) or isinstance(node.right, ast.Constant)) else None  # a number dropped
    yield from _expr_edit(kind, node, copy.deepcopy(node.left), _factor_or_use(node.op, node.right, named)
                          or _named_number_dropped(node.op, node.right, context) or why.format(ast.unparse(node.right)))
    if isinstance(node.op, ast.Mult | ast.Add):
        yield from _expr_edit(kind, node, copy.deepcopy(node.right), _factor_or_use(node.op, node.left, named)
                              or _named_number_dropped(node.op, node.left, context)
                              or why.format(ast.unparse(node.left)))
    if isinstance(node.op, ast.Mult) and isinstance(node.left, ast.BinOp) and isinstance(node.left.op, ast.Mult):
        extra = ast.unparse(ast.BinOp(node.left.right, ast.Mult(), node.right))  # `a * (1 - a)`: two factors
        yield from _expr_edit(kind, node, copy.deepcopy(node.left.left), why.format(extra))


def _indexed_by_constants(call: ast.Call, context: _Context) -> str:
    """The name a call's value is bound to, where the function then reads it only through subscripts of constants
    (`cov = np.cov(x, y)`, then `cov[0, 1] / cov[1, 1]`): two of its arguments swapped and the entries taken from
    it are then one slip to the checks (a symmetric result's other entries), "" otherwise."""
    statement = context.parents.get(id(call))
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)):
        return ""
    name = statement.targets[0].id
    root: ast.AST | None = statement
    while root is not None and not isinstance(root, ast.FunctionDef):
        root = context.parents.get(id(root))
    if root is None:
        return ""
    reads = [node for node in ast.walk(root) if isinstance(node, ast.Name) and node.id == name
             and isinstance(node.ctx, ast.Load)]
    constant = [node for node in reads if isinstance(parent := context.parents.get(id(node)), ast.Subscript)
                and parent.value is node and all(isinstance(part, ast.Constant) for part in ast.walk(parent.slice)
                                                 if not isinstance(part, ast.Tuple | ast.Load | ast.UnaryOp
                                                                   | ast.USub))]
    return name if reads and len(constant) == len(reads) else ""


def _scaled_name(node: ast.BinOp, context: _Context) -> tuple[str, list[ast.AST]] | None:
    """Where `node` is a factor of all a local is assigned (`second = 2 * np.sum(x ** 2)`: the product itself, or
    one of its factors, or the numerator of a division), the local assigned once, and every place it is read is a
    factor too (`second * dm ** 2`): its name and those places. Scaling such a value by a number where it is made
    and scaling every use by that number are one edit to the checks: the code does not say which place is wrong."""
    child: ast.AST = node
    parent = context.parents.get(id(child))
    while isinstance(parent, ast.BinOp) and (isinstance(parent.op, ast.Mult)
                                             or isinstance(parent.op, ast.Div) and parent.left is child):
        child, parent = parent, context.parents.get(id(parent))
    if not (isinstance(parent, ast.Assign) and parent.value is child and len(parent.targets) == 1
            and isinstance(parent.targets[0], ast.Name)):
        return None
    name = parent.targets[0].id
    root: ast.AST = parent
    while (above := context.parents.get(id(root))) is not None:
        root = above
    stores = [n for n in ast.walk(root) if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)]
    uses = [n for n in ast.walk(root) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)]
    if len(stores) != 1 or not uses:
        return None
    places = []
    for use in uses:
        product = context.parents.get(id(use))
        if not (isinstance(product, ast.BinOp) and (isinstance(product.op, ast.Mult)
                                                    or isinstance(product.op, ast.Div) and product.left is use)):
            return None
        places.append(product)
    return name, places


def _factor_or_use(op: ast.operator, dropped: ast.expr, named: tuple[str, list[ast.AST]] | None) -> str | None:
    """The reason of an edit that drops a number multiplying or dividing a named value (`_scaled_name`): that
    number may not belong where the value is made, or the places it is used may miss the opposite factor."""
    if named is None or not isinstance(dropped, ast.Constant) or isinstance(dropped.value, bool) \
            or not isinstance(dropped.value, int | float) or dropped.value in (0, 1):
        return None
    name, places = named
    number = ast.unparse(dropped)
    inverse = f"1/{number}" if isinstance(dropped.value, int) else f"{1 / dropped.value:g}"
    opposite = inverse if isinstance(op, ast.Mult) else number
    extra = f"an extra factor `{number}`" if isinstance(op, ast.Mult) else f"an extra division by `{number}`"
    where = " and ".join(f"`{ast.unparse(place)}`" for place in places[:2]) + (" …" if len(places) > 2 else "")
    return f"{extra} where `{name}` is made, or a missing factor {opposite} where `{name}` is used ({where}): " \
        "the code does not say which"


def _named_number_dropped(op: ast.operator, dropped: ast.expr, context: _Context) -> str | None:
    """The reason of an edit that drops a factor or a divisor that is a name holding a fixed number (a parameter's
    default the callers leave, `k=0.5`; a local assigned a number once): the edit passes because the right factor
    there is 1, so either the name does not belong, or a factor is missing beside it that makes it 1 (2·k for the
    chain rule's 2 of e^(−k·x²), lost: "`k` does not belong" would teach a wrong derivative)."""
    if not (isinstance(op, ast.Mult | ast.Div) and isinstance(dropped, ast.Name)):
        return None
    value = _fixed_number(dropped, context)
    if value is None or value in (0, 1, -1):
        return None
    shown = f"{value:g}"
    inverse = f"{1 / value:g}"
    if isinstance(op, ast.Mult):
        return (f"an extra factor `{dropped.id}` ({shown} here), or a missing factor {inverse} beside it (the factor "
                f"there should be 1, and {inverse}·{dropped.id} is): the code does not say which")
    return (f"an extra division by `{dropped.id}` ({shown} here), or a missing division by {shown} in what it "
            f"divides (the divisor there should be 1): the code does not say which")


def _fixed_number(name: ast.Name, context: _Context) -> float | None:
    """The number a name holds wherever it is read, if the code fixes it: a parameter of the function (or of one
    defined in it) with a number for its default, never passed by its callers within the function and never assigned;
    or a name assigned once, a number. None otherwise."""
    root: ast.AST = name
    while (above := context.parents.get(id(root))) is not None:
        root = above
    stores = [n for n in ast.walk(root)
              if isinstance(n, ast.Name) and n.id == name.id and not isinstance(n.ctx, ast.Load)]
    numbers: list[float] = []
    for node in ast.walk(root):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            positional = [*node.args.posonlyargs, *node.args.args]
            pairs = list(zip(positional[len(positional) - len(node.args.defaults):], node.args.defaults, strict=True))
            pairs += [(arg, default) for arg, default in zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True)
                      if default is not None]
            for arg, default in pairs:
                if arg.arg == name.id:
                    if (number := _number_constant(default)) is None:
                        return None
                    numbers.append(float(number))
                    if _passed_by_callers(root, node, arg.arg, positional):
                        return None
            if any(arg.arg == name.id for arg in (*positional, *node.args.kwonlyargs)) \
                    and not any(arg.arg == name.id for arg, _ in pairs):
                return None  # a parameter without a default: its value is the caller's
    for store in stores:
        statement = context.parents.get(id(store))
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and statement.targets[0] is store
                and (number := _number_constant(statement.value)) is not None):
            return None
        numbers.append(float(number))
    return numbers[0] if len(numbers) == 1 else None


def _passed_by_callers(root: ast.AST, function: ast.AST, parameter: str, positional: list[ast.arg]) -> bool:
    """Is a nested function's parameter given a value by a call of it in the code (by keyword, or by position)?"""
    name = getattr(function, "name", None)
    index = next((i for i, arg in enumerate(positional) if arg.arg == parameter), None)
    for call in ast.walk(root):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == name:
            if any(keyword.arg in (parameter, None) for keyword in call.keywords):
                return True
            if index is not None and (len(call.args) > index or any(isinstance(a, ast.Starred) for a in call.args)):
                return True
    return name is None  # a lambda's callers are not known


def _unsigned_comparison(node: ast.AST, context: _Context) -> Found:
    """`a <= tolerance` where the size `np.abs(a) <= tolerance` belongs: a signed value tested against a bound."""
    if not (isinstance(node, ast.Compare) and len(node.ops) == 1
            and isinstance(node.ops[0], ast.Lt | ast.LtE | ast.Gt | ast.GtE)):
        return
    left = node.left
    if not isinstance(left, ast.Name | ast.Subscript | ast.Attribute | ast.BinOp | ast.Call) \
            or any(isinstance(n, ast.Call) and _call_name(n) in ("abs", "absolute", "fabs") for n in ast.walk(left)):
        return
    bound = node.comparators[0]
    if isinstance(bound, ast.Constant) and bound.value == 0:
        return  # a size tested against 0 decides nothing but 0 itself: such an edit only switches the test off
    changed = copy.deepcopy(node)
    changed.left = _abs_of(left, context)
    yield from _expr_edit("missing absolute value", node, changed, f"`{ast.unparse(node)}` tests the signed value "
                          f"of `{ast.unparse(left)}`, where its size `{ast.unparse(changed.left)}` belongs: a large "
                          "negative value passes as small", everywhere=False)


def _missing(node: ast.AST, context: _Context) -> Found:
    """Something left out: the sum of what is returned, a square (4h where 4h² belongs), a factor of a term (2x
    where 2x·y belongs), a term of a
    product's sum (m·x where m·x + c belongs), or the sum of products written as a product of sums (Σx·Σr for
    Σ x·r)."""
    if not isinstance(node, ast.expr) or _in_index(node, context):
        return
    yield from _unsigned_comparison(node, context)
    parent = context.parents.get(id(node))
    if isinstance(parent, ast.Assign | ast.Return) and isinstance(node, ast.BinOp) \
            and isinstance(node.op, ast.Add | ast.Sub):  # Σy − m·Σx where (Σy − m·Σx) / n belongs
        for length in sorted(context.lengths):
            yield from _expr_edit("missing division", node, ast.BinOp(copy.deepcopy(node), ast.Div(),
                                                                      ast.Name(length, ast.Load())),
                                  f"`{ast.unparse(node)}` is never divided by `{length}`: a total where an average "
                                  "belongs", everywhere=False)
    if isinstance(parent, ast.Return) and not isinstance(node, ast.Tuple | ast.Constant) \
            and not (isinstance(node, ast.Call) and _call_name(node) == "sum"):
        yield from _expr_edit("missing sum", node, ast.Call(ast.Name("sum", ast.Load()), [copy.deepcopy(node)], []),
                              "the values are never added up: the answer is one number, their sum",
                              everywhere=False)
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in context.given \
            and isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Mult | ast.Div) \
            and not _counts(node, context):  # 4 * h where 4 * h ** 2 belongs
        yield from _expr_edit("missing power", node, ast.BinOp(ast.Name(node.id, ast.Load()), ast.Pow(),
                                                                ast.Constant(2)),
                              f"`{node.id}` where `{node.id}²` belongs: a power is missing")
    term = isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Add | ast.Sub) \
        and isinstance(node, ast.Name | ast.BinOp | ast.Call) \
        and not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub))
    if term:
        for name in sorted(context.given):
            if not any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node)) or isinstance(node, ast.Name):
                yield from _expr_edit("missing factor", node, ast.BinOp(copy.deepcopy(node), ast.Mult(),
                                      ast.Name(name, ast.Load())), f"the term `{ast.unparse(node)}` misses a factor "
                                      f"`{name}`", everywhere=False)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and not isinstance(parent, ast.BinOp | ast.Call):
        return
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        for name in sorted(context.given):
            if not any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node)):
                yield from _expr_edit("missing term", node, ast.BinOp(copy.deepcopy(node), ast.Add(),
                                      ast.Name(name, ast.Load())), f"`{ast.unparse(node)}` misses the term `{name}`",
                                      everywhere=False)
        left, right = node.left, node.right
        factor = left.right if isinstance(left, ast.BinOp) and isinstance(left.op, ast.Mult) else left
        if isinstance(factor, ast.Call) and isinstance(right, ast.Call) and _call_name(factor) == _call_name(right) \
                == "sum" and len(factor.args) == len(right.args) == 1:  # Σa·Σb, or k·Σa·Σb
            product = ast.BinOp(copy.deepcopy(factor.args[0]), ast.Mult(), copy.deepcopy(right.args[0]))
            inner: ast.expr = ast.Call(copy.deepcopy(factor.func), [product], [])
            if factor is not left:
                inner = ast.BinOp(copy.deepcopy(left.left), ast.Mult(), inner)  # type: ignore[union-attr]
            yield from _expr_edit("sum of products", node, inner, "a product of two sums is not the sum of the "
                                  "products: Σa·Σb multiplies every a with every b")


def _names(node: ast.AST, context: _Context) -> Found:
    """One variable where another belongs (x for y, i for j, one list's length for the other's); a name
    where a copy belongs (`b = a` makes both names one array)."""
    yield from _in_place_on_alias(node, context)
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in context.given:
        for name in sorted(context.given - {node.id}):  # a local made from a parameter is not swapped for it
            yield from _expr_edit("wrong variable", node, ast.Name(name, ast.Load()),
                                  f"`{node.id}` where `{name}` belongs")
        for name in sorted(context.call_results - context.given):  # `1 - y` typed for `1 - out`
            yield from _expr_edit("wrong variable", node, ast.Name(name, ast.Load()),
                                  f"`{node.id}` where `{name}` belongs", everywhere=False)
    parent = context.parents.get(id(node))
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and isinstance(parent, ast.List | ast.Tuple) \
            and sum(isinstance(item, ast.Name) and item.id == node.id for item in parent.elts) > 1:
        for name in sorted(context.unread):  # `[gw, gw, ...]` where `gb` was computed and never used: a copied item
            yield from _expr_edit("wrong variable", node, ast.Name(name, ast.Load()), f"`{node.id}` is listed "
                                  f"twice, and `{name}`, computed, is never used: one `{node.id}` is where `{name}` "
                                  "belongs", everywhere=False)
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
        for name in context.parallel.get(node.id, ()):  # dy where dx belongs (dx = x − x̄ and dy = y − ȳ)
            yield from _expr_edit("wrong variable", node, ast.Name(name, ast.Load()),
                                  f"`{node.id}` where `{name}` belongs", everywhere=False)
        for name, made in context.shifted.get(node.id, ()):  # x where dx = x − x̄ belongs
            maths = in_notation(made)
            yield from _expr_edit("unshifted variable", node, ast.Name(name, ast.Load()),
                                  f"`{node.id}` where `{name}` (= {made}" + (f", in maths {maths}" if maths else "")
                                  + ") belongs", everywhere=False)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and isinstance(node.left, ast.Name) \
            and ast.unparse(node) in context.deviations.get(node.left.id, ()):  # y - y.mean() for x - x.mean()
        for name, written in sorted(context.deviations.items()):
            for made in written if name != node.left.id else ():
                yield from _expr_edit("wrong variable", node, ast.parse(made, mode="eval").body,
                                      f"the deviation of `{node.left.id}` where that of `{name}` belongs",
                                      everywhere=False)
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
        for made in context.deviations.get(node.id, ()):  # x where x - x.mean() belongs, written inline elsewhere
            parent = context.parents.get(id(node))
            if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Sub) and parent.left is node:
                continue  # the deviation itself, or another difference from x
            maths = in_notation(made)
            why = f"`{node.id}` where its deviation `{made}`" + (f" (in maths {maths})" if maths else "") + " belongs"
            yield from _expr_edit("unshifted variable", node, ast.parse(made, mode="eval").body, why,
                                  everywhere=False)
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
        parent = context.parents.get(id(node))
        defining = isinstance(parent, ast.Call) and isinstance(context.parents.get(id(parent)), ast.Assign)
        made = [] if defining else [(after, statement.value) for after, statement in context.made_by_calls.items()
                                    if after != node.id and _reads_only(statement.value, node.id)]
        for after, call in made:  # z where h = σ(z) belongs
            applied = _call_name(call)
            yield from _expr_edit("before the function", node, ast.Name(after, ast.Load()),
                                  f"`{node.id}` is the value before `{applied}` is applied: `{after} = "
                                  f"{applied}({node.id})` belongs here", everywhere=False)
    sequence = context.counted.get(node.id) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) else None
    if sequence is not None and not _counts(node, context):  # for i in range(len(a)): f(i) where f(a[i]) belongs
        yield from _expr_edit("index for its value", node, ast.Subscript(ast.Name(sequence, ast.Load()),
                                                                         ast.Name(node.id, ast.Load()), ast.Load()),
                              f"`{node.id}` is the position in `{sequence}`, not its value: the value is "
                              f"`{sequence}[{node.id}]`", everywhere=False)
    if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id in context.scope:
        changed = copy.deepcopy(node)
        changed.value = ast.Call(ast.Attribute(ast.Name(node.value.id, ast.Load()), "copy", ast.Load()), [], [])
        yield Edit("alias", _text(node), _text(changed),
                   f"`{ast.unparse(node)}` does not copy: both names are one and the same object, so a change "
                   "through one shows through the other"), changed, False
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
            and isinstance(node.value, ast.Subscript) and isinstance(node.value.value, ast.Name) \
            and node.value.value.id in context.scope:  # `w = path[0]`: a view of a row, changed through `w`
        changed = copy.deepcopy(node)
        changed.value = ast.Call(ast.Attribute(copy.deepcopy(node.value), "copy", ast.Load()), [], [])
        yield Edit("alias", _text(node), _text(changed),
                   f"`{ast.unparse(node)}` does not copy: a row or slice of an array is a view of it, so a change "
                   f"through `{node.targets[0].id}` changes `{node.value.value.id}` too"), changed, False


def _before_function_throughout(function: ast.FunctionDef, context: _Context) -> Found:
    """`z * (1 - z)` where `h * (1 - h)` belongs (`h = sigmoid(z)`): every read of the value before the function in
    one statement at once (each read alone is a candidate of `_names`)."""
    nodes = list(ast.walk(function))
    for after, made in sorted(context.made_by_calls.items()):
        argument = made.value.args[0] if isinstance(made.value, ast.Call) and made.value.args else None
        if not isinstance(argument, ast.Name):
            continue
        for index, statement in enumerate(nodes):
            if statement is made or not isinstance(statement, ast.Assign | ast.AugAssign | ast.Return | ast.Expr):
                continue
            reads = sum(1 for n in ast.walk(statement) if isinstance(n, ast.Name) and n.id == argument.id
                        and isinstance(n.ctx, ast.Load))
            if reads < 2:
                continue
            changed = copy.deepcopy(function)
            for n in ast.walk(list(ast.walk(changed))[index]):
                if isinstance(n, ast.Name) and n.id == argument.id and isinstance(n.ctx, ast.Load):
                    n.id = after
            applied = _call_name(made.value)
            yield Edit("before the function", argument.id, after,
                       f"`{argument.id}` is the value before `{applied}` is applied: `{after} = {applied}("
                       f"{argument.id})` belongs here",
                       f"changing every `{argument.id}` to `{after}` in `{_line(statement)}` ({reads} places)"), \
                changed, False


def _not_applied(function: ast.FunctionDef, context: _Context) -> Found:
    """A parameter where a module function of it belongs (`x * (1 - x)` where `sigmoid(x) * (1 - sigmoid(x))`
    belongs): every use of a parameter the function never assigns, at once, with each of the module's other
    functions of one value."""
    assigned = {n.id for n in ast.walk(function) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    reads: dict[str, int] = collections.Counter(n.id for n in ast.walk(function) if isinstance(n, ast.Name)
                                                and isinstance(n.ctx, ast.Load) and n.id in context.parameters)
    for parameter in sorted(set(reads) - assigned):
        for name, signature in sorted(context.signatures.items()):
            if name == context.function or not _takes_one_value(signature):
                continue
            changed = _AppliedTo(parameter, name).visit(copy.deepcopy(function))
            count = reads[parameter]
            yield Edit("function not applied", parameter, f"{name}({parameter})",
                       f"`{parameter}` where `{name}({parameter})` belongs: the formula is about the value of `{name}` "
                       f"at `{parameter}`, not about `{parameter}` itself",
                       f"changing every `{parameter}` to `{name}({parameter})`"
                       + (f" ({count} places)" if count > 1 else "")), ast.fix_missing_locations(changed), False


class _AppliedTo(ast.NodeTransformer):
    """Every read of `parameter` made `function(parameter)`."""

    def __init__(self, parameter: str, function: str):
        self.parameter, self.function = parameter, function

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id == self.parameter and isinstance(node.ctx, ast.Load):
            return ast.Call(ast.Name(self.function, ast.Load()), [node], [])
        return node


def _statements(node: ast.AST, context: _Context) -> Found:
    """Statements: an early exit from a loop removed, a `return` moved out of its loop, two steps of a loop's
    pass swapped, the mirror of a matrix entry stored too (a[j, i] = a[i, j]), a running total (+=) that should
    be a fresh value, an initialisation moved into the loop that should start afresh each pass, a test moved
    earlier, two returned values or two labels swapped, the twin of a step to one side added."""
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        changed = ast.copy_location(ast.Assign([ast.Name(node.target.id, ast.Store())], copy.deepcopy(node.value)),
                                    node)
        yield Edit("running total", _text(node), _text(changed), "a running total: `+=` keeps adding to what "
                   "earlier passes left, where each pass needs a fresh value"), changed, False
    if isinstance(node, ast.Return | ast.Assign | ast.AugAssign | ast.Expr) and node.value is not None:
        names = [n.id for n in ast.walk(node.value) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]
        indices = sorted({n.slice.id for n in ast.walk(node.value) if isinstance(n, ast.Subscript)
                          and isinstance(n.slice, ast.Name) and n.slice.id in context.scope
                          and names.count(n.slice.id) == 1})
        for a, b in itertools.combinations(indices[:SWAPPED_NAMES], 2):  # slopes[row], intercepts[col]: swapped
            changed = _names_swapped(node, a, b)
            yield Edit("swapped indices", _line(node), _line(changed), f"`{a}` and `{b}` index each other's "
                       "sequence here"), changed, False
    if isinstance(node, ast.Assign | ast.Return) and node.value is not None:  # `w - lr * gb, b - lr * gw`
        used = collections.Counter(n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)
                                   and isinstance(n.ctx, ast.Load))
        for a, b in sorted({tuple(sorted((name, other))) for name in used if used[name] == 1
                            for other in context.parallel.get(name, ()) if used[other] == 1}):
            changed = _names_swapped(node, a, b)
            yield Edit("swapped values", _line(node), _line(changed), f"`{a}` and `{b}` are swapped here: each "
                       "stands where the other belongs"), changed, False
    if isinstance(node, ast.Return | ast.Assign) and isinstance(node.value, ast.Tuple) \
            and len(node.value.elts) == 2:
        changed = copy.deepcopy(node)
        changed.value.elts.reverse()  # type: ignore[union-attr]
        yield Edit("swapped values", _text(node), _text(changed), "the two values are swapped"), changed, False
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Tuple) \
            and len(node.targets[0].elts) == 2:
        changed = copy.deepcopy(node)
        changed.targets[0].elts.reverse()  # type: ignore[attr-defined]
        yield Edit("swapped values", _text(node), _text(changed), "the two values unpacked are swapped: check "
                   "the order in which the function returns them"), changed, False
    for field in ("body", "orelse"):
        statements = getattr(node, field, None)
        if not isinstance(statements, list) or not statements or not isinstance(statements[0], ast.stmt):
            continue
        for index, statement in enumerate(statements):
            if isinstance(statement, ast.For | ast.While) and len(statement.body) > 1 \
                    and isinstance(statement.body[-1], ast.Return) and not statement.orelse:
                loop = copy.deepcopy(statement)
                returned = loop.body.pop()
                order = _replacing(statements, index, [loop, returned])
                yield Edit("return in loop", _line(returned), "", f"`{_line(returned)}` is inside the loop, so the "
                           "function returns during the first pass: it belongs after the loop, once every pass "
                           "is made", f"moving `{_line(returned)}` out of the loop (after it)"), \
                    _with_field(node, field, order), False
            if isinstance(node, ast.For | ast.While) and field == "body" and index + 1 < len(statements) \
                    and all(isinstance(s, _MOVABLE) for s in statements[index:index + 2]):
                first, second = statements[index], statements[index + 1]
                order = [*statements[:index], second, first, *statements[index + 2:]]
                yield Edit("order of statements", _line(first), "", f"the two steps of each pass run in the wrong "
                           f"order: `{_line(second)}` must come before `{_line(first)}`",
                           f"swapping `{_line(first)}` and `{_line(second)}`"), \
                    _with_field(node, field, [copy.deepcopy(s) for s in order]), False
            if isinstance(statement, ast.For | ast.While):
                yield from _last_pass_for_total(node, field, statements, index)
                yield from _left_out_of_loop(node, field, statements, index)
            yield from _left_out_of_if(node, field, statements, index)
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                    and isinstance(target := statement.targets[0], ast.Name) \
                    and isinstance(statement.value, ast.Subscript) and isinstance(statement.value.value, ast.Name) \
                    and statement.value.value.id == target.id and isinstance(statement.value.slice, ast.Slice):
                kept = [copy.deepcopy(s) for s in statements[:index] + statements[index + 1:]] or [ast.Pass()]
                yield Edit("part of the data", _line(statement), "", f"`{_line(statement)}` keeps only part of "
                           f"`{target.id}`: every value counts",
                           f"removing `{_line(statement)}`"), _with_field(node, field, kept), False
            mirror = _mirrored_store(statement) if isinstance(node, ast.For) else None
            if mirror is not None:
                order = [*map(copy.deepcopy, statements[:index + 1]), mirror,
                         *map(copy.deepcopy, statements[index + 1:])]
                target, mirrored = ast.unparse(statement.targets[0]), ast.unparse(mirror.targets[0])  # type: ignore
                yield Edit("one triangle", _line(statement), "", f"only one triangle of the matrix is filled: "
                           f"`{target}` is stored, its mirror `{mirrored}` is not, and a symmetric matrix needs both",
                           f"adding `{_line(mirror)}` after `{target} = ...`"), _with_field(node, field, order), False
            exits = any(isinstance(n, ast.Break | ast.Return) for n in ast.walk(statement))
            if isinstance(statement, ast.If) and not statement.orelse and isinstance(statement.body[-1], ast.Return) \
                    and isinstance(node, ast.FunctionDef) and index + 1 < len(statements):
                # `if np.ndim(x) == 0: return s` left from a check: an edit of its test that makes it never hold
                # passes too, and would be told as a wrong number or comparison
                kept = [copy.deepcopy(s) for s in statements[:index] + statements[index + 1:]]
                header = f"if {ast.unparse(statement.test)}:"
                yield Edit("early return", _line(statement), "", f"`{_line(statement.body[-1])}` under `{header}` "
                           "returns early on the inputs that test picks (a line left from a check, a special case): "
                           "the rest of the function must run for those too", f"removing `{header}` and what it "
                           "guards"), _with_field(node, field, kept), False
            if isinstance(statement, ast.If) and exits and isinstance(node, ast.For | ast.While):
                kept = [copy.deepcopy(s) for s in statements[:index] + statements[index + 1:]] or [ast.Pass()]
                yield Edit("early stop", _line(statement), "", "the loop stops early: every pass must be "
                           "made, however small the steps get", f"removing `{_line(statement)}`"), \
                    _with_field(node, field, kept), False
            changed_names = _names_changed_by_guard(statement)
            if changed_names and not exits:  # `if norm > 1: g = g / norm`: a value changed on some inputs only
                kept = [copy.deepcopy(s) for s in statements[:index] + statements[index + 1:]] or [ast.Pass()]
                yield Edit("conditional change", _line(statement), "", f"`{_line(statement)}` changes "
                           f"{', '.join(f'`{name}`' for name in changed_names)} on some inputs only (a clipping, a "
                           "cap, a schedule): the value must be used as it was computed",
                           f"removing `{_line(statement)}`"), _with_field(node, field, kept), False
                # `if better: weights = new`: the change itself right, made on some inputs only (a guard that
                # refuses a step, a test that skips an update); its test dropped, its body kept
                always = [*map(copy.deepcopy, statements[:index]), *map(copy.deepcopy, statement.body),
                          *map(copy.deepcopy, statements[index + 1:])]
                test = ast.unparse(statement.test)
                yield Edit("conditional update", _line(statement), "", f"`if {test}` makes the change to "
                           f"{', '.join(f'`{name}`' for name in changed_names)} on some inputs only (a guard that "
                           "refuses a step, a test that skips an update): the change must be made every time",
                           f"removing the test `if {test}:` and keeping what it guards"), \
                    _with_field(node, field, always), False
            if isinstance(statement, ast.Assign) and index + 1 < len(statements):
                for later in range(index + 1, len(statements)):
                    loop = statements[later]
                    if isinstance(loop, ast.For | ast.While):
                        if not _read_in_passes(loop, statement, statements):
                            break  # fresh each pass, only the last pass's value would be left: no cause it names
                        rest = [copy.deepcopy(s) for s in statements[:index] + statements[index + 1:later]]
                        for depth, (header, moved) in enumerate(_into_loops(loop, statement)):  # and loops in it
                            kept = rest + [moved] + [copy.deepcopy(s) for s in statements[later + 1:]]
                            where = "the loop's body" if depth == 0 else f"the body of `{header}`"
                            again = _set_again_after_use(loop, statement) if depth == 0 else None
                            why = f"`{_line(statement)}` runs once, before the loop, so every pass shares and " \
                                "keeps changing the same value: it belongs inside the loop, fresh each pass"
                            if again is not None:  # `out = f(w)` before the loop and again inside, after its use
                                why = f"each pass reads `{ast.unparse(statement.targets[0])}` before the loop sets " \
                                    f"it again (`{_line(again)}`), so it reads the value the pass before left: a " \
                                    "step behind. Made at the start of each pass, it is fresh where it is used"
                            yield Edit("not reset", _line(statement), "", why,
                                       f"moving `{_line(statement)}` to the start of {where}"), \
                                _with_field(node, field, kept), False
                        break
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                    and isinstance(statement.targets[0], ast.Name):
                yield from _used_before_set(node, field, index, statements)
            if isinstance(statement, ast.Assign) and len(statement.targets) > 1 \
                    and all(isinstance(target, ast.Name) for target in statement.targets):
                split = [ast.copy_location(ast.Assign([ast.Name(target.id, ast.Store())],  # type: ignore[attr-defined]
                                                      copy.deepcopy(statement.value)), statement)
                         for target in statement.targets]
                order = _replacing(statements, index, split)
                names = " = ".join(ast.unparse(target) for target in statement.targets)
                yield Edit("alias", _line(statement), "", f"`{names} = ...` binds every name to one and the same "
                           "object: a change through one name shows through the others",
                           "making each its own with " + " and ".join(f"`{_line(one)}`" for one in split)), \
                    _with_field(node, field, order), False
            if isinstance(statement, ast.For) and isinstance(statement.target, ast.Name) \
                    and statement.target.id in context.parameters:
                yield from _unshadowed(node, field, index, statement, context)
            yield from _twin_step_missing(node, field, index, statements)
            yield from _stepped_back_to_start(node, field, index, statements)
            yield from _copied_after_change(node, field, index, statements)
            if isinstance(statement, ast.For | ast.While):
                yield from _inits_kept(node, field, index, statement)
                yield from _overwritten(node, field, index, statement)
                yield from _sum_started(node, field, index, statement)
                yield from _test_after_step(node, field, index, statement)
            if isinstance(statement, ast.If) and index > 0:
                for earlier in range(index):
                    if isinstance(statements[earlier], ast.If):
                        order = [*statements[:earlier], statement, *statements[earlier:index],
                                 *statements[index + 1:]]
                        yield Edit("order of tests", _line(statement), "",
                                   f"the test `{ast.unparse(statement.test)}` comes too late: an earlier test "
                                   "already decides the cases it is meant for",
                                   f"testing `{ast.unparse(statement.test)}` first, before "
                                   f"`{ast.unparse(statements[earlier].test)}`"), \
                            _with_field(node, field, [copy.deepcopy(s) for s in order]), False
                        break
    if isinstance(node, ast.FunctionDef):
        yield from _python_slips(node, context)
        yield from _aliases_copied(node, context)
        yield from _start_values_dropped(node)
        yield from _every_value_change(node)
        yield from _fixed_sizes(node)
        yield from _restarts(node)
        yield from _applied_too_early(node, context)
        yield from _set_for_moved(node)
        yield from _not_applied(node, context)
        yield from _before_function_throughout(node, context)
    loops = [node] if isinstance(node, ast.For) else list(node.generators) \
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) else []
    for position, loop in enumerate(loops):  # `for i in point`, or `[... for i in point]`
        if not (isinstance(loop.iter, ast.Name) and isinstance(loop.target, ast.Name)
                and loop.iter.id in context.parameters):
            continue
        changed = copy.deepcopy(node)
        changed_loop = changed if isinstance(changed, ast.For) else changed.generators[position]  # type: ignore
        changed_loop.iter = ast.Call(ast.Name("range", ast.Load()), [ast.Call(
            ast.Name("len", ast.Load()), [ast.Name(loop.iter.id, ast.Load())], [])], [])
        target, sequence = loop.target.id, loop.iter.id
        yield Edit("values for indices", f"in {sequence}", f"in range(len({sequence}))", f"`for {target} in "
                   f"{sequence}` takes the values of `{sequence}`, not their positions: `range(len({sequence}))` "
                   "gives the positions", f"changing `in {sequence}` to `in range(len({sequence}))`"), changed, False
    yield from _pairs_for_every_pair(node)
    floor_divisions = [n for n in ast.walk(node) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.FloorDiv)] \
        if isinstance(node, ast.FunctionDef) else []
    if len(floor_divisions) > 1:  # the same slip in several places: every `//` made `/` at once
        changed = copy.deepcopy(node)
        for division in ast.walk(changed):
            if isinstance(division, ast.BinOp) and isinstance(division.op, ast.FloorDiv):
                division.op = ast.Div()
        yield Edit("floor division", "//", "/", "`//` is floor division: it rounds the quotient down to a whole "
                   "number, where `/` divides exactly",
                   f"changing every `//` to `/` ({len(floor_divisions)} places)"), changed, False
    strings = sorted({n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                      and len(n.value) <= 40 and "\n" not in n.value}) if isinstance(node, ast.FunctionDef) else []
    for first in range(len(strings)):
        for second in range(first + 1, len(strings)):
            a, b = strings[first], strings[second]
            changed = _swap_strings(node, a, b)
            yield Edit("labels swapped", f"{a!r}", f"{b!r}", f"the labels {a!r} and {b!r} are swapped"), changed, False


def _pairs_for_every_pair(node: ast.AST) -> Found:
    """Two loops over two sequences, one inside the other (`for xi in x for ri in r`, or a `for` whose whole
    body is another `for`), where the pairs of the same position belong: one loop over `zip` of both. Every
    pair (i, j) gives Σᵢxᵢ·Σⱼrⱼ where Σᵢxᵢ·rᵢ is meant."""
    if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp) and len(node.generators) == 2:
        outer, inner = node.generators
        if _plain_loop(outer) and _plain_loop(inner) and not outer.ifs and not inner.ifs \
                and not outer.is_async and not inner.is_async:
            changed = copy.deepcopy(node)
            changed.generators = [ast.comprehension(*_zipped(outer, inner), [], 0)]
            yield _every_pair_edit(outer, inner), ast.fix_missing_locations(changed), False
    if isinstance(node, ast.For) and len(node.body) == 1 and isinstance(node.body[0], ast.For) \
            and not node.orelse and not node.body[0].orelse and _plain_loop(node) and _plain_loop(node.body[0]):
        inner = node.body[0]
        changed = ast.For(*_zipped(node, inner), [copy.deepcopy(statement) for statement in inner.body], [])
        yield _every_pair_edit(node, inner), ast.fix_missing_locations(ast.copy_location(changed, node)), False


def _plain_loop(loop: ast.For | ast.comprehension) -> bool:
    """`for name in name`: one variable over one sequence (no range, no call)."""
    return isinstance(loop.target, ast.Name) and isinstance(loop.iter, ast.Name) and loop.target.id != loop.iter.id


def _zipped(outer: ast.For | ast.comprehension, inner: ast.For | ast.comprehension) -> tuple[ast.expr, ast.expr]:
    names = [ast.Name(loop.target.id, ast.Store()) for loop in (outer, inner)]  # type: ignore[attr-defined]
    sequences = [ast.Name(loop.iter.id, ast.Load()) for loop in (outer, inner)]  # type: ignore[attr-defined]
    return ast.Tuple(names, ast.Store()), ast.Call(ast.Name("zip", ast.Load()), sequences, [])


def _every_pair_edit(outer: ast.For | ast.comprehension, inner: ast.For | ast.comprehension) -> Edit:
    a, b = outer.target.id, inner.target.id  # type: ignore[attr-defined]
    xs, ys = outer.iter.id, inner.iter.id  # type: ignore[attr-defined]
    before, after = f"for {a} in {xs} for {b} in {ys}", f"for {a}, {b} in zip({xs}, {ys})"
    return Edit("every pair", before, after, f"one loop inside the other takes every `{a}` with every `{b}`, all the "
                f"pairs, where each `{a}` belongs with the `{b}` at its own position only",
                f"looping `for {a}, {b} in zip({xs}, {ys})` instead of over `{xs}` and `{ys}` one inside the other")


class _Unwrapped(ast.NodeTransformer):
    """Every call of one value-changing function (by name) replaced by its one argument."""

    def __init__(self, name: str):
        self.name = name

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        return node.args[0] if _unwrappable(node, self.name) else node


def _unwrappable(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Call) and _call_name(node) == name and len(node.args) == 1 and not node.keywords \
        and not isinstance(node.args[0], ast.Starred)


def _every_value_change(function: ast.FunctionDef) -> Found:
    """The same value-changing call in several places (`return round(slope), round(intercept)`): every one
    dropped at once, its argument kept. One dropped alone repairs nothing that a check sees whole."""
    counts = collections.Counter(_call_name(n) for n in ast.walk(function)
                                 if isinstance(n, ast.Call) and _call_name(n) in _CHANGES_VALUE)
    for name, count in sorted(counts.items()):
        if count < 2 or not all(_unwrappable(n, name) for n in ast.walk(function)
                                if isinstance(n, ast.Call) and _call_name(n) == name):
            continue
        changed = _Unwrapped(name).visit(copy.deepcopy(function))
        yield Edit("extra operation", f"{name}(", "", f"`{name}(...)` {_CHANGES_VALUE[name]}: the value must not "
                   "be changed that way", f"dropping every `{name}(...)` around its argument ({count} places)"), \
            ast.fix_missing_locations(changed), False


def _applied_too_early(function: ast.FunctionDef, context: _Context) -> Found:
    """`a = sigmoid(w * x)`, then `a + b`: the operation belongs inside the call, `a = sigmoid(w * x + b)` (the
    precedence slip f(u) op c for f(u op c), written over two statements)."""
    made = context.made_by_calls
    uses = collections.Counter(n.id for n in ast.walk(function) if isinstance(n, ast.Name)
                               and isinstance(n.ctx, ast.Load))
    for node in ast.walk(function):
        if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.Div)
                and isinstance(node.left, ast.Name) and node.left.id in made and uses[node.left.id] == 1):
            continue
        statement = made[node.left.id]
        call = statement.value
        inside = ast.Call(copy.deepcopy(call.func), [ast.BinOp(copy.deepcopy(call.args[0]),  # type: ignore
                                                               copy.deepcopy(node.op), copy.deepcopy(node.right))], [])
        changed = _substituted(function, {id(call): inside, id(node): ast.Name(node.left.id, ast.Load())})
        yield Edit("precedence", _text(node), node.left.id, "the order of operations: the operation belongs inside "
                   "the function's argument, not after the call",
                   f"changing `{_line(statement)}` to `{node.left.id} = {ast.unparse(inside)}` and "
                   f"`{_text(node)}` to `{node.left.id}`"), changed, False


def _set_for_moved(function: ast.FunctionDef) -> Found:
    """`plus[i] = h` where the entry is moved, `plus[i] += h` (a point shifted along one coordinate): every
    store into an entry of a local that does not read that local, changed together (the same slip for each
    shifted copy), and each alone where there are several."""
    stores = [n for n in ast.walk(function) if isinstance(n, ast.Assign) and len(n.targets) == 1
              and isinstance(n.targets[0], ast.Subscript) and isinstance(n.targets[0].value, ast.Name)
              and n.targets[0].value.id not in _read_names(n.value)
              and not isinstance(n.value, ast.Tuple | ast.List)]
    if not stores or len(stores) > MOVED_ENTRIES:
        return
    groups = [stores] + ([[store] for store in stores] if len(stores) > 1 else [])
    for group in groups:
        moved: dict[int, ast.AST] = {
            id(store): ast.copy_location(ast.AugAssign(copy.deepcopy(store.targets[0]), ast.Add(),
                                                       copy.deepcopy(store.value)), store) for store in group}
        changed = _substituted(function, moved)
        first = group[0]
        entry = ast.unparse(first.targets[0])
        places = " and ".join(f"`{_line(store)}` to `{ast.unparse(moved[id(store)])}`" for store in group)
        yield Edit("set for moved", _line(first), "", f"`{_line(first)}` sets the entry to "
                   f"`{ast.unparse(first.value)}`, where it is to be moved by that much: `{entry} += ...` keeps "
                   "the value it had", f"changing {places}"), changed, False


def _read_in_passes(loop: ast.For | ast.While, statement: ast.Assign, block: Sequence[ast.stmt] = ()) -> bool:
    """Is a value set before a loop read within its passes other than to update it (`rows.append(total)`, `if
    f(x) < best`, a function defined beside it and called in the loop that reads it: a memo)? Only then can it
    belong inside the loop, fresh each pass: a value the passes only update (`chain = chain * v`), read after the
    loop, would keep the last pass's alone there, which is no loop's purpose (a product over the variables kept its
    own factor: moving its start inside passed only because y came last)."""
    names = {target.id for target in statement.targets if isinstance(target, ast.Name)}
    if not names:
        return True
    readers = {defined.name for defined in block if isinstance(defined, ast.FunctionDef)
               and any(isinstance(node, ast.Name) and node.id in names for node in ast.walk(defined))}
    if any(isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in readers
           for call in ast.walk(loop)):
        return True
    for inner in ast.walk(loop):
        if not isinstance(inner, ast.stmt) or isinstance(inner, ast.For | ast.While | ast.If | ast.With | ast.Try):
            continue
        read = {node.id for node in ast.walk(inner) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
        if isinstance(inner, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = inner.targets if isinstance(inner, ast.Assign) else [inner.target]
            updated = {target.id for target in targets if isinstance(target, ast.Name)}
            read -= updated
        if read & names:
            return True
    tests = [inner.test for inner in ast.walk(loop) if isinstance(inner, ast.If | ast.While)]
    tests += [inner.iter for inner in ast.walk(loop) if isinstance(inner, ast.For)]
    return any(isinstance(node, ast.Name) and node.id in names for test in tests for node in ast.walk(test))


def _substituted(root: ast.AST, replacements: dict[int, ast.AST]) -> ast.AST:
    """A copy of `root` with its nodes given by id replaced by the nodes given (used as they are)."""
    positions = {id(n): index for index, n in enumerate(ast.walk(root))}
    copied = copy.deepcopy(root)
    nodes = list(ast.walk(copied))
    targets = {id(nodes[positions[key]]): value for key, value in replacements.items() if key in positions}

    class _Swap(ast.NodeTransformer):
        def visit(self, node: ast.AST) -> ast.AST:
            return targets[id(node)] if id(node) in targets else self.generic_visit(node)

    return ast.fix_missing_locations(_Swap().visit(copied))


_MOVABLE = (ast.Assign, ast.AugAssign, ast.Expr, ast.If)  # statements two of which may run in the wrong order


def _replacing(statements: list[ast.stmt], index: int, new: list[ast.stmt]) -> list[ast.stmt]:
    """A copy of the statement list with the one at `index` replaced by `new` (which is used as given)."""
    return [*map(copy.deepcopy, statements[:index]), *new, *map(copy.deepcopy, statements[index + 1:])]


def _names_swapped(statement: ast.Return | ast.Assign | ast.AugAssign | ast.Expr, a: str, b: str) -> ast.stmt:
    """A copy of the statement with the names `a` and `b` read in its value put in each other's place."""
    changed = copy.deepcopy(statement)
    for name in ast.walk(changed.value):  # type: ignore[arg-type]
        if isinstance(name, ast.Name) and name.id in (a, b):
            name.id = b if name.id == a else a
    return changed


_SHAPE_MAKERS = frozenset({"zeros", "ones", "empty", "full"})
_COLUMN_WHY = ("shape (n, 1): against a 1-D array of n values it broadcasts into an n×n table, where a 1-D array "
               "lines up value by value (a column vector of MATLAB is a 1-D array here)")
_DTYPE_NAMES = frozenset({"float", "bool", "complex", "float64", *_INTEGER_DTYPES, *_NARROW_FLOATS,
                          "'float'", "'int'", '"float"', '"int"'})  # a dtype passed positionally, not a size


def _number_constant(node: ast.AST | None) -> int | float | None:
    """The number a node writes as a constant (`3`, `100.0`, `-5`, `--5`), None for anything else (a bool too)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _number_constant(node.operand)
        return None if inner is None else -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    return None


def _minus_one(node: ast.AST | None) -> bool:
    """`-1` as written (a constant or a minus before 1)."""
    if isinstance(node, ast.Constant):
        return node.value == -1 and type(node.value) is int
    return isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) \
        and node.operand.value == 1 and type(node.operand.value) is int


def _column_shape(arguments: Sequence[ast.expr]) -> bool:
    """`(-1, 1)` or `(n, 1)` given to reshape, as one tuple or as two arguments."""
    shape = list(arguments[0].elts) if len(arguments) == 1 and isinstance(arguments[0], ast.Tuple) else list(arguments)
    return len(shape) == 2 and isinstance(shape[1], ast.Constant) and shape[1].value == 1 \
        and type(shape[1].value) is int


def _start_why(call: str, start: str) -> str:
    return (f"the built-in `sum`'s second argument is the value it starts from, not a dimension: `{call}` adds "
            f"{start} to the total (NumPy's `sum(..., axis=k)` chooses the axis)")


def _sum_with_start(node: ast.AST) -> bool:
    """A call of the built-in `sum` with a start value, `sum(a, 1)`."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "sum" \
        and len(node.args) == 2 and not node.keywords


def _array_habits(node: ast.AST, context: _Context) -> Found:
    """The habits of another array language: `np.dot` or `@` where the product entry by entry belongs (MATLAB's
    `.*`), a column of shape (n, 1) made where a 1-D array belongs, a shape passed as separate sizes, the built-in
    `sum`'s start value taken for a dimension, a slice stopping at `-1` taken for `end`, a column-major order, two
    entries of a short literal in each other's place."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and context.numpy \
            and isinstance(node.left, ast.Name) and isinstance(node.right, ast.Attribute) and node.right.attr == "T" \
            and isinstance(node.right.value, ast.Name) and node.right.value.id == node.left.id:
        name = node.left.id  # `upper + upper.T`: a triangle mirrored with its diagonal counted twice
        diagonal = ast.Call(ast.Attribute(ast.Name(context.numpy, ast.Load()), "diag", ast.Load()), [ast.Call(
            ast.Attribute(ast.Name(context.numpy, ast.Load()), "diag", ast.Load()), [ast.Name(name, ast.Load())], [])],
            [])
        changed = ast.BinOp(copy.deepcopy(node), ast.Sub(), diagonal)
        yield from _expr_edit("diagonal twice", node, changed, f"`{ast.unparse(node)}` adds the diagonal of `{name}` "
                              "to itself: a triangle filled with its diagonal, mirrored by adding its transpose, "
                              "counts every diagonal entry twice; take the diagonal away once", everywhere=False)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
        product = ast.BinOp(copy.deepcopy(node.left), ast.Mult(), copy.deepcopy(node.right))
        yield from _expr_edit("dot for product", node, product, "`@` is the matrix product: for two 1-D arrays it "
                              "multiplies them entry by entry and adds the products up into one number; the product "
                              "entry by entry (MATLAB's `.*`) is `*`")
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Tuple) and len(node.slice.elts) == 2 \
            and isinstance(node.slice.elts[0], ast.Slice) and ast.unparse(node.slice.elts[0]) == ":" \
            and ast.unparse(node.slice.elts[1]) in ("None", f"{context.numpy or 'np'}.newaxis"):
        yield from _expr_edit("column", node, copy.deepcopy(node.value),
                              f"`{ast.unparse(node)}` makes a column of {_COLUMN_WHY}")
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice) and node.slice.lower is None \
            and node.slice.step is None and isinstance(stop := _number_constant(node.slice.upper), int) and stop > 0 \
            and isinstance(node.ctx, ast.Load):  # `values[:3]` kept from printing the first few
        yield from _expr_edit("slice end", node, copy.deepcopy(node.value), f"`{ast.unparse(node)}` keeps only the "
                              f"first {stop} items: every item is needed")
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice) and _minus_one(node.slice.upper) \
            and node.slice.step is None:
        changed = copy.deepcopy(node)
        changed.slice.upper = None  # type: ignore[attr-defined]
        yield from _expr_edit("slice end", node, changed, f"`{ast.unparse(node)}` stops before the last item: a "
                              "slice leaves out its stop, and `-1` is the last item itself (MATLAB's `end` is "
                              "included); to keep it, leave the stop out")
    if isinstance(node, ast.List) and len(node.elts) >= 2 \
            and all(isinstance(item, ast.List) and len(item.elts) == 1 for item in node.elts):
        flat = ast.List([copy.deepcopy(item.elts[0]) for item in node.elts], ast.Load())  # type: ignore[attr-defined]
        yield from _expr_edit("column", node, flat, f"`{ast.unparse(node)}` is a column of shape "
                              f"({len(node.elts)}, 1), not the {len(node.elts)} values of shape ({len(node.elts)},)")
    if isinstance(node, ast.List | ast.Tuple) and len(node.elts) == 2 and isinstance(node.ctx, ast.Load) \
            and isinstance(context.parents.get(id(node)), ast.Call) \
            and not any(isinstance(item, ast.Starred) for item in node.elts) \
            and ast.dump(node.elts[0]) != ast.dump(node.elts[1]):
        changed = copy.deepcopy(node)
        changed.elts.reverse()
        yield from _expr_edit("swapped entries", node, changed, f"`{ast.unparse(node.elts[0])}` and "
                              f"`{ast.unparse(node.elts[1])}` are in each other's place: check which entry each "
                              "one is multiplied with or read as", everywhere=False)
    if not isinstance(node, ast.Call):
        return
    name = _call_name(node)
    if name == "dot" and len(node.args) == 2 and isinstance(node.func, ast.Attribute) and not node.keywords:
        product = ast.BinOp(copy.deepcopy(node.args[0]), ast.Mult(), copy.deepcopy(node.args[1]))
        yield from _expr_edit("dot for product", node, product, f"`{ast.unparse(node)}` multiplies entry by entry "
                              "and adds the products up into one number (for 2-D arrays: the matrix product); the "
                              "product entry by entry (MATLAB's `.*`) is `*`")
    if name == "reshape" and isinstance(node.func, ast.Attribute):
        array = node.args[0] if len(node.args) >= 2 and isinstance(node.func.value, ast.Name) \
            and node.func.value.id == context.numpy else node.func.value
        shape = node.args[1:] if array is not node.func.value else node.args
        if shape and _column_shape(shape):
            yield from _expr_edit("column", node, copy.deepcopy(array),
                                  f"`{ast.unparse(node)}` makes a column of {_COLUMN_WHY}")
    sizes = len(node.args) - (name == "full")  # `full(n, m, value)`: the value follows the sizes
    if name in _SHAPE_MAKERS and isinstance(node.func, ast.Attribute) and sizes >= 2 \
            and not any(isinstance(argument, ast.Starred | ast.Tuple | ast.List) for argument in node.args) \
            and ast.unparse(node.args[1]).rsplit(".", 1)[-1] not in _DTYPE_NAMES:
        changed = copy.deepcopy(node)
        changed.args = [ast.Tuple(changed.args[:sizes], ast.Load()), *changed.args[sizes:]]
        yield from _expr_edit("shape as sizes", node, changed, f"`{name}` takes the shape as one tuple, "
                              f"`{ast.unparse(changed)}`; its next argument is the dtype (MATLAB's `{name}(n, 2)` "
                              "passes the sizes one by one)")
    if name in _SHAPE_MAKERS and isinstance(node.func, ast.Attribute) and node.args:
        shape = node.args[0]
        if isinstance(shape, ast.Tuple) and _column_shape(shape.elts):  # MATLAB's zeros(n, 1) as zeros((n, 1))
            changed = copy.deepcopy(node)
            changed.args[0] = copy.deepcopy(shape.elts[0])
            yield from _expr_edit("column", node, changed, f"`{ast.unparse(node)}` makes a column of {_COLUMN_WHY}")
        elif not isinstance(shape, ast.Tuple | ast.List | ast.Starred | ast.Constant):  # MATLAB's zeros(n) is n×n
            changed = copy.deepcopy(node)
            changed.args[0] = ast.Tuple([copy.deepcopy(shape), copy.deepcopy(shape)], ast.Load())
            yield from _expr_edit("square shape", node, changed, f"`{ast.unparse(node)}` makes {ast.unparse(shape)} "
                                  f"values in a row, a 1-D array (MATLAB's `{name}(n)` is n×n): a matrix takes its "
                                  f"shape as a tuple, `{ast.unparse(changed)}`", everywhere=False)
    if any(keyword.arg == "order" and isinstance(keyword.value, ast.Constant) and keyword.value.value == "F"
           for keyword in node.keywords):
        changed = copy.deepcopy(node)
        changed.keywords = [keyword for keyword in changed.keywords if keyword.arg != "order"]
        yield from _expr_edit("column-major", node, changed, "`order='F'` runs through the array column by column "
                              "(MATLAB's order); NumPy's indices (`unravel_index`, `reshape`) count row by row unless "
                              "told otherwise, so the two orders disagree")
    if _sum_with_start(node):
        changed = copy.deepcopy(node)
        changed.args = changed.args[:1]
        yield from _expr_edit("start value", node, changed, _start_why(ast.unparse(node), ast.unparse(node.args[1])))


_SIZE_TAKERS = frozenset({"zeros", "ones", "empty", "full", "eye", "identity"})  # their first argument is a size
MAX_WRITTEN_OUT = 6  # entries of a literal that may be one per input's entry, written out one by one


def _size_constants(function: ast.FunctionDef) -> dict[int, list[ast.Constant]]:
    """The whole numbers of at least 2 that stand as sizes: a `range`'s stop, the shape of `zeros`, `ones`,
    `empty`, `full`, `eye` or `identity` (a number or the entries of a tuple), grouped by value."""
    found: dict[int, list[ast.Constant]] = {}
    for node in ast.walk(function):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = _call_name(node)
        sizes = [node.args[-1]] if name == "range" and len(node.args) <= 2 else \
            [] if name not in _SIZE_TAKERS else \
            node.args[0].elts if isinstance(node.args[0], ast.Tuple | ast.List) else [node.args[0]]
        for size in sizes:
            if isinstance(size, ast.Constant) and type(size.value) is int and size.value >= 2:
                found.setdefault(size.value, []).append(size)
    return found


def _sized_inputs(function: ast.FunctionDef) -> list[str]:
    """The parameters whose number of entries a size may stand for: those the function never calls."""
    called = {node.func.id for node in ast.walk(function) if isinstance(node, ast.Call)
              and isinstance(node.func, ast.Name)}
    return [name for name in _parameter_names(function.args) if name not in called]


def _length(name: str) -> ast.Call:
    return ast.Call(ast.Name("len", ast.Load()), [ast.Name(name, ast.Load())], [])


def _fixed_sizes(function: ast.FunctionDef) -> Found:
    """A size written into the code (`np.zeros((2, 2))`, `range(2)`, `np.eye(2)`) where the number of entries of
    an input belongs: every such size of one value made `len(p)` at once, for each parameter p in turn."""
    for value, places in sorted(_size_constants(function).items()):
        for name in _sized_inputs(function):
            changed = _substituted(function, {id(place): _length(name) for place in places})
            yield Edit("fixed size", f"{value}", f"len({name})",
                       f"the size {value} is written into the code where the number of entries of `{name}` belongs: "
                       f"the function then holds only for inputs of {value} entries, and it must take any size",
                       f"changing every size `{value}` to `len({name})` ({len(places)} "
                       f"place{'s' if len(places) > 1 else ''})"), changed, False


class _Numbered(ast.NodeTransformer):
    """Every whole number of a tree, in the order visited, kept (`numbers`) and replaced: by a placeholder, or
    where `counted` says so for its place, by the loop's index (the entries of a literal written out one by one
    compared as the same code but for their numbers, then made one expression of the index)."""

    def __init__(self, counted: Sequence[bool] = (), index: str = "_number_") -> None:
        self.numbers: list[int] = []
        self.counted, self.index = list(counted), index

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if type(node.value) is not int:
            return node
        place = len(self.numbers)
        self.numbers.append(node.value)
        if self.counted and not self.counted[place]:
            return node
        return ast.Name(self.index, ast.Load())


def _entry_template(entries: Sequence[ast.expr], index: str) -> ast.expr | None:
    """The one expression of which every entry is the case `index` = its position (`w[0] - r * g[0]`,
    `w[1] - r * g[1]` -> `w[i] - r * g[i]`); None where the entries differ otherwise."""
    numbered = [_Numbered() for _ in entries]
    shapes = {ast.dump(one.visit(copy.deepcopy(entry))) for one, entry in zip(numbered, entries, strict=True)}
    if len(shapes) != 1 or len({len(one.numbers) for one in numbered}) != 1:
        return None
    columns = list(zip(*(one.numbers for one in numbered), strict=True))
    counted = [column == tuple(range(len(entries))) for column in columns]
    if not any(counted) or not all(is_counted or len(set(column)) == 1
                                   for column, is_counted in zip(columns, counted, strict=True)):
        return None
    return _Numbered(counted, index).visit(copy.deepcopy(entries[0]))


def _written_out(node: ast.AST, context: _Context) -> Found:
    """A list written out entry by entry for one size of input (`[g(p, 0), g(p, 1)]`, `[w[0] - r * g[0], w[1] -
    r * g[1]]`) where one entry per entry of an input belongs: the list made by a comprehension over its size."""
    if not isinstance(node, ast.List | ast.Tuple) or not 2 <= len(node.elts) <= MAX_WRITTEN_OUT \
            or isinstance(node.ctx, ast.Store) or any(isinstance(entry, ast.Starred) for entry in node.elts):
        return
    index = next(name for name in ("i", "k", "j", "n_", "index_") if name not in context.scope)
    template = _entry_template(node.elts, index)
    function = next((n for n in context.parents.values() if isinstance(n, ast.FunctionDef)
                     and n.name == context.function), None)
    if template is None or function is None:
        return
    for name in _sized_inputs(function):
        loop = ast.comprehension(ast.Name(index, ast.Store()), ast.Call(ast.Name("range", ast.Load()),
                                                                         [_length(name)], []), [], 0)
        changed = ast.ListComp(copy.deepcopy(template), [loop])
        yield from _expr_edit("written out", node, changed, f"the {len(node.elts)} entries are written out one by "
                              f"one, so the answer has {len(node.elts)} entries whatever the size of the input: one "
                              f"entry per entry of `{name}` belongs (a loop over `range(len({name}))`)",
                              everywhere=False)


def _start_values_dropped(function: ast.FunctionDef) -> Found:
    """Every call of the built-in `sum` with a start value, `sum(a, 1)` taken for MATLAB's `sum(A, 1)`, made a plain
    sum at once (one alone leaves the others adding their start)."""
    started = [node for node in ast.walk(function) if _sum_with_start(node)]
    if len(started) < 2:
        return
    changed = copy.deepcopy(function)
    for node in ast.walk(changed):
        if _sum_with_start(node):
            node.args = node.args[:1]  # type: ignore[attr-defined]
    first = started[0]
    yield Edit("start value", ast.unparse(first), f"sum({ast.unparse(first.args[0])})",
               _start_why("sum(a, 1)", "1"),
               f"dropping the second argument of every built-in `sum` ({len(started)} places)"), \
        changed, False


def _aliases_copied(function: ast.FunctionDef, context: _Context) -> Found:
    """Several names bound to one array (`pp = p`, `pm = p`, ...), each then changed in place, as if assignment
    copied: every such binding made a copy at once (one copy alone does not repair the others)."""
    def bound_to(node: ast.AST) -> str:  # `pp = p`: "p"
        return node.value.id if isinstance(node, ast.Assign) and len(node.targets) == 1 \
            and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Name) else ""

    bindings = [node for node in ast.walk(function) if bound_to(node) in context.scope]
    for source in sorted({bound_to(node) for node in bindings}):
        same = [node for node in bindings if bound_to(node) == source]
        if len(same) < 2:
            continue
        changed = copy.deepcopy(function)
        for node in ast.walk(changed):
            if bound_to(node) == source:
                node.value = ast.Call(  # type: ignore[attr-defined]
                    ast.Attribute(ast.Name(source, ast.Load()), "copy", ast.Load()), [], [])
        targets = ", ".join(f"`{node.targets[0].id}`" for node in same)  # type: ignore[attr-defined]
        yield Edit("alias", f"= {source}", f"= {source}.copy()", f"{targets} are each bound to `{source}` itself, "
                   "not to a copy: an assignment does not copy an array, so every change made through one of them "
                   f"is made to `{source}` and seen through all the others",
                   f"changing every `= {source}` to `= {source}.copy()` ({len(same)} places)"), changed, False


def _python_slips(function: ast.FunctionDef, context: _Context) -> Found:
    """Maths notation or a module that Python reads otherwise, made right everywhere at once: every `^` written
    `**` (as text, so that `3 * x^2 - 1` regroups as the power it was meant to be), every `math.f` made NumPy's."""
    xors = sum(1 for n in ast.walk(function) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.BitXor))
    if xors:
        tokens = [(token.type, "**" if token.type == tokenize.OP and token.string == "^" else token.string)
                  for token in tokenize.generate_tokens(io.StringIO(ast.unparse(function)).readline)]
        changed = ast.parse(tokenize.untokenize(tokens)).body[0]
        yield Edit("xor for power", "^", "**", "`^` is Python's bitwise exclusive or, not a power: a power is "
                   "written `**` (`x ** 2`)", "changing `^` to `**`" + (f" ({xors} places)" if xors > 1 else "")), \
            changed, False
    axes = [n for n in ast.walk(function) if isinstance(n, ast.keyword) and n.arg == "axis"
            and isinstance(n.value, ast.Constant) and type(n.value.value) is int]
    for value in sorted({axis.value.value for axis in axes}):  # type: ignore[attr-defined]
        same = [axis for axis in axes if axis.value.value == value]  # type: ignore[attr-defined]
        for other in (0, 1, -1) if len(same) > 1 else ():
            if other == value:
                continue
            changed = copy.deepcopy(function)
            for keyword in ast.walk(changed):
                if isinstance(keyword, ast.keyword) and keyword.arg == "axis" \
                        and isinstance(keyword.value, ast.Constant) and keyword.value.value == value:
                    keyword.value = ast.Constant(other)
            called = {_call_name(call) for call in ast.walk(function) if isinstance(call, ast.Call)
                      and any(keyword in same for keyword in call.keywords)}
            what = "the index that is summed (or reduced) away" if called <= _REDUCING \
                else "the axis each one works along"
            yield Edit("axis", f"axis={value}", f"axis={other}", f"the operations run along the wrong axis: "
                       f"axis=k is {what}, here {other}, not {value}",
                       f"changing every `axis={value}` to `axis={other}` ({len(same)} places)"), changed, False
    calls = [n for n in ast.walk(function) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
             and n.value.id == "math" and n.attr in _MATH_IN_NUMPY]
    if calls and context.numpy:
        changed = copy.deepcopy(function)
        for attribute in ast.walk(changed):
            if isinstance(attribute, ast.Attribute) and isinstance(attribute.value, ast.Name) \
                    and attribute.value.id == "math" and attribute.attr in _MATH_IN_NUMPY:
                attribute.value.id, attribute.attr = context.numpy, _MATH_IN_NUMPY[attribute.attr]
        first = calls[0].attr
        yield Edit("scalar function", f"math.{first}", f"{context.numpy}.{_MATH_IN_NUMPY[first]}",
                   f"`math.{first}` and the other functions of `math` take one number only and fail on an array; "
                   f"NumPy's (`{context.numpy}.{_MATH_IN_NUMPY[first]}`) work on a number and on every entry of an "
                   "array alike", f"using `{context.numpy}.` for every `math.`"
                   + (f" ({len(calls)} places)" if len(calls) > 1 else "")), changed, False


def _restarts(function: ast.FunctionDef) -> Found:
    """`x = float(x0)` before a loop, then `x = x0 - lr * df(x)` in it: the pass restarts from the parameter
    instead of going on from the local made from it. The parameter read in the loop's assignment to that local
    becomes the local."""
    made: dict[str, str] = {}  # local -> the parameter it is made from (before any loop)
    parameters = set(_parameter_names(function.args))
    for statement in function.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                and isinstance(statement.targets[0], ast.Name):
            sources = {n.id for n in ast.walk(statement.value) if isinstance(n, ast.Name) and n.id in parameters}
            if len(sources) == 1:
                made[statement.targets[0].id] = sources.pop()
        if isinstance(statement, ast.For | ast.While):
            break
    for loop in (n for n in ast.walk(function) if isinstance(n, ast.For | ast.While)):
        for assign in (n for n in ast.walk(loop) if isinstance(n, ast.Assign) and len(n.targets) == 1
                       and isinstance(n.targets[0], ast.Name) and n.targets[0].id in made):
            local, parameter = assign.targets[0].id, made[assign.targets[0].id]  # type: ignore[attr-defined]
            if not any(isinstance(n, ast.Name) and n.id == parameter for n in ast.walk(assign.value)):
                continue
            changed = copy.deepcopy(function)
            twin = next(n for n in ast.walk(changed) if isinstance(n, ast.Assign) and ast.dump(n) == ast.dump(assign))
            for name in ast.walk(twin.value):
                if isinstance(name, ast.Name) and name.id == parameter:
                    name.id = local
            called = _only_in_calls(assign.value, parameter)
            why = (f"`{parameter}` is read again at every pass, so each pass restarts from the start: the pass must go "
                   f"on from the current `{local}`") if not called else (
                f"`{parameter}` is read again at every pass inside {', '.join(f'`{c}(...)`' for c in called)}, so "
                f"every step uses what is taken at the start: it is taken at the current `{local}`")
            yield Edit("restart", _line(assign), _line(twin), why), changed, False
            return


CONVERSIONS = frozenset({"float", "int", "asarray", "array", "copy", "list", "tuple", "float64", "atleast_1d"})


def _only_in_calls(value: ast.expr, name: str) -> list[str]:
    """The calls (by name, in order) in whose arguments every read of `name` in `value` stands, or [] where some
    read stands outside any call (`x0 - lr * df(x)` restarts from x0; `x - lr * df(x0)` takes the slope at x0)."""
    parents = {id(child): node for node in ast.walk(value) for child in ast.iter_child_nodes(node)}
    called: list[str] = []
    for read in (n for n in ast.walk(value) if isinstance(n, ast.Name) and n.id == name):
        node: ast.AST = read
        call = None
        while id(node) in parents:
            above = parents[id(node)]
            if isinstance(above, ast.Call) and node is not above.func \
                    and ast.unparse(above.func).rsplit(".", 1)[-1] not in CONVERSIONS:
                call = above
                break
            node = above
        if call is None:
            return []
        text = ast.unparse(call.func)
        if text not in called:
            called.append(text)
    return called


def _unshadowed(node: ast.AST, field: str, index: int, loop: ast.For, context: _Context) -> Found:
    """`for x in range(n)` where `x` is a parameter: the loop variable renamed, where it stands in an index (a
    counter: `path[x]`) or everywhere it is read in the loop, so the other reads see the data again."""
    name, fresh = loop.target.id, f"{loop.target.id}_step"  # type: ignore[attr-defined]
    if fresh in context.scope:
        return
    indices = {id(n) for sub in ast.walk(loop) if isinstance(sub, ast.Subscript)
               for n in ast.walk(sub.slice) if isinstance(n, ast.Name)}
    for only_indices in (True, False):
        changed = copy.deepcopy(loop)
        originals = [n for n in ast.walk(loop) if isinstance(n, ast.Name)]
        copies = [n for n in ast.walk(changed) if isinstance(n, ast.Name)]
        renamed = 0
        for original, twin in zip(originals, copies, strict=True):
            if twin.id == name and (original is loop.target or not only_indices or id(original) in indices):
                twin.id = fresh
                renamed += original is not loop.target
        if only_indices and not renamed:
            continue
        order = _replacing(getattr(node, field), index, [changed])
        where = "where it counts (as an index)" if only_indices else "in the loop"
        yield Edit("shadowed parameter", _line(loop).split(":")[0], "", f"`for {name} in ...` reuses the name of "
                   f"the parameter `{name}`: from the loop on, `{name}` is the loop's counter, and the data given "
                   f"as `{name}` is lost", f"renaming the loop variable `{name}` to `{fresh}` {where}"), \
            _with_field(node, field, order), False


def _left_out_of_loop(node: ast.AST, field: str, statements: list[ast.stmt], index: int) -> Found:
    """The statement after a loop that uses what each pass makes (its variable, a value it computes) but stands
    outside it, indented one level too little: it runs once, with the last pass's values."""
    loop = statements[index]
    if index + 1 >= len(statements) or not isinstance(loop, ast.For | ast.While):
        return
    after = statements[index + 1]
    if not isinstance(after, ast.Assign | ast.AugAssign | ast.Expr):
        return
    made = {n.id for part in (getattr(loop, "target", None), *loop.body) if part is not None
            for n in ast.walk(part) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    if not made & {n.id for n in ast.walk(after) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}:
        return
    moved = copy.deepcopy(loop)
    moved.body = [*moved.body, copy.deepcopy(after)]
    order = [*map(copy.deepcopy, statements[:index]), moved, *map(copy.deepcopy, statements[index + 2:])]
    yield Edit("outside the loop", _line(after), "", f"`{_line(after)}` stands after the loop `{_header(loop)}`, so "
               "it runs once, with the last pass's values: it belongs inside that loop, at the end of each pass",
               f"indenting `{_line(after)}` into the loop `{_header(loop)}`"), _with_field(node, field, order), False


def _left_out_of_if(node: ast.AST, field: str, statements: list[ast.stmt], index: int) -> Found:
    """The statement right after an `if` (with no `else`) inside a loop that does what the `if`'s body does to a twin
    (`minus[k] -= h` after `if k == i: plus[k] += h`) but stands outside it, indented one level too little: it runs
    on every pass, where the test picks the passes it belongs to."""
    test = statements[index]
    if index + 1 >= len(statements) or not isinstance(test, ast.If) or test.orelse \
            or not isinstance(node, ast.For | ast.While):
        return
    after = statements[index + 1]
    if not isinstance(after, ast.Assign | ast.AugAssign | ast.Expr):
        return
    moved = copy.deepcopy(test)
    moved.body = [*moved.body, copy.deepcopy(after)]
    order = [*map(copy.deepcopy, statements[:index]), moved, *map(copy.deepcopy, statements[index + 2:])]
    header = f"if {ast.unparse(test.test)}:"
    yield Edit("outside the if", _line(after), "", f"`{_line(after)}` stands after `{header}`, so it runs on every "
               "pass, where that test picks the passes it belongs to: it belongs inside that `if`",
               f"indenting `{_line(after)}` into `{header}`"), _with_field(node, field, order), False


def _into_loops(loop: ast.For | ast.While, statement: ast.stmt, depth: int = 3
                ) -> Iterator[tuple[str, ast.For | ast.While]]:
    """(the header of the loop it goes into, a copy of `loop` with `statement` first in that loop's body): `loop`
    itself, then each loop nested in it as a statement of its body, `depth` levels in all (where a value made before
    a loop nest belongs, fresh each pass of an inner loop)."""
    moved = copy.deepcopy(loop)
    moved.body = [copy.deepcopy(statement), *moved.body]
    yield _header(loop), moved
    for position, inner in enumerate(loop.body if depth > 1 else ()):
        if isinstance(inner, ast.For | ast.While):
            for header, changed_inner in _into_loops(inner, statement, depth - 1):
                changed = copy.deepcopy(loop)
                changed.body[position] = changed_inner
                yield header, changed


def _set_again_after_use(loop: ast.For | ast.While, statement: ast.Assign) -> ast.stmt | None:
    """The statement of `loop`'s body that sets again the one name `statement` sets, where the body reads that name
    before it (`out = neuron(w, b, x)` after the gradient that reads `out`): the value read is the pass before's."""
    if len(statement.targets) != 1 or not isinstance(statement.targets[0], ast.Name):
        return None
    name, read = statement.targets[0].id, False

    def reads(tree: ast.AST) -> bool:
        return any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load) for n in ast.walk(tree))

    for inner in loop.body:
        if isinstance(inner, ast.Assign) and any(isinstance(n, ast.Name) and n.id == name
                                                 for target in inner.targets for n in ast.walk(target)):
            # set from its own value (`total = total + v`) it is an accumulator, not a value made afresh
            return inner if read and not reads(inner.value) else None
        read = read or reads(inner)
    return None


def _header(loop: ast.For | ast.While) -> str:
    """A loop's first line, as a hint quotes it: `for i in range(n)`, `while k < n`."""
    if isinstance(loop, ast.While):
        return f"while {ast.unparse(loop.test)}"
    target = loop.target
    names = ", ".join(map(ast.unparse, target.elts)) if isinstance(target, ast.Tuple) else ast.unparse(target)
    return f"for {names} in {ast.unparse(loop.iter)}"


def _inits_kept(node: ast.AST, field: str, index: int, loop: ast.For | ast.While) -> Found:
    """`values = []` (or `total = 0.0`) inside the loop that fills it, used later in the pass: moved before the
    loop, each alone and, where several stand together, all of them at once (`dm = 0.0` and `dc = 0.0`)."""
    body = loop.body
    fresh = [inner for inner, first in enumerate(body) if isinstance(first, ast.Assign) and _fresh_value(first.value)
             and any(isinstance(n, ast.Name) and n.id in _stored(first)
                     for later in body[inner + 1:] for n in ast.walk(later))]
    runs = [[inner] for inner in fresh]
    together = [inner for inner in fresh if inner - 1 in fresh or inner + 1 in fresh]
    if len(together) > 1:
        runs.append(together)
    for run in runs:
        moved = [body[inner] for inner in run]
        changed = copy.deepcopy(loop)
        changed.body = [copy.deepcopy(s) for inner, s in enumerate(body) if inner not in run]
        order = _replacing(getattr(node, field), index, [*map(copy.deepcopy, moved), changed])
        lines = " and ".join(f"`{_line(s)}`" for s in moved)
        yield Edit("not kept", _line(moved[0]), "", f"{lines} {'runs' if len(moved) == 1 else 'run'} at the start "
                   "of every pass, so each pass starts afresh and only the last pass's work is kept: "
                   f"{'it belongs' if len(moved) == 1 else 'they belong'} before the loop",
                   f"moving {lines} before the loop"), _with_field(node, field, order), False


def _overwritten(node: ast.AST, field: str, index: int, loop: ast.For | ast.While) -> Found:
    """`total = term` in the loop, where `total` starts at a zero or an empty value before the loop and the term
    does not read it: each pass replaces what the earlier ones added, so only the last pass's term is kept;
    made `total += term`."""
    statements = getattr(node, field)
    started = {target for earlier in statements[:index] if isinstance(earlier, ast.Assign)
               and _fresh_value(earlier.value) for target in _stored(earlier)}
    for inner, statement in enumerate(loop.body):
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name) and statement.targets[0].id in started
                and statement.targets[0].id not in _read_names(statement.value)):
            continue
        name = statement.targets[0].id
        added = ast.copy_location(ast.AugAssign(ast.Name(name, ast.Store()), ast.Add(),
                                                copy.deepcopy(statement.value)), statement)
        changed = copy.deepcopy(loop)
        changed.body = _replacing(loop.body, inner, [added])
        yield Edit("overwritten", _line(statement), "", f"`{_line(statement)}` replaces `{name}` on every pass, so "
                   f"only the last pass's value is kept: each pass must add to `{name}`",
                   f"changing `{_line(statement)}` to `{_line(added)}`"), \
            _with_field(node, field, _replacing(statements, index, [changed])), False


def _sum_started(node: ast.AST, field: str, index: int, loop: ast.For | ast.While) -> Found:
    """`total = value` before a loop whose passes add to `total` (`total += term`), where the value is not a
    zero or an empty value: the sum starts at what it should not (`g = b_out` for a gradient); made `0.0`."""
    statements = getattr(node, field)
    added = {statement.target.id for statement in loop.body if isinstance(statement, ast.AugAssign)
             and isinstance(statement.op, ast.Add | ast.Sub) and isinstance(statement.target, ast.Name)}
    for earlier in range(index - 1, -1, -1):
        start = statements[earlier]
        if not (isinstance(start, ast.Assign) and len(start.targets) == 1 and isinstance(start.targets[0], ast.Name)
                and start.targets[0].id in added and not _fresh_value(start.value)):
            continue
        name = start.targets[0].id
        added.discard(name)  # the last assignment before the loop is the start
        zero = ast.copy_location(ast.Assign([ast.Name(name, ast.Store())], ast.Constant(0.0)), start)
        yield Edit("sum start", _line(start), "", f"`{_line(start)}` starts the sum at "
                   f"`{ast.unparse(start.value)}`, not at zero: the loop adds every pass's term to it",
                   f"changing `{_line(start)}` to `{_line(zero)}`"), \
            _with_field(node, field, _replacing(statements, earlier, [zero])), False


def _used_before_set(node: ast.AST, field: str, index: int, statements: list[ast.stmt]) -> Found:
    """`c = y_mean - m * x_mean` before `m = ...`, the statement that computes the `m` it reads: moved after it
    (it ran with the value `m` had before, a placeholder or an earlier step's)."""
    statement = statements[index]
    target = statement.targets[0].id  # type: ignore[attr-defined]
    read = _read_names(statement.value)  # type: ignore[attr-defined]
    for later in range(index + 1, len(statements)):
        between = statements[index + 1:later + 1]
        if any(target in _read_names(other) for other in between):
            return  # a later statement uses the value: moving it would change that one too
        setting = statements[later]
        if not isinstance(setting, ast.Assign):
            continue
        stored = {n.id for target in setting.targets for n in ast.walk(target)
                  if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)} & read
        if stored:
            order = [*statements[:index], *statements[index + 1:later + 1], statement, *statements[later + 1:]]
            name = sorted(stored)[0]
            yield Edit("used before set", _line(statement), "", f"`{_line(statement)}` reads `{name}` before "
                       f"`{_line(setting)}` computes it, so it uses the value `{name}` had before",
                       f"moving `{_line(statement)}` after `{_line(setting)}`"), \
                _with_field(node, field, [copy.deepcopy(s) for s in order]), False
            return


def _read_names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _twin_step_missing(node: ast.AST, field: str, index: int, statements: list[ast.stmt]) -> Found:
    """`x[i] = old - h` whose twin `x[i] = old + h` never runs: a statement before it reads `x` unmoved where the
    step to the other side belongs (`f(x)` for f(x + h)). The twin is added before each such reading."""
    statement = statements[index]
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Subscript | ast.Name)
            and isinstance(statement.value, ast.BinOp) and isinstance(statement.value.op, ast.Add | ast.Sub)):
        return
    target = statement.targets[0]
    base = target.value if isinstance(target, ast.Subscript) else target
    if not isinstance(base, ast.Name):
        return
    twin = copy.deepcopy(statement)
    twin.value.op = ast.Sub() if isinstance(statement.value.op, ast.Add) else ast.Add()  # type: ignore[attr-defined]
    if any(_same_tree(other, twin) for other in statements):
        return  # the twin is there
    readings = [other for other in range(len(statements)) if other != index and _reads(statements[other], base.id)]
    after = [other for other in readings if other > index]
    for earlier in [other for other in readings if other < index] + after[1:]:  # the first after is the step's own
        order = [*map(copy.deepcopy, statements[:earlier]), copy.deepcopy(twin),
                 *map(copy.deepcopy, statements[earlier:])]
        yield Edit("twin step missing", _line(statement), "", f"`{_line(statement)}` steps to one side, but its "
                   f"twin `{_line(twin)}` never runs, so `{_line(statements[earlier])}` reads `{base.id}` where the "
                   "step to the other side belongs", f"adding `{_line(twin)}` before `{_line(statements[earlier])}`"), \
            _with_field(node, field, order), False


def _stepped_back_to_start(node: ast.AST, field: str, index: int, statements: list[ast.stmt]) -> Found:
    """`x[i] -= h` after `x[i] += h` and a call reading `x`, then another call reading it: one buffer stepped
    back to where it started, where the step to the other side (`2 * h` back) belongs."""
    statement = statements[index]
    if not (isinstance(statement, ast.AugAssign) and isinstance(statement.op, ast.Add | ast.Sub)):
        return
    base = statement.target.value if isinstance(statement.target, ast.Subscript) else statement.target
    if not isinstance(base, ast.Name):
        return
    opposite = ast.Sub if isinstance(statement.op, ast.Add) else ast.Add
    first = next((earlier for earlier in range(index - 1, -1, -1)
                  if isinstance(statements[earlier], ast.AugAssign) and isinstance(statements[earlier].op, opposite)
                  and _same_tree(statements[earlier].target, statement.target)
                  and _same_tree(statements[earlier].value, statement.value)), None)  # type: ignore[attr-defined]
    if first is None or not any(_reads(statements[between], base.id) for between in range(first + 1, index)) \
            or not any(_reads(later, base.id) for later in statements[index + 1:]):
        return
    changed = copy.deepcopy(statement)
    changed.value = ast.BinOp(ast.Constant(2), ast.Mult(), copy.deepcopy(statement.value))
    yield Edit("step back to the start", _line(statement), _line(changed),
               f"`{_line(statement)}` undoes `{_line(statements[first])}`: `{base.id}` is back where it started, "
               "not on the other side, which is twice the step away"), \
        _with_field(node, field, _replacing(statements, index, [changed])), False


def _copied_after_change(node: ast.AST, field: str, index: int, statements: list[ast.stmt]) -> Found:
    """`minus = plus.copy()` after `plus[i] += h`: a copy made after a change of what it copies, which it then
    carries, where the copy of the value before belongs; moved before the change."""
    statement = statements[index]
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)):
        return
    value = statement.value
    source = None
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "copy" \
            and not value.args and isinstance(value.func.value, ast.Name):
        source = value.func.value.id  # `a.copy()`
    elif isinstance(value, ast.Call) and _call_name(value) in ("array", "copy", "list") and value.args \
            and isinstance(value.args[0], ast.Name):
        source = value.args[0].id  # `np.array(a)`, `np.copy(a)`, `list(a)`
    if source is None:
        return
    for earlier in range(index - 1, -1, -1):
        changing = statements[earlier]
        target = changing.target if isinstance(changing, ast.AugAssign) else \
            changing.targets[0] if isinstance(changing, ast.Assign) and len(changing.targets) == 1 else None
        if isinstance(target, ast.Name) and target.id == source and not isinstance(changing, ast.AugAssign):
            return  # `a` made afresh: the copy is of the new value, as written
        base = target.value if isinstance(target, ast.Subscript) else target
        if isinstance(base, ast.Name) and base.id == source:
            order = [*statements[:earlier], statement, *statements[earlier:index], *statements[index + 1:]]
            yield Edit("copy after change", _line(statement), "", f"`{_line(statement)}` copies `{source}` after "
                       f"`{_line(changing)}` changed it, so the copy carries that change",
                       f"moving `{_line(statement)}` before `{_line(changing)}`"), \
                _with_field(node, field, [copy.deepcopy(s) for s in order]), False
            return


def _is_test(node: ast.expr) -> bool:
    """A comparison, a `not`, an `and`/`or` of them: a truth value, not a number."""
    if isinstance(node, ast.BoolOp):
        return all(_is_test(value) for value in node.values)
    return isinstance(node, ast.Compare) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not))


def _reads(statement: ast.stmt, name: str) -> bool:
    """The statement passes `name` to a call (`f(x)`) and does not bind it."""
    nodes = list(ast.walk(statement))
    return any(isinstance(n, ast.Call) and any(isinstance(a, ast.Name) and a.id == name for a in n.args)
               for n in nodes) and not any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
                                           for n in nodes)


def _test_after_step(node: ast.AST, field: str, index: int, loop: ast.For | ast.While) -> Found:
    """A test that leaves the loop (`if ...: return k`) at the start of a pass, moved after the step that the
    pass makes: it judges the step just taken, not the one before."""
    body = loop.body
    if len(body) < 2 or not isinstance(body[0], ast.If) or body[0].orelse \
            or not any(isinstance(n, ast.Return | ast.Break) for n in ast.walk(body[0])):
        return
    changed = copy.deepcopy(loop)
    changed.body = [*map(copy.deepcopy, body[1:]), copy.deepcopy(body[0])]
    order = _replacing(getattr(node, field), index, [changed])
    test = ast.unparse(body[0].test)
    counted = isinstance(loop, ast.For) and isinstance(loop.target, ast.Name) and any(
        isinstance(n, ast.Return) and isinstance(n.value, ast.Name) and n.value.id == loop.target.id
        for n in ast.walk(body[0]))  # `return k` of `for k in ...`: the pass's number, one pass after the step
    late = " and answers one step late (off by one)" if counted else ", not the point the step reaches"
    yield Edit("test before step", test, "", f"the test `{test}` runs before the step of its pass, so it judges "
               f"the point from before that step{late}: it belongs after the step",
               f"moving the test `{test}` to the end of the loop's body, after the step"), \
        _with_field(node, field, order), False


def _fresh_value(value: ast.expr) -> bool:
    """An empty list, dict or set, a zero, or a new array of zeros: a value a loop is meant to fill or add to; or
    an infinity or None, where a running best starts."""
    if isinstance(value, ast.List | ast.Dict | ast.Set) and not getattr(value, "elts", getattr(value, "keys", [])):
        return True
    if isinstance(value, ast.Constant) and value.value in (0, 0.0) and not isinstance(value.value, bool):
        return True
    if _infinity(value) or (isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub)
                            and _infinity(value.operand)) or (isinstance(value, ast.Constant) and value.value is None):
        return True
    return isinstance(value, ast.Call) and _call_name(value) in ("zeros", "zeros_like", "list", "dict", "empty")


def _infinity(value: ast.expr) -> bool:
    """`float("inf")`, `np.inf`, `math.inf` (and their other spellings)."""
    if isinstance(value, ast.Call) and _call_name(value) == "float" and len(value.args) == 1 \
            and isinstance(value.args[0], ast.Constant) and isinstance(value.args[0].value, str):
        return value.args[0].value.strip().lower() in ("inf", "+inf", "-inf", "infinity", "-infinity")
    return isinstance(value, ast.Attribute) and value.attr in ("inf", "Inf", "infty")


def _stored(statement: ast.Assign) -> set[str]:
    return {n.id for target in statement.targets for n in ast.walk(target) if isinstance(n, ast.Name)}


def _same_tree(first: Any, second: Any) -> bool:
    """Two syntax trees alike (as their dumps would be), compared from the root and given up at the first
    difference: a comparison costs at most the smaller tree, and mostly one node (a dump costs the whole tree)."""
    if type(first) is not type(second):
        return False
    if isinstance(first, ast.AST):
        return all(_same_tree(getattr(first, name, None), getattr(second, name, None)) for name in first._fields)
    if isinstance(first, list):
        return len(first) == len(second) and all(map(_same_tree, first, second))
    return first == second


class _NamedFor(ast.NodeTransformer):
    """Every expression alike `expression` replaced by the name `name`."""

    def __init__(self, expression: ast.expr, name: str):
        self.expression, self.name = expression, name

    def visit(self, node: ast.AST) -> ast.AST:
        if _same_tree(node, self.expression):
            return ast.Name(self.name, ast.Load())
        return self.generic_visit(node)


def _last_pass_for_total(node: ast.AST, field: str, statements: list[ast.stmt], index: int) -> Found:
    """`total += r ** 2` in a loop, then `values.append(r ** 2)` after it: what the last pass added, read where
    the total of every pass belongs. Each later read of the added expression becomes the total's name."""
    loop = statements[index]
    totals = [(n.value, n.target.id) for n in ast.walk(loop) if isinstance(n, ast.AugAssign)
              and isinstance(n.op, ast.Add) and isinstance(n.target, ast.Name)
              and not isinstance(n.value, ast.Constant | ast.Name)]
    later = statements[index + 1:]
    later_nodes = [n for statement in later for n in ast.walk(statement)]
    tried: list[ast.expr] = []
    for added, total in totals:
        if any(_same_tree(added, other) for other in tried):
            continue
        tried.append(added)
        found = [n for n in later_nodes if _same_tree(n, added)]
        if not found:
            continue
        expression = ast.unparse(found[0])

        order = [*map(copy.deepcopy, statements[:index + 1]),
                 *(ast.fix_missing_locations(_NamedFor(added, total).visit(copy.deepcopy(s))) for s in later)]
        yield Edit("last pass for total", expression, total, f"`{expression}` after the loop is only what its last "
                   f"pass added; the loop adds every pass's `{expression}` into `{total}`, which belongs here",
                   f"using `{total}` for `{expression}` after the loop" + (f" ({len(found)} places)"
                                                                         if len(found) > 1 else "")), \
            _with_field(node, field, order), False


def _mirrored_store(statement: ast.stmt) -> ast.Assign | None:
    """`a[j, i] = a[i, j]` for a store `a[i, j] = ...` of two different loop variables (None otherwise)."""
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
            and isinstance(target := statement.targets[0], ast.Subscript) and isinstance(target.slice, ast.Tuple)
            and len(target.slice.elts) == 2 and all(isinstance(e, ast.Name) for e in target.slice.elts)):
        return None
    first, second = target.slice.elts
    if first.id == second.id:  # type: ignore[attr-defined]
        return None
    mirrored = ast.Subscript(copy.deepcopy(target.value), ast.Tuple([copy.deepcopy(second), copy.deepcopy(first)],
                                                                    ast.Load()), ast.Store())
    read = ast.Subscript(copy.deepcopy(target.value), copy.deepcopy(target.slice), ast.Load())
    return ast.Assign([mirrored], read, lineno=statement.lineno)


def _names_changed_by_guard(statement: ast.stmt) -> list[str]:
    """The names an `if` without `else` assigns, where its body only assigns names (a guard that changes values);
    none otherwise."""
    if not (isinstance(statement, ast.If) and not statement.orelse and statement.body):
        return []
    targets = [target for inner in statement.body for target in (
        inner.targets if isinstance(inner, ast.Assign) else [inner.target] if isinstance(inner, ast.AugAssign)
        else [None])]
    if not all(isinstance(target, ast.Name) for target in targets):
        return []
    return list(dict.fromkeys(target.id for target in targets if isinstance(target, ast.Name)))


# Edits that take a piece of the student's code away: where one repairs the code, an edit inside that piece, or
# in code that only feeds it, repairs it too by switching it off (a stopping test made never to fire, a penalty's
# term made to vanish), and says nothing of the slip.
_REMOVALS = frozenset({"early stop", "early return", "conditional change", "conditional update", "extra term",
                       "extra factor", "extra division", "extra power", "extra operation"})


def _normalised(text: str) -> str:
    try:
        return ast.unparse(ast.parse(text.strip()))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return " ".join(text.split())


def preferred(found: Sequence[Candidate], module_source: str, function: str) -> list[Candidate]:
    """The repairs found, a removal first where another repair lies inside the piece it removes or in code that
    only feeds that piece (then that one is dropped: it switches the same code off)."""
    if len(found) < 2:
        return list(found)
    node = _function_node(module_source, function)
    for removal in found:
        if removal.edit.kind not in _REMOVALS:
            continue
        removed = _normalised(removal.edit.before)
        fed = _feeding(node, removal.edit.before) if node is not None else []
        inside = [candidate for candidate in found if candidate is not removal and (
            _normalised(candidate.edit.before) in removed
            or any(_normalised(candidate.edit.before) in text for text in fed))]
        if inside:
            rest = [candidate for candidate in found if candidate is not removal and candidate not in inside]
            return [removal, *rest]
    return list(found)


def _feeding(function: ast.FunctionDef, removed_line: str) -> list[str]:
    """The statements (as text) of `function` that, once the statement quoted as `removed_line` is removed, feed
    nothing: each assigns only names read nowhere else but in that statement and in others like it."""
    removed = [statement for statement in ast.walk(function) if isinstance(statement, ast.stmt)
               and _line(statement) == removed_line]
    if not removed:
        return []
    dead: list[ast.stmt] = []
    in_dead = {id(n) for n in ast.walk(removed[0])}  # every node of the removed statement and of the dead ones
    assigns = [statement for statement in ast.walk(function) if isinstance(statement, ast.Assign)
               and all(isinstance(target, ast.Name) for target in statement.targets)]
    reads = [name for name in ast.walk(function) if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Load)]
    grown = True
    while grown:
        grown = False
        for statement in assigns:
            if id(statement) in in_dead:
                continue
            names = {target.id for target in statement.targets if isinstance(target, ast.Name)}
            used = [read for read in reads if read.id in names]
            if used and all(id(read) in in_dead for read in used):
                dead.append(statement)
                in_dead.update(id(n) for n in ast.walk(statement))
                grown = True
    return [_normalised(ast.unparse(statement)) for statement in dead]


def _line(statement: ast.stmt) -> str:
    """A statement on one line, as a hint quotes it."""
    return " ".join(part.strip() for part in ast.unparse(statement).splitlines())


def _with_field(node: ast.AST, field: str, statements: list[ast.stmt]) -> ast.AST:
    changed = copy.copy(node)
    setattr(changed, field, statements)
    return changed


def _swap_strings(function: ast.AST, a: str, b: str) -> ast.AST:
    changed = copy.deepcopy(function)
    for n in ast.walk(changed):
        if isinstance(n, ast.Constant) and n.value in (a, b) and isinstance(n.value, str):
            n.value = b if n.value == a else a
    return changed


# ----- applying an edit --------------------------------------------------------------------------------------


def _replaced(root: Any, indices: Sequence[int], replacement: Replacement) -> Any:
    """A copy of `root` with its nodes at `indices` (positions in `ast.walk` order) replaced by copies of
    `replacement` (position 0: the copy of the root is the replacement itself)."""
    if list(indices) == [0]:
        return copy.deepcopy(replacement)
    changed = copy.deepcopy(root)
    targets = {id(node) for index, node in enumerate(ast.walk(changed)) if index in set(indices)}
    for parent in ast.walk(changed):
        for field, value in ast.iter_fields(parent):
            if isinstance(value, ast.AST) and id(value) in targets:
                setattr(parent, field, copy.deepcopy(replacement))
            elif isinstance(value, list):
                for place, item in enumerate(value):
                    if isinstance(item, ast.AST) and id(item) in targets:
                        value[place] = copy.deepcopy(replacement)
    return changed


# ----- choosing ----------------------------------------------------------------------------------------------


def find_repair(found: Iterable[Sequence[Candidate]], checks: Sequence[Any],
                passes: Callable[[Sequence[Candidate], Sequence[Any]], list[list[bool]]]) -> list[Candidate]:
    """The candidates that pass every one of `checks` (the first of which the student's function failed), in
    order of preference, from the first slice of `found` that has any; empty if none does.
    `passes(candidates, checks)` runs them and says which check each passes. Slices come likelier edits first:
    each is tried on the first check, and the few of it that pass on all the others."""
    for some in found:
        first = passes(some, checks[:1])
        finalists = [candidate for candidate, verdicts in zip(some, first, strict=True) if all(verdicts)]
        finalists = finalists[:MAX_FINALISTS]
        if finalists and len(checks) == 1:
            return finalists
        if finalists:
            rest = passes(finalists, checks[1:])
            chosen = [c for c, verdicts in zip(finalists, rest, strict=True) if all(verdicts)]
            if chosen:
                return chosen
    return []


MAX_PARTIAL = 6  # single edits that pass some of the failed checks, each tried with a second edit


def find_two_edit_repair(module_source: str, function: str, first: Sequence[Candidate], checks: Sequence[Any],
                         failed: int, passes: Callable[[Sequence[Candidate], Sequence[Any]], list[list[bool]]],
                         module_functions: frozenset[str] = frozenset(),
                         kind: Callable[[Any], Hashable] = id) -> list[Candidate]:
    """Two slips: where no single edit passes every check, the edits of `first` (the single-edit search's first
    slice, the likeliest) that pass some of the `failed` checks (the first of `checks`), of two kinds or more
    (`kind`), and every check that passed, each followed by a second edit of the code it made, searched as
    `find_repair` searches. Found: the one function two edits make right, as a candidate whose edit names both.
    Empty where no pair passes, or where pairs that give different functions do (the code does not say which two
    places are wrong). One kind of input alone is no evidence of a separate slip: its inputs can be where a wrong
    edit happens to give the right value (x = 2, where x² = 2x; y = 1, where a factor y does not show)."""
    if not first or failed < 2:
        return []
    fixed = passes(first, checks[:failed])
    partial = [(candidate, verdicts) for candidate, verdicts in zip(first, fixed, strict=True)
               if 0 < sum(verdicts) < failed
               and len({kind(check) for check, passed in zip(checks[:failed], verdicts, strict=True) if passed}) > 1]
    if not partial:
        return []
    kept = passes([candidate for candidate, _ in partial], checks[failed:]) if len(checks) > failed \
        else [[] for _ in partial]
    partial = sorted([(candidate, verdicts) for (candidate, verdicts), rest in zip(partial, kept, strict=True)
                      if all(rest)], key=lambda item: -sum(item[1]))[:MAX_PARTIAL]
    found: dict[tuple, Candidate] = {}
    for candidate, verdicts in partial:
        changed = _applied(module_source, function, candidate)
        if changed is None:
            continue
        still = [check for check, passed in zip(checks[:failed], verdicts, strict=True) if not passed]
        rest = [check for check, passed in zip(checks[:failed], verdicts, strict=True) if passed]
        second = next(candidate_slices(changed, function, module_functions, size=SLICE), [])
        for other in find_repair([second], [*still, *rest, *checks[failed:]], passes):
            meaning = _meaning(other.source)
            if meaning not in found:
                found[meaning] = Candidate(_both(candidate.edit, other.edit), other.name, other.source)
    return list(found.values()) if len(found) == 1 else []


def _applied(module_source: str, function: str, candidate: Candidate) -> str | None:
    """The module with `function` replaced by the candidate's changed definition, under its own name."""
    node = _function_node(module_source, function)
    if node is None:
        return None
    text = _Text(module_source, node)
    try:
        changed = text.renamed(candidate.source, function).encode("utf-8", "surrogatepass")
    except ValueError:
        return None
    return (text.data[:text.start] + changed + text.data[text.end:]).decode("utf-8", "surrogatepass")


def _both(first: Edit, second: Edit) -> Edit:
    """Two edits as one: both kinds, both reasons, both changes (each where it lies)."""
    return Edit(f"{first.kind}{PAIR_JOIN}{second.kind}", first.before, first.after,
                f"two slips: {first.why}; and {second.why[:1].lower() + second.why[1:]}",
                f"{first.change}{BOTH_JOIN}{second.change}", None)


def elsewhere_of_both(first: Candidate, second: Candidate, others: Sequence[Candidate]) -> Candidate | None:
    """A repair at a third place, apart from both `first` and `second` (where three places pass, two shown could
    both be places the student's code is right: a pair unpacked in the wrong order, compensated where it is used)."""
    for other in others:
        if other is first or other is second:
            continue
        if elsewhere(first, [other]) is other and elsewhere(second, [other]) is other:
            return other
    return None


def elsewhere(chosen: Candidate, others: Sequence[Candidate]) -> Candidate | None:
    """Another repair that changes a different part of the code (neither quoted text inside the other's):
    then the code does not say which part is wrong, and the feedback must not claim one."""
    for other in others:
        a, b = chosen.edit.before, other.edit.before
        if a and b and a not in b and b not in a and not _one_alias(chosen.edit, other.edit):
            return other
    return None


_ALIAS_KINDS = frozenset({"alias", "in place on an alias"})


def _one_alias(first: Edit, second: Edit) -> bool:
    """`cur = path[0]` made a copy and `cur -= step` made `cur = cur - step`: two places of one slip, a second name
    for an array changed in place through it."""
    def name(edit: Edit) -> str:
        return re.match(r"\s*(\w*)", edit.before).group(1)  # type: ignore[union-attr]

    return first.kind in _ALIAS_KINDS and second.kind in _ALIAS_KINDS and first.kind != second.kind \
        and bool(name(first)) and name(first) == name(second)


def ambiguous_hint(function: str, first: Edit, second: Edit, scope: str, returns: Sequence[str] = (),
                   third: Edit | None = None) -> str:
    """Two edits (or three) at different places each make every check pass: each shown, with what it changes, and
    no claim of which is the slip."""
    def change(edit: Edit) -> str:
        return f"{edit.change}{edit.where(returns)} ({_SAYS.get(edit.kind, edit.kind)})"

    if third is not None:
        return (f"More than one small change makes {scope} pass, so look at these three places: in {function}, "
                f"{change(first)}, {change(second)}, or {change(third)}. Find out which part is wrong, and why")
    return (f"More than one small change makes {scope} pass, so look at both places: in {function}, "
            f"{change(first)}, or {change(second)}. Find out which part is wrong, and why")


# What an edit changes, in a few words (shown where two edits at different places both repair the code).
_SAYS = {"sign": "a sign flipped", "missing minus": "a minus added", "swapped operands": "the two sides swapped",
         "precedence": "parentheses moved", "operator": "another operator", "off by one": "one more or fewer",
         "other end": "the entry at the other end",
         "constant": "another number", "constant for a variable": "a variable for a number",
         "wrong variable": "another variable", "extra factor": "a factor dropped", "extra term": "a term dropped",
         "extra division": "a division dropped", "extra operation": "a call removed", "power": "another power",
         "missing sum": "a sum added", "swapped arguments": "two arguments swapped",
         "in place on an alias": "a new value made, not the input changed in place",
         "copy after change": "the copy made before the change", "step back to the start": "a step twice as long",
         "return in loop": "the return moved after the loop", "ddof": "another divisor n − ddof",
         "one triangle": "the mirrored entry stored too", "mean for sum": "a sum for a mean",
         "sum for mean": "a mean for a sum", "wrong function": "another function called",
         "index for its value": "the value for its index", "order of statements": "two statements swapped",
         "swapped indices": "two indices swapped", "missing power": "a square added",
         "xor for power": "`**` for `^`", "scalar function": "NumPy's function for math's",
         "not converted": "an argument converted to an array", "shadowed parameter": "the loop variable renamed",
         "not kept": "an initialisation moved before the loop", "mirrored point": "the mirrored point",
         "count": "the number of points for 1", "test before step": "the test moved after the step",
         "new axis": "a new axis added", "overwritten": "`+=` for `=`", "sum start": "a sum started at 0",
         "call for its argument": "the call removed", "missing absolute value": "an absolute value taken",
         "used before set": "a statement moved after the one it reads", "missing division": "divided by the count",
         "before the function": "the value after the function", "size for square": "the square for the size",
         "set for moved": "the entry moved, not set", "late binding": "the value bound when the lambda is made",
         "function not applied": "the function applied", "fixed size": "the size taken from the input",
         "written out": "one entry per entry of the input"}


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")  # lines as the tokenizer counts them (as `ast` does)


def function_source(module_source: str, function: str) -> str | None:
    """The text of the module's top-level `function` (None where it cannot be read): what
    `ast.get_source_segment` gives, cut from lines split once by a regular expression (it splits the module
    in a Python loop on each call, milliseconds for a whole module)."""
    node = _function_node(module_source, function)
    if node is None:
        return None
    lines = _LINE.findall(module_source)
    first, last = node.lineno - 1, node.end_lineno - 1  # type: ignore[operator]
    start, end = node.col_offset, node.end_col_offset
    if first == last:
        return lines[first].encode()[start:end].decode()
    return "".join([lines[first].encode()[start:].decode(), *lines[first + 1 : last],
                    lines[last].encode()[:end].decode()])


def function_line(module_source: str, function: str) -> int | None:
    """The line of the file where the module's top-level `function` starts (None where it cannot be read)."""
    node = _function_node(module_source, function)
    return None if node is None else node.lineno


# Where `_located` ends an action: the end of the text, or of the first edit's part where two are told (`_both`).
_SAID_LINE = re.compile(r" on line (\d+)((?: \(the \w+ of the \d+ there\))?)(?=$|" + re.escape(BOTH_JOIN) + ")")


def moved(found: Sequence[Candidate], lines: int) -> list[Candidate]:
    """A function's repairs, for the same function `lines` further down in another file: the line an edit
    names (`_located`) moves with it."""
    if not lines:
        return list(found)
    return [replace(candidate, edit=replace(candidate.edit, action=_SAID_LINE.sub(
        lambda said: f" on line {int(said.group(1)) + lines}{said.group(2)}", candidate.edit.action)))
        for candidate in found]


def calls_among(module_source: str, function: str, names: set[str]) -> bool:
    """Does `function` call one of `names` (the student's other functions that fail: their error is carried
    forward, and a repair of the caller would compensate for it)?"""
    if not names:
        return False
    tree = _parsed(module_source)
    if tree is None:
        return True
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == function:
            return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))
    return True


def in_place(module_source: str, function: str, candidate: Candidate) -> str | None:
    """The student's module with the candidate's edit made where the function stands, as the student would make
    it: under its decorators, its defaults bound where it is defined, every later statement run after it. A
    candidate is tried as a bare `def` after the module (`with_candidates`); told as the fix, it must pass this
    way too (a wrapper that drops the value, a default rebound later, made a right function fail)."""
    node = _function_node(module_source, function)
    if node is None:
        return None
    text = _Text(module_source, node)
    edited = text.renamed(candidate.source, function).encode("utf-8", "surrogatepass")
    return (text.data[:text.start] + edited + text.data[text.end:]).decode("utf-8", "surrogatepass")


def with_candidates(module_source: str, found: Sequence[Candidate]) -> str:
    """The student's module with the candidates defined after everything of theirs (their lines keep their
    numbers; a candidate calls the student's other functions as theirs does)."""
    return module_source.rstrip("\n") + "\n\n\n" + "\n\n\n".join(candidate.source for candidate in found) + "\n"
