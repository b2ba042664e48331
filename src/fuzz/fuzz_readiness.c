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

/* The entries the listing left out because they act on the process: per
 * reason (in the order they first come), the names wrapped at about 96
 * columns. */
static void fuzz_readinessSkipped(FILE *out, const struct fuzz_results *res) {
    if (res->nskipped == 0) {
        return;
    }
    fprintf(out, "left out, they act on the process (--allow NAME forces one): %zu\n",
            res->nskipped);
    for (size_t i = 0; i < res->nskipped; i++) {
        const char *reason = res->skipped[i].reason;
        bool first = true;
        for (size_t k = 0; k < i && first; k++) {
            first = strcmp(res->skipped[k].reason, reason) != 0;
        }
        if (!first) {
            continue; /* listed with the first of its reason */
        }
        fprintf(out, "  %s:\n   ", reason);
        int col = 3;
        for (size_t k = i; k < res->nskipped; k++) {
            if (strcmp(res->skipped[k].reason, reason) != 0) {
                continue;
            }
            int len = (int)strlen(res->skipped[k].name) + 1;
            if (col + len > 96) {
                fprintf(out, "\n   ");
                col = 3;
            }
            col += fprintf(out, " %s", res->skipped[k].name);
        }
        fputc('\n', out);
    }
}

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
    if (run.harness_error) {
        LOG_E("%s: listing the module's entries failed: %s\n%s", label, run.harness_message,
              run.harness_detail ? run.harness_detail : "");
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
    fuzz_readinessSkipped(stdout, &run.res);
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
    int clean = 0, findings = 0, skipped = 0, unfuzzed = 0;
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
        if (cs[i].harness_error != NULL) {
            unfuzzed++; /* ftstress's error, in the report as such; the sweep goes on */
        } else if (cs[i].findings.count > 0) {
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
    printf("\n%s: %d without findings, %d with findings, %d skipped, %d could not be fuzzed (of "
           "%zu); %zu left out (they act on the process)\n",
           module, clean, findings, skipped, unfuzzed, n, run.res.nskipped);
    if (status == EXIT_CLEAN && !run_outputsBaseline(outputs)) {
        status = EXIT_INTERNAL;
    }
    size_t failing = run_outputsFailing(outputs);
    size_t left_out = run.res.nskipped;
    if (status == EXIT_CLEAN && n == 0 && left_out > 0) {
        LOG_E("%s: nothing to fuzz: every entry acts on the process (--allow NAME forces one)",
              label);
    }
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
