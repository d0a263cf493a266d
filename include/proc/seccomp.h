/*
 * Seccomp (kernel/proc/seccomp.c): a task's restriction of the system
 * calls it may make, checked at every system-call entry.
 *
 * Strict mode allows read, write, exit and rt_sigreturn and kills the
 * thread (SIGKILL) at any other call.  Filter mode runs the task's stack of
 * classic BPF programs over struct seccomp_data (the number, the
 * architecture, the instruction pointer, the six arguments) and takes the
 * action the most restrictive result names.  Filters are inherited by
 * fork and clone and kept across execve; a mode is never left.
 *
 * A task's mode, filter and filter count are written under tasks_lock,
 * by the task itself or by a thread of its process (SECCOMP_FILTER_FLAG_
 * TSYNC); the task reads its own without a lock at system-call entry.  A
 * filter is freed when the last task and the last filter stacked on it let
 * go of it; a thread synchronised by TSYNC only ever gets a filter stacked
 * on its own, so the one it may be running stays alive.
 */
#ifndef PROC_SECCOMP_H
#define PROC_SECCOMP_H

#include <arch/trapframe.h>
#include <stdbool.h>
#include <stdint.h>

#define SECCOMP_MODE_DISABLED 0
#define SECCOMP_MODE_STRICT 1
#define SECCOMP_MODE_FILTER 2
#define SECCOMP_MODE_DEAD 3         /* killed by its filter: every call kills */

struct task;
struct seccomp_filter;

/* prctl(PR_SET_SECCOMP, mode, filter): the seccomp(2) operation that mode
 * names, with no flags. */
long seccomp_prctl(uint64_t mode, uint64_t filter);
/* System-call entry of a task with a mode, before the call runs (after a
 * tracer's entry stop): true if the call may run.  False when it must not,
 * with the return value set in tf (or the task about to die of a signal
 * already queued); it does not return at all when the thread is killed.
 * The number may have been changed by a tracer (t->saved_syscall_nr). */
bool seccomp_syscall_enter(struct trap_frame *tf);
/* fork/clone: the child gets the parent's mode and filters. */
void seccomp_fork(struct task *child, const struct task *parent);
/* A task being freed lets go of its filters. */
void seccomp_release(struct task *t);

#endif
