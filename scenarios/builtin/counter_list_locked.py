"""lst[0] += 1 on a shared list element under a threading.Lock: the correct twin, never loses one."""

import threading

OPS = 1000
THREADS = 2


def state():
    return [0], threading.Lock()


def actor(s, ctx):
    lst, lock = s
    for _ in range(OPS):
        with lock:
            lst[0] += 1


def counts(s, threads):
    return OPS * threads, s[0][0]


def arbiter(s):
    return "all kept" if s[0][0] == OPS * THREADS else "lost updates"


OUTCOMES = {
    "all kept": ("expected", "every increment of every thread is in the total"),
    "lost updates": ("forbidden", "a lock-protected increment was lost"),
}
