/*
 * Page tables as the architecture defines them, for the generic walker
 * (kernel/mm/pagetable.c) and the rest of memory management, which read and
 * build entries only through the operations here.
 *
 * The tree has PT_LEVELS levels of PT_ENTRIES entries, level 0 holding the
 * leaf entries that map 4 KiB pages and level PT_LEVELS - 1 being the root.
 * The root's entries from PT_KERNEL_FIRST on map the kernel half, shared by
 * every address space.  An entry (pte_t) is empty when 0.  A leaf entry
 * carries a frame and permissions, built by mk_pte from pte_prot (read,
 * write, execute), plus two bits kept for software: copy-on-write (read-only
 * until a write fault copies the frame or finds it private) and "cache"
 * (maps a frame that belongs to the page cache or the kernel, never written
 * in place).
 *
 * x86-64: four levels of 512 entries (PML4, PDPT, PD, PT); the frame in
 * bits 12-51, present, writable, user, accessed, dirty and no-execute bits
 * as the CPU reads them, copy-on-write and cache in the bits 9 and 10 it
 * leaves to software.  The address space switch loads CR3 (arch/x86_64/mm.c).
 */
#ifndef ARCH_PGTABLE_H
#define ARCH_PGTABLE_H

#include <arch/memlayout.h>
#include <kernel/kernel.h>
#include <lib/cpuset.h>

typedef uint64_t pte_t;

#define PT_LEVELS 4
#define PT_ENTRIES 512
#define PT_KERNEL_FIRST 256

#define PTE_P (1UL << 0)
#define PTE_W (1UL << 1)
#define PTE_U (1UL << 2)
#define PTE_A (1UL << 5)
#define PTE_D (1UL << 6)
#define PTE_PS (1UL << 7)
#define PTE_G (1UL << 8)
#define PTE_COW (1UL << 9)        /* software: copy on write */
#define PTE_CACHE (1UL << 10)     /* software: maps a file's page-cache (or the kernel's) frame itself */
#define PTE_NX (1UL << 63)
#define PTE_ADDR 0x000ffffffffff000UL

/* The entry for va in a table of `level`, and the bytes one entry spans. */
static inline unsigned pt_index(uint64_t va, int level) { return (va >> (PAGE_SHIFT + 9 * level)) & (PT_ENTRIES - 1); }
static inline uint64_t pt_span(int level) { return 1UL << (PAGE_SHIFT + 9 * level); }

/* Entries above the leaves: the next table, or (in the kernel half only) a
 * large page that ends the walk. */
static inline pte_t pt_mk_table(phys_t table) { return table | PTE_P | PTE_W | PTE_U; }
static inline bool pt_is_leaf_block(pte_t e) { return e & PTE_PS; }

/* Reading a leaf entry. */
static inline bool pte_present(pte_t e) { return e & PTE_P; }
static inline phys_t pte_frame(pte_t e) { return e & PTE_ADDR; }
static inline bool pte_writable(pte_t e) { return e & PTE_W; }
static inline bool pte_user(pte_t e) { return e & PTE_U; }      /* false: PROT_NONE */
static inline bool pte_young(pte_t e) { return e & PTE_A; }     /* accessed since mapped */
static inline bool pte_dirty(pte_t e) { return e & PTE_D; }     /* written since mapped */
static inline bool pte_cow(pte_t e) { return e & PTE_COW; }
static inline bool pte_cache(pte_t e) { return e & PTE_CACHE; }

/* The permission bits of a present page that may be read, written,
 * executed as given (none of them: present but out of the user's reach). */
static inline pte_t pte_prot(bool read, bool write, bool exec)
{
    pte_t f = PTE_P | PTE_U;
    if (write)
        f |= PTE_W;
    if (!exec)
        f |= PTE_NX;
    if (!read && !write && !exec)
        f &= ~PTE_U;
    return f;
}
static inline pte_t mk_pte(phys_t frame, pte_t prot) { return frame | prot; }

/* Changing a leaf entry (each returns the new value). */
static inline pte_t pte_set_frame(pte_t e, phys_t frame) { return frame | (e & ~PTE_ADDR); }
static inline pte_t pte_mkwrite(pte_t e) { return e | PTE_W; }
static inline pte_t pte_mkcow(pte_t e) { return (e & ~PTE_W) | PTE_COW; }       /* read-only too */
static inline pte_t pte_clear_cow(pte_t e) { return e & ~PTE_COW; }
static inline pte_t pte_mkcache(pte_t e) { return e | PTE_CACHE; }
static inline pte_t pte_clear_cache(pte_t e) { return e & ~PTE_CACHE; }
/* mprotect: new permissions on a present page, keeping its frame;
 * writable only if the page is not copy-on-write, and with no access at
 * all the frame stays mapped but out of the user's reach. */
static inline pte_t pte_modify(pte_t e, bool read, bool write, bool exec)
{
    if (exec)
        e &= ~PTE_NX;
    else
        e |= PTE_NX;
    if (!read && !write && !exec) {
        e &= ~PTE_U;
    } else {
        e |= PTE_U;
        if (write && !(e & PTE_COW))
            e |= PTE_W;
        else
            e &= ~PTE_W;
    }
    return e;
}

/* Boot, before the frame allocator: extends the direct map (P2V) over
 * every usable range of the firmware's map (arch/x86_64/directmap.c); a
 * range beyond what the direct map can hold is cut from boot_usable[]. */
void arch_direct_map_init(void);
/* How much of the direct map each page size maps, in kB (Linux's
 * DirectMap4k, DirectMap2M and DirectMap1G in /proc/meminfo); false if
 * the CPU has no 1 GiB pages (Linux then shows no DirectMap1G line). */
bool arch_direct_map_kb(uint64_t *kb_4k, uint64_t *kb_2m, uint64_t *kb_1g);

/* The address-space switch and the TLB (arch/x86_64/mm.c). */
void arch_pt_load(phys_t root);             /* this CPU translates through root from now on */
phys_t arch_pt_current(void);               /* the root this CPU uses */
void arch_tlb_flush_page(uint64_t va);      /* this CPU's translation of va */
void arch_tlb_flush_local(void);            /* all of this CPU's user translations */
/* Makes every CPU in `cpus` (this one excluded) drop its user TLB
 * entries, and waits until each has.  The caller holds no spinlock (a CPU
 * spinning on one with interrupts off could not answer); interrupts are on
 * while it waits, so two CPUs flushing each other both proceed. */
void arch_tlb_flush_cpus(const struct cpuset *cpus);
/* The TLB-flush IPI's handler (trap dispatch). */
void arch_tlb_flush_ipi(void);

#endif
