/* verdict.c - a report entry: outcome findings, median time to failure; see verdict.h. */
#include "verdict.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

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
