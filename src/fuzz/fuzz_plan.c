/* fuzz_plan.c - operation sequences; see fuzz_plan.h. */
#include "fuzz_plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void fuzz_planPush(struct fuzz_thread *t, const char *name, size_t nlen, uint32_t argseed) {
    t->ops = util_grow(t->ops, t->count, sizeof(*t->ops));
    t->ops[t->count].name = util_strndup(name, nlen);
    t->ops[t->count].argseed = argseed;
    t->count++;
}

void fuzz_planThreadFree(struct fuzz_thread *t) {
    for (size_t i = 0; i < t->count; i++) {
        free(t->ops[i].name);
    }
    free(t->ops);
    memset(t, 0, sizeof(*t));
}

bool fuzz_planParseThread(const char *text, struct fuzz_thread *out, char *err, size_t errlen) {
    memset(out, 0, sizeof(*out));
    const char *p = text;
    for (;;) {
        p += strspn(p, " \t\r\n");
        if (*p == '\0') {
            return true;
        }
        size_t wlen = strcspn(p, " \t\r\n");
        const char *colon = NULL;
        for (const char *q = p + wlen; q > p; q--) {
            if (q[-1] == ':') {
                colon = q - 1;
                break;
            }
        }
        char *end = NULL;
        unsigned long long seed = 0;
        bool ok = colon != NULL && colon > p && colon + 1 < p + wlen;
        if (ok) {
            errno = 0;
            seed = strtoull(colon + 1, &end, 10);
            ok = errno == 0 && end == p + wlen && colon[1] != '-' && colon[1] != '+' &&
                 seed <= UINT32_MAX;
        }
        if (!ok) {
            snprintf(err, errlen, "'%.*s' is not NAME:ARGSEED", (int)(wlen > 60 ? 60 : wlen), p);
            fuzz_planThreadFree(out);
            return false;
        }
        fuzz_planPush(out, p, (size_t)(colon - p), (uint32_t)seed);
        p += wlen;
    }
}

static void fuzz_planGrow(struct fuzz_plan *p, size_t nthreads) {
    if (nthreads <= p->nthreads) {
        return;
    }
    p->threads = util_resize(p->threads, p->nthreads, nthreads, sizeof(*p->threads));
    p->nthreads = nthreads;
}

bool fuzz_planSetThread(struct fuzz_plan *p, size_t tid, const char *text, char *err,
                        size_t errlen) {
    /* tid comes from a file (a results file, a case): unchecked, one line
     * could make the plan allocate gigabytes of empty threads. */
    if (tid >= FUZZ_PLAN_MAX_THREADS) {
        snprintf(err, errlen, "thread %zu is beyond the %d a plan holds", tid,
                 FUZZ_PLAN_MAX_THREADS);
        return false;
    }
    struct fuzz_thread t;
    if (!fuzz_planParseThread(text, &t, err, errlen)) {
        return false;
    }
    fuzz_planGrow(p, tid + 1);
    fuzz_planThreadFree(&p->threads[tid]);
    p->threads[tid] = t;
    return true;
}

char *fuzz_planFormatThread(const struct fuzz_thread *t) {
    size_t cap = 1, len = 0;
    for (size_t i = 0; i < t->count; i++) {
        cap += strlen(t->ops[i].name) + 13;
    }
    char *out = malloc(cap);
    if (out == NULL) {
        abort();
    }
    out[0] = '\0';
    for (size_t i = 0; i < t->count; i++) {
        len += (size_t)snprintf(out + len, cap - len, "%s%s:%u", i ? " " : "", t->ops[i].name,
                                t->ops[i].argseed);
    }
    return out;
}

size_t fuzz_planOps(const struct fuzz_plan *p) {
    size_t n = 0;
    for (size_t i = 0; i < p->nthreads; i++) {
        n += p->threads[i].count;
    }
    return n;
}

size_t fuzz_planActiveThreads(const struct fuzz_plan *p) {
    size_t n = 0;
    for (size_t i = 0; i < p->nthreads; i++) {
        n += p->threads[i].count > 0;
    }
    return n;
}

void fuzz_planWithout(const struct fuzz_plan *p, size_t from, size_t to, struct fuzz_plan *out) {
    memset(out, 0, sizeof(*out));
    size_t flat = 0;
    for (size_t t = 0; t < p->nthreads; t++) {
        struct fuzz_thread kept = {0};
        for (size_t k = 0; k < p->threads[t].count; k++, flat++) {
            if (flat < from || flat >= to) {
                const struct fuzz_op *op = &p->threads[t].ops[k];
                fuzz_planPush(&kept, op->name, strlen(op->name), op->argseed);
            }
        }
        if (kept.count > 0) {
            fuzz_planGrow(out, out->nthreads + 1);
            out->threads[out->nthreads - 1] = kept;
        }
    }
}

void fuzz_planWithoutThread(const struct fuzz_plan *p, size_t tid, struct fuzz_plan *out) {
    size_t from = 0;
    for (size_t t = 0; t < tid && t < p->nthreads; t++) {
        from += p->threads[t].count;
    }
    size_t n = tid < p->nthreads ? p->threads[tid].count : 0;
    fuzz_planWithout(p, from, from + n, out);
}

void fuzz_planCopy(struct fuzz_plan *dst, const struct fuzz_plan *src) {
    memset(dst, 0, sizeof(*dst));
    fuzz_planGrow(dst, src->nthreads);
    for (size_t t = 0; t < src->nthreads; t++) {
        for (size_t k = 0; k < src->threads[t].count; k++) {
            const struct fuzz_op *op = &src->threads[t].ops[k];
            fuzz_planPush(&dst->threads[t], op->name, strlen(op->name), op->argseed);
        }
    }
}

bool fuzz_planEqual(const struct fuzz_plan *a, const struct fuzz_plan *b) {
    if (a->nthreads != b->nthreads) {
        return false;
    }
    for (size_t t = 0; t < a->nthreads; t++) {
        if (a->threads[t].count != b->threads[t].count) {
            return false;
        }
        for (size_t k = 0; k < a->threads[t].count; k++) {
            if (a->threads[t].ops[k].argseed != b->threads[t].ops[k].argseed ||
                strcmp(a->threads[t].ops[k].name, b->threads[t].ops[k].name) != 0) {
                return false;
            }
        }
    }
    return true;
}

bool fuzz_planWriteSequences(const char *path, const struct fuzz_plan *cands, size_t n) {
    char *text =
        util_asprintf("# ftstress fuzz sequences: %zu candidate%s\n", n, n == 1 ? "" : "s");
    for (size_t c = 0; c < n; c++) {
        util_appendf(&text, "candidate %zu\n", c);
        for (size_t t = 0; t < cands[c].nthreads; t++) {
            char *ops = fuzz_planFormatThread(&cands[c].threads[t]);
            util_appendf(&text, "thread %s\n", ops);
            free(ops);
        }
    }
    bool ok = util_writeFileAtomic(path, text, strlen(text));
    free(text);
    return ok;
}

void fuzz_planFree(struct fuzz_plan *p) {
    for (size_t t = 0; t < p->nthreads; t++) {
        fuzz_planThreadFree(&p->threads[t]);
    }
    free(p->threads);
    memset(p, 0, sizeof(*p));
}
