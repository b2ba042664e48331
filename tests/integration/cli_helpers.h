/* cli_helpers.h - what every integration test does: run a command line and
 * read all it printed, and ask the built ftstress about its runtime. Include
 * after <cmocka.h>; FTSTRESS_BIN names the binary under test. */
#ifndef FTSTRESS_TESTS_CLI_HELPERS_H
#define FTSTRESS_TESTS_CLI_HELPERS_H

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
