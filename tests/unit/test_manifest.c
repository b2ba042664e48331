/* Unit tests of src/lib/manifest.c: the key=value format of manifests and cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "manifest.h"

static void test_manifest_reads_keys_and_skips_comments_and_blanks(void **state) {
    struct manifest m;
    char err[256] = "";
    assert_true(manifest_load(TEST_DATA_DIR "/manifest/good.manifest", &m, err, sizeof(err)));
    assert_string_equal(manifest_get(&m, "format"), "1");
    assert_string_equal(manifest_get(&m, "flavour"), "tsan");
    assert_string_equal(manifest_get(&m, "configure_flags"),
                        "--disable-gil --with-thread-sanitizer");
    assert_string_equal(manifest_get(&m, "empty"), "");
    assert_null(manifest_get(&m, "# a manifest"));
    assert_null(manifest_get(&m, "missing"));
    manifest_free(&m);
}

static void test_manifest_later_duplicate_replaces_earlier(void **state) {
    struct manifest m;
    char err[256];
    assert_true(manifest_load(TEST_DATA_DIR "/manifest/good.manifest", &m, err, sizeof(err)));
    assert_string_equal(manifest_get(&m, "version"), "3.13.16");
    manifest_free(&m);
}

static void test_manifest_malformed_line_names_file_and_line(void **state) {
    struct manifest m;
    char err[256] = "";
    assert_false(manifest_load(TEST_DATA_DIR "/manifest/bad_line.manifest", &m, err, sizeof(err)));
    assert_non_null(strstr(err, "bad_line.manifest:3:"));
    assert_non_null(strstr(err, "expected key=value"));
    assert_int_equal(m.count, 0);
}

static void test_manifest_missing_file_is_an_error_naming_it(void **state) {
    struct manifest m;
    char err[256] = "";
    assert_false(manifest_load("/nonexistent/manifest", &m, err, sizeof(err)));
    assert_non_null(strstr(err, "/nonexistent/manifest"));
}

static void test_manifest_parse_handles_crlf_and_no_final_newline(void **state) {
    const char text[] = "a=1\r\nb=two";
    struct manifest m;
    char err[256];
    assert_true(manifest_parse("mem", text, strlen(text), &m, err, sizeof(err)));
    assert_string_equal(manifest_get(&m, "a"), "1");
    assert_string_equal(manifest_get(&m, "b"), "two");
    manifest_free(&m);
}

/* Found by the fuzzer: "k\0x=1" and "k\0y=2" were both key "k". */
static void test_manifest_nul_byte_is_an_error_naming_line_and_column(void **state) {
    const char text[] = "a=1\nkey\0x=2\n";
    struct manifest m;
    char err[256] = "";
    assert_false(manifest_parse("mem", text, sizeof(text) - 1, &m, err, sizeof(err)));
    assert_string_equal(err, "mem:2: a NUL byte at column 4");
    assert_int_equal(m.count, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_manifest_reads_keys_and_skips_comments_and_blanks),
        cmocka_unit_test(test_manifest_later_duplicate_replaces_earlier),
        cmocka_unit_test(test_manifest_malformed_line_names_file_and_line),
        cmocka_unit_test(test_manifest_missing_file_is_an_error_naming_it),
        cmocka_unit_test(test_manifest_parse_handles_crlf_and_no_final_newline),
        cmocka_unit_test(test_manifest_nul_byte_is_an_error_naming_line_and_column),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
