/* shimstats.h - the shims' event counters (shims/ftshim.h, "Stats file"),
 * summed over runs, so a report shows what a scenario exercised. */
#ifndef FTSTRESS_SHIMSTATS_H
#define FTSTRESS_SHIMSTATS_H

#include <stdint.h>
#include <stdio.h>

#define SHIMSTATS_MAX 64

struct shimstats {
    char *keys[SHIMSTATS_MAX]; /* owned */
    uint64_t values[SHIMSTATS_MAX];
    int count;
    int files; /* stats files added */
};

/* Adds the counters of one stats file's text (NULL: nothing). */
void shimstats_add(struct shimstats *s, const char *text);

/* Adds every counter of src into dst. */
void shimstats_merge(struct shimstats *dst, const struct shimstats *src);

/* Adds every stats file of dir (names starting "shim-stats.", one per process
 * that ran the shims: subprocesses write their own). */
void shimstats_addDir(struct shimstats *s, const char *dir);

/* The summed value of key, 0 when absent. */
uint64_t shimstats_get(const struct shimstats *s, const char *key);

/* One line: the busiest intercepted calls and the noise injected. */
void shimstats_print(FILE *out, const struct shimstats *s);

/* Frees what s owns. */
void shimstats_free(struct shimstats *s);

#endif
