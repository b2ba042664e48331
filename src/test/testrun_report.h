/* testrun_report.h - what `ftstress test` prints, in pytest's shape:
 *
 *   ftstress 0.1.0: 7 test files on CPython 3.13.15 (tsan, free-threaded), ...
 *   tests/test_a.py ..F.R                                  (a letter per test)
 *   ==== ERRORS ====        files that did not import, module setup/teardown
 *   ==== FAILURES ====      tracebacks with their thread, findings with stacks
 *   ==== not run in parallel ====   tests that ran in one thread, and why
 *   ==== tests ====         test, verdict, threads x iterations, time
 *   12 passed, 1 failed, 2 races, 1 skipped in 34.2s      (always the last line)
 *
 * Letters: . passed, F failed, f flaky, R race, C crash, H hang, s skipped,
 * E error (the file). */
#ifndef FTSTRESS_TESTRUN_REPORT_H
#define FTSTRESS_TESTRUN_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "runtime.h"
#include "testrun_tests.h"

/* The opening line: version, runtime and the run's parameters. */
void testrun_reportHeader(FILE *out, const struct ftstress_config *cfg, const struct runtime *rt,
                          size_t nfiles, int threads, long iterations);

/* A file's progress line: its name, before it runs ... */
void testrun_reportFileStart(FILE *out, const struct testrun_file *f);
/* ... and its letters and time, once judged. */
void testrun_reportFileDone(FILE *out, const struct testrun_file *f);

/* The ERRORS and FAILURES sections (nothing when all passed). */
void testrun_reportDetails(FILE *out, const struct testrun_file *files, size_t n);

/* The tests that ran in one thread and why (nothing when none did). */
/* the loud block naming every file during which an import enabled
 * the GIL (nothing when none did). */
void testrun_reportGil(FILE *out, const struct testrun_file *files, size_t n);

void testrun_reportSerial(FILE *out, const struct testrun_file *files, size_t n, int threads);

/* One row per test: name, verdict, threads x iterations, time, note. */
void testrun_reportTable(FILE *out, const struct testrun_file *files, size_t n);

/* "12 passed, 1 failed, 2 races, 1 skipped in 34.2s": passed and failed
 * always, the other counts only when not 0. Caller frees. */
char *testrun_summaryLine(const struct testrun_counts *c, double seconds);

/* The closing lines: a note on tests not run in parallel, then the summary
 * line, last. */
void testrun_reportSummary(FILE *out, const struct testrun_counts *c, double seconds);

/* A finding as report_textFinding prints it. Caller frees. */
char *testrun_findingText(const struct finding *f);

#endif
