/* spawn.h - run one interpreter process under test, with a watchdog.
 *
 * The child's stdout and stderr go to files; a child running past its timeout
 * is a hang: it is asked for its Python stacks (SIGUSR1, faulthandler), its C
 * stacks are taken by the on_hang callback, then it is killed. */
#ifndef FTSTRESS_SPAWN_H
#define FTSTRESS_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

struct spawn_request {
    const char *const *argv; /* NULL-terminated; argv[0] is the program path */
    const char *const *env;  /* "KEY=value" entries added to (or replacing in) the
                                environment, NULL-terminated; may be NULL */
    const char *stdout_path; /* where the child's stdout goes (truncated) */
    const char *stderr_path; /* where the child's stderr goes (truncated) */
    double timeout;          /* seconds; <= 0: no watchdog */
    /* A file the child keeps writing while it makes progress (the harness's
     * results), or NULL. With it, timeout counts from the file's last change:
     * a slow run that goes on is not a hang, a stuck one is. */
    const char *progress_path;
    /* Called once, with the child still alive and stopped by nothing, when the
     * timeout passed: the place to take its stacks. May be NULL. */
    void (*on_hang)(pid_t pid, void *arg);
    void *on_hang_arg;
    /* Called when the child stopped itself (SIGSTOP) while crashing, to take its
     * stacks; the child is continued afterwards. May be NULL. */
    void (*on_crash_stop)(pid_t pid, void *arg);
    void *on_crash_stop_arg;
};

struct spawn_result {
    bool started;   /* false: fork/exec failed (errno-style message already logged) */
    int exit_code;  /* when exited normally, else -1 */
    int signal;     /* the signal that ended it, else 0 */
    bool timed_out; /* the watchdog ended it */
    double seconds; /* wall time */
};

/* Runs the request to completion and returns what happened. */
struct spawn_result spawn_run(const struct spawn_request *req);

/* Stops a spawn_run in progress from a signal handler: the child is killed and
 * spawn_run returns. Async-signal-safe. */
void spawn_interrupt(void);

/* One non-blocking look at child pid (waitpid with WNOHANG and flags):
 * 1 when it changed state (its status in *status), 0 while it runs, -1 after
 * logging a waitpid failure (EINTR is "runs"). */
int spawn_poll(pid_t pid, int flags, int *status);

#endif
