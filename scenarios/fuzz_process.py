"""What acts on the process, for the fuzz harness (fuzzharness.py).

Automatic mode and readiness call what they find with random arguments. A
type a user names (a list, a socket, an epoll object, an RLock) acts on
nothing but itself and is always fuzzed. What acts on the process or the
system is left out and listed as skipped, unless `--allow NAME` names it:

- functions of the modules in PROCESS_MODULES (os, sys, signal,
  subprocess, ...), in readiness (MODULE:*) and as a named target;
- functions named in PROCESS_FUNCTIONS in any module (exit, fork, kill,
  the audit, tracing and monitoring hooks, ...);
- methods named in PROCESS_METHODS on any object (a socket's connect to an
  outside address, a process's kill).

It also keeps the harness's own file descriptors (0-2, the results file,
the TSan log) away from the target: file-like objects are built on
descriptors of their own (OwnFd, OwnPath: a fresh scratch file each call).
"""

import os

# Modules whose functions act on the process or the system (files,
# processes, signals, the interpreter's state), not on an object.
PROCESS_MODULES = {
    "os", "posix", "nt", "sys", "shutil", "subprocess", "_posixsubprocess", "signal",
    "socket", "_socket", "multiprocessing", "_multiprocessing", "threading", "_thread",
    "asyncio", "ctypes", "_ctypes", "gc", "faulthandler", "tkinter", "_tkinter",
    "webbrowser", "pty", "tty", "termios", "fcntl", "resource", "atexit", "concurrent",
    "select", "selectors", "mmap", "tempfile", "pdb", "bdb", "code", "pydoc", "site",
    "sysconfig", "_signal", "_tracemalloc", "tracemalloc", "sys.monitoring", "syslog",
    "grp", "pwd", "spwd", "crypt", "readline", "curses", "_curses", "glob", "pathlib",
    "shelve", "dbm", "sqlite3", "zipimport", "importlib", "runpy",
}

# Functions that act on the process wherever they are defined.
PROCESS_FUNCTIONS = {
    "exit", "_exit", "quit", "abort", "kill", "killpg", "system", "popen", "fork",
    "forkpty", "spawn", "remove", "unlink", "rmdir", "rmtree", "rename", "replace",
    "chdir", "chmod", "chown", "truncate", "setrecursionlimit", "setswitchinterval",
    "settrace", "setprofile", "settrace_all_threads", "setprofile_all_threads",
    "addaudithook", "audit", "input", "breakpoint", "sleep", "wait", "interact", "main",
    "test", "help", "signal", "alarm", "setitimer", "pthread_kill", "pthread_sigmask",
    "raise_signal", "siginterrupt", "set_wakeup_fd", "interrupt_main", "use_tool_id",
    "free_tool_id", "clear_tool_id", "register_callback", "set_events", "set_local_events",
    "stack_size", "set_int_max_str_digits", "setdlopenflags", "call_tracing",
    "activate_stack_trampoline", "deactivate_stack_trampoline", "_clear_type_cache",
    "copyright", "credits", "license",
}

# Methods that act on the process or outside it (a connection to an outside
# address, a signal to a process), whichever object has them.
PROCESS_METHODS = {
    "connect", "connect_ex", "sendto", "sendmsg", "sendmsg_afalg", "sendfile", "fork",
    "kill", "send_signal", "terminate", "system", "serve_forever", "exit", "_exit",
    "setrecursionlimit", "settrace", "setprofile", "addaudithook", "interrupt_main",
}

# Functions of process modules that only make an object of their own (a
# lock): fuzzed like a type.
OBJECT_FACTORIES = {"threading.Lock", "threading.RLock", "_thread.allocate_lock",
                    "_thread.allocate", "_thread.LockType", "socket.socketpair"}


class Allow:
    """The --allow names: a bare name (`connect`, `fork`) or a qualified one
    (`socket.connect`, `os.fork`); comma-separated, the option repeatable."""

    def __init__(self, texts=()):
        self.names = {n.strip() for t in texts for n in t.split(",") if n.strip()}

    def __contains__(self, names):
        return any(n in self.names for n in names)

    def __bool__(self):
        return bool(self.names)


def is_process_module(module_name):
    return module_name in PROCESS_MODULES or module_name.split(".")[0] in PROCESS_MODULES


def function_refusal(module_name, name, is_class, allow):
    """Why the function `name` of module_name must not be called with random
    arguments, or None. A class never acts on the process by being made."""
    qualified = f"{module_name}.{name}"
    base = name.rpartition(".")[2]
    if is_class or qualified in OBJECT_FACTORIES or (name, base, qualified) in allow:
        return None
    if base in PROCESS_FUNCTIONS:
        return "acts on the process"
    if is_process_module(module_name):
        return f"a function of {module_name.split('.')[0]}, which acts on the process or the system"
    return None


def method_refusal(type_name, name, allow):
    """Why method `name` of an object of type_name is left out, or None."""
    if name in PROCESS_METHODS and (name, f"{type_name}.{name}") not in allow:
        return "acts on the process or outside it"
    return None


# --- the harness's own descriptors -------------------------------------------


class OwnFd:
    """Marker: a descriptor of the target's own, on a fresh scratch file."""


class OwnPath:
    """Marker: the path of a fresh scratch file of the target's own."""


SCRATCH_TEXT = b"".join(b"line %d of ftstress's scratch file\n" % i for i in range(64))


class Descriptors:
    """The harness's own descriptors, and scratch files for the target.

    The results file is moved to a high descriptor (random small ints do not
    name it); 0-2 and the TSan log stay where they are and are listed in
    `own`, so a factory that would wrap one is rejected."""

    HIGH_FD = 900

    def __init__(self, scratch_dir):
        self.scratch_dir = scratch_dir
        self.counter = 0
        self.own = {0, 1, 2}

    def move_high(self, fd):
        """fd moved to a high number (its old number closed); fd when it cannot be."""
        try:
            high = os.dup2(fd, self.HIGH_FD + len(self.own), inheritable=False)
        except OSError:
            self.own.add(fd)
            return fd
        os.close(fd)
        self.own.add(high)
        return high

    def note_log(self, path):
        """Adds the descriptors open on path (the TSan log, opened by TSan itself)."""
        if path is None:
            return
        try:
            for name in os.listdir("/proc/self/fd"):
                try:
                    if os.readlink(f"/proc/self/fd/{name}") == os.path.abspath(path):
                        self.own.add(int(name))
                except OSError:
                    pass
        except OSError:
            pass

    def scratch_path(self):
        """A fresh scratch file with some lines in it."""
        if not os.path.isdir(self.scratch_dir):
            os.makedirs(self.scratch_dir, exist_ok=True)
        self.counter += 1
        path = os.path.join(self.scratch_dir, f"file-{os.getpid()}-{self.counter}")
        with open(path, "wb") as f:
            f.write(SCRATCH_TEXT)
        return path

    def scratch_fd(self):
        path = self.scratch_path()
        fd = os.open(path, os.O_RDWR)
        os.unlink(path)  # the descriptor keeps it; nothing is left behind
        return fd

    def materialize(self, args):
        """args with OwnFd and OwnPath replaced by fresh ones; the descriptors made."""
        values, fds = [], []
        for a in args:
            if a is OwnFd:
                fd = self.scratch_fd()
                fds.append(fd)
                values.append(fd)
            elif a is OwnPath:
                values.append(self.scratch_path())
            else:
                values.append(a)
        return values, fds

    def wraps_own(self, obj):
        """Whether obj is a file-like object on one of the harness's descriptors."""
        fileno = getattr(obj, "fileno", None)
        if not callable(fileno):
            return False
        try:
            return fileno() in self.own
        except Exception:
            return False
