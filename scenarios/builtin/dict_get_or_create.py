"""Check-then-insert on a dict (if k not in d: d[k] = []; d[k].append(v)): a thread's list can be replaced and its values lost."""

import time

KEYS = 300  # keys per state; every thread adds one value under each key, in the same order
THREADS = 2  # set by the harness to the real thread count


def state():
    return {}, []


def start_together(arrived, ctx):
    # A start gate per state: the harness's barrier only aligns the start of a
    # stride and a woken thread starts late, so without it the threads overlap
    # little. Gives up after 1 s (a thread whose actor raised never arrives).
    arrived.append(ctx.tid)
    deadline = time.monotonic() + 1.0
    while len(arrived) < ctx.threads and time.monotonic() < deadline:
        time.sleep(0)


def add(d, key, value):
    if key not in d:  # check ...
        d[key] = []  # ... then insert: may replace a list another thread just inserted and appended to
    d[key].append(value)


def actor(s, ctx):
    d, arrived = s
    start_together(arrived, ctx)
    for k in range(KEYS):
        add(d, k, ctx.tid)


def counts(s, threads):
    return KEYS * threads, sum(len(v) for v in s[0].values())


def arbiter(s):
    d = s[0]
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
