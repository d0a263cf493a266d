/*
 * The scheduler core: the mechanism half of CPU virtualization.
 *
 * Each CPU has a run queue with two policy instances: the real-time class
 * (SCHED_FIFO/SCHED_RR, always served first) and the system policy chosen on
 * the command line (sched=NAME) or at run time through
 * /proc/sys/kernel/sched_policy.  The core owns the run-queue lock, the
 * context switch, the timer tick, wake-ups, timed sleeps and the idle loop;
 * the policies (kernel/sched/policy_*.c) only decide who runs next.
 *
 * Locking: rq->lock protects the run queue, the policy state and every
 * queued task's sched_entity, state and on_cpu.  It is held across the
 * context switch and released by the task that resumes (finish_switch),
 * with interrupts restored from that task's own saved flags.  A task that
 * was just switched out may still be on its old CPU's stack until on_cpu
 * clears; a CPU that picks it waits for that (SMP safety).
 *
 * The kernel is not preemptible: a task gives up the CPU in schedule(), on
 * return to user space when need_resched is set, or by blocking.
 */
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/entry.h>
#include <arch/fpu.h>
#include <arch/gdt.h>
#include <arch/percpu.h>
#include <kernel/cputime.h>
#include <kernel/kernel.h>
#include <kernel/syscall.h>
#include <kernel/perf_event.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <kernel/trace.h>
#include <kernel/wait.h>
#include <lib/string.h>
#include <mm/vm.h>
#include <proc/posix_timer.h>
#include <proc/proc.h>
#include <proc/signal.h>
#include <proc/task.h>
#include <sched/loadavg.h>
#include <sched/sched.h>

struct runqueue {
    struct spinlock lock;
    struct sched_rq sys;          /* the system policy */
    struct sched_rq rt;           /* SCHED_FIFO / SCHED_RR */
    struct task *idle;
    struct task *prev;            /* the task switched away from (for finish_switch) */
    bool prev_dead;               /* prev was already reaped: free it once off its stack */
    bool prev_migrate;            /* prev may not run here (affinity): place it elsewhere */
    unsigned nr_running;          /* queued + running, idle excluded */
    uint64_t nr_switches;
    /* real-time throttling (under lock): the real-time class's CPU time in
     * the current period, and whether it is held back until the next */
    uint64_t rt_time_ns, rt_period_start_ns;
    bool rt_throttled;
};

/* Linux's real-time bandwidth (/proc/sys/kernel/sched_rt_runtime_us and
 * sched_rt_period_us): in each period the real-time classes may use at
 * most rt_runtime of a CPU; the rest goes to the other tasks, so a
 * runaway SCHED_FIFO task cannot freeze the system.  A runtime < 0
 * disables it.  Each CPU keeps its own budget (Linux without
 * RT_RUNTIME_SHARE). */
static int64_t rt_runtime_ns = 950000000;
static uint64_t rt_period_ns = 1000000000;

static struct runqueue runqueues[MAX_CPUS];
static const struct sched_policy *system_policy;
struct sched_tunables sched_tun;
static struct spinlock policy_lock = SPINLOCK_INIT("sched_policy");

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
static struct hrtimer tick_timer[MAX_CPUS];
/* The load average's 5-second sample, on CPU 0. */
static struct hrtimer loadavg_timer;

static struct runqueue *this_rq(void) { return &runqueues[this_cpu_id()]; }
static struct runqueue *task_rq(struct task *t) { return &runqueues[t->se.cpu]; }
/* Lock the run queue `t` belongs to.  A task that wakes up may be moved to
 * another CPU's queue meanwhile (activate() picks its CPU before taking the
 * new queue's lock), so the choice is checked again under the lock. */
static struct runqueue *task_rq_lock(struct task *t)
{
    for (;;) {
        struct runqueue *rq = task_rq(t);
        spin_lock(&rq->lock);
        if (rq == task_rq(t))
            return rq;
        spin_unlock(&rq->lock);
    }
}

static bool is_rt(const struct task *t) { return t->policy == SCHED_FIFO || t->policy == SCHED_RR; }
static struct sched_rq *prq(struct runqueue *rq, const struct task *t) { return is_rt(t) ? &rq->rt : &rq->sys; }

static void rq_enqueue(struct runqueue *rq, struct task *t, enum sched_enq_reason why)
{
    spin_assert_held(&rq->lock);
    struct sched_rq *r = prq(rq, t);
    r->now_ns = time_ns();
    t->se.enqueued_ns = r->now_ns;
    r->policy->enqueue(r, &t->se, why);
    t->se.on_rq = true;
    trace_sched(why == ENQ_WAKEUP || why == ENQ_NEW ? TRACE_WAKE : TRACE_READY, t->pid, t->se.cpu);
}

static void rq_dequeue(struct runqueue *rq, struct task *t)
{
    spin_assert_held(&rq->lock);
    struct sched_rq *r = prq(rq, t);
    r->policy->dequeue(r, &t->se);
    t->se.on_rq = false;
}

/* Does `t` (just made runnable on rq) deserve the CPU more than rq's current task? */
static bool should_preempt(struct runqueue *rq, struct task *cur, struct task *t)
{
    if (is_rt(t) && rq->rt_throttled)
        return false;                   /* held back until the next period */
    if (cur == rq->idle)
        return true;
    if (is_rt(t) && !is_rt(cur))
        return true;
    if (is_rt(t) && is_rt(cur))
        return t->se.rt_priority > cur->se.rt_priority;
    if (is_rt(cur))
        return false;
    struct sched_rq *r = &rq->sys;
    return r->policy->check_preempt && r->policy->check_preempt(r, &cur->se, &t->se);
}

static struct task *pick_next(struct runqueue *rq)
{
    uint64_t now = time_ns();
    rq->rt.now_ns = rq->sys.now_ns = now;
    struct sched_entity *se = rq->rt_throttled ? NULL : rq->rt.policy->pick_next(&rq->rt);
    if (!se)
        se = rq->sys.policy->pick_next(&rq->sys);
    if (!se)
        return rq->idle;
    struct task *t = container_of(se, struct task, se);
    t->se.on_rq = false;
    t->stats.ready_ns += now - t->se.enqueued_ns;
    return t;
}

/* Charges the real-time class for delta (if cur is real-time), starts a
 * new period when one has passed, and holds the class back once it has
 * used its runtime.  Caller holds rq->lock. */
static void rt_bandwidth_tick(struct runqueue *rq, struct task *cur, uint64_t now, uint64_t delta)
{
    int64_t runtime = READ_ONCE(rt_runtime_ns);
    uint64_t period = READ_ONCE(rt_period_ns);
    if (now - rq->rt_period_start_ns >= period) {
        rq->rt_period_start_ns = now;
        rq->rt_time_ns = 0;
        if (rq->rt_throttled) {
            rq->rt_throttled = false;
            if (rq->rt.nr_queued || cur == rq->idle)
                cur->need_resched = true;
        }
    }
    if (!is_rt(cur) || runtime < 0)
        return;
    rq->rt_time_ns += delta;
    if (!rq->rt_throttled && rq->rt_time_ns > (uint64_t)runtime) {
        static bool said;
        rq->rt_throttled = true;
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
            WRITE_ONCE(runqueues[c].rt_throttled, false);   /* the next tick reschedules */
    return 0;
}

void sched_rt_bandwidth_get(int64_t *runtime_us, int64_t *period_us)
{
    int64_t r = READ_ONCE(rt_runtime_ns);
    *runtime_us = r < 0 ? -1 : r / 1000;
    *period_us = (int64_t)(READ_ONCE(rt_period_ns) / 1000);
}

/* The scheduler tick (tick_fn, this CPU's periodic hrtimer), interrupts off. */
static void sched_timer_tick(void)
{
    struct percpu *pc = this_cpu();
    struct runqueue *rq = this_rq();
    struct task *cur = pc->cur_task;
    if (cur == rq->idle) {
        if (READ_ONCE(rq->rt_throttled)) {
            spin_lock(&rq->lock);
            rt_bandwidth_tick(rq, cur, time_ns(), 0);
            spin_unlock(&rq->lock);
        }
        return;
    }
    spin_lock(&rq->lock);
    uint64_t now = time_ns();
    uint64_t delta = now - cur->se.slice_start_ns;
    cur->se.slice_start_ns = now;
    cur->se.sum_exec_ns += delta;
    struct sched_rq *r = prq(rq, cur);
    r->now_ns = now;
    if (r->policy->tick(r, &cur->se, now, delta))
        cur->need_resched = true;
    rt_bandwidth_tick(rq, cur, now, delta);
    /* a queued real-time task always wins over the system policy */
    if (!is_rt(cur) && rq->rt.nr_queued && !rq->rt_throttled)
        cur->need_resched = true;
    /* nohz_full: one task and nothing waiting needs no tick; the next
     * enqueue on this CPU restarts it (tick_restart, via IPI if remote).
     * A real-time task keeps it while its bandwidth is limited, as Linux
     * keeps its bandwidth timer (sched_rt_runtime_us = -1 lifts that). */
    if ((nohz_mask & (1ULL << pc->cpu_id)) && rq->nr_running == 1 && !rq->rt.nr_queued && !rq->sys.nr_queued &&
        !cur->need_resched && !(is_rt(cur) && READ_ONCE(rt_runtime_ns) >= 0) && !posix_cpu_timers_armed(cur))
        pc->tick_stopped = true;        /* tick_fn does not rearm */
    bool overloaded = rq->nr_running > 1;
    spin_unlock(&rq->lock);
    if (overloaded)
        kick_idle_cpu(pc->cpu_id);
}

/* A CPU with more work than it can run wakes one tickless idle CPU, which
 * then looks for work to pull (idle CPUs take no tick to look by
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
    if (cur != this_rq()->idle)
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
    uint64_t f = read_rflags();
    irq_disable();
    tick_restart();
    write_rflags(f);
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

static void activate(struct task *t, enum sched_enq_reason why);

/* Runs in the context of the task that just got the CPU. */
static void finish_switch(struct runqueue *rq)
{
    struct task *prev = rq->prev;
    bool release = rq->prev_dead, migrate = rq->prev_migrate;
    rq->prev = NULL;
    rq->prev_dead = false;
    rq->prev_migrate = false;
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
void schedule_tail(void) { finish_switch(this_rq()); }

static void context_switch(struct runqueue *rq, struct task *prev, struct task *next)
{
    struct percpu *pc = this_cpu();
    uint64_t now = time_ns();
    if (prev != rq->idle) {
        uint64_t ran = now - prev->se.slice_start_ns;
        prev->se.sum_exec_ns += ran;
        struct sched_rq *r = prq(rq, prev);
        if (r->policy->put_prev)
            r->policy->put_prev(r, &prev->se, ran, prev->state != TASK_RUNNING);
    }
    next->se.slice_start_ns = now;
    next->se.cpu = pc->cpu_id;
    if (!next->stats.first_run_ns && next != rq->idle)
        next->stats.first_run_ns = now;
    /* wait until next has fully left any other CPU */
    while (__atomic_load_n(&next->on_cpu, __ATOMIC_ACQUIRE) >= 0 && next->on_cpu != pc->cpu_id)
        cpu_relax();
    next->on_cpu = pc->cpu_id;
    rq->nr_switches++;
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
    wrmsr(MSR_FS_BASE, next->fs_base);
    tss_set_kernel_stack((uint64_t)next->kstack + KSTACK_SIZE);
    cputime_switch(next, next == rq->idle);     /* also makes it pc->cur_task */
    syscall_fast_enosys_update(next, next == rq->idle);
    rq->prev = prev;
    rq->prev_dead = prev->autoreaped;
    switch_to(prev, next);
    finish_switch(this_rq());
}

void schedule(void)
{
    spin_assert_none_held();
    uint64_t flags = read_rflags();
    irq_disable();
    struct runqueue *rq = this_rq();
    struct task *prev = this_cpu()->cur_task;
    spin_lock_irqsoff(&rq->lock);
    prev->need_resched = false;
    bool involuntary = false, migrate = false;
    if (prev != rq->idle) {
        if (prev->state == TASK_RUNNING && !(prev->cpu_mask & (1ULL << this_cpu_id()))) {
            involuntary = migrate = true;   /* affinity changed: leave this CPU */
            rq->nr_running--;
        } else if (prev->state == TASK_RUNNING) {
            involuntary = true;
            rq_enqueue(rq, prev, ENQ_PREEMPTED);
        } else {
            rq->nr_running--;
            trace_sched(prev->state == TASK_ZOMBIE || prev->state == TASK_DEAD ? TRACE_EXIT : TRACE_BLOCK,
                        prev->pid, this_cpu_id());
        }
    }
    struct task *next = pick_next(rq);
    if (next == prev) {
        spin_unlock_irqsoff(&rq->lock);
        write_rflags(flags);
        return;
    }
    if (prev != rq->idle) {
        if (involuntary)
            prev->stats.nivcsw++;
        else
            prev->stats.nvcsw++;
    }
    rq->prev_migrate = migrate;
    context_switch(rq, prev, next);
    write_rflags(flags);
}

void sched_yield_current(void)
{
    struct task *t = current;
    uint64_t flags = read_rflags();
    irq_disable();
    struct runqueue *rq = this_rq();
    spin_lock_irqsoff(&rq->lock);
    /* re-enqueue as a yield; then pick */
    rq_enqueue(rq, t, ENQ_YIELD);
    t->need_resched = false;
    struct task *next = pick_next(rq);
    if (next == t) {
        spin_unlock_irqsoff(&rq->lock);
        write_rflags(flags);
        return;
    }
    t->stats.nvcsw++;
    context_switch(rq, t, next);
    write_rflags(flags);
}

static int select_cpu(struct task *t)
{
    /* keep it where it was if allowed; otherwise the least loaded allowed CPU */
    int best = -1;
    unsigned best_load = ~0U;
    for (int c = 0; c < ncpus; c++) {
        if (!percpu_area[c].online || !(t->cpu_mask & (1ULL << c)))
            continue;
        unsigned load = runqueues[c].nr_running;
        if (c == t->se.cpu && load <= best_load + 0)
            load = load > 0 ? load - 1 : 0;   /* slight preference for cache warmth */
        if (load < best_load) {
            best = c;
            best_load = load;
        }
    }
    return best < 0 ? 0 : best;
}


static void activate(struct task *t, enum sched_enq_reason why)
{
    int cpu = select_cpu(t);
    perf_sched_migrate(t, t->se.cpu, cpu);
    t->se.cpu = cpu;
    struct runqueue *rq = &runqueues[cpu];
    spin_lock(&rq->lock);
    rq->nr_running++;
    rq_enqueue(rq, t, why);
    struct task *cur = percpu_area[cpu].cur_task;
    bool preempt = cur && should_preempt(rq, cur, t);
    if (preempt)
        cur->need_resched = true;
    bool tickless = percpu_area[cpu].tick_stopped;
    spin_unlock(&rq->lock);
    if (cpu != this_cpu_id() && (preempt || tickless))
        kick_cpu(cpu);                  /* a tickless CPU must get its tick back */
    else if (cpu == this_cpu_id() && tickless)
        tick_restart();
}

void sched_new_task(struct task *t, struct task *parent)
{
    t->se.id = t->pid;
    t->on_cpu = -1;
    t->se.cpu = parent ? parent->se.cpu : 0;
    struct runqueue *rq = &runqueues[t->se.cpu];
    spin_lock(&rq->lock);
    struct sched_rq *r = prq(rq, t);
    r->now_ns = time_ns();
    if (r->policy->task_new)
        r->policy->task_new(r, &t->se, parent ? &parent->se : NULL);
    spin_unlock(&rq->lock);
    t->state = TASK_RUNNING;
    activate(t, ENQ_NEW);
}

void sched_wake(struct task *t)
{
    struct runqueue *rq = task_rq_lock(t);
    if (t->state != TASK_BLOCKED && t->state != TASK_STOPPED && t->state != TASK_TRACED) {
        spin_unlock(&rq->lock);
        return;
    }
    t->state = TASK_RUNNING;
    /* still on its CPU (between prepare_to_wait and schedule): it will notice */
    bool running = t->on_cpu >= 0 && percpu_area[t->on_cpu].cur_task == t;
    spin_unlock(&rq->lock);
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

/* ---- policies ---- */

static void rq_init_policy(struct sched_rq *r, const struct sched_policy *p)
{
    memset(r, 0, sizeof *r);
    r->policy = p;
    r->tun = &sched_tun;
    p->init(r);
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
    static struct task *moved[TASK_MAX];        /* protected by policy_lock */
    int n = 0;
    spin_lock(&policy_lock);
    spin_lock(&tasks_lock);
    for (int c = 0; c < ncpus; c++)
        spin_lock(&runqueues[c].lock);
    list_for_each(node, &all_tasks) {
        struct task *t = container_of(node, struct task, all_node);
        if (t->se.on_rq && !is_rt(t) && n < TASK_MAX) {
            rq_dequeue(task_rq(t), t);
            moved[n++] = t;
        }
    }
    uint64_t now = time_ns();
    for (int c = 0; c < ncpus; c++) {
        rq_init_policy(&runqueues[c].sys, p);
        runqueues[c].sys.now_ns = now;
    }
    list_for_each(node, &all_tasks) {
        struct task *t = container_of(node, struct task, all_node);
        bool alive = t->state == TASK_RUNNING || t->state == TASK_BLOCKED || t->state == TASK_STOPPED ||
                     t->state == TASK_TRACED;
        if (alive && !is_rt(t) && t != task_rq(t)->idle && t->se.id && p->task_new)
            p->task_new(&task_rq(t)->sys, &t->se, NULL);
    }
    for (int i = 0; i < n; i++)
        rq_enqueue(task_rq(moved[i]), moved[i], ENQ_NEW);
    for (int c = 0; c < ncpus; c++) {
        struct task *cur = percpu_area[c].cur_task;
        if (cur)
            cur->need_resched = true;
    }
    system_policy = p;
    for (int c = ncpus - 1; c >= 0; c--)
        spin_unlock(&runqueues[c].lock);
    spin_unlock(&tasks_lock);
    spin_unlock(&policy_lock);
    kprintf("sched: system policy is now %s\n", p->name);
    return 0;
}

const char *sched_system_policy_name(void) { return system_policy->name; }

void sched_set_rt(struct task *t, int policy, int prio)
{
    struct runqueue *rq = task_rq_lock(t);
    bool queued = t->se.on_rq;
    if (queued)
        rq_dequeue(rq, t);
    t->policy = policy;
    t->se.rt_policy = policy;           /* the rt policy tells FIFO from RR by it */
    t->se.rt_priority = prio;
    struct sched_rq *r = prq(rq, t);
    if (r->policy->task_new)
        r->policy->task_new(r, &t->se, NULL);
    if (queued)
        rq_enqueue(rq, t, ENQ_NEW);
    if (percpu_area[t->se.cpu].cur_task)
        percpu_area[t->se.cpu].cur_task->need_resched = true;
    spin_unlock(&rq->lock);
}

void sched_reweight(struct task *t)
{
    struct runqueue *rq = task_rq_lock(t);
    struct sched_rq *r = prq(rq, t);
    if (r->policy->reweight)
        r->policy->reweight(r, &t->se);
    spin_unlock(&rq->lock);
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
    struct sched_rq *r = prq(rq, t);
    if (r->policy->reweight)
        r->policy->reweight(r, &t->se);
    spin_unlock(&rq->lock);
}

/* Install new tunables with every run queue locked, so no hook ever sees a
 * half-written set.  The lottery's generator is seeded when its queues are
 * initialised, so a new seed restarts the lottery (its queues are rebuilt,
 * as for a policy switch) for the draws to follow from the seed. */
int sched_set_tunables(const struct sched_tunables *nt)
{
    if (sched_tunables_check(nt))
        return -EINVAL;
    spin_lock(&policy_lock);
    bool reseed = nt->lottery_seed != sched_tun.lottery_seed;
    for (int c = 0; c < ncpus; c++)
        spin_lock(&runqueues[c].lock);
    sched_tun = *nt;
    for (int c = ncpus - 1; c >= 0; c--)
        spin_unlock(&runqueues[c].lock);
    const struct sched_policy *p = system_policy;
    spin_unlock(&policy_lock);
    if (reseed && p == sched_policy_find("lottery"))
        return sched_set_system_policy(p->name);
    return 0;
}

/* ---- affinity and migration ---- */

/*
 * Sets t's CPU mask and moves it if it sits on a CPU the mask excludes:
 * a queued task is taken out and placed again; a running one is asked to
 * reschedule and leaves in schedule() (prev_migrate).
 */
void sched_set_affinity(struct task *t, uint64_t mask)
{
    struct runqueue *rq = task_rq_lock(t);
    t->cpu_mask = mask;
    bool allowed = mask & (1ULL << t->se.cpu);
    bool requeue = !allowed && t->se.on_rq;
    if (requeue) {
        rq_dequeue(rq, t);
        rq->nr_running--;
    }
    struct task *cur = percpu_area[t->se.cpu].cur_task;
    bool kick = !allowed && cur == t;
    if (kick)
        t->need_resched = true;
    int cpu = t->se.cpu;
    spin_unlock(&rq->lock);
    if (requeue)
        activate(t, ENQ_PREEMPTED);
    if (kick && cpu != this_cpu_id())
        kick_cpu(cpu);
}

/*
 * Idle balancing: a CPU with nothing to run takes a waiting task from the
 * busiest run queue that has one (and whose affinity allows this CPU).
 * Called from the idle loop; the search is only made when some queue holds
 * more than its running task.  The busy CPU's run-queue lock is taken only
 * once a task that may move has been seen (and the choice is checked again
 * under it): tasks pinned there would otherwise have their switches wait on
 * a lock the idle CPU holds just to find nothing, every few milliseconds
 * (and for a whole host time slice when an emulated CPU is descheduled
 * holding it).  Returns true if a task was pulled.
 */
static bool may_pull(struct task *t, int from, int to)
{
    return READ_ONCE(t->se.cpu) == from && READ_ONCE(t->se.on_rq) && (READ_ONCE(t->cpu_mask) & (1ULL << to));
}

static bool idle_pull(int me)
{
    int busiest = -1;
    unsigned most = 1;
    for (int c = 0; c < ncpus; c++)
        if (c != me && percpu_area[c].online && runqueues[c].nr_running > most) {
            most = runqueues[c].nr_running;
            busiest = c;
        }
    if (busiest < 0)
        return false;
    struct runqueue *src = &runqueues[busiest], *dst = &runqueues[me];
    struct runqueue *first = busiest < me ? src : dst, *second = busiest < me ? dst : src;
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
        spin_lock(&first->lock);
        spin_lock(&second->lock);
        if (may_pull(t, busiest, me)) {
            rq_dequeue(src, t);
            src->nr_running--;
            perf_sched_migrate(t, busiest, me);
            t->se.cpu = me;
            dst->nr_running++;
            rq_enqueue(dst, t, ENQ_WAKEUP);
            trace_sched(TRACE_MIGRATE, t->pid, me);
            pulled = true;
        }
        spin_unlock(&second->lock);
        spin_unlock(&first->lock);
    }
    spin_unlock(&tasks_lock);
    return pulled;
}

/* ---- idle and start-up ---- */

static void kick_cpu(int cpu)
{
    arch_send_resched_ipi(cpu);
}

static __noreturn void idle_loop(void)
{
    struct runqueue *rq = this_rq();
    for (;;) {
        irq_disable();
        if (rq->nr_running > 0 || current->need_resched) {
            tick_restart();
            irq_enable();
            schedule();
            continue;
        }
        /* look for work elsewhere, but after a fruitless search wait a few
         * ticks: scanning takes locks a busy CPU needs */
        if (ncpus > 1 && time_ns() >= this_cpu()->next_pull_ns) {
            irq_enable();
            bool pulled = idle_pull(this_cpu_id());
            irq_disable();
            if (pulled)
                continue;
            this_cpu()->next_pull_ns = time_ns() + 4 * NSEC_PER_MSEC;
        }
        /* tickless idle: nothing to tick for until work arrives (a wake-up
         * restarts the tick), unless real-time throttling is counting down */
        if (!READ_ONCE(rq->rt_throttled))
            tick_stop_idle();
        __asm__ volatile("sti; hlt" ::: "memory");   /* sti's shadow: no lost wake-up */
    }
}

static void runqueue_init(int cpu, struct task *idle)
{
    struct runqueue *rq = &runqueues[cpu];
    spin_init(&rq->lock, "runqueue");
    rq_init_policy(&rq->sys, system_policy);
    rq_init_policy(&rq->rt, &sched_policy_rt);
    rq->idle = idle;
    percpu_area[cpu].rq = rq;
    percpu_area[cpu].idle = idle;
    percpu_area[cpu].cur_task = idle;
    idle->on_cpu = cpu;
    idle->se.cpu = cpu;
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
    runqueue_init(0, task_create_idle(0));
    isolated_mask = parse_cpulist(cmdline_get("isolcpus"));
    nohz_mask = parse_cpulist(cmdline_get("nohz_full"));
    kprintf("sched: system policy %s\n", system_policy->name);
    if (isolated_mask || nohz_mask)
        kprintf("sched: isolated CPUs %#lx, tickless CPUs %#lx\n", (unsigned long)isolated_mask,
                (unsigned long)nohz_mask);
    /* /proc/sys/kernel/sched_* (kernel/sched/sysctl.c); the registry is a
     * static table, usable before /proc is mounted. */
    sched_sysctl_init();
}

void sched_init_ap(int cpu) { runqueue_init(cpu, task_create_idle(cpu)); }

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

unsigned sched_nr_running(int cpu) { return runqueues[cpu].nr_running; }

unsigned sched_nr_running_total(void)
{
    unsigned n = 0;
    for (int c = 0; c < ncpus; c++)
        if (percpu_area[c].online)
            n += READ_ONCE(runqueues[c].nr_running);
    return n;
}
uint64_t sched_nr_switches(int cpu) { return runqueues[cpu].nr_switches; }
