"""Imports gilext, which does not declare free-threading support: the GIL
comes back on, and ftstress must report that the run did not exercise
free-threading."""

import gilext


def test_answer():
    assert gilext.answer() == 42
