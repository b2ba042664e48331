/* libFuzzer harness for src/run/corpus.c's case reader (corpus_load): a scenario
 * case file a user hands to `ftstress replay`. Any bytes must load or be
 * refused without a crash, a leak or undefined behaviour, and a loaded case
 * must hold what corpus.h promises. */
#include <stdlib.h>

#include "corpus.h"
#include "fuzz_harness.h"
#include "fuzz_memfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct corpus_case c;
    if (corpus_load(fuzz_memfile(data, size), &c)) {
        if (c.scenario == NULL || c.verdict == NULL || c.threads < 1 || c.threads > 256 ||
            c.iterations < 1 || c.stride < 1 || c.time_budget < 0 || c.timeout <= 0)
            abort();
        fuzz_sink(fuzz_touch(c.scenario) + fuzz_touch(c.verdict) + fuzz_touch(c.runtime_key));
    }
    corpus_caseFree(&c);
    return 0;
}
