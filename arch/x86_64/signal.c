/*
 * Signal frames on x86-64 (the interface is include/arch/signal_frame.h).
 *
 * The frame is Linux's rt_sigframe, built below the chosen stack:
 *
 *     FPU image (arch_fpu_sigframe_size(), 64-byte aligned)   <- higher
 *     siginfo
 *     ucontext: flags, link, uc_stack, sigcontext (every register and a
 *               pointer to the FPU image), the mask to restore
 *     return address = sa_restorer                            <- new rsp
 *
 * with rsp + 8 aligned to 16 on entry, as after a call.  The handler gets
 * (sig, &info, &uc) in rdi, rsi, rdx.  Below the interrupted stack the
 * 128-byte red zone of the System V ABI is left alone.
 */
#include <arch/fpu.h>
#include <arch/gdt.h>
#include <arch/signal_frame.h>
#include <kernel/kernel.h>
#include <lib/string.h>
#include <mm/uaccess.h>
#include <uapi/errno.h>

#define UC_FP_XSTATE 0x1
#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4
#define RED_ZONE 128

struct sigframe {
    uint64_t pretcode;
    /* struct ucontext */
    uint64_t uc_flags;
    uint64_t uc_link;
    uint64_t ss_sp;
    int32_t ss_flags;
    int32_t ss_pad;
    uint64_t ss_size;
    /* struct sigcontext (256 bytes) */
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate;
    uint64_t reserved1[8];
    uint64_t uc_sigmask;
    siginfo_t info;
};

_Static_assert(offsetof(struct sigframe, r8) == 8 + 40, "uc_mcontext at ucontext+40");
_Static_assert(offsetof(struct sigframe, fpstate) == 8 + 40 + 184, "fpstate pointer");
_Static_assert(offsetof(struct sigframe, uc_sigmask) == 8 + 296, "uc_sigmask at ucontext+296");
_Static_assert(offsetof(struct sigframe, info) == 312, "siginfo at frame+312");
_Static_assert(sizeof(struct sigframe) == 440, "rt_sigframe is 440 bytes");

size_t arch_signal_frame_max(void)
{
    /* on an alternate stack (no red zone): the FPU image aligned to 64,
     * then the frame aligned to 16, less 8 */
    return arch_fpu_sigframe_size() + 63 + sizeof(struct sigframe) + 15 + 8;
}

int arch_signal_frame_setup(struct trap_frame *tf, const struct signal_frame_req *r)
{
    uint64_t sp = r->stack_top ? r->stack_top : tf->rsp - RED_ZONE;
    sp -= arch_fpu_sigframe_size();
    sp &= ~63ULL;
    uint64_t fp = sp;
    arch_fpu_save(r->fpu);
    if (arch_fpu_to_sigframe(fp, r->fpu))
        return -EFAULT;
    sp -= sizeof(struct sigframe);
    sp = (sp & ~15ULL) - 8;
    struct sigframe f;
    memset(&f, 0, sizeof f);
    f.pretcode = r->restorer;
    f.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS | (arch_fpu_features() > 3 ? UC_FP_XSTATE : 0);
    f.ss_sp = r->ss_sp;
    f.ss_flags = r->ss_flags;
    f.ss_size = r->ss_size;
    f.r8 = tf->r8; f.r9 = tf->r9; f.r10 = tf->r10; f.r11 = tf->r11;
    f.r12 = tf->r12; f.r13 = tf->r13; f.r14 = tf->r14; f.r15 = tf->r15;
    f.rdi = tf->rdi; f.rsi = tf->rsi; f.rbp = tf->rbp; f.rbx = tf->rbx;
    f.rdx = tf->rdx; f.rax = tf->rax; f.rcx = tf->rcx; f.rsp = tf->rsp;
    f.rip = tf->rip; f.eflags = tf->rflags;
    f.cs = tf->cs; f.ss = tf->ss;
    f.trapno = tf->vector < 32 ? tf->vector : 0;
    f.err = tf->vector < 32 ? tf->error : 0;
    f.cr2 = r->info->u.fault.addr;
    f.oldmask = r->old_mask;
    f.fpstate = fp;
    f.uc_sigmask = r->old_mask;
    f.info = *r->info;
    if (copy_to_user((void __user *)sp, &f, sizeof f))
        return -EFAULT;
    tf->rsp = sp;
    tf->rip = r->handler;
    tf->rdi = r->sig;
    tf->rsi = sp + offsetof(struct sigframe, info);
    tf->rdx = sp + 8;
    tf->rax = 0;
    tf->rflags &= ~(1UL << 10);                     /* DF clear */
    tf->cs = GDT_UCODE;
    tf->ss = GDT_UDATA;
    /* the handler starts with a clean FPU state */
    arch_fpu_init_state(r->fpu);
    arch_fpu_restore(r->fpu);
    return 0;
}

int arch_signal_frame_restore(struct trap_frame *tf, void *fpu, struct signal_frame_saved *out)
{
    uint64_t sp = tf->rsp - 8;          /* the handler's ret popped pretcode */
    struct sigframe f;
    /* the frame must return to user space (a non-canonical RIP would fault
     * in the kernel's iretq) */
    if (copy_from_user(&f, (const void __user *)sp, sizeof f) || f.rip >= USER_TOP || f.rsp >= USER_TOP)
        return -EFAULT;
    if (f.fpstate) {
        if (arch_fpu_from_sigframe(fpu, f.fpstate))
            return -EFAULT;
    } else {
        arch_fpu_init_state(fpu);
    }
    arch_fpu_restore(fpu);
    tf->r8 = f.r8; tf->r9 = f.r9; tf->r10 = f.r10; tf->r11 = f.r11;
    tf->r12 = f.r12; tf->r13 = f.r13; tf->r14 = f.r14; tf->r15 = f.r15;
    tf->rdi = f.rdi; tf->rsi = f.rsi; tf->rbp = f.rbp; tf->rbx = f.rbx;
    tf->rdx = f.rdx; tf->rax = f.rax; tf->rcx = f.rcx; tf->rsp = f.rsp;
    tf->rip = f.rip;
    /* only user-changeable flags: CF PF AF ZF SF TF DF OF AC, IF forced on */
    const uint64_t user_flags = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 | 0x40000;
    tf->rflags = (f.eflags & user_flags) | 0x202;
    tf->cs = GDT_UCODE;
    tf->ss = GDT_UDATA;
    tf->vector = 0;                     /* not a restartable syscall frame */
    out->mask = f.uc_sigmask;
    out->ss_sp = f.ss_sp;
    out->ss_size = f.ss_size;
    out->ss_flags = f.ss_flags;
    return 0;
}

void arch_syscall_restart(struct trap_frame *tf, uint64_t nr)
{
    tf->rip -= 2;                       /* re-execute `syscall` */
    tf->rax = nr;
}
