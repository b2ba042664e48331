/* testrun_findings.c - findings of a test harness process; see testrun_findings.h. */
#include "testrun_findings.h"

/* A test harness process: each report is its test's (testrun_attribute), or
 * the file's when it belongs to none. */
static struct run_findings_dest findings_toTest(long pid, long seq, const char *pystack,
                                                void *arg) {
    struct testrun_file *f = arg;
    struct testrun_test *t = testrun_attribute(f, pid, seq, pystack);
    if (t == NULL) {
        t = &f->entry;
    }
    return (struct run_findings_dest){&t->findings, t->id};
}

bool testrun_findingsCollect(const char *dir, struct testrun_file *f, struct suppress_set *supp,
                             uint64_t seed, struct run_findings_stats *stats) {
    if (!run_findings_collectTsanRouted(dir, seed, supp, findings_toTest, f, stats)) {
        return false;
    }
    run_findings_addAnomalies(dir, f->entry.id, seed, supp, &f->entry.findings);
    return true;
}
