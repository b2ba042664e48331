/* manifest.c - key=value files; see manifest.h. */
#include "manifest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static bool manifest_set(struct manifest *m, const char *key, size_t klen, const char *value,
                         size_t vlen) {
    for (size_t i = 0; i < m->count; i++) {
        if (strlen(m->entries[i].key) == klen && memcmp(m->entries[i].key, key, klen) == 0) {
            free(m->entries[i].value);
            m->entries[i].value = util_strndup(value, vlen);
            return true;
        }
    }
    m->entries = util_grow(m->entries, m->count, sizeof(*m->entries));
    m->entries[m->count].key = util_strndup(key, klen);
    m->entries[m->count].value = util_strndup(value, vlen);
    m->count++;
    return true;
}

bool manifest_parse(const char *name, const char *text, size_t len, struct manifest *m, char *err,
                    size_t errlen) {
    memset(m, 0, sizeof(*m));
    m->path = strdup(name);
    size_t lineno = 0;
    const char *end = text + len;
    for (const char *line = text; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *eol = nl ? nl : end;
        lineno++;
        const char *p = line;
        while (p < eol && (*p == ' ' || *p == '\t')) {
            p++;
        }
        /* A NUL would silently cut the key or value short: the file is not text. */
        const char *nul = memchr(line, '\0', (size_t)(eol - line));
        if (nul != NULL) {
            snprintf(err, errlen, "%s:%zu: a NUL byte at column %zu", name, lineno,
                     (size_t)(nul - line) + 1);
            manifest_free(m);
            return false;
        }
        if (p < eol && *p != '#') {
            const char *eq = memchr(p, '=', (size_t)(eol - p));
            if (eq == NULL || eq == p) {
                snprintf(err, errlen, "%s:%zu: expected key=value, got '%.*s'", name, lineno,
                         (int)(eol - p > 60 ? 60 : eol - p), p);
                manifest_free(m);
                return false;
            }
            const char *vend = eol;
            if (vend > eq + 1 && vend[-1] == '\r') {
                vend--;
            }
            if (!manifest_set(m, p, (size_t)(eq - p), eq + 1, (size_t)(vend - eq - 1))) {
                snprintf(err, errlen, "%s:%zu: out of memory", name, lineno);
                manifest_free(m);
                return false;
            }
        }
        line = nl ? nl + 1 : end;
    }
    return true;
}

bool manifest_load(const char *path, struct manifest *m, char *err, size_t errlen) {
    size_t len;
    char *text = util_readFile(path, &len);
    if (text == NULL) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        memset(m, 0, sizeof(*m));
        return false;
    }
    bool ok = manifest_parse(path, text, len, m, err, errlen);
    free(text);
    return ok;
}

const char *manifest_get(const struct manifest *m, const char *key) {
    for (size_t i = 0; i < m->count; i++) {
        if (strcmp(m->entries[i].key, key) == 0) {
            return m->entries[i].value;
        }
    }
    return NULL;
}

void manifest_free(struct manifest *m) {
    for (size_t i = 0; i < m->count; i++) {
        free(m->entries[i].key);
        free(m->entries[i].value);
    }
    free(m->entries);
    free(m->path);
    memset(m, 0, sizeof(*m));
}
