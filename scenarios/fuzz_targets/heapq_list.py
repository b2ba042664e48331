"""heapq on one list shared by every thread: pushes and pops must keep it a heap and lose nothing (linearizable)."""

import heapq

# Popping an empty heap is normal.
EXPECTED = (IndexError,)
# heapq's functions are single C calls on the list; with a lock-free list they
# should still behave as one step each: the popped values and what is left
# must come from some sequential order of the same calls.
LINEARIZABLE = True
OPS_PER_THREAD = 6


def factory():
    h = [5, 1, 8, 3, 9, 2]
    heapq.heapify(h)
    return h


def observe(h):
    return sorted(h)


OPERATIONS = {
    "heappush": lambda h, rng: heapq.heappush(h, rng.randrange(20)),
    "heappop": lambda h, rng: heapq.heappop(h),
    "heappushpop": lambda h, rng: heapq.heappushpop(h, rng.randrange(20)),
    "heapreplace": lambda h, rng: heapq.heapreplace(h, rng.randrange(20)),
    "heapify": lambda h, rng: heapq.heapify(h),
    "smallest": lambda h, rng: h[:1],
    "len": lambda h, rng: len(h),
}


def invariant(h):
    snapshot = list(h)
    return all(snapshot[(i - 1) // 2] <= snapshot[i] for i in range(1, len(snapshot)))
