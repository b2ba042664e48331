/* Unit tests of src/exec/venv.c and src/exec/elf_tsan.c: which venv and
 * runtime a command uses, and telling an instrumented extension from one that
 * is not. */
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
#include "elf_tsan.h"
#include "util.h"
#include "venv.h"

static char scratch[] = "/tmp/ftstress-unit-venv-XXXXXX";

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

/* A venv whose pyvenv.cfg home is a runtime's bin/ (a manifest beside it) is
 * on that runtime; one on any other Python is not. */
static void test_a_venv_names_the_runtime_it_was_made_on(void **state) {
    (void)state;
    char *rt = util_asprintf("%s/rt", scratch);
    char *bin = util_asprintf("%s/rt/bin", scratch);
    char *venv = util_asprintf("%s/venv", scratch);
    assert_true(util_mkdirs(bin));
    assert_true(util_mkdirs(venv));
    char *cfg = util_asprintf("%s/pyvenv.cfg", venv);
    char *text = util_asprintf("home = %s\ninclude-system-site-packages = false\n", bin);
    write_file(cfg, text);
    assert_null(venv_runtimeDir(venv)); /* no manifest yet: some other Python */
    char *manifest = util_asprintf("%s/manifest", rt);
    write_file(manifest, "version=3.13.15\n");
    char *found = venv_runtimeDir(venv);
    assert_non_null(found);
    char real[4096];
    assert_non_null(realpath(rt, real));
    assert_string_equal(found, real);

    struct ftstress_config c;
    config_setDefaults(&c);
    c.command = CMD_RUN;
    c.venv = venv;
    char *dir = NULL;
    assert_true(venv_select(&c, &dir));
    assert_non_null(dir);
    free(dir);
    c.venv = rt; /* not a venv */
    assert_false(venv_select(&c, &dir));
    assert_null(dir);
    free(found);
    free(manifest);
    free(text);
    free(cfg);
    free(venv);
    free(bin);
    free(rt);
}

/* The same source built with and without -fsanitize=thread. */
static void test_tsan_instrumentation_is_told_from_the_dynamic_symbols(void **state) {
    (void)state;
    char *src = util_asprintf("%s/x.c", scratch);
    write_file(src, "long shared;\nvoid bump(void) { shared++; }\n");
    char *with = util_asprintf("%s/with.so", scratch);
    char *without = util_asprintf("%s/without.so", scratch);
    char *cmd = util_asprintf("clang -shared -fPIC -fsanitize=thread -o %s %s && "
                              "clang -shared -fPIC -o %s %s",
                              with, src, without, src);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(elf_tsan_instrumented(with), 1);
    assert_int_equal(elf_tsan_instrumented(without), 0);
    assert_int_equal(elf_tsan_instrumented(src), -1); /* not ELF */
    char *missing = util_asprintf("%s/missing.so", scratch);
    assert_int_equal(elf_tsan_instrumented(missing), -1);
    free(missing);
    free(cmd);
    free(without);
    free(with);
    free(src);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_venv_names_the_runtime_it_was_made_on),
        cmocka_unit_test(test_tsan_instrumentation_is_told_from_the_dynamic_symbols),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
