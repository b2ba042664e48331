/* testrun_nodes.c - pytest node ids among the paths; see testrun_nodes.h. */
#include "testrun_nodes.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

bool testrun_nodesSplit(const char *const *args, int n, struct testrun_nodes *nodes) {
    memset(nodes, 0, sizeof(*nodes));
    nodes->paths = calloc((size_t)n + 1, sizeof(char *));
    nodes->cut = calloc((size_t)n + 1, sizeof(char *));
    nodes->ids = calloc((size_t)n + 1, sizeof(char *));
    nodes->files = calloc((size_t)n + 1, sizeof(char *));
    if (nodes->paths == NULL || nodes->cut == NULL || nodes->ids == NULL || nodes->files == NULL) {
        abort();
    }
    for (int i = 0; i < n; i++) {
        const char *sep = strstr(args[i], "::");
        if (sep == NULL) {
            nodes->paths[nodes->npaths++] = args[i];
            continue;
        }
        char *file = util_strndup(args[i], (size_t)(sep - args[i]));
        char real[PATH_MAX];
        if (realpath(file, real) == NULL || !util_isFile(real)) {
            LOG_E("%s: no test file %s", args[i], file);
            free(file);
            return false;
        }
        nodes->cut[nodes->nids] = file;
        nodes->ids[nodes->nids] = (char *)args[i];
        nodes->files[nodes->nids] = util_dup(real);
        nodes->nids++;
        bool seen = false;
        for (int p = 0; p < nodes->npaths && !seen; p++) {
            seen = strcmp(nodes->paths[p], file) == 0;
        }
        if (!seen) {
            nodes->paths[nodes->npaths++] = file;
        }
    }
    return true;
}

void testrun_nodesArgs(const struct testrun_nodes *nodes, const char *abs, const char **args,
                       int *argc, int max) {
    for (size_t i = 0; i < nodes->nids && *argc + 2 < max; i++) {
        if (strcmp(nodes->files[i], abs) == 0) {
            args[(*argc)++] = "--node";
            args[(*argc)++] = nodes->ids[i];
        }
    }
    args[*argc] = NULL;
}

void testrun_nodesFree(struct testrun_nodes *nodes) {
    for (size_t i = 0; i < nodes->nids; i++) {
        free(nodes->cut[i]);
        free(nodes->files[i]);
    }
    free(nodes->cut);
    free(nodes->files);
    free(nodes->ids);
    free(nodes->paths);
    memset(nodes, 0, sizeof(*nodes));
}
