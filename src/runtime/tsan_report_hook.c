/* ftstress: ThreadSanitizer report hook, linked into the interpreter executable.
 *
 * The runtime build appends pyframe_decode.c and then this file to
 * Programs/python.c (tsan flavour only). TSan calls __tsan_on_report after it
 * printed each report; its default is a weak symbol in the executable, so only
 * the executable itself can override it (a preloaded library cannot). For
 * every printed report this writes the Python stack of the thread that made
 * the reported access to $FTSTRESS_PYSTACKS:
 *
 *   report SEQ pid PID
 *     File "path.py", line N in function
 *   end
 *
 * SEQ counts printed reports of this process from 1, in the order TSan printed
 * them, which is how ftstress pairs a record with its report in the TSan log.
 *
 * The hook runs inside TSan's report machinery, with TSan's own locks held:
 * calling any instrumented code from here (every function of libpython, and
 * the header's inline helpers if the compiler keeps them out of line) can
 * deadlock TSan when that code's function-entry tracing needs a new trace
 * part. So nothing here calls into the interpreter. The frames are read by
 * pyframe_decode.c from raw memory, laid out as the interpreter's own
 * _Py_DebugOffsets table (at the start of _PyRuntime) says, which makes the
 * same hook read 3.13, 3.14 and 3.15 frames: it finds the current thread
 * state in the runtime's thread list by this thread's id, follows the frames
 * and decodes line numbers from the code objects' location tables. Memory is
 * read with process_vm_readv on our own pid where the kernel allows it, so a
 * thread state freed meanwhile by an exiting thread fails a read instead of
 * crashing the process. Output goes out with one raw write system call (TSan
 * intercepts write(), memset() and friends). Nothing allocates or locks. Reads
 * of other threads' structures are racy by nature, as in faulthandler; this
 * code is not instrumented, so they are not reported.
 *
 * The table is read once, before main. When it cannot be used (an unknown
 * CPython version, say), one line saying why goes to the file at start-up,
 * outside any record, and records have no frames. */
#include "pyframe_decode.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define FTSTRESS_HOOK_MAX_FRAMES 48
#define FTSTRESS_HOOK_BUF 8192
/* disable_sanitizer_instrumentation: no_sanitize("thread") alone still traces
 * function entry and exit, and that tracing is what can deadlock. no_builtin:
 * no byte loop here may become a call to the intercepted memcpy. */
#define FTSTRESS_NO_SANITIZE                                                                       \
    __attribute__((disable_sanitizer_instrumentation, noinline, no_builtin))

/* _PyRuntime is exported by libpython but declared in no public header; only
 * its address is used, and its layout comes from the table it starts with. */
PyAPI_DATA(char) _PyRuntime[];

static int ftstress_hook_fd = -1;
static unsigned long ftstress_hook_seq;
static struct pyframe_layout ftstress_hook_layout;
static bool ftstress_hook_layoutOk;
static bool ftstress_hook_kernelReads; /* process_vm_readv works here */

struct ftstress_hook_buf {
    char data[FTSTRESS_HOOK_BUF];
    size_t len;
};

FTSTRESS_NO_SANITIZE static void ftstress_hook_put(struct ftstress_hook_buf *b, const char *s,
                                                   size_t n) {
    for (size_t i = 0; i < n && b->len < sizeof(b->data); i++) {
        b->data[b->len++] = s[i];
    }
}

FTSTRESS_NO_SANITIZE static void ftstress_hook_putNumber(struct ftstress_hook_buf *b, long v) {
    char digits[24];
    int n = 0;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0 && n < (int)sizeof(digits));
    if (v < 0) {
        ftstress_hook_put(b, "-", 1);
    }
    while (n > 0) {
        ftstress_hook_put(b, &digits[--n], 1);
    }
}

/* Plain loads, for where process_vm_readv is refused (a seccomp profile). */
FTSTRESS_NO_SANITIZE static bool ftstress_hook_readDirect(void *ctx, uint64_t addr, void *dst,
                                                          size_t n) {
    (void)ctx;
    const unsigned char *s = (const unsigned char *)(uintptr_t)addr;
    unsigned char *d = dst;
    for (size_t i = 0; i < n; i++) {
        d[i] = s[i];
    }
    return true;
}

/* Through the kernel, from this very process (ctx points at its pid): an
 * unmapped address fails with EFAULT instead of raising SIGSEGV. */
FTSTRESS_NO_SANITIZE static bool ftstress_hook_readKernel(void *ctx, uint64_t addr, void *dst,
                                                          size_t n) {
    struct iovec local, remote;
    local.iov_base = dst;
    local.iov_len = n;
    remote.iov_base = (void *)(uintptr_t)addr;
    remote.iov_len = n;
    return syscall(SYS_process_vm_readv, *(const long *)ctx, &local, 1UL, &remote, 1UL, 0UL) ==
           (long)n;
}

/* Before main: opening the file or parsing the table at report time could
 * reenter TSan. */
__attribute__((constructor)) static void ftstress_hook_open(void) {
    const char *path = getenv("FTSTRESS_PYSTACKS");
    if (path == NULL || path[0] == '\0') {
        return;
    }
    ftstress_hook_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (ftstress_hook_fd < 0) {
        return;
    }
    int saved_errno = errno;
    long pid = (long)getpid();
    char probe[8];
    ftstress_hook_kernelReads =
        ftstress_hook_readKernel(&pid, (uint64_t)(uintptr_t)_PyRuntime, probe, sizeof(probe));
    struct pyframe_reader direct = {ftstress_hook_readDirect, NULL};
    enum pyframe_status status =
        pyframe_layoutRead(&direct, (uint64_t)(uintptr_t)_PyRuntime,
                           (uint64_t)(uintptr_t)&PyCode_Type, &ftstress_hook_layout);
    ftstress_hook_layoutOk = status == PYFRAME_OK;
    if (!ftstress_hook_layoutOk) {
        char line[256];
        int n = snprintf(line, sizeof(line), "# pid %ld: no Python stacks: %s\n", pid,
                         pyframe_statusText(status));
        size_t len = n < 0 ? 0 : (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
        ssize_t written = write(ftstress_hook_fd, line, len);
        (void)written;
    }
    errno = saved_errno;
}

FTSTRESS_NO_SANITIZE void __tsan_on_report(const void *report) {
    (void)report;
    if (ftstress_hook_fd < 0) {
        return;
    }
    int saved_errno = errno; /* a refused read sets it; the program must not see that */
    /* Not zero-initialised: that would be a memset, which TSan intercepts. */
    struct ftstress_hook_buf b;
    b.len = 0;
    long pid = (long)syscall(SYS_getpid);
    ftstress_hook_put(&b, "report ", 7);
    ftstress_hook_putNumber(&b, (long)++ftstress_hook_seq);
    ftstress_hook_put(&b, " pid ", 5);
    ftstress_hook_putNumber(&b, pid);
    ftstress_hook_put(&b, "\n", 1);
    if (ftstress_hook_layoutOk) {
        struct pyframe_reader r;
        r.read = ftstress_hook_kernelReads ? ftstress_hook_readKernel : ftstress_hook_readDirect;
        r.ctx = &pid;
        uint64_t tstate;
        if (pyframe_findThread(&ftstress_hook_layout, &r, (uint64_t)(uintptr_t)_PyRuntime,
                               (uint64_t)pthread_self(), &tstate) == PYFRAME_OK) {
            /* Room is kept for the "end" line. */
            b.len += pyframe_writeStack(&ftstress_hook_layout, &r, tstate, FTSTRESS_HOOK_MAX_FRAMES,
                                        b.data + b.len, sizeof(b.data) - b.len - 4);
        }
    }
    ftstress_hook_put(&b, "end\n", 4);
    /* One write: records of concurrent processes sharing a file stay whole. A raw
     * system call, because TSan intercepts write(). */
    syscall(SYS_write, ftstress_hook_fd, b.data, b.len);
    errno = saved_errno;
}
