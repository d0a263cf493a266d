/* The scheduler core's interface to the rest of the kernel (kernel/sched/core.c). */
#ifndef SCHED_SCHED_H
#define SCHED_SCHED_H

#include <kernel/kernel.h>
#include <lib/cpuset.h>
#include <sched/policy.h>

struct task;

/* Linux scheduling classes (sched_setscheduler) */
#define SCHED_OTHER 0
#define SCHED_FIFO 1
#define SCHED_RR 2
#define SCHED_BATCH 3
#define SCHED_IDLE 5
#define SCHED_DEADLINE 6    /* not offered: only its priority range (0..0) is answered */

void sched_init(void);                  /* boot CPU: run queues, idle task */
void sched_init_ap(int cpu);            /* an application processor joins */
void sched_start(void) __noreturn;      /* become this CPU's idle loop */
void sched_ipi_resched(void);           /* reschedule IPI, interrupts off */
void sched_kick_task(struct task *t);   /* make t's CPU notice a new signal */
void sched_default_affinity(struct cpuset *out);  /* all CPUs but the isolated ones (isolcpus=) */
const struct cpuset *sched_isolated_cpus(void);   /* isolcpus= (set at boot, then read freely) */
const struct cpuset *sched_nohz_full_cpus(void);  /* the tickless CPUs (nohz_full=), likewise */
void sched_new_task(struct task *t, struct task *parent);  /* first enqueue after fork */
void sched_wake(struct task *t);        /* BLOCKED/STOPPED -> RUNNING and enqueue */
void sched_exit_current(void) __noreturn; /* after the task became a zombie */
void sched_yield_current(void);
void sched_set_rt(struct task *t, int policy, int prio);
int sched_set_system_policy(const char *name);   /* 0 or -EINVAL */
const char *sched_system_policy_name(void);
int sched_task_level(const struct task *t);  /* its queue level (MLFQ), or -1: none */
void sched_reweight(struct task *t);    /* nice/tickets/expected time changed */
void sched_set_affinity(struct task *t, const struct cpuset *mask);   /* moves t off CPUs the mask excludes */

/* Per-task parameters, changed under the task's run-queue lock together
 * with the policy's reweight hook (kernel/sched/core.c). */
enum sched_param {
    SCHED_PARAM_NICE,       /* value: -20..19 */
    SCHED_PARAM_TICKETS,    /* value: 1..TESSERA_TICKETS_MAX */
    SCHED_PARAM_EXPECTED,   /* value: ns, 0 = undeclared */
    SCHED_PARAM_LENT_ADD,   /* value: signed change of se.lent_tickets */
};
void sched_set_param(struct task *t, enum sched_param which, int64_t value);
/* Validate a whole set of tunables and install it atomically: 0 or -EINVAL
 * (nothing changed).  Each policy then adjusts (retune hook). */
int sched_set_tunables(const struct sched_tunables *nt);
void sched_bench_boot(void);            /* sched_bench=ITERS: time decisions (bench.c) */

/*
 * Ticket lending (kernel/sched/lend.c).  A task lends its tickets to one
 * other task at a time; the receiver's se.lent_tickets is the sum of its
 * loans.  A loan lives in the lender (no allocation) and is linked into the
 * receiver's loans_in list; both are protected by the lend lock, so neither
 * side ever holds a pointer to a freed task: an exiting task returns its
 * loan and cuts the loans it received (sched_lend_exit) before it can be
 * freed.  Lock order: docs/locking.md.
 */
struct sched_loan {
    struct task *to;        /* receiver, NULL = no loan */
    uint32_t amount;        /* tickets added to to->se.lent_tickets */
    bool blocked;           /* an automatic loan for one sleep (wait4, pipe) */
    struct list_node node;  /* in to->loans_in */
};
/* Explicit loan (tessera_sched_lend): all of `from`'s tickets to `to`,
 * replacing any loan `from` had.  Caller holds tasks_lock (`to` came from
 * task_find).  0, -EINVAL (to == from) or -ESRCH (`to` is exiting). */
int sched_lend_locked(struct task *from, struct task *to);
/* The same for the sleep that follows (caller holds tasks_lock); a task
 * with an explicit loan keeps it instead.  Ended by sched_lend_wait_end(). */
void sched_lend_wait_locked(struct task *from, struct task *to);
/* Lend for a sleep to the task `pid` if it is still the one that started at
 * `start_ns` (pids are reused); takes tasks_lock.  No-op if pid is 0. */
void sched_lend_wait_pid(struct task *from, pid_t pid, uint64_t start_ns);
void sched_lend_wait_end(struct task *from);   /* return a sleep's loan */
void sched_unlend(struct task *from);          /* return any loan */
pid_t sched_lend_target(struct task *from);    /* receiver's pid, or 0 */
void sched_lend_exit(struct task *t);          /* do_exit: return and cut loans */
bool sched_need_resched(void);
unsigned sched_nr_running_total(void);  /* runnable tasks on every CPU, idle tasks excluded */
extern struct sched_tunables sched_tun;

/* Real-time bandwidth (sched_rt_runtime_us, sched_rt_period_us): set one
 * or both (in microseconds; runtime -1 disables throttling); -EINVAL if the
 * runtime would exceed the period or a value is out of range. */
int sched_rt_bandwidth(int64_t runtime_us, int64_t period_us, bool set_runtime, bool set_period);
void sched_rt_bandwidth_get(int64_t *runtime_us, int64_t *period_us);

/* The policy table (kernel/sched/policies.c). */
#define SCHED_DEFAULT_POLICY "fair"
const struct sched_policy *sched_policy_find(const char *name);
extern const struct sched_policy sched_policy_rt;
void sched_tunables_default(struct sched_tunables *t);
int sched_tunables_check(const struct sched_tunables *t);

unsigned sched_nr_running(int cpu);     /* the tasks of the queue `cpu` serves */
uint64_t sched_nr_switches(int cpu);

/* Something the running task armed needs the tick (a CPU-time timer): a
 * nohz_full CPU that stopped it starts it again. */
void sched_tick_needed(void);

/*
 * Multiprocessor scheduling (kernel/sched/core.c): one run queue per CPU
 * (MQMS, the default) or one queue shared by every CPU (SQMS); boot option
 * sched_queues=, /proc/sys/kernel/sched_queues.  Switching moves every
 * queued task to the new queues with every queue locked: 0 or -EINVAL.
 */
enum sched_queue_mode { SCHED_QUEUES_PER_CPU = 0, SCHED_QUEUES_SINGLE = 1 };
int sched_set_queue_mode(enum sched_queue_mode mode);
enum sched_queue_mode sched_queue_mode(void);
const char *sched_queue_mode_name(enum sched_queue_mode mode);   /* "per-cpu", "single" */
int sched_queue_mode_parse(const char *s, size_t len);           /* a mode, or -EINVAL */
/* MQMS work stealing (an idle CPU pulls from the busiest queue), on by
 * default; /proc/sys/kernel/sched_work_stealing. */
void sched_set_work_stealing(bool on);
bool sched_work_stealing(void);

/*
 * One CPU's scheduling counters since boot (/proc/schedstat,
 * /proc/sched_queues: kernel/fs/procfs_sched.c).  Those of Linux's
 * schedstat first, then the ones that show the queue designs' trade-off.
 */
struct sched_cpu_stats {
    uint64_t yld_count;         /* sched_yield() calls */
    uint64_t sched_count;       /* schedule() calls */
    uint64_t sched_goidle;      /* ... that left the CPU idle */
    uint64_t ttwu_count;        /* wake-ups made by this CPU */
    uint64_t ttwu_local;        /* ... that queued the task here (per-cpu queues) */
    uint64_t run_ns;            /* time tasks ran here */
    uint64_t run_delay_ns;      /* time the tasks picked here had waited in a queue */
    uint64_t pcount;            /* times a task (not idle) was switched to */
    uint64_t nr_switches;       /* context switches, idle included */
    uint64_t migrations_in;     /* a task started running here, having last run elsewhere */
    uint64_t migrations_out;    /* a task that last ran here started running elsewhere */
    uint64_t lb_count;          /* work-stealing attempts (idle, per-cpu queues) */
    uint64_t lb_balanced;       /* ... that found no queue with a task waiting */
    uint64_t lb_failed;         /* ... that found one but could not take a task */
    uint64_t lb_gained;         /* ... that stole a task */
    uint64_t lock_acquired;     /* run-queue lock acquisitions by this CPU */
    uint64_t lock_contended;    /* ... that found it held and spun */
    uint64_t lock_wait_ns;      /* time spent spinning for it (TSC) */
};
void sched_cpu_stats(int cpu, struct sched_cpu_stats *out);

/* A task sleeps with a deadline through schedule_until() (kernel/wait.h),
 * on its own high-resolution timer, set up here when the task is made. */
void sched_sleep_timer_init(struct task *t);

#endif
