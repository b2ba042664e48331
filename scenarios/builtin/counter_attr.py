"""cnt += 1 on an instance attribute from every thread: the read-modify-write loses updates."""

OPS = 1000  # increments per thread per state
THREADS = 2  # set by the harness to the real thread count


class State:
    def __init__(self):
        self.cnt = 0


def state():
    return State()


def actor(s, ctx):
    for _ in range(OPS):
        s.cnt += 1  # LOAD_ATTR, BINARY_OP, STORE_ATTR: another thread can store in between


def counts(s, threads):
    return OPS * threads, s.cnt


def arbiter(s):
    return "all kept" if s.cnt == OPS * THREADS else "lost updates"


OUTCOMES = {
    "all kept": ("expected", "every increment of every thread is in the total"),
    "lost updates": ("interesting", "s.cnt += 1 is not atomic: concurrent increments were lost"),
}
