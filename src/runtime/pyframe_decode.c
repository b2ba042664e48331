/* pyframe_decode.c - a thread's Python stack from raw interpreter memory; see
 * pyframe_decode.h. The runtime build appends this file, after its header, to
 * Programs/python.c, so it must compile there too: no project header, no
 * CPython header, names prefixed pyframe_. */
#include "pyframe_decode.h"

#include <string.h>

/* The report path: not instrumented by TSan (function entry tracing included,
 * which no_sanitize("thread") alone would keep) and no builtins, so the
 * compiler turns no byte loop into a memcpy or memset call. */
#if defined(__clang__)
#define PYFRAME_REPORT_PATH __attribute__((disable_sanitizer_instrumentation, no_builtin))
#else
#define PYFRAME_REPORT_PATH
#endif

#define PYFRAME_MAX_INTERPRETERS 64
#define PYFRAME_MAX_THREADS 100000
#define PYFRAME_MAX_CHAIN 4096 /* frames followed, Python or not */
#define PYFRAME_MAX_STR 512

/* --- The table's field order, per minor version ---------------------------
 *
 * _Py_DebugOffsets is char cookie[8] followed by uint64_t fields only: the
 * version, the free_threaded flag, then one group of fields per structure.
 * These lists give every field of the table in its header's order (from
 * Include/internal/pycore_runtime.h of 3.13, pycore_debug_offsets.h of 3.14
 * and 3.15), so a field's position in the table is its index here plus one
 * word for the cookie. */

/* clang-format off */
static const char *const pyframe_table313[] = {
    "version", "free_threaded",
    "runtime_state.size", "runtime_state.finalizing", "runtime_state.interpreters_head",
    "interpreter_state.size", "interpreter_state.id", "interpreter_state.next",
    "interpreter_state.threads_head", "interpreter_state.gc", "interpreter_state.imports_modules",
    "interpreter_state.sysdict", "interpreter_state.builtins", "interpreter_state.ceval_gil",
    "interpreter_state.gil_runtime_state", "interpreter_state.gil_runtime_state_enabled",
    "interpreter_state.gil_runtime_state_locked", "interpreter_state.gil_runtime_state_holder",
    "thread_state.size", "thread_state.prev", "thread_state.next", "thread_state.interp",
    "thread_state.current_frame", "thread_state.thread_id", "thread_state.native_thread_id",
    "thread_state.datastack_chunk", "thread_state.status",
    "interpreter_frame.size", "interpreter_frame.previous", "interpreter_frame.executable",
    "interpreter_frame.instr_ptr", "interpreter_frame.localsplus", "interpreter_frame.owner",
    "code_object.size", "code_object.filename", "code_object.name", "code_object.qualname",
    "code_object.linetable", "code_object.firstlineno", "code_object.argcount",
    "code_object.localsplusnames", "code_object.localspluskinds", "code_object.co_code_adaptive",
    "pyobject.size", "pyobject.ob_type",
    "type_object.size", "type_object.tp_name", "type_object.tp_repr", "type_object.tp_flags",
    "tuple_object.size", "tuple_object.ob_item", "tuple_object.ob_size",
    "list_object.size", "list_object.ob_item", "list_object.ob_size",
    "dict_object.size", "dict_object.ma_keys", "dict_object.ma_values",
    "float_object.size", "float_object.ob_fval",
    "long_object.size", "long_object.lv_tag", "long_object.ob_digit",
    "bytes_object.size", "bytes_object.ob_size", "bytes_object.ob_sval",
    "unicode_object.size", "unicode_object.state", "unicode_object.length",
    "unicode_object.asciiobject_size",
    "gc.size", "gc.collecting",
};
/* clang-format on */

/* 3.14: the interpreter gains threads_main and two generation counters, the
 * frame stackpointer and tlbc_index, the code object co_tlbc; set_object comes
 * before dict_object; gen_object, llist_node and debugger_support follow gc. */
/* clang-format off */
static const char *const pyframe_table314[] = {
    "version", "free_threaded",
    "runtime_state.size", "runtime_state.finalizing", "runtime_state.interpreters_head",
    "interpreter_state.size", "interpreter_state.id", "interpreter_state.next",
    "interpreter_state.threads_head", "interpreter_state.threads_main", "interpreter_state.gc",
    "interpreter_state.imports_modules", "interpreter_state.sysdict", "interpreter_state.builtins",
    "interpreter_state.ceval_gil", "interpreter_state.gil_runtime_state",
    "interpreter_state.gil_runtime_state_enabled", "interpreter_state.gil_runtime_state_locked",
    "interpreter_state.gil_runtime_state_holder", "interpreter_state.code_object_generation",
    "interpreter_state.tlbc_generation",
    "thread_state.size", "thread_state.prev", "thread_state.next", "thread_state.interp",
    "thread_state.current_frame", "thread_state.thread_id", "thread_state.native_thread_id",
    "thread_state.datastack_chunk", "thread_state.status",
    "interpreter_frame.size", "interpreter_frame.previous", "interpreter_frame.executable",
    "interpreter_frame.instr_ptr", "interpreter_frame.localsplus", "interpreter_frame.owner",
    "interpreter_frame.stackpointer", "interpreter_frame.tlbc_index",
    "code_object.size", "code_object.filename", "code_object.name", "code_object.qualname",
    "code_object.linetable", "code_object.firstlineno", "code_object.argcount",
    "code_object.localsplusnames", "code_object.localspluskinds", "code_object.co_code_adaptive",
    "code_object.co_tlbc",
    "pyobject.size", "pyobject.ob_type",
    "type_object.size", "type_object.tp_name", "type_object.tp_repr", "type_object.tp_flags",
    "tuple_object.size", "tuple_object.ob_item", "tuple_object.ob_size",
    "list_object.size", "list_object.ob_item", "list_object.ob_size",
    "set_object.size", "set_object.used", "set_object.table", "set_object.mask",
    "dict_object.size", "dict_object.ma_keys", "dict_object.ma_values",
    "float_object.size", "float_object.ob_fval",
    "long_object.size", "long_object.lv_tag", "long_object.ob_digit",
    "bytes_object.size", "bytes_object.ob_size", "bytes_object.ob_sval",
    "unicode_object.size", "unicode_object.state", "unicode_object.length",
    "unicode_object.asciiobject_size",
    "gc.size", "gc.collecting",
    "gen_object.size", "gen_object.gi_name", "gen_object.gi_iframe", "gen_object.gi_frame_state",
    "llist_node.next", "llist_node.prev",
    "debugger_support.eval_breaker", "debugger_support.remote_debugger_support",
    "debugger_support.remote_debugging_enabled", "debugger_support.debugger_pending_call",
    "debugger_support.debugger_script_path", "debugger_support.debugger_script_path_size",
};
/* clang-format on */

/* 3.15: the thread state gains base_frame, the profiler's last frame and its
 * sequence number, GIL and exception fields (so thread_id moves), err_stackitem
 * follows it; the type object gains two fields and heap_type_object follows;
 * str publishes sizeof(PyCompactUnicodeObject); gc gains three fields. */
/* clang-format off */
static const char *const pyframe_table315[] = {
    "version", "free_threaded",
    "runtime_state.size", "runtime_state.finalizing", "runtime_state.interpreters_head",
    "interpreter_state.size", "interpreter_state.id", "interpreter_state.next",
    "interpreter_state.threads_head", "interpreter_state.threads_main", "interpreter_state.gc",
    "interpreter_state.imports_modules", "interpreter_state.sysdict", "interpreter_state.builtins",
    "interpreter_state.ceval_gil", "interpreter_state.gil_runtime_state",
    "interpreter_state.gil_runtime_state_enabled", "interpreter_state.gil_runtime_state_locked",
    "interpreter_state.gil_runtime_state_holder", "interpreter_state.code_object_generation",
    "interpreter_state.tlbc_generation",
    "thread_state.size", "thread_state.prev", "thread_state.next", "thread_state.interp",
    "thread_state.current_frame", "thread_state.base_frame", "thread_state.last_profiled_frame",
    "thread_state.last_profiled_frame_seq", "thread_state.thread_id",
    "thread_state.native_thread_id", "thread_state.datastack_chunk", "thread_state.status",
    "thread_state.holds_gil", "thread_state.gil_requested", "thread_state.current_exception",
    "thread_state.exc_state",
    "err_stackitem.exc_value",
    "interpreter_frame.size", "interpreter_frame.previous", "interpreter_frame.executable",
    "interpreter_frame.instr_ptr", "interpreter_frame.localsplus", "interpreter_frame.owner",
    "interpreter_frame.stackpointer", "interpreter_frame.tlbc_index",
    "code_object.size", "code_object.filename", "code_object.name", "code_object.qualname",
    "code_object.linetable", "code_object.firstlineno", "code_object.argcount",
    "code_object.localsplusnames", "code_object.localspluskinds", "code_object.co_code_adaptive",
    "code_object.co_tlbc",
    "pyobject.size", "pyobject.ob_type",
    "type_object.size", "type_object.tp_name", "type_object.tp_repr", "type_object.tp_flags",
    "type_object.tp_basicsize", "type_object.tp_dictoffset",
    "heap_type_object.size", "heap_type_object.ht_cached_keys",
    "tuple_object.size", "tuple_object.ob_item", "tuple_object.ob_size",
    "list_object.size", "list_object.ob_item", "list_object.ob_size",
    "set_object.size", "set_object.used", "set_object.table", "set_object.mask",
    "dict_object.size", "dict_object.ma_keys", "dict_object.ma_values",
    "float_object.size", "float_object.ob_fval",
    "long_object.size", "long_object.lv_tag", "long_object.ob_digit",
    "bytes_object.size", "bytes_object.ob_size", "bytes_object.ob_sval",
    "unicode_object.size", "unicode_object.state", "unicode_object.length",
    "unicode_object.asciiobject_size", "unicode_object.compactunicodeobject_size",
    "gc.size", "gc.collecting", "gc.frame", "gc.generation_stats_size", "gc.generation_stats",
    "gen_object.size", "gen_object.gi_name", "gen_object.gi_iframe", "gen_object.gi_frame_state",
    "llist_node.next", "llist_node.prev",
    "debugger_support.eval_breaker", "debugger_support.remote_debugger_support",
    "debugger_support.remote_debugging_enabled", "debugger_support.debugger_pending_call",
    "debugger_support.debugger_script_path", "debugger_support.debugger_script_path_size",
};
/* clang-format on */

#define PYFRAME_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define PYFRAME_TABLE_WORDS 160 /* above the longest list, plus the cookie */

struct pyframe_table {
    const char *const *names;
    size_t count;
    uint64_t words[PYFRAME_TABLE_WORDS]; /* the table after the cookie */
    bool missing;                        /* a name asked for is not in the list */
};

static uint64_t pyframe_field(struct pyframe_table *t, const char *name) {
    for (size_t i = 0; i < t->count; i++) {
        if (strcmp(t->names[i], name) == 0) {
            return t->words[i];
        }
    }
    t->missing = true;
    return 0;
}

const char *pyframe_statusText(enum pyframe_status status) {
    switch (status) {
    case PYFRAME_OK:
        return "ok";
    case PYFRAME_UNREADABLE:
        return "interpreter memory could not be read";
    case PYFRAME_NO_COOKIE:
        return "no _Py_DebugOffsets cookie at _PyRuntime";
    case PYFRAME_UNSUPPORTED:
        return "no _Py_DebugOffsets layout known for this CPython version (3.13 to 3.15, rc or "
               "final)";
    case PYFRAME_BAD_TABLE:
        return "the _Py_DebugOffsets offsets do not fit their own struct sizes";
    case PYFRAME_NO_THREAD:
        return "no thread state for this thread";
    }
    return "unknown status";
}

/* Every offset used lies inside its struct, whose size the table also gives. */
static bool pyframe_layoutFits(const struct pyframe_layout *l, struct pyframe_table *t) {
    uint64_t runtime = pyframe_field(t, "runtime_state.size");
    uint64_t interp = pyframe_field(t, "interpreter_state.size");
    uint64_t tstate = pyframe_field(t, "thread_state.size");
    uint64_t frame = pyframe_field(t, "interpreter_frame.size");
    uint64_t code = pyframe_field(t, "code_object.size");
    uint64_t object = pyframe_field(t, "pyobject.size");
    uint64_t bytes = pyframe_field(t, "bytes_object.size");
    uint64_t limit = (uint64_t)1 << 20;
    if (runtime >= limit || interp >= limit || tstate >= limit || frame >= limit || code >= limit) {
        return false;
    }
    return l->runtime_interpreters_head + 8 <= runtime && l->interp_next + 8 <= interp &&
           l->interp_threads_head + 8 <= interp && l->tstate_next + 8 <= tstate &&
           l->tstate_thread_id + 8 <= tstate && l->tstate_current_frame + 8 <= tstate &&
           l->frame_previous + 8 <= frame && l->frame_executable + 8 <= frame &&
           l->frame_instr_ptr + 8 <= frame && l->frame_owner + 1 <= frame &&
           l->frame_tlbc_index + 4 <= frame && l->code_filename + 8 <= code &&
           l->code_name + 8 <= code && l->code_linetable + 8 <= code &&
           l->code_firstlineno + 4 <= code && l->code_adaptive <= code &&
           l->code_tlbc + 8 <= code && l->ob_type + 8 <= object && l->var_size + 8 <= bytes &&
           l->bytes_sval <= bytes && l->str_state + 4 <= l->str_ascii_data &&
           l->str_length + 8 <= l->str_ascii_data && l->str_ascii_data < l->str_compact_data;
}

enum pyframe_status pyframe_layoutRead(const struct pyframe_reader *r, uint64_t runtime_addr,
                                       uint64_t code_type, struct pyframe_layout *layout) {
    memset(layout, 0, sizeof(*layout));
    char cookie[8];
    uint64_t version;
    if (!r->read(r->ctx, runtime_addr, cookie, sizeof(cookie)) ||
        !r->read(r->ctx, runtime_addr + 8, &version, sizeof(version))) {
        return PYFRAME_UNREADABLE;
    }
    if (memcmp(cookie, "xdebugpy", 8) != 0) {
        return PYFRAME_NO_COOKIE;
    }
    /* PY_VERSION_HEX: major, minor, micro, then level (0xC rc, 0xF final). */
    unsigned major = (unsigned)(version >> 24) & 0xff, minor = (unsigned)(version >> 16) & 0xff;
    unsigned level = (unsigned)(version >> 4) & 0xf;
    struct pyframe_table t;
    memset(&t, 0, sizeof(t));
    if (major != 3 || level < 0xc) {
        return PYFRAME_UNSUPPORTED;
    } else if (minor == 13) {
        t.names = pyframe_table313, t.count = PYFRAME_COUNT(pyframe_table313);
    } else if (minor == 14) {
        t.names = pyframe_table314, t.count = PYFRAME_COUNT(pyframe_table314);
    } else if (minor == 15) {
        t.names = pyframe_table315, t.count = PYFRAME_COUNT(pyframe_table315);
    } else {
        return PYFRAME_UNSUPPORTED;
    }
    if (!r->read(r->ctx, runtime_addr + 8, t.words, t.count * sizeof(uint64_t))) {
        return PYFRAME_UNREADABLE;
    }
    layout->minor = minor;
    layout->free_threaded = pyframe_field(&t, "free_threaded") != 0;
    layout->code_type = code_type;
    layout->runtime_interpreters_head = pyframe_field(&t, "runtime_state.interpreters_head");
    layout->interp_next = pyframe_field(&t, "interpreter_state.next");
    layout->interp_threads_head = pyframe_field(&t, "interpreter_state.threads_head");
    layout->tstate_next = pyframe_field(&t, "thread_state.next");
    layout->tstate_thread_id = pyframe_field(&t, "thread_state.thread_id");
    layout->tstate_current_frame = pyframe_field(&t, "thread_state.current_frame");
    layout->frame_previous = pyframe_field(&t, "interpreter_frame.previous");
    layout->frame_executable = pyframe_field(&t, "interpreter_frame.executable");
    layout->frame_instr_ptr = pyframe_field(&t, "interpreter_frame.instr_ptr");
    layout->frame_owner = pyframe_field(&t, "interpreter_frame.owner");
    layout->code_filename = pyframe_field(&t, "code_object.filename");
    layout->code_name = pyframe_field(&t, "code_object.name");
    layout->code_linetable = pyframe_field(&t, "code_object.linetable");
    layout->code_firstlineno = pyframe_field(&t, "code_object.firstlineno");
    layout->code_adaptive = pyframe_field(&t, "code_object.co_code_adaptive");
    layout->ob_type = pyframe_field(&t, "pyobject.ob_type");
    layout->var_size = pyframe_field(&t, "bytes_object.ob_size");
    layout->bytes_sval = pyframe_field(&t, "bytes_object.ob_sval");
    layout->str_state = pyframe_field(&t, "unicode_object.state");
    layout->str_length = pyframe_field(&t, "unicode_object.length");
    layout->str_ascii_data = pyframe_field(&t, "unicode_object.asciiobject_size");
    /* PyCompactUnicodeObject adds utf8_length and utf8 to PyASCIIObject. */
    layout->str_compact_data = layout->str_ascii_data + 16;
    /* FRAME_OWNED_BY_CSTACK is 3 on 3.13; 3.14 put the C entry frame on
     * FRAME_OWNED_BY_INTERPRETER (3) and moved CSTACK to 4; 3.15 dropped CSTACK. */
    layout->owner_not_python = 3;
    /* str's state: interned:2 then kind:3 in a 32-bit bitfield, except on
     * 3.14+ free-threaded builds, where interned is a whole byte (it is
     * accessed atomically), so kind starts at bit 8. */
    layout->str_kind_shift = minor >= 14 && layout->free_threaded ? 8 : 2;
    if (minor >= 14) {
        /* Thread-local bytecode: 0 in the table when the build has none. */
        layout->frame_tlbc_index = pyframe_field(&t, "interpreter_frame.tlbc_index");
        layout->code_tlbc = pyframe_field(&t, "code_object.co_tlbc");
        /* f_executable is a _PyStackRef: Py_TAG_BITS is 1 on 3.14's
         * free-threaded build (Py_TAG_DEFERRED), 3 on its default build and on
         * both builds of 3.15. */
        layout->executable_tags = minor == 14 && layout->free_threaded ? 1 : 3;
    }
    if (minor >= 15) {
        layout->str_compact_data = pyframe_field(&t, "unicode_object.compactunicodeobject_size");
    }
    if (t.missing) {
        return PYFRAME_BAD_TABLE; /* a list above lacks a field this code asks for */
    }
    return pyframe_layoutFits(layout, &t) ? PYFRAME_OK : PYFRAME_BAD_TABLE;
}

/* --- The report path ------------------------------------------------------ */

PYFRAME_REPORT_PATH static bool pyframe_readWord(const struct pyframe_reader *r, uint64_t addr,
                                                 uint64_t *v) {
    return addr >= 4096 && r->read(r->ctx, addr, v, sizeof(*v));
}

PYFRAME_REPORT_PATH static bool pyframe_readU32(const struct pyframe_reader *r, uint64_t addr,
                                                uint32_t *v) {
    return addr >= 4096 && r->read(r->ctx, addr, v, sizeof(*v));
}

PYFRAME_REPORT_PATH enum pyframe_status pyframe_findThread(const struct pyframe_layout *l,
                                                           const struct pyframe_reader *r,
                                                           uint64_t runtime_addr,
                                                           uint64_t thread_id, uint64_t *tstate) {
    uint64_t interp;
    if (!pyframe_readWord(r, runtime_addr + l->runtime_interpreters_head, &interp)) {
        return PYFRAME_UNREADABLE;
    }
    for (int i = 0; interp != 0 && i < PYFRAME_MAX_INTERPRETERS; i++) {
        uint64_t ts;
        if (!pyframe_readWord(r, interp + l->interp_threads_head, &ts)) {
            return PYFRAME_UNREADABLE;
        }
        for (long n = 0; ts != 0 && n < PYFRAME_MAX_THREADS; n++) {
            uint64_t id;
            if (!pyframe_readWord(r, ts + l->tstate_thread_id, &id)) {
                return PYFRAME_UNREADABLE;
            }
            if (id == thread_id) {
                *tstate = ts;
                return PYFRAME_OK;
            }
            if (!pyframe_readWord(r, ts + l->tstate_next, &ts)) {
                return PYFRAME_UNREADABLE;
            }
        }
        if (!pyframe_readWord(r, interp + l->interp_next, &interp)) {
            return PYFRAME_UNREADABLE;
        }
    }
    return PYFRAME_NO_THREAD;
}

struct pyframe_out {
    char *buf;
    size_t cap, len;
};

PYFRAME_REPORT_PATH static void pyframe_put(struct pyframe_out *o, const char *s) {
    for (; *s != '\0' && o->len < o->cap; s++) {
        o->buf[o->len++] = *s;
    }
}

PYFRAME_REPORT_PATH static void pyframe_putNumber(struct pyframe_out *o, long v) {
    char digits[24];
    int n = 0;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0 && n < (int)sizeof(digits));
    if (v < 0) {
        pyframe_put(o, "-");
    }
    while (n > 0 && o->len < o->cap) {
        o->buf[o->len++] = digits[--n];
    }
}

/* A str object, from its compact representation, as printable ASCII. */
PYFRAME_REPORT_PATH static void pyframe_putStr(struct pyframe_out *o,
                                               const struct pyframe_layout *l,
                                               const struct pyframe_reader *r, uint64_t str) {
    uint32_t state;
    uint64_t length;
    if (!pyframe_readU32(r, str + l->str_state, &state) ||
        !pyframe_readWord(r, str + l->str_length, &length)) {
        pyframe_put(o, "???");
        return;
    }
    unsigned kind = (state >> l->str_kind_shift) & 7;
    bool compact = (state >> (l->str_kind_shift + 3)) & 1;
    bool ascii = (state >> (l->str_kind_shift + 4)) & 1;
    if (!compact || (kind != 1 && kind != 2 && kind != 4)) {
        pyframe_put(o, "???");
        return;
    }
    uint64_t data = str + (ascii ? l->str_ascii_data : l->str_compact_data);
    size_t n = length < PYFRAME_MAX_STR ? (size_t)length : PYFRAME_MAX_STR;
    unsigned char chars[PYFRAME_MAX_STR * 4];
    if (n > 0 && !r->read(r->ctx, data, chars, n * kind)) {
        pyframe_put(o, "???");
        return;
    }
    for (size_t i = 0; i < n && o->len < o->cap; i++) {
        uint32_t ch = chars[i * kind];
        if (kind >= 2) {
            ch |= (uint32_t)chars[i * kind + 1] << 8;
        }
        if (kind == 4) {
            ch |= (uint32_t)chars[i * kind + 2] << 16 | (uint32_t)chars[i * kind + 3] << 24;
        }
        o->buf[o->len++] = ch >= 32 && ch < 127 ? (char)ch : '?';
    }
}

/* The location table, read through the reader a chunk at a time. */
struct pyframe_cursor {
    const struct pyframe_reader *r;
    uint64_t at, end;
    unsigned char chunk[256];
    size_t pos, len;
};

PYFRAME_REPORT_PATH static bool pyframe_byte(struct pyframe_cursor *c, unsigned char *b) {
    if (c->pos == c->len) {
        if (c->at >= c->end) {
            return false;
        }
        uint64_t n = c->end - c->at < sizeof(c->chunk) ? c->end - c->at : sizeof(c->chunk);
        if (!c->r->read(c->r->ctx, c->at, c->chunk, (size_t)n)) {
            c->end = c->at;
            return false;
        }
        c->at += n, c->pos = 0, c->len = (size_t)n;
    }
    *b = c->chunk[c->pos++];
    return true;
}

/* The table's variable-length integers: 6 bits a byte, bit 6 continues. */
PYFRAME_REPORT_PATH static unsigned pyframe_varint(struct pyframe_cursor *c) {
    unsigned v = 0, shift = 0;
    unsigned char b;
    while (pyframe_byte(c, &b)) {
        v |= (unsigned)(b & 63) << shift;
        shift += 6;
        if (!(b & 64) || shift > 30) {
            break;
        }
    }
    return v;
}

PYFRAME_REPORT_PATH static int pyframe_svarint(struct pyframe_cursor *c) {
    unsigned v = pyframe_varint(c);
    return (v & 1) ? -(int)(v >> 1) : (int)(v >> 1);
}

PYFRAME_REPORT_PATH int pyframe_lineAt(const struct pyframe_reader *r, uint64_t table,
                                       uint64_t size, int firstlineno, long index) {
    if (index < 0 || table < 4096) {
        return -1;
    }
    struct pyframe_cursor c;
    c.r = r, c.at = table, c.end = table + size, c.pos = 0, c.len = 0;
    int line = firstlineno;
    long addr = 0;
    unsigned char first;
    /* Each entry: a byte with bit 7 set, its code in bits 3-6 and its length
     * in code units less one in bits 0-2, then what the code says. */
    while (pyframe_byte(&c, &first)) {
        int code = (first >> 3) & 15;
        long length = (first & 7) + 1;
        int delta = 0;
        unsigned char skip;
        if (code == 14) { /* long form: line delta, end line, start and end column */
            delta = pyframe_svarint(&c);
            pyframe_varint(&c);
            pyframe_varint(&c);
            pyframe_varint(&c);
        } else if (code == 13) { /* no column */
            delta = pyframe_svarint(&c);
        } else if (code >= 10 && code <= 12) { /* one-line form: delta, two columns */
            delta = code - 10;
            pyframe_byte(&c, &skip);
            pyframe_byte(&c, &skip);
        } else if (code < 10) { /* short form: one column byte, same line */
            pyframe_byte(&c, &skip);
        }
        line += delta;
        if (index < addr + length) {
            return code == 15 ? -1 : line; /* 15: no location */
        }
        addr += length;
    }
    return -1;
}

/* Where the bytecode that instr_ptr points into starts: the code object's own
 * copy, or on free-threaded 3.14+ the thread-local copy the frame runs
 * (co_tlbc, a { Py_ssize_t size; char *entries[]; } array, at tlbc_index). */
PYFRAME_REPORT_PATH static uint64_t pyframe_bytecode(const struct pyframe_layout *l,
                                                     const struct pyframe_reader *r, uint64_t frame,
                                                     uint64_t code) {
    uint64_t base = code + l->code_adaptive;
    uint32_t index;
    uint64_t tlbc, count, entry;
    if (l->frame_tlbc_index == 0 || l->code_tlbc == 0 ||
        !pyframe_readU32(r, frame + l->frame_tlbc_index, &index) ||
        !pyframe_readWord(r, code + l->code_tlbc, &tlbc) || !pyframe_readWord(r, tlbc, &count) ||
        (int32_t)index < 0 || index >= count ||
        !pyframe_readWord(r, tlbc + 8 + 8 * (uint64_t)index, &entry) || entry == 0) {
        return base;
    }
    return entry;
}

/* Writes one frame's line if it is a Python frame with a code object. */
PYFRAME_REPORT_PATH static bool pyframe_writeFrame(struct pyframe_out *o,
                                                   const struct pyframe_layout *l,
                                                   const struct pyframe_reader *r, uint64_t frame) {
    unsigned char owner;
    uint64_t code, type, instr, units, filename, name, table, table_size;
    uint32_t firstlineno;
    if (!r->read(r->ctx, frame + l->frame_owner, &owner, 1) || owner >= l->owner_not_python ||
        !pyframe_readWord(r, frame + l->frame_executable, &code)) {
        return false;
    }
    code &= ~l->executable_tags;
    /* None (the executable of 3.13+'s entry frames) or anything not code. */
    if (!pyframe_readWord(r, code + l->ob_type, &type) || type != l->code_type ||
        !pyframe_readWord(r, frame + l->frame_instr_ptr, &instr) ||
        !pyframe_readWord(r, code + l->code_filename, &filename) ||
        !pyframe_readWord(r, code + l->code_name, &name) ||
        !pyframe_readU32(r, code + l->code_firstlineno, &firstlineno)) {
        return false;
    }
    /* The code unit index of the current instruction, within the code's
     * length (a code object's ob_size counts its code units). */
    uint64_t base = pyframe_bytecode(l, r, frame, code);
    long index = -1;
    if (instr >= base && pyframe_readWord(r, code + l->var_size, &units) &&
        (instr - base) / 2 < units) {
        index = (long)((instr - base) / 2);
    }
    int line = -1;
    if (pyframe_readWord(r, code + l->code_linetable, &table) &&
        pyframe_readWord(r, table + l->var_size, &table_size)) {
        line = pyframe_lineAt(r, table + l->bytes_sval, table_size, (int)firstlineno, index);
    }
    pyframe_put(o, "  File \"");
    pyframe_putStr(o, l, r, filename);
    pyframe_put(o, "\", line ");
    pyframe_putNumber(o, line);
    pyframe_put(o, " in ");
    pyframe_putStr(o, l, r, name);
    pyframe_put(o, "\n");
    return true;
}

PYFRAME_REPORT_PATH size_t pyframe_writeStack(const struct pyframe_layout *l,
                                              const struct pyframe_reader *r, uint64_t tstate,
                                              unsigned max_frames, char *buf, size_t cap) {
    struct pyframe_out o;
    o.buf = buf, o.cap = cap, o.len = 0;
    uint64_t frame;
    if (!pyframe_readWord(r, tstate + l->tstate_current_frame, &frame)) {
        return 0;
    }
    unsigned written = 0;
    for (int n = 0; frame != 0 && written < max_frames && n < PYFRAME_MAX_CHAIN; n++) {
        if (pyframe_writeFrame(&o, l, r, frame)) {
            written++;
        }
        if (!pyframe_readWord(r, frame + l->frame_previous, &frame)) {
            break;
        }
    }
    return o.len;
}
