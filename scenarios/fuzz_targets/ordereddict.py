"""collections.OrderedDict shared by every thread: its linked order must stay consistent with its keys."""

import collections

EXPECTED = (KeyError,)


def factory():
    return collections.OrderedDict((k, k) for k in range(6))


def key(rng):
    return rng.randrange(10)


def op_setitem(od, rng):
    od[key(rng)] = rng.randrange(100)


def op_delitem(od, rng):
    del od[key(rng)]


def op_pop(od, rng):
    return od.pop(key(rng), None)


def op_popitem(od, rng):
    return od.popitem(last=rng.random() < 0.5)


def op_move_to_end(od, rng):
    od.move_to_end(key(rng), last=rng.random() < 0.5)


def op_get(od, rng):
    return od.get(key(rng))


def op_setdefault(od, rng):
    return od.setdefault(key(rng), 0)


def op_keys(od, rng):
    return list(od)


def op_reversed(od, rng):
    return list(reversed(od))


def op_items(od, rng):
    return list(od.items())


def op_copy(od, rng):
    return len(od.copy())


def op_update(od, rng):
    od.update({key(rng): 1, key(rng): 2})


def op_eq(od, rng):
    return od == collections.OrderedDict((k, k) for k in range(6))


def op_len(od, rng):
    return len(od)


def op_clear(od, rng):
    if rng.random() < 0.15:
        od.clear()


def invariant(od):
    # The linked list (iteration order) and the dict hold the same keys.
    ordered = list(od)
    return len(ordered) == len(od) and set(ordered) == set(od.keys()) and \
        list(reversed(od)) == ordered[::-1]
