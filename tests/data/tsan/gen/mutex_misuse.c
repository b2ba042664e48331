/* Three mutex misuses in one run: unlock of an unlocked mutex, destroy of a
 * locked mutex, and a double lock. The double lock needs a mutex that TSan
 * still believes owned by main while it is free for real: main locks it, then
 * resets it behind TSan's back (plain stores, no unlock), and a thread locks it. */
#include <pthread.h>
#include <string.h>

static pthread_mutex_t shared = PTHREAD_MUTEX_INITIALIZER;

static void unlock_unlocked(void) {
    pthread_mutex_t m;
    pthread_mutex_init(&m, NULL);
    pthread_mutex_unlock(&m);
    pthread_mutex_destroy(&m);
}

static void destroy_locked(void) {
    pthread_mutex_t m;
    pthread_mutex_init(&m, NULL);
    pthread_mutex_lock(&m);
    pthread_mutex_destroy(&m);
}

static void *lock_shared(void *arg) {
    pthread_mutex_lock(&shared);
    pthread_mutex_unlock(&shared);
    return arg;
}

static void double_lock(void) {
    pthread_t t;
    pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&shared);
    memcpy(&shared, &fresh, sizeof(fresh));
    pthread_create(&t, NULL, lock_shared, NULL);
    pthread_join(t, NULL);
}

int main(void) {
    unlock_unlocked();
    destroy_locked();
    double_lock();
    return 0;
}
