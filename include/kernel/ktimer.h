/*
 * Kernel timers: a function called once a time_ns() deadline has passed.
 *
 * Armed timers wait on one list sorted by deadline; CPU 0's tick runs the
 * due ones (kernel/ktimer.c), so a timer fires within a tick of its
 * deadline today.  Whoever needs "call me at time T" arms one of these
 * rather than keeping a list of its own, so that finer expiry (a one-shot
 * hardware deadline) changes one place.
 *
 * The function runs on CPU 0 in the timer interrupt with interrupts off and
 * no ktimer lock held: it may take spinlocks and wake tasks, never sleep.
 * It may arm its own timer again, for a time after now.
 */
#ifndef KERNEL_KTIMER_H
#define KERNEL_KTIMER_H

#include <lib/list.h>
#include <stdbool.h>
#include <stdint.h>

struct ktimer {
    /* --- protected by the ktimer lock (kernel/ktimer.c) --- */
    uint64_t expires_ns;            /* time_ns() clock */
    struct list_node node;          /* in the armed list while armed */
    bool armed;
    /* --- set once by ktimer_init --- */
    void (*fn)(struct ktimer *t);
};

void ktimer_init(struct ktimer *t, void (*fn)(struct ktimer *t));
/* Arms t for expires_ns (time_ns() clock), replacing any earlier deadline.
 * A deadline already passed fires at the next tick. */
void ktimer_arm(struct ktimer *t, uint64_t expires_ns);
/* Disarms t; true if it was armed.  Its function may still be running on
 * CPU 0 when this returns: use ktimer_cancel_sync before freeing t. */
bool ktimer_cancel(struct ktimer *t);
/* Disarms t and waits for a running call of its function to return.  Not
 * from t's own function, nor holding a lock that function takes. */
void ktimer_cancel_sync(struct ktimer *t);
/* The tick (CPU 0, interrupts off): runs every timer due at `now`. */
void ktimer_run(uint64_t now);

#endif
