/* fuzz_campaign.c - fuzzing one target; see fuzz_campaign.h. */
#include "fuzz_campaign.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_case.h"
#include "fuzz_minimize.h"
#include "log.h"
#include "manifest.h"
#include "tsan_report.h"
#include "util.h"

/* Candidates handed to one minimization process: a process start costs a
 * second or more under TSan, a candidate that does not fail costs its
 * repetitions; eight keeps both in proportion. */
#define FUZZ_MIN_BATCH 8

/* Seconds without progress (a new line in its results file, one per
 * iteration) before a process counts as hung: more than an iteration ever
 * takes, and more than the interpreter's start-up under TSan on a busy
 * machine. --timeout may lower it. */
#define FUZZ_STALL_SECONDS 20.0

static double fuzz_campaignStall(const struct fuzz_env *env) {
    return env->cfg->timeout < FUZZ_STALL_SECONDS ? env->cfg->timeout : FUZZ_STALL_SECONDS;
}

const struct fuzz_found *fuzz_campaignFound(const struct fuzz_campaign *c, const char *signature) {
    for (size_t i = 0; i < c->nfound; i++) {
        if (strcmp(c->found[i].signature, signature) == 0) {
            return &c->found[i];
        }
    }
    return NULL;
}

bool fuzz_campaignSame(const struct finding *f, const char *signature, const char *kind) {
    if (signature != NULL && strcmp(f->signature, signature) == 0) {
        return true;
    }
    /* A crash's site, a hang's stacks and a wrong result's histories vary
     * with the sequence; the kind is what a smaller sequence must keep. */
    static const char *const loose[] = {"crash", "hang", "linearizability", "invariant"};
    for (size_t i = 0; kind != NULL && i < sizeof(loose) / sizeof(loose[0]); i++) {
        if (strcmp(kind, loose[i]) == 0 && strcmp(f->kind, kind) == 0) {
            return true;
        }
    }
    return false;
}

char *fuzz_campaignStopWhen(const char *signature, const char *kind) {
    if (signature == NULL || kind == NULL || *kind == '\0') {
        return strdup("any");
    }
    if (strcmp(kind, "invariant") == 0 || strcmp(kind, "linearizability") == 0) {
        return strdup(kind);
    }
    if (strcmp(kind, "unexpected-exception") == 0) {
        /* unexpected-exception:LABEL:OP:TYPE, and LABEL may hold ':' itself */
        const char *type = strrchr(signature, ':');
        const char *op = type;
        while (op != NULL && op > signature && op[-1] != ':') {
            op--;
        }
        if (type == NULL || op == NULL || op == signature) {
            return strdup("any");
        }
        return util_asprintf("exception:%.*s:%s", (int)(type - op), op, type + 1);
    }
    if (!tsanreport_isKindName(kind)) {
        return strdup("none");
    }
    /* KIND:FILE:FUNCTION,FILE:FUNCTION,... -> tsan:FUNCTION,FUNCTION */
    const char *sites = strchr(signature, ':');
    char *out = strdup("tsan:");
    size_t names = 0;
    for (const char *p = sites ? sites + 1 : ""; *p;) {
        size_t n = strcspn(p, ",");
        const char *colon = NULL;
        for (size_t i = 0; i < n; i++) {
            if (p[i] == ':') {
                colon = p + i;
            }
        }
        const char *fn = colon ? colon + 1 : p;
        size_t fnlen = (size_t)(p + n - fn);
        if (fnlen > 0 && !(fnlen == 1 && *fn == '?')) {
            char *more = util_asprintf("%s%s%.*s", out, names ? "," : "", (int)fnlen, fn);
            free(out);
            out = more;
            names++;
        }
        p += n + (p[n] == ',');
    }
    if (names == 0) {
        free(out);
        return strdup("any");
    }
    return out;
}

char *fuzz_campaignVerdict(const struct fuzz_campaign *c) {
    if (c->error != NULL) {
        return strdup("skipped");
    }
    if (c->harness_error != NULL) {
        return strdup("could not fuzz");
    }
    bool races = false, crash = false, hang = false, wrong = false, other = false;
    for (size_t i = 0; i < c->findings.count; i++) {
        const char *kind = c->findings.items[i].kind;
        if (strcmp(kind, "crash") == 0) {
            crash = true;
        } else if (strcmp(kind, "hang") == 0) {
            hang = true;
        } else if (strcmp(kind, "unexpected-exception") == 0 || strcmp(kind, "invariant") == 0 ||
                   strcmp(kind, "linearizability") == 0) {
            wrong = true;
        } else if (tsanreport_isKindName(kind)) {
            races = true;
        } else {
            other = true;
        }
    }
    if (!races && !crash && !hang && !wrong && !other) {
        return strdup("no finding");
    }
    char *out = util_asprintf("%s%s%s%s%s", crash ? ", crash" : "", hang ? ", hang" : "",
                              wrong ? ", wrong results" : "", races ? ", races" : "",
                              other ? ", refcount anomalies" : "");
    memmove(out, out + 2, strlen(out + 2) + 1);
    return out;
}

static void fuzz_campaignAddFound(struct fuzz_campaign *c, struct fuzz_found *f) {
    c->found = util_grow(c->found, c->nfound, sizeof(*c->found));
    c->found[c->nfound++] = *f;
}

static bool fuzz_campaignOutcomeSeen(struct fuzz_campaign *c, const char *key) {
    return !util_addUnique(&c->outcome_keys, &c->outcomes, key);
}

static long fuzz_campaignLabel(const char *label) {
    char *end;
    long v = label ? strtol(label, &end, 10) : -1;
    return label && *label && *end == '\0' && v >= 0 ? v : -1;
}

/* A case describing plan for the campaign; strings borrowed, do not free. */
static struct fuzz_case fuzz_campaignCase(const struct fuzz_env *env, const struct fuzz_campaign *c,
                                          uint64_t seed, long iteration,
                                          const struct fuzz_plan *plan) {
    struct fuzz_case k = {0};
    k.target = c->spec;
    k.label = c->label;
    k.seed = seed;
    k.iteration = iteration;
    size_t active = fuzz_planActiveThreads(plan);
    k.threads = active > 0 ? (int)plan->nthreads : c->threads;
    k.ops = c->ops;
    k.noise = env->cfg->noise;
    k.timeout = env->cfg->timeout;
    k.runtime_key = (char *)manifest_get(&env->rt->manifest, "key");
    k.reproduced = -1;
    k.plan = *plan;
    return k;
}

static void fuzz_campaignSaveOutcomes(const struct fuzz_env *env, struct fuzz_campaign *c,
                                      const struct fuzz_run *run, uint64_t seed, bool save) {
    for (size_t i = 0; i < run->res.nevents; i++) {
        const struct fuzz_event *e = &run->res.events[i];
        if (e->type != FUZZ_EVENT_OUTCOME) {
            continue;
        }
        char *key = util_asprintf("%s\t%s", e->op, e->message);
        bool seen = fuzz_campaignOutcomeSeen(c, key);
        free(key);
        if (seen || !save || c->outcome_cases >= FUZZ_CAMPAIGN_MAX_OUTCOME_CASES) {
            continue;
        }
        struct fuzz_plan plan;
        if (!fuzz_resultsPlan(&run->res, e->label, &plan)) {
            continue;
        }
        struct fuzz_case k = fuzz_campaignCase(env, c, seed, fuzz_campaignLabel(e->label), &plan);
        char *verdict = util_asprintf("new outcome: %s raised %s", e->op, e->message);
        k.verdict = verdict;
        k.kind = "outcome";
        char *safe = fuzz_caseSafeName(c->label);
        char *what = util_asprintf("%s-%s", e->op, e->message);
        char *safe_what = fuzz_caseSafeName(what);
        char *name = util_asprintf("fuzz-%s-outcome-%s.case", safe, safe_what);
        char *path = fuzz_caseSave(env->cfg->corpus_dir, name, &k);
        c->outcome_cases += path != NULL;
        free(path);
        free(name);
        free(safe_what);
        free(what);
        free(safe);
        free(verdict);
        fuzz_planFree(&plan);
    }
}

int fuzz_campaignCheck(const struct fuzz_env *env, const char *spec, const char *label,
                       const struct fuzz_plan *plan, uint64_t seed, int repeat, double seconds,
                       const char *signature, const char *kind, const char *dir,
                       struct fuzz_run *out) {
    if (out != NULL) {
        memset(out, 0, sizeof(*out));
    }
    if (!util_mkdirs(dir)) {
        LOG_P("cannot create %s", dir);
        return -1;
    }
    char *seq = util_asprintf("%s/sequences", dir);
    if (!fuzz_planWriteSequences(seq, plan, 1)) {
        LOG_P("cannot write %s", seq);
        free(seq);
        return -1;
    }
    /* A race is not stopped for: the harness's check of a TSan report is by
     * function names only, and a report naming the same functions at other
     * sites would end the replay early. TSan reports each race once, so
     * running on costs only the repetitions. */
    char *stop_when = kind != NULL && tsanreport_isKindName(kind)
                          ? strdup("none")
                          : fuzz_campaignStopWhen(signature, kind);
    struct fuzz_request req = {.target = spec,
                               .label = label,
                               .seed = seed,
                               .threads = (int)plan->nthreads,
                               .sequences = seq,
                               .repeat = repeat,
                               .candidate_seconds = seconds,
                               .time_budget = seconds,
                               .stop_when = stop_when,
                               .timeout = fuzz_campaignStall(env),
                               .dir = dir};
    struct fuzz_run run;
    bool ran = fuzz_execRun(env, &req, &run);
    free(stop_when);
    if (!ran) {
        free(seq);
        fuzz_runFree(&run);
        return -1;
    }
    int shown = 0;
    for (size_t i = 0; i < run.rec.findings.count; i++) {
        shown |= fuzz_campaignSame(&run.rec.findings.items[i], signature, kind);
    }
    if (run.target_error) {
        LOG_E("%s", run.res.error);
        shown = -1;
    }
    if (out != NULL) {
        *out = run;
    } else {
        fuzz_runFree(&run);
    }
    free(seq);
    return shown;
}

/* How many of n candidates a minimization process ran, and which one kept
 * the finding (-1: none). */
static size_t fuzz_campaignTested(const struct fuzz_run *run, size_t n, const char *signature,
                                  const char *kind, long *failed) {
    *failed = -1;
    for (size_t i = 0; i < run->rec.findings.count; i++) {
        const struct finding *f = &run->rec.findings.items[i];
        if (!fuzz_campaignSame(f, signature, kind)) {
            continue;
        }
        const struct fuzz_origin *o = fuzz_execOrigin(run, f->signature);
        long j = o ? fuzz_campaignLabel(o->label) : -1;
        if (j >= 0 && (size_t)j < n && (*failed < 0 || j < *failed)) {
            *failed = j;
        }
    }
    size_t tested = (size_t)run->res.candidates_done;
    if (run->res.stopped != NULL) {
        tested = (size_t)fuzz_campaignLabel(run->res.stopped) + 1;
    } else if (run->rec.crashed || run->rec.hung) {
        tested = (size_t)(fuzz_campaignLabel(run->res.last_iter) + 1);
    }
    if (*failed >= 0 && tested < (size_t)*failed + 1) {
        tested = (size_t)*failed + 1;
    }
    return tested < n ? tested : n;
}

static void fuzz_campaignMinimize(const struct fuzz_env *env, struct fuzz_campaign *c,
                                  struct fuzz_found *found, size_t index, double deadline,
                                  volatile sig_atomic_t *stop) {
    bool tsan = tsanreport_isKindName(found->kind);
    /* A TSan report needs only two accesses without a happens-before edge,
     * which a sequence gives on (nearly) every run; what the harness sees
     * itself (exceptions, wrong results, crashes) needs the timing, so more
     * tries. TSan reports a race once per process, so a process testing
     * candidates for a race does not stop at the first that shows it: the
     * first candidate (in preference order) that reports it is the one
     * kept, and the others cost a few repetitions each instead of a new
     * process each. */
    int repeat = tsan ? 20 : 60;
    double per = tsan ? 0.5 : 2.0;
    size_t batch = tsan ? 2 * FUZZ_MIN_BATCH : FUZZ_MIN_BATCH;
    char *safe = fuzz_caseSafeName(c->label);
    char *stop_when = fuzz_campaignStopWhen(found->signature, found->kind);
    found->original_ops = fuzz_planOps(&found->plan);
    struct fuzz_min m;
    size_t active = fuzz_planActiveThreads(&found->plan);
    fuzz_minInit(&m, &found->plan, tsan ? (active < 2 ? active : 2) : 1);
    const struct finding *fi = finding_find(&c->findings, found->signature);
    if (fi != NULL) {
        char *text =
            util_asprintf("%s\n%s\n%s", fi->title ? fi->title : "", fi->detail ? fi->detail : "",
                          fi->python_stack ? fi->python_stack : "");
        fuzz_minSetHint(&m, text);
        free(text);
    }
    /* The first batch ends with the sequence itself: if no smaller one keeps
     * the finding, that tells whether the sequence shows it again at all. */
    bool confirmed = false;
    for (int round = 0; !*stop && util_now() < deadline; round++) {
        struct fuzz_plan *cands = NULL;
        size_t n = fuzz_minNext(&m, &cands, batch);
        size_t total = n;
        if (!confirmed) {
            cands = util_grow(cands, n, sizeof(*cands));
            fuzz_planCopy(&cands[n], &m.best);
            total = n + 1;
        }
        if (total == 0) {
            break;
        }
        char *rdir = util_asprintf("%s/%s/min-%zu-%03d", env->work, safe, index, round);
        char *seq = util_asprintf("%s/sequences", rdir);
        double left = deadline - util_now();
        struct fuzz_request req = {.target = c->spec,
                                   .label = c->label,
                                   .seed = found->seed,
                                   .threads = c->threads,
                                   .sequences = seq,
                                   .repeat = repeat,
                                   .candidate_seconds = per,
                                   .stop_when = stop_when,
                                   .stop_candidate_only = tsan,
                                   .time_budget = left > 1 ? left : 1,
                                   .timeout = fuzz_campaignStall(env),
                                   .dir = rdir};
        for (size_t i = 0; i < total; i++) {
            if ((int)cands[i].nthreads > req.threads) {
                req.threads = (int)cands[i].nthreads;
            }
        }
        struct fuzz_run run;
        bool ok = util_mkdirs(rdir) && fuzz_planWriteSequences(seq, cands, total) &&
                  fuzz_execRun(env, &req, &run);
        bool give_up = !ok;
        if (ok) {
            long failed;
            size_t tested =
                fuzz_campaignTested(&run, total, found->signature, found->kind, &failed);
            if (!confirmed) {
                if (failed >= 0) {
                    confirmed = true;
                } else if (tested >= total) {
                    give_up = true; /* not even the whole sequence showed it again */
                }
                if (failed == (long)n) {
                    failed = -1; /* only the whole sequence: no reduction this time */
                }
                if (tested > n) {
                    tested = n;
                }
            }
            if (!give_up) {
                fuzz_minReport(&m, cands, n, tested, failed);
            }
            LOG_D("minimize %s: round %d, %zu candidates, ran %zu, kept by %ld: now %zu ops",
                  found->signature, round, total, tested, failed, fuzz_planOps(&m.best));
            fuzz_runFree(&run);
        }
        fuzz_minFreeCandidates(cands, total);
        free(seq);
        free(rdir);
        if (give_up || (n == 0 && confirmed)) {
            break;
        }
    }
    found->reproduced = confirmed ? 1 : 0;
    if (confirmed) {
        fuzz_planFree(&found->plan);
        fuzz_planCopy(&found->plan, &m.best);
        found->minimized_ops = fuzz_planOps(&m.best);
    }
    found->min_tests = m.tested;
    found->min_done = m.done;
    fuzz_minFree(&m);
    free(stop_when);
    free(safe);
}

bool fuzz_campaignDrawPlan(const struct fuzz_env *env, const char *spec, const char *label,
                           uint64_t seed, long iteration, int threads, int ops, const char *dir,
                           struct fuzz_plan *out) {
    memset(out, 0, sizeof(*out));
    struct fuzz_request req = {.target = spec,
                               .label = label,
                               .seed = seed,
                               .threads = threads,
                               .ops = ops,
                               .first_iteration = iteration,
                               .iterations = 1,
                               .plan_only = true,
                               .timeout = fuzz_campaignStall(env),
                               .dir = dir};
    struct fuzz_run run;
    if (!fuzz_execRun(env, &req, &run)) {
        fuzz_runFree(&run);
        return false;
    }
    char *it = util_asprintf("%ld", iteration);
    bool ok = fuzz_resultsPlan(&run.res, it, out);
    free(it);
    fuzz_runFree(&run);
    return ok;
}

/* Records the findings of run that the campaign (begun at util_now() time
 * campaign_start) had not seen. */
static size_t fuzz_campaignCollect(struct fuzz_campaign *c, const struct fuzz_run *run,
                                   uint64_t seed, int process, double campaign_start,
                                   double process_start) {
    size_t fresh = 0;
    for (size_t i = 0; i < run->rec.findings.count; i++) {
        const struct finding *f = &run->rec.findings.items[i];
        if (finding_find(&c->findings, f->signature) != NULL) {
            continue;
        }
        const struct fuzz_origin *o = fuzz_execOrigin(run, f->signature);
        struct fuzz_found found = {0};
        found.signature = strdup(f->signature);
        found.kind = strdup(f->kind);
        found.seed = seed;
        found.process = process;
        found.iteration = o ? fuzz_campaignLabel(o->label) : -1;
        found.reproduced = -1;
        if (o != NULL && o->seconds >= 0 && run->res.started > 0) {
            /* The harness stamps when it began on the same clock. */
            found.at = run->res.started + o->seconds - campaign_start;
        } else {
            found.at = process_start + run->rec.proc.seconds;
        }
        if (o != NULL && o->label != NULL) {
            fuzz_resultsPlan(&run->res, o->label, &found.plan);
        }
        fuzz_campaignAddFound(c, &found);
        fresh++;
    }
    finding_merge(&c->findings, &run->rec.findings);
    return fresh;
}

bool fuzz_campaignRun(const struct fuzz_env *env, const char *spec, const char *label,
                      const struct fuzz_campaignOptions *opt, volatile sig_atomic_t *stop,
                      struct fuzz_campaign *c) {
    const struct ftstress_config *cfg = env->cfg;
    memset(c, 0, sizeof(*c));
    c->spec = strdup(spec);
    c->label = strdup(label);
    c->threads = cfg->threads;
    c->ops = cfg->ops;
    char *safe = fuzz_caseSafeName(label);
    double start = util_now();
    bool ok = true;
    for (int i = 0; !*stop; i++) {
        double slice = 0;
        long iterations = 0;
        if (opt->budget > 0) {
            double remaining = opt->budget - (util_now() - start);
            if (i > 0 && remaining < 1.0) {
                break;
            }
            int left = opt->runs - i;
            slice = left > 1 ? remaining / left : remaining;
            slice = slice < 1.0 ? 1.0 : slice;
        } else if (i >= opt->runs) {
            break;
        } else {
            iterations = opt->iterations;
        }
        uint64_t seed = cfg->seed_given && opt->runs == 1 && i == 0
                            ? cfg->seed
                            : engine_runSeed(cfg->seed, label, i);
        char *dir = util_asprintf("%s/%s/proc-%03d-%" PRIu64, env->work, safe, i, seed);
        struct fuzz_request req = {.target = spec,
                                   .label = label,
                                   .seed = seed,
                                   .threads = cfg->threads,
                                   .ops = cfg->ops,
                                   .iterations = iterations,
                                   .time_budget = slice,
                                   .timeout = fuzz_campaignStall(env),
                                   .dir = dir};
        double process_start = util_now() - start;
        struct fuzz_run run;
        ok = fuzz_execRun(env, &req, &run);
        free(dir);
        if (!ok) {
            fuzz_runFree(&run);
            break;
        }
        c->processes++;
        if (run.target_error) {
            c->error = strdup(run.res.error);
            fuzz_runFree(&run);
            break;
        }
        if (run.harness_error && run.rec.findings.count > 0) {
            /* The harness failed after the target's races in the same
             * process (BytesIO's corrupt the heap, and then io.BytesIO(b"..")
             * can raise TypeError): the target's doing, not ftstress's. The
             * process ended; a new one goes on, as after a crash. */
            LOG_W("%s: %s, after %zu findings in the process: taken for the target's damage "
                  "(its races may corrupt the interpreter), not an error of ftstress",
                  label, run.harness_message, run.rec.findings.count);
        } else if (run.harness_error) {
            /* What it found before stays; the campaign cannot go on. */
            c->harness_error = run.harness_message;
            c->harness_detail = run.harness_detail;
            run.harness_message = run.harness_detail = NULL;
        }
        if (run.res.pairs_seen > c->pairs_seen) {
            fuzz_resultsFreePairs(c->pair_hits, c->npair_hits);
            fuzz_resultsFreePairs(c->pair_top, c->npair_top);
            c->pairs_seen = run.res.pairs_seen;
            c->pairs_possible = run.res.pairs_possible;
            c->pair_hits = run.res.pair_hits;
            c->npair_hits = run.res.npair_hits;
            c->pair_top = run.res.pair_top;
            c->npair_top = run.res.npair_top;
            run.res.pair_hits = run.res.pair_top = NULL;
            run.res.npair_hits = run.res.npair_top = 0;
        }
        if (c->skipped == NULL && run.res.nskipped > 0) {
            c->skipped = run.res.skipped;
            c->nskipped = run.res.nskipped;
            run.res.skipped = NULL;
            run.res.nskipped = 0;
        }
        if (c->mode == NULL && run.res.mode != NULL) {
            c->mode = strdup(run.res.mode);
            c->nops = run.res.nops;
            c->threads = run.res.threads ? run.res.threads : c->threads;
            c->ops = run.res.ops_per_thread ? run.res.ops_per_thread : c->ops;
        }
        c->iterations += run.res.iterations;
        c->ops_done += run.res.ops_done;
        c->fuzz_seconds += run.res.seconds;
        c->lin_checked += run.res.lin_checked;
        c->lin_undecided += run.res.lin_undecided;
        c->crashes += run.rec.crashed;
        c->hangs += run.rec.hung;
        size_t fresh = fuzz_campaignCollect(c, &run, seed, i + 1, start, process_start);
        fuzz_campaignSaveOutcomes(env, c, &run, seed, opt->save_cases);
        if (opt->progress != NULL) {
            fprintf(opt->progress,
                    "  process %d seed %" PRIu64
                    ": %ld iterations, %ld ops in %.1f s (%.0f ops/s)%s%s, "
                    "%zu new finding%s\n",
                    i + 1, seed, run.res.iterations, run.res.ops_done, run.rec.proc.seconds,
                    run.res.seconds > 0 ? (double)run.res.ops_done / run.res.seconds : 0.0,
                    run.rec.crashed            ? ", crashed: "
                    : run.rec.hung             ? ", hung"
                    : c->harness_error != NULL ? ", stopped: the harness failed (ftstress's error)"
                                               : "",
                    run.rec.crashed && run.rec.crash_reason ? run.rec.crash_reason : "", fresh,
                    fresh == 1 ? "" : "s");
            fflush(opt->progress);
        }
        fuzz_runFree(&run);
        if (c->harness_error != NULL) {
            break;
        }
    }
    free(safe);
    if (!ok) {
        return false;
    }
    /* Crashes and hangs end the process before the harness can write the
     * iteration's plan: draw it again. */
    safe = fuzz_caseSafeName(label);
    for (size_t i = 0; i < c->nfound && !*stop; i++) {
        struct fuzz_found *f = &c->found[i];
        if (f->plan.nthreads == 0 && f->iteration >= 0) {
            char *dir = util_asprintf("%s/%s/plan-%zu", env->work, safe, i);
            fuzz_campaignDrawPlan(env, c->spec, c->label, f->seed, f->iteration, c->threads, c->ops,
                                  dir, &f->plan);
            free(dir);
        }
    }
    if (opt->minimize && c->nfound > 0) {
        double began = util_now();
        double deadline = began + opt->minimize_budget;
        /* Crashes first, then wrong results, then races; each gets a share
         * of the time so the first one cannot take it all. */
        /* Passes 0-2 take the first race, wrong result and crash; passes
         * 3-5 the rest in the same order. Races come first because they
         * shrink reliably (TSan needs no lucky timing), crashes last because
         * a rare one may not show again in any number of tries; each gets a
         * share of the time so that one finding cannot take it all. */
        bool *tried = calloc(c->nfound, sizeof(*tried));
        if (tried == NULL) {
            abort();
        }
        for (int pass = 0; pass < 6; pass++) {
            for (size_t i = 0; i < c->nfound && !*stop && util_now() < deadline; i++) {
                struct fuzz_found *f = &c->found[i];
                int rank = tsanreport_isKindName(f->kind)  ? 0
                           : strcmp(f->kind, "crash") == 0 ? 2
                                                           : 1;
                if (tried[i] || rank != pass % 3 || f->plan.nthreads == 0 ||
                    strcmp(f->kind, "hang") == 0) {
                    continue;
                }
                tried[i] = true;
                double left = deadline - util_now();
                double share = opt->minimize_budget / 4;
                double mine = util_now() + (share > 7 ? share : 7);
                if (opt->progress != NULL) {
                    fprintf(opt->progress, "  minimizing %s %s (%zu ops, %.0f s at most)\n",
                            f->kind, f->signature, fuzz_planOps(&f->plan),
                            mine - util_now() < left ? mine - util_now() : left);
                    fflush(opt->progress);
                }
                fuzz_campaignMinimize(env, c, f, i, mine < deadline ? mine : deadline, stop);
                if (pass < 3) {
                    break;
                }
            }
        }
        free(tried);
        c->minimize_seconds = util_now() - began;
    }
    if (opt->save_cases) {
        for (size_t i = 0; i < c->nfound; i++) {
            struct fuzz_found *f = &c->found[i];
            if (f->plan.nthreads == 0 && f->iteration < 0) {
                continue; /* nothing would replay it: seen outside any iteration */
            }
            const struct finding *fi = finding_find(&c->findings, f->signature);
            struct fuzz_case k = fuzz_campaignCase(env, c, f->seed, f->iteration, &f->plan);
            k.verdict = fi ? fi->title : f->signature;
            k.kind = f->kind;
            k.signature = f->signature;
            k.original_ops = f->minimized_ops > 0 ? f->original_ops : 0;
            k.reproduced = f->reproduced;
            char *name = util_asprintf("fuzz-%s-%s.case", safe, fi ? fi->id : "unknown");
            f->case_path = fuzz_caseSave(cfg->corpus_dir, name, &k);
            free(name);
        }
    }
    free(safe);
    c->seconds = util_now() - start;
    return true;
}

void fuzz_campaignFree(struct fuzz_campaign *c) {
    fuzz_resultsFreePairs(c->pair_hits, c->npair_hits);
    fuzz_resultsFreePairs(c->pair_top, c->npair_top);
    free(c->harness_error);
    free(c->harness_detail);
    for (size_t i = 0; i < c->nskipped; i++) {
        free(c->skipped[i].name);
        free(c->skipped[i].reason);
    }
    free(c->skipped);
    free(c->spec);
    free(c->label);
    free(c->mode);
    free(c->error);
    finding_setFree(&c->findings);
    for (size_t i = 0; i < c->nfound; i++) {
        free(c->found[i].signature);
        free(c->found[i].kind);
        free(c->found[i].case_path);
        fuzz_planFree(&c->found[i].plan);
    }
    free(c->found);
    for (size_t i = 0; i < c->outcomes; i++) {
        free(c->outcome_keys[i]);
    }
    free(c->outcome_keys);
    memset(c, 0, sizeof(*c));
}
