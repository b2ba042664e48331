/* schedule.c - controlled schedules on the runner's side; see schedule.h. */
#include "schedule.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "manifest.h"
#include "shimstats.h"
#include "util.h"

const char *schedule_name(int strategy) {
    switch (strategy) {
    case SCHEDULE_RANDOM:
        return "random";
    case SCHEDULE_PCT:
        return "pct";
    default:
        return "free";
    }
}

bool schedule_parse(const char *text, int *out) {
    for (int s = SCHEDULE_FREE; s <= SCHEDULE_PCT; s++) {
        if (strcmp(text, schedule_name(s)) == 0) {
            *out = s;
            return true;
        }
    }
    LOG_E("--schedule takes free, random or pct, not '%s'", text);
    return false;
}

int schedule_env(const struct ftstress_config *cfg, const char *dir, char **env, int max) {
    int n = 0;
    if (max < 6) {
        return 0;
    }
    env[n++] = util_asprintf("FTSTRESS_SCHEDULE=%s", schedule_name(cfg->schedule));
    if (cfg->schedule == SCHEDULE_FREE) {
        return n;
    }
    env[n++] = util_asprintf("FTSTRESS_SCHED_DEPTH=%d",
                             cfg->depth > 0 ? cfg->depth : SCHEDULE_DEFAULT_DEPTH);
    env[n++] = util_asprintf("FTSTRESS_SCHED_OUT=%s/schedule", dir);
    /* string hashes decide dict and set layouts: the same on every run */
    env[n++] = util_asprintf("PYTHONHASHSEED=0");
    /* Switch points at the container and arithmetic calls and the lines, not at the
     * refcount slow paths: whether those run depends on memory layout (the type cache is
     * indexed by string addresses, a miss decrefs), which another environment or working
     * directory shifts, so a schedule over them would not replay. */
    env[n++] = util_asprintf("FTSTRESS_NOISE_KINDS=list,dict,set,number,object");
    if (cfg->schedule_replay != NULL) {
        env[n++] = util_asprintf("FTSTRESS_SCHED_REPLAY=%s", cfg->schedule_replay);
    }
    return n;
}

static uint64_t schedule_u64(const struct manifest *m, const char *key) {
    const char *v = manifest_get(m, key);
    return v ? strtoull(v, NULL, 10) : 0;
}

bool schedule_load(const char *dir, struct schedule_file *f) {
    memset(f, 0, sizeof(*f));
    char *path = util_asprintf("%s/schedule", dir);
    struct manifest m;
    char err[256];
    bool ok = util_isFile(path) && manifest_load(path, &m, err, sizeof(err));
    free(path);
    if (!ok) {
        return false;
    }
    f->present = true;
    f->strategy = util_dup(manifest_get(&m, "strategy"));
    f->depth = (int)schedule_u64(&m, "depth");
    f->decisions = schedule_u64(&m, "decisions");
    f->watchdog = schedule_u64(&m, "watchdog");
    f->truncated = schedule_u64(&m, "truncated") != 0;
    f->replay = schedule_u64(&m, "replay") != 0;
    f->diverged_at = schedule_u64(&m, "replay_diverged_at");
    f->hash = util_dup(manifest_get(&m, "hash"));
    const char *seq = manifest_get(&m, "seq");
    f->seq = util_dup(seq ? seq : "");
    manifest_free(&m);
    return true;
}

void schedule_fileFree(struct schedule_file *f) {
    free(f->strategy);
    free(f->hash);
    free(f->seq);
    memset(f, 0, sizeof(*f));
}

bool schedule_writeReplay(const char *path, const char *seq) {
    char *text = util_asprintf("seq=%s\n", seq);
    bool ok = util_writeFileAtomic(path, text, strlen(text));
    free(text);
    return ok;
}

char *schedule_outcomes(const struct results *r) {
    char *s = util_dup("");
    for (size_t i = 0; i < r->noutcomes; i++) {
        util_appendf(&s, "%s%s:%ld", i ? ";" : "", r->outcomes[i].result, r->outcomes[i].samples);
    }
    return s;
}

static int schedule_cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *schedule_signatures(const struct finding_set *set) {
    char **sigs = NULL;
    size_t n = 0;
    for (size_t i = 0; i < set->count; i++) {
        util_addUnique(&sigs, &n, set->items[i].signature);
    }
    if (n > 1) {
        qsort(sigs, n, sizeof(char *), schedule_cmp);
    }
    char *s = util_dup("");
    for (size_t i = 0; i < n; i++) {
        util_appendf(&s, "%s%s", i ? "," : "", sigs[i]);
        free(sigs[i]);
    }
    free(sigs);
    return s;
}

char *schedule_interleaving(const char *dir) {
    char *path = util_asprintf("%s/interleaving", dir);
    char *text = util_isFile(path) ? util_readFile(path, NULL) : NULL;
    free(path);
    if (text != NULL && text[0] == '\0') {
        free(text);
        text = NULL;
    }
    return text;
}

void schedule_printSummary(FILE *out, const struct ftstress_config *cfg,
                           const struct shimstats *shim) {
    if (cfg->schedule == SCHEDULE_FREE || shim->files == 0) {
        return;
    }
    fprintf(out, "  schedule: %s", schedule_name(cfg->schedule));
    if (cfg->schedule == SCHEDULE_PCT) {
        fprintf(out, " d=%d", cfg->depth);
    }
    fprintf(out, ", %" PRIu64 " switch points, %" PRIu64 " decisions, %" PRIu64 " switches",
            shimstats_get(shim, "sched_points"), shimstats_get(shim, "sched_decisions"),
            shimstats_get(shim, "sched_switches"));
    uint64_t watchdog = shimstats_get(shim, "sched_watchdog");
    if (watchdog > 0) {
        fprintf(out, "; %" PRIu64 " watchdog hand-off%s: not deterministic", watchdog,
                watchdog == 1 ? "" : "s");
    }
    fputc('\n', out);
}
