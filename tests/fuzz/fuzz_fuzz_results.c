/* libFuzzer harness for src/fuzz/fuzz_results.c (fuzz_resultsParse): the results
 * file the fuzz harness process writes, cut off wherever it died. Any bytes
 * must parse without a crash, a leak or undefined behaviour; the plan of
 * every label looks up (its malformed lines skipped), and a field unescapes. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_harness.h"
#include "fuzz_results.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct fuzz_results r;
    memset(&r, 0, sizeof(r));
    if (fuzz_resultsParse((const char *)data, size, &r)) {
        size_t n = fuzz_touch(r.error) + fuzz_touch(r.target) + fuzz_touch(r.mode) +
                   fuzz_touch(r.last_iter) + fuzz_touch(r.stopped);
        for (size_t i = 0; i < r.nops; i++)
            n += fuzz_touch(r.ops[i]);
        for (size_t i = 0; i < r.nevents; i++)
            n += fuzz_touch(r.events[i].label) + fuzz_touch(r.events[i].kind) +
                 fuzz_touch(r.events[i].op) + fuzz_touch(r.events[i].message) +
                 fuzz_touch(r.events[i].detail);
        for (size_t i = 0; i < r.nentries; i++)
            n += fuzz_touch(r.entries[i].name) + fuzz_touch(r.entries[i].kind);
        for (size_t i = 0; i < r.nplans; i++) {
            struct fuzz_plan plan;
            if (fuzz_resultsPlan(&r, r.plans[i].label, &plan) && fuzz_planOps(&plan) == 0 &&
                plan.nthreads == 0)
                abort(); /* found means at least one thread was set */
            n += fuzz_planOps(&plan);
            fuzz_planFree(&plan);
        }
        fuzz_sink(n);
    }
    fuzz_resultsFree(&r);
    char *field = fuzz_resultsUnescape((const char *)data, size);
    fuzz_sink(fuzz_touch(field));
    free(field);
    return 0;
}
