/* libFuzzer harness for src/report/history.c (history_load): the history file a
 * user hands to `ftstress merge --history`, kept from night to night. Any
 * bytes must load or be refused with a position, without a crash, a leak or
 * undefined behaviour; a loaded history rendered again must load again. */
#include <stdlib.h>

#include "fuzz_harness.h"
#include "fuzz_memfile.h"
#include "history.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct history h;
    char *error = NULL;
    if (!history_load(fuzz_memfile(data, size), &h, &error)) {
        if (error == NULL || h.count != 0)
            abort();
        free(error);
        return 0;
    }
    size_t len;
    char *text = history_render(&h, &len);
    struct history again;
    if (text == NULL || !history_load(fuzz_memfile((const uint8_t *)text, len), &again, &error) ||
        again.count != h.count)
        abort();
    history_free(&again);
    free(text);
    history_free(&h);
    return 0;
}
