"""Fixtures of every scope, as a library's conftest.py has them."""

import threading

import pytest

THREAD = threading.local()


@pytest.fixture(scope="session")
def bumps():
    """A session-scoped value."""
    return 200_000


@pytest.fixture(scope="module")
def racyext():
    import racyext as module
    return module


@pytest.fixture
def fresh_list():
    return []


@pytest.fixture
def thread_state():
    return THREAD


def pytest_ftstress_thread_setup(item, thread_index):
    """ftstress's per-thread setup hook: runs in each thread before its first iteration."""
    THREAD.index = thread_index
