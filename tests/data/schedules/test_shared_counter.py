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
    assert len(set(SEEN)) == len(SEEN), "two threads stored the same count"


def test_one_locked_increment_per_thread():
    with LOCK:
        before = LOCKED.value
        LOCKED.value = before + 1
        LOCKED_SEEN.append(LOCKED.value)
    assert len(set(LOCKED_SEEN)) == len(LOCKED_SEEN), "two threads stored the same count"
