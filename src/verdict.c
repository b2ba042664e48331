/* verdict.c - adding runs up into a scenario verdict; see verdict.h. */
#include "verdict.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* How much of a TSan log the text report quotes: the first report whole, up
 * to this many lines; the full log stays in the run directory. */
#define VERDICT_TSAN_EXCERPT_LINES 60

char *verdict_ofRun(const struct run_record *rec) {
    if (rec->hung) {
        return util_asprintf("hang (no progress within the timeout)");
    }
    if (rec->crashed) {
        return util_asprintf("crash: %s", rec->crash_reason ? rec->crash_reason : "?");
    }
    if (rec->scenario_error) {
        return NULL; /* bad input, reported as an error, not a finding */
    }
    const struct outcome *worst = results_worstOutcome(&rec->results);
    if (worst != NULL) {
        return util_asprintf("%s outcome '%s'", results_className(worst->cls), worst->result);
    }
    if (rec->tsan_reports > 0) {
        return util_asprintf("%d ThreadSanitizer report%s", rec->tsan_reports,
                             rec->tsan_reports == 1 ? "" : "s");
    }
    if (rec->proc.exit_code != 0) {
        return util_asprintf("interpreter exited with status %d", rec->proc.exit_code);
    }
    return NULL;
}

/* The first report of a TSan log, from its first separator line. */
static char *verdict_tsanExcerpt(const char *log) {
    const char *start = strstr(log, "==================");
    if (start == NULL) {
        start = log;
    }
    const char *p = start;
    for (int lines = 0; *p && lines < VERDICT_TSAN_EXCERPT_LINES; lines++) {
        const char *nl = strchr(p, '\n');
        p = nl ? nl + 1 : p + strlen(p);
        if (lines > 0 && strncmp(p, "==================", 18) == 0) {
            p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p);
            break;
        }
    }
    return util_strndup(start, (size_t)(p - start));
}

static char *verdict_crashDetail(const struct run_record *rec) {
    char *err_path = util_asprintf("%s/stderr", rec->dir);
    char *err = util_readFile(err_path, NULL);
    free(err_path);
    char *hang_path = util_asprintf("%s/hang-stacks", rec->dir);
    char *hang = util_readFile(hang_path, NULL);
    free(hang_path);
    char *crash_path = util_asprintf("%s/shim-crash", rec->dir);
    char *crash = util_readFile(crash_path, NULL);
    free(crash_path);
    char *detail = util_asprintf("%s%s%s%s%s%s",
                                 err ? "Python stacks (faulthandler) and stderr:\n" : "",
                                 err ? err : "", crash ? "\nC stack of the crashing thread:\n" : "",
                                 crash ? crash : "", hang ? "\nC stacks of every thread:\n" : "",
                                 hang ? hang : "");
    free(err);
    free(hang);
    free(crash);
    return detail;
}

void verdict_addRun(struct scenario_verdict *v, const struct run_record *rec) {
    v->runs++;
    v->seconds += rec->proc.seconds;
    results_merge(&v->merged, &rec->results);
    if (rec->results.error != NULL && v->error == NULL) {
        v->error = strdup(rec->results.error);
    }
    v->scenario_errors += rec->scenario_error;
    v->crashes += rec->crashed;
    v->hangs += rec->hung;
    v->tsan_reports += rec->tsan_reports;
    v->tsan_runs += rec->tsan_reports > 0;
    if ((rec->crashed || rec->hung) && v->crash_detail == NULL) {
        v->crash_detail = verdict_crashDetail(rec);
    }
    if (rec->tsan_reports > 0 && v->tsan_excerpt == NULL && rec->tsan_log != NULL) {
        v->tsan_excerpt = verdict_tsanExcerpt(rec->tsan_log);
    }
    char *why = verdict_ofRun(rec);
    if (why != NULL && v->nfailing_seeds < VERDICT_MAX_SEEDS) {
        v->failing_seeds[v->nfailing_seeds++] = rec->seed;
    }
    free(why);
}

bool verdict_isFinding(const struct scenario_verdict *v) {
    return v->crashes > 0 || v->hangs > 0 || v->tsan_reports > 0 ||
           results_failingSamples(&v->merged) > 0 ||
           (v->merged.has_counts && v->merged.observed != v->merged.expected);
}

void verdict_free(struct scenario_verdict *v) {
    free(v->path);
    free(v->name);
    results_free(&v->merged);
    free(v->error);
    free(v->crash_detail);
    free(v->tsan_excerpt);
    free(v->case_path);
    memset(v, 0, sizeof(*v));
}
