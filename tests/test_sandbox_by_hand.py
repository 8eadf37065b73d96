"""`grader.sandbox.by_hand`: during a by-hand call the submission's functions refuse what is not a real number.

These run the guard in the test's own process on modules built here (it is plain Python); the graded path, through
the child, is in test_hardening.py."""

from __future__ import annotations

import collections
import types
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from grader.sandbox.by_hand import GUARD_NAME, InputOnly, RealNumbersOnly, _not_real, complex_constant, original_code

SOURCE = '''
import numpy as np

def f(x):
    return x**3 - 2 * x

alias = f

def scaled(x, *, by=2.0):
    return by * f(x)

def make_closure():
    k = 3.0
    def inner(x):
        return k * x
    return inner

closed = make_closure()

def countdown(n):
    return 0 if n <= 0 else 1 + countdown(n - 1)

class Dual:
    def __init__(self, a, b):
        self.a, self.b = a, b

    def __mul__(self, other):
        return Dual(self.a * other, self.b * other)

def identity(value):
    return value

def stepped(x):
    return np.imag(f(x + 1e-30j)) / 1e-30
'''


def _module(name: str = "student_module") -> types.ModuleType:
    module = types.ModuleType(name)
    module.__file__ = f"{name}.py"
    exec(compile(SOURCE, module.__file__, "exec"), module.__dict__)  # noqa: S102 - the test's own source
    return module


def test_real_arguments_pass_through_and_every_function_refuses_between_calls():
    """Red team rounds 37 and 38: code of the student's that ran between two calls (a finaliser, a `__del__` of an
    object the child let go, a method the child's reading of an object ran) tabled the differentiated function there.
    Once swapped, a function keeps its stand-in, which refuses to run between calls; the next guard calls the
    original code again."""
    module = _module()
    codes = {name: value.__code__ for name, value in vars(module).items() if isinstance(value, types.FunctionType)}
    for _ in range(2):  # a second call's guard works as the first's
        with RealNumbersOnly([module], ["student_module.py"]):
            assert module.f(2.0) == 4.0
            assert np.array_equal(module.f(np.array([1, 2])), np.array([-1, 4]))
            assert module.scaled(1.0) == -2.0 and module.scaled(1.0, by=3.0) == -3.0  # keyword defaults kept
            assert module.closed(2.0) == 6.0  # a closure's free variables kept
            assert module.countdown(5) == 5  # recursion through the guarded name
        assert {name: original_code(value) for name, value in vars(module).items()
                if isinstance(value, types.FunctionType) and name != GUARD_NAME} == codes
        for name in ("f", "alias", "scaled", "countdown"):
            with pytest.raises(TypeError, match="between two calls"):
                getattr(module, name)(2.0)


@pytest.mark.parametrize(("argument", "words"), [
    (1.0 + 1e-30j, "a complex number"),
    (np.complex128(1.0), "a complex number"),
    (np.array([1.0, 2.0]) + 1e-30j, "a complex array"),
    (np.array([object()]), "an array of dtype object"),
    (np.array([1.0, 2.0]).view(np.ma.MaskedArray), "an object of type `MaskedArray`, which computes"),
    ([1.0, [2.0, 3j]], "a complex number"),
])
def test_what_is_not_a_real_number_is_refused_with_a_reason(argument, words):
    module = _module()
    with RealNumbersOnly([module], ["student_module.py"]), pytest.raises(TypeError) as raised:
        module.f(argument)
    assert f"`f` was called with {words}" in str(raised.value)
    assert "derivative worked out by hand" in str(raised.value)


def test_an_alias_a_closure_and_an_object_of_the_students_class_are_guarded():
    module = _module()
    with RealNumbersOnly([module], ["student_module.py"]):
        with pytest.raises(TypeError, match="complex"):
            module.alias(1j)  # bound at import: the same function object
        with pytest.raises(TypeError, match="complex"):
            module.closed(1j)
        with pytest.raises(TypeError, match="an object of type `Dual`, which computes"):
            module.f(module.Dual(1.0, 1.0))
    with pytest.raises(TypeError, match="between two calls"):
        module.alias(1.0)  # outside a call, nothing runs


def test_a_function_that_writes_a_complex_number_is_refused_when_called():
    module = _module()
    with RealNumbersOnly([module], ["student_module.py"]), pytest.raises(TypeError) as raised:
        module.stepped(2.0)
    assert "`stepped` computes with the complex number 1e-30j" in str(raised.value)
    assert complex_constant(original_code(module.stepped)) == 1e-30j
    assert complex_constant(original_code(module.f)) is None


def test_functions_of_other_files_are_left_alone():
    module = _module()
    module.outside = np.linalg.norm  # a library's Python function bound in the student's module
    with RealNumbersOnly([module], ["another_module.py"]):
        assert module.f(1j) == 1j**3 - 2j
        assert module.outside(np.array([3j, 4.0])) == 5.0


@dataclass
class Layer:
    weight: float


def test_what_cannot_carry_a_derivative_passes():
    """Correct helpers taking a namedtuple, a dataclass, a zip or a dict's values were refused."""
    module = _module()
    point = collections.namedtuple("Point", "w b")
    values = (None, True, 3, 2.5, np.float32(1.5), np.int64(2), "text", range(3), [1, (2.0, {"a": 3})],
              np.array([1, 2]), np.array([True]), np.sin, len, lambda t: t, np, point(1.0, 2.0), Layer(1.0),
              zip([1], [2], strict=True), map(abs, [1]), (v for v in [1]), {"a": 1.0}.values(), np.dtype(float),
              [[[[[[1.0]]]]]])
    with RealNumbersOnly([module], ["student_module.py"]):
        for value in values:
            assert module.identity(value) is value


@pytest.mark.parametrize("value", [Decimal("1.5"), Fraction(3, 2), np.longdouble(1.5), np.ones(2, np.longdouble)])
def test_a_number_more_precise_than_a_float_is_refused(value):
    """Red team round 32, 05: σ at x ± 1e-400 in `Decimal` arithmetic, read as a float, was at the input; NumPy's
    `exp` took the Decimal to 450 digits, and the difference gave σ' exactly (3 of 3 on `dsigmoid`, and σ' inside
    `dloss_dw`). A Decimal, a Fraction or a long double is refused in every guarded function."""
    module = _module()
    with RealNumbersOnly([module], ["student_module.py"]), pytest.raises(TypeError, match="derivative worked out"):
        module.identity(value)


def test_the_differentiated_function_is_evaluated_at_the_input_or_its_negative_only():
    module = _module()
    x = np.array([0.5, 2.0])
    with RealNumbersOnly([module], ["student_module.py"], module, InputOnly("f", (x,))):
        assert np.array_equal(module.f(x), x**3 - 2 * x)
        assert np.array_equal(module.alias(-x[::-1]), (-x[::-1]) ** 3 + 2 * x[::-1])  # σ(−x), in any order
        assert module.f(2) == 4  # one of the points, as an int
        with pytest.raises(ValueError, match="`f` was evaluated at 0.50001, away from the input"):
            module.f(x + 1e-5)
        with pytest.raises(ValueError, match="away from the input"):
            module.scaled(x * 1.5)  # through another function of the module
    with pytest.raises(TypeError, match="between two calls"):
        module.f(3.0)


def test_a_function_of_two_variables_is_evaluated_at_the_inputs_pairs_only():
    """`g(x, y)` on arrays: each coordinate may be negated, and the points taken in any order or one by one, but a
    point takes both coordinates from the same one of the input's (red team round 39's held note: a grid of the
    input's values, g(xᵢ, ±yⱼ), passed a check made argument by argument, and a polynomial fitted through it)."""
    x, y = np.array([0.5, 2.0, -1.5]), np.array([1.25, -0.75, 3.0])
    only = InputOnly("g", (x, y))
    for allowed in [(x, y), (x[1], y[1]), (-x, y), (x[::-1], -y[::-1]), (x[:, None], y[:, None])]:
        only.check(allowed)
    for away, words in [((x[0], y[1]), "not from the same one"), ((x, y[::-1]), "not from the same one"),
                        ((x[:, None], y[None, :]), "not from the same one"),
                        ((x, y[:2]), "shapes do not go together")]:
        with pytest.raises(ValueError, match=words):
            only.check(away)
    InputOnly("g", (x, 2.0)).check((-x[2], 2.0))  # a number beside an array holds for each of its points
    with pytest.raises(ValueError, match="not from the same one"):
        InputOnly("g", (x, y)).check((x, 1.25))


def test_a_differentiated_callable_that_is_no_function_is_checked_by_its_name():
    module = _module()
    module.f = np.vectorize(module.f)  # rebound to a callable object
    with RealNumbersOnly([module], ["student_module.py"], module, InputOnly("f", (1.0,))):
        assert module.f(1.0) == -1.0
        with pytest.raises(ValueError, match="away from the input"):
            module.f(1.1)
    assert isinstance(module.f, np.vectorize)


def test_the_graders_functions_given_to_other_exercises_refuse_to_run_but_those_passed_and_the_differentiated():
    """Red team round 31: a probe's derivative, kept from another exercise's call, gave `df_nonconvex` under a change
    of variable, and the grader's g of a point gave `dg_dx` by a difference. During a by-hand call the grader's given
    functions refuse to run, but for the copy of the function differentiated (at the input only) and any the call
    itself passes."""
    module = _module()
    given = {"probe.cubic'": lambda t: 3 * t**2 - 2, "student_module.f": lambda t: t**3 - 2 * t,
             "probe.bowl": lambda t: (t - 1.5) ** 2 + 1}
    functions = {name: types.FunctionType(f.__code__, {}, name.rsplit(".", 1)[-1]) for name, f in given.items()}
    with RealNumbersOnly([module], ["student_module.py"], module, InputOnly("f", (2.0,)), functions,
                         passed=[functions["probe.bowl"]]):
        with pytest.raises(TypeError, match="a function the grader gives another exercise"):
            functions["probe.cubic'"](1.0)
        assert functions["student_module.f"](2.0) == 4.0  # the differentiated one's copy, at the input
        with pytest.raises(ValueError, match="away from the input"):
            functions["student_module.f"](2.5)
        assert functions["probe.bowl"](1.5) == 1.0  # passed by the call itself
    with pytest.raises(TypeError, match="between two calls"):
        functions["probe.cubic'"](1.0)  # between calls, nothing of the grader's given runs either


def test_the_guards_builtins_and_numpy_are_their_own(monkeypatch):
    """Plain code of the student's can rebind a builtin through another module (`dataclasses.builtins.hasattr`) or a
    function of NumPy's (`np.isin`): the guard looks neither up at run time (red team round 42, 01), so an object
    that computes is still refused and a point away from the input still found."""
    import dataclasses

    class Dual:
        def __mul__(self, other):
            return self

    monkeypatch.setattr(dataclasses.builtins, "hasattr", lambda *_: False)
    monkeypatch.setattr(np, "isin", lambda element, *_, **__: np.ones(np.shape(element), dtype=bool))
    monkeypatch.setattr(np, "broadcast_arrays", "".format)
    assert "which computes" in _not_real(Dual())
    with pytest.raises(ValueError, match="away from the input"):
        InputOnly("f", (np.array([1.0, 2.0]),)).check((np.array([1.5]),))
    with pytest.raises(ValueError, match="not from the same one"):
        InputOnly("g", (np.array([1.0, 2.0]), np.array([3.0, 4.0]))).check((1.0, 4.0))


def test_a_stand_in_hands_its_own_key_to_the_guard_and_keeps_the_free_variables_of_the_original():
    """The stand-ins' code is compiled once per number of free variables and given each function's key as a
    constant (compiling it per function cost about a tenth of a by-hand child's CPU)."""
    from grader.sandbox.by_hand import _stand_in_code

    seen = []
    namespace = {GUARD_NAME: lambda key, args, kwargs: seen.append((key, args, kwargs)) or key}
    for key, free in ((3, 0), (4, 2), (917, 2)):
        code = _stand_in_code(key, free, f"f{key}", f"outer.f{key}")
        closure = tuple(types.CellType(None) for _ in range(free))
        stand_in = types.FunctionType(code, namespace, "stand_in", None, closure)
        assert stand_in(1.5, k=2) == key and seen[-1] == (key, (1.5,), {"k": 2})
        assert len(code.co_freevars) == free and code.co_name == f"f{key}" and code.co_qualname == f"outer.f{key}"


def test_the_guards_signal_calls_look_nothing_up_in_the_signal_module():
    """`signal.pthread_sigmask` and `signal.valid_signals` are Python code that looks `_signal` and `_int_to_enum` up
    in `signal`'s namespace, which a student's module can rebind, at each call: a by-hand child calls the
    interpreter's own functions, bound when the template loads it, with every signal's number computed then."""
    import _signal

    from grader.sandbox import child

    assert child.pthread_sigmask is _signal.pthread_sigmask
    assert child.EVERY_SIGNAL == frozenset(_signal.valid_signals())
