/* campaign_progress.c - terminal and plain progress, the progress file; see
 * campaign_progress.h. */
#include "campaign_progress.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "campaign_state.h"
#include "util.h"

void campaign_progressInit(struct campaign_progress *p, FILE *out, double deadline) {
    memset(p, 0, sizeof(*p));
    p->out = out;
    p->tty = isatty(fileno(out)) == 1;
    p->start = util_now();
    p->deadline = deadline;
    p->last_heartbeat = p->start;
}

char *campaign_duration(double seconds, char *buf) {
    long s = seconds < 0 ? 0 : seconds > 1e9 ? 1000000000L : (long)(seconds + 0.5);
    if (s < 60) {
        snprintf(buf, 32, "%lds", s);
    } else if (s < 3600) {
        snprintf(buf, 32, "%ldm%02lds", s / 60, s % 60);
    } else {
        snprintf(buf, 32, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
    }
    return buf;
}

void campaign_progressSummary(const struct campaign_progress *p, char *buf, size_t size) {
    char left[32];
    campaign_duration(p->deadline - util_now(), left);
    int n = snprintf(buf, size, "%zu/%zu items done, %zu finding%s (%zu new, %zu known)", p->done,
                     p->total, p->findings, p->findings == 1 ? "" : "s", p->new_findings,
                     p->known_findings);
    if (n >= 0 && (size_t)n < size && p->unreported > 0) {
        n += snprintf(buf + n, size - (size_t)n, ", %zu failing item%s without a report",
                      p->unreported, p->unreported == 1 ? "" : "s");
    }
    if (n >= 0 && (size_t)n < size && p->failed > 0) {
        n += snprintf(buf + n, size - (size_t)n, ", %zu failed", p->failed);
    }
    if (n >= 0 && (size_t)n < size) {
        snprintf(buf + n, size - (size_t)n, ", %s left", left);
    }
}

static void campaign_clearStatus(struct campaign_progress *p) {
    if (p->status_shown) {
        fputs("\r\033[K", p->out);
        p->status_shown = false;
    }
}

void campaign_progressLine(struct campaign_progress *p, const char *fmt, ...) {
    campaign_clearStatus(p);
    if (!p->tty) {
        char stamp[24];
        fprintf(p->out, "%s ", campaign_isoTime(time(NULL), stamp));
    }
    va_list ap;
    va_start(ap, fmt);
    vfprintf(p->out, fmt, ap);
    va_end(ap);
    fputc('\n', p->out);
    if (p->tty) {
        campaign_progressTick(p);
    }
    fflush(p->out);
}

void campaign_progressTick(struct campaign_progress *p) {
    double now = util_now();
    char summary[256], ran[32];
    campaign_progressSummary(p, summary, sizeof(summary));
    if (!p->tty) {
        if (p->current != NULL && now - p->last_heartbeat >= CAMPAIGN_HEARTBEAT) {
            p->last_heartbeat = now;
            campaign_progressLine(p, "... %s running for %s; %s", p->current,
                                  campaign_duration(now - p->current_start, ran), summary);
        }
        return;
    }
    char line[512];
    int n = snprintf(line, sizeof(line), "[campaign] %s", summary);
    if (p->current != NULL && n >= 0 && (size_t)n < sizeof(line)) {
        snprintf(line + n, sizeof(line) - (size_t)n, " | %s %s", p->current,
                 campaign_duration(now - p->current_start, ran));
    }
    /* One line, never wrapped: cut to the terminal's width. */
    struct winsize ws;
    size_t width = ioctl(fileno(p->out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10 ? ws.ws_col : 80;
    if (strlen(line) >= width) {
        line[width - 1] = '\0';
    }
    fprintf(p->out, "\r\033[K%s", line);
    fflush(p->out);
    p->status_shown = true;
}

void campaign_progressEnd(struct campaign_progress *p) {
    campaign_clearStatus(p);
    fflush(p->out);
}

bool campaign_progressWrite(const struct campaign_progress *p, const char *path, const char *state,
                            const char *extra) {
    char now[24], ran[32];
    double t = util_now();
    char *text = util_asprintf(
        "# ftstress campaign progress, rewritten after every step\n"
        "state=%s\nupdated=%s\nitems=%zu\ndone=%zu\nresumed=%zu\npending=%zu\nfailed=%zu\n"
        "findings=%zu\nnew=%zu\nknown=%zu\nunreported_failures=%zu\nelapsed=%.1f\n"
        "time_left=%.1f\ntime_left_text=%s\ncurrent=%s\n%s",
        state, campaign_isoTime(time(NULL), now), p->total, p->done, p->resumed, p->total - p->done,
        p->failed, p->findings, p->new_findings, p->known_findings, p->unreported, t - p->start,
        p->deadline - t > 0 ? p->deadline - t : 0, campaign_duration(p->deadline - t, ran),
        p->current ? p->current : "", extra ? extra : "");
    bool ok = util_writeFileAtomic(path, text, strlen(text));
    free(text);
    return ok;
}
