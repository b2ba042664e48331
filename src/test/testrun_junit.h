/* testrun_junit.h - the JUnit XML report of `ftstress test --junit FILE`:
 *
 *   <testsuites name="ftstress test" tests= failures= errors= skipped= time=>
 *     <testsuite name="DISPLAY" file="DISPLAY" tests= failures= errors= skipped= time=>
 *       <testcase classname="MODULE[.Class]" name="test_x" file="DISPLAY" time="S">
 *         <failure type="ftstress.failed|ftstress.flaky|ftstress.race" message=...>
 *           tracebacks with their threads; each finding with its stacks</failure>
 *         <error type="ftstress.crash|ftstress.hang" message=...>...</error>
 *         <skipped message="reason"/>
 *         <system-out>not run in parallel: REASON</system-out>
 *       </testcase>
 *       <testcase classname="DISPLAY" name="(file)"> the file itself, when it
 *         did not import (error type ftstress.error), skipped itself, or had a
 *         finding, crash or hang outside every test
 *     </testsuite> ...
 *
 * One testsuite per file, one testcase per test that ran. */
#ifndef FTSTRESS_TESTRUN_JUNIT_H
#define FTSTRESS_TESTRUN_JUNIT_H

#include <stdbool.h>
#include <stddef.h>

#include "testrun_tests.h"

/* The document. Caller frees; its length in *len (may be NULL). */
char *testrun_junitRender(const struct testrun_file *files, size_t n, double seconds, size_t *len);

/* Writes the document to path atomically. Returns false with errno set. */
bool testrun_junitWrite(const char *path, const struct testrun_file *files, size_t n,
                        double seconds);

#endif
