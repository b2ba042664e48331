"""lst[0] += 1 on a shared list element from every thread: the read-modify-write loses updates."""

OPS = 1000  # increments per thread per state
THREADS = 2  # set by the harness to the real thread count


def state():
    return [0]


def actor(lst, ctx):
    for _ in range(OPS):
        lst[0] += 1  # item read and item store are each atomic, the increment between them is not


def counts(lst, threads):
    return OPS * threads, lst[0]


def arbiter(lst):
    return "all kept" if lst[0] == OPS * THREADS else "lost updates"


OUTCOMES = {
    "all kept": ("expected", "every increment of every thread is in the total"),
    "lost updates": ("interesting", "lst[0] += 1 is not atomic: concurrent increments were lost"),
}
