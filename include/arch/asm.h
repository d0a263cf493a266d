/* Constants shared by assembly and C (kept in sync by _Static_asserts in C). */
#ifndef ARCH_ASM_H
#define ARCH_ASM_H

#define PERCPU_KERNEL_RSP 8
#define PERCPU_USER_RSP 16
#define PERCPU_FAST_ENOSYS 40   /* struct percpu.fast_enosys */
#define NR_SYSCALLS_ASM 1024    /* NR_SYSCALLS, kernel/syscall/syscall.c */
#define GDT_KCODE 0x08
#define GDT_KDATA 0x10
#define GDT_UDATA 0x1b
#define GDT_UCODE 0x23
#define TRAP_SYSCALL 0x100

#endif
