"""The class report and the feedback pages, built from submissions graded by the real engine."""

from __future__ import annotations

import base64
import dataclasses
import html
import re
from collections import Counter
from urllib.parse import quote

import pytest

from grader import kit
from grader import report as report_module
from grader.engine import grade_sources
from grader.report import write_report, write_student_feedback
from grader.spec import CheckResult, ExerciseResult, SubmissionResult

HOSTILE = "<script>alert(1)</script>"
MEAN_SSE = "return float(np.mean((y - (m * x + c))**2))"


@pytest.fixture(scope="module")
def results(sandbox, solution_sources) -> list[SubmissionResult]:
    """Reference solutions, stubs only, and the SSE computed as a mean (under a hostile student id)."""
    stubs = {module: kit.stub_source(source) for module, source in solution_sources.items()}
    mistaken = {**solution_sources, "linear_model": kit.variant_source("linear_model", "sse", MEAN_SSE)}
    submissions = {"alice": solution_sources, "bob smith": stubs, HOSTILE: mistaken}
    return [grade_sources(sources, sandbox, student=student, hidden=True, course_seed="report-tests")
            for student, sources in submissions.items()]


@pytest.fixture(scope="module")
def report(results, tmp_path_factory) -> str:
    path = write_report(results, tmp_path_factory.mktemp("report"))
    assert path.name == "report.html" and path.is_file()
    return path.read_text(encoding="utf-8")


def _section(page: str, name: str) -> str:
    match = re.search(rf'<section id="{name}">(.*?)</section>', page, re.S)
    assert match, f"no section {name}"
    return match.group(1)


def test_the_results_are_what_the_report_is_about(results):
    alice, bob, hostile = results
    assert alice.score == pytest.approx(alice.max_score)
    assert bob.score == 0
    assert any("mean instead of sum" in check.diagnosis for check in hostile.exercise("linear_model.sse").checks)


def test_report_loads_nothing_from_the_network(report):
    assert "http://" not in report and "https://" not in report
    assert not re.search(r"<script[^>]*\bsrc\s*=", report, re.I)
    assert not re.search(r"<link\b", report, re.I)
    assert not re.search(r"""<img[^>]*\bsrc\s*=\s*(?!["']?data:)""", report, re.I)
    assert "@import" not in report and "url(" not in report


def test_report_embeds_its_charts_as_svg_images(report):
    """Three charts, each an SVG document of shapes and text only, shown through an image (which runs nothing)."""
    import xml.etree.ElementTree as ElementTree

    images = re.findall(r'<img [^>]*src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', report)
    assert len(images) >= 3
    for image in images:
        root = ElementTree.fromstring(base64.b64decode(image))
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert {element.tag.split("}")[1] for element in root.iter()} <= {"svg", "rect", "line", "text"}


def test_chart_labels_are_escaped(tmp_path):
    """A misconception's name reaches a chart as text, never as markup."""
    import xml.etree.ElementTree as ElementTree

    named = 'a <script>alert(1)</script> & "b"'
    chart = base64.b64decode(report_module._misconception_chart(Counter({named: 3}))).decode()
    texts = [element.text for element in ElementTree.fromstring(chart).iter("{http://www.w3.org/2000/svg}text")]
    assert named in texts and "<script" not in chart


def test_report_summarises_the_class(results, report):
    summary = _section(report, "summary")
    assert re.search(r'<div class="value">3</div><div class="label">students</div>', summary)
    assert re.search(r'<div class="value">100</div><div class="label">max score</div>', summary)
    exercises = _section(report, "exercises")
    for exercise in results[0].exercises:
        assert html.escape(exercise.exercise) in exercises
    # alice passes every exercise and bob none; the mistaken SSE fails linear_model.sse only among its checks
    assert re.search(r"<td>linear_model\.sse</td><td class=num>4</td><td class=num>33%</td>", exercises)
    assert re.search(r"<td>linear_model\.predict</td><td class=num>2</td><td class=num>67%</td>", exercises)


def test_report_names_the_misconceptions_but_not_the_statuses(report):
    misconceptions = _section(report, "misconceptions")
    assert re.search(r"<td>mean instead of sum</td><td class=num>1</td>", misconceptions)
    assert "not implemented" not in misconceptions  # a status, shown in the exercise table instead
    assert "<th class=num>not implemented</th>" in _section(report, "exercises")


def test_report_links_every_student_to_their_feedback_page(results, report):
    students = _section(report, "students")
    for result in results:
        assert f'href="{html.escape(quote(result.student, safe=""))}/feedback.html"' in students
    assert 'href="bob%20smith/feedback.html"' in students
    assert 'href="%3Cscript%3Ealert%281%29%3C%2Fscript%3E/feedback.html"' in students


def test_report_escapes_student_ids(report):
    assert HOSTILE not in report
    assert "<script" not in report.lower()
    assert html.escape(HOSTILE) in _section(report, "students")


def test_report_with_no_results(tmp_path):
    page = write_report([], tmp_path / "empty", title="Empty <class>").read_text(encoding="utf-8")
    assert "No submissions" in page and "Empty &lt;class&gt;" in page


def test_feedback_page_shows_student_messages_and_never_instructor_messages(results, tmp_path):
    hostile = results[2]
    path = tmp_path / "feedback.html"
    write_student_feedback(hostile, path)
    page = path.read_text(encoding="utf-8")
    failed = [check for exercise in hostile.exercises for check in exercise.checks if not check.passed]
    assert failed
    for check in failed:
        assert f"<pre>{html.escape(check.student_message)}</pre>" in page
        assert check.instructor_message and check.instructor_message not in page
    assert "the SSE is the SUM of the squared errors" in page
    assert HOSTILE not in page and html.escape(HOSTILE) in page
    assert re.search(r"linear_model\.sse <span class=\"failed\">0 / 4</span>", page)  # a mean: wrong on every check


def test_feedback_page_escapes_messages_and_notes(tmp_path):
    check = CheckResult("m.f", "a <b>label</b>", "public", False, 0.0, 1.0,
                        student_message="returned: <img src=x onerror=alert(1)> & 'more'",
                        instructor_message="SECRET instructor detail", diagnosis="error")
    result = SubmissionResult("eve", (ExerciseResult("m.f", (check,), 1.0, note="m.py <broke>"),),
                              notes=("late & <b>bold</b>",))
    path = tmp_path / "eve" / "feedback.html"
    write_student_feedback(result, path)
    page = path.read_text(encoding="utf-8")
    assert "<img" not in page and "<b>" not in page
    assert "returned: &lt;img src=x onerror=alert(1)&gt; &amp; &#x27;more&#x27;" in page
    assert "m.py &lt;broke&gt;" in page and "late &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "SECRET" not in page


def test_feedback_page_of_a_full_score(results, tmp_path):
    path = tmp_path / "feedback.html"
    write_student_feedback(results[0], path)
    page = path.read_text(encoding="utf-8")
    assert "<pre>" not in page and "Every check passed" in page


def test_report_for_300_students_links_each_once(results, tmp_path):
    many = [dataclasses.replace(results[i % len(results)], student=f"student{i:03d}") for i in range(300)]
    page = write_report(many, tmp_path).read_text(encoding="utf-8")
    assert page.count("/feedback.html") == 300


def test_pages_and_results_are_written_for_a_student_id_that_is_not_utf8(tmp_path):
    """Bug: a folder name with an invalid byte (decoded as a lone surrogate) stopped the batch when written."""
    from grader.batch import BatchOptions, grade_batch
    from grader.kit import solution_source

    name = b"bad\xff".decode("utf-8", "surrogateescape")
    (tmp_path / "subs" / name).mkdir(parents=True)
    (tmp_path / "subs" / name / "derivatives.py").write_text(solution_source("derivatives"))
    summary = grade_batch(tmp_path / "subs", tmp_path / "out", BatchOptions())
    assert [result.student for result in summary.results] == [name]
    assert (tmp_path / "out" / name / "results.json").exists() and (tmp_path / "out" / "report.html").exists()


def test_control_characters_in_a_student_id_are_shown_escaped_in_the_pages(tmp_path):
    """An id's escape sequences, bidirectional override and undecodable byte are shown, not acted on."""
    student = "eve\x1b[31m\u202e<b>" + b"\xff".decode("utf-8", "surrogateescape")
    result = SubmissionResult(student, ())
    page = write_report([result], tmp_path).read_text(encoding="utf-8")
    write_student_feedback(result, tmp_path / "feedback.html")
    feedback = (tmp_path / "feedback.html").read_text(encoding="utf-8")
    for text in (_section(page, "students"), feedback):
        assert "eve\\x1b[31m\\u202e&lt;b&gt;\\udcff" in text
        assert "\x1b" not in text and "\u202e" not in text and "<b>" not in text



def test_no_two_student_ids_look_alike_in_the_report(tmp_path):
    """Red team round 55, 06: a folder whose name holds an ESC and one named with the four characters `\\x1b` were
    both shown `\\x1b`, so two rows of the report read as one student with two scores. A backslash of the id's own
    is doubled, as in the gradebook, and a byte that is not UTF-8 is `\\udcXX`."""
    pairs = [("alice\x1b", "alice\\x1b"), ("bob\u202e", "bob\\u202e"), ("eve\x85", "eve" + b"\x85".decode(
        "utf-8", "surrogateescape")), ("dave" + b"\xff".decode("utf-8", "surrogateescape"), "dave\\xff")]
    students = [name for pair in pairs for name in pair]
    page = write_report([SubmissionResult(student, ()) for student in students], tmp_path).read_text("utf-8")
    shown = re.findall(r"<tr><td>(.*?)</td>", _section(page, "students"))
    assert len(shown) == len(set(shown)) == len(students), shown
    assert "alice\\x1b" in shown and "alice\\\\x1b" in shown

def _reference_statistics(results):
    """The class statistics computed the plain way, exercise by exercise over every student (the oracle)."""
    keys = list(dict.fromkeys(exercise.exercise for result in results for exercise in result.exercises))
    stats = []
    for key in keys:
        graded = [exercise for result in results for exercise in result.exercises if exercise.exercise == key]
        statuses = [{check.diagnosis for check in exercise.checks} for exercise in graded]
        stats.append((key, max(exercise.max_score for exercise in graded), len(graded),
                      sum(exercise.passed for exercise in graded),
                      sum(exercise.score / exercise.max_score for exercise in graded) / len(graded),
                      sum("not implemented" in found for found in statuses),
                      sum(bool(found & {"missing", "load_error"}) for found in statuses),
                      sum(bool(found & {"error", "timeout", "died", "skipped"}) for found in statuses)))
    named: dict[str, set[str]] = {}
    seen_in: dict[str, set[str]] = {}
    for result in results:
        for exercise in result.exercises:
            for check in exercise.checks:
                for part in check.diagnosis.split(" or ") if not check.passed else ():
                    name = part.strip()
                    if name and name not in report_module.STATUS_DIAGNOSES:
                        if name.startswith("constant factor ") and name != "constant factor 0.5":
                            name = report_module.OTHER_FACTOR
                        named.setdefault(name, set()).add(result.student)
                        seen_in.setdefault(name, set()).add(exercise.exercise)
    return stats, {name: len(students) for name, students in named.items()}, seen_in


def test_class_statistics_are_those_of_each_exercise_over_every_student(results):
    """Many students made of the graded ones, with diagnoses of every kind: statuses, known mistakes,
    several names in one diagnosis, fitted factors known and unknown, the same name in several exercises."""
    extra = ["mean instead of sum or constant factor 0.5", "constant factor 0.37", "error", "missing",
             "not implemented", "sign flipped", ""]
    many = []
    for index in range(120):
        base = results[index % len(results)]
        exercises = []
        for position, exercise in enumerate(base.exercises):
            checks = tuple(dataclasses.replace(check, passed=False, score=0.0,
                                               diagnosis=extra[(index + position + number) % len(extra)])
                           if (index + position + number) % 5 == 0 else check
                           for number, check in enumerate(exercise.checks))
            exercises.append(dataclasses.replace(exercise, checks=checks))
        many.append(dataclasses.replace(base, student=f"s{index}", exercises=tuple(exercises)))
    stats, counts, seen_in = _reference_statistics(many)
    got = report_module._exercise_stats(many)
    assert [(s.key, s.max_score, s.students, s.passed, s.not_implemented, s.not_loaded, s.crashed) for s in got] \
        == [row[:4] + row[5:] for row in stats]
    assert [s.mean_fraction for s in got] == pytest.approx([row[4] for row in stats], rel=1e-12)
    assert sum(s.not_implemented for s in got) > 0 and sum(s.crashed for s in got) > 0
    found, where = report_module._misconceptions(many)
    assert dict(found) == counts and dict(where) == seen_in
    assert {"mean instead of sum", "sign flipped", report_module.OTHER_FACTOR} <= set(counts)
