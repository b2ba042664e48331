/* schedule.c - the controlled scheduler (see schedule.h and ftshim.h, "Controlled schedules").
 *
 * One global state under a spin lock; the turn is handed on by storing its new owner and
 * bumping a futex word every waiter sleeps on. Nothing here is a pthread object or an
 * intercepted call: TSan must not see an edge between the thread that gives the turn away
 * and the one that takes it, or it would hide the very races the schedule provokes.
 *
 * Members, their states:
 *   GATE      waiting for the round to start (ftshim_sched_enter, ftshim_sched_gate);
 *   RUNNABLE  runs when it holds the turn, waits for it otherwise;
 *   BLOCKED   detached its thread state (a blocking call); it takes no part in decisions
 *             until it comes back, and then waits for the turn before it re-attaches.
 * A round starts when every member still present waits at the gate (one state of the
 * harness: all actors begin it together, whatever the OS did meanwhile). A decision is a
 * choice among two or more runnable members: at a switch point of the owner, or when the
 * owner gave its turn away. Decisions are recorded (one byte each: the member chosen) with
 * a hash of what was runnable at each, so a replay can follow them and tell a faithful run
 * from a diverged one. */
#include "schedule.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "capi.h"
#include "shim_internal.h"

bool sched_enabled;

enum member_state { MS_ABSENT = 0, MS_GATE, MS_RUNNABLE, MS_BLOCKED };

struct member {
    int state;
    int prio;              /* PCT: higher runs first */
    const void *parked_on; /* the parking-lot address it waits on, NULL: none */
    uint64_t park_seq;     /* when it parked: the lot wakes waiters of an address in order */
    bool waking;           /* unparked by a member: runnable before it is back */
};

/* One step of the trace of the current epoch (the rounds between the first enter and the
 * last leave: one stride of the harness), for the interleaving of a failing state. */
struct trace_event {
    uint32_t round;
    uint8_t tid;
    uint8_t preempt; /* the turn went elsewhere here although this thread could go on */
    int32_t line;
    const char *op;
    const void *code;
};

#define TRACE_CAP (1u << 17)
#define RECORD_CAP ((size_t)1 << 28) /* decisions recorded; reserved, touched as used */
#define LIVELOCK_STEPS 20000         /* PCT: steps one thread may run alone with others ready */

static struct {
    _Atomic uint32_t lock;
    _Atomic uint32_t seq; /* futex word: bumped at every change of owner or round */
    int owner;            /* member holding the turn, -1: none */
    int expected, entered, left;
    struct member m[SCHED_MAX_THREADS];
    uint64_t prng;
    uint64_t progress; /* switch points passed by owners: the watchdog's pulse */
    uint32_t round;    /* rounds of this epoch */
    /* PCT */
    uint64_t round_steps, k_est, change[SCHED_MAX_DEPTH];
    int nchange, next_change, low_prio;
    int last_chosen;
    uint64_t run_length;
    /* record and replay */
    uint8_t *rec;
    size_t nrec;
    bool rec_truncated;
    uint64_t hash;
    uint8_t *rep;
    size_t nrep, cur;
    bool replaying;
    uint64_t diverged_at; /* 1 + index of the first decision that could not follow, 0: none */
    uint64_t watchdog;
    uint64_t park_seq;
    uint64_t epoch; /* epochs ended */
    /* trace of the epoch */
    struct trace_event *trace;
    uint32_t ntrace;
} S = {.owner = -1, .last_chosen = -1};

static int sched_strategy;
static int sched_depth = 2;
static long sched_watchdog_ms = 3000;
static char sched_out_path[SHIM_PATH_MAX];

/* ---- low-level: lock, futex, PRNG ---- */

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static void lock(void) {
    for (int spins = 0; atomic_exchange_explicit(&S.lock, 1, memory_order_acquire) != 0;) {
        while (atomic_load_explicit(&S.lock, memory_order_relaxed) != 0) {
            if (++spins < 64) {
                cpu_relax();
            } else {
                syscall(SYS_sched_yield);
            }
        }
    }
}

static void unlock(void) {
    atomic_store_explicit(&S.lock, 0, memory_order_release);
}

/* Raw futex calls: libc's syscall() is not intercepted by TSan. */
static int futex_wait(_Atomic uint32_t *word, uint32_t val, long ms) {
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    long r = syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_PRIVATE, val, &ts, NULL, 0);
    return r == 0 ? 0 : errno;
}

static void futex_wake_all(_Atomic uint32_t *word) {
    syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE_PRIVATE, 0x7fffffff, NULL, NULL, 0);
}

static uint64_t next_random(void) {
    uint64_t z = (S.prng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void set_owner(int next) {
    S.owner = next;
    atomic_fetch_add_explicit(&S.seq, 1, memory_order_relaxed);
    futex_wake_all(&S.seq);
}

/* ---- decisions ---- */

static uint64_t runnable_mask(void) {
    uint64_t mask = 0;
    for (int i = 0; i < SCHED_MAX_THREADS; i++) {
        if (S.m[i].state == MS_RUNNABLE) {
            mask |= 1ULL << i;
        }
    }
    return mask;
}

static int pct_pick(uint64_t mask) {
    int best = -1;
    for (int i = 0; i < SCHED_MAX_THREADS; i++) {
        if ((mask >> i & 1) && (best < 0 || S.m[i].prio > S.m[best].prio)) {
            best = i;
        }
    }
    return best;
}

static int random_pick(uint64_t mask) {
    int n = __builtin_popcountll(mask);
    int k = (int)(next_random() % (uint64_t)n);
    for (int i = 0; i < SCHED_MAX_THREADS; i++) {
        if ((mask >> i & 1) && k-- == 0) {
            return i;
        }
    }
    return -1;
}

static void record(struct shim_thread *t, uint64_t mask, int chosen) {
    if (S.rec != NULL && S.nrec < RECORD_CAP) {
        S.rec[S.nrec++] = (uint8_t)chosen;
    } else {
        S.rec_truncated = true;
    }
    /* FNV-1a over (runnable set, choice): equal hashes mean the replay saw the same choices
     * among the same candidates. */
    const uint64_t prime = 0x100000001b3ULL;
    for (int b = 0; b < 8; b++) {
        S.hash = (S.hash ^ ((mask >> (8 * b)) & 0xff)) * prime;
    }
    S.hash = (S.hash ^ (uint64_t)chosen) * prime;
    counters_bump_in(t, C_SCHED_DECISIONS);
}

/* The next owner among the runnable members; cur is the owner at a switch point (-1 when
 * the turn was given away). A step with two or more candidates is a decision. */
static int choose(struct shim_thread *t, int cur) {
    uint64_t mask = runnable_mask();
    if (mask == 0) {
        return -1;
    }
    if ((mask & (mask - 1)) == 0) {
        return __builtin_ctzll(mask);
    }
    if (sched_strategy == SCHED_PCT && cur >= 0) {
        S.round_steps++;
        while (S.next_change < S.nchange && S.change[S.next_change] <= S.round_steps) {
            S.m[cur].prio = S.low_prio--; /* a change point: the running thread drops */
            S.next_change++;
        }
        if (cur == S.last_chosen && ++S.run_length >= LIVELOCK_STEPS) {
            /* one thread spinning on a condition only another can make true */
            S.m[cur].prio = S.low_prio--;
            S.run_length = 0;
        }
    }
    int chosen = sched_strategy == SCHED_PCT ? pct_pick(mask) : random_pick(mask);
    if (S.replaying) {
        if (S.cur < S.nrep && (mask >> S.rep[S.cur] & 1)) {
            chosen = S.rep[S.cur];
        } else if (S.diverged_at == 0) {
            S.diverged_at = S.cur + 1;
            counters_bump_in(t, C_SCHED_DIVERGED);
        }
        S.cur++;
    }
    if (chosen != S.last_chosen) {
        S.run_length = 0;
    }
    S.last_chosen = chosen;
    record(t, mask, chosen);
    return chosen;
}

/* ---- rounds ---- */

static void round_start(struct shim_thread *t) {
    int present[SCHED_MAX_THREADS];
    int n = 0;
    for (int i = 0; i < SCHED_MAX_THREADS; i++) {
        if (S.m[i].state == MS_GATE) {
            S.m[i].state = MS_RUNNABLE;
            present[n++] = i;
        }
    }
    if (S.round_steps > 0) {
        S.k_est = S.round_steps; /* the last round's length estimates the next one's */
    }
    S.round_steps = 0;
    S.round++;
    counters_bump_in(t, C_SCHED_ROUNDS);
    if (sched_strategy == SCHED_PCT) {
        /* random distinct priorities depth..depth+n-1 (Fisher-Yates), and depth-1 change
         * points uniform over the estimated steps, sorted */
        for (int i = n - 1; i > 0; i--) {
            int j = (int)(next_random() % (uint64_t)(i + 1));
            int tmp = present[i];
            present[i] = present[j];
            present[j] = tmp;
        }
        for (int i = 0; i < n; i++) {
            S.m[present[i]].prio = sched_depth + i;
        }
        S.nchange = sched_depth - 1;
        for (int i = 0; i < S.nchange; i++) {
            S.change[i] = 1 + next_random() % (S.k_est > 0 ? S.k_est : 1);
        }
        for (int i = 1; i < S.nchange; i++) {
            for (int j = i; j > 0 && S.change[j - 1] > S.change[j]; j--) {
                uint64_t tmp = S.change[j];
                S.change[j] = S.change[j - 1];
                S.change[j - 1] = tmp;
            }
        }
        S.next_change = 0;
        S.low_prio = sched_depth - 1;
    }
    S.last_chosen = -1;
    S.run_length = 0;
    set_owner(choose(t, -1));
}

/* After the owner gave its turn away (gate, block, leave): a new round when every member
 * present waits at the gate, else the next runnable member. */
static void turn_released(struct shim_thread *t) {
    int present = 0, at_gate = 0;
    for (int i = 0; i < SCHED_MAX_THREADS; i++) {
        present += S.m[i].state != MS_ABSENT;
        at_gate += S.m[i].state == MS_GATE;
    }
    if (S.entered == S.expected && present > 0 && at_gate == present) {
        round_start(t);
    } else if (S.owner < 0) {
        set_owner(choose(t, -1));
    }
}

/* Waits, lock held, until me holds the turn; returns with the lock released. The watchdog
 * takes the turn when its owner passed no switch point for a whole period (a wait the
 * scheduler cannot see: a stop-the-world, a lock that never detaches). */
static void wait_turn_locked(struct shim_thread *t, int me) {
    for (;;) {
        if (S.owner == me) {
            break;
        }
        if (S.owner < 0 && S.m[me].state == MS_RUNNABLE) {
            set_owner(me);
            break;
        }
        uint32_t seq = atomic_load_explicit(&S.seq, memory_order_relaxed);
        uint64_t progress = S.progress;
        int owner = S.owner;
        unlock();
        int r = futex_wait(&S.seq, seq, sched_watchdog_ms);
        lock();
        if (r == ETIMEDOUT && owner >= 0 && S.owner == owner && S.progress == progress &&
            atomic_load_explicit(&S.seq, memory_order_relaxed) == seq) {
            S.watchdog++;
            counters_bump_in(t, C_SCHED_WATCHDOG);
            if (S.m[me].state == MS_GATE) {
                S.m[me].state = MS_RUNNABLE;
            }
            set_owner(me);
            break;
        }
    }
    unlock();
}

static void trace_add(int tid, struct shim_thread *t, const char *op, bool preempt) {
    if (S.trace == NULL || S.ntrace >= TRACE_CAP) {
        return;
    }
    S.trace[S.ntrace++] = (struct trace_event){.round = S.round - 1,
                                               .tid = (uint8_t)tid,
                                               .preempt = preempt,
                                               .line = t->sched_line,
                                               .op = op,
                                               .code = t->sched_code};
}

/* ---- the hooks ---- */

void sched_point(struct shim_thread *t, const char *op) {
    int me = t->sched_member - 1;
    if (me < 0) {
        return;
    }
    counters_bump_in(t, C_SCHED_POINTS);
    lock();
    if (S.m[me].state != MS_RUNNABLE) {
        unlock();
        return;
    }
    if (S.owner != me) {
        wait_turn_locked(t, me); /* the watchdog gave our turn away meanwhile */
        return;
    }
    S.progress++;
    int next = choose(t, me);
    trace_add(me, t, op, next != me);
    if (next == me) {
        unlock();
        return;
    }
    counters_bump_in(t, C_SCHED_SWITCHES);
    set_owner(next);
    wait_turn_locked(t, me);
}

void sched_detached(struct shim_thread *t) {
    int me = t->sched_member - 1;
    if (me < 0) {
        return;
    }
    lock();
    if (S.m[me].state == MS_RUNNABLE) {
        S.m[me].state = MS_BLOCKED;
        trace_add(me, t, "detach", false);
        if (S.owner == me) {
            S.owner = -1;
            turn_released(t);
        }
    }
    unlock();
}

void sched_before_attach(struct shim_thread *t) {
    int me = t->sched_member - 1;
    if (me < 0) {
        return;
    }
    lock();
    if (S.m[me].waking) {
        S.m[me].waking = false; /* already runnable since its unpark: wait for the turn */
        wait_turn_locked(t, me);
        return;
    }
    if (S.m[me].state != MS_BLOCKED) {
        unlock();
        return;
    }
    S.m[me].state = MS_RUNNABLE;
    wait_turn_locked(t, me);
}

/* ---- the parking lot: a member woken by another member becomes runnable at the unpark,
 * a step of the waker, not whenever the OS lets it run again: that keeps lock hand-offs
 * between members deterministic. ---- */

void sched_before_park(struct shim_thread *t, const void *addr) {
    int me = t->sched_member - 1;
    if (me < 0) {
        return;
    }
    lock();
    S.m[me].parked_on = addr;
    S.m[me].park_seq = ++S.park_seq;
    unlock();
}

void sched_after_park(struct shim_thread *t) {
    int me = t->sched_member - 1;
    if (me < 0) {
        return;
    }
    lock();
    S.m[me].parked_on = NULL;
    unlock();
}

/* The waker (a member) unparks one (all: every) waiter of addr: the blocked members parked
 * there, the earliest first, become runnable now. */
void sched_unparked(struct shim_thread *t, const void *addr, bool all) {
    if (t->sched_member == 0) {
        return;
    }
    lock();
    for (;;) {
        int first = -1;
        for (int i = 0; i < SCHED_MAX_THREADS; i++) {
            if (S.m[i].state == MS_BLOCKED && S.m[i].parked_on == addr &&
                (first < 0 || S.m[i].park_seq < S.m[first].park_seq)) {
                first = i;
            }
        }
        if (first < 0) {
            break;
        }
        S.m[first].state = MS_RUNNABLE;
        S.m[first].waking = true;
        S.m[first].parked_on = NULL;
        if (!all) {
            break;
        }
    }
    unlock();
}

/* ---- the control API (ftshim.h) ---- */

FTSHIM_API void ftshim_sched_enter(int tid, int threads) {
    struct shim_thread *t = thread_self();
    if (!sched_enabled || tid < 0 || tid >= SCHED_MAX_THREADS || threads < 1 ||
        threads > SCHED_MAX_THREADS || t->sched_member != 0) {
        return;
    }
    lock();
    if (S.m[tid].state != MS_ABSENT) {
        unlock(); /* two threads claiming one index: the second runs free */
        return;
    }
    if (S.entered == 0) {
        S.expected = threads;
        S.round = 0;
        S.ntrace = 0;
    }
    t->sched_member = tid + 1;
    S.entered++;
    S.m[tid].state = MS_GATE;
    if (S.owner < 0) {
        turn_released(t);
    }
    wait_turn_locked(t, tid);
}

FTSHIM_API void ftshim_sched_gate(void) {
    struct shim_thread *t = thread_self();
    int me = t->sched_member - 1;
    if (me < 0) {
        return;
    }
    lock();
    trace_add(me, t, "gate", false);
    S.m[me].state = MS_GATE;
    if (S.owner == me) {
        S.owner = -1;
    }
    turn_released(t);
    wait_turn_locked(t, me);
}

FTSHIM_API void ftshim_sched_leave(void) {
    struct shim_thread *t = thread_self();
    int me = t->sched_member - 1;
    if (me < 0) {
        return;
    }
    lock();
    trace_add(me, t, "leave", false);
    S.m[me].state = MS_ABSENT;
    S.m[me].waking = false;
    S.m[me].parked_on = NULL;
    S.left++;
    t->sched_member = 0;
    if (S.owner == me) {
        S.owner = -1;
    }
    if (S.left >= S.expected) {
        S.entered = S.left = S.expected = 0; /* the epoch is over */
        S.epoch++;
        set_owner(-1);
        unlock();
        return;
    }
    turn_released(t);
    /* Run free only once no member runs any more: a thread that left and went on (the
     * harness's next barrier, its reference-count merges) would race the members still
     * in the epoch and make their steps depend on timing. Detached while it waits, so
     * that a stop-the-world of the others does not wait for it. */
    uint64_t epoch = S.epoch;
    unlock();
    PyThreadState *ts = PyEval_SaveThread();
    lock();
    while (S.epoch == epoch) {
        uint32_t seq = atomic_load_explicit(&S.seq, memory_order_relaxed);
        unlock();
        futex_wait(&S.seq, seq, 1000);
        lock();
    }
    unlock();
    PyEval_RestoreThread(ts);
}

FTSHIM_API void ftshim_sched_line(const void *code, int line) {
    struct shim_thread *t = thread_self();
    if (t->sched_member == 0) {
        return;
    }
    t->sched_code = code;
    t->sched_line = line;
    sched_point(t, "line");
}

FTSHIM_API int ftshim_sched_strategy(void) {
    config_ensure_loaded();
    return sched_strategy;
}

FTSHIM_API int ftshim_sched_trace(int round, const char *path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return -1;
    }
    char buf[512];
    lock();
    for (uint32_t i = 0; i < S.ntrace; i++) {
        const struct trace_event *e = &S.trace[i];
        if ((int)e->round != round) {
            continue;
        }
        struct fmt_buf b;
        fmt_init(&b, buf, sizeof buf);
        fmt_u64(&b, e->tid);
        fmt_char(&b, '\t');
        fmt_u64(&b, (uint64_t)(e->line < 0 ? 0 : e->line));
        fmt_char(&b, '\t');
        fmt_hex(&b, (uint64_t)(uintptr_t)e->code);
        fmt_char(&b, '\t');
        fmt_str(&b, e->op);
        fmt_str(&b, e->preempt ? "\tpreempt\n" : "\t-\n");
        fmt_write_all(fd, buf, b.len);
    }
    unlock();
    return close(fd);
}

/* ---- configuration, the schedule file, replay ---- */

int sched_parse_strategy(const char *s, int *out) {
    if (strcmp(s, "free") == 0) {
        *out = SCHED_FREE;
    } else if (strcmp(s, "random") == 0) {
        *out = SCHED_RANDOM;
    } else if (strcmp(s, "pct") == 0) {
        *out = SCHED_PCT;
    } else {
        return -1;
    }
    return 0;
}

const char *sched_strategy_name(int strategy) {
    return strategy == SCHED_RANDOM ? "random" : strategy == SCHED_PCT ? "pct" : "free";
}

static void *reserve(size_t bytes) {
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/* Decodes "T[*N],T[*N],..." (the seq= value of a schedule file) into S.rep. */
static int replay_decode(const char *s) {
    S.rep = reserve(RECORD_CAP);
    if (S.rep == NULL) {
        return -1;
    }
    while (*s && *s != '\n') {
        char *end;
        unsigned long tid = strtoul(s, &end, 10);
        unsigned long n = 1;
        if (end == s || tid >= SCHED_MAX_THREADS) {
            return -1;
        }
        s = end;
        if (*s == '*') {
            n = strtoul(s + 1, &end, 10);
            if (end == s + 1) {
                return -1;
            }
            s = end;
        }
        for (unsigned long i = 0; i < n && S.nrep < RECORD_CAP; i++) {
            S.rep[S.nrep++] = (uint8_t)tid;
        }
        if (*s == ',') {
            s++;
        } else if (*s && *s != '\n') {
            return -1;
        }
    }
    return 0;
}

static int replay_load(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    off_t size = lseek(fd, 0, SEEK_END);
    char *text = size > 0 ? mmap(NULL, (size_t)size + 1, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
    close(fd);
    if (text == NULL || text == MAP_FAILED) {
        return -1;
    }
    int rc = -1;
    for (const char *p = text; p < text + size;
         p = strchr(p, '\n') ? strchr(p, '\n') + 1 : text + size) {
        if (strncmp(p, "seq=", 4) == 0) {
            rc = replay_decode(p + 4);
            break;
        }
    }
    munmap(text, (size_t)size + 1);
    return rc;
}

static void sched_warn(const char *var, const char *value, const char *fallback) {
    static const char a[] = "ftshim: ignoring ", b[] = " (using ", c[] = ")\n";
    char buf[SHIM_PATH_MAX + 128];
    struct fmt_buf f;
    fmt_init(&f, buf, sizeof buf);
    fmt_str(&f, a);
    fmt_str(&f, var);
    fmt_str(&f, "=\"");
    fmt_str(&f, value);
    fmt_str(&f, "\"");
    fmt_str(&f, b);
    fmt_str(&f, fallback);
    fmt_str(&f, c);
    fmt_write_all(2, buf, f.len);
}

void sched_config_load(void) {
    const char *v;
    sched_strategy = SCHED_FREE;
    if ((v = getenv("FTSTRESS_SCHEDULE")) != NULL && *v &&
        sched_parse_strategy(v, &sched_strategy) != 0) {
        sched_warn("FTSTRESS_SCHEDULE", v, "free");
        sched_strategy = SCHED_FREE;
    }
    uint64_t u;
    if ((v = getenv("FTSTRESS_SCHED_DEPTH")) != NULL && *v) {
        if (config_parse_u64(v, &u) == 0 && u >= 1 && u <= SCHED_MAX_DEPTH) {
            sched_depth = (int)u;
        } else {
            sched_warn("FTSTRESS_SCHED_DEPTH", v, "2");
        }
    }
    if ((v = getenv("FTSTRESS_SCHED_WATCHDOG_MS")) != NULL && *v) {
        if (config_parse_u64(v, &u) == 0 && u >= 1 && u <= 3600000) {
            sched_watchdog_ms = (long)u;
        } else {
            sched_warn("FTSTRESS_SCHED_WATCHDOG_MS", v, "3000");
        }
    }
    sched_enabled = sched_strategy != SCHED_FREE;
    if (!sched_enabled) {
        return;
    }
    S.prng = noise_thread_seed(shim_cfg.seed, 0x5c4ed);
    S.k_est = 32;
    S.hash = 0xcbf29ce484222325ULL;
    S.rec = reserve(RECORD_CAP);
    S.trace = reserve(sizeof(struct trace_event) * TRACE_CAP);
    sched_out_path[0] = '\0';
    if ((v = getenv("FTSTRESS_SCHED_OUT")) != NULL && *v) {
        fmt_expand_path(sched_out_path, sizeof sched_out_path, v, getpid());
    }
    if ((v = getenv("FTSTRESS_SCHED_REPLAY")) != NULL && *v) {
        if (replay_load(v) == 0) {
            S.replaying = true;
        } else {
            sched_warn("FTSTRESS_SCHED_REPLAY", v, "the strategy's own choices");
        }
    }
}

void sched_after_fork(void) {
    sched_enabled = false;
    sched_out_path[0] = '\0';
    shim_tls.sched_member = 0;
}

static void put_kv(struct fmt_buf *b, const char *key, uint64_t v, bool hex) {
    fmt_str(b, key);
    fmt_char(b, '=');
    if (hex) {
        fmt_hex(b, v);
    } else {
        fmt_u64(b, v);
    }
    fmt_char(b, '\n');
}

/* Writes b out when it is nearly full (the sequence can be long). */
static int flush_if(int fd, struct fmt_buf *b, size_t room) {
    if (b->cap - b->len >= room) {
        return 0;
    }
    int rc = fmt_write_all(fd, b->p, b->len);
    b->len = 0;
    return rc;
}

static int write_schedule(const char *path) {
    char tmp[SHIM_PATH_MAX + 8];
    struct fmt_buf tb;
    fmt_init(&tb, tmp, sizeof tmp - 1);
    fmt_str(&tb, path);
    fmt_str(&tb, ".tmp");
    tmp[tb.len] = '\0';
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return -1;
    }
    static char buf[16384]; /* static: this may run on a signal stack */
    struct fmt_buf b;
    fmt_init(&b, buf, sizeof buf);
    fmt_str(&b, "ftshim_schedule=1\nstrategy=");
    fmt_str(&b, sched_strategy_name(sched_strategy));
    fmt_char(&b, '\n');
    put_kv(&b, "depth", (uint64_t)sched_depth, false);
    put_kv(&b, "seed", shim_cfg.seed, false);
    put_kv(&b, "decisions", S.nrec, false);
    put_kv(&b, "hash", S.hash, true);
    put_kv(&b, "watchdog", S.watchdog, false);
    put_kv(&b, "truncated", S.rec_truncated, false);
    put_kv(&b, "replay", S.replaying, false);
    if (S.replaying) {
        /* consumed more or fewer decisions than recorded: not the same run */
        uint64_t diverged = S.diverged_at;
        if (diverged == 0 && S.cur != S.nrep) {
            diverged = (S.cur < S.nrep ? S.cur : S.nrep) + 1;
        }
        put_kv(&b, "replay_diverged_at", diverged, false);
        put_kv(&b, "replay_recorded", S.nrep, false);
    }
    fmt_str(&b, "seq=");
    int rc = 0;
    for (size_t i = 0; i < S.nrec && rc == 0;) {
        size_t j = i;
        while (j < S.nrec && S.rec[j] == S.rec[i]) {
            j++;
        }
        if (i > 0) {
            fmt_char(&b, ',');
        }
        fmt_u64(&b, S.rec[i]);
        if (j - i > 1) {
            fmt_char(&b, '*');
            fmt_u64(&b, j - i);
        }
        i = j;
        rc = flush_if(fd, &b, 64);
    }
    fmt_char(&b, '\n');
    if (rc == 0) {
        rc = fmt_write_all(fd, b.p, b.len);
    }
    if (close(fd) != 0 || rc != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

void sched_write_configured(void) {
    if (sched_enabled && sched_out_path[0] != '\0') {
        /* The exit paths may run while a member waits; the state is read without the lock
         * on purpose (a thread stuck holding it must not stop the write). */
        write_schedule(sched_out_path);
    }
}
