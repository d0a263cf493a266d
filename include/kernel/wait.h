/*
 * Wait queues: how a task sleeps until something happens.
 *
 * The sleeper uses the prepare/check/schedule loop, which cannot lose a
 * wake-up: prepare_to_wait() queues the task and marks it blocked *before* it
 * checks its condition, so a wake-up that races with the check just marks it
 * runnable again and schedule() returns at once.
 *
 *     struct wait_entry w;
 *     for (;;) {
 *         prepare_to_wait(&wq, &w);
 *         if (condition) break;
 *         if (signal_pending(current)) { err = -ERESTARTSYS; break; }
 *         schedule();
 *     }
 *     finish_wait(&wq, &w);
 *
 * A task may be on several queues at once (poll): call prepare_to_wait with a
 * separate wait_entry for each.  Wakers call waitq_wake_all()/_one() from any
 * context, including interrupt handlers.
 *
 * An entry may stand for something other than a sleeping task: one added
 * with waitq_add_callback() has its function called by the wake-up instead
 * (epoll watches files this way, kernel/fs/eventpoll.c).  The function runs
 * with the queue's lock held and interrupts off, perhaps in an interrupt
 * handler: it may only take locks ranked above "waitq" and must not sleep.
 */
#ifndef KERNEL_WAIT_H
#define KERNEL_WAIT_H

#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <lib/list.h>
#include <stdbool.h>
#include <stdint.h>

struct task;

struct waitq {
    struct spinlock lock;
    struct list_node waiters;   /* of struct wait_entry, protected by lock */
};

struct wait_entry {
    struct task *task;
    struct list_node node;
    bool queued;
    void (*func)(struct wait_entry *w);   /* NULL: wake `task` */
};

#define WAITQ_INIT(name) { SPINLOCK_INIT("waitq"), LIST_INIT((name).waiters) }

void waitq_init(struct waitq *wq);
/* The same, with a lock named for its own place in the lock order (a queue
 * woken while a "waitq" lock is held, kernel/spinlock.c). */
void waitq_init_named(struct waitq *wq, const char *lock_name);
void prepare_to_wait(struct waitq *wq, struct wait_entry *w);
void finish_wait(struct waitq *wq, struct wait_entry *w);
void waitq_wake_all(struct waitq *wq);
void waitq_wake_one(struct waitq *wq);
/* Queue w, whose wake-up calls func(w) instead of waking a task; it stays
 * queued until waitq_remove_callback(), after which func no longer runs. */
void waitq_add_callback(struct waitq *wq, struct wait_entry *w, void (*func)(struct wait_entry *w));
void waitq_remove_callback(struct waitq *wq, struct wait_entry *w);
/* wq is about to be freed while callback entries may still be on it (one
 * that outlives what its owner's files reach, such as a thread group's
 * signalfd queue): every entry leaves it, and a later
 * waitq_remove_callback() of one of them does not touch wq. */
void waitq_release(struct waitq *wq);

/* Give up the CPU.  If the current task is marked blocked it sleeps until a
 * wake-up (or a signal, or its deadline); otherwise this is a preemption point. */
void schedule(void);
/* Like schedule(), but a blocked task is also woken at `deadline_ns` (time_ns()
 * clock; 0 = no deadline).  Returns true if the deadline passed. */
bool schedule_until(uint64_t deadline_ns);

/* Sleeps until `cond` holds; -ERESTARTSYS if a signal arrives first,
 * -ETIMEDOUT once the time_ns() deadline has passed (0: none). */
#define wait_event_deadline(wq, cond, deadline)                     \
    ({                                                              \
        int __r = 0;                                                \
        uint64_t __dl = (deadline);                                 \
        struct wait_entry __w;                                      \
        for (;;) {                                                  \
            prepare_to_wait(&(wq), &__w);                           \
            if (cond)                                               \
                break;                                              \
            if (signal_pending(current)) {                          \
                __r = -ERESTARTSYS;                                 \
                break;                                              \
            }                                                       \
            if (__dl && time_ns() >= __dl) {                        \
                __r = -ETIMEDOUT;                                   \
                break;                                              \
            }                                                       \
            schedule_until(__dl);                                   \
        }                                                           \
        finish_wait(&(wq), &__w);                                   \
        __r;                                                        \
    })

/* Sleeps until `cond` holds; -ERESTARTSYS if a signal arrives first. */
#define wait_event_interruptible(wq, cond) wait_event_deadline(wq, cond, 0)

#endif
