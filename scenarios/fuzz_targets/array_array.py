"""array.array('i') shared by every thread: appends, pops, slices and conversions at once."""

import array

# BufferError: resizing while another thread holds a buffer export (memoryview,
# join, ...) is refused by design.
EXPECTED = (IndexError, ValueError, BufferError)


def factory():
    return array.array("i", range(8))


def index(a, rng):
    return rng.randrange(-len(a) - 1, len(a) + 1) if len(a) else 0


OPERATIONS = {
    "append": lambda a, rng: a.append(rng.randrange(1000)),
    "pop": lambda a, rng: a.pop(),
    "pop_at": lambda a, rng: a.pop(index(a, rng)),
    "insert": lambda a, rng: a.insert(rng.randrange(-4, 12), 7),
    "extend": lambda a, rng: a.extend(range(rng.randrange(6))),
    "extend_array": lambda a, rng: a.extend(array.array("i", [1, 2, 3])),
    "remove": lambda a, rng: a.remove(rng.randrange(10)),
    "index": lambda a, rng: a.index(rng.randrange(10)),
    "count": lambda a, rng: a.count(rng.randrange(10)),
    "reverse": lambda a, rng: a.reverse(),
    "byteswap": lambda a, rng: a.byteswap(),
    "getitem": lambda a, rng: a[index(a, rng)],
    "setitem": lambda a, rng: a.__setitem__(index(a, rng), rng.randrange(100)),
    "getslice": lambda a, rng: a[1:rng.randrange(12)].tolist(),
    "setslice": lambda a, rng: a.__setitem__(slice(0, rng.randrange(6)), array.array("i", [9] * rng.randrange(8))),
    "delslice": lambda a, rng: a.__delitem__(slice(0, rng.randrange(4))),
    "tobytes": lambda a, rng: len(a.tobytes()),
    "frombytes": lambda a, rng: a.frombytes(bytes(4 * rng.randrange(4))),
    "tolist": lambda a, rng: len(a.tolist()),
    "iadd": lambda a, rng: a.__iadd__(array.array("i", [5])),
    "imul": lambda a, rng: a.__imul__(rng.choice((1, 1, 2, 0))) if len(a) < 64 else None,
    "len": lambda a, rng: len(a),
    "buffer_info": lambda a, rng: a.buffer_info()[1],
    "iterate": lambda a, rng: sum(1 for _ in a),
    "memoryview": lambda a, rng: bytes(memoryview(a))[:4],
}


def invariant(a):
    return len(a.tobytes()) == len(a) * a.itemsize and len(a.tolist()) == len(a)
