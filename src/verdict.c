/* verdict.c - adding runs up into a scenario verdict; see verdict.h. */
#include "verdict.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

char *verdict_ofRun(const struct run_record *rec) {
    if (rec->hung) {
        return util_asprintf("hang (no progress within the timeout)");
    }
    if (rec->crashed) {
        return util_asprintf("crash: %s", rec->crash_reason ? rec->crash_reason : "?");
    }
    if (rec->scenario_error) {
        return NULL; /* bad input, reported as an error, not a finding */
    }
    const struct outcome *worst = results_worstOutcome(&rec->results);
    if (worst != NULL) {
        return util_asprintf("%s outcome '%s'", results_className(worst->cls), worst->result);
    }
    if (rec->tsan.tsan_reports > 0) {
        return util_asprintf("%d ThreadSanitizer report%s", rec->tsan.tsan_reports,
                             rec->tsan.tsan_reports == 1 ? "" : "s");
    }
    if (rec->proc.exit_code != 0) {
        return util_asprintf("interpreter exited with status %d", rec->proc.exit_code);
    }
    return NULL;
}

void verdict_addRun(struct scenario_verdict *v, const struct run_record *rec) {
    v->runs++;
    v->seconds += rec->proc.seconds;
    results_merge(&v->merged, &rec->results);
    if (rec->results.error != NULL && v->error == NULL) {
        v->error = strdup(rec->results.error);
    }
    v->scenario_errors += rec->scenario_error;
    v->crashes += rec->crashed;
    v->hangs += rec->hung;
    v->tsan_reports += rec->tsan.tsan_reports;
    v->failed_restores += rec->tsan.failed_restores;
    v->tsan_runs += rec->tsan.tsan_reports > 0;
    finding_merge(&v->findings, &rec->findings);
    shimstats_merge(&v->shim, &rec->shim);
    char *why = verdict_ofRun(rec);
    if (why != NULL) {
        v->failing_runs++;
        finding_seedsAdd(v->failing_seeds, &v->nfailing_seeds, VERDICT_MAX_SEEDS, rec->seed);
    }
    free(why);
    if (rec->results.has_first_failure) {
        double *grown =
            realloc(v->first_failures, (size_t)(v->nfirst_failures + 1) * sizeof(double));
        if (grown == NULL) {
            abort();
        }
        v->first_failures = grown;
        v->first_failures[v->nfirst_failures++] = rec->results.first_failure_seconds;
    }
}

void verdict_addOutcomeFindings(struct scenario_verdict *v) {
    const struct results *r = &v->merged;
    for (size_t i = 0; i < r->noutcomes; i++) {
        const struct outcome *o = &r->outcomes[i];
        if (o->cls < OUTCOME_INTERESTING || o->samples == 0) {
            continue;
        }
        struct finding f = {0};
        f.signature = util_asprintf("outcome:%s:%s", v->name, o->result);
        f.kind = util_asprintf("%s-outcome", results_className(o->cls));
        f.title = util_asprintf("%s outcome '%s' in %s (%ld of %ld iterations)",
                                results_className(o->cls), o->result, v->name, o->samples, r->done);
        if (r->has_counts) {
            f.detail =
                util_asprintf("%s\nlost updates: expected %lld, observed %lld, lost %lld",
                              o->description, r->expected, r->observed, r->expected - r->observed);
        } else {
            f.detail = util_asprintf("%s", o->description);
        }
        f.scenario = strdup(v->name);
        f.file = strdup(v->path);
        f.count = o->samples;
        /* The seeds of every failing run: any of them replays it. */
        char *sig = strdup(f.signature);
        finding_add(&v->findings, &f, v->nfailing_seeds > 0 ? v->failing_seeds[0] : 0);
        struct finding *added = finding_find(&v->findings, sig);
        for (int k = 1; k < v->nfailing_seeds; k++) {
            finding_addSeed(added, v->failing_seeds[k]);
        }
        free(sig);
    }
}

static int verdict_compareDouble(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double verdict_medianFirstFailure(const struct scenario_verdict *v) {
    if (v->nfirst_failures == 0) {
        return -1;
    }
    double *sorted = malloc((size_t)v->nfirst_failures * sizeof(double));
    memcpy(sorted, v->first_failures, (size_t)v->nfirst_failures * sizeof(double));
    qsort(sorted, (size_t)v->nfirst_failures, sizeof(double), verdict_compareDouble);
    int n = v->nfirst_failures;
    double median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    free(sorted);
    return median;
}

static const char *const verdict_kindNames[] = {"scenario", "test", "fuzz"};

const char *verdict_kindName(enum verdict_kind kind) {
    return verdict_kindNames[kind];
}

bool verdict_kindParse(const char *name, enum verdict_kind *kind) {
    for (size_t i = 0; i < sizeof(verdict_kindNames) / sizeof(verdict_kindNames[0]); i++) {
        if (strcmp(name, verdict_kindNames[i]) == 0) {
            *kind = (enum verdict_kind)i;
            return true;
        }
    }
    return false;
}

bool verdict_isFinding(const struct scenario_verdict *v) {
    return v->crashes > 0 || v->hangs > 0 || v->tsan_reports > 0 || v->findings.count > 0 ||
           results_failingSamples(&v->merged) > 0 ||
           (v->merged.has_counts && v->merged.observed != v->merged.expected);
}

void verdict_free(struct scenario_verdict *v) {
    free(v->path);
    free(v->name);
    results_free(&v->merged);
    free(v->error);
    finding_setFree(&v->findings);
    free(v->first_failures);
    shimstats_free(&v->shim);
    free(v->case_path);
    free(v->interleaving);
    memset(v, 0, sizeof(*v));
}
