"""next() on one shared generator under a threading.Lock: the correct twin, every value reaches one thread."""

import threading

OPS = 300  # next() calls each thread makes per state
THREADS = 2  # set by the harness to the real thread count
# Gated like generator_shared (the harness's start gate).
START_GATE = True


def numbers(n):
    for i in range(n):
        yield i


class State:
    def __init__(self):
        self.gen = numbers(OPS * THREADS)
        self.got = [()] * THREADS  # values each thread received, in its order
        self.refused = [0] * THREADS  # ValueError "generator already executing" per thread
        self.lock = threading.Lock()


def state():
    return State()


def actor(s, ctx):
    gen = s.gen
    lock = s.lock
    got = []
    refused = 0
    for _ in range(OPS):
        try:
            with lock:
                got.append(next(gen))
        except ValueError:  # "generator already executing": cannot happen under the lock
            refused += 1
        except StopIteration:
            break
    s.got[ctx.tid] = got
    s.refused[ctx.tid] = refused


def arbiter(s):
    try:
        rest = list(s.gen)  # what nobody took
    except Exception:
        return "generator broken"
    values = [x for g in s.got for x in g] + rest
    if sorted(values) != list(range(OPS * THREADS)):
        if len(set(values)) < len(values):
            return "values repeated"
        return "values lost"
    if any(list(g) != sorted(g) for g in s.got):
        return "went backwards"
    return "all once, some refused" if any(s.refused) else "every value once"


OUTCOMES = {
    "every value once": ("expected", "taken plus left over is each value once, each thread's increasing"),
    "all once, some refused": ("forbidden", "a next() under the lock raised 'generator already executing'"),
    "values repeated": ("forbidden", "two threads got the same value despite the lock"),
    "values lost": ("forbidden", "a value was consumed but reached nobody"),
    "went backwards": ("forbidden", "a thread got a smaller value after a larger one"),
    "generator broken": ("forbidden", "the generator raised when drained afterwards"),
}
