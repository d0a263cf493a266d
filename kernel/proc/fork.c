/*
 * fork, vfork and clone: create a child process.
 *
 * The child gets a copy-on-write copy of the address space (mm_clone), a
 * copy of the descriptor table sharing the open files, the working
 * directory, umask, signal dispositions and mask, process group and session,
 * and a copy of the parent's registers with rax = 0.  CLONE_VM is honoured
 * as a copy (Tessera has no threads); CLONE_VFORK blocks the parent until
 * the child execs or exits, which is all posix_spawn and vfork callers rely
 * on.  CLONE_THREAD is refused with EINVAL.
 *
 * Exhaustion is reported, never fatal: a full process table gives EAGAIN,
 * no memory for the copy gives ENOMEM.
 */
#include <arch/cpu.h>
#include <fs/vfs.h>
#include <kernel/kernel.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>
#include <mm/vm.h>
#include <proc/proc.h>
#include <proc/signal.h>
#include <proc/task.h>
#include <sched/sched.h>

#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_VFORK 0x00004000
#define CLONE_PARENT 0x00008000
#define CLONE_THREAD 0x00010000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_CHILD_SETTID 0x01000000

static struct waitq vfork_wait = WAITQ_INIT(vfork_wait);

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

long do_fork(uint64_t flags, uint64_t child_stack, uint64_t ptid, uint64_t ctid, uint64_t tls)
{
    struct task *parent = current;
    if (flags & (CLONE_THREAD | CLONE_SIGHAND))
        return -EINVAL;
    struct task *t = task_alloc();
    if (!t)
        return -EAGAIN;
    long err = -ENOMEM;
    t->mm = mm_clone(parent->mm);
    if (!t->mm)
        goto fail;
    t->files = parent->files ? fdtable_clone(parent->files) : NULL;
    if (parent->files && !t->files)
        goto fail;
    t->sighand = sighand_copy(parent->sighand);
    if (!t->sighand)
        goto fail;
    t->cwd = parent->cwd;
    if (t->cwd)
        vnode_get(t->cwd);
    t->umask = parent->umask;
    memcpy(t->comm, parent->comm, sizeof t->comm);
    memcpy(t->exe_path, parent->exe_path, sizeof t->exe_path);
    if (parent->cmdline_len) {
        t->cmdline = kmalloc(parent->cmdline_len);
        if (t->cmdline) {
            memcpy(t->cmdline, parent->cmdline, parent->cmdline_len);
            t->cmdline_len = parent->cmdline_len;
        }
    }
    t->uid = parent->uid; t->euid = parent->euid;
    t->gid = parent->gid; t->egid = parent->egid;
    t->blocked = parent->blocked;
    t->pgid = parent->pgid;
    t->sid = parent->sid;
    t->policy = parent->policy;
    t->cpu_mask = parent->cpu_mask;
    t->se.nice = parent->se.nice;
    t->se.tickets = parent->se.tickets;
    t->se.expected_ns = 0;              /* a job-length hint belongs to one job */
    t->se.rt_priority = parent->se.rt_priority;
    t->se.rt_policy = parent->se.rt_policy;
    t->fs_base = (flags & CLONE_SETTLS) ? tls : parent->fs_base;
    __asm__ volatile("fxsaveq (%0)" : : "r"(parent->fpu) : "memory");
    memcpy(t->fpu, parent->fpu, 512);
    t->stats.arrival_ns = time_ns();

    /* registers: the parent's, with rax = 0 and maybe a new stack */
    *t->tf = *parent->tf;
    t->tf->rax = 0;
    if (child_stack)
        t->tf->rsp = child_stack;
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

    spin_lock(&tasks_lock);
    struct task *p = (flags & CLONE_PARENT) && parent->parent ? parent->parent : parent;
    t->parent = p;
    t->ppid = p->pid;
    list_push_back(&p->children, &t->sibling);
    spin_unlock(&tasks_lock);

    if (flags & CLONE_VFORK)
        t->vfork_parent = parent;
    pid_t pid = t->pid;
    sched_new_task(t, parent);

    if (flags & CLONE_VFORK) {
        struct wait_entry w;
        for (;;) {
            prepare_to_wait(&vfork_wait, &w);
            if (t->vfork_done)
                break;
            schedule();                 /* not interruptible: the child owns the moment */
        }
        finish_wait(&vfork_wait, &w);
    }
    return pid;

fail:
    if (t->mm)
        mm_put(t->mm);
    if (t->files)
        fdtable_put(t->files);
    kfree(t->sighand);
    vnode_put(t->cwd);
    t->state = TASK_DEAD;
    task_release(t);
    return err;
}

long sys_fork(void) { return do_fork(0, 0, 0, 0, 0); }
SYSCALL_DEFINE(57, fork);

long sys_vfork(void) { return do_fork(CLONE_VFORK | CLONE_VM, 0, 0, 0, 0); }
SYSCALL_DEFINE(58, vfork);

/* x86-64 argument order: flags, stack, parent_tid, child_tid, tls */
long sys_clone(uint64_t flags, uint64_t stack, uint64_t ptid, uint64_t ctid, uint64_t tls)
{
    return do_fork(flags, stack, ptid, ctid, tls);
}
SYSCALL_DEFINE(56, clone);
