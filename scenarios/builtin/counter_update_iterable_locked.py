"""Counter.update(iterable) from every thread under a threading.Lock: the correct twin, counts every element."""

import collections
import threading
import time

OPS = 2000
THREADS = 2
KEYS = ("red", "green", "blue")
WORDS = [KEYS[i % 3] for i in range(OPS)]


def state():
    return collections.Counter(), threading.Lock(), []


def start_together(arrived, ctx):
    # A start gate per state: the harness's barrier only aligns the start of a
    # stride and a woken thread starts late, so without it the threads overlap
    # little. Gives up after 1 s (a thread whose actor raised never arrives).
    arrived.append(ctx.tid)
    deadline = time.monotonic() + 1.0
    while len(arrived) < ctx.threads and time.monotonic() < deadline:
        time.sleep(0)


def actor(s, ctx):
    c, lock, arrived = s
    start_together(arrived, ctx)
    with lock:
        c.update(WORDS)


def counts(s, threads):
    return OPS * threads, s[0].total()


def arbiter(s):
    return "all counted" if s[0].total() == OPS * THREADS else "lost counts"


OUTCOMES = {
    "all counted": ("expected", "every element of every thread's update is in the counts"),
    "lost counts": ("forbidden", "a lock-protected update lost counts"),
}
