/* stop.c - the SIGINT/SIGTERM handler; see stop.h. */
#include "stop.h"

#include "spawn.h"

volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t stop_signalNumber;

static void stop_onSignal(int sig) {
    stop_requested = 1;
    stop_signalNumber = sig;
    spawn_interrupt();
}

void stop_install(void) {
    struct sigaction sa = {0};
    sa.sa_handler = stop_onSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int stop_signal(void) {
    return stop_signalNumber;
}

void stop_reraise(void) {
    if (stop_signalNumber != 0) {
        signal(stop_signalNumber, SIG_DFL);
        raise(stop_signalNumber);
    }
}
