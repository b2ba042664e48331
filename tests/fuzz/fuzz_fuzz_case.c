/* libFuzzer harness for src/fuzz/fuzz_case.c (fuzz_caseParse): a fuzz case file a
 * user hands to `ftstress replay` or `ftstress fuzz`. Any bytes must parse or
 * be refused without a crash, a leak or undefined behaviour; a parsed case
 * must format to text that parses back to a case that formats to the same
 * text (found_at aside: it is the time of formatting). */
#include <stdlib.h>
#include <string.h>

#include "fuzz_case.h"
#include "fuzz_harness.h"

/* text without its found_at line, which holds the time of formatting. */
static void dropFoundAt(char *text) {
    char *line = strstr(text, "\nfound_at=");
    if (line != NULL) {
        char *rest = strchr(line + 1, '\n');
        if (rest == NULL)
            rest = line + strlen(line);
        memmove(line, rest, strlen(rest) + 1);
    }
}

static size_t touchCase(const struct fuzz_case *c) {
    size_t n = fuzz_touch(c->target) + fuzz_touch(c->label) + fuzz_touch(c->runtime_key) +
               fuzz_touch(c->verdict) + fuzz_touch(c->kind) + fuzz_touch(c->signature);
    for (size_t t = 0; t < c->plan.nthreads; t++)
        for (size_t i = 0; i < c->plan.threads[t].count; i++)
            n += fuzz_touch(c->plan.threads[t].ops[i].name);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct fuzz_case c;
    char err[512];
    memset(&c, 0, sizeof(c));
    if (fuzz_caseParse("fuzz.case", (const char *)data, size, &c, err, sizeof(err))) {
        fuzz_sink(touchCase(&c));
        /* What ftstress writes it must read back unchanged. */
        char *text = fuzz_caseFormat(&c, "fuzz.case");
        struct fuzz_case again;
        memset(&again, 0, sizeof(again));
        if (text == NULL ||
            !fuzz_caseParse("fuzz.case", text, strlen(text), &again, err, sizeof(err)))
            abort();
        char *text2 = fuzz_caseFormat(&again, "fuzz.case");
        dropFoundAt(text);
        dropFoundAt(text2);
        if (strcmp(text, text2) != 0 || !fuzz_planEqual(&c.plan, &again.plan))
            abort();
        fuzz_caseFree(&again);
        free(text2);
        free(text);
    } else {
        fuzz_sink(fuzz_touch(err));
    }
    fuzz_caseFree(&c);
    return 0;
}
