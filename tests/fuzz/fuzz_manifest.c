/* libFuzzer harness for src/lib/manifest.c (manifest_parse): the key=value files
 * ftstress reads back (the runtime manifest, a case, the shims' statistics).
 * Any bytes must parse or be refused with a line, without a crash, a leak or
 * undefined behaviour; every key parsed must be found again, once. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_harness.h"
#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct manifest m;
    memset(&m, 0, sizeof(m));
    char err[512];
    if (manifest_parse("runtime.manifest", (const char *)data, size, &m, err, sizeof(err))) {
        for (size_t i = 0; i < m.count; i++) {
            if (m.entries[i].key == NULL || m.entries[i].value == NULL ||
                manifest_get(&m, m.entries[i].key) != m.entries[i].value)
                abort();
        }
    } else if (m.count != 0 || err[0] == '\0') {
        abort();
    }
    manifest_free(&m);
    return 0;
}
