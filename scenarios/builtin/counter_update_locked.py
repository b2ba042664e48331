"""c[key] += 1 on a shared collections.Counter under a threading.Lock: the correct twin, counts every one."""

import collections
import threading

OPS = 600
THREADS = 2
KEYS = ("red", "green", "blue")


def state():
    return collections.Counter(), threading.Lock()


def actor(s, ctx):
    c, lock = s
    keys = KEYS
    for i in range(OPS):
        with lock:
            c[keys[i % 3]] += 1


def counts(s, threads):
    return OPS * threads, s[0].total()


def arbiter(s):
    return "all counted" if s[0].total() == OPS * THREADS else "lost counts"


OUTCOMES = {
    "all counted": ("expected", "every increment of every thread is in the counts"),
    "lost counts": ("forbidden", "a lock-protected increment was lost"),
}
