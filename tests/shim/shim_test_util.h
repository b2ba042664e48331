/* shim_test_util.h - running a child with a chosen environment and reading what it wrote,
 * shared by the shim tests and the benchmark. */
#ifndef FTSHIM_TEST_UTIL_H
#define FTSHIM_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* A fresh directory under $TMPDIR (or /tmp); the caller removes it with tu_rmtree. */
char *tu_mkdtemp(void);
void tu_rmtree(const char *dir);
/* "<dir>/<name>", malloc'd. */
char *tu_path(const char *dir, const char *name);

/* Runs argv[0] with the current environment minus every FTSTRESS_* and LD_PRELOAD
 * variable, plus env ("NAME=value" strings, NULL-terminated; may be NULL). stdout and
 * stderr go to out_path when it is not NULL. Returns the wait status, or -1. */
int tu_run(const char *const argv[], const char *const env[], const char *out_path);

/* The whole file, NUL-terminated, malloc'd; NULL if it cannot be read. */
char *tu_read_file(const char *path);
int tu_exists(const char *path);

/* The value of "key=value" in a stats file's text, copied into out; 0 if found. */
int tu_stats_str(const char *text, const char *key, char *out, size_t cap);
/* The same as a number; UINT64_MAX when missing or not a number. */
uint64_t tu_stats_u64(const char *text, const char *key);
/* How many times needle occurs in haystack. */
int tu_count(const char *haystack, const char *needle);

#endif
