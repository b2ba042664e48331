/* optvalue.c - strict parsers of option values; see optvalue.h. */
#include "optvalue.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* strtol and strtod skip leading spaces and take signs, "nan", "inf" and hex
 * floats: a value must start with a digit (or a '.' for seconds) to be read. */
static bool optvalue_startsLikeNumber(const char *text, bool dot_ok) {
    return (text[0] >= '0' && text[0] <= '9') || (dot_ok && text[0] == '.');
}

bool optvalue_count(const char *name, const char *text, long lo, long hi, long *out, char **error) {
    char *end = NULL;
    long v = 0;
    errno = 0;
    if (optvalue_startsLikeNumber(text, false)) {
        v = strtol(text, &end, 10);
    }
    if (end == NULL || errno != 0 || *end != '\0' || v < lo || v > hi) {
        *error =
            util_asprintf("%s takes a whole number from %ld to %ld, not '%s'", name, lo, hi, text);
        return false;
    }
    *out = v;
    return true;
}

bool optvalue_seconds(const char *name, const char *text, double lo, double hi, double *out,
                      char **error) {
    char *end = NULL;
    double v = 0, scale = 1;
    errno = 0;
    if (optvalue_startsLikeNumber(text, true) && strncmp(text, "0x", 2) != 0 &&
        strncmp(text, "0X", 2) != 0) {
        v = strtod(text, &end);
    }
    if (end != NULL && end != text && (*end == 's' || *end == 'm' || *end == 'h') &&
        end[1] == '\0') {
        scale = *end == 'm' ? 60 : *end == 'h' ? 3600 : 1;
        end++;
    }
    v *= scale;
    if (end == NULL || end == text || errno != 0 || *end != '\0' || !isfinite(v) || v < lo ||
        v > hi) {
        *error = lo > 0 ? util_asprintf("%s takes a duration of more than 0 seconds (e.g. 30, "
                                        "2.5, 90s, 5m, 2h), not '%s'",
                                        name, text)
                        : util_asprintf("%s takes a duration (e.g. 30, 2.5, 90s, 5m, 2h), not '%s'",
                                        name, text);
        return false;
    }
    *out = v;
    return true;
}

bool optvalue_seed(const char *name, const char *text, uint64_t *out, char **error) {
    char *end = NULL;
    unsigned long long v = 0;
    errno = 0;
    if (optvalue_startsLikeNumber(text, false)) {
        v = strtoull(text, &end, 0);
    }
    if (end == NULL || errno != 0 || *end != '\0') {
        *error = util_asprintf("%s takes a non-negative whole number (decimal or 0x hex, below "
                               "2^64), not '%s'",
                               name, text);
        return false;
    }
    *out = (uint64_t)v;
    return true;
}

bool optvalue_choice(const char *name, const char *text, const char *const *words, int *out,
                     char **error) {
    for (int i = 0; words[i] != NULL; i++) {
        if (strcmp(text, words[i]) == 0) {
            *out = i;
            return true;
        }
    }
    char *list = NULL;
    for (int i = 0; words[i] != NULL; i++) {
        const char *sep = i == 0 ? "" : words[i + 1] == NULL ? " or " : ", ";
        util_appendf(&list, "%s%s", sep, words[i]);
    }
    *error = util_asprintf("%s takes %s, not '%s'", name, list, text);
    free(list);
    return false;
}

bool optvalue_shard(const char *name, const char *text, long *k, long *n, char **error) {
    const char *slash = strchr(text, '/');
    char *kt = slash ? util_strndup(text, (size_t)(slash - text)) : NULL;
    char *ignored = NULL;
    bool ok = kt != NULL && optvalue_count(name, kt, 0, 9999, k, &ignored) &&
              optvalue_count(name, slash + 1, 1, 10000, n, &ignored);
    free(kt);
    free(ignored);
    if (!ok) {
        *error = util_asprintf("%s takes K/N (0 <= K < N), e.g. 0/4, not '%s'", name, text);
        return false;
    }
    if (*k >= *n) {
        *error = util_asprintf("%s %s: K must be less than N (shards count from 0)", name, text);
        return false;
    }
    return true;
}
