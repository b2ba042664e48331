"""Fails while importing: a NameError on line 4."""

X = 1
Y = undefined_name + X


def state():
    return 0


def actor(s, ctx):
    pass


def arbiter(s):
    return "x"
