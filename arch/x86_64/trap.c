/*
 * Trap dispatch: every interrupt and exception arrives here with a trap
 * frame.  Device interrupts and the timer go to their handlers; exceptions
 * raised in user mode become signals (with a log line naming the process,
 * address, instruction and reason); page faults first go to the VM system,
 * which may resolve them (demand paging, copy-on-write).  An exception in
 * kernel mode is a bug, unless it hit a user-access instruction, whose fixup
 * turns it into -EFAULT.  Anything else panics with registers and backtrace.
 */
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/entry.h>
#include <arch/percpu.h>
#include <arch/pgtable.h>
#include <arch/trapframe.h>
#include <arch/x86.h>
#include <kernel/cputime.h>
#include <kernel/hrtimer.h>
#include <kernel/kernel.h>
#include <lib/string.h>
#include <mm/vm.h>
#include <proc/proc.h>
#include <proc/signal.h>
#include <sched/sched.h>


static const char *const exc_names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range", "invalid opcode",
    "device not available", "double fault", "coprocessor overrun", "invalid TSS", "segment not present",
    "stack fault", "general protection", "page fault", "reserved", "x87 FP error", "alignment check",
    "machine check", "SIMD FP error", "virtualization", "control protection",
};

static void user_exception(struct trap_frame *tf)
{
    char why[80];
    switch (tf->vector) {
    case 0:
        signal_fault(tf, SIGFPE, FPE_INTDIV, tf->rip, "integer divide by zero");
        break;
    case 6:
        signal_fault(tf, SIGILL, ILL_ILLOPN, tf->rip, "invalid opcode");
        break;
    case 3:
        signal_fault(tf, SIGTRAP, SI_KERNEL, tf->rip, "breakpoint");
        break;
    case 1:
        tf->rflags &= ~(1UL << 8);      /* one step done (PTRACE_SINGLESTEP sets TF) */
        signal_fault(tf, SIGTRAP, 2 /* TRAP_TRACE */, tf->rip, "single step");
        break;
    case 16:
    case 19:
        signal_fault(tf, SIGFPE, 0, tf->rip, "floating-point exception");
        break;
    case 13:
    case 12:
    case 11:
        snprintf(why, sizeof why, "%s (error %#lx)", exc_names[tf->vector], tf->error);
        signal_fault(tf, SIGSEGV, SI_KERNEL, 0, why);
        break;
    case 17:
        signal_fault(tf, SIGBUS, BUS_ADRERR, tf->rip, "alignment check");
        break;
    default:
        snprintf(why, sizeof why, "exception %lu", tf->vector);
        signal_fault(tf, SIGILL, 0, tf->rip, why);
        break;
    }
}

/* The page-fault error code's bits. */
#define PF_PRESENT 0x1
#define PF_WRITE 0x2
#define PF_USER 0x4
#define PF_INSTR 0x10

static void page_fault(struct trap_frame *tf)
{
    uint64_t addr = read_cr2();
    bool user = tf_from_user(tf);
    bool in_uaccess = !user && tf->rip >= (uint64_t)uaccess_start && tf->rip < (uint64_t)uaccess_end;

    if ((user || in_uaccess) && addr < USER_TOP) {
        unsigned flags = (tf->error & PF_WRITE ? VM_FAULT_WRITE : 0) | (tf->error & PF_INSTR ? VM_FAULT_EXEC : 0) |
                         (tf->error & PF_USER ? VM_FAULT_USER : 0);
        irq_enable();
        const char *reason = NULL;
        int r = vm_fault_current(addr, flags, &reason);
        irq_disable();
        if (r == 0)
            return;
        if (r == -ENOMEM) {
            /* the task was killed: a user access ends, a copy fails */
            if (user)
                return;
            tf->rip = (uint64_t)uaccess_fixup;
            return;
        }
        if (user && r == -EIO) {
            signal_fault(tf, SIGBUS, BUS_ADRERR, addr, reason);
            return;
        }
        if (user) {
            signal_fault(tf, SIGSEGV, r == -EACCES ? SEGV_ACCERR : SEGV_MAPERR, addr, reason);
            return;
        }
    }
    if (in_uaccess) {
        tf->rip = (uint64_t)uaccess_fixup;  /* copy helper returns -EFAULT */
        return;
    }
    char what[96];
    const char *access = tf->error & PF_WRITE ? "write" : "read",
               *why = tf->error & PF_PRESENT ? "protection violation" : "not present",
               *kind = tf->error & PF_INSTR ? "instruction fetch" : "data";
    if (user) {
        /* signal_fault's log line gives the address itself */
        snprintf(what, sizeof what, "page fault (%s %s, %s)", access, why, kind);
        signal_fault(tf, SIGSEGV, SEGV_MAPERR, addr, what);
        return;
    }
    snprintf(what, sizeof what, "page fault at %#lx (%s %s, %s)", addr, access, why, kind);
    panic_trap(tf, what);
}

/* Back to user mode: pending work, then the end of the task's system time. */
static void return_to_user(struct trap_frame *tf)
{
    exit_to_user(tf, false);
    cputime_user_exit();
}

void trap_dispatch(struct trap_frame *tf)
{
    uint64_t v = tf->vector;
    bool user = tf_from_user(tf);
    /* an interrupt's handler is the CPU's irq time; an exception from user
     * mode starts the task's system time (kernel/cputime.c) */
    bool interrupt = v >= 32;
    unsigned acct_mode = 0;
    if (interrupt)
        acct_mode = cputime_irq_enter();
    else if (user)
        cputime_user_enter();

    if (v == VEC_TIMER) {
        lapic_eoi();
        this_cpu()->ticks++;
        hrtimer_interrupt();
    } else if (v >= VEC_IRQ_BASE && v < VEC_IRQ_BASE + 16) {
        this_cpu()->irq_lines[v - VEC_IRQ_BASE]++;
        irq_dispatch(v - VEC_IRQ_BASE);
    } else if (v == VEC_IPI_RESCHED) {
        lapic_eoi();
        this_cpu()->resched_ipis++;
        sched_ipi_resched();
    } else if (v == VEC_IPI_TLB) {
        lapic_eoi();
        arch_tlb_flush_ipi();
    } else if (v == VEC_IPI_STOP) {
        for (;;)
            cpu_halt();
    } else if (v == VEC_SPURIOUS) {
        /* no EOI for spurious interrupts */
    } else if (v >= 0xe0 && v < 0xf0) {
        /* a spurious interrupt from the masked 8259 PICs */
    } else if (v == 14) {
        page_fault(tf);
    } else if (v < 32) {
        if (!user) {
            char what[64];
            snprintf(what, sizeof what, "%s in kernel mode", v < 22 ? exc_names[v] : "exception");
            panic_trap(tf, what);
        }
        user_exception(tf);
    } else {
        kprintf(KERN_WARNING "trap: unexpected vector %lu\n", v);
    }

    if (interrupt)
        cputime_irq_exit(acct_mode);
    if (user)
        return_to_user(tf);
}

/* Used by task_first_return (entry.S). */
void exit_to_user_trap(struct trap_frame *tf)
{
    if (tf_from_user(tf))
        return_to_user(tf);
}

void arch_dump_frame(const struct trap_frame *tf)
{
    kprintf("RIP %04lx:%016lx RFLAGS %016lx vector %lu error %#lx\n", tf->cs, tf->rip, tf->rflags, tf->vector,
            tf->error);
    kprintf("RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n", tf->rax, tf->rbx, tf->rcx, tf->rdx);
    kprintf("RSI %016lx RDI %016lx RBP %016lx RSP %04lx:%016lx\n", tf->rsi, tf->rdi, tf->rbp, tf->ss, tf->rsp);
    kprintf("R8  %016lx R9  %016lx R10 %016lx R11 %016lx\n", tf->r8, tf->r9, tf->r10, tf->r11);
    kprintf("R12 %016lx R13 %016lx R14 %016lx R15 %016lx\n", tf->r12, tf->r13, tf->r14, tf->r15);
    uint64_t cr0, cr4;
    __asm__ volatile("mov %%cr0, %0; mov %%cr4, %1" : "=r"(cr0), "=r"(cr4));
    kprintf("CR0 %016lx CR2 %016lx CR3 %016lx CR4 %016lx\n", cr0, read_cr2(), read_cr3(), cr4);
}

/* The callee-saved registers still hold the caller's values here. */
void arch_frame_here(struct trap_frame *tf, uint64_t fp, uint64_t ip)
{
    memset(tf, 0, sizeof *tf);
    __asm__ volatile("movq %%rbx, %0; movq %%r12, %1; movq %%r13, %2; movq %%r14, %3; movq %%r15, %4"
                     : "=m"(tf->rbx), "=m"(tf->r12), "=m"(tf->r13), "=m"(tf->r14), "=m"(tf->r15));
    tf->rbp = fp;
    tf->rsp = fp;
    tf->rip = ip;
    uint16_t cs, ss;
    __asm__ volatile("movw %%cs, %0; movw %%ss, %1" : "=r"(cs), "=r"(ss));
    tf->cs = cs;
    tf->ss = ss;
    tf->rflags = read_rflags();
}
