/* The scheduler core's interface to the rest of the kernel (kernel/sched/core.c). */
#ifndef SCHED_SCHED_H
#define SCHED_SCHED_H

#include <kernel/kernel.h>
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
uint64_t sched_default_affinity(void);  /* all CPUs but the isolated ones (isolcpus=) */
uint64_t sched_nohz_full_mask(void);   /* the tickless CPUs (nohz_full=) */
void sched_new_task(struct task *t, struct task *parent);  /* first enqueue after fork */
void sched_wake(struct task *t);        /* BLOCKED/STOPPED -> RUNNING and enqueue */
void sched_exit_current(void) __noreturn; /* after the task became a zombie */
void sched_yield_current(void);
void sched_set_rt(struct task *t, int policy, int prio);
int sched_set_system_policy(const char *name);   /* 0 or -EINVAL */
const char *sched_system_policy_name(void);
void sched_reweight(struct task *t);    /* nice/tickets/expected time changed */
void sched_set_affinity(struct task *t, uint64_t mask);   /* moves t off CPUs the mask excludes */

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
 * (nothing changed).  A new lottery seed restarts the lottery's queues. */
int sched_set_tunables(const struct sched_tunables *nt);
void sched_sysctl_init(void);           /* /proc/sys/kernel/sched_* (sysctl.c) */

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

unsigned sched_nr_running(int cpu);
uint64_t sched_nr_switches(int cpu);

/* Something the running task armed needs the tick (a CPU-time timer): a
 * nohz_full CPU that stopped it starts it again. */
void sched_tick_needed(void);

/* A task sleeps with a deadline through schedule_until() (kernel/wait.h),
 * on its own high-resolution timer, set up here when the task is made. */
void sched_sleep_timer_init(struct task *t);

#endif
