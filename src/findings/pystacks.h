/* pystacks.h - the Python stacks the runtime's TSan report hook wrote.
 *
 * File format (src/runtime/tsan_report_hook.c): per printed TSan report,
 *   report SEQ pid PID
 *     File "path.py", line N in function
 *   end
 * SEQ counts the printed reports of process PID from 1, in log order. */
#ifndef FTSTRESS_PYSTACKS_H
#define FTSTRESS_PYSTACKS_H

#include <stddef.h>

struct pystacks_record {
    long pid;
    long seq;
    char *frames; /* the "  File ..." lines, innermost first; owned */
};

struct pystacks {
    struct pystacks_record *records; /* owned */
    size_t count;
};

/* Reads path into ps; a missing file gives an empty set. Incomplete records
 * (no "end") are dropped. */
void pystacks_load(const char *path, struct pystacks *ps);

/* The frames of report seq of process pid, or NULL. Owned by ps. */
const char *pystacks_find(const struct pystacks *ps, long pid, long seq);

/* Frees what ps owns. */
void pystacks_free(struct pystacks *ps);

#endif
