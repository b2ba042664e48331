/* testrun_tests.h - the tests of one file over its harness processes, which
 * TSan report belongs to which test, and each test's verdict. */
#ifndef FTSTRESS_TESTRUN_TESTS_H
#define FTSTRESS_TESTRUN_TESTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "finding.h"
#include "testrun_results.h"

/* In order of severity: a test that fits several gets the last. */
enum testrun_verdict {
    TESTRUN_PASSED,
    TESTRUN_SKIPPED, /* unittest.SkipTest, skip decorators, expected failures */
    TESTRUN_FLAKY,   /* failed in some iterations only */
    TESTRUN_FAILED,  /* an exception or a failed assert in a thread, setUp or tearDown */
    TESTRUN_RACE,    /* a TSan report (or refcount anomaly) was attributed to it */
    TESTRUN_HANG,    /* it did not finish within the timeout */
    TESTRUN_CRASH,   /* the interpreter died while it ran */
    TESTRUN_ERROR,   /* the file: it did not import, or its module setup/teardown raised */
    TESTRUN_GIL,     /* an import enabled the GIL, so the threads took turns:
                        nothing else went wrong, but the run proved nothing */
    TESTRUN_NVERDICTS,
};

struct testrun_test {
    char *id;                  /* "display::name", or display for the file itself; owned */
    struct testrun_record run; /* what the harness wrote; run.name is "" for the file */
    long pid;                  /* the harness process that ran it, 0 if none did */
    uint64_t seed;             /* that process's seed (replays its schedule noise) */
    bool crashed, hung;
    int runtime_hangs;           /* runs of it that the TSan runtime itself wedged */
    char *error;                 /* the file's import, setup or teardown error; owned or NULL */
    char *gil_module;            /* the import that enabled the GIL while the file or
                                    this test ran (its finding is in findings); owned or NULL */
    struct finding_set findings; /* races, and the crash or hang; owned */
    enum testrun_verdict verdict;
};

struct testrun_file {
    char *path;                 /* absolute; owned */
    char *display;              /* the name the report uses; owned */
    char *module_path;          /* the file actually imported (tracebacks and TSan's Python
                                   stacks name it); owned or NULL */
    char *runner;               /* who collected it, "pytest 9.1.1"; owned or NULL */
    struct testrun_test entry;  /* the file itself: what happened outside every test */
    struct testrun_test *tests; /* in run order; owned */
    size_t ntests;
    long deselected;
    int processes;     /* harness processes it took (a crash or hang restarts) */
    int runtime_hangs; /* of them, wedged inside the TSan runtime (rerun) */
    bool stopped;      /* --exitfirst stopped it */
    double seconds;
};

/* Counts of a whole run, for the closing line. */
struct testrun_counts {
    int verdicts[TESTRUN_NVERDICTS];
    long deselected;
    int serial; /* tests that ran in one thread although more were asked for */
};

/* Sets f up for path, shown as display (both copied). */
void testrun_fileInit(struct testrun_file *f, const char *path, const char *display);

/* Takes the records of r (one harness process) into f: a test seen before is
 * replaced when r ran it. r's records are left empty. */
void testrun_fileAddResults(struct testrun_file *f, struct testrun_results *r);

/* The test a TSan report belongs to, or NULL for the file itself. seq is the
 * report's number among process pid's reports (0 when it has none). In order:
 * the test during which the harness saw report seq of pid; the test whose
 * function the report's Python stack (pystack, may be NULL) runs in this
 * file; the test of pid that was still running when its process ended. */
struct testrun_test *testrun_attribute(struct testrun_file *f, long pid, long seq,
                                       const char *pystack);

/* Sets t->verdict from what it holds. */
void testrun_judge(struct testrun_test *t);

/* Judges every test of f and the file itself. */
void testrun_judgeFile(struct testrun_file *f);

/* True for the verdicts that fail a run (exit status 1). */
bool testrun_isFailure(enum testrun_verdict v);

/* "passed", "failed", "race", ... */
const char *testrun_verdictName(enum testrun_verdict v);

/* The progress letter: '.', 'F', 'R', ... */
char testrun_verdictLetter(enum testrun_verdict v);

/* Adds f's verdicts to c (the file itself only when it is not a pass). */
void testrun_count(const struct testrun_file *f, int default_threads, struct testrun_counts *c);

/* Frees what t / f own. */
void testrun_testFree(struct testrun_test *t);
void testrun_fileFree(struct testrun_file *f);

#endif
