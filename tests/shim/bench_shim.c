/* bench_shim.c - what an intercepted call costs: ns per call through libftshim.so (at each
 * noise level) against a direct call of the same stand-in function, one thread and two.
 *
 * Usage: bench_shim            runs itself once per noise level and prints a table
 *        bench_shim --measure  measures under the current FTSTRESS_NOISE, one line per case
 * Not a test: it asserts nothing (ctest label "bench"). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capi.h"
#include "fakepy.h"
#include "ftshim.h"
#include "shim_test_util.h"

#ifndef FAKEPY_SONAME
#define FAKEPY_SONAME "libftshim_fakepy.so"
#endif

static struct fake_object obj_a, obj_b, obj_c;
#define A ((PyObject *)&obj_a)
#define B ((PyObject *)&obj_b)
#define C ((PyObject *)&obj_c)

enum { ROUNDS = 5 };
/* Calls per round: fewer under high noise, where a call costs a hundred times more. */
static int calls = 5 * 1000 * 1000;

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

typedef int (*append_fn)(PyObject *, PyObject *);
typedef void (*decref_fn)(PyObject *);
typedef PyObject *(*inplace_fn)(PyObject *, PyObject *);
typedef int (*setitem_fn)(PyObject *, PyObject *, PyObject *);

struct fns {
    append_fn append;
    decref_fn decref;
    inplace_fn inplace;
    setitem_fn setitem;
};

/* Best-of-ROUNDS ns per call; volatile function pointers keep every call a real call. */
static double time_case(const struct fns *f, int which) {
    double best = 1e30;
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = now_ns();
        switch (which) {
        case 0:
            for (int i = 0; i < calls; i++) {
                f->append(A, B);
            }
            break;
        case 1:
            for (int i = 0; i < calls; i++) {
                f->decref(A);
            }
            break;
        case 2:
            for (int i = 0; i < calls; i++) {
                f->inplace(A, B);
            }
            break;
        default:
            for (int i = 0; i < calls; i++) {
                f->setitem(A, B, C);
            }
            break;
        }
        double dt = (now_ns() - t0) / calls;
        best = dt < best ? dt : best;
    }
    return best;
}

static const char *const case_names[4] = {"PyList_Append", "_Py_DecRefShared",
                                          "PyNumber_InPlaceAdd", "PyDict_SetItem"};

struct thread_arg {
    const struct fns *f;
    double result;
};

static void *bench_thread(void *p) {
    struct thread_arg *a = p;
    a->result = time_case(a->f, 0);
    return NULL;
}

static int measure(void) {
    fakepy_set_recording(0);
    if (ftshim_noise_level() == FTSHIM_NOISE_HIGH) {
        calls /= 20;
    }
    void *h = dlopen(FAKEPY_SONAME, RTLD_NOW | RTLD_NOLOAD);
    if (h == NULL) {
        fprintf(stderr, "bench_shim: %s is not loaded: %s\n", FAKEPY_SONAME, dlerror());
        return 1;
    }
    obj_a.ob_type = &obj_c;
    obj_a.ob_ref_shared = 400; /* unmerged, positive: the anomaly check's common case */
    struct fns direct = {
        .append = (append_fn)dlsym(h, "PyList_Append"),
        .decref = (decref_fn)dlsym(h, "_Py_DecRefShared"),
        .inplace = (inplace_fn)dlsym(h, "PyNumber_InPlaceAdd"),
        .setitem = (setitem_fn)dlsym(h, "PyDict_SetItem"),
    };
    struct fns shim = {PyList_Append, _Py_DecRefShared, PyNumber_InPlaceAdd, PyDict_SetItem};
    for (int which = 0; which < 4; which++) {
        printf("%s %.2f %.2f\n", case_names[which], time_case(&direct, which),
               time_case(&shim, which));
    }
    /* two threads at once: per-thread counter slots should keep the shim's extra cost
     * what it is with one thread (no shared cache line is written) */
    double two[2];
    const struct fns *which_fns[2] = {&direct, &shim};
    for (int k = 0; k < 2; k++) {
        struct thread_arg ta[2] = {{which_fns[k], 0}, {which_fns[k], 0}};
        pthread_t t[2];
        for (int i = 0; i < 2; i++) {
            pthread_create(&t[i], NULL, bench_thread, &ta[i]);
        }
        for (int i = 0; i < 2; i++) {
            pthread_join(t[i], NULL);
        }
        two[k] = (ta[0].result + ta[1].result) / 2;
    }
    printf("PyList_Append(2_threads) %.2f %.2f\n", two[0], two[1]);
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--measure") == 0) {
        return measure();
    }
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        return 1;
    }
    self[n] = '\0';
    char *dir = tu_mkdtemp();
    char *out = tu_path(dir, "out");
    static const char *const levels[3] = {"off", "low", "high"};
    char lines[3][6][128];
    int nlines = 0;
    for (int l = 0; l < 3; l++) {
        char env_noise[32];
        snprintf(env_noise, sizeof env_noise, "FTSTRESS_NOISE=%s", levels[l]);
        const char *env[] = {env_noise, "FTSTRESS_SEED=1", NULL};
        const char *args[] = {self, "--measure", NULL};
        int st = tu_run(args, env, out);
        char *text = tu_read_file(out);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || text == NULL) {
            fprintf(stderr, "bench_shim: measuring noise=%s failed:\n%s\n", levels[l],
                    text ? text : "");
            return 1;
        }
        nlines = 0;
        for (char *s = strtok(text, "\n"); s != NULL && nlines < 6; s = strtok(NULL, "\n")) {
            snprintf(lines[l][nlines++], sizeof lines[l][0], "%s", s);
        }
        free(text);
    }
    printf("bench_shim: ns per call, best of %d rounds of %d calls (%d under high noise), "
           "stand-in libpython\n",
           ROUNDS, calls, calls / 20);
    printf("%-26s %8s %10s %10s %10s\n", "function", "direct", "shim:off", "shim:low", "shim:high");
    for (int i = 0; i < nlines; i++) {
        char name[64], direct[16], v[3][16];
        for (int l = 0; l < 3; l++) {
            sscanf(lines[l][i], "%63s %15s %15s", name, direct, v[l]);
        }
        printf("%-26s %8s %10s %10s %10s\n", name, direct, v[0], v[1], v[2]);
    }
    tu_rmtree(dir);
    free(dir);
    free(out);
    return 0;
}
