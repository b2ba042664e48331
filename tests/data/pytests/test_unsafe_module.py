"""A whole module marked thread_unsafe: each of its tests runs in one thread."""

import os

FTSTRESS_THREAD_UNSAFE = "every test changes the process's working directory"


def test_chdir_and_back():
    here = os.getcwd()
    os.chdir("/")
    try:
        assert os.getcwd() == "/"
    finally:
        os.chdir(here)


def test_reads_cwd():
    assert os.path.isabs(os.getcwd())
