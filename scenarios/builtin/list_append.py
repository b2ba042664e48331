"""list.append from every thread on one list: the list locks itself, no append may be lost (must pass)."""

import time

OPS = 500  # appends per thread per state
THREADS = 2  # set by the harness to the real thread count


def state():
    return [], []


def start_together(arrived, ctx):
    # A start gate per state: the harness's barrier only aligns the start of a
    # stride and a woken thread starts late, so without it the threads overlap
    # little. Gives up after 1 s (a thread whose actor raised never arrives).
    arrived.append(ctx.tid)
    deadline = time.monotonic() + 1.0
    while len(arrived) < ctx.threads and time.monotonic() < deadline:
        time.sleep(0)


def actor(s, ctx):
    lst, arrived = s
    start_together(arrived, ctx)
    base = ctx.tid * OPS
    append = lst.append
    for i in range(base, base + OPS):
        append(i)  # grows the list many times over while others append


def counts(s, threads):
    lst = s[0]
    return OPS * threads, len(lst)


def arbiter(s):
    lst = s[0]
    total = OPS * THREADS
    if len(lst) != total:
        return "appends lost" if len(lst) < total else "extra items"
    if sorted(lst) != list(range(total)):
        return "items lost or duplicated"
    last = [-1] * THREADS
    for x in lst:
        tid = x // OPS
        if x < last[tid]:
            return "reordered within a thread"
        last[tid] = x
    return "all appended"


OUTCOMES = {
    "all appended": ("expected", "every item of every thread is in the list once, each thread's in its order"),
    "appends lost": ("forbidden", "the list is shorter than the number of appends"),
    "extra items": ("forbidden", "the list is longer than the number of appends"),
    "items lost or duplicated": ("forbidden", "right length, but some items are missing and others doubled"),
    "reordered within a thread": ("forbidden", "one thread's appends are not in the order it made them"),
}
