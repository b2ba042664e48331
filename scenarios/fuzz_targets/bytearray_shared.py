"""bytearray shared by every thread: in-place edits, searches and copies at once."""

# BufferError: resizing while another thread holds a buffer export (memoryview,
# join, ...) is refused by design.
EXPECTED = (IndexError, ValueError, BufferError)


def factory():
    return bytearray(b"abcdefgh")


def index(b, rng):
    return rng.randrange(-len(b) - 1, len(b) + 1) if len(b) else 0


OPERATIONS = {
    "append": lambda b, rng: b.append(rng.randrange(256)),
    "extend": lambda b, rng: b.extend(rng.randbytes(rng.randrange(8))),
    "pop": lambda b, rng: b.pop(),
    "insert": lambda b, rng: b.insert(rng.randrange(-4, 12), 65),
    "remove": lambda b, rng: b.remove(rng.choice(b"abcxyz")),
    "setitem": lambda b, rng: b.__setitem__(index(b, rng), rng.randrange(256)),
    "getitem": lambda b, rng: b[index(b, rng)],
    "setslice": lambda b, rng: b.__setitem__(slice(0, rng.randrange(6)), rng.randbytes(rng.randrange(8))),
    "delslice": lambda b, rng: b.__delitem__(slice(0, rng.randrange(4))),
    "iadd": lambda b, rng: b.__iadd__(b"xy"),
    "find": lambda b, rng: b.find(b"c"),
    "count": lambda b, rng: b.count(b"a"),
    "replace": lambda b, rng: len(b.replace(b"a", b"zz")),
    "upper": lambda b, rng: len(b.upper()),
    "decode": lambda b, rng: len(b.decode("latin-1")),
    "copy": lambda b, rng: bytes(b.copy())[:4],
    "reverse": lambda b, rng: b.reverse(),
    "clear": lambda b, rng: b.clear() if rng.random() < 0.1 else None,
    "len": lambda b, rng: len(b),
    "iterate": lambda b, rng: sum(1 for _ in b),
    "join": lambda b, rng: len(b"-".join([b, b])),
    "hex": lambda b, rng: len(b.hex()),
}


def invariant(b):
    return len(bytes(b)) == len(b)
