"""cnt += 1 on an instance attribute under a threading.Lock: the correct twin, never loses one."""

import threading

OPS = 1000
THREADS = 2


class State:
    def __init__(self):
        self.cnt = 0
        self.lock = threading.Lock()


def state():
    return State()


def actor(s, ctx):
    lock = s.lock
    for _ in range(OPS):
        with lock:
            s.cnt += 1


def counts(s, threads):
    return OPS * threads, s.cnt


def arbiter(s):
    return "all kept" if s.cnt == OPS * THREADS else "lost updates"


OUTCOMES = {
    "all kept": ("expected", "every increment of every thread is in the total"),
    "lost updates": ("forbidden", "a lock-protected increment was lost"),
}
