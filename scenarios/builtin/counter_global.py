"""cnt += 1 on a module global from every thread: the read-modify-write loses updates."""

import types

OPS = 1000  # increments per thread per state
THREADS = 2  # set by the harness to the real thread count


def _bump():
    global cnt
    for _ in range(OPS):
        cnt += 1


def state():
    # Each state is a fresh global namespace with its own copy of _bump bound to
    # it, so many states per stride do not share one module global.
    namespace = {"cnt": 0, "OPS": OPS, "__builtins__": __builtins__}
    return types.FunctionType(_bump.__code__, namespace), namespace


def actor(s, ctx):
    s[0]()


def counts(s, threads):
    return OPS * threads, s[1]["cnt"]


def arbiter(s):
    return "all kept" if s[1]["cnt"] == OPS * THREADS else "lost updates"


OUTCOMES = {
    "all kept": ("expected", "every increment of every thread is in the total"),
    "lost updates": ("interesting", "cnt += 1 is not atomic: concurrent increments were lost"),
}
