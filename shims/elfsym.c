/* elfsym.c - function names from a module's ELF symbol tables using only open, fstat, mmap
 * and munmap, for the crash handler.
 *
 * libunwind's unw_get_proc_name() mallocs while it maps the ELF image (and TSan reports
 * every malloc made inside a signal handler), so the crash path resolves names itself: the
 * module file is mapped read-only, .symtab is searched (then .dynsym, for stripped files)
 * for the function symbol whose [value, value+size) holds the address. Only exact matches
 * count: a static function of a stripped library stays "??" rather than being named after
 * the nearest exported one. */
#include <elf.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shim_internal.h"

int elfsym_open(struct elf_image *img, const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    struct stat st;
    void *p = MAP_FAILED;
    if (fstat(fd, &st) == 0 && st.st_size >= (off_t)sizeof(Elf64_Ehdr)) {
        p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    }
    close(fd);
    if (p == MAP_FAILED) {
        return -1;
    }
    img->base = p;
    img->size = (size_t)st.st_size;
    const Elf64_Ehdr *eh = p;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff == 0 ||
        eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr) > img->size) {
        munmap(p, img->size);
        return -1;
    }
    return 0;
}

void elfsym_close(struct elf_image *img) {
    munmap((void *)img->base, img->size);
}

static const Elf64_Shdr *elf_section(const struct elf_image *img, unsigned i) {
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img->base;
    return (const Elf64_Shdr *)(img->base + eh->e_shoff) + i;
}

/* Searches the symbol tables of one type for a function containing vaddr. */
static int elf_find_in(const struct elf_image *img, uint32_t type, uint64_t vaddr, char *name,
                       size_t cap, uint64_t *off) {
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img->base;
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        const Elf64_Shdr *sh = elf_section(img, i);
        if (sh->sh_type != type || sh->sh_entsize != sizeof(Elf64_Sym) ||
            sh->sh_link >= eh->e_shnum || sh->sh_offset + sh->sh_size > img->size) {
            continue;
        }
        const Elf64_Shdr *strsh = elf_section(img, sh->sh_link);
        if (strsh->sh_offset + strsh->sh_size > img->size) {
            continue;
        }
        const char *strtab = (const char *)img->base + strsh->sh_offset;
        const Elf64_Sym *syms = (const Elf64_Sym *)(img->base + sh->sh_offset);
        size_t n = sh->sh_size / sizeof(Elf64_Sym);
        for (size_t k = 0; k < n; k++) {
            const Elf64_Sym *s = &syms[k];
            unsigned st_type = ELF64_ST_TYPE(s->st_info);
            if ((st_type != STT_FUNC && st_type != STT_GNU_IFUNC) || s->st_shndx == SHN_UNDEF ||
                s->st_size == 0 || vaddr < s->st_value || vaddr - s->st_value >= s->st_size ||
                s->st_name >= strsh->sh_size) {
                continue;
            }
            const char *nm = strtab + s->st_name;
            size_t len = strnlen(nm, strsh->sh_size - s->st_name);
            if (len == 0) {
                continue;
            }
            if (len >= cap) {
                len = cap - 1;
            }
            memcpy(name, nm, len);
            name[len] = '\0';
            *off = vaddr - s->st_value;
            return 0;
        }
    }
    return -1;
}

int elfsym_find(const struct elf_image *img, uint64_t vaddr, char *name, size_t cap,
                uint64_t *off) {
    if (elf_find_in(img, SHT_SYMTAB, vaddr, name, cap, off) == 0) {
        return 0;
    }
    return elf_find_in(img, SHT_DYNSYM, vaddr, name, cap, off);
}
