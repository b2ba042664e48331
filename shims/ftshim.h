/* ftshim.h - libftshim.so, the library ftstress preloads into the interpreter under test.
 *
 * The shim defines a set of CPython C-API functions itself and forwards each call to the
 * real one (dlsym(RTLD_NEXT)). Because the free-threaded 3.13 interpreter is built without
 * -fno-semantic-interposition, calls made inside libpython reach the shim too, so every
 * `cnt += 1` (BINARY_OP -> PyNumber_InPlaceAdd, STORE_GLOBAL -> PyDict_SetItem) and every
 * refcount slow path (_Py_DecRefShared, _Py_MergeZeroLocalRefcount) passes through it.
 * At each such call the shim can
 *   - count the call per kind (always),
 *   - inject seeded schedule noise to widen read-modify-write windows (FTSTRESS_NOISE),
 *   - check the object header for refcount anomalies and report them with a native stack,
 *   - and, independently of the calls, report native crashes with a stack.
 * It never includes Python.h: the prototypes are declared in interpose.c, matching the
 * CPython 3.13/3.14 C-API exactly, so one build of the shim serves every runtime.
 *
 * Environment (read once, at the first intercepted call or the library constructor):
 *
 *   FTSTRESS_SEED=<uint64>         decimal or 0x-hex, default 0. Seeds the noise PRNGs.
 *   FTSTRESS_NOISE=off|low|high    default off. See "Noise levels" below.
 *   FTSTRESS_NOISE_KINDS=<list>    comma list of refcount,list,dict,set,number,object (or
 *                                  all); default all. Restricts which calls get noise.
 *   FTSTRESS_SHIM_STATS=<path>     write the event counters there at exit (see "Stats file").
 *   FTSTRESS_SHIM_ANOMALIES=<path> append refcount anomaly records there (see below); also
 *                                  turns on the dead-object tracking (double dealloc).
 *   FTSTRESS_SHIM_CRASH=<path>     install the crash handler; append crash records there.
 *   In the three paths "%p" is replaced by the process id, so that child processes that
 *   inherit LD_PRELOAD (subprocess, multiprocessing spawn) write their own files.
 *   An unparsable value is reported once on stderr ("ftshim: ...") and the default is used.
 *
 * Noise levels (decided per call by a per-thread splitmix64 PRNG seeded from FTSTRESS_SEED
 * and the thread's index; thread indices are handed out in order of each thread's first
 * intercepted call, so a thread's decision sequence is reproducible given its index):
 *   off   nothing; the cost is one load of a cached global and a not-taken branch.
 *   low   1/64 of the calls: sched_yield().
 *   high  1/1024 of the calls: nanosleep 1..20 us; otherwise 1/8 of the calls: half
 *         sched_yield(), half a busy spin of 1..256 pause iterations.
 *   Noise is applied before forwarding every kind, and again after forwarding
 *   PyNumber_InPlace* and PyDict_SetItem (between the arithmetic and the store of an
 *   augmented assignment, and between a store and the next load).
 *   Measured with tests/shim/bench_shim (stand-in libpython, one thread, 2 cores VM):
 *     direct call to the real function            ~1.3 ns/call
 *     through the shim, noise off                 ~2.9 ns/call  (+1.6 ns: resolve, count)
 *     through the shim, noise low                 ~5.5 ns/call  (mean, incl. yields)
 *     through the shim, noise high                ~90 ns/call   (mean, incl. yields/spins)
 *   (see the report of the bench run; figures vary with the machine).
 *
 * Stats file (FTSTRESS_SHIM_STATS): text, one "key=value" per line, no spaces, written to
 * "<path>.tmp" and renamed over <path>, so a reader sees either the previous or a complete
 * file. Written at exit (atexit handler and library destructor, whichever runs last wins),
 * from the crash handler before the process dies of a signal, and from the sanitizer death
 * callback (TSan halt_on_error). Keys, in this order:
 *   ftshim_stats=1              format version
 *   pid=<pid>
 *   exit=<why>                  atexit | destructor | signal:<N> | sanitizer_death | request
 *   seed=<uint64>  noise=off|low|high  threads=<number of thread indices handed out>
 *   then one uint64 counter per line:
 *     decref_shared merge_zero_local dealloc incref decref
 *     new_reference object_init object_malloc object_free gc_del
 *     list_append list_setitem list_insert list_getitem list_getitemref
 *     dict_setitem dict_delitem dict_getitem dict_getitemref dict_getitemwitherror
 *     set_add set_discard
 *     number_inplace (the sum of the next 13)
 *     number_inplace_add _subtract _multiply _matrixmultiply _floordivide _truedivide
 *       _remainder _power _lshift _rshift _and _xor _or
 *     object_setitem object_setattr
 *     noise_yields noise_spins noise_sleeps
 *     anomaly_negative_refcount anomaly_null_type anomaly_double_dealloc
 *     anomaly_decref_after_dealloc anomaly_records anomaly_records_dropped
 *
 * Anomaly records (FTSTRESS_SHIM_ANOMALIES), appended with one write(2) per record:
 *   anomaly <kind> object=0x<addr> type=<tp_name or ?> thread=<index>
 *     #0 <function>+0x<off> (<module path>+0x<off>)
 *     ...
 *   <blank line>
 * Kinds (free-threaded object layout: ob_tid, _padding, ob_mutex, ob_gc_bits, ob_ref_local,
 * ob_ref_shared at +16, ob_type at +24; tp_name at +40 of the type):
 *   negative_refcount      _Py_DecRefShared on a merged object whose shared count is <= 0,
 *                          or _Py_Dealloc on a merged object whose shared count is < 0.
 *   null_type              _Py_DecRefShared/_Py_MergeZeroLocalRefcount/_Py_Dealloc on an
 *                          object whose ob_type is NULL.
 *   double_dealloc         an object dies (_Py_Dealloc, or _Py_MergeZeroLocalRefcount with
 *                          a zero shared count) although it already died or its memory was
 *                          freed (PyObject_Free/PyObject_GC_Del), and nothing showed it
 *                          alive since (no _Py_NewReference/PyObject_Init/_PyObject_New/
 *                          PyObject_Malloc returning it, no intercepted call taking it).
 *   decref_after_dealloc   _Py_DecRefShared on such a dead object.
 *   The last two need FTSTRESS_SHIM_ANOMALIES (the dead-object table costs a hash probe
 *   per allocation); the first two are always counted, and written when the file is set.
 *   Objects whose finalizer ran (ob_gc_bits FINALIZED) may legitimately be resurrected by
 *   __del__ and die again, so they are not reported as double_dealloc after a mere dealloc.
 *   At most 256 records are written per process; later ones are only counted.
 *
 * Crash records (FTSTRESS_SHIM_CRASH), for SIGSEGV SIGBUS SIGFPE SIGILL SIGABRT:
 *   crash signal=<N> thread=<index>
 *     #0 ... (same frame lines, unwound from the signal context)
 *   <blank line>
 * then the previous handler is restored and the signal re-raised, so the process still dies
 * of it and TSan / faulthandler still print their reports. Frames are resolved with
 * /proc/self/maps in the handler (async-signal-safe), with dladdr() elsewhere.
 *
 * Frame lines: function+0xoff comes from libunwind's symbol lookup (ELF .symtab/.dynsym),
 * "??" when unknown. module+0xoff is the address relative to the module's load base, which
 * is what llvm-symbolizer/addr2line take ("--obj=<module> 0x<off>"); for a non-PIE
 * executable it is the absolute address. Except for frame #0 of a crash record, every pc is
 * a return address: subtract 1 before symbolizing to get the line of the call.
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

#ifdef __cplusplus
}
#endif

#endif
