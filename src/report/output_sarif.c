/* output_sarif.c - the SARIF 2.1.0 report; see output_sarif.h. */
#include "output_sarif.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"
#include "signature.h"
#include "util.h"

struct output_sarifRule {
    const char *id;   /* the finding kind */
    const char *name; /* PascalCase, as SARIF viewers show rule names */
    const char *brief;
    const char *full;
    const char *help;
    const char *tag; /* one tag beyond the common ones */
};

/* Every kind ftstress produces today (tsanreport_kindName, run_findings.c); a
 * kind added later still gets a generic rule (output_sarifRules). */
static const struct output_sarifRule output_sarifRuleTable[] = {
    {"data-race", "DataRace", "Data race",
     "Two threads accessed the same memory at the same time without synchronisation, at least "
     "one of them writing (found by ThreadSanitizer).",
     "Without the GIL, C code (the interpreter, an extension module) no longer has its accesses "
     "serialised. Protect the shared state with a lock or a per-object critical section "
     "(Py_BEGIN_CRITICAL_SECTION), use atomic operations, or keep the data per thread. The "
     "finding's detail shows both accesses' stacks; replay it with one of its seeds.",
     "data-race"},
    {"heap-use-after-free", "HeapUseAfterFree", "Heap use after free",
     "A thread accessed heap memory that another thread had already freed (found by "
     "ThreadSanitizer).",
     "Usually a borrowed reference that another thread released: take a strong reference "
     "(PyList_GetItemRef, PyDict_GetItemRef, Py_NewRef) before the object can be dropped, or "
     "hold the owner's critical section while using it.",
     "memory-safety"},
    {"lock-order-inversion", "LockOrderInversion", "Lock-order inversion (potential deadlock)",
     "Threads acquired the same locks in different orders, so they can deadlock (found by "
     "ThreadSanitizer).",
     "Acquire locks in one global order everywhere, or avoid holding one lock while taking "
     "another; the detail shows where each lock was acquired.",
     "deadlock"},
    {"thread-leak", "ThreadLeak", "Thread leak",
     "A thread was neither joined nor detached before the process ended (found by "
     "ThreadSanitizer).",
     "Join every thread you start (or detach it deliberately); the detail shows where the "
     "leaked thread was created.",
     "resource-leak"},
    {"signal-unsafe-call", "SignalUnsafeCall", "Signal-unsafe call inside a signal handler",
     "A function that is not async-signal-safe was called from a signal handler (found by "
     "ThreadSanitizer).",
     "Do only async-signal-safe work in a signal handler (set a flag, write to a pipe) and do "
     "the rest outside it.",
     "signals"},
    {"signal-spoils-errno", "SignalSpoilsErrno", "Signal handler spoils errno",
     "A signal handler changed errno without restoring it, corrupting the interrupted code's "
     "error handling (found by ThreadSanitizer).",
     "Save errno on entry to the handler and restore it before returning.", "signals"},
    {"mutex-misuse", "MutexMisuse", "Mutex misuse",
     "A mutex was used incorrectly: unlocked while not locked, unlocked by another thread, "
     "locked twice, or destroyed while locked (found by ThreadSanitizer).",
     "Check that every unlock matches a lock taken by the same thread, and that no mutex is "
     "destroyed or reinitialised while held.",
     "mutex"},
    {"deadly-signal", "DeadlySignal", "Deadly signal",
     "The process received a fatal signal (segmentation fault, abort) while ThreadSanitizer was "
     "watching it.",
     "Often the consequence of a race on a pointer or a reference count; look for data races "
     "in the same scenario and replay with the seed shown.",
     "crash"},
    {"crash", "Crash", "Interpreter crash",
     "The interpreter process died from a signal (segmentation fault, abort) while running the "
     "scenario.",
     "The detail shows the crashing thread's C stack and every thread's Python stack. Crashes "
     "under concurrency usually come from unsynchronised access to an object's internals; "
     "replay with the seed shown.",
     "crash"},
    {"hang", "Hang", "Hang (no progress)",
     "The scenario made no progress within the timeout: a deadlock, a livelock, or a lost "
     "wake-up.",
     "The detail shows every thread's C and Python stacks at the time ftstress gave up; look "
     "for threads waiting on each other.",
     "deadlock"},
    /* Refcount anomalies the shims caught (run_findings.c: "refcount-" + the shim's name). */
    {"refcount-negative_refcount", "NegativeRefcount", "Reference count went negative",
     "An object's reference count dropped below zero: more references were released than "
     "taken, typically by two threads dropping the same borrowed reference (caught by the "
     "ftstress shims).",
     "Find the reference that was released without being owned: take a strong reference "
     "(Py_NewRef, PyList_GetItemRef, PyDict_GetItemRef) where a borrowed one is shared across "
     "threads. The detail shows the stack of the release that went below zero.",
     "refcount"},
    {"refcount-decref_after_dealloc", "DecrefAfterDealloc", "Reference released after deallocation",
     "A reference was released on an object that had already been deallocated (caught by the "
     "ftstress shims).",
     "Another thread freed the object while this one still used a borrowed reference: hold a "
     "strong reference for as long as the object is used.",
     "refcount"},
    {"refcount-double_dealloc", "DoubleDealloc", "Object deallocated twice",
     "An object was deallocated a second time (caught by the ftstress shims).",
     "Two threads both saw the last reference go away, usually from an unsynchronised "
     "decrement or a reference released twice; the detail shows the second deallocation.",
     "refcount"},
    {"refcount-null_type", "NullType", "Object with a NULL type",
     "A reference-count operation met an object whose type pointer was NULL: freed or "
     "corrupted memory (caught by the ftstress shims).",
     "Usually a use after free across threads; look for data races and crashes in the same "
     "scenario and replay with the seed shown.",
     "memory-safety"},
    {"unknown", "UnknownReport", "Unclassified ThreadSanitizer report",
     "ThreadSanitizer reported a problem of a kind ftstress does not classify.",
     "Read the report in the finding's detail.", "tsan"},
};
#define OUTPUT_SARIF_NRULES (sizeof(output_sarifRuleTable) / sizeof(output_sarifRuleTable[0]))

/* The rule table of one document: the fixed rules, then one per other kind. */
struct output_sarifKinds {
    const char **extra; /* borrowed from the findings */
    size_t nextra;
};

static long output_sarifRuleIndex(const struct output_sarifKinds *k, const char *kind) {
    for (size_t i = 0; i < OUTPUT_SARIF_NRULES; i++) {
        if (strcmp(output_sarifRuleTable[i].id, kind) == 0) {
            return (long)i;
        }
    }
    for (size_t i = 0; i < k->nextra; i++) {
        if (strcmp(k->extra[i], kind) == 0) {
            return (long)(OUTPUT_SARIF_NRULES + i);
        }
    }
    return -1;
}

static void output_sarifCollectKinds(const struct finding_set *set, struct output_sarifKinds *k) {
    k->extra = calloc(set->count + 1, sizeof(*k->extra));
    k->nextra = 0;
    if (k->extra == NULL) {
        abort();
    }
    for (size_t i = 0; i < set->count; i++) {
        const char *kind = set->items[i].kind ? set->items[i].kind : "unknown";
        if (output_sarifRuleIndex(k, kind) < 0) {
            k->extra[k->nextra++] = kind;
        }
    }
}

static void output_sarifText(struct jsonw *w, const char *key, const char *text) {
    jsonw_key(w, key);
    jsonw_beginObject(w);
    jsonw_keyString(w, "text", text);
    jsonw_endObject(w);
}

static void output_sarifWriteRule(struct jsonw *w, const char *id, const char *name,
                                  const char *brief, const char *full, const char *help,
                                  const char *tag) {
    jsonw_beginObject(w);
    jsonw_keyString(w, "id", id);
    jsonw_keyString(w, "name", name);
    output_sarifText(w, "shortDescription", brief);
    output_sarifText(w, "fullDescription", full);
    output_sarifText(w, "help", help);
    jsonw_key(w, "defaultConfiguration");
    jsonw_beginObject(w);
    jsonw_keyString(w, "level", "error");
    jsonw_endObject(w);
    jsonw_key(w, "properties");
    jsonw_beginObject(w);
    jsonw_key(w, "tags");
    jsonw_beginArray(w);
    jsonw_string(w, "concurrency");
    jsonw_string(w, "thread-safety");
    jsonw_string(w, "free-threading");
    jsonw_string(w, tag);
    jsonw_endArray(w);
    jsonw_keyString(w, "precision", "high");
    jsonw_keyString(w, "problem.severity", "error");
    jsonw_endObject(w);
    jsonw_endObject(w);
}

static void output_sarifRules(struct jsonw *w, const struct output_sarifKinds *k) {
    jsonw_key(w, "rules");
    jsonw_beginArray(w);
    for (size_t i = 0; i < OUTPUT_SARIF_NRULES; i++) {
        const struct output_sarifRule *r = &output_sarifRuleTable[i];
        output_sarifWriteRule(w, r->id, r->name, r->brief, r->full, r->help, r->tag);
    }
    for (size_t i = 0; i < k->nextra; i++) {
        /* A kind newer than this table: still a rule, so every ruleId resolves. */
        char *brief = util_asprintf("ftstress finding of kind %s", k->extra[i]);
        output_sarifWriteRule(w, k->extra[i], k->extra[i], brief, brief,
                              "Read the finding's detail and replay it with one of its seeds.",
                              "ftstress");
        free(brief);
    }
    jsonw_endArray(w);
}

/* RFC 3986 unreserved characters, sub-delimiters and '/', '@': kept as they
 * are. ':' is encoded, or "a:b.c" would read as a URI scheme. */
static bool output_sarifUriKeeps(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("-._~!$&'()*+,;=/@", c) != NULL;
}

static void output_sarifPercent(FILE *out, const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (output_sarifUriKeeps(*p)) {
            fputc(*p, out);
        } else {
            fprintf(out, "%%%02X", *p);
        }
    }
}

char *output_sarifUri(const char *path, const char *source_root) {
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (out == NULL) {
        abort();
    }
    if (path[0] == '/') {
        size_t rootlen = source_root ? strlen(source_root) : 0;
        while (rootlen > 0 && source_root[rootlen - 1] == '/') {
            rootlen--;
        }
        if (source_root != NULL && source_root[0] == '/' &&
            strncmp(path, source_root, rootlen) == 0 && path[rootlen] == '/' &&
            path[rootlen + 1] != '\0') {
            output_sarifPercent(out, path + rootlen + 1);
        } else {
            fputs("file://", out);
            output_sarifPercent(out, path);
        }
    } else {
        while (strncmp(path, "./", 2) == 0) {
            path += 2;
        }
        output_sarifPercent(out, path);
    }
    if (fclose(out) != 0) {
        abort();
    }
    return buf;
}

/* The scenario file a finding was first seen in, from the run's verdicts. */
static const char *output_sarifScenarioPath(const struct output_run *run, const struct finding *f) {
    if (f->scenario == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < run->nscenarios; i++) {
        const struct scenario_verdict *v = run->scenarios[i];
        if (v->name != NULL && v->path != NULL && strcmp(v->name, f->scenario) == 0) {
            return v->path;
        }
    }
    return NULL;
}

static void output_sarifLocation(struct jsonw *w, const struct output_run *run,
                                 const struct finding *f) {
    const char *file = f->file != NULL && f->file[0] ? f->file : output_sarifScenarioPath(run, f);
    if (file == NULL && f->function == NULL) {
        return;
    }
    jsonw_key(w, "locations");
    jsonw_beginArray(w);
    jsonw_beginObject(w);
    if (file != NULL) {
        char *uri = output_sarifUri(file, run->source_root);
        jsonw_key(w, "physicalLocation");
        jsonw_beginObject(w);
        jsonw_key(w, "artifactLocation");
        jsonw_beginObject(w);
        jsonw_keyString(w, "uri", uri);
        jsonw_endObject(w);
        if (file == f->file && f->line > 0) {
            jsonw_key(w, "region");
            jsonw_beginObject(w);
            jsonw_keyInt(w, "startLine", f->line);
            jsonw_endObject(w);
        }
        jsonw_endObject(w);
        free(uri);
    }
    if (f->function != NULL) {
        jsonw_key(w, "logicalLocations");
        jsonw_beginArray(w);
        jsonw_beginObject(w);
        jsonw_keyString(w, "name", f->function);
        jsonw_keyString(w, "kind", "function");
        jsonw_endObject(w);
        jsonw_endArray(w);
    }
    jsonw_endObject(w);
    jsonw_endArray(w);
}

/* "TITLE (seen N times; seeds A, B; scenario S; ftstress id ID)". Caller frees. */
static char *output_sarifMessage(const struct finding *f, const char *id) {
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (out == NULL) {
        abort();
    }
    fprintf(out, "%s (seen %ld time%s", f->title ? f->title : f->signature, f->count,
            f->count == 1 ? "" : "s");
    for (int i = 0; i < f->nseeds; i++) {
        fprintf(out, "%s%" PRIu64, i == 0 ? (f->nseeds == 1 ? "; seed " : "; seeds ") : ", ",
                f->seeds[i]);
    }
    if (f->scenario != NULL) {
        fprintf(out, "; scenario %s", f->scenario);
    }
    fprintf(out, "; ftstress id %s%s)", id, f->known ? "; known in the baseline" : "");
    if (fclose(out) != 0) {
        abort();
    }
    return buf;
}

static void output_sarifResult(struct jsonw *w, const struct output_run *run,
                               const struct output_sarifKinds *k, const struct finding *f) {
    const char *kind = f->kind ? f->kind : "unknown";
    char id[17];
    signature_id(f->signature, id);
    jsonw_beginObject(w);
    jsonw_keyString(w, "ruleId", kind);
    jsonw_keyInt(w, "ruleIndex", output_sarifRuleIndex(k, kind));
    jsonw_keyString(w, "level", f->known ? "warning" : "error");
    jsonw_keyString(w, "baselineState", f->known ? "unchanged" : "new");
    char *message = output_sarifMessage(f, id);
    output_sarifText(w, "message", message);
    free(message);
    output_sarifLocation(w, run, f);
    jsonw_key(w, "partialFingerprints");
    jsonw_beginObject(w);
    jsonw_keyString(w, "ftstressSignature/v1", f->signature);
    jsonw_endObject(w);
    jsonw_key(w, "properties");
    jsonw_beginObject(w);
    jsonw_keyString(w, "id", id);
    jsonw_keyInt(w, "count", f->count);
    jsonw_key(w, "seeds");
    jsonw_beginArray(w);
    for (int i = 0; i < f->nseeds; i++) {
        char num[24];
        snprintf(num, sizeof(num), "%" PRIu64, f->seeds[i]);
        jsonw_string(w, num);
    }
    jsonw_endArray(w);
    jsonw_keyString(w, "scenario", f->scenario);
    jsonw_endObject(w);
    jsonw_endObject(w);
}

char *output_sarifRender(const struct output_run *run, size_t *len) {
    static const struct finding_set none = {0};
    const struct finding_set *findings = run->findings ? run->findings : &none;
    struct output_sarifKinds kinds;
    output_sarifCollectKinds(findings, &kinds);
    struct jsonw w;
    jsonw_init(&w, 2);
    jsonw_beginObject(&w);
    jsonw_keyString(&w, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    jsonw_keyString(&w, "version", "2.1.0");
    jsonw_key(&w, "runs");
    jsonw_beginArray(&w);
    jsonw_beginObject(&w);

    jsonw_key(&w, "tool");
    jsonw_beginObject(&w);
    jsonw_key(&w, "driver");
    jsonw_beginObject(&w);
    jsonw_keyString(&w, "name", "ftstress");
    if (run->tool_version != NULL) { /* SARIF has strings here, never null */
        jsonw_keyString(&w, "version", run->tool_version);
        jsonw_keyString(&w, "semanticVersion", run->tool_version);
    }
    output_sarifRules(&w, &kinds);
    jsonw_endObject(&w);
    jsonw_endObject(&w);

    jsonw_key(&w, "results");
    jsonw_beginArray(&w);
    for (size_t i = 0; i < findings->count; i++) {
        output_sarifResult(&w, run, &kinds, &findings->items[i]);
    }
    jsonw_endArray(&w);

    jsonw_endObject(&w);
    jsonw_endArray(&w);
    jsonw_endObject(&w);
    free(kinds.extra);
    return jsonw_finish(&w, len);
}

bool output_sarifWrite(const char *path, const struct output_run *run) {
    size_t len;
    char *doc = output_sarifRender(run, &len);
    bool ok = util_writeFileAtomic(path, doc, len);
    int saved = errno; /* the caller reports the write's errno, not free's */
    free(doc);
    errno = saved;
    return ok;
}
