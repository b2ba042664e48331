/* run_outputs.h - the machine-readable reports (--json, --junit, --sarif) and
 * the baseline verdict (--baseline, --update-baseline) of a command, shared by
 * `run`, `test` and `fuzz` so that every command's report has the one schema
 * `ftstress merge` and a campaign read (ci/report-schema.md).
 *
 * A command turns what it ran into scenario verdicts (a test or a fuzz target
 * is one "scenario" entry, its kind says which) and calls run_outputsWrite
 * after each one, so a killed command still leaves its results. */
#ifndef FTSTRESS_RUN_OUTPUTS_H
#define FTSTRESS_RUN_OUTPUTS_H

#include <stdbool.h>
#include <stddef.h>

#include "baseline.h"
#include "config.h"
#include "finding.h"
#include "runtime.h"
#include "verdict.h"

struct run_outputs {
    const struct ftstress_config *cfg;
    const struct runtime *rt;
    bool junit;  /* write --junit here (false: the command writes its own) */
    int threads; /* the parameters the reports name */
    long iterations;
    int runs;
    struct baseline baseline;    /* empty without --baseline; owned */
    struct finding_set findings; /* over every verdict written, baseline-marked; owned */
};

/* Sets o up for cfg and rt (kept, not copied), with cfg's parameters, and
 * loads --baseline. Returns EXIT_CLEAN, or EXIT_USAGE after logging a bad
 * baseline ("PATH:LINE: reason"). */
int run_outputsOpen(struct run_outputs *o, const struct ftstress_config *cfg,
                    const struct runtime *rt);

/* Recomputes the run's findings from verdicts (each verdict's findings get
 * their baseline mark too) and writes every report asked for, atomically.
 * False after logging a write error. */
bool run_outputsWrite(struct run_outputs *o, struct scenario_verdict *const *verdicts, size_t n);

/* Prints the baseline's verdict (known, new, not seen again) when there is a
 * baseline, and writes --update-baseline. False after logging a write error. */
bool run_outputsBaseline(const struct run_outputs *o);

/* The findings that fail the run: the new ones with a baseline, else all. */
size_t run_outputsFailing(const struct run_outputs *o);

/* Frees what o owns. */
void run_outputsClose(struct run_outputs *o);

#endif
