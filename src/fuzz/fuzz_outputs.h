/* fuzz_outputs.h - `ftstress fuzz`'s results as report entries
 * (run_outputs.h), so --json, --junit, --sarif, --baseline and `ftstress
 * merge` treat a fuzz target like a scenario.
 *
 * Each target fuzzed is one entry of kind "fuzz", named by its label, its
 * speed and shape in the description, its findings with what replays them
 * (where found, the minimized sequence, the case) added to their detail. A
 * fuzz target has no outcome histogram: its operations' results are checked
 * by invariants and linearizability, which report findings. */
#ifndef FTSTRESS_FUZZ_OUTPUTS_H
#define FTSTRESS_FUZZ_OUTPUTS_H

#include "fuzz_campaign.h"
#include "verdict.h"

/* The entry of campaign c. Caller frees with verdict_free and free. */
struct scenario_verdict *fuzz_outputsEntry(const struct fuzz_campaign *c);

#endif
