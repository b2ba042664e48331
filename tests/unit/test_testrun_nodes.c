/* Unit tests of src/test/testrun_nodes.c and the GIL lines of the test
 * harness's results: node ids on the command line, and an import that enabled
 * the GIL judged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "testrun_nodes.h"
#include "testrun_results.h"
#include "testrun_tests.h"
#include "util.h"

static char scratch[] = "/tmp/ftstress-unit-nodes-XXXXXX";

static int setup(void **state) {
    (void)state;
    return mkdtemp(scratch) != NULL ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    char *cmd = util_asprintf("rm -rf %s", scratch);
    int rc = system(cmd);
    free(cmd);
    return rc == 0 ? 0 : -1;
}

static void write_file(const char *path, const char *text) {
    assert_true(util_writeFileAtomic(path, text, strlen(text)));
}

/* FILE::NAME is collected as FILE, the id kept for that file's harness. */
static void test_node_ids_select_tests_of_their_file(void **state) {
    (void)state;
    char *file = util_asprintf("%s/test_a.py", scratch);
    write_file(file, "def test_x(): pass\n");
    char *id1 = util_asprintf("%s::test_x", file);
    char *id2 = util_asprintf("%s::TestC::test_y[1]", file);
    const char *args[] = {id1, id2, "other_dir"};
    struct testrun_nodes nodes;
    assert_true(testrun_nodesSplit(args, 3, &nodes));
    assert_int_equal(nodes.npaths, 2);
    assert_string_equal(nodes.paths[0], file);
    assert_string_equal(nodes.paths[1], "other_dir");
    char real[4096];
    assert_non_null(realpath(file, real));
    const char *argv[8] = {"harness"};
    int argc = 1;
    testrun_nodesArgs(&nodes, real, argv, &argc, 8);
    assert_int_equal(argc, 5);
    assert_string_equal(argv[1], "--node");
    assert_string_equal(argv[2], id1);
    assert_string_equal(argv[4], id2);
    assert_null(argv[5]);
    testrun_nodesFree(&nodes);
    const char *bad[] = {"/nonexistent/test_z.py::test_z"};
    assert_false(testrun_nodesSplit(bad, 1, &nodes));
    testrun_nodesFree(&nodes);
    free(id2);
    free(id1);
    free(file);
}

/* A "gil" line makes the file's verdict gil-enabled, with a finding naming
 * the module; its tests keep their own verdicts. */
static void test_an_import_enabling_the_gil_is_a_finding_of_the_file(void **state) {
    (void)state;
    char text[] = "ftstress-testresults 1\npid\t42\nrunner\tpytest\t9.1.1\n"
                  "module\ttest_g\t/x/test_g.py\ncollect\ttest_a\ngil\tgilext\timport\n"
                  "start\ttest_a\t2\t3\t0\nend\ttest_a\tpassed\t3\t0\t0\t0.1\t0\t\ndone\t0\n";
    struct testrun_results r;
    testrun_resultsParse(text, &r);
    assert_string_equal(r.gil_module, "gilext");
    assert_string_equal(r.gil_when, "import");
    assert_string_equal(r.runner, "pytest 9.1.1");
    struct testrun_file f;
    testrun_fileInit(&f, "/x/test_g.py", "test_g.py");
    testrun_fileAddResults(&f, &r);
    testrun_resultsFree(&r);
    testrun_judgeFile(&f);
    assert_int_equal(f.entry.verdict, TESTRUN_GIL);
    assert_true(testrun_isFailure(f.entry.verdict));
    assert_string_equal(testrun_verdictName(f.entry.verdict), "gil-enabled");
    assert_int_equal(f.entry.findings.count, 1);
    assert_string_equal(f.entry.findings.items[0].signature, "gil-enabled:gilext");
    assert_non_null(strstr(f.entry.findings.items[0].title, "did NOT exercise free-threading"));
    assert_int_equal(f.tests[0].verdict, TESTRUN_PASSED);
    assert_string_equal(f.runner, "pytest 9.1.1");
    testrun_fileFree(&f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_node_ids_select_tests_of_their_file),
        cmocka_unit_test(test_an_import_enabling_the_gil_is_a_finding_of_the_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
