"""The public checks' reference data, computed once from the kit and shipped in the student bundle.

A bundle's grader has no reference solutions, so `calcgrade release` runs every PUBLIC planned
check through the live references (`engine.LIVE`) and stores, as plain JSON, what `judge` needs:
each check's input (to detect a plan that no longer matches), its expectations (value, tolerance,
source), the value of each known mistake on that input (to name the mistake), what the behavioural
operators' variants that change the reference's code give there (`behaviour.stored_values`) and each
function's signature. `PrecomputedReferences` serves that data to the engine in place of the live kit. Values
go through `grader.plain`'s wire format, so floats, tuples and arrays (with dtype and shape)
round-trip exactly. Hidden checks are never in this data.

The pytest plugin finds the file at `$CALCGRADE_PUBLIC_CHECKS` if set, else at the pytest ini
option `calcgrade_public_checks` (default `.calcgrade/public_checks.json`), relative to the rootdir.
"""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader import kit

if TYPE_CHECKING:  # imported where used: the pytest plugin reads this module's names at every pytest start-up
    from grader.compare import Diagnosis, Expectation, Tolerance
    from grader.engine import PlannedCheck, ReferenceProvider
    from grader.spec import Case, Exercise

FORMAT = 3  # 3: the operators' values
ENV_VAR = "CALCGRADE_PUBLIC_CHECKS"
INI_OPTION = "calcgrade_public_checks"
DEFAULT_PATH = ".calcgrade/public_checks.json"
CACHE_ENV_VAR = "CALCGRADE_CACHE_DIR"  # where the kit's own public checks' data is kept (default ~/.cache/calcgrade)


class StaleData(Exception):
    """The data file does not describe this grader's public checks (another version or format)."""


# ----- encoding ------------------------------------------------------------------------------


def _wire(value: Any) -> Any:
    """`to_wire`, refusing anything that would not come back as the same value."""
    from grader.plain import to_wire

    wired = to_wire(value)
    if "$unsupported" in json.dumps(wired, allow_nan=True):
        raise TypeError(f"cannot store {type(value).__name__} as plain data: {value!r:.80}")
    return wired


def _case_key(p: PlannedCheck) -> str:
    """A check's input as canonical text, to tell whether a planned check is the one stored."""
    kwargs = {name: _wire(value) for name, value in p.case.kwargs.items()}
    return json.dumps({"args": _wire(p.case.args), "kwargs": kwargs}, sort_keys=True)


def _signature_data(signature: inspect.Signature) -> dict[str, Any]:
    def annotation(value: Any) -> str | None:
        return None if value is inspect.Parameter.empty else inspect.formatannotation(value)

    parameters = []
    for parameter in signature.parameters.values():
        item: dict[str, Any] = {"name": parameter.name, "kind": parameter.kind.name,
                                "annotation": annotation(parameter.annotation)}
        if parameter.default is not inspect.Parameter.empty:
            item["default"] = _wire(parameter.default)
        parameters.append(item)
    return {"text": str(signature), "parameters": parameters,
            "return_annotation": annotation(signature.return_annotation)}


_KINDS = {kind.name: kind for kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                       inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.KEYWORD_ONLY,
                                       inspect.Parameter.VAR_KEYWORD)}


class _Shown:
    """An annotation rebuilt from its text: `inspect` shows it exactly as the solution's was shown."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _signature_from(data: Mapping[str, Any]) -> inspect.Signature:
    from grader.plain import from_wire

    def annotation(text: str | None) -> Any:
        return inspect.Parameter.empty if text is None else _Shown(text)

    empty = inspect.Parameter.empty
    parameters = [inspect.Parameter(item["name"], _KINDS[item["kind"]],
                                    default=from_wire(item["default"]) if "default" in item else empty,
                                    annotation=annotation(item.get("annotation")))
                  for item in data["parameters"]]
    signature = inspect.Signature(parameters, return_annotation=annotation(data.get("return_annotation")))
    if str(signature) != data["text"]:
        raise StaleData(f"signature {data['text']} does not rebuild (got {signature})")
    return signature


def _forms(exercise: Exercise) -> list[str]:
    """Each known mistake's form digest where its formula needs one to be named (`symbolic.cause_forms`), else
    "": the bundle withholds the bodies, and a mistake that changes the formula by a constant factor is named
    only where the student's code reads as its own formula."""
    from grader.diagnosis import SYMBOLIC_EXERCISES

    if exercise.key not in SYMBOLIC_EXERCISES:
        return [""] * len(exercise.misconceptions)
    from grader.diagnosis import symbolic

    forms = symbolic.cause_forms(exercise)
    return [forms.get(m.name, "") for m in exercise.misconceptions]


def _operator_data(p: PlannedCheck, expectation: Expectation) -> str:
    """What the behavioural diagnosis's operators and the known mistakes give on this check, where they need the
    reference's code (`behaviour.stored_values`). Stored as
    compact JSON text inside the data: read only where a failed check needs it (as nested data it would make
    every pytest start-up parse ten times as much)."""
    from grader.diagnosis import AnswerSeen, behaviour

    seen = AnswerSeen(p.case, None, expectation.value, expectation.tolerance)
    reference = json.dumps(_wire(expectation.value), allow_nan=True)
    stored: dict[str, list[list[Any]]] = {}
    for name, items in behaviour.stored_values(p.exercise, seen).items():
        rows = []
        for key, detail, kind, value in items:
            wired = _wire(value)
            if kind == "value" and json.dumps(wired, allow_nan=True) == reference:
                kind, wired = "reference", None  # most variants change nothing on most checks: not stored twice
            rows.append([key, detail, kind, wired])
        stored[name] = rows
    return json.dumps(stored, allow_nan=True, separators=(",", ":"))


def _tolerance_data(tolerance: Tolerance) -> dict[str, Any]:
    return {"rtol": _wire(tolerance.rtol), "atol": _wire(tolerance.atol)}


def _tolerance_from(data: Mapping[str, Any]) -> Tolerance:
    from grader.compare import Tolerance
    from grader.plain import from_wire

    return Tolerance(rtol=from_wire(data["rtol"]), atol=from_wire(data["atol"]))


def public_checks_data(exercises: Sequence[Exercise] | None = None,
                       references: ReferenceProvider | None = None) -> dict[str, Any]:
    """Everything `judge` needs for the public checks of these exercises (default: the whole curriculum,
    from the live kit), as plain JSON-ready data: the exercises themselves (what the students' pytest
    plans and explains with), each check's input, expectations and known mistakes' values, the functions'
    signatures, and the NumPy source of the grader's given functions (what the sandbox passes)."""
    from importlib.metadata import PackageNotFoundError, version

    import numpy as np

    from grader import given
    from grader.curriculum import EXERCISES
    from grader.engine import LIVE, PUBLIC_SEED, plan

    exercises = EXERCISES if exercises is None else exercises
    references = LIVE if references is None else references

    try:
        grader_version = version("calcgrade")
    except PackageNotFoundError:
        grader_version = "unknown"
    checks = []
    for p in plan(exercises, hidden=False):
        expectations = references.expectations(p)
        checks.append({
            "exercise": p.exercise.key,
            "label": p.label,
            "case": json.loads(_case_key(p)),
            "check_mutation": p.case.check_mutation,
            "counts_with": next(check.counts_with for check in p.exercise.checks if check.label == p.label),
            "expectations": [{"value": _wire(e.value), "tolerance": _tolerance_data(e.tolerance), "source": e.source}
                             for e in expectations],
            "mistakes": [{"name": diagnosis.name, "value": _wire(value)}
                         for diagnosis, value in references.mistake_values(p)],
            "operators": _operator_data(p, expectations[-1]),
        })
    return {
        "format": FORMAT,
        "public_seed": PUBLIC_SEED,
        "calcgrade_version": grader_version,
        "numpy_version": np.__version__,
        "functions": {e.key: {"signature": _signature_data(references.signature(e))} for e in exercises},
        "exercises": [{"module": e.module, "function": e.function, "points": e.points, "hint": e.hint,
                       "call_seconds": e.call_seconds, "returns": list(e.returns),
                       "return_sizes": list(e.return_sizes), "by_hand": e.by_hand,
                       "differentiates": e.differentiates,
                       "evaluates_differentiated": e.evaluates_differentiated,
                       "held_alike": list(e.held_alike),
                       "misconceptions": [{"name": m.name, "hint": m.hint, "form": form}
                                          for m, form in zip(e.misconceptions, _forms(e), strict=True)]}
                      for e in exercises],
        "given": given.numpy_sources(),
        "checks": checks,
    }


def write(path: Path, data: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, allow_nan=True) + "\n", encoding="utf-8")


# ----- serving -------------------------------------------------------------------------------


class PrecomputedReferences:
    """A `ReferenceProvider` answering from release-time data: public checks only, no kit needed."""

    def __init__(self, data: Mapping[str, Any], origin: str = "<data>") -> None:
        from grader.engine import PUBLIC_SEED

        if data.get("format") != FORMAT or data.get("public_seed") != PUBLIC_SEED:
            raise StaleData(f"{origin}: format {data.get('format')!r} / seed {data.get('public_seed')!r}, "
                            f"this grader reads format {FORMAT} / seed {PUBLIC_SEED!r}")
        self.origin = origin
        self._signatures = {key: _signature_from(item["signature"]) for key, item in data["functions"].items()}
        self._checks: dict[tuple[str, str], Mapping[str, Any]] = {
            (item["exercise"], item["label"]): item for item in data["checks"]}
        self.data = data

    @classmethod
    def load(cls, path: Path) -> PrecomputedReferences:
        return cls(json.loads(path.read_text(encoding="utf-8")), str(path))

    def _entry(self, p: PlannedCheck) -> Mapping[str, Any]:
        item = self._checks.get((p.exercise.key, p.label)) if p.visibility == "public" else None
        if item is None:
            raise LookupError(f"{self.origin} has no data for {p.exercise.key}: {p.label} ({p.visibility})")
        if json.dumps(item["case"], sort_keys=True) != _case_key(p):
            raise StaleData(f"{self.origin}: the input of {p.exercise.key}: {p.label} differs from this grader's")
        return item

    def expectations(self, p: PlannedCheck) -> list[Expectation]:
        from grader.compare import Expectation
        from grader.plain import from_wire

        return [Expectation(from_wire(e["value"]), _tolerance_from(e["tolerance"]), e["source"])
                for e in self._entry(p)["expectations"]]

    def signature(self, exercise: Exercise) -> inspect.Signature:
        try:
            return self._signatures[exercise.key]
        except KeyError:
            raise LookupError(f"{self.origin} has no signature for {exercise.key}") from None

    def mistake_values(self, p: PlannedCheck) -> list[tuple[Diagnosis, Any]]:
        from grader.plain import from_wire

        known = {m.name: m.diagnosis for m in p.exercise.misconceptions}
        candidates = []
        for item in self._entry(p)["mistakes"]:
            if item["name"] not in known:
                raise StaleData(f"{self.origin}: {p.exercise.key} has no known mistake {item['name']!r}")
            candidates.append((known[item["name"]], from_wire(item["value"])))
        return candidates

    def stored_values(self, p: PlannedCheck) -> dict[str, list[tuple[str, str, str, Any]]] | None:
        """The operators' and known mistakes' values on this public check, as the release stored them (None for
        data without them)."""
        from grader.plain import from_wire

        stored = self._entry(p).get("operators")
        if stored is None:
            return None
        reference = self.expectations(p)[-1].value
        return {name: [(key, detail, "value", reference) if kind == "reference" else (key, detail, kind,
                                                                                        from_wire(value))
                       for key, detail, kind, value in items]
                for name, items in json.loads(stored).items()}

    def problems(self, exercises: Iterable[Exercise] | None = None) -> list[str]:
        """Why this data cannot grade these exercises' public checks (default: the curriculum's; empty when it can)."""
        from grader.curriculum import EXERCISES
        from grader.engine import plan

        exercises = EXERCISES if exercises is None else exercises
        found = []
        for p in plan(exercises, hidden=False):
            try:
                self._entry(p)
                self.signature(p.exercise)
            except (LookupError, StaleData) as error:
                found.append(str(error))
        return found


def locate(rootdir: Path, configured: str | None, environ: Mapping[str, str]) -> Path:
    """Where the data file should be: `$CALCGRADE_PUBLIC_CHECKS`, else the ini option, relative to rootdir."""
    chosen = environ.get(ENV_VAR) or configured or DEFAULT_PATH
    path = Path(chosen).expanduser()
    return path if path.is_absolute() else rootdir / path



# ----- the kit's own data, for the students' pytest in a checkout or the instructor's distribution ---------


def exercises_from(data: Mapping[str, Any]) -> tuple[Exercise, ...]:
    """The exercises as the data describes them, enough to plan and judge their public checks without the
    curriculum (so without SymPy): each check draws the stored input, nothing is expected but the stored
    values (`PrecomputedReferences`), and known mistakes keep their names and hints, not their bodies."""
    from grader.plain import from_wire
    from grader.spec import Case, Check, Exercise, Misconception

    cases: dict[str, list[Check]] = {}
    for item in data["checks"]:
        case = Case(tuple(from_wire(item["case"]["args"])),
                    {name: from_wire(value) for name, value in item["case"]["kwargs"].items()},
                    bool(item.get("check_mutation", False)))
        cases.setdefault(item["exercise"], []).append(Check(item["label"], _StoredCase(case),
                                                            counts_with=str(item.get("counts_with") or "")))
    return tuple(
        Exercise(e["module"], e["function"], e["points"], tuple(cases[f"{e['module']}.{e['function']}"]), (),
                 e["hint"], tuple(Misconception(m["name"], m["hint"], "", m.get("form", ""))
                                  for m in e["misconceptions"]),
                 call_seconds=e["call_seconds"], returns=tuple(e.get("returns", ())),
                 return_sizes=tuple(e.get("return_sizes", ())),
                 by_hand=e.get("by_hand") is True, differentiates=str(e.get("differentiates") or ""),
                 evaluates_differentiated=e.get("evaluates_differentiated") is not False,
                 held_alike=tuple(str(name) for name in e.get("held_alike") or ()))
        for e in data["exercises"])


def with_forms(exercises: Sequence[Exercise], data: Mapping[str, Any]) -> tuple[Exercise, ...]:
    """The exercises with each known mistake's form digest from the data: a bundle's curriculum withholds the
    mistakes' bodies, and the form is what names a mistake that scales the formula only where the student's
    code reads as it (`symbolic.cause_forms`)."""
    forms = {(f"{e['module']}.{e['function']}", m["name"]): m.get("form", "")
             for e in data["exercises"] for m in e["misconceptions"]}
    return tuple(replace(e, misconceptions=tuple(replace(m, form=forms.get((e.key, m.name), m.form))
                                                 for m in e.misconceptions)) for e in exercises)


class _StoredCase:
    """A check's input generator that gives the stored input, whatever the random generator."""

    def __init__(self, case: Case) -> None:
        self.case = case

    def __call__(self, rng: object) -> Case:
        return self.case


def kit_digest() -> str:
    """What the kit's public checks' data follows from: the grader's code, the reference solutions, and the
    versions of Python, NumPy and SymPy (read from their files, without importing them)."""
    digest = hashlib.sha256(f"{FORMAT}|{sys.version_info[:2]}".encode())
    files = sorted(kit.GRADER_DIR.rglob("*.py")) + [kit.SOLUTIONS_DIR / f"{module}.py" for module in kit.MODULES]
    for package, version_file in (("numpy", "version.py"), ("sympy", "release.py")):
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.origin:
            files.append(Path(spec.origin).parent / version_file)
    for path in files:
        digest.update(str(path.name).encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"<missing>")
    return digest.hexdigest()[:32]


def cache_folder(environ: Mapping[str, str] = os.environ) -> Path:
    """`$CALCGRADE_CACHE_DIR`, else `$XDG_CACHE_HOME/calcgrade`, else `~/.cache/calcgrade`."""
    if environ.get(CACHE_ENV_VAR):
        return Path(environ[CACHE_ENV_VAR]).expanduser()
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "calcgrade"


def kit_data(environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """The kit's public checks' data: read from the cache when the kit is unchanged since it was written,
    else computed from the live kit (SymPy and the reference solutions, about a second) and cached.
    The cache holds only what any student's public checks show; a cache that cannot be written is skipped."""
    path = cache_folder(environ) / f"public-checks-{kit_digest()}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    data = public_checks_data()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=".public-checks-",
                                         delete=False) as handle:
            handle.write(json.dumps(data, allow_nan=True))
        os.replace(handle.name, path)  # whole or not at all, even with two pytest runs at once
    except OSError:
        pass
    else:  # one file kept: those of earlier kits (each edit or upgrade of the kit) are removed (QA round 59, 13)
        for stale in path.parent.glob("public-checks-*.json"):
            if stale != path:
                stale.unlink(missing_ok=True)
    return data
