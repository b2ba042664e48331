#!/usr/bin/env python3
"""Derives the damaged logs in tests/data/tsan/ from the real ones, deterministically:

truncated.log   a report cut mid-stack, a whole report, then one cut mid-line
interleaved.log two real logs alternating line by line, then a real report with
                unittest-style program output mixed between its lines
garbage.log     seeded random bytes, over-long lines, near-miss and stray lines,
                a real report with CRLF endings, an unknown-kind report and a cut one
Run from this directory (the Makefile's `variants` target does)."""
import random

OUT = ".."


def read(name):
    with open(f"{OUT}/{name}", "rb") as f:
        return f.read().splitlines(keepends=True)


def write(name, data):
    with open(f"{OUT}/{name}", "wb") as f:
        f.write(data)


def truncated():
    race, leak, heap = read("data_race.log"), read("thread_leak.log"), read("heap_race.log")
    cut = next(i for i, l in enumerate(race) if l.startswith(b"  Previous write")) + 1
    heap_cut = b"".join(l for l in heap if not l.startswith(b"  Thread"))
    heap_cut = heap_cut[: heap_cut.index(b"    #0 calloc") + len(b"    #0 cal")]
    write("truncated.log", b"".join(race[: cut + 1]) + b"".join(leak) + heap_cut)


def interleaved():
    race, loi = read("data_race.log"), read("lock_order_inversion.log")
    mixed = []
    for i in range(max(len(race), len(loi))):
        mixed += race[i : i + 1] + loi[i : i + 1]
    chatter = [b"test_concurrent_write (test_io.BytesIOTest) ... ok\n",
               b"Ran 12 tests in 0.512s\n", b"\n", b"OK\n"]
    heap = read("heap_race.log")
    for i, line in enumerate(heap):
        mixed.append(line)
        if i % 3 == 2:
            mixed.append(chatter[(i // 3) % len(chatter)])
    write("interleaved.log", b"".join(mixed))


def garbage():
    rng = random.Random(20240611)
    junk = bytes(rng.randrange(256) for _ in range(4096))
    leak = b"".join(l.rstrip(b"\r\n") + b"\r\n" for l in read("thread_leak.log"))
    parts = [
        junk,
        b"\n" + b"A" * 40000 + b"\n",
        b"WARNING: ThreadSanitizer:\n",                      # header without a title
        b"    #0 stray_frame stray.c:1:2 (stray+0x1)\n",     # frame outside any report
        b"  Write of size 8 at 0x10 by main thread:\n",      # section outside any report
        b"SUMMARY: ThreadSanitizer: stray summary\n",
        b"    [failed to restore the stack]\n",              # counted in the total only
        junk[:512],
        b"\n",
        leak,
        b"WARNING: ThreadSanitizer: something brand new (pid=42)\n",
        b"    #0 new_check /src/new.c:7:3 (libnew.so+0x70)\n",
        b"    #99999999999 too_big_index x.c:1 (x+0x1)\n",
        b"  Read of size 99999999999999999999999 at 0xffffffffffffffffff by thread T9999999999:\n",
        b"    #1 <null> <null> (libfoo.so+0xabc)\n",
        b"SUMMARY: ThreadSanitizer: something brand new /src/new.c:7:3 in new_check\n",
        junk[512:1024],
        b"\n==================\nWARNING: ThreadSanitizer: data race (pid=43)\n",
        b"  Write of size 4 at 0x7b04 by thread T1:\n    #0 cut_",
    ]
    write("garbage.log", b"".join(parts))


truncated()
interleaved()
garbage()
