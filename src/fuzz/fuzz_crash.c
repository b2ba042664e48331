/* fuzz_crash.c - harness errors and crashes without a frame; see fuzz_crash.h. */
#include "fuzz_crash.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

bool fuzz_crashIsHarnessError(const struct fuzz_results *res, const struct spawn_result *proc) {
    return res->harness_error != NULL ||
           (proc->signal == 0 && proc->exit_code == FUZZ_CRASH_HARNESS_EXIT && !res->final);
}

/* The last FUZZ_CRASH_STDERR_TAIL bytes of dir's stderr, from a line start;
 * NULL when it is empty or missing. Caller frees. */
static char *fuzz_crashStderrTail(const char *dir) {
    char *path = util_asprintf("%s/stderr", dir);
    size_t len = 0;
    char *text = util_readFile(path, &len);
    free(path);
    while (text != NULL && len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' ')) {
        text[--len] = '\0';
    }
    if (text == NULL || len == 0) {
        free(text);
        return NULL;
    }
    const char *from = text;
    if (len > FUZZ_CRASH_STDERR_TAIL) {
        from = text + len - FUZZ_CRASH_STDERR_TAIL;
        const char *nl = strchr(from, '\n');
        from = nl != NULL ? nl + 1 : from;
    }
    char *tail = strdup(from);
    free(text);
    return tail;
}

static char *fuzz_crashStatus(const struct spawn_result *proc) {
    if (proc->signal != 0) {
        return util_asprintf("killed by signal %d (%s)", proc->signal, strsignal(proc->signal));
    }
    return util_asprintf("exit status %d", proc->exit_code);
}

void fuzz_crashHarnessError(const struct fuzz_results *res, const struct spawn_result *proc,
                            const char *dir, char **message, char **detail) {
    if (res->harness_error != NULL) {
        *message = strdup(res->harness_error);
        *detail = strdup(res->harness_detail ? res->harness_detail : "");
        return;
    }
    char *status = fuzz_crashStatus(proc);
    char *tail = fuzz_crashStderrTail(dir);
    *message = util_asprintf("the fuzz harness failed (%s) before it could say why", status);
    *detail = util_asprintf("its stderr ended with:\n%s", tail ? tail : "(nothing)");
    free(tail);
    free(status);
}

char *fuzz_crashReason(const struct spawn_result *proc) {
    if (proc->signal != 0) {
        return strdup(strsignal(proc->signal));
    }
    return util_asprintf("the interpreter exited with status %d before the harness finished",
                         proc->exit_code);
}

static bool fuzz_crashHasNoFrame(const struct finding *f) {
    size_t n = strlen(f->signature);
    return strcmp(f->kind, "crash") == 0 && n >= 2 && strcmp(f->signature + n - 2, ":?") == 0;
}

void fuzz_crashExplain(struct finding_set *set, const struct fuzz_results *res,
                       const struct spawn_result *proc, const char *dir) {
    for (size_t i = 0; i < set->count; i++) {
        struct finding *f = &set->items[i];
        if (!fuzz_crashHasNoFrame(f)) {
            continue;
        }
        char *status = fuzz_crashStatus(proc);
        char *tail = fuzz_crashStderrTail(dir);
        char *last = strdup(res->last_line ? res->last_line : "(none: it wrote nothing)");
        for (char *p = last; *p; p++) {
            if (*p == '\t' || *p == '\n') {
                *p = ' '; /* one line, fields apart */
            }
        }
        char *title = util_asprintf(
            "crash: the interpreter ended (%s) with no C or Python frame to name; the "
            "harness's last line: %s",
            status, last);
        char *detail = util_asprintf(
            "No stack names a frame of the code under test. What is known:\n"
            "  %s\n  the harness's last results line: %s\n  its stderr ended with:\n%s%s%s",
            status, last, tail ? tail : "(nothing)", f->detail && *f->detail ? "\n\n" : "",
            f->detail ? f->detail : "");
        free(f->title);
        free(f->detail);
        f->title = title;
        f->detail = detail;
        free(last);
        free(tail);
        free(status);
    }
}
