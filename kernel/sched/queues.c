/*
 * Switches of what the run queues are: the queue mode, the system policy,
 * the tunables, and one task's scheduling parameters.
 *
 * Multiprocessor scheduling comes in the book's two designs, chosen with
 * sched_queues= at boot or /proc/sys/kernel/sched_queues at run time:
 *
 *   per-cpu (MQMS, the default)  each CPU has its own queue and lock.  A
 *       task that becomes runnable is placed on the least loaded CPU its
 *       affinity allows (preferring the one it last ran on); an idle CPU
 *       steals a waiting task from the busiest queue (work stealing, which
 *       /proc/sys/kernel/sched_work_stealing turns off).
 *   single (SQMS)  one queue, one lock, shared by every CPU: no CPU idles
 *       while a task it may run waits, but every pick, tick and wake-up
 *       takes the same lock, and a task runs wherever a CPU frees up.  A
 *       CPU passes over queued tasks its affinity excludes; an enqueue
 *       wakes one idle CPU the task may run on.
 *
 * Locking: a switch of queue mode or system policy takes policy_lock,
 * tasks_lock and every queue's lock (switch_lock), so no task is created,
 * woken, picked or queued meanwhile; queue_mode and system_policy are
 * written only so, which is why whoever holds one queue's lock sees them
 * stable.  The tunables change under policy_lock and every queue's lock; a
 * task's parameters under the lock of its queue (task_rq_lock).
 */
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <kernel/trace.h>
#include <lib/string.h>
#include <sched/class.h>
#include <sched/sched.h>
#include "internal.h"

static struct spinlock policy_lock = SPINLOCK_INIT("sched_policy");

/* ---- policies and queue modes ---- */

static bool task_alive(const struct task *t)
{
    return t->state == TASK_RUNNING || t->state == TASK_BLOCKED || t->state == TASK_STOPPED ||
           t->state == TASK_TRACED;
}


/* A switch of policy or queue mode holds everything still: no task can be
 * created, woken, picked or queued meanwhile. */
static void switch_lock(void)
{
    spin_lock(&policy_lock);
    spin_lock(&tasks_lock);
    lock_all_queues();
}

static void switch_unlock(void)
{
    unlock_all_queues();
    spin_unlock(&tasks_lock);
    spin_unlock(&policy_lock);
}

/* Kick every other CPU (after a switch of policy or mode): an idle one
 * sleeps without a tick and would not look at its new queue by itself, nor
 * would one running a task alone notice need_resched. */
static void kick_all_cpus(void)
{
    for (int c = 0; c < ncpus; c++)
        if (c != this_cpu_id() && percpu_area[c].online)
            kick_cpu(c);
}

/*
 * Switch every CPU to policy `name`.  All run queues are locked together, so
 * no task can be woken, picked or queued while the policies change hands:
 * queued tasks leave the old policy and join the new one as new arrivals;
 * running and blocked tasks get the new policy's initial placement
 * (task_new) now and join its queue when they next stop running or wake.
 * Real-time tasks are not affected.  0, or -EINVAL for an unknown name.
 */
int sched_set_system_policy(const char *name)
{
    const struct sched_policy *p = sched_policy_find(name);
    if (!p || p == &sched_policy_rt)
        return -EINVAL;
    struct list_node moved = LIST_INIT(moved);  /* the queued tasks, via switch_node */
    switch_lock();
    list_for_each(node, &all_tasks) {
        struct task *t = container_of(node, struct task, all_node);
        if (t->se.on_rq && !is_rt(t)) {
            rq_dequeue(task_rq(t), t);
            list_push_back(&moved, &t->switch_node);
        }
    }
    uint64_t now = time_ns();
    for (int q = 0; q <= SHARED_Q; q++)
        if (q < ncpus || q == SHARED_Q)
            sched_class_init(&queues[q].cls.sys, p, &sched_tun, now);
    list_for_each(node, &all_tasks) {
        struct task *t = container_of(node, struct task, all_node);
        if (task_alive(t) && !is_rt(t) && t->se.id)
            sched_class_task_new(&task_rq(t)->cls, &t->se, NULL, now);
    }
    struct list_node *node;
    while ((node = list_pop_front(&moved))) {
        struct task *t = container_of(node, struct task, switch_node);
        rq_enqueue(task_rq(t), t, ENQ_NEW);
    }
    for (int c = 0; c < ncpus; c++) {
        struct task *cur = percpu_area[c].cur_task;
        if (cur)
            cur->need_resched = true;
    }
    system_policy = p;
    switch_unlock();
    kick_all_cpus();                    /* a CPU without a tick would not notice */
    kprintf("sched: system policy is now %s\n", p->name);
    return 0;
}

const char *sched_system_policy_name(void) { return system_policy->name; }

/* Read without the queue lock, as the figure it is (a switch of policy may
 * be under way). */
int sched_task_level(const struct task *t)
{
    const struct sched_policy *p = READ_ONCE(system_policy);
    return is_rt(t) || !p->level ? -1 : p->level(&t->se);
}

/* Takes every entity out of class queue `r`, in the order the policy would
 * run them, onto the end of `moved` (via switch_node).  Caller holds
 * switch_lock(). */
static void drain_class(struct sched_rq *r, struct list_node *moved)
{
    struct sched_entity *se;
    uint64_t now = time_ns();
    while ((se = sched_class_take(r, now))) {
        struct task *t = container_of(se, struct task, se);
        list_push_back(moved, &t->switch_node);
    }
}

/*
 * Switch between one queue per CPU and one shared queue.  As for a policy
 * switch, every queue is locked together: the queued tasks are taken out of
 * the old queues in the order their policy would run them and join the new
 * ones as new arrivals (to the shared queue, or each to the least loaded
 * CPU it may run on); a running task gets its new queue's initial placement
 * (task_new) and is counted there; blocked tasks join when they wake.  No
 * task is in transit meanwhile: a task being woken or moved is either in a
 * queue or not yet counted in any (its waker chooses a queue after this, and
 * checks the choice under that queue's lock).  0, or -EINVAL.
 */
int sched_set_queue_mode(enum sched_queue_mode mode)
{
    if (mode != SCHED_QUEUES_PER_CPU && mode != SCHED_QUEUES_SINGLE)
        return -EINVAL;
    struct list_node moved = LIST_INIT(moved);  /* the queued tasks, via switch_node */
    switch_lock();
    if (mode == queue_mode) {
        switch_unlock();
        return 0;
    }
    for (int q = 0; q <= SHARED_Q; q++) {
        if (q < ncpus || q == SHARED_Q) {
            drain_class(&queues[q].cls.rt, &moved);
            drain_class(&queues[q].cls.sys, &moved);
            queues[q].nr_running = 0;
        }
    }
    WRITE_ONCE(queue_mode, mode);
    uint64_t now = time_ns();
    for (int q = 0; q <= SHARED_Q; q++)
        if (q < ncpus || q == SHARED_Q)
            sched_class_rq_init(&queues[q].cls, system_policy, &sched_policy_rt, &sched_tun, now);
    for (int c = 0; c < ncpus; c++) {
        struct task *cur = percpu_area[c].cur_task;
        cpus[c].wake_pending = false;
        if (!cur || cur == cpus[c].idle)
            continue;
        task_rq(cur)->nr_running++;
        sched_class_task_new(&task_rq(cur)->cls, &cur->se, NULL, now);
        cur->need_resched = true;
    }
    struct list_node *node;
    while ((node = list_pop_front(&moved))) {
        struct task *t = container_of(node, struct task, switch_node);
        if (mode == SCHED_QUEUES_PER_CPU)
            t->se.cpu = select_cpu(t);
        struct runqueue *rq = task_rq(t);
        sched_class_task_new(&rq->cls, &t->se, NULL, now);
        rq->nr_running++;
        rq_enqueue(rq, t, ENQ_NEW);
    }
    switch_unlock();
    kick_all_cpus();
    kprintf("sched: run queues are now %s\n", sched_queue_mode_name(mode));
    return 0;
}

enum sched_queue_mode sched_queue_mode(void) { return READ_ONCE(queue_mode); }

const char *sched_queue_mode_name(enum sched_queue_mode mode)
{
    return mode == SCHED_QUEUES_SINGLE ? "single" : "per-cpu";
}

int sched_queue_mode_parse(const char *s, size_t len)
{
    if (len == 6 && !memcmp(s, "single", 6))
        return SCHED_QUEUES_SINGLE;
    if (len == 7 && !memcmp(s, "per-cpu", 7))
        return SCHED_QUEUES_PER_CPU;
    return -EINVAL;
}

void sched_set_rt(struct task *t, int policy, int prio)
{
    struct runqueue *rq = task_rq_lock(t);
    bool queued = t->se.on_rq;
    if (queued)
        rq_dequeue(rq, t);
    t->policy = policy;
    /* the rt policy tells FIFO from RR by it; any other (SCHED_OTHER,
     * SCHED_BATCH, SCHED_IDLE) is 0, the system policy's class */
    t->se.rt_policy = policy == SCHED_FIFO || policy == SCHED_RR ? policy : 0;
    t->se.rt_priority = prio;
    sched_class_task_new(&rq->cls, &t->se, NULL, time_ns());
    if (queued)
        rq_enqueue(rq, t, ENQ_NEW);
    int cpu = t->se.cpu;
    bool tell = percpu_area[cpu].cur_task != NULL;
    if (tell)
        percpu_area[cpu].cur_task->need_resched = true;
    rq_unlock(rq);
    if (tell)
        notify_cpu(cpu);                /* a tickless CPU would not notice */
}

void sched_reweight(struct task *t)
{
    struct runqueue *rq = task_rq_lock(t);
    sched_class_reweight(&rq->cls, &t->se);
    rq_unlock(rq);
}

/* Change one per-task parameter and tell the policy, in one critical
 * section: a queued task's place and weight never disagree with it. */
void sched_set_param(struct task *t, enum sched_param which, int64_t value)
{
    struct runqueue *rq = task_rq_lock(t);
    switch (which) {
    case SCHED_PARAM_NICE:
        t->se.nice = (int)value;
        break;
    case SCHED_PARAM_TICKETS:
        t->se.tickets = (uint32_t)value;
        break;
    case SCHED_PARAM_EXPECTED:
        t->se.expected_ns = (uint64_t)value;
        break;
    case SCHED_PARAM_LENT_ADD:
        t->se.lent_tickets = (uint32_t)((int64_t)t->se.lent_tickets + value);
        break;
    }
    sched_class_reweight(&rq->cls, &t->se);
    rq_unlock(rq);
}

/* Install new tunables with every run queue locked, so no hook ever sees a
 * half-written set; each policy instance then adjusts what it derived from
 * the old ones (the lottery reseeds its generator: sched_class_retune). */
int sched_set_tunables(const struct sched_tunables *nt)
{
    if (sched_tunables_check(nt))
        return -EINVAL;
    spin_lock(&policy_lock);
    lock_all_queues();
    struct sched_tunables old = sched_tun;
    sched_tun = *nt;
    for (int q = 0; q <= SHARED_Q; q++)
        if (q < ncpus || q == SHARED_Q)
            sched_class_retune(&queues[q].cls, &old);
    unlock_all_queues();
    spin_unlock(&policy_lock);
    return 0;
}
