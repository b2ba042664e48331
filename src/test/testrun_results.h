/* testrun_results.h - what one test harness process wrote: its results file
 * (the format is documented at the top of scenarios/testharness.py).
 *
 * The harness appends and flushes each line as it goes, so a file cut short
 * by a crash or a hang still says which test was running: the one with a
 * "start" line and no "end" line. */
#ifndef FTSTRESS_TESTRUN_RESULTS_H
#define FTSTRESS_TESTRUN_RESULTS_H

#include <stdbool.h>
#include <stddef.h>

#define TESTRUN_RESULTS_FORMAT "ftstress-testresults 1"

/* One traceback: ITERATION 1..K of the body, 0 outside one (setUp, tearDown,
 * a thread the test started). */
struct testrun_failure {
    int iteration;
    char *who;  /* "thread 2 of 2 (native id 4242)"; owned */
    char *text; /* the traceback; owned */
};

/* One test as one harness process ran it. */
struct testrun_record {
    char *name; /* "test_x" or "Class::test_x"; owned */
    bool started, ended;
    int threads, iterations; /* as planned */
    long seq_start, seq_end; /* TSan reports (seq_start, seq_end] were made during it */
    char *outcome;           /* "passed", "failed", "skipped", "xfailed"; owned, NULL before end */
    char *reason;            /* a skip's reason; owned or NULL */
    int iterations_run, failed_iterations;
    long failed_calls; /* calls of the body that raised, over every thread */
    double seconds;
    char *serial_reason;              /* why it ran in one thread; owned or NULL */
    struct testrun_failure *failures; /* owned */
    size_t nfailures;
};

struct testrun_results {
    bool format_ok;     /* the first line was TESTRUN_RESULTS_FORMAT */
    long pid;           /* the harness process, 0 when unknown */
    char *module;       /* the module imported; owned or NULL */
    char *module_path;  /* the file it came from; owned or NULL */
    char *import_error; /* owned or NULL */
    char *setup_error;  /* setup_module/setUpModule raised; owned or NULL */
    char *teardown_error;
    char *skip_reason;            /* the module skipped itself; owned or NULL */
    struct testrun_record *tests; /* collected, in run order; owned */
    size_t ntests;
    long deselected;
    char *gil_module; /* the module whose import enabled the GIL ("?" unknown);
                         owned or NULL when the GIL stayed off */
    char *gil_when;   /* "import" or the name of the test it happened in; owned or NULL */
    char *runner;     /* "pytest 9.1.1" or "unittest 3.13.15"; owned or NULL */
    bool done;        /* the harness finished */
    bool stopped;     /* ... early, for --exitfirst */
};

/* Reads the results file at path into r. Returns false only when it cannot be
 * read at all; lines it does not know are skipped. */
bool testrun_resultsLoad(const char *path, struct testrun_results *r);

/* Parses a results file's text (modified in place) into r. */
void testrun_resultsParse(char *text, struct testrun_results *r);

/* The test that started and did not end, or NULL. Owned by r. */
struct testrun_record *testrun_resultsRunning(const struct testrun_results *r);

/* True when some collected test after the running one never started. */
bool testrun_resultsHasRemaining(const struct testrun_results *r);

/* One field of a results line with its \\, \t, \n and \r escapes undone, in
 * place. Returns s. */
char *testrun_unescape(char *s);

/* Frees what rec owns and zeroes it. */
void testrun_recordFree(struct testrun_record *rec);

/* Frees what r owns and zeroes it. */
void testrun_resultsFree(struct testrun_results *r);

#endif
