/*
 * High-resolution timers (the contract is include/kernel/hrtimer.h).
 *
 * Per CPU: a red-black tree of pending timers by hard expiry, the timer
 * whose callback is running, and the expiry the hardware is programmed
 * for.  Starting a timer whose hard expiry comes before the programmed one
 * reprograms the hardware; cancelling the first timer leaves it programmed
 * (the interrupt then finds nothing due and programs the next expiry),
 * which also makes cancelling from another CPU safe.
 *
 * A timer's `cpu` (queued on that base) changes only under that base's
 * lock; `running_on` marks a callback in progress.  A timer is dequeued
 * before its callback runs, and requeued after it (HRTIMER_RESTART) only if
 * nobody started it meanwhile.
 *
 * Wall-clock timers are also on `wall_timers`.  Their owner links and
 * unlinks them (start, rearm, cancel: serialised by the owner, as every arm
 * of a timer is); the clock-setter moves each queued one under wall_lock,
 * which is why an owner unlinks a timer before it dequeues it, and queues
 * it again before it links it.  A callback that restarts reads the wall
 * time again, so a clock set while it ran is not missed.
 */
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <arch/timer.h>
#include <kernel/hrtimer.h>
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>

struct hrtimer_base {
    struct spinlock lock;
    struct rb_root tree;
    uint64_t programmed;            /* hard expiry the hardware waits for */
    uint64_t interrupts;
};

/* One per CPU (hrtimer_setup), each under its own lock. */
static struct hrtimer_base *bases;

void hrtimer_setup(void) { bases = percpu_array_alloc(sizeof *bases); }

/* Wall-clock timers (on_wall), in no order: the list and every on_wall
 * timer's wall_ns and wall_node are under wall_lock, taken before a base's. */
static struct spinlock wall_lock = SPINLOCK_INIT("hrtimer_wall");
static struct list_node wall_timers = LIST_INIT(wall_timers);

/* which CPU's callback is running a timer, per timer: kept beside the
 * timer's own fields so struct hrtimer stays small */
#define NOT_RUNNING (-1)

static bool hard_less(const struct rb_node *a, const struct rb_node *b)
{
    return rb_entry(a, struct hrtimer, node)->hard_ns < rb_entry(b, struct hrtimer, node)->hard_ns;
}

void hrtimer_init_cpu(void)
{
    arch_timer_init_cpu();
    struct hrtimer_base *b = &bases[this_cpu_id()];
    spin_init(&b->lock, "hrtimer");
    rb_root_init(&b->tree);
    b->programmed = UINT64_MAX;
}

void hrtimer_init(struct hrtimer *t, hrtimer_fn fn)
{
    t->fn = fn;
    t->cpu = -1;
    t->running_on = NOT_RUNNING;
    t->soft_ns = t->hard_ns = 0;
    t->wall_ns = 0;
    t->on_wall = false;
}

/* Points the hardware at the first pending timer.  Base lock held. */
static void reprogram(struct hrtimer_base *b)
{
    struct rb_node *first = rb_first(&b->tree);
    uint64_t next = first ? rb_entry(first, struct hrtimer, node)->hard_ns : UINT64_MAX;
    if (next == b->programmed)
        return;
    b->programmed = next;
    if (next == UINT64_MAX)
        arch_timer_stop();
    else
        arch_timer_oneshot(next);
}

/* Removes t from whatever base holds it; returns whether it was queued.
 * The check without a lock comes first, inline: most cancels find their
 * timer already fired (a sleeper woken by it) or stopped (an idle tick). */
static __attribute__((noinline)) bool dequeue_queued(struct hrtimer *t)
{
    for (;;) {
        int c = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
        if (c < 0)
            return false;
        struct hrtimer_base *b = &bases[c];
        spin_lock(&b->lock);
        if (t->cpu == c) {
            rb_erase(&b->tree, &t->node, NULL);
            t->cpu = -1;
            spin_unlock(&b->lock);
            return true;
        }
        spin_unlock(&b->lock);      /* moved meanwhile: look again */
    }
}

static inline bool dequeue(struct hrtimer *t)
{
    return __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE) >= 0 && dequeue_queued(t);
}

/* The time_ns() moment of a wall-clock time (0 if before the boot). */
static uint64_t wall_to_mono(uint64_t wall_ns)
{
    uint64_t off = time_wall_offset_ns();
    return wall_ns > off ? wall_ns - off : 0;
}

/* The owner takes t off the wall timers (before dequeuing it). */
static void wall_unlink(struct hrtimer *t)
{
    if (!t->on_wall)
        return;
    spin_lock(&wall_lock);
    list_remove(&t->wall_node);
    t->on_wall = false;
    spin_unlock(&wall_lock);
}

bool hrtimer_cancel(struct hrtimer *t)
{
    wall_unlink(t);
    bool was = false;
    for (;;) {
        was |= dequeue(t);
        int r = __atomic_load_n(&t->running_on, __ATOMIC_ACQUIRE);
        /* on this CPU a running callback is our caller (interrupts are off
         * while callbacks run, so nothing else can be) */
        if (r == NOT_RUNNING || r == this_cpu_id())
            break;
        cpu_relax();
    }
    /* a callback that finished meanwhile may have requeued it */
    was |= dequeue(t);
    return was;
}

bool hrtimer_try_cancel(struct hrtimer *t)
{
    wall_unlink(t);
    return dequeue(t);
}

/* Queues a dequeued t on this CPU. */
static void enqueue(struct hrtimer *t, uint64_t expires_ns, uint64_t slack_ns)
{
    struct hrtimer_base *b = &bases[this_cpu_id()];
    spin_lock(&b->lock);
    t->soft_ns = expires_ns;
    t->hard_ns = expires_ns + slack_ns < expires_ns ? UINT64_MAX : expires_ns + slack_ns;
    rb_add(&b->tree, &t->node, hard_less, NULL);
    t->cpu = this_cpu_id();
    if (t->hard_ns < b->programmed)
        reprogram(b);
    spin_unlock(&b->lock);
}

void hrtimer_start_range(struct hrtimer *t, uint64_t expires_ns, uint64_t slack_ns)
{
    hrtimer_cancel(t);
    enqueue(t, expires_ns, slack_ns);
}

void hrtimer_start(struct hrtimer *t, uint64_t expires_ns) { hrtimer_start_range(t, expires_ns, 0); }

void hrtimer_rearm(struct hrtimer *t, uint64_t expires_ns)
{
    wall_unlink(t);
    dequeue(t);
    enqueue(t, expires_ns, 0);
}

/* Queues a dequeued t for a wall time, and links it. */
static void enqueue_wall(struct hrtimer *t, uint64_t wall_ns)
{
    spin_lock(&wall_lock);
    t->wall_ns = wall_ns;
    enqueue(t, wall_to_mono(wall_ns), 0);
    list_push_back(&wall_timers, &t->wall_node);
    t->on_wall = true;
    spin_unlock(&wall_lock);
}

void hrtimer_start_wall(struct hrtimer *t, uint64_t wall_ns)
{
    hrtimer_cancel(t);
    enqueue_wall(t, wall_ns);
}

void hrtimer_rearm_wall(struct hrtimer *t, uint64_t wall_ns)
{
    wall_unlink(t);
    dequeue(t);
    enqueue_wall(t, wall_ns);
}

void hrtimer_clock_was_set(void)
{
    spin_lock(&wall_lock);
    list_for_each(n, &wall_timers) {
        struct hrtimer *t = container_of(n, struct hrtimer, wall_node);
        /* one whose callback runs now is requeued by it, from wall_ns */
        if (dequeue(t))
            enqueue(t, wall_to_mono(t->wall_ns), 0);
    }
    spin_unlock(&wall_lock);
}

uint64_t hrtimer_forward(struct hrtimer *t, uint64_t now, uint64_t interval_ns)
{
    if (!interval_ns || now < t->soft_ns)
        return 0;
    /* A period shorter than HRTIMER_MIN_PERIOD_NS (a user's 1 ns interval)
     * would be due again before hrtimer_interrupt's loop could look, and
     * the CPU would run the callback for ever: step past now plus the
     * floor, counting the periods stepped over as skipped. */
    if (interval_ns < HRTIMER_MIN_PERIOD_NS)
        now += HRTIMER_MIN_PERIOD_NS;
    uint64_t n = (now - t->soft_ns) / interval_ns + 1;
    uint64_t slack = t->hard_ns - t->soft_ns;
    t->soft_ns += n * interval_ns;
    t->hard_ns = t->soft_ns + slack;
    if (t->on_wall)
        t->wall_ns += n * interval_ns;      /* the callback runs: no mover now */
    return n;
}

void hrtimer_interrupt(void)
{
    int cpu = this_cpu_id();
    struct hrtimer_base *b = &bases[cpu];
    spin_lock(&b->lock);
    b->interrupts++;
    b->programmed = UINT64_MAX;     /* the programmed interrupt has come */
    for (;;) {
        struct rb_node *first = rb_first(&b->tree);
        if (!first)
            break;
        struct hrtimer *t = rb_entry(first, struct hrtimer, node);
        /* in hard-expiry order, stopping at the first not yet due: a timer
         * due by its soft expiry behind it waits for its own hard one */
        if (t->soft_ns > time_ns())
            break;
        rb_erase(&b->tree, &t->node, NULL);
        /* running before not queued: a canceller that sees it dequeued
         * (reading cpu, then running_on) must see it running */
        __atomic_store_n(&t->running_on, cpu, __ATOMIC_RELEASE);
        __atomic_store_n(&t->cpu, -1, __ATOMIC_RELEASE);
        spin_unlock(&b->lock);
        enum hrtimer_restart r = t->fn(t);
        spin_lock(&b->lock);
        if (r == HRTIMER_RESTART && t->cpu < 0) {
            if (READ_ONCE(t->on_wall))      /* the clock may have been set meanwhile */
                t->soft_ns = t->hard_ns = wall_to_mono(READ_ONCE(t->wall_ns));
            rb_add(&b->tree, &t->node, hard_less, NULL);
            t->cpu = cpu;
        }
        __atomic_store_n(&t->running_on, NOT_RUNNING, __ATOMIC_RELEASE);
    }
    reprogram(b);
    spin_unlock(&b->lock);
}
