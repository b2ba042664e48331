/* tsan_report.h - parse ThreadSanitizer logs into structured reports.
 *
 * A log is the text TSan writes to stderr or to log_path: zero or more reports,
 * possibly cut off, possibly mixed with other output or garbage. Typical use:
 *
 *   struct tsanreport_parser *p = tsanreport_parserNew();
 *   struct tsanreport_list list = {0};
 *   tsanreport_parse(p, text, len, &list);
 *   for (size_t i = 0; i < list.count; i++) use(&list.reports[i]);
 *   tsanreport_listFree(&list);
 *   tsanreport_parserFree(p);
 *
 * Ownership: everything reachable from a list (reports, arrays, strings) belongs
 * to the list and is released by tsanreport_listFree. Strings are NUL-terminated
 * copies; a NULL string means TSan did not print that field (or printed <null>).
 * A parser holds the compiled patterns: reuse it, but from one thread at a time.
 *
 * A report counts as complete once its "SUMMARY: ThreadSanitizer:" line is seen
 * (so TSan must run with the default print_summary=1); otherwise it is returned
 * with truncated set and whatever sections it had. */
#ifndef FTSTRESS_TSAN_REPORT_H
#define FTSTRESS_TSAN_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Thread ids are TSan's T-numbers: the main thread is 0, unknown is -1. */
#define TSANREPORT_MAIN_THREAD 0
#define TSANREPORT_NO_THREAD (-1)

/* Caps that keep memory bounded on hostile input; extra items are dropped. */
#define TSANREPORT_MAX_LINE 16384    /* bytes of one line looked at */
#define TSANREPORT_MAX_FRAMES 512    /* frames kept per stack */
#define TSANREPORT_MAX_SECTIONS 1024 /* accesses, locations, ... kept per report */

enum tsanreport_kind {
    TSANREPORT_UNKNOWN = 0,          /* any other "ThreadSanitizer:" header */
    TSANREPORT_DATA_RACE,            /* "data race", also "data race on vptr ..." */
    TSANREPORT_HEAP_USE_AFTER_FREE,  /* "heap-use-after-free" */
    TSANREPORT_LOCK_ORDER_INVERSION, /* "lock-order-inversion (potential deadlock)" */
    TSANREPORT_THREAD_LEAK,          /* "thread leak" */
    TSANREPORT_SIGNAL_UNSAFE_CALL,   /* "signal-unsafe call inside of a signal" */
    TSANREPORT_SIGNAL_SPOILS_ERRNO,  /* "signal handler spoils errno" */
    TSANREPORT_MUTEX_MISUSE,         /* unlock of unlocked, destroy of locked, double lock, ... */
    TSANREPORT_DEADLY_SIGNAL,        /* "==PID==ERROR: ThreadSanitizer: SEGV on ..." and kin */
};

/* "#3 func /path/file.c:12:5 (module.so+0x1234) (BuildId: ...)". */
struct tsanreport_frame {
    int index;       /* the #n as printed */
    char *function;  /* NULL for <null> or an unsymbolized pc */
    char *file;      /* NULL for <null> or when absent */
    int line;        /* 0 when absent */
    int column;      /* 0 when absent */
    char *module;    /* "module.so" of "(module.so+0x1234)", NULL when absent */
    uint64_t offset; /* 0x1234 of the same, 0 when absent */
};

struct tsanreport_stack {
    struct tsanreport_frame *frames;
    size_t count;
    bool failed_restore; /* TSan printed "[failed to restore the stack]" here */
};

struct tsanreport_heldMutex {
    int id;     /* the N of MN */
    bool write; /* "write M0" rather than "read M0" */
};

/* "[Previous ][atomic ]read|write of size N at 0x... by thread T1 (mutexes: ...):" */
struct tsanreport_access {
    bool previous;
    bool write;
    bool atomic;
    uint64_t size;
    uint64_t address;
    int thread;
    struct tsanreport_heldMutex *held; /* the "(mutexes: ...)" list, NULL when none */
    size_t nheld;
    struct tsanreport_stack stack;
};

enum tsanreport_locationType {
    TSANREPORT_LOC_OTHER = 0, /* any other "Location is ..." line */
    TSANREPORT_LOC_HEAP,      /* heap block, with its allocation stack */
    TSANREPORT_LOC_GLOBAL,    /* global 'name', with module and offset */
    TSANREPORT_LOC_STACK,     /* stack of a thread */
    TSANREPORT_LOC_TLS,       /* TLS of a thread */
    TSANREPORT_LOC_FD,        /* file descriptor, with its creation stack */
};

struct tsanreport_location {
    enum tsanreport_locationType type;
    char *text;       /* the line after "Location is ", always set */
    char *name;       /* global's name, NULL otherwise */
    uint64_t size;    /* heap block or global size, 0 when absent */
    uint64_t address; /* 0 when absent */
    int thread;       /* allocating / owning thread, or TSANREPORT_NO_THREAD */
    int fd;           /* file descriptor number, -1 otherwise */
    char *module;     /* global's "(module+0x...)", NULL otherwise */
    uint64_t offset;
    struct tsanreport_stack stack; /* allocation / fd creation stack */
};

/* "Mutex M0 (0x...) created at:" or "Mutex M1 is already destroyed." */
struct tsanreport_mutex {
    int id;
    uint64_t address; /* 0 when absent */
    bool destroyed;
    struct tsanreport_stack stack; /* creation stack */
};

/* "Mutex M1 acquired here while holding mutex M0 in thread T1:" (lock-order inversion) */
struct tsanreport_lockEdge {
    int acquired;
    int held;
    int thread;
    struct tsanreport_stack stack;
};

/* "Thread T1 'name' (tid=1234, running) created by main thread at:" */
struct tsanreport_thread {
    int id;
    char *name;                    /* NULL when the thread has no name */
    long tid;                      /* OS thread id, -1 when absent */
    char *state;                   /* "running", "finished", ...; NULL when absent */
    int creator;                   /* TSANREPORT_NO_THREAD when absent */
    struct tsanreport_stack stack; /* creation stack */
};

/* Any other titled stack: "As if synchronized via sleep:", "and:", ... */
struct tsanreport_note {
    char *title; /* the line without its trailing ':' */
    struct tsanreport_stack stack;
};

struct tsanreport_report {
    enum tsanreport_kind kind;
    char *title;         /* "data race", "SEGV on unknown address 0x... (pc ...)": header text */
    long pid;            /* -1 when the header had none */
    size_t line;         /* 1-based line of the header in the parsed text */
    bool truncated;      /* no SUMMARY line before the input ended or another report began */
    int failed_restores; /* "[failed to restore the stack]" seen in this report */
    struct tsanreport_stack stack; /* frames right under the header (mutex, signal, SEGV) */
    struct tsanreport_access *accesses;
    size_t naccesses;
    struct tsanreport_location *locations;
    size_t nlocations;
    struct tsanreport_mutex *mutexes;
    size_t nmutexes;
    struct tsanreport_lockEdge *edges;
    size_t nedges;
    struct tsanreport_thread *threads;
    size_t nthreads;
    struct tsanreport_note *notes;
    size_t nnotes;
    char *summary; /* text after "SUMMARY: ThreadSanitizer: ", NULL when missing */
};

/* Zero-initialize before the first parse; each parse appends to it. */
struct tsanreport_list {
    struct tsanreport_report *reports;
    size_t count;
    int failed_restores;    /* all "[failed to restore the stack]" seen, in reports or not */
    long reported_warnings; /* sum of "ThreadSanitizer: reported N warnings" lines */
};

struct tsanreport_parser;

/* Returns a new parser with its patterns compiled, or NULL on failure; free with parserFree. */
struct tsanreport_parser *tsanreport_parserNew(void);
/* Frees a parser; NULL is allowed. Lists it filled stay valid. */
void tsanreport_parserFree(struct tsanreport_parser *p);
/* Appends the reports found in text[0..len) to out; returns 0, or -1 when out of memory
 * (out then holds what was parsed so far). text need not be NUL-terminated. */
int tsanreport_parse(struct tsanreport_parser *p, const char *text, size_t len,
                     struct tsanreport_list *out);
/* Reads the whole file at path and parses it like tsanreport_parse; -1 with errno on I/O error. */
int tsanreport_parseFile(struct tsanreport_parser *p, const char *path,
                         struct tsanreport_list *out);
/* Frees everything the list owns and leaves it empty (zeroed); the struct itself is the caller's.
 */
void tsanreport_listFree(struct tsanreport_list *list);
/* Returns a static, stable name for a kind: "data-race", "heap-use-after-free", ... */
const char *tsanreport_kindName(enum tsanreport_kind kind);
/* True when name is one of tsanreport_kindName's: a finding ThreadSanitizer
 * reported, not a crash, hang, refcount anomaly or failed check of ftstress's. */
bool tsanreport_isKindName(const char *name);
/* Returns a static name for a location type: "heap", "global", "stack", "tls", "fd", "other". */
const char *tsanreport_locationTypeName(enum tsanreport_locationType type);

#endif
