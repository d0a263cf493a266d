/*
 * The scheduler core: the mechanism half of CPU virtualization.
 *
 * A run queue holds two policy instances: the real-time class
 * (SCHED_FIFO/SCHED_RR, always served first) and the system policy chosen on
 * the command line (sched=NAME) or at run time through
 * /proc/sys/kernel/sched_policy.  The policies (kernel/sched/policy_*.c)
 * only decide who runs next; the mechanism is spread by concern:
 *
 *   core.c     run-queue locks (counted), queueing and picking, the context
 *              switch (schedule, yield), the idle loop, start-up, counters
 *   tick.c     the per-CPU tick, tickless (nohz) decisions, charging,
 *              real-time bandwidth
 *   wakeup.c   making a task runnable (activate, wake-ups), timed sleeps
 *   balance.c  CPU selection on wake-up, kicking CPUs, affinity changes,
 *              work stealing
 *   queues.c   the queue-mode (SQMS/MQMS) and system-policy switches,
 *              per-task parameters and tunables
 *
 * Their shared state and helpers are in internal.h.
 *
 * Multiprocessor scheduling comes in the book's two designs (per-CPU queues
 * or a single shared one: queues.c tells them apart).
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
#include <proc/proc.h>
#include <sched/class.h>
#include <sched/sched.h>
#include "internal.h"

/* Allocated by sched_init for the CPUs that may start (nr_cpu_ids). */
struct runqueue *queues;         /* nr_cpu_ids + 1 */
struct cpu_sched *cpus;
const struct sched_policy *system_policy;
struct sched_tunables sched_tun;
/* Written with every queue locked (sched_set_queue_mode); read freely. */
enum sched_queue_mode queue_mode = SCHED_QUEUES_PER_CPU;

/* CPU isolation ("isolcpus=LIST": no task runs there unless pinned to it)
 * and full dynticks ("nohz_full=LIST": the tick stops while one task runs).
 * CPU 0 keeps housekeeping duties (timers, sleepers) and is never in either. */
static struct cpuset isolated_cpus, nohz_cpus;   /* set by sched_init, then read-only */

/* "isolcpus=" or "nohz_full=": a CPU list ("1-3,70-80"); bad text or CPU 0
 * alone is no CPU, with a word on the console. */
static void parse_cpu_option(struct cpuset *s, const char *name)
{
    const char *v = cmdline_get(name);
    if (v && cpuset_parse_list(s, v, NR_CPUS) < 0)
        kprintf(KERN_WARNING "sched: %s=%s is not a CPU list, ignored\n", name, v);
    cpuset_clear(s, 0);
}

/* The affinity every task gets unless it asks otherwise: all but isolated CPUs. */
void sched_default_affinity(struct cpuset *out)
{
    struct cpuset all;
    cpuset_fill(&all);
    cpuset_andnot(out, &all, &isolated_cpus);
}

const struct cpuset *sched_isolated_cpus(void) { return &isolated_cpus; }
const struct cpuset *sched_nohz_full_cpus(void) { return &nohz_cpus; }

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

void rq_lock(struct runqueue *rq) { rq_lock_as(rq, false); }
static void rq_lock_irqsoff(struct runqueue *rq) { rq_lock_as(rq, true); }
void rq_unlock(struct runqueue *rq) { spin_unlock(&rq->lock); }

/* Lock the queue this CPU serves (interrupts already off), checking the
 * choice again under the lock: the mode may have changed meanwhile. */
struct runqueue *this_rq_lock_irqsoff(void)
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
struct runqueue *task_rq_lock(struct task *t)
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
void lock_all_queues(void)
{
    for (int c = 0; c < ncpus; c++)
        rq_lock(&queues[c]);
    rq_lock(&queues[SHARED_Q]);
}

void unlock_all_queues(void)
{
    rq_unlock(&queues[SHARED_Q]);
    for (int c = ncpus - 1; c >= 0; c--)
        rq_unlock(&queues[c]);
}

/* ---- queueing ---- */

void rq_enqueue(struct runqueue *rq, struct task *t, enum sched_enq_reason why)
{
    spin_assert_held(&rq->lock);
    sched_class_enqueue(&rq->cls, &t->se, why, time_ns());
    trace_sched(why == ENQ_WAKEUP || why == ENQ_NEW ? TRACE_WAKE : TRACE_READY, t->pid, t->se.cpu);
}

void rq_dequeue(struct runqueue *rq, struct task *t)
{
    spin_assert_held(&rq->lock);
    sched_class_dequeue(&rq->cls, &t->se, time_ns());
}

/* Does `t` (just made runnable on rq) deserve CPU `cpu` more than the task
 * `cur` running there?  The policies decide (sched_class_check_preempt). */
bool should_preempt(struct runqueue *rq, int cpu, struct task *cur, struct task *t)
{
    struct sched_entity *curr = cur == cpus[cpu].idle ? NULL : &cur->se;
    return sched_class_check_preempt(&rq->cls, curr, &t->se, READ_ONCE(cpus[cpu].rt_throttled));
}

static struct task *pick_next(struct runqueue *rq, int cpu)
{
    struct cpu_sched *cs = &cpus[cpu];
    uint64_t now = time_ns();
    /* a CPU's own queue only holds tasks that may run there; in the
     * shared queue a pick passes over those whose affinity excludes it */
    struct sched_entity *se = sched_class_pick(&rq->cls, now, cs->rt_throttled,
                                               is_shared(rq) ? se_may_run_on : NULL, (void *)(intptr_t)cpu);
    if (!se)
        return cs->idle;
    struct task *t = container_of(se, struct task, se);
    t->stats.ready_ns += now - t->se.enqueued_ns;
    cs->stats.run_delay_ns += now - t->se.enqueued_ns;
    return t;
}

/* The reschedule IPI: another CPU queued work here.  A task running
 * tickless gets its tick back to share the CPU; an idle CPU decides when it
 * switches (tick_switch_in). */
void sched_ipi_resched(void)
{
    if (current != this_cs()->idle)
        tick_restart();
    current->need_resched = true;
}

bool sched_need_resched(void) { return current->need_resched; }

/* ---- switching ---- */

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
        if (pc->tick_stopped)
            tick_switch_in(rq, next, now);
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
        rt_bandwidth_charge(cs, rq, prev, now, ran);
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
    rt_bandwidth_charge(cs, rq, t, now, ran);
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

void sched_exit_current(void)
{
    schedule();
    panic("sched: a dead task was scheduled again");
}


/* ---- idle and start-up ---- */

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
            irq_enable();
            schedule();
            continue;
        }
        /* look for work elsewhere, but after a fruitless search wait a few
         * ticks: scanning takes locks a busy CPU needs */
        if (!single && ncpus > 1 && sched_work_stealing() && time_ns() >= this_cpu()->next_pull_ns) {
            irq_enable();
            bool pulled = idle_pull(me);
            irq_disable();
            if (!pulled)
                this_cpu()->next_pull_ns = time_ns() + 4 * NSEC_PER_MSEC;
            /* look again, interrupts off: a wake-up's IPI taken while they
             * were on has set need_resched, and halting now would sleep
             * through it until some unrelated interrupt */
            continue;
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
    sched_tick_init();
    if (!(queues = kzalloc(sizeof *queues * (size_t)(nr_cpu_ids + 1))))
        panic("sched: no memory for %d run queues", nr_cpu_ids + 1);
    runqueue_init(&queues[SHARED_Q]);
    cpu_sched_init(0, task_create_idle(0));
    parse_cpu_option(&isolated_cpus, "isolcpus");
    parse_cpu_option(&nohz_cpus, "nohz_full");
    kprintf("sched: system policy %s, %s run queues\n", system_policy->name, sched_queue_mode_name(queue_mode));
    if (!cpuset_empty(&isolated_cpus) || !cpuset_empty(&nohz_cpus)) {
        char iso[128], nohz[128];
        bitmap_print_list(iso, sizeof iso, isolated_cpus.bits, NR_CPUS);
        bitmap_print_list(nohz, sizeof nohz, nohz_cpus.bits, NR_CPUS);
        kprintf("sched: isolated CPUs %s, tickless CPUs %s\n", iso[0] ? iso : "none", nohz[0] ? nohz : "none");
    }
    sched_bench_boot();
}

void sched_init_ap(int cpu) { cpu_sched_init(cpu, task_create_idle(cpu)); }

void sched_start(void)
{
    int cpu = this_cpu_id();
    sched_tick_start(cpu);
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
