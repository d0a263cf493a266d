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

/* What a CPU is doing since its last accounting event; ACCT_BUSY while
 * the CPU changes its figures (readers on other CPUs wait). */
enum cpu_mode { ACCT_SYS, ACCT_USER, ACCT_IDLE, ACCT_IRQ, ACCT_BUSY };

struct cpu_acct {
    uint8_t mode;               /* enum cpu_mode */
    uint8_t user_col;           /* where the current task's user time goes: CPUTIME_USER or _NICE */
    uint64_t stamp;             /* TSC at the last event: a new value at every event */
    uint64_t cyc[NR_CPUTIME];   /* TSC cycles by kind, up to the last slow event */
    /* the current task's utime_cyc/stime_cyc when cyc[] last caught up with
     * them: the system call path charges only the task, and the columns
     * follow at the next interrupt or switch */
    uint64_t seen_user, seen_sys;
    uint64_t irqs;              /* interrupts taken (every vector) */
};

#endif
