/* paths.h - where ftstress finds its own files and its cache. */
#ifndef FTSTRESS_PATHS_H
#define FTSTRESS_PATHS_H

/* The directory holding scenarios/ and src/runtime/: $FTSTRESS_HOME, else
 * PREFIX/share/ftstress when the binary is an installed PREFIX/bin/ftstress,
 * else the source tree the binary was built from. Static storage. */
const char *paths_home(void);

/* The cache root: $FTSTRESS_CACHE, else ${XDG_CACHE_HOME:-$HOME/.cache}/ftstress.
 * Caller frees. */
char *paths_cacheDir(void);

/* The preloaded shim library: $FTSTRESS_SHIM, else PREFIX/lib/ftstress's for
 * an installed binary, else the one built with this binary. Static storage. */
const char *paths_shim(void);

/* $FTSTRESS_HOME/<relative>. Caller frees. */
char *paths_inHome(const char *relative);

#endif
