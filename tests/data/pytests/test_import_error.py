"""A test file that does not import: ftstress reports it as an error of this
file and goes on with the others."""

import ftstress_no_such_module  # noqa: F401


def test_never_collected():
    pass
