/* campaign_state.h - a campaign's state directory: everything a campaign has
 * done, written as it happens and atomically (util_writeFileAtomic), so that
 * a campaign killed at any point and started again on the same directory
 * goes on where it was, and so that `ftstress merge DIR...` joins shards.
 *
 *   STATE/lock          held (flock) while a campaign works on STATE
 *   STATE/plan          this shard's work items, keys, seeds (key=value)
 *   STATE/progress      done/total, findings, time left, state (key=value),
 *                       rewritten after every step
 *   STATE/report.json   `ftstress merge` of every completed item's report:
 *                       the campaign's report so far (ci/report-schema.md)
 *   STATE/merge.log     the last merge's output
 *   STATE/corpus/       failing cases the items saved (replayable)
 *   STATE/items/DIR/    one directory per item (campaign_plan.h's dirname):
 *       result          written last, when the item completed: its key,
 *                       seed, spec, exit status, seconds (key=value)
 *       report.json     its JSON report (renamed from attempt-PID.json once
 *                       the item completed)
 *       report.other.json its JSON report when `ftstress merge` cannot read it
 *                       (another schema): the item is judged by its exit status
 *       attempt-PID.json  the report a running (or killed) attempt writes
 *       output.log      the subprocess's stdout and stderr (last attempt)
 *       command         the subprocess's command line (last attempt)
 *
 * An item counts as done only when its result names the same key, seed and
 * spec as the plan's item; anything else in its directory is from an
 * unfinished attempt and is redone. */
#ifndef FTSTRESS_CAMPAIGN_STATE_H
#define FTSTRESS_CAMPAIGN_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "campaign_plan.h"

struct campaign_state {
    char *dir;      /* owned, as given */
    char *items;    /* STATE/items; owned */
    char *corpus;   /* STATE/corpus, absolute; owned */
    char *report;   /* STATE/report.json; owned */
    char *progress; /* STATE/progress; owned */
    int lock_fd;
};

/* What an item's subprocess came to. */
enum campaign_status {
    CAMPAIGN_CLEAN,    /* exit 0 */
    CAMPAIGN_FINDINGS, /* exit 1 */
    CAMPAIGN_ERROR,    /* exit 2: bad input (a scenario that does not load) */
    CAMPAIGN_FAILED,   /* exit 3, another status, or a signal: ftstress itself failed */
};

struct campaign_result {
    enum campaign_status status;
    int exit_code; /* -1 when ended by a signal */
    double seconds;
    bool has_report; /* items/DIR/report.json holds its JSON report */
    char *finished;  /* ISO 8601 UTC; owned */
};

/* Creates (or opens) dir, its items/ and corpus/, and locks it. Returns false
 * with *error set (the caller frees) when it cannot, or when another campaign
 * holds the lock. */
bool campaign_stateOpen(const char *dir, struct campaign_state *s, char **error);

/* Unlocks and frees what s owns. */
void campaign_stateClose(struct campaign_state *s);

/* STATE/items/DIR/file (file NULL: the directory). Caller frees. */
char *campaign_statePath(const struct campaign_state *s, const struct campaign_item *it,
                         const char *file);

/* Checks the plan against the one an earlier campaign on this directory left
 * (the same shard, or no plan yet), then writes the new one. False with
 * *error when the directory belongs to another shard. */
bool campaign_stateWritePlan(const struct campaign_state *s, const struct campaign_plan *p,
                             const char *config, uint64_t seed, char **error);

/* True when it has a completed result for it (same key, seed and spec, and
 * its report when the result says it has one); fills r (campaign_resultFree). */
bool campaign_stateLoadResult(const struct campaign_state *s, const struct campaign_item *it,
                              struct campaign_result *r);

/* Records it as completed with r (the report, if any, already in place). */
bool campaign_stateSaveResult(const struct campaign_state *s, const struct campaign_item *it,
                              const struct campaign_result *r);

/* Removes what unfinished attempts left in it's directory (attempt-*.json,
 * result, report.json, report.other.json) so a rerun starts clean; creates
 * the directory. */
bool campaign_stateResetItem(const struct campaign_state *s, const struct campaign_item *it);

/* "clean", "findings", "error", "failed". */
const char *campaign_statusName(enum campaign_status status);

/* The status of an exit code (-1: a signal). */
enum campaign_status campaign_statusOfExit(int exit_code);

/* t as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21 bytes); returns buf. */
char *campaign_isoTime(time_t t, char *buf);

void campaign_resultFree(struct campaign_result *r);

#endif
