"""queue.Queue hand-off: producers put items then a sentinel, a consumer gets until all sentinels; each item arrives once, in order (must pass)."""

import queue

OPS = 100  # items each producer puts per state
MAXSIZE = 16  # bounded, so producers block on full and the consumer on empty
TIMEOUT = 30.0  # a get/put this slow is a hang; raising queue.Empty/Full beats blocking forever
THREADS = 2  # set by the harness to the real thread count
DONE = object()  # the sentinel


class State:
    def __init__(self):
        self.q = queue.Queue(MAXSIZE)
        self.got = []  # what the consumer received, in order


def state():
    return State()


def produce(s, tid):
    put = s.q.put
    base = tid * OPS
    for i in range(base, base + OPS):
        put(i, timeout=TIMEOUT)
    put(DONE, timeout=TIMEOUT)


def consume(s, producers):
    get = s.q.get
    got = s.got
    done = 0
    while done < producers:
        item = get(timeout=TIMEOUT)
        if item is DONE:
            done += 1
        else:
            got.append(item)


def actor(s, ctx):
    # The last thread consumes, every other thread produces. With one thread it
    # does both, producing first (MAXSIZE is no limit then).
    if ctx.threads == 1:
        s.q.maxsize = 0
        produce(s, 0)
        consume(s, 1)
    elif ctx.tid == ctx.threads - 1:
        consume(s, ctx.threads - 1)
    else:
        produce(s, ctx.tid)


def producer_ids():
    return range(max(1, THREADS - 1))


def counts(s, threads):
    return OPS * max(1, threads - 1), len(s.got)


def arbiter(s):
    want = sorted(x for p in producer_ids() for x in range(p * OPS, p * OPS + OPS))
    if sorted(s.got) != want:
        if len(s.got) < len(want):
            return "items lost"
        if len(s.got) > len(want):
            return "items duplicated"
        return "items lost and duplicated"
    if not s.q.empty():
        return "items left behind"
    last = {}
    for x in s.got:
        p = x // OPS
        if x <= last.get(p, -1):
            return "out of order"
        last[p] = x
    return "all delivered in order"


OUTCOMES = {
    "all delivered in order": ("expected", "every item arrived exactly once, each producer's in the order put"),
    "items lost": ("forbidden", "an item that was put never arrived"),
    "items duplicated": ("forbidden", "an item arrived twice"),
    "items lost and duplicated": ("forbidden", "right count, wrong items"),
    "items left behind": ("forbidden", "the queue is not empty after every sentinel arrived"),
    "out of order": ("forbidden", "one producer's items arrived out of the order it put them"),
}
