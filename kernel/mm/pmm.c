/*
 * The physical page allocator: a binary buddy allocator over every usable
 * frame of the firmware memory map, plus a reference count per frame.
 *
 * Blocks of 2^order frames (order 0..PMM_MAX_ORDER) sit on per-order free
 * lists; allocating splits a larger block, freeing merges a block with its
 * buddy while the buddy is free and of the same order.  Single-frame
 * allocation and free are O(1) in the common case, O(PMM_MAX_ORDER) at worst.
 *
 * Reference counts make sharing explicit: fork's copy-on-write and the
 * page-cache mappings of exec take references with pmm_get(); a frame goes
 * back to the buddy lists when pmm_put() drops the last one.
 *
 * Locking: pmm_lock protects the free lists, the counters and every
 * struct frame's list/order/free fields; refcounts are atomic.
 */
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <lib/list.h>
#include <lib/string.h>
#include <mm/pmm.h>

#define PMM_MAX_ORDER 10

struct frame {
    struct list_node node;  /* free-list link while free */
    uint32_t refcount;
    uint8_t order;          /* order of the free block it heads */
    uint8_t free;           /* heads a free block */
    uint8_t usable;         /* RAM we manage (not a hole or reserved) */
};

static struct frame *frames;
static uint64_t nframes;
static struct list_node free_lists[PMM_MAX_ORDER + 1];
static uint64_t free_count, total_count;
static struct spinlock pmm_lock = SPINLOCK_INIT("pmm");

static inline struct frame *frame_of(phys_t p) { return &frames[p >> PAGE_SHIFT]; }
static inline phys_t phys_of(struct frame *f) { return (phys_t)(f - frames) << PAGE_SHIFT; }

static void free_block(uint64_t pfn, unsigned order)
{
    while (order < PMM_MAX_ORDER) {
        uint64_t buddy = pfn ^ (1UL << order);
        if (buddy + (1UL << order) > nframes)
            break;
        struct frame *b = &frames[buddy];
        if (!b->usable || !b->free || b->order != order)
            break;
        list_remove(&b->node);
        b->free = 0;
        pfn &= ~(1UL << order);
        order++;
    }
    struct frame *f = &frames[pfn];
    f->free = 1;
    f->order = order;
    list_push_back(&free_lists[order], &f->node);
}

static phys_t alloc_block(unsigned order)
{
    unsigned o = order;
    while (o <= PMM_MAX_ORDER && list_empty(&free_lists[o]))
        o++;
    if (o > PMM_MAX_ORDER)
        return 0;
    struct frame *f = container_of(list_pop_front(&free_lists[o]), struct frame, node);
    f->free = 0;
    uint64_t pfn = f - frames;
    while (o > order) {             /* split, returning the upper halves */
        o--;
        struct frame *half = &frames[pfn + (1UL << o)];
        half->free = 1;
        half->order = o;
        list_push_back(&free_lists[o], &half->node);
    }
    for (uint64_t i = 0; i < (1UL << order); i++)
        frames[pfn + i].refcount = 1;
    return (phys_t)pfn << PAGE_SHIFT;
}

/* Memory map entries handed over by the boot code (kernel/boot_info.c). */
struct mem_region {
    uint64_t base, size;
};
extern struct mem_region boot_usable[], boot_reserved[];
extern int boot_usable_count, boot_reserved_count;

static bool reserved(uint64_t p)
{
    for (int i = 0; i < boot_reserved_count; i++)
        if (p >= boot_reserved[i].base && p < boot_reserved[i].base + boot_reserved[i].size)
            return true;
    return false;
}

void pmm_init(void)
{
    uint64_t top = 0;
    for (int i = 0; i < boot_usable_count; i++)
        top = MAX(top, boot_usable[i].base + boot_usable[i].size);
    if (top > (4UL << 30))
        top = 4UL << 30;            /* the boot direct map covers 4 GiB */
    nframes = top >> PAGE_SHIFT;
    uint64_t bytes = ALIGN_UP(nframes * sizeof(struct frame), PAGE_SIZE);

    /* Place the frame array in the first usable region that fits. */
    phys_t at = 0;
    for (int i = 0; i < boot_usable_count && !at; i++) {
        uint64_t b = MAX(ALIGN_UP(boot_usable[i].base, PAGE_SIZE), 0x100000UL);   /* low memory stays unused */
        uint64_t e = ALIGN_DOWN(boot_usable[i].base + boot_usable[i].size, PAGE_SIZE);
        for (uint64_t p = b; p + bytes <= e && p + bytes <= top; p += PAGE_SIZE) {
            bool ok = true;
            for (uint64_t q = p; q < p + bytes && ok; q += PAGE_SIZE)
                ok = !reserved(q);
            if (ok) {
                at = p;
                break;
            }
            /* skip past the reserved range quickly */
            for (int r = 0; r < boot_reserved_count; r++)
                if (boot_reserved[r].base + boot_reserved[r].size > p && boot_reserved[r].base < p + bytes)
                    p = MAX(p, ALIGN_DOWN(boot_reserved[r].base + boot_reserved[r].size - 1, PAGE_SIZE));
        }
    }
    if (!at)
        panic("pmm: no room for the frame table (%lu bytes)", bytes);
    frames = P2V(at);
    memset(frames, 0, bytes);
    for (int o = 0; o <= PMM_MAX_ORDER; o++)
        list_init(&free_lists[o]);

    for (int i = 0; i < boot_usable_count; i++) {
        uint64_t b = ALIGN_UP(boot_usable[i].base, PAGE_SIZE);
        uint64_t e = ALIGN_DOWN(boot_usable[i].base + boot_usable[i].size, PAGE_SIZE);
        for (uint64_t p = b; p < e && p < top; p += PAGE_SIZE) {
            if (p < 0x100000 || reserved(p) || (p >= at && p < at + bytes))
                continue;
            struct frame *f = frame_of(p);
            f->usable = 1;
            free_block(p >> PAGE_SHIFT, 0);
            free_count++;
            total_count++;
        }
    }
    kprintf("pmm: %lu MiB usable, %lu frames, frame table %lu KiB at %#lx\n", total_count * PAGE_SIZE >> 20,
            total_count, bytes >> 10, at);
}

phys_t pmm_alloc_contig(unsigned order)
{
    if (order > PMM_MAX_ORDER)
        return 0;
    spin_lock(&pmm_lock);
    phys_t p = alloc_block(order);
    if (p)
        free_count -= 1UL << order;
    spin_unlock(&pmm_lock);
    return p;
}

void pmm_free_contig(phys_t p, unsigned order)
{
    spin_lock(&pmm_lock);
    for (uint64_t i = 0; i < (1UL << order); i++)
        frame_of(p)[i].refcount = 0;
    free_block(p >> PAGE_SHIFT, order);
    free_count += 1UL << order;
    spin_unlock(&pmm_lock);
}

phys_t pmm_alloc_nozero(void) { return pmm_alloc_contig(0); }

phys_t pmm_alloc(void)
{
    phys_t p = pmm_alloc_contig(0);
    if (p)
        memset(P2V(p), 0, PAGE_SIZE);
    return p;
}

void pmm_get(phys_t p)
{
    struct frame *f = frame_of(p);
    BUG_ON(!f->usable || f->refcount == 0);
    __atomic_add_fetch(&f->refcount, 1, __ATOMIC_RELAXED);
}

void pmm_put(phys_t p)
{
    struct frame *f = frame_of(p);
    BUG_ON(!f->usable || f->refcount == 0);
    if (__atomic_sub_fetch(&f->refcount, 1, __ATOMIC_ACQ_REL) == 0) {
        spin_lock(&pmm_lock);
        free_block(p >> PAGE_SHIFT, 0);
        free_count++;
        spin_unlock(&pmm_lock);
    }
}

unsigned pmm_refcount(phys_t p) { return frame_of(p)->refcount; }
uint64_t pmm_free_pages(void) { return free_count; }
uint64_t pmm_total_pages(void) { return total_count; }
