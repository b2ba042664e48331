/* campaign_exec.c - a campaign's subprocesses; see campaign_exec.h. */
#include "campaign_exec.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "spawn.h"
#include "util.h"

void campaign_execInit(void) {
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

static void campaign_sleep(double seconds) {
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    nanosleep(&ts, NULL);
}

static void campaign_execChild(const struct campaign_child *c, pid_t parent) {
    setpgid(0, 0);
    /* SIGTERM, not SIGKILL: ftstress then ends its own interpreter too. */
    prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
    if (getppid() != parent) {
        _exit(126); /* the campaign died before prctl took effect */
    }
    int log = open(c->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int null = open("/dev/null", O_RDONLY);
    if (log < 0 || null < 0) {
        _exit(126);
    }
    dup2(null, STDIN_FILENO);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    execv(c->argv[0], c->argv);
    _exit(127);
}

/* The pids of this process's children other than skip, from /proc (with the
 * subreaper flag, orphans of a killed subprocess are among them). */
static size_t campaign_children(pid_t skip, pid_t *out, size_t max) {
    DIR *d = opendir("/proc");
    if (d == NULL) {
        return 0;
    }
    pid_t me = getpid();
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < max) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end != '\0' || pid <= 0 || pid == skip) {
            continue;
        }
        char path[64], buf[512];
        snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
        FILE *f = fopen(path, "r");
        if (f == NULL) {
            continue;
        }
        size_t got = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[got] = '\0';
        /* "pid (comm) state ppid ...": comm may hold spaces and parentheses. */
        const char *close = strrchr(buf, ')');
        char state;
        long ppid;
        if (close != NULL && sscanf(close + 1, " %c %ld", &state, &ppid) == 2 && ppid == me) {
            out[n++] = (pid_t)pid;
        }
    }
    closedir(d);
    return n;
}

/* Ends and reaps what a killed subprocess left behind (its interpreters, now
 * this process's children through the subreaper flag). Each such process
 * leads its own process group (spawn.c), which is ended with it. */
static void campaign_reapOrphans(pid_t skip) {
    pid_t pids[64];
    size_t n = campaign_children(skip, pids, sizeof(pids) / sizeof(pids[0]));
    for (size_t i = 0; i < n; i++) {
        LOG_D("ending process %d left behind by a stopped item", (int)pids[i]);
        kill(-pids[i], SIGKILL);
        kill(pids[i], SIGKILL);
    }
    for (size_t i = 0; i < n; i++) {
        waitpid(pids[i], NULL, 0);
    }
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
}

struct campaign_childResult campaign_execRun(const struct campaign_child *c) {
    struct campaign_childResult res = {.exit_code = -1};
    double start = util_now();
    pid_t parent = getpid();
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        LOG_P("cannot fork to run %s", c->argv[0]);
        return res;
    }
    if (pid == 0) {
        campaign_execChild(c, parent);
    }
    setpgid(pid, pid);
    res.started = true;
    int status = 0;
    double term_at = 0, last_tick = 0;
    bool killed = false;
    for (;;) {
        if (spawn_poll(pid, 0, &status) != 0) {
            break;
        }
        double now = util_now();
        bool stop = (c->stop != NULL && *c->stop) || (c->deadline > 0 && now >= c->deadline);
        if (stop && term_at == 0) {
            res.stopped = true;
            term_at = now;
            kill(-pid, SIGTERM);
        } else if (term_at > 0 && !killed && now - term_at > CAMPAIGN_KILL_GRACE) {
            LOG_W("%s did not stop within %.0f s of SIGTERM; killing it", c->argv[0],
                  CAMPAIGN_KILL_GRACE);
            killed = true;
            kill(-pid, SIGKILL);
        }
        if (c->tick != NULL && now - last_tick >= 0.2) {
            last_tick = now;
            c->tick(c->tick_arg);
        }
        campaign_sleep(now - start < 1 ? 0.01 : 0.05);
    }
    res.seconds = util_now() - start;
    if (WIFEXITED(status)) {
        res.exit_code = WEXITSTATUS(status);
        if (res.exit_code == 127 || res.exit_code == 126) {
            LOG_E("could not start %s (exit %d; see %s)", c->argv[0], res.exit_code, c->log);
        }
    } else if (WIFSIGNALED(status)) {
        res.signal = WTERMSIG(status);
    }
    campaign_reapOrphans(pid);
    return res;
}
