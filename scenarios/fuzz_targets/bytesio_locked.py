"""io.BytesIO whose every operation holds one threading.Lock: the quiet control of bytesio.py.

The operations are bytesio.py's, each run under the lock, and no object
BytesIO owns leaves the lock (see locked()).
"""

import io
import threading


class LockedBytesIO:
    def __init__(self):
        self.lock = threading.Lock()
        self.b = io.BytesIO(b"0123456789" * 4)


EXPECTED = (ValueError, BufferError)


def factory():
    return LockedBytesIO()


def locked(fn):
    def op(w, rng):
        with w.lock:
            result = fn(w.b, rng)
            # Only a summary leaves the lock. BytesIO hands out its own buffer
            # object (read() or getvalue() of all of it), and dropping that
            # reference in another thread, outside the lock, races with
            # BytesIO reallocating the buffer on the next write: a real 3.13
            # race that no lock around the calls prevents (README.md).
            summary = len(result) if isinstance(result, (bytes, list)) else result
            del result
        return summary
    op.__name__ = fn.__name__
    return op


def _write(b, rng):
    return b.write(rng.randbytes(rng.randrange(1, 64)))


def _read(b, rng):
    return b.read(rng.randrange(-1, 48))


def _seek(b, rng):
    return b.seek(rng.randrange(0, 80), rng.choice((0, 0, 1, 2)))


def _getbuffer(b, rng):
    with b.getbuffer() as view:
        return len(view)


OPERATIONS = {
    "write": locked(_write),
    "writelines": locked(lambda b, rng: b.writelines([b"ab", rng.randbytes(rng.randrange(8))])),
    "read": locked(_read),
    "read1": locked(lambda b, rng: b.read1(rng.randrange(0, 16))),
    "readline": locked(lambda b, rng: b.readline()),
    "readinto": locked(lambda b, rng: b.readinto(bytearray(rng.randrange(1, 32)))),
    "seek": locked(_seek),
    "tell": locked(lambda b, rng: b.tell()),
    "getvalue": locked(lambda b, rng: len(b.getvalue())),
    "truncate": locked(lambda b, rng: b.truncate(rng.randrange(0, 64))),
    "getbuffer": locked(_getbuffer),
    "iterate": locked(lambda b, rng: sum(1 for _ in b)),
}


def invariant(w):
    with w.lock:
        return w.b.tell() >= 0 and isinstance(w.b.getvalue(), bytes)
