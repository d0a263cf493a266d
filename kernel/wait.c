/*
 * Wait queues (see include/kernel/wait.h for the sleeping protocol).
 */
#include <kernel/kernel.h>
#include <kernel/wait.h>
#include <proc/task.h>
#include <sched/sched.h>

void waitq_init(struct waitq *wq)
{
    spin_init(&wq->lock, "waitq");
    list_init(&wq->waiters);
}

void prepare_to_wait(struct waitq *wq, struct wait_entry *w)
{
    struct task *t = current;
    spin_lock(&wq->lock);
    /* the entry may be uninitialized on the first call: look for it */
    bool on_queue = false;
    list_for_each(n, &wq->waiters)
        if (n == &w->node)
            on_queue = true;
    if (!on_queue) {
        w->task = t;
        w->queued = true;
        list_push_back(&wq->waiters, &w->node);
    }
    t->state = TASK_BLOCKED;
    spin_unlock(&wq->lock);
}

void finish_wait(struct waitq *wq, struct wait_entry *w)
{
    current->state = TASK_RUNNING;
    spin_lock(&wq->lock);
    list_for_each(n, &wq->waiters) {
        if (n == &w->node) {
            list_remove(&w->node);
            break;
        }
    }
    w->queued = false;
    spin_unlock(&wq->lock);
}

void waitq_wake_all(struct waitq *wq)
{
    spin_lock(&wq->lock);
    list_for_each(n, &wq->waiters)
        sched_wake(container_of(n, struct wait_entry, node)->task);
    spin_unlock(&wq->lock);
}

void waitq_wake_one(struct waitq *wq)
{
    spin_lock(&wq->lock);
    if (!list_empty(&wq->waiters))
        sched_wake(list_first_entry(&wq->waiters, struct wait_entry, node)->task);
    spin_unlock(&wq->lock);
}
