/* campaign.h - `ftstress campaign`: a nightly job in one command.
 *
 *   ftstress campaign --config FILE --state DIR [--budget 30m] [--shard K/N]
 *                     [--baseline FILE] [--update-baseline FILE]
 *                     [--json F] [--junit F] [--sarif F] [--html F] [--history F]
 *
 * The flow, file by file: campaign_config (read the campaign file) ->
 * campaign_plan (work items, keys, seeds, shard, time shares) ->
 * campaign_state (what is already done in DIR) -> campaign_exec (each item
 * as an `ftstress run|test|fuzz --json` subprocess of this same binary) ->
 * `ftstress merge` of the items' reports into DIR/report.json after each
 * item -> campaign_progress (terminal, log lines, DIR/progress) -> the
 * baseline's verdict and the exit status.
 *
 * Exit status: 0 nothing (new) found, 1 findings (with --baseline: only
 * findings whose signature the baseline lacks, and failing items that wrote
 * no report), 2 usage or input error (a bad campaign file, a scenario that
 * does not load), 3 internal error (an item's ftstress failed, a write
 * failed). Stopped by SIGINT or SIGTERM it writes everything, then ends by
 * that signal, so a scheduler sees it did not finish. ci/campaign.md is the
 * user's guide. */
#ifndef FTSTRESS_CAMPAIGN_H
#define FTSTRESS_CAMPAIGN_H

#include "config.h"

/* The budget when --budget is not given: 30 minutes. */
#define CAMPAIGN_DEFAULT_BUDGET 1800.0

/* Runs the campaign cfg describes; returns an exit code (cmdline.h). */
int campaign_main(struct ftstress_config *cfg);

/* Resolves the shard of cfg: --shard K/N, or --shards N with K from
 * $JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs). Sets *k and *n (0 and 1
 * unsharded); false after reporting a bad or missing index. */
bool campaign_resolveShard(const struct ftstress_config *cfg, int *k, int *n);

#endif
