/* test_shim_sched.c - the shim's controlled scheduler (FTSTRESS_SCHEDULE=random|pct) on the
 * fake libpython, through sched_child: one member at a time between switch points, the
 * same seed gives the same schedule and another seed another one, a recorded schedule
 * replays (and a tampered one is reported diverged), a member that detaches gives its turn
 * away, the watchdog hands the turn on from a member that makes no progress, and free
 * leaves the threads alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "shim_test_util.h"

struct child {
    char *stdout_text; /* "overlap=N order=..." and anything else the child printed */
    char *schedule;    /* the schedule file, or NULL */
    int overlap;
    char order[65536];
};

static char *dir;

/* Runs sched_child scenario with FTSTRESS_SCHEDULE=strategy (NULL: unset) and the extra
 * environment entries (NULL-terminated), the schedule file written to <dir>/name. */
static void run(struct child *c, const char *strategy, const char *seed, const char *name,
                const char *scenario, const char *threads, const char *steps, ...) {
    memset(c, 0, sizeof(*c));
    char *sched_path = tu_path(dir, name);
    char e_strategy[64], e_seed[64], e_out[4200];
    snprintf(e_strategy, sizeof e_strategy, "FTSTRESS_SCHEDULE=%s", strategy ? strategy : "");
    snprintf(e_seed, sizeof e_seed, "FTSTRESS_SEED=%s", seed);
    snprintf(e_out, sizeof e_out, "FTSTRESS_SCHED_OUT=%s", sched_path);
    const char *env[12] = {e_strategy, e_seed, e_out};
    int n = 3;
    va_list ap;
    va_start(ap, steps);
    const char *e;
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start above
    while (n < 11 && (e = va_arg(ap, const char *)) != NULL) {
        env[n++] = e;
    }
    va_end(ap);
    const char *argv[] = {SCHED_CHILD, scenario, threads, steps, NULL};
    char *out = tu_path(dir, "out");
    int st = tu_run(argv, env, out);
    c->stdout_text = tu_read_file(out);
    if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
        print_message("sched_child %s ended with status 0x%x:\n%s\n", scenario, st,
                      c->stdout_text ? c->stdout_text : "");
    }
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_non_null(c->stdout_text);
    const char *o = strstr(c->stdout_text, "overlap=");
    assert_non_null(o);
    assert_int_equal(sscanf(o, "overlap=%d order=%65535s", &c->overlap, c->order), 2);
    c->schedule = tu_read_file(sched_path);
    free(out);
    free(sched_path);
}

static void child_free(struct child *c) {
    free(c->stdout_text);
    free(c->schedule);
}

static void test_one_member_at_a_time_under_random_and_pct(void **state) {
    const char *strategies[] = {"random", "pct"};
    for (int i = 0; i < 2; i++) {
        struct child c;
        run(&c, strategies[i], "7", "s", "members", "4", "50", NULL);
        assert_int_equal(c.overlap, 0);
        assert_int_equal(strlen(c.order), 4 * 50 * 5);
        assert_non_null(c.schedule);
        assert_true(tu_stats_u64(c.schedule, "decisions") > 0);
        assert_int_equal(tu_stats_u64(c.schedule, "watchdog"), 0);
        char v[16];
        assert_int_equal(tu_stats_str(c.schedule, "strategy", v, sizeof v), 0);
        assert_string_equal(v, strategies[i]);
        child_free(&c);
    }
}

static void test_same_seed_same_schedule_other_seed_other_one(void **state) {
    struct child a, b, other;
    run(&a, "random", "11", "a", "members", "3", "40", NULL);
    run(&b, "random", "11", "b", "members", "3", "40", NULL);
    run(&other, "random", "12", "c", "members", "3", "40", NULL);
    assert_string_equal(a.order, b.order);
    char ha[32], hb[32], hc[32];
    assert_int_equal(tu_stats_str(a.schedule, "hash", ha, sizeof ha), 0);
    assert_int_equal(tu_stats_str(b.schedule, "hash", hb, sizeof hb), 0);
    assert_int_equal(tu_stats_str(other.schedule, "hash", hc, sizeof hc), 0);
    assert_string_equal(ha, hb);
    assert_string_not_equal(ha, hc);
    assert_string_not_equal(a.order, other.order);
    child_free(&a);
    child_free(&b);
    child_free(&other);
}

/* Random switches often; pct d=1 never preempts: each round runs its members one after
 * the other (a block of 30 steps per member, 5 rounds, 2 members: at most 10 blocks). */
static void test_pct_depth_one_runs_rounds_serially(void **state) {
    struct child r, p;
    run(&r, "random", "3", "r", "members", "2", "30", NULL);
    run(&p, "pct", "3", "p", "members", "2", "30", "FTSTRESS_SCHED_DEPTH=1", NULL);
    int switches_r = 0, switches_p = 0;
    for (size_t i = 1; r.order[i]; i++) {
        switches_r += r.order[i] != r.order[i - 1];
    }
    for (size_t i = 1; p.order[i]; i++) {
        switches_p += p.order[i] != p.order[i - 1];
    }
    assert_true(switches_r > 50);
    assert_true(switches_p <= 9);
    child_free(&r);
    child_free(&p);
}

static void test_recorded_schedule_replays_and_tampered_one_diverges(void **state) {
    struct child rec, rep, bad;
    run(&rec, "random", "21", "rec", "members", "2", "40", NULL);
    char *rec_path = tu_path(dir, "rec");
    char *e_replay = malloc(strlen(rec_path) + 32);
    sprintf(e_replay, "FTSTRESS_SCHED_REPLAY=%s", rec_path);
    /* another seed: the choices come from the recording */
    run(&rep, "random", "999", "rep", "members", "2", "40", e_replay, NULL);
    assert_string_equal(rec.order, rep.order);
    assert_int_equal(tu_stats_u64(rep.schedule, "replay"), 1);
    assert_int_equal(tu_stats_u64(rep.schedule, "replay_diverged_at"), 0);
    char h1[32], h2[32];
    assert_int_equal(tu_stats_str(rec.schedule, "hash", h1, sizeof h1), 0);
    assert_int_equal(tu_stats_str(rep.schedule, "hash", h2, sizeof h2), 0);
    assert_string_equal(h1, h2);

    char *bad_path = tu_path(dir, "bad");
    FILE *f = fopen(bad_path, "w");
    assert_non_null(f);
    fputs("seq=1*3\n", f); /* far fewer decisions than the run takes */
    fclose(f);
    sprintf(e_replay, "FTSTRESS_SCHED_REPLAY=%s", bad_path);
    run(&bad, "random", "21", "bad-out", "members", "2", "40", e_replay, NULL);
    assert_int_equal(tu_stats_u64(bad.schedule, "replay_diverged_at"), 4);
    child_free(&rec);
    child_free(&rep);
    child_free(&bad);
    free(rec_path);
    free(bad_path);
    free(e_replay);
}

/* Member 0 blocks (detached) on what member 1 does: without the hand-off on
 * PyEval_SaveThread this would deadlock until the (one-minute) watchdog, and SIGALRM ends
 * the child after 20 s. */
static void test_detached_member_gives_its_turn_away(void **state) {
    const char *strategies[] = {"random", "pct"};
    for (int i = 0; i < 2; i++) {
        struct child c;
        run(&c, strategies[i], "5", "s", "block", "2", "10", "FTSTRESS_SCHED_WATCHDOG_MS=60000",
            NULL);
        assert_int_equal(c.overlap, 0);
        assert_int_equal(tu_stats_u64(c.schedule, "watchdog"), 0);
        child_free(&c);
    }
}

static void test_watchdog_hands_the_turn_on_from_a_stuck_member(void **state) {
    struct child c;
    run(&c, "pct", "5", "s", "stuck", "2", "1", "FTSTRESS_SCHED_WATCHDOG_MS=50", NULL);
    assert_true(tu_stats_u64(c.schedule, "watchdog") >= 1);
    child_free(&c);
}

static void test_free_leaves_the_threads_alone(void **state) {
    struct child c;
    run(&c, "free", "5", "free1", "members", "2", "10", NULL);
    assert_int_equal(strlen(c.order), 2 * 10 * 5);
    assert_null(c.schedule); /* no scheduler, no schedule file */
    child_free(&c);
    run(&c, "sometimes", "5", "free2", "members", "2", "10", NULL);
    assert_non_null(strstr(c.stdout_text, "ftshim: ignoring FTSTRESS_SCHEDULE=\"sometimes\""));
    assert_null(c.schedule);
    child_free(&c);
}

static int setup(void **state) {
    dir = tu_mkdtemp();
    return dir == NULL ? -1 : 0;
}

static int teardown(void **state) {
    tu_rmtree(dir);
    free(dir);
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_member_at_a_time_under_random_and_pct),
        cmocka_unit_test(test_same_seed_same_schedule_other_seed_other_one),
        cmocka_unit_test(test_pct_depth_one_runs_rounds_serially),
        cmocka_unit_test(test_recorded_schedule_replays_and_tampered_one_diverges),
        cmocka_unit_test(test_detached_member_gives_its_turn_away),
        cmocka_unit_test(test_watchdog_hands_the_turn_on_from_a_stuck_member),
        cmocka_unit_test(test_free_leaves_the_threads_alone),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
