/* fuzz_harness.h - what every parser harness shares: libFuzzer's entry point
 * and a strict check that a string the parser returned is terminated (reading
 * every byte lets ASan catch a missing NUL or a freed buffer). */
#ifndef FTSTRESS_FUZZ_HARNESS_H
#define FTSTRESS_FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* strlen of s, 0 for NULL. */
static inline size_t fuzz_touch(const char *s) {
    return s ? strlen(s) : 0;
}

/* Keeps a value computed from the parser's output alive past the optimiser. */
static inline void fuzz_sink(size_t n) {
    __asm__ volatile("" : : "r"(n) : "memory");
}

#endif
