/* Unit tests of src/doctor/doctor_checks.c: each machine check passes on a
 * good setting and fails on a bad one with the fix that mends it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "doctor_checks.h"
#include "util.h"

static void expect(struct doctor_result r, enum doctor_state state, const char *what,
                   const char *fix) {
    if (r.state != state || strstr(r.what, what) == NULL ||
        (fix != NULL && (r.fix == NULL || strstr(r.fix, fix) == NULL))) {
        fail_msg("state %d '%s' fix '%s'; expected state %d with '%s' and fix '%s'", r.state,
                 r.what, r.fix ? r.fix : "(none)", state, what, fix ? fix : "(none)");
    }
    doctor_resultFree(&r);
}

static void test_mmap_bits_above_28_fail_with_the_sysctl_that_mends_them(void **state) {
    expect(doctor_mmapBits("32\n"), DOCTOR_FAIL, "vm.mmap_rnd_bits = 32", "mmap_rnd_bits=28");
    expect(doctor_mmapBits("28\n"), DOCTOR_OK, "vm.mmap_rnd_bits = 28", NULL);
    expect(doctor_mmapBits(NULL), DOCTOR_WARN, "unreadable", "sysctl vm.mmap_rnd_bits");
}

static void test_ptrace_is_refused_by_yama_3_and_by_2_without_the_capability(void **state) {
    expect(doctor_ptrace("3\n", true), DOCTOR_FAIL, "ptrace_scope = 3", "reboot");
    expect(doctor_ptrace("2\n", false), DOCTOR_FAIL, "ptrace_scope = 2", "ptrace_scope=1");
    expect(doctor_ptrace("2\n", true), DOCTOR_OK, "hang stacks can be taken", NULL);
    expect(doctor_ptrace("1\n", false), DOCTOR_OK, "ptrace_scope = 1", NULL);
    expect(doctor_ptrace(NULL, false), DOCTOR_OK, "no Yama", NULL);
}

static void test_a_missing_symbolizer_fails_with_the_package_that_has_it(void **state) {
    expect(doctor_symbolizer(NULL), DOCTOR_FAIL, "not on PATH", "apt-get install llvm");
    expect(doctor_symbolizer("/usr/bin/llvm-symbolizer"), DOCTOR_OK, "/usr/bin/llvm-symbolizer",
           NULL);
}

static void test_little_disk_is_a_warning_naming_the_cache(void **state) {
    expect(doctor_disk("/c", 0.5 * 1024 * 1024 * 1024), DOCTOR_WARN,
           "0.5 GiB free for the cache /c", "FTSTRESS_CACHE");
    expect(doctor_disk("/c", 80.0 * 1024 * 1024 * 1024), DOCTOR_OK, "80.0 GiB", NULL);
}

static void test_which_finds_executables_only_in_path_order(void **state) {
    char a[] = "/tmp/ftstress-doctor-a-XXXXXX", b[] = "/tmp/ftstress-doctor-b-XXXXXX";
    assert_non_null(mkdtemp(a));
    assert_non_null(mkdtemp(b));
    char *plain = util_asprintf("%s/tool", a); /* not executable: passed over */
    char *exec = util_asprintf("%s/tool", b);
    assert_true(util_writeFileAtomic(plain, "x", 1));
    assert_true(util_writeFileAtomic(exec, "x", 1));
    assert_int_equal(chmod(exec, 0755), 0);
    char *path = util_asprintf("/nonexistent:%s:%s", a, b);
    char *found = doctor_which(path, "tool");
    assert_non_null(found);
    assert_string_equal(found, exec);
    free(found);
    assert_null(doctor_which(path, "other"));
    assert_null(doctor_which("", "tool"));
    unlink(plain);
    unlink(exec);
    rmdir(a);
    rmdir(b);
    free(plain);
    free(exec);
    free(path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mmap_bits_above_28_fail_with_the_sysctl_that_mends_them),
        cmocka_unit_test(test_ptrace_is_refused_by_yama_3_and_by_2_without_the_capability),
        cmocka_unit_test(test_a_missing_symbolizer_fails_with_the_package_that_has_it),
        cmocka_unit_test(test_little_disk_is_a_warning_naming_the_cache),
        cmocka_unit_test(test_which_finds_executables_only_in_path_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
