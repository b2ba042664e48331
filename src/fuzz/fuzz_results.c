/* fuzz_results.c - reading the fuzz harness's results file; see fuzz_results.h. */
#include "fuzz_results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define FUZZ_RESULTS_FORMAT "ftstress-fuzz 1"
#define FUZZ_RESULTS_MAX_FIELDS 10

char *fuzz_resultsUnescape(const char *field, size_t len) {
    char *out = malloc(len + 1);
    if (out == NULL) {
        abort();
    }
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = field[i];
        if (c == '\\' && i + 1 < len) {
            char e = field[++i];
            c = (char)(e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e);
        }
        out[n++] = c;
    }
    out[n] = '\0';
    return out;
}

/* Splits a line into at most max unescaped fields; returns how many. */
static size_t fuzz_resultsSplit(const char *line, size_t len, char **fields, size_t max) {
    size_t n = 0;
    const char *p = line, *end = line + len;
    while (n < max) {
        const char *tab = memchr(p, '\t', (size_t)(end - p));
        /* The last field takes the rest of the line, tabs included. */
        const char *stop = tab != NULL && n + 1 < max ? tab : end;
        fields[n++] = fuzz_resultsUnescape(p, (size_t)(stop - p));
        if (stop == end) {
            break;
        }
        p = stop + 1;
    }
    return n;
}

static long fuzz_resultsLong(const char *s) {
    return s ? strtol(s, NULL, 10) : 0;
}

static void fuzz_resultsLine(struct fuzz_results *r, char **f, size_t n) {
    const char *tag = f[0];
    if (strcmp(tag, "error") == 0 && n >= 3 && strcmp(f[1], "harness") == 0) {
        if (r->harness_error == NULL) {
            r->harness_error = strdup(f[2]);
            r->harness_detail = n >= 4 ? strdup(f[3]) : NULL;
        }
    } else if (strcmp(tag, "error") == 0 && n >= 3 && r->error == NULL) {
        r->error = strdup(f[2]);
    } else if (strcmp(tag, "pairs") == 0 && n >= 3) {
        /* written every few seconds: the last block (pairs, pairhit..., pairtop...) wins */
        fuzz_resultsFreePairs(r->pair_hits, r->npair_hits);
        fuzz_resultsFreePairs(r->pair_top, r->npair_top);
        r->pair_hits = r->pair_top = NULL;
        r->npair_hits = r->npair_top = 0;
        r->pairs_seen = fuzz_resultsLong(f[1]);
        r->pairs_possible = fuzz_resultsLong(f[2]);
    } else if ((strcmp(tag, "pairhit") == 0 && n >= 5) || (strcmp(tag, "pairtop") == 0 && n >= 4)) {
        bool hit = tag[4] == 'h';
        struct fuzz_pair **list = hit ? &r->pair_hits : &r->pair_top;
        size_t *count = hit ? &r->npair_hits : &r->npair_top;
        *list = util_grow(*list, *count, sizeof(**list));
        struct fuzz_pair *p = &(*list)[(*count)++];
        p->a = strdup(f[1]);
        p->b = strdup(f[2]);
        p->ran = fuzz_resultsLong(f[3]);
        p->hits = hit ? fuzz_resultsLong(f[4]) : 0;
    } else if (strcmp(tag, "skip") == 0 && n >= 3) {
        r->skipped = util_grow(r->skipped, r->nskipped, sizeof(*r->skipped));
        r->skipped[r->nskipped].name = strdup(f[1]);
        r->skipped[r->nskipped].reason = strdup(f[2]);
        r->nskipped++;
    } else if (strcmp(tag, "target") == 0 && n >= 3) {
        free(r->target);
        free(r->mode);
        r->target = strdup(f[1]);
        r->mode = strdup(f[2]);
    } else if (strcmp(tag, "op") == 0 && n >= 3) {
        r->ops = util_grow(r->ops, r->nops, sizeof(*r->ops));
        r->ops[r->nops++] = strdup(f[2]);
    } else if (strcmp(tag, "param") == 0 && n >= 3) {
        if (strcmp(f[1], "threads") == 0) {
            r->threads = (int)fuzz_resultsLong(f[2]);
        } else if (strcmp(f[1], "ops") == 0) {
            r->ops_per_thread = (int)fuzz_resultsLong(f[2]);
        } else if (strcmp(f[1], "linearizable") == 0) {
            r->linearizable = (int)fuzz_resultsLong(f[2]);
        }
    } else if (strcmp(tag, "gil") == 0 && n >= 2 && r->gil_module == NULL) {
        r->gil_module = strdup(f[1]);
    } else if (strcmp(tag, "started") == 0 && n >= 2) {
        r->started = strtod(f[1], NULL);
    } else if (strcmp(tag, "iter") == 0 && n >= 2) {
        free(r->last_iter);
        r->last_iter = strdup(f[1]);
    } else if (strcmp(tag, "progress") == 0 && n >= 4) {
        r->iterations = fuzz_resultsLong(f[1]);
        r->ops_done = fuzz_resultsLong(f[2]);
        r->seconds = strtod(f[3], NULL);
        if (n >= 6) {
            r->lin_checked = fuzz_resultsLong(f[4]);
            r->lin_undecided = fuzz_resultsLong(f[5]);
        }
    } else if (strcmp(tag, "tsan") == 0 && n >= 5) {
        r->events = util_grow(r->events, r->nevents, sizeof(*r->events));
        struct fuzz_event *e = &r->events[r->nevents++];
        e->type = FUZZ_EVENT_TSAN;
        e->label = strdup(f[1]);
        e->off_begin = fuzz_resultsLong(f[2]);
        e->off_end = fuzz_resultsLong(f[3]);
        e->seconds = strtod(f[4], NULL);
        e->tid = e->opk = -1;
    } else if (strcmp(tag, "finding") == 0 && n >= 7) {
        r->events = util_grow(r->events, r->nevents, sizeof(*r->events));
        struct fuzz_event *e = &r->events[r->nevents++];
        e->type = FUZZ_EVENT_FINDING;
        e->label = strdup(f[1]);
        e->kind = strdup(f[2]);
        e->tid = (int)fuzz_resultsLong(f[3]);
        e->opk = (int)fuzz_resultsLong(f[4]);
        e->op = strdup(f[5]);
        e->message = strdup(f[6]);
        e->detail = n >= 8 ? strdup(f[7]) : NULL;
        e->seconds = -1;
    } else if (strcmp(tag, "outcome") == 0 && n >= 4) {
        r->events = util_grow(r->events, r->nevents, sizeof(*r->events));
        struct fuzz_event *e = &r->events[r->nevents++];
        e->type = FUZZ_EVENT_OUTCOME;
        e->label = strdup(f[1]);
        e->op = strdup(f[2]);
        e->message = strdup(f[3]);
        e->tid = e->opk = -1;
        e->seconds = -1;
    } else if (strcmp(tag, "plan") == 0 && n >= 3) {
        r->plans = util_grow(r->plans, r->nplans, sizeof(*r->plans));
        struct fuzz_planLine *pl = &r->plans[r->nplans++];
        pl->label = strdup(f[1]);
        pl->tid = (int)fuzz_resultsLong(f[2]);
        pl->text = strdup(n >= 4 ? f[3] : "");
    } else if (strcmp(tag, "entry") == 0 && n >= 3) {
        r->entries = util_grow(r->entries, r->nentries, sizeof(*r->entries));
        r->entries[r->nentries].name = strdup(f[1]);
        r->entries[r->nentries].kind = strdup(f[2]);
        r->nentries++;
    } else if (strcmp(tag, "stopped") == 0 && n >= 2) {
        free(r->stopped);
        r->stopped = strdup(f[1]);
    } else if (strcmp(tag, "candidate_done") == 0) {
        r->candidates_done++;
    } else if (strcmp(tag, "end") == 0 && n >= 2) {
        r->final = strcmp(f[1], "final") == 0;
    }
}

bool fuzz_resultsParse(const char *text, size_t len, struct fuzz_results *r) {
    memset(r, 0, sizeof(*r));
    const char *end = text + len;
    for (const char *line = text; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        if (nl == NULL) {
            break; /* a line cut off by a crash */
        }
        size_t llen = (size_t)(nl - line);
        if (!r->seen) {
            r->seen =
                llen == strlen(FUZZ_RESULTS_FORMAT) && memcmp(line, FUZZ_RESULTS_FORMAT, llen) == 0;
            if (!r->seen) {
                return false;
            }
        } else if (llen > 0) {
            char *fields[FUZZ_RESULTS_MAX_FIELDS] = {0};
            size_t n = fuzz_resultsSplit(line, llen, fields, FUZZ_RESULTS_MAX_FIELDS);
            fuzz_resultsLine(r, fields, n);
            free(r->last_line);
            r->last_line = fuzz_resultsUnescape(line, llen);
            for (size_t i = 0; i < n; i++) {
                free(fields[i]);
            }
        }
        line = nl + 1;
    }
    return r->seen;
}

bool fuzz_resultsLoad(const char *path, struct fuzz_results *r) {
    size_t len;
    char *text = util_readFile(path, &len);
    if (text == NULL) {
        memset(r, 0, sizeof(*r));
        return false;
    }
    bool ok = fuzz_resultsParse(text, len, r);
    free(text);
    return ok;
}

bool fuzz_resultsPlan(const struct fuzz_results *r, const char *label, struct fuzz_plan *out) {
    memset(out, 0, sizeof(*out));
    bool found = false;
    for (size_t i = 0; i < r->nplans; i++) {
        const struct fuzz_planLine *pl = &r->plans[i];
        char err[128];
        if (pl->tid >= 0 && strcmp(pl->label, label) == 0 &&
            fuzz_planSetThread(out, (size_t)pl->tid, pl->text, err, sizeof(err))) {
            found = true;
        }
    }
    return found;
}

void fuzz_resultsFreePairs(struct fuzz_pair *pairs, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free(pairs[i].a);
        free(pairs[i].b);
    }
    free(pairs);
}

void fuzz_resultsFree(struct fuzz_results *r) {
    fuzz_resultsFreePairs(r->pair_hits, r->npair_hits);
    fuzz_resultsFreePairs(r->pair_top, r->npair_top);
    free(r->error);
    free(r->gil_module);
    free(r->harness_error);
    free(r->harness_detail);
    for (size_t i = 0; i < r->nskipped; i++) {
        free(r->skipped[i].name);
        free(r->skipped[i].reason);
    }
    free(r->skipped);
    free(r->last_line);
    free(r->target);
    free(r->mode);
    for (size_t i = 0; i < r->nops; i++) {
        free(r->ops[i]);
    }
    free(r->ops);
    free(r->last_iter);
    free(r->stopped);
    for (size_t i = 0; i < r->nevents; i++) {
        struct fuzz_event *e = &r->events[i];
        free(e->label);
        free(e->kind);
        free(e->op);
        free(e->message);
        free(e->detail);
    }
    free(r->events);
    for (size_t i = 0; i < r->nplans; i++) {
        free(r->plans[i].label);
        free(r->plans[i].text);
    }
    free(r->plans);
    for (size_t i = 0; i < r->nentries; i++) {
        free(r->entries[i].name);
        free(r->entries[i].kind);
    }
    free(r->entries);
    memset(r, 0, sizeof(*r));
}
