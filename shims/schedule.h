/* schedule.h - controlled schedules (FTSTRESS_SCHEDULE=random|pct), shared by the files of
 * libftshim.so; the exported control API is in ftshim.h ("Controlled schedules").
 *
 * Between two switch points only the thread that holds the turn runs. The threads under
 * control ("members") are the ones a harness registered with ftshim_sched_enter(); every
 * other thread runs free. Switch points: every noise point of an interposed call (the noise
 * kinds select which) and every line event a harness forwards (ftshim_sched_line). A member
 * that detaches its thread state (PyEval_SaveThread/ReleaseThread) gives its turn away; it
 * waits for one before it re-attaches. Hand-offs use uninstrumented atomics and raw futex
 * calls only, so ThreadSanitizer sees no synchronisation between members. */
#ifndef FTSHIM_SCHED_H
#define FTSHIM_SCHED_H

#include <stdbool.h>
#include <stdint.h>

struct shim_thread;

enum sched_strategy { SCHED_FREE = 0, SCHED_RANDOM = 1, SCHED_PCT = 2 };

#define SCHED_MAX_THREADS 64
#define SCHED_MAX_DEPTH 16

/* True when a controlled strategy is configured (set once by config_load). */
extern bool sched_enabled;

/* Reads FTSTRESS_SCHEDULE and friends (called by config_load). Returns the strategy. */
void sched_config_load(void);
/* Parses a strategy name; 0 on success. */
int sched_parse_strategy(const char *s, int *out);
const char *sched_strategy_name(int strategy);

/* A switch point of the calling thread (a noise point under a controlled schedule). */
void sched_point(struct shim_thread *t, const char *op);
/* Around the real PyEval_SaveThread/ReleaseThread and RestoreThread/AcquireThread. */
void sched_detached(struct shim_thread *t);
void sched_before_attach(struct shim_thread *t);
/* Around the real _PyParkingLot_Park, and after a member's _PyParkingLot_Unpark(All). */
void sched_before_park(struct shim_thread *t, const void *addr);
void sched_after_park(struct shim_thread *t);
void sched_unparked(struct shim_thread *t, const void *addr, bool all);

/* Writes the schedule file (FTSTRESS_SCHED_OUT) now; exit paths. Async-signal-safe. */
void sched_write_configured(void);
/* In a fork()ed child: the child runs free (its parent's members are gone). */
void sched_after_fork(void);

#endif
