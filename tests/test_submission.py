"""Submissions as students hand them in: close names, modules one folder down, a zip, and the junk
that comes with them. Each is either graded with a note saying what was used, or scores 0 with a
note saying what was found and what name was expected; nothing is ever guessed or extracted."""

from __future__ import annotations

import hashlib
import os
import stat
import struct
import zipfile
from pathlib import Path

import nbformat
import pytest

from grader import kit
from grader.curriculum import of_module
from grader.engine import grade_sources
from grader.nbgrader_course import module_notebook
from grader.submission import (
    MAX_CENTRAL_DIRECTORY_BYTES,
    MAX_ZIP_MEMBERS,
    locate,
    match_name,
    read_submission,
    read_within,
    submitted_modules,
)


def _solution(module: str) -> str:
    return kit.solution_source(module)


def _snapshot(folder: Path) -> dict[str, str]:
    """Every path under folder with the digest of its content (or its link target): to see nothing changed."""
    return {str(path.relative_to(folder)): (str(path.readlink()) if path.is_symlink() else
                                            hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir")
            for path in sorted(folder.rglob("*"))}


@pytest.mark.parametrize(("filename", "module"), [
    ("Linear_Model.py", "linear_model"),
    ("linear_modle.py", "linear_model"),
    ("gradient_descent (1).py", "gradient_descent"),
    ("Gradient Descent copy 2.py", "gradient_descent"),
    ("partial_derivative.py", "partial_derivatives"),
    ("partialderivatives.py", "partial_derivatives"),
    ("derivative.py", "derivatives"),
    ("linear-model.ipynb", "linear_model"),
])
def test_a_close_name_is_taken_for_its_module_only(filename, module):
    assert match_name(filename).module == module


@pytest.mark.parametrize(("filename", "could_be"), [
    ("p_derivatives.py", {"derivatives", "partial_derivatives"}),
])
def test_a_name_close_to_two_modules_is_taken_for_neither(filename, could_be):
    match = match_name(filename)
    assert match.module is None and set(match.could_be) == could_be


@pytest.mark.parametrize("filename", ["test_linear_model.py", "linear_model_test.py", "utils.py", "notes.txt",
                                      "linear_model.py.txt", "conftest.py"])
def test_other_files_are_not_modules(filename):
    assert match_name(filename).module is None


def test_exact_names_never_cross_over_between_derivatives_and_partial_derivatives(tmp_path):
    (tmp_path / "derivatives.py").write_text(_solution("derivatives"))
    (tmp_path / "partial_derivatives.py").write_text(_solution("partial_derivatives"))
    submission = read_submission(tmp_path)
    assert submission.sources == {"derivatives": _solution("derivatives"),
                                  "partial_derivatives": _solution("partial_derivatives")}
    assert not submission.unreadable and not submission.notes


def test_close_names_are_graded_with_a_note_saying_what_was_used(tmp_path, sandbox):
    (tmp_path / "Linear_Model.py").write_text(_solution("linear_model"))
    (tmp_path / "gradient_descent (1).py").write_text(_solution("gradient_descent"))
    (tmp_path / "partial_derivative.py").write_text(_solution("partial_derivatives"))
    before = _snapshot(tmp_path)
    submission = read_submission(tmp_path)
    assert submission.sources == {module: _solution(module)
                                  for module in ("linear_model", "gradient_descent", "partial_derivatives")}
    assert "graded Linear_Model.py as linear_model.py" in submission.notes
    assert "graded gradient_descent (1).py as gradient_descent.py" in submission.notes
    assert "graded partial_derivative.py as partial_derivatives.py" in submission.notes
    result = grade_sources(submission.sources, sandbox, exercises=of_module("linear_model"))
    assert result.score == result.max_score > 0
    assert _snapshot(tmp_path) == before


def test_two_candidates_for_one_module_are_a_note_not_a_guess(tmp_path):
    (tmp_path / "Linear_Model.py").write_text(_solution("linear_model"))
    (tmp_path / "linear_modle.py").write_text("def sse(*args):\n    return 0.0\n")
    submission = read_submission(tmp_path)
    assert "linear_model" not in submission.sources
    assert "Linear_Model.py" in submission.unreadable["linear_model"]
    assert "linear_modle.py" in submission.unreadable["linear_model"]
    assert any("expected one file named linear_model.py" in note for note in submission.notes)
    assert submitted_modules(tmp_path) == {"linear_model"}


@pytest.mark.parametrize("inner", ["", "work/"])
def test_a_folder_of_more_files_than_are_looked_at_says_so(tmp_path, monkeypatch, inner):
    """Bug: a folder of 200,000 files and `linear_model.py` was told "no exercise module found (found: f10013.py,
    …)": only the first entries the file system lists are looked at, and the module was not among them. A note now
    says the folder was only partly looked at; a folder at the limit gets none."""
    from grader import submission

    monkeypatch.setattr(submission, "MAX_ENTRIES_PER_FOLDER", 20)
    folder = tmp_path / inner
    folder.mkdir(exist_ok=True)
    for number in range(19):
        (folder / f"notes{number}.txt").write_text("")
    (folder / "linear_model.py").write_text(_solution("linear_model"))
    assert not [note for note in read_submission(tmp_path).notes if "holds more than" in note]
    (folder / "one_more.txt").write_text("")
    notes = read_submission(tmp_path).notes
    assert any(note.startswith(f"{inner or 'the folder'} holds more than 20 files and folders: only 20 of them "
                               "were looked at") for note in notes), notes


def test_a_long_run_of_digits_in_a_name_costs_nothing():
    """Attack (red team): `notes_<40 digits>_final.py` held a whole batch: the copy marks' pattern took time
    doubling with every digit. Copy marks are still dropped as before."""
    assert match_name("notes_" + "0" * 40 + "_final.py") == match_name("notes_final.py")
    assert match_name("linear_model (2) copy 3.py").module == "linear_model"
    assert match_name("derivatives 2 (1).py").module == "derivatives"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may enter any folder")
def test_a_folder_that_cannot_be_entered_is_a_note_not_a_crash(tmp_path):
    """Attack (red team): an archive that restores a folder as 644 (listed, not entered) made the folder's check
    raise PermissionError, and the batch stopped before anyone was graded."""
    (tmp_path / "linear_model.py").write_text(_solution("linear_model"))
    locked = tmp_path / "hw3"
    locked.mkdir()
    (locked / "derivatives.py").write_text(_solution("derivatives"))
    locked.chmod(0o644)
    try:
        submission = read_submission(tmp_path)
    finally:
        locked.chmod(0o755)
    assert "linear_model" in submission.sources
    assert any("could not be looked at" in note for note in submission.notes), submission.notes


@pytest.mark.skipif(os.geteuid() == 0, reason="root may list any folder")
def test_a_student_folder_that_cannot_be_listed_is_told_so(tmp_path):
    """QA round 59, 09: a student's own folder the grader may not read was told "no exercise module found (found:
    nothing)", as if she had handed in nothing; it is told that it could not be looked at."""
    student = tmp_path / "bob"
    student.mkdir()
    (student / "linear_model.py").write_text(_solution("linear_model"))
    student.chmod(0)
    try:
        submission = read_submission(student)
    finally:
        student.chmod(0o755)
    assert any("could not be looked at (Permission denied)" in note for note in submission.notes), submission.notes


def test_the_exact_name_wins_and_the_other_candidate_is_named(tmp_path):
    (tmp_path / "linear_model.py").write_text(_solution("linear_model"))
    (tmp_path / "linear_model (1).py").write_text("broken(")
    submission = read_submission(tmp_path)
    assert submission.sources == {"linear_model": _solution("linear_model")}
    assert submission.notes == ("linear_model (1).py was not graded: linear_model.py was graded as linear_model",)


def test_a_name_close_to_two_modules_and_a_near_miss_score_0_with_the_expected_name(tmp_path):
    (tmp_path / "p_derivatives.py").write_text(_solution("partial_derivatives"))
    (tmp_path / "deriv.py").write_text(_solution("derivatives"))
    submission = read_submission(tmp_path)
    assert not submission.sources
    assert any("p_derivatives.py was not graded" in note and "partial_derivatives.py" in note
               for note in submission.notes)
    assert "deriv.py was not graded: expected the name derivatives.py" in submission.notes


def test_modules_one_folder_down_are_graded_with_a_note(tmp_path):
    (tmp_path / "exercises").mkdir()
    (tmp_path / "exercises" / "linear_model.py").write_text(_solution("linear_model"))
    (tmp_path / "hw3").mkdir()
    (tmp_path / "hw3" / "Derivatives.py").write_text(_solution("derivatives"))
    (tmp_path / "README.md").write_text("my homework")
    submission = read_submission(tmp_path)
    assert submission.sources == {"linear_model": _solution("linear_model"), "derivatives": _solution("derivatives")}
    assert set(submission.notes) == {"graded exercises/linear_model.py as linear_model.py",
                                     "graded hw3/Derivatives.py as derivatives.py"}


def test_the_same_module_in_two_folders_is_not_guessed(tmp_path):
    for folder in ("hw3", "hw3_final"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "linear_model.py").write_text(_solution("linear_model"))
    submission = read_submission(tmp_path)
    assert not submission.sources
    assert "hw3/linear_model.py" in submission.unreadable["linear_model"]
    assert "hw3_final/linear_model.py" in submission.unreadable["linear_model"]


def test_junk_is_never_a_module(tmp_path):
    for junk in (".ipynb_checkpoints", "__MACOSX", "__pycache__", ".hidden"):
        (tmp_path / junk).mkdir()
        (tmp_path / junk / "linear_model.py").write_text(_solution("linear_model"))
    (tmp_path / ".ipynb_checkpoints" / "linear_model-checkpoint.ipynb").write_text("{}")
    (tmp_path / "._linear_model.py").write_bytes(b"\x00\x05\x16\x07")  # macOS AppleDouble file
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    submission = read_submission(tmp_path)
    assert not submission.sources and not submission.unreadable
    assert submission.notes == ("no exercise module found (found: nothing); expected derivatives.py, "
                                "partial_derivatives.py, linear_model.py, gradient_descent.py",)


def test_nothing_usable_says_what_was_found_and_what_was_expected(tmp_path):
    (tmp_path / "homework.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "answers.py").write_text("x = 1\n")
    (notes,) = read_submission(tmp_path).notes
    assert "found: answers.py, homework.pdf" in notes and "expected derivatives.py" in notes


# ----- zips ---------------------------------------------------------------------------------------


def _zip(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_zip_is_read_in_memory_never_extracted(tmp_path, sandbox):
    notebook = nbformat.writes(module_notebook("gradient_descent"))
    _zip(tmp_path / "hw3.zip", {"hw3/linear_model.py": _solution("linear_model"),
                                "hw3/gradient_descent.ipynb": notebook,
                                "__MACOSX/hw3/._linear_model.py": b"\x00\x05\x16\x07",
                                "hw3/.DS_Store": b"Bud1"})
    before = _snapshot(tmp_path)
    submission = read_submission(tmp_path)
    assert submission.sources["linear_model"] == _solution("linear_model")
    assert set(submission.sources) == {"linear_model", "gradient_descent"}
    assert set(submission.notes) == {"graded hw3.zip: hw3/linear_model.py as linear_model.py",
                                     "graded hw3.zip: hw3/gradient_descent.ipynb as gradient_descent.ipynb"}
    result = grade_sources(submission.sources, sandbox, exercises=[*of_module("linear_model"),
                                                                    *of_module("gradient_descent")])
    assert result.score == result.max_score > 0
    assert _snapshot(tmp_path) == before


def test_files_beside_a_zip_come_before_the_zip(tmp_path):
    (tmp_path / "linear_model.py").write_text(_solution("linear_model"))
    _zip(tmp_path / "old.zip", {"linear_model.py": "old = True\n", "derivatives.py": _solution("derivatives")})
    submission = read_submission(tmp_path)
    assert submission.sources == {"linear_model": _solution("linear_model"), "derivatives": _solution("derivatives")}
    assert "old.zip: linear_model.py was not graded: linear_model.py was graded as linear_model" in submission.notes


def test_zip_members_outside_the_archive_or_links_are_refused(tmp_path):
    path = tmp_path / "sub.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("../derivatives.py", _solution("derivatives"))
        archive.writestr("/abs/partial_derivatives.py", _solution("partial_derivatives"))
        link = zipfile.ZipInfo("gradient_descent.py")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
        archive.writestr("linear_model.py", _solution("linear_model"))
    submission = read_submission(tmp_path)
    assert submission.sources == {"linear_model": _solution("linear_model")}
    assert "sub.zip: '../derivatives.py' points outside the archive: refused" in submission.notes
    assert "sub.zip: '/abs/partial_derivatives.py' points outside the archive: refused" in submission.notes
    assert "sub.zip: gradient_descent.py is a symbolic link: refused" in submission.notes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sub.zip"]


def test_a_zip_bomb_member_is_refused_by_what_it_holds_not_what_it_claims(tmp_path):
    big = _zip(tmp_path / "big.zip", {"linear_model.py": "#" * (2 << 20)})
    submission = read_submission(tmp_path)
    assert "larger than 1024 KiB" in submission.unreadable["linear_model"]
    # A header that lies about the size (says 100 bytes): the member is refused, never trusted.
    data = big.read_bytes()
    size_field = (2 << 20).to_bytes(4, "little")
    assert data.count(size_field) == 2  # the local header and the central directory
    big.write_bytes(data.replace(size_field, (100).to_bytes(4, "little")))
    with zipfile.ZipFile(big) as archive:
        assert archive.getinfo("linear_model.py").file_size == 100
    submission = read_submission(tmp_path)
    assert "linear_model" not in submission.sources
    assert submission.unreadable["linear_model"] == "big.zip: linear_model.py cannot be read from the archive " \
        "(BadZipFile): refused"


def test_a_zip_with_too_many_members_or_that_is_no_zip_is_not_opened(tmp_path):
    _zip(tmp_path / "many.zip", {f"f{index}.txt": "" for index in range(MAX_ZIP_MEMBERS + 1)}
         | {"linear_model.py": _solution("linear_model")})
    submission = read_submission(tmp_path)
    assert not submission.sources and f"many.zip holds more than {MAX_ZIP_MEMBERS} entries: not opened" in \
        submission.notes
    (tmp_path / "many.zip").write_bytes(b"PK\x03\x04 this is not a zip")
    (notes, *_) = read_submission(tmp_path).notes
    assert notes == "many.zip is not a readable zip archive (BadZipFile): not opened"


def _bare_central_directory(path: Path, records: int, declared: int) -> None:
    """A zip of `records` central-directory records and nothing else, its end record declaring `declared`."""
    directory = b"".join(struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, 20, 0, 0, 0, 0, 0x21, 0, 0, 0,
                                     len(name := b"%x.txt" % i), 0, 0, 0, 0, 0, 0) + name for i in range(records))
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, declared, declared, len(directory), 0, 0)
    path.write_bytes(directory + end)


@pytest.mark.parametrize(("records", "declared", "note"), [
    (3, 0xFFFF, f"holds more than {MAX_ZIP_MEMBERS} entries"),
    (MAX_CENTRAL_DIRECTORY_BYTES // 40, 1, f"lists its entries in more than {MAX_CENTRAL_DIRECTORY_BYTES >> 20} MiB"),
])
def test_a_zips_list_of_members_is_bounded_before_it_is_parsed(tmp_path, records, declared, note):
    """Bug: zipfile built an entry for every record of the central directory before the member count was
    checked: 1.3 million records (63 MiB, under the archive's limit) held the grader's own process 10 s and
    600 MiB, twice per student. The end record's count and the directory's size are checked first."""
    _bare_central_directory(tmp_path / "hw.zip", records, declared)
    assert read_submission(tmp_path).notes == (f"hw.zip {note}: not opened",)


def test_a_module_is_decoded_as_python_decodes_it(tmp_path, sandbox):
    """Bug: a correct module saved "UTF-8 with BOM" (an editor's option) scored 0: the byte-order mark stayed in
    the text as U+FEFF, which compiles as an error, where Python runs the file. A coding declaration is
    honoured too; a notebook with a byte-order mark is read."""
    source = _solution("derivatives")
    (tmp_path / "derivatives.py").write_bytes(b"\xef\xbb\xbf" + source.encode("utf-8"))
    latin = "# -*- coding: latin-1 -*-\n\n\ndef predict(m, c, x):\n    return m * x + c  # Müller's line\n"
    (tmp_path / "linear_model.py").write_bytes(latin.encode("latin-1"))
    notebook = module_notebook("gradient_descent")  # the source notebook: its cells hold the solution
    (tmp_path / "gradient_descent.ipynb").write_bytes(b"\xef\xbb\xbf" + nbformat.writes(notebook).encode("utf-8"))
    submission = read_submission(tmp_path)
    assert submission.sources["derivatives"] == source
    assert submission.sources["linear_model"] == latin
    assert "gradient_descent" in submission.sources and not submission.unreadable
    both = ("derivatives", "gradient_descent")
    graded = grade_sources({module: submission.sources[module] for module in both}, sandbox, student="bom",
                           exercises=[e for module in both for e in of_module(module)])
    assert graded.score == graded.max_score, [c.name for e in graded.exercises for c in e.checks if not c.passed]
    (tmp_path / "derivatives.py").write_bytes(b"# coding: no-such-codec\n" + source.encode("utf-8"))
    assert read_submission(tmp_path).unreadable["derivatives"].startswith("cannot be decoded as Python source")


def test_a_coding_declaration_names_an_encoding_editors_write_or_the_file_is_refused(tmp_path):
    """Attack: `# coding: punycode` made the grader's own process decode the file with a codec whose time grows
    with the square of the text (1 MiB held it 129 s, once per module of every submission). Only the encodings
    editors write for Python are read; the others are refused at once, with what to do."""
    body = b"-" + b"a" * 2000
    (tmp_path / "derivatives.py").write_bytes(b"# coding: punycode\n" + body)
    (tmp_path / "linear_model.py").write_bytes(b"# -*- coding: cp1252 -*-\nNAME = '\x80'\n")
    submission = read_submission(tmp_path)
    assert submission.unreadable["derivatives"] == ("cannot be decoded as Python source (the file declares the "
                                                    "encoding punycode; save it as UTF-8)")
    assert submission.sources["linear_model"].endswith("NAME = '\u20ac'\n")


def _swapped_for_a_link(path: Path, target: Path) -> None:
    """What a student who can still write to her folder does between the grader's look and its read."""
    path.rename(path.with_name(path.name + ".spare"))
    path.symlink_to(target)


def test_a_folder_swapped_for_a_link_after_the_look_is_not_read_through(tmp_path):
    """Bug (red team round 55, 02): a file one folder down was opened by path with only its last part not followed: a
    student who swapped `hw/` for a link to another student's folder between the look and the read had that
    student's file graded as hers (root reads anything)."""
    bob, mallory = tmp_path / "bob", tmp_path / "mallory"
    bob.mkdir()
    (bob / "linear_model.py").write_text("# bob's work\n")
    (mallory / "hw").mkdir(parents=True)
    (mallory / "hw" / "linear_model.py").write_text("# mallory's\n")
    candidate = locate(mallory).chosen["linear_model"]
    _swapped_for_a_link(mallory / "hw", bob)
    with pytest.raises(OSError):
        candidate.read()
    with pytest.raises(OSError):
        read_within(mallory, ["hw", "linear_model.py"], 1 << 20)
    assert "bob" not in read_submission(mallory).sources.get("linear_model", "")


def test_a_submission_folder_given_as_a_link_is_read(tmp_path):
    """Bug (red team round 57, 04): the folder itself was opened without following a link, so a student's pytest run in
    a linked folder, or a folder given to `grade_folder`, had every module refused ("Not a directory")."""
    real = tmp_path / "real"
    real.mkdir()
    (real / "linear_model.py").write_text(_solution("linear_model"))
    (tmp_path / "link").symlink_to(real)
    assert read_submission(tmp_path / "link").sources == {"linear_model": _solution("linear_model")}


def test_a_zip_swapped_for_a_link_after_the_look_is_not_read_through(tmp_path):
    """A zip was opened by path (a link followed) each time a member was read."""
    bob, mallory = tmp_path / "bob", tmp_path / "mallory"
    for student in (bob, mallory):
        student.mkdir()
        with zipfile.ZipFile(student / "work.zip", "w") as archive:
            archive.writestr("linear_model.py", f"# {student.name}'s work\n")
    candidate = locate(mallory).chosen["linear_model"]
    _swapped_for_a_link(mallory / "work.zip", bob / "work.zip")
    with pytest.raises(OSError):
        candidate.read()
    assert "linear_model" not in read_submission(mallory).sources


def test_two_zips_are_a_note_not_a_guess(tmp_path):
    _zip(tmp_path / "a.zip", {"linear_model.py": _solution("linear_model")})
    _zip(tmp_path / "b.zip", {"linear_model.py": _solution("linear_model")})
    submission = read_submission(tmp_path)
    assert not submission.sources
    assert any("found 2 zip files (a.zip, b.zip)" in note for note in submission.notes)


def test_an_unreadable_file_under_another_name_is_refused_naming_it(tmp_path):
    (tmp_path / "Linear_Model.py").write_bytes(b"\xff\xfe not utf-8")
    (tmp_path / "elsewhere.py").write_text(_solution("derivatives"))
    (tmp_path / "Derivatives.py").symlink_to(tmp_path / "elsewhere.py")
    submission = read_submission(tmp_path)
    assert submission.unreadable["linear_model"].startswith("Linear_Model.py is not UTF-8 text")
    assert submission.unreadable["derivatives"] == "Derivatives.py is a symbolic link: refused"
