/* cmdline.h - the command line: subcommand, flags, help and version. */
#ifndef FTSTRESS_CMDLINE_H
#define FTSTRESS_CMDLINE_H

#include "config.h"

/* Exit codes CI can act on. */
enum ftstress_exit {
    EXIT_CLEAN = 0,    /* ran, nothing found */
    EXIT_FINDINGS = 1, /* ran, found races, lost updates, crashes or hangs */
    EXIT_USAGE = 2,    /* bad command line or bad input file */
    EXIT_INTERNAL = 3, /* ftstress itself failed (runtime missing, I/O error) */
};

/* Parses argv into cfg (set to defaults first). Returns -1 to go on with the
 * command, or an exit code when parsing ended the program (--help, --version,
 * a usage error, already reported on stderr). argv must outlive cfg. */
int cmdline_parse(int argc, char **argv, struct ftstress_config *cfg);

/* Prints the full usage text to stdout. */
void cmdline_printHelp(void);

#endif
