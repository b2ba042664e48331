"""next() on one shared generator from every thread: 3.13t does not guard a generator's frame, values repeat or vanish."""

OPS = 300  # next() calls each thread makes per state
THREADS = 2  # set by the harness to the real thread count
# Every actor starts each state together (the harness's start gate): a
# thread woken late by the stride's barrier would overlap the other little.
START_GATE = True


def numbers(n):
    for i in range(n):
        yield i


class State:
    def __init__(self):
        self.gen = numbers(OPS * THREADS)
        self.got = [()] * THREADS  # values each thread received, in its order
        self.refused = [0] * THREADS  # ValueError "generator already executing" per thread


def state():
    return State()


def actor(s, ctx):
    gen = s.gen
    got = []
    refused = 0
    for _ in range(OPS):
        try:
            got.append(next(gen))
        except ValueError:  # "generator already executing": the documented guard
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
    "all once, some refused": ("acceptable", "a next() raised ValueError 'generator already executing' "
                                             "(the documented guard), no value was lost"),
    "values repeated": ("interesting", "two threads ran the generator's frame at once and got the same value"),
    "values lost": ("interesting", "a value was consumed but reached nobody"),
    "went backwards": ("interesting", "a thread got a smaller value after a larger one"),
    "generator broken": ("interesting", "the generator raised when drained afterwards"),
}
