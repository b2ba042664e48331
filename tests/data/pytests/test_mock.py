"""unittest.mock.patch changes a module for the whole process: such tests must
not run beside themselves, and ftstress runs them in one thread."""

import os
import time
from unittest import mock


def test_patched_clock():
    with mock.patch("time.monotonic", return_value=42.0):
        assert time.monotonic() == 42.0


@mock.patch("os.getpid", return_value=1)
def test_patched_by_decorator(getpid):
    assert os.getpid() == 1


def test_without_mock():
    assert time.monotonic() > 0
