/* output_json.h - the JSON report of a whole run (`--json FILE`), for scripts
 * and dashboards. Schema 1; ci/report-schema.md is the full description.
 *
 *   {"tool": "ftstress", "version": "0.1.0", "schema": 1,
 *    "runtime": {"version", "flavour", "key"},            strings or null
 *    "parameters": {"threads", "iterations", "runs",      numbers
 *                   "seed", "noise"},                     strings
 *    "scenarios": [{"name", "path", "description",        strings (description may be null)
 *                   "verdict": "pass" | "fail" | "error",
 *                   "runs", "iterations" (states judged), "seconds",
 *                   "outcomes": [{"result", "samples", "class", "description"}],
 *                   "lost_updates": {"expected", "observed", "lost", "lossy_states"} | null,
 *                   "first_failure_seconds": number | null,
 *                   "crashes", "hangs", "tsan_reports",
 *                   "error": string | null, "case": replay case path | null,
 *                   "failing_seeds": [string...], "findings": [finding id...]}],
 *    "findings": [{"id", "signature", "kind", "title", "known", "count",
 *                  "first_seen", "last_seen" (ISO 8601 UTC, "2025-01-31T12:00:00Z"),
 *                  "seeds": [string...], "scenario",
 *                  "location": {"file", "line", "function"} | null,
 *                  "detail", "python_stack" (string | null)}],
 *    "summary": {"scenarios", "passed", "failed", "errors", "findings", "new_findings"}}
 *
 * Seeds are always decimal strings ("seed": "18446744073709551615"): they are
 * 64-bit, and common JSON readers (JavaScript, jq) hold numbers as doubles,
 * which keep only 53 bits; one type for every seed is simpler to consume than
 * numbers that turn into strings past 2^53. Adding a member is not a schema
 * change; removing or retyping one is, and bumps "schema". */
#ifndef FTSTRESS_OUTPUT_JSON_H
#define FTSTRESS_OUTPUT_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "output.h"

/* The document for run. Caller frees; its length in *len (may be NULL). */
char *output_jsonRender(const struct output_run *run, size_t *len);

/* Writes the document to path atomically (util_writeFileAtomic). Returns
 * false with errno set and the old file, if any, unchanged. */
bool output_jsonWrite(const char *path, const struct output_run *run);

#endif
