"""Student code from Jupyter notebooks, turned into module source the engine can grade.

A notebook submission (nbgrader's `submitted/<student>/<assignment>/<module>.ipynb`, or a plain
`<module>.ipynb` in a student's folder) is only read here, never executed. The student's code is
taken from the solution cells alone (nbgrader's `"solution": true` cells); everything else (the
given functions, the imports) comes from the kit's own stub of that module, so a notebook cannot
change what it is graded against. The in-kernel checks (`grader.notebook_checks`) assemble the
kernel's cells with the same function, so both ways of grading see the same code.

From each cell only the definitions are kept: functions, classes, imports, and assignments (these
guarded so that a failing one costs nothing). Other top-level statements (prints, trial calls,
loops, magics; a `%%time` cell is unwrapped) are the student's experiments; run at import they
could only break the module. A cell with a syntax error becomes a stand-in for each function it
defines that raises that SyntaxError when called, so it costs that function only, as in the
notebook itself.
"""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Sequence
from pathlib import Path

from grader import kit

NOTEBOOK_SUFFIX = ".ipynb"
MAX_NOTEBOOK_BYTES = 32 << 20  # notebooks carry their outputs (plots): larger than sources
_DEF_LINE = re.compile(r"^(?:async\s+)?def\s+(\w+)\s*\(", re.MULTILINE)
_KEPT = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)
_GUARDED = (ast.Assign, ast.AnnAssign, ast.AugAssign)
_PYTHON_CELL_MAGICS = ("time", "timeit", "capture")
_CELL_MAGIC = re.compile(r"^%%(?:time|timeit|capture)\b")
_LINE_MAGIC_ASSIGNMENT = re.compile(r"^(\w+\s*=\s*)[%!].*$")


def student_code(cell: str) -> str:
    """The definitions in one student cell, as module source (see the module docstring)."""
    cell = without_magics(cell)
    try:
        tree = ast.parse(cell)
    except SyntaxError as error:
        return _syntax_error_stand_ins(cell, error)
    kept = []
    for node in tree.body:
        text = _segment(cell, node)
        if (body := _timed_body(node)) is not None:
            kept.append(student_code(body))  # IPython's form of a %%time cell: its body is the code
        elif isinstance(node, _KEPT):
            kept.append(text)
        elif isinstance(node, _GUARDED):
            kept.append(f"try:\n{textwrap.indent(text, '    ')}\nexcept Exception:\n    pass")
    return "\n\n".join(kept) + "\n" if kept else ""


def without_magics(cell: str) -> str:
    """A raw notebook cell as Python: a %%time/%%timeit/%%capture line dropped (the body is the code), any
    other cell magic makes the cell no Python at all, line magics and shell escapes become `pass`."""
    lines = cell.splitlines()
    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].startswith("%%"):
        if _CELL_MAGIC.match(lines[first]) is None:
            return ""
        lines[first] = ""
    lines = [_LINE_MAGIC_ASSIGNMENT.sub(r"\1None", line) for line in lines]
    return "\n".join("pass" if line.startswith(("%", "!")) else line for line in lines) + "\n"


def _timed_body(node: ast.stmt) -> str | None:
    """The body of `get_ipython().run_cell_magic('time', '', body)` (how IPython runs a %%time cell)."""
    call = node.value if isinstance(node, ast.Expr) else None
    if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "run_cell_magic"
            and len(call.args) == 3 and all(isinstance(arg, ast.Constant) for arg in call.args)
            and call.args[0].value in _PYTHON_CELL_MAGICS and isinstance(call.args[2].value, str)):
        return call.args[2].value
    return None


def _segment(source: str, node: ast.stmt) -> str:
    """The exact text of a top-level statement, decorators included."""
    decorators = getattr(node, "decorator_list", [])
    parts = [f"@{ast.get_source_segment(source, decorator)}" for decorator in decorators]
    parts.append(ast.get_source_segment(source, node) or ast.unparse(node))
    return "\n".join(parts)


def _syntax_error_stand_ins(cell: str, error: SyntaxError) -> str:
    message = f"this cell has a syntax error: {error.msg} (line {error.lineno} of the cell)"
    return "".join(f"\ndef {name}(*args, **kwargs):\n    raise SyntaxError({message!r})\n"
                   for name in dict.fromkeys(_DEF_LINE.findall(cell)))


def module_source(module: str, cells: Sequence[str], given: str | None = None) -> str:
    """The module to grade: the kit's stub of `module` (given functions included), then the cells.

    `given` replaces the kit's stub where the kit's solutions are not installed (a student bundle).
    """
    parts = [(kit.stub_source(kit.solution_source(module)) if given is None else given).rstrip("\n")]
    for number, cell in enumerate(cells, 1):
        code = student_code(cell)
        if code:
            parts.append(f"# ----- your cell {number} -----\n{code.rstrip()}")
    return "\n\n\n".join(parts) + "\n"


def solution_cells(notebook_text: str) -> list[str]:
    """The sources of a notebook's nbgrader solution cells, in notebook order (raises if unreadable)."""
    import nbformat

    notebook = nbformat.reads(notebook_text, as_version=4)
    cells = []
    for cell in notebook.cells:
        marks = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") == "code" and marks.get("solution") is True:
            source = cell.get("source", "")
            cells.append(source if isinstance(source, str) else "".join(source))
    return cells


def find_notebook(folder: Path, module: str) -> Path | None:
    """The module's notebook in a student's folder: `<module>.ipynb` there, or in an assignment folder."""
    name = module + NOTEBOOK_SUFFIX
    candidates = [folder / name, folder / module / name,
                  *sorted(path for path in folder.glob(f"*/{name}") if path.parent.name != module)]
    for path in candidates:
        if path.exists() or path.is_symlink():
            return path
    return None


def read_notebook(path: Path, module: str) -> tuple[str | None, str]:
    """(module source built from the notebook's solution cells, "") or (None, why it cannot be used)."""
    if path.is_symlink() or path.parent.is_symlink():
        return None, f"{path.name} is a symbolic link: refused"
    if not path.is_file():
        return None, f"{path.name} is not a regular file (a folder?): refused"
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        return None, f"{path.name} is larger than {MAX_NOTEBOOK_BYTES >> 20} MiB: refused"
    return notebook_module_source(path.read_bytes(), path.name, module)


def notebook_module_source(data: bytes, name: str, module: str) -> tuple[str | None, str]:
    """Like `read_notebook`, for a notebook already read into memory (e.g. a member of a zip); `name`
    is how the notebook is named in the reason."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, f"{name} is not UTF-8 text ({error.reason} at byte {error.start})"
    try:
        cells = solution_cells(text)
    except Exception as error:  # noqa: BLE001 - any malformed notebook is reported, not raised
        return None, f"{name} is not a readable notebook ({type(error).__name__})"
    if not cells:
        return None, f"{name} has no solution cells (was it made from the released notebook?)"
    return module_source(module, cells), ""


def is_nbgrader_course(root: Path) -> bool:
    """A folder laid out by nbgrader: a `submitted` folder next to its config, gradebook or sources."""
    return (root / "submitted").is_dir() and any(
        (root / name).exists() for name in ("nbgrader_config.py", "gradebook.db", "source"))


def submissions_root(root: Path) -> Path:
    """Where the per-student folders are: the course's `submitted` folder for an nbgrader course."""
    return root / "submitted" if is_nbgrader_course(root) else root
