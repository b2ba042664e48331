/* merge.c - `ftstress merge`: joining JSON reports; see merge.h.
 *
 * Each input is read into a merge of its own first (checking every member
 * the schema promises), and only folded into the result once it is known to
 * be valid, so a bad file leaves the result as it was. Folding one report
 * into another is the same operation whether the other is empty, a single
 * report or already a merge, which is what makes merging compose. */
#include "merge.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "exitcode.h"
#include "history.h"
#include "json_reader.h"
#include "log.h"
#include "output_json.h"
#include "output_junit.h"
#include "output_sarif.h"
#include "report_html.h"
#include "results.h"
#include "signature.h"
#include "util.h"

struct merge_sigs {
    char **items; /* owned */
    size_t count;
};

static void merge_sigsAdd(struct merge_sigs *s, const char *signature) {
    util_addUnique(&s->items, &s->count, signature);
}

static void merge_sigsFree(struct merge_sigs *s) {
    for (size_t i = 0; i < s->count; i++) {
        free(s->items[i]);
    }
    free(s->items);
    memset(s, 0, sizeof(*s));
}

/* ---- reading one report ---------------------------------------------------------------- */

static bool merge_readRuntime(struct jsonr_check *c, const struct jsonr_value *root,
                              struct merge *one) {
    const struct jsonr_value *rt = jsonr_member(c, root, "runtime", JSONR_OBJECT, false);
    const char *version, *flavour, *key;
    if (!jsonr_memberString(c, rt, "version", true, &version) ||
        !jsonr_memberString(c, rt, "flavour", true, &flavour) ||
        !jsonr_memberString(c, rt, "key", true, &key)) {
        return false;
    }
    one->runtime_version = util_dup(version);
    one->runtime_flavour = util_dup(flavour);
    one->runtime_key = util_dup(key);

    const struct jsonr_value *par = jsonr_member(c, root, "parameters", JSONR_OBJECT, false);
    long long threads, iterations, runs;
    const char *noise;
    if (!jsonr_memberCount(c, par, "threads", &threads) ||
        !jsonr_memberCount(c, par, "iterations", &iterations) ||
        !jsonr_memberCount(c, par, "runs", &runs) ||
        !jsonr_memberString(c, par, "noise", true, &noise)) {
        return false;
    }
    if (!jsonr_memberSeed(c, par, "seed", &one->seed)) {
        return false;
    }
    if (threads > INT_MAX || runs > INT_MAX || iterations > LONG_MAX) {
        jsonr_checkFail(c, par, "a parameter is out of range");
        return false;
    }
    one->threads = (int)threads;
    one->iterations = (long)iterations;
    one->runs = (int)runs;
    one->noise = util_dup(noise);
    return true;
}

/* An array of seed strings into seeds (each once, at most max). */
static bool merge_readSeeds(struct jsonr_check *c, const struct jsonr_value *obj, const char *key,
                            uint64_t *seeds, int *nseeds, int max) {
    const struct jsonr_value *list = jsonr_member(c, obj, key, JSONR_ARRAY, false);
    if (list == NULL) {
        return false;
    }
    for (size_t i = 0; i < list->count; i++) {
        uint64_t s;
        if (!jsonr_seed(c, &list->items[i], &s)) {
            return false;
        }
        bool seen = false;
        for (int k = 0; k < *nseeds && !seen; k++) {
            seen = seeds[k] == s;
        }
        if (!seen && *nseeds < max) {
            seeds[(*nseeds)++] = s;
        }
    }
    return true;
}

static bool merge_readFinding(struct jsonr_check *c, const struct jsonr_value *item,
                              struct finding *f) {
    const char *id, *signature, *kind, *title, *scenario, *detail, *python_stack;
    long long count;
    int64_t first_seen, last_seen;
    if (item->type != JSONR_OBJECT) {
        jsonr_checkFail(c, item, "a finding (an object) is due here");
        return false;
    }
    const struct jsonr_value *known = jsonr_member(c, item, "known", JSONR_BOOL, false);
    if (!jsonr_memberString(c, item, "id", false, &id) ||
        !jsonr_memberString(c, item, "signature", false, &signature) ||
        !jsonr_memberString(c, item, "kind", false, &kind) ||
        !jsonr_memberString(c, item, "title", false, &title) || known == NULL ||
        !jsonr_memberCount(c, item, "count", &count) ||
        !jsonr_memberTime(c, item, "first_seen", true, &first_seen) ||
        !jsonr_memberTime(c, item, "last_seen", true, &last_seen) ||
        !jsonr_memberString(c, item, "scenario", true, &scenario) ||
        !jsonr_memberString(c, item, "detail", false, &detail) ||
        !jsonr_memberString(c, item, "python_stack", true, &python_stack)) {
        return false;
    }
    if (signature[0] == '\0') {
        jsonr_checkFail(c, jsonr_get(item, "signature"), "a finding's signature may not be empty");
        return false;
    }
    const struct jsonr_value *loc = jsonr_member(c, item, "location", JSONR_OBJECT, true);
    const char *file = NULL, *function = NULL;
    double line = 0;
    bool has_line = false;
    if (loc != NULL && (!jsonr_memberString(c, loc, "file", true, &file) ||
                        !jsonr_memberNumber(c, loc, "line", true, &line, &has_line) ||
                        !jsonr_memberString(c, loc, "function", true, &function))) {
        return false;
    }
    uint64_t seeds[FINDING_MAX_SEEDS];
    int nseeds = 0;
    if (!merge_readSeeds(c, item, "seeds", seeds, &nseeds, FINDING_MAX_SEEDS)) {
        return false;
    }
    memset(f, 0, sizeof(*f));
    memcpy(f->seeds, seeds, sizeof(seeds));
    f->nseeds = nseeds;
    f->signature = util_dup(signature);
    signature_id(signature, f->id);
    f->kind = util_dup(kind);
    f->title = util_dup(title);
    f->detail = util_dup(detail);
    f->python_stack = util_dup(python_stack);
    f->scenario = util_dup(scenario);
    f->file = util_dup(file);
    f->function = util_dup(function);
    f->line = has_line && line > 0 && line < INT_MAX ? (int)line : 0;
    f->count = (long)count;
    f->first_seen = (time_t)first_seen;
    f->last_seen = (time_t)last_seen;
    f->known = known->boolean;
    return true;
}

/* Reads the report's findings into one->findings; ids[i] is the id the report
 * gives findings.items[i] (how its scenarios name them). */
static bool merge_readFindings(struct jsonr_check *c, const struct jsonr_value *root,
                               struct merge *one, const char ***ids) {
    const struct jsonr_value *list = jsonr_member(c, root, "findings", JSONR_ARRAY, false);
    if (list == NULL) {
        return false;
    }
    *ids = calloc(list->count + 1, sizeof(**ids));
    if (*ids == NULL) {
        abort();
    }
    for (size_t i = 0; i < list->count; i++) {
        struct finding f;
        if (!merge_readFinding(c, &list->items[i], &f)) {
            return false;
        }
        bool twice = finding_find(&one->findings, f.signature) != NULL;
        /* Added either way: one owns it now, and frees it with the rest. */
        one->findings.items =
            util_grow(one->findings.items, one->findings.count, sizeof(*one->findings.items));
        one->findings.items[one->findings.count++] = f;
        (*ids)[i] = jsonr_get(&list->items[i], "id")->string;
        if (twice) {
            jsonr_checkFail(c, jsonr_get(&list->items[i], "signature"),
                            "finding \"%.80s\" is listed twice", f.signature);
            return false;
        }
    }
    return true;
}

static bool merge_readClass(struct jsonr_check *c, const struct jsonr_value *o,
                            enum outcome_class *cls) {
    const char *name;
    if (!jsonr_memberString(c, o, "class", false, &name)) {
        return false;
    }
    for (int k = OUTCOME_EXPECTED; k <= OUTCOME_UNEXPECTED; k++) {
        if (strcmp(name, results_className((enum outcome_class)k)) == 0) {
            *cls = (enum outcome_class)k;
            return true;
        }
    }
    jsonr_checkFail(c, jsonr_get(o, "class"),
                    "\"class\" should be expected, acceptable, interesting, forbidden or "
                    "unexpected, not \"%.40s\"",
                    name);
    return false;
}

static bool merge_readOutcomes(struct jsonr_check *c, const struct jsonr_value *item,
                               struct results *r) {
    const struct jsonr_value *list = jsonr_member(c, item, "outcomes", JSONR_ARRAY, false);
    if (list == NULL) {
        return false;
    }
    for (size_t i = 0; i < list->count; i++) {
        const struct jsonr_value *o = &list->items[i];
        const char *result, *description;
        long long samples;
        enum outcome_class cls = OUTCOME_UNEXPECTED;
        if (o->type != JSONR_OBJECT) {
            jsonr_checkFail(c, o, "an outcome (an object) is due here");
            return false;
        }
        if (!jsonr_memberString(c, o, "result", false, &result) ||
            !jsonr_memberCount(c, o, "samples", &samples) || !merge_readClass(c, o, &cls) ||
            !jsonr_memberString(c, o, "description", false, &description)) {
            return false;
        }
        for (size_t k = 0; k < r->noutcomes; k++) {
            if (r->outcomes[k].result != NULL && strcmp(r->outcomes[k].result, result) == 0) {
                jsonr_checkFail(c, jsonr_get(o, "result"), "outcome \"%.60s\" is listed twice",
                                result);
                return false;
            }
        }
        r->outcomes = util_grow(r->outcomes, r->noutcomes, sizeof(*r->outcomes));
        r->outcomes[r->noutcomes++] =
            (struct outcome){util_dup(result), (long)samples, cls, util_dup(description)};
    }
    return true;
}

static bool merge_readLostUpdates(struct jsonr_check *c, const struct jsonr_value *item,
                                  struct results *r) {
    const struct jsonr_value *lu = jsonr_member(c, item, "lost_updates", JSONR_OBJECT, true);
    if (lu == NULL) {
        return c->error == NULL;
    }
    /* lost is expected - observed, negative when a scenario's counts observe
     * more than they expect: merge recomputes it, so any number will do. */
    double lost;
    if (!jsonr_memberCount(c, lu, "expected", &r->expected) ||
        !jsonr_memberCount(c, lu, "observed", &r->observed) ||
        !jsonr_memberNumber(c, lu, "lost", false, &lost, NULL) ||
        !jsonr_memberCount(c, lu, "lossy_states", &r->lossy_states)) {
        return false;
    }
    r->has_counts = true;
    return true;
}

static const char *merge_verdictNames[] = {"pass", "fail", "error"};

static bool merge_readScenario(struct jsonr_check *c, const struct jsonr_value *item,
                               const struct merge *one, const char **ids,
                               struct scenario_verdict *v, struct merge_sigs *sigs) {
    const char *name, *path, *description, *verdict, *error, *case_path;
    long long runs, iterations, crashes, hangs, tsan_reports;
    double seconds, first_failure;
    bool has_first_failure;
    if (item->type != JSONR_OBJECT) {
        jsonr_checkFail(c, item, "a scenario (an object) is due here");
        return false;
    }
    if (!jsonr_memberString(c, item, "name", false, &name) ||
        !jsonr_memberString(c, item, "path", true, &path) ||
        !jsonr_memberString(c, item, "description", true, &description) ||
        !jsonr_memberString(c, item, "verdict", false, &verdict) ||
        !jsonr_memberCount(c, item, "runs", &runs) ||
        !jsonr_memberCount(c, item, "iterations", &iterations) ||
        !jsonr_memberNumber(c, item, "seconds", false, &seconds, NULL) ||
        !jsonr_memberNumber(c, item, "first_failure_seconds", true, &first_failure,
                            &has_first_failure) ||
        !jsonr_memberCount(c, item, "crashes", &crashes) ||
        !jsonr_memberCount(c, item, "hangs", &hangs) ||
        !jsonr_memberCount(c, item, "tsan_reports", &tsan_reports) ||
        !jsonr_memberString(c, item, "error", true, &error) ||
        !jsonr_memberString(c, item, "case", true, &case_path)) {
        return false;
    }
    if (name[0] == '\0') {
        jsonr_checkFail(c, jsonr_get(item, "name"), "a scenario's name may not be empty");
        return false;
    }
    bool known_verdict = false;
    for (size_t k = 0; k < 3; k++) {
        known_verdict |= strcmp(verdict, merge_verdictNames[k]) == 0;
    }
    if (!known_verdict) {
        jsonr_checkFail(c, jsonr_get(item, "verdict"),
                        "\"verdict\" should be pass, fail or error, not \"%.40s\"", verdict);
        return false;
    }
    if (runs > INT_MAX || crashes > INT_MAX || hangs > INT_MAX || tsan_reports > INT_MAX ||
        iterations > LONG_MAX) {
        jsonr_checkFail(c, item, "a count of this scenario is out of range");
        return false;
    }
    /* "kind" came with test and fuzz entries; a report without it has scenarios only. */
    const struct jsonr_value *kind = jsonr_get(item, "kind");
    if (kind != NULL && kind->type != JSONR_NULL &&
        (kind->type != JSONR_STRING || !verdict_kindParse(kind->string, &v->kind))) {
        jsonr_checkFail(c, kind, "\"kind\" should be scenario, test or fuzz");
        return false;
    }
    v->name = util_dup(name);
    v->path = util_dup(path);
    v->merged.scenario = util_dup(name);
    v->merged.description = util_dup(description ? description : "");
    v->merged.done = (long)iterations;
    v->merged.has_first_failure = has_first_failure;
    v->merged.first_failure_seconds = first_failure;
    v->runs = (int)runs;
    v->seconds = seconds;
    v->crashes = (int)crashes;
    v->hangs = (int)hangs;
    v->tsan_reports = (int)tsan_reports;
    /* Runs with reports are not in the schema: one per report that has any is
     * the least it can be. */
    v->tsan_runs = tsan_reports > 0 ? 1 : 0;
    v->error = util_dup(error);
    v->case_path = util_dup(case_path);
    if (!merge_readOutcomes(c, item, &v->merged) || !merge_readLostUpdates(c, item, &v->merged) ||
        !merge_readSeeds(c, item, "failing_seeds", v->failing_seeds, &v->nfailing_seeds,
                         VERDICT_MAX_SEEDS)) {
        return false;
    }
    const struct jsonr_value *list = jsonr_member(c, item, "findings", JSONR_ARRAY, false);
    if (list == NULL) {
        return false;
    }
    for (size_t i = 0; i < list->count; i++) {
        const struct jsonr_value *id = &list->items[i];
        if (id->type != JSONR_STRING) {
            jsonr_checkFail(c, id, "a finding id (a string) is due here");
            return false;
        }
        size_t k = 0;
        while (k < one->findings.count && strcmp(ids[k], id->string) != 0) {
            k++;
        }
        if (k == one->findings.count) {
            jsonr_checkFail(c, id, "finding %.40s is not in the report's \"findings\"", id->string);
            return false;
        }
        merge_sigsAdd(sigs, one->findings.items[k].signature);
    }
    return true;
}

static bool merge_readScenarios(struct jsonr_check *c, const struct jsonr_value *root,
                                struct merge *one, const char **ids) {
    const struct jsonr_value *list = jsonr_member(c, root, "scenarios", JSONR_ARRAY, false);
    if (list == NULL) {
        return false;
    }
    one->scenarios = calloc(list->count + 1, sizeof(struct scenario_verdict *));
    one->sigs = calloc(list->count + 1, sizeof(*one->sigs));
    if (one->scenarios == NULL || one->sigs == NULL) {
        abort();
    }
    for (size_t i = 0; i < list->count; i++) {
        struct scenario_verdict *v = calloc(1, sizeof(*v));
        if (v == NULL) {
            abort();
        }
        one->scenarios[one->nscenarios] = v;
        one->nscenarios++;
        if (!merge_readScenario(c, &list->items[i], one, ids, v, &one->sigs[i])) {
            return false;
        }
        for (size_t k = 0; k + 1 < one->nscenarios; k++) {
            if (strcmp(one->scenarios[k]->name, v->name) == 0) {
                jsonr_checkFail(c, jsonr_get(&list->items[i], "name"),
                                "scenario \"%.60s\" is listed twice", v->name);
                return false;
            }
        }
    }
    return true;
}

/* Reads a whole report into one (zeroed first); false with c->error set. */
static bool merge_read(struct jsonr_check *c, const struct jsonr_value *root, struct merge *one) {
    memset(one, 0, sizeof(*one));
    const char *tool, *version;
    long long schema;
    if (root->type != JSONR_OBJECT) {
        jsonr_checkFail(c, root, "an ftstress report (a JSON object) is due, not %s",
                        jsonr_typeName(root->type));
        return false;
    }
    if (!jsonr_memberString(c, root, "tool", false, &tool)) {
        return false;
    }
    if (strcmp(tool, "ftstress") != 0) {
        jsonr_checkFail(c, jsonr_get(root, "tool"),
                        "not an ftstress report (\"tool\" is \"%.40s\")", tool);
        return false;
    }
    if (!jsonr_memberCount(c, root, "schema", &schema) ||
        !jsonr_memberString(c, root, "version", true, &version)) {
        return false;
    }
    if (schema != 1) {
        jsonr_checkFail(c, jsonr_get(root, "schema"),
                        "report schema %lld; this ftstress reads schema 1", schema);
        return false;
    }
    const char **ids = NULL;
    bool ok = merge_readRuntime(c, root, one) && merge_readFindings(c, root, one, &ids) &&
              merge_readScenarios(c, root, one, ids) &&
              jsonr_member(c, root, "summary", JSONR_OBJECT, false) != NULL;
    free(ids);
    return ok;
}

/* ---- folding one report into the merge ---------------------------------------------------- */

static void merge_addSeeds(uint64_t *seeds, int *nseeds, int max, const uint64_t *more, int n) {
    for (int i = 0; i < n; i++) {
        finding_seedsAdd(seeds, nseeds, max, more[i]);
    }
}
/* Folds finding s (its strings taken over, s left zeroed) into set. */
static void merge_foldFinding(struct finding_set *set, struct finding *s) {
    struct finding *mine = finding_find(set, s->signature);
    if (mine == NULL) {
        set->items = util_grow(set->items, set->count, sizeof(*set->items));
        set->items[set->count++] = *s;
        memset(s, 0, sizeof(*s));
        return;
    }
    mine->count += s->count;
    /* 0 is a time never recorded (null in the report), not the earliest one. */
    if (s->first_seen != 0 && (mine->first_seen == 0 || s->first_seen < mine->first_seen)) {
        mine->first_seen = s->first_seen;
    }
    if (s->last_seen > mine->last_seen) {
        mine->last_seen = s->last_seen;
    }
    merge_addSeeds(mine->seeds, &mine->nseeds, FINDING_MAX_SEEDS, s->seeds, s->nseeds);
    mine->known |= s->known;
    if (mine->python_stack == NULL) {
        mine->python_stack = s->python_stack;
        s->python_stack = NULL;
    }
    if (mine->scenario == NULL) {
        mine->scenario = s->scenario;
        s->scenario = NULL;
    }
    if (mine->file == NULL && mine->function == NULL) {
        mine->file = s->file;
        mine->function = s->function;
        mine->line = s->line;
        s->file = s->function = NULL;
    }
}

static void merge_foldScenario(struct scenario_verdict *dst, const struct scenario_verdict *src) {
    struct results *r = &dst->merged;
    if (dst->path == NULL && src->path != NULL) {
        dst->path = util_dup(src->path);
    }
    if ((r->description == NULL || r->description[0] == '\0') && src->merged.description != NULL &&
        src->merged.description[0] != '\0') {
        free(r->description);
        r->description = util_dup(src->merged.description);
    }
    results_merge(r, &src->merged);
    dst->runs += src->runs;
    dst->seconds += src->seconds;
    dst->crashes += src->crashes;
    dst->hangs += src->hangs;
    dst->tsan_reports += src->tsan_reports;
    dst->tsan_runs += src->tsan_runs;
    if (dst->tsan_runs > dst->runs) {
        dst->tsan_runs = dst->runs;
    }
    if (dst->error == NULL && src->error != NULL) {
        dst->error = util_dup(src->error);
    }
    if (dst->case_path == NULL && src->case_path != NULL) {
        dst->case_path = util_dup(src->case_path);
    }
    merge_addSeeds(dst->failing_seeds, &dst->nfailing_seeds, VERDICT_MAX_SEEDS, src->failing_seeds,
                   src->nfailing_seeds);
}

static bool merge_sameName(const struct scenario_verdict *a, const struct scenario_verdict *b) {
    return a != NULL && b != NULL && a->name != NULL && b->name != NULL &&
           strcmp(a->name, b->name) == 0;
}

/* Keeps a runtime field only while every input agrees on it. */
static void merge_foldRuntimeField(struct merge *m, int which, char **mine, const char *theirs,
                                   const char *what, const char *input) {
    if (m->runtime_differs[which]) {
        return;
    }
    bool same = (*mine == NULL && theirs == NULL) ||
                (*mine != NULL && theirs != NULL && strcmp(*mine, theirs) == 0);
    if (!same) {
        LOG_W("%s: runtime %s %s differs from the earlier reports' %s; the merged report "
              "leaves it null",
              input, what, theirs ? theirs : "null", *mine ? *mine : "null");
        free(*mine);
        *mine = NULL;
        m->runtime_differs[which] = true;
    }
}

/* Whether one holds a scenario entry, whose parameters the report names. */
static bool merge_hasScenario(const struct merge *one) {
    for (size_t i = 0; i < one->nscenarios; i++) {
        if (one->scenarios[i] != NULL && one->scenarios[i]->kind == VERDICT_SCENARIO) {
            return true;
        }
    }
    return false;
}

static void merge_takeParameters(struct merge *m, struct merge *one) {
    free(m->noise);
    m->noise = one->noise;
    one->noise = NULL;
    m->threads = one->threads;
    m->iterations = one->iterations;
    m->runs = one->runs;
    m->seed = one->seed;
    m->parameters_of_scenarios = merge_hasScenario(one);
}

static void merge_fold(struct merge *m, struct merge *one, const char *input) {
    if (m->ninputs == 0) {
        m->runtime_version = one->runtime_version;
        m->runtime_flavour = one->runtime_flavour;
        m->runtime_key = one->runtime_key;
        one->runtime_version = one->runtime_flavour = one->runtime_key = NULL;
        merge_takeParameters(m, one);
    } else {
        merge_foldRuntimeField(m, 0, &m->runtime_version, one->runtime_version, "version", input);
        merge_foldRuntimeField(m, 1, &m->runtime_flavour, one->runtime_flavour, "flavour", input);
        merge_foldRuntimeField(m, 2, &m->runtime_key, one->runtime_key, "key", input);
        if (!merge_hasScenario(one)) {
            /* Tests and fuzz targets run with their own threads and iterations. */
        } else if (!m->parameters_of_scenarios) {
            merge_takeParameters(m, one);
        } else if (one->threads != m->threads || one->iterations != m->iterations ||
                   ((one->noise == NULL) != (m->noise == NULL)) ||
                   (one->noise != NULL && strcmp(one->noise, m->noise) != 0)) {
            LOG_W("%s: ran with other parameters (threads %d, iterations %ld, noise %s) than "
                  "the first report; the merged report names the first's",
                  input, one->threads, one->iterations, one->noise ? one->noise : "null");
        }
    }
    m->inputs = util_grow(m->inputs, m->ninputs, sizeof(*m->inputs));
    m->inputs[m->ninputs++] = util_dup(input);

    for (size_t i = 0; i < one->findings.count; i++) {
        merge_foldFinding(&m->findings, &one->findings.items[i]);
    }
    for (size_t i = 0; i < one->nscenarios; i++) {
        struct scenario_verdict *v = one->scenarios[i];
        size_t k = 0;
        while (k < m->nscenarios && !merge_sameName(m->scenarios[k], v)) {
            k++;
        }
        if (k == m->nscenarios) {
            m->scenarios =
                util_grow(m->scenarios, m->nscenarios, sizeof(struct scenario_verdict *));
            m->sigs = util_grow(m->sigs, m->nscenarios, sizeof(*m->sigs));
            m->scenarios[k] = v;
            m->sigs[k] = one->sigs[i];
            memset(&one->sigs[i], 0, sizeof(one->sigs[i]));
            one->scenarios[i] = NULL;
            m->nscenarios++;
            continue;
        }
        merge_foldScenario(m->scenarios[k], v);
        for (size_t s = 0; s < one->sigs[i].count; s++) {
            merge_sigsAdd(&m->sigs[k], one->sigs[i].items[s]);
        }
    }
}

/* Reads root (the document of the report name) and folds it into m. */
static bool merge_addRoot(struct merge *m, const char *name, const struct jsonr_value *root,
                          char **error) {
    struct jsonr_check c = {name, NULL};
    struct merge one;
    bool ok = merge_read(&c, root, &one);
    if (ok) {
        merge_fold(m, &one, name);
    } else {
        *error = c.error;
    }
    merge_free(&one);
    return ok;
}

bool merge_addText(struct merge *m, const char *name, const char *text, size_t len, char **error) {
    struct jsonr_value root;
    struct jsonr_error e;
    if (!jsonr_parse(text, len, NULL, &root, &e)) {
        *error = e.line > 0 ? util_asprintf("%s:%d:%d: %s", name, e.line, e.column, e.message)
                            : util_asprintf("%s: %s", name, e.message);
        return false;
    }
    bool ok = merge_addRoot(m, name, &root, error);
    jsonr_free(&root);
    return ok;
}

bool merge_addPath(struct merge *m, const char *path, char **error) {
    char *file = util_isDir(path) ? util_asprintf("%s/report.json", path) : util_dup(path);
    if (util_isDir(path) && !util_isFile(file)) {
        *error = util_asprintf("%s: a directory without a report.json (a shard's results "
                               "directory holds one)",
                               path);
        free(file);
        return false;
    }
    /* The same report twice would count everything in it twice. */
    char *real = realpath(file, NULL);
    for (size_t i = 0; real != NULL && i < m->ninputs; i++) {
        char *other = realpath(m->inputs[i], NULL);
        bool same = other != NULL && strcmp(other, real) == 0;
        free(other);
        if (same) {
            *error = util_asprintf("%s: the same report as %s, given twice", file, m->inputs[i]);
            free(real);
            free(file);
            return false;
        }
    }
    free(real);
    struct jsonr_value root;
    bool ok = jsonr_parseFile(file, NULL, &root, error);
    if (ok) {
        ok = merge_addRoot(m, file, &root, error);
        jsonr_free(&root);
    }
    free(file);
    return ok;
}

/* ---- finishing ------------------------------------------------------------------------- */

/* An outcome finding's title and detail from the merged histogram, in the
 * words of verdict_addOutcomeFindings. */
static void merge_retitleOutcomes(struct merge *m, const struct scenario_verdict *v) {
    const struct results *r = &v->merged;
    if (v->kind != VERDICT_SCENARIO) {
        return; /* a test's failure is titled by its exception, which a merge keeps */
    }
    for (size_t i = 0; i < r->noutcomes; i++) {
        const struct outcome *o = &r->outcomes[i];
        if (o->cls < OUTCOME_INTERESTING || o->samples == 0) {
            continue;
        }
        char *sig = util_asprintf("outcome:%s:%s", v->name, o->result);
        struct finding *f = finding_find(&m->findings, sig);
        free(sig);
        if (f == NULL) {
            continue;
        }
        free(f->title);
        f->title =
            util_asprintf("%s outcome '%s' in %s (%ld of %ld iterations)",
                          results_className(o->cls), o->result, v->name, o->samples, r->done);
        if (r->has_counts) {
            free(f->detail);
            f->detail = util_asprintf("%s\nlost updates: expected %lld, observed %lld, lost %lld",
                                      o->description ? o->description : "", r->expected,
                                      r->observed, r->expected - r->observed);
        }
    }
}

void merge_finish(struct merge *m) {
    for (size_t i = 0; i < m->nscenarios; i++) {
        merge_retitleOutcomes(m, m->scenarios[i]);
    }
    for (size_t i = 0; i < m->nscenarios; i++) {
        struct scenario_verdict *v = m->scenarios[i];
        finding_setFree(&v->findings);
        for (size_t s = 0; s < m->sigs[i].count; s++) {
            struct finding *f = finding_find(&m->findings, m->sigs[i].items[s]);
            if (f != NULL) {
                struct finding_set one = {f, 1};
                finding_merge(&v->findings, &one);
            }
        }
    }
}

void merge_outputRun(const struct merge *m, struct output_run *run, char *cwd, size_t cwd_size) {
    int runs = 0;
    for (size_t i = 0; i < m->nscenarios; i++) {
        if (m->scenarios[i]->runs > runs) {
            runs = m->scenarios[i]->runs;
        }
    }
    *run = (struct output_run){
        .tool_version = FTSTRESS_VERSION,
        .runtime_version = m->runtime_version,
        .runtime_flavour = m->runtime_flavour,
        .runtime_key = m->runtime_key,
        .threads = m->threads,
        .iterations = m->iterations,
        .runs = m->nscenarios > 0 ? runs : m->runs,
        .seed = m->seed,
        .noise = m->noise,
        .scenarios = (const struct scenario_verdict *const *)m->scenarios,
        .nscenarios = m->nscenarios,
        .findings = &m->findings,
        .source_root = cwd != NULL ? getcwd(cwd, cwd_size) : NULL,
    };
}

void merge_free(struct merge *m) {
    for (size_t i = 0; i < m->ninputs; i++) {
        free(m->inputs[i]);
    }
    free(m->inputs);
    free(m->runtime_version);
    free(m->runtime_flavour);
    free(m->runtime_key);
    free(m->noise);
    for (size_t i = 0; i < m->nscenarios; i++) {
        if (m->scenarios[i] != NULL) {
            verdict_free(m->scenarios[i]);
            free(m->scenarios[i]);
        }
        merge_sigsFree(&m->sigs[i]);
    }
    free(m->scenarios);
    free(m->sigs);
    finding_setFree(&m->findings);
    memset(m, 0, sizeof(*m));
}

time_t merge_now(void) {
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    if (epoch != NULL && epoch[0] != '\0') {
        char *end;
        errno = 0;
        long long v = strtoll(epoch, &end, 10);
        if (errno == 0 && *end == '\0' && v >= 0) {
            return (time_t)v;
        }
        LOG_W("SOURCE_DATE_EPOCH is not a number of seconds ('%s'); using the clock", epoch);
    }
    return time(NULL);
}

/* ---- the command ----------------------------------------------------------------------- */

static void merge_printSummary(const struct merge *m, const struct output_run *run,
                               const struct ftstress_config *cfg) {
    int passed = 0, failed = 0, errors = 0;
    for (size_t i = 0; i < run->nscenarios; i++) {
        const char *verdict = output_verdictName(run->scenarios[i]);
        passed += verdict[0] == 'p';
        failed += verdict[0] == 'f';
        errors += verdict[0] == 'e';
    }
    size_t nnew = finding_countNew(&m->findings);
    printf("merged %zu report%s: %zu scenario%s (%d passed, %d failed, %d error%s), "
           "%zu finding%s (%zu new)\n",
           m->ninputs, m->ninputs == 1 ? "" : "s", run->nscenarios, run->nscenarios == 1 ? "" : "s",
           passed, failed, errors, errors == 1 ? "" : "s", m->findings.count,
           m->findings.count == 1 ? "" : "s", nnew);
    for (size_t i = 0; i < run->nscenarios; i++) {
        const struct scenario_verdict *v = run->scenarios[i];
        const char *verdict = output_verdictName(v);
        printf("  [%s] %s  %d run%s, %ld iterations\n",
               verdict[0] == 'p'   ? "PASS"
               : verdict[0] == 'f' ? "FAIL"
                                   : "ERROR",
               v->name, v->runs, v->runs == 1 ? "" : "s", v->merged.done);
    }
    for (size_t i = 0; i < m->findings.count; i++) {
        const struct finding *f = &m->findings.items[i];
        printf("  %s %s  %s (seen %ld time%s)\n", f->known ? "known" : "NEW  ", f->id, f->title,
               f->count, f->count == 1 ? "" : "s");
    }
    if (cfg->baseline != NULL) {
        printf("baseline %s: %zu known finding%s, %zu new\n", cfg->baseline,
               m->findings.count - nnew, m->findings.count - nnew == 1 ? "" : "s", nnew);
    }
}

int merge_main(const struct ftstress_config *cfg) {
    if (cfg->npaths == 0) {
        LOG_E("'merge' takes one or more JSON reports or shard directories (holding report.json)");
        return EXIT_USAGE;
    }
    if (cfg->json_path == NULL && cfg->junit_path == NULL && cfg->sarif_path == NULL &&
        cfg->html_path == NULL && cfg->history_path == NULL && cfg->update_baseline == NULL) {
        LOG_E("'merge' writes nothing without --json, --junit, --sarif, --html or --history");
        return EXIT_USAGE;
    }
    int status = EXIT_CLEAN;
    char *error = NULL;
    struct baseline baseline = {0};
    struct merge m = {0};
    struct history history = {0};
    if (cfg->baseline != NULL && !baseline_load(cfg->baseline, &baseline, &error)) {
        LOG_E("%s", error);
        free(error);
        return EXIT_USAGE;
    }
    for (int i = 0; i < cfg->npaths; i++) {
        if (!merge_addPath(&m, cfg->paths[i], &error)) {
            LOG_E("%s", error);
            free(error);
            status = EXIT_USAGE;
            goto out;
        }
    }
    /* Read before anything is written: a bad history must not cost the reports. */
    if (cfg->history_path != NULL && !history_load(cfg->history_path, &history, &error)) {
        LOG_E("%s", error);
        free(error);
        status = EXIT_USAGE;
        goto out;
    }
    if (cfg->baseline != NULL) {
        baseline_mark(&baseline, &m.findings);
    }
    merge_finish(&m);
    char cwd[4096];
    struct output_run run;
    merge_outputRun(&m, &run, cwd, sizeof(cwd));
    time_t now = merge_now();
    if (cfg->history_path != NULL) {
        history_append(&history, &run, now);
        if (!history_write(cfg->history_path, &history)) {
            LOG_P("cannot write %s", cfg->history_path);
            status = EXIT_INTERNAL;
        }
    }
    if (cfg->json_path != NULL && !output_jsonWrite(cfg->json_path, &run)) {
        LOG_P("cannot write %s", cfg->json_path);
        status = EXIT_INTERNAL;
    }
    if (cfg->junit_path != NULL && !output_junitWrite(cfg->junit_path, &run)) {
        LOG_P("cannot write %s", cfg->junit_path);
        status = EXIT_INTERNAL;
    }
    if (cfg->sarif_path != NULL && !output_sarifWrite(cfg->sarif_path, &run)) {
        LOG_P("cannot write %s", cfg->sarif_path);
        status = EXIT_INTERNAL;
    }
    struct report_html_options html = {
        .history = cfg->history_path != NULL ? &history : NULL,
        .generated = now,
        .inputs = (const char *const *)m.inputs,
        .ninputs = m.ninputs,
    };
    if (cfg->html_path != NULL && !report_htmlWrite(cfg->html_path, &run, &html)) {
        LOG_P("cannot write %s", cfg->html_path);
        status = EXIT_INTERNAL;
    }
    if (cfg->update_baseline != NULL && !baseline_write(cfg->update_baseline, &m.findings)) {
        LOG_P("cannot write the baseline %s", cfg->update_baseline);
        status = EXIT_INTERNAL;
    }
    merge_printSummary(&m, &run, cfg);
    if (status == EXIT_CLEAN) {
        /* As `run` decides: with a baseline only new findings fail; a scenario
         * that could not run is an input error unless findings outrank it. */
        size_t failing = cfg->baseline != NULL ? finding_countNew(&m.findings) : m.findings.count;
        bool errors = false;
        for (size_t i = 0; i < m.nscenarios; i++) {
            errors |= m.scenarios[i]->error != NULL;
        }
        status = failing > 0 ? EXIT_FINDINGS : errors ? EXIT_USAGE : EXIT_CLEAN;
    }
out:
    history_free(&history);
    merge_free(&m);
    baseline_free(&baseline);
    return status;
}
