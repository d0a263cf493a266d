/*
 * The kernel's sleeping lock.  Code that may sleep while holding a lock
 * (copy from user memory, which can fault; allocate; wait for I/O) cannot
 * hold a spinlock; a mutex lets the holder sleep and puts contenders to
 * sleep on a wait queue instead of spinning.  The file system uses it for
 * name-space operations and file writes, AF_UNIX sockets for their
 * receivers, the log for /dev/kmsg readers.
 * Not recursive; never take one from interrupt context or with a spinlock
 * held (docs/locking.md).
 */
#ifndef KERNEL_MUTEX_H
#define KERNEL_MUTEX_H

#include <kernel/spinlock.h>
#include <kernel/wait.h>

struct task;

struct mutex {
    struct spinlock guard;      /* protects locked/owner */
    bool locked;
    struct task *owner;         /* for mutex_held() assertions */
    struct waitq waiters;
};

void mutex_init(struct mutex *m, const char *name);
void mutex_lock(struct mutex *m);      /* sleeps, not interruptible */
void mutex_unlock(struct mutex *m);
bool mutex_held(struct mutex *m);      /* by the current task */

#endif
