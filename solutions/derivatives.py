"""Derivatives: how fast a function changes.

The derivative of a function f at a point x is the slope of the curve y = f(x)
right at that point: how much the output changes per unit change of the input,
when the change is made vanishingly small.  Formally it is the limit

    f'(x) = lim (h -> 0) (f(x + h) - f(x)) / h.

In machine learning, derivatives tell a model which way to move each parameter to
make its error smaller, so being able to compute them, by hand and by machine, is
the foundation of everything that follows.

Most derivatives are found by hand with a handful of rules: the derivative of a
sum is the sum of the derivatives, constants factor out, the power rule handles
powers of x, the product rule handles a product of two functions, and the chain
rule handles a function applied to another function (differentiate the outer
function at the inner one, then multiply by the derivative of the inner one).
The derivatives of sin, cos, exp and log are worth knowing by heart.

A derivative can also be estimated numerically, without any algebra, by taking a
small but finite step h.  The central difference looks a step to each side,

    f'(x) ≈ (f(x + h) - f(x - h)) / (2h),

and is much more accurate than a one-sided step.  It is the standard way to check
a hand-derived derivative: if the two disagree, one of them is wrong.

Finally, the derivative gives the tangent line: the straight line that touches
the curve at a point x0 and has the same slope there.  It is the best straight-
line approximation of the function near x0.

All functions here work elementwise: they accept a single float or a NumPy array
of inputs and return a result of the same shape.
"""

import numpy as np


def f_poly(x):
    """A cubic polynomial: x³ − 6x² + 9x + 1."""
    return x**3 - 6 * x**2 + 9 * x + 1


def f_wave(x):
    """A damped wave: sin(3x) · exp(−x²/2)."""
    return np.sin(3 * x) * np.exp(-(x**2) / 2)


def sigmoid(x):
    """The logistic sigmoid: 1 / (1 + exp(−x))."""
    return 1 / (1 + np.exp(-x))


def f_log(x):
    """A logarithmic bump: log(1 + x²)."""
    return np.log(1 + x**2)


def df_poly(x):
    """Return the exact derivative of f_poly at x.

    Differentiate f_poly(x) = x³ − 6x² + 9x + 1 by hand, term by term, and
    evaluate your result.

    Parameters:
        x: a number (a float, or an integer too) or a NumPy array of floats.

    Returns:
        f_poly'(x), elementwise (same shape as x).

    Hint: use the power rule on each term; the constant term contributes nothing.
    """
    ### BEGIN SOLUTION
    return 3 * x**2 - 12 * x + 9
    ### END SOLUTION


def df_wave(x):
    """Return the exact derivative of f_wave at x.

    Differentiate f_wave(x) = sin(3x) · exp(−x²/2) by hand and evaluate your result
    with NumPy functions.

    Parameters:
        x: a number (a float, or an integer too) or a NumPy array of floats.

    Returns:
        f_wave'(x), elementwise (same shape as x).

    Hint: it is a product of two functions, and each factor needs the chain rule.
    """
    ### BEGIN SOLUTION
    return (3 * np.cos(3 * x) - x * np.sin(3 * x)) * np.exp(-(x**2) / 2)
    ### END SOLUTION


def dsigmoid(x):
    """Return the exact derivative of the sigmoid at x.

    Differentiate sigmoid(x) = 1 / (1 + exp(−x)) by hand and evaluate your result.

    Parameters:
        x: a number (a float, or an integer too) or a NumPy array of floats.

    Returns:
        sigmoid'(x), elementwise (same shape as x).

    Hint: after differentiating, try to write the result using sigmoid(x) itself;
    you may call sigmoid here.
    """
    ### BEGIN SOLUTION
    s = sigmoid(x)
    return s * (1 - s)
    ### END SOLUTION


def df_log(x):
    """Return the exact derivative of f_log at x.

    Differentiate f_log(x) = log(1 + x²) by hand (log is the natural logarithm)
    and evaluate your result.

    Parameters:
        x: a number (a float, or an integer too) or a NumPy array of floats.

    Returns:
        f_log'(x), elementwise (same shape as x).

    Hint: the chain rule, with log as the outer function.
    """
    ### BEGIN SOLUTION
    return 2 * x / (1 + x**2)
    ### END SOLUTION


def numerical_derivative(f, x, h=1e-5):
    """Estimate f'(x) with the central difference.

    The central difference with step h is

        f'(x) ≈ (f(x + h) − f(x − h)) / (2h).

    Parameters:
        f: a function that accepts a float or a NumPy array, elementwise.
        x: a number (a float, or an integer too) or a NumPy array of floats.
        h: the step size, a float (default 1e-5).

    Returns:
        The estimate of f'(x), elementwise (same shape as x).

    Hint: this is one line; write it exactly as the formula above.
    """
    ### BEGIN SOLUTION
    return (f(x + h) - f(x - h)) / (2 * h)
    ### END SOLUTION


def tangent_line(f, df, x0):
    """Return the tangent line of f at x0 as (slope, intercept).

    The tangent line y = slope · x + intercept touches the curve y = f(x) at x0 and
    has the same slope as f there.  Find its slope and intercept.

    Parameters:
        f: the function, taking a float.
        df: its derivative, a function taking a float.
        x0: the point of contact, a number (a float, or an integer too).

    Returns:
        A tuple (slope, intercept) of two Python floats.

    Hint: the line must pass through the point (x0, f(x0)).
    """
    ### BEGIN SOLUTION
    slope = float(df(x0))
    intercept = float(f(x0) - slope * x0)
    return slope, intercept
    ### END SOLUTION
