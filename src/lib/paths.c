/* paths.c - ftstress's own files and cache; see paths.h. */
#include "paths.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* An installed ftstress (cmake --install, the Debian package) keeps its files
 * beside its executable, so a prefix can be moved or staged with DESTDIR:
 *   PREFIX/bin/ftstress
 *   PREFIX/lib/ftstress/libftshim.so
 *   PREFIX/share/ftstress/{scenarios,src/runtime,src/tsan}
 * A build tree has no such neighbours and uses the paths it was built with. */
static const char *paths_installed(const char *relative) {
    static char found[2][PATH_MAX];
    static const char *const names[] = {"share/ftstress", "lib/ftstress/libftshim.so"};
    int which = strcmp(relative, names[0]) == 0 ? 0 : 1;
    if (found[which][0] != '\0') {
        return found[which];
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0) {
        return NULL;
    }
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash == NULL) {
        return NULL;
    }
    *slash = '\0'; /* PREFIX/bin */
    slash = strrchr(exe, '/');
    if (slash == NULL || strcmp(slash, "/bin") != 0) {
        return NULL;
    }
    *slash = '\0'; /* PREFIX */
    char *path = util_asprintf("%s/%s", exe, names[which]);
    char *probe = which == 0 ? util_asprintf("%s/scenarios/harness.py", path) : util_dup(path);
    bool there = util_isFile(probe) && strlen(path) < sizeof(found[which]);
    if (there) {
        strcpy(found[which], path);
    }
    free(probe);
    free(path);
    return there ? found[which] : NULL;
}

const char *paths_home(void) {
    const char *home = getenv("FTSTRESS_HOME");
    if (home != NULL && *home) {
        return home;
    }
    const char *installed = paths_installed("share/ftstress");
    return installed != NULL ? installed : FTSTRESS_DEFAULT_HOME;
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
    if (shim != NULL && *shim) {
        return shim;
    }
    const char *installed = paths_installed("lib/ftstress/libftshim.so");
    return installed != NULL ? installed : FTSTRESS_DEFAULT_SHIM;
}

char *paths_inHome(const char *relative) {
    return util_asprintf("%s/%s", paths_home(), relative);
}
