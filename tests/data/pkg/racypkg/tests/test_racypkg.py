"""racypkg's own pytest suite, in the style real libraries write them:
fixtures from conftest.py of every scope, parametrize, classes, markers,
pytest.raises, tmp_path, monkeypatch, capsys.

ftstress runs each test in several threads at once. Expected verdicts:
test_bump_unlocked races (a C global incremented without a lock, inside the
extension); its locked twin and the rest pass; the tests that use
monkeypatch, capsys or the thread_unsafe marker run in one thread."""

import threading

import pytest

SQUARES = [(0, 0), (1, 1), (2, 4), (3, 9)]


# The count is a literal on purpose: a code object's constants are immortal
# on a free-threaded build, while a fixture's int is shared with its reference
# count updated atomically by both threads at every call, which TSan takes for
# synchronization between them (and then misses the race).
@pytest.mark.iterations(80)
def test_bump_unlocked(racyext):
    racyext.bump(200_000)


@pytest.mark.iterations(40)
def test_bump_locked(racyext):
    racyext.bump_locked(200_000)


def test_session_fixture(bumps):
    assert bumps == 200_000


@pytest.mark.parametrize("n,square", SQUARES)
def test_square(n, square):
    assert n * n == square


def test_raises():
    with pytest.raises(ZeroDivisionError):
        1 / 0


def test_tmp_path(tmp_path):
    # The threads share one tmp_path (unless --fixtures-per-thread): one file each.
    mine = tmp_path / f"x{threading.get_ident()}"
    mine.write_text("x")
    assert mine.read_text() == "x"


def test_own_list(fresh_list):
    fresh_list.append(1)
    assert fresh_list


def test_monkeypatch(monkeypatch):
    monkeypatch.setenv("RACYPKG_X", "1")


def test_capsys(capsys):
    print("hello")
    assert "hello" in capsys.readouterr().out


@pytest.mark.thread_unsafe(reason="pretends to change process state")
def test_marked_unsafe():
    pass


@pytest.fixture(scope="class")
def table():
    return {"a": 1}


class TestWithClassFixture:
    def test_lookup(self, table):
        assert table["a"] == 1

    @pytest.mark.parametrize("key", ["a", "b"])
    def test_get(self, table, key):
        assert table.get(key) in (1, None)


def test_thread_setup_hook_ran(thread_state):
    assert isinstance(getattr(thread_state, "index", None), int)
