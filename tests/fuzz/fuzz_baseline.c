/* libFuzzer harness for src/findings/baseline.c (baseline_load): the baseline file a
 * user hands to `--baseline`. Any bytes must load or be refused with a
 * message, without a crash, a leak or undefined behaviour; every signature
 * loaded must be found again by baseline_contains. */
#include <stdlib.h>

#include "baseline.h"
#include "fuzz_harness.h"
#include "fuzz_memfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct baseline b;
    char *error = NULL;
    if (baseline_load(fuzz_memfile(data, size), &b, &error)) {
        size_t n = fuzz_touch(b.path);
        for (size_t i = 0; i < b.count; i++) {
            if (b.items[i].signature == NULL || b.items[i].line < 1 ||
                !baseline_contains(&b, b.items[i].signature))
                abort();
            n += fuzz_touch(b.items[i].signature) + fuzz_touch(b.items[i].comment);
        }
        fuzz_sink(n);
    } else {
        if (error == NULL || b.count != 0)
            abort();
        fuzz_sink(fuzz_touch(error));
    }
    free(error);
    baseline_free(&b);
    return 0;
}
