/*
 * The scheduler tick: each CPU's periodic high-resolution timer (tick_fn)
 * charges the running task, lets its policy decide whether it has run long
 * enough, and keeps the real-time bandwidth; CPU 0 also samples the load
 * average.  The tick stops while a CPU idles (tick_stop_idle, from the idle
 * loop) and on a nohz_full CPU running one task with nothing waiting; an
 * enqueue for such a CPU restarts it (tick_restart) and charges the task it
 * runs first (charge_tickless), as the tick would have.
 *
 * Locking: the tick takes the lock of the queue its CPU serves
 * (this_rq_lock_irqsoff) to charge and to ask the policy; a CPU's real-time
 * budget (struct cpu_sched) is protected by that lock too.  tick_stopped
 * (struct percpu) is written by its own CPU with interrupts off and read by
 * others.  The bandwidth settings are read and written without a lock.
 */
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <kernel/trace.h>
#include <proc/posix_timer.h>
#include <sched/class.h>
#include <sched/loadavg.h>
#include <sched/sched.h>
#include "internal.h"

/* Linux's real-time bandwidth (/proc/sys/kernel/sched_rt_runtime_us and
 * sched_rt_period_us): in each period the real-time classes may use at
 * most rt_runtime of a CPU; the rest goes to the other tasks, so a
 * runaway SCHED_FIFO task cannot freeze the system.  A runtime < 0
 * disables it.  Each CPU keeps its own budget (Linux without
 * RT_RUNTIME_SHARE), in both queue modes. */
static int64_t rt_runtime_ns = 950000000;
static uint64_t rt_period_ns = 1000000000;

/* The scheduler tick of each CPU: a periodic high-resolution timer,
 * stopped while the CPU idles and on a nohz_full CPU running one task. */
static struct hrtimer *tick_timer;     /* nr_cpu_ids, from sched_init */
/* The load average's 5-second sample, on CPU 0. */
static struct hrtimer loadavg_timer;

/* Charges the real-time class for delta (if cur is real-time), starts a
 * new period when one has passed, and holds the class back on this CPU once
 * it has used its runtime.  Caller holds the lock of the queue it serves. */
static void rt_bandwidth_tick(struct cpu_sched *cs, struct runqueue *rq, struct task *cur, uint64_t now,
                              uint64_t delta)
{
    int64_t runtime = READ_ONCE(rt_runtime_ns);
    uint64_t period = READ_ONCE(rt_period_ns);
    if (now - cs->rt_period_start_ns >= period) {
        cs->rt_period_start_ns = now;
        cs->rt_time_ns = 0;
        if (cs->rt_throttled) {
            cs->rt_throttled = false;
            if (rq->cls.rt.nr_queued || cur == cs->idle)
                cur->need_resched = true;
        }
    }
    if (!is_rt(cur) || runtime < 0)
        return;
    cs->rt_time_ns += delta;
    if (!cs->rt_throttled && cs->rt_time_ns > (uint64_t)runtime) {
        static bool said;
        cs->rt_throttled = true;
        cur->need_resched = true;
        if (!said) {
            said = true;                /* once, as Linux says it */
            kprintf(KERN_WARNING "sched: RT throttling activated\n");
        }
    }
}

int sched_rt_bandwidth(int64_t runtime_us, int64_t period_us, bool set_runtime, bool set_period)
{
    int64_t runtime = set_runtime ? runtime_us : (int64_t)READ_ONCE(rt_runtime_ns) / 1000;
    int64_t period = set_period ? period_us : (int64_t)(READ_ONCE(rt_period_ns) / 1000);
    if (period <= 0 || period > 0x7fffffff || runtime < -1 || (runtime >= 0 && runtime > period))
        return -EINVAL;
    WRITE_ONCE(rt_period_ns, (uint64_t)period * 1000);
    WRITE_ONCE(rt_runtime_ns, runtime < 0 ? -1 : runtime * 1000);
    if (runtime < 0)
        for (int c = 0; c < ncpus; c++)
            WRITE_ONCE(cpus[c].rt_throttled, false);   /* the next tick reschedules */
    return 0;
}

void sched_rt_bandwidth_get(int64_t *runtime_us, int64_t *period_us)
{
    int64_t r = READ_ONCE(rt_runtime_ns);
    *runtime_us = r < 0 ? -1 : r / 1000;
    *period_us = (int64_t)(READ_ONCE(rt_period_ns) / 1000);
}

/* ---- the tick ---- */

/* The scheduler tick (tick_fn, this CPU's periodic hrtimer), interrupts off. */
static void sched_timer_tick(void)
{
    struct percpu *pc = this_cpu();
    struct cpu_sched *cs = this_cs();
    struct task *cur = pc->cur_task;
    if (cur == cs->idle) {
        if (READ_ONCE(cs->rt_throttled)) {
            struct runqueue *rq = this_rq_lock_irqsoff();
            rt_bandwidth_tick(cs, rq, cur, time_ns(), 0);
            spin_unlock_irqsoff(&rq->lock);
        }
        return;
    }
    struct runqueue *rq = this_rq_lock_irqsoff();
    uint64_t now = time_ns();
    uint64_t delta = sched_class_ran(&cur->se, now);
    cs->stats.run_ns += delta;
    rt_bandwidth_tick(cs, rq, cur, now, delta);
    if (sched_class_tick(&rq->cls, &cur->se, now, delta, cs->rt_throttled))
        cur->need_resched = true;
    /* nohz_full: one task and nothing waiting needs no tick; the next
     * enqueue for this CPU restarts it (tick_restart, via IPI if remote).
     * A real-time task keeps it while its bandwidth is limited, as Linux
     * keeps its bandwidth timer (sched_rt_runtime_us = -1 lifts that). */
    if (cpuset_test(sched_nohz_full_cpus(), pc->cpu_id) && !sched_class_nr_queued(&rq->cls) && !cur->need_resched &&
        !(is_rt(cur) && READ_ONCE(rt_runtime_ns) >= 0) && !posix_cpu_timers_armed(cur))
        pc->tick_stopped = true;        /* tick_fn does not rearm */
    /* per-cpu queues: tasks waiting here while a CPU may idle elsewhere */
    bool overloaded = !is_shared(rq) && rq->nr_running > 1;
    spin_unlock_irqsoff(&rq->lock);
    if (overloaded && sched_work_stealing())
        kick_idle_cpu(pc->cpu_id);
}

static enum hrtimer_restart tick_fn(struct hrtimer *h)
{
    sched_timer_tick();
    struct task *cur = current;
    if (cur != this_cs()->idle)
        posix_cpu_timers_tick(cur);
    if (this_cpu()->tick_stopped)
        return HRTIMER_NORESTART;
    hrtimer_forward(h, time_ns(), TICK_NS);
    return HRTIMER_RESTART;
}

static enum hrtimer_restart loadavg_fn(struct hrtimer *h)
{
    uint64_t now = time_ns();
    loadavg_tick(now);
    hrtimer_forward(h, now, LOADAVG_FREQ_NS);
    return HRTIMER_RESTART;
}

/* Restarts this CPU's tick if idle or nohz_full stopped it: the next tick
 * one period from now. */
void tick_restart(void)
{
    struct percpu *pc = this_cpu();
    if (!pc->tick_stopped)
        return;
    pc->tick_stopped = false;
    hrtimer_start(&tick_timer[pc->cpu_id], time_ns() + TICK_NS);
}

void sched_tick_needed(void)
{
    uint64_t f = irq_save();
    tick_restart();
    irq_restore(f);
}

/* Stops this CPU's tick (it is about to idle).  Interrupts off. */
void tick_stop_idle(void)
{
    struct percpu *pc = this_cpu();
    if (pc->tick_stopped)
        return;
    pc->tick_stopped = true;
    hrtimer_cancel(&tick_timer[pc->cpu_id]);
}

/*
 * Charges the task running on CPU `cpu` (served by rq, whose lock the
 * caller holds) for the time since it was last charged, as its tick would.
 * Called before a task joins rq while that CPU runs without a tick
 * (nohz_full): nothing has charged its task since the tick stopped, so the
 * policy's clock (fair's min_vruntime) is as old as that, and the newcomer,
 * placed by it, would be ahead by all that time and keep the CPU as long
 * (Linux charges the current task on every enqueue for the same reason).
 */
static void charge_running(struct runqueue *rq, int cpu)
{
    struct task *cur = percpu_area[cpu].cur_task;
    if (!cur || cur == cpus[cpu].idle)
        return;
    uint64_t now = time_ns(), delta = sched_class_ran(&cur->se, now);
    cpus[cpu].stats.run_ns += delta;
    if (sched_class_tick(&rq->cls, &cur->se, now, delta, READ_ONCE(cpus[cpu].rt_throttled)))
        cur->need_resched = true;
}

/* Before a task joins rq: every CPU serving rq that runs a task without a
 * tick has it charged (one CPU for a per-CPU queue, any for the shared one). */
void charge_tickless(struct runqueue *rq, int only)
{
    if (only >= 0) {                    /* a per-CPU queue: its CPU alone */
        if (percpu_area[only].online && READ_ONCE(percpu_area[only].tick_stopped))
            charge_running(rq, only);
        return;
    }
    for (int c = 0; c < ncpus; c++)
        if ((only < 0 || c == only) && percpu_area[c].online && READ_ONCE(percpu_area[c].tick_stopped))
            charge_running(rq, c);
}

/* Allocates every CPU's tick timer (sched_init). */
void sched_tick_init(void)
{
    tick_timer = percpu_array_alloc(sizeof *tick_timer);
}

/* Starts this CPU's tick, and on CPU 0 the load average's (sched_start). */
void sched_tick_start(int cpu)
{
    hrtimer_init(&tick_timer[cpu], tick_fn);
    this_cpu()->tick_stopped = true;
    tick_restart();
    if (cpu == 0) {
        hrtimer_init(&loadavg_timer, loadavg_fn);
        hrtimer_start(&loadavg_timer, time_ns() + LOADAVG_FREQ_NS);
    }
}
