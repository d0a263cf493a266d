/*
 * What CPUID says about the processors, for /proc/cpuinfo and /sys
 * (arch/x86_64/cpuinfo.c): the topology encoded in APIC ids, the feature
 * flags under Linux's names, address sizes and the caches.
 */
#ifndef ARCH_CPUINFO_H
#define ARCH_CPUINFO_H

#include <stdbool.h>
#include <stdint.h>
#include <lib/cpuset.h>

enum cpu_topo_level { TOPO_THREAD, TOPO_CORE, TOPO_PACKAGE };

/* An online CPU's package number (TOPO_PACKAGE) or the number of its core
 * in its package (TOPO_CORE), from its APIC id and CPUID leaf 0xB. */
unsigned cpu_topo_id(int cpu, enum cpu_topo_level level);
/* The online CPUs sharing cpu's core (TOPO_THREAD, TOPO_CORE) or package. */
void cpu_siblings(int cpu, enum cpu_topo_level level, struct cpuset *out);

/* Calls fn with each feature flag the CPU has, in Linux's order and
 * spelling ("fpu", "sse2", "lm", ...): those CPUID reports directly. */
void cpu_for_each_flag(void (*fn)(const char *name, void *arg), void *arg);

/* Physical and virtual address bits (CPUID 0x80000008). */
void cpu_address_sizes(unsigned *phys, unsigned *virt);

/* One cache as Linux's /sys/devices/system/cpu/cpuN/cache/indexM shows it. */
struct cpu_cache {
    unsigned level;                     /* 1, 2, 3 */
    const char *type;                   /* "Data", "Instruction", "Unified" */
    unsigned size_kb, ways, line, sets, partitions;
    unsigned sharing;                   /* logical processors sharing it */
};
/* Cache `index` of the CPU (from CPUID leaf 4, 0x8000001D, or AMD's
 * 0x80000005/6); false past the last one. */
bool cpu_cache(unsigned index, struct cpu_cache *out);

/* /proc/cpuinfo: every online CPU as Linux prints it on this architecture
 * (lscpu reads the flags, the address sizes and bogomips), handed to
 * out(arg, text) a piece at a time. */
void cpu_info_print(void (*out)(void *arg, const char *text), void *arg);

#endif
