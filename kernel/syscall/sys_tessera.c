/*
 * Tessera's own scheduling calls (include/uapi/tessera.h), for what the book
 * teaches and Linux has no call for:
 *
 *   tessera_sched_get(pid, out)        a process's tickets, lent tickets,
 *                                      expected run time, nice, MLFQ level
 *   tessera_sched_set(pid, in, mask)   tickets (ticket inflation: the new
 *                                      count holds from the next decision) and
 *                                      the expected run time SJF/STCF use
 *   tessera_sched_lend(pid)            lend all the caller's tickets to pid,
 *                                      or take them back with pid 0
 *
 * pid 0 means the caller.  Errors: ESRCH for no such process, EFAULT for a
 * bad pointer, EINVAL for a bad mask, tickets 0 or above
 * TESSERA_TICKETS_MAX, or lending to oneself; a refused call changes
 * nothing.  Tasks are looked up and used under tasks_lock, which keeps them
 * from being freed meanwhile.
 */
#include <kernel/kernel.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <lib/string.h>
#include <mm/uaccess.h>
#include <sched/sched.h>
#include <uapi/tessera.h>

/* The task `pid` (0 = the caller); caller holds tasks_lock.  A zombie has
 * no scheduling state left to show or change. */
static struct task *sched_target(pid_t pid)
{
    spin_assert_held(&tasks_lock);
    if (pid < 0)
        return NULL;
    struct task *t = pid == 0 ? current : task_find(pid);
    if (!t || t->state == TASK_ZOMBIE || t->state == TASK_DEAD)
        return NULL;
    return t;
}

static long sys_tessera_sched_get(pid_t pid, struct tessera_sched __user *out)
{
    struct tessera_sched k;
    memset(&k, 0, sizeof k);
    spin_lock(&tasks_lock);
    struct task *t = sched_target(pid);
    if (t) {
        k.tickets = t->se.tickets;
        k.lent_tickets = t->se.lent_tickets;
        k.expected_ns = t->se.expected_ns;
        k.nice = t->se.nice;
        int level = sched_task_level(t);
        k.mlfq_level = level < 0 ? 0 : level;
    }
    spin_unlock(&tasks_lock);
    if (!t)
        return -ESRCH;
    return copy_to_user(out, &k, sizeof k);
}
SYSCALL_DEFINE(__NR_tessera_sched_get, tessera_sched_get);

static long sys_tessera_sched_set(pid_t pid, const struct tessera_sched __user *in, uint32_t mask)
{
    struct tessera_sched k;
    if (mask & ~(uint32_t)(TESSERA_SCHED_TICKETS | TESSERA_SCHED_EXPECTED))
        return -EINVAL;
    if (copy_from_user(&k, in, sizeof k))
        return -EFAULT;
    if ((mask & TESSERA_SCHED_TICKETS) && (k.tickets == 0 || k.tickets > TESSERA_TICKETS_MAX))
        return -EINVAL;
    spin_lock(&tasks_lock);
    struct task *t = sched_target(pid);
    if (t && (mask & TESSERA_SCHED_TICKETS))
        sched_set_param(t, SCHED_PARAM_TICKETS, k.tickets);
    if (t && (mask & TESSERA_SCHED_EXPECTED))
        sched_set_param(t, SCHED_PARAM_EXPECTED, (int64_t)k.expected_ns);
    spin_unlock(&tasks_lock);
    return t ? 0 : -ESRCH;
}
SYSCALL_DEFINE(__NR_tessera_sched_set, tessera_sched_set);

static long sys_tessera_sched_lend(pid_t pid)
{
    struct task *self = current;
    if (pid == 0) {
        sched_unlend(self);
        return 0;
    }
    if (pid < 0)
        return -EINVAL;
    spin_lock(&tasks_lock);
    struct task *t = sched_target(pid);
    long err = t ? sched_lend_locked(self, t) : -ESRCH;
    spin_unlock(&tasks_lock);
    return err;
}
SYSCALL_DEFINE(__NR_tessera_sched_lend, tessera_sched_lend);
