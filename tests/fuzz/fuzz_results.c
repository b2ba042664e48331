/* libFuzzer harness for src/report/results.c (results_load): the results file a
 * scenario harness process writes, possibly cut off when it crashed. Any
 * bytes must load without a crash, a leak or undefined behaviour, and what
 * was loaded must merge into a running total as runs are merged. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_harness.h"
#include "fuzz_memfile.h"
#include "results.h"

static size_t touchResults(const struct results *r) {
    size_t n = fuzz_touch(r->scenario) + fuzz_touch(r->description) + fuzz_touch(r->error) +
               fuzz_touch(r->actor_exception);
    for (size_t i = 0; i < r->noutcomes; i++)
        n += fuzz_touch(r->outcomes[i].result) + fuzz_touch(r->outcomes[i].description) +
             fuzz_touch(results_className(r->outcomes[i].cls));
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct results r;
    memset(&r, 0, sizeof(r));
    if (!results_load(fuzz_memfile(data, size), &r))
        abort(); /* the file is there: only an unreadable file is refused */
    fuzz_sink(touchResults(&r));
    struct results total;
    memset(&total, 0, sizeof(total));
    results_merge(&total, &r);
    results_merge(&total, &r);
    fuzz_sink(touchResults(&total) + (size_t)results_failingSamples(&total));
    const struct outcome *worst = results_worstOutcome(&total);
    fuzz_sink(worst ? fuzz_touch(worst->result) : 0);
    results_free(&total);
    results_free(&r);
    return 0;
}
