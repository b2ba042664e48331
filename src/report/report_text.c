/* report_text.c - the terminal report; see report_text.h. */
#include "report_text.h"

#include <inttypes.h>
#include <string.h>

#include "results.h"
#include "schedule.h"

void report_textHeader(FILE *out, const struct ftstress_config *cfg, const struct runtime *rt,
                       size_t nscenarios) {
    fprintf(out,
            "ftstress %s: %zu scenario%s on CPython %s (%s, free-threaded), %d threads, "
            "%ld iterations x %d runs, %s %s, seed %" PRIu64 "\n\n",
            FTSTRESS_VERSION, nscenarios, nscenarios == 1 ? "" : "s", rt->version, rt->flavour,
            cfg->threads, cfg->iterations, cfg->runs,
            cfg->schedule == SCHEDULE_FREE ? "noise" : "schedule",
            cfg->schedule == SCHEDULE_FREE ? config_noiseName(cfg->noise)
                                           : schedule_name(cfg->schedule),
            cfg->seed);
}

static void report_textOutcomes(FILE *out, const struct results *r) {
    long total = 0;
    for (size_t i = 0; i < r->noutcomes; i++) {
        total += r->outcomes[i].samples;
    }
    fprintf(out, "  %-24s %10s %8s  %-12s %s\n", "outcome", "samples", "freq", "class",
            "description");
    for (size_t i = 0; i < r->noutcomes; i++) {
        const struct outcome *o = &r->outcomes[i];
        fprintf(out, "  %-24s %10ld %7.2f%%  %-12s %s\n", o->result, o->samples,
                total ? 100.0 * (double)o->samples / (double)total : 0.0, results_className(o->cls),
                o->description);
    }
}

static void report_textIndented(FILE *out, const char *text, const char *indent) {
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        fprintf(out, "%s%.*s\n", indent, (int)n, p);
        p += n + (nl != NULL);
    }
}

void report_textFinding(FILE *out, const struct finding *f) {
    fprintf(out, "  ==================\n");
    fprintf(out, "  %s finding %s: %s\n", f->known ? "known" : "NEW", f->id, f->title);
    fprintf(out, "  signature %s\n", f->signature);
    fprintf(out, "  seen %ld time%s, seeds", f->count, f->count == 1 ? "" : "s");
    for (int i = 0; i < f->nseeds; i++) {
        fprintf(out, " %" PRIu64, f->seeds[i]);
    }
    fprintf(out, "%s%s\n", f->scenario ? "; scenario " : "", f->scenario ? f->scenario : "");
    if (f->detail != NULL && f->detail[0]) {
        report_textIndented(out, f->detail, "    ");
    }
    if (f->python_stack != NULL) {
        fprintf(out, "    Python stack%s:\n",
                strcmp(f->kind, "crash") == 0 || strcmp(f->kind, "hang") == 0
                    ? "s (faulthandler)"
                    : " of the reporting thread (innermost first)");
        report_textIndented(out, f->python_stack, "    ");
    }
    fprintf(out, "  ==================\n");
}

void report_textScenario(FILE *out, const struct ftstress_config *cfg,
                         const struct scenario_verdict *v) {
    const struct results *r = &v->merged;
    const char *tag = v->error != NULL ? "ERROR" : verdict_isFinding(v) ? "FAIL" : "PASS";
    fprintf(out, "[%s] %s", tag, v->name);
    if (r->description != NULL && r->description[0]) {
        fprintf(out, "  %s", r->description);
    }
    fputc('\n', out);
    if (v->error != NULL) {
        fprintf(out, "  scenario error: %s\n\n", v->error);
        return;
    }
    fprintf(out, "  %d run%s, %ld iterations, %d threads, %.1f s", v->runs, v->runs == 1 ? "" : "s",
            r->done, r->threads ? r->threads : cfg->threads, v->seconds);
    if (r->seconds > 0) {
        /* The harness's own time: what the scenario costs without interpreter start-up. */
        fprintf(out, " (%.0f iterations/s in the harness)", (double)r->done / r->seconds);
    }
    fputc('\n', out);
    if (r->noutcomes > 0) {
        report_textOutcomes(out, r);
    }
    if (r->has_counts) {
        long long lost = r->expected - r->observed;
        fprintf(out,
                "  lost updates: expected %lld, observed %lld, lost %lld (%.2f%%) in %lld of %ld "
                "states\n",
                r->expected, r->observed, lost,
                r->expected ? 100.0 * (double)lost / (double)r->expected : 0.0, r->lossy_states,
                r->done);
    }
    shimstats_print(out, &v->shim);
    schedule_printSummary(out, cfg, &v->shim);
    if (r->has_first_failure) {
        fprintf(out, "  first failure after %.3f s (iteration %ld of its run)",
                r->first_failure_seconds, r->first_failure_iteration);
        if (v->runs > 1) {
            fprintf(out, "; median over failing runs %.3f s", verdict_medianFirstFailure(v));
        }
        fputc('\n', out);
    }
    if (v->runs > 1 || v->failing_runs > 0) {
        fprintf(out, "  failing runs: %d of %d (%.0f%%)\n", v->failing_runs, v->runs,
                100.0 * v->failing_runs / v->runs);
    }
    if (r->actor_exception != NULL) {
        fprintf(out, "  actor exception: %s\n", r->actor_exception);
    }
    if (v->crashes > 0 || v->hangs > 0) {
        fprintf(out, "  %d crash%s, %d hang%s\n", v->crashes, v->crashes == 1 ? "" : "es", v->hangs,
                v->hangs == 1 ? "" : "s");
    }
    if (v->tsan_reports > 0) {
        fprintf(out, "  ThreadSanitizer: %d report%s in %d of %d runs\n", v->tsan_reports,
                v->tsan_reports == 1 ? "" : "s", v->tsan_runs, v->runs);
    }
    if (v->runtime_hangs > 0) {
        fprintf(out,
                "  note: %d run%s repeated: the TSan runtime itself deadlocked (not a finding)\n",
                v->runtime_hangs, v->runtime_hangs == 1 ? "" : "s");
    }
    if (v->failed_restores > 0) {
        fprintf(out, "  note: TSan could not restore %d stack%s (its history_size was too small)\n",
                v->failed_restores, v->failed_restores == 1 ? "" : "s");
    }
    for (size_t i = 0; i < v->findings.count; i++) {
        report_textFinding(out, &v->findings.items[i]);
    }
    if (v->nfailing_seeds > 0) {
        fprintf(out, "  failing seeds:");
        for (int i = 0; i < v->nfailing_seeds; i++) {
            fprintf(out, " %" PRIu64, v->failing_seeds[i]);
        }
        fputc('\n', out);
    }
    if (v->interleaving != NULL) {
        fputs(v->interleaving, out);
    }
    if (v->case_path != NULL) {
        fprintf(out, "  replay: ftstress replay %s\n", v->case_path);
    }
    fputc('\n', out);
}

void report_textSummary(FILE *out, int passed, int failed, int errors, double seconds) {
    fprintf(out, "%d scenario%s passed, %d failed", passed, passed == 1 ? "" : "s", failed);
    if (errors > 0) {
        fprintf(out, ", %d error%s", errors, errors == 1 ? "" : "s");
    }
    fprintf(out, " in %.1f s\n", seconds);
}
