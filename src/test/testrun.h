/* testrun.h - `ftstress test PATH...`: existing test files run concurrently. */
#ifndef FTSTRESS_TESTRUN_H
#define FTSTRESS_TESTRUN_H

#include "config.h"

/* Runs the tests named by cfg->paths; returns an exit code (cmdline.h). */
int testrun_main(struct ftstress_config *cfg);

#endif
