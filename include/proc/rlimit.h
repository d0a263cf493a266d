/* Resource limits (kernel/proc/rlimit.c): per process, inherited by fork,
 * kept across execve, read and set with prlimit64/getrlimit/setrlimit. */
#ifndef PROC_RLIMIT_H
#define PROC_RLIMIT_H

#include <kernel/kernel.h>

struct task;
struct thread_group;

#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_LOCKS 10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12
#define RLIMIT_NICE 13
#define RLIMIT_RTPRIO 14
#define RLIMIT_RTTIME 15
#define RLIM_NLIMITS 16
#define RLIM_INFINITY (~0UL)

struct krlimit {
    uint64_t cur, max;
};

/* The soft limit of resource res for t's process. */
uint64_t rlimit_cur(const struct task *t, int res);
/* A new process's limits: Linux's defaults (no parent) or the parent's. */
void rlimit_init(struct thread_group *g, const struct thread_group *parent);
/* At boot: the default RLIMIT_NPROC and RLIMIT_SIGPENDING (Linux sets both
 * to half of threads-max). */
void rlimit_set_boot_nproc(uint64_t n);

#endif
