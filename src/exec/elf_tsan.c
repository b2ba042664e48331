/* elf_tsan.c - reading an ELF64 .dynsym for __tsan_ symbols; see elf_tsan.h. */
#include "elf_tsan.h"

#include <elf.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* True when [off, off + len) lies inside a file of size bytes. */
static bool elf_tsan_inside(size_t size, uint64_t off, uint64_t len) {
    return off <= size && len <= size - off;
}

/* The answer for the mapped image of size bytes. */
static int elf_tsan_scan(const unsigned char *image, size_t size) {
    if (size < sizeof(Elf64_Ehdr) || memcmp(image, ELFMAG, SELFMAG) != 0 ||
        image[EI_CLASS] != ELFCLASS64) {
        return -1;
    }
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)image;
    if (eh->e_shentsize != sizeof(Elf64_Shdr) ||
        !elf_tsan_inside(size, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr))) {
        return -1;
    }
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(image + eh->e_shoff);
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_type != SHT_DYNSYM || sh[i].sh_link >= eh->e_shnum) {
            continue;
        }
        const Elf64_Shdr *strtab = &sh[sh[i].sh_link];
        if (!elf_tsan_inside(size, sh[i].sh_offset, sh[i].sh_size) ||
            !elf_tsan_inside(size, strtab->sh_offset, strtab->sh_size)) {
            return -1;
        }
        const Elf64_Sym *syms = (const Elf64_Sym *)(image + sh[i].sh_offset);
        const char *names = (const char *)(image + strtab->sh_offset);
        size_t nsyms = sh[i].sh_size / sizeof(Elf64_Sym);
        for (size_t s = 0; s < nsyms; s++) {
            uint32_t at = syms[s].st_name;
            if (syms[s].st_shndx == SHN_UNDEF && at + 7 < strtab->sh_size &&
                strncmp(names + at, "__tsan_", 7) == 0) {
                return 1;
            }
        }
        return 0;
    }
    return 0; /* no dynamic symbols at all: nothing instrumented */
}

int elf_tsan_instrumented(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size <= 0) {
        close(fd);
        return -1;
    }
    size_t size = (size_t)st.st_size;
    void *image = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (image == MAP_FAILED) {
        return -1;
    }
    int answer = elf_tsan_scan(image, size);
    munmap(image, size);
    return answer;
}
