/* output_junit.c - the JUnit XML report; see output_junit.h. */
#include "output_junit.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "junit.h"
#include "results.h"
#include "signature.h"
#include "util.h"

static FILE *output_junitOpen(char **buf, size_t *len) {
    FILE *out = open_memstream(buf, len);
    if (out == NULL) {
        abort();
    }
    return out;
}

static void output_junitClose(FILE *out) {
    if (fclose(out) != 0) {
        abort(); /* only a failed allocation can fail a memory stream */
    }
}

static void output_junitIndented(FILE *out, const char *text, const char *indent) {
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, "\n");
        fprintf(out, "%s%.*s\n", indent, (int)n, p);
        p += n + (p[n] == '\n');
    }
}

/* The failure's one-line message: what made the scenario fail, most telling
 * first, e.g. "interesting outcome 'lost updates' (369 of 400 samples); lost
 * 748788 of 1600000 updates". Caller frees. */
static char *output_junitMessage(const struct scenario_verdict *v) {
    const struct results *r = &v->merged;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = output_junitOpen(&buf, &len);
    const char *sep = "";
    const struct outcome *worst = results_worstOutcome(r);
    if (worst != NULL) {
        fprintf(out, "%s outcome '%s' (%ld of %ld samples)", results_className(worst->cls),
                worst->result, worst->samples, r->done);
        sep = "; ";
    }
    if (r->has_counts && r->observed != r->expected) {
        fprintf(out, "%slost %lld of %lld updates", sep, r->expected - r->observed, r->expected);
        sep = "; ";
    }
    if (v->crashes > 0) {
        fprintf(out, "%s%d crash%s", sep, v->crashes, v->crashes == 1 ? "" : "es");
        sep = "; ";
    }
    if (v->hangs > 0) {
        fprintf(out, "%s%d hang%s", sep, v->hangs, v->hangs == 1 ? "" : "s");
        sep = "; ";
    }
    if (v->tsan_reports > 0) {
        fprintf(out, "%s%d ThreadSanitizer report%s", sep, v->tsan_reports,
                v->tsan_reports == 1 ? "" : "s");
        sep = "; ";
    }
    if (sep[0] == '\0') {
        fputs("failed", out);
    }
    output_junitClose(out);
    return buf;
}

/* Whether f is in the baseline: the run's set carries the marks (baseline_mark),
 * a scenario's own set may not. */
static bool output_junitKnown(const struct output_run *run, const struct finding *f) {
    const struct finding *global = run->findings ? finding_find(run->findings, f->signature) : NULL;
    return global != NULL ? global->known : f->known;
}

static void output_junitFinding(FILE *out, const struct output_run *run, const struct finding *f) {
    char id[17];
    signature_id(f->signature, id);
    fprintf(out, "\n%s finding %s: %s\n", output_junitKnown(run, f) ? "known" : "NEW", id,
            f->title ? f->title : f->signature);
    fprintf(out, "  signature %s\n", f->signature);
    fprintf(out, "  seen %ld time%s, seed%s", f->count, f->count == 1 ? "" : "s",
            f->nseeds == 1 ? "" : "s");
    for (int i = 0; i < f->nseeds; i++) {
        fprintf(out, " %" PRIu64, f->seeds[i]);
    }
    fputc('\n', out);
    if (f->file != NULL) {
        fprintf(out, "  at %s", f->file);
        if (f->line > 0) {
            fprintf(out, ":%d", f->line);
        }
        fprintf(out, "%s%s\n", f->function ? " in " : "", f->function ? f->function : "");
    }
    if (f->detail != NULL && f->detail[0]) {
        output_junitIndented(out, f->detail, "    ");
    }
    if (f->python_stack != NULL && f->python_stack[0]) {
        fputs("  Python stack:\n", out);
        output_junitIndented(out, f->python_stack, "    ");
    }
}

/* The failure's body, plain text: what a person needs without the terminal
 * output at hand. Caller frees. */
static char *output_junitBody(const struct output_run *run, const struct scenario_verdict *v) {
    const struct results *r = &v->merged;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = output_junitOpen(&buf, &len);
    if (r->description != NULL && r->description[0]) {
        fprintf(out, "%s\n", r->description);
    }
    fprintf(out, "%d run%s, %ld iterations, %.1f s\n", v->runs, v->runs == 1 ? "" : "s", r->done,
            v->seconds);
    if (r->noutcomes > 0) {
        long total = 0;
        for (size_t i = 0; i < r->noutcomes; i++) {
            total += r->outcomes[i].samples;
        }
        fprintf(out, "%-24s %10s %8s  %-12s %s\n", "outcome", "samples", "freq", "class",
                "description");
        for (size_t i = 0; i < r->noutcomes; i++) {
            const struct outcome *o = &r->outcomes[i];
            fprintf(out, "%-24s %10ld %7.2f%%  %-12s %s\n", o->result, o->samples,
                    total ? 100.0 * (double)o->samples / (double)total : 0.0,
                    results_className(o->cls), o->description ? o->description : "");
        }
    }
    if (r->has_counts) {
        long long lost = r->expected - r->observed;
        fprintf(out,
                "lost updates: expected %lld, observed %lld, lost %lld (%.2f%%) in %lld of %ld "
                "states\n",
                r->expected, r->observed, lost,
                r->expected ? 100.0 * (double)lost / (double)r->expected : 0.0, r->lossy_states,
                r->done);
    }
    if (r->has_first_failure) {
        fprintf(out, "first failure after %.3f s (iteration %ld of its run)\n",
                r->first_failure_seconds, r->first_failure_iteration);
    }
    if (r->actor_exception != NULL) {
        fprintf(out, "actor exception: %s\n", r->actor_exception);
    }
    if (v->crashes > 0 || v->hangs > 0) {
        fprintf(out, "%d crash%s, %d hang%s\n", v->crashes, v->crashes == 1 ? "" : "es", v->hangs,
                v->hangs == 1 ? "" : "s");
    }
    if (v->tsan_reports > 0) {
        fprintf(out, "ThreadSanitizer: %d report%s in %d of %d runs\n", v->tsan_reports,
                v->tsan_reports == 1 ? "" : "s", v->tsan_runs, v->runs);
    }
    if (v->nfailing_seeds > 0) {
        fputs("failing seeds:", out);
        for (int i = 0; i < v->nfailing_seeds; i++) {
            fprintf(out, " %" PRIu64, v->failing_seeds[i]);
        }
        fputc('\n', out);
    }
    if (v->case_path != NULL) {
        fprintf(out, "replay: ftstress replay %s\n", v->case_path);
    }
    for (size_t i = 0; i < v->findings.count; i++) {
        output_junitFinding(out, run, &v->findings.items[i]);
    }
    output_junitClose(out);
    return buf;
}

/* v as a testcase of suite. */
static void output_junitTestcase(struct junit_suite *suite, const struct output_run *run,
                                 const struct scenario_verdict *v) {
    /* ftstress.scenarios, ftstress.tests, ftstress.fuzz: CI test views group by it. */
    struct junit_case *c = junit_addCase(suite,
                                         v->kind == VERDICT_TEST   ? "ftstress.tests"
                                         : v->kind == VERDICT_FUZZ ? "ftstress.fuzz"
                                                                   : "ftstress.scenarios",
                                         v->name ? v->name : v->path, v->path, v->seconds);
    const char *verdict = output_verdictName(v);
    if (strcmp(verdict, "pass") == 0) {
        return;
    }
    if (strcmp(verdict, "error") == 0) {
        c->status = JUNIT_ERROR;
        c->type = util_dup("ftstress.scenario-error");
        c->message = util_asprintf("scenario error: %s", v->error);
        c->body = v->merged.actor_exception ? util_asprintf("%s\nactor exception: %s\n", v->error,
                                                            v->merged.actor_exception)
                                            : util_asprintf("%s\n", v->error);
    } else {
        c->status = JUNIT_FAILURE;
        c->type = util_dup("ftstress.finding");
        c->message = output_junitMessage(v);
        c->body = output_junitBody(run, v);
    }
}

/* The document of run: one suite, its parameters as properties. */
static void output_junitDoc(const struct output_run *run, struct junit_doc *doc) {
    double seconds = 0;
    for (size_t i = 0; i < run->nscenarios; i++) {
        seconds += run->scenarios[i]->seconds;
    }
    *doc = (struct junit_doc){.name = util_dup("ftstress"), .seconds = seconds};
    struct junit_suite *suite = junit_addSuite(doc, "ftstress", NULL, seconds);
    char threads[24], iterations[24], runs[24], seed[24];
    snprintf(threads, sizeof(threads), "%d", run->threads);
    snprintf(iterations, sizeof(iterations), "%ld", run->iterations);
    snprintf(runs, sizeof(runs), "%d", run->runs);
    snprintf(seed, sizeof(seed), "%" PRIu64, run->seed);
    junit_addProperty(suite, "ftstress.version", run->tool_version);
    junit_addProperty(suite, "runtime.version", run->runtime_version);
    junit_addProperty(suite, "runtime.flavour", run->runtime_flavour);
    junit_addProperty(suite, "runtime.key", run->runtime_key);
    junit_addProperty(suite, "threads", threads);
    junit_addProperty(suite, "iterations", iterations);
    junit_addProperty(suite, "runs", runs);
    junit_addProperty(suite, "seed", seed);
    junit_addProperty(suite, "noise", run->noise);
    for (size_t i = 0; i < run->nscenarios; i++) {
        output_junitTestcase(suite, run, run->scenarios[i]);
    }
}

char *output_junitRender(const struct output_run *run, size_t *len) {
    struct junit_doc doc;
    output_junitDoc(run, &doc);
    char *text = junit_render(&doc, len);
    junit_free(&doc);
    return text;
}

bool output_junitWrite(const char *path, const struct output_run *run) {
    struct junit_doc doc;
    output_junitDoc(run, &doc);
    bool ok = junit_write(path, &doc);
    int saved = errno;
    junit_free(&doc);
    errno = saved;
    return ok;
}
