/*
 * Spinlocks with interrupt masking, and (in the debug build) the lock
 * validator.  The lock word is taken with an atomic exchange; while it is
 * held, interrupts stay off on this CPU, and the flags from before the lock
 * are restored on unlock.
 *
 * The validator keeps, per CPU, the stack of locks that CPU holds.  Taking
 * a lock checks it against that stack and the hierarchy below: it must rank
 * above every held lock, or equal one and lie at a higher address.  A lock
 * whose name is not in the table is itself a bug: every lock must have a
 * place in the order.  Because a CPU that holds a spinlock never switches
 * tasks (schedule() asserts it, except for the run-queue lock the switch
 * hands over), a per-CPU stack is exactly the set of locks the running code
 * holds.
 */
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <kernel/spinlock.h>
#include <kernel/kernel.h>
#include <kernel/time.h>
#include <lib/string.h>

void spin_init(struct spinlock *l, const char *name)
{
    l->locked = 0;
    l->cpu = -1;
    l->saved_flags = 0;
    l->name = name;
    l->rank = 0;
}

#ifdef CONFIG_DEBUG
/*
 * The hierarchy, outermost first (docs/locking.md says why each is where it
 * is).  Only the debug build compares ranks, but this is the lock order of
 * every build.
 */
static const struct {
    const char *name;
    int rank;
} lock_order[] = {
    { "sched_sysctl", 10 },     /* sched tunables file: then sets policy/tunables */
    { "sysctl", 10 },           /* /proc/sys registry */
    { "core_pattern", 10 },     /* /proc/sys/kernel/core_pattern's text */
    { "sched_policy", 20 },     /* policy switch: then tasks and every run queue */
    { "posix_timers", 25 },     /* a process's POSIX timers: then reads CPU clocks (tasks), signals */
    { "fasync", 27 },           /* O_ASYNC files' lists: then finds and signals their owners (tasks) */
    { "tasks", 30 },            /* process tree, pids, parent pointers */
    { "sched_lend", 40 },       /* ticket loans: taken with tasks held (wait4) */
    { "itimer", 50 },           /* ITIMER_REAL list: signals its tasks */
    { "tty", 50 },              /* console state */
    { "pty_table", 50 },        /* the live pseudo-terminals and devpts's options */
    { "pty", 50 },              /* one pseudo-terminal pair's state, as "tty" for the console */
    { "fs", 55 },               /* a task's working directory (fs_context) */
    { "shm", 58 },              /* the System V shared memory table */
    { "sem", 58 },              /* System V semaphore sets and undo lists: then wakes */
    { "msg", 58 },              /* System V message queues: then wakes */
    { "mqueue_users", 58 },     /* message queues' count and per-user charges: a leaf */
    { "fifo", 59 },             /* FIFO nodes' pipes: then a pipe's end counts */
    { "fdtable", 60 },
    { "vnode", 60 },
    { "pipe", 60 },
    { "mutex", 60 },            /* a mutex's guard (kernel/mutex.c): a leaf */
    { "unix_names", 61 },       /* AF_UNIX names and socket nodes' sockets: then a socket */
    { "unix_gc", 61 },          /* AF_UNIX descriptors in flight, the collector: then a socket */
    { "unix", 62 },             /* an AF_UNIX socket: two only in address order */
    { "file_locks", 63 },       /* advisory file locks and their waiters: then wakes */
    { "perf", 65 },             /* perf events' state and links: then a context's list */
    { "sig", 70 },              /* a thread group's signal state: then wakes */
    { "eventfd", 72 },          /* an eventfd's counter: then wakes */
    { "mqueue", 72 },           /* a message queue's messages and waiters: then wakes */
    { "futex", 75 },            /* a futex hash bucket: then wakes */
    { "timerfd_cancel", 76 },   /* TFD_TIMER_CANCEL_ON_SET timerfds: then each one's state */
    { "timerfd", 77 },          /* a timerfd's state: then wakes */
    { "waitq_detach", 78 },     /* a callback entry leaving a queue that may be freed: then the queue */
    { "waitq", 80 },            /* wake-ups: then a run queue, or epoll's wake callback */
    { "epoll", 85 },            /* every epoll's ready lists: then its own queues */
    { "epoll_wq", 86 },         /* an epoll's sleepers, woken from a watched file's wake-up */
    { "runqueue", 100 },        /* several: by CPU number */
    { "mm_list", 105 },         /* the list of every address space */
    { "mm", 110 },              /* an address space's VMAs and page table */
    { "perf_ctx", 115 },        /* a task's or CPU's perf events: counted from under rq locks */
    { "hrtimer_wall", 118 },    /* the wall-clock timers: moved by setting the clock, then a CPU's */
    { "hrtimer", 120 },         /* a CPU's pending timers: started and cancelled under any of the above */
    { "kmemsites", 130 },       /* heap statistics snapshot: then the heap */
    { "kheap", 140 },
    { "pmm", 150 },             /* the heap grows from frames */
    { "trace", 160 },           /* the schedule trace ring: from under rq locks */
    { "random", 165 },          /* the kernel's generator: a leaf */
    { "log", 170 },             /* kprintf: from anywhere */
    { "console", 180 },         /* the serial console's output: under log and tty */
};

/* A policy or queue-mode switch holds every run queue (one per CPU and the
 * shared one) under two more: room for held_max locks per CPU, sized at
 * boot for the CPUs that may start. */
#define HELD_SPARE 8
struct held_locks {
    struct spinlock **lock;     /* held_max entries */
    int n;
};
/* One per CPU, written by that CPU alone: the boot CPU's alone until
 * spin_debug_setup sizes them for every CPU. */
static struct spinlock *boot_locks[HELD_SPARE + 1];
static struct held_locks boot_held[1] = { { boot_locks, 0 } };
static struct held_locks *held = boot_held;
static int held_max = HELD_SPARE + 1;

void spin_debug_setup(void)
{
    int max = nr_cpu_ids + 1 + HELD_SPARE;
    struct held_locks *all = percpu_array_alloc(sizeof *all);
    struct spinlock **locks = percpu_array_alloc(sizeof *locks * (size_t)max);
    for (int c = 0; c < nr_cpu_ids; c++)
        all[c].lock = locks + (size_t)c * (size_t)max;
    uint64_t flags = irq_save();
    all[0].n = boot_held[0].n;
    memcpy(all[0].lock, boot_locks, sizeof boot_locks);
    held = all;
    held_max = max;
    irq_restore(flags);
}

static const char *lock_name(const struct spinlock *l) { return l->name ? l->name : "(unnamed)"; }

static int lock_rank(struct spinlock *l)
{
    if (l->rank)
        return l->rank;
    for (unsigned i = 0; i < ARRAY_SIZE(lock_order); i++)
        if (l->name && strcmp(l->name, lock_order[i].name) == 0)
            return l->rank = lock_order[i].rank;
    panic("lock %s (%p) has no place in the lock order (kernel/spinlock.c)", lock_name(l), (void *)l);
}

static void validate_acquire(struct spinlock *l)
{
    if (panic_in_progress())
        return;
    int cpu = this_cpu_id();
    int r = lock_rank(l);
    for (int i = 0; i < held[cpu].n; i++) {
        struct spinlock *h = held[cpu].lock[i];
        int hr = lock_rank(h);
        if (hr < r || (hr == r && h < l))
            continue;
        panic("lock order: taking %s (rank %d, %p) while holding %s (rank %d, %p)", lock_name(l), r, (void *)l,
              lock_name(h), hr, (void *)h);
    }
    if (held[cpu].n == held_max)
        panic("lock %s: more than %d spinlocks held", lock_name(l), held_max);
}

static void note_acquired(struct spinlock *l)
{
    if (panic_in_progress())        /* releases are not noted either */
        return;
    int cpu = this_cpu_id();
    held[cpu].lock[held[cpu].n++] = l;
}

static void note_released(struct spinlock *l, bool restores_flags)
{
    if (panic_in_progress())
        return;
    int cpu = this_cpu_id();
    int n = held[cpu].n;
    for (int i = n - 1; i >= 0; i--) {
        if (held[cpu].lock[i] != l)
            continue;
        /* out of order is harmless unless it turns interrupts back on
         * while a later lock is still held */
        if (i != n - 1 && restores_flags && irq_flags_enabled(l->saved_flags))
            panic("lock %s released before %s, which was taken after it", lock_name(l),
                  lock_name(held[cpu].lock[n - 1]));
        memmove(&held[cpu].lock[i], &held[cpu].lock[i + 1], (size_t)(n - 1 - i) * sizeof(struct spinlock *));
        held[cpu].n--;
        return;
    }
    panic("lock %s released by CPU %d, which does not hold it", lock_name(l), cpu);
}

void spin_check_held(struct spinlock *l, const char *fn)
{
    if (!spin_held(l) && !panic_in_progress())
        panic("%s: caller must hold %s", fn, lock_name(l));
}

void spin_check_none_held(const char *fn)
{
    int cpu = this_cpu_id();
    if (held[cpu].n && !panic_in_progress())
        panic("%s: may sleep, but CPU %d holds %s", fn, cpu, lock_name(held[cpu].lock[held[cpu].n - 1]));
}
#else
static inline void validate_acquire(struct spinlock *l) { (void)l; }
static inline void note_acquired(struct spinlock *l) { (void)l; }
static inline void note_released(struct spinlock *l, bool restores_flags) { (void)l, (void)restores_flags; }
#endif

static inline void acquire(struct spinlock *l)
{
    if (unlikely(l->locked && l->cpu == this_cpu_id()))
        panic("spinlock %s: recursive acquisition", l->name ? l->name : "?");
    validate_acquire(l);
    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
        while (READ_ONCE(l->locked))
            cpu_relax();
    l->cpu = this_cpu_id();
    note_acquired(l);
}

/* One attempt: the lock word if it is free.  Checked like acquire(). */
static inline bool try_acquire(struct spinlock *l)
{
    if (unlikely(l->locked && l->cpu == this_cpu_id()))
        panic("spinlock %s: recursive acquisition", l->name ? l->name : "?");
    validate_acquire(l);
    if (READ_ONCE(l->locked) || __atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
        return false;
    l->cpu = this_cpu_id();
    note_acquired(l);
    return true;
}

void spin_lock(struct spinlock *l)
{
    uint64_t flags = irq_save();
    acquire(l);
    l->saved_flags = flags;
}

void spin_unlock(struct spinlock *l)
{
    note_released(l, true);
    uint64_t flags = l->saved_flags;
    l->cpu = -1;
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
    if (irq_flags_enabled(flags))
        irq_enable();
}

bool spin_trylock(struct spinlock *l)
{
    uint64_t flags = irq_save();
    if (!try_acquire(l)) {
        if (irq_flags_enabled(flags))
            irq_enable();
        return false;
    }
    l->saved_flags = flags;
    return true;
}

bool spin_trylock_irqsoff(struct spinlock *l)
{
#ifdef CONFIG_DEBUG
    if (irq_enabled() && !panic_in_progress())
        panic("spin_trylock_irqsoff(%s) with interrupts on", lock_name(l));
#endif
    if (!try_acquire(l))
        return false;
    l->saved_flags = 0;
    return true;
}

void spin_lock_irqsoff(struct spinlock *l)
{
#ifdef CONFIG_DEBUG
    if (irq_enabled() && !panic_in_progress())
        panic("spin_lock_irqsoff(%s) with interrupts on", lock_name(l));
#endif
    acquire(l);
    l->saved_flags = 0;
}

void spin_unlock_irqsoff(struct spinlock *l)
{
    note_released(l, false);
    l->cpu = -1;
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

bool spin_held(struct spinlock *l) { return l->locked && l->cpu == this_cpu_id(); }

/* How long a panic waits for another CPU's hold: long enough for a holder
 * that is still running to finish its line, short enough for the report
 * not to seem lost.  Before the clock is calibrated (time_ns() is 0) only
 * the spin count bounds it: about a second under TCG, far less on
 * hardware. */
#define PANIC_LOCK_WAIT_NS (100 * NSEC_PER_MSEC)
#define PANIC_LOCK_SPINS 2000000UL

void spin_lock_panic_safe(struct spinlock *l)
{
    if (likely(!panic_in_progress())) {
        spin_lock(l);
        return;
    }
    uint64_t flags = irq_save();
    uint64_t start = time_ns();
    if (!(READ_ONCE(l->locked) && l->cpu == this_cpu_id()))
        for (unsigned long spins = 0; spins < PANIC_LOCK_SPINS; spins++) {
            if (!__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
                break;
            if (time_ns() - start > PANIC_LOCK_WAIT_NS)
                break;
            cpu_relax();
        }
    /* taken, or taken over */
    l->locked = 1;
    l->cpu = this_cpu_id();
    l->saved_flags = flags;
}
