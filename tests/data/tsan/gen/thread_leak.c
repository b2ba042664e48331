/* A joinable thread that finishes and is never joined nor detached. */
#include <pthread.h>
#include <unistd.h>

static void *idle(void *arg) { return arg; }

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, idle, NULL);
    usleep(100 * 1000);
    return 0;
}
