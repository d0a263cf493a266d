/*
 * High-resolution timers: a callback at a moment given in nanoseconds of
 * time_ns(), fired by a one-shot interrupt programmed for the earliest
 * pending timer, not by the periodic tick.
 *
 * Each CPU keeps its pending timers in a red-black tree ordered by hard
 * expiry (kernel/hrtimer.c); the timer hardware (LAPIC TSC-deadline, or the
 * LAPIC's one-shot count) is programmed for the tree's first entry, so
 * arming, cancelling and finding the next expiry are O(log n) and nothing is
 * scanned per tick.  A timer is started on the CPU that starts it.
 *
 * A timer has a soft and a hard expiry (timer slack, as Linux's
 * hrtimer_start_range_ns): the interrupt is programmed for the hard one, and
 * any interrupt at or after the soft one runs the callback, so timers with
 * slack coalesce with others.  A timer without slack fires at its expiry.
 *
 * The periodic scheduler tick is itself a timer on each CPU, stopped while
 * the CPU is idle (tickless idle) and, on nohz_full CPUs, while one task
 * runs alone.
 *
 * Callbacks run in interrupt context, interrupts off, with no hrtimer lock
 * held: they may take any spinlock (wake a task, send a signal), never
 * sleep.  A callback returns HRTIMER_RESTART after moving its expiry
 * (hrtimer_forward) to run again, or HRTIMER_NORESTART.
 *
 * Locking: each CPU's base has its own lock ("hrtimer"), ranked below
 * every lock a caller may hold when it starts or cancels a timer (run
 * queues included).  hrtimer_cancel() waits for a running callback to
 * finish, so it must not be called with a lock that callback takes.
 */
#ifndef KERNEL_HRTIMER_H
#define KERNEL_HRTIMER_H

#include <lib/rbtree.h>
#include <stdbool.h>
#include <stdint.h>

enum hrtimer_restart { HRTIMER_NORESTART, HRTIMER_RESTART };

struct hrtimer;
typedef enum hrtimer_restart (*hrtimer_fn)(struct hrtimer *t);

struct hrtimer {
    struct rb_node node;
    uint64_t soft_ns, hard_ns;  /* run at or after soft; the interrupt comes by hard */
    hrtimer_fn fn;
    int cpu;                    /* whose base holds it, -1 when not queued */
    volatile int running_on;    /* the CPU running its callback, or -1 */
};

/* Linux's default timer slack of a task that is not real-time (50 us). */
#define TIMER_SLACK_DEFAULT_NS 50000

void hrtimer_init(struct hrtimer *t, hrtimer_fn fn);
/* (Re)arms t for `expires_ns` (may be past: it fires at once) on this CPU. */
void hrtimer_start(struct hrtimer *t, uint64_t expires_ns);
/* The same, allowed to run up to slack_ns late to share an interrupt. */
void hrtimer_start_range(struct hrtimer *t, uint64_t expires_ns, uint64_t slack_ns);
/* Dequeues t if pending; returns whether it was.  Waits while its callback
 * runs on another CPU.  After it returns the callback is not running and
 * will not run until t is started again. */
bool hrtimer_cancel(struct hrtimer *t);
/* Dequeues t if pending, without waiting for a running callback. */
bool hrtimer_try_cancel(struct hrtimer *t);
/* (Re)arms t without waiting for a running callback, so the caller may
 * hold a lock the callback takes.  Only for timers whose callback returns
 * HRTIMER_NORESTART, with every arm of t serialised by the caller (a
 * lock of its own). */
void hrtimer_rearm(struct hrtimer *t, uint64_t expires_ns);
/* Pending (queued, not yet run)? */
bool hrtimer_pending(const struct hrtimer *t);
/* For a periodic callback: moves the expiry forward by whole intervals past
 * now; returns how many intervals were skipped (overruns + 1). */
uint64_t hrtimer_forward(struct hrtimer *t, uint64_t now, uint64_t interval_ns);

/* The timer interrupt (arch trap code). */
void hrtimer_interrupt(void);
/* Per CPU, before interrupts are enabled: the CPU's timer hardware
 * (arch_timer_init_cpu) and its queue of timers. */
void hrtimer_init_cpu(void);

#endif
