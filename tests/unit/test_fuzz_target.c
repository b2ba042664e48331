/* Unit tests of src/fuzz/fuzz_target.c, src/fuzz/fuzz_exec.c's harness findings and
 * src/fuzz/fuzz_campaign.c's matching rules: what TARGET means and what counts as
 * the same finding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fuzz_campaign.h"
#include "fuzz_exec.h"
#include "fuzz_target.h"
#include "tsan_report.h"
#include "util.h"

#define DATA TEST_DATA_DIR "/fuzz/"

static void test_py_file_is_a_file_target_with_its_stem_as_label(void **state) {
    struct fuzz_target t;
    char err[256];
    assert_true(fuzz_targetParse(DATA "list_ops.py", true, false, &t, err, sizeof(err)));
    assert_int_equal(t.kind, FUZZ_TARGET_FILE);
    assert_string_equal(t.label, "list_ops");
    assert_true(t.spec[0] == '/');
    assert_non_null(strstr(t.spec, "tests/data/fuzz/list_ops.py"));
    fuzz_targetFree(&t);
}

static void test_missing_py_file_is_named(void **state) {
    struct fuzz_target t;
    char err[256];
    assert_false(fuzz_targetParse("nope/target.py", false, false, &t, err, sizeof(err)));
    assert_string_equal(err, "nope/target.py: no such target file");
}

static void test_module_factory_and_module_star(void **state) {
    struct fuzz_target t;
    char err[256];
    assert_true(fuzz_targetParse("collections:deque", false, false, &t, err, sizeof(err)));
    assert_int_equal(t.kind, FUZZ_TARGET_FACTORY);
    assert_string_equal(t.spec, "collections:deque");
    fuzz_targetFree(&t);
    assert_true(fuzz_targetParse("xml.dom.minidom:Document", false, false, &t, err, sizeof(err)));
    assert_int_equal(t.kind, FUZZ_TARGET_FACTORY);
    fuzz_targetFree(&t);
    assert_true(fuzz_targetParse("io:*", false, false, &t, err, sizeof(err)));
    assert_int_equal(t.kind, FUZZ_TARGET_MODULE);
    assert_string_equal(t.module, "io");
    fuzz_targetFree(&t);
}

static void
test_factory_with_arguments_is_a_factory_target_whatever_the_arguments_hold(void **state) {
    struct fuzz_target t;
    char err[256];
    const char *spec = "io:BufferedReader(io.BytesIO(b\"x/y.py\" * 4096))";
    assert_true(fuzz_targetParse(spec, false, false, &t, err, sizeof(err)));
    assert_int_equal(t.kind, FUZZ_TARGET_FACTORY);
    assert_string_equal(t.spec, spec);
    assert_string_equal(t.label, spec);
    fuzz_targetFree(&t);
    assert_false(
        fuzz_targetParse("io:BufferedReader(io.BytesIO(), 2", false, false, &t, err, sizeof(err)));
    assert_non_null(strstr(err, "must end with ')'"));
    assert_false(fuzz_targetParse("io:1x(2)", false, false, &t, err, sizeof(err)));
}

static void test_case_file_is_a_case(void **state) {
    struct fuzz_target t;
    char err[256];
    assert_true(fuzz_targetParse(DATA "minimized.case", true, true, &t, err, sizeof(err)));
    assert_int_equal(t.kind, FUZZ_TARGET_CASE);
    fuzz_targetFree(&t);
}

static void test_anything_else_is_refused_with_the_forms(void **state) {
    struct fuzz_target t;
    char err[256];
    const char *bad[] = {
        "deque", "collections:", ":deque", "collections:1x", "col lections:deque", "a..b:c", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(fuzz_targetParse(bad[i], false, false, &t, err, sizeof(err)));
        assert_non_null(strstr(err, "module:factory"));
    }
}

static void test_stop_condition_of_each_kind(void **state) {
    char *s = fuzz_campaignStopWhen("data-race:bytesio.c:write_bytes,bytesobject.c:_PyBytes_Resize",
                                    "data-race");
    assert_string_equal(s, "tsan:write_bytes,_PyBytes_Resize");
    free(s);
    s = fuzz_campaignStopWhen("heap-use-after-free:?,a.c:f", "heap-use-after-free");
    assert_string_equal(s, "tsan:f");
    free(s);
    s = fuzz_campaignStopWhen("unexpected-exception:collections:deque:pop:SystemError",
                              "unexpected-exception");
    assert_string_equal(s, "exception:pop:SystemError");
    free(s);
    s = fuzz_campaignStopWhen("linearizability:deque", "linearizability");
    assert_string_equal(s, "linearizability");
    free(s);
    s = fuzz_campaignStopWhen("crash:Segmentation fault:x.so:f", "crash");
    assert_string_equal(s, "none");
    free(s);
    s = fuzz_campaignStopWhen(NULL, NULL);
    assert_string_equal(s, "any");
    free(s);
}

static void test_same_finding_by_signature_or_loose_kind(void **state) {
    struct finding f = {.signature = "crash:Aborted:x.so:g", .kind = "crash"};
    assert_true(fuzz_campaignSame(&f, "crash:Segmentation fault:y.so:f", "crash"));
    struct finding r = {.signature = "data-race:a.c:f,b.c:g", .kind = "data-race"};
    assert_true(fuzz_campaignSame(&r, "data-race:a.c:f,b.c:g", "data-race"));
    assert_false(fuzz_campaignSame(&r, "data-race:a.c:f,b.c:h", "data-race"));
    assert_true(tsanreport_isKindName("data-race"));
    assert_true(tsanreport_isKindName("lock-order-inversion"));
    assert_false(tsanreport_isKindName("unexpected-exception"));
    assert_false(tsanreport_isKindName("refcount-decref_after_dealloc"));
}

static void test_harness_findings_get_stable_signatures(void **state) {
    struct fuzz_event e = {.type = FUZZ_EVENT_FINDING,
                           .label = "3",
                           .kind = "exception",
                           .tid = 1,
                           .opk = 4,
                           .op = "write",
                           .message = "SystemError: error return without exception set 0x55",
                           .detail = "Traceback ..."};
    struct finding f = fuzz_execFinding(&e, "bytesio");
    assert_string_equal(f.signature, "unexpected-exception:bytesio:write:SystemError");
    assert_string_equal(f.kind, "unexpected-exception");
    assert_non_null(strstr(f.title, "from write (thread 1, operation 4)"));
    assert_string_equal(f.detail, "Traceback ...");
    struct finding_set set = {0};
    finding_add(&set, &f, 1);
    e.kind = "invariant";
    e.message = "invariant() returned False";
    f = fuzz_execFinding(&e, "bytesio");
    assert_string_equal(f.signature, "invariant:bytesio:false");
    finding_add(&set, &f, 1);
    e.kind = "linearizability";
    e.message = "no sequential order explains these results";
    f = fuzz_execFinding(&e, "deque");
    assert_string_equal(f.signature, "linearizability:deque");
    assert_non_null(strstr(f.title, "wrong results"));
    finding_add(&set, &f, 1);
    finding_setFree(&set);
}

static void test_tsan_deadlock_in_the_report_hook_is_told_from_a_target_hang(void **state) {
    char *hook = util_readFile(DATA "hang_report_hook.txt", NULL);
    char *heap = util_readFile(DATA "hang_heap_loop.txt", NULL);
    assert_non_null(hook);
    assert_non_null(heap);
    assert_true(fuzz_execStuckInReportHook(hook));
    assert_false(fuzz_execStuckInReportHook(heap));
    assert_false(fuzz_execStuckInReportHook(""));
    free(hook);
    free(heap);
}

static void test_verdict_names_every_kind_found(void **state) {
    struct fuzz_campaign c = {0};
    char *v = fuzz_campaignVerdict(&c);
    assert_string_equal(v, "no finding");
    free(v);
    struct finding a = {
        .signature = strdup("data-race:a"), .kind = strdup("data-race"), .title = strdup("t")};
    struct finding b = {
        .signature = strdup("crash:b"), .kind = strdup("crash"), .title = strdup("t")};
    finding_add(&c.findings, &a, 1);
    finding_add(&c.findings, &b, 1);
    v = fuzz_campaignVerdict(&c);
    assert_string_equal(v, "crash, races");
    free(v);
    c.error = "x";
    v = fuzz_campaignVerdict(&c);
    assert_string_equal(v, "skipped");
    free(v);
    finding_setFree(&c.findings);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_py_file_is_a_file_target_with_its_stem_as_label),
        cmocka_unit_test(test_missing_py_file_is_named),
        cmocka_unit_test(test_module_factory_and_module_star),
        cmocka_unit_test(
            test_factory_with_arguments_is_a_factory_target_whatever_the_arguments_hold),
        cmocka_unit_test(test_case_file_is_a_case),
        cmocka_unit_test(test_anything_else_is_refused_with_the_forms),
        cmocka_unit_test(test_stop_condition_of_each_kind),
        cmocka_unit_test(test_same_finding_by_signature_or_loose_kind),
        cmocka_unit_test(test_harness_findings_get_stable_signatures),
        cmocka_unit_test(test_tsan_deadlock_in_the_report_hook_is_told_from_a_target_hang),
        cmocka_unit_test(test_verdict_names_every_kind_found),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
