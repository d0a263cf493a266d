/*
 * Spinlocks.  spin_lock() disables interrupts on this CPU for as long as the
 * lock is held (saving the previous state), so a lock taken in process
 * context can never deadlock against an interrupt handler on the same CPU.
 * Each lock remembers the flags it saved, so locks must be released in the
 * reverse order of taking them.  spin_lock_irqsoff() is for callers that
 * already run with interrupts off and manage them themselves (the scheduler
 * holds its run-queue lock across a context switch).
 *
 * Lock order.  Every lock has a place in one written hierarchy (the table in
 * kernel/spinlock.c, explained in docs/locking.md): a CPU may take a lock
 * only while every lock it holds ranks lower, and two locks of one rank
 * only in ascending address order (run queues: by CPU number).  The debug
 * build (make DEBUG=1, CONFIG_DEBUG) checks this on every acquisition and
 * panics, naming both locks, at the first violation; it also checks
 * spin_assert_held() contracts and that nobody sleeps holding a spinlock.
 */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct spinlock {
    volatile uint32_t locked;
    int cpu;            /* holder; -1 when free */
    uint64_t saved_flags;
    const char *name;   /* also its place in the hierarchy (kernel/spinlock.c) */
    int rank;           /* looked up from the name on first use (debug build) */
};

#define SPINLOCK_INIT(n) { 0, -1, 0, n, 0 }

void spin_init(struct spinlock *l, const char *name);
void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);
/* The same with interrupts already off (checked); interrupt state untouched. */
void spin_lock_irqsoff(struct spinlock *l);
void spin_unlock_irqsoff(struct spinlock *l);
bool spin_held(struct spinlock *l);   /* by this CPU */
/* Takes l only if it is free: true (held, as after spin_lock() or
 * spin_lock_irqsoff()) or false (not taken, interrupt state as before).
 * Lets a caller tell a contended acquisition from a free one, to time the
 * wait (the run-queue locks' statistics). */
bool spin_trylock(struct spinlock *l);
bool spin_trylock_irqsoff(struct spinlock *l);
/* spin_lock() for the printing paths (the log, the console).  Once a panic
 * has begun, a lock this CPU already holds (the panic came from inside it),
 * or one another CPU keeps for longer than a bounded wait, is taken over so
 * the report still gets out.  Release with spin_unlock(). */
void spin_lock_panic_safe(struct spinlock *l);

/* Two locks of the same rank, taken as the lock order allows: in address
 * order.  a and b may be the same lock (then it is taken once). */
static inline void spin_lock_two(struct spinlock *a, struct spinlock *b)
{
    spin_lock(a < b ? a : b);
    if (a != b)
        spin_lock(a < b ? b : a);
}

static inline void spin_unlock_two(struct spinlock *a, struct spinlock *b)
{
    if (a != b)
        spin_unlock(a < b ? b : a);
    spin_unlock(a < b ? a : b);
}

#ifdef CONFIG_DEBUG
/* "Caller holds l": panics naming the function when it does not. */
#define spin_assert_held(l) spin_check_held((l), __func__)
/* About to sleep or to take a sleeping lock: this CPU must hold no spinlock. */
#define spin_assert_none_held() spin_check_none_held(__func__)
void spin_check_held(struct spinlock *l, const char *fn);
void spin_check_none_held(const char *fn);
/* Sizes the held-lock records for every CPU (after percpu_setup). */
void spin_debug_setup(void);
#else
#define spin_assert_held(l) ((void)(l))
#define spin_assert_none_held() ((void)0)
static inline void spin_debug_setup(void) {}
#endif

#endif
