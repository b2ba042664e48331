/* fuzz_outputs.c - fuzz targets as report entries; see fuzz_outputs.h. */
#include "fuzz_outputs.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_plan.h"
#include "tsan_report.h"
#include "util.h"

/* What replays finding f, appended to its detail: the report reader has no
 * terminal output to look it up in. */
static void fuzz_outputsAddReplay(struct finding *f, const struct fuzz_found *k) {
    char *more = util_asprintf("found in process %d (seed %" PRIu64 ")", k->process, k->seed);
    if (k->iteration >= 0) {
        util_appendf(&more, ", iteration %ld", k->iteration);
    }
    if (k->at >= 0) {
        util_appendf(&more, ", %.1f s into the run", k->at);
    }
    size_t ops = fuzz_planOps(&k->plan);
    if (ops > 0) {
        util_appendf(&more, "\nsequence: %zu op%s", ops, ops == 1 ? "" : "s");
        if (k->minimized_ops > 0 && k->minimized_ops < k->original_ops) {
            util_appendf(&more, ", minimized from %zu", k->original_ops);
        }
        for (size_t t = 0; t < k->plan.nthreads; t++) {
            char *text = fuzz_planFormatThread(&k->plan.threads[t]);
            util_appendf(&more, "\n  thread %zu: %s", t, text);
            free(text);
        }
    }
    if (k->case_path != NULL) {
        util_appendf(&more, "\ncase: %s\nreplay: ftstress replay %s", k->case_path, k->case_path);
    }
    char *detail = util_asprintf("%s\n\n%s", f->detail ? f->detail : "", more);
    free(f->detail);
    free(more);
    f->detail = detail;
}

struct scenario_verdict *fuzz_outputsEntry(const struct fuzz_campaign *c) {
    struct scenario_verdict *v = calloc(1, sizeof(*v));
    if (v == NULL) {
        abort();
    }
    v->kind = VERDICT_FUZZ;
    v->name = strdup(c->label);
    v->path = strdup(c->spec);
    v->runs = c->processes;
    v->seconds = c->seconds;
    v->crashes = c->crashes;
    v->hangs = c->hangs;
    v->error = c->error != NULL ? strdup(c->error)
               : c->harness_error != NULL
                   ? util_asprintf("could not fuzz: %s\n%s", c->harness_error,
                                   c->harness_detail ? c->harness_detail : "")
                   : NULL;
    struct results *r = &v->merged;
    r->scenario = strdup(c->label);
    r->threads = c->threads;
    r->done = c->iterations;
    r->description = util_asprintf(
        "fuzz target (%s mode): %zu operations, %d threads x %d ops per sequence; %ld ops in "
        "%.1f s of fuzzing (%.0f ops/s)",
        c->mode ? c->mode : "?", c->nops, c->threads, c->ops, c->ops_done, c->fuzz_seconds,
        c->fuzz_seconds > 0 ? (double)c->ops_done / c->fuzz_seconds : 0.0);
    for (size_t i = 0; i < c->nskipped; i++) {
        util_appendf(&r->description, "%s%s", i == 0 ? "; skipped (act on the process): " : ", ",
                     c->skipped[i].name);
    }
    if (c->pairs_possible > 0) {
        util_appendf(&r->description, "; op pairs run concurrently: %ld of %ld", c->pairs_seen,
                     c->pairs_possible);
    }
    if (c->lin_checked > 0) {
        util_appendf(&r->description, "; %ld linearizability checks (%ld undecided)",
                     c->lin_checked, c->lin_undecided);
    }
    finding_merge(&v->findings, &c->findings);
    for (size_t i = 0; i < v->findings.count; i++) {
        struct finding *f = &v->findings.items[i];
        if (tsanreport_isKindName(f->kind)) {
            v->tsan_reports += (int)f->count;
        }
        const struct fuzz_found *k = fuzz_campaignFound(c, f->signature);
        if (k == NULL) {
            continue;
        }
        fuzz_outputsAddReplay(f, k);
        /* many findings share a process: its seed once */
        finding_seedsAdd(v->failing_seeds, &v->nfailing_seeds, VERDICT_MAX_SEEDS, k->seed);
        if (v->case_path == NULL && k->case_path != NULL) {
            v->case_path = strdup(k->case_path);
        }
        if (k->at >= 0 && (!r->has_first_failure || k->at < r->first_failure_seconds)) {
            r->has_first_failure = true;
            r->first_failure_seconds = k->at;
        }
    }
    v->failing_runs = v->findings.count > 0;
    return v;
}
