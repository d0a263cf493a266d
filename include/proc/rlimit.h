/* Resource limits (kernel/proc/rlimit.c): per process, inherited by fork,
 * kept across execve, read and set with prlimit64/getrlimit/setrlimit. */
#ifndef PROC_RLIMIT_H
#define PROC_RLIMIT_H

#include <kernel/kernel.h>
#include <proc/rlimit_types.h>

struct task;
struct thread_group;

/* The soft limit of resource res for t's process. */
uint64_t rlimit_cur(const struct task *t, int res);
/* A new process's limits: Linux's defaults (no parent) or the parent's. */
void rlimit_init(struct thread_group *g, const struct thread_group *parent);
/* At boot: the default RLIMIT_NPROC and RLIMIT_SIGPENDING (Linux sets both
 * to half of threads-max). */
void rlimit_set_boot_nproc(uint64_t n);

#endif
