/* libFuzzer harness for src/report/merge.c's report reading (merge_addText): a JSON
 * report a user hands to `ftstress merge`. Any bytes must be merged or
 * refused with a position, without a crash, a leak or undefined behaviour.
 * An accepted report is merged twice (the second time as another shard), and
 * the merged run is rendered as every report merge writes; the JSON report
 * rendered must merge again, since merging composes. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_harness.h"
#include "merge.h"
#include "output_json.h"
#include "output_junit.h"
#include "output_sarif.h"
#include "report_html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct merge m;
    memset(&m, 0, sizeof(m));
    char *error = NULL;
    if (!merge_addText(&m, "a.json", (const char *)data, size, &error)) {
        if (error == NULL || m.ninputs != 0)
            abort();
        free(error);
        merge_free(&m);
        return 0;
    }
    if (!merge_addText(&m, "b.json", (const char *)data, size, &error))
        abort(); /* the same report cannot be valid once and not twice */
    merge_finish(&m);
    struct output_run run;
    char cwd[4096];
    merge_outputRun(&m, &run, cwd, sizeof(cwd));

    size_t len;
    char *json = output_jsonRender(&run, &len);
    struct merge again;
    memset(&again, 0, sizeof(again));
    if (json == NULL || !merge_addText(&again, "merged.json", json, len, &error))
        abort();
    merge_free(&again);
    free(json);
    free(output_junitRender(&run, &len));
    free(output_sarifRender(&run, &len));
    const struct report_html_options opts = {
        .generated = 0, .inputs = (const char *const *)m.inputs, .ninputs = m.ninputs};
    free(report_htmlRender(&run, &opts, &len));
    merge_free(&m);
    return 0;
}
