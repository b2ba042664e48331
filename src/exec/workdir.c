/* workdir.c - a command's working directory; see workdir.h. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "workdir.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

char *workdir_open(const struct ftstress_config *cfg, const char *prefix) {
    if (cfg->keep_dir != NULL) {
        if (!util_mkdirs(cfg->keep_dir)) {
            LOG_P("cannot create %s", cfg->keep_dir);
            return NULL;
        }
        return strdup(cfg->keep_dir);
    }
    const char *tmp = getenv("TMPDIR");
    char *dir = util_asprintf("%s/%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", prefix);
    if (mkdtemp(dir) == NULL) {
        LOG_P("cannot create a temporary directory %s", dir);
        free(dir);
        return NULL;
    }
    return dir;
}

static int workdir_removeEntry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    return remove(path);
}

void workdir_close(const struct ftstress_config *cfg, char *dir) {
    if (dir == NULL) {
        return;
    }
    if (cfg->keep_dir == NULL) {
        nftw(dir, workdir_removeEntry, 16, FTW_DEPTH | FTW_PHYS);
    } else {
        LOG_I("run logs kept in %s", dir);
    }
    free(dir);
}
