/* suppress.h - suppressions: TSan's own lines and ftstress's PCRE2 patterns,
 * in one file format, with a count of how often each one matched.
 *
 * A suppressions file has one rule a line ('#' comments, blank lines skipped):
 *   race:PATTERN, race_top:PATTERN, thread:, mutex:, signal:, deadlock:,
 *   called_from_lib:LIB   TSan's own syntax and matching (its wildcards '*',
 *                         '^', '$'), handed to TSan; counted from TSan's
 *                         print_suppressions output
 *   function:REGEX        a report is dropped when any frame of any of its
 *   file:REGEX            stacks has a function / file / module matching the
 *   module:REGEX          PCRE2 pattern (unanchored; anchor with ^ and $)
 *   signature:REGEX       a finding is dropped when its signature matches
 * Every run joins the runtime's own file, ftstress's (src/tsan/ftstress.supp)
 * and the user's into the one file TSan reads. */
#ifndef FTSTRESS_SUPPRESS_H
#define FTSTRESS_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "runtime.h"
#include "tsan_report.h"

enum suppress_target {
    SUPPRESS_TSAN,      /* handed to TSan */
    SUPPRESS_FUNCTION,  /* PCRE2 over frame functions */
    SUPPRESS_FILE,      /* PCRE2 over frame files */
    SUPPRESS_MODULE,    /* PCRE2 over frame modules */
    SUPPRESS_SIGNATURE, /* PCRE2 over finding signatures */
};

struct suppress_rule {
    enum suppress_target target;
    char *text;   /* the line as written, "type:pattern"; owned */
    char *origin; /* "FILE:LINE"; owned */
    void *regex;  /* compiled pcre2_code for the PCRE2 targets; owned */
    long matched; /* how often it suppressed something */
    bool user;    /* from the user's file (the ones worth pruning) */
};

struct suppress_set {
    struct suppress_rule *rules; /* owned */
    size_t count;
};

/* Appends the rules of path to set. On a bad line returns false and writes
 * "FILE:LINE:COLUMN: reason" into err. user marks rules worth a prune hint. */
bool suppress_load(struct suppress_set *set, const char *path, bool user, char *err, size_t errlen);

/* Loads ftstress's own rules and the runtime's, then the user's file (may be
 * NULL). Returns false after logging the error. */
bool suppress_loadAll(struct suppress_set *set, const struct runtime *rt, const char *user_path);

/* Writes the TSan rules of set to out_path, the file TSan reads (atomically). */
bool suppress_writeTsanFile(const struct suppress_set *set, const char *out_path);

/* True (and counted) when a PCRE2 rule matches a frame of r. */
bool suppress_matchReport(struct suppress_set *set, const struct tsanreport_report *r);

/* True (and counted) when a signature rule matches sig. */
bool suppress_matchSignature(struct suppress_set *set, const char *sig);

/* Adds the "ThreadSanitizer: Matched N suppressions" counts found in a TSan
 * log (print_suppressions=1) to the TSan rules they name. */
void suppress_countTsanLog(struct suppress_set *set, const char *log);

/* Prints the user's rules with their match counts, flagging unmatched ones. */
void suppress_printUsage(const struct suppress_set *set);

/* Frees what set owns. */
void suppress_free(struct suppress_set *set);

#endif
