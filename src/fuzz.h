/* fuzz.h - `ftstress fuzz TARGET`: random concurrent operations on a shared object. */
#ifndef FTSTRESS_FUZZ_H
#define FTSTRESS_FUZZ_H

#include "config.h"

/* Fuzzes the target named by cfg->paths[0]; returns an exit code (cmdline.h). */
int fuzz_main(struct ftstress_config *cfg);

#endif
