/* tsan_report.c - ThreadSanitizer log parser; see tsan_report.h.
 *
 * The text is read line by line. Each line is tried against PCRE2 patterns in a
 * fixed order; a line that opens a section (an access, a location, a thread, ...)
 * makes that section's stack the one that following "#n" frames go to. The small
 * token splits (frame location, pid, held mutexes) are done by hand in C: that is
 * easier to keep linear-time than a regex with several optional parts. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem, memrchr */
#endif
#define PCRE2_CODE_UNIT_WIDTH 8
#include "tsan_report.h"

#include <errno.h>
#include <limits.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum pat {
    PAT_FAILED,
    PAT_HEADER,
    PAT_ERROR,
    PAT_REPORTED,
    PAT_SEPARATOR,
    PAT_SUMMARY,
    PAT_FRAME,
    PAT_ACCESS,
    PAT_LOC_HEAP,
    PAT_LOC_GLOBAL,
    PAT_LOC_OWNED,
    PAT_LOC_FD,
    PAT_LOC_OTHER,
    PAT_EDGE,
    PAT_MUTEX,
    PAT_THREAD,
    PAT_SECTION,
    PAT_COUNT
};

#define HEX "0x([0-9a-fA-F]{1,16})"
/* Two groups: "main thread" or the N of "thread TN". */
#define BY_THREAD "(?:(main thread)|thread T([0-9]{1,9}))(?: '[^']*')?"
#define MODULE "\\(([^()\\s]+)\\+" HEX "\\)"

/* Lines reach these with trailing whitespace removed, so "$" is the real end. */
static const char *const patterns[PAT_COUNT] = {
    [PAT_FAILED] = "\\[failed to restore the stack\\]",
    [PAT_HEADER] = "WARNING: ThreadSanitizer: (.+)$",
    [PAT_ERROR] = "==([0-9]{1,10})==ERROR: ThreadSanitizer: (.+)$",
    [PAT_REPORTED] = "^ThreadSanitizer: reported ([0-9]{1,9}) warnings?$",
    [PAT_SEPARATOR] = "^={18}$",
    [PAT_SUMMARY] = "^\\s*SUMMARY: ThreadSanitizer: (.*)$",
    /* 1 index, 2 "function location", 3 module, 4 offset. */
    [PAT_FRAME] = "^\\s*#([0-9]{1,9}) (?:0x[0-9a-fA-F]+ in )?(.*?)(?: " MODULE ")?"
                  "(?: \\(BuildId: [0-9a-fA-F]*\\))?$",
    /* 1 previous, 2 atomic, 3 read/write, 4 size, 5 address, 6-7 thread, 8 mutexes. */
    [PAT_ACCESS] = "^\\s*(Previous )?((?:[Aa]tomic )?)([Rr]ead|[Ww]rite) of size ([0-9]{1,20})"
                   " at " HEX " by " BY_THREAD "(?: \\(mutexes: ([^)]*)\\))?:?$",
    /* 1 size, 2 address, 3-4 thread. */
    [PAT_LOC_HEAP] = "^\\s*Location is heap block of size ([0-9]{1,20}) at " HEX
                     " allocated by " BY_THREAD ":?$",
    /* 1 name, 2 size, 3 address, 4 module, 5 offset. */
    [PAT_LOC_GLOBAL] =
        "^\\s*Location is global '(.*)'(?: of size ([0-9]{1,20}))? at " HEX "(?: " MODULE ")?$",
    /* 1 "stack" or "TLS", 2-3 thread. */
    [PAT_LOC_OWNED] = "^\\s*Location is (stack|TLS) of " BY_THREAD "\\.?$",
    /* 1 fd, 2-3 thread. */
    [PAT_LOC_FD] =
        "^\\s*Location is file descriptor ([0-9]{1,9}) (?:created|destroyed) by " BY_THREAD
        "(?: at)?:?$",
    [PAT_LOC_OTHER] = "^\\s*Location is (.+)$",
    /* 1 acquired, 2 held, 3-4 thread. */
    [PAT_EDGE] =
        "^\\s*Mutex M([0-9]{1,9}) acquired here while holding mutex M([0-9]{1,9}) in " BY_THREAD
        ":?$",
    /* 1 id, 2 address, 3 "is already destroyed" when so. */
    [PAT_MUTEX] = "^\\s*Mutex M([0-9]{1,9})(?: \\(" HEX "\\))?"
                  " (?:created at:|(is already destroyed)\\.?)$",
    /* 1 id, 2 name, 3 tid, 4 state, 5-6 creator. */
    [PAT_THREAD] = "^\\s*Thread T([0-9]{1,9})(?: '(.*?)')? \\(tid=([0-9]{1,12}), ([a-z]+)\\)"
                   "(?: created by (?:" BY_THREAD "|unknown thread))?",
    /* Any other titled stack, e.g. "As if synchronized via sleep:". */
    [PAT_SECTION] = "^ {1,8}(\\S.*):$",
};

/* Whose stack the next frames belong to: always the last element of that array. */
enum owner {
    OWN_NONE,
    OWN_REPORT,
    OWN_ACCESS,
    OWN_LOCATION,
    OWN_MUTEX,
    OWN_EDGE,
    OWN_THREAD,
    OWN_NOTE
};

struct tsanreport_parser {
    pcre2_code *code[PAT_COUNT];
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    /* The line being matched and the number of groups set, for the group helpers. */
    const char *line;
    int rc;
    /* State of one tsanreport_parse call. */
    struct tsanreport_list *out;
    bool open;
    struct tsanreport_report cur;
    enum owner owner;
    bool oom;
    void *grown; /* scratch for APPEND */
};

/* ---------- small helpers ---------- */

static bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

static int hexValue(char c) {
    if (isDigit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Saturating conversion of the leading digits of s[0..n). */
static uint64_t toU64(const char *s, size_t n, int base) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        int d = base == 16 ? hexValue(s[i]) : (isDigit(s[i]) ? s[i] - '0' : -1);
        if (d < 0)
            break;
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            return UINT64_MAX;
        v = v * (uint64_t)base + (uint64_t)d;
    }
    return v;
}

static int toInt(const char *s, size_t n) {
    uint64_t v = toU64(s, n, 10);
    return v > INT_MAX ? INT_MAX : (int)v;
}

/* Copies s[0..n) into a new NUL-terminated string; NULL (and oom noted) on failure. */
static char *copyStr(struct tsanreport_parser *p, const char *s, size_t n) {
    char *c = malloc(n + 1);
    if (c == NULL) {
        p->oom = true;
        return NULL;
    }
    memcpy(c, s, n);
    c[n] = '\0';
    return c;
}

/* Makes p->grown an array able to hold count + 1 items; capacity is implicit and
 * doubles each time count reaches a power of two, so no cap field is needed. */
static bool reserve(struct tsanreport_parser *p, void *items, size_t count, size_t size) {
    p->grown = items;
    if (count != 0 && (count & (count - 1)) != 0)
        return true;
    void *grown = realloc(items, (count ? count * 2 : 1) * size);
    if (grown == NULL) {
        p->oom = true;
        return false;
    }
    p->grown = grown;
    return true;
}

static void *zeroed(void *item, size_t size) {
    return memset(item, 0, size);
}

/* Appends a zeroed element to array `arr` of length `n` (both lvalues) and yields its
 * address, or NULL when memory ran out (the array is then left as it was). */
#define APPEND(p, arr, n)                                                                          \
    (reserve((p), (arr), (n), sizeof(*(arr)))                                                      \
         ? ((arr) = (p)->grown, zeroed(&(arr)[(n)++], sizeof(*(arr))))                             \
         : NULL)

/* ---------- matching ---------- */

static bool match(struct tsanreport_parser *p, enum pat which, const char *s, size_t n) {
    int rc = pcre2_match(p->code[which], (PCRE2_SPTR)s, n, 0, 0, p->md, p->mctx);
    p->line = s;
    p->rc = rc > 0 ? rc : 0; /* a match limit hit counts as no match */
    return rc > 0;
}

/* Points *s and *n at group i of the last match; false when the group did not take part. */
static bool group(const struct tsanreport_parser *p, int i, const char **s, size_t *n) {
    if (i >= p->rc)
        return false;
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(p->md) + 2 * (size_t)i;
    if (ov[0] == PCRE2_UNSET || ov[1] < ov[0])
        return false;
    *s = p->line + ov[0];
    *n = ov[1] - ov[0];
    return true;
}

static char *groupStr(struct tsanreport_parser *p, int i) {
    const char *s;
    size_t n;
    return group(p, i, &s, &n) ? copyStr(p, s, n) : NULL;
}

static uint64_t groupNum(const struct tsanreport_parser *p, int i, int base) {
    const char *s;
    size_t n;
    return group(p, i, &s, &n) ? toU64(s, n, base) : 0;
}

static bool groupSet(const struct tsanreport_parser *p, int i) {
    const char *s;
    size_t n;
    return group(p, i, &s, &n) && n > 0;
}

/* Groups i and i+1 come from BY_THREAD: "main thread" or "thread TN". */
static int groupThread(const struct tsanreport_parser *p, int i) {
    if (groupSet(p, i))
        return TSANREPORT_MAIN_THREAD;
    if (groupSet(p, i + 1)) {
        uint64_t v = groupNum(p, i + 1, 10);
        return v > INT_MAX ? INT_MAX : (int)v;
    }
    return TSANREPORT_NO_THREAD;
}

/* ---------- freeing ---------- */

static void freeStack(struct tsanreport_stack *st) {
    for (size_t i = 0; i < st->count; i++) {
        free(st->frames[i].function);
        free(st->frames[i].file);
        free(st->frames[i].module);
    }
    free(st->frames);
}

static void freeReport(struct tsanreport_report *r) {
    free(r->title);
    free(r->summary);
    freeStack(&r->stack);
    for (size_t i = 0; i < r->naccesses; i++) {
        free(r->accesses[i].held);
        freeStack(&r->accesses[i].stack);
    }
    for (size_t i = 0; i < r->nlocations; i++) {
        free(r->locations[i].text);
        free(r->locations[i].name);
        free(r->locations[i].module);
        freeStack(&r->locations[i].stack);
    }
    for (size_t i = 0; i < r->nmutexes; i++)
        freeStack(&r->mutexes[i].stack);
    for (size_t i = 0; i < r->nedges; i++)
        freeStack(&r->edges[i].stack);
    for (size_t i = 0; i < r->nthreads; i++) {
        free(r->threads[i].name);
        free(r->threads[i].state);
        freeStack(&r->threads[i].stack);
    }
    for (size_t i = 0; i < r->nnotes; i++) {
        free(r->notes[i].title);
        freeStack(&r->notes[i].stack);
    }
    free(r->accesses);
    free(r->locations);
    free(r->mutexes);
    free(r->edges);
    free(r->threads);
    free(r->notes);
}

void tsanreport_listFree(struct tsanreport_list *list) {
    if (list == NULL)
        return;
    for (size_t i = 0; i < list->count; i++)
        freeReport(&list->reports[i]);
    free(list->reports);
    memset(list, 0, sizeof(*list));
}

/* ---------- names ---------- */

const char *tsanreport_kindName(enum tsanreport_kind kind) {
    switch (kind) {
    case TSANREPORT_DATA_RACE:
        return "data-race";
    case TSANREPORT_HEAP_USE_AFTER_FREE:
        return "heap-use-after-free";
    case TSANREPORT_LOCK_ORDER_INVERSION:
        return "lock-order-inversion";
    case TSANREPORT_THREAD_LEAK:
        return "thread-leak";
    case TSANREPORT_SIGNAL_UNSAFE_CALL:
        return "signal-unsafe-call";
    case TSANREPORT_SIGNAL_SPOILS_ERRNO:
        return "signal-spoils-errno";
    case TSANREPORT_MUTEX_MISUSE:
        return "mutex-misuse";
    case TSANREPORT_DEADLY_SIGNAL:
        return "deadly-signal";
    case TSANREPORT_UNKNOWN:
        break;
    }
    return "unknown";
}

bool tsanreport_isKindName(const char *name) {
    for (int k = TSANREPORT_UNKNOWN; k <= TSANREPORT_DEADLY_SIGNAL; k++) {
        if (strcmp(name, tsanreport_kindName((enum tsanreport_kind)k)) == 0) {
            return true;
        }
    }
    return false;
}

const char *tsanreport_locationTypeName(enum tsanreport_locationType type) {
    switch (type) {
    case TSANREPORT_LOC_HEAP:
        return "heap";
    case TSANREPORT_LOC_GLOBAL:
        return "global";
    case TSANREPORT_LOC_STACK:
        return "stack";
    case TSANREPORT_LOC_TLS:
        return "tls";
    case TSANREPORT_LOC_FD:
        return "fd";
    case TSANREPORT_LOC_OTHER:
        break;
    }
    return "other";
}

static bool startsWith(const char *s, size_t n, const char *prefix) {
    size_t k = strlen(prefix);
    return n >= k && memcmp(s, prefix, k) == 0;
}

/* Maps a "WARNING: ThreadSanitizer: <title>" title to its kind by prefix. */
static enum tsanreport_kind warningKind(const char *t, size_t n) {
    static const struct {
        const char *prefix;
        enum tsanreport_kind kind;
    } table[] = {
        {"data race", TSANREPORT_DATA_RACE},
        {"heap-use-after-free", TSANREPORT_HEAP_USE_AFTER_FREE},
        {"lock-order-inversion", TSANREPORT_LOCK_ORDER_INVERSION},
        {"thread leak", TSANREPORT_THREAD_LEAK},
        {"signal-unsafe call", TSANREPORT_SIGNAL_UNSAFE_CALL},
        {"signal handler spoils errno", TSANREPORT_SIGNAL_SPOILS_ERRNO},
        {"unlock of an unlocked mutex", TSANREPORT_MUTEX_MISUSE},
        {"destroy of a locked mutex", TSANREPORT_MUTEX_MISUSE},
        {"double lock of a mutex", TSANREPORT_MUTEX_MISUSE},
        {"use of an invalid mutex", TSANREPORT_MUTEX_MISUSE},
        {"read lock of a write locked mutex", TSANREPORT_MUTEX_MISUSE},
        {"read unlock of a write locked mutex", TSANREPORT_MUTEX_MISUSE},
        {"mutex held in the wrong context", TSANREPORT_MUTEX_MISUSE},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (startsWith(t, n, table[i].prefix))
            return table[i].kind;
    return TSANREPORT_UNKNOWN;
}

/* Maps an "==PID==ERROR: ThreadSanitizer: <title>" title: the deadly signals by name. */
static enum tsanreport_kind errorKind(const char *t, size_t n) {
    static const char *const signals[] = {
        "SEGV ", "BUS ", "FPE ", "ILL ", "ABRT ", "TRAP ", "UNKNOWN SIGNAL ", "stack-overflow "};
    for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
        if (startsWith(t, n, signals[i]))
            return TSANREPORT_DEADLY_SIGNAL;
    return TSANREPORT_UNKNOWN;
}

/* If t[0..*n) ends with "(pid=N)", returns N and shortens *n to drop it; else -1. */
static long splitPid(const char *t, size_t *n) {
    size_t close = *n;
    if (close == 0 || t[close - 1] != ')')
        return -1;
    close--;
    size_t i = close;
    while (i > 0 && isDigit(t[i - 1]))
        i--;
    if (i == close || i < 5 || memcmp(t + i - 5, "(pid=", 5) != 0)
        return -1;
    uint64_t pid = toU64(t + i, close - i, 10);
    size_t start = i - 5;
    while (start > 0 && t[start - 1] == ' ')
        start--;
    *n = start;
    return pid > LONG_MAX ? LONG_MAX : (long)pid;
}

/* ---------- report assembly ---------- */

static struct tsanreport_stack *currentStack(struct tsanreport_parser *p) {
    struct tsanreport_report *r = &p->cur;
    switch (p->owner) {
    case OWN_REPORT:
        return &r->stack;
    case OWN_ACCESS:
        return r->naccesses ? &r->accesses[r->naccesses - 1].stack : NULL;
    case OWN_LOCATION:
        return r->nlocations ? &r->locations[r->nlocations - 1].stack : NULL;
    case OWN_MUTEX:
        return r->nmutexes ? &r->mutexes[r->nmutexes - 1].stack : NULL;
    case OWN_EDGE:
        return r->nedges ? &r->edges[r->nedges - 1].stack : NULL;
    case OWN_THREAD:
        return r->nthreads ? &r->threads[r->nthreads - 1].stack : NULL;
    case OWN_NOTE:
        return r->nnotes ? &r->notes[r->nnotes - 1].stack : NULL;
    case OWN_NONE:
        break;
    }
    return NULL;
}

static void endReport(struct tsanreport_parser *p, bool truncated) {
    if (!p->open)
        return;
    p->cur.truncated = truncated;
    struct tsanreport_list *out = p->out;
    struct tsanreport_report *slot = APPEND(p, out->reports, out->count);
    if (slot != NULL)
        *slot = p->cur;
    else
        freeReport(&p->cur);
    memset(&p->cur, 0, sizeof(p->cur));
    p->open = false;
    p->owner = OWN_NONE;
}

static void beginReport(struct tsanreport_parser *p, enum tsanreport_kind kind, const char *title,
                        size_t n, long pid, size_t lineno) {
    /* A new header before the SUMMARY means the previous report was cut off. */
    endReport(p, true);
    memset(&p->cur, 0, sizeof(p->cur));
    p->cur.kind = kind;
    p->cur.title = copyStr(p, title, n);
    p->cur.pid = pid;
    p->cur.line = lineno;
    p->open = true;
    p->owner = OWN_REPORT;
}

/* Sections past the cap are dropped, and so are the frames that follow them. */
#define SECTION(p, arr, n, own)                                                                    \
    ((n) >= TSANREPORT_MAX_SECTIONS ? ((p)->owner = OWN_NONE, NULL)                                \
                                    : ((p)->owner = (own), APPEND(p, arr, n)))

/* Parses "path:line[:column]"; false when s[0..n) does not end that way. */
static bool parseFileLine(const char *s, size_t n, size_t *pathlen, int *line, int *col) {
    size_t i = n;
    while (i > 0 && isDigit(s[i - 1]))
        i--;
    if (i == n || i < 2 || s[i - 1] != ':')
        return false;
    int last = toInt(s + i, n - i);
    size_t colon = i - 1;
    size_t j = colon;
    while (j > 0 && isDigit(s[j - 1]))
        j--;
    if (j < colon && j >= 2 && s[j - 1] == ':') {
        *line = toInt(s + j, colon - j);
        *col = last;
        *pathlen = j - 1;
    } else {
        *line = last;
        *col = 0;
        *pathlen = colon;
    }
    return true;
}

static bool isNullToken(const char *s, size_t n) {
    return n == 6 && memcmp(s, "<null>", 6) == 0;
}

/* A bare file token without a line, e.g. "tsan_interceptors_posix.cpp.o"; C++ name
 * tails like "const" or "[clone .cold]" must not pass. */
static bool looksLikeFile(const char *s, size_t n) {
    bool dotOrSlash = false;
    for (size_t i = 0; i < n; i++) {
        if (strchr("()<>[]{},&*", s[i]) != NULL)
            return false;
        if (s[i] == '.' || s[i] == '/')
            dotOrSlash = true;
    }
    return dotOrSlash;
}

static bool isPc(const char *s, size_t n) {
    if (n < 3 || s[0] != '0' || s[1] != 'x')
        return false;
    for (size_t i = 2; i < n; i++)
        if (hexValue(s[i]) < 0)
            return false;
    return true;
}

/* Splits "function location" of a frame. The location is the last token, except that
 * an absolute path with spaces is found by its first " /" when a ":line" ends it. */
static void splitFrameText(struct tsanreport_parser *p, struct tsanreport_frame *f, const char *s,
                           size_t n) {
    while (n > 0 && s[n - 1] == ' ')
        n--;
    size_t funclen = n;
    const char *file = NULL;
    size_t filelen = 0;
    const char *slash = memmem(s, n, " /", 2);
    const char *space = memrchr(s, ' ', n);
    if (slash != NULL &&
        parseFileLine(slash + 1, n - (size_t)(slash + 1 - s), &filelen, &f->line, &f->column)) {
        file = slash + 1;
        funclen = (size_t)(slash - s);
    } else if (space != NULL) {
        const char *tok = space + 1;
        size_t toklen = n - (size_t)(tok - s);
        if (isNullToken(tok, toklen)) {
            funclen = (size_t)(space - s);
        } else if (parseFileLine(tok, toklen, &filelen, &f->line, &f->column)) {
            file = tok;
            funclen = (size_t)(space - s);
        } else if (looksLikeFile(tok, toklen)) {
            file = tok;
            filelen = toklen;
            funclen = (size_t)(space - s);
        }
    }
    while (funclen > 0 && s[funclen - 1] == ' ')
        funclen--;
    if (file != NULL)
        f->file = copyStr(p, file, filelen);
    if (funclen > 0 && !isNullToken(s, funclen) && !isPc(s, funclen))
        f->function = copyStr(p, s, funclen);
}

static void addFrame(struct tsanreport_parser *p) {
    struct tsanreport_stack *st = currentStack(p);
    if (st == NULL || st->count >= TSANREPORT_MAX_FRAMES)
        return;
    struct tsanreport_frame *f = APPEND(p, st->frames, st->count);
    if (f == NULL)
        return;
    f->index = (int)groupNum(p, 1, 10);
    const char *s;
    size_t n;
    if (group(p, 2, &s, &n))
        splitFrameText(p, f, s, n);
    f->module = groupStr(p, 3);
    f->offset = groupNum(p, 4, 16);
}

/* Parses "write M0, read M1" into the access's held list. */
static void parseHeld(struct tsanreport_parser *p, struct tsanreport_access *a, const char *s,
                      size_t n) {
    size_t pos = 0;
    while (pos < n && a->nheld < 64) {
        const char *comma = memchr(s + pos, ',', n - pos);
        size_t end = comma ? (size_t)(comma - s) : n;
        while (pos < end && s[pos] == ' ')
            pos++;
        const char *m = memrchr(s + pos, 'M', end - pos);
        if (m != NULL && (size_t)(m - s) + 1 < end && isDigit(m[1])) {
            struct tsanreport_heldMutex *h = APPEND(p, a->held, a->nheld);
            if (h == NULL)
                return;
            h->write = startsWith(s + pos, end - pos, "write");
            h->id = toInt(m + 1, end - (size_t)(m + 1 - s));
        }
        pos = end + 1;
    }
}

static void addAccess(struct tsanreport_parser *p) {
    struct tsanreport_report *r = &p->cur;
    struct tsanreport_access *a = SECTION(p, r->accesses, r->naccesses, OWN_ACCESS);
    if (a == NULL)
        return;
    const char *s;
    size_t n;
    a->previous = groupSet(p, 1);
    a->atomic = groupSet(p, 2);
    a->write = group(p, 3, &s, &n) && (s[0] == 'W' || s[0] == 'w');
    a->size = groupNum(p, 4, 10);
    a->address = groupNum(p, 5, 16);
    a->thread = groupThread(p, 6);
    if (group(p, 8, &s, &n))
        parseHeld(p, a, s, n);
}

static struct tsanreport_location *addLocation(struct tsanreport_parser *p,
                                               enum tsanreport_locationType type, bool hasStack,
                                               const char *line, size_t n) {
    struct tsanreport_report *r = &p->cur;
    struct tsanreport_location *l =
        SECTION(p, r->locations, r->nlocations, hasStack ? OWN_LOCATION : OWN_NONE);
    if (l == NULL)
        return NULL;
    l->type = type;
    l->thread = TSANREPORT_NO_THREAD;
    l->fd = -1;
    const char *text = memmem(line, n, "Location is ", 12);
    if (text != NULL)
        l->text = copyStr(p, text + 12, n - (size_t)(text + 12 - line));
    return l;
}

static void addMutex(struct tsanreport_parser *p) {
    struct tsanreport_report *r = &p->cur;
    bool destroyed = groupSet(p, 3);
    struct tsanreport_mutex *m =
        SECTION(p, r->mutexes, r->nmutexes, destroyed ? OWN_NONE : OWN_MUTEX);
    if (m == NULL)
        return;
    m->id = (int)groupNum(p, 1, 10);
    m->address = groupNum(p, 2, 16);
    m->destroyed = destroyed;
}

static void addEdge(struct tsanreport_parser *p) {
    struct tsanreport_report *r = &p->cur;
    struct tsanreport_lockEdge *e = SECTION(p, r->edges, r->nedges, OWN_EDGE);
    if (e == NULL)
        return;
    e->acquired = (int)groupNum(p, 1, 10);
    e->held = (int)groupNum(p, 2, 10);
    e->thread = groupThread(p, 3);
}

static void addThread(struct tsanreport_parser *p) {
    struct tsanreport_report *r = &p->cur;
    struct tsanreport_thread *t = SECTION(p, r->threads, r->nthreads, OWN_THREAD);
    if (t == NULL)
        return;
    t->id = (int)groupNum(p, 1, 10);
    t->name = groupStr(p, 2);
    uint64_t tid = groupNum(p, 3, 10);
    t->tid = tid > LONG_MAX ? LONG_MAX : (long)tid;
    t->state = groupStr(p, 4);
    t->creator = groupThread(p, 5);
}

static void addNote(struct tsanreport_parser *p) {
    struct tsanreport_report *r = &p->cur;
    struct tsanreport_note *note = SECTION(p, r->notes, r->nnotes, OWN_NOTE);
    if (note != NULL)
        note->title = groupStr(p, 1);
}

/* ---------- line dispatch ---------- */

static void parseSection(struct tsanreport_parser *p, const char *s, size_t n) {
    struct tsanreport_location *l;
    if (match(p, PAT_ACCESS, s, n)) {
        addAccess(p);
    } else if (match(p, PAT_LOC_HEAP, s, n)) {
        if ((l = addLocation(p, TSANREPORT_LOC_HEAP, true, s, n)) != NULL) {
            l->size = groupNum(p, 1, 10);
            l->address = groupNum(p, 2, 16);
            l->thread = groupThread(p, 3);
        }
    } else if (match(p, PAT_LOC_GLOBAL, s, n)) {
        if ((l = addLocation(p, TSANREPORT_LOC_GLOBAL, false, s, n)) != NULL) {
            l->name = groupStr(p, 1);
            l->size = groupNum(p, 2, 10);
            l->address = groupNum(p, 3, 16);
            l->module = groupStr(p, 4);
            l->offset = groupNum(p, 5, 16);
        }
    } else if (match(p, PAT_LOC_OWNED, s, n)) {
        const char *w;
        size_t wn;
        bool tls = group(p, 1, &w, &wn) && w[0] == 'T';
        if ((l = addLocation(p, tls ? TSANREPORT_LOC_TLS : TSANREPORT_LOC_STACK, false, s, n)))
            l->thread = groupThread(p, 2);
    } else if (match(p, PAT_LOC_FD, s, n)) {
        if ((l = addLocation(p, TSANREPORT_LOC_FD, true, s, n)) != NULL) {
            l->fd = (int)groupNum(p, 1, 10);
            l->thread = groupThread(p, 2);
        }
    } else if (match(p, PAT_LOC_OTHER, s, n)) {
        addLocation(p, TSANREPORT_LOC_OTHER, false, s, n);
    } else if (match(p, PAT_EDGE, s, n)) {
        addEdge(p);
    } else if (match(p, PAT_MUTEX, s, n)) {
        addMutex(p);
    } else if (match(p, PAT_THREAD, s, n)) {
        addThread(p);
    } else if (match(p, PAT_SECTION, s, n)) {
        addNote(p);
    }
    /* Anything else ("Cycle in lock order graph", hints, blank lines, garbage) is
     * skipped without changing where frames go. */
}

static void parseLine(struct tsanreport_parser *p, const char *s, size_t n, size_t lineno) {
    if (n > TSANREPORT_MAX_LINE)
        n = TSANREPORT_MAX_LINE;
    while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    const char *t;
    size_t tn;
    if (match(p, PAT_FAILED, s, n)) {
        p->out->failed_restores++;
        struct tsanreport_stack *st = p->open ? currentStack(p) : NULL;
        if (p->open)
            p->cur.failed_restores++;
        if (st != NULL)
            st->failed_restore = true;
    } else if (match(p, PAT_HEADER, s, n) && group(p, 1, &t, &tn)) {
        long pid = splitPid(t, &tn);
        beginReport(p, warningKind(t, tn), t, tn, pid, lineno);
    } else if (match(p, PAT_ERROR, s, n) && group(p, 2, &t, &tn)) {
        uint64_t pid = groupNum(p, 1, 10);
        beginReport(p, errorKind(t, tn), t, tn, pid > LONG_MAX ? LONG_MAX : (long)pid, lineno);
    } else if (match(p, PAT_REPORTED, s, n)) {
        endReport(p, true); /* printed at exit: an open report never got its SUMMARY */
        p->out->reported_warnings += (long)groupNum(p, 1, 10);
    } else if (!p->open) {
        return; /* output between reports */
    } else if (match(p, PAT_SEPARATOR, s, n)) {
        endReport(p, true); /* a SUMMARY would have ended the report already */
    } else if (match(p, PAT_SUMMARY, s, n)) {
        p->cur.summary = groupStr(p, 1);
        endReport(p, false);
    } else if (match(p, PAT_FRAME, s, n)) {
        addFrame(p);
    } else {
        parseSection(p, s, n);
    }
}

/* ---------- public entry points ---------- */

struct tsanreport_parser *tsanreport_parserNew(void) {
    struct tsanreport_parser *p = calloc(1, sizeof(*p));
    if (p == NULL)
        return NULL;
    for (int i = 0; i < PAT_COUNT; i++) {
        int err;
        PCRE2_SIZE off;
        p->code[i] =
            pcre2_compile((PCRE2_SPTR)patterns[i], PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);
        if (p->code[i] == NULL) {
            tsanreport_parserFree(p);
            return NULL;
        }
    }
    /* 16 pairs cover the pattern with the most groups (8). */
    p->md = pcre2_match_data_create(16, NULL);
    p->mctx = pcre2_match_context_create(NULL);
    if (p->md == NULL || p->mctx == NULL) {
        tsanreport_parserFree(p);
        return NULL;
    }
    /* The patterns are near-linear on real lines; the limits bound hostile ones. */
    pcre2_set_match_limit(p->mctx, 100000);
    pcre2_set_heap_limit(p->mctx, 4096); /* KiB */
    return p;
}

void tsanreport_parserFree(struct tsanreport_parser *p) {
    if (p == NULL)
        return;
    for (int i = 0; i < PAT_COUNT; i++)
        pcre2_code_free(p->code[i]);
    pcre2_match_data_free(p->md);
    pcre2_match_context_free(p->mctx);
    free(p);
}

int tsanreport_parse(struct tsanreport_parser *p, const char *text, size_t len,
                     struct tsanreport_list *out) {
    if (p == NULL || out == NULL)
        return -1;
    p->out = out;
    p->open = false;
    p->owner = OWN_NONE;
    p->oom = false;
    memset(&p->cur, 0, sizeof(p->cur));
    size_t pos = 0;
    size_t lineno = 0;
    while (text != NULL && pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        parseLine(p, text + pos, end - pos, ++lineno);
        pos = nl ? end + 1 : len;
    }
    endReport(p, true); /* input ended before the SUMMARY */
    p->out = NULL;
    return p->oom ? -1 : 0;
}

int tsanreport_parseFile(struct tsanreport_parser *p, const char *path,
                         struct tsanreport_list *out) {
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    char *buf = NULL;
    size_t len = 0;
    size_t cap = 0;
    for (;;) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *grown = realloc(buf, ncap);
            if (grown == NULL) {
                free(buf);
                fclose(f);
                errno = ENOMEM;
                return -1;
            }
            buf = grown;
            cap = ncap;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        errno = EIO;
        return -1;
    }
    int rc = tsanreport_parse(p, buf, len, out);
    free(buf);
    return rc;
}
