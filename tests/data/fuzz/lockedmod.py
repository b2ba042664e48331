"""The quiet control of the shared-argument pool: a list wrapper that holds
its lock for every access, and lets nothing it guards leave the lock (copies,
pickles and iterators get a snapshot taken under it). Fuzzed in pool mode
(other modules' functions, shared iterators, attribute writes, terminal
operations) it stayed quiet for 60 s (seed 7) and in most 20 s runs; one run
(seed 1) showed one race after P.insert + pop, in an object the pool had
handed the wrapper: not yet told apart, so no test asserts it yet."""

import threading


class LockedList:
    __slots__ = ("_lock", "_items")

    def __init__(self):
        self._lock = threading.Lock()
        self._items = [1, 2, 3]

    def append(self, x):
        with self._lock:
            self._items.append(x)

    def pop(self):
        with self._lock:
            return self._items.pop() if self._items else None

    def insert(self, i, x):
        with self._lock:
            self._items.insert(i, x)

    def clear(self):
        with self._lock:
            self._items.clear()

    def snapshot(self):
        with self._lock:
            return list(self._items)

    def __len__(self):
        with self._lock:
            return len(self._items)

    def __getitem__(self, i):
        with self._lock:
            return self._items[i]

    def __contains__(self, x):
        with self._lock:
            return x in self._items

    def __iter__(self):
        return iter(self.snapshot())

    def __repr__(self):
        return f"LockedList({self.snapshot()!r})"

    def __reduce__(self):
        return (_rebuild, (self.snapshot(),))

    def __copy__(self):
        return _rebuild(self.snapshot())

    def __deepcopy__(self, memo):
        return _rebuild(self.snapshot())


def _rebuild(items):
    new = LockedList()
    new._items = list(items)
    return new
