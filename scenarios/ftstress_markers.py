"""Markers for `ftstress test`: how a test is run, set where it is written.

`ftstress test` runs every test in several threads at once (--threads) and
several times over (--iterations). These markers change that for one test, a
class or a whole module, in the spirit of pytest-run-parallel's marks:

    from ftstress_markers import thread_unsafe, parallel_threads, iterations

    @thread_unsafe                       # run in one thread only
    def test_uses_signal_handlers(): ...

    @thread_unsafe(reason="patches the clock")
    def test_timeout(): ...

    @parallel_threads(8)                 # 8 threads instead of --threads
    @iterations(10)                      # 10 iterations instead of --iterations
    def test_hot_path(): ...

    pytestmark = thread_unsafe           # the whole module (or a list of marks)
    FTSTRESS_THREAD_UNSAFE = True        # the same; a string is taken as the reason

Decorating a class marks each of its tests. The harness (testharness.py) puts
this module's directory on sys.path, so the import works in any test file that
ftstress runs; without ftstress the markers only set attributes and change
nothing.
"""

__all__ = ["Mark", "thread_unsafe", "parallel_threads", "iterations"]

# The attributes a mark sets on what it decorates; testharness.py reads them.
ATTRIBUTES = {
    "thread_unsafe": "__ftstress_thread_unsafe__",
    "parallel_threads": "__ftstress_parallel_threads__",
    "iterations": "__ftstress_iterations__",
}


class Mark:
    """One mark with its value: a decorator, and a module mark in pytestmark."""

    __slots__ = ("name", "value")

    def __init__(self, name, value):
        self.name = name
        self.value = value

    def __call__(self, obj):
        setattr(obj, ATTRIBUTES[self.name], self.value)
        return obj

    def __repr__(self):
        return f"ftstress_markers.{self.name}({self.value!r})"


def thread_unsafe(obj=None, *, reason=None):
    """Run the test in one thread: as @thread_unsafe, or @thread_unsafe(reason="...")."""
    mark = Mark("thread_unsafe", reason or "")
    return mark if obj is None else mark(obj)


def _positive(name, n):
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{name}() takes a whole number of at least 1, not {n!r}")
    return n


def parallel_threads(n):
    """Run the test in n threads at once, whatever --threads says."""
    return Mark("parallel_threads", _positive("parallel_threads", n))


def iterations(k):
    """Run the test k times in each thread, whatever --iterations says."""
    return Mark("iterations", _positive("iterations", k))
