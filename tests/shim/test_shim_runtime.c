/* test_shim_runtime.c - libftshim.so preloaded into the real instrumented interpreter.
 *
 * The runtime is $FTSTRESS_TEST_RUNTIME, else <cache>/runtimes/default-tsan (cache as
 * ftstress resolves it: $FTSTRESS_CACHE, ${XDG_CACHE_HOME:-~/.cache}/ftstress). Every test
 * skips when that runtime has not been built. The counter values and the interpreter's own
 * output are printed, so a run of this test documents what the shim sees. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "shim_test_util.h"

#ifndef FTSHIM_LIB
#error "FTSHIM_LIB must name libftshim.so"
#endif

static char runtime_dir[3072];
static char python[4096];
static char suppressions[4096];

static int find_runtime(void) {
    const char *rt = getenv("FTSTRESS_TEST_RUNTIME");
    if (rt != NULL && *rt) {
        snprintf(runtime_dir, sizeof runtime_dir, "%s", rt);
    } else {
        const char *cache = getenv("FTSTRESS_CACHE");
        const char *xdg = getenv("XDG_CACHE_HOME");
        const char *home = getenv("HOME");
        if (cache != NULL && *cache) {
            snprintf(runtime_dir, sizeof runtime_dir, "%s/runtimes/default-tsan", cache);
        } else if (xdg != NULL && *xdg) {
            snprintf(runtime_dir, sizeof runtime_dir, "%s/ftstress/runtimes/default-tsan", xdg);
        } else {
            snprintf(runtime_dir, sizeof runtime_dir, "%s/.cache/ftstress/runtimes/default-tsan",
                     home != NULL && *home ? home : "/tmp");
        }
    }
    snprintf(python, sizeof python, "%s/bin/python3.13t", runtime_dir);
    if (access(python, X_OK) != 0) {
        snprintf(python, sizeof python, "%s/bin/python3", runtime_dir);
        if (access(python, X_OK) != 0) {
            return -1;
        }
    }
    snprintf(suppressions, sizeof suppressions, "%s/share/ftstress/suppressions_free_threading.txt",
             runtime_dir);
    return 0;
}

struct fixture {
    char *dir, *stats, *anomalies, *crash, *out;
};

static int setup(void **state) {
    struct fixture *f = calloc(1, sizeof *f);
    f->dir = tu_mkdtemp();
    if (f->dir == NULL) {
        free(f);
        return -1;
    }
    f->stats = tu_path(f->dir, "stats.txt");
    f->anomalies = tu_path(f->dir, "anomalies.txt");
    f->crash = tu_path(f->dir, "crash.txt");
    f->out = tu_path(f->dir, "out");
    *state = f;
    return 0;
}

static int teardown(void **state) {
    struct fixture *f = *state;
    tu_rmtree(f->dir);
    free(f->dir);
    free(f->stats);
    free(f->anomalies);
    free(f->crash);
    free(f->out);
    free(f);
    return 0;
}

static char *kv(const char *k, const char *v) {
    size_t n = strlen(k) + strlen(v) + 2;
    char *s = malloc(n);
    snprintf(s, n, "%s=%s", k, v);
    return s;
}

/* Runs python -c script under the shim with extra "K=V" settings (NULL-terminated list). */
static int run_python(struct fixture *f, const char *script, const char *const extra[],
                      const char *const pyargs[]) {
    if (find_runtime() != 0) {
        skip();
    }
    char tsan[8192] = "TSAN_OPTIONS=";
    if (access(suppressions, R_OK) == 0) {
        snprintf(tsan, sizeof tsan, "TSAN_OPTIONS=suppressions=%s", suppressions);
    }
    const char *env[16];
    int n = 0;
    env[n++] = "LD_PRELOAD=" FTSHIM_LIB;
    env[n++] = tsan;
    env[n++] = "PYTHONDONTWRITEBYTECODE=1";
    for (int i = 0; extra != NULL && extra[i] != NULL && n < 15; i++) {
        env[n++] = extra[i];
    }
    env[n] = NULL;
    const char *argv[12];
    int a = 0;
    argv[a++] = python;
    for (int i = 0; pyargs != NULL && pyargs[i] != NULL && a < 9; i++) {
        argv[a++] = pyargs[i];
    }
    argv[a++] = "-c";
    argv[a++] = script;
    argv[a] = NULL;
    return tu_run(argv, env, f->out);
}

static void print_output(struct fixture *f, const char *what) {
    char *out = tu_read_file(f->out);
    printf("--- %s: interpreter output ---\n%s", what, out != NULL ? out : "");
    if (out != NULL && *out && out[strlen(out) - 1] != '\n') {
        printf("\n");
    }
    free(out);
}

static const char augassign[] = "import threading\n"
                                "cnt = 0\n"
                                "def work():\n"
                                "    global cnt\n"
                                "    for _ in range(20000):\n"
                                "        cnt += 1\n"
                                "ts = [threading.Thread(target=work) for _ in range(2)]\n"
                                "for t in ts: t.start()\n"
                                "for t in ts: t.join()\n"
                                "print('cnt', cnt, 'of', 40000)\n";

static void print_counters(const char *text, const char *const keys[]) {
    char v[32] = "";
    tu_stats_str(text, "exit", v, sizeof v);
    printf("  exit=%s pid=%llu\n", v, (unsigned long long)tu_stats_u64(text, "pid"));
    for (int i = 0; keys[i] != NULL; i++) {
        printf("  %s=%llu\n", keys[i], (unsigned long long)tu_stats_u64(text, keys[i]));
    }
}

static const char *const shown[] = {"threads",
                                    "number_inplace",
                                    "number_inplace_add",
                                    "dict_setitem",
                                    "decref_shared",
                                    "merge_zero_local",
                                    "dealloc",
                                    "new_reference",
                                    "object_malloc",
                                    "object_free",
                                    "gc_del",
                                    "noise_yields",
                                    "noise_spins",
                                    "noise_sleeps",
                                    "anomaly_records",
                                    NULL};

/* Two threads doing `cnt += 1` on a global: BINARY_OP (+=) reaches PyNumber_InPlaceAdd and
 * STORE_GLOBAL reaches PyDict_SetItem, both through the shim. */
static void test_runtime_augassign_counted(void **state) {
    struct fixture *f = *state;
    char *e_stats = kv("FTSTRESS_SHIM_STATS", f->stats);
    const char *extra[] = {e_stats, NULL};
    int st = run_python(f, augassign, extra, NULL);
    print_output(f, "cnt += 1, noise off");
    assert_true(WIFEXITED(st));
    char *text = tu_read_file(f->stats);
    assert_non_null(text);
    printf("stats (noise off):\n");
    print_counters(text, shown);
    char v[32];
    assert_int_equal(tu_stats_str(text, "exit", v, sizeof v), 0);
    assert_true(tu_stats_u64(text, "number_inplace") > 0);
    assert_true(tu_stats_u64(text, "dict_setitem") > 0);
    /* every `cnt += 1` went through both */
    assert_true(tu_stats_u64(text, "number_inplace_add") >= 40000);
    assert_true(tu_stats_u64(text, "dict_setitem") >= 40000);
    assert_int_equal(tu_stats_u64(text, "noise_yields"), 0);
    free(text);
    free(e_stats);
}

static void test_runtime_augassign_high_noise(void **state) {
    struct fixture *f = *state;
    char *e_stats = kv("FTSTRESS_SHIM_STATS", f->stats);
    const char *extra[] = {e_stats, "FTSTRESS_NOISE=high", "FTSTRESS_SEED=1", NULL};
    int st = run_python(f, augassign, extra, NULL);
    print_output(f, "cnt += 1, noise high");
    assert_true(WIFEXITED(st));
    char *text = tu_read_file(f->stats);
    assert_non_null(text);
    printf("stats (noise high):\n");
    print_counters(text, shown);
    assert_true(tu_stats_u64(text, "number_inplace_add") >= 40000);
    assert_true(tu_stats_u64(text, "noise_yields") > 0);
    assert_true(tu_stats_u64(text, "noise_spins") > 0);
    free(text);
    free(e_stats);
}

/* A busy mixed workload must produce no anomaly: shared containers, float and tuple
 * freelists, finalizers that resurrect, weakrefs, cyclic garbage, threads dying. */
static const char workload[] =
    "import gc, threading, weakref\n"
    "shared = {}\n"
    "lst = []\n"
    "keep = []\n"
    "class Phoenix:\n"
    "    def __del__(self):\n"
    "        if len(keep) < 50: keep.append(self)\n"
    "class Node:\n"
    "    def __init__(self): self.other = None\n"
    "def work(tid):\n"
    "    acc = 0.0\n"
    "    for i in range(3000):\n"
    "        acc += i * 0.5\n"
    "        shared[i % 64] = (tid, i, acc)\n"
    "        lst.append(str(i))\n"
    "        if len(lst) > 100: lst.pop(0)\n"
    "        p = Phoenix(); del p\n"
    "        a, b = Node(), Node(); a.other, b.other = b, a\n"
    "        r = weakref.ref(a); del a, b\n"
    "        s = {i, i + 1}; s.discard(i)\n"
    "        if i % 500 == 0: gc.collect()\n"
    "    keep.clear()\n"
    "for rnd in range(3):\n"
    "    ts = [threading.Thread(target=work, args=(k,)) for k in range(3)]\n"
    "    for t in ts: t.start()\n"
    "    for t in ts: t.join()\n"
    "print('workload done', len(shared), len(lst))\n";

static void test_runtime_no_false_anomalies(void **state) {
    struct fixture *f = *state;
    char *e_stats = kv("FTSTRESS_SHIM_STATS", f->stats);
    char *e_anom = kv("FTSTRESS_SHIM_ANOMALIES", f->anomalies);
    const char *extra[] = {e_stats, e_anom, "FTSTRESS_NOISE=low", NULL};
    int st = run_python(f, workload, extra, NULL);
    print_output(f, "mixed workload");
    assert_true(WIFEXITED(st));
    char *text = tu_read_file(f->stats);
    assert_non_null(text);
    printf("stats (anomaly tracking on):\n");
    print_counters(text, shown);
    char *anomalies = tu_read_file(f->anomalies);
    if (anomalies != NULL) {
        printf("--- anomalies ---\n%s", anomalies);
    }
    assert_true(anomalies == NULL || anomalies[0] == '\0');
    assert_int_equal(tu_stats_u64(text, "anomaly_double_dealloc"), 0);
    assert_int_equal(tu_stats_u64(text, "anomaly_decref_after_dealloc"), 0);
    assert_int_equal(tu_stats_u64(text, "anomaly_negative_refcount"), 0);
    assert_int_equal(tu_stats_u64(text, "anomaly_null_type"), 0);
    free(anomalies);
    free(text);
    free(e_stats);
    free(e_anom);
}

/* A real over-decref: ctypes drops a reference the code does not own. The victim is owned
 * by the main thread and also referenced from another thread, so that after the owner's
 * count runs out it is merged, and its death and the later decref of the dangling `y` both
 * take the shared path: _Py_DecRefShared on freed memory whose merged count is zero. */
static const char overdecref[] = "import ctypes, threading\n"
                                 "decref = ctypes.pythonapi.Py_DecRef\n"
                                 "decref.argtypes = [ctypes.py_object]\n"
                                 "decref.restype = None\n"
                                 "class Victim: pass\n"
                                 "box = []\n"
                                 "holder = {}\n"
                                 "def grab(): box.append(holder['v'])\n"
                                 "def f():\n"
                                 "    x = Victim()\n"
                                 "    holder['v'] = x\n"
                                 "    y = x\n"
                                 "    th = threading.Thread(target=grab); th.start(); th.join()\n"
                                 "    del holder['v']\n"
                                 "    decref(x)\n"
                                 "    del x\n"
                                 "    box.clear()\n"
                                 "    del y\n"
                                 "f()\n"
                                 "print('survived')\n";

static void test_runtime_detects_overdecref(void **state) {
    struct fixture *f = *state;
    char *e_anom = kv("FTSTRESS_SHIM_ANOMALIES", f->anomalies);
    const char *extra[] = {e_anom, NULL};
    int st = run_python(f, overdecref, extra, NULL);
    print_output(f, "ctypes over-decref");
    (void)st; /* the interpreter may well crash afterwards: that is the bug */
    char *anomalies = tu_read_file(f->anomalies);
    assert_non_null(anomalies);
    printf("--- anomalies ---\n%s", anomalies);
    assert_non_null(strstr(anomalies, "anomaly decref_after_dealloc"));
    assert_non_null(strstr(anomalies, "type=Victim"));
    assert_non_null(strstr(anomalies, "libpython3.13t.so"));
    free(anomalies);
    free(e_anom);
}

/* A segfault in C code called from Python: our record, then faulthandler and TSan. */
static void test_runtime_crash_recorded(void **state) {
    struct fixture *f = *state;
    char *e_crash = kv("FTSTRESS_SHIM_CRASH", f->crash);
    char *e_stats = kv("FTSTRESS_SHIM_STATS", f->stats);
    const char *extra[] = {e_crash, e_stats, NULL};
    const char *pyargs[] = {"-X", "faulthandler", NULL};
    int st = run_python(f, "import ctypes\nctypes.string_at(0)\n", extra, pyargs);
    print_output(f, "segfault");
    char *out = tu_read_file(f->out);
    assert_non_null(out);
    /* Chained all the way: faulthandler (installed after us) ran first, then our handler,
     * then TSan's deadly-signal handler, which ends the process with its exit code, just
     * as it does without the shim; without TSan the process dies of SIGSEGV. */
    assert_non_null(strstr(out, "Fatal Python error: Segmentation fault"));
    if (strstr(out, "ThreadSanitizer:DEADLYSIGNAL") != NULL) {
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) != 0);
    } else {
        assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
    }
    /* nothing in our handler may look like a signal-unsafe call to TSan (no malloc) */
    assert_null(strstr(out, "signal-unsafe call inside of a signal"));
    free(out);
    char *crash = tu_read_file(f->crash);
    assert_non_null(crash);
    printf("--- crash record ---\n%s", crash);
    assert_true(strncmp(crash, "crash signal=11 thread=0\n  #0 ", 30) == 0);
    assert_non_null(strstr(crash, "libpython3.13t.so"));
    assert_non_null(strstr(crash, " _PyEval_EvalFrameDefault+0x"));
    char *stats = tu_read_file(f->stats);
    assert_non_null(stats);
    char v[32];
    assert_int_equal(tu_stats_str(stats, "exit", v, sizeof v), 0);
    assert_string_equal(v, "signal:11");
    free(stats);
    free(crash);
    free(e_crash);
    free(e_stats);
}

/* shims/capi.h against the runtime's Python.h: same prototypes, same object layout. */
static void test_runtime_capi_matches_headers(void **state) {
    struct fixture *f = *state;
    if (find_runtime() != 0) {
        skip();
    }
    char inc[4096];
    snprintf(inc, sizeof inc, "-I%s/include/python3.13t", runtime_dir);
    const char *argv[] = {FTSHIM_CC,
                          "-fsyntax-only",
                          "-std=c11",
                          "-Werror",
                          inc,
                          "-I" FTSHIM_INCLUDE, // NOLINT(bugprone-suspicious-missing-comma)
                          CHECK_CAPI_SRC,
                          NULL};
    int st = tu_run(argv, NULL, f->out);
    char *out = tu_read_file(f->out);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fail_msg("check_capi.c does not compile against %s:\n%s", inc, out ? out : "");
    }
    free(out);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_runtime_capi_matches_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_runtime_augassign_counted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_runtime_augassign_high_noise, setup, teardown),
        cmocka_unit_test_setup_teardown(test_runtime_no_false_anomalies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_runtime_detects_overdecref, setup, teardown),
        cmocka_unit_test_setup_teardown(test_runtime_crash_recorded, setup, teardown),
    };
    return cmocka_run_group_tests_name("shim_runtime", tests, NULL, NULL);
}
