"""io.BytesIO.write from every thread on one buffer: 3.13's bytesio.c has no lock, so chunks overwrite each other."""

import io
import time

OPS = 300  # writes per thread per state
CHUNK = 256  # bytes per write: the memcpy is most of the window between reading and advancing pos
THREADS = 2  # set by the harness to the real thread count


def state():
    # Pre-sized with zeros and rewound, so the writes never grow the buffer:
    # racing writes then lose or tear chunks instead of racing a realloc of the
    # buffer, which corrupts the heap and crashes or hangs the interpreter.
    b = io.BytesIO()
    b.write(bytes(OPS * CHUNK * THREADS))
    b.seek(0)
    return b, []


def start_together(arrived, ctx):
    # A start gate per state: the harness's barrier only aligns the start of a
    # stride, and a woken thread starts late; one C call's window is too short
    # to be hit unless the writers really run side by side. Gives up after 1 s
    # (a thread whose actor raised never arrives).
    arrived.append(ctx.tid)
    deadline = time.monotonic() + 1.0
    while len(arrived) < ctx.threads and time.monotonic() < deadline:
        time.sleep(0)


def letter(tid):
    return 65 + tid % 26  # thread 0 writes b"AAAAAAAA", thread 1 b"BBBBBBBB", ...


def actor(s, ctx):
    b, arrived = s
    chunk = bytes([letter(ctx.tid)]) * CHUNK
    write = b.write
    start_together(arrived, ctx)
    for _ in range(OPS):
        write(chunk)  # memcpy at pos, then pos += len: nothing makes the pair atomic


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
    "all bytes present": ("acceptable", "every chunk of every thread is in the buffer once "
                                        "(the race did not bite this time)"),
    "bytes lost or garbled": ("interesting", "concurrent writes overwrote each other's chunks (a letter's count is short)"),
}
