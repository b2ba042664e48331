/* campaign_config.c - the campaign file's parser; see campaign_config.h. */
#include "campaign_config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "config.h"
#include "optvalue.h"
#include "util.h"

#define CAMPAIGN_MAX_WORDS 64

/* The command whose options an entry kind takes (options.def's ITEMS column). */
static unsigned campaign_kindCommand(enum campaign_kind kind) {
    return kind == CAMPAIGN_TEST ? C_TEST : kind == CAMPAIGN_FUZZ ? C_FUZZ : C_RUN;
}

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
static void campaign_optionsRestrict(struct campaign_options *o, enum campaign_kind kind) {
    unsigned command = campaign_kindCommand(kind);
    if (!(cmdline_options[OPT_RUNS].items & command)) {
        o->runs = 0;
    }
    if (!(cmdline_options[OPT_ITERATIONS].items & command)) {
        o->iterations = 0;
    }
    if (!(cmdline_options[OPT_OPS].items & command)) {
        o->ops = 0;
    }
    if (!(cmdline_options[OPT_KEYWORD].items & command)) {
        free(o->keyword);
        o->keyword = NULL;
    }
    if (!(cmdline_options[OPT_UNTIL_FAILURE].items & command)) {
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

/* VALUE of the option spec (named name in the file) into o, in the grammar
 * options.def gives it on the command line too. */
static bool campaign_parseValue(struct campaign_parser *p, const struct opt_spec *spec,
                                const char *name, const char *value, struct campaign_options *o) {
    char *error = NULL;
    long n = 0;
    double secs = 0;
    int choice = 0;
    bool ok = spec->kind == OK_COUNT
                  ? optvalue_count(name, value, (long)spec->lo, (long)spec->hi, &n, &error)
              : spec->kind == OK_SECONDS
                  ? optvalue_seconds(name, value, spec->lo, spec->hi, &secs, &error)
              : spec->kind == OK_NOISE
                  ? optvalue_choice(name, value, config_noiseNames, &choice, &error)
                  : true;
    if (!ok) {
        campaign_fail(p, "%s", error);
        free(error);
        return false;
    }
    switch (spec->id) {
    case OPT_RUNS:
        o->runs = (int)n;
        break;
    case OPT_ITERATIONS:
        o->iterations = n;
        break;
    case OPT_THREADS:
        o->threads = (int)n;
        break;
    case OPT_OPS:
        o->ops = (int)n;
        break;
    case OPT_WEIGHT:
        o->weight = (int)n;
        break;
    case OPT_NOISE:
        o->noise = choice;
        break;
    case OPT_TIME:
        o->time = secs;
        break;
    case OPT_TIMEOUT:
        o->timeout = secs;
        break;
    case OPT_KEYWORD:
        free(o->keyword);
        o->keyword = util_dup(value);
        break;
    default:
        return campaign_fail(p, "option '%s' cannot be set in a campaign file", name);
    }
    return true;
}

/* Parses one NAME=VALUE word into o: NAME is an option of options.def that
 * entries of kind take (its ITEMS column), VALUE in that option's grammar.
 * all_kinds: a `defaults` line, which may name the options of any kind. */
static bool campaign_parseOption(struct campaign_parser *p, const char *word, bool all_kinds,
                                 enum campaign_kind kind, const char *what,
                                 struct campaign_options *o) {
    const char *eq = strchr(word, '=');
    char *name = eq ? util_strndup(word, (size_t)(eq - word)) : util_dup(word);
    const char *value = eq ? eq + 1 : NULL;
    const struct opt_spec *spec = cmdline_findOption(name);
    bool ok = false;
    if (spec == NULL || spec->items == 0) {
        campaign_fail(p, "unknown option '%s' (see ci/campaign.md)", name);
    } else if (!all_kinds && !(spec->items & campaign_kindCommand(kind))) {
        campaign_fail(p, "a %s entry takes no option '%s'", what, name);
    } else if (spec->meta == NULL) {
        ok = value == NULL || campaign_fail(p, "%s takes no value", name);
        o->until_failure = o->until_failure || (ok && spec->id == OPT_UNTIL_FAILURE);
    } else if (value == NULL || *value == '\0') {
        campaign_fail(p, "option '%s' needs a value (NAME=VALUE)", name);
    } else {
        ok = campaign_parseValue(p, spec, name, value, o);
    }
    free(name);
    return ok;
}

/* words[first..n) as options of an entry of kind (all_kinds: of a `defaults` line). */
static bool campaign_parseOptions(struct campaign_parser *p, char **words, int first, int n,
                                  bool all_kinds, enum campaign_kind kind, const char *what,
                                  struct campaign_options *o) {
    for (int i = first; i < n; i++) {
        if (!campaign_parseOption(p, words[i], all_kinds, kind, what, o)) {
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
    c->entries = util_grow(c->entries, c->count, sizeof(*c->entries));
    c->entries[c->count++] = *e;
}

static bool campaign_parseEntry(struct campaign_parser *p, char **words, int n) {
    const char *verb = words[0];
    struct campaign_entry e = {.line = p->line};
    if (strcmp(verb, "scenarios") == 0) {
        if (n < 2 || strcmp(words[1], "builtin") != 0) {
            return campaign_fail(p, "'scenarios' takes the word builtin ('scenario PATH' names "
                                    "your own)");
        }
        e.kind = CAMPAIGN_SCENARIO;
        e.builtin = true;
    } else if (strcmp(verb, "scenario") == 0) {
        e.kind = CAMPAIGN_SCENARIO;
    } else if (strcmp(verb, "test") == 0) {
        e.kind = CAMPAIGN_TEST;
    } else if (strcmp(verb, "fuzz") == 0) {
        e.kind = CAMPAIGN_FUZZ;
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
    if (!campaign_parseOptions(p, words, 2, n, false, e.kind, verb, &own)) {
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
    campaign_optionsRestrict(&e.opt, e.kind);
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
            char *error = NULL;
            if (n != 2 || !optvalue_seed("seed", words[1], &p->c->seed, &error)) {
                ok = campaign_fail(p, "'seed' takes one non-negative whole number");
            } else {
                p->c->seed_given = true;
            }
            free(error);
        } else if (strcmp(words[0], "defaults") == 0) {
            struct campaign_options over = {.noise = -1};
            ok = campaign_parseOptions(p, words, 1, n, true, CAMPAIGN_SCENARIO, "defaults", &over);
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
    char *text = util_readFileOrError(path, &len, error);
    if (text == NULL) {
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
