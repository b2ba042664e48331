/* ftshim.h - libftshim.so, the library ftstress preloads into the interpreter under test.
 *
 * The shim defines a set of CPython C-API functions itself and forwards each call to the
 * real one (dlsym(RTLD_NEXT), resolved once per function at its first call). The
 * free-threaded 3.13 runtime is built without -fno-semantic-interposition, so calls made
 * inside libpython reach the shim too: every `cnt += 1` (BINARY_OP -> PyNumber_InPlaceAdd,
 * STORE_GLOBAL -> PyDict_SetItem) and every refcount slow path (_Py_DecRefShared,
 * _Py_MergeZeroLocalRefcount; clang inlines _Py_Dealloc into both, so that is where objects
 * die) passes through it. At each such call the shim
 *   - counts the call per kind (always),
 *   - injects seeded schedule noise to widen read-modify-write windows (FTSTRESS_NOISE),
 *   - checks the object header for refcount anomalies and reports them with a native stack,
 * and, independently of the calls, records native crashes with a stack.
 * It never includes Python.h: the prototypes are declared in interpose.c, matching the
 * CPython 3.13/3.14 C-API exactly, so one build of the shim serves every runtime.
 *
 * Interposed: _Py_DecRefShared _Py_MergeZeroLocalRefcount _Py_Dealloc Py_IncRef Py_DecRef
 *   PyList_{Append,SetItem,Insert,GetItem,GetItemRef}
 *   PyDict_{SetItem,DelItem,GetItem,GetItemRef,GetItemWithError} PySet_{Add,Discard}
 *   PyNumber_InPlace{Add,Subtract,Multiply,MatrixMultiply,FloorDivide,TrueDivide,Remainder,
 *   Power,Lshift,Rshift,And,Xor,Or} PyObject_SetItem PyObject_SetAttr
 *   and, for accounting and anomaly evidence only (never noise): _Py_NewReference
 *   _Py_NewReferenceNoTotal PyObject_Init PyObject_InitVar _PyObject_New _PyObject_NewVar
 *   PyObject_Malloc PyObject_Calloc PyObject_Realloc PyObject_Free PyObject_GC_Del;
 *   and, for the controlled scheduler only: PyEval_SaveThread PyEval_RestoreThread
 *   PyEval_ReleaseThread PyEval_AcquireThread.
 *
 * Processes without the C-API: the environment (and LD_PRELOAD) is inherited by every
 * child, including TSan's llvm-symbolizer. Where dlsym(RTLD_NEXT, "_Py_Dealloc") finds
 * nothing at startup the shim is inert: no stats file, no crash handler.
 *
 * Environment (read once, at the first intercepted call or the library constructor):
 *
 *   FTSTRESS_SEED=<uint64>         decimal or 0x-hex, default 0. Seeds the noise PRNGs.
 *   FTSTRESS_NOISE=off|low|high    default off. See "Noise levels" below.
 *   FTSTRESS_NOISE_KINDS=<list>    comma list of refcount,list,dict,set,number,object (or
 *                                  all); default all. Restricts which calls get noise:
 *                                  refcount = the five refcount functions, list/dict/set =
 *                                  PyList_*, PyDict_*, PySet_*, number = PyNumber_InPlace*,
 *                                  object = PyObject_SetItem/SetAttr.
 *   FTSTRESS_SHIM_STATS=<path>     write the event counters there at exit (see "Stats file").
 *   FTSTRESS_SHIM_ANOMALIES=<path> append refcount anomaly records there (see below); also
 *                                  turns on the dead-object tracking (double dealloc).
 *   FTSTRESS_SHIM_CRASH=<path>     install the crash handler; append crash records there.
 *   FTSTRESS_SHIM_CRASH_STOP=1     after writing its record, the crash handler stops the
 *                                  whole process (SIGSTOP) so that the runner, its parent,
 *                                  can take every thread's stack with ptrace; on SIGCONT
 *                                  the process goes on dying of its signal.
 *   In the three paths "%p" is replaced by the process id, so that child processes that
 *   inherit LD_PRELOAD (subprocess, multiprocessing) write their own files. A child made by
 *   fork() without exec counts from zero and writes stats only to a "%p" path (a plain path
 *   is the parent's); it appends anomaly/crash records to the same files.
 *   An unparsable value is reported once on stderr ("ftshim: ignoring NAME=...") and the
 *   default is used.
 *
 *   FTSTRESS_SCHEDULE=free|random|pct  default free (the noise above). random and pct put
 *                                  the threads a harness registers (ftshim_sched_enter)
 *                                  under a controlled schedule: only the thread holding the
 *                                  turn runs between switch points; the noise points of the
 *                                  FTSTRESS_NOISE_KINDS and the harness's line events are
 *                                  the switch points; FTSTRESS_NOISE is ignored. random: a
 *                                  uniformly random runnable member at every decision. pct:
 *                                  probabilistic concurrency testing, per round random
 *                                  priorities and depth-1 priority change points over the
 *                                  previous round's number of steps.
 *   FTSTRESS_SCHED_DEPTH=<d>       pct's depth, 1..16, default 2.
 *   FTSTRESS_SCHED_WATCHDOG_MS=<n> default 3000: a member waiting for the turn takes it
 *                                  when the owner passed no switch point for that long (a
 *                                  wait the scheduler cannot see); counted in
 *                                  sched_watchdog, and the run is no longer deterministic.
 *   FTSTRESS_SCHED_OUT=<path>      write the schedule there at exit ("%p" as above):
 *                                  key=value lines ftshim_schedule=1 strategy depth seed
 *                                  decisions hash watchdog truncated replay
 *                                  [replay_diverged_at replay_recorded] and seq=, the
 *                                  member chosen at each decision, run-length encoded as
 *                                  "T[*N],T[*N],...". hash is FNV-1a over every decision's
 *                                  (runnable set, choice).
 *   FTSTRESS_SCHED_REPLAY=<path>   follow the seq= of such a file: at each decision the
 *                                  recorded member if it is runnable; the first decision
 *                                  that cannot follow (or a count that differs) is
 *                                  replay_diverged_at (1-based) in the new schedule file.
 *
 * Noise levels. Each thread has a splitmix64 PRNG seeded from FTSTRESS_SEED and the thread's
 * index (indices are handed out in the order of each thread's first intercepted call, so a
 * thread's decision sequence is reproducible given the seed and its index); every noise
 * point draws once:
 *   off   nothing; the cost is one load of a cached global and a not-taken branch.
 *   low   1/64 of the points: sched_yield().
 *   high  1/1024 of the points: nanosleep 1..20 us; of the others 1/8: half sched_yield(),
 *         half a busy spin of 1..256 pause instructions.
 *   Every noise kind has a point before forwarding; PyNumber_InPlace* and PyDict_SetItem
 *   have a second one after (between the arithmetic of `x op= y` and its store; between a
 *   store and the next load of the same name).
 *   Cost, measured with tests/shim/bench_shim (stand-in libpython; 2-vCPU VM, best of 5
 *   rounds of 5M calls; mean ns per call, noise included):
 *                          direct   shim:off   shim:low   shim:high
 *     PyList_Append          1.8       3.4        9.4        ~200
 *     _Py_DecRefShared       2.1       3.4        9.6        ~190
 *     PyNumber_InPlaceAdd    1.7       3.5       17.1        ~390   (two noise points)
 *     PyDict_SetItem         2.1       3.5       16.1        ~400   (two noise points)
 *   i.e. ~1.5 ns per intercepted call with noise off (resolve pointer, per-thread count,
 *   header check / tracking flag, noise flag), also with two threads calling at once.
 *   Under the TSan runtime the interpreter itself costs far more per call.
 *
 * Stats file (FTSTRESS_SHIM_STATS): text, one "key=value" per line, no spaces, written to
 * "<path>.tmp" and renamed over <path>, so a reader sees either the previous or a complete
 * file. Written by every exit path that runs, the last write winning: the atexit handler
 * and the library destructor at a normal exit (exit=atexit or exit=destructor, whichever the
 * C library runs last), the crash handler before the process dies of a signal, and the
 * sanitizer death callback (TSan halt_on_error, which exits without atexit). os._exit()
 * and SIGKILL write nothing. Keys, in this order:
 *   ftshim_stats=1              format version
 *   pid=<pid>
 *   exit=<why>                  atexit | destructor | signal:<N> | sanitizer_death | request
 *   seed=<uint64>
 *   noise=off|low|high
 *   threads=<thread indices handed out: threads that made an intercepted call>
 *   then one uint64 counter per line:
 *     decref_shared merge_zero_local dealloc incref decref
 *     new_reference (+NoTotal) object_init (PyObject_Init[Var], _PyObject_New[Var])
 *     object_malloc (Malloc/Calloc/Realloc) object_free gc_del
 *     list_append list_setitem list_insert list_getitem list_getitemref
 *     dict_setitem dict_delitem dict_getitem dict_getitemref dict_getitemwitherror
 *     set_add set_discard
 *     number_inplace (the sum of the next 13)
 *     number_inplace_add _subtract _multiply _matrixmultiply _floordivide _truedivide
 *       _remainder _power _lshift _rshift _and _xor _or
 *     object_setitem object_setattr
 *     noise_yields noise_spins noise_sleeps
 *     sched_points sched_decisions sched_switches sched_rounds sched_watchdog sched_diverged
 *     anomaly_negative_refcount anomaly_null_type anomaly_double_dealloc
 *     anomaly_decref_after_dealloc anomaly_records anomaly_records_dropped
 *   Counters are per thread (no shared cache line is written on the hot path) and summed
 *   when written.
 *
 * Anomaly records (FTSTRESS_SHIM_ANOMALIES), appended with one write(2) per record:
 *   anomaly <kind> object=0x<addr> type=<tp_name or ?> thread=<index>
 *     #0 <function>+0x<off> (<module path>+0x<off>)
 *     ...
 *   <blank line>
 * Frame #0 is the interposed function in libftshim.so (it names the C-API call), #1 its
 * caller. Kinds (free-threaded object layout: ob_tid, _padding, ob_mutex, ob_gc_bits,
 * ob_ref_local at +12, ob_ref_shared at +16, ob_type at +24; tp_name at +40 of the type):
 *   negative_refcount      _Py_DecRefShared on a merged object whose shared count is <= 0
 *                          (decrementing a zero refcount), or _Py_Dealloc on a merged
 *                          object whose shared count is < 0.
 *   null_type              _Py_DecRefShared/_Py_MergeZeroLocalRefcount/_Py_Dealloc on an
 *                          object whose ob_type is NULL.
 *   double_dealloc         an object dies (_Py_Dealloc, or _Py_MergeZeroLocalRefcount with
 *                          a zero shared count) although it already died or its memory was
 *                          freed (PyObject_Free/PyObject_GC_Del), and nothing showed it
 *                          alive since: no _Py_NewReference/PyObject_Init/_PyObject_New/
 *                          PyObject_Malloc/Calloc/Realloc producing it, no intercepted call
 *                          taking or returning it (Py_DecRef is not evidence).
 *   decref_after_dealloc   _Py_DecRefShared on such a dead object: the typical result of a
 *                          borrowed reference used after another thread dropped the last
 *                          strong one.
 *   The last two need FTSTRESS_SHIM_ANOMALIES (the dead-object table, 64K direct-mapped
 *   entries, costs a probe per allocation and free); the first two are always counted, and
 *   written when the file is set. Deaths are only recorded where they are certain (a
 *   _Py_DecRefShared that will probably reach zero may lose to a lock-free reader's
 *   _Py_TryIncref); a table collision forgets an entry, never invents one. Objects whose
 *   finalizer ran (ob_gc_bits FINALIZED) may be resurrected by __del__ and die again, so a
 *   recorded death without a free is not reported for them. Known blind spot: a non-GC
 *   object whose __del__ resurrects it (a class with __slots__ = () and __del__) would be
 *   reported on its second death. At most 256 records are written per process; later
 *   ones are counted in anomaly_records_dropped.
 *
 * Crash records (FTSTRESS_SHIM_CRASH), for SIGSEGV SIGBUS SIGFPE SIGILL SIGABRT:
 *   crash signal=<N> thread=<index>
 *     #0 ... (same frame lines, unwound from the signal context: #0 is the faulting pc)
 *   <blank line>
 * The header is written first and the stats file next, then the frames (so a fault while
 * unwinding a smashed stack still leaves the header). Then the previous handler is restored
 * and the signal re-raised (a fault re-executes; a sent signal is sent again), so the
 * process ends as it would have: by the signal, or through TSan's deadly-signal handler
 * (which exits 66 after its report); a handler installed later (Python's faulthandler)
 * runs first and chains back to the shim. Handler frames are async-signal-safe: libunwind
 * from the ucontext, modules from /proc/self/maps, names from the module's ELF .symtab or
 * .dynsym (elfsym.c; libunwind's unw_get_proc_name mallocs). With the handler installed,
 * each thread that makes an intercepted call gets a 64 KiB alternate signal stack if it has
 * none (so a stack overflow is recorded too); it is unmapped when the thread exits.
 *
 * Frame lines: function+0xoff is "??" when no symbol contains the address (static function
 * of a stripped library). module+0xoff is the address relative to the module's load bias,
 * what llvm-symbolizer/addr2line take ("--obj=<module> 0x<off>"); for a non-PIE executable
 * it is the absolute address. The module is the path as loaded (may contain "/../"). Except
 * for frame #0 of a crash record, every pc is a return address: subtract 1 before
 * symbolizing to get the line of the call.
 *
 * Thread indices in records are the shim's (0 = first thread that made an intercepted call,
 * usually the main thread), not OS thread ids.
 */
#ifndef FTSHIM_H
#define FTSHIM_H

#include <stdint.h>

#define FTSHIM_API __attribute__((visibility("default")))

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Small internal API exported for tests and benchmarks. Not used by ftstress. ---- */

/* Noise levels and the actions noise_decide() picks. */
enum ftshim_noise_level { FTSHIM_NOISE_OFF = 0, FTSHIM_NOISE_LOW = 1, FTSHIM_NOISE_HIGH = 2 };
enum ftshim_noise_action {
    FTSHIM_ACT_NONE = 0,
    FTSHIM_ACT_YIELD = 1, /* sched_yield() */
    FTSHIM_ACT_SPIN = 2,  /* *amount pause iterations, 1..256 */
    FTSHIM_ACT_SLEEP = 3, /* nanosleep *amount ns, 1000..20000 */
};

/* The initial PRNG state of the thread with the given index under a run seed. */
FTSHIM_API uint64_t ftshim_noise_thread_seed(uint64_t seed, uint64_t thread_index);
/* One noise decision: advances *state, returns an ftshim_noise_action, sets *amount. */
FTSHIM_API int ftshim_noise_decide(uint64_t *state, int level, uint32_t *amount);
/* Current value of a counter (summed over threads), by its stats-file key; UINT64_MAX if
 * the key is unknown. "number_inplace" is the sum of the number_inplace_* counters. */
FTSHIM_API uint64_t ftshim_counter(const char *key);
/* Writes the stats file now to path (NULL: FTSTRESS_SHIM_STATS); exit=request. Returns 0
 * on success, -1 (errno set) on failure or when no path is configured. */
FTSHIM_API int ftshim_stats_write(const char *path);
/* The configured noise level (after parsing FTSTRESS_NOISE). */
FTSHIM_API int ftshim_noise_level(void);

/* ---- Controlled schedules: called by the harnesses (ctypes.PyDLL, so the thread stays
 * attached), and by the tests. Each does nothing under FTSTRESS_SCHEDULE=free. ---- */

/* The calling thread joins the scheduler as member tid (0..63) of an epoch of threads
 * members, and waits at the gate: the first round starts when all have entered. */
FTSHIM_API void ftshim_sched_enter(int tid, int threads);
/* The member waits until every member present is at the gate, then a new round starts
 * (PCT draws new priorities and change points). One round = one state of the harness. */
FTSHIM_API void ftshim_sched_gate(void);
/* The member leaves; the epoch ends when every member left. */
FTSHIM_API void ftshim_sched_leave(void);
/* A line event of the code under test (sys.monitoring LINE): a switch point; code and
 * line label the trace. */
FTSHIM_API void ftshim_sched_line(const void *code, int line);
/* The strategy in force: 0 free, 1 random, 2 pct. */
FTSHIM_API int ftshim_sched_strategy(void);
/* Writes the steps of round (0 = the epoch's first) of the current or last epoch to path,
 * one per line: "tid<TAB>line<TAB>0xcode<TAB>op<TAB>preempt|-". Returns 0 or -1. */
FTSHIM_API int ftshim_sched_trace(int round, const char *path);

#ifdef __cplusplus
}
#endif

#endif
