/* testrun_findings.c - findings of a test harness process; see testrun_findings.h. */
#include "testrun_findings.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pystacks.h"
#include "tsan_format.h"
#include "tsan_report.h"
#include "util.h"

/* One parser for the whole process: compiling its patterns is the costly part. */
static struct tsanreport_parser *findings_parser(void) {
    static struct tsanreport_parser *parser;
    if (parser == NULL) {
        parser = tsanreport_parserNew();
    }
    return parser;
}

/* Adds the reports of one TSan log (one process) to their tests. */
static void findings_log(const char *path, struct testrun_file *f, const struct pystacks *py,
                         struct suppress_set *supp, uint64_t seed,
                         struct run_findings_stats *stats) {
    struct tsanreport_list list = {0};
    size_t len;
    char *text = util_readFile(path, &len);
    if (text == NULL || tsanreport_parse(findings_parser(), text, len, &list) != 0) {
        LOG_W("could not read all of %s", path);
    }
    if (text != NULL) {
        suppress_countTsanLog(supp, text);
    }
    free(text);
    stats->failed_restores += list.failed_restores;
    /* The report hook numbers the reports TSan printed through its report
     * path, as the harness counted them; a deadly signal has no number. */
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
        struct testrun_test *t = testrun_attribute(f, r->pid, numbered ? seq : 0, pystack);
        if (t == NULL) {
            t = &f->entry;
        }
        struct finding fd = tsanformat_finding(r, pystack, t->id);
        if (suppress_matchSignature(supp, fd.signature)) {
            stats->suppressed++;
            struct finding_set drop = {0};
            finding_add(&drop, &fd, seed);
            finding_setFree(&drop);
            continue;
        }
        stats->tsan_reports++;
        stats->truncated += r->truncated;
        finding_add(&t->findings, &fd, seed);
    }
    tsanreport_listFree(&list);
}

bool testrun_findingsCollect(const char *dir, struct testrun_file *f, struct suppress_set *supp,
                             uint64_t seed, struct run_findings_stats *stats) {
    if (findings_parser() == NULL) {
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
                findings_log(path, f, &py, supp, seed, stats);
                free(path);
            }
        }
        closedir(d);
    }
    pystacks_free(&py);
    run_findings_addAnomalies(dir, f->entry.id, seed, supp, &f->entry.findings);
    return true;
}
