/* elf_tsan.h - whether a shared object was compiled with ThreadSanitizer.
 *
 * Code built with -fsanitize=thread calls the TSan runtime (__tsan_read8,
 * __tsan_func_entry, ...) for every memory access; in a shared object those
 * calls are undefined dynamic symbols, resolved at load time against the
 * runtime linked into the interpreter. An extension module without such
 * references was built without TSan: races inside its C code are invisible. */
#ifndef FTSTRESS_ELF_TSAN_H
#define FTSTRESS_ELF_TSAN_H

/* 1 when the ELF64 shared object at path references a __tsan_ symbol in its
 * dynamic symbol table, 0 when it does not, -1 when it cannot be read or is
 * not an ELF64 file. */
int elf_tsan_instrumented(const char *path);

#endif
