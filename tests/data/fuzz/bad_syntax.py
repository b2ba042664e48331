"""A target file with a syntax error on line 5."""

def factory():
    return []
def op_append(l, rng)
    l.append(1)
