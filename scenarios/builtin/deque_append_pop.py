"""collections.deque: producers append while consumers popleft; every item comes out once, in order (must pass)."""

import collections
import time

OPS = 600  # items each producer appends per state; popleft attempts each consumer makes
THREADS = 2  # set by the harness to the real thread count


class State:
    def __init__(self):
        self.d = collections.deque()
        self.got = [None] * THREADS  # what each consumer popped, in its order
        self.arrived = []  # the start gate


def state():
    return State()


def start_together(arrived, ctx):
    # A start gate per state: the harness's barrier only aligns the start of a
    # stride and a woken thread starts late, so without it the threads overlap
    # little. Gives up after 1 s (a thread whose actor raised never arrives).
    arrived.append(ctx.tid)
    deadline = time.monotonic() + 1.0
    while len(arrived) < ctx.threads and time.monotonic() < deadline:
        time.sleep(0)


def producers():
    # Even thread indices produce, odd ones consume; a single thread only produces.
    return range(0, THREADS, 2)


def actor(s, ctx):
    d = s.d
    start_together(s.arrived, ctx)
    if ctx.tid % 2 == 0:
        base = ctx.tid * OPS
        for i in range(base, base + OPS):
            d.append(i)
    else:
        got = []
        popleft = d.popleft
        for _ in range(OPS):
            try:
                got.append(popleft())
            except IndexError:  # empty for now: the producer is behind
                pass
        s.got[ctx.tid] = got


def counts(s, threads):
    return OPS * len(range(0, threads, 2)), len(s.d) + sum(len(g) for g in s.got if g)


def in_order(seq):
    last = {}
    for x in seq:
        p = x // OPS
        if x <= last.get(p, -1):
            return False
        last[p] = x
    return True


def arbiter(s):
    popped = [x for g in s.got if g for x in g]
    rest = list(s.d)
    everything = popped + rest
    want = sorted(x for p in producers() for x in range(p * OPS, p * OPS + OPS))
    if sorted(everything) != want:
        if len(everything) < len(want):
            return "items lost"
        if len(everything) > len(want):
            return "items duplicated"
        return "items lost and duplicated"
    if not all(in_order(g) for g in s.got if g) or not in_order(rest):
        return "out of order"
    return "every item once"


OUTCOMES = {
    "every item once": ("expected", "popped plus left over is exactly what was appended, each producer's in order"),
    "items lost": ("forbidden", "an appended item was neither popped nor left in the deque"),
    "items duplicated": ("forbidden", "an item was popped twice or popped and still left"),
    "items lost and duplicated": ("forbidden", "right count, wrong items"),
    "out of order": ("forbidden", "a consumer saw one producer's items out of order"),
}
