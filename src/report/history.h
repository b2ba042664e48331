/* history.h - findings over time: one entry per merged run (a night of CI),
 * kept in a JSON file that nightly jobs carry from one night to the next (as
 * an artifact or a cache), read by the HTML report's findings-over-time plot.
 *
 * The file (written atomically, at most HISTORY_MAX_ENTRIES entries, oldest
 * dropped first):
 *
 *   {"tool": "ftstress", "kind": "history", "schema": 1,
 *    "entries": [{
 *      "date": "2025-01-31T02:00:00Z",        when the run was merged (UTC)
 *      "version": "0.1.0",                    ftstress's, or null
 *      "runtime": "cpython-3.13.15-tsan-...", the runtime key, or null
 *      "seed": "1",                           the run's base seed (string)
 *      "scenarios": 3, "passed": 1, "failed": 2, "errors": 0,
 *      "findings_total": 5,                   findings of the run
 *      "new_findings": 4,                     of them not in the baseline
 *      "first_seen": 2,                       of them in no earlier entry
 *      "occurrences": 61,                     their counts summed
 *      "findings": [{"signature", "id", "kind", "count", "known"}],
 *      "lost_updates": [{"scenario", "iterations", "expected", "lost",
 *                        "lossy_states", "rate"}]   lost / expected
 *    }, ...]}
 *
 * Members a reader does not know are ignored (and not written back). */
#ifndef FTSTRESS_HISTORY_H
#define FTSTRESS_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "output.h"

#define HISTORY_MAX_ENTRIES 365

struct history_finding {
    char *signature; /* owned */
    char *kind;      /* owned, or NULL */
    long count;
    bool known;
};

struct history_lost {
    char *scenario; /* owned */
    long iterations;
    long long expected, lost, lossy_states;
    double rate; /* lost / expected, 0 when nothing was expected */
};

struct history_entry {
    time_t date;
    char *version, *runtime; /* owned, or NULL */
    uint64_t seed;
    long scenarios, passed, failed, errors;
    long findings_total, new_findings, first_seen;
    long long occurrences;
    struct history_finding *findings; /* owned */
    size_t nfindings;
    struct history_lost *lost; /* owned */
    size_t nlost;
};

struct history {
    struct history_entry *entries; /* owned, oldest first */
    size_t count;
};

/* Reads path into h (zeroed first). A missing file is an empty history.
 * Returns false, h empty, with *error "PATH:LINE:COLUMN: reason" (or "PATH:
 * reason") for a file that is not a valid history; the caller frees *error. */
bool history_load(const char *path, struct history *h, char **error);

/* Appends run as an entry dated date (first_seen counted against the
 * entries already in h), then drops the oldest entries beyond
 * HISTORY_MAX_ENTRIES. */
void history_append(struct history *h, const struct output_run *run, time_t date);

/* The history document. Caller frees; length in *len (may be NULL). */
char *history_render(const struct history *h, size_t *len);

/* Writes h to path atomically. Returns false with errno set, the old file unchanged. */
bool history_write(const char *path, const struct history *h);

/* The entry's finding with signature, or NULL. */
const struct history_finding *history_findFinding(const struct history_entry *e,
                                                  const char *signature);

/* The entry's lost-update record of scenario, or NULL. */
const struct history_lost *history_findLost(const struct history_entry *e, const char *scenario);

/* Frees what h owns and zeroes it. */
void history_free(struct history *h);

#endif
