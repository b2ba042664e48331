/* Two early writes are followed by so many other accesses that the smallest
 * history_size evicts their stacks: TSan then prints
 * "[failed to restore the stack]" for both previous accesses.
 * Built with GCC's libtsan (the older runtime): clang 14's runtime drops a
 * race whose previous stack it cannot restore instead of printing it. */
#include <pthread.h>
#include <unistd.h>

long shared_a;
long shared_b;
static volatile long churn[1 << 12];

static __attribute__((noinline)) void touch(int i) { churn[i & 4095] = i; }

static void *early_writer(void *arg) {
    shared_a = 1;
    shared_b = 1;
    for (int i = 0; i < 2000000; i++)
        touch(i);
    return arg;
}

static void *late_writer(void *arg) {
    usleep(300 * 1000);
    shared_a = 2;
    shared_b = 2;
    return arg;
}

int main(void) {
    pthread_t t1, t2;
    pthread_create(&t1, NULL, early_writer, NULL);
    pthread_create(&t2, NULL, late_writer, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    return 0;
}
