/* baseline.c - reading, applying and writing baselines; see baseline.h. */
#include "baseline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

/* Long lines are cut in error messages: the point is which line, not all of it. */
#define BASELINE_QUOTE_MAX 60

static bool baseline_isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\r';
}

static bool baseline_isKindChar(char c, bool first) {
    return (c >= 'a' && c <= 'z') || (!first && ((c >= '0' && c <= '9') || c == '-' || c == '_'));
}

/* "KIND:REST": KIND lowercase letters, digits, '-' and '_' starting with a
 * letter (every kind there is: "data-race", "refcount-negative_refcount"),
 * REST non-empty. Returns NULL or why not. */
static const char *baseline_checkSignature(const char *s, size_t n) {
    size_t k = 0;
    while (k < n && baseline_isKindChar(s[k], k == 0)) {
        k++;
    }
    if (k == 0 || k >= n || s[k] != ':') {
        return "not a finding signature (expected KIND:..., e.g. data-race:a.c:f,b.c:g)";
    }
    if (k + 1 == n) {
        return "a finding signature with nothing after its kind";
    }
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
            return "a control character in a signature";
        }
    }
    return NULL;
}

static void baseline_append(struct baseline *b, char *signature, char *comment, int line) {
    b->items = util_grow(b->items, b->count, sizeof(*b->items));
    b->items[b->count++] = (struct baseline_entry){signature, comment, line};
}

static int baseline_compareEntries(const void *a, const void *b) {
    const struct baseline_entry *x = a, *y = b;
    int c = strcmp(x->signature, y->signature);
    return c != 0 ? c : (x->line > y->line) - (x->line < y->line);
}

static int baseline_compareLines(const void *a, const void *b) {
    const struct baseline_entry *x = a, *y = b;
    return (x->line > y->line) - (x->line < y->line);
}

/* Drops every repeated signature but its first line; b stays in file order. */
static void baseline_dedupe(struct baseline *b) {
    if (b->count < 2) {
        return;
    }
    qsort(b->items, b->count, sizeof(*b->items), baseline_compareEntries);
    size_t kept = 1;
    for (size_t i = 1; i < b->count; i++) {
        if (strcmp(b->items[i].signature, b->items[kept - 1].signature) == 0) {
            free(b->items[i].signature);
            free(b->items[i].comment);
        } else {
            b->items[kept++] = b->items[i];
        }
    }
    b->count = kept;
    qsort(b->items, b->count, sizeof(*b->items), baseline_compareLines);
}

bool baseline_load(const char *path, struct baseline *b, char **error) {
    memset(b, 0, sizeof(*b));
    *error = NULL;
    size_t len;
    char *text = util_readFileOrError(path, &len, error);
    if (text == NULL) {
        return false;
    }
    b->path = strdup(path);
    size_t pos = 0;
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
        pos = 3; /* a byte-order mark some editors add */
    }
    for (int line = 1; pos < len; line++) {
        const char *start = text + pos;
        const char *nl = memchr(start, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - start) : len - pos;
        pos += n + (nl != NULL);
        /* The signature: up to the first TAB, trimmed. */
        size_t sigend = 0;
        while (sigend < n && start[sigend] != '\t') {
            sigend++;
        }
        size_t s0 = 0;
        while (s0 < n && baseline_isBlank(start[s0])) {
            s0++;
        }
        if (s0 == n || start[s0] == '#') {
            continue;
        }
        if (s0 > sigend) {
            s0 = sigend; /* a line starting with a TAB: no signature, an error below */
        }
        size_t s1 = sigend;
        while (s1 > s0 && baseline_isBlank(start[s1 - 1])) {
            s1--;
        }
        const char *why = baseline_checkSignature(start + s0, s1 - s0);
        if (why != NULL) {
            size_t shown = n < BASELINE_QUOTE_MAX ? n : BASELINE_QUOTE_MAX;
            while (shown > 0 && baseline_isBlank(start[shown - 1])) {
                shown--;
            }
            *error = util_asprintf("%s:%d: %s: '%.*s%s'", path, line, why, (int)shown, start,
                                   n > BASELINE_QUOTE_MAX ? "..." : "");
            free(text);
            baseline_free(b);
            return false;
        }
        char *comment = NULL;
        if (sigend < n) {
            size_t c0 = sigend + 1, c1 = n;
            while (c0 < c1 && baseline_isBlank(start[c0])) {
                c0++;
            }
            while (c1 > c0 && baseline_isBlank(start[c1 - 1])) {
                c1--;
            }
            comment = c1 > c0 ? util_strndup(start + c0, c1 - c0) : NULL;
        }
        baseline_append(b, util_strndup(start + s0, s1 - s0), comment, line);
    }
    free(text);
    baseline_dedupe(b);
    return true;
}

bool baseline_contains(const struct baseline *b, const char *signature) {
    for (size_t i = 0; i < b->count; i++) {
        if (strcmp(b->items[i].signature, signature) == 0) {
            return true;
        }
    }
    return false;
}

size_t baseline_mark(const struct baseline *b, struct finding_set *set) {
    size_t known = 0;
    for (size_t i = 0; i < set->count; i++) {
        set->items[i].known = baseline_contains(b, set->items[i].signature);
        known += set->items[i].known;
    }
    return known;
}

const struct baseline_entry **baseline_unseen(const struct baseline *b,
                                              const struct finding_set *set, size_t *count) {
    *count = 0;
    const struct baseline_entry **out = NULL;
    for (size_t i = 0; i < b->count; i++) {
        if (finding_find(set, b->items[i].signature) != NULL) {
            continue;
        }
        if (out == NULL) {
            out = calloc(b->count, sizeof(const struct baseline_entry *));
            if (out == NULL) {
                abort();
            }
        }
        out[(*count)++] = &b->items[i];
    }
    return out;
}

static int baseline_compareFindings(const void *a, const void *b) {
    const struct finding *x = *(const struct finding *const *)a;
    const struct finding *y = *(const struct finding *const *)b;
    return strcmp(x->signature, y->signature);
}

/* A signature that would not read back as itself. */
static bool baseline_canHold(const char *sig) {
    size_t n = strlen(sig);
    return n > 0 && strpbrk(sig, "\t\r\n") == NULL && sig[0] != ' ' && sig[n - 1] != ' ' &&
           baseline_checkSignature(sig, n) == NULL;
}

/* text on one line, for a comment: control characters become spaces. */
static void baseline_writeComment(FILE *out, const char *text) {
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p, out);
    }
}

bool baseline_write(const char *path, const struct finding_set *set) {
    const struct finding **sorted = calloc(set->count + 1, sizeof(const struct finding *));
    if (sorted == NULL) {
        abort();
    }
    for (size_t i = 0; i < set->count; i++) {
        sorted[i] = &set->items[i];
    }
    qsort(sorted, set->count, sizeof(const struct finding *), baseline_compareFindings);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (out == NULL) {
        abort();
    }
    /* No date or run details here: the file is meant to be committed, and a
     * header that changes on every update would make every diff noisy. */
    fputs("# ftstress baseline: findings this project already knows about; ftstress\n"
          "# reports them as known rather than new (format: ci/report-schema.md).\n"
          "# One finding signature a line, then a TAB and a comment (here: kind and title).\n"
          "# Delete a line once its bug is fixed; lines starting with '#' are comments.\n",
          out);
    for (size_t i = 0; i < set->count; i++) {
        const struct finding *f = sorted[i];
        if (!baseline_canHold(f->signature)) {
            LOG_W("baseline %s: leaving out a signature it cannot hold: %s", path, f->signature);
            continue;
        }
        fprintf(out, "%s\t", f->signature);
        baseline_writeComment(out, f->kind ? f->kind : "?");
        fputs(": ", out);
        baseline_writeComment(out, f->title ? f->title : "");
        fputc('\n', out);
    }
    if (fclose(out) != 0) {
        abort();
    }
    free(sorted);
    bool ok = util_writeFileAtomic(path, buf, len);
    int saved = errno; /* the caller reports the write's errno, not free's */
    free(buf);
    errno = saved;
    return ok;
}

void baseline_free(struct baseline *b) {
    for (size_t i = 0; i < b->count; i++) {
        free(b->items[i].signature);
        free(b->items[i].comment);
    }
    free(b->items);
    free(b->path);
    memset(b, 0, sizeof(*b));
}
