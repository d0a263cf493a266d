/*
 * Process descriptors (kernel/proc/pidfd.c): pidfd_open, pidfd_send_signal,
 * pidfd_getfd, waitid(P_PIDFD).  A pidfd names a process (or, with
 * PIDFD_THREAD, a thread) for as long as it is open, even after the number
 * is reused: it holds a handle the task points to, not the number.
 */
#ifndef PROC_PIDFD_H
#define PROC_PIDFD_H

#include <kernel/kernel.h>

struct task;

/* t's thread or process has ended, or t was reaped: pollers of its pidfds
 * look again.  Caller holds tasks_lock. */
void pidfd_notify_locked(struct task *t);
/* t is being freed: its pidfds now find no task.  Caller holds tasks_lock. */
void pidfd_release_locked(struct task *t);
/* waitid(P_PIDFD): the pid behind descriptor fd, with *nonblock telling
 * whether it was opened PIDFD_NONBLOCK; -EBADF unless fd is a pidfd. */
int pidfd_pid(int fd, bool *nonblock);

#endif
