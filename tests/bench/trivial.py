"""Does nothing in every thread: measures the harness's own cost per iteration."""


def state():
    return None


def actor(s, ctx):
    pass


def arbiter(s):
    return "done"


OUTCOMES = {"done": ("expected", "the actors returned")}
