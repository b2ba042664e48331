/* suppress.c - suppression files and matching; see suppress.h. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "suppress.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "paths.h"
#include "util.h"

static const char *const tsan_types[] = {"race",   "race_top", "thread",         "mutex",
                                         "signal", "deadlock", "called_from_lib"};
static const struct {
    const char *name;
    enum suppress_target target;
} pattern_types[] = {
    {"function", SUPPRESS_FUNCTION},
    {"file", SUPPRESS_FILE},
    {"module", SUPPRESS_MODULE},
    {"signature", SUPPRESS_SIGNATURE},
};

static void suppress_push(struct suppress_set *set, struct suppress_rule rule) {
    set->rules = util_grow(set->rules, set->count, sizeof(*set->rules));
    set->rules[set->count++] = rule;
}

/* Parses one non-comment line; false with err set on a bad one. */
static bool suppress_parseLine(struct suppress_set *set, const char *path, size_t lineno,
                               const char *line, size_t len, bool user, char *err, size_t errlen) {
    const char *colon = memchr(line, ':', len);
    if (colon == NULL || colon == line) {
        snprintf(err, errlen, "%s:%zu:1: expected TYPE:PATTERN, got '%.*s'", path, lineno,
                 (int)(len > 60 ? 60 : len), line);
        return false;
    }
    size_t tlen = (size_t)(colon - line);
    const char *pattern = colon + 1;
    size_t plen = len - tlen - 1;
    if (plen == 0) {
        snprintf(err, errlen, "%s:%zu:%zu: empty pattern", path, lineno, tlen + 2);
        return false;
    }
    struct suppress_rule rule = {.text = util_strndup(line, len),
                                 .origin = util_asprintf("%s:%zu", path, lineno),
                                 .user = user};
    for (size_t i = 0; i < sizeof(tsan_types) / sizeof(tsan_types[0]); i++) {
        if (strlen(tsan_types[i]) == tlen && strncmp(line, tsan_types[i], tlen) == 0) {
            rule.target = SUPPRESS_TSAN;
            suppress_push(set, rule);
            return true;
        }
    }
    for (size_t i = 0; i < sizeof(pattern_types) / sizeof(pattern_types[0]); i++) {
        if (strlen(pattern_types[i].name) != tlen ||
            strncmp(line, pattern_types[i].name, tlen) != 0) {
            continue;
        }
        int code;
        PCRE2_SIZE offset;
        pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, plen, 0, &code, &offset, NULL);
        if (re == NULL) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(code, msg, sizeof(msg));
            snprintf(err, errlen, "%s:%zu:%zu: invalid pattern: %s", path, lineno,
                     tlen + 2 + (size_t)offset, (const char *)msg);
            free(rule.text);
            free(rule.origin);
            return false;
        }
        rule.target = pattern_types[i].target;
        rule.regex = re;
        suppress_push(set, rule);
        return true;
    }
    snprintf(err, errlen,
             "%s:%zu:1: unknown suppression type '%.*s' (TSan's race, race_top, thread, mutex, "
             "signal, deadlock, called_from_lib, or function, file, module, signature)",
             path, lineno, (int)tlen, line);
    free(rule.text);
    free(rule.origin);
    return false;
}

bool suppress_load(struct suppress_set *set, const char *path, bool user, char *err,
                   size_t errlen) {
    size_t len;
    char *text = util_readFile(path, &len);
    if (text == NULL) {
        snprintf(err, errlen, "%s: cannot read the suppressions file", path);
        return false;
    }
    bool ok = true;
    size_t lineno = 0;
    for (char *line = text; ok && line < text + len;) {
        char *nl = memchr(line, '\n', (size_t)(text + len - line));
        char *end = nl ? nl : text + len;
        lineno++;
        char *p = line;
        while (p < end && (*p == ' ' || *p == '\t')) {
            p++;
        }
        char *q = end;
        while (q > p && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\r')) {
            q--;
        }
        if (q > p && *p != '#') {
            ok = suppress_parseLine(set, path, lineno, p, (size_t)(q - p), user, err, errlen);
        }
        line = nl ? nl + 1 : text + len;
    }
    free(text);
    return ok;
}

bool suppress_loadAll(struct suppress_set *set, const struct runtime *rt, const char *user_path) {
    char err[1024];
    char *own = paths_inHome("src/tsan/ftstress.supp");
    bool ok = suppress_load(set, own, false, err, sizeof(err));
    free(own);
    if (ok && rt->suppressions[0] != '\0') {
        ok = suppress_load(set, rt->suppressions, false, err, sizeof(err));
    }
    if (ok && user_path != NULL) {
        ok = suppress_load(set, user_path, true, err, sizeof(err));
    }
    if (!ok) {
        LOG_E("%s", err);
    }
    return ok;
}

bool suppress_writeTsanFile(const struct suppress_set *set, const char *out_path) {
    char *all = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&all, &len);
    fputs("# joined by ftstress: every TSan rule of every suppressions file in use\n", out);
    for (size_t i = 0; i < set->count; i++) {
        if (set->rules[i].target == SUPPRESS_TSAN) {
            fprintf(out, "%s\n", set->rules[i].text);
        }
    }
    fclose(out);
    bool ok = util_writeFileAtomic(out_path, all, len);
    if (!ok) {
        LOG_P("cannot write %s", out_path);
    }
    free(all);
    return ok;
}

static bool suppress_regexMatches(const struct suppress_rule *rule, const char *text) {
    if (text == NULL) {
        return false;
    }
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(rule->regex, NULL);
    int rc = pcre2_match(rule->regex, (PCRE2_SPTR)text, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL);
    pcre2_match_data_free(md);
    return rc >= 0;
}

static bool suppress_matchStack(const struct suppress_rule *rule,
                                const struct tsanreport_stack *st) {
    for (size_t i = 0; i < st->count; i++) {
        const struct tsanreport_frame *f = &st->frames[i];
        const char *field = rule->target == SUPPRESS_FUNCTION ? f->function
                            : rule->target == SUPPRESS_FILE   ? f->file
                                                              : f->module;
        if (suppress_regexMatches(rule, field)) {
            return true;
        }
    }
    return false;
}

static bool suppress_ruleMatchesReport(const struct suppress_rule *rule,
                                       const struct tsanreport_report *r) {
    if (suppress_matchStack(rule, &r->stack)) {
        return true;
    }
    for (size_t i = 0; i < r->naccesses; i++) {
        if (suppress_matchStack(rule, &r->accesses[i].stack)) {
            return true;
        }
    }
    for (size_t i = 0; i < r->nedges; i++) {
        if (suppress_matchStack(rule, &r->edges[i].stack)) {
            return true;
        }
    }
    for (size_t i = 0; i < r->nlocations; i++) {
        if (suppress_matchStack(rule, &r->locations[i].stack)) {
            return true;
        }
    }
    return false;
}

bool suppress_matchReport(struct suppress_set *set, const struct tsanreport_report *r) {
    for (size_t i = 0; i < set->count; i++) {
        struct suppress_rule *rule = &set->rules[i];
        if ((rule->target == SUPPRESS_FUNCTION || rule->target == SUPPRESS_FILE ||
             rule->target == SUPPRESS_MODULE) &&
            suppress_ruleMatchesReport(rule, r)) {
            rule->matched++;
            return true;
        }
    }
    return false;
}

bool suppress_matchSignature(struct suppress_set *set, const char *sig) {
    for (size_t i = 0; i < set->count; i++) {
        struct suppress_rule *rule = &set->rules[i];
        if (rule->target == SUPPRESS_SIGNATURE && suppress_regexMatches(rule, sig)) {
            rule->matched++;
            return true;
        }
    }
    return false;
}

void suppress_countTsanLog(struct suppress_set *set, const char *log) {
    const char *p = log;
    while (p != NULL && (p = strstr(p, "ThreadSanitizer: Matched ")) != NULL) {
        p = strchr(p, '\n');
        /* "COUNT type:pattern" lines follow, up to the first that is not one. */
        while (p != NULL && p[1] >= '0' && p[1] <= '9') {
            p++;
            char *end;
            long count = strtol(p, &end, 10);
            const char *rule_text = *end == ' ' ? end + 1 : end;
            size_t n = strcspn(rule_text, "\n");
            for (size_t i = 0; i < set->count; i++) {
                struct suppress_rule *rule = &set->rules[i];
                if (rule->target == SUPPRESS_TSAN && strlen(rule->text) == n &&
                    strncmp(rule->text, rule_text, n) == 0) {
                    rule->matched += count;
                    break;
                }
            }
            p = strchr(rule_text, '\n');
        }
    }
}

void suppress_printUsage(const struct suppress_set *set) {
    bool any = false;
    for (size_t i = 0; i < set->count; i++) {
        const struct suppress_rule *rule = &set->rules[i];
        if (!rule->user) {
            continue;
        }
        if (!any) {
            printf("suppressions (yours):\n");
            any = true;
        }
        printf("  %8ld  %-40s %s%s\n", rule->matched, rule->text, rule->origin,
               rule->matched == 0 ? "  (never matched: a candidate to prune)" : "");
    }
}

void suppress_free(struct suppress_set *set) {
    for (size_t i = 0; i < set->count; i++) {
        free(set->rules[i].text);
        free(set->rules[i].origin);
        pcre2_code_free(set->rules[i].regex);
    }
    free(set->rules);
    memset(set, 0, sizeof(*set));
}
