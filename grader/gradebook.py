"""The course gradebook: `student_id,score,max_score`, then one column per exercise.

The CSV is opened in spreadsheets, and a student id is a folder name the student chose: a cell that
would start a formula (`=HYPERLINK(...)`, `+1`, `-x`, `@SUM(...)`) is written with a leading
apostrophe, as spreadsheet vendors and OWASP advise, so it is shown as text and never evaluated. Its
control characters, bidirectional overrides (which reorder the rest of a line in a text editor, so that another
score seems to be the student's) and undecodable bytes are written as escape sequences, as on the terminal
(`grader.terminal.shown`), and a backslash is doubled, so that no two folders are written as one id; an id of
printable characters without a backslash is kept exactly, to match the course's roster.
Scores are the grader's own non-negative numbers and stay numbers. Every cell is quoted: a spreadsheet that splits a
CSV file on another separator (`;` in most European locales) would otherwise start a new cell inside an id at its
`;`, and `zoe;=HYPERLINK(...)` would hold a formula cell after it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from grader.curriculum import EXERCISES
from grader.gradescope import write_atomically
from grader.spec import POINT_DIGITS, SubmissionResult
from grader.terminal import shown_id

# A cell starting with one of these is a formula (or becomes one once the leading whitespace is trimmed).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
HEADER = ["student_id", "score", "max_score", *(exercise.key for exercise in EXERCISES)]


def rows(results: Sequence[SubmissionResult]) -> list[list[str]]:
    table = []
    for result in sorted(results, key=lambda r: r.student):
        by_key = {exercise.exercise: exercise for exercise in result.exercises}
        cells = [_number(by_key[e.key].score) if e.key in by_key else "" for e in EXERCISES]
        student = gradebook_id(result.student)
        table.append([student, _number(result.score), _number(result.max_score), *cells])
    return table


def gradebook_id(student: str) -> str:
    """The student id as the gradebook writes it, one-to-one (two folders never share an id): every backslash doubled,
    a byte that is not UTF-8 written `\\udcXX` (as `\\xXX` it would read as the character U+00XX's escape), the other
    characters that are not printable escaped (`grader.terminal.shown`), then a leading apostrophe where a spreadsheet
    would read a formula or would drop the id's own leading apostrophe."""
    return spreadsheet_text(shown_id(student))


def spreadsheet_text(text: str) -> str:
    """A text cell a spreadsheet shows as text: one that would start a formula gets a leading apostrophe.

    (defusedcsv does the same but leaves a leading tab or carriage return alone and rewrites `|`.)"""
    starts = (*FORMULA_STARTS, "'")  # an apostrophe of the id's own: doubled, as a spreadsheet shows one of two
    return "'" + text if text.startswith(starts) or text.lstrip().startswith(FORMULA_STARTS) else text


def _number(value: float) -> str:
    return f"{round(value, POINT_DIGITS):g}"


def write_gradebook(results: Sequence[SubmissionResult], path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)  # one cell, whatever the separator
    writer.writerow(HEADER)
    writer.writerows(rows(results))
    write_atomically(path, buffer.getvalue())


def format_table(results: Sequence[SubmissionResult]) -> str:
    """The gradebook for a terminal: one line per student, points per module graded (ids escaped)."""
    graded = {exercise.exercise for result in results for exercise in result.exercises}
    modules = list(dict.fromkeys(exercise.module for exercise in EXERCISES if exercise.key in graded))
    header = ["student", "score", *modules]
    lines = []
    for result in sorted(results, key=lambda r: r.student):
        per_module = {m: sum(e.score for e in result.exercises if e.exercise.startswith(m + ".")) for m in modules}
        max_module = {m: sum(e.points for e in EXERCISES if e.module == m) for m in modules}
        lines.append([shown_id(result.student), f"{result.score:.1f}/{result.max_score:g}",
                      *(f"{per_module[m]:.1f}/{max_module[m]:g}" for m in modules)])
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header))]
    render = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in [header, *lines]]
    return "\n".join([render[0], "  ".join("-" * w for w in widths), *render[1:]])
