"""What in a submission is worth a look by hand beside a derivative to be worked out by hand: read by the parent.

The guard of `by_hand.py` runs in the child beside the student's code, so whatever it keeps there (the original of
each function it guards, the guard itself in the module's globals) is reachable by code that reaches into the
interpreter: a function's `__globals__` or `__code__`, a frame's locals, `gc.get_objects()`, a name looked up from a
string (`getattr`, a format field, `logging.config`'s `resolve`, `unittest.mock.patch`), text run as code (`eval`,
`timeit`, `doctest`); and a student can take a complex step through a formula of their own. Python offers too many
such doors for a reading of names to be a wall, and honest code uses some of the same names
(`getattr(np, "trapezoid", None)`, `inspect.signature`): so nothing here changes a score. The trusted parent reads
every module of a submission that has a derivative to be worked out by hand (its syntax tree, never run) and notes
the first such door for the instructor (`SubmissionResult.review`, the batch's summary): a line worth reading.

Noted, wherever written: a name, an attribute or a string spelt like a special name (`__globals__`, `__dict__`,
the guard's own global; not `__name__`, `__init__`, `__add__` and the like in `HARMLESS_SPECIAL`, nor a function's
own `__dict__`); `getattr`, `vars`, `globals`, `eval`, `exec`, `compile`; a frame's, a traceback's or a generator's
attributes, `sys.modules`, `settrace`; an import of a module for reflection or for running text (`gc`, `inspect`,
`types`, `importlib`, `ctypes`, `pickle`, `timeit`, `doctest`, `unittest`, `logging.config`, a private module, the
grader's package, a profiler, `multiprocessing`), or such a module reached as another's attribute or imported from
it (`dataclasses.builtins`, `from dataclasses import inspect`); text run as code under other names (a forward
reference's evaluation, a single dispatch's string annotations); memory reached through an array's strides or an
object's address (`as_strided`, `id`); a special method a class defines that the interpreter runs on its own
(`__instancecheck__`, `__match_args__`), beyond its arithmetic and protocols; a complex number (an imaginary literal,
`complex`, `.imag`, `cmath`, `np.emath`).

Noted as well (`difference_in_sources`): inside a derivative to be worked out by hand, two values of one function of
the submission's taken at different arguments and subtracted, the shape of a difference quotient through a function
the guard leaves open (the module's `neuron` or `sigmoid`, a helper, another module's function): written in the
subtraction or bound to a local name first (by assignment, unpacking, augmented assignment or `:=`), the subtraction
spelt `a - b`, `np.subtract(a, b)`, `operator.sub(a, b)`, `a.__sub__(b)`, or as a sum of terms of opposite signs
(`a + -b`, `a + b * -1`, `a + b / -2`, `np.add(a, np.negative(b))`, `a.__add__(-b)`), or a loop over a few points
written out (or a range) adding up values taken at arguments that change with it.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass

MAX_SOURCE = 24 * 1024  # characters of one module read (the kit's are 5-7,000; parsing costs about 5 ms a KiB)

# Special names that reach nothing beyond a string, the object's own type or its own arithmetic.
HARMLESS_SPECIAL = frozenset({
    "__name__", "__qualname__", "__doc__", "__file__", "__version__", "__all__", "__slots__",
    "__future__", "__main__", "__class__", "__init__", "__post_init__", "__new__", "__repr__", "__str__",
    "__format__", "__len__", "__iter__", "__next__", "__contains__", "__getitem__", "__setitem__", "__delitem__",
    "__call__", "__enter__", "__exit__", "__hash__", "__bool__", "__float__", "__int__", "__index__", "__round__",
    "__array__", "__array_priority__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__neg__",
    "__pos__", "__abs__", "__copy__", "__deepcopy__",
    *(f"__{prefix}{operation}__" for prefix in ("", "r", "i")
      for operation in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "divmod")),
})
SPECIAL_IN_TEXT = re.compile(r"__[A-Za-z0-9_]+?__")
# Special methods a class of the student's defines for its own arithmetic and protocols, not noted there; any other
# (`__instancecheck__`, `__match_args__` as a property, `__getattr__`, `__set_name__`: the interpreter runs them on
# its own, a `match` statement's class pattern read `f_wave.__code__` through them, red team round 44, 04) is.
CLASS_OWN_SPECIAL = HARMLESS_SPECIAL | frozenset({
    f"__{prefix}{operation}__" for prefix in ("", "r", "i")
    for operation in ("and", "or", "xor", "lshift", "rshift")} | {
    "__invert__", "__trunc__", "__floor__", "__ceil__", "__reversed__", "__missing__", "__length_hint__",
    "__array_ufunc__", "__array_function__", "__sizeof__", "__bytes__", "__complex__"})
# Builtins that reach an attribute or a namespace by a name made at run time, or run text as code.
NOTED_BUILTINS = frozenset({"getattr", "setattr", "delattr", "vars", "globals", "locals", "eval", "exec", "compile",
                             "breakpoint",
                             # an object's address, what memory read through NumPy's strides starts from (round 44)
                             "id"})
# Attributes that lead to a frame, a traceback's frame, `sys.modules`, code objects, or fetch attributes by name.
NOTED_ATTRIBUTES = NOTED_BUILTINS | frozenset({
    "f_back", "f_globals", "f_locals", "f_builtins", "f_code", "f_trace", "tb_frame", "tb_next", "gi_frame",
    "gi_code", "gi_yieldfrom", "cr_frame", "cr_code", "cr_await", "cr_origin", "ag_frame", "ag_code", "ag_await",
    "_getframe", "_current_frames", "_current_exceptions", "modules", "meta_path", "path_hooks",
    "path_importer_cache", "get_objects", "get_referrers", "get_referents", "CodeType", "FunctionType",
    "LambdaType", "FrameType", "attrgetter", "methodcaller", "getattr_static", "get_field", "runstring", "_private",
    "f2py", "distutils", "settrace", "setprofile",
    # a function's attributes copied by names made at run time (`__code__` among them: red team round 38, 03)
    "update_wrapper", "wraps",
    # text run as code under another name: `typing.get_type_hints` evaluates string annotations (red team round 33),
    # and so does a forward reference's evaluation (`typing.ForwardRef(text)._evaluate(...)`: round 42, 02)
    "get_type_hints", "get_annotations", "ForwardRef", "_evaluate", "_eval_type", "evaluate_forward_ref",
    # and a single dispatch's registration, which reads a function's string annotations (round 44, 03)
    "singledispatch", "singledispatchmethod",
    # memory read and written through an array's strides, from an object's address (round 44, 05), and pickled data
    # loaded under another module's name (`multiprocessing.reduction.ForkingPickler.loads`: round 44, 02)
    "as_strided", "byte_bounds", "stride_tricks", "ForkingPickler", "reduction",
    # a word of memory at an address (round 47, 04), a module read or a file run by name (round 47, 05)
    "ctypeslib", "from_address", "from_buffer", "read_module", "read_file",
})
COMPLEX = frozenset({"complex", "imag", "emath", "complex64", "complex128", "complexfloating"})
# Modules made for reflection or for running code from text and data.
NOTED_MODULES = frozenset({
    "gc", "inspect", "types", "importlib", "imp", "zipimport", "ctypes", "builtins", "traceback", "pickle",
    "marshal", "copyreg", "shelve", "dill", "cloudpickle", "dis", "code", "codeop", "runpy", "pkgutil", "pydoc",
    "pdb", "bdb", "site", "grader", "calcgrade_kit", "timeit", "doctest", "unittest", "cmath", "string",
    # a profiler or a tracer lists the code objects that ran (red team round 43; refused in the child as well)
    "cProfile", "profile", "pstats", "trace",
    # processes (refused in the child) and their picklers (red team round 44, 02)
    "multiprocessing", "concurrent",
    # a module's namespace read by name, a file run as code (red team round 47, 05)
    "optparse",
})


def review_note(reach: Reach) -> str:
    """The instructor's line: where, what, and why it is worth a look (the score stands)."""
    return (f"{reach.describe()}: a derivative to be worked out by hand shares its module's process with this, "
            "through which code can get around the check that nothing else works the derivative out (the score "
            "stands; worth a look by hand)")


@dataclass(frozen=True)
class Reach:
    """Where a module reaches into the interpreter: its file, line, and what is written there."""
    file: str
    line: int
    what: str

    def describe(self) -> str:
        return f"`{self.file}`, line {self.line}: {self.what}"


def reach_in_sources(sources: Mapping[str, str]) -> Reach | None:
    """The first door into the interpreter, or complex number, in any module of a submission (module name ->
    source), or None."""
    for name in sorted(sources):
        if (found := reach_in_module(f"{name}.py", sources[name], frozenset(sources))) is not None:
            return found
    return None


TOO_DEEP = ast.Module(body=[], type_ignores=[])  # `_parsed`'s answer for code nested too deeply to parse


@functools.lru_cache(maxsize=256)
def _parsed(source: str) -> ast.Module | None:
    """A module's syntax tree, parsed once for every reading here (a parse costs about 1.5 ms for a module of the
    kit's size); None where it is no Python, `TOO_DEEP` where it is nested too deeply to parse. No reading changes
    the tree."""
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    except (RecursionError, MemoryError):
        return TOO_DEEP


@functools.lru_cache(maxsize=256)
def reach_in_module(file: str, source: str, siblings: frozenset[str] = frozenset()) -> Reach | None:
    """The first door into the interpreter, or complex number, in one module's source (`siblings`: the names of
    the submission's modules, which it may import). A module that does not parse never runs in the child (it reaches
    nothing); one too long or too deep to read is noted as such."""
    if len(source) > MAX_SOURCE:
        return Reach(file, 1, f"a module of {len(source):,} characters, longer than the grader reads")
    tree = _parsed(source)
    if tree is None:
        return None
    if tree is TOO_DEEP:
        return Reach(file, 1, "code nested too deeply to read")
    try:
        return _first_reach(file, tree, siblings)
    except RecursionError:
        return Reach(file, 1, "code nested too deeply to read")


def _special(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def _noted_name(name: str) -> str:
    """Why a name (a variable's, an attribute's, one imported from a module) is noted, or ""."""
    if _special(name) and name not in HARMLESS_SPECIAL:
        return f"`{name}`, a special name that reaches into the interpreter"
    if name in NOTED_ATTRIBUTES:
        return f"`{name}`, which reaches an attribute, a namespace or a frame by a name made at run time"
    return ""


# Modules reached as another module's attribute (`dataclasses.builtins`, `dataclasses.inspect`, `dataclasses.types`:
# red team round 42), where no import names them; not the noted modules whose names are common words.
MODULES_AS_ATTRIBUTES = (NOTED_MODULES - {"code", "string", "site", "dis", "grader", "profile", "trace"}) | {"sys"}


def _module_imported_by_name(name: str) -> str:
    """`from dataclasses import inspect`: a noted module imported as another module's attribute (round 44, 01)."""
    return f"`{name}`, a module for reaching into the interpreter, imported from another" \
        if name in MODULES_AS_ATTRIBUTES else ""


def _noted_module(module: str) -> str:
    parts = module.split(".")
    if parts[0] in NOTED_MODULES or (parts[0].startswith("_") and parts[0] != "__future__") \
            or module.startswith("logging.config"):
        return f"an import of `{module}`, a module for reaching into the interpreter"
    for part in parts[1:]:
        if why := _noted_name(part):
            return f"an import of `{module}`: {why}"
    return ""


def _functions_only(tree: ast.AST) -> frozenset[str]:
    """Names bound by a `def` and by nothing else in the module (no assignment, import, parameter, class, loop or
    `with` target): each such name is one of the module's own functions, whose `__dict__` holds only what the
    student stores in it (a memo); any other object's (a module's) holds the namespace the guard lives in."""
    defined: set[str] = set()
    otherwise: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            defined.add(node.name)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            otherwise.add(node.id)
        elif isinstance(node, ast.arg):
            otherwise.add(node.arg)
        elif isinstance(node, ast.alias):
            otherwise.add(node.asname or node.name.split(".")[0])
        elif isinstance(node, ast.ClassDef):
            otherwise.add(node.name)
        elif isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and node.name:
            otherwise.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            otherwise.add(node.rest)
    return frozenset(defined - otherwise)


def _first_reach(file: str, tree: ast.AST, siblings: frozenset[str] = frozenset()) -> Reach | None:
    in_class_body: set[int] = set()  # methods named like special ones (`__add__`) are the class's own arithmetic
    functions = _functions_only(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            in_class_body.update(id(statement) for statement in node.body)
        why = ""
        if isinstance(node, ast.Name):
            why = _noted_name(node.id) if node.id not in NOTED_BUILTINS else \
                f"`{node.id}`, which reaches an attribute or a namespace by a name made at run time, or runs text"
            why = why or (f"`{node.id}`, a complex number" if node.id in COMPLEX else "")
        elif isinstance(node, ast.Attribute):
            memo = node.attr == "__dict__" and isinstance(node.value, ast.Name) and node.value.id in functions
            why = "" if memo else _noted_name(node.attr)
            why = why or (f"`.{node.attr}`, a module for reaching into the interpreter, reached through another"
                          if node.attr in MODULES_AS_ATTRIBUTES else "")
            why = why or (f"`{node.attr}`, a complex number" if node.attr in COMPLEX else "")
        elif isinstance(node, ast.Constant) and isinstance(node.value, complex):
            why = f"the complex number `{node.value!r}`"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
            text = node.value[:MAX_SOURCE]
            text = text.decode("latin-1") if isinstance(text, bytes) else text  # a bytes literal spells names too
            why = next((f"a string naming `{name}`, a special name that reaches into the interpreter"
                        for name in SPECIAL_IN_TEXT.findall(text) if name not in HARMLESS_SPECIAL), "")
        elif isinstance(node, ast.Call):
            why = _noted_call(node)
        elif isinstance(node, ast.keyword) and node.arg == "allow_pickle":
            why = "`allow_pickle`: unpickled data imports modules and reaches attributes by name (red team round 33)"
        elif isinstance(node, ast.Import):
            why = next((w for alias in node.names if (w := _noted_module(alias.name) or _bound_name(alias)
                                                      or _foreign_module(alias.name, siblings))), "")
        elif isinstance(node, ast.ImportFrom):
            why = (_noted_module(node.module or "") or _foreign_module(node.module or "", siblings)) \
                if node.level == 0 else ""
            why = why or next((w for alias in node.names if (w := _noted_name(alias.name) or _bound_name(alias)
                                                               or _module_imported_by_name(alias.name))), "")
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if _special(node.name) and id(node) not in in_class_body and node.name not in HARMLESS_SPECIAL:
                why = f"`{node.name}` defined outside a class, a special name of the module"
            elif _special(node.name) and id(node) in in_class_body and node.name not in CLASS_OWN_SPECIAL:
                why = f"`{node.name}` defined in a class, a special method that the interpreter runs on its own"
        elif isinstance(node, ast.Global | ast.Nonlocal):
            why = next((w for name in node.names if (w := _noted_name(name))), "")
        elif isinstance(node, ast.MatchClass):
            why = next((w for name in node.kwd_attrs if (w := _noted_name(name))), "")
        elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name:
            why = _noted_name(node.name)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            why = _noted_name(node.name)
        if why:
            return Reach(file, getattr(node, "lineno", 1), why)
    return None


def _noted_call(call: ast.Call) -> str:
    """A call that makes a class from names made at run time (`type(name, bases, namespace)`: its special methods
    written nowhere, red team round 47, 03), or loads with pickling allowed by position (`np.load(f, None, True)`:
    round 47, 01)."""
    name = call.func.id if isinstance(call.func, ast.Name) else call.func.attr \
        if isinstance(call.func, ast.Attribute) else ""
    if name == "type" and len(call.args) == 3:
        return "`type(name, bases, namespace)`, a class made from names at run time"
    if name == "load" and len(call.args) >= 3:
        return "`load(...)` with a third argument by position: NumPy's `allow_pickle`, unpickled data"
    return ""


def _foreign_module(module: str, siblings: frozenset[str]) -> str:
    """An import of a module that is neither the standard library's, NumPy's nor the submission's own: a module
    written by the submission at run time (red team round 47, 06), or one of the machine's."""
    top = module.split(".")[0]
    if not top or top in sys.stdlib_module_names or top in siblings or top in ("numpy", "__future__"):
        return ""
    return f"an import of `{module}`, a module that is neither the standard library's, NumPy's nor the submission's"


def _bound_name(alias: ast.alias) -> str:
    return _noted_name(alias.asname) if alias.asname else ""


def difference_note(reach: Reach) -> str:
    """The instructor's line for a difference of one function's values in a derivative to be worked out by hand."""
    return (f"{reach.describe()}: a difference quotient works the derivative out without the calculus, and the "
            "check that nothing else does so holds only the function the answer is the slope of (the score stands; "
            "worth a look by hand)")


def difference_in_sources(sources: Mapping[str, str], by_hand: Mapping[str, frozenset[str]]) -> Reach | None:
    """The first difference of one function's values at two arguments in a derivative to be worked out by hand
    (`by_hand`: module name -> the functions that are such derivatives), or None. The function is one of the
    submission's own (a function of any of its modules, or one defined in the derivative itself), never a library's
    (`np.exp(x) - np.exp(-x)` is a formula): `(neuron(w + h, b, x) - neuron(w - h, b, x)) / (2 * h)` worked the
    chain rule's inner derivative out, `linear_model.sse` differenced in m and c the whole gradient, and a sigmoid
    at z ± h its derivative (red team round 60, 01 and 02). Each value may be bound to a local name first
    (`up = neuron(w + h, b, x)`, `down = ...`, `up - down`), the subtraction spelt `np.subtract`, `operator.sub` or
    `a + -b`, or the values added up over a loop of points (`for s in (1, -1): total += s * neuron(w + s * h, b, x)`)
    (round 61, 03); or two terms of opposite signs added, whatever spells the sum or the sign (`a + b * -1`,
    `np.add(a, -b)`, `a.__sub__(b)`, round 62, 07). A reading of the source, no wall: a list of values indexed, an
    attribute or a container in between gets around it, and it changes no score."""
    own = {name: _defined_functions(source) for name, source in sources.items() if len(source) <= MAX_SOURCE}
    everywhere = frozenset().union(*own.values()) if own else frozenset()
    for module in sorted(by_hand):
        source = sources.get(module)
        if source is None or module not in own:
            continue
        found = _difference_in_module(f"{module}.py", source, by_hand[module], everywhere, frozenset(sources))
        if found is not None:
            return found
    return None


def _defined_functions(source: str) -> frozenset[str]:
    tree = _parsed(source)
    return frozenset(node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)) \
        if tree is not None else frozenset()


@functools.lru_cache(maxsize=256)
def _difference_in_module(file: str, source: str, functions: frozenset[str], submission_functions: frozenset[str],
                          modules: frozenset[str]) -> Reach | None:
    tree = _parsed(source)
    if tree is None:
        return None
    for definition in tree.body:
        if not isinstance(definition, ast.FunctionDef | ast.AsyncFunctionDef) or definition.name not in functions:
            continue
        inner = {node.name for node in ast.walk(definition) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
        inner |= {target.id for node in ast.walk(definition) if isinstance(node, ast.Assign)
                  and isinstance(node.value, ast.Lambda) for target in node.targets if isinstance(target, ast.Name)}
        callable_here = (submission_functions | inner) - {definition.name}
        try:
            values = _Values(definition, callable_here, modules)
            for node in ast.walk(definition):
                for left, right in _subtracted(node, callable_here):
                    if callee := values.differenced(left, right):
                        return Reach(file, node.lineno, f"`{definition.name}` subtracts two values of `{callee}` "
                                                        "taken at different arguments")
                if callee := values.accumulated(node):
                    return Reach(file, node.lineno, f"`{definition.name}` adds up values of `{callee}` taken at "
                                                    "points that change with a loop, a difference spelt as a sum")
        except RecursionError:  # an argument nested too deeply to compare, which would hide a difference
            return Reach(file, definition.lineno, f"`{definition.name}` subtracts values nested too deeply to read "
                                                  "for a difference of one function's values")
    return None


# Arithmetic spelt as a call (red team round 61, 03; round 62, 07): `np.subtract(a, b)`, `operator.sub(a, b)`,
# `np.add(a, b)`, `np.multiply`, `np.divide` (and each imported by name), read as the operator they stand for
ARITHMETIC_CALLS = {"subtract": ast.Sub(), "sub": ast.Sub(), "add": ast.Add(), "multiply": ast.Mult(),
                    "mul": ast.Mult(), "divide": ast.Div(), "true_divide": ast.Div(), "truediv": ast.Div()}
SUBTRACTING_MODULES = frozenset({"np", "numpy", "operator"})
# `a.__sub__(b)` is `a - b`, `b.__rsub__(a)` is `a - b` too (the reflected method, its operands swapped)
ARITHMETIC_METHODS = {f"__{prefix}{name}__": (op, prefix == "r")
                      for name, op in (("add", ast.Add()), ("sub", ast.Sub()), ("mul", ast.Mult()),
                                       ("truediv", ast.Div())) for prefix in ("", "r", "i")}
NEGATING_CALLS = frozenset({"negative", "neg"})  # `np.negative(b)`, `operator.neg(b)`


def _subtracted(node: ast.AST, functions: frozenset[str]) -> list[tuple[ast.expr, ast.expr]]:
    """The two sides of a subtraction, however spelt: two terms of opposite signs added (`a - b`, `a + -b`,
    `-b + a`, `a + b * -1`, `a + -1 * b`, `a + b / -2`, `a + np.negative(b)`) with the sum written as an operator, a
    call (`np.subtract(a, b)`, `operator.sub(a, b)`, `np.add(a, -b)`, `operator.add(a, -b)`), a special method
    called by name (`a.__sub__(b)`, `b.__rsub__(a)`, `a.__add__(-b)`) or an augmented assignment (`a -= b`,
    `a += -b`) (red team round 61, 03; round 62, 07: `a + b * -1`, `np.add(a, -b)` and `a.__sub__(b)` were read
    as sums)."""
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        binary: tuple[ast.operator, ast.expr, ast.expr] | None = \
            (node.op, ast.Name(node.target.id, ast.Load()), node.value)
    else:
        binary = _as_binary(node, functions)
    if binary is None or not isinstance(binary[0], ast.Add | ast.Sub):
        return []
    operator, left, right = binary
    opposite = (_sign(left, functions) == _sign(right, functions)) == isinstance(operator, ast.Sub)
    return [(left, right)] if opposite else []


def _as_binary(node: ast.AST, functions: frozenset[str]) -> tuple[ast.operator, ast.expr, ast.expr] | None:
    """An arithmetic operation of two operands, spelt as an operator, a call or a special method (None if not)."""
    if isinstance(node, ast.BinOp):
        return node.op, node.left, node.right
    if not isinstance(node, ast.Call) or node.keywords:
        return None
    called = node.func
    if len(node.args) == 2 and not any(isinstance(a, ast.Starred) for a in node.args):
        if (isinstance(called, ast.Attribute) and called.attr in ARITHMETIC_CALLS
                and isinstance(called.value, ast.Name) and called.value.id in SUBTRACTING_MODULES):
            return ARITHMETIC_CALLS[called.attr], node.args[0], node.args[1]
        if isinstance(called, ast.Name) and called.id in ARITHMETIC_CALLS and called.id not in functions:
            return ARITHMETIC_CALLS[called.id], node.args[0], node.args[1]
    if len(node.args) == 1 and isinstance(called, ast.Attribute) and called.attr in ARITHMETIC_METHODS \
            and not isinstance(node.args[0], ast.Starred):
        operator, reflected = ARITHMETIC_METHODS[called.attr]
        return (operator, node.args[0], called.value) if reflected else (operator, called.value, node.args[0])
    return None


def _negation_of(node: ast.AST, functions: frozenset[str]) -> ast.expr | None:
    """What `-b`, `np.negative(b)`, `operator.neg(b)` or `b.__neg__()` negates (None if it is none of them)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return node.operand
    if not isinstance(node, ast.Call) or node.keywords:
        return None
    called = node.func
    if len(node.args) == 1 and not isinstance(node.args[0], ast.Starred) and (
            (isinstance(called, ast.Attribute) and called.attr in NEGATING_CALLS
             and isinstance(called.value, ast.Name) and called.value.id in SUBTRACTING_MODULES)
            or (isinstance(called, ast.Name) and called.id in NEGATING_CALLS and called.id not in functions)):
        return node.args[0]
    if not node.args and isinstance(called, ast.Attribute) and called.attr == "__neg__":
        return called.value
    return None


def _sign(expression: ast.expr, functions: frozenset[str]) -> int:
    """-1 where a term is written negated: a negative constant, a negation (`-b`, `np.negative(b)`), or a product or
    quotient with an odd number of such factors (`b * -1`, `-1 * b`, `b * (-0.5)`, `b / -2`); else 1. What the
    values are is not read: `-2 * r` is negative as written, whatever r holds (red team round 62, 07)."""
    if isinstance(expression, ast.Constant) and isinstance(expression.value, int | float) \
            and not isinstance(expression.value, bool):
        return -1 if expression.value < 0 else 1
    if isinstance(expression, ast.UnaryOp) and isinstance(expression.op, ast.UAdd):
        return _sign(expression.operand, functions)
    if (operand := _negation_of(expression, functions)) is not None:
        return -_sign(operand, functions)
    binary = _as_binary(expression, functions)
    if binary is not None and isinstance(binary[0], ast.Mult | ast.Div):
        return _sign(binary[1], functions) * _sign(binary[2], functions)
    return 1


class _Values:
    """The calls of the submission's functions that each side of a subtraction stands for in one derivative by hand:
    those written in it, and those of the local names it reads, followed to what they were bound to (by assignment,
    tuple unpacking, augmented assignment or `:=`, anywhere in the function, once or more), and on to a fixed point
    (red team round 61, 03: `up = neuron(w + h, b, x)`, `down = neuron(w - h, b, x)`, `(up - down) / (2 * h)`)."""

    def __init__(self, definition: ast.AST, functions: frozenset[str], modules: frozenset[str]) -> None:
        self.functions, self.modules = functions, modules
        self.bound: dict[str, list[ast.expr]] = {}
        for node in ast.walk(definition):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    self._bind(target, node.value)
            elif isinstance(node, ast.AnnAssign | ast.NamedExpr) and node.value is not None:
                self._bind(node.target, node.value)
            elif isinstance(node, ast.AugAssign):
                self._bind(node.target, node.value)
        self.direct = {name: self._direct([*values]) for name, values in self.bound.items()}

    def _bind(self, target: ast.expr, value: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self.bound.setdefault(target.id, []).append(value)
        elif isinstance(target, ast.Tuple | ast.List):
            pairs = isinstance(value, ast.Tuple | ast.List) and len(value.elts) == len(target.elts) \
                and not any(isinstance(e, ast.Starred) for e in (*target.elts, *value.elts))
            for index, element in enumerate(target.elts):
                self._bind(element.value if isinstance(element, ast.Starred) else element,
                           value.elts[index] if pairs else value)

    def _name_of(self, call: ast.Call) -> str:
        called = call.func
        return called.id if isinstance(called, ast.Name) and called.id in self.functions else \
            f"{called.value.id}.{called.attr}" if isinstance(called, ast.Attribute) \
            and isinstance(called.value, ast.Name) and called.value.id in self.modules else ""

    def _direct(self, expressions: list[ast.expr]) -> tuple[dict[str, set[str]], set[str], list[ast.Call]]:
        """The calls written in `expressions` (name -> their arguments), the local names read there, the calls."""
        found: dict[str, set[str]] = {}
        names: set[str] = set()
        calls: list[ast.Call] = []
        for expression in expressions:
            for node in ast.walk(expression):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                    names.add(node.id)
                elif isinstance(node, ast.Call) and (name := self._name_of(node)):
                    calls.append(node)
                    found.setdefault(name, set()).add(
                        ast.dump(ast.Tuple([*node.args, *(k.value for k in node.keywords)])))
        return found, names, calls

    def _reached(self, expression: ast.expr) -> tuple[dict[str, set[str]], list[ast.Call]]:
        found, names, calls = self._direct([expression])
        found = {name: set(arguments) for name, arguments in found.items()}
        pending, seen = [*names], set(names)
        while pending:
            name = pending.pop()
            if name not in self.direct:
                continue
            more, further, more_calls = self.direct[name]
            for callee, arguments in more.items():
                found.setdefault(callee, set()).update(arguments)
            calls.extend(more_calls)
            pending.extend(further - seen)
            seen |= further
        return found, calls

    def differenced(self, left: ast.expr, right: ast.expr) -> str:
        """The name of a function of the submission's called on both sides with other arguments ("" if none)."""
        (on_left, _), (on_right, _) = self._reached(left), self._reached(right)
        return next((name for name in sorted(on_left.keys() & on_right.keys()) if on_left[name] != on_right[name]),
                    "")

    def accumulated(self, node: ast.AST) -> str:
        """A loop over a few points written out (`for s in (1, -1)`, `range(...)`) whose values of one function, at
        arguments holding the loop's variable, are added into one name (`total += s * neuron(w + s * h, b, x)`) or
        into a comprehension (`sum(s * neuron(w + s * h, b, x) for s in (1, -1))`): a difference spelt as a sum."""
        if isinstance(node, ast.For | ast.AsyncFor):
            loops = [(node.target, node.iter)]
            added = [statement.value for statement in ast.walk(node) if isinstance(statement, ast.AugAssign)
                     and isinstance(statement.op, ast.Add | ast.Sub) and isinstance(statement.target, ast.Name)]
            added += [statement.value for statement in ast.walk(node) if isinstance(statement, ast.Assign)
                      and isinstance(statement.value, ast.BinOp) and isinstance(statement.value.op, ast.Add | ast.Sub)
                      and any(isinstance(t, ast.Name) and isinstance(side, ast.Name) and side.id == t.id
                              for t in statement.targets for side in (statement.value.left, statement.value.right))]
        elif isinstance(node, ast.GeneratorExp | ast.ListComp | ast.SetComp):
            loops = [(generator.target, generator.iter) for generator in node.generators]
            added = [node.elt]
        else:
            return ""
        variables: set[str] = set()
        literal: set[str] = set()  # the variables of loops over points written out, read anywhere in an argument
        for target, iterable in loops:
            names = {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
            if isinstance(iterable, ast.Tuple | ast.List | ast.Set) and len(iterable.elts) >= 2:
                literal |= names
            elif isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.func.id == "range":
                variables |= names
        if not (variables or literal):
            return ""
        for value in added:
            for call in self._reached(value)[1]:
                if any(self._holds(argument, variables, literal)
                       for argument in (*call.args, *(k.value for k in call.keywords))):
                    return self._name_of(call)
        return ""

    @staticmethod
    def _holds(argument: ast.expr, variables: set[str], literal: set[str]) -> bool:
        """Whether an argument reads a loop's variable: any of a loop over points written out, one over a range in
        arithmetic outside an index (`x[i]` is a sample and `partial_derivative(f, p, i)` an axis; `w + k * h` is a
        point)."""
        if any(isinstance(n, ast.Name) and n.id in literal for n in ast.walk(argument)):
            return True
        indices = {id(n) for s in ast.walk(argument) if isinstance(s, ast.Subscript) for n in ast.walk(s.slice)}
        in_arithmetic = {id(n) for s in ast.walk(argument) if isinstance(s, ast.BinOp) for n in ast.walk(s)}
        return any(isinstance(n, ast.Name) and n.id in variables and id(n) in in_arithmetic - indices
                   for n in ast.walk(argument))
