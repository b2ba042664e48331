"""dict.setdefault(k, []).append(v) from every thread: setdefault is one atomic get-or-insert, no value is lost."""

KEYS = 300
THREADS = 2
# Gated like dict_get_or_create (the harness's start gate).
START_GATE = True


def state():
    return {}


def add(d, key, value):
    d.setdefault(key, []).append(value)  # the dict's lock covers the lookup and the insert


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
    "values lost": ("forbidden", "setdefault handed two threads different lists for one key"),
    "keys missing": ("forbidden", "a key that was inserted is not in the dict"),
}
