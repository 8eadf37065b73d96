"""The class report and the per-student feedback pages, as self-contained HTML.

The instructor's report summarises a class's `SubmissionResult`s: the score distribution, each
exercise's pass rate, and the misconceptions the hints named most often; it links to one feedback
page per student. Every page works offline (no CDN, no external CSS, JS or fonts): the charts are
SVG documents written here (shapes and escaped text only) and embedded as base64 data URIs. Student ids and messages
are student-controlled, so every one of them is HTML-escaped (and an id's control characters, bidirectional
overrides and undecodable bytes are shown as escape sequences, `grader.terminal`); instructor messages never
appear.
"""

from __future__ import annotations

import base64
import functools
import html
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import numpy as np

from grader.compare import KNOWN_FACTORS, OTHER_FACTOR
from grader.spec import CheckResult, ExerciseResult, SubmissionResult
from grader.terminal import shown_id

# Diagnoses that report what happened to a call rather than name a mistake in the mathematics.
STATUS_DIAGNOSES = frozenset({"not implemented", "missing", "error", "timeout", "died", "load_error", "skipped",
                              "mutated input"})
NOT_LOADED = frozenset({"missing", "load_error"})
CRASHED = frozenset({"error", "timeout", "died", "skipped"})
TOP_MISCONCEPTIONS = 15
_FACTOR = re.compile(r"^constant factor (\S+)$")

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2rem auto;
       max-width: 70rem; padding: 0 1rem; color: #1f2328; line-height: 1.4; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; }
.cards { display: flex; flex-wrap: wrap; gap: .8rem; margin: 1rem 0; }
.card { border: 1px solid #d0d7de; border-radius: 6px; padding: .6rem 1rem; min-width: 8rem; }
.card .value { font-size: 1.6rem; font-weight: 600; } .card .label { color: #57606a; font-size: .9rem; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .95rem; }
th, td { border: 1px solid #d0d7de; padding: .25rem .6rem; text-align: left; }
th { background: #f6f8fa; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #fafbfc; }
img { max-width: 100%; height: auto; display: block; margin: .8rem 0; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: .6rem;
      white-space: pre-wrap; word-break: break-word; }
.passed { color: #1a7f37; } .failed { color: #cf222e; } .muted { color: #57606a; }
"""


# ----- the class report ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _ExerciseStats:
    """One exercise across the class: how many graded, passed fully, and stopped early."""

    key: str
    max_score: float
    students: int
    passed: int
    mean_fraction: float
    not_implemented: int
    not_loaded: int
    crashed: int


def write_report(results: Sequence[SubmissionResult], out_dir: Path, *, title: str = "calcgrade class report") -> Path:
    """Write `out_dir/report.html`, the class overview, and return its path.

    The page links to `<student>/feedback.html` for each student (see `write_student_feedback`);
    it writes only the report itself, so the caller decides where feedback pages go.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    scores = [result.score for result in results]
    max_score = max((result.max_score for result in results), default=0.0)
    exercises = _exercise_stats(results)
    misconceptions, seen_in = _misconceptions(results)

    parts = [f"<h1>{html.escape(title)}</h1>", _summary(scores, max_score)]
    if results:
        parts += [
            '<section id="distribution"><h2>Score distribution</h2>',
            _img(_histogram(scores, max_score), "Histogram of the students' total scores"),
            "</section>",
            '<section id="exercises"><h2>Exercises</h2>',
            _img(_pass_rate_chart(exercises), "Share of students who passed each exercise fully"),
            _exercise_table(exercises),
            "</section>",
            '<section id="misconceptions"><h2>Most frequent misconceptions</h2>',
            _misconception_section(misconceptions, seen_in),
            "</section>",
            '<section id="students"><h2>Students</h2>',
            _student_table(results),
            "</section>",
        ]
    else:
        parts.append('<p class="muted">No submissions to report on.</p>')
    path = out_dir / "report.html"
    path.write_text(_page(title, "\n".join(parts)), encoding="utf-8", errors="backslashreplace")
    return path


def _exercise_stats(results: Sequence[SubmissionResult]) -> list[_ExerciseStats]:
    """Per exercise, in the order the results list them (the curriculum's order): one pass over the
    checks of every student, each exercise's score summed once."""
    tallies: dict[str, _Tally] = {}
    for result in results:
        for exercise in result.exercises:
            tally = tallies.get(exercise.exercise)
            if tally is None:
                tally = tallies[exercise.exercise] = _Tally()
            checks = exercise.checks
            found = {check.diagnosis for check in checks}
            tally.max_score = max(tally.max_score, exercise.max_score) if tally.fractions else exercise.max_score
            tally.passed += bool(checks) and all(check.passed for check in checks)
            tally.fractions.append(sum(check.score for check in checks) / exercise.max_score
                                   if exercise.max_score else 0.0)
            tally.not_implemented += "not implemented" in found
            tally.not_loaded += not found.isdisjoint(NOT_LOADED)
            tally.crashed += not found.isdisjoint(CRASHED)
    return [_ExerciseStats(key=key, max_score=tally.max_score, students=len(tally.fractions), passed=tally.passed,
                           mean_fraction=float(np.mean(tally.fractions)), not_implemented=tally.not_implemented,
                           not_loaded=tally.not_loaded, crashed=tally.crashed)
            for key, tally in tallies.items()]


class _Tally:
    """One exercise's counts while the results are read."""

    __slots__ = ("max_score", "passed", "fractions", "not_implemented", "not_loaded", "crashed")

    def __init__(self) -> None:
        self.max_score = 0.0
        self.passed = self.not_implemented = self.not_loaded = self.crashed = 0
        self.fractions: list[float] = []


@functools.lru_cache(maxsize=4096)
def _misconception_names(diagnosis: str) -> frozenset[str]:
    """The mistakes a diagnosis names: " or " splits several; statuses are left out; fitted factors
    that are not a known factor (they depend on the data, e.g. 1/n) are pooled as one name. A class
    repeats a few diagnoses many times: each is parsed once (cached)."""
    names = set()
    for name in (part.strip() for part in diagnosis.split(" or ")):
        if not name or name in STATUS_DIAGNOSES:
            continue
        match = _FACTOR.match(name)
        if match and not _is_known_factor(match.group(1)):
            name = OTHER_FACTOR
        names.add(name)
    return frozenset(names)


def _is_known_factor(text: str) -> bool:
    try:
        value = float(text)
    except ValueError:
        return False
    return any(abs(value - factor) <= 1e-6 for factor in KNOWN_FACTORS)


def _misconceptions(results: Iterable[SubmissionResult]) -> tuple[Counter[str], dict[str, set[str]]]:
    """Students per misconception name (each student counted once per name), and where each was seen."""
    counts: Counter[str] = Counter()
    seen_in: dict[str, set[str]] = defaultdict(set)
    for result in results:
        names: set[str] = set()
        for exercise in result.exercises:
            for check in exercise.checks:
                if check.passed or not check.diagnosis:
                    continue
                found = _misconception_names(check.diagnosis)
                if found:
                    names |= found
                    for name in found:
                        seen_in[name].add(exercise.exercise)
        counts.update(names)
    return counts, seen_in


# ----- figures -------------------------------------------------------------------------------------


class _Chart:
    """A chart drawn as an SVG document: rectangles, lines and escaped text, nothing else (no script, no link),
    shown through an `<img>` data URI. Written by hand because it is quick whatever the class size: a plotting
    library's figures, layout and PNG encoding cost the class report most of a second per batch."""

    def __init__(self, width: int, height: int, title: str):
        self.width, self.height = width, height
        self.parts = [f'<rect width="{width}" height="{height}" fill="white"/>',
                      self.text(width / 2, 20, title, size=14, anchor="middle")]

    @staticmethod
    def text(x: float, y: float, content: str, *, size: int = 11, anchor: str = "start", rotate: bool = False,
             colour: str = "#1f2328") -> str:
        turned = f' transform="rotate(-90 {x:.1f} {y:.1f})"' if rotate else ""
        return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{colour}"{turned}>'
                f"{html.escape(content)}</text>")

    def add(self, *parts: str) -> None:
        self.parts.extend(parts)

    def encoded(self) -> str:
        """The document as base64 (for a data URI)."""
        document = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" height="{self.height}" '
                    f'viewBox="0 0 {self.width} {self.height}" font-family="Helvetica, Arial, sans-serif">'
                    + "".join(self.parts) + "</svg>")
        return base64.b64encode(document.encode("utf-8")).decode("ascii")


def _ticks(top: float, count: int = 5, integer: bool = False) -> list[float]:
    """About `count` round tick values from 0 to `top` (whole numbers where `integer`)."""
    if top <= 0:
        return [0.0]
    raw = top / count
    magnitude = 10 ** np.floor(np.log10(raw))
    step = next(magnitude * factor for factor in (1, 2, 2.5, 5, 10) if magnitude * factor >= raw)
    if integer:
        step = max(1.0, float(np.ceil(step)))
    return [float(step * index) for index in range(int(top / step + 1e-9) + 1)]


def _label_width(labels: Iterable[str], size: int) -> float:
    """Room for the longest label, from an average character width (the viewer's font decides the rest)."""
    return 0.58 * size * max((len(label) for label in labels), default=0)


def _histogram(scores: Sequence[float], max_score: float) -> str:
    top = max_score or max(scores, default=1.0) or 1.0
    chart = _Chart(880, 374, f"Score distribution ({len(scores)} students)")
    left, right, upper, lower = 60.0, 720.0, 36.0, 324.0
    counts, _ = np.histogram(np.round(np.clip(scores, 0, top), 6), bins=np.linspace(0, top, 21))
    highest = max(int(counts.max(initial=0)), 1)
    y_ticks = _ticks(highest, integer=True)
    if y_ticks[-1] < highest:  # one more tick above the highest bar
        y_ticks.append(y_ticks[-1] + (y_ticks[1] if len(y_ticks) > 1 else 1.0))
    y_top = y_ticks[-1]

    def x_at(value: float) -> float:
        return left + (right - left) * value / top

    def y_at(value: float) -> float:
        return lower - (lower - upper) * value / y_top

    for tick in y_ticks:
        chart.add(f'<line x1="{left}" x2="{right}" y1="{y_at(tick):.1f}" y2="{y_at(tick):.1f}" stroke="#eaeef2"/>',
                  chart.text(left - 6, y_at(tick) + 4, f"{tick:g}", anchor="end"))
    width = (right - left) / 20
    for index, count in enumerate(counts):
        if count:
            chart.add(f'<rect x="{left + index * width + 0.5:.1f}" y="{y_at(count):.1f}" width="{width - 1:.1f}" '
                      f'height="{lower - y_at(count):.1f}" fill="#4c72b0"/>')
    for tick in _ticks(top):
        chart.add(chart.text(x_at(tick), lower + 16, _points(tick), anchor="middle"))
    mean, median = float(np.mean(scores)), float(np.median(scores))
    for value, colour, dashes, name, row in ((mean, "#dd8452", "6 4", f"mean {mean:.1f}", 0),
                                             (median, "#55a868", "2 3", f"median {median:.1f}", 1)):
        x, key = x_at(min(max(value, 0.0), top)), upper + 12 + 20 * row  # its line, and its row in the legend
        chart.add(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{upper}" y2="{lower}" stroke="{colour}" stroke-width="2" '
                  f'stroke-dasharray="{dashes}"/>',
                  f'<line x1="{right + 20}" x2="{right + 50}" y1="{key}" y2="{key}" stroke="{colour}" '
                  f'stroke-width="2" stroke-dasharray="{dashes}"/>',
                  chart.text(right + 56, key + 4, name))
    chart.add(f'<line x1="{left}" x2="{right}" y1="{lower}" y2="{lower}" stroke="#57606a"/>',
              f'<line x1="{left}" x2="{left}" y1="{upper}" y2="{lower}" stroke="#57606a"/>',
              chart.text((left + right) / 2, lower + 38, f"total score (out of {_points(top)})", anchor="middle"),
              chart.text(18, (upper + lower) / 2, "students", anchor="middle", rotate=True))
    return chart.encoded()


def _bar_chart(title: str, labels: Sequence[str], values: Sequence[float], top: float, ticks: Sequence[float],
               shown: Sequence[str], axis: str, colour: str) -> str:
    """Horizontal bars, one per label, top to bottom, each with its value written after it."""
    row = 26.0
    labels = [_label(label) for label in labels]
    left = 16 + _label_width(labels, 10)
    right, upper = 860.0, 36.0
    lower = upper + row * len(labels)
    chart = _Chart(880, int(lower + 52), title)

    def x_at(value: float) -> float:
        return left + (right - left) * value / top

    for tick in ticks:
        chart.add(f'<line x1="{x_at(tick):.1f}" x2="{x_at(tick):.1f}" y1="{upper}" y2="{lower}" stroke="#eaeef2"/>',
                  chart.text(x_at(tick), lower + 16, f"{tick:g}", anchor="middle"))
    for index, (label, value, text) in enumerate(zip(labels, values, shown, strict=True)):
        y = upper + row * index
        chart.add(chart.text(left - 6, y + row / 2 + 4, label, size=10, anchor="end"),
                  f'<rect x="{left}" y="{y + 4:.1f}" width="{max(x_at(value) - left, 0.0):.1f}" height="{row - 8}" '
                  f'fill="{colour}"/>',
                  chart.text(x_at(value) + 4, y + row / 2 + 4, text, size=10))
    chart.add(f'<line x1="{left}" x2="{left}" y1="{upper}" y2="{lower}" stroke="#57606a"/>',
              chart.text((left + right) / 2, lower + 38, axis, anchor="middle"))
    return chart.encoded()


def _pass_rate_chart(stats: Sequence[_ExerciseStats]) -> str:
    rates = [100 * stat.passed / stat.students if stat.students else 0.0 for stat in stats]
    return _bar_chart("Pass rate per exercise", [stat.key for stat in stats], [min(rate, 100) for rate in rates],
                      110, range(0, 101, 20), [f"{rate:.0f}%" for rate in rates],
                      "students who passed every check (%)", "#4c72b0")


def _misconception_chart(counts: Counter[str]) -> str:
    common = _most_common(counts)[:TOP_MISCONCEPTIONS]
    values = [count for _, count in common]
    shown = f"top {len(common)} of {len(counts)}" if len(common) < len(counts) else f"{len(counts)} named"
    return _bar_chart(f"Most frequent misconceptions ({shown})", [name for name, _ in common], values,
                      max(values) * 1.08, _ticks(max(values), integer=True), [str(count) for count in values],
                      "students whose answers the hint named", "#c44e52")


def _most_common(counts: Counter[str]) -> list[tuple[str, int]]:
    """Most students first; ties in alphabetical order, so the report is the same on every run."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _label(text: str, width: int = 48) -> str:
    """A chart's label, shortened if very long."""
    return text if len(text) <= width else text[: width - 1] + "…"


# ----- HTML pieces ---------------------------------------------------------------------------------


def _summary(scores: Sequence[float], max_score: float) -> str:
    cards = [("students", str(len(scores)))]
    if scores:
        cards += [("mean score", _points(statistics.fmean(scores), 1)),
                  ("median score", _points(statistics.median(scores), 1)),
                  ("highest score", _points(max(scores), 1)),
                  ("lowest score", _points(min(scores), 1))]
    cards.append(("max score", _points(max_score)))
    body = "".join(f'<div class="card"><div class="value">{html.escape(value)}</div>'
                   f'<div class="label">{html.escape(label)}</div></div>' for label, value in cards)
    return f'<section id="summary"><div class="cards">{body}</div></section>'


def _exercise_table(stats: Sequence[_ExerciseStats]) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(stat.key)}</td><td class=num>{_points(stat.max_score)}</td>"
        f"<td class=num>{_percent(stat.passed, stat.students)}</td>"
        f"<td class=num>{100 * stat.mean_fraction:.0f}%</td>"
        f"<td class=num>{stat.not_implemented}</td><td class=num>{stat.not_loaded}</td>"
        f"<td class=num>{stat.crashed}</td></tr>"
        for stat in stats)
    return ("<table><thead><tr><th>exercise</th><th class=num>points</th><th class=num>passed fully</th>"
            "<th class=num>mean points</th><th class=num>not implemented</th>"
            "<th class=num>missing / not loaded</th><th class=num>errors / time-outs</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
            '<p class="muted">The last three columns count students with at least one such check.</p>')


def _misconception_section(counts: Counter[str], seen_in: dict[str, set[str]]) -> str:
    if not counts:
        return '<p class="muted">No known misconception was named in this class.</p>'
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td class=num>{count}</td>"
        f"<td>{html.escape(', '.join(sorted(seen_in[name])))}</td></tr>"
        for name, count in _most_common(counts))
    return (_img(_misconception_chart(counts), "Number of students per misconception named by the hints")
            + "<table><thead><tr><th>misconception</th><th class=num>students</th><th>in exercises</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>")


def _student_table(results: Sequence[SubmissionResult]) -> str:
    rows = []
    for result in sorted(results, key=lambda r: r.student):
        passed = sum(exercise.passed for exercise in result.exercises)
        rows.append(
            f"<tr><td>{html.escape(shown_id(result.student))}</td><td class=num>{_points(result.score, 1)}</td>"
            f"<td class=num>{_points(result.max_score)}</td>"
            f"<td class=num>{passed} / {len(result.exercises)}</td>"
            f'<td><a href="{feedback_href(result.student)}">feedback</a></td></tr>')
    return ("<table><thead><tr><th>student</th><th class=num>score</th><th class=num>max</th>"
            "<th class=num>exercises passed</th><th>feedback</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def feedback_href(student: str) -> str:
    """The relative link to a student's feedback page, URL-escaped and safe inside an attribute."""
    return html.escape(quote(student.encode("utf-8", "surrogateescape"), safe="") + "/feedback.html")


def _img(svg_base64: str, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="data:image/svg+xml;base64,{svg_base64}">'


def _page(title: str, body: str) -> str:
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>\n"
            f"<body>\n{body}\n</body></html>\n")


def _points(value: float, digits: int = 2) -> str:
    return f"{round(value, digits):g}"


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


# ----- one student's feedback ----------------------------------------------------------------------


def write_student_feedback(result: SubmissionResult, path: Path) -> None:
    """Write one student's feedback page: their score, a table of each exercise's points, then for
    every exercise not fully passed the messages meant for them (an identical message is shown once
    with the checks it applies to). Instructor messages are never included."""
    rows, sections = [], []
    for exercise in result.exercises:
        anchor = html.escape(exercise.exercise)
        failed = [check for check in exercise.checks if not check.passed]
        if exercise.passed:  # its note, if any, says where an error carried forward from is
            name, status = anchor, '<span class="passed">passed</span>' + (
                f' <span class="muted">({html.escape(exercise.note)})</span>' if exercise.note else "")
        else:
            name = f'<a href="#{anchor}">{anchor}</a>'
            status = f'<span class="failed">{len(failed)} of {len(exercise.checks)} checks failed</span>'
            sections.append(_failed_exercise(exercise, failed))
        rows.append(f"<tr><td>{name}</td><td class=num>{_points(exercise.score)} / {_points(exercise.max_score)}"
                    f"</td><td>{status}</td></tr>")
    title = f"Feedback for {shown_id(result.student)}"
    body = [f"<h1>{html.escape(title)}</h1>",
            f'<div class="cards"><div class="card"><div class="value">{_points(result.score, 1)} / '
            f'{_points(result.max_score)}</div><div class="label">score</div></div></div>',
            *(f"<p>{html.escape(note)}</p>" for note in result.notes),
            "<table><thead><tr><th>exercise</th><th class=num>points</th><th>result</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>",
            *sections]
    if result.exercises and not sections:
        body.append('<p class="passed">Every check passed.</p>')
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_page(title, "\n".join(body)), encoding="utf-8", errors="backslashreplace")


def _failed_exercise(exercise: ExerciseResult, failed: Sequence[CheckResult]) -> str:
    """One exercise's section of the feedback page: its note, then each distinct student message."""
    parts = [f'<section id="{html.escape(exercise.exercise)}"><h2>{html.escape(exercise.exercise)} '
             f'<span class="failed">{_points(exercise.score)} / {_points(exercise.max_score)}</span></h2>']
    if exercise.note:
        parts.append(f"<p>{html.escape(exercise.note)}</p>")
    by_message: dict[str, list[str]] = defaultdict(list)
    for check in failed:
        by_message[check.student_message].append(check.label + (" (hidden)" if check.visibility == "hidden" else ""))
    for message, labels in by_message.items():
        parts.append(f"<p>check{'s' if len(labels) > 1 else ''}: {html.escape('; '.join(labels))}</p>"
                     f"<pre>{html.escape(message)}</pre>")
    return "".join(parts) + "</section>"
