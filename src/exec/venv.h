/* venv.h - virtual environments on a ftstress runtime (`ftstress venv`, --venv).
 *
 * A venv made on the runtime is a standard one (python -m venv): bin/python is
 * a link to the runtime's interpreter, so the shims, TSan, the report hook and
 * the suppressions apply in it exactly as outside; only sys.prefix differs,
 * which puts the venv's site-packages on sys.path. Every command runs its
 * interpreters from the venv's bin/python when one is in use. Extension
 * modules compiled in it take the runtime's flags (-fsanitize=thread); one
 * that was not (a binary wheel, say) hides the races inside it, and every
 * command with the venv names it. */
#ifndef FTSTRESS_VENV_H
#define FTSTRESS_VENV_H

#include <stdbool.h>

#include "config.h"
#include "runtime.h"

/* `ftstress venv DIR`: makes DIR a venv on the runtime in use with pip,
 * setuptools and pytest (cfg->venv_deps says from where), checks its
 * extensions and prints how to activate it; with --check, only checks. An
 * exit code (cmdline.h): with --check, 1 when an extension is not instrumented. */
int venv_main(const struct ftstress_config *cfg);

/* The venv cfg asks for into *dir (caller frees; NULL when none): --venv DIR,
 * which must be a venv made on a ftstress runtime, else $VIRTUAL_ENV when it
 * is one (another venv there is ignored, with a note). Returns false after
 * naming what is wrong with --venv. The venv command itself uses none. */
bool venv_select(const struct ftstress_config *cfg, char **dir);

/* The directory of the ftstress runtime venv was made on (its pyvenv.cfg
 * home's parent, holding a manifest), or NULL. Caller frees. */
char *venv_runtimeDir(const char *venv);

/* Makes rt run in venv (taken: rt owns it): rt->python becomes the venv's
 * bin/python. Fails, naming both, when venv was made on another runtime than
 * rt. Warns, once per process, about uninstrumented extension modules. */
bool venv_attach(struct runtime *rt, char *venv);

/* Warns about every extension module (and shared library) under venv's
 * site-packages that was compiled without ThreadSanitizer; returns how many. */
int venv_checkExtensions(const char *venv);

#endif
