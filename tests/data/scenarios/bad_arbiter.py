"""Its arbiter raises ZeroDivisionError on line 13."""


def state():
    return 0


def actor(s, ctx):
    pass


def arbiter(s):
    return str(1 // s)
