"""json.dumps and pickle.dumps of a dict and list that other threads mutate at the same time."""

import copy
import json
import pickle

# Popping what another thread already took is normal; "changed size during
# iteration" RuntimeErrors are normal in every target.
EXPECTED = (KeyError, IndexError)


class Shared:
    def __init__(self):
        self.d = {str(k): [k, {"n": k}] for k in range(6)}
        self.lst = [1, "two", 3.0, [4, 5], {"six": 6}]
        self.d["list"] = self.lst


def factory():
    return Shared()


def key(rng):
    return str(rng.randrange(10))


OPERATIONS = {
    "json_dumps": lambda s, rng: len(json.dumps(s.d, sort_keys=rng.random() < 0.5)),
    "json_dumps_list": lambda s, rng: len(json.dumps(s.lst)),
    "pickle_dumps": lambda s, rng: len(pickle.dumps(s.d, protocol=rng.randrange(2, 6))),
    "pickle_roundtrip": lambda s, rng: len(pickle.loads(pickle.dumps(s.lst))),
    "deepcopy": lambda s, rng: len(copy.deepcopy(s.d)),
    "repr": lambda s, rng: len(repr(s.d)),
    "set": lambda s, rng: s.d.__setitem__(key(rng), [rng.randrange(9)] * rng.randrange(4)),
    "pop": lambda s, rng: s.d.pop(key(rng)),
    "nested": lambda s, rng: s.d.__setitem__("nested", {"a": [1, {"b": rng.randrange(9)}]}),
    "append": lambda s, rng: s.lst.append(rng.choice((1, "x", [2], {"y": 3}))),
    "list_pop": lambda s, rng: s.lst.pop(),
    "list_setitem": lambda s, rng: s.lst.__setitem__(slice(0, 2), [rng.randrange(9)]),
    "clear": lambda s, rng: (s.d.clear(), s.d.__setitem__("list", s.lst)) if rng.random() < 0.1 else None,
}
