"""A straight-line model and its error: the landscape that learning explores.

The simplest model of data points (xᵢ, yᵢ) is a straight line, ŷ = m·x + c, with
two parameters: the slope m and the intercept c.  Learning means choosing m and c
so that the predictions ŷᵢ come close to the observed yᵢ.

"Close" needs a number.  The sum of squared errors (SSE) adds up the squared
vertical gaps between each data point and the line:

    SSE(m, c) = Σᵢ (yᵢ − (m·xᵢ + c))².

Squaring makes every gap count positively and punishes large misses most.  The
SSE is a function of the parameters, not of x: the data are fixed, and each choice
of (m, c) gives one error value.

Plotting the SSE while varying one parameter and keeping the other fixed gives an
error profile, a parabola in that parameter.  Varying both gives an error surface
over the (m, c) plane, a bowl.  The best line sits at the bottom of the bowl.

One crude way to find the bottom is to evaluate the SSE on a grid of candidate
(m, c) pairs and keep the best; it is only as precise as the grid.  Calculus does
better: at the bottom of a smooth bowl the slope is zero in every direction, so
setting both partial derivatives ∂SSE/∂m and ∂SSE/∂c to zero and solving the two
equations gives the exact least-squares line.
"""

import numpy as np


def predict(m, c, x):
    """Return the predictions of the line with slope m and intercept c at x.

    The straight-line model is ŷ = m·x + c.

    Parameters:
        m: the slope (a number: a float, or an integer too).
        c: the intercept (a number: a float, or an integer too).
        x: a float or a 1-D NumPy array of numbers (floats, or integers too); leave it unchanged.

    Returns:
        m·x + c, elementwise (a float for a float x, a new array for an array x).
    """
    ### BEGIN SOLUTION
    return m * np.asarray(x, dtype=float) + c
    ### END SOLUTION


def sse(m, c, x, y):
    """Return the sum of squared errors of the line (m, c) on the data (x, y).

        SSE(m, c) = Σᵢ (yᵢ − (m·xᵢ + c))²

    Parameters:
        m: the slope (a number: a float, or an integer too).
        c: the intercept (a number: a float, or an integer too).
        x, y: 1-D NumPy arrays of numbers (floats, or integers too) of equal
            length, the data points.

    Returns:
        The SSE as a Python float.

    Hint: you may use predict.
    """
    ### BEGIN SOLUTION
    residuals = np.asarray(y, dtype=float) - predict(m, c, x)
    return float(np.sum(residuals**2))
    ### END SOLUTION


def error_profile_slope(slopes, c, x, y):
    """Return the SSE for each candidate slope, with the intercept held fixed.

    Parameters:
        slopes: the candidate slopes, a list or a 1-D NumPy array of floats.
        c: the fixed intercept (a float).
        x, y: 1-D NumPy arrays of numbers (floats, or integers too) of equal
            length, the data points.

    Returns:
        A 1-D float array whose entry k is sse(slopes[k], c, x, y).
    """
    ### BEGIN SOLUTION
    return np.array([sse(m, c, x, y) for m in np.asarray(slopes, dtype=float)], dtype=float)
    ### END SOLUTION


def error_profile_intercept(m, intercepts, x, y):
    """Return the SSE for each candidate intercept, with the slope held fixed.

    Parameters:
        m: the fixed slope (a float).
        intercepts: the candidate intercepts, a list or a 1-D NumPy array of floats.
        x, y: 1-D NumPy arrays of numbers (floats, or integers too) of equal
            length, the data points.

    Returns:
        A 1-D float array whose entry k is sse(m, intercepts[k], x, y).
    """
    ### BEGIN SOLUTION
    return np.array([sse(m, c, x, y) for c in np.asarray(intercepts, dtype=float)], dtype=float)
    ### END SOLUTION


def error_surface(slopes, intercepts, x, y):
    """Return the SSE at every (slope, intercept) pair of a grid.

    The result E has shape (len(intercepts), len(slopes)) with

        E[i, j] = sse(slopes[j], intercepts[i], x, y),

    which is the layout of np.meshgrid(slopes, intercepts): intercepts change down
    the rows, slopes change along the columns.

    Parameters:
        slopes: the candidate slopes, a list or a 1-D NumPy array of floats.
        intercepts: the candidate intercepts, a list or a 1-D NumPy array of floats.
        x, y: 1-D NumPy arrays of numbers (floats, or integers too) of equal
            length, the data points.

    Returns:
        A 2-D float array of shape (len(intercepts), len(slopes)).

    Hint: a double loop works; for a vectorised version, build the grids with
    np.meshgrid and add a trailing axis so they broadcast against x and y.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    m_grid, c_grid = np.meshgrid(np.asarray(slopes, dtype=float), np.asarray(intercepts, dtype=float))
    residuals = y - (m_grid[..., np.newaxis] * x + c_grid[..., np.newaxis])
    return np.sum(residuals**2, axis=-1)
    ### END SOLUTION


def best_fit_on_grid(slopes, intercepts, x, y):
    """Return the grid point (m, c) with the lowest SSE.

    Evaluate the error surface over all pairs of slopes and intercepts and pick the
    pair where it is smallest.

    Parameters:
        slopes: the candidate slopes, a list or a 1-D NumPy array of floats.
        intercepts: the candidate intercepts, a list or a 1-D NumPy array of floats.
        x, y: 1-D NumPy arrays of numbers (floats, or integers too) of equal
            length, the data points.

    Returns:
        A tuple (m, c) of Python floats.

    Hint: use error_surface, then np.unravel_index(np.argmin(E), E.shape) gives the
    row and column of the smallest entry.  Mind which index belongs to which axis.
    """
    ### BEGIN SOLUTION
    surface = error_surface(slopes, intercepts, x, y)
    i, j = np.unravel_index(np.argmin(surface), surface.shape)
    return float(np.asarray(slopes, dtype=float)[j]), float(np.asarray(intercepts, dtype=float)[i])
    ### END SOLUTION


def least_squares_fit(x, y):
    """Return the exact least-squares line (m, c) for the data (x, y).

    The best line minimises SSE(m, c) = Σᵢ (yᵢ − (m·xᵢ + c))².  At the minimum both
    partial derivatives vanish:

        ∂SSE/∂m = 0   and   ∂SSE/∂c = 0.

    Derive these two partial derivatives by hand, set them to zero and solve the two
    equations for m and c.

    Parameters:
        x, y: 1-D NumPy arrays of numbers (floats, or integers too) of equal
            length (the xᵢ not all equal).

    Returns:
        A tuple (m, c) of Python floats.

    Hint: the equation from ∂SSE/∂c = 0 gives c in terms of m and the means x̄ and ȳ;
    substitute it into the other equation.  Writing the result with the centred
    values x − x̄ and y − ȳ keeps it short.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    x_mean = x.mean()
    y_mean = y.mean()
    dx = x - x_mean
    m = np.sum(dx * (y - y_mean)) / np.sum(dx**2)
    c = y_mean - m * x_mean
    return float(m), float(c)
    ### END SOLUTION
