/* report_html.c - the self-contained HTML report; see report_html.h.
 *
 * Written top to bottom into a memory stream. Charts are plain SVG with
 * explicit coordinates and colours (no scripts, no fonts to fetch), so the
 * page looks the same in a browser, in a headless screenshot and when saved
 * as PDF. Every piece of text that comes from a report goes through
 * xmlesc_write, whose escaping (& < > and quotes in attributes; invalid
 * UTF-8 as U+FFFD; control characters dropped) is what HTML needs too. */
#include "report_html.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"
#include "results.h"
#include "signature.h"
#include "util.h"
#include "xml_escape.h"

#define HTML_MAX_LABEL 32     /* characters of an outcome's name drawn in a histogram */
#define HTML_MAX_RATE_LINES 8 /* scenarios drawn in the lost-update rate chart */

struct html {
    FILE *out;
    const struct output_run *run;
    const struct report_html_options *opts;
    char **slugs; /* per scenario, for ids */
};

/* ---- small helpers ---------------------------------------------------------------------- */

static void html_text(struct html *h, const char *s) {
    xmlesc_write(h->out, s, false);
}

static void html_attr(struct html *h, const char *s) {
    xmlesc_write(h->out, s, true);
}

/* s cut to at most max characters (an ellipsis standing for the rest). Caller frees. */
static char *html_truncate(const char *s, size_t max) {
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), at = 0, chars = 0;
    while (at < n && chars < max) {
        uint32_t cp;
        at += jsonw_utf8Next(p + at, n - at, &cp);
        chars++;
    }
    if (at >= n) {
        return util_strndup(s, n);
    }
    /* Leave room for the ellipsis: back up one character. */
    size_t cut = at;
    while (cut > 0 && (p[cut - 1] & 0xc0) == 0x80) {
        cut--;
    }
    cut = cut > 0 ? cut - 1 : 0;
    while (cut > 0 && (p[cut] & 0xc0) == 0x80) {
        cut--;
    }
    char *head = util_strndup(s, cut);
    char *out = util_asprintf("%s\xe2\x80\xa6", head);
    free(head);
    return out;
}

/* An id-safe form of name: letters, digits, '_', '-', '.'; others become '_'. */
static char *html_slug(const char *name) {
    char *slug = strdup(name && name[0] ? name : "_");
    if (slug == NULL) {
        abort();
    }
    for (char *c = slug; *c; c++) {
        bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                  (*c >= '0' && *c <= '9') || *c == '_' || *c == '-' || *c == '.';
        if (!ok) {
            *c = '_';
        }
    }
    return slug;
}

/* 1234567 as "1,234,567". */
static void html_count(struct html *h, long long v) {
    char digits[32], out[48];
    int n = snprintf(digits, sizeof(digits), "%lld", v < 0 ? -v : v);
    size_t o = 0;
    if (v < 0) {
        out[o++] = '-';
    }
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0) {
            out[o++] = ',';
        }
        out[o++] = digits[i];
    }
    out[o] = '\0';
    fputs(out, h->out);
}

static void html_time(struct html *h, time_t t, const char *fmt) {
    struct tm tm;
    char text[40];
    if (t == 0 || gmtime_r(&t, &tm) == NULL || strftime(text, sizeof(text), fmt, &tm) == 0) {
        fputs("&#8212;", h->out);
        return;
    }
    fputs(text, h->out);
}

static const char *html_verdictLabel(const char *verdict) {
    return verdict[0] == 'p' ? "PASS" : verdict[0] == 'f' ? "FAIL" : "ERROR";
}

/* A class's bar colour: green for fine, orange for interesting, red for wrong. */
static const char *html_classColour(enum outcome_class cls) {
    switch (cls) {
    case OUTCOME_EXPECTED:
        return "#2e7d32";
    case OUTCOME_ACCEPTABLE:
        return "#66bb6a";
    case OUTCOME_INTERESTING:
        return "#ef6c00";
    case OUTCOME_FORBIDDEN:
        return "#c62828";
    case OUTCOME_UNEXPECTED:
        return "#e53935";
    }
    return "#757575";
}

/* A step of 1, 2 or 5 times a power of ten that cuts 0..max into about ticks parts. */
static double html_niceStep(double max, int ticks, bool whole) {
    if (max <= 0) {
        return 1;
    }
    double raw = max / ticks;
    double mag = pow(10, floor(log10(raw)));
    double norm = raw / mag;
    double step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
    return whole && step < 1 ? 1 : step;
}

static void html_number(struct html *h, double v) {
    if (v == floor(v) && fabs(v) < 1e15) {
        fprintf(h->out, "%.0f", v);
    } else {
        fprintf(h->out, "%.3g", v);
    }
}

/* ---- head ------------------------------------------------------------------------------ */

static const char html_style[] =
    ":root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;"
    "--green:#2e7d32;--orange:#ef6c00;--red:#c62828;--blue:#1565c0}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"
    "'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}\n"
    "main{max-width:1120px;margin:0 auto;padding:0 24px 48px}\n"
    "header#report-header{background:#24292f;color:#fff;padding:20px 24px;margin-bottom:20px}\n"
    "header#report-header .inner{max-width:1072px;margin:0 auto}\n"
    "header h1{margin:0 0 6px;font-size:22px}\n"
    "header .meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0 0;"
    "color:#d0d7de}\n"
    "header .meta dt{color:#9198a1}\nheader .meta dd{margin:0}\n"
    "h2{font-size:19px;border-bottom:1px solid var(--line);padding-bottom:4px;margin:32px 0 12px}\n"
    "h3{font-size:16px;margin:0 0 4px}\nh4{font-size:13px;margin:14px 0 4px;color:var(--muted);"
    "text-transform:uppercase;letter-spacing:.04em}\n"
    "code,pre,.mono{font-family:ui-monospace,SFMono-Regular,'DejaVu Sans Mono',Menlo,Consolas,"
    "monospace;font-size:12.5px}\n"
    "pre{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:10px 12px;"
    "overflow-x:auto;white-space:pre;margin:0}\n"
    "a{color:var(--blue);text-decoration:none}\na:hover{text-decoration:underline}\n"
    ".cards{display:flex;flex-wrap:wrap;gap:12px}\n"
    ".card{border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:130px;"
    "background:var(--soft)}\n"
    ".card .n{font-size:26px;font-weight:600;line-height:1.2}\n.card .l{color:var(--muted)}\n"
    ".card.bad .n{color:var(--red)}\n.card.good .n{color:var(--green)}\n"
    ".badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;"
    "line-height:20px;vertical-align:1px;color:#fff;background:#6e7781}\n"
    ".badge.pass{background:var(--green)}\n.badge.fail{background:var(--red)}\n"
    ".badge.error{background:#8250df}\n.badge.new{background:var(--red)}\n"
    ".badge.known{background:#6e7781}\n.badge.kind{background:#ddf4ff;color:#0969da;"
    "font-weight:500}\n"
    "table{border-collapse:collapse;width:100%}\n"
    "th,td{text-align:left;padding:5px 10px;border-bottom:1px solid var(--line);"
    "vertical-align:top}\nth{background:var(--soft);font-weight:600}\n"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "section.scenario{border:1px solid var(--line);border-radius:8px;padding:16px;"
    "margin:16px 0}\n"
    "section.scenario.verdict-fail{border-left:5px solid var(--red)}\n"
    "section.scenario.verdict-pass{border-left:5px solid var(--green)}\n"
    "section.scenario.verdict-error{border-left:5px solid #8250df}\n"
    ".description,.note{color:var(--muted);margin:0 0 8px}\n"
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:8px 0}\n"
    "dl.facts dt{color:var(--muted)}\ndl.facts dd{margin:0;overflow-wrap:anywhere}\n"
    "figure{margin:10px 0}\nfigcaption{color:var(--muted);font-size:12.5px}\n"
    ".legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12.5px;color:var(--muted);"
    "margin:4px 0}\n.legend i{display:inline-block;width:11px;height:11px;border-radius:2px;"
    "margin-right:5px;vertical-align:-1px}\n"
    ".legend i.dash{height:3px;border-radius:0;vertical-align:3px;width:16px}\n"
    "svg{max-width:100%;height:auto;display:block}\nsvg text{font-family:inherit}\n"
    ".lost{margin:8px 0}\n.lost strong{font-variant-numeric:tabular-nums}\n"
    "details.finding{border:1px solid var(--line);border-radius:8px;margin:10px 0;"
    "background:var(--bg)}\n"
    "details.finding.new{border-left:5px solid var(--red)}\n"
    "details.finding.known{border-left:5px solid #8c959f}\n"
    "details.finding>summary{cursor:pointer;padding:10px 14px;list-style-position:outside;"
    "margin-left:14px}\n"
    "details.finding>summary .title{font-weight:600}\n"
    "details.finding>summary .count{color:var(--muted);margin-left:6px}\n"
    "details.finding .body{padding:0 16px 14px}\n"
    ".error-text{color:var(--red)}\n.muted{color:var(--muted)}\n"
    ".tools{margin:0 0 8px}\n.tools button{font:inherit;font-size:12.5px;padding:2px 10px;"
    "border:1px solid var(--line);border-radius:6px;background:var(--soft);cursor:pointer}\n"
    "ul.compact{margin:4px 0;padding-left:20px}\n"
    "footer{color:var(--muted);font-size:12.5px;margin-top:40px}\n"
    "@media print{details.finding{break-inside:avoid}.tools{display:none}}\n";

static void html_head(struct html *h, long failed, size_t nfindings, size_t nnew) {
    FILE *o = h->out;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n", o);
    /* Nothing may be fetched: the file must open the same offline, and a
     * report's text can never turn into a request. */
    fputs("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n",
          o);
    fputs("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", o);
    fputs("<meta name=\"generator\" content=\"ftstress ", o);
    html_attr(h, h->run->tool_version);
    fprintf(o, "\">\n<title>ftstress report: %ld failed, %zu finding%s (%zu new)</title>\n", failed,
            nfindings, nfindings == 1 ? "" : "s", nnew);
    fprintf(o, "<style>\n%s</style>\n</head>\n<body>\n", html_style);
}

static void html_header(struct html *h) {
    const struct output_run *run = h->run;
    FILE *o = h->out;
    fputs("<header id=\"report-header\"><div class=\"inner\">\n<h1>ftstress report</h1>\n", o);
    fputs("<dl class=\"meta\">\n<dt>ftstress</dt><dd>", o);
    html_text(h, run->tool_version ? run->tool_version : "unknown");
    fputs("</dd>\n<dt>runtime</dt><dd>", o);
    if (run->runtime_version != NULL) {
        fputs("CPython ", o);
        html_text(h, run->runtime_version);
    } else {
        fputs("unknown", o);
    }
    if (run->runtime_flavour != NULL) {
        fputs(" (", o);
        html_text(h, run->runtime_flavour);
        fputs(strcmp(run->runtime_flavour, "tsan") == 0 ? ", ThreadSanitizer, free-threaded)"
                                                        : ", free-threaded)",
              o);
    }
    if (run->runtime_key != NULL) {
        fputs(" <span class=\"mono\">", o);
        html_text(h, run->runtime_key);
        fputs("</span>", o);
    }
    fprintf(o,
            "</dd>\n<dt>parameters</dt><dd>%d thread%s, %ld iteration%s &#215; %d run%s per "
            "scenario, base seed %" PRIu64 ", noise ",
            run->threads, run->threads == 1 ? "" : "s", run->iterations,
            run->iterations == 1 ? "" : "s", run->runs, run->runs == 1 ? "" : "s", run->seed);
    html_text(h, run->noise ? run->noise : "unknown");
    fputs("</dd>\n", o);
    if (h->opts->ninputs > 0) {
        fprintf(o, "<dt>merged from</dt><dd>%zu report%s: ", h->opts->ninputs,
                h->opts->ninputs == 1 ? "" : "s");
        for (size_t i = 0; i < h->opts->ninputs; i++) {
            fputs(i > 0 ? ", <span class=\"mono\">" : "<span class=\"mono\">", o);
            html_text(h, h->opts->inputs[i]);
            fputs("</span>", o);
        }
        fputs("</dd>\n", o);
    }
    fputs("<dt>generated</dt><dd>", o);
    html_time(h, h->opts->generated, "%Y-%m-%d %H:%M:%S UTC");
    fputs("</dd>\n</dl>\n</div></header>\n<main>\n", o);
}

static void html_card(struct html *h, const char *cls, long long n, const char *label,
                      const char *href) {
    fprintf(h->out, "<a class=\"card %s\" href=\"%s\"><div class=\"n\">", cls, href);
    html_count(h, n);
    fprintf(h->out, "</div><div class=\"l\">%s</div></a>\n", label);
}

static void html_summary(struct html *h, long passed, long failed, long errors,
                         const struct finding_set *findings) {
    size_t nnew = finding_countNew(findings);
    fputs("<section id=\"summary\">\n<div class=\"cards\">\n", h->out);
    html_card(h, "", (long long)h->run->nscenarios, "scenarios", "#scenarios");
    html_card(h, passed > 0 ? "good" : "", passed, "passed", "#scenarios");
    html_card(h, failed > 0 ? "bad" : "", failed, "failed", "#scenarios");
    html_card(h, errors > 0 ? "bad" : "", errors, "could not run", "#scenarios");
    html_card(h, "", (long long)findings->count, "findings", "#findings");
    html_card(h, nnew > 0 ? "bad" : "good", (long long)nnew, "new findings", "#findings");
    html_card(h, "", (long long)(findings->count - nnew), "known (baseline)", "#findings");
    fputs("</div>\n", h->out);
    if (nnew > 0) {
        fputs("<h4>New findings</h4>\n<ul class=\"compact\">\n", h->out);
        for (size_t i = 0; i < findings->count; i++) {
            const struct finding *f = &findings->items[i];
            if (f->known) {
                continue;
            }
            char id[17];
            signature_id(f->signature, id);
            fprintf(h->out, "<li><a href=\"#finding-%s\">", id);
            html_text(h, f->title);
            fputs("</a> <span class=\"badge kind\">", h->out);
            html_text(h, f->kind);
            fputs("</span></li>\n", h->out);
        }
        fputs("</ul>\n", h->out);
    }
    fputs("</section>\n", h->out);
}

/* ---- charts ---------------------------------------------------------------------------- */

/* The outcome histogram of one scenario: one horizontal bar per result. */
static void html_histogram(struct html *h, const char *slug, const struct results *r) {
    FILE *o = h->out;
    const double width = 760, label_w = 250, value_w = 120, row = 26, top = 8, axis = 26;
    const double bar_x = label_w + 12, bar_w = width - bar_x - value_w;
    long total = 0, max = 0;
    for (size_t i = 0; i < r->noutcomes; i++) {
        total += r->outcomes[i].samples;
        if (r->outcomes[i].samples > max) {
            max = r->outcomes[i].samples;
        }
    }
    size_t rows = r->noutcomes > 0 ? r->noutcomes : 1;
    double height = top + row * (double)rows + axis;
    fprintf(o,
            "<figure>\n<svg id=\"histogram-%s\" class=\"histogram\" xmlns=\"http://www.w3.org/"
            "2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
            "aria-label=\"outcome histogram\">\n",
            slug, width, height, width, height);
    if (r->noutcomes == 0) {
        fprintf(o,
                "<text x=\"%.0f\" y=\"%.0f\" font-size=\"13\" fill=\"#59636e\">no outcomes "
                "recorded</text>\n</svg>\n</figure>\n",
                bar_x, top + 17);
        return;
    }
    double step = html_niceStep((double)max, 5, true);
    double scale_max = ceil((double)max / step) * step;
    if (scale_max <= 0) {
        scale_max = 1;
    }
    double plot_bottom = top + row * (double)rows;
    /* Grid and axis labels. */
    int nticks = (int)lround(scale_max / step);
    for (int k = 0; k <= nticks; k++) {
        double t = step * k;
        double x = bar_x + bar_w * t / scale_max;
        fprintf(o,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#d1d9e0\" "
                "stroke-width=\"1\"/>\n<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
                "fill=\"#59636e\" text-anchor=\"middle\">",
                x, top, x, plot_bottom, x, plot_bottom + 15);
        html_number(h, t);
        fputs("</text>\n", o);
    }
    fprintf(o,
            "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#59636e\" "
            "text-anchor=\"end\">samples</text>\n",
            width - 4, plot_bottom + 15);
    for (size_t i = 0; i < r->noutcomes; i++) {
        const struct outcome *oc = &r->outcomes[i];
        double y = top + row * (double)i;
        double w = bar_w * (double)oc->samples / scale_max;
        double pct = total > 0 ? 100.0 * (double)oc->samples / (double)total : 0;
        const char *cls = results_className(oc->cls);
        fprintf(o, "<g class=\"bar class-%s\">\n<title>", cls);
        html_text(h, oc->result);
        fprintf(o, ": %ld samples (%.1f%%), %s", oc->samples, pct, cls);
        if (oc->description != NULL && oc->description[0]) {
            fputs(" &#8212; ", o);
            html_text(h, oc->description);
        }
        fputs("</title>\n", o);
        char *label = html_truncate(oc->result, HTML_MAX_LABEL);
        fprintf(o,
                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12.5\" fill=\"#1f2328\" "
                "text-anchor=\"end\">",
                label_w, y + row / 2 + 4);
        html_text(h, label);
        free(label);
        fprintf(o,
                "</text>\n<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"2\" "
                "fill=\"%s\"/>\n",
                bar_x, y + 4, w > 0 ? (w < 1.5 ? 1.5 : w) : 0, row - 8, html_classColour(oc->cls));
        fprintf(o,
                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#1f2328\">%ld "
                "<tspan fill=\"#59636e\">(%.1f%%)</tspan></text>\n</g>\n",
                bar_x + w + 6, y + row / 2 + 4, oc->samples, pct);
    }
    fputs("</svg>\n", o);
    /* The legend: only the classes this histogram has. */
    bool seen[OUTCOME_UNEXPECTED + 1] = {false};
    for (size_t i = 0; i < r->noutcomes; i++) {
        seen[r->outcomes[i].cls] = true;
    }
    fputs("<figcaption class=\"legend\">", o);
    for (int c = OUTCOME_EXPECTED; c <= OUTCOME_UNEXPECTED; c++) {
        if (seen[c]) {
            fprintf(o, "<span><i style=\"background:%s\"></i>%s</span>",
                    html_classColour((enum outcome_class)c),
                    results_className((enum outcome_class)c));
        }
    }
    fprintf(o, "<span>%ld states judged</span></figcaption>\n</figure>\n", r->done);
}

struct html_series {
    const char *name;
    const char *colour;
    bool dashed;
    double width;         /* of the line; 0 for the usual */
    const double *values; /* one per history entry; NaN where there is none */
};

/* A line chart over the history's entries (x: the entry's date). */
static void html_lineChart(struct html *h, const char *id, const char *label,
                           const struct html_series *series, size_t nseries, bool percent) {
    const struct history *hist = h->opts->history;
    FILE *o = h->out;
    const double width = 1000, height = 300, left = 58, right = 20, top = 14, bottom = 48;
    const double plot_w = width - left - right, plot_h = height - top - bottom;
    size_t n = hist->count;
    double max = 0;
    for (size_t s = 0; s < nseries; s++) {
        for (size_t i = 0; i < n; i++) {
            if (!isnan(series[s].values[i]) && series[s].values[i] > max) {
                max = series[s].values[i];
            }
        }
    }
    double step = html_niceStep(max, 5, !percent);
    double ymax = max > 0 ? ceil(max / step) * step : 1;
    if (max <= 0 && percent) {
        step = 0.25;
    }
    fprintf(o,
            "<svg id=\"%s\" class=\"line-chart\" xmlns=\"http://www.w3.org/2000/svg\" "
            "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
            "aria-label=\"%s\">\n",
            id, width, height, width, height, label);
    int nticks = (int)lround(ymax / step);
    for (int k = 0; k <= nticks; k++) {
        double t = step * k;
        double y = top + plot_h - plot_h * t / ymax;
        fprintf(o,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                "stroke-width=\"1\"/>\n<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
                "fill=\"#59636e\" text-anchor=\"end\">",
                left, y, left + plot_w, y, t == 0 ? "#8c959f" : "#e4e8ec", left - 6, y + 4);
        html_number(h, t);
        fputs(percent ? "%</text>\n" : "</text>\n", o);
    }
    /* x: one slot per entry; labels thinned to about a dozen. */
    size_t every = n > 12 ? (n + 11) / 12 : 1;
    for (size_t i = 0; i < n; i++) {
        double x = n == 1 ? left + plot_w / 2 : left + plot_w * (double)i / (double)(n - 1);
        bool last_apart = i == n - 1 && i % every > every / 2; /* not on top of the one before */
        if (i % every == 0 || last_apart) {
            fprintf(o,
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#8c959f\"/>\n"
                    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#59636e\" "
                    "text-anchor=\"middle\">",
                    x, top + plot_h, x, top + plot_h + 4, x, top + plot_h + 17);
            html_time(h, hist->entries[i].date, "%m-%d");
            fputs("</text>\n", o);
        }
    }
    fprintf(o,
            "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#59636e\" "
            "text-anchor=\"middle\">night (UTC date of the merge)</text>\n",
            left + plot_w / 2, height - 8);
    for (size_t s = 0; s < nseries; s++) {
        const struct html_series *se = &series[s];
        fprintf(o, "<g class=\"series\" data-series=\"");
        html_attr(h, se->name);
        fputs("\">\n", o);
        /* One polyline per run of entries with a value. */
        bool open = false;
        for (size_t i = 0; i < n; i++) {
            double v = se->values[i];
            if (isnan(v)) {
                if (open) {
                    fputs("\"/>\n", o);
                    open = false;
                }
                continue;
            }
            double x = n == 1 ? left + plot_w / 2 : left + plot_w * (double)i / (double)(n - 1);
            double y = top + plot_h - plot_h * v / ymax;
            if (!open) {
                fprintf(o,
                        "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" "
                        "stroke-linejoin=\"round\"%s points=\"",
                        se->colour, se->width > 0 ? se->width : 2.2,
                        se->dashed ? " stroke-dasharray=\"6 4\"" : "");
                open = true;
            }
            fprintf(o, "%.1f,%.1f ", x, y);
        }
        if (open) {
            fputs("\"/>\n", o);
        }
        for (size_t i = 0; i < n; i++) {
            double v = se->values[i];
            if (isnan(v)) {
                continue;
            }
            double x = n == 1 ? left + plot_w / 2 : left + plot_w * (double)i / (double)(n - 1);
            double y = top + plot_h - plot_h * v / ymax;
            fprintf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>", x, y,
                    se->colour);
            html_time(h, hist->entries[i].date, "%Y-%m-%d %H:%M UTC");
            fputs(": ", o);
            html_text(h, se->name);
            fputs(" ", o);
            if (percent) {
                fprintf(o, "%.3f%%", v);
            } else {
                html_number(h, v);
            }
            fputs("</title></circle>\n", o);
        }
        fputs("</g>\n", o);
    }
    fputs("</svg>\n<div class=\"legend\">", o);
    for (size_t s = 0; s < nseries; s++) {
        fprintf(o, "<span><i class=\"dash\" style=\"background:%s\"></i>", series[s].colour);
        html_text(h, series[s].name);
        fputs("</span>", o);
    }
    fputs("</div>\n", o);
}

static void html_history(struct html *h) {
    const struct history *hist = h->opts->history;
    FILE *o = h->out;
    size_t n = hist->count;
    fputs("<section id=\"history\">\n<h2>Findings over time</h2>\n", o);
    if (n == 0) {
        fputs("<p class=\"muted\">The history is empty.</p>\n</section>\n", o);
        return;
    }
    fprintf(o, "<p class=\"muted\">%zu night%s in the history, from ", n, n == 1 ? "" : "s");
    html_time(h, hist->entries[0].date, "%Y-%m-%d");
    fputs(" to ", o);
    html_time(h, hist->entries[n - 1].date, "%Y-%m-%d");
    fputs(" (this run included). <em>New</em>: not in the baseline; <em>first seen</em>: in no "
          "earlier night.</p>\n",
          o);
    double *total = calloc(n, sizeof(double)), *fresh = calloc(n, sizeof(double)),
           *first = calloc(n, sizeof(double));
    if (total == NULL || fresh == NULL || first == NULL) {
        abort();
    }
    for (size_t i = 0; i < n; i++) {
        total[i] = (double)hist->entries[i].findings_total;
        fresh[i] = (double)hist->entries[i].new_findings;
        first[i] = (double)hist->entries[i].first_seen;
    }
    const struct html_series series[] = {
        /* All findings wide and light under the others: where new findings
         * are all of them, both lines stay visible. */
        {"findings", "#90caf9", false, 6, total},
        {"new findings", "#c62828", false, 0, fresh},
        {"first seen", "#ef6c00", true, 0, first},
    };
    fputs("<figure>\n", o);
    html_lineChart(h, "findings-over-time", "findings per night", series, 3, false);
    fputs("</figure>\n", o);
    free(total);
    free(fresh);
    free(first);

    /* Lost-update rates of this run's lossy scenarios, most lossy first. */
    const struct scenario_verdict *pick[HTML_MAX_RATE_LINES];
    size_t npick = 0;
    for (size_t i = 0; i < h->run->nscenarios; i++) {
        const struct scenario_verdict *v = h->run->scenarios[i];
        if (!v->merged.has_counts || v->name == NULL) {
            continue;
        }
        double rate = v->merged.expected > 0 ? (double)(v->merged.expected - v->merged.observed) /
                                                   (double)v->merged.expected
                                             : 0;
        size_t at = npick;
        while (at > 0) {
            const struct results *r = &pick[at - 1]->merged;
            double other =
                r->expected > 0 ? (double)(r->expected - r->observed) / (double)r->expected : 0;
            if (other >= rate) {
                break;
            }
            at--;
        }
        if (at >= HTML_MAX_RATE_LINES) {
            continue;
        }
        size_t end = npick < HTML_MAX_RATE_LINES ? npick : HTML_MAX_RATE_LINES - 1;
        memmove(&pick[at + 1], &pick[at], (end - at) * sizeof(const struct scenario_verdict *));
        pick[at] = v;
        if (npick < HTML_MAX_RATE_LINES) {
            npick++;
        }
    }
    if (npick > 0) {
        static const char *const palette[HTML_MAX_RATE_LINES] = {
            "#c62828", "#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a", "#00838f", "#5d4037", "#ad1457"};
        struct html_series rates[HTML_MAX_RATE_LINES];
        double *values = calloc(n * npick, sizeof(double));
        if (values == NULL) {
            abort();
        }
        for (size_t s = 0; s < npick; s++) {
            for (size_t i = 0; i < n; i++) {
                const struct history_lost *l = history_findLost(&hist->entries[i], pick[s]->name);
                values[s * n + i] = l != NULL ? 100.0 * l->rate : NAN;
            }
            rates[s] = (struct html_series){pick[s]->name, palette[s], false, 0, &values[s * n]};
        }
        fputs("<h4>Lost-update rate per night</h4>\n<figure>\n", o);
        html_lineChart(h, "lost-updates-over-time", "lost-update rate per night", rates, npick,
                       true);
        fputs("</figure>\n", o);
        free(values);
    }

    fputs("<details><summary>The numbers</summary>\n<table>\n<tr><th>date (UTC)</th>"
          "<th class=\"num\">findings</th><th class=\"num\">new</th><th class=\"num\">first "
          "seen</th><th class=\"num\">occurrences</th><th class=\"num\">scenarios failed</th>"
          "</tr>\n",
          o);
    for (size_t i = n; i-- > 0;) {
        const struct history_entry *e = &hist->entries[i];
        fputs("<tr><td>", o);
        html_time(h, e->date, "%Y-%m-%d %H:%M");
        fprintf(o,
                "</td><td class=\"num\">%ld</td><td class=\"num\">%ld</td><td "
                "class=\"num\">%ld</td><td class=\"num\">%lld</td><td class=\"num\">%ld of "
                "%ld</td></tr>\n",
                e->findings_total, e->new_findings, e->first_seen, e->occurrences, e->failed,
                e->scenarios);
    }
    fputs("</table>\n</details>\n</section>\n", o);
}

/* ---- scenarios ------------------------------------------------------------------------- */

static void html_scenarioTable(struct html *h) {
    FILE *o = h->out;
    fputs("<table class=\"overview\">\n<tr><th>scenario</th><th>kind</th><th>verdict</th><th "
          "class=\"num\">runs</th><th class=\"num\">iterations</th><th class=\"num\">lost "
          "updates</th><th class=\"num\">findings</th></tr>\n",
          o);
    for (size_t i = 0; i < h->run->nscenarios; i++) {
        const struct scenario_verdict *v = h->run->scenarios[i];
        const char *verdict = output_verdictName(v);
        fprintf(o, "<tr><td><a href=\"#scenario-%s\">", h->slugs[i]);
        html_text(h, v->name);
        fprintf(o,
                "</a></td><td>%s</td><td><span class=\"badge %s\">%s</span></td><td "
                "class=\"num\">%d</td><td class=\"num\">",
                verdict_kindName(v->kind), verdict, html_verdictLabel(verdict), v->runs);
        html_count(h, v->merged.done);
        fputs("</td><td class=\"num\">", o);
        if (v->merged.has_counts && v->merged.expected > 0) {
            fprintf(o, "%.2f%%",
                    100.0 * (double)(v->merged.expected - v->merged.observed) /
                        (double)v->merged.expected);
        } else {
            fputs("&#8212;", o);
        }
        fprintf(o, "</td><td class=\"num\">%zu</td></tr>\n", v->findings.count);
    }
    fputs("</table>\n", o);
}

static void html_lostUpdates(struct html *h, const char *slug, const struct results *r) {
    FILE *o = h->out;
    if (!r->has_counts) {
        return;
    }
    long long lost = r->expected - r->observed;
    double rate = r->expected > 0 ? (double)lost / (double)r->expected : 0;
    fprintf(o,
            "<div class=\"lost\" id=\"lost-updates-%s\">Lost-update rate: <strong>%.2f%%</strong>"
            " &#8212; ",
            slug, 100 * rate);
    html_count(h, lost);
    fputs(" of ", o);
    html_count(h, r->expected);
    fputs(" updates lost, in ", o);
    html_count(h, r->lossy_states);
    fputs(" of ", o);
    html_count(h, r->done);
    fputs(" states", o);
    double w = 300 * (rate > 1 ? 1 : rate < 0 ? 0 : rate);
    fprintf(o,
            "<svg class=\"rate-bar\" xmlns=\"http://www.w3.org/2000/svg\" width=\"300\" "
            "height=\"10\" viewBox=\"0 0 300 10\" style=\"display:inline-block;margin-left:10px\">"
            "<rect width=\"300\" height=\"10\" rx=\"2\" fill=\"#e4e8ec\"/><rect width=\"%.1f\" "
            "height=\"10\" rx=\"2\" fill=\"%s\"/></svg></div>\n",
            w > 0 && w < 2 ? 2 : w, lost > 0 ? "#ef6c00" : "#2e7d32");
}

static void html_scenario(struct html *h, size_t index) {
    const struct scenario_verdict *v = h->run->scenarios[index];
    const struct results *r = &v->merged;
    const char *slug = h->slugs[index];
    const char *verdict = output_verdictName(v);
    FILE *o = h->out;
    fprintf(o,
            "<section class=\"scenario verdict-%s\" id=\"scenario-%s\">\n<h3><span "
            "class=\"badge %s\">%s</span> ",
            verdict, slug, verdict, html_verdictLabel(verdict));
    html_text(h, v->name);
    if (v->kind != VERDICT_SCENARIO) {
        fprintf(o, " <span class=\"badge kind\">%s</span>",
                v->kind == VERDICT_TEST ? "test" : "fuzz target");
    }
    fputs("</h3>\n", o);
    if (r->description != NULL && r->description[0]) {
        fputs("<p class=\"description\">", o);
        html_text(h, r->description);
        fputs("</p>\n", o);
    }
    fputs("<dl class=\"facts\">\n", o);
    if (v->path != NULL) {
        fputs("<dt>file</dt><dd class=\"mono\">", o);
        html_text(h, v->path);
        fputs("</dd>\n", o);
    }
    fprintf(o, "<dt>runs</dt><dd>%d run%s, ", v->runs, v->runs == 1 ? "" : "s");
    html_count(h, r->done);
    fprintf(o, " %s, %.1f s</dd>\n",
            v->kind == VERDICT_TEST   ? "iterations"
            : v->kind == VERDICT_FUZZ ? "operation sequences"
                                      : "states judged",
            v->seconds);
    if (r->has_first_failure) {
        fprintf(o, "<dt>first failure</dt><dd>after %.3f s</dd>\n", r->first_failure_seconds);
    }
    if (v->crashes > 0 || v->hangs > 0) {
        fprintf(o, "<dt>crashes, hangs</dt><dd class=\"error-text\">%d crash%s, %d hang%s</dd>\n",
                v->crashes, v->crashes == 1 ? "" : "es", v->hangs, v->hangs == 1 ? "" : "s");
    }
    if (v->tsan_reports > 0) {
        fprintf(o, "<dt>ThreadSanitizer</dt><dd>%d report%s (before deduplication)</dd>\n",
                v->tsan_reports, v->tsan_reports == 1 ? "" : "s");
    }
    if (v->nfailing_seeds > 0) {
        fputs("<dt>failing seeds</dt><dd class=\"mono\">", o);
        for (int i = 0; i < v->nfailing_seeds; i++) {
            fprintf(o, "%s%" PRIu64, i > 0 ? " " : "", v->failing_seeds[i]);
        }
        fputs("</dd>\n", o);
    }
    if (v->case_path != NULL) {
        fputs("<dt>replay</dt><dd><code>ftstress replay ", o);
        html_text(h, v->case_path);
        fputs("</code></dd>\n", o);
    }
    fputs("</dl>\n", o);
    if (v->error != NULL) {
        fprintf(o, "<h4>%s error</h4>\n<pre class=\"error-text\">",
                v->kind == VERDICT_TEST   ? "Test file"
                : v->kind == VERDICT_FUZZ ? "Target"
                                          : "Scenario");
        html_text(h, v->error);
        if (r->actor_exception != NULL) {
            fputs("\nactor exception: ", o);
            html_text(h, r->actor_exception);
        }
        fputs("</pre>\n", o);
    }
    if (v->kind == VERDICT_FUZZ) {
        /* A fuzz target's results are judged by its invariants and the
         * linearizability check, which report findings: no histogram. */
        fputs("<p class=\"note\">A fuzz target: its operations' results are checked by "
              "invariants and linearizability, which report findings.</p>\n",
              o);
    } else {
        html_histogram(h, slug, r);
    }
    html_lostUpdates(h, slug, r);
    if (v->findings.count > 0) {
        fputs("<h4>Findings</h4>\n<ul class=\"compact\">\n", o);
        for (size_t i = 0; i < v->findings.count; i++) {
            const struct finding *f = &v->findings.items[i];
            char id[17];
            signature_id(f->signature, id);
            fprintf(o, "<li><span class=\"badge %s\">%s</span> <a href=\"#finding-%s\">",
                    f->known ? "known" : "new", f->known ? "known" : "NEW", id);
            html_text(h, f->title);
            fputs("</a></li>\n", o);
        }
        fputs("</ul>\n", o);
    }
    fputs("</section>\n", o);
}

/* ---- findings -------------------------------------------------------------------------- */

static void html_findingHistory(struct html *h, const struct finding *f) {
    const struct history *hist = h->opts->history;
    if (hist == NULL || hist->count == 0) {
        return;
    }
    size_t nights = 0, first = hist->count;
    for (size_t i = 0; i < hist->count; i++) {
        if (history_findFinding(&hist->entries[i], f->signature) != NULL) {
            nights++;
            if (first == hist->count) {
                first = i;
            }
        }
    }
    fprintf(h->out, "<dt>history</dt><dd>seen on %zu of %zu night%s", nights, hist->count,
            hist->count == 1 ? "" : "s");
    if (first < hist->count) {
        fputs(", first on ", h->out);
        html_time(h, hist->entries[first].date, "%Y-%m-%d");
    }
    fputs("</dd>\n", h->out);
}

static void html_finding(struct html *h, const struct finding *f) {
    FILE *o = h->out;
    char id[17];
    signature_id(f->signature, id);
    /* New findings open, known ones folded: the eye goes to what changed. */
    fprintf(o, "<details class=\"finding %s\" id=\"finding-%s\"%s>\n<summary>",
            f->known ? "known" : "new", id, f->known ? "" : " open");
    fprintf(o, "<span class=\"badge %s\">%s</span> <span class=\"badge kind\">",
            f->known ? "known" : "new", f->known ? "known" : "NEW");
    html_text(h, f->kind);
    fputs("</span> <span class=\"title\">", o);
    html_text(h, f->title);
    fputs("</span><span class=\"count\">&#215;", o);
    html_count(h, f->count);
    fputs("</span></summary>\n<div class=\"body\">\n<dl class=\"facts\">\n", o);
    fputs("<dt>signature</dt><dd class=\"mono signature\">", o);
    html_text(h, f->signature);
    fprintf(o, "</dd>\n<dt>id</dt><dd class=\"mono\">%s</dd>\n<dt>count</dt><dd>", id);
    html_count(h, f->count);
    fputs("</dd>\n<dt>first seen</dt><dd>", o);
    html_time(h, f->first_seen, "%Y-%m-%d %H:%M:%S UTC");
    fputs("</dd>\n<dt>last seen</dt><dd>", o);
    html_time(h, f->last_seen, "%Y-%m-%d %H:%M:%S UTC");
    fputs("</dd>\n<dt>seeds</dt><dd class=\"mono\">", o);
    for (int i = 0; i < f->nseeds; i++) {
        fprintf(o, "%s%" PRIu64, i > 0 ? " " : "", f->seeds[i]);
    }
    if (f->nseeds == 0) {
        fputs("&#8212;", o);
    }
    fputs("</dd>\n<dt>scenario</dt><dd>", o);
    if (f->scenario != NULL) {
        const char *slug = NULL;
        for (size_t i = 0; i < h->run->nscenarios; i++) {
            if (h->run->scenarios[i]->name != NULL &&
                strcmp(h->run->scenarios[i]->name, f->scenario) == 0) {
                slug = h->slugs[i];
            }
        }
        if (slug != NULL) {
            fprintf(o, "<a href=\"#scenario-%s\">", slug);
        }
        html_text(h, f->scenario);
        fputs(slug != NULL ? "</a>" : "", o);
    } else {
        fputs("&#8212;", o);
    }
    fputs("</dd>\n", o);
    if (f->file != NULL || f->function != NULL) {
        fputs("<dt>location</dt><dd class=\"mono\">", o);
        html_text(h, f->file ? f->file : "?");
        if (f->line > 0) {
            fprintf(o, ":%d", f->line);
        }
        if (f->function != NULL) {
            fputs(" in ", o);
            html_text(h, f->function);
        }
        fputs("</dd>\n", o);
    }
    html_findingHistory(h, f);
    fputs("</dl>\n", o);
    if (f->detail != NULL && f->detail[0]) {
        fputs("<h4>Detail</h4>\n<pre class=\"detail\">", o);
        html_text(h, f->detail);
        fputs("</pre>\n", o);
    }
    if (f->python_stack != NULL && f->python_stack[0]) {
        fputs("<h4>Python stack</h4>\n<pre class=\"python-stack\">", o);
        html_text(h, f->python_stack);
        fputs("</pre>\n", o);
    }
    fputs("</div>\n</details>\n", o);
}

static const char html_script[] =
    "document.querySelectorAll('button[data-open]').forEach(function(b){"
    "b.addEventListener('click',function(){var open=b.getAttribute('data-open')==='1';"
    "document.querySelectorAll('details.finding').forEach(function(d){d.open=open;});});});\n";

static void html_findings(struct html *h, const struct finding_set *findings) {
    FILE *o = h->out;
    fprintf(o, "<section id=\"findings\">\n<h2>Findings (%zu)</h2>\n", findings->count);
    if (findings->count == 0) {
        fputs("<p class=\"muted\">No findings.</p>\n</section>\n", o);
        return;
    }
    fputs("<div class=\"tools\"><button type=\"button\" data-open=\"1\">expand all</button> "
          "<button type=\"button\" data-open=\"0\">collapse all</button></div>\n",
          o);
    for (size_t i = 0; i < findings->count; i++) {
        html_finding(h, &findings->items[i]);
    }
    fputs("</section>\n", o);
}

/* ---- the document ---------------------------------------------------------------------- */

char *report_htmlRender(const struct output_run *run, const struct report_html_options *opts,
                        size_t *len) {
    static const struct finding_set none = {0};
    static const struct report_html_options no_options = {0};
    const struct finding_set *findings = run->findings ? run->findings : &none;
    char *buf = NULL;
    size_t size = 0;
    struct html h = {
        .out = open_memstream(&buf, &size),
        .run = run,
        .opts = opts ? opts : &no_options,
    };
    if (h.out == NULL) {
        abort();
    }
    h.slugs = calloc(run->nscenarios + 1, sizeof(*h.slugs));
    if (h.slugs == NULL) {
        abort();
    }
    for (size_t i = 0; i < run->nscenarios; i++) {
        char *slug = html_slug(run->scenarios[i]->name);
        for (int k = 2;; k++) {
            bool clash = false;
            for (size_t j = 0; j < i && !clash; j++) {
                clash = strcmp(h.slugs[j], slug) == 0;
            }
            if (!clash) {
                break;
            }
            char *base = html_slug(run->scenarios[i]->name);
            free(slug);
            slug = util_asprintf("%s-%d", base, k);
            free(base);
        }
        h.slugs[i] = slug;
    }
    long passed = 0, failed = 0, errors = 0;
    for (size_t i = 0; i < run->nscenarios; i++) {
        const char *verdict = output_verdictName(run->scenarios[i]);
        passed += verdict[0] == 'p';
        failed += verdict[0] == 'f';
        errors += verdict[0] == 'e';
    }
    html_head(&h, failed, findings->count, finding_countNew(findings));
    html_header(&h);
    html_summary(&h, passed, failed, errors, findings);
    if (h.opts->history != NULL) {
        html_history(&h);
    }
    fprintf(h.out, "<section id=\"scenarios\">\n<h2>Scenarios (%zu)</h2>\n", run->nscenarios);
    if (run->nscenarios > 0) {
        html_scenarioTable(&h);
    }
    for (size_t i = 0; i < run->nscenarios; i++) {
        html_scenario(&h, i);
    }
    fputs("</section>\n", h.out);
    html_findings(&h, findings);
    fputs("<footer>Written by ftstress ", h.out);
    html_text(&h, run->tool_version);
    fputs(". Colours: <span style=\"color:#2e7d32\">expected / acceptable</span>, <span "
          "style=\"color:#ef6c00\">interesting</span>, <span style=\"color:#c62828\">forbidden "
          "/ unexpected</span>. A saved failing case replays with <code>ftstress replay "
          "CASE</code>.</footer>\n</main>\n",
          h.out);
    fprintf(h.out, "<script>\n%s</script>\n</body>\n</html>\n", html_script);
    fclose(h.out);
    for (size_t i = 0; i < run->nscenarios; i++) {
        free(h.slugs[i]);
    }
    free(h.slugs);
    if (len != NULL) {
        *len = size;
    }
    return buf;
}

bool report_htmlWrite(const char *path, const struct output_run *run,
                      const struct report_html_options *opts) {
    size_t len;
    char *doc = report_htmlRender(run, opts, &len);
    bool ok = util_writeFileAtomic(path, doc, len);
    int saved = errno;
    free(doc);
    errno = saved;
    return ok;
}
