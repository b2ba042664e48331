"""A module for the readiness test of a factory that stops working: Once()
can be made once only. The harness cannot go on ("could not fuzz", its
traceback in the report), which is ftstress's error, not a finding; Box is
fuzzed as usual."""

MADE = []


class Once:
    def __init__(self):
        MADE.append(1)
        if len(MADE) >= 2:
            raise OSError("Once() can be made once only")

    def get(self):
        return len(MADE)


class Box:
    def __init__(self):
        self.items = []

    def put(self, x):
        self.items.append(x)

    def size(self):
        return len(self.items)
