"""Check-then-claim on a dict: two threads may both claim one key; the window is a few bytecodes."""


class State:
    def __init__(self, threads):
        self.owner = {}
        self.claims = [0] * threads


def state():
    return State(THREADS)


def actor(s, ctx):
    # Between the membership test and the store another thread may test too;
    # then both count a claim. The window is a handful of instructions wide, so
    # unperturbed runs seldom hit it: the case schedule noise is for.
    for key in range(50):
        if key not in s.owner:
            s.owner[key] = ctx.tid
            s.claims[ctx.tid] += 1


def arbiter(s):
    return "one claim per key" if sum(s.claims) == 50 else "double claims"


OUTCOMES = {
    "one claim per key": ("expected", "every key was claimed by one thread"),
    "double claims": ("interesting", "two threads both saw a key free and claimed it"),
}
