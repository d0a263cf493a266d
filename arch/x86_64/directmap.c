/*
 * The direct map: every byte of RAM at KERNEL_DIRECT_BASE plus its physical
 * address (P2V).  The boot stub (boot.S) maps the first 4 GiB with 2 MiB
 * pages, enough to start; arch_direct_map_init() extends it, before the
 * frame allocator starts, over each usable range of the firmware's map
 * above that (only RAM: the holes and reserved ranges above 4 GiB stay
 * unmapped).  A whole, aligned GiB of a range takes one 1 GiB page where
 * the CPU has them (CPUID 0x80000001 EDX bit 26, "pdpe1gb"; QEMU's -cpu
 * max has it, qemu64 does not) and "nogbpages" is not on the command line;
 * the rest takes 2 MiB pages, a range's ends rounded out to 2 MiB.
 *
 * The page tables come from boot_alloc() below 4 GiB (so the boot map
 * reaches them), counted first and taken as one run, never freed.  They
 * hang off the root's kernel half (PML4[256] on), which vm_init() copies
 * into the kernel's own root and every address space shares; PML4[256]'s
 * PDPT is also the boot stub's identity map of low memory, which therefore
 * grows too (only the application processors' start uses it, below 4 GiB).
 * Entries are writable and not executable, and not global, like the boot
 * stub's.  Boot CPU only, before any other runs.
 */
#include <arch/pgtable.h>
#include <arch/x86.h>
#include <kernel/boot_info.h>
#include <kernel/kernel.h>
#include <lib/string.h>

#define BOOT_MAPPED (4UL << 30)             /* what boot.S maps */
#define SZ_2M (2UL << 20)
#define SZ_1G (1UL << 30)
#define SZ_512G (512UL << 30)
#define DM_TABLE (PTE_P | PTE_W)
#define DM_LEAF (PTE_P | PTE_W | PTE_PS | PTE_NX)

static phys_t pool, pool_end;               /* page tables not yet used */
static phys_t pool_start;
static uint64_t pages_1g, pages_2m;         /* mapped here, above 4 GiB */
static bool cpu_gb;                         /* the CPU has 1 GiB pages */

static bool cpu_has_gbpages(void)
{
    uint32_t a, b, c, d;
    cpuid(0x80000000, 0, &a, &b, &c, &d);
    if (a < 0x80000001)
        return false;
    cpuid(0x80000001, 0, &a, &b, &c, &d);
    return d & (1u << 26);
}

/* The table an entry points to, made (from the pool) if the entry is
 * empty; NULL if the entry is a large page already. */
static pte_t *table_below(pte_t *entry)
{
    if (!pte_present(*entry)) {
        if (pool == pool_end)
            panic("direct map: page-table pool exhausted");
        memset(P2V(pool), 0, PAGE_SIZE);
        *entry = pool | DM_TABLE;
        pool += PAGE_SIZE;
    }
    return pt_is_leaf_block(*entry) ? NULL : P2V(pte_frame(*entry));
}

/* Maps [b, e) (2 MiB-aligned), leaving what is mapped already alone. */
static void map_range(pte_t *root, uint64_t b, uint64_t e, bool gb)
{
    for (uint64_t p = b; p < e;) {
        uint64_t va = KERNEL_DIRECT_BASE + p;
        pte_t *pdpt = table_below(&root[pt_index(va, 3)]);
        pte_t *pdpte = &pdpt[pt_index(va, 2)];
        if (gb && !(p & (SZ_1G - 1)) && p + SZ_1G <= e && !pte_present(*pdpte)) {
            *pdpte = p | DM_LEAF;
            pages_1g++;
            p += SZ_1G;
            continue;
        }
        pte_t *pd = table_below(pdpte);
        if (!pd) {                          /* inside a 1 GiB page */
            p = ALIGN_DOWN(p, SZ_1G) + SZ_1G;
            continue;
        }
        pte_t *pde = &pd[pt_index(va, 1)];
        if (!pte_present(*pde)) {
            *pde = p | DM_LEAF;
            pages_2m++;
        }
        p += SZ_2M;
    }
}

/* A usable range's part that this maps: above the boot map, 2 MiB-aligned
 * outwards; false if there is none. */
static bool part_to_map(const struct mem_region *r, uint64_t *b, uint64_t *e)
{
    *b = MAX(ALIGN_DOWN(r->base, SZ_2M), BOOT_MAPPED);
    *e = ALIGN_UP(r->base + r->size, SZ_2M);
    return *b < *e;
}

void arch_direct_map_init(void)
{
    /* what does not fit in the direct map's span is not used */
    for (int i = 0; i < boot_usable_count; i++) {
        struct mem_region *r = &boot_usable[i];
        if (r->base + r->size <= KERNEL_DIRECT_SIZE)
            continue;
        kprintf(KERN_WARNING "direct map: RAM %#lx-%#lx beyond %lu TiB ignored\n",
                (unsigned long)MAX(r->base, KERNEL_DIRECT_SIZE), (unsigned long)(r->base + r->size - 1),
                KERNEL_DIRECT_SIZE >> 40);
        r->size = r->base < KERNEL_DIRECT_SIZE ? KERNEL_DIRECT_SIZE - r->base : 0;
    }

    cpu_gb = cpu_has_gbpages();
    bool gb = cpu_gb && !cmdline_get("nogbpages");
    pte_t *root = P2V(read_cr3() & PTE_ADDR);
    /* Tables needed, at most: a PDPT per 512 GiB touched that has none
     * yet, and a PD per GiB touched, or with 1 GiB pages only for the
     * GiBs at a range's ends that it covers in part. */
    uint64_t tables = 0, b, e;
    bool any = false;
    for (int i = 0; i < boot_usable_count; i++) {
        if (!part_to_map(&boot_usable[i], &b, &e))
            continue;
        any = true;
        for (uint64_t s = ALIGN_DOWN(b, SZ_512G); s < e; s += SZ_512G)
            tables += !pte_present(root[pt_index(KERNEL_DIRECT_BASE + s, 3)]);
        uint64_t first = b / SZ_1G, last = (e - 1) / SZ_1G;
        if (!gb)
            tables += last - first + 1;
        else if (first == last)
            tables += b % SZ_1G || e % SZ_1G;
        else
            tables += (b % SZ_1G != 0) + (e % SZ_1G != 0);
    }
    if (!any)
        return;                         /* no RAM above 4 GiB */
    if (tables) {
        pool = boot_alloc(tables * PAGE_SIZE, PAGE_SIZE, BOOT_MAPPED);
        if (!pool)
            panic("direct map: no room below 4 GiB for %lu page tables", (unsigned long)tables);
        pool_start = pool;
        pool_end = pool + tables * PAGE_SIZE;
    }

    uint64_t mapped = 0;
    for (int i = 0; i < boot_usable_count; i++)
        if (part_to_map(&boot_usable[i], &b, &e)) {
            map_range(root, b, e, gb);
            mapped = MAX(mapped, e);
        }
    write_cr3(read_cr3());
    kprintf("direct map: RAM up to %lu MiB: %lu 1 GiB and %lu 2 MiB pages above 4 GiB, %lu page tables\n",
            (unsigned long)(mapped >> 20), (unsigned long)pages_1g, (unsigned long)pages_2m,
            (unsigned long)((pool - pool_start) / PAGE_SIZE));
}

bool arch_direct_map_kb(uint64_t *kb_4k, uint64_t *kb_2m, uint64_t *kb_1g)
{
    *kb_4k = 0;
    *kb_2m = (BOOT_MAPPED / SZ_2M + pages_2m) * (SZ_2M >> 10);
    *kb_1g = pages_1g * (SZ_1G >> 10);
    return cpu_gb;
}
