/*
 * Signals: generation, blocking, default actions and handler delivery.
 *
 * A signal is a bit in the target's pending set (one instance per standard
 * signal, with the siginfo of the first).  Delivery happens on every return
 * to user space (exit_to_user): the lowest-numbered pending, unblocked signal
 * is taken; an ignored one is dropped; a default action terminates (never
 * with the core flag: no core file is written), stops, continues or ignores; a
 * handler gets the Linux x86-64 rt frame on the user stack (see
 * notes/linux-abi.md §2d): return address = sa_restorer, ucontext with all
 * registers, the mask to restore and a pointer to the saved FPU image,
 * then siginfo.  rt_sigreturn validates and restores all of it.
 *
 * An interrupted system call that returned -ERESTARTSYS is restarted if the
 * handler has SA_RESTART (or no handler runs), and fails with EINTR
 * otherwise.
 *
 * Threads: a signal is thread-directed (tkill, tgkill, a fault, SIGPIPE)
 * and waits in that task's pending set, or process-directed (kill, a
 * process group, the terminal, a timer) and waits in the group's shared
 * set until any thread that does not block it takes it.  A default action
 * that ends the process ends every thread (do_group_exit); a stop stops
 * every thread (the group's stop state, below) and SIGCONT resumes them
 * all.  Dispositions (struct sighand) are shared by the threads.
 *
 * Stopping and continuing: the stop state (group->stop_signal and the
 * report flags) changes under the group's sig_lock, so a SIGCONT or SIGKILL
 * is seen by wait(WCONTINUED) the moment it is sent; the parent is told
 * (SIGCHLD, wake-up) by a thread of the child itself, under tasks_lock
 * (signal_notify_parent), since a parent may exit at any moment and only
 * tasks_lock keeps the parent pointer valid.
 *
 * Locking: group->sig_lock protects the group's shared pending set and
 * stop state, and every member's pending, blocked and pending_info.  The
 * thread list may be walked under it (threads join and leave holding both
 * tasks_lock and it).  A task pointer found under tasks_lock stays valid
 * while that lock is held; signal_send may be called with it held.
 */
#include <arch/cpu.h>
#include <arch/fpu.h>
#include <arch/signal_frame.h>
#include <kernel/cputime.h>
#include <kernel/kernel.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>
#include <proc/cred.h>
#include <proc/pid.h>
#include <proc/posix_timer.h>
#include <proc/proc.h>
#include <proc/ptrace.h>
#include <proc/signal.h>
#include <sched/sched.h>

#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
#define STOP_SIGNALS (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))
#define CORE_SIGNALS (SIGBIT(SIGQUIT) | SIGBIT(SIGILL) | SIGBIT(SIGTRAP) | SIGBIT(SIGABRT) | SIGBIT(SIGBUS) | \
                      SIGBIT(SIGFPE) | SIGBIT(SIGSEGV) | SIGBIT(SIGXCPU) | SIGBIT(SIGXFSZ) | SIGBIT(SIGSYS))
#define IGNORE_SIGNALS (SIGBIT(SIGCHLD) | SIGBIT(SIGCONT) | SIGBIT(SIGURG) | SIGBIT(SIGWINCH))

struct sighand *sighand_copy(struct sighand *src)
{
    struct sighand *s = kzalloc(sizeof *s);
    if (!s)
        return NULL;
    if (src)
        memcpy(s->action, src->action, sizeof s->action);
    s->refs = 1;
    return s;
}

void sighand_put(struct sighand *sh)
{
    if (sh && __atomic_sub_fetch(&sh->refs, 1, __ATOMIC_ACQ_REL) == 0)
        kfree(sh);
}

void signal_exec_reset_actions(struct sighand *sh)
{
    for (int s = 1; s < NSIG; s++) {
        struct k_sigaction *a = &sh->action[s];
        if (a->handler != SIG_IGN)
            memset(a, 0, sizeof *a);
        else
            a->flags = 0;
    }
}

/* execve: caught signals return to default; ignored stay ignored. */
void signal_exec_reset(struct task *t)
{
    signal_exec_reset_actions(t->sighand);
    t->alt_stack_sp = t->alt_stack_size = 0;
}

bool signal_pending(struct task *t)
{
    struct thread_group *g = t->group;
    sigset_t mask = t->blocked & ~UNBLOCKABLE;
    return ((READ_ONCE(t->pending) | READ_ONCE(g->pending)) & ~mask) != 0 || READ_ONCE(g->stop_signal) > 0 ||
           READ_ONCE(t->ptrace_trap);
}

/* Would a signal sent to t's process be discarded at once?  Not if t blocks
 * it: the action may change before it is unblocked. */
static bool discards(struct task *t, int sig)
{
    sigset_t bit = SIGBIT(sig);
    struct sighand *sh = t->sighand;
    if (!sh || (bit & UNBLOCKABLE) || (t->blocked & bit) || READ_ONCE(t->tracer))
        return false;                   /* a tracer sees even ignored signals */
    const struct k_sigaction *a = &sh->action[sig];
    return a->handler == SIG_IGN || (a->handler == SIG_DFL && (bit & IGNORE_SIGNALS));
}

#define for_each_thread(g, u) list_for_each_entry(u, &(g)->threads, thread_node)

/* What every signal does to t's process when sent, before it is queued: a
 * stop signal cancels pending continues, SIGCONT cancels pending stops and
 * resumes a stopped process, SIGKILL ends a stop.  Caller holds the group's
 * sig_lock. */
static void prepare_signal(struct thread_group *g, int sig)
{
    struct task *u;
    if (SIGBIT(sig) & STOP_SIGNALS) {
        g->pending &= ~SIGBIT(SIGCONT);
        for_each_thread(g, u)
            u->pending &= ~SIGBIT(SIGCONT);
    }
    if (sig == SIGCONT) {
        g->pending &= ~STOP_SIGNALS;
        for_each_thread(g, u)
            u->pending &= ~STOP_SIGNALS;
        if (g->stop_signal > 0) {
            /* resumed: the parent hears of it from a thread that runs (a
             * stop that had not reached every thread is simply cancelled) */
            bool was_stopped = g->stop_complete;
            g->stop_signal = was_stopped ? -1 : 0;
            g->stop_complete = false;
            g->cont_reported = false;
            g->cont_notify = was_stopped;
            for_each_thread(g, u)
                if (u->state == TASK_STOPPED || (u->state == TASK_TRACED && READ_ONCE(u->ptrace_listen)))
                    sched_wake(u);      /* a listening tracee traps again */
        }
    }
    if (sig == SIGKILL && g->stop_signal > 0)
        g->stop_signal = 0;             /* dying: no stop left to report (Linux) */
}

/* A pending signal's siginfo kept (the first 48 bytes), and given back
 * whole (the rest zero). */
static void ksiginfo_keep(ksiginfo_t *k, const siginfo_t *info) { memcpy(k, info, sizeof *k); }

static void ksiginfo_give(siginfo_t *info, const ksiginfo_t *k)
{
    memset(info, 0, sizeof *info);
    memcpy(info, k, sizeof *k);
}

/* Records sig (with info, or a kernel-sent one) in a pending set. */
/* Returns whether it was queued (false: already pending). */
static bool queue(sigset_t *pending, ksiginfo_t *infos, int sig, const siginfo_t *info)
{
    if (*pending & SIGBIT(sig))
        return false;                   /* one instance of each signal */
    *pending |= SIGBIT(sig);
    if (info) {
        ksiginfo_keep(&infos[sig], info);
    } else {
        memset(&infos[sig], 0, sizeof(ksiginfo_t));
        infos[sig].si_signo = sig;
        infos[sig].si_code = SI_KERNEL;
    }
    return true;
}

/* Makes t notice a signal it does not block: wakes it from an interruptible
 * sleep or a stop (SIGKILL), or interrupts it on its CPU. */
static void signal_wake(struct task *t, int sig)
{
    if (t->state == TASK_BLOCKED || (sig == SIGKILL && (t->state == TASK_STOPPED || t->state == TASK_TRACED)))
        sched_wake(t);
    else
        sched_kick_task(t);
}

static bool task_gone(const struct task *t) { return t->state == TASK_ZOMBIE || t->state == TASK_DEAD; }

bool signal_send(struct task *t, int sig, const siginfo_t *info)
{
    if (sig <= 0 || sig >= NSIG || !t || task_gone(t))
        return false;
    struct thread_group *g = t->group;
    spin_lock(&g->sig_lock);
    prepare_signal(g, sig);
    bool queued = !discards(t, sig);
    bool fresh = queued && queue(&t->pending, t->pending_info, sig, info);
    if (queued && (!(t->blocked & SIGBIT(sig)) || (SIGBIT(sig) & UNBLOCKABLE)))
        signal_wake(t, sig);
    if (queued)
        waitq_wake_all(&g->signalfd_wait);
    spin_unlock(&g->sig_lock);
    return fresh;
}

bool signal_send_process(struct task *p, int sig, const siginfo_t *info)
{
    if (sig <= 0 || sig >= NSIG || !p)
        return false;
    struct thread_group *g = p->group;
    bool fresh = false;
    spin_lock(&g->sig_lock);
    if (g->live == 0 || list_empty(&g->threads)) {
        spin_unlock(&g->sig_lock);      /* the process has ended */
        return false;
    }
    prepare_signal(g, sig);
    struct task *first = list_first_entry(&g->threads, struct task, thread_node);
    if (sig == SIGKILL) {
        /* every thread goes; the first to run ends the process */
        struct task *u;
        for_each_thread(g, u) {
            queue(&u->pending, u->pending_info, sig, info);
            signal_wake(u, sig);
        }
    } else if (!discards(first, sig)) {
        fresh = queue(&g->pending, g->pending_info, sig, info);
        /* wake one thread that can take it: the caller if it is one */
        struct task *u, *to = NULL;
        if (current->group == g && !(current->blocked & SIGBIT(sig)))
            to = current;
        for_each_thread(g, u)
            if (!to && !(u->blocked & SIGBIT(sig)) && !task_gone(u))
                to = u;
        if (to && to != current)
            signal_wake(to, sig);
        waitq_wake_all(&g->signalfd_wait);
    }
    spin_unlock(&g->sig_lock);
    return fresh;
}

int signal_send_pgrp(pid_t pgid, int sig, const siginfo_t *info)
{
    int found = 0;
    spin_lock(&tasks_lock);
    struct task *t;
    for_each_live_pgrp_member(t, pgid) {
        found++;
        signal_send_process(t, sig, info);
    }
    spin_unlock(&tasks_lock);
    return found ? 0 : -ESRCH;
}

void signal_kill_others_locked(struct task *t)
{
    struct task *u;
    for_each_thread(t->group, u) {
        if (u == t)
            continue;
        queue(&u->pending, u->pending_info, SIGKILL, NULL);
        signal_wake(u, SIGKILL);
    }
}

/* exit_group, or a signal whose default action ends the process: every
 * other thread gets SIGKILL, and the process ends with `status` (the first
 * such request wins).  Then this thread exits. */
void do_group_exit(int status)
{
    struct task *t = current;
    struct thread_group *g = t->group;
    spin_lock(&g->sig_lock);
    if (g->exiting) {
        status = g->exit_status;
    } else {
        g->exiting = true;
        g->exit_status = status;
        signal_kill_others_locked(t);
    }
    spin_unlock(&g->sig_lock);
    do_exit(status);
}

/* ---- delivery ---- */

static void log_fatal(struct task *t, int sig)
{
    static const char *const names[] = {
        [SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
        [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT", [SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE",
        [SIGKILL] = "SIGKILL", [SIGSEGV] = "SIGSEGV", [SIGPIPE] = "SIGPIPE", [SIGTERM] = "SIGTERM",
    };
    if ((SIGBIT(sig) & CORE_SIGNALS) && sig < (int)ARRAY_SIZE(names))
        kprintf("pid %d (%s) killed by %s\n", t->pid, t->comm, names[sig] ? names[sig] : "signal");
}

/* Tells the parent of process t (a leader) that t stopped, continued or
 * exited (code CLD_*, status the signal or exit code): its exit signal
 * (SIGCHLD for stops and continues) unless the parent ignores SIGCHLD or
 * its SA_NOCLDSTOP rules it out, and a wake-up of its wait.  Caller holds
 * tasks_lock, which keeps t->parent (and the parent's sighand) alive: a
 * parent that exits first hands its children to init under the same lock. */
void signal_notify_parent(struct task *t, int code, int status)
{
    spin_assert_held(&tasks_lock);
    struct task *parent = t->parent;
    if (!parent)
        return;
    bool stop_or_cont = code == CLD_STOPPED || code == CLD_CONTINUED;
    int sig = stop_or_cont ? SIGCHLD : t->exit_signal;
    /* SIG_IGN: never sent, even while blocked (Linux) */
    const struct k_sigaction *a = &parent->sighand->action[SIGCHLD];
    bool ignored = sig == SIGCHLD && a->handler == SIG_IGN;
    if (sig && !ignored && (!stop_or_cont || !(a->flags & SA_NOCLDSTOP))) {
        siginfo_t info = { 0 };
        info.si_signo = sig;
        info.si_code = code;
        info.u.chld.pid = t->pid;
        info.u.chld.status = status;
        uint64_t utime, stime;
        task_cputime(t, &utime, &stime);
        info.u.chld.utime = utime / 10000000;
        info.u.chld.stime = stime / 10000000;
        signal_send_process(parent, sig, &info);
    }
    waitq_wake_all(&parent->child_wait);
}

/* A SIGCONT that resumed t's process is reported to its parent by the
 * first thread of it that runs. */
static void report_continued(struct task *t)
{
    struct thread_group *g = t->group;
    spin_lock(&g->sig_lock);
    bool notify = g->cont_notify;
    g->cont_notify = false;
    spin_unlock(&g->sig_lock);
    if (notify) {
        spin_lock(&tasks_lock);
        signal_notify_parent(g->leader, CLD_CONTINUED, SIGCONT);
        spin_unlock(&tasks_lock);
    }
}

/* A stop is complete, and reported to the parent, once every live thread
 * sleeps in it.  Caller holds the group's sig_lock; returns true if this
 * call completed it (the caller then notifies, under tasks_lock). */
bool signal_stop_completes(struct thread_group *g)
{
    if (g->stop_signal <= 0 || g->stop_complete || g->live == 0 || g->nr_stopped < g->live)
        return false;
    g->stop_complete = true;
    g->stop_reported = false;
    return true;
}

void signal_notify_stopped(struct thread_group *g)
{
    spin_lock(&tasks_lock);
    signal_notify_parent(g->leader, CLD_STOPPED, READ_ONCE(g->stop_signal));
    spin_unlock(&tasks_lock);
}

/* The default action of stop signal sig, taken by thread t: the process
 * stops, and every other thread is made to join the stop.  Called under
 * the group's sig_lock, in the same hold that dequeued the signal, so a
 * SIGCONT sent just after it finds the stop begun (and cancels it). */
static void start_stop_locked(struct task *t, int sig)
{
    struct thread_group *g = t->group;
    if (g->stop_signal > 0)
        return;                         /* already stopping */
    g->stop_signal = sig;
    g->stop_seq++;
    g->stop_complete = false;
    struct task *u;
    for_each_thread(g, u)
        if (u != t)
            signal_wake(u, 0);
}

/* Thread t joins its process's stop: it sleeps until SIGCONT or SIGKILL.
 * The last thread to stop tells the parent, so a reported stop means no
 * thread runs any more.  A traced thread's stop is a ptrace stop instead,
 * which its tracer may end while the process stays stopped; a thread
 * attached while stopped wakes to report its stop to the tracer. */
static void do_stop(struct task *t)
{
    struct thread_group *g = t->group;
    uint64_t flags = irq_flags();
    spin_lock(&g->sig_lock);
    if (g->stop_signal <= 0 || (t->pending & SIGBIT(SIGKILL))) {
        spin_unlock(&g->sig_lock);
        return;                         /* continued or killed meanwhile */
    }
    int sig = g->stop_signal;
    t->stop_seq_taken = g->stop_seq;
    g->nr_stopped++;
    bool complete = signal_stop_completes(g);
    bool traced = READ_ONCE(t->tracer) != NULL;
    if (!traced)
        t->state = TASK_STOPPED;        /* under the lock: a SIGCONT now sees it */
    spin_unlock(&g->sig_lock);
    if (complete)                       /* a wake-up meanwhile makes schedule() return */
        signal_notify_stopped(g);
    for (;;) {
        if (traced) {
            ptrace_group_stop(sig);
            /* resumed by the tracer (the process may still be stopped),
             * continued, killed, or detached with the stop in force */
            if (READ_ONCE(t->tracer) || READ_ONCE(g->stop_signal) <= 0 || (READ_ONCE(t->pending) & SIGBIT(SIGKILL)))
                break;
            spin_lock(&g->sig_lock);
            bool still = g->stop_signal > 0 && !(t->pending & SIGBIT(SIGKILL));
            if (still)
                t->state = TASK_STOPPED;
            spin_unlock(&g->sig_lock);
            if (!still)
                break;
        }
        irq_disable();
        schedule();
        irq_restore(flags);
        /* woken by SIGCONT or SIGKILL, or traced since it stopped */
        traced = READ_ONCE(t->tracer) != NULL;
        if (!traced || READ_ONCE(g->stop_signal) <= 0 || (READ_ONCE(t->pending) & SIGBIT(SIGKILL)))
            break;
    }
    spin_lock(&g->sig_lock);
    g->nr_stopped--;
    spin_unlock(&g->sig_lock);
    report_continued(t);
}

/* The alternate stack's state as sigaltstack reports it for a thread
 * whose user stack pointer is sp (Linux's sas_ss_flags). */
static int altstack_flags(const struct task *t, uint64_t sp)
{
    if (!t->alt_stack_size)
        return SS_DISABLE;
    return sp > t->alt_stack_sp && sp <= t->alt_stack_sp + t->alt_stack_size ? SS_ONSTACK : 0;
}

/* Sets the calling thread's alternate stack (sigaltstack's new value, or
 * uc_stack on sigreturn); sp is its user stack pointer. */
static long altstack_set(struct task *t, uint64_t ss_sp, int flags, uint64_t size, uint64_t sp)
{
    if (altstack_flags(t, sp) == SS_ONSTACK)
        return -EPERM;              /* not while running on it */
    int mode = flags & ~SS_AUTODISARM;
    if (mode != 0 && mode != SS_ONSTACK && mode != SS_DISABLE)
        return -EINVAL;
    if (mode == SS_DISABLE) {
        ss_sp = size = 0;
    } else if (size < MINSIGSTKSZ) {
        return -ENOMEM;
    }
    t->alt_stack_sp = ss_sp;
    t->alt_stack_size = size;
    t->alt_stack_flags = flags;
    return 0;
}

static int setup_frame(struct trap_frame *tf, int sig, struct k_sigaction *sa, const siginfo_t *info,
                       sigset_t old_mask)
{
    struct task *t = current;
    uint64_t sp = tf_user_sp(tf);
    /* iretq to a non-canonical address faults in the kernel, after the GS
     * swap: a handler (or restorer) outside user space cannot be entered */
    if (sa->handler >= USER_TOP || sa->restorer >= USER_TOP)
        return -EFAULT;
    int ss_flags = altstack_flags(t, sp);
    struct signal_frame_req r = {
        .sig = sig, .handler = sa->handler, .restorer = sa->restorer, .info = info, .old_mask = old_mask,
        .ss_sp = t->alt_stack_sp, .ss_size = t->alt_stack_size, .ss_flags = t->alt_stack_flags, .fpu = t->fpu,
    };
    if ((sa->flags & SA_ONSTACK) && ss_flags == 0)
        r.stack_top = t->alt_stack_sp + t->alt_stack_size;
    int err = arch_signal_frame_setup(tf, &r);
    if (!err && (t->alt_stack_flags & SS_AUTODISARM)) {
        /* the handler may itself take signals on a fresh stack; its
         * sigreturn restores this one from uc_stack */
        t->alt_stack_sp = t->alt_stack_size = 0;
        t->alt_stack_flags = SS_DISABLE;
    }
    return err;
}

void signal_deliver(struct trap_frame *tf, bool from_syscall)
{
    struct task *t = current;
    struct thread_group *g = t->group;
    bool handled_restart = false;
    if (unlikely(g->cont_notify))
        report_continued(t);
    for (;;) {
        if (unlikely(READ_ONCE(t->ptrace_trap)))
            ptrace_trap();              /* PTRACE_INTERRUPT, or a new seized child */
        /* whether a terminal stop would be discarded (an orphaned group:
         * nobody would continue it) is found before the signal lock */
        bool orphaned = false;
        if ((READ_ONCE(t->pending) | READ_ONCE(g->pending)) & (STOP_SIGNALS & ~SIGBIT(SIGSTOP))) {
            spin_lock(&tasks_lock);
            orphaned = pgrp_orphaned_locked(t->pgid, NULL);
            spin_unlock(&tasks_lock);
        }
        spin_lock(&g->sig_lock);
        sigset_t mask = t->blocked & ~UNBLOCKABLE;
        sigset_t mine = t->pending & ~mask, shared = g->pending & ~mask;
        if (g->stop_signal > 0 && t->stop_seq_taken != g->stop_seq && !((mine | shared) & SIGBIT(SIGKILL))) {
            spin_unlock(&g->sig_lock);
            do_stop(t);                 /* the process is stopped: join it */
            continue;
        }
        if (!mine && !shared) {
            spin_unlock(&g->sig_lock);
            break;
        }
        /* SIGKILL first, whatever its number; then this thread's own
         * signals before the process's, each lowest-numbered first */
        int sig;
        siginfo_t info;
        if ((mine | shared) & SIGBIT(SIGKILL))
            sig = SIGKILL;
        else
            sig = __builtin_ctzll(mine ? mine : shared) + 1;
        if (mine & SIGBIT(sig)) {
            t->pending &= ~SIGBIT(sig);
            ksiginfo_give(&info, &t->pending_info[sig]);
        } else {
            g->pending &= ~SIGBIT(sig);
            ksiginfo_give(&info, &g->pending_info[sig]);
        }
        if (info.si_code == SI_TIMER)
            posix_timer_taken(g, &info);
        if (unlikely(READ_ONCE(t->tracer)) && sig != SIGKILL) {
            /* signal-delivery stop: the tracer says what to deliver */
            spin_unlock(&g->sig_lock);
            sig = ptrace_signal(sig, &info);
            if (!sig)
                continue;
            spin_lock(&g->sig_lock);
            if ((t->blocked & ~UNBLOCKABLE) & SIGBIT(sig)) {
                queue(&t->pending, t->pending_info, sig, &info);      /* blocked: later */
                spin_unlock(&g->sig_lock);
                continue;
            }
        }
        struct k_sigaction *sa = &t->sighand->action[sig];
        bool stops = (SIGBIT(sig) & STOP_SIGNALS) && (sig == SIGSTOP || (sa->handler == SIG_DFL && !orphaned)) &&
                     t->tgid != 1;
        if (stops)
            start_stop_locked(t, sig);
        spin_unlock(&g->sig_lock);

        if (sig != SIGKILL && sig != SIGSTOP && sa->handler == SIG_IGN)
            continue;
        if (sig == SIGKILL || sig == SIGSTOP || sa->handler == SIG_DFL) {
            sigset_t bit = SIGBIT(sig);
            /* init gets only the signals it handles (Linux's rule), except a
             * fault it caused itself, which cannot be ignored */
            if (t->tgid == 1 && sig != t->forced_sig)
                continue;
            if (bit & IGNORE_SIGNALS)
                continue;
            if (bit & STOP_SIGNALS) {
                /* begun above; a terminal stop in an orphaned group is
                 * discarded (SIGSTOP still stops) */
                if (stops)
                    do_stop(t);
                continue;
            }
            /* a thread killed so that another may exec ends alone */
            if (sig == SIGKILL && g->execing && g->execing != t)
                do_exit(SIGKILL);
            log_fatal(t, sig);
            /* no core file is written (RLIMIT_CORE is 0), so no core flag */
            do_group_exit(sig);
        }
        /* run the handler: an interrupted call fails with EINTR, unless
         * it may be restarted and the handler asked for that */
        long rv = (long)syscall_get_return(tf);
        if (from_syscall && !handled_restart && (rv == -ERESTARTSYS || rv == -ERESTARTNOHAND ||
                                                  rv == -ERESTART_RESTARTBLOCK || rv == -ERESTARTNOINTR)) {
            if ((rv == -ERESTARTSYS && (sa->flags & SA_RESTART)) || rv == -ERESTARTNOINTR) {
                arch_syscall_restart(tf, t->saved_syscall_nr);     /* after the handler */
            } else {
                syscall_set_return(tf, -EINTR);
            }
            handled_restart = true;
        }
        sigset_t old = t->restore_saved_mask ? t->saved_mask : t->blocked;
        t->restore_saved_mask = false;
        if (setup_frame(tf, sig, sa, &info, old) < 0) {
            kprintf("pid %d (%s): cannot write the signal frame for signal %d; killing it\n", t->pid, t->comm, sig);
            do_group_exit(SIGSEGV);
        }
        spin_lock(&g->sig_lock);
        t->blocked |= sa->mask;
        if (!(sa->flags & SA_NODEFER))
            t->blocked |= SIGBIT(sig);
        t->blocked &= ~UNBLOCKABLE;
        spin_unlock(&g->sig_lock);
        if (sa->flags & SA_RESETHAND)
            sa->handler = SIG_DFL;
        break;                          /* one frame per return */
    }
    long rv = (long)syscall_get_return(tf);
    if (from_syscall && !handled_restart && (rv == -ERESTARTSYS || rv == -ERESTARTNOHAND || rv == -ERESTARTNOINTR)) {
        /* no handler ran: restart transparently */
        arch_syscall_restart(tf, t->saved_syscall_nr);
    } else if (from_syscall && !handled_restart && rv == -ERESTART_RESTARTBLOCK) {
        arch_syscall_restart(tf, 219);  /* restart_syscall: continue where it stopped (t->restart) */
    }
    if (t->restore_saved_mask) {
        t->blocked = t->saved_mask;
        t->restore_saved_mask = false;
    }
}

void signal_fault(struct trap_frame *tf, int sig, int code, uint64_t addr, const char *reason)
{
    struct task *t = current;
    if (!READ_ONCE(t->tracer))         /* a debugger's breakpoints are not news */
        kprintf("pid %d (%s): %s at address %#lx, ip %#lx: signal %d\n", t->pid, t->comm,
                reason ? reason : "fault", addr, tf_ip(tf), sig);
    siginfo_t info = { 0 };
    info.si_signo = sig;
    info.si_code = code;
    info.u.fault.addr = addr;
    signal_force(sig, &info, false);
}

void signal_force(int sig, const siginfo_t *info, bool to_default)
{
    struct task *t = current;
    /* a fault signal that is blocked or ignored cannot be delivered: kill */
    struct k_sigaction *sa = &t->sighand->action[sig];
    if ((t->blocked & SIGBIT(sig)) || sa->handler == SIG_IGN || to_default) {
        t->blocked &= ~SIGBIT(sig);
        sa->handler = SIG_DFL;
    }
    spin_lock(&t->group->sig_lock);
    t->pending |= SIGBIT(sig);
    ksiginfo_keep(&t->pending_info[sig], info);
    t->forced_sig = sig;
    spin_unlock(&t->group->sig_lock);
}

/* ---- system calls ---- */

static long sys_rt_sigaction(int sig, const struct k_sigaction __user *act, struct k_sigaction __user *oact, size_t size)
{
    if (size != sizeof(sigset_t))
        return -EINVAL;
    if (sig <= 0 || sig >= NSIG)
        return -EINVAL;
    struct k_sigaction *cur = &current->sighand->action[sig];
    struct k_sigaction n;
    if (act) {
        if (copy_from_user(&n, act, sizeof n))
            return -EFAULT;
        if (sig == SIGKILL || sig == SIGSTOP)
            return -EINVAL;
        if (n.handler > SIG_IGN && !(n.flags & SA_RESTORER))
            return -EINVAL;             /* x86-64 needs the libc trampoline */
    }
    if (oact && copy_to_user(oact, cur, sizeof *cur))
        return -EFAULT;
    if (act) {
        n.mask &= ~UNBLOCKABLE;
        *cur = n;
        /* setting SIG_IGN discards pending instances (POSIX) */
        if (n.handler == SIG_IGN || (n.handler == SIG_DFL && (SIGBIT(sig) & IGNORE_SIGNALS))) {
            /* for the whole process, as the action is shared */
            struct thread_group *g = current->group;
            spin_lock(&g->sig_lock);
            struct task *u;
            g->pending &= ~SIGBIT(sig);
            for_each_thread(g, u)
                u->pending &= ~SIGBIT(sig);
            spin_unlock(&g->sig_lock);
        }
    }
    return 0;
}
SYSCALL_DEFINE(13, rt_sigaction);

static long sys_rt_sigprocmask(int how, const sigset_t __user *set, sigset_t __user *oset, size_t size)
{
    struct task *t = current;
    if (size != sizeof(sigset_t))
        return -EINVAL;
    sigset_t n = 0, old = t->blocked;
    if (set) {
        if (copy_from_user(&n, set, sizeof n))
            return -EFAULT;
        if (how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
            return -EINVAL;
    }
    if (oset && copy_to_user(oset, &old, sizeof old))
        return -EFAULT;
    if (set) {
        spin_lock(&t->group->sig_lock);
        if (how == SIG_BLOCK)
            t->blocked |= n;
        else if (how == SIG_UNBLOCK)
            t->blocked &= ~n;
        else
            t->blocked = n;
        t->blocked &= ~UNBLOCKABLE;
        spin_unlock(&t->group->sig_lock);
    }
    return 0;
}
SYSCALL_DEFINE(14, rt_sigprocmask);

/* Takes the lowest pending signal of `set` for t (its own first, then its
 * process's) into *info; 0 if none.  Caller holds the group's sig_lock. */
static int take_from_set(struct task *t, sigset_t set, siginfo_t *info)
{
    struct thread_group *g = t->group;
    sigset_t mine = t->pending & set, shared = g->pending & set;
    if (!mine && !shared)
        return 0;
    int sig = __builtin_ctzll(mine ? mine : shared) + 1;
    if (mine) {
        t->pending &= ~SIGBIT(sig);
        ksiginfo_give(info, &t->pending_info[sig]);
    } else {
        g->pending &= ~SIGBIT(sig);
        ksiginfo_give(info, &g->pending_info[sig]);
    }
    if (info->si_code == SI_TIMER)
        posix_timer_taken(g, info);
    return sig;
}

int signal_dequeue(struct task *t, sigset_t set, siginfo_t *info)
{
    spin_lock(&t->group->sig_lock);
    int sig = take_from_set(t, set & ~UNBLOCKABLE, info);
    spin_unlock(&t->group->sig_lock);
    return sig;
}

bool signal_pending_in(struct task *t, sigset_t set)
{
    return ((READ_ONCE(t->pending) | READ_ONCE(t->group->pending)) & set & ~UNBLOCKABLE) != 0;
}

struct sig_ktimespec {
    int64_t sec, nsec;
};

/* sigwaitinfo/sigtimedwait: wait for one of the signals in `set` (normally
 * blocked) and take it without running a handler.  While waiting, the set
 * counts as unblocked for this thread, so a process-directed signal in it
 * picks and wakes this thread, as Linux does.  EAGAIN on timeout, EINTR if
 * another signal (one that runs a handler) comes first. */
static long sys_rt_sigtimedwait(const sigset_t __user *uset, siginfo_t __user *uinfo, const struct sig_ktimespec __user *uts,
                         size_t size)
{
    if (size != sizeof(sigset_t))
        return -EINVAL;
    sigset_t set;
    if (copy_from_user(&set, uset, sizeof set))
        return -EFAULT;
    set &= ~UNBLOCKABLE;
    uint64_t deadline = 0;
    if (uts) {
        struct sig_ktimespec ts;
        if (copy_from_user(&ts, uts, sizeof ts))
            return -EFAULT;
        if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (int64_t)NSEC_PER_SEC)
            return -EINVAL;
        deadline = time_ns() + (uint64_t)ts.sec * NSEC_PER_SEC + (uint64_t)ts.nsec;
    }
    struct task *t = current;
    struct thread_group *g = t->group;
    siginfo_t info;
    long r;
    spin_lock(&g->sig_lock);
    sigset_t saved = t->blocked;
    t->blocked &= ~set;
    spin_unlock(&g->sig_lock);
    for (;;) {
        spin_lock(&g->sig_lock);
        if ((r = take_from_set(t, set, &info)) > 0) {
            spin_unlock(&g->sig_lock);
            break;
        }
        t->state = TASK_BLOCKED;        /* a signal from here on wakes us */
        spin_unlock(&g->sig_lock);
        bool timed_out = false;
        if (!signal_pending(t) && !(uts && time_ns() >= deadline))
            timed_out = schedule_until(deadline) && uts;
        else
            timed_out = uts && time_ns() >= deadline;
        t->state = TASK_RUNNING;
        spin_lock(&g->sig_lock);
        r = take_from_set(t, set, &info);
        spin_unlock(&g->sig_lock);
        if (r > 0)
            break;
        if (timed_out) {
            r = -EAGAIN;
            break;
        }
        if (signal_pending(t)) {
            r = -EINTR;
            break;
        }
    }
    spin_lock(&g->sig_lock);
    t->blocked = saved;
    spin_unlock(&g->sig_lock);
    if (r > 0 && uinfo && copy_to_user(uinfo, &info, sizeof info))
        return -EFAULT;
    return r;
}
SYSCALL_DEFINE(128, rt_sigtimedwait);

/* A shorter set than the kernel's gets its first `size` bytes (Linux
 * allows that here, unlike the other rt_sig* calls); a longer one EINVAL. */
static long sys_rt_sigpending(sigset_t __user *set, size_t size)
{
    if (size > sizeof(sigset_t))
        return -EINVAL;
    sigset_t p = (current->pending | current->group->pending) & current->blocked;
    return copy_to_user(set, &p, size);
}
SYSCALL_DEFINE(127, rt_sigpending);

static long sys_rt_sigreturn(void)
{
    struct task *t = current;
    struct trap_frame *tf = t->tf;
    uint64_t frame = tf_user_sp(tf);
    struct signal_frame_saved saved;
    if (arch_signal_frame_restore(tf, t->fpu, &saved)) {
        kprintf("pid %d (%s): bad signal frame at %#lx\n", t->pid, t->comm, frame - 8);
        do_group_exit(SIGSEGV);
    }
    spin_lock(&t->group->sig_lock);
    t->blocked = saved.mask & ~UNBLOCKABLE;
    spin_unlock(&t->group->sig_lock);
    /* as Linux: the alternate stack is taken back from uc_stack, errors
     * ignored (a handler may have changed it there) */
    altstack_set(t, saved.ss_sp, saved.ss_flags, saved.ss_size, tf_user_sp(tf));
    return syscall_get_return(tf);
}
SYSCALL_DEFINE(15, rt_sigreturn);

/* Blocks t until an unblocked signal is pending.  The state is set before
 * the last check, so a signal arriving in between wakes it (signal_send). */
static void sleep_until_signal(struct task *t)
{
    while (!signal_pending(t)) {
        uint64_t flags = irq_save();
        t->state = TASK_BLOCKED;
        if (signal_pending(t))
            t->state = TASK_RUNNING;
        schedule();
        irq_restore(flags);
    }
}

static long sys_rt_sigsuspend(const sigset_t __user *mask, size_t size)
{
    struct task *t = current;
    if (size != sizeof(sigset_t))
        return -EINVAL;
    sigset_t m;
    if (copy_from_user(&m, mask, sizeof m))
        return -EFAULT;
    t->saved_mask = t->blocked;
    t->restore_saved_mask = true;
    spin_lock(&t->group->sig_lock);
    t->blocked = m & ~UNBLOCKABLE;
    spin_unlock(&t->group->sig_lock);
    sleep_until_signal(t);
    return -EINTR;
}
SYSCALL_DEFINE(130, rt_sigsuspend);

static long sys_pause(void)
{
    sleep_until_signal(current);
    return -EINTR;
}
SYSCALL_DEFINE(34, pause);

static long sys_sigaltstack(const uint64_t __user *ss, uint64_t __user *old)
{
    struct task *t = current;
    uint64_t sp = tf_user_sp(t->tf);
    uint64_t n[3];
    if (ss && copy_from_user(n, ss, sizeof n))
        return -EFAULT;
    uint64_t o[3] = { t->alt_stack_sp, (uint32_t)(altstack_flags(t, sp) | (t->alt_stack_flags & SS_AUTODISARM)),
                      t->alt_stack_size };
    if (ss) {
        long r = altstack_set(t, n[0], (int32_t)n[1], n[2], sp);
        if (r)
            return r;
    }
    if (old && copy_to_user(old, o, sizeof o))
        return -EFAULT;
    return 0;
}
SYSCALL_DEFINE(131, sigaltstack);

/* kill/tkill: sig (0 = only check) to t's process, or to thread t. */
/* May the caller signal t?  Linux's rule (include/proc/cred.h), and
 * SIGCONT to a process of the caller's session. */
static bool kill_allowed(const struct task *t, int sig)
{
    return may_signal(current, t) || (sig == SIGCONT && t->sid == current->sid);
}

static int kill_one(struct task *t, int sig, int code, bool whole_process)
{
    if (!kill_allowed(t, sig))
        return -EPERM;
    if (sig == 0)
        return 0;
    siginfo_t info = { 0 };
    info.si_signo = sig;
    info.si_code = code;
    info.u.kill.pid = current->tgid;
    info.u.kill.uid = current->uid;
    if (whole_process)
        signal_send_process(t, sig, &info);
    else
        signal_send(t, sig, &info);
    return 0;
}

static long sys_kill(pid_t pid, int sig)
{
    if (sig < 0 || sig >= NSIG)
        return -EINVAL;
    if (pid > 0) {
        /* under tasks_lock: a task found there cannot be freed until it is
         * released.  A thread id names its process, as on Linux. */
        spin_lock(&tasks_lock);
        struct task *t = task_find(pid);
        long r = t ? kill_one(t, sig, SI_USER, true) : -ESRCH;
        spin_unlock(&tasks_lock);
        return r;
    }
    /* a process group (0: the caller's), or with -1 every process but
     * init and the caller's: ESRCH if there is none, EPERM if the caller
     * may signal none of them, else 0 (sig 0 only checks) */
    pid_t pg = pid == 0 ? current->pgid : -pid;
    int found = 0, sent = 0;
    spin_lock(&tasks_lock);
    if (pid == -1) {
        list_for_each(node, &all_tasks) {
            struct task *t = container_of(node, struct task, all_node);
            if (t->pid <= 1 || !task_is_leader(t) || t->group->live == 0 || t->group == current->group)
                continue;
            found++;
            if (kill_one(t, sig, SI_USER, true) == 0)
                sent++;
        }
    } else {
        /* a group: its members' list, not a walk over every task */
        struct task *t;
        for_each_live_pgrp_member(t, pg) {
            found++;
            if (kill_one(t, sig, SI_USER, true) == 0)
                sent++;
        }
    }
    spin_unlock(&tasks_lock);
    return !found ? -ESRCH : !sent ? -EPERM : 0;
}
SYSCALL_DEFINE(62, kill);

/* sig to thread tid, which must belong to tgid unless tgid is 0 (tkill).
 * Linux's order: the thread is looked up first (ESRCH), then the signal
 * number is checked (EINVAL), then the permission (EPERM). */
static long tkill_common(pid_t tgid, pid_t tid, int sig)
{
    spin_lock(&tasks_lock);
    struct task *t = task_find(tid);
    long r;
    if (!t || (tgid && t->tgid != tgid) || task_gone(t))
        r = -ESRCH;
    else if (sig < 0 || sig >= NSIG)
        r = -EINVAL;
    else
        r = kill_one(t, sig, SI_TKILL, false);
    spin_unlock(&tasks_lock);
    return r;
}

static long sys_tgkill(pid_t tgid, pid_t tid, int sig)
{
    return tid <= 0 || tgid <= 0 ? -EINVAL : tkill_common(tgid, tid, sig);
}
SYSCALL_DEFINE(234, tgkill);

static long sys_tkill(pid_t tid, int sig) { return tid <= 0 ? -EINVAL : tkill_common(0, tid, sig); }
SYSCALL_DEFINE(200, tkill);

/* rt_sigqueueinfo / rt_tgsigqueueinfo (sigqueue, pthread_sigqueue): a
 * signal with the caller's siginfo (its value reaches the handler).  Only
 * a process signalling itself may claim a kernel si_code (>= 0) or
 * SI_TKILL, as Linux rules; otherwise EPERM. */
static long queue_info(pid_t tgid, pid_t tid, int sig, const siginfo_t __user *uinfo)
{
    if (sig < 0 || sig >= NSIG)
        return -EINVAL;
    siginfo_t info;
    if (copy_from_user(&info, uinfo, sizeof info))
        return -EFAULT;
    if ((info.si_code >= 0 || info.si_code == SI_TKILL) && tgid != current->tgid)
        return -EPERM;
    info.si_signo = sig;
    spin_lock(&tasks_lock);
    struct task *t = task_find(tid > 0 ? tid : tgid);
    long r = 0;
    if (!t || (tid > 0 && t->tgid != tgid) || task_gone(t))
        r = -ESRCH;
    else if (!kill_allowed(t, sig))
        r = -EPERM;
    else if (sig && tid > 0)
        signal_send(t, sig, &info);
    else if (sig)
        signal_send_process(t, sig, &info);
    spin_unlock(&tasks_lock);
    return r;
}

static long sys_rt_sigqueueinfo(pid_t tgid, int sig, const siginfo_t __user *uinfo)
{
    if (tgid <= 0)
        return -ESRCH;
    return queue_info(tgid, 0, sig, uinfo);
}
SYSCALL_DEFINE(129, rt_sigqueueinfo);

static long sys_rt_tgsigqueueinfo(pid_t tgid, pid_t tid, int sig, const siginfo_t __user *uinfo)
{
    if (tgid <= 0 || tid <= 0)
        return -EINVAL;
    return queue_info(tgid, tid, sig, uinfo);
}
SYSCALL_DEFINE(297, rt_tgsigqueueinfo);
