/* shim_internal.h - declarations shared by the files of libftshim.so (not installed).
 * Everything here has hidden visibility (the library is built with -fvisibility=hidden);
 * only the interposed C-API symbols and the ftshim_* API of ftshim.h are exported. */
#ifndef FTSHIM_INTERNAL_H
#define FTSHIM_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ftshim.h"

#define SHIM_LIKELY(x) __builtin_expect(!!(x), 1)
#define SHIM_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* ---- shim_config.c: the environment, parsed once ---- */

enum noise_kind { NK_REFCOUNT, NK_LIST, NK_DICT, NK_SET, NK_NUMBER, NK_OBJECT, NK_COUNT };

#define SHIM_PATH_MAX 4096

struct shim_config {
    uint64_t seed;
    int noise_level;                    /* enum ftshim_noise_level */
    unsigned noise_kinds;               /* bit per enum noise_kind */
    char stats_path[SHIM_PATH_MAX];     /* "" when unset */
    char anomalies_path[SHIM_PATH_MAX]; /* "" when unset */
    char crash_path[SHIM_PATH_MAX];     /* "" when unset */
    int crash_stop;                     /* FTSTRESS_SHIM_CRASH_STOP=1: stop for the runner */
};

extern struct shim_config shim_cfg;
/* Per noise kind: the level in force (0 = off). Written once by config_load() before the
 * first noise decision; the hot path reads one byte of it. */
extern _Atomic uint8_t shim_noise_by_kind[NK_COUNT];

/* Parses the environment exactly once (thread-safe; later calls return at once). */
void config_ensure_loaded(void);
/* In a fork()ed child: re-expands the "%p" paths with the new pid and forgets a stats path
 * without "%p" (it is the parent's). */
void config_after_fork(void);
/* Parsers, exposed for the config code's own consumers. Return 0 on success. */
int config_parse_u64(const char *s, uint64_t *out);
int config_parse_level(const char *s, int *out);
int config_parse_kinds(const char *s, unsigned *out);
const char *config_level_name(int level);

/* ---- thread.c: per-thread state ---- */

struct counter_slot;

struct shim_thread {
    bool ready;
    uint32_t index;            /* order of the thread's first intercepted call */
    uint64_t prng;             /* noise PRNG state */
    struct counter_slot *slot; /* NULL: shares the atomic overflow slot */
    void *altstack;            /* our sigaltstack mapping, if we installed one */
    void *dying;               /* object whose dealloc this thread is forwarding */
    int sched_member;          /* 1 + the thread's index under the scheduler, 0: runs free */
    int sched_line;            /* the last line event it forwarded (schedule.c: trace) */
    const void *sched_code;    /* and that line's code object */
};

extern __thread struct shim_thread shim_tls __attribute__((tls_model("initial-exec")));

void thread_init_slow(void);
/* The calling thread's state, set up at its first intercepted call. */
static inline struct shim_thread *thread_self(void) {
    struct shim_thread *t = &shim_tls;
    if (SHIM_UNLIKELY(!t->ready)) {
        thread_init_slow();
    }
    return t;
}
/* Index for a record written from a signal handler: never allocates or locks. */
uint32_t thread_index_signal_safe(void);
/* How many thread indices were handed out. */
uint32_t thread_count(void);
/* Gives the calling thread an alternate signal stack if it has none (crash handler). */
void thread_ensure_altstack(struct shim_thread *t);

/* ---- counters.c: per-kind event counters and the stats file ---- */

#define SHIM_COUNTERS(X)                                                                           \
    X(DECREF_SHARED, "decref_shared")                                                              \
    X(MERGE_ZERO_LOCAL, "merge_zero_local")                                                        \
    X(DEALLOC, "dealloc")                                                                          \
    X(INCREF, "incref")                                                                            \
    X(DECREF, "decref")                                                                            \
    X(NEW_REFERENCE, "new_reference")                                                              \
    X(OBJECT_INIT, "object_init")                                                                  \
    X(OBJECT_MALLOC, "object_malloc")                                                              \
    X(OBJECT_FREE, "object_free")                                                                  \
    X(GC_DEL, "gc_del")                                                                            \
    X(LIST_APPEND, "list_append")                                                                  \
    X(LIST_SETITEM, "list_setitem")                                                                \
    X(LIST_INSERT, "list_insert")                                                                  \
    X(LIST_GETITEM, "list_getitem")                                                                \
    X(LIST_GETITEMREF, "list_getitemref")                                                          \
    X(DICT_SETITEM, "dict_setitem")                                                                \
    X(DICT_DELITEM, "dict_delitem")                                                                \
    X(DICT_GETITEM, "dict_getitem")                                                                \
    X(DICT_GETITEMREF, "dict_getitemref")                                                          \
    X(DICT_GETITEMWITHERROR, "dict_getitemwitherror")                                              \
    X(SET_ADD, "set_add")                                                                          \
    X(SET_DISCARD, "set_discard")                                                                  \
    X(NUMBER_INPLACE_ADD, "number_inplace_add")                                                    \
    X(NUMBER_INPLACE_SUBTRACT, "number_inplace_subtract")                                          \
    X(NUMBER_INPLACE_MULTIPLY, "number_inplace_multiply")                                          \
    X(NUMBER_INPLACE_MATRIXMULTIPLY, "number_inplace_matrixmultiply")                              \
    X(NUMBER_INPLACE_FLOORDIVIDE, "number_inplace_floordivide")                                    \
    X(NUMBER_INPLACE_TRUEDIVIDE, "number_inplace_truedivide")                                      \
    X(NUMBER_INPLACE_REMAINDER, "number_inplace_remainder")                                        \
    X(NUMBER_INPLACE_POWER, "number_inplace_power")                                                \
    X(NUMBER_INPLACE_LSHIFT, "number_inplace_lshift")                                              \
    X(NUMBER_INPLACE_RSHIFT, "number_inplace_rshift")                                              \
    X(NUMBER_INPLACE_AND, "number_inplace_and")                                                    \
    X(NUMBER_INPLACE_XOR, "number_inplace_xor")                                                    \
    X(NUMBER_INPLACE_OR, "number_inplace_or")                                                      \
    X(OBJECT_SETITEM, "object_setitem")                                                            \
    X(OBJECT_SETATTR, "object_setattr")                                                            \
    X(NOISE_YIELDS, "noise_yields")                                                                \
    X(NOISE_SPINS, "noise_spins")                                                                  \
    X(NOISE_SLEEPS, "noise_sleeps")                                                                \
    X(SCHED_POINTS, "sched_points")                                                                \
    X(SCHED_DECISIONS, "sched_decisions")                                                          \
    X(SCHED_SWITCHES, "sched_switches")                                                            \
    X(SCHED_ROUNDS, "sched_rounds")                                                                \
    X(SCHED_WATCHDOG, "sched_watchdog")                                                            \
    X(SCHED_DIVERGED, "sched_diverged")                                                            \
    X(ANOMALY_NEGATIVE_REFCOUNT, "anomaly_negative_refcount")                                      \
    X(ANOMALY_NULL_TYPE, "anomaly_null_type")                                                      \
    X(ANOMALY_DOUBLE_DEALLOC, "anomaly_double_dealloc")                                            \
    X(ANOMALY_DECREF_AFTER_DEALLOC, "anomaly_decref_after_dealloc")                                \
    X(ANOMALY_RECORDS, "anomaly_records")                                                          \
    X(ANOMALY_RECORDS_DROPPED, "anomaly_records_dropped")

enum counter_id {
#define SHIM_COUNTER_ENUM(id, key) C_##id,
    SHIM_COUNTERS(SHIM_COUNTER_ENUM)
#undef SHIM_COUNTER_ENUM
        C_COUNT
};

/* One thread's counters, on their own cache lines so threads never share a line. */
struct counter_slot {
    _Atomic uint64_t c[C_COUNT];
} __attribute__((aligned(64)));

#define COUNTER_SLOTS 1024 /* threads beyond this share one atomic slot */

extern struct counter_slot counters_slots[COUNTER_SLOTS];
extern struct counter_slot counters_overflow;

/* Counts one event of the calling thread. The owning thread is the only writer of its slot,
 * so a relaxed load+store suffices (no locked instruction); readers at exit see a value at
 * most a few events old. */
static inline void counters_bump_in(struct shim_thread *t, enum counter_id id) {
    struct counter_slot *s = t->slot;
    if (SHIM_LIKELY(s != NULL)) {
        uint64_t v = atomic_load_explicit(&s->c[id], memory_order_relaxed);
        atomic_store_explicit(&s->c[id], v + 1, memory_order_relaxed);
    } else {
        atomic_fetch_add_explicit(&counters_overflow.c[id], 1, memory_order_relaxed);
    }
}
static inline void counters_bump(enum counter_id id) {
    counters_bump_in(thread_self(), id);
}

uint64_t counters_total(enum counter_id id);
/* Zeroes every counter (a fork()ed child, which has only the forking thread). */
void counters_reset(void);
/* Writes the stats file to path, tagged exit=<reason>. Async-signal-safe (fixed buffer,
 * open/write/rename only). Returns 0 or -1. */
int counters_write_stats(const char *path, const char *reason);
/* Writes to the configured path if there is one (exit paths). */
void counters_write_configured(const char *reason);

/* ---- noise.c: seeded schedule noise ---- */

uint64_t noise_thread_seed(uint64_t seed, uint64_t thread_index);
int noise_decide(uint64_t *state, int level, uint32_t *amount);
void noise_apply_slow(struct shim_thread *t, int level);

/* Under a controlled schedule (schedule.c) the noise points of the selected kinds are switch
 * points instead: their level byte is NOISE_SCHED. */
#define NOISE_SCHED 0x80
void sched_point(struct shim_thread *t, const char *op);

/* The noise point of an intercepted call: one byte load and a predictable branch when off.
 * op names the call for the scheduler's trace (the wrapper's __func__). */
static inline void noise_point_at(struct shim_thread *t, enum noise_kind k, const char *op) {
    uint8_t level = atomic_load_explicit(&shim_noise_by_kind[k], memory_order_relaxed);
    if (SHIM_UNLIKELY(level != 0)) {
        if (level == NOISE_SCHED) {
            sched_point(t, op);
        } else {
            noise_apply_slow(t, level);
        }
    }
}
#define noise_point(t, k) noise_point_at((t), (k), __func__)

/* ---- anomaly.c: refcount anomaly detection ---- */

/* struct _object of the free-threaded build (Include/object.h, 3.13 and 3.14). */
struct ft_object_head {
    uintptr_t ob_tid;
    uint16_t padding;
    uint8_t ob_mutex;
    uint8_t ob_gc_bits;
    uint32_t ob_ref_local;
    ssize_t ob_ref_shared;
    void *ob_type;
};
_Static_assert(offsetof(struct ft_object_head, ob_ref_local) == 12, "ob_ref_local at +12");
_Static_assert(offsetof(struct ft_object_head, ob_ref_shared) == 16, "ob_ref_shared at +16");
_Static_assert(offsetof(struct ft_object_head, ob_type) == 24, "ob_type at +24");

#define FT_REF_SHARED_SHIFT 2
#define FT_REF_SHARED_FLAG_MASK 0x3
#define FT_REF_MERGED 0x3

static inline ssize_t ft_head_shared(const struct ft_object_head *h) {
    return __atomic_load_n(&h->ob_ref_shared, __ATOMIC_RELAXED);
}
static inline void *ft_head_type(const struct ft_object_head *h) {
    return __atomic_load_n(&h->ob_type, __ATOMIC_RELAXED);
}
/* Merged: the owner's local count is folded in, so the shared count is the whole refcount. */
static inline bool ft_merged_at_most(ssize_t shared, ssize_t limit) {
    return (shared & FT_REF_SHARED_FLAG_MASK) == FT_REF_MERGED &&
           (shared >> FT_REF_SHARED_SHIFT) <= limit;
}

/* True when FTSTRESS_SHIM_ANOMALIES is set: dead-object tracking on. */
extern _Atomic bool anomaly_tracking;

static inline bool anomaly_tracking_on(void) {
    return SHIM_UNLIKELY(atomic_load_explicit(&anomaly_tracking, memory_order_relaxed));
}

void anomaly_decref_shared_slow(struct shim_thread *t, void *op);
void anomaly_merge_zero_slow(struct shim_thread *t, void *op);
void anomaly_dealloc_slow(struct shim_thread *t, void *op);
/* After the real _Py_Dealloc/_Py_MergeZeroLocalRefcount returned: forget the death of op if
 * the object came back to life meanwhile (a finalizer resurrected it). */
void anomaly_after_death_slow(void *op);
static inline void anomaly_after_death(void *op) {
    if (anomaly_tracking_on()) {
        anomaly_after_death_slow(op);
    }
}
/* The memory at p is about to be freed (PyObject_Free, PyObject_GC_Del). */
void anomaly_note_freed_slow(void *p);
/* p was seen alive (allocated, initialised, or passed to an intercepted call). */
void anomaly_note_alive_slow(const void *p);

/* The checks of the refcount slow paths, before forwarding. The common case (a typed object,
 * no impossible count, tracking off) costs two loads and a compare, inline. */
static inline void anomaly_check_decref_shared(struct shim_thread *t, void *op) {
    const struct ft_object_head *h = op;
    if (SHIM_UNLIKELY(ft_head_type(h) == NULL || ft_merged_at_most(ft_head_shared(h), 0)) ||
        anomaly_tracking_on()) {
        anomaly_decref_shared_slow(t, op);
    }
}
static inline void anomaly_check_merge_zero(struct shim_thread *t, void *op) {
    if (SHIM_UNLIKELY(ft_head_type(op) == NULL) || anomaly_tracking_on()) {
        anomaly_merge_zero_slow(t, op);
    }
}
static inline void anomaly_check_dealloc(struct shim_thread *t, void *op) {
    const struct ft_object_head *h = op;
    if (SHIM_UNLIKELY(ft_head_type(h) == NULL || ft_merged_at_most(ft_head_shared(h), -1)) ||
        anomaly_tracking_on()) {
        anomaly_dealloc_slow(t, op);
    }
}

static inline void anomaly_note_alive(const void *p) {
    if (anomaly_tracking_on()) {
        anomaly_note_alive_slow(p);
    }
}
static inline void anomaly_note_alive2(const void *a, const void *b) {
    if (anomaly_tracking_on()) {
        anomaly_note_alive_slow(a);
        anomaly_note_alive_slow(b);
    }
}
static inline void anomaly_note_alive3(const void *a, const void *b, const void *c) {
    if (anomaly_tracking_on()) {
        anomaly_note_alive_slow(a);
        anomaly_note_alive_slow(b);
        anomaly_note_alive_slow(c);
    }
}
static inline void anomaly_note_freed(void *p) {
    if (anomaly_tracking_on()) {
        anomaly_note_freed_slow(p);
    }
}

/* ---- fmt.c: async-signal-safe formatting into fixed buffers ---- */

struct fmt_buf {
    char *p;
    size_t len, cap; /* output is truncated at cap; len never exceeds it */
};

void fmt_init(struct fmt_buf *b, char *storage, size_t cap);
void fmt_str(struct fmt_buf *b, const char *s);
void fmt_mem(struct fmt_buf *b, const char *s, size_t n);
void fmt_char(struct fmt_buf *b, char c);
void fmt_u64(struct fmt_buf *b, uint64_t v);
void fmt_hex(struct fmt_buf *b, uint64_t v); /* "0x..." lower case */
/* write(2) all of buf to fd, retrying on EINTR and short writes. Returns 0 or -1. */
int fmt_write_all(int fd, const char *buf, size_t len);
/* Copies path replacing "%p" by pid (into out, cap bytes). Returns 0, or -1 if too long. */
int fmt_expand_path(char *out, size_t cap, const char *path, pid_t pid);

/* ---- unwind.c: native stacks with libunwind ---- */

/* Appends "  #N func+0xoff (module+0xoff)\n" lines for the current thread's stack, starting
 * at the first frame outside the shim's internals (an interposed wrapper stays, as #0).
 * No malloc; resolves modules with dladdr(). */
void unwind_format_here(struct fmt_buf *out, int max_frames);
/* Same from a signal handler's ucontext, starting at the interrupted pc; resolves modules
 * by reading /proc/self/maps with open/read only. */
void unwind_format_signal(struct fmt_buf *out, void *ucontext, int max_frames);
/* Caches the executable's path and base (called from the constructor). */
void unwind_init(void);

/* ---- elfsym.c: ELF symbol lookup that is async-signal-safe ---- */

struct elf_image {
    const unsigned char *base;
    size_t size;
};
/* Maps the ELF file at path read-only. Returns 0, or -1 if it is not a readable ELF64. */
int elfsym_open(struct elf_image *img, const char *path);
void elfsym_close(struct elf_image *img);
/* The function symbol containing the link-time address vaddr: its name (truncated to cap)
 * and vaddr's offset in it. Returns 0, or -1 if no function symbol contains vaddr. */
int elfsym_find(const struct elf_image *img, uint64_t vaddr, char *name, size_t cap, uint64_t *off);

/* ---- crash.c ---- */
void crash_install(void);

/* ---- init.c ---- */
/* True when the process has the C-API the shim wraps (libpython or a stand-in): the shim
 * stays inert (no stats file, no crash handler) in the other processes that inherit
 * LD_PRELOAD, such as TSan's llvm-symbolizer, which would otherwise overwrite the stats. */
extern bool shim_in_python;

#endif
