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
 * A timer may instead be set for a moment on the wall clock
 * (hrtimer_start_wall): it is queued on time_ns() like the others, for the
 * wall time minus the wall clock's offset, and kept on a list of wall
 * timers as well, so that setting the clock (hrtimer_clock_was_set) moves
 * every pending one to the new time_ns() moment of its wall time, onto the
 * CPU that set the clock: set forward past it, it fires at once; set back,
 * later.  This is Linux's CLOCK_REALTIME timer base, for absolute
 * CLOCK_REALTIME (and CLOCK_TAI) timers and sleeps.
 *
 * Locking: each CPU's base has its own lock ("hrtimer"), ranked below
 * every lock a caller may hold when it starts or cancels a timer (run
 * queues included).  hrtimer_cancel() waits for a running callback to
 * finish, so it must not be called with a lock that callback takes.
 */
#ifndef KERNEL_HRTIMER_H
#define KERNEL_HRTIMER_H

#include <lib/list.h>
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
    /* a wall-clock timer (hrtimer_start_wall): its expiry on the wall
     * clock, and its place on the list of them ("hrtimer_wall" lock);
     * on_wall changes only in its owner's arms and cancels, under it */
    uint64_t wall_ns;
    struct list_node wall_node;
    bool on_wall;
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
/* hrtimer_start and hrtimer_rearm for a moment on the wall clock
 * (time_realtime_ns()), which setting the clock moves.  Without slack;
 * an interval callback moves it on with hrtimer_forward as any other.
 * Any later start, rearm or cancel makes it a time_ns() timer again. */
void hrtimer_start_wall(struct hrtimer *t, uint64_t wall_ns);
void hrtimer_rearm_wall(struct hrtimer *t, uint64_t wall_ns);
/* The wall clock was set (kernel/timekeeping.c): every pending
 * wall-clock timer moves to its wall time's new time_ns() moment. */
void hrtimer_clock_was_set(void);
/* Pending (queued, not yet run)? */
static inline bool hrtimer_pending(const struct hrtimer *t) { return __atomic_load_n(&t->cpu, __ATOMIC_RELAXED) >= 0; }
/* For a periodic callback: moves the expiry forward by whole intervals past
 * now; returns how many intervals were skipped (overruns + 1).  An interval
 * under HRTIMER_MIN_PERIOD_NS moves it past now + HRTIMER_MIN_PERIOD_NS, so
 * that a periodic timer of a user's (posix timer, ITIMER_REAL) cannot keep
 * a CPU in its callback: the periods in between count as skipped. */
#define HRTIMER_MIN_PERIOD_NS 50000ULL
uint64_t hrtimer_forward(struct hrtimer *t, uint64_t now, uint64_t interval_ns);

/* The timer interrupt (arch trap code). */
void hrtimer_interrupt(void);
/* Per CPU, before interrupts are enabled: the CPU's timer hardware
 * (arch_timer_init_cpu) and its queue of timers. */
/* The per-CPU timer bases, allocated at boot for nr_cpu_ids CPUs
 * (before any CPU's hrtimer_init_cpu). */
void hrtimer_setup(void);
void hrtimer_init_cpu(void);

#endif
