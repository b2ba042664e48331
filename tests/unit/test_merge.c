/* Unit tests of src/report/merge.c (`ftstress merge`) and src/report/history.c (its
 * --history file), on the fixture reports in tests/data/merge:
 *  a.json        counter_global, bytesio_write, counter_global_locked; 3 findings
 *  b.json        bytesio_write, dict_iter (could not run), counter_global;
 *                5 findings, 3 shared with a.json, one crash known and titled
 *                with markup
 *  shard-c/      a shard directory: counter_global_locked, no findings
 *  malformed.json  a trailing comma on line 6 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "baseline.h"
#include "exitcode.h"
#include "history.h"
#include "json_reader.h"
#include "merge.h"
#include "output_json.h"
#include "util.h"

#define DATA TEST_DATA_DIR "/merge"
#define RACE_SIG "data-race:bytesio.c:write_bytes,bytesio.c:write_bytes"
#define CRASH_SIG "crash:signal 11:_io.so:write_bytes"
#define CG_SIG "outcome:counter_global:lost updates"
#define BW_SIG "outcome:bytesio_write:bytes lost or garbled"

static void add_ok(struct merge *m, const char *path) {
    char *error = NULL;
    if (!merge_addPath(m, path, &error)) {
        print_error("%s\n", error);
        fail();
    }
}

static void merge_ab(struct merge *m) {
    memset(m, 0, sizeof(*m));
    add_ok(m, DATA "/a.json");
    add_ok(m, DATA "/b.json");
    merge_finish(m);
}

static const struct scenario_verdict *scenario_named(const struct merge *m, const char *name) {
    for (size_t i = 0; i < m->nscenarios; i++) {
        if (strcmp(m->scenarios[i]->name, name) == 0) {
            return m->scenarios[i];
        }
    }
    return NULL;
}

static const struct outcome *outcome_named(const struct results *r, const char *result) {
    for (size_t i = 0; i < r->noutcomes; i++) {
        if (strcmp(r->outcomes[i].result, result) == 0) {
            return &r->outcomes[i];
        }
    }
    return NULL;
}

static time_t utc(int y, int mo, int d, int h, int mi, int s) {
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = s};
    return timegm(&tm);
}

static bool has_seed(const uint64_t *seeds, int n, uint64_t seed) {
    for (int i = 0; i < n; i++) {
        if (seeds[i] == seed) {
            return true;
        }
    }
    return false;
}

/* The merged report as JSON text. */
static char *render(const struct merge *m) {
    struct output_run run;
    merge_outputRun(m, &run, NULL, 0);
    return output_jsonRender(&run, NULL);
}

static void test_overlapping_findings_are_summed_and_their_seeds_unioned(void **state) {
    struct merge m;
    merge_ab(&m);
    assert_int_equal(m.findings.count, 5); /* 3 + 5, of which 3 shared */
    const struct finding *race = finding_find(&m.findings, RACE_SIG);
    assert_non_null(race);
    assert_int_equal(race->count, 6 + 4);
    assert_int_equal(race->nseeds, 3); /* 273897666002848 is in both */
    assert_true(has_seed(race->seeds, race->nseeds, 206517032170449ULL));
    assert_true(has_seed(race->seeds, race->nseeds, 273897666002848ULL));
    assert_true(has_seed(race->seeds, race->nseeds, 3));
    /* b saw it earlier and later than a. */
    assert_true(race->first_seen == utc(2025, 1, 31, 9, 0, 0));
    assert_true(race->last_seen == utc(2025, 1, 31, 11, 0, 0));
    /* a's Python stack is kept though b has none; a's location. */
    assert_non_null(race->python_stack);
    assert_non_null(strstr(race->python_stack, "bytesio_write.py\", line 21"));
    assert_string_equal(race->file, "Modules/_io/bytesio.c");
    assert_int_equal(race->line, 200);
    /* Order of first appearance: a's three, then b's new ones. */
    assert_string_equal(m.findings.items[0].signature, CG_SIG);
    assert_string_equal(m.findings.items[1].signature, RACE_SIG);
    assert_string_equal(m.findings.items[2].signature, BW_SIG);
    assert_string_equal(m.findings.items[3].signature, CRASH_SIG);
    const struct finding *cg = finding_find(&m.findings, CG_SIG);
    assert_true(cg->first_seen == utc(2025, 1, 31, 10, 0, 0)); /* a's */
    assert_true(cg->last_seen == utc(2025, 1, 31, 11, 0, 4));  /* b's */
    /* known in b's (its baseline), so known in the merge */
    assert_true(finding_find(&m.findings, CRASH_SIG)->known);
    assert_false(race->known);
    merge_free(&m);
}

static void test_scenarios_with_the_same_name_are_merged(void **state) {
    struct merge m;
    merge_ab(&m);
    assert_int_equal(m.nscenarios, 4);
    assert_string_equal(m.scenarios[0]->name, "counter_global");
    assert_string_equal(m.scenarios[1]->name, "bytesio_write");
    assert_string_equal(m.scenarios[2]->name, "counter_global_locked");
    assert_string_equal(m.scenarios[3]->name, "dict_iter");

    const struct scenario_verdict *bw = scenario_named(&m, "bytesio_write");
    assert_int_equal(bw->runs, 4);
    assert_int_equal(bw->merged.done, 140);
    assert_true(bw->seconds == 8.5 + 6.5);
    assert_int_equal(bw->tsan_reports, 10);
    assert_int_equal(bw->crashes, 1);
    assert_int_equal(bw->merged.noutcomes, 2);
    /* Summed by result string, though b lists them in the other order. */
    assert_int_equal(outcome_named(&bw->merged, "all bytes present")->samples, 68 + 55);
    assert_int_equal(outcome_named(&bw->merged, "bytes lost or garbled")->samples, 12 + 5);
    assert_int_equal(outcome_named(&bw->merged, "all bytes present")->cls, OUTCOME_ACCEPTABLE);
    assert_true(bw->merged.has_counts);
    assert_int_equal(bw->merged.expected, 12288000 + 9216000);
    assert_int_equal(bw->merged.observed, 11595264 + 9000000);
    assert_int_equal(bw->merged.lossy_states, 12 + 5);
    assert_true(bw->merged.first_failure_seconds == 0.5); /* the earlier */
    assert_int_equal(bw->nfailing_seeds, 3);
    assert_string_equal(bw->case_path, "ftstress-corpus/bytesio_write-000000000001.case");
    /* Its findings: the union of both reports' lists. */
    assert_int_equal(bw->findings.count, 3);
    assert_non_null(finding_find(&bw->findings, CRASH_SIG));
    assert_true(finding_find(&bw->findings, CRASH_SIG)->known);

    const struct scenario_verdict *cg = scenario_named(&m, "counter_global");
    assert_int_equal(cg->merged.noutcomes, 3); /* b adds "weird" */
    assert_int_equal(outcome_named(&cg->merged, "weird")->cls, OUTCOME_UNEXPECTED);
    assert_int_equal(cg->findings.count, 2);

    /* Verdicts recomputed: error, fail, pass. */
    assert_string_equal(output_verdictName(scenario_named(&m, "dict_iter")), "error");
    assert_string_equal(output_verdictName(cg), "fail");
    assert_string_equal(output_verdictName(scenario_named(&m, "counter_global_locked")), "pass");
    assert_false(scenario_named(&m, "dict_iter")->merged.has_counts);
    merge_free(&m);
}

static void test_outcome_findings_take_the_merged_numbers(void **state) {
    struct merge m;
    merge_ab(&m);
    const struct finding *cg = finding_find(&m.findings, CG_SIG);
    assert_int_equal(cg->count, 33 + 19);
    assert_string_equal(
        cg->title, "interesting outcome 'lost updates' in counter_global (52 of 110 iterations)");
    assert_non_null(strstr(cg->detail, "expected 440000, observed 405350, lost 34650"));
    merge_free(&m);
}

static void test_runtime_and_parameters_of_the_merge(void **state) {
    struct merge m;
    merge_ab(&m);
    struct output_run run;
    merge_outputRun(&m, &run, NULL, 0);
    assert_string_equal(run.runtime_version, "3.13.15");
    assert_string_equal(run.runtime_key, "cpython-3.13.15-tsan-1e66a7945a48-4e526cc5");
    assert_int_equal(run.threads, 2);
    assert_int_equal(run.iterations, 40);
    assert_int_equal(run.runs, 4); /* bytesio_write's, the most */
    assert_int_equal(run.seed, 1); /* the first report's */
    assert_int_equal(run.nscenarios, 4);
    assert_null(run.source_root);
    merge_free(&m);
    /* A runtime the inputs disagree on is null. */
    char *text = util_readFile(DATA "/b.json", NULL);
    char *key = strstr(text, "1e66a7945a48");
    memcpy(key, "000000000000", 12);
    memset(&m, 0, sizeof(m));
    add_ok(&m, DATA "/a.json");
    char *error = NULL;
    assert_true(merge_addText(&m, "other-runtime.json", text, strlen(text), &error));
    assert_null(m.runtime_key);
    assert_string_equal(m.runtime_version, "3.13.15");
    free(text);
    merge_free(&m);
}

/* text with every from replaced by to. Caller frees. */
static char *replace_all(const char *text, const char *from, const char *to) {
    char *out = strdup("");
    const char *p = text;
    for (const char *at; (at = strstr(p, from)) != NULL; p = at + strlen(from)) {
        util_appendf(&out, "%.*s%s", (int)(at - p), p, to);
    }
    util_appendf(&out, "%s", p);
    return out;
}

/* Tests and fuzz targets run with threads and iterations of their own: the
 * merge names the parameters of the first report that holds a scenario, and
 * keeps each entry's kind (an entry without one is a scenario). */
static void test_entries_keep_their_kind_and_scenarios_name_the_parameters(void **state) {
    char *a = util_readFile(DATA "/a.json", NULL);
    char *kinds = replace_all(a, "\"verdict\": ", "\"kind\": \"test\", \"verdict\": ");
    char *tests = replace_all(kinds, "\"threads\": 2,", "\"threads\": 8,");
    struct merge m = {0};
    char *error = NULL;
    assert_true(merge_addText(&m, "tests.json", tests, strlen(tests), &error));
    add_ok(&m, DATA "/b.json");
    merge_finish(&m);
    assert_int_equal(scenario_named(&m, "counter_global_locked")->kind, VERDICT_TEST);
    assert_int_equal(scenario_named(&m, "dict_iter")->kind, VERDICT_SCENARIO);
    assert_int_equal(m.threads, 2); /* b.json's: the first with a scenario */
    merge_free(&m);
    free(a);
    free(kinds);
    free(tests);
}

static void test_merging_a_merge_changes_nothing(void **state) {
    struct merge m;
    merge_ab(&m);
    char *once = render(&m);
    merge_free(&m);
    /* merge(merge(a, b)) == merge(a, b) */
    char *error = NULL;
    memset(&m, 0, sizeof(m));
    assert_true(merge_addText(&m, "merged.json", once, strlen(once), &error));
    merge_finish(&m);
    char *twice = render(&m);
    assert_string_equal(twice, once);
    /* merge(merge(a, b), c) == merge(a, b, c) */
    add_ok(&m, DATA "/shard-c");
    merge_finish(&m);
    char *composed = render(&m);
    merge_free(&m);
    memset(&m, 0, sizeof(m));
    add_ok(&m, DATA "/a.json");
    add_ok(&m, DATA "/b.json");
    add_ok(&m, DATA "/shard-c");
    merge_finish(&m);
    char *all = render(&m);
    assert_string_equal(composed, all);
    merge_free(&m);
    free(once);
    free(twice);
    free(composed);
    free(all);
}

static void test_merge_of_one_report_reproduces_it(void **state) {
    /* A report written by `run` merges into itself, member for member, except
     * the outcome titles (recomputed the same) - here they agree. */
    struct merge m = {0};
    add_ok(&m, DATA "/shard-c/report.json");
    merge_finish(&m);
    char *out = render(&m);
    struct jsonr_value a, b;
    struct jsonr_error e;
    char *in = util_readFile(DATA "/shard-c/report.json", NULL);
    assert_true(jsonr_parse(in, strlen(in), NULL, &a, &e));
    assert_true(jsonr_parse(out, strlen(out), NULL, &b, &e));
    const struct jsonr_value *sa = &jsonr_get(&a, "scenarios")->items[0];
    const struct jsonr_value *sb = &jsonr_get(&b, "scenarios")->items[0];
    assert_int_equal(jsonr_get(sa, "iterations")->integer, jsonr_get(sb, "iterations")->integer);
    assert_string_equal(jsonr_get(sb, "verdict")->string, "pass");
    assert_int_equal(jsonr_get(jsonr_get(sb, "lost_updates"), "expected")->integer, 160000);
    assert_string_equal(jsonr_get(jsonr_get(&b, "parameters"), "seed")->string, "3");
    jsonr_free(&a);
    jsonr_free(&b);
    free(in);
    free(out);
    merge_free(&m);
}

/* Merging text that should fail with an error holding want. */
static void add_fails(const char *text, const char *want) {
    struct merge m = {0};
    char *error = NULL;
    if (merge_addText(&m, "r.json", text, strlen(text), &error)) {
        print_error("merged, but should fail with %s\n", want);
        fail();
    }
    if (error == NULL || strstr(error, want) == NULL) {
        print_error("got: %s\nwant: ...%s...\n", error ? error : "(none)", want);
        fail();
    }
    assert_int_equal(m.ninputs, 0);
    assert_int_equal(m.nscenarios, 0);
    free(error);
    merge_free(&m);
}

/* a.json with one piece of text replaced. */
static char *a_with(const char *from, const char *to) {
    char *text = util_readFile(DATA "/a.json", NULL);
    char *at = strstr(text, from);
    assert_non_null(at);
    *at = '\0';
    char *out = util_asprintf("%s%s%s", text, to, at + strlen(from));
    free(text);
    return out;
}

/* Found by the fuzzer: a scenario whose counts observe more than they expect
 * gets a negative "lost" in ftstress's own report, which merge refused. */
static void test_more_observed_than_expected_merges_and_merges_again(void **state) {
    char *text = a_with("\"observed\": 295350,\n        \"lost\": 24650",
                        "\"observed\": 320002,\n        \"lost\": -2");
    struct merge m = {0};
    char *error = NULL;
    assert_true(merge_addText(&m, "a.json", text, strlen(text), &error));
    merge_finish(&m);
    char *out = render(&m);
    assert_non_null(strstr(out, "\"lost\": -2"));
    struct merge again = {0};
    assert_true(merge_addText(&again, "merged.json", out, strlen(out), &error));
    merge_free(&again);
    free(out);
    merge_free(&m);
    free(text);
}

static void test_malformed_input_names_the_file_line_and_column(void **state) {
    struct merge m = {0};
    add_ok(&m, DATA "/a.json");
    char *before = render(&m);
    char *error = NULL;
    assert_false(merge_addPath(&m, DATA "/malformed.json", &error));
    assert_string_equal(error, DATA "/malformed.json:6:89: unexpected '}': a key (a string) is "
                                    "due after ',' (no trailing commas in JSON)");
    free(error);
    /* The merge is as it was. */
    assert_int_equal(m.ninputs, 1);
    char *after = render(&m);
    assert_string_equal(after, before);
    free(before);
    free(after);
    merge_free(&m);

    add_fails("[1]", "r.json:1:1: an ftstress report (a JSON object) is due, not array");
    add_fails("{\"tool\": \"other\"}", "r.json:1:10: not an ftstress report");
    char *t;
    t = a_with("\"schema\": 1", "\"schema\": 2");
    add_fails(t, "r.json:4:13: report schema 2; this ftstress reads schema 1");
    free(t);
    t = a_with("\"threads\": 2,", "");
    add_fails(t, "r.json:10:17: member \"threads\" is missing from this object");
    free(t);
    t = a_with("\"runs\": 2,\n      \"iterations\": 80",
               "\"runs\": \"2\",\n      \"iterations\": 80");
    add_fails(t, "r.json:23:15: \"runs\" should be a number, not string");
    free(t);
    t = a_with("\"seed\": \"1\"", "\"seed\": 1");
    add_fails(t, "r.json:14:13: a seed is due: a decimal string");
    free(t);
    t = a_with("\"112167027322359\",\n        \"199734726842128\"\n      ],\n      \"findings\"",
               "\"112167027322359\",\n        \"18446744073709551616\"\n      ],\n      "
               "\"findings\"");
    add_fails(t, "a seed is due: a decimal string from 0 to 2^64-1");
    free(t);
    t = a_with("\"class\": \"interesting\"", "\"class\": \"weird\"");
    add_fails(t, "\"class\" should be expected, acceptable, interesting, forbidden or unexpected");
    free(t);
    t = a_with("\"verdict\": \"fail\"", "\"verdict\": \"meh\"");
    add_fails(t, "\"verdict\" should be pass, fail or error");
    free(t);
    t = a_with("\"first_seen\": \"2025-01-31T10:00:00Z\"", "\"first_seen\": \"yesterday\"");
    add_fails(t, "\"first_seen\" should be an ISO 8601 UTC time");
    free(t);
    /* Found by the fuzzer: year 0640 was read, then written back as "640-...". */
    t = a_with("\"first_seen\": \"2025-01-31T10:00:00Z\"",
               "\"first_seen\": \"0640-01-31T10:00:00Z\"");
    add_fails(t, "\"first_seen\" should be an ISO 8601 UTC time from 1970 on");
    free(t);
    t = a_with("\"8146da043e1b583d\"\n      ]", "\"0000000000000000\"\n      ]");
    add_fails(t, "finding 0000000000000000 is not in the report's \"findings\"");
    free(t);
    t = a_with("\"name\": \"counter_global_locked\"", "\"name\": \"counter_global\"");
    add_fails(t, "scenario \"counter_global\" is listed twice");
    free(t);
    t = a_with("\"name\": \"counter_global\",",
               "\"name\": \"counter_global\", \"kind\": \"benchmark\",");
    add_fails(t, "\"kind\" should be scenario, test or fuzz");
    free(t);
    t = a_with("\"lost_updates\": {", "\"lost_updates\": [], \"x\": {");
    add_fails(t, "r.json:40:23: \"lost_updates\" should be an object or null, not array");
    free(t);
}

static void test_shard_directories_and_repeated_inputs(void **state) {
    struct merge m = {0};
    char *error = NULL;
    add_ok(&m, DATA "/shard-c");
    assert_int_equal(m.ninputs, 1);
    assert_string_equal(m.inputs[0], DATA "/shard-c/report.json");
    assert_false(merge_addPath(&m, DATA "/shard-c/report.json", &error));
    assert_non_null(strstr(error, "given twice"));
    free(error);
    assert_false(merge_addPath(&m, DATA, &error)); /* holds no report.json */
    assert_non_null(strstr(error, "a directory without a report.json"));
    free(error);
    assert_false(merge_addPath(&m, DATA "/missing.json", &error));
    assert_string_equal(error, DATA "/missing.json: No such file or directory");
    free(error);
    assert_int_equal(m.ninputs, 1);
    merge_free(&m);
}

/* ---- merge_main: outputs and exit status ---- */

static char tmpdir[] = "/tmp/ftstress-test-merge-XXXXXX";

static int setup(void **state) {
    return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int teardown(void **state) {
    char *cmd = util_asprintf("rm -rf '%s'", tmpdir);
    int rc = system(cmd);
    free(cmd);
    return rc;
}

static int run_merge(const char **inputs, int n, const char *baseline, const char *history) {
    struct ftstress_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.command = CMD_MERGE;
    cfg.paths = inputs;
    cfg.npaths = n;
    char *json = util_asprintf("%s/merged.json", tmpdir);
    cfg.json_path = json;
    cfg.baseline = baseline;
    cfg.history_path = history;
    int status = merge_main(&cfg);
    free(json);
    return status;
}

static void test_exit_status_follows_the_baseline(void **state) {
    const char *inputs[] = {DATA "/a.json", DATA "/shard-c"};
    assert_int_equal(run_merge(inputs, 2, NULL, NULL), EXIT_FINDINGS);
    char *path = util_asprintf("%s/baseline.txt", tmpdir);
    FILE *f = fopen(path, "w");
    fprintf(f, "%s\n%s\n%s\n", CG_SIG, RACE_SIG, BW_SIG);
    fclose(f);
    assert_int_equal(run_merge(inputs, 2, path, NULL), EXIT_CLEAN);
    char *merged = util_asprintf("%s/merged.json", tmpdir);
    char *text = util_readFile(merged, NULL);
    assert_non_null(strstr(text, "\"new_findings\": 0"));
    free(text);
    f = fopen(path, "w");
    fprintf(f, "%s\n", CG_SIG);
    fclose(f);
    assert_int_equal(run_merge(inputs, 2, path, NULL), EXIT_FINDINGS);
    text = util_readFile(merged, NULL);
    assert_non_null(strstr(text, "\"new_findings\": 2"));
    free(text);
    /* A bad input is exit 2, and nothing is written. */
    unlink(merged);
    const char *bad[] = {DATA "/a.json", DATA "/malformed.json"};
    assert_int_equal(run_merge(bad, 2, NULL, NULL), EXIT_USAGE);
    assert_false(util_isFile(merged));
    /* No inputs: a usage error. */
    assert_int_equal(run_merge(NULL, 0, NULL, NULL), EXIT_USAGE);
    free(merged);
    free(path);
}

static void test_history_keeps_one_entry_per_merge(void **state) {
    char *path = util_asprintf("%s/history.json", tmpdir);
    const char *night1[] = {DATA "/a.json"};
    const char *night2[] = {DATA "/a.json", DATA "/b.json"};
    setenv("SOURCE_DATE_EPOCH", "1738200000", 1); /* 2025-01-30T01:20:00Z */
    assert_int_equal(run_merge(night1, 1, NULL, path), EXIT_FINDINGS);
    setenv("SOURCE_DATE_EPOCH", "1738286400", 1);
    assert_int_equal(run_merge(night2, 2, NULL, path), EXIT_FINDINGS);
    unsetenv("SOURCE_DATE_EPOCH");
    struct history h;
    char *error = NULL;
    assert_true(history_load(path, &h, &error));
    assert_int_equal(h.count, 2);
    assert_true(h.entries[0].date == 1738200000);
    assert_int_equal(h.entries[0].findings_total, 3);
    assert_int_equal(h.entries[0].first_seen, 3);
    assert_int_equal(h.entries[1].findings_total, 5);
    assert_int_equal(h.entries[1].new_findings, 4); /* the crash is known */
    assert_int_equal(h.entries[1].first_seen, 2);   /* the crash and "weird" */
    assert_int_equal(h.entries[1].occurrences, 52 + 10 + 17 + 1 + 1);
    assert_int_equal(h.entries[1].scenarios, 4);
    assert_int_equal(h.entries[1].errors, 1);
    const struct history_finding *race = history_findFinding(&h.entries[1], RACE_SIG);
    assert_non_null(race);
    assert_int_equal(race->count, 10);
    const struct history_lost *lost = history_findLost(&h.entries[1], "counter_global");
    assert_non_null(lost);
    assert_int_equal(lost->expected, 440000);
    assert_int_equal(lost->lost, 34650);
    assert_true(lost->rate > 0.0787 && lost->rate < 0.0788);
    assert_null(history_findLost(&h.entries[1], "dict_iter"));
    history_free(&h);
    free(path);
}

static void test_history_is_bounded_and_round_trips(void **state) {
    struct merge m;
    merge_ab(&m);
    struct output_run run;
    merge_outputRun(&m, &run, NULL, 0);
    struct history h = {0};
    for (int i = 0; i < HISTORY_MAX_ENTRIES + 35; i++) {
        history_append(&h, &run, (time_t)(1700000000 + 86400 * (time_t)i));
    }
    assert_int_equal(h.count, HISTORY_MAX_ENTRIES);
    assert_true(h.entries[0].date == 1700000000 + 86400 * 35); /* the oldest dropped */
    assert_int_equal(h.entries[HISTORY_MAX_ENTRIES - 1].first_seen, 0);
    char *path = util_asprintf("%s/bounded.json", tmpdir);
    assert_true(history_write(path, &h));
    struct history back;
    char *error = NULL;
    assert_true(history_load(path, &back, &error));
    assert_int_equal(back.count, h.count);
    size_t len1, len2;
    char *t1 = history_render(&h, &len1), *t2 = history_render(&back, &len2);
    assert_string_equal(t1, t2);
    free(t1);
    free(t2);
    history_free(&back);
    history_free(&h);
    merge_free(&m);

    /* A missing file is an empty history; a broken one an error with its place. */
    assert_true(history_load("/nonexistent/history.json", &h, &error));
    assert_int_equal(h.count, 0);
    FILE *f = fopen(path, "w");
    fputs("{\"tool\": \"ftstress\", \"kind\": \"history\", \"schema\": 1,\n \"entries\": [{}]}\n",
          f);
    fclose(f);
    assert_false(history_load(path, &h, &error));
    char *want = util_asprintf("%s:2:14: member \"date\" is missing", path);
    assert_non_null(strstr(error, want));
    free(want);
    free(error);
    /* merge refuses to go on with a broken history (exit 2), leaving it be. */
    const char *inputs[] = {DATA "/a.json"};
    assert_int_equal(run_merge(inputs, 1, NULL, path), EXIT_USAGE);
    char *text = util_readFile(path, NULL);
    assert_non_null(strstr(text, "[{}]"));
    free(text);
    free(path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overlapping_findings_are_summed_and_their_seeds_unioned),
        cmocka_unit_test(test_scenarios_with_the_same_name_are_merged),
        cmocka_unit_test(test_outcome_findings_take_the_merged_numbers),
        cmocka_unit_test(test_runtime_and_parameters_of_the_merge),
        cmocka_unit_test(test_entries_keep_their_kind_and_scenarios_name_the_parameters),
        cmocka_unit_test(test_merging_a_merge_changes_nothing),
        cmocka_unit_test(test_merge_of_one_report_reproduces_it),
        cmocka_unit_test(test_more_observed_than_expected_merges_and_merges_again),
        cmocka_unit_test(test_malformed_input_names_the_file_line_and_column),
        cmocka_unit_test(test_shard_directories_and_repeated_inputs),
        cmocka_unit_test(test_exit_status_follows_the_baseline),
        cmocka_unit_test(test_history_keeps_one_entry_per_merge),
        cmocka_unit_test(test_history_is_bounded_and_round_trips),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
