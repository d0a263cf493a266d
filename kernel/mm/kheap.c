/*
 * The kernel heap.
 *
 * Small objects (up to 2 KiB) come from slabs: one page per slab, carved into
 * equal objects of a power-of-two size class, with a header at the start of
 * the page holding the class and a free list.  Larger requests take a run of
 * 2^order contiguous frames from the buddy allocator with a 16-byte header.
 * kfree() finds either header by rounding the pointer down to its page.
 *
 * Locking: heap_lock protects every slab list and header.
 */
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <lib/list.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/pmm.h>

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

static struct list_node partial[NCLASSES];
static struct spinlock heap_lock = SPINLOCK_INIT("kheap");
static uint64_t heap_bytes;     /* for /proc/meminfo Slab: */

static size_t class_size(int c) { return 16UL << c; }
static size_t slab_first(int c) { return ALIGN_UP(sizeof(struct slab), MIN(class_size(c), 64)); }

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

void *kmalloc(size_t size)
{
    if (size == 0)
        size = 1;
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
        __atomic_add_fetch(&heap_bytes, PAGE_SIZE << order, __ATOMIC_RELAXED);
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
    heap_bytes += class_size(c);
    spin_unlock(&heap_lock);
    return obj;
}

void *kzalloc(size_t size)
{
    void *p = kmalloc(size);
    if (p)
        memset(p, 0, size);
    return p;
}

void kfree(void *p)
{
    if (!p)
        return;
    void *page = (void *)ALIGN_DOWN((uint64_t)p, PAGE_SIZE);
    uint32_t magic = *(uint32_t *)page;
    if (magic == BIG_MAGIC) {
        struct big_header *h = page;
        BUG_ON((void *)(h + 1) != p);
        unsigned order = h->order;
        h->magic = 0;
        __atomic_sub_fetch(&heap_bytes, PAGE_SIZE << order, __ATOMIC_RELAXED);
        pmm_free_contig(V2P(page), order);
        return;
    }
    if (magic != SLAB_MAGIC)
        panic("kfree: %p is not a heap pointer", p);
    struct slab *s = page;
    spin_lock(&heap_lock);
    bool was_full = s->free == NULL;
    *(void **)p = s->free;
    s->free = p;
    s->inuse--;
    heap_bytes -= class_size(s->cls);
    if (s->inuse == 0) {
        if (!was_full)
            list_remove(&s->node);
        s->magic = 0;
        pmm_put(V2P(s));
    } else if (was_full) {
        list_push_back(&partial[s->cls], &s->node);
    }
    spin_unlock(&heap_lock);
}

uint64_t kheap_bytes(void) { return heap_bytes; }
