/* libFuzzer harness for src/findings/suppress.c: a suppressions file a user hands to
 * `--suppressions` (suppress_load, PCRE2 patterns included), then the same
 * bytes as the TSan log whose print_suppressions counts are read back
 * (suppress_countTsanLog), and a signature matched against the rules. */
#include <stdlib.h>

#include "fuzz_harness.h"
#include "fuzz_memfile.h"
#include "suppress.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct suppress_set set = {0};
    char err[512];
    if (suppress_load(&set, fuzz_memfile(data, size), true, err, sizeof(err))) {
        size_t n = 0;
        for (size_t i = 0; i < set.count; i++)
            n += fuzz_touch(set.rules[i].text) + fuzz_touch(set.rules[i].origin);
        fuzz_sink(n);
        char *log = fuzz_cstring(data, size);
        suppress_countTsanLog(&set, log);
        free(log);
        fuzz_sink(suppress_matchSignature(&set, "data-race:dictobject.c:insertdict,x.c:f"));
    } else {
        fuzz_sink(fuzz_touch(err));
    }
    suppress_free(&set);
    return 0;
}
