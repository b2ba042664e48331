/* Unit tests of src/findings/baseline.c: reading, applying and writing baseline files. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "baseline.h"
#include "finding.h"
#include "log.h"
#include "util.h"

#define RACE "data-race:dictobject.c:insertdict,listobject.c:list_append"
#define CRASH "crash:signal 11:libfoo.so:boom"
#define MUTEX "mutex-misuse:unlock of an unlocked mutex (or by a wrong thread):lock.c:release"
#define HANG "hang:counter_global"

static void add(struct finding_set *set, const char *sig, const char *kind, const char *title) {
    struct finding f = {0};
    f.signature = strdup(sig);
    f.kind = strdup(kind);
    f.title = strdup(title);
    finding_add(set, &f, 1);
}

/* A fresh temporary directory; the caller removes it with cleanup_dir. */
static char *temp_dir(void) {
    char *dir = strdup("/tmp/ftstress-test-baseline-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return dir;
}

static void cleanup_dir(char *dir, const char *file) {
    char *path = util_asprintf("%s/%s", dir, file);
    unlink(path);
    rmdir(dir);
    free(path);
    free(dir);
}

static void test_baseline_loads_signatures_skipping_comments_blanks_and_tab_comments(void **state) {
    struct baseline b;
    char *error = NULL;
    assert_true(baseline_load(TEST_DATA_DIR "/baseline/good.baseline", &b, &error));
    assert_null(error);
    assert_int_equal(b.count, 4);
    assert_string_equal(b.items[0].signature, RACE);
    assert_string_equal(b.items[0].comment, "data-race: Data race in insertdict");
    assert_int_equal(b.items[0].line, 4);
    /* Surrounding spaces and the CR of a CRLF line are not part of it. */
    assert_string_equal(b.items[1].signature, CRASH);
    assert_null(b.items[1].comment);
    assert_int_equal(b.items[1].line, 5);
    /* Spaces inside a signature are; only a TAB starts a comment. */
    assert_string_equal(b.items[2].signature, MUTEX);
    assert_string_equal(b.items[3].signature, HANG);
    assert_string_equal(b.items[3].comment, "waits forever");
    assert_int_equal(b.items[3].line, 9);
    assert_true(baseline_contains(&b, HANG));
    assert_false(baseline_contains(&b, "hang:counter"));
    baseline_free(&b);
}

static void test_baseline_keeps_a_repeated_signature_once_at_its_first_line(void **state) {
    struct baseline b;
    char *error = NULL;
    assert_true(baseline_load(TEST_DATA_DIR "/baseline/good.baseline", &b, &error));
    size_t races = 0;
    for (size_t i = 0; i < b.count; i++) {
        races += strcmp(b.items[i].signature, RACE) == 0;
    }
    assert_int_equal(races, 1);
    assert_int_equal(b.items[0].line, 4);
    baseline_free(&b);
}

static void test_baseline_line_that_is_no_signature_is_an_error_naming_file_and_line(void **state) {
    struct baseline b;
    char *error = NULL;
    assert_false(baseline_load(TEST_DATA_DIR "/baseline/bad_line.baseline", &b, &error));
    assert_non_null(error);
    assert_string_equal(error,
                        TEST_DATA_DIR "/baseline/bad_line.baseline:5: not a finding "
                                      "signature (expected KIND:..., e.g. data-race:a.c:f,b.c:g): "
                                      "'this is not a signature'");
    assert_int_equal(b.count, 0);
    assert_null(b.items);
    free(error);
}

static void test_baseline_signature_with_nothing_after_its_kind_is_an_error(void **state) {
    struct baseline b;
    char *error = NULL;
    assert_false(baseline_load(TEST_DATA_DIR "/baseline/kind_only.baseline", &b, &error));
    assert_non_null(strstr(error, "kind_only.baseline:1: a finding signature with nothing after "
                                  "its kind: 'thread-leak:'"));
    free(error);
}

static void test_baseline_rejects_odd_kinds_and_lines_starting_with_a_tab(void **state) {
    static const char *const bad[] = {
        "Data-race:a.c:f\n",   "-race:a.c:f\n",        "data race:a.c:f\n", ":a.c:f\n",
        "\tdata-race:a.c:f\n", "data-race:a.c:\x01\n", "data-race\n",
    };
    char *dir = temp_dir();
    char *path = util_asprintf("%s/b", dir);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_true(util_writeFileAtomic(path, bad[i], strlen(bad[i])));
        struct baseline b;
        char *error = NULL;
        if (baseline_load(path, &b, &error)) {
            fail_msg("accepted %s", bad[i]);
        }
        char *where = util_asprintf("%s:1: ", path);
        assert_non_null(strstr(error, where));
        free(where);
        free(error);
    }
    free(path);
    cleanup_dir(dir, "b");
}

static void test_baseline_missing_file_error_names_the_file_and_the_reason(void **state) {
    struct baseline b;
    char *error = NULL;
    assert_false(baseline_load(TEST_DATA_DIR "/baseline/no-such-file", &b, &error));
    assert_int_equal(errno, ENOENT);
    assert_string_equal(error, TEST_DATA_DIR "/baseline/no-such-file: No such file or directory");
    free(error);
}

static void test_baseline_mark_sets_known_only_for_listed_signatures(void **state) {
    struct baseline b;
    char *error = NULL;
    assert_true(baseline_load(TEST_DATA_DIR "/baseline/good.baseline", &b, &error));
    struct finding_set set = {0};
    add(&set, RACE, "data-race", "Data race in insertdict");
    add(&set, "data-race:a.c:f,b.c:g", "data-race", "Data race in f");
    add(&set, HANG, "hang", "hang");
    set.items[1].known = true; /* a stale mark is cleared */
    assert_int_equal(baseline_mark(&b, &set), 2);
    assert_true(set.items[0].known);
    assert_false(set.items[1].known);
    assert_true(set.items[2].known);
    assert_int_equal(finding_countNew(&set), 1);
    finding_setFree(&set);
    baseline_free(&b);
}

static void test_baseline_unseen_lists_entries_no_finding_has_in_file_order(void **state) {
    struct baseline b;
    char *error = NULL;
    assert_true(baseline_load(TEST_DATA_DIR "/baseline/good.baseline", &b, &error));
    struct finding_set set = {0};
    add(&set, CRASH, "crash", "crash");
    size_t n;
    const struct baseline_entry **unseen = baseline_unseen(&b, &set, &n);
    assert_int_equal(n, 3);
    assert_string_equal(unseen[0]->signature, RACE);
    assert_string_equal(unseen[1]->signature, MUTEX);
    assert_string_equal(unseen[2]->signature, HANG);
    assert_int_equal(unseen[2]->line, 9);
    free(unseen);
    /* Everything seen: nothing to prune. */
    add(&set, RACE, "data-race", "r");
    add(&set, MUTEX, "mutex-misuse", "m");
    add(&set, HANG, "hang", "h");
    assert_null(baseline_unseen(&b, &set, &n));
    assert_int_equal(n, 0);
    finding_setFree(&set);
    baseline_free(&b);
}

static void test_baseline_round_trip_write_load_mark_unseen(void **state) {
    struct finding_set run1 = {0};
    add(&run1, RACE, "data-race", "Data race in insertdict");
    add(&run1, MUTEX, "mutex-misuse", "unlock of an unlocked mutex in release");
    add(&run1, CRASH, "crash", "crash (signal 11) in libfoo.so:boom");
    add(&run1, "refcount-negative_refcount:racyext.c:bump", "refcount-negative_refcount",
        "refcount anomaly (negative_refcount) on a int object in racyext.c:bump");
    char *dir = temp_dir();
    char *path = util_asprintf("%s/ftstress.baseline", dir);
    assert_true(baseline_write(path, &run1));

    struct baseline b;
    char *error = NULL;
    assert_true(baseline_load(path, &b, &error));
    assert_int_equal(b.count, 4);
    for (size_t i = 0; i < run1.count; i++) {
        assert_true(baseline_contains(&b, run1.items[i].signature));
    }
    /* A later run: the crash is fixed, a new race appeared. */
    struct finding_set run2 = {0};
    add(&run2, RACE, "data-race", "Data race in insertdict");
    add(&run2, MUTEX, "mutex-misuse", "unlock of an unlocked mutex in release");
    add(&run2, "data-race:x.c:new,y.c:other", "data-race", "Data race in new");
    assert_int_equal(baseline_mark(&b, &run2), 2);
    assert_false(finding_find(&run2, "data-race:x.c:new,y.c:other")->known);
    size_t n;
    const struct baseline_entry **unseen = baseline_unseen(&b, &run2, &n);
    assert_int_equal(n, 2);
    assert_string_equal(unseen[0]->signature, CRASH);
    assert_string_equal(unseen[1]->signature, "refcount-negative_refcount:racyext.c:bump");
    free(unseen);
    baseline_free(&b);
    finding_setFree(&run1);
    finding_setFree(&run2);
    free(path);
    cleanup_dir(dir, "ftstress.baseline");
}

static void test_baseline_write_sorts_signatures_with_kind_and_title_comments(void **state) {
    struct finding_set set = {0};
    add(&set, MUTEX, "mutex-misuse", "unlock in release");
    add(&set, RACE, "data-race", "Data race\nin \"insertdict\"\t(2 lines)");
    add(&set, CRASH, "crash", "crash (signal 11)");
    char *dir = temp_dir();
    char *path = util_asprintf("%s/ftstress.baseline", dir);
    assert_true(baseline_write(path, &set));
    char *text = util_readFile(path, NULL);
    const char *body = text;
    while (body[0] == '#') {
        body = strchr(body, '\n') + 1; /* the header */
    }
    assert_string_equal(body, CRASH "\tcrash: crash (signal 11)\n" RACE
                                    "\tdata-race: Data race in \"insertdict\" (2 lines)\n" MUTEX
                                    "\tmutex-misuse: unlock in release\n");
    free(text);
    free(path);
    finding_setFree(&set);
    cleanup_dir(dir, "ftstress.baseline");
}

static void test_baseline_write_leaves_out_signatures_a_baseline_cannot_hold(void **state) {
    struct finding_set set = {0};
    add(&set, RACE, "data-race", "ok");
    add(&set, "data-race:a.c:f\tb.c:g", "data-race", "tab inside");
    add(&set, "data-race:a.c:f\nb.c:g", "data-race", "newline inside");
    add(&set, "data-race:a.c:f ", "data-race", "trailing space");
    char *dir = temp_dir();
    char *path = util_asprintf("%s/ftstress.baseline", dir);
    enum log_level level = log_getLevel();
    log_setLevel(LOG_LEVEL_ERROR); /* the warnings are expected here */
    assert_true(baseline_write(path, &set));
    log_setLevel(level);
    struct baseline b;
    char *error = NULL;
    assert_true(baseline_load(path, &b, &error));
    assert_int_equal(b.count, 1);
    assert_string_equal(b.items[0].signature, RACE);
    baseline_free(&b);
    free(path);
    finding_setFree(&set);
    cleanup_dir(dir, "ftstress.baseline");
}

static void test_baseline_write_into_a_missing_directory_fails_with_errno(void **state) {
    struct finding_set set = {0};
    add(&set, RACE, "data-race", "ok");
    errno = 0;
    assert_false(baseline_write("/nonexistent-ftstress-dir/ftstress.baseline", &set));
    assert_int_equal(errno, ENOENT);
    finding_setFree(&set);
}

static void test_baseline_of_an_empty_set_is_a_header_that_loads_as_empty(void **state) {
    struct finding_set set = {0};
    char *dir = temp_dir();
    char *path = util_asprintf("%s/ftstress.baseline", dir);
    assert_true(baseline_write(path, &set));
    struct baseline b;
    char *error = NULL;
    assert_true(baseline_load(path, &b, &error));
    assert_int_equal(b.count, 0);
    baseline_free(&b);
    free(path);
    cleanup_dir(dir, "ftstress.baseline");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_baseline_loads_signatures_skipping_comments_blanks_and_tab_comments),
        cmocka_unit_test(test_baseline_keeps_a_repeated_signature_once_at_its_first_line),
        cmocka_unit_test(test_baseline_line_that_is_no_signature_is_an_error_naming_file_and_line),
        cmocka_unit_test(test_baseline_signature_with_nothing_after_its_kind_is_an_error),
        cmocka_unit_test(test_baseline_rejects_odd_kinds_and_lines_starting_with_a_tab),
        cmocka_unit_test(test_baseline_missing_file_error_names_the_file_and_the_reason),
        cmocka_unit_test(test_baseline_mark_sets_known_only_for_listed_signatures),
        cmocka_unit_test(test_baseline_unseen_lists_entries_no_finding_has_in_file_order),
        cmocka_unit_test(test_baseline_round_trip_write_load_mark_unseen),
        cmocka_unit_test(test_baseline_write_sorts_signatures_with_kind_and_title_comments),
        cmocka_unit_test(test_baseline_write_leaves_out_signatures_a_baseline_cannot_hold),
        cmocka_unit_test(test_baseline_write_into_a_missing_directory_fails_with_errno),
        cmocka_unit_test(test_baseline_of_an_empty_set_is_a_header_that_loads_as_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
