/* campaign_config.c - the campaign file's parser; see campaign_config.h. */
#include "campaign_config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "util.h"

#define CAMPAIGN_MAX_WORDS 64

/* Which options an entry kind takes (bit per option). */
enum {
    OPT_RUNS = 1 << 0,
    OPT_ITERATIONS = 1 << 1,
    OPT_THREADS = 1 << 2,
    OPT_NOISE = 1 << 3,
    OPT_OPS = 1 << 4,
    OPT_WEIGHT = 1 << 5,
    OPT_TIME = 1 << 6,
    OPT_TIMEOUT = 1 << 7,
    OPT_KEYWORD = 1 << 8,
    OPT_UNTIL_FAILURE = 1 << 9,
};
#define OPT_COMMON (OPT_THREADS | OPT_NOISE | OPT_WEIGHT | OPT_TIME | OPT_TIMEOUT)
#define OPT_FOR_SCENARIO (OPT_COMMON | OPT_RUNS | OPT_ITERATIONS)
#define OPT_FOR_TEST (OPT_COMMON | OPT_ITERATIONS | OPT_KEYWORD | OPT_UNTIL_FAILURE)
#define OPT_FOR_FUZZ (OPT_COMMON | OPT_RUNS | OPT_OPS)
#define OPT_ALL (OPT_FOR_SCENARIO | OPT_FOR_TEST | OPT_FOR_FUZZ)

static const struct {
    const char *name;
    unsigned bit;
} campaign_optionNames[] = {
    {"runs", OPT_RUNS},       {"iterations", OPT_ITERATIONS},
    {"threads", OPT_THREADS}, {"noise", OPT_NOISE},
    {"ops", OPT_OPS},         {"weight", OPT_WEIGHT},
    {"time", OPT_TIME},       {"timeout", OPT_TIMEOUT},
    {"k", OPT_KEYWORD},       {"until-failure", OPT_UNTIL_FAILURE},
};

const char *campaign_kindName(enum campaign_kind kind) {
    switch (kind) {
    case CAMPAIGN_SCENARIO:
        return "scenario";
    case CAMPAIGN_TEST:
        return "test";
    case CAMPAIGN_FUZZ:
        return "fuzz";
    }
    return "?";
}

bool campaign_parseDuration(const char *text, double *out) {
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    double scale = 1;
    if (end != text && (*end == 's' || *end == 'm' || *end == 'h') && end[1] == '\0') {
        scale = *end == 'm' ? 60 : *end == 'h' ? 3600 : 1;
        end++;
    }
    if (errno != 0 || end == text || *end != '\0' || !(v >= 0) || v > 1e9) {
        return false;
    }
    *out = v * scale;
    return true;
}

void campaign_optionsCopy(struct campaign_options *dst, const struct campaign_options *src) {
    *dst = *src;
    dst->keyword = src->keyword != NULL ? strdup(src->keyword) : NULL;
}

void campaign_optionsOverlay(struct campaign_options *base, const struct campaign_options *over) {
    base->runs = over->runs ? over->runs : base->runs;
    base->iterations = over->iterations ? over->iterations : base->iterations;
    base->threads = over->threads ? over->threads : base->threads;
    base->noise = over->noise >= 0 ? over->noise : base->noise;
    base->ops = over->ops ? over->ops : base->ops;
    base->weight = over->weight ? over->weight : base->weight;
    base->time = over->time > 0 ? over->time : base->time;
    base->timeout = over->timeout > 0 ? over->timeout : base->timeout;
    base->until_failure = base->until_failure || over->until_failure;
    if (over->keyword != NULL) {
        free(base->keyword);
        base->keyword = strdup(over->keyword);
    }
}

/* Clears the options an entry of a kind does not take (they came from a
 * `defaults` line, which may name options of every kind). */
static void campaign_optionsRestrict(struct campaign_options *o, unsigned allowed) {
    if (!(allowed & OPT_RUNS)) {
        o->runs = 0;
    }
    if (!(allowed & OPT_ITERATIONS)) {
        o->iterations = 0;
    }
    if (!(allowed & OPT_OPS)) {
        o->ops = 0;
    }
    if (!(allowed & OPT_KEYWORD)) {
        free(o->keyword);
        o->keyword = NULL;
    }
    if (!(allowed & OPT_UNTIL_FAILURE)) {
        o->until_failure = false;
    }
}

/* ---- one line -------------------------------------------------------------------------- */

struct campaign_parser {
    const char *name;
    const char *base_dir;
    int line;
    char *error; /* the first error; owned until handed out */
    struct campaign_options defaults;
    struct campaign_config *c;
};

static bool campaign_fail(struct campaign_parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static bool campaign_fail(struct campaign_parser *p, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    p->error = util_asprintf("%s:%d: %s", p->name, p->line, msg);
    return false;
}

/* Splits line into words (NUL-terminated copies in words[], their count in
 * *n), honouring "double quotes" and stopping at a '#' that starts a word. */
static bool campaign_split(struct campaign_parser *p, const char *line, char **words, int *n) {
    *n = 0;
    const char *s = line;
    for (;;) {
        while (*s == ' ' || *s == '\t' || *s == '\r') {
            s++;
        }
        if (*s == '\0' || *s == '#') {
            return true;
        }
        if (*n == CAMPAIGN_MAX_WORDS) {
            return campaign_fail(p, "more than %d words on a line", CAMPAIGN_MAX_WORDS);
        }
        size_t cap = strlen(s) + 1, len = 0;
        char *w = malloc(cap);
        if (w == NULL) {
            abort();
        }
        bool quoted = false;
        while (*s != '\0' && (quoted || (*s != ' ' && *s != '\t' && *s != '\r'))) {
            if (*s == '"') {
                quoted = !quoted;
                s++;
            } else if (quoted && *s == '\\' && (s[1] == '"' || s[1] == '\\')) {
                w[len++] = s[1];
                s += 2;
            } else {
                w[len++] = *s++;
            }
        }
        w[len] = '\0';
        words[(*n)++] = w;
        if (quoted) {
            return campaign_fail(p, "a quote is not closed");
        }
    }
}

static bool campaign_parseCount(struct campaign_parser *p, const char *opt, const char *text,
                                long max, long *out) {
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < 1 || v > max) {
        return campaign_fail(p, "%s takes a whole number from 1 to %ld, not '%s'", opt, max, text);
    }
    *out = v;
    return true;
}

/* Parses one NAME=VALUE word into o, checking it is one of allowed. */
static bool campaign_parseOption(struct campaign_parser *p, const char *word, unsigned allowed,
                                 const char *what, struct campaign_options *o) {
    const char *eq = strchr(word, '=');
    size_t nlen = eq ? (size_t)(eq - word) : strlen(word);
    const char *value = eq ? eq + 1 : NULL;
    unsigned bit = 0;
    for (size_t i = 0; i < sizeof(campaign_optionNames) / sizeof(campaign_optionNames[0]); i++) {
        if (strlen(campaign_optionNames[i].name) == nlen &&
            strncmp(campaign_optionNames[i].name, word, nlen) == 0) {
            bit = campaign_optionNames[i].bit;
        }
    }
    if (bit == 0) {
        return campaign_fail(p, "unknown option '%.*s' (see ci/campaign.md)", (int)nlen, word);
    }
    if (!(allowed & bit)) {
        return campaign_fail(p, "a %s entry takes no option '%.*s'", what, (int)nlen, word);
    }
    if (bit == OPT_UNTIL_FAILURE) {
        if (value != NULL) {
            return campaign_fail(p, "until-failure takes no value");
        }
        o->until_failure = true;
        return true;
    }
    if (value == NULL || *value == '\0') {
        return campaign_fail(p, "option '%.*s' needs a value (NAME=VALUE)", (int)nlen, word);
    }
    long v;
    switch (bit) {
    case OPT_RUNS:
        if (!campaign_parseCount(p, "runs", value, 1000000, &v)) {
            return false;
        }
        o->runs = (int)v;
        return true;
    case OPT_ITERATIONS:
        return campaign_parseCount(p, "iterations", value, 1000000000L, &o->iterations);
    case OPT_THREADS:
        if (!campaign_parseCount(p, "threads", value, 256, &v)) {
            return false;
        }
        o->threads = (int)v;
        return true;
    case OPT_OPS:
        if (!campaign_parseCount(p, "ops", value, 1000000, &v)) {
            return false;
        }
        o->ops = (int)v;
        return true;
    case OPT_WEIGHT:
        if (!campaign_parseCount(p, "weight", value, 1000000, &v)) {
            return false;
        }
        o->weight = (int)v;
        return true;
    case OPT_NOISE:
        for (int level = NOISE_OFF; level <= NOISE_HIGH; level++) {
            if (strcmp(value, config_noiseName((enum noise_level)level)) == 0) {
                o->noise = level;
                return true;
            }
        }
        return campaign_fail(p, "noise takes off, low or high, not '%s'", value);
    case OPT_TIME:
    case OPT_TIMEOUT: {
        double d;
        if (!campaign_parseDuration(value, &d) || d <= 0) {
            return campaign_fail(p, "%s takes a duration (e.g. 90s, 30m, 2h), not '%s'",
                                 bit == OPT_TIME ? "time" : "timeout", value);
        }
        *(bit == OPT_TIME ? &o->time : &o->timeout) = d;
        return true;
    }
    case OPT_KEYWORD:
        free(o->keyword);
        o->keyword = strdup(value);
        return true;
    }
    return false;
}

static bool campaign_parseOptions(struct campaign_parser *p, char **words, int first, int n,
                                  unsigned allowed, const char *what, struct campaign_options *o) {
    for (int i = first; i < n; i++) {
        if (!campaign_parseOption(p, words[i], allowed, what, o)) {
            return false;
        }
    }
    return true;
}

/* path made relative to the campaign file's directory, canonical when it exists. */
static char *campaign_resolve(const struct campaign_parser *p, const char *path) {
    char *joined = path[0] == '/' || p->base_dir == NULL
                       ? strdup(path)
                       : util_asprintf("%s/%s", p->base_dir, path);
    char real[PATH_MAX];
    if (realpath(joined, real) != NULL) {
        free(joined);
        return strdup(real);
    }
    return joined;
}

static void campaign_addEntry(struct campaign_parser *p, struct campaign_entry *e) {
    struct campaign_config *c = p->c;
    struct campaign_entry *grown = realloc(c->entries, (c->count + 1) * sizeof(*grown));
    if (grown == NULL) {
        abort();
    }
    c->entries = grown;
    c->entries[c->count++] = *e;
}

static bool campaign_parseEntry(struct campaign_parser *p, char **words, int n) {
    const char *verb = words[0];
    struct campaign_entry e = {.line = p->line};
    unsigned allowed;
    if (strcmp(verb, "scenarios") == 0) {
        if (n < 2 || strcmp(words[1], "builtin") != 0) {
            return campaign_fail(p, "'scenarios' takes the word builtin ('scenario PATH' names "
                                    "your own)");
        }
        e.kind = CAMPAIGN_SCENARIO;
        e.builtin = true;
        allowed = OPT_FOR_SCENARIO;
    } else if (strcmp(verb, "scenario") == 0) {
        e.kind = CAMPAIGN_SCENARIO;
        allowed = OPT_FOR_SCENARIO;
    } else if (strcmp(verb, "test") == 0) {
        e.kind = CAMPAIGN_TEST;
        allowed = OPT_FOR_TEST;
    } else if (strcmp(verb, "fuzz") == 0) {
        e.kind = CAMPAIGN_FUZZ;
        allowed = OPT_FOR_FUZZ;
    } else {
        return campaign_fail(p,
                             "unknown entry '%s' (seed, defaults, scenarios, scenario, test "
                             "or fuzz)",
                             verb);
    }
    if (n < 2 || strchr(words[1], '=') != NULL) {
        return campaign_fail(p, "'%s' needs a %s first", verb,
                             e.kind == CAMPAIGN_FUZZ ? "target" : "path");
    }
    struct campaign_options own = {.noise = -1};
    if (!campaign_parseOptions(p, words, 2, n, allowed, verb, &own)) {
        free(own.keyword);
        return false;
    }
    e.target = strdup(words[1]);
    if (e.builtin) {
        e.resolved = strdup("builtin");
    } else {
        e.resolved = campaign_resolve(p, words[1]);
        bool exists =
            util_isFile(e.resolved) || (e.kind != CAMPAIGN_FUZZ && util_isDir(e.resolved));
        if (!exists && e.kind == CAMPAIGN_FUZZ && strchr(words[1], ':') != NULL &&
            strchr(words[1], '/') == NULL) {
            /* module:factory, not a file */
            free(e.resolved);
            e.resolved = strdup(words[1]);
            exists = true;
        }
        if (!exists) {
            free(own.keyword);
            free(e.target);
            bool fuzz = e.kind == CAMPAIGN_FUZZ;
            campaign_fail(p, "%s: %s", words[1],
                          fuzz ? "no such target file (or module:factory)"
                               : "no such file or directory");
            free(e.resolved);
            return false;
        }
    }
    campaign_optionsCopy(&e.opt, &p->defaults);
    campaign_optionsOverlay(&e.opt, &own);
    campaign_optionsRestrict(&e.opt, allowed);
    free(own.keyword);
    campaign_addEntry(p, &e);
    return true;
}

static bool campaign_parseLine(struct campaign_parser *p, char *line) {
    char *words[CAMPAIGN_MAX_WORDS];
    int n = 0;
    bool ok = campaign_split(p, line, words, &n);
    if (ok && n > 0) {
        if (strcmp(words[0], "seed") == 0) {
            char *end;
            errno = 0;
            unsigned long long s = n == 2 ? strtoull(words[1], &end, 10) : 0;
            if (n != 2 || errno != 0 || end == words[1] || *end != '\0' || words[1][0] == '-') {
                ok = campaign_fail(p, "'seed' takes one non-negative whole number");
            } else {
                p->c->seed = (uint64_t)s;
                p->c->seed_given = true;
            }
        } else if (strcmp(words[0], "defaults") == 0) {
            struct campaign_options over = {.noise = -1};
            ok = campaign_parseOptions(p, words, 1, n, OPT_ALL, "defaults", &over);
            if (ok) {
                campaign_optionsOverlay(&p->defaults, &over);
            }
            free(over.keyword);
        } else {
            ok = campaign_parseEntry(p, words, n);
        }
    }
    for (int i = 0; i < n; i++) {
        free(words[i]);
    }
    return ok;
}

void campaign_configFree(struct campaign_config *c) {
    for (size_t i = 0; i < c->count; i++) {
        free(c->entries[i].target);
        free(c->entries[i].resolved);
        free(c->entries[i].opt.keyword);
    }
    free(c->entries);
    free(c->path);
    memset(c, 0, sizeof(*c));
}

bool campaign_configParse(const char *name, const char *text, const char *base_dir,
                          struct campaign_config *c, char **error) {
    memset(c, 0, sizeof(*c));
    c->path = strdup(name);
    struct campaign_parser p = {
        .name = name, .base_dir = base_dir, .c = c, .defaults = {.noise = -1}};
    const char *s = text;
    /* A UTF-8 byte-order mark is tolerated. */
    if (strncmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
    }
    bool ok = true;
    while (ok && *s != '\0') {
        size_t len = strcspn(s, "\n");
        char *line = util_strndup(s, len);
        p.line++;
        ok = campaign_parseLine(&p, line);
        free(line);
        s += len;
        if (*s == '\n') {
            s++;
        }
    }
    free(p.defaults.keyword);
    if (!ok) {
        campaign_configFree(c);
        *error = p.error;
        return false;
    }
    if (c->count == 0) {
        *error = util_asprintf("%s: no work items (scenarios, scenario, test or fuzz lines)", name);
        campaign_configFree(c);
        return false;
    }
    return true;
}

bool campaign_configLoad(const char *path, struct campaign_config *c, char **error) {
    memset(c, 0, sizeof(*c));
    size_t len = 0;
    char *text = util_readFile(path, &len);
    if (text == NULL) {
        *error = util_asprintf("%s: %s", path, strerror(errno));
        return false;
    }
    if (strlen(text) != len) {
        free(text);
        *error = util_asprintf("%s: a NUL byte: not a text file", path);
        return false;
    }
    char *dir = strdup(path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL) {
        free(dir);
        dir = strdup(".");
    } else if (slash == dir) {
        dir[1] = '\0';
    } else {
        *slash = '\0';
    }
    bool ok = campaign_configParse(path, text, dir, c, error);
    free(dir);
    free(text);
    return ok;
}
