/*
 * Ticket transfer (lottery and stride): a task that waits for another one
 * lends it its tickets, so the task it waits for runs with both shares and
 * the wait ends sooner (the book's client/server example).
 *
 * Loans are made in two ways:
 *  - automatically, for one sleep, while the system policy shares by
 *    tickets (under the others tickets decide nothing, and a wait would
 *    pay for a loan on every pipe hand-off): a parent sleeping in wait4 lends to the
 *    first child the wait selects that can run (not stopped); a reader
 *    sleeping on an empty pipe lends to the pipe's last writer, a writer
 *    sleeping on a full pipe to its last reader.  The loan is returned as
 *    soon as the sleeper runs again, whatever woke it.
 *  - explicitly, through tessera_sched_lend (schedctl lend PID), until the
 *    lender calls it again with pid 0, or either side exits.  A task with an
 *    explicit loan makes no automatic ones (its tickets are already away).
 *
 * The amount is the lender's own tickets when the loan is made; the lender's
 * own share is unchanged (an automatic lender sleeps, so it holds no place
 * in the draw anyway).  Loans are not transitive: what B received from A is
 * not passed on when B itself waits for C.
 *
 * Lifetime: a loan is a struct in the lender, linked into the receiver's
 * loans_in list, all under lend_lock.  sched_lend_exit() runs in do_exit
 * before a task can be reaped and freed: it returns the task's own loan,
 * marks it closed to new loans and unlinks every loan it received (the
 * lenders then see loan.to == NULL), so no pointer ever outlives its task.
 *
 * Taken with tasks_lock held, takes run-queue locks (docs/locking.md).
 */
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <kernel/task.h>
#include <lib/list.h>
#include <sched/policy.h>
#include <sched/sched.h>
#include "internal.h"

static struct spinlock lend_lock = SPINLOCK_INIT("sched_lend");

/* Caller holds lend_lock. */
static void loan_return(struct task *from)
{
    spin_assert_held(&lend_lock);
    struct sched_loan *l = &from->loan;
    if (!l->to)
        return;
    list_remove(&l->node);
    sched_set_param(l->to, SCHED_PARAM_LENT_ADD, -(int64_t)l->amount);
    l->to = NULL;
    l->amount = 0;
    l->blocked = false;
}

/* Caller holds lend_lock; `from` has no loan.  A receiver that is exiting,
 * or not yet started by the scheduler (se.id == 0: fork may still fail and
 * free it without do_exit), is refused. */
static int loan_make(struct task *from, struct task *to, bool blocked)
{
    spin_assert_held(&lend_lock);
    if (to->loans_closed || to->se.id == 0 || from->loans_closed)
        return -ESRCH;
    if (!to->loans_in.next)
        list_init(&to->loans_in);
    struct sched_loan *l = &from->loan;
    l->to = to;
    l->amount = from->se.tickets;
    l->blocked = blocked;
    list_push_back(&to->loans_in, &l->node);
    sched_set_param(to, SCHED_PARAM_LENT_ADD, l->amount);
    return 0;
}

int sched_lend_locked(struct task *from, struct task *to)
{
    if (from == to)
        return -EINVAL;
    spin_lock(&lend_lock);
    loan_return(from);
    int err = loan_make(from, to, false);
    spin_unlock(&lend_lock);
    return err;
}

/* Automatic loans are made while the system policy shares by tickets. */
static bool lending(void) { return READ_ONCE(system_policy)->by_tickets; }

void sched_lend_wait_locked(struct task *from, struct task *to)
{
    spin_assert_held(&tasks_lock);
    if (from == to || !to || !lending())
        return;
    spin_lock(&lend_lock);
    if (!from->loan.to)
        loan_make(from, to, true);
    spin_unlock(&lend_lock);
}

void sched_lend_wait_pid(struct task *from, pid_t pid, uint64_t start_ns)
{
    if (pid <= 0 || pid == from->pid || !lending())
        return;
    spin_lock(&tasks_lock);
    struct task *to = task_find(pid);
    if (to && to->stats.arrival_ns == start_ns)
        sched_lend_wait_locked(from, to);
    spin_unlock(&tasks_lock);
}

void sched_lend_wait_end(struct task *from)
{
    if (!from->loan.to)                 /* racy peek; rechecked under the lock */
        return;
    spin_lock(&lend_lock);
    if (from->loan.blocked)
        loan_return(from);
    spin_unlock(&lend_lock);
}

void sched_unlend(struct task *from)
{
    spin_lock(&lend_lock);
    loan_return(from);
    spin_unlock(&lend_lock);
}

pid_t sched_lend_target(struct task *from)
{
    spin_lock(&lend_lock);
    pid_t pid = from->loan.to ? from->loan.to->pid : 0;
    spin_unlock(&lend_lock);
    return pid;
}

void sched_lend_exit(struct task *t)
{
    spin_lock(&lend_lock);
    loan_return(t);
    t->loans_closed = true;
    if (t->loans_in.next) {
        list_for_each_safe(n, &t->loans_in) {
            struct sched_loan *l = container_of(n, struct sched_loan, node);
            list_remove(&l->node);
            l->to = NULL;
            l->amount = 0;
            l->blocked = false;
        }
    }
    spin_unlock(&lend_lock);
    sched_set_param(t, SCHED_PARAM_LENT_ADD, -(int64_t)t->se.lent_tickets);
}
