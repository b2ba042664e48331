/* sched_child.c - a program linked against libftshim.so and the fake libpython that plays
 * one controlled-schedule scenario per run (the environment chooses the strategy), for
 * test_shim_sched. Usage: sched_child <scenario> [args]; prints what it observed on stdout
 * ("overlap=N order=TIDS" and the mean ns per step, for ci/bench-schedules) and exits 0; a deadlock
 * ends it by SIGALRM after 20 s. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capi.h"
#include "fakepy.h"
#include "ftshim.h"

#define MAX_THREADS 8
#define ROUNDS 5
#define MAX_ORDER 65536

static int nthreads, steps, work = 2000;
static _Atomic int running, overlap;
static char order[MAX_ORDER];
static _Atomic int norder;
static char obj_a[64], obj_b[64];
static int pipe_fds[2];

/* One step of a member: it must be alone between two switch points. */
static void step(int tid) {
    if (atomic_fetch_add(&running, 1) != 0) {
        atomic_fetch_add(&overlap, 1);
    }
    int i = atomic_fetch_add(&norder, 1);
    if (i < MAX_ORDER - 1) {
        order[i] = (char)('0' + tid);
    }
    /* a little work, so that threads running side by side would overlap */
    for (volatile int k = 0; k < work; k++) {
    }
    atomic_fetch_sub(&running, 1);
    PyList_Append((PyObject *)obj_a, (PyObject *)obj_b); /* a switch point */
}

/* members: every thread takes `steps` steps in each of ROUNDS rounds. */
static void *member(void *arg) {
    int tid = (int)(long)arg;
    ftshim_sched_enter(tid, nthreads);
    for (int r = 0; r < ROUNDS; r++) {
        if (r > 0) {
            ftshim_sched_gate();
        }
        for (int s = 0; s < steps; s++) {
            step(tid);
        }
    }
    ftshim_sched_leave();
    return NULL;
}

/* block: member 0 detaches and blocks on a pipe only member 1 writes, after its steps. */
static void *blocker(void *arg) {
    int tid = (int)(long)arg;
    ftshim_sched_enter(tid, 2);
    step(tid);
    if (tid == 0) {
        PyThreadState *ts = PyEval_SaveThread();
        char c;
        if (read(pipe_fds[0], &c, 1) != 1) {
            abort();
        }
        PyEval_RestoreThread(ts);
    } else {
        for (int s = 0; s < steps; s++) {
            step(tid);
        }
        if (write(pipe_fds[1], "x", 1) != 1) {
            abort();
        }
    }
    step(tid);
    ftshim_sched_leave();
    return NULL;
}

/* stuck: member 0 holds the turn for 300 ms without a switch point. */
static void *stuck(void *arg) {
    int tid = (int)(long)arg;
    ftshim_sched_enter(tid, 2);
    step(tid);
    struct timespec ts = {.tv_sec = 0, .tv_nsec = 300 * 1000 * 1000};
    nanosleep(&ts, NULL);
    step(tid);
    ftshim_sched_leave();
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: sched_child members|block|stuck [threads] [steps]\n");
        return 2;
    }
    alarm(20);
    nthreads = argc > 2 ? atoi(argv[2]) : 2;
    steps = argc > 3 ? atoi(argv[3]) : 20;
    work = argc > 4 ? atoi(argv[4]) : 2000;
    if (nthreads < 1 || nthreads > MAX_THREADS) {
        return 2;
    }
    void *(*body)(void *) = member;
    if (strcmp(argv[1], "block") == 0) {
        body = blocker;
        nthreads = 2;
        if (pipe(pipe_fds) != 0) {
            return 3;
        }
    } else if (strcmp(argv[1], "stuck") == 0) {
        body = stuck;
        nthreads = 2;
    } else if (strcmp(argv[1], "members") != 0) {
        return 2;
    }
    pthread_t t[MAX_THREADS];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < nthreads; i++) {
        pthread_create(&t[i], NULL, body, (void *)(long)i);
    }
    for (int i = 0; i < nthreads; i++) {
        pthread_join(t[i], NULL);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
    int total = atomic_load(&norder);
    printf("overlap=%d order=%s\nns_per_step=%.1f\n", atomic_load(&overlap), order,
           total > 0 ? ns / total : 0.0);
    return 0;
}
