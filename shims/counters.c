/* counters.c - per-kind event counters and the stats file (format in ftshim.h).
 *
 * Each thread counts into its own cache-line-aligned slot (see counters_bump_in), so the
 * counting itself does not make threads contend on shared lines, which would both slow the
 * interpreter and change the very interleavings ftstress is trying to provoke. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "schedule.h"
#include "shim_internal.h"

struct counter_slot counters_slots[COUNTER_SLOTS];
struct counter_slot counters_overflow;

static const char *const counter_keys[C_COUNT] = {
#define SHIM_COUNTER_KEY(id, key) [C_##id] = (key),
    SHIM_COUNTERS(SHIM_COUNTER_KEY)
#undef SHIM_COUNTER_KEY
};

uint64_t counters_total(enum counter_id id) {
    uint64_t sum = atomic_load_explicit(&counters_overflow.c[id], memory_order_relaxed);
    uint32_t n = thread_count();
    if (n > COUNTER_SLOTS) {
        n = COUNTER_SLOTS;
    }
    for (uint32_t i = 0; i < n; i++) {
        sum += atomic_load_explicit(&counters_slots[i].c[id], memory_order_relaxed);
    }
    return sum;
}

void counters_reset(void) {
    uint32_t n = thread_count();
    for (uint32_t i = 0; i < n && i < COUNTER_SLOTS; i++) {
        for (int id = 0; id < C_COUNT; id++) {
            atomic_store_explicit(&counters_slots[i].c[id], 0, memory_order_relaxed);
        }
    }
    for (int id = 0; id < C_COUNT; id++) {
        atomic_store_explicit(&counters_overflow.c[id], 0, memory_order_relaxed);
    }
}

static uint64_t counters_number_inplace(void) {
    uint64_t sum = 0;
    for (int id = C_NUMBER_INPLACE_ADD; id <= C_NUMBER_INPLACE_OR; id++) {
        sum += counters_total((enum counter_id)id);
    }
    return sum;
}

static void counters_line(struct fmt_buf *b, const char *key, uint64_t v) {
    fmt_str(b, key);
    fmt_char(b, '=');
    fmt_u64(b, v);
    fmt_char(b, '\n');
}

static size_t counters_format(char *buf, size_t cap, const char *reason) {
    struct fmt_buf b;
    fmt_init(&b, buf, cap);
    counters_line(&b, "ftshim_stats", 1);
    counters_line(&b, "pid", (uint64_t)getpid());
    fmt_str(&b, "exit=");
    fmt_str(&b, reason);
    fmt_char(&b, '\n');
    counters_line(&b, "seed", shim_cfg.seed);
    fmt_str(&b, "noise=");
    fmt_str(&b, config_level_name(shim_cfg.noise_level));
    fmt_char(&b, '\n');
    counters_line(&b, "threads", thread_count());
    for (int id = 0; id < C_COUNT; id++) {
        if (id == C_NUMBER_INPLACE_ADD) {
            counters_line(&b, "number_inplace", counters_number_inplace());
        }
        counters_line(&b, counter_keys[id], counters_total((enum counter_id)id));
    }
    return b.len;
}

/* One writer at a time: two threads exiting or crashing together would otherwise interleave
 * their writes into the same <path>.tmp. A try-lock, never a wait, because the holder may be
 * the very thread that is now in a signal handler; a skipped write is covered by the one in
 * progress. */
static _Atomic int write_busy;

int counters_write_stats(const char *path, const char *reason) {
    if (path == NULL || path[0] == '\0') {
        errno = EINVAL;
        return -1;
    }
    if (atomic_exchange_explicit(&write_busy, 1, memory_order_acquire) != 0) {
        errno = EBUSY;
        return -1;
    }
    int saved_errno = errno;
    int rc = -1;
    char tmp[SHIM_PATH_MAX + 8];
    struct fmt_buf tb;
    fmt_init(&tb, tmp, sizeof tmp - 1);
    fmt_str(&tb, path);
    fmt_str(&tb, ".tmp");
    if (tb.len < sizeof tmp - 1) {
        tmp[tb.len] = '\0';
        static char buf[8192]; /* static: this may run on a 64 KiB signal stack */
        size_t len = counters_format(buf, sizeof buf, reason);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd >= 0) {
            int w = fmt_write_all(fd, buf, len);
            int c = close(fd);
            if (w == 0 && c == 0 && rename(tmp, path) == 0) {
                rc = 0;
            } else {
                unlink(tmp);
            }
        }
    }
    int err = errno;
    atomic_store_explicit(&write_busy, 0, memory_order_release);
    errno = rc == 0 ? saved_errno : err;
    return rc;
}

void counters_write_configured(const char *reason) {
    sched_write_configured(); /* the same exit paths write the schedule */
    if (shim_cfg.stats_path[0] != '\0') {
        counters_write_stats(shim_cfg.stats_path, reason);
    }
}

uint64_t ftshim_counter(const char *key) {
    if (strcmp(key, "number_inplace") == 0) {
        return counters_number_inplace();
    }
    for (int id = 0; id < C_COUNT; id++) {
        if (strcmp(counter_keys[id], key) == 0) {
            return counters_total((enum counter_id)id);
        }
    }
    return UINT64_MAX;
}

int ftshim_stats_write(const char *path) {
    config_ensure_loaded();
    if (path == NULL) {
        path = shim_cfg.stats_path;
    }
    return counters_write_stats(path, "request");
}
