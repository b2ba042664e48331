/* crash.c - records native crashes (SIGSEGV SIGBUS SIGFPE SIGILL SIGABRT) with the
 * crashing thread's stack, then lets the process die of the signal as it would have.
 *
 * Installed from the constructor when FTSTRESS_SHIM_CRASH names a file, before the
 * interpreter initialises: Python's faulthandler (and anything else installed later) chains
 * back to us when it is done, and we chain to whatever was there before us (TSan's deadly
 * signal handler, or the default action) by restoring it and re-raising. Everything in the
 * handler is async-signal-safe: fixed buffers, open/write/close/rename, libunwind's local
 * unwinder from the signal context, /proc/self/maps for modules. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "shim_internal.h"

static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
#define NCRASH (sizeof crash_signals / sizeof crash_signals[0])

static struct sigaction crash_previous[NCRASH];
static _Atomic int crash_writing; /* 1 while a thread writes a record */

#define CRASH_FRAMES 64

static void crash_write_record(int sig, void *ucontext) {
    static char buf[16384];
    struct fmt_buf b;
    uint32_t index = thread_index_signal_safe();

    /* The header goes out on its own first, and the stats file next: if unwinding a
     * smashed stack faults in turn, the file still says which signal killed which thread. */
    int fd = open(shim_cfg.crash_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    fmt_init(&b, buf, sizeof buf);
    fmt_str(&b, "crash signal=");
    fmt_u64(&b, (uint64_t)sig);
    fmt_str(&b, " thread=");
    fmt_u64(&b, index);
    fmt_char(&b, '\n');
    if (fd >= 0) {
        fmt_write_all(fd, buf, b.len);
    }

    char reason[24];
    struct fmt_buf rb;
    fmt_init(&rb, reason, sizeof reason - 1);
    fmt_str(&rb, "signal:");
    fmt_u64(&rb, (uint64_t)sig);
    reason[rb.len] = '\0';
    counters_write_configured(reason);

    if (fd >= 0) {
        fmt_init(&b, buf, sizeof buf - 1);
        unwind_format_signal(&b, ucontext, CRASH_FRAMES);
        buf[b.len++] = '\n';
        fmt_write_all(fd, buf, b.len);
        close(fd);
    }
}

static void crash_handler(int sig, siginfo_t *info, void *ucontext) {
    int saved_errno = errno;
    int expected = 0;
    if (atomic_compare_exchange_strong(&crash_writing, &expected, 1)) {
        crash_write_record(sig, ucontext);
        if (shim_cfg.crash_stop) {
            /* The runner takes every thread's stack from outside while the whole
             * process is stopped, then lets it go on dying (SIGCONT). */
            syscall(SYS_kill, getpid(), SIGSTOP);
            /* The stop is not immediate: kill returns first, and the kernel
             * stops this thread at its next interruption. Re-raising the
             * signal right away would let the process die before it ever
             * stops. Sleeping is that interruption; after SIGCONT the sleep
             * resumes for what is left of it. */
            struct timespec wait_for_stop = {.tv_sec = 0, .tv_nsec = 100000000};
            while (nanosleep(&wait_for_stop, &wait_for_stop) != 0 && errno == EINTR) {
            }
        }
        atomic_store(&crash_writing, 0);
    } else {
        /* Another thread is writing its record (or this one faulted inside the handler and
         * the kernel let it in again): give the writer a moment to finish before this
         * signal takes the process down. */
        for (int i = 0; i < 100 && atomic_load(&crash_writing) != 0; i++) {
            struct timespec ts = {.tv_sec = 0, .tv_nsec = 1000000};
            nanosleep(&ts, NULL);
        }
    }

    /* Chain: put back the handler we displaced, then make the signal happen again. A fault
     * (si_code > 0) recurs by itself when the faulting instruction is restarted; a signal
     * that was sent (raise, abort, kill: si_code <= 0) is sent again to this thread, and is
     * delivered to the restored handler as soon as ours returns. */
    for (size_t i = 0; i < NCRASH; i++) {
        if (crash_signals[i] == sig) {
            sigaction(sig, &crash_previous[i], NULL);
        }
    }
    if (info == NULL || info->si_code <= 0 || sig == SIGABRT) {
        syscall(SYS_tgkill, getpid(), (pid_t)syscall(SYS_gettid), sig);
    }
    errno = saved_errno;
}

void crash_install(void) {
    if (shim_cfg.crash_path[0] == '\0') {
        return;
    }
    thread_ensure_altstack(thread_self());
    for (size_t i = 0; i < NCRASH; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = crash_handler;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
        sigemptyset(&sa.sa_mask);
        if (sigaction(crash_signals[i], &sa, &crash_previous[i]) != 0) {
            /* keep the previous disposition: nothing to chain to, nothing installed */
            memset(&crash_previous[i], 0, sizeof crash_previous[i]);
            crash_previous[i].sa_handler = SIG_DFL;
        }
    }
}
