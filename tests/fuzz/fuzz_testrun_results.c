/* libFuzzer harness for src/test/testrun_results.c (testrun_resultsParse): the
 * results file a test harness process writes line by line, cut off wherever
 * it crashed or hung. Any bytes must parse without a crash, a leak or
 * undefined behaviour, and the running-test queries must hold together. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_harness.h"
#include "fuzz_memfile.h"
#include "testrun_results.h"

static size_t touchRecord(const struct testrun_record *t) {
    size_t n = fuzz_touch(t->name) + fuzz_touch(t->outcome) + fuzz_touch(t->reason) +
               fuzz_touch(t->serial_reason);
    for (size_t i = 0; i < t->nfailures; i++)
        n += fuzz_touch(t->failures[i].who) + fuzz_touch(t->failures[i].text);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = fuzz_cstring(data, size);
    struct testrun_results r;
    memset(&r, 0, sizeof(r));
    testrun_resultsParse(text, &r);
    size_t n = fuzz_touch(r.module) + fuzz_touch(r.module_path) + fuzz_touch(r.import_error) +
               fuzz_touch(r.setup_error) + fuzz_touch(r.teardown_error) + fuzz_touch(r.skip_reason);
    for (size_t i = 0; i < r.ntests; i++)
        n += touchRecord(&r.tests[i]);
    const struct testrun_record *running = testrun_resultsRunning(&r);
    if (running != NULL &&
        (running < r.tests || running >= r.tests + r.ntests || !running->started || running->ended))
        abort();
    n += testrun_resultsHasRemaining(&r);
    fuzz_sink(n);
    testrun_resultsFree(&r);
    /* The same bytes as one escaped field. */
    memcpy(text, data, size);
    fuzz_sink(fuzz_touch(testrun_unescape(text)));
    free(text);
    return 0;
}
