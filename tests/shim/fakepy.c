/* fakepy.c - the stand-in libpython of the shim tests (see fakepy.h). Loaded after
 * libftshim.so, so the shim's dlsym(RTLD_NEXT) finds these definitions. */
#include "fakepy.h"

#include "capi.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

// clang-format off
#define NAMES(X) \
    X(_Py_DecRefShared) \
    X(_Py_MergeZeroLocalRefcount) \
    X(_Py_Dealloc) \
    X(Py_IncRef) \
    X(Py_DecRef) \
    X(_Py_NewReference) \
    X(_Py_NewReferenceNoTotal) \
    X(PyObject_Init) \
    X(PyObject_InitVar) \
    X(_PyObject_New) \
    X(_PyObject_NewVar) \
    X(PyObject_Malloc) \
    X(PyObject_Calloc) \
    X(PyObject_Realloc) \
    X(PyObject_Free) \
    X(PyObject_GC_Del) \
    X(PyList_Append) \
    X(PyList_SetItem) \
    X(PyList_Insert) \
    X(PyList_GetItem) \
    X(PyList_GetItemRef) \
    X(PyDict_SetItem) \
    X(PyDict_DelItem) \
    X(PyDict_GetItem) \
    X(PyDict_GetItemRef) \
    X(PyDict_GetItemWithError) \
    X(PySet_Add) \
    X(PySet_Discard) \
    X(PyNumber_InPlaceAdd) \
    X(PyNumber_InPlaceSubtract) \
    X(PyNumber_InPlaceMultiply) \
    X(PyNumber_InPlaceMatrixMultiply) \
    X(PyNumber_InPlaceFloorDivide) \
    X(PyNumber_InPlaceTrueDivide) \
    X(PyNumber_InPlaceRemainder) \
    X(PyNumber_InPlacePower) \
    X(PyNumber_InPlaceLshift) \
    X(PyNumber_InPlaceRshift) \
    X(PyNumber_InPlaceAnd) \
    X(PyNumber_InPlaceXor) \
    X(PyNumber_InPlaceOr) \
    X(PyObject_SetItem) \
    X(PyObject_SetAttr) \
    X(PyEval_SaveThread) \
    X(PyEval_RestoreThread) \
    X(PyEval_AcquireThread) \
    X(PyEval_ReleaseThread)
// clang-format on

enum {
#define X(n) F_##n,
    NAMES(X)
#undef X
        F_COUNT
};
static const char *const names[F_COUNT] = {
#define X(n) #n,
    NAMES(X)
#undef X
};

static _Atomic unsigned long counts[F_COUNT];
static __thread struct fakepy_call last;
static _Atomic int recording = 1;

static inline void record(int f, void *a, void *b, void *c, ssize_t n) {
    if (atomic_load_explicit(&recording, memory_order_relaxed)) {
        atomic_fetch_add(&counts[f], 1);
        last = (struct fakepy_call){.name = names[f], .a = a, .b = b, .c = c, .n = n};
    }
}

void fakepy_set_recording(int on) {
    atomic_store(&recording, on);
}

unsigned long fakepy_count(const char *name) {
    for (int f = 0; f < F_COUNT; f++) {
        if (strcmp(names[f], name) == 0) {
            return atomic_load(&counts[f]);
        }
    }
    abort(); /* a test asked about a function the fake does not define */
}

struct fakepy_call fakepy_last(void) {
    return last;
}

void fakepy_reset(void) {
    for (int f = 0; f < F_COUNT; f++) {
        atomic_store(&counts[f], 0);
    }
    memset(&last, 0, sizeof last);
}

void fakepy_make_type(void *storage, const char *name) {
    memset(storage, 0, FAKE_TYPE_SIZE);
    memcpy((char *)storage + FAKE_TYPE_TP_NAME_OFFSET, &name, sizeof name);
}

/* Distinct, recognisable results: the argument pointer offset by a per-function amount. */
#define RESULT(p, k) ((PyObject *)((uintptr_t)(p) + (k)))

void _Py_DecRefShared(PyObject *op) {
    record(F__Py_DecRefShared, op, NULL, NULL, 0);
}
void _Py_MergeZeroLocalRefcount(PyObject *op) {
    record(F__Py_MergeZeroLocalRefcount, op, NULL, NULL, 0);
}
void _Py_Dealloc(PyObject *op) {
    record(F__Py_Dealloc, op, NULL, NULL, 0);
}
void Py_IncRef(PyObject *op) {
    record(F_Py_IncRef, op, NULL, NULL, 0);
}
void Py_DecRef(PyObject *op) {
    record(F_Py_DecRef, op, NULL, NULL, 0);
}
void _Py_NewReference(PyObject *op) {
    record(F__Py_NewReference, op, NULL, NULL, 0);
}
void _Py_NewReferenceNoTotal(PyObject *op) {
    record(F__Py_NewReferenceNoTotal, op, NULL, NULL, 0);
}
PyObject *PyObject_Init(PyObject *op, PyTypeObject *tp) {
    record(F_PyObject_Init, op, tp, NULL, 0);
    return op;
}
PyVarObject *PyObject_InitVar(PyVarObject *op, PyTypeObject *tp, Py_ssize_t size) {
    record(F_PyObject_InitVar, op, tp, NULL, size);
    return op;
}

/* The allocator: a LIFO pool of FAKEPY_BLOCK-byte blocks, so that tests can make an address
 * come back deterministically (free then malloc returns the same block). */
#define POOL_BLOCKS 256
static _Alignas(64) char pool[POOL_BLOCKS][FAKEPY_BLOCK];
static void *free_list[POOL_BLOCKS];
static int free_top = -1;
static int pool_used;
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;

static void *pool_alloc(void) {
    void *p = NULL;
    pthread_mutex_lock(&pool_lock);
    if (free_top >= 0) {
        p = free_list[free_top--];
    } else if (pool_used < POOL_BLOCKS) {
        p = pool[pool_used++];
    }
    pthread_mutex_unlock(&pool_lock);
    return p;
}

static void pool_free(void *p) {
    if (p == NULL) {
        return;
    }
    pthread_mutex_lock(&pool_lock);
    if (free_top < POOL_BLOCKS - 1) {
        free_list[++free_top] = p;
    }
    pthread_mutex_unlock(&pool_lock);
}

PyObject *_PyObject_New(PyTypeObject *tp) {
    record(F__PyObject_New, tp, NULL, NULL, 0);
    return pool_alloc();
}
PyVarObject *_PyObject_NewVar(PyTypeObject *tp, Py_ssize_t n) {
    record(F__PyObject_NewVar, tp, NULL, NULL, n);
    return pool_alloc();
}
void *PyObject_Malloc(size_t size) {
    record(F_PyObject_Malloc, NULL, NULL, NULL, (ssize_t)size);
    return size <= FAKEPY_BLOCK ? pool_alloc() : NULL;
}
void *PyObject_Calloc(size_t nelem, size_t elsize) {
    record(F_PyObject_Calloc, NULL, NULL, NULL, (ssize_t)(nelem * elsize));
    void *p = nelem * elsize <= FAKEPY_BLOCK ? pool_alloc() : NULL;
    if (p != NULL) {
        memset(p, 0, FAKEPY_BLOCK);
    }
    return p;
}
void *PyObject_Realloc(void *ptr, size_t size) {
    record(F_PyObject_Realloc, ptr, NULL, NULL, (ssize_t)size);
    return size <= FAKEPY_BLOCK ? ptr : NULL;
}
void PyObject_Free(void *ptr) {
    record(F_PyObject_Free, ptr, NULL, NULL, 0);
    pool_free(ptr);
}
void PyObject_GC_Del(void *op) {
    record(F_PyObject_GC_Del, op, NULL, NULL, 0);
    pool_free(op);
}

int PyList_Append(PyObject *list, PyObject *item) {
    record(F_PyList_Append, list, item, NULL, 0);
    return 11;
}
int PyList_SetItem(PyObject *list, Py_ssize_t i, PyObject *item) {
    record(F_PyList_SetItem, list, item, NULL, i);
    return 12;
}
int PyList_Insert(PyObject *list, Py_ssize_t i, PyObject *item) {
    record(F_PyList_Insert, list, item, NULL, i);
    return 13;
}
PyObject *PyList_GetItem(PyObject *list, Py_ssize_t i) {
    record(F_PyList_GetItem, list, NULL, NULL, i);
    return RESULT(list, 14);
}
PyObject *PyList_GetItemRef(PyObject *list, Py_ssize_t i) {
    record(F_PyList_GetItemRef, list, NULL, NULL, i);
    return RESULT(list, 15);
}
int PyDict_SetItem(PyObject *d, PyObject *k, PyObject *v) {
    record(F_PyDict_SetItem, d, k, v, 0);
    return 16;
}
int PyDict_DelItem(PyObject *d, PyObject *k) {
    record(F_PyDict_DelItem, d, k, NULL, 0);
    return 17;
}
PyObject *PyDict_GetItem(PyObject *d, PyObject *k) {
    record(F_PyDict_GetItem, d, k, NULL, 0);
    return RESULT(k, 18);
}
int PyDict_GetItemRef(PyObject *d, PyObject *k, PyObject **result) {
    record(F_PyDict_GetItemRef, d, k, result, 0);
    *result = RESULT(k, 19);
    return 1;
}
PyObject *PyDict_GetItemWithError(PyObject *d, PyObject *k) {
    record(F_PyDict_GetItemWithError, d, k, NULL, 0);
    return RESULT(k, 20);
}
int PySet_Add(PyObject *s, PyObject *k) {
    record(F_PySet_Add, s, k, NULL, 0);
    return 21;
}
int PySet_Discard(PyObject *s, PyObject *k) {
    record(F_PySet_Discard, s, k, NULL, 0);
    return 22;
}

#define INPLACE(fn, k)                                                                             \
    PyObject *fn(PyObject *a, PyObject *b) {                                                       \
        record(F_##fn, a, b, NULL, 0);                                                             \
        return RESULT(a, k);                                                                       \
    }
INPLACE(PyNumber_InPlaceAdd, 30)
INPLACE(PyNumber_InPlaceSubtract, 31)
INPLACE(PyNumber_InPlaceMultiply, 32)
INPLACE(PyNumber_InPlaceMatrixMultiply, 33)
INPLACE(PyNumber_InPlaceFloorDivide, 34)
INPLACE(PyNumber_InPlaceTrueDivide, 35)
INPLACE(PyNumber_InPlaceRemainder, 36)
INPLACE(PyNumber_InPlaceLshift, 38)
INPLACE(PyNumber_InPlaceRshift, 39)
INPLACE(PyNumber_InPlaceAnd, 40)
INPLACE(PyNumber_InPlaceXor, 41)
INPLACE(PyNumber_InPlaceOr, 42)
PyObject *PyNumber_InPlacePower(PyObject *a, PyObject *b, PyObject *c) {
    record(F_PyNumber_InPlacePower, a, b, c, 0);
    return RESULT(a, 37);
}

int PyObject_SetItem(PyObject *o, PyObject *k, PyObject *v) {
    record(F_PyObject_SetItem, o, k, v, 0);
    return 43;
}
int PyObject_SetAttr(PyObject *o, PyObject *n, PyObject *v) {
    record(F_PyObject_SetAttr, o, n, v, 0);
    return 44;
}

/* Thread states: the fake has one per thread, a non-NULL token, so a test can check that
 * the shim hands back what it was given. */
static __thread char fake_tstate;
PyThreadState *PyEval_SaveThread(void) {
    record(F_PyEval_SaveThread, NULL, NULL, NULL, 0);
    return (PyThreadState *)&fake_tstate;
}
void PyEval_RestoreThread(PyThreadState *ts) {
    record(F_PyEval_RestoreThread, ts, NULL, NULL, 0);
}
void PyEval_AcquireThread(PyThreadState *ts) {
    record(F_PyEval_AcquireThread, ts, NULL, NULL, 0);
}
void PyEval_ReleaseThread(PyThreadState *ts) {
    record(F_PyEval_ReleaseThread, ts, NULL, NULL, 0);
}
