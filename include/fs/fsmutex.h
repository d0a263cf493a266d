/*
 * A sleeping lock for the file-system layer.  Name-space operations and
 * file writes may copy from user memory (which can fault and sleep) and
 * allocate, so they cannot hold a spinlock; an fs_mutex lets the holder
 * sleep and puts contenders to sleep on a wait queue instead of spinning.
 * Not recursive; never take one from interrupt context or with a spinlock held.
 */
#ifndef FS_FSMUTEX_H
#define FS_FSMUTEX_H

#include <kernel/spinlock.h>
#include <kernel/wait.h>

struct task;

struct fs_mutex {
    struct spinlock guard;      /* protects locked/owner */
    bool locked;
    struct task *owner;         /* for fs_mutex_held() assertions */
    struct waitq waiters;
};

void fs_mutex_init(struct fs_mutex *m, const char *name);
void fs_mutex_lock(struct fs_mutex *m);      /* sleeps, not interruptible */
void fs_mutex_unlock(struct fs_mutex *m);
bool fs_mutex_held(struct fs_mutex *m);      /* by the current task */

#endif
