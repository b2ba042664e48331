/* fuzz_plan.h - operation sequences: what each thread of one iteration runs.
 *
 * An operation is a name (of the target's operations) and a 32-bit argument
 * seed; its arguments depend on that seed alone (scenarios/fuzzharness.py), so
 * removing operations keeps the others' arguments. Text form, the same in
 * results files, case files and sequences files: one thread is
 * "NAME:ARGSEED NAME:ARGSEED ...". */
#ifndef FTSTRESS_FUZZ_PLAN_H
#define FTSTRESS_FUZZ_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fuzz_op {
    char *name; /* owned */
    uint32_t argseed;
};

struct fuzz_thread {
    struct fuzz_op *ops; /* owned */
    size_t count;
};

struct fuzz_plan {
    struct fuzz_thread *threads; /* owned; threads may be empty */
    size_t nthreads;
};

/* Parses one thread's text into out (emptied first). Returns false, naming the
 * bad word in err, on a word that is not NAME:ARGSEED. */
bool fuzz_planParseThread(const char *text, struct fuzz_thread *out, char *err, size_t errlen);

/* The most threads a plan holds: --threads' own bound. */
#define FUZZ_PLAN_MAX_THREADS 256

/* Parses text as thread tid of p, growing p to tid + 1 threads. Same errors,
 * and false for a tid of FUZZ_PLAN_MAX_THREADS or more. */
bool fuzz_planSetThread(struct fuzz_plan *p, size_t tid, const char *text, char *err,
                        size_t errlen);

/* One thread as text. Caller frees. */
char *fuzz_planFormatThread(const struct fuzz_thread *t);

/* Operations over all threads / threads holding at least one operation. */
size_t fuzz_planOps(const struct fuzz_plan *p);
size_t fuzz_planActiveThreads(const struct fuzz_plan *p);

/* p without the operations whose flat index (thread 0's in order, then thread
 * 1's, ...) lies in [from, to); threads left empty are dropped. */
void fuzz_planWithout(const struct fuzz_plan *p, size_t from, size_t to, struct fuzz_plan *out);

/* p without thread tid. */
void fuzz_planWithoutThread(const struct fuzz_plan *p, size_t tid, struct fuzz_plan *out);

/* A deep copy of src into dst. */
void fuzz_planCopy(struct fuzz_plan *dst, const struct fuzz_plan *src);

bool fuzz_planEqual(const struct fuzz_plan *a, const struct fuzz_plan *b);

/* Writes the candidates as a sequences file the harness reads (--sequences):
 * "candidate" opens one, "thread TEXT" is one of its threads. */
bool fuzz_planWriteSequences(const char *path, const struct fuzz_plan *cands, size_t n);

/* Frees what p owns and zeroes it. */
void fuzz_planFree(struct fuzz_plan *p);
void fuzz_planThreadFree(struct fuzz_thread *t);

#endif
