/* thread.c - per-thread state of the shim: index, noise PRNG, counter slot, signal stack.
 *
 * A thread gets its index at its first intercepted call (an atomic counter), which fixes
 * both its PRNG stream and its counter slot. The state lives in initial-exec TLS: the shim is
 * loaded at startup (LD_PRELOAD or DT_NEEDED), so glibc gives it static TLS and an access is
 * a single %fs-relative load, which also makes it usable from a signal handler. */
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

#include "shim_internal.h"

__thread struct shim_thread shim_tls __attribute__((tls_model("initial-exec")));

static _Atomic uint32_t next_index;
static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;

#define ALTSTACK_SIZE ((size_t)64 * 1024)

static void thread_exit(void *arg) {
    /* Runs at thread exit (pthread key destructor): drop the alternate stack we mapped, so
     * a program that churns through threads does not leak 64 KiB per thread. */
    struct shim_thread *t = &shim_tls;
    (void)arg;
    if (t->altstack != NULL) {
        stack_t ss = {.ss_flags = SS_DISABLE};
        stack_t cur;
        if (sigaltstack(NULL, &cur) == 0 && cur.ss_sp == t->altstack) {
            sigaltstack(&ss, NULL);
            munmap(t->altstack, ALTSTACK_SIZE);
        }
        t->altstack = NULL;
    }
}

static void exit_key_create(void) {
    pthread_key_create(&exit_key, thread_exit);
}

static uint32_t thread_take_index(struct shim_thread *t) {
    uint32_t index = atomic_fetch_add_explicit(&next_index, 1, memory_order_relaxed);
    t->index = index;
    t->slot = index < COUNTER_SLOTS ? &counters_slots[index] : NULL;
    return index;
}

void thread_init_slow(void) {
    struct shim_thread *t = &shim_tls;
    config_ensure_loaded();
    thread_take_index(t);
    t->prng = noise_thread_seed(shim_cfg.seed, t->index);
    t->ready = true;
    if (shim_cfg.crash_path[0] != '\0' && shim_in_python) {
        thread_ensure_altstack(t);
    }
}

void thread_ensure_altstack(struct shim_thread *t) {
    stack_t cur;
    if (sigaltstack(NULL, &cur) != 0 || !(cur.ss_flags & SS_DISABLE)) {
        return; /* the thread already has one (TSan's, Python's faulthandler's, ours) */
    }
    void *mem =
        mmap(NULL, ALTSTACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        return;
    }
    stack_t ss = {.ss_sp = mem, .ss_size = ALTSTACK_SIZE, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0) {
        munmap(mem, ALTSTACK_SIZE);
        return;
    }
    t->altstack = mem;
    pthread_once(&exit_key_once, exit_key_create);
    pthread_setspecific(exit_key, t);
}

uint32_t thread_index_signal_safe(void) {
    struct shim_thread *t = &shim_tls;
    if (!t->ready) {
        /* A thread that crashes before its first intercepted call still gets an index (the
         * rest of its state is set up by its next ordinary call, if any). */
        thread_take_index(t);
        t->prng = noise_thread_seed(shim_cfg.seed, t->index);
        t->ready = true;
    }
    return t->index;
}

uint32_t thread_count(void) {
    return atomic_load_explicit(&next_index, memory_order_relaxed);
}
