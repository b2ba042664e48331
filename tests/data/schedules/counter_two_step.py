"""A two-step Counter update (c[k] = c[k] + 1, one per thread): the read and the write are two steps."""

import collections


def state():
    return collections.Counter()


def actor(c, ctx):
    n = c["k"]  # step one: read
    c["k"] = n + 1  # step two: write what was read


def arbiter(c):
    return "both counted" if c["k"] == THREADS else "lost count"


OUTCOMES = {
    "both counted": ("expected", "both updates are in the counter"),
    "lost count": ("interesting", "both threads read the old count before either wrote"),
}
