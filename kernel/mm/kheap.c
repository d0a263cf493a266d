/*
 * The kernel heap.
 *
 * Small objects (up to 2 KiB) come from slabs: one page per slab, carved into
 * equal objects of a power-of-two size class, with a header at the start of
 * the page holding the class and a free list.  Larger requests take a run of
 * 2^order contiguous frames from the buddy allocator with a 16-byte header.
 * kfree() finds either header by rounding the pointer down to its page.
 *
 * Accounting, in every build: the number of live objects, the bytes they
 * occupy (their size class, or their whole run) and the frames the heap
 * holds (slab pages and runs).  The counters are atomic, so /proc/kmemstat
 * reads them without a lock; the guest tests compare them before and after
 * each test to catch leaks (docs/testing.md).
 *
 * Allocation sites, with CONFIG_DEBUG (make DEBUG=1): every object carries a
 * 16-byte prefix naming the code that allocated it (kmalloc's caller and
 * that caller's caller), and a table counts live objects per site, so
 * /proc/kmemsites says where leaked objects were allocated.  The prefix
 * keeps the 16-byte alignment of every object.
 *
 * Locking: heap_lock protects every slab list and header, and the site table.
 */
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <lib/list.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/pmm.h>
#ifdef CONFIG_DEBUG
#endif

#define SLAB_MAGIC 0x51ab51abU
#define BIG_MAGIC 0xb16b16b1U
#define NCLASSES 8              /* 16, 32, ..., 2048 */

struct slab {
    uint32_t magic;
    uint16_t cls;
    uint16_t inuse;
    struct list_node node;      /* in partial list of its class */
    void *free;                 /* singly linked free objects */
};

struct big_header {
    uint32_t magic;
    uint32_t order;
    uint64_t pad;
};

_Static_assert(sizeof(struct big_header) == 16, "big header keeps 16-byte alignment");

static struct spinlock heap_lock = SPINLOCK_INIT("kheap");
/* heap_lock: */
static struct list_node partial[NCLASSES];

/* atomic, no lock: */
static struct kheap_stats stats;

static size_t class_size(int c) { return 16UL << c; }
static size_t slab_first(int c) { return ALIGN_UP(sizeof(struct slab), MIN(class_size(c), 64)); }

static void stat_add(uint64_t *counter, int64_t delta) { __atomic_add_fetch(counter, (uint64_t)delta, __ATOMIC_RELAXED); }

#ifdef CONFIG_DEBUG
/* ---- allocation sites (debug build) ---- */

struct site_prefix {
    uint64_t site[2];           /* kmalloc's caller and its caller */
};
_Static_assert(sizeof(struct site_prefix) == 16, "the prefix keeps 16-byte alignment");
#define PREFIX sizeof(struct site_prefix)

#define NSITES 1024             /* open addressing; the last slot takes the overflow */
struct site {
    uint64_t site[2];
    uint64_t live, bytes;
};
/* heap_lock: */
static struct site sites[NSITES];

static struct site *site_slot(const uint64_t key[2])
{
    uint64_t h = (key[0] * 0x9e3779b97f4a7c15ULL) ^ (key[1] * 0xc2b2ae3d27d4eb4fULL);
    for (unsigned i = 0; i < NSITES - 1; i++) {
        struct site *s = &sites[(h + i) % (NSITES - 1)];
        if (s->site[0] == key[0] && s->site[1] == key[1])
            return s;
        if (!s->site[0]) {
            s->site[0] = key[0];
            s->site[1] = key[1];
            return s;
        }
    }
    return &sites[NSITES - 1];      /* table full: "other sites" */
}

/* Records the object at raw (prefix included) for its sites; returns what the caller sees. */
static void *site_alloc(void *raw, const uint64_t key[2], size_t bytes)
{
    struct site_prefix *p = raw;
    p->site[0] = key[0];
    p->site[1] = key[1];
    spin_lock(&heap_lock);
    struct site *s = site_slot(key);
    s->live++;
    s->bytes += bytes;
    spin_unlock(&heap_lock);
    return p + 1;
}

static void *site_free(void *obj, size_t bytes)
{
    struct site_prefix *p = (struct site_prefix *)obj - 1;
    spin_lock(&heap_lock);
    struct site *s = site_slot(p->site);
    BUG_ON(s->live == 0);
    s->live--;
    s->bytes -= bytes;
    spin_unlock(&heap_lock);
    return p;
}

_Static_assert(NSITES == KHEAP_NSITES, "the sites table has the size the header says");

unsigned kheap_sites(struct kheap_site *out)
{
    unsigned n = 0;
    spin_lock(&heap_lock);
    for (unsigned i = 0; i < NSITES; i++) {
        if (!sites[i].live)
            continue;
        bool other = i == NSITES - 1;
        out[n++] = (struct kheap_site){ .caller = { other ? 0 : sites[i].site[0], other ? 0 : sites[i].site[1] },
                                        .live = sites[i].live, .bytes = sites[i].bytes };
    }
    spin_unlock(&heap_lock);
    return n;
}
#else
#define PREFIX 0
#endif

void kheap_init(void)
{
    for (int i = 0; i < NCLASSES; i++)
        list_init(&partial[i]);
}

static struct slab *slab_new(int c)
{
    phys_t p = pmm_alloc_nozero();
    if (!p)
        return NULL;
    stat_add(&stats.frames, 1);
    struct slab *s = P2V(p);
    s->magic = SLAB_MAGIC;
    s->cls = c;
    s->inuse = 0;
    s->free = NULL;
    size_t sz = class_size(c);
    for (size_t off = PAGE_SIZE - sz; off >= slab_first(c); off -= sz) {
        void **obj = (void **)((char *)s + off);
        *obj = s->free;
        s->free = obj;
    }
    list_push_back(&partial[c], &s->node);
    return s;
}

/* Returns the object (prefix included in the debug build) and its footprint in *bytes. */
static void *heap_alloc(size_t size, size_t *bytes)
{
    if (size > 2048) {
        size_t total = size + sizeof(struct big_header);
        unsigned order = 0;
        while ((PAGE_SIZE << order) < total)
            order++;
        phys_t p = pmm_alloc_contig(order);
        if (!p)
            return NULL;
        struct big_header *h = P2V(p);
        h->magic = BIG_MAGIC;
        h->order = order;
        *bytes = PAGE_SIZE << order;
        stat_add(&stats.frames, 1L << order);
        stat_add(&stats.bytes, (int64_t)*bytes);
        stat_add(&stats.objects, 1);
        return h + 1;
    }
    int c = 0;
    while (class_size(c) < size)
        c++;
    spin_lock(&heap_lock);
    struct slab *s = list_empty(&partial[c]) ? slab_new(c) : list_first_entry(&partial[c], struct slab, node);
    if (!s) {
        spin_unlock(&heap_lock);
        return NULL;
    }
    void **obj = s->free;
    s->free = *obj;
    s->inuse++;
    if (!s->free)
        list_remove(&s->node);
    spin_unlock(&heap_lock);
    *bytes = class_size(c);
    stat_add(&stats.bytes, (int64_t)*bytes);
    stat_add(&stats.objects, 1);
    return obj;
}

/* Frees what heap_alloc returned; returns its footprint. */
static size_t heap_free(void *p)
{
    void *page = (void *)ALIGN_DOWN((uint64_t)p, PAGE_SIZE);
    uint32_t magic = *(uint32_t *)page;
    if (magic == BIG_MAGIC) {
        struct big_header *h = page;
        BUG_ON((void *)(h + 1) != p);
        unsigned order = h->order;
        h->magic = 0;
        stat_add(&stats.objects, -1);
        stat_add(&stats.bytes, -(int64_t)(PAGE_SIZE << order));
        stat_add(&stats.frames, -(1L << order));
        pmm_free_contig(V2P(page), order);
        return PAGE_SIZE << order;
    }
    if (magic != SLAB_MAGIC)
        panic("kfree: %p is not a heap pointer", p);
    struct slab *s = page;
    spin_lock(&heap_lock);
    size_t bytes = class_size(s->cls);
    bool was_full = s->free == NULL;
    *(void **)p = s->free;
    s->free = p;
    s->inuse--;
    stat_add(&stats.objects, -1);
    stat_add(&stats.bytes, -(int64_t)bytes);
    if (s->inuse == 0) {
        if (!was_full)
            list_remove(&s->node);
        s->magic = 0;
        stat_add(&stats.frames, -1);
        pmm_put(V2P(s));
    } else if (was_full) {
        list_push_back(&partial[s->cls], &s->node);
    }
    spin_unlock(&heap_lock);
    return bytes;
}

static void *kmalloc_from(size_t size, uint64_t site, uint64_t caller)
{
    if (size == 0)
        size = 1;
    size_t bytes;
    void *p = heap_alloc(size + PREFIX, &bytes);
#ifdef CONFIG_DEBUG
    if (p)
        p = site_alloc(p, (uint64_t[2]){ site, caller }, bytes);
#else
    (void)site;
    (void)caller;
#endif
    return p;
}

/* The two levels of callers name an allocation site in the debug build
 * (frame pointers are kept, so the second level is reliable). */
#define CALLER0 ((uint64_t)__builtin_return_address(0))
#ifdef CONFIG_DEBUG
#pragma GCC diagnostic ignored "-Wframe-address"    /* safe: every kernel function keeps its frame pointer */
#define CALLER1 ((uint64_t)__builtin_return_address(1))
#else
#define CALLER1 0
#endif

__attribute__((noinline)) void *kmalloc(size_t size) { return kmalloc_from(size, CALLER0, CALLER1); }

__attribute__((noinline)) void *kzalloc(size_t size)
{
    void *p = kmalloc_from(size, CALLER0, CALLER1);
    if (p)
        memset(p, 0, size);
    return p;
}

void kfree(void *p)
{
    if (!p)
        return;
#ifdef CONFIG_DEBUG
    void *page = (void *)ALIGN_DOWN((uint64_t)p, PAGE_SIZE);
    uint32_t magic = *(uint32_t *)page;
    if (magic != BIG_MAGIC && magic != SLAB_MAGIC)
        panic("kfree: %p is not a heap pointer", p);
    size_t bytes = magic == BIG_MAGIC ? PAGE_SIZE << ((struct big_header *)page)->order
                                      : class_size(((struct slab *)page)->cls);
    p = site_free(p, bytes);
#endif
    heap_free(p);
}

void kheap_stats(struct kheap_stats *out)
{
    out->objects = __atomic_load_n(&stats.objects, __ATOMIC_RELAXED);
    out->bytes = __atomic_load_n(&stats.bytes, __ATOMIC_RELAXED);
    out->frames = __atomic_load_n(&stats.frames, __ATOMIC_RELAXED);
}
