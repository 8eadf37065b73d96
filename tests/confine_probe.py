"""Attacks on the sandbox, run by `tests/test_confine.py` with a given Python as a given user.

Usage: `python confine_probe.py SPEC.json` prints one JSON object: for each attack, what the student
code saw or did, and what the grader (this process) saw of it afterwards. It imports only the sandbox,
so it runs from any Python where calcgrade is installed, as root or as an ordinary user. The test
decides what counts as a breach; this file only reports.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

from grader.sandbox.client import Call, Limits, Sandbox

MARKER = "31337"  # in the command line of every process an attack leaves behind


def attack(box: Sandbox, body: str, *, calls: int = 1) -> dict[str, Any]:
    source = "def f():\n" + textwrap.indent(textwrap.dedent(body), "    ")
    errors, outcomes = box.run({"m": source}, [Call("m", "f", ())] * calls)
    outcome = outcomes[-1]
    return {"status": outcome.status, "value": outcome.value, "error": outcome.error, "load": errors}


def leftover_processes() -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if MARKER in command and "confine_probe" not in command:
                found.append(command)
    return found


def full_marks(box: Sandbox) -> list[float] | str:
    """A correct module that imports what correct code may import and starts a thread and a detached
    process, graded with hidden checks: (score, max score), or why it could not be graded here."""
    try:
        from grader import kit
        from grader.curriculum import of_module
        from grader.engine import grade_sources
    except ImportError as error:  # a Python without the grader's own dependencies
        return f"not graded: {error}"
    extras = ("import decimal, fractions, logging, statistics, subprocess, threading, time\n"
              "import numpy.fft, numpy.polynomial, sympy\n"
              "threading.Thread(target=time.sleep, args=(10**6,)).start()\n"
              f"subprocess.Popen(['sleep', '{MARKER}'], start_new_session=True)\n")
    result = grade_sources({"linear_model": extras + kit.solution_source("linear_model")}, box, student="s",
                           hidden=True, course_seed="c", exercises=of_module("linear_model"))
    return [result.score, result.max_score]


def left_listening(box: Sandbox, rounds: int = 20) -> list[Any]:
    """A child leaves a process listening on an abstract Unix socket (the template's network namespace is
    shared by its children), and the next child, at once, asks it for what it holds: what each got."""
    leave = """
        import os, socket
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind('\\0calcgrade-left')
        listener.listen(5)
        if os.fork() == 0:
            while True:
                listener.accept()[0].sendall(b'a hidden input')
        return 1
    """
    ask = """
        import socket, time
        for _ in range(100):
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as asking:
                    asking.connect('\\0calcgrade-left')
                    return asking.recv(100).decode()
            except OSError as error:
                seen = type(error).__name__
            time.sleep(0.001)
        return seen
    """
    got = []
    for _ in range(rounds):
        attack(box, leave)
        got.append(attack(box, ask)["value"])
    return got


def end_running_child(box: Sandbox) -> None:
    """End the child that `box` is running, and so every process of its PID namespace: the child of its
    template that has processes of its own (the other child of the template waits, ready, with none)."""
    assert box._template is not None
    below: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            below.setdefault(parent, []).append(int(entry.name))
    for child in below.get(box._template.pid, []):
        if below.get(child):
            try:
                os.kill(child, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def cpu_hog(box: Sandbox) -> dict[str, Any]:
    """A child of another sandbox starts 15 busy processes, each in a session of its own (a scheduling
    group of its own, where the kernel groups by session): what an honest call needing 0.5 s of processor
    time, graded in `box` meanwhile, answered. Once it has answered, the busy child is ended (its processes
    would spin on for the rest of their 6 s, taking the processor from whatever else runs)."""
    found: dict[str, Any] = {}
    with Sandbox(Limits(call_seconds=10.0, total_seconds=30.0)) as hog:
        hog.walls()
        busy = threading.Thread(target=lambda: found.update(attack=attack(hog, """
            import os, time
            for _ in range(15):
                try:
                    if os.fork() == 0:
                        os.setsid()
                        while True:
                            pass
                except OSError:
                    break
            end = time.monotonic() + 6
            while time.monotonic() < end:
                pass
            return 1
        """)))
        busy.start()
        time.sleep(1.0)
        found["honest"] = attack(box, """
            import time
            start = time.process_time()
            while time.process_time() - start < 0.5:
                pass
            return 7
        """)
        end_running_child(hog)
        busy.join()
    return found


HOG_LIMIT = 256 << 20  # the memory limit of the sandbox the hog runs in
HOG_BLOCK = 200 << 20  # what each of its processes holds


def available_memory() -> int:
    with open("/proc/meminfo") as meminfo:
        return next(int(line.split()[1]) * 1024 for line in meminfo if line.startswith("MemAvailable:"))


def memory_hog(box: Sandbox) -> dict[str, Any]:
    """A child that forks 15 processes, each holding nearly the memory limit: how many held it at once (as
    the child saw it), how far the machine's available memory fell meanwhile, and what an honest child
    graded alongside (in `box`) and the next child of the same sandbox answered."""
    found: dict[str, Any] = {"bound": HOG_LIMIT}
    with Sandbox(Limits(call_seconds=10.0, total_seconds=30.0, memory_bytes=HOG_LIMIT)) as hog:
        hog.walls()
        lowest, done = [available_memory()], threading.Event()
        before = lowest[0]

        def sample() -> None:
            while not done.wait(0.02):
                lowest.append(available_memory())

        def honest() -> None:
            found["alongside"] = attack(box, """
                import time
                block = bytearray(50 << 20)
                time.sleep(2.0)
                return 5 + block[-1]
            """)

        threads = [threading.Thread(target=sample), threading.Thread(target=honest)]
        for thread in threads:
            thread.start()
        found["attack"] = attack(hog, f"""
            import os, time
            pids = []
            for _ in range(15):
                try:
                    pid = os.fork()
                except OSError:
                    break
                if pid == 0:
                    try:
                        import ctypes
                        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # not dumpable: hidden from a watch, if allowed
                        block = bytearray({HOG_BLOCK})
                        for i in range(0, len(block), 4096):
                            block[i] = 1
                        time.sleep(60)
                    finally:
                        os._exit(0)
                pids.append(pid)
            time.sleep(4)
            return [len(pids), sum(os.waitpid(pid, os.WNOHANG) == (0, 0) for pid in pids)]
        """)
        done.set()
        threads[1].join()
        threads[0].join()
        found["fell_by"] = before - min(lowest)
        found["next"] = attack(hog, "return 6")
    found["block"] = HOG_BLOCK
    return found


def main(spec: dict[str, Any]) -> dict[str, Any]:
    report: dict[str, Any] = {"uid": os.getuid(), "python": sys.executable}
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    port = listener.getsockname()[1]
    victim = subprocess.Popen(["sleep", "60"])  # a process of the grader's user, outside the child
    os.environ["CALCGRADE_SEED"] = spec["seed"]
    with Sandbox(Limits(call_seconds=5.0, total_seconds=20.0)) as box:
        report["walls"] = box.walls()
        report["environment"] = attack(box, """
            import os
            seen = [repr(dict(os.environ))]
            for path in ('/proc/self/environ', '/proc/1/environ', '/proc/1/cmdline'):
                try:
                    seen.append(open(path, 'rb').read().decode(errors='replace'))
                except OSError as error:
                    seen.append(str(error))
            return seen
        """)
        report["files"] = attack(box, f"""
            import os
            seen = {{}}
            for path in {spec["secret_files"]!r}:
                try:
                    seen[path] = open(path).read()
                except OSError as error:
                    seen[path] = type(error).__name__
            for path in {spec["secret_folders"]!r}:
                try:
                    seen[path] = sorted(os.listdir(path))
                except OSError as error:
                    seen[path] = type(error).__name__
            return repr(seen)
        """)
        report["processes"] = attack(box, f"""
            import os
            mine = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())
            return [mine, os.path.exists('/proc/{os.getpid()}'), os.path.exists('/proc/{victim.pid}')]
        """)
        report["network"] = attack(box, f"""
            import socket
            seen = []
            for family, address in ((socket.AF_INET, ('127.0.0.1', {port})), (socket.AF_INET, ('1.1.1.1', 80)),
                                    (socket.AF_INET6, ('::1', {port}))):
                try:
                    with socket.socket(family, socket.SOCK_STREAM) as s:
                        s.settimeout(1)
                        s.connect(address)
                        s.sendall(b'secret')
                    seen.append('connected')
                except OSError as error:
                    seen.append(type(error).__name__)
            return seen
        """)
        try:
            listener.accept()
            report["network_reached_grader"] = True
        except BlockingIOError:
            report["network_reached_grader"] = False
        report["kernel_objects"] = attack(box, """
            import ctypes, os
            libc = ctypes.CDLL(None, use_errno=True)
            seen = {}
            seen['shmget'] = libc.shmget(0, 1 << 20, 0o1666)
            seen['msgget'] = libc.msgget(0, 0o1666)
            seen['semget'] = libc.semget(0, 1, 0o1666)
            seen['ptrace'] = libc.ptrace(16, 1, 0, 0)
            seen['memfd_create'] = libc.memfd_create(b'hoard', 0)
            try:
                import multiprocessing.shared_memory as sm
                seen['posix_shm'] = sm.SharedMemory(create=True, size=4096).name is not None
            except OSError as error:
                seen['posix_shm'] = str(error)
            return repr(seen)
        """)
        report["writes"] = attack(box, f"""
            import os
            seen = {{}}
            for folder in {spec["writable_probes"]!r}:
                try:
                    with open(os.path.join(folder, 'planted-{MARKER}'), 'w') as file:
                        file.write('x')
                    seen[folder] = 'written'
                except OSError as error:
                    seen[folder] = type(error).__name__
            return repr(seen)
        """)
        report["machine_figures"] = attack(box, """
            seen = {}
            for path in ('/proc/meminfo', '/proc/stat', '/proc/loadavg', '/proc/uptime', '/proc/vmstat',
                         '/proc/self/mountinfo', '/proc/self/mounts', '/proc/thread-self/mountinfo', '/proc/mounts',
                         '/proc/self/cgroup'):
                try:
                    with open(path) as file:
                        seen[path] = file.read()
                except OSError as error:
                    seen[path] = type(error).__name__
            return repr(seen)
        """)
        report["scratch_next_child"] = attack(box, f"""
            import os
            return [name for folder in ('/tmp', '/var/tmp', '/dev/shm') for name in os.listdir(folder)
                    if '{MARKER}' in name]
        """)
        report["kill_everything"] = attack(box, """
            import os, signal
            for target in (-1, 1):  # everything it may signal; 1 is itself, the namespace's init
                try:
                    os.kill(target, signal.SIGKILL if target != 1 else signal.SIGTERM)
                except OSError:
                    pass
            return 1
        """)
        report["own_group"] = attack(box, "import os, signal\nos.kill(0, signal.SIGKILL)\nreturn 1")  # ends itself
        report["after_own_group"] = attack(box, "return 4")
        report["victim_alive"] = victim.poll() is None
        report["left_behind"] = attack(box, f"""
            import ctypes, os, subprocess, threading, time
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, 0, 0, 0, 0)  # no parent-death signal, should one end it
            if os.fork() == 0:
                libc.prctl(1, 0, 0, 0, 0)
                os.setpgid(0, 0)
                os.execvp('sleep', ['sleep', '{MARKER}.25'])
            subprocess.Popen(['sleep', '{MARKER}'], start_new_session=True)
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    os.execvp('sleep', ['sleep', '{MARKER}.5'])
                os._exit(0)
            threading.Thread(target=time.sleep, args=({MARKER},)).start()
            return 2

        """)
        time.sleep(0.5)
        report["leftover_processes"] = leftover_processes()
        report["imports"] = attack(box, """
            import decimal, fractions, logging, statistics, subprocess, threading
            import numpy.fft, numpy.polynomial
            return [statistics.mean([1, 2, 3]), float(numpy.polynomial.Polynomial([1, 2])(1.0))]
        """)
        report["foreign_imports"] = attack(box, """
            import os
            import numpy
            import sympy, mpmath
            said = []
            for use in (lambda: sympy.diff, lambda: mpmath.diff, lambda: __import__('sympy.core').core.Symbol):
                try:
                    use()
                    said.append('used')
                except ModuleNotFoundError as error:
                    said.append(str(error).split(':')[0])
            folder = os.path.join(os.path.dirname(os.path.dirname(numpy.__file__)), 'sympy')
            try:
                said.append(len(os.listdir(folder)) if os.path.isdir(folder) else 'absent')
            except OSError as error:
                said.append(type(error).__name__)
            return said
        """)
        report["foreign_imports_by_path"] = attack(box, """
            import glob, importlib, os, sys
            sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != 'RefusedPackages']
            for name in [n for n in sys.modules if n.split('.')[0] in ('sympy', 'mpmath', 'scipy')]:
                del sys.modules[name]
            places = [*glob.glob(os.path.join(sys.base_prefix, 'lib*', 'python3*', '*-packages')),
                      *glob.glob('/usr/lib/python3*/*-packages'), *glob.glob('/usr/local/lib/python3*/*-packages'),
                      *glob.glob('/opt/*/lib/python3*/*-packages')]
            sys.path.extend(places)
            imported = []
            for name in ('sympy', 'mpmath', 'scipy'):
                try:
                    if getattr(importlib.import_module(name), '__file__', None):  # not an empty folder's namespace
                        imported.append(name)
                except Exception:
                    pass
            return [imported, len(places)]
        """)
        report["fork_bomb"] = attack(box, """
            import os
            made = 0
            for _ in range(200):
                try:
                    if os.fork() == 0:
                        import time
                        time.sleep(30)
                        os._exit(0)
                    made += 1
                except OSError:
                    break
            return made
        """)
        report["full_marks"] = full_marks(box)
        report["left_listening"] = left_listening(box)
        report["memory_hog"] = memory_hog(box)
        report["cpu_hog"] = cpu_hog(box)
        concurrent: dict[str, Any] = {}
        with Sandbox(Limits(call_seconds=5.0)) as other:
            honest = threading.Thread(target=lambda: concurrent.update(honest=attack(other, """
                import time
                time.sleep(1.0)
                return 3
            """)))
            honest.start()
            time.sleep(0.3)
            concurrent["attacker"] = attack(box, "import os, signal\nos.kill(-1, signal.SIGKILL)\nreturn 1")
            honest.join()
        report["concurrent"] = concurrent
    victim.kill()
    report["planted_on_host"] = [folder for folder in spec["writable_probes"]
                                 if os.path.exists(os.path.join(folder, f"planted-{MARKER}"))]
    return report


if __name__ == "__main__":
    print(json.dumps(main(json.loads(Path(sys.argv[1]).read_text())), default=repr))
