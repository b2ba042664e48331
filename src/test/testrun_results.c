/* testrun_results.c - reading a test harness results file; see testrun_results.h. */
#include "testrun_results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define RESULTS_MAX_FIELDS 10

char *testrun_unescape(char *s) {
    char *out = s;
    for (const char *p = s; *p; p++) {
        if (*p == '\\' && p[1] != '\0') {
            p++;
            switch (*p) {
            case 'n':
                *out++ = '\n';
                break;
            case 't':
                *out++ = '\t';
                break;
            case 'r':
                *out++ = '\r';
                break;
            default:
                *out++ = *p;
            }
        } else {
            *out++ = *p;
        }
    }
    *out = '\0';
    return s;
}

/* Splits line at tabs into at most max fields (the last keeps the rest). */
static int results_split(char *line, char **fields, int max) {
    int n = 0;
    char *p = line;
    while (n < max) {
        fields[n++] = p;
        char *tab = n < max ? strchr(p, '\t') : NULL;
        if (tab == NULL) {
            break;
        }
        *tab = '\0';
        p = tab + 1;
    }
    for (int i = 0; i < n; i++) {
        testrun_unescape(fields[i]);
    }
    return n;
}

static struct testrun_record *results_find(struct testrun_results *r, const char *name) {
    for (size_t i = r->ntests; i > 0; i--) {
        if (strcmp(r->tests[i - 1].name, name) == 0) {
            return &r->tests[i - 1];
        }
    }
    return NULL;
}

static struct testrun_record *results_get(struct testrun_results *r, const char *name) {
    struct testrun_record *rec = results_find(r, name);
    if (rec != NULL) {
        return rec;
    }
    r->tests = util_grow(r->tests, r->ntests, sizeof(*r->tests));
    rec = &r->tests[r->ntests++];
    memset(rec, 0, sizeof(*rec));
    rec->name = strdup(name);
    return rec;
}

static void results_setString(char **dst, const char *value) {
    free(*dst);
    *dst = strdup(value);
}

static void results_line(struct testrun_results *r, char *line) {
    char *f[RESULTS_MAX_FIELDS];
    int n = results_split(line, f, RESULTS_MAX_FIELDS);
    const char *tag = f[0];
    if (strcmp(tag, TESTRUN_RESULTS_FORMAT) == 0) {
        r->format_ok = true;
    } else if (strcmp(tag, "pid") == 0 && n >= 2) {
        r->pid = atol(f[1]);
    } else if (strcmp(tag, "module") == 0 && n >= 3) {
        results_setString(&r->module, f[1]);
        results_setString(&r->module_path, f[2]);
    } else if (strcmp(tag, "error") == 0 && n >= 3) {
        char **dst = strcmp(f[1], "import") == 0  ? &r->import_error
                     : strcmp(f[1], "setup") == 0 ? &r->setup_error
                                                  : &r->teardown_error;
        results_setString(dst, f[2]);
    } else if (strcmp(tag, "skipfile") == 0 && n >= 2) {
        results_setString(&r->skip_reason, f[1]);
    } else if (strcmp(tag, "collect") == 0 && n >= 2) {
        results_get(r, f[1]);
    } else if (strcmp(tag, "deselect") == 0) {
        r->deselected++;
    } else if (strcmp(tag, "start") == 0 && n >= 5) {
        struct testrun_record *rec = results_get(r, f[1]);
        rec->started = true;
        rec->threads = atoi(f[2]);
        rec->iterations = atoi(f[3]);
        rec->seq_start = atol(f[4]);
    } else if (strcmp(tag, "serial") == 0 && n >= 3) {
        results_setString(&results_get(r, f[1])->serial_reason, f[2]);
    } else if (strcmp(tag, "failure") == 0 && n >= 5) {
        struct testrun_record *rec = results_get(r, f[1]);
        rec->failures = util_grow(rec->failures, rec->nfailures, sizeof(*rec->failures));
        rec->failures[rec->nfailures++] = (struct testrun_failure){
            .iteration = atoi(f[2]), .who = strdup(f[3]), .text = strdup(f[4])};
    } else if (strcmp(tag, "end") == 0 && n >= 8) {
        struct testrun_record *rec = results_get(r, f[1]);
        rec->ended = true;
        results_setString(&rec->outcome, f[2]);
        rec->iterations_run = atoi(f[3]);
        rec->failed_iterations = atoi(f[4]);
        rec->failed_calls = atol(f[5]);
        rec->seconds = strtod(f[6], NULL);
        rec->seq_end = atol(f[7]);
        if (n >= 9 && f[8][0] != '\0') {
            results_setString(&rec->reason, f[8]);
        }
    } else if (strcmp(tag, "gil") == 0 && n >= 3) {
        if (r->gil_module == NULL) {
            results_setString(&r->gil_module, f[1]);
            results_setString(&r->gil_when, f[2]);
        }
    } else if (strcmp(tag, "runner") == 0 && n >= 3) {
        free(r->runner);
        r->runner = util_asprintf("%s %s", f[1], f[2]);
    } else if (strcmp(tag, "done") == 0) {
        r->done = true;
        r->stopped = n >= 3 && strcmp(f[2], "stopped") == 0;
    }
}

void testrun_resultsParse(char *text, struct testrun_results *r) {
    memset(r, 0, sizeof(*r));
    for (char *line = text; *line;) {
        char *nl = strchr(line, '\n');
        char *next = nl ? nl + 1 : line + strlen(line);
        if (nl == NULL) {
            break; /* a line cut off by the end of the process */
        }
        *nl = '\0';
        if (nl > line && nl[-1] == '\r') {
            nl[-1] = '\0';
        }
        if (*line) {
            results_line(r, line);
        }
        line = next;
    }
}

bool testrun_resultsLoad(const char *path, struct testrun_results *r) {
    char *text = util_readFile(path, NULL);
    if (text == NULL) {
        memset(r, 0, sizeof(*r));
        return false;
    }
    testrun_resultsParse(text, r);
    free(text);
    return true;
}

struct testrun_record *testrun_resultsRunning(const struct testrun_results *r) {
    for (size_t i = 0; i < r->ntests; i++) {
        if (r->tests[i].started && !r->tests[i].ended) {
            return &r->tests[i];
        }
    }
    return NULL;
}

bool testrun_resultsHasRemaining(const struct testrun_results *r) {
    const struct testrun_record *running = testrun_resultsRunning(r);
    if (running == NULL) {
        return false;
    }
    for (const struct testrun_record *t = running + 1; t < r->tests + r->ntests; t++) {
        if (!t->started) {
            return true;
        }
    }
    return false;
}

void testrun_recordFree(struct testrun_record *rec) {
    free(rec->name);
    free(rec->outcome);
    free(rec->reason);
    free(rec->serial_reason);
    for (size_t i = 0; i < rec->nfailures; i++) {
        free(rec->failures[i].who);
        free(rec->failures[i].text);
    }
    free(rec->failures);
    memset(rec, 0, sizeof(*rec));
}

void testrun_resultsFree(struct testrun_results *r) {
    free(r->module);
    free(r->module_path);
    free(r->import_error);
    free(r->setup_error);
    free(r->teardown_error);
    free(r->skip_reason);
    free(r->gil_module);
    free(r->gil_when);
    free(r->runner);
    for (size_t i = 0; i < r->ntests; i++) {
        testrun_recordFree(&r->tests[i]);
    }
    free(r->tests);
    memset(r, 0, sizeof(*r));
}
