/* Per-CPU GDT/TSS (arch/x86_64/gdt.c) and the IDT (arch/x86_64/idt.c). */
#ifndef ARCH_GDT_H
#define ARCH_GDT_H

#include <stdint.h>

void gdt_init_cpu(int cpu);
/* The limit of this CPU's CPUNODE segment (vDSO getcpu: node << 12 | cpu). */
void gdt_set_cpunode(int cpu, uint32_t value);
void idt_init(void);        /* builds the shared IDT (boot CPU) */
void idt_load(void);        /* loads it on this CPU */

#endif
