/*
 * What the boot protocol handed over, copied out of low memory by
 * boot_info_parse() (kernel/boot_info.c) before the allocator reuses it.
 * Written once on the boot CPU before any other runs; read-only afterwards.
 */
#ifndef KERNEL_BOOT_INFO_H
#define KERNEL_BOOT_INFO_H

#include <kernel/kernel.h>

#define BOOT_MAX_REGIONS 32

struct mem_region {
    uint64_t base, size;
};

/* The firmware's memory map: usable RAM, and the ranges the kernel image,
 * the boot data and the initramfs occupy inside it. */
extern struct mem_region boot_usable[], boot_reserved[];
extern int boot_usable_count, boot_reserved_count;
extern phys_t initrd_phys;          /* the initramfs module, or size 0 */
extern uint64_t initrd_size;
extern uint64_t acpi_rsdp_phys;     /* 0 if the firmware gave none */

/* Parses the PVH start info at start_info_phys (kmain, first thing). */
void boot_info_parse(uint32_t start_info_phys);

/* Memory before the frame allocator (kernel/boot_mem.c).  Calls fn for
 * each page-aligned piece of [base, end) above the first MiB that no
 * reserved range covers, in address order. */
void boot_for_each_free(uint64_t base, uint64_t end, void (*fn)(uint64_t b, uint64_t e, void *arg), void *arg);
/* size bytes (rounded up to pages) of usable RAM at a multiple of align,
 * ending at or below limit, added to boot_reserved[] for good; 0 if there
 * is no such run (or no room left in boot_reserved[]). */
phys_t boot_alloc(uint64_t size, uint64_t align, phys_t limit);

#endif
