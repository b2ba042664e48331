/* output_sarif.h - the SARIF 2.1.0 report of a whole run (`--sarif FILE`), for
 * GitHub code scanning and other SARIF viewers. ci/report-schema.md has the
 * full mapping; in short, one run whose tool.driver lists one rule per finding
 * kind (data-race, heap-use-after-free, lock-order-inversion, thread-leak,
 * signal-unsafe-call, signal-spoils-errno, mutex-misuse, deadly-signal, crash,
 * hang, the shims' refcount-negative_refcount, refcount-decref_after_dealloc,
 * refcount-double_dealloc and refcount-null_type, unknown, and a generic rule
 * for any other kind a finding has), and one result per finding of the run:
 *  - ruleId: the finding's kind; level "error", or "warning" when the finding
 *    is in the baseline; baselineState "new" or "unchanged" likewise;
 *  - message.text: title, count, seeds, scenario and id;
 *  - partialFingerprints {"ftstressSignature/v1": signature}, so code
 *    scanning tracks an alert by the same identity as the baseline does;
 *  - locations[0]: the finding's file (as the finding has it) with
 *    region.startLine when its line is known, and the function as a logical
 *    location. A finding without a file (crashes, hangs) is placed on its
 *    scenario's file, because GitHub rejects a whole upload when one result
 *    lacks a physical location; only when that is unknown too is the
 *    location logical alone.
 *  - properties {id, count, seeds (decimal strings), scenario}.
 * Paths become URIs: a relative one stays relative to the checkout (percent-
 * encoded); an absolute one under run->source_root is made relative to it;
 * any other absolute one becomes a file:// URI. */
#ifndef FTSTRESS_OUTPUT_SARIF_H
#define FTSTRESS_OUTPUT_SARIF_H

#include <stdbool.h>
#include <stddef.h>

#include "output.h"

/* The document for run. Caller frees; its length in *len (may be NULL). */
char *output_sarifRender(const struct output_run *run, size_t *len);

/* Writes the document to path atomically (util_writeFileAtomic). Returns
 * false with errno set and the old file, if any, unchanged. */
bool output_sarifWrite(const char *path, const struct output_run *run);

/* path as a SARIF artifact URI (the rules above); source_root may be NULL.
 * Caller frees. */
char *output_sarifUri(const char *path, const char *source_root);

#endif
