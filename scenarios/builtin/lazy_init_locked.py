"""Lazy initialisation with double-checked locking under a threading.Lock: make() runs exactly once."""

import threading
import time

WORK = 30
THREADS = 2


class State:
    def __init__(self):
        self.obj = None
        self.lock = threading.Lock()
        self.made = []
        self.arrived = []
        self.seen = [None] * THREADS


def make(s, tid):
    s.made.append(tid)
    return {i: i * i for i in range(WORK)}


def get(s, tid):
    obj = s.obj
    if obj is None:  # fast path without the lock once initialised
        with s.lock:
            obj = s.obj
            if obj is None:  # check again under the lock
                obj = s.obj = make(s, tid)
    return obj


def start_together(arrived, ctx):
    # Same start gate as lazy_init.py.
    arrived.append(ctx.tid)
    deadline = time.monotonic() + 1.0
    while len(arrived) < ctx.threads and time.monotonic() < deadline:
        time.sleep(0)


def state():
    return State()


def actor(s, ctx):
    start_together(s.arrived, ctx)
    s.seen[ctx.tid] = get(s, ctx.tid)


def arbiter(s):
    n = len(s.made)
    if n != 1:
        return "initialised twice" if n == 2 else "initialised 3+ times"
    if any(o is not s.obj for o in s.seen):
        return "threads saw different objects"
    return "initialised once"


OUTCOMES = {
    "initialised once": ("expected", "make() ran once and every thread uses its object"),
    "initialised twice": ("forbidden", "make() ran twice despite the lock"),
    "initialised 3+ times": ("forbidden", "make() ran three or more times despite the lock"),
    "threads saw different objects": ("forbidden", "a thread used an object other than the published one"),
}
