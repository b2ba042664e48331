"""Calls racyext.bump_locked() from every thread: the same increment under a PyMutex."""

import os
import sys

sys.path.insert(0, os.environ["RACYEXT_DIR"])
import racyext  # noqa: E402


def state():
    return None


def actor(s, ctx):
    racyext.bump_locked(20000)


def arbiter(s):
    return "done"


OUTCOMES = {"done": ("expected", "the calls returned")}
