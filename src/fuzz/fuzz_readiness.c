/* fuzz_readiness.c - a module's readiness for free threading; see fuzz_readiness.h. */
#include "fuzz_readiness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "fuzz_case.h"
#include "fuzz_outputs.h"
#include "fuzz_report.h"
#include "log.h"
#include "util.h"

int fuzz_readiness(const struct fuzz_env *env, const char *module, volatile sig_atomic_t *stop,
                   struct run_outputs *outputs) {
    const struct ftstress_config *cfg = env->cfg;
    char *label = util_asprintf("%s:*", module);
    char *safe = fuzz_caseSafeName(label);
    char *dir = util_asprintf("%s/%s/list", env->work, safe);
    struct fuzz_request req = {
        .label = label, .list_module = module, .seed = cfg->seed, .timeout = 120, .dir = dir};
    struct fuzz_run run;
    bool ok = fuzz_execRun(env, &req, &run);
    free(dir);
    free(safe);
    if (!ok) {
        fuzz_runFree(&run);
        free(label);
        return EXIT_INTERNAL;
    }
    if (run.target_error || !run.res.final) {
        LOG_E("%s", run.res.error ? run.res.error : "listing the module's entries failed");
        fuzz_runFree(&run);
        free(label);
        return run.target_error ? EXIT_USAGE : EXIT_INTERNAL;
    }
    size_t n = run.res.nentries;
    struct fuzz_campaignOptions opt = {
        .budget = cfg->time_budget > 0 ? cfg->time_budget : FUZZ_READINESS_DEFAULT_SECONDS,
        .runs = 1,
        .minimize = false,
        .save_cases = true,
        .progress = NULL};
    fuzz_reportHeader(stdout, cfg, env->rt, label, &opt);
    printf("readiness of %s: %zu entr%s, %.0f s each\n", module, n, n == 1 ? "y" : "ies",
           opt.budget);
    fflush(stdout);
    struct fuzz_campaign *cs = calloc(n ? n : 1, sizeof(*cs));
    if (cs == NULL) {
        abort();
    }
    int status = EXIT_CLEAN;
    outputs->runs = 1;
    outputs->iterations = 0; /* each entry fuzzes for its time */
    struct scenario_verdict **verdicts = calloc(n ? n : 1, sizeof(struct scenario_verdict *));
    if (verdicts == NULL) {
        abort();
    }
    size_t nverdicts = 0, done = 0;
    int clean = 0, findings = 0, skipped = 0;
    for (size_t i = 0; i < n && !*stop && status == EXIT_CLEAN; i++) {
        char *spec = util_asprintf("%s:%s", module, run.res.entries[i].name);
        if (!fuzz_campaignRun(env, spec, spec, &opt, stop, &cs[i])) {
            free(spec);
            status = EXIT_INTERNAL;
            break;
        }
        done++;
        free(spec);
        fuzz_reportReadinessRow(stdout, &cs[i]);
        fflush(stdout);
        if (cs[i].error != NULL) {
            skipped++;
            continue; /* not a target to judge: the text report says why */
        }
        if (cs[i].findings.count > 0) {
            findings++;
        } else {
            clean++;
        }
        /* After every entry, so a killed run still leaves its results. */
        verdicts[nverdicts++] = fuzz_outputsEntry(&cs[i]);
        if (!run_outputsWrite(outputs, verdicts, nverdicts)) {
            status = EXIT_INTERNAL;
        }
    }
    printf("\n%s: %d without findings, %d with findings, %d skipped (of %zu)\n", module, clean,
           findings, skipped, n);
    if (status == EXIT_CLEAN && !run_outputsBaseline(outputs)) {
        status = EXIT_INTERNAL;
    }
    size_t failing = run_outputsFailing(outputs);
    for (size_t i = 0; i < nverdicts; i++) {
        verdict_free(verdicts[i]);
        free(verdicts[i]);
    }
    free(verdicts);
    for (size_t i = 0; i < done; i++) {
        fuzz_campaignFree(&cs[i]);
    }
    free(cs);
    fuzz_runFree(&run);
    free(label);
    if (status != EXIT_CLEAN) {
        return status;
    }
    if (*stop) {
        LOG_W("interrupted: the report covers the entries finished so far");
    }
    return failing > 0 ? EXIT_FINDINGS : n == 0 || skipped == (int)n ? EXIT_USAGE : EXIT_CLEAN;
}
