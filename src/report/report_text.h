/* report_text.h - what a person reads on the terminal after a run. */
#ifndef FTSTRESS_REPORT_TEXT_H
#define FTSTRESS_REPORT_TEXT_H

#include <stdio.h>

#include "config.h"
#include "finding.h"
#include "runtime.h"
#include "verdict.h"

/* One line naming the runtime and the run's parameters. */
void report_textHeader(FILE *out, const struct ftstress_config *cfg, const struct runtime *rt,
                       size_t nscenarios);

/* A scenario's block: verdict line, outcome table, lost updates, races,
 * crashes and hangs with stacks, and how to replay. */
void report_textScenario(FILE *out, const struct ftstress_config *cfg,
                         const struct scenario_verdict *v);

/* One finding: id, title, signature, count and seeds, stacks (C and Python). */
void report_textFinding(FILE *out, const struct finding *f);

/* The closing summary: how many scenarios passed and failed. */
void report_textSummary(FILE *out, int passed, int failed, int errors, double seconds);

#endif
