/*
 * System-call dispatch.  The table is built at boot from the rows every
 * family file registers with SYSCALL_DEFINE (a linker section), indexed by
 * the Linux x86-64 number.  An unregistered number returns -ENOSYS and is
 * logged once, by name, so a user sees exactly what a program needed.
 * "strace" on the kernel command line logs every call with its result.
 *
 * exit_to_user() is the single path back to ring 3 for traps and system
 * calls: it reschedules if asked to and delivers pending signals, looping
 * until neither remains.
 */
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <kernel/cputime.h>
#include <kernel/kernel.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <proc/proc.h>
#include <proc/ptrace.h>
#include <proc/seccomp.h>
#include <proc/signal.h>
#include <sched/sched.h>


static syscall_fn table[NR_SYSCALLS];
/* Numbers without a handler that have been logged once: from then on the
 * entry code answers them itself (arch/x86_64/entry.S). */
uint64_t syscall_ni_reported[NR_SYSCALLS / 64];
static const char *names[NR_SYSCALLS];
static uint8_t warned[NR_SYSCALLS / 8];
bool syscall_trace;

static long sys_ni_syscall(void);

void syscall_init(void)
{
    for (const struct syscall_entry *e = __syscalls_start; e < __syscalls_end; e++) {
        if (e->nr < 0 || e->nr >= NR_SYSCALLS)
            panic("syscall %s: number %d out of range", e->name, e->nr);
        if (table[e->nr])
            panic("syscall %d registered twice (%s and %s)", e->nr, names[e->nr], e->name);
        table[e->nr] = e->fn;
        names[e->nr] = e->name;
    }
    for (int nr = 0; nr < NR_SYSCALLS; nr++)
        if (!table[nr])
            table[nr] = (syscall_fn)(void (*)(void))sys_ni_syscall;
    syscall_trace = cmdline_get("strace") != NULL;
    arch_syscall_init_cpu();
}

void syscall_fast_enosys_update(const struct task *next, bool idle)
{
    /* a task under seccomp has every call checked, unknown ones too */
    this_cpu()->fast_enosys = !idle && !syscall_trace && !next->ptrace_syscall && !next->seccomp_mode;
}

const char *syscall_name(int nr)
{
    if (nr >= 0 && nr < NR_SYSCALLS && names[nr])
        return names[nr];
    if (nr >= 0 && (size_t)nr < linux_syscall_names_count)
        return linux_syscall_names[nr];
    return NULL;
}

void exit_to_user(struct trap_frame *tf, bool from_syscall)
{
    struct task *t = current;
    for (;;) {
        if (t->need_resched) {
            irq_enable();
            schedule();
        }
        if (signal_pending(t) || t->restore_saved_mask) {
            irq_enable();
            signal_deliver(tf, from_syscall);
            from_syscall = false;       /* the restart decision is made once */
        }
        irq_disable();
        if (!t->need_resched && !signal_pending(t))
            break;
    }
    long rv = (long)syscall_get_return(tf);
    if (from_syscall && (rv == -ERESTARTSYS || rv == -ERESTARTNOHAND || rv == -ERESTART_RESTARTBLOCK ||
                         rv == -ERESTARTNOINTR))
        syscall_set_return(tf, -EINTR); /* defensive: never leak the internal codes */
}

/* Every number without a handler: -ENOSYS, logged once per number by name. */
static long sys_ni_syscall(void)
{
    struct task *t = current;
    uint64_t nr = t->saved_syscall_nr;
    if (nr < NR_SYSCALLS && !(warned[nr / 8] & (1 << (nr % 8)))) {
        warned[nr / 8] |= 1 << (nr % 8);
        const char *name = syscall_name((int)nr);
        kprintf("syscall %lu (%s) not implemented: -ENOSYS to pid %d (%s)\n", nr, name ? name : "unknown", t->pid,
                t->comm);
        __atomic_or_fetch(&syscall_ni_reported[nr / 64], 1ULL << (nr % 64), __ATOMIC_RELAXED);
    }
    return -ENOSYS;
}

/*
 * A system call from user space, with its registers saved in tf (called by
 * the architecture's entry with interrupts off).  Runs the handler, stores
 * its result, and does the work owed before the return to user space.
 */
void syscall_dispatch(struct trap_frame *tf)
{
    struct task *t = current;
    cputime_user_enter();               /* interrupts are still off */
    irq_enable();
    uint64_t nr = syscall_nr(tf);
    t->saved_syscall_nr = nr;
    long ret;
    bool run = true;
    if (unlikely(READ_ONCE(t->syscall_work))) {
        if (t->ptrace_syscall) {
            /* a tracer's syscall-entry stop: it may change the number (-1:
             * skip the call, leaving the return value as it set it) and the
             * arguments */
            run = ptrace_syscall_entry(tf);
            nr = t->saved_syscall_nr;
        }
        if (READ_ONCE(t->seccomp_mode) && run) {
            /* after the tracer, as Linux: the filter sees what it left */
            run = seccomp_syscall_enter(tf);
            nr = t->saved_syscall_nr;
        }
    }
    if (likely(run)) {
        syscall_fn fn = likely(nr < NR_SYSCALLS) ? table[nr] : (syscall_fn)(void (*)(void))sys_ni_syscall;
        ret = fn(syscall_arg(tf, 0), syscall_arg(tf, 1), syscall_arg(tf, 2), syscall_arg(tf, 3), syscall_arg(tf, 4),
                 syscall_arg(tf, 5));
    } else {
        ret = (long)syscall_get_return(tf);
    }
    if (unlikely(syscall_trace)) {
        const char *name = nr < NR_SYSCALLS ? names[nr] : NULL;
        /* a warning: on the console at the default level, not with "quiet" */
        kprintf(KERN_WARNING "[%d %s] %s(%#lx, %#lx, %#lx) = %ld\n", t->pid, t->comm, name ? name : "?",
                syscall_arg(tf, 0), syscall_arg(tf, 1), syscall_arg(tf, 2), ret);
    }
    /* a frame replaced by rt_sigreturn keeps its own return register */
    bool plain = tf_is_syscall(tf);
    if (plain)
        syscall_set_return(tf, ret);
    if (unlikely(t->ptrace_syscall))
        ptrace_syscall_exit(tf);
    irq_disable();
    if (unlikely(t->need_resched || t->pending || t->group->pending || t->group->stop_signal > 0 ||
                 t->restore_saved_mask || t->ptrace_trap))
        exit_to_user(tf, plain);
    cputime_user_exit();
}

/* restart_syscall: the continuation of a sleep that a signal without a
 * handler (a stop, say) interrupted. */
static long sys_restart_syscall(void)
{
    struct task *t = current;
    long (*fn)(void) = t->restart.fn;
    t->restart.fn = NULL;
    return fn ? fn() : -EINTR;
}
SYSCALL_DEFINE(219, restart_syscall);
