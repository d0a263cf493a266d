/*
 * The processor as generic code sees it: interrupts on and off (and the
 * state saved around a section), the spin-wait hint, the idle wait, the
 * cycle counter, and the start-up calls kmain makes.  The x86-64
 * implementation is inline here and in arch/x86_64/cpu.c; the raw
 * instructions are arch/x86.h's.
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdbool.h>
#include <stdint.h>

#define RFLAGS_IF (1UL << 9)

static inline void irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
/* The interrupt state, to be put back later with irq_restore: irq_flags()
 * only reads it, irq_save() also turns interrupts off. */
static inline uint64_t irq_flags(void) { uint64_t f; __asm__ volatile("pushfq; popq %0" : "=r"(f)); return f; }
static inline uint64_t irq_save(void) { uint64_t f = irq_flags(); irq_disable(); return f; }
static inline void irq_restore(uint64_t flags) { __asm__ volatile("pushq %0; popfq" : : "r"(flags) : "memory", "cc"); }
static inline bool irq_flags_enabled(uint64_t flags) { return flags & RFLAGS_IF; }
static inline bool irq_enabled(void) { return irq_flags_enabled(irq_flags()); }
/* Inside a spin-wait loop. */
static inline void cpu_relax(void) { __asm__ volatile("pause"); }
/* The idle wait: turns interrupts on and sleeps until one arrives, with no
 * window between the two (sti's one-instruction shadow covers hlt), so a
 * wake-up whose interrupt comes after the caller's last check is not lost. */
static inline void arch_idle(void) { __asm__ volatile("sti; hlt" ::: "memory"); }
/* The CPU's cycle counter (the TSC): cheap, monotonic on one CPU, for time
 * accounting and entropy; cycles_to_ns (kernel/time.h) converts. */
static inline uint64_t arch_cycles(void)
{
    uint64_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (hi << 32) | lo;
}

/* Per-CPU start-up, on the boot CPU from kmain and on each AP (arch/x86_64/cpu.c;
 * the FPU's is arch_fpu_init_cpu, arch/fpu.h). */
void percpu_init(int cpu);                  /* this CPU's per-CPU block is percpu_area[cpu] */
/* The boot CPU, in kmain's order: its descriptor tables, exception
 * vectors and FPU (once the console works); then, with memory up, the
 * interrupt controllers and the clock calibration (time_ns counts from
 * then on). */
void arch_init_boot_cpu(void);
void arch_init_interrupts(void);
void arch_syscall_init_cpu(void);           /* the system-call entry (arch/x86_64/syscall.c) */
/* Counts the CPUs the firmware lists, as nosmp and maxcpus= limit them,
 * and sizes the per-CPU data for them (percpu_setup); then starts every
 * one of them beside the boot CPU (arch/x86_64/smp.c). */
void smp_prepare_cpus(void);
void smp_boot_aps(void);

/* The reschedule IPI (arch/x86_64/cpu.c). */
void arch_send_resched_ipi(int cpu);

#endif
