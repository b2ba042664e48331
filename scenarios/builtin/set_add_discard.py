"""set.add of disjoint ranges then set.discard of some from every thread: the final set is the sequential one (must pass)."""

import time

OPS = 600  # items each thread adds per state
THREADS = 2  # set by the harness to the real thread count


class State:
    def __init__(self):
        self.items = set()
        self.discarded = [()] * THREADS  # what each thread discarded, for the arbiter
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


def actor(s, ctx):
    items = s.items
    start_together(s.arrived, ctx)
    base = ctx.tid * OPS
    for x in range(base, base + OPS):
        items.add(x)  # resizes the table many times while the others add
    # discard every k-th of its own items, starting at a seeded offset
    step = ctx.rng.randrange(2, 5)
    gone = range(base + ctx.rng.randrange(step), base + OPS, step)
    for x in gone:
        items.discard(x)
    s.discarded[ctx.tid] = gone


def counts(s, threads):
    return OPS * threads - sum(len(g) for g in s.discarded), len(s.items)


def arbiter(s):
    want = set(range(OPS * THREADS))
    for gone in s.discarded:
        want.difference_update(gone)
    if s.items == want:
        return "sequential result"
    if s.items < want:
        return "items lost"
    if s.items > want:
        return "discards undone"
    return "lost and discards undone"


OUTCOMES = {
    "sequential result": ("expected", "the set equals what one thread doing all the work would leave"),
    "items lost": ("forbidden", "an added item that nobody discarded is missing"),
    "discards undone": ("forbidden", "an item discarded after it was added is still there"),
    "lost and discards undone": ("forbidden", "both: items missing and discarded items present"),
}
