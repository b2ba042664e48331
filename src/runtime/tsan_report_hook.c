/* ftstress: ThreadSanitizer report hook, linked into the interpreter executable.
 *
 * The runtime build appends this file to Programs/python.c (tsan flavour only).
 * TSan calls __tsan_on_report after it printed each report; its default is a
 * weak symbol in the executable, so only the executable itself can override it
 * (a preloaded library cannot). For every printed report this writes the Python
 * stack of the thread that made the reported access to $FTSTRESS_PYSTACKS:
 *
 *   report SEQ pid PID
 *     File "path.py", line N in function
 *   end
 *
 * SEQ counts printed reports of this process from 1, in the order TSan printed
 * them, which is how ftstress pairs a record with its report in the TSan log.
 * Nothing here allocates or takes a lock: the hook runs inside TSan's report
 * machinery, possibly in the middle of an interpreter operation, so it only
 * reads the current thread's own frames and writes with write(2), like
 * faulthandler does. */
#include "pycore_frame.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FTSTRESS_HOOK_MAX_FRAMES 48
#define FTSTRESS_HOOK_BUF 8192

static int ftstress_hook_fd = -1;
static unsigned long ftstress_hook_seq;

/* The file is opened before main: at report time, opening could reenter TSan. */
__attribute__((constructor)) static void ftstress_hook_open(void) {
    const char *path = getenv("FTSTRESS_PYSTACKS");
    if (path != NULL && path[0] != '\0') {
        ftstress_hook_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    }
}

struct ftstress_hook_buf {
    char data[FTSTRESS_HOOK_BUF];
    size_t len;
};

__attribute__((no_sanitize("thread"))) static void ftstress_hook_put(struct ftstress_hook_buf *b,
                                                                      const char *s, size_t n) {
    if (n > sizeof(b->data) - b->len) {
        n = sizeof(b->data) - b->len;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

/* A str object as ASCII, '?' for anything else, without allocating. */
__attribute__((no_sanitize("thread"))) static void ftstress_hook_putStr(struct ftstress_hook_buf *b,
                                                                         PyObject *s) {
    if (s == NULL || !PyUnicode_Check(s)) {
        ftstress_hook_put(b, "???", 3);
        return;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    for (Py_ssize_t i = 0; i < n && i < 512; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        char c = ch >= 32 && ch < 127 ? (char)ch : '?';
        ftstress_hook_put(b, &c, 1);
    }
}

__attribute__((no_sanitize("thread"))) void __tsan_on_report(const void *report) {
    (void)report;
    if (ftstress_hook_fd < 0) {
        return;
    }
    struct ftstress_hook_buf b = {.len = 0};
    char line[96];
    int n = snprintf(line, sizeof(line), "report %lu pid %ld\n", ++ftstress_hook_seq,
                     (long)getpid());
    ftstress_hook_put(&b, line, (size_t)n);
    /* A thread inside a C call that released the interpreter (Py_BEGIN_ALLOW_THREADS)
     * is detached: it has no current thread state, but its frames stay in place
     * and the GIL-state key still names its thread state. */
    PyThreadState *ts = PyThreadState_GetUnchecked();
    if (ts == NULL) {
        ts = PyGILState_GetThisThreadState();
    }
    _PyInterpreterFrame *f = ts != NULL ? ts->current_frame : NULL;
    for (int depth = 0; f != NULL && depth < FTSTRESS_HOOK_MAX_FRAMES; f = f->previous) {
        if (f->owner == FRAME_OWNED_BY_CSTACK || _PyFrame_IsIncomplete(f)) {
            continue;
        }
        PyCodeObject *code = _PyFrame_GetCode(f);
        ftstress_hook_put(&b, "  File \"", 8);
        ftstress_hook_putStr(&b, code->co_filename);
        n = snprintf(line, sizeof(line), "\", line %d in ", PyUnstable_InterpreterFrame_GetLine(f));
        ftstress_hook_put(&b, line, (size_t)n);
        ftstress_hook_putStr(&b, code->co_name);
        ftstress_hook_put(&b, "\n", 1);
        depth++;
    }
    ftstress_hook_put(&b, "end\n", 4);
    /* One write: records of concurrent processes sharing a file stay whole. */
    ssize_t ignored = write(ftstress_hook_fd, b.data, b.len);
    (void)ignored;
}
