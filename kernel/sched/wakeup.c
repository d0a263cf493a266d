/*
 * Wake-ups and timed sleeps: a task that becomes runnable (new, woken, or
 * moved by an affinity change or a migration out of schedule()) joins a run
 * queue through activate(): the shared one, or that of the CPU select_cpu()
 * (balance.c) chooses; the CPU that should act on it is told (notify_cpu).
 * schedule_until() sleeps with the task's own hrtimer as the alarm.
 *
 * Locking: a task's state and se.id are read and changed under the lock of
 * the queue it belongs to (task_rq_lock, which checks the choice again under
 * the lock); activate() takes only the lock of the queue it places the task
 * on, after choosing it, and checks the queue mode again under that lock.
 */
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <kernel/trace.h>
#include <sched/class.h>
#include <sched/sched.h>
#include "internal.h"

/* `t` (runnable, in no queue) joins rq, whose lock the caller holds: the
 * shared queue (cpu -1) or CPU `cpu`'s.  Unlocks it, then tells the CPU
 * that should act. */
static void activate_locked(struct task *t, enum sched_enq_reason why, struct runqueue *rq, int cpu)
{
    bool single = cpu < 0;
    if (why == ENQ_WAKEUP) {
        struct sched_cpu_stats *st = &this_cs()->stats;
        st->ttwu_count++;
        if (!single && cpu == this_cpu_id())
            st->ttwu_local++;
    }
    if (!single)
        t->se.cpu = cpu;
    charge_tickless(rq, cpu);
    rq->nr_running++;
    rq_enqueue(rq, t, why);
    if (single) {
        struct cpuset tickless;
        cpuset_zero(&tickless);
        int target = sqms_target(rq, t, &tickless);
        rq_unlock(rq);
        if (target >= 0)
            notify_cpu(target);
        for_each_cpu(c, &tickless)
            notify_cpu(c);
        return;
    }
    struct task *cur = percpu_area[cpu].cur_task;
    bool preempt = cur && should_preempt(rq, cpu, cur, t);
    if (preempt)
        cur->need_resched = true;
    bool tell = preempt || percpu_area[cpu].tick_stopped;   /* a tickless CPU needs its tick */
    rq_unlock(rq);
    if (tell)
        notify_cpu(cpu);
}

/* `t` (runnable, in no queue) joins the queue it should: the shared one,
 * or that of the CPU select_cpu() chooses.  Takes that queue's lock. */
void activate(struct task *t, enum sched_enq_reason why)
{
    for (;;) {
        bool single = single_queue();
        int cpu = single ? -1 : select_cpu(t);
        struct runqueue *rq = single ? &queues[SHARED_Q] : &queues[cpu];
        rq_lock(rq);
        if (single != single_queue()) {     /* the mode changed meanwhile */
            rq_unlock(rq);
            continue;
        }
        activate_locked(t, why, rq, cpu);
        return;
    }
}

/*
 * `t` starts: it becomes runnable for the first time.  It is visible to
 * signals from the moment it joined its thread group, a little earlier, so a
 * kill may try to wake it before this: sched_wake() leaves a task that has
 * not started alone (se.id is still 0, set here under the lock it takes,
 * that of the queue se.cpu gives before the placement hint is set), and the
 * signal is delivered on its first return to user space.
 */
void sched_new_task(struct task *t, struct task *parent)
{
    struct runqueue *rq = task_rq_lock(t);
    t->se.id = t->pid;
    t->on_cpu = -1;
    t->last_cpu = -1;
    sched_class_task_new(&rq->cls, &t->se, parent ? &parent->se : NULL, time_ns());
    t->state = TASK_RUNNING;
    rq_unlock(rq);
    t->se.cpu = parent ? parent->se.cpu : 0;    /* where select_cpu() prefers it */
    activate(t, ENQ_NEW);
}

void sched_wake(struct task *t)
{
    struct runqueue *rq = task_rq_lock(t);
    if ((t->state != TASK_BLOCKED && t->state != TASK_STOPPED && t->state != TASK_TRACED) || !t->se.id) {
        rq_unlock(rq);
        return;
    }
    t->state = TASK_RUNNING;
    /* still on its CPU (between prepare_to_wait and schedule): it will notice */
    if (t->on_cpu >= 0 && percpu_area[t->on_cpu].cur_task == t) {
        rq_unlock(rq);
        return;
    }
    /* most wake-ups join the queue whose lock is held (the shared one, or
     * that of the CPU the task ran on, which select_cpu keeps if it can):
     * no second lock */
    int cpu = is_shared(rq) ? -1 : select_cpu(t);
    if (cpu < 0 || &queues[cpu] == rq) {
        activate_locked(t, ENQ_WAKEUP, rq, cpu);
        return;
    }
    rq_unlock(rq);
    activate(t, ENQ_WAKEUP);
}

static enum hrtimer_restart sleep_timer_fn(struct hrtimer *h)
{
    sched_wake(container_of(h, struct task, sleep_timer));
    return HRTIMER_NORESTART;
}

void sched_sleep_timer_init(struct task *t) { hrtimer_init(&t->sleep_timer, sleep_timer_fn); }

bool schedule_until(uint64_t deadline_ns)
{
    struct task *t = current;
    if (deadline_ns) {
        /* real-time tasks sleep exactly; others may end up to their timer
         * slack late, sharing an interrupt with other timers (Linux) */
        hrtimer_start_range(&t->sleep_timer, deadline_ns, is_rt(t) ? 0 : t->timer_slack_ns);
    }
    schedule();
    bool expired = false;
    if (deadline_ns) {
        hrtimer_cancel(&t->sleep_timer);    /* woken by something else, or it fired */
        expired = time_ns() >= deadline_ns;
    }
    return expired;
}
