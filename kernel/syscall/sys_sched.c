/*
 * Scheduling system calls with Linux interfaces: sched_yield, nice values
 * (getpriority/setpriority, for nice and renice), the real-time classes
 * (sched_setscheduler and friends, for chrt) and CPU affinity.
 *
 * A task found by pid is used under tasks_lock, which keeps it from being
 * reaped and freed meanwhile.  Argument checks follow Linux's order: a
 * negative pid or a NULL parameter is EINVAL before the lookup (ESRCH).
 */
#include <arch/percpu.h>
#include <kernel/kernel.h>
#include <kernel/syscall.h>
#include <mm/uaccess.h>
#include <lib/string.h>
#include <proc/task.h>
#include <sched/sched.h>

long sys_sched_yield(void)
{
    sched_yield_current();
    return 0;
}
SYSCALL_DEFINE(24, sched_yield);

/* Caller holds tasks_lock. */
static struct task *find_task(pid_t pid)
{
    spin_assert_held(&tasks_lock);
    struct task *t = pid == 0 ? current : task_find(pid);
    return t && t->state != TASK_DEAD ? t : NULL;
}

#define PRIO_PROCESS 0
#define PRIO_PGRP 1
#define PRIO_USER 2

/* Does `t` belong to the set setpriority/getpriority(which, who) names? */
static bool prio_selects(const struct task *t, int which, int who)
{
    if (t->pid == 0 || t->state == TASK_DEAD)
        return false;               /* idle tasks, reaped tasks */
    switch (which) {
    case PRIO_PROCESS: return t->pid == (who ? who : current->pid);
    case PRIO_PGRP: return t->pgid == (who ? who : current->pgid);
    default: return t->uid == (uid_t)(who ? who : (int)current->uid);
    }
}

/* The raw syscall returns 20 - nice (1..40) of the highest-priority
 * (lowest nice) task of the set; musl turns it back into a nice value. */
long sys_getpriority(int which, int who)
{
    if (which < PRIO_PROCESS || which > PRIO_USER)
        return -EINVAL;
    int best = 100;
    spin_lock(&tasks_lock);
    list_for_each(n, &all_tasks) {
        struct task *t = container_of(n, struct task, all_node);
        if (prio_selects(t, which, who) && t->se.nice < best)
            best = t->se.nice;
    }
    spin_unlock(&tasks_lock);
    return best == 100 ? -ESRCH : 20 - best;
}
SYSCALL_DEFINE(140, getpriority);

/* nice is clamped to -20..19, as Linux does.  Everyone is root here, so
 * lowering nice is allowed. */
long sys_setpriority(int which, int who, int nice)
{
    if (which < PRIO_PROCESS || which > PRIO_USER)
        return -EINVAL;
    nice = nice < -20 ? -20 : nice > 19 ? 19 : nice;
    bool any = false;
    spin_lock(&tasks_lock);
    list_for_each(n, &all_tasks) {
        struct task *t = container_of(n, struct task, all_node);
        if (prio_selects(t, which, who)) {
            sched_set_param(t, SCHED_PARAM_NICE, nice);
            any = true;
        }
    }
    spin_unlock(&tasks_lock);
    return any ? 0 : -ESRCH;
}
SYSCALL_DEFINE(141, setpriority);

struct sched_param_k {
    int prio;
};

long sys_sched_setscheduler(pid_t pid, int policy, const struct sched_param_k __user *param)
{
    struct sched_param_k p;
    if (pid < 0 || !param)
        return -EINVAL;
    if (copy_from_user(&p, param, sizeof p))
        return -EFAULT;
    policy &= ~0x40000000;              /* SCHED_RESET_ON_FORK */
    spin_lock(&tasks_lock);
    struct task *t = find_task(pid);
    long err = 0;
    if (!t)
        err = -ESRCH;
    else if (policy == SCHED_FIFO || policy == SCHED_RR)
        err = p.prio < 1 || p.prio > 99 ? -EINVAL : 0;
    else if (policy == SCHED_OTHER || policy == SCHED_BATCH || policy == SCHED_IDLE)
        err = p.prio != 0 ? -EINVAL : 0;
    else
        err = -EINVAL;
    if (!err)
        sched_set_rt(t, policy, policy == SCHED_FIFO || policy == SCHED_RR ? p.prio : 0);
    spin_unlock(&tasks_lock);
    return err;
}
SYSCALL_DEFINE(144, sched_setscheduler);

long sys_sched_getscheduler(pid_t pid)
{
    if (pid < 0)
        return -EINVAL;
    spin_lock(&tasks_lock);
    struct task *t = find_task(pid);
    long r = t ? t->policy : -ESRCH;
    spin_unlock(&tasks_lock);
    return r;
}
SYSCALL_DEFINE(145, sched_getscheduler);

long sys_sched_setparam(pid_t pid, const struct sched_param_k __user *param)
{
    if (pid < 0 || !param)
        return -EINVAL;
    long policy = sys_sched_getscheduler(pid);
    return policy < 0 ? policy : sys_sched_setscheduler(pid, (int)policy, param);
}
SYSCALL_DEFINE(142, sched_setparam);

long sys_sched_getparam(pid_t pid, struct sched_param_k __user *param)
{
    if (pid < 0 || !param)
        return -EINVAL;
    spin_lock(&tasks_lock);
    struct task *t = find_task(pid);
    struct sched_param_k p = { t ? t->se.rt_priority : 0 };
    spin_unlock(&tasks_lock);
    if (!t)
        return -ESRCH;
    return copy_to_user(param, &p, sizeof p);
}
SYSCALL_DEFINE(143, sched_getparam);

long sys_sched_get_priority_max(int policy)
{
    return policy == SCHED_FIFO || policy == SCHED_RR ? 99 : policy == SCHED_OTHER || policy == SCHED_BATCH || policy == SCHED_IDLE ? 0 : -EINVAL;
}
SYSCALL_DEFINE(146, sched_get_priority_max);

long sys_sched_get_priority_min(int policy)
{
    return policy == SCHED_FIFO || policy == SCHED_RR ? 1 : policy == SCHED_OTHER || policy == SCHED_BATCH || policy == SCHED_IDLE ? 0 : -EINVAL;
}
SYSCALL_DEFINE(147, sched_get_priority_min);

/* The task's slice: SCHED_RR's for an rt round-robin task, 0 for
 * SCHED_FIFO (no slice), otherwise the system policy's. */
long sys_sched_rr_get_interval(pid_t pid, int64_t __user *ts)
{
    if (pid < 0)
        return -EINVAL;
    spin_lock(&tasks_lock);
    struct task *t = find_task(pid);
    int policy = t ? t->policy : 0;
    spin_unlock(&tasks_lock);
    if (!t)
        return -ESRCH;
    const char *sys = sched_system_policy_name();
    uint64_t ns = policy == SCHED_RR   ? sched_tun.rt_rr_slice_ns
                  : policy == SCHED_FIFO ? 0
                  : !strcmp(sys, "lottery") ? sched_tun.lottery_slice_ns
                  : !strcmp(sys, "stride")  ? sched_tun.stride_slice_ns
                  : !strcmp(sys, "fair")    ? sched_tun.fair_latency_ns
                  : !strcmp(sys, "mlfq")    ? sched_tun.mlfq_slice_ns[0]
                                            : sched_tun.rr_slice_ns;
    int64_t k[2] = { (int64_t)(ns / 1000000000ull), (int64_t)(ns % 1000000000ull) };
    return copy_to_user(ts, k, sizeof k);
}
SYSCALL_DEFINE(148, sched_rr_get_interval);

long sys_sched_setaffinity(pid_t pid, size_t len, const uint64_t __user *mask)
{
    uint64_t m = 0;
    if (len < sizeof m)
        return -EINVAL;
    if (copy_from_user(&m, mask, sizeof m))
        return -EFAULT;
    m &= (ncpus >= 64 ? ~0ULL : (1ULL << ncpus) - 1);
    if (!m)
        return -EINVAL;
    spin_lock(&tasks_lock);
    struct task *t = find_task(pid);
    spin_unlock(&tasks_lock);
    if (!t)
        return -ESRCH;
    sched_set_affinity(t, m);
    return 0;
}
SYSCALL_DEFINE(203, sched_setaffinity);

long sys_sched_getaffinity(pid_t pid, size_t len, uint64_t __user *mask)
{
    if (len < sizeof(uint64_t))
        return -EINVAL;
    spin_lock(&tasks_lock);
    struct task *t = find_task(pid);
    uint64_t m = t ? t->cpu_mask & (ncpus >= 64 ? ~0ULL : (1ULL << ncpus) - 1) : 0;
    spin_unlock(&tasks_lock);
    if (!t)
        return -ESRCH;
    if (copy_to_user(mask, &m, sizeof m))
        return -EFAULT;
    return sizeof m;
}
SYSCALL_DEFINE(204, sched_getaffinity);

long sys_getcpu(unsigned __user *cpu, unsigned __user *node, void *unused)
{
    unsigned c = this_cpu_id(), n = 0;
    if (cpu && put_user(c, cpu))
        return -EFAULT;
    if (node && put_user(n, node))
        return -EFAULT;
    return 0;
}
SYSCALL_DEFINE(309, getcpu);
