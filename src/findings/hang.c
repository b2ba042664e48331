/* hang.c - remote unwinding of a hung process with libunwind-ptrace; see hang.h. */
#include "hang.h"

#include <dirent.h>
#include <errno.h>
#include <libunwind-ptrace.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "log.h"
#include "util.h"

#define HANG_MAX_FRAMES 64

struct hang_module {
    uintptr_t start, end, offset;
    char path[256];
};

/* The executable mappings of pid, so a frame can be named module+offset (what
 * llvm-symbolizer takes) even where no symbol name is known. */
static size_t hang_readMaps(pid_t pid, struct hang_module *mods, size_t max) {
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return 0;
    }
    size_t n = 0;
    char line[512];
    while (n < max && fgets(line, sizeof(line), f) != NULL) {
        unsigned long start, end, off;
        char perms[8], file[256] = "";
        if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %255s", &start, &end, perms, &off, file) >= 4 &&
            perms[2] == 'x' && file[0] == '/') {
            mods[n].start = start;
            mods[n].end = end;
            mods[n].offset = off;
            snprintf(mods[n].path, sizeof(mods[n].path), "%s", file);
            n++;
        }
    }
    fclose(f);
    return n;
}

static void hang_writeFrame(FILE *out, int index, uintptr_t ip, const char *name, uintptr_t off,
                            const struct hang_module *mods, size_t nmods) {
    fprintf(out, "    #%d 0x%lx %s", index, (unsigned long)ip, name[0] ? name : "<unknown>");
    if (name[0]) {
        fprintf(out, "+0x%lx", (unsigned long)off);
    }
    for (size_t i = 0; i < nmods; i++) {
        if (ip >= mods[i].start && ip < mods[i].end) {
            fprintf(out, " (%s+0x%lx)", mods[i].path,
                    (unsigned long)(ip - mods[i].start + mods[i].offset));
            break;
        }
    }
    fputc('\n', out);
}

static void hang_unwindThread(pid_t tid, FILE *out, const struct hang_module *mods, size_t nmods) {
    unw_addr_space_t as = unw_create_addr_space(&_UPT_accessors, 0);
    void *upt = as ? _UPT_create(tid) : NULL;
    unw_cursor_t cursor;
    if (upt == NULL || unw_init_remote(&cursor, as, upt) < 0) {
        fprintf(out, "    (cannot unwind this thread)\n");
    } else {
        for (int i = 0; i < HANG_MAX_FRAMES; i++) {
            unw_word_t ip = 0, off = 0;
            char name[256] = "";
            unw_get_reg(&cursor, UNW_REG_IP, &ip);
            if (unw_get_proc_name(&cursor, name, sizeof(name), &off) != 0) {
                name[0] = '\0';
            }
            hang_writeFrame(out, i, (uintptr_t)ip, name, (uintptr_t)off, mods, nmods);
            if (unw_step(&cursor) <= 0) {
                break;
            }
        }
    }
    if (upt != NULL) {
        _UPT_destroy(upt);
    }
    if (as != NULL) {
        unw_destroy_addr_space(as);
    }
}

static void hang_threadName(pid_t pid, pid_t tid, char *name, size_t len) {
    char path[96];
    snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", (int)pid, (int)tid);
    FILE *f = fopen(path, "r");
    name[0] = '\0';
    if (f != NULL) {
        if (fgets(name, (int)len, f) != NULL) {
            name[strcspn(name, "\n")] = '\0';
        }
        fclose(f);
    }
}

bool hang_writeStacks(pid_t pid, FILE *out) {
    char taskdir[64];
    snprintf(taskdir, sizeof(taskdir), "/proc/%d/task", (int)pid);
    DIR *d = opendir(taskdir);
    if (d == NULL) {
        fprintf(out, "cannot list the threads of %d: %s\n", (int)pid, strerror(errno));
        return false;
    }
    static struct hang_module mods[512];
    size_t nmods = hang_readMaps(pid, mods, sizeof(mods) / sizeof(mods[0]));
    bool any = false;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') {
            continue;
        }
        pid_t tid = (pid_t)atoi(e->d_name);
        char name[64];
        hang_threadName(pid, tid, name, sizeof(name));
        fprintf(out, "thread %d (%s):\n", (int)tid, name);
        /* PTRACE_ATTACH stops just this thread; it is detached right after. */
        if (ptrace(PTRACE_ATTACH, tid, NULL, NULL) != 0) {
            fprintf(out, "    (cannot attach: %s)\n", strerror(errno));
            continue;
        }
        int status;
        if (waitpid(tid, &status, __WALL) == tid) {
            hang_unwindThread(tid, out, mods, nmods);
            any = true;
        }
        ptrace(PTRACE_DETACH, tid, NULL, NULL);
    }
    closedir(d);
    return any;
}

void hang_dumpStacks(pid_t pid, void *arg) {
    const char *path = arg;
    FILE *out = fopen(path, "w");
    if (out == NULL) {
        LOG_P("cannot write hang stacks to %s", path);
        return;
    }
    if (!hang_writeStacks(pid, out)) {
        LOG_W("could not take the C stacks of hung process %d (see %s)", (int)pid, path);
    }
    fclose(out);
}

/* Frames that say a thread is waiting, not running: matched as substrings of
 * the function names near the top of its stack (libc's own names there are
 * often its nearest exported symbol, so the callers are what tells). */
static const char *const hang_waitFunctions[] = {
    "sem_wait",
    "sem_timedwait",
    "sem_clockwait",
    "pthread_cond_wait",
    "pthread_cond_timedwait",
    "pthread_cond_clockwait",
    "pthread_join",
    "_PySemaphore_Wait",
    "_PyParkingLot_Park",
    "PyThread_acquire_lock",
    "nanosleep",
    "usleep",
    "BackgroundThread",
    "epoll_wait",
    "FutexWait",
    "waitpid",
    "select",
    "__poll",
};

/* Frames of the instrumentation itself, never the busy code. */
static bool hang_isSanitizerFrame(const char *function) {
    return strstr(function, "__tsan") != NULL || strstr(function, "__sanitizer") != NULL ||
           strncmp(function, "__interceptor_", 14) == 0;
}

/* The function of frame line "    #N 0xIP function+0xoff (...)", in out. */
static bool hang_frameFunction(const char *line, char *out, size_t size) {
    char function[256];
    if (sscanf(line, " #%*d 0x%*x %255[^+ ]", function) != 1) {
        return false;
    }
    snprintf(out, size, "%s", function);
    return true;
}

/* Frames looked at per thread: a wait is at most this deep in its stack. */
#define HANG_WAIT_DEPTH 8

char *hang_busyFunction(const char *stacks) {
    char busy[256] = "";
    bool in_thread = false, waiting = false;
    int depth = 0;
    for (const char *line = stacks; line != NULL && *line;
         line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, "thread ", 7) == 0) {
            if (in_thread && !waiting && busy[0] != '\0') {
                return strdup(busy);
            }
            in_thread = true;
            waiting = false;
            depth = 0;
            busy[0] = '\0';
            continue;
        }
        char function[256];
        if (!in_thread || waiting || depth >= HANG_WAIT_DEPTH ||
            !hang_frameFunction(line, function, sizeof(function))) {
            continue;
        }
        depth++;
        for (size_t i = 0; i < sizeof(hang_waitFunctions) / sizeof(hang_waitFunctions[0]); i++) {
            waiting = waiting || strstr(function, hang_waitFunctions[i]) != NULL;
        }
        if (busy[0] == '\0' && !hang_isSanitizerFrame(function)) {
            snprintf(busy, sizeof(busy), "%s", function);
        }
    }
    return in_thread && !waiting && busy[0] != '\0' ? strdup(busy) : NULL;
}
