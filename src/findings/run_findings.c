/* run_findings.c - findings of one run directory; see run_findings.h. */
#include "run_findings.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hang.h"
#include "log.h"
#include "pystacks.h"
#include "signature.h"
#include "symbolize.h"
#include "tsan_format.h"
#include "tsan_report.h"
#include "util.h"

/* One parser for the whole process: compiling its patterns is the costly part. */
static struct tsanreport_parser *run_findings_parser(void) {
    static struct tsanreport_parser *parser;
    if (parser == NULL) {
        parser = tsanreport_parserNew();
    }
    return parser;
}

/* Adds the reports of one TSan log (one process) where route sends them. */
static void run_findings_log(const char *path, const struct pystacks *py, uint64_t seed,
                             struct suppress_set *supp, run_findings_router route, void *route_arg,
                             struct run_findings_stats *stats) {
    struct tsanreport_list list = {0};
    size_t len;
    char *text = util_readFile(path, &len);
    if (text == NULL || tsanreport_parse(run_findings_parser(), text, len, &list) != 0) {
        LOG_W("could not read all of %s", path);
    }
    if (text != NULL) {
        suppress_countTsanLog(supp, text);
    }
    free(text);
    stats->failed_restores += list.failed_restores;
    /* The hook numbers the reports TSan printed through its report path;
     * a deadly signal is printed elsewhere and has no hook record. */
    long seq = 0;
    for (size_t i = 0; i < list.count; i++) {
        const struct tsanreport_report *r = &list.reports[i];
        bool numbered = r->kind != TSANREPORT_DEADLY_SIGNAL;
        if (numbered) {
            seq++;
        }
        if (suppress_matchReport(supp, r)) {
            stats->suppressed++;
            continue;
        }
        const char *pystack = numbered ? pystacks_find(py, r->pid, seq) : NULL;
        struct run_findings_dest dest = route(r->pid, numbered ? seq : 0, pystack, route_arg);
        struct finding f = tsanformat_finding(r, pystack, dest.name);
        if (suppress_matchSignature(supp, f.signature)) {
            stats->suppressed++;
            struct finding_set drop = {0};
            finding_add(&drop, &f, seed);
            finding_setFree(&drop);
            continue;
        }
        stats->tsan_reports++;
        stats->truncated += r->truncated;
        finding_add(dest.set, &f, seed);
    }
    tsanreport_listFree(&list);
}

bool run_findings_collectTsanRouted(const char *dir, uint64_t seed, struct suppress_set *supp,
                                    run_findings_router route, void *route_arg,
                                    struct run_findings_stats *stats) {
    if (run_findings_parser() == NULL) {
        LOG_E("cannot compile the TSan report patterns");
        return false;
    }
    char *py_path = util_asprintf("%s/pystacks", dir);
    struct pystacks py;
    pystacks_load(py_path, &py);
    free(py_path);
    DIR *d = opendir(dir);
    if (d != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strncmp(e->d_name, "tsan.", 5) == 0) {
                char *path = util_asprintf("%s/%s", dir, e->d_name);
                run_findings_log(path, &py, seed, supp, route, route_arg, stats);
                free(path);
            }
        }
        closedir(d);
    }
    pystacks_free(&py);
    return true;
}

/* A run of a scenario: every report is the scenario's. */
static struct run_findings_dest run_findings_toOne(long pid, long seq, const char *pystack,
                                                   void *arg) {
    return *(struct run_findings_dest *)arg;
}

bool run_findings_collectTsan(const char *dir, const char *scenario, uint64_t seed,
                              struct suppress_set *supp, struct finding_set *out,
                              struct run_findings_stats *stats) {
    struct run_findings_dest dest = {out, scenario};
    return run_findings_collectTsanRouted(dir, seed, supp, run_findings_toOne, &dest, stats);
}

/* "function" of the first frame line "  #N function+0x.. (module+0x..)" of a
 * shim crash record that is not plumbing, as "module:function". */
static char *run_findings_crashSite(const char *crash) {
    for (const char *p = crash; p != NULL && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        char function[256], module[512];
        if (sscanf(p, " #%*d %255[^+ ]+0x%*x (%511[^+)]", function, module) == 2 &&
            !signature_isPlumbing(function) && strncmp(function, "ftshim", 6) != 0) {
            const char *slash = strrchr(module, '/');
            return util_asprintf("%s:%s", slash ? slash + 1 : module, function);
        }
    }
    return util_asprintf("?");
}

/* The innermost Python frame of faulthandler's "Current thread" block, as
 * "file.py:function", or "?". */
static char *run_findings_pythonSite(const char *stderr_text) {
    const char *cur = stderr_text ? strstr(stderr_text, "Current thread") : NULL;
    const char *file = cur ? strstr(cur, "File \"") : NULL;
    if (file == NULL) {
        return util_asprintf("?");
    }
    file += 6;
    const char *endq = strchr(file, '"');
    const char *in = endq ? strstr(endq, " in ") : NULL;
    if (in == NULL) {
        return util_asprintf("?");
    }
    char *path = util_strndup(file, (size_t)(endq - file));
    const char *base = strrchr(path, '/');
    char *site =
        util_asprintf("%s:%.*s", base ? base + 1 : path, (int)strcspn(in + 4, "\n"), in + 4);
    free(path);
    return site;
}

void run_findings_addAnomalies(const char *dir, const char *scenario, uint64_t seed,
                               struct suppress_set *supp, struct finding_set *out) {
    char *path = util_asprintf("%s/shim-anomalies", dir);
    char *text = util_readFile(path, NULL);
    free(path);
    if (text == NULL) {
        return;
    }
    /* Records are separated by a blank line; the first line names the kind. */
    for (char *rec = text; rec != NULL && *rec;) {
        char *end = strstr(rec, "\n\n");
        char *next = end ? end + 2 : NULL;
        if (end != NULL) {
            *end = '\0';
        }
        char kind[64], type[128] = "?";
        if (sscanf(rec, "anomaly %63s object=%*s type=%127s", kind, type) >= 1) {
            /* Frame #0 is the shim's own wrapper (it names the C-API call); the
             * site is the first frame past it that is not plumbing. */
            const char *frames = strchr(rec, '\n');
            const char *past_shim = frames ? strstr(frames, "#1 ") : NULL;
            char *site = past_shim ? run_findings_crashSite(past_shim - 1) : util_asprintf("?");
            struct finding f = {0};
            f.signature = util_asprintf("refcount-%s:%s", kind, site);
            if (suppress_matchSignature(supp, f.signature)) {
                free(f.signature);
            } else {
                f.kind = util_asprintf("refcount-%s", kind);
                f.title =
                    util_asprintf("refcount anomaly (%s) on a %s object in %s", kind, type, site);
                f.detail = symbolize_frames(rec);
                f.scenario = scenario ? strdup(scenario) : NULL;
                finding_add(out, &f, seed);
            }
            free(site);
        }
        rec = next;
    }
    free(text);
}

void run_findings_addCrashOrHang(const char *dir, const char *scenario, uint64_t seed,
                                 const char *reason, struct finding_set *out) {
    char *err_path = util_asprintf("%s/stderr", dir);
    char *crash_path = util_asprintf("%s/shim-crash", dir);
    /* A crash's every-thread stacks (taken while it was stopped) read like a hang's. */
    char *hang_path = util_asprintf("%s/%s", dir, reason != NULL ? "crash-stacks" : "hang-stacks");
    char *err = util_readFile(err_path, NULL);
    char *crash = util_readFile(crash_path, NULL);
    char *hang = util_readFile(hang_path, NULL);
    struct finding f = {0};
    if (reason != NULL) {
        char *site = crash ? run_findings_crashSite(crash) : run_findings_pythonSite(err);
        f.signature = util_asprintf("crash:%s:%s", reason, site);
        f.kind = strdup("crash");
        f.title = util_asprintf("crash (%s) in %s", reason, site);
        char *symbolized = crash ? symbolize_frames(crash) : NULL;
        char *all = hang ? symbolize_frames(hang) : NULL;
        f.detail = util_asprintf("%s%s%s%s", crash ? "C stack of the crashing thread:\n" : "",
                                 crash ? symbolized : "",
                                 all ? "\nC stacks of every thread:\n" : "", all ? all : "");
        free(symbolized);
        free(all);
        free(site);
    } else {
        char *site = run_findings_pythonSite(err);
        f.signature = util_asprintf("hang:%s", scenario ? scenario : site);
        f.kind = strdup("hang");
        /* Spinning or all waiting: a livelock or corrupted loop, or a deadlock. */
        char *busy = hang ? hang_busyFunction(hang) : NULL;
        if (busy != NULL) {
            f.title = util_asprintf(
                "hang: no progress within the timeout, a thread busy in %s (main thread at %s)",
                busy, site);
        } else if (hang != NULL) {
            f.title = util_asprintf(
                "hang: no progress within the timeout, every thread waiting (main thread at %s)",
                site);
        } else {
            f.title =
                util_asprintf("hang: no progress within the timeout (main thread at %s)", site);
        }
        free(busy);
        char *symbolized = hang ? symbolize_frames(hang) : NULL;
        f.detail = util_asprintf("%s%s", hang ? "C stacks of every thread:\n" : "",
                                 hang ? symbolized : "");
        free(symbolized);
        free(site);
    }
    f.python_stack = err ? strdup(err) : NULL;
    f.scenario = scenario ? strdup(scenario) : NULL;
    finding_add(out, &f, seed);
    free(err);
    free(crash);
    free(hang);
    free(err_path);
    free(crash_path);
    free(hang_path);
}
