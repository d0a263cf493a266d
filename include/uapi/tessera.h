/*
 * Tessera-specific system calls, for what the book teaches but Linux has no
 * interface for: lottery/stride tickets, ticket lending, and the expected run
 * time that SJF/STCF need (the OS cannot know the future, so a process
 * declares it).  The numbers sit above Linux's range (x86-64 Linux ends
 * below 512), so a Linux binary never calls them by accident.  This header is
 * usable from user programs (static musl) and from the kernel.
 */
#ifndef UAPI_TESSERA_H
#define UAPI_TESSERA_H

#include <stdint.h>

#define __NR_tessera_sched_get 1000     /* (pid_t pid, struct tessera_sched *out) -> 0 / -errno */
#define __NR_tessera_sched_set 1001     /* (pid_t pid, const struct tessera_sched *in, uint32_t mask) */
#define __NR_tessera_sched_lend 1002    /* (pid_t to) lend all the caller's tickets to `to` until
                                         * it calls again with to = 0; -ESRCH, -EINVAL */

/* Per-process scheduling parameters; pid 0 means the caller. */
struct tessera_sched {
    uint32_t tickets;       /* lottery and stride share: 1 .. TESSERA_TICKETS_MAX (default 100) */
    uint32_t lent_tickets;  /* read-only: tickets other processes currently lend to this one */
    uint64_t expected_ns;   /* declared total run time for SJF/STCF; 0 = undeclared */
    int32_t nice;           /* read-only here (use setpriority) */
    int32_t mlfq_level;     /* read-only: current MLFQ queue, 0 = highest */
    uint64_t reserved[4];
};

#define TESSERA_SCHED_TICKETS 0x1   /* mask bits for tessera_sched_set */
#define TESSERA_SCHED_EXPECTED 0x2
#define TESSERA_TICKETS_MAX 1000000

#endif
