/* runtime.h - the instrumented free-threaded CPython a run executes on.
 *
 * A runtime is a directory in the cache with a verified manifest (written by
 * src/runtime/build_runtime.sh only after its checks passed). */
#ifndef FTSTRESS_RUNTIME_H
#define FTSTRESS_RUNTIME_H

#include <stdbool.h>

#include "config.h"
#include "manifest.h"

struct runtime {
    char *dir;                /* owned */
    struct manifest manifest; /* owned */
    const char *python;       /* interpreter, from the manifest */
    const char *version;      /* e.g. "3.13.15" */
    const char *flavour;      /* "tsan" or "release" */
    const char *suppressions; /* the runtime's own TSan suppressions, or "" */
    bool tsan;
    /* the venv every interpreter runs in (venv.h), or NULL */
    char *venv;        /* owned */
    char *venv_python; /* its bin/python, which python then points at; owned */
};

/* Finds and loads the runtime cfg asks for (--runtime, $FTSTRESS_RUNTIME, the
 * runtime of the venv in use (venv.h), or the default of cfg->flavour); with a
 * venv in use, python is the venv's. Returns false after telling the user what is missing
 * and how to build it. */
bool runtime_open(const struct ftstress_config *cfg, struct runtime *rt);

/* Releases what rt owns. */
void runtime_close(struct runtime *rt);

/* `ftstress runtime info`: prints the manifest in a readable form; an exit code. */
int runtime_printInfo(const struct ftstress_config *cfg);

/* `ftstress runtime build`: runs the build script (cached: fast when built); an exit code. */
int runtime_build(const struct ftstress_config *cfg);

#endif
