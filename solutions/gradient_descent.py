"""Gradient descent: walking downhill on the error surface.

Most models are far too complicated to minimise their error by solving equations
as in least squares.  Gradient descent needs only the gradient: the vector of
partial derivatives of the error with respect to each parameter, which points
uphill.  Taking a small step the opposite way lowers the error, and repeating the
step walks down towards a minimum:

    w ← w − η · ∇E(w),

where w holds all parameters (weights) and η, the learning rate, sets the step
size.  Every weight is updated at the same time, from the gradient at the current
point.

The learning rate matters.  Too small, and progress is painfully slow; too large,
and each step overshoots the valley floor, so the weights bounce about or even
fly off to infinity.  For the straight-line model with the sum of squared errors
the surface is a single bowl, so a small enough learning rate always reaches the
least-squares solution.

Not every error surface is a single bowl.  A non-convex function can have several
valleys: a local minimum is the lowest point of its own valley, while the global
minimum is the lowest point of all.  Gradient descent only goes downhill, so it
settles in whichever valley it starts in.  A simple remedy is to start from
several points and keep the best end point.
"""

import numpy as np


def f_nonconvex(x):
    """A non-convex quartic with a local and a global minimum: x⁴ − 3x² + x."""
    return x**4 - 3 * x**2 + x


def sse_gradient(m, c, x, y):
    """Return the gradient (∂SSE/∂m, ∂SSE/∂c) of the sum of squared errors.

    For the line ŷ = m·x + c on data (x, y) the error is

        SSE(m, c) = Σᵢ (yᵢ − (m·xᵢ + c))².

    Derive both partial derivatives by hand and evaluate them at (m, c).

    Parameters:
        m: the slope (a float).
        c: the intercept (a float).
        x, y: 1-D float arrays of equal length, the data points.

    Returns:
        A tuple (∂SSE/∂m, ∂SSE/∂c) of Python floats.

    Hint: name the residuals r = y − (m·x + c) and use the chain rule on each squared
    term.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    r = y - (m * x + c)
    return float(-2 * np.sum(x * r)), float(-2 * np.sum(r))
    ### END SOLUTION


def gradient_step(weights, grad, learning_rate):
    """Return the weights after one gradient-descent step.

    The update rule is

        new_weights = weights − learning_rate · grad.

    Parameters:
        weights: the current weights (a 1-D list or array of numbers).
        grad: the gradient at the current weights (a 1-D list or array, same length as weights).
        learning_rate: the step size η (a float).

    Returns:
        A NEW 1-D float NumPy array; weights and grad must be left unchanged.
    """
    ### BEGIN SOLUTION
    return np.asarray(weights, dtype=float) - learning_rate * np.asarray(grad, dtype=float)
    ### END SOLUTION


def gradient_descent(x, y, m0, c0, learning_rate, n_steps):
    """Fit a line to (x, y) by gradient descent on the SSE and record the path.

    Start from the weights (m0, c0) and take n_steps steps.  In each step compute the
    gradient of the SSE at the current (m, c) and update both weights together:

        (m, c) ← (m, c) − learning_rate · (∂SSE/∂m, ∂SSE/∂c).

    Parameters:
        x, y: 1-D float arrays of equal length, the data points.
        m0, c0: the starting slope and intercept (numbers).
        learning_rate: the step size η (a float).
        n_steps: the number of steps (an int ≥ 0).

    Returns:
        A float array of shape (n_steps + 1, 2) whose row k is (m, c) after k steps;
        row 0 is (m0, c0).

    Hint: use sse_gradient and gradient_step.
    """
    ### BEGIN SOLUTION
    path = np.empty((n_steps + 1, 2), dtype=float)
    weights = np.array([m0, c0], dtype=float)
    path[0] = weights
    for k in range(1, n_steps + 1):
        grad = sse_gradient(weights[0], weights[1], x, y)
        weights = gradient_step(weights, grad, learning_rate)
        path[k] = weights
    return path
    ### END SOLUTION


def df_nonconvex(x):
    """Return the exact derivative of f_nonconvex at x.

    Differentiate f_nonconvex(x) = x⁴ − 3x² + x by hand and evaluate your result.

    Parameters:
        x: a float or a NumPy array of floats.

    Returns:
        f_nonconvex'(x), elementwise (same shape as x).
    """
    ### BEGIN SOLUTION
    return 4 * x**3 - 6 * x + 1
    ### END SOLUTION


def descend_1d(df, x0, learning_rate, n_steps):
    """Run gradient descent on a function of one variable and return the end point.

    Starting from x0, apply the update

        x ← x − learning_rate · df(x)

    n_steps times.

    Parameters:
        df: the derivative of the function to minimise (takes a float).
        x0: the starting point (a number).
        learning_rate: the step size η (a float).
        n_steps: the number of updates (an int ≥ 0).

    Returns:
        The final x as a Python float.
    """
    ### BEGIN SOLUTION
    x = float(x0)
    for _ in range(n_steps):
        x = float(x - learning_rate * df(x))
    return x
    ### END SOLUTION


def best_of_starts(f, df, starts, learning_rate, n_steps):
    """Run 1-D gradient descent from several starts and return the best end point.

    From each starting point run descend_1d(df, start, learning_rate, n_steps), then
    return the end point where f is lowest.

    Parameters:
        f: the function to minimise (takes a float).
        df: its derivative (takes a float).
        starts: a sequence of starting points.
        learning_rate: the step size η (a float).
        n_steps: the number of updates per run (an int ≥ 0).

    Returns:
        The end point with the lowest f, as a Python float.
    """
    ### BEGIN SOLUTION
    end_points = [descend_1d(df, start, learning_rate, n_steps) for start in starts]
    return float(min(end_points, key=f))
    ### END SOLUTION
