/*
 * Per-CPU processor set-up: the GS-based per-CPU block, the reschedule
 * IPI, and the way out of the machine (the FPU's is arch/x86_64/fpu.c).
 */
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/entry.h>
#include <arch/fpu.h>
#include <arch/gdt.h>
#include <arch/percpu.h>
#include <arch/trapframe.h>
#include <arch/x86.h>
#include <kernel/kernel.h>
#include <mm/kheap.h>
#include <stddef.h>

static struct percpu boot_percpu;
struct percpu *percpu_area = &boot_percpu;
int nr_cpu_ids = 1;
int ncpus = 1;
int cpus_present = 1;
struct cpuset cpus_online;

/* The offsets the assembly (entry.S) and the per-CPU accessors use. */
_Static_assert(offsetof(struct percpu, self) == PERCPU_SELF, "asm offset");
_Static_assert(offsetof(struct percpu, kernel_rsp) == PERCPU_KERNEL_RSP, "asm offset");
_Static_assert(offsetof(struct percpu, user_rsp) == PERCPU_USER_RSP, "asm offset");
_Static_assert(offsetof(struct percpu, cur_task) == PERCPU_CURRENT, "asm offset");
_Static_assert(offsetof(struct percpu, cpu_id) == PERCPU_CPU_ID, "asm offset");
_Static_assert(offsetof(struct percpu, fast_enosys) == PERCPU_FAST_ENOSYS, "asm offset");
_Static_assert(offsetof(struct trap_frame, vector) == TF_OFF_VECTOR, "asm offset");
_Static_assert(offsetof(struct trap_frame, rip) == TF_OFF_RIP, "asm offset");
_Static_assert(offsetof(struct trap_frame, r11) == TF_OFF_R11, "asm offset");
_Static_assert(offsetof(struct trap_frame, rcx) == TF_OFF_RCX, "asm offset");
_Static_assert(offsetof(struct trap_frame, rflags) == TF_OFF_RFLAGS, "asm offset");
_Static_assert(offsetof(struct trap_frame, cs) == TF_OFF_CS, "asm offset");
_Static_assert(offsetof(struct trap_frame, rsp) == TF_OFF_RSP, "asm offset");
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "trap frame layout");

void percpu_init(int cpu)
{
    struct percpu *p = &percpu_area[cpu];
    p->self = p;
    p->cpu_id = cpu;
    wrmsr(MSR_GS_BASE, (uint64_t)p);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
}

/* The boot CPU's block moves into the array allocated for all CPUs: only
 * the boot CPU runs, interrupts off, and nothing has kept its address. */
static void percpu_move_boot(struct percpu *all)
{
    all[0] = boot_percpu;
    all[0].self = &all[0];
    percpu_area = all;
    wrmsr(MSR_GS_BASE, (uint64_t)&all[0]);
}

void *percpu_array_alloc(size_t size)
{
    void *p = kzalloc(size * (size_t)nr_cpu_ids);
    if (!p)
        panic("no memory for per-CPU data of %d CPUs", nr_cpu_ids);
    return p;
}

void percpu_setup(int n)
{
    nr_cpu_ids = n;
    percpu_move_boot(percpu_array_alloc(sizeof(struct percpu)));
}

void arch_init_boot_cpu(void)
{
    gdt_init_cpu(0);
    idt_init();
    arch_fpu_init_cpu();
}

void arch_init_interrupts(void)
{
    apic_init();
    percpu_area[0].apic_id = lapic_id();
}

void arch_send_resched_ipi(int cpu)
{
    if (cpu != this_cpu_id() && percpu_area[cpu].online)
        lapic_send_ipi(percpu_area[cpu].apic_id, VEC_IPI_RESCHED);
}

/* QEMU's isa-debug-exit device at port 0xf4 ends the emulator with status
 * (code << 1) | 1. */
void machine_exit(int code)
{
    irq_disable();
    outl(0xf4, (uint32_t)code);
    for (;;)
        cpu_halt();
}
