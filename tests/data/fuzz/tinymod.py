"""A tiny module for the readiness test: one class, one function."""

__all__ = ["Box", "total"]


class Box:
    """A list in a box; every method is one list call."""

    def __init__(self):
        self.items = [1, 2, 3]

    def put(self, x):
        self.items.append(x)

    def take(self):
        return self.items.pop() if self.items else None

    def size(self):
        return len(self.items)


def total(values):
    return sum(v for v in values if isinstance(v, int))
