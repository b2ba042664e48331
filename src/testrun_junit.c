/* testrun_junit.c - JUnit XML of a test run; see testrun_junit.h. */
#include "testrun_junit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testrun_report.h"
#include "util.h"
#include "xml_escape.h"

static void junit_attr(FILE *out, const char *name, const char *value) {
    fprintf(out, " %s=\"", name);
    xmlesc_write(out, value ? value : "", true);
    fputc('"', out);
}

struct junit_counts {
    int tests, failures, errors, skipped;
    double seconds;
};

static bool junit_listed(const struct testrun_test *t, bool entry) {
    return entry ? t->verdict != TESTRUN_PASSED : t->run.started;
}

static void junit_add(struct junit_counts *c, const struct testrun_test *t) {
    c->tests++;
    c->seconds += t->run.seconds;
    switch (t->verdict) {
    case TESTRUN_FAILED:
    case TESTRUN_FLAKY:
    case TESTRUN_RACE:
        c->failures++;
        break;
    case TESTRUN_CRASH:
    case TESTRUN_HANG:
    case TESTRUN_ERROR:
    case TESTRUN_GIL:
        c->errors++;
        break;
    case TESTRUN_SKIPPED:
        c->skipped++;
        break;
    default:
        break;
    }
}

static void junit_fileCounts(const struct testrun_file *f, struct junit_counts *c) {
    if (junit_listed(&f->entry, true)) {
        junit_add(c, &f->entry);
    }
    for (size_t i = 0; i < f->ntests; i++) {
        if (junit_listed(&f->tests[i], false)) {
            junit_add(c, &f->tests[i]);
        }
    }
}

/* The body of a failure or error: the error, tracebacks, findings. */
static void junit_body(FILE *out, const struct testrun_test *t) {
    if (t->error != NULL) {
        xmlesc_write(out, t->error, false);
        fputc('\n', out);
    }
    for (size_t i = 0; i < t->run.nfailures; i++) {
        const struct testrun_failure *fl = &t->run.failures[i];
        char *head = fl->iteration > 0
                         ? util_asprintf("iteration %d, %s:\n", fl->iteration, fl->who)
                         : util_asprintf("%s:\n", fl->who);
        xmlesc_write(out, head, false);
        xmlesc_write(out, fl->text, false);
        fputc('\n', out);
        free(head);
    }
    for (size_t i = 0; i < t->findings.count; i++) {
        char *text = testrun_findingText(&t->findings.items[i]);
        xmlesc_write(out, text, false);
        free(text);
    }
}

/* The one-line message of a failing test. Caller frees. */
static char *junit_message(const struct testrun_test *t) {
    const struct testrun_record *run = &t->run;
    switch (t->verdict) {
    case TESTRUN_RACE:
        return util_asprintf("%zu ThreadSanitizer finding%s: %s", t->findings.count,
                             t->findings.count == 1 ? "" : "s", t->findings.items[0].title);
    case TESTRUN_FAILED:
    case TESTRUN_FLAKY:
        if (run->nfailures > 0) {
            const char *text = run->failures[0].text;
            const char *last = text;
            for (const char *p = text; *p; p++) {
                if (*p == '\n' && p[1] != '\0' && p[1] != ' ') {
                    last = p + 1;
                }
            }
            return util_asprintf("%s in %d of %d iterations: %.*s", testrun_verdictName(t->verdict),
                                 run->failed_iterations, run->iterations_run,
                                 (int)strcspn(last, "\n"), last);
        }
        return util_asprintf("%s", testrun_verdictName(t->verdict));
    case TESTRUN_CRASH:
    case TESTRUN_HANG:
    case TESTRUN_GIL:
        return util_asprintf("%s", t->findings.count > 0 ? t->findings.items[0].title
                                                         : testrun_verdictName(t->verdict));
    case TESTRUN_ERROR:
        return util_asprintf("%.*s", (int)strcspn(t->error ? t->error : "error", "\n"),
                             t->error ? t->error : "error");
    default:
        return util_asprintf("%s", testrun_verdictName(t->verdict));
    }
}

static void junit_testcase(FILE *out, const struct testrun_file *f, const struct testrun_test *t,
                           const char *module) {
    fputs("    <testcase", out);
    if (t == &f->entry) {
        junit_attr(out, "classname", f->display);
        junit_attr(out, "name", "(file)");
    } else {
        const char *sep = strstr(t->run.name, "::");
        char *classname =
            sep ? util_asprintf("%s.%.*s", module, (int)(sep - t->run.name), t->run.name)
                : strdup(module);
        junit_attr(out, "classname", classname);
        junit_attr(out, "name", sep ? sep + 2 : t->run.name);
        free(classname);
    }
    junit_attr(out, "file", f->display);
    fprintf(out, " time=\"%.3f\">\n", t->run.seconds);
    const char *element = NULL;
    switch (t->verdict) {
    case TESTRUN_FAILED:
    case TESTRUN_FLAKY:
    case TESTRUN_RACE:
        element = "failure";
        break;
    case TESTRUN_CRASH:
    case TESTRUN_HANG:
    case TESTRUN_ERROR:
    case TESTRUN_GIL:
        element = "error";
        break;
    case TESTRUN_SKIPPED:
        fputs("      <skipped", out);
        junit_attr(out, "message", t->run.reason ? t->run.reason : "skipped");
        fputs("/>\n", out);
        break;
    default:
        break;
    }
    if (element != NULL) {
        char *message = junit_message(t);
        char *type = util_asprintf("ftstress.%s", testrun_verdictName(t->verdict));
        fprintf(out, "      <%s", element);
        junit_attr(out, "message", message);
        junit_attr(out, "type", type);
        fputs(">", out);
        junit_body(out, t);
        fprintf(out, "</%s>\n", element);
        free(type);
        free(message);
    }
    if (t->run.serial_reason != NULL) {
        fputs("      <system-out>not run in parallel: ", out);
        xmlesc_write(out, t->run.serial_reason, false);
        fputs("</system-out>\n", out);
    }
    fputs("    </testcase>\n", out);
}

char *testrun_junitRender(const struct testrun_file *files, size_t n, double seconds, size_t *len) {
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    if (out == NULL) {
        abort();
    }
    struct junit_counts all = {0};
    for (size_t i = 0; i < n; i++) {
        junit_fileCounts(&files[i], &all);
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", out);
    junit_attr(out, "name", "ftstress test");
    fprintf(out, " tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\">\n",
            all.tests, all.failures, all.errors, all.skipped, seconds);
    for (size_t i = 0; i < n; i++) {
        const struct testrun_file *f = &files[i];
        struct junit_counts c = {0};
        junit_fileCounts(f, &c);
        fputs("  <testsuite", out);
        junit_attr(out, "name", f->display);
        junit_attr(out, "file", f->display);
        fprintf(out, " tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\">\n",
                c.tests, c.failures, c.errors, c.skipped, f->seconds);
        /* classname: the module's dotted name, as unittest and pytest print it. */
        char *module = strdup(f->display);
        char *dot = strrchr(module, '.');
        if (dot != NULL && strcmp(dot, ".py") == 0) {
            *dot = '\0';
        }
        for (char *p = module; *p; p++) {
            if (*p == '/') {
                *p = '.';
            }
        }
        if (junit_listed(&f->entry, true)) {
            junit_testcase(out, f, &f->entry, module);
        }
        for (size_t j = 0; j < f->ntests; j++) {
            if (junit_listed(&f->tests[j], false)) {
                junit_testcase(out, f, &f->tests[j], module);
            }
        }
        free(module);
        fputs("  </testsuite>\n", out);
    }
    fputs("</testsuites>\n", out);
    if (fclose(out) != 0) {
        abort();
    }
    if (len != NULL) {
        *len = size;
    }
    return buf;
}

bool testrun_junitWrite(const char *path, const struct testrun_file *files, size_t n,
                        double seconds) {
    size_t len;
    char *doc = testrun_junitRender(files, n, seconds, &len);
    bool ok = util_writeFileAtomic(path, doc, len);
    free(doc);
    return ok;
}
