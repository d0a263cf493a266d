/*
 * fork, vfork, clone and clone3: new processes and new threads.
 *
 * Without CLONE_THREAD the child is a new process: a copy-on-write copy of
 * the address space (or the same one with CLONE_VM), a copy of the
 * descriptor table (or the same one with CLONE_FILES), copies of the signal
 * actions (or the same ones with CLONE_SIGHAND), the working directory,
 * umask, mask, process group and session, and the caller's registers with
 * rax = 0.  Its parent is the caller's process (CLONE_PARENT: the caller's
 * parent), told of its end by the signal in the low byte of the flags.
 * CLONE_VFORK blocks the caller until the child execs or exits.
 *
 * With CLONE_THREAD (which needs CLONE_SIGHAND, which needs CLONE_VM) the
 * child is a new thread of the caller's process: same thread group, memory
 * and signal actions, its own stack and TLS (CLONE_SETTLS), no place of its
 * own in the process tree.  CLONE_FS shares the working directory and
 * umask.
 *
 * Exhaustion is reported, never fatal: threads-max, the user's
 * RLIMIT_NPROC or no free pid give EAGAIN, no memory for the copy ENOMEM
 * (kernel/proc/task.c).
 */
#include <arch/cpu.h>
#include <arch/fpu.h>
#include <fs/mount.h>
#include <fs/vfs.h>
#include <ipc/ipc.h>
#include <kernel/kernel.h>
#include <kernel/perf_event.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>
#include <mm/vm.h>
#include <proc/cred.h>
#include <proc/proc.h>
#include <proc/ptrace.h>
#include <proc/rlimit.h>
#include <proc/seccomp.h>
#include <proc/signal.h>
#include <sched/sched.h>

#define CSIGNAL 0x000000ff
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_PIDFD 0x00001000
#define CLONE_PTRACE 0x00002000
#define CLONE_VFORK 0x00004000
#define CLONE_PARENT 0x00008000
#define CLONE_THREAD 0x00010000
#define CLONE_NEWNS 0x00020000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED 0x00400000
#define CLONE_UNTRACED 0x00800000
#define CLONE_CHILD_SETTID 0x01000000
#define CLONE_NEWCGROUP 0x02000000
#define CLONE_NEWUTS 0x04000000
#define CLONE_NEWIPC 0x08000000
#define CLONE_NEWUSER 0x10000000
#define CLONE_NEWPID 0x20000000
#define CLONE_NEWNET 0x40000000
#define CLONE_IO 0x80000000UL
#define CLONE_CLEAR_SIGHAND 0x100000000ULL      /* clone3 only */
#define CLONE_INTO_CGROUP 0x200000000ULL
#define CLONE_NEW_ANY (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)

static struct waitq vfork_wait = WAITQ_INIT(vfork_wait);
uint64_t total_forks;

/* The vfork child execs or exits: let the parent continue. */
void vfork_release(struct task *child)
{
    child->vfork_parent = NULL;
    child->vfork_done = true;
    waitq_wake_all(&vfork_wait);
}

/* A new child's first step when its parent asked for CLONE_CHILD_SETTID. */
static void child_set_tid(void *uaddr)
{
    put_user((int32_t)current->pid, (int32_t __user *)uaddr);
}

/* The combinations Linux refuses with EINVAL (namespaces other than the
 * mount name space, and pidfds, are not provided: EINVAL too). */
static bool bad_clone_flags(uint64_t flags)
{
    if (flags >> 32 & ~(CLONE_CLEAR_SIGHAND >> 32))
        return true;                    /* unknown high flags */
    if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
        return true;
    if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
        return true;
    if ((flags & (CLONE_NEWNS | CLONE_FS)) == (CLONE_NEWNS | CLONE_FS))
        return true;
    if (flags & ((CLONE_NEW_ANY & ~CLONE_NEWNS) | CLONE_PIDFD))
        return true;
    return false;
}

long do_fork(uint64_t flags, uint64_t child_stack, uint64_t ptid, uint64_t ctid, uint64_t tls)
{
    struct task *parent = current;
    struct task *proc = task_process(parent);
    bool thread = flags & CLONE_THREAD;
    if (bad_clone_flags(flags))
        return -EINVAL;
    if ((flags & CLONE_NEWNS) && !capable(CAP_SYS_ADMIN))
        return -EPERM;
    int alloc_err;
    struct task *t = task_alloc(thread ? parent->group : NULL, &alloc_err);
    if (!t)
        return alloc_err;
    long err = -ENOMEM;
    if (flags & CLONE_VM) {
        t->mm = parent->mm;
        mm_get(t->mm);
    } else {
        t->mm = mm_clone(parent->mm);
    }
    if (!t->mm)
        goto fail;
    if (flags & CLONE_FILES) {
        t->files = parent->files;
        if (t->files)
            fdtable_get(t->files);
    } else {
        t->files = parent->files ? fdtable_clone(parent->files) : NULL;
        if (parent->files && !t->files)
            goto fail;
    }
    if (flags & CLONE_SIGHAND) {
        t->sighand = parent->sighand;
        __atomic_add_fetch(&t->sighand->refs, 1, __ATOMIC_RELAXED);
    } else {
        t->sighand = sighand_copy(parent->sighand);
        if (!t->sighand)
            goto fail;
        if (flags & CLONE_CLEAR_SIGHAND)
            signal_exec_reset_actions(t->sighand);  /* handlers back to SIG_DFL; SIG_IGN stays */
    }
    if (flags & CLONE_FS) {
        t->fs = parent->fs;
        fs_context_get(t->fs);
    } else {
        t->fs = fs_context_copy(parent->fs);
        if (!t->fs || ((flags & CLONE_NEWNS) && mnt_ns_unshare(t->fs)))
            goto fail;
    }
    if (sem_fork(t, flags & CLONE_SYSVSEM))
        goto fail;
    memcpy(t->comm, parent->comm, sizeof t->comm);
    memcpy(t->exe_path, parent->exe_path, sizeof t->exe_path);
    if (parent->cmdline_len) {
        t->cmdline = kmalloc(parent->cmdline_len);
        if (t->cmdline) {
            memcpy(t->cmdline, parent->cmdline, parent->cmdline_len);
            t->cmdline_len = parent->cmdline_len;
        }
    }
    t->mempolicy = parent->mempolicy;   /* NUMA policy: inherited, as on Linux */
    t->personality = parent->personality;
    cred_copy(t, parent);
    seccomp_fork(t, parent);
    if (!thread)
        rlimit_init(t->group, parent->group);
    t->blocked = parent->blocked;
    t->pgid = parent->pgid;
    t->sid = parent->sid;
    t->exit_signal = thread ? 0 : (int)(flags & CSIGNAL);
    t->policy = parent->policy;
    t->cpu_mask = parent->cpu_mask;
    /* Linux: a child's slack, and the value PR_SET_TIMERSLACK 0 restores,
     * are the parent's current slack */
    t->timer_slack_ns = t->timer_slack_default_ns = parent->timer_slack_ns;
    t->se.nice = parent->se.nice;
    t->se.tickets = parent->se.tickets;
    t->se.expected_ns = 0;              /* a job-length hint belongs to one job */
    t->se.rt_priority = parent->se.rt_priority;
    t->se.rt_policy = parent->se.rt_policy;
    if (parent->sched_reset_on_fork) {
        /* SCHED_RESET_ON_FORK: a real-time parent's children are ordinary,
         * a negative nice is not inherited, and the flag is not either */
        if (t->policy == SCHED_FIFO || t->policy == SCHED_RR) {
            t->policy = SCHED_OTHER;
            t->se.rt_priority = 0;
            t->se.rt_policy = 0;
        }
        if (t->se.nice < 0)
            t->se.nice = 0;
    }
    t->tls_base = (flags & CLONE_SETTLS) ? tls : parent->tls_base;
    /* a new process keeps the alternate signal stack; a thread (sharing the
     * memory, so it cannot share the stack) starts without one */
    if (!(flags & CLONE_VM) || (flags & CLONE_VFORK)) {
        t->alt_stack_sp = parent->alt_stack_sp;
        t->alt_stack_size = parent->alt_stack_size;
        t->alt_stack_flags = parent->alt_stack_flags;
    }
    arch_fpu_save(parent->fpu);
    memcpy(t->fpu, parent->fpu, arch_fpu_size());
    t->stats.arrival_ns = time_ns();

    /* registers: the parent's, returning 0 and maybe on a new stack */
    *t->tf = *parent->tf;
    syscall_set_return(t->tf, 0);
    if (child_stack)
        tf_set_user_sp(t->tf, child_stack);
    task_prepare_child(t, NULL, NULL);

    if (flags & CLONE_CHILD_CLEARTID)
        t->clear_child_tid = ctid;
    if (flags & CLONE_PARENT_SETTID) {
        if (put_user((int32_t)t->pid, (int32_t *)ptid)) {
            err = -EFAULT;
            goto fail;
        }
    }
    /* CLONE_CHILD_SETTID is written into the child's memory by the child
     * itself, first thing (as Linux does; a bad address is not the parent's
     * error) */
    if (flags & CLONE_CHILD_SETTID)
        task_prepare_child(t, child_set_tid, (void *)ctid);
    /* the parent thread's inherited perf events count the child too */
    err = perf_task_fork(t, parent, flags);
    if (err)
        goto fail;

    spin_lock(&tasks_lock);
    if (thread) {
        /* a process that is ending takes no new threads */
        spin_lock(&t->group->sig_lock);
        bool exiting = t->group->exiting;
        spin_unlock(&t->group->sig_lock);
        if (exiting) {
            spin_unlock(&tasks_lock);
            err = -EINTR;
            goto fail;
        }
        t->ppid = proc->ppid;
    } else {
        bool up = (flags & CLONE_PARENT) && proc->parent;
        struct task *p = up ? proc->parent : proc;
        t->parent = p;
        t->ppid = p->pid;
        t->parent_tid = up ? proc->parent_tid : parent->pid;   /* the creating thread (pdeath_signal) */
        list_push_back(&p->children, &t->sibling);
    }
    /* a tracee whose tracer asked for this event has its child traced
     * too, from its first instruction (CLONE_PTRACE asks for it always) */
    int event = (flags & CLONE_VFORK) ? PTRACE_EVENT_VFORK
                : t->exit_signal != SIGCHLD ? PTRACE_EVENT_CLONE : PTRACE_EVENT_FORK;
    if ((flags & CLONE_UNTRACED) || !ptrace_event_enabled(parent, event))
        event = 0;
    if (parent->tracer && (event || (flags & CLONE_PTRACE)))
        ptrace_attach_child_locked(parent, t);
    task_join_group(t);
    total_forks++;
    spin_unlock(&tasks_lock);

    if (flags & CLONE_VFORK)
        t->vfork_parent = parent;
    pid_t pid = t->pid;
    sched_new_task(t, parent);
    if (event)
        ptrace_event(event, (uint64_t)pid);

    if (flags & CLONE_VFORK) {
        /* ordinary signals wait (the child owns the moment); SIGKILL does
         * not: the caller dies, the child keeps the memory it shares */
        struct wait_entry w;
        for (;;) {
            prepare_to_wait(&vfork_wait, &w);
            if (t->vfork_done || (READ_ONCE(parent->pending) & SIGBIT(SIGKILL)))
                break;
            schedule();
        }
        finish_wait(&vfork_wait, &w);
        ptrace_event(PTRACE_EVENT_VFORK_DONE, (uint64_t)pid);
    }
    return pid;

fail:
    if (t->mm)
        mm_put(t->mm);
    if (t->files)
        fdtable_put(t->files);
    sighand_put(t->sighand);
    t->sighand = NULL;
    fs_context_put(t->fs);
    sem_exit(t);
    t->state = TASK_DEAD;
    task_release(t);
    return err;
}

/* t gets a descriptor table of its own if it shares one: its later
 * changes (exec's closing, close_range's) are its own. */
int task_unshare_files(struct task *t)
{
    if (!t->files || !fdtable_shared(t->files))
        return 0;
    struct fdtable *own = fdtable_clone(t->files);
    if (!own)
        return -ENOMEM;
    spin_lock(&tasks_lock);             /* /proc/<pid>/fd readers take it under this lock */
    struct fdtable *old = t->files;
    t->files = own;
    spin_unlock(&tasks_lock);
    fdtable_put(old);
    return 0;
}

/* unshare(2): CLONE_FILES and CLONE_FS give the caller its own copy of
 * what it shares; CLONE_NEWNS (which implies CLONE_FS, and needs
 * CAP_SYS_ADMIN) a copy of its mount name space.  CLONE_SYSVSEM leaves
 * the shared SEM_UNDO list (the last to leave applies it, as an exit
 * does).  The other name spaces, and CLONE_THREAD, CLONE_VM and
 * CLONE_SIGHAND, are not provided: EINVAL. */
static long sys_unshare(unsigned long flags)
{
    const unsigned long known = CLONE_FILES | CLONE_FS | CLONE_NEWNS | CLONE_SYSVSEM;
    if (flags & ~known)
        return -EINVAL;
    if ((flags & CLONE_NEWNS) && !capable(CAP_SYS_ADMIN))
        return -EPERM;
    struct task *t = current;
    if (flags & CLONE_SYSVSEM)
        sem_exit(t);
    if (flags & CLONE_FILES) {
        int err = task_unshare_files(t);
        if (err)
            return err;
    }
    if ((flags & (CLONE_FS | CLONE_NEWNS)) && __atomic_load_n(&t->fs->refs, __ATOMIC_ACQUIRE) > 1) {
        struct fs_context *own = fs_context_copy(t->fs), *old = t->fs;
        if (!own)
            return -ENOMEM;
        spin_lock(&tasks_lock);             /* /proc/<pid> readers take t->fs under it */
        t->fs = own;
        spin_unlock(&tasks_lock);
        fs_context_put(old);
    }
    return flags & CLONE_NEWNS ? mnt_ns_unshare(t->fs) : 0;
}
SYSCALL_DEFINE(272, unshare);

static long sys_fork(void) { return do_fork(SIGCHLD, 0, 0, 0, 0); }
SYSCALL_DEFINE(57, fork);

static long sys_vfork(void) { return do_fork(CLONE_VFORK | CLONE_VM | SIGCHLD, 0, 0, 0, 0); }
SYSCALL_DEFINE(58, vfork);

/* x86-64 argument order: flags, stack, parent_tid, child_tid, tls */
static long sys_clone(uint64_t flags, uint64_t stack, uint64_t ptid, uint64_t ctid, uint64_t tls)
{
    return do_fork(flags & 0xffffffffULL, stack, ptid, ctid, tls);   /* the legacy call has 32 flag bits */
}
SYSCALL_DEFINE(56, clone);

/* clone3's argument block (Linux 5.3+; size is checked by version). */
struct clone_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
    uint64_t set_tid, set_tid_size, cgroup;
};
#define CLONE_ARGS_SIZE_VER0 64

static long sys_clone3(const struct clone_args __user *uargs, size_t size)
{
    struct clone_args a;
    memset(&a, 0, sizeof a);
    if (size > 4096)
        return -E2BIG;
    if (size < CLONE_ARGS_SIZE_VER0)
        return -EINVAL;
    if (copy_from_user(&a, uargs, MIN(size, sizeof a)))
        return -EFAULT;
    /* a larger block from a newer libc: the unknown tail must be zero */
    for (size_t off = sizeof a; off < size; off += 8) {
        uint64_t word = 0;
        if (copy_from_user(&word, (const uint8_t __user *)uargs + off, MIN(8, size - off)))
            return -EFAULT;
        if (word)
            return -E2BIG;
    }
    /* clone3 has no room for the old meanings: the signal in the flags,
     * CLONE_DETACHED, or an exit signal for a thread */
    if ((a.flags & (CSIGNAL | CLONE_DETACHED)) || a.exit_signal > 64 || a.set_tid || a.set_tid_size || a.cgroup)
        return -EINVAL;
    if ((a.flags & (CLONE_THREAD | CLONE_PARENT)) && a.exit_signal)
        return -EINVAL;
    if ((a.flags & CLONE_CLEAR_SIGHAND) && (a.flags & CLONE_SIGHAND))
        return -EINVAL;
    if (a.flags & CLONE_INTO_CGROUP)
        return -EINVAL;                 /* no cgroups */
    if (!a.stack != !a.stack_size)
        return -EINVAL;
    uint64_t sp = a.stack ? a.stack + a.stack_size : 0;     /* the stack grows down from its top */
    return do_fork(a.flags | a.exit_signal, sp, a.parent_tid, a.child_tid, a.tls);
}
SYSCALL_DEFINE(435, clone3);
