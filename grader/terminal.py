"""Student-controlled text (a student id is a folder name) made safe to show to a person.

A folder name can hold ANSI escape sequences (which recolour, move the cursor or retitle the
instructor's terminal), other control characters, bidirectional overrides (which reorder a table
as it is read) and bytes that are not UTF-8 (decoded by Python as lone surrogates). Shown on the
terminal or in the report, each such character is written as its escape sequence instead, so the
reader sees what the name really holds.
"""

from __future__ import annotations

_SURROGATE_ESCAPES = range(0xDC80, 0xDD00)  # how `os.listdir` decodes a byte that is not UTF-8


def escaped_character(character: str) -> str:
    """One character as an escape sequence: `\\x1b`, `\\u202e`, or `\\xff` for an undecodable byte."""
    if ord(character) in _SURROGATE_ESCAPES:
        return f"\\x{ord(character) - 0xDC00:02x}"
    return character.encode("unicode_escape").decode("ascii")


def shown(text: str) -> str:
    """`text` with every character that is not printable (control, format, separator other than the
    space, surrogate, unassigned) written as its escape sequence; printable text is returned as it is."""
    if text.isprintable():
        return text
    return "".join(character if character.isprintable() else escaped_character(character) for character in text)


def shown_id(student: str) -> str:
    """A student id (a folder name) as shown on the terminal, in the pages and in the gradebook, one-to-one (two
    folders never look alike): every backslash doubled (so a folder named with the four characters `\\x1b` reads
    `\\\\x1b`, and one holding an ESC `\\x1b`), a byte that is not UTF-8 written `\\udcXX` (as `\\xXX` it would read
    as the character U+00XX's escape), the other characters that are not printable escaped (`shown`)."""
    doubled = student.replace("\\", "\\\\")
    return shown("".join(f"\\udc{ord(c) - 0xDC00:02x}" if ord(c) in _SURROGATE_ESCAPES else c for c in doubled))
