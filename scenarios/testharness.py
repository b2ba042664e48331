"""ftstress test harness: runs one test file inside the interpreter under test.

`ftstress test` starts one interpreter per test file with this script. It
imports the file (as a package module when it lives in a package), collects
its tests - test_* functions, unittest.TestCase test methods, and test_*
methods of Test* classes - and runs each one in several threads at once, each
thread calling it --iterations times, every iteration starting together at a
barrier. Results go to the results file, one line at a time, flushed, so that
after a crash or a hang the last "start" line names the culprit. Nothing here
decides what is a finding: the runner reads the results file, pairs TSan
reports with tests and judges.

Results file (tab-separated, first field a tag; in the text fields a
backslash, a tab, a newline and a carriage return are written \\\\, \\t, \\n,
\\r):

  ftstress-testresults 1
  pid PID                       the harness's process id (TSan reports name it)
  module MODULE PATH            what was imported, and the file it came from
  param KEY VALUE               threads, iterations, seed, timeout
  error import|setup|teardown TEXT
                                the file did not import (exit 3), or its
                                module-level setup or teardown raised
  skipfile REASON               the module skipped itself (unittest.SkipTest)
  collect NAME                  a selected test, in the order they run
  deselect NAME                 a test -k left out
  start NAME THREADS ITERATIONS SEQ
                                a test begins; SEQ is the number of TSan
                                reports this process made so far (counted in
                                its TSan log, numbered as the runner does)
  serial NAME REASON            the test runs in one thread, and why
  failure NAME ITERATION WHO TEXT
                                a traceback; ITERATION 1..K is an iteration of
                                the body, 0 is outside one (setUp, tearDown,
                                a thread the test started); WHO names the thread
  end NAME OUTCOME ITERATIONS_RUN FAILED_ITERATIONS FAILED_CALLS SECONDS SEQ REASON
                                OUTCOME is passed, failed, skipped or xfailed;
                                TSan reports with a number in (start SEQ, end
                                SEQ] were made while the test ran
  done SEQ [stopped]            the harness finished (stopped: by --exitfirst)
  runner NAME VERSION           who collected: "unittest" (this file) or "pytest"
                                (ftstress_pytest.py, when pytest is importable)
  gil MODULE WHEN               the GIL was enabled: MODULE is the module whose
                                import did it (from its RuntimeWarning; "?" when
                                unknown), WHEN "import" (importing the test file)
                                or the NAME of the test during which it happened

NAME is "function", "Class::method". Exit status: 0 when done, 3 when the file
does not import. A per-test watchdog (faulthandler.dump_traceback_later) prints
every thread's Python stack after --timeout seconds and ends the process with
status 1, without a "done" line. --resume-after NAME and --resume-at NAME run
only the tests after (or from) NAME, for a harness restarted after a crash.
"""

import argparse
import dis
import faulthandler
import importlib
import importlib.util
import inspect
import os
import sys
import threading
import time
import traceback
import unittest

import ftstress_markers

RESULTS_FORMAT = "ftstress-testresults 1"
EXIT_BAD_INPUT = 3
MAX_FAILURE_LINES = 5  # tracebacks written per test; the rest are only counted


def escape(text):
    return (str(text).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


class Results:
    """The results file: every line appended and flushed at once."""

    def __init__(self, path):
        self.file = open(path, "a", encoding="utf-8", errors="replace")
        self.lock = threading.Lock()

    def line(self, *fields):
        text = "\t".join(escape(f) for f in fields)
        with self.lock:
            self.file.write(text + "\n")
            self.file.flush()


class ReportCounter:
    """How many TSan reports this process has made so far, counted in its TSan
    log (TSAN_OPTIONS log_path, one file per process: PATH.PID) as the runner
    numbers them: every "WARNING: ThreadSanitizer:" header is one report. TSan
    writes a report out before the racing access returns, so once a test's
    threads are joined its reports are all in the log."""

    HEADER = b"WARNING: ThreadSanitizer:"

    def __init__(self):
        self.path = None
        for option in os.environ.get("TSAN_OPTIONS", "").replace(":", " ").split():
            if option.startswith("log_path="):
                self.path = f"{option[len('log_path='):]}.{os.getpid()}"
        self.offset = 0
        self.partial = b""
        self.seq = 0

    def now(self):
        if not self.path:
            return 0
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except OSError:
            return self.seq
        self.offset += len(data)
        lines = (self.partial + data).split(b"\n")
        self.partial = lines.pop()
        self.seq += sum(1 for line in lines if line.startswith(self.HEADER))
        return self.seq


class GilWatch:
    """Whether an import enabled the GIL, and which module did. CPython
    enables it, once, for the first extension module that does not declare
    Py_mod_gil = Py_MOD_GIL_NOT_USED, and says so in a RuntimeWarning naming
    the module: that warning is let through every filter and noted here (it is
    still shown as it would have been)."""

    MESSAGE = "The global interpreter lock (GIL) has been enabled to load module '"

    def __init__(self):
        import warnings
        self.module = None
        self.reported = False
        self.was_enabled = self.enabled()
        self._show = warnings.showwarning
        warnings.showwarning = self.showwarning
        warnings.filterwarnings("always", message=r"The global interpreter lock \(GIL\) has been enabled",
                                category=RuntimeWarning)

    @staticmethod
    def enabled():
        return bool(getattr(sys, "_is_gil_enabled", lambda: False)())

    def note(self, text):
        text = str(text)
        at = text.find(self.MESSAGE)
        if at >= 0 and self.module is None:
            self.module = text[at + len(self.MESSAGE):].split("'", 1)[0]

    def showwarning(self, message, category, filename, lineno, file=None, line=None):
        self.note(message)
        return self._show(message, category, filename, lineno, file, line)

    def check(self, results, when):
        """Writes the gil line when the GIL is on now and was not reported yet."""
        if self.reported or not self.enabled():
            return False
        self.reported = True
        if self.was_enabled:
            self.module = self.module or "(the interpreter started with the GIL: PYTHON_GIL=1?)"
        results.line("gil", self.module or "?", when)
        print(f"ftstress harness: the GIL is enabled ({self.module or 'unknown module'}, at {when}): "
              "this run does not exercise free-threading", file=sys.stderr)
        return True


# ---------------------------------------------------------------- importing

class BadInput(Exception):
    """The test file cannot be imported; the message says why."""


def is_import_machinery(filename):
    return filename.startswith("<frozen") or filename == importlib.__file__


# Files whose frames lead up to a test and are left out of its tracebacks
# (ftstress_pytest.py adds itself).
HARNESS_FILES = {__file__}


def format_exception(exc, skip_frozen=True):
    """A traceback without the harness's and importlib's own frames, and
    without unittest's assert* internals at its end."""
    tb = exc.__traceback__
    while tb is not None and (tb.tb_frame.f_code.co_filename in HARNESS_FILES or
                              (skip_frozen and is_import_machinery(tb.tb_frame.f_code.co_filename))):
        tb = tb.tb_next
    frames = []
    t = tb
    while t is not None:
        frames.append(t)
        t = t.tb_next
    limit = len(frames)
    while limit > 1 and "__unittest" in frames[limit - 1].tb_frame.f_globals:
        limit -= 1
    return "".join(traceback.format_exception(type(exc), exc, tb, limit=limit)).rstrip("\n")


def module_name_of(path):
    """(root directory, dotted module name): the directories above path that
    hold an __init__.py make its package, as pytest's rootdir-less import does."""
    directory, base = os.path.split(path)
    parts = [os.path.splitext(base)[0]]
    while os.path.isfile(os.path.join(directory, "__init__.py")):
        directory, package = os.path.split(directory)
        parts.insert(0, package)
    return directory, ".".join(parts)


def same_file_in_installed_package(name, path):
    """True when `import name` already resolves, without changing sys.path, to
    a file with path's content: CPython's Lib/test/... run from a source tree
    is then the runtime's installed test package, and the source tree's Lib/
    (the whole standard library) need not shadow the runtime's."""
    try:
        spec = importlib.util.find_spec(name.split(".")[0])
    except (ImportError, ValueError):
        return False
    if spec is None or not spec.submodule_search_locations:
        return False
    rest = name.split(".")[1:]
    for location in spec.submodule_search_locations:
        candidate = os.path.join(location, *rest[:-1], rest[-1] + ".py")
        try:
            with open(candidate, "rb") as a, open(path, "rb") as b:
                if a.read() == b.read():
                    return True
        except OSError:
            continue
    return False


def import_test_file(path):
    root, name = module_name_of(path)
    if "." not in name or not same_file_in_installed_package(name, path):
        sys.path.insert(0, root)
    importlib.invalidate_caches()
    try:
        return importlib.import_module(name)
    except unittest.SkipTest:
        raise
    except SyntaxError as exc:
        raise BadInput(f"{exc.filename}:{exc.lineno}: does not import: SyntaxError: {exc.msg}\n"
                       + format_exception(exc)) from None
    except BaseException as exc:  # a test file may raise anything, SystemExit included
        raise BadInput(f"{path}: does not import: {type(exc).__name__}: {exc}\n"
                       + format_exception(exc)) from None


# ---------------------------------------------------------------- collecting

class Item:
    """One test: a function, or a method of a class."""

    def __init__(self, name, kind, func, cls=None, method=None):
        self.name = name      # "test_x" or "Class::test_x"
        self.kind = kind      # "function", "unittest" or "class"
        self.func = func      # the function object (a method's underlying function)
        self.cls = cls
        self.method = method  # method name for kind unittest and class
        self.first_in_class = False
        self.last_in_class = False


def wanted(obj):
    return getattr(obj, "__test__", True) is not False


def collect(module):
    items = []
    # A plain class that a TestCase of the module derives from is a mixin of
    # test methods (CPython's tests have many), not a pytest-style test class.
    mixins = set()
    for obj in vars(module).values():
        if inspect.isclass(obj) and issubclass(obj, unittest.TestCase):
            mixins.update(obj.__mro__)
    for attr, obj in list(vars(module).items()):
        if inspect.isfunction(obj) and attr.startswith("test") and wanted(obj):
            items.append(Item(attr, "function", obj))
        elif inspect.isclass(obj) and wanted(obj):
            group = []
            if issubclass(obj, unittest.TestCase):
                for method in unittest.TestLoader().getTestCaseNames(obj):
                    group.append(Item(f"{attr}::{method}", "unittest",
                                      getattr(obj, method), obj, method))
            elif attr.startswith("Test") and "__init__" not in vars(obj) and obj not in mixins:
                for method, fn in inspect.getmembers(obj, callable):
                    if method.startswith("test") and wanted(fn):
                        group.append(Item(f"{attr}::{method}", "class", fn, obj, method))
            if group:
                group[0].first_in_class = True
                group[-1].last_in_class = True
                items.extend(group)
    return items


def keyword_matches(rpn, name):
    """-k in the postfix form the runner compiled (src/test/testrun_keyword.h):
    "=WORD" is a case-insensitive substring test on name, "!" not, "&" and, "|" or."""
    stack = []
    lowered = name.lower()
    for token in rpn.split():
        if token.startswith("="):
            stack.append(token[1:].lower() in lowered)
        elif token == "!":
            stack.append(not stack.pop())
        else:
            b, a = stack.pop(), stack.pop()
            stack.append((a and b) if token == "&" else (a or b))
    return stack[-1] if stack else True


# ---------------------------------------------------------------- not in parallel

# Names whose use makes a test unsafe to run beside itself: they change state
# the whole process shares. Looked up in the test's bytecode (and in the code
# of the module's functions and the class's methods it calls, two levels down).
UNSAFE_NAMES = {
    "catch_warnings": "uses warnings.catch_warnings (the warnings filters are process-wide)",
    "simplefilter": "changes the warnings filters (process-wide)",
    "filterwarnings": "changes the warnings filters (process-wide)",
    "resetwarnings": "changes the warnings filters (process-wide)",
    "assertWarns": "uses assertWarns (warnings.catch_warnings inside; process-wide)",
    "assertWarnsRegex": "uses assertWarnsRegex (warnings.catch_warnings inside; process-wide)",
    "check_warnings": "uses support.check_warnings (warnings.catch_warnings inside; process-wide)",
    "patch": "uses unittest.mock.patch (patches are process-wide)",
    "chdir": "calls os.chdir (the working directory is process-wide)",
    "change_cwd": "uses support.change_cwd (the working directory is process-wide)",
    "putenv": "changes the environment (process-wide)",
    "unsetenv": "changes the environment (process-wide)",
    "EnvironmentVarGuard": "changes os.environ (process-wide)",
    "captured_stdout": "uses support.captured_stdout (sys.stdout is process-wide)",
    "captured_stderr": "uses support.captured_stderr (sys.stderr is process-wide)",
    "captured_stdin": "uses support.captured_stdin (sys.stdin is process-wide)",
    "captured_output": "uses support.captured_output (sys.stdout/stderr are process-wide)",
    "redirect_stdout": "uses contextlib.redirect_stdout (sys.stdout is process-wide)",
    "redirect_stderr": "uses contextlib.redirect_stderr (sys.stderr is process-wide)",
    "swap_attr": "uses support.swap_attr (changes shared attributes)",
    "swap_item": "uses support.swap_item (changes shared items)",
    "assertLogs": "uses assertLogs (changes a logger's handlers, process-wide)",
    "assertNoLogs": "uses assertNoLogs (changes a logger's handlers, process-wide)",
    "setrecursionlimit": "calls sys.setrecursionlimit (process-wide)",
    "warns": "uses pytest.warns (warnings.catch_warnings inside; process-wide)",
    "deprecated_call": "uses pytest.deprecated_call (warnings.catch_warnings inside; process-wide)",
}
STD_STREAMS = {"stdout", "stderr", "stdin"}
ENVIRON_MUTATORS = {"update", "pop", "popitem", "clear", "setdefault"}
ENVIRON_WINDOW = 6  # instructions after loading os.environ that may store into it


def unsafe_in_code(code, globs, cls, depth, seen):
    if code in seen:
        return None
    seen.add(code)
    environ_at = None
    for i, ins in enumerate(dis.get_instructions(code)):
        name = ins.argval if isinstance(ins.argval, str) else None
        op = ins.opname
        if name is not None and op.startswith(("LOAD_", "IMPORT_")):
            if name in UNSAFE_NAMES:
                return UNSAFE_NAMES[name]
            if name == "environ":
                environ_at = i
                continue
            if environ_at is not None and i - environ_at <= ENVIRON_WINDOW and name in ENVIRON_MUTATORS:
                return "changes os.environ (process-wide)"
        if op in ("STORE_ATTR", "DELETE_ATTR") and name in STD_STREAMS:
            return f"assigns sys.{name} (process-wide)"
        if op in ("STORE_SUBSCR", "DELETE_SUBSCR") and environ_at is not None and i - environ_at <= ENVIRON_WINDOW:
            return "changes os.environ (process-wide)"
        if depth < 2 and name is not None:
            callee = None
            if op == "LOAD_GLOBAL":
                callee = globs.get(name)
            elif op == "LOAD_ATTR" and cls is not None:
                callee = inspect.getattr_static(cls, name, None)
                if isinstance(callee, (staticmethod, classmethod)):
                    callee = callee.__func__
            # Only helpers written beside the test: the standard library's
            # (unittest's assert* methods, say) are not the test's doing.
            if inspect.isfunction(callee) and callee.__globals__ is globs:
                why = unsafe_in_code(callee.__code__, globs, cls, depth + 1, seen)
                if why:
                    return why
    for const in code.co_consts:
        if inspect.iscode(const):
            why = unsafe_in_code(const, globs, cls, depth, seen)
            if why:
                return why
    return None


def marked_unsafe(obj):
    """The thread_unsafe reason obj carries ("" when none given), or None."""
    value = getattr(obj, ftstress_markers.ATTRIBUTES["thread_unsafe"], None)
    return None if value is None else value


def module_unsafe(module):
    flag = getattr(module, "FTSTRESS_THREAD_UNSAFE", False)
    if flag:
        return f"the module is marked FTSTRESS_THREAD_UNSAFE{': ' + flag if isinstance(flag, str) else ''}"
    marks = getattr(module, "pytestmark", [])
    for mark in marks if isinstance(marks, (list, tuple)) else [marks]:
        if mark is ftstress_markers.thread_unsafe:
            return "the module is marked thread_unsafe"
        if isinstance(mark, ftstress_markers.Mark) and mark.name == "thread_unsafe":
            return "the module is marked thread_unsafe" + (f": {mark.value}" if mark.value else "")
    return None


def module_mark(module, name):
    marks = getattr(module, "pytestmark", [])
    for mark in marks if isinstance(marks, (list, tuple)) else [marks]:
        if isinstance(mark, ftstress_markers.Mark) and mark.name == name:
            return mark.value
    return None


def plan(item, module, args):
    """(threads, iterations, why it runs in one thread or None)."""
    attr = ftstress_markers.ATTRIBUTES
    owners = [item.func] + ([item.cls] if item.cls is not None else [])
    threads = args.threads
    iterations = args.iterations
    for key in ("parallel_threads", "iterations"):
        value = module_mark(module, key)
        for owner in reversed(owners):
            value = getattr(owner, attr[key], value)
        if value is not None:
            if key == "parallel_threads":
                threads = value
            else:
                iterations = value
    why = module_unsafe(module)
    for owner in owners:
        reason = marked_unsafe(owner)
        if reason is not None and why is None:
            why = "marked thread_unsafe" if owner is item.func else "the class is marked thread_unsafe"
            why += f": {reason}" if reason else ""
    if why is None and getattr(item.func, "patchings", None):
        why = "uses unittest.mock.patch as a decorator (patches are process-wide)"
    if why is None:
        code = getattr(inspect.unwrap(item.func), "__code__", None)
        if code is not None:
            why = unsafe_in_code(code, getattr(item.func, "__globals__", vars(module)),
                                 item.cls, 0, set())
    if why is None and threads == 1 and args.threads > 1:
        why = "marked parallel_threads(1)"
    if why is not None:
        threads = 1
    return threads, iterations, why


# ---------------------------------------------------------------- running

class TestState:
    """What one test's threads found; filled from several threads."""

    def __init__(self, results, name):
        self.results = results
        self.name = name
        self.lock = threading.Lock()
        self.failed_iterations = set()
        self.failed_calls = 0
        self.outside_failures = 0
        self.written = 0
        self.seen_texts = set()
        self.skip = None

    def failure(self, iteration, who, exc):
        text = format_exception(exc)
        with self.lock:
            if iteration > 0:
                self.failed_iterations.add(iteration)
                self.failed_calls += 1
            else:
                self.outside_failures += 1
            # The same traceback from several threads is written once, even
            # when its message differs (a count, an address).
            key = text.rsplit("\n", 1)[0]
            if key in self.seen_texts or self.written >= MAX_FAILURE_LINES:
                return
            self.seen_texts.add(key)
            self.written += 1
        self.results.line("failure", self.name, iteration, who, text)

    def skipped(self, reason):
        with self.lock:
            if self.skip is None:
                self.skip = str(reason) or "skipped"


def call_with_optional_arg(fn, arg):
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        params = {}
    return fn(arg) if len(params) >= 1 else fn()


# The shim's scheduler under --schedule random|pct (scenarios/schedule_control.py), set up
# once the test file is imported; None runs the threads free.
SCHEDULE = [None]


def controlled_schedule(module, path):
    """Line events for the test file's code, and the collector off (a collection stops
    the world, which a thread waiting for its turn would hold up)."""
    if os.environ.get("FTSTRESS_SCHEDULE", "free") in ("", "free"):
        return
    import gc
    import schedule_control
    sched = schedule_control.Controller()
    sched.instrument(module, path)
    gc.disable()
    SCHEDULE[0] = sched


def run_body(state, body, threads, iterations):
    """Calls body iterations times in each of threads threads, all threads
    starting each iteration together. Returns the iterations run."""
    if threads == 1:
        who = f"main thread (native id {threading.get_native_id()}), not in parallel"
        for it in range(1, iterations + 1):
            try:
                body()
            except unittest.SkipTest as exc:
                state.skipped(exc)
                return it - 1
            except BaseException as exc:
                state.failure(it, who, exc)
        return iterations

    barrier = threading.Barrier(threads)
    sched = SCHEDULE[0]

    def worker(tid):
        who = f"thread {tid + 1} of {threads} (native id {threading.get_native_id()})"
        if sched is not None:  # a controlled schedule: the shim's gate starts each iteration
            sched.enter(tid, threads)
        try:
            for it in range(1, iterations + 1):
                if sched is None:
                    barrier.wait()
                elif it > 1:
                    sched.gate()
                try:
                    body()
                except unittest.SkipTest as exc:
                    state.skipped(exc)
                except BaseException as exc:
                    state.failure(it, who, exc)
        finally:
            if sched is not None:
                sched.leave()

    pool = [threading.Thread(target=worker, args=(t,), name=f"ftstress-test-{t + 1}")
            for t in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return iterations


def as_callable(fn):
    """fn, or a function running the coroutine fn makes to completion."""
    if inspect.iscoroutinefunction(fn):
        import asyncio

        def run_coroutine():
            asyncio.run(fn())
        return run_coroutine
    return fn


class Runner:
    def __init__(self, args, results, counter, module, gil=None):
        self.gil = gil
        self.args = args
        self.results = results
        self.counter = counter
        self.module = module
        self.class_state = {}  # class -> None (ready), ("skip", reason) or ("error", exc)
        self.current = None
        threading.excepthook = self.thread_exception

    def thread_exception(self, hook_args):
        """An exception in a thread the test itself started fails the test."""
        state = self.current
        if state is None or hook_args.exc_type is SystemExit:
            return
        exc = hook_args.exc_value if hook_args.exc_value is not None else hook_args.exc_type()
        t = hook_args.thread
        who = (f"thread {t.name!r} started by the test (native id {getattr(t, 'native_id', '?')})"
               if t is not None else "a thread started by the test")
        state.failure(0, who, exc)

    def setup_class(self, item, state):
        cls = item.cls
        if cls in self.class_state:
            return self.class_state[cls]
        outcome = None
        if item.kind == "unittest" and getattr(cls, "__unittest_skip__", False):
            outcome = ("skip", getattr(cls, "__unittest_skip_why__", "") or "class skipped")
        else:
            hook = getattr(cls, "setUpClass" if item.kind == "unittest" else "setup_class", None)
            try:
                if hook is not None:
                    hook()
            except unittest.SkipTest as exc:
                outcome = ("skip", str(exc) or "skipped in setUpClass")
            except BaseException as exc:
                outcome = ("error", exc)
        self.class_state[cls] = outcome
        return outcome

    def teardown_class(self, item, state):
        if self.class_state.get(item.cls) is not None:
            return  # not set up: not torn down, as unittest does
        who = "main thread, tearDownClass" if item.kind == "unittest" else "main thread, teardown_class"
        hook = getattr(item.cls, "tearDownClass" if item.kind == "unittest" else "teardown_class", None)
        try:
            if hook is not None:
                hook()
        except BaseException as exc:
            state.failure(0, who, exc)
        if item.kind == "unittest":
            item.cls.doClassCleanups()
            for _, exc, _ in getattr(item.cls, "tearDown_exceptions", []):
                state.failure(0, "main thread, class cleanup", exc)

    def fixture_params(self, fn):
        if getattr(fn, "patchings", None):
            return []  # mock.patch decorators supply their mocks as arguments
        try:
            params = inspect.signature(fn).parameters.values()
        except (TypeError, ValueError):
            return []
        return [p.name for p in params if p.default is p.empty
                and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]

    def run(self, item):
        """Runs one test; returns its outcome."""
        args = self.args
        threads, iterations, why = plan(item, self.module, args)
        state = TestState(self.results, item.name)
        self.results.line("start", item.name, threads, iterations, self.counter.now())
        if why is not None:
            self.results.line("serial", item.name, why)
        faulthandler.dump_traceback_later(args.timeout, exit=True)
        started = time.monotonic()
        self.current = state
        ran = 0
        expecting_failure = False
        try:
            ran, expecting_failure = self.run_item(item, state, threads, iterations)
        finally:
            self.current = None
        seconds = time.monotonic() - started
        failed = bool(state.failed_iterations) or state.outside_failures > 0
        reason = ""
        if state.skip is not None and not failed:
            outcome, reason = "skipped", state.skip
        elif expecting_failure:
            if failed:
                outcome, reason = "xfailed", "expected failure"
            else:
                outcome = "failed"
                state.failure(0, "main thread", AssertionError(
                    "unexpected success: the test is marked expectedFailure and passed"))
        else:
            outcome = "failed" if failed else "passed"
        if expecting_failure and outcome == "xfailed":
            failed_iterations = 0
            failed_calls = 0
        else:
            failed_iterations = len(state.failed_iterations)
            failed_calls = state.failed_calls
        if self.gil is not None:
            self.gil.check(self.results, item.name)
        self.results.line("end", item.name, outcome, ran, failed_iterations, failed_calls,
                          f"{seconds:.6f}", self.counter.now(), reason)
        return outcome

    def run_item(self, item, state, threads, iterations):
        """(iterations run, expecting failure)."""
        expecting = bool(getattr(item.func, "__unittest_expecting_failure__", False))
        if item.cls is not None and item.first_in_class:
            self.setup_class(item, state)
        try:
            if item.cls is not None:
                cls_state = self.class_state.get(item.cls)
                if cls_state is not None:
                    kind, value = cls_state
                    if kind == "skip":
                        state.skipped(value)
                    else:
                        state.failure(0, "main thread, setUpClass", value)
                    return 0, False
            if getattr(item.func, "__unittest_skip__", False):
                state.skipped(getattr(item.func, "__unittest_skip_why__", "") or "skipped")
                return 0, False
            if item.kind == "function":
                return self.run_function(item, state, threads, iterations), expecting
            if item.kind == "unittest":
                return self.run_testcase(item, state, threads, iterations), expecting
            return self.run_plain_method(item, state, threads, iterations), expecting
        finally:
            if item.cls is not None and item.last_in_class:
                self.teardown_class(item, state)

    def run_function(self, item, state, threads, iterations):
        missing = self.fixture_params(item.func)
        if missing:
            state.skipped(f"needs pytest fixtures ({', '.join(missing)}), which ftstress does not provide")
            return 0
        setup = getattr(self.module, "setup_function", None)
        teardown = getattr(self.module, "teardown_function", None)
        try:
            if setup is not None:
                call_with_optional_arg(setup, item.func)
        except unittest.SkipTest as exc:
            state.skipped(exc)
            return 0
        except BaseException as exc:
            state.failure(0, "main thread, setup_function", exc)
            return 0
        ran = 0
        try:
            ran = run_body(state, as_callable(item.func), threads, iterations)
        finally:
            if teardown is not None:
                try:
                    call_with_optional_arg(teardown, item.func)
                except BaseException as exc:
                    state.failure(0, "main thread, teardown_function", exc)
        return ran

    def run_testcase(self, item, state, threads, iterations):
        if isinstance(item.cls, type) and issubclass(item.cls, unittest.IsolatedAsyncioTestCase):
            state.skipped("IsolatedAsyncioTestCase is not supported by ftstress test")
            return 0
        # One instance, set up once; its test method runs in every thread,
        # as pytest-run-parallel runs a test with its fixtures shared.
        try:
            case = item.cls(item.method)
        except BaseException as exc:
            state.failure(0, "main thread, TestCase()", exc)
            return 0
        try:
            case.setUp()
        except unittest.SkipTest as exc:
            state.skipped(exc)
            self.cleanups(case, state)
            return 0
        except BaseException as exc:
            state.failure(0, "main thread, setUp", exc)
            self.cleanups(case, state)
            return 0
        ran = 0
        try:
            ran = run_body(state, as_callable(getattr(case, item.method)), threads, iterations)
        finally:
            try:
                case.tearDown()
            except BaseException as exc:
                state.failure(0, "main thread, tearDown", exc)
            self.cleanups(case, state)
        return ran

    def cleanups(self, case, state):
        while getattr(case, "_cleanups", None):
            function, fargs, kwargs = case._cleanups.pop()
            try:
                function(*fargs, **kwargs)
            except BaseException as exc:
                state.failure(0, "main thread, cleanup", exc)

    def run_plain_method(self, item, state, threads, iterations):
        missing = self.fixture_params(getattr(item.cls, item.method))[1:]
        if missing:
            state.skipped(f"needs pytest fixtures ({', '.join(missing)}), which ftstress does not provide")
            return 0
        try:
            instance = item.cls()
            setup = getattr(instance, "setup_method", None)
            if setup is not None:
                call_with_optional_arg(setup, item.func)
        except unittest.SkipTest as exc:
            state.skipped(exc)
            return 0
        except BaseException as exc:
            state.failure(0, "main thread, setup_method", exc)
            return 0
        ran = 0
        try:
            ran = run_body(state, as_callable(getattr(instance, item.method)), threads, iterations)
        finally:
            teardown = getattr(instance, "teardown_method", None)
            if teardown is not None:
                try:
                    call_with_optional_arg(teardown, item.func)
                except BaseException as exc:
                    state.failure(0, "main thread, teardown_method", exc)
        return ran


def module_hook(module, names):
    for name in names:
        hook = getattr(module, name, None)
        if callable(hook):
            return hook
    return None


def start_results(args):
    """The results file with its header lines, the report counter and the GIL watch."""
    results = Results(args.results)
    counter = ReportCounter()
    results.line(RESULTS_FORMAT)
    results.line("pid", os.getpid())
    for key in ("threads", "iterations", "seed", "timeout"):
        results.line("param", key, getattr(args, key))
    return results, counter, GilWatch()


def run(args):
    results, counter, gil = start_results(args)
    results.line("runner", "unittest", "%d.%d.%d" % sys.version_info[:3])
    path = os.path.abspath(args.file)
    sys.argv = [path]
    faulthandler.dump_traceback_later(args.timeout, exit=True)
    try:
        module = import_test_file(path)
    except unittest.SkipTest as exc:
        results.line("skipfile", str(exc) or "skipped")
        results.line("done", counter.now())
        return 0
    except BadInput as exc:
        results.line("error", "import", str(exc))
        print(f"ftstress harness: {exc}", file=sys.stderr)
        results.line("done", counter.now())
        return EXIT_BAD_INPUT
    results.line("module", module.__name__, getattr(module, "__file__", path) or path)
    gil.check(results, "import")
    controlled_schedule(module, path)

    items = collect(module)
    selected = []
    # A restarted harness goes on after the test that crashed or hung, or at
    # the one whose run the TSan runtime itself wedged.
    resume = args.resume_after or args.resume_at
    skipping = resume is not None
    for item in items:
        if skipping and item.name == resume and args.resume_at is not None:
            skipping = False
        if skipping:
            skipping = item.name != resume
            continue
        full = f"{args.display}::{item.name}"
        if args.keyword and not keyword_matches(args.keyword, full):
            if resume is None:
                results.line("deselect", item.name)
            continue
        selected.append(item)
        results.line("collect", item.name)
    # Class setup and teardown go with the first and last selected test of a class.
    for item in selected:
        item.first_in_class = item.last_in_class = False
    for i, item in enumerate(selected):
        if item.cls is not None:
            item.first_in_class = i == 0 or selected[i - 1].cls is not item.cls
            item.last_in_class = i == len(selected) - 1 or selected[i + 1].cls is not item.cls
    if not selected:
        results.line("done", counter.now())
        return 0

    setup = module_hook(module, ("setup_module", "setUpModule"))
    try:
        if setup is not None:
            call_with_optional_arg(setup, module)
    except unittest.SkipTest as exc:
        results.line("skipfile", str(exc) or "skipped in module setup")
        results.line("done", counter.now())
        return 0
    except BaseException as exc:
        results.line("error", "setup", f"{setup.__name__} raised:\n{format_exception(exc)}")
        results.line("done", counter.now())
        return 0

    runner = Runner(args, results, counter, module, gil)
    stopped = False
    for item in selected:
        outcome = runner.run(item)
        if args.exitfirst and outcome == "failed":
            stopped = True
            break
    faulthandler.dump_traceback_later(args.timeout, exit=True)

    teardown = module_hook(module, ("teardown_module", "tearDownModule"))
    try:
        if teardown is not None:
            call_with_optional_arg(teardown, module)
        unittest.case.doModuleCleanups()
    except BaseException as exc:
        name = teardown.__name__ if teardown is not None else "a module cleanup"
        results.line("error", "teardown", f"{name} raised:\n{format_exception(exc)}")
    results.line("done", counter.now(), *(["stopped"] if stopped else []))
    # The watchdog stays armed: a thread a test left running would otherwise
    # hang the interpreter's exit unnoticed.
    faulthandler.dump_traceback_later(args.timeout, exit=True)
    return 0


def main():
    parser = argparse.ArgumentParser(description="ftstress test harness (run by ftstress test)")
    parser.add_argument("--file", required=True)
    parser.add_argument("--display", default=None)
    parser.add_argument("--results", required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--iterations", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--keyword", default="")
    parser.add_argument("--resume-after", default=None)
    parser.add_argument("--resume-at", default=None)
    parser.add_argument("--exitfirst", action="store_true")
    # pytest's own collection (ftstress_pytest.py)
    parser.add_argument("--runner", choices=("auto", "pytest", "unittest"), default="auto")
    parser.add_argument("--keyword-text", default="")
    parser.add_argument("--markexpr", default="")
    parser.add_argument("--node", action="append", default=[])
    parser.add_argument("--fixtures-per-thread", action="store_true")
    args = parser.parse_args()
    if args.display is None:
        args.display = args.file
    faulthandler.enable(all_threads=True)
    if hasattr(faulthandler, "register"):
        import signal
        faulthandler.register(signal.SIGUSR1, all_threads=True)
    use_pytest = args.runner == "pytest" or (
        args.runner == "auto" and importlib.util.find_spec("pytest") is not None)
    if use_pytest:
        import ftstress_pytest
        code = ftstress_pytest.run(args, sys.modules[__name__])
    else:
        code = run(args)
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(code)


if __name__ == "__main__":
    main()
