"""Thread-safe tests: they pass however many threads run them at once."""

import threading

_lock = threading.Lock()
_calls = {}


def test_pure_arithmetic():
    assert sum(range(100)) == 4950


def test_local_state_only():
    squares = [i * i for i in range(1000)]
    assert len(squares) == 1000 and squares[-1] == 999 * 999


def test_locked_shared_counter():
    # Shared between the threads, but every update holds the lock.
    me = threading.get_ident()
    for _ in range(200):
        with _lock:
            _calls[me] = _calls.get(me, 0) + 1
    with _lock:
        assert _calls[me] % 200 == 0
