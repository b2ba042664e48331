"""io.StringIO shared by every thread: writes, reads, seeks and truncates at once."""

import io

EXPECTED = (ValueError,)


def factory():
    return io.StringIO("0123456789\n" * 4)


def text(rng):
    return "".join(rng.choice("ab\n\u00e9\u20ac") for _ in range(rng.randrange(1, 24)))


def op_write(s, rng):
    return s.write(text(rng))


def op_writelines(s, rng):
    s.writelines([text(rng), "\n"])


def op_read(s, rng):
    return s.read(rng.randrange(-1, 32))


def op_readline(s, rng):
    return s.readline(rng.randrange(-1, 16))


def op_readlines(s, rng):
    return len(s.readlines())


def op_seek(s, rng):
    return s.seek(rng.randrange(0, 60))


def op_seek_end(s, rng):
    return s.seek(0, 2)


def op_tell(s, rng):
    return s.tell()


def op_getvalue(s, rng):
    return len(s.getvalue())


def op_truncate(s, rng):
    return s.truncate(rng.randrange(0, 50))


def op_iterate(s, rng):
    return sum(1 for _ in s)


def invariant(s):
    return s.tell() >= 0 and isinstance(s.getvalue(), str)
