/* Unit tests of src/findings/signature.c: the finding signature contract, on real TSan logs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "signature.h"
#include "tsan_report.h"

static struct tsanreport_list parse(const char *name) {
    struct tsanreport_parser *p = tsanreport_parserNew();
    struct tsanreport_list list = {0};
    char path[512];
    snprintf(path, sizeof(path), "%s/tsan/%s", TEST_DATA_DIR, name);
    assert_int_equal(tsanreport_parseFile(p, path, &list), 0);
    tsanreport_parserFree(p);
    return list;
}

static void test_data_race_signature_is_the_pair_of_sites_at_function_level(void **state) {
    struct tsanreport_list list = parse("data_race.log");
    assert_int_equal(list.count, 1);
    char *sig = signature_ofReport(&list.reports[0]);
    assert_string_equal(sig, "data-race:data_race.c:locked_writer,data_race.c:unlocked_writer");
    free(sig);
    tsanreport_listFree(&list);
}

static void test_data_race_signature_does_not_depend_on_access_order(void **state) {
    struct tsanreport_list list = parse("data_race.log");
    char *before = signature_ofReport(&list.reports[0]);
    struct tsanreport_access tmp = list.reports[0].accesses[0];
    list.reports[0].accesses[0] = list.reports[0].accesses[1];
    list.reports[0].accesses[1] = tmp;
    char *after = signature_ofReport(&list.reports[0]);
    assert_string_equal(before, after);
    free(before);
    free(after);
    tsanreport_listFree(&list);
}

static void test_signature_holds_no_line_address_build_id_or_directory(void **state) {
    struct tsanreport_list list = parse("cpython_bytesio.log");
    assert_true(list.count >= 1);
    for (size_t i = 0; i < list.count; i++) {
        char *sig = signature_ofReport(&list.reports[i]);
        assert_null(strchr(sig, '/'));
        assert_null(strstr(sig, "0x"));
        assert_null(strstr(sig, "BuildId"));
        assert_null(strstr(sig, ".c:1"));
        assert_non_null(strstr(sig, "bytesio.c:"));
        free(sig);
    }
    tsanreport_listFree(&list);
}

static void test_interpreter_plumbing_is_skipped_to_reach_the_code_under_test(void **state) {
    assert_true(signature_isPlumbing("_PyEval_EvalFrameDefault"));
    assert_true(signature_isPlumbing("method_vectorcall_O"));
    assert_true(signature_isPlumbing("__tsan_write8"));
    assert_true(signature_isPlumbing("memcpy"));
    assert_true(signature_isPlumbing("_mi_heap_realloc_zero"));
    assert_true(signature_isPlumbing(NULL));
    assert_false(signature_isPlumbing("write_bytes"));
    assert_false(signature_isPlumbing("main"));
}

static void test_lock_order_inversion_signature_names_both_acquisition_sites(void **state) {
    struct tsanreport_list list = parse("lock_order_inversion.log");
    assert_int_equal(list.count, 1);
    char *sig = signature_ofReport(&list.reports[0]);
    assert_string_equal(sig, "lock-order-inversion:lock_order_inversion.c:lock_a_then_b,lock_order_"
                             "inversion.c:lock_b_then_a");
    free(sig);
    tsanreport_listFree(&list);
}

static void test_mutex_misuse_signature_keeps_the_kind_of_misuse_without_numbers(void **state) {
    struct tsanreport_list list = parse("mutex_misuse.log");
    assert_int_equal(list.count, 3);
    char *sig = signature_ofReport(&list.reports[0]);
    assert_non_null(
        strstr(sig, "mutex-misuse:unlock of an unlocked mutex (or by a wrong thread):"));
    assert_null(strstr(sig, "pid"));
    char *other = signature_ofReport(&list.reports[1]);
    assert_string_not_equal(sig, other);
    free(sig);
    free(other);
    tsanreport_listFree(&list);
}

static void test_thread_leak_signature_is_where_the_thread_was_created(void **state) {
    struct tsanreport_list list = parse("thread_leak.log");
    assert_int_equal(list.count, 1);
    char *sig = signature_ofReport(&list.reports[0]);
    assert_string_equal(sig, "thread-leak:thread_leak.c:main");
    free(sig);
    tsanreport_listFree(&list);
}

static void test_signature_id_is_fnv1a_64_in_hex(void **state) {
    char id[17];
    signature_id("a", id);
    assert_string_equal(id, "af63dc4c8601ec8c");
    signature_id("", id);
    assert_string_equal(id, "cbf29ce484222325");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_data_race_signature_is_the_pair_of_sites_at_function_level),
        cmocka_unit_test(test_data_race_signature_does_not_depend_on_access_order),
        cmocka_unit_test(test_signature_holds_no_line_address_build_id_or_directory),
        cmocka_unit_test(test_interpreter_plumbing_is_skipped_to_reach_the_code_under_test),
        cmocka_unit_test(test_lock_order_inversion_signature_names_both_acquisition_sites),
        cmocka_unit_test(test_mutex_misuse_signature_keeps_the_kind_of_misuse_without_numbers),
        cmocka_unit_test(test_thread_leak_signature_is_where_the_thread_was_created),
        cmocka_unit_test(test_signature_id_is_fnv1a_64_in_hex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
