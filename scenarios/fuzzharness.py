"""ftstress fuzz harness: runs inside the interpreter under test.

`ftstress fuzz` starts one interpreter per process of a campaign with this
file. It loads a target (a target file, or module:factory for automatic mode),
then runs iterations: a fresh object from the factory, THREADS workers released
together, each running OPS operations drawn from a seeded RNG, then the checks
(unexpected exceptions, the invariant, linearizability) and whether the TSan
log grew. What it saw goes to the results file; the runner (src/fuzz*.c)
decides what is a finding, a case, and what to minimize.

An iteration is fully described by (seed, iteration, threads, ops): thread t's
operations are drawn from iteration_rng(seed, iteration, t); each operation is
a name and a 32-bit argument seed, and its arguments come from
OpRng(argument seed) alone, so an operation keeps its arguments when
the operations around it are removed (minimization) and a sequence written out
as "name:argseed ..." replays exactly.

Modes: the default draws random iterations; --sequences FILE runs explicit
candidate sequences (replay, minimization); --plan-only writes the plans of
iterations without running them; --list MODULE names the fuzzable entries of a
module (readiness). Automatic mode runs with the shared-argument pool
(--auto-mode pool, fuzz_pool.py) or on the object's own methods only
(--auto-mode methods); what acts on the process is left out unless --allow
names it (fuzz_process.py). The target file format and the results file are
documented in scenarios/fuzz_targets/README.md.
"""

# Imports cost a lot under TSan (inspect, argparse and re together take over a
# second): the modules only some paths need are imported where they are used.
import faulthandler
import functools
import gc
import hashlib
import importlib
import importlib.util
import itertools
import os
import random
import sys
import threading
import time
import types

from fuzz_process import (Allow, Descriptors, OwnFd, OwnPath, function_refusal,
                          is_process_module, method_refusal)

RESULTS_FORMAT = "ftstress-fuzz 1"
EXIT_TARGET_ERROR = 3
PROGRESS_SECONDS = 0.5
MASK64 = (1 << 64) - 1
DEFAULT_OPS = 16
DEFAULT_OPS_LINEARIZABLE = 6
# Operation applications one linearizability check may spend before it gives
# up as undecided (an undecided check is counted, never a finding).
LINEARIZABILITY_STEPS = 4000
OP_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")

# RuntimeError messages Python raises by design when a container changes under
# an iteration: normal under concurrency, in every mode.
ITERATION_MESSAGES = ("changed size during iteration", "mutated during iteration",
                      "modified during iteration", "changed during iteration")

# Automatic mode: what random arguments legitimately provoke.
AUTO_EXPECTED = (TypeError, ValueError, LookupError, AttributeError, ArithmeticError,
                 StopIteration, NotImplementedError, EOFError, BufferError, OSError,
                 MemoryError, RecursionError, UnicodeError)
# Exceptions that are findings even when the same operation raises them alone.
ALWAYS_FINDINGS = (SystemError,)

# Methods never called in automatic mode: they end the object, block, or
# re-initialise it behind the interpreter's back.
AUTO_DENY = {"close", "detach", "wait", "wait_for", "join", "acquire", "acquire_lock",
             "serve_forever",
             "shutdown", "kill", "terminate", "sleep", "run", "fileno", "mro",
             "__init__", "__new__", "__del__", "__setstate__", "__init_subclass__",
             "__subclasshook__", "__class_getitem__", "__reduce__", "__reduce_ex__",
             "__getstate__", "__exit__", "__enter__", "__aexit__", "__aenter__",
             "__dir__", "__format__", "__getattribute__", "__setattr__", "__delattr__",
             "__class__", "__next__", "__await__"}
# Blocking calls on queue-like types.
AUTO_DENY_QUEUE = {"get", "put", "join", "task_done"}
AUTO_DUNDERS = {"__len__", "__getitem__", "__setitem__", "__delitem__", "__contains__",
                "__repr__", "__iadd__", "__imul__", "__reversed__", "__copy__", "__sizeof__",
                "__eq__", "__bool__", "__hash__", "__ior__", "__iand__", "__isub__"}
# Arguments tried, in order, for a class that needs some (automatic mode).
# File-like objects get a descriptor or a path of their own (a scratch file)
# before any small int: FileIO(0) would wrap the harness's standard input.
FACTORY_ARGS = [(), ("b",), ("i",), ([],), ({},), (OwnFd,), (OwnPath,), (0,), (1,), ("",),
                (b"",), ([1, 2, 3],), ("abc",), (b"abc",), (1, 2), (None,)]
# Exit status for an error in the harness's own code (a factory that stopped
# working, its bookkeeping, an unwritable results file): ftstress's error,
# never a finding about the target (EX_SOFTWARE).
EXIT_HARNESS_ERROR = 70
# Pool mode: iterations between garbage collections (automatic ones are off).
POOL_COLLECT_EVERY = 25

# Set by run(): the harness's descriptors and scratch files, --allow, and
# --auto-mode ("pool": fuzz_pool.py; "methods": the object's own methods only).
DESCRIPTORS = Descriptors(".")
ALLOW = Allow()
AUTO_MODE = "pool"
# Objects built on the harness's own descriptors while looking for a
# factory's arguments: kept alive, so that their finalizers never close them.
KEPT = []


class TargetError(Exception):
    """A target the harness cannot fuzz; the message names the file and line."""


class HarnessError(Exception):
    """The harness's own code failed (not the target's operations): the
    message says what, detail holds the traceback."""

    def __init__(self, message, detail=""):
        super().__init__(message)
        self.detail = detail


class Results:
    """The results file: tab-separated lines, appended and flushed as they come,
    so a crash loses nothing but the line being written. Fields escape
    backslash, tab and newline as \\\\, \\t and \\n."""

    def __init__(self, path, descriptors):
        # On a high descriptor: the small ints random arguments hold never name it.
        fd = descriptors.move_high(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644))
        self.path = path
        self.file = open(fd, "a", encoding="utf-8", errors="backslashreplace")

    def line(self, *fields):
        text = "\t".join(str(f).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                         .replace("\r", "\\r") for f in fields)
        try:
            self.file.write(text + "\n")
            self.file.flush()
        except (OSError, ValueError) as exc:
            raise HarnessError(f"cannot write the results file {self.path}: "
                               f"{type(exc).__name__}: {exc}") from None


def line_of(path, name):
    """The line of path that assigns name at module level, else 1."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for number, text in enumerate(f, 1):
                rest = text[len(name):].lstrip() if text.startswith(name) else ""
                if rest[:1] in ("=", ":"):
                    return number
    except OSError:
        pass
    return 1


def where(exc, path):
    """file:line of the innermost traceback frame inside the target file."""
    if isinstance(exc, SyntaxError) and exc.filename:
        return f"{exc.filename}:{exc.lineno}"
    import traceback
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename == path:
            return f"{frame.filename}:{frame.lineno}"
    return f"{path}:1"


def short_repr(value, limit=120):
    try:
        text = repr(value)
    except Exception as exc:  # a broken __repr__ is the target's business
        text = f"<repr raised {type(exc).__name__}>"
    return text if len(text) <= limit else text[:limit] + "..."


def iteration_rng(seed, iteration, tid):
    """The RNG that draws thread tid's operations in an iteration (documented in
    scenarios/fuzz_targets/README.md: the same formula replays a case)."""
    x = (seed * 0x9E3779B97F4A7C15 + (iteration + 1) * 0xBF58476D1CE4E5B9
         + (tid + 1) * 0x94D049BB133111EB) & MASK64
    return random.Random(x)


class OpRng(random.Random):
    """The RNG an operation gets: a random.Random whose core is a 64-bit LCG seeded
    from the operation's argument seed. Seeding the Mersenne Twister costs about
    100 us under TSan, more than most operations; this one costs a few. The
    common draws are overridden; everything else (shuffle, sample, uniform, ...)
    comes from random.Random on top of random() and getrandbits()."""

    def __init__(self, x=0):
        self._s = (x * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) & MASK64
        self.gauss_next = None

    def seed(self, a=None, version=2):
        self.__init__(hash(a))

    def getstate(self):
        return self._s

    def setstate(self, state):
        self._s = state

    def random(self):
        s = self._s = (self._s * 6364136223846793005 + 1442695040888963407) & MASK64
        return (s >> 11) * (1.0 / 9007199254740992.0)

    def getrandbits(self, k):
        if k <= 53:
            s = self._s = (self._s * 6364136223846793005 + 1442695040888963407) & MASK64
            return (s >> 11) >> (53 - k)
        return int.from_bytes(self.randbytes((k + 7) // 8)) >> ((-k) % 8)

    def randbytes(self, n):
        s = self._s = (self._s * 6364136223846793005 + 1442695040888963407) & MASK64
        return hashlib.shake_128(s.to_bytes(8)).digest(n)

    def randrange(self, start, stop=None, step=1):
        if stop is None:
            start, stop = 0, start
        if step == 0:
            raise ValueError("zero step for randrange()")
        width = (stop - start + step - (1 if step > 0 else -1)) // step
        if width <= 0:
            raise ValueError(f"empty range in randrange({start}, {stop}, {step})")
        s = self._s = (self._s * 6364136223846793005 + 1442695040888963407) & MASK64
        return start + step * ((s >> 11) % width)

    def randint(self, a, b):
        return self.randrange(a, b + 1)

    def choice(self, seq):
        if not len(seq):
            raise IndexError("Cannot choose from an empty sequence")
        s = self._s = (self._s * 6364136223846793005 + 1442695040888963407) & MASK64
        return seq[(s >> 11) % len(seq)]


def random_plan(target, seed, iteration, tid, nops):
    """Thread tid's operations in an iteration: nops (operation, argument seed)
    pairs drawn from iteration_rng."""
    rng = iteration_rng(seed, iteration, tid)
    ops = target.ops
    if getattr(target, "plain", None) is not None:  # pool mode: terminal ops late, weights
        pool = fuzz_pool()
        pooled = pool.pooled_iteration(iteration_rng(seed, iteration, -1))
        return [(pool.draw(target, rng, k, nops, pooled), rng.getrandbits(32))
                for k in range(nops)]
    return [(ops[rng.randrange(len(ops))], rng.getrandbits(32)) for _ in range(nops)]


def fuzz_pool():
    """The pool mode's module (fuzz_pool.py), imported when first needed."""
    import fuzz_pool as module
    return module


def uses_argument(fn, index):
    """False when fn's code never reads its parameter number index, so no RNG needs
    seeding for it (seeding costs more than most operations under TSan)."""
    code = getattr(fn, "__code__", None)
    if code is None or index >= code.co_argcount:
        return True
    import dis
    name = code.co_varnames[index]
    try:
        for ins in dis.get_instructions(code):
            if ins.opname.startswith("LOAD_") and ins.argval == name:
                return True
            if isinstance(ins.argval, tuple) and name in ins.argval:
                return True
            if ins.opname in ("LOAD_CLOSURE", "MAKE_CELL") and ins.argval == name:
                return True
    except Exception:
        return True
    return name in code.co_cellvars


class Op:
    """One operation: a name, how to bind it to an object and an argument seed
    into a zero-argument call, and which exceptions it may raise."""

    __slots__ = ("name", "fn", "expected", "needs_rng", "bind", "terminal")

    def __init__(self, name, fn, expected, bind=None):
        self.name = name
        self.fn = fn
        self.expected = tuple(expected)
        self.needs_rng = uses_argument(fn, 1) if bind is None else True
        self.bind = bind or self.bind_file
        self.terminal = False  # pool mode: drawn rarely, late in a sequence (fuzz_pool.draw)

    def bind_file(self, obj, argseed):
        rng = OpRng(argseed) if self.needs_rng else None
        return functools.partial(self.fn, obj, rng)


# ---------------------------------------------------------------------------
# Targets


class Target:
    def __init__(self, name, mode, factory, ops):
        self.name = name
        self.mode = mode            # "file", "auto" or "function"
        self.path = None            # the target file, in file mode
        self.factory = factory
        self.ops = ops              # list of Op
        self.by_name = {op.name: op for op in ops}
        self.invariant = None
        self.linearizable = False
        self.sequential_model = None
        self.observe = None
        self.default_ops = DEFAULT_OPS
        self.expected_all = ()
        self.skipped = []           # [(name, reason)]: left out, they act on the process

    def is_normal(self, op, exc):
        """Whether exc is an outcome op may have, not a finding by itself."""
        if isinstance(exc, RuntimeError) and any(m in str(exc) for m in ITERATION_MESSAGES):
            return True
        if op.expected and isinstance(exc, op.expected):
            return True
        if self.expected_all and isinstance(exc, self.expected_all):
            return True
        return False


def exception_types(value, what, path, lineno):
    items = value if isinstance(value, (tuple, list)) else (value,)
    for item in items:
        if not (isinstance(item, type) and issubclass(item, BaseException)):
            raise TargetError(f"{path}:{lineno}: {what} must be exception classes, "
                              f"not {short_repr(item)}")
    return tuple(items)


def load_file_target(path):
    if not os.path.isfile(path):
        raise TargetError(f"{path}:1: no such target file")
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(f"ftstress_fuzz_target_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # pickle and dataclasses look targets up here
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise TargetError(f"{exc.filename}:{exc.lineno}: does not import: {exc.msg}") from None
    except BaseException as exc:
        raise TargetError(f"{where(exc, path)}: does not import: "
                          f"{type(exc).__name__}: {exc}") from None

    factory = getattr(module, "factory", None)
    if not callable(factory):
        raise TargetError(f"{path}:1: declares no factory() function")

    expected_all = ()
    expected_by_op = {}
    declared = getattr(module, "EXPECTED", ())
    exp_line = line_of(path, "EXPECTED")
    if isinstance(declared, dict):
        for k, v in declared.items():
            expected_by_op[k] = exception_types(v, f"EXPECTED[{k!r}]", path, exp_line)
    else:
        expected_all = exception_types(declared, "EXPECTED", path, exp_line)

    ops = []
    table = getattr(module, "OPERATIONS", None)
    ops_line = line_of(path, "OPERATIONS")
    if table is not None:
        if isinstance(table, dict):
            entries = list(table.items())
        elif isinstance(table, (list, tuple)):
            entries = []
            for fn in table:
                entries.append((getattr(fn, "__name__", "?").removeprefix("op_"), fn))
        else:
            raise TargetError(f"{path}:{ops_line}: OPERATIONS must be a dict or a list")
        for op_name, value in entries:
            fn, exp = value, ()
            if isinstance(value, tuple):
                if not value:
                    raise TargetError(f"{path}:{ops_line}: OPERATIONS[{op_name!r}] is empty")
                fn = value[0]
                exp = exception_types(value[1:], f"OPERATIONS[{op_name!r}][1:]", path, ops_line)
            if not callable(fn):
                raise TargetError(f"{path}:{ops_line}: OPERATIONS[{op_name!r}] is not callable "
                                  "(want fn(obj, rng) or (fn, ExceptionType, ...))")
            ops.append((str(op_name), fn, exp))
    else:
        found = []
        for attr, fn in vars(module).items():
            if attr.startswith("op_") and isinstance(fn, types.FunctionType):
                found.append((fn.__code__.co_firstlineno, attr[3:], fn))
        for _, op_name, fn in sorted(found):
            ops.append((op_name, fn, ()))
    if not ops:
        raise TargetError(f"{path}:1: declares no operations "
                          "(OPERATIONS = {name: fn(obj, rng), ...} or op_NAME(obj, rng) functions)")
    result = []
    for op_name, fn, exp in ops:
        if not op_name or not set(op_name) <= OP_NAME_CHARS:
            raise TargetError(f"{path}:{ops_line}: operation name {op_name!r} may only hold "
                              "letters, digits, '_', '.' and '-'")
        result.append(Op(op_name, fn, exp + expected_by_op.get(op_name, ()) +
                         expected_by_op.get("op_" + op_name, ())))
    names = [op.name for op in result]
    if len(set(names)) != len(names):
        raise TargetError(f"{path}:{ops_line}: operation names must be unique")

    target = Target(name, "file", factory, result)
    target.path = path
    target.expected_all = expected_all
    inv = getattr(module, "invariant", None)
    target.invariant = inv if callable(inv) else None
    target.linearizable = bool(getattr(module, "LINEARIZABLE", False))
    model = getattr(module, "sequential_model", None)
    target.sequential_model = model if callable(model) else None
    obs = getattr(module, "observe", None)
    target.observe = obs if callable(obs) else None
    default = getattr(module, "OPS_PER_THREAD", None)
    if isinstance(default, int) and default > 0:
        target.default_ops = default
    elif target.linearizable:
        target.default_ops = DEFAULT_OPS_LINEARIZABLE
    return target


# --- automatic mode -----------------------------------------------------------

BOUNDARY_INTS = (0, 1, -1, 2, 7, 255, 256, -256, 2**31 - 1, -2**31, 2**63 - 1, -2**63,
                 2**64, sys.maxsize)
FLOATS = (0.0, -0.0, 0.5, -1.5, 1e300, float("inf"), float("-inf"), float("nan"))
STRINGS = ("", "a", "abc", "\u00e9t\u00e9", "\x00", "key", "\n", "a,b;c")


class Same:
    """Marker: the argument is the shared object itself."""


class Fresh:
    """Marker: the argument is a fresh object of the target's type."""


# Methods whose integer argument is a size or a repeat count: a boundary int
# there makes them allocate gigabytes (d *= 2**31 - 1), a slow input, not a
# concurrency bug. They get small ints only.
SIZE_METHODS = {"__imul__", "__mul__", "__rmul__", "zfill", "ljust", "rjust", "center",
                "expandtabs", "repeat", "__ilshift__", "__lshift__", "__pow__", "__ipow__",
                "resize"}


def gen_value(rng, depth=0, small=False):
    r = rng.random()
    if r < 0.26 or (small and r < 0.39):
        return rng.randrange(0, 9)
    if r < 0.34:
        return rng.choice(BOUNDARY_INTS)
    if r < 0.39:
        return -rng.randrange(1, 9)
    if r < 0.44:
        return rng.choice(FLOATS)
    if r < 0.56:
        return rng.choice(STRINGS) if rng.random() < 0.6 else "x" * rng.randrange(64)
    if r < 0.66:
        return rng.randbytes(rng.randrange(0, 48))
    if r < 0.72:
        return None
    if depth < 1:
        if r < 0.78:
            return [gen_value(rng, depth + 1) for _ in range(rng.randrange(4))]
        if r < 0.82:
            return tuple(gen_value(rng, depth + 1) for _ in range(rng.randrange(4)))
        if r < 0.86:
            return {rng.randrange(8): gen_value(rng, depth + 1) for _ in range(rng.randrange(3))}
    if r < 0.94:
        return Same
    return Fresh


def arity(fn):
    """(fewest, most) positional arguments fn takes, guessing when unknown."""
    import inspect
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return 0, 2
    low = high = 0
    for p in sig.parameters.values():
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            high += 1
            if p.default is p.empty:
                low += 1
        elif p.kind == p.VAR_POSITIONAL:
            high += 2
        elif p.kind == p.KEYWORD_ONLY and p.default is p.empty:
            return low, -1  # needs a keyword we cannot guess: skip it
    return low, min(high, 3)


# Seconds a call that could wait may wait: a parameter named timeout always
# gets one of these (its default, None, often means forever), and an object
# with settimeout() (a socket) gets the first.
SHORT_TIMEOUTS = (0.005, 0, 0.001)


def timeout_param(fn):
    """(index, keyword_ok) of fn's parameter named timeout, or None."""
    import inspect
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    for i, p in enumerate(sig.parameters.values()):
        if p.name == "timeout":
            return i, p.kind != p.POSITIONAL_ONLY
    return None


def with_timeouts(factory):
    """factory's objects with a short timeout set, when they take one."""
    def make():
        obj = factory()
        try:
            obj.settimeout(SHORT_TIMEOUTS[0])
        except Exception:
            pass
        return obj
    return make


def auto_iterate(obj):
    n = 0
    for _ in itertools.islice(iter(obj), 256):
        n += 1
    return n


class AutoOp(Op):
    """An operation of automatic mode: a method of the object with random arguments."""

    __slots__ = ("low", "high", "factory", "kind", "timeout", "pool", "method")

    def __init__(self, name, kind, low, high, factory, timeout=None):
        self.kind = kind        # "method", "attr" or "iterate"
        self.low, self.high = low, high
        self.factory = factory
        self.timeout = timeout  # timeout_param(method), or None
        # Pool mode (fuzz_pool.make_pool): obj is a fuzz_pool.Shared; "plain"
        # binds as methods mode on its target, "args" draws pool arguments.
        self.pool = None
        self.method = name      # the method's name ("P.NAME" ops call NAME)
        if timeout is not None and not timeout[1]:
            self.low = self.high = max(timeout[0] + 1, self.low)
        elif timeout is not None:
            self.low, self.high = min(self.low, timeout[0]), min(self.high, timeout[0])
        super().__init__(name, None, (), bind=self.bind_auto)
        self.needs_rng = self.high > 0 or timeout is not None

    def bind_auto(self, obj, argseed):
        if self.pool == "args":
            return self.bind_pool(obj, argseed)
        if self.pool == "plain":
            obj = obj.obj
        return self.bind_methods(obj, argseed)

    def bind_methods(self, obj, argseed):
        if self.kind == "attr":
            return functools.partial(getattr, obj, self.name[len("get."):])
        if self.kind == "iterate":
            return functools.partial(auto_iterate, obj)
        method = getattr(obj, self.name)
        if not self.needs_rng:
            return method
        rng = OpRng(argseed)
        args = []
        small = self.name in SIZE_METHODS
        for _ in range(rng.randint(self.low, self.high)):
            v = gen_value(rng, small=small)
            if v is Same:
                v = obj
            elif v is Fresh:
                try:
                    v = self.factory()
                except Exception:
                    v = None
            args.append(v)
        if self.timeout is not None:
            wait = rng.choice(SHORT_TIMEOUTS)
            if self.timeout[1]:
                return functools.partial(method, *args, timeout=wait)
            args[self.timeout[0]] = wait
        return functools.partial(method, *args)


    def bind_pool(self, shared, argseed):
        """Pool mode: arguments drawn from the shared pool too, and an
        iterator the call returns kept for other threads to advance."""
        obj = shared.obj
        if self.kind != "method":
            return self.bind_methods(obj, argseed)
        method = getattr(obj, self.method)
        rng = OpRng(argseed)
        n = rng.randint(self.low, self.high) if self.high > 0 else 0
        pool = fuzz_pool()
        args = pool.pool_args(sys.modules[__name__], rng, shared, n, rate=pool.METHOD_POOL_ARG_RATE,
                              small=self.method in SIZE_METHODS)
        if self.timeout is not None:
            wait = rng.choice(SHORT_TIMEOUTS)
            if self.timeout[1]:
                return functools.partial(shared.keep_call, functools.partial(method, timeout=wait),
                                         *args)
            while len(args) <= self.timeout[0]:
                args.append(None)
            args[self.timeout[0]] = wait
        return functools.partial(shared.keep_call, method, *args)


def make_factory(fn):
    """A zero-argument factory for fn: fn itself, or fn with the first arguments
    of FACTORY_ARGS it accepts (a scratch descriptor or path made afresh on
    every call). An object on one of the harness's own descriptors is never
    accepted. Raises TargetError when none fit."""
    last = None
    for args in FACTORY_ARGS:
        values, fds = DESCRIPTORS.materialize(args)
        try:
            obj = fn(*values)
        except Exception as exc:
            last = exc
            close_all(fds)
            continue
        if DESCRIPTORS.wraps_own(obj):
            KEPT.append(obj)  # its finalizer would close the harness's descriptor
            last = OSError(f"{short_repr(obj, 60)} would use the harness's own descriptor")
            continue
        if fds and not any(fileno_of(obj) == fd for fd in fds):
            close_all(fds)  # it took the int for something else: no descriptor to leak
            continue
        del obj
        if not args:
            return fn
        if fds or OwnPath in args:
            return lambda: fn(*DESCRIPTORS.materialize(args)[0])
        return lambda: fn(*args)
    raise TargetError(f"factory {getattr(fn, '__name__', fn)!r} needs arguments ftstress cannot "
                      f"guess ({type(last).__name__}: {last})")


def fileno_of(obj):
    try:
        return obj.fileno()
    except Exception:
        return None


def close_all(fds):
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


def discover_ops(sample, factory):
    """The operations of sample's type, and the methods left out because they
    act on the process ([(name, reason)])."""
    queue_like = "queue" in type(sample).__name__.lower()
    type_name = type(sample).__name__
    ops, skipped = [], []
    for attr in sorted(dir(sample)):
        if attr in AUTO_DENY or (queue_like and attr in AUTO_DENY_QUEUE):
            continue
        if attr.startswith("_") and attr not in AUTO_DUNDERS:
            continue
        reason = method_refusal(type_name, attr, ALLOW)
        if reason is None and attr in ("settimeout", "setblocking") and hasattr(sample, "settimeout"):
            reason = "would let the object block (its timeout is set short)"
        if reason is not None:
            skipped.append((attr, reason))
            continue
        try:
            value = getattr(sample, attr)
        except Exception:
            continue
        if callable(value):
            low, high = arity(value)
            if high < 0:
                continue
            ops.append(AutoOp(attr, "method", low, high, factory, timeout_param(value)))
        elif not attr.startswith("_"):
            ops.append(AutoOp("get." + attr, "attr", 0, 0, factory))
    try:
        iter(sample)
        ops.append(AutoOp("iterate", "iterate", 0, 0, factory))
    except TypeError:
        pass
    return ops, skipped


class Pool:
    """Function mode's shared object: containers other threads mutate while the
    function under test reads them. Only containers that lock themselves in
    3.13 (list, dict, set): a bytearray's own races would be blamed on every
    function that reads one."""

    def __init__(self):
        self.list = [1, "a", 2.5, None]
        self.dict = {"a": 1, "b": [1, 2], 3: "c"}
        self.set = {1, 2, "x"}


def pool_arg(rng, pool):
    r = rng.random()
    if r < 0.45:
        return rng.choice((pool.list, pool.dict, pool.set))
    v = gen_value(rng)
    return pool if v is Same else None if v is Fresh else v


def function_ops(fn):
    low, high = arity(fn)
    if high < 0:
        low, high = 0, 0
    high = max(high, low, 1)

    def bind_call(pool, argseed):
        rng = OpRng(argseed)
        args = [pool_arg(rng, pool) for _ in range(rng.randint(low, high))]
        return functools.partial(fn, *args)

    def mutate(name, action):
        def bind(pool, argseed):
            rng = OpRng(argseed)
            return functools.partial(action, pool, rng.randrange(16), gen_value(rng, 1))
        return Op(name, None, (LookupError, TypeError, ValueError), bind=bind)

    def list_append(p, n, v): p.list.append(v if n % 3 else p.dict)
    def list_pop(p, n, v): return p.list.pop() if p.list else None
    def list_setitem(p, n, v):
        if p.list:
            p.list[n % len(p.list)] = v
    def dict_set(p, n, v): p.dict[n] = v
    def dict_pop(p, n, v): return p.dict.pop(n, None)
    def dict_clear(p, n, v):
        if n == 0:
            p.dict.clear()
    def set_add(p, n, v): p.set.add(n)
    def set_discard(p, n, v): p.set.discard(n)

    call = Op("call", None, AUTO_EXPECTED, bind=bind_call)
    ops = [call, call, call]  # the call is drawn as often as all mutations together
    for name, action in (("list.append", list_append), ("list.pop", list_pop),
                         ("list.setitem", list_setitem), ("dict.set", dict_set),
                         ("dict.pop", dict_pop), ("dict.clear", dict_clear),
                         ("set.add", set_add), ("set.discard", set_discard)):
        ops.append(mutate(name, action))
    return ops


class LazyNames(dict):
    """The names a factory expression sees: the target module's, then any
    module, imported when the expression first names it."""

    def __init__(self, module):
        super().__init__(vars(module))

    def __missing__(self, name):
        try:
            value = importlib.import_module(name)
        except ImportError:
            raise KeyError(name) from None  # eval goes on to the builtins
        self[name] = value
        return value


def split_spec(spec):
    """module:path or module:path(ARGS) -> (module, path, "(ARGS)" or None)."""
    module_name, _, rest = spec.partition(":")
    attr_path, paren, args = rest.partition("(")
    if not module_name or not attr_path:
        raise TargetError(f"{spec}: want module:factory, e.g. collections:deque")
    if paren and not args.rstrip().endswith(")"):
        raise TargetError(f"{spec}: the factory's arguments must end with ')'")
    return module_name, attr_path.strip(), (paren + args) if paren else None


def resolve(spec):
    module_name, attr_path, _ = split_spec(spec)
    try:
        module = importlib.import_module(module_name)
    except BaseException as exc:
        raise TargetError(f"{spec}: cannot import module {module_name}: "
                          f"{type(exc).__name__}: {exc}") from None
    obj = module
    for part in attr_path.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise TargetError(f"{spec}: module {module_name} has no attribute "
                              f"{attr_path!r}") from None
    return module, obj


def expression_factory(spec, module, fn, args_text):
    """The factory of module:path(ARGS): fn called with ARGS, a Python
    expression evaluated afresh for each object. A bad expression, or one
    that raises the first time, is bad input naming it."""
    try:
        code = compile("__ftstress_factory__" + args_text, spec, "eval")
    except SyntaxError as exc:
        raise TargetError(f"{spec}: the factory's arguments {args_text} are not a Python "
                          f"argument list: {exc.msg}") from None
    names = LazyNames(module)
    names["__ftstress_factory__"] = fn

    def factory():
        return eval(code, {"__builtins__": __builtins__}, names)

    try:
        factory()
    except BaseException as exc:
        raise TargetError(f"{spec}: {getattr(fn, '__name__', 'factory')}{args_text} raised "
                          f"{type(exc).__name__}: {exc}") from None
    return factory


def call_again(spec, factory):
    """factory() once more, after it worked: raising now is the harness's
    error (it cannot build the objects it fuzzes), not bad input."""
    try:
        return factory()
    except Exception as exc:
        import traceback
        raise HarnessError(f"{spec}: could not build the shared object: factory() raised "
                           f"{type(exc).__name__}: {short_repr(str(exc), 200)} after it worked once",
                           "".join(traceback.format_exception(exc))) from None


def load_auto_target(spec):
    module, fn = resolve(spec)
    module_name, attr_path, args_text = split_spec(spec)
    if not callable(fn):
        raise TargetError(f"{spec}: {module_name}:{attr_path} is not callable")
    name = getattr(fn, "__name__", "") or attr_path.rpartition(".")[2]
    is_class = isinstance(fn, type)
    if is_class and issubclass(fn, BaseException):
        raise TargetError(f"{spec}: {spec} is an exception class, nothing to fuzz")
    reason = function_refusal(module_name, attr_path, is_class, ALLOW)
    if reason is not None:
        raise TargetError(f"{spec}: refusing to call {module_name}.{attr_path} with random "
                          f"arguments: it {reason if reason.startswith('acts') else 'is ' + reason}"
                          f" (--allow {module_name}.{attr_path} forces it)")
    if args_text is not None:
        factory = expression_factory(spec, module, fn, args_text)
    else:
        try:
            factory = make_factory(fn)
        except TargetError as exc:
            if is_class:
                raise TargetError(
                    f"{spec}: {exc}; give them in the target as Python, evaluated for every "
                    f"object: '{module_name}:{attr_path}(ARGS)', e.g. "
                    "'io:BufferedReader(io.BytesIO(b\"x\" * 4096))'") from None
            factory = None
    if factory is not None:
        sample = call_again(spec, factory)
        if callable(getattr(sample, "settimeout", None)):
            factory = with_timeouts(factory)
            sample = call_again(spec, factory)
        if is_class or not isinstance(sample, (int, float, str, bytes, bool, type(None), tuple)):
            ops, skipped = discover_ops(sample, factory)
            if ops or AUTO_MODE == "pool":
                target = Target(spec, "auto", factory, ops)
                target.expected_all = AUTO_EXPECTED
                target.skipped = skipped
                if AUTO_MODE == "pool":
                    fuzz_pool().make_pool(sys.modules[__name__], target, factory, sample, module,
                                          module_name, type(sample).__name__)
                return target
            if is_class:
                raise TargetError(f"{spec}: {spec}() has no public methods to call")
    # A function: call it concurrently on shared containers others mutate.
    target = Target(spec, "function", Pool, function_ops(fn))
    target.expected_all = AUTO_EXPECTED
    if AUTO_MODE == "pool":
        target.ops = []
        fuzz_pool().make_pool(sys.modules[__name__], target, None, None, module, module_name,
                              "", fn=fn)
        target.mode = "function"
    return target


def load_target(spec):
    if "(" not in spec and (spec.endswith(".py") or os.path.sep in spec or os.path.isfile(spec)):
        return load_file_target(os.path.abspath(spec) if os.path.isfile(spec) else spec)
    return load_auto_target(spec)


def list_module(results, module_name):
    """The readiness entries of a module: its public classes and functions,
    and ("skip" lines) the functions left out because they act on the process."""
    try:
        module = importlib.import_module(module_name)
    except BaseException as exc:
        raise TargetError(f"{module_name}:*: cannot import module {module_name}: "
                          f"{type(exc).__name__}: {exc}") from None
    import inspect
    public = getattr(module, "__all__", None)
    names = sorted(public) if isinstance(public, (list, tuple)) else sorted(
        n for n in vars(module) if not n.startswith("_"))
    for name in names:
        value = getattr(module, name, None)
        if not callable(value) or inspect.ismodule(value):
            continue
        if isinstance(value, type):
            if issubclass(value, BaseException) or inspect.isabstract(value):
                continue
            kind = "class"
        else:
            kind = "function"
        owner = getattr(value, "__module__", module_name) or module_name
        if public is None and owner.lstrip("_") != module_name.lstrip("_") and \
                not owner.startswith(module_name):
            continue  # imported from elsewhere (typing helpers, other modules)
        reason = function_refusal(module_name, name, kind == "class", ALLOW)
        if reason is not None:
            results.line("skip", name, reason)
            continue
        results.line("entry", name, kind)


# ---------------------------------------------------------------------------
# Running


class Outcome:
    """What one operation gave: its value or exception and, in linearizability
    mode, when it ran (perf_counter_ns before and after the call)."""

    __slots__ = ("value", "exc", "start", "end")

    def __init__(self, value=None, exc=None, start=0, end=0):
        self.value = value
        self.exc = exc
        self.start = start
        self.end = end

    def same(self, other):
        if self.exc is not None or other.exc is not None:
            return type(self.exc) is type(other.exc)
        a, b = self.value, other.value
        try:
            if a is b or bool(a == b):
                return True
        except Exception:
            pass
        return short_repr(a, 10000) == short_repr(b, 10000)

    def text(self):
        if self.exc is not None:
            return f"raised {type(self.exc).__name__}"
        return short_repr(self.value, 60)


def reraise(exc):
    raise exc


def run_plan_alone(target, plan, upto):
    """Runs plan[0..upto] alone on a fresh object; the type of the exception
    plan[upto] raises, or None."""
    obj = target.factory()
    for k, (op, argseed) in enumerate(plan[: upto + 1]):
        try:
            op.bind(obj, argseed)()
        except BaseException as exc:
            if k == upto:
                return type(exc)
    return None


class Linearizer:
    """Searches for a sequential order of the threads' operations, consistent
    with each thread's program order, that gives every result they observed
    (and, with observe(), the final state).

    Real time counts too (this is linearizability proper): an operation that
    ended before another began must come first, which also prunes the search
    to the orders that overlapping calls allow.

    Depth-first over interleavings. A state is never copied (deepcopy of some
    objects returns the object itself, an lru_cache wrapper for one): the
    current path's state is extended in place, and a sibling branch rebuilds
    its state by replaying its prefix on a fresh object. An operation that
    raised an iteration RuntimeError ("changed size during iteration") is
    documented behaviour under concurrent mutation, so its result is not
    compared."""

    class Undecided(Exception):
        pass

    def __init__(self, target):
        self.target = target
        self.fresh = target.sequential_model or target.factory

    @staticmethod
    def apply(state, op, argseed):
        try:
            return Outcome(op.bind(state, argseed)())
        except BaseException as exc:
            return Outcome(exc=exc)

    def check(self, plans, outcomes, final):
        """True if explained, False if not, None if undecided."""
        self.plans, self.outcomes, self.final = plans, outcomes, final
        self.steps = LINEARIZABILITY_STEPS
        self.total = sum(len(p) for p in plans)
        try:
            return self.search([], [0] * len(plans), self.fresh())
        except Linearizer.Undecided:
            return None

    def spend(self, n):
        self.steps -= n
        if self.steps < 0:
            raise Linearizer.Undecided()

    def rebuild(self, order):
        self.spend(len(order) + 1)
        state = self.fresh()
        seen = [0] * len(self.plans)
        for t in order:
            self.apply(state, *self.plans[t][seen[t]])
            seen[t] += 1
        return state

    def matches(self, got, want):
        exc = want.exc
        if isinstance(exc, RuntimeError) and any(m in str(exc) for m in ITERATION_MESSAGES):
            return True
        return got.same(want)

    def search(self, order, pos, state):
        if len(order) == self.total:
            if self.target.observe is None or self.final is None:
                return True
            return Outcome(self.target.observe(state)).same(self.final)
        # The next operation may be any thread's next one that began before
        # every other thread's next one ended.
        first_end = min(self.outcomes[u][pos[u]].end for u, plan in enumerate(self.plans)
                        if pos[u] < len(plan))
        for t, plan in enumerate(self.plans):
            k = pos[t]
            if k == len(plan) or self.outcomes[t][k].start > first_end:
                continue
            if state is None:
                state = self.rebuild(order)
            self.spend(1)
            op, argseed = plan[k]
            got = self.apply(state, op, argseed)
            if self.matches(got, self.outcomes[t][k]):
                pos[t] += 1
                order.append(t)
                found = self.search(order, pos, state)
                order.pop()
                pos[t] -= 1
                if found:
                    return True
            state = None  # used up by this branch
        return False


class Fuzzer:
    def __init__(self, args, target, results):
        self.args = args
        self.target = target
        self.results = results
        self.threads = args.threads
        self.nops = args.ops or target.default_ops
        self.started = time.monotonic()
        self.deadline = self.started + args.time_budget if args.time_budget > 0 else None
        self.iterations = 0
        self.ops_done = 0
        self.seen_outcomes = set()
        self.lin = Linearizer(target) if target.linearizable else None
        self.lin_checked = 0
        self.lin_undecided = 0
        # CLOCK_MONOTONIC, the clock the runner reads too: it places this
        # process's events on the campaign's timeline.
        results.line("started", f"{self.started:.6f}")
        self.tsan_log = self.find_tsan_log()
        self.tsan_size = self.log_size()
        self.last_progress = self.started
        # Per-thread work: the plan [(op, argseed)] and where results go.
        self.jobs = [None] * self.threads
        self.outs = [None] * self.threads
        self.obj = None
        self.stop = False
        self.failure = None        # a HarnessError a worker thread ran into
        self.progress_count = 0
        # Pool mode: guidance by findings and op-pair coverage (fuzz_pool.Guide).
        self.guide = fuzz_pool().Guide(target) if getattr(target, "plain", None) is not None \
            and not args.sequences else None
        self.factory_calls = 1     # run() made the first object
        self.go = [threading.Lock() for _ in range(self.threads)]
        self.done = [threading.Lock() for _ in range(self.threads)]
        for lock in self.go + self.done:
            lock.acquire()
        self.pool = [threading.Thread(target=self.worker, args=(t,), name=f"fuzz-{t}", daemon=True)
                     for t in range(self.threads)]
        for th in self.pool:
            th.start()

    # --- TSan's log: which iteration made it grow
    @staticmethod
    def find_tsan_log():
        for word in os.environ.get("TSAN_OPTIONS", "").split():
            if word.startswith("log_path="):
                return f"{word[len('log_path='):]}.{os.getpid()}"
        return None

    def log_size(self):
        if self.tsan_log is None:
            return 0
        try:
            return os.stat(self.tsan_log).st_size
        except OSError:
            return 0

    # --- workers
    def worker(self, tid):
        go, done = self.go[tid], self.done[tid]
        while True:
            go.acquire()
            if self.stop:
                done.release()
                return
            try:
                self.run_plan(tid)
            except BaseException as exc:  # the harness's own code: run_iteration reports it
                import traceback
                self.failure = HarnessError(
                    f"the fuzz harness's worker thread {tid} failed: {type(exc).__name__}: {exc}",
                    "".join(traceback.format_exception(exc)))
            finally:
                done.release()

    def run_plan(self, tid):
        plan = self.jobs[tid]
        obj = self.obj
        outs = self.outs[tid]
        record = self.lin is not None
        calls = []
        for op, argseed in plan:
            try:
                calls.append(op.bind(obj, argseed))
            except BaseException as exc:  # binding ran target code: its exception is a result
                calls.append(functools.partial(reraise, exc))
        if record:
            clock = time.perf_counter_ns
            for k, call in enumerate(calls):
                start = clock()
                try:
                    value = call()
                    outs[k] = Outcome(value, None, start, clock())
                except BaseException as exc:
                    outs[k] = Outcome(None, exc, start, clock())
        else:
            for k, call in enumerate(calls):
                try:
                    call()
                except BaseException as exc:
                    outs[k] = Outcome(exc=exc)

    def make_object(self):
        """A fresh object from the target's factory. A factory that worked
        before and raises now cannot be fuzzed on: the harness's error."""
        self.factory_calls += 1
        try:
            return self.target.factory()
        except BaseException as exc:
            import traceback
            raise HarnessError(
                f"{self.target.name}: could not build the shared object: factory() raised "
                f"{type(exc).__name__}: {short_repr(str(exc), 200)} on call "
                f"{self.factory_calls} (it worked on the first)",
                "".join(traceback.format_exception(exc))) from None

    def run_iteration(self, label, plans, announced=False):
        """Runs one iteration of plans (one list per thread) on a fresh object;
        returns (object, outcomes per thread). announced: its iter line is
        written already."""
        if not announced:
            self.results.line("iter", label)
        obj = self.make_object()
        self.obj = obj
        outs = []
        for t in range(self.threads):
            plan = plans[t] if t < len(plans) else []
            self.jobs[t] = plan
            out = [None] * len(plan)
            self.outs[t] = out
            outs.append(out)
        for lock in self.go:
            lock.release()
        for lock in self.done:
            lock.acquire()
        if self.failure is not None:
            raise self.failure
        self.obj = None
        self.iterations += 1
        self.ops_done += sum(len(p) for p in plans)
        return obj, outs

    def shutdown(self):
        self.stop = True
        for lock in self.go:
            lock.release()
        for lock in self.done:
            lock.acquire(timeout=10)

    # --- checks
    def wanted(self, kind, detail):
        """Whether a finding matches --stop-when: "any", "tsan:F1,F2" (a TSan
        report naming every function Fi), "exception:OP:TYPE", "invariant",
        "linearizability" or "none"."""
        want = self.args.stop_when
        if want == "any":
            return True
        if want == "none":
            return False
        if kind == "tsan":
            if not want.startswith("tsan:"):
                return False
            names = [n for n in want[len("tsan:"):].split(",") if n]
            # All of them in one report (the chunk may hold several).
            for report in detail.split("WARNING: ThreadSanitizer:"):
                if all(f" {n} " in report for n in names):
                    return True
            return False
        return want == kind or want == f"{kind}:{detail}"

    def log_text(self, begin, end):
        try:
            with open(self.tsan_log, "rb") as f:
                f.seek(begin)
                return f.read(end - begin).decode("utf-8", "replace")
        except OSError:
            return ""

    def examine(self, label, plans, obj, outs, planned=False):
        """Writes what iteration label showed; returns (found, wanted): whether
        it showed a finding, and one --stop-when asks for. planned: its plans
        were written before it ran."""
        found = wanted = False
        size = self.log_size()
        if size > self.tsan_size:
            self.results.line("tsan", label, self.tsan_size, size, f"{self.elapsed():.3f}")
            if self.args.stop_when not in ("any", "none"):
                wanted = self.wanted("tsan", self.log_text(self.tsan_size, size))
            else:
                wanted = self.wanted("tsan", "")
            self.tsan_size = size
            found = True
        new_outcome = False
        for t, out in enumerate(outs):
            for k, o in enumerate(out):
                if o is None or o.exc is None:
                    continue
                op = plans[t][k][0] if k < len(plans[t]) else None
                exc = o.exc
                if op is None:
                    continue
                if self.target.is_normal(op, exc) and not isinstance(exc, ALWAYS_FINDINGS) and \
                        not (self.target.mode == "file" and isinstance(exc, SystemError)):
                    key = (op.name, type(exc).__name__)
                    if key not in self.seen_outcomes:
                        self.seen_outcomes.add(key)
                        self.results.line("outcome", label, op.name, type(exc).__name__)
                        new_outcome = True
                    continue
                alone = None
                if self.target.mode != "file" and not isinstance(exc, ALWAYS_FINDINGS):
                    alone = run_plan_alone(self.target, plans[t], k)
                    if alone is type(exc):
                        continue  # the thread's own program raises it: the input's doing
                import traceback
                tb = "".join(traceback.format_exception(exc)[-12:])
                self.results.line("finding", label, "exception", t, k, op.name,
                                  f"{type(exc).__name__}: {short_repr(str(exc), 200)}", tb)
                found = True
                wanted |= self.wanted("exception", f"{op.name}:{type(exc).__name__}")
        if self.target.invariant is not None:
            verdict, message = True, ""
            try:
                verdict = self.target.invariant(obj)
            except BaseException as exc:
                verdict, message = False, f"{type(exc).__name__}: {exc}"
            if verdict is False:
                self.results.line("finding", label, "invariant", -1, -1, "-",
                                  message or "invariant() returned False",
                                  f"object after the iteration: {short_repr(obj, 400)}")
                found = True
                wanted |= self.wanted("invariant", "")
        if self.lin is not None and all(o is not None for out in outs for o in out):
            final = None
            if self.target.observe is not None:
                try:
                    final = Outcome(self.target.observe(obj))
                except BaseException as exc:
                    final = Outcome(exc=exc)
            verdict = self.lin.check(plans, outs, final)
            self.lin_checked += 1
            if verdict is None:
                self.lin_undecided += 1
            elif verdict is False:
                lines = []
                for t, plan in enumerate(plans):
                    steps = ", ".join(f"{op.name}:{argseed} -> {outs[t][k].text()}"
                                      for k, (op, argseed) in enumerate(plan))
                    lines.append(f"thread {t}: {steps}")
                if final is not None:
                    lines.append(f"final state: {final.text()}")
                self.results.line("finding", label, "linearizability", -1, -1, "-",
                                  "no sequential order explains these results", "\n".join(lines))
                found = True
                wanted |= self.wanted("linearizability", "")
        if (found or new_outcome) and not planned:
            self.write_plans(label, plans)
        return found, wanted

    def write_plans(self, label, plans):
        for t, plan in enumerate(plans):
            self.results.line("plan", label, t, " ".join(f"{op.name}:{s}" for op, s in plan))

    def elapsed(self):
        return time.monotonic() - self.started

    def progress(self, force=False):
        now = time.monotonic()
        if force or now - self.last_progress >= PROGRESS_SECONDS:
            self.results.line("progress", self.iterations, self.ops_done, f"{now - self.started:.3f}",
                              self.lin_checked, self.lin_undecided)
            self.last_progress = now
            # op-pair coverage now and then, so that a crash keeps most of it
            self.progress_count += 1
            if self.guide is not None and not force and self.progress_count % 4 == 0:
                self.guide.write(self.results)

    def out_of_time(self):
        return self.deadline is not None and time.monotonic() >= self.deadline

    # --- modes
    def run_random(self):
        first = self.args.first_iteration
        i = first
        while i - first < self.args.iterations and not self.out_of_time():
            plans = [random_plan(self.target, self.args.seed, i, t, self.nops)
                     for t in range(self.threads)]
            # Guided draws depend on what earlier iterations showed: their
            # plans are written first, so that a crash keeps its sequence.
            planned = self.guide is not None and self.target.weights is not None
            if planned:
                self.results.line("iter", i)
                self.write_plans(i, plans)
            obj, outs = self.run_iteration(i, plans, announced=planned)
            found, _ = self.examine(i, plans, obj, outs, planned)
            if self.guide is not None:
                seen = self.guide.count(plans)
                if found:
                    self.guide.found(plans, seen)
                if i % POOL_COLLECT_EVERY == POOL_COLLECT_EVERY - 1:
                    gc.collect()
            self.progress()
            i += 1

    def run_sequences(self, candidates):
        for c, plans in enumerate(candidates):
            began = time.monotonic()
            for rep in range(self.args.repeat):
                obj, outs = self.run_iteration(f"{c}", plans)
                found, wanted = self.examine(f"{c}", plans, obj, outs)
                self.progress()
                if wanted and self.args.stop_scope == "candidate":
                    break
                if wanted:
                    self.results.line("stopped", c, rep)
                    return
                if self.out_of_time():
                    return
                if self.args.candidate_seconds > 0 and \
                        time.monotonic() - began >= self.args.candidate_seconds:
                    break
            self.results.line("candidate_done", c)


def parse_sequences(path, target):
    """Candidates of a sequences file: 'candidate' starts one, each 'thread
    NAME:ARGSEED ...' line is one thread's plan."""
    candidates = []
    with open(path, encoding="utf-8") as f:
        for number, text in enumerate(f, 1):
            words = text.split()
            if not words or words[0].startswith("#"):
                continue
            if words[0] == "candidate":
                candidates.append([])
            elif words[0] == "thread" and candidates:
                plan = []
                for word in words[1:]:
                    name, _, seed = word.rpartition(":")
                    op = target.by_name.get(name)
                    if op is None or not seed.isdigit():
                        raise TargetError(f"{path}:{number}: unknown operation {word!r} for "
                                          f"target {target.name}")
                    plan.append((op, int(seed)))
                candidates[-1].append(plan)
            else:
                raise TargetError(f"{path}:{number}: expected 'candidate' or 'thread ...'")
    return candidates


class GilWatch:
    """Notes which import enabled the GIL (CPython names the module in a
    RuntimeWarning, let through every filter here) and writes "gil MODULE"
    when it is on after the target loaded: the run then proves nothing."""

    MESSAGE = "The global interpreter lock (GIL) has been enabled to load module '"

    def __init__(self):
        import warnings
        self.module = None
        self.show = warnings.showwarning
        warnings.showwarning = self.showwarning
        warnings.filterwarnings("always", message=r"The global interpreter lock \(GIL\)",
                                category=RuntimeWarning)

    def showwarning(self, message, *rest, **kw):
        text = str(message)
        if text.startswith(self.MESSAGE) and self.module is None:
            self.module = text[len(self.MESSAGE):].split("'", 1)[0]
        return self.show(message, *rest, **kw)

    def report(self, results):
        if getattr(sys, "_is_gil_enabled", lambda: False)():
            results.line("gil", self.module or "?")
            print(f"ftstress fuzz harness: the GIL is enabled ({self.module or 'unknown module'}):"
                  " this run does not exercise free-threading", file=sys.stderr)


def run(args):
    """Runs what args ask; returns the exit status. An exception of the
    harness's own code (not the target's operations) is written as an
    "error harness" line with its traceback: ftstress's error, never a
    finding."""
    global DESCRIPTORS, ALLOW, AUTO_MODE
    AUTO_MODE = args.auto_mode
    run_dir = os.path.dirname(os.path.abspath(args.results))
    DESCRIPTORS = Descriptors(os.path.join(run_dir, "scratch"))
    ALLOW = Allow(args.allow)
    try:
        results = Results(args.results, DESCRIPTORS)
    except OSError as exc:
        print(f"ftstress fuzz harness: cannot open the results file {args.results}: {exc}",
              file=sys.stderr)
        return EXIT_HARNESS_ERROR
    DESCRIPTORS.note_log(Fuzzer.find_tsan_log())
    try:
        return run_target(args, results)
    except HarnessError as exc:
        message, detail = str(exc), exc.detail
    except Exception as exc:
        import traceback
        message = f"internal error in the fuzz harness: {type(exc).__name__}: {exc}"
        detail = "".join(traceback.format_exception(exc))
    print(f"ftstress fuzz harness: {message}\n{detail}", file=sys.stderr)
    try:
        results.line("error", "harness", message, detail)
    except HarnessError:
        pass  # the results file itself failed: the exit status says it
    return EXIT_HARNESS_ERROR


def run_target(args, results):
    results.line(RESULTS_FORMAT)
    try:
        if args.list:
            list_module(results, args.list)
            results.line("end", "final")
            return 0
        gil = GilWatch()
        target = load_target(args.target)
        gil.report(results)
        candidates = parse_sequences(args.sequences, target) if args.sequences else None
    except TargetError as exc:
        results.line("error", "target", str(exc))
        print(f"ftstress fuzz harness: {exc}", file=sys.stderr)
        return EXIT_TARGET_ERROR
    if candidates:
        args.threads = max(args.threads, max(len(c) for c in candidates))
    results.line("target", target.name, target.mode, len(target.ops))
    for i, op in enumerate(target.ops):
        results.line("op", i, op.name)
    for name, reason in target.skipped:
        results.line("skip", name, reason)
    results.line("param", "threads", args.threads)
    results.line("param", "ops", args.ops or target.default_ops)
    results.line("param", "seed", args.seed)
    results.line("param", "linearizable", int(target.linearizable))
    results.line("param", "gil", int(getattr(sys, "_is_gil_enabled", lambda: True)()))
    if args.plan_only:
        nops = args.ops or target.default_ops
        for i in range(args.first_iteration, args.first_iteration + args.iterations):
            plans = [random_plan(target, args.seed, i, t, nops) for t in range(args.threads)]
            for t, plan in enumerate(plans):
                results.line("plan", i, t, " ".join(f"{op.name}:{s}" for op, s in plan))
        results.line("end", "final")
        return 0
    try:
        sample = target.factory()
        del sample
    except BaseException as exc:
        origin = where(exc, target.path) if target.path else target.name
        message = f"{origin}: factory() raised {type(exc).__name__}: {exc}"
        results.line("error", "target", message)
        print(f"ftstress fuzz harness: {message}", file=sys.stderr)
        return EXIT_TARGET_ERROR
    # The free-threaded collector scans the whole heap each time: leave the
    # harness's and the target's start-up objects out of it.
    gc.collect()
    gc.freeze()
    if getattr(target, "plain", None) is not None:
        # Pool mode allocates far more per iteration; each automatic
        # collection stops the world, and a worker descheduled by the noise
        # (or a busy machine) holds every other thread there. Collect between
        # iterations instead (Fuzzer.run_random), when the workers wait.
        gc.disable()
    fuzzer = Fuzzer(args, target, results)
    try:
        if candidates is not None:
            fuzzer.run_sequences(candidates)
        else:
            fuzzer.run_random()
    finally:
        fuzzer.shutdown()
    fuzzer.progress(force=True)
    if fuzzer.guide is not None:
        fuzzer.guide.write(results)
    results.line("end", "final")
    return 0


# The command line (argparse alone costs 0.4 s to import under TSan):
# option -> (attribute, type, default); a type of None is a flag.
OPTIONS = {
    "--target": ("target", str, None),
    "--results": ("results", str, None),
    "--seed": ("seed", int, 0),
    "--threads": ("threads", int, 2),
    "--ops": ("ops", int, 0),
    "--iterations": ("iterations", int, 1 << 62),
    "--first-iteration": ("first_iteration", int, 0),
    "--time-budget": ("time_budget", float, 0.0),
    "--sequences": ("sequences", str, None),
    "--repeat": ("repeat", int, 1),
    "--candidate-seconds": ("candidate_seconds", float, 0.0),
    "--stop-when": ("stop_when", str, "none"),
    "--stop-scope": ("stop_scope", str, "process"),
    "--plan-only": ("plan_only", None, False),
    "--list": ("list", str, None),
    "--allow": ("allow", list, ()),
    "--auto-mode": ("auto_mode", str, "pool"),
}


def usage_error(message):
    """A command line the harness cannot read is ftstress's own error."""
    print(message, file=sys.stderr)
    sys.stderr.flush()
    os._exit(EXIT_HARNESS_ERROR)


def parse_args(argv):
    args = types.SimpleNamespace(**{attr: default for attr, _, default in OPTIONS.values()})
    i = 0
    while i < len(argv):
        spec = OPTIONS.get(argv[i])
        if spec is None:
            usage_error(f"fuzzharness: unknown option {argv[i]!r}")
        attr, kind, _ = spec
        if kind is None:
            setattr(args, attr, True)
            i += 1
            continue
        if i + 1 >= len(argv):
            usage_error(f"fuzzharness: {argv[i]} needs a value")
        if kind is list:  # repeatable
            setattr(args, attr, (*getattr(args, attr), argv[i + 1]))
            i += 2
            continue
        try:
            setattr(args, attr, kind(argv[i + 1]))
        except ValueError:
            usage_error(f"fuzzharness: {argv[i]} takes a {kind.__name__}, not {argv[i + 1]!r}")
        i += 2
    if args.results is None or (args.list is None and args.target is None):
        usage_error("fuzzharness: --results and one of --target or --list are required")
    return args


def main():
    args = parse_args(sys.argv[1:])
    faulthandler.enable(all_threads=True)
    if hasattr(faulthandler, "register"):
        import signal
        faulthandler.register(signal.SIGUSR1, all_threads=True)
    random.seed(args.seed)
    status = run(args)
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip finalization: it is slow under TSan and, with daemon threads
    # around, reports races of its own that are not the target's.
    os._exit(status)


if __name__ == "__main__":
    main()
