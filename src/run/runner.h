/* runner.h - the flow of `ftstress run` and `ftstress replay`:
 * collect scenarios, run each N times in fresh interpreters, add up, report,
 * save failing cases. */
#ifndef FTSTRESS_RUNNER_H
#define FTSTRESS_RUNNER_H

#include "config.h"

/* `ftstress run`: returns an exit code (cmdline.h). */
int runner_run(struct ftstress_config *cfg);

/* `ftstress replay CASE`: re-runs the case with its seed and parameters; exit
 * code 1 when the failure shows again, 0 when it did not. */
int runner_replay(struct ftstress_config *cfg);

#endif
