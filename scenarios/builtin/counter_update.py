"""c[key] += 1 on a shared collections.Counter from every thread: the read-modify-write loses counts."""

import collections

OPS = 600  # increments per thread per state
THREADS = 2  # set by the harness to the real thread count
KEYS = ("red", "green", "blue")


def state():
    return collections.Counter()


def actor(c, ctx):
    keys = KEYS
    for i in range(OPS):
        c[keys[i % 3]] += 1  # Counter.__missing__ on first use, then a dict get and a dict set


def counts(c, threads):
    return OPS * threads, c.total()


def arbiter(c):
    return "all counted" if c.total() == OPS * THREADS else "lost counts"


OUTCOMES = {
    "all counted": ("expected", "every increment of every thread is in the counts"),
    "lost counts": ("interesting", "c[key] += 1 is not atomic: concurrent increments were lost"),
}
