"""d[key] += 1 on a shared dict value under a threading.Lock: the correct twin, never loses one."""

import threading

OPS = 1000
THREADS = 2
KEY = "hits"


def state():
    return {KEY: 0}, threading.Lock()


def actor(s, ctx):
    d, lock = s
    for _ in range(OPS):
        with lock:
            d[KEY] += 1


def counts(s, threads):
    return OPS * threads, s[0][KEY]


def arbiter(s):
    return "all kept" if s[0][KEY] == OPS * THREADS else "lost updates"


OUTCOMES = {
    "all kept": ("expected", "every increment of every thread is in the total"),
    "lost updates": ("forbidden", "a lock-protected increment was lost"),
}
