/* anomaly.c - refcount anomaly detection on the free-threaded object layout.
 *
 * Two families of checks (kinds and exact conditions in ftshim.h):
 *  - header checks at the refcount slow paths: a merged object whose shared count is at or
 *    below zero, or an object without a type. Two loads per call, always on.
 *  - dead-object tracking (only with FTSTRESS_SHIM_ANOMALIES): a hash table remembers
 *    addresses whose object died or whose memory was freed; a second death of the same
 *    address with no evidence of a new object there in between is a double dealloc, the
 *    typical result of a borrowed reference used after another thread dropped the last
 *    strong one. Evidence of life is anything the shim sees: _Py_NewReference and the
 *    object initialisers, PyObject_Malloc/Calloc/Realloc returning the address, or the
 *    address passed to any intercepted call. Every gap in that evidence errs towards
 *    silence: a table collision forgets an entry, it never invents one.
 *
 * A finalizer may resurrect the dying object (__del__ stores self somewhere); once the real
 * dealloc returns, an object whose memory was not freed and that has a refcount again is
 * taken as alive (anomaly_after_death_slow), and objects whose finalizer ran are never
 * reported on a mere earlier death (their next death may be legitimate).
 *
 * Deaths are only recorded where they are certain: _Py_Dealloc itself, and
 * _Py_MergeZeroLocalRefcount when the shared count is zero (the owner dropped the last
 * reference and no other thread ever took one, and _Py_TryIncref refuses a zero count).
 * A _Py_DecRefShared that will probably reach zero is not certain (a lock-free dict/list
 * reader may win the race with _Py_TryIncref), so it is only checked, never recorded; the
 * memory free that follows such a death records it. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "shim_internal.h"

#define GC_BITS_FINALIZED 2
/* PyTypeObject starts with PyVarObject (the 32-byte object head plus ob_size). */
#define TYPE_TP_NAME_OFFSET 40

_Atomic bool anomaly_tracking;

/* ---- the dead-object table ---- */

#define DEAD_BITS 16
#define TAG_DEALLOC 1u /* the object died (its memory may live on in a freelist) */
#define TAG_FREED 2u   /* its memory went back to the allocator */
#define TAG_MASK 7u

static _Atomic uintptr_t dead_table[1u << DEAD_BITS];

static inline _Atomic uintptr_t *dead_slot(uintptr_t a) {
    return &dead_table[((a >> 3) * 0x9e3779b97f4a7c15ULL) >> (64 - DEAD_BITS)];
}

static void dead_mark(const void *p, unsigned tag) {
    uintptr_t a = (uintptr_t)p;
    if (a == 0 || (a & TAG_MASK) != 0) {
        return; /* objects are at least 8-aligned; anything else is not ours to judge */
    }
    /* Stored before the real dealloc/free runs, so a reuse of the memory by another thread
     * (which happens after the free) clears it after this store, never before. */
    atomic_store_explicit(dead_slot(a), a | tag, memory_order_release);
}

/* The tag of p if it is recorded dead, else 0. */
static unsigned dead_lookup(const void *p) {
    uintptr_t a = (uintptr_t)p;
    uintptr_t v = atomic_load_explicit(dead_slot(a), memory_order_acquire);
    return (v & ~(uintptr_t)TAG_MASK) == a && a != 0 ? (unsigned)(v & TAG_MASK) : 0;
}

static void dead_clear(const void *p) {
    uintptr_t a = (uintptr_t)p;
    _Atomic uintptr_t *slot = dead_slot(a);
    uintptr_t v = atomic_load_explicit(slot, memory_order_relaxed);
    if (v != 0 && (v & ~(uintptr_t)TAG_MASK) == a) {
        /* CAS, not store: another address may have taken the slot meanwhile. */
        atomic_compare_exchange_strong_explicit(slot, &v, 0, memory_order_acq_rel,
                                                memory_order_relaxed);
    }
}

void anomaly_note_alive_slow(const void *p) {
    if (p != NULL) {
        dead_clear(p);
    }
}

void anomaly_note_freed_slow(void *p) {
    dead_mark(p, TAG_FREED);
}

/* ---- reading foreign memory without faulting ---- */

/* Copies n bytes from src, which may be unmapped. Returns the number of bytes copied. */
static size_t safe_read(void *dst, const void *src, size_t n) {
    struct iovec local = {.iov_base = dst, .iov_len = n};
    struct iovec remote = {.iov_base = (void *)src, .iov_len = n};
    ssize_t got = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
    if (got >= 0) {
        return (size_t)got;
    }
    if (errno != ENOSYS && errno != EPERM) {
        return 0;
    }
    /* Seccomp may forbid process_vm_readv: write(2) from the address into a pipe fails
     * with EFAULT instead of faulting. Stay within one page so it is all or nothing. */
    size_t page = 4096 - ((uintptr_t)src & 4095);
    if (n > page) {
        n = page;
    }
    int fds[2];
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
        return 0;
    }
    size_t copied = 0;
    ssize_t w = write(fds[1], src, n);
    if (w > 0) {
        ssize_t r = read(fds[0], dst, (size_t)w);
        copied = r > 0 ? (size_t)r : 0;
    }
    close(fds[0]);
    close(fds[1]);
    return copied;
}

/* The tp_name of op's type if it can be read, with anything unprintable replaced. */
static void anomaly_type_name(const void *type, char *out, size_t cap) {
    out[0] = '?';
    out[1] = '\0';
    const char *name = NULL;
    if (type == NULL ||
        safe_read(&name, (const char *)type + TYPE_TP_NAME_OFFSET, sizeof name) != sizeof name ||
        name == NULL) {
        return;
    }
    size_t n = safe_read(out, name, cap - 1);
    out[n] = '\0';
    size_t len = strnlen(out, n);
    if (len == 0 || (len == n && n < cap - 1)) {
        /* empty, or the readable memory ended before a terminator: not a name */
        out[0] = '?';
        out[1] = '\0';
        return;
    }
    for (size_t i = 0; i < len; i++) {
        if (out[i] <= ' ' || out[i] > '~') {
            out[i] = '?';
        }
    }
}

/* ---- records ---- */

#define MAX_RECORDS 256
#define RECORD_FRAMES 48

static _Atomic uint32_t records_started;
static _Atomic int report_lock;
static __thread bool in_report __attribute__((tls_model("initial-exec")));

static void anomaly_report(struct shim_thread *t, enum counter_id counter, const char *kind,
                           const void *op, const void *type) {
    counters_bump_in(t, counter);
    if (shim_cfg.anomalies_path[0] == '\0' || in_report) {
        return;
    }
    if (atomic_fetch_add_explicit(&records_started, 1, memory_order_relaxed) >= MAX_RECORDS) {
        counters_bump_in(t, C_ANOMALY_RECORDS_DROPPED);
        return;
    }
    in_report = true;
    int saved_errno = errno;
    while (atomic_exchange_explicit(&report_lock, 1, memory_order_acquire) != 0) {
        sched_yield();
    }
    static char buf[16384];
    char tname[64];
    anomaly_type_name(type, tname, sizeof tname);
    struct fmt_buf b;
    fmt_init(&b, buf, sizeof buf - 1);
    fmt_str(&b, "anomaly ");
    fmt_str(&b, kind);
    fmt_str(&b, " object=");
    fmt_hex(&b, (uintptr_t)op);
    fmt_str(&b, " type=");
    fmt_str(&b, tname);
    fmt_str(&b, " thread=");
    fmt_u64(&b, t->index);
    fmt_char(&b, '\n');
    unwind_format_here(&b, RECORD_FRAMES);
    if (b.len == b.cap) {
        b.len--; /* truncated: keep room for the terminating blank line */
    }
    buf[b.len++] = '\n';
    int fd = open(shim_cfg.anomalies_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) {
        /* One write(2) of the whole record: O_APPEND writes to a regular file do not
         * interleave, also across processes sharing the file. */
        if (write(fd, buf, b.len) == (ssize_t)b.len) {
            counters_bump_in(t, C_ANOMALY_RECORDS);
        }
        close(fd);
    }
    atomic_store_explicit(&report_lock, 0, memory_order_release);
    errno = saved_errno;
    in_report = false;
}

/* ---- the checks, called by the interposed refcount functions before forwarding ---- */

static inline bool head_finalized(const struct ft_object_head *h) {
    return (__atomic_load_n(&h->ob_gc_bits, __ATOMIC_RELAXED) & GC_BITS_FINALIZED) != 0;
}

/* A recorded death of op that nothing contradicts: a freed address is dead for sure; an
 * object whose finalizer ran may have been resurrected by it, which the shim cannot see. */
static bool anomaly_dead_for_sure(const struct ft_object_head *h) {
    unsigned tag = dead_lookup(h);
    if (tag == 0) {
        return false;
    }
    return (tag & TAG_FREED) != 0 || !head_finalized(h);
}

void anomaly_decref_shared_slow(struct shim_thread *t, void *op) {
    const struct ft_object_head *h = op;
    void *type = ft_head_type(h);
    ssize_t shared = ft_head_shared(h);
    if (type == NULL) {
        anomaly_report(t, C_ANOMALY_NULL_TYPE, "null_type", op, NULL);
    } else if (ft_merged_at_most(shared, 0)) {
        /* the shared count of a merged object is its whole refcount: decrementing a zero
         * refcount is always one decref too many */
        anomaly_report(t, C_ANOMALY_NEGATIVE_REFCOUNT, "negative_refcount", op, type);
    }
    if (atomic_load_explicit(&anomaly_tracking, memory_order_relaxed) && anomaly_dead_for_sure(h)) {
        dead_clear(op); /* report each death once */
        anomaly_report(t, C_ANOMALY_DECREF_AFTER_DEALLOC, "decref_after_dealloc", op, type);
    }
}

static void anomaly_check_death(struct shim_thread *t, void *op, void *type, bool certain) {
    const struct ft_object_head *h = op;
    if (anomaly_dead_for_sure(h)) {
        anomaly_report(t, C_ANOMALY_DOUBLE_DEALLOC, "double_dealloc", op, type);
        dead_clear(op);
    }
    if (certain) {
        dead_mark(op, TAG_DEALLOC);
    }
}

void anomaly_merge_zero_slow(struct shim_thread *t, void *op) {
    const struct ft_object_head *h = op;
    void *type = ft_head_type(h);
    if (type == NULL) {
        anomaly_report(t, C_ANOMALY_NULL_TYPE, "null_type", op, NULL);
    }
    if (atomic_load_explicit(&anomaly_tracking, memory_order_relaxed)) {
        anomaly_check_death(t, op, type, ft_head_shared(h) == 0);
    }
}

void anomaly_after_death_slow(void *op) {
    /* Only while our own "died" mark is still there: the memory was not handed back to the
     * allocator through the shim (that turns the mark into a free), nor reborn. It is then
     * either resurrected (__del__ stored it somewhere: a refcount again) or parked in a
     * freelist with zero counts, and reading its header is safe either way. */
    uintptr_t a = (uintptr_t)op;
    _Atomic uintptr_t *slot = dead_slot(a);
    uintptr_t v = atomic_load_explicit(slot, memory_order_acquire);
    if (v != (a | TAG_DEALLOC)) {
        return;
    }
    const struct ft_object_head *h = op;
    uint32_t local = __atomic_load_n(&h->ob_ref_local, __ATOMIC_RELAXED);
    ssize_t shared = ft_head_shared(h);
    if (local != 0 || (shared >> FT_REF_SHARED_SHIFT) > 0) {
        atomic_compare_exchange_strong_explicit(slot, &v, 0, memory_order_acq_rel,
                                                memory_order_relaxed);
    }
}

void anomaly_dealloc_slow(struct shim_thread *t, void *op) {
    const struct ft_object_head *h = op;
    void *type = ft_head_type(h);
    ssize_t shared = ft_head_shared(h);
    if (type == NULL) {
        anomaly_report(t, C_ANOMALY_NULL_TYPE, "null_type", op, NULL);
    } else if (ft_merged_at_most(shared, -1)) {
        anomaly_report(t, C_ANOMALY_NEGATIVE_REFCOUNT, "negative_refcount", op, type);
    }
    if (atomic_load_explicit(&anomaly_tracking, memory_order_relaxed)) {
        anomaly_check_death(t, op, type, true);
    }
}
