/*
 * Wait queues (see include/kernel/wait.h for the sleeping protocol).
 */
#include <kernel/kernel.h>
#include <kernel/task.h>
#include <kernel/wait.h>
#include <sched/sched.h>

void waitq_init(struct waitq *wq)
{
    waitq_init_named(wq, "waitq");
}

void waitq_init_named(struct waitq *wq, const char *lock_name)
{
    spin_init(&wq->lock, lock_name);
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
        w->func = NULL;
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

static void wake_entry(struct wait_entry *w)
{
    if (w->func)
        w->func(w);
    else
        sched_wake(w->task);
}

void waitq_wake_all(struct waitq *wq)
{
    spin_lock(&wq->lock);
    list_for_each(n, &wq->waiters)
        wake_entry(container_of(n, struct wait_entry, node));
    spin_unlock(&wq->lock);
}

void waitq_wake_one(struct waitq *wq)
{
    spin_lock(&wq->lock);
    if (!list_empty(&wq->waiters))
        wake_entry(list_first_entry(&wq->waiters, struct wait_entry, node));
    spin_unlock(&wq->lock);
}

/* Orders waitq_release() with waitq_remove_callback(): an entry's `queued`
 * says, under it, whether its queue may still be touched. */
static struct spinlock detach_lock = SPINLOCK_INIT("waitq_detach");

void waitq_add_callback(struct waitq *wq, struct wait_entry *w, void (*func)(struct wait_entry *w))
{
    w->task = NULL;
    w->func = func;
    w->queued = true;
    spin_lock(&wq->lock);
    list_push_back(&wq->waiters, &w->node);
    spin_unlock(&wq->lock);
}

void waitq_remove_callback(struct waitq *wq, struct wait_entry *w)
{
    spin_lock(&detach_lock);
    if (w->queued) {
        spin_lock(&wq->lock);
        list_remove(&w->node);
        w->queued = false;
        spin_unlock(&wq->lock);
    }
    spin_unlock(&detach_lock);
}

void waitq_release(struct waitq *wq)
{
    spin_lock(&detach_lock);
    spin_lock(&wq->lock);
    while (!list_empty(&wq->waiters)) {
        struct wait_entry *w = list_first_entry(&wq->waiters, struct wait_entry, node);
        list_remove(&w->node);
        w->queued = false;
    }
    spin_unlock(&wq->lock);
    spin_unlock(&detach_lock);
}
