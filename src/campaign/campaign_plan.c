/* campaign_plan.c - work items, shards, time shares, subprocess command lines;
 * see campaign_plan.h. */
#include "campaign_plan.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "scenario.h"
#include "signature.h"
#include "util.h"

/* The key as a file name: [A-Za-z0-9._-] kept, the rest '_', cut to 48
 * characters, then '-' and 8 hex digits of the key's hash (so two keys that
 * read alike as file names still get two directories). */
static char *campaign_dirname(const char *key) {
    char id[17];
    signature_id(key, id);
    char safe[49];
    size_t n = 0;
    for (const char *p = key; *p != '\0' && n < sizeof(safe) - 1; p++) {
        char ch = *p;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
        safe[n++] = (char)(ch == ':' || ch == '/' ? '-' : ok ? ch : '_');
    }
    safe[n] = '\0';
    return util_asprintf("%s-%.8s", safe, id);
}

static char *campaign_spec(const struct campaign_item *it) {
    const struct campaign_options *o = &it->opt;
    return util_asprintf("%s seed=%" PRIu64 " runs=%d iterations=%ld threads=%d noise=%d ops=%d "
                         "k=%s until-failure=%d",
                         it->key, it->seed, o->runs, o->iterations, o->threads, o->noise, o->ops,
                         o->keyword ? o->keyword : "", o->until_failure ? 1 : 0);
}

static void campaign_addItem(struct campaign_plan *p, const struct campaign_entry *e,
                             const struct ftstress_config *cfg, char *key, const char *target,
                             uint64_t seed) {
    p->items = util_grow(p->items, p->count, sizeof(*p->items));
    struct campaign_item *it = &p->items[p->count++];
    memset(it, 0, sizeof(*it));
    it->kind = e->kind;
    it->key = key;
    it->dirname = campaign_dirname(key);
    it->target = strdup(target);
    it->line = e->line;
    /* The command line's values are the bottom layer under the file's. */
    struct campaign_options base = {
        .runs = e->kind == CAMPAIGN_TEST ? 0 : cfg->runs,
        .threads = cfg->threads_given ? cfg->threads : 0,
        .iterations = cfg->iterations_given && e->kind != CAMPAIGN_FUZZ ? cfg->iterations : 0,
        .noise = (int)cfg->noise,
        .weight = 1,
    };
    campaign_optionsCopy(&it->opt, &base);
    campaign_optionsOverlay(&it->opt, &e->opt);
    it->seed = engine_runSeed(seed, key, 0);
    it->spec = campaign_spec(it);
}

static int campaign_compareItems(const void *a, const void *b) {
    return strcmp(((const struct campaign_item *)a)->key, ((const struct campaign_item *)b)->key);
}

bool campaign_planBuild(const struct campaign_config *c, const struct ftstress_config *cfg,
                        uint64_t seed, struct campaign_plan *p, char **error) {
    memset(p, 0, sizeof(*p));
    p->shards = 1;
    for (size_t i = 0; i < c->count; i++) {
        const struct campaign_entry *e = &c->entries[i];
        if (e->kind != CAMPAIGN_SCENARIO) {
            char *key = util_asprintf("%s:%s", campaign_kindName(e->kind), e->target);
            campaign_addItem(p, e, cfg, key, e->resolved, seed);
            continue;
        }
        struct scenario_list list;
        const char *path = e->resolved;
        if (!scenario_collect(e->builtin ? NULL : &path, e->builtin ? 0 : 1, &list)) {
            *error = util_asprintf("%s:%d: %s: no scenarios to run", c->path, e->line, e->target);
            scenario_listFree(&list);
            campaign_planFree(p);
            return false;
        }
        for (size_t k = 0; k < list.count; k++) {
            char *name = scenario_name(list.paths[k]);
            char *key = util_asprintf("scenario:%s", name);
            free(name);
            campaign_addItem(p, e, cfg, key, list.paths[k], seed);
        }
        scenario_listFree(&list);
    }
    qsort(p->items, p->count, sizeof(*p->items), campaign_compareItems);
    for (size_t i = 1; i < p->count; i++) {
        if (strcmp(p->items[i - 1].key, p->items[i].key) == 0) {
            const struct campaign_item *a = &p->items[i - 1], *b = &p->items[i];
            /* Scenarios are told apart by name in every report, so two files
             * of one name cannot both be in a campaign. */
            *error = util_asprintf("%s:%d: %s is already in the campaign (line %d)", c->path,
                                   a->line > b->line ? a->line : b->line, a->key,
                                   a->line > b->line ? b->line : a->line);
            campaign_planFree(p);
            return false;
        }
    }
    p->total = p->count;
    return true;
}

static void campaign_itemFree(struct campaign_item *it) {
    free(it->key);
    free(it->dirname);
    free(it->target);
    free(it->opt.keyword);
    free(it->spec);
    memset(it, 0, sizeof(*it));
}

void campaign_planShard(struct campaign_plan *p, int k, int n) {
    size_t kept = 0;
    for (size_t i = 0; i < p->count; i++) {
        if ((int)(i % (size_t)n) == k) {
            p->items[kept++] = p->items[i];
        } else {
            campaign_itemFree(&p->items[i]);
        }
    }
    p->count = kept;
    p->shard = k;
    p->shards = n;
}

double campaign_planShare(const struct campaign_plan *p, const bool *pending, size_t which,
                          double remaining) {
    double fixed = 0, weights = 0;
    for (size_t i = 0; i < p->count; i++) {
        if (!pending[i] && i != which) {
            continue;
        }
        if (p->items[i].opt.time > 0) {
            fixed += p->items[i].opt.time;
        } else {
            weights += p->items[i].opt.weight > 0 ? p->items[i].opt.weight : 1;
        }
    }
    if (remaining <= 0) {
        return 0;
    }
    const struct campaign_options *o = &p->items[which].opt;
    double weight = o->weight > 0 ? o->weight : 1;
    double least = fixed + weights * CAMPAIGN_MIN_SHARE;
    if (remaining >= least) {
        return o->time > 0 ? o->time : (remaining - fixed) * weight / weights;
    }
    double scale = remaining / least;
    return o->time > 0 ? o->time * scale : weight * CAMPAIGN_MIN_SHARE * scale;
}

/* ---- the subprocess's command line ------------------------------------------------------ */

struct campaign_args {
    char **v;
    size_t n;
};

static void campaign_arg(struct campaign_args *a, char *s) {
    a->v = util_grow(a->v, a->n, sizeof(*a->v));
    a->v[a->n++] = s;
}

static void campaign_argDup(struct campaign_args *a, const char *s) {
    campaign_arg(a, strdup(s));
}

static void campaign_argSeconds(struct campaign_args *a, const char *opt, double seconds) {
    campaign_argDup(a, opt);
    campaign_arg(a, util_asprintf("%.1f", seconds < 1 ? 1 : seconds));
}

char **campaign_planArgv(const struct campaign_item *it, const struct campaign_invocation *inv,
                         double share, const char *json) {
    const struct campaign_options *o = &it->opt;
    struct campaign_args a = {0};
    campaign_argDup(&a, inv->exe);
    campaign_argDup(&a, it->kind == CAMPAIGN_SCENARIO ? "run" : campaign_kindName(it->kind));
    campaign_argDup(&a, "--json");
    campaign_argDup(&a, json);
    campaign_argDup(&a, "--corpus");
    campaign_argDup(&a, inv->corpus);
    campaign_argDup(&a, "--seed");
    campaign_arg(&a, util_asprintf("%" PRIu64, it->seed));
    if (o->noise >= 0) {
        campaign_argDup(&a, "--noise");
        campaign_argDup(&a, config_noiseName((enum noise_level)o->noise));
    }
    if (o->threads > 0) {
        campaign_argDup(&a, "--threads");
        campaign_arg(&a, util_asprintf("%d", o->threads));
    }
    /* The hang margin: how long a run may go on past its time before it is
     * declared hung. Its share holds one such margin, so an item with one
     * hanging run still ends within its share. */
    double margin = o->timeout > 0 ? o->timeout : share / 3;
    if (o->timeout <= 0) {
        margin = margin < 10 ? 10 : margin > inv->timeout ? inv->timeout : margin;
    }
    switch (it->kind) {
    case CAMPAIGN_SCENARIO: {
        int runs = o->runs > 0 ? o->runs : 1;
        double per_run = (share - CAMPAIGN_ITEM_OVERHEAD - margin) / runs - CAMPAIGN_RUN_OVERHEAD;
        per_run = per_run < 1 ? 1 : per_run;
        campaign_argDup(&a, "--runs");
        campaign_arg(&a, util_asprintf("%d", runs));
        campaign_argDup(&a, "--iterations");
        campaign_arg(&a, util_asprintf("%ld", o->iterations > 0 ? o->iterations
                                                                : CAMPAIGN_UNBOUNDED_ITERATIONS));
        campaign_argSeconds(&a, "--time", per_run);
        /* A run may take its time plus the margin before it is a hang. */
        campaign_argSeconds(&a, "--timeout", per_run + margin);
        break;
    }
    case CAMPAIGN_TEST:
        if (o->iterations > 0) {
            campaign_argDup(&a, "--iterations");
            campaign_arg(&a, util_asprintf("%ld", o->iterations));
        }
        if (o->keyword != NULL) {
            campaign_argDup(&a, "-k");
            campaign_argDup(&a, o->keyword);
        }
        if (o->until_failure) {
            campaign_argDup(&a, "--until-failure");
        }
        campaign_argSeconds(&a, "--time", share - CAMPAIGN_ITEM_OVERHEAD - CAMPAIGN_RUN_OVERHEAD);
        /* test's --timeout is per test; only an explicit one is passed. */
        if (o->timeout > 0) {
            campaign_argSeconds(&a, "--timeout", o->timeout);
        }
        break;
    case CAMPAIGN_FUZZ: {
        /* fuzz minimises a finding after its --time, for up to half of it
         * (at least 15 s): ask for a time whose total fits the share. */
        double t = share - CAMPAIGN_ITEM_OVERHEAD;
        t = t >= 45 ? t / 1.5 : (t - 15 > t / 3 ? t - 15 : t / 3);
        if (o->runs > 0) {
            campaign_argDup(&a, "--runs");
            campaign_arg(&a, util_asprintf("%d", o->runs));
        }
        if (o->ops > 0) {
            campaign_argDup(&a, "--ops");
            campaign_arg(&a, util_asprintf("%d", o->ops));
        }
        campaign_argSeconds(&a, "--time", t);
        if (o->timeout > 0) {
            campaign_argSeconds(&a, "--timeout", o->timeout);
        }
        break;
    }
    }
    if (inv->runtime != NULL) {
        campaign_argDup(&a, "--runtime");
        campaign_argDup(&a, inv->runtime);
    }
    if (inv->flavour != NULL) {
        campaign_argDup(&a, "--flavour");
        campaign_argDup(&a, inv->flavour);
    }
    if (inv->suppressions != NULL) {
        campaign_argDup(&a, "--suppressions");
        campaign_argDup(&a, inv->suppressions);
    }
    if (inv->verbose) {
        campaign_argDup(&a, "--verbose");
    }
    /* "--" so a target starting with '-' is not an option. */
    campaign_argDup(&a, "--");
    campaign_argDup(&a, it->target);
    campaign_arg(&a, NULL);
    return a.v;
}

char *campaign_argvJoin(char *const *argv) {
    size_t cap = 1;
    for (size_t i = 0; argv[i] != NULL; i++) {
        cap += strlen(argv[i]) * 4 + 3;
    }
    char *s = malloc(cap);
    if (s == NULL) {
        abort();
    }
    size_t n = 0;
    for (size_t i = 0; argv[i] != NULL; i++) {
        bool quote = argv[i][0] == '\0' || strpbrk(argv[i], " \t'\"\\$`*?#") != NULL;
        if (i > 0) {
            s[n++] = ' ';
        }
        if (quote) {
            s[n++] = '\'';
        }
        for (const char *p = argv[i]; *p; p++) {
            if (quote && *p == '\'') {
                memcpy(s + n, "'\\''", 4);
                n += 4;
            } else {
                s[n++] = *p;
            }
        }
        if (quote) {
            s[n++] = '\'';
        }
    }
    s[n] = '\0';
    return s;
}

void campaign_argvFree(char **argv) {
    if (argv == NULL) {
        return;
    }
    for (size_t i = 0; argv[i] != NULL; i++) {
        free(argv[i]);
    }
    free(argv);
}

void campaign_planFree(struct campaign_plan *p) {
    for (size_t i = 0; i < p->count; i++) {
        campaign_itemFree(&p->items[i]);
    }
    free(p->items);
    memset(p, 0, sizeof(*p));
}
