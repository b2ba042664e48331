/* report_html.h - the HTML report (`ftstress merge --html FILE`): one
 * self-contained file that opens offline. Its styles and charts are inline
 * (SVG drawn here, no scripts from anywhere; a few lines of inline script
 * only expand and collapse findings), and a Content-Security-Policy forbids
 * every fetch, so viewing it never touches the network.
 *
 * What it shows, with stable ids for tests and links:
 *  - a header (#report-header): ftstress version, runtime, parameters, the
 *    reports merged, the date; a summary (#summary) of verdicts and findings;
 *  - with a history: #findings-over-time, an SVG line chart of findings,
 *    new findings and findings seen for the first time per entry (night),
 *    and #lost-updates-over-time, the lost-update rate of each lossy
 *    scenario per night;
 *  - per scenario (#scenario-NAME): verdict, counts, #histogram-NAME (an SVG
 *    bar chart of samples per result, coloured by class: expected and
 *    acceptable green, interesting orange, forbidden and unexpected red),
 *    the lost-update rate (#lost-updates-NAME), failing seeds and replay;
 *  - per finding (#finding-ID, class "finding new" or "finding known"): a
 *    NEW or known badge, kind, title, signature, id, count, first and last
 *    seen, seeds, scenario, location, and its stacks in <pre> (C detail,
 *    Python stack).
 * NAME is the scenario's name with characters other than letters, digits,
 * '_', '-' and '.' replaced by '_' (and "-2", "-3"... added on a clash).
 * All text from reports is HTML-escaped. */
#ifndef FTSTRESS_REPORT_HTML_H
#define FTSTRESS_REPORT_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "history.h"
#include "output.h"

struct report_html_options {
    const struct history *history; /* entries to plot (the current run included), or NULL */
    time_t generated;              /* the date shown in the header */
    const char *const *inputs;     /* the reports merged into run, or NULL */
    size_t ninputs;
};

/* The document for run. Caller frees; its length in *len (may be NULL). */
char *report_htmlRender(const struct output_run *run, const struct report_html_options *opts,
                        size_t *len);

/* Writes the document to path atomically (util_writeFileAtomic). Returns
 * false with errno set and the old file, if any, unchanged. */
bool report_htmlWrite(const char *path, const struct output_run *run,
                      const struct report_html_options *opts);

#endif
