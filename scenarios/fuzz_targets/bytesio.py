"""io.BytesIO shared by every thread: writes, reads, seeks and truncates at once."""

import io

# A closed or exported buffer refuses some calls by design.
EXPECTED = (ValueError, BufferError)


def factory():
    return io.BytesIO(b"0123456789" * 4)


def op_write(b, rng):
    return b.write(rng.randbytes(rng.randrange(1, 64)))


def op_writelines(b, rng):
    return b.writelines([b"ab", rng.randbytes(rng.randrange(8))])


def op_read(b, rng):
    return b.read(rng.randrange(-1, 48))


def op_read1(b, rng):
    return b.read1(rng.randrange(0, 16))


def op_readline(b, rng):
    return b.readline()


def op_readinto(b, rng):
    return b.readinto(bytearray(rng.randrange(1, 32)))


def op_seek(b, rng):
    return b.seek(rng.randrange(0, 80), rng.choice((0, 0, 1, 2)))


def op_tell(b, rng):
    return b.tell()


def op_getvalue(b, rng):
    return len(b.getvalue())


def op_truncate(b, rng):
    return b.truncate(rng.randrange(0, 64))


def op_getbuffer(b, rng):
    with b.getbuffer() as view:
        return len(view)


def op_iterate(b, rng):
    return sum(1 for _ in b)


def invariant(b):
    # The stream position is never negative and getvalue() is bytes.
    return b.tell() >= 0 and isinstance(b.getvalue(), bytes)
