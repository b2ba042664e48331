/* A heap block allocated by thread T1, then read by T2 and written by T3
 * without synchronisation: the report carries the allocation stack. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

struct box {
    long pad;
    long value;
};

static struct box *box;
static _Atomic long flag;

static void *allocator(void *arg) {
    box = calloc(1, sizeof(*box));
    return arg;
}

static void *reader(void *arg) {
    return (void *)box->value;
}

static void *atomic_writer(void *arg) {
    usleep(100 * 1000);
    atomic_store_explicit((_Atomic long *)&box->value, 1, memory_order_relaxed);
    atomic_store(&flag, 1);
    return arg;
}

int main(void) {
    pthread_t t1, t2, t3;
    pthread_create(&t1, NULL, allocator, NULL);
    pthread_join(t1, NULL);
    pthread_create(&t2, NULL, reader, NULL);
    pthread_create(&t3, NULL, atomic_writer, NULL);
    pthread_join(t2, NULL);
    pthread_join(t3, NULL);
    free(box);
    return 0;
}
