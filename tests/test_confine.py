"""The walls around student code hold, as root and as an ordinary user, wherever Python lives.

Each attack of `confine_probe.py` runs from three Pythons: the suite's own (as root on the kit's CI:
a Python in root's home folder, which no other user can read), a venv under /tmp (which the child's
fresh /tmp would cover) as root, and the same venv as an ordinary user that the suite creates.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import pwd
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grader import kit
from grader.curriculum import of_module
from grader.engine import grade_sources
from grader.sandbox import confine
from grader.sandbox.client import Call, Sandbox

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the walls are Linux namespaces")
PROBE = Path(__file__).with_name("confine_probe.py")
ORDINARY_USER = "calcgrade-test"
SYSTEM_PYTHON = "/usr/bin/python3.11"
SEED = "course-seed-never-seen-7f3a"


def _ordinary_uid() -> int | None:
    """The uid of an unprivileged account, made if missing (as root); None where there can be none."""
    if os.geteuid() != 0:
        return os.geteuid()
    try:
        return pwd.getpwnam(ORDINARY_USER).pw_uid
    except KeyError:
        pass
    if shutil.which("useradd") is None:
        return None
    # Another run of the suite (an xdist worker, another checkout's CI) may make the account at the same moment:
    # useradd then fails, and the account is there all the same.
    subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", ORDINARY_USER], check=False,
                   capture_output=True)
    return pwd.getpwnam(ORDINARY_USER).pw_uid


@pytest.fixture(scope="module")
def world() -> Iterator[Path]:
    """A folder everyone may read, outside the checkout, holding the secrets a student would want: another
    copy of the kit, other students' submissions, the results, a private file of another account."""
    folder = Path(tempfile.mkdtemp(prefix="calcgrade-world-", dir="/tmp"))  # an ordinary user reaches /tmp
    folder.chmod(0o755)
    (folder / "copy" / "solutions").mkdir(parents=True)
    (folder / "copy" / "solutions" / "linear_model.py").write_text(kit.solution_source("linear_model"))
    (folder / "submissions" / "alice").mkdir(parents=True)
    (folder / "submissions" / "alice" / "linear_model.py").write_text("ALICE = 1\n")
    (folder / "out").mkdir()
    (folder / "private").mkdir(mode=0o700)
    (folder / "private" / "key").write_text("private")
    shutil.copy(PROBE, folder / PROBE.name)
    for path in folder.rglob("*"):
        if "private" not in path.parts:
            path.chmod(0o755 if path.is_dir() else 0o644)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def tmp_venv(world: Path) -> Path:
    """A venv under /tmp from Debian's Python (readable by everyone), with the kit installed from a copy
    (not editable: the installed package is what the child must not see)."""
    if not os.path.exists(SYSTEM_PYTHON):
        pytest.skip(f"{SYSTEM_PYTHON} is not installed")
    venv = world / "venv"
    # Without a pip of its own (bootstrapping one costs more than the rest): the suite's pip installs into it.
    subprocess.run([SYSTEM_PYTHON, "-m", "venv", "--without-pip", str(venv)], check=True)
    pip = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet",
           "--disable-pip-version-check"]
    requirements = ["numpy>=1.26", "sympy>=1.12", "pyseccomp==0.1.2", "landlock==1.0.0.dev5"]
    subprocess.run([*pip, *requirements], check=True)
    source = world / "kit-source"
    shutil.copytree(kit.KIT_ROOT, source, ignore=shutil.ignore_patterns(".venv", ".git", "build", "*.egg-info",
                                                                        "__pycache__"))
    subprocess.run([*pip, "--no-deps", str(source)], check=True, cwd=world)
    shutil.rmtree(source)
    subprocess.run(["chmod", "-R", "a+rX", str(venv)], check=True)
    return venv


def _probe(python: str, world: Path, user: int | None = None) -> dict[str, Any]:
    library = Path(python).parent.parent / "lib"
    installed = sorted(path for name in ("grader", "calcgrade_kit")
                       for path in library.glob(f"python3*/site-packages/{name}"))
    spec = {
        "seed": SEED,
        "secret_files": [str(kit.SOLUTIONS_DIR / "linear_model.py"), str(world / "copy/solutions/linear_model.py"),
                         str(world / "submissions/alice/linear_model.py"), str(world / "private/key"),
                         "/etc/shadow", str(world / PROBE.name)],
        "secret_folders": [str(kit.KIT_ROOT), str(world), str(world / "out"), "/home", "/root/.ssh",
                           *(str(path) for path in installed), *(str(kit.KIT_ROOT / name) for name in (".git",))],
        "writable_probes": ["/tmp", "/var/tmp", "/dev/shm", "/usr", "/", "/etc", str(world)],
    }
    spec_file = world / f"spec-{user}.json"
    spec_file.write_text(json.dumps(spec))
    spec_file.chmod(0o644)
    command = [python, str(world / PROBE.name), str(spec_file)]
    if user is not None and user != os.geteuid():
        command = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *command]
    done = subprocess.run(command, capture_output=True, text=True, cwd="/", timeout=300,
                          env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"})
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="module", params=["suite's Python", "venv under /tmp", "ordinary user"])
def report(request, world: Path) -> dict[str, Any]:
    if request.param == "suite's Python":
        return _probe(sys.executable, world)
    venv_python = str(request.getfixturevalue("tmp_venv") / "bin" / "python")
    if request.param == "venv under /tmp":
        return _probe(venv_python, world)
    uid = _ordinary_uid()
    if uid is None:
        pytest.skip("no unprivileged account can be made here")
    return _probe(venv_python, world, user=uid)


def test_every_wall_is_up(report):
    walls = report["walls"]
    assert walls["confined"], walls
    assert not walls["missing"], walls["missing"]


def test_no_secret_in_the_childs_environment_or_command_line(report):
    outcome = report["environment"]
    assert outcome["status"] == "ok"
    assert SEED not in json.dumps(outcome["value"])
    assert "CALCGRADE" not in json.dumps(outcome["value"])


def test_nothing_outside_the_python_installation_is_visible(report):
    outcome = report["files"]
    assert outcome["status"] == "ok"
    seen = eval(outcome["value"])  # noqa: S307 - a repr of str -> str | list, written by the probe
    environment = Path(report["python"]).parent.parent  # the venv: visible, and the folders on its way
    for path, what in seen.items():
        if isinstance(what, list) and environment.is_relative_to(path):
            assert what == [environment.relative_to(path).parts[0]], (path, what)
        else:
            assert what in ("FileNotFoundError", "PermissionError", []), (path, what)


def test_the_child_sees_only_its_own_processes(report):
    mine, grader_visible, neighbour_visible = report["processes"]["value"]
    assert mine == [1] and not grader_visible and not neighbour_visible


def test_no_connection_leaves_the_child(report):
    assert report["network"]["value"] == ["OSError", "OSError", "OSError"]
    assert report["network_reached_grader"] is False


def test_no_kernel_object_is_shared_or_outlives_the_child(report):
    seen = eval(report["kernel_objects"]["value"])  # noqa: S307 - a repr of a dict of ints, written by the probe
    assert seen["shmget"] == seen["msgget"] == seen["semget"] == seen["ptrace"] == seen["memfd_create"] == -1


def test_the_child_writes_only_to_its_own_scratch_folders(report):
    seen = eval(report["writes"]["value"])  # noqa: S307 - a repr of a dict of str, written by the probe
    assert {"/tmp", "/var/tmp", "/dev/shm"} <= {folder for folder, what in seen.items() if what == "written"}
    assert all(seen[folder] != "written" for folder in ("/usr", "/", "/etc"))
    assert report["planted_on_host"] == []  # what it wrote was its own: gone with it, seen by no one
    assert report["scratch_next_child"]["value"] == []


def test_the_childs_proc_shows_no_machine_figures_or_mounts(report):
    """No memory, CPU or load figures of the machine (a channel between students graded at once), no mount
    table naming its devices and folders, no cgroup path of the grader's."""
    seen = eval(report["machine_figures"]["value"])  # noqa: S307 - a repr of a dict of str, written by the probe
    for path in ("/proc/meminfo", "/proc/stat", "/proc/loadavg", "/proc/uptime", "/proc/vmstat",
                 "/proc/self/mountinfo", "/proc/self/mounts", "/proc/thread-self/mountinfo", "/proc/mounts"):
        assert seen[path] in ("", "FileNotFoundError", "PermissionError"), (path, seen[path])
    cgroups = [line.split(":", 2)[2] for line in seen["/proc/self/cgroup"].splitlines()]
    assert cgroups and all(path == "/" for path in cgroups), seen["/proc/self/cgroup"]


def test_signals_reach_nothing_outside_the_child(report):
    assert report["kill_everything"]["status"] == "ok"
    assert report["own_group"]["status"] in ("ok", "died") and report["after_own_group"]["value"] == 4
    assert report["victim_alive"] is True
    concurrent = report["concurrent"]
    assert concurrent["honest"]["status"] == "ok" and concurrent["honest"]["value"] == 3


def test_nothing_the_child_starts_outlives_it(report):
    assert report["left_behind"]["status"] == "ok" and report["left_behind"]["value"] == 2
    assert report["leftover_processes"] == []


def test_nothing_of_one_child_is_reachable_from_the_next(report):
    """A process a child leaves listening on an abstract Unix socket is gone before the next child starts
    (the grader waits until an ended child's whole PID namespace is gone); where seccomp stands, no child may
    make a socket at all (its unread data would be kernel memory no bound sees)."""
    assert set(report["left_listening"]) <= {"ConnectionRefusedError", "OSError"}, report["left_listening"]


def test_the_child_imports_the_standard_library_and_numpy_wherever_python_lives(report):
    assert report["imports"] == {"status": "ok", "value": [2, 3.0], "error": "", "load": {}}


def test_no_package_beyond_numpy_is_available_to_student_code(report):
    """Attack: `sympy.diff` (or mpmath's `diff`) in the child computed the very derivative an exercise asks for,
    and earned its marks. Every package of the installation but NumPy (and the walls' own bindings) is hidden
    from the child, and an import of one gives a module each of whose names says so: an import at the top of a
    module costs nothing, a use costs that function."""
    outcome = report["foreign_imports"]
    assert outcome["status"] == "ok" and outcome["load"] == {}, outcome
    *used, listing = outcome["value"]
    assert used == [f"`{name}` is not available to graded code" for name in ("sympy", "mpmath", "sympy")], used
    assert listing in ("PermissionError", "absent", 0), listing


def test_no_package_folder_the_child_can_see_offers_a_foreign_package(report):
    """Attack: only the environment's own site-packages was hidden; the Python installation it was made from
    (and Debian's dist-packages under /usr) held SymPy too, and a module that took the name refusal out of
    `sys.meta_path` and put those folders on `sys.path` imported it and differentiated every given function
    (24 points). Every package folder inside what the child sees is hidden, whole where it holds no allowed
    package."""
    outcome = report["foreign_imports_by_path"]
    assert outcome["status"] == "ok", outcome
    imported, places = outcome["value"]
    assert imported == [], imported


def test_a_correct_module_importing_the_standard_library_and_sympy_keeps_full_marks(report):
    """Graded as root from a Python in root's home folder and from a venv under /tmp, and as an ordinary
    user: imports (SymPy's too, which it may not use), a thread and a detached process cost nothing."""
    score, max_score = report["full_marks"]
    assert score == max_score > 0


def test_processes_and_threads_are_bounded(report):
    """A fork bomb makes at most MAX_PROCESSES - 1 processes beside itself, or one more as root: the template's pids
    cgroup keeps a slot for the next child, which a child may take while that one is not forked yet (seen under
    load: 16 forks)."""
    assert report["fork_bomb"]["status"] == "ok"
    assert report["fork_bomb"]["value"] <= confine.MAX_PROCESSES


def test_memory_is_bounded_per_child_not_per_process(report):
    """15 processes each holding nearly the limit: the child's processes together stay within the bound
    (a memory cgroup ends the hogs, or the grader's watch ends the child), the machine keeps its memory, and
    a child graded alongside and the next child of the same sandbox keep their results."""
    hog = report["memory_hog"]
    attack = hog["attack"]
    if attack["status"] == "ok":
        forked, alive = attack["value"]
        assert forked >= 10 and alive * hog["block"] <= hog["bound"], attack
    else:
        assert attack["status"] == "died" and "memory" in attack["error"], attack
    assert hog["fell_by"] < 5 * hog["bound"], hog  # unbounded: 15 times the block
    assert hog["alongside"]["status"] == "ok" and hog["alongside"]["value"] == 5, hog
    assert hog["next"]["value"] == 6


def test_a_child_with_many_busy_processes_leaves_others_their_share_of_the_processor(report):
    """15 busy processes, each in a session of its own, in one child: an honest call graded alongside still
    finishes within its time limit (a cpu cgroup per child, or setsid refused and the kernel's per-session
    groups)."""
    honest = report["cpu_hog"]["honest"]
    assert honest["status"] == "ok" and honest["value"] == 7, report["cpu_hog"]


def test_a_correct_module_that_starts_a_thread_and_a_detached_process_keeps_full_marks(sandbox):
    starts = ("import subprocess, threading, time\n"
              "threading.Thread(target=lambda: time.sleep(10**6), daemon=True).start()\n"
              "threading.Thread(target=lambda: time.sleep(10**6)).start()\n"
              "subprocess.Popen(['sleep', '1000000'], start_new_session=True)\n")
    source = starts + kit.solution_source("linear_model")
    result = grade_sources({"linear_model": source}, sandbox, student="s", hidden=True, course_seed="c",
                           exercises=of_module("linear_model"))
    assert all(exercise.passed for exercise in result.exercises), [e.note for e in result.exercises]


KERNEL_MEMORY_AND_COUNTS = """
import ctypes, fcntl, os, socket


def f():
    tried = {}
    for name, make in (("socketpair", socket.socketpair), ("socket", lambda: socket.socket(socket.AF_UNIX)),
                       ("inotify", lambda: ctypes.CDLL(None, use_errno=True).inotify_init1(0)),
                       ("pipe buffer", lambda: fcntl.fcntl(os.pipe()[1], 1031, 1 << 20))):
        try:
            made = make()
            tried[name] = "made" if not isinstance(made, int) or made >= 0 else "refused"
        except OSError:
            tried[name] = "refused"
    return ", ".join(f"{name}: {what}" for name, what in tried.items())
"""


def test_no_socket_inotify_instance_or_large_pipe_is_made_behind_the_walls(sandbox):
    """Red team: unread data in a socket pair a child made is kernel memory, outside its address-space limit and
    the grader's watch (480 MiB parked against a 300 MiB bound, as an ordinary user without a memory cgroup); and
    inotify instances are counted per user of the machine, whatever the namespace: a child held all 128 of the
    grader's user. Neither is made, nor a pipe's buffer raised."""
    _, (outcome,) = sandbox.run({"m": KERNEL_MEMORY_AND_COUNTS}, [Call("m", "f", ())])
    assert outcome.status == "ok", outcome.error
    assert outcome.value == "socketpair: refused, socket: refused, inotify: refused, pipe buffer: refused"


KILLED_GRADER = r"""
import json, os, signal, sys
from grader.sandbox.client import Call, Sandbox
box = Sandbox()
box.run({"m": "def f():\n    return 1\n"}, [Call("m", "f", ())])
print(json.dumps(box._cgroups), flush=True)
if sys.argv[1] == "group":
    os.killpg(0, signal.SIGKILL)  # the grader, its template and all
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.parametrize("killed", ["grader", "group"])
def test_the_templates_cgroups_are_removed_even_when_the_grader_is_killed(killed):
    """A grader ended at once (a batch's worker terminated) leaves no cgroup behind: its template removes
    them as it ends, or, ended with it, the next sandbox made; kept, they would add up over batches until
    no memory cgroup could be made."""
    done = subprocess.run([sys.executable, "-c", KILLED_GRADER, killed], capture_output=True, text=True,
                          timeout=120, start_new_session=True)
    folders = json.loads(done.stdout)
    if not folders:
        pytest.skip("no cgroup can be made here (an ordinary user on cgroup v1)")
    deadline = time.monotonic() + 15
    while any(os.path.exists(folder) for folder in folders) and time.monotonic() < deadline:
        time.sleep(0.1)
        if killed == "group":
            with Sandbox() as fresh:
                fresh.walls()
    assert [folder for folder in folders if os.path.exists(folder)] == []


WITHOUT_NAMESPACES = r"""
import errno, json, os, sys, pyseccomp
forbid = pyseccomp.SyscallFilter(pyseccomp.ALLOW)
forbid.add_rule(pyseccomp.ERRNO(errno.EPERM), "unshare")  # as a kernel without user namespaces answers
forbid.load()
from grader.sandbox.client import Call, Sandbox, SandboxUnavailable
report = {}
try:
    with Sandbox() as box:
        box.walls()
    report["required"] = "graded"
except SandboxUnavailable as error:
    report["required"] = str(error)
with Sandbox(confinement="best-effort") as box:
    report["best_effort"] = box.walls()
    _, (outcome,) = box.run({"m": "def f():\n    return 2.5\n"}, [Call("m", "f", ())])
    report["value"] = outcome.value
    _, (outcome,) = box.run({"m": f"def f():\n    return open({sys.argv[1]!r}).read()\n"}, [Call("m", "f", ())])
    report["root_only"] = outcome.status
    workdir = os.stat(box._workdir)
    report["workdir"] = [workdir.st_mode & 0o7777, workdir.st_uid]
print(json.dumps(report))
"""


def test_without_user_namespaces_grading_is_refused_and_a_students_own_run_goes_on(tmp_path):
    """Where the kernel refuses user namespaces (here: a seccomp filter answers unshare with EPERM, as such a
    kernel does), a grading sandbox refuses to run student code; a best-effort one (a student's own pytest)
    runs it and says it is unconfined."""
    key = tmp_path / "course_key"
    key.write_text("root only")
    key.chmod(0o600)
    done = subprocess.run([sys.executable, "-c", WITHOUT_NAMESPACES, str(key)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["required"].startswith("cannot confine student code here")
    walls = report["best_effort"]
    assert walls["confined"] is False and walls["missing"] and "seccomp" in walls["layers"]
    assert report["value"] == 2.5
    if os.geteuid() == 0:  # what is left without namespaces: an unprivileged uid, which cannot read root's files
        assert report["root_only"] == "error"
        assert report["workdir"] == [0o700, confine.NOBODY]  # its folder: no other account's to enter
    else:
        assert report["workdir"] == [0o700, os.geteuid()]


def test_the_sandboxs_folder_is_open_to_no_other_account(sandbox):
    """The folder the template builds the children's root on (as root too): no other account, and no
    child of another sandbox, may list, read or write it."""
    sandbox.walls()
    assert sandbox._workdir is not None
    folder = os.stat(sandbox._workdir)
    assert folder.st_mode & 0o7777 == 0o700 and folder.st_uid == os.geteuid()


GRADE_WITHOUT_NAMESPACES = r"""
import errno, sys, pyseccomp
forbid = pyseccomp.SyscallFilter(pyseccomp.ALLOW)
forbid.add_rule(pyseccomp.ERRNO(errno.EPERM), "unshare")
forbid.load()
from grader.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_calcgrade_grade_refuses_without_walls_and_grades_unconfined_only_when_told(tmp_path):
    student = tmp_path / "subs" / "ada"
    student.mkdir(parents=True)
    (student / "derivatives.py").write_text(kit.solution_source("derivatives"))
    command = [sys.executable, "-c", GRADE_WITHOUT_NAMESPACES, "grade", str(tmp_path / "subs"), "--jobs", "1",
               "--no-progress"]
    refused = subprocess.run([*command, "--out", str(tmp_path / "out1")], capture_output=True, text=True, timeout=300)
    assert refused.returncode == 2, refused.stderr
    assert "--unconfined" in refused.stderr and "Traceback" not in refused.stderr
    assert not (tmp_path / "out1" / "ada").exists()
    graded = subprocess.run([*command, "--out", str(tmp_path / "out2"), "--unconfined"], capture_output=True,
                            text=True, timeout=300)
    assert graded.returncode == 0, graded.stderr
    assert "UNCONFINED" in graded.stdout
    assert (tmp_path / "out2" / "ada" / "results.json").is_file()


LEAVING_ITS_GROUP = r"""
import errno, json, os, sys, pyseccomp
forbid = pyseccomp.SyscallFilter(pyseccomp.ALLOW)
forbid.add_rule(pyseccomp.ERRNO(errno.EPERM), "unshare")  # as a kernel without user namespaces answers
forbid.load()
from grader.sandbox.client import Call, Sandbox
token = sys.argv[1]
STUDENT = '''
import os, sys, time


def leave():
    group = os.getpgid(0)
    read, write = os.pipe()
    if os.fork() == 0:
        os.setpgid(0, 0)  # a group of its own: out of reach of the group its child is ended by
        os.write(write, str(os.getpgid(0)).encode())
        os.execv("/bin/sh", ["sh", "-c", "sleep 60; :", TOKEN])
    moved = int(os.read(read, 64))
    others = 0  # other children of the template, of this uid: the next student's child waiting, say
    try:
        entries = os.listdir("/proc")
    except PermissionError:  # behind Landlock no process list is readable at all
        return [moved == group, "no /proc"]
    for entry in entries:
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rpartition(")")[2].split()[1])
            if parent == os.getppid() and int(entry) != os.getpid() and os.stat(f"/proc/{entry}").st_uid == os.getuid():
                others += 1
        except (OSError, ValueError, IndexError):
            continue
    return [moved == group, others]
'''.replace("TOKEN", repr(token))
with Sandbox(confinement="best-effort") as box:
    _, (outcome,) = box.run({"m": STUDENT}, [Call("m", "leave", ())])
    _, (second,) = box.run({"m": STUDENT}, [Call("m", "leave", ())])
print(json.dumps({"first": outcome.value, "second": second.value, "status": [outcome.status, outcome.error]}))
"""


def test_unconfined_nothing_a_child_starts_outlives_it_nor_meets_another_child(tmp_path):
    """Red team: without a PID namespace (`--unconfined`, a container that refuses user namespaces) a child is
    ended with its process group; a process that moved to a group of its own (setpgid, which seccomp allowed)
    outlived it and, as the same uid as every later child, ended them (correct students scored 0). setpgid now
    does nothing, and the next child is forked only once the one before has ended, so no child of the sandbox
    waits beside a running one. As root only: an ordinary user's unconfined children run as that user."""
    if os.geteuid() != 0:
        pytest.skip("unconfined children run as the grader's own user: the uid shared with other children is root's")
    token = f"calcgrade-linger-{os.getpid()}-{time.monotonic_ns()}"
    done = subprocess.run([sys.executable, "-c", LEAVING_ITS_GROUP, token], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    # Still in its child's group; no other child of this uid waiting (or, behind Landlock, none to be seen at all).
    assert report["first"] in ([True, 0], [True, "no /proc"]), report
    assert report["second"] in ([True, 0], [True, "no /proc"]), report  # the first child's process is gone
    time.sleep(0.5)
    left = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                if token.encode() in cmdline.read():
                    left.append(entry)
        except OSError:
            continue
    assert left == []


DEEP_TREE_UNCONFINED = r"""
import errno, json, sys, pyseccomp
forbid = pyseccomp.SyscallFilter(pyseccomp.ALLOW)
forbid.add_rule(pyseccomp.ERRNO(errno.EPERM), "unshare")  # as a kernel without user namespaces answers
forbid.load()
from grader.sandbox.client import Call, Sandbox
DEEP = '''
import os
fd = os.open(".", os.O_RDONLY)
for _ in range(3000):
    os.mkdir("d", dir_fd=fd)
    deeper = os.open("d", os.O_RDONLY, dir_fd=fd)
    os.close(fd)
    fd = deeper
os.close(fd)


def f():
    return 2.5
'''
LOOK = "import os\n\n\ndef f():\n    return len(os.listdir('.'))\n"
with Sandbox(confinement="best-effort") as box:
    _, (first,) = box.run({"m": DEEP}, [Call("m", "f", ())])
    _, (second,) = box.run({"m": LOOK}, [Call("m", "f", ())])
print(json.dumps({"first": [first.status, first.value], "second": [second.status, second.value]}))
"""


def test_unconfined_a_folder_tree_too_deep_to_remove_is_not_left_for_the_next_student():
    """Red team: unconfined children share one folder, emptied after each submission by shutil.rmtree, which
    recurses once per level: a tree 3000 folders deep raised RecursionError in the grader, every later student of
    the batch became a grader fault and the tree stayed. The folder now goes whole where it cannot be emptied, and
    the next child works in a fresh one."""
    done = subprocess.run([sys.executable, "-c", DEEP_TREE_UNCONFINED], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    # The tree is deeper than the grader's watch over the shared folder measures (256 levels): past the child's
    # scratch space, the child is ended; its own grade is not a fault of the grader's.
    assert report["first"][0] in ("ok", "load_error")
    assert report["second"] == ["ok", 0]  # nothing of the first student's is left



UNCONFINED_REACH = r"""
import errno, json, os, sys, pyseccomp
forbid = pyseccomp.SyscallFilter(pyseccomp.ALLOW)
forbid.add_rule(pyseccomp.ERRNO(errno.EPERM), "unshare")  # as a kernel without user namespaces answers
if sys.argv[1] == "no-landlock":
    forbid.add_rule(pyseccomp.ERRNO(errno.ENOSYS), "landlock_create_ruleset")  # as a kernel without Landlock answers
forbid.load()
from grader.sandbox.client import Call, Sandbox, SandboxUnavailable
PROBE = '''
import ctypes, fcntl, json, os, resource, socket, tempfile, time
import numpy as np


def forks(most):
    # How many processes it could start at once (each waits a second, then ends; signals to them are denied).
    started = []
    try:
        for _ in range(most):
            pid = os.fork()
            if pid == 0:
                time.sleep(1)
                os._exit(0)
            started.append(pid)
    except OSError:
        pass
    for pid in started:
        os.waitpid(pid, 0)
    return len(started)


def inotify():
    # A watch on a folder it may not read (the submissions): what changes there, and when.
    made = ctypes.CDLL(None, use_errno=True).inotify_init1(0)
    if made < 0:
        raise OSError(ctypes.get_errno(), "inotify_init1")
    return made


def probe():
    seen = {}
    def attempt(name, action):
        try:
            seen[name] = repr(action())[:200]
        except Exception as error:
            seen[name] = "denied " + type(error).__name__
    attempt("environ", lambda: open(f"/proc/{GRADER}/environ", "rb").read())
    attempt("cmdline", lambda: open(f"/proc/{GRADER}/cmdline", "rb").read())
    attempt("signal", lambda: os.kill(GRADER, 0))
    attempt("signal_all", lambda: os.kill(-1, 0))
    attempt("limits", lambda: resource.prlimit(GRADER, resource.RLIMIT_NOFILE, (0, 0)))
    attempt("other_student", lambda: open(OTHER).read())
    attempt("solutions", lambda: open(SOLUTION).read())
    attempt("shm", lambda: open(f"/dev/shm/{TOKEN}", "w").write("left behind"))
    attempt("tmp", lambda: open(f"/tmp/{TOKEN}", "w").write("left behind"))
    attempt("chmod", lambda: os.chmod(OTHER, 0o666))
    attempt("connect", lambda: socket.socket(socket.AF_UNIX).connect(BUS))
    attempt("sigio", lambda: fcntl.fcntl(0, fcntl.F_SETOWN, GRADER))
    attempt("sendmsg", lambda: socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendmsg([b"x"], [], 0, LOG))
    attempt("mkdir_without_rights", lambda: os.mkdir("locked", 0o300))
    attempt("processes", lambda: forks(40))
    attempt("process_limit", lambda: resource.getrlimit(resource.RLIMIT_NPROC)[0])
    attempt("inotify", inotify)
    attempt("umask_without_rights", lambda: os.umask(0o477))
    attempt("fallocate", lambda: os.posix_fallocate(os.open("big", os.O_CREAT | os.O_WRONLY), 0, 1 << 20))
    attempt("tempfile", lambda: tempfile.mkstemp()[0] > 0)
    attempt("numpy", lambda: float(np.linalg.solve(np.eye(2) * 2, np.ones(2)).sum()))
    return json.dumps(seen)
'''
FILL = ("import time\n\n\ndef fill():\n    for i in range(256):\n        open(f'f{i}', 'wb').write(b'x' * (1 << 20))\n"
        "        time.sleep(0.005)\n    return 1\n")
LOOK = "import os\n\n\ndef look():\n    return os.listdir('.')\n"
for name, value in {**json.loads(sys.argv[2]), "GRADER": os.getpid()}.items():
    PROBE = PROBE.replace(name, repr(value))
report = {}
try:
    with Sandbox(confinement="unconfined") as box:
        report["walls"] = box.walls()
        _, (outcome,) = box.run({"m": PROBE}, [Call("m", "probe", ())])
        report["probe"] = json.loads(outcome.value) if outcome.status == "ok" else [outcome.status, outcome.error]
        _, (outcome,) = box.run({"m": FILL}, [Call("m", "fill", ())])
        report["fill"] = outcome.status
        _, (outcome,) = box.run({"m": LOOK}, [Call("m", "look", ())])
        report["after_fill"] = outcome.value
except SandboxUnavailable as error:
    report["refused"] = str(error)
with Sandbox(confinement="best-effort") as box:
    _, (outcome,) = box.run({"m": "def f():\n    return 2.5\n"}, [Call("m", "f", ())])
    report["own_run"] = outcome.value
print(json.dumps(report))
"""


def _unconfined_reach(landlock: str) -> dict[str, Any]:
    """Grade the probe unconfined (no user namespaces), with another student's file readable by every account,
    the course seed in the grader's environment, and the kit's solutions where they are."""
    others = Path(tempfile.mkdtemp())  # outside pytest's own folders, which are closed to other accounts
    try:
        others.chmod(0o755)
        other = others / "derivatives.py"
        other.write_text("def df_poly(x):\n    return 'bob'\n")
        other.chmod(0o644)
        token = f"calcgrade-left-{os.getpid()}-{time.monotonic_ns()}"
        bus = socket.socket(socket.AF_UNIX)  # a service listening on a path every account may connect to
        bus.bind(str(others / "bus"))
        bus.listen()
        (others / "bus").chmod(0o777)
        log = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)  # a system log's socket, say
        log.bind(str(others / "log"))
        (others / "log").chmod(0o777)
        log.setblocking(False)
        names = {"OTHER": str(other), "SOLUTION": str(kit.SOLUTIONS_DIR / "derivatives.py"), "TOKEN": token,
                 "BUS": str(others / "bus"), "LOG": str(others / "log")}
        done = subprocess.run([sys.executable, "-c", UNCONFINED_REACH, landlock, json.dumps(names)],
                              capture_output=True, text=True, timeout=120,
                              env={**os.environ, "CALCGRADE_SEED": "course-secret-4711"})
        bus.close()
        try:
            logged = log.recv(100)
        except BlockingIOError:
            logged = b""
        log.close()
        assert done.returncode == 0, done.stderr[-2000:]
        assert logged == b"", "a child reached a datagram socket by its path"
        assert other.stat().st_mode & 0o777 == 0o644  # its mode unchanged
        left = [path for path in (Path("/dev/shm") / token, Path("/tmp") / token) if path.exists()]
        for path in left:
            path.unlink()
        return {**json.loads(done.stdout), "left": [str(path) for path in left]}
    finally:
        shutil.rmtree(others)


def _kernel_has_landlock() -> bool:
    return confine.libc.syscall(confine.SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0),
                                confine.LANDLOCK_CREATE_RULESET_VERSION) >= 1


def test_unconfined_student_code_reaches_no_secret_no_other_student_and_not_the_grader():
    """Red team: unconfined (no user namespaces), as an ordinary user the children ran as the grader's own user
    and read `$CALCGRADE_SEED` from its environment, ended it and rewrote OUT; as root (uid 65534) they read the
    grader's command line, other students' files and the kit's reference solutions, and left files in /dev/shm
    that outlived the batch. Landlock (made once per template) and seccomp now keep the child to the Python
    installation and its working folder, and its signals to its own processes. Round 18: `sendmsg` reached a
    datagram socket by its path, an ordinary user's child had no bound on its processes, a folder made `0o300`
    could not be emptied, and files in the shared folder had no bound (memory, on a tmpfs)."""
    if not _kernel_has_landlock():
        pytest.skip("this kernel has no Landlock: unconfined grading here reads what its uid can")
    report = _unconfined_reach("landlock")
    assert "refused" not in report, report
    assert any(layer.startswith("Landlock") for layer in report["walls"]["layers"]), report["walls"]
    probe = report["probe"]
    for denied in ("environ", "cmdline", "signal", "signal_all", "limits", "other_student", "solutions", "shm",
                   "tmp", "chmod", "connect", "sigio", "sendmsg", "mkdir_without_rights", "inotify",
                   "umask_without_rights", "fallocate"):
        assert probe[denied].startswith("denied "), (denied, probe[denied])
    assert probe["tempfile"] == "True" and probe["numpy"] == "1.0"  # its own folder, and NumPy, work
    limit = int(probe["process_limit"])
    assert limit != resource.RLIM_INFINITY, probe
    if os.geteuid() == 0:  # counted for the unprivileged uid alone
        assert limit == confine.MAX_PROCESSES and 0 < int(probe["processes"]) <= confine.MAX_PROCESSES, probe
    else:  # the user's count when the child began, and 16 more: processes of the user that end meanwhile (a test
        # run alongside, say) free places the child may take, so its forks are bounded by the user's total
        assert limit <= confine.tasks_of(os.getuid()) + confine.MAX_PROCESSES + 64, probe
        assert 0 < int(probe["processes"]) <= limit, probe
    assert report["fill"] != "ok" and report["after_fill"] == []  # past its scratch space: ended, and nothing left
    assert report["left"] == [] and report["own_run"] == 2.5


def test_unconfined_grading_as_an_ordinary_user_without_landlock_is_refused():
    """Without Landlock (here: a seccomp filter answers landlock_create_ruleset with ENOSYS, as an older kernel
    does), an ordinary user's unconfined children would run as that user with nothing in their way: grading is
    refused, and says what is missing; a student's own run goes on. As root the children still take uid 65534,
    seccomp keeps their signals to their own group, and the walls name Landlock as missing."""
    report = _unconfined_reach("no-landlock")
    assert report["own_run"] == 2.5
    if os.geteuid() != 0:
        assert "refused" in report and "Landlock" in report["refused"], report
        assert "cannot confine student code here" in report["refused"]
    else:
        assert "refused" not in report, report
        assert any("Landlock" in missing for missing in report["walls"]["missing"]), report["walls"]
        assert report["probe"]["environ"].startswith("denied ") and report["probe"]["signal"].startswith("denied ")


def test_landlock_works_whatever_errno_an_earlier_call_left():
    """The Landlock binding judges its calls by errno: one left set by a failed call before (a /proc mount
    refused `subset=pid` on a kernel before 5.8) made it refuse a call that had succeeded."""
    if not _kernel_has_landlock():
        pytest.skip("this kernel has no Landlock")
    ctypes.set_errno(errno.EINVAL)
    rights, layer = confine.landlock_rights()
    assert rights is not None, layer


HALF_BUILT = r"""
import errno, json, pyseccomp
forbid = pyseccomp.SyscallFilter(pyseccomp.ALLOW)
for call in ("mount", "sethostname"):  # user namespaces made, but nothing done in them (AppArmor's restriction)
    forbid.add_rule(pyseccomp.ERRNO(errno.EPERM), call)
forbid.load()
from grader.sandbox.client import Call, Sandbox
with Sandbox(confinement="unconfined") as box:
    walls = box.walls()
    _, (outcome,) = box.run({"m": "def f():\n    return 2.5\n"}, [Call("m", "f", ())])
print(json.dumps({"walls": walls, "value": outcome.value}))
"""


def test_unconfined_grading_goes_on_where_namespaces_are_made_but_not_usable():
    """Red team: where a user namespace can be made but nothing done in it (Ubuntu's AppArmor restriction of
    unprivileged user namespaces), the walls failed half built and the fallback ran inside those namespaces: the
    template, uid 0 there, took itself for root, chowned its folder to an unmapped uid and died; `--unconfined`
    could not grade at all. The grader now starts a template that does not try the namespaces."""
    done = subprocess.run([sys.executable, "-c", HALF_BUILT], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["value"] == 2.5
    assert report["walls"]["confined"] is False and "seccomp" in report["walls"]["layers"]
    assert any(missing.startswith("namespaces") for missing in report["walls"]["missing"])
