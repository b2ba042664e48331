/* verdict.h - a report entry: what one scenario's runs (or a test's iterations, or a
 * fuzz target's processes) add up to, and whether it is a finding. */
#ifndef FTSTRESS_VERDICT_H
#define FTSTRESS_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

#include "finding.h"
#include "results.h"
#include "shimstats.h"

#define VERDICT_MAX_SEEDS 16

/* What a report entry ran: a scenario file, a test of `ftstress test`, or a
 * target of `ftstress fuzz`. All three share the report schema. */
enum verdict_kind {
    VERDICT_SCENARIO,
    VERDICT_TEST,
    VERDICT_FUZZ,
};

/* "scenario", "test", "fuzz". */
const char *verdict_kindName(enum verdict_kind kind);

/* The kind named name, or false when there is none. */
bool verdict_kindParse(const char *name, enum verdict_kind *kind);

struct scenario_verdict {
    enum verdict_kind kind;
    char *path;            /* scenario file; owned */
    char *name;            /* owned */
    struct results merged; /* histograms and counts over all runs; owned */
    int runs;
    int crashes, hangs, scenario_errors, tsan_runs;
    int runtime_hangs; /* runs repeated because the TSan runtime itself deadlocked */
    int tsan_reports, failed_restores;
    char *error;                 /* the first scenario error; owned or NULL */
    struct finding_set findings; /* deduplicated over the runs; owned */
    struct shimstats shim;       /* the shims' counters summed over the runs; owned */
    uint64_t failing_seeds[VERDICT_MAX_SEEDS];
    int nfailing_seeds;
    char *case_path;        /* the first saved case; owned or NULL */
    int failing_runs;       /* runs with anything worth reporting */
    double *first_failures; /* per failing run with a failing outcome: seconds to the
                               first one; owned */
    int nfirst_failures;
    double seconds;
    char *interleaving; /* controlled schedules: the first failing state's steps; owned */
};

/* Adds a finding per failing outcome seen (interesting, forbidden, unexpected)
 * to v->findings, once all runs are in: signature "outcome:SCENARIO:RESULT",
 * so baselines and reports treat a lost update like any other finding. */
void verdict_addOutcomeFindings(struct scenario_verdict *v);

/* The median of first_failures, or -1 when there is none. */
double verdict_medianFirstFailure(const struct scenario_verdict *v);

/* True when the scenario produced anything worth a person's attention. */
bool verdict_isFinding(const struct scenario_verdict *v);

/* Frees what v owns. */
void verdict_free(struct scenario_verdict *v);

#endif
