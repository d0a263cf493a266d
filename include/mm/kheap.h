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
/* Live objects and bytes per allocation site (/proc/kmemsites): kmalloc's
 * caller and its caller; a caller of 0 and 0 collects the sites the table
 * had no room for. */
#define KHEAP_NSITES 1024
struct kheap_site {
    uint64_t caller[2];
    uint64_t live, bytes;
};
/* Copies every site with live objects into out (room for KHEAP_NSITES),
 * under the heap's lock; returns how many. */
unsigned kheap_sites(struct kheap_site *out);
#endif

#endif
