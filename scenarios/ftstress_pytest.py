"""ftstress's pytest plugin: runs one test file's pytest tests in threads.

`ftstress test` starts testharness.py in the interpreter under test; when
pytest is importable there (a venv made by `ftstress venv`), the harness hands
the file to pytest.main with this plugin instead of its own collector. pytest
then does everything it does: collection, conftest.py, fixtures of every
scope, parametrize, markers, classes, raises/warns, tmp_path, monkeypatch,
node ids, -k and -m. The plugin changes only how a test's body is called: in
N threads x K iterations, every iteration started together at a barrier, as
the unittest path does (testharness.run_body), and it writes the same
results file (testharness.py's docstring), so the runner reads both alike.

The results NAME of a test is its pytest node id without the file part
("test_x[1-2]", "TestC::test_y"). Fixtures are set up once by pytest and
shared by the threads, as pytest-run-parallel does; --fixtures-per-thread
gives every thread but the first its own instance of each function-scoped
fixture the test names (what those depend on stays shared). A conftest.py
may implement pytest_ftstress_thread_setup(item, thread_index), called in
each thread before its first iteration.

pytest-run-parallel's markers are understood: parallel_threads(n),
iterations(n), thread_unsafe(reason=...). A test runs in one thread, listed
with the reason, when it is marked so, uses a fixture that changes
process-wide state (monkeypatch, capsys, capfd, recwarn, caplog, ...) or
code testharness.unsafe_in_code recognises (warnings.catch_warnings,
mock.patch, pytest.warns, ...). A test in one thread runs one iteration
(unless it is marked iterations(n)): repeating it proves nothing about
threads.

This module is imported only on the pytest path, which imports pytest
anyway; everything else it needs is imported where it is used.
"""

import faulthandler
import os
import sys
import threading
import time

import pytest

# Fixtures whose use makes a test unsafe beside itself: what they change is
# process-wide.
UNSAFE_FIXTURES = {
    "monkeypatch": "uses the monkeypatch fixture (patches are process-wide)",
    "capsys": "uses the capsys fixture (sys.stdout/stderr are process-wide)",
    "capsysbinary": "uses the capsysbinary fixture (sys.stdout/stderr are process-wide)",
    "capfd": "uses the capfd fixture (file descriptors 1 and 2 are process-wide)",
    "capfdbinary": "uses the capfdbinary fixture (file descriptors 1 and 2 are process-wide)",
    "capteesys": "uses the capteesys fixture (sys.stdout/stderr are process-wide)",
    "recwarn": "uses the recwarn fixture (warnings.catch_warnings inside; process-wide)",
    "caplog": "uses the caplog fixture (logging handlers are process-wide)",
}

MARKERS = (
    "parallel_threads(n): ftstress runs the test in n threads at once",
    "iterations(n): ftstress runs the test n times in each thread",
    "thread_unsafe(reason=None): ftstress runs the test in one thread only",
)


class HookSpecs:
    """The hook a conftest.py may implement."""

    def pytest_ftstress_thread_setup(self, item, thread_index):
        """Called in each of a test's threads before its first iteration
        (thread_index 0..N-1); an exception fails the test."""


def node_name(nodeid):
    """The results NAME of a node id: without its file part."""
    return nodeid.split("::", 1)[1] if "::" in nodeid else nodeid


class Plan:
    """How one item runs: threads, iterations, and why in one thread."""

    def __init__(self, item, args, harness):
        self.threads = args.threads
        self.iterations = args.iterations
        self.why = None
        own_iterations = False
        for key in ("parallel_threads", "iterations"):
            mark = item.get_closest_marker(key)
            value = mark.args[0] if mark is not None and mark.args else None
            if value is None:
                value = getattr(getattr(item, "function", None),
                                harness.ftstress_markers.ATTRIBUTES[key], None)
            if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
                if key == "parallel_threads":
                    self.threads = value
                else:
                    self.iterations = value
                    own_iterations = True
        self.why = self.unsafe_reason(item, harness)
        if self.why is None and self.threads == 1 and args.threads > 1:
            self.why = "marked parallel_threads(1)"
        if self.why is not None:
            self.threads = 1
            if not own_iterations:
                self.iterations = 1

    @staticmethod
    def unsafe_reason(item, harness):
        mark = item.get_closest_marker("thread_unsafe")
        if mark is not None:
            reason = mark.kwargs.get("reason") or (mark.args[0] if mark.args else "")
            return "marked thread_unsafe" + (f": {reason}" if reason else "")
        fn = getattr(item, "function", None)
        cls = getattr(item, "cls", None)
        module = getattr(item, "module", None)
        if module is not None:
            why = harness.module_unsafe(module)
            if why:
                return why
        for owner in (fn, cls):
            reason = harness.marked_unsafe(owner) if owner is not None else None
            if reason is not None:
                return "marked thread_unsafe" + (f": {reason}" if reason else "")
        for name in getattr(item, "fixturenames", ()):
            if name in UNSAFE_FIXTURES:
                return UNSAFE_FIXTURES[name]
        if fn is None:
            return None
        if getattr(fn, "patchings", None):
            return "uses unittest.mock.patch as a decorator (patches are process-wide)"
        import inspect
        code = getattr(inspect.unwrap(fn), "__code__", None)
        if code is None:
            return None
        return harness.unsafe_in_code(code, getattr(fn, "__globals__", {}), cls, 0, set())


class TestRun:
    """One test's run: its results lines, failures and outcome."""

    def __init__(self, plugin, item):
        self.plugin = plugin
        self.item = item
        self.name = node_name(item.nodeid)
        self.plan = Plan(item, plugin.args, plugin.harness)
        self.state = plugin.harness.TestState(plugin.results, self.name)
        self.ran = 0
        self.xfailed = False
        self.failed_report = False
        self.started = time.monotonic()


class Plugin:
    def __init__(self, args, harness, results, counter, gil):
        self.args = args
        self.harness = harness
        self.results = results
        self.counter = counter
        self.gil = gil
        self.current = None
        self.import_error = None
        self.skip_reason = None
        self.module_path = None
        self.stopped = False
        self.pytest = pytest
        threading.excepthook = self.thread_exception

    # ------------------------------------------------------------ set-up

    def pytest_addhooks(self, pluginmanager):
        pluginmanager.add_hookspecs(HookSpecs)

    def pytest_configure(self, config):
        for line in MARKERS:
            config.addinivalue_line("markers", line)

    def pytest_warning_recorded(self, warning_message, when, nodeid, location):
        self.gil.note(warning_message.message)

    # ------------------------------------------------------------ collection

    def pytest_collectreport(self, report):
        if report.failed and self.import_error is None:
            self.import_error = f"{self.args.display}: does not import:\n{report.longreprtext}"
            self.gil.note(report.longreprtext)
        elif report.skipped and self.skip_reason is None and report.nodeid.endswith(".py"):
            longrepr = report.longrepr
            self.skip_reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)

    def pytest_deselected(self, items):
        for item in items:
            self.results.line("deselect", node_name(item.nodeid))

    def pytest_collection_finish(self, session):
        items = session.items
        if items:
            module = getattr(items[0], "module", None)
            path = getattr(module, "__file__", None) or str(items[0].path)
            self.module_path = path
            self.results.line("module", getattr(module, "__name__", "?"), path)
        # A restarted harness goes on after (or at) the test named.
        resume = self.args.resume_after or self.args.resume_at
        if resume is not None:
            names = [node_name(i.nodeid) for i in items]
            if resume in names:
                at = names.index(resume)
                items[:] = items[at if self.args.resume_at else at + 1:]
        for item in items:
            self.results.line("collect", node_name(item.nodeid))
        # The free-threaded collector stops every thread and scans the whole
        # heap; with pytest loaded that takes long enough under TSan (tens of
        # ms) to pull a test's threads apart, so that they no longer overlap.
        # pytest's and the collected modules' objects are left out of it.
        import gc
        gc.collect()
        gc.freeze()

    # ------------------------------------------------------------ running

    def thread_exception(self, hook_args):
        """An exception in a thread the test itself started fails the test."""
        run = self.current
        if run is None or hook_args.exc_type is SystemExit:
            return
        exc = hook_args.exc_value if hook_args.exc_value is not None else hook_args.exc_type()
        t = hook_args.thread
        who = (f"thread {t.name!r} started by the test (native id {getattr(t, 'native_id', '?')})"
               if t is not None else "a thread started by the test")
        run.state.failure(0, who, exc)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item, nextitem):
        # pytest hands over the warnings of collection only after it, so the
        # import's GIL check waits for the first test.
        self.gil.check(self.results, "import")
        run = TestRun(self, item)
        self.current = run
        self.results.line("start", run.name, run.plan.threads, run.plan.iterations,
                          self.counter.now())
        if run.plan.why is not None:
            self.results.line("serial", run.name, run.plan.why)
        faulthandler.dump_traceback_later(self.args.timeout, exit=True)
        from _pytest.runner import runtestprotocol
        item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
        runtestprotocol(item, nextitem=nextitem, log=True)
        item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
        self.current = None
        self.finish(run)
        return True

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_call(self, item):
        """Swaps the test's function for one that runs it in threads; pytest
        then calls it with the fixtures as it always does (for a unittest
        TestCase too: pytest binds item.obj onto the case before running it)."""
        run = self.current
        if run is None:
            return
        original = item.obj
        item.obj = self.threaded(run, original)
        run.restore = (item, original)

    def pytest_runtest_teardown(self, item):
        run = self.current
        restore = getattr(run, "restore", None)
        if restore is not None:
            restore[0].obj = restore[1]

    def pytest_runtest_logreport(self, report):
        run = self.current
        if run is None:
            return
        if hasattr(report, "wasxfail"):
            run.xfailed = report.skipped  # an xpass is "passed" (or failed when strict)
            if report.failed:
                run.failed_report = True
            return
        if report.skipped:
            longrepr = report.longrepr
            run.state.skipped(longrepr[2] if isinstance(longrepr, tuple) else str(longrepr))
        elif report.failed:
            run.failed_report = True
            if report.when != "call" or not (run.state.failed_iterations or
                                             run.state.outside_failures):
                who = "main thread, " + ("fixture set-up" if report.when == "setup" else
                                         "fixture teardown" if report.when == "teardown" else
                                         "the test")
                with run.state.lock:
                    run.state.outside_failures += 1
                self.results.line("failure", run.name, 0, who, report.longreprtext)

    def finish(self, run):
        state = run.state
        failed = bool(state.failed_iterations) or state.outside_failures > 0 or run.failed_report
        reason = ""
        if run.xfailed:
            outcome, reason = "xfailed", "expected failure (xfail)"
        elif state.skip is not None and not failed:
            outcome, reason = "skipped", state.skip
        else:
            outcome = "failed" if failed else "passed"
        if outcome == "xfailed":
            failed_iterations = failed_calls = 0
        else:
            failed_iterations = len(state.failed_iterations)
            failed_calls = state.failed_calls
        self.gil.check(self.results, run.name)
        self.results.line("end", run.name, outcome, run.ran, failed_iterations, failed_calls,
                          f"{time.monotonic() - run.started:.6f}", self.counter.now(), reason)
        if self.args.exitfirst and outcome == "failed":
            self.stopped = True
            self.session.shouldstop = "ftstress: -x, a test failed"

    def pytest_sessionstart(self, session):
        self.session = session

    # ------------------------------------------------------------ threads

    def threaded(self, run, fn):
        """fn called run.plan.iterations times in each of run.plan.threads
        threads, released together; what each call raised is recorded, and the
        first failure is raised again at the end so that pytest reports it."""
        plugin = self

        def ftstress_threaded(*args, **kwargs):
            return plugin.call_in_threads(run, fn, args, kwargs)
        return ftstress_threaded

    def outcome_kind(self, exc):
        """"skip", "xfail" or None for an ordinary exception."""
        import unittest
        pytest = self.pytest
        if isinstance(exc, (unittest.SkipTest, pytest.skip.Exception)):
            return "skip"
        if isinstance(exc, pytest.xfail.Exception):
            return "xfail"
        return None

    def thread_kwargs(self, run, kwargs, tid, finalizers):
        """The fixtures of thread tid: the shared ones, or with
        --fixtures-per-thread a fresh instance of each function-scoped one."""
        if tid == 0 or not self.args.fixtures_per_thread or not kwargs:
            # A dict of its own: a shared one is locked by every call that
            # unpacks it, which TSan takes for synchronization between them.
            return dict(kwargs)
        import inspect
        from _pytest.fixtures import resolve_fixture_function
        item = run.item
        info = item._fixtureinfo
        params = getattr(getattr(item, "callspec", None), "params", {})
        own = dict(kwargs)
        for name in kwargs:
            defs = info.name2fixturedefs.get(name)
            if not defs or name == "request" or name in params:
                continue
            fixturedef = defs[-1]
            if fixturedef.scope != "function":
                continue
            func = resolve_fixture_function(fixturedef, item._request)
            deps = {a: item._request if a == "request" else
                    item.funcargs[a] if a in item.funcargs else item._request.getfixturevalue(a)
                    for a in fixturedef.argnames}
            if inspect.isgeneratorfunction(func):
                gen = func(**deps)
                own[name] = next(gen)
                finalizers.append(gen)
            else:
                own[name] = func(**deps)
        return own

    def call_in_threads(self, run, fn, args, kwargs):
        plan = run.plan
        state = run.state
        first = []
        stop_kind = []

        def call(it, who, call_kwargs):
            try:
                fn(*args, **call_kwargs)
            except BaseException as exc:
                kind = self.outcome_kind(exc)
                if kind == "skip":
                    state.skipped(str(exc) or "skipped")
                elif kind == "xfail":
                    stop_kind.append(exc)
                else:
                    state.failure(it, who, exc)
                if not first:
                    first.append(exc)
                return kind
            return None

        finalizers = []
        per_thread = []
        try:
            for tid in range(plan.threads):
                per_thread.append(self.thread_kwargs(run, kwargs, tid, finalizers))
        except BaseException as exc:
            self.teardown_generators(finalizers, state)
            raise exc
        hook = run.item.ihook.pytest_ftstress_thread_setup
        if plan.threads == 1:
            who = f"main thread (native id {threading.get_native_id()}), not in parallel"
            try:
                hook(item=run.item, thread_index=0)
            except BaseException as exc:
                state.failure(0, who + ", pytest_ftstress_thread_setup", exc)
                raise
            for it in range(1, plan.iterations + 1):
                run.ran = it
                if call(it, who, per_thread[0]) in ("skip", "xfail"):
                    break
        else:
            barrier = threading.Barrier(plan.threads)

            def worker(tid):
                who = f"thread {tid + 1} of {plan.threads} (native id {threading.get_native_id()})"
                ready = True
                try:
                    hook(item=run.item, thread_index=tid)
                except BaseException as exc:
                    state.failure(0, who + ", pytest_ftstress_thread_setup", exc)
                    ready = False
                for it in range(1, plan.iterations + 1):
                    barrier.wait()
                    if ready:
                        call(it, who, per_thread[tid])

            pool = [threading.Thread(target=worker, args=(t,), name=f"ftstress-test-{t + 1}")
                    for t in range(plan.threads)]
            for t in pool:
                t.start()
            for t in pool:
                t.join()
            run.ran = plan.iterations
        self.teardown_generators(finalizers, state)
        if stop_kind:
            raise stop_kind[0]
        if state.failed_iterations or state.outside_failures:
            raise first[0] if first else AssertionError("a thread of the test failed")
        if state.skip is not None:
            self.pytest.skip(state.skip)

    @staticmethod
    def teardown_generators(finalizers, state):
        for gen in reversed(finalizers):
            try:
                next(gen)
            except StopIteration:
                pass
            except BaseException as exc:
                state.failure(0, "main thread, per-thread fixture teardown", exc)


def run(args, harness):
    """The harness's pytest path: returns its exit status (0, or 3 when the
    file does not import)."""
    results, counter, gil = harness.start_results(args)
    harness.HARNESS_FILES.add(__file__)
    results.line("runner", "pytest", pytest.__version__)
    plugin = Plugin(args, harness, results, counter, gil)
    path = os.path.abspath(args.file)
    targets = [n for n in args.node if n] or [path]
    options = ["-q", "--no-header", "-s", "-p", "no:faulthandler", "-p", "no:cacheprovider", "-p", "no:run_parallel",
               "-p", "no:run-parallel"]
    if args.keyword_text:
        options += ["-k", args.keyword_text]
    if args.markexpr:
        options += ["-m", args.markexpr]
    faulthandler.dump_traceback_later(args.timeout, exit=True)
    # pytest's terminal output goes to stdout, which the runner keeps in the
    # run's directory; the results file is what it reads.
    code = pytest.main(options + targets, plugins=[plugin])
    faulthandler.dump_traceback_later(args.timeout, exit=True)
    gil.check(results, "import")
    if plugin.import_error is not None and plugin.module_path is None:
        results.line("error", "import", plugin.import_error)
        print(f"ftstress harness: {plugin.import_error}", file=sys.stderr)
        results.line("done", counter.now())
        return harness.EXIT_BAD_INPUT
    if plugin.skip_reason is not None and plugin.module_path is None:
        results.line("skipfile", plugin.skip_reason)
    if code == pytest.ExitCode.USAGE_ERROR or code == pytest.ExitCode.INTERNAL_ERROR:
        results.line("error", "setup", f"pytest ended with {code!r} (see the run's stdout)")
    results.line("done", counter.now(), *(["stopped"] if plugin.stopped else []))
    return 0
