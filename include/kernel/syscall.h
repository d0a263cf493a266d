/*
 * The Linux x86-64 system-call table.  Each family file registers its calls
 * with SYSCALL_DEFINE(number, name): one row per call (number, name,
 * handler), collected by the linker into a section that syscall_init() turns
 * into a table indexed by number.  Handlers are named exactly as Linux spells
 * them (sys_openat) and take up to six long-sized arguments; they return a
 * value or -errno.  A handler is static to its family file: the table is the
 * only way in.  An unregistered number returns -ENOSYS, logged once by name.
 *
 * The entry code includes this header for the table's size (__ASSEMBLY__).
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#define NR_SYSCALLS 1024   /* Linux numbers, plus Tessera's own at 1000+ (uapi/tessera.h) */

#ifndef __ASSEMBLY__
#include <kernel/kernel.h>
#include <kernel/sysctl.h>

typedef long (*syscall_fn)(long, long, long, long, long, long);

struct syscall_entry {
    int nr;
    const char *name;
    syscall_fn fn;
};

#define SYSCALL_DEFINE(number, name)                                                          \
    static const struct syscall_entry __syscall_entry_##name                                  \
        __attribute__((used, section(".syscalls"), aligned(8))) = {                          \
            (number), #name, (syscall_fn)(void (*)(void))sys_##name}

/* The rows, between these bounds of the .syscalls section (link.ld). */
extern const struct syscall_entry __syscalls_start[], __syscalls_end[];

/* Every Linux x86-64 call's name by number, registered or not, for the
 * ENOSYS log (kernel/syscall/names.c). */
extern const char *const linux_syscall_names[];
extern const size_t linux_syscall_names_count;

struct trap_frame;

void syscall_init(void);
/* A system call from user space, registers saved in tf (arch/trapframe.h
 * reads its number and arguments): called by the architecture's entry
 * with interrupts off, returns with them off, the result stored in tf and
 * the work owed before the return to user space done. */
void syscall_dispatch(struct trap_frame *tf);
const char *syscall_name(int nr);   /* from the kernel's name list, or NULL */
extern bool syscall_trace;          /* strace-like log of every call (cmdline "strace") */
/* The entry code's ENOSYS fast path (arch/x86_64/entry.S): the unknown
 * numbers already logged, and whether the task about to run on this CPU
 * may take it (not traced by ptrace or the strace option; called at every
 * context switch). */
extern uint64_t syscall_ni_reported[];
struct task;
void syscall_fast_enosys_update(const struct task *next, bool idle);
/* /proc/sys/kernel/{hostname,ostype,osrelease,version} (kernel/syscall/sys_proc.c;
 * include/kernel/sysctl.h). */
extern const struct sysctl_entry uts_sysctls[];

#endif /* __ASSEMBLY__ */

#endif
