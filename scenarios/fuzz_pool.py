"""Automatic mode's shared-argument pool (--auto-mode pool, the default).

Today's automatic mode (--auto-mode methods) calls the shared object's own
methods with plain values. Many free-threading races sit where that does not
look; the pool mode adds, per iteration, a Shared set of objects that every
thread reaches:

- the target object, a list, a dict, a set, a bytearray, a plain instance,
  a BytesIO, a StringIO, a memoryview (on a bytearray of its own, so the
  pool's bytearray stays resizable), and shared iterators over them, over the
  target, and over whatever iterator a call returned;
- operations: the target's methods with arguments drawn from the pool as
  well as plain values; functions of other modules given pool objects
  (copy, pickle, json, repr, hash, sorted, join, weakref, ...: CROSS_CALLS);
  the public functions of the target's module (`m.NAME`, their arity learned
  by trial calls on a sample pool); the pool's own mutators (`p.*`); next()
  and friends on the shared iterators (`it.*`, and `next` when the target is
  an iterator); setattr/delattr/getattr on instances (`attr.*`);
- terminal operations (close, detach, clear, release, reset) at a low rate
  and only in the last quarter of a thread's sequence: a "closed" exception
  after them is expected, not a finding;
- guidance: the operations of an iteration that showed a finding weigh more
  in the next draws (the plans are then written before each iteration, so a
  crash still has its sequence), and op-pair coverage is counted: which
  pairs of operations ran in different threads of one iteration.

Everything an operation draws comes from its argument seed (OpRng), as in
the rest of the harness, so a sequence replays and minimizes the same way.
"""

import functools
import itertools

# The rate of a terminal operation at a position in the last quarter.
TERMINAL_RATE = 0.12
TERMINAL_NAMES = {"close", "detach", "clear", "release", "reset", "cancel", "flush_and_close"}
# How often an argument comes from the pool instead of a plain value: for
# other modules' functions, and for the target's own methods (most of which
# want plain values: a dict to BytesIO.write is a TypeError, no race).
POOL_ARG_RATE = 0.45
METHOD_POOL_ARG_RATE = 0.2
# The share of draws that go to the target's own operations (its methods
# and the attr/next operations on it): the races of an unlocked type are
# mostly between its own methods.
OWN_SHARE = 0.7
# Attribute names attr.* writes and reads, besides the instance's own.
ATTR_NAMES = ("a", "b", "c", "x", "items", "value")
# Module functions of the target's module drawn at most (sorted by name).
MAX_MODULE_FUNCTIONS = 24
# Guidance: a weight boost per finding, and its cap.
GUIDE_BOOST = 2.0
GUIDE_CAP = 4.0
SHARED_ITERATORS_MAX = 16
# The share of iterations that use the pool; the others run the target's own
# operations only (draw).
POOL_ITERATION_RATE = 0.5
# Module functions never called with pool arguments: they write files or the
# output, or run code (open("abc", "a") would create a file).
MODULE_FUNCTIONS_SKIPPED = {"open", "open_code", "print", "exec", "eval", "compile",
                            "__import__", "input", "breakpoint", "help", "globals", "locals"}


class Plain:
    """A plain class instance: its __dict__ is what attr.* ops race on."""

    def __init__(self):
        self.a = 1
        self.b = [1, 2]
        self.c = "c"


class Shared:
    """One iteration's shared objects."""

    __slots__ = ("obj", "list", "dict", "set", "ba", "inst", "bio", "sio", "mv", "iters",
                 "members", "locked")

    def __init__(self, obj, io_module):
        self.obj = obj
        self.list = [1, "a", 2.5, None, (1, 2), b"x", [3]]
        self.dict = {"a": 1, "b": [1, 2], 3: "c", (1,): None, "e": "f"}
        self.set = {1, 2, "x", (3,), 4.5}
        self.ba = bytearray(b"0123456789abcdef")
        self.inst = Plain()
        self.bio = io_module.BytesIO(b"0123456789" * 4)
        self.sio = io_module.StringIO("line\n" * 8)
        self.mv = memoryview(bytearray(b"m" * 32))
        iters = []
        if obj is not None:
            if hasattr(obj, "__next__"):
                iters.append(obj)
            else:
                try:
                    iters.append(iter(obj))
                except Exception:
                    pass
        iters += [iter(self.list), iter(self.dict), iter(self.dict.items()), iter(self.set),
                  reversed(self.list)]
        self.iters = iters
        # Members that lock themselves in 3.13 (or are plain instances): the
        # arguments of other modules' functions. The others (bytearray,
        # BytesIO, StringIO, memoryview) race on their own, and those races
        # would be blamed on every target: they go to the target's methods only.
        locked = [self.list, self.dict, self.set, self.inst]
        self.locked = ([obj] * 2 + locked) if obj is not None else locked
        members = locked + [self.ba, self.bio, self.sio, self.mv]
        self.members = ([obj] * 3 + members) if obj is not None else members

    def pick_locked(self, rng):
        r = rng.random()
        if r < 0.15:
            return itertools.islice(self.iters[rng.randrange(len(self.iters))], 64)
        value = self.locked[rng.randrange(len(self.locked))]
        return itertools.islice(value, 64) if hasattr(value, "__next__") else value

    def pick(self, rng):
        """A pool member. An iterator (shared, or the target when it is one)
        comes through islice(it, 64): it still advances the shared iterator,
        but a call that consumes it ends (list.extend(iter(that list)) would
        grow forever)."""
        r = rng.random()
        if r < 0.15:
            return itertools.islice(self.iters[rng.randrange(len(self.iters))], 64)
        value = self.members[rng.randrange(len(self.members))]
        return itertools.islice(value, 64) if hasattr(value, "__next__") else value

    def target(self):
        """The target object as an argument (bounded when it is an iterator)."""
        obj = self.obj
        return itertools.islice(obj, 64) if hasattr(obj, "__next__") else obj

    def keep_call(self, fn, *args):
        return self.keep(fn(*args))

    def keep(self, value):
        """Keeps an iterator a call returned: other threads advance it too."""
        if hasattr(value, "__next__") and len(self.iters) < SHARED_ITERATORS_MAX:
            self.iters.append(value)
        return value


def drain(it, n):
    k = 0
    for _ in itertools.islice(it, n):
        k += 1
    return k


def join_strs(a):
    return ",".join(map(str, a)) if not isinstance(a, (str, bytes)) else a


def _cross_calls():
    """(name, fn, number of pool arguments): other modules' functions on
    shared objects. Imported once, when a pool target loads."""
    import copy
    import json
    import marshal
    import operator
    import pickle
    import weakref
    import heapq
    import bisect
    import collections
    return [
        ("x.repr", repr, 1), ("x.str", str, 1), ("x.hash", hash, 1), ("x.len", len, 1),
        ("x.bool", bool, 1), ("x.sorted", sorted, 1), ("x.list", list, 1), ("x.tuple", tuple, 1),
        ("x.set", set, 1), ("x.dict.fromkeys", dict.fromkeys, 1), ("x.reversed",
                                                                    lambda a: list(reversed(a)), 1),
        ("x.sum", sum, 1), ("x.min", min, 1), ("x.max", max, 1), ("x.any", any, 1),
        ("x.bytes", bytes, 1), ("x.bytearray", bytearray, 1), ("x.memoryview", memoryview, 1),
        ("x.join", join_strs, 1), ("x.str.join", "".join, 1), ("x.eq", operator.eq, 2),
        ("x.lt", operator.lt, 2), ("x.contains", operator.contains, 2),
        ("x.getitem", operator.getitem, 2), ("x.iadd", operator.iadd, 2),
        ("x.zip", lambda a, b: list(zip(a, b)), 2),
        ("x.chain", lambda a, b: list(itertools.chain(a, b)), 2),
        ("x.enumerate", lambda a: list(enumerate(a)), 1),
        ("x.copy.copy", copy.copy, 1), ("x.copy.deepcopy", copy.deepcopy, 1),
        ("x.pickle.dumps", pickle.dumps, 1), ("x.json.dumps", json.dumps, 1),
        ("x.marshal.dumps", marshal.dumps, 1), ("x.weakref.ref", weakref.ref, 1),
        ("x.vars", lambda a: dict(vars(a)), 1), ("x.dir", dir, 1),
        ("x.heapq.heapify", heapq.heapify, 1), ("x.bisect.insort", bisect.insort, 2),
        ("x.Counter", collections.Counter, 1), ("x.deque", collections.deque, 1),
        ("x.isinstance", lambda a: isinstance(a, (list, dict)), 1),
        ("x.getattr", lambda a: getattr(a, "a", None), 1),
    ]


def _pool_mutators():
    """(name, fn(shared, rng), terminal): the pool's own writers and readers."""
    def lst_append(s, r): s.list.append(r.randrange(100) if r.random() < 0.7 else s.dict)
    def lst_pop(s, r): return s.list.pop() if s.list else None
    def lst_set(s, r):
        if s.list:
            s.list[r.randrange(len(s.list))] = r.randrange(100)
    def lst_extend(s, r): s.list.extend(range(r.randrange(8)))
    def lst_sort(s, r): s.list.sort(key=repr)
    def dict_set(s, r): s.dict[r.randrange(16)] = r.randrange(100)
    def dict_pop(s, r): return s.dict.pop(r.randrange(16), None)
    def set_add(s, r): s.set.add(r.randrange(16))
    def set_discard(s, r): s.set.discard(r.randrange(16))
    def inst_set(s, r): setattr(s.inst, ATTR_NAMES[r.randrange(len(ATTR_NAMES))], r.randrange(9))
    def inst_del(s, r): delattr(s.inst, ATTR_NAMES[r.randrange(len(ATTR_NAMES))])
    def inst_get(s, r): return getattr(s.inst, ATTR_NAMES[r.randrange(len(ATTR_NAMES))], None)
    def it_next(s, r): return next(s.iters[r.randrange(len(s.iters))], None)
    def it_drain(s, r): return drain(s.iters[r.randrange(len(s.iters))], 64)
    def it_hint(s, r):
        return s.iters[r.randrange(len(s.iters))].__length_hint__()
    def it_reduce(s, r): return s.iters[r.randrange(len(s.iters))].__reduce__()
    def it_setstate(s, r): s.iters[r.randrange(len(s.iters))].__setstate__(r.randrange(8))
    def lst_clear(s, r): s.list.clear()
    def dict_clear(s, r): s.dict.clear()
    def mv_release(s, r): s.mv.release()
    return [
        ("p.list.append", lst_append, False), ("p.list.pop", lst_pop, False),
        ("p.list.setitem", lst_set, False), ("p.list.extend", lst_extend, False),
        ("p.list.sort", lst_sort, False), ("p.dict.set", dict_set, False),
        ("p.dict.pop", dict_pop, False), ("p.set.add", set_add, False),
        ("p.set.discard", set_discard, False), ("attr.p.set", inst_set, False), ("attr.p.del", inst_del, False),
        ("attr.p.get", inst_get, False),
        ("it.next", it_next, False), ("it.next2", it_next, False), ("it.drain", it_drain, False),
        ("it.length_hint", it_hint, False), ("it.reduce", it_reduce, False),
        ("it.setstate", it_setstate, False),
        ("p.list.clear", lst_clear, True), ("p.dict.clear", dict_clear, True),
        ("p.memoryview.release", mv_release, True),
    ]


def make_pool(h, target, inner_factory, sample, module, module_name, type_name, fn=None):
    """Turns an automatic target of the harness h (the fuzzharness module)
    into a pool target: its factory makes a Shared, its operations grow the
    pool's. sample is an object of the target; for function mode it is None
    and fn the function, called ("call", drawn as often as three others) with
    pool arguments."""
    import io
    import warnings
    # pickle and copy of itertools objects warn on every call (3.13)
    warnings.simplefilter("ignore", DeprecationWarning)
    expected = (Exception,)  # random calls into other modules raise all sorts

    def pool_factory():
        return Shared(inner_factory() if inner_factory is not None else None, io)

    ops, twins = [], []
    for op in target.ops:
        if isinstance(op, h.AutoOp):
            op.pool = "plain"
            ops.append(op)
            if op.kind == "method" and op.high > 0:
                twin = h.AutoOp("P." + op.name, "method", op.low, op.high, op.factory,
                                op.timeout)
                twin.method, twin.pool = op.name, "args"
                twins.append(twin)
    ops += twins
    if fn is not None:
        low, high = h.arity(fn)
        low, high = (0, 0) if high < 0 else (low, max(high, low, 1))
        call = h.Op("call", None, h.AUTO_EXPECTED, bind=bind_module_call(h, fn, low, high))
        ops += [call, call, call]
    names = {op.name for op in ops}
    own_names = {"call", "next", "next.drain", "attr.set", "attr.del", "attr.get"}

    def add(name, bind, terminal=False, exp=expected):
        if name in names:
            return
        names.add(name)
        op = h.Op(name, None, exp, bind=bind)
        op.terminal = terminal
        ops.append(op)

    # the target's own terminal methods, denied in methods mode
    if sample is not None:
        for attr in sorted(TERMINAL_NAMES):
            fn = getattr(sample, attr, None)
            if callable(fn) and h.method_refusal(type_name, attr, h.ALLOW) is None:
                if attr in names:
                    for op in ops:
                        if op.name == attr:
                            op.terminal = True
                    continue
                low, high = h.arity(fn)
                if high >= 0:
                    op = h.AutoOp(attr, "method", low, min(high, 1), inner_factory)
                    op.terminal = True
                    names.add(attr)
                    ops.append(op)
        if hasattr(sample, "__next__"):
            add("next", lambda s, a: functools.partial(next, s.obj, None))
            add("next.drain", lambda s, a: functools.partial(drain, s.obj, 32))
        if hasattr(sample, "__dict__") and not isinstance(sample, type):
            own = [k for k in list(vars(sample))[:4] if isinstance(k, str)]
            attr_names = tuple(own) + ATTR_NAMES

            def bind_attr(action):
                def bind(s, argseed):
                    rng = h.OpRng(argseed)
                    name = attr_names[rng.randrange(len(attr_names))]
                    if action == "set":
                        return functools.partial(setattr, s.obj, name, h.gen_value(rng, 1))
                    if action == "del":
                        return functools.partial(delattr, s.obj, name)
                    return functools.partial(getattr, s.obj, name, None)
                return bind
            for action in ("set", "del", "get"):
                add(f"attr.{action}", bind_attr(action))

    def bind_cross(fn, nargs):
        def bind(s, argseed):
            rng = h.OpRng(argseed)
            first = s.target() if s.obj is not None and rng.random() < 0.6 else s.pick_locked(rng)
            args = [first] + [s.pick_locked(rng) if rng.random() < 0.7 else h.gen_value(rng, 1)
                              for _ in range(nargs - 1)]
            return functools.partial(fn, *args)
        return bind

    for name, fn, nargs in _cross_calls():
        add(name, bind_cross(fn, nargs))
    for name, fn, terminal in _pool_mutators():
        add(name, (lambda fn: lambda s, a: functools.partial(fn, s, h.OpRng(a)))(fn), terminal)
    for name, fn, low, high in module_functions(h, module, module_name, pool_factory):
        add(f"m.{name}", bind_module_call(h, fn, low, high))

    target.ops = ops
    target.by_name = {op.name: op for op in ops}
    target.factory = pool_factory
    target.mode = "pool"
    target.expected_all = h.AUTO_EXPECTED
    target.plain = [i for i, op in enumerate(ops) if not op.terminal]
    target.own = [i for i in target.plain
                  if isinstance(ops[i], h.AutoOp) or ops[i].name in own_names]
    # A plain iteration runs the target's own operations only, bound as in
    # methods mode: the pool's containers take locks, and a lock both
    # threads take orders their accesses (TSan sees no race on the target).
    target.own_plain = [i for i in target.own
                        if not (isinstance(ops[i], h.AutoOp) and ops[i].pool == "args")]
    target.terminal = [i for i, op in enumerate(ops) if op.terminal]
    target.own_terminal = [i for i in target.terminal if isinstance(ops[i], h.AutoOp)]
    target.weights = None  # guidance: None until an iteration showed something
    return target


def pool_args(h, rng, s, n, locked=False, rate=POOL_ARG_RATE, small=False):
    """n arguments: pool members (only those that lock themselves when
    locked) at rate, else the harness's plain values (small ints only when
    small: pow(2**63 - 1, 2**63 - 1) runs for ever)."""
    args = []
    for _ in range(n):
        if rng.random() < rate:
            args.append(s.pick_locked(rng) if locked else s.pick(rng))
        else:
            v = h.gen_value(rng, small=small)
            if small and isinstance(v, int) and not -9 < v < 9:
                v = 2
            args.append(s.target() if v is h.Same else None if v is h.Fresh else v)
    return args


def bind_module_call(h, fn, low, high):
    def bind(s, argseed):
        rng = h.OpRng(argseed)
        return functools.partial(
            s.keep_call, fn, *pool_args(h, rng, s, rng.randint(low, high), locked=True, small=True))
    return bind


def module_functions(h, module, module_name, pool_factory):
    """(name, fn, low, high) of the module's public functions a pool target
    calls: not classes, not what acts on the process; the arity that ran in
    trial calls on a sample pool (a function no trial call got past a
    TypeError is left out: its time would go to calls that never run)."""
    if module is None:
        return []
    import inspect
    public = getattr(module, "__all__", None)
    names = sorted(public) if isinstance(public, (list, tuple)) else sorted(
        n for n in vars(module) if not n.startswith("_"))
    found = []
    for name in names:
        fn = getattr(module, name, None)
        if not callable(fn) or isinstance(fn, type) or inspect.ismodule(fn):
            continue
        if h.function_refusal(module_name, name, False, h.ALLOW) is not None or \
                name in MODULE_FUNCTIONS_SKIPPED:
            continue
        low, high = h.arity(fn)
        if high < 0:
            continue
        high = max(high, low, 1)
        ran = None
        for n in range(low, high + 1):
            s = pool_factory()
            rng = h.OpRng(n)
            try:
                fn(*pool_args(h, rng, s, n, locked=True, small=True))
                ran = n
                break
            except TypeError:
                continue
            except Exception:
                ran = n
                break
        if ran is None:
            continue
        found.append((name, fn, ran, high))
        if len(found) == MAX_MODULE_FUNCTIONS:
            break
    return found


def pooled_iteration(rng):
    """Whether an iteration (rng: its own, iteration_rng(seed, iteration, -1))
    uses the pool, or is a plain one of the target's own operations."""
    return rng.random() < POOL_ITERATION_RATE


def draw(target, rng, k, nops, pooled=True):
    """The operation at position k of nops: terminal ones rarely, and only in
    the last quarter; with guidance, by weight; in a plain iteration, the
    target's own operations only."""
    terminal = target.terminal if pooled else target.own_terminal
    if terminal and 4 * k >= 3 * nops and rng.random() < TERMINAL_RATE:
        return target.ops[terminal[rng.randrange(len(terminal))]]
    if not pooled and target.own_plain:
        own = target.own_plain
        return target.ops[own[rng.randrange(len(own))]]
    plain = target.plain
    weights = target.weights
    if weights is None:
        # OWN_SHARE of the draws go to the target's own operations: they
        # would otherwise drown among the pool's and the other modules'.
        own = target.own if target.own and rng.random() < OWN_SHARE else plain
        return target.ops[own[rng.randrange(len(own))]]
    x = rng.random() * weights[-1]
    lo, hi = 0, len(weights) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if weights[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return target.ops[plain[lo]]


class Guide:
    """Guidance by findings and op-pair coverage for a pool target."""

    def __init__(self, target):
        self.target = target
        self.boost = {}     # op name -> weight
        self.pairs = {}     # (a, b) -> iterations they ran in different threads
        self.hits = {}      # (a, b) -> iterations of theirs that showed a finding

    def count(self, plans):
        names = [{op.name for op, _ in plan} for plan in plans]
        seen = set()
        for t in range(len(names)):
            for u in range(t + 1, len(names)):
                for a in names[t]:
                    for b in names[u]:
                        seen.add((a, b) if a <= b else (b, a))
        for key in seen:
            self.pairs[key] = self.pairs.get(key, 0) + 1
        return seen

    def found(self, plans, seen):
        """An iteration showed a finding: its pairs and operations weigh more."""
        for key in seen:
            self.hits[key] = self.hits.get(key, 0) + 1
        for plan in plans:
            for op, _ in plan:
                w = self.boost.get(op.name, 1.0)
                self.boost[op.name] = min(w * GUIDE_BOOST, GUIDE_CAP)
        # The target's own operations keep their share, as unguided.
        own = set(self.target.own)
        rest = len(self.target.plain) - len(own)
        share = OWN_SHARE * rest / ((1 - OWN_SHARE) * len(own)) if own and rest else 1.0
        total = 0.0
        weights = []
        for i in self.target.plain:
            total += self.boost.get(self.target.ops[i].name, 1.0) * (share if i in own else 1.0)
            weights.append(total)
        self.target.weights = weights

    def write(self, results):
        n = len(self.target.ops)
        results.line("pairs", len(self.pairs), n * (n + 1) // 2)
        for (a, b), count in sorted(self.hits.items(), key=lambda kv: -kv[1])[:20]:
            results.line("pairhit", a, b, self.pairs.get((a, b), 0), count)
        for (a, b), count in sorted(self.pairs.items(), key=lambda kv: -kv[1])[:3]:
            results.line("pairtop", a, b, count)
