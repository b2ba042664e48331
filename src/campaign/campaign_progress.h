/* campaign_progress.h - what a running campaign tells people and scripts.
 *
 * On a terminal: event lines, under a status line rewritten in place (done/
 * total, findings so far new and known, time left, the running item). When
 * stdout is not a terminal (CI logs, cron mail): the same events as plain
 * lines with a UTC timestamp, and a heartbeat line every few minutes while an
 * item runs. For scripts: STATE/progress, a key=value file rewritten after
 * every step (campaign_progressWrite). */
#ifndef FTSTRESS_CAMPAIGN_PROGRESS_H
#define FTSTRESS_CAMPAIGN_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Seconds between plain heartbeat lines while one item runs. */
#define CAMPAIGN_HEARTBEAT 300.0

struct campaign_progress {
    FILE *out;
    bool tty;
    double start, deadline; /* util_now() times */
    size_t total;           /* items of this shard */
    size_t done;            /* completed, this time or before */
    size_t resumed;         /* of done: completed by an earlier campaign */
    size_t failed;          /* items whose subprocess failed (exit 3, a signal) */
    size_t findings, new_findings, known_findings;
    size_t unreported;   /* failing items without a JSON report */
    const char *current; /* the running item's key, or NULL */
    double current_start;
    bool status_shown; /* a status line is on the terminal */
    double last_heartbeat;
};

/* Starts p: a terminal when out is one. */
void campaign_progressInit(struct campaign_progress *p, FILE *out, double deadline);

/* Prints one event line (no newline needed). */
void campaign_progressLine(struct campaign_progress *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Redraws the status line (terminal), or a heartbeat line when due (plain). */
void campaign_progressTick(struct campaign_progress *p);

/* Clears the status line, if any. */
void campaign_progressEnd(struct campaign_progress *p);

/* seconds as "45s", "12m04s", "2h05m" into buf (at least 32 bytes). */
char *campaign_duration(double seconds, char *buf);

/* The counts of p as one line: "3/10 items done, 2 findings (1 new, 1 known), 12m04s left". */
void campaign_progressSummary(const struct campaign_progress *p, char *buf, size_t size);

/* Writes STATE/progress (path) atomically: state is "running", "finished",
 * "out-of-time", "interrupted" or "failed"; extra is more key=value lines
 * (the items' statuses), or NULL. */
bool campaign_progressWrite(const struct campaign_progress *p, const char *path, const char *state,
                            const char *extra);

#endif
