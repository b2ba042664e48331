/* output_fixture.h - one run, built by hand, for the tests of the JSON, JUnit
 * and SARIF reports: a failing scenario with three findings (a data race whose
 * title holds every character that needs escaping, a crash without a location,
 * a finding of a kind no rule table knows), a passing scenario and one that
 * could not run. Header-only; include it from one test file. */
#ifndef FTSTRESS_TEST_OUTPUT_FIXTURE_H
#define FTSTRESS_TEST_OUTPUT_FIXTURE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "output.h"
#include "results.h"
#include "verdict.h"

/* Quotes, markup, a backslash, newline, tab, two C0 controls, valid UTF-8
 * (e-acute), a stray byte, a truncated sequence and an encoded surrogate. */
#define FIXTURE_NASTY_TITLE                                                                        \
    "race on \"x\" <&'> \\ end\nsecond line\t\x01\x1f \xc3\xa9 bad:\xff trunc:\xe2\x82 "           \
    "sur:\xed\xa0\x80"
/* What a reader of the JSON gets back: each bad byte one U+FFFD. */
#define FIXTURE_NASTY_TITLE_READ                                                                   \
    "race on \"x\" <&'> \\ end\nsecond line\t\x01\x1f \xc3\xa9 bad:\xef\xbf\xbd "                  \
    "trunc:\xef\xbf\xbd\xef\xbf\xbd sur:\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"

#define FIXTURE_RACE_SIG "data-race:dictobject.c:insertdict,listobject.c:list_append"
#define FIXTURE_CRASH_SIG "crash:signal 11:libfoo.so:boom"
#define FIXTURE_ODD_SIG "refcount-anomaly:mod.c:mod_get"
#define FIXTURE_BIG_SEED UINT64_C(18446744073709551615)

struct fixture {
    struct scenario_verdict v[3]; /* fail, pass, error */
    const struct scenario_verdict *ptrs[3];
    struct finding_set all;
    struct output_run run;
};

static inline char *fixture_dup(const char *s) {
    return s ? strdup(s) : NULL;
}

static inline void fixture_finding(struct finding_set *set, const char *sig, const char *kind,
                                   const char *title, const char *file, int line,
                                   const char *function, const char *python_stack, uint64_t seed) {
    struct finding f = {0};
    f.signature = fixture_dup(sig);
    f.kind = fixture_dup(kind);
    f.title = fixture_dup(title);
    f.detail =
        fixture_dup("Write of size 8 by thread T1:\n  #0 insertdict Objects/dictobject.c:1234");
    f.python_stack = fixture_dup(python_stack);
    f.scenario = fixture_dup("counter_global");
    f.file = fixture_dup(file);
    f.line = line;
    f.function = fixture_dup(function);
    f.first_seen = 1700000000; /* 2023-11-14T22:13:20Z */
    f.last_seen = 1700000060;
    finding_add(set, &f, seed);
}

static inline void fixture_outcome(struct results *r, const char *result, long samples,
                                   enum outcome_class cls, const char *description) {
    r->outcomes = realloc(r->outcomes, (r->noutcomes + 1) * sizeof(*r->outcomes));
    r->outcomes[r->noutcomes++] =
        (struct outcome){strdup(result), samples, cls, strdup(description)};
}

static inline void fixture_build(struct fixture *fx) {
    memset(fx, 0, sizeof(*fx));
    struct scenario_verdict *fail = &fx->v[0], *pass = &fx->v[1], *error = &fx->v[2];

    fail->name = strdup("counter_global");
    fail->path = strdup("/src/root/scenarios/builtin/counter_global.py");
    fail->merged.description = strdup("cnt += 1 on a module global from every thread");
    fixture_outcome(&fail->merged, "all kept", 31, OUTCOME_EXPECTED, "every increment kept");
    fixture_outcome(&fail->merged, "lost updates", 369, OUTCOME_INTERESTING,
                    "cnt += 1 is not atomic");
    fail->merged.done = 400;
    fail->merged.has_counts = true;
    fail->merged.expected = 1600000;
    fail->merged.observed = 851212;
    fail->merged.lossy_states = 369;
    fail->merged.has_first_failure = true;
    fail->merged.first_failure_seconds = 0.25;
    fail->runs = 2;
    fail->seconds = 4.125;
    fail->crashes = 1;
    fail->tsan_reports = 3;
    fail->tsan_runs = 1;
    fail->failing_seeds[0] = 1;
    fail->failing_seeds[1] = FIXTURE_BIG_SEED;
    fail->nfailing_seeds = 2;
    fail->case_path = strdup("ftstress-corpus/counter_global-000000000001.case");
    fixture_finding(&fail->findings, FIXTURE_RACE_SIG, "data-race", FIXTURE_NASTY_TITLE,
                    "Objects/dictobject.c", 1234, "insertdict", "File \"x.py\", line 3, in f", 1);
    fixture_finding(&fail->findings, FIXTURE_RACE_SIG, "data-race", "again", NULL, 0, NULL, NULL,
                    FIXTURE_BIG_SEED);
    fixture_finding(&fail->findings, FIXTURE_CRASH_SIG, "crash",
                    "crash (signal 11) in libfoo.so:boom", NULL, 0, NULL, NULL, FIXTURE_BIG_SEED);
    fixture_finding(&fail->findings, FIXTURE_ODD_SIG, "refcount-anomaly", "refcount went negative",
                    "/src/root/ext/my mod.c", 0, "mod_get", NULL, 1);

    pass->name = strdup("counter_locked");
    pass->path = strdup("scenarios/builtin/counter_locked.py");
    fixture_outcome(&pass->merged, "all kept", 400, OUTCOME_EXPECTED, "every increment kept");
    pass->merged.done = 400;
    pass->runs = 2;
    pass->seconds = 2.5;

    error->name = strdup("bad_import");
    error->path = strdup("tests/data/scenarios/bad_import.py");
    error->error = strdup("bad_import.py:3: ModuleNotFoundError: No module named 'nope' <&>");
    error->runs = 1;

    finding_merge(&fx->all, &fail->findings);
    finding_find(&fx->all, FIXTURE_CRASH_SIG)->known = true;

    for (int i = 0; i < 3; i++) {
        fx->ptrs[i] = &fx->v[i];
    }
    fx->run = (struct output_run){
        .tool_version = "0.1.0-test",
        .runtime_version = "3.13.15",
        .runtime_flavour = "tsan",
        .runtime_key = "cpython-3.13.15-tsan-abc-def",
        .threads = 2,
        .iterations = 200,
        .runs = 2,
        .seed = FIXTURE_BIG_SEED,
        .noise = "low",
        .scenarios = fx->ptrs,
        .nscenarios = 3,
        .findings = &fx->all,
        .source_root = "/src/root/",
    };
}

static inline void fixture_free(struct fixture *fx) {
    for (int i = 0; i < 3; i++) {
        verdict_free(&fx->v[i]);
    }
    finding_setFree(&fx->all);
}

#endif
