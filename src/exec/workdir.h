/* workdir.h - the directory a command's interpreter runs write into (their
 * results, TSan logs, stacks): --keep's, kept afterwards for a person to
 * read, or a fresh temporary one removed at the end. */
#ifndef FTSTRESS_WORKDIR_H
#define FTSTRESS_WORKDIR_H

#include "config.h"

/* --keep's directory (created), or a new $TMPDIR/PREFIX-XXXXXX. NULL after
 * logging why it could not be made. Caller frees with workdir_close. */
char *workdir_open(const struct ftstress_config *cfg, const char *prefix);

/* Removes dir and everything in it, unless it is --keep's (then says where
 * the logs are); frees dir. NULL is ignored. */
void workdir_close(const struct ftstress_config *cfg, char *dir);

#endif
