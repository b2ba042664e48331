/* shim_config.c - the shim's environment (see ftshim.h), parsed once.
 *
 * The environment is read at the first intercepted call or in the library constructor,
 * whichever comes first: another library's constructor may call into libpython before ours
 * runs, and its calls must already see the configured seed. */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schedule.h"
#include "shim_internal.h"

struct shim_config shim_cfg;
_Atomic uint8_t shim_noise_by_kind[NK_COUNT];

static const char *const kind_names[NK_COUNT] = {
    [NK_REFCOUNT] = "refcount", [NK_LIST] = "list",     [NK_DICT] = "dict",
    [NK_SET] = "set",           [NK_NUMBER] = "number", [NK_OBJECT] = "object",
};

int config_parse_u64(const char *s, uint64_t *out) {
    if (s == NULL || *s == '\0') {
        return -1;
    }
    uint64_t v = 0;
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        if (*s == '\0') {
            return -1;
        }
    }
    for (; *s; s++) {
        unsigned d;
        if (*s >= '0' && *s <= '9') {
            d = (unsigned)(*s - '0');
        } else if (base == 16 && *s >= 'a' && *s <= 'f') {
            d = (unsigned)(*s - 'a' + 10);
        } else if (base == 16 && *s >= 'A' && *s <= 'F') {
            d = (unsigned)(*s - 'A' + 10);
        } else {
            return -1;
        }
        if (d >= base || v > (UINT64_MAX - d) / base) {
            return -1; /* overflow */
        }
        v = v * base + d;
    }
    *out = v;
    return 0;
}

int config_parse_level(const char *s, int *out) {
    if (s == NULL) {
        return -1;
    }
    if (strcmp(s, "off") == 0 || strcmp(s, "0") == 0) {
        *out = FTSHIM_NOISE_OFF;
    } else if (strcmp(s, "low") == 0) {
        *out = FTSHIM_NOISE_LOW;
    } else if (strcmp(s, "high") == 0) {
        *out = FTSHIM_NOISE_HIGH;
    } else {
        return -1;
    }
    return 0;
}

const char *config_level_name(int level) {
    switch (level) {
    case FTSHIM_NOISE_LOW:
        return "low";
    case FTSHIM_NOISE_HIGH:
        return "high";
    default:
        return "off";
    }
}

int config_parse_kinds(const char *s, unsigned *out) {
    if (s == NULL) {
        return -1;
    }
    unsigned mask = 0;
    while (*s) {
        size_t n = strcspn(s, ",");
        while (n > 0 && s[0] == ' ') {
            s++, n--;
        }
        size_t m = n;
        while (m > 0 && s[m - 1] == ' ') {
            m--;
        }
        if (m == 3 && strncmp(s, "all", 3) == 0) {
            mask |= (1u << NK_COUNT) - 1;
        } else if (m > 0) {
            int found = -1;
            for (int k = 0; k < NK_COUNT; k++) {
                if (strlen(kind_names[k]) == m && strncmp(s, kind_names[k], m) == 0) {
                    found = k;
                }
            }
            if (found < 0) {
                return -1;
            }
            mask |= 1u << found;
        }
        s += n;
        if (*s == ',') {
            s++;
        }
    }
    *out = mask;
    return 0;
}

static void config_warn(const char *var, const char *value, const char *fallback) {
    /* stderr of the interpreter under test is what the runner shows the user: say once what
     * was ignored rather than silently running another configuration. */
    fprintf(stderr, "ftshim: ignoring %s=\"%s\" (using %s)\n", var, value, fallback);
}

/* Whether each path came with "%p" (re-expanded after fork). */
static bool stats_per_pid, anomalies_per_pid, crash_per_pid;

static void config_path(const char *var, char *dst, bool *per_pid) {
    const char *v = getenv(var);
    dst[0] = '\0';
    *per_pid = false;
    if (v == NULL || *v == '\0') {
        return;
    }
    *per_pid = strstr(v, "%p") != NULL;
    if (fmt_expand_path(dst, SHIM_PATH_MAX, v, getpid()) != 0) {
        config_warn(var, v, "nothing: path too long");
    }
}

static void config_load(void) {
    const char *v;
    shim_cfg.seed = 0;
    if ((v = getenv("FTSTRESS_SEED")) != NULL && *v && config_parse_u64(v, &shim_cfg.seed) != 0) {
        config_warn("FTSTRESS_SEED", v, "0");
        shim_cfg.seed = 0;
    }
    shim_cfg.noise_level = FTSHIM_NOISE_OFF;
    if ((v = getenv("FTSTRESS_NOISE")) != NULL && *v &&
        config_parse_level(v, &shim_cfg.noise_level) != 0) {
        config_warn("FTSTRESS_NOISE", v, "off");
        shim_cfg.noise_level = FTSHIM_NOISE_OFF;
    }
    shim_cfg.noise_kinds = (1u << NK_COUNT) - 1;
    if ((v = getenv("FTSTRESS_NOISE_KINDS")) != NULL && *v &&
        config_parse_kinds(v, &shim_cfg.noise_kinds) != 0) {
        config_warn("FTSTRESS_NOISE_KINDS", v, "all");
        shim_cfg.noise_kinds = (1u << NK_COUNT) - 1;
    }
    config_path("FTSTRESS_SHIM_STATS", shim_cfg.stats_path, &stats_per_pid);
    config_path("FTSTRESS_SHIM_ANOMALIES", shim_cfg.anomalies_path, &anomalies_per_pid);
    config_path("FTSTRESS_SHIM_CRASH", shim_cfg.crash_path, &crash_per_pid);
    v = getenv("FTSTRESS_SHIM_CRASH_STOP");
    shim_cfg.crash_stop = v != NULL && strcmp(v, "1") == 0;

    /* A controlled schedule replaces the noise: the selected kinds become switch points. */
    sched_config_load();
    uint8_t on = sched_enabled ? NOISE_SCHED : (uint8_t)shim_cfg.noise_level;
    for (int k = 0; k < NK_COUNT; k++) {
        uint8_t level = (shim_cfg.noise_kinds & (1u << k)) ? on : 0;
        atomic_store_explicit(&shim_noise_by_kind[k], level, memory_order_relaxed);
    }
    atomic_store_explicit(&anomaly_tracking, shim_cfg.anomalies_path[0] != '\0',
                          memory_order_relaxed);
}

void config_ensure_loaded(void) {
    /* 0: not loaded, 1: a thread is loading, 2: loaded. */
    static _Atomic int state;
    int s = atomic_load_explicit(&state, memory_order_acquire);
    if (SHIM_LIKELY(s == 2)) {
        return;
    }
    int expected = 0;
    if (atomic_compare_exchange_strong_explicit(&state, &expected, 1, memory_order_acq_rel,
                                                memory_order_acquire)) {
        config_load();
        atomic_store_explicit(&state, 2, memory_order_release);
        return;
    }
    while (atomic_load_explicit(&state, memory_order_acquire) != 2) {
        sched_yield();
    }
}

void config_after_fork(void) {
    bool unused;
    if (stats_per_pid) {
        config_path("FTSTRESS_SHIM_STATS", shim_cfg.stats_path, &unused);
    } else {
        shim_cfg.stats_path[0] = '\0';
    }
    if (anomalies_per_pid) {
        config_path("FTSTRESS_SHIM_ANOMALIES", shim_cfg.anomalies_path, &unused);
    }
    if (crash_per_pid) {
        config_path("FTSTRESS_SHIM_CRASH", shim_cfg.crash_path, &unused);
    }
}

int ftshim_noise_level(void) {
    config_ensure_loaded();
    return shim_cfg.noise_level;
}
