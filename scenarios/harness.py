"""ftstress scenario harness: runs inside the interpreter under test.

The ftstress runner starts one interpreter per run with this file. It loads one
scenario file, runs its actors in threads that start together (a barrier per
stride of fresh states), asks the arbiter for each state's outcome, and writes
the histogram to the results file. Nothing here decides what is a finding; the
runner classifies. The results file format is documented in scenarios/README.md.
"""

import argparse
import faulthandler
import importlib.util
import os
import random
import sys
import threading
import time
import traceback

RESULTS_FORMAT = "ftstress-results 1"
SNAPSHOT_SECONDS = 0.5
CLASSES = ("expected", "acceptable", "interesting", "forbidden")
EXIT_SCENARIO_ERROR = 3


class ScenarioError(Exception):
    """A scenario file the harness cannot run; the message names file and line."""


class Context:
    """What an actor gets besides the state: its thread index and a seeded RNG."""

    __slots__ = ("tid", "rng", "threads")

    def __init__(self, tid, rng, threads):
        self.tid = tid
        self.rng = rng
        self.threads = threads


class Results:
    """The results file: appended and flushed as results arrive, so a crash or a
    kill of this process loses at most the last snapshot period."""

    def __init__(self, path):
        self.file = open(path, "a", encoding="utf-8")

    def line(self, *fields):
        text = "\t".join(str(f).replace("\t", " ").replace("\n", " ") for f in fields)
        self.file.write(text + "\n")
        self.file.flush()


def start_gate(arrived, threads, failures):
    """A start gate for one state (START_GATE = True in a scenario): each actor
    waits here until every actor has arrived, then all begin at once.

    The stride's barrier only aligns the start of a stride, and a thread the
    barrier wakes starts late; a window of one C call is only hit when the
    actors really run side by side, which this spin gives every state. A
    thread whose actor raised leaves its stride and never arrives: the gate
    opens once any actor has failed (failures), and after 1 s in any case."""
    arrived.append(None)  # list.append is atomic, with or without the GIL
    deadline = time.monotonic() + 1.0
    while len(arrived) < threads and not failures and time.monotonic() < deadline:
        time.sleep(0)


def where(exc):
    """file:line of the innermost traceback frame inside the scenario file."""
    tb = traceback.extract_tb(exc.__traceback__)
    for frame in reversed(tb):
        if not frame.filename.endswith("harness.py"):
            return f"{frame.filename}:{frame.lineno}"
    if isinstance(exc, SyntaxError):
        return f"{exc.filename}:{exc.lineno}"
    return "?"


def load_scenario(path):
    if not os.path.isfile(path):
        raise ScenarioError(f"{path}: no such scenario file")
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(f"ftstress_scenario_{name}", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise ScenarioError(f"{exc.filename}:{exc.lineno}: does not import: {exc.msg}") from None
    except Exception as exc:
        raise ScenarioError(f"{where(exc)}: does not import: {type(exc).__name__}: {exc}") from None

    actors = getattr(module, "ACTORS", None)
    actor = getattr(module, "actor", None)
    if actors is None and actor is None:
        raise ScenarioError(f"{path}:1: declares no actors (define actor(state, ctx) or ACTORS = [...])")
    if actors is not None and (not isinstance(actors, (list, tuple)) or not actors
                               or not all(callable(a) for a in actors)):
        raise ScenarioError(f"{path}:1: ACTORS must be a non-empty list of functions")
    for required in ("state", "arbiter"):
        if not callable(getattr(module, required, None)):
            raise ScenarioError(f"{path}:1: declares no {required}() function")
    outcomes = getattr(module, "OUTCOMES", {})
    for result, declared in outcomes.items():
        if (not isinstance(declared, tuple) or len(declared) != 2
                or declared[0] not in CLASSES):
            raise ScenarioError(
                f"{path}:1: OUTCOMES[{result!r}] must be (class, description) with class one of "
                + ", ".join(CLASSES))
    return module


def controlled_schedule(module, path):
    """The shim's scheduler under --schedule random|pct, else None. Its gate replaces
    the start gate, and the collector is off while actors run: a collection stops the
    world, which a thread waiting for its turn would hold up."""
    if os.environ.get("FTSTRESS_SCHEDULE", "free") in ("", "free"):
        return None
    import gc
    import schedule_control
    sched = schedule_control.Controller()
    sched.instrument(module, path)
    gc.disable()
    return sched


def run(args):
    results = Results(args.results)
    try:
        module = load_scenario(args.scenario)
    except ScenarioError as exc:
        results.line("error", "scenario", str(exc))
        print(f"ftstress harness: {exc}", file=sys.stderr)
        return EXIT_SCENARIO_ERROR

    actors = list(getattr(module, "ACTORS", None) or [])
    threads = len(actors) if actors else args.threads
    if not actors:
        actors = [module.actor] * threads
    # Scenarios read the thread count from here (e.g. to compute an expected total).
    module.THREADS = threads
    stride = max(1, min(args.stride, args.iterations))
    outcomes = getattr(module, "OUTCOMES", {})
    counts_fn = getattr(module, "counts", None)
    gated = bool(getattr(module, "START_GATE", False))
    sched = controlled_schedule(module, args.scenario)

    results.line("scenario", os.path.splitext(os.path.basename(args.scenario))[0],
                 (module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else "")
    results.line("param", "threads", threads)
    results.line("param", "seed", args.seed)
    results.line("param", "iterations", args.iterations)
    results.line("param", "stride", stride)
    results.line("param", "gil", int(getattr(sys, "_is_gil_enabled", lambda: True)()))
    for result, (cls, desc) in outcomes.items():
        results.line("declare", cls, result, desc)

    histogram = {}
    totals = {"expected": 0, "observed": 0, "lossy": 0}
    started = time.monotonic()
    deadline = started + args.time_budget if args.time_budget > 0 else None
    first_failure = None
    last_snapshot = started
    done = 0
    error = None

    def snapshot(final):
        results.line("snapshot", done, f"{time.monotonic() - started:.6f}")
        for result, n in histogram.items():
            results.line("outcome", n, result)
        if counts_fn is not None:
            results.line("counts", totals["expected"], totals["observed"], totals["lossy"])
        if first_failure is not None:
            results.line("first_failure", f"{first_failure[0]:.6f}", first_failure[1])
        results.line("end", "final" if final else "partial")

    states = []
    gates = []  # with START_GATE, one list per state: the actors that arrived
    barrier = threading.Barrier(threads)
    stop = [False]
    failures = []
    stride_no = [0]

    def walk(tid, act, ctx):
        """One actor's pass over the stride's states. Under a controlled schedule the
        shim's gate starts every state in all actors together, one thread at a time."""
        try:
            if sched is not None:
                sched.enter(tid, threads)
            for i, s in enumerate(states):
                if sched is not None:
                    if i:
                        sched.gate()
                elif gated:
                    start_gate(gates[i], threads, failures)
                act(s, ctx)
        except BaseException as exc:  # the actor's exception is a result, not a harness bug
            failures.append((tid, exc))
        finally:
            if sched is not None:
                sched.leave()

    def worker(tid):
        rng = random.Random(f"{args.seed}:{tid}")
        ctx = Context(tid, rng, threads)
        act = actors[tid]
        while True:
            barrier.wait()  # states are ready
            if stop[0]:
                return
            walk(tid, act, ctx)
            barrier.wait()  # this stride is done

    pool = [threading.Thread(target=worker, args=(t,), name=f"actor-{t}", daemon=True)
            for t in range(threads - 1)]
    for t in pool:
        t.start()
    main_tid = threads - 1
    main_rng = random.Random(f"{args.seed}:{main_tid}")
    main_ctx = Context(main_tid, main_rng, threads)
    try:
        while done < args.iterations and (deadline is None or time.monotonic() < deadline):
            n = min(stride, args.iterations - done)
            states[:] = [module.state() for _ in range(n)]
            gates[:] = [[] for _ in range(n)] if gated else []
            barrier.wait()
            walk(main_tid, actors[main_tid], main_ctx)
            barrier.wait()
            stride_no[0] += 1
            if failures:
                tid, exc = failures[0]
                results.line("actor_exception", tid, where(exc), f"{type(exc).__name__}: {exc}")
                histogram_key = f"exception {type(exc).__name__}"
                histogram[histogram_key] = histogram.get(histogram_key, 0) + len(failures)
                failures.clear()
            state_no = 0
            for s in states:
                try:
                    result = str(module.arbiter(s))
                    if counts_fn is not None:
                        exp, obs = counts_fn(s, threads)
                        totals["expected"] += exp
                        totals["observed"] += obs
                        totals["lossy"] += exp != obs
                except Exception as exc:
                    raise ScenarioError(f"{where(exc)}: arbiter raised {type(exc).__name__}: {exc}") from None
                histogram[result] = histogram.get(result, 0) + 1
                cls = outcomes.get(result, ("unexpected",))[0]
                if first_failure is None and cls not in ("expected", "acceptable"):
                    first_failure = (time.monotonic() - started, done)
                    if sched is not None:
                        sched.write_interleaving(
                            state_no,
                            os.path.join(os.path.dirname(os.path.abspath(args.results)),
                                         "interleaving"))
                state_no += 1
                done += 1
            if time.monotonic() - last_snapshot >= SNAPSHOT_SECONDS:
                snapshot(False)
                last_snapshot = time.monotonic()
    except ScenarioError as exc:
        error = exc
    finally:
        stop[0] = True
        try:
            barrier.wait(timeout=10)
        except threading.BrokenBarrierError:
            pass
    if error is not None:
        results.line("error", "scenario", str(error))
        print(f"ftstress harness: {error}", file=sys.stderr)
        return EXIT_SCENARIO_ERROR
    snapshot(True)
    return 0


def main():
    parser = argparse.ArgumentParser(description="ftstress scenario harness (run by ftstress)")
    parser.add_argument("--scenario", required=True)
    parser.add_argument("--results", required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--stride", type=int, default=64)
    parser.add_argument("--time-budget", type=float, default=0.0)
    args = parser.parse_args()
    # Python stacks of every thread on a crash, and on a hang when the runner
    # sends SIGABRT/SIGUSR1 through its watchdog.
    faulthandler.enable(all_threads=True)
    if hasattr(faulthandler, "register"):
        import signal
        faulthandler.register(signal.SIGUSR1, all_threads=True)
    random.seed(args.seed)
    sys.exit(run(args))


if __name__ == "__main__":
    main()
