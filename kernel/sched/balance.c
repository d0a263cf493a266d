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

/* MQMS: keep it where it was if allowed; otherwise the least loaded allowed
 * CPU.  The search starts at the CPU it ran on and looks at no more than
 * SELECT_SCAN allowed CPUs, stopping at the first with nothing to do: a
 * wake-up on 64 CPUs costs what it does on 16 (Linux bounds its idle-CPU
 * search likewise); a CPU left idle beyond the window pulls work itself
 * (idle_pull). */
#define SELECT_SCAN 16
int select_cpu(struct task *t)
{
    int best = -1, seen = 0, first = t->se.cpu >= 0 && t->se.cpu < ncpus ? t->se.cpu : 0;
    unsigned best_load = ~0U;
    for (int i = 0; i < ncpus && seen < SELECT_SCAN && best_load > 0; i++) {
        int c = first + i < ncpus ? first + i : first + i - ncpus;
        if (!percpu_area[c].online || !may_run_on(t, c))
            continue;
        seen++;
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
 * now that a task waits.
 */
int sqms_target(struct runqueue *rq, struct task *t, uint64_t *tickless)
{
    int first = t->se.cpu, target = -1;
    for (int i = 0; i < ncpus && target < 0; i++) {
        int c = (first + i) % ncpus;
        if (percpu_area[c].online && may_run_on(t, c) && percpu_area[c].cur_task == cpus[c].idle &&
            !cpus[c].wake_pending)
            target = c;
    }
    for (int i = 0; i < ncpus && target < 0; i++) {
        int c = (first + i) % ncpus;
        struct task *cur = percpu_area[c].cur_task;
        if (!percpu_area[c].online || !may_run_on(t, c) || !cur || cur == cpus[c].idle)
            continue;
        if (should_preempt(rq, c, cur, t))
            target = c;
        else if (READ_ONCE(percpu_area[c].tick_stopped))
            *tickless |= 1ULL << c;
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
 * themselves).  Bounded by the CPU count, and only while overloaded. */
void kick_idle_cpu(int me)
{
    for (int c = 0; c < ncpus; c++) {
        struct percpu *p = &percpu_area[c];
        if (c == me || !p->online || !READ_ONCE(p->tick_stopped) || p->cur_task != p->idle)
            continue;
        WRITE_ONCE(p->next_pull_ns, 0);
        kick_cpu(c);
        return;
    }
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
void sched_set_affinity(struct task *t, uint64_t mask)
{
    struct runqueue *rq = task_rq_lock(t);
    t->cpu_mask = mask;
    bool allowed = may_run_on(t, t->se.cpu);
    bool requeue = !allowed && t->se.on_rq && !is_shared(rq);
    if (requeue) {
        rq_dequeue(rq, t);
        rq->nr_running--;
    }
    uint64_t tickless = 0;
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
 * more than its running task.  The busy CPU's run-queue lock is taken only
 * once a task that may move has been seen (and the choice is checked again
 * under it): tasks pinned there would otherwise have their switches wait on
 * a lock the idle CPU holds just to find nothing, every few milliseconds
 * (and for a whole host time slice when an emulated CPU is descheduled
 * holding it).  Returns true if a task was stolen.
 */
static bool may_pull(struct task *t, int from, int to)
{
    return READ_ONCE(t->se.cpu) == from && READ_ONCE(t->se.on_rq) && (READ_ONCE(t->cpu_mask) & (1ULL << to));
}

bool idle_pull(int me)
{
    struct sched_cpu_stats *st = &cpus[me].stats;
    st->lb_count++;
    int busiest = -1;
    unsigned most = 1;
    for (int c = 0; c < ncpus; c++)
        if (c != me && percpu_area[c].online && queues[c].nr_running > most) {
            most = queues[c].nr_running;
            busiest = c;
        }
    if (busiest < 0) {
        st->lb_balanced++;
        return false;
    }
    struct runqueue *src = &queues[busiest], *dst = &queues[me];
    bool pulled = false;
    spin_lock(&tasks_lock);
    struct task *t = NULL;
    list_for_each(n, &all_tasks) {
        t = container_of(n, struct task, all_node);
        if (may_pull(t, busiest, me))
            break;
        t = NULL;
    }
    if (t) {
        rq_lock(busiest < me ? src : dst);
        rq_lock(busiest < me ? dst : src);
        if (!single_queue() && may_pull(t, busiest, me)) {
            rq_dequeue(src, t);
            src->nr_running--;
            t->se.cpu = me;
            dst->nr_running++;
            rq_enqueue(dst, t, ENQ_WAKEUP);
            pulled = true;
        }
        rq_unlock(busiest < me ? dst : src);
        rq_unlock(busiest < me ? src : dst);
    }
    spin_unlock(&tasks_lock);
    if (pulled)
        st->lb_gained++;
    else
        st->lb_failed++;
    return pulled;
}
