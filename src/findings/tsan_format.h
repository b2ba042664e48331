/* tsan_format.h - a parsed TSan report as a finding a person reads: short
 * stacks in the style of Go's race detector, plumbing frames folded. */
#ifndef FTSTRESS_TSAN_FORMAT_H
#define FTSTRESS_TSAN_FORMAT_H

#include "finding.h"
#include "tsan_report.h"

/* Frames shown per stack before the rest is folded into one line. */
#define TSANFORMAT_MAX_FRAMES 8

/* The report as text (header, each access with its stack, location, mutexes,
 * thread creation). Caller frees. */
char *tsanformat_report(const struct tsanreport_report *r);

/* A finding for one report: signature, kind, title, detail, the first site's
 * file, line and function. python_stack (may be NULL) and scenario are copied. */
struct finding tsanformat_finding(const struct tsanreport_report *r, const char *python_stack,
                                  const char *scenario);

/* path without the build-tree prefix of a cached runtime ("Modules/_io/bytesio.c"
 * rather than "/root/.cache/ftstress/build/KEY/Modules/_io/bytesio.c"). Static
 * storage into path itself: returns a pointer into path. */
const char *tsanformat_shortPath(const char *path);

#endif
