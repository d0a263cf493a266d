/*
 * Spinlocks.  spin_lock() disables interrupts on this CPU for as long as the
 * lock is held (saving the previous state), so a lock taken in process
 * context can never deadlock against an interrupt handler on the same CPU.
 * Locks do not nest interrupt state incorrectly: each lock remembers the
 * flags it saved.
 */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct spinlock {
    volatile uint32_t locked;
    int cpu;            /* holder, for debugging; -1 when free */
    uint64_t saved_flags;
    const char *name;
};

#define SPINLOCK_INIT(n) { 0, -1, 0, n }

void spin_init(struct spinlock *l, const char *name);
void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);
bool spin_held(struct spinlock *l);   /* by this CPU */

#endif
