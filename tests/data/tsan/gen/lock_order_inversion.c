/* Takes A then B, later B then A: TSan reports a potential deadlock even
 * though the two orders never overlap in time. */
#include <pthread.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

static void lock_a_then_b(void) {
    pthread_mutex_lock(&a);
    pthread_mutex_lock(&b);
    pthread_mutex_unlock(&b);
    pthread_mutex_unlock(&a);
}

static void *lock_b_then_a(void *arg) {
    pthread_mutex_lock(&b);
    pthread_mutex_lock(&a);
    pthread_mutex_unlock(&a);
    pthread_mutex_unlock(&b);
    return arg;
}

int main(void) {
    pthread_t t;
    lock_a_then_b();
    pthread_create(&t, NULL, lock_b_then_a, NULL);
    pthread_join(t, NULL);
    return 0;
}
