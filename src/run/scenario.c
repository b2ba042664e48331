/* scenario.c - scenario file discovery; see scenario.h. */
#include "scenario.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "paths.h"
#include "util.h"

static void scenario_add(struct scenario_list *list, const char *path) {
    char resolved[PATH_MAX];
    const char *use = realpath(path, resolved) ? resolved : path;
    list->paths = util_grow(list->paths, list->count, sizeof(*list->paths));
    list->paths[list->count++] = strdup(use);
}

static int scenario_compare(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool scenario_isScenarioName(const char *name) {
    size_t n = strlen(name);
    return n > 3 && name[0] != '_' && name[0] != '.' && strcmp(name + n - 3, ".py") == 0 &&
           strcmp(name, "harness.py") != 0;
}

static bool scenario_addDir(struct scenario_list *list, const char *dir) {
    DIR *d = opendir(dir);
    if (d == NULL) {
        LOG_P("cannot open scenario directory %s", dir);
        return false;
    }
    size_t first = list->count;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (scenario_isScenarioName(e->d_name)) {
            char *path = util_asprintf("%s/%s", dir, e->d_name);
            if (util_isFile(path)) {
                scenario_add(list, path);
            }
            free(path);
        }
    }
    closedir(d);
    qsort(list->paths + first, list->count - first, sizeof(char *), scenario_compare);
    if (list->count == first) {
        LOG_E("%s: no scenario files (*.py) in this directory", dir);
        return false;
    }
    return true;
}

bool scenario_collect(const char *const *paths, int npaths, struct scenario_list *list) {
    memset(list, 0, sizeof(*list));
    if (npaths == 0) {
        char *builtin = paths_inHome("scenarios/builtin");
        bool ok = scenario_addDir(list, builtin);
        free(builtin);
        return ok;
    }
    for (int i = 0; i < npaths; i++) {
        if (util_isDir(paths[i])) {
            if (!scenario_addDir(list, paths[i])) {
                return false;
            }
        } else if (util_isFile(paths[i])) {
            scenario_add(list, paths[i]);
        } else {
            LOG_E("%s: no such scenario file or directory", paths[i]);
            return false;
        }
    }
    return true;
}

char *scenario_name(const char *path) {
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 3 && strcmp(base + n - 3, ".py") == 0) {
        n -= 3;
    }
    return util_strndup(base, n);
}

void scenario_listFree(struct scenario_list *list) {
    for (size_t i = 0; i < list->count; i++) {
        free(list->paths[i]);
    }
    free(list->paths);
    memset(list, 0, sizeof(*list));
}
