/* testrun_collect.c - finding test files; see testrun_collect.h. */
#include "testrun_collect.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#define COLLECT_MAX_DEPTH 32

bool testrun_isTestFile(const char *base) {
    size_t n = strlen(base);
    if (n < 4 || strcmp(base + n - 3, ".py") != 0) {
        return false;
    }
    return (strncmp(base, "test_", 5) == 0 && n > 8) ||
           (n > 8 && strcmp(base + n - 8, "_test.py") == 0);
}

/* The part of path after prefix and a '/', or NULL when path is not under it. */
static const char *collect_under(const char *path, const char *prefix) {
    if (prefix == NULL || prefix[0] == '\0') {
        return NULL;
    }
    size_t n = strlen(prefix);
    while (n > 1 && prefix[n - 1] == '/') {
        n--;
    }
    if (n == 1 && prefix[0] == '/') {
        return path + 1;
    }
    if (strncmp(path, prefix, n) == 0 && path[n] == '/') {
        return path + n + 1;
    }
    return NULL;
}

char *testrun_displayPath(const char *abs, const char *cwd, const char *base) {
    const char *rel = collect_under(abs, cwd);
    if (rel == NULL) {
        rel = collect_under(abs, base);
    }
    if (rel == NULL) {
        const char *slash = strrchr(abs, '/');
        rel = slash ? slash + 1 : abs;
    }
    return strdup(rel);
}

struct collect_state {
    char **paths, **displays;
    size_t count, cap;
    const char *cwd;
};

static void collect_add(struct collect_state *st, const char *abs, const char *base) {
    for (size_t i = 0; i < st->count; i++) {
        if (strcmp(st->paths[i], abs) == 0) {
            return;
        }
    }
    if (st->count == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 16;
        st->paths = realloc(st->paths, st->cap * sizeof(*st->paths));
        st->displays = realloc(st->displays, st->cap * sizeof(*st->displays));
        if (st->paths == NULL || st->displays == NULL) {
            abort();
        }
    }
    st->paths[st->count] = strdup(abs);
    st->displays[st->count] = testrun_displayPath(abs, st->cwd, base);
    st->count++;
}

static int collect_compare(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds dir's test files, in sorted order, then its subdirectories'. */
static void collect_dir(struct collect_state *st, const char *dir, const char *base, int depth) {
    if (depth > COLLECT_MAX_DEPTH) {
        LOG_W("%s: nested too deeply, not searched", dir);
        return;
    }
    DIR *d = opendir(dir);
    if (d == NULL) {
        LOG_P("cannot read directory %s", dir);
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "__pycache__") == 0) {
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            names = realloc(names, cap * sizeof(*names));
            if (names == NULL) {
                abort();
            }
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    if (n > 0) {
        qsort(names, n, sizeof(*names), collect_compare);
    }
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            char *path = util_asprintf("%s/%s", dir, names[i]);
            if (pass == 0 && util_isFile(path) && testrun_isTestFile(names[i])) {
                collect_add(st, path, base);
            } else if (pass == 1 && util_isDir(path)) {
                collect_dir(st, path, base, depth + 1);
            }
            free(path);
        }
    }
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
}

bool testrun_collect(const char *const *paths, int npaths, struct testrun_fileList *list) {
    memset(list, 0, sizeof(*list));
    char cwd_buf[PATH_MAX];
    char *cwd = getcwd(cwd_buf, sizeof(cwd_buf)) ? realpath(cwd_buf, NULL) : NULL;
    struct collect_state st = {.cwd = cwd};
    bool ok = true;
    for (int i = 0; i < npaths; i++) {
        char *abs = realpath(paths[i], NULL);
        if (abs == NULL) {
            LOG_E("%s: no such file or directory", paths[i]);
            ok = false;
            continue;
        }
        /* The parent of the argument names the files found under it. */
        char *base = strdup(abs);
        char *slash = strrchr(base, '/');
        if (slash != NULL) {
            *(slash == base ? slash + 1 : slash) = '\0';
        }
        if (util_isDir(abs)) {
            collect_dir(&st, abs, base, 0);
        } else {
            collect_add(&st, abs, base);
        }
        free(base);
        free(abs);
    }
    free(cwd);
    list->paths = st.paths;
    list->displays = st.displays;
    list->count = st.count;
    return ok;
}

void testrun_fileListFree(struct testrun_fileList *list) {
    for (size_t i = 0; i < list->count; i++) {
        free(list->paths[i]);
        free(list->displays[i]);
    }
    free(list->paths);
    free(list->displays);
    memset(list, 0, sizeof(*list));
}
