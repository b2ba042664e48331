/* campaign_exec.h - running one `ftstress` subprocess of a campaign (an item,
 * or a merge) with a deadline.
 *
 * Why not spawn.h: spawn_run is for interpreters under test (a watchdog that
 * takes stacks and calls a late process a hang). A campaign's subprocess is
 * ftstress itself, which stops cleanly on SIGTERM (it ends its interpreter
 * and writes its report of what ran), so a deadline here means SIGTERM, then
 * SIGKILL after a grace period. The subprocess also dies with the campaign
 * (PR_SET_PDEATHSIG), so a campaign killed with SIGKILL leaves no item
 * running behind it into a state directory a new campaign is using. */
#ifndef FTSTRESS_CAMPAIGN_EXEC_H
#define FTSTRESS_CAMPAIGN_EXEC_H

#include <signal.h>
#include <stdbool.h>

/* Seconds between SIGTERM and SIGKILL for a subprocess past its deadline. */
#define CAMPAIGN_KILL_GRACE 10.0

struct campaign_child {
    char *const *argv;           /* argv[0] is the program */
    const char *log;             /* its stdout and stderr (truncated first) */
    double deadline;             /* util_now() time at which it is stopped; 0: none */
    volatile sig_atomic_t *stop; /* stop it when this becomes nonzero; may be NULL */
    void (*tick)(void *arg);     /* called about 5 times a second while it runs; may be NULL */
    void *tick_arg;
};

struct campaign_childResult {
    bool started;   /* false: it could not be started (logged) */
    int exit_code;  /* its exit status, -1 when a signal ended it */
    int signal;     /* that signal, else 0 */
    bool stopped;   /* ended by the deadline or *stop, not by itself */
    double seconds; /* wall time */
};

/* Makes this process the reaper of its subprocesses' orphans (an interpreter
 * whose ftstress was killed), so campaign_execRun can end them too. */
void campaign_execInit(void);

/* Runs c->argv to completion, or until its deadline or *stop. */
struct campaign_childResult campaign_execRun(const struct campaign_child *c);

#endif
