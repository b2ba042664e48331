/* exitcode.h - the exit codes every command ends with, for CI to act on. */
#ifndef FTSTRESS_EXITCODE_H
#define FTSTRESS_EXITCODE_H

enum ftstress_exit {
    EXIT_CLEAN = 0,    /* ran, nothing found */
    EXIT_FINDINGS = 1, /* ran, found races, lost updates, crashes or hangs */
    EXIT_USAGE = 2,    /* bad command line or bad input file */
    EXIT_INTERNAL = 3, /* ftstress itself failed (runtime missing, I/O error) */
};

#endif
