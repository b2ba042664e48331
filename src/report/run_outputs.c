/* run_outputs.c - reports and baseline verdict of a command; see run_outputs.h. */
#include "run_outputs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exitcode.h"
#include "log.h"
#include "manifest.h"
#include "output_json.h"
#include "output_junit.h"
#include "output_sarif.h"

int run_outputsOpen(struct run_outputs *o, const struct ftstress_config *cfg,
                    const struct runtime *rt) {
    memset(o, 0, sizeof(*o));
    o->cfg = cfg;
    o->rt = rt;
    o->junit = true;
    o->threads = cfg->threads;
    o->iterations = cfg->iterations;
    o->runs = cfg->runs;
    if (cfg->baseline != NULL) {
        char *error = NULL;
        if (!baseline_load(cfg->baseline, &o->baseline, &error)) {
            LOG_E("%s", error);
            free(error);
            return EXIT_USAGE;
        }
    }
    return EXIT_CLEAN;
}

bool run_outputsWrite(struct run_outputs *o, struct scenario_verdict *const *verdicts, size_t n) {
    const struct ftstress_config *cfg = o->cfg;
    finding_setFree(&o->findings);
    for (size_t i = 0; i < n; i++) {
        /* Each entry's findings marked, the run's are too: a merge copies the mark. */
        baseline_mark(&o->baseline, &verdicts[i]->findings);
        finding_merge(&o->findings, &verdicts[i]->findings);
    }
    char cwd[4096];
    struct output_run run = {
        .tool_version = FTSTRESS_VERSION,
        .runtime_version = o->rt->version,
        .runtime_flavour = o->rt->flavour,
        .runtime_key = manifest_get(&o->rt->manifest, "key"),
        .threads = o->threads,
        .iterations = o->iterations,
        .runs = o->runs,
        .seed = cfg->seed,
        .noise = config_noiseName(cfg->noise),
        .scenarios = (const struct scenario_verdict *const *)verdicts,
        .nscenarios = n,
        .findings = &o->findings,
        .source_root = getcwd(cwd, sizeof(cwd)),
    };
    bool ok = true;
    if (cfg->json_path != NULL && !output_jsonWrite(cfg->json_path, &run)) {
        LOG_P("cannot write %s", cfg->json_path);
        ok = false;
    }
    if (o->junit && cfg->junit_path != NULL && !output_junitWrite(cfg->junit_path, &run)) {
        LOG_P("cannot write %s", cfg->junit_path);
        ok = false;
    }
    if (cfg->sarif_path != NULL && !output_sarifWrite(cfg->sarif_path, &run)) {
        LOG_P("cannot write %s", cfg->sarif_path);
        ok = false;
    }
    return ok;
}

bool run_outputsBaseline(const struct run_outputs *o) {
    const struct ftstress_config *cfg = o->cfg;
    const struct finding_set *set = &o->findings;
    if (cfg->baseline != NULL) {
        size_t nnew = finding_countNew(set), nknown = set->count - nnew, nunseen = 0;
        const struct baseline_entry **unseen = baseline_unseen(&o->baseline, set, &nunseen);
        printf("baseline %s: %zu known finding%s, %zu new\n", cfg->baseline, nknown,
               nknown == 1 ? "" : "s", nnew);
        for (size_t i = 0; i < set->count; i++) {
            if (!set->items[i].known) {
                printf("  new: %s  %s\n", set->items[i].id, set->items[i].signature);
            }
        }
        for (size_t i = 0; i < nunseen; i++) {
            printf("  not seen again (a candidate to prune): %s (line %d)\n", unseen[i]->signature,
                   unseen[i]->line);
        }
        free(unseen);
    }
    if (cfg->update_baseline != NULL) {
        if (!baseline_write(cfg->update_baseline, set)) {
            LOG_P("cannot write the baseline %s", cfg->update_baseline);
            return false;
        }
        printf("baseline written: %s (%zu signatures)\n", cfg->update_baseline, set->count);
    }
    return true;
}

size_t run_outputsFailing(const struct run_outputs *o) {
    return o->cfg->baseline != NULL ? finding_countNew(&o->findings) : o->findings.count;
}

void run_outputsClose(struct run_outputs *o) {
    baseline_free(&o->baseline);
    finding_setFree(&o->findings);
    memset(o, 0, sizeof(*o));
}
