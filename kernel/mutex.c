/*
 * Sleeping locks (see <kernel/mutex.h>).  Acquire
 * takes the guard spinlock, and if the lock is taken queues itself with
 * prepare_to_wait() *before* dropping the guard, so an unlock between the
 * check and schedule() only makes schedule() return at once: no lost wake-up.
 * Unlock wakes every sleeper and they race again (simple, and fair enough at
 * the contention levels the kernel sees).  An uncontended acquire leaves the
 * task's state alone; a contended one ends with the task running.
 */
#include <kernel/mutex.h>
#include <kernel/task.h>

void mutex_init(struct mutex *m, const char *name)
{
    (void)name;
    spin_init(&m->guard, "mutex");
    m->locked = false;
    m->owner = NULL;
    waitq_init(&m->waiters);
}

void mutex_lock(struct mutex *m)
{
    spin_assert_none_held();
    /* A free lock is taken without touching the task's state, so a poll
     * hook (which runs with the task marked blocked) may take one. */
    spin_lock(&m->guard);
    if (!m->locked) {
        m->locked = true;
        m->owner = current;
        spin_unlock(&m->guard);
        return;
    }
    spin_unlock(&m->guard);
    struct wait_entry w;
    for (;;) {
        prepare_to_wait(&m->waiters, &w);
        spin_lock(&m->guard);
        if (!m->locked) {
            m->locked = true;
            m->owner = current;
            spin_unlock(&m->guard);
            break;
        }
        spin_unlock(&m->guard);
        schedule();
    }
    finish_wait(&m->waiters, &w);
}

void mutex_unlock(struct mutex *m)
{
    spin_lock(&m->guard);
    BUG_ON(!m->locked);
    m->locked = false;
    m->owner = NULL;
    spin_unlock(&m->guard);
    waitq_wake_all(&m->waiters);
}

bool mutex_held(struct mutex *m)
{
    return m->locked && m->owner == current;
}
