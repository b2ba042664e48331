/* output_json.c - the JSON report; see output_json.h and ci/report-schema.md. */
#include "output_json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "json_writer.h"
#include "results.h"
#include "signature.h"
#include "util.h"

/* A seed as a decimal string; why strings, see output_json.h. */
static void output_jsonSeed(struct jsonw *w, uint64_t seed) {
    char num[24];
    snprintf(num, sizeof(num), "%" PRIu64, seed);
    jsonw_string(w, num);
}

/* ISO 8601 in UTC, or null for a time never set. */
static void output_jsonTime(struct jsonw *w, const char *key, time_t t) {
    struct tm tm;
    char text[32];
    jsonw_key(w, key);
    if (t == 0 || gmtime_r(&t, &tm) == NULL ||
        strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
        jsonw_null(w);
        return;
    }
    jsonw_string(w, text);
}

static void output_jsonOutcomes(struct jsonw *w, const struct results *r) {
    jsonw_key(w, "outcomes");
    jsonw_beginArray(w);
    for (size_t i = 0; i < r->noutcomes; i++) {
        const struct outcome *o = &r->outcomes[i];
        jsonw_beginObject(w);
        jsonw_keyString(w, "result", o->result);
        jsonw_keyInt(w, "samples", o->samples);
        jsonw_keyString(w, "class", results_className(o->cls));
        jsonw_keyString(w, "description", o->description ? o->description : "");
        jsonw_endObject(w);
    }
    jsonw_endArray(w);
}

static void output_jsonScenario(struct jsonw *w, const struct scenario_verdict *v) {
    const struct results *r = &v->merged;
    jsonw_beginObject(w);
    jsonw_keyString(w, "name", v->name);
    jsonw_keyString(w, "kind", verdict_kindName(v->kind));
    jsonw_keyString(w, "path", v->path);
    jsonw_keyString(w, "description",
                    r->description != NULL && r->description[0] ? r->description : NULL);
    jsonw_keyString(w, "verdict", output_verdictName(v));
    jsonw_keyInt(w, "runs", v->runs);
    jsonw_keyInt(w, "iterations", r->done);
    jsonw_keyDouble(w, "seconds", v->seconds);
    output_jsonOutcomes(w, r);
    jsonw_key(w, "lost_updates");
    if (r->has_counts) {
        jsonw_beginObject(w);
        jsonw_keyInt(w, "expected", r->expected);
        jsonw_keyInt(w, "observed", r->observed);
        jsonw_keyInt(w, "lost", r->expected - r->observed);
        jsonw_keyInt(w, "lossy_states", r->lossy_states);
        jsonw_endObject(w);
    } else {
        jsonw_null(w);
    }
    jsonw_key(w, "first_failure_seconds");
    if (r->has_first_failure) {
        jsonw_double(w, r->first_failure_seconds);
    } else {
        jsonw_null(w);
    }
    jsonw_keyInt(w, "crashes", v->crashes);
    jsonw_keyInt(w, "hangs", v->hangs);
    jsonw_keyInt(w, "tsan_reports", v->tsan_reports);
    jsonw_keyString(w, "error", v->error);
    jsonw_keyString(w, "case", v->case_path);
    jsonw_key(w, "failing_seeds");
    jsonw_beginArray(w);
    for (int i = 0; i < v->nfailing_seeds; i++) {
        output_jsonSeed(w, v->failing_seeds[i]);
    }
    jsonw_endArray(w);
    jsonw_key(w, "findings");
    jsonw_beginArray(w);
    for (size_t i = 0; i < v->findings.count; i++) {
        /* Recomputed rather than trusting id[]: the rule is the signature's. */
        char id[17];
        signature_id(v->findings.items[i].signature, id);
        jsonw_string(w, id);
    }
    jsonw_endArray(w);
    jsonw_endObject(w);
}

static void output_jsonFinding(struct jsonw *w, const struct finding *f) {
    char id[17];
    signature_id(f->signature, id);
    jsonw_beginObject(w);
    jsonw_keyString(w, "id", id);
    jsonw_keyString(w, "signature", f->signature);
    jsonw_keyString(w, "kind", f->kind);
    jsonw_keyString(w, "title", f->title);
    jsonw_keyBool(w, "known", f->known);
    jsonw_keyInt(w, "count", f->count);
    output_jsonTime(w, "first_seen", f->first_seen);
    output_jsonTime(w, "last_seen", f->last_seen);
    jsonw_key(w, "seeds");
    jsonw_beginArray(w);
    for (int i = 0; i < f->nseeds; i++) {
        output_jsonSeed(w, f->seeds[i]);
    }
    jsonw_endArray(w);
    jsonw_keyString(w, "scenario", f->scenario);
    jsonw_key(w, "location");
    if (f->file != NULL || f->function != NULL) {
        jsonw_beginObject(w);
        jsonw_keyString(w, "file", f->file);
        jsonw_key(w, "line");
        if (f->line > 0) {
            jsonw_int(w, f->line);
        } else {
            jsonw_null(w);
        }
        jsonw_keyString(w, "function", f->function);
        jsonw_endObject(w);
    } else {
        jsonw_null(w);
    }
    jsonw_keyString(w, "detail", f->detail ? f->detail : "");
    jsonw_keyString(w, "python_stack", f->python_stack);
    jsonw_endObject(w);
}

char *output_jsonRender(const struct output_run *run, size_t *len) {
    static const struct finding_set none = {0};
    const struct finding_set *findings = run->findings ? run->findings : &none;
    struct jsonw w;
    jsonw_init(&w, 2);
    jsonw_beginObject(&w);
    jsonw_keyString(&w, "tool", "ftstress");
    jsonw_keyString(&w, "version", run->tool_version);
    jsonw_keyInt(&w, "schema", 1);

    jsonw_key(&w, "runtime");
    jsonw_beginObject(&w);
    jsonw_keyString(&w, "version", run->runtime_version);
    jsonw_keyString(&w, "flavour", run->runtime_flavour);
    jsonw_keyString(&w, "key", run->runtime_key);
    jsonw_endObject(&w);

    jsonw_key(&w, "parameters");
    jsonw_beginObject(&w);
    jsonw_keyInt(&w, "threads", run->threads);
    jsonw_keyInt(&w, "iterations", run->iterations);
    jsonw_keyInt(&w, "runs", run->runs);
    jsonw_key(&w, "seed");
    output_jsonSeed(&w, run->seed);
    jsonw_keyString(&w, "noise", run->noise);
    jsonw_endObject(&w);

    int passed = 0, failed = 0, errors = 0;
    jsonw_key(&w, "scenarios");
    jsonw_beginArray(&w);
    for (size_t i = 0; i < run->nscenarios; i++) {
        const struct scenario_verdict *v = run->scenarios[i];
        const char *verdict = output_verdictName(v);
        passed += verdict[0] == 'p';
        failed += verdict[0] == 'f';
        errors += verdict[0] == 'e';
        output_jsonScenario(&w, v);
    }
    jsonw_endArray(&w);

    jsonw_key(&w, "findings");
    jsonw_beginArray(&w);
    for (size_t i = 0; i < findings->count; i++) {
        output_jsonFinding(&w, &findings->items[i]);
    }
    jsonw_endArray(&w);

    jsonw_key(&w, "summary");
    jsonw_beginObject(&w);
    jsonw_keyInt(&w, "scenarios", (long long)run->nscenarios);
    jsonw_keyInt(&w, "passed", passed);
    jsonw_keyInt(&w, "failed", failed);
    jsonw_keyInt(&w, "errors", errors);
    jsonw_keyInt(&w, "findings", (long long)findings->count);
    jsonw_keyInt(&w, "new_findings", (long long)finding_countNew(findings));
    jsonw_endObject(&w);

    jsonw_endObject(&w);
    return jsonw_finish(&w, len);
}

bool output_jsonWrite(const char *path, const struct output_run *run) {
    size_t len;
    char *doc = output_jsonRender(run, &len);
    bool ok = util_writeFileAtomic(path, doc, len);
    int saved = errno; /* the caller reports the write's errno, not free's */
    free(doc);
    errno = saved;
    return ok;
}
