/* shim_child.c - a program linked against libftshim.so and the fake libpython, run by the
 * shim tests with a chosen environment (the shim reads it once, at startup) to play one
 * scenario. Usage: shim_child <scenario> [args]; exits 0 unless the scenario crashes. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capi.h"
#include "fakepy.h"
#include "ftshim.h"

static _Alignas(64) char fake_type_storage[FAKE_TYPE_SIZE];

static struct fake_object *new_object(void) {
    struct fake_object *o = aligned_alloc(16, sizeof *o);
    memset(o, 0, sizeof *o);
    o->ob_type = fake_type_storage;
    o->ob_ref_local = 1;
    o->ob_tid = 1;
    return o;
}
#define OBJ(o) ((PyObject *)(o))

/* One call of every interposed function (the allocator ones on pool memory). */
static void call_everything(PyObject *a, PyObject *b, PyObject *c) {
    PyObject *res = NULL;
    _Py_DecRefShared(a);
    _Py_MergeZeroLocalRefcount(a);
    _Py_Dealloc(a);
    Py_IncRef(a);
    Py_DecRef(a);
    _Py_NewReference(a);
    _Py_NewReferenceNoTotal(a);
    PyObject_Init(a, (PyTypeObject *)fake_type_storage);
    PyObject_InitVar((PyVarObject *)a, (PyTypeObject *)fake_type_storage, 3);
    PyObject_Free(_PyObject_New((PyTypeObject *)fake_type_storage));
    PyObject_Free(_PyObject_NewVar((PyTypeObject *)fake_type_storage, 2));
    void *m = PyObject_Malloc(32);
    m = PyObject_Realloc(m, 64);
    PyObject_Free(m);
    PyObject_GC_Del(PyObject_Calloc(2, 16));
    PyList_Append(a, b);
    PyList_SetItem(a, 1, b);
    PyList_Insert(a, 2, b);
    PyList_GetItem(a, 3);
    PyList_GetItemRef(a, 4);
    PyDict_SetItem(a, b, c);
    PyDict_DelItem(a, b);
    PyDict_GetItem(a, b);
    PyDict_GetItemRef(a, b, &res);
    PyDict_GetItemWithError(a, b);
    PySet_Add(a, b);
    PySet_Discard(a, b);
    PyNumber_InPlaceAdd(a, b);
    PyNumber_InPlaceSubtract(a, b);
    PyNumber_InPlaceMultiply(a, b);
    PyNumber_InPlaceMatrixMultiply(a, b);
    PyNumber_InPlaceFloorDivide(a, b);
    PyNumber_InPlaceTrueDivide(a, b);
    PyNumber_InPlaceRemainder(a, b);
    PyNumber_InPlacePower(a, b, c);
    PyNumber_InPlaceLshift(a, b);
    PyNumber_InPlaceRshift(a, b);
    PyNumber_InPlaceAnd(a, b);
    PyNumber_InPlaceXor(a, b);
    PyNumber_InPlaceOr(a, b);
    PyObject_SetItem(a, b, c);
    PyObject_SetAttr(a, b, c);
}

static int scenario_calls(long n) {
    struct fake_object *a = new_object(), *b = new_object(), *c = new_object();
    for (long i = 0; i < n; i++) {
        call_everything(OBJ(a), OBJ(b), OBJ(c));
    }
    return 0;
}

/* `cnt += 1` as the interpreter runs it: in-place add, then store into the globals dict. */
static long augassign_iters;
static void *augassign_thread(void *arg) {
    struct fake_object *globals = arg;
    struct fake_object *one = new_object(), *cnt = new_object();
    for (long i = 0; i < augassign_iters; i++) {
        PyObject *r = PyNumber_InPlaceAdd(OBJ(cnt), OBJ(one));
        PyDict_SetItem(OBJ(globals), OBJ(cnt), r);
    }
    return NULL;
}

static int scenario_threads(int nthreads, long iters) {
    pthread_t tids[64];
    struct fake_object *globals = new_object();
    augassign_iters = iters;
    if (nthreads > 64) {
        nthreads = 64;
    }
    for (int i = 0; i < nthreads; i++) {
        pthread_create(&tids[i], NULL, augassign_thread, globals);
    }
    for (int i = 0; i < nthreads; i++) {
        pthread_join(tids[i], NULL);
    }
    return 0;
}

/* Only list appends, from the main thread: the noise decisions of thread 0. */
static int scenario_appends(long n) {
    struct fake_object *a = new_object(), *b = new_object();
    for (long i = 0; i < n; i++) {
        PyList_Append(OBJ(a), OBJ(b));
    }
    return 0;
}

/* A fork()ed child that exits normally (running atexit handlers) while the parent goes on. */
static int scenario_fork(long n) {
    struct fake_object *a = new_object(), *b = new_object();
    for (long i = 0; i < n; i++) {
        PyList_Append(OBJ(a), OBJ(b));
    }
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < 3; i++) {
            PySet_Add(OBJ(a), OBJ(b));
        }
        exit(0);
    }
    waitpid(pid, NULL, 0);
    PyList_Append(OBJ(a), OBJ(b));
    return 0;
}

/* ---- anomaly scenarios: each noinline so that it shows up in the recorded stack ---- */

__attribute__((noinline)) static void scenario_negative_refcount(void) {
    struct fake_object *o = new_object();
    o->ob_tid = 0;
    o->ob_ref_local = 0;
    o->ob_ref_shared = 0x3; /* merged, refcount zero: one decref too many */
    _Py_DecRefShared(OBJ(o));
    o->ob_ref_shared = (-2 * 4) | 0x3; /* merged, negative */
    _Py_Dealloc(OBJ(o));
}

__attribute__((noinline)) static void scenario_null_type(void) {
    struct fake_object *o = new_object();
    o->ob_type = NULL;
    _Py_DecRefShared(OBJ(o));
}

__attribute__((noinline)) static void scenario_double_dealloc(void) {
    struct fake_object *o = new_object();
    o->ob_ref_local = 0;
    _Py_Dealloc(OBJ(o));
    _Py_Dealloc(OBJ(o)); /* reported */
}

/* A death, then a new object at the same address, then its death: nothing to report. */
__attribute__((noinline)) static void scenario_reborn(void) {
    struct fake_object *o = new_object();
    _Py_Dealloc(OBJ(o));
    _Py_NewReference(OBJ(o));
    _Py_Dealloc(OBJ(o));
    /* same through the allocator: the LIFO pool hands the freed block back */
    struct fake_object *p = PyObject_Malloc(sizeof *p);
    memset(p, 0, sizeof *p);
    p->ob_type = fake_type_storage;
    _Py_Dealloc(OBJ(p));
    PyObject_Free(p);
    struct fake_object *q = PyObject_Malloc(sizeof *q);
    if (q != p) {
        fprintf(stderr, "shim_child: the fake pool did not reuse the block\n");
        exit(3);
    }
    _Py_Dealloc(OBJ(q));
    /* the address seen alive in an ordinary call also counts as evidence */
    PyList_Append(OBJ(q), OBJ(o));
    _Py_Dealloc(OBJ(q));
}

/* __del__ may resurrect an object whose finalizer ran: its next death is legitimate. */
__attribute__((noinline)) static void scenario_finalized(void) {
    struct fake_object *o = new_object();
    o->ob_ref_local = 0;
    _Py_Dealloc(OBJ(o));
    o->ob_gc_bits |= 2; /* _PyGC_BITS_FINALIZED */
    _Py_Dealloc(OBJ(o));
}

/* A non-GC object (no FINALIZED bit) that __del__ resurrected: after the dealloc returns it
 * has a refcount again (the fake dealloc leaves the local count of 1 in place). */
__attribute__((noinline)) static void scenario_resurrected(void) {
    struct fake_object *o = new_object();
    _Py_Dealloc(OBJ(o));
    o->ob_ref_local = 0;
    _Py_Dealloc(OBJ(o)); /* its real death: not a double one */
    _Py_Dealloc(OBJ(o)); /* and this one is */
}

__attribute__((noinline)) static void scenario_freed_then_decref(void) {
    struct fake_object *o = PyObject_Malloc(sizeof *o);
    memset(o, 0, sizeof *o);
    o->ob_type = fake_type_storage;
    o->ob_ref_shared = 4;
    PyObject_GC_Del(o);
    o->ob_gc_bits |= 2;       /* no excuse once the memory is freed */
    _Py_DecRefShared(OBJ(o)); /* reported: decref_after_dealloc */
}

/* _Py_MergeZeroLocalRefcount is a certain death only when the shared count is zero. */
__attribute__((noinline)) static void scenario_merge_zero(void) {
    struct fake_object *o = new_object();
    o->ob_ref_local = 0;
    o->ob_ref_shared = 4; /* another thread holds a reference: not recorded */
    _Py_MergeZeroLocalRefcount(OBJ(o));
    o->ob_ref_shared = 0;
    _Py_MergeZeroLocalRefcount(OBJ(o)); /* recorded */
    _Py_MergeZeroLocalRefcount(OBJ(o)); /* reported: double_dealloc */
}

/* ---- crashes ---- */

__attribute__((noinline)) static void scenario_crash_segv(void) {
    volatile int *volatile p = NULL;
    *p = 1; // NOLINT(clang-analyzer-core.NullDereference): the crash is the point
}

__attribute__((noinline)) static void scenario_crash_abort(void) {
    abort();
}

/* A handler installed after the shim's, as Python's faulthandler is: it runs first, then
 * restores what it displaced (the shim's) and re-raises, as faulthandler does. */
static struct sigaction chained_previous;
static void chained_handler(int sig) {
    static const char msg[] = "shim_child: later handler ran\n";
    (void)!write(2, msg, sizeof msg - 1);
    sigaction(sig, &chained_previous, NULL);
    raise(sig);
}

__attribute__((noinline)) static void scenario_crash_chained(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = chained_handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &chained_previous);
    scenario_crash_segv();
}

static void *crash_thread(void *arg) {
    (void)arg;
    struct fake_object *a = new_object();
    Py_IncRef(OBJ(a)); /* become thread 1 */
    scenario_crash_segv();
    return NULL;
}

int main(int argc, char **argv) {
    fakepy_make_type(fake_type_storage, "FakeType");
    if (argc < 2) {
        fprintf(stderr, "usage: shim_child <scenario> [args]\n");
        return 2;
    }
    const char *s = argv[1];
    long n = argc > 2 ? atol(argv[2]) : 1;
    /* Touch the shim from the main thread first, so that it is thread 0. */
    struct fake_object *first = new_object();
    Py_IncRef(OBJ(first));
    if (strcmp(s, "calls") == 0) {
        return scenario_calls(n);
    } else if (strcmp(s, "threads") == 0) {
        return scenario_threads((int)n, argc > 3 ? atol(argv[3]) : 1000);
    } else if (strcmp(s, "appends") == 0) {
        return scenario_appends(n);
    } else if (strcmp(s, "fork") == 0) {
        return scenario_fork(n);
    } else if (strcmp(s, "negative") == 0) {
        scenario_negative_refcount();
    } else if (strcmp(s, "nulltype") == 0) {
        scenario_null_type();
    } else if (strcmp(s, "double") == 0) {
        scenario_double_dealloc();
    } else if (strcmp(s, "reborn") == 0) {
        scenario_reborn();
    } else if (strcmp(s, "resurrected") == 0) {
        scenario_resurrected();
    } else if (strcmp(s, "finalized") == 0) {
        scenario_finalized();
    } else if (strcmp(s, "freed-decref") == 0) {
        scenario_freed_then_decref();
    } else if (strcmp(s, "merge-zero") == 0) {
        scenario_merge_zero();
    } else if (strcmp(s, "crash-segv") == 0) {
        scenario_crash_segv();
    } else if (strcmp(s, "crash-abort") == 0) {
        scenario_crash_abort();
    } else if (strcmp(s, "crash-chained") == 0) {
        scenario_crash_chained();
    } else if (strcmp(s, "crash-thread") == 0) {
        pthread_t t;
        pthread_create(&t, NULL, crash_thread, NULL);
        pthread_join(t, NULL);
    } else if (strcmp(s, "nothing") == 0) {
        return 0;
    } else {
        fprintf(stderr, "shim_child: unknown scenario %s\n", s);
        return 2;
    }
    return 0;
}
