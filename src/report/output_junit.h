/* output_junit.h - the JUnit XML report of a whole run (`--junit FILE`), in
 * the dialect Jenkins, GitLab and the GitHub test-reporter actions read:
 *
 *   <testsuites name="ftstress" tests= failures= errors= time=>
 *     <testsuite name="ftstress" tests= failures= errors= skipped="0" time=>
 *       <properties> runtime and parameters </properties>
 *       <testcase classname="ftstress.scenarios" name="SCENARIO" file="PATH" time="S">
 *         <failure message="one line" type="ftstress.finding">outcome table,
 *           lost updates, crashes, hangs, each finding's title and detail,
 *           failing seeds, replay command</failure>      (verdict "fail")
 *         <error message="scenario error: ..." type="ftstress.scenario-error">
 *                                                        (verdict "error")
 *       </testcase> ...
 *
 * A passing scenario is a bare testcase. Text is escaped for XML 1.0, and
 * characters XML 1.0 cannot carry are dropped (xml_escape.h). */
#ifndef FTSTRESS_OUTPUT_JUNIT_H
#define FTSTRESS_OUTPUT_JUNIT_H

#include <stdbool.h>
#include <stddef.h>

#include "output.h"

/* The document for run. Caller frees; its length in *len (may be NULL). */
char *output_junitRender(const struct output_run *run, size_t *len);

/* Writes the document to path atomically (util_writeFileAtomic). Returns
 * false with errno set and the old file, if any, unchanged. */
bool output_junitWrite(const char *path, const struct output_run *run);

#endif
