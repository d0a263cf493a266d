/* ELF64 executable validation (kernel/proc/elf.c: pure, host-tested). */
#ifndef PROC_ELF_H
#define PROC_ELF_H

#include <stdint.h>
#include <stddef.h>

#define ELF_MAX_PHDRS 32
#define ELF_INTERP_MAX 4096     /* PATH_MAX: the longest PT_INTERP path */

struct elf_segment {
    uint64_t vaddr, memsz, offset, filesz;
    uint32_t flags;             /* PF_X 1, PF_W 2, PF_R 4 */
};

struct elf_info {
    int type;                   /* 2 = ET_EXEC, 3 = ET_DYN (PIE or shared object) */
    uint64_t entry;
    uint64_t phoff;
    uint16_t phnum, phentsize;
    int nseg;
    struct elf_segment seg[ELF_MAX_PHDRS];
    uint64_t lo, hi;            /* page-aligned span of all PT_LOAD segments */
    uint64_t phdr_vaddr;        /* where the program headers are mapped (0 if not) */
    int has_interp;             /* PT_INTERP: a dynamically linked program */
    uint64_t interp_off;        /* the interpreter's path: file offset ... */
    uint32_t interp_len;        /* ... and length, with its NUL */
    uint64_t stack_flags;       /* PT_GNU_STACK p_flags, 0 if absent */
};

/*
 * Validates an ELF64 x86-64 executable.  `hdr` holds the first `hdr_len`
 * bytes of a file of `file_size` bytes and must include the program headers
 * (callers read 4 KiB, and hdr_len < phoff + phnum*56 is an error).
 * Returns 0, or -ENOEXEC for anything malformed: wrong magic, class,
 * endianness, machine or type, a PT_INTERP path of the wrong size or
 * outside the file, segments outside the file, overlapping or non-congruent segments,
 * addresses outside user space.
 */
int elf_parse(const void *hdr, size_t hdr_len, uint64_t file_size, struct elf_info *out);

#endif
