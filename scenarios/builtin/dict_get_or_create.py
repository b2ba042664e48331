"""Check-then-insert on a dict (if k not in d: d[k] = []; d[k].append(v)): a thread's list can be replaced and its values lost."""

KEYS = 300  # keys per state; every thread adds one value under each key, in the same order
THREADS = 2  # set by the harness to the real thread count
# Every actor starts each state together (the harness's start gate): the
# check-then-insert window is a few bytecodes, only hit side by side.
START_GATE = True


def state():
    return {}


def add(d, key, value):
    if key not in d:  # check ...
        d[key] = []  # ... then insert: may replace a list another thread just inserted and appended to
    d[key].append(value)


def actor(s, ctx):
    d = s
    for k in range(KEYS):
        add(d, k, ctx.tid)


def counts(s, threads):
    return KEYS * threads, sum(len(v) for v in s.values())


def arbiter(s):
    d = s
    if len(d) != KEYS:
        return "keys missing"
    for values in d.values():
        if sorted(values) != list(range(THREADS)):
            return "values lost"
    return "all values kept"


OUTCOMES = {
    "all values kept": ("expected", "every key holds one value from every thread"),
    "values lost": ("interesting", "two threads both saw the key missing: the second d[k] = [] "
                                   "threw away the first thread's list and value"),
    "keys missing": ("forbidden", "a key that was inserted is not in the dict"),
}
