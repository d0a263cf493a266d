/*
 * The x86-64 4-level page-table format: walking, creating and freeing the
 * user half of a hierarchy.  The kernel half (PML4 entries 256-511) is
 * shared by every address space and never freed.  Bit 9 (available to
 * software) marks a copy-on-write page.
 */
#include <arch/cpu.h>
#include <kernel/kernel.h>
#include <lib/string.h>
#include <mm/pagetable.h>
#include <mm/pmm.h>
#include <mm/vm.h>

phys_t kernel_pml4;

/* The PTE for va, creating missing tables if `alloc`; NULL if absent or out
 * of memory.  Each table created is reported to `note` (if given), so an
 * address space can free its tables without scanning them. */
uint64_t *pt_walk_note(phys_t pml4, uint64_t va, bool alloc, void (*note)(void *arg, phys_t table), void *arg)
{
    uint64_t *table = P2V(pml4);
    for (int level = 3; level > 0; level--) {
        unsigned idx = (va >> (12 + 9 * level)) & 511;
        uint64_t e = table[idx];
        if (!(e & PTE_P)) {
            if (!alloc)
                return NULL;
            phys_t p = pmm_alloc();
            if (!p)
                return NULL;
            if (note)
                note(arg, p);
            e = p | PTE_P | PTE_W | PTE_U;
            table[idx] = e;
        }
        if (e & PTE_PS)
            return NULL;            /* huge pages only in the kernel half */
        table = P2V(e & PTE_ADDR);
    }
    return &table[(va >> 12) & 511];
}

uint64_t *pt_walk(phys_t pml4, uint64_t va, bool alloc) { return pt_walk_note(pml4, va, alloc, NULL, NULL); }

phys_t pt_new_pml4(void)
{
    phys_t p = pmm_alloc();
    if (!p)
        return 0;
    uint64_t *n = P2V(p), *k = P2V(kernel_pml4);
    for (int i = 256; i < 512; i++)
        n[i] = k[i];
    return p;
}

static void free_level(phys_t table, int level)
{
    uint64_t *t = P2V(table);
    for (int i = 0; i < 512; i++) {
        if (!(t[i] & PTE_P))
            continue;
        if (level > 1)
            free_level(t[i] & PTE_ADDR, level - 1);
        else
            pmm_put(t[i] & PTE_ADDR);
    }
    pmm_put(table);
}

void pt_free_user(phys_t pml4)
{
    uint64_t *t = P2V(pml4);
    for (int i = 0; i < 256; i++)
        if (t[i] & PTE_P)
            free_level(t[i] & PTE_ADDR, 3);
    pmm_put(pml4);
}

/*
 * Calls fn for every present leaf PTE in [start, end), skipping absent
 * tables quickly.  fn may modify the entry.
 */
void pt_for_each(phys_t pml4, uint64_t start, uint64_t end, void (*fn)(uint64_t va, uint64_t *pte, void *arg),
                 void *arg)
{
    uint64_t va = start;
    while (va < end) {
        uint64_t *t4 = P2V(pml4);
        uint64_t e4 = t4[(va >> 39) & 511];
        if (!(e4 & PTE_P)) { va = ALIGN_DOWN(va, 1UL << 39) + (1UL << 39); continue; }
        uint64_t *t3 = P2V(e4 & PTE_ADDR);
        uint64_t e3 = t3[(va >> 30) & 511];
        if (!(e3 & PTE_P)) { va = ALIGN_DOWN(va, 1UL << 30) + (1UL << 30); continue; }
        uint64_t *t2 = P2V(e3 & PTE_ADDR);
        uint64_t e2 = t2[(va >> 21) & 511];
        if (!(e2 & PTE_P)) { va = ALIGN_DOWN(va, 1UL << 21) + (1UL << 21); continue; }
        uint64_t *t1 = P2V(e2 & PTE_ADDR);
        uint64_t next = MIN(end, ALIGN_DOWN(va, 1UL << 21) + (1UL << 21));
        for (; va < next; va += 4096) {
            uint64_t *pte = &t1[(va >> 12) & 511];
            if (*pte & PTE_P)
                fn(va, pte, arg);
        }
    }
}

void vm_init(void)
{
    /* Build the kernel's own top level from the boot tables, dropping the
     * identity map of low memory that only the boot stub needed.  The kernel
     * half never gains new top-level entries, so address spaces may copy it. */
    phys_t p = pmm_alloc();
    if (!p)
        panic("vm: no memory for the kernel page table");
    uint64_t *n = P2V(p), *boot = P2V(read_cr3() & PTE_ADDR);
    for (int i = 256; i < 512; i++)
        n[i] = boot[i];
    kernel_pml4 = p;
    write_cr3(p);
}
