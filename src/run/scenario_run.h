/* scenario_run.h - one run of one scenario: an engine process running the
 * scenario harness (scenarios/harness.py), and the results file it wrote
 * (scenarios/README.md). What the scenario's runs add up to is a
 * scenario_verdict (verdict.h), the report's entry. */
#ifndef FTSTRESS_SCENARIO_RUN_H
#define FTSTRESS_SCENARIO_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "engine.h"
#include "results.h"
#include "runtime.h"
#include "suppress.h"
#include "verdict.h"

struct scenario_run {
    struct run_record rec;  /* the engine's record of the process; owned */
    struct results results; /* the harness's results file; owned */
};

/* Runs scenario once with seed, its files under dir (created), TSan reading
 * the suppressions file tsan_supp_path, and supp filtering and counting
 * (suppress.h). Returns false only when ftstress itself failed (no process
 * could be started); a crash, a hang or a bad scenario is recorded in run. */
bool scenario_runOnce(const struct ftstress_config *cfg, const struct runtime *rt,
                      const char *tsan_supp_path, struct suppress_set *supp, const char *scenario,
                      uint64_t seed, const char *dir, struct scenario_run *run);

/* What made run fail, as a short phrase ("lost updates", "crash (signal 11)",
 * "hang", "2 data race reports"), or NULL when it did not. Caller frees. */
char *scenario_runFailure(const struct scenario_run *run);

/* Adds run to v (v zeroed before the first). */
void scenario_runAddTo(struct scenario_verdict *v, const struct scenario_run *run);

/* Frees what run owns. */
void scenario_runFree(struct scenario_run *run);

#endif
