/* fuzz_case.c - saving and loading fuzz cases; see fuzz_case.h. */
#include "fuzz_case.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "manifest.h"
#include "util.h"

#define FUZZ_CASE_MAX_THREADS 256

/* A value on one line: newlines become spaces. Caller frees. */
static char *fuzz_caseOneLine(const char *s) {
    char *out = strdup(s ? s : "");
    for (char *p = out; *p; p++) {
        if (*p == '\n' || *p == '\r') {
            *p = ' ';
        }
    }
    return out;
}

char *fuzz_caseFormat(const struct fuzz_case *c, const char *path) {
    char stamp[32];
    time_t now = time(NULL);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    /* Every value on its line: a newline would start a line of its own and a
     * trailing CR would be taken for the line's end when the case is read. */
    char *target = fuzz_caseOneLine(c->target);
    char *label = fuzz_caseOneLine(c->label);
    char *runtime = fuzz_caseOneLine(c->runtime_key);
    char *kind = fuzz_caseOneLine(c->kind);
    char *verdict = fuzz_caseOneLine(c->verdict);
    char *sig = fuzz_caseOneLine(c->signature);
    char *text = util_asprintf("# ftstress fuzz case: replay with 'ftstress replay %s'\n"
                               "format=1\n"
                               "kind=fuzz\n"
                               "target=%s\n"
                               "label=%s\n"
                               "seed=%" PRIu64 "\n"
                               "iteration=%ld\n"
                               "threads=%d\n"
                               "ops=%d\n"
                               "noise=%s\n"
                               "timeout=%g\n"
                               "runtime=%s\n"
                               "finding_kind=%s\n"
                               "signature=%s\n"
                               "verdict=%s\n"
                               "original_ops=%zu\n"
                               "reproduced=%d\n"
                               "found_at=%s\n",
                               path ? path : "CASE", target, label, c->seed, c->iteration,
                               c->threads, c->ops, config_noiseName(c->noise), c->timeout, runtime,
                               kind, sig, verdict, c->original_ops, c->reproduced, stamp);
    free(target);
    free(label);
    free(runtime);
    free(kind);
    free(verdict);
    free(sig);
    for (size_t t = 0; t < c->plan.nthreads; t++) {
        char *ops = fuzz_planFormatThread(&c->plan.threads[t]);
        char *more = util_asprintf("%sthread.%zu=%s\n", text, t, ops);
        free(ops);
        free(text);
        text = more;
    }
    return text;
}

static bool fuzz_caseNumber(const struct manifest *m, const char *key, double min, double max,
                            double dflt, double *out, char *err, size_t errlen) {
    const char *v = manifest_get(m, key);
    if (v == NULL || *v == '\0') {
        *out = dflt;
        return true;
    }
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno != 0 || end == v || *end != '\0' || d < min || d > max) {
        snprintf(err, errlen, "%s: field '%s' is '%s' (need a number from %g to %g)", m->path, key,
                 v, min, max);
        return false;
    }
    *out = d;
    return true;
}

bool fuzz_caseParse(const char *name, const char *text, size_t len, struct fuzz_case *c, char *err,
                    size_t errlen) {
    memset(c, 0, sizeof(*c));
    struct manifest m;
    if (!manifest_parse(name, text, len, &m, err, errlen)) {
        return false;
    }
    bool ok = false;
    const char *kind = manifest_get(&m, "kind");
    const char *target = manifest_get(&m, "target");
    const char *seed = manifest_get(&m, "seed");
    double iteration, threads, ops, timeout, original, reproduced;
    char *end = NULL;
    if (kind == NULL || strcmp(kind, "fuzz") != 0) {
        snprintf(err, errlen, "%s: not a fuzz case (kind=%s)", name, kind ? kind : "missing");
    } else if (target == NULL || *target == '\0') {
        snprintf(err, errlen, "%s: field 'target' is missing", name);
    } else if (seed == NULL ||
               (errno = 0, strtoull(seed, &end, 10), errno != 0 || *end != '\0' || end == seed)) {
        snprintf(err, errlen, "%s: field 'seed' is %s", name, seed ? "malformed" : "missing");
    } else if (fuzz_caseNumber(&m, "iteration", -1, 1e15, -1, &iteration, err, errlen) &&
               fuzz_caseNumber(&m, "threads", 1, FUZZ_CASE_MAX_THREADS, 2, &threads, err, errlen) &&
               fuzz_caseNumber(&m, "ops", 0, 1e6, 0, &ops, err, errlen) &&
               fuzz_caseNumber(&m, "timeout", 0.001, 1e7, 120, &timeout, err, errlen) &&
               fuzz_caseNumber(&m, "original_ops", 0, 1e9, 0, &original, err, errlen) &&
               fuzz_caseNumber(&m, "reproduced", -1, 1, -1, &reproduced, err, errlen)) {
        ok = true;
        for (size_t t = 0; ok && t < FUZZ_CASE_MAX_THREADS; t++) {
            char key[32];
            snprintf(key, sizeof(key), "thread.%zu", t);
            const char *v = manifest_get(&m, key);
            if (v == NULL) {
                continue;
            }
            char why[128];
            if (!fuzz_planSetThread(&c->plan, t, v, why, sizeof(why))) {
                snprintf(err, errlen, "%s: field '%s': %s", name, key, why);
                ok = false;
            }
        }
        if (ok && c->plan.nthreads == 0 && iteration < 0) {
            snprintf(err, errlen, "%s: neither thread.N lines nor an iteration to draw again",
                     name);
            ok = false;
        }
    }
    if (ok) {
        c->target = strdup(target);
        const char *label = manifest_get(&m, "label");
        c->label = strdup(label && *label ? label : target);
        c->seed = strtoull(seed, NULL, 10);
        c->iteration = (long)iteration;
        c->threads = (int)threads;
        c->ops = (int)ops;
        c->timeout = timeout;
        c->original_ops = (size_t)original;
        c->reproduced = (int)reproduced;
        const char *noise = manifest_get(&m, "noise");
        c->noise = noise && strcmp(noise, "off") == 0    ? NOISE_OFF
                   : noise && strcmp(noise, "high") == 0 ? NOISE_HIGH
                                                         : NOISE_LOW;
        const char *rt = manifest_get(&m, "runtime");
        c->runtime_key = rt && *rt ? strdup(rt) : NULL;
        const char *v = manifest_get(&m, "verdict");
        c->verdict = strdup(v ? v : "");
        const char *k = manifest_get(&m, "finding_kind");
        c->kind = strdup(k ? k : "");
        const char *s = manifest_get(&m, "signature");
        c->signature = s && *s ? strdup(s) : NULL;
    } else {
        fuzz_planFree(&c->plan);
    }
    manifest_free(&m);
    return ok;
}

char *fuzz_caseSafeName(const char *name) {
    char *out = strdup(name);
    for (char *p = out; *p; p++) {
        bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                  (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-';
        if (!ok) {
            *p = '_';
        }
    }
    return out;
}

char *fuzz_caseSave(const char *dir, const char *name, const struct fuzz_case *c) {
    if (!util_mkdirs(dir)) {
        LOG_P("cannot create corpus directory %s", dir);
        return NULL;
    }
    char *path = util_asprintf("%s/%s", dir, name);
    char *text = fuzz_caseFormat(c, path);
    if (!util_writeFileAtomic(path, text, strlen(text))) {
        LOG_P("cannot save case %s", path);
        free(path);
        path = NULL;
    }
    free(text);
    return path;
}

bool fuzz_caseLoad(const char *path, struct fuzz_case *c) {
    size_t len;
    char *text = util_readFile(path, &len);
    if (text == NULL) {
        LOG_P("cannot read case %s", path);
        memset(c, 0, sizeof(*c));
        return false;
    }
    char err[512];
    bool ok = fuzz_caseParse(path, text, len, c, err, sizeof(err));
    if (!ok) {
        LOG_E("%s", err);
    }
    free(text);
    return ok;
}

bool fuzz_caseIsFuzz(const char *path) {
    if (!util_isFile(path)) {
        return false;
    }
    size_t len;
    char *text = util_readFile(path, &len);
    if (text == NULL) {
        return false;
    }
    /* Only the first few lines: a target file never says this at a line start. */
    bool yes = false;
    const char *p = text;
    for (int line = 0; line < 8 && p != NULL && *p; line++) {
        if (strncmp(p, "kind=fuzz", 9) == 0 && (p[9] == '\n' || p[9] == '\r' || p[9] == '\0')) {
            yes = true;
            break;
        }
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    free(text);
    return yes;
}

void fuzz_caseFree(struct fuzz_case *c) {
    free(c->target);
    free(c->label);
    free(c->runtime_key);
    free(c->verdict);
    free(c->kind);
    free(c->signature);
    fuzz_planFree(&c->plan);
    memset(c, 0, sizeof(*c));
}
