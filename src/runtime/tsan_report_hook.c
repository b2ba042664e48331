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
 *
 * The hook runs inside TSan's report machinery, with TSan's own locks held:
 * calling any instrumented code from here (every function of libpython, and
 * the header's inline helpers if the compiler keeps them out of line) can
 * deadlock TSan when that code's function-entry tracing needs a new trace
 * part. So nothing here calls into the interpreter: the current thread state
 * is found by walking the runtime's thread list for this thread's id, frames
 * and code objects are read field by field, line numbers are decoded from the
 * code object's location table right here, and output goes out with one
 * raw write system call (TSan intercepts write(), memset() and friends). Nothing allocates or locks. Reads of other threads' structures
 * are racy by nature, as in faulthandler; this function is not instrumented,
 * so they are not reported. */
#include "pycore_frame.h"
#include "pycore_runtime.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define FTSTRESS_HOOK_MAX_FRAMES 48
#define FTSTRESS_HOOK_BUF 8192
/* disable_sanitizer_instrumentation: no_sanitize("thread") alone still traces
 * function entry and exit, and that tracing is what can deadlock. */
#define FTSTRESS_NO_SANITIZE __attribute__((disable_sanitizer_instrumentation, noinline))

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

FTSTRESS_NO_SANITIZE static void ftstress_hook_put(struct ftstress_hook_buf *b, const char *s,
                                                   size_t n) {
    for (size_t i = 0; i < n && b->len < sizeof(b->data); i++) {
        b->data[b->len++] = s[i];
    }
}

FTSTRESS_NO_SANITIZE static void ftstress_hook_putNumber(struct ftstress_hook_buf *b, long v) {
    char digits[24];
    int n = 0;
    unsigned long u = v < 0 ? (unsigned long)-v : (unsigned long)v;
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

/* A str object as ASCII ('?' for anything else), read from its compact
 * representation directly. */
FTSTRESS_NO_SANITIZE static void ftstress_hook_putStr(struct ftstress_hook_buf *b, PyObject *s) {
    if (s == NULL) {
        ftstress_hook_put(b, "???", 3);
        return;
    }
    PyASCIIObject *a = (PyASCIIObject *)s;
    if (!a->state.compact) {
        ftstress_hook_put(b, "???", 3);
        return;
    }
    Py_ssize_t n = a->length;
    unsigned kind = a->state.kind;
    const void *data = a->state.ascii ? (const void *)(a + 1)
                                      : (const void *)(((PyCompactUnicodeObject *)s) + 1);
    for (Py_ssize_t i = 0; i < n && i < 512; i++) {
        Py_UCS4 ch = kind == PyUnicode_1BYTE_KIND   ? ((const Py_UCS1 *)data)[i]
                     : kind == PyUnicode_2BYTE_KIND ? ((const Py_UCS2 *)data)[i]
                                                    : ((const Py_UCS4 *)data)[i];
        char c = ch >= 32 && ch < 127 ? (char)ch : '?';
        ftstress_hook_put(b, &c, 1);
    }
}

/* The location table's variable-length integers (Objects/locations.md). */
FTSTRESS_NO_SANITIZE static unsigned ftstress_hook_varint(const unsigned char **p,
                                                          const unsigned char *end) {
    unsigned v = 0, shift = 0;
    while (*p < end) {
        unsigned char c = *(*p)++;
        v |= (unsigned)(c & 63) << shift;
        shift += 6;
        if (!(c & 64) || shift > 30) {
            break;
        }
    }
    return v;
}

FTSTRESS_NO_SANITIZE static int ftstress_hook_svarint(const unsigned char **p,
                                                      const unsigned char *end) {
    unsigned v = ftstress_hook_varint(p, end);
    return (v & 1) ? -(int)(v >> 1) : (int)(v >> 1);
}

/* The source line of code unit `index` of code, decoded from co_linetable as
 * PyCode_Addr2Line would, without calling it. -1 when unknown. */
FTSTRESS_NO_SANITIZE static int ftstress_hook_line(PyCodeObject *code, long index) {
    PyBytesObject *table = (PyBytesObject *)code->co_linetable;
    if (table == NULL || index < 0) {
        return -1;
    }
    const unsigned char *p = (const unsigned char *)table->ob_sval;
    const unsigned char *end = p + ((PyVarObject *)table)->ob_size;
    int line = code->co_firstlineno;
    long addr = 0;
    while (p < end) {
        unsigned char first = *p++;
        int kind = (first >> 3) & 15;
        long length = (first & 7) + 1;
        int delta = 0;
        bool no_location = false;
        if (kind == 15) { /* no location */
            no_location = true;
        } else if (kind == 14) { /* long form */
            delta = ftstress_hook_svarint(&p, end);
            ftstress_hook_varint(&p, end); /* end line delta */
            ftstress_hook_varint(&p, end); /* start column */
            ftstress_hook_varint(&p, end); /* end column */
        } else if (kind == 13) { /* no column */
            delta = ftstress_hook_svarint(&p, end);
        } else if (kind >= 10) { /* one-line form */
            delta = kind - 10;
            p += 2;
        } else { /* short form */
            p += 1;
        }
        line += delta;
        if (index < addr + length) {
            return no_location ? -1 : line;
        }
        addr += length;
    }
    return -1;
}

/* This thread's state: the runtime's thread list searched for pthread_self(). */
FTSTRESS_NO_SANITIZE static PyThreadState *ftstress_hook_threadState(void) {
    unsigned long self = (unsigned long)pthread_self();
    for (PyInterpreterState *interp = _PyRuntime.interpreters.head; interp != NULL;
         interp = interp->next) {
        for (PyThreadState *ts = interp->threads.head; ts != NULL; ts = ts->next) {
            if (ts->thread_id == self) {
                return ts;
            }
        }
    }
    return NULL;
}

FTSTRESS_NO_SANITIZE void __tsan_on_report(const void *report) {
    (void)report;
    if (ftstress_hook_fd < 0) {
        return;
    }
    /* Not zero-initialised: that would be a memset, which TSan intercepts. */
    struct ftstress_hook_buf b;
    b.len = 0;
    ftstress_hook_put(&b, "report ", 7);
    ftstress_hook_putNumber(&b, (long)++ftstress_hook_seq);
    ftstress_hook_put(&b, " pid ", 5);
    ftstress_hook_putNumber(&b, (long)syscall(SYS_getpid));
    ftstress_hook_put(&b, "\n", 1);
    PyThreadState *ts = ftstress_hook_threadState();
    _PyInterpreterFrame *f = ts != NULL ? ts->current_frame : NULL;
    for (int depth = 0; f != NULL && depth < FTSTRESS_HOOK_MAX_FRAMES; f = f->previous) {
        if (f->owner == FRAME_OWNED_BY_CSTACK) {
            continue;
        }
        PyObject *executable = (PyObject *)f->f_executable;
        if (executable == NULL || Py_TYPE(executable) != &PyCode_Type) {
            continue;
        }
        PyCodeObject *code = (PyCodeObject *)executable;
        _Py_CODEUNIT *first = (_Py_CODEUNIT *)code->co_code_adaptive;
        /* A frame before its first RESUME has not really started (pycore_frame.h). */
        if (f->owner != FRAME_OWNED_BY_GENERATOR && f->instr_ptr < first + code->_co_firsttraceable) {
            continue;
        }
        ftstress_hook_put(&b, "  File \"", 8);
        ftstress_hook_putStr(&b, code->co_filename);
        ftstress_hook_put(&b, "\", line ", 8);
        ftstress_hook_putNumber(&b, ftstress_hook_line(code, (long)(f->instr_ptr - first)));
        ftstress_hook_put(&b, " in ", 4);
        ftstress_hook_putStr(&b, code->co_name);
        ftstress_hook_put(&b, "\n", 1);
        depth++;
    }
    ftstress_hook_put(&b, "end\n", 4);
    /* One write: records of concurrent processes sharing a file stay whole. A raw
     * system call, because TSan intercepts write(). */
    syscall(SYS_write, ftstress_hook_fd, b.data, b.len);
}
