/* test_shim.c - tests of libftshim.so against the stand-in libpython (fakepy).
 *
 * In-process tests call the interposed functions directly (this program links the shim
 * before the fake, as LD_PRELOAD puts the shim before libpython); everything that depends
 * on the environment the shim reads at startup runs shim_child with that environment. */
#include <pthread.h>
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

#include "capi.h"
#include "fakepy.h"
#include "ftshim.h"
#include "shim_test_util.h"

#if !defined(SHIM_CHILD) || !defined(FTSHIM_LIB)
#error "SHIM_CHILD and FTSHIM_LIB must name shim_child and libftshim.so"
#endif

/* ---- helpers ---- */

static struct fake_object objs[3];
#define A ((PyObject *)&objs[0])
#define B ((PyObject *)&objs[1])
#define C ((PyObject *)&objs[2])

static void expect_last(const char *name, void *a, void *b, void *c, ssize_t n) {
    struct fakepy_call last = fakepy_last();
    assert_non_null(last.name);
    assert_string_equal(last.name, name);
    assert_ptr_equal(last.a, a);
    assert_ptr_equal(last.b, b);
    assert_ptr_equal(last.c, c);
    assert_int_equal(last.n, n);
}

/* Runs shim_child <args...> with env; returns its wait status; stdout+stderr to <dir>/out. */
static int run_child(const char *dir, const char *const env[], ...) {
    const char *argv[8] = {SHIM_CHILD};
    int argc = 1;
    va_list ap;
    va_start(ap, env);
    const char *a;
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start above
    while (argc < 7 && (a = va_arg(ap, const char *)) != NULL) {
        argv[argc++] = a;
    }
    va_end(ap);
    argv[argc] = NULL;
    char *out = tu_path(dir, "out");
    int status = tu_run(argv, env, out);
    free(out);
    return status;
}

static char *env_kv(const char *key, const char *value) {
    size_t n = strlen(key) + strlen(value) + 2;
    char *s = malloc(n);
    snprintf(s, n, "%s=%s", key, value);
    return s;
}

struct fixture {
    char *dir;
    char *stats, *anomalies, *crash, *out;
};

static int setup_dir(void **state) {
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

static int teardown_dir(void **state) {
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

/* ---- forwarding and counting, in process ---- */

static void test_forwards_arguments_and_results(void **state) {
    (void)state;
    fakepy_reset();
    uint64_t appends = ftshim_counter("list_append");
    uint64_t inplace = ftshim_counter("number_inplace");
    uint64_t ors = ftshim_counter("number_inplace_or");

    assert_int_equal(PyList_Append(A, B), 11);
    expect_last("PyList_Append", A, B, NULL, 0);
    assert_int_equal(PyList_SetItem(A, 5, B), 12);
    expect_last("PyList_SetItem", A, B, NULL, 5);
    assert_int_equal(PyList_Insert(A, -1, C), 13);
    expect_last("PyList_Insert", A, C, NULL, -1);
    assert_ptr_equal(PyList_GetItem(A, 7), (char *)A + 14);
    expect_last("PyList_GetItem", A, NULL, NULL, 7);
    assert_ptr_equal(PyList_GetItemRef(A, 8), (char *)A + 15);
    expect_last("PyList_GetItemRef", A, NULL, NULL, 8);
    assert_int_equal(PyDict_SetItem(A, B, C), 16);
    expect_last("PyDict_SetItem", A, B, C, 0);
    assert_int_equal(PyDict_DelItem(A, B), 17);
    expect_last("PyDict_DelItem", A, B, NULL, 0);
    assert_ptr_equal(PyDict_GetItem(A, B), (char *)B + 18);
    PyObject *res = NULL;
    assert_int_equal(PyDict_GetItemRef(A, B, &res), 1);
    assert_ptr_equal(res, (char *)B + 19);
    expect_last("PyDict_GetItemRef", A, B, &res, 0);
    assert_ptr_equal(PyDict_GetItemWithError(C, A), (char *)A + 20);
    expect_last("PyDict_GetItemWithError", C, A, NULL, 0);
    assert_int_equal(PySet_Add(A, B), 21);
    assert_int_equal(PySet_Discard(A, B), 22);
    expect_last("PySet_Discard", A, B, NULL, 0);
    assert_ptr_equal(PyNumber_InPlaceAdd(B, C), (char *)B + 30);
    expect_last("PyNumber_InPlaceAdd", B, C, NULL, 0);
    assert_ptr_equal(PyNumber_InPlaceOr(B, C), (char *)B + 42);
    assert_ptr_equal(PyNumber_InPlacePower(A, B, C), (char *)A + 37);
    expect_last("PyNumber_InPlacePower", A, B, C, 0);
    assert_int_equal(PyObject_SetItem(A, B, C), 43);
    expect_last("PyObject_SetItem", A, B, C, 0);
    assert_int_equal(PyObject_SetAttr(A, B, NULL), 44);
    expect_last("PyObject_SetAttr", A, B, NULL, 0);
    Py_IncRef(C);
    expect_last("Py_IncRef", C, NULL, NULL, 0);
    Py_DecRef(C);
    expect_last("Py_DecRef", C, NULL, NULL, 0);
    _Py_NewReference(B);
    expect_last("_Py_NewReference", B, NULL, NULL, 0);
    void *m = PyObject_Malloc(48);
    assert_non_null(m);
    expect_last("PyObject_Malloc", NULL, NULL, NULL, 48);
    PyObject_Free(m);
    expect_last("PyObject_Free", m, NULL, NULL, 0);

    /* each fake saw exactly one call, and the shim counted each */
    assert_int_equal(fakepy_count("PyList_Append"), 1);
    assert_int_equal(fakepy_count("PyNumber_InPlaceOr"), 1);
    assert_int_equal(ftshim_counter("list_append") - appends, 1);
    assert_int_equal(ftshim_counter("number_inplace_or") - ors, 1);
    assert_int_equal(ftshim_counter("number_inplace") - inplace, 3);
    assert_true(ftshim_counter("no_such_counter") == UINT64_MAX);
}

static void test_refcount_paths_forward(void **state) {
    (void)state;
    struct fake_object o;
    memset(&o, 0, sizeof o);
    o.ob_type = &objs[2]; /* any non-NULL type */
    o.ob_ref_shared = 8;  /* two shared references, not merged: nothing anomalous */
    uint64_t before = ftshim_counter("decref_shared");
    uint64_t neg = ftshim_counter("anomaly_negative_refcount");
    _Py_DecRefShared((PyObject *)&o);
    expect_last("_Py_DecRefShared", &o, NULL, NULL, 0);
    _Py_MergeZeroLocalRefcount((PyObject *)&o);
    expect_last("_Py_MergeZeroLocalRefcount", &o, NULL, NULL, 0);
    _Py_Dealloc((PyObject *)&o);
    expect_last("_Py_Dealloc", &o, NULL, NULL, 0);
    assert_int_equal(ftshim_counter("decref_shared") - before, 1);
    assert_int_equal(ftshim_counter("anomaly_negative_refcount"), neg);
}

static void *set_add_body(void *arg) {
    (void)arg;
    for (int i = 0; i < 50000; i++) {
        PySet_Add(A, B);
    }
    return NULL;
}

/* Per-thread counter slots add up: no event is lost across threads. */
static void test_counts_from_many_threads(void **state) {
    (void)state;
    enum { THREADS = 4 };
    uint64_t before = ftshim_counter("set_add");
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_create(&t[i], NULL, set_add_body, NULL), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
    }
    assert_int_equal(ftshim_counter("set_add") - before, THREADS * 50000);
}

/* ---- noise decisions ---- */

static void test_noise_same_seed_same_sequence(void **state) {
    (void)state;
    for (int level = FTSHIM_NOISE_LOW; level <= FTSHIM_NOISE_HIGH; level++) {
        uint64_t s1 = ftshim_noise_thread_seed(42, 3), s2 = ftshim_noise_thread_seed(42, 3);
        assert_true(s1 == s2);
        for (int i = 0; i < 100000; i++) {
            uint32_t a1, a2;
            int d1 = ftshim_noise_decide(&s1, level, &a1);
            int d2 = ftshim_noise_decide(&s2, level, &a2);
            assert_int_equal(d1, d2);
            assert_int_equal(a1, a2);
        }
    }
}

/* Decision sequences of 4096 draws, as one string of action digits. */
static void noise_sequence(uint64_t seed, uint64_t index, int level, char *out, int n) {
    uint64_t st = ftshim_noise_thread_seed(seed, index);
    for (int i = 0; i < n; i++) {
        uint32_t amount;
        out[i] = (char)('0' + ftshim_noise_decide(&st, level, &amount));
    }
    out[n] = '\0';
}

static void test_noise_different_seeds_differ(void **state) {
    (void)state;
    static char a[4097], b[4097], c[4097], d[4097];
    noise_sequence(42, 0, FTSHIM_NOISE_HIGH, a, 4096);
    noise_sequence(43, 0, FTSHIM_NOISE_HIGH, b, 4096);
    noise_sequence(42, 1, FTSHIM_NOISE_HIGH, c, 4096);
    noise_sequence(0, 0, FTSHIM_NOISE_HIGH, d, 4096);
    assert_string_not_equal(a, b);
    assert_string_not_equal(a, c);
    assert_string_not_equal(b, c);
    assert_string_not_equal(a, d);
    /* and the states themselves differ, so not only the rare actions */
    assert_true(ftshim_noise_thread_seed(42, 0) != ftshim_noise_thread_seed(43, 0));
    assert_true(ftshim_noise_thread_seed(42, 0) != ftshim_noise_thread_seed(42, 1));
}

static void test_noise_rates_and_amounts(void **state) {
    (void)state;
    enum { N = 1 << 20 };
    uint64_t st = ftshim_noise_thread_seed(7, 0);
    long counts[4] = {0};
    for (int i = 0; i < N; i++) {
        uint32_t amount = 99;
        int act = ftshim_noise_decide(&st, FTSHIM_NOISE_OFF, &amount);
        assert_int_equal(act, FTSHIM_ACT_NONE);
        assert_int_equal(amount, 0);
    }
    for (int i = 0; i < N; i++) {
        uint32_t amount;
        counts[ftshim_noise_decide(&st, FTSHIM_NOISE_LOW, &amount)]++;
    }
    /* low: 1/64 yields, nothing else; binomial sd ~ 127 around 16384 */
    assert_in_range(counts[FTSHIM_ACT_YIELD], N / 64 - 1000, N / 64 + 1000);
    assert_int_equal(counts[FTSHIM_ACT_SPIN] + counts[FTSHIM_ACT_SLEEP], 0);
    memset(counts, 0, sizeof counts);
    for (int i = 0; i < N; i++) {
        uint32_t amount;
        int act = ftshim_noise_decide(&st, FTSHIM_NOISE_HIGH, &amount);
        counts[act]++;
        if (act == FTSHIM_ACT_SPIN) {
            assert_in_range(amount, 1, 256);
        } else if (act == FTSHIM_ACT_SLEEP) {
            assert_in_range(amount, 1000, 20000);
        } else {
            assert_int_equal(amount, 0);
        }
    }
    /* high: 1/1024 sleeps; of the rest 1/8 act, half yield half spin */
    assert_in_range(counts[FTSHIM_ACT_SLEEP], N / 1024 - 150, N / 1024 + 150);
    assert_in_range(counts[FTSHIM_ACT_YIELD], N / 16 - 1500, N / 16 + 1500);
    assert_in_range(counts[FTSHIM_ACT_SPIN], N / 16 - 1500, N / 16 + 1500);
}

/* With FTSTRESS_NOISE unset (as ctest runs this), intercepted calls inject nothing. */
static void test_noise_off_injects_nothing(void **state) {
    (void)state;
    if (ftshim_noise_level() != FTSHIM_NOISE_OFF) {
        skip(); /* someone ran the tests with FTSTRESS_NOISE set */
    }
    uint64_t y = ftshim_counter("noise_yields"), s = ftshim_counter("noise_spins");
    uint64_t z = ftshim_counter("noise_sleeps");
    for (int i = 0; i < 200000; i++) {
        PyNumber_InPlaceAdd(A, B);
        PyDict_SetItem(A, B, C);
    }
    assert_int_equal(ftshim_counter("noise_yields"), y);
    assert_int_equal(ftshim_counter("noise_spins"), s);
    assert_int_equal(ftshim_counter("noise_sleeps"), z);
}

/* ---- the stats file ---- */

static void test_stats_write_on_request(void **state) {
    struct fixture *f = *state;
    PyList_Append(A, B);
    assert_int_equal(ftshim_stats_write(f->stats), 0);
    char *text = tu_read_file(f->stats);
    assert_non_null(text);
    assert_int_equal(tu_stats_u64(text, "ftshim_stats"), 1);
    assert_int_equal(tu_stats_u64(text, "pid"), (uint64_t)getpid());
    char v[32];
    assert_int_equal(tu_stats_str(text, "exit", v, sizeof v), 0);
    assert_string_equal(v, "request");
    assert_true(tu_stats_u64(text, "list_append") >= 1);
    assert_true(tu_stats_u64(text, "list_append") == ftshim_counter("list_append"));
    char *tmp = tu_path(f->dir, "stats.txt.tmp");
    assert_false(tu_exists(tmp));
    free(tmp);
    free(text);
}

/* The file is replaced by rename, never rewritten in place: a reader holding the old file
 * open keeps reading the old, complete content. */
static void test_stats_write_is_atomic_replace(void **state) {
    struct fixture *f = *state;
    FILE *old = fopen(f->stats, "w");
    assert_non_null(old);
    fputs("old=1\n", old);
    fclose(old);
    FILE *reader = fopen(f->stats, "r");
    assert_non_null(reader);
    assert_int_equal(ftshim_stats_write(f->stats), 0);
    char line[64];
    assert_non_null(fgets(line, sizeof line, reader));
    assert_string_equal(line, "old=1\n");
    fclose(reader);
    char *text = tu_read_file(f->stats);
    assert_int_equal(tu_stats_u64(text, "ftshim_stats"), 1);
    assert_int_equal(tu_count(text, "old=1"), 0);
    free(text);
}

static void test_stats_write_failure_reported(void **state) {
    struct fixture *f = *state;
    char *bad = tu_path(f->dir, "no/such/dir/stats.txt");
    assert_int_equal(ftshim_stats_write(bad), -1);
    free(bad);
}

/* Every key of the format, each interposed function counted exactly, at a normal exit. */
static void test_stats_file_at_exit(void **state) {
    struct fixture *f = *state;
    char *e_stats = env_kv("FTSTRESS_SHIM_STATS", f->stats);
    const char *env[] = {e_stats, "FTSTRESS_SEED=0x2a", NULL};
    int st = run_child(f->dir, env, "calls", "5", NULL);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    char *text = tu_read_file(f->stats);
    assert_non_null(text);
    char v[32];
    assert_int_equal(tu_stats_str(text, "exit", v, sizeof v), 0);
    /* both exit paths write; which runs last depends on the C library's exit order */
    assert_true(strcmp(v, "destructor") == 0 || strcmp(v, "atexit") == 0);
    assert_int_equal(tu_stats_str(text, "noise", v, sizeof v), 0);
    assert_string_equal(v, "off");
    assert_int_equal(tu_stats_u64(text, "seed"), 42);
    assert_int_equal(tu_stats_u64(text, "threads"), 1);
    static const char *const five[] = {"decref_shared",
                                       "merge_zero_local",
                                       "dealloc",
                                       "decref",
                                       "list_append",
                                       "list_setitem",
                                       "list_insert",
                                       "list_getitem",
                                       "list_getitemref",
                                       "dict_setitem",
                                       "dict_delitem",
                                       "dict_getitem",
                                       "dict_getitemref",
                                       "dict_getitemwitherror",
                                       "set_add",
                                       "set_discard",
                                       "number_inplace_add",
                                       "number_inplace_subtract",
                                       "number_inplace_multiply",
                                       "number_inplace_matrixmultiply",
                                       "number_inplace_floordivide",
                                       "number_inplace_truedivide",
                                       "number_inplace_remainder",
                                       "number_inplace_power",
                                       "number_inplace_lshift",
                                       "number_inplace_rshift",
                                       "number_inplace_and",
                                       "number_inplace_xor",
                                       "number_inplace_or",
                                       "object_setitem",
                                       "object_setattr",
                                       "gc_del"};
    for (size_t i = 0; i < sizeof five / sizeof five[0]; i++) {
        if (tu_stats_u64(text, five[i]) != 5) {
            fail_msg("%s=%llu, expected 5", five[i],
                     (unsigned long long)tu_stats_u64(text, five[i]));
        }
    }
    assert_int_equal(tu_stats_u64(text, "incref"), 6); /* + the main thread's first call */
    assert_int_equal(tu_stats_u64(text, "number_inplace"), 65);
    assert_int_equal(tu_stats_u64(text, "new_reference"), 10);
    assert_int_equal(tu_stats_u64(text, "object_init"), 20);
    assert_int_equal(tu_stats_u64(text, "object_malloc"), 15);
    assert_int_equal(tu_stats_u64(text, "object_free"), 15);
    assert_int_equal(tu_stats_u64(text, "noise_yields"), 0);
    assert_int_equal(tu_stats_u64(text, "anomaly_records"), 0);
    /* key order of ftshim.h: header first, counters after, one per line */
    assert_true(strncmp(text, "ftshim_stats=1\npid=", 19) == 0);
    assert_true(strstr(text, "\nnumber_inplace=65\nnumber_inplace_add=5\n") != NULL);
    char *tmp = tu_path(f->dir, "stats.txt.tmp");
    assert_false(tu_exists(tmp));
    free(tmp);
    free(text);
    free(e_stats);
}

static void test_stats_path_pid_expansion(void **state) {
    struct fixture *f = *state;
    char *pattern = tu_path(f->dir, "stats.%p.txt");
    char *e_stats = env_kv("FTSTRESS_SHIM_STATS", pattern);
    const char *env[] = {e_stats, NULL};
    int st = run_child(f->dir, env, "nothing", NULL);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ls %s | grep -c '^stats\\.[0-9][0-9]*\\.txt$'", f->dir);
    FILE *p = popen(cmd, "r");
    int n = 0;
    assert_int_equal(fscanf(p, "%d", &n), 1);
    pclose(p);
    assert_int_equal(n, 1);
    free(pattern);
    free(e_stats);
}

/* A fork()ed child (no exec) counts from zero and does not overwrite the parent's file. */
static void test_stats_fork_child(void **state) {
    struct fixture *f = *state;
    char *e_stats = env_kv("FTSTRESS_SHIM_STATS", f->stats);
    const char *env[] = {e_stats, NULL};
    int st = run_child(f->dir, env, "fork", "7", NULL);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    char *text = tu_read_file(f->stats);
    assert_non_null(text);
    assert_int_equal(tu_stats_u64(text, "list_append"), 8);
    assert_int_equal(tu_stats_u64(text, "set_add"), 0);
    free(text);
    free(e_stats);
    /* with %p each process has its own file; the child's holds only its own calls */
    char *pattern = tu_path(f->dir, "fork.%p.txt");
    e_stats = env_kv("FTSTRESS_SHIM_STATS", pattern);
    const char *env2[] = {e_stats, NULL};
    st = run_child(f->dir, env2, "fork", "7", NULL);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "cat %s/fork.*.txt | grep -E '^(list_append|set_add)=' | sort | tr '\\n' ' '", f->dir);
    FILE *p = popen(cmd, "r");
    char line[256] = "";
    assert_non_null(fgets(line, sizeof line, p));
    pclose(p);
    assert_string_equal(line, "list_append=0 list_append=8 set_add=0 set_add=3 ");
    free(pattern);
    free(e_stats);
}

/* Preloaded into a program without the C-API (TSan's llvm-symbolizer, a shell), the shim
 * stays inert: it must not write (and so overwrite) the interpreter's stats file. */
static void test_inert_outside_python(void **state) {
    struct fixture *f = *state;
    char *e_stats = env_kv("FTSTRESS_SHIM_STATS", f->stats);
    char *e_crash = env_kv("FTSTRESS_SHIM_CRASH", f->crash);
    const char *env[] = {"LD_PRELOAD=" FTSHIM_LIB, e_stats, e_crash, NULL};
    const char *argv[] = {"/bin/sh", "-c", "exit 0", NULL};
    char *out = tu_path(f->dir, "out");
    int st = tu_run(argv, env, out);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_false(tu_exists(f->stats));
    free(out);
    free(e_stats);
    free(e_crash);
}

static void test_stats_nothing_without_env(void **state) {
    struct fixture *f = *state;
    int st = run_child(f->dir, NULL, "calls", "3", NULL);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* only the child's output file is in the directory */
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ls -A %s | grep -vc '^out$'", f->dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    assert_int_equal(fscanf(p, "%d", &n), 1);
    pclose(p);
    assert_int_equal(n, 0);
}

/* TSan with halt_on_error exits from its report with _exit: the shim's sanitizer death
 * callback writes the stats file. */
static void test_stats_on_sanitizer_death(void **state) {
#ifdef TSAN_CHILD
    struct fixture *f = *state;
    char *e_stats = env_kv("FTSTRESS_SHIM_STATS", f->stats);
    const char *env[] = {e_stats, "TSAN_OPTIONS=halt_on_error=1 exitcode=66", NULL};
    const char *argv[] = {TSAN_CHILD, NULL};
    int st = tu_run(argv, env, f->out);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 66);
    char *text = tu_read_file(f->stats);
    assert_non_null(text);
    char v[32];
    assert_int_equal(tu_stats_str(text, "exit", v, sizeof v), 0);
    assert_string_equal(v, "sanitizer_death");
    assert_true(tu_stats_u64(text, "list_append") > 0);
    free(text);
    free(e_stats);
#else
    (void)state;
    skip(); /* the compiler has no ThreadSanitizer */
#endif
}

/* ---- noise, end to end ---- */

static char *child_stats(struct fixture *f, const char *noise, const char *seed, const char *kinds,
                         const char *scenario, const char *a1, const char *a2) {
    char *e_stats = env_kv("FTSTRESS_SHIM_STATS", f->stats);
    char *e_noise = env_kv("FTSTRESS_NOISE", noise);
    char *e_seed = env_kv("FTSTRESS_SEED", seed != NULL ? seed : "0");
    char *e_kinds = kinds != NULL ? env_kv("FTSTRESS_NOISE_KINDS", kinds) : NULL;
    const char *env[] = {e_stats, e_noise, e_seed, e_kinds, NULL};
    unlink(f->stats);
    int st = run_child(f->dir, env, scenario, a1, a2, NULL);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    free(e_stats);
    free(e_noise);
    free(e_seed);
    free(e_kinds);
    char *text = tu_read_file(f->stats);
    assert_non_null(text);
    return text;
}

static void test_noise_off_child(void **state) {
    char *text = child_stats(*state, "off", "1", NULL, "threads", "2", "50000");
    assert_int_equal(tu_stats_u64(text, "number_inplace"), 100000);
    assert_int_equal(tu_stats_u64(text, "noise_yields"), 0);
    assert_int_equal(tu_stats_u64(text, "noise_spins"), 0);
    assert_int_equal(tu_stats_u64(text, "noise_sleeps"), 0);
    free(text);
}

static void test_noise_high_child(void **state) {
    char *text = child_stats(*state, "high", "1", NULL, "threads", "2", "50000");
    assert_int_equal(tu_stats_u64(text, "threads"), 3);
    assert_int_equal(tu_stats_u64(text, "number_inplace_add"), 100000);
    assert_int_equal(tu_stats_u64(text, "dict_setitem"), 100000);
    /* 2 threads x 50000 x (inplace before+after, setitem before+after) = 400000 points */
    uint64_t y = tu_stats_u64(text, "noise_yields"), s = tu_stats_u64(text, "noise_spins");
    uint64_t z = tu_stats_u64(text, "noise_sleeps");
    assert_in_range(y, 20000, 30000);
    assert_in_range(s, 20000, 30000);
    assert_in_range(z, 250, 550);
    char v[16];
    assert_int_equal(tu_stats_str(text, "noise", v, sizeof v), 0);
    assert_string_equal(v, "high");
    free(text);
}

static void test_noise_low_child(void **state) {
    char *text = child_stats(*state, "low", "5", NULL, "appends", "640000", NULL);
    assert_in_range(tu_stats_u64(text, "noise_yields"), 10000 - 600, 10000 + 600);
    assert_int_equal(tu_stats_u64(text, "noise_spins"), 0);
    free(text);
}

static void test_noise_kinds_restrict(void **state) {
    char *text = child_stats(*state, "high", "1", "list,set", "threads", "2", "20000");
    assert_int_equal(tu_stats_u64(text, "noise_yields") + tu_stats_u64(text, "noise_spins") +
                         tu_stats_u64(text, "noise_sleeps"),
                     0);
    free(text);
    text = child_stats(*state, "high", "1", "number", "threads", "2", "20000");
    assert_true(tu_stats_u64(text, "noise_yields") > 0);
    free(text);
}

/* Thread 0's decisions depend on the seed only: the same counts run after run. */
static void test_noise_seed_reproducible(void **state) {
    uint64_t r[3][3];
    const char *seeds[3] = {"42", "42", "43"};
    for (int i = 0; i < 3; i++) {
        char *text = child_stats(*state, "high", seeds[i], NULL, "appends", "200000", NULL);
        r[i][0] = tu_stats_u64(text, "noise_yields");
        r[i][1] = tu_stats_u64(text, "noise_spins");
        r[i][2] = tu_stats_u64(text, "noise_sleeps");
        free(text);
    }
    assert_memory_equal(r[0], r[1], sizeof r[0]);
    assert_memory_not_equal(r[0], r[2], sizeof r[0]);
}

static void test_bad_env_warns_and_defaults(void **state) {
    struct fixture *f = *state;
    char *text = child_stats(f, "loud", "12ab", "list,bogus", "appends", "1000", NULL);
    char v[16];
    assert_int_equal(tu_stats_str(text, "noise", v, sizeof v), 0);
    assert_string_equal(v, "off");
    assert_int_equal(tu_stats_u64(text, "seed"), 0);
    free(text);
    char *out = tu_read_file(f->out);
    assert_non_null(strstr(out, "ftshim: ignoring FTSTRESS_NOISE=\"loud\""));
    assert_non_null(strstr(out, "ftshim: ignoring FTSTRESS_SEED=\"12ab\""));
    assert_non_null(strstr(out, "ftshim: ignoring FTSTRESS_NOISE_KINDS=\"list,bogus\""));
    free(out);
}

/* ---- anomalies ---- */

/* Runs an anomaly scenario with both files set; returns the anomalies file ("" if none)
 * and the stats text in *stats. */
static char *child_anomalies(struct fixture *f, const char *scenario, int track, char **stats) {
    char *e_stats = env_kv("FTSTRESS_SHIM_STATS", f->stats);
    char *e_anom = track ? env_kv("FTSTRESS_SHIM_ANOMALIES", f->anomalies) : NULL;
    const char *env[] = {e_stats, e_anom, NULL};
    unlink(f->anomalies);
    int st = run_child(f->dir, env, scenario, NULL);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    free(e_stats);
    free(e_anom);
    *stats = tu_read_file(f->stats);
    assert_non_null(*stats);
    char *text = tu_read_file(f->anomalies);
    return text != NULL ? text : calloc(1, 1);
}

/* The frame line of `function` in a record, or NULL. */
static const char *frame_of(const char *text, const char *function) {
    char needle[128];
    snprintf(needle, sizeof needle, " %s+0x", function);
    return strstr(text, needle);
}

static void test_anomaly_negative_refcount(void **state) {
    char *stats;
    char *text = child_anomalies(*state, "negative", 1, &stats);
    assert_int_equal(tu_count(text, "anomaly negative_refcount object=0x"), 2);
    assert_int_equal(tu_count(text, " type=FakeType thread=0\n"), 2);
    /* #0 is the interposed function in the shim, then the caller that misbehaved */
    assert_non_null(strstr(text, "thread=0\n  #0 _Py_DecRefShared+0x"));
    assert_non_null(strstr(text, "thread=0\n  #0 _Py_Dealloc+0x"));
    assert_non_null(strstr(text, "libftshim.so+0x"));
    const char *fr = frame_of(text, "scenario_negative_refcount");
    assert_non_null(fr);
    assert_non_null(strstr(fr, "shim_child+0x"));
    assert_non_null(frame_of(text, "main"));
    /* records end with a blank line */
    assert_int_equal(tu_count(text, "\n\nanomaly "), 1);
    assert_true(strlen(text) > 2 && strcmp(text + strlen(text) - 2, "\n\n") == 0);
    assert_int_equal(tu_stats_u64(stats, "anomaly_negative_refcount"), 2);
    assert_int_equal(tu_stats_u64(stats, "anomaly_records"), 2);
    free(text);
    free(stats);
}

static void test_anomaly_null_type(void **state) {
    char *stats;
    char *text = child_anomalies(*state, "nulltype", 1, &stats);
    assert_int_equal(tu_count(text, "anomaly null_type object=0x"), 1);
    assert_non_null(strstr(text, " type=? thread=0\n"));
    assert_non_null(frame_of(text, "scenario_null_type"));
    assert_int_equal(tu_stats_u64(stats, "anomaly_null_type"), 1);
    free(text);
    free(stats);
}

static void test_anomaly_double_dealloc(void **state) {
    char *stats;
    char *text = child_anomalies(*state, "double", 1, &stats);
    assert_int_equal(tu_count(text, "anomaly "), 1);
    assert_int_equal(tu_count(text, "anomaly double_dealloc object=0x"), 1);
    assert_non_null(frame_of(text, "scenario_double_dealloc"));
    assert_int_equal(tu_stats_u64(stats, "anomaly_double_dealloc"), 1);
    free(text);
    free(stats);
}

static void test_anomaly_merge_zero_double(void **state) {
    char *stats;
    char *text = child_anomalies(*state, "merge-zero", 1, &stats);
    assert_int_equal(tu_count(text, "anomaly "), 1);
    assert_int_equal(tu_count(text, "anomaly double_dealloc object=0x"), 1);
    assert_non_null(strstr(text, "  #0 _Py_MergeZeroLocalRefcount+0x"));
    free(text);
    free(stats);
}

static void test_anomaly_decref_after_free(void **state) {
    char *stats;
    char *text = child_anomalies(*state, "freed-decref", 1, &stats);
    assert_int_equal(tu_count(text, "anomaly "), 1);
    assert_int_equal(tu_count(text, "anomaly decref_after_dealloc object=0x"), 1);
    assert_int_equal(tu_stats_u64(stats, "anomaly_decref_after_dealloc"), 1);
    free(text);
    free(stats);
}

/* New life at the address (new reference, allocator, any intercepted call) clears it. */
static void test_anomaly_none_after_rebirth(void **state) {
    char *stats;
    char *text = child_anomalies(*state, "reborn", 1, &stats);
    assert_string_equal(text, "");
    assert_int_equal(tu_stats_u64(stats, "anomaly_double_dealloc"), 0);
    free(text);
    free(stats);
}

static void test_anomaly_none_after_finalizer(void **state) {
    char *stats;
    char *text = child_anomalies(*state, "finalized", 1, &stats);
    assert_string_equal(text, "");
    free(text);
    free(stats);
}

static void test_anomaly_resurrected_then_double(void **state) {
    char *stats;
    char *text = child_anomalies(*state, "resurrected", 1, &stats);
    assert_int_equal(tu_count(text, "anomaly "), 1);
    assert_int_equal(tu_count(text, "anomaly double_dealloc object=0x"), 1);
    assert_non_null(frame_of(text, "scenario_resurrected"));
    free(text);
    free(stats);
}

/* Without FTSTRESS_SHIM_ANOMALIES: header checks still counted, no tracking, no file. */
static void test_anomaly_without_file(void **state) {
    struct fixture *f = *state;
    char *stats;
    char *text = child_anomalies(f, "double", 0, &stats);
    assert_string_equal(text, "");
    assert_int_equal(tu_stats_u64(stats, "anomaly_double_dealloc"), 0);
    free(text);
    free(stats);
    text = child_anomalies(f, "negative", 0, &stats);
    assert_string_equal(text, "");
    assert_int_equal(tu_stats_u64(stats, "anomaly_negative_refcount"), 2);
    assert_int_equal(tu_stats_u64(stats, "anomaly_records"), 0);
    free(text);
    free(stats);
}

/* ---- crashes ---- */

static char *child_crash(struct fixture *f, const char *scenario, int expect_sig, int with_file) {
    char *e_stats = env_kv("FTSTRESS_SHIM_STATS", f->stats);
    char *e_crash = with_file ? env_kv("FTSTRESS_SHIM_CRASH", f->crash) : NULL;
    const char *env[] = {e_stats, e_crash, NULL};
    unlink(f->crash);
    int st = run_child(f->dir, env, scenario, NULL);
    if (!WIFSIGNALED(st) || WTERMSIG(st) != expect_sig) {
        fail_msg("%s: wait status %#x, expected death by signal %d", scenario, st, expect_sig);
    }
    free(e_stats);
    free(e_crash);
    return tu_read_file(f->crash);
}

/* symbolizes module+offset of the frame of `function` with addr2line and checks the name */
static void check_symbolizes(const char *text, const char *function) {
    const char *fr = frame_of(text, function);
    assert_non_null(fr);
    const char *open = strchr(fr, '(');
    assert_non_null(open);
    const char *plus = strstr(open, "+0x");
    assert_non_null(plus);
    char module[512], off[32];
    snprintf(module, sizeof module, "%.*s", (int)(plus - open - 1), open + 1);
    snprintf(off, sizeof off, "%.*s", (int)strcspn(plus + 1, ")"), plus + 1);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "addr2line -f -e '%s' %s 2>/dev/null", module, off);
    FILE *p = popen(cmd, "r");
    char line[256] = "";
    if (p == NULL || fgets(line, sizeof line, p) == NULL) {
        if (p != NULL) {
            pclose(p);
        }
        skip(); /* no addr2line on this machine */
    }
    pclose(p);
    line[strcspn(line, "\n")] = '\0';
    assert_string_equal(line, function);
}

static void test_crash_segv_recorded_and_rethrown(void **state) {
    struct fixture *f = *state;
    char *text = child_crash(f, "crash-segv", SIGSEGV, 1);
    assert_non_null(text);
    assert_true(strncmp(text, "crash signal=11 thread=0\n  #0 scenario_crash_segv+0x", 52) == 0);
    assert_non_null(frame_of(text, "main"));
    assert_true(strcmp(text + strlen(text) - 2, "\n\n") == 0);
    char *stats = tu_read_file(f->stats);
    assert_non_null(stats);
    char v[32];
    assert_int_equal(tu_stats_str(stats, "exit", v, sizeof v), 0);
    assert_string_equal(v, "signal:11");
    free(stats);
    check_symbolizes(text, "scenario_crash_segv");
    free(text);
}

static void test_crash_abort(void **state) {
    char *text = child_crash(*state, "crash-abort", SIGABRT, 1);
    assert_non_null(text);
    assert_int_equal(tu_count(text, "crash signal=6 thread=0\n"), 1);
    assert_non_null(frame_of(text, "scenario_crash_abort"));
    assert_non_null(frame_of(text, "abort"));
    free(text);
}

/* A handler installed after ours (faulthandler-style) runs first and chains back to us; we
 * record and chain on to the default action. */
static void test_crash_chained_handler(void **state) {
    struct fixture *f = *state;
    char *text = child_crash(f, "crash-chained", SIGSEGV, 1);
    assert_non_null(text);
    assert_int_equal(tu_count(text, "crash signal=11 thread=0\n"), 1);
    free(text);
    char *out = tu_read_file(f->out);
    assert_non_null(strstr(out, "shim_child: later handler ran"));
    free(out);
}

static void test_crash_in_other_thread(void **state) {
    char *text = child_crash(*state, "crash-thread", SIGSEGV, 1);
    assert_non_null(text);
    assert_int_equal(tu_count(text, "crash signal=11 thread=1\n"), 1);
    assert_non_null(frame_of(text, "crash_thread"));
    free(text);
}

static void test_crash_without_file(void **state) {
    char *text = child_crash(*state, "crash-segv", SIGSEGV, 0);
    assert_null(text);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forwards_arguments_and_results),
        cmocka_unit_test(test_refcount_paths_forward),
        cmocka_unit_test(test_counts_from_many_threads),
        cmocka_unit_test(test_noise_same_seed_same_sequence),
        cmocka_unit_test(test_noise_different_seeds_differ),
        cmocka_unit_test(test_noise_rates_and_amounts),
        cmocka_unit_test(test_noise_off_injects_nothing),
        cmocka_unit_test_setup_teardown(test_stats_write_on_request, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_stats_write_is_atomic_replace, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_stats_write_failure_reported, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_stats_file_at_exit, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_stats_path_pid_expansion, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_stats_fork_child, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_stats_nothing_without_env, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_inert_outside_python, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_stats_on_sanitizer_death, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_noise_off_child, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_noise_high_child, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_noise_low_child, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_noise_kinds_restrict, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_noise_seed_reproducible, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_bad_env_warns_and_defaults, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_anomaly_negative_refcount, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_anomaly_null_type, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_anomaly_double_dealloc, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_anomaly_merge_zero_double, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_anomaly_decref_after_free, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_anomaly_none_after_rebirth, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_anomaly_none_after_finalizer, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_anomaly_resurrected_then_double, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_anomaly_without_file, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_crash_segv_recorded_and_rethrown, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_crash_abort, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_crash_chained_handler, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_crash_in_other_thread, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_crash_without_file, setup_dir, teardown_dir),
    };
    return cmocka_run_group_tests_name("shim", tests, NULL, NULL);
}
