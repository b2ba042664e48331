"""functools.lru_cache: one cached function called from every thread while others read cache_info() and clear it."""

import functools

# Calls, hits and misses must add up as if the calls ran one at a time.
LINEARIZABLE = True
OPS_PER_THREAD = 6


def square(x):
    return x * x


def factory():
    return functools.lru_cache(maxsize=4)(square)


def observe(cached):
    return tuple(cached.cache_info())


OPERATIONS = {
    "call": lambda f, rng: f(rng.randrange(6)),
    "call_big": lambda f, rng: f(rng.randrange(6, 12)),
    "cache_info": lambda f, rng: tuple(f.cache_info()),
    "cache_clear": lambda f, rng: f.cache_clear() if rng.random() < 0.3 else None,
    "cache_parameters": lambda f, rng: f.cache_parameters()["maxsize"],
}


def invariant(f):
    info = f.cache_info()
    return 0 <= info.currsize <= 4 and info.hits >= 0 and info.misses >= 0
