/* interpose.c - the interposed CPython C-API functions.
 *
 * Each wrapper has the exact signature of the CPython 3.13/3.14 function of the same name
 * (declared in capi.h, not taken from Python.h, so the shim does not depend on one runtime's
 * headers), counts the call, feeds the anomaly checks, applies schedule noise, and forwards
 * to the next definition in lookup order: libpython's, found once with dlsym(RTLD_NEXT).
 *
 * Besides the functions ftstress perturbs (refcount slow paths, list/dict/set mutation and
 * lookup, in-place arithmetic, item/attribute stores), the object allocation and release
 * entry points are wrapped too, without noise: they tell the anomaly detector when an
 * address becomes a live object again (see anomaly.c). In the 3.13 free-threaded build
 * clang inlines _Py_Dealloc into _Py_DecRefShared and _Py_MergeZeroLocalRefcount, so the
 * latter is wrapped as well: it is where objects owned by the current thread die. */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capi.h"
#include "schedule.h"
#include "shim_internal.h"

#define EXPORT __attribute__((visibility("default")))

/* ---- finding the real functions ---- */

__attribute__((noinline, cold)) static void *interpose_resolve(_Atomic(void *) *slot,
                                                               const char *name) {
    /* Resolving twice from two threads is harmless (same answer), so no lock: the first
     * call of each function pays one dlsym, every later one a single load. */
    void *p = dlsym(RTLD_NEXT, name);
    if (p == NULL) {
        static const char msg[] = "ftshim: the real C-API function is missing from the process: ";
        (void)!write(2, msg, sizeof msg - 1);
        (void)!write(2, name, strlen(name));
        (void)!write(2, "\n", 1);
        abort();
    }
    atomic_store_explicit(slot, p, memory_order_release);
    return p;
}

static inline void *interpose_real(_Atomic(void *) *slot, const char *name) {
    void *p = atomic_load_explicit(slot, memory_order_acquire);
    if (SHIM_LIKELY(p != NULL)) {
        return p;
    }
    return interpose_resolve(slot, name);
}

#define REAL_SLOT(name) static _Atomic(void *) real_##name;
#define REAL(name) ((__typeof__(&(name)))interpose_real(&real_##name, #name))

/* ---- refcounting ---- */

REAL_SLOT(_Py_DecRefShared)
EXPORT void _Py_DecRefShared(PyObject *op) {
    struct shim_thread *t = thread_self();
    counters_bump_in(t, C_DECREF_SHARED);
    anomaly_check_decref_shared(t, op);
    noise_point(t, NK_REFCOUNT);
    REAL(_Py_DecRefShared)(op);
}

REAL_SLOT(_Py_MergeZeroLocalRefcount)
EXPORT void _Py_MergeZeroLocalRefcount(PyObject *op) {
    struct shim_thread *t = thread_self();
    counters_bump_in(t, C_MERGE_ZERO_LOCAL);
    anomaly_check_merge_zero(t, op);
    noise_point(t, NK_REFCOUNT);
    /* Where the real function calls _Py_Dealloc through the PLT (other compilers, other
     * versions), our _Py_Dealloc must not take the death it is part of for a second one. */
    void *outer = t->dying;
    t->dying = op;
    REAL(_Py_MergeZeroLocalRefcount)(op);
    t->dying = outer;
    anomaly_after_death(op);
}

REAL_SLOT(_Py_Dealloc)
EXPORT void _Py_Dealloc(PyObject *op) {
    struct shim_thread *t = thread_self();
    counters_bump_in(t, C_DEALLOC);
    if (op != t->dying) {
        anomaly_check_dealloc(t, op);
    }
    noise_point(t, NK_REFCOUNT);
    void *outer = t->dying;
    t->dying = op;
    REAL(_Py_Dealloc)(op);
    t->dying = outer;
    anomaly_after_death(op);
}

REAL_SLOT(Py_IncRef)
EXPORT void Py_IncRef(PyObject *op) {
    struct shim_thread *t = thread_self();
    counters_bump_in(t, C_INCREF);
    anomaly_note_alive(op);
    noise_point(t, NK_REFCOUNT);
    REAL(Py_IncRef)(op);
}

REAL_SLOT(Py_DecRef)
EXPORT void Py_DecRef(PyObject *op) {
    /* No evidence of life taken from a decref: if op is dead, the _Py_DecRefShared or
     * _Py_MergeZeroLocalRefcount this leads to is what should notice. */
    struct shim_thread *t = thread_self();
    counters_bump_in(t, C_DECREF);
    noise_point(t, NK_REFCOUNT);
    REAL(Py_DecRef)(op);
}

/* ---- object births and memory (no noise: accounting and anomaly evidence only) ---- */

REAL_SLOT(_Py_NewReference)
EXPORT void _Py_NewReference(PyObject *op) {
    counters_bump(C_NEW_REFERENCE);
    anomaly_note_alive(op);
    REAL(_Py_NewReference)(op);
}

REAL_SLOT(_Py_NewReferenceNoTotal)
EXPORT void _Py_NewReferenceNoTotal(PyObject *op) {
    counters_bump(C_NEW_REFERENCE);
    anomaly_note_alive(op);
    REAL(_Py_NewReferenceNoTotal)(op);
}

/* These four initialise an object with _Py_NewReference inlined (same translation unit in
 * CPython), so they are births the wrapper above cannot see. */
REAL_SLOT(PyObject_Init)
EXPORT PyObject *PyObject_Init(PyObject *op, PyTypeObject *tp) {
    counters_bump(C_OBJECT_INIT);
    anomaly_note_alive(op);
    return REAL(PyObject_Init)(op, tp);
}

REAL_SLOT(PyObject_InitVar)
EXPORT PyVarObject *PyObject_InitVar(PyVarObject *op, PyTypeObject *tp, Py_ssize_t size) {
    counters_bump(C_OBJECT_INIT);
    anomaly_note_alive(op);
    return REAL(PyObject_InitVar)(op, tp, size);
}

REAL_SLOT(_PyObject_New)
EXPORT PyObject *_PyObject_New(PyTypeObject *tp) {
    counters_bump(C_OBJECT_INIT);
    PyObject *op = REAL(_PyObject_New)(tp);
    anomaly_note_alive(op);
    return op;
}

REAL_SLOT(_PyObject_NewVar)
EXPORT PyVarObject *_PyObject_NewVar(PyTypeObject *tp, Py_ssize_t nitems) {
    counters_bump(C_OBJECT_INIT);
    PyVarObject *op = REAL(_PyObject_NewVar)(tp, nitems);
    anomaly_note_alive(op);
    return op;
}

/* A block handed out again may hold an object at its start or, for types with a pre-header
 * (managed dict and weakrefs: two pointers), 16 bytes in; a block that a realloc moved an
 * object into is a birth nobody else announces. */
static inline void note_alive_block(const void *p) {
    if (p != NULL) {
        anomaly_note_alive2(p, (const char *)p + 2 * sizeof(void *));
    }
}

REAL_SLOT(PyObject_Malloc)
EXPORT void *PyObject_Malloc(size_t size) {
    counters_bump(C_OBJECT_MALLOC);
    void *p = REAL(PyObject_Malloc)(size);
    note_alive_block(p);
    return p;
}

REAL_SLOT(PyObject_Calloc)
EXPORT void *PyObject_Calloc(size_t nelem, size_t elsize) {
    counters_bump(C_OBJECT_MALLOC);
    void *p = REAL(PyObject_Calloc)(nelem, elsize);
    note_alive_block(p);
    return p;
}

REAL_SLOT(PyObject_Realloc)
EXPORT void *PyObject_Realloc(void *ptr, size_t size) {
    counters_bump(C_OBJECT_MALLOC);
    void *p = REAL(PyObject_Realloc)(ptr, size);
    note_alive_block(p);
    return p;
}

REAL_SLOT(PyObject_Free)
EXPORT void PyObject_Free(void *ptr) {
    counters_bump(C_OBJECT_FREE);
    anomaly_note_freed(ptr); /* before the free: a reuse elsewhere must come after it */
    REAL(PyObject_Free)(ptr);
}

REAL_SLOT(PyObject_GC_Del)
EXPORT void PyObject_GC_Del(void *op) {
    counters_bump(C_GC_DEL);
    anomaly_note_freed(op);
    REAL(PyObject_GC_Del)(op);
}

/* ---- lists ---- */

REAL_SLOT(PyList_Append)
EXPORT int PyList_Append(PyObject *list, PyObject *item) {
    struct shim_thread *t = thread_self();
    counters_bump_in(t, C_LIST_APPEND);
    anomaly_note_alive2(list, item);
    noise_point(t, NK_LIST);
    return REAL(PyList_Append)(list, item);
}

REAL_SLOT(PyList_SetItem)
EXPORT int PyList_SetItem(PyObject *list, Py_ssize_t index, PyObject *item) {
    struct shim_thread *t = thread_self();
    counters_bump_in(t, C_LIST_SETITEM);
    anomaly_note_alive2(list, item);
    noise_point(t, NK_LIST);
    return REAL(PyList_SetItem)(list, index, item);
}

REAL_SLOT(PyList_Insert)
EXPORT int PyList_Insert(PyObject *list, Py_ssize_t index, PyObject *item) {
    struct shim_thread *t = thread_self();
    counters_bump_in(t, C_LIST_INSERT);
    anomaly_note_alive2(list, item);
    noise_point(t, NK_LIST);
    return REAL(PyList_Insert)(list, index, item);
}

REAL_SLOT(PyList_GetItem)
EXPORT PyObject *PyList_GetItem(PyObject *list, Py_ssize_t index) {
    struct shim_thread *t = thread_self();
    counters_bump_in(t, C_LIST_GETITEM);
    anomaly_note_alive(list);
    noise_point(t, NK_LIST);
    PyObject *item = REAL(PyList_GetItem)(list, index);
    anomaly_note_alive(item);
    return item;
}

REAL_SLOT(PyList_GetItemRef)
EXPORT PyObject *PyList_GetItemRef(PyObject *list, Py_ssize_t index) {
    struct shim_thread *t = thread_self();
    counters_bump_in(t, C_LIST_GETITEMREF);
    anomaly_note_alive(list);
    noise_point(t, NK_LIST);
    PyObject *item = REAL(PyList_GetItemRef)(list, index);
    anomaly_note_alive(item);
    return item;
}

/* ---- dicts ---- */

REAL_SLOT(PyDict_SetItem)
EXPORT int PyDict_SetItem(PyObject *dict, PyObject *key, PyObject *value) {
    struct shim_thread *t = thread_self();
    counters_bump_in(t, C_DICT_SETITEM);
    anomaly_note_alive3(dict, key, value);
    noise_point(t, NK_DICT);
    int r = REAL(PyDict_SetItem)(dict, key, value);
    /* after the store too: between it and the next load of the same key (STORE_GLOBAL
     * then LOAD_GLOBAL in a loop of `cnt += 1`) */
    noise_point(t, NK_DICT);
    return r;
}

REAL_SLOT(PyDict_DelItem)
EXPORT int PyDict_DelItem(PyObject *dict, PyObject *key) {
    struct shim_thread *t = thread_self();
    counters_bump_in(t, C_DICT_DELITEM);
    anomaly_note_alive2(dict, key);
    noise_point(t, NK_DICT);
    return REAL(PyDict_DelItem)(dict, key);
}

REAL_SLOT(PyDict_GetItem)
EXPORT PyObject *PyDict_GetItem(PyObject *dict, PyObject *key) {
    struct shim_thread *t = thread_self();
    counters_bump_in(t, C_DICT_GETITEM);
    anomaly_note_alive2(dict, key);
    noise_point(t, NK_DICT);
    PyObject *value = REAL(PyDict_GetItem)(dict, key);
    anomaly_note_alive(value);
    return value;
}

REAL_SLOT(PyDict_GetItemRef)
EXPORT int PyDict_GetItemRef(PyObject *dict, PyObject *key, PyObject **result) {
    struct shim_thread *t = thread_self();
    counters_bump_in(t, C_DICT_GETITEMREF);
    anomaly_note_alive2(dict, key);
    noise_point(t, NK_DICT);
    int r = REAL(PyDict_GetItemRef)(dict, key, result);
    if (r > 0 && result != NULL) {
        anomaly_note_alive(*result);
    }
    return r;
}

REAL_SLOT(PyDict_GetItemWithError)
EXPORT PyObject *PyDict_GetItemWithError(PyObject *dict, PyObject *key) {
    struct shim_thread *t = thread_self();
    counters_bump_in(t, C_DICT_GETITEMWITHERROR);
    anomaly_note_alive2(dict, key);
    noise_point(t, NK_DICT);
    PyObject *value = REAL(PyDict_GetItemWithError)(dict, key);
    anomaly_note_alive(value);
    return value;
}

/* ---- sets ---- */

REAL_SLOT(PySet_Add)
EXPORT int PySet_Add(PyObject *set, PyObject *key) {
    struct shim_thread *t = thread_self();
    counters_bump_in(t, C_SET_ADD);
    anomaly_note_alive2(set, key);
    noise_point(t, NK_SET);
    return REAL(PySet_Add)(set, key);
}

REAL_SLOT(PySet_Discard)
EXPORT int PySet_Discard(PyObject *set, PyObject *key) {
    struct shim_thread *t = thread_self();
    counters_bump_in(t, C_SET_DISCARD);
    anomaly_note_alive2(set, key);
    noise_point(t, NK_SET);
    return REAL(PySet_Discard)(set, key);
}

/* ---- in-place arithmetic: the read-modify-write of `x op= y` ---- */

static inline PyObject *number_inplace_after(struct shim_thread *t, PyObject *result) {
    /* between computing the new value and storing it (STORE_NAME/STORE_GLOBAL/STORE_ATTR):
     * the widest part of the lost-update window */
    noise_point(t, NK_NUMBER);
    anomaly_note_alive(result);
    return result;
}

#define NUMBER_INPLACE(fn, counter)                                                                \
    REAL_SLOT(fn)                                                                                  \
    EXPORT PyObject *fn(PyObject *a, PyObject *b) {                                                \
        struct shim_thread *t = thread_self();                                                     \
        counters_bump_in(t, counter);                                                              \
        anomaly_note_alive2(a, b);                                                                 \
        noise_point(t, NK_NUMBER);                                                                 \
        return number_inplace_after(t, REAL(fn)(a, b));                                            \
    }

NUMBER_INPLACE(PyNumber_InPlaceAdd, C_NUMBER_INPLACE_ADD)
NUMBER_INPLACE(PyNumber_InPlaceSubtract, C_NUMBER_INPLACE_SUBTRACT)
NUMBER_INPLACE(PyNumber_InPlaceMultiply, C_NUMBER_INPLACE_MULTIPLY)
NUMBER_INPLACE(PyNumber_InPlaceMatrixMultiply, C_NUMBER_INPLACE_MATRIXMULTIPLY)
NUMBER_INPLACE(PyNumber_InPlaceFloorDivide, C_NUMBER_INPLACE_FLOORDIVIDE)
NUMBER_INPLACE(PyNumber_InPlaceTrueDivide, C_NUMBER_INPLACE_TRUEDIVIDE)
NUMBER_INPLACE(PyNumber_InPlaceRemainder, C_NUMBER_INPLACE_REMAINDER)
NUMBER_INPLACE(PyNumber_InPlaceLshift, C_NUMBER_INPLACE_LSHIFT)
NUMBER_INPLACE(PyNumber_InPlaceRshift, C_NUMBER_INPLACE_RSHIFT)
NUMBER_INPLACE(PyNumber_InPlaceAnd, C_NUMBER_INPLACE_AND)
NUMBER_INPLACE(PyNumber_InPlaceXor, C_NUMBER_INPLACE_XOR)
NUMBER_INPLACE(PyNumber_InPlaceOr, C_NUMBER_INPLACE_OR)

/* The one ternary in-place operator (pow(x, y, z) form; `x **= y` passes Py_None as z). */
REAL_SLOT(PyNumber_InPlacePower)
EXPORT PyObject *PyNumber_InPlacePower(PyObject *a, PyObject *b, PyObject *c) {
    struct shim_thread *t = thread_self();
    counters_bump_in(t, C_NUMBER_INPLACE_POWER);
    anomaly_note_alive2(a, b);
    noise_point(t, NK_NUMBER);
    return number_inplace_after(t, REAL(PyNumber_InPlacePower)(a, b, c));
}

/* ---- generic item and attribute stores ---- */

REAL_SLOT(PyObject_SetItem)
EXPORT int PyObject_SetItem(PyObject *o, PyObject *key, PyObject *value) {
    struct shim_thread *t = thread_self();
    counters_bump_in(t, C_OBJECT_SETITEM);
    anomaly_note_alive3(o, key, value);
    noise_point(t, NK_OBJECT);
    return REAL(PyObject_SetItem)(o, key, value);
}

REAL_SLOT(PyObject_SetAttr)
EXPORT int PyObject_SetAttr(PyObject *o, PyObject *name, PyObject *value) {
    /* value is NULL for `del o.name` */
    struct shim_thread *t = thread_self();
    counters_bump_in(t, C_OBJECT_SETATTR);
    anomaly_note_alive3(o, name, value);
    noise_point(t, NK_OBJECT);
    return REAL(PyObject_SetAttr)(o, name, value);
}

/* ---- thread states: a member of a controlled schedule that detaches (every blocking call,
 * every Py_BEGIN_ALLOW_THREADS, a parked PyMutex) gives its turn away after detaching, and
 * waits for one before re-attaching, so that a stop-the-world never waits for it. TSan's
 * pthread, sem and nanosleep interceptors live in the executable and would win over the
 * shim: these CPython functions are where blocking is visible. No noise here. ---- */

REAL_SLOT(PyEval_SaveThread)
EXPORT PyThreadState *PyEval_SaveThread(void) {
    PyThreadState *ts = REAL(PyEval_SaveThread)();
    struct shim_thread *t = thread_self();
    if (SHIM_UNLIKELY(t->sched_member != 0)) {
        sched_detached(t);
    }
    return ts;
}

REAL_SLOT(PyEval_ReleaseThread)
EXPORT void PyEval_ReleaseThread(PyThreadState *ts) {
    REAL(PyEval_ReleaseThread)(ts);
    struct shim_thread *t = thread_self();
    if (SHIM_UNLIKELY(t->sched_member != 0)) {
        sched_detached(t);
    }
}

REAL_SLOT(PyEval_RestoreThread)
EXPORT void PyEval_RestoreThread(PyThreadState *ts) {
    struct shim_thread *t = thread_self();
    if (SHIM_UNLIKELY(t->sched_member != 0)) {
        sched_before_attach(t);
    }
    REAL(PyEval_RestoreThread)(ts);
}

REAL_SLOT(PyEval_AcquireThread)
EXPORT void PyEval_AcquireThread(PyThreadState *ts) {
    struct shim_thread *t = thread_self();
    if (SHIM_UNLIKELY(t->sched_member != 0)) {
        sched_before_attach(t);
    }
    REAL(PyEval_AcquireThread)(ts);
}

/* The parking lot: a member parked on an address and unparked by another member becomes
 * runnable at the unpark (schedule.c), so lock hand-offs between members replay exactly.
 * Only under a controlled schedule; the cost otherwise is one TLS load and a branch. */

REAL_SLOT(_PyParkingLot_Park)
EXPORT int _PyParkingLot_Park(const void *addr, const void *expected, size_t size,
                              int64_t timeout_ns, void *park_arg, int detach) {
    struct shim_thread *t = thread_self();
    if (SHIM_LIKELY(t->sched_member == 0)) {
        return REAL(_PyParkingLot_Park)(addr, expected, size, timeout_ns, park_arg, detach);
    }
    sched_before_park(t, addr);
    int r = REAL(_PyParkingLot_Park)(addr, expected, size, timeout_ns, park_arg, detach);
    sched_after_park(t);
    return r;
}

REAL_SLOT(_PyParkingLot_Unpark)
EXPORT void _PyParkingLot_Unpark(const void *addr, ftshim_unpark_fn_t *fn, void *arg) {
    struct shim_thread *t = thread_self();
    if (SHIM_UNLIKELY(t->sched_member != 0)) {
        sched_unparked(t, addr, false);
    }
    REAL(_PyParkingLot_Unpark)(addr, fn, arg);
}

REAL_SLOT(_PyParkingLot_UnparkAll)
EXPORT void _PyParkingLot_UnparkAll(const void *addr) {
    struct shim_thread *t = thread_self();
    if (SHIM_UNLIKELY(t->sched_member != 0)) {
        sched_unparked(t, addr, true);
    }
    REAL(_PyParkingLot_UnparkAll)(addr);
}
