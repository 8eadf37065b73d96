"""Reading a student's submission as students really hand it in: the module sources, why a module
cannot be used, and notes on what was used in place of the expected names.

The expected form is `<module>.py` (or `<module>.ipynb`, also in an nbgrader assignment folder
`<module>/<module>.ipynb`) in the student's folder. Students also hand in `Linear_Model.py`,
`linear_modle.py` or `gradient_descent (1).py`, the modules one folder down (`exercises/`, `hw3/`),
or a single `.zip`. Each module is taken from the best candidate: the folder before the zip, an
exact name before a close one, the folder itself before one folder down, `.py` before `.ipynb`.
Two equally good candidates for one module are not guessed between: the module scores 0 with a
note naming both. A close name must be close to exactly one module (`difflib`'s ratio), so that
`p_derivatives.py` is never taken for `derivatives.py` when it could be `partial_derivatives.py`.

Files are only read, never executed or modified here; a zip is never extracted: its members are
read into memory, within limits on the archive's size, its number of members and each member's
size, and members that are links or whose paths leave the archive are refused; an archive's central directory
is bounded (its declared number of entries and its size) before it is parsed. A source file is decoded as Python
decodes one (a UTF-8 byte-order mark dropped, a coding declaration honoured). A symbolic link, a folder in
place of a file, a file that cannot be decoded, binary or too large is refused with a reason
that ends up in the student's feedback; it costs only the exercises of that module. `__MACOSX`,
`.DS_Store`, `.ipynb_checkpoints`, `__pycache__` and hidden entries are never candidates.
"""

from __future__ import annotations

import codecs
import difflib
import io
import os
import re
import stat
import tokenize
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from grader import kit
from grader.terminal import shown

MODULE_FILES = {f"{module}.py": module for module in kit.MODULES}
MAX_SOURCE_BYTES = 1 << 20
MAX_ZIP_BYTES = 64 << 20  # the archive's own size
MAX_ZIP_MEMBERS = 2000
MAX_CENTRAL_DIRECTORY_BYTES = 1 << 20  # the archive's list of members, parsed whole by zipfile: ~500 bytes each
MAX_ENTRIES_PER_FOLDER = 2000  # entries looked at in one folder (a handed-in venv must not cost minutes)
SUFFIXES = (".py", ".ipynb")
JUNK = frozenset({"__MACOSX", ".DS_Store", ".ipynb_checkpoints", "__pycache__", "Thumbs.db", "desktop.ini"})
CLOSE_ENOUGH = 0.85  # difflib ratio from which a name is taken for a module's
TOO_CLOSE_TO_ANOTHER = 0.75  # ... unless another module's name is this close too: then it is a note
NEAR_MISS = 0.6  # a .py/.ipynb file this close to a module's name and not used is named in a note
# One copy mark at the end of a stem; marks are dropped one at a time from the end (a repeated group here, `(…\d+)+$`,
# took time doubling with every digit of a long run of digits followed by anything else).
_COPY_MARK = re.compile(r"(?:[\s_-]*\(\d+\)|[\s_-]+copy(?:[\s_-]*\d+)?|[\s_-]*\d+)$", re.IGNORECASE)
MAX_NAME_CHARACTERS = 255  # of a stem compared with module names (no file system allows a longer name)
_SEPARATORS = re.compile(r"[\s.\-_]+")


def is_junk(name: str) -> bool:
    """Entries that are never a student nor a module: OS and editor by-products, and hidden entries."""
    return name in JUNK or name.startswith(".")


# ----- matching a file name to a module -------------------------------------------------------


def name_key(stem: str) -> str:
    """A file stem as it compares with module names: lower case, copy marks (` (1)`, ` copy`, a trailing
    number) dropped, runs of spaces, dots, hyphens and underscores made one underscore."""
    stem = stem.strip()[:MAX_NAME_CHARACTERS]
    while (mark := _COPY_MARK.search(stem)) is not None:  # each mark is at least one character
        stem = stem[:mark.start()]
    return _SEPARATORS.sub("_", stem.lower()).strip("_")


@dataclass(frozen=True)
class NameMatch:
    """What a file name says about which module it holds."""

    module: str | None = None  # the one module it is taken for
    exact: bool = False  # `<module>.py` / `<module>.ipynb` exactly
    could_be: tuple[str, ...] = ()  # close to several modules: not taken for any
    near: str | None = None  # somewhat close to this module, not enough to be taken for it


def match_name(filename: str) -> NameMatch:
    """Which module a `.py` or `.ipynb` file name stands for, if any (see the module docstring)."""
    path = PurePosixPath(filename)
    if path.suffix.lower() not in SUFFIXES:
        return NameMatch()
    if path.suffix in SUFFIXES and path.stem in kit.MODULES:
        return NameMatch(path.stem, exact=True)
    key = name_key(path.stem)
    if not key or key.startswith("test_") or key.endswith("_test") or key == "conftest":
        return NameMatch()  # the student's own tests
    squeezed = {module.replace("_", ""): module for module in kit.MODULES}
    if key in kit.MODULES or key.replace("_", "") in squeezed:
        return NameMatch(squeezed[key.replace("_", "")])
    ratios = {module: difflib.SequenceMatcher(None, key, module).ratio() for module in kit.MODULES}
    best = max(ratios, key=ratios.__getitem__)
    if ratios[best] >= CLOSE_ENOUGH:
        rivals = tuple(module for module in kit.MODULES if module != best and ratios[module] >= TOO_CLOSE_TO_ANOTHER)
        return NameMatch(could_be=(best, *rivals)) if rivals else NameMatch(best)
    return NameMatch(near=best) if ratios[best] >= NEAR_MISS else NameMatch()


# ----- what a submission holds ------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A file that may hold a module: how notes name it, where it sits, and how to read it."""

    shown: str  # e.g. `hw3/Linear_Model.py`, or `hw3.zip: linear_model.py`
    name: str
    depth: int  # folders between the submission (or the archive's top) and the file
    in_zip: bool
    match: NameMatch
    refused: str = ""  # why it cannot be read at all (a link, a folder, too large); "" when it can
    read: Callable[[], bytes] = field(default=lambda: b"", compare=False, repr=False)

    @property
    def notebook(self) -> bool:
        return self.name.lower().endswith(".ipynb")

    def rank(self) -> tuple[bool, bool, int, bool]:
        return self.in_zip, not self.match.exact, self.depth, self.notebook

    def expected_place(self, module: str) -> bool:
        """Where the kit's own instructions put the module (no note needed): the folder itself, or an
        nbgrader assignment folder named after the module."""
        return (not self.in_zip and self.match.exact
                and (self.depth == 0 or (self.depth == 1 and self.shown.split("/")[0] == module)))


@dataclass
class Located:
    """Which candidate each module is taken from, modules with no single candidate, and notes."""

    chosen: dict[str, Candidate] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)  # what the submission holds, for a note when nothing fits


@dataclass(frozen=True)
class Submission:
    """A submission as the engine grades it: module -> source, module -> why not, notes for the student."""

    sources: dict[str, str]
    unreadable: dict[str, str]
    notes: tuple[str, ...]


def expected_names() -> str:
    return ", ".join(MODULE_FILES)


def locate(folder: Path) -> Located:
    """Decide, without reading any module, which file each module is taken from (see the module docstring)."""
    located = Located()
    candidates = list(_folder_candidates(folder, located))
    zips = sorted(path for path in _entries(folder)[:MAX_ENTRIES_PER_FOLDER]
                  if path.suffix.lower() == ".zip" and not is_junk(path.name))
    if len(zips) == 1:
        candidates += _zip_candidates(zips[0], located)
    elif len(zips) > 1:
        located.notes.append(f"found {len(zips)} zip files ({', '.join(p.name for p in zips)}): none was opened; "
                             "hand in one zip, or the files themselves")
    for module in kit.MODULES:
        mine = [c for c in candidates if c.match.module == module]
        if not mine:
            continue
        best = min(c.rank() for c in mine)
        first = [c for c in mine if c.rank() == best]
        if len(first) > 1:
            names = ", ".join(c.shown for c in first)
            located.unreadable[module] = (f"several files could be it ({names}): none was graded; hand in one "
                                          f"named {module}.py")
            located.notes.append(f"{module}: found {names}; expected one file named {module}.py, so none was graded")
            continue
        chosen = located.chosen[module] = first[0]
        if not chosen.expected_place(module):
            located.notes.append(f"graded {chosen.shown} as {module}" + (".ipynb" if chosen.notebook else ".py"))
        for other in mine:
            if other is not chosen and other not in first:
                located.notes.append(f"{other.shown} was not graded: {chosen.shown} was graded as {module}")
    for candidate in candidates:
        if candidate.match.could_be:
            located.notes.append(f"{candidate.shown} was not graded: its name is close to several modules "
                                 f"({', '.join(m + '.py' for m in candidate.match.could_be)}); rename it")
        elif candidate.match.near and candidate.match.near not in located.chosen:
            located.notes.append(f"{candidate.shown} was not graded: expected the name {candidate.match.near}.py")
    if not located.chosen and not located.unreadable and not located.notes:
        found = ", ".join(located.found[:10]) + (" …" if len(located.found) > 10 else "") or "nothing"
        located.notes.append(f"no exercise module found (found: {found}); expected {expected_names()}")
    return located


def read_submission(folder: Path) -> Submission:
    """The modules of a submission folder, read into memory, with the notes on what was used."""
    located = locate(folder)
    sources: dict[str, str] = {}
    unreadable = dict(located.unreadable)
    for module, candidate in located.chosen.items():
        source, problem = _read_candidate(candidate, module)
        if source is None:
            unreadable[module] = problem
        else:
            sources[module] = source
    # notes and reasons quote file and folder names, which the student chose: escaped for whoever reads them
    return Submission(sources, {module: shown(why) for module, why in unreadable.items()},
                      tuple(dict.fromkeys(shown(note) for note in located.notes)))


def read_nbgrader_notebook(folder: Path, module: str) -> tuple[str | None, str]:
    """One module of a student's folder in an nbgrader course (`submitted/<student>/`): the notebook where nbgrader
    collects it, `<module>/<module>.ipynb`, and nothing else. Another file there (a `.py` beside the notebook, a
    copy in another assignment's folder, handed in after the deadline of this one) is never graded in its place:
    nbgrader grades, and dates, that notebook."""
    from grader.notebook_source import read_notebook

    path = folder / module / f"{module}.ipynb"
    if not os.path.lexists(path):
        return None, f"no notebook {module}/{module}.ipynb"
    return read_notebook(path, module, within=folder)


def nbgrader_handed_in(folder: Path, modules: Iterable[str]) -> list[str]:
    """The modules a student's folder in an nbgrader course holds as nbgrader collects them: a `<module>/` folder
    (not a link); whatever else lies there is never graded."""
    return [module for module in modules if (folder / module).is_dir() and not (folder / module).is_symlink()]


def read_nbgrader_submission(folder: Path, modules: Iterable[str]) -> Submission:
    """A student's folder in an nbgrader course: each module's collected notebook (`read_nbgrader_notebook`)."""
    sources: dict[str, str] = {}
    unreadable: dict[str, str] = {}
    for module in nbgrader_handed_in(folder, modules):
        source, problem = read_nbgrader_notebook(folder, module)
        if source is None:
            unreadable[module] = problem
        else:
            sources[module] = source
    return Submission(sources, unreadable, ())


def read_sources(folder: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The exercise modules in a folder: (module -> source, module -> why it cannot be read)."""
    submission = read_submission(folder)
    return submission.sources, submission.unreadable


def submitted_modules(folder: Path) -> set[str]:
    """The modules a folder holds in any form, readable or not (a file, a notebook, something refused)."""
    located = locate(folder)
    return set(located.chosen) | set(located.unreadable)


# ----- candidates in a folder -------------------------------------------------------------------


def _entries(folder: Path, unreadable: list[OSError] | None = None) -> list[Path]:
    """The folder's first MAX_ENTRIES_PER_FOLDER + 1 entries, in the order the file system lists them (one more than
    are looked at, so that a caller can tell a full folder from one that holds exactly the limit); none where it
    cannot be listed (why, appended to `unreadable`)."""
    try:
        with os.scandir(folder) as scan:
            return [Path(entry.path) for _, entry in zip(range(MAX_ENTRIES_PER_FOLDER + 1), scan, strict=False)]
    except OSError as error:
        if unreadable is not None:
            unreadable.append(error)
        return []


def _looked_at(folder: Path, located: Located, shown: str) -> list[Path]:
    """The entries of the folder that are looked at, with a note where there were more than that, or where it
    could not be listed (a student's own folder the grader may not read was told "no exercise module found": QA
    round 59, 09)."""
    unreadable: list[OSError] = []
    entries = _entries(folder, unreadable)
    if unreadable:
        located.notes.append(_not_looked_at(shown, unreadable[0]))
    if len(entries) > MAX_ENTRIES_PER_FOLDER:
        located.notes.append(f"{shown} holds more than {MAX_ENTRIES_PER_FOLDER:,} files and folders: only "
                             f"{MAX_ENTRIES_PER_FOLDER:,} of them were looked at, in no set order, so an exercise "
                             "file among the others may not have been graded; hand in the exercise files alone")
    return entries[:MAX_ENTRIES_PER_FOLDER]


def _folder_candidates(folder: Path, located: Located) -> Iterable[Candidate]:
    """Candidates in the folder itself and one folder down; links to folders are not followed."""
    for path in sorted(_looked_at(folder, located, "the folder")):
        if is_junk(path.name):
            continue
        try:
            yield from _entry_candidates(path, located)
        except OSError as error:  # a folder an archive left without search permission, a file gone meanwhile
            located.notes.append(_not_looked_at(path.name, error))


def _not_looked_at(shown: str, error: OSError) -> str:
    return f"{shown}: could not be looked at ({error.strerror or error}): not graded"


def _entry_candidates(path: Path, located: Located) -> Iterable[Candidate]:
    """The candidates of one entry of the submission folder: the file itself, or a folder's files one down."""
    is_folder = path.is_dir() and not path.is_symlink()
    located.found.append(path.name + ("/" if is_folder else ""))
    if path.is_symlink() and path.is_dir():
        located.notes.append(f"{path.name}/ is a symbolic link to a folder: not opened")
    elif is_folder:
        for inner in sorted(_looked_at(path, located, f"{path.name}/")):
            try:
                if not is_junk(inner.name) and (inner.is_symlink() or not inner.is_dir()):
                    yield from _file_candidate(inner, f"{path.name}/{inner.name}", depth=1, folder=path.parent)
            except OSError as error:
                located.notes.append(_not_looked_at(f"{path.name}/{inner.name}", error))
        if match_name(path.name).module is not None:  # a folder in place of the module's file
            yield Candidate(path.name, path.name, 0, False, match_name(path.name),
                            refused="is not a regular file (a folder?): refused")
    else:
        yield from _file_candidate(path, path.name, depth=0, folder=path.parent)


def _file_candidate(path: Path, shown: str, depth: int, folder: Path) -> Iterable[Candidate]:
    """`path`: a file in the submission `folder`, or one folder down (`depth`)."""
    match = match_name(path.name)
    if match == NameMatch():
        return
    limit = _limit(path.name)
    refused = ""
    if path.is_symlink():
        refused = "is a symbolic link: refused"
    elif not path.is_file():
        refused = "is not a regular file (a folder?): refused"
    elif path.stat().st_size > limit:
        refused = f"is larger than {_size(limit)}: refused"
    parts = path.relative_to(folder).parts
    yield Candidate(shown, path.name, depth, False, match, refused, lambda: read_within(folder, parts, limit))


def open_within(folder: Path, parts: Sequence[str]) -> BinaryIO:
    """The regular file `folder/parts...`, opened one part at a time below `folder`, following no link at any part
    below it: a student who can still write to her folder while it is read could swap a folder looked at for a link
    to another student's between the look and the read (only the last part was not followed), and her file would be
    read from there. The folder itself is the caller's choice (a batch lists no student folder that is a link; a
    student's own pytest may well run in one: red team round 57, 04)."""
    directory = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for part in parts[:-1]:
            inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=directory)
            os.close(directory)
            directory = inner
        handle = os.open(parts[-1], os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK, dir_fd=directory)
    finally:
        os.close(directory)
    stream = os.fdopen(handle, "rb")
    if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
        stream.close()
        raise OSError("not a regular file")
    return stream


def read_within(folder: Path, parts: Sequence[str], limit: int) -> bytes:
    """The bytes of the regular file `folder/parts...` (`open_within`), at most `limit` of them."""
    with open_within(folder, parts) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise OSError(f"is larger than {_size(limit)}")
    return data


def _limit(name: str) -> int:
    from grader.notebook_source import MAX_NOTEBOOK_BYTES

    return MAX_NOTEBOOK_BYTES if name.lower().endswith(".ipynb") else MAX_SOURCE_BYTES


def _size(limit: int) -> str:
    return f"{limit >> 20} MiB" if limit > 1 << 20 else f"{limit >> 10} KiB"


# ----- candidates in a zip ----------------------------------------------------------------------


def _zip_candidates(archive: Path, located: Located) -> list[Candidate]:
    """The module candidates among a zip's members (top level, or one folder down, after a single
    folder that wraps everything, as "Compress folder" makes). Nothing is extracted."""
    name = archive.name
    if archive.is_symlink() or not archive.is_file():
        located.notes.append(f"{name} is a symbolic link or not a regular file: not opened")
        return []
    if archive.stat().st_size > MAX_ZIP_BYTES:
        located.notes.append(f"{name} is larger than {MAX_ZIP_BYTES >> 20} MiB: not opened")
        return []
    try:
        with open_within(archive.parent, [name]) as stream:
            too_large = _central_directory_too_large(stream)
            if too_large:
                located.notes.append(f"{name} {too_large}: not opened")
                return []
            with zipfile.ZipFile(stream) as opened:
                members = opened.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as error:
        located.notes.append(f"{name} is not a readable zip archive ({type(error).__name__}): not opened")
        return []
    if len(members) > MAX_ZIP_MEMBERS:
        located.notes.append(f"{name} holds more than {MAX_ZIP_MEMBERS} entries: not opened")
        return []
    usable: list[tuple[tuple[str, ...], zipfile.ZipInfo]] = []
    for info in members:
        parts = tuple(part for part in info.filename.replace("\\", "/").split("/") if part not in ("", "."))
        if info.filename.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
            located.notes.append(f"{name}: {info.filename!r} points outside the archive: refused")
        elif not parts or any(is_junk(part) for part in parts):
            continue
        elif stat.S_ISLNK(info.external_attr >> 16):
            located.notes.append(f"{name}: {'/'.join(parts)} is a symbolic link: refused")
        elif not info.is_dir():
            usable.append((parts, info))
    tops = {parts[0] for parts, _ in usable}
    wrapped = len(tops) == 1 and all(len(parts) > 1 for parts, _ in usable)
    candidates = []
    for parts, info in usable:
        inner = parts[1:] if wrapped else parts
        located.found.append(f"{name}: {'/'.join(parts)}")
        match = match_name(inner[-1])
        if len(inner) > 2 or match == NameMatch():
            continue
        limit = _limit(inner[-1])
        refused = ""
        if info.flag_bits & 0x1:
            refused = "is encrypted: refused"
        elif info.file_size > limit:
            refused = f"is larger than {_size(limit)}: refused"
        candidates.append(Candidate(f"{name}: {'/'.join(parts)}", inner[-1], len(inner) - 1, True, match, refused,
                                    lambda info=info, limit=limit: _read_member(archive, info, limit)))
    return candidates


def _central_directory_too_large(stream: BinaryIO) -> str:
    """Why the archive's central directory is too large to parse ("" if it is not), from its end record alone:
    `zipfile` builds an entry for every record of the directory, however many, before a count can be checked
    (1.3 million records in 63 MiB held the grader 10 s and 600 MiB). The end record is found as `zipfile`
    finds it (its own reader), so the directory bounded is the one it would parse."""
    find_end_record = getattr(zipfile, "_EndRecData", None)
    if find_end_record is None:  # a Python without it: the member count is checked after the listing
        return ""
    end = find_end_record(stream)
    if end is None:
        raise zipfile.BadZipFile("no end of central directory")
    if end[zipfile._ECD_ENTRIES_TOTAL] > MAX_ZIP_MEMBERS:
        return f"holds more than {MAX_ZIP_MEMBERS} entries"
    if end[zipfile._ECD_SIZE] > MAX_CENTRAL_DIRECTORY_BYTES:
        return f"lists its entries in more than {MAX_CENTRAL_DIRECTORY_BYTES >> 20} MiB"
    return ""


def _read_member(archive: Path, info: zipfile.ZipInfo, limit: int) -> bytes:
    """One member's bytes, read into memory and bounded whatever its header says."""
    try:
        with open_within(archive.parent, [archive.name]) as file, zipfile.ZipFile(file) as opened, \
                opened.open(info) as stream:
            data = stream.read(limit + 1)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, ValueError, EOFError) as error:
        raise OSError(f"cannot be read from the archive ({type(error).__name__})") from error
    except Exception as error:  # noqa: BLE001 - zlib/bz2/lzma errors of a corrupt member
        raise OSError(f"cannot be read from the archive ({type(error).__name__})") from error
    if len(data) > limit:
        raise OSError(f"is larger than {_size(limit)}")
    return data


# ----- reading the chosen candidate --------------------------------------------------------------


# The encodings a coding declaration may name: those editors write for Python source. Others are refused: some of
# Python's codecs decode in time that grows with the square of the text (punycode: 1 MiB held the grader 129 s).
SOURCE_ENCODINGS = frozenset({"utf-8", "utf-8-sig", "ascii", "iso8859-1", "iso8859-15", "cp1252"})


def python_source_text(data: bytes) -> str:
    """A source file's text as Python reads it when it runs the file: a UTF-8 byte-order mark dropped (an
    editor's "UTF-8 with BOM" kept U+FEFF, which compiles as an error: a correct module scored 0), a PEP 263
    coding declaration honoured where it names one of `SOURCE_ENCODINGS` (LookupError for another), UTF-8
    otherwise."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        data.decode("utf-8")  # bytes that are not UTF-8 where a declaration was looked for: say where
        raise
    name = codecs.lookup(encoding).name
    if name not in SOURCE_ENCODINGS:
        raise LookupError(f"the file declares the encoding {name}; save it as UTF-8")
    return data.decode(name)


def _read_candidate(candidate: Candidate, module: str) -> tuple[str | None, str]:
    """(module source, "") or (None, why not); a reason names the file when it is not `<module>.py`."""
    own = candidate.shown == f"{module}.py"
    prefix = "" if own else f"{candidate.shown} "
    if candidate.refused:
        return None, prefix + candidate.refused
    try:
        data = candidate.read()
    except OSError as error:
        return None, f"{prefix}{error.strerror or error}: refused"
    if candidate.notebook:
        from grader.notebook_source import notebook_module_source

        return notebook_module_source(data, candidate.shown, module)
    try:
        source = python_source_text(data)
    except UnicodeDecodeError as error:
        return None, (f"{prefix}is not {error.encoding.upper().removesuffix('-SIG')} text ({error.reason} at byte "
                      f"{error.start})")
    except (SyntaxError, LookupError, ValueError) as error:
        return None, f"{prefix}cannot be decoded as Python source ({error})"
    if "\0" in source:
        return None, f"{prefix}is a binary file, not Python source"
    return source, ""
