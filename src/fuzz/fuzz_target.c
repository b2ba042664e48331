/* fuzz_target.c - classifying TARGET; see fuzz_target.h. */
#include "fuzz_target.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

bool fuzz_targetIsDotted(const char *s, size_t len) {
    bool start = true;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        bool digit = c >= '0' && c <= '9';
        if (c == '.') {
            if (start) {
                return false;
            }
            start = true;
        } else if (alpha || (digit && !start)) {
            start = false;
        } else {
            return false;
        }
    }
    return len > 0 && !start;
}

static bool fuzz_targetEndsWith(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

bool fuzz_targetParse(const char *text, bool is_file, bool is_case, struct fuzz_target *t,
                      char *err, size_t errlen) {
    memset(t, 0, sizeof(*t));
    if (text == NULL || *text == '\0') {
        snprintf(err, errlen, "'fuzz' takes a TARGET: a target file, module:factory or module:*");
        return false;
    }
    if (is_case) {
        t->kind = FUZZ_TARGET_CASE;
        t->spec = strdup(text);
        t->label = strdup(text);
        return true;
    }
    const char *colon = strchr(text, ':');
    /* A factory's arguments may hold '/' or end in ".py" (a string): a text
     * with '(' after module: is never a file. */
    const char *paren = strchr(text, '(');
    bool with_args = colon != NULL && paren != NULL && paren > colon;
    bool looks_file = !with_args && (fuzz_targetEndsWith(text, ".py") || strchr(text, '/') != NULL);
    if (looks_file || (is_file && colon == NULL)) {
        if (!is_file) {
            snprintf(err, errlen, "%s: no such target file", text);
            return false;
        }
        char resolved[PATH_MAX];
        t->kind = FUZZ_TARGET_FILE;
        t->spec = strdup(realpath(text, resolved) ? resolved : text);
        const char *base = strrchr(text, '/');
        base = base ? base + 1 : text;
        size_t n = strlen(base);
        t->label = util_strndup(base, fuzz_targetEndsWith(base, ".py") ? n - 3 : n);
        return true;
    }
    if (colon != NULL && fuzz_targetIsDotted(text, (size_t)(colon - text))) {
        const char *attr = colon + 1;
        if (strcmp(attr, "*") == 0) {
            t->kind = FUZZ_TARGET_MODULE;
            t->module = util_strndup(text, (size_t)(colon - text));
            t->spec = strdup(text);
            t->label = strdup(text);
            return true;
        }
        /* module:factory(ARGS): the harness evaluates ARGS (Python) for each object. */
        const char *args = strchr(attr, '(');
        size_t attr_len = args ? (size_t)(args - attr) : strlen(attr);
        if (args != NULL && !fuzz_targetEndsWith(args, ")")) {
            snprintf(err, errlen,
                     "%s: the factory's arguments must end with ')', e.g. "
                     "'io:BufferedReader(io.BytesIO(b\"x\" * 4096))'",
                     text);
            return false;
        }
        if (fuzz_targetIsDotted(attr, attr_len)) {
            t->kind = FUZZ_TARGET_FACTORY;
            t->spec = strdup(text);
            t->label = strdup(text);
            return true;
        }
    }
    snprintf(err, errlen,
             "'%s' is not a target: give a target file (.py), module:factory "
             "(e.g. collections:deque) or module:* (readiness of every class and function)",
             text);
    return false;
}

void fuzz_targetFree(struct fuzz_target *t) {
    free(t->spec);
    free(t->label);
    free(t->module);
    memset(t, 0, sizeof(*t));
}
