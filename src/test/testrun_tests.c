/* testrun_tests.c - tests, attribution and verdicts; see testrun_tests.h. */
#include "testrun_tests.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void testrun_fileInit(struct testrun_file *f, const char *path, const char *display) {
    memset(f, 0, sizeof(*f));
    f->path = strdup(path);
    f->display = strdup(display);
    f->entry.id = strdup(display);
    f->entry.run.name = strdup("");
}

static struct testrun_test *tests_find(struct testrun_file *f, const char *name) {
    for (size_t i = 0; i < f->ntests; i++) {
        if (strcmp(f->tests[i].run.name, name) == 0) {
            return &f->tests[i];
        }
    }
    return NULL;
}

/* Keeps the first of the file-level texts (a later process repeats them). */
static void tests_takeError(char **dst, char **src, const char *what) {
    if (*src != NULL && *dst == NULL) {
        *dst = util_asprintf("%s%s", what, *src);
    }
    free(*src);
    *src = NULL;
}

/* the GIL enabled by an import is a finding of its own, given to
 * the test it happened in, or to the file when its import did it. */
static void tests_addGil(struct testrun_file *f, struct testrun_results *r) {
    if (r->gil_module == NULL || f->entry.gil_module != NULL) {
        return;
    }
    struct testrun_test *t = &f->entry;
    bool in_test = r->gil_when != NULL && strcmp(r->gil_when, "import") != 0;
    f->entry.gil_module = strdup(r->gil_module);
    struct finding g = {0};
    g.kind = strdup("gil-enabled");
    g.signature = util_asprintf("gil-enabled:%s", r->gil_module);
    g.title = util_asprintf("the GIL was enabled by importing %s%s%s: this run did NOT exercise "
                            "free-threading",
                            r->gil_module, in_test ? " during " : "", in_test ? r->gil_when : "");
    g.detail = util_asprintf(
        "CPython turned the GIL back on when it loaded the extension module %s, which does not "
        "declare that it can run without it (Py_mod_gil = Py_MOD_GIL_NOT_USED). The threads "
        "then took turns, so races stay hidden. Declare support in the extension, or run with "
        "--gil-off (PYTHON_GIL=0) to look past it at your own risk.",
        r->gil_module);
    g.python_stack = strdup("");
    g.scenario = strdup(t->id);
    finding_add(&t->findings, &g, 0);
}

void testrun_fileAddResults(struct testrun_file *f, struct testrun_results *r) {
    f->processes++;
    f->deselected += r->deselected;
    f->stopped = f->stopped || r->stopped;
    if (r->module_path != NULL && f->module_path == NULL) {
        f->module_path = strdup(r->module_path);
    }
    if (r->runner != NULL && f->runner == NULL) {
        f->runner = r->runner;
        r->runner = NULL;
    }
    tests_addGil(f, r);
    tests_takeError(&f->entry.error, &r->import_error, "");
    tests_takeError(&f->entry.error, &r->setup_error, "module setup failed: ");
    tests_takeError(&f->entry.error, &r->teardown_error, "module teardown failed: ");
    if (r->skip_reason != NULL && f->entry.run.reason == NULL) {
        f->entry.run.reason = r->skip_reason;
        f->entry.run.outcome = strdup("skipped");
        r->skip_reason = NULL;
    }
    if (f->entry.pid == 0) {
        f->entry.pid = r->pid;
    }
    for (size_t i = 0; i < r->ntests; i++) {
        struct testrun_record *rec = &r->tests[i];
        struct testrun_test *t = tests_find(f, rec->name);
        if (t == NULL) {
            f->tests = util_grow(f->tests, f->ntests, sizeof(*f->tests));
            t = &f->tests[f->ntests++];
            memset(t, 0, sizeof(*t));
            t->id = util_asprintf("%s::%s", f->display, rec->name);
        } else if (!rec->started) {
            testrun_recordFree(rec); /* collected again by a restarted harness */
            continue;
        } else {
            testrun_recordFree(&t->run);
        }
        t->run = *rec;
        memset(rec, 0, sizeof(*rec));
        if (t->run.started) {
            t->pid = r->pid;
        }
    }
}

/* The function name of a test: "test_x" of "Class::test_x". */
static const char *tests_function(const char *name) {
    const char *sep = strrchr(name, ':');
    return sep ? sep + 1 : name;
}

/* True when a line of pystack is a frame of function in file path. */
static bool tests_stackRuns(const char *pystack, const char *path, const char *function) {
    size_t flen = strlen(function);
    for (const char *line = pystack; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        const char *file = memmem(line, n, "File \"", 6);
        if (file != NULL) {
            file += 6;
            size_t plen = strlen(path);
            const char *end = line + n;
            if ((size_t)(end - file) > plen && strncmp(file, path, plen) == 0 &&
                file[plen] == '"' && (size_t)(end - line) > flen + 4 &&
                strncmp(end - flen - 4, " in ", 4) == 0 &&
                strncmp(end - flen, function, flen) == 0) {
                return true;
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    return false;
}

struct testrun_test *testrun_attribute(struct testrun_file *f, long pid, long seq,
                                       const char *pystack) {
    if (seq > 0) {
        for (size_t i = 0; i < f->ntests; i++) {
            struct testrun_test *t = &f->tests[i];
            if (t->pid == pid && t->run.started && t->run.ended && seq > t->run.seq_start &&
                seq <= t->run.seq_end) {
                return t;
            }
        }
    }
    if (pystack != NULL) {
        const char *paths[] = {f->module_path, f->path};
        for (size_t p = 0; p < 2; p++) {
            for (size_t i = 0; paths[p] != NULL && i < f->ntests; i++) {
                struct testrun_test *t = &f->tests[i];
                if (t->run.started &&
                    tests_stackRuns(pystack, paths[p], tests_function(t->run.name))) {
                    return t;
                }
            }
        }
    }
    for (size_t i = 0; i < f->ntests; i++) {
        struct testrun_test *t = &f->tests[i];
        if (t->pid == pid && t->run.started && !t->run.ended &&
            (seq == 0 || seq > t->run.seq_start)) {
            return t;
        }
    }
    return NULL;
}

static bool tests_failedOutside(const struct testrun_record *run) {
    for (size_t i = 0; i < run->nfailures; i++) {
        if (run->failures[i].iteration <= 0) {
            return true;
        }
    }
    return false;
}

void testrun_judge(struct testrun_test *t) {
    const struct testrun_record *run = &t->run;
    const char *outcome = run->outcome ? run->outcome : "";
    if (t->crashed) {
        t->verdict = TESTRUN_CRASH;
    } else if (t->hung) {
        t->verdict = TESTRUN_HANG;
    } else if (t->error != NULL) {
        t->verdict = TESTRUN_ERROR;
    } else if (t->findings.count > (t->gil_module != NULL ? 1u : 0u)) {
        t->verdict = TESTRUN_RACE;
    } else if (t->gil_module != NULL) {
        t->verdict = TESTRUN_GIL;
    } else if (strcmp(outcome, "skipped") == 0 || strcmp(outcome, "xfailed") == 0) {
        t->verdict = TESTRUN_SKIPPED;
    } else if (run->failed_iterations > 0 && run->failed_iterations < run->iterations_run &&
               !tests_failedOutside(run)) {
        t->verdict = TESTRUN_FLAKY;
    } else if (run->failed_iterations > 0 || run->nfailures > 0 || strcmp(outcome, "failed") == 0) {
        t->verdict = TESTRUN_FAILED;
    } else {
        t->verdict = TESTRUN_PASSED;
    }
}

void testrun_judgeFile(struct testrun_file *f) {
    testrun_judge(&f->entry);
    for (size_t i = 0; i < f->ntests; i++) {
        testrun_judge(&f->tests[i]);
    }
}

bool testrun_isFailure(enum testrun_verdict v) {
    return v == TESTRUN_FLAKY || v == TESTRUN_FAILED || v == TESTRUN_RACE || v == TESTRUN_HANG ||
           v == TESTRUN_CRASH || v == TESTRUN_ERROR || v == TESTRUN_GIL;
}

const char *testrun_verdictName(enum testrun_verdict v) {
    static const char *const names[TESTRUN_NVERDICTS] = {
        "passed", "skipped", "flaky", "failed", "race", "hang", "crash", "error", "gil-enabled"};
    return v < TESTRUN_NVERDICTS ? names[v] : "?";
}

char testrun_verdictLetter(enum testrun_verdict v) {
    static const char letters[TESTRUN_NVERDICTS + 1] = ".sfFRHCEG";
    return letters[v < TESTRUN_NVERDICTS ? v : TESTRUN_NVERDICTS - 1];
}

void testrun_count(const struct testrun_file *f, int default_threads, struct testrun_counts *c) {
    if (f->entry.verdict != TESTRUN_PASSED) {
        c->verdicts[f->entry.verdict]++;
    }
    for (size_t i = 0; i < f->ntests; i++) {
        const struct testrun_test *t = &f->tests[i];
        if (!t->run.started) {
            continue; /* never ran: -x stopped the file first */
        }
        c->verdicts[t->verdict]++;
        if (t->run.serial_reason != NULL && default_threads > 1) {
            c->serial++;
        }
    }
    c->deselected += f->deselected;
}

void testrun_testFree(struct testrun_test *t) {
    free(t->id);
    testrun_recordFree(&t->run);
    free(t->error);
    free(t->gil_module);
    finding_setFree(&t->findings);
    memset(t, 0, sizeof(*t));
}

void testrun_fileFree(struct testrun_file *f) {
    free(f->path);
    free(f->display);
    free(f->module_path);
    free(f->runner);
    testrun_testFree(&f->entry);
    for (size_t i = 0; i < f->ntests; i++) {
        testrun_testFree(&f->tests[i]);
    }
    free(f->tests);
    memset(f, 0, sizeof(*f));
}
