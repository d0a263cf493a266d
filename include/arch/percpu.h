/*
 * Per-CPU data, reached through the GS base.  In the kernel GS points at this
 * CPU's struct percpu; `swapgs` on every entry from user space exchanges it
 * with the user's GS base.  The first fields are used by assembly
 * (syscall entry), so their offsets are fixed and asserted.
 */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

/* Offsets of the fields the assembly and the accessors below use. */
#define PERCPU_SELF 0
#define PERCPU_KERNEL_RSP 8
#define PERCPU_USER_RSP 16
#define PERCPU_CURRENT 24
#define PERCPU_CPU_ID 32
#define PERCPU_FAST_ENOSYS 40

/* The most CPUs the kernel can start is NR_CPUS (include/lib/cpuset.h), the
 * compile-time bound of CPU sets (task affinity, isolcpus=, TLB shootdown
 * targets); every per-CPU structure is allocated at boot for the
 * nr_cpu_ids CPUs the firmware lists (smp_prepare_cpus). */

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <kernel/cputime_types.h>
#include <lib/cpuset.h>

struct task;
struct mm;

struct percpu {
    struct percpu *self;        /* PERCPU_SELF: for taking the address */
    uint64_t kernel_rsp;        /* PERCPU_KERNEL_RSP: top of the current task's kernel stack */
    uint64_t user_rsp;          /* PERCPU_USER_RSP: scratch for the syscall entry */
    struct task *cur_task;      /* PERCPU_CURRENT */
    int cpu_id;                 /* PERCPU_CPU_ID */
    int apic_id;
    /* PERCPU_FAST_ENOSYS: the running task may have an unknown system call
     * answered ENOSYS by the entry code alone (syscall_fast_enosys_update) */
    uint8_t fast_enosys;
    struct task *idle;
    uint64_t irq_nesting;
    uint64_t ticks;                 /* local timer interrupts (/proc/interrupts LOC) */
    uint64_t resched_ipis;      /* reschedule IPIs received (/proc/interrupts RES) */
    uint64_t irq_lines[16];     /* device interrupts taken, by ISA IRQ line (/proc/stat intr) */
    struct cpu_acct acct;       /* CPU time accounting (kernel/cputime.c) */
    bool tick_stopped;          /* nohz_full: the LAPIC timer is off */
    uint64_t next_pull_ns;      /* idle balancing backs off until then */
    void *rq;                   /* struct runqueue of this CPU */
    void *tss;
    bool online;
    struct mm *loaded_mm;       /* the address space in CR3 here (kernel/mm/vm.c) */
    uint64_t tlb_flushes;       /* TLB shootdown requests served (arch/x86_64/mm.c) */
};

/* percpu_area[0 .. nr_cpu_ids-1]: the boot CPU's block is static until
 * smp_prepare_cpus moves it into an array allocated for every CPU that may
 * start. */
extern struct percpu *percpu_area;
extern int nr_cpu_ids;          /* per-CPU slots allocated: the CPUs that may start */
extern int ncpus;               /* CPUs started: ids 0 .. ncpus-1 */
extern int cpus_present;        /* CPUs the firmware lists (MADT), started or not */
/* The CPUs online: a CPU's bit is set (atomically) when it comes online,
 * with its percpu `online` (cpu_mark_online), never cleared; read freely. */
extern struct cpuset cpus_online;

static inline void cpu_mark_online(struct percpu *p)
{
    cpuset_set_atomic(&cpus_online, p->cpu_id);
    __atomic_store_n(&p->online, true, __ATOMIC_RELEASE);
}

/* (arch/x86_64/cpu.c) Sizes the per-CPU blocks for n CPUs (nr_cpu_ids) once the heap works;
 * then per-CPU tables are percpu_array_alloc(sizeof entry): zeroed, one
 * entry per CPU that may start, a panic if memory lacks at boot. */
void percpu_setup(int n);
void *percpu_array_alloc(size_t size);

#define PERCPU_STR_(x) #x
#define PERCPU_STR(x) PERCPU_STR_(x)

static inline struct percpu *this_cpu(void)
{
    struct percpu *p;
    __asm__ volatile("movq %%gs:" PERCPU_STR(PERCPU_SELF) ", %0" : "=r"(p));
    return p;
}
/* The task running on this CPU: one instruction, inlined on every use.  Not
 * volatile: the code reading it is that task's, whichever CPU it runs on,
 * so the compiler may reuse the value. */
static inline struct task *this_cpu_task(void)
{
    struct task *t;
    __asm__("movq %%gs:" PERCPU_STR(PERCPU_CURRENT) ", %0" : "=r"(t));
    return t;
}
static inline int this_cpu_id(void)
{
    int id;
    __asm__ volatile("movl %%gs:" PERCPU_STR(PERCPU_CPU_ID) ", %0" : "=r"(id));
    return id;
}

#endif /* __ASSEMBLY__ */

#endif
