/*
 * CPU time accounting at the events (include/kernel/cputime.h).
 *
 * Every CPU keeps, in struct cpu_acct, the TSC at its last accounting event
 * and its mode since then: in user mode for the current task, in the kernel
 * for it, in the idle task, or in an interrupt handler.  Each event charges
 * the cycles since the last one to that mode, then sets the new mode:
 *
 *   event                        charged                 new mode
 *   system call, exception       the task's user time    kernel
 *     from user mode
 *   return to user mode          the task's system time  user
 *   interrupt entry              the interrupted mode    interrupt
 *   interrupt exit               the CPU's irq time      the interrupted one
 *                                                        (kernel if it was user:
 *                                                        the return path follows)
 *   context switch               the leaving task's      kernel, or idle for the
 *                                system time, or idle    idle task
 *
 * The CPU's user and system columns are the sums of what its tasks were
 * charged there.  The system call path touches only the task's count; the
 * columns catch up with it at every slower event (the tick's interrupt
 * comes every millisecond), and a reader adds what is still to catch up.
 * User time goes to the CPU's nice column instead when the task's nice is
 * above 0.  Interrupt handlers' time is nobody's: it is the CPU's irq
 * column, and no task's user or system time.
 *
 * Only the CPU itself writes its cpu_acct and its current task's cycle
 * counts, with interrupts off, with its mode set to ACCT_BUSY meanwhile;
 * every such change also moves its stamp on.  A reader on another CPU
 * reads the stamp, then the mode, then the figures, then the mode and the
 * stamp again, and starts over unless all four agree (and the mode was not
 * busy): a running task's time and a CPU's columns grow smoothly and never
 * go back.
 */
#include <arch/percpu.h>
#include <kernel/cputime.h>
#include <kernel/time.h>
#include <lib/string.h>
#include <proc/task.h>

/* The column of a mode that is no task's: idle or interrupt. */
static unsigned cpu_kind(unsigned mode) { return mode == ACCT_IDLE ? CPUTIME_IDLE : CPUTIME_IRQ; }

/* The CPU's columns follow its current task's counts from here on; its
 * user time goes to the nice column while its nice is above 0. */
static void follow(struct percpu *pc)
{
    struct cpu_acct *a = &pc->acct;
    struct task *t = pc->cur_task;
    a->seen_user = t->utime_cyc;
    a->seen_sys = t->stime_cyc;
    a->user_col = t->se.nice > 0 ? CPUTIME_NICE : CPUTIME_USER;
}

/* Brings the CPU's user and system columns up to what its current task
 * was charged since they last caught up (the system call path charges only
 * the task). */
static void catch_up(struct percpu *pc)
{
    struct cpu_acct *a = &pc->acct;
    struct task *t = pc->cur_task;
    a->cyc[a->user_col] += t->utime_cyc - a->seen_user;
    a->cyc[CPUTIME_SYSTEM] += t->stime_cyc - a->seen_sys;
    follow(pc);
}

/* Opens a change of this CPU's figures (interrupts off) and charges the
 * cycles since the last event to the mode it was in, which it returns;
 * acct_write_end closes it with the new mode. */
static unsigned acct_write_begin(struct percpu *pc)
{
    struct cpu_acct *a = &pc->acct;
    unsigned mode = a->mode;
    a->mode = ACCT_BUSY;
    barrier();
    uint64_t now = rdtsc();
    if (now <= a->stamp)
        now = a->stamp + 1;             /* readers rely on a new stamp */
    uint64_t d = now - a->stamp;
    a->stamp = now;
    if (mode == ACCT_USER)
        pc->cur_task->utime_cyc += d;
    else if (mode == ACCT_SYS)
        pc->cur_task->stime_cyc += d;
    else
        a->cyc[cpu_kind(mode)] += d;
    catch_up(pc);
    return mode;
}

static void acct_write_end(struct percpu *pc, unsigned mode)
{
    barrier();
    pc->acct.mode = mode;
}

/* Charges what came before and enters `mode`. */
static void change_mode(unsigned mode)
{
    struct percpu *pc = this_cpu();
    uint64_t flags = read_rflags();
    irq_disable();
    acct_write_begin(pc);
    acct_write_end(pc, mode);
    write_rflags(flags);
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

/* The cycles since a CPU's last event, from its stamp as read. */
static uint64_t since(uint64_t stamp)
{
    uint64_t now = rdtsc();
    return now > stamp ? now - stamp : 0;
}

/* Starts with the kernel's work on the CPU's current task (its idle task). */
void cputime_cpu_start(void)
{
    struct percpu *pc = this_cpu();
    pc->acct.mode = ACCT_BUSY;
    pc->acct.stamp = rdtsc();
    follow(pc);
    acct_write_end(pc, ACCT_SYS);
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

void cputime_irq_exit(unsigned prev)
{
    /* an interrupt of user mode goes back through exit_to_user */
    change_mode(prev == ACCT_USER ? ACCT_SYS : prev);
}

void cputime_switch(struct task *next, bool next_is_idle)
{
    struct percpu *pc = this_cpu();
    acct_write_begin(pc);
    pc->cur_task = next;
    follow(pc);
    acct_write_end(pc, next_is_idle ? ACCT_IDLE : ACCT_SYS);
}

void task_cputime(struct task *t, uint64_t *utime_ns, uint64_t *stime_ns)
{
    if (t->state == TASK_ZOMBIE || t->state == TASK_DEAD) {
        *utime_ns = t->stats.utime_ns;
        *stime_ns = t->stats.stime_ns;
        return;
    }
    uint64_t u, s, stamp;
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
        if (READ_ONCE(pc->cur_task) == t) {     /* the stretch it is in */
            if (mode == ACCT_USER)
                u += since(stamp);
            else if (mode == ACCT_SYS)
                s += since(stamp);
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
    uint64_t c[NR_CPUTIME], stamp;
    unsigned mode;
    if (!READ_ONCE(pc->online)) {
        memset(ns, 0, NR_CPUTIME * sizeof ns[0]);
        return;
    }
    do {
        while (!acct_read_begin(a, &stamp, &mode))
            ;
        for (int k = 0; k < NR_CPUTIME; k++)
            c[k] = READ_ONCE(a->cyc[k]);
        /* what the current task was charged since the columns caught up,
         * then the stretch the CPU is in */
        const struct task *t = READ_ONCE(pc->cur_task);
        uint64_t user = READ_ONCE(t->utime_cyc) - READ_ONCE(a->seen_user);
        uint64_t sys = READ_ONCE(t->stime_cyc) - READ_ONCE(a->seen_sys);
        if (mode == ACCT_USER)
            user += since(stamp);
        else if (mode == ACCT_SYS)
            sys += since(stamp);
        else
            c[cpu_kind(mode)] += since(stamp);
        c[READ_ONCE(a->user_col)] += user;
        c[CPUTIME_SYSTEM] += sys;
    } while (acct_read_retry(a, stamp, mode));
    for (int k = 0; k < NR_CPUTIME; k++)
        ns[k] = cycles_to_ns(c[k]);
}
