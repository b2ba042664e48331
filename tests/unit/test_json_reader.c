/* Unit tests of src/lib/json_reader.c: the strict, bounded JSON parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "json_reader.h"
#include "json_writer.h"
#include "util.h"

static struct jsonr_value parse_ok(const char *text) {
    struct jsonr_value v;
    struct jsonr_error e;
    if (!jsonr_parse(text, strlen(text), NULL, &v, &e)) {
        print_error("unexpected error at %d:%d: %s\n", e.line, e.column, e.message);
        fail();
    }
    return v;
}

/* Parses text expecting an error at line:column whose message holds what. */
static void parse_fails_at(const char *text, size_t len, int line, int column, const char *what) {
    struct jsonr_value v;
    struct jsonr_error e;
    bool ok = jsonr_parse(text, len, NULL, &v, &e);
    if (ok) {
        print_error("parsed, but should fail: %s\n", text);
        jsonr_free(&v);
        fail();
    }
    if (e.line != line || e.column != column || strstr(e.message, what) == NULL) {
        print_error("for %s\n  got %d:%d: %s\n  want %d:%d: ...%s...\n", text, e.line, e.column,
                    e.message, line, column, what);
        fail();
    }
    assert_int_equal(v.type, JSONR_NULL); /* left empty */
    assert_null(v.items);
    assert_null(v.members);
}

static void fails_at(const char *text, int line, int column, const char *what) {
    parse_fails_at(text, strlen(text), line, column, what);
}

static void test_parses_a_document_of_every_type(void **state) {
    struct jsonr_value v = parse_ok(" {\"a\": [1, -2.5, 3e2, 0, -0, true, false, null],\n"
                                    "  \"b\": {\"c\": \"d\"}, \"e\": [], \"f\": {}} \n");
    assert_int_equal(v.type, JSONR_OBJECT);
    assert_int_equal(v.count, 4);
    const struct jsonr_value *a = jsonr_get(&v, "a");
    assert_non_null(a);
    assert_int_equal(a->type, JSONR_ARRAY);
    assert_int_equal(a->count, 8);
    assert_true(a->items[0].is_integer);
    assert_int_equal(a->items[0].integer, 1);
    assert_false(a->items[1].is_integer);
    assert_true(a->items[1].number == -2.5);
    assert_true(a->items[2].number == 300);
    assert_false(a->items[2].is_integer); /* an exponent is not an integer's spelling */
    assert_true(a->items[3].is_integer && a->items[3].integer == 0);
    assert_true(a->items[4].is_integer && a->items[4].integer == 0);
    assert_int_equal(a->items[5].type, JSONR_BOOL);
    assert_true(a->items[5].boolean);
    assert_false(a->items[6].boolean);
    assert_int_equal(a->items[7].type, JSONR_NULL);
    assert_string_equal(jsonr_get(jsonr_get(&v, "b"), "c")->string, "d");
    assert_int_equal(jsonr_get(&v, "e")->count, 0);
    assert_int_equal(jsonr_get(&v, "f")->type, JSONR_OBJECT);
    assert_null(jsonr_get(&v, "zz"));
    assert_null(jsonr_get(a, "a")); /* not an object */
    /* Positions of values: "b"'s object starts on line 2, column 8. */
    assert_int_equal(jsonr_get(&v, "b")->line, 2);
    assert_int_equal(jsonr_get(&v, "b")->column, 8);
    jsonr_free(&v);
}

static void test_keeps_64_bit_integers_exact(void **state) {
    struct jsonr_value v = parse_ok("[9223372036854775807, -9223372036854775808, "
                                    "18446744073709551615, 1.0]");
    assert_true(v.items[0].is_integer);
    assert_true(v.items[0].integer == 9223372036854775807LL);
    assert_true(v.items[1].is_integer);
    assert_true(v.items[1].integer == -9223372036854775807LL - 1);
    assert_false(v.items[2].is_integer); /* past long long: a double only */
    assert_true(v.items[2].number > 1.8e19);
    assert_false(v.items[3].is_integer);
    jsonr_free(&v);
}

static void test_decodes_every_escape(void **state) {
    struct jsonr_value v = parse_ok("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u0041\\u00e9\\u20AC\"");
    assert_int_equal(v.type, JSONR_STRING);
    assert_string_equal(v.string, "q\" b\\ s/ \b\f\n\r\t A\xc3\xa9\xe2\x82\xac");
    assert_int_equal(v.length, strlen(v.string));
    jsonr_free(&v);
}

static void test_decodes_surrogate_pairs_and_nul(void **state) {
    /* U+1F600 and U+10FFFF as pairs; U+0000 kept inside the string. */
    struct jsonr_value v = parse_ok("[\"\\uD83D\\uDE00\", \"\\udbff\\udfff\", \"a\\u0000b\"]");
    assert_string_equal(v.items[0].string, "\xf0\x9f\x98\x80");
    assert_string_equal(v.items[1].string, "\xf4\x8f\xbf\xbf");
    assert_int_equal(v.items[2].length, 3);
    assert_memory_equal(v.items[2].string, "a\0b", 4);
    jsonr_free(&v);
}

static void test_accepts_raw_utf8_and_a_byte_order_mark(void **state) {
    struct jsonr_value v = parse_ok("\xef\xbb\xbf{\"caf\xc3\xa9\": \"\xf0\x9f\x98\x80\"}");
    assert_string_equal(jsonr_get(&v, "caf\xc3\xa9")->string, "\xf0\x9f\x98\x80");
    jsonr_free(&v);
}

static void test_reads_back_what_the_writer_writes(void **state) {
    /* Every byte value through json_writer and back: the two agree. */
    char all[255];
    for (int i = 0; i < 255; i++) {
        all[i] = (char)(i + 1);
    }
    struct jsonw w;
    jsonw_init(&w, 2);
    jsonw_beginObject(&w);
    jsonw_key(&w, "bytes");
    jsonw_stringN(&w, all, sizeof(all));
    jsonw_keyInt(&w, "n", -42);
    jsonw_endObject(&w);
    size_t len;
    char *doc = jsonw_finish(&w, &len);
    struct jsonr_value v;
    struct jsonr_error e;
    assert_true(jsonr_parse(doc, len, NULL, &v, &e));
    const struct jsonr_value *bytes = jsonr_get(&v, "bytes");
    /* ASCII comes back as is; each byte >= 0x80 (invalid alone) as U+FFFD. */
    assert_int_equal(bytes->length, 127 + 128 * 3);
    assert_memory_equal(bytes->string, all, 127);
    assert_memory_equal(bytes->string + 127, "\xef\xbf\xbd", 3);
    assert_int_equal(jsonr_get(&v, "n")->integer, -42);
    jsonr_free(&v);
    free(doc);
}

static void test_reports_syntax_errors_with_line_and_column(void **state) {
    fails_at("", 1, 1, "empty document");
    fails_at("  \n  ", 2, 3, "empty document");
    fails_at("[1, 2,]", 1, 7, "trailing commas");
    fails_at("{\"a\": 1,}", 1, 9, "trailing commas");
    fails_at("{\"a\" 1}", 1, 6, "':' is due");
    fails_at("{a: 1}", 1, 2, "unexpected 'a': a key");
    fails_at("[1 2]", 1, 4, "',' or ']' is due");
    fails_at("{\n  \"a\": 1\n  \"b\": 2\n}", 3, 3, "',' or '}' is due");
    fails_at("[1]\n x", 2, 2, "only white space may follow");
    fails_at("[1", 1, 3, "unexpected end of input");
    fails_at("{\"a\": tru}", 1, 7, "a value is due");
    fails_at("[nul]", 1, 2, "a value is due");
    fails_at("['x']", 1, 2, "unexpected '''");
    fails_at("// c\n1", 1, 1, "unexpected '/'");
    fails_at("[NaN]", 1, 2, "unexpected 'N'");
    fails_at("[1] \xc3\xa9", 1, 5, "unexpected character U+00E9");
}

static void test_reports_bad_numbers(void **state) {
    fails_at("[01]", 1, 2, "leading zeros");
    fails_at("[-01]", 1, 2, "leading zeros");
    fails_at("[+1]", 1, 2, "unexpected '+'");
    fails_at("[-]", 1, 3, "a digit is due after '-'");
    fails_at("[1.]", 1, 4, "a digit is due after '.'");
    fails_at("[.5]", 1, 2, "unexpected '.'");
    fails_at("[1e]", 1, 4, "exponent");
    fails_at("[1e+]", 1, 5, "exponent");
    fails_at("[1e999]", 1, 2, "out of range");
    fails_at("[-1e999]", 1, 2, "out of range");
}

static void test_reports_bad_strings(void **state) {
    fails_at("\"abc", 1, 1, "not closed");
    fails_at("[\"a\nb\"]", 1, 4, "control character U+000A");
    fails_at("[\"a\tb\"]", 1, 4, "control character U+0009");
    fails_at("[\"\\x41\"]", 1, 3, "invalid escape '\\x'");
    fails_at("[\"\\u12G4\"]", 1, 7, "four hex digits");
    fails_at("[\"\\u12\"]", 1, 7, "four hex digits");
    fails_at("[\"ab\\uD800\"]", 1, 5, "lone high surrogate \\uD800");
    fails_at("[\"\\uD800x\"]", 1, 3, "lone high surrogate");
    fails_at("[\"\\uD800\\u0041\"]", 1, 9, "not a low surrogate");
    fails_at("[\"\\uDC00\"]", 1, 3, "lone low surrogate \\uDC00");
    /* Columns count characters: the e-acute before the bad byte is one. */
    fails_at("[\"\xc3\xa9\xff\"]", 1, 4, "invalid UTF-8 (byte 0xff)");
    fails_at("[\"\xc0\xaf\"]", 1, 3, "invalid UTF-8");         /* overlong '/' */
    fails_at("[\"\xed\xa0\x80\"]", 1, 3, "invalid UTF-8");     /* an encoded surrogate */
    fails_at("[\"\xe2\x82\"]", 1, 3, "invalid UTF-8");         /* truncated */
    fails_at("[\"\xf4\x90\x80\x80\"]", 1, 3, "invalid UTF-8"); /* past U+10FFFF */
    parse_fails_at("[\"a\0b\"]", 6, 1, 4, "control character U+0000");
}

static void test_rejects_duplicate_keys(void **state) {
    fails_at("{\"a\": 1,\n \"b\": 2,\n \"a\": 3}", 3, 2, "duplicate key \"a\"");
    /* Large objects take the sorting path; the second occurrence is named. */
    char *doc = util_asprintf("{");
    for (int i = 0; i < 100; i++) {
        char *more = util_asprintf("%s\"k%d\": %d,\n", doc, i, i);
        free(doc);
        doc = more;
    }
    char *more = util_asprintf("%s\"k7\": 0,\n\"k3\": 0}", doc);
    free(doc);
    fails_at(more, 101, 1, "duplicate key \"k7\"");
    free(more);
    /* Keys that differ only after a NUL are different keys. */
    struct jsonr_value v = parse_ok("{\"a\\u0000x\": 1, \"a\\u0000y\": 2}");
    assert_int_equal(v.count, 2);
    jsonr_free(&v);
}

static void test_enforces_the_depth_limit(void **state) {
    char deep[200];
    memset(deep, '[', 64);
    memset(deep + 64, ']', 64);
    deep[128] = '\0';
    struct jsonr_value v = parse_ok(deep); /* 64 levels: fine */
    jsonr_free(&v);
    memset(deep, '[', 65);
    memset(deep + 65, ']', 65);
    deep[130] = '\0';
    fails_at(deep, 1, 65, "nested deeper than 64 levels");
    /* A million '[' is an error, not a stack overflow. */
    size_t n = 1000000;
    char *huge = malloc(n);
    memset(huge, '[', n);
    parse_fails_at(huge, n, 1, 65, "nested deeper");
    free(huge);
    /* Own limits. */
    struct jsonr_limits limits = {1000, 2, 5};
    struct jsonr_error e;
    assert_false(jsonr_parse("[[[1]]]", 7, &limits, &v, &e));
    assert_non_null(strstr(e.message, "deeper than 2"));
    assert_false(jsonr_parse("[1,2,3,4,5]", 11, &limits, &v, &e));
    assert_non_null(strstr(e.message, "more than 5 values"));
    assert_int_equal(e.column, 10);
    limits.max_bytes = 4;
    assert_false(jsonr_parse("[1,2]", 5, &limits, &v, &e));
    assert_non_null(strstr(e.message, "more than the limit of 4"));
    assert_int_equal(e.line, 0);
}

static void test_parse_file_names_the_file_line_and_column(void **state) {
    char path[] = "/tmp/ftstress-jsonr-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "{\n  \"a\": [1,\n        2,,\n  ]\n}\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    struct jsonr_value v;
    char *error = NULL;
    assert_false(jsonr_parseFile(path, NULL, &v, &error));
    char *want = util_asprintf("%s:3:11: unexpected ','", path);
    assert_non_null(error);
    if (strncmp(error, want, strlen(want)) != 0) {
        print_error("got %s\nwant %s...\n", error, want);
        fail();
    }
    free(want);
    free(error);
    unlink(path);
    assert_false(jsonr_parseFile("/nonexistent/report.json", NULL, &v, &error));
    assert_string_equal(error, "/nonexistent/report.json: No such file or directory");
    free(error);
    /* A real report from the test data parses. */
    assert_true(jsonr_parseFile(TEST_DATA_DIR "/merge/a.json", NULL, &v, &error));
    assert_string_equal(jsonr_get(&v, "tool")->string, "ftstress");
    jsonr_free(&v);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parses_a_document_of_every_type),
        cmocka_unit_test(test_keeps_64_bit_integers_exact),
        cmocka_unit_test(test_decodes_every_escape),
        cmocka_unit_test(test_decodes_surrogate_pairs_and_nul),
        cmocka_unit_test(test_accepts_raw_utf8_and_a_byte_order_mark),
        cmocka_unit_test(test_reads_back_what_the_writer_writes),
        cmocka_unit_test(test_reports_syntax_errors_with_line_and_column),
        cmocka_unit_test(test_reports_bad_numbers),
        cmocka_unit_test(test_reports_bad_strings),
        cmocka_unit_test(test_rejects_duplicate_keys),
        cmocka_unit_test(test_enforces_the_depth_limit),
        cmocka_unit_test(test_parse_file_names_the_file_line_and_column),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
