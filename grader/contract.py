"""The kit's contract: every module's top-level functions with their parameters (names, order, defaults).

Students' files, the reference solutions and the stubs must all define exactly these signatures (the given
functions and the student functions); `calcgrade check-exercises` checks `solutions/` and `exercises/`
against it, and an author adding an exercise adds its line here. Written like `def` lines, without `def`.
"""

from __future__ import annotations

import ast

CONTRACT: dict[str, dict[str, str]] = {
    "derivatives": {
        "f_poly": "x", "f_wave": "x", "sigmoid": "x", "f_log": "x",
        "df_poly": "x", "df_wave": "x", "dsigmoid": "x", "df_log": "x",
        "numerical_derivative": "f, x, h=1e-05", "tangent_line": "f, df, x0",
    },
    "partial_derivatives": {
        "g": "x, y", "saddle": "x, y",
        "dg_dx": "x, y", "dg_dy": "x, y",
        "partial_derivative": "f, point, i, h=1e-05", "gradient": "f, point, h=1e-05",
        "hessian": "f, point, h=0.0001", "classify_critical_point": "hessian_matrix",
    },
    "linear_model": {
        "predict": "m, c, x", "sse": "m, c, x, y",
        "error_profile_slope": "slopes, c, x, y", "error_profile_intercept": "m, intercepts, x, y",
        "error_surface": "slopes, intercepts, x, y", "best_fit_on_grid": "slopes, intercepts, x, y",
        "least_squares_fit": "x, y",
    },
    "gradient_descent": {
        "f_nonconvex": "x",
        "sse_gradient": "m, c, x, y", "gradient_step": "weights, grad, learning_rate",
        "gradient_descent": "x, y, m0, c0, learning_rate, n_steps", "df_nonconvex": "x",
        "descend_1d": "df, x0, learning_rate, n_steps",
        "best_of_starts": "f, df, starts, learning_rate, n_steps",
    },
    "neural_network": {
        "sigmoid": "x", "saddle_plateau": "u, v", "saddle_plateau_du": "point", "saddle_plateau_dv": "point",
        "neuron": "w, b, x", "neuron_loss": "w, b, x, y",
        "dloss_dw": "w, b, x, y", "dloss_db": "w, b, x, y",
        "backprop": "w_hidden, b_hidden, w_out, b_out, x, y",
        "train_neuron": "w0, b0, x, y, learning_rate, n_steps",
        "per_weight_steps": "w, b, x, y, learning_rate",
        "gradient_norm_along_path": "df_du, df_dv, start, learning_rate, n_steps",
        "steps_to_escape": "df_du, df_dv, saddle, offset, learning_rate, radius, max_steps",
    },
}


def signature_text(function: ast.FunctionDef) -> str:
    """A function's parameters as the contract writes them: `name`, `name=default`, `...` for *args/**kwargs."""
    args = function.args
    names = [a.arg for a in args.posonlyargs + args.args]
    defaults: list[ast.expr | None] = [None] * (len(names) - len(args.defaults)) + list(args.defaults)
    parts = []
    for name, default in zip(names, defaults, strict=True):
        if default is None:
            parts.append(name)
        else:
            try:
                parts.append(f"{name}={ast.literal_eval(default)!r}")
            except ValueError:
                parts.append(f"{name}={ast.unparse(default)}")
    if args.vararg or args.kwonlyargs or args.kwarg:
        parts.append("...")
    return ", ".join(parts)


def differences(module: str, source: str, shown_as: str) -> list[str]:
    """Where `source` (a module's text, read and never run) breaks the contract of `module`."""
    if module not in CONTRACT:
        return [f"{shown_as}: the contract has no module {module} (add it to grader/contract.py)"]
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        return [f"{shown_as}: cannot be parsed ({error})"]
    found = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    problems = []
    for name, wanted in CONTRACT[module].items():
        if name not in found:
            problems.append(f"{shown_as}: no top-level function {name}({wanted})")
        elif signature_text(found[name]) != wanted:
            problems.append(f"{shown_as}: {name}({signature_text(found[name])}) should be {name}({wanted})")
    for name in sorted(set(found) - set(CONTRACT[module])):
        problems.append(f"{shown_as}: {name} is not in the contract of {module} (grader/contract.py)")
    return problems
