/* merge.h - `ftstress merge`: joins the JSON reports of several runs (CI
 * shards, or nights) into one report of the same schema, so merging is
 * idempotent and composes: merge(merge(a, b), c) is merge(a, b, c).
 *
 * The rules (also in ci/report-schema.md's terms):
 *  - findings are deduplicated by signature: counts summed, seeds the union
 *    of distinct seeds (at most FINDING_MAX_SEEDS), first_seen the earliest,
 *    last_seen the latest, known when any input says so (or, with a
 *    baseline, when the baseline lists it); title, detail and location are
 *    the first input's, a Python stack the first one given. An outcome
 *    finding ("outcome:SCENARIO:RESULT") gets its title and count from the
 *    merged histogram, so its numbers stay true;
 *  - scenarios with the same name are one scenario: outcome histograms
 *    summed by result string (class and description from the first input
 *    that has the result), lost updates, runs, iterations, seconds,
 *    crashes, hangs and ThreadSanitizer reports summed, the earliest first
 *    failure, failing seeds unioned, the first error and replay case; its
 *    findings are the union; its verdict is recomputed (output_verdictName);
 *  - runtime fields are kept when every input agrees, else null (with a
 *    warning); threads, iterations, noise and the base seed are the first
 *    input's that holds a scenario (tests and fuzz targets run with their
 *    own), else the first input's; runs is the most runs any merged
 *    scenario had;
 *  - an entry's kind (scenario, test, fuzz) is the first input's; an entry
 *    without one (a report from before kinds) is a scenario.
 * An input that is not a valid report is an error naming FILE:LINE:COLUMN. */
#ifndef FTSTRESS_MERGE_H
#define FTSTRESS_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "config.h"
#include "finding.h"
#include "output.h"
#include "verdict.h"

struct merge_sigs; /* a scenario's finding signatures, private to merge.c */

struct merge {
    size_t ninputs;
    char **inputs; /* the report files merged, in order; owned */
    /* Runtime and parameters, per the rules above; strings owned or NULL. */
    char *runtime_version, *runtime_flavour, *runtime_key;
    bool runtime_differs[3];
    int threads;
    long iterations;
    int runs;
    uint64_t seed;
    char *noise;
    bool parameters_of_scenarios;        /* the parameters came from a report with a scenario */
    struct scenario_verdict **scenarios; /* in order of first appearance; owned */
    struct merge_sigs *sigs;             /* per scenario; owned */
    size_t nscenarios;
    struct finding_set findings; /* over every input; owned */
};

/* Adds one report: path is a JSON report or a directory holding report.json.
 * Returns false with *error ("FILE:LINE:COLUMN: reason", or "PATH: reason")
 * when it is not a readable, valid report; m is then unchanged. The caller
 * frees *error. */
bool merge_addPath(struct merge *m, const char *path, char **error);

/* The same for a report held in memory; name stands for its file in errors. */
bool merge_addText(struct merge *m, const char *name, const char *text, size_t len, char **error);

/* Gives every scenario its findings (copies of the merged ones, with their
 * known flags as they are now) and outcome findings their merged titles.
 * Call after the last merge_add* and after baseline_mark on m->findings. */
void merge_finish(struct merge *m);

/* m as a run for the report writers; borrows from m (and cwd, the buffer
 * for the SARIF source root). */
void merge_outputRun(const struct merge *m, struct output_run *run, char *cwd, size_t cwd_size);

/* Frees what m owns and zeroes it. */
void merge_free(struct merge *m);

/* The time a merge stamps its history entry and HTML report with: now, or
 * $SOURCE_DATE_EPOCH when set (reproducible output). */
time_t merge_now(void);

/* `ftstress merge INPUT... [--json F] [--junit F] [--sarif F] [--html F]
 * [--baseline F] [--history F]`: returns the exit status (0 nothing found,
 * 1 findings - new ones only with a baseline, 2 bad input, 3 a write failed). */
int merge_main(const struct ftstress_config *cfg);

#endif
