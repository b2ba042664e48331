"""A target file that declares a factory but no operations."""


def factory():
    return []
