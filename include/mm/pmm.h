/*
 * Physical memory: a page-frame allocator with per-frame reference counts
 * (a frame shared copy-on-write, or by the page cache and a mapping, is freed
 * when its last reference goes).  The kernel reaches every frame through
 * the direct map of all RAM (P2V, arch/memlayout.h).
 */
#ifndef MM_PMM_H
#define MM_PMM_H

#include <arch/memlayout.h>
#include <kernel/kernel.h>

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
