/* testrun_collect.h - which files `ftstress test PATH...` runs.
 *
 * A directory contributes its test_*.py and *_test.py files, recursively
 * (hidden directories and __pycache__ left out); a file named directly is
 * taken whatever its name. Each file gets the name the report shows: its
 * path relative to the working directory when it is under it, else relative
 * to the parent of the directory argument it was found in (so CPython's
 * .../Lib/test/test_free_threading shows as test_free_threading/test_x.py),
 * else its base name. */
#ifndef FTSTRESS_TESTRUN_COLLECT_H
#define FTSTRESS_TESTRUN_COLLECT_H

#include <stdbool.h>
#include <stddef.h>

struct testrun_fileList {
    char **paths;    /* absolute (realpath), owned, no duplicates; a directory's
                        files by name, then its subdirectories' */
    char **displays; /* the report's names, owned, parallel to paths */
    size_t count;
};

/* Expands paths into list. Returns false after naming a path that does not
 * exist; a list with no files is not an error here. */
bool testrun_collect(const char *const *paths, int npaths, struct testrun_fileList *list);

/* True for test_*.py and *_test.py. */
bool testrun_isTestFile(const char *base);

/* abs relative to cwd when under it, else relative to base when under it, else
 * abs's base name. cwd and base may be NULL. Caller frees. */
char *testrun_displayPath(const char *abs, const char *cwd, const char *base);

/* Frees what list owns. */
void testrun_fileListFree(struct testrun_fileList *list);

#endif
