"""itertools iterators (count, cycle, islice, tee, pairwise, accumulate, chain) shared by every thread: next() must hand out each item once (linearizable)."""

import itertools

# islice runs out; that is normal.
EXPECTED = (StopIteration,)
# Each next() should behave as one atomic step of the iterator: two threads
# must never both get the same count() value, or skip one.
LINEARIZABLE = True
OPS_PER_THREAD = 6


class Iterators:
    def __init__(self):
        self.count = itertools.count()
        self.cycle = itertools.cycle(range(5))
        self.islice = itertools.islice(itertools.count(), 0, 40, 3)
        self.tee_a, self.tee_b = itertools.tee(iter(range(1000)), 2)
        self.pairwise = itertools.pairwise(itertools.count())
        self.accumulate = itertools.accumulate(itertools.count())
        self.chain = itertools.chain.from_iterable(itertools.repeat((1, 2, 3)))
        self.batched = itertools.batched(itertools.count(), 3)
        self.zip = zip(itertools.count(), itertools.count(100))


def factory():
    return Iterators()


OPERATIONS = {
    "count": lambda it, rng: next(it.count),
    "cycle": lambda it, rng: next(it.cycle),
    "islice": lambda it, rng: next(it.islice),
    "tee_a": lambda it, rng: next(it.tee_a),
    "tee_b": lambda it, rng: next(it.tee_b),
    "pairwise": lambda it, rng: next(it.pairwise),
    "accumulate": lambda it, rng: next(it.accumulate),
    "chain": lambda it, rng: next(it.chain),
    "batched": lambda it, rng: next(it.batched),
    "zip": lambda it, rng: next(it.zip),
}
