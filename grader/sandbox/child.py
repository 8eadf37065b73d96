"""What runs in the process that executes student code (forked from the warm template).

The child gets the submission's sources and a list of calls as one JSON message, loads each module
from its source (never from the submission folder, so extra files there cannot shadow anything),
runs the calls in order and answers one JSON line per module load and per call. It holds no
expected value and no reference: there is nothing in this process worth stealing.

A job may say that more calls follow (`Sandbox.run`'s barrier: a submission's hidden calls, sent once the
public calls' answers are read): the child reads that second list after its first answers, as a session
does its calls. A job marked as a session (`Sandbox.session`) keeps the child serving after its calls: it reads one
more call per line and answers it, until the parent closes the channel. Those calls are read after
student code has run, which is harmless: the parent decides what is asked and judges every answer as
untrusted data, so a tampered loop can only spoil its own answers.

A session's call may name oracles: module functions that, for that call only, stand in for the student's own
and ask the parent (one line out, one line back) instead of computing. The parent answers from the reference,
only for arguments the reference itself reaches on that check (`grader.carry_forward`); nothing else comes back.
A call may also name module functions kept intact: for that call they work on copies of their arguments and answer
a copy, so that a caller is judged given callees that leave their inputs alone (their own checks still count what
they change in place).
"""

from __future__ import annotations

import _signal
import builtins
import contextlib
import copy
import functools
import gc
import importlib.abc
import importlib.util
import io
import os
import signal
import sys
import threading
import time
import traceback
import types
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy

from grader.plain import dumps, from_wire, loads, to_wire
from grader.sandbox.by_hand import KEPT_UNTIL_THE_END, InputOnly, RealNumbersOnly, original_code, plain_names

# What the guards of derivatives worked out by hand use while the student's code runs, bound when the template loads
# this module: plain code of the student's can rebind an attribute of a module (`functools.partial`, `types.ModuleType`,
# `threading.active_count`, `signal.pthread_sigmask`, also through `dataclasses.types`), and the builtins through
# `dataclasses.builtins`, so the guards look none of them up at run time (red team round 42, 01) and this module's
# builtins are a copy.
__builtins__ = dict(vars(builtins))  # noqa: A001 - this module's own builtins, a copy the student's code cannot reach
FunctionType, MethodType, CodeType, ModuleType = types.FunctionType, types.MethodType, types.CodeType, types.ModuleType
partial = functools.partial
SYS_MODULES = sys.modules
import_module = importlib.import_module
gettrace, settrace, getprofile, setprofile = sys.gettrace, sys.settrace, sys.getprofile, sys.setprofile
current_frames, add_audit_hook = sys._current_frames, sys.addaudithook
threading_settrace, active_count, get_ident = threading.settrace, threading.active_count, threading.get_ident
collector_off = gc.disable
# `_signal`'s own functions: `signal.pthread_sigmask` and `signal.valid_signals` are Python wrappers that look up
# `_signal` and `_int_to_enum` in `signal`'s namespace at every call (plain code can rebind them) and build an enum of
# every signal each time (most of a by-hand call's own cost, twice per call)
pthread_sigmask, setitimer, alarm = _signal.pthread_sigmask, signal.setitimer, signal.alarm
EVERY_SIGNAL = frozenset(_signal.valid_signals())
SIG_BLOCK, SIG_UNBLOCK = signal.SIG_BLOCK, signal.SIG_UNBLOCK
TIMERS = (signal.ITIMER_REAL, signal.ITIMER_VIRTUAL, signal.ITIMER_PROF)

OUTPUT_LIMIT = 4000
MESSAGE_LIMIT = 500  # characters of an exception's message shown to the student
GIVEN: dict[str, Any] = {}  # the grader's own functions, by name, as student code is passed them


def install_given(sources: dict[str, dict[str, Any]]) -> None:
    """Build the given functions from their NumPy source (see `grader.given.numpy_sources`)."""
    import numpy

    for name, source in sources.items():
        variables, code = source["variables"], source["code"]
        if source["of_point"]:
            text = (f"def given(point):\n    {', '.join(variables)}, = numpy.asarray(point, dtype=float)\n"
                    f"    return float({code})\n")
        elif source["constant"]:  # `+ 0·x` gives the constant the shape of x
            x = variables[0]
            text = f"def given({x}):\n    return ({code}) + 0.0 * numpy.asarray({x}, dtype=float)\n"
        else:
            text = f"def given({variables[0]}):\n    return {code}\n"
        namespace: dict[str, Any] = {"numpy": numpy}
        exec(compile(text, f"<given {name}>", "exec"), namespace)  # noqa: S102 - the grader's own code
        namespace["given"].__name__ = name.rsplit(".", 1)[-1].rstrip("'")
        GIVEN[name] = namespace["given"]


class StudentModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves the submission's modules by name from their source text."""

    def __init__(self, sources: dict[str, str]):
        self.sources = sources

    def find_spec(self, name, path=None, target=None):
        if name in self.sources:
            return importlib.util.spec_from_loader(name, self, origin=f"{name}.py")
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        module.__file__ = f"{module.__name__}.py"
        exec(compile(self.sources[module.__name__], module.__file__, "exec"), module.__dict__)  # noqa: S102


REFUSED_PACKAGES: frozenset[str] = frozenset()  # set by the template: what student code may not import


class _RefusedModule(types.ModuleType):
    """What `import sympy` gives student code: a module each of whose names raises, so that an import at the
    top of a module costs only the functions that use it."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise ModuleNotFoundError(refused_message(self.__name__.split(".")[0]))


def refused_message(package: str) -> str:
    return (f"`{package}` is not available to graded code: an exercise may import NumPy and Python's standard "
            "library only")


class RefusedPackages(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Answers an import of a package student code may not use (`grader.sandbox.confine.foreign_packages`:
    SymPy, mpmath, ...) with a `_RefusedModule`, whether or not the package's files are hidden here (they are
    behind the walls; in a student's own unconfined run they are not)."""

    def __init__(self, refused: frozenset[str]):
        self.refused = refused

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.refused and name not in SYS_MODULES:
            return importlib.util.spec_from_loader(name, self, is_package=True)
        return None

    def create_module(self, spec):
        module = _RefusedModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        return None


class BoundedText(io.StringIO):
    """Captures what student code prints, up to a limit (huge output must not cost memory)."""

    def write(self, text: str) -> int:
        room = OUTPUT_LIMIT - self.tell()
        if room > 0:
            super().write(str(text)[:room])
        return len(text)


CELL_STAND_IN = "this cell "  # how a notebook cell that Python cannot read tells it (`notebook_source._stand_ins`)


def describe_error(error: BaseException, files: dict[str, list[str]], where: tuple[str, int] | None) -> str:
    """`Type: message (file.py, line N: code)`, pointing at the student's own line (`where`, from
    `error_location`) where there is one. The message is bounded, and an exception whose message cannot
    be made is still described."""
    try:
        message = str(error)
    except Exception:  # noqa: BLE001 - a student's exception may break its own __str__
        message = "(its message could not be shown)"
    if len(message) > MESSAGE_LIMIT:
        message = message[:MESSAGE_LIMIT] + " …"
    text = f"{type(error).__name__}: {message}".rstrip(": ")
    if isinstance(error, SyntaxError) and error.filename in files:
        return f"{text.split(' (', 1)[0]} ({error.filename}, line {error.lineno})"
    if isinstance(error, SyntaxError) and error.filename is None and message.startswith(CELL_STAND_IN):
        # a notebook cell's stand-in (`notebook_source`): the cell and its line are in the message; the module
        # around it is the kit's, which the student never wrote (QA round 59, 11: "line 33" of it, the text twice)
        return text
    if where:
        filename, lineno = where
        lines = files[filename]
        code = lines[lineno - 1].strip() if 0 < lineno <= len(lines) else ""
        return f"{text} ({filename}, line {lineno}: {code})"
    return text


def error_location(error: BaseException, files: dict[str, list[str]]) -> tuple[str, int] | None:
    """The student's own file and line where the exception was raised, if it came from their code."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename in files]
    return (frames[-1].filename, frames[-1].lineno or 0) if frames else None


def _load(name: str, files: dict[str, list[str]]) -> dict[str, Any]:
    try:
        module = import_module(name)
    except BaseException as error:  # noqa: BLE001 - anything a student's import does is reported
        return {"module": name, "ok": False, "error": describe_error(error, files, error_location(error, files))}
    functions = sorted(key for key, value in vars(module).items() if callable(value) and not key.startswith("_"))
    return {"module": name, "ok": True, "functions": functions}


@dataclass(frozen=True)
class Request:
    """One call, as read from the job before any student code runs: nothing the student's code does
    (it can reach the job by walking its frames) changes how a call is made or what is reported."""

    id: int
    module: str
    function: str
    arguments: bytes  # [args, kwargs] as sent, decoded afresh for the call
    return_args: bool
    oracles: tuple[str, ...] = ()  # functions of the module answered by the parent during this call
    by_hand: bool = False  # a derivative worked out by hand: the submission's functions take real numbers only
    differentiates: str = ""  # and this module function is evaluated at the call's input only
    numpy_types: bool = False  # the value answered keeps its NumPy types (error carried forward's calls)
    # functions of the module that, during this call, work on copies of their arguments and answer a copy (a
    # caller judged given its callees leave their inputs alone, as their docstrings promise)
    kept_intact: tuple[str, ...] = ()
    as_arrays: tuple[str, ...] = ()  # of those, the ones whose list or tuple answer is made the promised array
    differentiated_nowhere: bool = False  # the function `differentiates` names is not evaluated at all (a polynomial)
    held_alike: tuple[str, ...] = ()  # module functions that evaluate the differentiated one: held at the input too

    @classmethod
    def read(cls, request: dict[str, Any]) -> Request:
        oracles = request.get("oracles") or ()
        intact, arrays = request.get("kept_intact") or (), request.get("as_arrays") or ()
        alike = request.get("held_alike") or ()
        return cls(int(request["id"]), str(request["module"]), str(request["function"]),
                   dumps([request["args"], request["kwargs"]]), request.get("return_args") is True,
                   tuple(str(name) for name in oracles) if isinstance(oracles, list) else (),
                   request.get("by_hand") is True, str(request.get("differentiates") or ""),
                   request.get("numpy_types") is True,
                   tuple(str(name) for name in intact) if isinstance(intact, list) else (),
                   tuple(str(name) for name in arrays) if isinstance(arrays, list) else (),
                   differentiated_nowhere=request.get("differentiated_nowhere") is True,
                   held_alike=tuple(str(name) for name in alike) if isinstance(alike, list) else ())


class OracleUnavailable(Exception):
    """The parent gave no answer for this call of an oracle (arguments the reference never reaches)."""


@dataclass(frozen=True)
class Link:
    """The channel to the parent, for an oracle's question and its answer."""

    send: Any
    reader: Any


def _oracle(name: str, request_id: int, link: Link) -> Any:
    """A stand-in for module function `name`: sends its arguments to the parent and returns its answer."""
    given_names = {id(function): given for given, function in GIVEN.items()}

    def plain(value: Any) -> Any:  # a given function goes back by name, as it came
        if callable(value) and id(value) in given_names:
            return {"$given": given_names[id(value)]}
        if isinstance(value, tuple | list):
            items = [plain(item) for item in value]
            return {"$tuple": items} if isinstance(value, tuple) else items
        return to_wire(value)

    def ask(*args: Any, **kwargs: Any) -> Any:
        link.send(dumps({"id": request_id, "oracle": name, "args": plain(list(args)),
                         "kwargs": {str(key): plain(value) for key, value in kwargs.items()}}))
        try:
            reply = loads(link.reader.readline())
            return from_wire(reply["value"], GIVEN.__getitem__)
        except (ValueError, TypeError, KeyError, RecursionError) as error:
            raise OracleUnavailable(f"{name}: no answer for these arguments") from error

    ask.__name__ = name
    return ask


def _intact(function: Any, as_array: bool = False) -> Any:
    """`function` working on deep copies of its arguments and answering a deep copy of its value: whatever it does
    in place reaches neither its caller's arrays nor what it returned (a copy of a given function is itself).
    `as_array`: a list or tuple it answers comes back as the float array its docstring promises."""
    def kept(*args: Any, **kwargs: Any) -> Any:
        value = copy.deepcopy(function(*copy.deepcopy(args), **copy.deepcopy(kwargs)))
        return numpy.asarray(value, dtype=float) if as_array and isinstance(value, list | tuple) else value

    kept.__name__ = getattr(function, "__name__", "kept")
    return kept


def _call(request: Request, files: dict[str, list[str]], link: Link | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"id": request.id}
    module = SYS_MODULES.get(request.module)
    # read from the module's own namespace (`getattr` would run a module `__getattr__` of the student's where the
    # name is missing: red team round 38, 02), whose names a by-hand child has checked are text
    function = vars(module).get(request.function) if type(module) is ModuleType else None
    if function is None or not callable(function):
        answer.update(status="missing")
        return answer
    sent_args, sent_kwargs = loads(request.arguments)
    args = from_wire(sent_args, GIVEN.__getitem__, numpy_types=True)  # the parent's: NumPy's types where it kept them
    kwargs = {key: from_wire(value, GIVEN.__getitem__, numpy_types=True) for key, value in sent_kwargs.items()}
    printed = BoundedText()
    own = {name: vars(module).get(name) for name in request.oracles} if link is not None else {}
    intact = {name: vars(module).get(name) for name in request.kept_intact
              if name not in own and callable(vars(module).get(name))}
    # a derivative worked out by hand: its answer is made plain data (an error's text, the arguments after the
    # call) inside the guard too, since a float subclass's `__float__` or an exception's `__str__` is the student's
    # code, run where the answer is read
    with contextlib.ExitStack() as guard:
        if request.by_hand:
            guard.enter_context(_real_numbers_only(
                files, module, InputOnly(request.differentiates, args, nowhere=request.differentiated_nowhere,
                                                  alike=request.held_alike)
                if request.differentiates else None, (*args, *kwargs.values()),
                # a by-hand call that differentiates none of them (`sse_gradient`) refuses them all (round 39, 06)
                _DIFFERENTIATED_HERE - {request.differentiates} if request.differentiates else _DIFFERENTIATED_HERE))
            _signals_delivered()  # a signal that came between calls is handled here, guarded
        _answer_call(answer, request, function, args, kwargs, module, files, link, printed, own, intact)
        if request.by_hand:
            _hooks_removed()  # the child's own code below must not run the student's
            KEPT_UNTIL_THE_END.append(function)  # a callable object let go later would run its `__del__` there
            del args, kwargs, own, intact  # what the call left in them is freed here, guarded
            _nothing_runs_between_calls()
    return answer


def _nothing_runs_between_calls() -> None:
    """In a child of derivatives worked out by hand, once a module is loaded and after each call, while still
    guarded: no code of the student's runs until the next call. The cyclic collector is off (an object's `__del__`
    or a `weakref.finalize` callback would run wherever a collection starts, unguarded, as would `gc.callbacks`)
    and interval timers are stopped, and every signal is held back until the next call's guard is in force (a
    signal handler runs between any two instructions of the child's own: a timer, or a CPU limit lowered to
    `SIGXCPU`); threads, profile and trace functions and audit hooks are `_runs_beside`'s."""
    collector_off()
    for timer in TIMERS:
        setitimer(timer, 0)
    alarm(0)
    pthread_sigmask(SIG_BLOCK, EVERY_SIGNAL)


def _signals_delivered() -> None:
    """Inside a by-hand call's guard: the signals held back between calls are let through (handled here)."""
    pthread_sigmask(SIG_UNBLOCK, EVERY_SIGNAL)


def _answer_call(answer: dict[str, Any], request: Request, function: Any, args: tuple[Any, ...],
                 kwargs: dict[str, Any], module: types.ModuleType, files: dict[str, list[str]], link: Link | None,
                 printed: BoundedText, own: dict[str, Any], intact: dict[str, Any]) -> None:
    """`_call`'s work once the function is found: the call, and its answer as plain data in `answer`."""
    started = time.perf_counter()
    try:
        streams = sys.stdout, sys.stderr  # what redirect_stdout and redirect_stderr do, without their objects
        sys.stdout = sys.stderr = printed
        try:
            for name in own:
                setattr(module, name, _oracle(name, request.id, link))
            for name, student_function in intact.items():
                setattr(module, name, _intact(student_function, name in request.as_arrays))
            value = function(*args, **kwargs)
        finally:
            sys.stdout, sys.stderr = streams
            for name, student_function in [*own.items(), *intact.items()]:
                if student_function is None:
                    vars(module).pop(name, None)
                else:
                    setattr(module, name, student_function)
        answer.update(status="ok", value=to_wire(value, numpy_types=request.numpy_types))
    except NotImplementedError:
        answer.update(status="not_implemented")
    except BaseException as error:  # noqa: BLE001 - SystemExit and KeyboardInterrupt included
        where = error_location(error, files)
        answer.update(status="error", error=describe_error(error, files, where), error_type=type(error).__name__,
                      error_at=where, memory=isinstance(error, MemoryError))
    answer["seconds"] = time.perf_counter() - started
    answer["output"] = printed.getvalue()
    if request.return_args:
        try:
            answer["args_after"] = [None if callable(arg) else to_wire(arg) for arg in (*args, *kwargs.values())]
        except Exception:  # noqa: BLE001 - a mangled argument is reported as such
            answer["args_after"] = None


def _real_numbers_only(files: dict[str, list[str]], module: types.ModuleType,
                       input_only: InputOnly | None, passed: Iterable[Any] = (),
                       elsewhere: frozenset[str] = frozenset()) -> RealNumbersOnly:
    """The guard of `grader.sandbox.by_hand` over every submission module loaded so far and the grader's own given
    functions (refused but for those `passed`, the call's own arguments), `input_only` in `module`, and the functions
    `elsewhere` names (those the other derivatives worked out by hand in this child differentiate) refused."""
    loaded = [SYS_MODULES[name] for name in (filename.removesuffix(".py") for filename in files) if name in SYS_MODULES]
    reached = frozenset().union(*(_code_reached(vars(each).get(name), frozenset(files))
                                  for each in loaded for name in elsewhere))
    return RealNumbersOnly(loaded, files, module, input_only, GIVEN, passed, (elsewhere, reached))


def serve(channel, reader) -> None:
    """Read the job, then answer one line per module and per call (and per call of a second list the job
    says will follow, and, in a session, per call sent afterwards); the parent enforces the clock."""
    job = loads(reader.readline())
    sources: dict[str, str] = dict(job["modules"])
    requests = tuple(Request.read(request) for request in job["calls"])
    session, more = job.get("session") is True, job.get("more") is True
    guarded = job.get("guard_import")
    guarded = frozenset(str(name) for name in guarded) if isinstance(guarded, list) else frozenset()
    global _DIFFERENTIATED_HERE
    _DIFFERENTIATED_HERE = guarded
    del job
    files = {f"{name}.py": source.splitlines() for name, source in sources.items()}
    if guarded:
        _MAIN_THREAD.append(get_ident())
        add_audit_hook(_audit_hooks_refused)  # before any code of the student's: audit hooks are never removed
        _no_new_processes()
        _grader_modules_unnamed()
    sys.meta_path.insert(0, StudentModules(sources))
    sys.meta_path.insert(1, RefusedPackages(REFUSED_PACKAGES))
    send = channel.sendall
    for name in list(sources):
        try:
            with _import_guard(guarded, frozenset(files)):
                loaded = _load(name, files)
                if guarded:
                    _nothing_runs_between_calls()
                    if beside := _runs_beside(importing=True):  # it would run on, unguarded, after the import
                        raise CalledAtImport(f"{beside} (while {name}.py was imported)")
        except CalledAtImport as refusal:  # caught by the module's own code, or its guard removed: not loaded
            KEPT_UNTIL_THE_END.append(SYS_MODULES.pop(name, None))  # freed, it could run a finaliser of its own
            loaded = {"module": name, "ok": False, "error": f"CalledAtImport: {refusal}"}
            _IMPORTS_REFUSED.append(name)
        send(dumps(loaded))
    for request in requests:
        send(_answer(request, files))
    if more:
        _serve_more(reader, send, files)
    if session:
        _serve_session(reader, send, files, Link(send, reader))
    channel.close()
    os._exit(0)


# The functions the derivatives worked out by hand of this child differentiate (the job's `guard_import`): during
# one of their calls, those the others differentiate refuse to run (`by_hand.RealNumbersOnly`).
_DIFFERENTIATED_HERE: frozenset[str] = frozenset()


class CalledAtImport(RuntimeError):
    """A function a derivative's checks differentiate, called while the submission's modules were imported."""


@contextlib.contextmanager
def _import_guard(names: frozenset[str], files: frozenset[str]) -> Iterator[None]:
    """While the modules load for a child that serves derivatives worked out by hand only, the functions they
    differentiate (`names`, defined in the submission's `files`) refuse to run, in every thread: values taken at
    import (a table of a function's slopes, a polynomial fitted through a few values) would work the derivative out
    before any guard of a call is in force. A function is known by its name while the import runs and, once it is
    done, by its code: a function bound to a differentiated name (or reached from it by name) that ran during the
    import fails it, whatever its `def` called it. A reading of the code noted for the instructor flags `settrace`."""
    if not names:
        yield
        return
    refused: list[str] = []
    ran: set[CodeType] = set()

    def refuse(frame: types.FrameType, event: str, arg: Any) -> None:
        code = frame.f_code
        if event != "call" or code.co_filename not in files:
            return
        ran.add(code)
        if code.co_name in names:
            refused.append(_called_at_import(code.co_name, code.co_filename))
            _TRACE_DROPPED.append(True)  # Python drops a trace function that raised: its audit event is ours
            raise CalledAtImport(refused[-1])

    _as_the_child(settrace, refuse)
    threading_settrace(refuse)
    try:
        yield
    finally:
        # Python drops a trace function that raised: a refusal caught by the module's code (`try: f_poly(0)`) left
        # the rest of its import unguarded. Any refusal, caught or not, and a guard removed, fail the import.
        removed = gettrace() is not refuse
        _TRACE_DROPPED.clear()
        _as_the_child(settrace, None)
        threading_settrace(None)  # type: ignore[arg-type]
    if refused or removed:
        raise CalledAtImport(refused[0] if refused else "the guard of this import was removed while the module was "
                             "imported (`sys.settrace`): during the checks of a derivative worked out by hand it "
                             "stays in force")
    for filename in sorted(files):
        module = SYS_MODULES.get(filename.removesuffix(".py"))
        if module is None:
            continue
        if type(module) is not ModuleType:  # its attributes could run code of the student's, unguarded
            raise CalledAtImport(f"{filename} put something else than a module in its place while it was imported: "
                                 "during the checks of a derivative worked out by hand, a module stays a module")
        if not plain_names(vars(module)):  # a lookup below would run a key's `__eq__`, untraced (round 39, 04)
            raise CalledAtImport(f"{filename} holds a name that is not text in its namespace: during the checks of "
                                 "a derivative worked out by hand, every name of a module is text")
        for name in sorted(names):
            if ran.intersection(_code_reached(module.__dict__.get(name), files)):
                raise CalledAtImport(_called_at_import(name, filename))


def _called_at_import(name: str, filename: str) -> str:
    return (f"`{name}` was called while {filename} was imported: during the checks of a derivative worked out by "
            "hand, the function you differentiate runs at the input of a check only (a call of it at the top of "
            "your module, kept from a test, belongs in a test of your own)")


def _code_reached(function: Any, files: frozenset[str]) -> set[CodeType]:
    """The code of a submission's function and of every function of the submission it reaches: nested in its code,
    in its closure, named in its code and bound in its module (`f_wave = lambda x: _f(x)` reaches `_f`), or, for a
    callable object, in its class. Read from the objects' own slots, never through an attribute a class could
    define: nothing of the student's runs."""
    reached: set[CodeType] = set()
    seen: set[int] = set()
    waiting = [function]
    while waiting:
        item = waiting.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if type(item) is partial:
            waiting.append(item.func)
        elif type(item) is MethodType:
            waiting.append(item.__func__)
        elif type(item) is FunctionType:
            own_code = original_code(item)  # a guard's stand-in in its place after a call
            if own_code.co_filename not in files:
                continue
            namespace = item.__globals__
            if not plain_names(namespace):  # a lookup would run a key's `__eq__`: read nothing from it
                namespace = {}
            codes = [own_code]
            waiting.extend(cell.cell_contents for cell in item.__closure__ or () if _filled(cell))
            while codes:
                code = codes.pop()
                if code not in reached:
                    reached.add(code)
                    codes.extend(const for const in code.co_consts if type(const) is CodeType)
                    waiting.extend(dict.get(namespace, name) for name in code.co_names)
        elif not issubclass(type(item), type | ModuleType) and item is not None:  # not `isinstance`: it reads
            # `__class__`, a property a class of the student's can define (red team round 37, 03)
            for klass in _CLASS_MRO(type(item)):
                waiting.extend(value for value in _CLASS_DICT(klass).values() if type(value) is FunctionType)
    return reached


# A class's own namespace and bases, read from `type`'s slots: a metaclass could redefine the attributes.
_CLASS_DICT = type.__dict__["__dict__"].__get__
_CLASS_MRO = type.__dict__["__mro__"].__get__


def _filled(cell: types.CellType) -> bool:
    try:
        cell.cell_contents  # noqa: B018 - an empty cell raises
    except ValueError:
        return False
    return True


def _answer(request: Request, files: dict[str, list[str]], link: Link | None = None) -> bytes:
    """One call's answer line (an error answer for a value JSON cannot carry). In a child of derivatives worked out
    by hand, no call is made once code of the student's could run beside its calls (`_runs_beside`)."""
    global _THREADED
    if _DIFFERENTIATED_HERE and not _THREADED:
        _THREADED = _runs_beside() or _modules_unguardable(files)
    if _THREADED:
        return _refused(request, _THREADED)
    try:
        answer = dumps(_call(request, files, link))
    except (TypeError, ValueError) as error:
        answer = dumps({"id": request.id, "status": "error", "error": f"unreadable result: {error}"})
    if _DIFFERENTIATED_HERE and (threaded := _runs_beside() or _modules_unguardable(files)):
        _THREADED = threaded
        return _refused(request, threaded)
    return answer


def _refused(request: Request, why: str) -> bytes:
    """The answer line of a call this child of derivatives worked out by hand no longer makes."""
    return dumps({"id": request.id, "status": "error", "error": why, "error_type": "RuntimeError"})


_THREADED = ""  # why this child of derivatives worked out by hand answers no more calls


def _modules_unguardable(files: dict[str, list[str]]) -> str:
    """Why no derivative worked out by hand is answered here, or "": a submission's module put out of its place in
    `sys.modules` during a call (the next call's guard and lookup read its attributes, which could run code of the
    student's before any guard is in force), a name in a module's namespace that is not text (a lookup there runs
    its `__eq__`), or a module whose import the guard refused (a refusal caught in its code left the rest of its
    import unguarded, where it could table another module's function: red team round 38, 07)."""
    for filename in files:
        module = SYS_MODULES.get(filename.removesuffix(".py"))
        if module is not None and type(module) is not ModuleType:
            return (f"{filename} put something else than a module in its place during a call: derivatives worked out "
                    "by hand are computed in the call itself, and their checks make no call after that")
        if module is not None and not plain_names(vars(module)):
            return (f"{filename} holds a name that is not text in its namespace: derivatives worked out by hand are "
                    "checked only where every name of a module is text")
    if _IMPORTS_REFUSED:
        return (f"{_IMPORTS_REFUSED[0]}.py called a function differentiated here while it was imported (see why it "
                "could not be imported): derivatives worked out by hand are computed in the call itself, and their "
                "checks make no call once a module's import was refused for that")
    return ""


_IMPORTS_REFUSED: list[str] = []  # the modules whose import a by-hand child's import guard refused


def _grader_modules_unnamed() -> None:
    """In a child of derivatives worked out by hand, before any code of the student's: the grader's own modules are
    taken out of `sys.modules` (kept alive here), so nothing imports them by name there, where the guard keeps the
    original code of what it swapped (`optparse.Values.read_module("grader.sandbox.by_hand")` handed out its
    namespace, and unpickled data its table of original code: red team round 47, 01 and 05). The kit's package is
    behind the walls, so such an import fails."""
    for name in [name for name in SYS_MODULES if name == "grader" or name.startswith("grader.")]:
        KEPT_UNTIL_THE_END.append(SYS_MODULES.pop(name))


def _no_new_processes() -> None:
    """In a child of derivatives worked out by hand, before any code of the student's: no process of its own (a
    forked copy would run beyond the import guard's trace, red team round 39, 01), where libseccomp is installed."""
    from grader.sandbox import confine

    program = confine.no_new_processes()
    if program is not None:
        program.load()


def _runs_beside(*, importing: bool = False) -> str:
    """Why no derivative worked out by hand is answered here, or "": code of the student's that runs while no call
    is guarded (the guard of a call holds the differentiated function only while that call runs), where values it
    takes between calls would work the derivative out: a thread besides the child's own, a profile or trace
    function (run at every call and return of the child's own code), an audit hook (at every audited event; refused,
    `_audit_hooks_refused`), each set at import or during a call. While a module is `importing`, the trace function
    is the import guard's own (which fails the import where another takes its place)."""
    if _THREADS_STARTED or len(current_frames()) > 1 or active_count() > 1:
        return ("a thread of your code ran beside the calls: derivatives worked out by hand are computed in the call "
                "itself, and their checks make no call once another thread has been started")
    if _HOOKS_SET or getprofile() is not None or not importing and gettrace() is not None:
        return ("a profile or trace function of your code was set (`sys.setprofile`, `sys.settrace`): derivatives "
                "worked out by hand are computed in the call itself, and their checks make no call once one runs "
                "between the calls")
    if _AUDIT_HOOKS_ADDED:
        return ("an audit hook of your code was asked for (`sys.addaudithook`, refused): derivatives worked out by "
                "hand are computed in the call itself, and their checks make no call once code of yours could run "
                "between the calls")
    return ""


def _hooks_removed() -> None:
    """A profile or trace function the student's call set is removed (inside the call's guard) and remembered."""
    if getprofile() is not None or gettrace() is not None:
        _as_the_child(setprofile, None)
        _as_the_child(settrace, None)
        _HOOKS_SET.append("profile or trace")


def _as_the_child(set_hook: Any, value: Any) -> None:
    """The child's own setting or removal of a trace or profile function, which its audit hook lets through."""
    _OWN_HOOKS.append(True)
    try:
        set_hook(value)
    finally:
        _OWN_HOOKS.pop()


_HOOKS_SET: list[str] = []  # profile or trace functions a by-hand call set, removed when it returned
_AUDIT_HOOKS_ADDED: list[str] = []  # audit hooks the student's code asked for, in a child of derivatives by hand
_OWN_HOOKS: list[bool] = []  # set while the child's own code sets or removes a trace or profile function
_TRACE_DROPPED: list[bool] = []  # the import guard's trace raised: Python removes it next, as the child's own
_THREADS_STARTED: list[str] = []  # a thread of the student's began (it took the import guard's trace, refused)
_MAIN_THREAD: list[int] = []  # the child's own thread, known when the job is read
# Audit events of a profile or trace function set (`sys.setprofile`, `sys.settrace`, and what calls them: a
# `cProfile.Profile` enabled, `profile`, `trace`; the monitoring of later Pythons)
HOOK_EVENTS = ("sys.setprofile", "sys.settrace", "sys._setprofileallthreads", "sys._settraceallthreads",
               "sys.monitoring")


def _audit_hooks_refused(event: str, _: tuple) -> None:
    """The child's own audit hook where derivatives are worked out by hand: any other audit hook, and any profile or
    trace function of the student's, is refused (a RuntimeError from an audit hook keeps it out) and remembered. A
    profiler enabled during a by-hand call and disabled before it returned listed the code objects that ran, the
    guard's copy of the differentiated function among them, which the student made a function of again (red team
    round 43, 01; at import, a polynomial's code from a module's constants, 02)."""
    if event == "sys.addaudithook":
        _AUDIT_HOOKS_ADDED.append(event)
        raise RuntimeError("audit hooks are refused here")
    if event == "sys.settrace" and _TRACE_DROPPED:  # the import guard's trace, dropped by Python as it raised
        _TRACE_DROPPED.pop()
        return
    if event.startswith(HOOK_EVENTS) and not _OWN_HOOKS:
        if get_ident() != _MAIN_THREAD[0]:  # a thread of the student's, which takes the import guard's trace
            _THREADS_STARTED.append(event)
            raise RuntimeError("threads are refused here: derivatives worked out by hand are computed in the call "
                               "itself")
        _HOOKS_SET.append(event)
        raise RuntimeError("profile and trace functions are refused here: derivatives worked out by hand are computed "
                           "in the call itself")


def _serve_more(reader, send, files: dict[str, list[str]]) -> None:
    """A job's second list of calls, sent once the first list's answers were read: read whole, then answered
    in order (at a line that is not such a list, nothing: the parent never sends one)."""
    try:
        requests = tuple(Request.read(request) for request in loads(reader.readline())["calls"])
    except (ValueError, TypeError, KeyError, RecursionError):
        return
    for request in requests:
        send(_answer(request, files))


def _serve_session(reader, send, files: dict[str, list[str]], link: Link) -> None:
    """A session's calls, one per line, each answered before the next is read (its oracles' questions
    answered by the parent on the way); ends with the channel (or at a line that is not a call: the parent
    never sends one)."""
    while line := reader.readline():
        try:
            request = Request.read(loads(line))
        except (ValueError, TypeError, KeyError, RecursionError):
            return
        send(_answer(request, files, link))
