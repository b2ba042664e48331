/* bench_detection - the engine's figures, printed (a benchmark, not a test):
 *  - how often `cnt += 1` with 2 threads at default settings is caught, over
 *    100 independent runs, and the median time to the first lost update;
 *  - a narrow race window's detection rate with schedule noise off, low, high,
 *    side by side;
 *  - the harness's iterations per second on a trivial scenario.
 * Shim cost per intercepted call is printed by bench_shim (tests/shim).
 * usage: bench_detection [RUNS]   (default 100) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define SCENARIOS SOURCE_DIR "/scenarios/builtin"
#define BENCH SOURCE_DIR "/tests/bench"

/* Runs ftstress ARGS and returns its output (caller frees). */
static char *bench_ftstress(const char *args) {
    char *cmd = util_asprintf("%s --corpus /tmp/ftstress-bench-corpus %s 2>&1", FTSTRESS_BIN, args);
    FILE *p = popen(cmd, "r");
    free(cmd);
    if (p == NULL) {
        perror("popen");
        exit(3);
    }
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    while ((got = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (n + 1 >= cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    buf[n] = '\0';
    pclose(p);
    return buf;
}

static double bench_number(const char *text, const char *label) {
    const char *p = strstr(text, label);
    return p ? atof(p + strlen(label)) : -1;
}

static void bench_counter(int runs) {
    char *args = util_asprintf("run -r %d %s/counter_global.py", runs, SCENARIOS);
    double start = util_now();
    char *out = bench_ftstress(args);
    double failing = bench_number(out, "failing runs: ");
    double median = bench_number(out, "median over failing runs ");
    printf("cnt += 1, 2 threads, default settings, %d runs: lost updates in %.0f runs (%.1f%%, "
           "target >= 99%%); median time to the first lost update %.3f s; %.0f s in all\n",
           runs, failing, 100.0 * failing / runs, median, util_now() - start);
    free(out);
    free(args);
}

static void bench_narrowWindow(int runs) {
    printf(
        "narrow window (tests/bench/narrow_window.py), %d runs x 200 iterations per noise level:\n",
        runs);
    static const char *const levels[] = {"off", "low", "high"};
    for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
        char *args = util_asprintf("run -r %d -n 200 --noise %s %s/narrow_window.py", runs,
                                   levels[i], BENCH);
        char *out = bench_ftstress(args);
        double failing = bench_number(out, "failing runs: ");
        const char *row = strstr(out, "double claims ");
        double samples = row ? atof(row + strlen("double claims ")) : 0;
        printf("  noise %-4s  detected in %2.0f of %d runs, %5.2f%% of iterations\n", levels[i],
               failing < 0 ? 0 : failing, runs, 100.0 * samples / (runs * 200.0));
        free(out);
        free(args);
    }
}

static void bench_trivial(void) {
    char *out = bench_ftstress("run -r 1 -n 5000 " BENCH "/trivial.py");
    const char *p = strstr(out, " iterations/s in the harness");
    const char *open = p;
    while (open != NULL && open > out && *open != '(') {
        open--;
    }
    printf("trivial scenario: %.0f iterations/s in the harness (target >= 200/s)\n",
           open ? atof(open + 1) : -1.0);
    free(out);
}

int main(int argc, char **argv) {
    /* Figures appear as they are measured, also when written to a file. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    int runs = argc > 1 ? atoi(argv[1]) : 100;
    if (runs < 1) {
        fprintf(stderr, "usage: bench_detection [RUNS]\n");
        return 2;
    }
    bench_trivial();
    bench_narrowWindow(runs / 5 > 0 ? runs / 5 : 1);
    bench_counter(runs);
    return 0;
}
