"""A racy test: `cnt += 1` on a shared object loses updates without a lock."""

import threading

THREADS = 4
INCREMENTS = 20000


class Counter:
    def __init__(self):
        self.value = 0


def test_unlocked_counter_keeps_every_increment():
    counter = Counter()
    start = threading.Barrier(THREADS)

    def bump():
        start.wait()
        for _ in range(INCREMENTS):
            counter.value += 1  # load, add, store: another thread's store in between is lost

    workers = [threading.Thread(target=bump) for _ in range(THREADS)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert counter.value == THREADS * INCREMENTS, f"lost {THREADS * INCREMENTS - counter.value} increments"
