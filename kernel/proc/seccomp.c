/*
 * Seccomp: prctl(PR_SET_SECCOMP) and seccomp(317), and the check at
 * system-call entry (the contract is include/proc/seccomp.h).
 *
 * A filter is a classic BPF program, checked when it is installed as
 * Linux checks one (an opcode outside seccomp's set, a jump out of the
 * program, a division by a constant 0, a shift by 32 or more, a scratch
 * word out of range or read before every path stored it, a last
 * instruction that does not return, a load from struct seccomp_data that
 * is not a whole aligned word inside it: EINVAL), and run by the small
 * interpreter below.  The filters of a task form a stack, newest first,
 * each holding a reference on the one below; every filter runs at each
 * call, and the result whose action comes first in Linux's order (KILL_
 * PROCESS, KILL_THREAD, TRAP, ERRNO, USER_NOTIF, TRACE, LOG, ALLOW) wins,
 * the first of equals.
 *
 * Installing a filter needs no_new_privs or CAP_SYS_ADMIN (EACCES).  The
 * actions are Linux's: ERRNO fails the call with its data (at most 4095);
 * TRAP skips the call and sends SIGSYS (si_code SYS_SECCOMP, si_call_addr,
 * si_syscall, si_arch, si_errno the data), which a blocked or ignored
 * SIGSYS cannot stop; KILL_PROCESS (and any action not known) ends the
 * process by SIGSYS whatever its handler, KILL_THREAD the thread (the
 * process with it when it is the last); TRACE stops the task for a tracer
 * that set PTRACE_O_TRACESECCOMP (PTRACE_EVENT_SECCOMP, the data as its
 * message), which may change or skip the call, and fails it with ENOSYS
 * when there is none; USER_NOTIF, without a listener, ENOSYS too; LOG
 * logs and allows.  Listeners (SECCOMP_FILTER_FLAG_NEW_LISTENER,
 * SECCOMP_GET_NOTIF_SIZES) are not provided: EINVAL.
 */
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <kernel/kernel.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>
#include <proc/cred.h>
#include <proc/proc.h>
#include <proc/ptrace.h>
#include <proc/seccomp.h>
#include <proc/signal.h>
#include <uapi/errno.h>

/* seccomp(2)'s operations and filter flags */
#define SECCOMP_SET_MODE_STRICT 0
#define SECCOMP_SET_MODE_FILTER 1
#define SECCOMP_GET_ACTION_AVAIL 2
#define FLAG_TSYNC 1u
#define FLAG_LOG 2u
#define FLAG_SPEC_ALLOW 4u
#define FLAG_TSYNC_ESRCH 16u
#define FILTER_FLAGS (FLAG_TSYNC | FLAG_LOG | FLAG_SPEC_ALLOW | FLAG_TSYNC_ESRCH)

/* return values: the action in the high 16 bits, its data in the low */
#define RET_KILL_PROCESS 0x80000000u
#define RET_KILL_THREAD 0x00000000u
#define RET_TRAP 0x00030000u
#define RET_ERRNO 0x00050000u
#define RET_USER_NOTIF 0x7fc00000u
#define RET_TRACE 0x7ff00000u
#define RET_LOG 0x7ffc0000u
#define RET_ALLOW 0x7fff0000u
#define RET_ACTION_FULL 0xffff0000u
#define RET_DATA 0x0000ffffu
#define MAX_ERRNO 4095

#define AUDIT_ARCH_X86_64 0xc000003eu
#define SYS_SECCOMP 1               /* SIGSYS's si_code */

/* x86-64 numbers strict mode allows */
#define NR_READ 0
#define NR_WRITE 1
#define NR_RT_SIGRETURN 15
#define NR_EXIT 60

#define BPF_MAXINSNS 4096
#define MAX_INSNS_PER_PATH 32768    /* all filters of a task, 4 more each */
#define BPF_MEMWORDS 16

struct sock_filter {
    uint16_t code;
    uint8_t jt, jf;
    uint32_t k;
};
struct sock_fprog {
    uint16_t len;
    uint16_t pad[3];
    uint64_t filter;                /* struct sock_filter __user * */
};

struct seccomp_data {
    int32_t nr;
    uint32_t arch;
    uint64_t instruction_pointer;
    uint64_t args[6];
};
_Static_assert(sizeof(struct seccomp_data) == 64, "struct seccomp_data is 64 bytes");

struct seccomp_filter {
    int refs;                       /* atomic: tasks and the filter stacked on it */
    struct seccomp_filter *prev;    /* the one below, referenced */
    bool log;                       /* SECCOMP_FILTER_FLAG_LOG */
    uint16_t len;
    struct sock_filter insns[];
};

/* ---- classic BPF: the opcodes seccomp allows ---- */

enum {
    LD = 0x00, LDX = 0x01, ST = 0x02, STX = 0x03, ALU = 0x04, JMP = 0x05, RET = 0x06, MISC = 0x07,
    W = 0x00, IMM = 0x00, ABS = 0x20, MEM = 0x60, LEN = 0x80,
    K = 0x00, X = 0x08, RA = 0x10,
    ADD = 0x00, SUB = 0x10, MUL = 0x20, DIV = 0x30, OR = 0x40, AND = 0x50, LSH = 0x60, RSH = 0x70,
    NEG = 0x80, XOR = 0xa0,
    JA = 0x00, JEQ = 0x10, JGT = 0x20, JGE = 0x30, JSET = 0x40,
    TAX = 0x00, TXA = 0x80,
};

static bool is_cond_jump(uint16_t c)
{
    return !(c & ~0xff) && (c & 7) == JMP && (c & 0xf0) >= JEQ && (c & 0xf0) <= JSET;
}

/* One of the opcodes seccomp_check_filter accepts? */
static bool code_allowed(uint16_t c)
{
    switch (c) {
    case LD | W | ABS: case LD | W | LEN: case LDX | W | LEN:
    case RET | K: case RET | RA:
    case LD | IMM: case LDX | IMM: case MISC | TAX: case MISC | TXA:
    case LD | MEM: case LDX | MEM: case ST: case STX:
    case JMP | JA:
    case ALU | NEG:
        return true;
    }
    if ((c & 7) == ALU && !(c & ~0xff)) {
        switch (c & 0xf0) {
        case ADD: case SUB: case MUL: case DIV: case AND: case OR: case XOR: case LSH: case RSH:
            return true;
        }
        return false;
    }
    return is_cond_jump(c);
}

/* Linux's bpf_check_classic and seccomp_check_filter: 0 or -EINVAL. */
static int check_filter(const struct sock_filter *f, unsigned len)
{
    for (unsigned pc = 0; pc < len; pc++) {
        const struct sock_filter *i = &f[pc];
        uint16_t c = i->code;
        if (!code_allowed(c))
            return -EINVAL;
        if (c == (ALU | DIV | K) && i->k == 0)
            return -EINVAL;
        if ((c == (ALU | LSH | K) || c == (ALU | RSH | K)) && i->k >= 32)
            return -EINVAL;
        if ((c == (LD | MEM) || c == (LDX | MEM) || c == ST || c == STX) && i->k >= BPF_MEMWORDS)
            return -EINVAL;
        if (c == (JMP | JA) && i->k >= len - pc - 1)
            return -EINVAL;
        if (is_cond_jump(c) && (pc + i->jt + 1 >= len || pc + i->jf + 1 >= len))
            return -EINVAL;
        if (c == (LD | W | ABS) && (i->k >= sizeof(struct seccomp_data) || (i->k & 3)))
            return -EINVAL;
    }
    uint16_t last = f[len - 1].code;
    if (last != (RET | K) && last != (RET | RA))
        return -EINVAL;
    /* a scratch word is read only where every path to it stored it */
    uint16_t *masks = kmalloc(len * sizeof *masks);
    if (!masks)
        return -ENOMEM;
    memset(masks, 0xff, len * sizeof *masks);
    uint16_t valid = 0;
    int err = 0;
    for (unsigned pc = 0; pc < len && !err; pc++) {
        const struct sock_filter *i = &f[pc];
        valid &= masks[pc];
        if (i->code == ST || i->code == STX) {
            valid |= 1u << i->k;
        } else if (i->code == (LD | MEM) || i->code == (LDX | MEM)) {
            if (!(valid & (1u << i->k)))
                err = -EINVAL;
        } else if (i->code == (JMP | JA)) {
            masks[pc + 1 + i->k] &= valid;
            valid = 0xffff;
        } else if (is_cond_jump(i->code)) {
            masks[pc + 1 + i->jt] &= valid;
            masks[pc + 1 + i->jf] &= valid;
            valid = 0xffff;
        }
    }
    kfree(masks);
    return err;
}

/* Runs a checked program over d. */
static uint32_t run_filter(const struct seccomp_filter *p, const struct seccomp_data *d)
{
    uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
    for (unsigned pc = 0; pc < p->len; pc++) {
        const struct sock_filter *i = &p->insns[pc];
        uint32_t src = (i->code & X) ? x : i->k;
        switch (i->code & 7) {
        case LD:
            if ((i->code & 0xe0) == ABS)
                memcpy(&a, (const uint8_t *)d + i->k, 4);
            else if ((i->code & 0xe0) == LEN)
                a = sizeof *d;
            else if ((i->code & 0xe0) == MEM)
                a = mem[i->k];
            else
                a = i->k;
            break;
        case LDX:
            x = (i->code & 0xe0) == LEN ? (uint32_t)sizeof *d : (i->code & 0xe0) == MEM ? mem[i->k] : i->k;
            break;
        case ST:
            mem[i->k] = a;
            break;
        case STX:
            mem[i->k] = x;
            break;
        case ALU:
            switch (i->code & 0xf0) {
            case ADD: a += src; break;
            case SUB: a -= src; break;
            case MUL: a *= src; break;
            case DIV:
                if (!src)
                    return RET_KILL_THREAD;     /* a division by X == 0 ends the program with 0 */
                a /= src;
                break;
            case OR: a |= src; break;
            case AND: a &= src; break;
            case XOR: a ^= src; break;
            case LSH: a <<= src & 31; break;
            case RSH: a >>= src & 31; break;
            case NEG: a = -a; break;
            }
            break;
        case JMP: {
            bool taken;
            switch (i->code & 0xf0) {
            case JA: pc += i->k; continue;
            case JEQ: taken = a == src; break;
            case JGT: taken = a > src; break;
            case JGE: taken = a >= src; break;
            default: taken = (a & src) != 0; break;
            }
            pc += taken ? i->jt : i->jf;
            break;
        }
        case RET:
            return (i->code & RA) ? a : i->k;
        case MISC:
            if (i->code == (MISC | TAX))
                x = a;
            else
                a = x;
            break;
        }
    }
    return RET_KILL_THREAD;         /* unreachable: the last instruction returns */
}

/* Which of two results comes first (Linux compares the actions as s32). */
static bool takes_precedence(uint32_t r, uint32_t over)
{
    return (int32_t)(r & RET_ACTION_FULL) < (int32_t)(over & RET_ACTION_FULL);
}

/* Every filter of the stack; the result that wins, and the filter it came from. */
static uint32_t run_filters(const struct seccomp_filter *f, const struct seccomp_data *d,
                            const struct seccomp_filter **match)
{
    uint32_t ret = RET_ALLOW;
    *match = NULL;
    for (; f; f = f->prev) {
        uint32_t r = run_filter(f, d);
        if (takes_precedence(r, ret)) {
            ret = r;
            *match = f;
        }
    }
    return ret;
}

static void filter_put(struct seccomp_filter *f)
{
    while (f && __atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL) == 0) {
        struct seccomp_filter *prev = f->prev;
        kfree(f);
        f = prev;
    }
}

static void filter_get(struct seccomp_filter *f)
{
    if (f)
        __atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
}

void seccomp_fork(struct task *child, const struct task *parent)
{
    spin_lock(&tasks_lock);             /* against a TSYNC in the parent's process */
    child->seccomp_filter = parent->seccomp_filter;
    filter_get(child->seccomp_filter);
    child->seccomp_filter_count = parent->seccomp_filter_count;
    child->seccomp_mode = parent->seccomp_mode;
    spin_unlock(&tasks_lock);
}

void seccomp_release(struct task *t)
{
    filter_put(t->seccomp_filter);
    t->seccomp_filter = NULL;
}

/* The caller's fast ENOSYS answer (arch entry code) skips the check: off. */
static void fast_path_off(struct task *t)
{
    uint64_t irq = irq_save();
    syscall_fast_enosys_update(t, false);
    irq_restore(irq);
}

/* ---- the check at system-call entry ---- */

static void log_action(struct task *t, int nr, uint32_t action)
{
    kprintf(KERN_INFO "seccomp: pid %d (%s) syscall %d: action %#x\n", t->pid, t->comm, nr, action);
}

/* SIGSYS for the call nr, as force_sig_seccomp: to_default for the kills. */
static void send_sigsys(struct trap_frame *tf, int nr, uint32_t data, bool to_default)
{
    siginfo_t info = { 0 };
    info.si_signo = SIGSYS;
    info.si_code = SYS_SECCOMP;
    info.si_errno = (int)data;
    info.u.sys.call_addr = tf_ip(tf);
    info.u.sys.syscall = nr;
    info.u.sys.arch = AUDIT_ARCH_X86_64;
    signal_force(SIGSYS, &info, to_default);
}

/* Ends the calling thread, or its process, for its filter. */
static void kill_for(struct trap_frame *tf, struct task *t, int nr, uint32_t action, uint32_t data)
{
    spin_lock(&tasks_lock);
    t->seccomp_mode = SECCOMP_MODE_DEAD;
    bool alone = t->group->live == 1;
    spin_unlock(&tasks_lock);
    log_action(t, nr, action);
    if (action == RET_KILL_THREAD && !alone)
        do_exit(SIGSYS);
    syscall_set_return(tf, (uint64_t)nr);   /* the registers of the call, for a core */
    send_sigsys(tf, nr, data, true);
}

static bool filter_check(struct trap_frame *tf, struct task *t, bool recheck)
{
    int nr = (int)t->saved_syscall_nr;
    struct seccomp_data d = { .nr = nr, .arch = AUDIT_ARCH_X86_64, .instruction_pointer = tf_ip(tf) };
    for (unsigned i = 0; i < 6; i++)
        d.args[i] = syscall_arg(tf, i);
    const struct seccomp_filter *match;
    uint32_t ret = run_filters(READ_ONCE(t->seccomp_filter), &d, &match);
    uint32_t action = ret & RET_ACTION_FULL, data = ret & RET_DATA;
    /* kills and LOG are always logged, the others if their filter asked */
    if (match && match->log && (action == RET_ERRNO || action == RET_TRAP || action == RET_TRACE))
        log_action(t, nr, action);
    switch (action) {
    case RET_ALLOW:
        return true;
    case RET_LOG:
        log_action(t, nr, action);
        return true;
    case RET_ERRNO:
        syscall_set_return(tf, (uint64_t)-(long)(data > MAX_ERRNO ? MAX_ERRNO : data));
        return false;
    case RET_TRAP:
        syscall_set_return(tf, (uint64_t)nr);   /* the call undone: its number back */
        send_sigsys(tf, nr, data, false);
        return false;
    case RET_USER_NOTIF:
        syscall_set_return(tf, (uint64_t)-ENOSYS);
        return false;
    case RET_TRACE:
        /* after a tracer's look the call is checked again, and then a
         * TRACE result lets it run (Linux) */
        if (recheck)
            return true;
        syscall_set_return(tf, (uint64_t)-ENOSYS);
        if (!ptrace_event_enabled(t, PTRACE_EVENT_SECCOMP))
            return false;
        ptrace_event(PTRACE_EVENT_SECCOMP, data);
        if (READ_ONCE(t->pending) & SIGBIT(SIGKILL))
            return false;
        if ((int64_t)t->saved_syscall_nr < 0)
            return false;               /* the tracer skipped it */
        return filter_check(tf, t, true);
    default:                            /* KILL_THREAD, KILL_PROCESS, unknown */
        kill_for(tf, t, nr, action, data);
        return false;
    }
}

bool seccomp_syscall_enter(struct trap_frame *tf)
{
    struct task *t = current;
    uint64_t nr = t->saved_syscall_nr;
    switch (READ_ONCE(t->seccomp_mode)) {
    case SECCOMP_MODE_STRICT:
        if (nr == NR_READ || nr == NR_WRITE || nr == NR_EXIT || nr == NR_RT_SIGRETURN)
            return true;
        spin_lock(&tasks_lock);
        t->seccomp_mode = SECCOMP_MODE_DEAD;
        spin_unlock(&tasks_lock);
        log_action(t, (int)nr, RET_KILL_THREAD);
        do_exit(SIGKILL);
    case SECCOMP_MODE_FILTER:
        return filter_check(tf, t, false);
    case SECCOMP_MODE_DEAD:
        do_exit(SIGKILL);               /* a call after the kill: no way on */
    default:
        return true;
    }
}

/* ---- installing ---- */

/* May the caller move to mode (Linux: from none, or within the same)? */
static bool may_assign(const struct task *t, int mode)
{
    return !t->seccomp_mode || t->seccomp_mode == mode;
}

static long set_strict(void)
{
    struct task *t = current;
    spin_lock(&tasks_lock);
    bool ok = may_assign(t, SECCOMP_MODE_STRICT);
    if (ok)
        t->seccomp_mode = SECCOMP_MODE_STRICT;
    spin_unlock(&tasks_lock);
    if (!ok)
        return -EINVAL;
    fast_path_off(t);
    return 0;
}

/* Copies and checks the program at uprog. */
static long prepare_filter(uint64_t uprog, unsigned flags, struct seccomp_filter **out)
{
    struct sock_fprog fp;
    if (copy_from_user(&fp, (const void __user *)uprog, sizeof fp))
        return -EFAULT;
    if (fp.len == 0 || fp.len > BPF_MAXINSNS)
        return -EINVAL;
    if (!current->no_new_privs && !capable(CAP_SYS_ADMIN))
        return -EACCES;
    struct seccomp_filter *f = kzalloc(sizeof *f + fp.len * sizeof(struct sock_filter));
    if (!f)
        return -ENOMEM;
    f->len = fp.len;
    f->log = flags & FLAG_LOG;
    f->refs = 1;
    long err = copy_from_user(f->insns, (const void __user *)fp.filter, fp.len * sizeof(struct sock_filter))
                   ? -EFAULT
                   : check_filter(f->insns, fp.len);
    if (err) {
        kfree(f);
        return err;
    }
    *out = f;
    return 0;
}

/* Is a (a filter or NULL) at or below b in b's stack? */
static bool is_ancestor(const struct seccomp_filter *a, const struct seccomp_filter *b)
{
    if (!a)
        return true;
    for (; b; b = b->prev)
        if (a == b)
            return true;
    return false;
}

/* TSYNC: the first other thread that cannot take the caller's filters
 * (a mode of its own, or filters not below the caller's), or NULL.
 * tasks_lock held. */
static struct task *tsync_blocker_locked(struct task *t)
{
    struct task *u;
    list_for_each_entry(u, &t->group->threads, thread_node) {
        if (u == t || u->seccomp_mode == SECCOMP_MODE_DISABLED)
            continue;
        if (u->seccomp_mode == SECCOMP_MODE_FILTER && is_ancestor(u->seccomp_filter, t->seccomp_filter))
            continue;
        return u;
    }
    return NULL;
}

static long set_filter(unsigned flags, uint64_t uprog)
{
    struct task *t = current;
    if (flags & ~FILTER_FLAGS)
        return -EINVAL;                 /* NEW_LISTENER and WAIT_KILLABLE_RECV among them */
    struct seccomp_filter *f;
    long err = prepare_filter(uprog, flags, &f);
    if (err)
        return err;
    spin_lock(&tasks_lock);
    unsigned total = f->len;
    for (const struct seccomp_filter *w = t->seccomp_filter; w; w = w->prev)
        total += w->len + 4;
    struct task *blocker = NULL;
    if (!may_assign(t, SECCOMP_MODE_FILTER))
        err = -EINVAL;
    else if (total > MAX_INSNS_PER_PATH)
        err = -ENOMEM;
    else if ((flags & FLAG_TSYNC) && (blocker = tsync_blocker_locked(t)))
        err = (flags & FLAG_TSYNC_ESRCH) ? -ESRCH : blocker->pid;
    if (err) {
        spin_unlock(&tasks_lock);
        kfree(f);
        return err;
    }
    f->prev = t->seccomp_filter;        /* the caller's reference passes to f */
    __atomic_store_n(&t->seccomp_filter, f, __ATOMIC_RELEASE);
    t->seccomp_filter_count++;
    t->seccomp_mode = SECCOMP_MODE_FILTER;
    if (flags & FLAG_TSYNC) {
        struct task *u;
        list_for_each_entry(u, &t->group->threads, thread_node) {
            if (u == t)
                continue;
            /* its old filter is below f: still alive after this put */
            filter_get(f);
            filter_put(u->seccomp_filter);
            __atomic_store_n(&u->seccomp_filter, f, __ATOMIC_RELEASE);
            u->seccomp_filter_count = t->seccomp_filter_count;
            if (t->no_new_privs)
                u->no_new_privs = true;
            __atomic_store_n(&u->seccomp_mode, SECCOMP_MODE_FILTER, __ATOMIC_RELEASE);
        }
    }
    spin_unlock(&tasks_lock);
    /* the caller's CPU stops answering reported-unknown numbers early; a
     * thread given filters by TSYNC while running on another CPU stops at
     * its next switch (until then such a number may still be ENOSYS) */
    fast_path_off(t);
    return 0;
}

static long action_avail(unsigned flags, uint64_t uaction)
{
    uint32_t action;
    if (flags)
        return -EINVAL;
    if (copy_from_user(&action, (const void __user *)uaction, sizeof action))
        return -EFAULT;
    switch (action) {
    case RET_KILL_PROCESS: case RET_KILL_THREAD: case RET_TRAP: case RET_ERRNO:
    case RET_TRACE: case RET_LOG: case RET_ALLOW:
        return 0;
    default:
        return -EOPNOTSUPP;             /* USER_NOTIF among them: no listeners */
    }
}

static long do_seccomp(unsigned op, unsigned flags, uint64_t uargs)
{
    switch (op) {
    case SECCOMP_SET_MODE_STRICT:
        if (flags || uargs)
            return -EINVAL;
        return set_strict();
    case SECCOMP_SET_MODE_FILTER:
        return set_filter(flags, uargs);
    case SECCOMP_GET_ACTION_AVAIL:
        return action_avail(flags, uargs);
    default:
        return -EINVAL;
    }
}

static long sys_seccomp(unsigned op, unsigned flags, uint64_t uargs) { return do_seccomp(op, flags, uargs); }
SYSCALL_DEFINE(317, seccomp);

long seccomp_prctl(uint64_t mode, uint64_t filter)
{
    switch (mode) {
    case SECCOMP_MODE_STRICT:
        return do_seccomp(SECCOMP_SET_MODE_STRICT, 0, 0);   /* the argument is ignored */
    case SECCOMP_MODE_FILTER:
        return do_seccomp(SECCOMP_SET_MODE_FILTER, 0, filter);
    default:
        return -EINVAL;
    }
}
