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

void sched_init(void);                  /* boot CPU: run queues, idle task */
void sched_init_ap(int cpu);            /* an application processor joins */
void sched_start(void) __noreturn;      /* become this CPU's idle loop */
void sched_timer_tick(void);            /* timer interrupt, interrupts off */
void sched_account_enter_kernel(void);  /* user -> kernel time accounting */
void sched_account_exit_kernel(void);
void sched_new_task(struct task *t, struct task *parent);  /* first enqueue after fork */
void sched_wake(struct task *t);        /* BLOCKED/STOPPED -> RUNNING and enqueue */
void sched_exit_current(void) __noreturn; /* after the task became a zombie */
void sched_yield_current(void);
void sched_set_rt(struct task *t, int policy, int prio);
int sched_set_system_policy(const char *name);   /* 0 or -EINVAL */
const char *sched_system_policy_name(void);
void sched_reweight(struct task *t);    /* nice/tickets/expected time changed */
bool sched_need_resched(void);
extern struct sched_tunables sched_tun;

/* The policy table (kernel/sched/policies.c). */
#define SCHED_DEFAULT_POLICY "fair"
const struct sched_policy *sched_policy_find(const char *name);
extern const struct sched_policy sched_policy_rt;
void sched_tunables_default(struct sched_tunables *t);
int sched_tunables_check(const struct sched_tunables *t);

unsigned sched_nr_running(int cpu);
uint64_t sched_nr_switches(int cpu);

/* A task sleeps with a deadline through schedule_until() (kernel/wait.h). */

#endif
