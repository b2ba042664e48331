"""Check-then-insert on one dict key (if k not in d: d[k] = tid): both threads may insert."""


class State:
    def __init__(self):
        self.d = {}
        self.inserted = []


def state():
    return State()


def actor(s, ctx):
    if "k" not in s.d:
        s.d["k"] = ctx.tid
        s.inserted.append(ctx.tid)


def arbiter(s):
    return "one insert" if len(s.inserted) == 1 else "both inserted"


OUTCOMES = {
    "one insert": ("expected", "the second thread saw the first one's key"),
    "both inserted": ("interesting", "both threads saw the key missing and inserted"),
}
