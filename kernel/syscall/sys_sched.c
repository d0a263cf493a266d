/*
 * Scheduling system calls with Linux interfaces: sched_yield, nice values
 * (getpriority/setpriority), the real-time classes (sched_setscheduler and
 * friends, for chrt) and CPU affinity.
 */
#include <arch/percpu.h>
#include <kernel/kernel.h>
#include <kernel/syscall.h>
#include <mm/uaccess.h>
#include <proc/task.h>
#include <sched/sched.h>

long sys_sched_yield(void)
{
    sched_yield_current();
    return 0;
}
SYSCALL_DEFINE(24, sched_yield);

static struct task *find_task(pid_t pid)
{
    if (pid == 0)
        return current;
    spin_lock(&tasks_lock);
    struct task *t = task_find(pid);
    spin_unlock(&tasks_lock);
    return t;
}

#define PRIO_PROCESS 0

long sys_getpriority(int which, int who)
{
    if (which != PRIO_PROCESS)
        return -EINVAL;
    struct task *t = find_task(who);
    if (!t)
        return -ESRCH;
    return 20 - t->se.nice;             /* the raw syscall returns 20 - nice */
}
SYSCALL_DEFINE(140, getpriority);

long sys_setpriority(int which, int who, int nice)
{
    if (which != PRIO_PROCESS)
        return -EINVAL;
    struct task *t = find_task(who);
    if (!t)
        return -ESRCH;
    if (nice < -20)
        nice = -20;
    if (nice > 19)
        nice = 19;
    t->se.nice = nice;
    sched_reweight(t);
    return 0;
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
    struct task *t = find_task(pid);
    if (!t)
        return -ESRCH;
    if (policy == SCHED_FIFO || policy == SCHED_RR) {
        if (p.prio < 1 || p.prio > 99)
            return -EINVAL;
    } else if (policy == SCHED_OTHER || policy == SCHED_BATCH || policy == SCHED_IDLE) {
        if (p.prio != 0)
            return -EINVAL;
    } else {
        return -EINVAL;
    }
    sched_set_rt(t, policy, policy == SCHED_FIFO || policy == SCHED_RR ? p.prio : 0);
    return 0;
}
SYSCALL_DEFINE(144, sched_setscheduler);

long sys_sched_getscheduler(pid_t pid)
{
    struct task *t = find_task(pid);
    return t ? t->policy : -ESRCH;
}
SYSCALL_DEFINE(145, sched_getscheduler);

long sys_sched_setparam(pid_t pid, const struct sched_param_k __user *param)
{
    struct task *t = find_task(pid);
    if (!t)
        return -ESRCH;
    return sys_sched_setscheduler(pid, t->policy, param);
}
SYSCALL_DEFINE(142, sched_setparam);

long sys_sched_getparam(pid_t pid, struct sched_param_k __user *param)
{
    struct task *t = find_task(pid);
    if (!t)
        return -ESRCH;
    struct sched_param_k p = { t->se.rt_priority };
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

long sys_sched_rr_get_interval(pid_t pid, int64_t __user *ts)
{
    int64_t k[2] = { 0, (int64_t)sched_tun.rr_slice_ns };
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
    struct task *t = find_task(pid);
    if (!t)
        return -ESRCH;
    t->cpu_mask = m;
    if (t == current && !(m & (1ULL << this_cpu_id())))
        current->need_resched = true;   /* migrates on the next pick (see core.c) */
    return 0;
}
SYSCALL_DEFINE(203, sched_setaffinity);

long sys_sched_getaffinity(pid_t pid, size_t len, uint64_t __user *mask)
{
    if (len < sizeof(uint64_t))
        return -EINVAL;
    struct task *t = find_task(pid);
    if (!t)
        return -ESRCH;
    uint64_t m = t->cpu_mask & (ncpus >= 64 ? ~0ULL : (1ULL << ncpus) - 1);
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
