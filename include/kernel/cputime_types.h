/* The per-CPU state of CPU time accounting (kernel/cputime.c), kept in
 * struct percpu (arch/percpu.h); the functions are in kernel/cputime.h. */
#ifndef KERNEL_CPUTIME_TYPES_H
#define KERNEL_CPUTIME_TYPES_H

#include <stdint.h>

/* What a CPU's time went to: the busy and idle columns of /proc/stat. */
enum cputime_kind {
    CPUTIME_USER,       /* user mode, nice <= 0 */
    CPUTIME_NICE,       /* user mode, nice > 0 */
    CPUTIME_SYSTEM,     /* kernel mode on behalf of a task */
    CPUTIME_IDLE,       /* the idle task */
    CPUTIME_IRQ,        /* interrupt handlers */
    NR_CPUTIME
};

/* What a CPU is doing since its last slow event (interrupt, switch):
 * running its current task (in user or kernel mode: see user_acc), idling
 * or handling an interrupt; ACCT_BUSY while it changes its figures
 * (readers on other CPUs wait). */
enum cpu_mode { ACCT_TASK, ACCT_IDLE, ACCT_IRQ, ACCT_BUSY };

struct cpu_acct {
    uint8_t mode;               /* enum cpu_mode */
    uint8_t user_col;           /* where the current task's user time goes: CPUTIME_USER or _NICE */
    uint64_t stamp;             /* TSC at the last slow event: a new value at every one */
    /* The current task's user time since then, kept by the system call path
     * alone: each entry to the kernel adds the TSC, each return to user mode
     * subtracts it.  So it is the user time of the finished stretches while
     * the task is in the kernel, and that minus the TSC of its last return
     * (a negative number) while it is in user mode. */
    int64_t user_acc;
    uint64_t cyc[NR_CPUTIME];   /* TSC cycles by kind, up to the last slow event */
    uint64_t irqs;              /* interrupts taken (every vector) */
};

#endif
