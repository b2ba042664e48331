"""io.BytesIO.write from every thread on one buffer: 3.13's bytesio.c has no lock, so chunks overwrite each other."""

import io

OPS = 300  # writes per thread per state
CHUNK = 256  # bytes per write: the memcpy is most of the window between reading and advancing pos
THREADS = 2  # set by the harness to the real thread count
# Every actor starts each state together (the harness's start gate): the
# window is one C call, only hit when the threads really run side by side.
START_GATE = True


def state():
    # Pre-sized with zeros and rewound, so the writes never grow the buffer:
    # racing writes then lose or tear chunks instead of racing a realloc of the
    # buffer, which corrupts the heap and crashes or hangs the interpreter.
    b = io.BytesIO()
    b.write(bytes(OPS * CHUNK * THREADS))
    b.seek(0)
    return b


def letter(tid):
    return 65 + tid % 26  # thread 0 writes b"AAAAAAAA", thread 1 b"BBBBBBBB", ...


def actor(s, ctx):
    b = s
    chunk = bytes([letter(ctx.tid)]) * CHUNK
    write = b.write
    for _ in range(OPS):
        write(chunk)  # memcpy at pos, then pos += len: nothing makes the pair atomic


def counts(s, threads):
    data = s.getvalue()
    return OPS * CHUNK * threads, len(data) - data.count(0)


def arbiter(s):
    b = s
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
