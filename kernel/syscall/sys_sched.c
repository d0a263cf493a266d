/*
 * Scheduling system calls with Linux interfaces: sched_yield, nice values
 * (getpriority/setpriority, for nice and renice), the real-time classes
 * (sched_setscheduler, sched_setattr and friends, for chrt, with
 * SCHED_RESET_ON_FORK) and CPU affinity.
 *
 * A task found by pid is used under tasks_lock, which keeps it from being
 * reaped and freed meanwhile.  Argument checks follow Linux's order: a
 * negative pid or a NULL parameter is EINVAL before the lookup (ESRCH).
 */
#include <arch/percpu.h>
#include <kernel/kernel.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <lib/string.h>
#include <mm/numa.h>
#include <mm/pmm.h>
#include <mm/uaccess.h>
#include <proc/cred.h>
#include <proc/pid.h>
#include <proc/rlimit.h>
#include <sched/sched.h>

static long sys_sched_yield(void)
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

/* Calls fn(t, arg) for each task of the set setpriority/getpriority(which,
 * who) names: one thread, every thread of a process group's processes
 * (through the group's member list), or every task of a real uid.  Idle
 * and reaped tasks are never in it.  Caller holds tasks_lock. */
static void prio_for_each(int which, int who, void (*fn)(struct task *, void *), void *arg)
{
    spin_assert_held(&tasks_lock);
    if (which == PRIO_PROCESS) {
        struct task *t = find_task(who);
        if (t)
            fn(t, arg);
    } else if (which == PRIO_PGRP) {
        struct list_node *members = pgrp_members_locked(who ? who : current->pgid);
        struct task *leader, *t;
        if (members)
            list_for_each_entry(leader, members, pgrp_node) {
                if (leader->state == TASK_ZOMBIE)
                    fn(leader, arg);    /* it has left the thread list */
                list_for_each_entry(t, &leader->group->threads, thread_node)
                    fn(t, arg);
            }
    } else {
        uid_t uid = (uid_t)(who ? who : (int)current->uid);
        list_for_each(n, &all_tasks) {
            struct task *t = container_of(n, struct task, all_node);
            if (t->pid && t->state != TASK_DEAD && t->uid == uid)
                fn(t, arg);
        }
    }
}

static void prio_lowest(struct task *t, void *arg)
{
    int *best = arg;
    if (t->se.nice < *best)
        *best = t->se.nice;
}

/* The raw syscall returns 20 - nice (1..40) of the highest-priority
 * (lowest nice) task of the set; musl turns it back into a nice value. */
static long sys_getpriority(int which, int who)
{
    if (which < PRIO_PROCESS || which > PRIO_USER)
        return -EINVAL;
    int best = 100;
    spin_lock(&tasks_lock);
    prio_for_each(which, who, prio_lowest, &best);
    spin_unlock(&tasks_lock);
    return best == 100 ? -ESRCH : 20 - best;
}
SYSCALL_DEFINE(140, getpriority);

/* May the caller give t nice value `nice`?  Raising it needs only the
 * right to change t; lowering it CAP_SYS_NICE, or RLIMIT_NICE allowing
 * 20 - nice (Linux's can_nice). */
static bool can_nice(const struct task *t, int nice)
{
    return nice >= t->se.nice || capable(CAP_SYS_NICE) || 20 - nice <= (int)rlimit_cur(current, RLIMIT_NICE);
}

struct renice {
    int nice;
    long err;
};

static void prio_set(struct task *t, void *arg)
{
    struct renice *r = arg;
    if (!may_schedule(t)) {
        r->err = -EPERM;
    } else if (!can_nice(t, r->nice)) {
        r->err = -EACCES;
    } else {
        if (r->err == -ESRCH)
            r->err = 0;
        sched_set_param(t, SCHED_PARAM_NICE, r->nice);
    }
}

/* nice is clamped to -20..19, as Linux does.  Each selected task the caller
 * may not change is EPERM, may not lower EACCES; the last such error is
 * returned even if other tasks changed (Linux). */
static long sys_setpriority(int which, int who, int nice)
{
    if (which < PRIO_PROCESS || which > PRIO_USER)
        return -EINVAL;
    struct renice r = { nice < -20 ? -20 : nice > 19 ? 19 : nice, -ESRCH };
    spin_lock(&tasks_lock);
    prio_for_each(which, who, prio_set, &r);
    spin_unlock(&tasks_lock);
    return r.err;
}
SYSCALL_DEFINE(141, setpriority);

struct sched_param_k {
    int prio;
};

#define SCHED_RESET_ON_FORK 0x40000000
#define SCHED_FLAG_RESET_ON_FORK 0x01
#define SCHED_FLAG_KEEP_POLICY 0x08
#define SCHED_FLAG_KEEP_PARAMS 0x10

static bool rt_policy(int policy) { return policy == SCHED_FIFO || policy == SCHED_RR; }

/* May the caller give t this class?  Its ids must match t's, and a
 * real-time class needs CAP_SYS_NICE or an RLIMIT_RTPRIO at least prio. */
static long may_set_policy(const struct task *t, int policy, int prio)
{
    if (!may_schedule(t))
        return -EPERM;
    if ((policy == SCHED_FIFO || policy == SCHED_RR) && !capable(CAP_SYS_NICE) &&
        (uint64_t)prio > rlimit_cur(current, RLIMIT_RTPRIO))
        return -EPERM;
    return 0;
}

/* Is (policy, prio) a valid pair?  0 or -EINVAL. */
static long check_policy(int policy, int prio)
{
    if (rt_policy(policy))
        return prio < 1 || prio > 99 ? -EINVAL : 0;
    if (policy == SCHED_OTHER || policy == SCHED_BATCH || policy == SCHED_IDLE)
        return prio != 0 ? -EINVAL : 0;
    return -EINVAL;                     /* SCHED_DEADLINE is not provided */
}

/* Gives t a new class.  While a priority-inheritance waiter lends t its
 * priority, the change is to the priority t returns to, and takes effect
 * now only if it is higher than the lent one.  Caller holds tasks_lock. */
static void set_policy(struct task *t, int policy, int prio, bool reset_on_fork)
{
    t->sched_reset_on_fork = reset_on_fork;
    if (t->pi_boosted) {
        t->pi_base_policy = policy;
        t->pi_base_prio = prio;
        if (!rt_policy(policy) || prio <= t->se.rt_priority)
            return;
    }
    sched_set_rt(t, policy, rt_policy(policy) ? prio : 0);
}

/* What t's policy and real-time priority read as: its own, not one a
 * priority-inheritance waiter lends it (Linux reports the normal
 * priority).  Caller holds tasks_lock. */
static int own_policy(const struct task *t) { return t->pi_boosted ? t->pi_base_policy : t->policy; }
static int own_rt_prio(const struct task *t) { return t->pi_boosted ? t->pi_base_prio : t->se.rt_priority; }

static long sys_sched_setscheduler(pid_t pid, int policy, const struct sched_param_k __user *param)
{
    struct sched_param_k p;
    if (pid < 0 || !param)
        return -EINVAL;
    if (copy_from_user(&p, param, sizeof p))
        return -EFAULT;
    bool reset = policy & SCHED_RESET_ON_FORK;
    policy &= ~SCHED_RESET_ON_FORK;
    spin_lock(&tasks_lock);
    struct task *t = find_task(pid);
    long err = t ? check_policy(policy, p.prio) : -ESRCH;
    if (!err)
        err = may_set_policy(t, policy, p.prio);
    if (!err)
        set_policy(t, policy, p.prio, reset);
    spin_unlock(&tasks_lock);
    return err;
}
SYSCALL_DEFINE(144, sched_setscheduler);

static long sys_sched_getscheduler(pid_t pid)
{
    if (pid < 0)
        return -EINVAL;
    spin_lock(&tasks_lock);
    struct task *t = find_task(pid);
    long r = t ? own_policy(t) | (t->sched_reset_on_fork ? SCHED_RESET_ON_FORK : 0) : -ESRCH;
    spin_unlock(&tasks_lock);
    return r;
}
SYSCALL_DEFINE(145, sched_getscheduler);

static long sys_sched_setparam(pid_t pid, const struct sched_param_k __user *param)
{
    if (pid < 0 || !param)
        return -EINVAL;
    long policy = sys_sched_getscheduler(pid);
    return policy < 0 ? policy : sys_sched_setscheduler(pid, (int)policy, param);
}
SYSCALL_DEFINE(142, sched_setparam);

static long sys_sched_getparam(pid_t pid, struct sched_param_k __user *param)
{
    if (pid < 0 || !param)
        return -EINVAL;
    spin_lock(&tasks_lock);
    struct task *t = find_task(pid);
    struct sched_param_k p = { t ? own_rt_prio(t) : 0 };
    spin_unlock(&tasks_lock);
    if (!t)
        return -ESRCH;
    return copy_to_user(param, &p, sizeof p);
}
SYSCALL_DEFINE(143, sched_getparam);

/* struct sched_attr (include/uapi/linux/sched/types.h): 48 bytes in its
 * first version, 56 with the utilisation clamps. */
struct sched_attr_k {
    uint32_t size, policy;
    uint64_t flags;
    int32_t nice;
    uint32_t priority;
    uint64_t runtime, deadline, period;
    uint32_t util_min, util_max;
};
#define SCHED_ATTR_SIZE_VER0 48
_Static_assert(sizeof(struct sched_attr_k) == 56, "struct sched_attr is 56 bytes");

/* sched_getattr: the task's policy, flags, nice and real-time priority. */
static long sys_sched_getattr(pid_t pid, struct sched_attr_k __user *uattr, unsigned size, unsigned flags)
{
    if (!uattr || pid < 0 || size < SCHED_ATTR_SIZE_VER0 || size > PAGE_SIZE || flags)
        return -EINVAL;
    struct sched_attr_k a;
    memset(&a, 0, sizeof a);
    spin_lock(&tasks_lock);
    struct task *t = find_task(pid);
    if (t) {
        a.policy = (uint32_t)own_policy(t);
        a.flags = t->sched_reset_on_fork ? SCHED_FLAG_RESET_ON_FORK : 0;
        a.nice = rt_policy(own_policy(t)) ? 0 : t->se.nice;     /* Linux reports it for the others only */
        a.priority = rt_policy(own_policy(t)) ? (uint32_t)own_rt_prio(t) : 0;
        a.util_max = 1024;              /* no clamp: the whole capacity */
    }
    spin_unlock(&tasks_lock);
    if (!t)
        return -ESRCH;
    a.size = MIN(size, (unsigned)sizeof a);
    return copy_to_user(uattr, &a, a.size);
}
SYSCALL_DEFINE(315, sched_getattr);

/* sched_setattr: sched_setscheduler and setpriority in one call.  A record
 * larger than this kernel's must be zero beyond what it knows (E2BIG, with
 * the size it knows written back, as Linux does). */
static long sys_sched_setattr(pid_t pid, struct sched_attr_k __user *uattr, unsigned flags)
{
    if (!uattr || pid < 0 || flags)
        return -EINVAL;
    uint32_t size;
    if (get_user(size, &uattr->size))
        return -EFAULT;
    if (size == 0)
        size = SCHED_ATTR_SIZE_VER0;
    struct sched_attr_k a;
    memset(&a, 0, sizeof a);
    bool too_big = size < SCHED_ATTR_SIZE_VER0 || size > PAGE_SIZE;
    for (uint32_t off = sizeof a; !too_big && off < size; off++) {
        uint8_t b;
        if (get_user(b, (uint8_t __user *)uattr + off))
            return -EFAULT;
        too_big = b != 0;
    }
    if (too_big) {
        put_user((uint32_t)sizeof a, &uattr->size);
        return -E2BIG;
    }
    if (copy_from_user(&a, uattr, MIN(size, (uint32_t)sizeof a)))
        return -EFAULT;
    if ((int)a.policy < 0)
        return -EINVAL;
    spin_lock(&tasks_lock);
    struct task *t = find_task(pid);
    long err = !t ? -ESRCH : (a.flags & ~(uint64_t)(SCHED_FLAG_RESET_ON_FORK | SCHED_FLAG_KEEP_POLICY |
                                                     SCHED_FLAG_KEEP_PARAMS)) ? -EINVAL : 0;
    int policy = t && (a.flags & SCHED_FLAG_KEEP_POLICY) ? t->policy : (int)a.policy;
    int prio = (int)a.priority;
    if (t && (a.flags & SCHED_FLAG_KEEP_PARAMS))
        prio = rt_policy(policy) ? t->se.rt_priority : 0;
    if (!err)
        err = check_policy(policy, prio);
    if (!err)
        err = may_set_policy(t, policy, prio);
    if (!err && !rt_policy(policy) && !(a.flags & SCHED_FLAG_KEEP_PARAMS) && !can_nice(t, a.nice))
        err = -EPERM;
    if (!err && (a.flags & SCHED_FLAG_KEEP_PARAMS)) {
        /* as Linux: the kept parameters are checked against the class
         * asked for, but neither changes, only the flags */
        t->sched_reset_on_fork = a.flags & SCHED_FLAG_RESET_ON_FORK;
    } else if (!err) {
        set_policy(t, policy, prio, a.flags & SCHED_FLAG_RESET_ON_FORK);
        if (!rt_policy(policy))
            sched_set_param(t, SCHED_PARAM_NICE, a.nice < -20 ? -20 : a.nice > 19 ? 19 : a.nice);
    }
    spin_unlock(&tasks_lock);
    return err;
}
SYSCALL_DEFINE(314, sched_setattr);

/* As Linux: 1..99 for the real-time policies, 0..0 for the others,
 * SCHED_DEADLINE included (it takes no priority), EINVAL for the rest. */
static long priority_range(int policy, long rt)
{
    switch (policy) {
    case SCHED_FIFO: case SCHED_RR: return rt;
    case SCHED_OTHER: case SCHED_BATCH: case SCHED_IDLE: case SCHED_DEADLINE: return 0;
    default: return -EINVAL;
    }
}

static long sys_sched_get_priority_max(int policy)
{
    return priority_range(policy, 99);
}
SYSCALL_DEFINE(146, sched_get_priority_max);

static long sys_sched_get_priority_min(int policy)
{
    return priority_range(policy, 1);
}
SYSCALL_DEFINE(147, sched_get_priority_min);

/* The task's slice: SCHED_RR's for an rt round-robin task, 0 for
 * SCHED_FIFO (no slice), otherwise the system policy's. */
static long sys_sched_rr_get_interval(pid_t pid, int64_t __user *ts)
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

/* The size of the kernel's affinity mask as the system calls see it:
 * Linux's cpumask_size(), which is NR_CPUS bits in a kernel that keeps
 * its CPU masks whole (no CONFIG_CPUMASK_OFFSTACK), as Tessera does. */
static size_t affinity_size(void) { return sizeof(struct cpuset); }

/* As Linux, a mask of any length is taken: a shorter one than the kernel's
 * (affinity_size) names CPUs from 0 up and leaves the others out; in a
 * longer one (glibc's cpu_set_t has 1024 bits) the bytes beyond the
 * kernel's are not read.  Only CPUs online count: a mask that names none
 * is EINVAL.  Linux's order: the mask is read, then the task is looked up
 * (ESRCH) and checked (EPERM), then the mask judged (EINVAL). */
static long sys_sched_setaffinity(pid_t pid, size_t len, const void __user *mask)
{
    struct cpuset m, online;
    cpuset_zero(&m);
    if (copy_from_user(m.bits, mask, MIN(len, affinity_size())))
        return -EFAULT;
    cpuset_load_atomic(&online, &cpus_online);
    cpuset_and(&m, &m, &online);
    spin_lock(&tasks_lock);
    struct task *t = find_task(pid);
    long r = !t ? -ESRCH : !(may_schedule(t) || capable(CAP_SYS_NICE)) ? -EPERM : cpuset_empty(&m) ? -EINVAL : 0;
    if (!r)
        sched_set_affinity(t, &m);      /* under tasks_lock: t cannot be reaped meanwhile */
    spin_unlock(&tasks_lock);
    return r;
}
SYSCALL_DEFINE(203, sched_setaffinity);

/* As Linux: the buffer must hold a bit for every possible CPU and be a
 * whole number of longs (EINVAL otherwise); the affinity among the online
 * CPUs is written, affinity_size bytes (fewer if the buffer is smaller:
 * the bits it lacks are of CPUs that are not possible), and that length
 * is returned. */
static long sys_sched_getaffinity(pid_t pid, size_t len, void __user *mask)
{
    if (len < ((size_t)cpus_present + 7) / 8 || len % sizeof(uint64_t))
        return -EINVAL;
    struct cpuset m;
    spin_lock(&tasks_lock);
    struct task *t = find_task(pid);
    if (t) {
        cpuset_load_atomic(&m, &cpus_online);
        cpuset_and(&m, &m, &t->cpu_mask);
    }
    spin_unlock(&tasks_lock);
    if (!t)
        return -ESRCH;
    size_t n = MIN(len, affinity_size());
    if (copy_to_user(mask, m.bits, n))
        return -EFAULT;
    return (long)n;
}
SYSCALL_DEFINE(204, sched_getaffinity);

static long sys_getcpu(unsigned __user *cpu, unsigned __user *node, void *unused)
{
    unsigned c = this_cpu_id(), n = (unsigned)cpu_to_node((int)c);
    if (cpu && put_user(c, cpu))
        return -EFAULT;
    if (node && put_user(n, node))
        return -EFAULT;
    return 0;
}
SYSCALL_DEFINE(309, getcpu);
