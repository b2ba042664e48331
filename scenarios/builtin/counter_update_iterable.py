"""Counter.update(iterable) from every thread: the C helper _count_elements gets then sets per key, unlocked."""

import collections
import time

OPS = 2000  # elements each thread counts per state
THREADS = 2  # set by the harness to the real thread count
KEYS = ("red", "green", "blue")
WORDS = [KEYS[i % 3] for i in range(OPS)]  # built once, shared read-only


def state():
    return collections.Counter(), []


def start_together(arrived, ctx):
    # A start gate per state: the harness's barrier only aligns the start of a
    # stride and a woken thread starts late, so without it the threads overlap
    # little. Gives up after 1 s (a thread whose actor raised never arrives).
    arrived.append(ctx.tid)
    deadline = time.monotonic() + 1.0
    while len(arrived) < ctx.threads and time.monotonic() < deadline:
        time.sleep(0)


def actor(s, ctx):
    c, arrived = s
    start_together(arrived, ctx)
    c.update(WORDS)  # one call: _collections._count_elements(c, WORDS) loops in C


def counts(s, threads):
    return OPS * threads, s[0].total()


def arbiter(s):
    return "all counted" if s[0].total() == OPS * THREADS else "lost counts"


OUTCOMES = {
    "all counted": ("expected", "every element of every thread's update is in the counts"),
    "lost counts": ("interesting", "Counter.update is not atomic: _count_elements lost concurrent increments"),
}
