/*
 * Kernel timers (see <kernel/ktimer.h>): a sorted list of armed timers,
 * looked at by CPU 0's tick.  Arming is O(armed timers), the tick O(1) when
 * nothing is due.
 *
 * Locking: ktimer_lock protects the list, every timer's expires_ns, node
 * and armed, and `running`.  A timer's function is called with the lock
 * released (it takes locks of its own, which others hold while arming),
 * so `running` names the timer whose function is in progress, for
 * ktimer_cancel_sync to wait on.
 */
#include <arch/cpu.h>
#include <kernel/kernel.h>
#include <kernel/ktimer.h>
#include <kernel/spinlock.h>

static struct spinlock ktimer_lock = SPINLOCK_INIT("ktimer");
static struct list_node armed = LIST_INIT(armed);
static struct ktimer *running;

void ktimer_init(struct ktimer *t, void (*fn)(struct ktimer *t))
{
    t->expires_ns = 0;
    list_init(&t->node);
    t->armed = false;
    t->fn = fn;
}

static void disarm_locked(struct ktimer *t)
{
    if (t->armed) {
        list_remove(&t->node);
        t->armed = false;
    }
}

void ktimer_arm(struct ktimer *t, uint64_t expires_ns)
{
    spin_lock(&ktimer_lock);
    disarm_locked(t);
    t->expires_ns = expires_ns;
    struct list_node *pos = armed.next;
    while (pos != &armed && container_of(pos, struct ktimer, node)->expires_ns <= expires_ns)
        pos = pos->next;
    list_insert_between(&t->node, pos->prev, pos);
    t->armed = true;
    spin_unlock(&ktimer_lock);
}

bool ktimer_cancel(struct ktimer *t)
{
    spin_lock(&ktimer_lock);
    bool was = t->armed;
    disarm_locked(t);
    spin_unlock(&ktimer_lock);
    return was;
}

void ktimer_cancel_sync(struct ktimer *t)
{
    ktimer_cancel(t);
    while (READ_ONCE(running) == t)
        cpu_relax();
}

void ktimer_run(uint64_t now)
{
    spin_lock(&ktimer_lock);
    while (!list_empty(&armed)) {
        struct ktimer *t = list_first_entry(&armed, struct ktimer, node);
        if (t->expires_ns > now)
            break;
        disarm_locked(t);
        WRITE_ONCE(running, t);
        spin_unlock(&ktimer_lock);
        t->fn(t);
        spin_lock(&ktimer_lock);
        WRITE_ONCE(running, NULL);
    }
    spin_unlock(&ktimer_lock);
}
