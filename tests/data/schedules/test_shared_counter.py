"""Each test thread adds one to a shared counter: unlocked the increments race, locked they do not."""

import threading


class Box:
    value = 0


BOX = Box()
SEEN = []
LOCKED = Box()
LOCKED_SEEN = []
LOCK = threading.Lock()


def test_one_increment_per_thread():
    before = BOX.value
    BOX.value = before + 1
    SEEN.append(BOX.value)
    seen = list(SEEN)
    assert len(set(seen)) == len(seen), "two threads stored the same count"


def test_one_locked_increment_per_thread():
    with LOCK:
        before = LOCKED.value
        LOCKED.value = before + 1
        LOCKED_SEEN.append(LOCKED.value)
        seen = list(LOCKED_SEEN)  # a snapshot: the other thread appends when the lock is free
    assert len(set(seen)) == len(seen), "two threads stored the same count"
