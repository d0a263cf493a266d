/*
 * Spinlocks with interrupt masking.  The lock word is taken with an atomic
 * exchange; while it is held, interrupts stay off on this CPU, and the flags
 * from before the lock are restored on unlock (locks must nest LIFO).
 */
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <kernel/spinlock.h>
#include <kernel/kernel.h>

void spin_init(struct spinlock *l, const char *name)
{
    l->locked = 0;
    l->cpu = -1;
    l->saved_flags = 0;
    l->name = name;
}

void spin_lock(struct spinlock *l)
{
    uint64_t flags = read_rflags();
    irq_disable();
    if (unlikely(l->locked && l->cpu == this_cpu_id()))
        panic("spinlock %s: recursive acquisition", l->name ? l->name : "?");
    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
        while (READ_ONCE(l->locked))
            cpu_relax();
    l->cpu = this_cpu_id();
    l->saved_flags = flags;
}

void spin_unlock(struct spinlock *l)
{
    uint64_t flags = l->saved_flags;
    l->cpu = -1;
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
    if (flags & (1 << 9))
        irq_enable();
}

bool spin_held(struct spinlock *l) { return l->locked && l->cpu == this_cpu_id(); }
