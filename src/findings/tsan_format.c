/* tsan_format.c - turning parsed TSan reports into findings; see tsan_format.h. */
#include "tsan_format.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signature.h"
#include "util.h"

const char *tsanformat_shortPath(const char *path) {
    /* A cached runtime's build tree: .../ftstress/build/cpython-.../<source path> */
    const char *build = strstr(path, "/ftstress/build/cpython-");
    if (build != NULL) {
        const char *rest = strchr(build + strlen("/ftstress/build/"), '/');
        if (rest != NULL) {
            path = rest + 1;
        }
    }
    while (strncmp(path, "./", 2) == 0) {
        path += 2;
    }
    return path;
}

static void tsanformat_thread(FILE *out, int thread) {
    if (thread == TSANREPORT_MAIN_THREAD) {
        fputs("main thread", out);
    } else if (thread == TSANREPORT_NO_THREAD) {
        fputs("unknown thread", out);
    } else {
        fprintf(out, "thread T%d", thread);
    }
}

static void tsanformat_stack(FILE *out, const struct tsanreport_stack *st, size_t max_frames) {
    size_t shown = 0;
    for (size_t i = 0; i < st->count; i++) {
        const struct tsanreport_frame *f = &st->frames[i];
        if (shown == max_frames) {
            fprintf(out, "  ... %zu more frames\n", st->count - i);
            break;
        }
        /* Folding starts at the eval loop: below it is how Python got here,
         * which the Python stack tells better. */
        if (shown > 0 && f->function != NULL &&
            strcmp(f->function, "_PyEval_EvalFrameDefault") == 0) {
            fprintf(out, "  ... %zu interpreter frames\n", st->count - i);
            break;
        }
        fprintf(out, "  %s()\n", f->function ? f->function : "??");
        if (f->file != NULL) {
            fprintf(out, "      %s:%d", tsanformat_shortPath(f->file), f->line);
        } else {
            fputs("      ?", out);
        }
        if (f->module != NULL) {
            const char *slash = strrchr(f->module, '/');
            fprintf(out, " (%s+0x%" PRIx64 ")", slash ? slash + 1 : f->module, f->offset);
        }
        fputc('\n', out);
        shown++;
    }
    if (st->failed_restore) {
        fputs("  [TSan could not restore this stack: its history was too short]\n", out);
    }
}

char *tsanformat_report(const struct tsanreport_report *r) {
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    fprintf(out, "WARNING: %s\n", r->title ? r->title : tsanreport_kindName(r->kind));
    if (r->stack.count > 0) {
        tsanformat_stack(out, &r->stack, TSANFORMAT_MAX_FRAMES);
    }
    for (size_t i = 0; i < r->naccesses; i++) {
        const struct tsanreport_access *a = &r->accesses[i];
        fprintf(out, "%s%s%s of size %" PRIu64 " at 0x%" PRIx64 " by ",
                a->previous ? "Previous " : "", a->atomic ? "atomic " : "",
                a->write ? "write" : "read", a->size, a->address);
        tsanformat_thread(out, a->thread);
        if (a->nheld > 0) {
            fputs(" (holding", out);
            for (size_t m = 0; m < a->nheld; m++) {
                fprintf(out, " %sM%d", a->held[m].write ? "" : "read ", a->held[m].id);
            }
            fputc(')', out);
        }
        fputs(":\n", out);
        tsanformat_stack(out, &a->stack, TSANFORMAT_MAX_FRAMES);
        fputc('\n', out);
    }
    for (size_t i = 0; i < r->nedges; i++) {
        const struct tsanreport_lockEdge *e = &r->edges[i];
        fprintf(out, "Mutex M%d acquired while holding M%d by ", e->acquired, e->held);
        tsanformat_thread(out, e->thread);
        fputs(":\n", out);
        tsanformat_stack(out, &e->stack, TSANFORMAT_MAX_FRAMES);
        fputc('\n', out);
    }
    for (size_t i = 0; i < r->nlocations; i++) {
        const struct tsanreport_location *l = &r->locations[i];
        fprintf(out, "Location: %s\n", l->text);
        if (l->stack.count > 0) {
            tsanformat_stack(out, &l->stack, TSANFORMAT_MAX_FRAMES);
        }
        fputc('\n', out);
    }
    for (size_t i = 0; i < r->nthreads; i++) {
        const struct tsanreport_thread *t = &r->threads[i];
        fprintf(out, "Thread T%d%s%s%s (%s) created by ", t->id, t->name ? " '" : "",
                t->name ? t->name : "", t->name ? "'" : "", t->state ? t->state : "?");
        tsanformat_thread(out, t->creator);
        fputs(" at:\n", out);
        /* Thread creation goes through the same few frames every time. */
        tsanformat_stack(out, &t->stack, 3);
        fputc('\n', out);
    }
    fclose(out);
    /* No trailing blank lines: callers separate blocks themselves. */
    while (len > 0 && text[len - 1] == '\n') {
        text[--len] = '\0';
    }
    return text;
}

/* The first non-plumbing frame of the report's first stack, for code scanning. */
static const struct tsanreport_frame *tsanformat_primaryFrame(const struct tsanreport_report *r) {
    const struct tsanreport_stack *st = r->naccesses > 0 ? &r->accesses[0].stack
                                        : r->nedges > 0  ? &r->edges[0].stack
                                        : r->nthreads > 0 && r->stack.count == 0
                                            ? &r->threads[0].stack
                                            : &r->stack;
    for (size_t i = 0; i < st->count; i++) {
        if (!signature_isPlumbing(st->frames[i].function)) {
            return &st->frames[i];
        }
    }
    return st->count > 0 ? &st->frames[0] : NULL;
}

struct finding tsanformat_finding(const struct tsanreport_report *r, const char *python_stack,
                                  const char *scenario) {
    struct finding f = {0};
    f.signature = signature_ofReport(r);
    f.kind = strdup(tsanreport_kindName(r->kind));
    const struct tsanreport_frame *primary = tsanformat_primaryFrame(r);
    f.title = util_asprintf("%s in %s", r->title ? r->title : f.kind,
                            primary && primary->function ? primary->function : "?");
    /* "(pid=123)" in TSan's title changes every run; it is no part of the title. */
    char *pid = strstr(f.title, " (pid=");
    if (pid != NULL) {
        char *close = strchr(pid, ')');
        if (close != NULL) {
            memmove(pid, close + 1, strlen(close + 1) + 1);
        }
    }
    f.detail = tsanformat_report(r);
    f.python_stack = python_stack ? strdup(python_stack) : NULL;
    f.scenario = scenario ? strdup(scenario) : NULL;
    if (primary != NULL) {
        f.file = primary->file ? strdup(tsanformat_shortPath(primary->file)) : NULL;
        f.line = primary->line;
        f.function = primary->function ? strdup(primary->function) : NULL;
    }
    f.count = 1;
    return f;
}
