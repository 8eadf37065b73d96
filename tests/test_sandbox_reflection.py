"""`grader.sandbox.reflection`: the parent's reading of a submission for doors into the interpreter, noted for the
instructor (the score stands).

The graded path (the note in the result, the batch's summary and results.json, never the student's text) is in
test_hardening.py."""

from __future__ import annotations

import ast

import pytest

from grader import kit
from grader.sandbox.reflection import MAX_SOURCE, difference_in_sources, reach_in_module, reach_in_sources

REACHES = {
    # red team round 33: string annotations run as code, unpickled data, a special name spelt in bytes
    "annotations evaluated": "import typing\ndef df(x):\n    return typing.get_type_hints(df)\n",
    # red team round 42, 02: a forward reference's evaluation runs text, and a module reached as another's attribute
    "a forward reference evaluated": "import typing\ndef df(t):\n    return typing.ForwardRef(t)\n",
    "a forward reference's evaluation": "def df(ref):\n    return ref._evaluate(None, {}, frozenset())\n",
    "builtins through another module": "import dataclasses\ndataclasses.builtins.hasattr = print\n",
    "types through another module": "import dataclasses\nT = dataclasses.types\n",
    "a profiler": "import cProfile\n",  # red team round 43: it lists the code objects that ran
    # red team round 44: a noted module imported from another, pickled data under multiprocessing's name, a single
    # dispatch reading string annotations, a class's own special methods run by a `match`, memory through strides
    "inspect from dataclasses": "from dataclasses import inspect\n",
    "multiprocessing's pickler": "from multiprocessing.reduction import ForkingPickler\n",
    "a single dispatch": "import functools\n\n@functools.singledispatch\ndef f(x):\n    return x\n",
    "a class's instance check": "class M(type):\n    def __instancecheck__(cls, other):\n        return True\n",
    "a class's match arguments": "class C:\n    @property\n    def __match_args__(self):\n        return ()\n",
    "memory through strides": "import numpy as np\nv = np.lib.stride_tricks.as_strided(np.zeros(1), (1,), (8,))\n",
    "an object's address": "def df(x):\n    return id(x)\n",
    # red team round 47: pickling allowed by position, a dataclass's fields made at run time, a class made by type(),
    # memory at an address, a module read by name, a module written by the submission and imported
    "numpy's load with pickling by position": "import numpy as np\nd = np.load(f, None, True)\n",
    "annotations made at run time": "class C:\n    __annotations__ = {}\n",
    "a class made by type()": "C = type('C', (), {})\n",
    "memory at an address": "import numpy as np\nw = np.ctypeslib.c_intp.from_address(0)\n",
    "a module read by name": "import optparse\n",
    "a module of no known origin": "import kit_reader\n",
    "pickled data through numpy": "def df(x):\n    return np.load(x, allow_pickle=True)\n",
    "a special name in bytes": "def df(x):\n    return b'__self__'\n",
    "a function's globals": "def df(x):\n    return df.__globals__['f'](x)\n",
    "the guard's global by name": "def df(x):\n    return __calcgrade_real_numbers_only__\n",
    "a code object": "def df(x):\n    return f.__code__\n",
    "a module's namespace": "import numpy as np\nnamespace = np.__dict__\n",
    "getattr": "def df(x):\n    return getattr(f, '__glo' + 'bals__')\n",
    "getattr aliased": "g = getattr\n",
    "vars": "def df(x):\n    return vars()['f']\n",
    "globals": "def df(x):\n    return globals()['f']\n",
    "eval": "def df(x):\n    return eval('f')(x)\n",
    "exec": "exec('x = 1')\n",
    "builtins' getattr as an attribute": "import math\nh = math.getattr\n",
    "a frame": "import sys\ndef df(x):\n    return sys._getframe(1)\n",
    "a frame's locals": "def df(frame):\n    return frame.f_locals\n",
    "a traceback's frame": "try:\n    1 / 0\nexcept ZeroDivisionError as e:\n    t = e.__traceback__\n",
    "a traceback's frame by name": "def df(t):\n    return t.tb_frame\n",
    "a generator's frame": "def df(g):\n    return g.gi_frame\n",
    "sys.modules": "import sys\nchild = sys.modules['grader.sandbox.child']\n",
    "gc": "import gc\n",
    "gc from": "from gc import get_objects\n",
    "inspect": "import inspect\n",
    "types": "import types\n",
    "importlib": "import importlib.util\n",
    "ctypes": "import ctypes\n",
    "builtins": "import builtins as b\n",
    "pickle": "import pickle\n",
    "a private module": "import _pickle\n",
    "the grader": "from grader.sandbox import child\n",
    # attributes copied by names made at run time, `__code__` among them (red team round 38, 03)
    "update_wrapper": "import functools\nfunctools.update_wrapper(helper, f_wave, assigned=(name,), updated=())\n",
    "wraps": "from functools import wraps\n",
    "attrgetter": "from operator import attrgetter\n",
    "attrgetter as an attribute": "import operator\nget = operator.attrgetter('x')\n",
    "a format field": "import string\nfield = string.Formatter().get_field\n",
    "numpy's runstring": "import numpy as np\nrun = np.testing.runstring\n",
    "numpy's private testing": "from numpy.testing._private.utils import assert_equal\n",
    "f2py": "import numpy.f2py\n",
    "a class's subclasses": "subclasses = object.__subclasses__()\n",
    "a match on attributes": "def df(f):\n    match f:\n        case object(__globals__=g):\n            return g\n",
    "the guard's global stored": "def df(x):\n    global __calcgrade_real_numbers_only__\n    return x\n",
    "a special function at the top": "def __getattr__(name):\n    return name\n",
    "a special import alias": "import numpy as __builtins__\n",
    "a function's __dict__ rebound": "import numpy as np\ndef f(x):\n    return x\nf = np\nd = f.__dict__\n",
    "a parameter's __dict__": "def df(f):\n    return f.__dict__\n",
    # red team round 22: doors past a list of names, through strings and modules that run or look up text
    "a format field naming a special attribute": "s = '{0.__globals__}'\n",
    "an f-string's text": "def df(x):\n    return f'{x} __code__'\n",
    "timeit": "import timeit\n",
    "doctest": "from doctest import run_docstring_examples\n",
    "unittest.mock": "from unittest import mock\n",
    "logging.config": "import logging.config\n",
    "string's Formatter": "import string\n",
    "a tracer": "import sys\nsys.settrace(None)\n",
    "a match on a special name made by type()": "K = type('K', (), {'__match_args__': ('__globals__',)})\n",
    # a complex step through a formula of the student's own
    "a complex literal": "def df(x):\n    return (x + 1e-30j).imag\n",
    "complex made at run time": "def df(x):\n    return complex(x, 1e-30)\n",
    "the imaginary part": "def df(z):\n    return z.imag\n",
    "cmath": "import cmath\n",
    "numpy's emath": "import numpy as np\nz = np.emath.sqrt(-1)\n",
}

HONEST = {
    "a main guard": "def f(x):\n    return x\n\nif __name__ == '__main__':\n    print(f.__name__, f.__doc__)\n",
    "a future import": "from __future__ import annotations\nimport numpy as np\n",
    "a class of its own": ("class Dual:\n    def __init__(self, a, b):\n        self.a, self.b = a, b\n"
                           "    def __add__(self, other):\n        return Dual(self.a + other.a, self.b + other.b)\n"
                           "    __radd__ = __add__\n    def __repr__(self):\n"
                           "        return f'{type(self).__name__}({self.a}, {self.b})'\n"),
    "super": "class Model(dict):\n    def __init__(self):\n        super().__init__()\n        self._cache = {}\n",
    "a function's memo": ("def best(grid):\n    cache = best.__dict__.setdefault('memo', {})\n"
                          "    return cache.setdefault(grid, max(grid))\n"),
    "sys for epsilon": "import sys\nEPS = sys.float_info.epsilon\n",
    "numpy's testing": "import numpy as np\nnp.testing.assert_allclose(1.0, 1.0)\n",
    "functools and operator": "import functools, operator\ntotal = functools.reduce(operator.mul, [1, 2, 3])\n",
    "a version": "import numpy as np\nprint(np.__version__)\n",
    "a syntax error never runs": "def df(x) return x.__globals__\n",
    "a docstring": "def df(x):\n    \"\"\"The power rule (see __init__).\"\"\"\n    return 3 * x**2\n",
    "logging": "import logging\nlogging.getLogger(__name__).info('start')\n",
    "a path resolved": "from pathlib import Path\nhere = Path('.').resolve()\n",
}


@pytest.mark.parametrize("case", list(REACHES))
def test_a_way_into_the_interpreter_is_found_with_its_line(case):
    source = "import numpy as np\n" + REACHES[case]
    found = reach_in_module("derivatives.py", source)
    assert found is not None, case
    assert found.file == "derivatives.py" and found.line >= 2, case
    assert found.describe().startswith("`derivatives.py`, line "), case


@pytest.mark.parametrize("case", list(HONEST))
def test_what_reaches_nothing_is_left_alone(case):
    assert reach_in_module("derivatives.py", HONEST[case]) is None, case


def test_the_first_module_holding_one_is_named():
    sources = {"derivatives": HONEST["a main guard"], "linear_model": "x = 1\nimport gc\n"}
    found = reach_in_sources(sources)
    assert found is not None and (found.file, found.line) == ("linear_model.py", 2)
    assert reach_in_sources({"derivatives": HONEST["super"]}) is None


def test_a_module_too_long_or_too_deep_to_read_is_not_trusted():
    assert reach_in_module("derivatives.py", "x = 1\n" * (MAX_SOURCE // 6 + 1)) is not None
    deep = reach_in_module("derivatives.py", "x = " + "-" * 20_000 + "1\n")
    assert deep is not None and "too deeply" in deep.what


# Red team round 60, 01 and 02: a difference quotient through a function the guard leaves open (the module's
# `neuron` or `sigmoid`, a helper, another module's `sse`) kept every mark; it is noted for the instructor.
NN_BY_HAND = {"neural_network": frozenset({"dloss_dw", "dloss_db", "backprop"}),
              "gradient_descent": frozenset({"sse_gradient"}), "derivatives": frozenset({"dsigmoid"})}
DIFFERENCES = {
    "through the module's neuron": ("neural_network", "dloss_dw",
                                    "out = neuron(w, b, x)\n"
                                    "slope = (neuron(w + h, b, x) - neuron(w - h, b, x)) / (2 * h)\n"
                                    "return float(np.sum(2 * (out - y) * slope))", "neuron"),
    "through the module's sigmoid": ("neural_network", "dloss_db",
                                     "z = w * np.asarray(x, dtype=float) + b\n"
                                     "d = (sigmoid(z + 1e-6) - sigmoid(z - 1e-6)) / 2e-6\n"
                                     "return float(np.sum(2 * (sigmoid(z) - y) * d))", "sigmoid"),
    "through another module's sse": ("gradient_descent", "sse_gradient",
                                     "import linear_model\nh = 1e-5\n"
                                     "dm = (linear_model.sse(m + h, c, x, y) - linear_model.sse(m - h, c, x, y))\n"
                                     "dc = (linear_model.sse(m, c + h, x, y) - linear_model.sse(m, c - h, x, y))\n"
                                     "return dm / (2 * h), dc / (2 * h)", "linear_model.sse"),
    "through a lambda of its own": ("derivatives", "dsigmoid",
                                    "s = lambda t: 1 / (1 + np.exp(-t))\n"
                                    "return (s(x + 1e-5) - s(x - 1e-5)) / 2e-5", "s"),
}


@pytest.mark.parametrize("case", list(DIFFERENCES))
def test_a_difference_of_a_functions_values_in_a_derivative_by_hand_is_noted(case):
    module, function, body, callee = DIFFERENCES[case]
    sources = {module: kit.variant_source(module, function, body), "linear_model": kit.solution_source("linear_model")}
    found = difference_in_sources(sources, NN_BY_HAND)
    assert found is not None and found.file == f"{module}.py", case
    assert f"`{function}` subtracts two values of `{callee}`" in found.what, found.what


@pytest.mark.parametrize("body", [
    "s = sigmoid(x)\nreturn s * (1 - s)",
    "return sigmoid(x) * (1 - sigmoid(x))",
    "return sigmoid(x) - sigmoid(x) ** 2",
    "return np.exp(-x) / (1 + np.exp(-x)) ** 2",
    "return (np.exp(x) - np.exp(-x)) * 0 + sigmoid(x) * sigmoid(-x)",
])
def test_a_formula_is_not_noted_as_a_difference(body):
    sources = {"derivatives": kit.variant_source("derivatives", "dsigmoid", body)}
    assert difference_in_sources(sources, NN_BY_HAND) is None


def test_no_reference_solution_is_noted_as_a_difference():
    sources = {module: kit.solution_source(module) for module in kit.ALL_MODULES}
    assert difference_in_sources(sources, NN_BY_HAND) is None


def test_an_argument_nested_too_deeply_to_compare_is_noted_not_raised():
    """Bug: comparing two calls' arguments raised RecursionError out of the grading of the whole submission where
    one was an expression of 1,200 terms (it parses, but its comparison recursed past the interpreter's limit)."""
    body = "return float(np.sum(neuron(w, b, x + " + "+".join(["0"] * 1200) + ") - neuron(w, b, x)))"
    found = difference_in_sources({"neural_network": kit.variant_source("neural_network", "dloss_dw", body)},
                                  NN_BY_HAND)
    assert found is not None and "nested too deeply" in found.what


# Red team round 61, 03: the same difference with each value bound to a name first, or spelt as `np.subtract`,
# `a + -b`, or as a sum over a loop of points, kept every mark with nothing noted.
NN_PRE = "x = np.asarray(x, dtype=float)\nh = 1e-5\nout = neuron(w, b, x)\n"
NN_POST = "\nreturn float(np.sum(2 * (out - y) * slope))"
SPELT_OTHERWISE = {
    "values bound to names": ("neural_network", "dloss_dw",
                              NN_PRE + "up = neuron(w + h, b, x)\ndown = neuron(w - h, b, x)\n"
                              "slope = (up - down) / (2 * h)" + NN_POST, "neuron"),
    "values bound to names in b": ("neural_network", "dloss_db",
                                   NN_PRE + "up = neuron(w, b + h, x)\ndown = neuron(w, b - h, x)\n"
                                   "slope = (up - down) / (2 * h)" + NN_POST, "neuron"),
    "names bound through names": ("neural_network", "dloss_dw",
                                  NN_PRE + "up = neuron(w + h, b, x)\nhigh = up\nlow = neuron(w - h, b, x)\n"
                                  "slope = (high - low) / (2 * h)" + NN_POST, "neuron"),
    "tuple unpacking": ("neural_network", "dloss_dw",
                        NN_PRE + "up, down = neuron(w + h, b, x), neuron(w - h, b, x)\n"
                        "slope = (up - down) / (2 * h)" + NN_POST, "neuron"),
    "a walrus": ("neural_network", "dloss_dw",
                 NN_PRE + "(up := neuron(w + h, b, x))\nslope = (up - neuron(w - h, b, x)) / (2 * h)" + NN_POST,
                 "neuron"),
    "augmented assignment": ("neural_network", "dloss_dw",
                             NN_PRE + "slope = neuron(w + h, b, x)\nslope -= neuron(w - h, b, x)\n"
                             "slope /= 2 * h" + NN_POST, "neuron"),
    "np.subtract": ("neural_network", "dloss_dw",
                    NN_PRE + "slope = np.subtract(neuron(w + h, b, x), neuron(w - h, b, x)) / (2 * h)" + NN_POST,
                    "neuron"),
    "operator.sub of names": ("neural_network", "dloss_dw",
                              "import operator\n" + NN_PRE + "up = neuron(w + h, b, x)\ndown = neuron(w - h, b, x)\n"
                              "slope = operator.sub(up, down) / (2 * h)" + NN_POST, "neuron"),
    "a + -b": ("neural_network", "dloss_dw",
               NN_PRE + "slope = (neuron(w + h, b, x) + -neuron(w - h, b, x)) / (2 * h)" + NN_POST, "neuron"),
    "-b + a": ("neural_network", "dloss_dw",
               NN_PRE + "down = neuron(w - h, b, x)\nslope = (-down + neuron(w + h, b, x)) / (2 * h)" + NN_POST,
               "neuron"),
    "another module's predict bound to names": (
        "gradient_descent", "sse_gradient",
        "import linear_model\nx = np.asarray(x, dtype=float)\ny = np.asarray(y, dtype=float)\nh = 1e-5\n"
        "r = y - linear_model.predict(m, c, x)\n"
        "m_up = linear_model.predict(m + h, c, x)\nm_down = linear_model.predict(m - h, c, x)\n"
        "c_up = linear_model.predict(m, c + h, x)\nc_down = linear_model.predict(m, c - h, x)\n"
        "return float(np.sum(-2 * r * (m_up - m_down) / (2 * h))), "
        "float(np.sum(-2 * r * (c_up - c_down) / (2 * h)))", "linear_model.predict"),
}
SUMMED_OVER_A_LOOP = {
    "a loop over signs": ("neural_network", "dloss_dw",
                          NN_PRE + "slope = 0.0\nfor s in (1, -1):\n    slope += s * neuron(w + s * h, b, x)\n"
                          "slope = slope / (2 * h)" + NN_POST, "neuron"),
    "a loop over a range": ("neural_network", "dloss_dw",
                            NN_PRE + "slope = 0.0\nfor k in range(2):\n"
                            "    slope = slope + (1 - 2 * k) * neuron(w + (1 - 2 * k) * h, b, x)\n"
                            "slope = slope / (2 * h)" + NN_POST, "neuron"),
    "a loop through a name": ("derivatives", "dsigmoid",
                              "total = 0.0\nfor step in (1e-5, -1e-5):\n    value = sigmoid(x + step)\n"
                              "    total += value if step > 0 else -value\nreturn total / 2e-5", "sigmoid"),
    "a sum of a generator": ("neural_network", "dloss_db",
                             NN_PRE + "slope = sum(s * neuron(w, b + s * h, x) for s in (1, -1)) / (2 * h)" + NN_POST,
                             "neuron"),
}


@pytest.mark.parametrize("case", list(SPELT_OTHERWISE))
def test_a_difference_spelt_otherwise_is_noted(case):
    module, function, body, callee = SPELT_OTHERWISE[case]
    sources = {module: kit.variant_source(module, function, body), "linear_model": kit.solution_source("linear_model")}
    found = difference_in_sources(sources, NN_BY_HAND)
    assert found is not None and found.file == f"{module}.py", case
    assert f"`{function}` subtracts two values of `{callee}`" in found.what, found.what


# Red team round 62, 07: the same difference spelt as a sum with a term times a negative constant, `np.add` or
# `operator.add` of a negated value, or a special method called by name, kept every mark with nothing noted.
SPELT_AS_A_SUM_OR_A_METHOD = {
    "a + b * -1": ("neural_network", "dloss_dw",
                   NN_PRE + "slope = (neuron(w + h, b, x) + neuron(w - h, b, x) * -1) / (2 * h)" + NN_POST, "neuron"),
    "a + -1 * b": ("neural_network", "dloss_dw",
                   NN_PRE + "slope = (neuron(w + h, b, x) + -1 * neuron(w - h, b, x)) / (2 * h)" + NN_POST, "neuron"),
    "2a + b * (-2) halved": ("neural_network", "dloss_db",
                             NN_PRE + "slope = (2 * neuron(w, b + h, x) + neuron(w, b - h, x) * (-2)) / (4 * h)"
                             + NN_POST, "neuron"),
    "a + b / -1 of names": ("derivatives", "dsigmoid",
                            "up = sigmoid(x + 1e-5)\ndown = sigmoid(x - 1e-5)\nreturn (up + down / -1) / 2e-5",
                            "sigmoid"),
    "np.add(a, -b)": ("neural_network", "dloss_dw",
                      NN_PRE + "slope = np.add(neuron(w + h, b, x), -neuron(w - h, b, x)) / (2 * h)" + NN_POST,
                      "neuron"),
    "operator.add(a, np.negative(b))": ("neural_network", "dloss_dw",
                                        "import operator\n" + NN_PRE + "up = neuron(w + h, b, x)\n"
                                        "down = neuron(w - h, b, x)\n"
                                        "slope = operator.add(up, np.negative(down)) / (2 * h)" + NN_POST, "neuron"),
    "a + np.negative(b)": ("derivatives", "dsigmoid",
                           "return (sigmoid(x + 1e-5) + np.negative(sigmoid(x - 1e-5))) / 2e-5", "sigmoid"),
    "a.__sub__(b)": ("neural_network", "dloss_dw",
                     NN_PRE + "slope = neuron(w + h, b, x).__sub__(neuron(w - h, b, x)) / (2 * h)" + NN_POST,
                     "neuron"),
    "b.__rsub__(a)": ("derivatives", "dsigmoid",
                      "return sigmoid(x - 1e-5).__rsub__(sigmoid(x + 1e-5)) / 2e-5", "sigmoid"),
    "a.__add__(-b)": ("derivatives", "dsigmoid",
                      "return sigmoid(x + 1e-5).__add__(-sigmoid(x - 1e-5)) / 2e-5", "sigmoid"),
    "a.__add__(b.__neg__())": ("derivatives", "dsigmoid",
                               "return sigmoid(x + 1e-5).__add__(sigmoid(x - 1e-5).__neg__()) / 2e-5", "sigmoid"),
    "a += b * -1": ("neural_network", "dloss_dw",
                    NN_PRE + "slope = neuron(w + h, b, x)\nslope += neuron(w - h, b, x) * -1\n"
                    "slope /= 2 * h" + NN_POST, "neuron"),
    "another module's sse times -1": ("gradient_descent", "sse_gradient",
                                      "import linear_model\nh = 1e-5\n"
                                      "dm = linear_model.sse(m + h, c, x, y) + -1 * linear_model.sse(m - h, c, x, y)\n"
                                      "dc = np.add(linear_model.sse(m, c + h, x, y), -linear_model.sse(m, c - h, x, y))"
                                      "\nreturn dm / (2 * h), dc / (2 * h)", "linear_model.sse"),
}


@pytest.mark.parametrize("case", list(SPELT_AS_A_SUM_OR_A_METHOD))
def test_a_difference_spelt_as_a_sum_or_a_special_method_is_noted(case):
    module, function, body, callee = SPELT_AS_A_SUM_OR_A_METHOD[case]
    sources = {module: kit.variant_source(module, function, body), "linear_model": kit.solution_source("linear_model")}
    found = difference_in_sources(sources, NN_BY_HAND)
    assert found is not None and found.file == f"{module}.py", case
    assert f"`{function}` subtracts two values of `{callee}`" in found.what, found.what


@pytest.mark.parametrize("module, function, body", [
    ("derivatives", "dsigmoid", "return 2 * x - 3"),
    ("derivatives", "dsigmoid", "return sigmoid(x) * (1 - sigmoid(x))"),
    ("derivatives", "dsigmoid", "return sigmoid(x) + sigmoid(x) ** 2 * -1"),
    ("derivatives", "dsigmoid", "return np.add(sigmoid(x), np.negative(sigmoid(x) ** 2))"),
    ("derivatives", "dsigmoid", "return sigmoid(x).__sub__(sigmoid(x).__mul__(sigmoid(x)))"),
    ("derivatives", "dsigmoid", "return sigmoid(x) * sigmoid(-x) + sigmoid(x) * 0"),
    ("derivatives", "dsigmoid", "return -1 * sigmoid(x) * -sigmoid(-x)"),
    ("gradient_descent", "sse_gradient",
     "x = np.asarray(x, dtype=float)\ny = np.asarray(y, dtype=float)\n"
     "return float(-2 * np.sum(x * (y - m * x - c))), float(-2 * np.sum(y - m * x - c))"),
    ("gradient_descent", "sse_gradient",
     "import linear_model\nx = np.asarray(x, dtype=float)\n"
     "r = np.add(linear_model.predict(m, c, x), -1 * y)\nreturn float(np.sum(2 * r * x)), float(np.sum(2 * r))"),
])
def test_a_formula_with_negative_constants_or_special_methods_is_not_noted(module, function, body):
    sources = {module: kit.variant_source(module, function, body), "linear_model": kit.solution_source("linear_model")}
    assert difference_in_sources(sources, NN_BY_HAND) is None


@pytest.mark.parametrize("case", list(SUMMED_OVER_A_LOOP))
def test_a_difference_summed_over_a_loop_of_points_is_noted(case):
    module, function, body, callee = SUMMED_OVER_A_LOOP[case]
    sources = {module: kit.variant_source(module, function, body)}
    found = difference_in_sources(sources, NN_BY_HAND)
    assert found is not None and found.file == f"{module}.py", case
    assert f"`{function}` adds up values of `{callee}`" in found.what or \
        f"`{function}` subtracts two values of `{callee}`" in found.what, found.what


@pytest.mark.parametrize("module, function, body", [
    ("derivatives", "dsigmoid", "p = sigmoid(x)\nreturn p * (1 - p)"),
    ("derivatives", "dsigmoid", "p = sigmoid(x)\nq = sigmoid(x)\nreturn p - p * q"),
    ("derivatives", "dsigmoid", "p, q = sigmoid(x), sigmoid(-x)\nreturn p * q"),
    ("derivatives", "dsigmoid",
     "total = 0.0\nfor s in (1, -1):\n    total += s * sigmoid(x)\nreturn total + sigmoid(x) * sigmoid(-x)"),
    ("neural_network", "dloss_dw",
     "x = np.asarray(x, dtype=float)\nout = neuron(w, b, x)\nerror = out - y\n"
     "return float(np.sum(2 * error * out * (1 - out) * x))"),
    ("neural_network", "dloss_db",
     "x = np.asarray(x, dtype=float)\ngrad = 0.0\nfor i in range(len(x)):\n    p = neuron(w, b, x[i])\n"
     "    grad += 2 * (p - y[i]) * p * (1 - p)\nreturn float(grad)"),
    ("neural_network", "dloss_db",
     "x = np.asarray(x, dtype=float)\ngrad = 0.0\nfor xi, yi in zip(x, y):\n    p = sigmoid(w * xi + b)\n"
     "    grad -= -2 * (p - yi) * p * (1 - p)\nreturn float(grad)"),
    ("gradient_descent", "sse_gradient",
     "import linear_model\nx = np.asarray(x, dtype=float)\ny = np.asarray(y, dtype=float)\n"
     "r = y - linear_model.predict(m, c, x)\nreturn float(np.sum(-2 * r * x)), float(np.sum(-2 * r))"),
    ("gradient_descent", "sse_gradient",
     "import linear_model\nx = np.asarray(x, dtype=float)\nr = np.subtract(y, linear_model.predict(m, c, x))\n"
     "r2 = y + -linear_model.predict(m, c, x)\nreturn float(np.sum(-2 * r * x)), float(np.sum(-2 * r2))"),
])
def test_a_formula_binding_values_to_names_is_not_noted(module, function, body):
    sources = {module: kit.variant_source(module, function, body), "linear_model": kit.solution_source("linear_model")}
    assert difference_in_sources(sources, NN_BY_HAND) is None


def test_no_reference_solution_is_noted_even_were_every_function_a_derivative_by_hand():
    sources = {module: kit.solution_source(module) for module in kit.ALL_MODULES}
    every = {module: frozenset(node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef))
             for module, source in sources.items()}
    assert difference_in_sources(sources, every) is None
