/* campaign.c - `ftstress campaign`: the flow from the campaign file to the
 * exit status; see campaign.h.
 *
 * Items run one after the other (a 2-core CI machine has no room for two
 * instrumented interpreters at once). Each gets its share of what is left of
 * the budget when it starts, so an item that ends early leaves its time to
 * the rest; the merge after each item keeps DIR/report.json current, which
 * is what makes a killed campaign lose nothing it had reported. */
#include "campaign.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "campaign_config.h"
#include "campaign_exec.h"
#include "campaign_plan.h"
#include "campaign_progress.h"
#include "campaign_state.h"
#include "exitcode.h"
#include "log.h"
#include "manifest.h"
#include "merge.h"
#include "output_json.h"
#include "runtime.h"
#include "stop.h"
#include "util.h"

/* Everything one campaign holds from start to end. */
struct campaign_run {
    const struct ftstress_config *cfg;
    struct campaign_config conf;
    struct campaign_plan plan;
    struct campaign_state state;
    struct baseline baseline; /* empty without --baseline */
    struct campaign_invocation inv;
    char exe[PATH_MAX];
    uint64_t seed;
    double budget, deadline, stop_at; /* stop_at: the items' deadline (the final merge's reserve) */
    bool *pending;                    /* per item: not completed yet */
    enum campaign_status *status;     /* per completed item */
    bool *has_report;                 /* per completed item */
    bool *failed;                     /* per item: its subprocess failed this time */
    char **announced;                 /* signatures already shown; owned */
    size_t nannounced;
    struct campaign_progress progress;
    char *rt_version, *rt_flavour, *rt_key; /* for a report of no item */
    bool internal_error, input_error, out_of_time;
};

bool campaign_resolveShard(const struct ftstress_config *cfg, int *k, int *n) {
    *k = 0;
    *n = 1;
    if (cfg->shards == 0) {
        return true;
    }
    *n = cfg->shards;
    if (cfg->shard_given) {
        *k = cfg->shard;
        return true;
    }
    const char *index = getenv("JOB_COMPLETION_INDEX");
    char *end;
    errno = 0;
    long v = index != NULL ? strtol(index, &end, 10) : -1;
    if (index == NULL || errno != 0 || end == index || *end != '\0' || v < 0 || v >= *n) {
        LOG_E("--shards %d takes this shard's index from $JOB_COMPLETION_INDEX (0 to %d, set by "
              "Kubernetes Indexed Jobs), which is %s%s%s; or give --shard K/%d",
              *n, *n - 1, index ? "'" : "not set", index ? index : "", index ? "'" : "", *n);
        return false;
    }
    *k = (int)v;
    return true;
}

static bool campaign_announced(struct campaign_run *r, const char *signature) {
    return !util_addUnique(&r->announced, &r->nannounced, signature);
}

/* ---- the merged report ------------------------------------------------------------------ */

/* A report of no item (a shard with nothing done yet), so DIR always holds a
 * report.json that `ftstress merge DIR` accepts. */
static bool campaign_emptyReport(const struct campaign_run *r, const char *path) {
    struct finding_set none = {0};
    struct output_run run = {
        .tool_version = FTSTRESS_VERSION,
        .runtime_version = r->rt_version,
        .runtime_flavour = r->rt_flavour,
        .runtime_key = r->rt_key,
        .threads = r->cfg->threads,
        .iterations = r->cfg->iterations,
        .runs = r->cfg->runs,
        .seed = r->seed,
        .noise = config_noiseName(r->cfg->noise),
        .findings = &none,
    };
    return output_jsonWrite(path, &run);
}

/* Copies the file at from to to, atomically. */
static bool campaign_copyFile(const char *from, const char *to) {
    size_t len;
    char *text = util_readFile(from, &len);
    bool ok = text != NULL && util_writeFileAtomic(to, text, len);
    free(text);
    return ok;
}

/* The campaign's report so far (DIR/report.json) into m, its findings marked
 * by the baseline; false after logging why it could not be read (m freed). */
static bool campaign_loadReport(struct campaign_run *r, struct merge *m) {
    memset(m, 0, sizeof(*m));
    char *error = NULL;
    if (!merge_addPath(m, r->state.report, &error)) {
        LOG_E("%s", error);
        free(error);
        merge_free(m);
        return false;
    }
    if (r->cfg->baseline != NULL) {
        baseline_mark(&r->baseline, &m->findings);
    }
    return true;
}

/* Reads DIR/report.json back: counts for the progress, and a line for every
 * finding not shown before. */
static bool campaign_readReport(struct campaign_run *r, bool announce, const char *prefix) {
    struct merge m;
    if (!campaign_loadReport(r, &m)) {
        return false;
    }
    struct campaign_progress *p = &r->progress;
    p->findings = m.findings.count;
    p->new_findings = finding_countNew(&m.findings);
    p->known_findings = p->findings - p->new_findings;
    for (size_t i = 0; i < m.findings.count; i++) {
        const struct finding *f = &m.findings.items[i];
        if (!campaign_announced(r, f->signature) && announce) {
            campaign_progressLine(p, "  %s%s finding %s  %s  (%s, seed %" PRIu64 ")", prefix,
                                  f->known ? "known" : "NEW", f->id, f->signature,
                                  f->scenario ? f->scenario : "?", f->nseeds > 0 ? f->seeds[0] : 0);
        }
    }
    merge_free(&m);
    return true;
}

/* Joins the reports of every completed item into DIR/report.json by running
 * `ftstress merge`; the final merge also writes the reports the command line
 * asked for. A merge that fails leaves the previous report in place. */
static bool campaign_merge(struct campaign_run *r, bool final) {
    const struct ftstress_config *cfg = r->cfg;
    char *out = util_asprintf("%s/.report-merge.json", r->state.dir);
    char *log = util_asprintf("%s/merge.log", r->state.dir);
    size_t cap = r->plan.count + 24, n = 0;
    char **argv = calloc(cap, sizeof(char *));
    if (argv == NULL) {
        abort();
    }
    argv[n++] = strdup(r->exe);
    argv[n++] = strdup("merge");
    size_t inputs = 0;
    for (size_t i = 0; i < r->plan.count; i++) {
        if (!r->pending[i] && r->has_report[i]) {
            argv[n++] = campaign_statePath(&r->state, &r->plan.items[i], "report.json");
            inputs++;
        }
    }
    const char *opts[][2] = {
        {"--json", out},
        {"--baseline", cfg->baseline},
        {"--junit", final ? cfg->junit_path : NULL},
        {"--sarif", final ? cfg->sarif_path : NULL},
        {"--html", final ? cfg->html_path : NULL},
        {"--history", final ? cfg->history_path : NULL},
        {"--update-baseline", final ? cfg->update_baseline : NULL},
    };
    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
        if (opts[i][1] != NULL) {
            argv[n++] = strdup(opts[i][0]);
            argv[n++] = strdup(opts[i][1]);
        }
    }
    argv[n] = NULL;
    bool ok;
    if (inputs == 0) {
        ok = campaign_emptyReport(r, r->state.report);
        if (final && (cfg->junit_path || cfg->sarif_path || cfg->html_path || cfg->history_path ||
                      cfg->update_baseline)) {
            LOG_W("no item completed: only the JSON report is written");
        }
    } else {
        unlink(out);
        struct campaign_child child = {.argv = argv, .log = log};
        struct campaign_childResult res = campaign_execRun(&child);
        /* merge exits 1 for findings and 2 for a scenario that could not run;
         * whether it worked is whether it wrote the report. */
        ok = res.started && res.signal == 0 && res.exit_code != 3 && util_isFile(out) &&
             rename(out, r->state.report) == 0;
        if (!ok) {
            LOG_E("merging the items' reports failed (exit %d); see %s", res.exit_code, log);
        }
    }
    if (ok && final && cfg->json_path != NULL &&
        !campaign_copyFile(r->state.report, cfg->json_path)) {
        LOG_P("cannot write %s", cfg->json_path);
        ok = false;
    }
    campaign_argvFree(argv);
    free(out);
    free(log);
    /* Findings of items completed before this start are shown once, as such. */
    return ok && campaign_readReport(r, !final,
                                     r->progress.done > r->progress.resumed ? "" : "earlier: ");
}

/* ---- the progress file ------------------------------------------------------------------ */

static void campaign_writeProgress(struct campaign_run *r, const char *state) {
    char *extra = util_dup("");
    for (size_t i = 0; i < r->plan.count; i++) {
        const char *st = !r->pending[i] ? campaign_statusName(r->status[i])
                         : r->failed[i] ? "failed"
                         : r->progress.current == r->plan.items[i].key ? "running"
                                                                       : "pending";
        util_appendf(&extra, "item.%zu=%s %s\n", i, r->plan.items[i].key, st);
    }
    char *head =
        util_asprintf("config=%s\nshard=%d/%d\nseed=%" PRIu64 "\nbudget=%.0f\n%s", r->conf.path,
                      r->plan.shard, r->plan.shards, r->seed, r->budget, extra);
    if (!campaign_progressWrite(&r->progress, r->state.progress, state, head)) {
        LOG_P("cannot write %s", r->state.progress);
        r->internal_error = true;
    }
    free(head);
    free(extra);
}

/* ---- one item --------------------------------------------------------------------------- */

/* The last lines of an item's log, indented, for a failure message. */
static void campaign_showTail(struct campaign_run *r, const char *log) {
    char *text = util_readFile(log, NULL);
    if (text == NULL) {
        return;
    }
    size_t len = strlen(text);
    while (len > 0 && text[len - 1] == '\n') {
        text[--len] = '\0';
    }
    const char *start = text + len;
    for (int lines = 0; start > text && lines < 6;) {
        start--;
        if (*start == '\n') {
            lines++;
        }
    }
    if (*start == '\n') {
        start++;
    }
    for (const char *line = start; *line != '\0';) {
        size_t n = strcspn(line, "\n");
        campaign_progressLine(&r->progress, "    | %.*s", (int)n, line);
        line += n + (line[n] == '\n');
    }
    free(text);
}

/* Makes the JSON report an item's subprocess wrote (json) its report
 * (report) when `ftstress merge` can read it: a report of the run schema
 * (ci/report-schema.md). Another document (a command with a report format of
 * its own) is kept beside it as report.other.json, and the item is judged by
 * its exit status. Returns whether the item has a mergeable report. */
static bool campaign_takeReport(struct campaign_run *r, const struct campaign_item *it,
                                const char *json, const char *report) {
    if (!util_isFile(json)) {
        return false;
    }
    struct merge m = {0};
    char *error = NULL;
    bool mergeable = merge_addPath(&m, json, &error);
    merge_free(&m);
    const char *to = report;
    char *other = NULL;
    if (!mergeable) {
        other = campaign_statePath(&r->state, it, "report.other.json");
        to = other;
        campaign_progressLine(&r->progress,
                              "  %s wrote a JSON report `ftstress merge` cannot read (%s); kept "
                              "as %s, the item is judged by its exit status",
                              it->key, error, other);
        free(error);
    }
    if (rename(json, to) != 0) {
        LOG_P("cannot rename %s to %s", json, to);
        r->internal_error = true;
        mergeable = false;
    }
    free(other);
    return mergeable;
}

enum campaign_itemEnd { ITEM_DONE, ITEM_FAILED, ITEM_STOPPED };

static void campaign_tick(void *progress) {
    campaign_progressTick(progress);
}

static enum campaign_itemEnd campaign_runItem(struct campaign_run *r, size_t i, double share) {
    const struct campaign_item *it = &r->plan.items[i];
    struct campaign_progress *p = &r->progress;
    if (!campaign_stateResetItem(&r->state, it)) {
        LOG_P("cannot prepare %s", it->dirname);
        r->internal_error = true;
        return ITEM_FAILED;
    }
    char *attempt = util_asprintf("attempt-%ld.json", (long)getpid());
    char *json = campaign_statePath(&r->state, it, attempt);
    char *report = campaign_statePath(&r->state, it, "report.json");
    char *log = campaign_statePath(&r->state, it, "output.log");
    char *command = campaign_statePath(&r->state, it, "command");
    char **argv = campaign_planArgv(it, &r->inv, share, json);
    char *line = campaign_argvJoin(argv);
    char *text = util_asprintf("%s\n", line);
    util_writeFileAtomic(command, text, strlen(text));
    char took[32];
    campaign_progressLine(p, "[%zu/%zu] start %s  (%s, seed %" PRIu64 ")", p->done + 1, p->total,
                          it->key, campaign_duration(share, took), it->seed);
    LOG_D("%s", line);
    p->current = it->key;
    p->current_start = util_now();
    campaign_writeProgress(r, "running");

    struct campaign_child child = {.argv = argv,
                                   .log = log,
                                   .deadline = r->stop_at,
                                   .stop = &stop_requested,
                                   .tick = campaign_tick,
                                   .tick_arg = p};
    struct campaign_childResult res = campaign_execRun(&child);
    p->current = NULL;
    enum campaign_itemEnd end = ITEM_DONE;
    enum campaign_status status =
        res.signal != 0 || !res.started ? CAMPAIGN_FAILED : campaign_statusOfExit(res.exit_code);
    if (res.stopped) {
        campaign_progressLine(p,
                              "[%zu/%zu] stopped %s after %s (%s): it is run again when the "
                              "campaign is started again on %s",
                              p->done + 1, p->total, it->key, campaign_duration(res.seconds, took),
                              stop_requested ? "interrupted" : "out of time", r->state.dir);
        end = ITEM_STOPPED;
    } else if (status == CAMPAIGN_FAILED) {
        r->failed[i] = true;
        r->internal_error = true;
        p->failed++;
        if (res.signal != 0) {
            campaign_progressLine(p, "[%zu/%zu] FAILED %s: ftstress ended by signal %d; see %s",
                                  p->done + 1, p->total, it->key, res.signal, log);
        } else {
            campaign_progressLine(p, "[%zu/%zu] FAILED %s: ftstress exited %d; see %s", p->done + 1,
                                  p->total, it->key, res.exit_code, log);
        }
        campaign_showTail(r, log);
        end = ITEM_FAILED;
    } else {
        bool has_report = campaign_takeReport(r, it, json, report);
        char finished[24];
        struct campaign_result result = {.status = status,
                                         .exit_code = res.exit_code,
                                         .seconds = res.seconds,
                                         .has_report = has_report,
                                         .finished = campaign_isoTime(time(NULL), finished)};
        if (!campaign_stateSaveResult(&r->state, it, &result)) {
            LOG_P("cannot record %s as done", it->key);
            r->internal_error = true;
        }
        r->pending[i] = false;
        r->status[i] = status;
        r->has_report[i] = has_report;
        p->done++;
        r->input_error |= status == CAMPAIGN_ERROR;
        if (!has_report && status == CAMPAIGN_FINDINGS) {
            p->unreported++;
        }
        char *note = has_report ? strdup("") : util_asprintf(" (no JSON report; see %s)", log);
        campaign_progressLine(p, "[%zu/%zu] done %s: %s in %s%s", p->done, p->total, it->key,
                              status == CAMPAIGN_ERROR ? "input error (exit 2)"
                                                       : campaign_statusName(status),
                              campaign_duration(res.seconds, took), note);
        free(note);
    }
    campaign_argvFree(argv);
    free(attempt);
    free(json);
    free(report);
    free(log);
    free(command);
    free(line);
    free(text);
    return end;
}

/* ---- set-up, the loop, the summary ------------------------------------------------------ */

static int campaign_setUp(struct campaign_run *r, const struct ftstress_config *cfg) {
    r->cfg = cfg;
    if (cfg->npaths != 0) {
        LOG_E("'campaign' takes no arguments ('%s'): the work is named in --config FILE",
              cfg->paths[0]);
        return EXIT_USAGE;
    }
    if (cfg->campaign_config == NULL || cfg->state_dir == NULL) {
        LOG_E("'campaign' needs --config FILE (the work items) and --state DIR (where results "
              "go; resumable)");
        return EXIT_USAGE;
    }
    int k, n;
    if (!campaign_resolveShard(cfg, &k, &n)) {
        return EXIT_USAGE;
    }
    r->budget = cfg->budget > 0 ? cfg->budget : CAMPAIGN_DEFAULT_BUDGET;
    char *error = NULL;
    if (!campaign_configLoad(cfg->campaign_config, &r->conf, &error)) {
        LOG_E("%s", error);
        free(error);
        return EXIT_USAGE;
    }
    if (cfg->baseline != NULL && !baseline_load(cfg->baseline, &r->baseline, &error)) {
        LOG_E("%s", error);
        free(error);
        return EXIT_USAGE;
    }
    r->seed = cfg->seed_given ? cfg->seed : r->conf.seed_given ? r->conf.seed : cfg->seed;
    if (!campaign_planBuild(&r->conf, cfg, r->seed, &r->plan, &error)) {
        LOG_E("%s", error);
        free(error);
        return EXIT_USAGE;
    }
    campaign_planShard(&r->plan, k, n);
    /* The runtime must be there before any item runs; its identity also goes
     * into a report of no item. */
    struct runtime rt;
    if (!runtime_open(cfg, &rt)) {
        return EXIT_INTERNAL;
    }
    r->rt_version = rt.version ? strdup(rt.version) : NULL;
    r->rt_flavour = rt.flavour ? strdup(rt.flavour) : NULL;
    const char *key = manifest_get(&rt.manifest, "key");
    r->rt_key = key ? strdup(key) : NULL;
    runtime_close(&rt);
    if (!campaign_stateOpen(cfg->state_dir, &r->state, &error) ||
        !campaign_stateWritePlan(&r->state, &r->plan, r->conf.path, r->seed, &error)) {
        LOG_E("%s", error);
        free(error);
        return EXIT_USAGE;
    }
    ssize_t len = readlink("/proc/self/exe", r->exe, sizeof(r->exe) - 1);
    if (len <= 0) {
        LOG_P("cannot find this program (/proc/self/exe)");
        return EXIT_INTERNAL;
    }
    r->exe[len] = '\0';
    r->inv = (struct campaign_invocation){
        .exe = r->exe,
        .corpus = r->state.corpus,
        .runtime = cfg->runtime,
        .flavour = cfg->runtime == NULL ? cfg->flavour : NULL,
        .suppressions = cfg->suppressions,
        .timeout = cfg->timeout,
        .verbose = cfg->verbose,
    };
    size_t count = r->plan.count ? r->plan.count : 1;
    r->pending = calloc(count, sizeof(*r->pending));
    r->status = calloc(count, sizeof(*r->status));
    r->has_report = calloc(count, sizeof(*r->has_report));
    r->failed = calloc(count, sizeof(*r->failed));
    if (!r->pending || !r->status || !r->has_report || !r->failed) {
        abort();
    }
    return -1;
}

static void campaign_tearDown(struct campaign_run *r) {
    campaign_configFree(&r->conf);
    campaign_planFree(&r->plan);
    campaign_stateClose(&r->state);
    baseline_free(&r->baseline);
    for (size_t i = 0; i < r->nannounced; i++) {
        free(r->announced[i]);
    }
    free(r->announced);
    free(r->pending);
    free(r->status);
    free(r->has_report);
    free(r->failed);
    free(r->rt_version);
    free(r->rt_flavour);
    free(r->rt_key);
}

/* Marks what an earlier campaign on this directory completed. */
static void campaign_resume(struct campaign_run *r) {
    for (size_t i = 0; i < r->plan.count; i++) {
        struct campaign_result res;
        r->pending[i] = !campaign_stateLoadResult(&r->state, &r->plan.items[i], &res);
        if (!r->pending[i]) {
            r->status[i] = res.status;
            r->has_report[i] = res.has_report;
            r->progress.done++;
            r->progress.resumed++;
            r->input_error |= res.status == CAMPAIGN_ERROR;
            if (!res.has_report && res.status == CAMPAIGN_FINDINGS) {
                r->progress.unreported++;
            }
            campaign_resultFree(&res);
        }
    }
}

/* The end: every finding, the items not done, the baseline's verdict.
 * Returns the exit status. */
static int campaign_summary(struct campaign_run *r) {
    const struct ftstress_config *cfg = r->cfg;
    struct campaign_progress *p = &r->progress;
    char took[32], budget[32], resumed[64] = "";
    FILE *out = p->out;
    if (p->resumed > 0) {
        snprintf(resumed, sizeof(resumed), " (%zu by an earlier start)", p->resumed);
    }
    fprintf(out,
            "\ncampaign %s: %zu/%zu items done%s in %s of %s; %zu finding%s (%zu new, "
            "%zu known)\n",
            r->out_of_time   ? "out of time"
            : stop_requested ? "interrupted"
                             : "finished",
            p->done, p->total, resumed, campaign_duration(util_now() - p->start, took),
            campaign_duration(r->budget, budget), p->findings, p->findings == 1 ? "" : "s",
            p->new_findings, p->known_findings);
    if (p->unreported > 0) {
        fprintf(out, "  and %zu failing item%s without a JSON report (judged by exit status)\n",
                p->unreported, p->unreported == 1 ? "" : "s");
    }
    struct merge m;
    if (!campaign_loadReport(r, &m)) {
        return EXIT_INTERNAL;
    }
    for (size_t i = 0; i < m.findings.count; i++) {
        const struct finding *f = &m.findings.items[i];
        fprintf(out, "  %-5s %s  %s  (%s; seen %ld time%s; seeds", f->known ? "known" : "NEW",
                f->id, f->signature, f->scenario ? f->scenario : "?", f->count,
                f->count == 1 ? "" : "s");
        for (int s = 0; s < f->nseeds; s++) {
            fprintf(out, "%s%" PRIu64, s ? ", " : " ", f->seeds[s]);
        }
        fprintf(out, ")\n");
    }
    size_t pending = 0;
    for (size_t i = 0; i < r->plan.count; i++) {
        const struct campaign_item *it = &r->plan.items[i];
        char *log = campaign_statePath(&r->state, it, "output.log");
        if (r->failed[i]) {
            fprintf(out, "  failed (ftstress itself; run again when restarted): %s, see %s\n",
                    it->key, log);
        } else if (r->pending[i]) {
            pending++;
        } else if (!r->has_report[i] && r->status[i] == CAMPAIGN_FINDINGS) {
            fprintf(out, "  failing, without a JSON report: %s (exit 1), see %s\n", it->key, log);
        } else if (r->status[i] == CAMPAIGN_ERROR) {
            fprintf(out, "  input error: %s (exit 2), see %s\n", it->key, log);
        }
        free(log);
    }
    if (pending > 0) {
        fprintf(out, "  not run (%s): %zu item%s; `ftstress campaign` on %s goes on with them:",
                r->out_of_time ? "out of time" : "interrupted", pending, pending == 1 ? "" : "s",
                r->state.dir);
        for (size_t i = 0; i < r->plan.count; i++) {
            if (r->pending[i] && !r->failed[i]) {
                fprintf(out, " %s", r->plan.items[i].key);
            }
        }
        fputc('\n', out);
    }
    if (cfg->baseline != NULL) {
        size_t nnew = finding_countNew(&m.findings), nunseen = 0;
        fprintf(out, "baseline %s: %zu known finding%s, %zu new\n", cfg->baseline,
                m.findings.count - nnew, m.findings.count - nnew == 1 ? "" : "s", nnew);
        for (size_t i = 0; i < m.findings.count; i++) {
            if (!m.findings.items[i].known) {
                fprintf(out, "  new: %s  %s\n", m.findings.items[i].id,
                        m.findings.items[i].signature);
            }
        }
        const struct baseline_entry **unseen = baseline_unseen(&r->baseline, &m.findings, &nunseen);
        for (size_t i = 0; i < nunseen; i++) {
            fprintf(out, "  not seen again (a candidate to prune): %s (line %d)\n",
                    unseen[i]->signature, unseen[i]->line);
        }
        free(unseen);
    }
    if (cfg->update_baseline != NULL) {
        fprintf(out, "baseline written: %s (%zu signatures)\n", cfg->update_baseline,
                m.findings.count);
    }
    fprintf(out, "report: %s\n", r->state.report);
    fflush(out);
    /* With a baseline only new findings fail the job; without one, any does.
     * A failing item that wrote no report cannot be told new or known. */
    size_t failing =
        (cfg->baseline != NULL ? finding_countNew(&m.findings) : m.findings.count) + p->unreported;
    merge_free(&m);
    return r->internal_error ? EXIT_INTERNAL
           : failing > 0     ? EXIT_FINDINGS
           : r->input_error  ? EXIT_USAGE
                             : EXIT_CLEAN;
}

static void campaign_loop(struct campaign_run *r) {
    struct campaign_progress *p = &r->progress;
    for (size_t i = 0; i < r->plan.count && !stop_requested; i++) {
        if (!r->pending[i]) {
            continue;
        }
        double remaining = r->stop_at - util_now();
        double share = campaign_planShare(&r->plan, r->pending, i, remaining);
        if (remaining < CAMPAIGN_MIN_START || share < CAMPAIGN_MIN_START) {
            r->out_of_time = true;
            char left[32];
            campaign_progressLine(p, "out of time: %s left, too little for another item",
                                  campaign_duration(remaining, left));
            break;
        }
        enum campaign_itemEnd end = campaign_runItem(r, i, share);
        if (end == ITEM_STOPPED) {
            r->out_of_time = !stop_requested;
            break;
        }
        if (end == ITEM_DONE && !campaign_merge(r, false)) {
            r->internal_error = true;
        }
        campaign_writeProgress(r, "running");
    }
}

int campaign_main(struct ftstress_config *cfg) {
    struct campaign_run r;
    memset(&r, 0, sizeof(r));
    double start = util_now();
    int status = campaign_setUp(&r, cfg);
    if (status >= 0) {
        campaign_tearDown(&r);
        return status;
    }
    stop_install();
    campaign_execInit();
    r.deadline = start + r.budget;
    /* The final merge and summary get a small reserve at the end. */
    double reserve = r.budget * 0.02;
    r.stop_at = r.deadline - (reserve < 2 ? 2 : reserve > 30 ? 30 : reserve);
    campaign_progressInit(&r.progress, stdout, r.deadline);
    r.progress.total = r.plan.count;
    campaign_resume(&r);
    char budget[32];
    printf("ftstress campaign %s: shard %d/%d, %zu of %zu items, seed %" PRIu64
           ", budget %s, state %s\n",
           r.conf.path, r.plan.shard, r.plan.shards, r.plan.count, r.plan.total, r.seed,
           campaign_duration(r.budget, budget), r.state.dir);
    if (r.progress.resumed > 0) {
        printf("resuming: %zu item%s already done\n", r.progress.resumed,
               r.progress.resumed == 1 ? "" : "s");
    }
    fflush(stdout);
    if (!campaign_merge(&r, false)) {
        r.internal_error = true;
    }
    campaign_writeProgress(&r, "running");
    campaign_loop(&r);
    if (!campaign_merge(&r, true)) {
        r.internal_error = true;
    }
    campaign_progressEnd(&r.progress);
    campaign_writeProgress(&r, r.internal_error ? "failed"
                               : stop_requested ? "interrupted"
                               : r.out_of_time  ? "out-of-time"
                                                : "finished");
    status = campaign_summary(&r);
    campaign_tearDown(&r);
    /* Everything is written; end by the signal, so a scheduler sees the
     * campaign did not finish (and, say, Kubernetes reruns the shard). */
    stop_reraise();
    return status;
}
