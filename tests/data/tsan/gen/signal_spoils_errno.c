/* A signal handler that changes errno without restoring it; the signal comes
 * from another thread so TSan treats it as asynchronous. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

static pthread_t main_thread;

static void on_usr1(int sig) { errno = sig; }

static void *sender(void *arg) {
    usleep(50 * 1000); /* lets main reach pthread_join, so frames stay put */
    pthread_kill(main_thread, SIGUSR1);
    return arg;
}

int main(void) {
    pthread_t t;
    main_thread = pthread_self();
    signal(SIGUSR1, on_usr1);
    pthread_create(&t, NULL, sender, NULL);
    pthread_join(t, NULL);
    usleep(100 * 1000);
    return 0;
}
