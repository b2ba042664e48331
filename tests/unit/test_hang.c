/* Unit tests of src/findings/hang.c's reading of every thread's C stacks: which thread
 * of a hung process is busy (spinning) rather than waiting, on stacks taken
 * from real hangs (tests/data/fuzz). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "hang.h"
#include "util.h"

#define DATA TEST_DATA_DIR "/fuzz/"

static void test_a_thread_looping_in_the_allocator_is_the_busy_one(void **state) {
    /* io.BytesIO's races corrupted mimalloc's free list: one thread loops in
     * it, the others wait on their locks */
    char *stacks = util_readFile(DATA "hang_heap_loop.txt", NULL);
    assert_non_null(stacks);
    char *busy = hang_busyFunction(stacks);
    assert_non_null(busy);
    assert_string_equal(busy, "_mi_page_free_collect"); /* past __tsan_atomic64_load */
    free(busy);
    free(stacks);
}

static void test_every_thread_waiting_has_no_busy_one(void **state) {
    /* TSan wedged on itself: every thread in a futex wait */
    char *stacks = util_readFile(DATA "hang_report_hook.txt", NULL);
    assert_non_null(stacks);
    assert_null(hang_busyFunction(stacks));
    free(stacks);
    /* a lock-order deadlock in Python: both actors parked */
    assert_null(hang_busyFunction(
        "thread 1 (python3.13t):\n"
        "    #0 0x1 __nptl_death_event+0xd6 (/usr/lib/x86_64-linux-gnu/libc.so.6+0x85f16)\n"
        "    #1 0x2 sem_post+0x5cb (/usr/lib/x86_64-linux-gnu/libc.so.6+0x90b8b)\n"
        "    #2 0x3 sem_timedwait+0x16e (python3.13t+0x7e92e)\n"
        "    #3 0x4 _PySemaphore_Wait+0xb5 (libpython3.13t.so.1.0+0x3d4565)\n"
        "thread 2 (python3.13t):\n"
        "    #0 0x5 _ZN11__sanitizer15internal_usleepEy+0x3e (python3.13t+0x3092e)\n"
        "    #1 0x6 _ZN6__tsanL16BackgroundThreadEPv+0x9f (python3.13t+0xb961f)\n"));
    assert_null(hang_busyFunction(""));
    assert_null(
        hang_busyFunction("thread 3 (python3.13t):\n    (cannot attach: No such process)\n"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_thread_looping_in_the_allocator_is_the_busy_one),
        cmocka_unit_test(test_every_thread_waiting_has_no_busy_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
