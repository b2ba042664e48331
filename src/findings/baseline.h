/* baseline.h - the baseline: finding signatures a project already knows about,
 * so CI can fail on new findings only.
 *
 * The file (ci/report-schema.md, "Baseline file"): one signature a line
 * (signature.h: "KIND:...", e.g. "data-race:dictobject.c:insertdict,x.c:f"),
 * optionally followed by a TAB and a free comment; blank lines and lines whose
 * first non-blank character is '#' are ignored; surrounding spaces, a CR
 * before the newline and a UTF-8 byte-order mark are tolerated. Signatures
 * may contain spaces, which is why only a TAB starts a comment. */
#ifndef FTSTRESS_BASELINE_H
#define FTSTRESS_BASELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"

struct baseline_entry {
    char *signature; /* owned */
    char *comment;   /* the text after the TAB, or NULL; owned */
    int line;        /* where it is in the file, from 1 */
};

struct baseline {
    char *path;                   /* owned */
    struct baseline_entry *items; /* owned; in file order, each signature once */
    size_t count;
};

/* Reads path into b (zeroed first). Returns false, b empty, and *error set to
 * "PATH:LINE: reason" for a line that is not a signature, or "PATH: strerror"
 * when the file cannot be read (errno kept); the caller frees *error. A
 * signature listed twice is kept once, at its first line. */
bool baseline_load(const char *path, struct baseline *b, char **error);

/* True when signature is listed in b. */
bool baseline_contains(const struct baseline *b, const char *signature);

/* Sets known on every finding of set whose signature b lists, and clears it
 * on every other; returns how many are known. */
size_t baseline_mark(const struct baseline *b, struct finding_set *set);

/* The entries of b that no finding of set has (fixed bugs, or ones this run
 * did not reach: candidates to prune), in file order, their number in *count.
 * The array is the caller's to free; the entries stay b's. NULL when none. */
const struct baseline_entry **baseline_unseen(const struct baseline *b,
                                              const struct finding_set *set, size_t *count);

/* Writes every signature of set to path, sorted bytewise, each with its kind
 * and title as comment, under a header saying what the file is; atomically
 * (util_writeFileAtomic). A signature a baseline cannot hold (with a TAB,
 * CR or newline, or surrounding spaces) is left out with a warning. Returns
 * false with errno set, the old file unchanged. */
bool baseline_write(const char *path, const struct finding_set *set);

/* Frees what b owns and zeroes it. */
void baseline_free(struct baseline *b);

#endif
