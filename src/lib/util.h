/* util.h - small helpers every module uses: files, strings, time. */
#ifndef FTSTRESS_UTIL_H
#define FTSTRESS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The whole file, NUL-terminated, length in *len; NULL with errno set on failure.
 * Caller frees. */
char *util_readFile(const char *path, size_t *len);

/* util_readFile, or NULL with *error "PATH: strerror" (caller frees) and
 * errno kept: the one message every reader of a user's file gives. */
char *util_readFileOrError(const char *path, size_t *len, char **error);

/* Writes len bytes to path atomically: a temporary file beside it, fsync, rename.
 * Returns false with errno set; the old file is then unchanged. */
bool util_writeFileAtomic(const char *path, const char *data, size_t len);

/* mkdir -p; true if the directory exists afterwards. */
bool util_mkdirs(const char *path);

/* Adds a copy of s to the list (*items)[0..*count) unless it is there
 * already; returns whether it was added. Aborts on OOM. */
bool util_addUnique(char ***items, size_t *count, const char *s);

/* A copy of s, or NULL for NULL. Caller frees; aborts on OOM. */
char *util_dup(const char *s);

/* A copy of the first n bytes of s, NUL-terminated. Caller frees; aborts on OOM. */
char *util_strndup(const char *s, size_t n);

/* printf into a new string. Caller frees; aborts on OOM. */
char *util_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* printf appended to *s (a string from malloc, replaced). Aborts on OOM. */
void util_appendf(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* items (count elements of size bytes, from malloc, or NULL) grown to hold
 * count + 1, the new last one zeroed; the one way every list of the tool
 * grows. Aborts when memory runs out. */
void *util_grow(void *items, size_t count, size_t size);

/* items (count elements) grown or shrunk to hold n, new elements zeroed;
 * for buffers that grow by doubling. Aborts when memory runs out. */
void *util_resize(void *items, size_t count, size_t n, size_t size);

/* Seconds from an arbitrary fixed point (CLOCK_MONOTONIC). */
double util_now(void);

/* splitmix64: the next value of a 64-bit seed sequence (advances *state). */
uint64_t util_splitmix64(uint64_t *state);

/* True if path names an existing regular file / directory. */
bool util_isFile(const char *path);
bool util_isDir(const char *path);

#endif
