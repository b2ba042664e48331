/* shimstats.c - summing the shims' counters; see shimstats.h. */
#include "shimstats.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "util.h"

/* Keys of the stats file that are not event counters. */
static bool shimstats_isCounter(const char *key) {
    static const char *const not_counters[] = {"ftshim_stats", "pid",   "exit",
                                               "seed",         "noise", "threads"};
    for (size_t i = 0; i < sizeof(not_counters) / sizeof(not_counters[0]); i++) {
        if (strcmp(key, not_counters[i]) == 0) {
            return false;
        }
    }
    /* number_inplace_add etc. are already summed in number_inplace. */
    return strncmp(key, "number_inplace_", 15) != 0;
}

static void shimstats_addValue(struct shimstats *s, const char *key, uint64_t v) {
    int k = 0;
    while (k < s->count && strcmp(s->keys[k], key) != 0) {
        k++;
    }
    if (k == s->count) {
        if (s->count == SHIMSTATS_MAX) {
            return;
        }
        s->keys[s->count++] = strdup(key);
    }
    s->values[k] += v;
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
        shimstats_addValue(s, key, strtoull(m.entries[i].value, NULL, 10));
    }
    manifest_free(&m);
}

void shimstats_merge(struct shimstats *dst, const struct shimstats *src) {
    for (int k = 0; k < src->count; k++) {
        shimstats_addValue(dst, src->keys[k], src->values[k]);
    }
    dst->files += src->files;
}

void shimstats_addDir(struct shimstats *s, const char *dir) {
    DIR *d = opendir(dir);
    if (d == NULL) {
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        /* "<path>.tmp" is a stats file still being written. */
        if (strncmp(e->d_name, "shim-stats.", 11) != 0 ||
            (n > 4 && strcmp(e->d_name + n - 4, ".tmp") == 0)) {
            continue;
        }
        char *path = util_asprintf("%s/%s", dir, e->d_name);
        char *text = util_readFile(path, NULL);
        shimstats_add(s, text);
        free(text);
        free(path);
    }
    closedir(d);
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
                strncmp(s->keys[k], "anomaly_", 8) != 0 && strncmp(s->keys[k], "sched_", 6) != 0 &&
                s->values[k] > 0 && (best < 0 || s->values[k] > s->values[best])) {
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
