/*
 * Every way into and out of the kernel:
 *  - 256 interrupt/exception stubs that push a uniform trap frame
 *    (struct trap_frame, include/arch/trapframe.h) and call trap_dispatch;
 *  - the `syscall` entry, which builds the same frame on the task's kernel
 *    stack and calls syscall_dispatch;
 *  - the return paths: iretq for traps, sysretq for system calls whose
 *    frame still allows it (checked after the call);
 *  - arch_switch_to, the context switch between two kernel stacks.
 * swapgs runs exactly when the frame's CS says we came from (or go to) ring 3.
 */
#include <arch/gdt.h>
#include <arch/percpu.h>
#include <arch/trapframe.h>
#include <kernel/syscall.h>

/* Where the CPU's part of the frame (rip, cs, rflags, rsp, ss) lies from the
 * stack pointer: with it pointing at the vector, and at rip. */
#define FROM_VECTOR(off) ((off) - TF_OFF_VECTOR)
#define FROM_RIP(off) ((off) - TF_OFF_RIP)

    .text

.macro PUSH_REGS
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm

.macro POP_REGS
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
.endm

/* Vectors with a CPU-pushed error code: 8, 10-14, 17, 21, 29, 30. */
.macro VECTOR n
    .balign 16
vector_\n:
    .if (\n == 8) || ((\n >= 10) && (\n <= 14)) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
    .else
    pushq $0
    .endif
    pushq $\n
    jmp trap_common
.endm

    .balign 16
    .global vector_table_start
vector_table_start:
    .altmacro
    .set i, 0
    .rept 256
    VECTOR %i
    .set i, i + 1
    .endr

trap_common:
    testb $3, FROM_VECTOR(TF_OFF_CS)(%rsp)      /* CS of the interrupted context */
    jz 1f
    swapgs
1:  cld
    PUSH_REGS
    xorl %ebp, %ebp             /* backtraces stop at the trap */
    movq %rsp, %rdi
    call trap_dispatch
    .global trap_return
trap_return:
    cli
    POP_REGS
    addq $FROM_VECTOR(TF_OFF_RIP), %rsp         /* vector, error */
    testb $3, FROM_RIP(TF_OFF_CS)(%rsp)
    jz 2f
    swapgs
2:  iretq

/* `syscall`: RCX = user RIP, R11 = user RFLAGS, RSP still the user's. */
    .global syscall_entry
syscall_entry:
    swapgs
    /* An unknown call that has been reported once is answered ENOSYS
     * here, interrupts still off, without saving registers or entering C,
     * unless the task is traced (syscall_fast_enosys_update).  RCX must be
     * a canonical user address for sysret. */
    cmpq $NR_SYSCALLS, %rax
    jae 1f
    btq %rax, syscall_ni_reported(%rip)
    jnc 3f
1:  cmpb $0, %gs:PERCPU_FAST_ENOSYS
    je 3f
    movq %rax, %gs:PERCPU_USER_RSP      /* scratch: the number */
    movabsq $0x7ffffffff000, %rax
    cmpq %rax, %rcx
    movq %gs:PERCPU_USER_RSP, %rax
    jae 3f
    movq $-38, %rax                     /* -ENOSYS */
    swapgs
    sysretq
3:  movq %rsp, %gs:PERCPU_USER_RSP
    movq %gs:PERCPU_KERNEL_RSP, %rsp
    pushq $GDT_UDATA
    pushq %gs:PERCPU_USER_RSP
    pushq %r11
    pushq $GDT_UCODE
    pushq %rcx
    pushq $0
    pushq $TRAP_SYSCALL
    PUSH_REGS                   /* (no cld: SYSCALL's FMASK already cleared DF) */
    xorl %ebp, %ebp
    movq %rsp, %rdi
    call syscall_dispatch
    /* sysret restores rip from rcx and rflags from r11, and faults in the
     * kernel (with the user's stack) on a non-canonical rip.  So it is used
     * only while the frame still says what the CPU would do: rcx and r11
     * hold the return point and flags, and the return address is below the
     * top of the user half.  A frame that execve, a signal or a tracer
     * changed leaves through iretq (trap_return). */
    movq TF_OFF_RIP(%rsp), %rcx
    cmpq TF_OFF_RCX(%rsp), %rcx
    jne trap_return
    movq TF_OFF_RFLAGS(%rsp), %r11
    cmpq TF_OFF_R11(%rsp), %r11
    jne trap_return
    movabsq $0x7ffffffff000, %rax
    cmpq %rax, %rcx
    jae trap_return
    cli
    POP_REGS
    addq $FROM_VECTOR(TF_OFF_RIP), %rsp
    swapgs
    movq FROM_RIP(TF_OFF_RSP)(%rsp), %rsp       /* the user RSP */
    sysretq

/* void arch_switch_to(uint64_t *prev_sp, uint64_t next_sp)
 * Saves the callee-saved registers on the current stack and the stack
 * pointer in *prev_sp, then resumes the stack next_sp where it left off. */
    .global arch_switch_to
arch_switch_to:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret

/* First return of a new task: arch_switch_to "returns" here (see arch_kstack_init);
 * r12 holds a kernel function to call (0 for none) with r13 as argument,
 * then it leaves through trap_return with the frame above. */
    .global task_first_return
task_first_return:
    call schedule_tail
    testq %r12, %r12
    jz 3f
    movq %r13, %rdi
    call *%r12
3:  movq %rsp, %rdi
    call exit_to_user_trap
    jmp trap_return

    .section .note.GNU-stack, "", @progbits
