/* stop.h - the one SIGINT/SIGTERM handler of every command: it asks the
 * command to stop after what it is doing (a scenario, a test file, a fuzz
 * iteration, a campaign item) and interrupts the interpreter process being
 * waited for (spawn_interrupt), so what was found so far is still reported. */
#ifndef FTSTRESS_STOP_H
#define FTSTRESS_STOP_H

#include <signal.h>
#include <stdbool.h>

/* Set by the handler; commands poll it between units of work. */
extern volatile sig_atomic_t stop_requested;

/* Installs the handler for SIGINT and SIGTERM (idempotent). */
void stop_install(void);

/* The signal that asked to stop, or 0. */
int stop_signal(void);

/* Ends the process by the signal that asked to stop, once everything is
 * written, so a scheduler sees the command did not finish; returns when no
 * signal asked. */
void stop_reraise(void);

#endif
