/* run_findings.h - the findings one run directory yields (engine.h lists the
 * files): TSan reports paired with the hook's Python stacks, and the crash or
 * hang of the process with its C and Python stacks. */
#ifndef FTSTRESS_RUN_FINDINGS_H
#define FTSTRESS_RUN_FINDINGS_H

#include <stdbool.h>
#include <stdint.h>

#include "finding.h"
#include "suppress.h"

struct run_findings_stats {
    int tsan_reports;    /* reports parsed */
    int failed_restores; /* stacks TSan could not restore (history too short) */
    int truncated;       /* reports cut off */
    int suppressed;      /* reports dropped by ftstress's pattern rules */
};

/* Adds the TSan findings of dir to out, leaving out what supp suppresses (and
 * counting its rules' matches, TSan's own included). Returns false only when
 * the parser could not be set up. */
bool run_findings_collectTsan(const char *dir, const char *scenario, uint64_t seed,
                              struct suppress_set *supp, struct finding_set *out,
                              struct run_findings_stats *stats);

/* Where one report's finding goes: the set, and the scenario or test named
 * as the finding's first. */
struct run_findings_dest {
    struct finding_set *set;
    const char *name;
};

/* Chooses the destination of a report of process pid: seq is its number
 * among that process's reports as the report hook counted them (0 for a
 * deadly signal, which the hook does not see), pystack its Python stack or
 * NULL. */
typedef struct run_findings_dest (*run_findings_router)(long pid, long seq, const char *pystack,
                                                        void *arg);

/* run_findings_collectTsan, with each report's finding sent where route says
 * (one process's reports may belong to several tests). */
bool run_findings_collectTsanRouted(const char *dir, uint64_t seed, struct suppress_set *supp,
                                    run_findings_router route, void *route_arg,
                                    struct run_findings_stats *stats);

/* Adds one finding per refcount anomaly record the shims wrote in dir
 * (shims/ftshim.h, "Anomaly records"). */
void run_findings_addAnomalies(const char *dir, const char *scenario, uint64_t seed,
                               struct suppress_set *supp, struct finding_set *out);

/* Adds a crash finding (reason: e.g. "Segmentation fault") or, with reason
 * NULL, a hang finding of the run in dir. */
void run_findings_addCrashOrHang(const char *dir, const char *scenario, uint64_t seed,
                                 const char *reason, struct finding_set *out);

#endif
