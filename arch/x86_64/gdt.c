/*
 * Segmentation, the little long mode still needs: a GDT per CPU with kernel
 * and user code/data descriptors in the order SYSCALL/SYSRET require
 * (kernel CS, kernel SS; then user SS, user CS at STAR[63:48] + 8 / + 16),
 * and a TSS per CPU whose RSP0 is the stack the CPU switches to when an
 * interrupt arrives in ring 3.  IST1 gives double faults a known-good stack.
 * Entry 15 is Linux's CPUNODE segment: its limit is the CPU's number and
 * NUMA node, which the vDSO's getcpu reads with LSL (include/kernel/vdso.h).
 */
#include <arch/cpu.h>
#include <arch/gdt.h>
#include <arch/percpu.h>
#include <arch/thread.h>
#include <arch/trapframe.h>
#include <kernel/kernel.h>
#include <kernel/vdso.h>
#include <lib/string.h>
#include <mm/kheap.h>

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __packed;

struct cpu_tables {
    uint64_t gdt[VDSO_CPUNODE_GDT + 1];
    struct tss tss;
    uint8_t df_stack[4096] __aligned(16);
};

/* The boot CPU's are static: it loads them before there is a heap.  The
 * other CPUs' are allocated at boot for those that may start
 * (gdt_setup): CPU c's at ap_tables[c - 1]. */
static struct cpu_tables boot_tables __aligned(64);
static struct cpu_tables *ap_tables;

static struct cpu_tables *tables_of(int cpu) { return cpu ? &ap_tables[cpu - 1] : &boot_tables; }

void gdt_setup(void)
{
    if (nr_cpu_ids > 1 && !(ap_tables = kzalloc(sizeof *ap_tables * (size_t)(nr_cpu_ids - 1))))
        panic("no memory for the descriptor tables of %d CPUs", nr_cpu_ids);
}

void gdt_init_cpu(int cpu)
{
    struct cpu_tables *t = tables_of(cpu);
    memset(t, 0, sizeof *t);
    t->gdt[0] = 0;
    t->gdt[1] = 0x00af9a000000ffffULL;   /* 0x08 kernel code, L=1 */
    t->gdt[2] = 0x00cf92000000ffffULL;   /* 0x10 kernel data */
    t->gdt[3] = 0x00cff2000000ffffULL;   /* 0x18 user data, DPL 3 */
    t->gdt[4] = 0x00affa000000ffffULL;   /* 0x20 user code, DPL 3, L=1 */
    uint64_t base = (uint64_t)&t->tss;
    uint64_t limit = sizeof(struct tss) - 1;
    t->gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) | (((limit >> 16) & 0xf) << 48) |
                (((base >> 24) & 0xff) << 56);
    t->gdt[6] = base >> 32;
    t->tss.iomap_base = sizeof(struct tss);
    t->tss.ist[0] = (uint64_t)(t->df_stack + sizeof t->df_stack);

    struct {
        uint16_t limit;
        uint64_t base;
    } __packed gdtr = { sizeof t->gdt - 1, (uint64_t)t->gdt };
    /* FS/GS are left alone: reloading a selector would clear the GS base */
    __asm__ volatile("lgdt %0\n"
                     "pushq $0x08\n"
                     "leaq 1f(%%rip), %%rax\n"
                     "pushq %%rax\n"
                     "lretq\n"
                     "1: movw $0x10, %%ax\n"
                     "movw %%ax, %%ds\n"
                     "movw %%ax, %%es\n"
                     "movw %%ax, %%ss\n"
                     : : "m"(gdtr) : "rax", "memory");
    __asm__ volatile("ltr %w0" : : "r"(GDT_TSS));
    percpu_area[cpu].tss = &t->tss;
}

void gdt_set_cpunode(int cpu, uint32_t value)
{
    /* a read-only data segment, DPL 3, byte-granular 20-bit limit = value */
    tables_of(cpu)->gdt[VDSO_CPUNODE_GDT] = (value & 0xffff) | (0xf1ULL << 40) | ((uint64_t)(value >> 16 & 0xf) << 48) |
                                            (1ULL << 54);
}

/* arch/thread.h: the TSS gives interrupts from user mode their stack, the
 * per-CPU block gives it to the syscall entry */
void arch_set_kernel_stack(uint64_t top)
{
    struct tss *tss = this_cpu()->tss;
    tss->rsp[0] = top;
    this_cpu()->kernel_rsp = top;
}
