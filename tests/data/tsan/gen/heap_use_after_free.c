/* One thread frees a heap block that another thread later writes. */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static int *shared;

static void *freer(void *arg) {
    free(shared);
    return arg;
}

static void *late_writer(void *arg) {
    usleep(100 * 1000);
    shared[3] = 7;
    return arg;
}

int main(void) {
    pthread_t t1, t2;
    shared = malloc(16 * sizeof(int));
    pthread_create(&t1, NULL, freer, NULL);
    pthread_create(&t2, NULL, late_writer, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    return 0;
}
