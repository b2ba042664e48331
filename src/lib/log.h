/* log.h - the few ways ftstress talks to the user on stderr.
 *
 * LOG_E: an error the user must act on; LOG_W: something odd, the run goes on;
 * LOG_I: progress; LOG_D: only with --verbose. LOG_P appends strerror(errno). */
#ifndef FTSTRESS_LOG_H
#define FTSTRESS_LOG_H

#include <stdbool.h>

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* The most verbose level printed; LOG_LEVEL_INFO unless changed by the command line. */
void log_setLevel(enum log_level level);
enum log_level log_getLevel(void);

/* Prints "ftstress: <prefix>message[: strerror]" on stderr; not for direct use. */
void log_print(enum log_level level, bool with_errno, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define LOG_E(...) log_print(LOG_LEVEL_ERROR, false, __VA_ARGS__)
#define LOG_P(...) log_print(LOG_LEVEL_ERROR, true, __VA_ARGS__)
#define LOG_W(...) log_print(LOG_LEVEL_WARN, false, __VA_ARGS__)
#define LOG_I(...) log_print(LOG_LEVEL_INFO, false, __VA_ARGS__)
#define LOG_D(...) log_print(LOG_LEVEL_DEBUG, false, __VA_ARGS__)

#endif
