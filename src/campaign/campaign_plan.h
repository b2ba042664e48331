/* campaign_plan.h - a campaign's work items: the campaign file's entries
 * expanded (one item per scenario, test line or fuzz target), each with a
 * stable key, a seed derived from the campaign seed and the key, a share of
 * the time budget, and the command line of the `ftstress` subprocess that
 * runs it.
 *
 * Determinism is the contract: the same file and seed give the same items,
 * keys and seeds on every machine, whatever the order of the file's lines
 * (items are sorted by key) and whatever the sharding (item i of the sorted
 * list belongs to shard i mod N; its seed does not depend on N). */
#ifndef FTSTRESS_CAMPAIGN_PLAN_H
#define FTSTRESS_CAMPAIGN_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "campaign_config.h"
#include "config.h"

/* No item is started with less time than this (seconds). */
#define CAMPAIGN_MIN_START 5.0
/* The least share an item asks for when the budget is scaled down. */
#define CAMPAIGN_MIN_SHARE 10.0
/* Time an item's subprocess spends outside its runs (start-up, reports), and
 * one interpreter's start-up; subtracted from a share when choosing --time. */
#define CAMPAIGN_ITEM_OVERHEAD 1.0
#define CAMPAIGN_RUN_OVERHEAD 2.0
/* iterations of a scenario item whose time share alone ends its runs */
#define CAMPAIGN_UNBOUNDED_ITERATIONS 1000000000L

struct campaign_item {
    enum campaign_kind kind;
    char *key;     /* "scenario:NAME", "test:PATH", "fuzz:TARGET" (as written); owned */
    char *dirname; /* its directory under the state's items/: the key made a file name
                      plus 8 hex digits of its hash; owned */
    char *target;  /* what the subprocess is given (a resolved path, a target); owned */
    struct campaign_options opt; /* the entry's, over the command line's; owned */
    uint64_t seed;               /* engine_runSeed(campaign seed, key, 0) */
    int line;                    /* its line in the campaign file */
    char *spec;                  /* what it runs, less its time: a saved result counts only when
                                    the spec matches; owned */
};

struct campaign_plan {
    struct campaign_item *items; /* sorted by key; owned */
    size_t count;
    size_t total;      /* items before sharding */
    int shard, shards; /* 0 and 1 unsharded */
};

/* Expands c into p (zeroed first): `scenarios builtin` and scenario
 * directories into one item per scenario, options not set by the file taken
 * from cfg (threads and iterations when given on the command line, runs,
 * noise), seeds derived from seed. Returns false with *error ("FILE:LINE:
 * reason", the caller frees) when two entries name the same item or a
 * directory holds no scenario. */
bool campaign_planBuild(const struct campaign_config *c, const struct ftstress_config *cfg,
                        uint64_t seed, struct campaign_plan *p, char **error);

/* Keeps the items of shard k of n (item i of the sorted list when i % n == k). */
void campaign_planShard(struct campaign_plan *p, int k, int n);

/* The seconds item `which` gets of remaining, shared with the other items
 * marked in pending (which itself included): fixed-time items their time,
 * the others the rest by weight; everything scaled down together when
 * remaining cannot hold the fixed times plus CAMPAIGN_MIN_SHARE per weight. */
double campaign_planShare(const struct campaign_plan *p, const bool *pending, size_t which,
                          double remaining);

/* What every item's subprocess shares. */
struct campaign_invocation {
    const char *exe;          /* the ftstress binary (/proc/self/exe) */
    const char *corpus;       /* --corpus */
    const char *runtime;      /* --runtime, or NULL */
    const char *flavour;      /* --flavour, or NULL */
    const char *suppressions; /* --suppressions, or NULL */
    double timeout;           /* the largest hang margin (the command line's --timeout) */
    bool verbose;
};

/* The subprocess's argv for item with share seconds, writing its JSON report
 * to json: NULL-terminated, every string and the array owned by the caller
 * (campaign_argvFree). */
char **campaign_planArgv(const struct campaign_item *it, const struct campaign_invocation *inv,
                         double share, const char *json);

/* The argv as one line for logs (words with spaces quoted). Caller frees. */
char *campaign_argvJoin(char *const *argv);

void campaign_argvFree(char **argv);

/* Frees what p owns and zeroes it. */
void campaign_planFree(struct campaign_plan *p);

#endif
