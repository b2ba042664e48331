/* testrun_outputs.c - tests as report entries; see testrun_outputs.h. */
#include "testrun_outputs.h"

#include <stdlib.h>
#include <string.h>

#include "tsan_report.h"
#include "util.h"

static void testrun_outputsOutcome(struct results *r, const char *result, long samples,
                                   enum outcome_class cls, const char *description) {
    if (samples <= 0) {
        return;
    }
    r->outcomes = util_grow(r->outcomes, r->noutcomes, sizeof(*r->outcomes));
    r->outcomes[r->noutcomes++] = (struct outcome){.result = strdup(result),
                                                   .samples = samples,
                                                   .cls = cls,
                                                   .description = strdup(description)};
}

/* The last non-blank line of a traceback: the exception and its message. */
static char *testrun_outputsLastLine(const char *text) {
    const char *end = text + strlen(text);
    while (end > text && (end[-1] == '\n' || end[-1] == ' ')) {
        end--;
    }
    const char *start = end;
    while (start > text && start[-1] != '\n') {
        start--;
    }
    while (*start == ' ') {
        start++;
    }
    return util_asprintf("%.*s", (int)(end - start), start);
}

/* Rewords the "outcome:ID:failed" finding verdict_addOutcomeFindings made:
 * a person wants the exception, and the first traceback with its thread. */
static void testrun_outputsDescribeFailure(struct scenario_verdict *v,
                                           const struct testrun_test *t) {
    char *sig = util_asprintf("outcome:%s:failed", v->name);
    struct finding *f = finding_find(&v->findings, sig);
    free(sig);
    if (f == NULL || t->run.nfailures == 0) {
        return;
    }
    const struct testrun_failure *first = &t->run.failures[0];
    char *exception = testrun_outputsLastLine(first->text);
    free(f->title);
    f->title = util_asprintf("test %s %s: %s", v->name,
                             t->verdict == TESTRUN_FLAKY ? "is flaky" : "failed", exception);
    free(exception);
    free(f->detail);
    f->detail = first->iteration > 0 ? util_asprintf("iteration %d, %s:\n%s", first->iteration,
                                                     first->who, first->text)
                                     : util_asprintf("%s:\n%s", first->who, first->text);
}

/* The command that runs t (or the file, for its own entry) again, appended
 * to the detail of each finding of v: a test has no replay case. */
static void testrun_outputsAddRerun(struct scenario_verdict *v, const struct testrun_file *f,
                                    const struct testrun_test *t, const char *rerun_args) {
    char *rerun = t == &f->entry
                      ? util_asprintf("rerun: ftstress test '%s' %s", f->path, rerun_args)
                      : util_asprintf("rerun: ftstress test '%s' -k '%s' %s", f->path, t->run.name,
                                      rerun_args);
    for (size_t i = 0; i < v->findings.count; i++) {
        struct finding *fd = &v->findings.items[i];
        util_appendf(&fd->detail, "%s%s", fd->detail && fd->detail[0] ? "\n\n" : "", rerun);
    }
    free(rerun);
}

static struct scenario_verdict *testrun_outputsEntry(const struct testrun_file *f,
                                                     const struct testrun_test *t,
                                                     const char *rerun_args) {
    struct scenario_verdict *v = calloc(1, sizeof(*v));
    if (v == NULL) {
        abort();
    }
    bool is_file = t == &f->entry;
    v->kind = VERDICT_TEST;
    v->name = strdup(t->id);
    v->path = strdup(f->display);
    v->runs = 1;
    v->seconds = is_file ? 0 : t->run.seconds;
    struct results *r = &v->merged;
    r->scenario = strdup(t->id);
    r->threads = t->run.threads;
    r->seed = t->seed;
    r->done = t->run.iterations_run;
    if (is_file) {
        r->description = strdup("the test file itself: import, module setup and teardown");
    } else if (t->run.serial_reason != NULL) {
        r->description = util_asprintf("test, in one thread (%s)", t->run.serial_reason);
    } else {
        r->description =
            util_asprintf("test, %d threads x %d iterations", t->run.threads, t->run.iterations);
    }
    bool failed = t->verdict == TESTRUN_FAILED || t->verdict == TESTRUN_FLAKY;
    /* A failure outside the body (setUp, tearDown) fails no iteration of it,
     * yet fails the test: it counts as one failed sample. */
    long failed_samples = failed && t->run.failed_iterations == 0 ? 1 : t->run.failed_iterations;
    testrun_outputsOutcome(r, "passed", t->run.iterations_run - t->run.failed_iterations,
                           OUTCOME_EXPECTED, "every thread ran the test body without an error");
    testrun_outputsOutcome(r, "skipped", t->verdict == TESTRUN_SKIPPED ? 1 : 0, OUTCOME_ACCEPTABLE,
                           t->run.reason != NULL ? t->run.reason : "the test skipped itself");
    testrun_outputsOutcome(r, "failed", failed ? failed_samples : 0, OUTCOME_FORBIDDEN,
                           "an exception or failed assertion in a thread, setUp or tearDown");
    v->crashes = t->crashed;
    v->hangs = t->hung;
    v->runtime_hangs = t->runtime_hangs;
    v->error = t->error != NULL ? strdup(t->error) : NULL;
    finding_merge(&v->findings, &t->findings);
    for (size_t i = 0; i < t->findings.count; i++) {
        if (tsanreport_isKindName(t->findings.items[i].kind)) {
            v->tsan_reports += (int)t->findings.items[i].count;
        }
    }
    if (testrun_isFailure(t->verdict) && t->verdict != TESTRUN_ERROR) {
        finding_seedsAdd(v->failing_seeds, &v->nfailing_seeds, VERDICT_MAX_SEEDS, t->seed);
        v->failing_runs = 1;
    }
    verdict_addOutcomeFindings(v);
    testrun_outputsDescribeFailure(v, t);
    testrun_outputsAddRerun(v, f, t, rerun_args);
    return v;
}

static void testrun_outputsAppend(struct scenario_verdict ***verdicts, size_t *n,
                                  struct scenario_verdict *v) {
    *verdicts = util_grow(*verdicts, *n, sizeof(struct scenario_verdict *));
    (*verdicts)[(*n)++] = v;
}

void testrun_outputsAdd(const struct testrun_file *f, const char *rerun_args,
                        struct scenario_verdict ***verdicts, size_t *n) {
    /* The file itself only when something happened outside every test. */
    if (f->entry.verdict != TESTRUN_PASSED) {
        testrun_outputsAppend(verdicts, n, testrun_outputsEntry(f, &f->entry, rerun_args));
    }
    for (size_t i = 0; i < f->ntests; i++) {
        if (f->tests[i].run.started) {
            testrun_outputsAppend(verdicts, n, testrun_outputsEntry(f, &f->tests[i], rerun_args));
        }
    }
}
