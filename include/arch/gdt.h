/*
 * Per-CPU GDT/TSS (arch/x86_64/gdt.c) and the IDT (arch/x86_64/idt.c).
 * The segment selectors are used by the assembly too (__ASSEMBLY__).
 */
#ifndef ARCH_GDT_H
#define ARCH_GDT_H

#define GDT_KCODE 0x08
#define GDT_KDATA 0x10
#define GDT_UDATA 0x1b   /* 0x18 | RPL 3 */
#define GDT_UCODE 0x23   /* 0x20 | RPL 3 */
#define GDT_TSS   0x28

#ifndef __ASSEMBLY__
#include <stdint.h>

/* The other CPUs' GDTs, TSSs and double-fault stacks, allocated once
 * nr_cpu_ids is known (smp_prepare_cpus). */
void gdt_setup(void);
void gdt_init_cpu(int cpu);
/* The limit of this CPU's CPUNODE segment (vDSO getcpu: node << 12 | cpu). */
void gdt_set_cpunode(int cpu, uint32_t value);
void idt_init(void);        /* builds the shared IDT (boot CPU) */
void idt_load(void);        /* loads it on this CPU */
#endif

#endif
