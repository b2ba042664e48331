/* corpus.c - saving and loading failing cases; see corpus.h. */
#include "corpus.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "manifest.h"
#include "scenario.h"
#include "schedule.h"
#include "util.h"

/* A controlled schedule's run: the schedule it took and the outcome a replay must match. */
static void corpus_appendSchedule(const struct ftstress_config *cfg, const struct run_record *rec,
                                  const struct results *results, char **text) {
    struct schedule_file f;
    if (cfg->schedule == SCHEDULE_FREE || !schedule_load(rec->dir, &f)) {
        return;
    }
    char *outcomes = schedule_outcomes(results);
    char *signatures = schedule_signatures(&rec->findings);
    util_appendf(text,
                 "schedule=%s\n"
                 "depth=%d\n"
                 "schedule_exact=%d\n"
                 "schedule_decisions=%" PRIu64 "\n"
                 "schedule_hash=%s\n"
                 "outcomes=%s\n"
                 "signatures=%s\n"
                 "schedule_seq=%s\n",
                 schedule_name(cfg->schedule), cfg->depth, f.watchdog == 0 && !f.truncated,
                 f.decisions, f.hash ? f.hash : "", outcomes, signatures, f.seq);
    free(outcomes);
    free(signatures);
    schedule_fileFree(&f);
}

char *corpus_save(const struct ftstress_config *cfg, const struct runtime *rt, const char *scenario,
                  const struct run_record *rec, const struct results *results,
                  const char *verdict) {
    if (!util_mkdirs(cfg->corpus_dir)) {
        LOG_P("cannot create corpus directory %s", cfg->corpus_dir);
        return NULL;
    }
    char *name = scenario_name(scenario);
    char *path = util_asprintf("%s/%s-%012" PRIx64 ".case", cfg->corpus_dir, name, rec->seed);
    char stamp[32];
    time_t now = time(NULL);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    const char *key = manifest_get(&rt->manifest, "key");
    char *text =
        util_asprintf("# ftstress case: replay with 'ftstress replay %s'\n"
                      "format=1\n"
                      "kind=scenario\n"
                      "scenario=%s\n"
                      "seed=%" PRIu64 "\n"
                      "threads=%d\n"
                      "iterations=%ld\n"
                      "stride=%d\n"
                      "time_budget=%g\n"
                      "timeout=%g\n"
                      "noise=%s\n"
                      "runtime=%s\n"
                      "verdict=%s\n"
                      "found_at=%s\n"
                      "run_dir=%s\n",
                      path, scenario, rec->seed, cfg->threads, cfg->iterations, cfg->stride,
                      cfg->time_budget, cfg->timeout, config_noiseName(cfg->noise), key ? key : "",
                      verdict, stamp, cfg->keep_dir ? rec->dir : "");
    corpus_appendSchedule(cfg, rec, results, &text);
    bool ok = util_writeFileAtomic(path, text, strlen(text));
    if (!ok) {
        LOG_P("cannot save case %s", path);
        free(path);
        path = NULL;
    }
    free(text);
    free(name);
    return path;
}

/* Reads a required numeric field; false after naming the case and the field. */
static bool corpus_number(const struct manifest *m, const char *key, double min, double max,
                          double *out) {
    const char *v = manifest_get(m, key);
    char *end;
    errno = 0;
    double d = v ? strtod(v, &end) : 0;
    if (v == NULL || errno != 0 || end == v || *end != '\0' || d < min || d > max) {
        LOG_E("%s: field '%s' is %s (need a number from %g to %g)", m->path, key,
              v ? "malformed" : "missing", min, max);
        return false;
    }
    *out = d;
    return true;
}

/* The optional schedule fields; false after naming a bad one. */
static bool corpus_loadSchedule(const struct manifest *m, struct corpus_case *c) {
    const char *schedule = manifest_get(m, "schedule");
    if (schedule == NULL) {
        return true;
    }
    double depth = SCHEDULE_DEFAULT_DEPTH;
    if (!schedule_parse(schedule, &c->schedule) ||
        (manifest_get(m, "depth") != NULL &&
         !corpus_number(m, "depth", 1, SCHEDULE_MAX_DEPTH, &depth))) {
        LOG_E("%s: field 'schedule' or 'depth' is malformed", m->path);
        return false;
    }
    c->depth = (int)depth;
    const char *seq = manifest_get(m, "schedule_seq");
    if (c->schedule != SCHEDULE_FREE && seq == NULL) {
        LOG_E("%s: field 'schedule_seq' is missing (schedule=%s records its decisions)", m->path,
              schedule);
        return false;
    }
    const char *exact = manifest_get(m, "schedule_exact");
    const char *decisions = manifest_get(m, "schedule_decisions");
    c->schedule_exact = exact != NULL && strcmp(exact, "1") == 0;
    c->schedule_decisions = decisions ? strtoull(decisions, NULL, 10) : 0;
    c->schedule_seq = util_dup(seq);
    c->schedule_hash = util_dup(manifest_get(m, "schedule_hash"));
    c->outcomes = util_dup(manifest_get(m, "outcomes"));
    c->signatures = util_dup(manifest_get(m, "signatures"));
    return true;
}

bool corpus_load(const char *path, struct corpus_case *c) {
    memset(c, 0, sizeof(*c));
    struct manifest m;
    char err[512];
    if (!manifest_load(path, &m, err, sizeof(err))) {
        LOG_E("%s", err);
        return false;
    }
    bool ok = false;
    const char *kind = manifest_get(&m, "kind");
    const char *scenario = manifest_get(&m, "scenario");
    const char *seed = manifest_get(&m, "seed");
    const char *noise = manifest_get(&m, "noise");
    double threads, iterations, stride, budget = 0, timeout = 120;
    if (kind == NULL || strcmp(kind, "scenario") != 0) {
        LOG_E("%s: not a scenario case (kind=%s)", path, kind ? kind : "missing");
    } else if (scenario == NULL || !util_isFile(scenario)) {
        LOG_E("%s: its scenario file '%s' does not exist", path, scenario ? scenario : "");
    } else if (seed == NULL) {
        LOG_E("%s: field 'seed' is missing", path);
    } else if (corpus_number(&m, "threads", 1, 256, &threads) &&
               corpus_number(&m, "iterations", 1, 1e9, &iterations) &&
               corpus_number(&m, "stride", 1, 1e5, &stride) &&
               (manifest_get(&m, "time_budget") == NULL ||
                corpus_number(&m, "time_budget", 0, 1e7, &budget)) &&
               (manifest_get(&m, "timeout") == NULL ||
                corpus_number(&m, "timeout", 0.001, 1e7, &timeout))) {
        c->scenario = strdup(scenario);
        c->seed = strtoull(seed, NULL, 10);
        c->threads = (int)threads;
        c->iterations = (long)iterations;
        c->stride = (int)stride;
        c->time_budget = budget;
        c->timeout = timeout;
        c->noise = noise && strcmp(noise, "off") == 0    ? NOISE_OFF
                   : noise && strcmp(noise, "high") == 0 ? NOISE_HIGH
                                                         : NOISE_LOW;
        const char *rt = manifest_get(&m, "runtime");
        c->runtime_key = rt && *rt ? strdup(rt) : NULL;
        const char *verdict = manifest_get(&m, "verdict");
        c->verdict = strdup(verdict ? verdict : "");
        ok = corpus_loadSchedule(&m, c);
    }
    manifest_free(&m);
    return ok;
}

void corpus_applyToConfig(const struct corpus_case *c, struct ftstress_config *cfg) {
    cfg->seed = c->seed;
    cfg->seed_given = true;
    cfg->threads = c->threads;
    cfg->iterations = c->iterations;
    cfg->stride = c->stride;
    cfg->time_budget = c->time_budget;
    cfg->timeout = c->timeout;
    cfg->noise = c->noise;
    cfg->runs = 1;
    cfg->schedule = c->schedule;
    cfg->depth = c->depth > 0 ? c->depth : SCHEDULE_DEFAULT_DEPTH;
}

void corpus_caseFree(struct corpus_case *c) {
    free(c->scenario);
    free(c->runtime_key);
    free(c->verdict);
    free(c->schedule_hash);
    free(c->schedule_seq);
    free(c->outcomes);
    free(c->signatures);
    memset(c, 0, sizeof(*c));
}
