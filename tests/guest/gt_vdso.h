/* The vDSO as a libc finds it, for the vDSO tests: the image named by
 * AT_SYSINFO_EHDR, its dynamic section, and a symbol at a version looked up
 * two ways, through the SysV hash table's symbol count and a scan (as musl
 * does) and through the GNU hash table (as glibc does), both checking the
 * version as .gnu.version and .gnu.version_d give it. */
#ifndef GT_VDSO_H
#define GT_VDSO_H

#include "gt.h"
#include <elf.h>
#include <stdint.h>
#include <sys/auxv.h>

struct gt_vdso {
    const Elf64_Ehdr *eh;
    uintptr_t base;             /* load bias: image address - PT_LOAD vaddr */
    const Elf64_Sym *syms;
    const char *strings;
    const uint32_t *hash;       /* DT_HASH */
    const uint32_t *gnu_hash;   /* DT_GNU_HASH */
    const uint16_t *versym;
    const Elf64_Verdef *verdef;
    int has_note, has_eh_frame_hdr;
};

/* Finds the image and its tables; 0, or -1 with a reason printed. */
GT_FN int gt_vdso_open(struct gt_vdso *v)
{
    memset(v, 0, sizeof *v);
    v->eh = (const Elf64_Ehdr *)getauxval(AT_SYSINFO_EHDR);
    if (!v->eh)
        return -1;
    const Elf64_Ehdr *eh = v->eh;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_type != ET_DYN ||
        eh->e_machine != EM_X86_64)
        return -1;
    const Elf64_Dyn *dyn = NULL;
    int loads = 0;
    for (int i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *ph = (const void *)((const char *)eh + eh->e_phoff + (size_t)i * eh->e_phentsize);
        if (ph->p_type == PT_LOAD && !loads++)
            v->base = (uintptr_t)eh + ph->p_offset - ph->p_vaddr;
        else if (ph->p_type == PT_DYNAMIC)
            dyn = (const void *)((const char *)eh + ph->p_offset);
        else if (ph->p_type == PT_NOTE)
            v->has_note = 1;
        else if (ph->p_type == PT_GNU_EH_FRAME)
            v->has_eh_frame_hdr = 1;
    }
    if (!loads || !dyn)
        return -1;
    for (; dyn->d_tag != DT_NULL; dyn++) {
        const void *p = (const void *)(v->base + dyn->d_un.d_ptr);
        switch (dyn->d_tag) {
        case DT_SYMTAB: v->syms = p; break;
        case DT_STRTAB: v->strings = p; break;
        case DT_HASH: v->hash = p; break;
        case DT_GNU_HASH: v->gnu_hash = p; break;
        case DT_VERSYM: v->versym = p; break;
        case DT_VERDEF: v->verdef = p; break;
        }
    }
    return v->syms && v->strings && (v->hash || v->gnu_hash) ? 0 : -1;
}

/* Is symbol i defined at version `ver` (its .gnu.version index names a
 * non-base definition of that name)? */
GT_FN int gt_vdso_version_ok(const struct gt_vdso *v, uint32_t i, const char *ver)
{
    if (!v->versym || !v->verdef)
        return 0;
    unsigned want = v->versym[i] & 0x7fff;
    for (const Elf64_Verdef *d = v->verdef;; d = (const void *)((const char *)d + d->vd_next)) {
        if (!(d->vd_flags & VER_FLG_BASE) && d->vd_ndx == want) {
            const Elf64_Verdaux *aux = (const void *)((const char *)d + d->vd_aux);
            return !strcmp(v->strings + aux->vda_name, ver);
        }
        if (!d->vd_next)
            return 0;
    }
}

GT_FN int gt_vdso_sym_ok(const struct gt_vdso *v, uint32_t i, const char *name, const char *ver)
{
    const Elf64_Sym *s = &v->syms[i];
    int type = ELF64_ST_TYPE(s->st_info), bind = ELF64_ST_BIND(s->st_info);
    return s->st_shndx != SHN_UNDEF && (type == STT_FUNC || type == STT_NOTYPE) &&
           (bind == STB_GLOBAL || bind == STB_WEAK) && !strcmp(v->strings + s->st_name, name) &&
           gt_vdso_version_ok(v, i, ver);
}

/* musl's way: every symbol the SysV hash table counts, in order. */
GT_FN void *gt_vdso_sym_sysv(const struct gt_vdso *v, const char *name, const char *ver)
{
    if (!v->hash)
        return NULL;
    for (uint32_t i = 0; i < v->hash[1]; i++)
        if (gt_vdso_sym_ok(v, i, name, ver))
            return (void *)(v->base + v->syms[i].st_value);
    return NULL;
}

/* glibc's way: the GNU hash table's bloom filter, bucket and chain. */
GT_FN void *gt_vdso_sym_gnu(const struct gt_vdso *v, const char *name, const char *ver)
{
    if (!v->gnu_hash)
        return NULL;
    uint32_t nbuckets = v->gnu_hash[0], symoff = v->gnu_hash[1], bloom_size = v->gnu_hash[2],
             shift = v->gnu_hash[3];
    const uint64_t *bloom = (const uint64_t *)(v->gnu_hash + 4);
    const uint32_t *buckets = (const uint32_t *)(bloom + bloom_size), *chain = buckets + nbuckets;
    uint32_t h = 5381;
    for (const unsigned char *c = (const unsigned char *)name; *c; c++)
        h = h * 33 + *c;
    uint64_t word = bloom[(h / 64) % bloom_size];
    if (!((word >> (h % 64)) & (word >> ((h >> shift) % 64)) & 1))
        return NULL;
    uint32_t i = buckets[h % nbuckets];
    if (i < symoff)
        return NULL;
    for (;; i++) {
        uint32_t ch = chain[i - symoff];
        if ((ch | 1) == (h | 1) && gt_vdso_sym_ok(v, i, name, ver))
            return (void *)(v->base + v->syms[i].st_value);
        if (ch & 1)
            return NULL;
    }
}

#endif
