/* paths.c - ftstress's own files and cache; see paths.h. */
#include "paths.h"

#include <stdlib.h>

#include "util.h"

const char *paths_home(void) {
    const char *home = getenv("FTSTRESS_HOME");
    return home != NULL && *home ? home : FTSTRESS_DEFAULT_HOME;
}

char *paths_cacheDir(void) {
    const char *cache = getenv("FTSTRESS_CACHE");
    if (cache != NULL && *cache) {
        return util_asprintf("%s", cache);
    }
    const char *xdg = getenv("XDG_CACHE_HOME");
    if (xdg != NULL && *xdg) {
        return util_asprintf("%s/ftstress", xdg);
    }
    const char *home = getenv("HOME");
    return util_asprintf("%s/.cache/ftstress", home != NULL && *home ? home : "/tmp");
}

const char *paths_shim(void) {
    const char *shim = getenv("FTSTRESS_SHIM");
    return shim != NULL && *shim ? shim : FTSTRESS_DEFAULT_SHIM;
}

char *paths_inHome(const char *relative) {
    return util_asprintf("%s/%s", paths_home(), relative);
}
