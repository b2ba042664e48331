"""Failing tests: one fails in some of its threads, one everywhere."""

import threading

_lock = threading.Lock()
_arrivals = []


def test_fails_in_every_second_thread():
    # The threads of an iteration arrive one after the other: with 2 threads
    # the second to arrive fails, so every iteration fails in one thread.
    with _lock:
        _arrivals.append(threading.get_ident())
        arrival = len(_arrivals)
    assert arrival % 2 == 1, f"arrived as number {arrival}"


def test_passes_after_the_failure():
    assert "ok".upper() == "OK"


def test_wrong_everywhere():
    assert 1 + 1 == 3
