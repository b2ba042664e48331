/* spawn.c - fork/exec with redirected output and a watchdog; see spawn.h. */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

extern char **environ;

static volatile sig_atomic_t spawn_interrupted;

void spawn_interrupt(void) {
    spawn_interrupted = 1;
}

int spawn_poll(pid_t pid, int flags, int *status) {
    pid_t got = waitpid(pid, status, WNOHANG | flags);
    if (got == pid) {
        return 1;
    }
    if (got < 0 && errno != EINTR) {
        LOG_P("waitpid on %d", (int)pid);
        return -1;
    }
    return 0;
}

/* environ with req->env laid over it. The array is freed by the caller; the
 * strings are borrowed. */
static char **spawn_mergeEnv(const char *const *extra) {
    size_t n = 0, m = 0;
    while (environ[n] != NULL) {
        n++;
    }
    while (extra != NULL && extra[m] != NULL) {
        m++;
    }
    char **env = calloc(n + m + 1, sizeof(char *));
    if (env == NULL) {
        abort();
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(environ[i], '=');
        size_t klen = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
        bool replaced = false;
        for (size_t j = 0; j < m && !replaced; j++) {
            replaced = strncmp(extra[j], environ[i], klen) == 0 && extra[j][klen] == '=';
        }
        if (!replaced) {
            env[k++] = environ[i];
        }
    }
    for (size_t j = 0; j < m; j++) {
        env[k++] = (char *)extra[j];
    }
    env[k] = NULL;
    return env;
}

static void spawn_child(const struct spawn_request *req, char **env) {
    int out = open(req->stdout_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(req->stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int null = open("/dev/null", O_RDONLY);
    if (out < 0 || err < 0 || null < 0) {
        _exit(126);
    }
    dup2(null, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    /* Its own process group, so a kill reaches anything it started too. */
    setpgid(0, 0);
    execve(req->argv[0], (char *const *)req->argv, env);
    _exit(127);
}

static void spawn_sleep(double seconds) {
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    nanosleep(&ts, NULL);
}

struct spawn_result spawn_run(const struct spawn_request *req) {
    struct spawn_result res = {.exit_code = -1};
    char **env = spawn_mergeEnv(req->env);
    double start = util_now();
    pid_t pid = fork();
    if (pid < 0) {
        LOG_P("cannot fork to run %s", req->argv[0]);
        free(env);
        return res;
    }
    if (pid == 0) {
        spawn_child(req, env);
    }
    free(env);
    res.started = true;
    setpgid(pid, pid);

    int status = 0;
    bool hang_handled = false;
    double last_progress = start;
    struct stat seen = {0};
    for (;;) {
        int got = spawn_poll(pid, WUNTRACED, &status);
        if (got == 1 && WIFSTOPPED(status)) {
            /* The shims stop a crashing process for us (FTSTRESS_SHIM_CRASH_STOP). */
            if (WSTOPSIG(status) == SIGSTOP && req->on_crash_stop != NULL) {
                req->on_crash_stop(pid, req->on_crash_stop_arg);
            }
            kill(pid, SIGCONT);
            continue;
        }
        if (got != 0) {
            break;
        }
        double now = util_now();
        double elapsed = now - start;
        struct stat st;
        if (req->progress_path != NULL && stat(req->progress_path, &st) == 0 &&
            (st.st_size != seen.st_size || st.st_mtim.tv_sec != seen.st_mtim.tv_sec ||
             st.st_mtim.tv_nsec != seen.st_mtim.tv_nsec)) {
            seen = st;
            last_progress = now;
        }
        if (spawn_interrupted) {
            kill(-pid, SIGKILL);
        } else if (!hang_handled && req->timeout > 0 && now - last_progress > req->timeout) {
            hang_handled = true;
            res.timed_out = true;
            /* faulthandler prints every thread's Python stack on SIGUSR1. */
            kill(pid, SIGUSR1);
            spawn_sleep(0.5);
            if (req->on_hang != NULL) {
                req->on_hang(pid, req->on_hang_arg);
            }
            kill(-pid, SIGKILL);
        }
        spawn_sleep(elapsed < 1 ? 0.005 : 0.05);
    }
    res.seconds = util_now() - start;
    if (WIFEXITED(status)) {
        res.exit_code = WEXITSTATUS(status);
        if (res.exit_code == 127 || res.exit_code == 126) {
            LOG_E("could not start %s (exit %d)", req->argv[0], res.exit_code);
        }
    } else if (WIFSIGNALED(status)) {
        res.signal = WTERMSIG(status);
    }
    return res;
}
