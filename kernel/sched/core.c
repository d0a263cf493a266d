/*
 * The scheduler core: the mechanism half of CPU virtualization.
 *
 * A run queue holds two policy instances: the real-time class
 * (SCHED_FIFO/SCHED_RR, always served first) and the system policy chosen on
 * the command line (sched=NAME) or at run time through
 * /proc/sys/kernel/sched_policy.  The core owns the run-queue locks, the
 * context switch, the timer tick, wake-ups, timed sleeps and the idle loop;
 * the policies (kernel/sched/policy_*.c) only decide who runs next.
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
 * Locking: a queue's lock protects the queue, its policy state and every
 * queued task's sched_entity, state and on_cpu.  schedule() holds the lock
 * of the queue its CPU serves across the context switch; the task that
 * resumes releases it (finish_switch), with interrupts restored from that
 * task's own saved flags.  A task that was just switched out may still be
 * on its old CPU's stack until on_cpu clears; a CPU that picks it waits for
 * that (SMP safety).  The queue mode changes only with every queue locked,
 * so whoever holds one queue's lock sees a stable mode; code that chose a
 * queue before locking it checks the choice again under the lock.
 *
 * Every run-queue lock acquisition is counted for the CPU taking it, and
 * the time spent spinning for a held one is measured with the TSC: with
 * migrations, balancing and wake-up counts they make the two designs'
 * trade-off visible (/proc/schedstat, /proc/sched_queues: kernel/fs/procfs_sched.c).
 *
 * The kernel is not preemptible: a task gives up the CPU in schedule(), on
 * return to user space when need_resched is set, or by blocking.
 */
#include <arch/cpu.h>
#include <arch/entry.h>
#include <arch/fpu.h>
#include <arch/percpu.h>
#include <arch/thread.h>
#include <kernel/cputime.h>
#include <kernel/kernel.h>
#include <kernel/perf_event.h>
#include <kernel/spinlock.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <kernel/trace.h>
#include <kernel/wait.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/vm.h>
#include <proc/posix_timer.h>
#include <proc/proc.h>
#include <proc/signal.h>
#include <sched/class.h>
#include <sched/loadavg.h>
#include <sched/sched.h>

/*
 * A run queue: the tasks waiting for a CPU, ordered by the two policy
 * instances, under one lock.  queues[c] is CPU c's own (MQMS); the shared
 * one (SQMS) is queues[nr_cpu_ids], the last, so that taking every queue's
 * lock in index order is taking them in address order (docs/locking.md).
 */
struct runqueue {
    struct spinlock lock;
    /* --- protected by lock --- */
    struct sched_class_rq cls;    /* the real-time class and the system policy */
    unsigned nr_running;          /* its tasks: queued + running, idle excluded */
};

/*
 * What each CPU keeps for itself, whichever queue it serves.  The switch
 * state, wake_pending and the real-time budget are protected by the lock of
 * the queue the CPU serves; the counters are written by this CPU alone
 * (migrations_out by the CPU a task moves to, atomically; run_ns also by a
 * CPU charging this one's task, under that queue lock) and read without a
 * lock.
 */
struct cpu_sched {
    struct task *idle;
    struct runqueue *locked;      /* the queue whose lock is held across the switch */
    struct task *prev;            /* the task switched away from (for finish_switch) */
    bool prev_dead;               /* prev was already reaped: free it once off its stack */
    bool prev_migrate;            /* prev may not run here (affinity): place it elsewhere */
    bool wake_pending;            /* SQMS: an enqueue kicked this idle CPU, which has not picked yet */
    /* real-time throttling: the real-time class's CPU time here in the
     * current period, and whether it is held back until the next */
    uint64_t rt_time_ns, rt_period_start_ns;
    bool rt_throttled;
    struct sched_cpu_stats stats; /* lock_wait_ns is kept in cycles below */
    uint64_t lock_wait_cycles;
};

/* Linux's real-time bandwidth (/proc/sys/kernel/sched_rt_runtime_us and
 * sched_rt_period_us): in each period the real-time classes may use at
 * most rt_runtime of a CPU; the rest goes to the other tasks, so a
 * runaway SCHED_FIFO task cannot freeze the system.  A runtime < 0
 * disables it.  Each CPU keeps its own budget (Linux without
 * RT_RUNTIME_SHARE), in both queue modes. */
static int64_t rt_runtime_ns = 950000000;
static uint64_t rt_period_ns = 1000000000;

/* Allocated by sched_init for the CPUs that may start (nr_cpu_ids). */
#define SHARED_Q nr_cpu_ids
static struct runqueue *queues;         /* nr_cpu_ids + 1 */
static struct cpu_sched *cpus;
static const struct sched_policy *system_policy;
struct sched_tunables sched_tun;
static struct spinlock policy_lock = SPINLOCK_INIT("sched_policy");
/* Written with every queue locked (sched_set_queue_mode); read freely. */
static enum sched_queue_mode queue_mode = SCHED_QUEUES_PER_CPU;
/* MQMS: may an idle CPU steal from a busier queue?  Read freely. */
static bool work_stealing = true;

/* CPU isolation ("isolcpus=LIST": no task runs there unless pinned to it)
 * and full dynticks ("nohz_full=LIST": the tick stops while one task runs).
 * CPU 0 keeps housekeeping duties (timers, sleepers) and is never in either. */
static uint64_t isolated_mask, nohz_mask;

/* "1", "1-3", "1,3-4" -> a bit mask; bad input gives 0 */
static uint64_t parse_cpulist(const char *s)
{
    uint64_t mask = 0;
    while (s && *s) {
        unsigned a = 0, b;
        if (*s < '0' || *s > '9')
            return 0;
        while (*s >= '0' && *s <= '9')
            a = a * 10 + (unsigned)(*s++ - '0');
        b = a;
        if (*s == '-') {
            s++;
            b = 0;
            if (*s < '0' || *s > '9')
                return 0;
            while (*s >= '0' && *s <= '9')
                b = b * 10 + (unsigned)(*s++ - '0');
        }
        for (unsigned c = a; c <= b && c < MAX_CPUS; c++)
            mask |= 1ULL << c;
        if (*s == ',')
            s++;
        else if (*s)
            return 0;
    }
    return mask & ~1ULL;
}

/* The affinity every task gets unless it asks otherwise: all but isolated CPUs. */
uint64_t sched_default_affinity(void) { return ~isolated_mask; }

uint64_t sched_nohz_full_mask(void) { return nohz_mask; }

static void kick_cpu(int cpu);
static void kick_idle_cpu(int me);

/* The scheduler tick of each CPU: a periodic high-resolution timer,
 * stopped while the CPU idles and on a nohz_full CPU running one task. */
static struct hrtimer *tick_timer;     /* nr_cpu_ids, from sched_init */
/* The load average's 5-second sample, on CPU 0. */
static struct hrtimer loadavg_timer;

static bool single_queue(void) { return READ_ONCE(queue_mode) == SCHED_QUEUES_SINGLE; }
static bool is_shared(const struct runqueue *rq) { return rq == &queues[SHARED_Q]; }
static bool may_run_on(const struct task *t, int cpu) { return t->cpu_mask & (1ULL << cpu); }
static struct cpu_sched *this_cs(void) { return &cpus[this_cpu_id()]; }

/* The queue CPU `cpu` serves, and the one task `t` belongs to. */
static struct runqueue *cpu_queue(int cpu) { return single_queue() ? &queues[SHARED_Q] : &queues[cpu]; }
static struct runqueue *task_rq(struct task *t) { return cpu_queue(t->se.cpu); }

/* ---- run-queue locks, counted ---- */

/* The lock's statistics for this CPU: one more acquisition and, if another
 * CPU held it, the cycles (arch_cycles) spent spinning since `t0`. */
static void rq_lock_counted(bool contended, uint64_t t0)
{
    struct cpu_sched *cs = this_cs();
    cs->stats.lock_acquired++;
    if (contended) {
        cs->stats.lock_contended++;
        cs->lock_wait_cycles += arch_cycles() - t0;
    }
}

/* Takes rq's lock as spin_lock() does, or (irqsoff) as spin_lock_irqsoff(). */
static void rq_lock_as(struct runqueue *rq, bool irqsoff)
{
    if (irqsoff ? spin_trylock_irqsoff(&rq->lock) : spin_trylock(&rq->lock)) {
        rq_lock_counted(false, 0);
        return;
    }
    uint64_t t0 = arch_cycles();
    if (irqsoff)
        spin_lock_irqsoff(&rq->lock);
    else
        spin_lock(&rq->lock);
    rq_lock_counted(true, t0);
}

static void rq_lock(struct runqueue *rq) { rq_lock_as(rq, false); }
static void rq_lock_irqsoff(struct runqueue *rq) { rq_lock_as(rq, true); }
static void rq_unlock(struct runqueue *rq) { spin_unlock(&rq->lock); }

/* Lock the queue this CPU serves (interrupts already off), checking the
 * choice again under the lock: the mode may have changed meanwhile. */
static struct runqueue *this_rq_lock_irqsoff(void)
{
    for (;;) {
        struct runqueue *rq = cpu_queue(this_cpu_id());
        rq_lock_irqsoff(rq);
        if (rq == cpu_queue(this_cpu_id()))
            return rq;
        spin_unlock_irqsoff(&rq->lock);
    }
}

/* Lock the run queue `t` belongs to.  A task that wakes up may be moved to
 * another CPU's queue meanwhile (activate() picks its CPU before taking the
 * new queue's lock), and the mode may change, so the choice is checked
 * again under the lock. */
static struct runqueue *task_rq_lock(struct task *t)
{
    for (;;) {
        struct runqueue *rq = task_rq(t);
        rq_lock(rq);
        if (rq == task_rq(t))
            return rq;
        rq_unlock(rq);
    }
}

/* Every queue in use, in address order (policy and mode switches,
 * tunables): the CPUs' own and the shared one. */
static void lock_all_queues(void)
{
    for (int c = 0; c < ncpus; c++)
        rq_lock(&queues[c]);
    rq_lock(&queues[SHARED_Q]);
}

static void unlock_all_queues(void)
{
    rq_unlock(&queues[SHARED_Q]);
    for (int c = ncpus - 1; c >= 0; c--)
        rq_unlock(&queues[c]);
}

/* ---- queueing ---- */

static bool is_rt(const struct task *t) { return t->policy == SCHED_FIFO || t->policy == SCHED_RR; }

static void rq_enqueue(struct runqueue *rq, struct task *t, enum sched_enq_reason why)
{
    spin_assert_held(&rq->lock);
    sched_class_enqueue(&rq->cls, &t->se, why, time_ns());
    trace_sched(why == ENQ_WAKEUP || why == ENQ_NEW ? TRACE_WAKE : TRACE_READY, t->pid, t->se.cpu);
}

static void rq_dequeue(struct runqueue *rq, struct task *t)
{
    spin_assert_held(&rq->lock);
    sched_class_dequeue(&rq->cls, &t->se, time_ns());
}

/* Does `t` (just made runnable on rq) deserve CPU `cpu` more than the task
 * `cur` running there?  The policies decide (sched_class_check_preempt). */
static bool should_preempt(struct runqueue *rq, int cpu, struct task *cur, struct task *t)
{
    struct sched_entity *curr = cur == cpus[cpu].idle ? NULL : &cur->se;
    return sched_class_check_preempt(&rq->cls, curr, &t->se, READ_ONCE(cpus[cpu].rt_throttled));
}

/* A CPU's own queue only holds tasks that may run there; in the shared
 * queue a pick passes over those whose affinity excludes the CPU. */
static bool pick_allowed(const struct sched_entity *se, void *cpu)
{
    return may_run_on(container_of(se, struct task, se), (int)(intptr_t)cpu);
}

static struct task *pick_next(struct runqueue *rq, int cpu)
{
    struct cpu_sched *cs = &cpus[cpu];
    uint64_t now = time_ns();
    struct sched_entity *se = sched_class_pick(&rq->cls, now, cs->rt_throttled,
                                               is_shared(rq) ? pick_allowed : NULL, (void *)(intptr_t)cpu);
    if (!se)
        return cs->idle;
    struct task *t = container_of(se, struct task, se);
    t->stats.ready_ns += now - t->se.enqueued_ns;
    cs->stats.run_delay_ns += now - t->se.enqueued_ns;
    return t;
}

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
    if ((nohz_mask & (1ULL << pc->cpu_id)) && !sched_class_nr_queued(&rq->cls) && !cur->need_resched &&
        !(is_rt(cur) && READ_ONCE(rt_runtime_ns) >= 0) && !posix_cpu_timers_armed(cur))
        pc->tick_stopped = true;        /* tick_fn does not rearm */
    /* per-cpu queues: tasks waiting here while a CPU may idle elsewhere */
    bool overloaded = !is_shared(rq) && rq->nr_running > 1;
    spin_unlock_irqsoff(&rq->lock);
    if (overloaded && READ_ONCE(work_stealing))
        kick_idle_cpu(pc->cpu_id);
}

/* A CPU with more work than it can run wakes one tickless idle CPU, which
 * then looks for work to steal (idle CPUs take no tick to look by
 * themselves).  Bounded by the CPU count, and only while overloaded. */
static void kick_idle_cpu(int me)
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
static void tick_restart(void)
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
static void tick_stop_idle(void)
{
    struct percpu *pc = this_cpu();
    if (pc->tick_stopped)
        return;
    pc->tick_stopped = true;
    hrtimer_cancel(&tick_timer[pc->cpu_id]);
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

/* The reschedule IPI: another CPU queued work here. */
void sched_ipi_resched(void)
{
    tick_restart();
    current->need_resched = true;
}

bool sched_need_resched(void) { return current->need_resched; }

/* ---- switching ---- */

static void activate(struct task *t, enum sched_enq_reason why);

/* Runs in the context of the task that just got the CPU. */
static void finish_switch(struct cpu_sched *cs)
{
    struct task *prev = cs->prev;
    struct runqueue *rq = cs->locked;
    bool release = cs->prev_dead, migrate = cs->prev_migrate;
    cs->prev = NULL;
    cs->locked = NULL;
    cs->prev_dead = false;
    cs->prev_migrate = false;
    if (prev)
        __atomic_store_n(&prev->on_cpu, -1, __ATOMIC_RELEASE);
    spin_unlock_irqsoff(&rq->lock);
    if (migrate)
        activate(prev, ENQ_PREEMPTED);  /* to a CPU its affinity allows */
    /* An auto-reaped task (DEAD when it switched out) is freed here; a zombie
     * is freed by the parent that reaps it, which waits for on_cpu == -1. */
    if (release)
        task_release(prev);
}

/* The first thing a new task runs (entry.S: task_first_return). */
void schedule_tail(void) { finish_switch(this_cs()); }

/* `next` starts running on this CPU: if it last ran on another, that is a
 * migration, counted for the task and both CPUs and traced. */
static void note_migration(struct cpu_sched *cs, struct task *next, int cpu)
{
    int from = next->last_cpu;
    next->last_cpu = cpu;
    if (from < 0 || from == cpu)
        return;
    next->stats.nr_migrations++;
    cs->stats.migrations_in++;
    __atomic_fetch_add(&cpus[from].stats.migrations_out, 1, __ATOMIC_RELAXED);
    perf_sched_migrate(next, from, cpu);
    trace_sched(TRACE_MIGRATE, next->pid, cpu);
}

static void context_switch(struct cpu_sched *cs, struct runqueue *rq, struct task *prev, struct task *next)
{
    struct percpu *pc = this_cpu();
    uint64_t now = time_ns();
    next->se.slice_start_ns = now;
    next->se.cpu = pc->cpu_id;
    if (next != cs->idle) {
        cs->stats.pcount++;
        note_migration(cs, next, pc->cpu_id);
        if (!next->stats.first_run_ns)
            next->stats.first_run_ns = now;
    }
    /* wait until next has fully left any other CPU */
    while (__atomic_load_n(&next->on_cpu, __ATOMIC_ACQUIRE) >= 0 && next->on_cpu != pc->cpu_id)
        cpu_relax();
    next->on_cpu = pc->cpu_id;
    cs->stats.nr_switches++;
    perf_sched_switch(prev, next);
    trace_sched(TRACE_SWITCH, next->pid, pc->cpu_id);

    if (prev->fpu)
        arch_fpu_save(prev->fpu);
    /* A CPU switching to a task without an address space (idle) loads the
     * kernel's page table instead of keeping the last one: that address
     * space may be freed by its owner on another CPU, and a page table
     * still loaded here would be reused under our feet. */
    if (next->mm != prev->mm)
        mm_activate(next->mm);
    if (next->fpu)
        arch_fpu_restore(next->fpu);
    arch_set_tls(next->tls_base);
    arch_set_kernel_stack((uint64_t)next->kstack + KSTACK_SIZE);
    cputime_switch(next, next == cs->idle);     /* also makes it pc->cur_task */
    syscall_fast_enosys_update(next, next == cs->idle);
    cs->locked = rq;
    cs->prev = prev;
    cs->prev_dead = prev->autoreaped;
    arch_switch_to(&prev->ksp, next->ksp);
    finish_switch(this_cs());
}

void schedule(void)
{
    spin_assert_none_held();
    uint64_t flags = irq_save();
    struct cpu_sched *cs = this_cs();
    int cpu = this_cpu_id();
    struct task *prev = this_cpu()->cur_task;
    struct runqueue *rq = this_rq_lock_irqsoff();
    cs->stats.sched_count++;
    cs->wake_pending = false;
    prev->need_resched = false;
    bool involuntary = false, migrate = false;
    if (prev != cs->idle) {
        /* charged, and given back to the queue if it stays runnable here */
        uint64_t now = time_ns(), ran = sched_class_ran(&prev->se, now);
        cs->stats.run_ns += ran;
        enum sched_enq_reason why = 0;
        if (prev->state == TASK_RUNNING && !may_run_on(prev, cpu)) {
            involuntary = migrate = true;   /* affinity changed: leave this CPU */
            rq->nr_running--;
        } else if (prev->state == TASK_RUNNING) {
            involuntary = true;
            why = ENQ_PREEMPTED;
        } else {
            rq->nr_running--;
            trace_sched(prev->state == TASK_ZOMBIE || prev->state == TASK_DEAD ? TRACE_EXIT : TRACE_BLOCK,
                        prev->pid, cpu);
        }
        sched_class_put_prev(&rq->cls, &prev->se, now, ran, why);
        if (why)
            trace_sched(TRACE_READY, prev->pid, prev->se.cpu);
    }
    struct task *next = pick_next(rq, cpu);
    if (next == cs->idle)
        cs->stats.sched_goidle++;
    if (next == prev) {
        spin_unlock_irqsoff(&rq->lock);
        irq_restore(flags);
        return;
    }
    if (prev != cs->idle) {
        if (involuntary)
            prev->stats.nivcsw++;
        else
            prev->stats.nvcsw++;
    }
    cs->prev_migrate = migrate;
    context_switch(cs, rq, prev, next);
    irq_restore(flags);
}

void sched_yield_current(void)
{
    struct task *t = current;
    uint64_t flags = irq_save();
    struct cpu_sched *cs = this_cs();
    struct runqueue *rq = this_rq_lock_irqsoff();
    cs->stats.yld_count++;
    cs->stats.sched_count++;
    t->need_resched = false;
    /* alone on its queue it keeps the CPU: only its policy's accounting */
    uint64_t now = time_ns();
    if (!sched_class_yield(&rq->cls, &t->se, now)) {
        spin_unlock_irqsoff(&rq->lock);
        irq_restore(flags);
        return;
    }
    uint64_t ran = sched_class_ran(&t->se, now);
    cs->stats.run_ns += ran;
    sched_class_put_prev(&rq->cls, &t->se, now, ran, ENQ_YIELD);
    trace_sched(TRACE_READY, t->pid, t->se.cpu);
    struct task *next = pick_next(rq, this_cpu_id());
    if (next == t) {
        spin_unlock_irqsoff(&rq->lock);
        irq_restore(flags);
        return;
    }
    t->stats.nvcsw++;
    context_switch(cs, rq, t, next);
    irq_restore(flags);
}

/* ---- placement and wake-ups ---- */

/* MQMS: keep it where it was if allowed; otherwise the least loaded allowed
 * CPU.  The search starts at the CPU it ran on and looks at no more than
 * SELECT_SCAN allowed CPUs, stopping at the first with nothing to do: a
 * wake-up on 64 CPUs costs what it does on 16 (Linux bounds its idle-CPU
 * search likewise); a CPU left idle beyond the window pulls work itself
 * (idle_pull). */
#define SELECT_SCAN 16
static int select_cpu(struct task *t)
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
static int sqms_target(struct runqueue *rq, struct task *t, uint64_t *tickless)
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
static void charge_tickless(struct runqueue *rq, int only)
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

/* Tell CPU `cpu` (marked need_resched) to reschedule: an IPI if it is
 * another one, or this CPU's own tick back if it had stopped. */
static void notify_cpu(int cpu)
{
    if (cpu != this_cpu_id())
        kick_cpu(cpu);
    else if (this_cpu()->tick_stopped)
        tick_restart();
}

/* `t` (runnable, in no queue) joins the queue it should: the shared one,
 * or that of the CPU select_cpu() chooses.  Takes that queue's lock. */
static void activate(struct task *t, enum sched_enq_reason why)
{
    struct sched_cpu_stats *st = &this_cs()->stats;
    for (;;) {
        bool single = single_queue();
        int cpu = single ? -1 : select_cpu(t);
        struct runqueue *rq = single ? &queues[SHARED_Q] : &queues[cpu];
        rq_lock(rq);
        if (single != single_queue()) {     /* the mode changed meanwhile */
            rq_unlock(rq);
            continue;
        }
        if (why == ENQ_WAKEUP) {
            st->ttwu_count++;
            if (!single && cpu == this_cpu_id())
                st->ttwu_local++;
        }
        if (!single)
            t->se.cpu = cpu;
        charge_tickless(rq, cpu);
        rq->nr_running++;
        rq_enqueue(rq, t, why);
        uint64_t tickless = 0;
        int target;
        if (single) {
            target = sqms_target(rq, t, &tickless);
        } else {
            struct task *cur = percpu_area[cpu].cur_task;
            bool preempt = cur && should_preempt(rq, cpu, cur, t);
            if (preempt)
                cur->need_resched = true;
            target = preempt || percpu_area[cpu].tick_stopped ? cpu : -1;  /* a tickless CPU needs its tick */
        }
        rq_unlock(rq);
        if (target >= 0)
            notify_cpu(target);
        for (int c = 0; tickless; c++, tickless >>= 1)
            if (tickless & 1)
                notify_cpu(c);
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
    bool running = t->on_cpu >= 0 && percpu_area[t->on_cpu].cur_task == t;
    rq_unlock(rq);
    if (!running)
        activate(t, ENQ_WAKEUP);
}

void sched_exit_current(void)
{
    schedule();
    panic("sched: a dead task was scheduled again");
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
 * sleeps without a tick and would not look at its new queue by itself. */
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

void sched_set_work_stealing(bool on) { WRITE_ONCE(work_stealing, on); }
bool sched_work_stealing(void) { return READ_ONCE(work_stealing); }

void sched_set_rt(struct task *t, int policy, int prio)
{
    struct runqueue *rq = task_rq_lock(t);
    bool queued = t->se.on_rq;
    if (queued)
        rq_dequeue(rq, t);
    t->policy = policy;
    t->se.rt_policy = policy;           /* the rt policy tells FIFO from RR by it */
    t->se.rt_priority = prio;
    sched_class_task_new(&rq->cls, &t->se, NULL, time_ns());
    if (queued)
        rq_enqueue(rq, t, ENQ_NEW);
    if (percpu_area[t->se.cpu].cur_task)
        percpu_area[t->se.cpu].cur_task->need_resched = true;
    rq_unlock(rq);
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

static bool idle_pull(int me)
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

/* ---- idle and start-up ---- */

static void kick_cpu(int cpu)
{
    arch_send_resched_ipi(cpu);
}

/*
 * The idle loop.  With per-CPU queues it runs whatever its queue holds and
 * otherwise steals; with the shared queue it picks only when told to
 * (need_resched: an enqueue woke it, sqms_target), since what the shared
 * queue holds may all be pinned elsewhere.
 */
static __noreturn void idle_loop(void)
{
    int me = this_cpu_id();
    for (;;) {
        irq_disable();
        bool single = single_queue();
        if (current->need_resched || (!single && READ_ONCE(queues[me].nr_running) > 0)) {
            tick_restart();
            irq_enable();
            schedule();
            continue;
        }
        /* look for work elsewhere, but after a fruitless search wait a few
         * ticks: scanning takes locks a busy CPU needs */
        if (!single && ncpus > 1 && READ_ONCE(work_stealing) && time_ns() >= this_cpu()->next_pull_ns) {
            irq_enable();
            bool pulled = idle_pull(me);
            irq_disable();
            if (pulled)
                continue;
            this_cpu()->next_pull_ns = time_ns() + 4 * NSEC_PER_MSEC;
        }
        /* tickless idle: nothing to tick for until work arrives (a wake-up
         * restarts the tick), unless real-time throttling is counting down */
        if (!READ_ONCE(cpus[me].rt_throttled))
            tick_stop_idle();
        arch_idle();                    /* interrupts on and wait: no lost wake-up */
    }
}

static void runqueue_init(struct runqueue *rq)
{
    spin_init(&rq->lock, "runqueue");
    sched_class_rq_init(&rq->cls, system_policy, &sched_policy_rt, &sched_tun, 0);
}

static void cpu_sched_init(int cpu, struct task *idle)
{
    runqueue_init(&queues[cpu]);
    cpus[cpu].idle = idle;
    percpu_area[cpu].rq = &queues[cpu];
    percpu_area[cpu].idle = idle;
    percpu_area[cpu].cur_task = idle;
    idle->on_cpu = cpu;
    idle->se.cpu = cpu;
    idle->last_cpu = cpu;
    cputime_cpu_start();                /* runs on that CPU */
}

void sched_init(void)
{
    sched_tunables_default(&sched_tun);
    const char *name = cmdline_get("sched");
    system_policy = name ? sched_policy_find(name) : NULL;
    if (name && (!system_policy || system_policy == &sched_policy_rt))
        kprintf("sched: unknown policy '%s', using the default\n", name);
    if (!system_policy || system_policy == &sched_policy_rt)
        system_policy = sched_policy_find(SCHED_DEFAULT_POLICY);
    if (!system_policy)
        panic("sched: default policy %s missing", SCHED_DEFAULT_POLICY);
    const char *mode = cmdline_get("sched_queues");
    int m = mode ? sched_queue_mode_parse(mode, strlen(mode)) : SCHED_QUEUES_PER_CPU;
    if (m < 0)
        kprintf("sched: unknown sched_queues '%s' (single or per-cpu), using per-cpu\n", mode);
    queue_mode = m < 0 ? SCHED_QUEUES_PER_CPU : (enum sched_queue_mode)m;
    cpus = percpu_array_alloc(sizeof *cpus);
    tick_timer = percpu_array_alloc(sizeof *tick_timer);
    if (!(queues = kzalloc(sizeof *queues * (size_t)(nr_cpu_ids + 1))))
        panic("sched: no memory for %d run queues", nr_cpu_ids + 1);
    runqueue_init(&queues[SHARED_Q]);
    cpu_sched_init(0, task_create_idle(0));
    isolated_mask = parse_cpulist(cmdline_get("isolcpus"));
    nohz_mask = parse_cpulist(cmdline_get("nohz_full"));
    kprintf("sched: system policy %s, %s run queues\n", system_policy->name, sched_queue_mode_name(queue_mode));
    if (isolated_mask || nohz_mask)
        kprintf("sched: isolated CPUs %#lx, tickless CPUs %#lx\n", (unsigned long)isolated_mask,
                (unsigned long)nohz_mask);
    sched_bench_boot();
}

void sched_init_ap(int cpu) { cpu_sched_init(cpu, task_create_idle(cpu)); }

void sched_start(void)
{
    int cpu = this_cpu_id();
    hrtimer_init(&tick_timer[cpu], tick_fn);
    this_cpu()->tick_stopped = true;
    tick_restart();
    if (cpu == 0) {
        hrtimer_init(&loadavg_timer, loadavg_fn);
        hrtimer_start(&loadavg_timer, time_ns() + LOADAVG_FREQ_NS);
    }
    cputime_idle_start();
    irq_enable();
    idle_loop();
}

unsigned sched_nr_running(int cpu) { return READ_ONCE(cpu_queue(cpu)->nr_running); }

unsigned sched_nr_running_total(void)
{
    if (single_queue())
        return READ_ONCE(queues[SHARED_Q].nr_running);
    unsigned n = 0;
    for (int c = 0; c < ncpus; c++)
        if (percpu_area[c].online)
            n += READ_ONCE(queues[c].nr_running);
    return n;
}

uint64_t sched_nr_switches(int cpu) { return cpus[cpu].stats.nr_switches; }

void sched_cpu_stats(int cpu, struct sched_cpu_stats *out)
{
    *out = cpus[cpu].stats;
    out->lock_wait_ns = cycles_to_ns(READ_ONCE(cpus[cpu].lock_wait_cycles));
}
