/* libFuzzer harness for src/findings/tsan_report.c: any bytes must parse without a crash,
 * a leak, an out-of-bounds read or undefined behaviour, and what comes back must
 * hold together (terminated strings, counts within the documented caps). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tsan_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reading every byte of a string lets ASan catch a missing terminator. */
static size_t touch(const char *s) {
    return s ? strlen(s) : 0;
}

static size_t checkStack(const struct tsanreport_stack *st) {
    if (st->count > TSANREPORT_MAX_FRAMES)
        abort();
    size_t n = 0;
    for (size_t i = 0; i < st->count; i++)
        n +=
            touch(st->frames[i].function) + touch(st->frames[i].file) + touch(st->frames[i].module);
    return n;
}

static size_t checkReport(const struct tsanreport_report *r) {
    if (r->title == NULL || r->naccesses > TSANREPORT_MAX_SECTIONS ||
        r->nlocations > TSANREPORT_MAX_SECTIONS || r->nthreads > TSANREPORT_MAX_SECTIONS ||
        r->nmutexes > TSANREPORT_MAX_SECTIONS || r->nedges > TSANREPORT_MAX_SECTIONS ||
        r->nnotes > TSANREPORT_MAX_SECTIONS || r->truncated != (r->summary == NULL))
        abort();
    size_t n = touch(r->title) + touch(r->summary) + checkStack(&r->stack);
    n += touch(tsanreport_kindName(r->kind));
    for (size_t i = 0; i < r->naccesses; i++)
        n += checkStack(&r->accesses[i].stack) + r->accesses[i].nheld;
    for (size_t i = 0; i < r->nlocations; i++)
        n += touch(r->locations[i].text) + touch(r->locations[i].name) +
             touch(r->locations[i].module) + checkStack(&r->locations[i].stack) +
             touch(tsanreport_locationTypeName(r->locations[i].type));
    for (size_t i = 0; i < r->nmutexes; i++)
        n += checkStack(&r->mutexes[i].stack);
    for (size_t i = 0; i < r->nedges; i++)
        n += checkStack(&r->edges[i].stack);
    for (size_t i = 0; i < r->nthreads; i++)
        n += touch(r->threads[i].name) + touch(r->threads[i].state) +
             checkStack(&r->threads[i].stack);
    for (size_t i = 0; i < r->nnotes; i++)
        n += touch(r->notes[i].title) + checkStack(&r->notes[i].stack);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* One parser for the whole run, as ftstress uses it; it stays reachable. */
    static struct tsanreport_parser *parser;
    if (parser == NULL && (parser = tsanreport_parserNew()) == NULL)
        abort();
    struct tsanreport_list list = {0};
    /* Two parses into one list: the whole input, then its second half again. */
    int rc = tsanreport_parse(parser, (const char *)data, size, &list);
    rc |= tsanreport_parse(parser, (const char *)data + size / 2, size - size / 2, &list);
    volatile size_t sink = 0;
    /* Out of memory legitimately leaves fields unset; check only full parses. */
    for (size_t i = 0; rc == 0 && i < list.count; i++)
        sink += checkReport(&list.reports[i]);
    (void)sink;
    tsanreport_listFree(&list);
    return 0;
}
