/* history.c - findings over time, kept across nights; see history.h. */
#include "history.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "json_reader.h"
#include "json_writer.h"
#include "signature.h"
#include "util.h"

static void history_entryFree(struct history_entry *e) {
    free(e->version);
    free(e->runtime);
    for (size_t i = 0; i < e->nfindings; i++) {
        free(e->findings[i].signature);
        free(e->findings[i].kind);
    }
    free(e->findings);
    for (size_t i = 0; i < e->nlost; i++) {
        free(e->lost[i].scenario);
    }
    free(e->lost);
    memset(e, 0, sizeof(*e));
}

void history_free(struct history *h) {
    for (size_t i = 0; i < h->count; i++) {
        history_entryFree(&h->entries[i]);
    }
    free(h->entries);
    memset(h, 0, sizeof(*h));
}

/* ---- reading --------------------------------------------------------------------------- */

static bool history_readFindings(struct jsonr_check *c, const struct jsonr_value *item,
                                 struct history_entry *e) {
    const struct jsonr_value *list = jsonr_member(c, item, "findings", JSONR_ARRAY, false);
    if (list == NULL) {
        return false;
    }
    e->findings = calloc(list->count + 1, sizeof(*e->findings));
    if (e->findings == NULL) {
        abort();
    }
    for (size_t i = 0; i < list->count; i++) {
        const struct jsonr_value *f = &list->items[i];
        const char *signature, *kind;
        long long count;
        const struct jsonr_value *known = jsonr_member(c, f, "known", JSONR_BOOL, false);
        if (!jsonr_memberString(c, f, "signature", false, &signature) ||
            !jsonr_memberString(c, f, "kind", true, &kind) ||
            !jsonr_memberCount(c, f, "count", &count) || known == NULL) {
            return false;
        }
        e->findings[e->nfindings++] = (struct history_finding){util_dup(signature), util_dup(kind),
                                                               (long)count, known->boolean};
    }
    return true;
}

static bool history_readLost(struct jsonr_check *c, const struct jsonr_value *item,
                             struct history_entry *e) {
    const struct jsonr_value *list = jsonr_member(c, item, "lost_updates", JSONR_ARRAY, false);
    if (list == NULL) {
        return false;
    }
    e->lost = calloc(list->count + 1, sizeof(*e->lost));
    if (e->lost == NULL) {
        abort();
    }
    for (size_t i = 0; i < list->count; i++) {
        const struct jsonr_value *l = &list->items[i];
        const char *scenario;
        long long iterations, expected, lost, lossy;
        double rate;
        if (!jsonr_memberString(c, l, "scenario", false, &scenario) ||
            !jsonr_memberCount(c, l, "iterations", &iterations) ||
            !jsonr_memberCount(c, l, "expected", &expected) ||
            !jsonr_memberCount(c, l, "lost", &lost) ||
            !jsonr_memberCount(c, l, "lossy_states", &lossy) ||
            !jsonr_memberNumber(c, l, "rate", false, &rate, NULL)) {
            return false;
        }
        e->lost[e->nlost++] = (struct history_lost){
            util_dup(scenario), (long)iterations, expected, lost, lossy, rate};
    }
    return true;
}

static bool history_readEntry(struct jsonr_check *c, const struct jsonr_value *item,
                              struct history_entry *e) {
    const char *version, *runtime;
    int64_t date;
    long long scenarios, passed, failed, errors, total, fresh, first, occurrences;
    if (item->type != JSONR_OBJECT) {
        jsonr_checkFail(c, item, "a history entry (an object) is due here");
        return false;
    }
    if (!jsonr_memberTime(c, item, "date", false, &date) ||
        !jsonr_memberString(c, item, "version", true, &version) ||
        !jsonr_memberString(c, item, "runtime", true, &runtime) ||
        !jsonr_memberSeed(c, item, "seed", &e->seed) ||
        !jsonr_memberCount(c, item, "scenarios", &scenarios) ||
        !jsonr_memberCount(c, item, "passed", &passed) ||
        !jsonr_memberCount(c, item, "failed", &failed) ||
        !jsonr_memberCount(c, item, "errors", &errors) ||
        !jsonr_memberCount(c, item, "findings_total", &total) ||
        !jsonr_memberCount(c, item, "new_findings", &fresh) ||
        !jsonr_memberCount(c, item, "first_seen", &first) ||
        !jsonr_memberCount(c, item, "occurrences", &occurrences)) {
        return false;
    }
    e->date = (time_t)date;
    e->version = util_dup(version);
    e->runtime = util_dup(runtime);
    e->scenarios = (long)scenarios;
    e->passed = (long)passed;
    e->failed = (long)failed;
    e->errors = (long)errors;
    e->findings_total = (long)total;
    e->new_findings = (long)fresh;
    e->first_seen = (long)first;
    e->occurrences = occurrences;
    return history_readFindings(c, item, e) && history_readLost(c, item, e);
}

bool history_load(const char *path, struct history *h, char **error) {
    memset(h, 0, sizeof(*h));
    struct stat st;
    if (stat(path, &st) != 0 && errno == ENOENT) {
        return true; /* the first night */
    }
    /* 365 nights of many findings each: more room than a single report needs. */
    static const struct jsonr_limits limits = {(size_t)256 << 20, 16, (size_t)32 << 20};
    struct jsonr_value root;
    if (!jsonr_parseFile(path, &limits, &root, error)) {
        return false;
    }
    struct jsonr_check c = {path, NULL};
    const char *tool, *kind;
    long long schema;
    const struct jsonr_value *entries = NULL;
    if (root.type != JSONR_OBJECT) {
        jsonr_checkFail(&c, &root, "an ftstress history (a JSON object) is due");
    } else if (jsonr_memberString(&c, &root, "tool", false, &tool) &&
               jsonr_memberString(&c, &root, "kind", false, &kind) &&
               jsonr_memberCount(&c, &root, "schema", &schema)) {
        if (strcmp(tool, "ftstress") != 0 || strcmp(kind, "history") != 0) {
            jsonr_checkFail(&c, &root, "not an ftstress history (tool \"%.30s\", kind \"%.30s\")",
                            tool, kind);
        } else if (schema != 1) {
            jsonr_checkFail(&c, jsonr_get(&root, "schema"),
                            "history schema %lld; this ftstress reads schema 1", schema);
        } else {
            entries = jsonr_member(&c, &root, "entries", JSONR_ARRAY, false);
        }
    }
    if (entries != NULL) {
        h->entries = calloc(entries->count + 1, sizeof(*h->entries));
        if (h->entries == NULL) {
            abort();
        }
        for (size_t i = 0; i < entries->count && c.error == NULL; i++) {
            history_readEntry(&c, &entries->items[i], &h->entries[h->count++]);
        }
    }
    jsonr_free(&root);
    if (c.error != NULL) {
        history_free(h);
        *error = c.error;
        return false;
    }
    return true;
}

/* ---- appending ------------------------------------------------------------------------- */

const struct history_finding *history_findFinding(const struct history_entry *e,
                                                  const char *signature) {
    for (size_t i = 0; i < e->nfindings; i++) {
        if (strcmp(e->findings[i].signature, signature) == 0) {
            return &e->findings[i];
        }
    }
    return NULL;
}

const struct history_lost *history_findLost(const struct history_entry *e, const char *scenario) {
    for (size_t i = 0; i < e->nlost; i++) {
        if (strcmp(e->lost[i].scenario, scenario) == 0) {
            return &e->lost[i];
        }
    }
    return NULL;
}

static bool history_seenBefore(const struct history *h, const char *signature) {
    for (size_t i = 0; i < h->count; i++) {
        if (history_findFinding(&h->entries[i], signature) != NULL) {
            return true;
        }
    }
    return false;
}

void history_append(struct history *h, const struct output_run *run, time_t date) {
    struct history_entry e = {0};
    static const struct finding_set none = {0};
    const struct finding_set *findings = run->findings ? run->findings : &none;
    e.date = date;
    e.version = util_dup(run->tool_version);
    e.runtime = util_dup(run->runtime_key);
    e.seed = run->seed;
    e.scenarios = (long)run->nscenarios;
    for (size_t i = 0; i < run->nscenarios; i++) {
        const char *verdict = output_verdictName(run->scenarios[i]);
        e.passed += verdict[0] == 'p';
        e.failed += verdict[0] == 'f';
        e.errors += verdict[0] == 'e';
    }
    e.findings_total = (long)findings->count;
    e.new_findings = (long)finding_countNew(findings);
    e.findings = calloc(findings->count + 1, sizeof(*e.findings));
    if (e.findings == NULL) {
        abort();
    }
    for (size_t i = 0; i < findings->count; i++) {
        const struct finding *f = &findings->items[i];
        e.first_seen += !history_seenBefore(h, f->signature);
        e.occurrences += f->count;
        e.findings[e.nfindings++] =
            (struct history_finding){util_dup(f->signature), util_dup(f->kind), f->count, f->known};
    }
    e.lost = calloc(run->nscenarios + 1, sizeof(*e.lost));
    if (e.lost == NULL) {
        abort();
    }
    for (size_t i = 0; i < run->nscenarios; i++) {
        const struct scenario_verdict *v = run->scenarios[i];
        const struct results *r = &v->merged;
        if (!r->has_counts || v->name == NULL) {
            continue;
        }
        long long lost = r->expected - r->observed;
        e.lost[e.nlost++] = (struct history_lost){
            util_dup(v->name), r->done,
            r->expected,       lost,
            r->lossy_states,   r->expected > 0 ? (double)lost / (double)r->expected : 0.0};
    }
    if (h->count >= HISTORY_MAX_ENTRIES) {
        size_t drop = h->count - HISTORY_MAX_ENTRIES + 1;
        for (size_t i = 0; i < drop; i++) {
            history_entryFree(&h->entries[i]);
        }
        memmove(h->entries, h->entries + drop, (h->count - drop) * sizeof(*h->entries));
        h->count -= drop;
    }
    h->entries = util_grow(h->entries, h->count, sizeof(*h->entries));
    h->entries[h->count++] = e;
}

/* ---- writing --------------------------------------------------------------------------- */

static void history_writeTime(struct jsonw *w, const char *key, time_t t) {
    struct tm tm;
    char text[32];
    jsonw_key(w, key);
    if (gmtime_r(&t, &tm) == NULL || strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
        jsonw_null(w);
        return;
    }
    jsonw_string(w, text);
}

char *history_render(const struct history *h, size_t *len) {
    struct jsonw w;
    jsonw_init(&w, 1);
    jsonw_beginObject(&w);
    jsonw_keyString(&w, "tool", "ftstress");
    jsonw_keyString(&w, "kind", "history");
    jsonw_keyInt(&w, "schema", 1);
    jsonw_key(&w, "entries");
    jsonw_beginArray(&w);
    for (size_t i = 0; i < h->count; i++) {
        const struct history_entry *e = &h->entries[i];
        char seed[24], id[17];
        jsonw_beginObject(&w);
        history_writeTime(&w, "date", e->date);
        jsonw_keyString(&w, "version", e->version);
        jsonw_keyString(&w, "runtime", e->runtime);
        snprintf(seed, sizeof(seed), "%" PRIu64, e->seed);
        jsonw_keyString(&w, "seed", seed);
        jsonw_keyInt(&w, "scenarios", e->scenarios);
        jsonw_keyInt(&w, "passed", e->passed);
        jsonw_keyInt(&w, "failed", e->failed);
        jsonw_keyInt(&w, "errors", e->errors);
        jsonw_keyInt(&w, "findings_total", e->findings_total);
        jsonw_keyInt(&w, "new_findings", e->new_findings);
        jsonw_keyInt(&w, "first_seen", e->first_seen);
        jsonw_keyInt(&w, "occurrences", e->occurrences);
        jsonw_key(&w, "findings");
        jsonw_beginArray(&w);
        for (size_t k = 0; k < e->nfindings; k++) {
            const struct history_finding *f = &e->findings[k];
            signature_id(f->signature, id);
            jsonw_beginObject(&w);
            jsonw_keyString(&w, "signature", f->signature);
            jsonw_keyString(&w, "id", id);
            jsonw_keyString(&w, "kind", f->kind);
            jsonw_keyInt(&w, "count", f->count);
            jsonw_keyBool(&w, "known", f->known);
            jsonw_endObject(&w);
        }
        jsonw_endArray(&w);
        jsonw_key(&w, "lost_updates");
        jsonw_beginArray(&w);
        for (size_t k = 0; k < e->nlost; k++) {
            const struct history_lost *l = &e->lost[k];
            jsonw_beginObject(&w);
            jsonw_keyString(&w, "scenario", l->scenario);
            jsonw_keyInt(&w, "iterations", l->iterations);
            jsonw_keyInt(&w, "expected", l->expected);
            jsonw_keyInt(&w, "lost", l->lost);
            jsonw_keyInt(&w, "lossy_states", l->lossy_states);
            jsonw_keyDouble(&w, "rate", l->rate);
            jsonw_endObject(&w);
        }
        jsonw_endArray(&w);
        jsonw_endObject(&w);
    }
    jsonw_endArray(&w);
    jsonw_endObject(&w);
    return jsonw_finish(&w, len);
}

bool history_write(const char *path, const struct history *h) {
    size_t len;
    char *doc = history_render(h, &len);
    bool ok = util_writeFileAtomic(path, doc, len);
    int saved = errno;
    free(doc);
    errno = saved;
    return ok;
}
