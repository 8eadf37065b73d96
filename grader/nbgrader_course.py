"""`calcgrade nbgrader-course DIR`: an nbgrader course generated from the kit's single source.

Each module becomes `source/<module>/<module>.ipynb` (assignment name = module name): the module
docstring's prose and the exercise docstrings as markdown, their formulas typeset in LaTeX, a
section of mathematics per module, the given functions in locked cells, one solution cell per
student function (the reference code between `### BEGIN SOLUTION` / `### END SOLUTION`, taken
from `solutions/` so it cannot drift), one autograded test cell per function worth that exercise's
points, and plot cells drawn from the student's own functions. Notebooks are never edited by hand:
change `solutions/`, the curriculum or this module and generate again.

A test cell is `check(key, hidden=hidden_checks)` (see `grader.notebook_checks`); its hidden-test
region only switches the hidden checks on, so nbgrader's feedback, which shows that region's code
to the student, shows neither an input nor an expected value. Under a course file, a copy of it goes
beside each notebook (and into the course folder), so that the kernel grades the same course.
"""

from __future__ import annotations

import ast
import inspect
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from grader import course, kit
from grader.curriculum import BY_KEY, DECLARED, neural_network

if TYPE_CHECKING:
    from nbformat import NotebookNode

COURSE_ID = "calcgrade"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

# Every formula written as an indented block in a docstring, typeset (a test checks none is missing).
LATEX = {
    "f'(x) = lim (h -> 0) (f(x + h) - f(x)) / h.": r"f'(x) = \lim_{h \to 0} \frac{f(x + h) - f(x)}{h}.",
    "f'(x) ≈ (f(x + h) - f(x - h)) / (2h),": r"f'(x) \approx \frac{f(x + h) - f(x - h)}{2h},",
    "f'(x) ≈ (f(x + h) − f(x − h)) / (2h).": r"f'(x) \approx \frac{f(x + h) - f(x - h)}{2h}.",
    "∂f/∂xᵢ ≈ (f(point + h·eᵢ) − f(point − h·eᵢ)) / (2h).":
        r"\frac{\partial f}{\partial x_i} \approx \frac{f(\mathrm{point} + h\,e_i) - f(\mathrm{point} - h\,e_i)}{2h}.",
    "(f(p + h·eᵢ + h·eⱼ) − f(p + h·eᵢ − h·eⱼ) − f(p − h·eᵢ + h·eⱼ) + f(p − h·eᵢ − h·eⱼ))\n/ (4h²).":
        r"\frac{\partial^2 f}{\partial x_i \partial x_j} \approx \frac{f(p + he_i + he_j) - f(p + he_i - he_j)"
        r" - f(p - he_i + he_j) + f(p - he_i - he_j)}{4h^2}.",
    "SSE(m, c) = Σᵢ (yᵢ − (m·xᵢ + c))².": r"\mathrm{SSE}(m, c) = \sum_i \bigl(y_i - (m x_i + c)\bigr)^2.",
    "SSE(m, c) = Σᵢ (yᵢ − (m·xᵢ + c))²": r"\mathrm{SSE}(m, c) = \sum_i \bigl(y_i - (m x_i + c)\bigr)^2",
    "E[i, j] = sse(slopes[j], intercepts[i], x, y),":
        r"E_{ij} = \mathrm{SSE}(\mathrm{slopes}_j, \mathrm{intercepts}_i) \text{ on the data } (x, y),",
    "∂SSE/∂m = 0   and   ∂SSE/∂c = 0.":
        r"\frac{\partial\,\mathrm{SSE}}{\partial m} = 0 \quad\text{and}\quad"
        r" \frac{\partial\,\mathrm{SSE}}{\partial c} = 0.",
    "w ← w − η · ∇E(w),": r"\mathbf{w} \leftarrow \mathbf{w} - \eta \, \nabla E(\mathbf{w}),",
    "new_weights = weights − learning_rate · grad.":
        r"\mathrm{new\_weights} = \mathrm{weights} - \mathrm{learning\_rate} \cdot \mathrm{grad}.",
    "(m, c) ← (m, c) − learning_rate · (∂SSE/∂m, ∂SSE/∂c).":
        r"(m, c) \leftarrow (m, c) - \eta \, \Bigl(\frac{\partial\,\mathrm{SSE}}{\partial m},"
        r" \frac{\partial\,\mathrm{SSE}}{\partial c}\Bigr), \qquad \eta = \mathrm{learning\_rate}.",
    "x ← x − learning_rate · df(x)": r"x \leftarrow x - \eta \, f'(x), \qquad \eta = \mathrm{learning\_rate}",
}

# The mathematics of each module, beyond its docstring; it never states an exercise's answer.
MATHEMATICS = {
    "derivatives": r"""## The mathematics

The derivative is the limit of difference quotients, the slope of ever shorter secants:
$$f'(x) = \lim_{h \to 0} \frac{f(x + h) - f(x)}{h}.$$

The rules for differentiating by hand, for functions $f$, $g$ and a constant $a$:
$$(f + g)' = f' + g', \qquad (a\,f)' = a\,f', \qquad (x^n)' = n\,x^{n-1},$$
$$(f\,g)' = f'\,g + f\,g' \quad\text{(product rule)}, \qquad
\bigl(f(g(x))\bigr)' = f'\bigl(g(x)\bigr)\,g'(x) \quad\text{(chain rule)},$$
$$(\sin x)' = \cos x, \qquad (\cos x)' = -\sin x, \qquad (e^x)' = e^x, \qquad (\ln x)' = \frac{1}{x}.$$

Why the central difference beats a one-sided step (Taylor's theorem):
$$\frac{f(x + h) - f(x)}{h} = f'(x) + \frac{h}{2}\,f''(x) + O(h^2), \qquad
\frac{f(x + h) - f(x - h)}{2h} = f'(x) + \frac{h^2}{6}\,f'''(x) + O(h^4).$$
The one-sided error shrinks like $h$, the central one like $h^2$; rounding adds about
$\varepsilon\,|f(x)|/h$ to both, so $h$ must not be too small either.

The tangent line at $x_0$ touches the curve at $\bigl(x_0, f(x_0)\bigr)$ with slope $f'(x_0)$:
near $x_0$, $\;f(x) \approx f(x_0) + f'(x_0)\,(x - x_0)$.
""",
    "partial_derivatives": r"""## The mathematics

A partial derivative holds every other variable fixed:
$$\frac{\partial f}{\partial x}(x, y) = \lim_{h \to 0} \frac{f(x + h, y) - f(x, y)}{h}, \qquad
\frac{\partial f}{\partial y}(x, y) = \lim_{h \to 0} \frac{f(x, y + h) - f(x, y)}{h}.$$

The gradient collects them; it points uphill, and $-\nabla f$ points downhill:
$$\nabla f(\mathbf{x}) = \Bigl(\frac{\partial f}{\partial x_1}, \dots, \frac{\partial f}{\partial x_n}\Bigr).$$

Along axis $i$, with the unit vector $e_i$, the central difference is
$$\frac{\partial f}{\partial x_i}(\mathbf{x}) \approx \frac{f(\mathbf{x} + h\,e_i) - f(\mathbf{x} - h\,e_i)}{2h}.$$

The Hessian holds the second partial derivatives; for smooth $f$ it is symmetric:
$$H_{ij} = \frac{\partial^2 f}{\partial x_i\,\partial x_j}, \qquad H = H^{\mathsf T}.$$

At a critical point ($\nabla f = 0$), with $\lambda_1, \dots, \lambda_n$ the eigenvalues of $H$:
all $\lambda_k > 0$: minimum; all $\lambda_k < 0$: maximum; both signs: saddle;
some $\lambda_k = 0$: the test cannot decide (degenerate). For example the saddle
$x^2 - y^2$ has $H = \begin{pmatrix} 2 & 0 \\ 0 & -2 \end{pmatrix}$ at the origin.
""",
    "linear_model": r"""## The mathematics

The model and its error, for data $(x_1, y_1), \dots, (x_n, y_n)$:
$$\hat y = m\,x + c, \qquad \mathrm{SSE}(m, c) = \sum_{i=1}^{n} \bigl(y_i - (m\,x_i + c)\bigr)^2.$$

With $c = c_0$ fixed, the error profile is a parabola in $m$ (multiply out the square):
$$\mathrm{SSE}(m, c_0) = m^2 \sum_i x_i^2 \;-\; 2m \sum_i x_i\,(y_i - c_0) \;+\; \sum_i (y_i - c_0)^2,$$
and likewise in $c$ for a fixed $m$. Over both parameters the error surface is a bowl.

A grid search keeps the best of finitely many candidates:
$$(\hat m, \hat c) = \operatorname*{arg\,min}_{(m, c) \in \text{grid}} \mathrm{SSE}(m, c).$$

The exact minimum is where the surface is flat in both directions,
$\partial\,\mathrm{SSE}/\partial m = 0$ and $\partial\,\mathrm{SSE}/\partial c = 0$: two linear equations
in $m$ and $c$. The means $\bar x = \frac{1}{n}\sum_i x_i$ and $\bar y = \frac{1}{n}\sum_i y_i$ help to
write their solution.
""",
    "gradient_descent": r"""## The mathematics

Gradient descent repeats one update from a start $\mathbf{w}_0$, with learning rate $\eta > 0$:
$$\mathbf{w}_{k+1} = \mathbf{w}_k - \eta\,\nabla E(\mathbf{w}_k).$$
For the line, $\mathbf{w} = (m, c)$ and $E = \mathrm{SSE}$; both components of $\mathbf{w}_{k+1}$ are
computed from the gradient at the same point $\mathbf{w}_k$ (a simultaneous update).

Each squared term needs the chain rule: the outer function is the square, the inner one
the residual $r_i = y_i - (m\,x_i + c)$.

For a quadratic bowl whose steepest curvature is $\lambda_{\max}$ (the largest eigenvalue of the
Hessian), the steps converge exactly when $0 < \eta < 2/\lambda_{\max}$; a larger $\eta$ overshoots
further with every step.

In one variable the update is $x_{k+1} = x_k - \eta\,f'(x_k)$. It stops moving where $f'(x) = 0$,
and settles only where the curve bends up, $f''(x) > 0$: a local minimum, not necessarily the
global one. The quartic $f(x) = x^4 - 3x^2 + x$ has two such valleys.
""",
}

HOW_IT_WORKS = """## How this notebook works

Run the cells from the top. Each exercise has a cell with a function to complete: replace
`raise NotImplementedError()` with your code (you may add imports and helper functions in that same
cell). The cell after it checks your function on the public inputs and shows, for each check that
fails, the call, what your function returned, what was expected and a hint; the number it ends with is
the points your function earned. When grading, your instructor adds hidden checks on other inputs, and
a public check then counts only where the hidden check of the same kind passes too: make your function
right, not just the examples.
The grey (read-only) cells are given: do not change them. The pictures are drawn from your own
functions; they are not graded."""

# Plot cells: after which exercise, the helper, and the student's functions it is given.
PLOTS = {
    "derivatives.tangent_line": [("plot_derivative", "f_wave, df_wave, numerical_derivative, tangent_line, "
                                  "name='f_wave'", "df_wave, numerical_derivative and tangent_line")],
    "partial_derivatives.gradient": [("plot_gradient_field", "g, gradient", "gradient")],
    "linear_model.error_profile_intercept": [("plot_error_profiles", "error_profile_slope, error_profile_intercept",
                                              "error_profile_slope and error_profile_intercept")],
    "linear_model.best_fit_on_grid": [("plot_error_surface", "error_surface, best_fit_on_grid",
                                       "error_surface and best_fit_on_grid")],
    "linear_model.least_squares_fit": [("plot_least_squares", "least_squares_fit", "least_squares_fit")],
    "gradient_descent.gradient_descent": [("plot_descent", "gradient_descent",
                                           "sse_gradient, gradient_step and gradient_descent")],
    "gradient_descent.best_of_starts": [("plot_starts", "f_nonconvex, df_nonconvex, descend_1d, best_of_starts",
                                         "df_nonconvex, descend_1d and best_of_starts")],
}

# Modules declared in the keyword form bring their notebook's mathematics, formulas and pictures with them.
for _declared in (neural_network,):
    MATHEMATICS[_declared.MODULE] = _declared.NOTEBOOK_MATHEMATICS
    LATEX.update(_declared.NOTEBOOK_LATEX)
    PLOTS.update(_declared.NOTEBOOK_PLOTS)


@dataclass(frozen=True)
class Part:
    """A top-level piece of a solution module: its imports, a given function or a student function."""

    kind: str  # "imports", "given" or "exercise"
    name: str
    source: str
    doc: str = ""


def module_parts(module: str) -> tuple[str, list[Part]]:
    """(module docstring, the parts in source order) of a solution module."""
    source = kit.solution_source(module)
    lines = source.splitlines()
    tree = ast.parse(source)
    regions = kit.solution_regions(source)
    parts = []
    for node in tree.body:
        if node is tree.body[0] and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the module docstring
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        name = getattr(node, "name", "")
        last = max(node.end_lineno or node.lineno, regions[name][1] + 1 if name in regions else 0)  # the END marker
        text = "\n".join(lines[first - 1 : last])
        if isinstance(node, ast.Import | ast.ImportFrom):
            parts.append(Part("imports", "", text))
        elif isinstance(node, ast.FunctionDef) and node.name in regions:
            parts.append(Part("exercise", node.name, text, ast.get_docstring(node) or ""))
        else:
            parts.append(Part("given", getattr(node, "name", ""), text))
    return ast.get_docstring(tree) or "", parts


# ----- docstrings as markdown ---------------------------------------------------------------------


def formula_markdown(formula: str) -> str:
    """An indented formula block of a docstring (lines stripped): LaTeX display math when known, else verbatim."""
    if formula in LATEX:
        return f"$$\n{LATEX[formula]}\n$$"
    return f"```\n{formula}\n```"


def formula_blocks(doc: str) -> list[str]:
    """The indented formula blocks of a docstring (outside Parameters and Returns), lines stripped."""
    return [text for kind, text in _blocks(doc) if kind == "formula"]


def _blocks(doc: str) -> list[tuple[str, str]]:
    """A docstring split into (kind, lines): prose, formula, heading, param, returns, item, hint."""
    blocks: list[tuple[str, list[str]]] = []
    section = "prose"

    def add(kind: str, text: str, continues: bool) -> None:
        if continues and blocks and blocks[-1][0] == kind:
            blocks[-1][1].append(text)
        else:
            blocks.append((kind, [text]))

    for line in inspect.cleandoc(doc).splitlines():
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        kind = blocks[-1][0] if blocks else ""
        if not stripped:
            blocks.append(("", []))  # a blank line ends the block
        elif stripped in ("Parameters:", "Returns:"):
            section = stripped[:-1].lower()
            blocks.append(("heading", [section]))
        else:
            if indent == 0:
                section = "prose"
            if section == "parameters":  # a new parameter is `name: ...`, deeper lines continue it
                add("param", stripped, continues=not (indent <= 4 and re.match(r"[\w, ]+:\s", stripped)))
            elif section == "returns":
                add("returns", stripped, continues=True)
            elif indent >= 4 and kind in ("", "formula"):
                add("formula", stripped, continues=True)
            elif stripped.startswith("- "):
                add("item", stripped[2:], continues=False)
            elif stripped.startswith("Hint:"):
                add("hint", stripped[len("Hint:"):].strip(), continues=False)
            elif kind in ("prose", "item", "hint"):
                blocks[-1][1].append(stripped)
            else:
                add("prose", stripped, continues=False)
    return [(kind, "\n".join(lines)) for kind, lines in blocks if kind]


def docstring_markdown(doc: str) -> str:
    """A docstring in the kit's words as markdown: prose, LaTeX formulas, parameters, returns, hint."""
    out: list[str] = []
    for kind, text in _blocks(doc):
        joined = " ".join(text.splitlines())
        if kind == "formula":
            out.append(formula_markdown(text))
        elif kind == "heading":
            out.append(f"**{text.capitalize()}**")
        elif kind == "param":
            name, _, rest = joined.partition(":")
            out.append(f"- `{name.strip()}`: {rest.strip()}")
        elif kind == "item":
            out.append(f"- {joined}")
        elif kind == "hint":
            out.append(f"> **Hint:** {joined}")
        else:
            out.append(joined)
    markdown = out[0] if out else ""
    for previous, block in zip(out, out[1:], strict=False):
        markdown += ("\n" if previous.startswith("- ") and block.startswith("- ") else "\n\n") + block
    return markdown


# ----- cells --------------------------------------------------------------------------------------


def _nbgrader(cell: NotebookNode, grade_id: str, *, solution: bool = False, grade: bool = False,
              locked: bool = False, points: float | None = None) -> NotebookNode:
    """The cell with nbgrader's metadata (schema 3) and a stable id."""
    marks = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution,
             "task": False}
    if points is not None:
        marks["points"] = points
    cell.metadata["nbgrader"] = marks
    if locked:
        cell.metadata["editable"] = False
        cell.metadata["deletable"] = False
    cell["id"] = grade_id.replace(".", "-")  # deterministic ids: regenerating gives the same file
    return cell


def _exercise(key: str):
    """The exercise as the course in force has it, else as declared (a module the course leaves out)."""
    return BY_KEY.get(key) or next(exercise for exercise in DECLARED if exercise.key == key)


def check_cell_source(key: str) -> str:
    """The autograded cell of one exercise: only a call; the hidden region only adds hidden checks."""
    exercise = _exercise(key)
    return (f"# Checks {exercise.function} on the public inputs ({exercise.points:g} points); grading adds hidden "
            "inputs.\n"
            "from grader.notebook_checks import check\n\n"
            "hidden_checks = False\n"
            "### BEGIN HIDDEN TESTS\n"
            "hidden_checks = True\n"
            "### END HIDDEN TESTS\n"
            f'check("{key}", hidden=hidden_checks)')


def plot_cell_source(helper: str, arguments: str, needs: str) -> str:
    return (f"# A picture drawn from your own functions (not graded).\n"
            "try:\n"
            f"    from grader.notebook_plots import {helper}\n\n"
            f"    {helper}({arguments})\n"
            "except NotImplementedError:\n"
            f'    print("No picture yet: complete {needs} above, run their cells, then this one.")\n'
            "except Exception as error:\n"
            '    print(f"No picture: {type(error).__name__}: {error}")')


def module_notebook(module: str) -> NotebookNode:
    """The nbgrader source notebook of one module (with solutions and hidden tests)."""
    import nbformat
    from nbformat import v4

    doc, parts = module_parts(module)
    title, _, prose = doc.partition("\n")
    intro = f"# {title.strip().rstrip('.')}\n\n{docstring_markdown(prose)}"
    cells = [
        _nbgrader(v4.new_markdown_cell(intro), "intro", locked=True),
        _nbgrader(v4.new_markdown_cell(HOW_IT_WORKS), "how_it_works", locked=True),
        _nbgrader(v4.new_markdown_cell(MATHEMATICS[module].strip()), "mathematics", locked=True),
    ]
    given = [part for part in parts if part.kind in ("imports", "given")]
    names = ", ".join(f"`{part.name}`" for part in given if part.name)
    cells.append(_nbgrader(v4.new_markdown_cell(
        "## Given code\n\nRun this read-only cell first: it imports NumPy"
        + (f" and defines {names}" if names else "") + ", which the exercises use."), "given_intro", locked=True))
    cells.append(_nbgrader(v4.new_code_cell("\n\n\n".join(part.source for part in given)), "given", locked=True))
    exercises = [part for part in parts if part.kind == "exercise"]
    in_course = any(exercise.module == module for exercise in BY_KEY.values())
    for number, part in enumerate(exercises, 1):
        key = f"{module}.{part.name}"
        dropped = in_course and key not in BY_KEY  # the course drops it: written (others may call it), not graded
        exercise = _exercise(key)
        worth = "not graded in this course" if dropped else f"{exercise.points:g} points"
        heading = f"## Exercise {number}: `{part.name}` ({worth})\n\n"
        cells.append(_nbgrader(v4.new_markdown_cell(heading + docstring_markdown(part.doc)), f"about_{part.name}",
                               locked=True))
        cells.append(_nbgrader(v4.new_code_cell(part.source), part.name, solution=True))
        if not dropped:
            cells.append(_nbgrader(v4.new_code_cell(check_cell_source(key)), f"test_{part.name}", grade=True,
                                   locked=True, points=exercise.points))
        for helper, arguments, needs in PLOTS.get(key, []):
            cells.append(_nbgrader(v4.new_code_cell(plot_cell_source(helper, arguments, needs)),
                                   f"picture_{helper}", locked=True))
    notebook = v4.new_notebook(cells=cells, metadata={"kernelspec": dict(KERNELSPEC),
                                                       "language_info": {"name": "python"}})
    nbformat.validate(notebook)
    return notebook


def grade_cell_ids(module: str) -> dict[str, str]:
    """Exercise key -> the grade_id of its autograded test cell in the module's notebook."""
    return {f"{module}.{part.name}": f"test_{part.name}" for part in module_parts(module)[1]
            if part.kind == "exercise"}


# nbgrader's autograde steps after its sanitising ones, with calcgrade's trusted grade where `Execute` ran the kernel.
AUTOGRADE_PREPROCESSORS = (
    "grader.nbgrader_autograde.TrustedChecks",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
)
# nbgrader's sanitising steps, after calcgrade's, which keeps one cell of each grade_id (nbgrader's own steps raise out
# of the whole run on a copied test cell).
SANITIZE_PREPROCESSORS = (
    "grader.nbgrader_autograde.FirstOfEachGradeId",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
)


def _config_list(names: tuple[str, ...]) -> str:
    """A Python list of names, one per line, as the config file writes it."""
    return "[" + "".join(f"\n    {name!r}," for name in names) + "\n]"


TRUSTED_AUTOGRADE_LINES = (
    "# Autograde runs no cell of a submitted notebook: calcgrade grades its solution cells in its sandbox, with the\n"
    "# course seed from $CALCGRADE_SEED, and writes each test cell's feedback and score (grader.nbgrader_autograde).\n"
    f"c.Autograde.autograde_preprocessors = {_config_list(AUTOGRADE_PREPROCESSORS)}\n"
    "# A test cell copied in a notebook costs only that notebook, not the rest of the run.\n"
    f"c.Autograde.sanitize_preprocessors = {_config_list(SANITIZE_PREPROCESSORS)}\n"
    "# A notebook calcgrade refuses (too large, too many cells, not a notebook) is left out before nbgrader reads it.\n"
    "from grader.nbgrader_autograde import refuse_unreadable_notebooks  # noqa: E402\n\n"
    "c.Autograde.pre_convert_hook = refuse_unreadable_notebooks\n")
NBGRADER_CONFIG = f'''"""nbgrader configuration of the calcgrade course (written by `calcgrade nbgrader-course`)."""

import os
import sysconfig

c = get_config()  # noqa: F821 - nbgrader defines get_config

# nbgrader opens its gradebook by running the command `alembic` found on PATH: the scripts folder of the Python that
# runs nbgrader goes first, so that nbgrader installed in a virtual environment works without activating it.
os.environ["PATH"] = sysconfig.get_path("scripts") + os.pathsep + os.environ.get("PATH", "")
c.CourseDirectory.course_id = "{COURSE_ID}"
# Each assignment is one module of the kit: {", ".join(kit.MODULES)}.
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}
# A test cell grades in a sandboxed process; the first one of a kernel also starts the grader.
c.Execute.timeout = 120
{TRUSTED_AUTOGRADE_LINES}'''


def runs_no_kernel(config: Path) -> bool:
    """Does this nbgrader configuration replace autograde's kernel with calcgrade's trusted grade?"""
    try:
        return AUTOGRADE_PREPROCESSORS[0] in config.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


class CourseMismatch(Exception):
    """The course folder was made under a course file other than the one in force."""


def course_mismatch(root: Path) -> str:
    """Why `root` must not be written under the course in force ("" where it may): a course folder holds the
    course file it was made with (`place_course_file`), which `calcgrade grade` and autograde read there; written
    again under another course (a command run without `--course`), its notebooks would give other points than
    that file, silently (a check that found this: QA round 59, 10)."""
    kept = root / course.FILE_NAME
    active = course.ACTIVE.path
    if not kept.is_file():
        return ""
    try:
        same = active is not None and (kept.resolve() == active.resolve() or kept.read_bytes() == active.read_bytes())
    except OSError:
        same = False
    if same:
        return ""
    return (f"{root} was made with the course file {kept}, and {course.ACTIVE.describe()} is in force: run "
            f"`calcgrade --course {kept} nbgrader-course {root}` to write it again for its course")


def build_course(root: Path) -> list[Path]:
    """Write `nbgrader_config.py` (unless one exists) and every module's source notebook; returns what was written.
    A folder it makes is its owner's alone (mode 700): the source notebooks hold every reference solution, and
    nbgrader keeps its gradebook there (QA round 59, 06: the course was readable by every account of a shared
    server). A folder made under another course file is refused (`course_mismatch`)."""
    import nbformat

    refused = course_mismatch(root)
    if refused:
        raise CourseMismatch(refused)
    written = []
    if not root.exists():
        root.parent.mkdir(parents=True, exist_ok=True)
        root.mkdir(mode=0o700)
    config = root / "nbgrader_config.py"
    if not config.exists():
        config.write_text(NBGRADER_CONFIG, encoding="utf-8")
        written.append(config)
    for module in kit.MODULES:
        path = root / "source" / module / f"{module}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(module_notebook(module), str(path))
        written.append(path)
        written += place_course_file(path.parent, generated=True)
    return written + place_course_file(root, generated=False)


def place_course_file(folder: Path, *, generated: bool) -> list[Path]:
    """Copy the course file in force to `folder/calcgrade.toml`; returns it if written.

    The test cells grade in the notebook's kernel, which reads the course from `calcgrade.toml` in the
    notebook's folder: nbgrader releases every file of `source/<module>/` with the notebook and copies it
    again beside each notebook it autogrades, so the students' kernels and autograde grade the course's
    exercises for its points (without it, an exercise of a module outside the kit's default course is
    unknown to the kernel). A copy in a `generated` folder is removed under the default course, as stale;
    the course folder's own copy lets `calcgrade grade` run there with the same course.
    """
    target = folder / course.FILE_NAME
    active = course.ACTIVE.path
    if active is None:
        if generated:
            target.unlink(missing_ok=True)
        return []
    if target.exists() and target.resolve() == active.resolve():
        return []
    shutil.copyfile(active, target)
    return [target]


def jupyter_environment(folder: Path, environ: dict[str, str] | None = None) -> dict[str, str]:
    """An environment for running nbgrader whose `python3` kernel is this interpreter (where the kit is).

    The kernelspec goes first on JUPYTER_PATH; user config, IPython startup files and runtime files are
    kept under `folder`, so whatever else is installed on the machine cannot change the run.
    """
    kernel = folder / "jupyter" / "kernels" / KERNELSPEC["name"]
    kernel.mkdir(parents=True, exist_ok=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": f"{KERNELSPEC['display_name']} (calcgrade)", "language": "python"}), encoding="utf-8")
    base = dict(os.environ if environ is None else environ)
    env = {key: value for key, value in base.items() if not key.startswith(("JUPYTER", "IPYTHON"))}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{base.get('PATH', '')}",
               JUPYTER_PATH=str(folder / "jupyter"), JUPYTER_CONFIG_DIR=str(folder / "config"),
               JUPYTER_RUNTIME_DIR=str(folder / "runtime"), IPYTHONDIR=str(folder / "ipython"),
               PYDEVD_DISABLE_FILE_VALIDATION="1")
    return env
