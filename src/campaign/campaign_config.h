/* campaign_config.h - the campaign file: what a nightly `ftstress campaign`
 * runs, one entry a line (ci/campaign.md has the full description).
 *
 *   # comment (a '#' that starts a word, outside quotes, to the end of the line)
 *   seed 42                          campaign seed (--seed overrides it)
 *   defaults runs=2 threads=2        options for the entries below this line
 *   scenarios builtin [OPTIONS]      every built-in scenario, one work item each
 *   scenario PATH [OPTIONS]          a scenario file, or a directory: one item per
 *                                    scenario in it
 *   test PATH [OPTIONS]              `ftstress test PATH`, one item
 *   fuzz TARGET [OPTIONS]            `ftstress fuzz TARGET` (a target file or
 *                                    module:factory), one item
 *
 * OPTIONS are NAME=VALUE words; a value may be "double-quoted" (with \" and \\)
 * to hold spaces or '#':
 *   runs=N         interpreter runs per scenario (scenario, fuzz)
 *   iterations=N   states per run (scenario), iterations per test (test); a
 *                  scenario without it runs until its time share is used
 *   threads=N      threads (all)
 *   noise=off|low|high
 *   ops=N          operations per thread per iteration (fuzz)
 *   k=EXPR         test selection, as `ftstress test -k` (test)
 *   until-failure  repeat the tests until one fails or the time share is
 *                  used (test; a bare word)
 *   weight=N       relative share of the budget (default 1)
 *   time=DURATION  a fixed time instead of a share (scaled down when the
 *                  budget cannot hold every fixed time)
 *   timeout=DURATION  what a run may take beyond its time before it is a hang
 * A DURATION is seconds, or a number with s, m or h: 90s, 30m, 2h, 1.5m.
 * Relative paths are relative to the campaign file's directory. A bad line is
 * an error "FILE:LINE: reason". */
#ifndef FTSTRESS_CAMPAIGN_CONFIG_H
#define FTSTRESS_CAMPAIGN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum campaign_kind { CAMPAIGN_SCENARIO, CAMPAIGN_TEST, CAMPAIGN_FUZZ };

/* An entry's options; 0 (or -1 for noise, NULL for keyword) means not set. */
struct campaign_options {
    int runs;
    long iterations;
    int threads;
    int noise; /* enum noise_level, or -1 */
    int ops;
    int weight;
    double time;    /* fixed seconds instead of a share of the budget */
    double timeout; /* hang margin beyond the run's time */
    char *keyword;  /* test k=; owned */
    bool until_failure;
};

struct campaign_entry {
    enum campaign_kind kind;
    char *target;   /* as written: a path, "builtin", a fuzz target; owned */
    char *resolved; /* a path made relative to the file's directory, or target; owned */
    bool builtin;   /* `scenarios builtin` */
    struct campaign_options opt; /* the line's own options over the defaults above it */
    int line;
};

struct campaign_config {
    char *path; /* the file; owned */
    uint64_t seed;
    bool seed_given;
    struct campaign_entry *entries; /* in file order; owned */
    size_t count;
};

/* Reads and parses the campaign file at path into c (zeroed first). Returns
 * false with *error ("PATH:LINE: reason", or "PATH: strerror") for the first
 * bad line or an unreadable file; c is then empty. The caller frees *error.
 * Paths named by entries must exist. */
bool campaign_configLoad(const char *path, struct campaign_config *c, char **error);

/* The same for text held in memory: name stands for the file in messages and
 * relative paths are resolved against base_dir (NULL: taken as they are). */
bool campaign_configParse(const char *name, const char *text, const char *base_dir,
                          struct campaign_config *c, char **error);

/* "scenario", "test" or "fuzz". */
const char *campaign_kindName(enum campaign_kind kind);

/* Copies src into dst (the keyword duplicated); dst's old keyword is not freed. */
void campaign_optionsCopy(struct campaign_options *dst, const struct campaign_options *src);

/* Every option set in over replaces the same option of base (keyword copied). */
void campaign_optionsOverlay(struct campaign_options *base, const struct campaign_options *over);

/* Frees what c owns and zeroes it. */
void campaign_configFree(struct campaign_config *c);

#endif
