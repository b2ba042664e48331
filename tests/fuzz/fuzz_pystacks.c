/* libFuzzer harness for src/findings/pystacks.c (pystacks_load): the file the TSan
 * report hook writes from inside the interpreter, cut off wherever the
 * process died. Any bytes must load without a crash, a leak or undefined
 * behaviour, and each record must be found by its pid and sequence number. */
#include <stdlib.h>

#include "fuzz_harness.h"
#include "fuzz_memfile.h"
#include "pystacks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct pystacks ps;
    pystacks_load(fuzz_memfile(data, size), &ps);
    for (size_t i = 0; i < ps.count; i++) {
        const char *frames = pystacks_find(&ps, ps.records[i].pid, ps.records[i].seq);
        if (frames == NULL)
            abort();
        fuzz_sink(fuzz_touch(frames));
    }
    pystacks_free(&ps);
    return 0;
}
