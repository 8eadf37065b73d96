"""Reading a student's function from its source text AS DATA: the parsed syntax tree, never executed.

The reader turns the body of a function into a SymPy expression (or a tuple of them) when every node is on a small
allow-list: arithmetic, NumPy/math elementary functions, NumPy's polynomials given as short coefficient lists
(`polyval`, `polyder`), the parameters, numeric constants, simple local assignments, calls of other functions of
the same module (read the same way, a few levels deep) and a return. Anything else (a loop, a branch, an attribute
it does not know, a huge constant or power) makes it give up: `Unreadable`. Sums over data (for `sse_gradient`)
become sums of monomials Σxᵖyᵍ, each an independent symbol, so two formulas over the data are equal exactly when
their expressions in those symbols are.
"""

from __future__ import annotations

import ast
import copy
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sympy as sp

MAX_SOURCE_CHARS = 200_000  # a module longer than this is not read at all
MAX_FUNCTION_NODES = 300  # syntax-tree nodes of one function
MAX_STATEMENTS = 25
MAX_EXPRESSION_NODES = 400  # SymPy tree nodes of any intermediate value
MAX_EXPONENT = 12  # |n| of a numeric power
MAX_INTEGER = 10**9  # |k| of an integer literal
MAX_INLINE_DEPTH = 3  # calls of the module's own functions, nested

Value = sp.Expr | tuple  # a tuple of expressions for a function returning a pair


class Unreadable(Exception):
    """The function is outside what the reader understands: nothing is said about it."""


@dataclass(frozen=True)
class DataSymbols:
    """One data point's symbols (x_i, y_i): parameters bound to them are arrays of data."""

    x: sp.Symbol
    y: sp.Symbol


ONE_ARGUMENT = {
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt,
    "tanh": sp.tanh, "sinh": sp.sinh, "cosh": sp.cosh, "arctan": sp.atan, "atan": sp.atan,
    "arcsin": sp.asin, "asin": sp.asin, "arccos": sp.acos, "acos": sp.acos,
    "log10": lambda u: sp.log(u) / sp.log(10), "log2": lambda u: sp.log(u) / sp.log(2),
    "log1p": lambda u: sp.log(1 + u), "expm1": lambda u: sp.exp(u) - 1, "square": lambda u: u**2,
    "abs": sp.Abs, "fabs": sp.Abs, "absolute": sp.Abs, "negative": lambda u: -u,
}
TWO_ARGUMENTS = {
    "power": lambda a, b: _power(a, b), "pow": lambda a, b: _power(a, b), "multiply": lambda a, b: a * b,
    "add": lambda a, b: a + b, "subtract": lambda a, b: a - b, "divide": lambda a, b: a / b,
    "true_divide": lambda a, b: a / b,
}
CONVERSIONS = {"float", "asarray", "array", "float64", "asfarray"}  # the value itself, as floats
MODULE_NAMES = {"np", "numpy", "math"}
MODULE_CONSTANTS = {"pi": sp.pi, "e": sp.E}


@functools.lru_cache(maxsize=4)
def parse_module(source: str) -> dict[str, ast.FunctionDef]:
    """The module's top-level functions by name; `Unreadable` for a source too long or not Python. Parsed once for
    the exercises of one module (the trees are read, never changed)."""
    if len(source) > MAX_SOURCE_CHARS:
        raise Unreadable("source too long")
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        raise Unreadable("not parsable") from error
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def read_function(functions: Mapping[str, ast.FunctionDef], name: str, arguments: Sequence[sp.Expr],
                  data: DataSymbols | None = None) -> Value:
    """The value `name(*arguments)` returns, as SymPy, read from the module's syntax trees."""
    return _Reader(functions, data, 0).call(name, list(arguments))


def read_written_terms(functions: Mapping[str, ast.FunctionDef], name: str, arguments: Sequence[sp.Expr],
                       data: DataSymbols | None = None) -> tuple[sp.Expr, ...]:
    """The summands of the expression `name` returns, each read on its own, as the student wrote them: SymPy
    combines like terms, so `4*x*3 - 6*x` reads as 6x and a term-by-term comparison of the combined formula would
    blame the `-6*x` that is right. One summand where the return is not a sum."""
    return _Reader(functions, data, 0).call(name, list(arguments), written_terms=True)  # type: ignore[return-value]


Place = tuple[int, int, int, int]  # where an expression is written: line, column, end line, end column


def read_parts(functions: Mapping[str, ast.FunctionDef], name: str, arguments: Sequence[sp.Expr],
               data: DataSymbols | None = None) -> tuple[tuple[Place, sp.Expr], ...]:
    """(place, value) of every expression written in `name`'s own body (not in the functions it calls) that may
    feed what it returns, each as SymPy: a part the student worked out on its own (a factor's derivative named
    `dv`) can be told right where the whole is wrong. An assignment to a name never read again is left out, and so
    is what a constant is made of (`0 * dv`); `feeds_answer` tells whether one does."""
    parts: list[tuple[Place, sp.Expr]] = []
    _Reader(functions, data, 0, parts).call(name, list(arguments))
    return tuple(parts)


_PART = "__calcgrade_part__"


def feeds_answer(functions: Mapping[str, ast.FunctionDef], name: str, arguments: Sequence[sp.Expr], place: Place,
                 data: DataSymbols | None = None) -> bool:
    """Does the value written at `place` in `name` reach what it returns? Read again with that expression made an
    unknown of its own: it reaches the answer where the unknown is in it (`0 * dv` or `dv - dv` never does)."""
    changed = copy.deepcopy(functions[name])

    class Opaque(ast.NodeTransformer):
        def visit(self, node: ast.AST) -> ast.AST:
            if isinstance(node, ast.expr) and (node.lineno, node.col_offset, node.end_lineno,
                                               node.end_col_offset) == place:
                return ast.Name(_PART, ast.Load())
            return super().visit(node)

    changed = Opaque().visit(changed)
    unknown = sp.Symbol(_PART)
    try:
        value = _Reader({**functions, name: changed}, data, 0, opaque={_PART: unknown}).call(name, list(arguments))
    except Unreadable:
        return True  # not read the second time: taken as feeding it, as the first reading did
    values = value if isinstance(value, tuple) else (value,)
    return any(isinstance(item, sp.Basic) and item.has(unknown) for item in values)


def read_expression(code: str, environment: Mapping[str, sp.Expr]) -> sp.Expr:
    """One expression of code (`np.exp(-x**2 / 2)`), read in the given names, the same way as a body."""
    try:
        node = ast.parse(code, mode="eval").body
    except SyntaxError as error:
        raise Unreadable("not parsable") from error
    return _Reader({}, None, 1).scalar(node, dict(environment))


def function_text(functions: Mapping[str, ast.FunctionDef], name: str) -> str:
    """The function and every module function it may call, as normalised text: a cache key for what it means."""
    seen: dict[str, None] = {}  # in the order reached
    frontier = [name]
    while frontier:
        current = frontier.pop()
        if current in seen or current not in functions:
            continue
        seen[current] = None
        frontier += [node.func.id for node in ast.walk(functions[current])
                     if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)]
    return "\n".join(ast.dump(functions[current]) for current in seen)


def is_small(expr: sp.Basic, limit: int = MAX_EXPRESSION_NODES) -> bool:
    """At most `limit` nodes in the expression tree (counted lazily: a huge tree is not walked to its end)."""
    for count, _ in enumerate(sp.preorder_traversal(expr), start=1):
        if count > limit:
            return False
    return True


def _power(base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
    if exponent.is_Number:
        if not exponent.is_Rational or abs(exponent) > MAX_EXPONENT:
            raise Unreadable("power too large")
    elif base.is_Number and not exponent.free_symbols:
        raise Unreadable("constant power")
    return base**exponent


def _summands(node: ast.expr, sign: int = 1) -> list[tuple[int, ast.expr]]:
    """The terms of a sum as written, with their signs: `a - (b + c)` gives (1, a), (-1, b), (-1, c)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
        return _summands(node.left, sign) + _summands(node.right, sign if isinstance(node.op, ast.Add) else -sign)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        return _summands(node.operand, -sign if isinstance(node.op, ast.USub) else sign)
    return [(sign, node)]


def _checked(value: sp.Expr) -> sp.Expr:
    if not is_small(value):
        raise Unreadable("expression too large")
    return value


class _Reader:
    def __init__(self, functions: Mapping[str, ast.FunctionDef], data: DataSymbols | None, depth: int,
                 parts: list[tuple[Place, sp.Expr]] | None = None, opaque: Mapping[str, sp.Expr] | None = None):
        self.functions = functions
        self.data = data
        self.depth = depth
        self.parts = parts  # where given, collects the value of every expression of the body read (`read_parts`)
        self.opaque = opaque or {}  # names read as unknowns of their own (`feeds_answer`)
        self.read_names: set[str] = set()  # the names the body reads, where parts are collected

    # ----- functions and statements -----

    def call(self, name: str, arguments: list[sp.Expr], written_terms: bool = False) -> Value:
        node = self.functions.get(name)
        if node is None or self.depth > MAX_INLINE_DEPTH:
            raise Unreadable(f"no readable function {name}")
        if sum(1 for _ in ast.walk(node)) > MAX_FUNCTION_NODES or len(node.body) > MAX_STATEMENTS:
            raise Unreadable("function too large")
        parameters = node.args
        if parameters.vararg or parameters.kwarg or parameters.posonlyargs or parameters.kwonlyargs:
            raise Unreadable("unusual parameters")
        names = [argument.arg for argument in parameters.args]
        if len(arguments) > len(names) or len(names) - len(arguments) > len(parameters.defaults):
            raise Unreadable("arguments do not fit")
        environment: dict[str, Value] = dict(zip(names, arguments, strict=False))
        defaults = parameters.defaults[len(parameters.defaults) - (len(names) - len(arguments)):]
        for name_, default in zip(names[len(arguments):], defaults, strict=True):
            environment[name_] = self.expression(default, {})
        inner = _Reader(self.functions, self.data, self.depth + 1, self.parts if self.depth == 0 else None,
                        self.opaque)
        if inner.parts is not None:
            inner.read_names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        return inner.body(node.body, environment, written_terms)

    def body(self, statements: list[ast.stmt], environment: dict[str, Value], written_terms: bool = False) -> Value:
        for index, statement in enumerate(statements):
            if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) \
                    and isinstance(statement.value.value, str):
                continue  # a docstring
            if isinstance(statement, ast.Pass):
                continue
            if isinstance(statement, ast.Return) and statement.value is not None:
                if index != len(statements) - 1:
                    raise Unreadable("code after return")
                if written_terms:
                    return tuple(sign * self.scalar(term, environment) for sign, term in _summands(statement.value))
                return self.returned(statement.value, environment)
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                parts, target = self.parts, statement.targets[0]
                if not isinstance(target, ast.Name) or target.id not in self.read_names:
                    # worked out and never read, no part of what is returned; unpacked into names (`u, dv = ...,
                    # ...`), each element read is a part (one never read is none)
                    if parts is not None and isinstance(target, ast.Tuple | ast.List) \
                            and isinstance(statement.value, ast.Tuple | ast.List) \
                            and len(target.elts) == len(statement.value.elts):
                        for name, element in zip(target.elts, statement.value.elts, strict=True):
                            if isinstance(name, ast.Name) and name.id in self.read_names:
                                self.expression(element, environment)
                    self.parts = None
                try:
                    self.assign(statement.targets[0], statement.value, environment)
                finally:
                    self.parts = parts
            elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
                self.assign(statement.target, statement.value, environment)
            elif isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
                current = environment.get(statement.target.id)
                if not isinstance(current, sp.Expr):
                    raise Unreadable("augmented assignment to an unknown name")
                environment[statement.target.id] = self.binary(statement.op, current,
                                                               self.scalar(statement.value, environment))
            else:
                raise Unreadable(f"statement {type(statement).__name__}")
        raise Unreadable("no return")

    def assign(self, target: ast.expr, value: ast.expr, environment: dict[str, Value]) -> None:
        if isinstance(target, ast.Name):
            environment[target.id] = self.returned(value, environment)
            return
        if isinstance(target, ast.Tuple | ast.List) and all(isinstance(t, ast.Name) for t in target.elts):
            values = self.returned(value, environment)
            if not isinstance(values, tuple) or len(values) != len(target.elts):
                raise Unreadable("unpacking")
            for name_node, item in zip(target.elts, values, strict=True):
                environment[name_node.id] = item  # type: ignore[union-attr]
            return
        raise Unreadable("assignment target")

    def returned(self, node: ast.expr, environment: dict[str, Value]) -> Value:
        """A value that may be a tuple: `return a, b`, `[a, b]`, `np.array([a, b])`."""
        if isinstance(node, ast.Tuple | ast.List):
            return tuple(self.scalar(item, environment) for item in node.elts)
        if isinstance(node, ast.Call) and self._function_name(node) in CONVERSIONS and node.args \
                and isinstance(node.args[0], ast.Tuple | ast.List):
            self._conversion_keywords(node)
            return self.returned(node.args[0], environment)
        return self.expression(node, environment)

    def scalar(self, node: ast.expr, environment: dict[str, Value]) -> sp.Expr:
        value = self.expression(node, environment)
        if not isinstance(value, sp.Expr):
            raise Unreadable("a tuple where a number is needed")
        return value

    # ----- expressions -----

    def expression(self, node: ast.expr, environment: dict[str, Value]) -> Value:
        before = len(self.parts) if self.parts is not None else 0
        value = self._expression(node, environment)
        if self.parts is not None and isinstance(value, sp.Expr):
            if value == 0:  # `0 * dv`, `dv - dv`: what it was made of does not feed what is returned
                del self.parts[before:]
            elif not value.is_number and not isinstance(node, ast.Name):  # a name's value is a part where it is
                # made, so that `feeds_answer` makes every use of it the unknown at once
                self.parts.append(((node.lineno, node.col_offset, node.end_lineno or node.lineno,
                                    node.end_col_offset or node.col_offset), value))
        return value

    def _expression(self, node: ast.expr, environment: dict[str, Value]) -> Value:
        if isinstance(node, ast.Constant):
            return self.constant(node.value)
        if isinstance(node, ast.Name):
            if node.id in environment:
                return environment[node.id]
            if node.id in self.opaque:
                return self.opaque[node.id]
            raise Unreadable(f"unknown name {node.id}")
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.MatMult):
                return self.summed(self.scalar(node.left, environment) * self.scalar(node.right, environment))
            return self.binary(node.op, self.scalar(node.left, environment), self.scalar(node.right, environment))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            operand = self.scalar(node.operand, environment)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id in MODULE_NAMES and node.attr in MODULE_CONSTANTS:
                return MODULE_CONSTANTS[node.attr]
            if node.attr == "size":  # `x.size`: the number of points of an array of data
                return self.count_of(self.expression(node.value, environment))
            raise Unreadable("attribute")
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "shape" \
                and isinstance(node.slice, ast.Constant) and node.slice.value in (0, -1):
            return self.count_of(self.expression(node.value.value, environment))  # `x.shape[0]` of data
        if isinstance(node, ast.Call):
            return self.call_expression(node, environment)
        if isinstance(node, ast.Tuple | ast.List):
            return tuple(self.scalar(item, environment) for item in node.elts)
        raise Unreadable(f"expression {type(node).__name__}")

    def constant(self, value: object) -> sp.Expr:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Unreadable("constant")
        if isinstance(value, int):
            if abs(value) > MAX_INTEGER:
                raise Unreadable("integer too large")
            return sp.Integer(value)
        if value != value or value in (float("inf"), float("-inf")) or (value and not 1e-12 < abs(value) < 1e12):
            raise Unreadable("float out of range")
        return sp.Rational(repr(value))

    def binary(self, operator: ast.operator, left: sp.Expr, right: sp.Expr) -> sp.Expr:
        if isinstance(operator, ast.Add):
            return _checked(left + right)
        if isinstance(operator, ast.Sub):
            return _checked(left - right)
        if isinstance(operator, ast.Mult):
            return _checked(left * right)
        if isinstance(operator, ast.Div):
            if right == 0:
                raise Unreadable("division by zero")
            return _checked(left / right)
        if isinstance(operator, ast.Pow):
            return _checked(_power(left, right))
        raise Unreadable(f"operator {type(operator).__name__}")

    def _function_name(self, node: ast.Call) -> str:
        function = node.func
        if isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name) \
                and function.value.id in MODULE_NAMES:
            return function.attr
        if isinstance(function, ast.Name) and function.id in ("float", "abs", "sum", "len", "pow"):
            return function.id
        return ""

    def _conversion_keywords(self, node: ast.Call) -> None:
        for keyword in node.keywords:
            if keyword.arg != "dtype" or not (
                    (isinstance(keyword.value, ast.Name) and keyword.value.id == "float")
                    or (isinstance(keyword.value, ast.Attribute) and keyword.value.attr in ("float64", "float_"))):
                raise Unreadable("keyword argument")

    def call_expression(self, node: ast.Call, environment: dict[str, Value]) -> Value:
        function = node.func
        if isinstance(function, ast.Attribute) and not (isinstance(function.value, ast.Name)
                                                        and function.value.id in MODULE_NAMES):
            if function.attr in ("sum", "mean") and not node.args and not node.keywords:  # a method: r.sum()
                inner = self.scalar(function.value, environment)
                return self.summed(inner) if function.attr == "sum" else self.summed(inner) / self.count()
            raise Unreadable("method call")
        name = self._function_name(node)
        if isinstance(function, ast.Name) and not name:
            if node.keywords:
                raise Unreadable("keyword arguments")
            value = self.call(function.id, [self.scalar(a, environment) for a in node.args])
            if not isinstance(value, sp.Expr):
                raise Unreadable("a helper returning a tuple")
            return value
        if not name:
            raise Unreadable("call")
        if name in CONVERSIONS:
            self._conversion_keywords(node)
            if len(node.args) != 1:
                raise Unreadable("conversion arguments")
            return self.scalar(node.args[0], environment)
        if node.keywords:
            raise Unreadable("keyword arguments")
        if name in ("polyval", "polyder"):
            return self.polynomial(name, node.args, environment)
        arguments = [self.scalar(a, environment) for a in node.args]
        if name in ONE_ARGUMENT and len(arguments) == 1:
            return _checked(ONE_ARGUMENT[name](arguments[0]))
        if name in TWO_ARGUMENTS and len(arguments) == 2:
            return _checked(TWO_ARGUMENTS[name](*arguments))
        if name == "sum" and len(arguments) == 1:
            return self.summed(arguments[0])
        if name == "mean" and len(arguments) == 1:
            return self.summed(arguments[0]) / self.count()
        if name == "dot" and len(arguments) == 2:
            return self.summed(arguments[0] * arguments[1])
        if name in ("len", "size") and len(arguments) == 1:
            return self.count_of(arguments[0])
        raise Unreadable(f"function {name}")

    def polynomial(self, name: str, arguments: list[ast.expr], environment: dict[str, Value]) -> Value:
        """NumPy's polynomials as coefficient lists, highest power first: `polyder(p)` the list of the
        derivative's coefficients, `polyval(p, x)` the value Σ pₖ·x^(n−k)."""
        coefficients = self.expression(arguments[0], environment) if arguments else None
        if not isinstance(coefficients, tuple) or not coefficients or len(coefficients) > MAX_EXPONENT + 1 \
                or not all(isinstance(c, sp.Expr) for c in coefficients):
            raise Unreadable(f"{name} without a short list of coefficients")
        degree = len(coefficients) - 1
        if name == "polyder" and len(arguments) == 1:
            return tuple(c * (degree - k) for k, c in enumerate(coefficients[:-1])) or (sp.Integer(0),)
        if name == "polyval" and len(arguments) == 2:
            x = self.scalar(arguments[1], environment)
            return _checked(sum((c * x ** (degree - k) for k, c in enumerate(coefficients)), sp.Integer(0)))
        raise Unreadable(f"{name} arguments")

    # ----- sums over data -----

    def count(self) -> sp.Expr:
        if self.data is None:
            raise Unreadable("len of a number")
        return moment_symbol(0, 0)

    def count_of(self, value: Value) -> sp.Expr:
        """The number of points of `value`, which must be an array of data (`len(x)`, `x.size`, `x.shape[0]`):
        anything else has a length the reader does not know."""
        if self.data is None or not isinstance(value, sp.Expr) or not value.has(self.data.x, self.data.y):
            raise Unreadable("the length of something that is not data")
        return self.count()

    def summed(self, expr: sp.Expr) -> sp.Expr:
        """Σ over the data of a per-point expression, as a sum of coefficient·Σxᵖyᵍ."""
        if self.data is None:
            raise Unreadable("a sum without data")
        return to_moments(expr, self.data)


def moment_symbol(p: int, q: int) -> sp.Symbol:
    """Σᵢ xᵢᵖ·yᵢᵍ over the data (n for p = q = 0)."""
    if p == q == 0:
        return sp.Symbol("n", positive=True, integer=True)
    superscript = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
    name = "Σ" + (f"x{str(p).translate(superscript) if p > 1 else ''}" if p else "") + \
        (f"y{str(q).translate(superscript) if q > 1 else ''}" if q else "")
    return sp.Symbol(name, real=True)


def to_moments(expr: sp.Expr, data: DataSymbols) -> sp.Expr:
    """Σᵢ of a polynomial in (xᵢ, yᵢ) with coefficients free of the data: Σ coefficient·Σxᵖyᵍ."""
    if not expr.has(data.x, data.y):
        return _checked(expr * moment_symbol(0, 0))  # a constant summed over n points
    try:
        polynomial = sp.Poly(sp.expand(expr), data.x, data.y)
    except sp.PolynomialError as error:
        raise Unreadable("not a polynomial in the data") from error
    if polynomial.total_degree() > 4:
        raise Unreadable("degree too high")
    total = sp.Integer(0)
    for (p, q), coefficient in polynomial.terms():
        if coefficient.has(data.x, data.y):
            raise Unreadable("data in a coefficient")
        total += coefficient * moment_symbol(p, q)
    return _checked(total)
