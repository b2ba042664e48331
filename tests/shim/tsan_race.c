/* tsan_race.c - built with -fsanitize=thread when the compiler can: two threads race on a
 * plain counter while calling through the shim, so that TSan with halt_on_error=1 ends the
 * process from its report (no atexit, no destructors) and the shim's sanitizer death
 * callback is what writes the stats file. */
#include <pthread.h>
#include <stdio.h>

#include "capi.h"

static long racy;

static void *body(void *arg) {
    for (int i = 0; i < 100000; i++) {
        racy++;
        PyList_Append(NULL, NULL);
    }
    return arg;
}

int main(void) {
    pthread_t t[2];
    for (int i = 0; i < 2; i++) {
        pthread_create(&t[i], NULL, body, NULL);
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(t[i], NULL);
    }
    printf("racy=%ld\n", racy);
    return 0;
}
