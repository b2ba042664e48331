"""cnt += 1 on a module global under a threading.Lock: the correct twin, never loses one."""

import threading
import types

OPS = 1000
THREADS = 2


def _bump():
    global cnt
    for _ in range(OPS):
        with lock:
            cnt += 1


def state():
    namespace = {"cnt": 0, "OPS": OPS, "lock": threading.Lock(), "__builtins__": __builtins__}
    return types.FunctionType(_bump.__code__, namespace), namespace


def actor(s, ctx):
    s[0]()


def counts(s, threads):
    return OPS * threads, s[1]["cnt"]


def arbiter(s):
    return "all kept" if s[1]["cnt"] == OPS * THREADS else "lost updates"


OUTCOMES = {
    "all kept": ("expected", "every increment of every thread is in the total"),
    "lost updates": ("forbidden", "a lock-protected increment was lost"),
}
