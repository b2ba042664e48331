"""Check-then-set lazy initialisation (if s.obj is None: s.obj = make()): make() can run twice."""

import time

WORK = 30  # size of the table make() builds: part of the window between check and set
THREADS = 2  # set by the harness to the real thread count


class State:
    def __init__(self):
        self.obj = None
        self.made = []  # one entry per make() call (list.append is atomic)
        self.arrived = []  # the start gate
        self.seen = [None] * THREADS  # the object each thread ended up using


def make(s, tid):
    s.made.append(tid)
    return {i: i * i for i in range(WORK)}  # an "expensive" resource


def get(s, tid):
    if s.obj is None:  # check ...
        s.obj = make(s, tid)  # ... then set: another thread may have passed the check too
    return s.obj


def start_together(arrived, ctx):
    # A start gate per state: the harness's barrier only aligns the start of a
    # stride and a woken thread starts late, so without it the first thread
    # has usually initialised every state of the stride before the others run.
    # Gives up after 1 s (a thread whose actor raised never arrives).
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
    if n == 1:
        return "initialised once"
    if n == 2:
        return "initialised twice"
    return "initialised 3+ times"


OUTCOMES = {
    "initialised once": ("expected", "make() ran once and every thread uses its object"),
    "initialised twice": ("interesting", "two threads passed the None check: make() ran twice "
                                         "and one object was built in vain, or is used beside the other"),
    "initialised 3+ times": ("interesting", "three or more threads passed the None check"),
}
