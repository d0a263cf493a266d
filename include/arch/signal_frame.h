/*
 * The architecture's half of signal delivery: the frame a handler is
 * entered with and the registers sigreturn takes back from it.
 *
 * Generic code (kernel/proc/signal.c) decides which signal to deliver,
 * which stack it runs on and which mask it runs under; the architecture
 * lays out the frame on that stack (on x86-64, Linux's rt_sigframe:
 * return address, ucontext with every general register, the FPU image
 * and siginfo), points the registers at the handler, and on sigreturn
 * validates and restores what the frame holds.
 */
#ifndef ARCH_SIGNAL_FRAME_H
#define ARCH_SIGNAL_FRAME_H

#include <arch/trapframe.h>
#include <stdbool.h>
#include <uapi/signal.h>

struct signal_frame_req {
    int sig;
    uint64_t handler, restorer;
    const siginfo_t *info;
    sigset_t old_mask;          /* restored by sigreturn */
    uint64_t stack_top;         /* 0: below the interrupted stack pointer */
    uint64_t ss_sp, ss_size;    /* the alternate stack, for uc_stack */
    int ss_flags;               /* as sigaltstack last set them */
    void *fpu;                  /* the task's FPU area (arch/fpu.h), saved */
};

/* Builds the frame and enters the handler on return to user space.
 * Returns 0, or -EFAULT when the frame cannot be written. */
int arch_signal_frame_setup(struct trap_frame *tf, const struct signal_frame_req *r);
/* What sigreturn gives back to generic code besides the registers. */
struct signal_frame_saved {
    sigset_t mask;
    uint64_t ss_sp, ss_size;    /* uc_stack: the alternate stack to keep */
    int ss_flags;
};
/* sigreturn: restores registers and FPU state from the frame the handler
 * returned through, and gives the rest of what it holds.  Returns 0, or
 * -EFAULT for a frame that cannot be read or would not return to user
 * space (the caller kills the process, as Linux does). */
int arch_signal_frame_restore(struct trap_frame *tf, void *fpu, struct signal_frame_saved *out);
/* The most stack a frame takes (AT_MINSIGSTKSZ). */
size_t arch_signal_frame_max(void);
/* Makes the interrupted system call run again after the handler (or at
 * once): `nr` is its number. */
void arch_syscall_restart(struct trap_frame *tf, uint64_t nr);

#endif
