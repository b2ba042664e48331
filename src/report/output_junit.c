/* output_junit.c - the JUnit XML report; see output_junit.h. */
#include "output_junit.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "signature.h"
#include "util.h"
#include "xml_escape.h"

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

/* name="value" with value escaped for an attribute. */
static void output_junitAttr(FILE *out, const char *name, const char *value) {
    fprintf(out, " %s=\"", name);
    xmlesc_write(out, value ? value : "", true);
    fputc('"', out);
}

static void output_junitProperty(FILE *out, const char *name, const char *value) {
    if (value == NULL) {
        return;
    }
    fputs("      <property", out);
    output_junitAttr(out, "name", name);
    output_junitAttr(out, "value", value);
    fputs("/>\n", out);
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

static void output_junitTestcase(FILE *out, const struct output_run *run,
                                 const struct scenario_verdict *v) {
    fputs("    <testcase", out);
    /* ftstress.scenarios, ftstress.tests, ftstress.fuzz: CI test views group by it. */
    output_junitAttr(out, "classname",
                     v->kind == VERDICT_TEST   ? "ftstress.tests"
                     : v->kind == VERDICT_FUZZ ? "ftstress.fuzz"
                                               : "ftstress.scenarios");
    output_junitAttr(out, "name", v->name ? v->name : v->path);
    if (v->path != NULL) {
        output_junitAttr(out, "file", v->path);
    }
    fprintf(out, " time=\"%.3f\"", v->seconds);
    const char *verdict = output_verdictName(v);
    if (strcmp(verdict, "pass") == 0) {
        fputs("/>\n", out);
        return;
    }
    fputs(">\n", out);
    char *message, *body;
    const char *element;
    if (strcmp(verdict, "error") == 0) {
        element = "error";
        message = util_asprintf("scenario error: %s", v->error);
        body = v->merged.actor_exception
                   ? util_asprintf("%s\nactor exception: %s\n", v->error, v->merged.actor_exception)
                   : util_asprintf("%s\n", v->error);
    } else {
        element = "failure";
        message = output_junitMessage(v);
        body = output_junitBody(run, v);
    }
    fprintf(out, "      <%s", element);
    output_junitAttr(out, "message", message);
    output_junitAttr(out, "type",
                     strcmp(element, "error") == 0 ? "ftstress.scenario-error"
                                                   : "ftstress.finding");
    fputs(">", out);
    xmlesc_write(out, body, false);
    fprintf(out, "</%s>\n", element);
    fputs("    </testcase>\n", out);
    free(message);
    free(body);
}

char *output_junitRender(const struct output_run *run, size_t *len) {
    int failures = 0, errors = 0;
    double seconds = 0;
    for (size_t i = 0; i < run->nscenarios; i++) {
        const char *verdict = output_verdictName(run->scenarios[i]);
        failures += strcmp(verdict, "fail") == 0;
        errors += strcmp(verdict, "error") == 0;
        seconds += run->scenarios[i]->seconds;
    }
    char *buf = NULL;
    size_t n = 0;
    FILE *out = output_junitOpen(&buf, &n);
    /* The counts are repeated on <testsuites>: some readers total only those. */
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    fprintf(out,
            "<testsuites name=\"ftstress\" tests=\"%zu\" failures=\"%d\" errors=\"%d\" "
            "time=\"%.3f\">\n",
            run->nscenarios, failures, errors, seconds);
    fprintf(out,
            "  <testsuite name=\"ftstress\" tests=\"%zu\" failures=\"%d\" errors=\"%d\" "
            "skipped=\"0\" time=\"%.3f\">\n",
            run->nscenarios, failures, errors, seconds);
    char threads[24], iterations[24], runs[24], seed[24];
    snprintf(threads, sizeof(threads), "%d", run->threads);
    snprintf(iterations, sizeof(iterations), "%ld", run->iterations);
    snprintf(runs, sizeof(runs), "%d", run->runs);
    snprintf(seed, sizeof(seed), "%" PRIu64, run->seed);
    fputs("    <properties>\n", out);
    output_junitProperty(out, "ftstress.version", run->tool_version);
    output_junitProperty(out, "runtime.version", run->runtime_version);
    output_junitProperty(out, "runtime.flavour", run->runtime_flavour);
    output_junitProperty(out, "runtime.key", run->runtime_key);
    output_junitProperty(out, "threads", threads);
    output_junitProperty(out, "iterations", iterations);
    output_junitProperty(out, "runs", runs);
    output_junitProperty(out, "seed", seed);
    output_junitProperty(out, "noise", run->noise);
    fputs("    </properties>\n", out);
    for (size_t i = 0; i < run->nscenarios; i++) {
        output_junitTestcase(out, run, run->scenarios[i]);
    }
    fputs("  </testsuite>\n</testsuites>\n", out);
    output_junitClose(out);
    if (len != NULL) {
        *len = n;
    }
    return buf;
}

bool output_junitWrite(const char *path, const struct output_run *run) {
    size_t len;
    char *doc = output_junitRender(run, &len);
    bool ok = util_writeFileAtomic(path, doc, len);
    int saved = errno; /* the caller reports the write's errno, not free's */
    free(doc);
    errno = saved;
    return ok;
}
