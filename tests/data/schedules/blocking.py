"""Blocking under a controlled schedule: a lock held across time.sleep, a queue.Queue hand-off, a join."""

import queue
import threading
import time


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.q = queue.Queue()
        self.total = 0
        self.got = []


def state():
    return State()


def helper(s):
    s.total += 0  # a thread of the actor's own, outside the schedule


def actor(s, ctx):
    with s.lock:  # the other actor blocks here while this one sleeps
        time.sleep(0.001)
        s.total += 1
    if ctx.tid == 0:
        s.q.put("hand-off")
    else:
        s.got.append(s.q.get(timeout=30))  # may wait for actor 0's put
    t = threading.Thread(target=helper, args=(s,))
    t.start()
    t.join()


def arbiter(s):
    return "completed" if s.total == THREADS and s.got == ["hand-off"] else "broken"


OUTCOMES = {
    "completed": ("expected", "every lock, hand-off and join completed"),
    "broken": ("forbidden", "an actor lost its increment or its hand-off"),
}
