/* fuzz.h - `ftstress fuzz TARGET`: random concurrent operations on a shared object.
 *
 * TARGET is a target file, module:factory (automatic mode), module:*
 * (readiness report) or a saved fuzz case (replayed); scenarios/fuzz_targets/
 * README.md documents the target file format and the cases. */
#ifndef FTSTRESS_FUZZ_H
#define FTSTRESS_FUZZ_H

#include "config.h"

/* Seconds of fuzzing per target when neither --time nor --iterations is given. */
#define FUZZ_DEFAULT_BUDGET 30.0

/* Fuzzes the target named by cfg->paths[0]; returns an exit code (cmdline.h). */
int fuzz_main(struct ftstress_config *cfg);

/* Replays the fuzz case at case_path (kind=fuzz): its operation sequence run
 * again and again (up to --iterations times, default 200, or --time seconds,
 * default 30) until its finding shows. Returns EXIT_FINDINGS when something
 * showed, EXIT_CLEAN when not, EXIT_USAGE for a bad case. */
int fuzz_replayCase(struct ftstress_config *cfg, const char *case_path);

#endif
