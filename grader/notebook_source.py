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
notebook itself; so does a cell nested too deeply for Python's parser (RecursionError).

A notebook is untrusted input to the trusted grader: `read_notebook` parses it (JSON, nbformat,
then each cell's Python) in a forked process with time and memory limits (`grader.bounded`), and
the solution cells may hold at most as much code as a module file. A notebook that breaks a bound
is refused with a note: it costs only its student's module.
"""

from __future__ import annotations

import ast
import functools
import re
import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from grader import kit
from grader.bounded import Bounds, OutOfBounds, call_bounded

NOTEBOOK_SUFFIX = ".ipynb"
MAX_NOTEBOOK_BYTES = 32 << 20  # notebooks carry their outputs (plots): larger than sources
MAX_CODE_BYTES = 1 << 20  # the solution cells' code, all told: as much as a module file may hold
MAX_CELLS = 5000  # the course's notebooks have about 40; validating hundreds of thousands takes nbformat minutes
# JSON objects and arrays in all (the course's notebooks hold about 5 a cell): what nbgrader reads, validates and copies
# in the instructor's process, unbounded, costs it about 75 µs and 2.7 kB each (a million tiny objects in one cell's
# metadata: 77 s and 2.65 GiB there, after this reader had accepted the notebook in 5 s)
MAX_JSON_PARTS = 50_000
READING_BOUNDS = Bounds(seconds=20.0, memory_bytes=1 << 30, answer_bytes=4 << 20)  # 32 MiB of JSON read in ~2 s
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")  # lines as Python's tokenizer counts them
_DEF_LINE = re.compile(r"^(?:async\s+)?def\s+(\w+)\s*\(", re.MULTILINE)
_KEPT = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)
_GUARDED = (ast.Assign, ast.AnnAssign, ast.AugAssign)
_PYTHON_CELL_MAGICS = ("time", "timeit", "capture")
_CELL_MAGIC = re.compile(r"^%%(?:time|timeit|capture)\b")
_LINE_MAGIC_ASSIGNMENT = re.compile(r"^(\w+\s*=\s*)[%!].*$")


class TooManyCells(ValueError):
    """A notebook with more than MAX_CELLS cells."""


class TooManyParts(ValueError):
    """A notebook of more than MAX_JSON_PARTS JSON objects and arrays."""


def student_code(cell: str) -> str:
    """The definitions in one student cell, as module source (see the module docstring)."""
    cell = without_magics(cell)
    try:
        tree = ast.parse(cell)
    except SyntaxError as error:
        return _stand_ins(cell, f"this cell has a syntax error: {error.msg} (line {error.lineno} of the cell)")
    except RecursionError:
        return _stand_ins(cell, "this cell is nested too deeply for Python to read (RecursionError)")
    except ValueError as error:  # e.g. a lone surrogate or (before Python 3.12) a null byte in the cell
        return _stand_ins(cell, f"this cell is not Python source Python can read ({type(error).__name__})")
    lines = _LINE.findall(cell)
    kept = []
    for node in tree.body:
        text = _segment(lines, node)
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


def _segment(lines: Sequence[str], node: ast.stmt) -> str:
    """The exact text of a top-level statement, decorators included, cut from the cell's `lines`.

    (`ast.get_source_segment` splits the whole cell again for each statement: quadratic, minutes for a
    cell of ten thousand functions.)"""
    decorators = getattr(node, "decorator_list", [])
    parts = [f"@{_text_of(lines, decorator)}" for decorator in decorators]
    parts.append(_text_of(lines, node))
    return "\n".join(parts)


def _text_of(lines: Sequence[str], node: ast.AST) -> str:
    """What `ast.get_source_segment` returns for `node` (its offsets count UTF-8 bytes)."""
    first, last = node.lineno - 1, node.end_lineno - 1  # type: ignore[attr-defined, operator]
    start, end = node.col_offset, node.end_col_offset  # type: ignore[attr-defined]
    if first == last:
        return lines[first].encode()[start:end].decode()
    return "".join([lines[first].encode()[start:].decode(), *lines[first + 1 : last],
                    lines[last].encode()[:end].decode()])


def _stand_ins(cell: str, message: str) -> str:
    """For each function the cell defines, one that raises SyntaxError(message) when called."""
    return "".join(f"\ndef {name}(*args, **kwargs):\n    raise SyntaxError({message!r})\n"
                   for name in dict.fromkeys(_DEF_LINE.findall(cell)))


def module_source(module: str, cells: Sequence[str], given: str | None = None) -> str:
    """The module to grade: the kit's stub of `module` (given functions included; the exercises the cells define
    again left out, `_without_stubs`), then the cells.

    `given` replaces the kit's stub where the kit's solutions are not installed (a student bundle).
    """
    codes = [(number, student_code(cell)) for number, cell in enumerate(cells, 1)]
    stub = kit.stub_source(kit.solution_source(module)) if given is None else given
    parts = [_without_stubs(stub, _defined(code for _, code in codes)).rstrip("\n")]
    parts += [f"# ----- your cell {number} -----\n{code.rstrip()}" for number, code in codes if code]
    return "\n\n\n".join(parts) + "\n"


def _defined(codes: Iterable[str]) -> set[str]:
    """The functions the cells define at their top level (the last definition of a name is the one that counts)."""
    names: set[str] = set()
    for code in codes:
        try:
            names |= {node.name for node in ast.parse(code).body if isinstance(node, ast.FunctionDef)}
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
    return names


def _is_stub(function: ast.FunctionDef) -> bool:
    """An exercise's stub: its body ends by raising NotImplementedError (a given function computes something)."""
    last = function.body[-1]
    raised = last.exc.func if isinstance(last, ast.Raise) and isinstance(last.exc, ast.Call) else \
        last.exc if isinstance(last, ast.Raise) else None
    return isinstance(raised, ast.Name) and raised.id == "NotImplementedError"


def _without_stubs(stub: str, defined: set[str]) -> str:
    """The stub without its definitions of the exercise functions the cells define again: the module then holds one
    definition of each (the one that counts anyway), which the diagnosis reads and repairs as in a `.py` file."""
    tree = ast.parse(stub)
    lines = stub.splitlines(keepends=True)
    for node in reversed(tree.body):
        if isinstance(node, ast.FunctionDef) and node.name in defined and _is_stub(node):
            first = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
            del lines[first - 1 : node.end_lineno]
    return "".join(lines)


def solution_cells(notebook_text: str) -> list[str]:
    """The sources of a notebook's nbgrader solution cells, in notebook order (raises if unreadable, TooManyCells
    if it has more than MAX_CELLS cells: its own and those of every worksheet of an older nbformat, which nbformat
    joins into one list when it reads the notebook, counted before it is read and again after)."""
    import json

    import nbformat

    parsed = json.loads(notebook_text)
    if (count := _cell_count(parsed)) > MAX_CELLS:
        raise TooManyCells(count)
    if _json_parts(parsed) > MAX_JSON_PARTS:
        raise TooManyParts()
    notebook = nbformat.reads(notebook_text, as_version=4)
    if len(notebook.cells) > MAX_CELLS:
        raise TooManyCells(len(notebook.cells))
    cells = []
    for cell in notebook.cells:
        marks = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") == "code" and marks.get("solution") is True:
            source = cell.get("source", "")
            cells.append(source if isinstance(source, str) else "".join(source))
    return cells


def _cell_count(parsed: Any) -> int:
    """The cells of a parsed notebook: its `cells` list (nbformat 4, and 1) and every worksheet's (nbformat 2 and 3
    keep the cells in `worksheets[*].cells`)."""
    lists = [parsed.get("cells")]
    worksheets = parsed.get("worksheets")
    if isinstance(worksheets, list):
        lists += [sheet.get("cells") for sheet in worksheets if isinstance(sheet, dict)]
    return sum(len(cells) for cells in lists if isinstance(cells, list))


def _json_parts(value: object) -> int:
    """How many JSON objects and arrays `value` holds, itself included (counted without recursion: a notebook's
    nesting is the student's)."""
    parts, waiting = 0, [value]
    while waiting and parts <= MAX_JSON_PARTS:
        item = waiting.pop()
        if isinstance(item, dict):
            parts += 1
            waiting.extend(item.values())
        elif isinstance(item, list):
            parts += 1
            waiting.extend(item)
    return parts


def find_notebook(folder: Path, module: str) -> Path | None:
    """The module's notebook in a student's folder: `<module>.ipynb` there, or in an assignment folder."""
    name = module + NOTEBOOK_SUFFIX
    candidates = [folder / name, folder / module / name,
                  *sorted(path for path in folder.glob(f"*/{name}") if path.parent.name != module)]
    for path in candidates:
        if path.exists() or path.is_symlink():
            return path
    return None


def read_notebook(path: Path, module: str, within: Path | None = None) -> tuple[str | None, str]:
    """(module source built from the notebook's solution cells, "") or (None, why it cannot be used).

    `within`: the student's folder that holds it (its parent by default); no link is followed from there on, at the
    time it is read too (`submission.open_within`). The notebook is parsed in a bounded process (see the module
    docstring)."""
    from grader.submission import read_within

    within = within or path.parent
    if path.is_symlink() or path.parent.is_symlink():
        return None, f"{path.name} is a symbolic link: refused"
    if not path.is_file():
        return None, f"{path.name} is not a regular file (a folder?): refused"
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        return None, f"{path.name} is larger than {MAX_NOTEBOOK_BYTES >> 20} MiB: refused"
    try:
        data = read_within(within, path.relative_to(within).parts, MAX_NOTEBOOK_BYTES)
    except OSError as error:  # swapped for a link, or grown, since it was looked at
        return None, f"{path.name} could not be read ({error.strerror or error}): refused"
    return notebook_module_source(data, path.name, module)


def notebook_module_source(data: bytes, name: str, module: str) -> tuple[str | None, str]:
    """Like `read_notebook`, for a notebook already read into memory (e.g. a member of a zip); `name`
    is how the notebook is named in the reason. Parsed in a bounded process (see the module docstring)."""
    _load_nbformat()
    try:
        source, problem = call_bounded(_notebook_module_source_unbounded, (data, name, module), READING_BOUNDS)
    except OutOfBounds as error:
        return None, f"{name} could not be read within the grader's limits: it {error}: refused"
    return source, problem


@functools.cache
def _load_nbformat() -> None:
    """nbformat and its validator loaded (by reading an empty notebook of our own) once in the grader, before
    the bounded children are forked, so that no child loads them again (that cost more than the fork)."""
    import nbformat

    nbformat.reads(nbformat.writes(nbformat.v4.new_notebook()), as_version=4)


def _notebook_module_source_unbounded(notebook: tuple[bytes, str, str]) -> tuple[str | None, str]:
    """`notebook_module_source`'s work, without its bounds: to be called through `call_bounded` only."""
    data, name, module = notebook
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark, as an editor's "UTF-8 with BOM" writes, dropped
    except UnicodeDecodeError as error:
        return None, f"{name} is not UTF-8 text ({error.reason} at byte {error.start})"
    try:
        cells = solution_cells(text)
    except TooManyCells:
        return None, f"{name} has more than {MAX_CELLS} cells: refused"
    except TooManyParts:
        return None, f"{name} holds more than {MAX_JSON_PARTS} JSON objects and arrays (in its cells' metadata, " \
            "outputs or attachments): refused"
    except Exception as error:  # noqa: BLE001 - any malformed notebook is reported, not raised
        return None, f"{name} is not a readable notebook ({type(error).__name__})"
    if not cells:
        return None, f"{name} has no solution cells (was it made from the released notebook?)"
    if sum(len(cell.encode("utf-8", "surrogatepass")) for cell in cells) > MAX_CODE_BYTES:
        return None, f"{name}: its solution cells hold more than {MAX_CODE_BYTES >> 10} KiB of code: refused"
    return module_source(module, cells), ""


def is_nbgrader_course(root: Path) -> bool:
    """A folder laid out by nbgrader: a `submitted` folder (not a link) next to the course's config, a regular file.
    In a plain folder of submissions every student is a folder: a student named `submitted`, or `source`, or
    `nbgrader_config.py` (a folder), never makes it read as a course (which would grade that student's folder as
    everyone's submissions)."""
    submitted, config = root / "submitted", root / "nbgrader_config.py"
    return submitted.is_dir() and not submitted.is_symlink() and config.is_file() and not config.is_symlink()


def submissions_root(root: Path) -> Path:
    """Where the per-student folders are: the course's `submitted` folder for an nbgrader course."""
    return root / "submitted" if is_nbgrader_course(root) else root
