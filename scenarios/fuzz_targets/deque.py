"""collections.deque shared by every thread; each operation must be atomic (linearizable)."""

import collections

# Popping an empty deque and removing a missing item are normal.
EXPECTED = (IndexError, ValueError)
# Every operation is one C call under the deque's critical section: the
# results must be explainable by some sequential order of the same calls.
LINEARIZABLE = True
OPS_PER_THREAD = 6


def factory():
    return collections.deque(range(4))


def observe(d):
    return list(d)


OPERATIONS = {
    "append": lambda d, rng: d.append(rng.randrange(100)),
    "appendleft": lambda d, rng: d.appendleft(rng.randrange(100)),
    "pop": lambda d, rng: d.pop(),
    "popleft": lambda d, rng: d.popleft(),
    "extend": lambda d, rng: d.extend([rng.randrange(100) for _ in range(rng.randrange(4))]),
    "extendleft": lambda d, rng: d.extendleft([rng.randrange(100), rng.randrange(100)]),
    "rotate": lambda d, rng: d.rotate(rng.randrange(-3, 4)),
    "len": lambda d, rng: len(d),
    "remove": lambda d, rng: d.remove(rng.randrange(8)),
    "count": lambda d, rng: d.count(rng.randrange(8)),
    "reverse": lambda d, rng: d.reverse(),
    "clear": lambda d, rng: d.clear() if rng.random() < 0.2 else None,
    "copy": lambda d, rng: tuple(d.copy()),
    "contains": lambda d, rng: rng.randrange(8) in d,
}
