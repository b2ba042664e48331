"""Two threads take two locks in opposite order: a deadlock, so the run hangs."""

import threading
import time


class State:
    def __init__(self):
        self.a = threading.Lock()
        self.b = threading.Lock()


def state():
    return State()


def take_ab(s, ctx):
    with s.a:
        time.sleep(0.05)
        with s.b:
            pass


def take_ba(s, ctx):
    with s.b:
        time.sleep(0.05)
        with s.a:
            pass


ACTORS = [take_ab, take_ba]


def arbiter(s):
    return "finished"


OUTCOMES = {"finished": ("expected", "both threads got both locks")}
