/*
 * Physical memory: a page-frame allocator with per-frame reference counts
 * (a frame shared copy-on-write, or by the page cache and a mapping, is freed
 * when its last reference goes), and the kernel's direct map of all RAM.
 */
#ifndef MM_PMM_H
#define MM_PMM_H

#include <kernel/kernel.h>

#define PAGE_SIZE 4096UL
#define PAGE_SHIFT 12
#define KERNEL_DIRECT_BASE 0xffff800000000000UL   /* all RAM mapped here */
#define KERNEL_IMAGE_BASE  0xffffffff80000000UL   /* the kernel image */

#ifdef HOST_TEST
/* A host unit test may back "physical memory" with an ordinary buffer: it
 * defines HOST_PHYS_BUFFER before including this header, and host_phys_base
 * (the buffer, physical address 0).  Otherwise a host address is its own
 * "physical" address plus the direct-map base, as in the kernel. */
#ifdef HOST_PHYS_BUFFER
extern char *host_phys_base;
static inline uintptr_t host_base(void)
{
    return host_phys_base ? (uintptr_t)host_phys_base : (uintptr_t)KERNEL_DIRECT_BASE;
}
#else
static inline uintptr_t host_base(void) { return (uintptr_t)KERNEL_DIRECT_BASE; }
#endif
static inline void *P2V(phys_t p) { return (void *)(host_base() + p); }
static inline phys_t V2P(const void *v) { return (phys_t)((uintptr_t)v - host_base()); }
#else
static inline void *P2V(phys_t p) { return (void *)(p + KERNEL_DIRECT_BASE); }
static inline phys_t V2P(const void *v)
{
    uint64_t a = (uint64_t)v;
    return a >= KERNEL_IMAGE_BASE ? a - KERNEL_IMAGE_BASE : a - KERNEL_DIRECT_BASE;
}
#endif

void pmm_init(void);
/* Hands RAM the boot reserved (the initramfs, once unpacked) to the
 * allocator, as Linux's "Freeing initrd memory". */
void pmm_release_boot_range(phys_t base, uint64_t size);
/* One zeroed frame with refcount 1, or 0 when memory is exhausted. */
phys_t pmm_alloc(void);
/* One frame, not zeroed. */
phys_t pmm_alloc_nozero(void);
/* 2^order physically contiguous frames (refcount 1 each), or 0. */
phys_t pmm_alloc_contig(unsigned order);
void pmm_free_contig(phys_t p, unsigned order);
void pmm_get(phys_t p);          /* take another reference */
void pmm_put(phys_t p);          /* drop one; frees the frame at zero */
unsigned pmm_refcount(phys_t p);
uint64_t pmm_free_pages(void);
uint64_t pmm_total_pages(void);

/* NUMA (<mm/numa.h>): 2^order frames from `node` (NUMA_NO_NODE: the node
 * of this CPU) or, when it has none left, from the nearest other node in
 * `allowed` (a mask of node ids; ~0: any).  0 if none of them has room. */
#define PMM_ZERO 1              /* zero the frames */
#define PMM_INTERLEAVE 2        /* an interleave policy chose `node` (numastat) */
phys_t pmm_alloc_node(int node, uint64_t allowed, unsigned order, unsigned flags);
/* The node a managed frame belongs to; NUMA_NO_NODE (-1) for any other address. */
int pmm_node_of(phys_t p);
/* A node's frames, and Linux's numastat counters (allocations that got
 * the node wanted, that landed here instead of there, ...). */
struct pmm_node_stats {
    uint64_t total, free;
    uint64_t numa_hit, numa_miss, numa_foreign, interleave_hit, local_node, other_node;
};
void pmm_node_stats(int node, struct pmm_node_stats *out);

#endif
