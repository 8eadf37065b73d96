"""`calcgrade demo`: bundled sample submissions, graded end to end.

The samples are made from the single source (the reference solutions and the library of known
mistakes), so they can never drift from the kit: a complete submission, a partial one, two with
typical mistakes, and one whose code crashes and loops.
"""

from __future__ import annotations

from pathlib import Path

from grader import kit
from grader.curriculum import BY_KEY

CRASHES = {
    "derivatives.df_poly": "import os\nos._exit(3)",
    "derivatives.df_wave": "while True:\n    pass",
    "linear_model.sse": "return {'sse': 1.0}",
}

SAMPLES: dict[str, dict[str, object]] = {
    "ada_complete": {"modules": kit.MODULES, "mistakes": []},
    "ben_partial": {"modules": ("derivatives", "linear_model"), "stubs": ["derivatives.tangent_line",
                                                                          "linear_model.least_squares_fit"]},
    "cleo_mistakes": {"modules": kit.MODULES, "mistakes": [
        ("linear_model.sse", "mean instead of sum"),
        ("gradient_descent.gradient_descent", "sequential instead of simultaneous update"),
        ("derivatives.df_wave", "dropped inner derivative of sin(3x)"),
        ("derivatives.numerical_derivative", "forward difference"),
    ]},
    "dev_mistakes": {"modules": kit.MODULES, "mistakes": [
        ("gradient_descent.sse_gradient", "sign flipped"),
        ("linear_model.error_surface", "transposed surface"),
        ("partial_derivatives.classify_critical_point", "signs of the diagonal"),
        ("gradient_descent.descend_1d", "gradient ascent"),
    ]},
    "eve_crashes": {"modules": ("derivatives", "linear_model"), "crashes": list(CRASHES)},
}


def _body(key: str, spec: dict[str, object]) -> str | None:
    exercise = BY_KEY[key]
    for mistake_key, name in spec.get("mistakes", []):  # type: ignore[union-attr]
        if mistake_key == key:
            return next(m.body for m in exercise.misconceptions if m.name == name)
    if key in spec.get("stubs", []):  # type: ignore[operator]
        return kit.STUB_BODY
    if key in spec.get("crashes", []):  # type: ignore[operator]
        return CRASHES[key]
    return None


def write_samples(root: Path) -> list[str]:
    """Write the sample submissions under root (one folder per student); returns the student ids."""
    for student, spec in SAMPLES.items():
        folder = root / student
        folder.mkdir(parents=True, exist_ok=True)
        for module in spec["modules"]:  # type: ignore[union-attr]
            bodies = {key.split(".")[1]: body for key in BY_KEY if key.startswith(module + ".")
                      if (body := _body(key, spec)) is not None}
            source = kit.replace_bodies(kit.solution_source(module), bodies)
            (folder / f"{module}.py").write_text(source, encoding="utf-8")
    return list(SAMPLES)
