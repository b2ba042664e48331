"""A small valid target: a list shared by every thread (list operations are atomic in 3.13t)."""

EXPECTED = (IndexError,)
LINEARIZABLE = True
OPS_PER_THREAD = 4


def factory():
    return [1, 2, 3]


def observe(lst):
    return list(lst)


def op_append(lst, rng):
    lst.append(rng.randrange(10))


def op_pop(lst, rng):
    return lst.pop()


def op_len(lst, rng):
    return len(lst)
