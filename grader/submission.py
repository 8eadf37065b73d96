"""Reading a student's submission folder: the module sources, or why a file cannot be used.

Files are only read, never executed or modified here. A symbolic link, a folder in place of a
file, a file that is not UTF-8 or one that is too large is refused with a reason that ends up in
the student's feedback; it costs only the exercises of that module.
"""

from __future__ import annotations

import os
from pathlib import Path

from grader import kit

MODULE_FILES = {f"{module}.py": module for module in kit.MODULES}
MAX_SOURCE_BYTES = 1 << 20


def read_sources(folder: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The exercise modules in a folder: (module -> source, module -> why it cannot be read).

    A module without its `.py` file is looked for as a notebook (`<module>.ipynb`, also inside an
    nbgrader assignment folder): its solution cells are the student's code (`grader.notebook_source`).
    """
    sources, unreadable = {}, {}
    entries = {entry.name: entry for entry in os.scandir(folder)}
    may_hold_notebooks = any(name.endswith(".ipynb") or entry.is_dir(follow_symlinks=False)
                             for name, entry in entries.items() if name not in MODULE_FILES)
    for filename, module in MODULE_FILES.items():
        path = folder / filename
        if filename not in entries:
            if may_hold_notebooks:
                _read_notebook(folder, module, sources, unreadable)
            continue
        if path.is_symlink():
            unreadable[module] = "is a symbolic link: refused"
        elif not path.is_file():
            unreadable[module] = "is not a regular file (a folder?): refused"
        elif path.stat().st_size > MAX_SOURCE_BYTES:
            unreadable[module] = f"is larger than {MAX_SOURCE_BYTES >> 10} KiB: refused"
        else:
            data = path.read_bytes()
            try:
                sources[module] = data.decode("utf-8")
            except UnicodeDecodeError as error:
                unreadable[module] = f"is not UTF-8 text ({error.reason} at byte {error.start})"
                continue
            if b"\0" in data:
                del sources[module]
                unreadable[module] = "is a binary file, not Python source"
    return sources, unreadable


def submitted_modules(folder: Path) -> set[str]:
    """The modules a folder holds in any form, readable or not (a file, a notebook, something refused)."""
    from grader.notebook_source import find_notebook

    names = {entry.name for entry in os.scandir(folder)}
    return {module for filename, module in MODULE_FILES.items()
            if filename in names or find_notebook(folder, module) is not None}


def _read_notebook(folder: Path, module: str, sources: dict[str, str], unreadable: dict[str, str]) -> None:
    from grader.notebook_source import find_notebook, read_notebook

    notebook = find_notebook(folder, module)
    if notebook is None:
        return
    source, problem = read_notebook(notebook, module)
    if source is None:
        unreadable[module] = problem
    else:
        sources[module] = source
