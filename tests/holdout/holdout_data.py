"""Reading the holdout corpus (the TOML files beside this module) into typed entries."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

HOLDOUT_DIR = Path(__file__).resolve().parent
MODULES = ("derivatives", "partial_derivatives", "linear_model", "gradient_descent")


@dataclass(frozen=True)
class Mistake:
    module: str
    function: str
    id: str
    what: str  # the truth: what the body does wrong
    keywords: tuple[str, ...]  # a hint that names the mistake contains at least one of these (fixed before any hint)
    body: str
    source: str = ""  # set where the mistake was seen in real code or a forum question


def load() -> list[Mistake]:
    mistakes: list[Mistake] = []
    for module in MODULES:
        data = tomllib.loads((HOLDOUT_DIR / f"{module}.toml").read_text(encoding="utf-8"))
        mistakes += [Mistake(module, e["function"], e["id"], e["what"], tuple(e["keywords"]), e["body"],
                             e.get("source", "")) for e in data.get("mistake", [])]
    ids = [m.id for m in mistakes]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise ValueError(f"holdout ids used twice: {duplicated}")
    return mistakes
