/* x86-64 page-table entries and walking (kernel/mm/pagetable.c). */
#ifndef MM_PAGETABLE_H
#define MM_PAGETABLE_H

#include <kernel/kernel.h>

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

uint64_t *pt_walk(phys_t pml4, uint64_t va, bool alloc);
uint64_t *pt_walk_note(phys_t pml4, uint64_t va, bool alloc, void (*note)(void *arg, phys_t table), void *arg);
phys_t pt_new_pml4(void);
void pt_free_user(phys_t pml4);
void pt_for_each(phys_t pml4, uint64_t start, uint64_t end, void (*fn)(uint64_t va, uint64_t *pte, void *arg),
                 void *arg);

#endif
