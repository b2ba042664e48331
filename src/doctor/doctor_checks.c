/* doctor_checks.c - the machine checks of `ftstress doctor`; see doctor_checks.h. */
#include "doctor_checks.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#define DOCTOR_MAX_MMAP_BITS 28
#define DOCTOR_MIN_FREE (1.5 * 1024 * 1024 * 1024)

static struct doctor_result doctor_result(enum doctor_state state, char *what, const char *fix) {
    return (struct doctor_result){state, what, util_dup(fix)};
}

struct doctor_result doctor_mmapBits(const char *text) {
    if (text == NULL) {
        return doctor_result(DOCTOR_WARN, util_dup("vm.mmap_rnd_bits: unreadable"),
                             "check `sysctl vm.mmap_rnd_bits` is at most 28 (TSan needs it)");
    }
    int bits = atoi(text);
    if (bits > DOCTOR_MAX_MMAP_BITS) {
        return doctor_result(
            DOCTOR_FAIL,
            util_asprintf("vm.mmap_rnd_bits = %d: ThreadSanitizer cannot map its shadow memory "
                          "(\"unexpected memory mapping\") above %d",
                          bits, DOCTOR_MAX_MMAP_BITS),
            "sudo sysctl -w vm.mmap_rnd_bits=28 (as CPython's own TSan CI does); on a container, "
            "on its host");
    }
    return doctor_result(DOCTOR_OK,
                         util_asprintf("vm.mmap_rnd_bits = %d (ThreadSanitizer needs <= %d)", bits,
                                       DOCTOR_MAX_MMAP_BITS),
                         NULL);
}

struct doctor_result doctor_ptrace(const char *yama, bool cap_ptrace) {
    int scope = yama != NULL ? atoi(yama) : -1;
    if (scope == 3 || (scope == 2 && !cap_ptrace)) {
        return doctor_result(
            DOCTOR_FAIL,
            util_asprintf("kernel.yama.ptrace_scope = %d: a hang's C stacks cannot be taken "
                          "(ptrace is refused)",
                          scope),
            scope == 3 ? "reboot with kernel.yama.ptrace_scope <= 1 (3 cannot be lowered while "
                         "running)"
                       : "sudo sysctl -w kernel.yama.ptrace_scope=1, or run as root");
    }
    char *what =
        yama == NULL
            ? util_asprintf("ptrace: no Yama restrictions: hang stacks can be taken")
            : util_asprintf("kernel.yama.ptrace_scope = %d: hang stacks can be taken", scope);
    return doctor_result(DOCTOR_OK, what, NULL);
}

struct doctor_result doctor_symbolizer(const char *found) {
    if (found == NULL) {
        return doctor_result(DOCTOR_FAIL,
                             util_dup("llvm-symbolizer: not on PATH: C frames of races, crashes "
                                      "and hangs would show addresses only"),
                             "sudo apt-get install llvm (or put llvm-symbolizer on PATH)");
    }
    return doctor_result(DOCTOR_OK, util_asprintf("llvm-symbolizer: %s", found), NULL);
}

struct doctor_result doctor_disk(const char *dir, double free_bytes) {
    double gib = free_bytes / (1024.0 * 1024 * 1024);
    if (free_bytes < DOCTOR_MIN_FREE) {
        return doctor_result(
            DOCTOR_WARN,
            util_asprintf("%.1f GiB free for the cache %s: a runtime build needs about 1.5 GiB",
                          gib, dir),
            "free disk space, or point FTSTRESS_CACHE at a larger file system");
    }
    return doctor_result(DOCTOR_OK, util_asprintf("%.1f GiB free for the cache %s", gib, dir),
                         NULL);
}

char *doctor_which(const char *path, const char *name) {
    char *copy = util_dup(path != NULL ? path : "");
    char *found = NULL;
    for (char *save = NULL, *dir = strtok_r(copy, ":", &save); dir != NULL && found == NULL;
         dir = strtok_r(NULL, ":", &save)) {
        char *candidate = util_asprintf("%s/%s", *dir ? dir : ".", name);
        if (access(candidate, X_OK) == 0 && util_isFile(candidate)) {
            found = candidate;
        } else {
            free(candidate);
        }
    }
    free(copy);
    return found;
}

void doctor_resultFree(struct doctor_result *r) {
    free(r->what);
    free(r->fix);
    memset(r, 0, sizeof(*r));
}
