"""io.BytesIO.write from every thread on one buffer under a threading.Lock: the correct twin, every chunk kept."""

import io
import threading

OPS = 300  # writes per thread per state
CHUNK = 256  # bytes per write: the memcpy is most of the window between reading and advancing pos
THREADS = 2  # set by the harness to the real thread count
# Gated like bytesio_write (the harness's start gate), so only the lock keeps it right.
START_GATE = True


def state():
    # Same shape as bytesio_write: pre-sized, rewound, gated.
    b = io.BytesIO()
    b.write(bytes(OPS * CHUNK * THREADS))
    b.seek(0)
    return b, threading.Lock()


def letter(tid):
    return 65 + tid % 26  # thread 0 writes b"AAAAAAAA", thread 1 b"BBBBBBBB", ...


def actor(s, ctx):
    b, lock = s
    chunk = bytes([letter(ctx.tid)]) * CHUNK
    write = b.write
    for _ in range(OPS):
        with lock:
            write(chunk)


def counts(s, threads):
    data = s[0].getvalue()
    return OPS * CHUNK * threads, len(data) - data.count(0)


def arbiter(s):
    b = s[0]
    data = b.getvalue()
    if len(data) != OPS * CHUNK * THREADS or b.tell() != len(data):
        return "bytes lost or garbled"
    want = {}
    for tid in range(THREADS):
        want[letter(tid)] = want.get(letter(tid), 0) + OPS * CHUNK
    for byte, n in want.items():
        if data.count(byte) != n:
            return "bytes lost or garbled"
    return "all bytes present"


OUTCOMES = {
    "all bytes present": ("expected", "every chunk of every thread is in the buffer once"),
    "bytes lost or garbled": ("forbidden", "a lock-protected write was lost"),
}
