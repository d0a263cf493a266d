/* The kernel heap: kmalloc for objects of any size (kernel/mm/kheap.c). */
#ifndef MM_KHEAP_H
#define MM_KHEAP_H

#include <stddef.h>
#include <stdint.h>

/* Returns NULL when memory is exhausted; callers must handle it. */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);             /* kfree(NULL) is a no-op */
void kheap_init(void);

/* What the heap holds right now (each figure read atomically, not as a set). */
struct kheap_stats {
    uint64_t objects;            /* live allocations */
    uint64_t bytes;              /* their footprint: size class or whole run */
    uint64_t frames;             /* frames held: slab pages and runs */
};
void kheap_stats(struct kheap_stats *out);

#ifdef CONFIG_DEBUG
struct seqbuf;
/* /proc/kmemsites: live objects and bytes per allocation site. */
int kheap_show_sites(struct seqbuf *sb);
#endif

#endif
