"""pytest-style module and function fixtures: setup_module and
teardown_module once per file, setup_function and teardown_function once
around each test's threads."""

import threading

state = {"module": None, "set_up": 0, "torn_down": 0}
_lock = threading.Lock()


def setup_module(module):
    state["module"] = module.__name__


def teardown_module():
    # Every setup_function was matched by a teardown_function.
    assert state["set_up"] == state["torn_down"] == 2, state


def setup_function(function):
    state["set_up"] += 1
    state["current"] = function.__name__


def teardown_function(function):
    state["torn_down"] += 1


def test_module_was_set_up():
    assert state["module"] is not None and state["module"].endswith("test_module_fixtures")


def test_function_was_set_up():
    with _lock:
        assert state["current"] == "test_function_was_set_up"
