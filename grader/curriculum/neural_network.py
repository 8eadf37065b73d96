"""Exercises of `neural_network`, declared in the keyword form (`grader.authoring`).

The neuron σ(w·x + b), its squared-error loss and the loss's derivatives are checked against SymPy's
derivative of the composed expression; the two-layer network's gradient against SymPy and against central
differences of its loss; training and the steps per weight against paths built from SymPy's gradient;
the descent near a saddle against the reference solution. Each input generator is a named function.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import sympy as sp

from grader.authoring import edge_case, exercise, mistake
from grader.compare import EXACT, Expectation, Tolerance
from grader.curriculum.common import EPS, by_solution, by_sympy, for_parent, integer_valued, redrawn, uniform
from grader.plain import Given
from grader.spec import Case, References, structure

MODULE = "neural_network"
GRADIENT = Tolerance(rtol=1e-8, atol=1e-10)
PATH = Tolerance(rtol=1e-8, atol=1e-10)
DESCENT = Tolerance(rtol=1e-7, atol=1e-10)

# ----- the symbolic neuron and network -------------------------------------------------------------

w_sym, b_sym, x_sym, y_sym = sp.symbols("w b x y", real=True)
NEURON = 1 / (1 + sp.exp(-(w_sym * x_sym + b_sym)))
NEURON_SQUARED_ERROR = (NEURON - y_sym) ** 2  # one data point's contribution to the loss


def _summed(expr: sp.Expr):
    """Σ over the data of a per-point expression in (w, b, x, y), lambdified once."""
    term = sp.lambdify((w_sym, b_sym, x_sym, y_sym), expr, "numpy")

    def total(w, b, x, y) -> float:
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        return float(np.sum(term(float(w), float(b), x, y) + 0.0 * x))

    return total


_neuron = sp.lambdify((w_sym, b_sym, x_sym), NEURON, "numpy")
loss_exact = _summed(NEURON_SQUARED_ERROR)
dloss_dw_exact = _summed(sp.diff(NEURON_SQUARED_ERROR, w_sym))
dloss_db_exact = _summed(sp.diff(NEURON_SQUARED_ERROR, b_sym))


def neuron_exact(w, b, x) -> np.ndarray:
    return np.asarray(_neuron(float(w), float(b), np.asarray(x, dtype=float)), dtype=float)


def train_exact(w0, b0, x, y, learning_rate, n_steps) -> np.ndarray:
    """The descent path from SymPy's partial derivatives, both weights updated from the same point."""
    path = [(float(w0), float(b0))]
    for _ in range(n_steps):
        w, b = path[-1]
        path.append((w - learning_rate * dloss_dw_exact(w, b, x, y), b - learning_rate * dloss_db_exact(w, b, x, y)))
    return np.array(path)


def steps_exact(w, b, x, y, learning_rate) -> np.ndarray:
    return learning_rate * np.abs(np.array([dloss_dw_exact(w, b, x, y), dloss_db_exact(w, b, x, y)]))


@cache
def _network(hidden_units: int):
    """(loss, gradient) of the two-layer network with that many hidden units, lambdified from SymPy."""
    w_hidden = sp.symbols(f"wh0:{hidden_units}", real=True)
    b_hidden = sp.symbols(f"bh0:{hidden_units}", real=True)
    w_out = sp.symbols(f"wo0:{hidden_units}", real=True)
    b_out = sp.Symbol("bo", real=True)
    output = sum(wo / (1 + sp.exp(-(wh * x_sym + bh))) for wh, bh, wo in zip(w_hidden, b_hidden, w_out, strict=True))
    squared_error = (output + b_out - y_sym) ** 2
    parameters = (*w_hidden, *b_hidden, *w_out, b_out)
    loss = sp.lambdify((parameters, x_sym, y_sym), squared_error, "numpy")
    gradient = sp.lambdify((parameters, x_sym, y_sym), [sp.diff(squared_error, p) for p in parameters], "numpy")
    return loss, gradient


def _flat(w_hidden, b_hidden, w_out, b_out) -> np.ndarray:
    return np.concatenate([np.asarray(w_hidden, float), np.asarray(b_hidden, float), np.asarray(w_out, float),
                           [float(b_out)]])


def network_loss(theta: np.ndarray, x, y) -> float:
    loss, _ = _network((theta.size - 1) // 3)
    x = np.asarray(x, dtype=float)
    return float(np.sum(loss(tuple(theta), x, np.asarray(y, dtype=float)) + 0.0 * x))


def backprop_exact(w_hidden, b_hidden, w_out, b_out, x, y) -> np.ndarray:
    """Every weight's ∂L/∂θ: sympy.diff of one point's squared error, summed over the data."""
    theta = _flat(w_hidden, b_hidden, w_out, b_out)
    _, gradient = _network((theta.size - 1) // 3)
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return np.array([float(np.sum(term + 0.0 * x)) for term in gradient(tuple(theta), x, y)])


def backprop_by_central_differences(case: Case, refs: References) -> Expectation:
    """Central differences of the network's loss, one weight at a time, within the error they carry
    (estimated from the difference between steps h and 2h, plus rounding)."""
    w_hidden, b_hidden, w_out, b_out, x, y = for_parent(case.args)
    theta = _flat(w_hidden, b_hidden, w_out, b_out)
    h = 1e-5

    def central(step: float) -> np.ndarray:
        nudges = np.eye(theta.size) * step
        return np.array([(network_loss(theta + e, x, y) - network_loss(theta - e, x, y)) / (2 * step)
                         for e in nudges])

    estimate = central(h)
    error = 4 * np.abs(estimate - central(2 * h)) + 64 * EPS * (abs(network_loss(theta, x, y)) + 1) / h
    return Expectation(estimate, Tolerance(rtol=1e-7, atol=error), "central differences of the loss")


# ----- input generators ---------------------------------------------------------------------------


def _inputs(rng: np.random.Generator, n: int = 8) -> np.ndarray:
    """n sorted inputs in [−4, 4] (hidden: another number of them)."""
    return np.sort(rng.uniform(-4, 4, structure(rng, n, (n - 3, n + 3, n - 2, n + 5))))


def random_neuron_inputs(rng: np.random.Generator) -> tuple:
    """A weight, a bias and eight inputs, all floats."""
    return uniform(rng, -2, 2), uniform(rng, -2, 2), _inputs(rng)


def saturating_neuron_inputs(rng: np.random.Generator) -> Case:
    """A weight of 3 to 6 in size, a bias and eight inputs, floats: w·x + b reaches past ±12, where σ is within
    1e-5 of 0 or 1 (a clip of z, or of the output, "against overflow" shows there)."""
    sign = 1.0 if rng.random() < 0.5 else -1.0
    return Case((sign * uniform(rng, 3, 6), uniform(rng, -2, 2), _inputs(rng)))


def saturates(case: Case) -> bool:
    w, b, x = case.args
    return float(np.max(np.abs(w * np.asarray(x, dtype=float) + b))) > 12


def integer_neuron_inputs(rng: np.random.Generator) -> tuple:
    """Python ints for the weight and bias, an integer array of inputs."""
    return integer_valued(rng, -2, 2), integer_valued(rng, -2, 2), rng.integers(-4, 5, structure(rng, 7, (5, 9, 4, 10)))


def smooth_targets(rng: np.random.Generator) -> tuple:
    """(w, b, x, y) with targets in (0, 1) from another neuron, slightly noisy."""
    x = _inputs(rng)
    y = np.clip(neuron_exact(uniform(rng, -2, 2), uniform(rng, -1, 1), x) + rng.normal(0, 0.05, x.size), 0, 1)
    return uniform(rng, -2, 2), uniform(rng, -2, 2), x, y


def labels_zero_one(rng: np.random.Generator) -> tuple:
    """(w, b, x, y) with class labels 0.0 and 1.0, not separable by the starting weights."""
    x = _inputs(rng, 10)
    y = (x + rng.normal(0, 1.5, x.size) > uniform(rng, -1, 1)).astype(float)
    return uniform(rng, -2, 2), uniform(rng, -2, 2), x, y


def far_inputs(rng: np.random.Generator) -> tuple:
    """(w, b, x, y) with inputs far from 0 and targets in (0, 1): the inner derivative x weighs heavily."""
    x = np.sort(rng.uniform(3, 9, structure(rng, 6, (4, 9, 5, 8))))
    return uniform(rng, -0.5, 0.5), uniform(rng, -1, 1), x, rng.uniform(0.1, 0.9, x.size)


def _network_case(rng: np.random.Generator, hidden_units: int) -> Case:
    x = np.sort(rng.uniform(-2, 2, structure(rng, 9, (7, 12, 6, 10))))
    y = np.sin(2 * x) + rng.normal(0, 0.1, x.size)
    return Case((rng.uniform(-2, 2, hidden_units), rng.uniform(-1, 1, hidden_units), rng.uniform(-2, 2, hidden_units),
                 uniform(rng, -0.5, 0.5), x, y))


def two_hidden_units(rng: np.random.Generator) -> Case:
    """A network of two hidden units on noisy samples of sin(2x); the arrays must be left unchanged."""
    return _network_case(rng, 2)


def four_hidden_units(rng: np.random.Generator) -> Case:
    """A network of four hidden units on noisy samples of sin(2x); the arrays must be left unchanged."""
    return _network_case(rng, structure(rng, 4, (5, 3, 6, 7)))


def _training_case(rng: np.random.Generator, n_steps: int) -> Case:
    _, _, x, y = smooth_targets(rng)
    return Case((uniform(rng, -1, 1), uniform(rng, -1, 1), x, y, uniform(rng, 0.05, 0.3), n_steps))


def thirty_steps(rng: np.random.Generator) -> Case:
    """Thirty steps from a random start on targets in (0, 1)."""
    return _training_case(rng, structure(rng, 30, (36, 24, 40, 27)))


def _gradient(w: float, b: float, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """(∂L/∂w, ∂L/∂b) in closed form: what drawing a case needs, far cheaper than the lambdified reference."""
    s = 1 / (1 + np.exp(-(w * x + b)))
    error = 2 * (s - y) * s * (1 - s)
    return np.array([float(np.dot(error, x)), float(np.sum(error))])


def _closed_form_path(w0: float, b0: float, x, y, learning_rate: float,
                      n_steps: int) -> tuple[np.ndarray, list[float]]:
    """The path, and the largest |partial derivative| at each of its rows but the last."""
    path, sizes = [np.array([w0, b0])], []
    for _ in range(n_steps):
        gradient = _gradient(*path[-1], x, y)
        sizes.append(float(np.max(np.abs(gradient))))
        path.append(path[-1] - learning_rate * gradient)
    return np.array(path), sizes


MAX_SETTLING_STEPS = 150


def next_to_the_fit(rng: np.random.Generator) -> Case:
    """Targets made by a neuron, a start 1e-5 to 3e-5 away from its weights and a learning rate of 0.5 to 2: the
    path settles, its gradient falling past 1e-6, 1e-7, 1e-8 to under 1e-9 at the last step (at most 150), while
    the weights still move by more than the tolerance (a loop that stops once the gradient or the step is tiny
    keeps still too soon)."""
    x = _inputs(rng)
    w_star, b_star = uniform(rng, -2, 2), uniform(rng, -1, 1)
    y = neuron_exact(w_star, b_star, x)
    angle, size = uniform(rng, 0, 2 * np.pi), uniform(rng, 1e-5, 3e-5)
    w0, b0, rate = w_star + size * np.cos(angle), b_star + size * np.sin(angle), uniform(rng, 0.5, 2.0)
    point, steps = np.array([w0, b0]), 0
    while steps < MAX_SETTLING_STEPS:
        gradient = _gradient(*point, x, y)
        if np.max(np.abs(gradient)) < 1e-9:
            break
        point, steps = point - rate * gradient, steps + 1
    return Case((w0, b0, x, y, rate, steps))


def settles_and_tells_early_stops(case: Case) -> bool:
    """The gradient falls from over 1e-6 to under 1e-9 at the last step, and after it first falls under 1e-8 the
    weights still move by three times the tolerance; both weights updated one after the other (∂L/∂b at the new
    w, a listed mistake) give another path."""
    w0, b0, x, y, rate, n_steps = case.args
    if not 0 < n_steps < MAX_SETTLING_STEPS:
        return False
    path, sizes = _closed_form_path(w0, b0, x, y, rate, n_steps)
    if sizes[0] < 1e-6 or min(sizes) >= 1e-8:
        return False
    first_small = next(k for k, size in enumerate(sizes) if size < 1e-8)
    if not np.any(np.abs(path[-1] - path[first_small]) > 3 * (PATH.atol + PATH.rtol * np.abs(path[-1]))):
        return False
    one_after_the_other = [path[0]]
    for _ in range(n_steps):
        w, b = one_after_the_other[-1]
        w = w - rate * _gradient(w, b, x, y)[0]
        one_after_the_other.append(np.array([w, b - rate * _gradient(w, b, x, y)[1]]))
    return bool(np.any(np.abs(np.array(one_after_the_other) - path) > 10 * (PATH.atol + PATH.rtol * np.abs(path))))


def zero_steps(rng: np.random.Generator) -> Case:
    """No step at all: the path is the start."""
    return _training_case(rng, 0)


def steps_on_labels(rng: np.random.Generator) -> tuple:
    """One step's sizes at a random point on 0/1 labels."""
    return (*labels_zero_one(rng), uniform(rng, 0.05, 0.5))


def steps_far_from_zero(rng: np.random.Generator) -> tuple:
    """One step's sizes with inputs far from 0: the weight moves much more than the bias."""
    return (*far_inputs(rng), uniform(rng, 0.01, 0.1))


def steps_below_the_targets(rng: np.random.Generator) -> tuple:
    """One step's sizes where every target is 1, above every output: ∂L/∂b is negative, so the size of the bias's
    step is not its signed value (on random labels both partial derivatives may be positive on every draw)."""
    x = _inputs(rng, 8)
    return uniform(rng, -1, 1), uniform(rng, -1, 1), x, np.ones(x.size), uniform(rng, 0.05, 0.5)


def towards_the_saddle(rng: np.random.Generator) -> Case:
    """Start on the u-axis: descent runs into the saddle at the origin and stalls there."""
    return Case((Given("neural_network.saddle_plateau_du"), Given("neural_network.saddle_plateau_dv"),
                 [uniform(rng, 1, 2), 0.0], uniform(rng, 0.05, 0.2), 40))


def near_the_saddle_pushed_aside(rng: np.random.Generator) -> Case:
    """Start near the saddle, pushed a little along v: it stalls, then escapes into a valley."""
    return Case((Given("probe.saddle_plateau_wide_du"), Given("probe.saddle_plateau_wide_dv"),
                 [uniform(rng, 0.5, 1), uniform(rng, 1e-4, 1e-3)], uniform(rng, 0.1, 0.3), 80))


def towards_the_saddle_from_integers(rng: np.random.Generator) -> Case:
    """Towards the saddle from a start of Python ints: the path is of floats all the same (a copy of the start
    kept as integers cannot take a fractional step)."""
    return Case((Given("neural_network.saddle_plateau_du"), Given("neural_network.saddle_plateau_dv"),
                 [int(rng.integers(1, 3)), 0], uniform(rng, 0.05, 0.2), 30))


def on_the_plateau(rng: np.random.Generator) -> Case:
    """Start far out on the plateau, where the surface is almost flat."""
    return Case((Given("neural_network.saddle_plateau_du"), Given("neural_network.saddle_plateau_dv"),
                 [uniform(rng, -0.5, 0.5), uniform(rng, 3, 4)], 0.2, 25))


def small_push(rng: np.random.Generator) -> Case:
    """A push of about 1e-4 along v: the path leaves the neighbourhood after a long stall."""
    return Case((Given("neural_network.saddle_plateau_du"), Given("neural_network.saddle_plateau_dv"), [0.0, 0.0],
                 [uniform(rng, -1e-3, 1e-3), uniform(rng, 5e-5, 2e-4)], uniform(rng, 0.05, 0.2), 0.5, 400))


def a_push_of_a_millionth(rng: np.random.Generator) -> Case:
    """A push of about 1e-6: the gradient's length where descent starts is about 1e-6, and the path still leaves,
    after a longer stall, so a loop that gives up where the gradient is small (a plateau) answers −1 too soon."""
    return Case((Given("neural_network.saddle_plateau_du"), Given("neural_network.saddle_plateau_dv"), [0.0, 0.0],
                 [uniform(rng, -1e-6, 1e-6), uniform(rng, 5e-7, 2e-6)], uniform(rng, 0.1, 0.2), 0.5, 400))


def large_push_on_another_surface(rng: np.random.Generator) -> Case:
    """A push of half the radius on another surface with a saddle at the origin: the distance that counts is
    the saddle's, not the start's."""
    return Case((Given("probe.saddle_plateau_wide_du"), Given("probe.saddle_plateau_wide_dv"), [0.0, 0.0],
                 [uniform(rng, 0.05, 0.1), -uniform(rng, 0.25, 0.3)], uniform(rng, 0.02, 0.05), 0.6, 400))


def a_saddle_away_from_the_origin(rng: np.random.Generator) -> Case:
    """The surface moved so that its saddle is at (1, −1/2), pushed along v: the distance that counts is from the
    saddle, not from the origin."""
    return Case((Given("probe.saddle_plateau_shifted_du"), Given("probe.saddle_plateau_shifted_dv"), [1.0, -0.5],
                 [uniform(rng, -1e-3, 1e-3), uniform(rng, 1e-3, 3e-3)], uniform(rng, 0.05, 0.2), 0.5, 400))


def a_saddle_near_the_origin(rng: np.random.Generator) -> Case:
    """The saddle at (1/4, −1/4), inside the radius around the origin, pushed along v: a distance measured from
    the origin passes the radius at another step than the distance from the saddle, and not at the first."""
    return Case((Given("probe.saddle_plateau_near_du"), Given("probe.saddle_plateau_near_dv"), [0.25, -0.25],
                 [uniform(rng, -1e-3, 1e-3), uniform(rng, 1e-3, 3e-3)], uniform(rng, 0.05, 0.2), 0.5, 400))


def a_saddle_left_along_u(rng: np.random.Generator) -> Case:
    """The surface with its variables exchanged, pushed along u: the path leaves along u, so a descent that never
    steps along u stays (every other surface here is left along v; red team round 60, 03)."""
    return Case((Given("probe.saddle_plateau_swapped_du"), Given("probe.saddle_plateau_swapped_dv"), [0.0, 0.0],
                 [uniform(rng, 1e-3, 3e-3), uniform(rng, -1e-3, 1e-3)], uniform(rng, 0.05, 0.2), 0.5, 400))


def pushed_past_the_radius(rng: np.random.Generator) -> Case:
    """A push that already reaches past the radius: the count still starts with the first step (k ≥ 1), and the
    path, pushed along v, stays outside."""
    radius = uniform(rng, 0.05, 0.1)
    return Case((Given("neural_network.saddle_plateau_du"), Given("neural_network.saddle_plateau_dv"), [0.0, 0.0],
                 [uniform(rng, -0.01, 0.01), radius * uniform(rng, 1.5, 2.5)], uniform(rng, 0.05, 0.2), radius, 50))


def push_along_the_stable_direction(rng: np.random.Generator) -> Case:
    """A push along u only, where the saddle curves upward: descent falls back and never leaves."""
    return Case((Given("neural_network.saddle_plateau_du"), Given("neural_network.saddle_plateau_dv"), [0.0, 0.0],
                 [uniform(rng, 0.05, 0.3), 0.0], uniform(rng, 0.05, 0.2), 0.5, 60))


# ----- the exercises --------------------------------------------------------------------------------

SIGMOID_DERIVATIVE = ("σ'(z) = σ(z)·(1 − σ(z)): the second factor is 1 − σ(z), one minus the neuron's OUTPUT, not "
                      "1 − z.")
# Named from the values, these say where a sign can come from, not which one the student's code has (a minus lost
# in σ' gives the same values as (y − σ(z)): red team round 45, 03 and 05)
SIGN = ("every value has the opposite sign. The loss is Σ (σ(z) − y)²: its derivative carries (σ(z) − y), not "
        "(y − σ(z)), and σ'(z) = σ(z)·(1 − σ(z)), which is never negative: check the sign of each factor.")
ASCENT = ("gradient ascent: every step goes uphill. The update SUBTRACTS learning_rate·gradient, the gradient itself "
          "(it points uphill), not its negative: check the update's sign and the gradient's.")
EXERCISES = (
    exercise(
        module=MODULE, function="neuron", points=2,
        checks={"floats": random_neuron_inputs, "integers": integer_neuron_inputs,
                "large weights: outputs near 0 and 1": redrawn(saturating_neuron_inputs, saturates)},
        expect=by_sympy(neuron_exact, EXACT, "SymPy's σ(w·x + b)"),
        hint="z = w·x + b for every input at once (NumPy arrays work elementwise), then σ(z) = 1/(1 + e^(−z)).",
        mistakes=[
            mistake(name="no activation", hint="the neuron passes w·x + b through the sigmoid σ.",
                    body="return w * np.asarray(x, dtype=float) + b"),
            mistake(name="sigmoid of −z", hint="your values are σ(−z) = 1 − σ(z): the minus sign of the exponent is "
                    "lost; σ(z) = 1/(1 + exp(−z)), with the exponent −z.",
                    body="return 1 / (1 + np.exp(w * np.asarray(x, dtype=float) + b))"),
            mistake(name="bias multiplied by the weight", hint="the bias is added after the product: w·x + b, "
                    "not w·(x + b).", body="return sigmoid(w * (np.asarray(x, dtype=float) + b))"),
        ],
        alternatives=["z = np.multiply(w, x) + b\nreturn np.exp(z) / (1 + np.exp(z))",
                      "return (1 + np.tanh((w * np.asarray(x, dtype=float) + b) / 2)) / 2"],
    ),
    exercise(
        module=MODULE, function="neuron_loss", points=2,
        checks={"targets in (0, 1)": smooth_targets, "labels 0 and 1": labels_zero_one},
        expect=by_sympy(loss_exact, Tolerance(rtol=1e-9, atol=1e-12), "SymPy's Σ (σ(w·x + b) − y)²"),
        hint="The residual of each point is neuron(w, b, x) − y; square each one and add them up.",
        mistakes=[
            mistake(name="mean instead of sum", hint="the loss is a sum over the data (no 1/n).",
                    body="return float(np.mean((neuron(w, b, x) - y) ** 2))"),
            mistake(name="residuals not squared", hint="each residual is squared before the sum, so that errors "
                    "of both signs count.", body="return float(np.sum(neuron(w, b, x) - y))"),
            mistake(name="no activation", hint="the prediction is σ(w·x + b), the neuron's output.",
                    body="return float(np.sum((w * np.asarray(x) + b - y) ** 2))"),
        ],
        alternatives=["r = sigmoid(w * x + b) - y\nreturn float(r @ r)"],
    ),
    exercise(
        module=MODULE, function="dloss_dw", points=3, differentiates="neuron_loss",
        checks={"targets in (0, 1)": smooth_targets, "labels 0 and 1": labels_zero_one,
                "inputs far from 0": far_inputs},
        expect=by_sympy(dloss_dw_exact, GRADIENT, "sympy.diff of the loss with respect to w"),
        hint="Chain rule, outside in: 2·(σ(z) − y), then σ'(z) = σ(z)·(1 − σ(z)), then ∂z/∂w = x; multiply and sum.",
        mistakes=[
            mistake(name="sigmoid derivative σ(z)·(1 − z)", hint=SIGMOID_DERIVATIVE,
                    body="z = w * np.asarray(x, dtype=float) + b\ns = sigmoid(z)\n"
                         "return float(np.sum(2 * (s - y) * s * (1 - z) * x))"),
            mistake(name="dropped inner derivative x", hint="∂z/∂w = x: each term is multiplied by its input xᵢ.",
                    body="s = neuron(w, b, x)\nreturn float(np.sum(2 * (s - y) * s * (1 - s)))"),
            mistake(name="sigmoid's derivative left out", hint="the chain passes through σ: multiply by "
                    "σ'(z) = σ(z)·(1 − σ(z)).", body="s = neuron(w, b, x)\nreturn float(np.sum(2 * (s - y) * x))"),
            mistake(name="sign flipped", hint=SIGN,
                    body="s = neuron(w, b, x)\nreturn float(np.sum(2 * (y - s) * s * (1 - s) * x))"),
            mistake(name="missing factor 2", hint="d/du u² = 2u: the square brings down a 2.",
                    body="s = neuron(w, b, x)\nreturn float(np.sum((s - y) * s * (1 - s) * x))"),
        ],
        alternatives=["s = sigmoid(np.multiply(w, x) + b)\nreturn float(2 * np.dot((s - y) * s * (1 - s), x))",
                      "z = w * np.asarray(x, dtype=float) + b\nds = np.exp(-z) / (1 + np.exp(-z)) ** 2\n"
                      "return float(np.sum(2 * (sigmoid(z) - y) * ds * x))"],
    ),
    exercise(
        module=MODULE, function="dloss_db", points=3, differentiates="neuron_loss",
        checks={"targets in (0, 1)": smooth_targets, "labels 0 and 1": labels_zero_one,
                "inputs far from 0": far_inputs},
        expect=by_sympy(dloss_db_exact, GRADIENT, "sympy.diff of the loss with respect to b"),
        hint="Chain rule, outside in: 2·(σ(z) − y), then σ'(z) = σ(z)·(1 − σ(z)), then ∂z/∂b = 1; sum.",
        mistakes=[
            mistake(name="sigmoid derivative σ(z)·(1 − z)", hint=SIGMOID_DERIVATIVE,
                    body="z = w * np.asarray(x, dtype=float) + b\ns = sigmoid(z)\n"
                         "return float(np.sum(2 * (s - y) * s * (1 - z)))"),
            mistake(name="inner derivative x where it is 1", hint="∂z/∂b = 1: the bias is not multiplied by x, "
                    "so no factor xᵢ.",
                    body="s = neuron(w, b, x)\nreturn float(np.sum(2 * (s - y) * s * (1 - s) * x))"),
            mistake(name="sign flipped", hint=SIGN,
                    body="s = neuron(w, b, x)\nreturn float(np.sum(2 * (y - s) * s * (1 - s)))"),
            mistake(name="missing factor 2", hint="d/du u² = 2u: the square brings down a 2.",
                    body="s = neuron(w, b, x)\nreturn float(np.sum((s - y) * s * (1 - s)))"),
        ],
        alternatives=["s = neuron(w, b, x)\nreturn float(2 * np.sum((s - y) * s * (1 - s)))",
                      "s = neuron(w, b, x)\nreturn sum(2 * (si - yi) * si * (1 - si) for si, yi in zip(s, y))"],
    ),
    exercise(
        module=MODULE, function="backprop", points=5, by_hand=True,
        returns=("∂L/∂w_hidden", "∂L/∂b_hidden", "∂L/∂w_out", "∂L/∂b_out"), return_sizes=("n", "n", "n", "1"),
        checks={"two hidden units": two_hidden_units, "four hidden units": four_hidden_units},
        expect=[by_sympy(backprop_exact, GRADIENT, "sympy.diff of the network's loss"),
                backprop_by_central_differences],
        hint="Forward: h = σ(w_hidden·x + b_hidden) (one row per input), ŷ = h·w_out + b_out. Backward: "
             "e = 2(ŷ − y); ∂L/∂w_out = Σ e·h, ∂L/∂b_out = Σ e; δ = e·w_out·h(1 − h); ∂L/∂w_hidden = Σ δ·x, "
             "∂L/∂b_hidden = Σ δ.",
        mistakes=[
            mistake(name="output weights' gradient from the inputs", hint="∂ŷ/∂w_out,j = hⱼ: the output layer's "
                    "gradient uses the hidden activations h, not the inputs x.",
                    body="xs = np.asarray(x, dtype=float)[:, np.newaxis]\n"
                         "h = sigmoid(xs * np.asarray(w_hidden) + np.asarray(b_hidden))\n"
                         "e = 2 * (h @ np.asarray(w_out) + b_out - y)\nd = e[:, np.newaxis] * w_out * h * (1 - h)\n"
                         "return np.concatenate([np.sum(d * xs, axis=0), np.sum(d, axis=0), "
                         "np.sum(e[:, np.newaxis] * xs * np.ones_like(h), axis=0), [np.sum(e)]])"),
            mistake(name="hidden weights' gradient from the hidden activations", hint="∂zⱼ/∂w_hidden,j = x: the "
                    "hidden layer's gradient uses the inputs x, not its own activations h.",
                    body="xs = np.asarray(x, dtype=float)[:, np.newaxis]\n"
                         "h = sigmoid(xs * np.asarray(w_hidden) + np.asarray(b_hidden))\n"
                         "e = 2 * (h @ np.asarray(w_out) + b_out - y)\nd = e[:, np.newaxis] * w_out * h * (1 - h)\n"
                         "return np.concatenate([np.sum(d * h, axis=0), np.sum(d, axis=0), e @ h, [np.sum(e)]])"),
            mistake(name="output weight missing from the hidden gradient", hint="the error reaches hidden unit j "
                    "through its output weight: multiply by w_out,j (the inner derivative ∂ŷ/∂hⱼ).",
                    body="xs = np.asarray(x, dtype=float)[:, np.newaxis]\n"
                         "h = sigmoid(xs * np.asarray(w_hidden) + np.asarray(b_hidden))\n"
                         "e = 2 * (h @ np.asarray(w_out) + b_out - y)\nd = e[:, np.newaxis] * h * (1 - h)\n"
                         "return np.concatenate([np.sum(d * xs, axis=0), np.sum(d, axis=0), e @ h, [np.sum(e)]])"),
            mistake(name="sigmoid derivative σ(z)·(1 − z)", hint=SIGMOID_DERIVATIVE,
                    body="xs = np.asarray(x, dtype=float)[:, np.newaxis]\n"
                         "z = xs * np.asarray(w_hidden) + np.asarray(b_hidden)\nh = sigmoid(z)\n"
                         "e = 2 * (h @ np.asarray(w_out) + b_out - y)\nd = e[:, np.newaxis] * w_out * h * (1 - z)\n"
                         "return np.concatenate([np.sum(d * xs, axis=0), np.sum(d, axis=0), e @ h, [np.sum(e)]])"),
            mistake(name="sigmoid derivative left out", hint="on its way back to a hidden unit's input weight and "
                    "bias, the error passes through that unit's sigmoid: multiply by σ'(zⱼ) = hⱼ·(1 − hⱼ).",
                    body="xs = np.asarray(x, dtype=float)[:, np.newaxis]\n"
                         "h = sigmoid(xs * np.asarray(w_hidden) + np.asarray(b_hidden))\n"
                         "e = 2 * (h @ np.asarray(w_out) + b_out - y)\nd = e[:, np.newaxis] * w_out\n"
                         "return np.concatenate([np.sum(d * xs, axis=0), np.sum(d, axis=0), e @ h, [np.sum(e)]])"),
            mistake(name="sign flipped", hint="every gradient has the opposite sign. The loss is Σ (ŷ − y)²: the "
                    "output error is 2(ŷ − y), not 2(y − ŷ), and σ'(z) = σ(z)·(1 − σ(z)) is never negative: check the "
                    "sign of each factor.",
                    body="xs = np.asarray(x, dtype=float)[:, np.newaxis]\n"
                         "h = sigmoid(xs * np.asarray(w_hidden) + np.asarray(b_hidden))\n"
                         "e = 2 * (y - (h @ np.asarray(w_out) + b_out))\nd = e[:, np.newaxis] * w_out * h * (1 - h)\n"
                         "return np.concatenate([np.sum(d * xs, axis=0), np.sum(d, axis=0), e @ h, [np.sum(e)]])"),
        ],
        alternatives=["grads = [np.zeros(len(w_hidden)) for _ in range(3)]\ngrad_b_out = 0.0\n"
                      "for xi, yi in zip(x, y):\n    h = sigmoid(np.asarray(w_hidden) * xi + np.asarray(b_hidden))\n"
                      "    e = 2 * (np.dot(w_out, h) + b_out - yi)\n    delta = e * np.asarray(w_out) * h * (1 - h)\n"
                      "    grads[0] += delta * xi\n    grads[1] += delta\n    grads[2] += e * h\n    grad_b_out += e\n"
                      "return [*grads[0], *grads[1], *grads[2], grad_b_out]"],
    ),
    exercise(
        module=MODULE, function="train_neuron", points=3, builds_on=("neuron",),
        checks={"thirty steps": thirty_steps, "zero steps": edge_case(zero_steps, counts_with="thirty steps"),
                "a start next to the weights that made the targets: the path settles":
                    redrawn(next_to_the_fit, settles_and_tells_early_stops)},
        expect=by_sympy(train_exact, PATH, "descent with SymPy's partial derivatives"),
        hint="Row 0 is (w0, b0); then n_steps times: compute dloss_dw and dloss_db at the current (w, b), update "
             "both from them, record the new row.",
        mistakes=[
            mistake(name="sequential instead of simultaneous update", hint="compute both partial derivatives at "
                    "the current (w, b) first, then update both; updating w and then taking ∂L/∂b at the new w is "
                    "another algorithm.",
                    body="path = [(float(w0), float(b0))]\nw, b = float(w0), float(b0)\nfor _ in range(n_steps):\n"
                         "    w = w - learning_rate * dloss_dw(w, b, x, y)\n"
                         "    b = b - learning_rate * dloss_db(w, b, x, y)\n    path.append((w, b))\n"
                         "return np.array(path)"),
            mistake(name="gradient ascent", hint=ASCENT,
                    body="path = [(float(w0), float(b0))]\nw, b = float(w0), float(b0)\nfor _ in range(n_steps):\n"
                         "    gw, gb = dloss_dw(w, b, x, y), dloss_db(w, b, x, y)\n"
                         "    w, b = w + learning_rate * gw, b + learning_rate * gb\n    path.append((w, b))\n"
                         "return np.array(path)"),
            mistake(name="start row missing", hint="row 0 is the start (w0, b0): the path has n_steps + 1 rows.",
                    body="path = []\nw, b = float(w0), float(b0)\nfor _ in range(n_steps):\n"
                         "    gw, gb = dloss_dw(w, b, x, y), dloss_db(w, b, x, y)\n"
                         "    w, b = w - learning_rate * gw, b - learning_rate * gb\n    path.append((w, b))\n"
                         "return np.array(path).reshape(n_steps, 2)"),
        ],
        alternatives=["rows = [[w0, b0]]\nfor _ in range(n_steps):\n    w, b = rows[-1]\n"
                      "    step = learning_rate * np.array([dloss_dw(w, b, x, y), dloss_db(w, b, x, y)])\n"
                      "    rows.append(list(np.array([w, b]) - step))\nreturn rows"],
    ),
    exercise(
        module=MODULE, function="per_weight_steps", points=2, returns=("|Δw|", "|Δb|"), builds_on=("neuron",),
        checks={"0/1 labels": steps_on_labels, "inputs far from 0": steps_far_from_zero,
                "every target above the output": steps_below_the_targets},
        expect=by_sympy(steps_exact, GRADIENT, "learning_rate·|SymPy's partial derivatives|"),
        hint="Each weight moves by learning_rate·|its own partial derivative|: |Δw| = η·|∂L/∂w|, |Δb| = η·|∂L/∂b|.",
        mistakes=[
            mistake(name="one step size for every weight", hint="each weight is updated in proportion to ITS OWN "
                    "partial derivative; the length of the whole gradient is not the step of each weight.",
                    body="g = np.array([dloss_dw(w, b, x, y), dloss_db(w, b, x, y)])\n"
                         "return np.full(2, learning_rate * np.linalg.norm(g))"),
            mistake(name="learning rate left out", hint="the step is learning_rate times the partial derivative.",
                    body="return np.abs(np.array([dloss_dw(w, b, x, y), dloss_db(w, b, x, y)]))"),
            mistake(name="signed steps", hint="the SIZE of a step is its absolute value: take |·| of each update.",
                    body="return -learning_rate * np.array([dloss_dw(w, b, x, y), dloss_db(w, b, x, y)])"),
            mistake(name="new weights instead of the steps", hint="per_weight_steps returns how far each weight "
                    "moves, the size of each update |Δw| = η·|∂L/∂w| and |Δb| = η·|∂L/∂b|, not the updated weights "
                    "w − η·∂L/∂w and b − η·∂L/∂b.",
                    body="return np.array([w - learning_rate * dloss_dw(w, b, x, y), "
                         "b - learning_rate * dloss_db(w, b, x, y)])"),
        ],
        alternatives=["return [abs(learning_rate * dloss_dw(w, b, x, y)), abs(learning_rate * dloss_db(w, b, x, y))]"],
    ),
    exercise(
        module=MODULE, function="gradient_norm_along_path", points=3,
        checks={"towards the saddle": towards_the_saddle, "near the saddle, pushed aside": near_the_saddle_pushed_aside,
                "on the plateau": on_the_plateau, "towards the saddle from a start of integers":
                    towards_the_saddle_from_integers},
        expect=by_solution(f"{MODULE}.gradient_norm_along_path", DESCENT),
        hint="Record √((∂f/∂u)² + (∂f/∂v)²) at the start and after every update (n_steps + 1 values); update both "
             "coordinates from the gradient at the current point.",
        mistakes=[
            mistake(name="start not recorded", hint="the first value is the gradient's length at the start: the "
                    "result has n_steps + 1 values.",
                    body="x = np.array(start, dtype=float)\nnorms = []\nfor _ in range(n_steps):\n"
                         "    x = x - learning_rate * np.array([df_du(x), df_dv(x)])\n"
                         "    g = np.array([df_du(x), df_dv(x)])\n    norms.append(np.sqrt(g @ g))\n"
                         "return np.array(norms)"),
            mistake(name="gradient ascent", hint=ASCENT,
                    body="x = np.array(start, dtype=float)\nnorms = []\nfor _ in range(n_steps + 1):\n"
                         "    g = np.array([df_du(x), df_dv(x)])\n    norms.append(np.sqrt(g @ g))\n"
                         "    x = x + learning_rate * g\nreturn np.array(norms)"),
            mistake(name="squared length", hint="the length of (a, b) is √(a² + b²): take the square root.",
                    body="x = np.array(start, dtype=float)\nnorms = []\nfor _ in range(n_steps + 1):\n"
                         "    g = np.array([df_du(x), df_dv(x)])\n    norms.append(g @ g)\n"
                         "    x = x - learning_rate * g\nreturn np.array(norms)"),
        ],
        alternatives=["x = np.array(start, dtype=float)\nnorms = []\nfor _ in range(n_steps + 1):\n"
                      "    g = np.array([df_du(x), df_dv(x)])\n    norms.append(np.sqrt(g @ g))\n"
                      "    x = x - learning_rate * g\nreturn norms",
                      "p = np.array(start, dtype=float)\nout = np.zeros(n_steps + 1)\nfor k in range(n_steps + 1):\n"
                      "    g = np.array([df_du(p), df_dv(p)])\n    out[k] = np.linalg.norm(g)\n"
                      "    p -= learning_rate * g\nreturn out"],
    ),
    exercise(
        module=MODULE, function="steps_to_escape", points=2,
        checks={"a small push along v": small_push, "a push of a millionth: the gradient almost 0 at the start":
                a_push_of_a_millionth, "a large push on another surface": large_push_on_another_surface,
                "pushed along the stable direction": push_along_the_stable_direction,
                "a saddle away from the origin": a_saddle_away_from_the_origin,
                "a saddle near the origin, inside the radius": a_saddle_near_the_origin,
                "a saddle left along u": a_saddle_left_along_u,
                "pushed past the radius": pushed_past_the_radius},
        expect=by_solution(f"{MODULE}.steps_to_escape", EXACT),
        hidden_draws=3,  # a count of steps, often one of a few: a guess or the public count passes 3 draws rarely
        hint="Start at saddle + offset; after each update measure the distance from the SADDLE and return the "
             "number of that step as soon as it exceeds radius; −1 if that never happens within max_steps steps.",
        mistakes=[
            mistake(name="distance from the start", hint="measure the distance from the saddle, not from where the "
                    "descent started.",
                    body="start = np.array(saddle, dtype=float) + np.array(offset, dtype=float)\np = start.copy()\n"
                         "for k in range(1, max_steps + 1):\n"
                         "    p = p - learning_rate * np.array([df_du(p), df_dv(p)])\n"
                         "    if np.linalg.norm(p - start) > radius:\n        return k\nreturn -1"),
            mistake(name="steps counted from 0", hint="the first update is step 1: count the steps taken.",
                    body="c = np.array(saddle, dtype=float)\np = c + np.array(offset, dtype=float)\n"
                         "for k in range(max_steps):\n    p = p - learning_rate * np.array([df_du(p), df_dv(p)])\n"
                         "    if np.linalg.norm(p - c) > radius:\n        return k\nreturn -1"),
            mistake(name="max_steps instead of −1", hint="when descent never leaves, return −1, not the number of "
                    "steps tried.",
                    body="c = np.array(saddle, dtype=float)\np = c + np.array(offset, dtype=float)\n"
                         "for k in range(1, max_steps + 1):\n"
                         "    p = p - learning_rate * np.array([df_du(p), df_dv(p)])\n"
                         "    if np.linalg.norm(p - c) > radius:\n        return k\nreturn max_steps"),
        ],
        alternatives=["c = np.asarray(saddle, dtype=float)\np = c + offset\nk = 0\nwhile k < max_steps:\n"
                      "    p = p - learning_rate * np.array([df_du(p), df_dv(p)])\n    k += 1\n"
                      "    if np.hypot(*(p - c)) > radius:\n        return k\nreturn -1"],
    ),
)


# ----- the notebook: the mathematics, formulas in LaTeX, pictures (read by grader.nbgrader_course) ----------

NOTEBOOK_MATHEMATICS = r"""## The mathematics

The neuron and its loss over the data $(x_1, y_1), \dots, (x_n, y_n)$:
$$\hat y_i = \sigma(z_i), \quad z_i = w\,x_i + b, \qquad L(w, b) = \sum_{i=1}^{n} (\hat y_i - y_i)^2.$$

The sigmoid and its derivative, written with the sigmoid itself:
$$\sigma(z) = \frac{1}{1 + e^{-z}}, \qquad
\sigma'(z) = \frac{e^{-z}}{(1 + e^{-z})^2} = \sigma(z)\,\bigl(1 - \sigma(z)\bigr).$$

The chain rule through a composition of three functions, the square, the sigmoid and the linear part:
$$\frac{\partial L}{\partial w} = \sum_i \frac{\partial L}{\partial \hat y_i}\,\frac{d \hat y_i}{d z_i}\,
\frac{\partial z_i}{\partial w}.$$
Each factor is local: backpropagation computes them from the outside in, reusing what the forward pass kept.

One update per weight, $\theta_k \leftarrow \theta_k - \eta\,\partial L / \partial \theta_k$: the step of each
weight is proportional to its own partial derivative, so the steps differ from weight to weight.

Near a critical point $\mathbf{p}$ the gradient is about $H\,(\mathbf{w} - \mathbf{p})$ (Taylor). At a saddle,
$H$ has a negative eigenvalue $-\mu$: a displacement $\varepsilon$ along its eigenvector grows like
$(1 + \eta\mu)^k\,\varepsilon$, so leaving takes about $\log(r/\varepsilon) / \log(1 + \eta\mu)$ steps,
and a start exactly on the saddle's stable direction never leaves.
"""

NOTEBOOK_LATEX = {
    "ŷ = σ(w·x + b).": r"\hat y = \sigma(w\,x + b).",
    "L(w, b) = Σᵢ (σ(w·xᵢ + b) − yᵢ)².": r"L(w, b) = \sum_i \bigl(\sigma(w\,x_i + b) - y_i\bigr)^2.",
    "hⱼ = σ(w_hiddenⱼ·x + b_hiddenⱼ),   ŷ = Σⱼ w_outⱼ·hⱼ + b_out,":
        r"h_j = \sigma(w^{\mathrm{hidden}}_j x + b^{\mathrm{hidden}}_j), \qquad"
        r" \hat y = \sum_j w^{\mathrm{out}}_j h_j + b^{\mathrm{out}},",
    "(w, b) ← (w, b) − learning_rate · (∂L/∂w, ∂L/∂b).":
        r"(w, b) \leftarrow (w, b) - \eta \, \Bigl(\frac{\partial L}{\partial w}, \frac{\partial L}{\partial b}\Bigr),"
        r" \qquad \eta = \mathrm{learning\_rate}.",
    "(u, v) ← (u, v) − learning_rate · (∂f/∂u, ∂f/∂v),":
        r"(u, v) \leftarrow (u, v) - \eta \, \Bigl(\frac{\partial f}{\partial u}, \frac{\partial f}{\partial v}\Bigr),"
        r" \qquad \eta = \mathrm{learning\_rate},",
}

# After which exercise, the picture helper of grader.notebook_plots, its arguments, and what it needs.
NOTEBOOK_PLOTS = {
    f"{MODULE}.per_weight_steps": [("plot_training", "train_neuron, neuron_loss, per_weight_steps",
                                    "neuron_loss, dloss_dw, dloss_db, train_neuron and per_weight_steps")],
    f"{MODULE}.gradient_norm_along_path": [("plot_saddle", "gradient_norm_along_path, saddle_plateau_du, "
                                            "saddle_plateau_dv, saddle_plateau", "gradient_norm_along_path")],
}
