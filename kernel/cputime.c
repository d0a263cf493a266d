/*
 * CPU time accounting at the events (include/kernel/cputime.h).
 *
 * Every CPU keeps, in struct cpu_acct, the TSC at its last slow event and
 * what it has been doing since: running its current task, idling, or
 * handling an interrupt.  A slow event charges the cycles since then and
 * sets the new mode:
 *
 *   slow event          charged                          new mode
 *   interrupt entry     the task's user and system time  interrupt
 *                       (or idle time)
 *   interrupt exit      the CPU's irq time (no task's)   the interrupted one
 *   context switch      the leaving task's user and      the task, or idle for
 *                       system time (or idle time)       the idle task
 *
 * Between slow events a task goes in and out of the kernel without them:
 * each entry from user mode (system call, exception) adds the TSC to
 * user_acc and each return to user mode subtracts it.  Starting from 0 at
 * a slow event (the task is then in the kernel), user_acc is the user
 * time of the stretches that ended while the task is in the kernel, and
 * that minus the TSC of the last return while it is in user mode, which
 * makes it negative; at time `now` the user time since the slow event is
 * user_acc, or user_acc + now.  The rest of the time since the slow event
 * is system time.  A slow event adds both to the task's counts and to the
 * CPU's columns (user time to the nice column while the task's nice is
 * above 0) and starts user_acc again at 0.
 *
 * Only the CPU itself writes its figures and its current task's counts,
 * with interrupts off.  A slow event sets the mode to ACCT_BUSY meanwhile
 * and always moves the stamp on; the system call path changes user_acc in
 * one store.  A reader on another CPU reads the stamp, then the mode, then
 * the figures, then the mode and the stamp again, and starts over unless
 * they agree (and the mode was not busy); it reads user_acc on both sides
 * of its own TSC read and starts over if it moved.  So a running task's
 * time and a CPU's columns read from anywhere grow smoothly and never go
 * back, even on a tickless CPU that takes no interrupt for seconds.
 */
#include <arch/percpu.h>
#include <kernel/cputime.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <lib/string.h>

/* The column of a mode that is no task's: idle or interrupt. */
static unsigned cpu_kind(unsigned mode) { return mode == ACCT_IDLE ? CPUTIME_IDLE : CPUTIME_IRQ; }

/* The current task's user time from the stamp up to `now` (out of `d`
 * cycles since the stamp), from user_acc. */
static uint64_t user_since(int64_t user_acc, uint64_t now, uint64_t d)
{
    int64_t user = user_acc < 0 ? user_acc + (int64_t)now : user_acc;
    return user < 0 ? 0 : MIN((uint64_t)user, d);
}

/* Opens a change of this CPU's figures (interrupts off): charges the
 * cycles since the last slow event to the mode it was in, which it
 * returns; acct_write_end closes it with the new mode. */
static unsigned acct_write_begin(struct percpu *pc)
{
    struct cpu_acct *a = &pc->acct;
    unsigned mode = a->mode;
    a->mode = ACCT_BUSY;
    barrier();
    uint64_t now = arch_cycles();
    if (now <= a->stamp)
        now = a->stamp + 1;             /* readers rely on a new stamp */
    uint64_t d = now - a->stamp;
    if (mode == ACCT_TASK) {
        struct task *t = pc->cur_task;
        uint64_t user = user_since(a->user_acc, now, d);
        t->utime_cyc += user;
        t->stime_cyc += d - user;
        a->cyc[a->user_col] += user;
        a->cyc[CPUTIME_SYSTEM] += d - user;
    } else {
        a->cyc[cpu_kind(mode)] += d;
    }
    a->stamp = now;
    a->user_acc = 0;
    return mode;
}

static void acct_write_end(struct percpu *pc, unsigned mode)
{
    struct cpu_acct *a = &pc->acct;
    a->user_col = pc->cur_task->se.nice > 0 ? CPUTIME_NICE : CPUTIME_USER;
    barrier();
    a->mode = mode;
}

/* Charges what came before and enters `mode`. */
static void change_mode(unsigned mode)
{
    struct percpu *pc = this_cpu();
    uint64_t flags = irq_save();
    acct_write_begin(pc);
    acct_write_end(pc, mode);
    irq_restore(flags);
}

/* Starts with the kernel's work on the CPU's current task (its idle task). */
void cputime_cpu_start(void)
{
    struct percpu *pc = this_cpu();
    pc->acct.mode = ACCT_BUSY;
    pc->acct.stamp = arch_cycles();
    pc->acct.user_acc = 0;
    acct_write_end(pc, ACCT_TASK);
}

void cputime_idle_start(void) { change_mode(ACCT_IDLE); }

unsigned cputime_irq_enter(void)
{
    struct percpu *pc = this_cpu();
    unsigned prev = acct_write_begin(pc);
    pc->acct.irqs++;
    acct_write_end(pc, ACCT_IRQ);
    return prev;
}

/* Back to the task (in the kernel: an interrupt of user mode returns
 * through exit_to_user) or to idling. */
void cputime_irq_exit(unsigned prev) { change_mode(prev); }

void cputime_switch(struct task *next, bool next_is_idle)
{
    struct percpu *pc = this_cpu();
    acct_write_begin(pc);
    pc->cur_task = next;
    acct_write_end(pc, next_is_idle ? ACCT_IDLE : ACCT_TASK);
}

/* A reader's section over a CPU's figures: read_begin gives the stamp and
 * mode to check at the end (false while the CPU is changing them);
 * read_retry says whether they changed meanwhile. */
static bool acct_read_begin(const struct cpu_acct *a, uint64_t *stamp, unsigned *mode)
{
    *stamp = READ_ONCE(a->stamp);
    barrier();
    *mode = READ_ONCE(a->mode);
    barrier();
    if (*mode != ACCT_BUSY)
        return true;
    cpu_relax();
    return false;
}

static bool acct_read_retry(const struct cpu_acct *a, uint64_t stamp, unsigned mode)
{
    barrier();
    unsigned m = READ_ONCE(a->mode);
    barrier();
    return m != mode || READ_ONCE(a->stamp) != stamp;
}

/* The cycles since a CPU's stamp (read in a reader's section) and, in
 * ACCT_TASK mode, how many of them were its task's user time; false if a
 * system call's entry or exit moved user_acc meanwhile. */
static bool since_stamp(const struct cpu_acct *a, uint64_t stamp, uint64_t *d, uint64_t *user)
{
    int64_t acc = READ_ONCE(a->user_acc);
    barrier();
    uint64_t now = arch_cycles();
    barrier();
    if (READ_ONCE(a->user_acc) != acc)
        return false;
    *d = now > stamp ? now - stamp : 0;
    *user = user_since(acc, now, *d);
    return true;
}

void task_cputime(struct task *t, uint64_t *utime_ns, uint64_t *stime_ns)
{
    if (t->state == TASK_ZOMBIE || t->state == TASK_DEAD) {
        *utime_ns = t->stats.utime_ns;
        *stime_ns = t->stats.stime_ns;
        return;
    }
    uint64_t u, s, stamp, d, user;
    unsigned mode;
    for (;;) {
        int cpu = READ_ONCE(t->on_cpu);
        if (cpu < 0) {
            /* not running: its counts only change once it runs again */
            u = READ_ONCE(t->utime_cyc);
            s = READ_ONCE(t->stime_cyc);
            break;
        }
        struct percpu *pc = &percpu_area[cpu];
        if (!acct_read_begin(&pc->acct, &stamp, &mode))
            continue;
        u = READ_ONCE(t->utime_cyc);
        s = READ_ONCE(t->stime_cyc);
        if (READ_ONCE(pc->cur_task) == t && mode == ACCT_TASK) {    /* the stretch it is in */
            if (!since_stamp(&pc->acct, stamp, &d, &user))
                continue;
            u += user;
            s += d - user;
        }
        if (!acct_read_retry(&pc->acct, stamp, mode))
            break;
    }
    *utime_ns = cycles_to_ns(u);
    *stime_ns = cycles_to_ns(s);
}

void cpu_cputime(int cpu, uint64_t ns[NR_CPUTIME])
{
    struct percpu *pc = &percpu_area[cpu];
    const struct cpu_acct *a = &pc->acct;
    uint64_t c[NR_CPUTIME], stamp, d, user;
    unsigned mode;
    if (!READ_ONCE(pc->online)) {
        memset(ns, 0, NR_CPUTIME * sizeof ns[0]);
        return;
    }
    for (;;) {
        if (!acct_read_begin(a, &stamp, &mode))
            continue;
        for (int k = 0; k < NR_CPUTIME; k++)
            c[k] = READ_ONCE(a->cyc[k]);
        if (!since_stamp(a, stamp, &d, &user))
            continue;
        if (mode == ACCT_TASK) {        /* the stretch the CPU is in */
            c[READ_ONCE(a->user_col)] += user;
            c[CPUTIME_SYSTEM] += d - user;
        } else {
            c[cpu_kind(mode)] += d;
        }
        if (!acct_read_retry(a, stamp, mode))
            break;
    }
    for (int k = 0; k < NR_CPUTIME; k++)
        ns[k] = cycles_to_ns(c[k]);
}
