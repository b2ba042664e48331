/* Two threads write one global; the first holds a mutex, the second does not.
 * The sleep orders the writes so the report always names T2 then T1. */
#include <pthread.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
long counter;

static void *locked_writer(void *arg) {
    pthread_mutex_lock(&lock);
    counter++;
    pthread_mutex_unlock(&lock);
    return arg;
}

static void *unlocked_writer(void *arg) {
    usleep(100 * 1000);
    counter = 42;
    return arg;
}

int main(void) {
    pthread_t t1, t2;
    pthread_create(&t1, NULL, locked_writer, NULL);
    pthread_create(&t2, NULL, unlocked_writer, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    return 0;
}
