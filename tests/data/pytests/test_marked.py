"""ftstress markers: thread_unsafe runs a test in one thread; parallel_threads
and iterations change how many threads and iterations a test gets."""

import threading
import time

from ftstress_markers import iterations, parallel_threads, thread_unsafe

_busy = {"flag": False}


@thread_unsafe(reason="uses a module-global busy flag")
def test_exclusive_flag():
    # Two threads at once would find the flag set.
    assert not _busy["flag"]
    _busy["flag"] = True
    time.sleep(0.01)
    _busy["flag"] = False


@thread_unsafe
def test_bare_marker():
    assert threading.active_count() >= 1


@parallel_threads(3)
@iterations(2)
def test_three_threads_two_iterations():
    assert [1, 2, 3][::-1] == [3, 2, 1]


@thread_unsafe(reason="the whole class shares one fixture")
class TestMarkedClass:
    def test_in_marked_class(self):
        assert True
