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
 * registers, the mask to restore and a pointer to the saved FXSAVE image,
 * then siginfo.  rt_sigreturn validates and restores all of it.
 *
 * An interrupted system call that returned -ERESTARTSYS is restarted if the
 * handler has SA_RESTART (or no handler runs), and fails with EINTR
 * otherwise.
 *
 * Stopping and continuing: the stop state (stop_signal, stop_reported,
 * cont_reported, cont_notify) changes under the task's sig_lock, so a
 * SIGCONT is seen by wait(WCONTINUED) the moment it is sent; the parent is
 * told (SIGCHLD, wake-up) by the child itself, under tasks_lock
 * (signal_notify_parent), since a parent may exit at any moment and only
 * tasks_lock keeps the parent pointer valid.
 *
 * Locking: t->sig_lock protects pending, blocked, pending_info and the stop
 * state; the sighand is copied on fork (not shared), so its owner changes it
 * without a lock.  A task pointer found under tasks_lock stays valid while
 * that lock is held; signal_send may be called with it held.
 */
#include <arch/cpu.h>
#include <kernel/kernel.h>
#include <kernel/syscall.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>
#include <proc/proc.h>
#include <proc/signal.h>
#include <proc/task.h>
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
    if (sh && --sh->refs == 0)
        kfree(sh);
}

/* execve: caught signals return to default; ignored stay ignored. */
void signal_exec_reset(struct task *t)
{
    for (int s = 1; s < NSIG; s++) {
        struct k_sigaction *a = &t->sighand->action[s];
        if (a->handler != SIG_IGN)
            memset(a, 0, sizeof *a);
        else
            a->flags = 0;
    }
    t->alt_stack_sp = t->alt_stack_size = 0;
}

bool signal_pending(struct task *t)
{
    return (READ_ONCE(t->pending) & ~(t->blocked & ~UNBLOCKABLE)) != 0;
}

/* Would t discard sig at once?  Not if blocked: the action may change
 * before it is unblocked.  Caller holds t->sig_lock. */
static bool discards(struct task *t, int sig)
{
    sigset_t bit = SIGBIT(sig);
    struct sighand *sh = t->sighand;
    if (!sh || (bit & UNBLOCKABLE) || (t->blocked & bit))
        return false;
    const struct k_sigaction *a = &sh->action[sig];
    return a->handler == SIG_IGN || (a->handler == SIG_DFL && (bit & IGNORE_SIGNALS));
}

void signal_send(struct task *t, int sig, const siginfo_t *info)
{
    if (sig <= 0 || sig >= NSIG || !t || t->state == TASK_ZOMBIE || t->state == TASK_DEAD)
        return;
    spin_lock(&t->sig_lock);
    sigset_t bit = SIGBIT(sig);
    if (bit & STOP_SIGNALS)
        t->pending &= ~SIGBIT(SIGCONT);
    if (sig == SIGCONT)
        t->pending &= ~STOP_SIGNALS;
    /* SIGCONT resumes a stopped process even if blocked, caught or ignored.
     * The new state is visible to wait(WCONTINUED) at once; the parent's
     * SIGCHLD comes from the continued task itself when it runs
     * (signal_deliver), because only there is its parent pointer safe to
     * follow. */
    bool continued = sig == SIGCONT && t->stop_signal > 0;
    if (continued) {
        t->stop_signal = -1;
        t->cont_reported = false;
        t->cont_notify = true;
    }
    if (sig == SIGKILL)
        t->stop_signal = 0;             /* dying: no stop left to report (Linux) */
    bool queued = !discards(t, sig);
    if (queued && !(t->pending & bit)) {
        t->pending |= bit;
        if (info) {
            t->pending_info[sig] = *info;
        } else {
            memset(&t->pending_info[sig], 0, sizeof(siginfo_t));
            t->pending_info[sig].si_signo = sig;
            t->pending_info[sig].si_code = SI_KERNEL;
        }
    }
    bool wake = queued && (!(t->blocked & bit) || (bit & UNBLOCKABLE));
    spin_unlock(&t->sig_lock);
    if (continued && t->state == TASK_STOPPED) {
        sched_wake(t);
    } else if (sig == SIGKILL && t->state == TASK_STOPPED) {
        sched_wake(t);
    } else if (wake && t->state == TASK_BLOCKED) {
        sched_wake(t);
    } else if (wake) {
        sched_kick_task(t);
    }
}

int signal_send_pgrp(pid_t pgid, int sig, const siginfo_t *info)
{
    int found = 0;
    spin_lock(&tasks_lock);
    list_for_each(node, &all_tasks) {
        struct task *t = container_of(node, struct task, all_node);
        if (t->pgid == pgid && t->pid > 0 && t->state != TASK_ZOMBIE && t->state != TASK_DEAD) {
            found++;
            signal_send(t, sig, info);
        }
    }
    spin_unlock(&tasks_lock);
    return found ? 0 : -ESRCH;
}

/* ---- delivery ---- */

struct sigframe {
    uint64_t pretcode;
    /* struct ucontext */
    uint64_t uc_flags;
    uint64_t uc_link;
    uint64_t ss_sp;
    int32_t ss_flags;
    int32_t ss_pad;
    uint64_t ss_size;
    /* struct sigcontext (256 bytes) */
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate;
    uint64_t reserved1[8];
    uint64_t uc_sigmask;
    siginfo_t info;
};

_Static_assert(offsetof(struct sigframe, r8) == 8 + 40, "uc_mcontext at ucontext+40");
_Static_assert(offsetof(struct sigframe, fpstate) == 8 + 40 + 184, "fpstate pointer");
_Static_assert(offsetof(struct sigframe, uc_sigmask) == 8 + 296, "uc_sigmask at ucontext+296");
_Static_assert(offsetof(struct sigframe, info) == 312, "siginfo at frame+312");
_Static_assert(sizeof(struct sigframe) == 440, "rt_sigframe is 440 bytes");

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

/* Tells t's parent that t stopped, continued or exited (code CLD_*,
 * status the signal or exit code): SIGCHLD unless the parent ignores it or
 * its SA_NOCLDSTOP rules it out, and a wake-up of its wait4.  Caller holds tasks_lock, which
 * keeps t->parent (and the parent's sighand) alive: a parent that exits
 * first hands its children to init under the same lock. */
void signal_notify_parent(struct task *t, int code, int status)
{
    spin_assert_held(&tasks_lock);
    struct task *parent = t->parent;
    if (!parent)
        return;
    /* SIG_IGN: never sent, even while blocked (Linux) */
    const struct k_sigaction *a = &parent->sighand->action[SIGCHLD];
    bool stop_or_cont = code == CLD_STOPPED || code == CLD_CONTINUED;
    if (a->handler != SIG_IGN && (!stop_or_cont || !(a->flags & SA_NOCLDSTOP))) {
        siginfo_t info = { 0 };
        info.si_signo = SIGCHLD;
        info.si_code = code;
        info.u.chld.pid = t->pid;
        info.u.chld.status = status;
        info.u.chld.utime = t->stats.utime_ns / 10000000;
        info.u.chld.stime = t->stats.stime_ns / 10000000;
        signal_send(parent, SIGCHLD, &info);
    }
    waitq_wake_all(&parent->child_wait);
}

/* A SIGCONT that continued t is reported to its parent by t itself. */
static void report_continued(struct task *t)
{
    spin_lock(&t->sig_lock);
    bool notify = t->cont_notify;
    t->cont_notify = false;
    spin_unlock(&t->sig_lock);
    if (notify) {
        spin_lock(&tasks_lock);
        signal_notify_parent(t, CLD_CONTINUED, SIGCONT);
        spin_unlock(&tasks_lock);
    }
}

/* The default action of a stop signal: sleep until SIGCONT or SIGKILL.  A
 * SIGCONT that is already pending cancels the stop. */
static void do_stop(struct task *t, int sig)
{
    spin_lock(&t->sig_lock);
    if (t->pending & (SIGBIT(SIGCONT) | SIGBIT(SIGKILL))) {
        spin_unlock(&t->sig_lock);
        return;
    }
    t->stop_signal = sig;
    t->stop_reported = false;
    spin_unlock(&t->sig_lock);
    spin_lock(&tasks_lock);
    signal_notify_parent(t, CLD_STOPPED, sig);
    spin_unlock(&tasks_lock);
    uint64_t flags = read_rflags();
    irq_disable();
    t->state = TASK_STOPPED;
    if (READ_ONCE(t->pending) & (SIGBIT(SIGCONT) | SIGBIT(SIGKILL)))
        t->state = TASK_RUNNING;
    schedule();
    write_rflags(flags);
    report_continued(t);
}

static int setup_frame(struct trap_frame *tf, int sig, struct k_sigaction *sa, const siginfo_t *info,
                       sigset_t old_mask)
{
    struct task *t = current;
    uint64_t sp = tf->rsp;
    /* iretq to a non-canonical address faults in the kernel, after the GS
     * swap: a handler (or restorer) outside user space cannot be entered */
    if (sa->handler >= USER_TOP || sa->restorer >= USER_TOP)
        return -EFAULT;
    if ((sa->flags & SA_ONSTACK) && t->alt_stack_size && !(sp > t->alt_stack_sp && sp <= t->alt_stack_sp + t->alt_stack_size))
        sp = t->alt_stack_sp + t->alt_stack_size;
    else
        sp -= 128;                                  /* the red zone */
    sp -= 512;
    sp &= ~63ULL;
    uint64_t fp = sp;
    __asm__ volatile("fxsaveq (%0)" : : "r"(t->fpu) : "memory");
    if (copy_to_user((void *)fp, t->fpu, 512))
        return -EFAULT;
    sp -= sizeof(struct sigframe);
    sp = (sp & ~15ULL) - 8;
    struct sigframe f;
    memset(&f, 0, sizeof f);
    f.pretcode = sa->restorer;
    f.uc_flags = 0x2;                               /* UC_SIGCONTEXT_SS */
    f.ss_sp = t->alt_stack_sp;
    f.ss_size = t->alt_stack_size;
    f.r8 = tf->r8; f.r9 = tf->r9; f.r10 = tf->r10; f.r11 = tf->r11;
    f.r12 = tf->r12; f.r13 = tf->r13; f.r14 = tf->r14; f.r15 = tf->r15;
    f.rdi = tf->rdi; f.rsi = tf->rsi; f.rbp = tf->rbp; f.rbx = tf->rbx;
    f.rdx = tf->rdx; f.rax = tf->rax; f.rcx = tf->rcx; f.rsp = tf->rsp;
    f.rip = tf->rip; f.eflags = tf->rflags;
    f.cs = tf->cs; f.ss = tf->ss;
    f.trapno = tf->vector < 32 ? tf->vector : 0;
    f.err = tf->vector < 32 ? tf->error : 0;
    f.cr2 = info->u.fault.addr;
    f.oldmask = old_mask;
    f.fpstate = fp;
    f.uc_sigmask = old_mask;
    f.info = *info;
    if (copy_to_user((void *)sp, &f, sizeof f))
        return -EFAULT;
    tf->rsp = sp;
    tf->rip = sa->handler;
    tf->rdi = sig;
    tf->rsi = sp + offsetof(struct sigframe, info);
    tf->rdx = sp + 8;
    tf->rax = 0;
    tf->rflags &= ~(1UL << 10);                     /* DF clear */
    tf->cs = GDT_UCODE;
    tf->ss = GDT_UDATA;
    /* the handler starts with a clean FPU control state */
    fpu_init_state(t->fpu);
    __asm__ volatile("fxrstorq (%0)" : : "r"(t->fpu) : "memory");
    return 0;
}

void signal_deliver(struct trap_frame *tf, bool from_syscall)
{
    struct task *t = current;
    bool handled_restart = false;
    if (unlikely(t->cont_notify))
        report_continued(t);
    for (;;) {
        spin_lock(&t->sig_lock);
        sigset_t ready = t->pending & ~(t->blocked & ~UNBLOCKABLE);
        if (!ready) {
            spin_unlock(&t->sig_lock);
            break;
        }
        int sig = __builtin_ctzll(ready) + 1;
        /* SIGKILL first, whatever its number */
        if (ready & SIGBIT(SIGKILL))
            sig = SIGKILL;
        t->pending &= ~SIGBIT(sig);
        siginfo_t info = t->pending_info[sig];
        spin_unlock(&t->sig_lock);

        struct k_sigaction *sa = &t->sighand->action[sig];
        if (sig != SIGKILL && sig != SIGSTOP && sa->handler == SIG_IGN)
            continue;
        if (sig == SIGKILL || sig == SIGSTOP || sa->handler == SIG_DFL) {
            sigset_t bit = SIGBIT(sig);
            /* init gets only the signals it handles (Linux's rule), except a
             * fault it caused itself, which cannot be ignored */
            if (t->pid == 1 && sig != t->forced_sig)
                continue;
            if (bit & IGNORE_SIGNALS)
                continue;
            if (bit & STOP_SIGNALS) {
                do_stop(t, sig);
                continue;
            }
            log_fatal(t, sig);
            /* no core file is written (RLIMIT_CORE is 0), so no core flag */
            do_exit(sig);
        }
        /* run the handler */
        if (from_syscall && !handled_restart && (long)tf->rax == -ERESTARTSYS) {
            if (sa->flags & SA_RESTART) {
                tf->rip -= 2;           /* re-execute `syscall` after the handler */
                tf->rax = t->saved_syscall_nr;
            } else {
                tf->rax = -EINTR;
            }
            handled_restart = true;
        }
        sigset_t old = t->restore_saved_mask ? t->saved_mask : t->blocked;
        t->restore_saved_mask = false;
        if (setup_frame(tf, sig, sa, &info, old) < 0) {
            kprintf("pid %d (%s): cannot write the signal frame for signal %d; killing it\n", t->pid, t->comm, sig);
            do_exit(SIGSEGV);
        }
        spin_lock(&t->sig_lock);
        t->blocked |= sa->mask;
        if (!(sa->flags & SA_NODEFER))
            t->blocked |= SIGBIT(sig);
        t->blocked &= ~UNBLOCKABLE;
        spin_unlock(&t->sig_lock);
        if (sa->flags & SA_RESETHAND)
            sa->handler = SIG_DFL;
        break;                          /* one frame per return */
    }
    if (from_syscall && !handled_restart && (long)tf->rax == -ERESTARTSYS) {
        /* no handler ran: restart transparently */
        tf->rip -= 2;
        tf->rax = t->saved_syscall_nr;
    }
    if (t->restore_saved_mask) {
        t->blocked = t->saved_mask;
        t->restore_saved_mask = false;
    }
}

void signal_fault(struct trap_frame *tf, int sig, int code, uint64_t addr, const char *reason)
{
    struct task *t = current;
    kprintf("pid %d (%s): %s at address %#lx, ip %#lx: signal %d\n", t->pid, t->comm,
            reason ? reason : "fault", addr, tf->rip, sig);
    siginfo_t info = { 0 };
    info.si_signo = sig;
    info.si_code = code;
    info.u.fault.addr = addr;
    /* a fault signal that is blocked or ignored cannot be delivered: kill */
    struct k_sigaction *sa = &t->sighand->action[sig];
    if ((t->blocked & SIGBIT(sig)) || sa->handler == SIG_IGN) {
        t->blocked &= ~SIGBIT(sig);
        sa->handler = SIG_DFL;
    }
    spin_lock(&t->sig_lock);
    t->pending |= SIGBIT(sig);
    t->pending_info[sig] = info;
    t->forced_sig = sig;
    spin_unlock(&t->sig_lock);
}

/* ---- system calls ---- */

long sys_rt_sigaction(int sig, const struct k_sigaction __user *act, struct k_sigaction __user *oact, size_t size)
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
            spin_lock(&current->sig_lock);
            current->pending &= ~SIGBIT(sig);
            spin_unlock(&current->sig_lock);
        }
    }
    return 0;
}
SYSCALL_DEFINE(13, rt_sigaction);

long sys_rt_sigprocmask(int how, const sigset_t __user *set, sigset_t __user *oset, size_t size)
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
        spin_lock(&t->sig_lock);
        if (how == SIG_BLOCK)
            t->blocked |= n;
        else if (how == SIG_UNBLOCK)
            t->blocked &= ~n;
        else
            t->blocked = n;
        t->blocked &= ~UNBLOCKABLE;
        spin_unlock(&t->sig_lock);
    }
    return 0;
}
SYSCALL_DEFINE(14, rt_sigprocmask);

long sys_rt_sigpending(sigset_t __user *set, size_t size)
{
    if (size != sizeof(sigset_t))
        return -EINVAL;
    sigset_t p = current->pending & current->blocked;
    return copy_to_user(set, &p, sizeof p);
}
SYSCALL_DEFINE(127, rt_sigpending);

long sys_rt_sigreturn(void)
{
    struct task *t = current;
    struct trap_frame *tf = t->tf;
    uint64_t sp = tf->rsp - 8;          /* the handler's ret popped pretcode */
    struct sigframe f;
    /* the frame must return to user space (a non-canonical RIP would fault
     * in the kernel's iretq) */
    if (copy_from_user(&f, (void *)sp, sizeof f) || f.rip >= USER_TOP || f.rsp >= USER_TOP) {
        kprintf("pid %d (%s): bad signal frame at %#lx\n", t->pid, t->comm, sp);
        do_exit(SIGSEGV);
    }
    tf->r8 = f.r8; tf->r9 = f.r9; tf->r10 = f.r10; tf->r11 = f.r11;
    tf->r12 = f.r12; tf->r13 = f.r13; tf->r14 = f.r14; tf->r15 = f.r15;
    tf->rdi = f.rdi; tf->rsi = f.rsi; tf->rbp = f.rbp; tf->rbx = f.rbx;
    tf->rdx = f.rdx; tf->rax = f.rax; tf->rcx = f.rcx; tf->rsp = f.rsp;
    tf->rip = f.rip;
    /* only user-changeable flags: CF PF AF ZF SF TF DF OF AC, IF forced on */
    const uint64_t user_flags = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 | 0x40000;
    tf->rflags = (f.eflags & user_flags) | 0x202;
    tf->cs = GDT_UCODE;
    tf->ss = GDT_UDATA;
    tf->vector = 0;                     /* not a restartable syscall frame */
    spin_lock(&t->sig_lock);
    t->blocked = f.uc_sigmask & ~UNBLOCKABLE;
    spin_unlock(&t->sig_lock);
    if (f.fpstate) {
        uint8_t fx[512] __aligned(16);
        if (copy_from_user(fx, (void *)f.fpstate, 512) == 0) {
            uint32_t mxcsr = *(uint32_t *)(fx + 24);
            if (mxcsr & ~0xffffU)
                *(uint32_t *)(fx + 24) = 0x1f80;    /* reserved bits would #GP in FXRSTOR */
            memcpy(t->fpu, fx, 512);
            __asm__ volatile("fxrstorq (%0)" : : "r"(t->fpu) : "memory");
        }
    } else {
        fpu_init_state(t->fpu);
        __asm__ volatile("fxrstorq (%0)" : : "r"(t->fpu) : "memory");
    }
    return tf->rax;
}
SYSCALL_DEFINE(15, rt_sigreturn);

/* Blocks t until an unblocked signal is pending.  The state is set before
 * the last check, so a signal arriving in between wakes it (signal_send). */
static void sleep_until_signal(struct task *t)
{
    while (!signal_pending(t)) {
        uint64_t flags = read_rflags();
        irq_disable();
        t->state = TASK_BLOCKED;
        if (signal_pending(t))
            t->state = TASK_RUNNING;
        schedule();
        write_rflags(flags);
    }
}

long sys_rt_sigsuspend(const sigset_t __user *mask, size_t size)
{
    struct task *t = current;
    if (size != sizeof(sigset_t))
        return -EINVAL;
    sigset_t m;
    if (copy_from_user(&m, mask, sizeof m))
        return -EFAULT;
    t->saved_mask = t->blocked;
    t->restore_saved_mask = true;
    spin_lock(&t->sig_lock);
    t->blocked = m & ~UNBLOCKABLE;
    spin_unlock(&t->sig_lock);
    sleep_until_signal(t);
    return -EINTR;
}
SYSCALL_DEFINE(130, rt_sigsuspend);

long sys_pause(void)
{
    sleep_until_signal(current);
    return -EINTR;
}
SYSCALL_DEFINE(34, pause);

long sys_sigaltstack(const uint64_t __user *ss, uint64_t __user *old)
{
    struct task *t = current;
    if (old) {
        uint64_t o[3] = { t->alt_stack_sp, t->alt_stack_size ? 0 : 2 /* SS_DISABLE */, t->alt_stack_size };
        if (copy_to_user(old, o, sizeof o))
            return -EFAULT;
    }
    if (ss) {
        uint64_t n[3];
        if (copy_from_user(n, ss, sizeof n))
            return -EFAULT;
        if ((int32_t)n[1] & 2) {
            t->alt_stack_sp = t->alt_stack_size = 0;
        } else {
            if (n[2] < MINSIGSTKSZ)
                return -ENOMEM;
            t->alt_stack_sp = n[0];
            t->alt_stack_size = n[2];
        }
    }
    return 0;
}
SYSCALL_DEFINE(131, sigaltstack);

static int kill_one(struct task *t, int sig, int code)
{
    if (sig == 0)
        return 0;
    siginfo_t info = { 0 };
    info.si_signo = sig;
    info.si_code = code;
    info.u.kill.pid = current->pid;
    info.u.kill.uid = 0;
    signal_send(t, sig, &info);
    return 0;
}

long sys_kill(pid_t pid, int sig)
{
    if (sig < 0 || sig >= NSIG)
        return -EINVAL;
    if (pid > 0) {
        /* under tasks_lock: a task found there cannot be freed until it is released */
        spin_lock(&tasks_lock);
        struct task *t = task_find(pid);
        long r = t ? kill_one(t, sig, SI_USER) : -ESRCH;
        spin_unlock(&tasks_lock);
        return r;
    }
    if (sig == 0) {
        /* existence check of a group */
        pid_t pg = pid == 0 ? current->pgid : pid == -1 ? 0 : -pid;
        bool any = false;
        spin_lock(&tasks_lock);
        list_for_each(n, &all_tasks) {
            struct task *t = container_of(n, struct task, all_node);
            if (t->pid > 0 && (pid == -1 ? t->pid > 1 : t->pgid == pg) && t->state != TASK_DEAD)
                any = true;
        }
        spin_unlock(&tasks_lock);
        return any ? 0 : -ESRCH;
    }
    siginfo_t info = { 0 };
    info.si_signo = sig;
    info.si_code = SI_USER;
    info.u.kill.pid = current->pid;
    if (pid == 0)
        return signal_send_pgrp(current->pgid, sig, &info);
    if (pid < -1)
        return signal_send_pgrp(-pid, sig, &info);
    /* pid == -1: everyone but init and the caller */
    int n = 0;
    spin_lock(&tasks_lock);
    list_for_each(node, &all_tasks) {
        struct task *t = container_of(node, struct task, all_node);
        if (t->pid > 1 && t != current && t->state != TASK_ZOMBIE && t->state != TASK_DEAD) {
            signal_send(t, sig, &info);
            n++;
        }
    }
    spin_unlock(&tasks_lock);
    return n ? 0 : -ESRCH;
}
SYSCALL_DEFINE(62, kill);

long sys_tkill(pid_t tid, int sig)
{
    if (sig < 0 || sig >= NSIG || tid <= 0)
        return -EINVAL;
    spin_lock(&tasks_lock);
    struct task *t = task_find(tid);
    long r = t ? kill_one(t, sig, SI_TKILL) : -ESRCH;
    spin_unlock(&tasks_lock);
    return r;
}
SYSCALL_DEFINE(200, tkill);

long sys_tgkill(pid_t tgid, pid_t tid, int sig)
{
    if (tgid != tid && tgid > 0)
        return -ESRCH;
    return sys_tkill(tid, sig);
}
SYSCALL_DEFINE(234, tgkill);
