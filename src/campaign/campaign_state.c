/* campaign_state.c - the state directory; see campaign_state.h. */
#include "campaign_state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "manifest.h"
#include "util.h"

const char *campaign_statusName(enum campaign_status status) {
    switch (status) {
    case CAMPAIGN_CLEAN:
        return "clean";
    case CAMPAIGN_FINDINGS:
        return "findings";
    case CAMPAIGN_ERROR:
        return "error";
    case CAMPAIGN_FAILED:
        return "failed";
    }
    return "?";
}

enum campaign_status campaign_statusOfExit(int exit_code) {
    return exit_code == 0   ? CAMPAIGN_CLEAN
           : exit_code == 1 ? CAMPAIGN_FINDINGS
           : exit_code == 2 ? CAMPAIGN_ERROR
                            : CAMPAIGN_FAILED;
}

char *campaign_isoTime(time_t t, char *buf) {
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL || strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
        snprintf(buf, 21, "%s", "1970-01-01T00:00:00Z");
    }
    return buf;
}

bool campaign_stateOpen(const char *dir, struct campaign_state *s, char **error) {
    memset(s, 0, sizeof(*s));
    s->lock_fd = -1;
    s->dir = strdup(dir);
    s->items = util_asprintf("%s/items", dir);
    char *corpus = util_asprintf("%s/corpus", dir);
    s->report = util_asprintf("%s/report.json", dir);
    s->progress = util_asprintf("%s/progress", dir);
    if (!util_mkdirs(s->items) || !util_mkdirs(corpus)) {
        *error = util_asprintf("cannot create the state directory %s: %s", dir, strerror(errno));
        free(corpus);
        return false;
    }
    char real[PATH_MAX];
    s->corpus = strdup(realpath(corpus, real) != NULL ? real : corpus);
    free(corpus);
    char *lock = util_asprintf("%s/lock", dir);
    /* O_CLOEXEC: the items' subprocesses must not hold the lock, or one left
     * behind by a killed campaign would lock its successor out. */
    s->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (s->lock_fd < 0) {
        *error = util_asprintf("cannot open %s: %s", lock, strerror(errno));
        free(lock);
        return false;
    }
    if (flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        *error = util_asprintf("%s is in use by another campaign (%s is locked)", dir, lock);
        free(lock);
        return false;
    }
    free(lock);
    return true;
}

void campaign_stateClose(struct campaign_state *s) {
    if (s->lock_fd >= 0) {
        close(s->lock_fd);
    }
    free(s->dir);
    free(s->items);
    free(s->corpus);
    free(s->report);
    free(s->progress);
    memset(s, 0, sizeof(*s));
    s->lock_fd = -1;
}

char *campaign_statePath(const struct campaign_state *s, const struct campaign_item *it,
                         const char *file) {
    return file != NULL ? util_asprintf("%s/%s/%s", s->items, it->dirname, file)
                        : util_asprintf("%s/%s", s->items, it->dirname);
}

bool campaign_stateWritePlan(const struct campaign_state *s, const struct campaign_plan *p,
                             const char *config, uint64_t seed, char **error) {
    char *path = util_asprintf("%s/plan", s->dir);
    char shard[32];
    snprintf(shard, sizeof(shard), "%d/%d", p->shard, p->shards);
    struct manifest old;
    char err[256];
    if (util_isFile(path) && manifest_load(path, &old, err, sizeof(err))) {
        const char *was = manifest_get(&old, "shard");
        if (was != NULL && strcmp(was, shard) != 0) {
            *error = util_asprintf("%s holds shard %s of a campaign, not shard %s: give each "
                                   "shard its own state directory",
                                   s->dir, was, shard);
            manifest_free(&old);
            free(path);
            return false;
        }
        manifest_free(&old);
    }
    char *text = util_dup("");
    for (size_t i = 0; i <= p->count; i++) {
        if (i == 0) {
            util_appendf(&text,
                         "# ftstress campaign plan: this state directory's work "
                         "items (key, seed, directory under items/)\n"
                         "config=%s\nseed=%" PRIu64 "\nshard=%s\nitems=%zu\n"
                         "total=%zu\n",
                         config, seed, shard, p->count, p->total);
        } else {
            util_appendf(&text, "item.%zu=%s seed=%" PRIu64 " dir=%s line=%d\n", i - 1,
                         p->items[i - 1].key, p->items[i - 1].seed, p->items[i - 1].dirname,
                         p->items[i - 1].line);
        }
    }
    bool ok = util_writeFileAtomic(path, text, strlen(text));
    if (!ok) {
        *error = util_asprintf("cannot write %s: %s", path, strerror(errno));
    }
    free(text);
    free(path);
    return ok;
}

bool campaign_stateLoadResult(const struct campaign_state *s, const struct campaign_item *it,
                              struct campaign_result *r) {
    memset(r, 0, sizeof(*r));
    char *path = campaign_statePath(s, it, "result");
    struct manifest m;
    char err[256];
    bool ok = util_isFile(path) && manifest_load(path, &m, err, sizeof(err));
    free(path);
    if (!ok) {
        return false;
    }
    char seed[32];
    snprintf(seed, sizeof(seed), "%" PRIu64, it->seed);
    const char *key = manifest_get(&m, "key"), *sd = manifest_get(&m, "seed"),
               *spec = manifest_get(&m, "spec"), *status = manifest_get(&m, "status"),
               *code = manifest_get(&m, "exit"), *secs = manifest_get(&m, "seconds"),
               *report = manifest_get(&m, "report"), *finished = manifest_get(&m, "finished");
    ok = key != NULL && strcmp(key, it->key) == 0 && sd != NULL && strcmp(sd, seed) == 0 &&
         spec != NULL && strcmp(spec, it->spec) == 0 && status != NULL && code != NULL;
    if (ok) {
        r->exit_code = atoi(code);
        r->status = campaign_statusOfExit(r->exit_code);
        r->seconds = secs != NULL ? atof(secs) : 0;
        r->has_report = report != NULL && strcmp(report, "report.json") == 0;
        r->finished = strdup(finished != NULL ? finished : "");
        if (r->has_report) {
            char *rp = campaign_statePath(s, it, "report.json");
            ok = util_isFile(rp);
            free(rp);
        }
    }
    manifest_free(&m);
    if (!ok) {
        campaign_resultFree(r);
    }
    return ok;
}

bool campaign_stateSaveResult(const struct campaign_state *s, const struct campaign_item *it,
                              const struct campaign_result *r) {
    char *path = campaign_statePath(s, it, "result");
    char *text =
        util_asprintf("# ftstress campaign: this item completed; a campaign started "
                      "again skips it\n"
                      "key=%s\nkind=%s\nseed=%" PRIu64 "\nspec=%s\nstatus=%s\nexit=%d\n"
                      "seconds=%.3f\nreport=%s\nfinished=%s\n",
                      it->key, campaign_kindName(it->kind), it->seed, it->spec,
                      campaign_statusName(r->status), r->exit_code, r->seconds,
                      r->has_report ? "report.json" : "none", r->finished ? r->finished : "");
    bool ok = util_writeFileAtomic(path, text, strlen(text));
    free(text);
    free(path);
    return ok;
}

bool campaign_stateResetItem(const struct campaign_state *s, const struct campaign_item *it) {
    char *dir = campaign_statePath(s, it, NULL);
    if (!util_mkdirs(dir)) {
        free(dir);
        return false;
    }
    /* The result first: without it nothing else in the directory counts. */
    static const char *const stale[] = {"result", "report.json", "report.other.json"};
    for (size_t i = 0; i < sizeof(stale) / sizeof(stale[0]); i++) {
        char *p = util_asprintf("%s/%s", dir, stale[i]);
        if (unlink(p) != 0 && errno != ENOENT) {
            free(p);
            free(dir);
            return false;
        }
        free(p);
    }
    DIR *d = opendir(dir);
    if (d != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strncmp(e->d_name, "attempt-", 8) == 0) {
                char *p = util_asprintf("%s/%s", dir, e->d_name);
                unlink(p);
                free(p);
            }
        }
        closedir(d);
    }
    free(dir);
    return true;
}

void campaign_resultFree(struct campaign_result *r) {
    free(r->finished);
    memset(r, 0, sizeof(*r));
}
