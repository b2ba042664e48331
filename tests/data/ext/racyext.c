/* racyext: a deliberately racy C extension for ftstress's own tests.
 *
 * bump() increments a C global without any lock: called from several threads
 * of a free-threaded interpreter it is a data race that ThreadSanitizer must
 * report, naming bump_counter() in this file. bump_locked() does the same under
 * a PyMutex: its twin, which must stay quiet.
 *
 * Both first wait, briefly, for a second caller (meet_another_caller): a race
 * detector only sees a race when the two threads' accesses are not ordered by
 * anything, and on a busy machine two threads may otherwise take turns. The
 * meeting uses relaxed atomics, which order nothing, so it adds no
 * happens-before edge that would hide the race; the twin's PyMutex does. */
#include <Python.h>
#include <sched.h>
#include <time.h>

static long racy_counter;
static long locked_counter;
static PyMutex counter_mutex;
static int callers_arrived;

/* Waits up to 200 ms until a later caller arrives (an odd number of callers
 * so far means this one has no partner yet). It yields the CPU while it
 * waits: on a loaded machine the partner may otherwise not get one in time. */
static void meet_another_caller(void) {
    int me = __atomic_add_fetch(&callers_arrived, 1, __ATOMIC_RELAXED);
    if (me % 2 == 0) {
        return;
    }
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long spins = 0;; spins++) {
        if (__atomic_load_n(&callers_arrived, __ATOMIC_RELAXED) > me) {
            return;
        }
        if (spins % 256 == 255) {
            sched_yield();
            clock_gettime(CLOCK_MONOTONIC, &now);
            if ((now.tv_sec - start.tv_sec) * 1000000000L + (now.tv_nsec - start.tv_nsec) >
                200000000L) {
                return;
            }
        }
    }
}

/* Kept out of line so the report names it, as a real extension's helper would be. */
static __attribute__((noinline)) void bump_counter(void) {
    racy_counter++;
}

static __attribute__((noinline)) void bump_counter_locked(void) {
    PyMutex_Lock(&counter_mutex);
    locked_counter++;
    PyMutex_Unlock(&counter_mutex);
}

static PyObject *racyext_bump(PyObject *module, PyObject *arg) {
    long n = PyLong_AsLong(arg);
    if (n == -1 && PyErr_Occurred()) {
        return NULL;
    }
    meet_another_caller();
    for (long i = 0; i < n; i++) {
        bump_counter();
    }
    Py_RETURN_NONE;
}

static PyObject *racyext_bump_locked(PyObject *module, PyObject *arg) {
    long n = PyLong_AsLong(arg);
    if (n == -1 && PyErr_Occurred()) {
        return NULL;
    }
    meet_another_caller();
    for (long i = 0; i < n; i++) {
        bump_counter_locked();
    }
    Py_RETURN_NONE;
}

static PyMethodDef racyext_methods[] = {
    {"bump", racyext_bump, METH_O, "bump(n): add 1 to a C global n times, without a lock."},
    {"bump_locked", racyext_bump_locked, METH_O, "bump_locked(n): the same under a PyMutex."},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot racyext_slots[] = {
    /* It declares itself free-threading ready, so importing it keeps the GIL off. */
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
    {0, NULL},
};

static struct PyModuleDef racyext_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "racyext",
    .m_doc = "A deliberately racy extension for ftstress's tests.",
    .m_size = 0,
    .m_methods = racyext_methods,
    .m_slots = racyext_slots,
};

PyMODINIT_FUNC PyInit_racyext(void) {
    return PyModuleDef_Init(&racyext_module);
}
