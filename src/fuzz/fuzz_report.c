/* fuzz_report.c - the fuzz command's reports; see fuzz_report.h. */
#include "fuzz_report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report_text.h"
#include "util.h"

/* Findings shown with their stacks; the rest get one line each. */
#define FUZZ_REPORT_FULL_FINDINGS 10

void fuzz_reportHeader(FILE *out, const struct ftstress_config *cfg, const struct runtime *rt,
                       const char *what, const struct fuzz_campaignOptions *opt) {
    fprintf(out, "ftstress %s fuzz: %s on CPython %s (%s, free-threaded), %d threads, ",
            FTSTRESS_VERSION, what, rt->version, rt->flavour, cfg->threads);
    if (cfg->ops > 0) {
        fprintf(out, "%d ops per thread, ", cfg->ops);
    }
    if (opt->budget > 0) {
        fprintf(out, "%.0f s budget", opt->budget);
    } else {
        fprintf(out, "%ld iterations", opt->iterations);
    }
    fprintf(out, " x %d process%s, noise %s, seed %" PRIu64 "\n\n", opt->runs,
            opt->runs == 1 ? "" : "es", config_noiseName(cfg->noise), cfg->seed);
}

static void fuzz_reportPlan(FILE *out, const struct fuzz_plan *p, const char *indent) {
    for (size_t t = 0; t < p->nthreads; t++) {
        char *ops = fuzz_planFormatThread(&p->threads[t]);
        fprintf(out, "%sthread %zu: %s\n", indent, t, ops);
        free(ops);
    }
}

/* text, each line indented by indent. */
static void fuzz_reportIndented(FILE *out, const char *text, const char *indent) {
    for (const char *p = text; p != NULL && *p;) {
        size_t n = strcspn(p, "\n");
        fprintf(out, "%s%.*s\n", indent, (int)n, p);
        p += n + (p[n] == '\n');
    }
}

void fuzz_reportHarnessError(FILE *out, const struct fuzz_campaign *c, const char *indent) {
    fprintf(out, "%scould not fuzz: %s\n", indent, c->harness_error);
    char *deeper = util_asprintf("%s    ", indent);
    fuzz_reportIndented(out, c->harness_detail, deeper);
    free(deeper);
}

void fuzz_reportSkipped(FILE *out, const struct fuzz_campaign *c, const char *indent) {
    if (c->nskipped == 0) {
        return;
    }
    fprintf(out, "%sskipped %zu method%s (--allow NAME forces one):", indent, c->nskipped,
            c->nskipped == 1 ? "" : "s");
    for (size_t i = 0; i < c->nskipped; i++) {
        bool same = i > 0 && strcmp(c->skipped[i].reason, c->skipped[i - 1].reason) == 0;
        fprintf(out, "%s%s", same ? ", " : i > 0 ? "; " : " ", c->skipped[i].name);
        if (i + 1 == c->nskipped || strcmp(c->skipped[i].reason, c->skipped[i + 1].reason) != 0) {
            fprintf(out, " (%s)", c->skipped[i].reason);
        }
    }
    fputc('\n', out);
}

void fuzz_reportPairs(FILE *out, const struct fuzz_campaign *c, const char *indent) {
    if (c->pairs_possible <= 0) {
        return;
    }
    fprintf(out,
            "%sop-pair coverage: %ld of %ld pairs ran in different threads of one iteration "
            "(%.0f%%)",
            indent, c->pairs_seen, c->pairs_possible,
            100.0 * (double)c->pairs_seen / (double)c->pairs_possible);
    if (c->npair_top > 0) {
        fprintf(out, "; most often %s + %s (%ld iterations)", c->pair_top[0].a, c->pair_top[0].b,
                c->pair_top[0].ran);
    }
    fputc('\n', out);
    for (size_t i = 0; i < c->npair_hits && i < 5; i++) {
        fprintf(out, "%s%s%s + %s: %ld of %ld iterations showed a finding\n", indent,
                i == 0 ? "pairs with findings (weighed more in later draws): " : "    ",
                c->pair_hits[i].a, c->pair_hits[i].b, c->pair_hits[i].hits, c->pair_hits[i].ran);
    }
}

void fuzz_reportCampaign(FILE *out, const struct fuzz_campaign *c) {
    char *verdict = fuzz_campaignVerdict(c);
    const char *tag = c->error || c->harness_error ? "ERROR" : c->findings.count ? "FAIL" : "PASS";
    fprintf(out, "[%s] %s  %s\n", tag, c->label, verdict);
    free(verdict);
    if (c->error != NULL) {
        fprintf(out, "  target error: %s\n\n", c->error);
        return;
    }
    if (c->harness_error != NULL) {
        fuzz_reportHarnessError(out, c, "  ");
    }
    fuzz_reportSkipped(out, c, "  ");
    fprintf(out,
            "  %s mode, %zu operations; %d process%s, %ld iterations, %ld ops in %.1f s of "
            "fuzzing (%.0f ops/s, %.1f iterations/s)\n",
            c->mode ? c->mode : "?", c->nops, c->processes, c->processes == 1 ? "" : "es",
            c->iterations, c->ops_done, c->fuzz_seconds,
            c->fuzz_seconds > 0 ? (double)c->ops_done / c->fuzz_seconds : 0.0,
            c->fuzz_seconds > 0 ? (double)c->iterations / c->fuzz_seconds : 0.0);
    fprintf(out, "  %.1f s in all (%.1f s minimizing), %d thread%s x %d ops per iteration\n",
            c->seconds, c->minimize_seconds, c->threads, c->threads == 1 ? "" : "s", c->ops);
    fuzz_reportPairs(out, c, "  ");
    if (c->lin_checked > 0) {
        fprintf(out, "  linearizability: %ld iterations checked, %ld undecided (search too long)\n",
                c->lin_checked, c->lin_undecided);
    }
    if (c->crashes > 0 || c->hangs > 0) {
        fprintf(out, "  %d crash%s, %d hang%s\n", c->crashes, c->crashes == 1 ? "" : "es", c->hangs,
                c->hangs == 1 ? "" : "s");
    }
    if (c->outcomes > 0) {
        fprintf(out, "  outcomes: %zu distinct expected exceptions seen (%zu cases saved)\n",
                c->outcomes, c->outcome_cases);
    }
    double first = -1;
    for (size_t i = 0; i < c->nfound; i++) {
        if (c->found[i].at >= 0 && (first < 0 || c->found[i].at < first)) {
            first = c->found[i].at;
        }
    }
    if (first >= 0) {
        fprintf(out, "  first finding after %.1f s; %zu finding%s\n", first, c->findings.count,
                c->findings.count == 1 ? "" : "s");
    }
    for (size_t i = 0; i < c->findings.count; i++) {
        const struct finding *f = &c->findings.items[i];
        if (i == FUZZ_REPORT_FULL_FINDINGS) {
            fprintf(out, "  %zu more finding%s (details in --json, cases in the corpus):\n",
                    c->findings.count - i, c->findings.count - i == 1 ? "" : "s");
        }
        if (i >= FUZZ_REPORT_FULL_FINDINGS) {
            const struct fuzz_found *k = fuzz_campaignFound(c, f->signature);
            fprintf(out, "  %s %s\n    %s\n", f->id, f->title,
                    k && k->case_path ? k->case_path : f->signature);
            continue;
        }
        report_textFinding(out, f);
        const struct fuzz_found *k = fuzz_campaignFound(c, f->signature);
        if (k == NULL) {
            continue;
        }
        fprintf(out, "  found in process %d (seed %" PRIu64 ")", k->process, k->seed);
        if (k->iteration >= 0) {
            fprintf(out, ", iteration %ld", k->iteration);
        }
        if (k->at >= 0) {
            fprintf(out, ", %.1f s into the run", k->at);
        }
        fputc('\n', out);
        size_t ops = fuzz_planOps(&k->plan);
        if (ops > 0) {
            if (k->minimized_ops > 0 && k->minimized_ops == k->original_ops) {
                fprintf(out,
                        "  sequence: %zu ops in %zu threads (shows again; minimization kept "
                        "every op in %d candidates%s)\n",
                        ops, k->plan.nthreads, k->min_tests,
                        k->min_done ? "" : " before its time limit");
            } else if (k->minimized_ops > 0) {
                fprintf(out,
                        "  sequence: %zu op%s in %zu thread%s, minimized from %zu ops (%d "
                        "candidates run%s)\n",
                        ops, ops == 1 ? "" : "s", fuzz_planActiveThreads(&k->plan),
                        fuzz_planActiveThreads(&k->plan) == 1 ? "" : "s", k->original_ops,
                        k->min_tests, k->min_done ? ", 1-minimal" : ", stopped by its time limit");
            } else {
                fprintf(out, "  sequence: %zu ops in %zu threads%s\n", ops, k->plan.nthreads,
                        k->reproduced == 0 ? " (did not show again when re-run: not minimized)"
                                           : " (not minimized)");
            }
            fuzz_reportPlan(out, &k->plan, "    ");
        }
        if (k->case_path != NULL) {
            fprintf(out, "  case: %s\n  replay: ftstress replay %s\n", k->case_path, k->case_path);
        }
    }
    fputc('\n', out);
}

void fuzz_reportReadinessRow(FILE *out, const struct fuzz_campaign *c) {
    char *verdict = fuzz_campaignVerdict(c);
    fprintf(out, "  %-32s %-22s %7ld iterations %9ld ops %6.1f s\n", c->label, verdict,
            c->iterations, c->ops_done, c->fuzz_seconds);
    if (c->error != NULL) {
        fprintf(out, "      %s\n", c->error);
    }
    if (c->harness_error != NULL) {
        fuzz_reportHarnessError(out, c, "      ");
    }
    fuzz_reportSkipped(out, c, "      ");
    for (size_t i = 0; i < c->findings.count && i < 4; i++) {
        fprintf(out, "      %s %s\n", c->findings.items[i].id, c->findings.items[i].title);
    }
    if (c->findings.count > 4) {
        fprintf(out, "      ... and %zu more (fuzz it alone for details)\n", c->findings.count - 4);
    }
    free(verdict);
}
