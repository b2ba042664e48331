"""next() on one shared itertools.count from every thread: 3.13t advances it with a compare-exchange, so no number repeats (must pass)."""

import itertools
import time

OPS = 500  # numbers each thread takes per state
THREADS = 2  # set by the harness to the real thread count


class State:
    def __init__(self):
        self.counter = itertools.count()
        self.got = [()] * THREADS  # what each thread took, in its order
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
    start_together(s.arrived, ctx)
    take = s.counter.__next__
    s.got[ctx.tid] = [take() for _ in range(OPS)]


def counts(s, threads):
    return OPS * threads, len({x for g in s.got for x in g})


def arbiter(s):
    taken = [x for g in s.got for x in g]
    total = OPS * THREADS
    if sorted(taken) != list(range(total)):
        return "numbers repeated" if len(set(taken)) < len(taken) else "numbers skipped"
    if any(list(g) != sorted(g) for g in s.got):
        return "went backwards"
    if next(s.counter) != total:
        return "numbers skipped"
    return "every number once"


OUTCOMES = {
    "every number once": ("expected", "the threads took 0..N-1 between them, each number once, each thread's increasing"),
    "numbers repeated": ("forbidden", "two threads got the same number"),
    "numbers skipped": ("forbidden", "a number nobody took was consumed"),
    "went backwards": ("forbidden", "a thread got a smaller number after a larger one"),
}
