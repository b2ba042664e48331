/* Unit tests of src/report/output_json.c (the JSON report) and src/lib/json_writer.c. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "json_check.h"
#include "json_writer.h"
#include "output_fixture.h"
#include "output_json.h"
#include "signature.h"
#include "util.h"

/* The fixture's report, read back; fails the test unless it is strict JSON. */
static struct jv *render_and_parse(const struct fixture *fx, char **text) {
    size_t len, error_at = 0;
    char *doc = output_jsonRender(&fx->run, &len);
    assert_non_null(doc);
    assert_int_equal(strlen(doc), len);
    struct jv *root = jv_parse(doc, len, &error_at);
    if (root == NULL) {
        print_error("not strict JSON at byte %zu: ...%.40s\n", error_at, doc + error_at);
    }
    assert_non_null(root);
    if (text != NULL) {
        *text = doc;
    } else {
        free(doc);
    }
    return root;
}

static const struct jv *scenario_named(const struct jv *root, const char *name) {
    const struct jv *list = jv_get(root, "scenarios");
    for (size_t i = 0; list != NULL && i < list->count; i++) {
        const char *n = jv_str(&list->items[i], "name");
        if (n != NULL && strcmp(n, name) == 0) {
            return &list->items[i];
        }
    }
    return NULL;
}

static const struct jv *finding_with(const struct jv *root, const char *signature) {
    const struct jv *list = jv_get(root, "findings");
    for (size_t i = 0; list != NULL && i < list->count; i++) {
        const char *s = jv_str(&list->items[i], "signature");
        if (s != NULL && strcmp(s, signature) == 0) {
            return &list->items[i];
        }
    }
    return NULL;
}

static void assert_type(const struct jv *v, enum jv_type type) {
    assert_non_null(v);
    assert_int_equal(v->type, type);
}

static void test_json_report_parses_back_with_every_member_of_schema_1(void **state) {
    struct fixture fx;
    fixture_build(&fx);
    struct jv *root = render_and_parse(&fx, NULL);
    assert_string_equal(jv_str(root, "tool"), "ftstress");
    assert_string_equal(jv_str(root, "version"), "0.1.0-test");
    assert_int_equal((int)jv_get(root, "schema")->number, 1);
    assert_string_equal(jv_str(root, "runtime.version"), "3.13.15");
    assert_string_equal(jv_str(root, "runtime.flavour"), "tsan");
    assert_string_equal(jv_str(root, "runtime.key"), "cpython-3.13.15-tsan-abc-def");
    assert_int_equal((int)jv_path(root, "parameters.threads")->number, 2);
    assert_int_equal((int)jv_path(root, "parameters.iterations")->number, 200);
    assert_int_equal((int)jv_path(root, "parameters.runs")->number, 2);
    assert_string_equal(jv_str(root, "parameters.noise"), "low");

    static const char *const scenario_keys[] = {
        "name",          "path",    "description",  "verdict",      "runs",
        "iterations",    "seconds", "outcomes",     "lost_updates", "first_failure_seconds",
        "crashes",       "hangs",   "tsan_reports", "error",        "case",
        "failing_seeds", "findings"};
    const struct jv *scenarios = jv_get(root, "scenarios");
    assert_type(scenarios, JV_ARRAY);
    assert_int_equal(scenarios->count, 3);
    for (size_t i = 0; i < scenarios->count; i++) {
        for (size_t k = 0; k < sizeof(scenario_keys) / sizeof(scenario_keys[0]); k++) {
            if (jv_get(&scenarios->items[i], scenario_keys[k]) == NULL) {
                fail_msg("scenario %zu lacks \"%s\"", i, scenario_keys[k]);
            }
        }
    }
    static const char *const finding_keys[] = {
        "id",        "signature", "kind",     "title",    "known",  "count",       "first_seen",
        "last_seen", "seeds",     "scenario", "location", "detail", "python_stack"};
    const struct jv *findings = jv_get(root, "findings");
    assert_type(findings, JV_ARRAY);
    assert_int_equal(findings->count, 3);
    for (size_t i = 0; i < findings->count; i++) {
        for (size_t k = 0; k < sizeof(finding_keys) / sizeof(finding_keys[0]); k++) {
            if (jv_get(&findings->items[i], finding_keys[k]) == NULL) {
                fail_msg("finding %zu lacks \"%s\"", i, finding_keys[k]);
            }
        }
    }
    jv_free(root);
    fixture_free(&fx);
}

static void test_json_report_describes_a_failing_scenario_in_full(void **state) {
    struct fixture fx;
    fixture_build(&fx);
    struct jv *root = render_and_parse(&fx, NULL);
    const struct jv *s = scenario_named(root, "counter_global");
    assert_non_null(s);
    assert_string_equal(jv_str(s, "verdict"), "fail");
    assert_string_equal(jv_str(s, "path"), "/src/root/scenarios/builtin/counter_global.py");
    assert_string_equal(jv_str(s, "description"), "cnt += 1 on a module global from every thread");
    assert_int_equal((int)jv_get(s, "runs")->number, 2);
    assert_int_equal((int)jv_get(s, "iterations")->number, 400);
    assert_true(fabs(jv_get(s, "seconds")->number - 4.125) < 1e-9);
    assert_string_equal(jv_str(s, "outcomes.1.result"), "lost updates");
    assert_int_equal((int)jv_path(s, "outcomes.1.samples")->number, 369);
    assert_string_equal(jv_str(s, "outcomes.1.class"), "interesting");
    assert_string_equal(jv_str(s, "outcomes.1.description"), "cnt += 1 is not atomic");
    assert_int_equal((long)jv_path(s, "lost_updates.expected")->number, 1600000);
    assert_int_equal((long)jv_path(s, "lost_updates.observed")->number, 851212);
    assert_int_equal((long)jv_path(s, "lost_updates.lost")->number, 748788);
    assert_int_equal((long)jv_path(s, "lost_updates.lossy_states")->number, 369);
    assert_true(fabs(jv_get(s, "first_failure_seconds")->number - 0.25) < 1e-9);
    assert_int_equal((int)jv_get(s, "crashes")->number, 1);
    assert_int_equal((int)jv_get(s, "tsan_reports")->number, 3);
    assert_string_equal(jv_str(s, "case"), "ftstress-corpus/counter_global-000000000001.case");
    assert_type(jv_get(s, "error"), JV_NULL);
    /* Its findings by id, and each id is one of the run's findings. */
    const struct jv *ids = jv_get(s, "findings");
    assert_int_equal(ids->count, 3);
    for (size_t i = 0; i < ids->count; i++) {
        bool found = false;
        const struct jv *all = jv_get(root, "findings");
        for (size_t k = 0; k < all->count; k++) {
            found |= strcmp(jv_str(&all->items[k], "id"), ids->items[i].text) == 0;
        }
        assert_true(found);
    }
    jv_free(root);
    fixture_free(&fx);
}

static void test_json_report_uses_null_for_what_a_scenario_or_finding_lacks(void **state) {
    struct fixture fx;
    fixture_build(&fx);
    struct jv *root = render_and_parse(&fx, NULL);
    const struct jv *pass = scenario_named(root, "counter_locked");
    assert_string_equal(jv_str(pass, "verdict"), "pass");
    assert_type(jv_get(pass, "lost_updates"), JV_NULL);
    assert_type(jv_get(pass, "first_failure_seconds"), JV_NULL);
    assert_type(jv_get(pass, "case"), JV_NULL);
    assert_type(jv_get(pass, "description"), JV_NULL);
    assert_int_equal(jv_get(pass, "failing_seeds")->count, 0);
    assert_int_equal(jv_get(pass, "findings")->count, 0);
    const struct jv *error = scenario_named(root, "bad_import");
    assert_string_equal(jv_str(error, "verdict"), "error");
    assert_string_equal(jv_str(error, "error"),
                        "bad_import.py:3: ModuleNotFoundError: No module named 'nope' <&>");
    const struct jv *crash = finding_with(root, FIXTURE_CRASH_SIG);
    assert_type(jv_get(crash, "location"), JV_NULL);
    assert_type(jv_get(crash, "python_stack"), JV_NULL);
    /* A location with a function but no known line. */
    const struct jv *odd = finding_with(root, FIXTURE_ODD_SIG);
    assert_string_equal(jv_str(odd, "location.file"), "/src/root/ext/my mod.c");
    assert_type(jv_path(odd, "location.line"), JV_NULL);
    assert_string_equal(jv_str(odd, "location.function"), "mod_get");
    jv_free(root);
    fixture_free(&fx);
}

static void test_json_report_escapes_quotes_newlines_controls_and_invalid_utf8(void **state) {
    struct fixture fx;
    fixture_build(&fx);
    char *text;
    struct jv *root = render_and_parse(&fx, &text);
    const struct jv *race = finding_with(root, FIXTURE_RACE_SIG);
    assert_non_null(race);
    /* Read back, the title is the original with each bad byte one U+FFFD. */
    assert_string_equal(jv_str(race, "title"), FIXTURE_NASTY_TITLE_READ);
    /* And in the text, the escapes are the short ones where JSON has them. */
    assert_non_null(strstr(text, "race on \\\"x\\\" <&'> \\\\ end\\nsecond line\\t\\u0001\\u001f "
                                 "\xc3\xa9 bad:\xef\xbf\xbd"));
    assert_null(strchr(text, '\x01'));
    assert_null(strstr(text, "\xed\xa0\x80"));
    free(text);
    jv_free(root);
    fixture_free(&fx);
}

static void test_json_report_writes_every_seed_as_an_exact_decimal_string(void **state) {
    struct fixture fx;
    fixture_build(&fx);
    struct jv *root = render_and_parse(&fx, NULL);
    assert_string_equal(jv_str(root, "parameters.seed"), "18446744073709551615");
    const struct jv *s = scenario_named(root, "counter_global");
    assert_string_equal(jv_str(s, "failing_seeds.0"), "1");
    assert_string_equal(jv_str(s, "failing_seeds.1"), "18446744073709551615");
    const struct jv *race = finding_with(root, FIXTURE_RACE_SIG);
    const struct jv *seeds = jv_get(race, "seeds");
    assert_int_equal(seeds->count, 2);
    assert_string_equal(seeds->items[0].text, "1");
    assert_string_equal(seeds->items[1].text, "18446744073709551615");
    jv_free(root);
    fixture_free(&fx);
}

static void test_json_report_findings_carry_id_known_count_and_utc_times(void **state) {
    struct fixture fx;
    fixture_build(&fx);
    struct jv *root = render_and_parse(&fx, NULL);
    const struct jv *race = finding_with(root, FIXTURE_RACE_SIG);
    char id[17];
    signature_id(FIXTURE_RACE_SIG, id);
    assert_string_equal(jv_str(race, "id"), id);
    assert_string_equal(jv_str(race, "kind"), "data-race");
    assert_false(jv_get(race, "known")->boolean);
    assert_int_equal((int)jv_get(race, "count")->number, 2);
    assert_string_equal(jv_str(race, "first_seen"), "2023-11-14T22:13:20Z");
    assert_string_equal(jv_str(race, "scenario"), "counter_global");
    assert_string_equal(jv_str(race, "location.file"), "Objects/dictobject.c");
    assert_int_equal((int)jv_path(race, "location.line")->number, 1234);
    assert_string_equal(jv_str(race, "location.function"), "insertdict");
    assert_string_equal(jv_str(race, "python_stack"), "File \"x.py\", line 3, in f");
    assert_non_null(strstr(jv_str(race, "detail"), "insertdict Objects/dictobject.c:1234"));
    const struct jv *crash = finding_with(root, FIXTURE_CRASH_SIG);
    assert_true(jv_get(crash, "known")->boolean);
    jv_free(root);
    fixture_free(&fx);
}

static void test_json_report_summary_counts_verdicts_and_new_findings(void **state) {
    struct fixture fx;
    fixture_build(&fx);
    struct jv *root = render_and_parse(&fx, NULL);
    assert_int_equal((int)jv_path(root, "summary.scenarios")->number, 3);
    assert_int_equal((int)jv_path(root, "summary.passed")->number, 1);
    assert_int_equal((int)jv_path(root, "summary.failed")->number, 1);
    assert_int_equal((int)jv_path(root, "summary.errors")->number, 1);
    assert_int_equal((int)jv_path(root, "summary.findings")->number, 3);
    assert_int_equal((int)jv_path(root, "summary.new_findings")->number, 2);
    jv_free(root);
    fixture_free(&fx);
}

static void test_json_report_of_an_empty_run_is_valid(void **state) {
    struct output_run run = {0};
    size_t len;
    char *doc = output_jsonRender(&run, &len);
    struct jv *root = jv_parse(doc, len, NULL);
    assert_non_null(root);
    assert_type(jv_get(root, "version"), JV_NULL);
    assert_int_equal(jv_get(root, "scenarios")->count, 0);
    assert_int_equal(jv_get(root, "findings")->count, 0);
    assert_int_equal((int)jv_path(root, "summary.new_findings")->number, 0);
    jv_free(root);
    free(doc);
}

static void test_json_write_puts_the_rendered_document_in_place(void **state) {
    struct fixture fx;
    fixture_build(&fx);
    char dir[] = "/tmp/ftstress-test-json-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = util_asprintf("%s/report.json", dir);
    assert_true(util_writeFileAtomic(path, "old", 3));
    assert_true(output_jsonWrite(path, &fx.run));
    size_t len, want_len;
    char *got = util_readFile(path, &len);
    char *want = output_jsonRender(&fx.run, &want_len);
    assert_int_equal(len, want_len);
    assert_memory_equal(got, want, len);
    assert_int_equal(got[len - 1], '\n');
    /* A directory that does not exist fails, with errno. */
    char *bad = util_asprintf("%s/missing/report.json", dir);
    assert_false(output_jsonWrite(bad, &fx.run));
    unlink(path);
    rmdir(dir);
    free(bad);
    free(got);
    free(want);
    free(path);
    fixture_free(&fx);
}

static void test_json_writer_separates_and_nests_values_in_compact_form(void **state) {
    struct jsonw w;
    jsonw_init(&w, 0);
    jsonw_beginObject(&w);
    jsonw_keyInt(&w, "a", -3);
    jsonw_key(&w, "b");
    jsonw_beginArray(&w);
    jsonw_uint(&w, 18446744073709551615ULL);
    jsonw_bool(&w, true);
    jsonw_null(&w);
    jsonw_beginObject(&w);
    jsonw_endObject(&w);
    jsonw_beginArray(&w);
    jsonw_endArray(&w);
    jsonw_endArray(&w);
    jsonw_keyDouble(&w, "c", 0.5);
    jsonw_keyDouble(&w, "nan", NAN);
    jsonw_keyDouble(&w, "inf", INFINITY);
    jsonw_keyString(&w, "d", NULL);
    jsonw_endObject(&w);
    size_t len;
    char *doc = jsonw_finish(&w, &len);
    assert_string_equal(doc, "{\"a\":-3,\"b\":[18446744073709551615,true,null,{},[]],\"c\":0.5,"
                             "\"nan\":null,\"inf\":null,\"d\":null}\n");
    assert_int_equal(len, strlen(doc));
    free(doc);
}

static void test_json_writer_indents_nested_members(void **state) {
    struct jsonw w;
    jsonw_init(&w, 2);
    jsonw_beginObject(&w);
    jsonw_key(&w, "list");
    jsonw_beginArray(&w);
    jsonw_int(&w, 1);
    jsonw_int(&w, 2);
    jsonw_endArray(&w);
    jsonw_key(&w, "empty");
    jsonw_beginArray(&w);
    jsonw_endArray(&w);
    jsonw_endObject(&w);
    char *doc = jsonw_finish(&w, NULL);
    assert_string_equal(doc, "{\n  \"list\": [\n    1,\n    2\n  ],\n  \"empty\": []\n}\n");
    free(doc);
}

static void test_json_writer_escapes_keys_embedded_nuls_and_every_control_character(void **state) {
    struct jsonw w;
    jsonw_init(&w, 0);
    jsonw_beginObject(&w);
    jsonw_key(&w, "k\"ey");
    static const char raw[] = "a\0b\b\f\n\r\t\v\x1b\x7f/";
    jsonw_stringN(&w, raw, sizeof(raw) - 1);
    jsonw_endObject(&w);
    char *doc = jsonw_finish(&w, NULL);
    assert_string_equal(doc, "{\"k\\\"ey\":\"a\\u0000b\\b\\f\\n\\r\\t\\u000b\\u001b\x7f/\"}\n");
    free(doc);
}

static void test_json_writer_replaces_each_byte_of_invalid_utf8_with_fffd(void **state) {
    struct {
        const char *in;
        const char *out;
    } cases[] = {
        {"\xc3\xa9", "\xc3\xa9"},                                 /* valid 2-byte */
        {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"},                 /* valid 4-byte */
        {"\xef\xbf\xbf", "\xef\xbf\xbf"},                         /* U+FFFF is valid UTF-8 */
        {"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"},                 /* overlong '/' */
        {"\xe0\x80\xaf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* overlong, 3 bytes */
        {"\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* > U+10FFFF */
        {"\xed\xb0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* low surrogate */
        {"\x80x", "\xef\xbf\xbdx"},                               /* stray continuation */
        {"\xe2\x82", "\xef\xbf\xbd\xef\xbf\xbd"},                 /* cut at the end */
        {"\xf8\x88\x80\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct jsonw w;
        jsonw_init(&w, 0);
        jsonw_string(&w, cases[i].in);
        char *doc = jsonw_finish(&w, NULL);
        char *want = util_asprintf("\"%s\"\n", cases[i].out);
        if (strcmp(doc, want) != 0) {
            fail_msg("case %zu: got %s", i, doc);
        }
        struct jv *back = jv_parse(doc, strlen(doc), NULL);
        assert_non_null(back);
        jv_free(back);
        free(want);
        free(doc);
    }
}

static void test_json_checker_rejects_what_strict_json_forbids(void **state) {
    /* The reader in json_check.h is what the other tests trust; it must say no. */
    static const char *const bad[] = {
        "[1,]",         "{\"a\":1,}",   "{\"a\":1,\"a\":2}",
        "\"raw\ttab\"", "\"\\x41\"",    "\"\\ud800\"",
        "\"\\udc00\"",  "\"\xff\"",     "\"\xed\xa0\x80\"",
        "01",           "1.",           "-",
        "[1] [2]",      "nul",          "{\"a\" 1}",
        "'a'",          "\"\xc0\xaf\"",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct jv *v = jv_parse(bad[i], strlen(bad[i]), NULL);
        if (v != NULL) {
            jv_free(v);
            fail_msg("accepted bad document %zu: %s", i, bad[i]);
        }
    }
    static const char good[] =
        "{\"a\": [1, -0.5e+3, true, false, null, \"\\ud83d\\ude00\\u00e9\"]}";
    struct jv *v = jv_parse(good, strlen(good), NULL);
    assert_non_null(v);
    assert_string_equal(jv_str(v, "a.5"), "\xf0\x9f\x98\x80\xc3\xa9");
    jv_free(v);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_report_parses_back_with_every_member_of_schema_1),
        cmocka_unit_test(test_json_report_describes_a_failing_scenario_in_full),
        cmocka_unit_test(test_json_report_uses_null_for_what_a_scenario_or_finding_lacks),
        cmocka_unit_test(test_json_report_escapes_quotes_newlines_controls_and_invalid_utf8),
        cmocka_unit_test(test_json_report_writes_every_seed_as_an_exact_decimal_string),
        cmocka_unit_test(test_json_report_findings_carry_id_known_count_and_utc_times),
        cmocka_unit_test(test_json_report_summary_counts_verdicts_and_new_findings),
        cmocka_unit_test(test_json_report_of_an_empty_run_is_valid),
        cmocka_unit_test(test_json_write_puts_the_rendered_document_in_place),
        cmocka_unit_test(test_json_writer_separates_and_nests_values_in_compact_form),
        cmocka_unit_test(test_json_writer_indents_nested_members),
        cmocka_unit_test(test_json_writer_escapes_keys_embedded_nuls_and_every_control_character),
        cmocka_unit_test(test_json_writer_replaces_each_byte_of_invalid_utf8_with_fffd),
        cmocka_unit_test(test_json_checker_rejects_what_strict_json_forbids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
