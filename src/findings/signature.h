/* signature.h - the stable identity of a finding (a contract with users' baselines).
 *
 * Rule (also in README.md, "Finding signatures"):
 *  - A site is the innermost frame of a stack that is in the code under test,
 *    not generic call/eval plumbing (the interpreter's call and eval machinery,
 *    thread start-up, sanitizer and libc memory helpers, refcount and atomic
 *    helpers), written "file:function": the file's base name (no directory,
 *    no line, no address, no build id); where TSan knows no file, the module's
 *    base name stands in; where a stack holds nothing but plumbing, its
 *    innermost named frame is taken.
 *  - data race, heap-use-after-free: "KIND:SITE1,SITE2", the two accesses'
 *    sites sorted, so the pair is unordered.
 *  - lock-order inversion: the sorted, de-duplicated sites of every
 *    "acquired here" stack.
 *  - thread leak: the site of the leaked thread's creation stack.
 *  - signal-unsafe call, signal spoils errno, mutex misuse, deadly signal,
 *    other kinds: the site of the report's own stack, with the report's title
 *    (addresses and numbers removed) for mutex misuse and other kinds.
 *  - shim anomalies, crashes and hangs: "KIND:SITE" of their own stacks.
 * The id shown to users is the first 16 hex digits of the 64-bit FNV-1a hash
 * of the signature string. */
#ifndef FTSTRESS_SIGNATURE_H
#define FTSTRESS_SIGNATURE_H

#include <stdbool.h>
#include <stdint.h>

#include "tsan_report.h"

/* True when a frame's function is generic plumbing, never a site. */
bool signature_isPlumbing(const char *function);

/* The site of a stack as "file:function", or "?" for an empty stack. Caller frees. */
char *signature_site(const struct tsanreport_stack *stack);

/* The signature of a parsed TSan report. Caller frees. */
char *signature_ofReport(const struct tsanreport_report *report);

/* 16 lowercase hex digits of FNV-1a 64 over sig, into out[17]. */
void signature_id(const char *sig, char out[17]);

#endif
