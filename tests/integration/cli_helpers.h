/* cli_helpers.h - what every integration test does: run a command line and
 * read all it printed, and ask the built ftstress about its runtime. Include
 * after <cmocka.h>; FTSTRESS_BIN names the binary under test. */
#ifndef FTSTRESS_TESTS_CLI_HELPERS_H
#define FTSTRESS_TESTS_CLI_HELPERS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "util.h"

/* Runs cmd through the shell; returns its exit status (128 when a signal ended
 * it) and all it wrote to stdout in *out (caller frees; NULL: thrown away). */
static inline int cli_capture(const char *cmd, char **out) {
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    while ((got = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (n + 1 >= cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    buf[n] = '\0';
    int status = pclose(p);
    if (out != NULL) {
        *out = buf;
    } else {
        free(buf);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Runs `ftstress [--corpus CORPUS] ARGS` (--corpus for the commands that take it), ARGS formatted
 * from fmt, stderr merged into stdout; returns its exit status and its output in *out (caller
 * frees). corpus may be NULL: the command's default. */
static inline int cli_ftstress(char **out, const char *corpus, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline int cli_ftstress(char **out, const char *corpus, const char *fmt, ...) {
    char args[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof(args), fmt, ap);
    va_end(ap);
    /* Only the commands that save cases take --corpus (an option a command does
     * not take is a usage error). */
    static const char *const savers[] = {"run ", "replay ", "test ", "fuzz ", "campaign "};
    bool saves = false;
    for (size_t i = 0; corpus != NULL && i < sizeof(savers) / sizeof(savers[0]); i++) {
        saves = saves || strncmp(args, savers[i], strlen(savers[i])) == 0;
    }
    char *cmd = saves ? util_asprintf("%s --corpus %s %s 2>&1", FTSTRESS_BIN, corpus, args)
                      : util_asprintf("%s %s 2>&1", FTSTRESS_BIN, args);
    int status = cli_capture(cmd, out);
    free(cmd);
    return status;
}

/* Shows a command's output in the test log: its first 8000 bytes, enough to
 * see what happened (stacks can run long). */
static inline void cli_show(const char *out) {
    size_t n = strlen(out);
    print_message("---- ftstress output (%zu bytes) ----\n%.*s%s\n", n, n > 8000 ? 8000 : (int)n,
                  out, n > 8000 ? "\n[...]" : "");
}

/* The number following label in text, or -1. */
static inline double cli_numberAfter(const char *text, const char *label) {
    const char *p = strstr(text, label);
    return p ? atof(p + strlen(label)) : -1;
}

/* The value of a "key   value" line of `ftstress runtime info`. Caller frees. */
static inline char *cli_runtimeInfo(const char *key) {
    char *out;
    assert_int_equal(cli_capture(FTSTRESS_BIN " runtime info 2>&1", &out), 0);
    char label[64];
    snprintf(label, sizeof(label), "\n%s ", key);
    const char *p = strstr(out, label);
    assert_non_null(p);
    p += strlen(label);
    while (*p == ' ') {
        p++;
    }
    char *value = util_strndup(p, strcspn(p, "\n"));
    free(out);
    return value;
}

#endif
