/* log.c - stderr messages with a level; see log.h. */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static enum log_level log_level = LOG_LEVEL_INFO;

void log_setLevel(enum log_level level) {
    log_level = level;
}

enum log_level log_getLevel(void) {
    return log_level;
}

void log_print(enum log_level level, bool with_errno, const char *fmt, ...) {
    if (level > log_level) {
        return;
    }
    int saved_errno = errno;
    static const char *const prefix[] = {"error: ", "warning: ", "", "debug: "};
    char msg[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (with_errno) {
        fprintf(stderr, "ftstress: %s%s: %s\n", prefix[level], msg, strerror(saved_errno));
    } else {
        fprintf(stderr, "ftstress: %s%s\n", prefix[level], msg);
    }
}
