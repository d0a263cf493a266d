/*
 * The registers a debugger sees on x86-64 (the interface is
 * include/arch/ptrace.h): Linux's struct user_regs_struct, filled from the
 * trap frame, with orig_rax as the system call's number and fs_base as the
 * TLS base.
 */
#include <arch/gdt.h>
#include <arch/memlayout.h>
#include <arch/ptrace.h>
#include <kernel/kernel.h>
#include <lib/string.h>

/* struct user_regs_struct (sys/user.h), the order GETREGS uses */
struct user_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi, orig_rax, rip, cs, eflags,
        rsp, ss, fs_base, gs_base, ds, es, fs, gs;
};
_Static_assert(sizeof(struct user_regs) == ARCH_USER_REGS_SIZE, "user_regs_struct is 216 bytes");

/* The flags a tracer may change: CF PF AF ZF SF TF DF OF NT AC */
#define USER_FLAGS_MASK 0x47d5UL

void arch_ptrace_get_regs(const struct trap_frame *tf, uint64_t syscall_nr, uint64_t tls, void *out)
{
    struct user_regs *r = out;
    memset(r, 0, sizeof *r);
    r->r15 = tf->r15; r->r14 = tf->r14; r->r13 = tf->r13; r->r12 = tf->r12;
    r->rbp = tf->rbp; r->rbx = tf->rbx; r->r11 = tf->r11; r->r10 = tf->r10;
    r->r9 = tf->r9; r->r8 = tf->r8; r->rax = tf->rax; r->rcx = tf->rcx;
    r->rdx = tf->rdx; r->rsi = tf->rsi; r->rdi = tf->rdi;
    r->orig_rax = tf_is_syscall(tf) ? syscall_nr : (uint64_t)-1;
    r->rip = tf->rip; r->cs = tf->cs; r->eflags = tf->rflags; r->rsp = tf->rsp; r->ss = tf->ss;
    r->fs_base = tls;
}

long arch_ptrace_set_regs(struct trap_frame *tf, uint64_t *syscall_nr, uint64_t *tls, const void *in)
{
    const struct user_regs *r = in;
    if (r->cs != GDT_UCODE || r->ss != GDT_UDATA || r->rip >= USER_TOP || r->fs_base >= USER_TOP)
        return -EIO;
    tf->r15 = r->r15; tf->r14 = r->r14; tf->r13 = r->r13; tf->r12 = r->r12;
    tf->rbp = r->rbp; tf->rbx = r->rbx; tf->r11 = r->r11; tf->r10 = r->r10;
    tf->r9 = r->r9; tf->r8 = r->r8; tf->rax = r->rax; tf->rcx = r->rcx;
    tf->rdx = r->rdx; tf->rsi = r->rsi; tf->rdi = r->rdi;
    if (tf_is_syscall(tf))
        *syscall_nr = r->orig_rax;
    tf->rip = r->rip;
    tf->rsp = r->rsp;
    tf->rflags = (tf->rflags & ~USER_FLAGS_MASK) | (r->eflags & USER_FLAGS_MASK);
    *tls = r->fs_base;
    return 0;
}
