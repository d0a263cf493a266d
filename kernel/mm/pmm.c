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
 * NUMA: every frame records its node (from the firmware's SRAT, <mm/numa.h>)
 * and each node has its own free lists, so a block never merges across a
 * node boundary.  pmm_alloc_node() takes frames from a chosen node, falling
 * back to the nearest other nodes a caller allows (a memory policy's
 * nodes); the plain calls start at the node of the CPU they run on.  Each
 * node counts its frames and Linux's numastat figures.
 *
 * The frame table (one struct frame per frame, from address 0 to the end of
 * the highest usable range) takes RAM that boot_alloc() carves out of the
 * firmware map before anything else is free; starting walks the table once
 * and hands each usable piece over as its largest aligned blocks: about
 * eight instructions a frame, table zeroing included (docs/benchmarks.md).
 *
 * Locking: pmm_lock protects the free lists, the counters and every
 * struct frame's list/order/free fields; refcounts are atomic.
 */
#include <kernel/boot_info.h>
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <lib/list.h>
#include <lib/string.h>
#include <mm/numa.h>
#include <mm/pmm.h>

#define PMM_MAX_ORDER 10

struct frame {
    struct list_node node;  /* free-list link while free */
    uint32_t refcount;
    uint8_t order;          /* order of the free block it heads */
    uint8_t free;           /* heads a free block */
    uint8_t usable;         /* RAM we manage (not a hole or reserved) */
    uint8_t nid;            /* NUMA node */
};

static struct frame *frames;
static uint64_t nframes;
static struct list_node free_lists[NUMA_MAX_NODES][PMM_MAX_ORDER + 1];
static uint64_t free_count, total_count;
static struct pmm_node_stats node_stats[NUMA_MAX_NODES];
static struct spinlock pmm_lock = SPINLOCK_INIT("pmm");

static inline struct frame *frame_of(phys_t p) { return &frames[p >> PAGE_SHIFT]; }
static inline phys_t phys_of(struct frame *f) { return (phys_t)(f - frames) << PAGE_SHIFT; }

/* Returns 2^order frames to their node's lists, merging with free buddies
 * of the same node. */
static void free_block(uint64_t pfn, unsigned order)
{
    unsigned nid = frames[pfn].nid;
    free_count += 1UL << order;
    node_stats[nid].free += 1UL << order;
    while (order < PMM_MAX_ORDER) {
        uint64_t buddy = pfn ^ (1UL << order);
        if (buddy + (1UL << order) > nframes)
            break;
        struct frame *b = &frames[buddy];
        if (!b->usable || !b->free || b->order != order || b->nid != nid)
            break;
        list_remove(&b->node);
        b->free = 0;
        pfn &= ~(1UL << order);
        order++;
    }
    struct frame *f = &frames[pfn];
    f->free = 1;
    f->order = order;
    list_push_back(&free_lists[nid][order], &f->node);
}

static phys_t alloc_block(unsigned nid, unsigned order)
{
    struct list_node *lists = free_lists[nid];
    unsigned o = order;
    while (o <= PMM_MAX_ORDER && list_empty(&lists[o]))
        o++;
    if (o > PMM_MAX_ORDER)
        return 0;
    struct frame *f = container_of(list_pop_front(&lists[o]), struct frame, node);
    f->free = 0;
    uint64_t pfn = f - frames;
    while (o > order) {             /* split, returning the upper halves */
        o--;
        struct frame *half = &frames[pfn + (1UL << o)];
        half->free = 1;
        half->order = o;
        list_push_back(&lists[o], &half->node);
    }
    for (uint64_t i = 0; i < (1UL << order); i++)
        frames[pfn + i].refcount = 1;
    free_count -= 1UL << order;
    node_stats[nid].free -= 1UL << order;
    return (phys_t)pfn << PAGE_SHIFT;
}

/* Hands a piece of usable RAM, [b, e) (page-aligned, reserved ranges
 * already cut out), to the allocator: its frames are marked usable with
 * their node, then given to the free lists as the largest aligned blocks
 * that fit, so that starting costs a store or two per frame and not a
 * free_block() each. */
static void add_free_piece(uint64_t b, uint64_t e, void *arg)
{
    for (uint64_t run = b, run_end; run < e; run = run_end) {
        unsigned nid = (unsigned)numa_node_run(run, e, &run_end);
        uint64_t first = run >> PAGE_SHIFT, last = run_end >> PAGE_SHIFT;
        for (uint64_t pfn = first; pfn < last; pfn++) {
            frames[pfn].usable = 1;
            frames[pfn].nid = (uint8_t)nid;
        }
        total_count += last - first;
        node_stats[nid].total += last - first;
        for (uint64_t pfn = first; pfn < last;) {
            unsigned order = PMM_MAX_ORDER;
            while (order && ((pfn & ((1UL << order) - 1)) || pfn + (1UL << order) > last))
                order--;
            free_block(pfn, order);
            pfn += 1UL << order;
        }
    }
}

void pmm_init(void)
{
    /* The frame table covers every frame from 0 to the end of the highest
     * usable range, holes included (their entries say "not usable"); it
     * takes RAM of its own, out of the map for good.  The direct map
     * reaches all usable RAM by now (arch_direct_map_init). */
    uint64_t top = 0;
    for (int i = 0; i < boot_usable_count; i++)
        top = MAX(top, ALIGN_DOWN(boot_usable[i].base + boot_usable[i].size, PAGE_SIZE));
    nframes = top >> PAGE_SHIFT;
    uint64_t bytes = ALIGN_UP(nframes * sizeof(struct frame), PAGE_SIZE);
    phys_t at = boot_alloc(bytes, PAGE_SIZE, top);
    if (!at)
        panic("pmm: no room for the frame table (%lu bytes)", bytes);
    frames = P2V(at);
    memset(frames, 0, bytes);
    for (int n = 0; n < NUMA_MAX_NODES; n++)
        for (int o = 0; o <= PMM_MAX_ORDER; o++)
            list_init(&free_lists[n][o]);

    for (int i = 0; i < boot_usable_count; i++)
        boot_for_each_free(boot_usable[i].base, boot_usable[i].base + boot_usable[i].size, add_free_piece, NULL);
    kprintf("pmm: %lu MiB usable, %lu frames, frame table %lu KiB at %#lx\n", total_count * PAGE_SIZE >> 20,
            total_count, bytes >> 10, at);
    for (int n = 0; n < numa_nodes && numa_nodes > 1; n++)
        kprintf("pmm: node %d: %lu MiB\n", n, node_stats[n].total * PAGE_SIZE >> 20);
}

void pmm_release_boot_range(phys_t base, uint64_t size)
{
    uint64_t b = ALIGN_DOWN(base, PAGE_SIZE), e = ALIGN_UP(base + size, PAGE_SIZE), n = 0;
    spin_lock(&pmm_lock);
    for (uint64_t p = MAX(b, 0x100000UL); p < e && (p >> PAGE_SHIFT) < nframes; p += PAGE_SIZE) {
        struct frame *f = frame_of(p);
        bool ram = false;
        for (int i = 0; i < boot_usable_count && !ram; i++)
            ram = p >= boot_usable[i].base && p + PAGE_SIZE <= boot_usable[i].base + boot_usable[i].size;
        if (f->usable || !ram)
            continue;                   /* managed already, or not RAM */
        f->usable = 1;
        f->nid = (uint8_t)numa_node_of_phys(p);
        free_block(p >> PAGE_SHIFT, 0);
        total_count++;
        node_stats[f->nid].total++;
        n++;
    }
    spin_unlock(&pmm_lock);
    kprintf("pmm: freed %lu KiB of boot data\n", (unsigned long)(n * PAGE_SIZE >> 10));
}

phys_t pmm_alloc_node(int node, uint64_t allowed, unsigned order, unsigned flags)
{
    if (order > PMM_MAX_ORDER)
        return 0;
    int local = numa_node_id();
    if (node < 0 || node >= numa_nodes)
        node = local;
    const uint8_t *order_of_nodes = numa_fallback_order(node);
    spin_lock(&pmm_lock);
    phys_t p = 0;
    int got = node;
    for (int i = 0; i < numa_nodes && !p; i++) {
        got = order_of_nodes[i];
        if (allowed & (1ULL << got))
            p = alloc_block((unsigned)got, order);
    }
    if (p) {
        /* Linux's numastat: hit or miss/foreign against the node wanted,
         * local or other against the node of the CPU asking */
        if (got == node) {
            node_stats[got].numa_hit++;
            if (flags & PMM_INTERLEAVE)
                node_stats[got].interleave_hit++;
        } else {
            node_stats[got].numa_miss++;
            node_stats[node].numa_foreign++;
        }
        if (got == local)
            node_stats[got].local_node++;
        else
            node_stats[got].other_node++;
    }
    spin_unlock(&pmm_lock);
    if (p && (flags & PMM_ZERO))
        memset(P2V(p), 0, PAGE_SIZE << order);
    return p;
}

phys_t pmm_alloc_contig(unsigned order) { return pmm_alloc_node(NUMA_NO_NODE, ~0ULL, order, 0); }

void pmm_free_contig(phys_t p, unsigned order)
{
    spin_lock(&pmm_lock);
    for (uint64_t i = 0; i < (1UL << order); i++)
        frame_of(p)[i].refcount = 0;
    free_block(p >> PAGE_SHIFT, order);
    spin_unlock(&pmm_lock);
}

phys_t pmm_alloc_nozero(void) { return pmm_alloc_node(NUMA_NO_NODE, ~0ULL, 0, 0); }

phys_t pmm_alloc(void) { return pmm_alloc_node(NUMA_NO_NODE, ~0ULL, 0, PMM_ZERO); }

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
        spin_unlock(&pmm_lock);
    }
}

unsigned pmm_refcount(phys_t p) { return frame_of(p)->refcount; }
uint64_t pmm_free_pages(void) { return free_count; }
uint64_t pmm_total_pages(void) { return total_count; }

int pmm_node_of(phys_t p)
{
    uint64_t pfn = p >> PAGE_SHIFT;
    return pfn < nframes && frames[pfn].usable ? frames[pfn].nid : NUMA_NO_NODE;
}

void pmm_node_stats(int node, struct pmm_node_stats *out)
{
    memset(out, 0, sizeof *out);
    if (node < 0 || node >= NUMA_MAX_NODES)
        return;
    spin_lock(&pmm_lock);
    *out = node_stats[node];
    spin_unlock(&pmm_lock);
}
