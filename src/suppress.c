/* suppress.c - joining TSan suppression files; see suppress.h. */
#include "suppress.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "paths.h"
#include "util.h"

static bool suppress_append(char **all, size_t *len, const char *path) {
    size_t n;
    char *text = util_readFile(path, &n);
    if (text == NULL) {
        LOG_P("cannot read suppressions file %s", path);
        return false;
    }
    char *header = util_asprintf("# --- from %s\n", path);
    size_t hn = strlen(header);
    char *grown = realloc(*all, *len + hn + n + 2);
    if (grown == NULL) {
        abort();
    }
    memcpy(grown + *len, header, hn);
    memcpy(grown + *len + hn, text, n);
    *len += hn + n;
    grown[(*len)++] = '\n';
    grown[*len] = '\0';
    *all = grown;
    free(header);
    free(text);
    return true;
}

bool suppress_writeCombined(const struct runtime *rt, const char *out_path) {
    char *all = NULL;
    size_t len = 0;
    char *own = paths_inHome("src/tsan/ftstress.supp");
    bool ok = suppress_append(&all, &len, own);
    free(own);
    if (ok && rt->suppressions[0] != '\0') {
        ok = suppress_append(&all, &len, rt->suppressions);
    }
    if (ok && !util_writeFileAtomic(out_path, all, len)) {
        LOG_P("cannot write %s", out_path);
        ok = false;
    }
    free(all);
    return ok;
}
