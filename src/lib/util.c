/* util.c - files, strings and time; see util.h. */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

char *util_readFile(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (buf == NULL) {
            fclose(f);
            errno = ENOMEM;
            return NULL;
        }
        n += fread(buf + n, 1, cap - n - 1, f);
        if (n < cap - 1) {
            break;
        }
        cap *= 2;
        char *grown = realloc(buf, cap);
        if (grown == NULL) {
            free(buf);
        }
        buf = grown;
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    buf[n] = '\0';
    if (len != NULL) {
        *len = n;
    }
    return buf;
}

char *util_readFileOrError(const char *path, size_t *len, char **error) {
    char *text = util_readFile(path, len);
    if (text == NULL) {
        int saved = errno;
        *error = util_asprintf("%s: %s", path, strerror(saved));
        errno = saved;
    }
    return text;
}

bool util_writeFileAtomic(const char *path, const char *data, size_t len) {
    char *tmp = util_asprintf("%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        free(tmp);
        return false;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            int saved = errno;
            close(fd);
            unlink(tmp);
            free(tmp);
            errno = saved;
            return false;
        }
        done += (size_t)w;
    }
    /* fsync before rename: after a crash the new name holds all of the new
     * content or the old file is still there, never an empty file. */
    if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
        int saved = errno;
        unlink(tmp);
        free(tmp);
        errno = saved;
        return false;
    }
    free(tmp);
    return true;
}

bool util_mkdirs(const char *path) {
    char *copy = strdup(path);
    if (copy == NULL) {
        return false;
    }
    for (char *p = copy + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(copy, 0755);
            *p = '/';
        }
    }
    mkdir(copy, 0755);
    free(copy);
    return util_isDir(path);
}

bool util_addUnique(char ***items, size_t *count, const char *s) {
    for (size_t i = 0; i < *count; i++) {
        if (strcmp((*items)[i], s) == 0) {
            return false;
        }
    }
    *items = util_grow(*items, *count, sizeof(**items));
    (*items)[(*count)++] = util_dup(s);
    return true;
}

char *util_dup(const char *s) {
    if (s == NULL) {
        return NULL;
    }
    char *copy = strdup(s);
    if (copy == NULL) {
        abort();
    }
    return copy;
}

char *util_strndup(const char *s, size_t n) {
    char *copy = malloc(n + 1);
    if (copy == NULL) {
        abort();
    }
    memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
}

/* vasprintf that aborts on OOM: callers never handle a NULL string. */
static char *util_vasprintf(const char *fmt, va_list ap) {
    char *out = NULL;
    if (vasprintf(&out, fmt, ap) < 0) {
        abort();
    }
    return out;
}

char *util_asprintf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *out = util_vasprintf(fmt, ap);
    va_end(ap);
    return out;
}

void util_appendf(char **s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *more = util_vasprintf(fmt, ap);
    va_end(ap);
    char *joined = util_asprintf("%s%s", *s ? *s : "", more);
    free(more);
    free(*s);
    *s = joined;
}

double util_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

uint64_t util_splitmix64(uint64_t *state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

bool util_isFile(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool util_isDir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

void *util_resize(void *items, size_t count, size_t n, size_t size) {
    if (n != 0 && size > SIZE_MAX / n) {
        abort();
    }
    char *grown = realloc(items, n * size == 0 ? 1 : n * size);
    if (grown == NULL) {
        abort();
    }
    if (n > count) {
        memset(grown + count * size, 0, (n - count) * size);
    }
    return grown;
}

void *util_grow(void *items, size_t count, size_t size) {
    return util_resize(items, count, count + 1, size);
}
