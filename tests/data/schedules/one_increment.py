"""One s.cnt += 1 per thread on an attribute: two threads, a window of a few bytecodes."""


class State:
    def __init__(self):
        self.cnt = 0


def state():
    return State()


def actor(s, ctx):
    s.cnt += 1


def arbiter(s):
    return "all kept" if s.cnt == THREADS else "lost update"


OUTCOMES = {
    "all kept": ("expected", "both increments are in the total"),
    "lost update": ("interesting", "both threads loaded the old value before either stored"),
}
