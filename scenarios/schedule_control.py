"""Controlled schedules, the harness side (imported only under --schedule random|pct).

The scheduler lives in the preloaded shim (shims/ftshim.h, "Controlled schedules"). This
module reaches its control functions through ctypes.PyDLL, which keeps the calling
thread attached (a plain CDLL call would detach it, and a detach gives the turn away),
and forwards sys.monitoring LINE events of the code under test only (the scenario file,
not the stdlib or the harness) so that pure-Python windows such as `cnt += 1` get switch
points between their lines.
"""

import ctypes
import os
import sys

TOOL_ID = 4  # sys.monitoring tool ids 0-5 are free for tools; 4 is ours


def strategy():
    """The strategy the runner asked for ("free" when none)."""
    return os.environ.get("FTSTRESS_SCHEDULE", "free") or "free"


class Controller:
    def __init__(self):
        lib = ctypes.PyDLL(None)
        self.enter = lib.ftshim_sched_enter
        self.enter.argtypes = (ctypes.c_int, ctypes.c_int)
        self.enter.restype = None
        self.gate = lib.ftshim_sched_gate
        self.gate.argtypes = ()
        self.gate.restype = None
        self.leave = lib.ftshim_sched_leave
        self.leave.argtypes = ()
        self.leave.restype = None
        self._line = lib.ftshim_sched_line
        self._line.argtypes = (ctypes.py_object, ctypes.c_int)
        self._line.restype = None
        self._trace = lib.ftshim_sched_trace
        self._trace.argtypes = (ctypes.c_int, ctypes.c_char_p)
        self._trace.restype = ctypes.c_int
        self.files = {}  # id(code) -> file name, for the interleaving

    def instrument(self, module, path):
        """Line events for every code object defined in the file at path."""
        path = os.path.abspath(path)
        codes = []
        seen = set()

        def add(code):
            if id(code) in seen or os.path.abspath(code.co_filename) != path:
                return
            seen.add(id(code))
            codes.append(code)
            for const in code.co_consts:
                if hasattr(const, "co_filename"):
                    add(const)

        def visit(obj, depth=0):
            code = getattr(obj, "__code__", None)
            if code is not None:
                add(code)
            elif isinstance(obj, type) and depth < 3:
                for member in vars(obj).values():
                    visit(getattr(member, "__func__", member), depth + 1)
            elif isinstance(obj, (list, tuple)) and depth < 3:
                for item in obj:
                    visit(item, depth + 1)

        for value in list(vars(module).values()):
            visit(value)
        mon = sys.monitoring
        mon.use_tool_id(TOOL_ID, "ftstress")
        mon.register_callback(TOOL_ID, mon.events.LINE, self._line)
        for code in codes:
            mon.set_local_events(TOOL_ID, code, mon.events.LINE)
            self.files[id(code)] = code.co_filename
        return len(codes)

    def write_interleaving(self, round_no, out_path, tid_names=None, width=40):
        """The steps of one round (one state) as a table, around its preemptions."""
        raw = out_path + ".raw"
        if self._trace(round_no, raw.encode()) != 0:
            return False
        rows = []
        with open(raw, encoding="utf-8") as f:
            for text in f:
                parts = text.rstrip("\n").split("\t")
                if len(parts) == 5:
                    tid, line, code, op, preempt = parts
                    rows.append((int(tid), int(line), int(code, 16), op, preempt == "preempt"))
        os.unlink(raw)
        keep = set()
        for i, row in enumerate(rows):
            if row[4]:
                keep.update(range(max(0, i - 3), min(len(rows), i + 3)))
        if len(rows) <= width:
            keep = set(range(len(rows)))
        lines = ["  interleaving of the first failing state (round %d):" % round_no,
                 "    %-7s %-36s %s" % ("thread", "file:line", "operation")]
        last = -1
        for i in sorted(keep)[: width * 2]:
            if last >= 0 and i != last + 1:
                lines.append("    ...")
            last = i
            tid, line, code, op, preempt = rows[i]
            name = self.files.get(code)
            where = "%s:%d" % (os.path.basename(name), line) if name and line else "?"
            lines.append("    T%-6d %-36s %s%s" % (tid, where, op,
                                                  "   <- preempted" if preempt else ""))
        with open(out_path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        return True
