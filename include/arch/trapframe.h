/*
 * The register frame saved on the kernel stack on every entry from user
 * space or an interrupt/exception: by the IDT stubs and by the syscall
 * entry (arch/x86_64/entry.S), which builds the same layout so fork,
 * signals and exec treat both entries alike.
 *
 * The assembly includes this header too (__ASSEMBLY__): it sees only the
 * constants, whose agreement with the structure arch/x86_64/cpu.c asserts.
 */
#ifndef ARCH_TRAPFRAME_H
#define ARCH_TRAPFRAME_H

#define TRAP_SYSCALL 0x100      /* the vector of a frame built by the syscall entry */

/* Offsets into the frame, for the assembly. */
#define TF_OFF_R11 32
#define TF_OFF_RCX 96
#define TF_OFF_VECTOR 120
#define TF_OFF_RIP 136
#define TF_OFF_CS 144
#define TF_OFF_RFLAGS 152
#define TF_OFF_RSP 160
#define TF_SIZE 176

#ifndef __ASSEMBLY__
#include <stdint.h>

struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector;    /* interrupt vector, or TRAP_SYSCALL */
    uint64_t error;     /* CPU error code, or 0 */
    /* pushed by the CPU (or the syscall entry, mimicking it) */
    uint64_t rip, cs, rflags, rsp, ss;
};

static inline int tf_from_user(const struct trap_frame *tf) { return (tf->cs & 3) == 3; }
/* The user stack pointer, and the instruction and frame pointers of the
 * interrupted code (user or kernel). */
static inline uint64_t tf_user_sp(const struct trap_frame *tf) { return tf->rsp; }
static inline void tf_set_user_sp(struct trap_frame *tf, uint64_t sp) { tf->rsp = sp; }
static inline uint64_t tf_ip(const struct trap_frame *tf) { return tf->rip; }
static inline uint64_t tf_frame_pointer(const struct trap_frame *tf) { return tf->rbp; }

/* For a panic report (arch/x86_64/trap.c): prints every register of the
 * frame and the control registers; fills a frame with the registers of
 * the running code, as seen by a function whose frame pointer is fp and
 * whose return address is ip. */
void arch_dump_frame(const struct trap_frame *tf);
void arch_frame_here(struct trap_frame *tf, uint64_t fp, uint64_t ip);

/*
 * The system-call convention, as generic code sees it: a number, six
 * arguments and a return value.  On x86-64 (Linux's convention) the number
 * arrives in rax, the arguments in rdi, rsi, rdx, r10, r8, r9, and the
 * result leaves in rax.  A frame built by the system-call entry is marked
 * so (tf_is_syscall); execve marks the frame it builds the same way, and
 * rt_sigreturn clears the mark, so a frame it restored keeps its rax.
 */
#define SYSCALL_NARGS 6
static inline uint64_t syscall_nr(const struct trap_frame *tf) { return tf->rax; }
static inline uint64_t syscall_arg(const struct trap_frame *tf, unsigned i)
{
    switch (i) {
    case 0: return tf->rdi;
    case 1: return tf->rsi;
    case 2: return tf->rdx;
    case 3: return tf->r10;
    case 4: return tf->r8;
    default: return tf->r9;
    }
}
static inline uint64_t syscall_get_return(const struct trap_frame *tf) { return tf->rax; }
static inline void syscall_set_return(struct trap_frame *tf, uint64_t v) { tf->rax = v; }
static inline int tf_is_syscall(const struct trap_frame *tf) { return tf->vector == TRAP_SYSCALL; }

#endif /* __ASSEMBLY__ */

#endif
