"""The class report's cost against the number of students, measured side by side with the previous way.

Builds N synthetic `SubmissionResult`s shaped like a whole-kit batch (every exercise of the
curriculum, public and hidden checks; seven in ten exercises passed, the others failed with a known
mistake, a status or an unnamed error), then times, in one run:

1. the class statistics (per exercise and per misconception) as the report computes them now, and as
   it did before (statuses, passes and mean points gathered in separate passes over every student for
   every exercise, and every diagnosis parsed again for every failed check), checking both agree;
2. the whole `write_report` (statistics, three charts, the HTML), and the charts alone.

Each figure is the median of --repeats runs (the machine may be shared: the median, not the best).

Usage: python benchmarks/report_speed.py [--students 250 1000 2000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import random
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from grader import report
from grader.curriculum import EXERCISES
from grader.spec import CheckResult, ExerciseResult, SubmissionResult, split_points

STATUSES = ("not implemented", "error", "timeout", "missing")


def synthetic_results(students: int, seed: int = 1) -> list[SubmissionResult]:
    """A whole-kit batch: each exercise passed (7 in 10) or failed with a mistake, a status or no name."""
    rng = random.Random(seed)
    results = []
    for index in range(students):
        exercises = []
        for exercise in EXERCISES:
            labels = [(visibility, check.label) for visibility in ("public", "hidden") for check in exercise.checks]
            shares = split_points(exercise.points, len(labels))
            names = [m.name for m in exercise.misconceptions] + [*STATUSES, "", "constant factor 0.5",
                                                                 "constant factor 0.3333"]
            passed = rng.random() < 0.7
            checks = []
            for (visibility, label), share in zip(labels, shares, strict=True):
                if passed or rng.random() < 0.3:
                    checks.append(CheckResult(exercise.key, label, visibility, True, share, share, "", "matches"))
                else:
                    checks.append(CheckResult(exercise.key, label, visibility, False, 0.0, share, "message",
                                              "instructor", rng.choice(names)))
            exercises.append(ExerciseResult(exercise.key, tuple(checks), exercise.points))
        results.append(SubmissionResult(f"student{index:05d}", tuple(exercises)))
    return results


def previous_statistics(results: Sequence[SubmissionResult]) -> tuple[list[Any], Counter[str], dict[str, set[str]]]:
    """The statistics as the report computed them before: kept here as the alternative measured."""
    by_key: dict[str, list[ExerciseResult]] = defaultdict(list)
    for result in results:
        for exercise in result.exercises:
            by_key[exercise.exercise].append(exercise)
    stats = []
    for key, graded in by_key.items():
        statuses = [{check.diagnosis for check in exercise.checks} for exercise in graded]
        stats.append(report._ExerciseStats(
            key=key, max_score=max(exercise.max_score for exercise in graded), students=len(graded),
            passed=sum(exercise.passed for exercise in graded),
            mean_fraction=float(np.mean([exercise.score / exercise.max_score if exercise.max_score else 0.0
                                         for exercise in graded])),
            not_implemented=sum("not implemented" in found for found in statuses),
            not_loaded=sum(bool(found & report.NOT_LOADED) for found in statuses),
            crashed=sum(bool(found & report.CRASHED) for found in statuses)))
    counts: Counter[str] = Counter()
    seen_in: dict[str, set[str]] = defaultdict(set)
    for result in results:
        names: set[str] = set()
        for exercise in result.exercises:
            for check in exercise.checks:
                found = report._misconception_names.__wrapped__(check.diagnosis) if not check.passed else set()
                names |= found
                for name in found:
                    seen_in[name].add(exercise.exercise)
        counts.update(names)
    return stats, counts, seen_in


def current_statistics(results: Sequence[SubmissionResult]) -> tuple[list[Any], Counter[str], dict[str, set[str]]]:
    report._misconception_names.cache_clear()  # no head start from an earlier run
    return report._exercise_stats(results), *report._misconceptions(results)


def same_statistics(before: tuple[list[Any], Counter[str], dict[str, set[str]]],
                    now: tuple[list[Any], Counter[str], dict[str, set[str]]]) -> bool:
    """Equal statistics, the mean fractions within rounding (the report sums scores exactly, `math.fsum`;
    the previous way took NumPy's mean)."""
    exact = [dataclasses.replace(stat, mean_fraction=0.0) for stat in before[0]] == \
        [dataclasses.replace(stat, mean_fraction=0.0) for stat in now[0]]
    close = all(math.isclose(old.mean_fraction, new.mean_fraction, rel_tol=1e-12, abs_tol=1e-15)
                for old, new in zip(before[0], now[0], strict=True))
    return exact and close and before[1:] == now[1:]


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, nargs="+", default=[250, 1000, 2000])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        report.write_report(synthetic_results(10), Path(scratch))  # everything imported and warm for both
        print(f"{'students':>8} | {'statistics before':>17} | {'statistics now':>14} | {'write_report':>12} | "
              f"{'of it charts':>12}")
        for students in args.students:
            results = synthetic_results(students)
            before, now = previous_statistics(results), current_statistics(results)
            assert same_statistics(before, now), "the statistics differ from the previous way's"
            old = median_seconds(lambda: previous_statistics(results), args.repeats)  # noqa: B023
            new = median_seconds(lambda: current_statistics(results), args.repeats)  # noqa: B023
            whole = median_seconds(lambda: report.write_report(results, Path(scratch)), args.repeats)  # noqa: B023
            stats = report._exercise_stats(results)
            counts, _ = report._misconceptions(results)
            scores = [result.score for result in results]
            charts = median_seconds(lambda: (report._histogram(scores, 100.0),  # noqa: B023
                                             report._pass_rate_chart(stats),  # noqa: B023
                                             report._misconception_chart(counts)), args.repeats)  # noqa: B023
            print(f"{students:>8} | {old:>15.3f} s | {new:>12.3f} s | {whole:>10.3f} s | {charts:>10.3f} s")


if __name__ == "__main__":
    main()
