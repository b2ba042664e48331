"""Reads address 0 through ctypes: the process dies with SIGSEGV."""

import ctypes


def state():
    return None


def actor(s, ctx):
    if ctx.tid == 0:
        ctypes.c_long.from_address(0).value


def arbiter(s):
    return "survived"


OUTCOMES = {"survived": ("forbidden", "reading address 0 must crash")}
