/* Unit tests of src/findings/tsan_report.c on real ThreadSanitizer logs (tests/data/tsan/,
 * made by tests/data/tsan/gen/) and on a few hand-written lines for frame shapes
 * the tiny programs cannot produce. Addresses and pids change with each
 * regeneration, so only stable fields are asserted by value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tsan_report.h"

static struct tsanreport_list parseLog(const char *name) {
    char path[1024];
    snprintf(path, sizeof(path), "%s/tsan/%s", TEST_DATA_DIR, name);
    struct tsanreport_parser *p = tsanreport_parserNew();
    assert_non_null(p);
    struct tsanreport_list list = {0};
    assert_int_equal(tsanreport_parseFile(p, path, &list), 0);
    tsanreport_parserFree(p);
    return list;
}

static struct tsanreport_list parseText(const char *text) {
    struct tsanreport_parser *p = tsanreport_parserNew();
    assert_non_null(p);
    struct tsanreport_list list = {0};
    assert_int_equal(tsanreport_parse(p, text, strlen(text), &list), 0);
    tsanreport_parserFree(p);
    return list;
}

static const char *baseName(const char *path) {
    assert_non_null(path);
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Checks function, file basename (NULL: no file), line and column of a frame. */
static void assertFrame(const struct tsanreport_stack *st, size_t i, const char *function,
                        const char *file, int line, int column) {
    assert_true(i < st->count);
    const struct tsanreport_frame *f = &st->frames[i];
    assert_int_equal(f->index, (int)i);
    if (function == NULL)
        assert_null(f->function);
    else
        assert_string_equal(f->function, function);
    if (file == NULL)
        assert_null(f->file);
    else
        assert_string_equal(baseName(f->file), file);
    assert_int_equal(f->line, line);
    assert_int_equal(f->column, column);
}

static void test_parse_data_race_with_two_stacks(void **state) {
    struct tsanreport_list l = parseLog("data_race.log");
    assert_int_equal(l.count, 1);
    const struct tsanreport_report *r = &l.reports[0];
    assert_int_equal(r->kind, TSANREPORT_DATA_RACE);
    assert_string_equal(r->title, "data race");
    assert_true(r->pid > 0);
    assert_int_equal(r->line, 2);
    assert_false(r->truncated);
    assert_int_equal(r->naccesses, 2);

    const struct tsanreport_access *now = &r->accesses[0];
    assert_false(now->previous);
    assert_true(now->write);
    assert_false(now->atomic);
    assert_int_equal(now->size, 8);
    assert_int_equal(now->thread, 2);
    assert_int_equal(now->nheld, 0);
    assert_int_equal(now->stack.count, 1);
    assert_false(now->stack.failed_restore);
    assertFrame(&now->stack, 0, "unlocked_writer", "data_race.c", 18, 13);
    assert_string_equal(now->stack.frames[0].module, "data_race");
    assert_true(now->stack.frames[0].offset > 0);

    const struct tsanreport_access *before = &r->accesses[1];
    assert_true(before->previous);
    assert_true(before->write);
    assert_int_equal(before->thread, 1);
    assert_int_equal(before->address, now->address);
    assertFrame(&before->stack, 0, "locked_writer", "data_race.c", 11, 12);

    assert_non_null(r->summary);
    assert_non_null(strstr(r->summary, "data_race.c:18:13 in unlocked_writer"));
    assert_int_equal(l.reported_warnings, 1);
    tsanreport_listFree(&l);
}

static void test_parse_held_mutex_and_its_creation_stack(void **state) {
    struct tsanreport_list l = parseLog("data_race.log");
    const struct tsanreport_report *r = &l.reports[0];
    const struct tsanreport_access *before = &r->accesses[1];
    assert_int_equal(before->nheld, 1);
    assert_int_equal(before->held[0].id, 0);
    assert_true(before->held[0].write);

    assert_int_equal(r->nmutexes, 1);
    assert_int_equal(r->mutexes[0].id, 0);
    assert_true(r->mutexes[0].address != 0);
    assert_false(r->mutexes[0].destroyed);
    assertFrame(&r->mutexes[0].stack, 0, "pthread_mutex_lock", NULL, 0, 0);
    assertFrame(&r->mutexes[0].stack, 1, "locked_writer", "data_race.c", 10, 5);
    tsanreport_listFree(&l);
}

static void test_parse_global_location_with_module_offset(void **state) {
    struct tsanreport_list l = parseLog("data_race.log");
    const struct tsanreport_report *r = &l.reports[0];
    assert_int_equal(r->nlocations, 1);
    const struct tsanreport_location *loc = &r->locations[0];
    assert_int_equal(loc->type, TSANREPORT_LOC_GLOBAL);
    assert_string_equal(loc->name, "counter");
    assert_int_equal(loc->size, 8);
    assert_int_equal(loc->address, r->accesses[0].address);
    assert_string_equal(loc->module, "data_race");
    assert_true(loc->offset > 0);
    assert_int_equal(loc->stack.count, 0);
    assert_non_null(strstr(loc->text, "global 'counter' of size 8"));
    tsanreport_listFree(&l);
}

static void test_parse_threads_with_creation_stacks(void **state) {
    struct tsanreport_list l = parseLog("data_race.log");
    const struct tsanreport_report *r = &l.reports[0];
    assert_int_equal(r->nthreads, 2);
    const struct tsanreport_thread *t2 = &r->threads[0];
    assert_int_equal(t2->id, 2);
    assert_true(t2->tid > 0);
    assert_string_equal(t2->state, "running");
    assert_int_equal(t2->creator, TSANREPORT_MAIN_THREAD);
    assert_null(t2->name);
    assertFrame(&t2->stack, 0, "pthread_create", NULL, 0, 0);
    assertFrame(&t2->stack, 1, "main", "data_race.c", 25, 5);
    const struct tsanreport_thread *t1 = &r->threads[1];
    assert_int_equal(t1->id, 1);
    assert_string_equal(t1->state, "finished");
    assertFrame(&t1->stack, 1, "main", "data_race.c", 24, 5);
    tsanreport_listFree(&l);
}

static void test_parse_sleep_synchronisation_is_kept_as_a_note(void **state) {
    struct tsanreport_list l = parseLog("data_race.log");
    const struct tsanreport_report *r = &l.reports[0];
    assert_int_equal(r->nnotes, 1);
    assert_string_equal(r->notes[0].title, "As if synchronized via sleep");
    assertFrame(&r->notes[0].stack, 0, "usleep", NULL, 0, 0);
    assertFrame(&r->notes[0].stack, 1, "unlocked_writer", "data_race.c", 17, 5);
    tsanreport_listFree(&l);
}

static void test_parse_gcc_runtime_frames_without_columns(void **state) {
    struct tsanreport_list l = parseLog("data_race_gcc.log");
    assert_int_equal(l.count, 1);
    const struct tsanreport_report *r = &l.reports[0];
    assert_int_equal(r->kind, TSANREPORT_DATA_RACE);
    assertFrame(&r->accesses[0].stack, 0, "unlocked_writer", "data_race.c", 18, 0);
    assertFrame(&r->threads[0].stack, 0, "pthread_create", "tsan_interceptors_posix.cpp", 1001, 0);
    assert_string_equal(r->threads[0].stack.frames[0].file,
                        "../../../../src/libsanitizer/tsan/tsan_interceptors_posix.cpp");
    assert_string_equal(r->threads[0].stack.frames[0].module, "libtsan.so.2");
    assert_int_equal(r->threads[0].stack.frames[0].offset, 0x5e686);
    tsanreport_listFree(&l);
}

static void test_parse_heap_use_after_free_keeps_free_stack(void **state) {
    struct tsanreport_list l = parseLog("heap_use_after_free.log");
    assert_int_equal(l.count, 1);
    const struct tsanreport_report *r = &l.reports[0];
    assert_int_equal(r->kind, TSANREPORT_HEAP_USE_AFTER_FREE);
    assert_string_equal(r->title, "heap-use-after-free");
    assert_int_equal(r->naccesses, 2);
    assert_int_equal(r->accesses[0].size, 4);
    assert_int_equal(r->accesses[0].thread, 2);
    assertFrame(&r->accesses[0].stack, 0, "late_writer", "heap_use_after_free.c", 15, 15);
    /* TSan shows the free as the previous write of the block. */
    assert_true(r->accesses[1].previous);
    assert_int_equal(r->accesses[1].thread, 1);
    assertFrame(&r->accesses[1].stack, 0, "free", NULL, 0, 0);
    assertFrame(&r->accesses[1].stack, 1, "freer", "heap_use_after_free.c", 9, 5);
    tsanreport_listFree(&l);
}

static void test_parse_heap_race_keeps_allocation_stack(void **state) {
    struct tsanreport_list l = parseLog("heap_race.log");
    assert_int_equal(l.count, 1);
    const struct tsanreport_report *r = &l.reports[0];
    assert_int_equal(r->nlocations, 1);
    const struct tsanreport_location *loc = &r->locations[0];
    assert_int_equal(loc->type, TSANREPORT_LOC_HEAP);
    assert_int_equal(loc->size, 16);
    assert_int_equal(loc->thread, 1);
    assert_int_equal(loc->address + 8, r->accesses[0].address);
    assert_int_equal(loc->stack.count, 2);
    assertFrame(&loc->stack, 0, "calloc", NULL, 0, 0);
    assertFrame(&loc->stack, 1, "allocator", "heap_race.c", 17, 11);
    assert_int_equal(r->nthreads, 3);
    tsanreport_listFree(&l);
}

static void test_parse_atomic_access_is_flagged(void **state) {
    struct tsanreport_list l = parseLog("heap_race.log");
    const struct tsanreport_report *r = &l.reports[0];
    assert_true(r->accesses[0].atomic);
    assert_true(r->accesses[0].write);
    assert_int_equal(r->accesses[0].thread, 3);
    assertFrame(&r->accesses[0].stack, 0, "atomic_writer", "heap_race.c", 27, 5);
    assert_false(r->accesses[1].atomic);
    assert_false(r->accesses[1].write);
    assert_int_equal(r->accesses[1].thread, 2);
    assertFrame(&r->accesses[1].stack, 0, "reader", "heap_race.c", 22, 25);
    tsanreport_listFree(&l);
}

static void test_parse_lock_order_inversion_keeps_both_edges(void **state) {
    struct tsanreport_list l = parseLog("lock_order_inversion.log");
    assert_int_equal(l.count, 1);
    const struct tsanreport_report *r = &l.reports[0];
    assert_int_equal(r->kind, TSANREPORT_LOCK_ORDER_INVERSION);
    assert_string_equal(r->title, "lock-order-inversion (potential deadlock)");
    assert_int_equal(r->nedges, 2);
    assert_int_equal(r->edges[0].acquired, 1);
    assert_int_equal(r->edges[0].held, 0);
    assert_int_equal(r->edges[0].thread, TSANREPORT_MAIN_THREAD);
    assertFrame(&r->edges[0].stack, 1, "lock_a_then_b", "lock_order_inversion.c", 10, 5);
    assertFrame(&r->edges[0].stack, 2, "main", "lock_order_inversion.c", 25, 5);
    assert_int_equal(r->edges[1].acquired, 0);
    assert_int_equal(r->edges[1].held, 1);
    assert_int_equal(r->edges[1].thread, 1);
    assertFrame(&r->edges[1].stack, 1, "lock_b_then_a", "lock_order_inversion.c", 17, 5);
    /* The hint line between the edges must not end up as a frame or a note. */
    assert_int_equal(r->edges[0].stack.count, 3);
    assert_int_equal(r->nnotes, 0);
    tsanreport_listFree(&l);
}

static void test_parse_thread_leak_keeps_creation_stack(void **state) {
    struct tsanreport_list l = parseLog("thread_leak.log");
    assert_int_equal(l.count, 1);
    const struct tsanreport_report *r = &l.reports[0];
    assert_int_equal(r->kind, TSANREPORT_THREAD_LEAK);
    assert_int_equal(r->naccesses, 0);
    assert_int_equal(r->nthreads, 1);
    assert_int_equal(r->threads[0].id, 1);
    assert_string_equal(r->threads[0].state, "finished");
    assertFrame(&r->threads[0].stack, 1, "main", "thread_leak.c", 9, 5);
    tsanreport_listFree(&l);
}

static void test_parse_signal_unsafe_call_then_spoiled_errno(void **state) {
    struct tsanreport_list l = parseLog("signal_unsafe_call.log");
    assert_int_equal(l.count, 2);
    const struct tsanreport_report *r = &l.reports[0];
    assert_int_equal(r->kind, TSANREPORT_SIGNAL_UNSAFE_CALL);
    assert_string_equal(r->title, "signal-unsafe call inside of a signal");
    assertFrame(&r->stack, 0, "malloc", NULL, 0, 0);
    assertFrame(&r->stack, 1, "on_usr1", "signal_unsafe_call.c", 13, 39);
    /* A file token without a line: "tsan_interceptors_posix.cpp.o". */
    assertFrame(&r->stack, 2,
                "__tsan::CallUserSignalHandler(__tsan::ThreadState*, bool, bool, int, "
                "__sanitizer::__sanitizer_siginfo*, void*)",
                "tsan_interceptors_posix.cpp.o", 0, 0);
    assert_int_equal(l.reports[1].kind, TSANREPORT_SIGNAL_SPOILS_ERRNO);
    assert_int_equal(l.reports[1].pid, r->pid);
    assert_int_equal(l.reported_warnings, 2);
    tsanreport_listFree(&l);
}

static void test_parse_signal_handler_spoils_errno(void **state) {
    struct tsanreport_list l = parseLog("signal_spoils_errno.log");
    assert_int_equal(l.count, 1);
    const struct tsanreport_report *r = &l.reports[0];
    assert_int_equal(r->kind, TSANREPORT_SIGNAL_SPOILS_ERRNO);
    assert_string_equal(r->title, "signal handler spoils errno");
    assertFrame(&r->stack, 0, "on_usr1", "signal_spoils_errno.c", 10, 0);
    assertFrame(&r->stack, 1, "main", "signal_spoils_errno.c", 23, 5);
    tsanreport_listFree(&l);
}

static void test_parse_three_mutex_misuses_in_one_log(void **state) {
    struct tsanreport_list l = parseLog("mutex_misuse.log");
    assert_int_equal(l.count, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(l.reports[i].kind, TSANREPORT_MUTEX_MISUSE);
        assert_false(l.reports[i].truncated);
        assert_int_equal(l.reports[i].nmutexes, 1);
    }
    assert_string_equal(l.reports[0].title, "unlock of an unlocked mutex (or by a wrong thread)");
    assertFrame(&l.reports[0].stack, 1, "unlock_unlocked", "mutex_misuse.c", 13, 5);
    assert_int_equal(l.reports[0].locations[0].type, TSANREPORT_LOC_STACK);
    assert_int_equal(l.reports[0].locations[0].thread, TSANREPORT_MAIN_THREAD);

    assert_string_equal(l.reports[1].title, "destroy of a locked mutex");
    assertFrame(&l.reports[1].stack, 1, "destroy_locked", "mutex_misuse.c", 21, 5);
    assert_int_equal(l.reports[1].nnotes, 1);
    assert_string_equal(l.reports[1].notes[0].title, "and");
    assertFrame(&l.reports[1].notes[0].stack, 1, "destroy_locked", "mutex_misuse.c", 20, 5);

    assert_string_equal(l.reports[2].title, "double lock of a mutex");
    assertFrame(&l.reports[2].stack, 1, "lock_shared", "mutex_misuse.c", 25, 5);
    assert_string_equal(l.reports[2].locations[0].name, "shared");
    assert_int_equal(l.reports[2].locations[0].size, 40);
    assertFrame(&l.reports[2].mutexes[0].stack, 1, "double_lock", "mutex_misuse.c", 33, 5);
    assert_int_equal(l.reported_warnings, 3);
    tsanreport_listFree(&l);
}

static void test_parse_segv_as_deadly_signal(void **state) {
    struct tsanreport_list l = parseLog("segv.log");
    assert_int_equal(l.count, 1);
    const struct tsanreport_report *r = &l.reports[0];
    assert_int_equal(r->kind, TSANREPORT_DEADLY_SIGNAL);
    assert_non_null(strstr(r->title, "SEGV on unknown address 0x000000000010"));
    assert_true(r->pid > 0);
    assert_false(r->truncated);
    assert_int_equal(r->stack.count, 5);
    assertFrame(&r->stack, 0, "poke", "segv.c", 4, 40);
    assertFrame(&r->stack, 1, "main", "segv.c", 7, 5);
    assertFrame(&r->stack, 4, "_start", NULL, 0, 0);
    assert_string_equal(r->stack.frames[2].module, "libc.so.6");
    assert_non_null(strstr(r->summary, "in poke"));
    tsanreport_listFree(&l);
}

static void test_parse_cxx_frames_with_spaces_and_parentheses(void **state) {
    struct tsanreport_list l = parseLog("cxx_race.log");
    assert_int_equal(l.count, 1);
    const struct tsanreport_report *r = &l.reports[0];
    assert_int_equal(r->line, 3); /* after a symbolizer complaint and the separator */
    const struct tsanreport_stack *st = &r->accesses[0].stack;
    assert_int_equal(st->count, 8);
    assertFrame(st, 0, "store::Counter::operator+=(int)", "cxx_race.cc", 12, 40);
    assertFrame(st, 1, "main::$_1::operator()() const", "cxx_race.cc", 22, 11);
    assertFrame(st, 2, "void std::__invoke_impl<void, main::$_1>(std::__invoke_other, main::$_1&&)",
                "invoke.h", 61, 14);
    assertFrame(st, 7, NULL, NULL, 0, 0);
    assert_string_equal(st->frames[7].module, "libstdc++.so.6");
    assert_int_equal(st->frames[7].offset, 0xd44a2);
    assertFrame(&r->accesses[1].stack, 0, "store::Counter::bump(int)", "cxx_race.cc", 11, 30);
    assertFrame(&r->threads[0].stack, 1,
                "std::thread::_M_start_thread(std::unique_ptr<std::thread::_State, "
                "std::default_delete<std::thread::_State> >, void (*)())",
                NULL, 0, 0);
    /* A stack object: TSan prints a stack location and a bogus global one. */
    assert_int_equal(r->nlocations, 2);
    assert_int_equal(r->locations[0].type, TSANREPORT_LOC_STACK);
    assert_int_equal(r->locations[1].type, TSANREPORT_LOC_GLOBAL);
    assert_string_equal(r->locations[1].module, "[stack]");
    tsanreport_listFree(&l);
}

/* cpython_bytesio.log comes from the TSan-built free-threaded CPython 3.13
 * (`make -C tests/data/tsan/gen cpython`); which races it shows varies from run
 * to run, so a regenerated log needs these values updated. */
static void test_parse_real_cpython_bytesio_races(void **state) {
    struct tsanreport_list l = parseLog("cpython_bytesio.log");
    assert_int_equal(l.count, 2);
    assert_int_equal(l.reported_warnings, 2);
    const struct tsanreport_report *seek = &l.reports[0];
    assert_int_equal(seek->kind, TSANREPORT_DATA_RACE);
    assert_false(seek->truncated);
    assert_int_equal(seek->naccesses, 2);
    const struct tsanreport_stack *now = &seek->accesses[0].stack;
    assert_int_equal(seek->accesses[0].thread, 1);
    assert_int_equal(now->count, 16);
    assertFrame(now, 0, "_io_BytesIO_seek_impl", "bytesio.c", 702, 15);
    assert_string_equal(now->frames[0].module, "libpython3.13t.so.1.0");
    assertFrame(now, 1, "_io_BytesIO_seek", "bytesio.c.h", 431, 20);
    /* The symbolizer sometimes knows the file but not the line. */
    assertFrame(now, 8, "_PyFunction_Vectorcall", "call.c", 0, 0);
    assertFrame(now, 15, "pythread_wrapper", "thread_pthread.h", 242, 5);
    assert_int_equal(seek->accesses[1].thread, 4);
    assertFrame(&seek->accesses[1].stack, 0, "write_bytes", "bytesio.c", 230, 15);
    assert_int_equal(seek->nthreads, 2);
    assertFrame(&seek->threads[0].stack, 25, "main", "python.c", 15, 12);
    assert_string_equal(seek->threads[0].stack.frames[25].module, "python3.13t");

    const struct tsanreport_report *copy = &l.reports[1];
    assert_int_equal(copy->accesses[0].thread, 3);
    assertFrame(&copy->accesses[0].stack, 0, "memcpy", NULL, 0, 0);
    assertFrame(&copy->accesses[0].stack, 1, "write_bytes", "bytesio.c", 229, 5);
    assert_non_null(strstr(copy->summary, "in __interceptor_memcpy"));
    tsanreport_listFree(&l);
}

static void test_failed_restore_stack_is_counted(void **state) {
    struct tsanreport_list l = parseLog("lost_history.log");
    assert_int_equal(l.count, 2);
    assert_int_equal(l.failed_restores, 2);
    for (size_t i = 0; i < 2; i++) {
        const struct tsanreport_report *r = &l.reports[i];
        assert_int_equal(r->failed_restores, 1);
        assert_false(r->accesses[0].stack.failed_restore);
        assertFrame(&r->accesses[0].stack, 0, "late_writer", "lost_history.c", 25 + (int)i, 0);
        assert_true(r->accesses[1].previous);
        assert_true(r->accesses[1].stack.failed_restore);
        assert_int_equal(r->accesses[1].stack.count, 0);
        assert_int_equal(r->accesses[1].thread, 1);
    }
    assert_string_equal(l.reports[0].locations[0].name, "shared_a");
    assert_string_equal(l.reports[1].locations[0].name, "shared_b");
    tsanreport_listFree(&l);
}

static void test_truncated_report_is_marked_and_kept(void **state) {
    struct tsanreport_list l = parseLog("truncated.log");
    assert_int_equal(l.count, 3);
    /* Cut inside the previous access's stack; the next separator ends it. */
    const struct tsanreport_report *first = &l.reports[0];
    assert_int_equal(first->kind, TSANREPORT_DATA_RACE);
    assert_true(first->truncated);
    assert_null(first->summary);
    assert_int_equal(first->naccesses, 2);
    assertFrame(&first->accesses[1].stack, 0, "locked_writer", "data_race.c", 11, 12);
    assert_int_equal(first->accesses[1].held[0].id, 0);
    /* The whole report in the middle is untouched. */
    assert_int_equal(l.reports[1].kind, TSANREPORT_THREAD_LEAK);
    assert_false(l.reports[1].truncated);
    assert_non_null(l.reports[1].summary);
    /* Cut mid-line at end of input: keeps what it had, the partial frame included. */
    const struct tsanreport_report *last = &l.reports[2];
    assert_true(last->truncated);
    assert_int_equal(last->naccesses, 2);
    assert_int_equal(last->nlocations, 1);
    assert_int_equal(last->locations[0].type, TSANREPORT_LOC_HEAP);
    assert_int_equal(last->locations[0].stack.count, 1);
    assert_string_equal(last->locations[0].stack.frames[0].function, "cal");
    tsanreport_listFree(&l);
}

static void test_program_output_between_report_lines_is_skipped(void **state) {
    struct tsanreport_list l = parseLog("interleaved.log");
    /* The last report had unittest output mixed in every third line. */
    const struct tsanreport_report *r = &l.reports[l.count - 1];
    assert_int_equal(r->kind, TSANREPORT_DATA_RACE);
    assert_false(r->truncated);
    assert_int_equal(r->naccesses, 2);
    assertFrame(&r->accesses[0].stack, 0, "atomic_writer", "heap_race.c", 27, 5);
    assert_int_equal(r->nlocations, 1);
    assertFrame(&r->locations[0].stack, 1, "allocator", "heap_race.c", 17, 11);
    assert_int_equal(r->nthreads, 3);
    for (size_t i = 0; i < r->nthreads; i++)
        assert_int_equal(r->threads[i].stack.count, 2);
    tsanreport_listFree(&l);
}

static void test_two_logs_mixed_line_by_line_keep_both_headers(void **state) {
    struct tsanreport_list l = parseLog("interleaved.log");
    assert_int_equal(l.count, 3);
    /* The race's header is followed at once by the inversion's: the race is cut. */
    assert_int_equal(l.reports[0].kind, TSANREPORT_DATA_RACE);
    assert_true(l.reports[0].truncated);
    assert_int_equal(l.reports[1].kind, TSANREPORT_LOCK_ORDER_INVERSION);
    assert_int_equal(l.reports[1].nedges, 2);
    assert_true(l.reports[1].pid != l.reports[0].pid);
    /* Frames land in whichever section opened last: no attempt to untangle them. */
    assert_int_equal(l.reports[1].naccesses, 2);
    tsanreport_listFree(&l);
}

static void test_garbage_is_skipped_and_real_reports_survive(void **state) {
    struct tsanreport_list l = parseLog("garbage.log");
    assert_int_equal(l.count, 3);
    /* The real report with CRLF line ends. */
    const struct tsanreport_report *leak = &l.reports[0];
    assert_int_equal(leak->kind, TSANREPORT_THREAD_LEAK);
    assert_false(leak->truncated);
    assertFrame(&leak->threads[0].stack, 1, "main", "thread_leak.c", 9, 5);
    assert_string_equal(leak->threads[0].state, "finished");
    /* Stray "[failed to restore the stack]" outside reports counts only in the total. */
    assert_int_equal(l.failed_restores, 1);
    assert_int_equal(leak->failed_restores, 0);
    /* The last report is cut mid-frame at end of input. */
    const struct tsanreport_report *cut = &l.reports[2];
    assert_int_equal(cut->kind, TSANREPORT_DATA_RACE);
    assert_int_equal(cut->pid, 43);
    assert_true(cut->truncated);
    assert_int_equal(cut->accesses[0].size, 4);
    assert_int_equal(cut->accesses[0].address, 0x7b04);
    tsanreport_listFree(&l);
}

static void test_unknown_header_is_kept_with_its_title(void **state) {
    struct tsanreport_list l = parseLog("garbage.log");
    const struct tsanreport_report *r = &l.reports[1];
    assert_int_equal(r->kind, TSANREPORT_UNKNOWN);
    assert_string_equal(r->title, "something brand new");
    assert_int_equal(r->pid, 42);
    assert_false(r->truncated);
    assertFrame(&r->stack, 0, "new_check", "new.c", 7, 3);
    assert_string_equal(r->stack.frames[0].module, "libnew.so");
    assert_int_equal(r->stack.frames[0].offset, 0x70);
    tsanreport_listFree(&l);
}

static const char *const odd_frames =
    "WARNING: ThreadSanitizer: data race (pid=7)\n"
    "  Read of size 1 at 0x10 by main thread:\n"
    "    #0 no_file_here (libfoo.so+0x10)\n"
    "    #1 <null> <null> (libfoo.so+0xabc)\n"
    "    #2 0x7f0011223344 in with_pc /src/my dir/a.c:3:4 (a.out+0x20)\n"
    "    #3 with_build_id file.c:12 (mod+0x30) (BuildId: 0123abcd)\n"
    "    #4 std::vector<int>::~vector() [clone .cold] (libx.so+0x40)\n"
    "    #5 0x7f0011223344 (libbar.so+0x50)\n"
    "    #6 bare\n"
    "SUMMARY: ThreadSanitizer: data race\n";

static void test_frames_of_every_shape_are_split(void **state) {
    struct tsanreport_list l = parseText(odd_frames);
    assert_int_equal(l.count, 1);
    const struct tsanreport_stack *st = &l.reports[0].accesses[0].stack;
    assert_int_equal(l.reports[0].accesses[0].thread, TSANREPORT_MAIN_THREAD);
    assert_int_equal(st->count, 7);
    assertFrame(st, 0, "no_file_here", NULL, 0, 0);
    assert_string_equal(st->frames[0].module, "libfoo.so");
    assert_int_equal(st->frames[0].offset, 0x10);
    assertFrame(st, 1, NULL, NULL, 0, 0);
    assert_int_equal(st->frames[1].offset, 0xabc);
    assertFrame(st, 2, "with_pc", "a.c", 3, 4);
    assert_string_equal(st->frames[2].file, "/src/my dir/a.c");
    assertFrame(st, 3, "with_build_id", "file.c", 12, 0);
    assert_string_equal(st->frames[3].module, "mod");
    assertFrame(st, 4, "std::vector<int>::~vector() [clone .cold]", NULL, 0, 0);
    assertFrame(st, 5, NULL, NULL, 0, 0);
    assert_string_equal(st->frames[5].module, "libbar.so");
    assertFrame(st, 6, "bare", NULL, 0, 0);
    assert_null(st->frames[6].module);
    tsanreport_listFree(&l);
}

static void test_other_locations_and_named_threads(void **state) {
    struct tsanreport_list l =
        parseText("WARNING: ThreadSanitizer: data race (pid=9)\n"
                  "  Location is TLS of thread T4.\n"
                  "  Location is file descriptor 5 created by thread T2 at:\n"
                  "    #0 open <null> (libc.so.6+0x1)\n"
                  "  Location is somewhere new\n"
                  "  Mutex M3 is already destroyed.\n"
                  "  Thread T4 'worker: a' (tid=99, running) created by thread T2 at:\n"
                  "    #0 pthread_create <null> (t+0x2)\n"
                  "SUMMARY: ThreadSanitizer: data race\n");
    const struct tsanreport_report *r = &l.reports[0];
    assert_int_equal(r->nlocations, 3);
    assert_int_equal(r->locations[0].type, TSANREPORT_LOC_TLS);
    assert_int_equal(r->locations[0].thread, 4);
    assert_int_equal(r->locations[1].type, TSANREPORT_LOC_FD);
    assert_int_equal(r->locations[1].fd, 5);
    assert_int_equal(r->locations[1].thread, 2);
    assertFrame(&r->locations[1].stack, 0, "open", NULL, 0, 0);
    assert_int_equal(r->locations[2].type, TSANREPORT_LOC_OTHER);
    assert_string_equal(r->locations[2].text, "somewhere new");
    assert_int_equal(r->nmutexes, 1);
    assert_true(r->mutexes[0].destroyed);
    assert_int_equal(r->mutexes[0].id, 3);
    assert_int_equal(r->nthreads, 1);
    assert_string_equal(r->threads[0].name, "worker: a");
    assert_int_equal(r->threads[0].tid, 99);
    assert_int_equal(r->threads[0].creator, 2);
    assert_int_equal(r->threads[0].stack.count, 1);
    tsanreport_listFree(&l);
}

static void test_over_long_line_is_bounded(void **state) {
    size_t n = 100000;
    char *text = malloc(n + 200);
    assert_non_null(text);
    int k = snprintf(text, 200, "WARNING: ThreadSanitizer: data race (pid=1)\n    #0 ");
    memset(text + k, 'f', n);
    strcpy(text + k + n, " a.c:1 (m+0x1)\nSUMMARY: ThreadSanitizer: data race\n");
    struct tsanreport_list l = parseText(text);
    free(text);
    assert_int_equal(l.count, 1);
    assert_false(l.reports[0].truncated);
    assert_int_equal(l.reports[0].stack.count, 1);
    /* Only TSANREPORT_MAX_LINE bytes of the line are looked at. */
    assert_true(strlen(l.reports[0].stack.frames[0].function) < TSANREPORT_MAX_LINE);
    tsanreport_listFree(&l);
}

static void test_empty_input_gives_no_reports(void **state) {
    struct tsanreport_parser *p = tsanreport_parserNew();
    struct tsanreport_list l = {0};
    assert_int_equal(tsanreport_parse(p, NULL, 0, &l), 0);
    assert_int_equal(tsanreport_parse(p, "", 0, &l), 0);
    assert_int_equal(tsanreport_parse(p, "\n\n\r\n", 4, &l), 0);
    assert_int_equal(l.count, 0);
    assert_int_equal(l.failed_restores, 0);
    tsanreport_parserFree(p);
    tsanreport_listFree(&l);
}

static void test_parse_appends_to_an_existing_list(void **state) {
    struct tsanreport_parser *p = tsanreport_parserNew();
    struct tsanreport_list l = {0};
    char path[1024];
    snprintf(path, sizeof(path), "%s/tsan/%s", TEST_DATA_DIR, "thread_leak.log");
    assert_int_equal(tsanreport_parseFile(p, path, &l), 0);
    snprintf(path, sizeof(path), "%s/tsan/%s", TEST_DATA_DIR, "mutex_misuse.log");
    assert_int_equal(tsanreport_parseFile(p, path, &l), 0);
    assert_int_equal(l.count, 4);
    assert_int_equal(l.reports[0].kind, TSANREPORT_THREAD_LEAK);
    assert_int_equal(l.reports[3].kind, TSANREPORT_MUTEX_MISUSE);
    assert_int_equal(l.reported_warnings, 4);
    assert_int_equal(tsanreport_parseFile(p, "/nonexistent/tsan.log", &l), -1);
    assert_int_equal(l.count, 4);
    tsanreport_parserFree(p);
    tsanreport_listFree(&l);
    assert_int_equal(l.count, 0);
    assert_null(l.reports);
}

static void test_kind_names_are_stable(void **state) {
    assert_string_equal(tsanreport_kindName(TSANREPORT_DATA_RACE), "data-race");
    assert_string_equal(tsanreport_kindName(TSANREPORT_HEAP_USE_AFTER_FREE), "heap-use-after-free");
    assert_string_equal(tsanreport_kindName(TSANREPORT_LOCK_ORDER_INVERSION),
                        "lock-order-inversion");
    assert_string_equal(tsanreport_kindName(TSANREPORT_THREAD_LEAK), "thread-leak");
    assert_string_equal(tsanreport_kindName(TSANREPORT_SIGNAL_UNSAFE_CALL), "signal-unsafe-call");
    assert_string_equal(tsanreport_kindName(TSANREPORT_SIGNAL_SPOILS_ERRNO), "signal-spoils-errno");
    assert_string_equal(tsanreport_kindName(TSANREPORT_MUTEX_MISUSE), "mutex-misuse");
    assert_string_equal(tsanreport_kindName(TSANREPORT_DEADLY_SIGNAL), "deadly-signal");
    assert_string_equal(tsanreport_kindName(TSANREPORT_UNKNOWN), "unknown");
    assert_string_equal(tsanreport_kindName((enum tsanreport_kind)99), "unknown");
    assert_string_equal(tsanreport_locationTypeName(TSANREPORT_LOC_HEAP), "heap");
    assert_string_equal(tsanreport_locationTypeName(TSANREPORT_LOC_FD), "fd");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_data_race_with_two_stacks),
        cmocka_unit_test(test_parse_held_mutex_and_its_creation_stack),
        cmocka_unit_test(test_parse_global_location_with_module_offset),
        cmocka_unit_test(test_parse_threads_with_creation_stacks),
        cmocka_unit_test(test_parse_sleep_synchronisation_is_kept_as_a_note),
        cmocka_unit_test(test_parse_gcc_runtime_frames_without_columns),
        cmocka_unit_test(test_parse_heap_use_after_free_keeps_free_stack),
        cmocka_unit_test(test_parse_heap_race_keeps_allocation_stack),
        cmocka_unit_test(test_parse_atomic_access_is_flagged),
        cmocka_unit_test(test_parse_lock_order_inversion_keeps_both_edges),
        cmocka_unit_test(test_parse_thread_leak_keeps_creation_stack),
        cmocka_unit_test(test_parse_signal_unsafe_call_then_spoiled_errno),
        cmocka_unit_test(test_parse_signal_handler_spoils_errno),
        cmocka_unit_test(test_parse_three_mutex_misuses_in_one_log),
        cmocka_unit_test(test_parse_segv_as_deadly_signal),
        cmocka_unit_test(test_parse_cxx_frames_with_spaces_and_parentheses),
        cmocka_unit_test(test_parse_real_cpython_bytesio_races),
        cmocka_unit_test(test_failed_restore_stack_is_counted),
        cmocka_unit_test(test_truncated_report_is_marked_and_kept),
        cmocka_unit_test(test_program_output_between_report_lines_is_skipped),
        cmocka_unit_test(test_two_logs_mixed_line_by_line_keep_both_headers),
        cmocka_unit_test(test_garbage_is_skipped_and_real_reports_survive),
        cmocka_unit_test(test_unknown_header_is_kept_with_its_title),
        cmocka_unit_test(test_frames_of_every_shape_are_split),
        cmocka_unit_test(test_other_locations_and_named_threads),
        cmocka_unit_test(test_over_long_line_is_bounded),
        cmocka_unit_test(test_empty_input_gives_no_reports),
        cmocka_unit_test(test_parse_appends_to_an_existing_list),
        cmocka_unit_test(test_kind_names_are_stable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
