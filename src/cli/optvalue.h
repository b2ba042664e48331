/* optvalue.h - the value grammar of options, shared by the command line and the
 * campaign file, so a number means the same in both.
 *
 * Numbers parse strictly: no leading spaces or signs, no trailing junk, no
 * empty text, nothing out of range; seconds must be finite (nan, inf and
 * 1e999 are errors). Every parser takes the name to show in its message
 * ("--threads" on the command line, "threads" in a campaign file) and returns
 * false with a message "NAME takes ..., not 'TEXT'" in *error (caller frees). */
#ifndef FTSTRESS_OPTVALUE_H
#define FTSTRESS_OPTVALUE_H

#include <stdbool.h>
#include <stdint.h>

/* How an option's value is read (the KIND column of options.def). */
enum opt_kind {
    OK_FLAG,      /* no value */
    OK_HELP,      /* no value: prints help and ends the program */
    OK_VERSION,   /* no value: prints the version and ends the program */
    OK_STRING,    /* any non-empty text */
    OK_COUNT,     /* a whole number in [LO, HI] */
    OK_SECONDS,   /* seconds, or a number with s, m or h, in [LO, HI] */
    OK_SEED,      /* a non-negative 64-bit number, decimal or 0x hex */
    OK_NOISE,     /* off, low or high */
    OK_FLAVOUR,   /* tsan or release */
    OK_SHARD,     /* K/N with 0 <= K < N <= 10000 */
    OK_DEPS,      /* auto, index, debian or none */
    OK_RUNNER,    /* auto, pytest or unittest */
    OK_SCHEDULE,  /* free, random or pct (schedule.h) */
    OK_AUTO_MODE, /* pool or methods */
};

/* A whole number in [lo, hi] into *out. */
bool optvalue_count(const char *name, const char *text, long lo, long hi, long *out, char **error);

/* Seconds ("30", "2.5") or a duration ("90s", "30m", "2h") in [lo, hi] into *out. */
bool optvalue_seconds(const char *name, const char *text, double lo, double hi, double *out,
                      char **error);

/* A seed: decimal or 0x-prefixed hex, 0 to 2^64-1. */
bool optvalue_seed(const char *name, const char *text, uint64_t *out, char **error);

/* text's index in the NULL-terminated words, into *out. */
bool optvalue_choice(const char *name, const char *text, const char *const *words, int *out,
                     char **error);

/* K/N into *k and *n. */
bool optvalue_shard(const char *name, const char *text, long *k, long *n, char **error);

#endif
