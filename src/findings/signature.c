/* signature.c - finding signatures; the rule is in signature.h. */
#include "signature.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Function names that are plumbing: how control reaches the code under test,
 * never the code itself. Exact names and prefixes. */
static const char *const plumbing_exact[] = {
    "thread_run",
    "pythread_wrapper",
    "start_thread",
    "clone",
    "clone3",
    "Py_RunMain",
    "Py_BytesMain",
    "Py_Main",
    "run_eval_code_obj",
    "run_mod",
    "PyEval_EvalCode",
    "method_vectorcall",
    "cfunction_call",
    "cfunction_vectorcall_O",
    "cfunction_vectorcall_NOARGS",
    "cfunction_vectorcall_FASTCALL",
    "cfunction_vectorcall_FASTCALL_KEYWORDS",
    "method_vectorcall_O",
    "method_vectorcall_NOARGS",
    "method_vectorcall_FASTCALL",
    "method_vectorcall_FASTCALL_KEYWORDS",
    "method_vectorcall_VARARGS",
    "method_vectorcall_VARARGS_KEYWORDS",
    "slot_tp_call",
    "wrapper_call",
    "wrapperdescr_call",
    "vectorcall_method",
    "vectorcall_unbound",
    "memcpy",
    "memmove",
    "memset",
    "memcmp",
    "bcmp",
    "strlen",
    "strcmp",
    "strncmp",
    "malloc",
    "calloc",
    "realloc",
    "free",
    "_Py_Dealloc",
    "_Py_DecRefShared",
    "_Py_DecRefSharedDebug",
    "_Py_MergeZeroLocalRefcount",
    "_Py_IncRef",
    "_Py_DecRef",
    "Py_IncRef",
    "Py_DecRef",
    "Py_INCREF",
    "Py_DECREF",
    "Py_XINCREF",
    "Py_XDECREF",
    "_Py_NewRef",
    "Py_NewRef",
    "_Py_XNewRef",
    "Py_XNewRef",
    "_Py_TryIncrefCompare",
    "_Py_TryXGetRef",
    "_Py_IsOwnedByCurrentThread",
    "_Py_ThreadId",
    "ffi_call",
    "ffi_call_int",
    "ffi_call_unix64",
    "_call_function_pointer",
    "_ctypes_callproc",
    "PyCFuncPtr_call",
};
static const char *const plumbing_prefix[] = {
    "_PyEval_",
    "PyEval_",
    "_PyObject_Vectorcall",
    "_PyObject_Call",
    "_PyObject_MakeTpCall",
    "PyObject_Call",
    "PyObject_Vectorcall",
    "_PyFunction_Vectorcall",
    "_PyVectorcall_",
    "PyVectorcall_",
    "_PyRun_",
    "PyRun_",
    "pymain_",
    "__tsan",
    "__interceptor_",
    "__sanitizer",
    "__libc_",
    "_Py_atomic_",
    "_PyThreadState_",
    "pthread_",
    "__pthread_",
    /* The allocator: a race on a buffer shows up inside realloc's memcpy, but
     * the code under test is the caller that resized it. */
    "_mi_",
    "mi_",
    "_PyObject_Mi",
    "_PyObject_Malloc",
    "_PyObject_Realloc",
    "_PyObject_Free",
    "PyObject_Malloc",
    "PyObject_Calloc",
    "PyObject_Realloc",
    "PyObject_Free",
    "PyMem_",
    "_PyMem_",
};

bool signature_isPlumbing(const char *function) {
    if (function == NULL || function[0] == '\0') {
        return true;
    }
    for (size_t i = 0; i < sizeof(plumbing_exact) / sizeof(plumbing_exact[0]); i++) {
        if (strcmp(function, plumbing_exact[i]) == 0) {
            return true;
        }
    }
    for (size_t i = 0; i < sizeof(plumbing_prefix) / sizeof(plumbing_prefix[0]); i++) {
        if (strncmp(function, plumbing_prefix[i], strlen(plumbing_prefix[i])) == 0) {
            return true;
        }
    }
    return false;
}

static const char *signature_baseName(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static char *signature_frameSite(const struct tsanreport_frame *f) {
    const char *where = f->file     ? signature_baseName(f->file)
                        : f->module ? signature_baseName(f->module)
                                    : "?";
    return util_asprintf("%s:%s", where, f->function ? f->function : "?");
}

char *signature_site(const struct tsanreport_stack *stack) {
    const struct tsanreport_frame *named = NULL;
    for (size_t i = 0; i < stack->count; i++) {
        const struct tsanreport_frame *f = &stack->frames[i];
        if (!signature_isPlumbing(f->function)) {
            return signature_frameSite(f);
        }
        if (named == NULL && f->function != NULL) {
            named = f;
        }
    }
    return named ? signature_frameSite(named) : util_asprintf("?");
}

/* The title with hex addresses and decimal numbers replaced, so "unlock of
 * an unlocked mutex (or by a wrong thread) (pid=12)" is one class of report. */
static char *signature_cleanTitle(const char *title) {
    char *out = malloc(strlen(title) + 1);
    size_t n = 0;
    for (const char *p = title; *p;) {
        if (p[0] == '0' && p[1] == 'x') {
            p += 2;
            while ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
                   (*p >= 'A' && *p <= 'F')) {
                p++;
            }
            out[n++] = '#';
        } else if (*p >= '0' && *p <= '9') {
            while (*p >= '0' && *p <= '9') {
                p++;
            }
            out[n++] = '#';
        } else if (*p == '(' && strncmp(p, "(pid=", 5) == 0) {
            while (*p && *p != ')') {
                p++;
            }
            p += *p == ')';
        } else {
            out[n++] = *p++;
        }
    }
    while (n > 0 && out[n - 1] == ' ') {
        n--;
    }
    out[n] = '\0';
    return out;
}

static int signature_compare(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "KIND:[TITLE:]SITE,SITE...", the sites sorted (and de-duplicated when
 * dedupe), so the order TSan printed them in does not matter. Frees sites. */
static char *signature_join(const char *kind, const char *title, char **sites, size_t n,
                            bool dedupe) {
    qsort(sites, n, sizeof(char *), signature_compare);
    char *sig = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&sig, &len);
    fprintf(out, "%s:", kind);
    if (title != NULL) {
        fprintf(out, "%s:", title);
    }
    for (size_t i = 0; i < n; i++) {
        if (!(dedupe && i > 0 && strcmp(sites[i], sites[i - 1]) == 0)) {
            fprintf(out, "%s%s", i > 0 ? "," : "", sites[i]);
        }
    }
    fclose(out);
    for (size_t i = 0; i < n; i++) {
        free(sites[i]);
    }
    return sig;
}

char *signature_ofReport(const struct tsanreport_report *r) {
    const char *kind = tsanreport_kindName(r->kind);
    char *sites[64];
    size_t n = 0;
    char *title = NULL;
    switch (r->kind) {
    case TSANREPORT_DATA_RACE:
    case TSANREPORT_HEAP_USE_AFTER_FREE:
        for (size_t i = 0; i < r->naccesses && n < 2; i++) {
            sites[n++] = signature_site(&r->accesses[i].stack);
        }
        while (n < 2) {
            sites[n++] = util_asprintf("?");
        }
        break;
    case TSANREPORT_LOCK_ORDER_INVERSION:
        for (size_t i = 0; i < r->nedges && n < 64; i++) {
            sites[n++] = signature_site(&r->edges[i].stack);
        }
        break;
    case TSANREPORT_THREAD_LEAK:
        sites[n++] = r->nthreads > 0 ? signature_site(&r->threads[0].stack) : util_asprintf("?");
        break;
    case TSANREPORT_SIGNAL_UNSAFE_CALL:
    case TSANREPORT_SIGNAL_SPOILS_ERRNO:
        sites[n++] = signature_site(&r->stack);
        break;
    case TSANREPORT_MUTEX_MISUSE:
    case TSANREPORT_DEADLY_SIGNAL:
    case TSANREPORT_UNKNOWN:
    default:
        title = signature_cleanTitle(r->title ? r->title : "");
        sites[n++] = signature_site(&r->stack);
        break;
    }
    char *sig = signature_join(kind, title, sites, n, r->kind == TSANREPORT_LOCK_ORDER_INVERSION);
    free(title);
    return sig;
}

void signature_id(const char *sig, char out[17]) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const unsigned char *p = (const unsigned char *)sig; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL;
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}
