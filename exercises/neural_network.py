"""Neural networks: backpropagation, one step per weight, and the flat places where descent stalls.

A neuron takes an input x, multiplies it by a weight w, adds a bias b and passes the
sum through an activation function, here the sigmoid σ(z) = 1 / (1 + e^(−z)):

    ŷ = σ(w·x + b).

Training a neuron means choosing w and b so that its outputs ŷᵢ are close to the
targets yᵢ, that is, making the squared-error loss small:

    L(w, b) = Σᵢ (σ(w·xᵢ + b) − yᵢ)².

Gradient descent trains it "in tandem with backpropagation": backpropagation is the
chain rule applied layer by layer, from the loss back to every weight.  The
sigmoid's derivative (the derivatives module's dsigmoid) can be written with σ itself,
so the gradient is built from values the forward pass has already computed.

Each weight is updated in proportion to its own partial derivative, so one weight
may move far more than another in the same step: the path downhill is not a
straight line.  And the error surfaces of networks have saddle points surrounded by
very flat areas, where the gradient is tiny and descent crawls; a small push off
the saddle lets it escape.
"""

import numpy as np


def sigmoid(x):
    """The logistic function 1 / (1 + exp(−x)), elementwise."""
    return 1 / (1 + np.exp(-x))


def saddle_plateau(u, v):
    """A surface with a saddle at (0, 0), two valleys at (0, ±1) and a plateau for large |v|."""
    return u**2 - v**2 * np.exp(-(v**2))


def saddle_plateau_du(point):
    """∂/∂u of saddle_plateau at point = (u, v)."""
    return 2 * point[0]


def saddle_plateau_dv(point):
    """∂/∂v of saddle_plateau at point = (u, v)."""
    v = point[1]
    return -2 * v * (1 - v**2) * np.exp(-(v**2))


def neuron(w, b, x):
    """Return the output σ(w·x + b) of one sigmoid neuron for every input.

    Parameters:
        w: the weight (a number).
        b: the bias (a number).
        x: the inputs (a 1-D array of numbers).

    Returns:
        A float array of the same shape as x: the neuron's output for each input.
    """
    raise NotImplementedError


def neuron_loss(w, b, x, y):
    """Return the squared-error loss of the neuron over the data.

    The loss is

        L(w, b) = Σᵢ (σ(w·xᵢ + b) − yᵢ)².

    Parameters:
        w: the weight (a float).
        b: the bias (a float).
        x, y: 1-D float arrays of equal length, the inputs and their targets.

    Returns:
        The loss as a Python float.
    """
    raise NotImplementedError


def dloss_dw(w, b, x, y):
    """Return ∂L/∂w, the derivative of the neuron's loss with respect to its weight.

    Use the chain rule through the three layers of the composition: the square, the
    sigmoid and the linear part z = w·x + b.

    Parameters:
        w: the weight (a float).
        b: the bias (a float).
        x, y: 1-D float arrays of equal length, the inputs and their targets.

    Returns:
        ∂L/∂w as a Python float.

    Hint: σ'(z) is the derivatives module's dsigmoid, written with σ(z); and ∂z/∂w = x.
    """
    raise NotImplementedError


def dloss_db(w, b, x, y):
    """Return ∂L/∂b, the derivative of the neuron's loss with respect to its bias.

    Parameters:
        w: the weight (a float).
        b: the bias (a float).
        x, y: 1-D float arrays of equal length, the inputs and their targets.

    Returns:
        ∂L/∂b as a Python float.

    Hint: the same chain as for ∂L/∂w, but ∂z/∂b = 1.
    """
    raise NotImplementedError


def backprop(w_hidden, b_hidden, w_out, b_out, x, y):
    """Return the gradient of a two-layer network's loss with respect to every weight.

    The network has one input, a hidden layer of H sigmoid units and a linear output:

        hⱼ = σ(w_hiddenⱼ·x + b_hiddenⱼ),   ŷ = Σⱼ w_outⱼ·hⱼ + b_out,

    and its loss over the data is L = Σᵢ (ŷᵢ − yᵢ)².  Backpropagate: first the error
    at the output, then through the output weights to each hidden unit, then through
    that unit's sigmoid to its input weight and bias.

    Parameters:
        w_hidden: the hidden units' input weights (a 1-D float array of length H).
        b_hidden: the hidden units' biases (a 1-D float array of length H).
        w_out: the output weights (a 1-D float array of length H).
        b_out: the output bias (a float).
        x, y: 1-D float arrays of equal length, the inputs and their targets.

    Returns:
        A 1-D float array of length 3·H + 1: ∂L/∂w_hidden, ∂L/∂b_hidden, ∂L/∂w_out
        (H values each) and then ∂L/∂b_out, as np.concatenate would join them.

    Hint: keep every hidden activation h (one row per input) from the forward pass;
    the output weights' gradient uses h, the hidden weights' gradient uses x.
    """
    raise NotImplementedError


def train_neuron(w0, b0, x, y, learning_rate, n_steps):
    """Train the neuron by gradient descent on its loss and record the path.

    Start from (w0, b0) and take n_steps steps.  In each step compute both partial
    derivatives at the current (w, b), then update both weights from them:

        (w, b) ← (w, b) − learning_rate · (∂L/∂w, ∂L/∂b).

    Parameters:
        w0, b0: the starting weight and bias (floats).
        x, y: 1-D float arrays of equal length, the inputs and their targets.
        learning_rate: the step size η (a float).
        n_steps: the number of steps (an int ≥ 0).

    Returns:
        A float array of shape (n_steps + 1, 2) whose row k is (w, b) after k steps;
        row 0 is (w0, b0).

    Hint: use dloss_dw and dloss_db.
    """
    raise NotImplementedError


def per_weight_steps(w, b, x, y, learning_rate):
    """Return how far one gradient-descent step moves each weight of the neuron.

    Each weight moves by learning_rate times its own partial derivative, so the two
    steps usually differ, often by a large factor.

    Parameters:
        w: the weight (a float).
        b: the bias (a float).
        x, y: 1-D float arrays of equal length, the inputs and their targets.
        learning_rate: the step size η (a float).

    Returns:
        A float array (|Δw|, |Δb|): the size of the update of w and of b.
    """
    raise NotImplementedError


def gradient_norm_along_path(df_du, df_dv, start, learning_rate, n_steps):
    """Run gradient descent on a function of two variables and record how steep it is.

    From start = (u, v), apply n_steps times the update

        (u, v) ← (u, v) − learning_rate · (∂f/∂u, ∂f/∂v),

    and record the length of the gradient, √((∂f/∂u)² + (∂f/∂v)²), at every point of
    the path, the start included.  Near a saddle or on a plateau it is tiny, however
    far the minimum still is.

    Parameters:
        df_du, df_dv: the partial derivatives of f, each a function of a point
            (called with a 1-D array (u, v)).
        start: the starting point (u, v) (a list of two numbers: floats, or integers
            too).
        learning_rate: the step size η (a float).
        n_steps: the number of updates (an int ≥ 0).

    Returns:
        A float array of length n_steps + 1: the gradient's length at each point.
    """
    raise NotImplementedError


def steps_to_escape(df_du, df_dv, saddle, offset, learning_rate, radius, max_steps):
    """Count the gradient-descent steps until the path leaves a saddle's neighbourhood.

    Start at saddle + offset and apply the update of gradient_norm_along_path.  After
    each step, measure the distance from the saddle; return the number of the first
    step after which it exceeds radius (steps are counted from 1, even where the push
    alone already reaches past radius).  Started exactly on the saddle, or pushed only
    along a direction in which the saddle curves upward, descent never leaves: then
    return −1 after max_steps steps.

    Parameters:
        df_du, df_dv: the partial derivatives of f, each a function of a point
            (called with a 1-D array (u, v)).
        saddle: the saddle point (u, v) (a list of two numbers).
        offset: the small push from the saddle (a list of two numbers).
        learning_rate: the step size η (a float).
        radius: the size of the neighbourhood (a float).
        max_steps: the most steps to take (an int ≥ 0).

    Returns:
        The first step k ≥ 1 whose point is farther than radius from the saddle, as a
        Python int, or −1 if there is none within max_steps steps.
    """
    raise NotImplementedError
