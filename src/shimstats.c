/* shimstats.c - summing the shims' counters; see shimstats.h. */
#include "shimstats.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

/* Keys of the stats file that are not event counters. */
static bool shimstats_isCounter(const char *key) {
    static const char *const not_counters[] = {"ftshim_stats", "pid", "exit", "seed", "noise",
                                               "threads"};
    for (size_t i = 0; i < sizeof(not_counters) / sizeof(not_counters[0]); i++) {
        if (strcmp(key, not_counters[i]) == 0) {
            return false;
        }
    }
    /* number_inplace_add etc. are already summed in number_inplace. */
    return strncmp(key, "number_inplace_", 15) != 0;
}

void shimstats_add(struct shimstats *s, const char *text) {
    if (text == NULL) {
        return;
    }
    struct manifest m;
    char err[256];
    if (!manifest_parse("shim-stats", text, strlen(text), &m, err, sizeof(err))) {
        return;
    }
    s->files++;
    for (size_t i = 0; i < m.count; i++) {
        const char *key = m.entries[i].key;
        if (!shimstats_isCounter(key)) {
            continue;
        }
        uint64_t v = strtoull(m.entries[i].value, NULL, 10);
        int k = 0;
        while (k < s->count && strcmp(s->keys[k], key) != 0) {
            k++;
        }
        if (k == s->count) {
            if (s->count == SHIMSTATS_MAX) {
                continue;
            }
            s->keys[s->count++] = strdup(key);
        }
        s->values[k] += v;
    }
    manifest_free(&m);
}

uint64_t shimstats_get(const struct shimstats *s, const char *key) {
    for (int k = 0; k < s->count; k++) {
        if (strcmp(s->keys[k], key) == 0) {
            return s->values[k];
        }
    }
    return 0;
}

static void shimstats_human(FILE *out, uint64_t v) {
    if (v >= 10000000) {
        fprintf(out, "%.0fM", (double)v / 1e6);
    } else if (v >= 10000) {
        fprintf(out, "%.0fk", (double)v / 1e3);
    } else {
        fprintf(out, "%llu", (unsigned long long)v);
    }
}

void shimstats_print(FILE *out, const struct shimstats *s) {
    if (s->files == 0) {
        return;
    }
    /* The six busiest call kinds, largest first. */
    bool used[SHIMSTATS_MAX] = {false};
    fputs("  shim events:", out);
    for (int shown = 0; shown < 6; shown++) {
        int best = -1;
        for (int k = 0; k < s->count; k++) {
            if (!used[k] && strncmp(s->keys[k], "noise_", 6) != 0 &&
                strncmp(s->keys[k], "anomaly_", 8) != 0 && s->values[k] > 0 &&
                (best < 0 || s->values[k] > s->values[best])) {
                best = k;
            }
        }
        if (best < 0) {
            break;
        }
        used[best] = true;
        fprintf(out, " %s ", s->keys[best]);
        shimstats_human(out, s->values[best]);
    }
    fputs("; noise: ", out);
    shimstats_human(out, shimstats_get(s, "noise_yields"));
    fputs(" yields, ", out);
    shimstats_human(out, shimstats_get(s, "noise_spins"));
    fputs(" spins, ", out);
    shimstats_human(out, shimstats_get(s, "noise_sleeps"));
    fputs(" sleeps\n", out);
}

void shimstats_free(struct shimstats *s) {
    for (int k = 0; k < s->count; k++) {
        free(s->keys[k]);
    }
    memset(s, 0, sizeof(*s));
}
