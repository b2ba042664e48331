/* Unit tests of src/report/output_sarif.c (the SARIF 2.1.0 report): the structure
 * SARIF and GitHub code scanning require, checked on the parsed document. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "json_check.h"
#include "output_fixture.h"
#include "output_sarif.h"
#include "signature.h"
#include "util.h"

static const char *const every_kind[] = {
    "data-race",
    "heap-use-after-free",
    "lock-order-inversion",
    "thread-leak",
    "signal-unsafe-call",
    "signal-spoils-errno",
    "mutex-misuse",
    "deadly-signal",
    "crash",
    "hang",
    "refcount-negative_refcount",
    "refcount-decref_after_dealloc",
    "refcount-double_dealloc",
    "refcount-null_type",
    "unknown",
};
#define NKINDS (sizeof(every_kind) / sizeof(every_kind[0]))

static struct jv *render_and_parse(const struct output_run *run) {
    size_t len, error_at = 0;
    char *doc = output_sarifRender(run, &len);
    struct jv *root = jv_parse(doc, len, &error_at);
    if (root == NULL) {
        print_error("not strict JSON at byte %zu: ...%.40s\n", error_at, doc + error_at);
    }
    free(doc);
    assert_non_null(root);
    return root;
}

static const struct jv *rule_with_id(const struct jv *root, const char *id) {
    const struct jv *rules = jv_path(root, "runs.0.tool.driver.rules");
    for (size_t i = 0; rules != NULL && i < rules->count; i++) {
        const char *rid = jv_str(&rules->items[i], "id");
        if (rid != NULL && strcmp(rid, id) == 0) {
            return &rules->items[i];
        }
    }
    return NULL;
}

static const struct jv *result_with_signature(const struct jv *root, const char *sig) {
    const struct jv *results = jv_path(root, "runs.0.results");
    for (size_t i = 0; results != NULL && i < results->count; i++) {
        const struct jv *fp = jv_get(&results->items[i], "partialFingerprints");
        const struct jv *s = jv_get(fp, "ftstressSignature/v1");
        if (s != NULL && s->type == JV_STRING && strcmp(s->text, sig) == 0) {
            return &results->items[i];
        }
    }
    return NULL;
}

static void test_sarif_report_is_version_2_1_0_with_one_ftstress_run(void **state) {
    struct fixture fx;
    fixture_build(&fx);
    struct jv *root = render_and_parse(&fx.run);
    assert_string_equal(jv_str(root, "$schema"), "https://json.schemastore.org/sarif-2.1.0.json");
    assert_string_equal(jv_str(root, "version"), "2.1.0");
    const struct jv *runs = jv_get(root, "runs");
    assert_non_null(runs);
    assert_int_equal(runs->type, JV_ARRAY);
    assert_int_equal(runs->count, 1);
    assert_string_equal(jv_str(root, "runs.0.tool.driver.name"), "ftstress");
    assert_string_equal(jv_str(root, "runs.0.tool.driver.version"), "0.1.0-test");
    /* informationUri must be absolute when present; it is left out. */
    assert_null(jv_path(root, "runs.0.tool.driver.informationUri"));
    assert_int_equal(jv_path(root, "runs.0.results")->type, JV_ARRAY);
    /* SARIF allows no other top-level members. */
    assert_int_equal(root->count, 3);
    jv_free(root);
    fixture_free(&fx);
}

static void test_sarif_has_a_described_tagged_rule_for_every_finding_kind(void **state) {
    struct fixture fx;
    fixture_build(&fx);
    struct jv *root = render_and_parse(&fx.run);
    for (size_t k = 0; k < NKINDS; k++) {
        const struct jv *rule = rule_with_id(root, every_kind[k]);
        if (rule == NULL) {
            fail_msg("no rule for %s", every_kind[k]);
        }
        assert_non_null(jv_str(rule, "name"));
        assert_true(strlen(jv_str(rule, "shortDescription.text")) > 0);
        assert_true(strlen(jv_str(rule, "fullDescription.text")) > 0);
        assert_true(strlen(jv_str(rule, "help.text")) > 0);
        assert_string_equal(jv_str(rule, "defaultConfiguration.level"), "error");
        const struct jv *tags = jv_path(rule, "properties.tags");
        assert_non_null(tags);
        assert_true(tags->count >= 1);
        for (size_t i = 0; i < tags->count; i++) {
            for (size_t j = i + 1; j < tags->count; j++) {
                assert_string_not_equal(tags->items[i].text, tags->items[j].text);
            }
        }
    }
    /* Rule ids are unique. */
    const struct jv *rules = jv_path(root, "runs.0.tool.driver.rules");
    for (size_t i = 0; i < rules->count; i++) {
        for (size_t j = i + 1; j < rules->count; j++) {
            assert_string_not_equal(jv_str(&rules->items[i], "id"), jv_str(&rules->items[j], "id"));
        }
    }
    jv_free(root);
    fixture_free(&fx);
}

static void test_sarif_every_result_has_a_known_rule_a_fingerprint_and_a_file(void **state) {
    struct fixture fx;
    fixture_build(&fx);
    struct jv *root = render_and_parse(&fx.run);
    const struct jv *results = jv_path(root, "runs.0.results");
    const struct jv *rules = jv_path(root, "runs.0.tool.driver.rules");
    assert_int_equal(results->count, fx.all.count);
    for (size_t i = 0; i < results->count; i++) {
        const struct jv *r = &results->items[i];
        const char *rule_id = jv_str(r, "ruleId");
        assert_non_null(rule_id);
        assert_non_null(rule_with_id(root, rule_id));
        const struct jv *index = jv_get(r, "ruleIndex");
        assert_non_null(index);
        assert_string_equal(jv_str(&rules->items[(size_t)index->number], "id"), rule_id);
        const char *fingerprint = jv_str(r, "partialFingerprints.ftstressSignature/v1");
        assert_non_null(fingerprint);
        assert_non_null(finding_find(&fx.all, fingerprint));
        assert_true(strlen(jv_str(r, "message.text")) > 0);
        const char *level = jv_str(r, "level");
        assert_true(strcmp(level, "error") == 0 || strcmp(level, "warning") == 0);
        /* GitHub rejects a whole upload when one result has no artifact URI. */
        const char *uri = jv_str(r, "locations.0.physicalLocation.artifactLocation.uri");
        assert_non_null(uri);
        assert_true(strlen(uri) > 0);
    }
    jv_free(root);
    fixture_free(&fx);
}

static void test_sarif_result_points_at_the_finding_file_line_and_function(void **state) {
    struct fixture fx;
    fixture_build(&fx);
    struct jv *root = render_and_parse(&fx.run);
    const struct jv *race = result_with_signature(root, FIXTURE_RACE_SIG);
    assert_non_null(race);
    assert_string_equal(jv_str(race, "ruleId"), "data-race");
    assert_string_equal(jv_str(race, "locations.0.physicalLocation.artifactLocation.uri"),
                        "Objects/dictobject.c");
    assert_int_equal((int)jv_path(race, "locations.0.physicalLocation.region.startLine")->number,
                     1234);
    assert_string_equal(jv_str(race, "locations.0.logicalLocations.0.name"), "insertdict");
    assert_string_equal(jv_str(race, "locations.0.logicalLocations.0.kind"), "function");
    assert_int_equal((int)jv_path(race, "properties.count")->number, 2);
    assert_string_equal(jv_str(race, "properties.seeds.1"), "18446744073709551615");
    assert_string_equal(jv_str(race, "properties.scenario"), "counter_global");
    /* A line of 0 is unknown: no region. */
    const struct jv *odd = result_with_signature(root, FIXTURE_ODD_SIG);
    assert_null(jv_path(odd, "locations.0.physicalLocation.region"));
    jv_free(root);
    fixture_free(&fx);
}

static void test_sarif_finding_without_a_file_is_placed_on_its_scenario_file(void **state) {
    struct fixture fx;
    fixture_build(&fx);
    struct jv *root = render_and_parse(&fx.run);
    const struct jv *crash = result_with_signature(root, FIXTURE_CRASH_SIG);
    assert_string_equal(jv_str(crash, "locations.0.physicalLocation.artifactLocation.uri"),
                        "scenarios/builtin/counter_global.py");
    assert_null(jv_path(crash, "locations.0.physicalLocation.region"));
    jv_free(root);
    fixture_free(&fx);
}

static void test_sarif_finding_with_only_a_function_gets_a_logical_location(void **state) {
    struct finding_set set = {0};
    struct finding f = {0};
    f.signature = strdup("hang:somewhere");
    f.kind = strdup("hang");
    f.title = strdup("hang");
    f.function = strdup("lock_wait");
    f.scenario = strdup("not_in_this_run");
    finding_add(&set, &f, 3);
    struct output_run run = {.tool_version = "1", .findings = &set};
    struct jv *root = render_and_parse(&run);
    const struct jv *r = jv_path(root, "runs.0.results.0");
    assert_null(jv_path(r, "locations.0.physicalLocation"));
    assert_string_equal(jv_str(r, "locations.0.logicalLocations.0.name"), "lock_wait");
    jv_free(root);
    finding_setFree(&set);
}

static void test_sarif_known_findings_are_unchanged_warnings_and_new_ones_new_errors(void **state) {
    struct fixture fx;
    fixture_build(&fx);
    struct jv *root = render_and_parse(&fx.run);
    const struct jv *crash = result_with_signature(root, FIXTURE_CRASH_SIG);
    assert_string_equal(jv_str(crash, "level"), "warning");
    assert_string_equal(jv_str(crash, "baselineState"), "unchanged");
    assert_non_null(strstr(jv_str(crash, "message.text"), "known in the baseline"));
    const struct jv *race = result_with_signature(root, FIXTURE_RACE_SIG);
    assert_string_equal(jv_str(race, "level"), "error");
    assert_string_equal(jv_str(race, "baselineState"), "new");
    jv_free(root);
    fixture_free(&fx);
}

static void test_sarif_kind_without_a_rule_in_the_table_gets_one_of_its_own(void **state) {
    struct fixture fx;
    fixture_build(&fx);
    struct jv *root = render_and_parse(&fx.run);
    const struct jv *rule = rule_with_id(root, "refcount-anomaly");
    assert_non_null(rule);
    assert_non_null(jv_str(rule, "shortDescription.text"));
    const struct jv *rules = jv_path(root, "runs.0.tool.driver.rules");
    assert_int_equal(rules->count, NKINDS + 1);
    jv_free(root);
    fixture_free(&fx);
}

static void test_sarif_message_names_title_count_seeds_scenario_and_id(void **state) {
    struct fixture fx;
    fixture_build(&fx);
    struct jv *root = render_and_parse(&fx.run);
    const struct jv *odd = result_with_signature(root, FIXTURE_ODD_SIG);
    char id[17];
    signature_id(FIXTURE_ODD_SIG, id);
    char *want = util_asprintf("refcount went negative (seen 1 time; seed 1; scenario "
                               "counter_global; ftstress id %s)",
                               id);
    assert_string_equal(jv_str(odd, "message.text"), want);
    assert_string_equal(jv_str(odd, "properties.id"), id);
    free(want);
    jv_free(root);
    fixture_free(&fx);
}

static void test_sarif_uris_are_relative_to_the_source_root_and_percent_encoded(void **state) {
    struct {
        const char *path, *root, *uri;
    } cases[] = {
        {"Objects/dictobject.c", NULL, "Objects/dictobject.c"},
        {"./Modules/_io/bytesio.c", "/x", "Modules/_io/bytesio.c"},
        {"/src/root/ext/my mod.c", "/src/root", "ext/my%20mod.c"},
        {"/src/root/ext/a.c", "/src/root///", "ext/a.c"},
        {"/src/rootless/a.c", "/src/root", "file:///src/rootless/a.c"},
        {"/usr/include/x#1?.h", NULL, "file:///usr/include/x%231%3F.h"},
        {"c:weird.c", NULL, "c%3Aweird.c"},
        {"caf\xc3\xa9.c", NULL, "caf%C3%A9.c"},
        {"100%.c", NULL, "100%25.c"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *uri = output_sarifUri(cases[i].path, cases[i].root);
        if (strcmp(uri, cases[i].uri) != 0) {
            fail_msg("case %zu: %s -> %s, expected %s", i, cases[i].path, uri, cases[i].uri);
        }
        free(uri);
    }
}

static void test_sarif_of_a_run_without_findings_lists_rules_and_no_results(void **state) {
    struct output_run run = {0};
    struct jv *root = render_and_parse(&run);
    assert_int_equal(jv_path(root, "runs.0.results")->count, 0);
    assert_int_equal(jv_path(root, "runs.0.tool.driver.rules")->count, NKINDS);
    /* No version known: the member is left out rather than null. */
    assert_null(jv_path(root, "runs.0.tool.driver.version"));
    jv_free(root);
}

static void test_sarif_write_puts_the_rendered_document_in_place(void **state) {
    struct fixture fx;
    fixture_build(&fx);
    char dir[] = "/tmp/ftstress-test-sarif-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = util_asprintf("%s/ftstress.sarif", dir);
    assert_true(output_sarifWrite(path, &fx.run));
    size_t len, want_len;
    char *got = util_readFile(path, &len);
    char *want = output_sarifRender(&fx.run, &want_len);
    assert_int_equal(len, want_len);
    assert_memory_equal(got, want, len);
    unlink(path);
    rmdir(dir);
    free(got);
    free(want);
    free(path);
    fixture_free(&fx);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sarif_report_is_version_2_1_0_with_one_ftstress_run),
        cmocka_unit_test(test_sarif_has_a_described_tagged_rule_for_every_finding_kind),
        cmocka_unit_test(test_sarif_every_result_has_a_known_rule_a_fingerprint_and_a_file),
        cmocka_unit_test(test_sarif_result_points_at_the_finding_file_line_and_function),
        cmocka_unit_test(test_sarif_finding_without_a_file_is_placed_on_its_scenario_file),
        cmocka_unit_test(test_sarif_finding_with_only_a_function_gets_a_logical_location),
        cmocka_unit_test(test_sarif_known_findings_are_unchanged_warnings_and_new_ones_new_errors),
        cmocka_unit_test(test_sarif_kind_without_a_rule_in_the_table_gets_one_of_its_own),
        cmocka_unit_test(test_sarif_message_names_title_count_seeds_scenario_and_id),
        cmocka_unit_test(test_sarif_uris_are_relative_to_the_source_root_and_percent_encoded),
        cmocka_unit_test(test_sarif_of_a_run_without_findings_lists_rules_and_no_results),
        cmocka_unit_test(test_sarif_write_puts_the_rendered_document_in_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
