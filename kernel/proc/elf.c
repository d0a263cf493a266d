/*
 * ELF64 validation for exec.  Pure code: every field read from the file is
 * bounds-checked here, so the loader can trust the result (a garbage,
 * truncated or hostile file gives -ENOEXEC, never a kernel fault).
 */
#include <arch/abi.h>
#include <proc/elf.h>
#include <uapi/errno.h>

#define USER_LIMIT 0x0000800000000000ULL
#define PT_LOAD 1
#define PT_INTERP 3
#define PT_PHDR 6
#define PT_GNU_STACK 0x6474e551

struct ehdr {
    unsigned char ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

_Static_assert(sizeof(struct ehdr) == 64, "ELF64 header");
_Static_assert(sizeof(struct phdr) == 56, "ELF64 program header");

int elf_parse(const void *hdr, size_t hdr_len, uint64_t file_size, struct elf_info *out)
{
    const unsigned char *b = hdr;
    if (hdr_len < sizeof(struct ehdr) || file_size < sizeof(struct ehdr))
        return -ENOEXEC;
    struct ehdr eh;
    __builtin_memcpy(&eh, b, sizeof eh);
    if (eh.ident[0] != 0x7f || eh.ident[1] != 'E' || eh.ident[2] != 'L' || eh.ident[3] != 'F')
        return -ENOEXEC;
    if (eh.ident[4] != 2 /* 64-bit */ || eh.ident[5] != 1 /* little endian */ || eh.ident[6] != 1)
        return -ENOEXEC;
    if (eh.machine != ARCH_ELF_MACHINE || (eh.type != 2 && eh.type != 3))
        return -ENOEXEC;
    if (eh.phentsize != sizeof(struct phdr) || eh.phnum == 0 || eh.phnum > ELF_MAX_PHDRS)
        return -ENOEXEC;
    uint64_t ph_end = eh.phoff + (uint64_t)eh.phnum * sizeof(struct phdr);
    if (eh.phoff > file_size || ph_end > file_size || ph_end < eh.phoff || ph_end > hdr_len)
        return -ENOEXEC;

    out->type = eh.type;
    out->entry = eh.entry;
    out->phoff = eh.phoff;
    out->phnum = eh.phnum;
    out->phentsize = eh.phentsize;
    out->nseg = 0;
    out->lo = ~0ULL;
    out->hi = 0;
    out->phdr_vaddr = 0;
    out->has_interp = 0;
    out->interp_off = out->interp_len = 0;
    out->stack_flags = 0;

    uint64_t prev_end = 0;
    for (int i = 0; i < eh.phnum; i++) {
        struct phdr ph;
        __builtin_memcpy(&ph, b + eh.phoff + (uint64_t)i * sizeof ph, sizeof ph);
        if (ph.type == PT_INTERP && !out->has_interp) {
            /* the interpreter's path: a NUL-terminated string in the file,
             * 2..ELF_INTERP_MAX bytes (Linux refuses anything else) */
            if (ph.filesz < 2 || ph.filesz > ELF_INTERP_MAX || ph.offset > file_size ||
                ph.offset + ph.filesz > file_size)
                return -ENOEXEC;
            out->has_interp = 1;
            out->interp_off = ph.offset;
            out->interp_len = (uint32_t)ph.filesz;
        }
        if (ph.type == PT_GNU_STACK)
            out->stack_flags = ph.flags;
        if (ph.type != PT_LOAD)
            continue;
        if (ph.memsz == 0)
            continue;
        if (ph.filesz > ph.memsz || ph.offset > file_size || ph.offset + ph.filesz > file_size ||
            ph.offset + ph.filesz < ph.offset)
            return -ENOEXEC;
        if ((ph.offset & 4095) != (ph.vaddr & 4095))
            return -ENOEXEC;
        if (ph.vaddr + ph.memsz < ph.vaddr || ph.vaddr + ph.memsz > USER_LIMIT / 2)
            return -ENOEXEC;
        if (ph.vaddr < prev_end)            /* PT_LOADs must ascend without overlap */
            return -ENOEXEC;
        prev_end = ph.vaddr + ph.memsz;
        struct elf_segment *s = &out->seg[out->nseg++];
        s->vaddr = ph.vaddr;
        s->memsz = ph.memsz;
        s->offset = ph.offset;
        s->filesz = ph.filesz;
        s->flags = ph.flags;
        uint64_t lo = ph.vaddr & ~4095ULL, hi = (ph.vaddr + ph.memsz + 4095) & ~4095ULL;
        if (lo < out->lo)
            out->lo = lo;
        if (hi > out->hi)
            out->hi = hi;
        if (eh.phoff >= ph.offset && ph_end <= ph.offset + ph.filesz)
            out->phdr_vaddr = ph.vaddr + (eh.phoff - ph.offset);
    }
    if (out->nseg == 0)
        return -ENOEXEC;
    if (eh.type == 2 && out->lo < 0x10000)
        return -ENOEXEC;                    /* would map page 0 */
    if (out->entry < out->lo || out->entry >= out->hi)
        return -ENOEXEC;
    return 0;
}
