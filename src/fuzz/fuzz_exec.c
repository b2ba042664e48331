/* fuzz_exec.c - one fuzz harness process; see fuzz_exec.h. */
#include "fuzz_exec.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_crash.h"
#include "log.h"
#include "paths.h"
#include "signature.h"
#include "tsan_report.h"
#include "util.h"

/* One parser per process: compiling its patterns is the costly part. */
static struct tsanreport_parser *fuzz_execParser(void) {
    static struct tsanreport_parser *parser;
    if (parser == NULL) {
        parser = tsanreport_parserNew();
    }
    return parser;
}

static void fuzz_execAddOrigin(struct fuzz_run *run, const char *signature, const char *label,
                               double seconds) {
    if (fuzz_execOrigin(run, signature) != NULL) {
        return; /* the first occurrence is the one to minimize */
    }
    run->origins = util_grow(run->origins, run->norigins, sizeof(*run->origins));
    run->origins[run->norigins++] = (struct fuzz_origin){
        .signature = strdup(signature), .label = label ? strdup(label) : NULL, .seconds = seconds};
}

const struct fuzz_origin *fuzz_execOrigin(const struct fuzz_run *run, const char *signature) {
    for (size_t i = 0; i < run->norigins; i++) {
        if (strcmp(run->origins[i].signature, signature) == 0) {
            return &run->origins[i];
        }
    }
    return NULL;
}

/* The exception type at the start of "Type: message". Caller frees. */
static char *fuzz_execExceptionType(const char *message) {
    size_t n = strcspn(message, ": ");
    return n > 0 ? util_strndup(message, n) : strdup("false");
}

struct finding fuzz_execFinding(const struct fuzz_event *e, const char *label) {
    struct finding f = {0};
    const char *op = e->op ? e->op : "-";
    const char *message = e->message ? e->message : "";
    if (strcmp(e->kind, "exception") == 0) {
        char *type = fuzz_execExceptionType(message);
        f.signature = util_asprintf("unexpected-exception:%s:%s:%s", label, op, type);
        f.kind = strdup("unexpected-exception");
        f.title = util_asprintf("unexpected exception from %s (thread %d, operation %d): %s", op,
                                e->tid, e->opk, message);
        free(type);
    } else if (strcmp(e->kind, "invariant") == 0) {
        char *type =
            strstr(message, "returned False") ? strdup("false") : fuzz_execExceptionType(message);
        f.signature = util_asprintf("invariant:%s:%s", label, type);
        f.kind = strdup("invariant");
        f.title = util_asprintf("invariant violated after an iteration: %s", message);
        free(type);
    } else {
        f.signature = util_asprintf("%s:%s", e->kind, label);
        f.kind = strdup(e->kind);
        f.title = util_asprintf(
            "%s: %s", strcmp(e->kind, "linearizability") == 0 ? "wrong results" : e->kind, message);
    }
    f.detail = e->detail ? strdup(e->detail) : NULL;
    f.scenario = strdup(label);
    return f;
}

/* The end of the TSan log as far as the harness accounted for it. */
static long fuzz_execLoggedUpTo(const struct fuzz_results *res) {
    long end = 0;
    for (size_t i = 0; i < res->nevents; i++) {
        if (res->events[i].type == FUZZ_EVENT_TSAN && res->events[i].off_end > end) {
            end = res->events[i].off_end;
        }
    }
    return end;
}

/* Byte offset of each line start of text (1-based line n starts at starts[n-1]). */
static size_t *fuzz_execLineStarts(const char *text, size_t len, size_t *nlines) {
    size_t cap = 1024, n = 0;
    size_t *starts = malloc(cap * sizeof(*starts));
    if (starts == NULL) {
        abort();
    }
    starts[n++] = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n' && i + 1 < len) {
            if (n == cap) {
                cap *= 2;
                starts = realloc(starts, cap * sizeof(*starts));
                if (starts == NULL) {
                    abort();
                }
            }
            starts[n++] = i + 1;
        }
    }
    *nlines = n;
    return starts;
}

/* Gives each TSan report of the run's logs the iteration whose log bytes hold
 * its header: the harness wrote "tsan LABEL BEGIN END" whenever the log grew. */
static void fuzz_execAttributeTsan(struct fuzz_run *run) {
    DIR *d = opendir(run->rec.dir);
    if (d == NULL) {
        return;
    }
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (strncmp(ent->d_name, "tsan.", 5) != 0) {
            continue;
        }
        char *path = util_asprintf("%s/%s", run->rec.dir, ent->d_name);
        size_t len;
        char *text = util_readFile(path, &len);
        free(path);
        struct tsanreport_parser *parser = fuzz_execParser();
        if (text == NULL || parser == NULL) {
            free(text);
            continue;
        }
        struct tsanreport_list list = {0};
        tsanreport_parse(parser, text, len, &list);
        size_t nlines;
        size_t *starts = fuzz_execLineStarts(text, len, &nlines);
        for (size_t i = 0; i < list.count; i++) {
            const struct tsanreport_report *r = &list.reports[i];
            size_t at = r->line >= 1 && r->line <= nlines ? starts[r->line - 1] : 0;
            const struct fuzz_event *hit = NULL;
            for (size_t k = 0; k < run->res.nevents && hit == NULL; k++) {
                const struct fuzz_event *e = &run->res.events[k];
                if (e->type == FUZZ_EVENT_TSAN && (long)at >= e->off_begin &&
                    (long)at < e->off_end) {
                    hit = e;
                }
            }
            /* Past the last growth the harness saw: written during the
             * iteration it was in when it died (or the watchdog ended it). */
            bool in_last = r->kind == TSANREPORT_DEADLY_SIGNAL ||
                           (!run->res.final && (long)at >= fuzz_execLoggedUpTo(&run->res));
            char *sig = signature_ofReport(r);
            if (hit != NULL) {
                fuzz_execAddOrigin(run, sig, hit->label, hit->seconds);
            } else if (in_last && run->res.last_iter != NULL) {
                fuzz_execAddOrigin(run, sig, run->res.last_iter, -1);
            }
            free(sig);
        }
        free(starts);
        tsanreport_listFree(&list);
        free(text);
    }
    closedir(d);
}

/* Adds the harness's own findings (exceptions, invariant, linearizability). */
static void fuzz_execAddHarnessFindings(const struct fuzz_env *env, const struct fuzz_request *req,
                                        struct fuzz_run *run) {
    for (size_t i = 0; i < run->res.nevents; i++) {
        const struct fuzz_event *e = &run->res.events[i];
        if (e->type != FUZZ_EVENT_FINDING) {
            continue;
        }
        struct finding f = fuzz_execFinding(e, req->label);
        if (suppress_matchSignature(env->supp, f.signature)) {
            struct finding_set drop = {0};
            finding_add(&drop, &f, req->seed);
            finding_setFree(&drop);
            continue;
        }
        fuzz_execAddOrigin(run, f.signature, e->label, -1);
        finding_add(&run->rec.findings, &f, req->seed);
    }
    /* the GIL enabled by loading the target: the run proved nothing */
    if (run->res.gil_module != NULL) {
        struct finding g = {0};
        g.kind = strdup("gil-enabled");
        g.signature = util_asprintf("gil-enabled:%s", run->res.gil_module);
        g.title = util_asprintf("the GIL was enabled by importing %s: this fuzzing did NOT "
                                "exercise free-threading",
                                run->res.gil_module);
        g.detail = util_asprintf("%s does not declare that it can run without the GIL "
                                 "(Py_mod_gil); --gil-off (PYTHON_GIL=0) looks past it",
                                 run->res.gil_module);
        g.python_stack = strdup("");
        g.scenario = strdup(req->label);
        finding_add(&run->rec.findings, &g, req->seed);
    }
}

bool fuzz_execStuckInReportHook(const char *stacks) {
    for (const char *t = strstr(stacks, "thread "); t != NULL;) {
        const char *next = strstr(t + 1, "\nthread ");
        size_t len = next ? (size_t)(next - t) : strlen(t);
        char *block = util_strndup(t, len);
        const char *f2 = strstr(block, "#2 ");
        bool blocked = (strstr(block, "FutexWait") != NULL &&
                        strstr(block, "FutexWait") < (f2 ? f2 : block + len)) ||
                       (strstr(block, "Semaphore4Wait") != NULL &&
                        strstr(block, "Semaphore4Wait") < (f2 ? f2 : block + len));
        bool stuck = blocked && strstr(block, "__tsan_on_report") != NULL;
        free(block);
        if (stuck) {
            return true;
        }
        t = next ? next + 1 : NULL;
    }
    return false;
}

/* The watchdog asks a hung process for its Python stacks with SIGUSR1;
 * faulthandler's handler then trips TSan's signal checks ("signal handler
 * spoils errno" in faulthandler_user). Those reports are the watchdog's
 * doing, not the target's. */
static void fuzz_execDropWatchdogReports(struct finding_set *set) {
    struct finding_set kept = {0};
    for (size_t i = 0; i < set->count; i++) {
        const struct finding *f = &set->items[i];
        if (strstr(f->signature, "faulthandler_user") != NULL &&
            strncmp(f->kind, "signal", 6) == 0) {
            continue;
        }
        struct finding_set one = {.items = &set->items[i], .count = 1};
        finding_merge(&kept, &one);
    }
    finding_setFree(set);
    *set = kept;
}

/* Holds the argument strings of one request. */
struct fuzz_execArgs {
    const char *argv[ENGINE_MAX_ARGS];
    char *owned[16];
    int argc, nowned;
};

static void fuzz_execArg(struct fuzz_execArgs *a, const char *s) {
    if (a->argc < ENGINE_MAX_ARGS - 1) {
        a->argv[a->argc++] = s;
        a->argv[a->argc] = NULL;
    }
}

static void fuzz_execArgOwned(struct fuzz_execArgs *a, const char *opt, char *value) {
    fuzz_execArg(a, opt);
    if (a->nowned < 16) {
        a->owned[a->nowned++] = value;
        fuzz_execArg(a, value);
    } else {
        free(value);
    }
}

bool fuzz_execRun(const struct fuzz_env *env, const struct fuzz_request *req,
                  struct fuzz_run *run) {
    memset(run, 0, sizeof(*run));
    char *harness = paths_inHome("scenarios/fuzzharness.py");
    char *results = util_asprintf("%s/results", req->dir);
    struct fuzz_execArgs a = {0};
    fuzz_execArg(&a, harness);
    fuzz_execArg(&a, "--results");
    fuzz_execArg(&a, results);
    if (req->list_module != NULL) {
        fuzz_execArg(&a, "--list");
        fuzz_execArg(&a, req->list_module);
    } else {
        fuzz_execArg(&a, "--target");
        fuzz_execArg(&a, req->target);
    }
    fuzz_execArgOwned(&a, "--seed", util_asprintf("%" PRIu64, req->seed));
    fuzz_execArgOwned(&a, "--threads", util_asprintf("%d", req->threads > 0 ? req->threads : 2));
    if (req->ops > 0) {
        fuzz_execArgOwned(&a, "--ops", util_asprintf("%d", req->ops));
    }
    if (req->iterations > 0) {
        fuzz_execArgOwned(&a, "--iterations", util_asprintf("%ld", req->iterations));
    }
    if (req->first_iteration > 0) {
        fuzz_execArgOwned(&a, "--first-iteration", util_asprintf("%ld", req->first_iteration));
    }
    if (req->time_budget > 0) {
        fuzz_execArgOwned(&a, "--time-budget", util_asprintf("%.3f", req->time_budget));
    }
    if (req->sequences != NULL) {
        fuzz_execArg(&a, "--sequences");
        fuzz_execArg(&a, req->sequences);
        fuzz_execArgOwned(&a, "--repeat", util_asprintf("%d", req->repeat > 0 ? req->repeat : 1));
        if (req->candidate_seconds > 0) {
            fuzz_execArgOwned(&a, "--candidate-seconds",
                              util_asprintf("%.3f", req->candidate_seconds));
        }
    }
    if (req->stop_when != NULL) {
        fuzz_execArg(&a, "--stop-when");
        fuzz_execArg(&a, req->stop_when);
        if (req->stop_candidate_only) {
            fuzz_execArg(&a, "--stop-scope");
            fuzz_execArg(&a, "candidate");
        }
    }
    if (req->plan_only) {
        fuzz_execArg(&a, "--plan-only");
    }
    if (env->cfg->fuzz_auto_mode != NULL) {
        fuzz_execArg(&a, "--auto-mode");
        fuzz_execArg(&a, env->cfg->fuzz_auto_mode);
    }
    for (int i = 0; i < env->cfg->nfuzz_allow; i++) {
        fuzz_execArg(&a, "--allow");
        fuzz_execArg(&a, env->cfg->fuzz_allow[i]);
    }

    /* The watchdog counts from the results file's last change: the harness
     * writes a line per iteration, so a long time slice is not a hang and a
     * stuck iteration is one after req->timeout seconds. */
    double timeout = req->timeout > 0 ? req->timeout : env->cfg->timeout;
    struct engine_program prog = {.noise = env->cfg->noise,
                                  .gil_off = env->cfg->gil_off,
                                  .timeout = timeout,
                                  .rt = env->rt,
                                  .tsan_supp_path = env->tsan_supp_path,
                                  .supp = env->supp,
                                  .args = a.argv,
                                  .label = req->label,
                                  .seed = req->seed,
                                  .dir = req->dir,
                                  .progress_path = results};
    bool ok = engine_runProgram(&prog, &run->rec);
    if (ok) {
        fuzz_resultsLoad(results, &run->res);
        struct run_record *rec = &run->rec;
        run->target_error = run->res.error != NULL;
        run->harness_error =
            !run->target_error && !rec->hung && fuzz_crashIsHarnessError(&run->res, &rec->proc);
        if (run->harness_error) {
            /* The harness's own code failed: ftstress's error, not the
             * target's crash (fuzz_crash.h). */
            fuzz_crashHarnessError(&run->res, &rec->proc, req->dir, &run->harness_message,
                                   &run->harness_detail);
            rec->crashed = false;
        }
        char *hang_path = util_asprintf("%s/hang-stacks", req->dir);
        char *hang = rec->hung ? util_readFile(hang_path, NULL) : NULL;
        free(hang_path);
        run->tool_stall = hang != NULL && fuzz_execStuckInReportHook(hang);
        free(hang);
        if (run->tool_stall) {
            /* A thread stuck inside the runtime's TSan report hook: the hook
             * runs instrumented interpreter code while TSan holds its report
             * lock, and TSan can deadlock on itself there. Not the target's
             * hang; what the process found before stays. */
            LOG_W("%s: the process deadlocked inside TSan's report hook (a runtime issue, "
                  "src/runtime/tsan_report_hook.c); not counted as a hang",
                  req->label);
            rec->hung = false;
        } else if (rec->hung && run->res.last_iter == NULL && !run->target_error) {
            /* The watchdog fired before the first iteration began: the
             * interpreter was still starting (or loading the target), which
             * says more about the machine's load than about the target. */
            LOG_W("%s: the harness had not begun fuzzing when its %.0f s ran out (a busy "
                  "machine?); not counted as a hang",
                  req->label, timeout);
            rec->hung = false;
        } else if (run->target_error) {
            rec->crashed = false;
            rec->scenario_error = true;
        } else if (!rec->hung && !run->harness_error && !run->res.final) {
            /* Ended without its last line: the code under test ended it
             * (os._exit, for one), whatever its exit status. A signal's
             * reason stays the engine's (it reads "Fatal Python error"). */
            if (!rec->crashed || rec->proc.signal == 0) {
                free(rec->crash_reason);
                rec->crash_reason = fuzz_crashReason(&rec->proc);
            }
            rec->crashed = true;
        }
        if (!run->res.final && run->res.last_iter != NULL && req->sequences == NULL) {
            /* Its last progress line is up to half a second old: count the
             * iterations it began before it died, the last one not. */
            char *end;
            long last = strtol(run->res.last_iter, &end, 10);
            long begun = last - req->first_iteration;
            if (*end == '\0' && begun > run->res.iterations) {
                run->res.ops_done = (long)begun * run->res.threads * run->res.ops_per_thread;
                run->res.iterations = begun;
            }
        }
        if (rec->hung || run->tool_stall) {
            fuzz_execDropWatchdogReports(&rec->findings);
        }
        fuzz_execAttributeTsan(run);
        fuzz_execAddHarnessFindings(env, req, run);
        size_t before = rec->findings.count;
        engine_settle(rec, req->label);
        for (size_t i = before; i < rec->findings.count; i++) {
            fuzz_execAddOrigin(run, rec->findings.items[i].signature, run->res.last_iter, -1);
        }
        fuzz_crashExplain(&rec->findings, &run->res, &rec->proc, req->dir);
    }
    for (int i = 0; i < a.nowned; i++) {
        free(a.owned[i]);
    }
    free(harness);
    free(results);
    return ok;
}

void fuzz_runFree(struct fuzz_run *run) {
    engine_recordFree(&run->rec);
    free(run->harness_message);
    free(run->harness_detail);
    fuzz_resultsFree(&run->res);
    for (size_t i = 0; i < run->norigins; i++) {
        free(run->origins[i].signature);
        free(run->origins[i].label);
    }
    free(run->origins);
    memset(run, 0, sizeof(*run));
}
