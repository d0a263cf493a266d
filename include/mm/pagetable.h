/*
 * Walking, creating and freeing page tables (kernel/mm/pagetable.c), in the
 * format the architecture defines (arch/pgtable.h), and the entry for a
 * VMA's protection.
 */
#ifndef MM_PAGETABLE_H
#define MM_PAGETABLE_H

#include <arch/pgtable.h>
#include <kernel/kernel.h>
#include <mm/vm.h>

/* The leaf entry for va under root, creating missing tables if `alloc`;
 * NULL if absent (or a large page: only the kernel half has them) or out
 * of memory.  Each table created is reported to `note` (if given), so an
 * address space can free its tables without scanning them. */
pte_t *pt_walk(phys_t root, uint64_t va, bool alloc);
pte_t *pt_walk_note(phys_t root, uint64_t va, bool alloc, void (*note)(void *arg, phys_t table), void *arg);
/* A new root whose kernel half is the kernel's; 0 when out of memory. */
phys_t pt_new_root(void);
/* Frees the user half's tables and puts the frames they map, then the root. */
void pt_free_user(phys_t root);
/* Calls fn for every present leaf entry in [start, end), skipping absent
 * tables quickly.  fn may modify the entry. */
void pt_for_each(phys_t root, uint64_t start, uint64_t end, void (*fn)(uint64_t va, pte_t *pte, void *arg),
                 void *arg);

/* The permission bits for a VMA protection (VM_READ | VM_WRITE | VM_EXEC). */
static inline pte_t vm_pte_prot(uint32_t prot)
{
    return pte_prot(prot & VM_READ, prot & VM_WRITE, prot & VM_EXEC);
}

#endif
