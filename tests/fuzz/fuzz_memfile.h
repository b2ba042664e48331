/* fuzz_memfile.h - a path whose file holds the fuzzer's input, for the parsers
 * that read a path rather than a buffer (corpus_load, suppress_load, ...).
 *
 * The file is one memfd of the process, rewritten on every call and named
 * through /proc/self/fd, so a harness touches no disk and leaves nothing
 * behind; opening the path gives a fresh descriptor at offset 0 each time. */
#ifndef FTSTRESS_FUZZ_MEMFILE_H
#define FTSTRESS_FUZZ_MEMFILE_H

#include <stddef.h>
#include <stdint.h>

/* Replaces the file's content with data[0..size) and returns its path (a
 * static buffer, valid until the next call). Aborts when the memfd cannot be
 * made or written: the harness could not test anything then. */
const char *fuzz_memfile(const uint8_t *data, size_t size);

/* A NUL-terminated copy of data[0..size) for parsers that take a C string.
 * Caller frees; aborts when out of memory. */
char *fuzz_cstring(const uint8_t *data, size_t size);

#endif
