/* testrun_junit.c - JUnit XML of a test run, as a junit.h document; see
 * testrun_junit.h. */
#include "testrun_junit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "junit.h"
#include "testrun_report.h"
#include "util.h"

/* Whether t is a testcase: a test that started, or the file's own entry when
 * it has something to say. */
static bool junit_listed(const struct testrun_test *t, bool entry) {
    return entry ? t->verdict != TESTRUN_PASSED : t->run.started;
}

/* The body of a failure or error: the error, tracebacks, findings. Caller frees. */
static char *junit_body(const struct testrun_test *t) {
    char *body = util_dup("");
    if (t->error != NULL) {
        util_appendf(&body, "%s\n", t->error);
    }
    for (size_t i = 0; i < t->run.nfailures; i++) {
        const struct testrun_failure *fl = &t->run.failures[i];
        if (fl->iteration > 0) {
            util_appendf(&body, "iteration %d, %s:\n%s\n", fl->iteration, fl->who, fl->text);
        } else {
            util_appendf(&body, "%s:\n%s\n", fl->who, fl->text);
        }
    }
    for (size_t i = 0; i < t->findings.count; i++) {
        char *text = testrun_findingText(&t->findings.items[i]);
        util_appendf(&body, "%s", text);
        free(text);
    }
    return body;
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

static enum junit_status junit_status(enum testrun_verdict v) {
    switch (v) {
    case TESTRUN_FAILED:
    case TESTRUN_FLAKY:
    case TESTRUN_RACE:
        return JUNIT_FAILURE;
    case TESTRUN_CRASH:
    case TESTRUN_HANG:
    case TESTRUN_ERROR:
    case TESTRUN_GIL:
        return JUNIT_ERROR;
    case TESTRUN_SKIPPED:
        return JUNIT_SKIPPED;
    default:
        return JUNIT_PASSED;
    }
}

/* t as a testcase of suite; module is the file's dotted module name. */
static void junit_testcase(struct junit_suite *suite, const struct testrun_file *f,
                           const struct testrun_test *t, const char *module) {
    struct junit_case *c;
    if (t == &f->entry) {
        c = junit_addCase(suite, f->display, "(file)", f->display, t->run.seconds);
    } else {
        const char *sep = strstr(t->run.name, "::");
        char *classname =
            sep ? util_asprintf("%s.%.*s", module, (int)(sep - t->run.name), t->run.name)
                : util_dup(module);
        c = junit_addCase(suite, classname, sep ? sep + 2 : t->run.name, f->display,
                          t->run.seconds);
        free(classname);
    }
    c->status = junit_status(t->verdict);
    if (c->status == JUNIT_FAILURE || c->status == JUNIT_ERROR) {
        c->message = junit_message(t);
        c->type = util_asprintf("ftstress.%s", testrun_verdictName(t->verdict));
        c->body = junit_body(t);
    } else if (c->status == JUNIT_SKIPPED) {
        c->message = util_dup(t->run.reason ? t->run.reason : "skipped");
    }
    if (t->run.serial_reason != NULL) {
        c->system_out = util_asprintf("not run in parallel: %s", t->run.serial_reason);
    }
}

/* The document: a suite per file, a testcase per test that ran. */
static void junit_doc(const struct testrun_file *files, size_t n, double seconds,
                      struct junit_doc *doc) {
    *doc = (struct junit_doc){.name = util_dup("ftstress test"), .seconds = seconds};
    for (size_t i = 0; i < n; i++) {
        const struct testrun_file *f = &files[i];
        struct junit_suite *suite = junit_addSuite(doc, f->display, f->display, f->seconds);
        /* classname: the module's dotted name, as unittest and pytest print it. */
        char *module = util_dup(f->display);
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
            junit_testcase(suite, f, &f->entry, module);
        }
        for (size_t j = 0; j < f->ntests; j++) {
            if (junit_listed(&f->tests[j], false)) {
                junit_testcase(suite, f, &f->tests[j], module);
            }
        }
        free(module);
    }
}

char *testrun_junitRender(const struct testrun_file *files, size_t n, double seconds, size_t *len) {
    struct junit_doc doc;
    junit_doc(files, n, seconds, &doc);
    char *text = junit_render(&doc, len);
    junit_free(&doc);
    return text;
}

bool testrun_junitWrite(const char *path, const struct testrun_file *files, size_t n,
                        double seconds) {
    struct junit_doc doc;
    junit_doc(files, n, seconds, &doc);
    bool ok = junit_write(path, &doc);
    int saved = errno;
    junit_free(&doc);
    errno = saved;
    return ok;
}
