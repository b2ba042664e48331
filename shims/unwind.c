/* unwind.c - native stacks for anomaly and crash records, with libunwind.
 *
 * Nothing here calls malloc: frames go into caller-provided fixed arrays, and modules are
 * resolved either with dladdr1() (ordinary context) or, in a signal handler, by reading
 * /proc/self/maps with open/read, which are async-signal-safe. Each frame line carries the
 * function (from libunwind's ELF symbol lookup) and the module-relative offset that
 * llvm-symbolizer/addr2line need, so the runner can symbolize later. */
#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "shim_internal.h"

#define FRAME_NAME_MAX 128
#define FRAME_PATH_MAX 256

struct unwind_frame {
    uintptr_t pc;
    uintptr_t sym_off;
    uintptr_t mod_off;
    bool has_name;
    bool has_module;
    bool in_shim;
    bool exact_pc; /* pc is the faulting instruction, not a return address */
    char name[FRAME_NAME_MAX];
    char module[FRAME_PATH_MAX];
};

static char exe_path[SHIM_PATH_MAX];
static const struct link_map *self_map;

void unwind_init(void) {
    ssize_t n = readlink("/proc/self/exe", exe_path, sizeof exe_path - 1);
    exe_path[n > 0 ? n : 0] = '\0';
    Dl_info info;
    void *lm = NULL;
    if (dladdr1((void *)&unwind_init, &info, &lm, RTLD_DL_LINKMAP) != 0) {
        self_map = lm;
    }
}

static void copy_str(char *dst, size_t cap, const char *src) {
    size_t n = strlen(src);
    if (n >= cap) {
        n = cap - 1;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Walks the cursor's stack into fr[], with libunwind's symbol names when with_names (it
 * mallocs: not in a signal handler); returns the number of frames. */
static int unwind_collect(unw_cursor_t *cursor, struct unwind_frame *fr, int max, bool with_names,
                          bool first_exact) {
    int n = 0;
    bool exact = first_exact;
    do {
        unw_word_t ip = 0, off = 0;
        if (unw_get_reg(cursor, UNW_REG_IP, &ip) < 0 || ip == 0) {
            break;
        }
        struct unwind_frame *f = &fr[n];
        memset(f, 0, offsetof(struct unwind_frame, name));
        f->name[0] = '\0';
        f->module[0] = '\0';
        f->pc = (uintptr_t)ip;
        f->exact_pc = exact;
        /* the frame a signal interrupted resumes at its pc: exact too */
        exact = unw_is_signal_frame(cursor) > 0;
        if (with_names) {
            int r = unw_get_proc_name(cursor, f->name, sizeof f->name, &off);
            f->has_name = (r == 0 || r == -UNW_ENOMEM) && f->name[0] != '\0';
            f->sym_off = (uintptr_t)off;
        }
        n++;
    } while (n < max && unw_step(cursor) > 0);
    return n;
}

static void unwind_emit(struct fmt_buf *out, const struct unwind_frame *fr, int from, int n) {
    for (int i = from; i < n; i++) {
        const struct unwind_frame *f = &fr[i];
        fmt_str(out, "  #");
        fmt_u64(out, (uint64_t)(i - from));
        fmt_char(out, ' ');
        if (f->has_name) {
            fmt_str(out, f->name);
            fmt_char(out, '+');
            fmt_hex(out, f->sym_off);
        } else {
            fmt_str(out, "??");
        }
        fmt_str(out, " (");
        if (f->has_module) {
            fmt_str(out, f->module);
            fmt_char(out, '+');
            fmt_hex(out, f->mod_off);
        } else {
            fmt_str(out, "??+");
            fmt_hex(out, f->pc);
        }
        fmt_str(out, ")\n");
    }
}

/* Ordinary context: dladdr1 gives the link map, whose l_addr is the load bias, i.e. exactly
 * what symbolizers subtract (0 for a non-PIE executable, so its offsets are absolute). */
static void unwind_resolve_dladdr(struct unwind_frame *f) {
    Dl_info info;
    void *lmv = NULL;
    if (dladdr1((void *)f->pc, &info, &lmv, RTLD_DL_LINKMAP) == 0 || lmv == NULL) {
        return;
    }
    const struct link_map *lm = lmv;
    const char *path = lm->l_name != NULL && lm->l_name[0] != '\0' ? lm->l_name : exe_path;
    copy_str(f->module, sizeof f->module, path[0] ? path : "??");
    f->mod_off = f->pc - (uintptr_t)lm->l_addr;
    f->has_module = true;
    f->in_shim = self_map != NULL && lm == self_map;
}

/* Frames of the current thread; static storage under a lock, since anomaly reports are rare
 * and a 12 KiB array does not belong on an interpreter thread's stack. */
static struct unwind_frame here_frames[64];
static _Atomic int here_lock;

void unwind_format_here(struct fmt_buf *out, int max_frames) {
    if (max_frames > (int)(sizeof here_frames / sizeof here_frames[0])) {
        max_frames = (int)(sizeof here_frames / sizeof here_frames[0]);
    }
    while (atomic_exchange_explicit(&here_lock, 1, memory_order_acquire) != 0) {
        sched_yield();
    }
    unw_context_t ctx;
    unw_cursor_t cursor;
    int n = 0;
    if (unw_getcontext(&ctx) == 0 && unw_init_local(&cursor, &ctx) == 0) {
        n = unwind_collect(&cursor, here_frames, max_frames, true, false);
    }
    for (int i = 0; i < n; i++) {
        unwind_resolve_dladdr(&here_frames[i]);
    }
    /* Drop the shim's own machinery (this function, the reporter, the checks) but keep the
     * interposed wrapper as #0: it names the C-API call the anomaly was seen in. */
    int first = 0;
    while (first < n && here_frames[first].in_shim) {
        first++;
    }
    if (first > 0 && first < n) {
        first--;
    } else if (first == n) {
        first = 0;
    }
    unwind_emit(out, here_frames, first, n);
    atomic_store_explicit(&here_lock, 0, memory_order_release);
}

/* ---- signal context: /proc/self/maps ---- */

struct maps_line {
    uintptr_t start, end, offset;
    char perms[5];
    const char *path; /* points into the line buffer; "" for anonymous mappings */
};

static uintptr_t parse_hex(const char **s) {
    uintptr_t v = 0;
    for (;;) {
        char c = **s;
        unsigned d;
        if (c >= '0' && c <= '9') {
            d = (unsigned)(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            d = (unsigned)(c - 'a' + 10);
        } else {
            return v;
        }
        v = v * 16 + d;
        (*s)++;
    }
}

static int parse_maps_line(char *line, struct maps_line *m) {
    const char *s = line;
    m->start = parse_hex(&s);
    if (*s++ != '-') {
        return -1;
    }
    m->end = parse_hex(&s);
    if (*s++ != ' ') {
        return -1;
    }
    for (int i = 0; i < 4; i++) {
        m->perms[i] = '-';
        if (*s != '\0') {
            m->perms[i] = *s++;
        }
    }
    m->perms[4] = '\0';
    while (*s == ' ') {
        s++;
    }
    m->offset = parse_hex(&s);
    /* skip dev and inode */
    for (int field = 0; field < 2; field++) {
        while (*s == ' ') {
            s++;
        }
        while (*s && *s != ' ') {
            s++;
        }
    }
    while (*s == ' ') {
        s++;
    }
    m->path = s;
    return 0;
}

struct maps_state {
    char base_path[FRAME_PATH_MAX];
    uintptr_t base;
    bool base_is_exec; /* ET_EXEC: symbolizers want absolute addresses */
};

static void maps_consider(struct maps_state *st, const struct maps_line *m, struct unwind_frame *fr,
                          int n) {
    if (m->path[0] != '\0' && m->path[0] != '[' && m->offset == 0) {
        /* The mapping of a file's offset 0 holds its ELF header: that is the load base
         * (dladdr's l_map_start); remember it for the file's later mappings. */
        copy_str(st->base_path, sizeof st->base_path, m->path);
        st->base = m->start;
        const Elf64_Ehdr *eh = (const Elf64_Ehdr *)m->start;
        st->base_is_exec = m->perms[0] == 'r' && m->end - m->start >= sizeof *eh &&
                           memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 && eh->e_type == ET_EXEC;
    }
    for (int i = 0; i < n; i++) {
        struct unwind_frame *f = &fr[i];
        if (f->has_module || f->pc < m->start || f->pc >= m->end || m->path[0] == '\0') {
            continue;
        }
        copy_str(f->module, sizeof f->module, m->path);
        if (strcmp(st->base_path, m->path) == 0) {
            f->mod_off = st->base_is_exec ? f->pc : f->pc - st->base;
        } else {
            f->mod_off = f->pc - m->start + m->offset;
        }
        f->has_module = true;
    }
}

static void unwind_resolve_maps(struct unwind_frame *fr, int n) {
    int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return;
    }
    static char chunk[4096];
    static char line[FRAME_PATH_MAX + 128];
    static struct maps_state st;
    memset(&st, 0, sizeof st);
    size_t ll = 0;
    for (;;) {
        ssize_t r = read(fd, chunk, sizeof chunk);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            break;
        }
        for (ssize_t i = 0; i < r; i++) {
            if (chunk[i] != '\n') {
                if (ll < sizeof line - 1) {
                    line[ll++] = chunk[i]; /* overlong paths are truncated */
                }
                continue;
            }
            line[ll] = '\0';
            struct maps_line m;
            if (parse_maps_line(line, &m) == 0) {
                maps_consider(&st, &m, fr, n);
            }
            ll = 0;
        }
    }
    close(fd);
}

/* Names for frames that have a module, each module's file mapped once (elfsym.c). */
static void unwind_resolve_names_elf(struct unwind_frame *fr, int n) {
    static bool tried[64];
    memset(tried, 0, sizeof tried);
    for (int i = 0; i < n && i < 64; i++) {
        if (tried[i] || !fr[i].has_module) {
            continue;
        }
        struct elf_image img;
        bool mapped = elfsym_open(&img, fr[i].module) == 0;
        for (int j = i; j < n && j < 64; j++) {
            if (tried[j] || !fr[j].has_module || strcmp(fr[j].module, fr[i].module) != 0) {
                continue;
            }
            tried[j] = true;
            /* A return address may already lie past the end of its caller (a call to a
             * noreturn function is often the last instruction): look up the call itself. */
            uint64_t back = fr[j].exact_pc || fr[j].mod_off == 0 ? 0 : 1;
            uint64_t off = 0;
            if (mapped &&
                elfsym_find(&img, fr[j].mod_off - back, fr[j].name, sizeof fr[j].name, &off) == 0) {
                fr[j].has_name = true;
                fr[j].sym_off = (uintptr_t)(off + back);
            }
        }
        if (mapped) {
            elfsym_close(&img);
        }
    }
}

static struct unwind_frame signal_frames[64];

void unwind_format_signal(struct fmt_buf *out, void *ucontext, int max_frames) {
    /* Only one crash record is written at a time (crash.c serialises), so static frames. */
    if (max_frames > (int)(sizeof signal_frames / sizeof signal_frames[0])) {
        max_frames = (int)(sizeof signal_frames / sizeof signal_frames[0]);
    }
    unw_cursor_t cursor;
    int n = 0;
    /* On x86-64 and aarch64 Linux unw_context_t is the ucontext_t the kernel passed to the
     * handler; UNW_INIT_SIGNAL_FRAME makes libunwind treat its pc as the faulting
     * instruction rather than a return address. */
    if (unw_init_local2(&cursor, (unw_context_t *)ucontext, UNW_INIT_SIGNAL_FRAME) == 0) {
        n = unwind_collect(&cursor, signal_frames, max_frames, false, true);
    }
    unwind_resolve_maps(signal_frames, n);
    unwind_resolve_names_elf(signal_frames, n);
    unwind_emit(out, signal_frames, 0, n);
}
