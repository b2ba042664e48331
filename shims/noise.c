/* noise.c - seeded schedule noise: a per-thread splitmix64 stream decides, at each
 * intercepted call, whether to yield, spin or sleep, so that the windows of racy
 * read-modify-write sequences (`cnt += 1`: load, add, store) grow enough for another thread
 * to land inside them, reproducibly for a given seed and thread index. */
#include <sched.h>
#include <time.h>

#include "shim_internal.h"

/* splitmix64 (Steele, Lea, Flood 2014): a 64-bit state, one add and a mix per draw; good
 * enough statistically for scheduling decisions and trivially seedable per thread. */
static inline uint64_t splitmix64_next(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t noise_thread_seed(uint64_t seed, uint64_t thread_index) {
    /* Mix the index through its own splitmix step before combining, so that neighbouring
     * seeds and neighbouring thread indices give unrelated streams. */
    uint64_t s = thread_index;
    uint64_t mixed_index = splitmix64_next(&s);
    uint64_t state = seed ^ mixed_index;
    (void)splitmix64_next(&state);
    return state;
}

int noise_decide(uint64_t *state, int level, uint32_t *amount) {
    *amount = 0;
    if (level == FTSHIM_NOISE_OFF) {
        return FTSHIM_ACT_NONE;
    }
    uint64_t r = splitmix64_next(state);
    if (level == FTSHIM_NOISE_LOW) {
        return (r & 63) == 0 ? FTSHIM_ACT_YIELD : FTSHIM_ACT_NONE; /* 1/64 */
    }
    /* high: the low 10 bits pick the rare sleep, the next 3 bits the 1/8 yield-or-spin; the
     * remaining bits size the action, so one draw per call keeps streams aligned. */
    if ((r & 1023) == 0) {
        *amount = 1000 + (uint32_t)((r >> 20) % 19001); /* 1..20 us */
        return FTSHIM_ACT_SLEEP;
    }
    if (((r >> 10) & 7) != 0) {
        return FTSHIM_ACT_NONE;
    }
    if ((r >> 13) & 1) {
        return FTSHIM_ACT_YIELD;
    }
    *amount = 1 + (uint32_t)((r >> 14) & 255); /* 1..256 pause iterations */
    return FTSHIM_ACT_SPIN;
}

static inline void noise_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#else
    __asm__ __volatile__("" ::: "memory");
#endif
}

void noise_apply_slow(struct shim_thread *t, int level) {
    uint32_t amount;
    switch (noise_decide(&t->prng, level, &amount)) {
    case FTSHIM_ACT_YIELD:
        counters_bump_in(t, C_NOISE_YIELDS);
        sched_yield();
        break;
    case FTSHIM_ACT_SPIN:
        counters_bump_in(t, C_NOISE_SPINS);
        for (uint32_t i = 0; i < amount; i++) {
            noise_cpu_relax();
        }
        break;
    case FTSHIM_ACT_SLEEP: {
        counters_bump_in(t, C_NOISE_SLEEPS);
        struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)amount};
        nanosleep(&ts, NULL);
        break;
    }
    default:
        break;
    }
}

uint64_t ftshim_noise_thread_seed(uint64_t seed, uint64_t thread_index) {
    return noise_thread_seed(seed, thread_index);
}

int ftshim_noise_decide(uint64_t *state, int level, uint32_t *amount) {
    return noise_decide(state, level, amount);
}
