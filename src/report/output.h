/* output.h - everything a machine-readable report of a whole run is made of,
 * shared by output_json, output_junit and output_sarif.
 *
 * The runner fills one struct output_run after the last scenario (it keeps
 * its scenario verdicts until then) and hands it to each writer; the writers
 * only read it. Formats are described in ci/report-schema.md. */
#ifndef FTSTRESS_OUTPUT_H
#define FTSTRESS_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include "finding.h"
#include "verdict.h"

struct output_run {
    const char *tool_version; /* FTSTRESS_VERSION */
    /* The runtime, from its manifest (runtime.h); NULL is written as null. */
    const char *runtime_version; /* "3.13.15" */
    const char *runtime_flavour; /* "tsan" or "release" */
    const char *runtime_key;     /* the manifest's key= (its cache identity) */
    /* The run's parameters (config.h). */
    int threads;
    long iterations;
    int runs;
    uint64_t seed;
    const char *noise; /* config_noiseName() */
    /* Every scenario, in the order run; borrowed. */
    const struct scenario_verdict *const *scenarios;
    size_t nscenarios;
    /* The run's findings, deduplicated over every scenario (finding_merge of
     * each verdict's set), with known set by baseline_mark; borrowed. NULL
     * means none. */
    const struct finding_set *findings;
    /* The directory paths in SARIF are made relative to (the repository's
     * checkout, usually the working directory), or NULL; see output_sarif.h. */
    const char *source_root;
};

/* A scenario's verdict as the reports name it: "error" when the scenario
 * itself failed to run (bad file), "fail" when verdict_isFinding, else "pass".
 * The same order of tests as the terminal report and the exit code. */
static inline const char *output_verdictName(const struct scenario_verdict *v) {
    return v->error != NULL ? "error" : verdict_isFinding(v) ? "fail" : "pass";
}

#endif
