/* schedule.h - controlled schedules on the runner's side (the scheduler itself is in the
 * shims: shims/ftshim.h, "Controlled schedules"). The --schedule and --depth options, the
 * shim's environment for a run, the schedule file a run leaves (its decisions), the
 * fingerprint a case records so that a replay tells "same run" from "diverged", and the
 * failing interleaving the harness writes. */
#ifndef FTSTRESS_SCHEDULE_H
#define FTSTRESS_SCHEDULE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "finding.h"
#include "results.h"

enum schedule_strategy { SCHEDULE_FREE = 0, SCHEDULE_RANDOM = 1, SCHEDULE_PCT = 2 };

#define SCHEDULE_DEFAULT_DEPTH 2
#define SCHEDULE_MAX_DEPTH 16

/* "free", "random" or "pct". */
const char *schedule_name(int strategy);

/* --schedule's value; false after logging what is wrong. */
bool schedule_parse(const char *text, int *out);

/* Appends the environment entries of a run under dir to env (at most max; returns how many
 * it added): FTSTRESS_SCHEDULE, the depth, FTSTRESS_SCHED_OUT=dir/schedule, the replayed
 * schedule (cfg->schedule_replay) and, for a controlled schedule, PYTHONHASHSEED=0 so that
 * hashing is the same on every run and FTSTRESS_NOISE_KINDS without the refcount calls
 * (their slow paths depend on memory layout, so they would not replay). Each entry is malloc'd: the
 * caller frees them. */
int schedule_env(const struct ftstress_config *cfg, const char *dir, char **env, int max);

/* What a run's schedule file (dir/schedule, written by the shim at exit) says. */
struct schedule_file {
    bool present;
    char *strategy; /* owned */
    int depth;
    uint64_t decisions;   /* decisions taken */
    uint64_t watchdog;    /* watchdog hand-offs: not deterministic when > 0 */
    bool truncated;       /* more decisions than the shim could record */
    bool replay;          /* the run followed a recorded schedule */
    uint64_t diverged_at; /* replay: 1 + the first decision that could not follow; 0 none */
    char *hash;           /* "0x..." fingerprint of the decisions; owned */
    char *seq;            /* the decisions, run-length encoded; owned */
};

/* Loads dir/schedule; false (f->present false) when the run left none. */
bool schedule_load(const char *dir, struct schedule_file *f);
void schedule_fileFree(struct schedule_file *f);

/* Writes a file the shim can replay (FTSTRESS_SCHED_REPLAY): "seq=SEQ". */
bool schedule_writeReplay(const char *path, const char *seq);

/* The outcome fingerprint a case records and a replay compares: the histogram of results
 * ("result:samples" joined by ';', in the harness's order) and the run's finding
 * signatures (sorted, unique, joined by ','). Caller frees both. */
char *schedule_outcomes(const struct results *r);
char *schedule_signatures(const struct finding_set *set);

/* The interleaving the harness wrote for the run's first failing state (dir/interleaving),
 * or NULL. Caller frees. */
char *schedule_interleaving(const char *dir);

/* Prints "  schedule: pct d=2, N decisions, M switches[; K watchdog hand-offs: not
 * deterministic]" from the shims' counters, nothing for a free-running scenario. */
struct shimstats;
void schedule_printSummary(FILE *out, const struct ftstress_config *cfg,
                           const struct shimstats *shim);

#endif
