"""State kept between calls (grader/kept_state.py): the reading of a source for what can hold something from one call to
the next, and, through the real engine and sandbox, a function right only on a fresh call told so, its callers judged
with the right function (holdout 41: a running total, targets kept from the first call, a warm start)."""

from __future__ import annotations

import numpy as np
import pytest

from grader import kept_state, kit
from grader.curriculum import DECLARED
from grader.engine import grade_sources
from grader.kept_state import STATE_KEPT, may_keep_state, neighbour_cases
from grader.kit import replace_bodies, solution_source
from grader.spec import Case

HEADER = "import numpy as np\n\n"


@pytest.mark.parametrize("body", [
    "def f(x, seen=[]):\n    seen.append(x)\n    return len(seen)\n",
    "def f(x):\n    f.__dict__.setdefault('s', x)\n    return f.s\n",
    "def f(x):\n    total = getattr(f, 't', 0.0) + x\n    f.t = total\n    return total\n",
    "CACHE = {}\n\ndef f(x):\n    if x not in CACHE:\n        CACHE[x] = x * 2\n    return CACHE[x]\n",
    "COUNT = 0\n\ndef f(x):\n    global COUNT\n    COUNT += 1\n    return x + COUNT\n",
    "import functools\n\n@functools.lru_cache\ndef f(x):\n    return x\n",
    "GEN = iter(range(10))\n\ndef f(x):\n    return x + next(GEN)\n",
    "BUF = np.zeros(3)\n\ndef f(x):\n    np.add(x, 1, out=BUF)\n    return BUF\n",
    "def helper(x):\n    helper.calls = getattr(helper, 'calls', 0) + 1\n    return x\n\n"
    "def f(x):\n    return helper(x)\n",
    "def f(x):\n    cache = f.cache\n    cache[len(x)] = x\n    return cache[len(x)]\n\nf.cache = {}\n",
    "def f(x):\n    uniform = np.ones_like(x)\n    f.__dict__.setdefault('s', x)\n    return f.s * uniform\n",
    "def keyed(g):\n    memo = {}\n    return lambda x: memo.setdefault(len(x), g(x))\n\n"
    "def f(x):\n    return x\n\nf = keyed(f)\n",
    "def f(x):\n    return x\n\nglobals()['f'] = __import__('functools').lru_cache(f)\n",
    # red team round 57, 02: bound again by a function the top level calls, in a class body, on the module object
    "def keyed(g):\n    memo = {}\n    return lambda x: memo.setdefault(len(x), g(x))\n\n"
    "def f(x):\n    return x\n\ndef _setup():\n    global f\n    f = keyed(f)\n\n_setup()\n",
    "def keyed(g):\n    memo = {}\n    return lambda x: memo.setdefault(len(x), g(x))\n\n"
    "def f(x):\n    return x\n\nclass _Setup:\n    globals()['f'] = keyed(f)\n",
    "import sys\n\ndef keyed(g):\n    memo = {}\n    return lambda x: memo.setdefault(len(x), g(x))\n\n"
    "def f(x):\n    return x\n\nsys.modules[__name__].f = keyed(f)\n",
    # red team round 58, 01: the function's namespace through getattr, a cache bound at the top by a walrus or a loop
    "def f(x):\n    store = getattr(f, '__dict__')\n    memo = store.setdefault('m', {})\n"
    "    return memo.setdefault(1, x)\n",
    "(_MEMO := {})\n\ndef f(x):\n    memo = _MEMO\n    return memo.setdefault(1, x)\n",
    "for _MEMO in [{}]:\n    pass\n\ndef f(x):\n    memo = _MEMO\n    return memo.setdefault(1, x)\n",
    "import operator\nimport os\n\ndef f(x):\n    operator.setitem(os.environ, 'K', str(x))\n"
    "    return float(os.environ['K'])\n",
    # a mapping, a module or anything unknown reached through an import, bound to a local and written through it
    "from os import environ\n\ndef f(x):\n    store = environ\n    store['K'] = str(x)\n    return float(store['K'])\n",
    "import os\n\ndef f(x):\n    store = [os.environ][0]\n    store['K'] = str(x)\n    return float(store['K'])\n",
    "def f(x):\n    from os import environ as env\n    store = env\n    store.setdefault('K', str(x))\n"
    "    return float(store['K'])\n",
    "from os import *\n\ndef f(x):\n    store = environ\n    store.setdefault('K', str(x))\n"
    "    return float(store['K'])\n",
    "import os\n\ndef f(x):\n    put = os.environ.__setitem__\n    put('K', str(x))\n"
    "    return float(os.environ['K'])\n",
    "import sys\n\ndef f(x):\n    here = [sys][0]\n    here.memo = x\n    return here.memo\n",
    "from . import helper\n\ndef f(x):\n    return helper(x)\n",
    # red team round 61, 01: the module's namespace through the function's `__globals__` (or any dunder), bound by a
    # walrus, a tuple unpacked, a `for`
    "def f(x):\n    (store := f.__globals__)\n    store.setdefault('k', x)\n    return store['k']\n",
    "def f(x):\n    store, = (f.__globals__,)\n    store.setdefault('k', x)\n    return store['k']\n",
    "def f(x):\n    for store in (f.__globals__,):\n        pass\n    store.setdefault('k', x)\n"
    "    return store['k']\n",
    "def f(x):\n    home, = (len.__self__,)\n    home.memo = x\n    return home.memo\n",
    # red team round 61, 02: an object a library call gives the same every call, bound by any binding, stored into
    "import logging\n\ndef f(x):\n    holder = logging.getLogger('nd')\n    holder.memo = x\n    return holder.memo\n",
    "import threading\n\ndef f(x):\n    holder = threading.current_thread()\n    holder.memo = x\n"
    "    return holder.memo\n",
    "import importlib\n\ndef f(x):\n    holder = importlib.import_module(__name__)\n    holder.memo = x\n"
    "    return holder.memo\n",
    "import sys\n\ndef f(x):\n    names = sys._getframe().f_globals\n    names['memo'] = x\n    return names['memo']\n",
    "import logging\n\ndef f(x):\n    if (holder := logging.getLogger('nd')):\n        holder.memo = x\n"
    "    return holder.memo\n",
    "import contextlib\nimport logging\n\ndef f(x):\n"
    "    with contextlib.nullcontext(logging.getLogger('nd')) as holder:\n        holder.memo = x\n"
    "    return holder.memo\n",
    "import logging\n\ndef f(x):\n    holder = [h for h in (logging.getLogger('nd'),)][0]\n    holder.memo = x\n"
    "    return holder.memo\n",
    "import logging\n\ndef f(x):\n    box = []\n    box += [logging.getLogger('nd')]\n    box[0].memo = x\n"
    "    return box[0].memo\n",
    "import logging\n\ndef f(x):\n    box = []\n    box.append(logging.getLogger('nd'))\n    box[0].memo = x\n"
    "    return box[0].memo\n",
    "import logging\n\ndef _holder():\n    return logging.getLogger('nd')\n\n"
    "def f(x):\n    holder = _holder()\n    holder.memo = x\n    return holder.memo\n",
    "import logging\n\ndef f(x):\n    def holder_of():\n        return logging.getLogger('nd')\n\n"
    "    holder = holder_of()\n    holder.memo = x\n    return holder.memo\n",
    "import logging\n\ndef f(x):\n    try:\n        raise KeyError(logging.getLogger('nd'))\n"
    "    except KeyError as error:\n        error.args[0].memo = x\n    return x\n",
    # red team round 62, 02, 04 and 06: a module function given as a parameter's default, itself or through a helper;
    # a helper's mutable default it returns; the function the check gives, taken out of a container
    "def _box():\n    pass\n\ndef f(x, box=_box):\n    b = box\n    b.memo = x\n    return b.memo\n",
    "def _box():\n    pass\n\ndef _the_box(box=_box):\n    return box\n\n"
    "def f(x):\n    b = _the_box()\n    b.memo = x\n    return b.memo\n",
    "def f(x, g):\n    held = (g,)[0]\n    held.memo = g(x)\n    return held.memo\n",
    "def f(x, g):\n    held = [g][0]\n    held.memo = g(x)\n    return held.memo\n",
], ids=["mutable-default", "setdefault-on-function", "attribute-total", "module-cache", "global-counter",
        "decorator", "module-generator", "module-buffer", "through-a-helper", "attribute-aliased-to-a-local",
        "a-local-named-like-a-source-of-chance", "rebound-at-the-top", "namespace-written-at-the-top",
        "rebound-by-a-function-called-at-the-top", "namespace-written-in-a-class-body", "rebound-on-the-module",
        "namespace-through-getattr", "bound-at-the-top-by-a-walrus", "bound-at-the-top-by-a-loop",
        "changed-through-operator", "imported-mapping-aliased", "imported-mapping-in-a-list",
        "imported-in-the-function", "imported-by-star", "a-mapping-method-bound-to-a-local", "a-module-used-whole",
        "imported-from-an-unknown-place", "globals-by-a-walrus", "globals-by-a-tuple-unpacked", "globals-by-a-for",
        "builtins-through-self-unpacked", "a-logger", "the-current-thread", "the-module-imported-again",
        "a-frame-s-globals",
        "a-logger-by-a-walrus", "a-logger-by-with-as", "a-logger-by-a-comprehension", "a-logger-added-to-a-local",
        "a-logger-appended-to-a-local", "a-logger-from-a-helper", "a-logger-from-a-nested-helper",
        "a-logger-by-except-as", "a-module-function-as-a-default", "a-helper-returning-its-default",
        "the-given-function-out-of-a-tuple", "the-given-function-out-of-a-list"])
def test_a_function_that_can_hold_something_between_calls_is_read_so(body):
    assert may_keep_state(HEADER + body, "f")


def test_a_graded_siblings_mutable_default_it_returns_is_read_as_shared():
    """Red team round 62, 04: `tangent_line` (graded on its own, so not looked into for its caller) returned its
    `_memo={}` default when called with None, and `numerical_derivative` cached in it: the return of a parameter was
    read as a copy of the check's input. A parameter whose default is made once is shared."""
    source = HEADER + ("def g(x, _memo={}):\n    return _memo if x is None else x\n\n"
                       "def f(x):\n    store = g(None)\n    store[1] = x\n    return store[1]\n")
    assert may_keep_state(source, "f", components=frozenset({"g"}))
    honest = HEADER + ("SCALE = 2.0\n\ndef g(x, scale=SCALE, kind=float, eps=np.finfo(float).eps):\n    return x\n\n"
                       "def f(x):\n    store = g([x])\n    store[0] = x\n    return store[0]\n")
    assert not may_keep_state(honest, "f", components=frozenset({"g"}))


@pytest.mark.parametrize("body", [
    "def f(x, h=1e-5):\n    y = np.asarray(x, dtype=float).copy()\n    y[0] += h\n    return y\n",
    "SCALE = 2.0\n\ndef f(x):\n    values = []\n    for v in x:\n        values.append(v * SCALE)\n    return values\n",
    "def f(x, m=np.pi):\n    d = {}\n    d['a'] = x\n    return d['a'] * m\n",
    "from numpy import exp, sum as total\nfrom math import pi\n\ndef f(x):\n    return total(exp(x)) * pi\n",
    "import math\n\ndef f(x):\n    return np.linalg.solve(np.eye(2), np.asarray(x, dtype=float)) + np.pi + math.e\n",
    "from numpy import *\n\ndef f(x):\n    return exp(x)[newaxis] + len(x)\n",
    # a local made by NumPy, a builtin or a helper of the module that returns a fresh value, then stored into
    "def f(x, h=1e-5):\n    plus = np.array(x, dtype=float)\n    plus[0] += h\n    return plus\n",
    "def _fresh(x):\n    return np.zeros(3) + np.sum(x)\n\n"
    "def f(x):\n    y = _fresh(x)\n    y[0] = 1.0\n    return y\n",
    "def f(x, w0=0.0):\n    rows = [(w0, 0.0)]\n    for v in x:\n        rows.append((v, w0))\n"
    "    (last := rows[-1])\n    return rows, last\n",
], ids=["local-copy-changed", "local-list-and-constant", "local-dict", "functions-and-constants-imported",
        "functions-and-constants-reached-through-modules", "functions-imported-by-star", "numpy-copy-stored-into",
        "a-fresh-helper-result-stored-into", "rows-of-the-arguments"])
def test_a_function_of_its_arguments_alone_is_read_so(body):
    assert not may_keep_state(HEADER + body, "f")


def _grade(sandbox, module: str, function: str, body: str):
    return _grade_source(sandbox, module, kit.variant_source(module, function, body))


def _grade_source(sandbox, module: str, source: str):
    return grade_sources({module: source}, sandbox, student="state", hidden=True, course_seed="state",
                         exercises=[e for e in DECLARED if e.module == module])


def _failed(result, key: str):
    return [check for check in result.exercise(key).checks if not check.passed and not check.counted_away]


def _sse_told_and_no_caller_lost(result, told: str = "keeps state between calls") -> None:
    """Every failed check of `sse` told that it keeps state (with `told`), and the error profiles, which call it, keep
    their marks."""
    failed = _failed(result, "linear_model.sse")
    assert failed and all(check.diagnosis == STATE_KEPT and told in check.student_message for check in failed), \
        [(c.diagnosis, c.student_message) for c in failed]
    for caller in ("linear_model.error_profile_slope", "linear_model.error_profile_intercept"):
        assert result.exercise(caller).score == result.exercise(caller).max_score, caller


def test_a_running_total_never_reset_is_told_as_state_and_costs_no_caller(sandbox):
    """An SSE added to a total kept on the function object: right on the first call only. Its answers were read as
    slips of the formula (or nothing), and the error profiles, the reference's own code calling it, lost their marks:
    no run of the reference with the student's `sse` gives its answer, which depends on the calls before."""
    body = ("r = np.asarray(y, dtype=float) - predict(m, c, x)\n"
            "sse.total = getattr(sse, 'total', 0.0) + float(np.sum(r**2))\nreturn sse.total\n")
    _sse_told_and_no_caller_lost(_grade(sandbox, "linear_model", "sse", body))


def test_a_warm_start_kept_between_runs_is_told_as_state(sandbox):
    body = ("w = getattr(descend_1d, 'last', None)\nx = float(x0) if w is None else w\n"
            "for _ in range(n_steps):\n    x = x - learning_rate * df(x)\ndescend_1d.last = x\nreturn x\n")
    result = _grade(sandbox, "gradient_descent", "descend_1d", body)
    failed = _failed(result, "gradient_descent.descend_1d")
    assert failed and all(check.diagnosis == STATE_KEPT for check in failed)
    best = result.exercise("gradient_descent.best_of_starts")
    assert best.score == best.max_score


def test_a_wrong_function_that_keeps_nothing_is_not_told_state(sandbox):
    """The probe says only what it shows: a cache that is always right on the first call but a formula slip
    everywhere (a missing square) fails alone too."""
    body = ("cache = sse.__dict__.setdefault('cache', {})\nkey = (m, c, tuple(np.ravel(x)), tuple(np.ravel(y)))\n"
            "if key not in cache:\n    cache[key] = float(np.sum(np.asarray(y, dtype=float) - predict(m, c, x)))\n"
            "return cache[key]\n")
    result = _grade(sandbox, "linear_model", "sse", body)
    failed = _failed(result, "linear_model.sse")
    assert failed and not any(check.diagnosis == STATE_KEPT for check in failed)


def test_an_input_changed_in_place_is_not_told_state(sandbox):
    body = "x = np.asarray(x, dtype=float)\nx *= m\nx += c\nreturn x\n"
    result = _grade(sandbox, "linear_model", "predict", body)
    failed = _failed(result, "linear_model.predict")
    assert failed and not any(check.diagnosis == STATE_KEPT for check in failed)


def test_a_buffer_kept_from_the_first_call_that_a_later_input_does_not_fit_is_told_as_state(sandbox):
    """A work buffer made on the first call and kept on the function object: later inputs of another shape raise in
    it (holdout 41, `df_log`), and the exception alone was shown."""
    body = ("x = np.asarray(x, dtype=float)\nif not hasattr(df_log, 'den'):\n    df_log.den = np.empty_like(x)\n"
            "np.add(1, np.square(x), out=df_log.den)\nreturn 2 * x / df_log.den\n")
    result = _grade(sandbox, "derivatives", "df_log", body)
    failed = _failed(result, "derivatives.df_log")
    assert failed and all(check.diagnosis == STATE_KEPT for check in failed), \
        [(c.diagnosis, c.student_message) for c in failed]


@pytest.mark.parametrize("body", [
    "class Accumulator:\n    terms = []\n\n    def add(self, value):\n        self.terms.append(value)\n\n"
    "def f(x):\n    acc = Accumulator()\n    acc.add(x)\n    return sum(acc.terms)\n",
    # a generator seeded with constants draws the same every call: no source of chance (red team round 56, 07)
    "MEMO = {}\n\ndef f(x):\n    np.random.default_rng(0)\n    return MEMO.setdefault(len(x), x)\n",
    "MEMO = {}\n\ndef f(x):\n    rng = np.random.default_rng(seed=7)\n    return MEMO.setdefault(len(x), x) + "
    "rng.normal()\n",
], ids=["class-attribute", "unused-seeded-generator", "seeded-generator"])
def test_a_class_of_the_module_is_read_as_able_to_hold_state(body):
    """A list written as a class attribute is shared by every instance (red team round 53, 03: never probed); a cache
    beside a generator seeded with constants is probed (round 56, 07: an unused one exempted it)."""
    assert may_keep_state(HEADER + body, "f")


@pytest.mark.parametrize("body", [
    "RNG = np.random.default_rng()\nTOTAL = []\n\ndef f(x):\n    TOTAL.append(x)\n    return x + RNG.normal()\n",
    "import time\nSEEN = {}\n\ndef f(x):\n    SEEN[x] = time.time()\n    return x\n",
], ids=["random-draw", "clock"])
def test_a_function_reading_a_source_of_chance_is_not_probed(body):
    """Its second answer differs with no state of its own: told "keeps state" by chance (red team round 53, 02)."""
    assert not may_keep_state(HEADER + body, "f")


def test_checks_are_probed_in_order_until_one_is_not_shown():
    """A function that keeps no state costs one child; one that does is told on each check shown, and on no other."""
    from grader.kept_state import STATE_PROBES, keeping_state

    exercise = next(e for e in DECLARED if e.key == "linear_model.sse")
    source = kit.variant_source("linear_model", "sse", "sse.n = getattr(sse, 'n', 0) + 1\nreturn 0.0\n")
    checks = [(exercise, object()) for _ in range(STATE_PROBES + 3)]
    asked: list[object] = []

    def probe(answers):
        def called(p):
            asked.append(p)
            return answers[len(asked) - 1]
        return called

    assert keeping_state({"linear_model.sse": checks}, lambda _: source, probe(["", "alone"])) == {}
    assert len(asked) == 1
    asked.clear()
    found = keeping_state({"linear_model.sse": checks}, lambda _: source, probe(["alone", "twice", "", "alone"]))
    assert found == {"linear_model.sse": {id(checks[0][1]): "alone", id(checks[1][1]): "twice"}}
    asked.clear()
    found = keeping_state({"linear_model.sse": checks}, lambda _: source, probe(["alone"] * len(checks)))
    assert len(found["linear_model.sse"]) == len(asked) == STATE_PROBES


def test_a_call_made_while_the_module_loads_does_not_hide_the_state(sandbox):
    """A demo line left at the top of the module calls `sse` as it loads: the probe's first call was the second, and a
    running total was wrong there too, never told, and its callers lost their marks (red team round 53, 07). Called
    twice in a row, it answers twice otherwise."""
    body = ("r = np.asarray(y, dtype=float) - predict(m, c, x)\n"
            "sse.total = getattr(sse, 'total', 0.0) + float(np.sum(r**2))\nreturn sse.total\n")
    source = kit.variant_source("linear_model", "sse", body) + \
        "\n\ndemo = sse(2.0, 1.0, np.array([0.0, 1.0, 2.0]), np.array([1.0, 2.0, 4.0]))\n"
    _sse_told_and_no_caller_lost(_grade_source(sandbox, "linear_model", source), "two different answers")


def test_a_class_attribute_shared_by_every_instance_is_told_and_costs_no_caller(sandbox):
    body = ("acc = Accumulator()\nfor r in np.asarray(y, dtype=float) - predict(m, c, x):\n    acc.add(r**2)\n"
            "return acc.total()\n")
    source = kit.variant_source("linear_model", "sse", body).replace(
        "\ndef predict(", "\nclass Accumulator:\n    terms = []\n\n    def add(self, value):\n"
        "        self.terms.append(value)\n\n    def total(self):\n        return float(sum(self.terms))\n\n\n"
        "def predict(", 1)
    _sse_told_and_no_caller_lost(_grade_source(sandbox, "linear_model", source))


PARTIAL_KEYS = {
    # an SSE cached on the line alone: every check has another line, so every answer was right
    "sse-on-the-line": ("linear_model", "sse",
                        "memo = sse.__dict__.setdefault('memo', {})\nkey = (float(m), float(c))\n"
                        "if key not in memo:\n    r = np.asarray(y, dtype=float) - predict(m, c, x)\n"
                        "    memo[key] = float(np.sum(r**2))\nreturn memo[key]\n"),
    # a profile cached on the slopes, not the data
    "profile-on-the-slopes": ("linear_model", "error_profile_slope",
                              "memo = error_profile_slope.__dict__.setdefault('memo', {})\n"
                              "key = tuple(np.asarray(slopes, dtype=float).tolist())\n"
                              "if key not in memo:\n    memo[key] = np.array([sse(m, c, x, y) for m in slopes])\n"
                              "return memo[key].copy()\n"),
    # a descent cached on its start, not the function descended
    "descent-on-the-start": ("gradient_descent", "descend_1d",
                             "memo = descend_1d.__dict__.setdefault('memo', {})\nif x0 not in memo:\n    x = x0\n"
                             "    for _ in range(n_steps):\n        x = x - learning_rate * df(x)\n    memo[x0] = x\n"
                             "return memo[x0]\n"),
}


@pytest.mark.parametrize("name", PARTIAL_KEYS)
def test_a_cache_keyed_on_part_of_the_arguments_loses_marks_and_is_told_so(sandbox, name):
    """A cache keyed on part of the arguments answered every check right, since no two checks share that part, and
    kept full marks (holdout 41's writer dropped 19 such entries). Called right after a neighbouring input (one
    argument drawn afresh), it answers its hidden checks wrong: they fail, told that, and no caller loses marks."""
    module, function, body = PARTIAL_KEYS[name]
    result = _grade(sandbox, module, function, body)
    own = result.exercise(f"{module}.{function}")
    assert own.score < own.max_score
    told = [check for check in _failed(result, own.exercise) if check.visibility == "hidden"]
    assert told and all(check.diagnosis == STATE_KEPT and "right after a call on another input" in
                        check.student_message for check in told), [(c.diagnosis, c.student_message) for c in told]
    assert all(exercise.score == exercise.max_score for exercise in result.exercises
               if exercise.exercise != own.exercise and exercise.exercise.startswith(module)), \
        [(e.exercise, e.score) for e in result.exercises if e.score < e.max_score]


def test_a_module_slow_to_load_is_probed_all_the_same(sandbox, monkeypatch):
    """Bug (red team round 54, 02): the probe's time paid for loading the module in its child, so a module whose top
    took that long to run (a demo computed there) had every probe call skipped, and a cache on the line alone kept
    full marks. The probe's time is made short here, and the import longer than it."""
    monkeypatch.setattr("grader.kept_state.AFTER_OTHERS_SECONDS", 0.3)
    module, function, body = PARTIAL_KEYS["sse-on-the-line"]
    source = kit.variant_source(module, function, body).replace(
        "import numpy as np", "import numpy as np\nimport time\ntime.sleep(0.6)  # a slow demo at the top", 1)
    result = _grade_source(sandbox, module, source)
    own = result.exercise(f"{module}.{function}")
    assert own.score < own.max_score
    assert any(check.diagnosis == STATE_KEPT for check in _failed(result, own.exercise))


def test_a_cache_wrapped_around_the_function_at_the_modules_top_loses_marks(sandbox):
    """Bug (red team round 56, 06): the same cache on the line alone, written as a wrapper bound to the function's name
    at the module's top (`sse = keyed_on_the_line(sse)`), kept full marks: the reading looked into the def alone."""
    wrapper = ("\n\ndef _keyed_on_the_line(function):\n    memo = {}\n\n    def wrapper(m, c, x, y):\n"
               "        return memo.setdefault((float(m), float(c)), function(m, c, x, y))\n    return wrapper\n\n\n"
               "sse = _keyed_on_the_line(sse)\n")
    source = kit.solution_source("linear_model").replace("\ndef error_profile_slope(",
                                                         wrapper + "\n\ndef error_profile_slope(", 1)
    result = _grade_source(sandbox, "linear_model", source)
    own = result.exercise("linear_model.sse")
    assert own.score < own.max_score


@pytest.mark.parametrize("chance", ["import time\ntime.perf_counter()\n",
                                    "np.random.default_rng(len(np.atleast_1d(x))).random() * 0\n"],
                         ids=["an-unused-clock", "a-generator-seeded-from-an-argument"])
def test_a_source_of_chance_that_changes_nothing_keeps_no_cache_from_the_neighbour_probe(sandbox, chance):
    """Bug (red team round 57, 03): a clock read, or a generator seeded from an argument, that the answer does not use
    exempted a cache keyed on part of the arguments from every probe (full marks); only the probe of failed checks,
    which changes a hint alone, is kept off by chance now."""
    module, function, body = PARTIAL_KEYS["sse-on-the-line"]
    result = _grade(sandbox, module, function, chance + body)
    own = result.exercise(f"{module}.{function}")
    assert own.score < own.max_score


def test_a_cache_keyed_on_every_argument_keeps_full_marks(sandbox):
    """A cache that holds every argument's values is right whatever came before: called after its neighbours, it is
    right too, and nothing is said."""
    body = ("memo = sse.__dict__.setdefault('memo', {})\n"
            "key = (float(m), float(c), tuple(np.ravel(x).tolist()), tuple(np.ravel(y).tolist()))\n"
            "if key not in memo:\n    r = np.asarray(y, dtype=float) - predict(m, c, x)\n"
            "    memo[key] = float(np.sum(r**2))\nreturn memo[key]\n")
    result = _grade(sandbox, "linear_model", "sse", body)
    assert all(exercise.score == exercise.max_score for exercise in result.exercises if exercise.max_score)


# red team round 58, 02: a cache leaving out an argument that a hidden input's structure fixes (the step h), or
# that is one per check (the given function)
KEYS_LEAVING_OUT_ONE_PER_CHECK = {
    "numerical-derivative-not-on-h": ("derivatives", "numerical_derivative",
                                      "memo = numerical_derivative.__dict__.setdefault('memo', {})\n"
                                      "key = (getattr(f, '__name__', id(f)), np.asarray(x, dtype=float).tobytes(), "
                                      "np.shape(x))\nif key not in memo:\n"
                                      "    memo[key] = (f(x + h) - f(x - h)) / (2 * h)\nreturn memo[key]\n"),
    "numerical-derivative-on-x-alone": ("derivatives", "numerical_derivative",
                                        "memo = numerical_derivative.__dict__.setdefault('memo', {})\n"
                                        "key = (np.asarray(x, dtype=float).tobytes(), np.shape(x))\n"
                                        "if key not in memo:\n    memo[key] = (f(x + h) - f(x - h)) / (2 * h)\n"
                                        "return memo[key]\n"),
    "partial-derivative-not-on-h": ("partial_derivatives", "partial_derivative",
                                    "memo = partial_derivative.__dict__.setdefault('memo', {})\n"
                                    "key = (getattr(f, '__name__', id(f)), tuple(np.asarray(point, dtype=float)"
                                    ".tolist()), i)\nif key not in memo:\n"
                                    "    plus = np.array(point, dtype=float)\n"
                                    "    minus = np.array(point, dtype=float)\n"
                                    "    plus[i] += h\n    minus[i] -= h\n"
                                    "    memo[key] = (f(plus) - f(minus)) / (2 * h)\n"
                                    "return memo[key]\n"),
}


@pytest.mark.parametrize("name", KEYS_LEAVING_OUT_ONE_PER_CHECK)
def test_a_cache_leaving_out_an_argument_one_per_check_loses_marks(sandbox, name):
    """Bug (red team round 58, 02): the neighbours were drawn with the checked input's own structure, which fixes the
    step h, and from the same check, which holds one given function: no neighbour ever differed there, and a cache
    keyed without h, or on the point alone, kept full marks. They come now from a draw of the public structure and
    from the other checks' inputs too."""
    module, function, body = KEYS_LEAVING_OUT_ONE_PER_CHECK[name]
    own = _grade(sandbox, module, function, body).exercise(f"{module}.{function}")
    assert own.score < own.max_score


def test_a_cache_in_an_imported_mapping_written_through_a_local_loses_marks(sandbox):
    """Bug: a name imported from a module (`from os import environ`) was read as nothing that can hold state, so a
    cache kept in it through a local name, keyed on the point alone, was never probed and kept full marks."""
    body = ("from os import environ\nimport json\nstore = environ\n"
            "key = 'ND' + np.asarray(x, dtype=float).tobytes().hex() + str(np.shape(x))\n"
            "if key not in store:\n"
            "    store[key] = json.dumps(np.asarray((f(x + h) - f(x - h)) / (2 * h), dtype=float).tolist())\n"
            "return np.asarray(json.loads(store[key]), dtype=float)\n")
    own = _grade(sandbox, "derivatives", "numerical_derivative", body).exercise("derivatives.numerical_derivative")
    assert own.score < own.max_score


def test_a_cache_beside_another_slip_still_loses_the_checks_it_answers_by_chance(sandbox):
    """Bug (red team round 58, 03): the neighbour probe ran only for functions right on every check, so a cache on the
    line alone with a second slip (three points answered 0) kept the checks the slip did not touch (2 of 4, where the
    cache alone scores 0)."""
    module, function, body = PARTIAL_KEYS["sse-on-the-line"]
    slipped = body.replace("return memo[key]", "return 0.0 if np.size(x) == 3 else memo[key]")
    own = _grade(sandbox, module, function, slipped).exercise(f"{module}.{function}")
    assert own.score == 0, [(check.label, check.visibility) for check in own.checks if check.passed]


def test_a_neighbour_takes_an_argument_the_first_draw_repeats_from_the_next():
    case = Case((1.0, 2.0), {"h": 1e-3})
    same_h = Case((3.0, 4.0), {"h": 1e-3})
    other_h = Case((1.0, 2.0), {"h": 0.1})
    neighbours = neighbour_cases(case, same_h, other_h)
    assert [neighbour.kwargs.get("h") for neighbour in neighbours] == [1e-3, 1e-3, 0.1]
    # a named argument nothing varies is left to its default once; one the case leaves to its default is given
    alone = neighbour_cases(case, same_h)
    assert any("h" not in neighbour.kwargs for neighbour in alone)
    assert any(neighbour.kwargs.get("h") == 1e-3 for neighbour in neighbour_cases(Case((1.0, 2.0)), same_h))


def test_a_neighbour_differs_from_the_case_in_one_argument():
    case = Case((1.0, 2.0, np.array([1.0, 2.0])), {"h": 1e-5})
    fresh = Case((3.0, 4.0, np.array([5.0, 6.0])), {"h": 1e-3})
    neighbours = neighbour_cases(case, fresh)
    assert len(neighbours) == 4
    for index, neighbour in enumerate(neighbours):
        changed = [i for i in range(3) if not np.array_equal(neighbour.args[i], case.args[i])]
        changed += ["h"] if neighbour.kwargs["h"] != case.kwargs["h"] else []
        assert changed == [[0], [1], [2], ["h"]][index]
    assert neighbour_cases(Case((1.0,)), Case((2.0,))) == [Case((2.0,))]


def test_a_callee_shown_keeping_state_on_hidden_inputs_alone_costs_its_callers_public_checks_nothing(sandbox):
    """An `sse_gradient` cached on the number of points answers every public check right (each has another size) and
    the hidden ones wrong: shown to keep state on hidden inputs alone, its callers' public checks, judged on public
    evidence alone, were judged with its answers and `gradient_descent` lost half its points. Its public checks are
    called after their public neighbours too, where it shows."""
    body = ("memo = sse_gradient.__dict__.setdefault('memo', {})\nx = np.asarray(x, dtype=float)\n"
            "y = np.asarray(y, dtype=float)\nif x.size not in memo:\n    r = y - (m * x + c)\n"
            "    memo[x.size] = (float(-2 * np.sum(x * r)), float(-2 * np.sum(r)))\nreturn memo[x.size]\n")
    result = _grade(sandbox, "gradient_descent", "sse_gradient", body)
    own = result.exercise("gradient_descent.sse_gradient")
    assert own.score < own.max_score
    public = [check for check in own.checks if check.visibility == "public" and not check.passed]
    assert public and all(check.diagnosis == STATE_KEPT for check in public)
    caller = result.exercise("gradient_descent.gradient_descent")
    assert caller.score == caller.max_score, [(c.label, c.student_message) for c in caller.checks if not c.passed]


def test_a_by_hand_derivative_probed_beside_other_functions_leaves_them_probed(sandbox):
    """`sse_gradient` (a derivative worked out by hand, differentiating nothing named) reading a module-level helper
    may keep state, so it was probed in the same child as every other function of the module, whose functions a
    by-hand call leaves refusing to run: every other probe call raised, and a `gradient_descent` cached on the data
    alone kept full marks (red team round 54, 05). The by-hand calls get a child of their own, as in the graded run."""
    descent = ("key = (np.asarray(x, dtype=float).tobytes(), np.asarray(y, dtype=float).tobytes(), n_steps)\n"
               "if key in _PATHS:\n    return _PATHS[key].copy()\npath = np.empty((n_steps + 1, 2))\n"
               "weights = np.array([m0, c0], dtype=float)\npath[0] = weights\nfor k in range(1, n_steps + 1):\n"
               "    grad = sse_gradient(weights[0], weights[1], x, y)\n"
               "    weights = gradient_step(weights, grad, learning_rate)\n    path[k] = weights\n"
               "_PATHS[key] = path\nreturn path.copy()\n")
    gradient = ("x = _as_floats(x)\ny = _as_floats(y)\nr = y - (m * x + c)\n"
                "return float(-2 * np.sum(x * r)), float(-2 * np.sum(r))\n")
    source = replace_bodies(solution_source("gradient_descent"), {"gradient_descent": descent,
                                                                 "sse_gradient": gradient}).replace(
        "import numpy as np", "import numpy as np\n_PATHS = {}\n_as_floats = lambda v: np.asarray(v, dtype=float)\n", 1)
    result = _grade_source(sandbox, "gradient_descent", source)
    descent_result = result.exercise("gradient_descent.gradient_descent")
    assert descent_result.score < descent_result.max_score
    assert result.exercise("gradient_descent.sse_gradient").score == result.exercise(
        "gradient_descent.sse_gradient").max_score


def test_a_right_caller_of_a_memoised_function_is_not_blamed_for_its_state(sandbox):
    """A `predict` memoised on all its arguments returns its cached array itself, and a right `sse` subtracts in place
    from what it returns: called after its neighbours, `sse` answered wrong (predict's array changed by an earlier
    call) and lost its marks for a state it does not hold (red team round 54, 04). A function is called after its
    neighbours where its own code (or a helper no exercise grades) can hold something: both keep their marks, as
    they did before the probe."""
    source = replace_bodies(solution_source("linear_model"), {
        "predict": "key = (float(m), float(c), np.asarray(x, dtype=float).tobytes())\n"
                   "memo = predict.__dict__.setdefault('memo', {})\nif key not in memo:\n"
                   "    memo[key] = m * np.asarray(x, dtype=float) + c\nreturn memo[key]\n",
        "sse": "r = predict(m, c, x)\nr -= np.asarray(y, dtype=float)\nreturn float(np.sum(r**2))\n"})
    result = _grade_source(sandbox, "linear_model", source)
    assert result.exercise("linear_model.sse").score == result.exercise("linear_model.sse").max_score


# red team round 61, 01 and 02: a cache keyed on the point alone, in the module's namespace reached through the
# function's `__globals__`, or on an object a library call gives the same every call, bound by every binding form
_POINT_KEY = "k = ('nd', np.asarray(x, dtype=float).tobytes(), np.shape(x))\n"
_POINT_CACHE = "if k not in store:\n    store[k] = (f(x + h) - f(x - h)) / (2 * h)\nreturn store[k]\n"
_ON_THE_HOLDER = "if not hasattr(holder, 'table'):\n    holder.table = {}\nstore = holder.table\n"
CACHES_IN_SHARED_STATE = {
    "globals-by-a-walrus": "(store := numerical_derivative.__globals__)\n",
    "globals-by-a-tuple-unpacked": "store, = (numerical_derivative.__globals__,)\n",
    "globals-by-a-for": "for store in (numerical_derivative.__globals__,):\n    pass\n",
    "globals-by-with-as": "import contextlib\nwith contextlib.nullcontext(numerical_derivative.__globals__) as store:\n"
                          "    pass\n",
    "globals-by-a-comprehension": "store = [g for g in (numerical_derivative.__globals__,)][0]\n",
    "a-logger": "import logging\nholder = logging.getLogger('nd')\n" + _ON_THE_HOLDER,
    "the-current-thread": "import threading\nholder = threading.current_thread()\n" + _ON_THE_HOLDER,
    "the-module-imported-again": "import importlib\nholder = importlib.import_module(__name__)\n" + _ON_THE_HOLDER,
    "a-logger-by-a-walrus": "import logging\n(holder := logging.getLogger('nd'))\n" + _ON_THE_HOLDER,
    "a-logger-added-to-a-local": "import logging\nbox = []\nbox += [logging.getLogger('nd')]\nholder = box[0]\n"
                                 + _ON_THE_HOLDER,
}


@pytest.mark.parametrize("name", CACHES_IN_SHARED_STATE)
def test_a_cache_in_shared_state_bound_to_a_local_loses_marks(sandbox, name):
    """Bugs (red team round 61, 01 and 02): a cache keyed on the point alone, kept in the module's namespace reached
    through `numerical_derivative.__globals__` bound by a walrus, a tuple unpacked or a `for`, or on an object a
    library call gives the same every call (a logger, the current thread, the module imported again), was read as
    unable to keep state: no neighbour probe ran, and it kept full marks (4/4; the same cache in a top-level dict
    gets 0/4)."""
    body = CACHES_IN_SHARED_STATE[name] + _POINT_KEY + _POINT_CACHE
    assert may_keep_state(kit.variant_source("derivatives", "numerical_derivative", body), "numerical_derivative")
    own = _grade(sandbox, "derivatives", "numerical_derivative", body).exercise("derivatives.numerical_derivative")
    assert own.score < own.max_score


def _counting(monkeypatch, name: str) -> list[int]:
    calls = [0]
    real = getattr(kept_state, name)

    def counted(*args, **kwargs):
        calls[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(kept_state, name, counted)
    return calls


def test_a_chain_of_helpers_is_read_a_bounded_number_of_times(monkeypatch):
    """A module of helpers each returning the next one's value, the last a fresh one, was read once per link until it
    settled (400 helpers took 38 s of the grader's CPU); now only the callers of a function whose reading changed are
    read again, at most `MOST_READINGS` times, and what is not settled then is read as able to keep state."""
    kept_state._module_reading.cache_clear()
    calls = _counting(monkeypatch, "_returns_shared")
    links = 300
    source = "\n".join([*(f"def h{i}():\n    return h{i + 1}()" for i in range(links)),
                        f"def h{links}():\n    return 1.0",
                        "def f(x):\n    s = h0()\n    s.memo = x\n    return x"]) + "\n"
    keeps = kept_state.may_keep_state(source, "f")
    assert calls[0] <= 2 * (links + 2) + kept_state.MOST_READINGS  # once each, again for the callers, and the chain
    assert keeps  # not settled after `MOST_READINGS`: read as able to keep state (one more probe child)


def test_a_chain_of_aliases_is_read_in_a_few_passes(monkeypatch):
    """A function whose locals are bound one to the next, the first to a shared object, was read again from the start
    for each alias found, its scope made afresh each time (a function of 400 such lines took 25 s); every binding is
    read once per pass now, in one scope."""
    kept_state._module_reading.cache_clear()
    calls = _counting(monkeypatch, "_scope")
    links = 300
    source = "\n".join(["import logging", "def f(x):", "    a0 = logging.getLogger('x')",
                        *(f"    a{i + 1} = a{i}" for i in range(links)), f"    a{links}.memo = x",
                        "    return x"]) + "\n"
    assert kept_state.may_keep_state(source, "f")
    assert calls[0] <= 10


def test_a_parameter_rebound_and_added_into_local_copies_keeps_nothing():
    """A parameter rebound to what a library call returns (`h = np.finfo(float).eps`) and added into local copies of
    the point is a copy of the check's input: nothing outlives the call, every pass of the alias reading agrees (a
    pass that started again from no alias found one each time, never settled, and read every local as shared)."""
    source = kit.variant_source("partial_derivatives", "partial_derivative",
                                "h = np.finfo(float).eps\nplus = np.array(point, dtype=float)\n"
                                "minus = np.array(point, dtype=float)\nplus[i] += h\nminus[i] -= h\n"
                                "return float((f(plus) - f(minus)) / (2 * h))")
    assert not may_keep_state(source, "partial_derivative")


# red team round 62, 02, 04 and 06: a cache keyed on the point alone, on a module function left as a parameter's
# default (reached directly or through a helper), in a graded sibling's mutable default it hands back, or on the
# given function taken out of a tuple
_BOX = "\n\ndef _box():\n    \"\"\"Nothing: its attributes are a box.\"\"\"\n"
_ON_THE_BOX = "if not hasattr(b, 'memo'):\n    b.memo = {}\nstore = b.memo\n"


def _with_top(body: str, top: str) -> str:
    """The variant module with `top` placed right after its NumPy import (before the defs that name it)."""
    return kit.variant_source("derivatives", "numerical_derivative", body).replace(
        "\nimport numpy as np\n", "\nimport numpy as np\n" + top, 1)


def _box_default() -> str:
    source = _with_top("b = box\n" + _ON_THE_BOX + _POINT_KEY + _POINT_CACHE, _BOX)
    signature = "def numerical_derivative(f, x, h=1e-5):"
    assert source.count(signature) == 1
    return source.replace(signature, "def numerical_derivative(f, x, h=1e-5, box=_box):")


def _box_from_a_helper() -> str:
    helper = _BOX + "\n\ndef _the_box(box=_box):\n    \"\"\"The box.\"\"\"\n    return box\n"
    return _with_top("b = _the_box()\n" + _ON_THE_BOX + _POINT_KEY + _POINT_CACHE, helper)


def _memo_of_a_graded_sibling() -> str:
    source = kit.variant_source("derivatives", "numerical_derivative",
                                "store = tangent_line(None, None, None)\n" + _POINT_KEY + _POINT_CACHE)
    assert source.count("def tangent_line(f, df, x0):") == 1 and source.count("    slope = float(df(x0))\n") == 1
    return source.replace("def tangent_line(f, df, x0):", "def tangent_line(f, df, x0, _memo={}):").replace(
        "    slope = float(df(x0))\n", "    if f is None:\n        return _memo\n    slope = float(df(x0))\n")


def _the_given_function_from_a_tuple() -> str:
    return kit.variant_source("derivatives", "numerical_derivative",
                              "g = (f,)[0]\nif not hasattr(g, 'memo'):\n    g.memo = {}\n"
                              "k = np.asarray(x, dtype=float).tobytes()\n"
                              "if k not in g.memo:\n    g.memo[k] = (f(x + h) - f(x - h)) / (2 * h)\nreturn g.memo[k]")


CACHES_ON_SHARED_DEFAULTS = {
    "a-module-function-as-a-default": _box_default,
    "a-module-function-from-a-helpers-default": _box_from_a_helper,
    "a-graded-siblings-mutable-default": _memo_of_a_graded_sibling,
    "the-given-function-out-of-a-tuple": _the_given_function_from_a_tuple,
}


@pytest.mark.parametrize("name", CACHES_ON_SHARED_DEFAULTS)
def test_a_cache_on_a_default_or_the_given_function_loses_marks(sandbox, name):
    """Bugs (red team round 62, 02, 04 and 06): a cache keyed on the point alone, on the attributes of a module
    function left as a parameter's default (`box=_box`, or handed back by a helper's `def _the_box(box=_box)`), in
    the `_memo={}` a graded sibling returns, or on the given function taken out of a tuple (`g = (f,)[0]`), was read
    as unable to keep state (a parameter, or a name in a container, read as a copy of the check's input): no
    neighbour probe ran, and it kept full marks (4/4; the same cache in a top-level dict gets 0/4)."""
    source = CACHES_ON_SHARED_DEFAULTS[name]()
    graded = frozenset({"numerical_derivative", "tangent_line"})
    assert may_keep_state(source, "numerical_derivative", graded)
    own = _grade_source(sandbox, "derivatives", source).exercise("derivatives.numerical_derivative")
    assert own.score < own.max_score


@pytest.mark.parametrize("default", ["h=1e-5", "h=H", "h=-1e-5", "dtype=float", "dtype=np.float64", "act=np.tanh",
                                     "act=math.sin", "shape=(2, 3)", "out=None"])
def test_a_parameter_left_to_an_immutable_default_is_a_copy_of_the_input(default):
    """A parameter whose default nothing can be stored on (a number, a module constant, a builtin, a NumPy type or
    ufunc) is read as before, bound to a local and returned: nothing outlives the call."""
    name = default.split("=")[0]
    source = (f"import math\nimport numpy as np\n\nH = 1e-5\n\n\ndef f(x, {default}):\n    y = {name}\n"
              "    z = [y]\n    z.append(x)\n    return z\n")
    assert not may_keep_state(source, "f")


def test_a_function_default_only_called_keeps_nothing():
    """A module function left as a default and only called (`activation=sigmoid`, as in a network's forward pass)
    holds nothing: its values are fresh, as before."""
    source = ("import numpy as np\n\n\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n\n\n"
              "def forward(w, x, activation=sigmoid):\n    z = np.dot(w, x)\n    a = activation(z)\n"
              "    out = [a]\n    out.append(z)\n    return out\n")
    assert not may_keep_state(source, "forward")
