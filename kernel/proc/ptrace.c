/*
 * ptrace(2): one process observing and steering another, as strace and
 * debuggers need it (include/proc/ptrace.h has the model).
 *
 * A stop.  The tracee records what it stopped for (ptrace_status, the wait
 * status its tracer will see, and ptrace_kind), marks itself TASK_TRACED,
 * tells the tracer (SIGCHLD with CLD_TRAPPED and a wake-up of its wait) and
 * sleeps.  Only the tracer's restart (ptrace_resumed), SIGKILL or the end
 * of the tracing ends the sleep.  Everything about a stop is read and
 * written under tasks_lock, which also keeps tracer and tracee alive.
 *
 * Stops, as Linux has them:
 *  - signal-delivery: every signal but SIGKILL, before its action is taken;
 *    the tracer resumes with the signal to deliver instead (0: none);
 *  - group stop: a traced thread joining its process's stop; PTRACE_LISTEN
 *    (seized tracees) keeps it stopped until the group stop ends, when it
 *    traps again (PTRACE_EVENT_STOP with SIGTRAP);
 *  - system call entry and exit, after PTRACE_SYSCALL (SIGTRAP, | 0x80 with
 *    PTRACE_O_TRACESYSGOOD); at entry rax reads -ENOSYS and orig_rax is the
 *    number, which the tracer may change (-1: the call is skipped);
 *  - events, when the options ask for them: fork, vfork, clone (the child
 *    is traced from its first instruction), exec, exit; and
 *    PTRACE_EVENT_STOP after PTRACE_INTERRUPT or in a new seized child.
 *
 * Memory goes through access_remote (mm/uaccess.c): PEEK/POKE and
 * process_vm_readv/writev take the faults the tracee's own access would.
 *
 * Permission is Linux's: the tracer's ids must match all of the tracee's
 * (or it has CAP_SYS_PTRACE), and no process traces itself or its own
 * threads, a second tracer is refused, an ended process cannot be traced.
 */
#include <arch/cpu.h>
#include <arch/fpu.h>
#include <arch/ptrace.h>
#include <arch/thread.h>
#include <kernel/kernel.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/pmm.h>
#include <mm/uaccess.h>
#include <mm/vm.h>
#include <proc/cred.h>
#include <proc/proc.h>
#include <proc/ptrace.h>
#include <proc/signal.h>
#include <sched/sched.h>
#include <uapi/wait.h>

#define PTRACE_TRACEME 0
#define PTRACE_PEEKTEXT 1
#define PTRACE_PEEKDATA 2
#define PTRACE_PEEKUSR 3
#define PTRACE_POKETEXT 4
#define PTRACE_POKEDATA 5
#define PTRACE_POKEUSR 6
#define PTRACE_CONT 7
#define PTRACE_KILL 8
#define PTRACE_SINGLESTEP 9
#define PTRACE_GETREGS 12
#define PTRACE_SETREGS 13
#define PTRACE_GETFPREGS 14
#define PTRACE_SETFPREGS 15
#define PTRACE_ATTACH 16
#define PTRACE_DETACH 17
#define PTRACE_SYSCALL 24
#define PTRACE_SETOPTIONS 0x4200
#define PTRACE_GETEVENTMSG 0x4201
#define PTRACE_GETSIGINFO 0x4202
#define PTRACE_SETSIGINFO 0x4203
#define PTRACE_GETREGSET 0x4204
#define PTRACE_SETREGSET 0x4205
#define PTRACE_SEIZE 0x4206
#define PTRACE_INTERRUPT 0x4207
#define PTRACE_LISTEN 0x4208
#define PTRACE_GETSIGMASK 0x420a
#define PTRACE_SETSIGMASK 0x420b
#define PTRACE_GET_SYSCALL_INFO 0x420e

#define PTRACE_O_TRACESYSGOOD 0x1
#define PTRACE_O_TRACEFORK 0x2
#define PTRACE_O_TRACEVFORK 0x4
#define PTRACE_O_TRACECLONE 0x8
#define PTRACE_O_TRACEEXEC 0x10
#define PTRACE_O_TRACEVFORKDONE 0x20
#define PTRACE_O_TRACEEXIT 0x40
#define PTRACE_O_TRACESECCOMP 0x80
#define PTRACE_O_EXITKILL 0x100000
#define PTRACE_O_SUSPEND_SECCOMP 0x200000
#define PTRACE_O_MASK 0x3000ff

#define NT_PRSTATUS 1
#define NT_PRFPREG 2
#define TRAP_TRACE 2

/* The general registers as the architecture lays them out for a debugger
 * (arch/ptrace.h), word by word. */
struct user_regs {
    uint64_t w[ARCH_USER_REGS_SIZE / 8];
};

static void list_init_lazy(struct list_node *l)
{
    if (!l->next)
        list_init(l);
}

/* ---------------------------------------------------------------- stops */

/* Tells the tracer of t that t stopped.  Caller holds tasks_lock. */
static void notify_tracer_locked(struct task *t, int code, int status)
{
    struct task *tr = t->tracer;
    const struct k_sigaction *a = &tr->sighand->action[SIGCHLD];
    if (a->handler != SIG_IGN && !(code == CLD_TRAPPED && (a->flags & SA_NOCLDSTOP))) {
        siginfo_t info = { 0 };
        info.si_signo = SIGCHLD;
        info.si_code = code;
        info.u.chld.pid = t->pid;
        info.u.chld.status = status;
        signal_send_process(tr, SIGCHLD, &info);
    }
    waitq_wake_all(&tr->child_wait);
}

/* SIGKILL ends every stop (an exit_group caller still stops for its
 * PTRACE_EVENT_EXIT; the other threads of the process are sent SIGKILL). */
static bool killed(const struct task *t) { return READ_ONCE(t->pending) & SIGBIT(SIGKILL); }

/* Enters a stop with wait status `status` and sleeps until the tracer
 * resumes it, SIGKILL, or the end of the tracing.  A listening tracee whose
 * group stop ends (or that is interrupted) traps again. */
static void ptrace_stop(int status, int kind)
{
    struct task *t = current;
    uint64_t flags = irq_flags();
    spin_lock(&tasks_lock);
    if (!t->tracer || killed(t)) {
        spin_unlock(&tasks_lock);
        return;
    }
    t->ptrace_status = status;
    t->ptrace_kind = (uint8_t)kind;
    t->ptrace_reported = false;
    t->ptrace_resumed = false;
    t->ptrace_listen = false;
    t->ptrace_resume_sig = 0;
    t->state = TASK_TRACED;
    notify_tracer_locked(t, CLD_TRAPPED, (status >> 8) & 0xff);
    spin_unlock(&tasks_lock);
    for (;;) {
        irq_disable();
        schedule();
        irq_restore(flags);
        spin_lock(&tasks_lock);
        if (t->ptrace_resumed || !t->tracer || killed(t))
            break;
        if (t->ptrace_listen && (READ_ONCE(t->group->stop_signal) <= 0 || t->ptrace_trap)) {
            /* the group stop ended (or PTRACE_INTERRUPT): trap again */
            t->ptrace_trap = false;
            t->ptrace_listen = false;
            t->ptrace_status = (PTRACE_EVENT_STOP << 16) | (SIGTRAP << 8) | 0x7f;
            t->ptrace_kind = PTS_EVENT;
            t->ptrace_reported = false;
            notify_tracer_locked(t, CLD_TRAPPED, SIGTRAP);
        }
        t->state = TASK_TRACED;         /* keep waiting */
        spin_unlock(&tasks_lock);
    }
    t->state = TASK_RUNNING;
    t->ptrace_kind = PTS_NONE;
    t->ptrace_listen = false;
    spin_unlock(&tasks_lock);
}

static int trap_status(int event) { return (event << 16) | (SIGTRAP << 8) | 0x7f; }

bool ptrace_event_enabled(const struct task *t, int event)
{
    if (!READ_ONCE(t->tracer))
        return false;
    switch (event) {
    case PTRACE_EVENT_FORK: return t->ptrace_opts & PTRACE_O_TRACEFORK;
    case PTRACE_EVENT_VFORK: return t->ptrace_opts & PTRACE_O_TRACEVFORK;
    case PTRACE_EVENT_CLONE: return t->ptrace_opts & PTRACE_O_TRACECLONE;
    case PTRACE_EVENT_EXEC: return t->ptrace_opts & PTRACE_O_TRACEEXEC;
    case PTRACE_EVENT_VFORK_DONE: return t->ptrace_opts & PTRACE_O_TRACEVFORKDONE;
    case PTRACE_EVENT_EXIT: return t->ptrace_opts & PTRACE_O_TRACEEXIT;
    case PTRACE_EVENT_SECCOMP: return t->ptrace_opts & PTRACE_O_TRACESECCOMP;
    default: return false;
    }
}

void ptrace_event(int event, uint64_t msg)
{
    struct task *t = current;
    if (!ptrace_event_enabled(t, event))
        return;
    t->ptrace_msg = msg;
    ptrace_stop(trap_status(event), PTS_EVENT);
}

bool ptrace_syscall_entry(struct trap_frame *tf)
{
    struct task *t = current;
    syscall_set_return(tf, (uint64_t)-ENOSYS);  /* what a tracer reads at entry */
    int sig = SIGTRAP | ((t->ptrace_opts & PTRACE_O_TRACESYSGOOD) ? 0x80 : 0);
    ptrace_stop((sig << 8) | 0x7f, PTS_SYSCALL_ENTRY);
    return !killed(t) && t->saved_syscall_nr != (uint64_t)-1;
}

void ptrace_syscall_exit(struct trap_frame *tf)
{
    struct task *t = current;
    int sig = SIGTRAP | ((t->ptrace_opts & PTRACE_O_TRACESYSGOOD) ? 0x80 : 0);
    ptrace_stop((sig << 8) | 0x7f, PTS_SYSCALL_EXIT);
}

int ptrace_signal(int sig, siginfo_t *info)
{
    struct task *t = current;
    spin_lock(&tasks_lock);
    t->ptrace_info = *info;
    spin_unlock(&tasks_lock);
    ptrace_stop((sig << 8) | 0x7f, PTS_SIGNAL);
    spin_lock(&tasks_lock);
    int nsig = t->tracer ? t->ptrace_resume_sig : sig;     /* detached meanwhile: as it was */
    if (killed(t))
        nsig = 0;                       /* SIGKILL comes first */
    if (nsig && nsig != sig) {
        /* a different signal: it looks sent by the tracer */
        memset(info, 0, sizeof *info);
        info->si_signo = nsig;
        info->si_code = SI_USER;
        info->u.kill.pid = t->tracer ? t->tracer->pid : 0;
    } else if (nsig) {
        *info = t->ptrace_info;         /* PTRACE_SETSIGINFO may have changed it */
    }
    spin_unlock(&tasks_lock);
    return nsig;
}

void ptrace_group_stop(int sig)
{
    struct task *t = current;
    int status = (sig << 8) | 0x7f;
    if (t->ptrace_seized)
        status |= PTRACE_EVENT_STOP << 16;
    ptrace_stop(status, PTS_GROUP);
}

void ptrace_trap(void)
{
    struct task *t = current;
    spin_lock(&tasks_lock);
    bool trap = t->ptrace_trap && t->tracer;
    t->ptrace_trap = false;
    spin_unlock(&tasks_lock);
    if (trap)
        ptrace_stop(trap_status(PTRACE_EVENT_STOP), PTS_EVENT);
}

void ptrace_exec(pid_t old_tid)
{
    struct task *t = current;
    if (!READ_ONCE(t->tracer))
        return;
    if (ptrace_event_enabled(t, PTRACE_EVENT_EXEC)) {
        ptrace_event(PTRACE_EVENT_EXEC, (uint64_t)old_tid);
    } else if (!t->ptrace_seized) {
        siginfo_t info = { 0 };
        info.si_signo = SIGTRAP;
        info.si_code = SI_USER;
        signal_send(t, SIGTRAP, &info);
    }
}

/* ---------------------------------------------------------------- links */

static void link_locked(struct task *tracer, struct task *t, bool seized, uint32_t opts)
{
    list_init_lazy(&tracer->tracees);
    t->tracer = tracer;
    t->ptrace_seized = seized;
    t->ptrace_opts = opts;
    t->ptrace_syscall = false;
    t->ptrace_trap = false;
    list_push_back(&tracer->tracees, &t->trace_node);
}

void ptrace_unlink_locked(struct task *t)
{
    spin_assert_held(&tasks_lock);
    if (!t->tracer)
        return;
    list_remove(&t->trace_node);
    t->tracer = NULL;
    t->ptrace_opts = 0;
    t->ptrace_seized = false;
    t->ptrace_syscall = false;
    t->ptrace_trap = false;
    t->ptrace_listen = false;
}

/* Ends t's tracing; a stopped tracee continues with signal sig (a group
 * stop still in force is rejoined as an ordinary stop).  Caller holds
 * tasks_lock. */
static void detach_locked(struct task *t, int sig)
{
    ptrace_unlink_locked(t);
    t->ptrace_resume_sig = sig;
    t->ptrace_resumed = true;
    if (t->state == TASK_TRACED)
        sched_wake(t);
}

void ptrace_attach_child_locked(struct task *parent, struct task *child)
{
    spin_assert_held(&tasks_lock);
    link_locked(parent->tracer, child, parent->ptrace_seized, parent->ptrace_opts);
    if (child->ptrace_seized) {
        child->ptrace_trap = true;      /* its first stop: PTRACE_EVENT_STOP */
    } else {
        spin_lock(&child->group->sig_lock);
        child->pending |= SIGBIT(SIGSTOP);
        memset(&child->pending_info[SIGSTOP], 0, sizeof(ksiginfo_t));
        child->pending_info[SIGSTOP].si_signo = SIGSTOP;
        child->pending_info[SIGSTOP].si_code = SI_USER;
        spin_unlock(&child->group->sig_lock);
    }
}

void ptrace_release_tracees_locked(struct task *leader)
{
    spin_assert_held(&tasks_lock);
    if (!leader->tracees.next)
        return;
    list_for_each_safe(n, &leader->tracees) {
        struct task *t = container_of(n, struct task, trace_node);
        bool kill = t->ptrace_opts & PTRACE_O_EXITKILL;
        detach_locked(t, 0);
        if (kill)
            signal_send_process(task_process(t), SIGKILL, NULL);
    }
}

void ptrace_notify_exit_locked(struct task *leader, int code, int status)
{
    spin_assert_held(&tasks_lock);
    if (!leader->tracer || leader->tracer == leader->parent)
        return;
    leader->ptrace_reported = false;
    notify_tracer_locked(leader, code, status);
}

struct task *ptrace_wait_locked(struct task *self, pid_t pid, int options, bool *any, int *status,
                                bool *exited)
{
    spin_assert_held(&tasks_lock);
    if (!self->tracees.next)
        return NULL;
    list_for_each(n, &self->tracees) {
        struct task *t = container_of(n, struct task, trace_node);
        if (pid > 0 ? t->pid != pid : pid == 0 ? t->pgid != self->pgid : pid < -1 ? t->pgid != -pid : false)
            continue;
        bool thread = !task_is_leader(t) || t->exit_signal != SIGCHLD;
        if (!(options & __WALL) && thread != !!(options & __WCLONE))
            continue;
        *any = true;
        if (task_is_leader(t) && t->group->ended) {
            if (t->parent == self || t->ptrace_reported || !(options & WEXITED))
                continue;               /* the parent's wait reports it */
            t->ptrace_reported = !(options & WNOWAIT);
            *status = t->exit_status;
            *exited = true;
            return t;
        }
        if (t->state == TASK_TRACED && !t->ptrace_reported) {
            t->ptrace_reported = !(options & WNOWAIT);
            *status = t->ptrace_status;
            *exited = false;
            return t;
        }
    }
    return NULL;
}

/* ---------------------------------------------------------------- requests */

/* The tracee `pid` of the caller's process, stopped in a ptrace stop
 * (unless `any_state`); NULL with *err set otherwise.  Caller holds
 * tasks_lock. */
static struct task *tracee_locked(pid_t pid, bool any_state, long *err)
{
    struct task *t = task_find(pid);
    struct task *me = task_process(current);
    *err = -ESRCH;
    if (!t || t->tracer != me || t->state == TASK_DEAD)
        return NULL;
    if (!any_state && (t->state != TASK_TRACED || t->ptrace_resumed))
        return NULL;
    *err = 0;
    return t;
}

static long do_attach(pid_t pid, bool seize, uint64_t addr, uint64_t opts)
{
    if (seize && (addr || (opts & ~(uint64_t)PTRACE_O_MASK)))
        return -EIO;
    struct task *me = task_process(current);
    spin_lock(&tasks_lock);
    struct task *t = task_find(pid);
    long err = 0;
    if (!t || t->state == TASK_DEAD)
        err = -ESRCH;
    else if (t->group == current->group || t->tracer || t->state == TASK_ZOMBIE || t->group->exiting || t->pid == 0 ||
             !may_ptrace(t))
        err = -EPERM;
    if (!err) {
        link_locked(me, t, seize, seize ? (uint32_t)opts : 0);
        if (!seize)
            signal_send(t, SIGSTOP, NULL);
        if (t->state == TASK_STOPPED)
            sched_wake(t);              /* it reports its group stop to us */
    }
    spin_unlock(&tasks_lock);
    return err;
}

static long do_traceme(void)
{
    struct task *t = current;
    spin_lock(&tasks_lock);
    struct task *parent = task_process(t)->parent;
    long err = 0;
    if (t->tracer || !parent)
        err = -EPERM;
    else
        link_locked(parent, t, false, 0);
    spin_unlock(&tasks_lock);
    return err;
}

static void regs_get(struct task *t, struct user_regs *r)
{
    arch_ptrace_get_regs(t->tf, t->saved_syscall_nr, t->tls_base, r->w);
}

static long regs_set(struct task *t, const struct user_regs *r)
{
    return arch_ptrace_set_regs(t->tf, &t->saved_syscall_nr, &t->tls_base, r->w);
}

/* struct ptrace_syscall_info (linux/ptrace.h) */
struct syscall_info {
    uint8_t op;
    uint8_t pad[3];
    uint32_t arch;
    uint64_t ip, sp;
    union {
        struct { uint64_t nr, args[6]; } entry;
        struct { int64_t rval; uint8_t is_error; } exit;
    };
};

static size_t syscall_info(struct task *t, struct syscall_info *si)
{
    const struct trap_frame *tf = t->tf;
    memset(si, 0, sizeof *si);
    si->arch = ARCH_AUDIT_ARCH;
    si->ip = tf_ip(tf);
    si->sp = tf_user_sp(tf);
    if (t->ptrace_kind == PTS_SYSCALL_ENTRY) {
        si->op = 1;
        si->entry.nr = t->saved_syscall_nr;
        for (unsigned i = 0; i < SYSCALL_NARGS; i++)
            si->entry.args[i] = syscall_arg(tf, i);
        return offsetof(struct syscall_info, entry.args) + sizeof si->entry.args;
    }
    if (t->ptrace_kind == PTS_SYSCALL_EXIT) {
        si->op = 2;
        si->exit.rval = (int64_t)syscall_get_return(tf);
        si->exit.is_error = si->exit.rval < 0 && si->exit.rval >= -4095;
        return offsetof(struct syscall_info, exit.is_error) + 1;
    }
    return offsetof(struct syscall_info, entry);
}

/* GETSIGINFO: the signal of a signal-delivery stop; for the other stops
 * the notification Linux makes up (the signal, and the wait status's
 * event and signal as the code), except a group stop of a tracee attached
 * without PTRACE_SEIZE, which has none (strace tells the two apart so). */
static long siginfo_of(struct task *t, siginfo_t *info)
{
    memset(info, 0, sizeof *info);
    if (t->ptrace_kind == PTS_SIGNAL) {
        *info = t->ptrace_info;
        return 0;
    }
    if (t->ptrace_kind == PTS_NONE || (t->ptrace_kind == PTS_GROUP && !t->ptrace_seized))
        return -EINVAL;
    info->si_code = (t->ptrace_status >> 8) & 0xffffff;
    info->si_signo = info->si_code & 0x7f;
    info->u.kill.pid = t->pid;
    return 0;
}

/* PEEK/POKE of the tracee's memory: the tracee is stopped, so its mm stays. */
static long peek_poke(struct task *t, uint64_t addr, uint64_t *word, bool write)
{
    struct mm *mm = t->mm;
    if (!mm)
        return -EIO;
    mm_get(mm);
    spin_unlock(&tasks_lock);
    size_t n = access_remote(mm, addr, word, sizeof *word, write);
    mm_put(mm);
    spin_lock(&tasks_lock);
    return n == sizeof *word ? 0 : -EIO;
}

static long peek_user(struct task *t, uint64_t off, uint64_t *out)
{
    if ((off & 7) || off >= ARCH_USER_AREA_SIZE)
        return -EIO;
    *out = 0;
    if (off < sizeof(struct user_regs)) {
        struct user_regs r;
        regs_get(t, &r);
        *out = r.w[off / 8];
    }
    return 0;                           /* the rest (FPU copy, debug registers) reads as 0 */
}

static long poke_user(struct task *t, uint64_t off, uint64_t val)
{
    if ((off & 7) || off >= ARCH_USER_AREA_SIZE)
        return -EIO;
    if (off >= sizeof(struct user_regs))
        return off >= ARCH_USER_DEBUGREG_OFF && val == 0 ? 0 : -EIO;
    struct user_regs r;
    regs_get(t, &r);
    r.w[off / 8] = val;
    return regs_set(t, &r);
}

struct iovec_k {
    uint64_t base, len;
};

static long regset(struct task *t, uint64_t type, struct iovec_k __user *uiov, bool set)
{
    struct iovec_k iov;
    if (copy_from_user(&iov, uiov, sizeof iov))
        return -EFAULT;
    size_t size = type == NT_PRSTATUS ? sizeof(struct user_regs) : type == NT_PRFPREG ? ARCH_FPU_LEGACY_SIZE
                : type == ARCH_NT_XSTATE ? arch_fpu_xstate_user_size() : 0;
    if (!size)
        return -EINVAL;
    size_t n = MIN((size_t)iov.len, size);
    uint8_t *buf = kmalloc(size);
    if (!buf)
        return -ENOMEM;
    long r = 0;
    if (type == NT_PRSTATUS)
        regs_get(t, (struct user_regs *)buf);
    else if (type == NT_PRFPREG)
        arch_fpu_get_legacy(t->fpu, buf);
    else
        arch_fpu_get_xstate(t->fpu, buf);
    if (set) {
        if (copy_from_user(buf, (void __user *)iov.base, n))
            r = -EFAULT;
        else if (type == NT_PRSTATUS)
            r = regs_set(t, (struct user_regs *)buf);
        else if (type == NT_PRFPREG)
            arch_fpu_set_legacy(t->fpu, buf);
        else
            r = arch_fpu_set_xstate(t->fpu, buf, n);
    } else if (copy_to_user((void __user *)iov.base, buf, n)) {
        r = -EFAULT;
    }
    kfree(buf);
    if (!r && n != iov.len)
        r = put_user((uint64_t)n, &uiov->len);
    return r;
}

/* Restarts a stopped tracee (CONT, SYSCALL, SINGLESTEP, LISTEN, DETACH). */
static long resume(struct task *t, long req, uint64_t data)
{
    if (data >= NSIG)
        return -EIO;
    if (req == PTRACE_LISTEN) {
        if (!t->ptrace_seized || t->ptrace_kind != PTS_GROUP)
            return -EIO;
        t->ptrace_listen = true;
        t->ptrace_reported = true;
        sched_wake(t);                  /* traps again at once if the stop ended */
        return 0;
    }
    if (req == PTRACE_DETACH) {
        detach_locked(t, (int)data);
        return 0;
    }
    t->ptrace_syscall = req == PTRACE_SYSCALL;
    arch_single_step(t->tf, req == PTRACE_SINGLESTEP);
    t->ptrace_resume_sig = (int)data;
    t->ptrace_resumed = true;
    sched_wake(t);
    return 0;
}

static long sys_ptrace(long req, pid_t pid, uint64_t addr, uint64_t data)
{
    if (req == PTRACE_TRACEME)
        return do_traceme();
    if (req == PTRACE_ATTACH || req == PTRACE_SEIZE)
        return do_attach(pid, req == PTRACE_SEIZE, addr, data);
    long err;
    spin_lock(&tasks_lock);
    bool any_state = req == PTRACE_KILL || req == PTRACE_INTERRUPT;
    struct task *t = tracee_locked(pid, any_state, &err);
    if (!t) {
        spin_unlock(&tasks_lock);
        return err;
    }
    uint64_t word = 0;
    switch (req) {
    case PTRACE_PEEKTEXT:
    case PTRACE_PEEKDATA:
        err = peek_poke(t, addr, &word, false);
        if (!err)
            err = put_user(word, (uint64_t __user *)data);
        break;
    case PTRACE_POKETEXT:
    case PTRACE_POKEDATA:
        word = data;
        err = peek_poke(t, addr, &word, true);
        break;
    case PTRACE_PEEKUSR:
        err = peek_user(t, addr, &word);
        if (!err)
            err = put_user(word, (uint64_t __user *)data);
        break;
    case PTRACE_POKEUSR:
        err = poke_user(t, addr, data);
        break;
    case PTRACE_CONT:
    case PTRACE_SYSCALL:
    case PTRACE_SINGLESTEP:
    case PTRACE_LISTEN:
    case PTRACE_DETACH:
        err = resume(t, req, data);
        break;
    case PTRACE_KILL:
        signal_send(t, SIGKILL, NULL);
        err = 0;
        break;
    case PTRACE_INTERRUPT:
        if (!t->ptrace_seized) {
            err = -EIO;
            break;
        }
        t->ptrace_trap = true;
        if (t->state == TASK_BLOCKED || (t->state == TASK_TRACED && t->ptrace_listen))
            sched_wake(t);
        else
            sched_kick_task(t);
        err = 0;
        break;
    case PTRACE_GETREGS: {
        struct user_regs r;
        regs_get(t, &r);
        err = copy_to_user((void __user *)data, &r, sizeof r);
        break;
    }
    case PTRACE_SETREGS: {
        struct user_regs r;
        err = copy_from_user(&r, (void __user *)data, sizeof r);
        if (!err)
            err = regs_set(t, &r);
        break;
    }
    case PTRACE_GETFPREGS: {
        uint8_t fx[ARCH_FPU_LEGACY_SIZE];
        arch_fpu_get_legacy(t->fpu, fx);
        err = copy_to_user((void __user *)data, fx, sizeof fx);
        break;
    }
    case PTRACE_SETFPREGS: {
        uint8_t fx[ARCH_FPU_LEGACY_SIZE];
        err = copy_from_user(fx, (void __user *)data, sizeof fx);
        if (!err)
            arch_fpu_set_legacy(t->fpu, fx);
        break;
    }
    case PTRACE_GETREGSET:
    case PTRACE_SETREGSET:
        err = regset(t, addr, (struct iovec_k __user *)data, req == PTRACE_SETREGSET);
        break;
    case PTRACE_SETOPTIONS:
        if (data & ~(uint64_t)PTRACE_O_MASK)
            err = -EINVAL;
        else
            t->ptrace_opts = (uint32_t)data;
        break;
    case PTRACE_GETEVENTMSG:
        err = put_user(t->ptrace_msg, (uint64_t __user *)data);
        break;
    case PTRACE_GETSIGINFO: {
        siginfo_t info;
        err = siginfo_of(t, &info);
        if (!err)
            err = copy_to_user((void __user *)data, &info, sizeof info);
        break;
    }
    case PTRACE_SETSIGINFO: {
        siginfo_t info;
        err = copy_from_user(&info, (void __user *)data, sizeof info);
        if (!err && t->ptrace_kind != PTS_SIGNAL)
            err = -EINVAL;
        if (!err)
            t->ptrace_info = info;
        break;
    }
    case PTRACE_GETSIGMASK:
        err = addr != sizeof(sigset_t) ? -EINVAL : put_user(t->blocked, (sigset_t __user *)data);
        break;
    case PTRACE_SETSIGMASK: {
        sigset_t m;
        err = addr != sizeof(sigset_t) ? -EINVAL : copy_from_user(&m, (void __user *)data, sizeof m);
        if (!err) {
            spin_lock(&t->group->sig_lock);
            t->blocked = m & ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
            spin_unlock(&t->group->sig_lock);
        }
        break;
    }
    case PTRACE_GET_SYSCALL_INFO: {
        struct syscall_info si;
        size_t n = syscall_info(t, &si);
        err = copy_to_user((void __user *)data, &si, MIN(n, (size_t)addr));
        if (!err)
            err = (long)n;
        break;
    }
    default:
        err = -EIO;
    }
    spin_unlock(&tasks_lock);
    return err;
}
SYSCALL_DEFINE(101, ptrace);

/* ---------------------------------------------------------------- process_vm_readv/writev */

#define IOV_MAX 1024

/* Copies between the caller's iovecs and another process's, a page-sized
 * bounce buffer at a time.  Returns the bytes moved, or -errno if nothing
 * moved (EFAULT for a bad local range, as Linux). */
static long process_vm(pid_t pid, const struct iovec_k __user *lvec, uint64_t liovcnt,
                       const struct iovec_k __user *rvec, uint64_t riovcnt, uint64_t flags, bool write)
{
    if (flags)
        return -EINVAL;
    if (liovcnt > IOV_MAX || riovcnt > IOV_MAX)
        return -EINVAL;
    spin_lock(&tasks_lock);
    struct task *t = task_find(pid);
    struct mm *mm = t && t->state != TASK_DEAD && t->state != TASK_ZOMBIE ? t->mm : NULL;
    bool allowed = t && may_ptrace(t);
    if (mm && allowed)
        mm_get(mm);
    spin_unlock(&tasks_lock);
    if (!t || !mm)
        return -ESRCH;
    if (!allowed)
        return -EPERM;
    uint8_t *buf = kmalloc(PAGE_SIZE);
    long done = 0, err = 0;
    uint64_t li = 0, ri = 0, loff = 0, roff = 0;
    struct iovec_k l = { 0, 0 }, r = { 0, 0 };
    bool have_l = false, have_r = false;
    if (!buf)
        err = -ENOMEM;
    while (!err) {
        while (!have_l && li < liovcnt) {
            if (copy_from_user(&l, &lvec[li++], sizeof l)) {
                err = -EFAULT;
                break;
            }
            loff = 0;
            have_l = l.len > 0;
        }
        while (!err && !have_r && ri < riovcnt) {
            if (copy_from_user(&r, &rvec[ri++], sizeof r)) {
                err = -EFAULT;
                break;
            }
            roff = 0;
            have_r = r.len > 0;
        }
        if (err || !have_l || !have_r)
            break;
        size_t n = MIN(MIN(l.len - loff, r.len - roff), (uint64_t)PAGE_SIZE);
        size_t moved;
        if (write) {
            if (copy_from_user(buf, (void __user *)(l.base + loff), n)) {
                err = -EFAULT;
                break;
            }
            moved = access_remote(mm, r.base + roff, buf, n, true);
        } else {
            moved = access_remote(mm, r.base + roff, buf, n, false);
            if (moved && copy_to_user((void __user *)(l.base + loff), buf, moved)) {
                err = -EFAULT;
                break;
            }
        }
        done += (long)moved;
        if (moved < n) {
            if (!done)
                err = -EFAULT;
            break;
        }
        loff += n;
        roff += n;
        have_l = loff < l.len;
        have_r = roff < r.len;
    }
    kfree(buf);
    mm_put(mm);
    return done ? done : err;
}

static long sys_process_vm_readv(pid_t pid, const struct iovec_k __user *lvec, uint64_t liovcnt,
                          const struct iovec_k __user *rvec, uint64_t riovcnt, uint64_t flags)
{
    return process_vm(pid, lvec, liovcnt, rvec, riovcnt, flags, false);
}
SYSCALL_DEFINE(310, process_vm_readv);

static long sys_process_vm_writev(pid_t pid, const struct iovec_k __user *lvec, uint64_t liovcnt,
                           const struct iovec_k __user *rvec, uint64_t riovcnt, uint64_t flags)
{
    return process_vm(pid, lvec, liovcnt, rvec, riovcnt, flags, true);
}
SYSCALL_DEFINE(311, process_vm_writev);
