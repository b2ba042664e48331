/* finding.h - deduplicated findings: one entry per signature (signature.h),
 * with how often, when and by which seeds and scenarios it was hit. */
#ifndef FTSTRESS_FINDING_H
#define FTSTRESS_FINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define FINDING_MAX_SEEDS 16

struct finding {
    char *signature;    /* owned */
    char id[17];        /* signature_id of signature */
    char *kind;         /* "data-race", "heap-use-after-free", ..., "crash", "hang"; owned */
    char *title;        /* one line for a person; owned */
    char *detail;       /* the first occurrence, formatted with its stacks; owned */
    char *python_stack; /* Python frames of the reporting thread, or NULL; owned */
    char *scenario;     /* the first scenario or test that hit it; owned */
    char *file;         /* the first site's source file (for code scanning), or NULL; owned */
    int line;           /* its line, 0 when unknown */
    char *function;     /* the first site's function, or NULL; owned */
    long count;         /* occurrences */
    time_t first_seen, last_seen;
    uint64_t seeds[FINDING_MAX_SEEDS]; /* distinct seeds of runs that hit it */
    int nseeds;
    bool known; /* in the baseline */
};

struct finding_set {
    struct finding *items; /* owned, in order of first appearance */
    size_t count;
};

/* Adds one occurrence. f's strings are taken over by the set (f is left
 * zeroed): a new signature becomes an entry; a known one only adds its count,
 * seed and last-seen time (the first occurrence's detail is kept). */
void finding_add(struct finding_set *set, struct finding *f, uint64_t seed);

/* Adds seed to the list seeds[0..*n) unless it is there or the list holds max:
 * the one rule for every list of seeds a report keeps (a finding's, a
 * scenario's failing seeds). */
void finding_seedsAdd(uint64_t *seeds, int *n, int max, uint64_t seed);

/* Records seed as one that hit f (each seed once, at most FINDING_MAX_SEEDS). */
void finding_addSeed(struct finding *f, uint64_t seed);

/* Adds every entry of src into dst, summing counts and seeds (src unchanged). */
void finding_merge(struct finding_set *dst, const struct finding_set *src);

/* The entry with signature, or NULL. */
struct finding *finding_find(const struct finding_set *set, const char *signature);

/* Entries not marked known. */
size_t finding_countNew(const struct finding_set *set);

/* Frees what set owns. */
void finding_setFree(struct finding_set *set);

#endif
