/* testrun_outputs.h - `ftstress test`'s results as report entries
 * (run_outputs.h), so --json, --sarif, --baseline and `ftstress merge` treat a
 * test like a scenario.
 *
 * Each test that ran is one entry of kind "test", named by its id
 * ("tests/test_x.py::Class::test_y"), with a histogram of its iterations
 * ("passed", "failed"; "skipped"), its races, crash or hang as findings, and
 * a failed or flaky test as the finding "outcome:ID:failed", the way a
 * scenario's failing outcome is one, so a baseline can list it. The file
 * itself is an entry too when it did not import or had a finding outside
 * every test. */
#ifndef FTSTRESS_TESTRUN_OUTPUTS_H
#define FTSTRESS_TESTRUN_OUTPUTS_H

#include <stddef.h>

#include "testrun_tests.h"
#include "verdict.h"

/* Appends f's entries to *verdicts (*n of them, grown; each entry and the
 * array are the caller's to free with verdict_free and free). Every finding's
 * detail ends with the command that runs its test again: `ftstress test
 * 'PATH' -k 'NAME' RERUN_ARGS` (rerun_args: the run's threads, iterations,
 * seed and noise as options). */
void testrun_outputsAdd(const struct testrun_file *f, const char *rerun_args,
                        struct scenario_verdict ***verdicts, size_t *n);

#endif
