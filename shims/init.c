/* init.c - the library's constructor and the exit paths that write the stats file.
 *
 * The stats file is written by whichever exit path runs, the latest write winning (each
 * one is a complete file, renamed into place):
 *   - an atexit handler: runs before the sanitizer's own atexit finalisation, which ends the
 *     process with _exit (exit code 66) when TSan reported races, skipping destructors;
 *   - the library destructor: the last code to run at a normal exit, so the final counts;
 *   - the sanitizer death callback: TSan with halt_on_error dies without atexit;
 *   - the crash handler (crash.c), before the process dies of a signal. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>

#include "schedule.h"
#include "shim_internal.h"

static void init_atexit(void) {
    counters_write_configured("atexit");
}

static void init_sanitizer_death(void) {
    counters_write_configured("sanitizer_death");
}

bool shim_in_python;

/* In a child made by fork() without exec (os.fork, multiprocessing's fork start method) the
 * counters and paths are the parent's. The child starts counting from zero and writes its
 * stats only to a per-process path ("%p"): a plain path belongs to the parent, whose file a
 * child exiting first or last would otherwise overwrite. Anomaly and crash records are
 * appended, so the child keeps appending to the same files (or its own, with "%p"). */
static void init_after_fork_child(void) {
    counters_reset();
    config_after_fork();
    sched_after_fork();
}

__attribute__((constructor)) static void init_shim(void) {
    config_ensure_loaded();
    (void)thread_self();
    /* Everything the process loads at startup is mapped by now, so a libpython that will
     * ever be there is visible to RTLD_NEXT. */
    shim_in_python = dlsym(RTLD_NEXT, "_Py_Dealloc") != NULL;
    if (!shim_in_python) {
        return;
    }
    unwind_init();
    crash_install();
    pthread_atfork(NULL, NULL, init_after_fork_child);
    if (shim_cfg.stats_path[0] != '\0') {
        atexit(init_atexit);
        /* Present when a sanitizer runtime is linked into the process (TSan is linked into
         * the instrumented python executable); looked up so the shim needs no sanitizer. */
        void (*set_death_callback)(void (*)(void)) =
            (void (*)(void (*)(void)))dlsym(RTLD_DEFAULT, "__sanitizer_set_death_callback");
        if (set_death_callback != NULL) {
            set_death_callback(init_sanitizer_death);
        }
    }
}

__attribute__((destructor)) static void fini_shim(void) {
    if (shim_in_python) {
        counters_write_configured("destructor");
    }
}
