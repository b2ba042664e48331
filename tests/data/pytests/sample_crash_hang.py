"""A crash and a hang, run only when named (not a test_*.py file): the crash
and the hang are given to their tests, and the file goes on after each in a
new interpreter."""

import ctypes
import threading


def test_before():
    assert True


def test_segfault():
    ctypes.c_long.from_address(0).value  # reads address 0: SIGSEGV


def test_deadlock():
    a, b = threading.Lock(), threading.Lock()
    both_hold_one = threading.Barrier(2)

    def take(first, second):
        with first:
            both_hold_one.wait()
            with second:  # each waits for the lock the other holds
                pass

    workers = [threading.Thread(target=take, args=(a, b), daemon=True),
               threading.Thread(target=take, args=(b, a), daemon=True)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def test_after():
    assert True
