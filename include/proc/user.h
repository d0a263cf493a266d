/*
 * Tasks per user (kernel/proc/user.c): how many tasks (threads included)
 * each real user id has, which RLIMIT_NPROC bounds for users other than
 * root, as on Linux.  Every task is charged to its real uid's count from
 * task_alloc to task_release; a change of real uid moves the charge.
 */
#ifndef PROC_USER_H
#define PROC_USER_H

#include <kernel/kernel.h>

struct task;
struct user_tasks;

/* The count t is charged to, for a task created by `creator` (NULL or a
 * task with none: root's); caller holds tasks_lock. */
struct user_tasks *user_charge_locked(const struct task *creator);
/* Tasks charged to u so far. */
unsigned user_task_count(const struct user_tasks *u);
/* Drops t's charge (task_release); caller holds tasks_lock. */
void user_uncharge_locked(struct task *t);
/* The calling task's real uid became `uid`: its charge moves there.  Its
 * "over RLIMIT_NPROC" mark (checked by execve) is set when that user
 * already has more tasks than the limit allows, and cleared otherwise
 * (Linux's PF_NPROC_EXCEEDED).  0, or -EAGAIN without memory for a new
 * count; nothing changes then. */
int user_switch(uid_t uid);
/* May the caller's process create one more task (RLIMIT_NPROC, checked
 * only for a task other than root's without CAP_SYS_RESOURCE or
 * CAP_SYS_ADMIN)?  Caller holds tasks_lock. */
bool user_may_fork_locked(void);
/* execve: false if the caller is marked over its limit and still is (its
 * exec then fails with EAGAIN); clears the mark otherwise. */
bool user_exec_allowed(void);

#endif
