"""d[key] += 1 on a shared dict value from every thread: get and set are each atomic, the pair is not."""

OPS = 1000  # increments per thread per state
THREADS = 2  # set by the harness to the real thread count
KEY = "hits"


def state():
    return {KEY: 0}


def actor(d, ctx):
    for _ in range(OPS):
        d[KEY] += 1  # BINARY_SUBSCR, BINARY_OP, STORE_SUBSCR: the dict locks each, not the three


def counts(d, threads):
    return OPS * threads, d[KEY]


def arbiter(d):
    return "all kept" if d[KEY] == OPS * THREADS else "lost updates"


OUTCOMES = {
    "all kept": ("expected", "every increment of every thread is in the total"),
    "lost updates": ("interesting", "d[key] += 1 is not atomic: concurrent increments were lost"),
}
