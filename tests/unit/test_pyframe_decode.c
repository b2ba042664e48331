/* Unit tests of src/runtime/pyframe_decode.c, the Python stack decoder of the
 * runtime's TSan report hook: synthetic interpreter memory (a _Py_DebugOffsets
 * table at the start of a fake _PyRuntime, interpreters, thread states, frames,
 * code objects, str and bytes objects, location tables) laid out as CPython
 * 3.13, 3.14 and 3.15 lay it out, each table written through a struct that
 * follows that version's header field by field, and the stack decoded from it.
 * The 3.13 free-threaded offsets are those of the real 3.13.15t runtime; the
 * 3.14 and 3.15 frame offsets follow their headers' struct definitions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runtime/pyframe_decode.h"

/* --- A fake address space --------------------------------------------------- */

#define IMAGE_BASE 0x7f3000100000ULL
#define IMAGE_SIZE (1 << 18)

static unsigned char image[IMAGE_SIZE];
static uint64_t image_used;

static void image_reset(void) {
    memset(image, 0, sizeof(image));
    image_used = 0;
}

/* n zeroed bytes, 16-aligned; returns their address in the fake space */
static uint64_t image_alloc(size_t n) {
    uint64_t at = (image_used + 15) & ~(uint64_t)15;
    assert_true(at + n <= IMAGE_SIZE);
    image_used = at + n;
    return IMAGE_BASE + at;
}

static void image_write(uint64_t addr, const void *src, size_t n) {
    assert_true(addr >= IMAGE_BASE && addr + n <= IMAGE_BASE + image_used);
    size_t off = (size_t)(addr - IMAGE_BASE);
    if (off >= IMAGE_SIZE || n > IMAGE_SIZE - off) {
        fail();
    }
    memcpy(&image[off], src, n);
}

static void w64(uint64_t addr, uint64_t v) {
    image_write(addr, &v, sizeof(v));
}
static void w32(uint64_t addr, uint32_t v) {
    image_write(addr, &v, sizeof(v));
}
static void w8(uint64_t addr, uint8_t v) {
    image_write(addr, &v, sizeof(v));
}

/* Only what was allocated is "mapped". */
static bool image_read(void *ctx, uint64_t addr, void *dst, size_t n) {
    (void)ctx;
    if (addr < IMAGE_BASE || addr + n > IMAGE_BASE + image_used || addr + n < addr) {
        return false;
    }
    memcpy(dst, image + (addr - IMAGE_BASE), n);
    return true;
}

static const struct pyframe_reader reader = {image_read, NULL};

/* --- _Py_DebugOffsets as each version's header declares it ------------------ */

struct debug_offsets_313 {
    char cookie[8];
    uint64_t version, free_threaded;
    struct {
        uint64_t size, finalizing, interpreters_head;
    } runtime_state;
    struct {
        uint64_t size, id, next, threads_head, gc, imports_modules, sysdict, builtins, ceval_gil,
            gil_runtime_state, gil_runtime_state_enabled, gil_runtime_state_locked,
            gil_runtime_state_holder;
    } interpreter_state;
    struct {
        uint64_t size, prev, next, interp, current_frame, thread_id, native_thread_id,
            datastack_chunk, status;
    } thread_state;
    struct {
        uint64_t size, previous, executable, instr_ptr, localsplus, owner;
    } interpreter_frame;
    struct {
        uint64_t size, filename, name, qualname, linetable, firstlineno, argcount, localsplusnames,
            localspluskinds, co_code_adaptive;
    } code_object;
    struct {
        uint64_t size, ob_type;
    } pyobject;
    struct {
        uint64_t size, tp_name, tp_repr, tp_flags;
    } type_object;
    struct {
        uint64_t size, ob_item, ob_size;
    } tuple_object, list_object;
    struct {
        uint64_t size, ma_keys, ma_values;
    } dict_object;
    struct {
        uint64_t size, ob_fval;
    } float_object;
    struct {
        uint64_t size, lv_tag, ob_digit;
    } long_object;
    struct {
        uint64_t size, ob_size, ob_sval;
    } bytes_object;
    struct {
        uint64_t size, state, length, asciiobject_size;
    } unicode_object;
    struct {
        uint64_t size, collecting;
    } gc;
};

struct debug_offsets_314 {
    char cookie[8];
    uint64_t version, free_threaded;
    struct {
        uint64_t size, finalizing, interpreters_head;
    } runtime_state;
    struct {
        uint64_t size, id, next, threads_head, threads_main, gc, imports_modules, sysdict, builtins,
            ceval_gil, gil_runtime_state, gil_runtime_state_enabled, gil_runtime_state_locked,
            gil_runtime_state_holder, code_object_generation, tlbc_generation;
    } interpreter_state;
    struct {
        uint64_t size, prev, next, interp, current_frame, thread_id, native_thread_id,
            datastack_chunk, status;
    } thread_state;
    struct {
        uint64_t size, previous, executable, instr_ptr, localsplus, owner, stackpointer, tlbc_index;
    } interpreter_frame;
    struct {
        uint64_t size, filename, name, qualname, linetable, firstlineno, argcount, localsplusnames,
            localspluskinds, co_code_adaptive, co_tlbc;
    } code_object;
    struct {
        uint64_t size, ob_type;
    } pyobject;
    struct {
        uint64_t size, tp_name, tp_repr, tp_flags;
    } type_object;
    struct {
        uint64_t size, ob_item, ob_size;
    } tuple_object, list_object;
    struct {
        uint64_t size, used, table, mask;
    } set_object;
    struct {
        uint64_t size, ma_keys, ma_values;
    } dict_object;
    struct {
        uint64_t size, ob_fval;
    } float_object;
    struct {
        uint64_t size, lv_tag, ob_digit;
    } long_object;
    struct {
        uint64_t size, ob_size, ob_sval;
    } bytes_object;
    struct {
        uint64_t size, state, length, asciiobject_size;
    } unicode_object;
    struct {
        uint64_t size, collecting;
    } gc;
    struct {
        uint64_t size, gi_name, gi_iframe, gi_frame_state;
    } gen_object;
    struct {
        uint64_t next, prev;
    } llist_node;
    struct {
        uint64_t eval_breaker, remote_debugger_support, remote_debugging_enabled,
            debugger_pending_call, debugger_script_path, debugger_script_path_size;
    } debugger_support;
};

struct debug_offsets_315 {
    char cookie[8];
    uint64_t version, free_threaded;
    struct {
        uint64_t size, finalizing, interpreters_head;
    } runtime_state;
    struct {
        uint64_t size, id, next, threads_head, threads_main, gc, imports_modules, sysdict, builtins,
            ceval_gil, gil_runtime_state, gil_runtime_state_enabled, gil_runtime_state_locked,
            gil_runtime_state_holder, code_object_generation, tlbc_generation;
    } interpreter_state;
    struct {
        uint64_t size, prev, next, interp, current_frame, base_frame, last_profiled_frame,
            last_profiled_frame_seq, thread_id, native_thread_id, datastack_chunk, status,
            holds_gil, gil_requested, current_exception, exc_state;
    } thread_state;
    struct {
        uint64_t exc_value;
    } err_stackitem;
    struct {
        uint64_t size, previous, executable, instr_ptr, localsplus, owner, stackpointer, tlbc_index;
    } interpreter_frame;
    struct {
        uint64_t size, filename, name, qualname, linetable, firstlineno, argcount, localsplusnames,
            localspluskinds, co_code_adaptive, co_tlbc;
    } code_object;
    struct {
        uint64_t size, ob_type;
    } pyobject;
    struct {
        uint64_t size, tp_name, tp_repr, tp_flags, tp_basicsize, tp_dictoffset;
    } type_object;
    struct {
        uint64_t size, ht_cached_keys;
    } heap_type_object;
    struct {
        uint64_t size, ob_item, ob_size;
    } tuple_object, list_object;
    struct {
        uint64_t size, used, table, mask;
    } set_object;
    struct {
        uint64_t size, ma_keys, ma_values;
    } dict_object;
    struct {
        uint64_t size, ob_fval;
    } float_object;
    struct {
        uint64_t size, lv_tag, ob_digit;
    } long_object;
    struct {
        uint64_t size, ob_size, ob_sval;
    } bytes_object;
    struct {
        uint64_t size, state, length, asciiobject_size, compactunicodeobject_size;
    } unicode_object;
    struct {
        uint64_t size, collecting, frame, generation_stats_size, generation_stats;
    } gc;
    struct {
        uint64_t size, gi_name, gi_iframe, gi_frame_state;
    } gen_object;
    struct {
        uint64_t next, prev;
    } llist_node;
    struct {
        uint64_t eval_breaker, remote_debugger_support, remote_debugging_enabled,
            debugger_pending_call, debugger_script_path, debugger_script_path_size;
    } debugger_support;
};

/* --- One version's memory layout, as the image is built ---------------------- */

struct shape {
    unsigned minor;
    bool free_threaded;
    uint64_t version_hex;
    uint64_t rt_size, rt_interpreters_head;
    uint64_t is_size, is_next, is_threads_head;
    uint64_t ts_size, ts_next, ts_thread_id, ts_current_frame, ts_base_frame;
    uint64_t fr_size, fr_previous, fr_executable, fr_instr_ptr, fr_localsplus, fr_owner,
        fr_tlbc_index;
    uint64_t co_size, co_filename, co_name, co_qualname, co_linetable, co_firstlineno, co_adaptive,
        co_tlbc;
    uint64_t ob_size, ob_type, var_size, bytes_size, bytes_sval;
    uint64_t str_size, str_state, str_length, str_ascii, str_compact;
    unsigned str_kind_shift; /* where the image puts state.kind */
    uint64_t executable_tag; /* what the image ORs into f_executable */
    uint8_t owner_c_entry;   /* the owner of the C entry frames it lays out */
};

/* 3.13.15t's own numbers (read from its _PyRuntime). */
static const struct shape shape_313t = {
    .minor = 13,
    .free_threaded = true,
    .version_hex = 0x030d0ff0,
    .rt_size = 328384,
    .rt_interpreters_head = 632,
    .is_size = 215616,
    .is_next = 7264,
    .is_threads_head = 7344,
    .ts_size = 312,
    .ts_next = 8,
    .ts_thread_id = 152,
    .ts_current_frame = 72,
    .fr_size = 80,
    .fr_previous = 8,
    .fr_executable = 0,
    .fr_instr_ptr = 56,
    .fr_localsplus = 72,
    .fr_owner = 70,
    .co_size = 224,
    .co_filename = 128,
    .co_name = 136,
    .co_qualname = 144,
    .co_linetable = 152,
    .co_firstlineno = 84,
    .co_adaptive = 216,
    .ob_size = 32,
    .ob_type = 24,
    .var_size = 32,
    .bytes_size = 56,
    .bytes_sval = 48,
    .str_size = 80,
    .str_state = 48,
    .str_length = 32,
    .str_ascii = 56,
    .str_compact = 72,
    .str_kind_shift = 2,
    .executable_tag = 0,
    .owner_c_entry = 3, /* FRAME_OWNED_BY_CSTACK */
};

/* 3.14t: _PyInterpreterFrame is f_executable, previous, f_funcobj, f_globals,
 * f_builtins, f_locals, frame_obj, instr_ptr, stackpointer, int32 tlbc_index,
 * uint16 return_offset, char owner, uint8 visited, then localsplus. */
static const struct shape shape_314t = {
    .minor = 14,
    .free_threaded = true,
    .version_hex = 0x030e02f0,
    .rt_size = 331000,
    .rt_interpreters_head = 808,
    .is_size = 220000,
    .is_next = 7280,
    .is_threads_head = 7360,
    .ts_size = 336,
    .ts_next = 8,
    .ts_thread_id = 160,
    .ts_current_frame = 72,
    .fr_size = 88,
    .fr_previous = 8,
    .fr_executable = 0,
    .fr_instr_ptr = 56,
    .fr_localsplus = 80,
    .fr_owner = 78,
    .fr_tlbc_index = 72,
    .co_size = 240,
    .co_filename = 136,
    .co_name = 144,
    .co_qualname = 152,
    .co_linetable = 160,
    .co_firstlineno = 88,
    .co_adaptive = 232,
    .co_tlbc = 224,
    .ob_size = 32,
    .ob_type = 24,
    .var_size = 32,
    .bytes_size = 56,
    .bytes_sval = 48,
    .str_size = 80,
    .str_state = 48,
    .str_length = 32,
    .str_ascii = 56,
    .str_compact = 72,
    .str_kind_shift = 8, /* interned is a byte of its own */
    .executable_tag = 1, /* Py_TAG_DEFERRED */
    .owner_c_entry = 3,  /* FRAME_OWNED_BY_INTERPRETER */
};

/* 3.14, default (GIL) build: no thread-local bytecode, a 16-byte PyObject. */
static const struct shape shape_314 = {
    .minor = 14,
    .free_threaded = false,
    .version_hex = 0x030e01f0,
    .rt_size = 300000,
    .rt_interpreters_head = 800,
    .is_size = 200000,
    .is_next = 7000,
    .is_threads_head = 7080,
    .ts_size = 296,
    .ts_next = 8,
    .ts_thread_id = 144,
    .ts_current_frame = 72,
    .fr_size = 88,
    .fr_previous = 8,
    .fr_executable = 0,
    .fr_instr_ptr = 56,
    .fr_localsplus = 80,
    .fr_owner = 74,
    .fr_tlbc_index = 0,
    .co_size = 208,
    .co_filename = 112,
    .co_name = 120,
    .co_qualname = 128,
    .co_linetable = 136,
    .co_firstlineno = 68,
    .co_adaptive = 200,
    .co_tlbc = 0,
    .ob_size = 16,
    .ob_type = 8,
    .var_size = 16,
    .bytes_size = 40,
    .bytes_sval = 32,
    .str_size = 64,
    .str_state = 32,
    .str_length = 16,
    .str_ascii = 40,
    .str_compact = 56,
    .str_kind_shift = 2,
    .executable_tag = 1, /* Py_TAG_REFCNT */
    .owner_c_entry = 3,
};

/* 3.15t: thread_id moves behind base_frame and the profiler's fields; the C
 * entry frames and the thread's base frame are FRAME_OWNED_BY_INTERPRETER. */
static const struct shape shape_315t = {
    .minor = 15,
    .free_threaded = true,
    .version_hex = 0x030f01f0,
    .rt_size = 340000,
    .rt_interpreters_head = 936,
    .is_size = 230000,
    .is_next = 7300,
    .is_threads_head = 7384,
    .ts_size = 480,
    .ts_next = 8,
    .ts_thread_id = 184,
    .ts_current_frame = 72,
    .ts_base_frame = 80,
    .fr_size = 88,
    .fr_previous = 8,
    .fr_executable = 0,
    .fr_instr_ptr = 56,
    .fr_localsplus = 80,
    .fr_owner = 78,
    .fr_tlbc_index = 72,
    .co_size = 248,
    .co_filename = 144,
    .co_name = 152,
    .co_qualname = 160,
    .co_linetable = 168,
    .co_firstlineno = 92,
    .co_adaptive = 240,
    .co_tlbc = 232,
    .ob_size = 32,
    .ob_type = 24,
    .var_size = 32,
    .bytes_size = 56,
    .bytes_sval = 48,
    .str_size = 88,
    .str_state = 48,
    .str_length = 32,
    .str_ascii = 56,
    .str_compact = 80,
    .str_kind_shift = 8,
    .executable_tag = 1, /* Py_TAG_REFCNT */
    .owner_c_entry = 3,
};

/* Every field first gets a value no offset has, so a decoder reading the
 * wrong position of the table gets nonsense rather than a lucky zero. */
static void fill_junk(void *table, size_t size) {
    uint64_t *w = (uint64_t *)((char *)table + 8);
    for (size_t i = 0; i < (size - 8) / 8; i++) {
        w[i] = 0x5a5a0000u + i;
    }
    memcpy(table, "xdebugpy", 8);
}

#define FILL_COMMON(t, s)                                                                          \
    do {                                                                                           \
        fill_junk(&(t), sizeof(t));                                                                \
        (t).version = (s)->version_hex;                                                            \
        (t).free_threaded = (s)->free_threaded;                                                    \
        (t).runtime_state.size = (s)->rt_size;                                                     \
        (t).runtime_state.interpreters_head = (s)->rt_interpreters_head;                           \
        (t).interpreter_state.size = (s)->is_size;                                                 \
        (t).interpreter_state.next = (s)->is_next;                                                 \
        (t).interpreter_state.threads_head = (s)->is_threads_head;                                 \
        (t).thread_state.size = (s)->ts_size;                                                      \
        (t).thread_state.next = (s)->ts_next;                                                      \
        (t).thread_state.thread_id = (s)->ts_thread_id;                                            \
        (t).thread_state.current_frame = (s)->ts_current_frame;                                    \
        (t).interpreter_frame.size = (s)->fr_size;                                                 \
        (t).interpreter_frame.previous = (s)->fr_previous;                                         \
        (t).interpreter_frame.executable = (s)->fr_executable;                                     \
        (t).interpreter_frame.instr_ptr = (s)->fr_instr_ptr;                                       \
        (t).interpreter_frame.localsplus = (s)->fr_localsplus;                                     \
        (t).interpreter_frame.owner = (s)->fr_owner;                                               \
        (t).code_object.size = (s)->co_size;                                                       \
        (t).code_object.filename = (s)->co_filename;                                               \
        (t).code_object.name = (s)->co_name;                                                       \
        (t).code_object.qualname = (s)->co_qualname;                                               \
        (t).code_object.linetable = (s)->co_linetable;                                             \
        (t).code_object.firstlineno = (s)->co_firstlineno;                                         \
        (t).code_object.co_code_adaptive = (s)->co_adaptive;                                       \
        (t).pyobject.size = (s)->ob_size;                                                          \
        (t).pyobject.ob_type = (s)->ob_type;                                                       \
        (t).bytes_object.size = (s)->bytes_size;                                                   \
        (t).bytes_object.ob_size = (s)->var_size;                                                  \
        (t).bytes_object.ob_sval = (s)->bytes_sval;                                                \
        (t).unicode_object.size = (s)->str_size;                                                   \
        (t).unicode_object.state = (s)->str_state;                                                 \
        (t).unicode_object.length = (s)->str_length;                                               \
        (t).unicode_object.asciiobject_size = (s)->str_ascii;                                      \
    } while (0)

/* The fake _PyRuntime: the table at its start, the interpreter list head at
 * its offset. Returns its address. */
static uint64_t write_runtime(const struct shape *s, uint64_t first_interp) {
    uint64_t runtime = image_alloc(s->rt_interpreters_head + 8);
    if (s->minor == 13) {
        struct debug_offsets_313 t;
        assert_true(sizeof(t) <= s->rt_interpreters_head);
        FILL_COMMON(t, s);
        image_write(runtime, &t, sizeof(t));
    } else if (s->minor == 14) {
        struct debug_offsets_314 t;
        assert_true(sizeof(t) <= s->rt_interpreters_head);
        FILL_COMMON(t, s);
        t.interpreter_frame.tlbc_index = s->fr_tlbc_index;
        t.code_object.co_tlbc = s->co_tlbc;
        image_write(runtime, &t, sizeof(t));
    } else {
        struct debug_offsets_315 t;
        assert_true(sizeof(t) <= s->rt_interpreters_head);
        FILL_COMMON(t, s);
        t.thread_state.base_frame = s->ts_base_frame;
        t.interpreter_frame.tlbc_index = s->fr_tlbc_index;
        t.code_object.co_tlbc = s->co_tlbc;
        t.unicode_object.compactunicodeobject_size = s->str_compact;
        image_write(runtime, &t, sizeof(t));
    }
    w64(runtime + s->rt_interpreters_head, first_interp);
    return runtime;
}

/* --- Objects ------------------------------------------------------------------ */

struct types {
    uint64_t code, str, bytes, none;
};

static struct types make_types(void) {
    struct types t = {image_alloc(64), image_alloc(64), image_alloc(64), image_alloc(64)};
    return t;
}

static uint64_t make_ascii(const struct shape *s, const struct types *ty, const char *text) {
    size_t n = strlen(text);
    uint64_t str = image_alloc(s->str_ascii + n + 1);
    w64(str + s->ob_type, ty->str);
    w64(str + s->str_length, n);
    /* interned 0, kind 1, compact, ascii */
    w32(str + s->str_state, (1u << s->str_kind_shift) | (1u << (s->str_kind_shift + 3)) |
                                (1u << (s->str_kind_shift + 4)));
    image_write(str + s->str_ascii, text, n);
    return str;
}

/* A compact two-byte-kind str (PyCompactUnicodeObject), from UCS-2 units. */
static uint64_t make_ucs2(const struct shape *s, const struct types *ty, const uint16_t *units,
                          size_t n) {
    uint64_t str = image_alloc(s->str_compact + 2 * n + 2);
    w64(str + s->ob_type, ty->str);
    w64(str + s->str_length, n);
    w32(str + s->str_state, (2u << s->str_kind_shift) | (1u << (s->str_kind_shift + 3)));
    image_write(str + s->str_compact, units, 2 * n);
    return str;
}

static uint64_t make_bytes(const struct shape *s, const struct types *ty, const unsigned char *data,
                           size_t n) {
    uint64_t b = image_alloc(s->bytes_sval + n + 1);
    w64(b + s->ob_type, ty->bytes);
    w64(b + s->var_size, n);
    image_write(b + s->bytes_sval, data, n);
    return b;
}

/* Location table of every code object here: code units 0-3 on line first+1,
 * 4-7 on line first+3 (two "no column" entries). */
static const unsigned char two_lines[] = {0x80 | (13 << 3) | 3, 2, 0x80 | (13 << 3) | 3, 4};
#define CODE_UNITS 8

static uint64_t make_code(const struct shape *s, const struct types *ty, uint64_t filename,
                          uint64_t name, int firstlineno) {
    uint64_t code = image_alloc(s->co_adaptive + 2 * CODE_UNITS + 16);
    w64(code + s->ob_type, ty->code);
    w64(code + s->var_size, CODE_UNITS);
    w64(code + s->co_filename, filename);
    w64(code + s->co_name, name);
    w64(code + s->co_qualname, name);
    w32(code + s->co_firstlineno, (uint32_t)firstlineno);
    w64(code + s->co_linetable, make_bytes(s, ty, two_lines, sizeof(two_lines)));
    return code;
}

/* A frame running code unit `unit` of code (0 for none) */
static uint64_t make_frame(const struct shape *s, uint64_t previous, uint64_t executable,
                           uint64_t bytecode, int unit, uint8_t owner) {
    uint64_t f = image_alloc(s->fr_size);
    w64(f + s->fr_previous, previous);
    w64(f + s->fr_executable, executable == 0 ? 0 : executable | s->executable_tag);
    w64(f + s->fr_instr_ptr, bytecode + 2 * (uint64_t)unit);
    w8(f + s->fr_owner, owner);
    return f;
}

static uint64_t make_thread(const struct shape *s, uint64_t next, uint64_t id, uint64_t frame) {
    uint64_t ts = image_alloc(s->ts_size);
    w64(ts + s->ts_next, next);
    w64(ts + s->ts_thread_id, id);
    w64(ts + s->ts_current_frame, frame);
    return ts;
}

static uint64_t make_interp(const struct shape *s, uint64_t next, uint64_t threads) {
    uint64_t is =
        image_alloc(s->is_next > s->is_threads_head ? s->is_next + 8 : s->is_threads_head + 8);
    w64(is + s->is_next, next);
    w64(is + s->is_threads_head, threads);
    return is;
}

/* Decodes the stack of thread `id` into a static buffer. */
static const char *decode(uint64_t runtime, const struct types *ty, uint64_t id,
                          struct pyframe_layout *l) {
    static char out[4096];
    assert_int_equal(pyframe_layoutRead(&reader, runtime, ty->code, l), PYFRAME_OK);
    uint64_t ts = 0;
    assert_int_equal(pyframe_findThread(l, &reader, runtime, id, &ts), PYFRAME_OK);
    size_t n = pyframe_writeStack(l, &reader, ts, 48, out, sizeof(out) - 1);
    out[n] = '\0';
    return out;
}

/* The common scene: a second interpreter holds the thread asked for, behind
 * another thread; its stack is worker() called by main() through a C entry
 * frame, with a C entry frame whose executable is None at the bottom. */
static const char *decode_scene(const struct shape *s, struct pyframe_layout *l) {
    image_reset();
    struct types ty = make_types();
    uint64_t file = make_ascii(s, &ty, "/srv/app/work.py");
    uint64_t main_code = make_code(s, &ty, file, make_ascii(s, &ty, "main"), 10);
    uint64_t worker_code = make_code(s, &ty, file, make_ascii(s, &ty, "worker"), 30);
    uint64_t none = image_alloc(s->ob_size);
    w64(none + s->ob_type, ty.none);
    uint64_t bottom = make_frame(s, 0, none, 0, 0, s->owner_c_entry);
    uint64_t f_main = make_frame(s, bottom, main_code, main_code + s->co_adaptive, 5, 0);
    /* an entry frame with a code object: its owner alone must leave it out */
    uint64_t entry =
        make_frame(s, f_main, main_code, main_code + s->co_adaptive, 0, s->owner_c_entry);
    uint64_t f_worker = make_frame(s, entry, worker_code, worker_code + s->co_adaptive, 2, 0);
    uint64_t ours = make_thread(s, 0, 0x7f00aa, f_worker);
    uint64_t other = make_thread(s, ours, 0x7f00bb, f_main);
    uint64_t interp2 = make_interp(s, 0, other);
    uint64_t interp1 = make_interp(s, interp2, make_thread(s, 0, 0x7f00cc, 0));
    return decode(write_runtime(s, interp1), &ty, 0x7f00aa, l);
}

static const char scene_stack[] = "  File \"/srv/app/work.py\", line 31 in worker\n"
                                  "  File \"/srv/app/work.py\", line 13 in main\n";

/* --- The tests ----------------------------------------------------------------- */

static void test_a_313_free_threaded_stack_is_read_innermost_first(void **state) {
    struct pyframe_layout l;
    assert_string_equal(decode_scene(&shape_313t, &l), scene_stack);
    assert_int_equal(l.minor, 13);
    assert_true(l.free_threaded);
    assert_int_equal(l.executable_tags, 0); /* a plain PyObject * on 3.13 */
    assert_int_equal(l.tstate_thread_id, 152);
}

static void test_a_314_free_threaded_stack_untags_its_stack_refs(void **state) {
    struct pyframe_layout l;
    assert_string_equal(decode_scene(&shape_314t, &l), scene_stack);
    assert_int_equal(l.executable_tags, 1);
    assert_int_equal(l.frame_tlbc_index, 72);
    assert_int_equal(l.code_tlbc, 224);
}

static void test_a_314_default_build_stack_masks_both_tag_bits(void **state) {
    struct pyframe_layout l;
    assert_string_equal(decode_scene(&shape_314, &l), scene_stack);
    assert_false(l.free_threaded);
    assert_int_equal(l.executable_tags, 3);
    assert_int_equal(l.frame_tlbc_index, 0); /* no thread-local bytecode */
}

static void test_a_315_stack_finds_the_moved_thread_id(void **state) {
    struct pyframe_layout l;
    assert_string_equal(decode_scene(&shape_315t, &l), scene_stack);
    assert_int_equal(l.minor, 15);
    assert_int_equal(l.tstate_thread_id, 184);
    assert_int_equal(l.str_compact_data, 80); /* from the table, new in 3.15 */
}

/* 3.14t runs each thread on its own copy of the bytecode: instr_ptr points into
 * co_tlbc's entry tlbc_index, not into the code object. */
static void test_thread_local_bytecode_gives_the_line_of_the_thread_copy(void **state) {
    const struct shape *s = &shape_314t;
    image_reset();
    struct types ty = make_types();
    uint64_t code = make_code(s, &ty, make_ascii(s, &ty, "t.py"), make_ascii(s, &ty, "spin"), 100);
    uint64_t copy = image_alloc(2 * CODE_UNITS);
    uint64_t tlbc = image_alloc(8 + 2 * 8);
    w64(tlbc, 2);
    w64(tlbc + 8, code + s->co_adaptive);
    w64(tlbc + 16, copy);
    w64(code + s->co_tlbc, tlbc);
    uint64_t frame = make_frame(s, 0, code, copy, 6, 0);
    w32(frame + s->fr_tlbc_index, 1);
    /* and an FRAME_OWNED_BY_CSTACK (4) frame on top, which is not Python */
    uint64_t top = make_frame(s, frame, code, copy, 0, 4);
    uint64_t runtime = write_runtime(s, make_interp(s, 0, make_thread(s, 0, 77, top)));
    struct pyframe_layout l;
    assert_string_equal(decode(runtime, &ty, 77, &l), "  File \"t.py\", line 103 in spin\n");
    /* A tlbc_index past the array falls back to the code object's own copy,
     * where this instr_ptr is not: the line is unknown, the frame kept. */
    w32(frame + s->fr_tlbc_index, 2);
    assert_string_equal(decode(runtime, &ty, 77, &l), "  File \"t.py\", line -1 in spin\n");
}

static void test_generator_and_frame_object_frames_are_python_frames(void **state) {
    const struct shape *s = &shape_315t;
    image_reset();
    struct types ty = make_types();
    uint64_t file = make_ascii(s, &ty, "g.py");
    uint64_t code = make_code(s, &ty, file, make_ascii(s, &ty, "gen"), 1);
    uint64_t owned_by_frame_object = make_frame(s, 0, code, code + s->co_adaptive, 0, 2);
    uint64_t owned_by_generator =
        make_frame(s, owned_by_frame_object, code, code + s->co_adaptive, 7, 1);
    uint64_t runtime =
        write_runtime(s, make_interp(s, 0, make_thread(s, 0, 5, owned_by_generator)));
    struct pyframe_layout l;
    assert_string_equal(decode(runtime, &ty, 5, &l), "  File \"g.py\", line 4 in gen\n"
                                                     "  File \"g.py\", line 2 in gen\n");
}

static void test_str_kinds_and_state_bits_follow_each_build(void **state) {
    static const uint16_t name[] = {'c', 'a', 'f', 0xe9, '_', 0x4e2d};
    const struct shape *shapes[] = {&shape_313t, &shape_314t, &shape_314, &shape_315t};
    for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
        const struct shape *s = shapes[i];
        image_reset();
        struct types ty = make_types();
        uint64_t code =
            make_code(s, &ty, make_ascii(s, &ty, "/x/\x01y.py"), make_ucs2(s, &ty, name, 6), 1);
        uint64_t runtime = write_runtime(
            s,
            make_interp(s, 0,
                        make_thread(s, 0, 9, make_frame(s, 0, code, code + s->co_adaptive, 1, 0))));
        struct pyframe_layout l;
        /* outside printable ASCII is '?' */
        assert_string_equal(decode(runtime, &ty, 9, &l), "  File \"/x/?y.py\", line 2 in caf?_?\n");
        assert_int_equal(l.str_kind_shift, s->str_kind_shift);
    }
}

/* Objects/locations.md's five entry forms, each covering known code units. */
static void test_the_location_table_gives_each_code_unit_its_line(void **state) {
    static const unsigned char table[] = {
        0x80 | (0 << 3) | 1,
        0x05, /* short form, 2 units: same line (100) */
        0x80 | (12 << 3) | 0,
        0x01,
        0x02, /* one-line form, delta 2: 102 */
        0x80 | (13 << 3) | 2,
        0x03, /* no column, delta -1, 3 units: 101 */
        0x80 | (14 << 3) | 0,
        0x50,
        0x01,
        0x02, /* long form, delta +40: 141 */
        0x06,
        0x0a,                 /* ... end line, columns */
        0x80 | (15 << 3) | 1, /* no location, 2 units */
        0x80 | (13 << 3) | 0,
        0x58,
        0x09, /* no column, delta +300: 441 */
    };
    image_reset();
    uint64_t at = image_alloc(sizeof(table));
    image_write(at, table, sizeof(table));
    static const int expected[] = {100, 100, 102, 101, 101, 101, 141, -1, -1, 441, -1};
    for (long unit = 0; unit < (long)(sizeof(expected) / sizeof(expected[0])); unit++) {
        assert_int_equal(pyframe_lineAt(&reader, at, sizeof(table), 100, unit), expected[unit]);
    }
    assert_int_equal(pyframe_lineAt(&reader, at, sizeof(table), 100, -1), -1);
    /* a table cut short, or not readable, ends the search */
    assert_int_equal(pyframe_lineAt(&reader, at, 2, 100, 2), -1);
    assert_int_equal(pyframe_lineAt(&reader, at + 0x100000, sizeof(table), 100, 0), -1);
}

static void test_tables_the_decoder_cannot_trust_are_refused(void **state) {
    struct pyframe_layout l;
    image_reset();
    uint64_t runtime = write_runtime(&shape_314t, 0);
    assert_int_equal(pyframe_layoutRead(&reader, runtime, 1, &l), PYFRAME_OK);
    /* no cookie */
    w8(runtime, 'X');
    assert_int_equal(pyframe_layoutRead(&reader, runtime, 1, &l), PYFRAME_NO_COOKIE);
    w8(runtime, 'x');
    /* 3.16, whose table this decoder does not know */
    w64(runtime + 8, 0x031000f0);
    assert_int_equal(pyframe_layoutRead(&reader, runtime, 1, &l), PYFRAME_UNSUPPORTED);
    /* a 3.14 beta: its table was still moving */
    w64(runtime + 8, 0x030e00b3);
    assert_int_equal(pyframe_layoutRead(&reader, runtime, 1, &l), PYFRAME_UNSUPPORTED);
    /* a release candidate is taken */
    w64(runtime + 8, 0x030e00c1);
    assert_int_equal(pyframe_layoutRead(&reader, runtime, 1, &l), PYFRAME_OK);
    /* a thread_id offset beyond the thread state's own size */
    struct debug_offsets_314 t;
    FILL_COMMON(t, &shape_314t);
    t.interpreter_frame.tlbc_index = shape_314t.fr_tlbc_index;
    t.code_object.co_tlbc = shape_314t.co_tlbc;
    image_write(runtime, &t, sizeof(t));
    assert_int_equal(pyframe_layoutRead(&reader, runtime, 1, &l), PYFRAME_OK);
    t.thread_state.thread_id = t.thread_state.size;
    image_write(runtime, &t, sizeof(t));
    assert_int_equal(pyframe_layoutRead(&reader, runtime, 1, &l), PYFRAME_BAD_TABLE);
    /* a 3.13 table read as 3.14's (the version says 3.14): positions differ */
    image_reset();
    runtime = write_runtime(&shape_313t, 0);
    w64(runtime + 8, 0x030e02f0);
    assert_int_not_equal(pyframe_layoutRead(&reader, runtime, 1, &l), PYFRAME_OK);
    /* nothing readable there */
    assert_int_equal(pyframe_layoutRead(&reader, IMAGE_BASE - 4096, 1, &l), PYFRAME_UNREADABLE);
    assert_non_null(strstr(pyframe_statusText(PYFRAME_UNSUPPORTED), "3.13 to 3.15"));
}

static void test_broken_memory_ends_the_walk_without_a_crash(void **state) {
    const struct shape *s = &shape_313t;
    image_reset();
    struct types ty = make_types();
    uint64_t code = make_code(s, &ty, make_ascii(s, &ty, "a.py"), make_ascii(s, &ty, "f"), 1);
    /* the older frame's "previous" points at unmapped memory */
    uint64_t older =
        make_frame(s, IMAGE_BASE + IMAGE_SIZE + 4096, code, code + s->co_adaptive, 4, 0);
    uint64_t newer = make_frame(s, older, code, code + s->co_adaptive, 0, 0);
    uint64_t runtime = write_runtime(s, make_interp(s, 0, make_thread(s, 0, 1, newer)));
    struct pyframe_layout l;
    assert_string_equal(decode(runtime, &ty, 1, &l), "  File \"a.py\", line 2 in f\n"
                                                     "  File \"a.py\", line 4 in f\n");
    /* an unknown thread */
    uint64_t ts = 0;
    assert_int_equal(pyframe_findThread(&l, &reader, runtime, 2, &ts), PYFRAME_NO_THREAD);
    /* a thread list running into unmapped memory */
    w64(runtime + s->rt_interpreters_head, IMAGE_BASE + IMAGE_SIZE);
    assert_int_equal(pyframe_findThread(&l, &reader, runtime, 1, &ts), PYFRAME_UNREADABLE);
    /* a frame whose executable is no code object is skipped */
    w64(newer + s->fr_executable, ty.str);
    char out[256];
    size_t n = pyframe_writeStack(&l, &reader, make_thread(s, 0, 1, newer), 48, out, sizeof(out));
    assert_int_equal(n, strlen("  File \"a.py\", line 4 in f\n"));
}

static void test_the_output_stops_at_its_capacity_and_frame_limit(void **state) {
    const struct shape *s = &shape_315t;
    image_reset();
    struct types ty = make_types();
    uint64_t code = make_code(s, &ty, make_ascii(s, &ty, "c.py"), make_ascii(s, &ty, "g"), 1);
    uint64_t f2 = make_frame(s, 0, code, code + s->co_adaptive, 0, 0);
    uint64_t f1 = make_frame(s, f2, code, code + s->co_adaptive, 4, 0);
    uint64_t thread = make_thread(s, 0, 3, f1);
    uint64_t runtime = write_runtime(s, make_interp(s, 0, thread));
    struct pyframe_layout l;
    uint64_t ts = 0;
    assert_int_equal(pyframe_layoutRead(&reader, runtime, ty.code, &l), PYFRAME_OK);
    assert_int_equal(pyframe_findThread(&l, &reader, runtime, 3, &ts), PYFRAME_OK);
    assert_int_equal(ts, thread);
    /* one frame asked for, one written */
    char out[128];
    size_t n = pyframe_writeStack(&l, &reader, ts, 1, out, sizeof(out));
    assert_int_equal(n, strlen("  File \"c.py\", line 4 in g\n"));
    /* 10 bytes of room: 10 bytes written, nothing past them */
    memset(out, '#', sizeof(out));
    n = pyframe_writeStack(&l, &reader, ts, 48, out, 10);
    assert_int_equal(n, 10);
    assert_memory_equal(out, "  File \"c.", 10);
    assert_int_equal(out[10], '#');
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_313_free_threaded_stack_is_read_innermost_first),
        cmocka_unit_test(test_a_314_free_threaded_stack_untags_its_stack_refs),
        cmocka_unit_test(test_a_314_default_build_stack_masks_both_tag_bits),
        cmocka_unit_test(test_a_315_stack_finds_the_moved_thread_id),
        cmocka_unit_test(test_thread_local_bytecode_gives_the_line_of_the_thread_copy),
        cmocka_unit_test(test_generator_and_frame_object_frames_are_python_frames),
        cmocka_unit_test(test_str_kinds_and_state_bits_follow_each_build),
        cmocka_unit_test(test_the_location_table_gives_each_code_unit_its_line),
        cmocka_unit_test(test_tables_the_decoder_cannot_trust_are_refused),
        cmocka_unit_test(test_broken_memory_ends_the_walk_without_a_crash),
        cmocka_unit_test(test_the_output_stops_at_its_capacity_and_frame_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
