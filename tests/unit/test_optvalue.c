/* Unit tests of src/cli/optvalue.c: the value grammar the command line and the
 * campaign file share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "optvalue.h"

static bool seconds(const char *text, double *d) {
    char *error = NULL;
    bool ok = optvalue_seconds("time", text, 0, 1e9, d, &error);
    if (!ok) {
        assert_non_null(strstr(error, "time takes a duration"));
    }
    free(error);
    return ok;
}

static void test_durations_take_seconds_minutes_and_hours(void **state) {
    double d;
    assert_true(seconds("90", &d));
    assert_true(d == 90);
    assert_true(seconds("90s", &d));
    assert_true(d == 90);
    assert_true(seconds("30m", &d));
    assert_true(d == 1800);
    assert_true(seconds("2h", &d));
    assert_true(d == 7200);
    assert_true(seconds("1.5m", &d));
    assert_true(d == 90);
    assert_false(seconds("", &d));
    assert_false(seconds("m", &d));
    assert_false(seconds("5d", &d));
    assert_false(seconds("-5", &d));
    assert_false(seconds("5mm", &d));
    assert_false(seconds("nan", &d));
    assert_false(seconds("1e999", &d));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_durations_take_seconds_minutes_and_hours),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
