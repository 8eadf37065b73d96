"""The `calcgrade` command: grade a folder of submissions, run the demo, rebuild the exercises."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

# The grader's own arrays are tiny: one BLAS thread per process, so that idle BLAS threads never spin
# on the cores the students' code needs. Set before NumPy is loaded; a setting of the caller's wins.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")


def _course_argument(argv: list[str]) -> str | None:
    """The value of `--course FILE` (or `--course=FILE`) on a command line, if any."""
    for index, argument in enumerate(argv):
        if argument == "--course" and index + 1 < len(argv):
            return argv[index + 1]
        if argument.startswith("--course="):
            return argument.removeprefix("--course=")
    return None


# The course is read once, when the grader is imported (`grader.course`): `--course` must be known first.
if (_course := _course_argument(sys.argv[1:])) is not None:
    os.environ["CALCGRADE_COURSE"] = str(Path(_course).resolve())

import argparse  # noqa: E402 - after the BLAS settings above
import math  # noqa: E402
import tempfile  # noqa: E402

from grader import course, kit  # noqa: E402
from grader.kit import DEFAULT_SEED, weak_seed_warning  # noqa: E402
from grader.sandbox.client import Limits, SandboxUnavailable  # noqa: E402

# The batch, the gradebook and the curriculum (SymPy with them) are imported by the commands that grade: a bad
# invocation, `--help` or `build-exercises` answers without loading them.

SEED_VARIABLE = kit.SEED_VARIABLE
# The least --memory-mb a child can work with: a fresh Python 3.11-3.13 with NumPy 2 (one BLAS thread) needs
# about 130 MiB of address space to import NumPy and run a small solution (tests/test_cli.py measures it).
MIN_MEMORY_MB = 192


class UsageError(Exception):
    """A bad invocation: reported in one line, exit status 2."""


def _writable_folder(path: Path) -> Path:
    """The output folder, made where it does not exist, open to its owner alone (it holds every student's results)."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"cannot create the output folder {path}: {error.strerror}") from error
    if not os.access(path, os.W_OK | os.X_OK):
        raise UsageError(f"the output folder {path} is not writable")
    return path


def _limits(args: argparse.Namespace) -> Limits:
    """The limits per submission, refused (exit status 2) where no submission could be graded with them."""
    for option, seconds in (("--call-timeout", args.call_timeout), ("--total-timeout", args.total_timeout)):
        if not (math.isfinite(seconds) and seconds > 0):
            raise UsageError(f"{option} must be a positive number of seconds, not {seconds:g}")
    if args.memory_mb < MIN_MEMORY_MB:
        raise UsageError(f"--memory-mb {args.memory_mb} is too little: a child needs at least {MIN_MEMORY_MB} MiB "
                         "to import NumPy and run a solution")
    return Limits(call_seconds=args.call_timeout, total_seconds=args.total_timeout,
                  memory_bytes=int(args.memory_mb) << 20)


def _course_seed(args: argparse.Namespace) -> str:
    """--seed, else $CALCGRADE_SEED, else the public default (with a warning: hidden inputs drawn from it can be
    recomputed by anyone who has the kit)."""
    seed = args.seed or os.environ.get(SEED_VARIABLE) or DEFAULT_SEED
    if seed == DEFAULT_SEED:
        print(f"calcgrade: warning: the hidden checks use the public default seed {DEFAULT_SEED!r}, which anyone "
              f"with the kit can use to recompute them; pass the course's secret seed with --seed or "
              f"${SEED_VARIABLE}", file=sys.stderr)
    elif warning := weak_seed_warning(seed):
        print(f"calcgrade: warning: {warning}", file=sys.stderr)
    return seed


def _modules(choice: str) -> tuple[str, ...] | None:
    """`auto` (None: the modules the submissions hold), `all`, or a comma-separated list of modules."""
    if choice == "auto":
        return None
    if choice == "all":
        return tuple(kit.MODULES)
    modules = tuple(part.strip().removesuffix(".py") for part in choice.split(",") if part.strip())
    unknown = [module for module in modules if module not in kit.MODULES]
    if unknown or not modules:
        raise UsageError(f"--modules: unknown module(s) {', '.join(unknown) or '(none given)'}; the modules are "
                         f"{', '.join(kit.MODULES)}")
    return tuple(module for module in kit.MODULES if module in modules)


def command_grade(args: argparse.Namespace) -> int:
    from grader.notebook_source import submissions_root

    submissions = Path(args.submissions)
    if not submissions.is_dir():
        raise UsageError(f"no such folder of submissions: {submissions}")
    if args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, not {args.jobs}")
    if args.unconfined and args.seed:
        raise UsageError(f"--seed with --unconfined: without namespaces the grader's command line is in every "
                         f"process's reach; give the seed in ${SEED_VARIABLE}")
    limits = _limits(args)
    out = Path(args.out)
    students = submissions_root(submissions).resolve()  # an nbgrader course's own `submitted` folder
    if students != submissions.resolve():
        print(f"calcgrade: {submissions} is read as an nbgrader course (it has nbgrader_config.py): its students are "
              f"the folders of {students}, each module from <student>/<module>/<module>.ipynb", file=sys.stderr)
    if out.resolve() == students or students in out.resolve().parents:
        raise UsageError("the output folder must not be inside the submissions folder (submissions are never "
                         "modified)")
    # every check of the command line before the output folder is made: a refused command leaves nothing behind
    modules = _modules(args.modules)
    database = Path(args.nbgrader_db) if args.nbgrader_db else None
    if database is not None and not database.is_file():
        raise UsageError(f"no nbgrader gradebook at {database}")
    out = _writable_folder(out)
    from grader.batch import BatchOptions, ResumeMismatch, find_submissions, grade_batch
    from grader.gradebook import format_table

    options = BatchOptions(course_seed=_course_seed(args), jobs=args.jobs, resume=args.resume, limits=limits,
                           progress=not args.no_progress and sys.stderr.isatty(), modules=modules,
                           unconfined=args.unconfined, carry_forward=not args.no_carry_forward)
    try:
        summary = grade_batch(submissions, out, options)
    except SandboxUnavailable as error:
        if args.unconfined:
            raise UsageError(str(error)) from error
        raise UsageError(f"{error}; student code would run unconfined. Grade on a machine that allows "
                         "unprivileged user namespaces, or pass --unconfined to accept that") from error
    except ResumeMismatch as error:
        raise UsageError(str(error)) from error
    print(format_table(summary.results))
    print()
    print(summary.describe())
    print(f"wrote {out / 'gradebook.csv'}, {out / 'report.html'} and <student>/results.json")
    if database is not None:
        from grader.nbgrader_gradebook import write_scores
        from grader.notebook_source import find_notebook

        submitted = {student: [m for m in kit.MODULES if find_notebook(folder, m)]
                     for student, folder in find_submissions(submissions)}
        print(write_scores(database, summary.results, submitted).describe())
    return 0


def command_demo(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="calcgrade-demo-") as scratch:
        from grader.batch import BatchOptions, grade_batch
        from grader.demo import write_samples
        from grader.gradebook import format_table

        submissions = Path(scratch) / "submissions"
        students = write_samples(submissions)
        out = _writable_folder(Path(args.out)) if args.out else Path(scratch) / "out"
        print(f"grading {len(students)} sample submissions: {', '.join(students)}\n")
        options = BatchOptions(course_seed="demo", jobs=1, limits=Limits(call_seconds=2.0))
        summary = grade_batch(submissions, out, options)
        print(format_table(summary.results))
        print()
        print(summary.describe())
        sample = next(r for r in summary.results if r.student == "cleo_mistakes").exercise("linear_model.sse")
        check = next(c for c in sample.checks if not c.passed and c.visibility == "public")
        print(f"\nwhat cleo reads for {check.name}:\n{check.student_message}")
        if args.out:
            print(f"wrote {out / 'gradebook.csv'}, {out / 'report.html'} and <student>/results.json")
    return 0


def command_nbgrader_course(args: argparse.Namespace) -> int:
    """Write an nbgrader course folder: its config and one source notebook per module."""
    from grader.nbgrader_course import TRUSTED_AUTOGRADE_LINES, CourseMismatch, build_course, runs_no_kernel

    try:
        written = build_course(Path(args.folder))
    except CourseMismatch as error:
        raise UsageError(str(error)) from error
    except OSError as error:
        raise UsageError(f"cannot write the course folder {args.folder}: {error.strerror or error}") from error
    print("wrote " + ", ".join(str(path) for path in written))
    mode = stat.S_IMODE(Path(args.folder).stat().st_mode)
    if mode & 0o077:
        print(f"calcgrade: warning: the course folder {args.folder} is open to other accounts of this machine (mode "
              f"{mode:o}), and its source notebooks hold every reference solution (nbgrader keeps its gradebook "
              f"there too): `chmod 700 {args.folder}` (a folder this command makes is 700)", file=sys.stderr)
    config = Path(args.folder) / "nbgrader_config.py"
    if not runs_no_kernel(config):
        print(f"calcgrade: warning: {config} was kept as it is, and its autograde runs every cell of a submitted "
              "notebook in a kernel, as you, with no walls; add these lines so that calcgrade grades the solution "
              f"cells in its sandbox instead:\n{TRUSTED_AUTOGRADE_LINES}", file=sys.stderr)
    print(f"next: cd {args.folder} && nbgrader generate_assignment <module> for each of {', '.join(kit.MODULES)}")
    return 0


def command_build_exercises(args: argparse.Namespace) -> int:
    """Regenerate exercises/ from solutions/ (or, with --check, fail if they differ). Installed, the
    stubs are package data: they can be checked, not rewritten."""
    if not args.check and not kit.IN_CHECKOUT:
        raise UsageError("build-exercises rewrites the repository's exercises/: run it in a checkout of the kit "
                         "(--check checks the installed stubs)")
    stale = []
    for module in kit.ALL_MODULES:  # every module the kit ships, whichever the course uses
        path = kit.EXERCISES_DIR / f"{module}.py"
        wanted = kit.stub_source(kit.solution_source(module))
        if not path.exists() or path.read_text(encoding="utf-8") != wanted:
            stale.append(path.name)
            if not args.check:
                path.parent.mkdir(exist_ok=True)
                path.write_text(wanted, encoding="utf-8")
    if args.check and stale:
        print(f"exercises/ differs from solutions/: {', '.join(stale)}; run `calcgrade build-exercises`")
        return 1
    print("exercises/ is up to date" if not stale else f"rewrote {', '.join(stale)}")
    return 0


def command_release(args: argparse.Namespace) -> int:
    """Write the student bundle (stubs, grader wheel, public checks' data, pytest.ini, README)."""
    from grader.release import ReleaseError, write_bundle

    try:
        bundle = write_bundle(Path(args.dir))
    except ReleaseError as error:
        raise UsageError(str(error)) from error
    print(f"wrote the student bundle {bundle.root}: exercises/, {bundle.wheel.relative_to(bundle.root)}, "
          f"{bundle.data.relative_to(bundle.root)}, pytest.ini, README.md")
    print(f"students run, in that folder: {bundle.install_command} && pytest")
    return 0


def command_gradescope_autograder(args: argparse.Namespace) -> int:
    """Write the zip to upload as a Gradescope programming assignment's autograder."""
    from grader.gradescope_autograder import AutograderError, max_points, write_autograder

    if not args.seed:
        raise UsageError("gradescope-autograder needs the course seed: --seed SEED or $CALCGRADE_SEED (the hidden "
                         "checks' inputs are drawn from it)")
    if warning := weak_seed_warning(args.seed):
        print(f"calcgrade: warning: {warning}", file=sys.stderr)
    modules = _modules(args.modules) or tuple(kit.MODULES)
    path = Path(args.zip)
    if path.suffix.lower() != ".zip" or path.is_dir():
        raise UsageError(f"{path}: the autograder is written as a .zip file")
    try:
        wheel = write_autograder(path, args.seed, modules, course_file=course.ACTIVE.path)
    except AutograderError as error:
        print(f"calcgrade: {error}", file=sys.stderr)
        return 1
    carried = f", {course.ACTIVE.describe()}" if course.ACTIVE.path is not None else ""
    print(f"wrote {path}: setup.sh, run_autograder, {wheel}{carried}, the course key (not the seed) and the modules "
          f"graded ({', '.join(modules)})")
    print(f"on Gradescope: a Programming Assignment worth {max_points(modules):g} points; upload {path.name} as its "
          "autograder (Ubuntu 22.04 or later)")
    return 0


def command_check_exercises(args: argparse.Namespace) -> int:
    """Validate the declarations of the given modules (default: every module the kit ships)."""
    modules = tuple(args.modules) or kit.ALL_MODULES
    unknown = [module for module in modules if module not in kit.ALL_MODULES]
    if unknown:
        raise UsageError(f"check-exercises: unknown module(s) {', '.join(unknown)}; the kit has "
                         f"{', '.join(kit.ALL_MODULES)}")
    from grader.curriculum import DECLARED
    from grader.exercise_check import check_module
    from grader.sandbox.client import Sandbox

    problems = 0
    with Sandbox(confinement="best-effort") as sandbox:
        for module in modules:
            for report in check_module(module, DECLARED, sandbox):
                status = "ok" if not report.problems else f"{len(report.problems)} problem(s)"
                print(f"{report.key}: {status}" + (f" ({'; '.join(report.notes)})" if report.notes else ""))
                for problem in report.problems:
                    print(f"  - {problem}")
                problems += len(report.problems)
    points = {module: sum(e.points for e in DECLARED if e.module == module) for module in modules}
    print("declared points: " + ", ".join(f"{module} {total:g}" for module, total in points.items()))
    print(f"{problems} problem(s) found" if problems else "every declaration checked is sound")
    return 1 if problems else 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="calcgrade", description=__doc__)
    top.add_argument("--course", metavar="FILE", help="the course file (modules, dropped exercises, points); "
                     "default: $CALCGRADE_COURSE, else calcgrade.toml in the current folder")
    commands = top.add_subparsers(dest="command", required=True)

    grade = commands.add_parser("grade", help="grade a folder with one folder of modules per student")
    grade.add_argument("submissions", help="folder holding one folder per student (its name is the student id), "
                       "or an nbgrader course folder (its submitted/<student>/<assignment>/<module>.ipynb)")
    grade.add_argument("--out", required=True, help="where results.json files, gradebook.csv and report.html go")
    grade.add_argument("--seed", help=f"course seed for the hidden checks (default: ${SEED_VARIABLE}, which keeps "
                       f"the seed out of the process list, else the public {DEFAULT_SEED!r}, with a warning)")
    grade.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel workers (default: cores)")
    grade.add_argument("--modules", default="auto",
                       help="the assignments graded: 'auto' (default: the modules more than half of the submissions "
                            "hold), 'all', "
                            "or a comma-separated list such as linear_model,gradient_descent")
    grade.add_argument("--resume", action="store_true", help="grade only students without a results.json (refused "
                       "if those were graded with another seed, other limits or other modules)")
    grade.add_argument("--call-timeout", type=float, default=Limits.call_seconds, help="seconds per call")
    grade.add_argument("--total-timeout", type=float, default=Limits.total_seconds,
                       help="seconds per submission")
    grade.add_argument("--memory-mb", type=int, default=Limits.memory_bytes >> 20,
                       help=f"memory per submission (at least {MIN_MEMORY_MB})")
    grade.add_argument("--no-progress", action="store_true", help="no progress bar")
    grade.add_argument("--unconfined", action="store_true",
                       help="where the kernel allows no user namespaces, grade anyway with student code unconfined "
                            "(it can read what you can read); warned in the summary")
    grade.add_argument("--no-carry-forward", action="store_true",
                       help="judge a function that calls another of the student's functions against the reference "
                            "only (by default, it keeps its marks where it is right given the student's own function)")
    grade.add_argument("--nbgrader-db", metavar="PATH/gradebook.db",
                       help="also write the scores into this nbgrader gradebook (manual score of each test cell)")
    grade.set_defaults(run=command_grade)

    demo = commands.add_parser("demo", help="grade the bundled sample submissions and print the gradebook")
    demo.add_argument("--out", help="keep the results here (default: a temporary folder)")
    demo.set_defaults(run=command_demo)

    course = commands.add_parser("nbgrader-course", help="write an nbgrader course: config and source notebooks")
    course.add_argument("folder", help="the course folder (created if missing)")
    course.set_defaults(run=command_nbgrader_course)

    build = commands.add_parser("build-exercises", help="regenerate exercises/ from solutions/")
    build.add_argument("--check", action="store_true", help="only check that exercises/ is up to date")
    build.set_defaults(run=command_build_exercises)

    release = commands.add_parser("release", help="write the student bundle: stubs, grader wheel, public checks")
    release.add_argument("dir", help="a new or empty folder for the bundle")
    release.set_defaults(run=command_release)

    gradescope = commands.add_parser("gradescope-autograder", help="write the zip of a Gradescope autograder")
    gradescope.add_argument("zip", help="the .zip file to write (upload it on Gradescope)")
    gradescope.add_argument("--seed", default=os.environ.get(SEED_VARIABLE, ""),
                            help="course seed for the hidden checks (default: $CALCGRADE_SEED); only a key derived "
                                 "from it goes in the zip")
    gradescope.add_argument("--modules", default="all",
                            help="the assignment's modules: 'all' (default) or a comma-separated list such as "
                                 "linear_model")
    gradescope.set_defaults(run=command_gradescope_autograder)

    check = commands.add_parser("check-exercises", help="validate exercise declarations: solution, alternatives, "
                                "known mistakes, impostors, docstrings and the contract")
    check.add_argument("modules", nargs="*", metavar="MODULE", help="the modules to check (default: all)")
    check.set_defaults(run=command_check_exercises)
    for command in commands.choices.values():  # "on any command": before the command's name or after it
        command.add_argument("--course", metavar="FILE", default=argparse.SUPPRESS,
                             help="the course file, as before the command's name")
    return top


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a student id that is not valid UTF-8 is printed escaped
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = parser().parse_args(argv)
    try:
        if course.ACTIVE.path is not None and not course.PROBLEM:
            import grader.curriculum  # noqa: F401 - applying the course file to the exercises can find a problem
        if args.course and not Path(args.course).is_file():  # told as given, not as the variable it was put in
            raise UsageError(f"--course {args.course}: no such file")
        if course.PROBLEM:
            raise UsageError(course.PROBLEM)
        if args.course and course.ACTIVE.path != Path(args.course).resolve():
            raise UsageError(f"--course {args.course}: the course is read when calcgrade starts; give --course on "
                             "the command line or set $CALCGRADE_COURSE")
        kit.require_solutions(args.command)  # every command reads the kit's solutions
        return args.run(args)
    except (UsageError, kit.KitMissing) as error:
        print(f"calcgrade: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C: one line, not the tracebacks of every process it reached
        resume = " (the results written so far are kept: run the same command with --resume to grade the rest)" \
            if args.command == "grade" else ""
        print(f"calcgrade: interrupted{resume}", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
