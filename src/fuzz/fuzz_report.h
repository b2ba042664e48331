/* fuzz_report.h - what `ftstress fuzz` shows: a header, one block per target
 * (counts, speed, findings with the sequence and case that replay them), a
 * readiness table. The machine-readable reports are fuzz_outputs.h's. */
#ifndef FTSTRESS_FUZZ_REPORT_H
#define FTSTRESS_FUZZ_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "config.h"
#include "fuzz_campaign.h"
#include "runtime.h"

/* One line: runtime, threads, operations, noise, seed and budget. */
void fuzz_reportHeader(FILE *out, const struct ftstress_config *cfg, const struct runtime *rt,
                       const char *what, const struct fuzz_campaignOptions *opt);

/* A target's block: verdict, counts and speed, each finding with where it was
 * found, its (minimized) sequence, its case and the replay command. */
void fuzz_reportCampaign(FILE *out, const struct fuzz_campaign *c);

/* "could not fuzz: MESSAGE" and the harness's traceback, each line after indent. */
void fuzz_reportHarnessError(FILE *out, const struct fuzz_campaign *c, const char *indent);

/* The methods left out because they act on the process, with the reasons,
 * on one line after indent; nothing when there are none. */
void fuzz_reportSkipped(FILE *out, const struct fuzz_campaign *c, const char *indent);

/* Pool mode's op-pair coverage and the pairs that showed findings, after
 * indent; nothing in methods mode. */
void fuzz_reportPairs(FILE *out, const struct fuzz_campaign *c, const char *indent);

/* One readiness table row for c. */
void fuzz_reportReadinessRow(FILE *out, const struct fuzz_campaign *c);

#endif
