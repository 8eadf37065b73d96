"""Reading the independent corpus (the TOML files beside this module) into typed entries."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from grader import kit

CORPUS_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Correct:
    module: str
    function: str
    source: str  # repository and path (or URL) of the original
    changed: str  # what was adapted to the kit's contract
    body: str

    @property
    def id(self) -> str:
        return f"{self.function}<-{self.source.split(':')[0].removeprefix('github.com/')}"


@dataclass(frozen=True)
class Mistake:
    module: str
    function: str
    id: str
    what: str  # the truth: what the body does wrong
    keywords: tuple[str, ...]  # a hint that names the mistake contains at least one of these
    body: str
    source: str = ""  # set where the mistake was found in real code


def load() -> tuple[list[Correct], list[Mistake]]:
    correct: list[Correct] = []
    mistakes: list[Mistake] = []
    for module in kit.MODULES:
        data = tomllib.loads((CORPUS_DIR / f"{module}.toml").read_text(encoding="utf-8"))
        correct += [Correct(module, e["function"], e["source"], e["changed"], e["body"])
                    for e in data.get("correct", [])]
        mistakes += [Mistake(module, e["function"], e["id"], e["what"], tuple(e["keywords"]), e["body"],
                             e.get("source", "")) for e in data.get("mistake", [])]
    return correct, mistakes
