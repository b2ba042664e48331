"""A C-level data race: racyext.bump() increments a C global without a lock
(tests/data/ext/racyext.c). TSan reports it; ftstress gives the report to the
test that made it, and not to its lock-protected twin.

Needs RACYEXT_DIR naming a directory with racyext built by
tests/data/ext/build.sh; without it the module skips itself."""

import os
import sys
import unittest

if not os.environ.get("RACYEXT_DIR"):
    raise unittest.SkipTest("RACYEXT_DIR is not set (tests/data/ext/build.sh builds racyext)")
sys.path.insert(0, os.environ["RACYEXT_DIR"])
import racyext  # noqa: E402
from ftstress_markers import iterations  # noqa: E402

# TSan sees the race only when two calls overlap in time (the interpreter's
# own atomics order calls that do not) and it can restore the other access's
# stack; one call does not always get both, twenty nearly always do.
BUMPS = 200_000


@iterations(20)
def test_bump_locked():
    racyext.bump_locked(BUMPS)


@iterations(20)
def test_bump_unlocked():
    racyext.bump(BUMPS)
