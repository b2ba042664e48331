/* session.h - what `run`, `test` and `fuzz` open once and close once, in one
 * place and in one order, with one rule for the exit status of what fails:
 *
 *   the runtime        (none built: EXIT_INTERNAL)
 *   the reports        --json/--junit/--sarif and --baseline (bad baseline: EXIT_USAGE)
 *   the work dir       --keep's or a temporary one (cannot make it: EXIT_INTERNAL)
 *   the suppressions   the runtime's, ftstress's and --suppressions, joined into
 *                      the file TSan reads (a bad line of the user's: EXIT_USAGE)
 *   the stop handler   SIGINT/SIGTERM (stop.h)
 *
 * The layers below (engine, findings, report) know nothing of which command
 * runs. */
#ifndef FTSTRESS_SESSION_H
#define FTSTRESS_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "run_outputs.h"
#include "runtime.h"
#include "suppress.h"

struct session {
    const struct ftstress_config *cfg;
    struct runtime rt;
    bool rt_open;
    struct run_outputs outputs; /* reports and baseline; owned */
    char *work;                 /* where every process's files go; owned */
    struct suppress_set supp;   /* ftstress's filtering and counting; owned */
    char *tsan_supp;            /* the joined file TSan reads; owned */
};

/* Opens everything above for cfg (kept, not copied), the work dir named
 * PREFIX-XXXXXX unless --keep. Returns EXIT_CLEAN, or the exit status to end
 * with (already reported); session_close is called either way. */
int session_open(struct session *s, const struct ftstress_config *cfg, const char *prefix);

/* True once SIGINT or SIGTERM asked to stop. */
bool session_stopping(void);

/* The exit status of a finished command: an internal error outranks
 * findings (those the baseline does not know, with --baseline), which outrank
 * the user's input errors (a file that did not load). */
int session_exitStatus(const struct session *s, bool internal_error, size_t input_errors);

/* Lists how often each --suppressions rule matched, removes the work dir
 * unless kept, and frees everything. */
void session_close(struct session *s);

#endif
