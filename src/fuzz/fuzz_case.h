/* fuzz_case.h - saved fuzz cases: the operation sequence that showed a
 * finding or a new outcome, replayable with `ftstress replay CASE` (or
 * `ftstress fuzz CASE`). Format: scenarios/fuzz_targets/README.md, "Cases".
 *
 * key=value lines like the scenario cases of corpus.h, kind=fuzz, plus one
 * thread.N=NAME:ARGSEED ... line per thread of the (minimized) sequence. A
 * case without thread lines is replayed by drawing iteration `iteration` of
 * `seed` again. */
#ifndef FTSTRESS_FUZZ_CASE_H
#define FTSTRESS_FUZZ_CASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "fuzz_plan.h"

struct fuzz_case {
    char *target;     /* module:factory or the target file's absolute path; owned */
    char *label;      /* the target's short name; owned */
    uint64_t seed;    /* the process seed the iteration was drawn from */
    long iteration;   /* the iteration within that process, -1 when unknown */
    int threads, ops; /* the campaign's threads and operations per thread */
    enum noise_level noise;
    double timeout;
    char *runtime_key;     /* owned, may be NULL */
    char *verdict;         /* one line; owned */
    char *kind;            /* the finding's kind ("data-race", "crash", ...) or "outcome"; owned */
    char *signature;       /* the finding's signature; owned, may be NULL */
    size_t original_ops;   /* operations before minimization, 0 when not minimized */
    int reproduced;        /* minimization confirmed it: 1, could not: 0, not tried: -1 */
    struct fuzz_plan plan; /* the sequence; may be empty */
};

/* The case as file text; path is named in its header comment. Caller frees. */
char *fuzz_caseFormat(const struct fuzz_case *c, const char *path);

/* Parses text read from name into c. Returns false with "NAME: reason" in err. */
bool fuzz_caseParse(const char *name, const char *text, size_t len, struct fuzz_case *c, char *err,
                    size_t errlen);

/* Writes c to dir/name atomically (dir created). Returns the path (caller
 * frees) or NULL after logging why. */
char *fuzz_caseSave(const char *dir, const char *name, const struct fuzz_case *c);

/* Reads a case file; false after logging the file and the problem. */
bool fuzz_caseLoad(const char *path, struct fuzz_case *c);

/* True when path is a readable case file with kind=fuzz. */
bool fuzz_caseIsFuzz(const char *path);

/* name with every character outside [A-Za-z0-9._-] replaced by '_'
 * (for file names). Caller frees. */
char *fuzz_caseSafeName(const char *name);

void fuzz_caseFree(struct fuzz_case *c);

#endif
