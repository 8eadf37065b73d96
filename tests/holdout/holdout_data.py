"""Reading a holdout corpus (the TOML files beside this module, or those of `second/` or `third/`) into entries."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

HOLDOUT_DIR = Path(__file__).resolve().parent
MODULES = ("derivatives", "partial_derivatives", "linear_model", "gradient_descent")
SECOND_DIR = HOLDOUT_DIR / "second"  # the second holdout, written later and independently; all five modules
THIRD_DIR = HOLDOUT_DIR / "third"  # the third holdout, written later still and independently; all five modules
FOURTH_DIR = HOLDOUT_DIR / "fourth"  # the fourth holdout, written after the third and independently; all five modules
FIFTH_DIR = HOLDOUT_DIR / "fifth"  # the fifth holdout, written after the fourth and independently; all five modules
SIXTH_DIR = HOLDOUT_DIR / "sixth"  # the sixth holdout, written after the fifth and independently; all five modules
SEVENTH_DIR = HOLDOUT_DIR / "seventh"  # the seventh holdout, after the sixth and independently; all five modules
EIGHTH_DIR = HOLDOUT_DIR / "eighth"  # the eighth, written beside the seventh and independently; all five modules
NINTH_DIR = HOLDOUT_DIR / "ninth"  # the ninth, written after the eighth and independently; all five modules
TENTH_DIR = HOLDOUT_DIR / "tenth"  # the tenth, written after the ninth and independently; all five modules
ELEVENTH_DIR = HOLDOUT_DIR / "eleventh"  # the eleventh, written after the tenth and independently; all five modules
TWELFTH_DIR = HOLDOUT_DIR / "twelfth"  # the twelfth, written beside the eleventh and apart from it; all five modules
THIRTEENTH_DIR = HOLDOUT_DIR / "thirteenth"  # the thirteenth, written after the twelfth and independently; all five
FOURTEENTH_DIR = HOLDOUT_DIR / "fourteenth"  # the fourteenth, after the thirteenth: real students' kinds; all five
FIFTEENTH_DIR = HOLDOUT_DIR / "fifteenth"  # the fifteenth, after the fourteenth: notebook and translation slips
SIXTEENTH_DIR = HOLDOUT_DIR / "sixteenth"  # the sixteenth, after the fifteenth: slips of a pure-Python style
SEVENTEENTH_DIR = HOLDOUT_DIR / "seventeenth"  # the seventeenth, after the sixteenth: slips of a NumPy-fluent style
EIGHTEENTH_DIR = HOLDOUT_DIR / "eighteenth"  # the eighteenth, after the seventeenth: an ML practitioner's habits
NINETEENTH_DIR = HOLDOUT_DIR / "nineteenth"  # the nineteenth, after the eighteenth: MATLAB, R and spreadsheet habits
TWENTIETH_DIR = HOLDOUT_DIR / "twentieth"  # the twentieth, after the nineteenth: code pasted from an assistant
TWENTYFIRST_DIR = HOLDOUT_DIR / "twentyfirst"  # the twenty-first, after the twentieth: the over-engineering student
TWENTYSECOND_DIR = HOLDOUT_DIR / "twentysecond"  # the twenty-second: code ported from MATLAB, R, Julia, C, pseudocode
TWENTYTHIRD_DIR = HOLDOUT_DIR / "twentythird"  # the twenty-third: the tired student's copy-paste and typing slips
TWENTYFOURTH_DIR = HOLDOUT_DIR / "twentyfourth"  # the twenty-fourth: the functional-programming student's slips
TWENTYFIFTH_DIR = HOLDOUT_DIR / "twentyfifth"  # the twenty-fifth: the slips of home-made derivative tools
TWENTYSIXTH_DIR = HOLDOUT_DIR / "twentysixth"  # the twenty-sixth: the student who takes another mathematical route
TWENTYSEVENTH_DIR = HOLDOUT_DIR / "twentyseventh"  # the twenty-seventh: the student's second attempt
TWENTYEIGHTH_DIR = HOLDOUT_DIR / "twentyeighth"  # the twenty-eighth: slips of state, shapes and types
TWENTYNINTH_DIR = HOLDOUT_DIR / "twentyninth"  # the twenty-ninth: numerical-analysis slips
THIRTIETH_DIR = HOLDOUT_DIR / "thirtieth"  # the thirtieth: code right on the student's own examples, an assumption
THIRTYFIRST_DIR = HOLDOUT_DIR / "thirtyfirst"  # the thirty-first: one sentence of the docstring misread
THIRTYSECOND_DIR = HOLDOUT_DIR / "thirtysecond"  # the thirty-second: conceptual misconceptions
THIRTYTHIRD_DIR = HOLDOUT_DIR / "thirtythird"  # the thirty-third: habits carried over from other languages and tools
THIRTYFOURTH_DIR = HOLDOUT_DIR / "thirtyfourth"  # the thirty-fourth: control flow and indentation slips
THIRTYFIFTH_DIR = HOLDOUT_DIR / "thirtyfifth"  # the thirty-fifth: the speed-minded student's rewrites
THIRTYSIXTH_DIR = HOLDOUT_DIR / "thirtysixth"  # the thirty-sixth: notation read wrong
THIRTYSEVENTH_DIR = HOLDOUT_DIR / "thirtyseventh"  # the thirty-seventh: reuse and composition
THIRTYEIGHTH_DIR = HOLDOUT_DIR / "thirtyeighth"  # the thirty-eighth: generalisation
THIRTYNINTH_DIR = HOLDOUT_DIR / "thirtyninth"  # the thirty-ninth: habits from statistics and data analysis
FORTIETH_DIR = HOLDOUT_DIR / "fortieth"  # the fortieth: the neighbouring question
FORTYFIRST_DIR = HOLDOUT_DIR / "fortyfirst"  # the forty-first: state that outlives a call
FORTYSECOND_DIR = HOLDOUT_DIR / "fortysecond"  # the forty-second: code written against the public checks
FORTYTHIRD_DIR = HOLDOUT_DIR / "fortythird"  # the forty-third: code adapted from another source's convention
FORTYFOURTH_DIR = HOLDOUT_DIR / "fortyfourth"  # the forty-fourth: edits left half-done
ALL_MODULES = (*MODULES, "neural_network")
IN_ORDER = (HOLDOUT_DIR, SECOND_DIR, THIRD_DIR, FOURTH_DIR, FIFTH_DIR, SIXTH_DIR, SEVENTH_DIR, EIGHTH_DIR, NINTH_DIR,
            TENTH_DIR, ELEVENTH_DIR, TWELFTH_DIR, THIRTEENTH_DIR,
            FOURTEENTH_DIR, FIFTEENTH_DIR, SIXTEENTH_DIR, SEVENTEENTH_DIR,
            EIGHTEENTH_DIR, NINETEENTH_DIR, TWENTIETH_DIR, TWENTYFIRST_DIR,
            TWENTYSECOND_DIR, TWENTYTHIRD_DIR, TWENTYFOURTH_DIR, TWENTYFIFTH_DIR,
            TWENTYSIXTH_DIR, TWENTYSEVENTH_DIR, TWENTYEIGHTH_DIR, TWENTYNINTH_DIR,
            THIRTIETH_DIR, THIRTYFIRST_DIR, THIRTYSECOND_DIR, THIRTYTHIRD_DIR,
            THIRTYFOURTH_DIR, THIRTYFIFTH_DIR, THIRTYSIXTH_DIR,
            THIRTYSEVENTH_DIR, THIRTYEIGHTH_DIR, THIRTYNINTH_DIR,
            FORTIETH_DIR, FORTYFIRST_DIR, FORTYSECOND_DIR, FORTYTHIRD_DIR,
            FORTYFOURTH_DIR)  # the batches in the order written


@dataclass(frozen=True)
class Mistake:
    module: str
    function: str
    id: str
    what: str  # the truth: what the body does wrong
    keywords: tuple[str, ...]  # a hint that names the mistake contains at least one of these (fixed before any hint)
    body: str
    source: str = ""  # set where the mistake was seen in real code or a forum question
    slips: int = 1  # 2 where the body holds two separate slips


def load(folder: Path | None = None) -> list[Mistake]:
    """The mistakes of one holdout: by default the first (`HOLDOUT_DIR`, its four modules, each file
    required); given a folder (e.g. `SECOND_DIR`), the TOML file of every module it holds."""
    if folder is None:
        files = [(module, HOLDOUT_DIR / f"{module}.toml") for module in MODULES]
    else:
        files = [(module, folder / f"{module}.toml") for module in ALL_MODULES if (folder / f"{module}.toml").exists()]
        if not files:
            raise FileNotFoundError(f"no holdout TOML file in {folder}")
    mistakes: list[Mistake] = []
    for module, path in files:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        mistakes += [Mistake(module, e["function"], e["id"], e["what"], tuple(e["keywords"]), e["body"],
                             e.get("source", ""), e.get("slips", 1)) for e in data.get("mistake", [])]
    ids = [m.id for m in mistakes]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise ValueError(f"holdout ids used twice: {duplicated}")
    return mistakes


def kept_full_marks(folder: Path) -> dict[str, tuple[str, str, str]]:
    """The entries a batch's writer dropped as keeping full marks, where its `KEPT_FULL_MARKS.md` lists them with
    their bodies: id -> (module, function, body)."""
    text = (folder / "KEPT_FULL_MARKS.md").read_text(encoding="utf-8")
    found = re.findall(r"### `(\w+)` — `(\w+)\.(\w+)`, [^\n]*\n.*?```python\n(.*?)```", text, re.S)
    return {ident: (module, function, body) for ident, module, function, body in found}


def written_before(folder: Path) -> list[Mistake]:
    """Every entry of the holdouts written before the one in `folder` (an id must not repeat across them)."""
    earlier = IN_ORDER[:IN_ORDER.index(folder)]
    return [entry for each in earlier for entry in load(None if each == HOLDOUT_DIR else each)]
