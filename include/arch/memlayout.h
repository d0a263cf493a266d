/*
 * The address layout the architecture gives the kernel (x86-64 with 4-level
 * paging): the page size, where the user half ends and where programs'
 * stacks, mappings and position-independent executables go by default,
 * where the direct map of all physical memory and the kernel image lie;
 * and the conversions between a physical address and its direct-map
 * address.  Generic and architecture code alike reach physical memory
 * through P2V and V2P, never through the constants.
 */
#ifndef ARCH_MEMLAYOUT_H
#define ARCH_MEMLAYOUT_H

#include <kernel/kernel.h>

#define PAGE_SIZE 4096UL
#define PAGE_SHIFT 12
#define KSTACK_SIZE (16 * 1024)         /* a task's kernel stack, aligned to its size */

/* The user half: [0, USER_TOP) */
#define USER_TOP 0x0000800000000000UL
#define USER_STACK_TOP 0x00007ffffffff000UL
#define USER_MMAP_TOP 0x00007f0000000000UL
#define USER_PIE_BASE 0x0000555555554000UL

#define KERNEL_DIRECT_BASE 0xffff800000000000UL   /* all RAM mapped here */
#define KERNEL_DIRECT_SIZE (64UL << 40)            /* RAM above 64 TiB is not used */
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
/* For an address in the direct map or in the kernel image. */
static inline phys_t V2P(const void *v)
{
    uint64_t a = (uint64_t)v;
    return a >= KERNEL_IMAGE_BASE ? a - KERNEL_IMAGE_BASE : a - KERNEL_DIRECT_BASE;
}
/* Is addr in the kernel's own half (the direct map, the image)?  In the
 * image? */
static inline bool kernel_addr(uint64_t addr) { return addr >= KERNEL_DIRECT_BASE; }
static inline bool kernel_image_addr(uint64_t addr) { return addr >= KERNEL_IMAGE_BASE; }
#endif

#endif
