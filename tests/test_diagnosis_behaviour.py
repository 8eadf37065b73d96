"""The behavioural operators (grader/diagnosis/behaviour.py): each names its mistake written in the ways students
write it (bodies of our own, not the corpus's), and names nothing on correct code, on the curriculum's known
mistakes (their hint stands), on unrelated mistakes and where two operators explain the answers equally."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import numpy as np
import pytest

from grader import kit
from grader.compare import Tolerance
from grader.curriculum import DECLARED, EXERCISES
from grader.curriculum.common import parent_call
from grader.diagnosis import AnswerSeen, behaviour
from grader.diagnosis.behaviour import ALL_OPERATORS, explain
from grader.engine import LIVE, plan
from grader.spec import Case

sys.path.insert(0, str(Path(__file__).resolve().parent / "corpus"))
from corpus_data import load  # noqa: E402

CORRECT, _ = load()
BY_KEY = {exercise.key: exercise for exercise in DECLARED}  # the fifth module's exercises too


def observations(key: str, body: str) -> list[AnswerSeen]:
    """What the engine hands the diagnosis: every check that answered (public and hidden), with the reference."""
    exercise = BY_KEY[key]
    found = []
    for p in plan([exercise], hidden=True, course_seed="course", student="student"):
        try:
            with np.errstate(all="ignore"):
                value = parent_call(kit.variant_function(exercise.module, exercise.function, body), p.case)
        except Exception:  # noqa: BLE001 - a wrong body may fail on some inputs, as a student's does
            continue
        expectation = LIVE.expectations(p)[-1]
        found.append(AnswerSeen(p.case, value, expectation.value, expectation.tolerance))
    return found


def named(key: str, body: str) -> behaviour.Operator | None:
    return explain(BY_KEY[key], observations(key, body))


NAMED = [
    pytest.param("gradient_descent.gradient_descent",
                 "m, c = float(m0), float(c0)\npath = [[m, c]]\nfor _ in range(n_steps):\n"
                 "    _, gc = sse_gradient(m, c, x, y)\n    c -= learning_rate * gc\n"
                 "    gm, _ = sse_gradient(m, c, x, y)\n    m -= learning_rate * gm\n    path.append([m, c])\n"
                 "return np.array(path)", "sequential update", id="sequential-intercept-first"),
    pytest.param("gradient_descent.gradient_descent",
                 "w = np.array([m0, c0], dtype=float)\npath = [w.copy()]\nfor _ in range(n_steps):\n"
                 "    w[1] -= learning_rate * sse_gradient(w[0], w[1], x, y)[1]\n    path.append(w.copy())\n"
                 "return np.array(path)", "only one weight updated", id="only-the-intercept-moves"),
    pytest.param("gradient_descent.gradient_step",
                 "w = np.array(weights, dtype=float)\n"
                 "w[-1] = w[-1] - learning_rate * np.asarray(grad, dtype=float)[-1]\nreturn w",
                 "only one weight updated", id="step-updates-the-last-weight"),
    pytest.param("gradient_descent.gradient_descent",
                 "gm, gc = sse_gradient(m0, c0, x, y)\nrows = [(m0, c0)]\nm, c = m0, c0\nfor _ in range(n_steps):\n"
                 "    m, c = m - learning_rate * gm, c - learning_rate * gc\n    rows.append((m, c))\n"
                 "return np.array(rows, dtype=float)", "gradient evaluated once", id="path-gradient-once"),
    pytest.param("gradient_descent.descend_1d",
                 "x = float(x0)\nslope = df(x)\nfor _ in range(n_steps):\n    x -= learning_rate * slope\nreturn x",
                 "gradient evaluated once", id="descent-slope-once"),
    pytest.param("gradient_descent.descend_1d",
                 "x = float(x0)\nfor _ in range(n_steps):\n    x_new = x - learning_rate * df(x)\nreturn float(x_new)",
                 "update not carried forward", id="descent-new-name-never-read"),
    pytest.param("gradient_descent.gradient_descent",
                 "w = np.array([m0, c0], dtype=float)\npath = [w.copy()]\nfor _ in range(n_steps):\n"
                 "    new_w = gradient_step(w, sse_gradient(w[0], w[1], x, y), learning_rate)\n    path.append(new_w)\n"
                 "return np.array(path)", "update not carried forward", id="path-from-the-start-each-step"),
    pytest.param("gradient_descent.descend_1d",
                 "x = float(x0)\nfor _ in range(n_steps):\n    g = df(x)\n    if abs(g) < 1e-8:\n        break\n"
                 "    x = x - learning_rate * g\nreturn x", "stops early", id="gradient-threshold"),
    pytest.param("gradient_descent.descend_1d",
                 "x = float(x0)\nk = 0\nwhile k < n_steps:\n    new = x - learning_rate * df(x)\n"
                 "    if abs(new - x) < 1e-8:\n        x = new\n        break\n    x = new\n    k += 1\nreturn x",
                 "stops early", id="step-threshold-after-the-step"),
    # the iterates averaged, as a chain's (start included or not): nothing was said
    pytest.param("gradient_descent.descend_1d",
                 "x = float(x0)\nvisited = [x]\nfor _ in range(n_steps):\n    x = x - learning_rate * df(x)\n"
                 "    visited.append(x)\nreturn float(np.mean(visited))", "iterates averaged", id="mean-of-iterates"),
    pytest.param("gradient_descent.descend_1d",
                 "x = float(x0)\ntotal = 0.0\nfor _ in range(n_steps):\n    x = x - learning_rate * df(x)\n"
                 "    total += x\nreturn total / n_steps", "iterates averaged", id="mean-of-steps-taken"),
    # the neighbouring question (the fortieth holdout): a history for the last value, the step for the new
    # weights, a difference never divided by its run (nothing was said but the shape or "off by")
    pytest.param("gradient_descent.descend_1d",
                 "x = float(x0)\nhistory = [x]\nfor _ in range(n_steps):\n    x = x - learning_rate * df(x)\n"
                 "    history.append(x)\nreturn history", "every iterate returned", id="history-for-last"),
    pytest.param("gradient_descent.gradient_step", "return -learning_rate * np.asarray(grad, dtype=float)",
                 "the change for the new value", id="step-for-new-weights"),
    pytest.param("derivatives.numerical_derivative", "return f(x + h) - f(x - h)", "divisor left out",
                 id="rise-without-run"),
    # an answer of another kind where the right one's neighbour was returned: a reduction of it (its norm, its
    # determinant, its last row), or more than it, the right one inside (a pair holding it, its terms unsummed)
    pytest.param("partial_derivatives.gradient",
                 "g = np.array([partial_derivative(f, point, i, h) for i in range(len(point))])\n"
                 "return float(np.sqrt(np.sum(g ** 2)))", "the length for the vector", id="gradient-norm"),
    pytest.param("gradient_descent.gradient_descent",
                 "w = np.array([m0, c0], dtype=float)\nfor _ in range(n_steps):\n"
                 "    w = gradient_step(w, sse_gradient(w[0], w[1], x, y), learning_rate)\nreturn w",
                 "the last part only", id="final-weights-for-path"),
    pytest.param("gradient_descent.df_nonconvex", "return x**4 - 3 * x**2 + x, 4 * x**3 - 6 * x + 1",
                 "the right answer inside: last entry", id="value-with-slope"),
    pytest.param("gradient_descent.sse_gradient",
                 "r = np.asarray(y, dtype=float) - (m * np.asarray(x, dtype=float) + c)\n"
                 "return np.array([-2 * np.asarray(x, dtype=float) * r, -2 * r])",
                 "the right answer inside: last axis summed", id="terms-never-summed"),
    # both values rounded to whole numbers at the end: told as the result rounded (a repair said it before, as
    # "dropping every `round(...)`", when rounding to 0 decimals was no operator's)
    pytest.param("derivatives.tangent_line", "s = df(x0)\nb = f(x0) - s * x0\nreturn round(s), round(b)",
                 "result rounded", id="rounded-to-whole-numbers"),
    pytest.param("gradient_descent.best_of_starts",
                 "return [descend_1d(df, s, learning_rate, n_steps) for s in starts]",
                 "the right answer inside: one of its entries", id="every-end-point"),
    pytest.param("linear_model.error_profile_slope",
                 "return int(np.argmin([sse(s, c, x, y) for s in slopes]))", "the best place for every value",
                 id="argmin-for-profile"),
    pytest.param("linear_model.error_profile_slope",
                 "values = [sse(s, c, x, y) for s in slopes]\nreturn float(slopes[int(np.argmin(values))])",
                 "the best candidate for every value", id="best-slope-for-profile"),
    pytest.param("linear_model.sse", "return np.asarray(y, dtype=float) - predict(m, c, x)",
                 "the right answer inside: squares summed", id="residuals-for-sse"),
    pytest.param("linear_model.best_fit_on_grid",
                 "surface = error_surface(slopes, intercepts, x, y)\n"
                 "i, j = np.unravel_index(np.argmin(surface), surface.shape)\nreturn int(j), int(i)",
                 "positions for values", id="grid-indices-for-values"),
    pytest.param("gradient_descent.best_of_starts",
                 "ends = sorted(descend_1d(df, s, learning_rate, n_steps) for s in starts)\nreturn float(ends[0])",
                 "kept the smallest candidate", id="smallest-end-point"),
    pytest.param("gradient_descent.best_of_starts", "return float(descend_1d(df, starts[0], learning_rate, n_steps))",
                 "first candidate kept", id="first-start"),
    pytest.param("gradient_descent.best_of_starts",
                 "best = None\nfor s in starts:\n    best = descend_1d(df, s, learning_rate, n_steps)\n"
                 "return float(best)",
                 "last candidate kept", id="last-start"),
    pytest.param("gradient_descent.best_of_starts",
                 "ends = [descend_1d(df, s, learning_rate, n_steps) for s in starts]\n"
                 "return float(min(ends, key=df))", "compared the derivative", id="lowest-slope"),
    pytest.param("linear_model.error_surface",
                 "return np.array([sse(slopes[k], intercepts[k], x, y) for k in range(min(len(slopes), "
                 "len(intercepts)))])", "pairs instead of a grid", id="grid-by-index-pairs"),
    pytest.param("linear_model.error_surface",
                 "row = np.zeros(len(slopes))\nrows = []\nfor c in intercepts:\n    for j, m in enumerate(slopes):\n"
                 "        row[j] = sse(m, c, x, y)\n    rows.append(row)\nreturn np.array(rows)",
                 "rows aliased to the last", id="one-row-array-reused"),
    pytest.param("linear_model.error_surface",
                 "E = np.array([[(y - (m * x + c))**2 for m in slopes] for c in intercepts])\nreturn E.sum(axis=0)",
                 "sum over the wrong axis", id="sum-over-the-intercepts"),
    pytest.param("partial_derivatives.classify_critical_point",
                 "ev = np.linalg.eigvalsh(np.asarray(hessian_matrix, dtype=float))\n"
                 "tol = 1e-8 * max(1.0, np.abs(ev).max())\nif (np.abs(ev) <= tol).any():\n    return 'degenerate'\n"
                 "if (ev < 0).all():\n    return 'minimum'\nif (ev > 0).all():\n    return 'maximum'\n"
                 "return 'saddle'", "labels swapped", id="minimum-and-maximum-swapped"),
    pytest.param("partial_derivatives.classify_critical_point",
                 "ev = np.linalg.eigvalsh(np.asarray(hessian_matrix, dtype=float))\n"
                 "tol = 1e-8 * max(1.0, np.abs(ev).max())\nif (np.abs(ev) <= tol).any():\n    return 'degenerate'\n"
                 "if (ev > 0).any():\n    return 'minimum'\nif (ev < 0).any():\n    return 'maximum'\n"
                 "return 'saddle'", "any instead of all", id="any-sign"),
    pytest.param("linear_model.error_profile_intercept",
                 "out = np.zeros(len(intercepts))\nfor k in range(len(intercepts)):\n"
                 "    out[k - 1] = sse(m, intercepts[k], x, y)\nreturn out", "entries one place off",
                 id="stored-one-early"),
    pytest.param("linear_model.error_profile_intercept",
                 "return np.cumsum([sse(m, c, x, y) for c in intercepts])", "running total", id="cumulative"),
    pytest.param("linear_model.error_profile_slope",
                 "return np.array(sorted(sse(m, c, x, y) for m in slopes))", "results sorted", id="sorted"),
    pytest.param("linear_model.error_profile_slope",
                 "return np.array([sse(int(m), c, x, y) for m in slopes])", "truncated to integers",
                 id="slopes-truncated"),
    pytest.param("gradient_descent.descend_1d",
                 "x = np.floor(x0) if x0 > 0 else np.ceil(x0)\nfor _ in range(n_steps):\n"
                 "    x = x - learning_rate * df(x)\nreturn float(x)", "truncated to integers", id="start-truncated"),
    pytest.param("linear_model.sse", "r = y - (m * x + c)\nreturn float(r @ r / 2)", "half the sum",
                 id="half-sse"),
    pytest.param("gradient_descent.gradient_step",
                 "return np.asarray(weights, dtype=float) - np.asarray(grad, dtype=float) / learning_rate",
                 "divided by the learning rate", id="divides"),
    pytest.param("derivatives.numerical_derivative", "return (f(x + 1e-5) - f(x - 1e-5)) / 2e-5",
                 "argument left at its default", id="fixed-step"),
    pytest.param("gradient_descent.descend_1d",
                 "x = float(x0)\nfor _ in range(n_steps):\n    x = x - learning_rate * df(x)\nreturn round(x, 3)",
                 "result rounded", id="rounded"),
    pytest.param("partial_derivatives.partial_derivative",
                 "p = np.array(point, dtype=float)\ne = np.zeros_like(p)\ne[(i - 1) % p.size] = h\n"
                 "return float((f(p + e) - f(p - e)) / (2 * h))", "index off by one", id="previous-coordinate"),
    pytest.param("gradient_descent.gradient_descent",
                 "w = np.array([m0, c0], dtype=float)\npath = [w]\nfor _ in range(n_steps - 1):\n"
                 "    w = gradient_step(w, sse_gradient(w[0], w[1], x, y), learning_rate)\n    path.append(w)\n"
                 "return np.array(path)", "one step fewer", id="path-one-step-short"),
    pytest.param("linear_model.error_profile_intercept", "return np.array([sse(0.0, c, x, y) for c in intercepts])",
                 "argument ignored", id="slope-taken-as-zero"),
    pytest.param("linear_model.sse", "return float(np.sum((y - (m * x - c))**2))", "sign of an argument",
                 id="minus-c"),
    pytest.param("linear_model.sse", "return float(np.sum((y[:-1] - (m * x[:-1] + c))**2))", "data point left out",
                 id="last-point-left-out"),
    pytest.param("partial_derivatives.partial_derivative",
                 "up = [float(v) + h for v in point]\ndown = [float(v) - h for v in point]\n"
                 "return float((f(np.array(up)) - f(np.array(down))) / (2 * h))", "every entry changed",
                 id="every-coordinate-as-lists"),
    pytest.param("partial_derivatives.partial_derivative",
                 "step = np.full(len(point), h)\nreturn float((f(np.asarray(point, dtype=float) + step)"
                 " - f(np.asarray(point, dtype=float) - step)) / (2 * h))", "every entry changed",
                 id="every-coordinate-as-a-vector-of-h"),
    pytest.param("neural_network.dloss_db",
                 "p = sigmoid(w * np.asarray(x, dtype=float) + b)\n"
                 "return float(2 * np.sum((p - y) * (1 - p * p)))", "tanh's derivative", id="tanh-derivative"),
    pytest.param("neural_network.dloss_dw",
                 "total = 0.0\nfor xi, yi in zip(x, y):\n    p = sigmoid(w * xi + b)\n"
                 "    total += 2 * (p - yi) * (1 - p) * xi\nreturn float(total)",
                 "half of the sigmoid's derivative", id="only-one-minus-p"),
    pytest.param("linear_model.predict", "return np.multiply(m, x)", "argument ignored",
                 id="intercept-ignored-on-integer-checks-too"),
    pytest.param("neural_network.backprop",
                 "xs = np.asarray(x, dtype=float)\nwh = np.asarray(w_hidden, dtype=float)\n"
                 "bh = np.asarray(b_hidden, dtype=float)\nwo = np.asarray(w_out, dtype=float)\n"
                 "h = sigmoid(np.outer(xs, wh) + bh)\ne = 2 * (h @ wo + b_out - np.asarray(y, dtype=float))\n"
                 "d = np.outer(e, wo) * h * (1 - h)\n"
                 "return np.concatenate([(d * xs[:, None]).sum(axis=0), h.T @ e, d.sum(axis=0), [e.sum()]])",
                 "parts in another order", id="blocks-in-another-order"),
    pytest.param("neural_network.steps_to_escape",
                 "p = np.asarray(saddle, dtype=float) + np.asarray(offset, dtype=float)\nfor k in range(max_steps):\n"
                 "    p = p - learning_rate * np.array([df_du(p), df_dv(p)])\n"
                 "    if np.sqrt(np.sum(p ** 2)) > radius:\n        return k + 1\nreturn -1",
                 "distance from the origin", id="distance-of-the-point-itself"),
    pytest.param("neural_network.per_weight_steps",
                 "gw = dloss_dw(w, b, x, y)\ngb = dloss_db(w, b, x, y)\nreturn np.array([learning_rate * gw, "
                 "learning_rate * gb])", "absolute value dropped", id="signed-steps-as-they-come"),
    pytest.param("neural_network.steps_to_escape",
                 "p = np.asarray(saddle, dtype=float) + np.asarray(offset, dtype=float)\nc = np.asarray(saddle)\n"
                 "for k in range(1, max_steps + 1):\n    p = p - learning_rate * np.array([df_du(p), df_dv(p)])\n"
                 "    if (p[0] - c[0]) ** 2 + (p[1] - c[1]) ** 2 > radius:\n        return k\nreturn -1",
                 "length squared", id="squared-distance-against-the-radius"),
    pytest.param("neural_network.gradient_norm_along_path",
                 "p = np.array(start, dtype=float)\nout = []\nfor _ in range(n_steps + 1):\n"
                 "    gu, gv = df_du(p), df_dv(p)\n    out.append(abs(gu) + abs(gv))\n"
                 "    p = p - learning_rate * np.array([gu, gv])\nreturn np.array(out)", "sum of the sizes",
                 id="l1-length"),
    pytest.param("gradient_descent.gradient_descent",
                 "path = []\nw = np.array([m0, c0], dtype=float)\nfor _ in range(n_steps):\n"
                 "    w = gradient_step(w, sse_gradient(w[0], w[1], x, y), learning_rate)\n    path.append(w)\n"
                 "path.append(w)\nreturn np.array(path)", "each row one step ahead", id="start-row-lost-last-repeated"),
    pytest.param("gradient_descent.gradient_descent",
                 "rows = np.zeros((n_steps + 1, 2))\nm, c = float(m0), float(c0)\nfor k in range(n_steps):\n"
                 "    gm, gc = sse_gradient(m, c, x, y)\n"
                 "    m, c = m - learning_rate * gm, c - learning_rate * gc\n    rows[k, 0], rows[k, 1] = m, c\n"
                 "return rows", "each row one step ahead", id="start-row-lost-last-zero"),
    pytest.param("gradient_descent.gradient_descent",
                 "x = np.asarray(x, dtype=float)\ny = np.asarray(y, dtype=float)\nrows = [(float(c0), float(m0))]\n"
                 "m, c = float(m0), float(c0)\nfor _ in range(n_steps):\n    r = y - (m * x + c)\n"
                 "    m, c = m + learning_rate * 2 * np.sum(x * r), c + learning_rate * 2 * np.sum(r)\n"
                 "    rows.append((c, m))\nreturn np.array(rows)", "columns swapped", id="path-of-c-then-m"),
    pytest.param("neural_network.train_neuron",
                 "w, b = float(w0), float(b0)\nout = np.zeros((n_steps + 1, 2))\nout[0] = b, w\n"
                 "for k in range(1, n_steps + 1):\n    gw, gb = dloss_dw(w, b, x, y), dloss_db(w, b, x, y)\n"
                 "    w, b = w - learning_rate * gw, b - learning_rate * gb\n    out[k] = b, w\nreturn out",
                 "columns swapped", id="training-path-of-b-then-w"),
    # the second tier: tried where no operator above explains the answers
    pytest.param("neural_network.backprop",
                 "xs = np.asarray(x, dtype=float)\nh = sigmoid(np.outer(xs, w_hidden) + b_hidden)\n"
                 "e = 2 * (h @ np.asarray(w_out, dtype=float) + b_out - np.asarray(y, dtype=float))\n"
                 "d = np.outer(e, w_out) * h * (1 - h)\n"
                 "return np.concatenate([d.sum(axis=0), d.sum(axis=0), h.T @ e, [e.sum()]])",
                 "factor left out", id="hidden-weights-without-the-input"),
    pytest.param("derivatives.tangent_line",
                 "slope = df(x0)\nreturn (float(slope), float(f(x0) - slope))", "factor left out",
                 id="intercept-without-x0"),
    pytest.param("neural_network.dloss_db",
                 "total = 0.0\nfor xi, yi in zip(x, y):\n    p = sigmoid(w * xi + b)\n"
                 "    total += 2 * (p - yi) * yi * (1 - yi)\nreturn float(total)",
                 "sigmoid's derivative at another value", id="derivative-written-with-the-targets"),
    pytest.param("neural_network.dloss_dw",
                 "x = np.asarray(x, dtype=float)\np = sigmoid(w * x + b)\ns = sigmoid(x)\n"
                 "return float(np.sum(2 * (p - y) * s * (1 - s) * x))",
                 "sigmoid's derivative at another value", id="derivative-at-the-input"),
    pytest.param("neural_network.dloss_db",
                 "xs = np.asarray(x, dtype=float)\nz = w * xs + b\n"
                 "return float(np.sum(2 * (sigmoid(z) - y) * z * (1 - z)))",
                 "sigmoid's derivative at another value", id="derivative-at-the-pre-activation"),
    pytest.param("derivatives.tangent_line", "return float(df(x0)), float(f(0))", "argument ignored in one value",
                 id="intercept-at-zero"),
    pytest.param("neural_network.neuron_loss", "return float(np.sum(np.abs(neuron(w, b, x) - y)))",
                 "absolute values for squares", id="absolute-errors-summed"),
    pytest.param("linear_model.sse", "return float(np.linalg.norm(np.asarray(y) - predict(m, c, x)))",
                 "square root taken", id="norm-of-the-residuals"),
    pytest.param("neural_network.neuron_loss", "r = neuron(w, b, x) - y\nreturn float(np.sqrt(r @ r))",
                 "square root taken", id="root-of-the-loss"),
    pytest.param("neural_network.steps_to_escape",
                 "c = np.asarray(saddle, dtype=float)\np = c + np.asarray(offset, dtype=float)\nk = 0\n"
                 "while k < max_steps:\n    p = p - learning_rate * np.array([df_du(p), df_dv(p)])\n    k += 1\n"
                 "    if np.hypot(*(p - c)) > radius:\n        return k + 1\nreturn -1",
                 "count one too high", id="count-one-too-high"),
    # the variables numbered from the last (a source that orders them (y, x)): rows and columns both reversed
    pytest.param("partial_derivatives.hessian",
                 "p = np.array(point, dtype=float)\nn = p.size\nresult = np.zeros((n, n))\n"
                 "for a in range(n):\n    for b in range(n):\n        i, j = n - 1 - a, n - 1 - b\n"
                 "        e_i, e_j = h * np.eye(n)[i], h * np.eye(n)[j]\n"
                 "        result[a, b] = (f(p + e_i + e_j) - f(p + e_i - e_j) - f(p - e_i + e_j)"
                 " + f(p - e_i - e_j)) / (4 * h ** 2)\nreturn result", "variables in reverse order",
                 id="hessian-variables-from-the-last"),
    # two slips: a pair of operators, where neither explains the answers alone
    pytest.param("neural_network.neuron_loss",
                 "r = sigmoid(w * np.asarray(x, dtype=float) + b) - np.asarray(y, dtype=float)\n"
                 "return float(np.mean(r ** 2) / 2)", "half the sum + mean instead of sum", id="half-mean-loss"),
    pytest.param("linear_model.error_surface",
                 "return np.array([[sse(m, c, x, y) / len(x) for c in intercepts] for m in slopes])",
                 "mean instead of sum + rows and columns swapped", id="transposed-mean-surface"),
    pytest.param("neural_network.dloss_db",
                 "a = neuron(w, b, x)\nreturn float(np.mean(2 * (np.asarray(y) - a) * a * (1 - a)))",
                 "sign flipped + mean instead of sum", id="listed-sign-and-a-mean"),
    pytest.param("gradient_descent.descend_1d",
                 "x = float(x0)\nfor _ in range(n_steps + 1):\n    x += learning_rate * df(x)\nreturn x",
                 "gradient ascent + one step more", id="listed-ascent-and-a-step-more"),
]


@pytest.mark.parametrize(("key", "body", "operator"), NAMED)
def test_each_operator_names_its_mistake(key, body, operator):
    found = named(key, body)
    assert found is not None and found.name == operator, found


@pytest.mark.parametrize("body", [
    "return np.zeros(len(point))",
    "p = np.array(point, dtype=float)\ngrad = np.zeros(p.size)\nfor k in range(p.size):\n    keep = p[k]\n"
    "    p[k] = keep + h\n    ahead = f(p)\n    behind = f(p)\n    p[k] = keep\n"
    "    grad[k] = (ahead - behind) / (2 * h)\nreturn grad",
])
def test_answers_that_are_0_everywhere_name_no_operator_and_no_pair(body):
    """0 everywhere is what many slips give: two equal values subtracted (here the step to one side never taken
    back) was told "forward difference + truncated to integers", a pair whose int array swallows the step."""
    assert named("partial_derivatives.gradient", body) is None


@pytest.mark.parametrize(("key", "body"), [
    ("partial_derivatives.classify_critical_point", "return 'degenerate'"),
    ("neural_network.steps_to_escape", "return -1"),
])
def test_one_answer_for_every_input_names_no_operator(key, body):
    """A constant 'degenerate' was told "a factor 1e-08 is missing in one place": a threshold without it calls every
    matrix degenerate, but so does a constant; an answer that ignores its input says nothing of how it was made."""
    assert named(key, body) is None



def test_a_factor_left_out_names_the_factor():
    found = named("derivatives.tangent_line", "slope = df(x0)\nreturn (float(slope), float(f(x0) - slope))")
    assert found is not None and "a factor x0 is missing" in found.hint and "multiply by x0" in found.hint


def test_a_pair_hint_tells_both_slips():
    found = named("neural_network.neuron_loss", "r = sigmoid(w * np.asarray(x, dtype=float) + b) - y\n"
                                                "return float(0.5 * np.mean(r ** 2))")
    assert found is not None and found.hint.startswith("two slips")
    assert "half of the sum" in found.hint and "mean instead of sum: the loss is a sum" in found.hint


def test_a_sum_over_the_wrong_axis_of_another_layout_is_one_slip_not_a_transpose_too():
    """Bug: residuals laid out data first, (n, intercepts, slopes), summed over the slopes' axis: the answers were
    explained by the pair "rows and columns swapped + sum over the wrong axis" and told "two slips ... first:
    your result is the transpose of the right one", although nothing was transposed. A sum over the wrong axis
    of an array laid out otherwise than the reference's comes out transposed too: it is told as the one slip."""
    found = named("linear_model.error_surface",
                  "m, c = np.meshgrid(np.asarray(slopes, dtype=float), np.asarray(intercepts, dtype=float))\n"
                  "squares = np.array([(yi - (m * xi + c)) ** 2 for xi, yi in zip(x, y)])\n"
                  "return squares.sum(axis=2)")
    assert found is not None and found.name == "sum over the wrong axis of your own layout", found
    assert "transpose" not in found.hint and "two slips" not in found.hint
    assert behaviour.second_tier(found.name)  # an edit that repairs the code still says where


def test_pairs_are_not_tried_on_labels():
    """An exact zero test with minimum and maximum swapped: np.all where np.any belongs and the labels swapped give
    the same labels on every check, but that is not what was done (a label carries too little to tell pairs
    apart)."""
    body = ("ev = np.linalg.eigvalsh(np.asarray(hessian_matrix, dtype=float))\nif np.any(ev == 0):\n"
            "    return 'degenerate'\nif np.all(ev > 0):\n    return 'maximum'\nif np.all(ev < 0):\n"
            "    return 'minimum'\nreturn 'saddle'")
    assert named("partial_derivatives.classify_critical_point", body) is None


def test_a_fallback_or_pair_name_is_second_tier():
    assert behaviour.second_tier("factor left out") and behaviour.second_tier("half the sum + mean instead of sum")
    assert behaviour.second_tier("sign flipped + mean instead of sum")
    assert not behaviour.second_tier("half the sum") and not behaviour.second_tier("sign flipped")


def test_no_listed_or_operator_name_looks_like_a_pair():
    names = [operator.name for operator in ALL_OPERATORS] + [m.name for e in DECLARED for m in e.misconceptions]
    assert not [name for name in names if behaviour.PAIR_JOIN in name]


def test_a_filled_hint_names_the_argument_and_no_value():
    found = named("derivatives.numerical_derivative", "return (f(x + 1e-5) - f(x - 1e-5)) / 2e-5")
    assert found is not None and "ignores h" in found.hint and "{" not in found.hint
    assert not re.search("[0-9]", found.hint)


def test_every_hint_is_plain_words_without_values():
    """No number of an input or an answer: no decimals, no powers of ten, nothing to fill but an argument's name."""
    for operator in ALL_OPERATORS:
        assert operator.hint and not re.search(r"[0-9]\.[0-9]|[0-9]e-|\{(?!detail\})", operator.hint), operator.name


@pytest.mark.parametrize("entry", CORRECT, ids=[entry.id for entry in CORRECT])
def test_correct_code_of_other_people_gets_no_operator(entry):
    assert named(f"{entry.module}.{entry.function}", entry.body) is None


CURRICULUM = [pytest.param(exercise.key, body, id=f"{exercise.function}-{label}")
              for exercise in EXERCISES
              for label, body in [*((m.name, m.body) for m in exercise.misconceptions),
                                  *((f"alternative {n}", alt) for n, alt in enumerate(exercise.alternatives))]]


@pytest.mark.parametrize(("key", "body"), CURRICULUM)
def test_the_curriculums_known_mistakes_and_alternatives_get_no_operator(key, body):
    """A listed mistake keeps its own hint: an operator that explains it too is ambiguous, so says nothing."""
    assert named(key, body) is None


@pytest.mark.parametrize(("key", "body"), [
    pytest.param("gradient_descent.descend_1d",
                 "x = float(x0)\nfor _ in range(n_steps):\n    x = x - 0.9 * learning_rate * df(x)\nreturn x",
                 id="shorter-steps"),
    pytest.param("linear_model.error_surface",
                 "return np.array([[sse(m, c, x, y) + 1 for m in slopes] for c in intercepts])", id="off-by-one-sse"),
    pytest.param("linear_model.error_profile_slope", "return np.array([sse(m, c, x, y) for m in slopes])[::-1]",
                 id="reversed"),
    pytest.param("gradient_descent.best_of_starts",
                 "ends = [descend_1d(df, s, learning_rate, n_steps) for s in starts]\n"
                 "return float(sum(ends) / len(ends))", id="mean-of-ends"),
    # a step that does not move: not a learning rate truncated to 0 (a degenerate truncation is no evidence)
    pytest.param("gradient_descent.gradient_step",
                 "w = np.asarray(weights, dtype=float)\nreturn w + 1e-13 * np.ones(w.shape)", id="no-move"),
    # started at the offset rather than saddle + offset: where the saddle is away from the origin it leaves at the
    # first step, as measuring from the origin does too; a count of 1 is no evidence of either (and where the
    # saddle is near the origin, the two leave at different steps)
    pytest.param("neural_network.steps_to_escape",
                 "s = np.array(saddle, dtype=float)\np = np.array(offset, dtype=float)\nk = 0\n"
                 "while k < max_steps:\n    k += 1\n"
                 "    p = p - learning_rate * np.array([df_du(p), df_dv(p)], dtype=float)\n"
                 "    if np.linalg.norm(p - s) > radius:\n        return k\nreturn -1", id="started-at-the-offset"),
])
def test_unrelated_or_ambiguous_mistakes_get_no_operator(key, body):
    assert named(key, body) is None


@pytest.mark.parametrize(("body", "operator"), [
    ("ev = np.linalg.eigvalsh(np.asarray(hessian_matrix, dtype=float))\nif min(ev) > 0:\n"
     "    return 'minimum'\nif max(ev) < 0:\n    return 'maximum'\n"
     "if min(abs(ev)) <= 1e-8 * max(1.0, max(abs(ev))):\n    return 'degenerate'\nreturn 'saddle'",
     "test in the wrong order"),
    ("ev = np.linalg.eigvalsh(np.asarray(hessian_matrix, dtype=float))\nif np.any(np.abs(ev) < 1e-8):\n"
     "    return 'degenerate'\nif np.all(ev > 0):\n    return 'minimum'\nif np.all(ev < 0):\n"
     "    return 'maximum'\nreturn 'saddle'", "absolute threshold"),
])
def test_tests_in_the_wrong_order_and_an_absolute_threshold_are_told_apart(body, operator):
    """Both call large positive eigenvalues with one under the relative threshold a minimum; with large
    eigenvalues of both signs, the test made late still finds the degenerate one and the absolute threshold
    calls it a saddle (a check of its own, so that neither is said where the other was done)."""
    found = named("partial_derivatives.classify_critical_point", body)
    assert found is not None and found.name == operator, found


def test_mutant_values_are_cached_per_check_case(monkeypatch):
    key = "gradient_descent.descend_1d"
    seen = observations(key, "x = float(x0)\nslope = df(x)\nfor _ in range(n_steps):\n    x -= learning_rate * slope\n"
                             "return x")
    assert explain(BY_KEY[key], seen) is not None
    calls = []
    original = behaviour.parent_call
    monkeypatch.setattr(behaviour, "parent_call", lambda *args: calls.append(1) or original(*args))
    assert explain(BY_KEY[key], seen) is not None
    assert not calls


def test_an_index_shifted_up_is_tried_as_well_as_down():
    """Both shifts of an index name the same argument; each is its own variant (they once shared one remembered
    value, so only the shift down was ever tried)."""
    exercise = BY_KEY["partial_derivatives.partial_derivative"]
    operator = next(operator for operator in ALL_OPERATORS if operator.name == "index off by one")
    student = kit.variant_function(exercise.module, exercise.function,
                                   "p = np.array(point, dtype=float)\ne = np.zeros_like(p)\ne[(i + 1) % p.size] = h\n"
                                   "return float((f(p + e) - f(p - e)) / (2 * h))")
    reference = kit.solution_module(exercise.module).partial_derivative
    f = next(p.case.args[0] for p in plan([exercise], hidden=False, course_seed="c", student="s")
             if np.size(p.case.args[1]) == 3)
    seen = []
    for point in ([0.3, -1.2, 0.7], [1.1, 0.4, -0.6], [-0.8, 0.9, 1.3]):
        case = Case((f, np.array(point), 0, 1e-5), {})
        seen.append(AnswerSeen(case, parent_call(student, case), parent_call(reference, case), Tolerance(1e-6, 1e-6)))
    assert behaviour._explaining_detail(exercise, operator, seen) == "i"


def test_a_function_reached_by_several_mutants_is_changed_once():
    """sse (and predict, which it calls) is reached from sse, error_profile_slope and error_profile_intercept: an
    operator changes each function once, and every mutant that reaches it executes that changed form."""
    behaviour._mutated_code.cache_clear()
    behaviour.mutant.cache_clear()
    made = [behaviour.mutant("linear_model", function, "mean instead of sum")
            for function in ("sse", "error_profile_slope", "error_profile_intercept")]
    assert all(made)
    built = behaviour._mutated_code.cache_info()
    assert (built.misses, built.hits) == (4, 4)  # predict, sse and the two profiles, built once each
    x, y = np.array([1.0, 2.0, 4.0]), np.array([2.0, 3.0, 7.0])
    reference = kit.solution_module("linear_model")
    assert made[0](1.0, 0.5, x, y) != reference.sse(1.0, 0.5, x, y)
    assert made[1](np.array([1.0]), 0.5, x, y)[0] == made[0](1.0, 0.5, x, y)  # the profile calls the changed sse


EIGENVALUES_READ_IN_THE_OTHER_ORDER = (
    "ev = np.linalg.eigvalsh(np.asarray(hessian_matrix, dtype=float))\n"
    "tol = 1e-8 * max(1.0, float(np.max(np.abs(ev))))\nif np.any(np.abs(ev) <= tol):\n    return 'degenerate'\n"
    "largest, smallest = ev[0], ev[-1]\nif smallest > 0:\n    return 'minimum'\nif largest < 0:\n"
    "    return 'maximum'\nreturn 'saddle'")
ANY_FOR_ALL = (
    "ev = np.linalg.eigvalsh(np.asarray(hessian_matrix, dtype=float))\n"
    "tol = 1e-8 * max(1.0, np.abs(ev).max())\nif (np.abs(ev) <= tol).any():\n    return 'degenerate'\n"
    "if (ev > 0).any():\n    return 'minimum'\nif (ev < 0).all():\n    return 'maximum'\nreturn 'saddle'")


@pytest.mark.parametrize(("body", "code_named"), [(ANY_FOR_ALL, True), (EIGENVALUES_READ_IN_THE_OTHER_ORDER, False)])
def test_an_operators_words_about_code_need_the_calls_in_the_code(body, code_named):
    """Thirty-fifth holdout: eigenvalues read in the other order (`largest, smallest = ev[0], ev[-1]`) answer as
    np.any for np.all would, and were told "np.any where np.all is needed", of code whose one np.any is right. The
    words about the calls are said only where the student's function calls `any` (or `all`) more often than the
    reference does; the answers alone say only what the test does."""
    from grader.diagnosis import repair

    key = "partial_derivatives.classify_critical_point"
    source = kit.variant_source("partial_derivatives", "classify_critical_point", body)
    found = explain(BY_KEY[key], observations(key, body),
                    calls_seen=repair.calls_made(source, "classify_critical_point"))
    assert found is not None and found.name == "any instead of all", found
    assert ("np.any where np.all is needed" in found.hint) is code_named, found.hint
    assert ("check which values each test looks at" in found.hint) is not code_named, found.hint
    assert "holds for one of them only" in found.hint


def test_a_square_that_is_not_added_up_is_not_told_as_absolute_values():
    """A Hessian divided by 4h where 4h² belongs was told "your result adds up absolute values |r| where squares r²
    belong": the operator made every square of the reference a size, h² in a denominator too, where h > 0 makes
    them equal (red team round 48, 01). Only squares that are added up are such a slip; a sum of sizes still is."""
    body = ("p = np.array(point, dtype=float)\nn = len(p)\nH = np.zeros((n, n))\nfor i in range(n):\n"
            "    for j in range(n):\n        ei = np.zeros(n)\n        ei[i] = h\n        ej = np.zeros(n)\n"
            "        ej[j] = h\n"
            "        H[i, j] = (f(p + ei + ej) - f(p + ei - ej) - f(p - ei + ej) + f(p - ei - ej)) / (4 * h)\n"
            "return H")
    operator = named("partial_derivatives.hessian", body)
    assert operator is None or operator.name != "absolute values for squares"
    for code, changed in [("d = (f(x + h) - f(x)) / h ** 2", "h ** 2"), ("s = np.sum((y - m * x) ** 2)", "np.abs("),
                          ("total += r ** 2", "np.abs("), ("s = (r ** 2).mean()", "np.abs("),
                          ("s = np.sum(np.square(r)) / n ** 2", "np.abs(r)) / n ** 2")]:
        tree = ast.parse(f"def g(x, y, m, h, r, n, total):\n    {code}\n    return 0")
        assert changed in ast.unparse(behaviour._AbsoluteForSquare().visit(tree)), code


def test_a_column_for_a_vector_is_not_told_as_parts_never_added_up():
    """An answer of shape (n, 1) where (n,) belongs sums along its last axis to the right one: that is an axis of
    length 1 too many (said by the comparison), not parts never added up."""
    operator = named("linear_model.error_profile_slope",
                     "x = np.asarray(x, dtype=float)\ny = np.asarray(y, dtype=float)\n"
                     "return np.array([[sse(s, c, x, y)] for s in slopes])")
    assert operator is None or not operator.name.startswith("the right answer inside")


@pytest.mark.parametrize(("key", "body", "false"), [
    ("partial_derivatives.gradient", "p = np.array(point, dtype=float)\nreturn float((f(p + h) - f(p - h)) / (2 * h))",
     "last part only"),
    ("linear_model.least_squares_fit", "x = np.asarray(x, dtype=float)\ny = np.asarray(y, dtype=float)\n"
     "m = np.sum((x - x.mean()) * (y - y.mean())) / np.sum((x - x.mean()) ** 2)\nreturn float(m)", "swapped"),
    ("partial_derivatives.hessian", "p = np.array(point, dtype=float)\nreturn (f(p + h) - 2 * f(p) + f(p - h)) / h**2",
     "the sum for the entries"),
    ("gradient_descent.gradient_descent", "weights = np.array([m0, c0], dtype=float)\nfor k in range(n_steps):\n"
     "    grad = sse_gradient(weights[0], weights[1], x, y)\n    new_weights = gradient_step(weights, grad, "
     "learning_rate)\nreturn weights", "pairs instead of a grid"),
    ("partial_derivatives.hessian", "p = np.array(point, dtype=float)\nn = len(p)\nd = np.zeros(n)\n"
     "for i in range(n):\n    e = np.zeros(n)\n    e[i] = h\n    d[i] = (f(p + e) - 2 * f(p) + f(p - e)) / h**2\n"
     "return d", "pairs instead of a grid"),
    ("gradient_descent.best_of_starts", "ends = [descend_1d(df, s, learning_rate, n_steps) for s in starts]\n"
     "return float(max(ends))", "kept the smallest candidate"),
], ids=["difference-along-every-axis", "slope-alone", "one-second-difference", "start-returned",
        "hessian-diagonal", "largest-end"])
def test_an_answer_of_another_kind_is_not_told_as_two_slips_or_a_grid(key, body, false):
    """Pairs of two slips made with a reduction or a search's choice told one slip as two (a slope alone "swapped"
    and "the last part only"; max(ends) "the smallest x" and "the highest end"), and a Hessian's diagonal was told
    a grid of two lists paired by zip (red team round 51)."""
    operator = named(key, body)
    assert operator is None or false not in operator.name


def test_labels_swapped_by_a_sign_in_what_is_tested_are_not_told_that_the_tests_are_right():
    """Forty-third holdout: eigenvalues of −H (a source's negative Hessian) give every minimum the label maximum and
    back, as labels written in each other's place do; the hint said "the tests are right", which sent the student to
    labels that were right for what was tested. It says both readings now."""
    body = ("ev = np.linalg.eigvalsh(-np.asarray(hessian_matrix, dtype=float))\n"
            "tol = 1e-8 * max(1.0, np.abs(ev).max())\nif (np.abs(ev) <= tol).any():\n    return 'degenerate'\n"
            "if (ev > 0).all():\n    return 'minimum'\nif (ev < 0).all():\n    return 'maximum'\nreturn 'saddle'")
    found = named("partial_derivatives.classify_critical_point", body)
    assert found is not None and found.name == "labels swapped", found
    assert "the tests are right" not in found.hint and "a sign flipped in what is tested" in found.hint
