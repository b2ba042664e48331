/* fakepy.h - a stand-in for libpython in the shim tests: defines every C-API function the
 * shim interposes, records each call, and returns values derived from the arguments, so a
 * test can see that a call went through the shim and reached the "real" function intact. */
#ifndef FTSHIM_TEST_FAKEPY_H
#define FTSHIM_TEST_FAKEPY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define FAKEPY_API __attribute__((visibility("default")))

/* The free-threaded object head (what the shim's anomaly checks read). */
struct fake_object {
    uintptr_t ob_tid;
    uint16_t padding;
    uint8_t ob_mutex;
    uint8_t ob_gc_bits;
    uint32_t ob_ref_local;
    ssize_t ob_ref_shared;
    void *ob_type;
    uintptr_t payload[4];
} __attribute__((aligned(16)));

/* A type object is a PyVarObject head (40 bytes) then tp_name. */
#define FAKE_TYPE_TP_NAME_OFFSET 40
#define FAKE_TYPE_SIZE 64

struct fakepy_call {
    const char *name; /* the function that was called last */
    void *a, *b, *c;  /* its pointer arguments, in order (NULL when absent) */
    ssize_t n;        /* its Py_ssize_t / size_t argument, if any */
};

/* How often the fake function `name` was called. */
FAKEPY_API unsigned long fakepy_count(const char *name);
/* The last call the calling thread made to any fake function. */
FAKEPY_API struct fakepy_call fakepy_last(void);
/* Forgets all calls. */
FAKEPY_API void fakepy_reset(void);
/* With 0, the fake functions record nothing and return at once (for the benchmark). */
FAKEPY_API void fakepy_set_recording(int on);
/* Makes a fake type object whose tp_name is name (storage: FAKE_TYPE_SIZE bytes). */
FAKEPY_API void fakepy_make_type(void *storage, const char *name);

/* Block size of the fake PyObject_Malloc: a LIFO pool, so a freed block comes back first. */
#define FAKEPY_BLOCK 128

#endif
