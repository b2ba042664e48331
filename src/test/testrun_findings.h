/* testrun_findings.h - the TSan reports and refcount anomalies of one test
 * harness process, each given to the test it belongs to (testrun_attribute). */
#ifndef FTSTRESS_TESTRUN_FINDINGS_H
#define FTSTRESS_TESTRUN_FINDINGS_H

#include <stdbool.h>
#include <stdint.h>

#include "run_findings.h"
#include "suppress.h"
#include "testrun_tests.h"

/* Reads the TSan logs and the report hook's Python stacks of the run
 * directory dir (engine.h lists its files) and adds each report that supp
 * lets through as a finding of its test in f, or of f itself; refcount
 * anomalies go to f itself. f must already hold the process's results
 * (testrun_fileAddResults). Returns false only when the parser could not be
 * set up. */
bool testrun_findingsCollect(const char *dir, struct testrun_file *f, struct suppress_set *supp,
                             uint64_t seed, struct run_findings_stats *stats);

#endif
