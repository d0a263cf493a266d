/*
 * Memory before the frame allocator runs (Linux's memblock, much reduced):
 * the firmware's usable RAM less what boot_reserved[] holds.  boot_alloc()
 * carves a run out of it and adds the run to boot_reserved[], so that
 * pmm_init() leaves it alone for good: the direct map's page tables and the
 * frame table itself.  Boot CPU only, before any other runs.
 *
 * Pure code over boot_usable[] and boot_reserved[] (the host tests of the
 * allocator include it).
 */
#include <arch/memlayout.h>
#include <kernel/boot_info.h>
#include <kernel/kernel.h>

#define BOOT_LOW_END 0x100000UL         /* the first MiB stays unused */

void boot_for_each_free(uint64_t base, uint64_t end, void (*fn)(uint64_t b, uint64_t e, void *arg), void *arg)
{
    uint64_t cur = MAX(ALIGN_UP(base, PAGE_SIZE), BOOT_LOW_END);
    end = ALIGN_DOWN(end, PAGE_SIZE);
    while (cur < end) {
        /* the lowest reserved range reaching into [cur, end) */
        uint64_t rb = end, re = end;
        for (int i = 0; i < boot_reserved_count; i++) {
            uint64_t b = ALIGN_DOWN(boot_reserved[i].base, PAGE_SIZE);
            uint64_t e = ALIGN_UP(boot_reserved[i].base + boot_reserved[i].size, PAGE_SIZE);
            uint64_t s = MAX(b, cur);
            if (e > cur && b < end && (s < rb || (s == rb && e > re))) {
                rb = s;
                re = e;
            }
        }
        if (rb > cur)
            fn(cur, rb, arg);
        cur = MAX(cur, re);
    }
}

struct boot_fit {
    uint64_t size, align, limit;
    phys_t found;
};

static void boot_fit_piece(uint64_t b, uint64_t e, void *arg)
{
    struct boot_fit *f = arg;
    uint64_t at = ALIGN_UP(b, f->align);
    if (!f->found && at + f->size <= MIN(e, f->limit) && at + f->size > at)
        f->found = at;
}

phys_t boot_alloc(uint64_t size, uint64_t align, phys_t limit)
{
    struct boot_fit f = { ALIGN_UP(size, PAGE_SIZE), MAX(align, PAGE_SIZE), limit, 0 };
    if (!size || boot_reserved_count == BOOT_MAX_REGIONS)
        return 0;
    for (int i = 0; i < boot_usable_count && !f.found; i++)
        boot_for_each_free(boot_usable[i].base, boot_usable[i].base + boot_usable[i].size, boot_fit_piece, &f);
    if (f.found)
        boot_reserved[boot_reserved_count++] = (struct mem_region){ f.found, f.size };
    return f.found;
}
