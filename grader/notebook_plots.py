"""Pictures for the notebooks, drawn from the student's own functions (not graded).

Each plot cell of a generated notebook passes the student's functions to one of these helpers, so a
student sees what their code computes: the derivative next to the curve, the error profiles, the
error surface with the best grid point, the descent path on the contour plot and the loss per step,
the end points of several starts on a non-convex function. The student's functions are called before
any figure exists; a stub's NotImplementedError (or any other error) propagates to the cell, which
prints a short note instead of a picture. These helpers run
in the student's kernel; grading never uses them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

# One small data set for every picture of the line model: noisy points around y = 1.8x − 1.
DATA_X = np.linspace(0.0, 5.0, 12)
DATA_Y = 1.8 * DATA_X - 1.0 + np.random.default_rng(7).normal(0.0, 1.0, DATA_X.size)


def _pyplot():
    import matplotlib.pyplot as plt

    return plt


def _finish(figure: Any, show: bool) -> Any:
    figure.tight_layout()
    if show:
        _pyplot().show()
    return figure


def _sse(m: np.ndarray | float, c: np.ndarray | float) -> np.ndarray:
    """The SSE of the plot data, for the pictures only (the kit's own, not the student's)."""
    m_arr, c_arr = np.asarray(m, dtype=float), np.asarray(c, dtype=float)
    residuals = DATA_Y - (m_arr[..., np.newaxis] * DATA_X + c_arr[..., np.newaxis])
    return np.sum(residuals**2, axis=-1)


def plot_derivative(f: Callable, df: Callable, numerical_derivative: Callable, tangent_line: Callable,
                    x0: float = 0.5, name: str = "f", show: bool = True) -> Any:
    """The curve, your exact derivative next to your central difference, and your tangent line at x0."""
    xs = np.linspace(-3.0, 3.0, 301)
    exact = np.asarray(df(xs), dtype=float)
    estimate = np.asarray(numerical_derivative(f, xs), dtype=float)
    slope, intercept = tangent_line(f, df, x0)
    plt = _pyplot()
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    left.plot(xs, f(xs), label=f"{name}(x)")
    near = xs[np.abs(xs - x0) < 1.2]
    left.plot(near, slope * near + intercept, "--", label=f"your tangent line at x0 = {x0:g}")
    left.plot([x0], [f(x0)], "o", color="black")
    left.set(title=f"{name} and its tangent line", xlabel="x")
    left.legend()
    right.plot(xs, exact, label="your exact derivative")
    right.plot(xs, estimate, ":", linewidth=3, label="your central difference")
    right.axhline(0.0, color="grey", linewidth=0.5)
    right.set(title=f"{name}′: both should lie on top of each other", xlabel="x")
    right.legend()
    return _finish(figure, show)


def plot_gradient_field(g: Callable, gradient: Callable, show: bool = True) -> Any:
    """Contours of g(x, y) with your numerical gradient drawn as arrows: they point uphill, across the contours."""
    points = np.linspace(-1.8, 1.8, 9)
    arrows = np.array([[*point, *np.asarray(gradient(lambda p: float(g(p[0], p[1])), list(point)), dtype=float)]
                       for point in ((px, py) for px in points for py in points)])
    plt = _pyplot()
    xs = np.linspace(-2.0, 2.0, 121)
    grid_x, grid_y = np.meshgrid(xs, xs)
    figure, axes = plt.subplots(figsize=(6, 5))
    contours = axes.contour(grid_x, grid_y, g(grid_x, grid_y), levels=20, cmap="viridis")
    figure.colorbar(contours, ax=axes, label="g(x, y)")
    axes.quiver(arrows[:, 0], arrows[:, 1], arrows[:, 2], arrows[:, 3], color="crimson", angles="xy")
    axes.set(title="g(x, y) and your gradient (arrows)", xlabel="x", ylabel="y", aspect="equal")
    return _finish(figure, show)


def plot_error_profiles(error_profile_slope: Callable, error_profile_intercept: Callable,
                        show: bool = True) -> Any:
    """Your two error profiles: SSE along the slope (intercept fixed) and along the intercept (slope fixed)."""
    slopes, intercepts = np.linspace(-1.0, 4.5, 111), np.linspace(-6.0, 4.0, 111)
    fixed_c, fixed_m = -1.0, 1.8
    along_m = np.asarray(error_profile_slope(slopes, fixed_c, DATA_X, DATA_Y), dtype=float)
    along_c = np.asarray(error_profile_intercept(fixed_m, intercepts, DATA_X, DATA_Y), dtype=float)
    plt = _pyplot()
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    left.plot(slopes, along_m)
    left.set(title=f"error profile along m (c = {fixed_c:g})", xlabel="slope m", ylabel="SSE")
    right.plot(intercepts, along_c)
    right.set(title=f"error profile along c (m = {fixed_m:g})", xlabel="intercept c", ylabel="SSE")
    return _finish(figure, show)


def plot_error_surface(error_surface: Callable, best_fit_on_grid: Callable, show: bool = True) -> Any:
    """Your error surface as a contour plot over (m, c), with your best grid point marked."""
    slopes, intercepts = np.linspace(-1.0, 4.5, 56), np.linspace(-6.0, 4.0, 51)
    surface = np.asarray(error_surface(slopes, intercepts, DATA_X, DATA_Y), dtype=float)
    best_m, best_c = best_fit_on_grid(slopes, intercepts, DATA_X, DATA_Y)
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(6, 5))
    contours = axes.contourf(slopes, intercepts, np.log10(surface), levels=30, cmap="viridis")
    figure.colorbar(contours, ax=axes, label="log10 SSE")
    axes.plot([best_m], [best_c], "r*", markersize=14, label=f"your best grid point ({best_m:.2f}, {best_c:.2f})")
    axes.set(title="the error surface (rows: intercepts, columns: slopes)", xlabel="slope m", ylabel="intercept c")
    axes.legend(loc="upper right")
    return _finish(figure, show)


def plot_least_squares(least_squares_fit: Callable, show: bool = True) -> Any:
    """The data and your least-squares line through them."""
    m, c = least_squares_fit(DATA_X, DATA_Y)
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(6, 4))
    axes.plot(DATA_X, DATA_Y, "o", label="data")
    axes.plot(DATA_X, m * DATA_X + c, label=f"your line: y = {m:.3f}·x + {c:.3f}")
    axes.set(title="the least-squares line", xlabel="x", ylabel="y")
    axes.legend()
    return _finish(figure, show)


def plot_descent(gradient_descent: Callable, learning_rate: float = 0.004, n_steps: int = 150,
                 start: tuple[float, float] = (-0.5, 3.5), show: bool = True) -> Any:
    """Your gradient-descent path on the contour plot of the SSE, and the SSE after each step."""
    path = np.asarray(gradient_descent(DATA_X, DATA_Y, start[0], start[1], learning_rate, n_steps), dtype=float)
    plt = _pyplot()
    slopes, intercepts = np.linspace(-1.0, 4.5, 111), np.linspace(-6.0, 5.0, 111)
    grid_m, grid_c = np.meshgrid(slopes, intercepts)
    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    contours = left.contour(grid_m, grid_c, _sse(grid_m, grid_c), levels=np.geomspace(10, 2000, 18), cmap="viridis")
    figure.colorbar(contours, ax=left, label="SSE")
    left.plot(path[:, 0], path[:, 1], ".-", color="crimson", label="your path")
    left.plot(*path[0], "ko", label="start")
    left.set(title=f"gradient descent, η = {learning_rate:g}", xlabel="slope m", ylabel="intercept c")
    left.legend(loc="upper right")
    right.semilogy(np.arange(len(path)), _sse(path[:, 0], path[:, 1]), ".-")
    right.set(title="SSE after each step", xlabel="step", ylabel="SSE (log scale)")
    return _finish(figure, show)


def plot_starts(f: Callable, df: Callable, descend_1d: Callable, best_of_starts: Callable | None = None,
                starts: tuple[float, ...] = (-2.0, -1.0, -0.2, 0.4, 1.0, 2.0), learning_rate: float = 0.01,
                n_steps: int = 300, show: bool = True) -> Any:
    """The non-convex function with the end point of your descent from each start (and your best one)."""
    ends = [float(descend_1d(df, start, learning_rate, n_steps)) for start in starts]
    best = None if best_of_starts is None else float(best_of_starts(f, df, list(starts), learning_rate, n_steps))
    plt = _pyplot()
    xs = np.linspace(-2.2, 2.2, 301)
    figure, axes = plt.subplots(figsize=(7, 4.5))
    axes.plot(xs, f(xs), color="grey", label="f(x)")
    for start, end in zip(starts, ends, strict=True):
        axes.annotate("", xy=(end, f(end)), xytext=(start, f(start)),
                      arrowprops={"arrowstyle": "->", "color": "tab:blue", "alpha": 0.6})
        axes.plot([start], [f(start)], "o", color="tab:blue", alpha=0.5)
        axes.plot([end], [f(end)], "s", color="tab:orange")
    if best is not None:
        axes.plot([best], [f(best)], "r*", markersize=16, label=f"your best end point x = {best:.3f}")
    axes.plot([], [], "o", color="tab:blue", alpha=0.5, label="starts")
    axes.plot([], [], "s", color="tab:orange", label="end points")
    axes.set(title="several starts: each run ends in the valley it starts in", xlabel="x", ylabel="f(x)")
    axes.legend()
    return _finish(figure, show)


# One small data set for every picture of the neuron: inputs with labels that a sigmoid separates, not perfectly.
NEURON_X = np.linspace(-4.0, 4.0, 16)
NEURON_Y = (NEURON_X + np.random.default_rng(11).normal(0.0, 1.2, NEURON_X.size) > 0.5).astype(float)


def plot_training(train_neuron: Callable, neuron_loss: Callable, per_weight_steps: Callable | None = None,
                  start: tuple[float, float] = (-1.5, 2.0), learning_rate: float = 0.1, n_steps: int = 120,
                  show: bool = True) -> Any:
    """Your training path on the loss surface over (w, b), your loss after each step and, with
    per_weight_steps, how far each weight moved in each step (the steps differ between weights)."""
    path = np.asarray(train_neuron(start[0], start[1], NEURON_X, NEURON_Y, learning_rate, n_steps), dtype=float)
    losses = [float(neuron_loss(w, b, NEURON_X, NEURON_Y)) for w, b in path]
    steps = None if per_weight_steps is None else np.array(
        [np.asarray(per_weight_steps(w, b, NEURON_X, NEURON_Y, learning_rate), dtype=float) for w, b in path[:-1]])
    plt = _pyplot()
    figure, axes = plt.subplots(1, 3 if steps is not None else 2, figsize=(15 if steps is not None else 11, 4.2))
    ws, bs = np.linspace(-2.5, 4.0, 91), np.linspace(-3.0, 3.0, 81)
    grid_w, grid_b = np.meshgrid(ws, bs)
    outputs = 1 / (1 + np.exp(-(grid_w[..., np.newaxis] * NEURON_X + grid_b[..., np.newaxis])))
    surface = np.sum((outputs - NEURON_Y) ** 2, axis=-1)  # the kit's own loss, for the background only
    contours = axes[0].contour(grid_w, grid_b, surface, levels=20, cmap="viridis")
    figure.colorbar(contours, ax=axes[0], label="loss")
    axes[0].plot(path[:, 0], path[:, 1], ".-", color="crimson", markersize=3, label="your path")
    axes[0].plot(*path[0], "ko", label="start")
    axes[0].set(title=f"training the neuron, η = {learning_rate:g}", xlabel="weight w", ylabel="bias b")
    axes[0].legend(loc="upper right")
    axes[1].plot(np.arange(len(losses)), losses, ".-")
    axes[1].set(title="your loss after each step", xlabel="step", ylabel="loss")
    if steps is not None:
        axes[2].semilogy(np.arange(1, len(steps) + 1), steps[:, 0], label="|Δw|")
        axes[2].semilogy(np.arange(1, len(steps) + 1), steps[:, 1], label="|Δb|")
        axes[2].set(title="your step of each weight", xlabel="step", ylabel="size of the update (log scale)")
        axes[2].legend()
    return _finish(figure, show)


def plot_saddle(gradient_norm_along_path: Callable, df_du: Callable, df_dv: Callable, f: Callable,
                starts: tuple[tuple[float, float], ...] = ((1.5, 0.0), (1.5, 1e-4), (0.3, 3.2)),
                learning_rate: float = 0.1, n_steps: int = 150, show: bool = True) -> Any:
    """The surface with its saddle and plateau, and your gradient's length along descent from several starts:
    it collapses near the saddle and on the plateau, where descent stalls; a tiny push escapes the saddle."""
    norms = [np.asarray(gradient_norm_along_path(df_du, df_dv, list(start), learning_rate, n_steps), dtype=float)
             for start in starts]
    plt = _pyplot()
    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    us, vs = np.linspace(-2.0, 2.0, 121), np.linspace(-3.5, 3.5, 141)
    grid_u, grid_v = np.meshgrid(us, vs)
    contours = left.contour(grid_u, grid_v, f(grid_u, grid_v), levels=25, cmap="viridis")
    figure.colorbar(contours, ax=left, label="f(u, v)")
    left.plot([0], [0], "kx", markersize=10, label="saddle")
    for start in starts:
        left.plot(*start, "o", label=f"start {start}")
    left.set(title="a saddle, two valleys and a plateau", xlabel="u", ylabel="v")
    left.legend(loc="lower right", fontsize=7)
    for start, values in zip(starts, norms, strict=True):
        right.semilogy(np.arange(values.size), np.maximum(values, 1e-16), label=f"from {start}")
    right.set(title="your gradient's length along each descent", xlabel="step", ylabel="|∇f| (log scale)")
    right.legend()
    return _finish(figure, show)
