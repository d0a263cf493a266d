/* Thin wrappers over x86-64 instructions: port I/O, MSRs, control registers. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdbool.h>
#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
static inline uint64_t rdtsc(void)
{
    uint64_t lo, hi;    /* rdtsc clears the upper halves: no zero-extension needed */
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (hi << 32) | lo;
}
/* The CPU's cycle counter (the TSC): cheap, monotonic on one CPU, for time
 * accounting and entropy; cycles_to_ns (kernel/time.h) converts. */
static inline uint64_t arch_cycles(void) { return rdtsc(); }
static inline uint64_t read_cr2(void) { uint64_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline void write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline void invlpg(uint64_t va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }
static inline void cpu_relax(void) { __asm__ volatile("pause"); }
static inline void irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void cpu_halt(void) { __asm__ volatile("hlt" ::: "memory"); }
static inline uint64_t read_rflags(void) { uint64_t f; __asm__ volatile("pushfq; popq %0" : "=r"(f)); return f; }
static inline void write_rflags(uint64_t f) { __asm__ volatile("pushq %0; popfq" : : "r"(f) : "memory", "cc"); }
static inline int irq_enabled(void) { return (read_rflags() >> 9) & 1; }
/* The interrupt state, to be put back later with irq_restore: irq_flags()
 * only reads it, irq_save() also turns interrupts off. */
static inline uint64_t irq_flags(void) { return read_rflags(); }
static inline uint64_t irq_save(void) { uint64_t f = read_rflags(); irq_disable(); return f; }
static inline void irq_restore(uint64_t flags) { write_rflags(flags); }
static inline bool irq_flags_enabled(uint64_t flags) { return (flags >> 9) & 1; }
/* The idle wait: turns interrupts on and sleeps until one arrives, with no
 * window between the two (sti's one-instruction shadow covers hlt), so a
 * wake-up whose interrupt comes after the caller's last check is not lost. */
static inline void arch_idle(void) { __asm__ volatile("sti; hlt" ::: "memory"); }
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

/* The CMOS RTC's registers: select one, then read it. */
static inline uint8_t cmos_read(uint8_t reg) { outb(0x70, reg); return inb(0x71); }

/* Per-CPU start-up, on the boot CPU from kmain and on each AP (arch/x86_64/cpu.c;
 * the FPU's is arch_fpu_init_cpu, arch/fpu.h). */
void percpu_init(int cpu);                  /* GS base -> percpu_area[cpu] */
/* The boot CPU, in kmain's order: its descriptor tables, exception
 * vectors and FPU (once the console works); then, with memory up, the
 * interrupt controllers and the clock calibration (time_ns counts from
 * then on). */
void arch_init_boot_cpu(void);
void arch_init_interrupts(void);
void arch_syscall_init_cpu(void);           /* the `syscall` MSRs (arch/x86_64/syscall.c) */
/* Starts every other CPU the firmware lists (arch/x86_64/smp.c). */
void smp_boot_aps(void);

/* The reschedule IPI (arch/x86_64/cpu.c). */
void arch_send_resched_ipi(int cpu);

#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_FMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_APIC_BASE 0x1b

#endif
