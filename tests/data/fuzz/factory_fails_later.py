"""A factory that works once and then raises: the harness cannot go on, which
is ftstress's error ("could not fuzz"), never a finding about the target."""

CALLS = []


def factory():
    CALLS.append(1)
    if len(CALLS) >= 2:
        raise OSError("the factory's resource is gone")
    return []


def op_append(lst, rng):
    lst.append(1)


def op_len(lst, rng):
    return len(lst)
