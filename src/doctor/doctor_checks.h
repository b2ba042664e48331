/* doctor_checks.h - the checks of `ftstress doctor`, one function each, so
 * each can be read and tested alone. A check fills a doctor_result: whether it
 * passed, what it found, and the fix when it did not. */
#ifndef FTSTRESS_DOCTOR_CHECKS_H
#define FTSTRESS_DOCTOR_CHECKS_H

#include <stdbool.h>

#include "config.h"
#include "runtime.h"

enum doctor_state { DOCTOR_OK, DOCTOR_WARN, DOCTOR_FAIL };

struct doctor_result {
    enum doctor_state state;
    char *what; /* e.g. "vm.mmap_rnd_bits = 32"; owned */
    char *fix;  /* the command or step that mends it, or NULL; owned */
};

/* The TSan runtime cannot map its shadow memory when the kernel randomises
 * mmap with more than 28 bits (LLVM 14's TSan): text is the content of
 * /proc/sys/vm/mmap_rnd_bits, or NULL when unreadable. */
struct doctor_result doctor_mmapBits(const char *text);

/* Hang stacks attach to the hung interpreter with ptrace: yama is the content
 * of /proc/sys/kernel/yama/ptrace_scope (NULL: no Yama), cap_ptrace whether
 * this process holds CAP_SYS_PTRACE. */
struct doctor_result doctor_ptrace(const char *yama, bool cap_ptrace);

/* llvm-symbolizer names C frames in TSan reports and stacks: found is its
 * path on PATH, or NULL. */
struct doctor_result doctor_symbolizer(const char *found);

/* free_bytes on the file system of the cache dir: a runtime build needs about
 * 1.5 GiB, each further runtime about 0.5 GiB. */
struct doctor_result doctor_disk(const char *dir, double free_bytes);

/* The first executable called name in the directories of path (a PATH
 * value), or NULL. Caller frees. */
char *doctor_which(const char *path, const char *name);

/* Frees what r owns. */
void doctor_resultFree(struct doctor_result *r);

#endif
