"""Partial derivatives, gradients and Hessians: slopes in several directions.

A function of several variables, such as f(x, y), has a slope in every direction.
A partial derivative measures the slope along one coordinate axis: to find ∂f/∂x,
treat y as a fixed constant and differentiate with respect to x as usual; for
∂f/∂y, hold x fixed instead.  All the single-variable rules still apply.

Collecting all the partial derivatives at a point into one vector gives the
gradient, ∇f = (∂f/∂x₁, ..., ∂f/∂xₙ).  The gradient points in the direction in
which f increases fastest, and its length is that fastest rate.  Training a model
means following the negative gradient of its error downhill.

Each partial derivative can be estimated numerically by a central difference
along its own axis: nudge coordinate i by +h and by −h, leave the others alone,
and divide the change in f by 2h.  Doing this for every axis gives a numerical
gradient, the standard check for hand-derived gradients.

The second partial derivatives ∂²f/∂xᵢ∂xⱼ form the Hessian matrix, which describes
the curvature of f.  For smooth functions it is symmetric.  At a critical point
(where the gradient is zero) the signs of the Hessian's eigenvalues tell what kind
of point it is: all positive means the surface curves up in every direction (a
minimum), all negative means it curves down in every direction (a maximum), and
mixed signs mean up in some directions and down in others (a saddle).  If some
eigenvalue is zero the second-derivative test cannot decide (degenerate).
"""

import numpy as np


def g(x, y):
    """A function of two variables: x² · y + sin(x · y)."""
    return x**2 * y + np.sin(x * y)


def saddle(x, y):
    """The classic saddle surface: x² − y²."""
    return x**2 - y**2


def dg_dx(x, y):
    """Return the exact partial derivative ∂g/∂x at (x, y).

    Differentiate g(x, y) = x² · y + sin(x · y) by hand with respect to x, treating
    y as a constant, and evaluate your result.

    Parameters:
        x, y: numbers (floats, or integers too) or NumPy arrays of floats of the same
            shape.

    Returns:
        ∂g/∂x at (x, y), elementwise.

    Hint: the sine term needs the chain rule.
    """
    raise NotImplementedError


def dg_dy(x, y):
    """Return the exact partial derivative ∂g/∂y at (x, y).

    Differentiate g(x, y) = x² · y + sin(x · y) by hand with respect to y, treating
    x as a constant, and evaluate your result.

    Parameters:
        x, y: numbers (floats, or integers too) or NumPy arrays of floats of the same
            shape.

    Returns:
        ∂g/∂y at (x, y), elementwise.
    """
    raise NotImplementedError


def partial_derivative(f, point, i, h=1e-5):
    """Estimate the partial derivative ∂f/∂xᵢ at point by a central difference.

    With eᵢ the unit vector along axis i, the central difference is

        ∂f/∂xᵢ ≈ (f(point + h·eᵢ) − f(point − h·eᵢ)) / (2h).

    Parameters:
        f: a function taking a 1-D float array and returning a float.
        point: a 1-D sequence of numbers (list, tuple or array; may hold integers).
            It must not be modified.
        i: the index of the coordinate to differentiate along (an int).
        h: the step size, a float (default 1e-5).

    Returns:
        The estimate as a Python float.

    Hint: copy point into two new float arrays, e.g. np.array(point, dtype=float),
    then change only entry i of each.
    """
    raise NotImplementedError


def gradient(f, point, h=1e-5):
    """Estimate the gradient ∇f at point by central differences.

    The gradient is the vector of all partial derivatives
    (∂f/∂x₀, ∂f/∂x₁, ..., ∂f/∂xₙ₋₁) at point.

    Parameters:
        f: a function taking a 1-D float array and returning a float.
        point: a 1-D sequence of n numbers (a list or a NumPy array; integers too);
            it must not be modified.
        h: the step size, a float (default 1e-5).

    Returns:
        A 1-D float NumPy array of length n.

    Hint: call partial_derivative once for each axis.
    """
    raise NotImplementedError


def hessian(f, point, h=1e-4):
    """Estimate the Hessian matrix of f at point by central differences.

    Entry (i, j) is the second partial derivative ∂²f/∂xᵢ∂xⱼ.  With p = point and eᵢ
    the unit vector along axis i, estimate every entry with the 4-point stencil

        (f(p + h·eᵢ + h·eⱼ) − f(p + h·eᵢ − h·eⱼ) − f(p − h·eᵢ + h·eⱼ) + f(p − h·eᵢ − h·eⱼ))
        / (4h²).

    For i == j this is the central second difference with step 2h.  The result must
    be exactly symmetric: entry (i, j) equal to entry (j, i).

    Parameters:
        f: a function taking a 1-D float array and returning a float.
        point: a 1-D sequence of n numbers (a list or a NumPy array; integers too);
            it must not be modified.
        h: the step size, a float (default 1e-4).

    Returns:
        An (n, n) float NumPy array.

    Hint: compute each entry with j ≥ i once and store it at both (i, j) and (j, i).
    """
    raise NotImplementedError


def classify_critical_point(hessian_matrix):
    """Classify a critical point from the Hessian matrix there.

    Compute the eigenvalues λ of the symmetric matrix (use np.linalg.eigvalsh on
    np.asarray(hessian_matrix, dtype=float)) and decide by their signs:

    - "degenerate" if some eigenvalue is (numerically) zero, meaning
      |λ| ≤ 1e-8 · max(1, max |λ|) for at least one λ;
    - otherwise "minimum" if all eigenvalues are positive,
      "maximum" if all are negative, and "saddle" if the signs are mixed.

    Parameters:
        hessian_matrix: a symmetric n×n matrix of numbers, integers too (nested
            lists or a NumPy array).

    Returns:
        One of the strings "minimum", "maximum", "saddle" or "degenerate".
    """
    raise NotImplementedError
