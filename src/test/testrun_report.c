/* testrun_report.c - the terminal report of `ftstress test`; see testrun_report.h. */
#include "testrun_report.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "report_text.h"
#include "util.h"

#define REPORT_WIDTH 78
#define REPORT_MAX_ID 72

void testrun_reportHeader(FILE *out, const struct ftstress_config *cfg, const struct runtime *rt,
                          size_t nfiles, int threads, long iterations) {
    fprintf(out,
            "ftstress %s: %zu test file%s on CPython %s (%s, free-threaded), %d thread%s x %ld "
            "iteration%s per test, noise %s, timeout %gs per test\n\n",
            FTSTRESS_VERSION, nfiles, nfiles == 1 ? "" : "s", rt->version, rt->flavour, threads,
            threads == 1 ? "" : "s", iterations, iterations == 1 ? "" : "s",
            config_noiseName(cfg->noise), cfg->timeout);
    /* where it runs, and a GIL forced off, said up front */
    if (rt->venv != NULL) {
        fprintf(out, "venv %s\n", rt->venv);
    }
    if (cfg->gil_off) {
        fprintf(out, "--gil-off: the GIL is forced off (PYTHON_GIL=0), even for extension "
                     "modules that did not declare they can run without it\n");
    }
    if (rt->venv != NULL || cfg->gil_off) {
        fputc('\n', out);
    }
}

void testrun_reportFileStart(FILE *out, const struct testrun_file *f) {
    fprintf(out, "%s ", f->display);
    fflush(out);
}

void testrun_reportFileDone(FILE *out, const struct testrun_file *f) {
    if (f->entry.verdict != TESTRUN_PASSED) {
        fputc(testrun_verdictLetter(f->entry.verdict), out);
    }
    for (size_t i = 0; i < f->ntests; i++) {
        if (f->tests[i].run.started) {
            fputc(testrun_verdictLetter(f->tests[i].verdict), out);
        }
    }
    fprintf(out, "  [%.1fs]", f->seconds);
    if (f->processes > 1) {
        fprintf(out, " (%d interpreters: restarted after a crash or hang)", f->processes);
    }
    if (f->runtime_hangs > 0) {
        fprintf(out, " (the TSan runtime deadlocked %d time%s: rerun, not judged)",
                f->runtime_hangs, f->runtime_hangs == 1 ? "" : "s");
    }
    if (f->stopped) {
        fprintf(out, " (stopped: -x)");
    }
    fputc('\n', out);
    fflush(out);
}

/* "==== title ====" across the report's width. */
static void report_rule(FILE *out, char fill, const char *title) {
    int len = (int)strlen(title) + 2;
    int side = len < REPORT_WIDTH ? (REPORT_WIDTH - len) / 2 : 3;
    for (int i = 0; i < side; i++) {
        fputc(fill, out);
    }
    fprintf(out, " %s ", title);
    for (int i = 0; i < REPORT_WIDTH - side - len; i++) {
        fputc(fill, out);
    }
    fputc('\n', out);
}

static void report_indented(FILE *out, const char *text, const char *indent) {
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        fprintf(out, "%s%.*s\n", indent, (int)n, p);
        p = nl ? nl + 1 : NULL;
    }
}

char *testrun_findingText(const struct finding *f) {
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (mem == NULL) {
        return strdup(f->title ? f->title : "");
    }
    report_textFinding(mem, f);
    fclose(mem);
    return buf;
}

/* One line saying what went wrong with t. */
static void report_what(FILE *out, const struct testrun_test *t) {
    const struct testrun_record *run = &t->run;
    switch (t->verdict) {
    case TESTRUN_FAILED:
    case TESTRUN_FLAKY:
        if (run->failed_iterations > 0) {
            fprintf(out,
                    "%s: failed in %d of %d iteration%s (%d thread%s x %d iteration%s; %ld "
                    "failing call%s)\n",
                    testrun_verdictName(t->verdict), run->failed_iterations, run->iterations_run,
                    run->iterations_run == 1 ? "" : "s", run->threads, run->threads == 1 ? "" : "s",
                    run->iterations, run->iterations == 1 ? "" : "s", run->failed_calls,
                    run->failed_calls == 1 ? "" : "s");
        } else {
            fprintf(out, "failed outside the test body (setup, teardown or a thread it started)\n");
        }
        break;
    case TESTRUN_RACE:
        fprintf(out, "race: %zu ThreadSanitizer finding%s while it ran%s\n", t->findings.count,
                t->findings.count == 1 ? "" : "s",
                run->failed_iterations > 0 || run->nfailures > 0 ? "; it also failed" : "");
        break;
    case TESTRUN_CRASH:
        fprintf(out, "crash: the interpreter died while it ran\n");
        break;
    case TESTRUN_HANG:
        fprintf(out, "hang: it did not finish within the timeout\n");
        break;
    case TESTRUN_GIL:
        fprintf(out,
                "gil-enabled: importing %s turned the GIL back on; the threads took turns "
                "and this run did NOT exercise free-threading\n",
                t->gil_module);
        break;
    default: /* an error's own text follows */
        break;
    }
}

/* Signatures already printed in full: a finding many tests hit is shown once. */
struct report_seen {
    const char **signatures;
    const char **where;
    size_t count;
};

static const char *report_seenWhere(const struct report_seen *seen, const char *sig) {
    for (size_t i = 0; i < seen->count; i++) {
        if (strcmp(seen->signatures[i], sig) == 0) {
            return seen->where[i];
        }
    }
    return NULL;
}

static void report_test(FILE *out, const struct testrun_test *t, struct report_seen *seen) {
    char title[512];
    snprintf(title, sizeof(title), "%s", t->id);
    report_rule(out, '_', title);
    report_what(out, t);
    if (t->error != NULL) {
        report_indented(out, t->error, "  ");
    }
    for (size_t i = 0; i < t->run.nfailures; i++) {
        const struct testrun_failure *fl = &t->run.failures[i];
        if (fl->iteration > 0) {
            fprintf(out, "  iteration %d, %s:\n", fl->iteration, fl->who);
        } else {
            fprintf(out, "  %s:\n", fl->who);
        }
        report_indented(out, fl->text, "    ");
    }
    for (size_t i = 0; i < t->findings.count; i++) {
        const struct finding *f = &t->findings.items[i];
        const char *where = report_seenWhere(seen, f->signature);
        if (where != NULL) {
            fprintf(out, "  finding %s: %s (seen %ld time%s; shown above for %s)\n", f->id,
                    f->title, f->count, f->count == 1 ? "" : "s", where);
            continue;
        }
        report_textFinding(out, f);
        seen->signatures = util_grow(seen->signatures, seen->count, sizeof(*seen->signatures));
        seen->where = util_grow(seen->where, seen->count, sizeof(*seen->where));
        seen->signatures[seen->count] = f->signature;
        seen->where[seen->count++] = t->id;
    }
    fputc('\n', out);
}

void testrun_reportDetails(FILE *out, const struct testrun_file *files, size_t n) {
    bool any_error = false, any_failure = false;
    for (size_t i = 0; i < n; i++) {
        any_error = any_error || files[i].entry.verdict == TESTRUN_ERROR;
        any_failure = any_failure || (testrun_isFailure(files[i].entry.verdict) &&
                                      files[i].entry.verdict != TESTRUN_ERROR);
        for (size_t j = 0; j < files[i].ntests; j++) {
            any_failure = any_failure || (files[i].tests[j].run.started &&
                                          testrun_isFailure(files[i].tests[j].verdict));
        }
    }
    struct report_seen seen = {0};
    if (any_error) {
        fputc('\n', out);
        report_rule(out, '=', "ERRORS");
        for (size_t i = 0; i < n; i++) {
            if (files[i].entry.verdict == TESTRUN_ERROR) {
                report_test(out, &files[i].entry, &seen);
            }
        }
    }
    if (any_failure) {
        fputc('\n', out);
        report_rule(out, '=', "FAILURES");
        for (size_t i = 0; i < n; i++) {
            const struct testrun_file *f = &files[i];
            if (testrun_isFailure(f->entry.verdict) && f->entry.verdict != TESTRUN_ERROR) {
                report_test(out, &f->entry, &seen);
            }
            for (size_t j = 0; j < f->ntests; j++) {
                if (f->tests[j].run.started && testrun_isFailure(f->tests[j].verdict)) {
                    report_test(out, &f->tests[j], &seen);
                }
            }
        }
    }
    free(seen.signatures);
    free(seen.where);
}

void testrun_reportSerial(FILE *out, const struct testrun_file *files, size_t n, int threads) {
    if (threads <= 1) {
        fprintf(out,
                "\nnote: every test ran in one thread (--threads 1): nothing ran in parallel\n");
        return;
    }
    bool header = false;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < files[i].ntests; j++) {
            const struct testrun_test *t = &files[i].tests[j];
            if (!t->run.started || t->run.serial_reason == NULL) {
                continue;
            }
            if (!header) {
                fputc('\n', out);
                report_rule(out, '=', "not run in parallel");
                header = true;
            }
            fprintf(out, "%s: %s\n", t->id, t->run.serial_reason);
        }
    }
}

static void report_row(FILE *out, int width, const char *id, const char *verdict, const char *shape,
                       const char *time, const char *note) {
    fprintf(out, "%-*s  %-7s  %14s  %8s", width, id, verdict, shape, time);
    if (note != NULL && note[0] != '\0') {
        fprintf(out, "  %s", note);
    }
    fputc('\n', out);
}

void testrun_reportTable(FILE *out, const struct testrun_file *files, size_t n) {
    int width = 4;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < files[i].ntests; j++) {
            int len = (int)strlen(files[i].tests[j].id);
            width = len > width ? len : width;
        }
        int len = (int)strlen(files[i].entry.id);
        width = len > width ? len : width;
    }
    width = width > REPORT_MAX_ID ? REPORT_MAX_ID : width;
    fputc('\n', out);
    report_rule(out, '=', "tests");
    report_row(out, width, "test", "verdict", "threads x iter", "time", "note");
    for (size_t i = 0; i < n; i++) {
        const struct testrun_file *f = &files[i];
        if (f->entry.verdict != TESTRUN_PASSED) {
            const char *note = f->entry.verdict == TESTRUN_SKIPPED && f->entry.run.reason
                                   ? f->entry.run.reason
                               : f->entry.verdict == TESTRUN_ERROR ? "the file itself"
                                                                   : "outside any test";
            report_row(out, width, f->entry.id, testrun_verdictName(f->entry.verdict), "-", "-",
                       note);
        }
        for (size_t j = 0; j < f->ntests; j++) {
            const struct testrun_test *t = &f->tests[j];
            if (!t->run.started) {
                continue;
            }
            char shape[32], time[32];
            snprintf(shape, sizeof(shape), "%d x %d", t->run.threads, t->run.iterations);
            if (t->run.ended) {
                snprintf(time, sizeof(time), "%.2fs", t->run.seconds);
            } else {
                snprintf(time, sizeof(time), "-"); /* it never finished */
            }
            const char *note = t->verdict == TESTRUN_SKIPPED && t->run.reason ? t->run.reason
                               : t->run.serial_reason                         ? "not in parallel"
                                                                              : NULL;
            report_row(out, width, t->id, testrun_verdictName(t->verdict), shape, time, note);
        }
    }
}

char *testrun_summaryLine(const struct testrun_counts *c, double seconds) {
    static const struct {
        enum testrun_verdict v;
        const char *one, *many;
    } extra[] = {
        {TESTRUN_FLAKY, "flaky", "flaky"},
        {TESTRUN_RACE, "race", "races"},
        {TESTRUN_CRASH, "crash", "crashes"},
        {TESTRUN_HANG, "hang", "hangs"},
        {TESTRUN_SKIPPED, "skipped", "skipped"},
        {TESTRUN_ERROR, "error", "errors"},
        {TESTRUN_GIL, "with the GIL enabled", "with the GIL enabled"},
    };
    char *line = util_asprintf("%d passed, %d failed", c->verdicts[TESTRUN_PASSED],
                               c->verdicts[TESTRUN_FAILED]);
    for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
        int k = c->verdicts[extra[i].v];
        if (k > 0) {
            char *longer =
                util_asprintf("%s, %d %s", line, k, k == 1 ? extra[i].one : extra[i].many);
            free(line);
            line = longer;
        }
    }
    if (c->deselected > 0) {
        char *longer = util_asprintf("%s, %ld deselected", line, c->deselected);
        free(line);
        line = longer;
    }
    char *done = util_asprintf("%s in %.1fs", line, seconds);
    free(line);
    return done;
}

void testrun_reportSummary(FILE *out, const struct testrun_counts *c, double seconds) {
    if (c->serial > 0) {
        fprintf(out, "\nnote: %d test%s ran in one thread only, not in parallel (listed above)\n",
                c->serial, c->serial == 1 ? "" : "s");
    }
    char *line = testrun_summaryLine(c, seconds);
    fprintf(out, "%s\n", line);
    free(line);
    fflush(out);
}

void testrun_reportGil(FILE *out, const struct testrun_file *files, size_t n) {
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (files[i].entry.gil_module == NULL) {
            continue;
        }
        if (!any) {
            fputc('\n', out);
            report_rule(out, '!', "THE GIL WAS ENABLED");
            any = true;
        }
        fprintf(out,
                "%s: importing %s enabled the GIL. The tests of this file ran with the GIL and "
                "did NOT exercise free-threading: their passes prove nothing. Declare "
                "Py_mod_gil = Py_MOD_GIL_NOT_USED in that extension, or run with --gil-off "
                "(PYTHON_GIL=0) to look past it.\n",
                files[i].display, files[i].entry.gil_module);
    }
}
