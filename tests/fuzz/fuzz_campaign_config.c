/* libFuzzer harness for src/campaign/campaign_config.c (campaign_configParse): the
 * campaign file a user hands to `ftstress campaign --config`. Any bytes must
 * parse or be refused with a message, without a crash, a leak or undefined
 * behaviour. Relative paths resolve against tests/data/campaign (the fuzzer
 * runs from the source root), so the seeds' entries exist. */
#include <stdlib.h>

#include "campaign_config.h"
#include "fuzz_harness.h"
#include "fuzz_memfile.h"
#include "optvalue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = fuzz_cstring(data, size);
    struct campaign_config c;
    char *error = NULL;
    if (campaign_configParse("fuzz.conf", text, "tests/data/campaign", &c, &error)) {
        if (error != NULL)
            abort();
        size_t n = fuzz_touch(c.path);
        for (size_t i = 0; i < c.count; i++) {
            const struct campaign_entry *e = &c.entries[i];
            if (e->target == NULL || e->resolved == NULL || e->line < 1)
                abort();
            n += fuzz_touch(e->target) + fuzz_touch(e->resolved) + fuzz_touch(e->opt.keyword) +
                 fuzz_touch(campaign_kindName(e->kind));
        }
        fuzz_sink(n);
    } else {
        if (error == NULL || c.count != 0)
            abort();
        fuzz_sink(fuzz_touch(error));
    }
    free(error);
    campaign_configFree(&c);
    /* The same bytes as a DURATION word. */
    double seconds;
    char *duration_error = NULL;
    if (optvalue_seconds("time", text, 0, 1e9, &seconds, &duration_error) &&
        !(seconds >= 0 && seconds <= 1e9))
        abort();
    free(duration_error);
    free(text);
    return 0;
}
