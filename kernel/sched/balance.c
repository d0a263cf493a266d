/*
 * Balancing: where a task runs.  On a wake-up with per-CPU queues (MQMS)
 * select_cpu() places it on the least loaded CPU its affinity allows
 * (preferring the one it last ran on); with the shared queue (SQMS)
 * sqms_target() finds the idle or preemptible CPU that should take it.  An
 * idle CPU steals a waiting task from the busiest queue (idle_pull, work
 * stealing, which /proc/sys/kernel/sched_work_stealing turns off), and an
 * overloaded CPU kicks a tickless idle one to do so (kick_idle_cpu).  An
 * affinity change moves a task off a CPU its mask excludes.
 *
 * Locking: select_cpu() and idle_pull()'s search read queue lengths without
 * a lock, as the hints they are; idle_pull() then takes tasks_lock and both
 * queues' locks in address order and checks the choice again.
 * sqms_target() runs under the shared queue's lock, which protects each
 * CPU's wake_pending.  work_stealing is read and written without a lock.
 * Migrations are counted in schedule() (core.c, note_migration).
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

/* MQMS: may an idle CPU steal from a busier queue?  Read freely. */
static bool work_stealing = true;

/* The CPUs `t` may run on now: its affinity among the online CPUs. */
static void allowed_online(const struct task *t, struct cpuset *out)
{
    struct cpuset mask;
    for (int i = 0; i < CPUSET_WORDS; i++)
        mask.bits[i] = READ_ONCE(t->cpu_mask.bits[i]);
    struct cpuset online;
    cpuset_load_atomic(&online, &cpus_online);
    cpuset_and(out, &mask, &online);
}

/* MQMS: keep it where it was if allowed; otherwise the least loaded allowed
 * CPU.  The search goes round the allowed online CPUs from the one it ran
 * on and looks at no more than SELECT_SCAN of them, stopping at the first
 * with nothing to do: a wake-up on 255 CPUs costs what it does on 16
 * (Linux bounds its idle-CPU search likewise), and CPUs its affinity
 * excludes are skipped a word at a time, not one by one; a CPU left idle
 * beyond the window pulls work itself (idle_pull). */
#define SELECT_SCAN 16
int select_cpu(struct task *t)
{
    /* the common case first: the CPU it ran on, allowed and online, has
     * nothing else to run (what the search below would stop at at once) */
    int prev = t->se.cpu;
    if (prev >= 0 && prev < ncpus && READ_ONCE(queues[prev].nr_running) <= 1 &&
        (READ_ONCE(t->cpu_mask.bits[prev / 64]) & READ_ONCE(cpus_online.bits[prev / 64]) & cpuset_bit(prev)))
        return prev;
    struct cpuset allowed;
    allowed_online(t, &allowed);
    int start = cpuset_next_wrap(&allowed, t->se.cpu >= 0 && t->se.cpu < ncpus ? t->se.cpu : 0);
    int best = -1, seen = 0;
    unsigned best_load = ~0U;
    for (int c = start; c < NR_CPUS && seen < SELECT_SCAN && best_load > 0; c = cpuset_next_wrap(&allowed, c + 1)) {
        if (seen++ && c == start)
            break;                      /* round once */
        if (c >= ncpus)
            continue;
        unsigned load = queues[c].nr_running;
        if (c == t->se.cpu && load > 0)
            load--;                           /* slight preference for cache warmth */
        if (load < best_load) {
            best = c;
            best_load = load;
        }
    }
    return best < 0 ? 0 : best;
}

/*
 * SQMS: `t` was just queued in the shared queue (its lock held).  Find the
 * CPU that should act on it: an idle CPU it may run on that no other
 * enqueue has woken yet (the one it last ran on first), else one whose
 * running task it should preempt.  That CPU is marked to reschedule; the
 * caller sends it the IPI (-1: no CPU needs telling).  CPUs that run a task
 * without a tick (nohz_full) are added to *tickless, to get their tick back
 * now that a task waits.  Bounded as select_cpu: each search looks at no
 * more than SELECT_SCAN allowed CPUs going round from the one it last ran
 * on; beyond them the task waits for the next CPU that schedules (at the
 * latest when a running task's slice ends, every CPU serving this queue).
 */
int sqms_target(struct runqueue *rq, struct task *t, struct cpuset *tickless)
{
    struct cpuset allowed;
    allowed_online(t, &allowed);
    int start = cpuset_next_wrap(&allowed, t->se.cpu), target = -1, seen = 0;
    for (int c = start; c < NR_CPUS && seen < SELECT_SCAN && target < 0; c = cpuset_next_wrap(&allowed, c + 1)) {
        if (seen++ && c == start)
            break;
        if (c < ncpus && percpu_area[c].cur_task == cpus[c].idle && !cpus[c].wake_pending)
            target = c;
    }
    seen = 0;
    for (int c = start; c < NR_CPUS && seen < SELECT_SCAN && target < 0; c = cpuset_next_wrap(&allowed, c + 1)) {
        if (seen++ && c == start)
            break;
        struct task *cur = c < ncpus ? percpu_area[c].cur_task : NULL;
        if (!cur || cur == cpus[c].idle)
            continue;
        if (should_preempt(rq, c, cur, t))
            target = c;
        else if (READ_ONCE(percpu_area[c].tick_stopped))
            cpuset_set(tickless, c);
    }
    if (target >= 0) {
        percpu_area[target].cur_task->need_resched = true;
        if (percpu_area[target].cur_task == cpus[target].idle)
            cpus[target].wake_pending = true;
    }
    return target;
}

/* Tell CPU `cpu` (marked need_resched) to reschedule: an IPI if it is
 * another one, or this CPU's own tick back if it had stopped while running
 * a task (an idle one decides as it switches: tick_switch_in). */
void notify_cpu(int cpu)
{
    if (cpu != this_cpu_id())
        kick_cpu(cpu);
    else if (this_cpu()->tick_stopped && current != cpus[cpu].idle)
        tick_restart();
}

void kick_cpu(int cpu)
{
    arch_send_resched_ipi(cpu);
}

/* A CPU with more work than it can run wakes one tickless idle CPU, which
 * then looks for work to steal (idle CPUs take no tick to look by
 * themselves).  Only while overloaded, and bounded: each call looks at
 * SELECT_SCAN online CPUs, the next window each time (kick_cursor), so
 * every CPU is looked at within a few ticks. */
void kick_idle_cpu(int me)
{
    int c = cpus[me].kick_cursor;
    for (int seen = 0; seen < SELECT_SCAN && seen < ncpus; seen++) {
        c = cpuset_next_wrap(&cpus_online, c + 1 < ncpus ? c + 1 : 0);
        if (c >= ncpus)
            c = 0;
        struct percpu *p = &percpu_area[c];
        if (c == me || !p->online || !READ_ONCE(p->tick_stopped) || p->cur_task != p->idle)
            continue;
        cpus[me].kick_cursor = c;
        WRITE_ONCE(p->next_pull_ns, 0);
        kick_cpu(c);
        return;
    }
    cpus[me].kick_cursor = c;
}

/* A signal for t, which may be running in user mode on another CPU: make
 * that CPU enter the kernel so the signal is delivered now (without this a
 * tickless CPU would never notice). */
void sched_kick_task(struct task *t)
{
    int cpu = READ_ONCE(t->on_cpu);
    if (cpu >= 0 && cpu != this_cpu_id() && percpu_area[cpu].cur_task == t)
        kick_cpu(cpu);
}

void sched_set_work_stealing(bool on) { WRITE_ONCE(work_stealing, on); }
bool sched_work_stealing(void) { return READ_ONCE(work_stealing); }

/* ---- affinity and migration ---- */

/*
 * Sets t's CPU mask and moves it if it sits on a CPU the mask excludes:
 * a queued task is taken out and placed again; a running one is asked to
 * reschedule and leaves in schedule() (prev_migrate).  In the shared queue
 * a queued task stays where it is, and an idle CPU it may now run on is
 * woken to take it.
 */
void sched_set_affinity(struct task *t, const struct cpuset *mask)
{
    struct runqueue *rq = task_rq_lock(t);
    for (int i = 0; i < CPUSET_WORDS; i++)
        WRITE_ONCE(t->cpu_mask.bits[i], mask->bits[i]);   /* read without the lock, word by word */
    bool allowed = may_run_on(t, t->se.cpu);
    bool requeue = !allowed && t->se.on_rq && !is_shared(rq);
    if (requeue) {
        rq_dequeue(rq, t);
        rq->nr_running--;
    }
    struct cpuset tickless;
    cpuset_zero(&tickless);
    int target = is_shared(rq) && t->se.on_rq ? sqms_target(rq, t, &tickless) : -1;
    struct task *cur = percpu_area[t->se.cpu].cur_task;
    bool kick = !allowed && cur == t;
    if (kick)
        t->need_resched = true;
    int cpu = t->se.cpu;
    rq_unlock(rq);
    if (requeue)
        activate(t, ENQ_PREEMPTED);
    if (kick && cpu != this_cpu_id())
        kick_cpu(cpu);
    if (target >= 0)
        notify_cpu(target);
}

/*
 * Work stealing (MQMS): a CPU with nothing to run takes a waiting task from
 * the busiest run queue that has one (and whose affinity allows this CPU).
 * Called from the idle loop; the search is only made when some queue holds
 * more than its running task.  The task is found in that queue alone, by
 * the class layer (sched_class_steal): a bounded search, whatever the
 * number of tasks in the system or in the queue.  The busy queue's lock is
 * only tried: a CPU switching tasks there is never made to wait for an
 * idle one, and one that holds it is busy anyway (the idle CPU looks again
 * after its back-off).  Returns true if a task was stolen.
 */
bool idle_pull(int me)
{
    struct sched_cpu_stats *st = &cpus[me].stats;
    st->lb_count++;
    int busiest = -1;
    unsigned most = 1;
    for_each_cpu(c, &cpus_online) {
        if (c >= ncpus)
            break;
        unsigned n = READ_ONCE(queues[c].nr_running);
        if (c != me && n > most) {
            most = n;
            busiest = c;
        }
    }
    if (busiest < 0) {
        st->lb_balanced++;
        return false;
    }
    struct runqueue *src = &queues[busiest], *dst = &queues[me];
    bool pulled = false;
    /* address order: the lower queue first (only tried, if it is src) */
    if (dst < src)
        rq_lock(dst);
    bool got = spin_trylock(&src->lock);
    if (got && src < dst)
        rq_lock(dst);
    if (got) {
        struct sched_entity *se = NULL;
        if (!single_queue() && src->nr_running > 1)
            se = sched_class_steal(&src->cls, time_ns(), se_may_run_on, (void *)(intptr_t)me);
        if (se) {
            struct task *t = container_of(se, struct task, se);
            src->nr_running--;
            t->se.cpu = me;
            dst->nr_running++;
            rq_enqueue(dst, t, ENQ_WAKEUP);
            pulled = true;
        }
        if (src < dst)
            rq_unlock(dst);
        rq_unlock(src);
    }
    if (dst < src)
        rq_unlock(dst);
    if (pulled)
        st->lb_gained++;
    else
        st->lb_failed++;
    return pulled;
}
