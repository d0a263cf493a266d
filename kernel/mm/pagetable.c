/*
 * Page tables in the architecture's format (arch/pgtable.h): walking,
 * creating and freeing the user half of a tree.  The kernel half (the
 * root's entries from PT_KERNEL_FIRST on) is shared by every address space
 * and never freed.
 */
#include <kernel/kernel.h>
#include <lib/string.h>
#include <mm/pagetable.h>
#include <mm/pmm.h>
#include <mm/vm.h>

phys_t kernel_pt_root;

pte_t *pt_walk_note(phys_t root, uint64_t va, bool alloc, void (*note)(void *arg, phys_t table), void *arg)
{
    pte_t *table = P2V(root);
    for (int level = PT_LEVELS - 1; level > 0; level--) {
        unsigned idx = pt_index(va, level);
        pte_t e = table[idx];
        if (!pte_present(e)) {
            if (!alloc)
                return NULL;
            phys_t p = pmm_alloc();
            if (!p)
                return NULL;
            if (note)
                note(arg, p);
            e = pt_mk_table(p);
            table[idx] = e;
        }
        if (pt_is_leaf_block(e))
            return NULL;            /* large pages only in the kernel half */
        table = P2V(pte_frame(e));
    }
    return &table[pt_index(va, 0)];
}

pte_t *pt_walk(phys_t root, uint64_t va, bool alloc) { return pt_walk_note(root, va, alloc, NULL, NULL); }

phys_t pt_new_root(void)
{
    phys_t p = pmm_alloc();
    if (!p)
        return 0;
    pte_t *n = P2V(p), *k = P2V(kernel_pt_root);
    for (int i = PT_KERNEL_FIRST; i < PT_ENTRIES; i++)
        n[i] = k[i];
    return p;
}

static void free_level(phys_t table, int level)
{
    pte_t *t = P2V(table);
    for (int i = 0; i < PT_ENTRIES; i++) {
        if (!pte_present(t[i]))
            continue;
        if (level > 0)
            free_level(pte_frame(t[i]), level - 1);
        else
            pmm_put(pte_frame(t[i]));
    }
    pmm_put(table);
}

void pt_free_user(phys_t root)
{
    pte_t *t = P2V(root);
    for (int i = 0; i < PT_KERNEL_FIRST; i++)
        if (pte_present(t[i]))
            free_level(pte_frame(t[i]), PT_LEVELS - 2);
    pmm_put(root);
}

void pt_for_each(phys_t root, uint64_t start, uint64_t end, void (*fn)(uint64_t va, pte_t *pte, void *arg),
                 void *arg)
{
    uint64_t va = start;
    while (va < end) {
        /* down to the leaf table of va, or past the absent table above it */
        pte_t *table = P2V(root);
        int level = PT_LEVELS - 1;
        for (; level > 0; level--) {
            pte_t e = table[pt_index(va, level)];
            if (!pte_present(e))
                break;
            table = P2V(pte_frame(e));
        }
        if (level > 0) {
            va = ALIGN_DOWN(va, pt_span(level)) + pt_span(level);
            continue;
        }
        uint64_t next = MIN(end, ALIGN_DOWN(va, pt_span(1)) + pt_span(1));
        for (; va < next; va += PAGE_SIZE) {
            pte_t *pte = &table[pt_index(va, 0)];
            if (pte_present(*pte))
                fn(va, pte, arg);
        }
    }
}

void vm_init(void)
{
    /* Build the kernel's own root from the boot tables, dropping the
     * identity map of low memory that only the boot stub needed.  The kernel
     * half never gains new root entries, so address spaces may copy it. */
    phys_t p = pmm_alloc();
    if (!p)
        panic("vm: no memory for the kernel page table");
    pte_t *n = P2V(p), *boot = P2V(arch_pt_current());
    for (int i = PT_KERNEL_FIRST; i < PT_ENTRIES; i++)
        n[i] = boot[i];
    kernel_pt_root = p;
    arch_pt_load(p);
}
