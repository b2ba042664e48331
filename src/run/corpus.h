/* corpus.h - saved failing cases that replay exactly (corpus/README.md).
 *
 * A case is one key=value file: the scenario path, the seed and every parameter
 * of the run that failed, what failed, and where. Written atomically. */
#ifndef FTSTRESS_CORPUS_H
#define FTSTRESS_CORPUS_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "engine.h"
#include "results.h"
#include "runtime.h"

struct corpus_case {
    char *scenario; /* absolute path of the scenario file; owned */
    uint64_t seed;
    int threads;
    long iterations;
    int stride;
    double time_budget;
    double timeout;
    enum noise_level noise;
    char *runtime_key; /* the runtime it failed on; owned, may be NULL */
    char *verdict;     /* what failed, e.g. "lost updates", "crash signal 11"; owned */
    /* controlled schedules (schedule.h): what an exact replay must reproduce */
    int schedule;        /* enum schedule_strategy; SCHEDULE_FREE: none recorded */
    int depth;           /* pct depth */
    char *schedule_hash; /* the decisions' fingerprint; owned or NULL */
    char *schedule_seq;  /* the decisions; owned or NULL */
    uint64_t schedule_decisions;
    bool schedule_exact; /* no watchdog hand-off, nothing truncated: replayable exactly */
    char *outcomes;      /* the run's histogram (schedule_outcomes); owned or NULL */
    char *signatures;    /* its finding signatures (schedule_signatures); owned or NULL */
};

/* Saves the failing run rec of scenario as a case under cfg->corpus_dir.
 * Returns the case file's path (caller frees), or NULL after logging why. */
char *corpus_save(const struct ftstress_config *cfg, const struct runtime *rt, const char *scenario,
                  const struct run_record *rec, const struct results *results, const char *verdict);

/* Reads a case file. Returns false after naming the file, line and problem. */
bool corpus_load(const char *path, struct corpus_case *c);

/* cfg with the case's parameters laid over it (seed, threads, ...). */
void corpus_applyToConfig(const struct corpus_case *c, struct ftstress_config *cfg);

/* Frees what c owns. */
void corpus_caseFree(struct corpus_case *c);

#endif
