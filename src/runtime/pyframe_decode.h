/* pyframe_decode.h - a thread's Python stack, read from raw interpreter memory.
 *
 * CPython 3.13+ starts its _PyRuntime with _Py_DebugOffsets, a table of the
 * offsets an out-of-process debugger needs (thread state, interpreter frame,
 * code object, str and bytes fields). The table's own field order changes with
 * each minor version (and is stable across a minor version's patch releases),
 * so this decoder knows, per minor version, where in the table each offset it
 * uses sits; everything else it reads from the table of the running
 * interpreter. What the table does not say is kept here per version, in one
 * place (pyframe_decode.c): the tag bits of a _PyStackRef, the first frame
 * owner that is not Python code, and where str's state bits sit.
 *
 * The decoder depends on no CPython header. It reads memory only through a
 * caller's read function, so the same code serves the report hook inside the
 * interpreter (src/runtime/tsan_report_hook.c, which appends this file to
 * Programs/python.c) and the unit test, which lays out synthetic memory as each
 * version lays it out (tests/unit/test_pyframe_decode.c).
 *
 * Everything on the report path (pyframe_findThread, pyframe_writeStack and
 * what they call) is uninstrumented, never allocates, locks, or calls libc, and
 * copies no structs (a struct copy can become a memcpy call, which TSan
 * intercepts); see the hook's comment for why. */
#ifndef FTSTRESS_PYFRAME_DECODE_H
#define FTSTRESS_PYFRAME_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Copies n bytes at addr into dst. Returns false when that memory cannot be
 * read; the decoder then stops following that pointer. */
typedef bool (*pyframe_readFn)(void *ctx, uint64_t addr, void *dst, size_t n);

struct pyframe_reader {
    pyframe_readFn read;
    void *ctx;
};

/* What the decoder needs of one interpreter: offsets from its _Py_DebugOffsets
 * plus the facts the table leaves out. Filled by pyframe_layoutRead. */
struct pyframe_layout {
    unsigned minor;     /* 13, 14 or 15 */
    bool free_threaded; /* the table's free_threaded flag */
    uint64_t code_type; /* address of PyCode_Type, given by the caller */
    /* _PyRuntimeState, PyInterpreterState, PyThreadState */
    uint64_t runtime_interpreters_head;
    uint64_t interp_next, interp_threads_head;
    uint64_t tstate_next, tstate_thread_id, tstate_current_frame;
    /* _PyInterpreterFrame; tlbc_index is 0 where there is none */
    uint64_t frame_previous, frame_executable, frame_instr_ptr, frame_owner, frame_tlbc_index;
    /* PyCodeObject; co_tlbc is 0 where there is none */
    uint64_t code_filename, code_name, code_linetable, code_firstlineno, code_adaptive, code_tlbc;
    /* PyObject, PyVarObject (as bytes' ob_size), bytes, str */
    uint64_t ob_type, var_size, bytes_sval;
    uint64_t str_state, str_length, str_ascii_data, str_compact_data;
    /* Not in the table, per version: */
    uint64_t executable_tags;  /* Py_TAG_BITS of f_executable (0: a plain pointer) */
    unsigned owner_not_python; /* owners from this value up are C entry frames */
    unsigned str_kind_shift;   /* first bit of str's state.kind */
};

enum pyframe_status {
    PYFRAME_OK = 0,
    PYFRAME_UNREADABLE,  /* the table, a thread state or a frame could not be read */
    PYFRAME_NO_COOKIE,   /* no "xdebugpy" cookie at the runtime address */
    PYFRAME_UNSUPPORTED, /* a CPython version this decoder has no table layout for */
    PYFRAME_BAD_TABLE,   /* the table's offsets do not fit its own struct sizes */
    PYFRAME_NO_THREAD,   /* no thread state with that thread id */
};

/* A short English description of status (a string constant). */
const char *pyframe_statusText(enum pyframe_status status);

/* Reads the _Py_DebugOffsets table at runtime_addr (the address of
 * _PyRuntime) and fills *layout from it. code_type is the address of
 * PyCode_Type in the same memory. 3.13 to 3.15 are known, release candidates
 * and final releases only (alphas and betas moved fields around). Not on the
 * report path: call it once, beforehand. */
enum pyframe_status pyframe_layoutRead(const struct pyframe_reader *r, uint64_t runtime_addr,
                                       uint64_t code_type, struct pyframe_layout *layout);

/* The thread state of the thread whose thread_id (pthread_self()) is
 * thread_id, searched in every interpreter's thread list, into *tstate. */
enum pyframe_status pyframe_findThread(const struct pyframe_layout *layout,
                                       const struct pyframe_reader *r, uint64_t runtime_addr,
                                       uint64_t thread_id, uint64_t *tstate);

/* Writes the Python stack of thread state tstate into buf, innermost frame
 * first, at most max_frames frames, one line each:
 *     File "path.py", line N in function\n
 * (two leading spaces; line -1 when unknown; characters outside printable
 * ASCII as '?'). Stops at cap bytes; no NUL is written. Returns the length. */
size_t pyframe_writeStack(const struct pyframe_layout *layout, const struct pyframe_reader *r,
                          uint64_t tstate, unsigned max_frames, char *buf, size_t cap);

/* The source line of code unit `index` of a code object whose location table
 * (co_linetable's bytes) is the `size` bytes at `table` and whose first line
 * is firstlineno, decoded as PyCode_Addr2Line does. -1 when unknown. */
int pyframe_lineAt(const struct pyframe_reader *r, uint64_t table, uint64_t size, int firstlineno,
                   long index);

#endif
