/* fuzz_readiness.h - `ftstress fuzz MODULE:*`: every public class and function
 * of a module fuzzed for a bounded time each (automatic mode), with a verdict
 * per entry (no finding / races / crash / hang / wrong results / skipped) in
 * text, and in the reports (--json, --sarif, ...; run_outputs.h) one entry
 * per entry fuzzed: one that could not be fuzzed automatically (skipped) is
 * not a target to judge and only the text lists it. */
#ifndef FTSTRESS_FUZZ_READINESS_H
#define FTSTRESS_FUZZ_READINESS_H

#include "fuzz_campaign.h"
#include "fuzz_exec.h"
#include "run_outputs.h"

/* Seconds per entry when --time is not given. */
#define FUZZ_READINESS_DEFAULT_SECONDS 5.0

/* Runs the readiness report of module, its reports written through outputs
 * (opened by the caller, which closes it); returns an exit code (cmdline.h). */
int fuzz_readiness(const struct fuzz_env *env, const char *module, volatile sig_atomic_t *stop,
                   struct run_outputs *outputs);

#endif
